//! The Shared links history as the window keeps it ([`Links`]): each generated link recorded
//! and saved, Clear, the answers about it (read at start-up, Revoke, the link doctor's
//! findings, Renew), and the window's own notice. A leaf the window's state holds; what needs
//! a profile or a request id is started from [`super::doctor`].

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::SystemTime;

use crate::app::shared::Pending;
use crate::app::status::Status;
use crate::app::web_url::state::{UploadResult, WebUrlDialog};
use crate::share::cloudfront::signed_parts;
use crate::share::link_doctor::Diagnosis;
use crate::share::link_text::{NamedLink, email_html, email_plain};
use crate::storage::history::{LinkKind, SharedLink, SharedPage};
use crate::worker::{Command, HistoryEvent, RequestId};

/// Every link generated, where they are saved, and the Shared links window's state.
#[derive(Debug, Default)]
pub struct Links {
    /// Newest last.
    links: Vec<SharedLink>,
    path: Option<PathBuf>,
    loading: Pending,
    /// The Shared links window is shown.
    pub open: bool,
    /// The Revokes in flight, with their links' URLs. Not a `Pending`: a Revoke pressed on
    /// another page does not make this one's answer stale (both pages go).
    revoking: HashMap<RequestId, String>,
    /// What the last Revoke or Renew did, shown in the Shared links window.
    notice: Option<String>,
    /// The link doctor's findings, by URL.
    checks: HashMap<String, Diagnosis>,
    /// A Check all in progress, with links tried and links in all.
    checking: Pending<(usize, usize)>,
    renewing: Pending,
    /// Text to copy once an answer arrives (Renew's "updated link" message): HTML and plain.
    clipboard_request: Option<(String, String)>,
}

impl Links {
    /// Newest last.
    pub fn links(&self) -> &[SharedLink] {
        &self.links
    }

    pub(crate) fn get(&self, url: &str) -> Option<&SharedLink> {
        self.links.iter().find(|l| l.url == url)
    }

    /// Where the history is saved (unfinished transfers are recorded beside it).
    pub(crate) fn path(&self) -> Option<&PathBuf> {
        self.path.as_ref()
    }

    /// Reads the history from `path` with request `id`.
    pub(crate) fn load(&mut self, id: RequestId, path: PathBuf) -> Command {
        self.loading.start(id);
        self.path = Some(path.clone());
        Command::LoadSharedLinks { id, path }
    }

    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    pub(crate) fn set_notice(&mut self, notice: impl Into<String>) {
        self.notice = Some(notice.into());
    }

    /// The link doctor's finding for `url`, once checked.
    pub fn check_of(&self, url: &str) -> Option<&Diagnosis> {
        self.checks.get(url)
    }

    /// Whether a check runs, and how far: links tried, links in all.
    pub fn checking(&self) -> Option<(usize, usize)> {
        self.checking.data().copied()
    }

    /// Check (one link) or Check all as request `id`: forgets what the links' last check
    /// found; gives the request to cancel, a Check all still running.
    pub(crate) fn start_check(
        &mut self,
        id: RequestId,
        urls: &[String],
        total: usize,
    ) -> Option<RequestId> {
        let previous = self.checking.id();
        for url in urls {
            self.checks.remove(url);
        }
        self.checking.start_with(id, (0, total));
        previous
    }

    pub(crate) fn start_revoke(&mut self, id: RequestId, url: &str) {
        self.revoking.insert(id, url.to_owned());
    }

    pub(crate) fn start_renew(&mut self, id: RequestId) {
        self.renewing.start(id);
    }

    /// Adds generated links to the history and saves it.
    pub(crate) fn record(&mut self, dialog: &WebUrlDialog, now: SystemTime) -> Vec<Command> {
        let created = unix_secs(now);
        let scheme = if dialog.inputs.https { "HTTPS" } else { "HTTP" };
        let mut new_links = Vec::new();
        if let Some(share) = dialog.folder_share() {
            self.links.push(SharedLink {
                uri: format!("s3://{}/{}", share.page_bucket, share.page_key),
                url: share.page_url.clone(),
                method: "GET".into(),
                profile: dialog.profile().name.clone(),
                created,
                expires: unix_secs(share.expires),
                options: format!(
                    "{scheme} · page for s3://{}/{} · {}",
                    dialog.bucket(),
                    dialog.shared_folder().unwrap_or_default(),
                    crate::fmt::count(share.entries.len(), "object", "objects")
                ),
                page: Some(SharedPage {
                    bucket: share.page_bucket.to_string(),
                    key: share.page_key.to_string(),
                    objects: share.entries.len(),
                }),
                revoked: false,
                etag: None,
                version_id: None,
                kind: LinkKind::Signed,
                unknown: Default::default(),
            });
            return self.save();
        }
        let linked = dialog.linked_targets();
        for (i, (target, link)) in linked.into_iter().zip(dialog.links()).enumerate() {
            new_links.push(SharedLink {
                uri: format!("s3://{}/{}", dialog.bucket(), target.key),
                url: link.url.clone(),
                method: "GET".into(),
                profile: dialog.profile().name.clone(),
                created,
                expires: unix_secs(link.expires),
                // "public: no expiry" says the kind already.
                options: if dialog.is_public() {
                    link.name.clone()
                } else if dialog.through_cloudfront() {
                    format!("CloudFront · {scheme} · {}", link.name)
                } else {
                    format!(
                        "{scheme} · {} as {}",
                        if dialog.inputs.inline {
                            "open"
                        } else {
                            "download"
                        },
                        link.name
                    )
                },
                page: None,
                revoked: false,
                etag: dialog.etag_of(i).map(str::to_owned),
                version_id: dialog.version().map(|(id, _)| id.to_owned()),
                kind: if dialog.is_public() {
                    LinkKind::Public
                } else {
                    LinkKind::Signed
                },
                unknown: Default::default(),
            });
            if let (Some(made), Some((id, _))) = (new_links.last_mut(), dialog.version()) {
                made.options.push_str(&format!(" · version {id}"));
            }
        }
        if let Some(UploadResult::Put(link, _)) = dialog.upload_result() {
            new_links.push(SharedLink {
                uri: format!("s3://{}/{}", dialog.bucket(), link.name),
                url: link.url.clone(),
                method: "PUT".into(),
                profile: dialog.profile().name.clone(),
                created,
                expires: unix_secs(link.expires),
                options: format!("{scheme} · upload"),
                page: None,
                revoked: false,
                etag: None,
                version_id: None,
                kind: LinkKind::Signed,
                unknown: Default::default(),
            });
        }
        if let Some(UploadResult::Post(form)) = dialog.upload_result() {
            new_links.push(SharedLink {
                uri: format!(
                    "s3://{}/{}",
                    dialog.bucket(),
                    dialog.inputs.upload_key.trim()
                ),
                url: form.url.clone(),
                method: "POST".into(),
                profile: dialog.profile().name.clone(),
                created,
                expires: unix_secs(form.effective_expiry.at),
                options: format!("{scheme} · upload form"),
                page: None,
                revoked: false,
                etag: None,
                version_id: None,
                kind: LinkKind::Signed,
                unknown: Default::default(),
            });
        }
        self.links.extend(new_links);
        self.save()
    }

    /// The command that writes the history where it is kept.
    pub(crate) fn save(&self) -> Vec<Command> {
        match &self.path {
            Some(path) => vec![Command::SaveSharedLinks {
                path: path.clone(),
                links: self.links.clone(),
            }],
            None => Vec::new(),
        }
    }

    /// Clear in the Shared links panel.
    pub(crate) fn clear(&mut self) -> Vec<Command> {
        self.links.clear();
        self.save()
    }

    /// Every link Check all tries: the GET links not revoked.
    pub(crate) fn checkable(&self) -> Vec<String> {
        self.links
            .iter()
            .filter(|l| l.method == "GET" && !l.revoked)
            .map(|l| l.url.clone())
            .collect()
    }

    /// Whether Renew can sign `link` again: a download link, through S3 or CloudFront (not a
    /// folder's page, not an upload link).
    pub(crate) fn can_renew(link: &SharedLink) -> bool {
        link.method == "GET"
            && link.page.is_none()
            && link.uri.starts_with("s3://")
            && (link.url.contains("X-Amz-Signature=") || signed_parts(&link.url).is_some())
    }

    /// Text waiting to be copied (Renew's message), taken once.
    pub(crate) fn take_clipboard_request(&mut self) -> Option<(String, String)> {
        self.clipboard_request.take()
    }

    /// The history as read at start-up, a failed save, a Revoke's answer, and the doctor's
    /// findings; warnings go to the status bar.
    pub(crate) fn apply(&mut self, event: HistoryEvent, status: &mut Status) -> Vec<Command> {
        match event {
            HistoryEvent::Loaded { id, links, warning } => {
                if self.loading.accept(id) {
                    // Links made before the file was read come after the saved ones.
                    let made_meanwhile = std::mem::replace(&mut self.links, links);
                    self.links.extend(made_meanwhile);
                    if let Some(warning) = warning {
                        status.set_error(warning.to_string());
                    }
                }
            }
            HistoryEvent::SaveFailed { error } => status.set_error(error.to_string()),
            event @ (HistoryEvent::LinkChecked { .. }
            | HistoryEvent::ChecksDone { .. }
            | HistoryEvent::Renewed { .. }) => return self.apply_doctor(event),
            HistoryEvent::PageRevoked { id, result } => {
                let Some(url) = self.revoking.remove(&id) else {
                    return Vec::new();
                };
                match result {
                    Ok(()) => {
                        let Some(link) = self.links.iter_mut().find(|l| l.url == url) else {
                            return Vec::new();
                        };
                        link.revoked = true;
                        let until = SystemTime::UNIX_EPOCH
                            + std::time::Duration::from_secs(link.expires.max(0) as u64);
                        self.notice = Some(format!(
                            "The page is deleted. Links already opened or copied from it keep \
                             working until they expire ({}).",
                            crate::share::link_text::expiry_text(until)
                        ));
                        return self.save();
                    }
                    Err(e) => {
                        self.notice = Some(format!("Revoke failed: {e}"));
                    }
                }
            }
        }
        Vec::new()
    }

    /// The doctor's findings and Renew's answers.
    fn apply_doctor(&mut self, event: HistoryEvent) -> Vec<Command> {
        match event {
            HistoryEvent::LinkChecked { id, url, diagnosis } => {
                if self.checking.is_answer(id)
                    && let Some((done, _)) = self.checking.data_mut()
                {
                    *done += 1;
                    self.checks.insert(url, diagnosis);
                }
            }
            HistoryEvent::ChecksDone { id } => {
                self.checking.accept(id);
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
                    Err(e) => self.notice = Some(format!("Renew failed: {e}")),
                }
            }
            _ => {}
        }
        Vec::new()
    }

    /// A renewed link joins the history, and the "updated link" message goes to the clipboard.
    fn renewed(&mut self, previous: &str, renewed: crate::share::PresignedLink) -> Vec<Command> {
        let Some(old) = self.get(previous).cloned() else {
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
        self.notice = Some("Renewed: the \"updated link\" message is on the clipboard.".into());
        self.checks.remove(previous);
        self.links.push(SharedLink {
            url: renewed.url,
            created: unix_secs(SystemTime::now()),
            expires: unix_secs(expires),
            options: format!("{} · renewed", old.options.trim_end_matches(" · renewed")),
            etag: renewed.etag,
            ..old
        });
        self.save()
    }
}

pub(crate) fn unix_secs(t: SystemTime) -> i64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
