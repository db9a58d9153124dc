//! A saved profile's `max_link_lifetime`: the longest link its provider accepts, written as
//! `30d`, `720h` or seconds ([`crate::share::link_limit::parse_lifetime`]).
//!
//! It is read leniently, apart from the typed check of `config.toml`: a value this Pail does
//! not understand (a newer Pail's form, a wrong type) costs the profile its longer limit, not
//! the whole file, and is written back as it was read unless the person sets another.

use std::time::Duration;

use crate::share::link_limit::{lifetime_text, parse_lifetime};

pub(super) const KEY: &str = "max_link_lifetime";

/// The limit `entry` states, and a message when it states one that cannot be used.
pub(super) fn read(profile: &str, entry: &toml::Table) -> (Option<Duration>, Option<String>) {
    let Some(value) = entry.get(KEY) else {
        return (None, None);
    };
    let parsed = match value {
        toml::Value::String(text) => parse_lifetime(text).map_err(|e| e.to_string()),
        toml::Value::Integer(secs) => u64::try_from(*secs)
            .map_err(|_| format!("{secs} is not a number of seconds"))
            .and_then(|secs| parse_lifetime(&secs.to_string()).map_err(|e| e.to_string())),
        other => Err(format!("the {} value is not a lifetime", other.type_str())),
    };
    match parsed {
        Ok(lifetime) => (Some(lifetime), None),
        Err(reason) => (
            None,
            Some(format!(
                "profile `{profile}`: {KEY} is not used ({reason}); its links keep the 7-day limit"
            )),
        ),
    }
}

/// Sets `lifetime` into `entry`. A value already there that reads as the same lifetime is
/// kept as it is (`720h` stays `720h`); one this Pail could not read stays unless the person
/// set a lifetime of their own.
pub(super) fn write(entry: &mut toml::Table, lifetime: Option<Duration>) {
    let (kept, _) = read("", entry);
    match lifetime {
        Some(lifetime) if kept == Some(lifetime) => {}
        Some(lifetime) => {
            entry.insert(KEY.to_owned(), lifetime_text(lifetime).into());
        }
        None if entry.contains_key(KEY) && kept.is_none() => {}
        None => {
            entry.remove(KEY);
        }
    }
}

/// Why `profile`'s limit cannot be saved: AWS refuses links past a week, whatever is stated.
pub(super) fn problem(profile: &super::SavedProfile) -> Option<String> {
    let stated = profile.max_link_lifetime?;
    let on_aws = crate::share::link_limit::is_aws_endpoint(profile.endpoint.as_deref());
    (on_aws && stated > crate::share::MAX_LINK_LIFETIME).then(|| {
        format!(
            "Longest link: AWS refuses pre-signed links that live longer than 7 days, not {}.",
            lifetime_text(stated)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(text: &str) -> toml::Table {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn hostile_values_cost_the_limit_not_the_profile() {
        for (text, why) in [
            ("max_link_lifetime = -5", "not a number of seconds"),
            ("max_link_lifetime = 0", "at least 1 second"),
            ("max_link_lifetime = \"99999999999999999999d\"", "too long"),
            ("max_link_lifetime = \"3651d\"", "too long"),
            (
                "max_link_lifetime = 1.5",
                "the float value is not a lifetime",
            ),
            (
                "max_link_lifetime = [\"30d\"]",
                "the array value is not a lifetime",
            ),
            ("max_link_lifetime = \"30d\\u001b[2J\"", "not a lifetime"),
        ] {
            let (lifetime, problem) = read("p\u{1b}x", &entry(text));
            assert_eq!(lifetime, None, "{text}");
            let problem = problem.unwrap_or_default();
            assert!(problem.contains(why), "{text}: {problem}");
        }
        assert_eq!(
            read("p", &entry("max_link_lifetime = 86400")),
            (Some(Duration::from_secs(86_400)), None)
        );
        assert_eq!(read("p", &entry("other = 1")), (None, None));
    }

    #[test]
    fn written_back_as_read_unless_changed() {
        let mut kept = entry("max_link_lifetime = \"720h\"");
        write(&mut kept, Some(Duration::from_secs(30 * 86_400)));
        assert_eq!(kept["max_link_lifetime"].as_str(), Some("720h"));
        write(&mut kept, Some(Duration::from_secs(86_400)));
        assert_eq!(kept["max_link_lifetime"].as_str(), Some("1d"));
        write(&mut kept, None);
        assert!(!kept.contains_key(KEY));
        let mut newer = entry("max_link_lifetime = { days = 30 }");
        write(&mut newer, None);
        assert!(newer.contains_key(KEY), "a newer Pail's form is kept");
    }
}
