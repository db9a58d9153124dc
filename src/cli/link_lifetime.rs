//! The CLI's side of link lifetimes: `--expires-in 30d`, the profile's limit checked before
//! signing (and named when it is broken), a `~/.aws/config` profile's
//! `pail_max_link_lifetime`, and the ways out when temporary credentials end before the link.

use std::time::{Duration, SystemTime};

use super::{CliError, ConnectionArgs, local_time, warn};
use crate::model::Endpoint;
use crate::profiles::{Profile, ProfileSource};
use crate::s3::connection::Connection;
use crate::share::{EffectiveExpiry, Expiry, ExpiryError, Lifetime, LinkLimit};

/// `--expires-in`: seconds, or a number with d, h, m or s (`30d`, `720h`).
pub(crate) fn parse_expires_in(text: &str) -> Result<Duration, String> {
    crate::share::link_limit::parse_lifetime(text).map_err(|e| e.to_string())
}

/// Checks `expiry` against the connection's limit at `now`; a refusal names where the limit
/// comes from, so the person knows what to change.
pub(crate) fn check_within_limit(
    expiry: Expiry,
    connection: &Connection,
    now: SystemTime,
) -> Result<(), CliError> {
    let limit = connection.link_limit();
    match expiry.resolve_within_limit(now, limit.longest) {
        Ok(_) => Ok(()),
        Err(e @ ExpiryError::TooLong { .. }) => Err(CliError::Usage(format!(
            "{e} — the limit is {}{}",
            limit.describe(),
            if limit.past_a_week() {
                ""
            } else {
                " (`pail presign-cloudfront` makes links that last longer)"
            }
        ))),
        Err(e) => Err(e.into()),
    }
}

/// The profile the command line names, as discovery finds it (a Pail profile first, as
/// [`ConnectionArgs`] connects), with the command line's endpoint over its own; and every
/// profile found. Pail's own store is read only when `with_pail` (reading it sets a file it
/// cannot read aside, which a command that only needs its AWS profile must not do).
pub(crate) async fn current_profile(
    args: &ConnectionArgs,
    with_pail: bool,
) -> (Option<Profile>, Vec<Profile>) {
    let all = if with_pail {
        let dir = crate::profiles::store::default_dir();
        let found = crate::profiles::discover(dir.as_deref()).await;
        for warning in &found.warnings {
            warn(warning);
        }
        found.profiles
    } else {
        crate::profiles::discover_aws().await.0
    };
    let aws_name = args
        .profile
        .clone()
        .or_else(|| std::env::var("AWS_PROFILE").ok())
        .unwrap_or_else(|| "default".to_owned());
    let by = |source: ProfileSource, name: &str| {
        all.iter()
            .find(|p| p.source == source && p.name == name)
            .cloned()
    };
    let current = match &args.profile {
        Some(name) => by(ProfileSource::Pail, name).or_else(|| by(ProfileSource::AwsConfig, name)),
        None => all
            .iter()
            .find(|p| p.source == ProfileSource::Environment)
            .cloned()
            .or_else(|| by(ProfileSource::AwsConfig, &aws_name)),
    }
    .map(|mut profile| {
        if let Some(url) = &args.endpoint_url {
            if let Ok(given) = Endpoint::custom(url)
                && !is_own_endpoint(profile.endpoint.as_deref(), &given)
                && profile.max_link_lifetime.take().is_some()
                && !with_pail
            {
                warn(&not_own_endpoint(&profile.name, url));
            }
            profile.endpoint = Some(url.clone());
        }
        profile
    });
    (current, all)
}

/// Whether `given` (an `--endpoint-url`) is the server the profile itself names: a profile's
/// longest link is what its own provider accepts, not any server's.
pub(crate) fn is_own_endpoint(own: Option<&str>, given: &Endpoint) -> bool {
    own.and_then(|own| Endpoint::custom(own).ok())
        .is_some_and(|own| own == *given)
}

pub(crate) fn not_own_endpoint(profile: &str, url: &str) -> String {
    format!(
        "profile `{profile}`'s longest link is for its own server, not {url}: links there keep \
         the 7-day limit"
    )
}

/// The limit of an AWS-chain connection: its `~/.aws/config` profile's
/// `pail_max_link_lifetime`, on the custom endpoint that profile names and the connection
/// really uses (not one from the environment). A limit ignored is said.
pub(crate) fn aws_chain_limit(current: Option<&Profile>, connection: &Connection) -> LinkLimit {
    let Some(profile) = current else {
        let name = connection.endpoint().name();
        let on_aws = crate::share::link_limit::is_aws_endpoint(name.as_deref());
        return LinkLimit::for_profile("", on_aws, None).0;
    };
    let (limit, ignored) = profile.link_limit_on(connection.endpoint());
    if let Some(why) = ignored {
        warn(&why);
    }
    limit
}

/// Tells the person when temporary credentials end a link early, and what to do instead: a
/// shorter expiry, the CloudFront route, or a profile with long-term keys on the same server.
pub(crate) async fn warn_if_credentials_end_first(
    lifetime: &Lifetime,
    effective: &EffectiveExpiry,
    args: &ConnectionArgs,
    bucket: &str,
) {
    if !effective.limited_by_credentials {
        return;
    }
    let (current, all) = current_profile(args, true).await;
    let others = match &current {
        // Only those whose own limit allows this link's lifetime.
        Some(current) => crate::profiles::ways_out::long_term_profiles(&all, current, bucket)
            .iter()
            .filter(|p| p.link_limit().0.longest >= lifetime.expires_in)
            .map(|p| p.name.clone())
            .collect::<Vec<_>>(),
        None => Vec::new(),
    };
    let end = jiff::Timestamp::try_from(effective.at)
        .map(|t| t.to_string())
        .unwrap_or_else(|_| crate::local_time::utc_text(effective.at));
    let ways = format!(
        "--expires-at {end} (a link that lasts as long as it says), `pail presign-cloudfront` \
         (through CloudFront)"
    );
    let ways = if others.is_empty() {
        format!("{ways}; no other profile on this server has long-term keys and a limit that long")
    } else {
        format!(
            "{ways}, or --profile with long-term keys ({})",
            others.join(", ")
        )
    };
    warn(&format!(
        "the credentials that signed this expire at {}: it stops working then. Ways out: {ways}",
        local_time(effective.at)
    ));
}

/// `pail profiles list`'s LONGEST LINK: `30d`, `7d`, or `7d (30d ignored: AWS)`.
pub(crate) fn longest_link_cell(profile: &Profile) -> String {
    let (limit, ignored) = profile.link_limit();
    let longest = crate::share::link_limit::lifetime_text(limit.longest);
    match (ignored, profile.max_link_lifetime) {
        (Some(_), Some(stated)) => format!(
            "{longest} ({} ignored: AWS)",
            crate::share::link_limit::lifetime_text(stated)
        ),
        _ => longest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expires_in_reads_seconds_and_units() {
        assert_eq!(parse_expires_in("3600"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_expires_in("30d"), Ok(Duration::from_secs(2_592_000)));
        assert!(
            parse_expires_in("-5")
                .unwrap_err()
                .contains("not a lifetime")
        );
        assert!(
            parse_expires_in("0")
                .unwrap_err()
                .contains("at least 1 second")
        );
    }
}
