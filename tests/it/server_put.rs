//! The local server's own PutObject (`src/demo/put.rs`): bodies arriving together are hashed
//! together, and each object is its own bytes with its own MD5 as ETag, type and metadata; a
//! put whose body does not match its digest or checksum, or whose connection is cut anywhere,
//! changes nothing and leaves no file of its own; puts racing for one key leave one of them
//! whole, reads meanwhile see each whole, and of puts only if absent one wins; a checksum sent
//! after the body (aws-chunked, as the AWS CLI and SDKs send it) is checked as one sent before
//! it.

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

/// A connection that has sent a presigned PUT of `key` saying `length` bytes, and `sent` of
/// them: the test closes it (drops it) when it likes.
async fn put_by_hand(
    server: &LocalServer,
    key: &str,
    length: usize,
    sent: &[u8],
) -> tokio::net::TcpStream {
    let presigned = server
        .connection()
        .client()
        .put_object()
        .bucket(BUCKET)
        .key(key)
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
        "PUT {target} HTTP/1.1\r\nHost: {}\r\nContent-Length: {length}\r\n\r\n",
        server.addr(),
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(sent).await.unwrap();
    stream.flush().await.unwrap();
    stream
}

/// How many of `puts` (each true when it was taken) were taken.
async fn winners(puts: Vec<tokio::task::JoinHandle<bool>>) -> usize {
    let mut won = 0;
    for put in puts {
        won += usize::from(put.await.unwrap());
    }
    won
}

/// Waits until the server has cleaned up after requests that ended. One look decides: a request
/// whose client has gone can still be taken up after the look (Wine's loopback is slow to
/// hand it over), and make its file then, so a second look could see a file the server has yet
/// to remove. A file left for good stays, and [`nothing_left_at_the_end`] finds it if it was
/// made by then (half a second after the last request).
async fn no_leftovers(server: &LocalServer) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let left = common::server_leftovers(server);
        if left.is_empty() {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "left behind: {left:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}

/// After the last request has had time to be taken up and to end, nothing is left.
async fn nothing_left_at_the_end(server: &LocalServer) {
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    no_leftovers(server).await;
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
    assert_eq!(common::server_leftovers(&server), Vec::<String>::new());
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
    assert_eq!(common::server_leftovers(&server), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_put_cut_off_mid_body_stores_nothing_and_leaves_no_file() {
    let server = common::server_with_bucket(BUCKET);
    common::put_object(&server, BUCKET, "half.bin", b"what was there").await;
    let stream = put_by_hand(&server, "half.bin", 10 << 20, &body(7, 1 << 20)).await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    drop(stream);
    // The server sees the end of the body, then cleans up.
    no_leftovers(&server).await;
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
    assert_eq!(head.content_encoding(), None, "how it was sent is not kept");
    let got = common::get_object(&server, BUCKET, "trailer.bin").await;
    assert!(got == Some(bytes), "the object is the file");
}

/// A body whose size and bytes follow from `seed`, and the put of it with `seed` as metadata.
fn seeded(seed: u64) -> Vec<u8> {
    body(seed, 1000 + (seed as usize * 7919) % 200_000)
}

/// Every other seed with a storage class (which s3s-fs's own put took, outside the lock).
async fn put_seeded(client: &aws_sdk_s3::Client, key: &str, seed: u64) {
    let class = (seed % 2 == 1).then_some(aws_sdk_s3::types::StorageClass::Standard);
    client
        .put_object()
        .bucket(BUCKET)
        .key(key)
        .metadata("seed", seed.to_string())
        .set_storage_class(class)
        .body(seeded(seed).into())
        .send()
        .await
        .unwrap();
}

/// What a GET of `key` answers is one put whole: the body of the seed its metadata names, with
/// that body's MD5 as ETag.
async fn read_whole(client: &aws_sdk_s3::Client, key: &str) {
    let got = client
        .get_object()
        .bucket(BUCKET)
        .key(key)
        .send()
        .await
        .unwrap();
    let etag = got.e_tag().unwrap().to_owned();
    let seed: u64 = got.metadata().unwrap()["seed"].parse().unwrap();
    let bytes = got.body.collect().await.unwrap().into_bytes();
    assert_eq!(etag, etag_of(&bytes), "the ETag is the body's");
    assert!(
        bytes == seeded(seed),
        "the body is the one its metadata names"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn puts_racing_for_one_key_leave_one_of_them_whole_and_reads_see_each_whole() {
    let server = common::server_with_bucket(BUCKET);
    let client = server.connection().client().clone();
    put_seeded(&client, "raced", 0).await;
    let reading = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let readers: Vec<_> = (0..4)
        .map(|_| {
            let (client, reading) = (client.clone(), reading.clone());
            tokio::spawn(async move {
                let mut reads = 0;
                while reading.load(std::sync::atomic::Ordering::Relaxed) {
                    read_whole(&client, "raced").await;
                    reads += 1;
                }
                reads
            })
        })
        .collect();
    for round in 0..15u64 {
        let puts: Vec<_> = (1..=12u64)
            .map(|i| {
                let client = client.clone();
                tokio::spawn(async move { put_seeded(&client, "raced", round * 100 + i).await })
            })
            .collect();
        for put in puts {
            put.await.unwrap();
        }
        read_whole(&client, "raced").await;
    }
    reading.store(false, std::sync::atomic::Ordering::Relaxed);
    for reader in readers {
        assert!(reader.await.unwrap() > 0);
    }
    assert_eq!(common::server_leftovers(&server), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread")]
async fn puts_cut_off_anywhere_leave_the_object_whole_and_no_file_behind() {
    let server = common::server_with_bucket(BUCKET);
    let client = server.connection().client().clone();
    put_seeded(&client, "cut", 0).await;
    for round in 1..=80u64 {
        let bytes = seeded(round);
        // Every other round the whole body, then the connection closed at once.
        let sent = if round % 2 == 0 {
            bytes.len()
        } else {
            (round as usize * 4099) % bytes.len()
        };
        let stream = put_by_hand(&server, "cut", bytes.len(), &bytes[..sent]).await;
        // Closed as the server takes the whole body in: 0 to 4 ms after it went.
        tokio::time::sleep(std::time::Duration::from_micros(round % 5 * 1000)).await;
        drop(stream);
        no_leftovers(&server).await;
        // The object is one put whole: its ETag the MD5 of its bytes.
        let got = client
            .get_object()
            .bucket(BUCKET)
            .key("cut")
            .send()
            .await
            .unwrap();
        let etag = got.e_tag().unwrap().to_owned();
        let bytes = got.body.collect().await.unwrap().into_bytes();
        assert_eq!(etag, etag_of(&bytes), "round {round}");
    }
    nothing_left_at_the_end(&server).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn of_puts_racing_for_a_free_key_only_if_absent_one_wins() {
    let server = common::server_with_bucket(BUCKET);
    let client = server.connection().client().clone();
    for round in 0..6 {
        let key = format!("free-{round}");
        let puts: Vec<_> = (0..10u64)
            .map(|i| {
                let (client, key) = (client.clone(), key.clone());
                tokio::spawn(async move {
                    client
                        .put_object()
                        .bucket(BUCKET)
                        .key(&key)
                        .if_none_match("*")
                        .body(seeded(i).into())
                        .send()
                        .await
                        .is_ok()
                })
            })
            .collect();
        let won = winners(puts).await;
        assert_eq!(
            won, 1,
            "round {round}: one put wins, the others are refused"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_put_to_a_bucket_that_is_not_there_is_refused_and_makes_none() {
    let server = common::server_with_bucket(BUCKET);
    let refused = server
        .connection()
        .client()
        .put_object()
        .bucket("not-there")
        .key("k")
        .body(b"x".to_vec().into())
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        refused.into_service_error().meta().code(),
        Some("NoSuchBucket")
    );
    assert!(!server.root().join("not-there").exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn of_puts_racing_on_one_etag_one_wins_and_copies_meanwhile_are_one_put_whole() {
    let server = common::server_with_bucket(BUCKET);
    let client = server.connection().client().clone();
    put_seeded(&client, "matched", 0).await;
    let copying = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
    let copiers: Vec<_> = (0..3)
        .map(|c| {
            let (client, copying) = (client.clone(), copying.clone());
            tokio::spawn(async move {
                let mut copies = 0;
                while copying.load(std::sync::atomic::Ordering::Relaxed) {
                    let copy = format!("copy-{c}");
                    client
                        .copy_object()
                        .bucket(BUCKET)
                        .key(&copy)
                        .copy_source(format!("{BUCKET}/matched"))
                        .send()
                        .await
                        .unwrap();
                    read_whole(&client, &copy).await;
                    copies += 1;
                }
                copies
            })
        })
        .collect();
    for round in 1..=8u64 {
        let head = client
            .head_object()
            .bucket(BUCKET)
            .key("matched")
            .send()
            .await
            .unwrap();
        let etag = head.e_tag().unwrap().to_owned();
        let puts: Vec<_> = (0..8u64)
            .map(|i| {
                let (client, etag) = (client.clone(), etag.clone());
                let seed = round * 100 + i;
                tokio::spawn(async move {
                    client
                        .put_object()
                        .bucket(BUCKET)
                        .key("matched")
                        .if_match(etag)
                        .metadata("seed", seed.to_string())
                        .body(seeded(seed).into())
                        .send()
                        .await
                        .is_ok()
                })
            })
            .collect();
        let won = winners(puts).await;
        assert_eq!(
            won, 1,
            "round {round}: one put wins, the others are refused"
        );
        read_whole(&client, "matched").await;
    }
    copying.store(false, std::sync::atomic::Ordering::Relaxed);
    for copier in copiers {
        assert!(copier.await.unwrap() > 0);
    }
}
