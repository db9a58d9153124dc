//! The Transfers panel's rows ([`Transfers`]): one upload, download or copy each, where it
//! stands, how many run at once, and whether quitting was confirmed; [`Transfers::apply`] folds
//! the worker's news about each row in. A leaf the window's state holds; starting and retrying
//! them, which needs the panes, is in [`super::transfers`].

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::model::BucketName;
use crate::profiles::Profile;
use crate::s3::transfer::{TransferControl, TransferError};
use crate::worker::{CopySource, Direction, FilesEvent, TRANSFER_CONCURRENCY, TransferId};

/// How long quitting waits for cancelled transfers to abort their uploads and remove their
/// partial files.
pub(crate) const QUIT_CLEANUP_WAIT: Duration = Duration::from_secs(10);

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
    /// The version downloaded, for a version's download: Retry asks for it again.
    pub version_id: Option<String>,
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
    /// The bandwidth they share, bytes a second; `None`: no limit. Kept for the session: the
    /// window keeps no settings of its own between runs.
    rate_limit: Option<u64>,
    /// "Quit anyway" was pressed and the transfers have cleaned up: the next close goes
    /// through.
    quit_confirmed: bool,
}

impl Default for Transfers {
    fn default() -> Self {
        Self {
            rows: Vec::new(),
            concurrency: TRANSFER_CONCURRENCY,
            rate_limit: None,
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

    /// The bandwidth limit set in the panel, bytes a second.
    pub fn rate_limit(&self) -> Option<u64> {
        self.rate_limit
    }

    pub(crate) fn set_rate_limit(&mut self, bytes_per_second: Option<u64>) {
        self.rate_limit = bytes_per_second;
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

    /// The quit that began at `since` may close the window at `now`: every cancelled transfer
    /// has cleaned up (aborted its upload, removed its partial file), or the wait is over
    /// (what is left then is swept at the next start).
    pub(crate) fn may_quit(&self, since: Instant, now: Instant) -> bool {
        self.active() == 0 || now.duration_since(since) >= QUIT_CLEANUP_WAIT
    }

    /// Folds the worker's news about a transfer into its row: queued, started or ended. Gives
    /// the row of a transfer that ended, as it is now, for what else that changes (the status,
    /// the folders to list again); `None` otherwise, and for a row no longer shown. Answers
    /// that are not about a transfer's row are left alone: the window routes them.
    pub(crate) fn apply(&mut self, event: FilesEvent) -> Option<Transfer> {
        match event {
            FilesEvent::TransferQueued {
                transfer,
                name,
                bucket,
                key,
                size,
                control,
                direction,
                local_path,
                profile,
                copy_from,
                moves,
                version_id,
            } => self.rows.push(Transfer {
                id: transfer,
                direction,
                local_path,
                profile: *profile,
                name,
                bucket,
                key,
                size,
                control,
                state: TransferState::Queued,
                started: None,
                finished: None,
                copy_from: copy_from.map(|c| *c),
                moves,
                version_id,
            }),
            FilesEvent::TransferStarted { transfer } => {
                if let Some(t) = self.rows.iter_mut().find(|t| t.id == transfer) {
                    t.state = TransferState::Running;
                    t.started = Some(Instant::now());
                }
            }
            FilesEvent::TransferFinished { transfer, result } => {
                let t = self.rows.iter_mut().find(|t| t.id == transfer)?;
                t.finished = Some(Instant::now());
                t.state = match result {
                    Ok(()) => TransferState::Done,
                    Err(TransferError::Cancelled) => TransferState::Cancelled,
                    Err(e) => TransferState::Failed(e.to_string()),
                };
                return Some(t.clone());
            }
            _ => {}
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Endpoint;
    use crate::profiles::ProfileSource;
    use aws_credential_types::Credentials;

    fn queued(id: u64, control: &TransferControl) -> FilesEvent {
        FilesEvent::TransferQueued {
            transfer: TransferId(id),
            name: format!("file{id}.txt"),
            bucket: BucketName::new("bucket").unwrap(),
            key: format!("inbox/file{id}.txt"),
            size: 3,
            control: control.clone(),
            direction: Direction::Upload,
            local_path: PathBuf::from(format!("/home/me/file{id}.txt")),
            profile: Box::new(Profile::fixed(
                "Demo",
                ProfileSource::Demo,
                Credentials::new("a", "b", None, None, "test"),
                Endpoint::custom("http://127.0.0.1:1").unwrap(),
                "us-east-1",
            )),
            copy_from: None,
            moves: true,
            version_id: None,
        }
    }

    fn finished(id: u64, result: Result<(), TransferError>) -> FilesEvent {
        FilesEvent::TransferFinished {
            transfer: TransferId(id),
            result,
        }
    }

    #[test]
    fn a_row_is_queued_runs_and_ends_and_its_end_is_given_back() {
        let mut transfers = Transfers::default();
        let control = TransferControl::default();
        assert!(transfers.apply(queued(1, &control)).is_none());
        let [row] = transfers.rows() else {
            panic!("{:?}", transfers.rows());
        };
        assert_eq!(row.state, TransferState::Queued);
        assert_eq!(row.key, "inbox/file1.txt");
        assert!(row.moves);
        assert!(
            transfers
                .apply(FilesEvent::TransferStarted {
                    transfer: TransferId(1)
                })
                .is_none()
        );
        assert_eq!(transfers.rows()[0].state, TransferState::Running);
        assert!(transfers.rows()[0].started.is_some());
        assert_eq!(transfers.active(), 1);
        let Some(ended) = transfers.apply(finished(1, Ok(()))) else {
            panic!("a transfer that ended gives its row");
        };
        assert_eq!(ended.state, TransferState::Done);
        assert!(ended.finished.is_some());
        assert_eq!(transfers.rows()[0].state, TransferState::Done);
        assert_eq!(transfers.active(), 0);
    }

    #[test]
    fn an_end_says_cancelled_or_why_it_failed_and_a_row_gone_gives_nothing() {
        let mut transfers = Transfers::default();
        let control = TransferControl::default();
        transfers.apply(queued(1, &control));
        transfers.apply(queued(2, &control));
        let cancelled = transfers.apply(finished(1, Err(TransferError::Cancelled)));
        assert_eq!(cancelled.map(|t| t.state), Some(TransferState::Cancelled));
        let failed = transfers.apply(finished(2, Err(TransferError::Remote("boom".into()))));
        assert_eq!(
            failed.map(|t| t.state),
            Some(TransferState::Failed("S3 refused: boom".into()))
        );
        transfers.clear_finished();
        assert!(transfers.apply(finished(2, Ok(()))).is_none(), "cleared");
        assert!(transfers.rows().is_empty());
    }

    #[test]
    fn quitting_may_close_once_nothing_runs_or_the_wait_is_over() {
        let mut transfers = Transfers::default();
        let since = Instant::now();
        assert!(transfers.may_quit(since, since), "nothing runs");
        transfers.apply(queued(1, &TransferControl::default()));
        assert!(!transfers.may_quit(since, since));
        assert!(transfers.may_quit(since, since + QUIT_CLEANUP_WAIT));
    }

    #[test]
    fn answers_not_about_a_row_are_left_alone() {
        let mut transfers = Transfers::default();
        let answer = transfers.apply(FilesEvent::Deleted {
            id: crate::worker::RequestId(1),
            result: Err(crate::worker::JobError::Transfer(TransferError::Cancelled)),
        });
        assert!(answer.is_none());
        assert!(transfers.rows().is_empty());
    }
}
