//! The second pane's state: what it shows (a folder on this computer, or a bucket of any
//! profile), its rows (sorted, filtered and selected like the explorer's, in a [`Listing`]),
//! and where it is loading. A leaf the window's state holds; the changes the window makes to
//! it are in [`super::actions`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::app::shared::{History, Loadable, Location, Pending};
use crate::listing::Listing;
use crate::local_folder::LocalEntry;
use crate::profiles::Profile;
use crate::s3::list::BucketEntry;
use crate::worker::{Command, RequestId};

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
pub(crate) struct LocalPlace {
    pub(super) path: PathBuf,
    pub(super) history: History<PathBuf>,
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
    pub(super) history: History<Location>,
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
            Some(bucket) => bucket.history.can_go_back(),
            None => self.local.history.can_go_back(),
        }
    }

    pub fn can_go_forward(&self) -> bool {
        match &self.bucket {
            Some(bucket) => bucket.history.can_go_forward(),
            None => self.local.history.can_go_forward(),
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
