//! Files that hold secrets or grant access (saved links, credentials): written atomically — a
//! temporary file in the same folder, flushed, then renamed over the old one — and readable by
//! the owner only (mode 0600 on Unix).

use std::io::Write;
use std::path::{Path, PathBuf};

/// Why a file could not be saved, for a person.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("could not save {}: {reason}", path.display())]
pub struct SaveError {
    pub path: PathBuf,
    pub reason: String,
}

/// [`write_private`], its failure said with the file's name.
pub(crate) fn save_private(path: &Path, contents: &[u8]) -> Result<(), SaveError> {
    write_private(path, contents).map_err(|e| SaveError {
        path: path.to_owned(),
        reason: e.to_string(),
    })
}

/// Replaces `path` with `contents`. If anything fails, the old file is left as it was.
pub(crate) fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    write_atomic(path, contents, 0o600)
}

/// Replaces `path` with `contents`, with permissions `mode` on Unix (from the start: the file
/// is never readable by more people than `mode` lets). If anything fails, the old file is left
/// as it was.
pub(crate) fn write_atomic(path: &Path, contents: &[u8], mode: u32) -> std::io::Result<()> {
    let folder = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(folder)?;
    let mut temp = tempfile::Builder::new()
        .prefix(".pail-")
        .suffix(".tmp")
        .tempfile_in(folder)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        temp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    temp.write_all(contents)?;
    temp.as_file().sync_all()?;
    persist(temp, path)
}

/// Tries to replace a file another program has open this many times, this far apart (about a
/// second on Windows, whose sleeps last at least ~15.6 ms): long enough for a reader of a small
/// file, short for a person waiting on a save.
const IN_USE_ATTEMPTS: u32 = 50;
const IN_USE_WAIT: std::time::Duration = std::time::Duration::from_millis(10);

/// Renames `temp` over `path`, again while the file is open elsewhere. Unix replaces the name
/// and lets a reader keep the old file; Windows refuses the rename while any handle to the
/// target is open — another thread or Pail process reading the upload journal, an antivirus
/// scan — and a change given up there would be lost.
fn persist(mut temp: tempfile::NamedTempFile, path: &Path) -> std::io::Result<()> {
    let mut attempts = 1;
    loop {
        match temp.persist(path) {
            Ok(_) => return Ok(()),
            Err(e) if attempts < IN_USE_ATTEMPTS && held_open(&e.error) => {
                attempts += 1;
                temp = e.file;
                std::thread::sleep(IN_USE_WAIT);
            }
            Err(e) => return Err(e.error),
        }
    }
}

/// Whether `error` is Windows refusing to replace a file someone has open: access denied (what
/// a rename over an open file answers), a sharing or a lock violation.
fn held_open(error: &std::io::Error) -> bool {
    const ACCESS_DENIED: i32 = 5;
    const SHARING_VIOLATION: i32 = 32;
    const LOCK_VIOLATION: i32 = 33;
    cfg!(windows)
        && matches!(
            error.raw_os_error(),
            Some(ACCESS_DENIED | SHARING_VIOLATION | LOCK_VIOLATION)
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_owner_only_and_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/links.json");
        write_private(&path, b"one").unwrap();
        write_private(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let leftovers = std::fs::read_dir(path.parent().unwrap()).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary files left behind");
    }

    #[test]
    fn a_failed_write_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("links.json");
        write_private(&path, b"old").unwrap();
        // A directory where the file should be renamed to makes the rename fail.
        let blocked = dir.path().join("blocked");
        std::fs::create_dir(&blocked).unwrap();
        std::fs::write(blocked.join("x"), b"").unwrap();
        assert!(write_private(&blocked, b"new").is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
    }

    #[test]
    fn a_file_someone_is_reading_is_still_replaced() {
        // Windows refused the rename while the reader's handle was open, and the journal's
        // change was dropped (the upload journal test of `tests/it/transfers.rs` then hung).
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pending-uploads.json");
        write_private(&path, b"old").unwrap();
        let reader = std::fs::File::open(&path).unwrap();
        let done_reading = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(150));
            drop(reader);
        });
        write_private(&path, b"new").unwrap();
        done_reading.join().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
    }
}
