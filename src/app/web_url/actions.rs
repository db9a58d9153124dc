//! The Web URL dialog as the window opens, drives and closes it: the selection becomes its
//! targets (a folder is counted first), Generate and Test link go to the worker.

use std::time::SystemTime;

use crate::app::state::AppState;
use crate::app::web_url::state::{DialogTab, FolderExpansion, Target, WebUrlDialog};
use crate::model::ObjectKey;
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
}
