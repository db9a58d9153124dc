//! Attacks on issue 23's last changes: move verification (`s3::verify`) and conditional
//! writes (`If-None-Match: *`). Tests marked "Found" failed on the code they were written
//! against; the ignored ones are still open (the reason says why); the others held up.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::lying_data::{LyingServer, Reply};
use pail::model::{BucketName, ObjectKey};
use pail::s3::transfer::{TransferControl, TransferError};
use pail::s3::upload::{Destination, upload_file_with_journal};

fn xml(status: u16, code: &str) -> Reply {
    Reply::Xml {
        status,
        body: format!("<Error><Code>{code}</Code><Message>m</Message></Error>"),
        delay: std::time::Duration::ZERO,
    }
}

/// Found (wrong message): S3 may store a PUT and still answer 500 (or the answer may be lost);
/// the SDK then sends the same PUT again, still under `If-None-Match: *`, and S3 refuses it
/// with 412 — the key is taken, by the first attempt of this very upload. Pail reports that
/// someone else wrote the key after it looked and left it as it was: the person is told
/// their file was not uploaded and somebody else's object is there, though it is their own.
/// (A move keeps its source, so nothing is lost; the message is wrong.)
#[tokio::test(flavor = "multi_thread")]
#[ignore = "open: a 412 after a retried conditional write is taken for someone else's object; \
            telling the two apart needs a HEAD whose CRC32 is compared with the file's"]
async fn a_conditional_put_refused_on_its_retry_is_not_someone_elses_object() {
    let puts = Arc::new(AtomicUsize::new(0));
    let count = puts.clone();
    let server = LyingServer::start(move |request| match request.method.as_str() {
        "PUT" if count.fetch_add(1, Ordering::SeqCst) == 0 => xml(500, "InternalError"),
        "PUT" => xml(412, "PreconditionFailed"),
        _ => Reply::Object {
            length: 4,
            body: b"mine".to_vec(),
        },
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("file");
    std::fs::write(&path, b"mine").unwrap();
    let (bucket, key) = (
        BucketName::new("inbox").unwrap(),
        ObjectKey::new("a.txt").unwrap(),
    );
    let to = Destination {
        bucket: &bucket,
        key: &key,
        replace: false,
    };
    let result = upload_file_with_journal(
        &server.connection(),
        to,
        &path,
        &TransferControl::default(),
        None,
    )
    .await;
    assert!(puts.load(Ordering::SeqCst) >= 2, "the PUT was sent again");
    assert!(
        !matches!(result, Err(TransferError::Appeared(_))),
        "the retry's 412 was read as someone else's object: {result:?}"
    );
}

/// Held up: an empty file moved up is verified (its MD5 and CRC32 are those of no bytes).
#[tokio::test(flavor = "multi_thread")]
async fn an_empty_file_is_verified_against_its_upload() {
    let server = common::server_with_bucket("inbox");
    let connection = server.connection();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty");
    std::fs::write(&path, b"").unwrap();
    let (bucket, key) = (
        BucketName::new("inbox").unwrap(),
        ObjectKey::new("empty").unwrap(),
    );
    let to = Destination {
        bucket: &bucket,
        key: &key,
        replace: false,
    };
    upload_file_with_journal(&connection, to, &path, &TransferControl::default(), None)
        .await
        .unwrap();
    let verified = pail::s3::verify::verify_file(&path, (&connection, &bucket, &key)).await;
    assert!(verified.is_ok(), "{verified:?}");
    // And a copy of it, within the bucket.
    let copy = ObjectKey::new("empty copy").unwrap();
    pail::s3::objects::copy_object(&connection, &bucket, &key, &bucket, &copy, false)
        .await
        .unwrap();
    let verified =
        pail::s3::verify::verify_copy((&connection, &bucket, &key), (&connection, &bucket, &copy))
            .await;
    assert!(verified.is_ok(), "{verified:?}");
}
