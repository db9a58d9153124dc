//! File operations in the window through egui_kittest against the local S3 server: files and a
//! folder dropped on the window upload into the current folder and appear in the listing; a
//! new folder; Delete asks, then removes.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::common;

use common::ui::{click, click_in_dialog, wait_for};
use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use pail::testing::app::clipboard::MemoryClipboard;
use pail::testing::app::state::Modal;
use pail::testing::app::{AppOptions, ListingState, Loadable, PailApp};
use pail::testing::demo::server::LocalServer;
use pail::testing::demo::{DEMO_ACCESS_KEY, DEMO_SECRET_KEY, demo_profile};

/// A file dropped from the desktop.
#[derive(Debug)]
struct DesktopFile(PathBuf);

impl egui::DroppedFile for DesktopFile {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

fn names(app: &PailApp) -> Vec<String> {
    let listing = app.state().explorer.listing();
    (0..listing.view_len())
        .filter_map(|p| listing.row_at(p).map(|r| r.name.to_string()))
        .collect()
}

fn listed(app: &PailApp) -> bool {
    *app.state().explorer.listing_state() == ListingState::Done
}

/// The window on `server`'s demo profile, showing `bucket`.
fn open_bucket(
    server: &LocalServer,
    picker: pail::testing::app::picker::FixedPicker,
    bucket: &str,
) -> Harness<'static, PailApp> {
    let profile = demo_profile(server);
    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| {
            let options = AppOptions {
                clipboard: Box::new(MemoryClipboard::default()),
                history_path: None,
                config_dir: None,
                picker: std::sync::Arc::new(picker),
            };
            PailApp::with_options(&cc.egui_ctx, vec![profile], None, options).unwrap()
        });
    wait_for(&mut harness, "buckets", |app| {
        matches!(app.state().explorer.buckets(), Loadable::Ready(_))
    });
    harness.get_by_label(bucket).click();
    wait_for(&mut harness, "the bucket", listed);
    harness
}

#[test]
fn drop_files_then_delete_them() {
    let server = LocalServer::start_temporary(DEMO_ACCESS_KEY, DEMO_SECRET_KEY).unwrap();
    server.create_bucket("drop-zone").unwrap();
    std::fs::create_dir_all(server.root().join("drop-zone/inbox")).unwrap();
    std::fs::write(server.root().join("drop-zone/inbox/existing.txt"), b"x").unwrap();
    let downloads = tempfile::tempdir().unwrap();
    let picker = pail::testing::app::picker::FixedPicker {
        files: None,
        folder: Some(downloads.path().to_owned()),
        ..Default::default()
    };
    let mut harness = open_bucket(&server, picker, "drop-zone");
    harness.get_by_label("inbox/").click();
    harness.step();
    harness.key_press(Key::Enter);
    wait_for(&mut harness, "inbox/", |app| {
        listed(app)
            && app
                .state()
                .explorer
                .location()
                .is_some_and(|l| l.prefix == "inbox/")
    });

    // Drop a file and a folder from the desktop.
    let desktop = tempfile::tempdir().unwrap();
    let file = desktop.path().join("hello drop ü.txt");
    std::fs::write(&file, b"dropped bytes").unwrap();
    let folder = desktop.path().join("pics");
    std::fs::create_dir_all(folder.join("2026")).unwrap();
    std::fs::write(folder.join("a.png"), b"png").unwrap();
    std::fs::write(folder.join("2026/b.png"), b"png too").unwrap();
    harness
        .input_mut()
        .dropped_files
        .push(Arc::new(DesktopFile(file)));
    harness
        .input_mut()
        .dropped_files
        .push(Arc::new(DesktopFile(folder)));
    wait_for(&mut harness, "the uploads and the new listing", |app| {
        app.state().active_transfers() == 0
            && app.state().transfers.rows().len() == 3
            && names(app).contains(&"hello drop ü.txt".to_owned())
            && listed(app)
    });
    assert_eq!(
        names(harness.state()),
        ["pics/", "existing.txt", "hello drop ü.txt"]
    );
    harness.get_by_label_contains("Transfers (0 running)");
    let stored = server.root().join("drop-zone/inbox");
    assert_eq!(
        std::fs::read(stored.join("hello drop ü.txt")).unwrap(),
        b"dropped bytes"
    );
    assert_eq!(
        std::fs::read(stored.join("pics/2026/b.png")).unwrap(),
        b"png too"
    );

    // Download the dropped file and folder into the folder the dialog answers with.
    click(&mut harness, "Clear finished");
    harness.get_by_label("hello drop ü.txt").click();
    harness.step();
    harness
        .get_by_label("pics/")
        .click_modifiers(egui::Modifiers::COMMAND);
    harness.step();
    click(&mut harness, "Download");
    wait_for(&mut harness, "the downloads", |app| {
        app.state().transfers.rows().len() == 3 && app.state().active_transfers() == 0
    });
    assert_eq!(
        std::fs::read(downloads.path().join("hello drop ü.txt")).unwrap(),
        b"dropped bytes"
    );
    assert_eq!(
        std::fs::read(downloads.path().join("pics/2026/b.png")).unwrap(),
        b"png too"
    );
    // Again: the files exist, so the batch asks once; Keep both.
    click(&mut harness, "Download");
    wait_for(&mut harness, "the question", |app| {
        matches!(
            app.state().modals.get(),
            Some(Modal::DownloadConflict { .. })
        )
    });
    harness.get_by_label_contains("3 files in the download folder already exist");
    click(&mut harness, "Keep both");
    wait_for(&mut harness, "the second downloads", |app| {
        app.state().transfers.rows().len() == 6 && app.state().active_transfers() == 0
    });
    assert_eq!(
        std::fs::read(downloads.path().join("hello drop ü (1).txt")).unwrap(),
        b"dropped bytes"
    );
    assert!(downloads.path().join("pics/a (1).png").exists());

    // Delete the dropped file and folder: asked first, then gone.
    click(&mut harness, "Clear finished");
    assert!(harness.state().state().transfers.rows().is_empty());
    harness.get_by_label("hello drop ü.txt").click();
    harness.step();
    harness
        .get_by_label("pics/")
        .click_modifiers(egui::Modifiers::COMMAND);
    harness.step();
    harness.key_press(Key::Delete);
    harness.run_steps(2);
    harness.get_by_label_contains("everything under it");
    click_in_dialog(&mut harness, "Delete");
    wait_for(&mut harness, "the deletion", |app| {
        listed(app) && names(app) == ["existing.txt"]
    });
    harness.get_by_label_contains("Deleted 3 objects");
    assert!(!stored.join("hello drop ü.txt").exists());
    assert!(!stored.join("pics/2026/b.png").exists());

    // Rename through the context menu, then Properties.
    harness.get_by_label("existing.txt").click();
    harness.step();
    harness.get_by_label("existing.txt").click_secondary();
    harness.run_steps(2);
    click(&mut harness, "Rename…");
    let Some(Modal::Rename { from, .. }) = harness.state().state().modals.get() else {
        panic!("the Rename dialog is open");
    };
    assert_eq!(from, "inbox/existing.txt");
    click(&mut harness, "New key");
    harness.key_press_modifiers(egui::Modifiers::COMMAND, Key::A);
    harness
        .get_by_label("New key")
        .type_text("inbox/renamed é.txt");
    harness.run_steps(2);
    click(&mut harness, "Rename");
    wait_for(&mut harness, "the rename", |app| {
        listed(app) && names(app) == ["renamed é.txt"]
    });
    assert!(stored.join("renamed é.txt").exists() && !stored.join("existing.txt").exists());
    harness.get_by_label("renamed é.txt").click();
    harness.step();
    click(&mut harness, "Properties");
    wait_for(&mut harness, "the properties", |app| {
        matches!(
            app.state().modals.get(),
            Some(Modal::Properties(Loadable::Ready(_)))
        )
    });
    harness.get_by_label("1 B (1 bytes)");
    harness.get_by_label("inbox/renamed é.txt");
}

#[test]
fn renaming_onto_an_existing_object_asks_before_replacing_it() {
    let server = LocalServer::start_temporary(DEMO_ACCESS_KEY, DEMO_SECRET_KEY).unwrap();
    server.create_bucket("names").unwrap();
    let stored = server.root().join("names");
    std::fs::write(stored.join("draft.txt"), b"new words").unwrap();
    std::fs::write(stored.join("final.txt"), b"the signed version").unwrap();
    let mut harness = open_bucket(&server, Default::default(), "names");
    let rename_onto_final = |harness: &mut Harness<'static, PailApp>| {
        harness.get_by_label("draft.txt").click();
        harness.step();
        harness.get_by_label("draft.txt").click_secondary();
        harness.run_steps(2);
        click(harness, "Rename…");
        click(harness, "New key");
        harness.key_press_modifiers(egui::Modifiers::COMMAND, Key::A);
        harness.get_by_label("New key").type_text("final.txt");
        harness.run_steps(2);
        click(harness, "Rename");
        wait_for(harness, "the question", |app| {
            matches!(app.state().modals.get(), Some(Modal::RenameConflict { .. }))
        });
    };

    rename_onto_final(&mut harness);
    harness.get_by_label_contains("final.txt exists already");
    click(&mut harness, "Cancel");
    assert!(!harness.state().state().modal_open());
    assert_eq!(
        std::fs::read(stored.join("final.txt")).unwrap(),
        b"the signed version"
    );
    assert!(stored.join("draft.txt").exists());

    rename_onto_final(&mut harness);
    click(&mut harness, "Replace");
    wait_for(&mut harness, "the rename", |app| {
        listed(app) && names(app) == ["final.txt"]
    });
    assert_eq!(
        std::fs::read(stored.join("final.txt")).unwrap(),
        b"new words"
    );
}

#[test]
fn upload_without_any_file_chooser_says_what_to_do() {
    let server = LocalServer::start_temporary(DEMO_ACCESS_KEY, DEMO_SECRET_KEY).unwrap();
    server.create_bucket("no-chooser").unwrap();
    let picker = pail::testing::app::picker::FixedPicker {
        unavailable: true,
        ..Default::default()
    };
    let mut harness = open_bucket(&server, picker, "no-chooser");
    click(&mut harness, "Upload");
    click(&mut harness, "Files…");
    wait_for(&mut harness, "the answer", |app| {
        app.state().status.error().is_some()
    });
    harness.get_by_label_contains("No file chooser is available");
    harness.get_by_label_contains("drop files onto the window");
}

#[test]
fn file_dialogs_run_on_a_helper_thread_or_on_the_ui_thread_where_the_platform_needs_it() {
    let server = LocalServer::start_temporary(DEMO_ACCESS_KEY, DEMO_SECRET_KEY).unwrap();
    server.create_bucket("dialogs").unwrap();
    let ui_thread = std::thread::current()
        .name()
        .unwrap_or("unnamed")
        .to_owned();
    // Linux and Windows: a helper thread, so the window keeps drawing. macOS (AppKit): the
    // main thread, which the window runs on.
    for (main_thread, expected) in [(false, "pail-file-dialog"), (true, ui_thread.as_str())] {
        let picker = pail::testing::app::picker::FixedPicker {
            main_thread,
            ..Default::default()
        };
        let asked_on = picker.asked_on.clone();
        let mut harness = open_bucket(&server, picker, "dialogs");
        click(&mut harness, "Upload");
        click(&mut harness, "Files…");
        wait_for(&mut harness, "the dialog", |_| {
            !asked_on.lock().unwrap().is_empty()
        });
        assert_eq!(*asked_on.lock().unwrap(), vec![expected.to_owned()]);
    }
}

#[test]
fn keys_wait_while_the_download_question_is_open() {
    let server = LocalServer::start_temporary(DEMO_ACCESS_KEY, DEMO_SECRET_KEY).unwrap();
    server.create_bucket("keys").unwrap();
    std::fs::write(server.root().join("keys/a.txt"), b"a").unwrap();
    let mut harness = open_bucket(&server, Default::default(), "keys");
    harness.get_by_label("a.txt").click();
    harness.run_steps(2);
    // Overwrite, skip or keep both? While that is asked, Delete must not start a deletion.
    harness
        .state_mut()
        .state_mut()
        .modals
        .open(Modal::DownloadConflict {
            id: pail::testing::worker::RequestId(99),
            count: 1,
            first: "/tmp/a.txt".into(),
            outlook: Box::default(),
        });
    harness.run_steps(2);
    harness.key_press(Key::Delete);
    harness.run_steps(2);
    assert!(matches!(
        harness.state().state().modals.get(),
        Some(Modal::DownloadConflict { .. })
    ));
}

#[test]
fn only_if_newer_replaces_older_files_and_leaves_newer_ones() {
    let server = LocalServer::start_temporary(DEMO_ACCESS_KEY, DEMO_SECRET_KEY).unwrap();
    server.create_bucket("newer").unwrap();
    std::fs::write(server.root().join("newer/old-here.txt"), b"server a").unwrap();
    std::fs::write(server.root().join("newer/new-here.txt"), b"server b").unwrap();
    let downloads = tempfile::tempdir().unwrap();
    // One file here from long ago, one edited after the objects were made.
    std::fs::write(downloads.path().join("old-here.txt"), b"old a").unwrap();
    std::fs::write(downloads.path().join("new-here.txt"), b"mine b").unwrap();
    let set_time = |name: &str, t: std::time::SystemTime| {
        std::fs::File::options()
            .write(true)
            .open(downloads.path().join(name))
            .unwrap()
            .set_modified(t)
            .unwrap();
    };
    set_time(
        "old-here.txt",
        std::time::UNIX_EPOCH + std::time::Duration::from_secs(946_684_800),
    );
    set_time(
        "new-here.txt",
        std::time::SystemTime::now() + std::time::Duration::from_secs(3600),
    );
    let picker = pail::testing::app::picker::FixedPicker {
        folder: Some(downloads.path().to_owned()),
        ..Default::default()
    };
    let mut harness = open_bucket(&server, picker, "newer");
    harness.key_press_modifiers(egui::Modifiers::COMMAND, Key::A);
    harness.run_steps(2);
    click(&mut harness, "Download");
    wait_for(&mut harness, "the question", |app| {
        matches!(
            app.state().modals.get(),
            Some(Modal::DownloadConflict { .. })
        )
    });
    click(&mut harness, "Only if newer");
    wait_for(&mut harness, "the download", |app| {
        app.state().transfers.rows().len() == 1 && app.state().active_transfers() == 0
    });
    assert_eq!(
        std::fs::read(downloads.path().join("old-here.txt")).unwrap(),
        b"server a",
        "the older file is replaced"
    );
    assert_eq!(
        std::fs::read(downloads.path().join("new-here.txt")).unwrap(),
        b"mine b",
        "the newer file is left as it is"
    );
    let said = harness
        .state()
        .state()
        .status
        .error()
        .unwrap_or_default()
        .to_owned();
    assert!(
        said.contains("the copy already there is as new or newer"),
        "{said}"
    );
}

#[test]
fn an_upload_over_existing_objects_asks_first_and_each_answer_does_what_it_says() {
    let server = LocalServer::start_temporary(DEMO_ACCESS_KEY, DEMO_SECRET_KEY).unwrap();
    server.create_bucket("uploads").unwrap();
    let stored = server.root().join("uploads");
    std::fs::write(stored.join("plan.txt"), b"the server's plan").unwrap();
    let here = tempfile::tempdir().unwrap();
    let file = here.path().join("plan.txt");
    std::fs::write(&file, b"my plan").unwrap();
    let picker = pail::testing::app::picker::FixedPicker {
        files: Some(vec![file.clone()]),
        ..Default::default()
    };
    let mut harness = open_bucket(&server, picker, "uploads");
    let upload_and_answer = |harness: &mut Harness<'static, PailApp>, answer: &str| {
        click(harness, "Upload");
        click(harness, "Files…");
        wait_for(harness, "the question", |app| {
            matches!(app.state().modals.get(), Some(Modal::UploadConflict { .. }))
        });
        harness.get_by_label_contains("in the bucket already exists");
        click(harness, answer);
        harness.run_steps(2);
        wait_for(harness, "the batch", |app| {
            !app.state().modal_open() && app.state().active_transfers() == 0 && listed(app)
        });
    };

    // Before anything is written, each answer says what it would do; Cancel writes nothing.
    click(&mut harness, "Upload");
    click(&mut harness, "Files…");
    wait_for(&mut harness, "the question", |app| {
        matches!(app.state().modals.get(), Some(Modal::UploadConflict { .. }))
    });
    harness.get_by_label("0 new, 1 replace, 0 renamed, 0 skipped");
    harness.get_by_label("0 new, 0 replace, 1 renamed, 0 skipped");
    click(&mut harness, "Cancel");
    harness.run_steps(4);
    assert!(!harness.state().state().modal_open());
    assert!(
        harness.state().state().transfers.rows().is_empty(),
        "nothing queued"
    );

    upload_and_answer(&mut harness, "Skip");
    assert_eq!(
        std::fs::read(stored.join("plan.txt")).unwrap(),
        b"the server's plan"
    );

    // The file here is older than the object: Only if newer leaves the object.
    std::fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(946_684_800))
        .unwrap();
    upload_and_answer(&mut harness, "Only if newer");
    assert_eq!(
        std::fs::read(stored.join("plan.txt")).unwrap(),
        b"the server's plan"
    );

    upload_and_answer(&mut harness, "Keep both");
    // The answer goes to the worker, and the batch's first row arrives a moment later: until it
    // does, nothing is active, so the wait above can end before the upload began (it did in a
    // loaded CI run). The file itself says when it is done.
    wait_for(&mut harness, "the second name", |app| {
        std::fs::read(stored.join("plan (1).txt")).is_ok_and(|b| b == b"my plan")
            && app.state().active_transfers() == 0
            && listed(app)
    });
    assert_eq!(
        std::fs::read(stored.join("plan (1).txt")).unwrap(),
        b"my plan"
    );
    assert_eq!(
        std::fs::read(stored.join("plan.txt")).unwrap(),
        b"the server's plan"
    );

    upload_and_answer(&mut harness, "Overwrite");
    wait_for(&mut harness, "the overwrite", |_| {
        std::fs::read(server.root().join("uploads/plan.txt")).is_ok_and(|b| b == b"my plan")
    });
}
