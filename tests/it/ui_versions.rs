//! The Versions window against moto, as a person uses it: "Show versions" in a bucket, the
//! versioning state, each object's versions and delete markers under it; Download, Restore,
//! Undelete, Delete version permanently (confirmed, naming the id and date) and Web URL (the
//! link serves that version).

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use pail::testing::app::picker::FixedPicker;
use pail::testing::app::{AppOptions, ListingState, Loadable, PailApp};

use crate::common::moto::Moto;
use crate::common::ui::{click, wait_for};
use crate::versions::{delete_plain, versioned_bucket};

/// The window on moto's profile, showing `bucket`'s top.
pub(crate) fn open_bucket(
    moto: &Moto,
    picker: FixedPicker,
    bucket: &str,
) -> Harness<'static, PailApp> {
    let profile = moto.profile();
    let mut harness = Harness::builder()
        .with_size([1280.0, 900.0])
        .build_eframe(move |cc| {
            let options = AppOptions {
                clipboard: Box::new(pail::testing::app::clipboard::MemoryClipboard::default()),
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
    wait_for(&mut harness, "the bucket", |app| {
        *app.state().explorer.listing_state() == ListingState::Done
    });
    harness
}

/// Clicks the button `label` of the `n`th row of the Versions window. The rows' buttons
/// show one word each, their accessible names begin with it ("Download — a.txt, version …"),
/// and the toolbar has a Download and a Web URL too: the window is drawn after it, so its
/// rows' buttons are the last ones whose names hold that word.
pub(crate) fn click_nth(harness: &mut Harness<'_, PailApp>, label: &str, n: usize) {
    let rows = harness.state().state().versions.rows().len();
    let index = harness.get_all_by_label_contains(label).count() - rows + n;
    harness
        .get_all_by_label_contains(label)
        .nth(index)
        .expect("that row")
        .hover();
    harness.run_steps(2);
    harness
        .get_all_by_label_contains(label)
        .nth(index)
        .expect("that row")
        .click();
    harness.run_steps(3);
}

fn versions_listed(app: &PailApp) -> bool {
    let versions = &app.state().versions;
    versions.is_open() && !versions.is_loading() && versions.versioning().is_some()
}

/// (key, latest, delete marker) of each row, in the window's order.
fn rows(app: &PailApp) -> Vec<(String, bool, bool)> {
    app.state()
        .versions
        .rows()
        .iter()
        .map(|v| (v.key.clone(), v.is_latest, v.delete_marker))
        .collect()
}

async fn latest_body(moto: &Moto, bucket: &str, key: &str) -> Option<Vec<u8>> {
    let output = moto
        .connection()
        .client()
        .get_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .ok()?;
    Some(output.body.collect().await.unwrap().to_vec())
}

pub(crate) fn show_versions(harness: &mut Harness<'_, PailApp>) {
    click(harness, "Show versions");
    wait_for(harness, "the versions", versions_listed);
}

fn idle(app: &PailApp) -> bool {
    !app.state().versions.is_acting() && !app.state().versions.is_loading()
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn versions_are_listed_under_their_object_then_downloaded_and_shared() {
    let Some(moto) = Moto::start() else {
        eprintln!("skipped: moto_server is not installed (pip install 'moto[server]')");
        return;
    };
    let writes: &[(&str, &[u8])] = &[
        ("a.txt", b"old a"),
        ("z.txt", b"zed"),
        ("a.txt", b"new a!"),
        ("b.txt", b"bee"),
    ];
    versioned_bucket(&moto, "uivers", writes).await;
    delete_plain(&moto, "uivers", "b.txt").await;
    let folder = tempfile::tempdir().unwrap();
    let picker = FixedPicker {
        folder: Some(folder.path().to_owned()),
        ..FixedPicker::default()
    };
    let mut harness = open_bucket(&moto, picker, "uivers");
    show_versions(&mut harness);
    harness.get_by_label_contains("Versioning: on");
    // Grouped under each key, whatever order they were written in; the latest first.
    assert_eq!(
        rows(harness.state()),
        [
            ("a.txt".to_owned(), true, false),
            ("a.txt".to_owned(), false, false),
            ("b.txt".to_owned(), true, true),
            ("b.txt".to_owned(), false, false),
            ("z.txt".to_owned(), true, false),
        ]
    );
    harness.get_by_label("📄 a.txt");
    harness.get_by_label("🗑 delete marker");
    assert_eq!(harness.get_all_by_label("latest").count(), 3);
    let old = harness.state().state().versions.rows()[1].clone();
    harness.get_by_label(&old.version_id);

    // Download the older version of a.txt: into the folder picked, through Transfers.
    click_nth(&mut harness, "Download", 1);
    let file = folder.path().join("a.txt");
    wait_for(&mut harness, "the download", |_| {
        std::fs::read(&file).is_ok_and(|b| b == b"old a")
    });

    // Web URL for that version: the dialog says so, and the link serves the old bytes.
    click_nth(&mut harness, "Web URL", 1);
    harness.get_by_label_contains("this link always serves this version");
    assert!(
        harness.query_by_label("CloudFront (any expiry)").is_none(),
        "a CloudFront URL cannot name a version: only S3 is offered"
    );
    click(&mut harness, "Generate");
    wait_for(&mut harness, "the link", |app| {
        app.state()
            .web_url()
            .is_some_and(|d| d.generating().is_none() && !d.links().is_empty())
    });
    let url = harness.state().state().web_url().unwrap().links()[0]
        .url
        .clone();
    assert!(url.contains("versionId="), "{url}");
    // Shared links remembers which version the link serves.
    let recorded = harness
        .state()
        .state()
        .links
        .links()
        .last()
        .unwrap()
        .clone();
    assert_eq!(recorded.url, url);
    assert_eq!(
        recorded.version_id.as_deref(),
        Some(old.version_id.as_str())
    );
    assert!(
        recorded.options.contains(&old.version_id),
        "{}",
        recorded.options
    );
    let body = crate::common::http().get(&url).send().await.unwrap();
    assert_eq!(&body.bytes().await.unwrap()[..], b"old a");
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn restore_undelete_and_delete_a_version_permanently() {
    let Some(moto) = Moto::start() else {
        eprintln!("skipped: moto_server is not installed (pip install 'moto[server]')");
        return;
    };
    let writes: &[(&str, &[u8])] = &[("a.txt", b"old a"), ("a.txt", b"new a!"), ("b.txt", b"bee")];
    versioned_bucket(&moto, "uiact", writes).await;
    delete_plain(&moto, "uiact", "b.txt").await;
    let mut harness = open_bucket(&moto, FixedPicker::default(), "uiact");
    show_versions(&mut harness);

    // Restore the old a.txt (row 1): it is the latest again, the others stay.
    click_nth(&mut harness, "Restore", 1);
    wait_for(&mut harness, "the restore", idle);
    harness.get_by_label_contains("Restored version");
    assert_eq!(
        latest_body(&moto, "uiact", "a.txt").await.unwrap(),
        b"old a"
    );
    assert_eq!(
        rows(harness.state())
            .iter()
            .filter(|r| r.0 == "a.txt")
            .count(),
        3
    );

    // Undelete b.txt: its marker goes, the version under it is served again.
    assert!(latest_body(&moto, "uiact", "b.txt").await.is_none());
    // Its button's accessible name says which object and version it undeletes.
    harness.get_by_label_contains("Undelete — b.txt").hover();
    harness.run_steps(2);
    harness.get_by_label_contains("Undelete — b.txt").click();
    harness.run_steps(3);
    wait_for(&mut harness, "the undelete", idle);
    assert_eq!(latest_body(&moto, "uiact", "b.txt").await.unwrap(), b"bee");
    assert!(rows(harness.state()).iter().all(|r| !r.2), "no marker left");

    // Delete the oldest a.txt for good: asked first, naming its id and date.
    let index = 2;
    let doomed = harness.state().state().versions.rows()[index].clone();
    assert_eq!(doomed.key, "a.txt");
    click_nth(&mut harness, "Delete version permanently", index);
    let date = pail::testing::app::versions::version_date(doomed.last_modified);
    harness.get_by_label_contains(&format!(
        "Delete version {} of a.txt, from {date}, for good?",
        doomed.version_id
    ));
    // Cancel keeps it.
    click(&mut harness, "Cancel");
    assert!(harness.state().state().versions.confirming().is_none());
    click_nth(&mut harness, "Delete version permanently", index);
    click(&mut harness, "Delete permanently");
    wait_for(&mut harness, "the delete", idle);
    let left = rows(harness.state());
    assert_eq!(
        left.iter().filter(|r| r.0 == "a.txt").count(),
        2,
        "{left:?}"
    );
    assert!(
        harness
            .state()
            .state()
            .versions
            .rows()
            .iter()
            .all(|v| v.version_id != doomed.version_id)
    );
    assert_eq!(
        latest_body(&moto, "uiact", "a.txt").await.unwrap(),
        b"old a"
    );

    // Someone else deletes a version the window still shows: Restore says it is gone, and
    // the list is read again.
    let stale = harness.state().state().versions.rows()[1].clone();
    moto.connection()
        .client()
        .delete_object()
        .bucket("uiact")
        .key("a.txt")
        .version_id(&stale.version_id)
        .send()
        .await
        .unwrap();
    click_nth(&mut harness, "Restore", 1);
    wait_for(&mut harness, "the refused restore", idle);
    harness.get_by_label_contains("does not exist");
    let rows = harness.state().state().versions.rows().to_vec();
    assert!(rows.iter().all(|v| v.version_id != stale.version_id));
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn the_second_pane_shows_the_versions_of_its_own_bucket_and_profile() {
    let Some(moto) = Moto::start() else {
        eprintln!("skipped: moto_server is not installed (pip install 'moto[server]')");
        return;
    };
    let writes: &[(&str, &[u8])] = &[("p.txt", b"one"), ("p.txt", b"two")];
    versioned_bucket(&moto, "panevers", writes).await;
    // The explorer is on the demo server (s3s-fs, no versions); the second pane on moto.
    let server = crate::common::server_with_bucket("demo-side");
    let profiles = vec![pail::testing::demo::demo_profile(&server), moto.profile()];
    let mut harness = Harness::builder()
        .with_size([1280.0, 900.0])
        .build_eframe(move |cc| {
            let options = AppOptions {
                clipboard: Box::new(pail::testing::app::clipboard::MemoryClipboard::default()),
                history_path: None,
                config_dir: None,
                picker: std::sync::Arc::new(FixedPicker::default()),
            };
            PailApp::with_options(&cc.egui_ctx, profiles, None, options).unwrap()
        });
    wait_for(&mut harness, "buckets", |app| {
        matches!(app.state().explorer.buckets(), Loadable::Ready(_))
    });
    crate::ui_two_panes::right_pane_on(&mut harness, "Moto", "panevers");
    click(&mut harness, "Pane versions");
    wait_for(&mut harness, "the versions", versions_listed);
    harness.get_by_label_contains("Versioning: on");
    let place = harness
        .state()
        .state()
        .versions
        .place()
        .map(|p| p.profile.name.clone());
    assert_eq!(place.as_deref(), Some("Moto"));
    assert_eq!(
        rows(harness.state()),
        [
            ("p.txt".to_owned(), true, false),
            ("p.txt".to_owned(), false, false),
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn shared_links_renews_a_version_link_and_the_doctor_says_when_that_version_is_gone() {
    let Some(moto) = Moto::start() else {
        eprintln!("skipped: moto_server is not installed (pip install 'moto[server]')");
        return;
    };
    // A name browsers do not open: the doctor's word is then about the version alone, not
    // about the type moto serves it as.
    let writes: &[(&str, &[u8])] = &[("d.bin", b"old d"), ("d.bin", b"new d")];
    versioned_bucket(&moto, "uidoctor", writes).await;
    let mut harness = open_bucket(&moto, FixedPicker::default(), "uidoctor");
    show_versions(&mut harness);
    let old = harness.state().state().versions.rows()[1].clone();
    click_nth(&mut harness, "Web URL", 1);
    click(&mut harness, "Generate");
    wait_for(&mut harness, "the link", |app| {
        app.state()
            .web_url()
            .is_some_and(|d| d.generating().is_none() && !d.links().is_empty())
    });
    click(&mut harness, "Close");
    let checked = |app: &PailApp| {
        app.state().links.checking().is_none()
            && app
                .state()
                .links
                .links()
                .iter()
                .all(|l| app.state().links.check_of(&l.url).is_some())
    };
    click(&mut harness, "Shared links");
    click(&mut harness, "Check all");
    wait_for(&mut harness, "the check", checked);
    harness.get_by_label_contains("✔ Working");

    // Renewed, the link still serves that version.
    click(&mut harness, "Renew");
    wait_for(&mut harness, "the renewed link", |app| {
        app.state().links.links().len() == 2
    });
    let renewed = harness.state().state().links.links()[1].clone();
    assert!(
        renewed
            .url
            .contains(&format!("versionId={}", old.version_id)),
        "{}",
        renewed.url
    );
    assert_eq!(renewed.version_id.as_deref(), Some(old.version_id.as_str()));
    let body = crate::common::http()
        .get(&renewed.url)
        .send()
        .await
        .unwrap();
    assert_eq!(&body.bytes().await.unwrap()[..], b"old d");

    moto.connection()
        .client()
        .delete_object()
        .bucket("uidoctor")
        .key("d.bin")
        .version_id(&old.version_id)
        .send()
        .await
        .unwrap();
    click(&mut harness, "Check all");
    wait_for(&mut harness, "the second check", checked);
    // Both links, the first and the renewed one.
    let said = harness.query_all_by_label_contains("That version was deleted");
    assert_eq!(said.count(), 2);
    assert!(
        harness
            .query_by_label_contains("The object changed")
            .is_none()
    );
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn retry_of_a_failed_version_download_fetches_that_version_not_the_latest() {
    let Some(moto) = Moto::start() else {
        eprintln!("skipped: moto_server is not installed (pip install 'moto[server]')");
        return;
    };
    let writes: &[(&str, &[u8])] = &[("r.txt", b"the old one"), ("r.txt", b"the latest")];
    versioned_bucket(&moto, "uiretry", writes).await;
    let root = tempfile::tempdir().unwrap();
    // A file where the folder should be: the first attempt fails.
    let later = root.path().join("later");
    std::fs::write(&later, b"in the way").unwrap();
    let picker = FixedPicker {
        folder: Some(later.clone()),
        ..FixedPicker::default()
    };
    let mut harness = open_bucket(&moto, picker, "uiretry");
    show_versions(&mut harness);
    click_nth(&mut harness, "Download", 1);
    wait_for(&mut harness, "the failed download", |app| {
        app.state()
            .transfers
            .rows()
            .iter()
            .any(|t| matches!(t.state, pail::testing::app::state::TransferState::Failed(_)))
    });
    std::fs::remove_file(&later).unwrap();
    std::fs::create_dir(&later).unwrap();
    click(&mut harness, "Retry");
    let file = later.join("r.txt");
    wait_for(&mut harness, "the retried download", |_| file.exists());
    assert_eq!(std::fs::read(&file).unwrap(), b"the old one");
}
