//! The window's state and every change to it: navigation and history, what is loading, and
//! [`AppState::apply`], which folds the worker's answers in. Nothing here draws or does I/O;
//! methods return the [`Command`]s to send, so all of it is tested without S3 or a screen.

use std::path::PathBuf;
use std::time::{Instant, SystemTime};

use crate::model::{BucketName, ObjectKey};
use crate::profiles::{Profile, ProfileSource};
use crate::s3::list::{BrowseError, BucketEntry};
use crate::storage::history::SharedLink;
use crate::worker::{Command, Direction, Event, RequestId};

pub use crate::app::files::state::{PendingDelete, Transfer, TransferState};

use crate::app::explorer::listing::Listing;
use crate::app::profiles::state::ProfilesWindow;
use crate::app::web_url::state::{CONFIRM_ABOVE, FolderExpansion, Target, WebUrlDialog};
use crate::profiles::store::ProfileStore;

/// A folder: a bucket and a prefix (empty for the bucket's top, otherwise ending in `/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub bucket: BucketName,
    pub prefix: String,
}

impl Location {
    pub fn bucket_top(bucket: BucketName) -> Self {
        Self {
            bucket,
            prefix: String::new(),
        }
    }

    /// The folder above, or `None` at the bucket's top.
    pub fn parent(&self) -> Option<Self> {
        if self.prefix.is_empty() {
            return None;
        }
        // A hostile server may send a folder name without its `/`; never cut a character.
        let trimmed = self.prefix.strip_suffix('/').unwrap_or(&self.prefix);
        let parent = match trimmed.rfind('/') {
            Some(i) => &trimmed[..=i],
            None => "",
        };
        Some(Self {
            bucket: self.bucket.clone(),
            prefix: parent.to_owned(),
        })
    }

    /// `s3://bucket/prefix`
    pub fn uri(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.prefix)
    }

    /// The breadcrumb trail: (label, location) from the bucket down to this folder.
    pub fn breadcrumbs(&self) -> Vec<(String, Location)> {
        let mut crumbs = vec![(
            format!("s3://{}", self.bucket),
            Location::bucket_top(self.bucket.clone()),
        )];
        let mut end = 0;
        for segment in self.prefix.split_inclusive('/') {
            end += segment.len();
            crumbs.push((
                segment.trim_end_matches('/').to_owned(),
                Location {
                    bucket: self.bucket.clone(),
                    prefix: self.prefix[..end].to_owned(),
                },
            ));
        }
        crumbs
    }
}

/// Something loaded on request.
#[derive(Debug, Clone, PartialEq)]
pub enum Loadable<T> {
    Idle,
    Loading(RequestId),
    Ready(T),
    Failed(BrowseError),
}

/// Where the current folder's listing stands.
#[derive(Debug, Clone, PartialEq)]
pub enum ListingState {
    Idle,
    Loading {
        id: RequestId,
        pages: usize,
    },
    Done,
    /// The person pressed Stop: the rows so far stay.
    Stopped,
    Failed(BrowseError),
}

/// All of the window's state that outlives a frame.
#[derive(Debug)]
pub struct AppState {
    next_id: u64,
    pub profiles: Vec<Profile>,
    pub(crate) profiles_request: Option<RequestId>,
    /// Problems reading the settings files (a file set aside, with its line), shown in a
    /// banner until dismissed: a later error must not hide them.
    pub file_problems: Vec<String>,
    pub current_profile: Option<usize>,
    pub buckets: Loadable<Vec<BucketEntry>>,
    pub location: Option<Location>,
    back: Vec<Location>,
    forward: Vec<Location>,
    pub listing: Listing,
    pub listing_state: ListingState,
    /// The most recent failure, kept for the status bar until the next success.
    pub last_error: Option<String>,
    /// The filter box's text; the listing shows only names containing it.
    pub filter_text: String,
    /// The Web URL dialog, while open.
    pub web_url: Option<WebUrlDialog>,
    /// Every link generated, newest last, and where they are saved.
    pub shared_links: Vec<SharedLink>,
    pub history_path: Option<PathBuf>,
    history_request: Option<RequestId>,
    pub shared_links_open: bool,
    /// Pail's saved profiles, once read; `None` when there is nowhere to keep them.
    pub saved: Option<ProfileStore>,
    config_dir: Option<PathBuf>,
    /// The Profiles window, while open.
    pub profiles_window: Option<ProfilesWindow>,
    /// Uploads and downloads, oldest first.
    pub transfers: Vec<Transfer>,
    /// Waiting for the Delete confirmation.
    pub pending_delete: Option<PendingDelete>,
    /// The New folder dialog's name field, while open.
    pub new_folder: Option<String>,
    /// What the last operation did ("Deleted 3 objects"), for the status bar.
    pub notice: Option<String>,
    /// A download whose files exist already: (download, how many, the first one).
    pub download_conflict: Option<(RequestId, usize, String)>,
    /// The Rename dialog: (the object's key, the new key being typed).
    pub rename: Option<(String, String)>,
    /// A rename found an object at the new key: (from, to), waiting for Replace or Cancel.
    pub rename_conflict: Option<(ObjectKey, ObjectKey)>,
    /// The Properties window: loading, or the answer.
    pub properties: Option<Loadable<crate::s3::objects::ObjectProperties>>,
    /// Closing was asked while transfers run: waiting for "Quit anyway".
    pub confirm_quit: bool,
    /// "Quit anyway" was pressed: the next close goes through.
    pub quit_confirmed: bool,
    /// "Quit anyway" was pressed at this time: waiting for transfers to clean up.
    pub quitting_since: Option<Instant>,
    /// How many transfers run at once.
    pub concurrency: usize,
}

impl AppState {
    /// `initial` profiles are known before the window opens (the demo); the first is selected.
    pub fn new(initial: Vec<Profile>) -> Self {
        let current_profile = (!initial.is_empty()).then_some(0);
        Self {
            next_id: 0,
            profiles: initial,
            profiles_request: None,
            file_problems: Vec::new(),
            current_profile,
            buckets: Loadable::Idle,
            location: None,
            back: Vec::new(),
            forward: Vec::new(),
            listing: Listing::default(),
            listing_state: ListingState::Idle,
            last_error: None,
            filter_text: String::new(),
            web_url: None,
            shared_links: Vec::new(),
            history_path: None,
            history_request: None,
            shared_links_open: false,
            saved: None,
            config_dir: None,
            profiles_window: None,
            transfers: Vec::new(),
            pending_delete: None,
            new_folder: None,
            notice: None,
            download_conflict: None,
            rename: None,
            rename_conflict: None,
            properties: None,
            confirm_quit: false,
            quit_confirmed: false,
            quitting_since: None,
            concurrency: crate::worker::TRANSFER_CONCURRENCY,
        }
    }

    /// True while a dialog is open: the dialogs are modal, so the explorer's keys wait.
    pub fn modal_open(&self) -> bool {
        self.web_url.is_some()
            || self.profiles_window.is_some()
            || self.pending_delete.is_some()
            || self.new_folder.is_some()
            || self.rename.is_some()
            || self.rename_conflict.is_some()
            || self.properties.is_some()
            || self.download_conflict.is_some()
            || self.confirm_quit
            || self.quitting_since.is_some()
    }

    /// Filters the rows shown by a case-insensitive part of their name.
    pub fn set_filter(&mut self, text: &str) {
        if self.filter_text != text {
            self.filter_text = text.to_owned();
        }
        self.listing.set_filter(text);
    }

    pub(crate) fn next_id(&mut self) -> RequestId {
        self.next_id += 1;
        RequestId(self.next_id)
    }

    /// The first commands: find the profiles, list the buckets of a preselected one, and
    /// read the shared-links history from `history_path`.
    pub fn start(
        &mut self,
        history_path: Option<PathBuf>,
        config_dir: Option<PathBuf>,
    ) -> Vec<Command> {
        let id = self.next_id();
        self.profiles_request = Some(id);
        self.config_dir = config_dir.clone();
        if let Some(dir) = &config_dir {
            self.saved = Some(ProfileStore::unread(dir));
        }
        let mut commands = vec![Command::LoadProfiles { id, config_dir }];
        if let Some(path) = history_path {
            let id = self.next_id();
            self.history_request = Some(id);
            self.history_path = Some(path.clone());
            commands.push(Command::LoadSharedLinks { id, path });
        }
        if let Some(journal) = self.partials_path() {
            // Partial downloads a quit or killed run left behind.
            commands.push(Command::SweepPartials { journal });
        }
        commands.extend(self.load_buckets());
        commands
    }

    pub fn profile(&self) -> Option<&Profile> {
        self.current_profile.and_then(|i| self.profiles.get(i))
    }

    /// Switches profile: forgets the folder and lists the new profile's buckets.
    pub fn select_profile(&mut self, index: usize) -> Vec<Command> {
        if index >= self.profiles.len() || self.current_profile == Some(index) {
            return Vec::new();
        }
        let mut commands = self.cancel_listing();
        self.current_profile = Some(index);
        commands.extend(self.remember_last_used());
        self.location = None;
        self.back.clear();
        self.forward.clear();
        self.listing.clear();
        self.listing_state = ListingState::Idle;
        self.last_error = None;
        commands.extend(self.load_buckets());
        commands
    }

    /// Where unfinished multipart uploads are recorded: beside the shared-links history.
    pub(crate) fn journal_path(&self) -> Option<PathBuf> {
        self.history_path
            .as_ref()
            .map(|p| p.with_file_name("pending-uploads.json"))
    }

    /// Where partial downloads are recorded while they exist.
    pub(crate) fn partials_path(&self) -> Option<PathBuf> {
        self.history_path
            .as_ref()
            .map(|p| p.with_file_name("partial-downloads.json"))
    }

    /// Lists the profile's buckets (once its server answers, [`Event::Buckets`] sweeps the
    /// uploads an earlier run left behind there).
    pub(crate) fn load_buckets(&mut self) -> Vec<Command> {
        let Some(profile) = self.profile().cloned() else {
            return Vec::new();
        };
        let id = self.next_id();
        self.buckets = Loadable::Loading(id);
        vec![Command::ListBuckets { id, profile }]
    }

    /// Stops the listing in progress, if any.
    fn cancel_listing(&mut self) -> Vec<Command> {
        match self.listing_state {
            ListingState::Loading { id, .. } => vec![Command::Cancel { id }],
            _ => Vec::new(),
        }
    }

    /// Shows `location`, starting its listing.
    fn show(&mut self, location: Location) -> Vec<Command> {
        let mut commands = self.cancel_listing();
        if self.location.as_ref() != Some(&location) {
            // A filter typed for one folder would hide the next one's rows.
            self.set_filter("");
        }
        self.listing.clear();
        self.location = Some(location.clone());
        let Some(profile) = self.profile().cloned() else {
            self.listing_state = ListingState::Idle;
            return commands;
        };
        let id = self.next_id();
        self.listing_state = ListingState::Loading { id, pages: 0 };
        commands.push(Command::ListFolder {
            id,
            profile,
            bucket: location.bucket,
            prefix: location.prefix,
        });
        commands
    }

    /// Goes to `location`, remembering where we were for Back.
    pub fn open(&mut self, location: Location) -> Vec<Command> {
        if let Some(current) = self.location.take() {
            if current == location {
                self.location = Some(current);
                return self.refresh();
            }
            self.back.push(current);
        }
        self.forward.clear();
        self.show(location)
    }

    pub fn open_bucket(&mut self, bucket: BucketName) -> Vec<Command> {
        self.open(Location::bucket_top(bucket))
    }

    /// Opens the sub-folder `name` (ending in `/`) of the current folder.
    pub fn open_folder(&mut self, name: &str) -> Vec<Command> {
        let Some(current) = &self.location else {
            return Vec::new();
        };
        let location = Location {
            bucket: current.bucket.clone(),
            prefix: format!("{}{name}", current.prefix),
        };
        self.open(location)
    }

    pub fn can_go_up(&self) -> bool {
        self.location.as_ref().is_some_and(|l| l.parent().is_some())
    }

    pub fn go_up(&mut self) -> Vec<Command> {
        match self.location.as_ref().and_then(Location::parent) {
            Some(parent) => self.open(parent),
            None => Vec::new(),
        }
    }

    pub fn can_go_back(&self) -> bool {
        !self.back.is_empty()
    }

    pub fn can_go_forward(&self) -> bool {
        !self.forward.is_empty()
    }

    pub fn go_back(&mut self) -> Vec<Command> {
        let Some(previous) = self.back.pop() else {
            return Vec::new();
        };
        if let Some(current) = self.location.take() {
            self.forward.push(current);
        }
        self.show(previous)
    }

    pub fn go_forward(&mut self) -> Vec<Command> {
        let Some(next) = self.forward.pop() else {
            return Vec::new();
        };
        if let Some(current) = self.location.take() {
            self.back.push(current);
        }
        self.show(next)
    }

    /// F5: lists the current folder again, or the buckets when no folder is open.
    pub fn refresh(&mut self) -> Vec<Command> {
        match self.location.clone() {
            Some(location) => self.show(location),
            None => self.load_buckets(),
        }
    }

    /// Retry after an error: whatever failed is asked again.
    pub fn retry(&mut self) -> Vec<Command> {
        let mut commands = Vec::new();
        if matches!(self.buckets, Loadable::Failed(_)) {
            commands.extend(self.load_buckets());
        }
        if matches!(self.listing_state, ListingState::Failed(_)) {
            commands.extend(self.refresh());
        }
        commands
    }

    /// Stop: keeps the rows loaded so far.
    pub fn stop(&mut self) -> Vec<Command> {
        let commands = self.cancel_listing();
        if !commands.is_empty() {
            self.listing_state = ListingState::Stopped;
        }
        commands
    }

    pub fn is_loading(&self) -> bool {
        matches!(self.listing_state, ListingState::Loading { .. })
            || matches!(self.buckets, Loadable::Loading(_))
    }

    /// Folds one answer from the worker into the state, returning any follow-up commands.
    /// Answers to requests that are no longer current (a folder left, a listing stopped) are
    /// dropped.
    pub fn apply(&mut self, event: Event) -> Vec<Command> {
        match event {
            Event::Profiles { id, found } => {
                if self.profiles_request != Some(id) {
                    return Vec::new();
                }
                self.profiles_request = None;
                self.file_problems = found.warnings;
                if found.store.is_some() {
                    self.saved = found.store;
                }
                let selected_name = self.profile().map(|p| p.name.clone());
                self.replace_discovered(found.profiles);
                self.current_profile = selected_name
                    .and_then(|name| self.profiles.iter().position(|p| p.name == name));
                if self.current_profile.is_none() {
                    // Nothing chosen yet: the last one used, the default, the environment's
                    // credentials, AWS's default profile, else the first one.
                    let saved = self.saved.as_ref();
                    let by_name = |name: Option<&str>| {
                        name.and_then(|n| self.profiles.iter().position(|p| p.name == n))
                    };
                    let preferred = by_name(saved.and_then(|s| s.last_used_profile.as_deref()))
                        .or_else(|| by_name(saved.and_then(|s| s.default_profile.as_deref())))
                        .or_else(|| {
                            self.profiles
                                .iter()
                                .position(|p| p.source == ProfileSource::Environment)
                        })
                        .or_else(|| by_name(Some("default")))
                        .or(if self.profiles.is_empty() {
                            None
                        } else {
                            Some(0)
                        });
                    if let Some(index) = preferred {
                        return self.select_profile(index);
                    }
                }
            }
            Event::ProfilesSaved { result } => match result {
                Ok(()) => {
                    // The files were written anew: the problems they had are behind us.
                    if let Some(store) = &mut self.saved {
                        store.problems.clear();
                    }
                    if let Some(window) = &mut self.profiles_window
                        && window.notice.is_none()
                    {
                        window.notice = Some("Saved".into());
                    }
                }
                Err(e) => self.last_error = Some(e.to_string()),
            },
            Event::ConnectionTested { id, result } => {
                if let Some(window) = &mut self.profiles_window
                    && window.testing == Some(id)
                {
                    window.testing = None;
                    window.test_result = Some(result);
                }
            }
            Event::Buckets { id, result } => {
                if self.buckets != Loadable::Loading(id) {
                    return Vec::new();
                }
                self.buckets = match result {
                    Ok(buckets) => Loadable::Ready(buckets),
                    Err(error) => {
                        self.last_error = Some(error.to_string());
                        Loadable::Failed(error)
                    }
                };
                // The server answers: uploads an earlier run (or a failed abort) left there
                // can be aborted now.
                if matches!(self.buckets, Loadable::Ready(_))
                    && let (Some(profile), Some(journal)) =
                        (self.profile().cloned(), self.journal_path())
                {
                    return vec![Command::SweepUploads { profile, journal }];
                }
            }
            Event::FolderPage { id, page, done } => {
                let ListingState::Loading { id: current, pages } = self.listing_state else {
                    return Vec::new();
                };
                if current != id {
                    return Vec::new();
                }
                self.listing.append(page);
                self.listing_state = if done {
                    ListingState::Done
                } else {
                    ListingState::Loading {
                        id,
                        pages: pages + 1,
                    }
                };
            }
            Event::LinksReady {
                id,
                result,
                warning,
            } => {
                let ok = result.is_ok();
                let ours = match &mut self.web_url {
                    Some(dialog) => dialog.links_ready(id, result, warning),
                    None => false,
                };
                if ours && ok {
                    return self.record_links(SystemTime::now());
                }
            }
            Event::PostFormReady {
                id,
                result,
                warning,
            } => {
                let ok = result.is_ok();
                let ours = match &mut self.web_url {
                    Some(dialog) => dialog.post_form_ready(id, result, warning),
                    None => false,
                };
                if ours && ok {
                    return self.record_links(SystemTime::now());
                }
            }
            Event::LinkTested { id, result } => {
                if let Some(dialog) = &mut self.web_url {
                    dialog.tested(id, result);
                }
            }
            Event::KeysUnder { id, result } => {
                let Some(dialog) = &mut self.web_url else {
                    return Vec::new();
                };
                let Some(FolderExpansion::Counting {
                    id: counting,
                    prefix,
                }) = dialog.expansion.clone()
                else {
                    return Vec::new();
                };
                if counting != id {
                    return Vec::new();
                }
                dialog.expansion = match result {
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
                            dialog.targets = targets;
                            None
                        }
                    }
                    Err(e) => Some(FolderExpansion::Failed(e.to_string())),
                };
            }
            Event::SharedLinks { id, links, warning } => {
                if self.history_request == Some(id) {
                    self.history_request = None;
                    // Links made before the file was read come after the saved ones.
                    let made_meanwhile = std::mem::replace(&mut self.shared_links, links);
                    self.shared_links.extend(made_meanwhile);
                    if warning.is_some() {
                        self.last_error = warning;
                    }
                }
            }
            Event::CredentialsExpiry { id, result } => {
                if let Some(dialog) = &mut self.web_url
                    && dialog.credentials_request == Some(id)
                {
                    dialog.credentials_request = None;
                    match result {
                        Ok(expiry) => dialog.credentials_expiry = Some(expiry),
                        Err(e) => dialog.error = Some(e),
                    }
                }
            }
            Event::TransferQueued {
                transfer,
                name,
                bucket,
                key,
                size,
                control,
                direction,
                local_path,
                profile,
            } => {
                self.transfers.push(Transfer {
                    id: transfer,
                    direction,
                    local_path,
                    profile: *profile,
                    name,
                    bucket,
                    key,
                    size,
                    control,
                    state: TransferState::Queued,
                    started: None,
                    finished: None,
                });
            }
            Event::TransferStarted { transfer } => {
                if let Some(t) = self.transfers.iter_mut().find(|t| t.id == transfer) {
                    t.state = TransferState::Running;
                    t.started = Some(Instant::now());
                }
            }
            Event::TransferFinished { transfer, result } => {
                let Some(t) = self.transfers.iter_mut().find(|t| t.id == transfer) else {
                    return Vec::new();
                };
                t.finished = Some(Instant::now());
                t.state = match result {
                    Ok(()) => TransferState::Done,
                    Err(crate::s3::transfer::TransferError::Cancelled) => TransferState::Cancelled,
                    Err(e) => {
                        self.last_error = Some(format!("{}: {e}", t.name));
                        TransferState::Failed(e.to_string())
                    }
                };
                if t.direction == Direction::Download {
                    return Vec::new();
                }
                let (bucket, key) = (t.bucket.clone(), t.key.clone());
                // One listing once the batch is over, not one per file.
                let batch_over = !self
                    .transfers
                    .iter()
                    .any(|t| t.is_active() && t.bucket == bucket);
                if batch_over {
                    return self.refresh_if_shown(&bucket, &key);
                }
            }
            Event::Renamed {
                id: _,
                from,
                to,
                result,
            } => {
                match result {
                    Ok(()) => self.notice = Some(format!("Renamed to {to}")),
                    Err(crate::s3::transfer::TransferError::Exists(_)) => {
                        // Ask before replacing; nothing changed yet.
                        self.rename_conflict = Some((from, to));
                        return Vec::new();
                    }
                    Err(e) => self.last_error = Some(format!("Rename failed: {e}")),
                }
                return self.refresh();
            }
            Event::PropertiesReady { id, result } => {
                if self.properties == Some(Loadable::Loading(id)) {
                    self.properties = Some(match result {
                        Ok(properties) => Loadable::Ready(properties),
                        Err(e) => Loadable::Failed(BrowseError::Other(e)),
                    });
                }
            }
            Event::DownloadConflicts { id, count, first } => {
                self.download_conflict = Some((id, count, first));
            }
            Event::UploadProblem { error } => {
                self.last_error = Some(error);
            }
            Event::Deleted { id: _, result } => {
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
                            self.last_error = Some(text.clone());
                        }
                        self.notice = Some(text);
                    }
                    Err(e) => {
                        self.notice = None;
                        self.last_error = Some(format!("Delete failed: {e}"));
                    }
                }
                return self.refresh();
            }
            Event::FolderCreated { id: _, result } => {
                match result {
                    Ok(key) => self.notice = Some(format!("Created folder {key}")),
                    Err(e) => self.last_error = Some(format!("New folder failed: {e}")),
                }
                return self.refresh();
            }
            Event::SaveFailed { error } => {
                self.last_error = Some(error);
            }
            Event::FolderFailed { id, error } => {
                if !matches!(self.listing_state, ListingState::Loading { id: current, .. } if current == id)
                {
                    return Vec::new();
                }
                self.last_error = Some(error.to_string());
                self.listing_state = ListingState::Failed(error);
            }
        }
        Vec::new()
    }

    /// The error to show over the table, with a Retry button.
    pub fn banner_error(&self) -> Option<&BrowseError> {
        match (&self.listing_state, &self.buckets) {
            (ListingState::Failed(error), _) => Some(error),
            (_, Loadable::Failed(error)) if self.location.is_none() => Some(error),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests;
