//! File operations in the window's state: Delete, New folder, Rename and Properties, and the
//! worker's answers about files, routed: a transfer's row is [`super::transfer_rows`]'s.

use crate::app::files::dialogs::FileDialogRequest;
use crate::app::files::file_ops::RenamePlace;
use crate::app::modal::PendingDelete;
use crate::app::shared::{ActivePane, Loadable, Location};
use crate::app::state::{AppState, Modal};
use crate::listing::Listing;
use crate::model::{BucketName, ObjectKey};
use crate::profiles::Profile;
use crate::s3::transfer::TransferError;
use crate::worker::{Command, FilesEvent, JobError, RenameRequest};

impl AppState {
    /// The selection as full keys: objects with their sizes, and folder prefixes.
    pub(crate) fn selected_keys_and_folders(&self) -> (Vec<(String, u64)>, Vec<String>) {
        match self.explorer.location() {
            Some(location) => self.explorer.listing().selected_keys(&location.prefix),
            None => (Vec::new(), Vec::new()),
        }
    }

    /// The pane Rename, New folder and Delete act on: the second pane while it is active and
    /// shows a bucket; otherwise the explorer's.
    pub(crate) fn bucket_pane(&self) -> ActivePane {
        let right = self.active_pane == ActivePane::Second
            && self
                .second_pane
                .as_ref()
                .is_some_and(|p| p.bucket().is_some());
        if right {
            ActivePane::Second
        } else {
            ActivePane::Explorer
        }
    }

    /// The profile, folder and rows of `pane`, while it shows a bucket folder.
    pub(crate) fn folder_of(&self, pane: ActivePane) -> Option<(Profile, Location, &Listing)> {
        match pane {
            ActivePane::Explorer => {
                let location = self.explorer.location().cloned()?;
                Some((self.profile()?.clone(), location, self.explorer.listing()))
            }
            ActivePane::Second => {
                let second = self.second_pane.as_ref()?;
                let bucket = second.bucket()?;
                let location = bucket.location()?.clone();
                Some((bucket.profile().clone(), location, second.listing()))
            }
        }
    }

    /// The single selected object of `pane`, if exactly one object is selected.
    fn single_selected_key(&self, pane: ActivePane) -> Option<String> {
        let (_, location, listing) = self.folder_of(pane)?;
        match listing.selected_rows()[..] {
            [row] if !row.is_folder => Some(format!("{}{}", location.prefix, row.name)),
            _ => None,
        }
    }

    /// Rename… (context menu, F2): opens the dialog with the current key.
    pub fn request_rename(&mut self) {
        let pane = self.bucket_pane();
        if let Some(key) = self.single_selected_key(pane) {
            self.modals.open(Modal::Rename {
                from: key.clone(),
                to: key,
                pane,
            });
        }
    }

    /// Rename in the dialog: copy to the new key, then delete the old one.
    pub fn confirm_rename(&mut self) -> Vec<Command> {
        let Some(Modal::Rename { from, to, pane }) =
            self.modals.close_if(|m| matches!(m, Modal::Rename { .. }))
        else {
            return Vec::new();
        };
        let to = to.trim().to_owned();
        if to == from {
            return Vec::new();
        }
        if to.ends_with('/') {
            self.status.set_error(
                "Rename: a key ending in / names a folder; the object would disappear from view",
            );
            return Vec::new();
        }
        let (Ok(from), Ok(to)) = (ObjectKey::new(from), ObjectKey::new(to)) else {
            self.status
                .set_error("Rename: the new name is not a valid key");
            return Vec::new();
        };
        let Some((profile, location, _)) = self.folder_of(pane) else {
            return Vec::new();
        };
        self.rename_command(from, to, false, (profile, location.bucket))
    }

    /// "Replace" after a rename found an object at the new key.
    pub fn confirm_rename_overwrite(&mut self) -> Vec<Command> {
        match self
            .modals
            .close_if(|m| matches!(m, Modal::RenameConflict { .. }))
        {
            Some(Modal::RenameConflict {
                from,
                to,
                profile,
                bucket,
            }) => self.rename_command(from, to, true, (*profile, bucket)),
            _ => Vec::new(),
        }
    }

    /// Renames `from` to `to` in `place`'s bucket.
    fn rename_command(
        &mut self,
        from: ObjectKey,
        to: ObjectKey,
        overwrite: bool,
        place: RenamePlace,
    ) -> Vec<Command> {
        let id = self.next_id();
        self.file_ops.rename_started(id, place.clone());
        let (profile, bucket) = place;
        vec![Command::Rename(RenameRequest {
            id,
            profile,
            bucket,
            from,
            to,
            overwrite,
        })]
    }

    /// Properties (context menu, toolbar): HeadObject of the selected object.
    pub fn request_properties(&mut self) -> Vec<Command> {
        let (Some(key), Some(location), Some(profile)) = (
            self.single_selected_key(ActivePane::Explorer),
            self.explorer.location().cloned(),
            self.profile().cloned(),
        ) else {
            return Vec::new();
        };
        let Ok(key) = ObjectKey::new(key) else {
            return Vec::new();
        };
        let id = self.next_id();
        self.modals.open(Modal::Properties(Loadable::Loading(id)));
        vec![Command::Properties {
            id,
            profile,
            bucket: location.bucket,
            key,
        }]
    }

    /// Delete (toolbar, Delete key): asks first, listing what goes.
    pub fn request_delete(&mut self) {
        let pane = self.bucket_pane();
        let Some((_, location, _)) = self.folder_of(pane) else {
            return;
        };
        let (keys, prefixes) = match (pane, &self.second_pane) {
            (ActivePane::Second, Some(second)) => second.selected_keys_and_folders(),
            _ => self.selected_keys_and_folders(),
        };
        if keys.is_empty() && prefixes.is_empty() {
            return;
        }
        let pending = PendingDelete {
            pane,
            bucket: location.bucket.clone(),
            keys: keys.into_iter().map(|(key, _)| key).collect(),
            prefixes,
        };
        self.modals.open(Modal::Delete(pending));
    }

    pub fn confirm_delete(&mut self) -> Vec<Command> {
        let Some(Modal::Delete(pending)) = self.modals.close_if(|m| matches!(m, Modal::Delete(_)))
        else {
            return Vec::new();
        };
        let Some((profile, _, _)) = self.folder_of(pending.pane) else {
            return Vec::new();
        };
        let id = self.next_id();
        self.status.set_notice("Deleting…");
        vec![Command::Delete {
            id,
            profile,
            bucket: pending.bucket,
            keys: pending.keys,
            prefixes: pending.prefixes,
        }]
    }

    /// New folder (toolbar, F7): the dialog, with an empty name.
    pub fn open_new_folder(&mut self) {
        let pane = self.bucket_pane();
        self.modals.open(Modal::NewFolder {
            name: String::new(),
            pane,
        });
    }

    /// Create in the New folder dialog.
    pub fn create_folder(&mut self) -> Vec<Command> {
        let Some(Modal::NewFolder { name, pane }) = self
            .modals
            .close_if(|m| matches!(m, Modal::NewFolder { .. }))
        else {
            return Vec::new();
        };
        let Some((profile, location, _)) = self.folder_of(pane) else {
            return Vec::new();
        };
        let id = self.next_id();
        vec![Command::CreateFolder {
            id,
            profile,
            bucket: location.bucket,
            prefix: location.prefix,
            name,
        }]
    }

    /// What the person asked for in a file operation's dialog; the dialog's own answers
    /// (Cancel, Close, "files exist already") are the dialog's, in [`file_dialogs_ui`].
    ///
    /// [`file_dialogs_ui`]: crate::app::files::dialogs::file_dialogs_ui
    pub(crate) fn on_file_dialog_request(&mut self, request: FileDialogRequest) -> Vec<Command> {
        match request {
            FileDialogRequest::Delete => self.confirm_delete(),
            FileDialogRequest::CreateFolder => self.create_folder(),
            FileDialogRequest::Rename => self.confirm_rename(),
            FileDialogRequest::RenameReplacing => self.confirm_rename_overwrite(),
            FileDialogRequest::EditHeaders => self.request_edit_headers(),
            FileDialogRequest::QuitAnyway { at } => {
                self.begin_quit(at);
                Vec::new()
            }
            FileDialogRequest::Close => {
                self.transfers.confirm_quit();
                Vec::new()
            }
        }
    }

    /// After a change in a bucket: both panes list again where they show a bucket.
    pub(crate) fn refresh_bucket_panes(&mut self) -> Vec<Command> {
        let mut commands = self.refresh();
        if self
            .second_pane
            .as_ref()
            .is_some_and(|p| p.bucket().is_some())
        {
            commands.extend(self.refresh_second());
        }
        commands
    }

    /// Lists the current folder again if `bucket`/`key` is inside it.
    pub(crate) fn refresh_if_shown(&mut self, bucket: &BucketName, key: &str) -> Vec<Command> {
        match self.explorer.location() {
            Some(location) if &location.bucket == bucket && key.starts_with(&location.prefix) => {
                self.refresh()
            }
            _ => Vec::new(),
        }
    }

    /// Transfers and file operations, as the worker answers: what is only a transfer's row
    /// goes to [`Transfers::apply`](crate::app::files::transfer_rows::Transfers::apply), what
    /// is only a dialog to [`Modals::apply`](crate::app::modal::Modals::apply); what reaches
    /// further (the status, the panes to list again, a question in the pane's dialog) is here.
    pub(crate) fn apply_files(&mut self, event: FilesEvent) -> Vec<Command> {
        match event {
            event @ (FilesEvent::TransferQueued { .. }
            | FilesEvent::TransferStarted { .. }
            | FilesEvent::TransferFinished { .. }) => {
                if let Some(finished) = self.transfers.apply(event) {
                    return self.transfer_finished(finished);
                }
            }
            event @ (FilesEvent::UploadConflicts { .. }
            | FilesEvent::DownloadConflicts { .. }
            | FilesEvent::PropertiesReady { .. }) => self.modals.apply(event),
            FilesEvent::Skipped { skipped } => self.status.set_error(skipped.to_string()),
            FilesEvent::BatchFailed { error } => self.status.set_error(error.to_string()),
            FilesEvent::Renamed {
                id,
                from,
                to,
                result,
            } => {
                let place = self.file_ops.renamed(id);
                match (result, place) {
                    (Ok(()), _) => self.status.set_notice(format!("Renamed to {to}")),
                    (
                        Err(JobError::Transfer(TransferError::Exists(_))),
                        Some((profile, bucket)),
                    ) => {
                        // Ask before replacing; nothing changed yet.
                        self.modals.open(Modal::RenameConflict {
                            from,
                            to,
                            profile: Box::new(profile),
                            bucket,
                        });
                        return Vec::new();
                    }
                    (Err(e), _) => self.status.set_error(format!("Rename failed: {e}")),
                }
                return self.refresh_bucket_panes();
            }
            FilesEvent::Deleted { id: _, result } => {
                match result {
                    Ok(report) => {
                        let mut text = format!(
                            "Deleted {}",
                            crate::fmt::count(report.deleted, "object", "objects")
                        );
                        if let Some((key, why)) = report.failures.first() {
                            text.push_str(&format!(
                                "; {} could not be deleted (first: {key}: {why})",
                                report.failures.len()
                            ));
                            self.status.set_error(text.clone());
                        }
                        self.status.set_notice(text);
                    }
                    Err(e) => {
                        self.status.clear_notice();
                        self.status.set_error(format!("Delete failed: {e}"));
                    }
                }
                return self.refresh_bucket_panes();
            }
            FilesEvent::FolderCreated { id: _, result } => {
                match result {
                    Ok(key) => self.status.set_notice(format!("Created folder {key}")),
                    Err(e) => self.status.set_error(format!("New folder failed: {e}")),
                }
                return self.refresh_bucket_panes();
            }
        }
        Vec::new()
    }
}
