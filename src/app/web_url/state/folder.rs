//! A folder in the Web URL dialog: one link to an index page of its objects (made and
//! uploaded by the worker), and every link as CSV.

use super::{DialogTab, NamedLink, WebUrlDialog, capitalise};
use crate::model::BucketName;
use crate::s3::folder_share::FolderShare;
use crate::share::index_page::{ShareEntry, links_csv};
use crate::share::{Expiry, Lifetime};
use crate::worker::{Command, JobError, RequestId, ShareFolderRequest};

impl WebUrlDialog {
    /// The folder the dialog was opened on, if it was.
    pub fn shared_folder(&self) -> Option<&str> {
        self.shared_folder.as_deref()
    }

    /// True when Generate makes one index page for the folder.
    pub fn makes_folder_page(&self) -> bool {
        self.inputs.tab == DialogTab::WebUrl
            && self.inputs.folder_page
            && self.shared_folder.is_some()
            && !self.through_cloudfront()
    }

    /// Generate for a folder page: the worker lists, signs, uploads the page and signs it.
    pub(super) fn generate_folder_page(
        &mut self,
        id: RequestId,
        lifetime: Lifetime,
    ) -> Vec<Command> {
        let Some(prefix) = self.shared_folder.clone() else {
            return Vec::new();
        };
        let page_bucket = match self.inputs.page_bucket.trim() {
            "" => self.bucket.clone(),
            name => match BucketName::new(name) {
                Ok(bucket) => bucket,
                Err(e) => {
                    self.error = Some(format!("Page bucket: {e}"));
                    return Vec::new();
                }
            },
        };
        self.generating.start(id);
        vec![Command::ShareFolder(ShareFolderRequest {
            id,
            profile: self.profile.clone(),
            bucket: self.bucket.clone(),
            prefix,
            page_bucket,
            expiry: Expiry::In(lifetime.expires_in),
        })]
    }

    /// The page is up: its link is the one link shown.
    pub fn folder_shared(
        &mut self,
        id: RequestId,
        result: Result<Box<FolderShare>, JobError>,
    ) -> bool {
        let warning = result.as_ref().ok().and_then(|s| s.warning.clone());
        if !self.take_answer(id, warning) {
            return false;
        }
        match result {
            Ok(share) => {
                let folder = self.shared_folder.clone().unwrap_or_default();
                self.effective = None;
                self.links = vec![NamedLink {
                    name: format!(
                        "{} ({})",
                        folder.trim_end_matches('/'),
                        crate::fmt::count(share.entries.len(), "file", "files")
                    ),
                    url: share.page_url.clone(),
                    expires: share.expires,
                }];
                self.folder_share = Some(share);
            }
            Err(e) => self.error = Some(capitalise(&e.to_string())),
        }
        true
    }

    /// The folder page made, while it is the result shown.
    pub fn folder_share(&self) -> Option<&FolderShare> {
        self.folder_share.as_deref()
    }

    /// Whether Copy as CSV has something to copy (cheap, for drawing the button).
    pub fn has_links_csv(&self) -> bool {
        self.folder_share.is_some() || self.links.len() >= 2
    }

    /// Copy as CSV: every object's link (key, size, url, expires), for a folder page or for
    /// links to several objects.
    pub fn links_csv(&self) -> Option<String> {
        if let Some(share) = &self.folder_share {
            return Some(links_csv(&share.entries));
        }
        if self.links.len() < 2 {
            return None;
        }
        let entries: Vec<ShareEntry> = self
            .linked_targets()
            .into_iter()
            .zip(&self.links)
            .map(|(target, link)| ShareEntry {
                key: target.key.to_string(),
                name: target.name().to_owned(),
                size: target.size,
                last_modified: 0,
                url: link.url.clone(),
                expires: link.expires,
            })
            .collect();
        Some(links_csv(&entries))
    }
}
