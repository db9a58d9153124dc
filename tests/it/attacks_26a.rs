//! Attacks on "search the whole bucket" (issue 26, part 1): `pail find` piped into a reader
//! that goes away, bounds nothing can meet, `--name` given a path, every lie a listing server
//! tells during a search, patterns built to be slow or huge, and the window's results when a
//! transfer into the folder searched ends.

use std::sync::Arc;
use std::time::Duration;

use crate::common;

use common::hostile::{Answer, HostileServer, Lie, listing_page, query_param};
use common::ui::wait_for;
use egui_kittest::kittest::Queryable;
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

/// Every lie a listing server tells, told during a search: the search fails saying so, never
/// "no matches"; names with control characters are found as they are (held).
#[tokio::test(flavor = "multi_thread")]
async fn every_lie_during_a_search_fails_it_or_is_found_as_it_is() {
    let query = SearchQuery::new(PatternKind::Contains, "", false).unwrap();
    let bucket = BucketName::new("bucket").unwrap();
    for lie in Lie::ALL {
        let server = HostileServer::lying(lie).await;
        let mut found = Vec::new();
        let result = tokio::time::timeout(
            Duration::from_secs(60),
            search_tree(
                &hostile_connection(&server),
                &bucket,
                &search_root("docs"),
                &query,
                |page| {
                    found.extend(page.matches.into_iter().map(|m| m.name));
                    true
                },
            ),
        )
        .await
        .unwrap_or_else(|_| panic!("{lie:?}: the search never ended"));
        match lie {
            Lie::ControlCharacters => {
                assert!(result.is_ok(), "{lie:?}: {result:?}");
                assert_eq!(found, [Box::from(Lie::CONTROL_NAME)]);
            }
            _ => {
                assert!(result.is_err(), "{lie:?} believed: {found:?}");
                assert!(found.is_empty(), "{lie:?}: {found:?}");
            }
        }
    }
}

/// Patterns built to be slow or huge: the regex crate's linear time holds, a huge one is
/// refused as too large, globs with alternatives, negated classes and escapes read as
/// globset reads them (held).
#[test]
fn patterns_built_to_be_slow_or_huge_are_answered_quickly() {
    let started = std::time::Instant::now();
    let evil = SearchQuery::new(PatternKind::Regex, "(a+)+$", false).unwrap();
    let long = format!("{}!", "a".repeat(1024));
    assert!(!evil.matches(&long, 1, 0));
    let evil = SearchQuery::new(PatternKind::Regex, "(a|aa)*c", false).unwrap();
    assert!(!evil.matches(&long, 1, 0));
    assert!(started.elapsed() < Duration::from_secs(2));
    let huge = SearchQuery::new(PatternKind::Regex, r"\w{500}\w{500}\w{500}", false);
    assert!(huge.unwrap_err().to_string().contains("too large"));
    let glob = |text: &str| SearchQuery::new(PatternKind::Glob, text, true).unwrap();
    assert!(glob("*.{pdf,csv}").matches("a.csv", 1, 0));
    assert!(!glob("*.{pdf,csv}").matches("d/a.csv", 1, 0));
    assert!(glob("[!x]*").matches("ya", 1, 0));
    assert!(!glob("[!x]*").matches("xa", 1, 0));
    assert!(glob(r"a\*b").matches("a*b", 1, 0));
    assert!(!glob(r"a\*b").matches("axb", 1, 0));
    assert!(SearchQuery::new(PatternKind::Glob, "{a,b", false).is_err());
}

fn demo() -> pail::testing::demo::server::LocalServer {
    use pail::testing::demo::{DEMO_ACCESS_KEY, DEMO_SECRET_KEY, seed};
    let server =
        pail::testing::demo::server::LocalServer::start_temporary(DEMO_ACCESS_KEY, DEMO_SECRET_KEY)
            .unwrap();
    seed(server.root()).unwrap();
    server
}

/// A file dropped from the desktop.
#[derive(Debug)]
struct DesktopFile(std::path::PathBuf);

impl egui::DroppedFile for DesktopFile {
    fn path(&self) -> &std::path::Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

/// The person looks at a search's results when an upload into the folder searched ends: the
/// results stay (the folder's listing does not silently take their place and end the search).
#[test]
fn an_upload_ending_in_the_folder_searched_leaves_the_results() {
    let server = demo();
    let mut harness = common::ui::demo_harness(&server);
    wait_for(&mut harness, "the buckets", |app| {
        matches!(app.state().explorer.buckets(), Loadable::Ready(_))
    });
    harness.get_by_label("pail-demo").click();
    wait_for(&mut harness, "the bucket's top", |app| {
        *app.state().explorer.listing_state() == ListingState::Done
    });
    // A small folder: searched again after the upload, it must not take the demo's 10,000
    // keys (s3s-fs reads a whole tree for every page) on a machine busy with the whole suite.
    harness.get_by_label("reports/").click();
    harness.step();
    harness.key_press(egui::Key::Enter);
    wait_for(&mut harness, "reports/", |app| {
        app.state()
            .explorer
            .location()
            .is_some_and(|l| l.prefix == "reports/")
            && *app.state().explorer.listing_state() == ListingState::Done
    });
    harness
        .state_mut()
        .state_mut()
        .explorer
        .search_form_mut()
        .text = "results.pdf".into();
    common::ui::click(&mut harness, "Search");
    wait_for(&mut harness, "the search's end", |app| {
        app.state().explorer.search().is_some()
            && *app.state().explorer.listing_state() == ListingState::Done
    });
    let matches = harness.state().state().explorer.search().unwrap().matches;
    assert!(matches >= 4);
    let desktop = tempfile::tempdir().unwrap();
    let file = desktop.path().join("late.txt");
    std::fs::write(&file, b"late").unwrap();
    harness
        .input_mut()
        .dropped_files
        .push(Arc::new(DesktopFile(file)));
    wait_for(&mut harness, "the upload", |app| {
        app.state().transfers.rows().len() == 1 && app.state().active_transfers() == 0
    });
    wait_for(&mut harness, "the folder searched again", |app| {
        *app.state().explorer.listing_state() == ListingState::Done
    });
    let explorer = &harness.state().state().explorer;
    assert!(
        explorer.search().is_some(),
        "the results gave way to the folder's listing"
    );
    assert_eq!(explorer.listing().view_len() as u64, matches);
}
