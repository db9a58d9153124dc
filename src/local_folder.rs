//! A folder on this computer as a pane lists it: names, sizes and dates like the S3 pane's
//! rows, folders first, hidden entries left out unless asked for; where listing starts (the
//! home folder, then the drives on Windows or the volumes on macOS); a file opened with its
//! default app, its name handed over as a name and never read by a shell.

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
pub(crate) fn list(folder: &Path, show_hidden: bool) -> Result<Vec<LocalEntry>, LocalFolderError> {
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

/// The desktops Pail opens files on, each in its own way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Desktop {
    Windows,
    MacOs,
    /// Linux and the BSDs: `xdg-open`.
    Xdg,
}

impl Desktop {
    /// The desktop Pail runs on.
    pub(crate) const NATIVE: Desktop = if cfg!(windows) {
        Desktop::Windows
    } else if cfg!(target_os = "macos") {
        Desktop::MacOs
    } else {
        Desktop::Xdg
    };
}

/// What opening a file with its default app hands the system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum OpenRequest {
    /// Windows: `ShellExecuteExW` with the verb `open` on this file, UTF-16 ending in NUL. No
    /// command line is made, so no shell reads `&`, `^` or `%` in the name.
    ShellExecute { file: Vec<u16> },
    /// A program started with the path as its one argument.
    Program {
        program: &'static str,
        args: Vec<std::ffi::OsString>,
    },
}

/// How `desktop` is asked to open `path` with its default app.
pub(crate) fn open_request(path: &Path, desktop: Desktop) -> OpenRequest {
    let program = match desktop {
        // Not `cmd /C start`: cmd reads `&`, `^` and `%VAR%` in a downloaded file's name as
        // commands, quoted or not. The shell API takes the name as a name.
        Desktop::Windows => {
            return OpenRequest::ShellExecute {
                file: wide_with_nul(path),
            };
        }
        Desktop::MacOs => "open",
        Desktop::Xdg => "xdg-open",
    };
    OpenRequest::Program {
        program,
        args: vec![path.as_os_str().to_owned()],
    }
}

/// `path` as UTF-16 ending in NUL, as the Windows API takes it.
fn wide_with_nul(path: &Path) -> Vec<u16> {
    #[cfg(windows)]
    let units: Vec<u16> = {
        use std::os::windows::ffi::OsStrExt;
        path.as_os_str().encode_wide().collect()
    };
    // Elsewhere only tests ask, with names that are Unicode.
    #[cfg(not(windows))]
    let units: Vec<u16> = path.to_string_lossy().encode_utf16().collect();
    units.into_iter().chain(std::iter::once(0)).collect()
}

/// Opens `path` with the system's default app, without waiting for it. (`pub` for the tests
/// that open files through the Windows shell, via `crate::testing`.)
pub fn open_with_default_app(path: &Path) -> Result<(), LocalFolderError> {
    match open_request(path, Desktop::NATIVE) {
        OpenRequest::ShellExecute { file } => shell_open(path, &file),
        OpenRequest::Program { program, args } => std::process::Command::new(program)
            .args(args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .map(|_| ())
            .map_err(|e| LocalFolderError {
                path: path.to_owned(),
                reason: format!("could not open it with {program}: {e}"),
            }),
    }
}

/// Windows: `file` opened by the shell's own "open", as a double click in Explorer does.
#[cfg(windows)]
fn shell_open(path: &Path, file: &[u16]) -> Result<(), LocalFolderError> {
    use windows_sys::Win32::System::Com::{
        COINIT_APARTMENTTHREADED, COINIT_DISABLE_OLE1DDE, CoInitializeEx, CoUninitialize,
    };
    use windows_sys::Win32::UI::Shell::{
        SEE_MASK_FLAG_NO_UI, SEE_MASK_NOASYNC, SHELLEXECUTEINFOW, ShellExecuteExW,
    };
    use windows_sys::Win32::UI::WindowsAndMessaging::SW_SHOWNORMAL;
    let failed = |reason: String| LocalFolderError {
        path: path.to_owned(),
        reason,
    };
    if file
        .split_last()
        .is_none_or(|(last, name)| *last != 0 || name.contains(&0))
    {
        return Err(failed("its name holds a NUL character".into()));
    }
    let verb: Vec<u16> = "open\0".encode_utf16().collect();
    let mut info = SHELLEXECUTEINFOW {
        cbSize: std::mem::size_of::<SHELLEXECUTEINFOW>() as u32,
        // No SEE_MASK_DOENVSUBST: `%PATH%` in a name stays text. NOASYNC: the app is started
        // before the call returns, as this (blocking-pool) thread may end right after.
        fMask: SEE_MASK_NOASYNC | SEE_MASK_FLAG_NO_UI,
        lpVerb: verb.as_ptr(),
        lpFile: file.as_ptr(),
        nShow: SW_SHOWNORMAL,
        ..Default::default()
    };
    // SAFETY: both strings are NUL-terminated and outlive the calls; `info` is a properly
    // sized SHELLEXECUTEINFOW. COM is set up on this thread as the shell's handlers expect,
    // and released only when this call set it up (S_OK or S_FALSE, both >= 0).
    unsafe {
        let com = CoInitializeEx(
            std::ptr::null(),
            (COINIT_APARTMENTTHREADED | COINIT_DISABLE_OLE1DDE) as u32,
        );
        let opened = ShellExecuteExW(&mut info) != 0;
        let error = std::io::Error::last_os_error();
        if com >= 0 {
            CoUninitialize();
        }
        if opened {
            Ok(())
        } else {
            Err(failed(format!("Windows could not open it: {error}")))
        }
    }
}

#[cfg(not(windows))]
fn shell_open(path: &Path, _file: &[u16]) -> Result<(), LocalFolderError> {
    Err(LocalFolderError {
        path: path.to_owned(),
        reason: "the Windows shell opens files on Windows only".into(),
    })
}

/// Where a local pane starts and what it offers at the top: the home folder first, then the
/// drives (Windows) or the mounted volumes (macOS), or the file system's root.
pub(crate) fn starting_places() -> Vec<PathBuf> {
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
        for (desktop, opener) in [(Desktop::MacOs, "open"), (Desktop::Xdg, "xdg-open")] {
            assert_eq!(
                open_request(path, desktop),
                OpenRequest::Program {
                    program: opener,
                    args: vec![path.as_os_str().to_owned()]
                },
                "passed as one argument, no shell"
            );
        }
    }

    #[test]
    fn on_windows_a_file_goes_to_the_shell_api_never_through_cmd() {
        // `cmd /C start` reads `&`, `|`, `^` and `%VAR%` in its command line, quoted or not.
        for name in [
            r"C:\Users\me\Downloads\a&calc.pdf",
            r"C:\x\b^&^|c.txt",
            r"C:\x\100%PATH%done & start calc.txt",
            "C:\\x\\\"q\" ü 🎉.txt",
        ] {
            let request = open_request(Path::new(name), Desktop::Windows);
            let OpenRequest::ShellExecute { file } = request else {
                panic!("{name}: {request:?}");
            };
            assert_eq!(file.last(), Some(&0), "NUL-terminated");
            assert_eq!(String::from_utf16(&file[..file.len() - 1]).unwrap(), name);
        }
    }

    #[test]
    fn the_home_folder_comes_first() {
        let places = starting_places();
        if let Some(home) = directories::UserDirs::new() {
            assert_eq!(places.first(), Some(&home.home_dir().to_owned()));
        }
    }
}
