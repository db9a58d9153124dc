//! Helpers for driving the window with egui_kittest.

use std::time::{Duration, Instant};

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use pail::testing::app::picker::FixedPicker;
use pail::testing::app::{AppOptions, ListingState, Loadable, PailApp};
use pail::testing::demo::demo_profile;
use pail::testing::demo::server::LocalServer;

/// Steps frames until `done` holds, failing after 120 s. The worker answers on its own
/// threads, so this waits in real time. (Under Wine, with the whole suite on 2 cores, a search
/// of the demo's 10,000 keys once took more than 30 s.)
#[track_caller]
pub fn wait_for(
    harness: &mut Harness<'_, PailApp>,
    what: &str,
    mut done: impl FnMut(&PailApp) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        harness.step();
        if done(harness.state()) {
            harness.step();
            return;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Moves the pointer onto the widget first, as a person does: a press that arrives with a
/// jump of the pointer is not taken as a click on a freshly laid out widget.
pub fn click(harness: &mut Harness<'_, PailApp>, label: &str) {
    harness.get_by_label(label).hover();
    harness.run_steps(2);
    harness.get_by_label(label).click();
    harness.run_steps(3);
}

/// Like [`click`], for a button of a dialog whose name the window's toolbar also has
/// ("Delete"): dialogs are drawn last, so theirs is the last node of that name.
pub fn click_in_dialog(harness: &mut Harness<'_, PailApp>, label: &str) {
    harness
        .get_all_by_label(label)
        .last()
        .expect("a node with that name")
        .hover();
    harness.run_steps(2);
    harness
        .get_all_by_label(label)
        .last()
        .expect("a node with that name")
        .click();
    harness.run_steps(3);
}

/// A window on `server` (the demo keys), as it opens.
pub fn demo_harness(server: &LocalServer) -> Harness<'static, PailApp> {
    demo_harness_with_picker(server, FixedPicker::default())
}

/// [`demo_harness`] whose file dialogs answer as `picker` says.
pub fn demo_harness_with_picker(
    server: &LocalServer,
    picker: FixedPicker,
) -> Harness<'static, PailApp> {
    let profile = demo_profile(server);
    Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| {
            let options = AppOptions {
                clipboard: Box::new(pail::testing::app::clipboard::MemoryClipboard::default()),
                history_path: None,
                config_dir: None,
                picker: std::sync::Arc::new(picker),
            };
            PailApp::with_options(&cc.egui_ctx, vec![profile], None, options).unwrap()
        })
}

/// Waits for the demo's buckets, then opens `pail-demo` at its top, as a person does.
pub fn open_demo_bucket(harness: &mut Harness<'_, PailApp>) {
    wait_for(harness, "the buckets", |app| {
        matches!(app.state().explorer.buckets(), Loadable::Ready(_))
    });
    harness.get_by_label("pail-demo").click();
    wait_for(harness, "the bucket's top", |app| {
        *app.state().explorer.listing_state() == ListingState::Done
    });
}

/// A window on `server` (the demo keys) with the Web URL dialog open on `object` at the top
/// of `bucket`, as a person gets there: the bucket clicked, the row clicked, Ctrl+L.
pub fn web_url_on(
    server: &LocalServer,
    config_dir: Option<std::path::PathBuf>,
    picker: FixedPicker,
    bucket: &str,
    object: &str,
) -> Harness<'static, PailApp> {
    let clipboard = pail::testing::app::clipboard::MemoryClipboard::default();
    web_url_on_with(server, config_dir, picker, clipboard, bucket, object)
}

/// [`web_url_on`] with the clipboard given, to read what was copied.
pub fn web_url_on_with(
    server: &LocalServer,
    config_dir: Option<std::path::PathBuf>,
    picker: FixedPicker,
    clipboard: pail::testing::app::clipboard::MemoryClipboard,
    bucket: &str,
    object: &str,
) -> Harness<'static, PailApp> {
    let profile = demo_profile(server);
    let mut harness = Harness::builder()
        .with_size([1280.0, 900.0])
        .build_eframe(move |cc| {
            let options = AppOptions {
                clipboard: Box::new(clipboard),
                history_path: None,
                config_dir,
                picker: std::sync::Arc::new(picker),
            };
            PailApp::with_options(&cc.egui_ctx, vec![profile], None, options).unwrap()
        });
    wait_for(&mut harness, "buckets", |app| {
        matches!(app.state().explorer.buckets(), Loadable::Ready(_))
    });
    harness.get_by_label(bucket).click();
    wait_for(&mut harness, "the bucket", |app| {
        *app.state().explorer.listing_state() == ListingState::Done
    });
    harness.get_by_label(object).click();
    harness.step();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::L);
    harness.run_steps(4);
    harness
}
