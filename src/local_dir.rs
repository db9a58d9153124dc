//! A folder below the one the person chose, reached without following links: where a download
//! is written. A link planted inside the chosen folder (`photos -> /etc`) must not carry a
//! download outside it, so every folder below the chosen one is created and opened one
//! component at a time, never through a link (on Unix `openat` with `O_NOFOLLOW`, so no check
//! can be raced), and files are created, renamed and removed relative to that open folder.
//! The chosen folder itself is the person's: a link there is followed. Also what the batch
//! planner needs to know of a folder: its place, and what is at a name in it.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use crate::plan::{Seen, Space, SpaceKind};

/// An open folder below the chosen one.
#[derive(Debug)]
pub(crate) struct LandingDir {
    /// Its path, for messages and for the journal of partial files.
    path: PathBuf,
    #[cfg(unix)]
    fd: std::os::fd::OwnedFd,
}

impl LandingDir {
    /// Opens `root` (following a link there; made if missing, as the person named it), then
    /// each of `parts` below it, creating the missing ones. A part that is a link, or not a
    /// folder, is refused.
    pub(crate) fn open(root: &Path, parts: &[&str]) -> io::Result<Self> {
        std::fs::create_dir_all(root)?;
        let mut path = root.to_owned();
        #[cfg(unix)]
        {
            let mut fd = open_root(root)?;
            for part in parts {
                path.push(part);
                fd = open_below(&fd, part).map_err(|e| refused_link(e, &path))?;
            }
            Ok(Self { path, fd })
        }
        #[cfg(not(unix))]
        {
            // Without `openat`, each part is looked at before use. Creating links on Windows
            // takes a privilege most accounts lack, which narrows what this cannot rule out.
            for part in parts {
                path.push(part);
                match std::fs::symlink_metadata(&path) {
                    Ok(meta) if meta.file_type().is_symlink() => {
                        return Err(refused_link(io::Error::other("a link"), &path));
                    }
                    Ok(meta) if meta.is_dir() => {}
                    Ok(_) => {
                        return Err(io::Error::other(format!(
                            "{} is not a folder",
                            path.display()
                        )));
                    }
                    Err(e) if e.kind() == io::ErrorKind::NotFound => std::fs::create_dir(&path)?,
                    Err(e) => return Err(e),
                }
            }
            Ok(Self { path })
        }
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Creates `name` in this folder, new: it fails if anything (a link too) is there.
    pub(crate) fn create_new(&self, name: &str) -> io::Result<File> {
        #[cfg(unix)]
        {
            use std::os::fd::{AsRawFd, FromRawFd};
            let name = c_name(name)?;
            let flags = libc::O_WRONLY | libc::O_CREAT | libc::O_EXCL | libc::O_NOFOLLOW;
            // SAFETY: a valid open folder and a NUL-terminated name; the result is checked.
            let fd = unsafe {
                libc::openat(
                    self.fd.as_raw_fd(),
                    name.as_ptr(),
                    flags | libc::O_CLOEXEC,
                    0o666,
                )
            };
            if fd < 0 {
                return Err(io::Error::last_os_error());
            }
            // SAFETY: `fd` was just opened and is owned by nobody else.
            Ok(unsafe { File::from_raw_fd(fd) })
        }
        #[cfg(not(unix))]
        {
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(self.path.join(name))
        }
    }

    /// Renames `from` to `to`, both in this folder; what is at `to` (a link too) is replaced,
    /// never written through.
    /// A device, a pipe or a socket at `to` is refused, not replaced: `/dev/null` renamed over
    /// would be a file for every program on the machine.
    pub(crate) fn rename(&self, from: &str, to: &str) -> io::Result<()> {
        #[cfg(unix)]
        {
            use std::os::fd::AsRawFd;
            let (from, to) = (c_name(from)?, c_name(to)?);
            let dir = self.fd.as_raw_fd();
            let mut found = std::mem::MaybeUninit::<libc::stat>::uninit();
            // SAFETY: a valid open folder, a NUL-terminated name and room for the answer; the
            // answer is read only when the call succeeded.
            let looked = unsafe {
                libc::fstatat(
                    dir,
                    to.as_ptr(),
                    found.as_mut_ptr(),
                    libc::AT_SYMLINK_NOFOLLOW,
                )
            };
            if looked == 0 {
                // SAFETY: fstatat succeeded, so it filled the answer in.
                let mode = unsafe { found.assume_init() }.st_mode & libc::S_IFMT;
                if !matches!(mode, libc::S_IFREG | libc::S_IFLNK) {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidInput,
                        "it is not a file (a device, a pipe, a socket or a folder): Pail \
                         downloads into files only, and leaves it as it is",
                    ));
                }
            }
            // SAFETY: a valid open folder and NUL-terminated names; the result is checked.
            let done = unsafe { libc::renameat(dir, from.as_ptr(), dir, to.as_ptr()) };
            if done != 0 {
                return Err(io::Error::last_os_error());
            }
            Ok(())
        }
        #[cfg(not(unix))]
        {
            if let Ok(found) = std::fs::symlink_metadata(self.path.join(to))
                && !(found.is_file() || found.is_symlink())
            {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "it is not a file (a device or a folder): Pail downloads into files only, \
                     and leaves it as it is",
                ));
            }
            std::fs::rename(self.path.join(from), self.path.join(to))
        }
    }

    /// Renames `from` to `to`, both in this folder, only if nothing is at `to`: it fails with
    /// `AlreadyExists` otherwise, whatever appeared there since it was looked at.
    pub(crate) fn rename_new(&self, from: &str, to: &str) -> io::Result<()> {
        #[cfg(target_os = "linux")]
        {
            use std::os::fd::AsRawFd;
            let (from, to) = (c_name(from)?, c_name(to)?);
            let dir = self.fd.as_raw_fd();
            // SAFETY: a valid open folder and NUL-terminated names; the result is checked.
            let done = unsafe {
                libc::renameat2(dir, from.as_ptr(), dir, to.as_ptr(), libc::RENAME_NOREPLACE)
            };
            if done == 0 {
                return Ok(());
            }
            let e = io::Error::last_os_error();
            // File systems without it (some network ones) fall back to a link, which also
            // fails where a name is taken.
            if !matches!(e.raw_os_error(), Some(libc::EINVAL) | Some(libc::ENOSYS)) {
                return Err(e);
            }
        }
        self.link_then_remove(from, to)
    }

    /// `to` made a second name of `from` (refused where `to` exists), then `from` removed.
    fn link_then_remove(&self, from: &str, to: &str) -> io::Result<()> {
        #[cfg(unix)]
        {
            use std::os::fd::AsRawFd;
            let (from_c, to_c) = (c_name(from)?, c_name(to)?);
            let dir = self.fd.as_raw_fd();
            // SAFETY: a valid open folder and NUL-terminated names; the result is checked.
            let done = unsafe { libc::linkat(dir, from_c.as_ptr(), dir, to_c.as_ptr(), 0) };
            if done != 0 {
                return Err(io::Error::last_os_error());
            }
        }
        #[cfg(not(unix))]
        std::fs::hard_link(self.path.join(from), self.path.join(to))?;
        self.remove(from)
    }

    /// Removes the file `name` in this folder (a link is removed as a name).
    pub(crate) fn remove(&self, name: &str) -> io::Result<()> {
        #[cfg(unix)]
        {
            use std::os::fd::AsRawFd;
            let name = c_name(name)?;
            // SAFETY: a valid open folder and a NUL-terminated name; the result is checked.
            let done = unsafe { libc::unlinkat(self.fd.as_raw_fd(), name.as_ptr(), 0) };
            if done != 0 {
                return Err(io::Error::last_os_error());
            }
            Ok(())
        }
        #[cfg(not(unix))]
        {
            std::fs::remove_file(self.path.join(name))
        }
    }
}

/// What is at `name` (a path relative to `root`, `/`-separated) on this computer. Links are
/// looked at, not followed: a link is something there.
pub(crate) fn seen_in_folder(root: &Path, name: &str) -> Seen {
    let path = local_path(root, name);
    match std::fs::symlink_metadata(&path) {
        Ok(meta) => Seen::Present(
            meta.modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_secs() as i64),
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Seen::Absent,
        // A folder on the way that is a file, or no permission: nothing is known.
        Err(_) => Seen::Unknown,
    }
}

/// Whether a failed rename or removal says that another program has the file open. Windows
/// refuses to replace or remove a file opened without `FILE_SHARE_DELETE` (sharing or lock
/// violation, or "access denied" while it is open); elsewhere an open file is replaced.
pub(crate) fn held_open(e: &io::Error) -> bool {
    // ERROR_ACCESS_DENIED, ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION.
    cfg!(windows) && matches!(e.raw_os_error(), Some(5 | 32 | 33))
}

/// `root` joined with the `/`-separated `name`.
pub(crate) fn local_path(root: &Path, name: &str) -> PathBuf {
    let mut path = root.to_owned();
    path.extend(name.split('/').filter(|s| !s.is_empty()));
    path
}

/// The space of a folder on this computer, its place the folder's canonical path.
pub(crate) fn folder_space(root: &Path) -> Space {
    let canonical = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_owned());
    Space {
        root: format!("file:{}/", canonical.display()),
        kind: SpaceKind::NATIVE_FOLDER,
    }
}

/// A link (or a file) where a folder was expected, said in words.
fn refused_link(e: io::Error, path: &Path) -> io::Error {
    #[cfg(unix)]
    let is_link = matches!(e.raw_os_error(), Some(libc::ELOOP) | Some(libc::ENOTDIR));
    #[cfg(not(unix))]
    let is_link = true;
    if !is_link {
        return e;
    }
    let link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if link {
        io::Error::other(format!(
            "{} is a link: links below the chosen folder are not followed",
            path.display()
        ))
    } else {
        io::Error::other(format!("{} is a file, not a folder", path.display()))
    }
}

#[cfg(unix)]
fn c_name(name: &str) -> io::Result<std::ffi::CString> {
    if name.is_empty() || name.contains('/') || name == "." || name == ".." {
        return Err(io::Error::other(format!("`{name}` is not a file name")));
    }
    std::ffi::CString::new(name).map_err(|_| io::Error::other("a file name holds a NUL byte"))
}

#[cfg(unix)]
fn open_root(root: &Path) -> io::Result<std::os::fd::OwnedFd> {
    use std::os::unix::fs::OpenOptionsExt;
    let dir = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_DIRECTORY)
        .open(root)?;
    Ok(dir.into())
}

/// Opens (creating it if missing) the folder `name` in `dir`, refusing a link.
#[cfg(unix)]
fn open_below(dir: &std::os::fd::OwnedFd, name: &str) -> io::Result<std::os::fd::OwnedFd> {
    use std::os::fd::{AsRawFd, FromRawFd};
    let name = c_name(name)?;
    // SAFETY: a valid open folder and a NUL-terminated name; the result is checked.
    let made = unsafe { libc::mkdirat(dir.as_raw_fd(), name.as_ptr(), 0o777) };
    if made != 0 {
        let e = io::Error::last_os_error();
        if e.kind() != io::ErrorKind::AlreadyExists {
            return Err(e);
        }
    }
    let flags = libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC;
    // SAFETY: as above.
    let fd = unsafe { libc::openat(dir.as_raw_fd(), name.as_ptr(), flags) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fd` was just opened and is owned by nobody else.
    Ok(unsafe { std::os::fd::OwnedFd::from_raw_fd(fd) })
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_link_below_the_chosen_folder_is_never_followed() {
        let chosen = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), chosen.path().join("photos")).unwrap();
        let e = LandingDir::open(chosen.path(), &["photos", "2026"]).unwrap_err();
        assert!(
            e.to_string()
                .contains("links below the chosen folder are not followed"),
            "{e}"
        );
        assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
    }

    #[test]
    fn folders_are_made_and_files_created_new_renamed_and_removed_inside() {
        let chosen = tempfile::tempdir().unwrap();
        let dir = LandingDir::open(chosen.path(), &["a", "b"]).unwrap();
        assert_eq!(dir.path(), chosen.path().join("a/b"));
        std::io::Write::write_all(&mut dir.create_new("x.part").unwrap(), b"hi").unwrap();
        assert!(
            dir.create_new("x.part").is_err(),
            "never over what is there"
        );
        dir.rename("x.part", "x").unwrap();
        std::io::Write::write_all(&mut dir.create_new("z.part").unwrap(), b"new").unwrap();
        let e = dir.rename_new("z.part", "x").unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read(chosen.path().join("a/b/x")).unwrap(), b"hi");
        dir.rename_new("z.part", "z").unwrap();
        assert_eq!(std::fs::read(chosen.path().join("a/b/z")).unwrap(), b"new");
        assert_eq!(std::fs::read(chosen.path().join("a/b/x")).unwrap(), b"hi");
        dir.remove("x").unwrap();
        assert!(!chosen.path().join("a/b/x").exists());
        // A link planted as the file name is refused by create_new, not written through.
        let victim = chosen.path().join("victim");
        std::fs::write(&victim, b"keep").unwrap();
        std::os::unix::fs::symlink(&victim, chosen.path().join("a/b/y")).unwrap();
        assert!(dir.create_new("y").is_err());
        assert_eq!(std::fs::read(&victim).unwrap(), b"keep");
    }
}
