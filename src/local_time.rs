//! Time on the person's clock, one way for all of Pail: jiff for every conversion between an
//! instant and a local date and time, and one rule for daylight-saving changes.
//!
//! The rule: a local time the clock shows twice (the repeated autumn hour) means the *first*
//! of the two instants, so a link never lives longer than the person could have meant; a local
//! time the clock skips (the spring hour) does not exist and is refused with a reason.

use std::time::SystemTime;

pub use jiff::civil::{Date, DateTime};
use jiff::tz::AmbiguousOffset;
pub use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};

/// The person's time zone.
pub fn system_zone() -> TimeZone {
    TimeZone::system()
}

/// Why a local date and time names no instant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LocalTimeError {
    #[error(
        "{0} does not exist in the local time zone: the clock skips it (a daylight-saving change)"
    )]
    Skipped(DateTime),
    #[error("{0} is outside the range of dates Pail can handle")]
    OutOfRange(DateTime),
}

/// The instant `civil` names on a clock in `zone`, by the rule above.
pub fn instant_of(civil: DateTime, zone: &TimeZone) -> Result<SystemTime, LocalTimeError> {
    let ambiguous = zone.to_ambiguous_timestamp(civil);
    let offset = match ambiguous.offset() {
        AmbiguousOffset::Unambiguous { offset } => offset,
        AmbiguousOffset::Fold { before, .. } => before,
        AmbiguousOffset::Gap { .. } => return Err(LocalTimeError::Skipped(civil)),
    };
    offset
        .to_timestamp(civil)
        .map(SystemTime::from)
        .map_err(|_| LocalTimeError::OutOfRange(civil))
}

/// `t` on a clock in `zone`; `None` outside jiff's range (year ±9999).
pub fn zoned(t: SystemTime, zone: &TimeZone) -> Option<Zoned> {
    Timestamp::try_from(t)
        .ok()
        .map(|timestamp| timestamp.to_zoned(zone.clone()))
}

/// `t` in `zone` by a `strftime` pattern; empty outside jiff's range.
pub fn format(t: SystemTime, zone: &TimeZone, pattern: &str) -> String {
    zoned(t, zone)
        .map(|z| z.strftime(pattern).to_string())
        .unwrap_or_default()
}

/// Unix seconds in the person's time zone as `2026-12-05 17:00` (listings, properties);
/// empty when there is no such time.
pub fn format_unix_local(seconds: i64, pattern: &str) -> String {
    match Timestamp::from_second(seconds) {
        Ok(timestamp) => timestamp
            .to_zoned(system_zone())
            .strftime(pattern)
            .to_string(),
        Err(_) => String::new(),
    }
}

/// `2026-12-05 16:00:00 UTC`: for messages.
pub fn utc_text(t: SystemTime) -> String {
    format(t, &TimeZone::UTC, "%Y-%m-%d %H:%M:%S UTC")
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    /// Central European time by its POSIX rule: no time zone database needed on the machine.
    fn berlin() -> TimeZone {
        TimeZone::posix("CET-1CEST,M3.5.0,M10.5.0/3").unwrap()
    }

    fn utc(text: &str) -> SystemTime {
        SystemTime::from(text.parse::<Timestamp>().unwrap())
    }

    #[test]
    fn the_repeated_autumn_hour_means_its_first_instant() {
        // 2026-10-25 02:30 happens twice in Berlin: at 00:30 UTC (summer time), then 01:30.
        let civil = date(2026, 10, 25).at(2, 30, 0, 0);
        assert_eq!(
            instant_of(civil, &berlin()),
            Ok(utc("2026-10-25T00:30:00Z"))
        );
    }

    #[test]
    fn the_skipped_spring_hour_is_refused() {
        let civil = date(2026, 3, 29).at(2, 30, 0, 0);
        let err = instant_of(civil, &berlin()).unwrap_err();
        assert_eq!(err, LocalTimeError::Skipped(civil));
        assert!(err.to_string().contains("daylight-saving"), "{err}");
    }

    #[test]
    fn an_ordinary_time_has_one_instant() {
        let civil = date(2026, 12, 5).at(17, 0, 0, 0);
        assert_eq!(
            instant_of(civil, &berlin()),
            Ok(utc("2026-12-05T16:00:00Z"))
        );
    }

    #[test]
    fn formats_in_the_given_zone() {
        let t = utc("2026-12-05T16:00:00Z");
        assert_eq!(format(t, &berlin(), "%Y-%m-%d %H:%M"), "2026-12-05 17:00");
        assert_eq!(utc_text(t), "2026-12-05 16:00:00 UTC");
    }
}
