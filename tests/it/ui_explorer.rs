//! The explorer window driven through egui_kittest against the demo data on a real local S3
//! server: profile → buckets → folders → objects, history, a 10,000-object folder across
//! pages, and a server that goes away.

use std::time::Duration;

use crate::common;

use common::ui::wait_for;

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use pail::testing::app::clipboard::MemoryClipboard;
use pail::testing::app::{AppOptions, ListingState, Loadable, PailApp};
use pail::testing::demo::server::LocalServer;
use pail::testing::demo::{DEMO_ACCESS_KEY, DEMO_SECRET_KEY, MANY_OBJECTS, demo_profile, seed};

fn demo_server() -> LocalServer {
    let server = LocalServer::start_temporary(DEMO_ACCESS_KEY, DEMO_SECRET_KEY).unwrap();
    seed(server.root()).unwrap();
    server
}

fn harness(server: &LocalServer) -> Harness<'static, PailApp> {
    harness_with(server, egui_kittest::Harness::builder())
}

fn harness_with(
    server: &LocalServer,
    builder: egui_kittest::HarnessBuilder<PailApp>,
) -> Harness<'static, PailApp> {
    let profile = demo_profile(server);
    builder.with_size([1280.0, 800.0]).build_eframe(move |cc| {
        let options = AppOptions {
            clipboard: Box::new(MemoryClipboard::default()),
            history_path: None,
            config_dir: None,
            picker: std::sync::Arc::new(pail::testing::app::picker::FixedPicker::default()),
        };
        PailApp::with_options(&cc.egui_ctx, vec![profile], None, options).unwrap()
    })
}

fn listing_done(app: &PailApp) -> bool {
    *app.state().explorer.listing_state() == ListingState::Done
}

fn prefix(app: &PailApp) -> String {
    app.state()
        .explorer
        .location()
        .map(|l| l.prefix.clone())
        .unwrap_or_default()
}

fn buckets_ready(app: &PailApp) -> bool {
    matches!(app.state().explorer.buckets(), Loadable::Ready(_))
}

#[test]
fn browse_buckets_folders_and_history() {
    let server = demo_server();
    let mut harness = harness(&server);

    wait_for(&mut harness, "the demo buckets", buckets_ready);
    assert_eq!(harness.state().state().profile().unwrap().name, "Demo");
    harness.get_by_label("backups");
    harness.get_by_label("website-assets");

    harness.get_by_label("pail-demo").click();
    wait_for(&mut harness, "the bucket's top folder", listing_done);
    harness.get_by_label("README.txt");
    harness.get_by_label("awkward names/");

    // Select a folder and open it with Enter.
    harness.get_by_label("reports/").click();
    harness.step();
    harness.key_press(Key::Enter);
    wait_for(&mut harness, "reports/", |app| {
        prefix(app) == "reports/" && listing_done(app)
    });
    harness.get_by_label("2026/").click();
    harness.step();
    harness.key_press(Key::Enter);
    wait_for(&mut harness, "reports/2026/", |app| {
        prefix(app) == "reports/2026/" && listing_done(app)
    });
    harness.get_by_label("q3 results.pdf");
    harness.get_by_label("invoices/");
    let summary = format!(
        "{}",
        harness.state().state().explorer.listing().object_count()
    );
    assert_eq!(summary, "4");

    // Up, then Back and Forward.
    harness.get_by_label("Up").click();
    wait_for(&mut harness, "up to reports/", |app| {
        prefix(app) == "reports/" && listing_done(app)
    });
    harness.get_by_label("Back").click();
    wait_for(&mut harness, "back to reports/2026/", |app| {
        prefix(app) == "reports/2026/" && listing_done(app)
    });
    harness.get_by_label("Forward").click();
    wait_for(&mut harness, "forward to reports/", |app| {
        prefix(app) == "reports/" && listing_done(app)
    });

    // Keyboard: Backspace goes up, Alt+Left goes back.
    harness.key_press(Key::Backspace);
    wait_for(&mut harness, "Backspace to the top", |app| {
        prefix(app).is_empty() && listing_done(app)
    });
    harness.key_press_modifiers(Modifiers::ALT, Key::ArrowLeft);
    wait_for(&mut harness, "Alt+Left back to reports/", |app| {
        prefix(app) == "reports/" && listing_done(app)
    });

    // Breadcrumbs lead back to the bucket's top.
    harness.get_by_label("s3://pail-demo").click();
    wait_for(&mut harness, "breadcrumb to the top", |app| {
        prefix(app).is_empty() && listing_done(app)
    });
}

#[test]
fn awkward_names_are_listed_as_they_are() {
    let server = demo_server();
    // The window draws CJK with the system's fonts; the test harness has none, so it may
    // draw boxes for them instead of failing.
    let mut harness = harness_with(&server, Harness::builder().allow_missing_glyphs());
    wait_for(&mut harness, "buckets", buckets_ready);
    harness.get_by_label("pail-demo").click();
    wait_for(&mut harness, "top folder", listing_done);
    harness.get_by_label("awkward names/").click();
    harness.step();
    harness.key_press(Key::Enter);
    wait_for(&mut harness, "awkward names/", |app| {
        prefix(app) == "awkward names/" && listing_done(app)
    });
    for name in [
        "space in name.txt",
        "plus+sign.txt",
        "100% real.txt",
        "ünïcødé 日本語.txt",
        "emoji 🎉 party.txt",
        "nested/",
    ] {
        harness.get_by_label(name);
    }
}

/// Names in the scripts people use, drawn with the system's fonts as the window finds them
/// (eframe's system font provider). No tofu is allowed: the harness fails on a missing
/// glyph. Arabic and Hebrew need a font such as DejaVu Sans (fonts-dejavu-core), Chinese,
/// Japanese and Korean one such as WenQuanYi Micro Hei (fonts-wqy-microhei) or Noto Sans CJK
/// (fonts-noto-cjk); .ci/run installs the small ones.
#[test]
#[cfg_attr(windows, ignore = "asks Linux's fc-list for the system's fonts")]
fn names_in_chinese_japanese_korean_arabic_and_hebrew_render_with_the_systems_fonts() {
    // Without the fonts there is nothing to find: said, and skipped (CI installs them, and
    // there a missing font fails).
    let has_font = |lang: &str| {
        std::process::Command::new("fc-list")
            .arg(format!(":lang={lang}"))
            .output()
            .is_ok_and(|out| !out.stdout.is_empty())
    };
    let missing: Vec<&str> = ["zh", "ja", "ko", "ar", "he"]
        .into_iter()
        .filter(|lang| !has_font(lang))
        .collect();
    if !missing.is_empty() && std::env::var_os("CI").is_none() {
        eprintln!(
            "skipped: no system font for {missing:?} (fonts-wqy-microhei, fonts-dejavu-core)"
        );
        return;
    }
    let server = LocalServer::start_temporary(DEMO_ACCESS_KEY, DEMO_SECRET_KEY).unwrap();
    server.create_bucket("scripts").unwrap();
    let names = [
        "报告 2026.pdf",
        "レポート.txt",
        "보고서.txt",
        "تقرير.txt",
        "דוח שנתי.txt",
    ];
    for name in names {
        std::fs::write(server.root().join("scripts").join(name), b"x").unwrap();
    }
    let profile = demo_profile(&server);
    let mut harness = egui_kittest::Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| {
            // What eframe installs in the real window (its `system_fonts` feature).
            cc.egui_ctx.add_font_provider(std::sync::Arc::new(
                egui_system_font_provider::SystemFontProvider::new(),
            ));
            let options = AppOptions {
                clipboard: Box::new(MemoryClipboard::default()),
                history_path: None,
                config_dir: None,
                picker: std::sync::Arc::new(pail::testing::app::picker::FixedPicker::default()),
            };
            PailApp::with_options(&cc.egui_ctx, vec![profile], None, options).unwrap()
        });
    wait_for(&mut harness, "buckets", buckets_ready);
    harness.get_by_label("scripts").click();
    wait_for(&mut harness, "the names", listing_done);
    for name in names {
        harness.get_by_label(name);
    }
    // Drawn, glyph by glyph: a missing one would have failed the frame above.
    harness.run_steps(2);
}

#[test]
fn ten_thousand_objects_arrive_across_pages_and_filter() {
    let server = demo_server();
    let mut harness = harness(&server);
    wait_for(&mut harness, "buckets", buckets_ready);
    harness.get_by_label("pail-demo").click();
    wait_for(&mut harness, "top folder", listing_done);
    harness.get_by_label("many-objects/").click();
    harness.step();
    harness.key_press(Key::Enter);

    // Rows show while later pages still load.
    wait_for(&mut harness, "the first page", |app| {
        prefix(app) == "many-objects/" && app.state().explorer.listing().object_count() > 0
    });
    harness.get_by_label("object-00000.txt");
    wait_for(&mut harness, "every page", listing_done);
    let listing = harness.state().state().explorer.listing();
    assert_eq!(listing.object_count(), MANY_OBJECTS);
    // Three pages one after another, then key ranges side by side: each row once.
    assert!(
        listing.pages() >= MANY_OBJECTS / 1000,
        "{}",
        listing.pages()
    );
    let names: std::collections::BTreeSet<&str> = listing.rows().iter().map(|r| &*r.name).collect();
    assert_eq!(names.len(), MANY_OBJECTS);
    harness.get_by_label_contains("10,000 objects");

    // Ctrl+F, type a filter: only matching rows remain.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::F);
    harness.step();
    harness.get_by_label("Filter").type_text("object-0999");
    harness.run_steps(3);
    assert_eq!(harness.state().state().explorer.listing().view_len(), 10);
    harness.get_by_label("object-09990.txt");

    // Sort by size descending by clicking the header twice.
    harness.get_by_label("Size").click();
    harness.run_steps(2);
    harness.get_by_label("Size ⏶").click();
    harness.run_steps(2);
    harness.get_by_label("Size ⏷");
    let sort = harness.state().state().explorer.listing().sort();
    assert!(!sort.ascending);

    // Ctrl+A outside the filter box selects every shown row.
    harness.get_by_label("object-09990.txt").click();
    harness.step();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.step();
    assert_eq!(
        harness.state().state().explorer.listing().selected_count(),
        10
    );
}

#[test]
fn stop_keeps_what_was_loaded() {
    let server = demo_server();
    let mut harness = harness(&server);
    wait_for(&mut harness, "buckets", buckets_ready);
    harness.get_by_label("pail-demo").click();
    wait_for(&mut harness, "top folder", listing_done);
    harness.get_by_label("many-objects/").click();
    harness.step();
    harness.key_press(Key::Enter);
    wait_for(&mut harness, "the first page", |app| {
        app.state().explorer.listing().object_count() > 0
    });
    if matches!(
        harness.state().state().explorer.listing_state(),
        ListingState::Loading { .. }
    ) {
        harness.get_by_label("Stop").click();
        harness.step();
        assert_eq!(
            *harness.state().state().explorer.listing_state(),
            ListingState::Stopped
        );
        let loaded = harness.state().state().explorer.listing().object_count();
        std::thread::sleep(Duration::from_millis(500));
        harness.run_steps(5);
        assert_eq!(
            harness.state().state().explorer.listing().object_count(),
            loaded
        );
    }
}

#[test]
fn a_stopped_server_shows_an_error_and_the_window_still_answers() {
    let mut server = demo_server();
    let mut harness = harness(&server);
    wait_for(&mut harness, "buckets", buckets_ready);
    harness.get_by_label("pail-demo").click();
    wait_for(&mut harness, "top folder", listing_done);

    server.stop();
    harness.get_by_label("Refresh").click();
    wait_for(&mut harness, "the error", |app| {
        matches!(
            app.state().explorer.listing_state(),
            ListingState::Failed(_)
        )
    });
    let error = harness
        .state()
        .state()
        .explorer
        .banner_error()
        .unwrap()
        .to_string();
    assert!(error.contains("cannot reach"), "{error}");
    harness.get_by_label("Retry");

    // The window answers clicks while S3 is gone.
    harness.get_by_label("backups").click();
    harness.step();
    assert_eq!(
        harness
            .state()
            .state()
            .explorer
            .location()
            .unwrap()
            .bucket
            .as_str(),
        "backups"
    );
    harness.get_by_label("Back").click();
    harness.step();
    assert_eq!(
        harness
            .state()
            .state()
            .explorer
            .location()
            .unwrap()
            .bucket
            .as_str(),
        "pail-demo"
    );
}

#[test]
fn rows_are_found_selected_and_opened_by_their_accessible_name() {
    let server = demo_server();
    let mut harness = harness(&server);
    wait_for(&mut harness, "buckets", buckets_ready);
    harness.get_by_label("pail-demo").click();
    wait_for(&mut harness, "the bucket", listing_done);

    // A screen reader (or automation) selects a row by its name through AccessKit.
    let row = harness.get_by_role_and_label(egui::accesskit::Role::Row, "README.txt");
    row.click_accesskit();
    harness.run_steps(3);
    let listing = harness.state().state().explorer.listing();
    assert_eq!(listing.selected_count(), 1);
    let selected = listing.selected_rows();
    assert_eq!(&*selected[0].name, "README.txt");
    let node = harness.get_by_role_and_label(egui::accesskit::Role::Row, "README.txt");
    assert_eq!(node.accesskit_node().is_selected(), Some(true));

    // A folder row is opened from the keyboard once selected.
    harness
        .get_by_role_and_label(egui::accesskit::Role::Row, "photos/")
        .click_accesskit();
    harness.run_steps(2);
    harness.key_press(Key::Enter);
    wait_for(&mut harness, "photos/", |app| {
        listing_done(app) && prefix(app) == "photos/"
    });

    // Toolbar buttons are named in words, without their emoji.
    assert!(harness.query_by_label("Web URL").is_some());
    assert!(harness.query_by_label("🔗 Web URL").is_none());
}
