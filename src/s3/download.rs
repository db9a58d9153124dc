//! Downloads: into a hidden partial file beside the target (created new, never through a link
//! planted there), large objects as parallel ranges pinned to the first answer's ETag, each
//! chunk under a stall timeout (a range the server throttled goes again after a wait);
//! renamed into place only when complete and of the right size.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::connection::Connection;
use super::head::object_head;
use super::transfer::*;
use crate::fmt::error_text;
use crate::model::{BucketName, ObjectKey};
use crate::storage::journal::PartialJournal;

/// Kept here for the window, the CLI and the tests; it lives with the batch planner, which
/// decides by it (and which this module's landing folder uses).
pub use crate::plan::Conflict;

/// The name a download is written under while it is in progress: hidden, beside the target,
/// with a token of its own (`.report.pdf.1f2e3d4c.pail-partial`), created new — so it never
/// meets a file that is there, a key's own file, or another download's partial file. A name
/// too long for the additions is shortened (with a hash, so two long names stay apart).
fn partial_name(name: &str) -> String {
    use std::hash::{BuildHasher, Hash, Hasher};
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let mut token = std::collections::hash_map::RandomState::new().build_hasher();
    COUNTER
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        .hash(&mut token);
    std::process::id().hash(&mut token);
    let token = token.finish() as u32;
    let suffix = crate::plan::PARTIAL_SUFFIX;
    format!(".{}.{token:08x}{suffix}", super::kept_download::stem(name))
}

/// [`partial_name`], for the kept copy's tests.
#[cfg(test)]
pub(super) fn partial_name_for_tests(name: &str) -> String {
    partial_name(name)
}

/// Targets this process is downloading to now: a second download to the same file waits for
/// nobody and overwrites nobody — it is refused.
fn active_targets() -> &'static std::sync::Mutex<std::collections::HashSet<PathBuf>> {
    static ACTIVE: std::sync::OnceLock<std::sync::Mutex<std::collections::HashSet<PathBuf>>> =
        std::sync::OnceLock::new();
    ACTIVE.get_or_init(Default::default)
}

/// This process's claim on a target, given up on drop.
struct TargetClaim(PathBuf);

impl TargetClaim {
    fn take(target: &Path) -> Result<Self, TransferError> {
        let mut active = match active_targets().lock() {
            Ok(active) => active,
            Err(poisoned) => poisoned.into_inner(),
        };
        if !active.insert(target.to_owned()) {
            return Err(local(target, "this file is being downloaded already"));
        }
        Ok(Self(target.to_owned()))
    }
}

impl Drop for TargetClaim {
    fn drop(&mut self) {
        if let Ok(mut active) = active_targets().lock() {
            active.remove(&self.0);
        }
    }
}

/// Downloads `key` to `target`. Nothing appears at `target` unless the whole object arrived.
pub async fn download_object(
    connection: &Connection,
    bucket: &BucketName,
    key: &ObjectKey,
    target: &Path,
    control: &TransferControl,
) -> Result<u64, TransferError> {
    download_object_with_journal(connection, bucket, key, target, control, None).await
}

/// [`download_object`], recording the partial file in `journal` while it exists, so that a
/// process that is killed or quits mid-way leaves it to be removed at the next start.
pub async fn download_object_with_journal(
    connection: &Connection,
    bucket: &BucketName,
    key: &ObjectKey,
    target: &Path,
    control: &TransferControl,
    journal: Option<&PartialJournal>,
) -> Result<u64, TransferError> {
    let (Some(folder), Some(name)) = (target.parent(), target.file_name()) else {
        return Err(local(target, "not a file name"));
    };
    let name = name.to_string_lossy().into_owned();
    let landing = Landing {
        root: folder,
        relative: &name,
        replace: true,
        listed_size: None,
        head: None,
    };
    download_object_below(connection, bucket, key, landing, control, journal).await
}

/// Where a download lands: `relative` (`/`-separated, each part a safe file name) below the
/// folder the person chose. Nothing below `root` is reached through a link.
#[derive(Debug, Clone, Copy)]
pub struct Landing<'a> {
    pub root: &'a Path,
    pub relative: &'a str,
    /// The person agreed to replace a file there. Otherwise a file that appeared since the
    /// batch was planned stays, and the download fails saying so.
    pub replace: bool,
    /// The object's size as its listing gave it: a small one is then fetched in one request.
    pub listed_size: Option<u64>,
    /// What a HEAD of the object said just before, with `listed_size`: a large object is then
    /// fetched without asking again (a round trip saved on a far server).
    pub head: Option<&'a HeadSaid>,
}

/// The object's ETag as a HEAD gave it, and how long that HEAD took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadSaid {
    pub etag: String,
    pub round_trip: std::time::Duration,
}

/// Downloads `key` to `landing`: into a partial file of its own in the target's folder
/// (opened without following links), renamed into place only when whole.
pub async fn download_object_below(
    connection: &Connection,
    bucket: &BucketName,
    key: &ObjectKey,
    landing: Landing<'_>,
    control: &TransferControl,
    journal: Option<&PartialJournal>,
) -> Result<u64, TransferError> {
    download_below(connection, (bucket, key, None), landing, control, journal).await
}

/// [`download_object_below`] of one version of `key` (its id as the server gave it): every
/// request names it, so a newer version written meanwhile changes nothing.
pub async fn download_version_below(
    connection: &Connection,
    (bucket, key, version): (&BucketName, &ObjectKey, &str),
    landing: Landing<'_>,
    control: &TransferControl,
    journal: Option<&PartialJournal>,
) -> Result<u64, TransferError> {
    download_below(
        connection,
        (bucket, key, Some(version)),
        landing,
        control,
        journal,
    )
    .await
}

async fn download_below(
    connection: &Connection,
    (bucket, key, version): (&BucketName, &ObjectKey, Option<&str>),
    landing: Landing<'_>,
    control: &TransferControl,
    journal: Option<&PartialJournal>,
) -> Result<u64, TransferError> {
    control.check()?;
    let parts: Vec<&str> = landing
        .relative
        .split('/')
        .filter(|p| !p.is_empty())
        .collect();
    let Some((name, folders)) = parts.split_last() else {
        return Err(local(landing.root, "not a file name"));
    };
    let mut target = landing.root.to_owned();
    target.extend(&parts);
    let _claim = TargetClaim::take(&target)?;
    let dir =
        crate::local_dir::LandingDir::open(landing.root, folders).map_err(|e| local(&target, e))?;
    let (partial, file) = create_partial(&dir, name, journal).await?;
    let partial_path = dir.path().join(&partial);
    let asked = (control, landing.listed_size, landing.head);
    let object = (bucket, key, version);
    let result = download_into(connection, object, file, &partial_path, asked).await;
    let mut kept = false;
    let result = match result {
        Ok(size) => {
            let placed = place(&dir, &partial, name, landing.replace).await;
            if placed.is_ok() {
                super::kept_download::drop_kept(&dir, name);
            }
            placed.map(|()| size).map_err(|e| {
                if crate::local_dir::held_open(&e) {
                    // The bytes arrived whole: they stay, for the person to use or to place.
                    kept = true;
                    let kept_as = dir
                        .path()
                        .join(super::kept_download::keep(&dir, &partial, name));
                    local(
                        &target,
                        format!(
                            "it is open in another program, so it was not replaced ({e}); the \
                             download is kept whole as {kept}: close the file and download \
                             again (the kept copy is then removed), or rename {kept} to \
                             {name} yourself",
                            kept = kept_as.display()
                        ),
                    )
                } else if e.kind() == std::io::ErrorKind::AlreadyExists {
                    local(
                        &target,
                        "a file of that name appeared while it was downloading; it was left as it is",
                    )
                } else {
                    local(&target, e)
                }
            })
        }
        Err(e) => Err(e),
    };
    if result.is_err() && !kept {
        let _ = dir.remove(&partial);
    }
    if let Some(journal) = journal {
        journal.remove(&partial_path).await;
    }
    result
}

/// How long a download waits for a program that has its target open to let go (a virus
/// scanner or an indexer holds a file for a moment) before it says so.
const HELD_OPEN_WAITS: [u64; 3] = [100, 300, 600];

/// Renames the whole `partial` into place as `name` (replacing a file there if `replace`),
/// waiting a moment for a program that has that file open.
async fn place(
    dir: &crate::local_dir::LandingDir,
    partial: &str,
    name: &str,
    replace: bool,
) -> std::io::Result<()> {
    let mut waits = HELD_OPEN_WAITS.iter();
    loop {
        let placed = if replace {
            dir.rename(partial, name)
        } else {
            dir.rename_new(partial, name)
        };
        match (placed, waits.next()) {
            (Err(e), Some(ms)) if crate::local_dir::held_open(&e) => {
                tokio::time::sleep(std::time::Duration::from_millis(*ms)).await;
            }
            (placed, _) => return placed,
        }
    }
}

/// Creates a partial file of this download's own beside `name`: new, under a fresh token if
/// one is taken. Nothing that is there is removed or written through. The journal names it
/// before it exists: a process killed between the two leaves no file the next start cannot
/// find (the group commit makes that wait a write or two long).
async fn create_partial(
    dir: &crate::local_dir::LandingDir,
    name: &str,
    journal: Option<&PartialJournal>,
) -> Result<(String, std::fs::File), TransferError> {
    let mut last = None;
    for _ in 0..8 {
        let partial = partial_name(name);
        let path = dir.path().join(&partial);
        if let Some(journal) = journal {
            journal.add(&path).await;
        }
        let created = dir.create_new(&partial);
        if created.is_err()
            && let Some(journal) = journal
        {
            journal.remove(&path).await;
        }
        match created {
            Ok(file) => return Ok((partial, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(local(&path, e)),
        }
    }
    let e = last.unwrap_or_else(|| std::io::Error::other("no free name"));
    Err(local(&dir.path().join(name), e))
}

/// Writes the `chunks` one after another from `offset` of `file`, on a blocking thread. They
/// are the body's own buffers, written as they came: gathering them into one first cost a copy
/// of every byte and a fresh megabyte (page faults) per write, a fifth of a download's CPU.
async fn write_at(
    file: &Arc<std::fs::File>,
    chunks: Vec<bytes::Bytes>,
    offset: u64,
    partial: &Path,
) -> Result<(), TransferError> {
    let file = file.clone();
    let written = tokio::task::spawn_blocking(move || {
        let mut at = offset;
        for data in &chunks {
            #[cfg(unix)]
            std::os::unix::fs::FileExt::write_all_at(file.as_ref(), data, at)?;
            #[cfg(windows)]
            {
                let mut done = 0;
                while done < data.len() {
                    let n = std::os::windows::fs::FileExt::seek_write(
                        file.as_ref(),
                        &data[done..],
                        at + done as u64,
                    )?;
                    if n == 0 {
                        return Err(std::io::Error::from(std::io::ErrorKind::WriteZero));
                    }
                    done += n;
                }
            }
            at += data.len() as u64;
        }
        // The range goes to the disk now, while the rest of the object is still on its way:
        // else every byte waits in memory for the final fsync, which then writes the whole
        // object at once (a hint only: its failure changes nothing, the fsync still decides).
        #[cfg(target_os = "linux")]
        {
            use std::os::fd::AsRawFd as _;
            let (start, length) = (offset as libc::off64_t, (at - offset) as libc::off64_t);
            // SAFETY: the descriptor is the open file `file` holds for this call's length.
            unsafe {
                libc::sync_file_range(file.as_raw_fd(), start, length, libc::SYNC_FILE_RANGE_WRITE)
            };
        }
        Ok::<(), std::io::Error>(())
    })
    .await
    .map_err(|e| local(partial, e))?;
    written.map_err(|e| local(partial, e))
}

async fn download_into(
    connection: &Connection,
    (bucket, key, version): (&BucketName, &ObjectKey, Option<&str>),
    file: std::fs::File,
    partial: &Path,
    (control, listed_size, head): (&TransferControl, Option<u64>, Option<&HeadSaid>),
) -> Result<u64, TransferError> {
    // A small object its listing sized comes in one GET, without asking its size first: one
    // round trip instead of two, which is the whole cost of a small file on a far server. The
    // answer's length is checked as it arrives, and one answer cannot mix two versions.
    let unasked = listed_size.is_some_and(|s| s <= MULTIPART_THRESHOLD);
    let asked = std::time::Instant::now();
    let (size, etag, round_trip) = match (listed_size, head) {
        _ if unasked => (None, None, asked.elapsed()),
        // A size no object can have is asked again: that HEAD's own check refuses it.
        (Some(size), Some(head)) if size <= MAX_OBJECT_SIZE => {
            (Some(size), Some(head.etag.clone()), head.round_trip)
        }
        _ => {
            let (size, etag) = object_head(connection, bucket, key, version).await?;
            (Some(size), etag, asked.elapsed())
        }
    };
    // The first request's round trip: the farther the server, the more ranges go at once.
    let parallel = crate::s3::flight::parts_in_flight(
        round_trip,
        PARALLEL_RANGES,
        std::time::Duration::from_micros(2500),
    );
    let file = Arc::new(file);
    // Large objects come as ranges fetched in parallel, each written at its offset. The
    // ranges are worked out as they are needed: a size claimed by a broken server costs no
    // memory up front.
    let whole = size.is_none_or(|size| size <= MULTIPART_THRESHOLD);
    let size_claimed = size;
    let size = size.unwrap_or(0);
    let plan = crate::s3::flight::RangePlan::new(size, PART_SIZE, parallel);
    let range_count = if whole { 1 } else { plan.count() };
    let range = |i: u64| if whole { (0, size) } else { plan.range(i) };
    let mut tasks = tokio::task::JoinSet::new();
    let mut next = 0;
    let mut got = 0u64;
    // A range the server throttled goes again after a wait, with fewer ranges at once
    // (`s3::throttle`): (which range, attempts made, the wait).
    let mut parallel = parallel;
    let mut again: Vec<(u64, u32, std::time::Duration)> = Vec::new();
    loop {
        while tasks.len() < parallel && (next < range_count || !again.is_empty()) {
            let (index, attempts, delay) = again.pop().unwrap_or_else(|| {
                next += 1;
                (next - 1, 0, std::time::Duration::ZERO)
            });
            let (start, end) = range(index);
            let fetch = RangeFetch {
                connection: connection.clone(),
                bucket: bucket.clone(),
                key: key.clone(),
                version: version.map(str::to_owned),
                range: (!whole).then_some((start, end)),
                etag: etag.clone(),
                file: file.clone(),
                partial: partial.to_owned(),
                control: control.clone(),
            };
            tasks.spawn(async move {
                let tried = (index, attempts + 1);
                // A file in one request gives up its place in the batch while it waits.
                let waited = match (range_count, attempts) {
                    (1, 1..) => crate::s3::throttle::wait_aside(delay, &fetch.control).await,
                    _ => crate::s3::throttle::wait(delay, &fetch.control).await,
                };
                waited.map_err(|e| (e, tried))?;
                let got = fetch.run(start).await.map_err(|e| (e, tried))?;
                if !whole && got != end - start {
                    let expected = end - start;
                    return Err((TransferError::Incomplete { got, expected }, tried));
                }
                Ok(got)
            });
        }
        match tasks.join_next().await {
            Some(Ok(Ok(bytes))) => got = got.saturating_add(bytes),
            Some(Ok(Err((e, (index, attempts))))) => {
                // Only a throttle goes again: it came before any byte of the range was counted.
                let throttled = matches!(e, TransferError::Throttled { .. });
                match throttled.then(|| crate::s3::throttle::retry_after(&e, attempts)) {
                    Some(Some(delay)) => {
                        parallel = (parallel / 2).max(1);
                        again.push((index, attempts, delay));
                    }
                    _ => {
                        stop_writes(&mut tasks, &file).await;
                        return Err(e);
                    }
                }
            }
            Some(Err(e)) => {
                stop_writes(&mut tasks, &file).await;
                return Err(TransferError::Network(e.to_string()));
            }
            None => break,
        }
    }
    if let Some(expected) = size_claimed
        && got != expected
    {
        return Err(TransferError::Incomplete { got, expected });
    }
    let file = file.clone();
    tokio::task::spawn_blocking(move || file.sync_all())
        .await
        .map_err(|e| local(partial, e))?
        .map_err(|e| local(partial, e))?;
    Ok(got)
}

/// Ends the range fetches after a failure, and returns once no write holds the partial file
/// any more: a write already handed to a blocking thread runs to its end whatever its task, and
/// Windows keeps the name of a file removed while a handle to it is open until that handle
/// closes — a cancelled download left its partial file behind there.
async fn stop_writes<T: 'static>(tasks: &mut tokio::task::JoinSet<T>, file: &Arc<std::fs::File>) {
    tasks.abort_all();
    while tasks.join_next().await.is_some() {}
    // Each write is at most a few megabytes: a bound only against a disk that stopped.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while Arc::strong_count(file) > 1 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
}

/// One GET (of the whole object, or of the range `[start, end)`), written into the partial
/// file at its offset. It asks for the version the download started with (`If-Match`), and
/// checks the answer's ETag too, for servers that ignore the condition.
struct RangeFetch {
    connection: Connection,
    bucket: BucketName,
    key: ObjectKey,
    /// One version of the key, as its id; `None`: the latest.
    version: Option<String>,
    range: Option<(u64, u64)>,
    etag: Option<String>,
    file: Arc<std::fs::File>,
    partial: PathBuf,
    control: TransferControl,
}

/// Bytes gathered before each write to the partial file.
const WRITE_BUFFER: usize = 1024 * 1024;

impl RangeFetch {
    async fn run(self, start: u64) -> Result<u64, TransferError> {
        let output = self
            .connection
            .client()
            .get_object()
            .bucket(self.bucket.as_str())
            .key(self.key.as_str())
            .set_version_id(self.version.clone())
            .set_range(
                self.range
                    .map(|(start, end)| format!("bytes={start}-{}", end - 1)),
            )
            .set_if_match(self.etag.clone())
            .customize()
            .config_override(
                aws_sdk_s3::config::Builder::new()
                    .interceptor(crate::s3::throttle::ThrottleWatch(self.control.clone())),
            )
            .send()
            .await
            .map_err(|e| match &e {
                aws_sdk_s3::error::SdkError::ServiceError(s)
                    if s.raw().status().as_u16() == 412 =>
                {
                    TransferError::Changed
                }
                _ => remote(&e),
            })?;
        if self.etag.is_some() && output.e_tag() != self.etag.as_deref() {
            return Err(TransferError::Changed);
        }
        // Checked against what arrives, and never allocated from: a server may claim anything.
        let announced = output.content_length().and_then(|n| u64::try_from(n).ok());
        let mut body = output.body;
        let mut got = 0u64;
        let (mut gathered, mut gathered_len) = (Vec::new(), 0usize);
        let limit = self.connection.stall_timeout();
        loop {
            let next = tokio::time::timeout(limit, body.try_next())
                .await
                .map_err(|_| stalled(crate::s3::stall::Stalled(limit)))?;
            let Some(chunk) = next.map_err(|e| TransferError::Network(error_text(&e)))? else {
                break;
            };
            self.control.check()?;
            // Held back here, the connection's window fills and the server slows to the limit.
            take_from_limit(&self.control, chunk.len() as u64).await?;
            self.control.add(chunk.len() as u64);
            gathered_len += chunk.len();
            gathered.push(chunk);
            if gathered_len >= WRITE_BUFFER {
                let chunks = std::mem::take(&mut gathered);
                write_at(&self.file, chunks, start + got, &self.partial).await?;
                got += std::mem::take(&mut gathered_len) as u64;
            }
        }
        if !gathered.is_empty() {
            write_at(&self.file, gathered, start + got, &self.partial).await?;
            got += gathered_len as u64;
        }
        if let Some(expected) = announced
            && got != expected
        {
            return Err(TransferError::Incomplete { got, expected });
        }
        Ok(got)
    }
}

/// Waits until `bytes` may go under `control`'s bandwidth limit, if it has one, or until the
/// transfer is cancelled: at a low limit one chunk's turn can be many seconds away, and Ctrl+C
/// (or Cancel in the window) should not wait for it. (The bytes stay counted as asked.)
async fn take_from_limit(control: &TransferControl, bytes: u64) -> Result<(), TransferError> {
    const CANCEL_CHECK: std::time::Duration = std::time::Duration::from_millis(100);
    let Some(limit) = control.limit() else {
        return Ok(());
    };
    let take = limit.take(bytes);
    tokio::pin!(take);
    loop {
        tokio::select! {
            () = &mut take => return Ok(()),
            () = tokio::time::sleep(CANCEL_CHECK) => control.check()?,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_names_are_hidden_and_each_download_has_its_own() {
        let (a, b) = (partial_name("report.pdf"), partial_name("report.pdf"));
        assert!(
            a.starts_with(".report.pdf.") && a.ends_with(".pail-partial"),
            "{a}"
        );
        assert_ne!(a, b);
        let long = partial_name(&"n".repeat(250));
        assert!(long.len() <= crate::local_path::MAX_NAME_BYTES, "{long}");
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn a_stopped_download_is_removed_only_once_no_write_holds_its_file() {
        // Under Wine, a partial file removed while a write still held it stayed listed
        // (`transfers::a_cancelled_download_leaves_nothing_at_the_target` failed so).
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(".x.bin.1.pail-partial");
        let file = Arc::new(std::fs::File::create(&path).unwrap());
        let mut tasks = tokio::task::JoinSet::new();
        let writing = file.clone();
        tasks.spawn(async move {
            let write = tokio::task::spawn_blocking(move || {
                std::thread::sleep(std::time::Duration::from_millis(300));
                drop(writing);
            });
            let _ = write.await;
        });
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        stop_writes(&mut tasks, &file).await;
        let holders = Arc::strong_count(&file);
        drop(file);
        std::fs::remove_file(&path).unwrap();
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        assert_eq!(holders, 1, "no write holds the file once stopped");
    }
}
