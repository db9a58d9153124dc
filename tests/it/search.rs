//! Search the whole bucket (issue 26, part 1): `pail find` as a process against the real local
//! server, the scan against servers that lie, and the window's search row driven through
//! egui_kittest — results as a flat folder, Stop, Back to the folder, and actions on results.

use crate::common;

use common::cli::pail_for;
use common::hostile::{Answer, HostileServer, listing_page};
use common::ui::wait_for;
use common::{put_object, server_with_bucket};
use egui_kittest::kittest::Queryable;
use pail::model::{BucketName, Endpoint};
use pail::s3::connection::Connection;
use pail::testing::app::ListingState;
use pail::testing::s3::search::{search_root, search_tree};
use pail::testing::search::{PatternKind, SearchQuery};

const BUCKET: &str = "findme";

async fn stocked() -> pail::testing::demo::server::LocalServer {
    let server = server_with_bucket(BUCKET);
    for (key, len) in [
        ("docs/2026/q3/report.pdf", 3000),
        ("docs/2026/notes.txt", 10),
        ("docs/readme.PDF", 500),
        ("docs/a\nb.pdf", 1),
        ("docs/$(touch x).pdf", 2),
        ("docs/sub/", 0),
        ("other/x.pdf", 5),
        ("docsx/y.pdf", 5),
    ] {
        put_object(&server, BUCKET, key, &vec![7u8; len]).await;
    }
    server
}

fn lines(output: &std::process::Output) -> Vec<String> {
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn find_prints_each_matching_key_once_escaped_and_only_below_the_folder() {
    let server = stocked().await;
    let home = tempfile::tempdir().unwrap();
    let find = |args: &[&str]| {
        let mut all = vec!["find", "s3://findme/docs/"];
        all.extend(args);
        pail_for(&server, home.path(), &all)
    };
    let output = find(&["--path", "**/*.pdf"]);
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        lines(&output),
        [
            "docs/$(touch x).pdf",
            "docs/2026/q3/report.pdf",
            "docs/a\\nb.pdf",
            "docs/readme.PDF"
        ]
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    // s3s-fs keeps a folder marker as a folder, not a key: 5 keys below docs/.
    assert!(
        stderr.contains("4 matches among 5 keys scanned"),
        "{stderr}"
    );
    // * stays within its segment: only the folder's own files.
    assert_eq!(
        lines(&find(&["--path", "*.pdf", "--case-sensitive"])),
        ["docs/$(touch x).pdf", "docs/a\\nb.pdf"]
    );
    // --name looks at the last segment, as find -name does.
    assert_eq!(
        lines(&find(&["--name", "*.pdf", "--case-sensitive"])),
        [
            "docs/$(touch x).pdf",
            "docs/2026/q3/report.pdf",
            "docs/a\\nb.pdf"
        ]
    );
    assert_eq!(
        lines(&find(&["--regex", "^2026/"])),
        ["docs/2026/notes.txt", "docs/2026/q3/report.pdf"]
    );
    assert_eq!(
        lines(&find(&["--min-size", "400", "--max-size", "1K"])),
        ["docs/readme.PDF"]
    );
    assert_eq!(lines(&find(&["--newer-than", "2999-01-01"])).len(), 0);
    assert_eq!(lines(&find(&["--older-than", "2999-01-01"])).len(), 5);
    // A folder named without its slash is that folder, not `docsx/`.
    let output = pail_for(
        &server,
        home.path(),
        &["find", "s3://findme/docs", "--contains", "y"],
    );
    assert!(lines(&output).is_empty(), "{:?}", lines(&output));
}

#[tokio::test(flavor = "multi_thread")]
async fn find_refuses_a_bad_pattern_or_bound_before_asking_anything() {
    let home = tempfile::tempdir().unwrap();
    // No server at all: the pattern is read first.
    for (args, needle) in [
        (vec!["--regex", "("], "not a regular expression"),
        (vec!["--path", "a["], "not a glob"),
        (vec!["--min-size", "lots"], "not a size"),
        (vec!["--newer-than", "yesterday"], "not a date"),
        (vec!["--name", "a", "--regex", "b"], "cannot be used with"),
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
        assert!(!output.status.success(), "{all:?}");
        assert!(stderr.contains(needle), "{all:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

fn hostile_connection(server: &HostileServer) -> Connection {
    Connection::with_static_credentials(
        aws_credential_types::Credentials::new("AK", "SK", None, None, "test"),
        "us-east-1",
        Endpoint::custom(&server.endpoint_url()).unwrap(),
        true,
    )
}

/// A server that answers a search of `docs/` with keys from elsewhere, or with a web page,
/// fails the search: never "no matches", never a match outside the folder.
#[tokio::test(flavor = "multi_thread")]
async fn a_search_of_a_lying_server_fails_instead_of_finding_nothing() {
    let query = SearchQuery::new(PatternKind::Contains, "secret", false).unwrap();
    let bucket = BucketName::new("bucket").unwrap();
    for answer in [
        Answer::Xml(
            200,
            listing_page("docs/", &["private/secret.txt"], false, None),
        ),
        Answer::Body {
            status: 200,
            content_type: "text/html",
            body: b"<html><body>Welcome to the hotel wifi</body></html>".to_vec(),
        },
        Answer::Body {
            status: 200,
            content_type: "application/xml",
            body: Vec::new(),
        },
    ] {
        let answer = std::sync::Arc::new(std::sync::Mutex::new(Some(answer)));
        let server = HostileServer::start(move |_| {
            answer
                .lock()
                .unwrap()
                .take()
                .unwrap_or(Answer::Xml(500, String::new()))
        })
        .await;
        let mut found = Vec::new();
        let result = search_tree(
            &hostile_connection(&server),
            &bucket,
            &search_root("docs"),
            &query,
            |page| {
                found.extend(page.matches);
                true
            },
        )
        .await;
        assert!(result.is_err(), "believed: {found:?}");
        assert!(found.is_empty(), "{found:?}");
    }
}

// ---------------------------------------------------------------------------------------
// The window.

fn demo() -> pail::testing::demo::server::LocalServer {
    use pail::testing::demo::{DEMO_ACCESS_KEY, DEMO_SECRET_KEY, seed};
    let server =
        pail::testing::demo::server::LocalServer::start_temporary(DEMO_ACCESS_KEY, DEMO_SECRET_KEY)
            .unwrap();
    seed(server.root()).unwrap();
    server
}

fn search_done(app: &pail::testing::app::PailApp) -> bool {
    app.state().explorer.search().is_some()
        && *app.state().explorer.listing_state() == ListingState::Done
}

#[test]
fn the_search_row_finds_keys_below_the_folder_as_a_flat_list_and_goes_back() {
    let server = demo();
    let mut harness = common::ui::demo_harness(&server);
    common::ui::open_demo_bucket(&mut harness);
    common::ui::click(&mut harness, "Search below this folder");
    harness
        .get_by_label("Search below this folder")
        .type_text("results.pdf");
    harness.run_steps(2);
    common::ui::click(&mut harness, "Search");
    wait_for(&mut harness, "the search's end", search_done);
    // Full paths below the folder searched, nothing else.
    harness.get_by_label("reports/2026/q3 results.pdf");
    assert!(harness.query_by_label("README.txt").is_none());
    let search = harness.state().state().explorer.search().unwrap().clone();
    assert!(
        search.matches >= 4 && search.scanned > search.matches,
        "{search:?}"
    );
    // The strip: keys scanned with their rate, and the matches.
    let counted = format!("a second), {} matches", search.matches);
    harness.get_by_label_contains("keys scanned (");
    harness.get_by_label_contains(&counted);
    harness
        .query_by_label_contains("Every key was looked at")
        .unwrap();
    // A glob that crosses folders, from a folder down.
    harness.get_by_label("Back to the folder").click();
    wait_for(&mut harness, "the folder's own rows", |app| {
        app.state().explorer.search().is_none()
            && *app.state().explorer.listing_state() == ListingState::Done
    });
    harness.get_by_label("README.txt");
}

/// From a folder down, by glob across folders: the results are paths below the folder, and a
/// download of two of them keeps those paths; a pattern that cannot be read is said, not run.
#[test]
fn results_are_downloaded_with_their_paths_below_the_folder_searched() {
    use pail::testing::app::picker::FixedPicker;
    let server = demo();
    let downloads = tempfile::tempdir().unwrap();
    let picker = FixedPicker {
        folder: Some(downloads.path().to_owned()),
        ..FixedPicker::default()
    };
    let mut harness = common::ui::demo_harness_with_picker(&server, picker);
    common::ui::open_demo_bucket(&mut harness);
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
        .kind = PatternKind::Regex;
    common::ui::click(&mut harness, "Search below this folder");
    harness
        .get_by_label("Search below this folder")
        .type_text("q1 (");
    harness.run_steps(2);
    common::ui::click(&mut harness, "Search");
    assert!(harness.state().state().explorer.search().is_none());
    harness
        .query_by_label_contains("not a regular expression")
        .unwrap();

    let form = harness.state_mut().state_mut().explorer.search_form_mut();
    form.kind = PatternKind::Glob;
    form.text = "**/q1*".into();
    common::ui::click(&mut harness, "Search");
    wait_for(&mut harness, "the search's end", search_done);
    for year in ["2024", "2025", "2026"] {
        harness.get_by_label(&format!("{year}/q1 results.pdf"));
    }
    assert_eq!(
        harness.state().state().explorer.search().unwrap().matches,
        3
    );
    harness.get_by_label("2024/q1 results.pdf").click();
    harness.step();
    harness
        .get_by_label("2026/q1 results.pdf")
        .click_modifiers(egui::Modifiers::COMMAND);
    harness.step();
    common::ui::click(&mut harness, "Download");
    wait_for(&mut harness, "the downloads", |app| {
        app.state().transfers.rows().len() == 2 && app.state().active_transfers() == 0
    });
    for year in ["2024", "2026"] {
        let got = std::fs::read(downloads.path().join(year).join("q1 results.pdf")).unwrap();
        assert!(got.starts_with(b"%PDF"), "{year}");
    }
    assert!(!downloads.path().join("2025").exists());
}

/// The second pane searches its bucket as the explorer does, and its results copied into the
/// explorer's folder keep their paths below the folder searched.
#[test]
fn the_second_pane_searches_and_its_results_copy_across_with_their_paths() {
    let server = demo();
    let mut harness = common::ui::demo_harness(&server);
    wait_for(&mut harness, "the buckets", |app| {
        matches!(
            app.state().explorer.buckets(),
            pail::testing::app::Loadable::Ready(_)
        )
    });
    harness.get_by_label("backups").click();
    wait_for(&mut harness, "backups", |app| {
        *app.state().explorer.listing_state() == ListingState::Done
    });
    crate::ui_two_panes::right_pane_on(&mut harness, "Demo", "pail-demo");
    common::ui::click(&mut harness, "Pane search below this folder");
    harness
        .get_by_label("Pane search below this folder")
        .type_text("q2 results");
    harness.run_steps(2);
    common::ui::click(&mut harness, "Pane search");
    wait_for(&mut harness, "the pane's search", |app| {
        app.state()
            .second_pane
            .as_ref()
            .is_some_and(|p| p.search().is_some() && *p.listing_state() == ListingState::Done)
    });
    // The explorer's rows are its own: the search is the pane's.
    assert!(harness.state().state().explorer.search().is_none());
    let pane = harness.state().state().second_pane.as_ref().unwrap();
    assert_eq!(pane.search().unwrap().matches, 3);
    harness.get_by_label("reports/2025/q2 results.pdf").click();
    harness.run_steps(2);
    common::ui::click(&mut harness, "Copy (F5)");
    wait_for(&mut harness, "the copy", |app| {
        app.state().transfers.rows().len() == 1 && app.state().active_transfers() == 0
    });
    let copied = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(common::get_object(
            &server,
            "backups",
            "reports/2025/q2 results.pdf",
        ));
    assert!(copied.is_some_and(|b| b.starts_with(b"%PDF")));
}

/// Web URL on two results: each link is signed for the result's full key and serves it.
#[test]
fn web_url_on_results_signs_each_full_key() {
    let server = demo();
    let mut harness = common::ui::demo_harness(&server);
    common::ui::open_demo_bucket(&mut harness);
    harness
        .state_mut()
        .state_mut()
        .explorer
        .search_form_mut()
        .text = "q4 results".into();
    common::ui::click(&mut harness, "Search");
    wait_for(&mut harness, "the search's end", search_done);
    harness.get_by_label("reports/2024/q4 results.pdf").click();
    harness.step();
    harness
        .get_by_label("reports/2026/q4 results.pdf")
        .click_modifiers(egui::Modifiers::COMMAND);
    harness.step();
    common::ui::click(&mut harness, "Web URL");
    wait_for(&mut harness, "the dialog", |app| {
        app.state().web_url().is_some()
    });
    common::ui::click(&mut harness, "Generate");
    wait_for(&mut harness, "the links", |app| {
        app.state()
            .web_url()
            .is_some_and(|d| d.generating().is_none() && d.links().len() == 2)
    });
    let urls: Vec<String> = harness
        .state()
        .state()
        .web_url()
        .unwrap()
        .links()
        .iter()
        .map(|l| l.url.clone())
        .collect();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    for (url, year) in urls.iter().zip(["2024", "2026"]) {
        assert!(
            url.contains(&format!("/pail-demo/reports/{year}/q4%20results.pdf?")),
            "{url}"
        );
        let body = runtime.block_on(async {
            pail::share::link_test::install_crypto_provider();
            reqwest::get(url).await.unwrap().bytes().await.unwrap()
        });
        assert!(body.starts_with(b"%PDF"), "{url}");
    }
}
