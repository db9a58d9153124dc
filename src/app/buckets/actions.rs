//! The bucket dialogs' requests and the worker's answers, across the window's parts: a
//! dialog needs the chosen profile and a request id, and a bucket made or deleted lists the
//! buckets again and says so in the status bar.

use super::BucketAction;
use super::state::{BucketDialog, DeleteDialog, NewBucketForm, Outcome, PropertiesWindow};
use crate::app::modal::Modal;
use crate::app::state::AppState;
use crate::model::BucketName;
use crate::worker::{BucketEvent, Command};

impl AppState {
    /// The open bucket dialog, if the open dialog is one.
    pub fn bucket_dialog(&self) -> Option<&BucketDialog> {
        match self.modals.get() {
            Some(Modal::Bucket(dialog)) => Some(dialog),
            _ => None,
        }
    }

    pub fn bucket_dialog_mut(&mut self) -> Option<&mut BucketDialog> {
        match self.modals.get_mut() {
            Some(Modal::Bucket(dialog)) => Some(dialog),
            _ => None,
        }
    }

    pub(crate) fn on_bucket_request(&mut self, action: BucketAction) -> Vec<Command> {
        let named = |name: &str| BucketName::new(name).map_err(|e| e.to_string());
        match action {
            BucketAction::New => {
                let Some(profile) = self.profile().cloned() else {
                    return Vec::new();
                };
                let form = NewBucketForm::new(profile);
                self.modals
                    .open(Modal::Bucket(Box::new(BucketDialog::New(form))));
                Vec::new()
            }
            BucketAction::Properties(name) => {
                let (Some(profile), Ok(bucket)) = (self.profile().cloned(), named(&name)) else {
                    return Vec::new();
                };
                let id = self.next_id();
                let (mut window, command) = PropertiesWindow::open(id, profile, bucket);
                let mut commands = vec![command];
                if let Some(dir) = self.profiles.config_dir().cloned() {
                    commands.push(window.read_upload_rules(self.next_id(), dir));
                }
                self.modals
                    .open(Modal::Bucket(Box::new(BucketDialog::Properties(window))));
                commands
            }
            BucketAction::Delete {
                bucket,
                empty_first,
            } => {
                let (Some(profile), Ok(bucket)) = (self.profile().cloned(), named(&bucket)) else {
                    return Vec::new();
                };
                let id = self.next_id();
                let (dialog, command) = DeleteDialog::open(id, profile, bucket, empty_first);
                self.modals
                    .open(Modal::Bucket(Box::new(BucketDialog::Delete(dialog))));
                vec![command]
            }
            BucketAction::Create => {
                let id = self.next_id();
                match self.bucket_dialog_mut() {
                    Some(BucketDialog::New(form)) => form.create(id).into_iter().collect(),
                    _ => Vec::new(),
                }
            }
            BucketAction::SetVersioning(on) => {
                let id = self.next_id();
                match self.bucket_dialog_mut() {
                    Some(BucketDialog::Properties(window)) => {
                        window.set_versioning(id, on).into_iter().collect()
                    }
                    _ => Vec::new(),
                }
            }
            BucketAction::AddUploadRule | BucketAction::RemoveUploadRule(_) => {
                let id = self.next_id();
                let remove = match action {
                    BucketAction::RemoveUploadRule(pattern) => Some(pattern),
                    _ => None,
                };
                match self.bucket_dialog_mut() {
                    Some(BucketDialog::Properties(window)) => {
                        window.change_upload_rule(id, remove).into_iter().collect()
                    }
                    _ => Vec::new(),
                }
            }
            BucketAction::ConfirmDelete => {
                let id = self.next_id();
                match self.bucket_dialog_mut() {
                    Some(BucketDialog::Delete(dialog)) => dialog.delete(id).into_iter().collect(),
                    _ => Vec::new(),
                }
            }
            BucketAction::CancelDelete => {
                if let Some(BucketDialog::Delete(dialog)) = self.bucket_dialog() {
                    dialog.cancel();
                }
                Vec::new()
            }
            BucketAction::Close => {
                // A deletion running is stopped, not left running unseen.
                if let Some(BucketDialog::Delete(dialog)) = self.bucket_dialog() {
                    dialog.cancel();
                }
                self.modals.close_if(|m| matches!(m, Modal::Bucket(_)));
                Vec::new()
            }
        }
    }

    /// A bucket was made or deleted (`gone`) on the server at `endpoint`: the second pane, on
    /// that server, lists its buckets again and leaves `gone` if it shows it.
    fn second_pane_follows(
        &mut self,
        gone: Option<&BucketName>,
        endpoint: Option<&str>,
    ) -> Vec<Command> {
        let id = self.next_id();
        let Some(pane) = &mut self.second_pane else {
            return Vec::new();
        };
        let Some(profile) = pane.profile().cloned() else {
            return Vec::new();
        };
        if profile.endpoint.as_deref() != endpoint {
            return Vec::new();
        }
        let mut commands = Vec::new();
        if gone.is_some() && pane.location().map(|l| &l.bucket) == gone {
            commands.extend(pane.stop_loading());
            pane.forget_folder();
        }
        commands.push(pane.list_buckets(id, profile));
        commands
    }

    /// What the Upload link tab's CORS check asked this frame: its rules read, a rule added.
    pub(crate) fn upload_cors_requests(&mut self) -> Vec<Command> {
        if !self.web_url().is_some_and(|d| d.upload_cors.wants()) {
            return Vec::new();
        }
        let id = self.next_id();
        let Some(dialog) = self.web_url_mut() else {
            return Vec::new();
        };
        let (profile, bucket) = (dialog.profile().clone(), dialog.bucket().clone());
        dialog
            .upload_cors
            .commands(id, &profile, &bucket)
            .into_iter()
            .collect()
    }

    /// A bucket job's answer, for the dialog waiting for it (open, or behind a question).
    pub(crate) fn apply_buckets(&mut self, event: BucketEvent) -> Vec<Command> {
        let BucketEvent { id, answer } = event;
        for modal in self.modals.all_mut() {
            if let Modal::WebUrl(dialog) = modal {
                dialog.upload_cors.apply(id, &answer);
            }
        }
        let next = self.next_id();
        let mut outcome = Outcome::Stay;
        let mut commands = Vec::new();
        let mut is_open = true;
        let mut deleted = None;
        // The server where a bucket was made or deleted, for the second pane.
        let mut changed_on = None;
        for (index, modal) in self.modals.all_mut().enumerate() {
            if let Modal::Bucket(dialog) = modal {
                let (done, command) = dialog.apply(id, answer.clone(), next);
                commands.extend(command);
                if done != Outcome::Stay {
                    outcome = done;
                    is_open = index == 0;
                    match dialog.as_ref() {
                        BucketDialog::Delete(dialog) => {
                            deleted = Some(dialog.bucket.clone());
                            changed_on = Some(dialog.endpoint().cloned());
                        }
                        BucketDialog::New(form) => changed_on = Some(form.endpoint().cloned()),
                        BucketDialog::Properties(_) => {}
                    }
                }
            }
        }
        if let Outcome::Done { notice } = outcome {
            if is_open {
                self.modals.close_if(|m| matches!(m, Modal::Bucket(_)));
            }
            // The explorer does not go on showing the rows of a bucket that is gone.
            let shown = self.explorer.location().map(|l| l.bucket.clone());
            if deleted.is_some() && shown == deleted {
                self.explorer.forget_folder();
            }
            // Nor does the second pane, on a profile of the same server (a bucket's name is
            // the same bucket there); its buckets are listed again, a new one among them.
            if let Some(endpoint) = changed_on {
                commands.extend(self.second_pane_follows(deleted.as_ref(), endpoint.as_deref()));
            }
            self.status.set_notice(notice);
            commands.extend(self.load_buckets());
        }
        commands
    }
}
