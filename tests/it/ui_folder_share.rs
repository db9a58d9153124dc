//! A folder shared as one link from the window: the Web URL dialog on a folder makes one index
//! page, its links work, Copy as CSV lists them all, and Shared links revokes the page.

use crate::common;

use common::ui::{click, wait_for, web_url_on_with};
use common::{http, put_object, server_with_bucket};
use egui_kittest::kittest::Queryable;

#[tokio::test(flavor = "multi_thread")]
async fn a_folder_becomes_one_page_and_revoke_deletes_it() {
    let server = server_with_bucket("team");
    for name in ["q1 results.pdf", "q2+q3.pdf", "notes/ünï.txt"] {
        put_object(&server, "team", &format!("reports/{name}"), name.as_bytes()).await;
    }
    let picker = pail::testing::app::picker::FixedPicker::default();
    let clipboard = pail::testing::app::clipboard::MemoryClipboard::default();
    let mut harness = tokio::task::block_in_place(|| {
        web_url_on_with(&server, None, picker, clipboard.clone(), "team", "reports/")
    });
    wait_for(&mut harness, "the folder counted", |app| {
        app.state()
            .web_url()
            .is_some_and(|d| d.expansion().is_none() && d.targets().len() == 3)
    });
    server.create_bucket("handouts").unwrap();
    click(&mut harness, "One link: an index page of them all");
    click(&mut harness, "Page in bucket");
    harness.get_by_label("Page in bucket").type_text("handouts");
    harness.run_steps(2);
    click(&mut harness, "Generate");
    wait_for(&mut harness, "the page", |app| {
        app.state()
            .web_url()
            .is_some_and(|d| d.generating().is_none() && d.folder_share().is_some())
    });
    let dialog = harness.state().state().web_url().unwrap();
    assert_eq!(dialog.links().len(), 1, "one link for the folder");
    let page_url = dialog.links()[0].url.clone();
    let share = dialog.folder_share().unwrap();
    assert_eq!(share.page_bucket.as_str(), "handouts", "the bucket picked");
    assert!(
        server
            .object_path("handouts", share.page_key.as_str())
            .exists()
    );
    let csv = dialog.links_csv().unwrap();
    assert_eq!(
        csv.lines().count(),
        4,
        "a header and a line per object: {csv}"
    );
    click(&mut harness, "Copy as CSV");
    assert_eq!(clipboard.contents().text.as_deref(), Some(csv.as_str()));
    let html = http()
        .get(&page_url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("3 files"), "{html}");

    click(&mut harness, "Close");
    click(&mut harness, "Shared links");
    click(&mut harness, "Revoke");
    wait_for(&mut harness, "the page deleted", |app| {
        app.state()
            .links
            .notice()
            .is_some_and(|n| n.contains("The page is deleted"))
    });
    harness.get_by_label("page revoked");
    let gone = http().get(&page_url).send().await.unwrap();
    assert!(
        matches!(gone.status().as_u16(), 403 | 404),
        "{}",
        gone.status()
    );
}
