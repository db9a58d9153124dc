//! Attacks on the second round of issue 25's transfer changes ("Far links"): `pail cp`'s one
//! HEAD handed to the download, the pipelined multipart upload, the staggered first ranges, and
//! the local server's own GET body.

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
