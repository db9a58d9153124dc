//! The bandwidth limit a batch shares (`pail cp --limit-rate`, the Transfers panel's Limit): a
//! token bucket of bytes per second that every body moving data through Pail takes from as its
//! bytes go — upload bodies frame by frame (`stall::Pacer`), download bodies chunk by chunk
//! ([`RateLimit::take`]). All files and all their parts draw on one bucket, so the limit holds
//! for the batch, not for each connection.
//!
//! Why a bucket of "allowed" against "asked" bytes rather than tokens handed out in turn: each
//! taker knows at once which byte of the stream it is (its ticket), so takers queue up fairly
//! without a lock held while they sleep, and a change of rate only has to wake them: each works
//! out its wait again from the same two counters.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The largest burst, as a share of a second at the rate: a quarter of a second's bytes may go
/// at once after a pause, no more, so the link never sees much above the limit.
const BURST_SECONDS: f64 = 0.25;

/// A shared bandwidth limit; clones share it. The default is no limit, and costs nothing.
#[derive(Debug, Clone)]
pub struct RateLimit {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    /// Bytes a second; 0 is no limit. Read without the lock: with no limit, a take is one load.
    rate: AtomicU64,
    bucket: Mutex<Bucket>,
    /// Changed with the rate: wakes the takers that wait, to wait by the new one.
    changes: tokio::sync::watch::Sender<()>,
}

/// Bytes allowed to go and bytes asked for, since the limit began. What is asked beyond what
/// is allowed waits; what is allowed beyond what is asked is the burst.
#[derive(Debug)]
struct Bucket {
    allowed: f64,
    asked: f64,
    /// When `allowed` was last brought up to date.
    at: Instant,
}

impl Bucket {
    /// Brings `allowed` up to `now` at `rate`, never more than a burst ahead of `asked`.
    fn refill(&mut self, rate: u64, now: Instant) {
        let earned = now.saturating_duration_since(self.at).as_secs_f64() * rate as f64;
        self.allowed = (self.allowed + earned).min(self.asked + burst(rate));
        self.at = now;
    }
}

fn burst(rate: u64) -> f64 {
    rate as f64 * BURST_SECONDS
}

impl Default for RateLimit {
    fn default() -> Self {
        Self::new(None)
    }
}

impl RateLimit {
    /// A limit of `bytes_per_second` (`None` or 0: none), with a burst's worth ready.
    pub fn new(bytes_per_second: Option<u64>) -> Self {
        let rate = bytes_per_second.unwrap_or(0);
        Self {
            shared: Arc::new(Shared {
                rate: AtomicU64::new(rate),
                bucket: Mutex::new(Bucket {
                    allowed: burst(rate),
                    asked: 0.0,
                    at: Instant::now(),
                }),
                changes: tokio::sync::watch::Sender::new(()),
            }),
        }
    }

    /// Bytes a second now; `None` when there is no limit.
    pub fn rate(&self) -> Option<u64> {
        Some(self.shared.rate.load(Ordering::Relaxed)).filter(|&r| r > 0)
    }

    /// Changes the limit (`None` or 0: none) for everything that shares it, at once: transfers
    /// waiting on it wait by the new rate from now on.
    pub fn set(&self, bytes_per_second: Option<u64>) {
        let new = bytes_per_second.unwrap_or(0);
        {
            let mut bucket = self.bucket();
            let now = Instant::now();
            let old = self.shared.rate.load(Ordering::Relaxed);
            if old == 0 {
                // Nothing was counted while there was no limit: it starts afresh, a burst
                // ready, and whoever still held a ticket goes now.
                bucket.allowed = bucket.asked + burst(new);
                bucket.at = now;
            } else {
                // What the old rate earned until now stays earned; the burst is the new one's.
                bucket.refill(old, now);
                bucket.allowed = bucket.allowed.min(bucket.asked + burst(new));
            }
            self.shared.rate.store(new, Ordering::Relaxed);
        }
        self.shared.changes.send_modify(|()| {});
    }

    /// Waits until `bytes` more may move.
    pub async fn take(&self, bytes: u64) {
        if self.rate().is_none() {
            return;
        }
        // Before the ticket, so that a change between the two is not missed.
        let mut changes = self.shared.changes.subscribe();
        let Some(ticket) = self.reserve(bytes) else {
            return;
        };
        while let Some(wait) = self.wait_for(ticket) {
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                _ = changes.changed() => {}
            }
        }
    }

    /// Asks for `bytes`: `None` when they may go now, else the ticket to wait for (the count
    /// of asked bytes that must be allowed first).
    fn reserve(&self, bytes: u64) -> Option<f64> {
        let mut bucket = self.bucket();
        let rate = self.shared.rate.load(Ordering::Relaxed);
        if rate == 0 {
            return None;
        }
        bucket.refill(rate, Instant::now());
        bucket.asked += bytes as f64;
        (bucket.asked > bucket.allowed).then_some(bucket.asked)
    }

    /// How long until `ticket` is allowed at the rate now; `None` once it is (or the limit is
    /// gone).
    fn wait_for(&self, ticket: f64) -> Option<Duration> {
        let mut bucket = self.bucket();
        let rate = self.shared.rate.load(Ordering::Relaxed);
        if rate == 0 {
            return None;
        }
        bucket.refill(rate, Instant::now());
        let short = ticket - bucket.allowed;
        // Under a millisecond is the timer's own grain: taken as allowed.
        let wait = Duration::from_secs_f64((short / rate as f64).max(0.0));
        (wait >= Duration::from_millis(1)).then_some(wait)
    }

    fn bucket(&self) -> std::sync::MutexGuard<'_, Bucket> {
        // The bucket is two numbers and a time, always consistent: a panic elsewhere while it
        // was held leaves nothing half-written.
        self.shared
            .bucket
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Why a rate given as text is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum RateError {
    #[error(
        "`{0}` is not a rate: give bytes a second, as a number with K, M or G after it \
         (in 1024s: 500K, 5M, 1.5G) or a plain number of bytes"
    )]
    NotARate(String),
    #[error("`{0}` is no limit: give a rate above 0 (or leave the limit out)")]
    Zero(String),
    #[error("`{0}` is more bytes a second than can be counted")]
    TooLarge(String),
}

/// A rate as curl's `--limit-rate` and rclone's `--bwlimit` read it: bytes a second, with `K`,
/// `M` or `G` (either case, in 1024s) after the number; a decimal number may have a fraction.
pub(crate) fn parse_rate(text: &str) -> Result<u64, RateError> {
    let trimmed = text.trim();
    let (number, unit) = match trimmed.char_indices().last() {
        Some((at, c)) if c.is_ascii_alphabetic() => (&trimmed[..at], Some(c)),
        _ => (trimmed, None),
    };
    let factor: f64 = match unit.map(|c| c.to_ascii_uppercase()) {
        None => 1.0,
        Some('K') => 1024.0,
        Some('M') => 1024.0 * 1024.0,
        Some('G') => 1024.0 * 1024.0 * 1024.0,
        Some(_) => return Err(RateError::NotARate(text.to_owned())),
    };
    // Digits and at most one point: no signs, exponents, "inf" or "NaN".
    let digits = number.chars().all(|c| c.is_ascii_digit() || c == '.')
        && number.chars().filter(|&c| c == '.').count() <= 1
        && number.chars().any(|c| c.is_ascii_digit());
    let value: f64 = match number.parse() {
        Ok(value) if digits => value,
        _ => return Err(RateError::NotARate(text.to_owned())),
    };
    let bytes = (value * factor).round();
    if bytes < 1.0 {
        return Err(RateError::Zero(text.to_owned()));
    }
    if bytes >= u64::MAX as f64 {
        return Err(RateError::TooLarge(text.to_owned()));
    }
    Ok(bytes as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Takes `total` bytes in `chunk`s from `limit`; how long it took.
    async fn time_to_take(limit: &RateLimit, total: u64, chunk: u64) -> Duration {
        let start = tokio::time::Instant::now();
        let mut left = total;
        while left > 0 {
            let n = chunk.min(left);
            limit.take(n).await;
            left -= n;
        }
        start.elapsed()
    }

    fn near(got: Duration, want: f64) -> bool {
        (got.as_secs_f64() - want).abs() <= want * 0.1 + 0.02
    }

    #[tokio::test]
    async fn bytes_go_at_the_rate_after_a_quarter_second_burst() {
        let limit = RateLimit::new(Some(400_000));
        // 100,000 bytes are the burst; the next 300,000 take 0.75 s.
        let took = time_to_take(&limit, 400_000, 10_000).await;
        assert!(near(took, 0.75), "{took:?}");
    }

    #[tokio::test]
    async fn a_pause_saves_no_more_than_the_burst() {
        let limit = RateLimit::new(Some(400_000));
        limit.take(100_000).await;
        tokio::time::sleep(Duration::from_millis(600)).await;
        // Only a quarter second's worth was kept: of 300,000 more, 100,000 go at once and
        // the rest take half a second.
        let took = time_to_take(&limit, 300_000, 10_000).await;
        assert!(near(took, 0.5), "{took:?}");
    }

    #[tokio::test]
    async fn takers_at_once_share_the_rate() {
        let limit = RateLimit::new(Some(1_000_000));
        limit.take(250_000).await;
        let start = tokio::time::Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..8 {
            let limit = limit.clone();
            tasks.spawn(async move { time_to_take(&limit, 100_000, 16_384).await });
        }
        while tasks.join_next().await.is_some() {}
        // 800,000 bytes among eight at a million a second.
        assert!(near(start.elapsed(), 0.8), "{:?}", start.elapsed());
    }

    #[tokio::test]
    async fn a_lower_rate_holds_at_once_and_a_higher_one_frees_waiters_at_once() {
        let limit = RateLimit::new(Some(1_000_000));
        limit.take(250_000).await;
        limit.set(Some(100_000));
        // Burst spent: 50,000 bytes at the new rate take half a second.
        let took = time_to_take(&limit, 50_000, 5_000).await;
        assert!(near(took, 0.5), "{took:?}");
        // A taker asks for 10 s of bytes; the limit is lifted 0.2 s later and it goes then.
        let waiter = {
            let limit = limit.clone();
            tokio::spawn(async move { time_to_take(&limit, 1_000_000, 1_000_000).await })
        };
        tokio::time::sleep(Duration::from_millis(200)).await;
        limit.set(Some(100_000_000));
        let waited = waiter.await.unwrap();
        assert!(near(waited, 0.2), "{waited:?}");
        limit.set(None);
        assert_eq!(limit.rate(), None);
    }

    #[tokio::test]
    async fn no_limit_costs_nothing() {
        let limit = RateLimit::default();
        let start = std::time::Instant::now();
        for _ in 0..100_000 {
            limit.take(1 << 20).await;
        }
        assert!(start.elapsed() < Duration::from_millis(200));
        // No ticket was counted while there was none: a limit set now starts with its burst.
        limit.set(Some(1_000_000));
        assert!(near(time_to_take(&limit, 250_000, 250_000).await, 0.0));
    }

    #[test]
    fn rates_read_as_curl_and_rclone_read_them() {
        assert_eq!(parse_rate("5M"), Ok(5 * 1024 * 1024));
        assert_eq!(parse_rate("500k"), Ok(500 * 1024));
        assert_eq!(parse_rate("1.5G"), Ok(1536 * 1024 * 1024));
        assert_eq!(parse_rate("1000"), Ok(1000));
        for bad in ["", "M", "5X", "-5M", "5MB", "1e3", "inf", "1.2.3K", " "] {
            assert!(
                matches!(parse_rate(bad), Err(RateError::NotARate(_))),
                "{bad:?}"
            );
        }
        assert_eq!(parse_rate("0"), Err(RateError::Zero("0".into())));
        assert_eq!(
            parse_rate("0.0001K"),
            Err(RateError::Zero("0.0001K".into()))
        );
        assert!(matches!(
            parse_rate("99999999999999G"),
            Err(RateError::TooLarge(_))
        ));
        assert!(parse_rate("5X").unwrap_err().to_string().contains("`5X`"));
    }
}
