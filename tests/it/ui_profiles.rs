//! The Profiles window through egui_kittest against the local S3 server: create a profile in
//! the form, Test connection, save it (to 0600 files), use it, see a wrong secret refused with
//! a readable message, and delete it.

use std::time::Duration;

use crate::common;

use common::ui::{click, click_in_dialog, wait_for};
use common::{ACCESS_KEY, SECRET_KEY, server_with_bucket};
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use pail::testing::app::clipboard::MemoryClipboard;
use pail::testing::app::{AppOptions, Loadable, PailApp};
use pail::testing::profiles::store::ProfileStore;

fn harness(config_dir: &std::path::Path) -> Harness<'static, PailApp> {
    let dir = config_dir.to_owned();
    Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| {
            let options = AppOptions {
                clipboard: Box::new(MemoryClipboard::default()),
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

fn tested(app: &PailApp) -> bool {
    app.state()
        .profiles_window()
        .is_some_and(|w| !w.testing() && w.test_result().is_some())
}

#[test]
fn create_test_use_and_delete_a_profile() {
    let server = server_with_bucket("client-files");
    let config = tempfile::tempdir().unwrap();
    let mut harness = harness(config.path());
    wait_for(&mut harness, "the profiles to load", |app| {
        app.state().profiles.store().is_some()
    });

    click(&mut harness, "Profiles");
    click(&mut harness, "Add");
    fill(&mut harness, "Name", "client-minio");
    fill(&mut harness, "Access key ID", ACCESS_KEY);
    fill(&mut harness, "Secret access key", SECRET_KEY);
    // The secret is masked unless Show is ticked.
    assert!(harness.query_by_label(SECRET_KEY).is_none());
    click(&mut harness, "Endpoint provider");
    click(&mut harness, "Custom URL");
    fill(&mut harness, "Endpoint URL", &server.endpoint_url());
    let form = harness
        .state()
        .state()
        .profiles_window()
        .and_then(|w| w.form().cloned())
        .unwrap();
    assert!(
        form.path_style,
        "custom endpoints are path-style by default"
    );

    click(&mut harness, "Test connection");
    wait_for(&mut harness, "the connection test", tested);
    harness.get_by_label("✔ Connected: 1 bucket");

    click(&mut harness, "Save");
    wait_for(&mut harness, "the saved profile", |app| {
        app.state()
            .profiles
            .store()
            .is_some_and(|s| s.get("client-minio").is_some())
    });
    // Written to disk, keys apart and private.
    std::thread::sleep(Duration::from_millis(300));
    let (stored, warnings) = ProfileStore::load(config.path());
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(stored.profiles.len(), 1);
    let config_text = std::fs::read_to_string(config.path().join("config.toml")).unwrap();
    assert!(!config_text.contains(SECRET_KEY));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(config.path().join("credentials.toml"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // Use it: close the window, pick it, its buckets list.
    click(&mut harness, "Close");
    click(&mut harness, "Profile");
    click(&mut harness, "client-minio  ·  Pail");
    assert_eq!(
        harness.state().state().profile().map(|p| p.name.as_str()),
        Some("client-minio")
    );
    wait_for(
        &mut harness,
        "the profile's buckets",
        |app| matches!(&app.state().explorer.buckets(), Loadable::Ready(b) if b.iter().any(|b| b.name == "client-files")),
    );
    harness.get_by_label("client-files");

    // A wrong secret: Test connection names the refusal.
    click(&mut harness, "Profiles");
    click(&mut harness, "Edit");
    fill(&mut harness, "Secret access key", "not-the-secret");
    click(&mut harness, "Test connection");
    wait_for(&mut harness, "the failing test", tested);
    let result = harness
        .state()
        .state()
        .profiles_window()
        .and_then(|w| w.test_result().cloned())
        .unwrap();
    let error = result.unwrap_err().to_string();
    assert!(error.contains("SignatureDoesNotMatch"), "{error}");
    assert!(
        !error.contains("not-the-secret"),
        "the secret is never shown: {error}"
    );
    click(&mut harness, "Cancel");

    // Delete, with confirmation.
    click_in_dialog(&mut harness, "Delete");
    harness.get_by_label_contains("Delete the profile client-minio");
    click(&mut harness, "Yes, delete");
    wait_for(&mut harness, "the deletion", |app| {
        app.state()
            .profiles
            .store()
            .is_some_and(|s| s.profiles.is_empty())
    });
    std::thread::sleep(Duration::from_millis(300));
    let (stored, _) = ProfileStore::load(config.path());
    assert!(stored.profiles.is_empty());
    assert!(
        !std::fs::read_to_string(config.path().join("credentials.toml"))
            .unwrap()
            .contains(SECRET_KEY)
    );
}

#[test]
fn a_settings_file_set_aside_stays_in_a_banner_until_dismissed() {
    let config = tempfile::tempdir().unwrap();
    std::fs::write(
        config.path().join("config.toml"),
        "[[profile]]\nname = \"work\"\nregion = 7\n",
    )
    .unwrap();
    let mut harness = harness(config.path());
    wait_for(&mut harness, "the profiles to load", |app| {
        !app.state().status.file_problems().is_empty()
    });
    let banner = "config.toml line 3 could not be read";
    assert!(harness.query_by_label_contains(banner).is_some());
    // A later error goes to the status bar; the banner stays.
    harness
        .state_mut()
        .state_mut()
        .status
        .set_error("the network is down");
    harness.run_steps(2);
    assert!(harness.query_by_label_contains(banner).is_some());
    assert!(
        harness
            .query_by_label_contains("the network is down")
            .is_some()
    );
    click(&mut harness, "Dismiss");
    assert!(harness.query_by_label_contains(banner).is_none());
}
