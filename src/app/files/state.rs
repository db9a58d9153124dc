//! File operations in the window's state: uploads and downloads (the Transfers panel),
//! Delete, New folder, Rename and Properties.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::app::state::{AppState, Loadable};
use crate::model::{BucketName, ObjectKey};
use crate::profiles::Profile;
use crate::s3::transfer::TransferControl;
use crate::worker::{Command, Direction, TransferId};

/// How long quitting waits for cancelled transfers to abort their uploads and remove their
/// partial files.
pub const QUIT_CLEANUP_WAIT: Duration = Duration::from_secs(10);

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

/// What Delete will remove, shown for confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingDelete {
    pub bucket: BucketName,
    pub keys: Vec<String>,
    /// Folders: everything under each goes.
    pub prefixes: Vec<String>,
}

impl AppState {
    /// The selection as full keys: objects with their sizes, and folder prefixes.
    fn selected_keys_and_folders(&self) -> (Vec<(String, u64)>, Vec<String>) {
        let mut keys = Vec::new();
        let mut prefixes = Vec::new();
        let Some(location) = &self.location else {
            return (keys, prefixes);
        };
        for row in self.listing.selected_rows() {
            let full = format!("{}{}", location.prefix, row.name);
            if row.is_folder {
                prefixes.push(full);
            } else {
                keys.push((full, row.size));
            }
        }
        (keys, prefixes)
    }

    /// The single selected object, if exactly one object is selected.
    fn single_selected_key(&self) -> Option<String> {
        let location = self.location.as_ref()?;
        match self.listing.selected_rows()[..] {
            [row] if !row.is_folder => Some(format!("{}{}", location.prefix, row.name)),
            _ => None,
        }
    }

    /// Rename… (context menu): opens the dialog with the current key.
    pub fn request_rename(&mut self) {
        if let Some(key) = self.single_selected_key() {
            self.rename = Some((key.clone(), key));
        }
    }

    /// Rename in the dialog: copy to the new key, then delete the old one.
    pub fn confirm_rename(&mut self) -> Vec<Command> {
        let Some((from, to)) = self.rename.take() else {
            return Vec::new();
        };
        let to = to.trim().to_owned();
        if to == from {
            return Vec::new();
        }
        if to.ends_with('/') {
            self.last_error = Some(
                "Rename: a key ending in / names a folder; the object would disappear from view"
                    .into(),
            );
            return Vec::new();
        }
        let (Ok(from), Ok(to)) = (ObjectKey::new(from), ObjectKey::new(to)) else {
            self.last_error = Some("Rename: the new name is not a valid key".into());
            return Vec::new();
        };
        self.rename_command(from, to, false)
    }

    /// "Replace" after a rename found an object at the new key.
    pub fn confirm_rename_overwrite(&mut self) -> Vec<Command> {
        match self.rename_conflict.take() {
            Some((from, to)) => self.rename_command(from, to, true),
            None => Vec::new(),
        }
    }

    /// Renames `from` to `to` in the current bucket.
    fn rename_command(&mut self, from: ObjectKey, to: ObjectKey, overwrite: bool) -> Vec<Command> {
        let (Some(location), Some(profile)) = (self.location.clone(), self.profile().cloned())
        else {
            return Vec::new();
        };
        let id = self.next_id();
        vec![Command::Rename {
            id,
            profile,
            bucket: location.bucket,
            from,
            to,
            overwrite,
        }]
    }

    /// Properties (context menu, toolbar): HeadObject of the selected object.
    pub fn request_properties(&mut self) -> Vec<Command> {
        let (Some(key), Some(location), Some(profile)) = (
            self.single_selected_key(),
            self.location.clone(),
            self.profile().cloned(),
        ) else {
            return Vec::new();
        };
        let Ok(key) = ObjectKey::new(key) else {
            return Vec::new();
        };
        let id = self.next_id();
        self.properties = Some(Loadable::Loading(id));
        vec![Command::Properties {
            id,
            profile,
            bucket: location.bucket,
            key,
        }]
    }

    /// "Quit anyway": cancels every transfer.
    pub fn cancel_all_transfers(&mut self) {
        for transfer in &self.transfers {
            transfer.control.cancel();
        }
    }

    /// "Quit anyway": cancels every transfer and starts waiting for them to clean up (abort
    /// their uploads, remove their partial files) before the window closes.
    pub fn begin_quit(&mut self, now: Instant) {
        self.cancel_all_transfers();
        self.quitting_since = Some(now);
    }

    /// The window may close: every cancelled transfer has cleaned up, or the wait is over
    /// (what is left then is swept at the next start).
    pub fn may_close(&self, now: Instant) -> bool {
        self.quitting_since.is_some_and(|since| {
            self.active_transfers() == 0 || now.duration_since(since) >= QUIT_CLEANUP_WAIT
        })
    }

    /// Download (toolbar): the selected objects, and folders recursively, into `target`.
    pub fn download_to(&mut self, target: PathBuf) -> Vec<Command> {
        let (Some(location), Some(profile)) = (self.location.clone(), self.profile().cloned())
        else {
            return Vec::new();
        };
        let (keys, prefixes) = self.selected_keys_and_folders();
        if keys.is_empty() && prefixes.is_empty() {
            return Vec::new();
        }
        let id = self.next_id();
        vec![Command::Download {
            id,
            profile,
            bucket: location.bucket,
            base: location.prefix,
            keys,
            prefixes,
            target,
            partials: self.partials_path(),
        }]
    }

    /// The answer to "N files exist already" (for the whole batch).
    pub fn resolve_download(&mut self, conflict: crate::s3::download::Conflict) -> Vec<Command> {
        match self.download_conflict.take() {
            Some((id, _, _)) => vec![Command::ResolveDownload { id, conflict }],
            None => Vec::new(),
        }
    }

    /// Files and folders dropped on the window (or picked): uploaded into the current folder.
    pub fn upload_paths(&mut self, paths: Vec<PathBuf>) -> Vec<Command> {
        let (Some(location), Some(profile)) = (self.location.clone(), self.profile().cloned())
        else {
            self.notice = Some("Open a bucket or folder to upload into.".into());
            return Vec::new();
        };
        if paths.is_empty() {
            return Vec::new();
        }
        vec![Command::Upload {
            profile,
            bucket: location.bucket,
            prefix: location.prefix,
            paths,
            journal: self.journal_path(),
        }]
    }

    pub fn cancel_transfer(&mut self, id: TransferId) {
        if let Some(transfer) = self.transfers.iter().find(|t| t.id == id) {
            transfer.control.cancel();
        }
    }

    /// Retry a failed or cancelled transfer: the same file, the same key.
    pub fn retry_transfer(&mut self, id: TransferId) -> Vec<Command> {
        let Some(index) = self.transfers.iter().position(|t| t.id == id) else {
            return Vec::new();
        };
        let transfer = self.transfers.remove(index);
        let folder = |key: &str| match key.rfind('/') {
            Some(i) => key[..=i].to_owned(),
            None => String::new(),
        };
        match transfer.direction {
            Direction::Upload => vec![Command::Upload {
                profile: transfer.profile,
                bucket: transfer.bucket,
                prefix: folder(&transfer.key),
                paths: vec![transfer.local_path],
                journal: self.journal_path(),
            }],
            Direction::Download => {
                let Some(target) = transfer.local_path.parent() else {
                    return Vec::new();
                };
                let id = self.next_id();
                vec![Command::Download {
                    id,
                    profile: transfer.profile,
                    bucket: transfer.bucket,
                    base: folder(&transfer.key),
                    keys: vec![(transfer.key, transfer.size)],
                    prefixes: Vec::new(),
                    target: target.to_owned(),
                    partials: self.partials_path(),
                }]
            }
        }
    }

    pub fn active_transfers(&self) -> usize {
        self.transfers.iter().filter(|t| t.is_active()).count()
    }

    /// Delete (toolbar, Delete key): asks first, listing what goes.
    pub fn request_delete(&mut self) {
        let Some(location) = &self.location else {
            return;
        };
        let (keys, prefixes) = self.selected_keys_and_folders();
        if keys.is_empty() && prefixes.is_empty() {
            return;
        }
        self.pending_delete = Some(PendingDelete {
            bucket: location.bucket.clone(),
            keys: keys.into_iter().map(|(key, _)| key).collect(),
            prefixes,
        });
    }

    pub fn confirm_delete(&mut self) -> Vec<Command> {
        let (Some(pending), Some(profile)) = (self.pending_delete.take(), self.profile().cloned())
        else {
            return Vec::new();
        };
        let id = self.next_id();
        self.notice = Some("Deleting…".into());
        vec![Command::Delete {
            id,
            profile,
            bucket: pending.bucket,
            keys: pending.keys,
            prefixes: pending.prefixes,
        }]
    }

    /// Create in the New folder dialog.
    pub fn create_folder(&mut self) -> Vec<Command> {
        let (Some(name), Some(location), Some(profile)) = (
            self.new_folder.take(),
            self.location.clone(),
            self.profile().cloned(),
        ) else {
            return Vec::new();
        };
        let id = self.next_id();
        vec![Command::CreateFolder {
            id,
            profile,
            bucket: location.bucket,
            prefix: location.prefix,
            name,
        }]
    }

    /// Lists the current folder again if `bucket`/`key` is inside it.
    pub(crate) fn refresh_if_shown(&mut self, bucket: &BucketName, key: &str) -> Vec<Command> {
        match &self.location {
            Some(location) if &location.bucket == bucket && key.starts_with(&location.prefix) => {
                self.refresh()
            }
            _ => Vec::new(),
        }
    }
}
