//! What the Shared links window starts that needs a profile or a request id: the link
//! doctor's Check (one link) and Check all (a few at a time, with progress, in the
//! background), Renew, which signs the same object again with a new expiry (its answer, an
//! "updated link" message to copy, is taken in [`super::state`]), and Revoke of a folder's
//! page.

use std::time::{Duration, SystemTime};

use crate::app::shared_links::state::Links;
use crate::app::state::AppState;
use crate::model::{BucketName, ObjectKey, Scheme};
use crate::share::cloudfront::{CloudFrontPolicy, SignedParts, signed_parts};
use crate::share::link_doctor::SharedAs;
use crate::share::{Expiry, GetOptions};
use crate::storage::history::SharedLink;
use crate::worker::{CloudFrontRequest, Command, RenewRequest};

impl AppState {
    /// Check (one link) or Check all (`urls` every live link): tried in the background.
    pub fn check_links(&mut self, urls: &[String]) -> Vec<Command> {
        let links: Vec<(String, SharedAs)> = self
            .links
            .links()
            .iter()
            .filter(|l| urls.contains(&l.url) && l.method == "GET" && !l.revoked)
            .map(|l| (l.url.clone(), shared_as(l)))
            .collect();
        if links.is_empty() {
            return Vec::new();
        }
        let mut commands = Vec::new();
        let id = self.next_id();
        let urls: Vec<String> = links.iter().map(|(url, _)| url.clone()).collect();
        if let Some(previous) = self.links.start_check(id, &urls, links.len()) {
            commands.push(Command::Cancel { id: previous });
        }
        commands.push(Command::CheckLinks { id, links });
        commands
    }

    /// Renew: the same object and download options, as long a lifetime as before (at most
    /// the profile's limit: 7 days unless it states its provider's) from now, signed with the
    /// profile that made it.
    pub fn renew_link(&mut self, url: &str) -> Vec<Command> {
        let Some(link) = self.links.get(url).cloned() else {
            return Vec::new();
        };
        if !Links::can_renew(&link) {
            return Vec::new();
        }
        let Some(profile) = self.profile_that_made(&link, "Renew") else {
            return Vec::new();
        };
        let Some((bucket, key)) = link
            .uri
            .strip_prefix("s3://")
            .and_then(|rest| rest.split_once('/'))
            .and_then(|(b, k)| Some((BucketName::new(b).ok()?, ObjectKey::new(k).ok()?)))
        else {
            return Vec::new();
        };
        let lifetime = Duration::from_secs((link.expires - link.created).max(60) as u64);
        let id = self.next_id();
        if let Some(parts) = signed_parts(&link.url) {
            return self.renew_cloudfront(id, &link, bucket, key, parts, lifetime);
        }
        let lifetime = lifetime.min(profile.link_limit().0.longest);
        self.links.start_renew(id);
        vec![Command::RenewLink(RenewRequest {
            id,
            profile,
            bucket,
            key,
            options: options_of(&link.url),
            expiry: Expiry::In(lifetime),
            previous: link.url,
        })]
    }

    /// Renew through CloudFront: the same lifetime (no 7-day limit), the same IP range, with
    /// the key Pail keeps for the key pair.
    fn renew_cloudfront(
        &mut self,
        id: crate::worker::RequestId,
        link: &SharedLink,
        bucket: BucketName,
        key: ObjectKey,
        parts: SignedParts,
        lifetime: Duration,
    ) -> Vec<Command> {
        let Some(config_dir) = self.profiles.config_dir().cloned() else {
            self.links
                .set_notice("Pail has no settings folder here, so it has no CloudFront key.");
            return Vec::new();
        };
        let Some(domain) = url::Url::parse(&parts.url).ok().and_then(|url| {
            let host = url.host_str()?.to_owned();
            Some(match url.port() {
                Some(port) => format!("{host}:{port}"),
                None => host,
            })
        }) else {
            return Vec::new();
        };
        self.links.start_renew(id);
        vec![Command::RenewCloudFront {
            request: CloudFrontRequest {
                id,
                config_dir,
                bucket,
                domain,
                key_id: parts.key_pair_id,
                keys: vec![key],
                scheme: if parts.url.starts_with("http://") {
                    Scheme::Http
                } else {
                    Scheme::Https
                },
                policy: CloudFrontPolicy::new(SystemTime::now() + lifetime, None, parts.ip_range),
            },
            previous: link.url.clone(),
        }]
    }

    /// Revoke on a shared folder's page: deletes the page, with the profile that made it.
    pub fn revoke_page(&mut self, url: &str) -> Vec<Command> {
        let Some(link) = self.links.get(url) else {
            return Vec::new();
        };
        let Some(page) = link.page.clone() else {
            return Vec::new();
        };
        let link = link.clone();
        let Some(profile) = self.profile_that_made(&link, "Revoke") else {
            return Vec::new();
        };
        let (Ok(bucket), Ok(key)) = (
            crate::model::BucketName::new(&page.bucket),
            crate::model::ObjectKey::new(page.key.clone()),
        ) else {
            return Vec::new();
        };
        let id = self.next_id();
        self.links.start_revoke(id, url);
        vec![Command::RevokePage {
            id,
            profile,
            bucket,
            key,
        }]
    }

    /// The profile that made `link`, or a notice that `action` needs it and it is gone.
    pub(crate) fn profile_that_made(
        &mut self,
        link: &SharedLink,
        action: &str,
    ) -> Option<crate::profiles::Profile> {
        let profile = self.profiles.by_name(&link.profile).cloned();
        if profile.is_none() {
            self.links.set_notice(format!(
                "{action} needs the profile {} that made the link, and it is not there any more.",
                link.profile
            ));
        }
        profile
    }
}

/// What was recorded when `link` was shared.
fn shared_as(link: &SharedLink) -> SharedAs {
    SharedAs {
        expires: SystemTime::UNIX_EPOCH + Duration::from_secs(link.expires.max(0) as u64),
        etag: link.etag.clone(),
    }
}

/// The download options a link was made with, read back from its query.
fn options_of(url: &str) -> GetOptions {
    let parsed = url::Url::parse(url).ok();
    let param = |name: &str| {
        parsed
            .as_ref()?
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    GetOptions {
        content_disposition: param("response-content-disposition"),
        content_type: param("response-content-type"),
        scheme: Some(if url.starts_with("http://") {
            Scheme::Http
        } else {
            Scheme::Https
        }),
        // A renewed link to one version serves that version still.
        version_id: param("versionId"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_links_options_are_read_back_from_its_url() {
        let url = "http://127.0.0.1:9/b/k?x-id=GetObject&response-content-disposition=attachment%3B%20filename%3D%22a%20b.pdf%22&X-Amz-Signature=x";
        let options = options_of(url);
        assert_eq!(
            options.content_disposition.as_deref(),
            Some("attachment; filename=\"a b.pdf\"")
        );
        assert_eq!(options.content_type, None);
        assert_eq!(options.scheme, Some(Scheme::Http));
    }
}
