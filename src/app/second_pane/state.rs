//! The second pane's state: what it shows (a folder on this computer, or a bucket of any
//! profile), its rows (sorted, filtered and selected like the explorer's, in a [`Listing`]),
//! Back and Up, which pane is active, and the answers of the worker meant for it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::app::shared::{ActivePane, FileOperation, Loadable, Location, Pending};
use crate::app::state::AppState;
use crate::listing::Listing;
use crate::local_folder::LocalEntry;
use crate::profiles::Profile;
use crate::s3::list::BucketEntry;
use crate::worker::{BrowseEvent, Command, RequestId};

/// What the second pane shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PaneSource {
    #[default]
    ThisComputer,
    /// A bucket of the profile at this index of the window's profiles.
    Profile(usize),
}

/// The folder on this computer the pane shows (and comes back to from a bucket).
#[derive(Debug, Clone, Default)]
pub struct LocalPlace {
    pub(super) path: PathBuf,
    pub(super) back: Vec<PathBuf>,
    pub(super) entries: Vec<LocalEntry>,
    /// Each row's entry, by the row's name (folders end in `/`).
    pub(super) by_row: HashMap<Box<str>, usize>,
    pub(super) show_hidden: bool,
    /// The folder field as typed (Enter goes there).
    pub typed_path: String,
    /// A change (new folder, rename, trash) in flight.
    pub(super) changing: Pending,
    /// The home folder, the drives or volumes: where the pane can jump to.
    pub(super) places: Vec<PathBuf>,
}

/// A bucket folder of some profile in the pane.
#[derive(Debug, Clone)]
pub struct BucketPlace {
    pub(super) profile: Profile,
    pub(super) buckets: Loadable<Vec<BucketEntry>>,
    pub(super) location: Option<Location>,
    pub(super) back: Vec<Location>,
}

impl BucketPlace {
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    pub fn buckets(&self) -> &Loadable<Vec<BucketEntry>> {
        &self.buckets
    }

    pub fn location(&self) -> Option<&Location> {
        self.location.as_ref()
    }
}

/// The second pane.
#[derive(Debug, Default)]
pub struct SecondPane {
    pub(super) source: PaneSource,
    pub(super) listing: Listing,
    /// The filter box's text.
    pub filter_text: String,
    pub(super) loading: Pending,
    pub(super) error: Option<String>,
    pub(super) local: LocalPlace,
    /// Set while the source is a profile.
    pub(super) bucket: Option<BucketPlace>,
}

impl SecondPane {
    pub fn source(&self) -> PaneSource {
        self.source
    }

    pub fn listing(&self) -> &Listing {
        &self.listing
    }

    pub fn listing_mut(&mut self) -> &mut Listing {
        &mut self.listing
    }

    pub fn is_loading(&self) -> bool {
        self.loading.is_waiting()
            || self
                .bucket
                .as_ref()
                .is_some_and(|b| matches!(b.buckets, Loadable::Loading(_)))
    }

    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// The bucket shown, while the source is a profile.
    pub fn bucket(&self) -> Option<&BucketPlace> {
        self.bucket.as_ref()
    }

    pub fn shows_this_computer(&self) -> bool {
        self.bucket.is_none()
    }

    /// The folder on this computer (shown, or to come back to).
    pub fn path(&self) -> &Path {
        &self.local.path
    }

    /// The folder on this computer's entries, as listed.
    pub fn entries(&self) -> &[LocalEntry] {
        &self.local.entries
    }

    pub fn show_hidden(&self) -> bool {
        self.local.show_hidden
    }

    pub fn typed_path_mut(&mut self) -> &mut String {
        &mut self.local.typed_path
    }

    /// The home folder, then the drives (Windows) or volumes (macOS), or `/`.
    pub fn places(&self) -> &[PathBuf] {
        &self.local.places
    }

    pub fn can_go_back(&self) -> bool {
        match &self.bucket {
            Some(bucket) => !bucket.back.is_empty(),
            None => !self.local.back.is_empty(),
        }
    }

    /// The entry on this computer behind a row.
    pub fn entry_of(&self, row_name: &str) -> Option<&LocalEntry> {
        self.local
            .by_row
            .get(row_name)
            .and_then(|&i| self.local.entries.get(i))
    }

    /// The selected entries on this computer.
    pub fn selected_paths(&self) -> Vec<PathBuf> {
        if self.bucket.is_some() {
            return Vec::new();
        }
        self.listing
            .selected_rows()
            .into_iter()
            .filter_map(|row| self.entry_of(&row.name))
            .map(|e| e.path.clone())
            .collect()
    }

    /// The selected objects (key and size) and folders (prefixes) of the bucket shown.
    pub fn selected_keys_and_folders(&self) -> (Vec<(String, u64)>, Vec<String>) {
        match self.bucket.as_ref().and_then(|b| b.location.as_ref()) {
            Some(location) => self.listing.selected_keys(&location.prefix),
            None => (Vec::new(), Vec::new()),
        }
    }

    /// Where the pane is, in words: a path or an `s3://` URI.
    pub fn where_text(&self) -> String {
        match &self.bucket {
            Some(bucket) => match &bucket.location {
                Some(location) => location.uri(),
                None => format!("{}: pick a bucket", bucket.profile.name),
            },
            None => self.local.path.display().to_string(),
        }
    }

    /// Stops the listing in progress, if any: the Cancel to send.
    pub(super) fn stop_loading(&mut self) -> Vec<Command> {
        self.loading
            .take()
            .map(|id| Command::Cancel { id })
            .into_iter()
            .collect()
    }

    /// Starts a listing: the rows go, the selection with them.
    pub(super) fn start_loading(&mut self, id: RequestId, new_place: bool) {
        if new_place {
            self.filter_text.clear();
            self.listing.set_filter("");
        }
        self.listing.clear();
        self.loading.start(id);
        self.error = None;
    }
}

impl AppState {
    /// View → Two panes: the second pane opens on the home folder, or closes; the choice is
    /// remembered for next time.
    pub fn toggle_two_panes(&mut self) -> Vec<Command> {
        let mut commands = self.show_two_panes(self.second_pane.is_none());
        commands.extend(self.remember_two_panes());
        commands
    }

    /// Shows or hides the second pane.
    pub(crate) fn show_two_panes(&mut self, show: bool) -> Vec<Command> {
        if !show {
            self.second_pane = None;
            self.active_pane = ActivePane::Explorer;
            self.compare_marks = None;
            return Vec::new();
        }
        if self.second_pane.is_some() {
            return Vec::new();
        }
        let start = crate::local_folder::starting_places()
            .into_iter()
            .next()
            .unwrap_or_else(|| PathBuf::from("."));
        self.second_pane = Some(SecondPane::default());
        self.open_local(start, false)
    }

    /// Keeps the two-pane choice in Pail's settings (not while a settings file is held).
    fn remember_two_panes(&mut self) -> Vec<Command> {
        let two = self.second_pane.is_some();
        let Some(store) = &mut self.saved else {
            return Vec::new();
        };
        if store.two_panes == two {
            return Vec::new();
        }
        store.two_panes = two;
        if store.is_held() {
            return Vec::new();
        }
        vec![Command::SaveProfiles {
            store: store.clone(),
        }]
    }

    /// The second pane's source picker: this computer (the folder it showed last), or the
    /// buckets of a profile.
    pub fn set_second_source(&mut self, source: PaneSource) -> Vec<Command> {
        let Some(pane) = &mut self.second_pane else {
            return Vec::new();
        };
        if pane.source == source {
            return Vec::new();
        }
        let mut commands = pane.stop_loading();
        self.compare_marks = None;
        match source {
            PaneSource::ThisComputer => {
                pane.source = source;
                pane.bucket = None;
                let path = pane.local.path.clone();
                commands.extend(self.open_local(path, false));
            }
            PaneSource::Profile(index) => {
                let Some(profile) = self.profiles.get(index).cloned() else {
                    return commands;
                };
                let id = self.next_id();
                if let Some(pane) = &mut self.second_pane {
                    pane.source = source;
                    pane.listing.clear();
                    pane.error = None;
                    pane.bucket = Some(BucketPlace {
                        profile: profile.clone(),
                        buckets: Loadable::Loading(id),
                        location: None,
                        back: Vec::new(),
                    });
                }
                commands.push(Command::ListBuckets { id, profile });
            }
        }
        commands
    }

    /// F7, F2 or F8 on the active pane: on this computer, New folder, Rename or Delete to the
    /// trash; in a bucket (either pane), the bucket's own dialogs.
    pub fn file_operation(&mut self, operation: FileOperation) {
        let local = self.active_pane == ActivePane::Second
            && self
                .second_pane
                .as_ref()
                .is_some_and(SecondPane::shows_this_computer);
        match (local, operation) {
            (true, FileOperation::NewFolder) => self.open_local_new_folder(),
            (true, FileOperation::Rename) => self.request_local_rename(),
            (true, FileOperation::Delete) => self.request_local_trash(),
            (false, FileOperation::NewFolder) => {
                if self.folder_of(self.bucket_pane()).is_some() {
                    self.open_new_folder();
                }
            }
            (false, FileOperation::Rename) => self.request_rename(),
            (false, FileOperation::Delete) => self.request_delete(),
        }
    }

    /// Tab: the other pane becomes the active one.
    pub fn switch_pane(&mut self) {
        if self.second_pane.is_some() {
            self.active_pane = self.active_pane.other();
        }
    }

    /// Lists the second pane's folder again (after a transfer into it, or Ctrl+R).
    pub fn refresh_second(&mut self) -> Vec<Command> {
        let Some(pane) = &self.second_pane else {
            return Vec::new();
        };
        match &pane.bucket {
            Some(bucket) => match bucket.location.clone() {
                Some(location) => self.second_show(location),
                None => {
                    let index = match pane.source {
                        PaneSource::Profile(index) => index,
                        PaneSource::ThisComputer => return Vec::new(),
                    };
                    if let Some(pane) = &mut self.second_pane {
                        pane.source = PaneSource::ThisComputer;
                    }
                    self.set_second_source(PaneSource::Profile(index))
                }
            },
            None => self.refresh_local(),
        }
    }

    /// Lists the second pane again if it shows the bucket folder holding `key`.
    pub(crate) fn refresh_second_if_shown(
        &mut self,
        bucket: &crate::model::BucketName,
        key: &str,
    ) -> Vec<Command> {
        let shown = self
            .second_pane
            .as_ref()
            .and_then(|p| p.bucket.as_ref())
            .and_then(|b| b.location.as_ref())
            .is_some_and(|l| &l.bucket == bucket && key.starts_with(&l.prefix));
        if shown {
            self.refresh_second()
        } else {
            Vec::new()
        }
    }

    /// Lists the second pane again if it shows the folder on this computer holding `path`.
    pub(crate) fn refresh_local_if_shown(&mut self, path: &Path) -> Vec<Command> {
        let shown = self
            .second_pane
            .as_ref()
            .is_some_and(|p| p.shows_this_computer() && path.starts_with(p.path()));
        if shown {
            self.refresh_local()
        } else {
            Vec::new()
        }
    }

    /// Back in the second pane.
    pub fn second_back(&mut self) -> Vec<Command> {
        let Some(pane) = &mut self.second_pane else {
            return Vec::new();
        };
        match &mut pane.bucket {
            Some(bucket) => match bucket.back.pop() {
                Some(previous) => self.second_show(previous),
                None => Vec::new(),
            },
            None => match pane.local.back.pop() {
                Some(previous) => self.open_local(previous, false),
                None => Vec::new(),
            },
        }
    }

    /// Up (Backspace) in the second pane.
    pub fn second_up(&mut self) -> Vec<Command> {
        let Some(pane) = &self.second_pane else {
            return Vec::new();
        };
        match &pane.bucket {
            Some(bucket) => match bucket.location.as_ref().and_then(Location::parent) {
                Some(parent) => self.second_open(parent),
                None => Vec::new(),
            },
            None => match pane.local.path.parent().map(Path::to_owned) {
                Some(parent) => self.open_local(parent, true),
                None => Vec::new(),
            },
        }
    }

    /// A double-click on a row of the second pane: a folder opens; a file on this computer
    /// opens with its default app.
    pub fn second_activate(&mut self, row_name: &str) -> Vec<Command> {
        self.active_pane = ActivePane::Second;
        let Some(pane) = &self.second_pane else {
            return Vec::new();
        };
        if let Some(bucket) = &pane.bucket {
            let Some(current) = &bucket.location else {
                return Vec::new();
            };
            if !row_name.ends_with('/') {
                return Vec::new();
            }
            let location = Location {
                bucket: current.bucket.clone(),
                prefix: format!("{}{row_name}", current.prefix),
            };
            return self.second_open(location);
        }
        match pane.entry_of(row_name).map(|e| (e.is_dir, e.path.clone())) {
            Some((true, path)) => self.open_local(path, true),
            Some((false, path)) => vec![Command::OpenLocal { path }],
            None => Vec::new(),
        }
    }

    /// Enter in the second pane: the one selected folder opens.
    pub fn second_open_selected(&mut self) -> Vec<Command> {
        let folder =
            self.second_pane
                .as_ref()
                .and_then(|pane| match pane.listing.selected_rows()[..] {
                    [row] if row.is_folder => Some(row.name.to_string()),
                    _ => None,
                });
        match folder {
            Some(name) => self.second_activate(&name),
            None => Vec::new(),
        }
    }

    /// The second pane's filter box.
    pub fn set_second_filter(&mut self, text: &str) {
        if let Some(pane) = &mut self.second_pane {
            pane.filter_text = text.to_owned();
            pane.listing.set_filter(text);
        }
    }

    /// Answers of the worker for the second pane; any other answer is handed back.
    pub(crate) fn second_pane_takes(
        &mut self,
        event: BrowseEvent,
    ) -> Result<Vec<Command>, BrowseEvent> {
        let Some(pane) = &self.second_pane else {
            return Err(event);
        };
        let buckets_id = pane.bucket.as_ref().and_then(|b| match b.buckets {
            Loadable::Loading(id) => Some(id),
            _ => None,
        });
        match event {
            BrowseEvent::Buckets { id, result } if Some(id) == buckets_id => {
                Ok(self.second_buckets(result))
            }
            BrowseEvent::FolderPage { id, page, done } if pane.loading.is_answer(id) => {
                if let Some(pane) = &mut self.second_pane {
                    pane.listing.append(page);
                    if done {
                        pane.loading.finish();
                    }
                }
                Ok(Vec::new())
            }
            BrowseEvent::FolderFailed { id, error } if pane.loading.is_answer(id) => {
                if let Some(pane) = &mut self.second_pane {
                    pane.loading.finish();
                    pane.error = Some(error.to_string());
                }
                Ok(Vec::new())
            }
            BrowseEvent::LocalListed { id, result, places } => {
                self.local_listed(id, result, places);
                Ok(Vec::new())
            }
            BrowseEvent::LocalChanged { id, result } => Ok(self.local_changed(id, result)),
            other => Err(other),
        }
    }
}
