//! A bucket's default headers for uploads (issue 26, part 3): rules set with
//! `pail upload-headers`, kept in Pail's settings, given to each object `pail cp` and the
//! window upload; a settings file Pail cannot read is set aside and uploads go on.

use crate::common;

use common::cli::{pail, pail_for};
use common::server_with_bucket;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

async fn head(
    server: &pail::testing::demo::server::LocalServer,
    key: &str,
) -> aws_sdk_s3::operation::head_object::HeadObjectOutput {
    server
        .connection()
        .client()
        .head_object()
        .bucket("site")
        .key(key)
        .send()
        .await
        .unwrap()
}

/// A small site on disk: a page, a stylesheet below assets/, and a page below assets/.
fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("assets/live")).unwrap();
    std::fs::write(dir.path().join("index.html"), b"<html></html>").unwrap();
    std::fs::write(dir.path().join("assets/site.css"), b"body{}").unwrap();
    std::fs::write(dir.path().join("assets/live/now.html"), b"<p>").unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread")]
async fn pail_cp_gives_each_upload_the_bucket_default_headers_for_its_key() {
    let server = server_with_bucket("site");
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| pail_for(&server, home.path(), args);
    // The rules need no server: only Pail's settings.
    let rules = |args: &[&str]| pail(home.path()).args(args).output().unwrap();
    let set = rules(&[
        "upload-headers",
        "set",
        "s3://site",
        "*.html",
        "--content-type",
        "text/html; charset=utf-8",
    ]);
    assert!(set.status.success(), "{set:?}");
    let set = rules(&[
        "upload-headers",
        "set",
        "s3://site",
        "assets/*",
        "--cache-control",
        "public, max-age=31536000",
        "--meta",
        "team=web",
    ]);
    assert!(set.status.success(), "{set:?}");
    let refused = rules(&[
        "upload-headers",
        "set",
        "s3://site",
        "*.txt",
        "--cache-control",
        "a\r\nb",
    ]);
    assert!(!refused.status.success(), "a value S3 cannot carry");
    let listed = text(&rules(&["upload-headers", "list"]).stdout);
    assert_eq!(listed.lines().count(), 2, "{listed}");
    assert!(
        listed.contains("s3://site  *.html  Content-Type: text/html; charset=utf-8"),
        "{listed}"
    );

    let files = site();
    let source = files.path().to_string_lossy().into_owned();
    let copied = run(&["cp", &source, "s3://site/", "--recursive"]);
    assert!(copied.status.success(), "{copied:?}");
    let page = head(&server, "index.html").await;
    assert_eq!(page.content_type(), Some("text/html; charset=utf-8"));
    assert_eq!(page.cache_control(), None);
    let css = head(&server, "assets/site.css").await;
    assert_eq!(
        css.content_type(),
        Some("text/css"),
        "the extension's type stays"
    );
    assert_eq!(css.cache_control(), Some("public, max-age=31536000"));
    assert_eq!(
        css.metadata()
            .and_then(|m| m.get("team"))
            .map(String::as_str),
        Some("web")
    );
    let live = head(&server, "assets/live/now.html").await;
    assert_eq!(live.content_type(), Some("text/html; charset=utf-8"));
    assert_eq!(live.cache_control(), Some("public, max-age=31536000"));

    let removed = rules(&["upload-headers", "remove", "s3://site", "*.html"]);
    assert!(removed.status.success(), "{removed:?}");
    assert_eq!(
        text(&rules(&["upload-headers", "list", "s3://site"]).stdout)
            .lines()
            .count(),
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rules_file_pail_cannot_read_is_kept_aside_and_uploads_go_on() {
    let server = server_with_bucket("site");
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("pail-config");
    std::fs::create_dir_all(&config).unwrap();
    let written = "[buckets.site]\nrules = 42\n";
    std::fs::write(config.join("upload-headers.toml"), written).unwrap();
    let files = site();
    let source = files
        .path()
        .join("index.html")
        .to_string_lossy()
        .into_owned();
    let copied = pail_for(
        &server,
        home.path(),
        &["cp", &source, "s3://site/index.html"],
    );
    assert!(copied.status.success(), "{copied:?}");
    let err = text(&copied.stderr);
    assert!(
        err.contains("upload-headers.toml line 2 could not be read"),
        "{err}"
    );
    assert!(err.contains("uploads get no default headers"), "{err}");
    assert_eq!(
        head(&server, "index.html").await.content_type(),
        Some("text/html")
    );
    let aside: Vec<_> = std::fs::read_dir(&config)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("upload-headers.toml.broken-"))
        .collect();
    assert_eq!(aside.len(), 1, "kept, not lost");
    assert_eq!(
        std::fs::read_to_string(config.join(&aside[0])).unwrap(),
        written
    );
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

#[tokio::test(flavor = "multi_thread")]
async fn a_file_dropped_on_the_window_gets_the_bucket_default_headers() {
    use common::ui::wait_for;
    use pail::testing::app::{AppOptions, ListingState, Loadable, PailApp};
    let server = server_with_bucket("site");
    let config = tempfile::tempdir().unwrap();
    std::fs::write(
        config.path().join("upload-headers.toml"),
        "[[buckets.site.rules]]\npattern = \"*.html\"\ncontent_type = \"text/html; charset=utf-8\"\ncache_control = \"no-cache\"\n",
    )
    .unwrap();
    let profile = pail::testing::demo::demo_profile(&server);
    let dir = config.path().to_owned();
    let mut harness = egui_kittest::Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| {
            let options = AppOptions {
                clipboard: Box::new(pail::testing::app::clipboard::MemoryClipboard::default()),
                history_path: None,
                config_dir: Some(dir),
                picker: std::sync::Arc::new(pail::testing::app::picker::FixedPicker::default()),
            };
            PailApp::with_options(&cc.egui_ctx, vec![profile], None, options).unwrap()
        });
    wait_for(&mut harness, "the buckets", |app| {
        matches!(app.state().explorer.buckets(), Loadable::Ready(_))
    });
    egui_kittest::kittest::Queryable::get_by_label(&harness, "site").click();
    wait_for(&mut harness, "the bucket", |app| {
        *app.state().explorer.listing_state() == ListingState::Done
    });
    let files = site();
    harness
        .input_mut()
        .dropped_files
        .push(std::sync::Arc::new(DesktopFile(
            files.path().join("index.html"),
        )));
    wait_for(&mut harness, "the upload", |app| {
        app.state().active_transfers() == 0 && app.state().transfers.rows().len() == 1
    });
    let page = head(&server, "index.html").await;
    assert_eq!(page.content_type(), Some("text/html; charset=utf-8"));
    assert_eq!(page.cache_control(), Some("no-cache"));
}

/// Bucket properties' "Default headers for uploads": a rule added in the window is written to
/// the settings file (as `pail upload-headers` writes it) and given to the next upload; a value
/// S3 cannot carry is refused with the file left byte for byte; Remove takes the rule out.
#[tokio::test(flavor = "multi_thread")]
async fn bucket_properties_adds_and_removes_a_default_header_rule_used_by_the_next_upload() {
    use common::ui::{click, wait_for};
    use egui_kittest::kittest::Queryable;
    use pail::testing::app::buckets::BucketDialog;
    use pail::testing::app::{AppOptions, ListingState, Loadable, PailApp};
    let server = server_with_bucket("site");
    let config = tempfile::tempdir().unwrap();
    let profile = pail::testing::demo::demo_profile(&server);
    let dir = config.path().to_owned();
    let mut harness = egui_kittest::Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| {
            let options = AppOptions {
                clipboard: Box::new(pail::testing::app::clipboard::MemoryClipboard::default()),
                history_path: None,
                config_dir: Some(dir),
                picker: std::sync::Arc::new(pail::testing::app::picker::FixedPicker::default()),
            };
            PailApp::with_options(&cc.egui_ctx, vec![profile], None, options).unwrap()
        });
    // The properties and the rules are read by two requests; until both have answered the
    // window's layout can still move under a click, so neither counts as shown alone.
    let rules_shown = |app: &PailApp| match app.state().bucket_dialog() {
        Some(BucketDialog::Properties(window)) if window.properties().is_some() => window
            .upload_rules
            .as_ref()
            .filter(|section| !section.is_waiting())
            .and_then(|section| section.rules().cloned()),
        _ => None,
    };
    wait_for(&mut harness, "the buckets", |app| {
        matches!(app.state().explorer.buckets(), Loadable::Ready(_))
    });
    harness.get_by_label("site").click();
    wait_for(&mut harness, "the bucket", |app| {
        *app.state().explorer.listing_state() == ListingState::Done
    });
    harness.get_by_label("site").click_secondary();
    harness.run_steps(2);
    click(&mut harness, "Bucket properties");
    wait_for(&mut harness, "the rules", |app| rules_shown(app).is_some());
    harness.get_by_label("No rules: uploads get only the type their extension names.");

    let type_into =
        |harness: &mut egui_kittest::Harness<'static, PailApp>, field: &str, text: &str| {
            click(harness, field);
            harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
            harness.get_by_label(field).type_text(text);
            harness.run_steps(3);
        };
    type_into(&mut harness, "Pattern", "*.html");
    type_into(&mut harness, "Content-Type", "text/html; charset=utf-8");
    type_into(&mut harness, "Cache-Control", "max-age=60");
    click(&mut harness, "Add rule");
    wait_for(&mut harness, "the rule added", |app| {
        rules_shown(app).is_some_and(|r| r.is_ok_and(|r| r.len() == 1))
    });
    harness.get_by_label(
        "*.html gets Content-Type: text/html; charset=utf-8 · Cache-Control: max-age=60",
    );
    let file = config.path().join("upload-headers.toml");
    let written = std::fs::read(&file).unwrap();
    let said = text(&written);
    assert!(
        said.contains("*.html") && said.contains("max-age=60"),
        "{said}"
    );

    // A value S3 cannot send is refused before anything is written.
    type_into(&mut harness, "Pattern", "*.css");
    type_into(&mut harness, "Cache-Control", "max-âge=60");
    click(&mut harness, "Add rule");
    wait_for(&mut harness, "the refusal", |app| {
        matches!(app.state().bucket_dialog(), Some(BucketDialog::Properties(w))
            if w.upload_rules.as_ref().is_some_and(|s| s.refused().is_some()))
    });
    assert_eq!(
        std::fs::read(&file).unwrap(),
        written,
        "the file is left as it was"
    );
    assert!(rules_shown(harness.state()).is_some_and(|r| r.is_ok_and(|r| r.len() == 1)));

    // The next upload gets the rule's headers.
    click(&mut harness, "Close");
    let files = site();
    harness
        .input_mut()
        .dropped_files
        .push(std::sync::Arc::new(DesktopFile(
            files.path().join("index.html"),
        )));
    wait_for(&mut harness, "the upload", |app| {
        app.state().active_transfers() == 0 && app.state().transfers.rows().len() == 1
    });
    let page = head(&server, "index.html").await;
    assert_eq!(page.content_type(), Some("text/html; charset=utf-8"));
    assert_eq!(page.cache_control(), Some("max-age=60"));

    // Remove takes it out of the file.
    harness.get_by_label("site").click_secondary();
    harness.run_steps(2);
    click(&mut harness, "Bucket properties");
    wait_for(&mut harness, "the rules", |app| {
        rules_shown(app).is_some_and(|r| r.is_ok_and(|r| r.len() == 1))
    });
    click(&mut harness, "Remove rule *.html");
    wait_for(&mut harness, "the rule removed", |app| {
        rules_shown(app).is_some_and(|r| r.is_ok_and(|r| r.is_empty()))
    });
    assert!(!text(&std::fs::read(&file).unwrap()).contains("*.html"));
}
