//! What Pail does when the server asks it to slow down (`503 SlowDown`, `429 TooManyRequests`,
//! `Throttling`…; `transfer.rs` names such answers [`TransferError::Throttled`]): how long a
//! request waits before it goes again and how many times, the watch that notes every such
//! answer on the file's
//! [`TransferControl`] (also those the SDK's own retry absorbed), and [`Pace`], the count of
//! files at once that halves after a throttle and grows back as files go through.
//!
//! Why: a throttled server is not broken, it is busy; sending the same number of requests
//! again at once only earns more refusals. Waiting longer each time (with jitter, so that
//! the refused requests do not all come back together) and sending fewer at once is what S3
//! asks of its clients.

use std::time::Duration;

use super::transfer::{PART_ATTEMPTS, TransferControl, TransferError};

/// Attempts of a request the server keeps throttling (more than for network failures: a
/// throttle passes once fewer requests are sent).
pub(crate) const THROTTLED_ATTEMPTS: u32 = 6;
/// The wait after the first throttled attempt; it doubles with each attempt.
const FIRST_WAIT: Duration = Duration::from_millis(250);
/// The longest wait between two attempts.
const LONGEST_WAIT: Duration = Duration::from_secs(10);

/// How long to wait before attempt `attempts + 1` of a request the server throttled: half of
/// `FIRST_WAIT × 2^(attempts − 1)` (at most [`LONGEST_WAIT`]) plus a random part of the other
/// half, so that requests refused together do not come back together.
pub(crate) fn backoff(attempts: u32) -> Duration {
    let doubled = FIRST_WAIT.saturating_mul(1 << attempts.clamp(1, 16).saturating_sub(1));
    let ceiling = doubled.min(LONGEST_WAIT);
    ceiling / 2 + (ceiling / 2).mul_f64(jitter())
}

/// A number in `[0, 1)`, different on each call (no random generator is needed for this).
fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// Whether a request that failed with `error` after `attempts` attempts goes again, and after
/// what wait: at once after a network failure (up to [`PART_ATTEMPTS`]), after [`backoff`]
/// when throttled (up to [`THROTTLED_ATTEMPTS`]), never after a refusal.
pub(crate) fn retry_after(error: &TransferError, attempts: u32) -> Option<Duration> {
    match error {
        TransferError::Throttled { .. } if attempts < THROTTLED_ATTEMPTS => Some(backoff(attempts)),
        e if e.is_transient() && !matches!(e, TransferError::Throttled { .. }) => {
            (attempts < PART_ATTEMPTS).then_some(Duration::ZERO)
        }
        _ => None,
    }
}

/// Waits `delay`, or less if the transfer is cancelled meanwhile.
pub(crate) async fn wait(delay: Duration, control: &TransferControl) -> Result<(), TransferError> {
    const STEP: Duration = Duration::from_millis(100);
    let until = tokio::time::Instant::now() + delay;
    loop {
        control.check()?;
        let now = tokio::time::Instant::now();
        if now >= until {
            return Ok(());
        }
        tokio::time::sleep((until - now).min(STEP)).await;
    }
}

/// Waits `delay` before a throttled file sends again, its place in the batch given up
/// meanwhile and taken again after (`transfer::BatchPlace`): the file then goes at the pace
/// the batch has now, not the one it was admitted at.
pub(crate) async fn wait_aside(
    delay: Duration,
    control: &TransferControl,
) -> Result<(), TransferError> {
    let Some(place) = control.place() else {
        return wait(delay, control).await;
    };
    place.give_up();
    wait(delay, control).await?;
    place.take_again().await;
    control.check()
}

/// Notes on a file's control each throttled answer to its requests, every attempt included:
/// the SDK retries a throttle by itself, and the batch should still send fewer files.
#[derive(Debug)]
pub(crate) struct ThrottleWatch(pub(crate) TransferControl);

impl aws_sdk_s3::config::Intercept for ThrottleWatch {
    fn name(&self) -> &'static str {
        "ThrottleWatch"
    }

    fn read_before_deserialization(
        &self,
        context: &aws_sdk_s3::config::interceptors::BeforeDeserializationInterceptorContextRef<'_>,
        _components: &aws_sdk_s3::config::RuntimeComponents,
        _config: &mut aws_sdk_s3::config::ConfigBag,
    ) -> Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        if matches!(context.response().status().as_u16(), 503 | 429) {
            self.0.note_throttle();
        }
        Ok(())
    }
}

/// The count of files a batch sends at once, as throttling allows: halved (at least 1) when
/// a file was throttled, once per round — the files admitted before the last halving were
/// sent at the old count, so their throttles say nothing new — and one more each time as many
/// files as are allowed went through without one, up to `most`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pace {
    most: usize,
    now: usize,
    /// Which round of halving this is.
    round: u64,
    /// Files through without a throttle since the count last changed.
    through: usize,
}

impl Pace {
    pub(crate) fn new(most: usize) -> Self {
        let most = most.max(1);
        Self {
            most,
            now: most,
            round: 0,
            through: 0,
        }
    }

    /// Files allowed at once now.
    pub(crate) fn now(&self) -> usize {
        self.now
    }

    pub(crate) fn round(&self) -> u64 {
        self.round
    }

    /// A file admitted in `round` ended, `throttled` or not.
    pub(crate) fn file_ended(&mut self, round: u64, throttled: bool) {
        if throttled {
            if round == self.round {
                self.now = (self.now / 2).max(1);
                self.round += 1;
                self.through = 0;
            }
        } else if self.now < self.most {
            self.through += 1;
            if self.through >= self.now {
                self.now += 1;
                self.through = 0;
            }
        }
    }

    /// The person's setting changed the most files at once: the count moves by as much (and
    /// stays within the new most).
    pub(crate) fn set_most(&mut self, most: usize) {
        let most = most.max(1);
        let now = if most >= self.most {
            self.now + (most - self.most)
        } else {
            self.now
        };
        self.most = most;
        self.now = now.clamp(1, most);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_grows_with_each_attempt_and_varies() {
        for attempts in 1..=THROTTLED_ATTEMPTS {
            let ceiling = FIRST_WAIT
                .saturating_mul(1 << (attempts - 1))
                .min(LONGEST_WAIT);
            let wait = backoff(attempts);
            assert!(
                wait >= ceiling / 2 && wait <= ceiling,
                "attempt {attempts}: {wait:?}"
            );
        }
        assert!(backoff(40) <= LONGEST_WAIT);
        let waits: std::collections::HashSet<Duration> = (0..20).map(|_| backoff(3)).collect();
        assert!(waits.len() > 1, "jitter: the waits differ");
    }

    #[test]
    fn a_throttle_gets_more_attempts_than_a_network_failure_and_a_refusal_none() {
        let throttled = TransferError::Throttled {
            code: "SlowDown".into(),
        };
        let network = TransferError::Network("reset".into());
        let refused = TransferError::Remote("AccessDenied".into());
        assert!(throttled.is_transient());
        assert!(
            retry_after(&throttled, THROTTLED_ATTEMPTS - 1).is_some_and(|d| d > Duration::ZERO)
        );
        assert_eq!(retry_after(&throttled, THROTTLED_ATTEMPTS), None);
        const { assert!(THROTTLED_ATTEMPTS > PART_ATTEMPTS) };
        assert_eq!(retry_after(&network, 1), Some(Duration::ZERO));
        assert_eq!(retry_after(&network, PART_ATTEMPTS), None);
        assert_eq!(retry_after(&refused, 1), None);
        assert!(throttled.to_string().contains("slow down"), "{throttled}");
        assert!(throttled.to_string().contains("SlowDown"), "{throttled}");
    }

    #[test]
    fn the_pace_halves_once_per_round_and_grows_back_as_files_go_through() {
        let mut pace = Pace::new(64);
        let first = pace.round();
        // A whole round of files throttled together halves the count once.
        for _ in 0..40 {
            pace.file_ended(first, true);
        }
        assert_eq!(pace.now(), 32);
        let second = pace.round();
        pace.file_ended(second, true);
        assert_eq!(pace.now(), 16);
        for _ in 0..10 {
            pace.file_ended(pace.round(), true);
        }
        assert_eq!(pace.now(), 1, "at least one file at once");
        pace.file_ended(pace.round(), false);
        assert_eq!(pace.now(), 2, "one file through, one more at once");
        pace.file_ended(pace.round(), false);
        pace.file_ended(pace.round(), false);
        assert_eq!(pace.now(), 3, "two files through, one more");
        for _ in 0..10_000 {
            pace.file_ended(pace.round(), false);
        }
        assert_eq!(pace.now(), 64, "never past the most");
        pace.set_most(8);
        assert_eq!(pace.now(), 8);
        pace.file_ended(pace.round(), true);
        pace.set_most(16);
        assert_eq!(pace.now(), 12, "a higher setting adds as much as it grew");
    }
}
