//! The second pane's queries and changes on its [`Pane`]: what it shows (a folder on this
//! computer, or a bucket of any profile), where it is, its selection as paths or keys. The
//! changes the window makes to it are in [`super::actions`].

use std::path::{Path, PathBuf};

use super::place::PaneSource;
use crate::app::pane::Pane;
use crate::app::shared::{ListingState, Loadable, Location};
use crate::listing::Listing;
use crate::local_folder::LocalEntry;
use crate::profiles::Profile;
use crate::s3::list::BucketEntry;
use crate::worker::{Command, RequestId};

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

/// The second pane's queries: a [`Pane`] on this computer or on a bucket of any profile.
impl Pane {
    /// The second pane's source (the explorer's is the window's profile).
    pub fn source(&self) -> PaneSource {
        self.source.unwrap_or_default()
    }

    pub fn listing(&self) -> &Listing {
        &self.listing
    }

    pub fn listing_mut(&mut self) -> &mut Listing {
        &mut self.listing
    }

    /// The filter box's text.
    pub fn filter_text(&self) -> &str {
        &self.filter_text
    }

    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// The bucket shown, while the source is a profile.
    pub fn bucket(&self) -> Option<BucketPlace<'_>> {
        self.profile.as_ref().map(|profile| BucketPlace {
            profile,
            pane: self,
        })
    }

    /// The second pane on this computer (never the explorer).
    pub fn shows_this_computer(&self) -> bool {
        self.source.is_some() && self.profile.is_none()
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
        self.listing
            .selected_rows()
            .into_iter()
            .filter_map(|row| self.entry_of(&row.name))
            .map(|e| e.path.clone())
            .collect()
    }

    /// The selected objects (key and size) and folders (prefixes) of the bucket shown.
    pub fn selected_keys_and_folders(&self) -> (Vec<(String, u64)>, Vec<String>) {
        match self.bucket().and_then(|b| b.location()) {
            Some(location) => self.listing.selected_keys(&location.prefix),
            None => (Vec::new(), Vec::new()),
        }
    }

    /// Where the pane is, in words: a path or an `s3://` URI.
    pub fn where_text(&self) -> String {
        match &self.profile {
            Some(profile) => match &self.location {
                Some(location) => location.uri(),
                None => format!("{}: pick a bucket", profile.name),
            },
            None => self.local.path.display().to_string(),
        }
    }

    /// Stops the listing in progress, if any: the Cancel to send.
    pub(super) fn stop_loading(&mut self) -> Vec<Command> {
        let commands = self.cancel_listing();
        if !commands.is_empty() {
            self.listing_state = ListingState::Idle;
        }
        commands
    }

    /// Starts a listing: the rows go, the selection with them.
    pub(super) fn start_loading(&mut self, id: RequestId, new_place: bool) {
        if new_place {
            self.set_filter("");
        }
        self.listing.clear();
        self.listing_state = ListingState::Loading { id, pages: 0 };
        self.error = None;
    }
}
