//! The CRC32 of a file's bytes as S3's `x-amz-checksum-crc32` spells it, and of each part of a
//! multipart upload, read in part order by one task that starts with the upload.
//!
//! Why in order, from the start: a part's checksum goes in its request's headers, so its bytes
//! are read once before it is sent. Parts that started together each read theirs at once, and
//! the first could go only once most had been read (80 ms away on a 50 MB/s cap, a 256 MiB
//! upload's first part left 54 ms after the upload's id came). Read in order while the upload's
//! first round trip is on the way, the first parts' sums are there when the id comes.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use tokio::sync::{Notify, watch};

use super::transfer::{TransferControl, TransferError, local};

/// How far ahead of the parts asked for the sums are read: far enough that a part does not
/// wait, near enough that its bytes are still in the page cache when it is sent.
const LEAD_BYTES: u64 = 256 * 1024 * 1024;

/// The CRC32 of `length` bytes of `path` from `offset`, as S3's `x-amz-checksum-crc32` spells
/// it: the server checks the bytes it stores against it. Read in pieces on the blocking pool
/// (the file is in the page cache by the time the part goes), so a part never sits in memory
/// whole and its reads do not each wait their turn on the runtime's workers. Between pieces
/// it asks `stop`: a cancelled transfer on a slow disk does not read on to the part's end.
pub(super) async fn crc32_of(
    path: &Path,
    offset: u64,
    length: u64,
    stop: impl Fn() -> bool + Send + 'static,
) -> Result<String, TransferError> {
    use base64::Engine;
    let owned = path.to_owned();
    let crc = tokio::task::spawn_blocking(move || {
        use std::io::{Read, Seek};
        let path = owned.as_path();
        let mut file = std::fs::File::open(path).map_err(|e| local(path, e))?;
        file.seek(std::io::SeekFrom::Start(offset))
            .map_err(|e| local(path, e))?;
        let mut hasher = crc32fast::Hasher::new();
        let mut left = length;
        let mut buffer = vec![0u8; 256 * 1024];
        while left > 0 {
            if stop() {
                return Err(TransferError::Cancelled);
            }
            let want = left.min(buffer.len() as u64) as usize;
            let n = match file.read(&mut buffer[..want]) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(local(path, e)),
            };
            if n == 0 {
                return Err(local(
                    path,
                    "the file became shorter while it was being uploaded",
                ));
            }
            hasher.update(&buffer[..n]);
            left -= n as u64;
        }
        Ok(hasher.finalize())
    })
    .await
    .map_err(|e| local(path, e))??;
    Ok(base64::engine::general_purpose::STANDARD.encode(crc.to_be_bytes()))
}

/// A `stop` for [`crc32_of`]: the transfer was cancelled.
pub(super) fn on_cancel(control: &TransferControl) -> impl Fn() -> bool + Send + Clone + 'static {
    let control = control.clone();
    move || control.is_cancelled()
}

/// The sums of one file's parts, read ahead of the parts that send them.
pub(super) struct PartSums {
    path: PathBuf,
    sums: Arc<[OnceLock<Result<String, TransferError>>]>,
    ready: Arc<Notify>,
    /// How many parts (from the first) have been asked for.
    asked: watch::Sender<u64>,
    reading: tokio::task::JoinHandle<()>,
    /// Set when these sums are no longer wanted: the read in progress stops at its next piece.
    stopped: Arc<AtomicBool>,
    control: TransferControl,
}

impl PartSums {
    /// Starts reading the sums of `size` bytes of `path` in parts of `part_size`.
    /// Reading stops when `control` is cancelled.
    pub(super) fn start(path: &Path, size: u64, part_size: u64, control: &TransferControl) -> Self {
        let lead = LEAD_BYTES / part_size.max(1);
        Self::reading_ahead(path, (size, part_size), lead, control)
    }

    /// Starts reading, at most `lead` parts beyond the last one asked for.
    fn reading_ahead(
        path: &Path,
        (size, part_size): (u64, u64),
        lead: u64,
        control: &TransferControl,
    ) -> Self {
        let part_size = part_size.max(1);
        let count = size.div_ceil(part_size) as usize;
        let sums: Arc<[OnceLock<_>]> = (0..count).map(|_| OnceLock::new()).collect();
        let ready = Arc::new(Notify::new());
        let (asked, mut asked_now) = watch::channel(0u64);
        let lead = lead.max(1);
        let stopped = Arc::new(AtomicBool::new(false));
        let stop = {
            let (stopped, cancelled) = (stopped.clone(), on_cancel(control));
            move || stopped.load(Ordering::Relaxed) || cancelled()
        };
        let reading = tokio::spawn({
            let (path, sums, ready) = (path.to_owned(), sums.clone(), ready.clone());
            async move {
                for index in 0..count {
                    let ahead = asked_now.wait_for(|asked| (index as u64) < asked + lead);
                    if ahead.await.is_err() {
                        return;
                    }
                    let offset = index as u64 * part_size;
                    let length = part_size.min(size - offset);
                    let sum = crc32_of(&path, offset, length, stop.clone()).await;
                    // A file that cannot be read fails every part still to come.
                    let failed = sum.is_err();
                    let upto = if failed { count } else { index + 1 };
                    for cell in &sums[index..upto] {
                        let _ = cell.set(sum.clone());
                    }
                    ready.notify_waiters();
                    if failed {
                        return;
                    }
                }
            }
        });
        Self {
            path: path.to_owned(),
            sums,
            ready,
            asked,
            reading,
            stopped,
            control: control.clone(),
        }
    }

    /// The sum of part `index` (from 0), once it has been read; or the transfer's cancel.
    pub(super) async fn of(&self, index: usize) -> Result<String, TransferError> {
        let Some(cell) = self.sums.get(index) else {
            return Err(local(&self.path, "a part beyond the end of the file"));
        };
        self.asked.send_if_modified(|asked| {
            let wanted = index as u64 + 1;
            let more = wanted > *asked;
            if more {
                *asked = wanted;
            }
            more
        });
        loop {
            let ready = self.ready.notified();
            tokio::pin!(ready);
            ready.as_mut().enable();
            if let Some(sum) = cell.get() {
                return sum.clone();
            }
            if self.reading.is_finished() && cell.get().is_none() {
                return Err(local(&self.path, "the file's checksums stopped being read"));
            }
            self.control.check()?;
            // The cancel is a flag, looked at as often as other waits look at it.
            let _ = tokio::time::timeout(std::time::Duration::from_millis(100), ready).await;
        }
    }
}

impl Drop for PartSums {
    fn drop(&mut self) {
        self.stopped.store(true, Ordering::Relaxed);
        self.reading.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_of(bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.bin");
        std::fs::write(&path, bytes).unwrap();
        (dir, path)
    }

    fn sum(bytes: &[u8]) -> String {
        use base64::Engine;
        let crc = crc32fast::hash(bytes).to_be_bytes();
        base64::engine::general_purpose::STANDARD.encode(crc)
    }

    /// Waits until `want` sums have been read (or 10 s), then a little longer, and says how
    /// many there are: `want` when reading stopped there.
    async fn read_so_far(sums: &PartSums, want: usize) -> usize {
        let count = || sums.sums.iter().filter(|s| s.get().is_some()).count();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while count() < want && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        count()
    }

    #[tokio::test]
    async fn each_part_gets_the_sum_of_its_own_bytes_the_last_one_short() {
        let bytes: Vec<u8> = (0..10_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let (_dir, path) = file_of(&bytes);
        let sums = PartSums::start(&path, bytes.len() as u64, 3000, &TransferControl::default());
        // Asked out of order, and one asked twice (a part sent again).
        for index in [3, 0, 2, 1, 3] {
            let start = index * 3000;
            let end = (start + 3000).min(bytes.len());
            assert_eq!(sums.of(index).await.unwrap(), sum(&bytes[start..end]));
        }
        assert!(sums.of(4).await.is_err(), "there is no fifth part");
    }

    #[tokio::test]
    async fn sums_are_read_before_they_are_asked_for_but_not_far_ahead() {
        let bytes = vec![7u8; 10 * 1024];
        let (_dir, path) = file_of(&bytes);
        let control = TransferControl::default();
        let sums = PartSums::reading_ahead(&path, (bytes.len() as u64, 1024), 2, &control);
        assert_eq!(read_so_far(&sums, 2).await, 2, "the lead, unasked");
        sums.of(4).await.unwrap();
        assert_eq!(
            read_so_far(&sums, 7).await,
            7,
            "up to the part asked, and the lead"
        );
    }

    #[tokio::test]
    async fn a_file_cut_short_fails_every_part_from_there_and_none_waits() {
        let (_dir, path) = file_of(&[1u8; 2500]);
        // The upload was planned for 5,000 bytes; the file has half.
        let sums = PartSums::start(&path, 5000, 1000, &TransferControl::default());
        assert!(sums.of(1).await.is_ok());
        for index in 2..5 {
            let failed = sums.of(index).await.unwrap_err();
            assert!(failed.to_string().contains("shorter"), "{failed}");
        }
    }

    #[tokio::test]
    async fn a_file_that_is_gone_fails_its_parts() {
        let dir = tempfile::tempdir().unwrap();
        let gone = dir.path().join("gone");
        let sums = PartSums::start(&gone, 4096, 1024, &TransferControl::default());
        assert!(sums.of(0).await.is_err());
        assert!(sums.of(3).await.is_err());
    }

    #[cfg(unix)]
    #[tokio::test(flavor = "multi_thread")]
    async fn a_cancelled_upload_stops_waiting_for_a_sum_that_does_not_come() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("slow");
        // A pipe: its reads wait for a writer, as a stuck disk's do.
        let made = std::process::Command::new("mkfifo").arg(&path).status();
        assert!(made.unwrap().success());
        let control = TransferControl::default();
        let sums = PartSums::start(&path, 1 << 20, 256 * 1024, &control);
        let cancel = {
            let control = control.clone();
            async move {
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                control.cancel();
            }
        };
        let waited = tokio::time::timeout(std::time::Duration::from_secs(2), async {
            tokio::join!(sums.of(0), cancel).0
        })
        .await;
        // A writer lets the read that waits for the file to open go on, and end.
        let mut writer = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        let _ = std::io::Write::write_all(&mut writer, &[0u8; 300 * 1024]);
        assert_eq!(waited, Ok(Err(TransferError::Cancelled)));
    }

    #[tokio::test]
    async fn a_sum_told_to_stop_stops_at_its_next_piece() {
        let (_dir, path) = file_of(&vec![3u8; 1 << 20]);
        let asked = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let stop = {
            let asked = asked.clone();
            move || asked.fetch_add(1, Ordering::Relaxed) >= 1
        };
        let sum = crc32_of(&path, 0, 1 << 20, stop).await;
        assert_eq!(sum, Err(TransferError::Cancelled));
        assert_eq!(asked.load(Ordering::Relaxed), 2, "asked before each piece");
    }
}
