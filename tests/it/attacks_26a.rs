//! Attacks on "search the whole bucket" (issue 26, part 1): `pail find` piped into a reader
//! that goes away, bounds nothing can meet, `--name` given a path, every lie a listing server
//! tells during a search, patterns built to be slow or huge, and the window's results when a
//! transfer into the folder searched ends.

use std::sync::Arc;
use std::time::Duration;

use crate::common;

use common::hostile::{Answer, HostileServer, Lie, listing_page, query_param};
use common::ui::wait_for;
use pail::model::{BucketName, Endpoint};
use pail::s3::connection::Connection;
use pail::testing::app::{ListingState, Loadable};
use pail::testing::s3::search::{search_root, search_tree};
use pail::testing::search::{PatternKind, SearchQuery};

fn hostile_connection(server: &HostileServer) -> Connection {
    Connection::with_static_credentials(
        aws_credential_types::Credentials::new("AK", "SK", None, None, "test"),
        "us-east-1",
        Endpoint::custom(&server.endpoint_url()).unwrap(),
        true,
    )
}

/// Ten pages of `docs/`, one key each, each answered after a pause: a scan that takes a while.
async fn slow_pages() -> HostileServer {
    HostileServer::start(|line| {
        let page: usize = query_param(line, "continuation-token")
            .and_then(|t| t.strip_prefix('t').and_then(|n| n.parse().ok()))
            .unwrap_or(0);
        let key = format!("docs/k{page:03}.txt");
        let next = format!("t{}", page + 1);
        let last = page + 1 >= 10;
        let xml = listing_page("docs/", &[&key], !last, (!last).then_some(next.as_str()));
        Answer::Slow {
            head_after: Duration::from_millis(300),
            pieces: 1,
            between: Duration::ZERO,
            answer: Box::new(Answer::Xml(200, xml)),
        }
    })
    .await
}

/// `pail find … | head -1`: once the reader has gone, the scan stops asking for pages (a
/// million-key bucket is not listed to the end for nobody), and nothing panics.
#[tokio::test(flavor = "multi_thread")]
async fn find_piped_into_head_stops_asking_for_pages() {
    use std::io::BufRead;
    let server = slow_pages().await;
    let home = tempfile::tempdir().unwrap();
    let endpoint = server.endpoint_url();
    let mut child = common::cli::pail(home.path())
        .env("AWS_ACCESS_KEY_ID", "AK")
        .env("AWS_SECRET_ACCESS_KEY", "SK")
        .args([
            "find",
            "s3://bucket/docs/",
            "--endpoint-url",
            &endpoint,
            "--path-style",
            "--region",
            "us-east-1",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert_eq!(first, "docs/k000.txt\n");
    // `head -1` exits: the pipe's reading end is closed.
    let output = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let listed = server
        .requests()
        .iter()
        .filter(|l| l.contains("list-type=2"))
        .count();
    assert!(
        listed <= 3,
        "{listed} pages asked for after the reader went away; {stderr}"
    );
}

/// Bounds no object can meet (`--min-size` above `--max-size`, `--newer-than` at or after
/// `--older-than`) and a `--name` holding a `/` (the last segment never has one) would scan a
/// whole bucket to say "0 matches": refused before anything is asked, saying why.
#[tokio::test(flavor = "multi_thread")]
async fn find_refuses_bounds_nothing_meets_and_a_name_that_never_matches() {
    let home = tempfile::tempdir().unwrap();
    for (args, needle) in [
        (vec!["--min-size", "10M", "--max-size", "1K"], "--min-size"),
        (
            vec!["--newer-than", "2026-03-01", "--older-than", "2026-01-01"],
            "--newer-than",
        ),
        (
            vec!["--newer-than", "2026-03-01", "--older-than", "2026-03-01"],
            "--newer-than",
        ),
        (vec!["--name", "2026/*.pdf"], "--path"),
    ] {
        let mut all = vec![
            "find",
            "s3://findme/",
            "--endpoint-url",
            "http://127.0.0.1:9",
        ];
        all.extend(args);
        let output = common::cli::pail(home.path()).args(&all).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{all:?}: {stderr}");
        assert!(stderr.contains(needle), "{all:?}: {stderr}");
        assert!(!stderr.contains("connect"), "asked the server: {stderr}");
    }
}

/// The window's search row reads its bounds through the same check (`SearchForm::query`).
#[test]
fn a_query_with_bounds_nothing_meets_says_so() {
    let query = |min: Option<u64>, max: Option<u64>, newer: Option<i64>, older: Option<i64>| {
        let mut q = SearchQuery::new(PatternKind::Contains, "", false).unwrap();
        q.min_size = min;
        q.max_size = max;
        q.newer_than = newer;
        q.older_than = older;
        q.check_bounds()
    };
    let problem = query(Some(2), Some(1), None, None).unwrap_err().to_string();
    assert!(problem.contains("At least"), "{problem}");
    assert!(query(None, None, Some(10), Some(5)).is_err());
    assert!(query(None, None, Some(10), Some(10)).is_err());
    assert!(query(Some(1), Some(1), Some(10), Some(11)).is_ok());
    assert!(query(None, Some(0), None, Some(0)).is_ok());
}
