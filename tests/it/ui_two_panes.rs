//! Two panes, driven with egui_kittest against local S3 servers: a folder on this computer or
//! a bucket of any profile beside the explorer's bucket; F5 copying and F6 moving the active
//! pane's selection across in every direction (bytes and metadata compared, sources checked),
//! rows dragged across, the conflict question, Tab switching panes, and Compare's marks.

use crate::common;

use common::ui::{click, click_in_dialog, wait_for};
use common::{get_object, put_object, server_with_bucket};
use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use pail::testing::app::{ActivePane, AppOptions, ListingState, Loadable, PailApp};
use pail::testing::compare::Mark;
use pail::testing::demo::demo_profile;

/// A wide window on `server`'s buckets, once they are listed.
fn window(server: &pail::testing::demo::server::LocalServer) -> Harness<'static, PailApp> {
    window_with(vec![demo_profile(server)])
}

/// A wide window with `profiles`, on the first one's buckets once they are listed.
fn window_with(profiles: Vec<pail::testing::profiles::Profile>) -> Harness<'static, PailApp> {
    let profile = profiles;
    let mut harness = Harness::builder()
        .with_size([1400.0, 800.0])
        .build_eframe(move |cc| {
            let options = AppOptions {
                clipboard: Box::new(pail::testing::app::clipboard::MemoryClipboard::default()),
                history_path: None,
                config_dir: None,
                picker: std::sync::Arc::new(pail::testing::app::picker::FixedPicker::default()),
            };
            PailApp::with_options(&cc.egui_ctx, profile, None, options).unwrap()
        });
    wait_for(&mut harness, "buckets", |app| {
        matches!(app.state().explorer.buckets(), Loadable::Ready(_))
    });
    harness
}

fn listed(app: &PailApp, name: &str) -> bool {
    *app.state().explorer.listing_state() == ListingState::Done
        && app
            .state()
            .explorer
            .listing()
            .rows()
            .iter()
            .any(|r| &*r.name == name)
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
    type_local_folder(&mut harness, local.path());
    wait_for(&mut harness, "the local folder", |app| {
        app.state()
            .second_pane
            .as_ref()
            .is_some_and(|p| p.entries().iter().any(|e| e.name == "notes+1.txt"))
    });

    // This computer → the bucket: select, F5.
    harness.get_by_label("notes+1.txt").click();
    harness.run_steps(2);
    assert_eq!(harness.state().state().active_pane, ActivePane::Second);
    harness.key_press(Key::F5);
    wait_for(&mut harness, "the upload", |app| listed(app, "notes+1.txt"));
    assert_eq!(
        get_object(&server, "team", "notes+1.txt").await,
        Some(b"notes from this computer".to_vec())
    );

    // Tab: the bucket is active again; its selection goes to this computer.
    harness.key_press(Key::Tab);
    harness.run_steps(2);
    assert_eq!(harness.state().state().active_pane, ActivePane::Explorer);
    let position = harness
        .state()
        .state()
        .explorer
        .listing()
        .position_of("report ü.pdf")
        .unwrap();
    harness
        .state_mut()
        .state_mut()
        .explorer
        .listing_mut()
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
    click(&mut harness, "Pane refresh");
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
    type_local_folder(&mut harness, local.path());
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
    // Wine 8's shell has no IFileOperation (the trash answers E_NOTIMPL, 0x80004001): there
    // the trash cannot be reached, and what must hold is that nothing was lost.
    let no_trash_here = |app: &PailApp| {
        cfg!(windows)
            && app
                .state()
                .status
                .error()
                .is_some_and(|e| e.contains("0x80004001"))
    };
    wait_for(&mut harness, "the trash", |app| {
        no_trash_here(app)
            || app
                .state()
                .second_pane
                .as_ref()
                .is_some_and(|p| p.entries().iter().all(|e| e.name != "final.txt"))
                && (app.state().status.notice().is_some() || app.state().status.error().is_some())
    });
    if no_trash_here(harness.state()) {
        assert!(local.path().join("final.txt").exists());
    } else {
        let said = harness
            .state()
            .state()
            .status
            .notice()
            .or(harness.state().state().status.error())
            .unwrap()
            .to_owned();
        assert!(said.contains("Moved 1 item to the trash"), "{said}");
        assert!(!local.path().join("final.txt").exists());
    }

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

/// The folder field of the second pane, typed into as a person does, and Enter.
fn type_local_folder(harness: &mut Harness<'static, PailApp>, path: &std::path::Path) {
    click(harness, "Local folder");
    harness.key_press_modifiers(egui::Modifiers::COMMAND, Key::A);
    harness
        .get_by_label("Local folder")
        .type_text(&path.display().to_string());
    harness.key_press(Key::Enter);
}

/// The second pane's rows are listed, and `name` is among them.
fn right_listed(app: &PailApp, name: &str) -> bool {
    app.state()
        .second_pane
        .as_ref()
        .is_some_and(|p| !p.is_loading() && p.listing().rows().iter().any(|r| &*r.name == name))
}

/// Two panes, the second on `profile`'s bucket `bucket`, as a person picks them: Source,
/// then Bucket (the names are in the sidebar too, so the picker's are the last nodes).
pub(crate) fn right_pane_on(harness: &mut Harness<'static, PailApp>, profile: &str, bucket: &str) {
    click(harness, "Two panes");
    click(harness, "Source");
    click_in_dialog(harness, profile);
    wait_for(harness, "the second profile's buckets", |app| {
        app.state()
            .second_pane
            .as_ref()
            .and_then(|p| p.bucket())
            .is_some_and(|b| matches!(b.buckets(), Loadable::Ready(_)))
    });
    click(harness, "Bucket");
    click_in_dialog(harness, bucket);
    wait_for(harness, "the second bucket", |app| {
        app.state()
            .second_pane
            .as_ref()
            .is_some_and(|p| !p.is_loading() && p.bucket().is_some_and(|b| b.location().is_some()))
    });
}

async fn put_with_metadata(
    server: &pail::testing::demo::server::LocalServer,
    bucket: &str,
    key: &str,
    body: &[u8],
) {
    server
        .connection()
        .client()
        .put_object()
        .bucket(bucket)
        .key(key)
        .content_type("text/csv")
        .metadata("owner", "finance")
        .body(body.to_vec().into())
        .send()
        .await
        .unwrap();
}

async fn head(
    server: &pail::testing::demo::server::LocalServer,
    bucket: &str,
    key: &str,
) -> Option<aws_sdk_s3::operation::head_object::HeadObjectOutput> {
    server
        .connection()
        .client()
        .head_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .ok()
}

#[tokio::test(flavor = "multi_thread")]
async fn f6_moves_a_folder_between_two_buckets_keeping_metadata_and_emptying_the_source() {
    let server = server_with_bucket("incoming");
    server.create_bucket("archive").unwrap();
    put_with_metadata(&server, "incoming", "q3/ledger 1+1.csv", b"a,b\n1,2\n").await;
    put_object(&server, "incoming", "q3/deep/notes ü.txt", b"deep notes").await;
    put_object(&server, "incoming", "stays.txt", b"not selected").await;
    let mut harness = tokio::task::block_in_place(|| window(&server));
    harness.get_by_label("incoming").click();
    wait_for(&mut harness, "the bucket", |app| listed(app, "q3/"));
    right_pane_on(&mut harness, "Demo", "archive");

    // The explorer's folder, F6, and the question says what goes where.
    let position = harness
        .state()
        .state()
        .explorer
        .listing()
        .position_of("q3/")
        .unwrap();
    harness
        .state_mut()
        .state_mut()
        .explorer
        .listing_mut()
        .click(position, false, false);
    harness.state_mut().state_mut().active_pane = ActivePane::Explorer;
    harness.key_press(Key::F6);
    harness.run_steps(2);
    harness.get_by_label_contains("Move 1 item from s3://incoming/ to s3://archive/");
    click_in_dialog(&mut harness, "Move");
    wait_for(&mut harness, "the move", |app| {
        app.state().active_transfers() == 0
            && !app.state().transfers.rows().is_empty()
            && right_listed(app, "q3/")
            && *app.state().explorer.listing_state() == ListingState::Done
            && app.state().explorer.listing().position_of("q3/").is_none()
    });

    let moved = head(&server, "archive", "q3/ledger 1+1.csv").await.unwrap();
    assert_eq!(moved.content_type(), Some("text/csv"));
    assert_eq!(
        moved
            .metadata()
            .and_then(|m| m.get("owner"))
            .map(String::as_str),
        Some("finance")
    );
    assert_eq!(
        get_object(&server, "archive", "q3/deep/notes ü.txt").await,
        Some(b"deep notes".to_vec())
    );
    // (Empty folders, which s3s-fs does not list, are carried over by their markers on S3:
    // `moves::tests` and `copies::tests`.)
    for gone in ["q3/ledger 1+1.csv", "q3/deep/notes ü.txt"] {
        assert!(
            head(&server, "incoming", gone).await.is_none(),
            "{gone} left the source"
        );
    }
    assert!(head(&server, "incoming", "stays.txt").await.is_some());
    assert!(
        harness
            .state()
            .state()
            .transfers
            .rows()
            .iter()
            .all(|t| t.state == pail::testing::app::state::TransferState::Done),
        "each object is a transfer in the Transfers panel"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn f5_copies_between_two_profiles_on_two_servers_streaming_through_pail() {
    let here = server_with_bucket("here");
    let there = server_with_bucket("there");
    // Above the multipart threshold, so it streams part by part.
    let big: Vec<u8> = (0..17 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    put_object(&here, "here", "video 1.mp4", &big).await;
    put_with_metadata(&here, "here", "sheet.csv", b"x,y").await;
    let mut other = demo_profile(&there);
    other.name = "Other server".into();
    let mut harness = tokio::task::block_in_place(|| window_with(vec![demo_profile(&here), other]));
    harness.get_by_label("here").click();
    wait_for(&mut harness, "the bucket", |app| listed(app, "video 1.mp4"));
    right_pane_on(&mut harness, "Other server", "there");

    harness
        .state_mut()
        .state_mut()
        .explorer
        .listing_mut()
        .select_all();
    harness.state_mut().state_mut().active_pane = ActivePane::Explorer;
    harness.key_press(Key::F5);
    wait_for(&mut harness, "the copy", |app| {
        app.state().transfers.rows().len() == 2
            && app.state().active_transfers() == 0
            && right_listed(app, "video 1.mp4")
            && right_listed(app, "sheet.csv")
    });
    assert_eq!(get_object(&there, "there", "video 1.mp4").await, Some(big));
    let sheet = head(&there, "there", "sheet.csv").await.unwrap();
    assert_eq!(sheet.content_type(), Some("text/csv"));
    assert!(
        head(&here, "here", "video 1.mp4").await.is_some(),
        "a copy keeps the source"
    );

    // And back the other way, from the second pane, after Tab; the answer to "exists
    // already" is asked once: Skip leaves the object there as it was.
    put_object(&here, "here", "sheet.csv", b"newer here").await;
    harness.key_press(Key::Tab);
    harness.run_steps(2);
    assert_eq!(harness.state().state().active_pane, ActivePane::Second);
    harness
        .state_mut()
        .state_mut()
        .second_pane
        .as_mut()
        .unwrap()
        .listing_mut()
        .select_all();
    harness.key_press(Key::F5);
    wait_for(&mut harness, "the question", |app| {
        matches!(
            app.state().modals.get(),
            Some(pail::testing::app::state::Modal::UploadConflict { .. })
        )
    });
    assert!(
        harness
            .query_all_by_label_contains("2 objects")
            .next()
            .is_some()
    );
    click_in_dialog(&mut harness, "Skip");
    harness.run_steps(5);
    assert_eq!(
        get_object(&here, "here", "sheet.csv").await,
        Some(b"newer here".to_vec())
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_row_dragged_onto_the_other_pane_is_copied_there() {
    let server = server_with_bucket("team");
    put_object(&server, "team", "dragged.txt", b"carried across").await;
    put_object(&server, "team", "left alone.txt", b"stays").await;
    let local = tempfile::tempdir().unwrap();
    let mut harness = tokio::task::block_in_place(|| window(&server));
    harness.get_by_label("team").click();
    wait_for(&mut harness, "the bucket", |app| listed(app, "dragged.txt"));
    click(&mut harness, "Two panes");
    type_local_folder(&mut harness, local.path());
    wait_for(&mut harness, "the empty local folder", |app| {
        app.state()
            .second_pane
            .as_ref()
            .is_some_and(|p| !p.is_loading() && p.path() == local.path())
    });

    let from = harness.get_by_label("dragged.txt").rect().center();
    let to = harness.get_by_label("Filter here").rect().center() + egui::vec2(0.0, 120.0);
    harness.hover_at(from);
    harness.run_steps(2);
    harness.drag_at(from);
    harness.run_steps(2);
    for step in 1..=10 {
        harness.hover_at(from + (to - from) * (step as f32 / 10.0));
        harness.run_steps(1);
    }
    harness.drop_at(to);
    wait_for(&mut harness, "the download", |app| {
        app.state().active_transfers() == 0
            && !app.state().transfers.rows().is_empty()
            && right_listed(app, "dragged.txt")
    });
    assert_eq!(
        std::fs::read(local.path().join("dragged.txt")).unwrap(),
        b"carried across"
    );
    assert!(
        !local.path().join("left alone.txt").exists(),
        "only the dragged row"
    );

    // Swap sides: this computer on the left, as in the design; a file dragged from it onto
    // the bucket is uploaded there.
    std::fs::write(local.path().join("from here.txt"), b"up it goes").unwrap();
    click(&mut harness, "Swap sides");
    assert!(harness.state().state().second_on_left);
    click(&mut harness, "Pane refresh");
    wait_for(&mut harness, "the local refresh", |app| {
        right_listed(app, "from here.txt")
    });
    let from = harness.get_by_label("from here.txt").rect().center();
    let to = harness.get_by_label("left alone.txt").rect().center();
    assert!(from.x < to.x, "this computer is drawn on the left now");
    harness.hover_at(from);
    harness.run_steps(2);
    harness.drag_at(from);
    harness.run_steps(2);
    for step in 1..=10 {
        harness.hover_at(from + (to - from) * (step as f32 / 10.0));
        harness.run_steps(1);
    }
    harness.drop_at(to);
    wait_for(&mut harness, "the upload", |app| {
        listed(app, "from here.txt") && app.state().active_transfers() == 0
    });
    assert_eq!(
        get_object(&server, "team", "from here.txt").await,
        Some(b"up it goes".to_vec())
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn f6_moves_files_up_and_down_and_removes_each_original_once_it_has_arrived() {
    let server = server_with_bucket("team");
    put_object(&server, "team", "from the bucket.txt", b"down").await;
    let local = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(local.path().join("photos/june")).unwrap();
    std::fs::write(local.path().join("photos/june/a b.jpg"), b"jpeg").unwrap();
    std::fs::write(local.path().join("photos/c.jpg"), b"jpeg 2").unwrap();
    let mut harness = tokio::task::block_in_place(|| window(&server));
    harness.get_by_label("team").click();
    wait_for(&mut harness, "the bucket", |app| {
        listed(app, "from the bucket.txt")
    });
    click(&mut harness, "Two panes");
    type_local_folder(&mut harness, local.path());
    wait_for(&mut harness, "the local folder", |app| {
        right_listed(app, "photos/")
    });

    // Up: the folder goes to the bucket, then leaves this computer, folders and all.
    harness.get_by_label("photos/").click();
    harness.run_steps(2);
    harness.key_press(Key::F6);
    harness.run_steps(2);
    click_in_dialog(&mut harness, "Move");
    wait_for(&mut harness, "the upload move", |app| {
        app.state().active_transfers() == 0
            && app.state().transfers.rows().len() == 2
            && listed(app, "photos/")
            && !right_listed(app, "photos/")
    });
    assert_eq!(
        get_object(&server, "team", "photos/june/a b.jpg").await,
        Some(b"jpeg".to_vec())
    );
    assert!(
        !local.path().join("photos").exists(),
        "the emptied folders went too"
    );

    // Down: the object arrives here and leaves the bucket.
    harness.key_press(Key::Tab);
    harness.run_steps(1);
    let position = harness
        .state()
        .state()
        .explorer
        .listing()
        .position_of("from the bucket.txt")
        .unwrap();
    harness
        .state_mut()
        .state_mut()
        .explorer
        .listing_mut()
        .click(position, false, false);
    harness.state_mut().state_mut().active_pane = ActivePane::Explorer;
    harness.key_press(Key::F6);
    harness.run_steps(2);
    click_in_dialog(&mut harness, "Move");
    wait_for(&mut harness, "the download move", |app| {
        app.state().active_transfers() == 0
            && right_listed(app, "from the bucket.txt")
            && *app.state().explorer.listing_state() == ListingState::Done
            && app
                .state()
                .explorer
                .listing()
                .position_of("from the bucket.txt")
                .is_none()
    });
    assert_eq!(
        std::fs::read(local.path().join("from the bucket.txt")).unwrap(),
        b"down"
    );
    assert_eq!(
        get_object(&server, "team", "from the bucket.txt").await,
        None
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn new_folder_rename_and_delete_work_in_a_bucket_in_the_second_pane_and_compare_marks_it() {
    let server = server_with_bucket("left");
    server.create_bucket("right").unwrap();
    put_object(&server, "left", "same.txt", b"same").await;
    put_object(&server, "left", "changed.txt", b"short").await;
    put_object(&server, "right", "same.txt", b"same").await;
    put_object(&server, "right", "changed.txt", b"much longer now").await;
    put_object(&server, "right", "draft.txt", b"draft").await;
    let mut harness = tokio::task::block_in_place(|| window(&server));
    harness.get_by_label("left").click();
    wait_for(&mut harness, "the bucket", |app| listed(app, "same.txt"));
    right_pane_on(&mut harness, "Demo", "right");
    wait_for(&mut harness, "the second pane", |app| {
        right_listed(app, "draft.txt")
    });

    click(&mut harness, "Compare");
    let marks = harness.state().state().compare_marks.clone().unwrap();
    assert_eq!(marks["changed.txt"], Mark::Differs);
    assert_eq!(marks["draft.txt"], Mark::OnlyRight);
    assert_eq!(marks["same.txt"], Mark::Same);

    // F7 in the second pane: a folder in its bucket, not the explorer's.
    harness.state_mut().state_mut().active_pane = ActivePane::Second;
    harness.key_press(Key::F7);
    harness.run_steps(2);
    click(&mut harness, "Folder name");
    harness.get_by_label("Folder name").type_text("reports");
    click(&mut harness, "Create");
    wait_for(&mut harness, "the new folder", |app| {
        app.state().status.notice() == Some("Created folder reports/")
    });
    // s3s-fs keeps a folder marker as a directory and lists no empty folder (S3 would list
    // the marker): the marker is checked where it landed.
    assert!(server.root().join("right/reports").is_dir());
    assert!(!server.root().join("left/reports").exists());

    // F2: rename draft.txt there.
    wait_for(&mut harness, "the second pane again", |app| {
        right_listed(app, "draft.txt")
    });
    let pane_position = |app: &PailApp, name: &str| {
        app.state()
            .second_pane
            .as_ref()
            .unwrap()
            .listing()
            .position_of(name)
            .unwrap()
    };
    let position = pane_position(harness.state(), "draft.txt");
    harness
        .state_mut()
        .state_mut()
        .second_pane
        .as_mut()
        .unwrap()
        .listing_mut()
        .click(position, false, false);
    harness.key_press(Key::F2);
    harness.run_steps(2);
    click(&mut harness, "New key");
    harness.key_press_modifiers(egui::Modifiers::COMMAND, Key::A);
    harness.get_by_label("New key").type_text("final.txt");
    click_in_dialog(&mut harness, "Rename");
    wait_for(&mut harness, "the rename", |app| {
        right_listed(app, "final.txt")
    });
    assert_eq!(
        get_object(&server, "right", "final.txt").await,
        Some(b"draft".to_vec())
    );

    // F8: delete it there, after asking.
    let position = pane_position(harness.state(), "final.txt");
    harness
        .state_mut()
        .state_mut()
        .second_pane
        .as_mut()
        .unwrap()
        .listing_mut()
        .click(position, false, false);
    harness.key_press(Key::F8);
    harness.run_steps(2);
    click_in_dialog(&mut harness, "Delete");
    wait_for(&mut harness, "the delete", |app| {
        app.state()
            .second_pane
            .as_ref()
            .is_some_and(|p| !p.is_loading() && p.listing().position_of("final.txt").is_none())
    });
    assert_eq!(get_object(&server, "right", "final.txt").await, None);
    assert!(
        head(&server, "left", "same.txt").await.is_some(),
        "the explorer's bucket untouched"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_move_to_a_far_server_cut_mid_way_keeps_the_source_and_retry_finishes_it() {
    let here = server_with_bucket("here");
    let there = server_with_bucket("there");
    let proxy = common::proxy::Proxy::start(there.addr()).await;
    // A home uplink far away: 2 MB/s up, 20 ms each way.
    proxy.set_rates(2_000_000, 0);
    proxy.set_latency(std::time::Duration::from_millis(20));
    let big: Vec<u8> = (0..17 * 1024 * 1024u32).map(|i| (i % 241) as u8).collect();
    put_object(&here, "here", "raw footage.mov", &big).await;
    let far = pail::testing::profiles::Profile::fixed(
        "Far server",
        pail::testing::profiles::ProfileSource::Demo,
        there.credentials(),
        pail::model::Endpoint::custom(&proxy.endpoint_url()).unwrap(),
        "us-east-1",
    );
    let mut harness = tokio::task::block_in_place(|| window_with(vec![demo_profile(&here), far]));
    harness.get_by_label("here").click();
    wait_for(&mut harness, "the bucket", |app| {
        listed(app, "raw footage.mov")
    });
    right_pane_on(&mut harness, "Far server", "there");

    // The far server vanishes once 6 MiB have gone up.
    proxy.cut_after_upload_bytes(6 * 1024 * 1024);
    harness
        .state_mut()
        .state_mut()
        .explorer
        .listing_mut()
        .select_all();
    harness.state_mut().state_mut().active_pane = ActivePane::Explorer;
    harness.key_press(Key::F6);
    harness.run_steps(2);
    click_in_dialog(&mut harness, "Move");
    wait_for(&mut harness, "the cut", |app| {
        app.state().transfers.rows().len() == 1 && app.state().active_transfers() == 0
    });
    let transfer = harness.state().state().transfers.rows()[0].clone();
    assert!(
        matches!(
            transfer.state,
            pail::testing::app::state::TransferState::Failed(_)
        ),
        "{:?}",
        transfer.state
    );
    assert!(proxy.is_down());
    assert_eq!(
        get_object(&here, "here", "raw footage.mov").await,
        Some(big.clone()),
        "a move that did not arrive keeps its source, byte for byte"
    );
    assert_eq!(get_object(&there, "there", "raw footage.mov").await, None);

    // The server is back: Retry finishes the move.
    proxy.come_back(there.addr());
    proxy.set_rates(0, 0);
    click(&mut harness, "Retry");
    wait_for(&mut harness, "the retried move", |app| {
        app.state().transfers.rows().len() == 1
            && app.state().transfers.rows()[0].state
                == pail::testing::app::state::TransferState::Done
    });
    assert_eq!(
        get_object(&there, "there", "raw footage.mov").await,
        Some(big)
    );
    assert_eq!(get_object(&here, "here", "raw footage.mov").await, None);
}

/// The second pane's path, once it is listed.
fn right_path_is(app: &PailApp, path: &std::path::Path) -> bool {
    app.state()
        .second_pane
        .as_ref()
        .is_some_and(|p| p.path() == path && !p.is_loading())
}

#[tokio::test(flavor = "multi_thread")]
async fn forward_in_the_second_pane_goes_back_where_back_came_from() {
    use egui_kittest::kittest::NodeT as _;

    let server = server_with_bucket("team");
    let local = tempfile::tempdir().unwrap();
    let inner = local.path().join("inner");
    std::fs::create_dir(&inner).unwrap();
    let mut harness = tokio::task::block_in_place(|| window(&server));
    click(&mut harness, "Two panes");
    type_local_folder(&mut harness, &inner);
    wait_for(&mut harness, "the inner folder", |app| {
        right_path_is(app, &inner)
    });
    click(&mut harness, "Pane up");
    let top = local.path().to_owned();
    wait_for(&mut harness, "the folder above", |app| {
        right_path_is(app, &top)
    });
    assert!(
        harness
            .get_by_label("Pane forward")
            .accesskit_node()
            .is_disabled(),
        "nowhere to go forward before Back"
    );

    click(&mut harness, "Pane back");
    wait_for(&mut harness, "Back", |app| right_path_is(app, &inner));
    click(&mut harness, "Pane forward");
    wait_for(&mut harness, "Forward", |app| right_path_is(app, &top));

    // Alt+← and Alt+→ act on the active pane, as Backspace does.
    harness.get_by_label("inner/").click();
    harness.run_steps(2);
    assert_eq!(harness.state().state().active_pane, ActivePane::Second);
    harness.key_press_modifiers(egui::Modifiers::ALT, Key::ArrowLeft);
    wait_for(&mut harness, "Alt+←", |app| right_path_is(app, &inner));
    harness.key_press_modifiers(egui::Modifiers::ALT, Key::ArrowRight);
    wait_for(&mut harness, "Alt+→", |app| right_path_is(app, &top));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_second_panes_rows_have_a_context_menu() {
    let server = server_with_bucket("team");
    let local = tempfile::tempdir().unwrap();
    std::fs::write(local.path().join("draft.txt"), b"draft").unwrap();
    std::fs::write(local.path().join("other.txt"), b"other").unwrap();
    let mut harness = tokio::task::block_in_place(|| window(&server));
    click(&mut harness, "Two panes");
    type_local_folder(&mut harness, local.path());
    wait_for(&mut harness, "the local folder", |app| {
        right_listed(app, "draft.txt")
    });

    // A right-click selects the row it is on, and its menu acts on it.
    harness.get_by_label("other.txt").click();
    harness.run_steps(2);
    harness.get_by_label("draft.txt").click_secondary();
    harness.run_steps(2);
    assert_eq!(harness.state().state().active_pane, ActivePane::Second);
    click(&mut harness, "Rename…");
    let Some(pail::testing::app::modal::Modal::LocalRename { from, .. }) =
        harness.state().state().modals.get()
    else {
        panic!("the Rename dialog is open");
    };
    assert_eq!(from.file_name().unwrap(), "draft.txt");
}
