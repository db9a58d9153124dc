//! Stall detection for requests that carry data. A total time budget fails an 8 MiB part on a
//! 1 MB/s uplink shared by four parts; no budget at all lets a dead connection hang forever.
//! What counts is whether bytes still move: [`Activity`] is touched each time a body hands
//! out or receives a chunk, and [`guard`] gives up once it has not been touched for the limit.
//! A copy the server makes itself moves no byte until it answers: [`AnswerWatch`] gives it a
//! long wait for the answer instead, then holds the answer to the stall rule and a size limit.
//! The bodies Pail sends take their bytes from the batch's bandwidth limit ([`Pacer`]) as they
//! go; a body held back by that limit counts as moving.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::io::AsyncRead;

use super::rate_limit::RateLimit;

/// How long a data-carrying request may go without moving a byte.
pub(crate) const STALL_TIMEOUT: Duration = Duration::from_secs(30);

/// When bytes last moved, and whether a body sent has been handed out whole.
#[derive(Debug, Clone)]
pub(crate) struct Activity {
    start: Instant,
    /// Milliseconds after `start`.
    last: Arc<AtomicU64>,
    whole: Arc<AtomicBool>,
    /// Woken once the body is handed out whole.
    wake: Option<Arc<tokio::sync::Notify>>,
    /// What the body met reading its file, if a read failed: the SDK reports it only as a
    /// failure to send.
    unread: Arc<std::sync::OnceLock<String>>,
}

impl Default for Activity {
    fn default() -> Self {
        Self {
            start: Instant::now(),
            last: Arc::default(),
            whole: Arc::default(),
            wake: None,
            unread: Arc::default(),
        }
    }
}

impl Activity {
    /// An activity that wakes `wake` once its body has been handed out whole: a part whose
    /// last bytes are on their way lets the next part start while they and the answer travel.
    pub(crate) fn waking(wake: &Arc<tokio::sync::Notify>) -> Self {
        Self {
            wake: Some(wake.clone()),
            ..Self::default()
        }
    }

    pub(crate) fn touch(&self) {
        let now = self.start.elapsed().as_millis() as u64;
        self.last.fetch_max(now, Ordering::Relaxed);
    }

    /// The body's last bytes have been handed to the connection.
    fn handed_out(&self) {
        if !self.whole.swap(true, Ordering::Relaxed)
            && let Some(wake) = &self.wake
        {
            wake.notify_one();
        }
    }

    /// The body could not read its file.
    fn unread(&self, e: &std::io::Error) {
        let _ = self.unread.set(e.to_string());
    }

    /// Why the body could not read its file, if it could not.
    pub(crate) fn read_failure(&self) -> Option<&str> {
        self.unread.get().map(String::as_str)
    }

    /// Whether the body has been handed out whole (its answer may still be awaited).
    pub(crate) fn is_handed_out(&self) -> bool {
        self.whole.load(Ordering::Relaxed)
    }

    fn idle(&self) -> Duration {
        let last = Duration::from_millis(self.last.load(Ordering::Relaxed));
        self.start.elapsed().saturating_sub(last)
    }
}

/// No bytes moved for the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stalled(pub Duration);

/// Runs `work` until it ends or `activity` has been idle for `limit`.
pub(crate) async fn guard<T>(
    activity: &Activity,
    limit: Duration,
    work: impl std::future::Future<Output = T>,
) -> Result<T, Stalled> {
    activity.touch();
    tokio::pin!(work);
    loop {
        let wait = limit.saturating_sub(activity.idle());
        if wait.is_zero() {
            return Err(Stalled(limit));
        }
        tokio::select! {
            done = &mut work => return Ok(done),
            () = tokio::time::sleep(wait) => {}
        }
    }
}

/// A file's size and modification time: when either differs after the file was read from
/// what it was before, the file changed while it was read, and what was read is no copy of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FileState {
    pub len: u64,
    pub modified: Option<std::time::SystemTime>,
}

/// What an upload says of a file that changed while it was read.
pub(crate) const FILE_CHANGED: &str = "the file changed while it was being uploaded (its size or \
    modification time is not what it was when the upload began), so the upload does not count: \
    upload it again once the file is finished";

impl FileState {
    pub(crate) fn of(path: &Path) -> std::io::Result<Self> {
        let metadata = std::fs::metadata(path)?;
        Ok(Self {
            len: metadata.len(),
            modified: metadata.modified().ok(),
        })
    }

    /// Whether the file at `path` is still as it was (a file that cannot be read is not).
    pub(crate) fn still_at(&self, path: &Path) -> bool {
        Self::of(path).is_ok_and(|now| now == *self)
    }
}

/// A request body read from a range of a file in small frames, touching `activity` for each:
/// on a slow uplink the transport asks for the next frame only as the last one drains, so a
/// stall shows as no touch. Only one frame is in memory at a time. Before the last frame goes,
/// the file is checked against its state when the upload began: a file that changed fails the
/// body, so the server never sees a complete request made of two versions of it.
pub(crate) struct FileRangeBody {
    file: Option<tokio::fs::File>,
    path: PathBuf,
    expected: FileState,
    remaining: u64,
    buffer: Vec<u8>,
    activity: Activity,
    /// The bandwidth limit each frame waits for, if any.
    pacer: Option<Pacer>,
    /// The next frame has been allowed by the limit (its read may still be pending).
    allowed: bool,
    /// The file could not be opened: reported on the first poll.
    error: Option<std::io::Error>,
}

const FRAME: usize = 64 * 1024;

impl FileRangeBody {
    /// `length` bytes of `path` from `offset`, from a file that should stay as `expected`,
    /// each frame taken from `limit` if there is one. Opening is a quick system call, done
    /// here so the SDK can build the body again for a retry.
    pub(crate) fn new(
        path: &Path,
        (offset, length): (u64, u64),
        expected: FileState,
        (activity, limit): (Activity, Option<LimitShare>),
    ) -> Self {
        let opened = std::fs::File::open(path).and_then(|mut file| {
            use std::io::Seek;
            file.seek(std::io::SeekFrom::Start(offset))?;
            Ok(tokio::fs::File::from_std(file))
        });
        let (file, error) = match opened {
            Ok(file) => (Some(file), None),
            Err(e) => (None, Some(e)),
        };
        Self {
            file,
            path: path.to_owned(),
            expected,
            remaining: length,
            buffer: Vec::new(),
            pacer: limit.map(|limit| Pacer::new(limit, activity.clone())),
            allowed: false,
            activity,
            error,
        }
    }

    /// A body the SDK can send again on retry.
    pub(crate) fn sdk_body(
        path: PathBuf,
        range: (u64, u64),
        expected: FileState,
        (activity, limit): (Activity, Option<LimitShare>),
    ) -> aws_smithy_types::body::SdkBody {
        aws_smithy_types::body::SdkBody::retryable(move || {
            aws_smithy_types::body::SdkBody::from_body_1_x(FileRangeBody::new(
                &path,
                range,
                expected,
                (activity.clone(), limit.clone()),
            ))
        })
    }
}

impl http_body::Body for FileRangeBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        if let Some(error) = self.error.take() {
            self.activity.unread(&error);
            return Poll::Ready(Some(Err(error)));
        }
        if self.remaining == 0 {
            return Poll::Ready(None);
        }
        let want = FRAME.min(self.remaining as usize);
        let this = &mut *self;
        // Allowed before it is read; a read that comes back Pending does not ask again.
        if !this.allowed
            && let Some(pacer) = &mut this.pacer
        {
            match pacer.poll_allow(cx, want as u64) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(cancelled)) => return Poll::Ready(Some(Err(cancelled))),
                Poll::Ready(Ok(())) => {}
            }
        }
        this.allowed = true;
        this.buffer.resize(want, 0);
        let Some(file) = this.file.as_mut() else {
            return Poll::Ready(None);
        };
        let mut read = tokio::io::ReadBuf::new(&mut this.buffer);
        match Pin::new(file).poll_read(cx, &mut read) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(e)) => {
                this.activity.unread(&e);
                Poll::Ready(Some(Err(e)))
            }
            Poll::Ready(Ok(())) => {
                let filled = read.filled();
                if filled.is_empty() {
                    return Poll::Ready(Some(Err(std::io::Error::new(
                        std::io::ErrorKind::UnexpectedEof,
                        "the file became shorter while it was being uploaded",
                    ))));
                }
                let frame = Bytes::copy_from_slice(filled);
                this.remaining -= frame.len() as u64;
                this.allowed = false;
                // Everything has been read: the file must still be what it was. (A quick
                // system call, as opening the file is.)
                if this.remaining == 0 && !this.expected.still_at(&this.path) {
                    return Poll::Ready(Some(Err(std::io::Error::other(FILE_CHANGED))));
                }
                this.activity.touch();
                if this.remaining == 0 {
                    this.activity.handed_out();
                }
                Poll::Ready(Some(Ok(http_body::Frame::data(frame))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.remaining == 0 && self.error.is_none()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        http_body::SizeHint::with_exact(self.remaining)
    }
}

/// A request body held in memory (a part of a copy across servers, a shared page), handed out
/// in small frames that touch `activity`, as [`FileRangeBody`] does for a file.
pub(crate) struct MemoryBody {
    data: Bytes,
    activity: Activity,
    pacer: Option<Pacer>,
}

impl MemoryBody {
    /// A body the SDK can send again on retry (`data` is shared, not copied), each frame taken
    /// from `limit` if there is one.
    pub(crate) fn sdk_body(
        data: Bytes,
        (activity, limit): (Activity, Option<LimitShare>),
    ) -> aws_smithy_types::body::SdkBody {
        aws_smithy_types::body::SdkBody::retryable(move || {
            aws_smithy_types::body::SdkBody::from_body_1_x(MemoryBody {
                data: data.clone(),
                pacer: limit
                    .clone()
                    .map(|limit| Pacer::new(limit, activity.clone())),
                activity: activity.clone(),
            })
        })
    }
}

impl http_body::Body for MemoryBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        if self.data.is_empty() {
            return Poll::Ready(None);
        }
        let take = FRAME.min(self.data.len());
        let this = &mut *self;
        if let Some(pacer) = &mut this.pacer {
            match pacer.poll_allow(cx, take as u64) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(cancelled)) => return Poll::Ready(Some(Err(cancelled))),
                Poll::Ready(Ok(())) => {}
            }
        }
        let frame = self.data.split_to(take);
        self.activity.touch();
        Poll::Ready(Some(Ok(http_body::Frame::data(frame))))
    }

    fn is_end_stream(&self) -> bool {
        self.data.is_empty()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        http_body::SizeHint::with_exact(self.data.len() as u64)
    }
}

/// How often a body waiting on the limit tells the stall watch that it is alive (in checks
/// of its transfer's cancel, every 100 ms).
const WAITING_IS_NO_STALL: u32 = 10;
const CANCEL_CHECK: Duration = Duration::from_millis(100);

/// The wait for a frame's turn under the limit.
type AllowWait = Pin<Box<dyn Future<Output = std::io::Result<()>> + Send>>;

/// A body's share of the batch's bandwidth limit, with its transfer's cancel: a body held back
/// by a low limit fails at once when the transfer is cancelled, so a multipart upload is
/// aborted then, not once its parts have crept through.
#[derive(Debug, Clone)]
pub(crate) struct LimitShare {
    pub(crate) limit: RateLimit,
    pub(crate) cancelled: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

/// A request body's share of a limit: the body asks [`Pacer::poll_allow`] before it hands out
/// each frame. While it waits the body's [`Activity`] is touched: a transfer held back by the
/// person's own limit has not stalled.
pub(crate) struct Pacer {
    share: LimitShare,
    activity: Activity,
    /// The wait for the frame being allowed. In a mutex only to be `Sync`, as SDK bodies must
    /// be; it is reached through `&mut self`, never locked.
    waiting: Option<Mutex<AllowWait>>,
}

impl Pacer {
    pub(crate) fn new(share: LimitShare, activity: Activity) -> Self {
        Self {
            share,
            activity,
            waiting: None,
        }
    }

    /// Ready once `bytes` may go (ask again with the same count until it is), or an error once
    /// the transfer is cancelled.
    pub(crate) fn poll_allow(
        &mut self,
        cx: &mut Context<'_>,
        bytes: u64,
    ) -> Poll<std::io::Result<()>> {
        if self.waiting.is_none() && self.share.limit.rate().is_none() {
            return Poll::Ready(Ok(()));
        }
        // Looked at before each frame, not only while a wait drags on: when the bodies' turns
        // come in under the check's period (several parts sharing a few MB/s), a cancelled
        // upload would otherwise send its parts in flight to their end before it is aborted.
        if self.share.cancelled.load(Ordering::Relaxed) {
            self.waiting = None;
            return Poll::Ready(Err(cancelled()));
        }
        let waiting = self.waiting.get_or_insert_with(|| {
            let (share, activity) = (self.share.clone(), self.activity.clone());
            Mutex::new(Box::pin(async move {
                let take = share.limit.take(bytes);
                tokio::pin!(take);
                let mut checks = 0u32;
                loop {
                    tokio::select! {
                        () = &mut take => return Ok(()),
                        () = tokio::time::sleep(CANCEL_CHECK) => {
                            if share.cancelled.load(Ordering::Relaxed) {
                                return Err(cancelled());
                            }
                            checks += 1;
                            if checks.is_multiple_of(WAITING_IS_NO_STALL) {
                                activity.touch();
                            }
                        }
                    }
                }
            }))
        });
        let future = waiting
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match future.as_mut().poll(cx) {
            Poll::Ready(allowed) => {
                self.waiting = None;
                Poll::Ready(allowed)
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

fn cancelled() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::Interrupted, "cancelled")
}

/// How much longer than the stall limit a server may take to answer a copy it makes itself
/// (CopyObject, UploadPartCopy). No byte moves between Pail and the server while it copies,
/// so the stall rule cannot watch it; a total budget would fail a multi-GB copy that is doing
/// fine. Twenty times the 30 s stall limit is 10 minutes: a 5 GiB CopyObject (S3's largest)
/// at under 10 MB/s.
pub(crate) const SERVER_COPY_WAIT_FACTOR: u32 = 20;

/// The largest answer a server-side copy may send: its result is a few hundred bytes of XML
/// (AWS may pad it with spaces while it copies).
pub(crate) const SERVER_COPY_ANSWER_LIMIT: u64 = 1024 * 1024;

/// Holds the answer body of a server-side copy to the stall rule and a size limit: once the
/// headers are in, bytes must keep coming (AWS sends spaces while a long copy runs), and no
/// more than `limit` of them.
#[derive(Debug)]
pub(crate) struct AnswerWatch {
    pub stall: Duration,
    pub limit: u64,
}

impl aws_sdk_s3::config::Intercept for AnswerWatch {
    fn name(&self) -> &'static str {
        "AnswerWatch"
    }

    fn modify_before_deserialization(
        &self,
        context: &mut aws_sdk_s3::config::interceptors::BeforeDeserializationInterceptorContextMut<
            '_,
        >,
        _components: &aws_sdk_s3::config::RuntimeComponents,
        _config: &mut aws_sdk_s3::config::ConfigBag,
    ) -> Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        let response = context.response_mut();
        let body = response.take_body();
        *response.body_mut() = aws_smithy_types::body::SdkBody::from_body_1_x(WatchedAnswer {
            body: Box::pin(body),
            stall: self.stall,
            timer: Box::pin(tokio::time::sleep(self.stall)),
            left: self.limit,
        });
        Ok(())
    }
}

/// An answer body that fails once it stalls or grows past its limit.
struct WatchedAnswer {
    body: Pin<Box<aws_smithy_types::body::SdkBody>>,
    stall: Duration,
    timer: Pin<Box<tokio::time::Sleep>>,
    left: u64,
}

impl http_body::Body for WatchedAnswer {
    type Data = Bytes;
    type Error = aws_smithy_types::body::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        let this = &mut *self;
        match this.body.as_mut().poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                let length = frame.data_ref().map_or(0, |d| d.len() as u64);
                if length > this.left {
                    return Poll::Ready(Some(Err("the server's answer is far larger than an \
                        answer to a copy can be"
                        .into())));
                }
                this.left -= length;
                let deadline = tokio::time::Instant::now() + this.stall;
                this.timer.as_mut().reset(deadline);
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(other) => Poll::Ready(other),
            Poll::Pending => match this.timer.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Some(Err(format!(
                    "the server's answer stopped for {} s",
                    this.stall.as_secs().max(1)
                )
                .into()))),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unlimited() -> (Activity, Option<LimitShare>) {
        (Activity::default(), None)
    }

    #[tokio::test]
    async fn a_file_range_body_hands_out_exactly_its_range() {
        use http_body_util::BodyExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data");
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        let state = FileState::of(&path).unwrap();
        let body = FileRangeBody::new(&path, (1000, 150_000), state, unlimited());
        let got = body.collect().await.unwrap().to_bytes();
        assert_eq!(&got[..], &data[1000..151_000]);
        let gone = dir.path().join("gone");
        let missing = FileRangeBody::new(&gone, (0, 10), state, unlimited());
        assert!(missing.collect().await.is_err());
        // The file grew after the body began: its last frame is an error, not data.
        let body = FileRangeBody::new(&path, (0, 200_000), state, unlimited());
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, b"more"))
            .unwrap();
        assert!(body.collect().await.is_err());
    }

    #[tokio::test]
    async fn a_paced_body_stops_at_its_next_frame_once_cancelled() {
        use http_body_util::BodyExt;
        // Each 64 KiB frame's turn comes within a few milliseconds, well under the check
        // made while a wait drags on.
        let share = LimitShare {
            limit: RateLimit::new(Some(20 * 1024 * 1024)),
            cancelled: Arc::default(),
        };
        let sdk = MemoryBody::sdk_body(
            Bytes::from(vec![7u8; 4 * 1024 * 1024]),
            (Activity::default(), Some(share.clone())),
        );
        let mut body = std::pin::pin!(sdk);
        let first = body.frame().await.unwrap().unwrap();
        assert_eq!(first.data_ref().map(Bytes::len), Some(FRAME));
        share.cancelled.store(true, Ordering::Relaxed);
        let next = body.frame().await.unwrap();
        assert!(next.is_err(), "a frame went after the cancel");
    }

    #[tokio::test]
    async fn gives_up_only_when_nothing_moves() {
        let activity = Activity::default();
        let busy = {
            let activity = activity.clone();
            async move {
                for _ in 0..10 {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    activity.touch();
                }
                "done"
            }
        };
        // Half a second in all, but never 200 ms without progress.
        assert_eq!(
            guard(&activity, Duration::from_millis(200), busy).await,
            Ok("done")
        );
        let stuck = std::future::pending::<()>();
        assert_eq!(
            guard(&activity, Duration::from_millis(200), stuck).await,
            Err(Stalled(Duration::from_millis(200)))
        );
    }
}
