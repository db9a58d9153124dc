//! The link doctor in Shared links, driven with egui_kittest against the local S3 server:
//! Check all in the background, a deleted object said in words, and Renew copying an
//! "updated link" message whose link works.

use crate::common;

use common::ui::{click, wait_for, web_url_on_with};
use common::{http, put_object, server_with_bucket};
use egui_kittest::kittest::Queryable;
use pail::testing::app::clipboard::MemoryClipboard;

#[tokio::test(flavor = "multi_thread")]
async fn check_says_why_a_link_stopped_and_renew_makes_a_working_one() {
    let server = server_with_bucket("doctor");
    put_object(&server, "doctor", "plan.pdf", b"the plan").await;
    let clipboard = MemoryClipboard::default();
    let mut harness = tokio::task::block_in_place(|| {
        web_url_on_with(
            &server,
            None,
            Default::default(),
            clipboard.clone(),
            "doctor",
            "plan.pdf",
        )
    });
    click(&mut harness, "Generate");
    wait_for(&mut harness, "the link", |app| {
        app.state()
            .web_url()
            .is_some_and(|d| d.generating().is_none() && !d.links().is_empty())
    });
    click(&mut harness, "Close");
    assert!(
        harness.state().state().links.links()[0].etag.is_some(),
        "the ETag is recorded when the link is made"
    );
    click(&mut harness, "Shared links");
    click(&mut harness, "Check all");
    wait_for(&mut harness, "the check", |app| {
        app.state().links.checking().is_none()
            && app
                .state()
                .links
                .links()
                .iter()
                .any(|l| app.state().links.check_of(&l.url).is_some())
    });
    harness.get_by_label_contains("✔ Working");

    common::delete_object(&server, "doctor", "plan.pdf").await;
    click(&mut harness, "Check");
    wait_for(&mut harness, "the second check", |app| {
        app.state().links.checking().is_none()
            && app
                .state()
                .links
                .links()
                .iter()
                .any(|l| app.state().links.check_of(&l.url).is_some())
    });
    harness.get_by_label_contains("The object was deleted (404)");

    put_object(&server, "doctor", "plan.pdf", b"the plan, again").await;
    click(&mut harness, "Renew");
    wait_for(&mut harness, "the renewed link", |app| {
        app.state().links.links().len() == 2
    });
    let copied = clipboard.contents();
    let plain = copied.text.unwrap();
    assert!(plain.starts_with("Here is an updated link:"), "{plain}");
    assert!(copied.html.unwrap().contains("updated link"));
    let renewed = harness.state().state().links.links()[1].url.clone();
    assert!(plain.contains(&renewed));
    let answer = http().get(&renewed).send().await.unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.bytes().await.unwrap(), b"the plan, again".as_slice());
}
