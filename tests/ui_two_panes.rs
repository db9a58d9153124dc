//! Two panes, driven with egui_kittest against the local S3 server: a folder on this computer
//! beside the bucket, F5 copying the active pane's selection across both ways (bytes
//! compared), Tab switching panes, and Compare's marks.

mod common;

use common::ui::{click, wait_for};
use common::{get_object, put_object, server_with_bucket};
use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use pail::app::second_pane::state::ActivePane;
use pail::app::{AppOptions, ListingState, Loadable, PailApp};
use pail::compare::Mark;
use pail::demo::demo_profile;

/// A wide window on `server`'s buckets, once they are listed.
fn window(server: &pail::demo::server::LocalServer) -> Harness<'static, PailApp> {
    let profile = demo_profile(server);
    let mut harness = Harness::builder()
        .with_size([1400.0, 800.0])
        .build_eframe(move |cc| {
            let options = AppOptions {
                clipboard: Box::new(pail::app::clipboard::MemoryClipboard::default()),
                history_path: None,
                config_dir: None,
                picker: std::sync::Arc::new(pail::app::picker::FixedPicker::default()),
            };
            PailApp::with_options(&cc.egui_ctx, vec![profile], None, options).unwrap()
        });
    wait_for(&mut harness, "buckets", |app| {
        matches!(app.state().buckets, Loadable::Ready(_))
    });
    harness
}

fn listed(app: &PailApp, name: &str) -> bool {
    app.state().listing_state == ListingState::Done
        && app.state().listing.rows().iter().any(|r| &*r.name == name)
}

#[tokio::test(flavor = "multi_thread")]
async fn f5_copies_across_the_panes_both_ways_and_compare_marks_the_differences() {
    let server = server_with_bucket("team");
    put_object(&server, "team", "report ü.pdf", b"%PDF from the bucket").await;
    let local = tempfile::tempdir().unwrap();
    std::fs::write(
        local.path().join("notes+1.txt"),
        b"notes from this computer",
    )
    .unwrap();
    let mut harness = tokio::task::block_in_place(|| window(&server));
    harness.get_by_label("team").click();
    wait_for(&mut harness, "the bucket", |app| {
        listed(app, "report ü.pdf")
    });

    click(&mut harness, "Two panes");
    harness.get_by_label("Source");
    click(&mut harness, "Local folder");
    harness.key_press_modifiers(egui::Modifiers::COMMAND, Key::A);
    harness
        .get_by_label("Local folder")
        .type_text(&local.path().display().to_string());
    harness.key_press(Key::Enter);
    wait_for(&mut harness, "the local folder", |app| {
        app.state()
            .second_pane
            .as_ref()
            .is_some_and(|p| p.entries().iter().any(|e| e.name == "notes+1.txt"))
    });

    // This computer → the bucket: select, F5.
    harness.get_by_label("notes+1.txt").click();
    harness.run_steps(2);
    assert_eq!(harness.state().state().active_pane, ActivePane::Right);
    harness.key_press(Key::F5);
    wait_for(&mut harness, "the upload", |app| listed(app, "notes+1.txt"));
    assert_eq!(
        get_object(&server, "team", "notes+1.txt").await,
        Some(b"notes from this computer".to_vec())
    );

    // Tab: the bucket is active again; its selection goes to this computer.
    harness.key_press(Key::Tab);
    harness.run_steps(2);
    assert_eq!(harness.state().state().active_pane, ActivePane::Left);
    let position = harness
        .state()
        .state()
        .listing
        .position_of("report ü.pdf")
        .unwrap();
    harness
        .state_mut()
        .state_mut()
        .listing
        .click(position, false, false);
    harness.key_press(Key::F5);
    let arrived = local.path().join("report ü.pdf");
    wait_for(&mut harness, "the download", |app| {
        app.state().active_transfers() == 0
            && app
                .state()
                .second_pane
                .as_ref()
                .is_some_and(|p| p.entries().iter().any(|e| e.name == "report ü.pdf"))
    });
    assert_eq!(std::fs::read(&arrived).unwrap(), b"%PDF from the bucket");

    // Compare after changing one file here and adding another.
    std::fs::write(local.path().join("notes+1.txt"), b"notes, longer now").unwrap();
    std::fs::write(local.path().join("only here.txt"), b"x").unwrap();
    click(&mut harness, "🔄");
    wait_for(&mut harness, "the local refresh", |app| {
        app.state()
            .second_pane
            .as_ref()
            .is_some_and(|p| p.entries().iter().any(|e| e.name == "only here.txt"))
    });
    click(&mut harness, "Compare");
    let marks = harness.state().state().compare_marks.clone().unwrap();
    assert_eq!(marks["notes+1.txt"], Mark::Differs);
    assert_eq!(
        marks["only here.txt"],
        Mark::OnlyRight,
        "on this computer only"
    );
    assert!(matches!(
        marks["report ü.pdf"],
        Mark::Same | Mark::NewerRight | Mark::NewerLeft
    ));
    harness.get_by_label("only here");
    assert_eq!(
        harness.query_all_by_label("differs").count(),
        2,
        "marked in both panes"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn new_folder_rename_and_delete_to_the_trash_on_this_computer() {
    let server = server_with_bucket("team");
    let local = tempfile::tempdir().unwrap();
    std::fs::write(local.path().join("draft.txt"), b"draft").unwrap();
    let mut harness = tokio::task::block_in_place(|| window(&server));
    click(&mut harness, "Two panes");
    click(&mut harness, "Local folder");
    harness.key_press_modifiers(egui::Modifiers::COMMAND, Key::A);
    harness
        .get_by_label("Local folder")
        .type_text(&local.path().display().to_string());
    harness.key_press(Key::Enter);
    let has = |name: &'static str| {
        move |app: &PailApp| {
            app.state()
                .second_pane
                .as_ref()
                .is_some_and(|p| p.entries().iter().any(|e| e.name == name))
        }
    };
    wait_for(&mut harness, "the local folder", has("draft.txt"));

    // F7: a new folder.
    harness.get_by_label("draft.txt").click();
    harness.run_steps(2);
    harness.key_press(Key::F7);
    harness.run_steps(2);
    click(&mut harness, "Folder name");
    harness
        .get_by_label("Folder name")
        .type_text("archive 2026");
    harness.run_steps(1);
    click(&mut harness, "Create");
    wait_for(&mut harness, "the new folder", has("archive 2026"));
    assert!(local.path().join("archive 2026").is_dir());

    // F2: rename the file.
    harness.get_by_label("draft.txt").click();
    harness.run_steps(2);
    harness.key_press(Key::F2);
    harness.run_steps(2);
    click(&mut harness, "New name");
    harness.key_press_modifiers(egui::Modifiers::COMMAND, Key::A);
    harness.get_by_label("New name").type_text("final.txt");
    harness.run_steps(1);
    click(&mut harness, "Rename");
    wait_for(&mut harness, "the rename", has("final.txt"));
    assert_eq!(
        std::fs::read(local.path().join("final.txt")).unwrap(),
        b"draft"
    );

    // F8: to the trash, after asking.
    harness.get_by_label("final.txt").click();
    harness.run_steps(2);
    harness.key_press(Key::F8);
    harness.run_steps(2);
    harness.get_by_label_contains("go to the system's trash");
    click(&mut harness, "Move to trash");
    wait_for(&mut harness, "the trash", |app| {
        app.state()
            .second_pane
            .as_ref()
            .is_some_and(|p| p.entries().iter().all(|e| e.name != "final.txt"))
            && (app.state().notice.is_some() || app.state().last_error.is_some())
    });
    let said = harness
        .state()
        .state()
        .notice
        .clone()
        .or(harness.state().state().last_error.clone())
        .unwrap();
    assert!(said.contains("Moved 1 item to the trash"), "{said}");
    assert!(!local.path().join("final.txt").exists());

    // Places: the home folder (then drives or volumes, or the root) is a click away.
    let places = harness
        .state()
        .state()
        .second_pane
        .as_ref()
        .unwrap()
        .places()
        .to_vec();
    let home = places.first().expect("the home folder is a place").clone();
    click(&mut harness, "Places");
    click(&mut harness, &home.display().to_string());
    wait_for(&mut harness, "the home folder", move |app| {
        app.state()
            .second_pane
            .as_ref()
            .is_some_and(|p| p.path() == home && !p.is_loading())
    });
}
