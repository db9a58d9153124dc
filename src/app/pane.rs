//! A pane ([`Pane`]): the bucket list, the folder shown with its Back and Forward, its rows
//! as they load, and the filter. The explorer is one; the second pane (`second_pane/state.rs`)
//! holds one, with the folder on this computer beside it. Going somewhere, which needs the
//! profile and a request id, is in `explorer/state.rs` and `second_pane/`.

use crate::app::shared::{History, ListingState, Loadable, Location};
use crate::listing::Listing;
use crate::s3::list::{BrowseError, BucketEntry, FolderPage};
use crate::worker::{Command, RequestId};

/// A pane on a profile's buckets.
#[derive(Debug)]
pub struct Pane {
    pub buckets: Loadable<Vec<BucketEntry>>,
    /// The folder shown.
    pub location: Option<Location>,
    /// Back and Forward.
    pub(crate) history: History<Location>,
    pub listing: Listing,
    pub listing_state: ListingState,
    /// The filter box's text; the listing shows only names containing it.
    pub filter_text: String,
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
        }
    }
}

impl Pane {
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
        self.history.can_go_back()
    }

    pub fn can_go_forward(&self) -> bool {
        self.history.can_go_forward()
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

    /// Leaves the folder for another profile: no folder, no history, no rows.
    pub(crate) fn forget_folder(&mut self) {
        self.location = None;
        self.history.clear();
        self.listing.clear();
        self.listing_state = ListingState::Idle;
    }
}
