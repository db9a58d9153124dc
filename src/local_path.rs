//! Where an object lands on disk: a key (after the prefix that maps to the chosen folder) turned
//! into path components that are safe on the file system at hand, so that nothing is ever
//! written outside the chosen folder and no name means something else to the OS.
//!
//! Windows gives meaning to much that S3 keys may hold: `\` and `:` (drives, alternate data
//! streams), `<>"|?*`, reserved device names (`CON`, `NUL`, `CONIN$`, `COM1`…, `COM¹`…, with
//! any extension), and trailing dots and spaces (silently dropped, so `a.` would become `a`).
//! Such characters are replaced by `_`; reserved names get a leading `_`. Control characters
//! are replaced on every OS (a newline in a file name breaks scripts). `.` and `..` segments
//! and segments too long for any file system are refused, with the key named by the caller.

use std::path::PathBuf;

/// The file-system rules to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PathFlavor {
    Unix,
    Windows,
}

impl PathFlavor {
    /// The rules of the OS Pail runs on.
    pub(crate) const NATIVE: PathFlavor = if cfg!(windows) {
        PathFlavor::Windows
    } else {
        PathFlavor::Unix
    };
}

/// The longest file name (in bytes) common file systems take.
pub(crate) const MAX_NAME_BYTES: usize = 255;

/// Why a key cannot be saved as a file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("its name would leave the download folder (`.` or `..`)")]
    LeavesFolder,
    #[error("it names the folder itself, not a file")]
    NoName,
    #[error("a part of its name is longer than {MAX_NAME_BYTES} bytes")]
    TooLong,
}

/// Device names Windows opens instead of a file of that name. Windows counts Latin-1's
/// superscript digits (`¹²³`) as digits here, and the console has its own two names.
const WINDOWS_RESERVED: [&str; 32] = [
    "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "COM0", "COM1", "COM2", "COM3", "COM4",
    "COM5", "COM6", "COM7", "COM8", "COM9", "COM¹", "COM²", "COM³", "LPT0", "LPT1", "LPT2", "LPT3",
    "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9", "LPT¹", "LPT²", "LPT³",
];

/// One segment of a key as a file name on `flavor`.
fn segment_name(segment: &str, flavor: PathFlavor) -> Result<String, Refusal> {
    if segment == "." || segment == ".." {
        return Err(Refusal::LeavesFolder);
    }
    let mut name: String = segment
        .chars()
        .map(|c| match c {
            c if c.is_control() => '_',
            // Bidirectional overrides make `gpj.exe` read as `exe.jpg` in a file manager.
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => '_',
            '\\' | ':' | '<' | '>' | '"' | '|' | '?' | '*' if flavor == PathFlavor::Windows => '_',
            c => c,
        })
        .collect();
    if flavor == PathFlavor::Windows {
        // Windows drops trailing dots and spaces: `a.` and `a` would be one file.
        let kept = name.trim_end_matches(['.', ' ']).len();
        if kept < name.len() {
            let dropped = name.len() - kept;
            name.truncate(kept);
            name.push_str(&"_".repeat(dropped));
        }
        if device_name(&name).is_some() {
            name.insert(0, '_');
        }
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(Refusal::TooLong);
    }
    Ok(name)
}

/// The path components for `relative` (a key with the folder's prefix removed) on `flavor`.
/// Empty segments (`a//b`) are skipped, so callers must check for keys that meet on one path.
pub(crate) fn components(relative: &str, flavor: PathFlavor) -> Result<Vec<String>, Refusal> {
    let parts = relative
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| segment_name(s, flavor))
        .collect::<Result<Vec<_>, _>>()?;
    if parts.is_empty() {
        return Err(Refusal::NoName);
    }
    Ok(parts)
}

/// Why `relative` (a key below the folder) is saved under another name on `flavor`, said for
/// the person ("`CON` is a device name on Windows"), or `None` when its name is kept as it is.
/// Every download whose name Pail had to change says so, and such a made-up name never
/// replaces a file already there (`plan::Item::changed`).
pub(crate) fn why_changed(relative: &str, flavor: PathFlavor) -> Option<String> {
    let mut reasons: Vec<String> = Vec::new();
    let mut add = |reason: String| {
        if !reasons.contains(&reason) {
            reasons.push(reason);
        }
    };
    for segment in relative.split('/').filter(|s| !s.is_empty()) {
        for c in segment.chars() {
            if c.is_control() {
                add("a control character in a file name breaks scripts".into());
            } else if matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') {
                add("a direction override in a file name disguises it".into());
            } else if flavor == PathFlavor::Windows && "\\:<>\"|?*".contains(c) {
                add(format!("Windows cannot hold `{c}` in a file name"));
            }
        }
        if flavor == PathFlavor::Windows {
            if segment.ends_with(['.', ' ']) {
                add("Windows cannot hold a name ending in `.` or a space".into());
            }
            if let Some(device) = device_name(segment) {
                add(format!("{device} is a device name on Windows"));
            }
        }
    }
    (!reasons.is_empty()).then(|| reasons.join("; "))
}

/// The device `name` opens on Windows (`AUX` for `aux.txt`), if it is one.
fn device_name(name: &str) -> Option<&'static str> {
    let stem = name.split('.').next().unwrap_or("").trim_end();
    WINDOWS_RESERVED
        .iter()
        .find(|r| r.eq_ignore_ascii_case(stem))
        .copied()
}

/// Why a file name the person typed as a destination cannot be written under that name on
/// `flavor` (`x.` would be written as `x`, `NUL` is no file at all), or `None` when it can.
/// Such a destination is refused before anything is asked or written.
pub(crate) fn typed_name_refusal(name: &str, flavor: PathFlavor) -> Option<String> {
    if flavor != PathFlavor::Windows || name == "." || name == ".." {
        return None;
    }
    if let Some(device) = device_name(name) {
        return Some(format!("{device} is a device name on Windows, not a file"));
    }
    if name.ends_with(['.', ' ']) {
        return Some(
            "Windows drops a trailing `.` or space, so the file would be written under \
             another name"
                .into(),
        );
    }
    if let Some(c) = name
        .chars()
        .find(|&c| c.is_control() || "<>\"|?*:".contains(c))
    {
        return Some(format!("Windows cannot hold {c:?} in a file name"));
    }
    None
}

/// A file or key left out of a transfer batch (or put under another name), and why: each is
/// reported, none dropped silently.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Skipped {
    #[error("skipped `{key}`: {reason}")]
    Unsavable { key: String, reason: Refusal },
    #[error("skipped `{key}`: it would be saved to the same file as `{first}`")]
    SameFile { key: String, first: String },
    #[error("{}: the name is not valid UTF-8, so it cannot be a key; skipped", .path.display())]
    NotUtf8 { path: PathBuf },
    #[error("{}: a link inside the folder; skipped (links are not followed)", .path.display())]
    Link { path: PathBuf },
    #[error("{}: not a regular file; skipped", .path.display())]
    NotAFile { path: PathBuf },
    #[error("{}: {reason}", .path.display())]
    Unreadable { path: PathBuf, reason: String },
    #[error("skipped `{name}`: {reason}")]
    Planned { name: String, reason: String },
    #[error("`{name}` is saved as `{to}`: {reason}")]
    Renamed {
        name: String,
        to: String,
        reason: String,
    },
    #[error("{}: {reason}", .path.display())]
    NotAKey {
        path: PathBuf,
        reason: crate::model::NameError,
    },
}

/// The files under `paths` (folders walked), each with its key relative to the drop:
/// a dropped `photos/` folder uploads as `photos/...`. Links inside a walked folder are not
/// followed (a link back into the tree would nest copies without end; one out of it would
/// upload what was not chosen), and names that are not UTF-8 cannot be keys: both are
/// reported, as are unreadable entries.
pub(crate) fn files_to_upload(paths: &[PathBuf]) -> (Vec<(PathBuf, String, u64)>, Vec<Skipped>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let mut stack: Vec<(PathBuf, String)> = Vec::new();
    for path in paths {
        match path.file_name().map(|n| n.to_str()) {
            Some(Some(name)) => stack.push((path.clone(), name.to_owned())),
            _ => problems.push(Skipped::NotUtf8 { path: path.clone() }),
        }
    }
    // What was dropped is followed if it is a link; what is found inside is not.
    let top: std::collections::HashSet<PathBuf> = stack.iter().map(|(p, _)| p.clone()).collect();
    while let Some((path, relative)) = stack.pop() {
        let meta = if top.contains(&path) {
            std::fs::metadata(&path)
        } else {
            std::fs::symlink_metadata(&path)
        };
        match meta {
            Ok(meta) if meta.file_type().is_symlink() => problems.push(Skipped::Link { path }),
            Ok(meta) if meta.is_dir() => match std::fs::read_dir(&path) {
                Ok(entries) => {
                    for entry in entries.flatten() {
                        match entry.file_name().to_str() {
                            Some(name) => {
                                stack.push((entry.path(), format!("{relative}/{name}")));
                            }
                            None => problems.push(Skipped::NotUtf8 { path: entry.path() }),
                        }
                    }
                }
                Err(e) => problems.push(Skipped::Unreadable {
                    path,
                    reason: e.to_string(),
                }),
            },
            Ok(meta) if meta.is_file() => files.push((path, relative, meta.len())),
            Ok(_) => problems.push(Skipped::NotAFile { path }),
            Err(e) => problems.push(Skipped::Unreadable {
                path,
                reason: e.to_string(),
            }),
        }
    }
    files.sort_by(|a, b| a.1.cmp(&b.1));
    (files, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn folder_uploads_follow_no_links_and_report_odd_names() {
        use std::os::unix::ffi::OsStrExt;
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), b"not chosen").unwrap();
        let root = tempfile::tempdir().unwrap();
        let photos = root.path().join("photos");
        std::fs::create_dir_all(photos.join("2026")).unwrap();
        std::fs::write(photos.join("2026/a.jpg"), b"a").unwrap();
        std::os::unix::fs::symlink(".", photos.join("loop")).unwrap();
        std::os::unix::fs::symlink(outside.path(), photos.join("out")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), photos.join("s")).unwrap();
        let odd = std::ffi::OsStr::from_bytes(b"bad\xffname.jpg");
        std::fs::write(photos.join(odd), b"b").unwrap();

        let (files, problems) = files_to_upload(std::slice::from_ref(&photos));
        let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
        let keys: Vec<&str> = files.iter().map(|f| f.1.as_str()).collect();
        assert_eq!(keys, ["photos/2026/a.jpg"]);
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert_eq!(problems.iter().filter(|p| p.contains("link")).count(), 3);
        assert!(problems.iter().any(|p| p.contains("not valid UTF-8")));
    }

    fn on(flavor: PathFlavor, key: &str) -> Result<String, Refusal> {
        components(key, flavor).map(|c| c.join("/"))
    }

    #[test]
    fn windows_names_are_made_safe() {
        let w = |k| on(PathFlavor::Windows, k);
        assert_eq!(
            w("C:\\Windows\\system.ini").unwrap(),
            "C__Windows_system.ini"
        );
        assert_eq!(w("c:x").unwrap(), "c_x");
        assert_eq!(w("file.txt:secret").unwrap(), "file.txt_secret");
        assert_eq!(w("docs/CON").unwrap(), "docs/_CON");
        assert_eq!(w("nul.txt").unwrap(), "_nul.txt");
        assert_eq!(w("COM1.tar.gz").unwrap(), "_COM1.tar.gz");
        assert_eq!(w("CONSOLE.txt").unwrap(), "CONSOLE.txt");
        assert_eq!(w("report. ").unwrap(), "report__");
        assert_eq!(w("a<b>c|d?e*f\"g").unwrap(), "a_b_c_d_e_f_g");
        assert_eq!(w("line\nbreak\t.txt").unwrap(), "line_break_.txt");
    }

    #[test]
    fn console_and_superscript_device_names_are_reserved_too() {
        let w = |k| on(PathFlavor::Windows, k);
        assert_eq!(w("CONIN$").unwrap(), "_CONIN$");
        assert_eq!(w("docs/conout$.txt").unwrap(), "docs/_conout$.txt");
        for name in [
            "COM¹",
            "COM²",
            "COM³",
            "LPT¹",
            "lpt²",
            "LPT³.log",
            "COM0",
            "LPT0.txt",
        ] {
            assert_eq!(w(name).unwrap(), format!("_{name}"), "{name}");
        }
        assert_eq!(
            w("COM⁴").unwrap(),
            "COM⁴",
            "only Latin-1's superscripts count"
        );
        assert_eq!(w("CONIN$x").unwrap(), "CONIN$x");
        assert_eq!(on(PathFlavor::Unix, "CONIN$").unwrap(), "CONIN$");
    }

    #[test]
    fn every_changed_name_says_why() {
        let w = |k| why_changed(k, PathFlavor::Windows);
        assert_eq!(
            w("ends.").unwrap(),
            "Windows cannot hold a name ending in `.` or a space"
        );
        assert_eq!(
            w("a ").unwrap(),
            "Windows cannot hold a name ending in `.` or a space"
        );
        assert_eq!(w("docs/CON").unwrap(), "CON is a device name on Windows");
        assert_eq!(w("aux.txt").unwrap(), "AUX is a device name on Windows");
        assert_eq!(w("a:b").unwrap(), "Windows cannot hold `:` in a file name");
        assert_eq!(
            w("a\\b").unwrap(),
            "Windows cannot hold `\\` in a file name"
        );
        assert_eq!(w("ends_"), None);
        assert_eq!(w("d//CONSOLE.txt"), None);
        assert!(w("x\ny").unwrap().contains("control character"));
        // Linux holds these names as they are.
        for key in ["ends.", "CON", "a:b", "a\\b", "a "] {
            assert_eq!(why_changed(key, PathFlavor::Unix), None, "{key}");
        }
        assert!(why_changed("x\ny", PathFlavor::Unix).is_some());
    }

    /// A name is changed exactly when `why_changed` says why.
    #[test]
    fn a_name_is_changed_exactly_when_a_reason_is_given() {
        for key in [
            "ends.",
            "CON",
            "a:b",
            "ok.txt",
            "d/e/f",
            "com1.x",
            "x\u{202e}y",
            "LPT¹",
        ] {
            for flavor in [PathFlavor::Unix, PathFlavor::Windows] {
                let kept = on(flavor, key).unwrap() == key;
                assert_eq!(why_changed(key, flavor).is_none(), kept, "{key} {flavor:?}");
            }
        }
    }

    #[test]
    fn typed_destinations_windows_would_not_write_are_refused() {
        let w = |n| typed_name_refusal(n, PathFlavor::Windows);
        assert_eq!(
            w("aux.txt").unwrap(),
            "AUX is a device name on Windows, not a file"
        );
        for name in ["COM1", "CON", "NUL", "nul.tar.gz", "conin$"] {
            assert!(w(name).unwrap().contains("device name"), "{name}");
        }
        assert!(w("x.").unwrap().contains("trailing"));
        assert!(w("x ").unwrap().contains("trailing"));
        assert!(w("a:b").is_some());
        for name in ["x", "report.pdf", "CONSOLE", ".", "..", ".hidden"] {
            assert_eq!(w(name), None, "{name}");
        }
        for name in ["aux.txt", "CON", "x.", "x "] {
            assert_eq!(typed_name_refusal(name, PathFlavor::Unix), None, "{name}");
        }
    }

    #[test]
    fn unix_keeps_what_it_can_hold() {
        let u = |k| on(PathFlavor::Unix, k);
        assert_eq!(u("C:\\x").unwrap(), "C:\\x");
        assert_eq!(u("CON").unwrap(), "CON");
        assert_eq!(u("trailing. ").unwrap(), "trailing. ");
        assert_eq!(u("nul\0byte").unwrap(), "nul_byte");
        assert_eq!(u("d//a.txt").unwrap(), "d/a.txt");
    }

    #[test]
    fn nothing_leaves_the_folder() {
        for flavor in [PathFlavor::Unix, PathFlavor::Windows] {
            assert_eq!(on(flavor, "../../etc/passwd"), Err(Refusal::LeavesFolder));
            assert_eq!(on(flavor, "a/./b"), Err(Refusal::LeavesFolder));
            assert_eq!(on(flavor, "//"), Err(Refusal::NoName));
            assert_eq!(on(flavor, &"x".repeat(256)), Err(Refusal::TooLong));
        }
        // On Windows `\` is a separator: `..\x` must not climb either.
        assert_eq!(on(PathFlavor::Windows, "..\\..\\x").unwrap(), ".._.._x");
    }

    /// Every generated key maps to components that are plain names on both flavours: no
    /// separator, no `.`/`..`, nothing the OS reinterprets, no longer than a name may be.
    #[test]
    fn generated_keys_map_to_plain_names() {
        let pieces = [
            "",
            "a",
            ".",
            "..",
            "...",
            "/",
            "//",
            "\\",
            ":",
            "C:",
            "c:",
            "CON",
            "nul",
            "com9",
            "lpt1.txt",
            " ",
            ".",
            "\n",
            "\r",
            "\0",
            "\u{7f}",
            "\"",
            "'",
            "$(rm -rf ~)",
            "`id`",
            "<",
            ">",
            "|",
            "?",
            "*",
            "R.pdf",
            "r.pdf",
            "日本語",
            "🎉",
            "%2e%2e",
            "~",
            "+",
        ];
        let mut seed = 0x9e37_79b9_u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..20_000 {
            let count = 1 + next() % 6;
            let key: String = (0..count)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect();
            for flavor in [PathFlavor::Unix, PathFlavor::Windows] {
                let Ok(parts) = components(&key, flavor) else {
                    continue;
                };
                for part in &parts {
                    assert!(!part.is_empty() && part != "." && part != "..", "{key:?}");
                    assert!(!part.contains('/') && !part.contains('\0'), "{key:?}");
                    assert!(!part.chars().any(char::is_control), "{key:?}");
                    assert!(part.len() <= MAX_NAME_BYTES);
                    if flavor == PathFlavor::Windows {
                        assert!(!part.contains(['\\', ':', '<', '>', '"', '|', '?', '*']));
                        assert!(!part.ends_with(['.', ' ']), "{key:?} → {part:?}");
                        let stem = part.split('.').next().unwrap().trim_end();
                        assert!(
                            !WINDOWS_RESERVED
                                .iter()
                                .any(|r| r.eq_ignore_ascii_case(stem)),
                            "{key:?} → {part:?}"
                        );
                    }
                }
                // Joined only on the OS the flavour is for: Pail maps keys with its own OS's
                // rules, and on Windows a Unix name such as `C:` is a drive.
                if flavor != PathFlavor::NATIVE {
                    continue;
                }
                let folder = std::path::Path::new(if cfg!(windows) {
                    "C:\\Users\\me\\Downloads"
                } else {
                    "/home/me/Downloads"
                });
                for part in &parts {
                    let mut pieces = std::path::Path::new(part).components();
                    assert!(
                        matches!(pieces.next(), Some(std::path::Component::Normal(_)))
                            && pieces.next().is_none(),
                        "{key:?} → {part:?}"
                    );
                }
                let mut path = folder.to_owned();
                path.extend(&parts);
                assert!(path.starts_with(folder) && path != folder, "{key:?}");
            }
        }
    }
}
