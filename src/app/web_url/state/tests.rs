//! The Web URL dialog's rules, without a window: presets, limits, requests and answers.

use super::*;
use crate::model::Endpoint;
use crate::model::Scheme;
use crate::profiles::ProfileSource;
use crate::share::{ContentTypeRule, KeyRule};
use crate::worker::{Command, LinkItem};
use aws_credential_types::Credentials;
use std::time::Duration;

fn now() -> SystemTime {
    SystemTime::from("2026-11-29T12:00:30Z".parse::<jiff::Timestamp>().unwrap())
}

fn dialog(keys: &[&str]) -> WebUrlDialog {
    let profile = Profile::fixed(
        "Demo",
        ProfileSource::Demo,
        Credentials::new("a", "b", None, None, "t"),
        Endpoint::custom("https://s3.example.com").unwrap(),
        "us-east-1",
    );
    let targets = keys
        .iter()
        .map(|k| Target {
            key: ObjectKey::new(*k).unwrap(),
            size: 1,
        })
        .collect();
    WebUrlDialog::new(
        profile,
        BucketName::new("bucket").unwrap(),
        "docs/".into(),
        targets,
        now(),
    )
}

#[test]
fn presets_set_the_picked_time() {
    let mut d = dialog(&["docs/a.pdf"]);
    let day = d.lifetime(now()).unwrap();
    // One day, to the minute, rounded down: up to 59 s less.
    assert!(day.expires_in <= Duration::from_secs(86_400));
    assert!(day.expires_in > Duration::from_secs(86_400 - 60));
    d.apply_preset(Preset::SevenDays, now());
    assert!(d.lifetime(now()).is_ok(), "7 days rounded down is allowed");
    d.apply_preset(Preset::OneHour, now());
    assert!(
        d.expiry_summary(now())
            .unwrap()
            .starts_with("expires in 59 min")
    );
}

#[test]
fn beyond_seven_days_and_the_past_are_refused_in_place() {
    let mut d = dialog(&["docs/a.pdf"]);
    d.set_expiry(now() + Duration::from_secs(8 * 86_400));
    let refusal = d.expiry_summary(now()).unwrap_err();
    assert!(refusal.contains("7 days"), "{refusal}");
    assert!(d.generate(RequestId(1), now()).is_empty());
    assert!(d.error().unwrap().contains("7 days"));

    d.set_expiry(now() - Duration::from_secs(3600));
    assert!(d.expiry_summary(now()).unwrap_err().contains("in the past"));
}

#[test]
fn generate_asks_for_one_link_per_object_with_download_names() {
    let mut d = dialog(&["docs/a b.pdf", "docs/ü.txt"]);
    d.inputs.https = false;
    let commands = d.generate(RequestId(7), now());
    let [Command::PresignLinks { items, .. }] = &commands[..] else {
        panic!("{commands:?}");
    };
    assert_eq!(items.len(), 2);
    let LinkItem::Get { options, .. } = &items[1] else {
        panic!("GET expected");
    };
    assert_eq!(options.scheme, Some(Scheme::Http));
    assert!(
        options
            .content_disposition
            .as_deref()
            .unwrap()
            .contains("filename*=UTF-8''%C3%BC.txt")
    );
}

#[test]
fn a_single_object_can_be_renamed_and_opened_inline() {
    let mut d = dialog(&["docs/scan-0001.pdf"]);
    d.inputs.download_name = "Contract.pdf".into();
    d.inputs.inline = true;
    let commands = d.generate(RequestId(1), now());
    let [Command::PresignLinks { items, .. }] = &commands[..] else {
        panic!();
    };
    let LinkItem::Get { options, .. } = &items[0] else {
        panic!();
    };
    assert_eq!(
        options.content_disposition.as_deref(),
        Some("inline; filename=\"Contract.pdf\"")
    );
}

#[test]
fn stale_answers_are_ignored() {
    let mut d = dialog(&["docs/a.pdf"]);
    d.generate(RequestId(2), now());
    assert!(!d.links_ready(RequestId(1), Ok(Vec::new()), None));
    assert_eq!(d.generating(), Some(RequestId(2)));
}

#[test]
fn post_upload_form_request() {
    let mut d = dialog(&[]);
    d.inputs.tab = DialogTab::UploadLink;
    d.inputs.upload_key = "incoming/".into();
    d.inputs.upload_max_mb = "100".into();
    d.inputs.upload_content_type = "image/*".into();
    let commands = d.generate(RequestId(3), now());
    let [Command::PresignPost { request, .. }] = &commands[..] else {
        panic!("{commands:?}");
    };
    assert_eq!(request.key, KeyRule::Prefix("incoming/".into()));
    assert_eq!(request.content_length, Some((0, 100_000_000)));
    assert_eq!(
        request.content_type,
        Some(ContentTypeRule::Prefix("image/".into()))
    );
    d.inputs.upload_max_mb = "lots".into();
    assert!(d.generate(RequestId(4), now()).is_empty());
    assert!(d.error().unwrap().contains("MB"));
}

#[test]
fn temporary_credentials_are_announced_before_generate() {
    let mut d = dialog(&["docs/a.pdf"]);
    assert_eq!(d.credentials_warning(now()), None);
    d.ask_credentials(RequestId(9));
    d.credentials_known(RequestId(9), Ok(Some(now() + Duration::from_secs(3600))));
    let warning = d.credentials_warning(now()).unwrap();
    assert!(warning.contains("session ends"), "{warning}");
    d.apply_preset(Preset::OneHour, now());
    assert_eq!(d.credentials_warning(now()), None, "the link ends first");
    d.ask_credentials(RequestId(10));
    d.credentials_known(RequestId(10), Ok(None));
    d.apply_preset(Preset::SevenDays, now());
    assert_eq!(d.credentials_warning(now()), None);
}

/// Central European time by its POSIX rule (no time zone database needed).
fn berlin() -> TimeZone {
    TimeZone::posix("CET-1CEST,M3.5.0,M10.5.0/3").unwrap()
}

fn dialog_in_berlin(now: SystemTime) -> WebUrlDialog {
    let d = dialog(&["docs/a.pdf"]);
    WebUrlDialog::in_zone(
        d.profile().clone(),
        d.bucket().clone(),
        "docs/".into(),
        d.targets().to_vec(),
        now,
        berlin(),
    )
}

fn utc(text: &str) -> SystemTime {
    SystemTime::from(text.parse::<jiff::Timestamp>().unwrap())
}

#[test]
fn the_repeated_autumn_hour_is_read_as_the_cli_reads_it() {
    let now = utc("2026-10-24T12:00:00Z");
    let mut d = dialog_in_berlin(now);
    d.inputs.date = jiff::civil::date(2026, 10, 25);
    (d.inputs.hour, d.inputs.minute) = (2, 30);
    let picked = d.expiry_at().unwrap();
    assert_eq!(picked, utc("2026-10-25T00:30:00Z"), "the first 02:30");
    assert_eq!(
        Ok(picked),
        crate::share::expiry::parse_datetime("2026-10-25 02:30", &berlin()),
        "the window and the CLI agree"
    );
}

#[test]
fn the_skipped_spring_hour_is_refused_in_place() {
    let now = utc("2026-03-28T12:00:00Z");
    let mut d = dialog_in_berlin(now);
    d.inputs.date = jiff::civil::date(2026, 3, 29);
    (d.inputs.hour, d.inputs.minute) = (2, 30);
    let refusal = d.expiry_summary(now).unwrap_err();
    assert!(refusal.contains("daylight-saving"), "{refusal}");
    assert!(d.generate(RequestId(1), now).is_empty());
}

#[test]
fn seven_days_across_a_daylight_saving_change_is_still_allowed() {
    // The week holds the spring change: 7 calendar days would be 6 d 23 h of clock time plus
    // an hour too many; the preset counts exact seconds, rounded down to the minute.
    let now = utc("2026-03-25T12:00:30Z");
    let mut d = dialog_in_berlin(now);
    d.apply_preset(Preset::SevenDays, now);
    let lifetime = d.lifetime(now).expect("allowed");
    assert!(lifetime.expires_in <= MAX_LINK_LIFETIME);
    assert!(lifetime.expires_in > MAX_LINK_LIFETIME - Duration::from_secs(60));
}
