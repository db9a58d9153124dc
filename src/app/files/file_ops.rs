//! What Delete, New folder, Rename and Properties keep while the worker runs them
//! ([`FileOps`]): a leaf the window's state holds, so that the answer finds where its request
//! came from.

use std::collections::HashMap;

use crate::model::BucketName;
use crate::profiles::Profile;
use crate::worker::RequestId;

/// Where a rename runs: the profile and bucket of the pane it was asked in, then.
pub(crate) type RenamePlace = (Profile, BucketName);

/// The file operations' requests in flight, with what their answers need.
#[derive(Debug, Default)]
pub(crate) struct FileOps {
    /// The renames in flight, each with where it runs. Not a `Pending`: a later rename does
    /// not make an earlier one's answer stale (both ran), and "would replace" must replace
    /// where its rename was asked, whichever bucket the pane shows by the time it is answered.
    renaming: HashMap<RequestId, RenamePlace>,
}

impl FileOps {
    /// Rename `id` runs in `place`.
    pub(crate) fn rename_started(&mut self, id: RequestId, place: RenamePlace) {
        self.renaming.insert(id, place);
    }

    /// Where rename `id` ran, once (its answer has come).
    pub(crate) fn renamed(&mut self, id: RequestId) -> Option<RenamePlace> {
        self.renaming.remove(&id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(profile: &str, bucket: &str) -> RenamePlace {
        (
            crate::app::state::tests::profile(profile),
            BucketName::new(bucket).unwrap(),
        )
    }

    #[test]
    fn each_renames_answer_finds_where_it_ran_once() {
        let mut ops = FileOps::default();
        ops.rename_started(RequestId(1), place("p", "staging"));
        ops.rename_started(RequestId(2), place("q", "prod"));
        let bucket = |found: Option<RenamePlace>| found.map(|(_, b)| b.to_string());
        assert_eq!(
            bucket(ops.renamed(RequestId(1))).as_deref(),
            Some("staging")
        );
        assert_eq!(bucket(ops.renamed(RequestId(2))).as_deref(), Some("prod"));
        assert_eq!(bucket(ops.renamed(RequestId(2))), None, "answered once");
    }
}
