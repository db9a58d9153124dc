//! The Web URL dialog through CloudFront, driven with egui_kittest: a key chosen once and kept
//! (0600), links past 7 days that verify with the public key, and the distribution remembered
//! for the bucket the next time the dialog opens.

use crate::common;

use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::ui::{click, wait_for, web_url_on};
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use pail::share::cloudfront::{CloudFrontKey, verify_url};
use pail::testing::app::PailApp;
use pail::testing::app::web_url::state::Via;
use pail::testing::demo::server::LocalServer;
use pail::testing::demo::{DEMO_ACCESS_KEY, DEMO_SECRET_KEY};

const KEY_ID: &str = "K2JCJMDEHXQW5F";

fn key_file() -> PathBuf {
    std::fs::canonicalize("tests/vectors/cloudfront_test_key.pem").unwrap()
}

fn window(server: &LocalServer, config: &std::path::Path) -> Harness<'static, PailApp> {
    let picker = pail::testing::app::picker::FixedPicker {
        files: Some(vec![key_file()]),
        ..Default::default()
    };
    web_url_on(
        server,
        Some(config.to_owned()),
        picker,
        "photos",
        "summer é.jpg",
    )
}

fn type_into(harness: &mut Harness<'static, PailApp>, field: &str, text: &str) {
    click(harness, field);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.get_by_label(field).type_text(text);
    harness.run_steps(2);
}

#[test]
fn a_cloudfront_link_lasts_past_seven_days_and_its_distribution_is_remembered() {
    let server = LocalServer::start_temporary(DEMO_ACCESS_KEY, DEMO_SECRET_KEY).unwrap();
    server.create_bucket("photos").unwrap();
    std::fs::write(server.root().join("photos/summer é.jpg"), b"jpeg").unwrap();
    let config = tempfile::tempdir().unwrap();
    let mut harness = window(&server, config.path());

    click(&mut harness, "CloudFront (any expiry)");
    harness.get_by_label_contains("Trusted key groups");
    type_into(
        &mut harness,
        "Distribution domain",
        "d111111abcdef8.cloudfront.net",
    );
    type_into(&mut harness, "Key pair ID", KEY_ID);
    click(&mut harness, "Private key…");
    wait_for(&mut harness, "the key kept", |app| {
        app.state().web_url().is_some_and(|d| d.key_stored())
    });
    harness.get_by_label_contains("kept (readable by you only)");

    // Ninety days ahead: past what SigV4 allows, allowed through CloudFront.
    let in_90_days = SystemTime::now() + Duration::from_secs(90 * 86_400);
    harness
        .state_mut()
        .state_mut()
        .web_url_mut()
        .unwrap()
        .set_expiry(in_90_days);
    harness.run_steps(2);
    // 90 days rounded down to the minute: 89 days and some hours, or 90 days on the minute.
    assert!(
        harness
            .query_by_label_contains("expires in 89 days")
            .is_some()
            || harness
                .query_by_label_contains("expires in 90 days")
                .is_some()
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
    assert!(
        url.starts_with("http://d111111abcdef8.cloudfront.net/summer%20%C3%A9.jpg?Expires="),
        "{url}"
    );
    let pem = std::fs::read_to_string(key_file()).unwrap();
    let public = CloudFrontKey::from_pem(KEY_ID, &pem).unwrap().public_key();
    assert!(verify_url(&url, &public), "the signature verifies");
    let expires: u64 = url.split("Expires=").nth(1).unwrap()[..10].parse().unwrap();
    let picked = in_90_days.duration_since(UNIX_EPOCH).unwrap().as_secs();
    assert!(
        expires <= picked && picked - expires < 60,
        "to the minute, rounded down"
    );

    // Kept readable by the person only, and nothing of the key in the window's state.
    let settings = config.path().join("cloudfront.toml");
    assert!(settings.is_file());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&settings).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let state = format!("{:?}", harness.state().state());
    assert!(!state.contains(pem.lines().nth(1).unwrap()));

    // Renew in Shared links: the same object and lifetime, signed again with the kept key.
    click(&mut harness, "Close");
    click(&mut harness, "Shared links");
    click(&mut harness, "Renew");
    wait_for(&mut harness, "the renewed link", |app| {
        app.state().links.links().len() == 2
    });
    let renewed = harness.state().state().links.links()[1].url.clone();
    assert!(
        renewed.starts_with("http://d111111abcdef8.cloudfront.net/summer%20%C3%A9.jpg?Expires=")
    );
    assert!(verify_url(&renewed, &public), "the renewed link verifies");
    // As long a lifetime as before, from now: the same second gives the same link.
    let renewed_expires: u64 = renewed.split("Expires=").nth(1).unwrap()[..10]
        .parse()
        .unwrap();
    assert!(renewed_expires >= expires);
    assert!(
        harness.state().state().links.links()[1]
            .options
            .ends_with("renewed")
    );
    harness.state_mut().state_mut().links.open = false;
    harness.run_steps(2);

    // The next time: the distribution and key are there already.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::L);
    harness.run_steps(4);
    wait_for(&mut harness, "the remembered distribution", |app| {
        app.state().web_url().is_some_and(|d| {
            d.inputs.cf_domain == "d111111abcdef8.cloudfront.net" && d.key_stored()
        })
    });
    let dialog = harness.state().state().web_url().unwrap();
    assert_eq!(dialog.inputs.cf_key_id, KEY_ID);
    assert_eq!(dialog.inputs.via, Via::S3, "S3 stays the default");
}

#[test]
fn a_custom_policy_with_a_bad_ip_range_says_so_in_place() {
    let server = LocalServer::start_temporary(DEMO_ACCESS_KEY, DEMO_SECRET_KEY).unwrap();
    server.create_bucket("photos").unwrap();
    std::fs::write(server.root().join("photos/summer é.jpg"), b"jpeg").unwrap();
    let config = tempfile::tempdir().unwrap();
    let mut harness = window(&server, config.path());
    click(&mut harness, "CloudFront (any expiry)");
    type_into(&mut harness, "Distribution domain", "cdn.example.com");
    type_into(&mut harness, "Key pair ID", KEY_ID);
    click(&mut harness, "Private key…");
    wait_for(&mut harness, "the key kept", |app| {
        app.state().web_url().is_some_and(|d| d.key_stored())
    });
    click(&mut harness, "Custom policy: a start time and an IP range");
    type_into(&mut harness, "IP range", "10.0.0.0/40");
    click(&mut harness, "Generate");
    wait_for(&mut harness, "the refusal", |app| {
        app.state()
            .web_url()
            .is_some_and(|d| d.generating().is_none() && d.error().is_some())
    });
    harness.get_by_label_contains("is not an IP range");
}
