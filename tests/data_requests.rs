//! Requests that carry data, against servers that lie or take their time: no memory reserved
//! from a size a server claims, no total deadline on a copy that is still moving, and a move
//! that removes an original only once its copy is verified.

mod common;

use std::time::Duration;

use common::lying_data::{LyingServer, Reply};
use pail::model::{BucketName, ObjectKey};
use pail::s3::copy_across::copy_between;
use pail::s3::transfer::TransferControl;

/// 2^62: a Content-Length no object has; reserving it aborts the process.
const ENORMOUS: u64 = 1 << 62;

#[tokio::test(flavor = "multi_thread")]
async fn a_copy_from_a_server_claiming_an_enormous_object_fails_and_the_process_lives() {
    let liar = LyingServer::start(|request| match request.method.as_str() {
        "HEAD" | "GET" => Reply::Object {
            length: ENORMOUS,
            body: b"a few bytes".to_vec(),
        },
        _ => Reply::Xml {
            status: 501,
            body: String::new(),
            delay: Duration::ZERO,
        },
    })
    .await;
    let target = common::server_with_bucket("backups");
    let (from_bucket, to_bucket) = (
        BucketName::new("originals").unwrap(),
        BucketName::new("backups").unwrap(),
    );
    let key = ObjectKey::new("huge.bin").unwrap();
    let result = copy_between(
        (&liar.connection(), &from_bucket, &key),
        (&target.connection(), &to_bucket, &key),
        &TransferControl::default(),
        None,
    )
    .await;
    assert!(result.is_err(), "{result:?}");
    assert!(common::pending_multipart_uploads(target.root()).is_empty());
    assert!(
        common::get_object(&target, "backups", "huge.bin")
            .await
            .is_none()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_get_longer_than_its_head_is_refused_before_it_fills_memory() {
    // HEAD says 1,000 bytes; GET claims 2^62 and sends 100 KB.
    let liar = LyingServer::start(|request| match request.method.as_str() {
        "HEAD" => Reply::Object {
            length: 1000,
            body: Vec::new(),
        },
        _ => Reply::Object {
            length: ENORMOUS,
            body: vec![b'x'; 100_000],
        },
    })
    .await;
    let target = common::server_with_bucket("backups");
    let key = ObjectKey::new("grows.bin").unwrap();
    let result = copy_between(
        (
            &liar.connection(),
            &BucketName::new("originals").unwrap(),
            &key,
        ),
        (
            &target.connection(),
            &BucketName::new("backups").unwrap(),
            &key,
        ),
        &TransferControl::default(),
        None,
    )
    .await;
    assert!(result.is_err(), "{result:?}");
    assert!(
        common::get_object(&target, "backups", "grows.bin")
            .await
            .is_none()
    );
}
