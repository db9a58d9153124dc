//! A folder on this computer as a pane lists it: names, sizes and dates like the S3 pane's
//! rows, folders first, hidden entries left out unless asked for; where listing starts (the
//! home folder, then the drives on Windows or the volumes on macOS).

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

/// One entry of a local folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalEntry {
    /// The name as shown; a name that is not UTF-8 is shown with replacement characters.
    pub name: String,
    pub path: PathBuf,
    pub is_dir: bool,
    pub size: u64,
    /// Seconds since 1970 (0 when the system does not say).
    pub modified: i64,
    pub hidden: bool,
    /// The name is not UTF-8: it cannot become an S3 key as it is.
    pub not_utf8: bool,
}

/// Why a folder could not be listed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot list {}: {reason}", path.display())]
pub struct LocalFolderError {
    pub path: PathBuf,
    pub reason: String,
}

/// The entries of `folder`, folders first, then by name (case-insensitively); hidden ones only
/// with `show_hidden`. Links are listed as what they point to, not followed further.
pub fn list(folder: &Path, show_hidden: bool) -> Result<Vec<LocalEntry>, LocalFolderError> {
    let failed = |e: std::io::Error| LocalFolderError {
        path: folder.to_owned(),
        reason: e.to_string(),
    };
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(folder).map_err(failed)? {
        let Ok(entry) = entry else { continue };
        let path = entry.path();
        let raw = entry.file_name();
        let (name, not_utf8) = match raw.to_str() {
            Some(name) => (name.to_owned(), false),
            None => (raw.to_string_lossy().into_owned(), true),
        };
        // A broken link still shows, as a zero-byte entry.
        let meta = std::fs::metadata(&path).or_else(|_| std::fs::symlink_metadata(&path));
        let (is_dir, size, modified, system_hidden) = match &meta {
            Ok(meta) => (
                meta.is_dir(),
                if meta.is_dir() { 0 } else { meta.len() },
                meta.modified()
                    .ok()
                    .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_secs() as i64),
                hidden_attribute(meta),
            ),
            Err(_) => (false, 0, 0, false),
        };
        let hidden = name.starts_with('.') || system_hidden;
        if hidden && !show_hidden {
            continue;
        }
        entries.push(LocalEntry {
            name,
            path,
            is_dir,
            size,
            modified,
            hidden,
            not_utf8,
        });
    }
    entries.sort_by(|a, b| {
        b.is_dir
            .cmp(&a.is_dir)
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
            .then_with(|| a.name.cmp(&b.name))
    });
    Ok(entries)
}

#[cfg(windows)]
fn hidden_attribute(meta: &std::fs::Metadata) -> bool {
    use std::os::windows::fs::MetadataExt;
    const FILE_ATTRIBUTE_HIDDEN: u32 = 0x2;
    meta.file_attributes() & FILE_ATTRIBUTE_HIDDEN != 0
}

#[cfg(not(windows))]
fn hidden_attribute(_meta: &std::fs::Metadata) -> bool {
    false
}

/// A change to a folder on this computer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LocalChange {
    /// New folder `name` in `folder`.
    NewFolder { folder: PathBuf, name: String },
    /// `from` renamed to `name` in the same folder; an existing name is not replaced.
    Rename { from: PathBuf, name: String },
    /// The items, moved to the system's trash (never deleted outright).
    Trash { paths: Vec<PathBuf> },
}

impl LocalChange {
    /// Makes the change; what it did, in words.
    pub fn apply(&self) -> Result<String, LocalFolderError> {
        let failed = |path: &Path, reason: String| LocalFolderError {
            path: path.to_owned(),
            reason,
        };
        match self {
            LocalChange::NewFolder { folder, name } => {
                let path = folder.join(plain_name(name).map_err(|r| failed(folder, r))?);
                std::fs::create_dir(&path).map_err(|e| failed(&path, e.to_string()))?;
                Ok(format!("Created folder {}", path.display()))
            }
            LocalChange::Rename { from, name } => {
                let folder = from.parent().unwrap_or(Path::new("."));
                let to = folder.join(plain_name(name).map_err(|r| failed(from, r))?);
                if to.exists() {
                    return Err(failed(&to, "a file or folder of that name exists".into()));
                }
                std::fs::rename(from, &to).map_err(|e| failed(from, e.to_string()))?;
                Ok(format!("Renamed to {}", to.display()))
            }
            LocalChange::Trash { paths } => {
                trash::delete_all(paths).map_err(|e| {
                    failed(
                        paths.first().map_or(Path::new("."), PathBuf::as_path),
                        format!("could not move to the trash: {e}"),
                    )
                })?;
                Ok(format!(
                    "Moved {} to the trash",
                    crate::fmt::count(paths.len(), "item", "items")
                ))
            }
        }
    }
}

/// A name for a new or renamed entry: one path segment, not `.` or `..`.
fn plain_name(name: &str) -> Result<&str, String> {
    let name = name.trim();
    if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\\']) {
        Err(format!("`{name}` is not a name (no slashes, not . or ..)"))
    } else {
        Ok(name)
    }
}

/// How this system opens a file with its default app: the program and its arguments.
pub fn open_command(path: &Path) -> (&'static str, Vec<std::ffi::OsString>) {
    if cfg!(windows) {
        // `start` takes a window title first; an empty one keeps a quoted path a path.
        (
            "cmd",
            vec![
                "/C".into(),
                "start".into(),
                "".into(),
                path.as_os_str().to_owned(),
            ],
        )
    } else if cfg!(target_os = "macos") {
        ("open", vec![path.as_os_str().to_owned()])
    } else {
        ("xdg-open", vec![path.as_os_str().to_owned()])
    }
}

/// Opens `path` with the system's default app, without waiting for it.
pub fn open_with_default_app(path: &Path) -> Result<(), LocalFolderError> {
    let (program, args) = open_command(path);
    std::process::Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(|_| ())
        .map_err(|e| LocalFolderError {
            path: path.to_owned(),
            reason: format!("could not open it with {program}: {e}"),
        })
}

/// Where a local pane starts and what it offers at the top: the home folder first, then the
/// drives (Windows) or the mounted volumes (macOS), or the file system's root.
pub fn starting_places() -> Vec<PathBuf> {
    let mut places: Vec<PathBuf> = directories::UserDirs::new()
        .map(|dirs| dirs.home_dir().to_owned())
        .into_iter()
        .collect();
    if cfg!(windows) {
        places.extend(
            (b'A'..=b'Z')
                .map(|letter| PathBuf::from(format!("{}:\\", letter as char)))
                .filter(|drive| drive.exists()),
        );
    } else if cfg!(target_os = "macos") {
        if let Ok(volumes) = std::fs::read_dir("/Volumes") {
            places.extend(volumes.flatten().map(|v| v.path()));
        }
    } else {
        places.push(PathBuf::from("/"));
    }
    places
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_first_hidden_on_request_and_sizes_like_the_s3_pane() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("zeta")).unwrap();
        std::fs::write(dir.path().join("Alpha.txt"), b"12345").unwrap();
        std::fs::write(dir.path().join("beta.txt"), b"").unwrap();
        std::fs::write(dir.path().join(".secret"), b"x").unwrap();
        let names = |show| -> Vec<String> {
            list(dir.path(), show)
                .unwrap()
                .into_iter()
                .map(|e| e.name)
                .collect()
        };
        assert_eq!(names(false), ["zeta", "Alpha.txt", "beta.txt"]);
        assert_eq!(names(true), ["zeta", ".secret", "Alpha.txt", "beta.txt"]);
        let entries = list(dir.path(), false).unwrap();
        assert!(entries[0].is_dir && entries[0].size == 0);
        assert_eq!(entries[1].size, 5);
        assert!(entries[1].modified > 0);
    }

    #[cfg(unix)]
    #[test]
    fn odd_names_and_broken_links_are_shown_not_dropped() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let odd = std::ffi::OsStr::from_bytes(b"bad\xffname.txt");
        std::fs::write(dir.path().join(odd), b"x").unwrap();
        std::os::unix::fs::symlink(dir.path().join("nowhere"), dir.path().join("dangling"))
            .unwrap();
        let entries = list(dir.path(), false).unwrap();
        let odd = entries
            .iter()
            .find(|e| e.not_utf8)
            .expect("the odd name is listed");
        assert!(odd.name.contains('\u{fffd}'));
        assert!(entries.iter().any(|e| e.name == "dangling" && !e.is_dir));
    }

    #[test]
    fn new_folders_and_renames_take_plain_names_and_never_replace() {
        let dir = tempfile::tempdir().unwrap();
        let made = LocalChange::NewFolder {
            folder: dir.path().to_owned(),
            name: "reports 2026".into(),
        }
        .apply()
        .unwrap();
        assert!(made.starts_with("Created folder"));
        assert!(dir.path().join("reports 2026").is_dir());
        for bad in ["../escape", "a/b", "..", " "] {
            let refused = LocalChange::NewFolder {
                folder: dir.path().to_owned(),
                name: bad.into(),
            }
            .apply();
            assert!(refused.is_err(), "{bad}");
        }
        std::fs::write(dir.path().join("a.txt"), b"a").unwrap();
        std::fs::write(dir.path().join("b.txt"), b"b").unwrap();
        let onto_b = LocalChange::Rename {
            from: dir.path().join("a.txt"),
            name: "b.txt".into(),
        }
        .apply();
        assert!(onto_b.is_err());
        assert_eq!(
            std::fs::read(dir.path().join("b.txt")).unwrap(),
            b"b",
            "not replaced"
        );
        LocalChange::Rename {
            from: dir.path().join("a.txt"),
            name: "c.txt".into(),
        }
        .apply()
        .unwrap();
        assert_eq!(std::fs::read(dir.path().join("c.txt")).unwrap(), b"a");
    }

    #[test]
    fn a_folder_that_cannot_be_listed_says_which() {
        let error = list(Path::new("/no/such/folder/here"), false).unwrap_err();
        assert!(
            error.to_string().contains("/no/such/folder/here"),
            "{error}"
        );
    }

    #[test]
    fn a_file_opens_with_the_systems_opener_and_an_odd_name_stays_one_argument() {
        let path = Path::new("/tmp/a b; rm -rf $HOME.txt");
        let (program, args) = open_command(path);
        assert!(["xdg-open", "open", "cmd"].contains(&program));
        assert_eq!(
            args.last().unwrap(),
            path.as_os_str(),
            "passed as one argument, no shell"
        );
    }

    #[test]
    fn the_home_folder_comes_first() {
        let places = starting_places();
        if let Some(home) = directories::UserDirs::new() {
            assert_eq!(places.first(), Some(&home.home_dir().to_owned()));
        }
    }
}
