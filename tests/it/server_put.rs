//! The local server's own PutObject (`src/demo/put.rs`): bodies arriving together are hashed
//! together, and each object is its own bytes with its own MD5 as ETag, type and metadata; a
//! put whose body does not match its digest or checksum, or whose connection is cut mid-body,
//! changes nothing and leaves no file of its own; a checksum sent after the body (aws-chunked,
//! as the AWS CLI and SDKs send it) is checked as one sent before it.

use crate::common;

use aws_sdk_s3::primitives::ByteStream;
use md5::{Digest, Md5};
use pail::testing::demo::server::LocalServer;
use tokio::io::AsyncWriteExt;

const BUCKET: &str = "puts";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn etag_of(bytes: &[u8]) -> String {
    format!("\"{}\"", hex(&Md5::digest(bytes)))
}

/// A body of `len` bytes that differs with `seed`.
fn body(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// The files of the server's folder that are neither buckets nor s3s-fs's records of objects.
fn leftovers(server: &LocalServer) -> Vec<String> {
    std::fs::read_dir(server.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".tmp.") || n.starts_with(".upload"))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn bodies_put_together_each_are_their_own_bytes_with_their_own_md5() {
    let server = common::server_with_bucket(BUCKET);
    let client = server.connection().client().clone();
    let sizes = [
        0,
        1,
        55,
        56,
        63,
        64,
        65,
        119,
        120,
        1000,
        65_543,
        300_001,
        1 << 20,
        5 << 20,
    ];
    let mut puts = Vec::new();
    for round in 0..2u64 {
        for (i, &size) in sizes.iter().enumerate() {
            let client = client.clone();
            let seed = round * 100 + i as u64;
            puts.push(tokio::spawn(async move {
                let bytes = body(seed, size);
                let key = format!("together/{i}.bin");
                let said = client
                    .put_object()
                    .bucket(BUCKET)
                    .key(&key)
                    .content_type("application/x-test")
                    .metadata("seed", seed.to_string())
                    .body(bytes.clone().into())
                    .send()
                    .await
                    .unwrap();
                (key, bytes, said.e_tag().unwrap().to_owned(), seed)
            }));
        }
        for put in puts.drain(..) {
            let (key, bytes, said, seed) = put.await.unwrap();
            assert_eq!(
                said,
                etag_of(&bytes),
                "{key}: the put answers the body's MD5"
            );
            let got = client
                .get_object()
                .bucket(BUCKET)
                .key(&key)
                .send()
                .await
                .unwrap();
            assert_eq!(got.e_tag(), Some(said.as_str()));
            assert_eq!(got.content_type(), Some("application/x-test"));
            let seed_kept = got.metadata().and_then(|m| m.get("seed")).cloned();
            assert_eq!(seed_kept, Some(seed.to_string()));
            let stored = got.body.collect().await.unwrap().into_bytes();
            assert!(stored == bytes, "{key}: the object is its own bytes");
        }
    }
    assert_eq!(leftovers(&server), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_put_whose_body_does_not_match_its_digest_or_checksum_changes_nothing() {
    let server = common::server_with_bucket(BUCKET);
    let client = server.connection().client().clone();
    common::put_object(&server, BUCKET, "kept.txt", b"the first version").await;
    let wrong_md5 = client
        .put_object()
        .bucket(BUCKET)
        .key("kept.txt")
        .content_md5("AAAAAAAAAAAAAAAAAAAAAA==")
        .body(b"a second version".to_vec().into())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        wrong_md5.into_service_error().meta().code(),
        Some("BadDigest")
    );
    let wrong_crc = client
        .put_object()
        .bucket(BUCKET)
        .key("kept.txt")
        .checksum_crc32("AAAAAA==")
        .body(b"a third version".to_vec().into())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        wrong_crc.into_service_error().meta().code(),
        Some("BadDigest")
    );
    let got = common::get_object(&server, BUCKET, "kept.txt").await;
    assert_eq!(got.as_deref(), Some(&b"the first version"[..]));
    assert_eq!(leftovers(&server), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_put_cut_off_mid_body_stores_nothing_and_leaves_no_file() {
    let server = common::server_with_bucket(BUCKET);
    common::put_object(&server, BUCKET, "half.bin", b"what was there").await;
    let presigned = server
        .connection()
        .client()
        .put_object()
        .bucket(BUCKET)
        .key("half.bin")
        .presigned(
            aws_sdk_s3::presigning::PresigningConfig::expires_in(std::time::Duration::from_secs(
                300,
            ))
            .unwrap(),
        )
        .await
        .unwrap();
    let url = reqwest::Url::parse(presigned.uri()).unwrap();
    let target = &presigned.uri()[url.origin().ascii_serialization().len()..];
    let mut stream = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    let head = format!(
        "PUT {target} HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\n\r\n",
        server.addr(),
        10 << 20
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&body(7, 1 << 20)).await.unwrap();
    stream.flush().await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    drop(stream);
    // The server sees the end of the body, then cleans up.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !leftovers(&server).is_empty() && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(leftovers(&server), Vec::<String>::new());
    let got = common::get_object(&server, BUCKET, "half.bin").await;
    assert_eq!(got.as_deref(), Some(&b"what was there"[..]));
    // The server goes on taking puts.
    common::put_object(&server, BUCKET, "after.bin", &body(8, 70_000)).await;
    let after = common::get_object(&server, BUCKET, "after.bin").await;
    assert_eq!(after, Some(body(8, 70_000)));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_checksum_sent_after_the_body_is_kept_and_checked() {
    let server = common::server_with_bucket(BUCKET);
    let base = server.connection().client().clone();
    // As the SDKs send a body read from a file: aws-chunked, the CRC32 in a trailer.
    let config = base
        .config()
        .to_builder()
        .request_checksum_calculation(aws_sdk_s3::config::RequestChecksumCalculation::WhenSupported)
        .build();
    let client = aws_sdk_s3::Client::from_conf(config);
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("trailer.bin");
    let bytes = body(9, 3 << 20);
    std::fs::write(&path, &bytes).unwrap();
    let said = client
        .put_object()
        .bucket(BUCKET)
        .key("trailer.bin")
        .checksum_algorithm(aws_sdk_s3::types::ChecksumAlgorithm::Crc32)
        .body(ByteStream::from_path(&path).await.unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(said.e_tag(), Some(etag_of(&bytes).as_str()));
    let crc = said.checksum_crc32().unwrap().to_owned();
    let head = base
        .head_object()
        .bucket(BUCKET)
        .key("trailer.bin")
        .checksum_mode(aws_sdk_s3::types::ChecksumMode::Enabled)
        .send()
        .await
        .unwrap();
    assert_eq!(head.checksum_crc32(), Some(crc.as_str()));
    let got = common::get_object(&server, BUCKET, "trailer.bin").await;
    assert!(got == Some(bytes), "the object is the file");
}
