//! How long a pre-signed link may live with a given profile, and why: AWS refuses more than
//! 7 days, other S3-compatible services document their own limit, which a profile states as
//! `max_link_lifetime` (`30d`, `720h`, `45m` or plain seconds). Pure: no I/O.

use std::time::Duration;

use super::expiry::MAX_LINK_LIFETIME;

/// Far enough for any provider's documented limit, near enough that `now + limit` never
/// overflows a clock: a stated limit past this is a typo.
pub const LONGEST_STATED_LIMIT: Duration = Duration::from_secs(10 * 365 * 86_400);

/// Where a profile's longest link lifetime comes from: what the dialog and the CLI name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LimitSource {
    /// AWS S3 (no custom endpoint): SigV4's 7 days, whatever the profile says.
    Aws,
    /// An S3-compatible endpoint whose profile states nothing: 7 days, as on AWS.
    Default,
    /// The profile's `max_link_lifetime`.
    Profile(String),
}

/// The longest lifetime a link signed with one profile may have, and where that comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkLimit {
    pub longest: Duration,
    pub source: LimitSource,
}

impl Default for LinkLimit {
    fn default() -> Self {
        Self {
            longest: MAX_LINK_LIFETIME,
            source: LimitSource::Default,
        }
    }
}

impl LinkLimit {
    /// The limit of a profile called `profile`, on AWS or not, that states `stated` (if
    /// anything). On AWS a stated limit longer than 7 days is ignored, and the second value
    /// says why, for the person to see; a shorter one is kept (a policy of one's own).
    pub fn for_profile(
        profile: &str,
        on_aws: bool,
        stated: Option<Duration>,
    ) -> (Self, Option<String>) {
        match stated {
            Some(longest) if on_aws && longest > MAX_LINK_LIFETIME => (
                Self {
                    longest: MAX_LINK_LIFETIME,
                    source: LimitSource::Aws,
                },
                Some(format!(
                    "max_link_lifetime {} of profile `{profile}` is ignored: AWS refuses pre-signed links that live longer than 7 days",
                    lifetime_text(longest)
                )),
            ),
            Some(longest) => (
                Self {
                    longest,
                    source: LimitSource::Profile(profile.to_owned()),
                },
                None,
            ),
            None if on_aws => (
                Self {
                    longest: MAX_LINK_LIFETIME,
                    source: LimitSource::Aws,
                },
                None,
            ),
            None => (Self::default(), None),
        }
    }

    /// True when links may live longer than SigV4's usual week: the SDK's presigner refuses
    /// those, so Pail's own signer makes them.
    pub fn past_a_week(&self) -> bool {
        self.longest > MAX_LINK_LIFETIME
    }

    /// `7 days: AWS's limit for pre-signed links`, `30 days: set in profile minio-lab`.
    pub fn describe(&self) -> String {
        format!("{}: {}", span_text(self.longest), self.source_text())
    }

    /// `7 days (AWS's limit for pre-signed links)`: for a sentence that goes on.
    pub fn span_and_source(&self) -> String {
        format!("{} ({})", span_text(self.longest), self.source_text())
    }

    fn source_text(&self) -> String {
        match &self.source {
            LimitSource::Aws => "AWS's limit for pre-signed links".to_owned(),
            LimitSource::Default => {
                "the usual limit; a profile can state its provider's".to_owned()
            }
            LimitSource::Profile(name) => format!("set in profile {name}"),
        }
    }
}

/// True when links through `endpoint` are AWS's own: no endpoint, or one spelled out on
/// `amazonaws.com` — where the 7 days hold whatever a profile says.
pub fn is_aws_endpoint(endpoint: Option<&str>) -> bool {
    endpoint.is_none_or(|e| {
        e.trim().is_empty()
            || url::Url::parse(e.trim())
                .ok()
                .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
                .is_some_and(|h| {
                    // A trailing dot is the same host; China's partition is amazonaws.com.cn.
                    let h = h.trim_end_matches('.');
                    ["amazonaws.com", "amazonaws.com.cn"]
                        .iter()
                        .any(|aws| h == *aws || h.ends_with(&format!(".{aws}")))
                })
    })
}

/// Why a `max_link_lifetime` (or `--expires-in`) was not understood.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LifetimeTextError {
    #[error(
        "`{0}` is not a lifetime: write seconds (2592000) or a number with d, h, m or s (30d, 720h)"
    )]
    Unparsable(String),
    #[error("a lifetime of `{0}` is too long: at most 3650 days")]
    TooLong(String),
    #[error("a lifetime must be at least 1 second")]
    Zero,
}

/// Reads `30d`, `720h`, `45m`, `90s` or `2592000` (seconds). Spaces around are ignored;
/// one number and one unit, nothing else.
pub fn parse_lifetime(text: &str) -> Result<Duration, LifetimeTextError> {
    let trimmed = text.trim();
    let unparsable = || LifetimeTextError::Unparsable(trimmed.to_owned());
    let (digits, unit) = match trimmed.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => trimmed.split_at(i),
        None => (trimmed, "s"),
    };
    if digits.is_empty() {
        return Err(unparsable());
    }
    // `M` alone stays refused: a month or a minute, a person could mean either.
    let scale: u64 = match unit.trim_start() {
        "d" | "D" => 86_400,
        "h" | "H" => 3600,
        "m" => 60,
        "s" | "S" => 1,
        _ => return Err(unparsable()),
    };
    let too_long = || LifetimeTextError::TooLong(trimmed.to_owned());
    let secs = digits
        .parse::<u64>()
        .map_err(|_| too_long())?
        .checked_mul(scale)
        .ok_or_else(too_long)?;
    if secs == 0 {
        return Err(LifetimeTextError::Zero);
    }
    let lifetime = Duration::from_secs(secs);
    if lifetime > LONGEST_STATED_LIMIT {
        return Err(too_long());
    }
    Ok(lifetime)
}

/// The form `max_link_lifetime` is written in: whole days as `30d`, whole hours as `36h`,
/// else seconds. [`parse_lifetime`] reads it back to the same duration.
pub fn lifetime_text(lifetime: Duration) -> String {
    let secs = lifetime.as_secs();
    if secs > 0 && secs.is_multiple_of(86_400) {
        format!("{}d", secs / 86_400)
    } else if secs > 0 && secs.is_multiple_of(3600) {
        format!("{}h", secs / 3600)
    } else {
        secs.to_string()
    }
}

/// `30 days`, `1 day`, `36 h`, `90 min` or `45 s`: a limit in words.
pub fn span_text(lifetime: Duration) -> String {
    let secs = lifetime.as_secs();
    match secs {
        86_400 => "1 day".to_owned(),
        s if s.is_multiple_of(86_400) => format!("{} days", s / 86_400),
        s if s.is_multiple_of(3600) => format!("{} h", s / 3600),
        s if s.is_multiple_of(60) => format!("{} min", s / 60),
        s => format!("{s} s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: u64 = 86_400;

    #[test]
    fn reads_days_hours_minutes_and_seconds() {
        assert_eq!(parse_lifetime("30d"), Ok(Duration::from_secs(30 * DAY)));
        assert_eq!(parse_lifetime(" 720h "), Ok(Duration::from_secs(30 * DAY)));
        assert_eq!(parse_lifetime("45m"), Ok(Duration::from_secs(2700)));
        assert_eq!(parse_lifetime("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_lifetime("2592000"), Ok(Duration::from_secs(30 * DAY)));
        assert_eq!(parse_lifetime("3650d"), Ok(LONGEST_STATED_LIMIT));
        // As `30 d` is read, so is `30D`.
        assert_eq!(parse_lifetime("30D"), Ok(Duration::from_secs(30 * DAY)));
        assert_eq!(parse_lifetime("30 D"), Ok(Duration::from_secs(30 * DAY)));
    }

    #[test]
    fn refuses_what_is_not_one_number_and_one_unit() {
        for bad in [
            "", "d", "-5", "30 days", "1d12h", "30M", "1.5d", "30w", "٣d", "30d\n1",
        ] {
            let result = parse_lifetime(bad);
            assert!(
                matches!(result, Err(LifetimeTextError::Unparsable(_))),
                "{bad:?}: {result:?}"
            );
        }
        assert_eq!(parse_lifetime("0d"), Err(LifetimeTextError::Zero));
        assert_eq!(parse_lifetime("0"), Err(LifetimeTextError::Zero));
        assert!(matches!(
            parse_lifetime("3651d"),
            Err(LifetimeTextError::TooLong(_))
        ));
        assert!(matches!(
            parse_lifetime("99999999999999999999999d"),
            Err(LifetimeTextError::TooLong(_))
        ));
        assert!(matches!(
            parse_lifetime("999999999999999999d"),
            Err(LifetimeTextError::TooLong(_))
        ));
    }

    #[test]
    fn written_form_reads_back_the_same() {
        for secs in [1, 59, 60, 3600, 5400, DAY, 36 * 3600, 30 * DAY, 3650 * DAY] {
            let lifetime = Duration::from_secs(secs);
            assert_eq!(parse_lifetime(&lifetime_text(lifetime)), Ok(lifetime));
        }
        assert_eq!(lifetime_text(Duration::from_secs(30 * DAY)), "30d");
        assert_eq!(lifetime_text(Duration::from_secs(36 * 3600)), "36h");
        assert_eq!(lifetime_text(Duration::from_secs(5400)), "5400");
    }

    #[test]
    fn aws_stays_at_seven_days_and_says_why() {
        let month = Some(Duration::from_secs(30 * DAY));
        let (limit, why) = LinkLimit::for_profile("prod", true, month);
        assert_eq!(limit.longest, MAX_LINK_LIFETIME);
        assert_eq!(limit.source, LimitSource::Aws);
        let why = why.unwrap();
        assert!(why.contains("prod") && why.contains("30d"), "{why}");
        assert!(why.contains("7 days"), "{why}");
        assert_eq!(limit.describe(), "7 days: AWS's limit for pre-signed links");
        // Shorter than a week on AWS: the profile's own rule, kept.
        let day = Some(Duration::from_secs(DAY));
        let (limit, why) = LinkLimit::for_profile("prod", true, day);
        assert_eq!(limit.longest, Duration::from_secs(DAY));
        assert_eq!(why, None);
        assert_eq!(limit.describe(), "1 day: set in profile prod");
        let (limit, _) = LinkLimit::for_profile("prod", true, None);
        assert_eq!(limit.source, LimitSource::Aws);
        assert!(!limit.past_a_week());
    }

    #[test]
    fn aws_endpoints_are_known_however_spelled() {
        assert!(is_aws_endpoint(None));
        assert!(is_aws_endpoint(Some(" ")));
        assert!(is_aws_endpoint(Some("https://s3.eu-west-1.AmazonAWS.com")));
        assert!(is_aws_endpoint(Some("https://amazonaws.com/")));
        assert!(!is_aws_endpoint(Some("https://amazonaws.com.evil.example")));
        assert!(!is_aws_endpoint(Some("https://notamazonaws.com")));
        assert!(!is_aws_endpoint(Some("http://127.0.0.1:9000")));
        assert!(is_aws_endpoint(Some(
            "https://s3.cn-north-1.amazonaws.com.cn"
        )));
        assert!(is_aws_endpoint(Some("https://s3.us-east-1.amazonaws.com.")));
        assert!(!is_aws_endpoint(Some(
            "https://amazonaws.com.cn.evil.example"
        )));
    }

    #[test]
    fn other_providers_take_the_stated_limit() {
        let (limit, why) =
            LinkLimit::for_profile("minio-lab", false, Some(Duration::from_secs(30 * DAY)));
        assert_eq!(why, None);
        assert!(limit.past_a_week());
        assert_eq!(limit.describe(), "30 days: set in profile minio-lab");
        let (limit, _) = LinkLimit::for_profile("minio-lab", false, None);
        assert_eq!(limit, LinkLimit::default());
        assert_eq!(limit.longest, MAX_LINK_LIFETIME);
    }
}
