//! Edit headers between the window's parts: the dialog opens on the active bucket pane's
//! selection (objects, and every object below selected folders), its buttons' requests, and
//! the worker's answers, which find the dialog wherever it is (open, or waiting behind another).

use super::state::EditHeadersDialog;
use super::ui::HeadersRequest;
use crate::app::modal::Modal;
use crate::app::state::AppState;
use crate::model::ObjectKey;
use crate::worker::{Command, HeadersEvent};

impl AppState {
    /// Edit headers… (row menu): the dialog, and the read of what it edits.
    pub(crate) fn request_edit_headers(&mut self) -> Vec<Command> {
        let pane = self.bucket_pane();
        let Some((profile, location, _)) = self.folder_of(pane) else {
            return Vec::new();
        };
        let (keys, prefixes) = match (pane, &self.second_pane) {
            (crate::app::shared::ActivePane::Second, Some(second)) => {
                second.selected_keys_and_folders()
            }
            _ => self.selected_keys_and_folders(),
        };
        let keys: Vec<ObjectKey> = keys
            .into_iter()
            .filter_map(|(key, _)| ObjectKey::new(key).ok())
            .collect();
        if keys.is_empty() && prefixes.is_empty() {
            return Vec::new();
        }
        let id = self.next_id();
        let (dialog, command) =
            EditHeadersDialog::open(id, (profile, location.bucket), keys, prefixes);
        self.modals.open(Modal::EditHeaders(Box::new(dialog)));
        vec![command]
    }

    /// The Web URL dialog's tested link will download (its stored Content-Type): a new link
    /// that asks S3 for the right type (`override_in_link`), or Edit headers on the object
    /// with that type filled in.
    pub(crate) fn fix_link_type(&mut self, override_in_link: bool) -> Vec<Command> {
        let Some(dialog) = self.modals.web_url_mut() else {
            return Vec::new();
        };
        let (Some(Ok(answer)), [target]) = (dialog.test_result(), dialog.targets()) else {
            return Vec::new();
        };
        let Some(found) = crate::share::opens_as::will_download(
            target.key.as_str(),
            answer.content_type.as_deref(),
            answer.content_disposition.as_deref(),
        ) else {
            return Vec::new();
        };
        if override_in_link {
            dialog.inputs.content_type = found.opens_as;
            return self.generate_links(std::time::SystemTime::now());
        }
        let place = (dialog.profile().clone(), dialog.bucket().clone());
        let key = target.key.clone();
        let mut commands = self.close_web_url();
        let id = self.next_id();
        let (mut edit, read) = EditHeadersDialog::open(id, place, vec![key], Vec::new());
        edit.suggest_content_type(found.opens_as);
        self.modals.open(Modal::EditHeaders(Box::new(edit)));
        commands.push(read);
        commands
    }

    /// What the dialog's buttons ask.
    pub(crate) fn on_headers_request(&mut self, request: HeadersRequest) -> Vec<Command> {
        match request {
            HeadersRequest::Apply => {
                let id = self.next_id();
                match self.modals.get_mut() {
                    Some(Modal::EditHeaders(dialog)) => dialog.apply(id).into_iter().collect(),
                    _ => Vec::new(),
                }
            }
            HeadersRequest::Cancel => match self.modals.get_mut() {
                Some(Modal::EditHeaders(dialog)) => dialog.cancel().into_iter().collect(),
                _ => Vec::new(),
            },
            HeadersRequest::Close => {
                let closed = self.modals.close_if(|m| matches!(m, Modal::EditHeaders(_)));
                match closed {
                    // What an edit changed (the storage class column) is listed again.
                    Some(Modal::EditHeaders(dialog))
                        if matches!(dialog.phase(), super::state::Phase::Done(_)) =>
                    {
                        self.refresh_bucket_panes()
                    }
                    _ => Vec::new(),
                }
            }
        }
    }

    /// The worker's answers about headers.
    pub(crate) fn apply_headers(&mut self, event: HeadersEvent) -> Vec<Command> {
        let dialog = self.modals.all_mut().find_map(|modal| match modal {
            Modal::EditHeaders(dialog) => Some(dialog),
            _ => None,
        });
        match (event, dialog) {
            (HeadersEvent::Read { id, result }, Some(dialog)) => dialog.read_answer(id, result),
            (HeadersEvent::Progress { id, progress }, Some(dialog)) => {
                dialog.progress(id, progress);
            }
            (HeadersEvent::Finished { id, result }, Some(dialog)) => {
                if let Ok(report) = &result {
                    self.status
                        .set_notice(format!("Edit headers: {}", report.summary()));
                }
                dialog.finished(id, result);
            }
            // The dialog is gone: the edit's end still reaches the status bar.
            (HeadersEvent::Finished { result, .. }, None) => match result {
                Ok(report) => self
                    .status
                    .set_notice(format!("Edit headers: {}", report.summary())),
                Err(e) => self.status.set_error(format!("Edit headers failed: {e}")),
            },
            _ => {}
        }
        Vec::new()
    }
}
