//! The second pane's state: what it shows (a folder on this computer, or a bucket of any
//! profile), its rows, loading and filter in a [`Pane`] like the explorer's, and the folder
//! on this computer beside it. A leaf the window's state holds; the changes the window makes
//! to it are in [`super::actions`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::app::pane::Pane;
use crate::app::shared::{History, ListingState, Loadable, Location, Pending};
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

/// The bucket side of the pane, while the source is a profile: the profile, and its
/// buckets and folder as the pane's [`Pane`] holds them.
#[derive(Debug, Clone, Copy)]
pub struct BucketPlace<'a> {
    profile: &'a Profile,
    pane: &'a Pane,
}

impl<'a> BucketPlace<'a> {
    pub fn profile(&self) -> &'a Profile {
        self.profile
    }

    pub fn buckets(&self) -> &'a Loadable<Vec<BucketEntry>> {
        &self.pane.buckets
    }

    pub fn location(&self) -> Option<&'a Location> {
        self.pane.location.as_ref()
    }
}

/// The second pane.
#[derive(Debug, Default)]
pub struct SecondPane {
    pub(super) source: PaneSource,
    /// The rows, their loading and filter; on a profile, its buckets and the folder shown
    /// with Back and Forward too.
    pub(super) pane: Pane,
    /// The profile shown, while the source is one.
    pub(super) profile: Option<Profile>,
    /// A plain message, not the explorer's banner: a folder on this computer fails with no
    /// S3 error to retry.
    pub(super) error: Option<String>,
    pub(super) local: LocalPlace,
}

impl SecondPane {
    pub fn source(&self) -> PaneSource {
        self.source
    }

    pub fn listing(&self) -> &Listing {
        &self.pane.listing
    }

    pub fn listing_mut(&mut self) -> &mut Listing {
        &mut self.pane.listing
    }

    /// The filter box's text.
    pub fn filter_text(&self) -> &str {
        &self.pane.filter_text
    }

    pub fn is_loading(&self) -> bool {
        self.pane.is_loading()
    }

    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// The bucket shown, while the source is a profile.
    pub fn bucket(&self) -> Option<BucketPlace<'_>> {
        self.profile.as_ref().map(|profile| BucketPlace {
            profile,
            pane: &self.pane,
        })
    }

    pub fn shows_this_computer(&self) -> bool {
        self.profile.is_none()
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
        match &self.profile {
            Some(_) => self.pane.can_go_back(),
            None => self.local.history.can_go_back(),
        }
    }

    pub fn can_go_forward(&self) -> bool {
        match &self.profile {
            Some(_) => self.pane.can_go_forward(),
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
        if self.profile.is_some() {
            return Vec::new();
        }
        self.pane
            .listing
            .selected_rows()
            .into_iter()
            .filter_map(|row| self.entry_of(&row.name))
            .map(|e| e.path.clone())
            .collect()
    }

    /// The selected objects (key and size) and folders (prefixes) of the bucket shown.
    pub fn selected_keys_and_folders(&self) -> (Vec<(String, u64)>, Vec<String>) {
        match self.bucket().and_then(|b| b.location()) {
            Some(location) => self.pane.listing.selected_keys(&location.prefix),
            None => (Vec::new(), Vec::new()),
        }
    }

    /// Where the pane is, in words: a path or an `s3://` URI.
    pub fn where_text(&self) -> String {
        match &self.profile {
            Some(profile) => match &self.pane.location {
                Some(location) => location.uri(),
                None => format!("{}: pick a bucket", profile.name),
            },
            None => self.local.path.display().to_string(),
        }
    }

    /// Stops the listing in progress, if any: the Cancel to send.
    pub(super) fn stop_loading(&mut self) -> Vec<Command> {
        let commands = self.pane.cancel_listing();
        if !commands.is_empty() {
            self.pane.listing_state = ListingState::Idle;
        }
        commands
    }

    /// Starts a listing: the rows go, the selection with them.
    pub(super) fn start_loading(&mut self, id: RequestId, new_place: bool) {
        if new_place {
            self.pane.set_filter("");
        }
        self.pane.listing.clear();
        self.pane.listing_state = ListingState::Loading { id, pages: 0 };
        self.error = None;
    }

    /// `id` is the listing the pane waits for.
    pub(super) fn is_listing(&self, id: RequestId) -> bool {
        self.pane.is_listing(id)
    }
}
