//! A window on an S3 server mounted under a path (moto behind the prefix-stripping proxy of
//! `common::prefix_proxy`), through egui_kittest: the New profile form refuses an endpoint
//! path that cannot work as it is typed, keeps the one that can byte for byte, Test connection
//! reaches it; the profile browses a bucket, and the Web URL it makes fetches the object.

use std::time::Duration;

use crate::common;

use common::moto::Moto;
use common::prefix_proxy::PrefixProxy;
use common::ui::{click, wait_for};
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use pail::testing::app::clipboard::MemoryClipboard;
use pail::testing::app::{AppOptions, ListingState, Loadable, PailApp};

use crate::endpoint_paths::PREFIX;

fn harness(config_dir: &std::path::Path, clipboard: MemoryClipboard) -> Harness<'static, PailApp> {
    let dir = config_dir.to_owned();
    Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| {
            let options = AppOptions {
                clipboard: Box::new(clipboard),
                history_path: None,
                config_dir: Some(dir),
                picker: std::sync::Arc::new(pail::testing::app::picker::FixedPicker::default()),
            };
            PailApp::with_options(&cc.egui_ctx, Vec::new(), None, options).unwrap()
        })
}

/// Replaces the text of the field labelled `label`.
fn fill(harness: &mut Harness<'_, PailApp>, label: &str, text: &str) {
    click(harness, label);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.get_by_label(label).type_text(text);
    harness.run_steps(2);
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn a_profile_under_a_path_browses_and_makes_a_web_url_that_fetches() {
    let Some(moto) = Moto::start() else {
        eprintln!("moto is not installed; skipped");
        return;
    };
    let proxy = PrefixProxy::start(moto.endpoint_url(), PREFIX).await;
    moto.bucket_with(
        "under-path",
        [("docs/report 2026.pdf", &b"%PDF under a path"[..])],
    )
    .await;
    let endpoint = proxy.endpoint_url();
    let config = tempfile::tempdir().unwrap();
    let clipboard = MemoryClipboard::default();
    let mut harness = harness(config.path(), clipboard.clone());
    wait_for(&mut harness, "the profiles to load", |app| {
        app.state().profiles.store().is_some()
    });

    click(&mut harness, "Profiles");
    click(&mut harness, "Add");
    fill(&mut harness, "Name", "storage-under-path");
    fill(&mut harness, "Access key ID", "MOTOKEY");
    fill(&mut harness, "Secret access key", "moto-secret");
    click(&mut harness, "Endpoint provider");
    click(&mut harness, "Custom URL");
    // Refused as it is typed, with the reason: `..` would be resolved away by one client and
    // not another.
    fill(&mut harness, "Endpoint URL", &format!("{endpoint}/../s3"));
    harness.get_by_label("⚠ the path may not hold `.` or `..` segments");
    fill(&mut harness, "Endpoint URL", &endpoint);
    assert!(harness.query_by_label_contains("may not hold").is_none());

    click(&mut harness, "Test connection");
    wait_for(&mut harness, "the connection test", |app| {
        app.state()
            .profiles_window()
            .is_some_and(|w| !w.testing() && w.test_result().is_some())
    });
    harness.get_by_label("✔ Connected: 1 bucket");
    click(&mut harness, "Save");
    wait_for(&mut harness, "the saved profile", |app| {
        app.state()
            .profiles
            .store()
            .is_some_and(|s| s.get("storage-under-path").is_some())
    });
    std::thread::sleep(Duration::from_millis(300));
    let config_text = std::fs::read_to_string(config.path().join("config.toml")).unwrap();
    assert!(
        config_text.contains(&format!("endpoint = \"{endpoint}\"\n")),
        "kept as typed: {config_text}"
    );

    click(&mut harness, "Close");
    click(&mut harness, "Profile");
    click(&mut harness, "storage-under-path  ·  Pail");
    wait_for(
        &mut harness,
        "the profile's buckets",
        |app| matches!(app.state().explorer.buckets(), Loadable::Ready(b) if b.iter().any(|b| b.name == "under-path")),
    );
    harness.get_by_label("under-path").click();
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

    harness.get_by_label("report 2026.pdf").click();
    harness.step();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::L);
    harness.run_steps(3);
    click(&mut harness, "Generate");
    wait_for(&mut harness, "the link", |app| {
        app.state().web_url().is_some_and(|d| {
            d.generating().is_none() && (!d.links().is_empty() || d.error().is_some())
        })
    });
    click(&mut harness, "Copy");
    let copied = clipboard.contents().text.unwrap();
    assert!(
        copied.starts_with(&format!("{endpoint}/under-path/docs/report%202026.pdf?")),
        "{copied}"
    );
    let answer = common::http().get(&copied).send().await.unwrap();
    assert_eq!(answer.status(), 200, "{copied}");
    assert_eq!(answer.bytes().await.unwrap(), &b"%PDF under a path"[..]);
    assert_eq!(
        proxy.strays(),
        Vec::<String>::new(),
        "requests outside the path"
    );
}
