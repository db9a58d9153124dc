//! The Web URL dialog's requests beyond Generate and the worker's answers to it all: links
//! and forms made, Test link, a folder's objects counted, when the credentials expire. An
//! answer to a request the dialog no longer waits for is dropped.

use std::time::SystemTime;

use super::{
    CONFIRM_ABOVE, DialogTab, FolderExpansion, NamedLink, Target, UploadResult, WebUrlDialog,
    capitalise,
};
use crate::model::ObjectKey;
use crate::s3::connection::RegionGuess;
use crate::s3::list::BrowseError;
use crate::share::PostForm;
use crate::share::link_test::{LinkAnswer, LinkTestError};
use crate::share::link_text::expiry_text;
use crate::worker::{Command, JobError, RequestId};

impl WebUrlDialog {
    /// Takes the answer to the Generate request `id`, with its signing warning; false for an
    /// answer nobody waits for any more (the inputs changed, or a newer Generate).
    pub(super) fn take_answer(&mut self, id: RequestId, warning: Option<RegionGuess>) -> bool {
        if !self.generating.accept(id) {
            return false;
        }
        self.signing_warning = warning.map(|w| w.to_string());
        true
    }

    /// Folds in the worker's answer to Generate.
    pub fn links_ready(
        &mut self,
        id: RequestId,
        result: Result<Vec<crate::share::PresignedLink>, JobError>,
        warning: Option<RegionGuess>,
    ) -> bool {
        if !self.take_answer(id, warning) {
            return false;
        }
        match result {
            Ok(links) => {
                self.effective = links.first().map(|l| l.effective_expiry);
                self.etags = links.iter().map(|l| l.etag.clone()).collect();
                match self.inputs.tab {
                    DialogTab::WebUrl => {
                        self.links = self
                            .targets
                            .iter()
                            .zip(&links)
                            .map(|(t, l)| NamedLink {
                                name: self.link_name(t),
                                url: l.url.clone(),
                                expires: l.effective_expiry.at,
                            })
                            .collect();
                    }
                    DialogTab::UploadLink => {
                        if let Some(link) = links.into_iter().next() {
                            let name = self.inputs.upload_key.trim().to_owned();
                            self.upload_result = Some(UploadResult::Put(
                                NamedLink {
                                    name,
                                    url: link.url,
                                    expires: link.effective_expiry.at,
                                },
                                link.headers,
                            ));
                        }
                    }
                }
            }
            Err(e) => self.error = Some(capitalise(&e.to_string())),
        }
        true
    }

    pub fn post_form_ready(
        &mut self,
        id: RequestId,
        result: Result<PostForm, JobError>,
        warning: Option<RegionGuess>,
    ) -> bool {
        if !self.take_answer(id, warning) {
            return false;
        }
        match result {
            Ok(form) => {
                self.effective = Some(form.effective_expiry);
                self.upload_result = Some(UploadResult::Post(form));
            }
            Err(e) => self.error = Some(capitalise(&e.to_string())),
        }
        true
    }

    /// The warning when temporary credentials end the links before the picked expiry: known
    /// from the profile before Generate, and from the signed links after.
    pub fn credentials_warning(&self, now: SystemTime) -> Option<String> {
        let ends = match self.effective {
            Some(effective) => effective.limited_by_credentials.then_some(effective.at),
            None => {
                let creds_end = self.credentials_expiry.flatten()?;
                let lifetime = self.lifetime(now).ok()?;
                (creds_end < lifetime.expires_at).then_some(creds_end)
            }
        }?;
        Some(format!(
            "⚠ this profile's session ends {}: the link stops working then",
            expiry_text(ends)
        ))
    }

    pub fn test(&mut self, id: RequestId) -> Vec<Command> {
        self.sync();
        let Some(link) = self.links.first() else {
            return Vec::new();
        };
        self.testing.start(id);
        self.test_result = None;
        vec![Command::TestLink {
            id,
            url: link.url.clone(),
        }]
    }

    pub fn tested(&mut self, id: RequestId, result: Result<LinkAnswer, LinkTestError>) {
        if self.testing.accept(id) {
            self.test_result = Some(result);
        }
    }

    /// Starts counting the objects under a selected folder (request `id`): the links are for
    /// all of them once counted.
    pub fn count_folder(&mut self, id: RequestId, prefix: String) {
        self.targets.clear();
        self.shared_folder = Some(prefix.clone());
        self.expansion = Some(FolderExpansion::Counting { id, prefix });
    }

    /// The objects under the folder being counted, or why they could not be listed.
    pub fn keys_counted(&mut self, id: RequestId, result: Result<Vec<(String, u64)>, BrowseError>) {
        let Some(FolderExpansion::Counting {
            id: counting,
            prefix,
        }) = &self.expansion
        else {
            return;
        };
        if *counting != id {
            return;
        }
        let prefix = prefix.clone();
        self.expansion = match result {
            Ok(keys) => {
                let targets: Vec<Target> = keys
                    .into_iter()
                    .filter_map(|(key, size)| {
                        Some(Target {
                            key: ObjectKey::new(key).ok()?,
                            size,
                        })
                    })
                    .collect();
                if targets.len() > CONFIRM_ABOVE {
                    Some(FolderExpansion::Confirm { prefix, targets })
                } else {
                    self.targets = targets;
                    None
                }
            }
            Err(e) => Some(FolderExpansion::Failed(e.to_string())),
        };
    }

    /// Yes to "make links for all N objects?".
    pub fn confirm_folder(&mut self) {
        if let Some(FolderExpansion::Confirm { targets, .. }) = self.expansion.take() {
            self.targets = targets;
        }
    }

    /// The count in progress, to cancel when the dialog closes.
    pub fn counting(&self) -> Option<RequestId> {
        match self.expansion {
            Some(FolderExpansion::Counting { id, .. }) => Some(id),
            _ => None,
        }
    }

    /// Asks when the profile's credentials expire (request `id`); this is the dialog's
    /// `serial` too, as each opening asks once.
    pub fn ask_credentials(&mut self, id: RequestId) -> Command {
        self.serial = id.0;
        self.credentials_request.start(id);
        Command::CredentialsExpiry {
            id,
            profile: self.profile.clone(),
        }
    }

    /// When the credentials expire, or why that could not be found.
    pub fn credentials_known(
        &mut self,
        id: RequestId,
        result: Result<Option<SystemTime>, JobError>,
    ) {
        if !self.credentials_request.accept(id) {
            return;
        }
        match result {
            Ok(expiry) => self.credentials_expiry = Some(expiry),
            Err(e) => self.error = Some(capitalise(&e.to_string())),
        }
    }
}
