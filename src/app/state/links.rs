//! The Web URL dialog and the Shared links history, as seen from the window's state.

use std::time::SystemTime;

use super::AppState;
use crate::app::web_url::state::{DialogTab, FolderExpansion, Target, UploadResult, WebUrlDialog};
use crate::model::ObjectKey;
use crate::storage::history::SharedLink;
use crate::worker::Command;

impl AppState {
    /// Web URL (toolbar, context menu, Ctrl+L): a dialog for the selected objects. A selected
    /// folder stands for every object under it, which are counted first.
    pub fn open_web_url(&mut self, now: SystemTime) -> Vec<Command> {
        let (Some(location), Some(profile)) = (self.location.clone(), self.profile().cloned())
        else {
            return Vec::new();
        };
        let selected = self.listing.selected_rows();
        let folder = selected
            .iter()
            .find(|r| r.is_folder)
            .map(|r| format!("{}{}", location.prefix, r.name));
        let targets: Vec<Target> = selected
            .iter()
            .filter(|r| !r.is_folder)
            .filter_map(|r| {
                Some(Target {
                    key: ObjectKey::new(format!("{}{}", location.prefix, r.name)).ok()?,
                    size: r.size,
                })
            })
            .collect();
        let mut dialog = WebUrlDialog::new(
            profile.clone(),
            location.bucket.clone(),
            location.prefix.clone(),
            targets,
            now,
        );
        let mut commands = Vec::new();
        if let Some(prefix) = folder {
            let id = self.next_id();
            dialog.targets.clear();
            dialog.expansion = Some(FolderExpansion::Counting {
                id,
                prefix: prefix.clone(),
            });
            commands.push(Command::ListKeysUnder {
                id,
                profile: profile.clone(),
                bucket: location.bucket,
                prefix,
            });
        } else if dialog.targets.is_empty() {
            // Nothing to share: offer an upload link into this folder instead.
            dialog.tab = DialogTab::UploadLink;
        }
        let id = self.next_id();
        dialog.serial = id.0;
        dialog.credentials_request = Some(id);
        commands.push(Command::CredentialsExpiry { id, profile });
        self.web_url = Some(dialog);
        commands
    }

    /// Generate in the Web URL dialog.
    pub fn generate_links(&mut self, now: SystemTime) -> Vec<Command> {
        let id = self.next_id();
        match &mut self.web_url {
            Some(dialog) => dialog.generate(id, now),
            None => Vec::new(),
        }
    }

    /// Test link in the Web URL dialog.
    pub fn test_link(&mut self) -> Vec<Command> {
        let id = self.next_id();
        match &mut self.web_url {
            Some(dialog) => dialog.test(id),
            None => Vec::new(),
        }
    }

    /// Yes to "make links for all N objects?".
    pub fn confirm_folder_links(&mut self) {
        if let Some(dialog) = &mut self.web_url
            && let Some(FolderExpansion::Confirm { targets, .. }) = dialog.expansion.take()
        {
            dialog.targets = targets;
        }
    }

    pub fn close_web_url(&mut self) -> Vec<Command> {
        let mut commands = Vec::new();
        if let Some(dialog) = self.web_url.take()
            && let Some(FolderExpansion::Counting { id, .. }) = dialog.expansion
        {
            commands.push(Command::Cancel { id });
        }
        commands
    }

    /// Adds generated links to the history and saves it.
    pub(super) fn record_links(&mut self, now: SystemTime) -> Vec<Command> {
        let Some(dialog) = &self.web_url else {
            return Vec::new();
        };
        let created = unix_secs(now);
        let scheme = if dialog.https { "HTTPS" } else { "HTTP" };
        let mut new_links = Vec::new();
        for (target, link) in dialog.targets.iter().zip(&dialog.links) {
            new_links.push(SharedLink {
                uri: format!("s3://{}/{}", dialog.bucket, target.key),
                url: link.url.clone(),
                method: "GET".into(),
                profile: dialog.profile.name.clone(),
                created,
                expires: unix_secs(link.expires),
                options: format!(
                    "{scheme} · {} as {}",
                    if dialog.inline { "open" } else { "download" },
                    link.name
                ),
            });
        }
        if let Some(UploadResult::Put(link, _)) = &dialog.upload_result {
            new_links.push(SharedLink {
                uri: format!("s3://{}/{}", dialog.bucket, link.name),
                url: link.url.clone(),
                method: "PUT".into(),
                profile: dialog.profile.name.clone(),
                created,
                expires: unix_secs(link.expires),
                options: format!("{scheme} · upload"),
            });
        }
        if let Some(UploadResult::Post(form)) = &dialog.upload_result {
            new_links.push(SharedLink {
                uri: format!("s3://{}/{}", dialog.bucket, dialog.upload_key.trim()),
                url: form.url.clone(),
                method: "POST".into(),
                profile: dialog.profile.name.clone(),
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
}

fn unix_secs(t: SystemTime) -> i64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
