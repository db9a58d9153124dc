//! How long the dialog's links may live with its profile ([`LinkLimit`]: AWS's week, or the
//! profile's `max_link_lifetime`), and the ways out when the profile's temporary credentials
//! end before the picked expiry: a shorter expiry, the CloudFront route, or another profile
//! with long-term keys on the same server.

use std::time::SystemTime;

use super::{DialogTab, Via, WebUrlDialog};
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

    /// "Through CloudFront": the existing route, whose links outlive the session.
    pub fn use_cloudfront(&mut self) {
        self.inputs.tab = DialogTab::WebUrl;
        self.inputs.via = Via::CloudFront;
        self.clear_results();
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
