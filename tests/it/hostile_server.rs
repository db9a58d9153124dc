//! A server that misbehaves — a continuation token handed out twice, sizes near the top of
//! the range, a folder name without its `/`, an endless error document, `start-after`
//! ignored — must not make Pail loop, panic, read without end, or list a key twice. A server
//! that lies — an HTML page, an empty body, a truncated page without a token, keys outside the
//! prefix, names with control characters, an endless page, a huge Content-Length — is not
//! believed: the folder view, `pail ls` and a folder delete end in an error naming the page,
//! never in a short or empty listing, and a delete sends nothing.

use crate::common;

use std::time::Duration;

use common::hostile::{Answer, HostileServer, Lie};
use pail::model::BucketName;
use pail::model::Endpoint;
use pail::s3::connection::Connection;

const LOOPING_PAGE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult><Name>bucket</Name><Prefix></Prefix><KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys>
<IsTruncated>true</IsTruncated><NextContinuationToken>same-token</NextContinuationToken>
<Contents><Key>huge.bin</Key><Size>9223372036854775807</Size><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>"e"</ETag></Contents>
<CommonPrefixes><Prefix>日本</Prefix></CommonPrefixes>
</ListBucketResult>"#;

async fn looping_server() -> HostileServer {
    HostileServer::start(|line| {
        if line.contains("link-test") {
            Answer::Endless(403)
        } else if line.contains("delimiter=") {
            Answer::Xml(200, LOOPING_PAGE.to_owned())
        } else {
            // A listing of every key names no folders (S3 sends none without a delimiter).
            let page = LOOPING_PAGE
                .replace(
                    "<CommonPrefixes><Prefix>日本</Prefix></CommonPrefixes>\n",
                    "",
                )
                .replace("<KeyCount>2</KeyCount>", "<KeyCount>1</KeyCount>");
            Answer::Xml(200, page)
        }
    })
    .await
}

fn connection(server: &HostileServer) -> Connection {
    Connection::with_static_credentials(
        aws_credential_types::Credentials::new("AK", "SK", None, None, "test"),
        "us-east-1",
        Endpoint::custom(&server.endpoint_url()).unwrap(),
        true,
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_repeated_continuation_token_stops_the_listing() {
    let server = looping_server().await;
    let connection = connection(&server);
    let bucket = BucketName::new("bucket").unwrap();
    let listed = tokio::time::timeout(
        Duration::from_secs(20),
        pail::testing::s3::list::list_keys_under(&connection, &bucket, ""),
    )
    .await
    .expect("the listing must end");
    let error = listed.unwrap_err().to_string();
    assert!(error.contains("same continuation token"), "{error}");

    let deleted = tokio::time::timeout(
        Duration::from_secs(20),
        pail::testing::s3::objects::delete_prefix(&connection, &bucket, "x/"),
    )
    .await
    .expect("a folder delete must end");
    assert!(deleted.is_err());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_page_with_odd_folders_and_huge_sizes_is_shown_without_panic() {
    let server = looping_server().await;
    let connection = connection(&server);
    let bucket = BucketName::new("bucket").unwrap();
    let page = pail::testing::s3::list::list_folder_page(&connection, &bucket, "", None)
        .await
        .unwrap();
    let mut state =
        pail::testing::app::state::AppState::new(vec![pail::testing::profiles::Profile::fixed(
            "hostile",
            pail::testing::profiles::ProfileSource::Demo,
            aws_credential_types::Credentials::new("AK", "SK", None, None, "test"),
            Endpoint::custom(&server.endpoint_url()).unwrap(),
            "us-east-1",
        )]);
    let commands = state.open_bucket(bucket.clone());
    let Some(pail::testing::worker::Command::ListFolder { id, .. }) = commands.last().cloned()
    else {
        panic!("{commands:?}");
    };
    for _ in 0..3 {
        state.apply(pail::testing::worker::Event::Browse(
            pail::testing::worker::BrowseEvent::FolderPage {
                id,
                page: page.clone(),
                done: false,
            },
        ));
    }
    assert_eq!(
        state.explorer.listing().total_size(),
        u64::MAX,
        "saturates, no overflow"
    );
    // Into the folder whose name lacks its `/`, and back up.
    let folder = state
        .explorer
        .listing()
        .rows()
        .iter()
        .find(|r| r.is_folder)
        .map(|r| r.name.to_string())
        .expect("the odd folder is listed");
    state.open_folder(&folder);
    state.go_up();
    assert_eq!(state.explorer.location().unwrap().prefix, "");
}

#[tokio::test(flavor = "multi_thread")]
async fn test_link_reads_a_bounded_part_of_an_endless_error() {
    let server = looping_server().await;
    let url = format!("{}/bucket/link-test", server.endpoint_url());
    let result = tokio::time::timeout(
        Duration::from_secs(15),
        pail::share::link_test::test_get_link(&url),
    )
    .await
    .expect("Test link must not read for ever");
    let error = result.unwrap_err();
    assert!(
        matches!(
            error,
            pail::share::link_test::LinkTestError::Refused { status: 403, .. }
        ),
        "{error}"
    );
}

/// A page of `k00000`… keys: the page a continuation token `p<n>` names, or the first page for
/// any request without one — a server that ignores `start-after` (and `max-keys`).
fn page_ignoring_start_after(line: &str, pages: usize) -> String {
    let page: usize = line
        .split(['?', '&', ' '])
        .find_map(|param| param.strip_prefix("continuation-token=p"))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>bucket</Name><Prefix>big/</Prefix><Delimiter>/</Delimiter><MaxKeys>1000</MaxKeys>"#,
    );
    let more = page + 1 < pages;
    xml.push_str(&format!("<IsTruncated>{more}</IsTruncated>"));
    if more {
        xml.push_str(&format!(
            "<NextContinuationToken>p{}</NextContinuationToken>",
            page + 1
        ));
    }
    for i in page * 1000..(page + 1) * 1000 {
        xml.push_str(&format!(
            "<Contents><Key>big/k{i:05}</Key><Size>1</Size><LastModified>2026-01-01T00:00:00.000Z</LastModified></Contents>"
        ));
    }
    xml.push_str("</ListBucketResult>");
    xml
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_ignoring_start_after_is_listed_page_after_page_every_key_once() {
    const PAGES: usize = 7;
    let server =
        HostileServer::start(|line| Answer::Xml(200, page_ignoring_start_after(line, PAGES))).await;
    let connection = connection(&server);
    let bucket = BucketName::new("bucket").unwrap();
    for depth in [
        pail::testing::s3::list::Depth::OneLevel,
        pail::testing::s3::list::Depth::Tree,
    ] {
        let mut names = Vec::new();
        let mut dones = Vec::new();
        let listed = tokio::time::timeout(
            Duration::from_secs(30),
            pail::testing::s3::list::list_fanned_after(
                &connection,
                &bucket,
                "big/",
                depth,
                2,
                |page, done| {
                    names.extend(page.objects.into_iter().map(|o| o.name.to_string()));
                    dones.push(done);
                    true
                },
            ),
        )
        .await
        .expect("the listing must end");
        listed.unwrap();
        let expected: Vec<String> = (0..PAGES * 1000).map(|i| format!("k{i:05}")).collect();
        assert_eq!(names, expected, "{depth:?}");
        assert_eq!(dones.iter().filter(|d| **d).count(), 1);
        assert_eq!(dones.last(), Some(&true));
    }
}

/// What the window's folder view gets from `lie` for `photos/` (the worker's own listing
/// call): the error, and whether any page was handed on as the last one.
async fn browse_lie(lie: Lie) -> (Result<(), pail::testing::s3::list::BrowseError>, bool) {
    let server = HostileServer::lying(lie).await;
    let connection = connection(&server);
    let bucket = BucketName::new("bucket").unwrap();
    let mut completed = false;
    let listed = tokio::time::timeout(
        Duration::from_secs(15),
        pail::testing::s3::list::list_folder_fanned(&connection, &bucket, "photos/", |_, done| {
            completed |= done;
            true
        }),
    )
    .await
    .unwrap_or_else(|_| panic!("{lie:?}: the listing must end"));
    (listed, completed)
}

#[tokio::test(flavor = "multi_thread")]
async fn every_lie_in_a_folder_listing_is_an_error_naming_the_page_never_a_short_folder() {
    for lie in [
        Lie::HtmlPage,
        Lie::EmptyBody,
        Lie::TruncatedWithoutToken,
        Lie::KeysOutsidePrefix,
        Lie::HugeContentLength,
    ] {
        let (listed, completed) = browse_lie(lie).await;
        let error = listed
            .expect_err(&format!("{lie:?} must not list"))
            .to_string();
        assert!(!completed, "{lie:?}: a folder was shown as complete");
        assert!(error.contains("s3://bucket/photos/"), "{lie:?}: {error}");
        assert!(error.contains("page 1"), "{lie:?}: {error}");
        let why = match lie {
            Lie::HtmlPage => "HTML page",
            Lie::EmptyBody => "empty",
            Lie::TruncatedWithoutToken => "no continuation token",
            Lie::KeysOutsidePrefix => "outside",
            _ => "MiB",
        };
        assert!(error.contains(why), "{lie:?}: {error}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_endless_listing_page_is_cut_at_a_bound_not_read_for_ever() {
    let started = std::time::Instant::now();
    // Bounded by the server's rate (64 MB/s): a reader without a cap is still reading here.
    let server = HostileServer::lying(Lie::EndlessBody).await;
    let connection = connection(&server);
    let bucket = BucketName::new("bucket").unwrap();
    let listed = tokio::time::timeout(
        Duration::from_secs(8),
        pail::testing::s3::list::list_folder_page(&connection, &bucket, "photos/", None),
    )
    .await
    .expect("an endless page must be refused, not read for ever");
    let error = listed.unwrap_err().to_string();
    assert!(error.contains("MiB"), "{error}");
    assert!(error.contains("s3://bucket/photos/"), "{error}");
    assert!(started.elapsed() < Duration::from_secs(8));
}

#[tokio::test(flavor = "multi_thread")]
async fn names_with_control_characters_are_listed_exactly_when_url_encoded() {
    let server = HostileServer::lying(Lie::ControlCharacters).await;
    let connection = connection(&server);
    let bucket = BucketName::new("bucket").unwrap();
    let page = pail::testing::s3::list::list_folder_page(&connection, &bucket, "photos/", None)
        .await
        .unwrap();
    let names: Vec<&str> = page.objects.iter().map(|o| &*o.name).collect();
    assert_eq!(names, [Lie::CONTROL_NAME]);
    assert!(
        server
            .requests()
            .iter()
            .all(|line| line.contains("encoding-type=url")),
        "{:?}",
        server.requests()
    );

    // The same names sent raw: no XML reader can read them; an error, never an empty folder.
    let raw = HostileServer::start(|line| {
        Lie::ControlCharacters.answer(&line.replace("encoding-type=url", ""))
    })
    .await;
    let raw_connection = self::connection(&raw);
    let error =
        pail::testing::s3::list::list_folder_page(&raw_connection, &bucket, "photos/", None)
            .await
            .unwrap_err()
            .to_string();
    assert!(error.contains("not well-formed XML"), "{error}");
}

/// Page 1 of `photos/` is a good page saying more follow; page 2 is `second`.
fn second_page_lies(second: Lie) -> impl Fn(&str) -> Answer + Send + Sync + 'static {
    move |line: &str| {
        if line.contains("continuation-token=") {
            second.answer(line)
        } else {
            Answer::Xml(
                200,
                common::hostile::listing_page(
                    "photos/",
                    &["photos/a.jpg", "photos/b.jpg"],
                    true,
                    Some("p2"),
                ),
            )
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_proxy_error_on_page_two_fails_a_whole_tree_listing_instead_of_ending_it() {
    for lie in [Lie::HtmlPage, Lie::EmptyBody, Lie::KeysOutsidePrefix] {
        let server = HostileServer::start(second_page_lies(lie)).await;
        let connection = connection(&server);
        let bucket = BucketName::new("bucket").unwrap();
        let listed = pail::testing::s3::list::list_all_keys(&connection, &bucket, "photos/").await;
        let error = listed
            .expect_err(&format!("{lie:?}: two keys are not the whole folder"))
            .to_string();
        assert!(error.contains("page 2"), "{lie:?}: {error}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_folder_delete_sends_nothing_when_the_server_lists_keys_outside_the_folder() {
    for server in [
        HostileServer::lying(Lie::KeysOutsidePrefix).await,
        HostileServer::start(second_page_lies(Lie::KeysOutsidePrefix)).await,
        HostileServer::lying(Lie::HtmlPage).await,
    ] {
        let connection = connection(&server);
        let bucket = BucketName::new("bucket").unwrap();
        let deleted =
            pail::testing::s3::objects::delete_prefix(&connection, &bucket, "photos/").await;
        assert!(deleted.is_err(), "{deleted:?}");
        let sent = server.requests();
        assert!(
            sent.iter().all(|line| line.starts_with("GET ")),
            "a delete was sent: {sent:?}"
        );
    }
}

/// `pail` with fixed keys and the hostile server's endpoint, in a clean environment.
fn pail_ls(server: &HostileServer, args: &[&str]) -> std::process::Output {
    let home = tempfile::tempdir().unwrap();
    let endpoint = server.endpoint_url();
    std::process::Command::new(env!("CARGO_BIN_EXE_pail"))
        .env_clear()
        .env("HOME", home.path())
        .env("AWS_CONFIG_FILE", home.path().join("aws-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            home.path().join("aws-credentials"),
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("PAIL_CONFIG_DIR", home.path().join("pail-config"))
        .env("AWS_ACCESS_KEY_ID", "AK")
        .env("AWS_SECRET_ACCESS_KEY", "SK")
        .arg("ls")
        .args(args)
        .args(["--endpoint-url", &endpoint, "--path-style"])
        .output()
        .expect("pail runs")
}

#[tokio::test(flavor = "multi_thread")]
async fn pail_ls_fails_on_every_lie_and_names_the_page() {
    for lie in [
        Lie::HtmlPage,
        Lie::EmptyBody,
        Lie::TruncatedWithoutToken,
        Lie::KeysOutsidePrefix,
        Lie::HugeContentLength,
    ] {
        let server = HostileServer::lying(lie).await;
        for args in [
            &["s3://bucket/photos/"][..],
            &["s3://bucket/photos/", "--recursive"],
        ] {
            let output = pail_ls(&server, args);
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(!output.status.success(), "{lie:?} {args:?}: exit 0");
            assert!(stderr.contains("page 1"), "{lie:?} {args:?}: {stderr}");
            assert!(
                !String::from_utf8_lossy(&output.stdout).contains("outside"),
                "{lie:?} {args:?}"
            );
        }
    }
    let server = HostileServer::start(second_page_lies(Lie::HtmlPage)).await;
    let output = pail_ls(&server, &["s3://bucket/photos/", "--recursive"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success(),
        "a listing cut at page 2 is not complete"
    );
    assert!(stderr.contains("page 2"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn pail_ls_lists_a_name_with_control_characters_without_sending_them_to_the_terminal() {
    let server = HostileServer::lying(Lie::ControlCharacters).await;
    for args in [
        &["s3://bucket/photos/"][..],
        &["s3://bucket/photos/", "--recursive"],
    ] {
        let output = pail_ls(&server, args);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(stdout.lines().count(), 1, "{args:?}: {stdout:?}");
        assert!(stdout.contains("forged row"), "{args:?}: {stdout:?}");
        assert!(
            !stdout.contains(['\u{1b}', '\u{7}', '\u{1}']),
            "{args:?}: {stdout:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_slow_but_moving_listing_page_is_waited_for_and_read_whole() {
    let server = HostileServer::start(|_| Answer::Slow {
        head_after: Duration::from_millis(1500),
        pieces: 4,
        between: Duration::from_millis(400),
        answer: Box::new(Answer::Xml(
            200,
            common::hostile::listing_page("photos/", &["photos/a", "photos/b"], false, None),
        )),
    })
    .await;
    let bucket = BucketName::new("bucket").unwrap();
    let started = std::time::Instant::now();
    let page =
        pail::testing::s3::list::list_folder_page(&connection(&server), &bucket, "photos/", None)
            .await
            .unwrap();
    let names: Vec<&str> = page.objects.iter().map(|o| &*o.name).collect();
    assert_eq!(names, ["a", "b"]);
    assert!(started.elapsed() >= Duration::from_millis(2500));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_endless_error_answer_to_a_listing_is_cut_at_a_bound() {
    let server = HostileServer::start(|_| Answer::Endless(403)).await;
    let bucket = BucketName::new("bucket").unwrap();
    let started = std::time::Instant::now();
    let listed = tokio::time::timeout(
        Duration::from_secs(10),
        pail::testing::s3::list::list_folder_page(&connection(&server), &bucket, "photos/", None),
    )
    .await
    .expect("an endless error must be refused, not read for ever");
    let error = listed.unwrap_err().to_string();
    assert!(error.contains("MiB"), "{error}");
    assert!(started.elapsed() < Duration::from_secs(10));
}
