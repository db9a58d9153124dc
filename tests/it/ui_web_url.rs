//! The Web URL dialog driven through egui_kittest against the demo data on a real local S3
//! server: the links it copies are fetched from the server.

use std::time::{Duration, Instant};

use crate::common;

use common::ui::{click, wait_for};

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use pail::testing::app::clipboard::MemoryClipboard;
use pail::testing::app::{AppOptions, ListingState, Loadable, PailApp};
use pail::testing::demo::server::LocalServer;
use pail::testing::demo::{DEMO_ACCESS_KEY, DEMO_SECRET_KEY, demo_profile};

struct Setup {
    server: LocalServer,
    clipboard: MemoryClipboard,
    _history: tempfile::TempDir,
    history_file: std::path::PathBuf,
}

/// A server with a few objects under `docs/` and a window on it.
fn setup() -> (Setup, Harness<'static, PailApp>) {
    let server = LocalServer::start_temporary(DEMO_ACCESS_KEY, DEMO_SECRET_KEY).unwrap();
    let docs = server.root().join("share-me/docs");
    std::fs::create_dir_all(docs.join("sub")).unwrap();
    std::fs::write(docs.join("report 2026.pdf"), b"%PDF report bytes").unwrap();
    std::fs::write(docs.join("ünï+code.txt"), b"unicode bytes").unwrap();
    std::fs::write(docs.join("sub/inner.txt"), b"inner bytes").unwrap();
    std::fs::create_dir_all(server.root().join("share-me/incoming")).unwrap();
    let clipboard = MemoryClipboard::default();
    let history = tempfile::tempdir().unwrap();
    let history_file = history.path().join("shared-links.json");
    let profile = demo_profile(&server);
    let options_clipboard = clipboard.clone();
    let path = history_file.clone();
    let harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| {
            let options = AppOptions {
                clipboard: Box::new(options_clipboard),
                history_path: Some(path),
                config_dir: None,
                picker: std::sync::Arc::new(pail::testing::app::picker::FixedPicker::default()),
            };
            PailApp::with_options(&cc.egui_ctx, vec![profile], None, options).unwrap()
        });
    (
        Setup {
            server,
            clipboard,
            _history: history,
            history_file,
        },
        harness,
    )
}

fn buckets_ready(harness: &mut Harness<'_, PailApp>) {
    wait_for(harness, "buckets", |app| {
        matches!(app.state().explorer.buckets(), Loadable::Ready(_))
    });
}

/// Opens s3://share-me/.
fn open_bucket(harness: &mut Harness<'_, PailApp>) {
    buckets_ready(harness);
    harness.get_by_label("share-me").click();
    wait_for(harness, "the bucket", |app| {
        *app.state().explorer.listing_state() == ListingState::Done
    });
}

/// Selects `name` and opens the Web URL dialog on it (Ctrl+L), as a person does.
fn open_dialog_on(harness: &mut Harness<'_, PailApp>, name: &str) {
    harness.get_by_label(name).click();
    harness.step();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::L);
    harness.run_steps(3);
}

/// Opens s3://share-me/docs/.
fn open_docs(harness: &mut Harness<'_, PailApp>) {
    open_bucket(harness);
    harness.get_by_label("docs/").click();
    harness.step();
    harness.key_press(Key::Enter);
    wait_for(harness, "docs/", |app| {
        app.state()
            .explorer
            .location()
            .is_some_and(|l| l.prefix == "docs/")
            && *app.state().explorer.listing_state() == ListingState::Done
    });
}

fn generated(app: &PailApp) -> bool {
    app.state().web_url().is_some_and(|d| {
        d.generating().is_none()
            && (!d.links().is_empty() || d.upload_result().is_some() || d.error().is_some())
    })
}

async fn fetch(url: &str) -> reqwest::Response {
    pail::share::link_test::install_crypto_provider();
    reqwest::Client::new().get(url).send().await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn generate_copy_and_fetch_a_link() {
    let (setup, mut harness) = setup();
    open_docs(&mut harness);
    open_dialog_on(&mut harness, "report 2026.pdf");
    harness.get_by_label_contains("report 2026.pdf · 17 B");

    // The demo server speaks plain HTTP, so HTTP is preselected; HTTPS can be chosen and
    // the warning goes away.
    harness.get_by_label_contains("HTTP sends the link in clear text");
    click(&mut harness, "HTTPS");
    assert!(harness.query_by_label_contains("clear text").is_none());
    click(&mut harness, "HTTP");

    click(&mut harness, "1 hour");
    // An hour rounded down to the minute: 59 min, or 1 h 0 min on the minute.
    assert!(
        harness
            .query_by_label_contains("expires in 59 min")
            .is_some()
            || harness
                .query_by_label_contains("expires in 1 h 0 min")
                .is_some()
    );
    click(&mut harness, "Generate");
    wait_for(&mut harness, "the link", generated);
    click(&mut harness, "Copy");
    harness.get_by_label_contains("Copied");

    let copied = setup.clipboard.contents().text.unwrap();
    assert!(copied.starts_with(&format!(
        "{}/share-me/docs/report%202026.pdf?",
        setup.server.endpoint_url()
    )));
    let expires: u64 = copied
        .split('&')
        .find_map(|p| p.strip_prefix("X-Amz-Expires="))
        .unwrap()
        .parse()
        .unwrap();
    assert!((3540..=3600).contains(&expires), "{expires}");
    let response = fetch(&copied).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"report 2026.pdf\""
    );
    assert_eq!(
        response.bytes().await.unwrap().as_ref(),
        b"%PDF report bytes"
    );

    // Copy for email: HTML with the file name as the link text, and a plain alternative.
    click(&mut harness, "Copy for email");
    let email = setup.clipboard.contents();
    let html = email.html.unwrap();
    assert!(html.starts_with("<a href=\"http://127.0.0.1:"), "{html}");
    assert!(
        html.contains(">report 2026.pdf</a> (link expires on "),
        "{html}"
    );
    // The expiry names its time zone, for a recipient elsewhere.
    assert!(html.contains("(UTC+") || html.contains("(UTC-"), "{html}");
    let plain = email.text.unwrap();
    assert!(plain.starts_with("report 2026.pdf: http://"));
    assert!(plain.contains("(UTC"), "{plain}");

    // Test link asks the server through the link.
    click(&mut harness, "Test link");
    wait_for(&mut harness, "the test", |app| {
        app.state()
            .web_url()
            .is_some_and(|d| d.test_result().is_some())
    });
    harness.get_by_label_contains("OK (HTTP 206)");

    // The link is in the history, saved with mode 0600.
    click(&mut harness, "Close");
    assert!(harness.state().state().web_url().is_none());
    assert_eq!(harness.state().state().links.links().len(), 1);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !setup.history_file.exists() {
        assert!(Instant::now() < deadline, "history saved");
        std::thread::sleep(Duration::from_millis(20));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&setup.history_file)
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    click(&mut harness, "Shared links");
    harness.get_by_label("s3://share-me/docs/report 2026.pdf");
}

#[tokio::test(flavor = "multi_thread")]
async fn more_than_seven_days_is_refused_in_place() {
    let (_setup, mut harness) = setup();
    open_docs(&mut harness);
    open_dialog_on(&mut harness, "report 2026.pdf");
    click(&mut harness, "7 days");
    // 7 days rounded down to the minute: 6 days 23 h, or 7 days on the minute.
    assert!(
        harness
            .query_by_label_contains("expires in 6 days 23 h")
            .is_some()
            || harness
                .query_by_label_contains("expires in 7 days 0 h")
                .is_some()
    );
    // Later the same day, through the hour and minute fields: past the 7-day limit (unless
    // the test runs in the last minutes of a day, when 23:59 is no later than the preset).
    let local_now = jiff::Zoned::now();
    if local_now.strftime("%H:%M").to_string().as_str() >= "23:58" {
        eprintln!("skipping: too close to midnight for this check");
        return;
    }
    for (field, value) in [("Expiry hour", "23"), ("Expiry minute", "59")] {
        click(&mut harness, field);
        harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
        harness.get_by_label(field).type_text(value);
        harness.key_press(Key::Enter);
        harness.run_steps(3);
    }
    let dialog = harness.state().state().web_url().unwrap();
    assert_eq!((dialog.inputs.hour, dialog.inputs.minute), (23, 59));
    harness.get_by_label_contains("Too far: pre-signed S3 links live at most 7 days");
    click(&mut harness, "Generate");
    let dialog = harness.state().state().web_url().unwrap();
    assert!(dialog.links().is_empty() && dialog.generating().is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn download_name_sets_content_disposition() {
    let (setup, mut harness) = setup();
    open_docs(&mut harness);
    open_dialog_on(&mut harness, "ünï+code.txt");
    harness.get_by_label("Download name").click();
    harness.step();
    harness
        .get_by_label("Download name")
        .type_text("Résumé final.txt");
    harness.run_steps(2);
    click(&mut harness, "Generate");
    wait_for(&mut harness, "the link", generated);
    click(&mut harness, "Copy");
    let url = setup.clipboard.contents().text.unwrap();
    let response = fetch(&url).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"R_sum_ final.txt\"; filename*=UTF-8''R%C3%A9sum%C3%A9%20final.txt"
    );
    assert_eq!(response.bytes().await.unwrap().as_ref(), b"unicode bytes");
}

#[tokio::test(flavor = "multi_thread")]
async fn several_objects_give_one_working_link_each() {
    let (setup, mut harness) = setup();
    open_docs(&mut harness);
    harness.get_by_label("report 2026.pdf").click();
    harness.step();
    harness
        .get_by_label("ünï+code.txt")
        .click_modifiers(Modifiers::COMMAND);
    harness.step();
    assert_eq!(
        harness.state().state().explorer.listing().selected_count(),
        2
    );
    click(&mut harness, "Web URL");
    harness.get_by_label_contains("2 objects · 30 B · s3://share-me/docs/");
    click(&mut harness, "Generate");
    wait_for(&mut harness, "the links", generated);
    click(&mut harness, "Copy");
    let text = setup.clipboard.contents().text.unwrap();
    let urls: Vec<&str> = text.lines().collect();
    assert_eq!(urls.len(), 2);
    let mut bodies = Vec::new();
    for url in urls {
        let response = fetch(url).await;
        assert_eq!(response.status(), 200, "{url}");
        bodies.push(response.bytes().await.unwrap().to_vec());
    }
    assert_eq!(
        bodies,
        [b"%PDF report bytes".to_vec(), b"unicode bytes".to_vec()]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_folder_gives_links_for_everything_under_it() {
    let (setup, mut harness) = setup();
    open_docs(&mut harness);
    harness.get_by_label("sub/").click();
    harness.step();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::L);
    wait_for(&mut harness, "the count", |app| {
        app.state()
            .web_url()
            .is_some_and(|d| d.expansion().is_none())
    });
    harness.get_by_label_contains("inner.txt");
    click(&mut harness, "Generate");
    wait_for(&mut harness, "the link", generated);
    click(&mut harness, "Copy");
    let url = setup.clipboard.contents().text.unwrap();
    assert!(url.contains("/share-me/docs/sub/inner.txt?"), "{url}");
    assert_eq!(
        fetch(&url).await.bytes().await.unwrap().as_ref(),
        b"inner bytes"
    );
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(
    windows,
    ignore = "runs the copied command with Linux sh and curl, which cannot start from Windows"
)]
async fn upload_link_curl_command_uploads_and_enforces_the_limit() {
    let (setup, mut harness) = setup();
    open_docs(&mut harness);
    click(&mut harness, "Upload link");
    let dialog = harness.state_mut().state_mut().web_url_mut().unwrap();
    let today = jiff::Zoned::now().strftime("%Y-%m-%d").to_string();
    assert_eq!(dialog.inputs.upload_key, format!("docs/uploads/{today}/"));
    // This test shares the folder itself: a folder prefix needs no confirmation.
    dialog.inputs.upload_key = "docs/".into();
    harness.get_by_label("Max size (MB)").click();
    harness.step();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.get_by_label("Max size (MB)").type_text("0.00005");
    harness.run_steps(2);
    click(&mut harness, "Generate");
    wait_for(&mut harness, "the form", generated);
    click(&mut harness, "Copy curl command");
    let command = setup.clipboard.contents().text.unwrap();
    assert!(command.contains("key=docs/${filename}"), "{command}");
    harness.get_by_label("HTML upload page");
    click(&mut harness, "Copy HTML upload page");
    let page = setup.clipboard.contents().text.unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    assert!(page.contains("name=\"file\""));

    // s3s-fs does not replace ${filename} (S3 does): name the key for this server.
    let run = |key: &str, body: &[u8]| {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("upload.txt");
        std::fs::write(&file, body).unwrap();
        let script = command
            .replace("docs/${filename}", key)
            .replace("<FILE>", &file.display().to_string());
        std::process::Command::new("sh")
            .arg("-c")
            .arg(script)
            .output()
            .expect("sh and curl (.ci/run installs curl)")
    };
    let ok = run("docs/uploaded.txt", b"small");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let stored = setup.server.root().join("share-me/docs/uploaded.txt");
    assert_eq!(std::fs::read(&stored).unwrap(), b"small");
    let refused = run("docs/too-big.txt", &[b'x'; 51]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stdout).contains("EntityTooLarge"));
    assert!(
        !setup
            .server
            .root()
            .join("share-me/docs/too-big.txt")
            .exists()
    );
}

/// Opens the Web URL dialog on `report 2026.pdf` and generates a link.
fn dialog_with_a_link(harness: &mut Harness<'_, PailApp>) {
    open_dialog_on(harness, "report 2026.pdf");
    regenerate(harness);
}

fn regenerate(harness: &mut Harness<'_, PailApp>) {
    click(harness, "Generate");
    wait_for(harness, "the link", |app| {
        app.state()
            .web_url()
            .is_some_and(|d| d.generating().is_none() && !d.links().is_empty())
    });
}

fn shown_links(harness: &Harness<'_, PailApp>) -> usize {
    harness.state().state().web_url().unwrap().links().len()
}

#[test]
fn a_changed_input_never_leaves_a_stale_link_shown() {
    let (_setup, mut harness) = setup();
    open_docs(&mut harness);
    dialog_with_a_link(&mut harness);
    let before = harness.state().state().web_url().unwrap().links()[0]
        .url
        .clone();

    // The reported case: the hour changed through its field after Generate.
    let hour = harness.state().state().web_url().unwrap().inputs.hour;
    harness
        .get_by_label("Expiry hour")
        .set_value_accesskit(f64::from((hour + 1) % 24));
    harness.run_steps(3);
    assert_eq!(
        shown_links(&harness),
        0,
        "the link for the old hour is gone"
    );
    assert!(harness.query_by_label("Copy").is_none());
    regenerate(&mut harness);
    let after = harness.state().state().web_url().unwrap().links()[0]
        .url
        .clone();
    assert_ne!(before, after, "the new link is for the new hour");

    // Every other input, whichever way it changes, does the same.
    type Change = fn(&mut pail::testing::app::web_url::state::WebUrlDialog);
    let changes: [(&str, Change); 9] = [
        ("minute", |d| d.inputs.minute = (d.inputs.minute + 1) % 60),
        ("date", |d| {
            d.inputs.date = d.inputs.date.yesterday().unwrap()
        }),
        ("protocol", |d| d.inputs.https = !d.inputs.https),
        ("download name", |d| d.inputs.download_name.push('x')),
        ("inline", |d| d.inputs.inline = !d.inputs.inline),
        ("content type", |d| {
            d.inputs.content_type = "text/plain".into()
        }),
        ("upload key", |d| d.inputs.upload_key.push('x')),
        ("upload size", |d| d.inputs.upload_max_mb = "5".into()),
        ("upload kind", |d| {
            d.inputs.upload_kind = pail::testing::app::web_url::state::UploadKind::Put
        }),
    ];
    for (what, change) in changes {
        change(harness.state_mut().state_mut().web_url_mut().unwrap());
        harness.run_steps(2);
        assert_eq!(shown_links(&harness), 0, "{what}: the stale link is gone");
        let dialog = harness.state_mut().state_mut().web_url_mut().unwrap();
        // Back to a valid expiry and the first tab, then a fresh link for the next round.
        dialog.apply_preset(
            pail::testing::app::web_url::state::Preset::OneDay,
            std::time::SystemTime::now(),
        );
        harness.run_steps(1);
        regenerate(&mut harness);
    }
    // A preset also drops the link; Test link then has nothing stale to test.
    click(&mut harness, "1 hour");
    assert_eq!(shown_links(&harness), 0);
    let commands = harness.state_mut().state_mut().test_link();
    assert!(commands.is_empty(), "nothing to test: {commands:?}");
}

#[test]
fn the_calendar_works_every_time_it_opens() {
    let (_setup, mut harness) = setup();
    open_docs(&mut harness);
    open_dialog_on(&mut harness, "report 2026.pdf");
    let today = jiff::Zoned::now().date();
    let name = |day: jiff::civil::Date| day.strftime("%a %-d %b %Y").to_string();

    // Open, dismiss, open again: the days answer every time.
    click(&mut harness, "Expiry date");
    assert!(harness.query_by_label(&name(today)).is_some());
    click(&mut harness, "Expiry date");
    assert!(harness.query_by_label(&name(today)).is_none(), "dismissed");
    click(&mut harness, "Expiry date");
    // The month shown is the picked date's (tomorrow's): a day of it that may be picked.
    let dialog_date = harness.state().state().web_url().unwrap().inputs.date;
    let target = if dialog_date > today {
        today
    } else {
        dialog_date
    };
    assert_ne!(target, dialog_date, "a different day than the one picked");
    click(&mut harness, &name(target));
    let dialog = harness.state().state().web_url().unwrap();
    assert_eq!(
        dialog.inputs.date, target,
        "the clicked day is the expiry date"
    );
    assert!(!dialog.calendar.open, "the calendar closes on a pick");

    // A day past the 7-day limit cannot be picked.
    click(&mut harness, "Expiry date");
    let too_far = today.checked_add(jiff::Span::new().days(8)).unwrap();
    if harness.query_by_label(&name(too_far)).is_none() {
        click(&mut harness, "Next month");
    }
    harness.get_by_label(&name(too_far)).click();
    harness.run_steps(2);
    assert_eq!(
        harness.state().state().web_url().unwrap().inputs.date,
        target,
        "a disabled day changes nothing"
    );
}

#[test]
fn the_dialog_sizes_to_its_content_each_time_it_opens() {
    let (_setup, mut harness) = setup();
    open_docs(&mut harness);
    let open_on = |harness: &mut Harness<'_, PailApp>, name: &str| {
        open_dialog_on(harness, name);
        // The dialog is centred: a frame kept at an older, taller size moves its top rows up.
        harness.get_by_label("Generate").rect()
    };
    let fresh = open_on(&mut harness, "report 2026.pdf");
    regenerate(&mut harness);
    harness.run_steps(2);
    let with_link = harness.get_by_label("Generate").rect();
    assert!(
        with_link.top() < fresh.top() - 20.0,
        "the links made it taller"
    );
    click(&mut harness, "Close");
    let again = open_on(&mut harness, "ünï+code.txt");
    assert!(
        (again.top() - fresh.top()).abs() < 2.0,
        "sized to its content again: {again:?} against {fresh:?}"
    );
}

#[test]
fn the_upload_form_does_not_hand_out_the_whole_bucket_by_default() {
    let (_setup, mut harness) = setup();
    open_bucket(&mut harness);
    click(&mut harness, "Upload link");
    let today = jiff::Zoned::now().strftime("%Y-%m-%d").to_string();
    let dialog = harness.state().state().web_url().unwrap();
    assert_eq!(
        dialog.inputs.upload_key,
        format!("uploads/{today}/"),
        "a fresh folder"
    );
    harness.get_by_label_contains("replace objects already there");

    // The whole bucket needs a worded confirmation.
    harness
        .state_mut()
        .state_mut()
        .web_url_mut()
        .unwrap()
        .inputs
        .upload_key = String::new();
    harness.run_steps(2);
    harness.get_by_label("⚠ This form would allow any key in the whole bucket s3://share-me/.");
    click(&mut harness, "Generate");
    let dialog = harness.state().state().web_url().unwrap();
    assert!(dialog.upload_result().is_none() && dialog.generating().is_none());
    assert!(dialog.error().unwrap().contains("Confirm that below"));
    click(
        &mut harness,
        "I want to let anyone with this form write any key in the whole bucket s3://share-me/",
    );
    click(&mut harness, "Generate");
    wait_for(&mut harness, "the form", generated);
    assert!(
        harness
            .state()
            .state()
            .web_url()
            .unwrap()
            .upload_result()
            .is_some(),
        "confirmed: made"
    );
}

#[test]
fn r2_and_b2_profiles_offer_put_instead_of_a_post_form() {
    use egui_kittest::kittest::NodeT;
    let (_setup, mut harness) = setup();
    buckets_ready(&mut harness);
    for (name, endpoint) in [
        ("r2", "https://0123abcd.r2.cloudflarestorage.com"),
        ("b2", "https://s3.eu-central-003.backblazeb2.com"),
    ] {
        let state = harness.state_mut().state_mut();
        let added = state.profiles.add(pail::testing::profiles::Profile::fixed(
            name,
            pail::testing::profiles::ProfileSource::Pail,
            aws_credential_types::Credentials::new("AK", "SK", None, None, "test"),
            pail::model::Endpoint::custom(endpoint).unwrap(),
            "auto",
        ));
        state.select_profile(added);
        // The folder is shown with no rows selected; its listing is never sent.
        state.open(pail::testing::app::Location::bucket_top(
            pail::model::BucketName::new("media").unwrap(),
        ));
        state.open_web_url(std::time::SystemTime::now());
        harness.run_steps(2);
        let dialog = harness.state().state().web_url().unwrap();
        assert_eq!(
            dialog.inputs.upload_kind,
            pail::testing::app::web_url::state::UploadKind::Put
        );
        let post = harness.get_by_label("Browser form (POST)");
        assert!(post.accesskit_node().is_disabled(), "{name}: POST offered");
        harness.get_by_label_contains("does not accept browser upload forms");
        let state = harness.state_mut().state_mut();
        state.close_web_url();
    }
}

#[test]
fn the_dialog_shrinks_when_its_results_go() {
    let (_setup, mut harness) = setup();
    open_docs(&mut harness);
    open_dialog_on(&mut harness, "report 2026.pdf");
    let fresh = harness.get_by_label("Generate").rect();
    regenerate(&mut harness);
    // A preset drops the link: the dialog goes back to its size without it.
    click(&mut harness, "1 day");
    harness.run_steps(3);
    let after = harness.get_by_label("Generate").rect();
    assert!(
        (after.top() - fresh.top()).abs() < 2.0,
        "{after:?} against {fresh:?}"
    );
}
