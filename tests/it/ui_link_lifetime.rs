//! Link lifetimes in the Web URL dialog, driven through egui_kittest against a real local S3
//! server: the limit from AWS (and a longer one stated there, ignored), a profile's 30 days
//! (signed past the SDK's week, served, tested), past the limit refused in place, and each way
//! out when temporary credentials end before the link.

use std::time::{Duration, SystemTime};

use crate::common;

use aws_credential_types::Credentials;
use common::ui::{click, wait_for};
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use pail::model::{BucketName, Endpoint, ObjectKey};
use pail::testing::app::clipboard::MemoryClipboard;
use pail::testing::app::modal::Modal;
use pail::testing::app::web_url::state::{Target, Via, WebUrlDialog};
use pail::testing::app::{AppOptions, ListingState, Loadable, PailApp};
use pail::testing::demo::server::LocalServer;
use pail::testing::demo::{DEMO_ACCESS_KEY, DEMO_SECRET_KEY};
use pail::testing::profiles::{Profile, ProfileSource};

const MONTH: Duration = Duration::from_secs(30 * 86_400);

struct Setup {
    server: LocalServer,
    clipboard: MemoryClipboard,
}

/// A profile on `server`; with a session token when `session_ends` is given.
fn profile(server: &LocalServer, name: &str, session_ends: Option<SystemTime>) -> Profile {
    profile_at(&server.endpoint_url(), name, session_ends)
}

fn profile_at(endpoint: &str, name: &str, session_ends: Option<SystemTime>) -> Profile {
    let credentials = Credentials::new(
        DEMO_ACCESS_KEY,
        DEMO_SECRET_KEY,
        session_ends.map(|_| "session-token".to_owned()),
        session_ends,
        "test",
    );
    Profile::fixed(
        name,
        ProfileSource::Demo,
        credentials,
        Endpoint::custom(endpoint).unwrap(),
        "us-east-1",
    )
}

fn server() -> LocalServer {
    let server = LocalServer::start_temporary(DEMO_ACCESS_KEY, DEMO_SECRET_KEY).unwrap();
    let docs = server.root().join("lifetimes/docs");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::write(docs.join("month.txt"), b"a month of bytes").unwrap();
    server
}

/// A window on `profiles` (the first one open), its bucket `lifetimes` listed at `docs/`.
fn window(server: LocalServer, profiles: Vec<Profile>) -> (Setup, Harness<'static, PailApp>) {
    let clipboard = MemoryClipboard::default();
    let options_clipboard = clipboard.clone();
    let mut harness = Harness::builder()
        .with_size([1280.0, 900.0])
        .build_eframe(move |cc| {
            let options = AppOptions {
                clipboard: Box::new(options_clipboard),
                history_path: None,
                config_dir: None,
                picker: std::sync::Arc::new(pail::testing::app::picker::FixedPicker::default()),
            };
            PailApp::with_options(&cc.egui_ctx, profiles, None, options).unwrap()
        });
    wait_for(&mut harness, "buckets", |app| {
        matches!(app.state().explorer.buckets(), Loadable::Ready(_))
    });
    harness.get_by_label("lifetimes").click();
    wait_for(&mut harness, "the bucket", |app| {
        *app.state().explorer.listing_state() == ListingState::Done
    });
    harness.get_by_label("docs/").click();
    harness.step();
    harness.key_press(Key::Enter);
    wait_for(&mut harness, "docs/", |app| {
        app.state()
            .explorer
            .location()
            .is_some_and(|l| l.prefix == "docs/")
            && *app.state().explorer.listing_state() == ListingState::Done
    });
    (Setup { server, clipboard }, harness)
}

/// Opens the Web URL dialog on `docs/month.txt` (Ctrl+L) and waits for the credentials'
/// end to be known.
fn open_dialog(harness: &mut Harness<'_, PailApp>) {
    harness.get_by_label("month.txt").click();
    harness.step();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::L);
    harness.run_steps(3);
    wait_for(harness, "the credentials' end", |app| {
        app.state()
            .web_url()
            .is_some_and(|d| d.credentials_known_yet())
    });
}

fn dialog<'a>(harness: &'a Harness<'_, PailApp>) -> &'a WebUrlDialog {
    harness.state().state().web_url().unwrap()
}

fn generated(app: &PailApp) -> bool {
    app.state()
        .web_url()
        .is_some_and(|d| d.generating().is_none() && (!d.links().is_empty() || d.error().is_some()))
}

fn expires_param(url: &str) -> u64 {
    url.split('&')
        .find_map(|p| p.strip_prefix("X-Amz-Expires="))
        .unwrap()
        .parse()
        .unwrap()
}

async fn fetch(url: &str) -> reqwest::Response {
    pail::share::link_test::install_crypto_provider();
    reqwest::Client::new().get(url).send().await.unwrap()
}

#[test]
fn the_limit_comes_from_aws_and_a_longer_one_stated_there_is_ignored() {
    let server = server();
    let demo = profile(&server, "local", None);
    let (_setup, mut harness) = window(server, vec![demo]);
    // An AWS profile stating 30 days, as ~/.aws/config may: the dialog is opened on it
    // directly (nothing here reaches AWS).
    let mut aws = Profile::fixed(
        "prod",
        ProfileSource::AwsConfig,
        Credentials::new("AK", "SK", None, None, "test"),
        Endpoint::Aws,
        "us-east-1",
    );
    aws.max_link_lifetime = Some(MONTH);
    let now = SystemTime::now();
    let dialog = WebUrlDialog::new(
        aws,
        BucketName::new("prod-bucket").unwrap(),
        "docs/".into(),
        vec![Target {
            key: ObjectKey::new("docs/a.txt").unwrap(),
            size: 1,
        }],
        now,
    );
    harness
        .state_mut()
        .state_mut()
        .modals
        .open(Modal::WebUrl(Box::new(dialog)));
    harness.run_steps(3);
    harness.get_by_label("Longest link 7 days: AWS's limit for pre-signed links");
    harness.get_by_label_contains("max_link_lifetime 30d of profile `prod` is ignored");
    harness.get_by_label("S3 (up to 7 days)");
    assert!(
        harness.query_by_label("30 days").is_none(),
        "no 30-day preset on AWS"
    );
    // Eight days: too far, saying whose limit it is.
    harness
        .state_mut()
        .state_mut()
        .web_url_mut()
        .unwrap()
        .set_expiry(now + Duration::from_secs(8 * 86_400));
    harness.run_steps(3);
    harness.get_by_label_contains(
        "Too far: pre-signed S3 links live at most 7 days (AWS's limit for pre-signed links)",
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_profile_limit_of_thirty_days_signs_a_month_the_server_serves() {
    let server = server();
    let mut lab = profile(&server, "minio-lab", None);
    lab.max_link_lifetime = Some(MONTH);
    let (setup, mut harness) = window(server, vec![lab]);
    open_dialog(&mut harness);
    harness.get_by_label("Longest link 30 days: set in profile minio-lab");
    harness.get_by_label("S3 (up to 30 days)");
    // The calendar allows the month, marks its last day, and says so.
    click(&mut harness, "Expiry date");
    let last = jiff::Zoned::try_from(SystemTime::now() + MONTH)
        .unwrap()
        .date()
        .strftime("%a %-d %b %Y")
        .to_string();
    harness.get_by_label_contains(&format!("Links can last until {last}"));
    harness.get_by_label_contains("30 days from now");
    click(&mut harness, "Expiry date");
    click(&mut harness, "30 days");
    // 30 days rounded down to the minute.
    assert!(
        harness
            .query_by_label_contains("expires in 29 days 23 h")
            .is_some()
            || harness
                .query_by_label_contains("expires in 30 days 0 h")
                .is_some()
    );
    click(&mut harness, "Generate");
    wait_for(&mut harness, "the link", generated);
    assert_eq!(dialog(&harness).error(), None);
    click(&mut harness, "Copy");
    let copied = setup.clipboard.contents().text.unwrap();
    assert!(copied.starts_with(&format!(
        "{}/lifetimes/docs/month.txt?",
        setup.server.endpoint_url()
    )));
    let expires = expires_param(&copied);
    assert!(
        (MONTH.as_secs() - 60..=MONTH.as_secs()).contains(&expires),
        "{expires}"
    );
    let response = fetch(&copied).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.bytes().await.unwrap().as_ref(),
        b"a month of bytes"
    );
    // Test link: the server answers through the month-long link.
    click(&mut harness, "Test link");
    wait_for(&mut harness, "the test", |app| {
        app.state()
            .web_url()
            .is_some_and(|d| d.test_result().is_some())
    });
    harness.get_by_label_contains("OK (HTTP 206)");
}

#[test]
fn past_the_profile_limit_is_refused_in_place() {
    let server = server();
    let mut lab = profile(&server, "minio-lab", None);
    lab.max_link_lifetime = Some(MONTH);
    let (_setup, mut harness) = window(server, vec![lab]);
    open_dialog(&mut harness);
    let now = SystemTime::now();
    harness
        .state_mut()
        .state_mut()
        .web_url_mut()
        .unwrap()
        .set_expiry(now + MONTH + Duration::from_secs(2 * 86_400));
    harness.run_steps(3);
    harness.get_by_label_contains(
        "Too far: pre-signed S3 links live at most 30 days (set in profile minio-lab)",
    );
    click(&mut harness, "Generate");
    let dialog = dialog(&harness);
    assert!(dialog.links().is_empty() && dialog.generating().is_none());
    // Through CloudFront there is no such limit.
    click(&mut harness, "CloudFront (any expiry)");
    assert!(
        harness
            .query_by_label_contains("Too far: pre-signed S3 links")
            .is_none()
    );
}

/// A window whose profile `sts` has a session ending in an hour, beside `keys` (long-term,
/// same server) and `elsewhere` (long-term, another server), the dialog open on a 1-day link.
fn temporary_setup() -> (Setup, Harness<'static, PailApp>, SystemTime) {
    let server = server();
    let ends = SystemTime::now() + Duration::from_secs(3600);
    let sts = profile(&server, "sts", Some(ends));
    let keys = profile(&server, "keys", None);
    let elsewhere = profile_at("http://127.0.0.1:9", "elsewhere", None);
    let (setup, mut harness) = window(server, vec![sts, keys, elsewhere]);
    open_dialog(&mut harness);
    harness.get_by_label_contains("this profile's session ends");
    (setup, harness, ends)
}

#[tokio::test(flavor = "multi_thread")]
async fn temporary_credentials_offer_a_shorter_expiry_that_ends_with_them() {
    let (setup, mut harness, ends) = temporary_setup();
    harness.get_by_label("Through CloudFront");
    harness.get_by_label("Sign with profile keys");
    assert!(
        harness
            .query_by_label("Sign with profile elsewhere")
            .is_none()
    );
    let button = format!(
        "Use the credentials' end ({})",
        dialog(&harness).clock_text(ends)
    );
    click(&mut harness, &button);
    wait_for(&mut harness, "the shorter link", generated);
    let dialog = dialog(&harness);
    assert_eq!(dialog.error(), None);
    let url = dialog.links()[0].url.clone();
    let expires = expires_param(&url);
    assert!((3480..=3600).contains(&expires), "{expires}");
    assert!(
        harness
            .query_by_label_contains("this profile's session ends")
            .is_none()
    );
    drop(setup);
}

#[test]
fn temporary_credentials_offer_the_cloudfront_route() {
    let (_setup, mut harness, _) = temporary_setup();
    click(&mut harness, "Through CloudFront");
    assert_eq!(dialog(&harness).inputs.via, Via::CloudFront);
    harness.get_by_label("CloudFront (any expiry)");
    assert!(harness.query_by_label("Through CloudFront").is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn temporary_credentials_offer_a_profile_with_long_term_keys() {
    let (_setup, mut harness, _) = temporary_setup();
    click(&mut harness, "Sign with profile keys");
    wait_for(&mut harness, "the link signed with keys", |app| {
        generated(app)
            && app
                .state()
                .web_url()
                .is_some_and(|d| d.credentials_known_yet())
    });
    let dialog = dialog(&harness);
    assert_eq!(dialog.profile().name, "keys");
    assert_eq!(dialog.error(), None);
    let url = dialog.links()[0].url.clone();
    assert!(!url.contains("X-Amz-Security-Token"), "{url}");
    assert!((86_340..=86_400).contains(&expires_param(&url)));
    assert!(
        harness
            .query_by_label_contains("this profile's session ends")
            .is_none()
    );
    let response = fetch(&url).await;
    assert_eq!(response.status(), 200);
    // The link is recorded under the profile that signed it.
    click(&mut harness, "Close");
    let links = harness.state().state().links.links();
    assert_eq!(links.len(), 1);
}

#[test]
fn without_a_profile_with_long_term_keys_the_dialog_says_so() {
    let server = server();
    let ends = SystemTime::now() + Duration::from_secs(3600);
    let sts = profile(&server, "sts", Some(ends));
    let (_setup, mut harness) = window(server, vec![sts]);
    open_dialog(&mut harness);
    harness.get_by_label_contains("this profile's session ends");
    harness.get_by_label("No other profile with long-term keys reaches this server.");
    assert!(
        harness
            .query_by_label_contains("Sign with profile")
            .is_none()
    );
}

#[test]
fn the_profile_form_takes_a_longest_link_and_refuses_one_past_a_week_on_aws() {
    use pail::testing::profiles::store::ProfileStore;
    let server = common::server_with_bucket("lab-files");
    let config = tempfile::tempdir().unwrap();
    let dir = config.path().to_owned();
    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| {
            let options = AppOptions {
                clipboard: Box::new(MemoryClipboard::default()),
                history_path: None,
                config_dir: Some(dir),
                picker: std::sync::Arc::new(pail::testing::app::picker::FixedPicker::default()),
            };
            PailApp::with_options(&cc.egui_ctx, Vec::new(), None, options).unwrap()
        });
    wait_for(&mut harness, "the profiles to load", |app| {
        app.state().profiles.store().is_some()
    });
    let fill = |harness: &mut Harness<'_, PailApp>, label: &str, text: &str| {
        click(harness, label);
        harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
        harness.get_by_label(label).type_text(text);
        harness.run_steps(2);
    };
    click(&mut harness, "Profiles");
    click(&mut harness, "Add");
    fill(&mut harness, "Name", "lab");
    fill(&mut harness, "Access key ID", common::ACCESS_KEY);
    fill(&mut harness, "Secret access key", common::SECRET_KEY);
    // AWS: past a week is refused, naming the field.
    fill(&mut harness, "Longest link", "30d");
    click(&mut harness, "Save");
    harness.get_by_label(
        "Longest link: AWS refuses pre-signed links that live longer than 7 days, not 30d.",
    );
    fill(&mut harness, "Longest link", "a month");
    click(&mut harness, "Save");
    harness.get_by_label_contains("Longest link: `a month` is not a lifetime");
    // On the lab's own server, 30 days is saved as written.
    click(&mut harness, "Endpoint provider");
    click(&mut harness, "Custom URL");
    fill(&mut harness, "Endpoint URL", &server.endpoint_url());
    fill(&mut harness, "Longest link", "720h");
    click(&mut harness, "Save");
    wait_for(&mut harness, "the saved profile", |app| {
        app.state()
            .profiles
            .store()
            .is_some_and(|s| s.get("lab").is_some())
    });
    std::thread::sleep(Duration::from_millis(300));
    let (stored, warnings) = ProfileStore::load(config.path());
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(stored.get("lab").unwrap().max_link_lifetime, Some(MONTH));
    let text = std::fs::read_to_string(config.path().join("config.toml")).unwrap();
    assert!(text.contains("max_link_lifetime = \"30d\""), "{text}");
}

#[test]
fn a_profile_whose_limit_is_too_short_for_the_expiry_is_not_offered() {
    let server = server();
    let ends = SystemTime::now() + Duration::from_secs(3600);
    let mut sts = profile(&server, "sts", Some(ends));
    sts.max_link_lifetime = Some(MONTH);
    let keys = profile(&server, "keys", None);
    let mut long_keys = profile(&server, "long-keys", None);
    long_keys.max_link_lifetime = Some(MONTH);
    let (_setup, mut harness) = window(server, vec![sts, keys, long_keys]);
    open_dialog(&mut harness);
    // A day: both profiles with long-term keys can sign it.
    harness.get_by_label("Sign with profile keys");
    harness.get_by_label("Sign with profile long-keys");
    // Twenty days: `keys` keeps the usual week, so it is named, not offered.
    let at = SystemTime::now() + Duration::from_secs(20 * 86_400);
    harness
        .state_mut()
        .state_mut()
        .web_url_mut()
        .unwrap()
        .set_expiry(at);
    harness.run_steps(3);
    assert!(harness.query_by_label("Sign with profile keys").is_none());
    harness
        .get_by_label("Too short for this expiry, though their keys last: keys (7 days at most).");
    click(&mut harness, "Sign with profile long-keys");
    wait_for(&mut harness, "the link signed with long-keys", |app| {
        generated(app)
            && app
                .state()
                .web_url()
                .is_some_and(|d| d.credentials_known_yet())
    });
    let dialog = dialog(&harness);
    assert_eq!(dialog.profile().name, "long-keys");
    assert_eq!(dialog.error(), None);
    let expires = expires_param(&dialog.links()[0].url);
    assert!(expires > 19 * 86_400, "{expires}");
}

#[tokio::test(flavor = "multi_thread")]
async fn renew_keeps_a_month_long_link_a_month_long() {
    let server = server();
    let mut lab = profile(&server, "minio-lab", None);
    lab.max_link_lifetime = Some(MONTH);
    let (_setup, mut harness) = window(server, vec![lab]);
    open_dialog(&mut harness);
    click(&mut harness, "30 days");
    click(&mut harness, "Generate");
    wait_for(&mut harness, "the link", generated);
    click(&mut harness, "Close");
    click(&mut harness, "Shared links");
    click(&mut harness, "Renew");
    wait_for(&mut harness, "the renewed link", |app| {
        app.state().links.links().len() == 2
    });
    let renewed = harness.state().state().links.links()[1].url.clone();
    let expires = expires_param(&renewed);
    assert!(expires > 29 * 86_400, "not cut to a week: {expires}");
    let response = fetch(&renewed).await;
    assert_eq!(response.status(), 200);
}

/// A server that refuses pre-signed links past a week as AWS and MinIO do (403
/// AuthorizationQueryParametersError) and answers any other GET with one byte: what a
/// profile that overstates its provider's limit meets.
async fn week_limited_server() -> (String, tokio::task::JoinHandle<()>) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buffer = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buffer[..n]),
                    }
                }
                let text = String::from_utf8_lossy(&request);
                let target = text.split_whitespace().nth(1).unwrap_or_default();
                let expires: u64 = target
                    .split(['?', '&'])
                    .find_map(|p| p.strip_prefix("X-Amz-Expires="))
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                let response = if expires > 604_800 {
                    let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AuthorizationQueryParametersError</Code><Message>X-Amz-Expires must be less than a week (in seconds) that is 604800</Message></Error>";
                    format!(
                        "HTTP/1.1 403 Forbidden\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    )
                } else {
                    "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-0/1\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx".to_owned()
                };
                let _ = stream.write_all(response.as_bytes()).await;
            });
        }
    });
    (url, task)
}

#[tokio::test(flavor = "multi_thread")]
async fn test_link_shows_a_server_that_refuses_more_than_the_profile_says() {
    let (strict_url, task) = week_limited_server().await;
    let server = server();
    let local = profile(&server, "local", None);
    let (_setup, mut harness) = tokio::task::block_in_place(|| window(server, vec![local]));
    let mut strict = profile_at(&strict_url, "minio-strict", None);
    strict.max_link_lifetime = Some(MONTH);
    let dialog = WebUrlDialog::new(
        strict,
        BucketName::new("lab").unwrap(),
        String::new(),
        vec![Target {
            key: ObjectKey::new("a.txt").unwrap(),
            size: 1,
        }],
        SystemTime::now(),
    );
    harness
        .state_mut()
        .state_mut()
        .modals
        .open(Modal::WebUrl(Box::new(dialog)));
    harness.run_steps(3);
    let test_link = |harness: &mut Harness<'_, PailApp>| {
        click(harness, "Generate");
        wait_for(harness, "the link", generated);
        click(harness, "Test link");
        wait_for(harness, "the test", |app| {
            app.state()
                .web_url()
                .is_some_and(|d| d.test_result().is_some())
        });
    };
    click(&mut harness, "30 days");
    tokio::task::block_in_place(|| test_link(&mut harness));
    harness.get_by_label_contains("403 AuthorizationQueryParametersError");
    harness.get_by_label_contains(
        "The server refused a link longer than 7 days: its own limit may be shorter than the profile's (30 days: set in profile minio-strict)",
    );
    // A week: the same server takes it, and the hint goes.
    click(&mut harness, "7 days");
    tokio::task::block_in_place(|| test_link(&mut harness));
    harness.get_by_label_contains("OK (HTTP 206)");
    assert!(
        harness
            .query_by_label_contains("The server refused a link longer")
            .is_none()
    );
    task.abort();
}
