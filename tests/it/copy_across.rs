//! S3 → S3 across two servers (two profiles, two endpoints): the object streamed through
//! Pail part by part, its content type and metadata kept; a cancelled copy leaves no upload
//! behind.

use crate::common;

use aws_sdk_s3::primitives::ByteStream;
use common::pattern;
use pail::model::{BucketName, ObjectKey};
use pail::testing::demo::server::LocalServer;
use pail::testing::s3::copy_across::copy_between;
use pail::testing::s3::transfer::{TransferControl, TransferError};

async fn put(server: &LocalServer, bucket: &str, key: &str, body: Vec<u8>) {
    server
        .connection()
        .client()
        .put_object()
        .bucket(bucket)
        .key(key)
        .content_type("video/mp4")
        .metadata("camera", "x100")
        .body(ByteStream::from(body))
        .send()
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_object_goes_from_one_server_to_another_with_its_metadata() {
    let source = LocalServer::start_temporary("SOURCEKEY", "source-secret").unwrap();
    let target = LocalServer::start_temporary("TARGETKEY", "target-secret").unwrap();
    source.create_bucket("originals").unwrap();
    target.create_bucket("backups").unwrap();
    let (from_connection, to_connection) = (source.connection(), target.connection());
    let (from_bucket, to_bucket) = (
        BucketName::new("originals").unwrap(),
        BucketName::new("backups").unwrap(),
    );
    // 20 MiB and a few bytes: three parts; and a small one, one request.
    for (key, len) in [
        ("big ü/clip+1.mp4", 20 * 1024 * 1024 + 7),
        ("small.mp4", 1000),
    ] {
        let data = pattern(len);
        put(&source, "originals", key, data.clone()).await;
        let (from, to) = (
            ObjectKey::new(key).unwrap(),
            ObjectKey::new(format!("copy/{key}")).unwrap(),
        );
        let control = TransferControl::default();
        let copied = copy_between(
            (&from_connection, &from_bucket, &from),
            (&to_connection, &to_bucket, &to),
            true,
            &control,
            None,
        )
        .await
        .unwrap();
        assert_eq!(copied, len as u64);
        assert_eq!(control.done_bytes(), len as u64);
        let head = to_connection
            .client()
            .head_object()
            .bucket("backups")
            .key(to.as_str())
            .send()
            .await
            .unwrap();
        assert_eq!(head.content_type(), Some("video/mp4"), "{key}");
        assert_eq!(
            head.metadata()
                .and_then(|m| m.get("camera"))
                .map(String::as_str),
            Some("x100")
        );
        let got = common::get_object(&target, "backups", to.as_str())
            .await
            .unwrap();
        assert!(got == data, "{key}: the bytes arrive as they left");
    }
    assert!(common::pending_multipart_uploads(target.root()).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cancelled_copy_leaves_no_upload_behind() {
    let source = LocalServer::start_temporary("SOURCEKEY", "source-secret").unwrap();
    let target = LocalServer::start_temporary("TARGETKEY", "target-secret").unwrap();
    source.create_bucket("originals").unwrap();
    target.create_bucket("backups").unwrap();
    put(&source, "originals", "big.mp4", pattern(24 * 1024 * 1024)).await;
    let control = TransferControl::default();
    control.cancel();
    let key = ObjectKey::new("big.mp4").unwrap();
    let result = copy_between(
        (
            &source.connection(),
            &BucketName::new("originals").unwrap(),
            &key,
        ),
        (
            &target.connection(),
            &BucketName::new("backups").unwrap(),
            &key,
        ),
        true,
        &control,
        None,
    )
    .await;
    assert_eq!(result, Err(TransferError::Cancelled));
    assert!(common::pending_multipart_uploads(target.root()).is_empty());
    assert!(
        common::get_object(&target, "backups", "big.mp4")
            .await
            .is_none()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_copy_cut_off_mid_way_is_journaled_and_swept_once_the_far_server_is_back() {
    let source = LocalServer::start_temporary("SOURCEKEY", "source-secret").unwrap();
    let data_dir = tempfile::tempdir().unwrap();
    let mut target = LocalServer::start(data_dir.path(), "TARGETKEY", "target-secret").unwrap();
    source.create_bucket("originals").unwrap();
    target.create_bucket("backups").unwrap();
    put(&source, "originals", "big.mp4", pattern(24 * 1024 * 1024)).await;
    let proxy = common::proxy::Proxy::start(target.addr()).await;
    proxy.set_rates(2_000_000, 0);
    let far = pail::s3::connection::Connection::with_static_credentials(
        target.credentials(),
        "us-east-1",
        pail::model::Endpoint::custom(&proxy.endpoint_url()).unwrap(),
        true,
    )
    // Parts are held to the stall rule, which counts a part as moving while it is handed to
    // the socket: the last MB then drain from loopback's buffers (several MB) unwatched, at
    // 2 MB/s for seconds. The cut, not a stall, is what this test is about.
    .with_stall_timeout(std::time::Duration::from_secs(10));
    let journal_dir = tempfile::tempdir().unwrap();
    let journal =
        pail::testing::storage::journal::UploadJournal::open(journal_dir.path().join("j.json"));
    let key = ObjectKey::new("big.mp4").unwrap();

    // The far server vanishes once 10 MiB have gone up, and stays away.
    proxy.cut_after_upload_bytes(10 * 1024 * 1024);
    let result = copy_between(
        (
            &source.connection(),
            &BucketName::new("originals").unwrap(),
            &key,
        ),
        (&far, &BucketName::new("backups").unwrap(), &key),
        true,
        &TransferControl::default(),
        Some(&journal),
    )
    .await;
    assert!(result.is_err());
    assert!(proxy.is_down());
    assert_eq!(journal.pending().len(), 1, "the abort is owed: kept");

    // Back (restarted on the same data): the sweep aborts what was left.
    target.stop();
    let target = LocalServer::start(data_dir.path(), "TARGETKEY", "target-secret").unwrap();
    proxy.come_back(target.addr());
    assert!(!common::pending_multipart_uploads(target.root()).is_empty());
    assert_eq!(
        pail::testing::s3::transfer::abort_leftovers(&journal, &far).await,
        1
    );
    assert!(common::pending_multipart_uploads(target.root()).is_empty());
    assert!(journal.pending().is_empty());
    assert!(
        common::get_object(&target, "backups", "big.mp4")
            .await
            .is_none()
    );
}
