//! Adversarial tests for issue 24's reshaped window: one `Pane` for both panes, views that
//! return requests, keys in `app/keys.rs`, `Pending<T>` for stale answers.

use crate::common;

use common::ui::{click, click_in_dialog, wait_for};
use common::{get_object, put_object, server_with_bucket};
use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use pail::testing::app::modal::Modal;
use pail::testing::app::{ActivePane, AppOptions, ListingState, Loadable, PailApp};
use pail::testing::demo::demo_profile;
use pail::testing::demo::server::LocalServer;

/// A wide window on `server`'s buckets, once they are listed.
fn window(server: &LocalServer) -> Harness<'static, PailApp> {
    let profile = demo_profile(server);
    let mut harness = Harness::builder()
        .with_size([1400.0, 800.0])
        .build_eframe(move |cc| {
            let options = AppOptions {
                clipboard: Box::new(pail::testing::app::clipboard::MemoryClipboard::default()),
                history_path: None,
                config_dir: None,
                picker: std::sync::Arc::new(pail::testing::app::picker::FixedPicker::default()),
            };
            PailApp::with_options(&cc.egui_ctx, vec![profile], None, options).unwrap()
        });
    wait_for(&mut harness, "buckets", |app| {
        matches!(app.state().explorer.buckets(), Loadable::Ready(_))
    });
    harness
}

/// The explorer shows `name` in a folder listed to the end.
fn listed(app: &PailApp, name: &str) -> bool {
    let explorer = &app.state().explorer;
    *explorer.listing_state() == ListingState::Done
        && explorer.listing().rows().iter().any(|r| &*r.name == name)
}

/// Selects the explorer's row `name`, as a click on it does.
fn select_in_explorer(harness: &mut Harness<'static, PailApp>, name: &str) {
    let listing = harness.state_mut().state_mut().explorer.listing_mut();
    let position = listing.position_of(name).unwrap();
    listing.click(position, false, false);
    harness.run_steps(2);
}

/// A rename asked in one bucket whose answer ("the new key is taken") comes after the person
/// went to another bucket: Replace must rename in the bucket the rename was asked in, not in
/// whatever bucket the pane shows by then (there it would replace an unrelated object with
/// another and delete that one: staging and prod buckets share their keys).
#[tokio::test(flavor = "multi_thread")]
async fn replace_after_a_rename_conflict_renames_in_the_bucket_it_was_asked_in() {
    let server = server_with_bucket("staging");
    server.create_bucket("prod").unwrap();
    put_object(&server, "staging", "a.txt", b"staging a").await;
    put_object(&server, "staging", "b.txt", b"staging b").await;
    put_object(&server, "prod", "a.txt", b"prod a").await;
    put_object(&server, "prod", "b.txt", b"prod b").await;
    let mut harness = tokio::task::block_in_place(|| window(&server));
    harness.get_by_label("staging").click();
    wait_for(&mut harness, "staging", |app| listed(app, "a.txt"));
    select_in_explorer(&mut harness, "a.txt");
    harness.key_press(Key::F2);
    harness.run_steps(2);
    match harness.state_mut().state_mut().modals.get_mut() {
        Some(Modal::Rename { to, .. }) => *to = "b.txt".into(),
        other => panic!("the Rename dialog is open, not {other:?}"),
    }
    click_in_dialog(&mut harness, "Rename");
    // Meanwhile the person opens prod (a click in the sidebar; done on the state so the
    // rename's answer cannot come first).
    let prod = pail::model::BucketName::new("prod").unwrap();
    let _ = harness.state_mut().state_mut().open_bucket(prod);
    wait_for(&mut harness, "the question", |app| {
        matches!(app.state().modals.get(), Some(Modal::RenameConflict { .. }))
    });
    click_in_dialog(&mut harness, "Replace");
    wait_for(&mut harness, "the rename", |app| {
        app.state()
            .status
            .notice()
            .is_some_and(|n| n.starts_with("Renamed"))
            || app.state().status.error().is_some()
    });
    assert_eq!(
        get_object(&server, "prod", "b.txt").await.as_deref(),
        Some(&b"prod b"[..]),
        "prod's b.txt was replaced by a rename asked in staging"
    );
    assert_eq!(
        get_object(&server, "prod", "a.txt").await.as_deref(),
        Some(&b"prod a"[..]),
        "prod's a.txt was renamed away by a rename asked in staging"
    );
    assert_eq!(
        get_object(&server, "staging", "b.txt").await.as_deref(),
        Some(&b"staging a"[..])
    );
    assert_eq!(get_object(&server, "staging", "a.txt").await, None);
}

/// Two panes, the second on `folder` on this computer, listed.
fn second_pane_on(harness: &mut Harness<'static, PailApp>, folder: &std::path::Path) {
    click(harness, "Two panes");
    click(harness, "Local folder");
    harness.key_press_modifiers(egui::Modifiers::COMMAND, Key::A);
    harness
        .get_by_label("Local folder")
        .type_text(&folder.display().to_string());
    harness.key_press(Key::Enter);
    let folder = folder.to_owned();
    wait_for(harness, "the local folder", move |app| {
        app.state()
            .second_pane
            .as_ref()
            .is_some_and(|p| p.path() == folder && !p.is_loading())
    });
}

fn second_selected(app: &PailApp) -> Vec<String> {
    let pane = app.state().second_pane.as_ref().unwrap();
    let rows = pane.listing().selected_rows();
    rows.iter().map(|r| r.name.to_string()).collect()
}

/// The arrows move the selection of the pane Tab made active, as Enter, Ctrl+A, F2 and
/// Backspace act on it: ↓ then Enter in the second pane opens the folder below there, and the
/// explorer's selection stays.
#[tokio::test(flavor = "multi_thread")]
async fn the_arrows_move_the_selection_in_the_active_pane() {
    let server = server_with_bucket("team");
    put_object(&server, "team", "x.txt", b"x").await;
    put_object(&server, "team", "y.txt", b"y").await;
    let local = tempfile::tempdir().unwrap();
    std::fs::create_dir(local.path().join("a")).unwrap();
    std::fs::create_dir(local.path().join("b")).unwrap();
    let mut harness = tokio::task::block_in_place(|| window(&server));
    harness.get_by_label("team").click();
    wait_for(&mut harness, "the bucket", |app| listed(app, "y.txt"));
    select_in_explorer(&mut harness, "x.txt");
    second_pane_on(&mut harness, local.path());

    harness.get_by_label("a/").click();
    harness.run_steps(2);
    assert_eq!(harness.state().state().active_pane, ActivePane::Second);
    assert_eq!(second_selected(harness.state()), ["a/"]);
    harness.key_press(Key::ArrowDown);
    harness.run_steps(2);
    let explorer_selection: Vec<String> = harness
        .state()
        .state()
        .explorer
        .listing()
        .selected_rows()
        .iter()
        .map(|r| r.name.to_string())
        .collect();
    assert_eq!(explorer_selection, ["x.txt"], "the explorer is not active");
    assert_eq!(second_selected(harness.state()), ["b/"]);
    harness.key_press(Key::Enter);
    let b = local.path().join("b");
    wait_for(&mut harness, "b opened", move |app| {
        app.state()
            .second_pane
            .as_ref()
            .is_some_and(|p| p.path() == b)
    });
}

/// The second pane's Up is offered only where there is a folder above, as the explorer's is:
/// at a bucket's top it would do nothing.
#[tokio::test(flavor = "multi_thread")]
async fn the_second_panes_up_is_offered_only_with_a_folder_above() {
    use egui_kittest::kittest::NodeT as _;

    let server = server_with_bucket("team");
    put_object(&server, "team", "inner/x.txt", b"x").await;
    let mut harness = tokio::task::block_in_place(|| window(&server));
    click(&mut harness, "Two panes");
    click(&mut harness, "Source");
    click_in_dialog(&mut harness, "Demo");
    wait_for(&mut harness, "the profile's buckets", |app| {
        app.state()
            .second_pane
            .as_ref()
            .and_then(|p| p.bucket())
            .is_some_and(|b| matches!(b.buckets(), Loadable::Ready(_)))
    });
    click(&mut harness, "Bucket");
    click_in_dialog(&mut harness, "team");
    wait_for(&mut harness, "the bucket's top", |app| {
        app.state().second_pane.as_ref().is_some_and(|p| {
            !p.is_loading() && p.listing().rows().iter().any(|r| &*r.name == "inner/")
        })
    });
    assert!(
        harness
            .get_by_label("Pane up")
            .accesskit_node()
            .is_disabled(),
        "nothing above a bucket's top"
    );
    // The row menu's Open, as a double-click does.
    harness.get_by_label("inner/").click_secondary();
    harness.run_steps(2);
    click(&mut harness, "Open");
    wait_for(&mut harness, "inner", |app| {
        app.state().second_pane.as_ref().is_some_and(|p| {
            !p.is_loading() && p.listing().rows().iter().any(|r| &*r.name == "x.txt")
        })
    });
    assert!(
        !harness
            .get_by_label("Pane up")
            .accesskit_node()
            .is_disabled()
    );
}

/// Revoke on two shared folders' pages, the second pressed before the first is answered:
/// both pages are deleted, so both rows must say "page revoked" (the first's answer is not
/// stale: its page is gone all the same). Driven through the window's state and a real
/// worker, so both are asked before either answer is read.
#[test]
fn two_revokes_in_a_row_mark_both_pages_revoked() {
    use pail::testing::app::state::AppState;
    use pail::testing::worker::{Command, Event, HistoryEvent, Worker};
    use std::time::Duration;

    let server = server_with_bucket("team");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        put_object(&server, "team", "share/one/index.html", b"<p>one</p>").await;
        put_object(&server, "team", "share/two/index.html", b"<p>two</p>").await;
    });
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("shared-links.json");
    let page = |n: &str| {
        serde_json::json!({
            "uri": format!("s3://team/share/{n}/index.html"),
            "url": format!("{}/team/share/{n}/index.html?X-Amz-Signature=x", server.endpoint_url()),
            "method": "GET",
            "profile": "Demo",
            "created": 1,
            "expires": 4_000_000_000i64,
            "options": "page",
            "page": {"bucket": "team", "key": format!("share/{n}/index.html"), "objects": 1},
        })
    };
    let file = serde_json::json!({"links": [page("one"), page("two")]});
    std::fs::write(&history, serde_json::to_vec(&file).unwrap()).unwrap();

    let (worker, events) = Worker::start(|| {}).unwrap();
    let mut state = AppState::new(vec![demo_profile(&server)]);
    let answer = |state: &mut AppState, wanted: &dyn Fn(&Event) -> bool| loop {
        let event = events.recv_timeout(Duration::from_secs(30)).unwrap();
        let done = wanted(&event);
        state.apply(event);
        if done {
            return;
        }
    };
    for command in state.start(Some(history.clone()), None) {
        if matches!(command, Command::LoadSharedLinks { .. }) {
            worker.send(command);
        }
    }
    answer(&mut state, &|e| {
        matches!(e, Event::History(HistoryEvent::Loaded { .. }))
    });
    let urls: Vec<String> = state.links.links().iter().map(|l| l.url.clone()).collect();
    assert_eq!(urls.len(), 2);

    for url in &urls {
        for command in state.revoke_page(url) {
            worker.send(command);
        }
    }
    for _ in 0..2 {
        answer(&mut state, &|e| {
            matches!(e, Event::History(HistoryEvent::PageRevoked { .. }))
        });
    }
    runtime.block_on(async {
        assert_eq!(
            get_object(&server, "team", "share/one/index.html").await,
            None
        );
        assert_eq!(
            get_object(&server, "team", "share/two/index.html").await,
            None
        );
    });
    let revoked: Vec<bool> = state.links.links().iter().map(|l| l.revoked).collect();
    assert_eq!(
        revoked,
        [true, true],
        "both pages are gone; the window says so"
    );
}
