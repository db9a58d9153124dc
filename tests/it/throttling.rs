//! A server that asks Pail to slow down (`503 SlowDown`, `tests/common/throttling.rs`):
//! `pail cp --recursive` of many small files and a multipart upload get every byte there, sending fewer
//! requests at once once told; a server that never stops asking fails the file with words
//! that say so, and a multipart upload so failed leaves no parts behind.

use crate::common;

use std::time::Duration;

use common::throttling::{Rule, ThrottlingServer};
use pail::model::{BucketName, Endpoint, ObjectKey};
use pail::s3::connection::Connection;
use pail::testing::s3::transfer::{TransferControl, TransferError};

const BUCKET: &str = "busy";
const KEYS: (&str, &str) = (common::ACCESS_KEY, common::SECRET_KEY);
const MIB: usize = 1024 * 1024;

fn connection(server: &ThrottlingServer) -> Connection {
    Connection::with_static_credentials(
        aws_credential_types::Credentials::new(KEYS.0, KEYS.1, None, None, "test"),
        "us-east-1",
        Endpoint::custom(&server.endpoint_url()).unwrap(),
        true,
    )
}

/// `pail cp ARGS` against `server`.
fn pail_cp(
    server: &ThrottlingServer,
    home: &std::path::Path,
    args: &[&str],
) -> std::process::Output {
    let endpoint = server.endpoint_url();
    common::cli::pail(home)
        .env("AWS_ACCESS_KEY_ID", KEYS.0)
        .env("AWS_SECRET_ACCESS_KEY", KEYS.1)
        .arg("cp")
        .args(args)
        .args(["--endpoint-url", &endpoint, "--path-style"])
        .output()
        .expect("pail runs")
}

/// `pail cp --recursive FOLDER s3://BUCKET/PREFIX` against `server`, from a fresh home.
fn cp_folder(
    server: &ThrottlingServer,
    folder: &std::path::Path,
    prefix: &str,
) -> std::process::Output {
    let home = tempfile::tempdir().unwrap();
    let to = format!("s3://{BUCKET}/{prefix}");
    tokio::task::block_in_place(|| {
        pail_cp(
            server,
            home.path(),
            &["--recursive", folder.to_str().unwrap(), &to],
        )
    })
}

/// The most requests in flight the server saw: over the whole run, and over its last half
/// (once Pail had been told to slow down and had time to listen).
fn peaks(server: &ThrottlingServer) -> (usize, usize) {
    let seen = server.in_flight_seen();
    let all = seen.iter().copied().max().unwrap_or(0);
    let last_half = seen[seen.len() / 2..].iter().copied().max().unwrap_or(0);
    (all, last_half)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_folder_of_small_files_arrives_whole_with_fewer_sent_at_once_once_throttled() {
    let server = common::server_with_bucket(BUCKET);
    let busy = ThrottlingServer::start(&server, KEYS, &["PUT"], Rule::Beyond(4)).await;
    // Long enough for the first files' requests to pile up even from a slow client (under
    // Wine on a busy machine, 20 ms was not: the peak before the throttle stayed low).
    busy.hold(Duration::from_millis(100));
    let here = tempfile::tempdir().unwrap();
    let folder = here.path().join("photos");
    std::fs::create_dir(&folder).unwrap();
    let files: Vec<(String, Vec<u8>)> = (0..300)
        .map(|i| (format!("p{i:03}.jpg"), common::pattern(4096 + i)))
        .collect();
    for (name, body) in &files {
        std::fs::write(folder.join(name), body).unwrap();
    }
    let output = cp_folder(&busy, &folder, "in/");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    for (name, body) in &files {
        let got = common::get_object(&server, BUCKET, &format!("in/{name}")).await;
        assert_eq!(got.as_ref(), Some(body), "{name}");
    }
    // Without fewer files at once, three in four requests were refused (~450 for 300 files);
    // with it, a round of refusals at the start and a few each time the count grew back.
    let throttled = busy.throttled();
    assert!(throttled > 0, "the server asked to slow down");
    assert!(
        throttled < files.len(),
        "most files went on their first request once Pail slowed down: {throttled} refused"
    );
    let (all, last_half) = peaks(&busy);
    assert!(
        last_half * 2 < all,
        "fewer in flight once throttled: {last_half} of {all}"
    );
}

/// A burst of refusals at the start of a near server: every file arrives (the files refused
/// go again before any new file starts: `flight.rs`'s tests).
#[tokio::test(flavor = "multi_thread")]
async fn a_burst_of_refusals_on_a_near_server_loses_no_file() {
    let server = common::server_with_bucket(BUCKET);
    let busy = ThrottlingServer::start(&server, KEYS, &["PUT"], Rule::First(400)).await;
    let here = tempfile::tempdir().unwrap();
    let folder = here.path().join("notes");
    std::fs::create_dir(&folder).unwrap();
    for i in 0..320 {
        std::fs::write(
            folder.join(format!("n{i:03}.txt")),
            common::pattern(2048 + i),
        )
        .unwrap();
    }
    let output = cp_folder(&busy, &folder, "n/");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    for i in 0..320 {
        let got = common::get_object(&server, BUCKET, &format!("n/n{i:03}.txt")).await;
        assert_eq!(got, Some(common::pattern(2048 + i)), "n{i:03}.txt");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_multipart_upload_arrives_whole_with_fewer_parts_at_once_once_throttled() {
    let server = common::server_with_bucket(BUCKET);
    let busy = ThrottlingServer::start(&server, KEYS, &["PUT"], Rule::Beyond(2)).await;
    let here = tempfile::tempdir().unwrap();
    let path = here.path().join("film.mov");
    let data = common::pattern(72 * MIB);
    std::fs::write(&path, &data).unwrap();
    let key = ObjectKey::new("film.mov").unwrap();
    let bucket = BucketName::new(BUCKET).unwrap();
    let control = TransferControl::default();
    pail::testing::s3::upload::upload_file(&connection(&busy), &bucket, &key, &path, &control)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        common::get_object(&server, BUCKET, "film.mov").await,
        Some(data)
    );
    assert!(busy.throttled() > 0, "the server asked to slow down");
    // Halves by time, not by count: parts whose sums are read ahead start together, and the
    // burst before the first refusal comes back can be half the requests the server sees.
    let seen = busy.in_flight_seen_at();
    let (first, last) = (seen[0].0, seen[seen.len() - 1].0);
    let middle = first + (last - first) / 2;
    let all = seen.iter().map(|s| s.1).max().unwrap_or(0);
    let last_half = seen.iter().filter(|s| s.0 > middle).map(|s| s.1).max();
    assert!(
        last_half.unwrap_or(0) < all,
        "fewer parts in flight once throttled: {last_half:?} of {all} ({seen:?})"
    );
    assert!(common::pending_multipart_uploads(server.root()).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_never_stops_throttling_fails_the_file_saying_so() {
    let server = common::server_with_bucket(BUCKET);
    let busy = ThrottlingServer::start(&server, KEYS, &["PUT"], Rule::Always).await;
    let here = tempfile::tempdir().unwrap();
    let path = here.path().join("note.txt");
    std::fs::write(&path, b"hello").unwrap();
    let home = tempfile::tempdir().unwrap();
    let output = tokio::task::block_in_place(|| {
        pail_cp(
            &busy,
            home.path(),
            &[path.to_str().unwrap(), &format!("s3://{BUCKET}/note.txt")],
        )
    });
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    assert!(stderr.contains("asked to slow down (SlowDown)"), "{stderr}");
    // Each of Pail's attempts is the SDK's three.
    assert!(busy.throttled() >= 6, "retried: {}", busy.throttled());
    assert_eq!(common::get_object(&server, BUCKET, "note.txt").await, None);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_multipart_upload_the_server_keeps_throttling_is_aborted() {
    let server = common::server_with_bucket(BUCKET);
    let busy = ThrottlingServer::start(&server, KEYS, &["PUT"], Rule::Always).await;
    let here = tempfile::tempdir().unwrap();
    let path = here.path().join("big.bin");
    std::fs::write(&path, common::pattern(17 * MIB)).unwrap();
    let key = ObjectKey::new("big.bin").unwrap();
    let bucket = BucketName::new(BUCKET).unwrap();
    let control = TransferControl::default();
    let result =
        pail::testing::s3::upload::upload_file(&connection(&busy), &bucket, &key, &path, &control)
            .await;
    match result {
        Err(TransferError::Throttled { code }) => assert_eq!(code, "SlowDown"),
        other => panic!("{other:?}"),
    }
    assert!(
        common::pending_multipart_uploads(server.root()).is_empty(),
        "aborted: no parts left"
    );
    assert_eq!(common::get_object(&server, BUCKET, "big.bin").await, None);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_small_download_the_server_throttled_at_first_arrives() {
    let server = common::server_with_bucket(BUCKET);
    let body = common::pattern(10_000);
    common::put_object(&server, BUCKET, "small.txt", &body).await;
    // More throttles than the SDK's own three attempts absorb: Pail's wait and retry do the rest.
    let busy = ThrottlingServer::start(&server, KEYS, &["GET"], Rule::First(4)).await;
    let here = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let output = tokio::task::block_in_place(|| {
        pail_cp(
            &busy,
            home.path(),
            &[
                &format!("s3://{BUCKET}/small.txt"),
                here.path().to_str().unwrap(),
            ],
        )
    });
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(std::fs::read(here.path().join("small.txt")).unwrap(), body);
    assert!(busy.throttled() >= 4);
}
