//! Attacks on the second round of issue 25's transfer changes ("Far links"): `pail cp`'s one
//! HEAD handed to the download, the pipelined multipart upload, the staggered first ranges, and
//! the local server's own GET body. The pipelining (a part's place freed once its body was
//! sent) was withdrawn afterwards: it kept more requests in flight after the server asked to
//! slow down (`throttling::a_multipart_upload_arrives_whole_with_fewer_parts_at_once_once_throttled`
//! failed one run in two). Its tests stay: what they ask holds for every multipart upload.

use std::time::{Duration, Instant};

use crate::common::{self, lying_data::LyingServer, lying_data::Reply};

/// Waits for `child` up to `limit`; kills it if it is still running then. Whether it ended.
fn wait_or_kill(
    child: &mut std::process::Child,
    limit: Duration,
) -> Option<std::process::ExitStatus> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    None
}

/// The requested `bytes=a-b` of a Range header.
fn requested_range(header: &str) -> Option<(u64, u64)> {
    let (a, b) = header.strip_prefix("bytes=")?.split_once('-')?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

/// `pail cp s3://B/KEY local` HEADs the object once and hands its size to the download. That
/// size skipped the check every other HEAD of a download makes (`claimed_size`: no object holds
/// more than `MAX_OBJECT_SIZE`): a server claiming 2^62 bytes and
/// answering each range it is asked for was downloaded from for ever, filling the disk, where
/// it used to be refused at once ("the server says … holds … bytes, which no object can").
#[tokio::test(flavor = "multi_thread")]
async fn cp_refuses_an_object_whose_head_claims_more_than_any_object_can_hold() {
    const CLAIMED: u64 = 1 << 62;
    let liar = LyingServer::start(|request| match request.method.as_str() {
        "HEAD" => Reply::Object {
            length: CLAIMED,
            body: Vec::new(),
        },
        _ => {
            let (first, last) = request
                .header("range")
                .and_then(requested_range)
                .unwrap_or((0, 1023));
            let length = last - first + 1;
            Reply::Raw(format!(
                "HTTP/1.1 206 Partial Content\r\ncontent-type: application/octet-stream\r\ncontent-length: {length}\r\ncontent-range: bytes {first}-{last}/{CLAIMED}\r\netag: \"liar\"\r\nlast-modified: Wed, 01 Jan 2025 00:00:00 GMT\r\nconnection: close\r\n\r\n{}",
                "x".repeat(length as usize)
            ))
        }
    })
    .await;
    let home = tempfile::tempdir().unwrap();
    let target = tempfile::tempdir().unwrap();
    let endpoint = liar.endpoint_url();
    let mut child = common::cli::pail(home.path())
        .env("AWS_ACCESS_KEY_ID", common::ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", common::SECRET_KEY)
        .args(["cp", "s3://originals/huge.bin"])
        .arg(target.path())
        .args(["--endpoint-url", &endpoint, "--path-style"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let status = wait_or_kill(&mut child, Duration::from_secs(20));
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        status.is_some(),
        "still downloading a claimed 2^62-byte object after 20 s; stderr: {stderr}"
    );
    assert!(!status.unwrap().success(), "{stderr}");
    assert!(stderr.contains("which no object can"), "{stderr}");
    assert!(
        std::fs::read_dir(target.path()).unwrap().next().is_none(),
        "nothing left in the target folder"
    );
}

const BUCKET: &str = "attacks25b";
const MIB: usize = 1024 * 1024;

/// `pail cp ARGS` against `endpoint`, started (not waited for).
fn spawn_pail_cp(home: &std::path::Path, endpoint: &str, args: &[&str]) -> std::process::Child {
    common::cli::pail(home)
        .env("AWS_ACCESS_KEY_ID", common::ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", common::SECRET_KEY)
        .arg("cp")
        .args(args)
        .args(["--endpoint-url", endpoint, "--path-style"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

/// Sends SIGINT (Ctrl+C) to `child`.
fn interrupt(child: &std::process::Child) {
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// Ctrl+C on a pipelined multipart upload 20 ms away (parts whose bodies are sent wait for
/// their answers while the next ones go): the upload is aborted, nothing stays on the server.
#[cfg_attr(
    windows,
    ignore = "sends Ctrl+C as SIGINT with the Linux `kill` program, which a Windows process cannot start"
)]
#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_on_a_pipelined_upload_twenty_ms_away_leaves_nothing_on_the_server() {
    let server = common::server_with_bucket(BUCKET);
    let proxy = common::proxy::Proxy::start(server.addr()).await;
    proxy.set_latency(Duration::from_millis(20));
    proxy.set_rates(25_000_000, 0);
    let here = tempfile::tempdir().unwrap();
    let path = here.path().join("big.bin");
    std::fs::write(&path, common::pattern(120 * MIB)).unwrap();
    let home = tempfile::tempdir().unwrap();
    let mut child = spawn_pail_cp(
        home.path(),
        &proxy.endpoint_url(),
        &[path.to_str().unwrap(), &format!("s3://{BUCKET}/big.bin")],
    );
    let start = Instant::now();
    while common::pending_multipart_uploads(server.root()).is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the upload began"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    interrupt(&child);
    let status = tokio::task::block_in_place(|| wait_or_kill(&mut child, Duration::from_secs(15)));
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(status.is_some_and(|s| !s.success()), "{status:?} {stderr}");
    assert!(
        common::pending_multipart_uploads(server.root()).is_empty(),
        "aborted: {:?}; {stderr}",
        common::pending_multipart_uploads(server.root())
    );
    assert!(
        common::get_object(&server, BUCKET, "big.bin")
            .await
            .is_none()
    );
}

/// Ctrl+C on a ranged download 20 ms away, sized by `cp`'s own HEAD: no partial file stays.
#[cfg_attr(
    windows,
    ignore = "sends Ctrl+C as SIGINT with the Linux `kill` program, which a Windows process cannot start"
)]
#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_on_a_download_twenty_ms_away_leaves_no_partial_file() {
    let server = common::server_with_bucket(BUCKET);
    common::put_object(&server, BUCKET, "big.bin", &common::pattern(100 * MIB)).await;
    let proxy = common::proxy::Proxy::start(server.addr()).await;
    proxy.set_latency(Duration::from_millis(20));
    proxy.set_rates(0, 25_000_000);
    let target = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let mut child = spawn_pail_cp(
        home.path(),
        &proxy.endpoint_url(),
        &[
            &format!("s3://{BUCKET}/big.bin"),
            target.path().to_str().unwrap(),
        ],
    );
    let start = Instant::now();
    while std::fs::read_dir(target.path()).unwrap().next().is_none() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the download began"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    interrupt(&child);
    let status = tokio::task::block_in_place(|| wait_or_kill(&mut child, Duration::from_secs(15)));
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(status.is_some_and(|s| !s.success()), "{status:?} {stderr}");
    let left: Vec<_> = std::fs::read_dir(target.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "{left:?}; {stderr}");
}

/// A file changed once every part's body has handed out its last byte, while the answers are
/// still on their way back (the pipelining frees a part's place then): the upload is refused
/// and aborted, not completed from bytes read before and after the change.
#[tokio::test(flavor = "multi_thread")]
async fn a_file_changed_after_its_last_part_was_sent_is_not_completed() {
    let server = common::server_with_bucket(BUCKET);
    let proxy = common::proxy::Proxy::start(server.addr()).await;
    // Far enough that a busy machine (the whole suite on two cores) still changes the file
    // between the bodies leaving and the answers coming back.
    proxy.set_latency(Duration::from_millis(1500));
    proxy.set_window(256 * MIB as u64);
    let here = tempfile::tempdir().unwrap();
    let path = here.path().join("doc.bin");
    std::fs::write(&path, common::pattern(17 * MIB)).unwrap();
    let connection = pail::s3::connection::Connection::with_static_credentials(
        server.credentials(),
        "us-east-1",
        pail::model::Endpoint::custom(&proxy.endpoint_url()).unwrap(),
        true,
    );
    let control = pail::testing::s3::transfer::TransferControl::default();
    let upload = {
        let (path, control) = (path.clone(), control.clone());
        tokio::spawn(async move {
            pail::testing::s3::upload::upload_file(
                &connection,
                &pail::model::BucketName::new(BUCKET).unwrap(),
                &pail::model::ObjectKey::new("doc.bin").unwrap(),
                &path,
                &control,
            )
            .await
        })
    };
    // CreateMultipartUpload reaches the server after 1.5 s and its answer the client 1.5 s
    // later; the parts' bodies then leave at once (the window holds them) and their answers
    // come 3 s after that. The change lands in the middle: 2.25 s after the server saw the
    // upload begin, 2.25 s before the answers are back.
    let start = Instant::now();
    while common::pending_multipart_uploads(server.root()).is_empty() {
        assert!(start.elapsed() < Duration::from_secs(20));
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tokio::time::sleep(Duration::from_millis(2250)).await;
    // Same length, other bytes, a later modification time.
    let mut other = common::pattern(17 * MIB);
    other[0] ^= 0xff;
    std::fs::write(&path, &other).unwrap();
    let file = std::fs::File::options().write(true).open(&path).unwrap();
    file.set_modified(std::time::SystemTime::now() + Duration::from_secs(5))
        .unwrap();
    let result = upload.await.unwrap();
    assert!(result.is_err(), "{result:?}");
    assert!(
        common::get_object(&server, BUCKET, "doc.bin")
            .await
            .is_none()
    );
    assert!(common::pending_multipart_uploads(server.root()).is_empty());
}

/// The local server's own GET body (`demo/object_body.rs`), read from the file it opened
/// before s3s-fs did, against objects overwritten while they are read: every answer is one
/// version, whole (its length as its headers say), never bytes of two.
#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(windows, ignore = "Wine 8 renames no file over an open one")]
async fn gets_of_an_object_being_overwritten_each_hold_one_version() {
    let server = common::server_with_bucket(BUCKET);
    // Versions of different lengths, each one byte repeated.
    let versions: Vec<Vec<u8>> = (0..4u8)
        .map(|v| vec![b'a' + v; MIB + usize::from(v) * 100_000])
        .collect();
    common::put_object(&server, BUCKET, "hot.bin", &versions[0]).await;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (client, versions, stop) = (
            server.connection().client().clone(),
            versions.clone(),
            stop.clone(),
        );
        tokio::spawn(async move {
            let mut i = 1;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                client
                    .put_object()
                    .bucket(BUCKET)
                    .key("hot.bin")
                    .body(versions[i % versions.len()].clone().into())
                    .send()
                    .await
                    .unwrap();
                i += 1;
            }
            i
        })
    };
    let mut readers = tokio::task::JoinSet::new();
    for r in 0..3u64 {
        let client = server.connection().client().clone();
        readers.spawn(async move {
            let mut seen = 0;
            let deadline = Instant::now() + Duration::from_secs(4);
            while Instant::now() < deadline {
                let range = match r {
                    0 => None,
                    1 => Some("bytes=1000-999999".to_owned()),
                    _ => Some("bytes=-500000".to_owned()),
                };
                let Ok(answer) = client
                    .get_object()
                    .bucket(BUCKET)
                    .key("hot.bin")
                    .set_range(range.clone())
                    .send()
                    .await
                else {
                    continue;
                };
                let announced = answer.content_length().unwrap() as usize;
                let Ok(body) = answer.body.collect().await else {
                    continue;
                };
                let body = body.into_bytes();
                assert_eq!(body.len(), announced, "{range:?}");
                assert!(!body.is_empty());
                assert!(
                    body.iter().all(|b| *b == body[0]),
                    "one answer mixes versions ({range:?})"
                );
                seen += 1;
            }
            seen
        });
    }
    let mut reads = 0;
    while let Some(seen) = readers.join_next().await {
        reads += seen.unwrap();
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let writes = writer.await.unwrap();
    assert!(reads > 10 && writes > 5, "{reads} reads, {writes} writes");
}

/// `pail cp` of objects sized at the edges of its ranges (the whole-object limit, the part
/// size, more ranges than go at once so the first ones are staggered), 20 ms away: every byte
/// arrives where it belongs.
#[tokio::test(flavor = "multi_thread")]
async fn downloads_sized_at_range_edges_arrive_whole() {
    let server = common::server_with_bucket(BUCKET);
    let proxy = common::proxy::Proxy::start(server.addr()).await;
    proxy.set_latency(Duration::from_millis(20));
    proxy.set_window(64 * MIB as u64);
    let home = tempfile::tempdir().unwrap();
    for size in [
        16 * MIB,
        16 * MIB + 1,
        72 * MIB - 1,
        72 * MIB + 1,
        8 * MIB * 24 + 1,
    ] {
        let data = common::pattern(size);
        let key = format!("edge-{size}.bin");
        common::put_object(&server, BUCKET, &key, &data).await;
        let target = tempfile::tempdir().unwrap();
        let child = spawn_pail_cp(
            home.path(),
            &proxy.endpoint_url(),
            &[
                &format!("s3://{BUCKET}/{key}"),
                target.path().to_str().unwrap(),
            ],
        );
        let output = tokio::task::block_in_place(|| child.wait_with_output().unwrap());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{size}: {stderr}");
        let got = std::fs::read(target.path().join(&key)).unwrap();
        assert!(got == data, "{size}: the bytes differ");
        common::delete_object(&server, BUCKET, &key).await;
    }
}

/// An object replaced or deleted between `pail cp`'s HEAD and its ranges (the download no
/// longer asks again): each range is refused (412 under If-Match), missing (404), or answered
/// with another ETag by a server that ignores the condition; or a range comes short. The
/// download fails saying so and leaves no partial file.
#[tokio::test(flavor = "multi_thread")]
async fn cp_of_an_object_replaced_or_deleted_after_its_head_fails_cleanly() {
    const SIZE: u64 = 40 * MIB as u64;
    for (case, status, etag, says) in [
        ("replaced", 412, "liar", "replaced during the download"),
        ("deleted", 404, "liar", "NoSuchKey"),
        ("other etag", 206, "other", "replaced during the download"),
        // A range one byte short of what was asked (its Content-Length says so too).
        ("short range", 206, "short", "incomplete"),
    ] {
        let liar = LyingServer::start(move |request| match request.method.as_str() {
            "HEAD" => Reply::Object {
                length: SIZE,
                body: Vec::new(),
            },
            _ if status == 206 => {
                let (first, last) = request.header("range").and_then(requested_range).unwrap();
                let (last, etag) = match etag {
                    "short" => (last - 1, "liar"),
                    etag => (last, etag),
                };
                let length = last - first + 1;
                Reply::Raw(format!(
                    "HTTP/1.1 206 Partial Content\r\ncontent-length: {length}\r\ncontent-range: bytes {first}-{last}/{SIZE}\r\netag: \"{etag}\"\r\nconnection: close\r\n\r\n{}",
                    "y".repeat(length as usize)
                ))
            }
            _ => Reply::Xml {
                status,
                body: format!(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{}</Code><Message>m</Message></Error>",
                    if status == 404 { "NoSuchKey" } else { "PreconditionFailed" }
                ),
                delay: Duration::ZERO,
            },
        })
        .await;
        let home = tempfile::tempdir().unwrap();
        let target = tempfile::tempdir().unwrap();
        let mut child = spawn_pail_cp(
            home.path(),
            &liar.endpoint_url(),
            &["s3://originals/doc.bin", target.path().to_str().unwrap()],
        );
        let status =
            tokio::task::block_in_place(|| wait_or_kill(&mut child, Duration::from_secs(20)));
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            status.is_some_and(|s| !s.success()),
            "{case}: {status:?} {stderr}"
        );
        assert!(stderr.contains(says), "{case}: {stderr}");
        let left: Vec<_> = std::fs::read_dir(target.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert!(left.is_empty(), "{case}: {left:?}");
    }
}

/// A 503 storm on a pipelined multipart upload 20 ms away, from a server that takes one
/// request at a time: parts whose bodies are sent wait for answers while the next part goes,
/// so even at one part at once two requests are open. The upload still arrives whole, and
/// leaves nothing behind.
#[tokio::test(flavor = "multi_thread")]
async fn a_pipelined_upload_throttled_down_to_one_request_at_once_arrives_whole() {
    use common::throttling::{Rule, ThrottlingServer};
    let server = common::server_with_bucket(BUCKET);
    let keys = (common::ACCESS_KEY, common::SECRET_KEY);
    let busy = ThrottlingServer::start(&server, keys, &["PUT"], Rule::Beyond(1)).await;
    let upstream: std::net::SocketAddr = busy.endpoint_url()["http://".len()..].parse().unwrap();
    let proxy = common::proxy::Proxy::start(upstream).await;
    proxy.set_latency(Duration::from_millis(20));
    let here = tempfile::tempdir().unwrap();
    let path = here.path().join("film.mov");
    let data = common::pattern(72 * MIB);
    std::fs::write(&path, &data).unwrap();
    let home = tempfile::tempdir().unwrap();
    let child = spawn_pail_cp(
        home.path(),
        &proxy.endpoint_url(),
        &[path.to_str().unwrap(), &format!("s3://{BUCKET}/film.mov")],
    );
    let output = tokio::task::block_in_place(|| child.wait_with_output().unwrap());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let seen = busy.in_flight_seen();
    eprintln!("throttled {} of {}: {seen:?}", busy.throttled(), seen.len());
    assert!(output.status.success(), "{stderr}");
    assert_eq!(
        common::get_object(&server, BUCKET, "film.mov").await,
        Some(data)
    );
    assert!(common::pending_multipart_uploads(server.root()).is_empty());
}

/// A server that stores a multipart upload's parts and answers part 1 with `500` every time,
/// after reading its whole body; the other parts answer 200 after `answer_delay`. It notes each
/// request as it arrives: (method, path and query).
fn failing_part_server(
    answer_delay: Duration,
    part_one_fails: usize,
) -> (
    impl Fn(&common::lying_data::Request) -> Reply + Send + Sync + 'static,
    std::sync::Arc<std::sync::Mutex<Vec<String>>>,
) {
    let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = log.clone();
    let failures = std::sync::atomic::AtomicUsize::new(0);
    let reply = move |request: &common::lying_data::Request| {
        seen.lock()
            .unwrap()
            .push(format!("{} {}", request.method, request.path));
        let xml = |status, body: &str| Reply::Xml {
            status,
            body: body.to_owned(),
            delay: Duration::ZERO,
        };
        match request.method.as_str() {
            "POST" if request.path.contains("uploads") => xml(
                200,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>up1</UploadId></InitiateMultipartUploadResult>",
            ),
            "PUT"
                if request.path.contains("partNumber=1&")
                    && failures.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
                        < part_one_fails =>
            {
                xml(
                    500,
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>InternalError</Code><Message>m</Message></Error>",
                )
            }
            // No ETag: the completion here takes any.
            "PUT" => Reply::Xml {
                status: 200,
                body: String::new(),
                delay: answer_delay,
            },
            "POST" => xml(
                200,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><CompleteMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><ETag>\"whole-3\"</ETag></CompleteMultipartUploadResult>",
            ),
            "DELETE" => {
                Reply::Raw("HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n".to_owned())
            }
            _ => xml(404, "<Error><Code>NoSuchKey</Code></Error>"),
        }
    };
    (reply, log)
}

/// A part answered 500 after its body was sent whole: it goes again, and the upload completes;
/// a part that always fails so fails the upload, which is aborted only once no other part is
/// still on its way (a part landing after the abort would stay behind, billed).
#[tokio::test(flavor = "multi_thread")]
async fn a_part_refused_after_its_body_was_sent_goes_again_or_the_upload_is_aborted_last() {
    for part_one_fails in [1, usize::MAX] {
        let (reply, log) = failing_part_server(Duration::from_millis(200), part_one_fails);
        let liar = LyingServer::start(reply).await;
        let here = tempfile::tempdir().unwrap();
        let path = here.path().join("big.bin");
        std::fs::write(&path, common::pattern(80 * MIB)).unwrap();
        let result = pail::testing::s3::upload::upload_file(
            &liar.connection(),
            &pail::model::BucketName::new("inbox").unwrap(),
            &pail::model::ObjectKey::new("big.bin").unwrap(),
            &path,
            &pail::testing::s3::transfer::TransferControl::default(),
        )
        .await;
        let log = log.lock().unwrap().clone();
        let part_one = log.iter().filter(|l| l.contains("partNumber=1&")).count();
        if part_one_fails == 1 {
            assert!(result.is_ok(), "{result:?} {log:#?}");
            assert_eq!(part_one, 2, "{log:#?}");
        } else {
            assert!(result.is_err(), "{log:#?}");
            let abort = log
                .iter()
                .position(|l| l.starts_with("DELETE"))
                .unwrap_or_else(|| panic!("aborted: {log:#?}"));
            assert_eq!(abort, log.len() - 1, "nothing after the abort: {log:#?}");
        }
    }
}

/// A file that grows or shrinks while its pipelined multipart upload runs, 20 ms away: the
/// upload fails saying the file changed, is aborted, and no object appears.
#[tokio::test(flavor = "multi_thread")]
async fn a_file_that_grows_or_shrinks_during_its_pipelined_upload_is_refused_and_aborted() {
    for grows in [true, false] {
        let server = common::server_with_bucket(BUCKET);
        let proxy = common::proxy::Proxy::start(server.addr()).await;
        proxy.set_latency(Duration::from_millis(20));
        proxy.set_rates(30_000_000, 0);
        let here = tempfile::tempdir().unwrap();
        let path = here.path().join("log.bin");
        std::fs::write(&path, common::pattern(60 * MIB)).unwrap();
        let connection = pail::s3::connection::Connection::with_static_credentials(
            server.credentials(),
            "us-east-1",
            pail::model::Endpoint::custom(&proxy.endpoint_url()).unwrap(),
            true,
        );
        let upload = {
            let path = path.clone();
            tokio::spawn(async move {
                pail::testing::s3::upload::upload_file(
                    &connection,
                    &pail::model::BucketName::new(BUCKET).unwrap(),
                    &pail::model::ObjectKey::new("log.bin").unwrap(),
                    &path,
                    &pail::testing::s3::transfer::TransferControl::default(),
                )
                .await
            })
        };
        tokio::time::sleep(Duration::from_millis(1000)).await;
        let file = std::fs::File::options().append(true).open(&path).unwrap();
        if grows {
            std::io::Write::write_all(&mut &file, b"one more line\n").unwrap();
        } else {
            file.set_len(30 * MIB as u64).unwrap();
        }
        let result = tokio::time::timeout(Duration::from_secs(30), upload)
            .await
            .expect("the upload ends")
            .unwrap();
        let said = format!("{:?}", result.as_ref().err());
        assert!(
            said.contains("changed") || said.contains("shorter"),
            "grows {grows}: {said}"
        );
        assert!(
            common::get_object(&server, BUCKET, "log.bin")
                .await
                .is_none()
        );
        assert!(
            common::pending_multipart_uploads(server.root()).is_empty(),
            "grows {grows}"
        );
    }
}

/// `pail cp` uploads sized at the edges of its parts (one byte over the single-request limit,
/// a whole number of parts, one byte more), pipelined 20 ms away: each arrives whole.
#[tokio::test(flavor = "multi_thread")]
async fn uploads_sized_at_part_edges_arrive_whole() {
    let server = common::server_with_bucket(BUCKET);
    let proxy = common::proxy::Proxy::start(server.addr()).await;
    proxy.set_latency(Duration::from_millis(20));
    proxy.set_window(16 * MIB as u64);
    let here = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    for size in [16 * MIB, 16 * MIB + 1, 72 * MIB, 72 * MIB + 1] {
        let data = common::pattern(size);
        let key = format!("edge-{size}.bin");
        let path = here.path().join(&key);
        std::fs::write(&path, &data).unwrap();
        let child = spawn_pail_cp(
            home.path(),
            &proxy.endpoint_url(),
            &[path.to_str().unwrap(), &format!("s3://{BUCKET}/{key}")],
        );
        let output = tokio::task::block_in_place(|| child.wait_with_output().unwrap());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{size}: {stderr}");
        let got = common::get_object(&server, BUCKET, &key).await;
        assert!(got.as_ref() == Some(&data), "{size}: the bytes differ");
        common::delete_object(&server, BUCKET, &key).await;
        std::fs::remove_file(&path).unwrap();
    }
    assert!(common::pending_multipart_uploads(server.root()).is_empty());
}

/// A ranged download with staggered first ranges (more ranges than go at once), throttled by
/// a server taking three GETs at a time: the throttled ranges go again and every byte arrives
/// where it belongs.
#[tokio::test(flavor = "multi_thread")]
async fn a_staggered_download_throttled_arrives_whole() {
    use common::throttling::{Rule, ThrottlingServer};
    let server = common::server_with_bucket(BUCKET);
    let data = common::pattern(72 * MIB + 1);
    common::put_object(&server, BUCKET, "film.mov", &data).await;
    let keys = (common::ACCESS_KEY, common::SECRET_KEY);
    let busy = ThrottlingServer::start(&server, keys, &["GET"], Rule::Beyond(3)).await;
    busy.hold(Duration::from_millis(20));
    let target = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let child = spawn_pail_cp(
        home.path(),
        &busy.endpoint_url(),
        &[
            &format!("s3://{BUCKET}/film.mov"),
            target.path().to_str().unwrap(),
        ],
    );
    let output = tokio::task::block_in_place(|| child.wait_with_output().unwrap());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(busy.throttled() > 0, "the server asked to slow down");
    let got = std::fs::read(target.path().join("film.mov")).unwrap();
    assert!(got == data, "the bytes differ");
}

/// The local server's own GET body for awkward names (and names with dots that are no `.` or
/// `..` segment): each key's own bytes, whole and in ranges, the ranges at the file's edges
/// (open end, an end past the file, a short suffix, a last byte).
#[tokio::test(flavor = "multi_thread")]
async fn gets_of_awkward_keys_answer_each_keys_own_bytes_in_any_range() {
    let server = common::server_with_bucket(BUCKET);
    let mut keys: Vec<String> = common::AWKWARD_KEYS.iter().map(|k| k.to_string()).collect();
    keys.extend(["a..b.txt", "...", "dir/.hidden", "dir/..dots", "x/y."].map(String::from));
    for (i, key) in keys.iter().enumerate() {
        let body: Vec<u8> = (0..1000 + i).map(|n| (n * 7 + i) as u8).collect();
        common::put_object(&server, BUCKET, key, &body).await;
    }
    let client = server.connection().client().clone();
    for (i, key) in keys.iter().enumerate() {
        let body: Vec<u8> = (0..1000 + i).map(|n| (n * 7 + i) as u8).collect();
        let len = body.len();
        for (range, want) in [
            (None, &body[..]),
            (Some("bytes=0-".to_owned()), &body[..]),
            (Some("bytes=10-99999".to_owned()), &body[10..]),
            (Some("bytes=-3".to_owned()), &body[len - 3..]),
            (
                Some(format!("bytes={}-{}", len - 1, len - 1)),
                &body[len - 1..],
            ),
        ] {
            let answer = client
                .get_object()
                .bucket(BUCKET)
                .key(key)
                .set_range(range.clone())
                .send()
                .await
                .unwrap_or_else(|e| panic!("{key} {range:?}: {e:?}"));
            let got = answer.body.collect().await.unwrap().into_bytes();
            assert!(&got[..] == want, "{key} {range:?}: other bytes");
        }
        for range in ["bytes=5-4", "bytes=-0", &format!("bytes={len}-")] {
            let answer = client
                .get_object()
                .bucket(BUCKET)
                .key(key)
                .range(range)
                .send()
                .await;
            assert!(answer.is_err(), "{key} {range}: answered");
        }
    }
}

/// `Range: bytes=-N` with N beyond the object's size: S3 answers the whole object; the local
/// server answers `500 InternalError`. s3s-fs 0.14.1 clamps the suffix for its headers but
/// seeks the file with the unclamped one (before the start). Not from this round's change (the
/// local server's own body is chosen after s3s-fs has answered), and Pail never asks for a
/// suffix; a fix in `demo/store.rs` would rewrite the range from a file length that can be out
/// of date by the time s3s-fs opens the file.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "s3s-fs 0.14.1 seeks before the file's start for a suffix longer than the file (500); pre-existing, Pail sends no suffix ranges"]
async fn a_suffix_range_longer_than_the_object_answers_the_whole_object() {
    let server = common::server_with_bucket(BUCKET);
    common::put_object(&server, BUCKET, "short.txt", b"just a few bytes").await;
    let answer = server
        .connection()
        .client()
        .get_object()
        .bucket(BUCKET)
        .key("short.txt")
        .range("bytes=-99999")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e:?}"));
    let got = answer.body.collect().await.unwrap().into_bytes();
    assert_eq!(&got[..], b"just a few bytes");
}
