//! The second pane on a bucket of any profile: its bucket list, going into a folder (with
//! Back), and listing it page by page like the explorer does.

use crate::app::pane::Pane;
use crate::app::shared::{Loadable, Location};
use crate::app::state::AppState;
use crate::model::BucketName;
use crate::profiles::Profile;
use crate::s3::list::{BrowseError, BucketEntry};
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
        let Some(profile) = second.profile.clone() else {
            return second.stop_loading();
        };
        second.error = None;
        self.compare_marks = None;
        go(second, id, Some(&profile))
    }

    /// The second pane's profile answered with its buckets (or why not). Its server answers,
    /// so uploads and copies an earlier run left there unfinished can be aborted now.
    pub(super) fn second_buckets(
        &mut self,
        result: Result<Vec<BucketEntry>, BrowseError>,
    ) -> Vec<Command> {
        let journal = self.journal_path();
        let Some(pane) = &mut self.second_pane else {
            return Vec::new();
        };
        let Some(profile) = pane.profile.clone() else {
            return Vec::new();
        };
        match result {
            Ok(buckets) => {
                pane.buckets = Loadable::Ready(buckets);
                journal
                    .map(|journal| Command::SweepUploads { profile, journal })
                    .into_iter()
                    .collect()
            }
            Err(error) => {
                pane.error = Some(error.to_string());
                pane.buckets = Loadable::Failed(error);
                Vec::new()
            }
        }
    }
}
