//! The Transfers panel's rows ([`Transfers`]): one upload, download or copy each, where it
//! stands, how many run at once, and whether quitting was confirmed. A leaf the window's state
//! holds; starting and retrying them, which needs the panes, is in [`super::transfers`].

use std::path::PathBuf;
use std::time::Instant;

use crate::model::BucketName;
use crate::profiles::Profile;
use crate::s3::transfer::{TransferControl, TransferError};
use crate::worker::{CopySource, Direction, TRANSFER_CONCURRENCY, TransferId};

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

/// Every transfer of this run, oldest first, and the panel's setting.
#[derive(Debug)]
pub struct Transfers {
    rows: Vec<Transfer>,
    /// How many transfers run at once.
    concurrency: usize,
    /// "Quit anyway" was pressed and the transfers have cleaned up: the next close goes
    /// through.
    quit_confirmed: bool,
}

impl Default for Transfers {
    fn default() -> Self {
        Self {
            rows: Vec::new(),
            concurrency: TRANSFER_CONCURRENCY,
            quit_confirmed: false,
        }
    }
}

impl Transfers {
    /// Oldest first.
    pub fn rows(&self) -> &[Transfer] {
        &self.rows
    }

    pub fn active(&self) -> usize {
        self.rows.iter().filter(|t| t.is_active()).count()
    }

    pub(crate) fn concurrency(&self) -> usize {
        self.concurrency
    }

    pub(crate) fn set_concurrency(&mut self, concurrency: usize) {
        self.concurrency = concurrency;
    }

    pub(crate) fn quit_confirmed(&self) -> bool {
        self.quit_confirmed
    }

    pub(crate) fn confirm_quit(&mut self) {
        self.quit_confirmed = true;
    }

    pub(crate) fn cancel(&self, id: TransferId) {
        if let Some(transfer) = self.rows.iter().find(|t| t.id == id) {
            transfer.control.cancel();
        }
    }

    pub(crate) fn cancel_all(&self) {
        for transfer in &self.rows {
            transfer.control.cancel();
        }
    }

    /// Clear finished: only what still runs or waits stays.
    pub(crate) fn clear_finished(&mut self) {
        self.rows.retain(Transfer::is_active);
    }

    /// Takes a row out (to retry it as a new transfer).
    pub(crate) fn remove(&mut self, id: TransferId) -> Option<Transfer> {
        let index = self.rows.iter().position(|t| t.id == id)?;
        Some(self.rows.remove(index))
    }

    /// A row for a transfer the worker queued.
    pub(crate) fn queued(&mut self, transfer: Transfer) {
        self.rows.push(transfer);
    }

    pub(crate) fn started(&mut self, id: TransferId) {
        if let Some(t) = self.rows.iter_mut().find(|t| t.id == id) {
            t.state = TransferState::Running;
            t.started = Some(Instant::now());
        }
    }

    /// A transfer ended: its row as it is now, or `None` for a row no longer shown.
    pub(crate) fn finished(
        &mut self,
        id: TransferId,
        result: Result<(), TransferError>,
    ) -> Option<Transfer> {
        let t = self.rows.iter_mut().find(|t| t.id == id)?;
        t.finished = Some(Instant::now());
        t.state = match result {
            Ok(()) => TransferState::Done,
            Err(TransferError::Cancelled) => TransferState::Cancelled,
            Err(e) => TransferState::Failed(e.to_string()),
        };
        Some(t.clone())
    }
}
