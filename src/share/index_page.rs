//! A folder shared as one link: the small, self-contained HTML index page (names, sizes,
//! dates, a link each, the total, when the links expire and in which time zone), and the same
//! links as CSV or JSON for a spreadsheet or a script. Pure: the links and times are given.

use std::time::SystemTime;

use crate::fmt::{html_escape, human_size, is_hidden_control, terminal_safe, thousands};
use crate::local_time::TimeZone;
use crate::share::link_text::expiry_text_in;

/// Where shared pages go in a bucket: `.pail-shares/<id>/index.html`.
pub const SHARES_FOLDER: &str = ".pail-shares/";

/// One object of a shared folder and its link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareEntry {
    /// The full key.
    pub key: String,
    /// The name shown: the key below the shared folder.
    pub name: String,
    pub size: u64,
    /// Seconds since 1970.
    pub last_modified: i64,
    pub url: String,
    /// When the link stops working.
    pub expires: SystemTime,
}

/// The page's key for share `id`.
pub fn page_key(id: &str) -> String {
    format!("{SHARES_FOLDER}{id}/index.html")
}

/// The index page of `folder` (`s3://bucket/prefix/`), its links ending at `expires`, times
/// shown in `zone`.
pub fn index_html(
    folder: &str,
    entries: &[ShareEntry],
    expires: SystemTime,
    zone: &TimeZone,
) -> String {
    let total: u64 = entries.iter().map(|e| e.size).fold(0, u64::saturating_add);
    let folder_name = folder
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(folder);
    // A title holds text only: the escapes are shown without their colour there.
    let title = shown_name(folder_name, false);
    let heading = shown_name(folder_name, true);
    let mut rows = String::new();
    for entry in entries {
        let modified = crate::local_time::format(
            std::time::UNIX_EPOCH
                + std::time::Duration::from_secs(entry.last_modified.max(0) as u64),
            zone,
            "%Y-%m-%d %H:%M",
        );
        rows.push_str(&format!(
            "<tr><td><a href=\"{}\">{}</a></td><td class=\"n\" title=\"{} bytes\">{}</td><td>{}</td></tr>\n",
            html_escape(&entry.url),
            shown_name(&entry.name, true),
            thousands(entry.size),
            human_size(entry.size),
            html_escape(&modified),
        ));
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex\"><title>{title}</title><style>\
         body{{font-family:system-ui,sans-serif;margin:2em auto;max-width:60em;padding:0 1em;color:#222}}\
         table{{border-collapse:collapse;width:100%}}td,th{{padding:.35em .6em;border-bottom:1px solid #ddd;text-align:left}}\
         .n{{text-align:right;white-space:nowrap}}p.e,.c{{color:#a40}}</style></head><body>\n\
         <h1>{heading}</h1>\n<p>{count} · {total_size} in all</p>\n\
         <p class=\"e\">These links expire on {expiry}.</p>\n\
         <table><thead><tr><th>Name</th><th class=\"n\">Size</th><th>Modified</th></tr></thead><tbody>\n\
         {rows}</tbody></table>\n<p><small>Shared with Pail.</small></p>\n</body></html>\n",
        count = html_escape(&crate::fmt::count(entries.len(), "file", "files")),
        total_size = human_size(total),
        expiry = html_escape(&expiry_text_in(expires, zone)),
    )
}

/// `name` as HTML text, each character that would be obeyed rather than shown — a bidi
/// override that makes `photo\u{202e}gpj.exe` read as `photoexe.jpg`, a control character —
/// written as its escape (`\u{202e}`), in colour when `marked`.
fn shown_name(name: &str, marked: bool) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if is_hidden_control(c) {
            let escape = terminal_safe(c.encode_utf8(&mut [0; 4])).into_owned();
            if marked {
                out.push_str(&format!("<span class=\"c\">{escape}</span>"));
            } else {
                out.push_str(&escape);
            }
        } else {
            out.push_str(&html_escape(c.encode_utf8(&mut [0; 4])));
        }
    }
    out
}

/// `key,size,url,expires` with a header row; fields quoted where they need it (RFC 4180), and
/// a leading `=`, `+`, `-`, `@`, TAB or CR defused so a spreadsheet never runs a key as a
/// formula (spreadsheets skip a leading TAB or CR, then read what follows).
pub fn links_csv(entries: &[ShareEntry]) -> String {
    let mut csv = String::from("key,size,url,expires\n");
    for entry in entries {
        csv.push_str(&format!(
            "{},{},{},{}\n",
            csv_field(&entry.key),
            entry.size,
            csv_field(&entry.url),
            expires_text(entry.expires, crate::local_time::utc_text)
        ));
    }
    csv
}

/// The links as a JSON array of `{"key", "size", "url", "expires"}` (expires in RFC 3339).
pub fn links_json(entries: &[ShareEntry]) -> String {
    let items: Vec<serde_json::Value> = entries
        .iter()
        .map(|e| {
            serde_json::json!({
                "key": e.key,
                "size": e.size,
                "url": e.url,
                "expires": expires_text(e.expires, |at| {
                    crate::local_time::format(at, &TimeZone::UTC, "%Y-%m-%dT%H:%M:%SZ")
                }),
            })
        })
        .collect();
    serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".to_owned()) + "\n"
}

/// A link's expiry as written, or `never` for a public link: its stand-in moment
/// ([`super::public_url::no_expiry`]) is no date to show anyone.
fn expires_text(at: SystemTime, written: impl Fn(SystemTime) -> String) -> String {
    if at >= super::public_url::no_expiry() {
        "never".to_owned()
    } else {
        written(at)
    }
}

fn csv_field(text: &str) -> String {
    let defused = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if defused.contains([',', '"', '\n', '\r']) || defused != text {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(key: &str, size: u64) -> ShareEntry {
        ShareEntry {
            key: format!("reports/{key}"),
            name: key.to_owned(),
            size,
            last_modified: 1_790_000_000,
            url: format!("https://b.s3.amazonaws.com/reports/{key}?X-Amz-Signature=abc&x=1"),
            expires: SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_800_000_000),
        }
    }

    #[test]
    fn the_page_escapes_names_and_says_when_and_where() {
        let entries = [
            entry("<script>x</script>.pdf", 1500),
            entry("a&b \"q\".txt", 10),
        ];
        let html = index_html(
            "s3://b/reports/",
            &entries,
            entries[0].expires,
            &TimeZone::fixed(jiff::tz::offset(1)),
        );
        assert!(!html.contains("<script>x"), "names are escaped");
        assert!(html.contains("&lt;script&gt;x&lt;/script&gt;.pdf"));
        assert!(html.contains("href=\"https://b.s3.amazonaws.com/reports/&lt;script&gt;"));
        assert!(html.contains("&amp;x=1"), "URLs are escaped in attributes");
        assert!(html.contains("2 files · 1.5 KB in all"), "{html}");
        assert!(html.contains("These links expire on"));
        assert!(html.contains("UTC+01:00"), "the time zone is said");
        assert!(html.contains("<title>reports</title>"));
    }

    #[test]
    fn a_public_link_never_expires_in_csv_and_json() {
        let mut public = entry("open.txt", 1);
        public.expires = crate::share::public_url::no_expiry();
        let csv = links_csv(&[public.clone(), entry("signed.txt", 2)]);
        let lines: Vec<&str> = csv.lines().collect();
        assert!(lines[1].ends_with(",never"), "{}", lines[1]);
        assert!(!lines[2].ends_with(",never"), "{}", lines[2]);
        assert!(!csv.contains("2106"), "{csv}");
        let json = links_json(&[public]);
        assert!(json.contains("\"expires\": \"never\""), "{json}");
    }

    #[test]
    fn csv_quotes_what_needs_it_and_defuses_formulas() {
        let csv = links_csv(&[entry("a,b.txt", 1), entry("=cmd()", 2)]);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "key,size,url,expires");
        assert!(
            lines[1].starts_with("\"reports/a,b.txt\",1,"),
            "{}",
            lines[1]
        );
        assert!(lines[2].starts_with("reports/=cmd(),2,"), "{}", lines[2]);
        assert_eq!(csv_field("=cmd()"), "\"'=cmd()\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("a\"b,c"), "\"a\"\"b,c\"");
    }

    #[test]
    fn a_leading_tab_or_carriage_return_is_defused_too() {
        // Spreadsheets skip a leading TAB or CR and then read the formula.
        assert_eq!(
            csv_field("\t=HYPERLINK(\"x\")"),
            "\"'\t=HYPERLINK(\"\"x\"\")\""
        );
        assert_eq!(csv_field("\r+1"), "\"'\r+1\"");
        assert_eq!(csv_field("\tplain"), "\"'\tplain\"");
    }

    #[test]
    fn bidirectional_overrides_are_shown_not_obeyed() {
        let mut entries = [
            entry("photo\u{202e}gpj.exe", 1),
            entry("a\u{2066}b\u{2069}\u{1b}", 2),
        ];
        for e in &mut entries {
            e.url = "https://b.s3.amazonaws.com/reports/x%E2%80%AE?X-Amz-Signature=abc".into();
        }
        let html = index_html(
            "s3://b/re\u{202d}ports/",
            &entries,
            entries[0].expires,
            &TimeZone::UTC,
        );
        for c in [
            '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}',
            '\u{2068}', '\u{2069}', '\u{1b}',
        ] {
            assert!(!html.contains(c), "{c:?} reaches the page");
        }
        assert!(
            html.contains("photo<span class=\"c\">\\u{202e}</span>gpj.exe"),
            "{html}"
        );
        assert!(html.contains("<title>re\\u{202d}ports</title>"), "{html}");
    }

    #[test]
    fn json_lists_every_link() {
        let json: serde_json::Value =
            serde_json::from_str(&links_json(&[entry("a.txt", 3)])).unwrap();
        assert_eq!(json[0]["key"], "reports/a.txt");
        assert_eq!(json[0]["size"], 3);
        assert_eq!(json[0]["expires"], "2027-01-15T08:00:00Z");
    }
}
