//! The Shared links history as the window keeps it: each generated link recorded and saved,
//! and Clear.

use std::time::SystemTime;

use crate::app::state::AppState;
use crate::app::web_url::state::UploadResult;
use crate::storage::history::{SharedLink, SharedPage};
use crate::worker::{Command, HistoryEvent};

impl AppState {
    /// Adds generated links to the history and saves it.
    pub(crate) fn record_links(&mut self, now: SystemTime) -> Vec<Command> {
        let Some(dialog) = self.modals.web_url() else {
            return Vec::new();
        };
        let created = unix_secs(now);
        let scheme = if dialog.inputs.https { "HTTPS" } else { "HTTP" };
        let mut new_links = Vec::new();
        if let Some(share) = dialog.folder_share() {
            self.shared_links.push(SharedLink {
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
            });
            return self.save_history();
        }
        for (i, (target, link)) in dialog.targets().iter().zip(dialog.links()).enumerate() {
            new_links.push(SharedLink {
                uri: format!("s3://{}/{}", dialog.bucket(), target.key),
                url: link.url.clone(),
                method: "GET".into(),
                profile: dialog.profile().name.clone(),
                created,
                expires: unix_secs(link.expires),
                options: if dialog.through_cloudfront() {
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
            });
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
            });
        }
        self.shared_links.extend(new_links);
        self.save_history()
    }

    pub(crate) fn save_history(&self) -> Vec<Command> {
        match &self.history_path {
            Some(path) => vec![Command::SaveSharedLinks {
                path: path.clone(),
                links: self.shared_links.clone(),
            }],
            None => Vec::new(),
        }
    }

    /// The profile that made `link`, or a notice that `action` needs it and it is gone.
    pub(crate) fn profile_that_made(
        &mut self,
        link: &SharedLink,
        action: &str,
    ) -> Option<crate::profiles::Profile> {
        let profile = self
            .profiles
            .iter()
            .find(|p| p.name == link.profile)
            .cloned();
        if profile.is_none() {
            self.shared_links_notice = Some(format!(
                "{action} needs the profile {} that made the link, and it is not there any more.",
                link.profile
            ));
        }
        profile
    }

    /// Revoke on a shared folder's page: deletes the page, with the profile that made it.
    pub fn revoke_page(&mut self, url: &str) -> Vec<Command> {
        let Some(link) = self.shared_links.iter().find(|l| l.url == url) else {
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
        self.revoking = Some((id, url.to_owned()));
        vec![Command::RevokePage {
            id,
            profile,
            bucket,
            key,
        }]
    }

    /// Clear in the Shared links panel.
    pub fn clear_shared_links(&mut self) -> Vec<Command> {
        self.shared_links.clear();
        self.save_history()
    }

    /// The history as read at start-up, or a failed save.
    pub(crate) fn apply_history(&mut self, event: HistoryEvent) -> Vec<Command> {
        match event {
            HistoryEvent::Loaded { id, links, warning } => {
                if self.history_request.accept(id) {
                    // Links made before the file was read come after the saved ones.
                    let made_meanwhile = std::mem::replace(&mut self.shared_links, links);
                    self.shared_links.extend(made_meanwhile);
                    if let Some(warning) = warning {
                        self.status.set_error(warning.to_string());
                    }
                }
            }
            HistoryEvent::SaveFailed { error } => self.status.set_error(error.to_string()),
            event @ (HistoryEvent::LinkChecked { .. }
            | HistoryEvent::ChecksDone { .. }
            | HistoryEvent::Renewed { .. }) => return self.apply_doctor(event),
            HistoryEvent::PageRevoked { id, result } => {
                let Some((_, url)) = self.revoking.take_if(|(r, _)| *r == id) else {
                    return Vec::new();
                };
                match result {
                    Ok(()) => {
                        let Some(link) = self.shared_links.iter_mut().find(|l| l.url == url) else {
                            return Vec::new();
                        };
                        link.revoked = true;
                        let until = SystemTime::UNIX_EPOCH
                            + std::time::Duration::from_secs(link.expires.max(0) as u64);
                        self.shared_links_notice = Some(format!(
                            "The page is deleted. Links already opened or copied from it keep \
                             working until they expire ({}).",
                            crate::share::link_text::expiry_text(until)
                        ));
                        return self.save_history();
                    }
                    Err(e) => {
                        self.shared_links_notice = Some(format!("Revoke failed: {e}"));
                    }
                }
            }
        }
        Vec::new()
    }
}

pub(crate) fn unix_secs(t: SystemTime) -> i64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
