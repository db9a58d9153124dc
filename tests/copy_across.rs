//! S3 → S3 across two servers (two profiles, two endpoints): the object streamed through
//! Pail part by part, its content type and metadata kept; a cancelled copy leaves no upload
//! behind.

mod common;

use aws_sdk_s3::primitives::ByteStream;
use pail::demo::server::LocalServer;
use pail::model::{BucketName, ObjectKey};
use pail::s3::copy_across::copy_between;
use pail::s3::transfer::{TransferControl, TransferError};

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

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
            &control,
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
        &control,
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
