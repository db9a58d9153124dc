//! The link doctor in the window: Check (one link) and Check all (a few at a time, with
//! progress, in the background), and Renew, which signs the same object again with a new
//! expiry and copies an "updated link" message.

use std::time::{Duration, SystemTime};

use crate::app::shared_links::state::unix_secs;
use crate::app::state::AppState;
use crate::model::{BucketName, ObjectKey, Scheme};
use crate::share::cloudfront::{CloudFrontPolicy, SignedParts, signed_parts};
use crate::share::link_doctor::SharedAs;
use crate::share::link_text::{NamedLink, email_html, email_plain};
use crate::share::{Expiry, GetOptions, MAX_LINK_LIFETIME};
use crate::storage::history::SharedLink;
use crate::worker::{CloudFrontRequest, Command, HistoryEvent, RenewRequest};

impl AppState {
    /// Check (one link) or Check all (`urls` every live link): tried in the background.
    pub fn check_links(&mut self, urls: &[String]) -> Vec<Command> {
        let links: Vec<(String, SharedAs)> = self
            .shared_links
            .iter()
            .filter(|l| urls.contains(&l.url) && l.method == "GET" && !l.revoked)
            .map(|l| (l.url.clone(), shared_as(l)))
            .collect();
        if links.is_empty() {
            return Vec::new();
        }
        let mut commands = Vec::new();
        if let Some((previous, _, _)) = self.checking.take() {
            commands.push(Command::Cancel { id: previous });
        }
        for (url, _) in &links {
            self.link_checks.remove(url);
        }
        let id = self.next_id();
        self.checking = Some((id, 0, links.len()));
        commands.push(Command::CheckLinks { id, links });
        commands
    }

    /// Every link Check all tries: the GET links not revoked.
    pub fn checkable_links(&self) -> Vec<String> {
        self.shared_links
            .iter()
            .filter(|l| l.method == "GET" && !l.revoked)
            .map(|l| l.url.clone())
            .collect()
    }

    /// Whether Renew can sign `link` again: a download link, through S3 or CloudFront (not a
    /// folder's page, not an upload link).
    pub fn can_renew(link: &SharedLink) -> bool {
        link.method == "GET"
            && link.page.is_none()
            && link.uri.starts_with("s3://")
            && (link.url.contains("X-Amz-Signature=") || signed_parts(&link.url).is_some())
    }

    /// Renew: the same object and download options, as long a lifetime as before (at most
    /// 7 days) from now, signed with the profile that made it.
    pub fn renew_link(&mut self, url: &str) -> Vec<Command> {
        let Some(link) = self.shared_links.iter().find(|l| l.url == url).cloned() else {
            return Vec::new();
        };
        if !Self::can_renew(&link) {
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
        let lifetime = lifetime.min(MAX_LINK_LIFETIME);
        self.renewing.start(id);
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
        let Some(config_dir) = self.config_dir.clone() else {
            self.shared_links_notice =
                Some("Pail has no settings folder here, so it has no CloudFront key.".into());
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
        self.renewing.start(id);
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

    /// Text waiting to be copied (Renew's message), taken once.
    pub(crate) fn take_clipboard_request(&mut self) -> Option<(String, String)> {
        self.clipboard_request.take()
    }

    /// The doctor's findings and Renew's answers.
    pub(crate) fn apply_doctor(&mut self, event: HistoryEvent) -> Vec<Command> {
        match event {
            HistoryEvent::LinkChecked { id, url, diagnosis } => {
                if let Some((checking, done, _)) = &mut self.checking
                    && *checking == id
                {
                    *done += 1;
                    self.link_checks.insert(url, diagnosis);
                }
            }
            HistoryEvent::ChecksDone { id }
                if self.checking.is_some_and(|(checking, _, _)| checking == id) =>
            {
                self.checking = None;
            }
            HistoryEvent::Renewed {
                id,
                previous,
                result,
            } => {
                if !self.renewing.accept(id) {
                    return Vec::new();
                }
                match result {
                    Ok(renewed) => return self.renewed(&previous, renewed),
                    Err(e) => self.shared_links_notice = Some(format!("Renew failed: {e}")),
                }
            }
            _ => {}
        }
        Vec::new()
    }

    /// A renewed link joins the history, and the "updated link" message goes to the clipboard.
    fn renewed(&mut self, previous: &str, renewed: crate::share::PresignedLink) -> Vec<Command> {
        let Some(old) = self
            .shared_links
            .iter()
            .find(|l| l.url == previous)
            .cloned()
        else {
            return Vec::new();
        };
        let expires = renewed.effective_expiry.at;
        let name = old.uri.rsplit('/').next().unwrap_or(&old.uri).to_owned();
        let named = [NamedLink {
            name,
            url: renewed.url.clone(),
            expires,
        }];
        self.clipboard_request = Some((
            format!("<p>Here is an updated link:</p>{}", email_html(&named)),
            format!("Here is an updated link:\n{}", email_plain(&named)),
        ));
        self.shared_links_notice =
            Some("Renewed: the \"updated link\" message is on the clipboard.".into());
        self.link_checks.remove(previous);
        self.shared_links.push(SharedLink {
            url: renewed.url,
            created: unix_secs(SystemTime::now()),
            expires: unix_secs(expires),
            options: format!("{} · renewed", old.options.trim_end_matches(" · renewed")),
            etag: renewed.etag,
            ..old
        });
        self.save_history()
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
