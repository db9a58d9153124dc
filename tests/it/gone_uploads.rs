//! A multipart upload the server no longer knows: the local server says NoSuchUpload (404) as
//! S3 does, and Pail's upload journal then drops its entry instead of retrying it for ever.

use crate::common;

use pail::testing::demo::server::LocalServer;
use pail::testing::storage::journal::{Owner, PendingUpload, UploadJournal};

const BUCKET: &str = "gone-uploads";
/// An upload ID as the server makes them (a UUID) that it never made.
const UNKNOWN: &str = "0b6f2c1e-7d8a-4e3b-9c5f-1a2b3c4d5e6f";

async fn abort(server: &LocalServer, upload_id: &str) -> Result<(), (u16, Option<String>)> {
    let answer = server
        .connection()
        .client()
        .abort_multipart_upload()
        .bucket(BUCKET)
        .key("big.bin")
        .upload_id(upload_id)
        .send()
        .await;
    match answer {
        Ok(_) => Ok(()),
        Err(aws_sdk_s3::error::SdkError::ServiceError(e)) => Err((
            e.raw().status().as_u16(),
            aws_sdk_s3::error::ProvideErrorMetadata::code(e.err()).map(str::to_owned),
        )),
        Err(other) => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn aborting_an_upload_the_server_does_not_know_is_no_such_upload() {
    let server = common::server_with_bucket(BUCKET);
    let gone = Err((404, Some("NoSuchUpload".to_owned())));
    assert_eq!(abort(&server, UNKNOWN).await, gone);
    assert_eq!(abort(&server, "../not-an-id").await, gone);
    // One it knows is aborted, once; then it is gone.
    let id = server
        .connection()
        .client()
        .create_multipart_upload()
        .bucket(BUCKET)
        .key("big.bin")
        .send()
        .await
        .unwrap()
        .upload_id()
        .unwrap()
        .to_owned();
    assert_eq!(abort(&server, &id).await, Ok(()));
    assert!(common::pending_multipart_uploads(server.root()).is_empty());
    assert_eq!(abort(&server, &id).await, gone);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_journal_drops_an_upload_the_server_says_is_gone() {
    let server = common::server_with_bucket(BUCKET);
    let connection = server.connection();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pending-uploads.json");
    let entry = PendingUpload {
        bucket: BUCKET.into(),
        key: "big.bin".into(),
        upload_id: UNKNOWN.into(),
        profile: connection.identity().to_owned(),
        endpoint: pail::testing::storage::journal::endpoint_name(connection.endpoint()),
        // An owner that has exited, and an abort that failed before.
        owner: Owner {
            pid: 999_996,
            started_ms: 5,
        },
        abandoned: true,
    };
    std::fs::write(&path, serde_json::to_vec(&vec![entry]).unwrap()).unwrap();
    let journal = UploadJournal::open(path);
    assert_eq!(
        pail::testing::s3::transfer::abort_leftovers(&journal, &connection).await,
        1
    );
    assert!(journal.pending().is_empty(), "{:?}", journal.pending());
}
