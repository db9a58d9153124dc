//! The Shared links history as the window keeps it: each generated link recorded and saved,
//! and Clear.

use std::time::SystemTime;

use crate::app::state::AppState;
use crate::app::web_url::state::UploadResult;
use crate::storage::history::SharedLink;
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
        for (target, link) in dialog.targets().iter().zip(dialog.links()) {
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
            });
        }
        self.shared_links.extend(new_links);
        self.save_history()
    }

    fn save_history(&self) -> Vec<Command> {
        match &self.history_path {
            Some(path) => vec![Command::SaveSharedLinks {
                path: path.clone(),
                links: self.shared_links.clone(),
            }],
            None => Vec::new(),
        }
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
                if self.history_request == Some(id) {
                    self.history_request = None;
                    // Links made before the file was read come after the saved ones.
                    let made_meanwhile = std::mem::replace(&mut self.shared_links, links);
                    self.shared_links.extend(made_meanwhile);
                    if let Some(warning) = warning {
                        self.last_error = Some(warning.to_string());
                    }
                }
            }
            HistoryEvent::SaveFailed { error } => self.last_error = Some(error.to_string()),
        }
        Vec::new()
    }
}

fn unix_secs(t: SystemTime) -> i64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
