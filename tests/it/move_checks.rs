//! A move removes its original only once the copy is verified: the sizes and a checksum both
//! sides keep must agree. Against s3s-fs (whose stored bytes a test can flip) and moto.

use crate::common;

use std::time::Duration;

use common::pattern;
use pail::model::BucketName;
use pail::testing::s3::transfer::TransferError;

/// Runs `command` on a new worker until its first transfer ends; that transfer's result.
fn run_one_transfer(command: pail::testing::worker::Command) -> Result<(), TransferError> {
    use pail::testing::worker::{Event, FilesEvent};
    let (worker, events) = pail::testing::worker::Worker::start(|| {}).unwrap();
    worker.send(command);
    loop {
        match events.recv_timeout(Duration::from_secs(20)) {
            Ok(Event::Files(FilesEvent::TransferFinished { result, .. })) => return result,
            Ok(Event::Files(FilesEvent::BatchFailed { error })) => panic!("{error}"),
            Ok(_) => {}
            Err(e) => panic!("no transfer ended: {e}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_download_move_whose_file_is_not_the_object_keeps_the_object() {
    use base64::Engine;
    let server = common::server_with_bucket("archive");
    // Above 16 MiB: fetched in ranges, which carry no checksum to check on the way.
    let data = pattern(17 * 1024 * 1024);
    let crc =
        base64::engine::general_purpose::STANDARD.encode(crc32fast::hash(&data).to_be_bytes());
    server
        .connection()
        .client()
        .put_object()
        .bucket("archive")
        .key("scan.tif")
        .checksum_crc32(&crc)
        .body(data.clone().into())
        .send()
        .await
        .unwrap();
    // The bytes the server serves are no longer those it checked in (its disk, or anything on
    // the way, flipped one): same size, same ETag.
    // (A GET of it fails the SDK's own CRC32 check now.)
    a_flipped_object_is_not_moved(&server, "scan.tif", data.len(), 5_000_000);
}

/// Flips a stored byte of `key` (`len` bytes) at `at`, moves the object down: the move fails
/// saying the original was kept, and the stored bytes are untouched.
fn a_flipped_object_is_not_moved(
    server: &pail::testing::demo::server::LocalServer,
    key: &str,
    len: usize,
    at: usize,
) {
    let (stored, bytes) = flip_a_stored_byte(server, key, at);
    let target = tempfile::tempdir().unwrap();
    let command = download_move(server, key, len, target.path());
    let result = tokio::task::block_in_place(|| run_one_transfer(command));
    assert!(
        matches!(&result, Err(e) if e.to_string().contains("original was kept")),
        "same size, other bytes: a copy that differs is no move: {result:?}"
    );
    assert!(
        std::fs::read(&stored).unwrap() == bytes,
        "the original stays"
    );
}

/// An object sent without a checksum (older tools, other clients) has none to compare: a
/// download-move then checks the file's MD5 against the object's ETag, which is its MD5 for an
/// object sent whole and not encrypted with KMS.
#[tokio::test(flavor = "multi_thread")]
async fn a_download_move_without_a_stored_checksum_is_checked_against_the_etag() {
    let server = common::server_with_bucket("archive");
    // A client that sends no checksum: the server keeps the ETag (MD5) alone.
    let base = server.connection().client().clone();
    let config = base
        .config()
        .to_builder()
        .request_checksum_calculation(aws_sdk_s3::config::RequestChecksumCalculation::WhenRequired)
        .build();
    let plain = aws_sdk_s3::Client::from_conf(config);
    let data = pattern(1024 * 1024);
    plain
        .put_object()
        .bucket("archive")
        .key("note.txt")
        .body(data.clone().into())
        .send()
        .await
        .unwrap();
    let head = base
        .head_object()
        .bucket("archive")
        .key("note.txt")
        .checksum_mode(aws_sdk_s3::types::ChecksumMode::Enabled)
        .send()
        .await
        .unwrap();
    assert!(head.checksum_crc32().is_none(), "kept with no checksum");
    let (stored, bytes) = flip_a_stored_byte(&server, "note.txt", 500_000);
    let target = tempfile::tempdir().unwrap();
    let command = download_move(&server, "note.txt", data.len(), target.path());
    let result = tokio::task::block_in_place(|| run_one_transfer(command));
    assert!(
        matches!(&result, Err(e) if e.to_string().contains("MD5")),
        "{result:?}"
    );
    assert!(
        std::fs::read(&stored).unwrap() == bytes,
        "the original stays"
    );
}

/// The bytes s3s-fs serves for `key` of `archive` made other than those it checked in (its
/// disk, or anything on the way, flipped one): same size, same ETag. The file and its bytes.
fn flip_a_stored_byte(
    server: &pail::testing::demo::server::LocalServer,
    key: &str,
    at: usize,
) -> (std::path::PathBuf, Vec<u8>) {
    let stored = server.object_path("archive", key);
    let mut bytes = std::fs::read(&stored).unwrap();
    bytes[at] ^= 0xff;
    std::fs::write(&stored, &bytes).unwrap();
    (stored, bytes)
}

/// A move of `key` of `archive` into `target`.
fn download_move(
    server: &pail::testing::demo::server::LocalServer,
    key: &str,
    size: usize,
    target: &std::path::Path,
) -> pail::testing::worker::Command {
    pail::testing::worker::Command::Download(pail::testing::worker::DownloadRequest {
        id: pail::testing::worker::RequestId(1),
        profile: pail::testing::demo::demo_profile(server),
        bucket: BucketName::new("archive").unwrap(),
        base: String::new(),
        keys: vec![(key.into(), size as u64)],
        prefixes: Vec::new(),
        target: target.to_owned(),
        partials: None,
        remove_source: true,
    })
}

/// Runs `command` on a new worker until every transfer it queued has ended and nothing more
/// happened for a second; their results.
fn run_transfers(command: pail::testing::worker::Command) -> Vec<Result<(), TransferError>> {
    use pail::testing::worker::{Event, FilesEvent};
    let (worker, events) = pail::testing::worker::Worker::start(|| {}).unwrap();
    worker.send(command);
    let (mut queued, mut results) = (0, Vec::new());
    loop {
        let settled = queued > 0 && results.len() == queued;
        let wait = Duration::from_secs(if settled { 1 } else { 20 });
        match events.recv_timeout(wait) {
            Ok(Event::Files(FilesEvent::TransferQueued { .. })) => queued += 1,
            Ok(Event::Files(FilesEvent::TransferFinished { result, .. })) => results.push(result),
            Ok(Event::Files(FilesEvent::BatchFailed { error })) => panic!("{error}"),
            Ok(_) => {}
            Err(_) if settled => return results,
            Err(e) => panic!("{queued} queued, {} ended: {e}", results.len()),
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn a_move_keeps_the_bytes_of_a_folder_name_that_holds_data() {
    let Some(moto) = common::moto::Moto::start() else {
        eprintln!("skipped: moto_server is not installed (pip install 'moto[server]')");
        return;
    };
    let connection = moto.connection();
    let client = connection.client();
    moto.bucket_with(
        "shelf",
        [
            ("in/a.txt", &b"plain file"[..]),
            ("in/notes/", b"not empty"),
        ],
    )
    .await;
    let folder = |prefix: &str| pail::testing::worker::BucketFolder {
        profile: moto.profile(),
        bucket: BucketName::new("shelf").unwrap(),
        prefix: prefix.into(),
    };
    let command =
        pail::testing::worker::Command::Copy(Box::new(pail::testing::worker::CopyRequest {
            id: pail::testing::worker::RequestId(1),
            from: folder(""),
            keys: Vec::new(),
            prefixes: vec!["in/".into()],
            to: folder("out/"),
            remove_source: true,
            journal: None,
        }));
    let results = tokio::task::block_in_place(|| run_transfers(command));
    let read = async |key: &str| -> Option<Vec<u8>> {
        let output = client
            .get_object()
            .bucket("shelf")
            .key(key)
            .send()
            .await
            .ok()?;
        Some(output.body.collect().await.ok()?.to_vec())
    };
    let kept = read("out/in/notes/").await;
    let original = read("in/notes/").await;
    assert!(
        kept.as_deref() == Some(&b"not empty"[..])
            || original.as_deref() == Some(&b"not empty"[..]),
        "the bytes are somewhere: moved {kept:?}, original {original:?}"
    );
    assert_eq!(kept.as_deref(), Some(&b"not empty"[..]), "{results:?}");
    assert_eq!(original, None, "moved, not copied");
    assert_eq!(
        read("out/in/a.txt").await.as_deref(),
        Some(&b"plain file"[..])
    );
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn a_download_move_leaves_a_folder_name_that_holds_data_where_it_is() {
    let Some(moto) = common::moto::Moto::start() else {
        eprintln!("skipped: moto_server is not installed (pip install 'moto[server]')");
        return;
    };
    let connection = moto.connection();
    let client = connection.client();
    // `in/notes/` holds bytes, and a file sits under it: a file on disk cannot be both.
    moto.bucket_with(
        "shelf",
        [("in/notes/", &b"not empty"[..]), ("in/notes/x.txt", b"x")],
    )
    .await;
    let target = tempfile::tempdir().unwrap();
    let command =
        pail::testing::worker::Command::Download(pail::testing::worker::DownloadRequest {
            id: pail::testing::worker::RequestId(1),
            profile: moto.profile(),
            bucket: BucketName::new("shelf").unwrap(),
            base: String::new(),
            keys: Vec::new(),
            prefixes: vec!["in/".into()],
            target: target.path().to_owned(),
            partials: None,
            remove_source: true,
        });
    let results = tokio::task::block_in_place(|| run_transfers(command));
    assert_eq!(results, [Ok(())]);
    assert_eq!(
        std::fs::read(target.path().join("in/notes/x.txt")).unwrap(),
        b"x"
    );
    let marker = client
        .get_object()
        .bucket("shelf")
        .key("in/notes/")
        .send()
        .await
        .expect("the folder name that holds bytes stays");
    assert_eq!(marker.body.collect().await.unwrap().to_vec(), b"not empty");
}

/// A client that sends no checksum (older tools, other clients): the server keeps none.
fn plain_client(server: &pail::testing::demo::server::LocalServer) -> aws_sdk_s3::Client {
    let config = server
        .connection()
        .client()
        .config()
        .to_builder()
        .request_checksum_calculation(aws_sdk_s3::config::RequestChecksumCalculation::WhenRequired)
        .build();
    aws_sdk_s3::Client::from_conf(config)
}

/// Puts `data` at `key` of `archive` in parts of `part_size`, with no checksum.
async fn put_in_parts(
    server: &pail::testing::demo::server::LocalServer,
    key: &str,
    data: &[u8],
    part_size: usize,
) {
    use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
    let client = plain_client(server);
    let upload = client
        .create_multipart_upload()
        .bucket("archive")
        .key(key)
        .send()
        .await
        .unwrap();
    let id = upload.upload_id().unwrap();
    let mut parts = Vec::new();
    for (n, chunk) in (1..).zip(data.chunks(part_size)) {
        let part = client
            .upload_part()
            .bucket("archive")
            .key(key)
            .upload_id(id)
            .part_number(n)
            .body(chunk.to_vec().into())
            .send()
            .await
            .unwrap();
        parts.push(
            CompletedPart::builder()
                .part_number(n)
                .set_e_tag(part.e_tag().map(str::to_owned))
                .build(),
        );
    }
    client
        .complete_multipart_upload()
        .bucket("archive")
        .key(key)
        .upload_id(id)
        .multipart_upload(
            CompletedMultipartUpload::builder()
                .set_parts(Some(parts))
                .build(),
        )
        .send()
        .await
        .unwrap();
}

const MIB: usize = 1024 * 1024;

/// An object sent in parts with no checksum has for digest only its ETag, the MD5 of its
/// parts' MD5s: the move works it out from the file, and a byte that differs keeps the object.
#[tokio::test(flavor = "multi_thread")]
async fn a_download_move_of_an_object_sent_in_parts_without_a_checksum_checks_its_etag() {
    let server = common::server_with_bucket("archive");
    let data = pattern(17 * MIB);
    put_in_parts(&server, "scan.tif", &data, 8 * MIB).await;
    a_flipped_object_is_not_moved(&server, "scan.tif", data.len(), 9 * MIB);
}

/// Parts of the size rclone sends are among those tried: such an object moves.
#[tokio::test(flavor = "multi_thread")]
async fn a_download_move_of_an_object_sent_in_rclones_parts_is_verified() {
    let server = common::server_with_bucket("archive");
    let data = pattern(17 * MIB);
    put_in_parts(&server, "scan.tif", &data, 5 * MIB).await;
    let target = tempfile::tempdir().unwrap();
    let command = download_move(&server, "scan.tif", data.len(), target.path());
    let result = tokio::task::block_in_place(|| run_one_transfer(command));
    assert!(result.is_ok(), "{result:?}");
    assert!(std::fs::read(target.path().join("scan.tif")).unwrap() == data);
    assert!(!server.root().join("archive/scan.tif").exists(), "moved");
}

/// Parts of a size no tool Pail knows sends, no checksum, and a server that says nothing of
/// its parts: nothing can vouch for the bytes, so the object stays and the person is told.
#[tokio::test(flavor = "multi_thread")]
async fn a_download_move_with_nothing_but_the_size_to_check_keeps_the_object() {
    let server = common::server_with_bucket("archive");
    let data = pattern(20 * MIB);
    put_in_parts(&server, "scan.tif", &data, 7 * MIB).await;
    let target = tempfile::tempdir().unwrap();
    let command = download_move(&server, "scan.tif", data.len(), target.path());
    let result = tokio::task::block_in_place(|| run_one_transfer(command));
    assert!(
        matches!(&result, Err(e) if e.to_string().contains("a size alone")),
        "{result:?}"
    );
    assert!(
        std::fs::read(target.path().join("scan.tif")).unwrap() == data,
        "copied"
    );
    assert!(server.root().join("archive/scan.tif").exists(), "and kept");
}

/// Across profiles Pail streams the copy and sends it in parts of its own size, so neither
/// ETag nor checksum pairs up with the original's: the original is read again, and its bytes
/// are matched with the copy's ETag. Then, and only then, it goes.
#[tokio::test(flavor = "multi_thread")]
async fn a_move_across_profiles_reads_the_original_when_no_digest_pairs_up() {
    use common::batch;
    let server = common::server_with_bucket("archive");
    server
        .connection()
        .client()
        .create_bucket()
        .bucket("shelf")
        .send()
        .await
        .unwrap();
    let data = pattern(20 * MIB);
    put_in_parts(&server, "in/scan.tif", &data, 7 * MIB).await;
    let (one, two) = (
        batch::profile("one", &server.endpoint_url()),
        batch::profile("two", &server.endpoint_url()),
    );
    let (worker, events) = batch::start_worker();
    let command = batch::copy(
        1,
        batch::folder(&one, "archive", ""),
        &["in/"],
        batch::folder(&two, "shelf", ""),
        true,
    );
    let outcome = tokio::task::block_in_place(|| batch::run(&worker, &events, command, None));
    assert!(outcome.failed.is_empty(), "{outcome:?}");
    assert!(std::fs::read(server.root().join("shelf/in/scan.tif")).unwrap() == data);
    assert!(!server.root().join("archive/in/scan.tif").exists(), "moved");
}
