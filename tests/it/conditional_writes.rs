//! A write the batch planned as new (nothing there, or a Keep-both name) is sent with
//! `If-None-Match: *`: an object written by someone else between the batch's look and the
//! write is refused by the server, not replaced. A server that does not know the header (501)
//! gets the write again without it.

use crate::common;

use std::sync::{Arc, Mutex};

use common::lying_data::{LyingServer, Reply};
use common::pattern;
use pail::model::{BucketName, ObjectKey};
use pail::testing::s3::transfer::{TransferControl, TransferError};
use pail::testing::s3::upload::{Destination, upload_file_with_journal};

/// Uploads `data` (as a file) to `key` of `bucket`, replacing what is there only with `replace`.
async fn upload(
    connection: &pail::s3::connection::Connection,
    (bucket, key): (&str, &str),
    data: &[u8],
    replace: bool,
) -> Result<(), TransferError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("file");
    std::fs::write(&path, data).unwrap();
    let (bucket, key) = (
        BucketName::new(bucket).unwrap(),
        ObjectKey::new(key).unwrap(),
    );
    let to = Destination {
        bucket: &bucket,
        key: &key,
        replace,
    };
    upload_file_with_journal(connection, to, &path, &TransferControl::default(), None).await
}

async fn read(
    server: &pail::testing::demo::server::LocalServer,
    bucket: &str,
    key: &str,
) -> Vec<u8> {
    let output = server
        .connection()
        .client()
        .get_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .unwrap();
    output.body.collect().await.unwrap().to_vec()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_upload_planned_as_new_leaves_an_object_that_appeared_since() {
    let server = common::server_with_bucket("inbox");
    let connection = server.connection();
    // Whole, and in parts (the condition then rides on the completion).
    for (key, size) in [("small.pdf", 1000), ("large.pdf", 17 * 1024 * 1024)] {
        upload(&connection, ("inbox", key), b"theirs", true)
            .await
            .unwrap();
        let result = upload(&connection, ("inbox", key), &pattern(size), false).await;
        assert!(
            matches!(&result, Err(TransferError::Appeared(k)) if k == key),
            "{key}: {result:?}"
        );
        assert_eq!(read(&server, "inbox", key).await, b"theirs", "{key}");
    }
    assert!(
        common::pending_multipart_uploads(&server.root().join("inbox")).is_empty()
            && common::pending_multipart_uploads(server.root()).is_empty(),
        "the refused upload's parts are not left behind"
    );
    // Where nothing is, it lands; where the person said to replace, it replaces.
    upload(&connection, ("inbox", "new.pdf"), b"mine", false)
        .await
        .unwrap();
    assert_eq!(read(&server, "inbox", "new.pdf").await, b"mine");
    upload(&connection, ("inbox", "small.pdf"), b"mine", true)
        .await
        .unwrap();
    assert_eq!(read(&server, "inbox", "small.pdf").await, b"mine");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_copy_planned_as_new_leaves_an_object_that_appeared_since() {
    use pail::testing::s3::copy_across::copy_between;
    let server = common::server_with_bucket("inbox");
    let connection = server.connection();
    let (from_bucket, to_bucket) = (
        BucketName::new("inbox").unwrap(),
        BucketName::new("inbox").unwrap(),
    );
    for (name, size) in [("small", 1000), ("large", 17 * 1024 * 1024)] {
        let (from, to) = (format!("{name}.src"), format!("{name}.pdf"));
        upload(&connection, ("inbox", &from), &pattern(size), true)
            .await
            .unwrap();
        upload(&connection, ("inbox", &to), b"theirs", true)
            .await
            .unwrap();
        let (from, to) = (
            ObjectKey::new(from).unwrap(),
            ObjectKey::new(to.clone()).unwrap(),
        );
        // Streamed, as across profiles.
        let result = copy_between(
            (&connection, &from_bucket, &from),
            (&connection, &to_bucket, &to),
            false,
            &TransferControl::default(),
            None,
        )
        .await;
        assert!(
            matches!(&result, Err(TransferError::Appeared(_))),
            "{result:?}"
        );
        // By the server, as within one profile.
        let result = pail::testing::s3::objects::copy_object(
            &connection,
            &from_bucket,
            &from,
            &to_bucket,
            &to,
            false,
        )
        .await;
        assert!(result.is_err(), "{result:?}");
        assert_eq!(read(&server, "inbox", to.as_str()).await, b"theirs");
    }
}

/// The demo's server refuses a server-side copy under `If-None-Match: *` onto a taken key, as
/// S3 does (s3s-fs alone would replace it).
#[tokio::test(flavor = "multi_thread")]
async fn the_local_server_refuses_a_conditional_copy_onto_a_taken_key() {
    let server = common::server_with_bucket("inbox");
    let client = server.connection().client().clone();
    for key in ["a.txt", "b.txt"] {
        client
            .put_object()
            .bucket("inbox")
            .key(key)
            .body(key.as_bytes().to_vec().into())
            .send()
            .await
            .unwrap();
    }
    let copy = |to: &'static str| {
        client
            .copy_object()
            .bucket("inbox")
            .key(to)
            .copy_source("inbox/a.txt")
            .if_none_match("*")
            .send()
    };
    let refused = copy("b.txt").await.unwrap_err();
    assert_eq!(refused.raw_response().unwrap().status().as_u16(), 412);
    assert_eq!(read(&server, "inbox", "b.txt").await, b"b.txt");
    copy("c.txt").await.unwrap();
    assert_eq!(read(&server, "inbox", "c.txt").await, b"a.txt");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_does_not_know_the_condition_gets_the_write_without_it() {
    let seen: Arc<Mutex<Vec<Option<String>>>> = Arc::default();
    let record = seen.clone();
    let server = LyingServer::start(move |request| {
        let condition = request.header("if-none-match").map(str::to_owned);
        let status = if condition.is_some() { 501 } else { 200 };
        record.lock().unwrap().push(condition);
        Reply::Xml {
            status,
            body: if status == 501 {
                "<Error><Code>NotImplemented</Code><Message>no</Message></Error>".into()
            } else {
                String::new()
            },
            delay: std::time::Duration::ZERO,
        }
    })
    .await;
    let result = upload(&server.connection(), ("inbox", "a.txt"), b"mine", false).await;
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(*seen.lock().unwrap(), vec![Some("*".to_owned()), None]);
}
