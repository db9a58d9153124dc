//! The second pane on a bucket of any profile: its bucket list, going into a folder (with
//! Back), and listing it page by page like the explorer does.

use crate::app::shared::{Loadable, Location};
use crate::app::state::AppState;
use crate::model::BucketName;
use crate::s3::list::{BrowseError, BucketEntry};
use crate::worker::Command;

impl AppState {
    /// Goes to `location` in the second pane, remembering where it was for Back.
    pub fn second_open(&mut self, location: Location) -> Vec<Command> {
        if let Some(second) = self.second_pane.as_mut().filter(|p| p.profile.is_some())
            && let Some(current) = second.pane.location.take()
        {
            if current != location {
                second.pane.history.left(current);
            } else {
                second.pane.location = Some(current);
            }
        }
        self.second_show(location)
    }

    /// Opens the top of `bucket` in the second pane.
    pub fn second_open_bucket(&mut self, bucket: BucketName) -> Vec<Command> {
        self.second_open(Location::bucket_top(bucket))
    }

    /// Shows `location` in the second pane, starting its listing.
    pub(super) fn second_show(&mut self, location: Location) -> Vec<Command> {
        let id = self.next_id();
        let Some(pane) = &mut self.second_pane else {
            return Vec::new();
        };
        let mut commands = pane.stop_loading();
        let Some(profile) = pane.profile.clone() else {
            return commands;
        };
        let moved = pane.pane.location.as_ref() != Some(&location);
        pane.pane.location = Some(location.clone());
        pane.start_loading(id, moved);
        self.compare_marks = None;
        commands.push(Command::ListFolder {
            id,
            profile,
            bucket: location.bucket,
            prefix: location.prefix,
        });
        commands
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
                pane.pane.buckets = Loadable::Ready(buckets);
                journal
                    .map(|journal| Command::SweepUploads { profile, journal })
                    .into_iter()
                    .collect()
            }
            Err(error) => {
                pane.error = Some(error.to_string());
                pane.pane.buckets = Loadable::Failed(error);
                Vec::new()
            }
        }
    }
}
