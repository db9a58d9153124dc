//! Attacks on issue 25's transfer changes ("Far links"): the partial-downloads journal's group
//! commit against a process killed mid-batch, cancelling transfers held back by the
//! bandwidth limit, and a file rewritten in place while it is uploaded.

use std::time::Duration;

use crate::common::{self, pattern, put_object, server_with_bucket};
use pail::model::{BucketName, ObjectKey};
use pail::testing::s3::download::{Landing, download_object_below};
use pail::testing::s3::rate_limit::RateLimit;
use pail::testing::s3::transfer::{TransferControl, TransferError};
use pail::testing::storage::journal::PartialJournal;

const BUCKET: &str = "attacks25";

fn partial_files(folder: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".pail-partial"))
        .collect()
}

/// `path` uploaded to `key` in its own task, under `control`.
fn spawn_upload(
    server: &pail::testing::demo::server::LocalServer,
    path: &std::path::Path,
    key: &str,
    control: &TransferControl,
) -> tokio::task::JoinHandle<Result<(), TransferError>> {
    let (connection, path, control) = (server.connection(), path.to_owned(), control.clone());
    let key = ObjectKey::new(key).unwrap();
    tokio::spawn(async move {
        let bucket = BucketName::new(BUCKET).unwrap();
        pail::testing::s3::upload::upload_file(&connection, &bucket, &key, &path, &control).await
    })
}

/// `pail cp -r` of 2,000 small files killed (SIGKILL) mid-batch left hidden
/// `.NAME.TOKEN.pail-partial` files that the next run never removed: each was created before
/// its journal entry was written, and with the group commit an entry waits for the write in
/// progress and then its own. A partial file must be named in the journal before it exists.
#[tokio::test(flavor = "multi_thread")]
async fn a_partial_file_is_never_on_disk_before_the_journal_names_it() {
    let server = server_with_bucket(BUCKET);
    let body = pattern(1000);
    put_object(&server, BUCKET, "small.bin", &body).await;
    let home = tempfile::tempdir().unwrap();
    let journal = PartialJournal::open(home.path().join("partials.json"));
    // Another process is writing the journal: its file lock is held for a while.
    let held = std::fs::File::create(home.path().join("partials.lock")).unwrap();
    held.lock().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let download = {
        let (connection, root) = (server.connection(), folder.path().to_owned());
        let journal = journal.clone();
        tokio::spawn(async move {
            let landing = Landing {
                root: &root,
                relative: "small.bin",
                replace: true,
                listed_size: Some(1000),
                head: None,
            };
            download_object_below(
                &connection,
                &BucketName::new(BUCKET).unwrap(),
                &ObjectKey::new("small.bin").unwrap(),
                landing,
                &TransferControl::default(),
                Some(&journal),
            )
            .await
        })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    // Killed now: what is on disk and not in the journal stays forever.
    let named: Vec<String> = journal
        .entries()
        .iter()
        .filter_map(|e| e.path.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .collect();
    let on_disk = partial_files(folder.path());
    // Closed rather than unlocked: Wine refuses UnlockFile ("Lock violation") while another
    // handle of the same process waits for the lock; closing the file lets go everywhere.
    drop(held);
    let result = download.await.unwrap();
    assert!(
        on_disk.iter().all(|p| named.contains(p)),
        "partial files on disk {on_disk:?}, the journal names {named:?}"
    );
    assert_eq!(result.unwrap(), 1000);
    assert_eq!(
        std::fs::read(folder.path().join("small.bin")).unwrap(),
        body
    );
    assert!(partial_files(folder.path()).is_empty());
    assert!(journal.entries().is_empty());
}

/// Ctrl+C on `pail cp --limit-rate 1K s3://…/file .` took seconds to end: the download's
/// chunk waited for its turn at the limit whatever the cancel said.
#[tokio::test(flavor = "multi_thread")]
async fn a_download_waiting_on_the_limit_stops_when_cancelled() {
    let server = server_with_bucket(BUCKET);
    let body = pattern(200_000);
    put_object(&server, BUCKET, "limited.bin", &body).await;
    let folder = tempfile::tempdir().unwrap();
    let limit = RateLimit::new(Some(1024));
    let control = TransferControl::limited(&limit);
    let download = {
        let (connection, root, control) = (
            server.connection(),
            folder.path().to_owned(),
            control.clone(),
        );
        tokio::spawn(async move {
            let landing = Landing {
                root: &root,
                relative: "limited.bin",
                replace: true,
                listed_size: Some(200_000),
                head: None,
            };
            download_object_below(
                &connection,
                &BucketName::new(BUCKET).unwrap(),
                &ObjectKey::new("limited.bin").unwrap(),
                landing,
                &control,
                None,
            )
            .await
        })
    };
    tokio::time::sleep(Duration::from_millis(700)).await;
    control.cancel();
    let ended = tokio::time::timeout(Duration::from_secs(2), download).await;
    let result = ended
        .expect("the cancel ends the download within 2 s")
        .unwrap();
    assert!(
        matches!(result, Err(TransferError::Cancelled)),
        "{result:?}"
    );
    assert!(!folder.path().join("limited.bin").exists());
    assert!(partial_files(folder.path()).is_empty());
}

/// Ctrl+C on `pail cp --limit-rate 200K big17.bin s3://…/` said "aborting uploads", waited its
/// whole 10 s and left the multipart upload on the server (parts billed until a later run):
/// a part's body waiting on the limit never sees the cancel.
#[tokio::test(flavor = "multi_thread")]
async fn an_upload_waiting_on_the_limit_stops_and_is_aborted_when_cancelled() {
    let server = server_with_bucket(BUCKET);
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("big.bin");
    std::fs::write(&path, pattern(17 * 1024 * 1024)).unwrap();
    let limit = RateLimit::new(Some(200 * 1024));
    let control = TransferControl::limited(&limit);
    let upload = spawn_upload(&server, &path, "big.bin", &control);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(!common::pending_multipart_uploads(server.root()).is_empty());
    control.cancel();
    let ended = tokio::time::timeout(Duration::from_secs(3), upload).await;
    let result = ended
        .expect("the cancel ends the upload within 3 s")
        .unwrap();
    assert!(
        matches!(result, Err(TransferError::Cancelled)),
        "{result:?}"
    );
    assert!(
        common::pending_multipart_uploads(server.root()).is_empty(),
        "the upload is aborted"
    );
}

/// A file of one request's size (16 MiB or less), rewritten in place while it was uploaded,
/// with its size and modification time as they were, was refused by the server for a
/// checksum that did not match, and said as the server's bare "BadDigest"; a multipart
/// upload's part said the file changed.
#[tokio::test(flavor = "multi_thread")]
async fn a_single_request_upload_of_a_file_rewritten_in_place_says_the_file_changed() {
    let server = server_with_bucket(BUCKET);
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("draft.bin");
    let length = 4 * 1024 * 1024;
    std::fs::write(&path, pattern(length)).unwrap();
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    // The limit holds the body for about 4 s: the rewrite lands while it is read.
    let limit = RateLimit::new(Some(1024 * 1024));
    let control = TransferControl::limited(&limit);
    let upload = spawn_upload(&server, &path, "draft.bin", &control);
    tokio::time::sleep(Duration::from_millis(800)).await;
    let rewritten: Vec<u8> = pattern(length).iter().map(|b| !b).collect();
    let mut file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    std::io::Write::write_all(&mut file, &rewritten).unwrap();
    file.set_modified(modified).unwrap();
    drop(file);
    let result = tokio::time::timeout(Duration::from_secs(30), upload)
        .await
        .expect("the upload ends")
        .unwrap();
    match result {
        Err(TransferError::Local { reason, .. }) => {
            assert!(
                reason.contains("changed while it was being uploaded"),
                "{reason}"
            );
        }
        other => panic!("not said as the file's change: {other:?}"),
    }
    assert_eq!(common::get_object(&server, BUCKET, "draft.bin").await, None);
}
