//! Links as people paste them: one per line in plain text, or HTML for email clients, where
//! each link is a clickable file name followed by when it expires.

use std::time::SystemTime;

use crate::fmt::html_escape;

/// What is said of a signed link to a key with a `.` or `..` segment: the signature covers
/// the path as written, and browsers send it resolved.
pub const DOT_SEGMENT_WARNING: &str = "this key has a `.` or `..` segment, which browsers \
     resolve away before sending: the link opens in tools that send the path as written (curl \
     --path-as-is), and a browser gets SignatureDoesNotMatch";

/// A link and what to call it in a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedLink {
    /// The file name people see (the object's name or the chosen download name).
    pub name: String,
    pub url: String,
    /// When the link stops working (the effective expiry).
    pub expires: SystemTime,
}

/// `Mon 7 Dec 2026, 14:05 CET (UTC+01:00)` in the local time zone: a recipient elsewhere
/// must be able to tell when that is.
pub fn expiry_text(t: SystemTime) -> String {
    expiry_text_in(t, &crate::local_time::system_zone())
}

/// [`expiry_text`] in the time zone `zone`.
pub fn expiry_text_in(t: SystemTime, zone: &jiff::tz::TimeZone) -> String {
    let Some(zoned) = crate::local_time::zoned(t, zone) else {
        // Past the year 9999: no link lives that long, but say something true.
        return "in the far future".to_owned();
    };
    let when = zoned.strftime("%a %-d %b %Y, %H:%M").to_string();
    let offset = zoned.strftime("UTC%:z").to_string();
    let name = zoned.strftime("%Z").to_string();
    // Zones without a name (fixed offsets) give the offset itself: say it once.
    if name.is_empty() || name.starts_with(['+', '-']) {
        format!("{when} ({offset})")
    } else {
        format!("{when} {name} ({offset})")
    }
}

/// One URL per line.
pub fn plain_text(links: &[NamedLink]) -> String {
    let mut text = links
        .iter()
        .map(|l| l.url.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    if links.len() > 1 {
        text.push('\n');
    }
    text
}

/// HTML for email: `<a href=…>file name</a> (link expires on …)`, one per line, or a list
/// for several links.
pub fn email_html(links: &[NamedLink]) -> String {
    let item = |l: &NamedLink| {
        format!(
            "<a href=\"{}\">{}</a> (link expires on {})",
            html_escape(&l.url),
            html_escape(&l.name),
            html_escape(&expiry_text(l.expires))
        )
    };
    match links {
        [one] => item(one),
        many => {
            let items: String = many
                .iter()
                .map(|l| format!("<li>{}</li>", item(l)))
                .collect();
            format!("<ul>{items}</ul>")
        }
    }
}

/// The plain-text alternative of [`email_html`], for clients that do not take HTML.
pub fn email_plain(links: &[NamedLink]) -> String {
    links
        .iter()
        .map(|l| {
            format!(
                "{}: {} (link expires on {})",
                l.name,
                l.url,
                expiry_text(l.expires)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn link(name: &str, url: &str) -> NamedLink {
        NamedLink {
            name: name.into(),
            url: url.into(),
            expires: SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000),
        }
    }

    #[test]
    fn expiry_text_names_the_time_zone() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_036_280); // 2026-11-30 10:58 UTC
        let fixed = jiff::tz::TimeZone::fixed(jiff::tz::offset(1));
        assert_eq!(
            expiry_text_in(t, &fixed),
            "Mon 30 Nov 2026, 11:58 (UTC+01:00)"
        );
        assert_eq!(
            expiry_text_in(t, &jiff::tz::TimeZone::UTC),
            "Mon 30 Nov 2026, 10:58 UTC (UTC+00:00)"
        );
        if let Ok(berlin) = jiff::tz::TimeZone::get("Europe/Berlin") {
            assert_eq!(
                expiry_text_in(t, &berlin),
                "Mon 30 Nov 2026, 11:58 CET (UTC+01:00)"
            );
        }
        let html = email_html(&[link("a.pdf", "https://x/a")]);
        assert!(html.contains("(UTC"), "{html}");
        assert!(email_plain(&[link("a.pdf", "https://x/a")]).contains("(UTC"));
    }

    #[test]
    fn plain_is_one_url_per_line() {
        assert_eq!(plain_text(&[link("a", "https://x/a")]), "https://x/a");
        assert_eq!(
            plain_text(&[link("a", "https://x/a"), link("b", "https://x/b")]),
            "https://x/a\nhttps://x/b\n"
        );
    }

    #[test]
    fn email_html_links_the_file_name_and_escapes() {
        let html = email_html(&[link("Q3 <final> & more.pdf", "https://x/a?b=1&c=2")]);
        assert!(html.starts_with(
            "<a href=\"https://x/a?b=1&amp;c=2\">Q3 &lt;final&gt; &amp; more.pdf</a> (link expires on "
        ), "{html}");
        let list = email_html(&[link("a", "https://x/a"), link("b", "https://x/b")]);
        assert!(
            list.starts_with("<ul><li><a href=\"https://x/a\">a</a>"),
            "{list}"
        );
        assert_eq!(list.matches("<li>").count(), 2);
    }

    #[test]
    fn email_plain_names_each_link() {
        let text = email_plain(&[link("a.pdf", "https://x/a")]);
        assert!(
            text.starts_with("a.pdf: https://x/a (link expires on "),
            "{text}"
        );
    }
}
