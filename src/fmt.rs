//! Text as Pail shows it: sizes (1000-based units, like S3 consoles), counts, durations (as
//! the window shows them, and exact for messages), HTML escaping for the pages and email text
//! Pail makes, names made safe for a terminal, and an error with its causes as one line. Dates
//! and times are [`crate::local_time`]'s.

use std::borrow::Cow;

/// Whether `c` changes what a terminal or a text view shows instead of being shown: C0
/// controls (line breaks, ESC), DEL, C1 controls (a terminal may read U+009B as CSI), the
/// Unicode line and paragraph separators, and the bidirectional overrides and isolates
/// (U+202A–U+202E, U+2066–U+2069), which make `photo\u{202e}gpj.exe` read as `photoexe.jpg`.
pub(crate) fn is_hidden_control(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` as one line a terminal shows as it is: every [`is_hidden_control`] character
/// written as an escape — `\n`, `\r`, `\t`, `\x1b` (C0 and DEL), `\u{85}`, `\u{202e}` — and a
/// backslash doubled, so the escapes are unambiguous (`\\x1b` is a backslash, then `x1b`).
/// A name from a server can then neither forge a line (a line break, a line clear), nor
/// reach the terminal as a command (an OSC 52 clipboard write), nor reverse what it shows.
pub(crate) fn terminal_safe(text: &str) -> Cow<'_, str> {
    if !text
        .chars()
        .any(|c| c == '\\' || c == PATH_SEPARATOR || is_hidden_control(c))
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            PATH_SEPARATOR => out.push('\\'),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x80 && is_hidden_control(c) => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if is_hidden_control(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Stands for the `\\` of a Windows local path in a message, so that [`terminal_safe`] shows
/// it single — as Windows people write paths — while a `\\` in a key or other text stays
/// doubled. A Windows path cannot hold a control character, so its backslashes need no
/// escaping to be read right. U+FDD0 is a Unicode noncharacter, set aside for a program's
/// own use: it is not text anyone writes.
const PATH_SEPARATOR: char = '\u{fdd0}';

/// A local path for a message [`terminal_safe`] prints (`pail` on a terminal): on Windows its
/// `\\` are marked as [`PATH_SEPARATOR`]; elsewhere a path may hold any character but `/`
/// and NUL, so it is escaped like any other text. For a message shown as it is (the window),
/// [`shown_as_is`] turns the marks back.
pub(crate) fn path_text(path: &std::path::Path) -> String {
    mark_path_separators(&path.display().to_string(), cfg!(windows))
}

/// [`path_text`]'s rule, for either platform.
fn mark_path_separators(path: &str, windows: bool) -> String {
    match windows {
        true => path.replace('\\', &PATH_SEPARATOR.to_string()),
        false => path.to_owned(),
    }
}

/// `text` with [`path_text`]'s marks back to the `\\` they stand for, for a view that shows
/// text as it is (egui draws a control as a box, it does not obey it).
pub(crate) fn shown_as_is(text: &str) -> Cow<'_, str> {
    match text.contains(PATH_SEPARATOR) {
        true => Cow::Owned(text.replace(PATH_SEPARATOR, "\\")),
        false => Cow::Borrowed(text),
    }
}

/// `s` safe inside HTML text and attribute values (`&`, `<`, `>`, `"` and `'`).
pub(crate) fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A JSON document with the [`is_hidden_control`] characters JSON lets through raw (DEL, C1,
/// the separators and the bidi overrides) written as `\u` escapes: the same values, safe on a
/// terminal. They can stand only inside strings, where an escape means the same character;
/// the layout's line breaks and indents stay.
pub(crate) fn json_terminal_safe(json: &str) -> Cow<'_, str> {
    let escaped = |c: char| is_hidden_control(c) && !matches!(c, '\n' | '\r' | '\t');
    if !json.chars().any(escaped) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 8);
    for c in json.chars() {
        if escaped(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `6 days 23 h`, `3 h 5 min`, `45 s`: a duration as the dialog shows it.
pub(crate) fn duration(d: std::time::Duration) -> String {
    let secs = d.as_secs();
    let (days, hours, minutes) = (secs / 86_400, secs % 86_400 / 3600, secs % 3600 / 60);
    match (days, hours, minutes) {
        (0, 0, 0) => format!("{secs} s"),
        (0, 0, m) => format!("{m} min"),
        (0, h, m) => format!("{h} h {m} min"),
        (1, h, _) => format!("1 day {h} h"),
        (d, h, _) => format!("{d} days {h} h"),
    }
}

/// `7 days 1 h 0 min 5 s`-style text for a number of seconds, for messages.
pub(crate) fn exact_duration(secs: u64) -> String {
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (hours, rest) = (rest / 3600, rest % 3600);
    let (minutes, seconds) = (rest / 60, rest % 60);
    let mut parts = Vec::new();
    if days > 0 {
        parts.push(format!("{days} days"));
    }
    if hours > 0 {
        parts.push(format!("{hours} h"));
    }
    if minutes > 0 {
        parts.push(format!("{minutes} min"));
    }
    if seconds > 0 || parts.is_empty() {
        parts.push(format!("{seconds} s"));
    }
    format!("{} ({secs} seconds)", parts.join(" "))
}

/// The whole chain of an SDK error as one line: the top level alone is often just
/// "dispatch failure".
pub(crate) fn error_text(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// `182 KB`, `1.5 GB`, `999 B`.
pub(crate) fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["KB", "MB", "GB", "TB", "PB", "EB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 999.95 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if value < 10.0 {
        format!("{value:.1} {}", UNITS[unit])
    } else {
        format!("{value:.0} {}", UNITS[unit])
    }
}

/// `1,204,000`: digits grouped by thousands.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1 folder`, `3 objects`: a count with its noun, plural when needed.
pub(crate) fn count(n: usize, singular: &str, plural: &str) -> String {
    format!(
        "{} {}",
        thousands(n as u64),
        if n == 1 { singular } else { plural }
    )
}

#[cfg(test)]
mod tests {

    use super::*;

    #[test]
    fn names_reach_a_terminal_as_text_never_as_controls() {
        assert_eq!(
            terminal_safe("plain name ü 日本.txt"),
            "plain name ü 日本.txt"
        );
        // An OSC 52 clipboard write, a line clear and a forged row.
        assert_eq!(
            terminal_safe("a\x1b]52;c;ZWNobw==\x07b\x1b[2K\r\nforged\trow\x7f"),
            "a\\x1b]52;c;ZWNobw==\\x07b\\x1b[2K\\r\\nforged\\trow\\x7f"
        );
        assert_eq!(terminal_safe("c1\u{9b}31m"), "c1\\u{9b}31m");
        assert_eq!(
            terminal_safe("photo\u{202e}gpj.exe \u{2066}x\u{2069}"),
            "photo\\u{202e}gpj.exe \\u{2066}x\\u{2069}"
        );
        assert_eq!(terminal_safe("line\u{2028}sep"), "line\\u{2028}sep");
        // A literal backslash is doubled: `\x1b` typed into a name is not an escape.
        assert_eq!(terminal_safe("a\\x1b"), "a\\\\x1b");
        assert_ne!(terminal_safe("a\\x1b"), terminal_safe("a\x1b"));
        assert!(
            terminal_safe("\u{0}\u{1f}\u{80}\u{9f}\u{202a}\u{2069}")
                .chars()
                .all(|c| c.is_ascii_graphic())
        );
    }

    #[test]
    fn a_windows_path_prints_with_single_backslashes_and_a_key_keeps_its_escapes() {
        let path = mark_path_separators(r"Z:\tmp\a28\big.bin", true);
        let line = format!("upload: {path} to s3://b/k\\x1b\x1b");
        assert_eq!(
            terminal_safe(&line),
            r"upload: Z:\tmp\a28\big.bin to s3://b/k\\x1b\x1b"
        );
        assert_eq!(shown_as_is(&path), r"Z:\tmp\a28\big.bin");
        // Elsewhere a `\` is a file name's own character, escaped like any other text.
        let unix = mark_path_separators(r"/tmp/a\tb", false);
        assert_eq!(terminal_safe(&unix), r"/tmp/a\\tb");
        assert_eq!(shown_as_is("plain"), "plain");
    }

    #[test]
    fn json_keeps_its_values_and_shows_no_controls() {
        let value = serde_json::json!({"key": "a\u{1b}b\u{7f}\u{9b}\u{202e}\\"});
        let text = serde_json::to_string(&value).unwrap();
        let safe = json_terminal_safe(&text);
        assert!(!safe.chars().any(is_hidden_control), "{safe}");
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&safe).unwrap(),
            value
        );
        let pretty = serde_json::to_string_pretty(&value).unwrap();
        let safe = json_terminal_safe(&pretty);
        assert_eq!(safe.lines().count(), 3, "the layout stays: {safe}");
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&safe).unwrap(),
            value
        );
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(std::time::Duration::from_secs(45)), "45 s");
        assert_eq!(duration(std::time::Duration::from_secs(3599)), "59 min");
        assert_eq!(
            duration(std::time::Duration::from_secs(3 * 3600 + 300)),
            "3 h 5 min"
        );
        assert_eq!(
            duration(std::time::Duration::from_secs(86_400 + 7200)),
            "1 day 2 h"
        );
        assert_eq!(
            duration(std::time::Duration::from_secs(604_799)),
            "6 days 23 h"
        );
    }

    #[test]
    fn sizes_use_decimal_units() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(999), "999 B");
        assert_eq!(human_size(1000), "1.0 KB");
        assert_eq!(human_size(182_400), "182 KB");
        assert_eq!(human_size(100_000_000), "100 MB");
        assert_eq!(human_size(999_999), "1.0 MB");
        assert_eq!(human_size(1_500_000_000), "1.5 GB");
        assert_eq!(human_size(u64::MAX), "18 EB");
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_204_000), "1,204,000");
        assert_eq!(count(1, "folder", "folders"), "1 folder");
        assert_eq!(count(12000, "object", "objects"), "12,000 objects");
    }
}
