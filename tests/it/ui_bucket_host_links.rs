//! The Web URL dialog making a signed link on a bucket named after its host, driven with
//! egui_kittest on a real server that finds the bucket from the whole `Host` and checks
//! signatures (s3s-fs with a host parser): the link is on that host, the key alone as its path,
//! and Test link, which fetches it on that host, answers OK. The bucket is named `localhost`,
//! the one host name every machine resolves to loopback.

use crate::common;

use common::ui::{click, wait_for, web_url_on};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use pail::testing::app::PailApp;
use pail::testing::app::picker::FixedPicker;

fn generate(harness: &mut Harness<'static, PailApp>) {
    click(harness, "Generate");
    wait_for(harness, "Generate's answer", |app| {
        app.state().web_url().is_some_and(|d| {
            d.generating().is_none() && (!d.links().is_empty() || d.error().is_some())
        })
    });
}

#[tokio::test(flavor = "multi_thread")]
async fn a_signed_link_on_a_bucket_host_is_made_there_and_test_link_answers_ok() {
    let server = crate::bucket_host_links::server("localhost");
    common::put_object(&server, "localhost", "r é.txt", b"on its host").await;
    let config = tempfile::tempdir().unwrap();
    let base = format!("http://localhost:{}/", server.addr().port());
    let mut harness = tokio::task::block_in_place(|| {
        web_url_on(
            &server,
            Some(config.path().to_owned()),
            FixedPicker::default(),
            "localhost",
            "r é.txt",
        )
    });
    let harness = &mut harness;
    click(harness, "Signed (expires)");
    harness.get_by_label("Custom domain").click();
    harness.run_steps(2);
    harness.get_by_label("Custom domain").type_text(&base);
    harness.run_steps(3);
    click(harness, "answers at that host");
    click(harness, "A bucket named after this host (CNAME to S3)");
    harness.get_by_label_contains("signed links work on it too");
    tokio::task::block_in_place(|| generate(harness));
    let dialog = harness.state().state().web_url().unwrap();
    assert_eq!(dialog.error(), None);
    let url = dialog.links()[0].url.clone();
    assert!(
        url.starts_with(&format!("{base}r%20%C3%A9.txt?x-id=GetObject&")),
        "{url}"
    );
    assert!(url.contains("X-Amz-Signature="));
    tokio::task::block_in_place(|| {
        click(harness, "Test link");
        wait_for(harness, "the test", |app| {
            app.state()
                .web_url()
                .is_some_and(|d| d.test_result().is_some())
        });
    });
    harness.get_by_label_contains("✔ OK (HTTP 206)");
    let body = common::http().get(&url).send().await.unwrap();
    assert_eq!(body.bytes().await.unwrap(), b"on its host".as_slice());
}
