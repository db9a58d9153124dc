//! How long the dialog's links may live with its profile ([`LinkLimit`]: AWS's week, or the
//! profile's `max_link_lifetime`), and the ways out when the profile's temporary credentials
//! end before the picked expiry: a shorter expiry, the CloudFront route, or another profile
//! with long-term keys on the same server.

use std::time::SystemTime;

use super::{DialogTab, WebUrlDialog};
use crate::profiles::Profile;
use crate::share::LinkLimit;

/// What the dialog offers when the credentials end before the link would.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaysOut {
    /// When the credentials end: the expiry of "Use the credentials' end".
    pub ends: SystemTime,
    /// The CloudFront route applies (download links, not a version's).
    pub cloudfront: bool,
    /// Other profiles with long-term keys on the same server whose limit allows the picked
    /// expiry: (their place in the dialog's list, for [`WebUrlDialog::sign_with`], name).
    pub profiles: Vec<(usize, String)>,
    /// Such profiles whose limit is shorter than the picked expiry: `lab-keys (7 days at most)`.
    pub too_short: Vec<String>,
}

impl WebUrlDialog {
    /// How long links signed with the dialog's profile may live, and why.
    pub fn link_limit(&self) -> LinkLimit {
        self.profile.link_limit().0
    }

    /// When Test link was refused for a link past SigV4's week that the profile's limit
    /// allowed: the server's own limit may be shorter than the profile says. Only the server
    /// knows, so Test link is where it shows.
    pub fn refused_past_a_week(&self, now: SystemTime) -> Option<String> {
        let Some(Err(crate::share::link_test::LinkTestError::Refused { status, .. })) =
            &self.test_result
        else {
            return None;
        };
        let lifetime = self.lifetime(now).ok()?;
        let limit = self.link_limit();
        (lifetime.expires_in > crate::share::MAX_LINK_LIFETIME
            && !self.through_cloudfront()
            && matches!(status, 400 | 403))
            .then(|| {
                format!(
                    "The server refused a link longer than 7 days: its own limit may be shorter than the profile's ({}). Try 7 days, or lower max_link_lifetime.",
                    limit.describe()
                )
            })
    }

    /// True once the worker has said when the profile's credentials end (or that they do not).
    pub fn credentials_known_yet(&self) -> bool {
        self.credentials_expiry.is_some()
    }

    /// `at` as `HH:MM` on the dialog's clock.
    pub fn clock_text(&self, at: SystemTime) -> String {
        crate::local_time::format(at, &self.zone, "%H:%M")
    }

    /// The expiry at the profile's longest link from `now` (a preset, when that is past the
    /// usual week).
    pub fn apply_longest(&mut self, now: SystemTime) {
        self.set_expiry(now + self.link_limit().longest);
    }

    /// Why the profile's stated limit is not used (on AWS, past 7 days), if it is not.
    pub fn limit_ignored(&self) -> Option<String> {
        self.profile.link_limit().1
    }

    /// The profiles the dialog may offer to sign with instead: every known one; those with
    /// long-term keys on the profile's server are kept.
    pub fn set_known_profiles(&mut self, all: &[Profile]) {
        self.long_term_profiles =
            crate::profiles::ways_out::long_term_profiles(all, &self.profile, self.bucket.as_str())
                .into_iter()
                .cloned()
                .collect();
    }

    /// When the credentials end before the picked expiry: known from the profile before
    /// Generate, and from the signed links after.
    pub fn credentials_end_first(&self, now: SystemTime) -> Option<SystemTime> {
        match self.effective {
            Some(effective) => effective.limited_by_credentials.then_some(effective.at),
            None => {
                let creds_end = self.credentials_expiry.flatten()?;
                let lifetime = self.lifetime(now).ok()?;
                (creds_end < lifetime.expires_at).then_some(creds_end)
            }
        }
    }

    /// The ways out, when the credentials end first.
    pub fn ways_out(&self, now: SystemTime) -> Option<WaysOut> {
        let ends = self.credentials_end_first(now)?;
        let wanted = self.lifetime(now).ok().map(|l| l.expires_in);
        let (fits, short): (Vec<_>, Vec<_>) = self
            .long_term_profiles
            .iter()
            .enumerate()
            .partition(|(_, p)| wanted.is_none_or(|w| w <= p.link_limit().0.longest));
        Some(WaysOut {
            ends,
            cloudfront: self.inputs.tab == DialogTab::WebUrl
                && self.version.is_none()
                && !self.through_cloudfront(),
            profiles: fits.into_iter().map(|(i, p)| (i, p.name.clone())).collect(),
            too_short: short
                .into_iter()
                .map(|(_, p)| {
                    let longest = crate::share::link_limit::span_text(p.link_limit().0.longest);
                    format!("{} ({longest} at most)", p.name)
                })
                .collect(),
        })
    }

    /// "Use the credentials' end": the expiry moves to the minute the credentials end (rounded
    /// down, so the link ends with them at the latest).
    pub fn use_credentials_end(&mut self, now: SystemTime) {
        if let Some(ends) = self.credentials_end_first(now) {
            self.set_expiry(ends);
        }
    }

    /// "Sign with profile X": the dialog signs with the `index`th profile offered from now on;
    /// what was made with the old one goes, and its credentials' end is asked anew. False when
    /// there is no such profile.
    pub fn sign_with(&mut self, index: usize) -> bool {
        let Some(profile) = self.long_term_profiles.get(index).cloned() else {
            return false;
        };
        let all: Vec<Profile> = std::iter::once(self.profile.clone())
            .chain(self.long_term_profiles.iter().cloned())
            .collect();
        self.profile = profile;
        self.set_known_profiles(&all);
        self.credentials_expiry = None;
        self.credentials_request.finish();
        self.clear_results();
        self.generating.finish();
        self.testing.finish();
        self.made_for = None;
        true
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use aws_credential_types::Credentials;

    use super::*;
    use crate::model::{BucketName, Endpoint, ObjectKey};
    use crate::profiles::ProfileSource;
    use crate::worker::{Command, RequestId};

    const DAY: Duration = Duration::from_secs(86_400);

    fn now() -> SystemTime {
        SystemTime::from("2026-11-29T12:00:30Z".parse::<jiff::Timestamp>().unwrap())
    }

    fn profile(name: &str, endpoint: Option<&str>, limit: Option<Duration>) -> Profile {
        let mut p = Profile::fixed(
            name,
            ProfileSource::Demo,
            Credentials::new("a", "b", None, None, "t"),
            endpoint.map_or(Endpoint::Aws, |e| Endpoint::custom(e).unwrap()),
            "us-east-1",
        );
        if endpoint.is_none() {
            p.endpoint = None;
        }
        p.max_link_lifetime = limit;
        p
    }

    fn temporary(name: &str, limit: Option<Duration>) -> Profile {
        let mut p = Profile::fixed(
            name,
            ProfileSource::Demo,
            Credentials::new("a", "b", Some("token".into()), Some(now() + DAY / 24), "t"),
            Endpoint::custom("https://lab.example.com").unwrap(),
            "us-east-1",
        );
        p.max_link_lifetime = limit;
        p
    }

    fn dialog(profile: Profile) -> WebUrlDialog {
        super::super::WebUrlDialog::in_zone(
            profile,
            BucketName::new("bucket").unwrap(),
            "docs/".into(),
            vec![super::super::Target {
                key: ObjectKey::new("docs/a.txt").unwrap(),
                size: 1,
            }],
            now(),
            crate::local_time::TimeZone::UTC,
        )
    }

    /// The credentials' end, as the worker answers request `id`.
    fn credentials_answer(d: &mut WebUrlDialog, id: u64, ends: Option<SystemTime>) {
        let Command::CredentialsExpiry { .. } = d.ask_credentials(RequestId(id)) else {
            panic!("asks the worker");
        };
        d.credentials_known(RequestId(id), Ok(ends));
    }

    #[test]
    fn aws_keeps_seven_days_whatever_the_profile_says() {
        let mut d = dialog(profile("prod", None, Some(DAY * 30)));
        assert_eq!(d.link_limit().longest, crate::share::MAX_LINK_LIFETIME);
        assert!(d.limit_ignored().unwrap().contains("AWS refuses"));
        d.set_expiry(now() + DAY * 8);
        let refusal = d.expiry_summary(now()).unwrap_err();
        assert!(
            refusal.contains("7 days (AWS's limit for pre-signed links)"),
            "{refusal}"
        );
        let (_, last) = d.allowed_days(now()).unwrap();
        assert_eq!(last.unwrap(), jiff::civil::date(2026, 12, 6));
    }

    #[test]
    fn a_profile_limit_moves_the_calendar_the_presets_and_the_refusal() {
        let mut d = dialog(profile(
            "lab",
            Some("https://lab.example.com"),
            Some(DAY * 30),
        ));
        let (_, last) = d.allowed_days(now()).unwrap();
        assert_eq!(last.unwrap(), jiff::civil::date(2026, 12, 29));
        d.apply_longest(now());
        let lifetime = d.lifetime(now()).unwrap();
        assert!(lifetime.expires_in <= DAY * 30 && lifetime.expires_in > DAY * 30 - DAY / 1440);
        // The 7-day preset still means 7 days.
        d.apply_preset(super::super::Preset::SevenDays, now());
        assert!(d.lifetime(now()).unwrap().expires_in <= DAY * 7);
        d.set_expiry(now() + DAY * 31);
        let refusal = d.expiry_summary(now()).unwrap_err();
        assert!(
            refusal.contains("30 days (set in profile lab)"),
            "{refusal}"
        );
        // A shorter limit than a week is held too: no 7-day link from a 1-day profile.
        let mut short = dialog(profile("short", Some("https://lab.example.com"), Some(DAY)));
        short.apply_preset(super::super::Preset::SevenDays, now());
        assert!(short.lifetime(now()).unwrap().expires_in <= DAY);
        // And the window offers no "7 days" button there, only what fits.
        use super::super::Preset;
        let offered: Vec<Preset> = Preset::ALL
            .into_iter()
            .filter(|p| p.fits(short.link_limit().longest))
            .collect();
        assert_eq!(
            offered,
            [Preset::OneHour, Preset::OneDay, Preset::EndOfToday]
        );
        assert!(
            Preset::ALL
                .into_iter()
                .all(|p| p.fits(d.link_limit().longest))
        );
    }

    #[test]
    fn ways_out_only_when_the_credentials_end_first() {
        let mut d = dialog(temporary("sts", None));
        assert_eq!(d.ways_out(now()), None, "not known yet");
        let keys = profile("keys", Some("https://lab.example.com"), None);
        let long_keys = profile("long", Some("https://lab.example.com"), Some(DAY * 30));
        let elsewhere = profile("elsewhere", Some("https://other.example.com"), None);
        let other_sts = temporary("other-sts", None);
        d.set_known_profiles(&[d.profile().clone(), keys, long_keys, elsewhere, other_sts]);
        credentials_answer(&mut d, 1, Some(now() + DAY / 24));
        let ways = d.ways_out(now()).unwrap();
        assert_eq!(ways.ends, now() + DAY / 24);
        assert!(ways.cloudfront);
        let names: Vec<&str> = ways.profiles.iter().map(|(_, n)| n.as_str()).collect();
        assert_eq!(names, ["keys", "long"]);
        assert!(ways.too_short.is_empty());
        // Within the hour: nothing to get out of.
        d.apply_preset(super::super::Preset::OneHour, now());
        d.inputs.minute -= 2;
        assert_eq!(d.ways_out(now()), None);
        // The credentials' end, to the minute, rounded down.
        d.apply_preset(super::super::Preset::OneDay, now());
        d.use_credentials_end(now());
        let lifetime = d.lifetime(now()).unwrap();
        assert!(lifetime.expires_at <= now() + DAY / 24);
        assert_eq!(d.ways_out(now()), None);
        // Credentials that do not end: no ways out at all.
        let mut lasting = dialog(temporary("sts", None));
        credentials_answer(&mut lasting, 1, None);
        assert_eq!(lasting.ways_out(now()), None);
    }

    #[test]
    fn signing_with_another_profile_drops_what_the_old_one_was_asked() {
        let mut d = dialog(temporary("sts", Some(DAY * 30)));
        let keys = profile("keys", Some("https://lab.example.com"), None);
        let long_keys = profile("long", Some("https://lab.example.com"), Some(DAY * 30));
        d.set_known_profiles(&[d.profile().clone(), keys, long_keys]);
        // The old profile's question is still in flight when the person switches.
        let _ = d.ask_credentials(RequestId(5));
        d.set_expiry(now() + DAY * 20);
        assert!(!d.sign_with(9), "no such profile");
        // The old profile's answer arrives: the ways out for a 20-day link.
        d.credentials_known(RequestId(5), Ok(Some(now() + DAY / 24)));
        let ways = d.ways_out(now()).unwrap();
        assert_eq!(ways.profiles, [(1, "long".to_owned())]);
        assert_eq!(ways.too_short, ["keys (7 days at most)"]);
        let _ = d.ask_credentials(RequestId(6));
        assert!(d.sign_with(1));
        assert_eq!(d.profile().name, "long");
        assert!(!d.credentials_known_yet());
        // The old profile's late answer is not taken for the new one's.
        d.credentials_known(RequestId(6), Ok(Some(now() + DAY / 24)));
        assert!(!d.credentials_known_yet());
        credentials_answer(&mut d, 7, None);
        assert_eq!(d.ways_out(now()), None);
        // The old profile can be picked back: it is among the known ones now.
        let names: Vec<&str> = d
            .long_term_profiles
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(
            names,
            ["keys"],
            "sts has no long-term keys, so it is not offered"
        );
    }
}
