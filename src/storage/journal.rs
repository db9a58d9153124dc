//! The upload journal: multipart uploads that were started and not yet completed or aborted,
//! kept in a file so that one whose abort failed (the server went away, the process was
//! killed) is aborted later: parts left behind are billed.
//!
//! Several Pail processes may share the file (the window and `pail cp`), so every change is a
//! read-modify-write under an exclusive file lock, and every entry names its owner process.
//! An entry is a *leftover* — to be aborted — only when its owner has exited or its own abort
//! failed; an upload that is running right now, in this process or another, is never touched.
//! Whether an owner still runs is asked of the operating system through a lock file the owner
//! holds for its whole life (`owners/PID-START.lock` beside the journal), which also works where
//! process ids are reused; the lock files of exited processes are removed.

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use serde::{Deserialize, Serialize};

use crate::model::Endpoint;

/// The process that started an upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Owner {
    pub pid: u32,
    /// When the process started, in milliseconds since the Unix epoch.
    pub started_ms: u64,
}

impl Owner {
    /// This process.
    pub fn this_process() -> Owner {
        static THIS: OnceLock<Owner> = OnceLock::new();
        *THIS.get_or_init(|| Owner {
            pid: std::process::id(),
            started_ms: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis() as u64)
                .unwrap_or(0),
        })
    }

    fn lock_file_name(&self) -> String {
        format!("{}-{}.lock", self.pid, self.started_ms)
    }
}

/// A multipart upload that was started and not yet completed or aborted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingUpload {
    pub bucket: String,
    pub key: String,
    pub upload_id: String,
    /// Which profile started it (its connection's identity); empty in journals of older Pails.
    #[serde(default)]
    pub profile: String,
    /// The server it was started on: `aws` or the endpoint URL.
    #[serde(default)]
    pub endpoint: String,
    #[serde(default)]
    pub owner: Owner,
    /// Its abort failed: a leftover even while its owner runs.
    #[serde(default)]
    pub abandoned: bool,
}

/// The journal beside the shared-links history, where the window and the CLI both keep it.
pub fn default_path() -> Option<PathBuf> {
    crate::storage::history::default_path().map(|p| p.with_file_name("pending-uploads.json"))
}

/// How a server is named in the journal.
pub fn endpoint_name(endpoint: &Endpoint) -> String {
    endpoint.name().unwrap_or_else(|| "aws".to_owned())
}

/// Who starts an upload, and so who may abort it later: a profile on a server, as plain
/// strings (the journal only files them; talking to the server is `s3/`'s part).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uploader {
    /// The profile's identity, as its connection gives it.
    pub profile: String,
    /// The server, named by [`endpoint_name`].
    pub endpoint: String,
}

impl Uploader {
    pub fn new(profile: &str, endpoint: &Endpoint) -> Self {
        Self {
            profile: profile.to_owned(),
            endpoint: endpoint_name(endpoint),
        }
    }
}

/// A journal file shared by the processes of one user: entries read and changed under a
/// file lock, and the owners' lock files beside it.
#[derive(Debug, Clone)]
struct SharedFile {
    path: PathBuf,
    /// Serialises this process's changes; the file lock serialises processes.
    lock: Arc<Mutex<()>>,
}

/// How long a reader waits for a change being written before it reads without the lock.
const READER_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// How often a waiting reader tries the lock again.
const LOCK_POLL: std::time::Duration = std::time::Duration::from_millis(10);

/// How often a process tries to take its lock file.
const CLAIM_ATTEMPTS: usize = 20;

/// Whether `name` is an owner's lock file: `PID-START.lock`.
fn is_owner_lock_name(name: &str) -> bool {
    name.strip_suffix(".lock")
        .and_then(|stem| stem.split_once('-'))
        .is_some_and(|(pid, started)| {
            !pid.is_empty()
                && !started.is_empty()
                && pid
                    .bytes()
                    .chain(started.bytes())
                    .all(|b| b.is_ascii_digit())
        })
}

/// Whether the file at `path` is locked by someone (this process included): a second handle
/// cannot take the lock then (file locks belong to the open file, not to the process).
fn holds_lock_at(path: &Path) -> bool {
    File::open(path)
        .is_ok_and(|other| matches!(other.try_lock(), Err(std::fs::TryLockError::WouldBlock)))
}

/// This process's lock files, held open (and locked) until it exits.
fn held_owner_locks() -> &'static Mutex<HashMap<PathBuf, File>> {
    static HELD: OnceLock<Mutex<HashMap<PathBuf, File>>> = OnceLock::new();
    HELD.get_or_init(Mutex::default)
}

impl SharedFile {
    /// The file at `path`, shared by everyone in this process who opens it.
    fn open(path: PathBuf) -> Self {
        static OPEN: OnceLock<Mutex<HashMap<PathBuf, SharedFile>>> = OnceLock::new();
        let mut open = match OPEN.get_or_init(Mutex::default).lock() {
            Ok(open) => open,
            Err(poisoned) => poisoned.into_inner(),
        };
        open.entry(path.clone())
            .or_insert_with(|| Self {
                path,
                lock: Arc::default(),
            })
            .clone()
    }

    fn owners_dir(&self) -> PathBuf {
        self.path.parent().unwrap_or(Path::new(".")).join("owners")
    }

    /// Takes this process's lock file, so other processes see it running, and removes the
    /// lock files of processes that have exited (else one is left per process, forever).
    fn claim_owner_lock(&self) {
        let dir = self.owners_dir();
        let mut held = match held_owner_locks().lock() {
            Ok(held) => held,
            Err(poisoned) => poisoned.into_inner(),
        };
        if held.contains_key(&dir) {
            return;
        }
        let path = dir.join(Owner::this_process().lock_file_name());
        if std::fs::create_dir_all(&dir).is_err() {
            return;
        }
        // Another process may remove the file between its creation and its lock (it then
        // looks like an exited owner's): the lock counts only once the name is seen to lead
        // to the locked file.
        for _ in 0..CLAIM_ATTEMPTS {
            if let Ok(file) = File::create(&path)
                && file.try_lock().is_ok()
                && holds_lock_at(&path)
            {
                held.insert(dir.clone(), file);
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        drop(held);
        self.remove_exited_owners_locks();
    }

    /// Removes the lock files nobody holds: their processes have exited. Each is removed
    /// while locked by this process, so its owner cannot take it in between.
    fn remove_exited_owners_locks(&self) {
        let Ok(entries) = std::fs::read_dir(self.owners_dir()) else {
            return;
        };
        let mine = Owner::this_process().lock_file_name();
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if name == mine || !is_owner_lock_name(name) {
                continue;
            }
            let path = entry.path();
            if let Ok(file) = File::open(&path)
                && file.try_lock().is_ok()
            {
                let _ = std::fs::remove_file(&path);
                let _ = file.unlock();
            }
        }
    }

    /// True while `owner` runs. This process always runs; a process without a lock file, or
    /// whose lock file nobody holds, has exited.
    fn owner_runs(&self, owner: &Owner) -> bool {
        if *owner == Owner::this_process() {
            return true;
        }
        let path = self.owners_dir().join(owner.lock_file_name());
        let Ok(file) = File::open(&path) else {
            return false;
        };
        match file.try_lock() {
            Ok(()) => {
                // Removed while locked, so no process takes it in between.
                let _ = std::fs::remove_file(&path);
                let _ = file.unlock();
                false
            }
            Err(std::fs::TryLockError::WouldBlock) => true,
            // Cannot tell: assume it runs, so its work is not undone under it.
            Err(std::fs::TryLockError::Error(_)) => true,
        }
    }

    /// The journal's file lock, taken shared (readers) or exclusive (a change); `None` when it
    /// cannot be had, and the journal is then used without it.
    fn file_lock(&self, exclusive: bool) -> Option<File> {
        let lock_path = self.path.with_extension("lock");
        if let Some(folder) = lock_path.parent() {
            let _ = std::fs::create_dir_all(folder);
        }
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .ok()?;
        if exclusive {
            return file.lock().is_ok().then_some(file);
        }
        // A reader waits for a change being written, but never for ever: a process that holds
        // the lock and hangs must not hang every reader (the window's among them).
        let deadline = std::time::Instant::now() + READER_WAIT;
        loop {
            match file.try_lock_shared() {
                Ok(()) => return Some(file),
                Err(std::fs::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(LOCK_POLL);
                }
                Err(_) => return None,
            }
        }
    }

    /// The entries, read under the shared file lock: on Windows a change cannot replace the
    /// file while anyone has it open, so nobody may read it while a change is written.
    fn entries<T: serde::de::DeserializeOwned>(&self) -> Vec<T> {
        let file_lock = self.file_lock(false);
        let entries = self.entries_unlocked();
        if let Some(file) = file_lock {
            let _ = file.unlock();
        }
        entries
    }

    /// The entries. A journal that cannot be read is set aside — kept for a person to look at,
    /// never overwritten by the next change — and read as empty.
    fn entries_unlocked<T: serde::de::DeserializeOwned>(&self) -> Vec<T> {
        let Ok(Some(text)) = super::unreadable::read_text(&self.path) else {
            return Vec::new();
        };
        match serde_json::from_str(&text) {
            Ok(entries) => entries,
            Err(e) => {
                super::unreadable::set_aside(&self.path, Some(e.line()), e.to_string());
                Vec::new()
            }
        }
    }

    /// Changes the entries under both locks. Losing the journal only loses the cleanup; the
    /// transfer itself goes on, so failures here are not reported.
    fn update_now<T: Serialize + serde::de::DeserializeOwned>(
        &self,
        change: impl FnOnce(&mut Vec<T>),
    ) {
        let _guard = match self.lock.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        let file_lock = self.file_lock(true);
        let mut entries = self.entries_unlocked();
        change(&mut entries);
        if let Ok(json) = serde_json::to_vec_pretty(&entries) {
            let _ = crate::storage::private_file::write_private(&self.path, &json);
        }
        if let Some(file) = file_lock {
            let _ = file.unlock();
        }
    }

    async fn update<T: Serialize + serde::de::DeserializeOwned + Send + 'static>(
        &self,
        change: impl FnOnce(&mut Vec<T>) + Send + 'static,
    ) {
        let file = self.clone();
        let _ = tokio::task::spawn_blocking(move || file.update_now(change)).await;
    }
}

/// The multipart uploads journal; [`UploadJournal::open`] hands every caller in a process the
/// same one.
#[derive(Debug, Clone)]
pub struct UploadJournal {
    file: SharedFile,
}

impl UploadJournal {
    /// The journal kept in `path`, shared by everyone in this process who opens it.
    pub fn open(path: PathBuf) -> Self {
        Self {
            file: SharedFile::open(path),
        }
    }

    /// Every upload in the journal.
    pub fn pending(&self) -> Vec<PendingUpload> {
        self.file.entries()
    }

    async fn update(&self, change: impl FnOnce(&mut Vec<PendingUpload>) + Send + 'static) {
        self.file.update(change).await;
    }

    /// Records an upload this process has just started.
    pub async fn add(&self, uploader: &Uploader, bucket: &str, key: &str, upload_id: &str) {
        self.file.claim_owner_lock();
        let upload = PendingUpload {
            bucket: bucket.to_owned(),
            key: key.to_owned(),
            upload_id: upload_id.to_owned(),
            profile: uploader.profile.clone(),
            endpoint: uploader.endpoint.clone(),
            owner: Owner::this_process(),
            abandoned: false,
        };
        self.update(move |p| p.push(upload)).await;
    }

    /// The upload ended (completed or aborted).
    pub async fn remove(&self, upload_id: &str) {
        let id = upload_id.to_owned();
        self.update(move |p| p.retain(|u| u.upload_id != id)).await;
    }

    /// Its abort failed: the next sweep takes it, even while this process runs.
    pub async fn mark_abandoned(&self, upload_id: &str) {
        let id = upload_id.to_owned();
        self.update(move |p| {
            for upload in p.iter_mut().filter(|u| u.upload_id == id) {
                upload.abandoned = true;
            }
        })
        .await;
    }

    /// The leftovers that `uploader` may abort: its own profile and server, whose owner has
    /// exited or whose abort failed. Entries of older journals (no profile recorded) are tried
    /// by every uploader.
    pub fn leftovers_for(&self, uploader: &Uploader) -> Vec<PendingUpload> {
        let (profile, endpoint) = (&uploader.profile, &uploader.endpoint);
        self.pending()
            .into_iter()
            .filter(|u| u.profile.is_empty() || (&u.profile == profile && &u.endpoint == endpoint))
            .filter(|u| u.abandoned || !self.file.owner_runs(&u.owner))
            .collect()
    }
}

/// A download's partial file, recorded while it is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartialDownload {
    pub path: PathBuf,
    pub owner: Owner,
}

/// The partial files of downloads in progress, so that the ones a killed or quit process left
/// behind are removed at the next start.
#[derive(Debug, Clone)]
pub struct PartialJournal {
    file: SharedFile,
    waiting: Arc<Mutex<Waiting>>,
}

/// Changes to the partials journal waiting for the write that takes them all: ten thousand
/// small downloads would otherwise write the journal twenty thousand times, one after another.
#[derive(Debug, Default)]
struct Waiting {
    changes: Vec<(PartialChange, tokio::sync::oneshot::Sender<()>)>,
    /// A writer takes what waits, writes it in one go and looks again.
    writing: bool,
}

#[derive(Debug)]
enum PartialChange {
    Add(PartialDownload),
    Remove(PathBuf),
}

/// The partial-downloads journal beside the upload journal.
pub fn default_partials_path() -> Option<PathBuf> {
    crate::storage::history::default_path().map(|p| p.with_file_name("partial-downloads.json"))
}

impl PartialJournal {
    pub fn open(path: PathBuf) -> Self {
        Self {
            file: SharedFile::open(path),
            waiting: Arc::default(),
        }
    }

    pub fn entries(&self) -> Vec<PartialDownload> {
        self.file.entries()
    }

    /// Records `path`; returns once it is written down.
    pub async fn add(&self, path: &Path) {
        self.file.claim_owner_lock();
        let entry = PartialDownload {
            path: path.to_owned(),
            owner: Owner::this_process(),
        };
        self.change(PartialChange::Add(entry)).await;
    }

    pub async fn remove(&self, path: &Path) {
        self.change(PartialChange::Remove(path.to_owned())).await;
    }

    /// Waits until a write of the journal holds `change`: the changes that arrive while one
    /// write runs all go in the next (a group commit), each still written before it returns.
    async fn change(&self, change: PartialChange) {
        let (written, wait) = tokio::sync::oneshot::channel();
        let start_writer = {
            let mut waiting = match self.waiting.lock() {
                Ok(guard) => guard,
                Err(poisoned) => poisoned.into_inner(),
            };
            waiting.changes.push((change, written));
            !std::mem::replace(&mut waiting.writing, true)
        };
        if start_writer {
            let (file, waiting) = (self.file.clone(), self.waiting.clone());
            tokio::task::spawn_blocking(move || write_waiting(&file, &waiting));
        }
        let _ = wait.await;
    }

    /// Removes the partial files whose process has exited; returns how many. Only a regular
    /// file with Pail's partial suffix is removed: never a link, never anything else.
    pub async fn sweep(&self) -> usize {
        let file = self.file.clone();
        tokio::task::spawn_blocking(move || {
            let mut removed = 0;
            file.update_now(|entries: &mut Vec<PartialDownload>| {
                entries.retain(|entry| {
                    if file.owner_runs(&entry.owner) {
                        return true;
                    }
                    let is_partial = entry
                        .path
                        .file_name()
                        .is_some_and(|n| n.to_string_lossy().ends_with(".pail-partial"));
                    let is_file = std::fs::symlink_metadata(&entry.path)
                        .is_ok_and(|m| m.file_type().is_file());
                    if is_partial && is_file && std::fs::remove_file(&entry.path).is_ok() {
                        removed += 1;
                    }
                    false
                });
            });
            removed
        })
        .await
        .unwrap_or(0)
    }
}

/// Writes what waits for the partials journal, in one go per round, until nothing waits.
fn write_waiting(file: &SharedFile, waiting: &Mutex<Waiting>) {
    loop {
        let changes = {
            let mut waiting = match waiting.lock() {
                Ok(guard) => guard,
                Err(poisoned) => poisoned.into_inner(),
            };
            if waiting.changes.is_empty() {
                waiting.writing = false;
                return;
            }
            std::mem::take(&mut waiting.changes)
        };
        file.update_now(|entries: &mut Vec<PartialDownload>| {
            for (change, _) in &changes {
                match change {
                    PartialChange::Add(entry) => entries.push(entry.clone()),
                    PartialChange::Remove(path) => entries.retain(|p| &p.path != path),
                }
            }
        });
        for (_, written) in changes {
            let _ = written.send(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_journal_per_path_in_a_process() {
        let dir = tempfile::tempdir().unwrap();
        let a = UploadJournal::open(dir.path().join("j.json"));
        let b = UploadJournal::open(dir.path().join("j.json"));
        assert!(Arc::ptr_eq(&a.file.lock, &b.file.lock));
    }

    #[test]
    fn an_owner_without_a_held_lock_has_exited() {
        let dir = tempfile::tempdir().unwrap();
        let journal = SharedFile::open(dir.path().join("j.json"));
        journal.claim_owner_lock();
        assert!(journal.owner_runs(&Owner::this_process()));
        let gone = Owner {
            pid: 1,
            started_ms: 5,
        };
        assert!(!journal.owner_runs(&gone));
        // A lock file left by a killed process: nobody holds it.
        std::fs::write(journal.owners_dir().join(gone.lock_file_name()), b"").unwrap();
        assert!(!journal.owner_runs(&gone));
        assert!(!journal.owners_dir().join(gone.lock_file_name()).exists());
    }

    #[test]
    fn lock_files_of_exited_owners_are_removed_running_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let journal = SharedFile::open(dir.path().join("j.json"));
        let owners = journal.owners_dir();
        std::fs::create_dir_all(&owners).unwrap();
        for gone in ["1-5.lock", "2-6.lock"] {
            std::fs::write(owners.join(gone), b"").unwrap();
        }
        std::fs::write(owners.join("notes.txt"), b"not Pail's").unwrap();
        // Another process's lock file, held: that process runs.
        let running = owners.join("3-7.lock");
        let held = File::create(&running).unwrap();
        held.try_lock().unwrap();
        journal.claim_owner_lock();
        let mut left: Vec<String> = std::fs::read_dir(&owners)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        let mut expected = vec![
            "3-7.lock".to_owned(),
            "notes.txt".to_owned(),
            Owner::this_process().lock_file_name(),
        ];
        expected.sort();
        assert_eq!(left, expected);
        assert!(journal.owner_runs(&Owner::this_process()));
        assert!(journal.owner_runs(&Owner {
            pid: 3,
            started_ms: 7
        }));
    }

    #[tokio::test]
    async fn partial_files_of_an_exited_process_are_swept() {
        let dir = tempfile::tempdir().unwrap();
        let journal = PartialJournal::open(dir.path().join("partials.json"));
        let left = dir.path().join(".movie.mkv.pail-partial");
        let mine = dir.path().join(".mine.pail-partial");
        let not_ours = dir.path().join("notes.txt");
        for path in [&left, &mine, &not_ours] {
            std::fs::write(path, b"x").unwrap();
        }
        let gone = Owner {
            pid: 1,
            started_ms: 7,
        };
        let entries = vec![
            PartialDownload {
                path: left.clone(),
                owner: gone,
            },
            PartialDownload {
                path: not_ours.clone(),
                owner: gone,
            },
        ];
        std::fs::write(
            dir.path().join("partials.json"),
            serde_json::to_vec(&entries).unwrap(),
        )
        .unwrap();
        journal.add(&mine).await;
        assert_eq!(journal.sweep().await, 1);
        assert!(!left.exists());
        assert!(mine.exists(), "this process's download goes on");
        assert!(not_ours.exists(), "only Pail's partial files are removed");
        assert_eq!(journal.entries().len(), 1);
    }

    #[tokio::test]
    async fn a_journal_pail_cannot_read_is_set_aside_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("broken-journal.json");
        std::fs::write(&path, b"[{\"bucket\": ").unwrap();
        let journal = PartialJournal::open(path.clone());
        journal.add(&dir.path().join(".x.pail-partial")).await;
        assert_eq!(journal.entries().len(), 1);
        let aside = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.to_string_lossy().contains(".broken-"))
            .expect("set aside");
        assert_eq!(std::fs::read(aside).unwrap(), b"[{\"bucket\": ");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn many_downloads_at_once_share_writes_and_each_is_written_when_add_returns() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("partials.json");
        let journal = PartialJournal::open(path.clone());
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..300 {
            let (journal, path) = (journal.clone(), path.clone());
            let partial = dir.path().join(format!(".f{i}.pail-partial"));
            tasks.spawn(async move {
                journal.add(&partial).await;
                // Written down by now: another reader of the file sees it.
                let on_disk = PartialJournal::open(path).entries();
                assert!(on_disk.iter().any(|e| e.path == partial), "{partial:?}");
                if i % 2 == 0 {
                    journal.remove(&partial).await;
                }
            });
        }
        while let Some(done) = tasks.join_next().await {
            done.unwrap();
        }
        let left = journal.entries();
        assert_eq!(left.len(), 150);
        assert!(left.iter().all(|e| {
            let name = e.path.file_name().unwrap().to_string_lossy().into_owned();
            let n: usize = name[2..name.len() - ".pail-partial".len()].parse().unwrap();
            n % 2 == 1
        }));
    }

    #[test]
    fn old_journal_entries_still_read() {
        let old = r#"[{"bucket":"b","key":"k","upload_id":"u"}]"#;
        let entries: Vec<PendingUpload> = serde_json::from_str(old).unwrap();
        assert_eq!(entries[0].owner, Owner::default());
        assert!(entries[0].profile.is_empty());
    }

    #[test]
    fn an_endpoint_under_a_path_is_one_server_however_it_was_typed() {
        let name = |typed: &str| endpoint_name(&Endpoint::custom(typed).unwrap());
        // As journals written before paths were supported name it: no trailing `/`.
        assert_eq!(name("http://127.0.0.1:9000"), "http://127.0.0.1:9000");
        assert_eq!(name("http://127.0.0.1:9000/"), "http://127.0.0.1:9000");
        assert_eq!(
            name("http://h.example/storage/s3"),
            "http://h.example/storage/s3"
        );
        assert_eq!(
            name("http://h.example/storage/s3/"),
            "http://h.example/storage/s3"
        );
        assert_ne!(
            name("http://h.example/storage/s3"),
            name("http://h.example/s3")
        );
        assert_eq!(endpoint_name(&Endpoint::Aws), "aws");
    }
}
