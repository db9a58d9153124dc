//! Which file of a bucket's folder holds which key. s3s-fs keeps key K of bucket B as the file
//! `B/K`; on Linux any key but a few odd ones is a valid path, but Windows refuses `<>:"\|?*`
//! and control characters, the device names (`CON`, `con.txt`, `COM¹`…), a name ending in a
//! dot or a space and an empty name, and it does not tell `A.txt` from `a.txt`. On Windows the
//! local server therefore stores each key under a name of its own, made here: readable for
//! ordinary keys (`photos/2024/beach.jpg` stays itself), one name per key and one key per
//! name, no two names alike to a comparison that ignores case.
//!
//! The Windows names, segment by segment (a segment is the text between two `/`):
//! - kept as they are: `a-z`, `0-9`, the ASCII punctuation Windows accepts (but `%`, `^`,
//!   `~`), letters without case (`日`) and lowercase letters whose uppercase lowercases back
//!   to them (`é`, `я`): no two kept characters are one letter in two cases;
//! - an uppercase letter whose lowercase comes back to it: `^` and the lowercase (`É` → `^é`),
//!   two characters, so a Cyrillic or Greek name does not triple;
//! - everything else, byte by byte of its UTF-8: `%` and two lowercase hex digits;
//! - a segment ending in a dot or a space: that last character escaped (`a.` → `a%2e`, which
//!   also makes `.` and `..` ordinary names); a device name: its first character escaped
//!   (`con.txt` → `%63on.txt`); an empty segment (`a//b`, a leading `/`): `^` alone;
//! - `~` is escaped because Windows gives long names a short alias with a `~` (`LONGNA~1.TXT`)
//!   that would open another key's file.
//!
//! The last segment of a key ending in `/` stays empty: s3s-fs makes such a key a folder.
//! Names are decoded strictly: a name is read back only if it is the name of the key it reads
//! as, so a file written by hand under another spelling is no key at all.

/// How the local server names the file of a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyNames {
    /// The key is the path, as it always was on Linux: folders filled by hand, and the demo
    /// folders people already have, keep working.
    Same,
    /// Names Windows accepts and tells apart.
    Windows,
}

/// The longest name Windows accepts, in UTF-16 units.
const LONGEST: usize = 255;

/// Windows' device names: a file name is one of these if what comes before its first dot,
/// without trailing spaces, is one, in any case.
const DEVICES: &[&str] = &[
    "con", "prn", "aux", "nul", "conin$", "conout$", "com0", "com1", "com2", "com3", "com4",
    "com5", "com6", "com7", "com8", "com9", "com¹", "com²", "com³", "lpt0", "lpt1", "lpt2", "lpt3",
    "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9", "lpt¹", "lpt²", "lpt³",
];

impl KeyNames {
    /// The names of the system the server runs on.
    pub(crate) fn native() -> Self {
        if cfg!(windows) {
            Self::Windows
        } else {
            Self::Same
        }
    }

    /// The path, relative to the bucket's folder and with `/` between folders, of `key`'s
    /// file.
    pub(crate) fn file_of(self, key: &str) -> String {
        match self {
            Self::Same => key.to_owned(),
            Self::Windows => {
                let segments: Vec<&str> = key.split('/').collect();
                let last = segments.len() - 1;
                let mut out = String::with_capacity(key.len() + 8);
                for (i, segment) in segments.into_iter().enumerate() {
                    if i > 0 {
                        out.push('/');
                    }
                    if !(i == last && segment.is_empty()) {
                        push_segment(segment, &mut out);
                    }
                }
                out
            }
        }
    }

    /// The key whose file is `path`; `None` for a path that is no key's file.
    pub(crate) fn key_of(self, path: &str) -> Option<String> {
        match self {
            Self::Same => Some(path.to_owned()),
            Self::Windows => {
                let segments: Vec<&str> = path.split('/').collect();
                let last = segments.len() - 1;
                let mut key = String::with_capacity(path.len());
                for (i, segment) in segments.into_iter().enumerate() {
                    if i > 0 {
                        key.push('/');
                    }
                    if !(i == last && segment.is_empty()) {
                        key.push_str(&read_segment(segment)?);
                    }
                }
                // Strict: only the one spelling this module writes.
                (self.file_of(&key) == path).then_some(key)
            }
        }
    }

    /// Whether the system can hold `path` (made by [`Self::file_of`]): on Windows, no name
    /// longer than 255 UTF-16 units. Elsewhere the file system has the last word.
    pub(crate) fn fits(self, path: &str) -> bool {
        match self {
            Self::Same => true,
            Self::Windows => path
                .split('/')
                .all(|segment| segment.encode_utf16().count() <= LONGEST),
        }
    }
}

/// ASCII kept as it is: what Windows accepts in a name, less the escape (`%`), the case mark
/// (`^`), the short-name mark (`~`) and uppercase letters.
fn kept_ascii(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit() || b" !#$&'()+,-.;=@[]_`{}".contains(&b)
}

/// The one character `chars` holds, if it holds exactly one.
fn single(mut chars: impl Iterator<Item = char>) -> Option<char> {
    let c = chars.next()?;
    chars.next().is_none().then_some(c)
}

/// A character kept as it is: no case, or lowercase with an uppercase that lowercases back to
/// it. Two kept characters are then never one letter to a comparison that uppercases both
/// (as Windows compares names): `ς` and `σ` both uppercase to `Σ`, so `ς` is escaped.
fn kept(c: char) -> bool {
    if c.is_ascii() {
        return kept_ascii(c as u8);
    }
    if c.is_control() || single(c.to_lowercase()) != Some(c) {
        return false;
    }
    match single(c.to_uppercase()) {
        Some(upper) if upper == c => true,
        Some(upper) => single(upper.to_lowercase()) == Some(c),
        None => false,
    }
}

/// The lowercase letter `c` is written with after `^`, if `c` is an uppercase letter whose
/// lowercase is kept and uppercases back to `c`.
fn lowered(c: char) -> Option<char> {
    let lower = single(c.to_lowercase())?;
    (lower != c && kept(lower) && single(lower.to_uppercase()) == Some(c)).then_some(lower)
}

fn push_escaped(c: char, out: &mut String) {
    let mut utf8 = [0; 4];
    for b in c.encode_utf8(&mut utf8).bytes() {
        out.push_str(&format!("%{b:02x}"));
    }
}

fn is_device(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name).trim_end_matches(' ');
    DEVICES.contains(&stem)
}

/// Writes the Windows name of one non-final or non-empty `segment` to `out`.
fn push_segment(segment: &str, out: &mut String) {
    if segment.is_empty() {
        out.push('^');
        return;
    }
    let start = out.len();
    for c in segment.chars() {
        if kept(c) {
            out.push(c);
        } else if let Some(lower) = lowered(c) {
            out.push('^');
            out.push(lower);
        } else {
            push_escaped(c, out);
        }
    }
    // Windows drops a trailing dot or space from a name.
    if let Some(last) = out.pop() {
        if last == '.' || last == ' ' {
            push_escaped(last, out);
        } else {
            out.push(last);
        }
    }
    // A device name starts with an ASCII letter, kept: escaping it breaks the name.
    if is_device(&out[start..])
        && let Some(first) = out[start..].chars().next()
    {
        let mut escaped = String::new();
        push_escaped(first, &mut escaped);
        out.replace_range(start..start + first.len_utf8(), &escaped);
    }
}

fn hex_digit(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8 - b'0'),
        'a'..='f' => Some(c as u8 - b'a' + 10),
        _ => None,
    }
}

/// Reads one segment back, leniently: the caller checks the spelling.
fn read_segment(segment: &str) -> Option<String> {
    if segment == "^" {
        return Some(String::new());
    }
    let mut bytes = Vec::with_capacity(segment.len());
    let mut chars = segment.chars();
    let mut utf8 = [0; 4];
    while let Some(c) = chars.next() {
        let c = match c {
            '%' => {
                let high = hex_digit(chars.next()?)?;
                let low = hex_digit(chars.next()?)?;
                bytes.push(high << 4 | low);
                continue;
            }
            '^' => single(chars.next()?.to_uppercase())?,
            c => c,
        };
        bytes.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
    }
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const WINDOWS: KeyNames = KeyNames::Windows;

    /// Keys that break Windows names one way or another, and keys that look like the names
    /// made for them.
    const HOSTILE: &[&str] = &[
        "CON",
        "con",
        "Con",
        "con.txt",
        "CON.tar.gz",
        "con .txt",
        "nul",
        "aux/x",
        "x/prn",
        "com1",
        "COM9.log",
        "com¹",
        "lpt³.txt",
        "lpt0",
        "conin$",
        "CONOUT$",
        "a.",
        "a ",
        "a. .",
        ".",
        "..",
        "../x",
        "./x",
        "x/../y",
        "x//y",
        "/x",
        "//",
        "x/",
        "a:b",
        "what?.txt",
        "a<b>c",
        "pipe|d",
        "quote\"d",
        "back\\slash",
        "star*",
        "tab\there",
        "bell\u{7}",
        "del\u{7f}",
        "%41",
        "%2e",
        "^a",
        "^",
        "a^",
        "~",
        "longna~1.txt",
        "A.txt",
        "a.txt",
        "ÉTÉ.txt",
        "été.txt",
        "Σίσυφος",
        "σίσυφοσ",
        "ς",
        "ß",
        "İ",
        "K",
        "\u{212a}",
        "ǅ",
        "ǆ",
        "日本語/ファイル.txt",
        "emoji 🎉/party 🥳.txt",
    ];

    /// What Windows sees when it compares two names.
    fn folded(name: &str) -> String {
        name.chars().flat_map(char::to_uppercase).collect()
    }

    fn windows_accepts(path: &str) {
        for segment in path.split('/') {
            if segment.is_empty() {
                continue;
            }
            assert!(
                !segment.contains(['<', '>', ':', '"', '\\', '|', '?', '*'])
                    && !segment.chars().any(char::is_control),
                "{path:?}"
            );
            assert!(!segment.ends_with(['.', ' ']), "{path:?}");
            assert!(!is_device(&segment.to_lowercase()), "{path:?}");
            assert!(!segment.contains('~'), "{path:?}");
        }
    }

    #[test]
    fn ordinary_names_stay_themselves() {
        for key in [
            "photos/2024/beach.jpg",
            "docs/read me (1).txt",
            "a&b=c.txt",
            "été/ünïcødé/日本語.txt",
            "x/",
            "console.log",
            "conf",
            "a.b.c",
        ] {
            assert_eq!(WINDOWS.file_of(key), key);
        }
    }

    #[test]
    fn awkward_names_become_names_windows_accepts() {
        let cases = [
            ("CON", "^c^o^n"),
            ("con", "%63on"),
            ("con.txt", "%63on.txt"),
            ("con .txt", "%63on .txt"),
            ("com¹", "%63om¹"),
            ("lpt³.txt", "%6cpt³.txt"),
            ("conout$", "%63onout$"),
            ("a.", "a%2e"),
            ("a ", "a%20"),
            (".", "%2e"),
            ("..", ".%2e"),
            ("../x", ".%2e/x"),
            ("x//y", "x/^/y"),
            ("/x", "^/x"),
            ("x/", "x/"),
            ("a:b", "a%3ab"),
            ("what?.txt", "what%3f.txt"),
            ("%41", "%2541"),
            ("^a", "%5ea"),
            ("~", "%7e"),
            ("A.txt", "^a.txt"),
            ("ÉTÉ", "^é^t^é"),
            ("ς", "%cf%82"),
        ];
        for (key, name) in cases {
            assert_eq!(WINDOWS.file_of(key), name, "{key:?}");
        }
        for key in HOSTILE {
            windows_accepts(&WINDOWS.file_of(key));
        }
    }

    #[test]
    fn every_name_reads_back_as_its_key() {
        for key in HOSTILE {
            let name = WINDOWS.file_of(key);
            assert_eq!(WINDOWS.key_of(&name).as_deref(), Some(*key), "{name:?}");
            assert_eq!(KeyNames::Same.key_of(key).as_deref(), Some(*key));
        }
        // Other spellings are no key's name.
        for name in [
            "A.txt", "%2E", "con", "a.", "a^", "^", "x/^", "%4", "%zz", "^^a", "~",
        ] {
            assert_eq!(WINDOWS.key_of(name), None, "{name:?}");
        }
    }

    #[test]
    fn no_two_keys_share_a_name_even_without_case() {
        let mut seen = std::collections::HashMap::new();
        for key in HOSTILE {
            let name = folded(&WINDOWS.file_of(key));
            if let Some(other) = seen.insert(name.clone(), key) {
                panic!("{key:?} and {other:?} are both {name:?}");
            }
        }
        // Every character up to U+2FFF, and every pair of cased ones, alone and in a name.
        let mut seen = std::collections::HashMap::new();
        for c in (0..0x3000u32).filter_map(char::from_u32) {
            let name = folded(&WINDOWS.file_of(&format!("{c}x")));
            if let Some(other) = seen.insert(name, c) {
                panic!("{c:?} and {other:?} share a name");
            }
        }
    }

    #[test]
    fn names_stay_short() {
        assert_eq!(WINDOWS.file_of("Привет Мир").chars().count(), 12);
        assert_eq!(WINDOWS.file_of("Γειά σου").chars().count(), 9);
        let longest = "x".repeat(255);
        assert!(WINDOWS.fits(&WINDOWS.file_of(&format!("a/{longest}"))));
        assert!(!WINDOWS.fits(&WINDOWS.file_of(&format!("a/{longest}."))));
        assert!(!WINDOWS.fits(&WINDOWS.file_of(&"?".repeat(86))));
        assert!(WINDOWS.fits(&WINDOWS.file_of(&"?".repeat(85))));
        assert!(KeyNames::Same.fits(&"x".repeat(2000)));
    }

    #[test]
    fn a_folder_of_a_prefix_is_the_folder_of_its_keys() {
        // The store lists the folder of a prefix's complete segments: its name must start
        // every name of the keys below it.
        for key in HOSTILE {
            for (i, _) in key.match_indices('/') {
                let folder = &key[..=i];
                assert!(
                    WINDOWS.file_of(key).starts_with(&WINDOWS.file_of(folder)),
                    "{key:?} under {folder:?}"
                );
            }
        }
    }
}
