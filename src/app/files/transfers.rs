//! Uploads and downloads in the window's state: starting, cancelling and retrying them, the
//! folders listed again once they end, and quitting while they run (the rows themselves are
//! [`super::transfer_rows`]'s; the answer to "files exist already" is the dialog's, in
//! [`Modals`](crate::app::modal::Modals)).

use std::path::PathBuf;
use std::time::Instant;

use crate::app::files::transfer_rows::{Transfer, TransferState};
use crate::app::state::{AppState, Modal};
use crate::worker::{
    BucketFolder, Command, CopyRequest, Direction, DownloadRequest, TransferId, UploadRequest,
};

impl AppState {
    /// Where unfinished multipart uploads are recorded: beside the shared-links history.
    pub(crate) fn journal_path(&self) -> Option<PathBuf> {
        self.links
            .path()
            .map(|p| p.with_file_name("pending-uploads.json"))
    }

    /// Where partial downloads are recorded while they exist.
    pub(crate) fn partials_path(&self) -> Option<PathBuf> {
        self.links
            .path()
            .map(|p| p.with_file_name("partial-downloads.json"))
    }

    /// "Quit anyway": cancels every transfer.
    pub fn cancel_all_transfers(&mut self) {
        self.transfers.cancel_all();
    }

    /// "Quit anyway": cancels every transfer and starts waiting for them to clean up (abort
    /// their uploads, remove their partial files) before the window closes.
    pub fn begin_quit(&mut self, now: Instant) {
        self.cancel_all_transfers();
        self.modals.close_if(|m| matches!(m, Modal::ConfirmQuit));
        self.modals.interrupt(Modal::Quitting { since: now });
    }

    /// The window was asked to close while transfers run: "Quit anyway" or "Keep running",
    /// in front of whatever dialog is open (which comes back on "Keep running").
    pub fn ask_quit(&mut self) {
        if !matches!(
            self.modals.get(),
            Some(Modal::ConfirmQuit | Modal::Quitting { .. })
        ) {
            self.modals.interrupt(Modal::ConfirmQuit);
        }
    }

    /// The window may close: every cancelled transfer has cleaned up, or the wait is over
    /// (what is left then is swept at the next start).
    pub fn may_close(&self, now: Instant) -> bool {
        self.modals
            .quitting_since()
            .is_some_and(|since| self.transfers.may_quit(since, now))
    }

    /// Download (toolbar): the selected objects, and folders recursively, into `target`.
    pub fn download_to(&mut self, target: PathBuf) -> Vec<Command> {
        self.download_into(target, false)
    }

    /// [`Self::download_to`]; with `remove_source`, a move: each object is deleted once its
    /// file is complete.
    pub(crate) fn download_into(&mut self, target: PathBuf, remove_source: bool) -> Vec<Command> {
        let (Some(location), Some(profile)) =
            (self.explorer.location().cloned(), self.profile().cloned())
        else {
            return Vec::new();
        };
        let (keys, prefixes) = self.selected_keys_and_folders();
        if keys.is_empty() && prefixes.is_empty() {
            return Vec::new();
        }
        let id = self.next_id();
        vec![Command::Download(DownloadRequest {
            id,
            profile,
            bucket: location.bucket,
            base: location.prefix,
            keys,
            prefixes,
            target,
            partials: self.partials_path(),
            remove_source,
        })]
    }

    /// Files and folders dropped on the window (or picked): uploaded into the current folder.
    pub fn upload_paths(&mut self, paths: Vec<PathBuf>) -> Vec<Command> {
        self.upload_into(paths, false)
    }

    /// [`Self::upload_paths`]; with `remove_source`, a move: each file is removed once its
    /// object is complete.
    pub(crate) fn upload_into(&mut self, paths: Vec<PathBuf>, remove_source: bool) -> Vec<Command> {
        let (Some(location), Some(profile)) =
            (self.explorer.location().cloned(), self.profile().cloned())
        else {
            self.status
                .set_notice("Open a bucket or folder to upload into.");
            return Vec::new();
        };
        if paths.is_empty() {
            return Vec::new();
        }
        let id = self.next_id();
        vec![Command::Upload(UploadRequest {
            id,
            profile,
            bucket: location.bucket,
            prefix: location.prefix,
            paths,
            journal: self.journal_path(),
            remove_source,
            upload_headers: self.profiles.config_dir().cloned(),
        })]
    }

    pub fn cancel_transfer(&mut self, id: TransferId) {
        self.transfers.cancel(id);
    }

    /// Retry a failed or cancelled transfer: the same file, the same key (a move stays a move).
    pub fn retry_transfer(&mut self, id: TransferId) -> Vec<Command> {
        let Some(transfer) = self.transfers.remove(id) else {
            return Vec::new();
        };
        let folder = |key: &str| match key.rfind('/') {
            Some(i) => key[..=i].to_owned(),
            None => String::new(),
        };
        let id = self.next_id();
        let remove_source = transfer.moves;
        match transfer.direction {
            Direction::Upload => vec![Command::Upload(UploadRequest {
                id,
                profile: transfer.profile,
                bucket: transfer.bucket,
                prefix: folder(&transfer.key),
                paths: vec![transfer.local_path],
                journal: self.journal_path(),
                remove_source,
                upload_headers: self.profiles.config_dir().cloned(),
            })],
            Direction::Download => {
                let Some(target) = transfer.local_path.parent() else {
                    return Vec::new();
                };
                // A version's download goes again as that version, never as the latest.
                if let Some(request) = crate::app::versions::actions::retry_version(&transfer, id) {
                    return vec![request];
                }
                vec![Command::Download(DownloadRequest {
                    id,
                    profile: transfer.profile,
                    bucket: transfer.bucket,
                    base: folder(&transfer.key),
                    keys: vec![(transfer.key, transfer.size)],
                    prefixes: Vec::new(),
                    target: target.to_owned(),
                    partials: self.partials_path(),
                    remove_source,
                })]
            }
            Direction::Copy => {
                let Some(source) = transfer.copy_from else {
                    return Vec::new();
                };
                vec![Command::Copy(Box::new(CopyRequest {
                    id,
                    from: BucketFolder {
                        profile: source.profile,
                        bucket: source.bucket,
                        prefix: folder(&source.key),
                    },
                    keys: vec![(source.key, transfer.size)],
                    prefixes: Vec::new(),
                    to: BucketFolder {
                        profile: transfer.profile,
                        bucket: transfer.bucket,
                        prefix: folder(&transfer.key),
                    },
                    remove_source,
                    journal: self.journal_path(),
                }))]
            }
        }
    }

    pub fn active_transfers(&self) -> usize {
        self.transfers.active()
    }

    /// A transfer ended (`finished`: its row as it is now); once the batch touching a folder
    /// shown is over, that folder is listed again (once, not once per file).
    pub(crate) fn transfer_finished(&mut self, finished: Transfer) -> Vec<Command> {
        if let TransferState::Failed(e) = &finished.state {
            self.status.set_error(format!("{}: {e}", finished.name));
        }
        // Each folder shown lists again once the transfers touching it are over (once, not
        // once per file): where files arrived, and where a move took them from.
        if self.transfers.active() > 0 {
            return Vec::new();
        }
        let mut commands = Vec::new();
        match finished.direction {
            Direction::Download => {
                commands.extend(self.refresh_local_if_shown(&finished.local_path));
                if finished.moves {
                    commands.extend(self.refresh_if_shown(&finished.bucket, &finished.key));
                    commands.extend(self.refresh_second_if_shown(&finished.bucket, &finished.key));
                }
            }
            Direction::Upload | Direction::Copy => {
                commands.extend(self.refresh_if_shown(&finished.bucket, &finished.key));
                commands.extend(self.refresh_second_if_shown(&finished.bucket, &finished.key));
                if finished.moves && finished.direction == Direction::Upload {
                    commands.extend(self.refresh_local_if_shown(&finished.local_path));
                }
                if let Some(source) = finished.copy_from.filter(|_| finished.moves) {
                    commands.extend(self.refresh_if_shown(&source.bucket, &source.key));
                    commands.extend(self.refresh_second_if_shown(&source.bucket, &source.key));
                }
            }
        }
        commands
    }
}
