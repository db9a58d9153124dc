//! Stall detection for requests that carry data. A total time budget fails an 8 MiB part on a
//! 1 MB/s uplink shared by four parts; no budget at all lets a dead connection hang forever.
//! What counts is whether bytes still move: [`Activity`] is touched each time a body hands
//! out or receives a chunk, and [`guard`] gives up once it has not been touched for the limit.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;

/// How long a data-carrying request may go without moving a byte.
pub const STALL_TIMEOUT: Duration = Duration::from_secs(30);

/// When bytes last moved.
#[derive(Debug, Clone)]
pub struct Activity {
    start: Instant,
    /// Milliseconds after `start`.
    last: Arc<AtomicU64>,
}

impl Default for Activity {
    fn default() -> Self {
        Self {
            start: Instant::now(),
            last: Arc::default(),
        }
    }
}

impl Activity {
    pub fn touch(&self) {
        let now = self.start.elapsed().as_millis() as u64;
        self.last.fetch_max(now, Ordering::Relaxed);
    }

    fn idle(&self) -> Duration {
        let last = Duration::from_millis(self.last.load(Ordering::Relaxed));
        self.start.elapsed().saturating_sub(last)
    }
}

/// No bytes moved for the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stalled(pub Duration);

/// Runs `work` until it ends or `activity` has been idle for `limit`.
pub async fn guard<T>(
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

/// A request body held in memory and handed out in small frames, touching `activity` for
/// each: on a slow uplink the transport asks for the next frame only as the last one drains.
pub struct ProgressBody {
    data: Bytes,
    offset: usize,
    activity: Activity,
}

const FRAME: usize = 64 * 1024;

impl ProgressBody {
    pub fn new(data: Bytes, activity: Activity) -> Self {
        Self {
            data,
            offset: 0,
            activity,
        }
    }

    /// A body the SDK can send again on retry.
    pub fn sdk_body(data: Bytes, activity: Activity) -> aws_smithy_types::body::SdkBody {
        aws_smithy_types::body::SdkBody::retryable(move || {
            aws_smithy_types::body::SdkBody::from_body_1_x(ProgressBody::new(
                data.clone(),
                activity.clone(),
            ))
        })
    }
}

impl http_body::Body for ProgressBody {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        if self.offset >= self.data.len() {
            return Poll::Ready(None);
        }
        let end = (self.offset + FRAME).min(self.data.len());
        let frame = self.data.slice(self.offset..end);
        self.offset = end;
        self.activity.touch();
        Poll::Ready(Some(Ok(http_body::Frame::data(frame))))
    }

    fn is_end_stream(&self) -> bool {
        self.offset >= self.data.len()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        http_body::SizeHint::with_exact((self.data.len() - self.offset) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
