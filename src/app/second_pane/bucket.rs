//! The second pane on a bucket of any profile: its bucket list, going into a folder (with
//! Back), and listing it page by page like the explorer does.

use crate::app::pane::Pane;
use crate::app::shared::Location;
use crate::app::state::AppState;
use crate::model::BucketName;
use crate::profiles::Profile;
use crate::worker::{Command, RequestId};

impl AppState {
    /// Goes to `location` in the second pane, remembering where it was for Back.
    pub fn second_open(&mut self, location: Location) -> Vec<Command> {
        self.second_go(|pane, id, profile| pane.open(location, id, profile))
    }

    /// Opens the top of `bucket` in the second pane.
    pub fn second_open_bucket(&mut self, bucket: BucketName) -> Vec<Command> {
        self.second_open(Location::bucket_top(bucket))
    }

    /// Shows `location` in the second pane, starting its listing.
    pub(super) fn second_show(&mut self, location: Location) -> Vec<Command> {
        self.second_go(|pane, id, profile| pane.show(location, id, profile))
    }

    /// Moves the second pane's bucket side with `go`, given a new request id and the pane's
    /// profile. Compare's marks and the error were for the folder left. Off a profile, only
    /// the listing in progress stops.
    pub(super) fn second_go(
        &mut self,
        go: impl FnOnce(&mut Pane, RequestId, Option<&Profile>) -> Vec<Command>,
    ) -> Vec<Command> {
        let id = self.next_id();
        let Some(second) = &mut self.second_pane else {
            return Vec::new();
        };
        let Some(profile) = second.profile().cloned() else {
            return second.stop_loading();
        };
        second.clear_error();
        self.compare_marks = None;
        go(second, id, Some(&profile))
    }
}
