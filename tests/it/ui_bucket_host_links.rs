//! The Web URL dialog making signed links on a bucket named after its host, driven with
//! egui_kittest on a real server that finds the bucket from the whole `Host` and checks
//! signatures (s3s-fs with a host parser): a download link on that host, the key alone as its
//! path, which Test link fetches there and finds OK; an upload URL there that uploads once. The bucket is named `localhost`,
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

/// Signed link, the custom domain typed, "A bucket named after this host" chosen.
fn choose_bucket_host(harness: &mut Harness<'static, PailApp>, base: &str) {
    click(harness, "Signed (expires)");
    harness.get_by_label("Custom domain").click();
    harness.run_steps(2);
    harness.get_by_label("Custom domain").type_text(base);
    harness.run_steps(3);
    click(harness, "answers at that host");
    click(harness, "A bucket named after this host (CNAME to S3)");
    harness.get_by_label_contains("signed links work on it too");
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
    choose_bucket_host(harness, &base);
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

    // Renew signs on the endpoint, which is not where this link was made: said, and the
    // link is not swapped for one on another address.
    click(harness, "Close");
    click(harness, "Shared links");
    tokio::task::block_in_place(|| {
        click(harness, "Renew");
        wait_for(harness, "Renew's answer", |app| {
            app.state().links.notice().is_some()
        });
    });
    let notice = harness.state().state().links.notice().unwrap().to_owned();
    assert!(notice.contains("not the endpoint's address"), "{notice}");
    assert_eq!(harness.state().state().links.links().len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_upload_url_on_a_bucket_host_uploads_there_once() {
    let server = crate::bucket_host_links::server("localhost");
    common::put_object(&server, "localhost", "r.txt", b"r").await;
    let config = tempfile::tempdir().unwrap();
    let base = format!("http://localhost:{}/", server.addr().port());
    let mut harness = tokio::task::block_in_place(|| {
        web_url_on(
            &server,
            Some(config.path().to_owned()),
            FixedPicker::default(),
            "localhost",
            "r.txt",
        )
    });
    let harness = &mut harness;
    choose_bucket_host(harness, &base);
    common::ui::click_in_dialog(harness, "Upload link");
    click(harness, "Upload URL (PUT)");
    harness
        .state_mut()
        .state_mut()
        .web_url_mut()
        .unwrap()
        .inputs
        .upload_key = "in/new file.txt".into();
    harness.get_by_label("Upload content type").click();
    harness.run_steps(2);
    harness
        .get_by_label("Upload content type")
        .type_text("text/plain");
    // Never overwrite is ticked from the start.
    assert!(
        harness
            .state()
            .state()
            .web_url()
            .unwrap()
            .inputs
            .upload_no_overwrite
    );
    harness.get_by_label_contains(&format!("On {base}: the custom domain"));
    assert!(
        harness.query_by_label("HTTPS").is_none(),
        "the domain's protocol"
    );
    tokio::task::block_in_place(|| {
        click(harness, "Generate");
        wait_for(harness, "the upload URL", |app| {
            app.state()
                .web_url()
                .is_some_and(|d| d.upload_result().is_some() || d.error().is_some())
        });
    });
    let dialog = harness.state().state().web_url().unwrap();
    assert_eq!(dialog.error(), None);
    let Some(pail::testing::app::web_url::state::UploadResult::Put(link, headers)) =
        dialog.upload_result().cloned()
    else {
        panic!("a PUT URL");
    };
    assert!(
        link.url
            .starts_with(&format!("{base}in/new%20file.txt?x-id=PutObject&")),
        "{}",
        link.url
    );
    assert!(
        headers
            .iter()
            .any(|(name, value)| name == "if-none-match" && value == "*"),
        "{headers:?}"
    );
    let upload = |body: &'static str| {
        let mut request = common::http().put(&link.url).body(body);
        for (name, value) in &headers {
            request = request.header(name, value);
        }
        request.send()
    };
    assert_eq!(upload("first").await.unwrap().status(), 200);
    assert_eq!(upload("again").await.unwrap().status(), 412);
    assert_eq!(
        common::get_object(&server, "localhost", "in/new file.txt")
            .await
            .unwrap(),
        b"first"
    );
}
