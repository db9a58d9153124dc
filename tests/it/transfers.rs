//! Uploads, downloads, folder deletes and new folders against the local S3 server.

use crate::common;

use std::time::Duration;

use common::server_with_bucket;
use pail::model::{BucketName, ObjectKey};
use pail::testing::demo::server::LocalServer;
use pail::testing::s3::download::download_object;
use pail::testing::s3::objects::{create_folder, delete_prefix};
use pail::testing::s3::transfer::{
    MULTIPART_THRESHOLD, TransferControl, TransferError, abort_leftovers,
};
use pail::testing::s3::upload::upload_file;
use pail::testing::storage::journal::{Owner, PendingUpload, UploadJournal};

const BUCKET: &str = "transfers";

fn bucket() -> BucketName {
    BucketName::new(BUCKET).unwrap()
}

/// Deterministic bytes that differ from part to part.
fn bytes(len: usize) -> Vec<u8> {
    let mut state = 0x1234_5678_u32;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as u8
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn round_trips_of_0_1_and_20_mib_bytes() {
    let server = server_with_bucket(BUCKET);
    let connection = server.connection();
    let dir = tempfile::tempdir().unwrap();
    for (len, key) in [
        (0usize, "empty file.bin"),
        (1, "ünï/one byte+.bin"),
        (20 * 1024 * 1024, "big/twenty MiB 🎉.bin"),
    ] {
        let data = bytes(len);
        let source = dir.path().join(format!("source-{len}"));
        std::fs::write(&source, &data).unwrap();
        let key = ObjectKey::new(key).unwrap();
        let control = TransferControl::default();
        upload_file(&connection, &bucket(), &key, &source, &control)
            .await
            .unwrap();
        assert_eq!(control.done_bytes(), len as u64);

        let target = dir.path().join(format!("downloaded-{len}"));
        let control = TransferControl::default();
        let size = download_object(&connection, &bucket(), &key, &target, &control)
            .await
            .unwrap();
        assert_eq!(size, len as u64);
        assert!(std::fs::read(&target).unwrap() == data, "{key} differs");
    }
    // The 20 MiB file is above the threshold, so it went multipart.
    const { assert!(20 * 1024 * 1024 > MULTIPART_THRESHOLD) };
    assert!(common::pending_multipart_uploads(server.root()).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cancelled_download_leaves_nothing_at_the_target() {
    let server = server_with_bucket(BUCKET);
    let connection = server.connection();
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("source");
    // Above the multipart threshold: fetched as parallel ranges.
    std::fs::write(&source, bytes(24 * 1024 * 1024)).unwrap();
    let key = ObjectKey::new("cancel me.bin").unwrap();
    upload_file(
        &connection,
        &bucket(),
        &key,
        &source,
        &TransferControl::default(),
    )
    .await
    .unwrap();

    let target = dir.path().join("target.bin");
    let control = TransferControl::default();
    let watcher = {
        let control = control.clone();
        tokio::spawn(async move {
            while control.done_bytes() == 0 {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            control.cancel();
        })
    };
    let result = download_object(&connection, &bucket(), &key, &target, &control).await;
    watcher.await.unwrap();
    assert_eq!(result, Err(TransferError::Cancelled));
    assert!(!target.exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, ["source"], "no partial file left behind");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cancelled_multipart_upload_is_aborted() {
    let server = server_with_bucket(BUCKET);
    let connection = server.connection();
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("big");
    std::fs::write(&source, bytes(64 * 1024 * 1024)).unwrap();
    let key = ObjectKey::new("never finished.bin").unwrap();
    let control = TransferControl::default();
    let watcher = {
        let control = control.clone();
        tokio::spawn(async move {
            while control.done_bytes() == 0 {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            control.cancel();
        })
    };
    let result = upload_file(&connection, &bucket(), &key, &source, &control).await;
    watcher.await.unwrap();
    assert_eq!(result, Err(TransferError::Cancelled));
    assert!(
        common::pending_multipart_uploads(server.root()).is_empty(),
        "aborted: no parts billed"
    );
    assert!(
        !server
            .root()
            .join(BUCKET)
            .join("never finished.bin")
            .exists()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn deleting_a_folder_of_2500_objects_removes_them_all() {
    let server = server_with_bucket(BUCKET);
    let folder = server.root().join(BUCKET).join("old logs");
    std::fs::create_dir_all(folder.join("nested")).unwrap();
    for i in 0..2500 {
        let sub = if i % 2 == 0 { "" } else { "nested/" };
        std::fs::write(folder.join(format!("{sub}log-{i:04}.txt")), b"x").unwrap();
    }
    std::fs::write(server.root().join(BUCKET).join("keep.txt"), b"keep").unwrap();
    let connection = server.connection();
    let report = delete_prefix(&connection, &bucket(), "old logs/")
        .await
        .unwrap();
    assert_eq!(report.deleted, 2500);
    assert!(report.failures.is_empty(), "{:?}", report.failures);
    let left = pail::testing::s3::list::list_keys_under(&connection, &bucket(), "")
        .await
        .unwrap();
    let keys: Vec<&str> = left.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["keep.txt"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn new_folder_is_a_zero_byte_marker() {
    let server = server_with_bucket(BUCKET);
    let connection = server.connection();
    let key = create_folder(&connection, &bucket(), "reports/", " Q4 drafts ")
        .await
        .unwrap();
    assert_eq!(key.as_str(), "reports/Q4 drafts/");
    // s3s-fs keeps a folder marker as a directory (and lists no empty ones, where S3 would
    // list the marker as a common prefix): check that the marker landed.
    assert!(server.object_path(BUCKET, "reports/Q4 drafts/").is_dir());
    assert!(
        create_folder(&connection, &bucket(), "", " / ")
            .await
            .is_err()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn rename_moves_an_object_with_an_awkward_name() {
    let server = server_with_bucket(BUCKET);
    let connection = server.connection();
    let from = ObjectKey::new("drafts/q3 ü+report.txt").unwrap();
    common::put_object(&server, BUCKET, from.as_str(), b"the report").await;
    let to = ObjectKey::new("final/Q3 report 🎉.txt").unwrap();
    pail::testing::s3::objects::rename_object(&connection, &bucket(), &from, &to, false)
        .await
        .unwrap();
    assert_eq!(
        common::get_object(&server, BUCKET, to.as_str())
            .await
            .as_deref(),
        Some(&b"the report"[..])
    );
    assert_eq!(
        common::get_object(&server, BUCKET, from.as_str()).await,
        None
    );

    // A missing source: nothing happens, and the reason is given.
    let missing = ObjectKey::new("nope.txt").unwrap();
    assert!(
        pail::testing::s3::objects::rename_object(&connection, &bucket(), &missing, &to, false)
            .await
            .is_err()
    );
    assert!(
        common::get_object(&server, BUCKET, to.as_str())
            .await
            .is_some()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn properties_of_an_object() {
    let server = server_with_bucket(BUCKET);
    server
        .connection()
        .client()
        .put_object()
        .bucket(BUCKET)
        .key("docs/spec.pdf")
        .content_type("application/pdf")
        .metadata("owner", "pail")
        .body(b"%PDF".to_vec().into())
        .send()
        .await
        .unwrap();
    let properties = pail::testing::s3::objects::object_properties(
        &server.connection(),
        &bucket(),
        &ObjectKey::new("docs/spec.pdf").unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(properties.size, 4);
    assert_eq!(properties.content_type.as_deref(), Some("application/pdf"));
    assert_eq!(
        properties.metadata,
        [("owner".to_owned(), "pail".to_owned())]
    );
    assert!(properties.etag.is_some());
    assert!(properties.last_modified.is_some());
}

/// Starts a multipart upload straight through the SDK, as a crashed process would have.
async fn start_upload_by_hand(server: &LocalServer, key: &str) -> String {
    server
        .connection()
        .client()
        .create_multipart_upload()
        .bucket(BUCKET)
        .key(key)
        .send()
        .await
        .unwrap()
        .upload_id()
        .unwrap()
        .to_owned()
}

/// A journal entry as another process writes it.
fn entry(server: &LocalServer, key: &str, upload_id: &str, owner: Owner) -> PendingUpload {
    PendingUpload {
        bucket: BUCKET.into(),
        key: key.into(),
        upload_id: upload_id.into(),
        profile: server.connection().identity().to_owned(),
        endpoint: pail::testing::storage::journal::endpoint_name(server.connection().endpoint()),
        owner,
        abandoned: false,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_upload_does_not_abort_the_first_and_leftovers_are_swept() {
    let server = common::server_with_bucket(BUCKET);
    let journal_dir = tempfile::tempdir().unwrap();
    let journal_path = journal_dir.path().join("pending-uploads.json");

    // A leftover of a previous run (its process has exited), and an upload of another Pail
    // process that is running right now (it holds its lock file).
    let leftover_id = start_upload_by_hand(&server, "old.bin").await;
    let running_id = start_upload_by_hand(&server, "theirs.bin").await;
    let exited = Owner {
        pid: 999_999,
        started_ms: 1,
    };
    let running = Owner {
        pid: 999_998,
        started_ms: 2,
    };
    let owners = journal_dir.path().join("owners");
    std::fs::create_dir_all(&owners).unwrap();
    let held = std::fs::File::create(owners.join("999998-2.lock")).unwrap();
    held.lock().unwrap();
    let entries = vec![
        entry(&server, "old.bin", &leftover_id, exited),
        entry(&server, "theirs.bin", &running_id, running),
    ];
    std::fs::write(&journal_path, serde_json::to_vec(&entries).unwrap()).unwrap();

    // Two multipart uploads overlap; a sweep runs while both are in flight, as the window
    // does before every upload batch.
    let source_dir = tempfile::tempdir().unwrap();
    let (a, b) = (source_dir.path().join("a"), source_dir.path().join("b"));
    std::fs::write(&a, bytes(40 * 1024 * 1024)).unwrap();
    std::fs::write(&b, bytes(24 * 1024 * 1024)).unwrap();
    let connection = server.connection();
    let journal = UploadJournal::open(journal_path.clone());
    let upload = |path: std::path::PathBuf, key: &'static str| {
        let (connection, journal) = (connection.clone(), journal.clone());
        tokio::spawn(async move {
            let (bucket, key) = (bucket(), ObjectKey::new(key).unwrap());
            let to = pail::testing::s3::upload::Destination {
                bucket: &bucket,
                key: &key,
                replace: true,
            };
            pail::testing::s3::upload::upload_file_with_journal(
                &connection,
                to,
                &path,
                &TransferControl::default(),
                Some(&journal),
            )
            .await
        })
    };
    let first = upload(a, "first.bin");
    // Wait until the first one is in the journal, then start the second and sweep.
    while journal.pending().len() < 3 {
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let second = upload(b, "second.bin");
    let swept = abort_leftovers(&UploadJournal::open(journal_path.clone()), &connection).await;
    assert_eq!(swept, 1, "only the previous run's leftover");
    first.await.unwrap().expect("the first upload completes");
    second.await.unwrap().expect("the second upload completes");
    assert_eq!(
        common::get_object(&server, BUCKET, "first.bin")
            .await
            .map(|b| b.len()),
        Some(40 * 1024 * 1024)
    );
    let left: Vec<String> = journal.pending().into_iter().map(|u| u.upload_id).collect();
    assert_eq!(
        left,
        vec![running_id],
        "the running process's upload is untouched"
    );
    // Once that process has exited, its upload is a leftover too.
    drop(held);
    assert_eq!(abort_leftovers(&journal, &connection).await, 1);
    assert!(journal.pending().is_empty());
    assert!(common::pending_multipart_uploads(server.root()).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_404_from_another_server_does_not_clear_an_entry() {
    let server = common::server_with_bucket(BUCKET);
    let other = common::server_with_bucket(BUCKET);
    let journal_dir = tempfile::tempdir().unwrap();
    let journal_path = journal_dir.path().join("pending-uploads.json");
    let id = start_upload_by_hand(&server, "mine.bin").await;
    let gone = Owner {
        pid: 999_997,
        started_ms: 3,
    };
    let entries = vec![entry(&server, "mine.bin", &id, gone)];
    std::fs::write(&journal_path, serde_json::to_vec(&entries).unwrap()).unwrap();
    let journal = UploadJournal::open(journal_path);
    assert_eq!(abort_leftovers(&journal, &other.connection()).await, 0);
    assert_eq!(journal.pending().len(), 1);
    assert_eq!(abort_leftovers(&journal, &server.connection()).await, 1);
    assert!(common::pending_multipart_uploads(server.root()).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn rename_asks_before_replacing_and_refuses_a_folder_name() {
    let server = server_with_bucket(BUCKET);
    let connection = server.connection();
    common::put_object(&server, BUCKET, "a.txt", b"new text").await;
    common::put_object(&server, BUCKET, "b.txt", b"precious").await;
    let (a, b) = (
        ObjectKey::new("a.txt").unwrap(),
        ObjectKey::new("b.txt").unwrap(),
    );
    let result =
        pail::testing::s3::objects::rename_object(&connection, &bucket(), &a, &b, false).await;
    assert_eq!(result, Err(TransferError::Exists("b.txt".into())));
    assert_eq!(
        common::get_object(&server, BUCKET, "b.txt")
            .await
            .as_deref(),
        Some(&b"precious"[..]),
        "nothing replaced without asking"
    );
    assert!(common::get_object(&server, BUCKET, "a.txt").await.is_some());

    let folder = ObjectKey::new("b.txt/").unwrap();
    let result =
        pail::testing::s3::objects::rename_object(&connection, &bucket(), &a, &folder, true).await;
    assert!(
        matches!(result, Err(TransferError::InvalidName(_))),
        "{result:?}"
    );
    assert!(common::get_object(&server, BUCKET, "a.txt").await.is_some());

    pail::testing::s3::objects::rename_object(&connection, &bucket(), &a, &b, true)
        .await
        .unwrap();
    assert_eq!(
        common::get_object(&server, BUCKET, "b.txt")
            .await
            .as_deref(),
        Some(&b"new text"[..])
    );
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn a_download_never_writes_through_a_planted_link_and_takes_long_names() {
    let server = server_with_bucket(BUCKET);
    // A file name so long that `.NAME.pail-partial` would not fit in 255 bytes.
    let long = format!("{}.txt", "n".repeat(240));
    common::put_object(&server, BUCKET, "plain.txt", b"object body").await;
    common::put_object(&server, BUCKET, "short.txt", b"long body").await;
    let folder = tempfile::tempdir().unwrap();
    let victim = folder.path().join("victim");
    std::fs::write(&victim, b"do not touch").unwrap();
    std::os::unix::fs::symlink(&victim, folder.path().join(".plain.txt.pail-partial")).unwrap();
    let connection = server.connection();
    for (key, name) in [("plain.txt", "plain.txt"), ("short.txt", long.as_str())] {
        download_object(
            &connection,
            &bucket(),
            &ObjectKey::new(key).unwrap(),
            &folder.path().join(name),
            &TransferControl::default(),
        )
        .await
        .unwrap_or_else(|e| panic!("{key}: {e}"));
    }
    assert_eq!(std::fs::read(&victim).unwrap(), b"do not touch");
    assert_eq!(
        std::fs::read(folder.path().join("plain.txt")).unwrap(),
        b"object body"
    );
    assert_eq!(
        std::fs::read(folder.path().join(&long)).unwrap(),
        b"long body"
    );
    // The planted link is not Pail's: it stays, untouched; no partial file of Pail's is left.
    let names: Vec<String> = std::fs::read_dir(folder.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != ".plain.txt.pail-partial")
        .collect();
    assert!(
        !names.iter().any(|n| n.ends_with(".pail-partial")),
        "{names:?}"
    );
    assert!(
        std::fs::symlink_metadata(folder.path().join(".plain.txt.pail-partial"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(
    windows,
    ignore = "the local server (s3s-fs) replaces an object by renaming over its file, which Wine 8 refuses (Access denied) while the download reads it"
)]
async fn a_download_of_an_object_replaced_midway_fails_cleanly() {
    let server = server_with_bucket(BUCKET);
    // More than the most ranges that go at once can cover (24, their first ones growing: 100
    // MiB), so that some are asked for after the replace however far away the server seems:
    // a loaded machine's loopback can measure a round trip of tens of milliseconds.
    let size = 160 * 1024 * 1024;
    common::put_object(&server, BUCKET, "moving.bin", &bytes(size)).await;
    // A slow downlink, so the object is replaced while ranges are still to be fetched.
    let proxy = common::proxy::Proxy::start(server.addr()).await;
    proxy.set_rates(0, 8_000_000);
    let connection = pail::s3::connection::Connection::with_static_credentials(
        server.credentials(),
        "us-east-1",
        pail::model::Endpoint::custom(&proxy.endpoint_url()).unwrap(),
        true,
    );
    let folder = tempfile::tempdir().unwrap();
    let target = folder.path().join("moving.bin");
    let control = TransferControl::default();
    let download = {
        let (connection, target, control) = (connection.clone(), target.clone(), control.clone());
        tokio::spawn(async move {
            download_object(
                &connection,
                &bucket(),
                &ObjectKey::new("moving.bin").unwrap(),
                &target,
                &control,
            )
            .await
        })
    };
    while control.done_bytes() == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // A trickle while the object is replaced, however long that takes on a busy machine: the
    // ranges still to come are asked for only after it (bytes keep moving, so no stall).
    proxy.set_rates(0, 200_000);
    let mut replaced = bytes(size);
    replaced[0] ^= 0xff;
    common::put_object(&server, BUCKET, "moving.bin", &replaced).await;
    proxy.set_rates(0, 8_000_000);
    let result = download.await.unwrap();
    assert_eq!(result, Err(TransferError::Changed));
    assert_eq!(
        std::fs::read_dir(folder.path()).unwrap().count(),
        0,
        "nothing saved, no partial left"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn uploads_carry_a_checksum_the_server_checks() {
    let server = server_with_bucket(BUCKET);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("small.bin");
    std::fs::write(&path, bytes(1024 * 1024)).unwrap();
    upload_file(
        &server.connection(),
        &bucket(),
        &ObjectKey::new("small.bin").unwrap(),
        &path,
        &TransferControl::default(),
    )
    .await
    .unwrap();
    let head = server
        .connection()
        .client()
        .head_object()
        .bucket(BUCKET)
        .key("small.bin")
        .checksum_mode(aws_sdk_s3::types::ChecksumMode::Enabled)
        .send()
        .await
        .unwrap();
    let expected = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD
            .encode(crc32fast::hash(&bytes(1024 * 1024)).to_be_bytes())
    };
    assert_eq!(head.checksum_crc32(), Some(expected.as_str()));
}
