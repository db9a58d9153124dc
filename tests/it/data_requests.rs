//! Requests that carry data, against servers that lie or take their time: no memory reserved
//! from a size a server claims, and no total deadline on a copy that is still moving.

use crate::common;

use std::time::Duration;

use common::lying_data::{LyingServer, Reply};
use common::pattern;
use pail::model::{BucketName, ObjectKey};
use pail::testing::s3::copy_across::copy_between;
use pail::testing::s3::transfer::{TransferControl, TransferError};

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
        true,
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
        true,
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

/// What S3 answers to a CopyObject that went well.
const COPY_RESULT: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><CopyObjectResult><ETag>\"liar\"</ETag><LastModified>2025-01-01T00:00:00.000Z</LastModified></CopyObjectResult>";

/// A server whose objects claim 10 bytes and whose CopyObject answers as `copy` says.
async fn slow_copier(copy: impl Fn() -> Reply + Send + Sync + 'static) -> LyingServer {
    LyingServer::start(move |request| {
        if request.method == "PUT" && request.header("x-amz-copy-source").is_some() {
            copy()
        } else {
            Reply::Object {
                length: 10,
                body: b"ten bytes!".to_vec(),
            }
        }
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_side_copy_is_waited_for_past_the_budget_of_requests_without_data() {
    // The server takes 3 s to copy; requests without data get 1 s here (30 s in the app).
    let server = slow_copier(|| Reply::Xml {
        status: 200,
        body: COPY_RESULT.to_owned(),
        delay: Duration::from_secs(3),
    })
    .await;
    let connection = server
        .connection()
        .with_request_timeout(Duration::from_secs(1))
        .with_stall_timeout(Duration::from_millis(500));
    let bucket = BucketName::new("photos").unwrap();
    let started = std::time::Instant::now();
    let copied = pail::testing::s3::objects::copy_object(
        &connection,
        &bucket,
        &ObjectKey::new("big.mov").unwrap(),
        &bucket,
        &ObjectKey::new("copy of big.mov").unwrap(),
        true,
    )
    .await;
    assert_eq!(copied, Ok(()));
    assert!(started.elapsed() >= Duration::from_secs(3));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_side_copy_that_never_answers_still_fails() {
    let server = slow_copier(|| Reply::Silence).await;
    // A 50 ms stall limit: the answer is awaited 20 times as long, 1 s (10 minutes in the
    // app), in each of the SDK's three attempts.
    let connection = server
        .connection()
        .with_stall_timeout(Duration::from_millis(50));
    let bucket = BucketName::new("photos").unwrap();
    let started = std::time::Instant::now();
    let copied = pail::testing::s3::objects::copy_object(
        &connection,
        &bucket,
        &ObjectKey::new("big.mov").unwrap(),
        &bucket,
        &ObjectKey::new("copy of big.mov").unwrap(),
        true,
    )
    .await;
    assert!(copied.is_err(), "{copied:?}");
    assert!(
        started.elapsed() < Duration::from_secs(12),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_side_copy_whose_answer_never_ends_fails_once_it_is_too_long() {
    let server = slow_copier(|| Reply::EndlessSpaces).await;
    let bucket = BucketName::new("photos").unwrap();
    let started = std::time::Instant::now();
    let copied = pail::testing::s3::objects::copy_object(
        &server.connection(),
        &bucket,
        &ObjectKey::new("big.mov").unwrap(),
        &bucket,
        &ObjectKey::new("copy of big.mov").unwrap(),
        true,
    )
    .await;
    assert!(copied.is_err(), "{copied:?}");
    assert!(
        started.elapsed() < Duration::from_secs(12),
        "{:?}",
        started.elapsed()
    );
}

/// A connection to `server` through `proxy`, with 1 s for requests without data and `stall`
/// for those with data. (A body is counted as moving while it is handed to the socket; the
/// last few MB then drain from the system's buffers unwatched, so `stall` must outlast that.)
fn through(
    server: &pail::testing::demo::server::LocalServer,
    proxy: &common::proxy::Proxy,
    stall: Duration,
) -> pail::s3::connection::Connection {
    pail::s3::connection::Connection::with_static_credentials(
        server.credentials(),
        "us-east-1",
        pail::model::Endpoint::custom(&proxy.endpoint_url()).unwrap(),
        true,
    )
    .with_request_timeout(Duration::from_secs(1))
    .with_stall_timeout(stall)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_copy_across_on_a_slow_uplink_takes_the_time_it_needs() {
    let source = common::server_with_bucket("originals");
    let target = common::server_with_bucket("backups");
    let data = pattern(3 * 1024 * 1024);
    common::put_object(&source, "originals", "clip.mp4", &data).await;
    // 3 MiB at 1.5 MB/s: about 2 s, twice the budget of a request without data.
    let proxy = common::proxy::Proxy::start(target.addr()).await;
    proxy.set_rates(1_500_000, 0);
    let far = through(&target, &proxy, Duration::from_secs(5));
    let key = ObjectKey::new("clip.mp4").unwrap();
    let copied = copy_between(
        (
            &source.connection(),
            &BucketName::new("originals").unwrap(),
            &key,
        ),
        (&far, &BucketName::new("backups").unwrap(), &key),
        true,
        &TransferControl::default(),
        None,
    )
    .await;
    assert_eq!(copied, Ok(data.len() as u64));
    assert!(common::get_object(&target, "backups", "clip.mp4").await == Some(data));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_copy_across_to_a_server_that_stops_taking_bytes_fails_after_its_stall_limit() {
    let source = common::server_with_bucket("originals");
    let target = common::server_with_bucket("backups");
    common::put_object(&source, "originals", "clip.mp4", &pattern(3 * 1024 * 1024)).await;
    let proxy = common::proxy::Proxy::start(target.addr()).await;
    let far = pail::s3::connection::Connection::with_static_credentials(
        target.credentials(),
        "us-east-1",
        pail::model::Endpoint::custom(&proxy.endpoint_url()).unwrap(),
        true,
    )
    .with_stall_timeout(Duration::from_secs(1));
    proxy.freeze(true);
    let key = ObjectKey::new("clip.mp4").unwrap();
    let started = std::time::Instant::now();
    let copied = copy_between(
        (
            &source.connection(),
            &BucketName::new("originals").unwrap(),
            &key,
        ),
        (&far, &BucketName::new("backups").unwrap(), &key),
        true,
        &TransferControl::default(),
        None,
    )
    .await;
    assert_eq!(copied, Err(TransferError::Stalled { seconds: 1 }));
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_shared_page_on_a_slow_uplink_takes_the_time_it_needs() {
    use pail::testing::s3::folder_share::{FolderObject, share_folder};
    let server = common::server_with_bucket("team");
    let proxy = common::proxy::Proxy::start(server.addr()).await;
    proxy.set_rates(1_500_000, 0);
    let connection = through(&server, &proxy, Duration::from_secs(5));
    // Links need no object behind them to be signed: 4,000 make a page of a few MB.
    let objects: Vec<FolderObject> = (0..4000)
        .map(|i| FolderObject {
            key: ObjectKey::new(format!("photos/holiday picture number {i:05}.jpg")).unwrap(),
            size: 1000,
            last_modified: 1_700_000_000,
        })
        .collect();
    let bucket = BucketName::new("team").unwrap();
    let started = std::time::Instant::now();
    let share = share_folder(
        &connection,
        &bucket,
        "photos/",
        &objects,
        &bucket,
        pail::share::Expiry::In(Duration::from_secs(3600)),
        std::time::SystemTime::now(),
        &pail::testing::local_time::TimeZone::UTC,
    )
    .await;
    let share = share.unwrap();
    assert!(
        started.elapsed() > Duration::from_secs(1),
        "the page must outlast the 1 s budget for the test to mean anything"
    );
    let page = common::get_object(&server, "team", share.page_key.as_str())
        .await
        .unwrap();
    assert!(page.len() > 2_000_000, "{}", page.len());
}

/// Uploads `len` bytes through a 4 MB/s uplink while another task appends to the file once
/// the upload has begun: what the upload said, the file, and what the server holds.
async fn upload_a_growing_file(len: usize) -> (Result<(), TransferError>, Vec<u8>, Vec<u8>) {
    let server = common::server_with_bucket("inbox");
    let proxy = common::proxy::Proxy::start(server.addr()).await;
    proxy.set_rates(4_000_000, 0);
    let connection = pail::s3::connection::Connection::with_static_credentials(
        server.credentials(),
        "us-east-1",
        pail::model::Endpoint::custom(&proxy.endpoint_url()).unwrap(),
        true,
    )
    .with_stall_timeout(Duration::from_secs(10));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("recording.wav");
    std::fs::write(&path, pattern(len)).unwrap();
    let grower = {
        let path = path.clone();
        async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            use std::io::Write;
            let mut file = std::fs::OpenOptions::new()
                .append(true)
                .open(&path)
                .unwrap();
            file.write_all(b"the recording went on").unwrap();
        }
    };
    let key = ObjectKey::new("recording.wav").unwrap();
    let bucket = BucketName::new("inbox").unwrap();
    let control = TransferControl::default();
    let upload =
        pail::testing::s3::upload::upload_file(&connection, &bucket, &key, &path, &control);
    let (result, ()) = tokio::join!(upload, grower);
    let stored = common::get_object(&server, "inbox", "recording.wav")
        .await
        .unwrap_or_default();
    (result, std::fs::read(&path).unwrap(), stored)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_that_grows_while_it_is_uploaded_fails_the_upload_and_stays() {
    // One request (15 MiB), then a multipart upload (18 MiB).
    for len in [15 * 1024 * 1024, 18 * 1024 * 1024] {
        let (result, file, stored) = upload_a_growing_file(len).await;
        let error = result.expect_err("a file that changed must not pass for uploaded");
        assert!(
            matches!(error, TransferError::Local { .. }),
            "{len}: said as a change of the file, not a network trouble: {error:?}"
        );
        assert!(error.to_string().contains("changed"), "{error}");
        assert_eq!(file.len(), len + 21, "the file is still there, grown");
        // Nothing stored, or (one request whose body had all been read when the file grew)
        // the file as it was; never a mix.
        assert!(
            stored.is_empty() || (len < 16 * 1024 * 1024 && stored == pattern(len)),
            "{len}: {} bytes stored",
            stored.len()
        );
    }
}
