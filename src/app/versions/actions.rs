//! What the Versions window asks, turned into the worker's commands: list, Download (after
//! the folder is picked), Restore, Undelete, Delete version permanently (after the
//! confirmation) and Web URL (the Web URL dialog for that one version); and the answers.

use std::time::SystemTime;

use crate::app::modal::Modal;
use crate::app::picker::PickKind;
use crate::app::state::AppState;
use crate::app::web_url::state::{Target, WebUrlDialog};
use crate::model::ObjectKey;
use crate::s3::versions::ObjectVersion;
use crate::worker::{Command, VersionAction, VersionsEvent, VersionsRequest};

/// What the Versions window's widgets ask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum VersionRequest {
    Close,
    Refresh,
    Download(ObjectVersion),
    Restore(ObjectVersion),
    Undelete(ObjectVersion),
    /// Delete version permanently: asks first.
    AskDelete(ObjectVersion),
    ConfirmDelete,
    CancelDelete,
    WebUrl(ObjectVersion),
}

impl AppState {
    /// "Show versions": the Versions window on the explorer's folder.
    pub fn show_versions(&mut self) -> Vec<Command> {
        let (Some(location), Some(profile)) =
            (self.explorer.location().cloned(), self.profile().cloned())
        else {
            return Vec::new();
        };
        self.show_versions_of(profile, location)
    }

    /// The second pane's "Versions": the window on that pane's bucket folder, as its profile
    /// sees it.
    pub fn show_second_versions(&mut self) -> Vec<Command> {
        let Some(place) = self.second_pane.as_ref().and_then(|p| p.bucket()) else {
            return Vec::new();
        };
        let Some(location) = place.location().cloned() else {
            return Vec::new();
        };
        let profile = place.profile().clone();
        self.show_versions_of(profile, location)
    }

    fn show_versions_of(
        &mut self,
        profile: crate::profiles::Profile,
        location: crate::app::shared::Location,
    ) -> Vec<Command> {
        let mut commands: Vec<Command> = self
            .versions
            .close()
            .map(|id| Command::Cancel { id })
            .into_iter()
            .collect();
        let id = self.next_id();
        self.versions
            .open(profile, location.bucket, location.prefix, id);
        commands.extend(
            self.versions_command(
                id,
                VersionAction::List {
                    prefix: self
                        .versions
                        .place()
                        .map(|p| p.prefix.to_owned())
                        .unwrap_or_default(),
                },
            ),
        );
        commands
    }

    /// A request for the window's place, as `id`.
    fn versions_command(
        &self,
        id: crate::worker::RequestId,
        action: VersionAction,
    ) -> Option<Command> {
        let place = self.versions.place()?;
        Some(Command::Versions(VersionsRequest {
            id,
            profile: place.profile.clone(),
            bucket: place.bucket.clone(),
            action,
        }))
    }

    /// Lists the window's folder again.
    fn relist_versions(&mut self) -> Vec<Command> {
        let Some(prefix) = self.versions.place().map(|p| p.prefix.to_owned()) else {
            return Vec::new();
        };
        let id = self.next_id();
        self.versions.relist(id);
        self.versions_command(id, VersionAction::List { prefix })
            .into_iter()
            .collect()
    }

    /// Restore, Undelete or Delete, sent as one request in flight: a second one while the
    /// first runs is not sent (the first's outcome would be lost).
    fn act_on_version(&mut self, action: VersionAction) -> Vec<Command> {
        if self.versions.is_acting() {
            return Vec::new();
        }
        let id = self.next_id();
        let command = self.versions_command(id, action);
        if command.is_some() {
            self.versions.acting(id);
        }
        command.into_iter().collect()
    }

    /// Hands what the Versions window asked to the worker (or to a dialog).
    pub(crate) fn on_versions_request(
        &mut self,
        request: VersionRequest,
        pick: &mut Option<PickKind>,
    ) -> Vec<Command> {
        let key_of = |v: &ObjectVersion| ObjectKey::new(v.key.clone()).ok();
        match request {
            VersionRequest::Close => self
                .versions
                .close()
                .map(|id| Command::Cancel { id })
                .into_iter()
                .collect(),
            VersionRequest::Refresh => self.relist_versions(),
            VersionRequest::Download(version) => {
                self.versions.wait_for_folder(version);
                *pick = Some(PickKind::VersionDownloadTo);
                Vec::new()
            }
            VersionRequest::Restore(version) => match key_of(&version) {
                Some(key) => self.act_on_version(VersionAction::Restore {
                    key,
                    version_id: version.version_id,
                }),
                None => Vec::new(),
            },
            VersionRequest::Undelete(version) => match key_of(&version) {
                Some(key) => self.act_on_version(VersionAction::Undelete { key }),
                None => Vec::new(),
            },
            VersionRequest::AskDelete(version) => {
                self.versions.ask_delete(version);
                Vec::new()
            }
            VersionRequest::CancelDelete => {
                self.versions.take_confirmed();
                Vec::new()
            }
            VersionRequest::ConfirmDelete => match self.versions.take_confirmed() {
                Some(version) => match key_of(&version) {
                    Some(key) => self.act_on_version(VersionAction::Delete {
                        key,
                        version_id: version.version_id,
                    }),
                    None => Vec::new(),
                },
                None => Vec::new(),
            },
            VersionRequest::WebUrl(version) => {
                self.open_version_web_url(&version, SystemTime::now())
            }
        }
    }

    /// The folder for a version's Download was picked: the download is queued.
    pub fn download_version_to(&mut self, folder: std::path::PathBuf) -> Vec<Command> {
        let Some(version) = self.versions.take_download() else {
            return Vec::new();
        };
        let Ok(key) = ObjectKey::new(version.key.clone()) else {
            return Vec::new();
        };
        let id = self.next_id();
        self.versions.set_notice(format!(
            "Downloading version {} of {} into {} (see Transfers)",
            version.version_id,
            key,
            folder.display()
        ));
        let action = VersionAction::Download {
            key,
            version_id: version.version_id,
            target: folder,
        };
        self.versions_command(id, action).into_iter().collect()
    }

    /// The Web URL dialog for one version: its link carries the version id.
    fn open_version_web_url(&mut self, version: &ObjectVersion, now: SystemTime) -> Vec<Command> {
        let (Some(place), Ok(key)) = (self.versions.place(), ObjectKey::new(version.key.clone()))
        else {
            return Vec::new();
        };
        let (profile, bucket, folder) = (
            place.profile.clone(),
            place.bucket.clone(),
            place.prefix.to_owned(),
        );
        let target = Target {
            key,
            size: version.size,
        };
        let mut dialog = WebUrlDialog::new(profile, bucket, folder, vec![target], now);
        dialog.for_version(version.version_id.clone(), version.last_modified);
        let id = self.next_id();
        let commands = vec![dialog.ask_credentials(id)];
        self.modals.open(Modal::WebUrl(Box::new(dialog)));
        commands
    }

    /// The worker's answers about versions.
    pub fn apply_versions(&mut self, event: VersionsEvent) -> Vec<Command> {
        match event {
            VersionsEvent::Listed { id, result, state } => {
                self.versions.listed(id, result, state);
                Vec::new()
            }
            VersionsEvent::Done { id, result } => {
                if self.versions.done(id, result) {
                    self.relist_versions()
                } else {
                    Vec::new()
                }
            }
        }
    }
}

/// Retry of a version's download (a row of the Transfers panel): that version again, into the
/// same folder. `None` for any other transfer.
pub(crate) fn retry_version(
    transfer: &crate::app::state::Transfer,
    id: crate::worker::RequestId,
) -> Option<Command> {
    let version_id = transfer.version_id.clone()?;
    let key = ObjectKey::new(transfer.key.clone()).ok()?;
    let target = transfer.local_path.parent()?.to_owned();
    Some(Command::Versions(VersionsRequest {
        id,
        profile: transfer.profile.clone(),
        bucket: transfer.bucket.clone(),
        action: VersionAction::Download {
            key,
            version_id,
            target,
        },
    }))
}
