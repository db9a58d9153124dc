//! How long a link lives: the 1 s … 7 days rule of SigV4, absolute or relative expiries, and
//! the earlier end imposed by temporary credentials.

use std::time::{Duration, SystemTime};

use crate::local_time::{self, DateTime, LocalTimeError, TimeZone};

/// SigV4 pre-signed requests are refused by S3 when `X-Amz-Expires` exceeds one week.
pub const MAX_LINK_LIFETIME: Duration = Duration::from_secs(604_800);

/// What the person asked for: a lifetime, or a moment at which the link should stop working.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    In(Duration),
    At(SystemTime),
}

impl Default for Expiry {
    /// One hour, as the AWS CLI does.
    fn default() -> Self {
        Expiry::In(Duration::from_secs(3600))
    }
}

/// Why an expiry was refused. The messages are meant to be shown to a person as they are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExpiryError {
    #[error("the expiry must be at least 1 second")]
    TooShort,
    #[error(
        "an expiry of {} is too long: {}",
        crate::fmt::exact_duration(*requested_secs),
        longest_text(*longest_secs)
    )]
    TooLong {
        requested_secs: u64,
        /// The limit it was checked against: SigV4's week, or a profile's own.
        longest_secs: u64,
    },
    #[error("the expiry {at} is in the past")]
    InPast { at: String },
    #[error(
        "`{input}` is not a date and time: use RFC 3339 (2026-12-05T17:00:00+01:00) or local `YYYY-MM-DD HH:MM`"
    )]
    Unparsable { input: String },
    #[error(
        "`{input}` does not exist in the local time zone: the clock skips it (a daylight-saving change)"
    )]
    NotALocalTime { input: String },
    #[error("the credentials that would sign this link expired at {at}")]
    CredentialsExpired { at: String },
}

/// A validated lifetime, fixed relative to the signing time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifetime {
    /// The value of `X-Amz-Expires` (or the policy's expiration, for POST forms).
    pub expires_in: Duration,
    /// When the link stops working if the credentials outlive it.
    pub expires_at: SystemTime,
}

impl Expiry {
    /// Checks the expiry against SigV4's limits at `now` and fixes it in time.
    ///
    /// SigV4 counts the lifetime from the signing time in whole seconds (`X-Amz-Date`), so
    /// `now` is truncated to the second; an absolute expiry is then rounded down, so a link
    /// never outlives what the person picked.
    pub fn resolve(&self, now: SystemTime) -> Result<Lifetime, ExpiryError> {
        self.resolve_within(now, Some(MAX_LINK_LIFETIME))
    }

    /// [`Self::resolve`] against a profile's own limit ([`super::LinkLimit`]), which may be
    /// longer than SigV4's usual week on a service that accepts that.
    pub fn resolve_within_limit(
        &self,
        now: SystemTime,
        longest: Duration,
    ) -> Result<Lifetime, ExpiryError> {
        self.resolve_within(now, Some(longest))
    }

    /// [`Self::resolve`] without SigV4's 7 days: for CloudFront, whose links may last months.
    pub fn resolve_unbounded(&self, now: SystemTime) -> Result<Lifetime, ExpiryError> {
        self.resolve_within(now, None)
    }

    fn resolve_within(
        &self,
        now: SystemTime,
        longest: Option<Duration>,
    ) -> Result<Lifetime, ExpiryError> {
        let now = whole_seconds(now);
        let expires_in = match *self {
            Expiry::In(d) => d,
            Expiry::At(at_system) => match at_system.duration_since(now) {
                Ok(d) if d >= Duration::from_secs(1) => d,
                Ok(_) => return Err(ExpiryError::TooShort),
                Err(_) => {
                    return Err(ExpiryError::InPast {
                        at: local_time::utc_text(at_system),
                    });
                }
            },
        };
        let whole = Duration::from_secs(expires_in.as_secs());
        if whole < Duration::from_secs(1) {
            return Err(ExpiryError::TooShort);
        }
        if let Some(longest) = longest
            && whole > longest
        {
            return Err(ExpiryError::TooLong {
                requested_secs: whole.as_secs(),
                longest_secs: longest.as_secs(),
            });
        }
        Ok(Lifetime {
            expires_in: whole,
            expires_at: now + whole,
        })
    }
}

/// What a [`ExpiryError::TooLong`] says of the limit it broke.
fn longest_text(longest_secs: u64) -> String {
    if longest_secs == MAX_LINK_LIFETIME.as_secs() {
        "SigV4 pre-signed links cannot live longer than 7 days (604800 seconds)".to_owned()
    } else {
        format!(
            "this profile's links cannot live longer than {}",
            crate::fmt::exact_duration(longest_secs)
        )
    }
}

/// `t` without its fraction of a second.
pub fn whole_seconds(t: SystemTime) -> SystemTime {
    match t.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => SystemTime::UNIX_EPOCH + Duration::from_secs(d.as_secs()),
        Err(_) => t,
    }
}

/// When a link really stops working: S3 refuses a pre-signed request once the credentials
/// that signed it have expired, whatever the link's own expiry says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EffectiveExpiry {
    /// The earlier of the link's expiry and the credentials' expiry.
    pub at: SystemTime,
    /// True when the credentials end before the link would.
    pub limited_by_credentials: bool,
}

impl Lifetime {
    /// Combines the link's lifetime with the expiry of the signing credentials, if any.
    pub fn effective(&self, credentials_expiry: Option<SystemTime>) -> EffectiveExpiry {
        match credentials_expiry {
            Some(creds) if creds < self.expires_at => EffectiveExpiry {
                at: creds,
                limited_by_credentials: true,
            },
            _ => EffectiveExpiry {
                at: self.expires_at,
                limited_by_credentials: false,
            },
        }
    }
}

/// Parses an expiry moment: RFC 3339 with its own offset, or `YYYY-MM-DD HH:MM` (optionally
/// `:SS`, or a `T` instead of the space) on a clock in `zone`, by the daylight-saving rule of
/// [`local_time`].
pub fn parse_datetime(input: &str, zone: &TimeZone) -> Result<SystemTime, ExpiryError> {
    let input = input.trim();
    if let Ok(timestamp) = input.parse::<jiff::Timestamp>() {
        return Ok(SystemTime::from(timestamp));
    }
    let civil = [
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
    ]
    .iter()
    .find_map(|format| DateTime::strptime(format, input).ok())
    .ok_or_else(|| ExpiryError::Unparsable {
        input: input.to_owned(),
    })?;
    local_time::instant_of(civil, zone).map_err(|e| match e {
        LocalTimeError::Skipped(_) | LocalTimeError::OutOfRange(_) => ExpiryError::NotALocalTime {
            input: input.to_owned(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> SystemTime {
        SystemTime::from(text.parse::<jiff::Timestamp>().unwrap())
    }

    fn t0() -> SystemTime {
        utc("2026-11-29T12:00:00Z")
    }

    fn fixed(hours: i8) -> TimeZone {
        TimeZone::fixed(jiff::tz::offset(hours))
    }

    #[test]
    fn relative_expiry_within_limits() {
        let one = Expiry::In(Duration::from_secs(1)).resolve(t0()).unwrap();
        assert_eq!(one.expires_in, Duration::from_secs(1));
        let week = Expiry::In(MAX_LINK_LIFETIME).resolve(t0()).unwrap();
        assert_eq!(week.expires_at, t0() + MAX_LINK_LIFETIME);
    }

    #[test]
    fn refuses_zero_and_more_than_a_week() {
        assert_eq!(
            Expiry::In(Duration::ZERO).resolve(t0()),
            Err(ExpiryError::TooShort)
        );
        assert_eq!(
            Expiry::In(Duration::from_millis(999)).resolve(t0()),
            Err(ExpiryError::TooShort)
        );
        let err = Expiry::In(Duration::from_secs(604_801))
            .resolve(t0())
            .unwrap_err();
        assert_eq!(
            err,
            ExpiryError::TooLong {
                requested_secs: 604_801,
                longest_secs: 604_800
            }
        );
        let message = err.to_string();
        assert!(message.contains("7 days"), "{message}");
        assert!(message.contains("604801"), "{message}");
    }

    #[test]
    fn a_profile_limit_allows_more_than_a_week_and_no_more() {
        let month = Duration::from_secs(30 * 86_400);
        let lifetime = Expiry::In(month).resolve_within_limit(t0(), month).unwrap();
        assert_eq!(lifetime.expires_in, month);
        assert_eq!(lifetime.expires_at, t0() + month);
        let at = Expiry::At(t0() + month + Duration::from_millis(400));
        assert_eq!(
            at.resolve_within_limit(t0(), month).unwrap().expires_in,
            month
        );
        let err = Expiry::In(month + Duration::from_secs(1))
            .resolve_within_limit(t0(), month)
            .unwrap_err();
        assert_eq!(
            err,
            ExpiryError::TooLong {
                requested_secs: 2_592_001,
                longest_secs: 2_592_000
            }
        );
        let message = err.to_string();
        assert!(message.contains("30 days (2592000 seconds)"), "{message}");
        assert!(!message.contains("7 days"), "{message}");
        // A shorter limit than SigV4's is held too.
        let day = Duration::from_secs(86_400);
        assert!(matches!(
            Expiry::In(day * 2).resolve_within_limit(t0(), day),
            Err(ExpiryError::TooLong { .. })
        ));
        // The plain resolve stays at a week.
        assert!(Expiry::In(month).resolve(t0()).is_err());
    }

    #[test]
    fn absolute_expiry_is_measured_from_now() {
        let at = utc("2026-12-06T12:00:00Z");
        let lifetime = Expiry::At(at).resolve(t0()).unwrap();
        assert_eq!(lifetime.expires_in, Duration::from_secs(7 * 86_400));
        assert_eq!(lifetime.expires_at, at);

        let too_far = utc("2026-12-06T12:00:01Z");
        assert!(matches!(
            Expiry::At(too_far).resolve(t0()),
            Err(ExpiryError::TooLong { .. })
        ));
    }

    #[test]
    fn absolute_expiry_rounds_down_to_whole_seconds() {
        let at = t0() + Duration::from_millis(90_500);
        let lifetime = Expiry::At(at).resolve(t0()).unwrap();
        assert_eq!(lifetime.expires_in, Duration::from_secs(90));
        assert_eq!(lifetime.expires_at, t0() + Duration::from_secs(90));
    }

    #[test]
    fn lifetime_counts_from_the_whole_second_of_signing() {
        let now = t0() + Duration::from_millis(700);
        let lifetime = Expiry::In(Duration::from_secs(60)).resolve(now).unwrap();
        assert_eq!(lifetime.expires_at, t0() + Duration::from_secs(60));
        let at = t0() + Duration::from_secs(10);
        let lifetime = Expiry::At(at).resolve(now).unwrap();
        assert_eq!(lifetime.expires_in, Duration::from_secs(10));
    }

    #[test]
    fn refuses_past_and_present() {
        let past = utc("2026-11-29T11:59:00Z");
        let err = Expiry::At(past).resolve(t0()).unwrap_err();
        assert!(matches!(err, ExpiryError::InPast { .. }));
        assert!(err.to_string().contains("in the past"));
        let now = t0();
        assert_eq!(Expiry::At(now).resolve(t0()), Err(ExpiryError::TooShort));
    }

    #[test]
    fn credentials_can_end_a_link_early() {
        let lifetime = Expiry::In(Duration::from_secs(86_400))
            .resolve(t0())
            .unwrap();
        let creds_end = t0() + Duration::from_secs(3600);
        assert_eq!(
            lifetime.effective(Some(creds_end)),
            EffectiveExpiry {
                at: creds_end,
                limited_by_credentials: true
            }
        );
        let later = t0() + Duration::from_secs(2 * 86_400);
        assert!(!lifetime.effective(Some(later)).limited_by_credentials);
        assert_eq!(lifetime.effective(None).at, lifetime.expires_at);
    }

    #[test]
    fn parses_rfc3339_with_offset() {
        let dt = parse_datetime("2026-12-05T17:00:00+01:00", &fixed(0)).unwrap();
        assert_eq!(dt, utc("2026-12-05T16:00:00Z"));
    }

    #[test]
    fn parses_plain_local_time_in_given_zone() {
        let paris_winter = fixed(1);
        let dt = parse_datetime("2026-12-05 17:00", &paris_winter).unwrap();
        assert_eq!(dt, utc("2026-12-05T16:00:00Z"));
        let with_seconds = parse_datetime("2026-12-05T17:00:30", &paris_winter).unwrap();
        assert_eq!(with_seconds, utc("2026-12-05T16:00:30Z"));
    }

    #[test]
    fn refuses_garbage_dates() {
        for bad in ["tomorrow", "2026-13-01 10:00", "2026-12-05", "17:00"] {
            let err = parse_datetime(bad, &fixed(0)).unwrap_err();
            assert!(matches!(err, ExpiryError::Unparsable { .. }), "{bad}");
            assert!(err.to_string().contains("RFC 3339"));
        }
    }

    #[test]
    fn the_cli_and_the_calendar_read_a_daylight_saving_change_alike() {
        let berlin = TimeZone::posix("CET-1CEST,M3.5.0,M10.5.0/3").unwrap();
        // The repeated hour: its first instant, as the Web URL dialog's calendar takes it.
        assert_eq!(
            parse_datetime("2026-10-25 02:30", &berlin),
            Ok(utc("2026-10-25T00:30:00Z"))
        );
        // The skipped hour: refused.
        assert!(matches!(
            parse_datetime("2026-03-29 02:30", &berlin),
            Err(ExpiryError::NotALocalTime { .. })
        ));
    }
}
