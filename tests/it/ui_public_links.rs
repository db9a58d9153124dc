//! Public links and custom domains in the Web URL dialog, driven with egui_kittest on a
//! moto-backed window (moto keeps bucket policies; s3s-fs has none): a private object said
//! so, a public one linked and tested, a second loopback host as a custom domain, a signed
//! link on a CDN domain refused with the CloudFront offer, and Shared links keeping the public
//! link without a countdown while the doctor checks it.

use crate::common;

use common::moto::Moto;
use common::second_host::{SecondHost, socket_of};
use common::ui::{click, wait_for};
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use pail::testing::app::clipboard::MemoryClipboard;
use pail::testing::app::{AppOptions, ListingState, Loadable, PailApp};

struct Window {
    harness: Harness<'static, PailApp>,
    clipboard: MemoryClipboard,
    config: tempfile::TempDir,
    _history: tempfile::TempDir,
}

async fn moto_with(keys: &[&str]) -> Option<Moto> {
    let Some(moto) = Moto::start() else {
        eprintln!("moto_server is not installed: skipped");
        return None;
    };
    let objects: Vec<(&str, &[u8])> = keys.iter().map(|k| (*k, k.as_bytes())).collect();
    moto.bucket_with("pub", objects).await;
    Some(moto)
}

async fn make_public(moto: &Moto) {
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::pub/*"}]}"#;
    moto.connection()
        .client()
        .put_bucket_policy()
        .bucket("pub")
        .policy(policy)
        .send()
        .await
        .unwrap();
}

/// A window on moto with the Web URL dialog open on `object` in `pub`, Link type Public.
fn public_dialog_on(moto: &Moto, object: &str) -> Window {
    let clipboard = MemoryClipboard::default();
    let config = tempfile::tempdir().unwrap();
    let history = tempfile::tempdir().unwrap();
    let profile = moto.profile();
    let (options_clipboard, config_dir, history_path) = (
        clipboard.clone(),
        config.path().to_owned(),
        history.path().join("shared-links.json"),
    );
    let mut harness = Harness::builder()
        .with_size([1280.0, 1000.0])
        .build_eframe(move |cc| {
            let options = AppOptions {
                clipboard: Box::new(options_clipboard),
                history_path: Some(history_path),
                config_dir: Some(config_dir),
                picker: std::sync::Arc::new(pail::testing::app::picker::FixedPicker::default()),
            };
            PailApp::with_options(&cc.egui_ctx, vec![profile], None, options).unwrap()
        });
    wait_for(&mut harness, "buckets", |app| {
        matches!(app.state().explorer.buckets(), Loadable::Ready(_))
    });
    harness.get_by_label("pub").click();
    wait_for(&mut harness, "the bucket", |app| {
        *app.state().explorer.listing_state() == ListingState::Done
    });
    harness.get_by_label(object).click();
    harness.step();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::L);
    harness.run_steps(4);
    click(&mut harness, "Public (no expiry)");
    Window {
        harness,
        clipboard,
        config,
        _history: history,
    }
}

fn generate(harness: &mut Harness<'static, PailApp>) {
    click(harness, "Generate");
    wait_for(harness, "Generate's answer", |app| {
        app.state().web_url().is_some_and(|d| {
            d.generating().is_none() && (!d.links().is_empty() || d.error().is_some())
        })
    });
}

fn type_domain(harness: &mut Harness<'static, PailApp>, url: &str) {
    harness.get_by_label("Custom domain").click();
    harness.run_steps(2);
    harness.get_by_label("Custom domain").type_text(url);
    harness.run_steps(3);
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn a_private_object_is_said_not_public_then_linked_once_public() {
    let Some(moto) = moto_with(&["a b+c.txt"]).await else {
        return;
    };
    let mut window = tokio::task::block_in_place(|| public_dialog_on(&moto, "a b+c.txt"));
    let harness = &mut window.harness;
    assert!(
        harness.query_by_label("Download as").is_none()
            && harness.query_by_label("1 hour").is_none(),
        "no expiry and no download options for an unsigned link"
    );
    // An expiry left in the past on the Signed side does not hold back a public link.
    let past = std::time::SystemTime::now() - std::time::Duration::from_secs(86_400);
    harness
        .state_mut()
        .state_mut()
        .web_url_mut()
        .unwrap()
        .set_expiry(past);
    harness.run_steps(2);
    tokio::task::block_in_place(|| generate(harness));
    harness.get_by_label_contains("This object is not public: the link would answer 403");
    assert!(
        harness
            .state()
            .state()
            .web_url()
            .unwrap()
            .links()
            .is_empty()
    );

    make_public(&moto).await;
    tokio::task::block_in_place(|| generate(harness));
    harness.get_by_label_contains(
        "✔ anyone with this link can open it, for as long as the object is public",
    );
    let url = harness.state().state().web_url().unwrap().links()[0]
        .url
        .clone();
    assert_eq!(url, format!("{}/pub/a%20b%2Bc.txt", moto.endpoint_url()));
    click(harness, "Copy");
    assert_eq!(
        window.clipboard.contents().text.as_deref(),
        Some(url.as_str())
    );
    assert!(
        harness.query_by_label("Copy for email").is_none(),
        "its text names an expiry"
    );
    tokio::task::block_in_place(|| {
        click(harness, "Test link");
        wait_for(harness, "the test", |app| {
            app.state()
                .web_url()
                .is_some_and(|d| d.test_result().is_some())
        });
    });
    harness.get_by_label_contains("✔ OK (HTTP 206)");
    // moto stored it as application/octet-stream, so it will download: a public link cannot
    // carry another type, so only the stored type is offered to change.
    harness.get_by_label_contains("will download instead of opening");
    harness.get_by_label("Edit the stored type…");
    assert!(harness.query_by_label_contains("in this link").is_none());
    let body = common::http().get(&url).send().await.unwrap();
    assert_eq!(body.bytes().await.unwrap(), b"a b+c.txt".as_slice());

    // Shared links keeps it without a countdown, and the doctor checks it like others.
    click(harness, "Close");
    let links = harness.state().state().links.links().to_vec();
    assert_eq!(links.len(), 1);
    assert_eq!(
        links[0].kind,
        pail::testing::storage::history::LinkKind::Public
    );
    click(harness, "Shared links");
    harness.get_by_label_contains("public: no expiry");
    assert!(harness.query_by_label_contains("expires in").is_none());
    tokio::task::block_in_place(|| {
        click(harness, "Check");
        wait_for(harness, "the check", |app| {
            app.state().links.checking().is_none() && app.state().links.check_of(&url).is_some()
        });
    });
    // moto stored it as application/octet-stream: it works, and the doctor says a browser
    // will download it, as for any link.
    let diagnosis = harness
        .state()
        .state()
        .links
        .check_of(&url)
        .cloned()
        .unwrap();
    assert!(diagnosis.is_working(), "{diagnosis}");
    harness.get_by_label_contains("Works, but will download instead of opening");

    // Private again: the doctor says so.
    moto.connection()
        .client()
        .delete_bucket_policy()
        .bucket("pub")
        .send()
        .await
        .unwrap();
    tokio::task::block_in_place(|| {
        click(harness, "Check");
        wait_for(harness, "the second check", |app| {
            app.state().links.checking().is_none()
                && app
                    .state()
                    .links
                    .check_of(&url)
                    .is_some_and(|d| !d.is_working())
        });
    });
    harness.get_by_label_contains("the object is not public any more");
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn a_custom_domain_gives_public_links_on_its_host_and_is_remembered() {
    let Some(moto) = moto_with(&["emoji 🎉.txt"]).await else {
        return;
    };
    make_public(&moto).await;
    let cdn = SecondHost::start(socket_of(moto.endpoint_url())).await;
    let base = format!("{}/pub/", cdn.url());
    let mut window = tokio::task::block_in_place(|| public_dialog_on(&moto, "emoji 🎉.txt"));
    let harness = &mut window.harness;
    type_domain(harness, &base);
    tokio::task::block_in_place(|| generate(harness));
    harness.get_by_label_contains("✔ anyone with this link can open it");
    let url = harness.state().state().web_url().unwrap().links()[0]
        .url
        .clone();
    assert_eq!(url, format!("{base}emoji%20%F0%9F%8E%89.txt"));
    let body = common::http().get(&url).send().await.unwrap();
    assert_eq!(body.bytes().await.unwrap(), "emoji 🎉.txt".as_bytes());
    let saved = std::fs::read_to_string(window.config.path().join("custom_domains.toml")).unwrap();
    assert!(
        saved.contains(&base) && saved.contains("kind = \"cdn\""),
        "{saved}"
    );

    // Opened again, the dialog fills in the bucket's domain.
    click(harness, "Close");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::L);
    harness.run_steps(4);
    wait_for(harness, "the remembered domain", |app| {
        app.state()
            .web_url()
            .is_some_and(|d| d.inputs.domain_url == base)
    });
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn a_signed_link_on_a_cdn_domain_is_refused_and_cloudfront_offered() {
    let Some(moto) = moto_with(&["r.pdf"]).await else {
        return;
    };
    let mut window = tokio::task::block_in_place(|| public_dialog_on(&moto, "r.pdf"));
    let harness = &mut window.harness;
    type_domain(harness, "https://cdn.example.com/");
    click(harness, "Signed (expires)");
    tokio::task::block_in_place(|| generate(harness));
    harness.get_by_label_contains("the link would answer SignatureDoesNotMatch");
    assert!(
        harness
            .state()
            .state()
            .web_url()
            .unwrap()
            .links()
            .is_empty()
    );
    // Another input drops the refusal and its offer, as it drops a link.
    click(harness, "Public (no expiry)");
    assert!(harness.query_by_label("Use CloudFront").is_none());
    click(harness, "Signed (expires)");
    tokio::task::block_in_place(|| generate(harness));
    click(harness, "Use CloudFront");
    harness.get_by_label("Distribution domain");
    let dialog = harness.state().state().web_url().unwrap();
    assert!(dialog.through_cloudfront());
    assert!(dialog.error().is_none());
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn a_signed_link_on_a_host_the_server_answers_works() {
    let Some(moto) = moto_with(&["r.pdf"]).await else {
        return;
    };
    let alias = SecondHost::start(socket_of(moto.endpoint_url())).await;
    let mut window = tokio::task::block_in_place(|| public_dialog_on(&moto, "r.pdf"));
    let harness = &mut window.harness;
    click(harness, "Signed (expires)");
    type_domain(harness, &alias.url());
    click(harness, "answers at that host");
    click(harness, "The S3 server answers this host itself");
    tokio::task::block_in_place(|| generate(harness));
    let dialog = harness.state().state().web_url().unwrap();
    assert_eq!(dialog.error(), None);
    let url = dialog.links()[0].url.clone();
    assert!(
        url.starts_with(&format!("{}/pub/r.pdf?", alias.url())),
        "{url}"
    );
    assert!(url.contains("X-Amz-Signature="));
    let body = common::http().get(&url).send().await.unwrap();
    assert_eq!(body.bytes().await.unwrap(), b"r.pdf".as_slice());
}
