//! A pane ([`Pane`]): the bucket list, the folder shown with its Back and Forward, its rows
//! as they load, and the filter; for the second pane also its source and the folder on this
//! computer. Both panes are one; going somewhere, given the profile and a request id, is here,
//! the worker's answers it waits for are folded by [`Pane::apply`] (`apply.rs`), and what only
//! the second pane has (its source, this computer's folder) is in `second.rs`.

mod apply;
mod search;
mod second;

pub(crate) use apply::Folded;
pub(crate) use search::{PaneSearch, SearchForm};

use crate::app::second_pane::place::{LocalPlace, PaneSource};
use crate::app::shared::{History, ListingState, Loadable, Location};
use crate::listing::Listing;
use crate::profiles::Profile;
use crate::s3::list::{BrowseError, BucketEntry, FolderPage};
use crate::worker::{Command, RequestId};

/// A pane: the explorer, on the window's profile, or the second pane.
#[derive(Debug)]
pub struct Pane {
    buckets: Loadable<Vec<BucketEntry>>,
    /// The folder shown.
    location: Option<Location>,
    /// Back and Forward.
    history: History<Location>,
    listing: Listing,
    listing_state: ListingState,
    /// The filter box's text; the listing shows only names containing it.
    filter_text: String,
    /// The second pane's source picker; `None` for the explorer, on the window's profile.
    source: Option<PaneSource>,
    /// The second pane's profile, while its source is one.
    profile: Option<Profile>,
    /// The second pane's error: a plain message, not the explorer's banner, since a folder
    /// on this computer fails with no S3 error to retry.
    error: Option<String>,
    /// The second pane's folder on this computer (shown, or to come back to).
    local: LocalPlace,
    /// The search box.
    search_form: SearchForm,
    /// The search whose matches are the rows, until the pane goes anywhere.
    search: Option<PaneSearch>,
}

impl Default for Pane {
    fn default() -> Self {
        Self {
            buckets: Loadable::Idle,
            location: None,
            history: History::default(),
            listing: Listing::default(),
            listing_state: ListingState::Idle,
            filter_text: String::new(),
            source: None,
            profile: None,
            error: None,
            local: LocalPlace::default(),
            search_form: SearchForm::default(),
            search: None,
        }
    }
}

impl Pane {
    /// The second pane, on this computer.
    pub(crate) fn second() -> Self {
        Self {
            source: Some(PaneSource::ThisComputer),
            ..Self::default()
        }
    }

    /// The bucket list, as loaded.
    pub fn buckets(&self) -> &Loadable<Vec<BucketEntry>> {
        &self.buckets
    }

    /// The folder shown.
    pub fn location(&self) -> Option<&Location> {
        self.location.as_ref()
    }

    /// The folder's rows, their order, filter and selection.
    pub fn listing(&self) -> &Listing {
        &self.listing
    }

    pub fn listing_mut(&mut self) -> &mut Listing {
        &mut self.listing
    }

    /// Whether the folder's listing is loading, done, stopped or failed.
    pub fn listing_state(&self) -> &ListingState {
        &self.listing_state
    }

    /// The filter box's text.
    pub fn filter_text(&self) -> &str {
        &self.filter_text
    }

    /// Lists `profile`'s buckets as `id`, waiting for them from now on: the command to send.
    pub(crate) fn list_buckets(&mut self, id: RequestId, profile: Profile) -> Command {
        self.buckets = Loadable::Loading(id);
        Command::ListBuckets { id, profile }
    }

    /// Filters the rows shown by a case-insensitive part of their name.
    pub fn set_filter(&mut self, text: &str) {
        if self.filter_text != text {
            self.filter_text = text.to_owned();
        }
        self.listing.set_filter(text);
    }

    /// Stops the listing in progress, if any.
    pub(crate) fn cancel_listing(&self) -> Vec<Command> {
        match self.listing_state {
            ListingState::Loading { id, .. } => vec![Command::Cancel { id }],
            _ => Vec::new(),
        }
    }

    pub fn is_loading(&self) -> bool {
        matches!(self.listing_state, ListingState::Loading { .. })
            || matches!(self.buckets, Loadable::Loading(_))
    }

    /// The error to show over the table, with a Retry button.
    pub fn banner_error(&self) -> Option<&BrowseError> {
        match (&self.listing_state, &self.buckets) {
            (ListingState::Failed(error), _) => Some(error),
            (_, Loadable::Failed(error)) if self.location.is_none() => Some(error),
            _ => None,
        }
    }

    pub fn can_go_up(&self) -> bool {
        self.location.as_ref().is_some_and(|l| l.parent().is_some())
    }

    pub fn can_go_back(&self) -> bool {
        // On this computer, Back and Forward are its folders'.
        match self.shows_this_computer() {
            true => self.local.history.can_go_back(),
            false => self.history.can_go_back(),
        }
    }

    pub fn can_go_forward(&self) -> bool {
        // On this computer, Back and Forward are its folders'.
        match self.shows_this_computer() {
            true => self.local.history.can_go_forward(),
            false => self.history.can_go_forward(),
        }
    }

    /// Shows `location`, listing it as `id` with `profile` (with none, the pane waits for
    /// one): the commands are the Cancel of the listing left and the new listing.
    pub(crate) fn show(
        &mut self,
        location: Location,
        id: RequestId,
        profile: Option<&Profile>,
    ) -> Vec<Command> {
        let mut commands = self.cancel_listing();
        if self.location.as_ref() != Some(&location) {
            // A filter typed for one folder would hide the next one's rows.
            self.set_filter("");
        }
        self.listing.clear();
        self.search = None;
        self.location = Some(location.clone());
        let Some(profile) = profile else {
            self.listing_state = ListingState::Idle;
            return commands;
        };
        self.listing_state = ListingState::Loading { id, pages: 0 };
        commands.push(Command::ListFolder {
            id,
            profile: profile.clone(),
            bucket: location.bucket,
            prefix: location.prefix,
        });
        commands
    }

    /// Goes to `location`, remembering where the pane was for Back (the same folder is
    /// listed again).
    pub(crate) fn open(
        &mut self,
        location: Location,
        id: RequestId,
        profile: Option<&Profile>,
    ) -> Vec<Command> {
        match self.location.take() {
            Some(current) if current != location => self.history.left(current),
            same => self.location = same,
        }
        self.show(location, id, profile)
    }

    pub(crate) fn back(&mut self, id: RequestId, profile: Option<&Profile>) -> Vec<Command> {
        if !self.history.can_go_back() {
            return Vec::new();
        }
        let current = self.location.take();
        match self.history.back(current) {
            Some(previous) => self.show(previous, id, profile),
            None => Vec::new(),
        }
    }

    pub(crate) fn forward(&mut self, id: RequestId, profile: Option<&Profile>) -> Vec<Command> {
        if !self.history.can_go_forward() {
            return Vec::new();
        }
        let current = self.location.take();
        match self.history.forward(current) {
            Some(next) => self.show(next, id, profile),
            None => Vec::new(),
        }
    }

    /// Stop: the listing in progress ends, keeping the rows loaded so far; the Cancel to send.
    pub(crate) fn stop(&mut self) -> Vec<Command> {
        let commands = self.cancel_listing();
        if !commands.is_empty() {
            self.listing_state = ListingState::Stopped;
            self.search_ended();
        }
        commands
    }

    /// Up: the parent folder, if the pane is in one.
    pub(crate) fn up(&mut self, id: RequestId, profile: Option<&Profile>) -> Vec<Command> {
        match self.location.as_ref().and_then(Location::parent) {
            Some(parent) => self.open(parent, id, profile),
            None => Vec::new(),
        }
    }

    /// The sub-folder `name` (ending in `/`) of the folder shown.
    pub(crate) fn subfolder(&self, name: &str) -> Option<Location> {
        let current = self.location.as_ref()?;
        Some(Location {
            bucket: current.bucket.clone(),
            prefix: format!("{}{name}", current.prefix),
        })
    }

    /// The listing `id` failed: `true` if it was this pane's, which now shows why.
    pub(crate) fn folder_failed(&mut self, id: RequestId, error: BrowseError) -> bool {
        if !self.is_listing(id) {
            return false;
        }
        self.listing_state = ListingState::Failed(error);
        self.search_ended();
        true
    }

    /// `id` is the listing the pane waits for.
    pub(crate) fn is_listing(&self, id: RequestId) -> bool {
        matches!(self.listing_state, ListingState::Loading { id: current, .. } if current == id)
    }

    /// A page of the listing `id` arrived: its rows join the others.
    pub(crate) fn page_arrived(&mut self, id: RequestId, page: FolderPage, done: bool) {
        let ListingState::Loading { id: current, pages } = self.listing_state else {
            return;
        };
        if current != id {
            return;
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

    /// The window's profile is no longer the one chosen: its buckets, folder and rows go (Back
    /// and the listing's state stay, as the next profile's listing replaces them).
    pub(crate) fn forget_profile(&mut self) {
        self.location = None;
        self.search = None;
        self.listing.clear();
        self.buckets = Loadable::Idle;
    }

    /// Leaves the folder for another profile: no folder, no history, no rows.
    pub(crate) fn forget_folder(&mut self) {
        self.location = None;
        self.search = None;
        self.history.clear();
        self.listing.clear();
        self.listing_state = ListingState::Idle;
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::app::state::tests::profile;
    use crate::model::BucketName;

    /// A place in bucket `bkt` (the `apply` and `search` tests use it too).
    pub(super) fn at(prefix: &str) -> Location {
        Location {
            bucket: BucketName::new("bkt").unwrap(),
            prefix: prefix.into(),
        }
    }

    fn listed(commands: &[Command]) -> Option<(RequestId, &str)> {
        match commands.last()? {
            Command::ListFolder { id, prefix, .. } => Some((*id, prefix.as_str())),
            _ => None,
        }
    }

    #[test]
    fn open_back_forward_and_up_list_each_folder_once_and_cancel_the_one_left() {
        let p = profile("p");
        let mut pane = Pane::default();
        let first = pane.open(at("a/"), RequestId(1), Some(&p));
        assert_eq!(listed(&first), Some((RequestId(1), "a/")));
        let second = pane.open(at("a/b/"), RequestId(2), Some(&p));
        assert!(matches!(second[0], Command::Cancel { id: RequestId(1) }));
        assert_eq!(listed(&second), Some((RequestId(2), "a/b/")));
        assert!(pane.can_go_back() && !pane.can_go_forward());
        pane.back(RequestId(3), Some(&p));
        assert_eq!(pane.location(), Some(&at("a/")));
        assert!(pane.can_go_forward());
        pane.forward(RequestId(4), Some(&p));
        assert_eq!(pane.location(), Some(&at("a/b/")));
        pane.up(RequestId(5), Some(&p));
        assert_eq!(pane.location(), Some(&at("a/")));
        assert!(!pane.can_go_forward(), "a new place forgets Forward");
        assert!(pane.is_listing(RequestId(5)) && !pane.is_listing(RequestId(4)));
    }

    #[test]
    fn the_same_folder_is_listed_again_keeping_its_filter_and_history() {
        let p = profile("p");
        let mut pane = Pane::default();
        pane.open(at("a/"), RequestId(1), Some(&p));
        pane.set_filter("x");
        let again = pane.open(at("a/"), RequestId(2), Some(&p));
        assert_eq!(listed(&again), Some((RequestId(2), "a/")));
        assert_eq!(pane.filter_text, "x");
        assert!(!pane.can_go_back());
        pane.open(at("c/"), RequestId(3), Some(&p));
        assert_eq!(
            pane.filter_text, "",
            "a filter for one folder would hide the next's rows"
        );
    }

    #[test]
    fn pages_and_failures_of_a_listing_left_are_dropped() {
        let p = profile("p");
        let mut pane = Pane::default();
        pane.open(at("a/"), RequestId(1), Some(&p));
        pane.open(at("c/"), RequestId(2), Some(&p));
        assert!(!pane.folder_failed(RequestId(1), BrowseError::TimedOut("gone".into())));
        pane.page_arrived(RequestId(2), FolderPage::default(), false);
        assert_eq!(
            pane.listing_state,
            ListingState::Loading {
                id: RequestId(2),
                pages: 1
            }
        );
        assert!(pane.folder_failed(RequestId(2), BrowseError::NoSuchBucket("b".into())));
        assert!(pane.banner_error().is_some());
    }

    #[test]
    fn without_a_profile_the_folder_is_kept_but_not_listed() {
        let mut pane = Pane::default();
        assert!(pane.open(at("a/"), RequestId(1), None).is_empty());
        assert_eq!(pane.location(), Some(&at("a/")));
        assert_eq!(pane.listing_state, ListingState::Idle);
    }
}
