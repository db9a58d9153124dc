//! Edit headers in the window (issue 26, part 3) through egui_kittest against the local S3
//! server: the dialog from the row menu on one object (filled with its headers) and on a
//! selection (fields "(unchanged)"), its progress and its report of each object that failed.

use crate::common;

use aws_sdk_s3::primitives::ByteStream;
use common::ui::{click, demo_harness, wait_for};
use egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use pail::testing::app::headers::state::Phase;
use pail::testing::app::modal::Modal;
use pail::testing::app::{ListingState, Loadable, PailApp};
use pail::testing::demo::server::LocalServer;
use pail::testing::demo::{DEMO_ACCESS_KEY, DEMO_SECRET_KEY};

async fn stocked(keys: &[&str]) -> LocalServer {
    let server = LocalServer::start_temporary(DEMO_ACCESS_KEY, DEMO_SECRET_KEY).unwrap();
    server.create_bucket("site").unwrap();
    for key in keys {
        server
            .connection()
            .client()
            .put_object()
            .bucket("site")
            .key(*key)
            .content_type("application/octet-stream")
            .metadata("owner", "ana")
            .body(ByteStream::from_static(b"<html></html>"))
            .send()
            .await
            .unwrap();
    }
    server
}

async fn head(
    server: &LocalServer,
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

fn open_site(server: &LocalServer) -> Harness<'static, PailApp> {
    let mut harness = demo_harness(server);
    wait_for(&mut harness, "the buckets", |app| {
        matches!(app.state().explorer.buckets(), Loadable::Ready(_))
    });
    harness.get_by_label("site").click();
    wait_for(&mut harness, "the bucket", |app| {
        *app.state().explorer.listing_state() == ListingState::Done
    });
    harness
}

fn phase(app: &PailApp) -> Option<Phase> {
    match app.state().modals.get() {
        Some(Modal::EditHeaders(dialog)) => Some(dialog.phase().clone()),
        _ => None,
    }
}

fn replace_text(harness: &mut Harness<'static, PailApp>, label: &str, text: &str) {
    click(harness, label);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, Key::A);
    harness.get_by_label(label).type_text(text);
    harness.run_steps(2);
}

#[tokio::test(flavor = "multi_thread")]
async fn edit_headers_on_one_object_shows_its_headers_and_changes_what_was_edited() {
    let server = stocked(&["page.html"]).await;
    let mut harness = open_site(&server);
    harness.get_by_label("page.html").click();
    harness.step();
    harness.get_by_label("page.html").click_secondary();
    harness.run_steps(2);
    click(&mut harness, "Edit headers…");
    wait_for(&mut harness, "the headers", |app| {
        matches!(phase(app), Some(Phase::Reading(Loadable::Ready(_))))
    });
    harness.get_by_label("Apply to 1 object");
    replace_text(&mut harness, "Content-Type", "text/html; charset=utf-8");
    replace_text(&mut harness, "Cache-Control", "max-age=300");
    click(&mut harness, "+ Add metadata");
    replace_text(&mut harness, "Metadata 2 name", "reviewed");
    replace_text(&mut harness, "Metadata 2 value", "yes");
    click(&mut harness, "Apply to 1 object");
    wait_for(&mut harness, "the edit", |app| {
        matches!(phase(app), Some(Phase::Done(_)))
    });
    harness.get_by_label("1 of 1 objects edited");
    let after = head(&server, "page.html").await;
    assert_eq!(after.content_type(), Some("text/html; charset=utf-8"));
    assert_eq!(after.cache_control(), Some("max-age=300"));
    let meta = after.metadata().unwrap();
    assert_eq!(meta.get("owner").map(String::as_str), Some("ana"), "kept");
    assert_eq!(meta.get("reviewed").map(String::as_str), Some("yes"));
    click(&mut harness, "Close");
    assert!(phase(harness.state()).is_none(), "closed");
}

#[tokio::test(flavor = "multi_thread")]
async fn edit_headers_on_a_selection_keeps_each_objects_own_and_lists_what_failed() {
    let server = stocked(&["a.css", "b.css", "c.css"]).await;
    let mut harness = open_site(&server);
    harness.get_by_label("a.css").click();
    harness.step();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, Key::A);
    harness.run_steps(2);
    harness.get_by_label("b.css").click_secondary();
    harness.run_steps(2);
    click(&mut harness, "Edit headers…");
    wait_for(&mut harness, "the count", |app| {
        matches!(phase(app), Some(Phase::Reading(Loadable::Ready(_))))
    });
    // Nothing typed: the edit changes nothing, and says so instead of copying.
    click(&mut harness, "Apply to 3 objects");
    harness.get_by_label_contains("the edit changes nothing");
    replace_text(&mut harness, "Cache-Control", "public, max-age=31536000");
    click(&mut harness, "Remove Content-Type");
    // One object goes while the dialog is open: it fails alone, named with its reason.
    server
        .connection()
        .client()
        .delete_object()
        .bucket("site")
        .key("c.css")
        .send()
        .await
        .unwrap();
    click(&mut harness, "Apply to 3 objects");
    wait_for(&mut harness, "the edit", |app| {
        matches!(phase(app), Some(Phase::Done(_)))
    });
    harness.get_by_label("2 of 3 objects edited, 1 failed (left as they were)");
    harness.get_by_label_contains("c.css: ");
    for key in ["a.css", "b.css"] {
        let after = head(&server, key).await;
        assert_eq!(after.cache_control(), Some("public, max-age=31536000"));
        assert_ne!(
            after.content_type(),
            Some("application/octet-stream"),
            "removed"
        );
        let meta = after.metadata().unwrap();
        assert_eq!(
            meta.get("owner").map(String::as_str),
            Some("ana"),
            "each keeps its own"
        );
    }
}

fn web_url_tested(app: &PailApp) -> bool {
    app.state()
        .web_url()
        .is_some_and(|d| d.test_result().is_some() && !d.testing())
}

/// The Web URL dialog on `report.pdf` (stored as `application/octet-stream`), its link to
/// open in a browser generated and tested.
async fn tested_pdf_link() -> (LocalServer, Harness<'static, PailApp>) {
    let server = LocalServer::start_temporary(DEMO_ACCESS_KEY, DEMO_SECRET_KEY).unwrap();
    server.create_bucket("site").unwrap();
    server
        .connection()
        .client()
        .put_object()
        .bucket("site")
        .key("report.pdf")
        .content_type("application/octet-stream")
        .body(ByteStream::from_static(b"%PDF-1.7"))
        .send()
        .await
        .unwrap();
    let picker = Default::default();
    let mut harness = common::ui::web_url_on(&server, None, picker, "site", "report.pdf");
    // A link that downloads (the default) means to: the type matters to one that opens.
    click(&mut harness, "Open in browser instead of download");
    click(&mut harness, "Generate");
    wait_for(&mut harness, "the link", |app| {
        app.state().web_url().is_some_and(|d| !d.links().is_empty())
    });
    click(&mut harness, "Test link");
    wait_for(&mut harness, "the test", web_url_tested);
    (server, harness)
}

#[tokio::test(flavor = "multi_thread")]
async fn web_url_says_a_pdf_link_will_download_and_a_new_link_serves_it_as_a_pdf() {
    let (_server, mut harness) = tested_pdf_link().await;
    harness.get_by_label_contains("This link will download instead of opening");
    click(&mut harness, "Serve as application/pdf in this link");
    wait_for(&mut harness, "the new link", |app| {
        app.state().web_url().is_some_and(|d| {
            d.links()
                .first()
                .is_some_and(|l| l.url.contains("response-content-type=application%2Fpdf"))
        })
    });
    click(&mut harness, "Test link");
    wait_for(&mut harness, "the second test", web_url_tested);
    harness.get_by_label_contains("OK (HTTP 206)");
    assert!(
        harness
            .query_by_label_contains("will download instead of opening")
            .is_none(),
        "served as a PDF now"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn web_url_offers_to_edit_the_stored_type_of_a_link_that_will_download() {
    let (server, mut harness) = tested_pdf_link().await;
    click(&mut harness, "Edit the stored type…");
    wait_for(&mut harness, "the headers", |app| {
        matches!(phase(app), Some(Phase::Reading(Loadable::Ready(_))))
    });
    assert!(
        harness.state().state().web_url().is_none(),
        "Web URL closed"
    );
    click(&mut harness, "Apply to 1 object");
    wait_for(&mut harness, "the edit", |app| {
        matches!(phase(app), Some(Phase::Done(_)))
    });
    let server_ref = &server;
    let after = server_ref
        .connection()
        .client()
        .head_object()
        .bucket("site")
        .key("report.pdf")
        .send()
        .await
        .unwrap();
    assert_eq!(after.content_type(), Some("application/pdf"));
}

/// moto keeps versions: the dialog says, before anything runs, that an edit makes a new one.
#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn edit_headers_in_a_versioned_bucket_says_so_before_it_runs() {
    let Some(moto) = common::moto::Moto::start() else {
        eprintln!("moto is not installed; skipped");
        return;
    };
    let connection = moto.connection();
    let client = connection.client();
    client.create_bucket().bucket("kept").send().await.unwrap();
    let enabled = aws_sdk_s3::types::VersioningConfiguration::builder()
        .status(aws_sdk_s3::types::BucketVersioningStatus::Enabled)
        .build();
    client
        .put_bucket_versioning()
        .bucket("kept")
        .versioning_configuration(enabled)
        .send()
        .await
        .unwrap();
    client
        .put_object()
        .bucket("kept")
        .key("page.html")
        .body(ByteStream::from_static(b"<html></html>"))
        .send()
        .await
        .unwrap();
    let profile = moto.profile();
    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| {
            let options = pail::testing::app::AppOptions {
                clipboard: Box::new(pail::testing::app::clipboard::MemoryClipboard::default()),
                history_path: None,
                config_dir: None,
                picker: std::sync::Arc::new(pail::testing::app::picker::FixedPicker::default()),
            };
            PailApp::with_options(&cc.egui_ctx, vec![profile], None, options).unwrap()
        });
    wait_for(&mut harness, "the buckets", |app| {
        matches!(app.state().explorer.buckets(), Loadable::Ready(_))
    });
    harness.get_by_label("kept").click();
    wait_for(&mut harness, "the bucket", |app| {
        *app.state().explorer.listing_state() == ListingState::Done
    });
    harness.get_by_label("page.html").click();
    harness.step();
    harness.get_by_label("page.html").click_secondary();
    harness.run_steps(2);
    click(&mut harness, "Edit headers…");
    wait_for(&mut harness, "the headers", |app| {
        matches!(phase(app), Some(Phase::Reading(Loadable::Ready(_))))
    });
    harness
        .get_by_label_contains("This bucket keeps versions: each edited object gets a new version");
    replace_text(&mut harness, "Cache-Control", "no-cache");
    click(&mut harness, "Apply to 1 object");
    wait_for(&mut harness, "the edit", |app| {
        matches!(phase(app), Some(Phase::Done(_)))
    });
    let versions = client
        .list_object_versions()
        .bucket("kept")
        .send()
        .await
        .unwrap();
    assert_eq!(versions.versions().len(), 2, "the edit made a new version");
}

#[tokio::test(flavor = "multi_thread")]
async fn properties_opens_edit_headers_on_its_object() {
    let server = stocked(&["page.html"]).await;
    let mut harness = open_site(&server);
    harness.get_by_label("page.html").click();
    harness.step();
    click(&mut harness, "Properties");
    wait_for(&mut harness, "the properties", |app| {
        matches!(
            app.state().modals.get(),
            Some(Modal::Properties(Loadable::Ready(_)))
        )
    });
    click(&mut harness, "Edit headers…");
    wait_for(&mut harness, "the headers", |app| {
        matches!(phase(app), Some(Phase::Reading(Loadable::Ready(_))))
    });
    harness.get_by_label("page.html · s3://site/");
    harness.get_by_label("Apply to 1 object");
}
