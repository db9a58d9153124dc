//! The Transfers panel's rows: one upload, download or copy each, and where it stands. A
//! leaf the window's state holds; the changes to them are in [`super::transfers`].

use std::path::PathBuf;
use std::time::Instant;

use crate::model::BucketName;
use crate::profiles::Profile;
use crate::s3::transfer::TransferControl;
use crate::worker::{CopySource, Direction, TransferId};

/// One upload or download in the Transfers panel.
#[derive(Debug, Clone)]
pub struct Transfer {
    pub id: TransferId,
    pub direction: Direction,
    pub local_path: PathBuf,
    pub profile: Profile,
    pub name: String,
    pub bucket: BucketName,
    pub key: String,
    pub size: u64,
    pub control: TransferControl,
    pub state: TransferState,
    pub started: Option<Instant>,
    pub finished: Option<Instant>,
    /// A copy's source object.
    pub copy_from: Option<CopySource>,
    /// Part of a move: the source goes once this transfer is complete.
    pub moves: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferState {
    Queued,
    Running,
    Done,
    Failed(String),
    Cancelled,
}

impl Transfer {
    pub fn is_active(&self) -> bool {
        matches!(self.state, TransferState::Queued | TransferState::Running)
    }

    /// Bytes per second since it started.
    pub fn speed(&self, now: Instant) -> Option<f64> {
        let started = self.started?;
        let elapsed = self
            .finished
            .unwrap_or(now)
            .duration_since(started)
            .as_secs_f64();
        (elapsed > 0.2).then(|| self.control.done_bytes() as f64 / elapsed)
    }
}
