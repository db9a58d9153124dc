//! The Web URL dialog as the window opens, drives and closes it: the selection becomes its
//! targets (a folder is counted first), and the dialog's requests: Generate and Test link go
//! to the worker, a key or a QR code's file to the file dialog.

use std::time::SystemTime;

use crate::app::picker::PickKind;
use crate::app::state::AppState;
use crate::app::state::Modal;
use crate::app::web_url::state::{DialogTab, Target, WebUrlDialog};
use crate::app::web_url::ui::WebUrlRequest;
use crate::model::ObjectKey;
use crate::worker::{Command, LinksEvent};

impl AppState {
    /// Web URL (toolbar, context menu, Ctrl+L): a dialog for the selected objects. A selected
    /// folder stands for every object under it, which are counted first.
    pub fn open_web_url(&mut self, now: SystemTime) -> Vec<Command> {
        let (Some(location), Some(profile)) =
            (self.explorer.location().cloned(), self.profile().cloned())
        else {
            return Vec::new();
        };
        let selected = self.explorer.listing().selected_rows();
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
            dialog.count_folder(id, prefix.clone());
            commands.push(Command::ListKeysUnder {
                id,
                profile,
                bucket: location.bucket,
                prefix,
            });
        } else if dialog.targets().is_empty() {
            // Nothing to share: offer an upload link into this folder instead.
            dialog.inputs.tab = DialogTab::UploadLink;
        }
        dialog.set_known_profiles(self.profiles.list());
        let id = self.next_id();
        commands.push(dialog.ask_credentials(id));
        let id = self.next_id();
        commands.extend(dialog.ask_cloudfront(id, self.profiles.config_dir().cloned()));
        let id = self.next_id();
        commands.extend(dialog.ask_custom_domain(id, self.profiles.config_dir().cloned()));
        self.modals.open(Modal::WebUrl(Box::new(dialog)));
        commands
    }

    /// Generate in the Web URL dialog.
    pub fn generate_links(&mut self, now: SystemTime) -> Vec<Command> {
        let id = self.next_id();
        match self.modals.web_url_mut() {
            Some(dialog) => dialog.generate(id, now),
            None => Vec::new(),
        }
    }

    /// The CloudFront key's PEM file, picked: the worker checks and keeps it.
    pub fn import_cloudfront_key(&mut self, pem_file: std::path::PathBuf) -> Vec<Command> {
        let id = self.next_id();
        match self.modals.web_url_mut() {
            Some(dialog) => dialog.import_key(id, pem_file).into_iter().collect(),
            None => Vec::new(),
        }
    }

    /// Save PNG… under the QR code: the place picked.
    pub fn save_qr(&mut self, path: std::path::PathBuf) -> Vec<Command> {
        let id = self.next_id();
        match self.modals.web_url_mut() {
            Some(dialog) => dialog.save_qr(id, path).into_iter().collect(),
            None => Vec::new(),
        }
    }

    /// Test link in the Web URL dialog.
    pub fn test_link(&mut self) -> Vec<Command> {
        let id = self.next_id();
        match self.modals.web_url_mut() {
            Some(dialog) => dialog.test(id),
            None => Vec::new(),
        }
    }

    /// Yes to "make links for all N objects?".
    pub fn confirm_folder_links(&mut self) {
        if let Some(dialog) = self.modals.web_url_mut() {
            dialog.confirm_folder();
        }
    }

    pub fn close_web_url(&mut self) -> Vec<Command> {
        let mut commands = Vec::new();
        if let Some(Modal::WebUrl(dialog)) = self.modals.close_if(|m| matches!(m, Modal::WebUrl(_)))
        {
            if let Some(id) = dialog.counting() {
                commands.push(Command::Cancel { id });
            }
            // Public links' checks in flight stop with the dialog.
            if let Some(id) = dialog.generating().filter(|_| dialog.is_public()) {
                commands.push(Command::Cancel { id });
            }
        }
        commands
    }

    /// What the person asked of the Web URL dialog ([`super::ui::web_url_ui`]); a file
    /// dialog it asks for goes to `pick`, which the window opens.
    pub(crate) fn on_web_url_request(
        &mut self,
        request: WebUrlRequest,
        pick: &mut Option<PickKind>,
    ) -> Vec<Command> {
        match request {
            WebUrlRequest::ConfirmFolder => self.confirm_folder_links(),
            WebUrlRequest::Generate(now) => return self.generate_links(now),
            WebUrlRequest::TestLink => return self.test_link(),
            WebUrlRequest::ChooseKey => *pick = Some(PickKind::CloudFrontKey),
            WebUrlRequest::SaveQr => *pick = Some(PickKind::SaveQr),
            WebUrlRequest::Close => return self.close_web_url(),
            WebUrlRequest::OverrideType | WebUrlRequest::EditStoredType => {
                return self.fix_link_type(request == WebUrlRequest::OverrideType);
            }
            WebUrlRequest::WayOut(way) => return self.take_way_out(way),
        }
        Vec::new()
    }

    /// The worker's answers to the Web URL dialog; an answer for a dialog since closed (or a
    /// request since replaced) is dropped.
    pub(crate) fn apply_links(&mut self, event: LinksEvent) -> Vec<Command> {
        let Some(dialog) = self.modals.web_url_mut() else {
            return Vec::new();
        };
        let recorded = match event {
            LinksEvent::LinksReady {
                id,
                result,
                warning,
            } => {
                let ok = result.is_ok();
                dialog.links_ready(id, result, warning) && ok
            }
            LinksEvent::PostFormReady {
                id,
                result,
                warning,
            } => {
                let ok = result.is_ok();
                dialog.post_form_ready(id, result, warning) && ok
            }
            LinksEvent::LinkTested { id, result } => {
                dialog.tested(id, result);
                false
            }
            LinksEvent::KeysUnder { id, result } => {
                dialog.keys_counted(id, result);
                false
            }
            LinksEvent::CredentialsExpiry { id, result } => {
                dialog.credentials_known(id, result);
                false
            }
            LinksEvent::CloudFrontLoaded { id, result } => {
                dialog.cloudfront_loaded(id, result);
                false
            }
            LinksEvent::CloudFrontKeyImported { id, result } => {
                dialog.key_imported(id, result);
                false
            }
            LinksEvent::FolderShared { id, result } => {
                let ok = result.is_ok();
                dialog.folder_shared(id, result) && ok
            }
            LinksEvent::QrSaved { id, result } => {
                dialog.qr_saved(id, result);
                false
            }
            LinksEvent::PublicLinksReady { id, result } => dialog.public_links_ready(id, result),
            LinksEvent::CustomDomainLoaded { id, result } => {
                dialog.custom_domain_loaded(id, result);
                false
            }
            LinksEvent::CustomDomainNotSaved { error } => {
                dialog.custom_domain_not_saved(error);
                false
            }
        };
        if recorded && let Some(dialog) = self.modals.web_url() {
            return self.links.record(dialog, SystemTime::now());
        }
        Vec::new()
    }
}
