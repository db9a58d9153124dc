//! Files Pail cannot use as they are: read a file as text, or set it aside — renamed beside
//! itself, never overwritten — with a description naming the file and line. Profiles, the
//! shared-links history and the journals all read their files through [`read_text`].

use std::fmt;
use std::path::{Path, PathBuf};

/// A file that could not be used as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadableFile {
    pub path: PathBuf,
    /// The line of the mistake, when known.
    pub line: Option<usize>,
    pub reason: String,
    /// Where the file was moved to, if it was.
    pub kept_as: Option<PathBuf>,
}

impl fmt::Display for UnreadableFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `{:#}` marks the paths for a terminal (`crate::fmt::path_text`).
        let marked = f.alternate();
        let path = |p: &Path| match marked {
            true => crate::fmt::path_text(p),
            false => p.display().to_string(),
        };
        write!(f, "{}", path(&self.path))?;
        if let Some(line) = self.line {
            write!(f, " line {line}")?;
        }
        write!(f, " could not be read ({})", self.reason)?;
        match &self.kept_as {
            Some(aside) => write!(f, "; it was kept as {}", path(aside))?,
            None => f.write_str("; it was left in place")?,
        }
        f.write_str(" and Pail started without it")
    }
}

impl std::error::Error for UnreadableFile {}

/// How many names `set_aside` tries in one second before it leaves the file in place.
const ASIDE_NAMES: u32 = 1000;

/// Moves `path` out of the way (`NAME.broken-DATE`, then `NAME.broken-DATE-2`… when files were
/// set aside in the same second), so nothing later overwrites it — and it overwrites nothing.
pub(crate) fn set_aside(path: &Path, line: Option<usize>, reason: String) -> UnreadableFile {
    UnreadableFile {
        path: path.to_owned(),
        line,
        reason,
        kept_as: move_aside(path),
    }
}

/// Moves `path` to the first free `NAME.broken-DATE[-N]`; `None` when it could not be moved.
/// For a file, each name is first taken by creating an empty file exclusively, so the rename
/// (which replaces a file it lands on) replaces only that placeholder. A folder is renamed
/// onto a free name: a rename never replaces a file or a folder with something in it by a
/// folder.
fn move_aside(path: &Path) -> Option<PathBuf> {
    let is_folder = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir());
    let stamp = jiff::Timestamp::now().strftime("%Y%m%d%H%M%S").to_string();
    for n in 1..=ASIDE_NAMES {
        let mut aside = path.as_os_str().to_owned();
        if n == 1 {
            aside.push(format!(".broken-{stamp}"));
        } else {
            aside.push(format!(".broken-{stamp}-{n}"));
        }
        let aside = PathBuf::from(aside);
        if is_folder {
            if std::fs::symlink_metadata(&aside).is_ok() {
                continue;
            }
            return std::fs::rename(path, &aside).ok().map(|()| aside);
        }
        let placeholder = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&aside);
        match placeholder {
            // Closed before the rename: Windows refuses to replace a file that is open.
            Ok(placeholder) => drop(placeholder),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(_) => return None,
        }
        return match std::fs::rename(path, &aside) {
            Ok(()) => Some(aside),
            Err(_) => {
                let _ = std::fs::remove_file(&aside);
                None
            }
        };
    }
    None
}

/// The line (from 1) that byte `offset` of `bytes` is on.
pub(crate) fn line_of(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The file's text; `None` when there is no file. A file that cannot be read, or is not UTF-8,
/// is set aside and described.
pub(crate) fn read_text(path: &Path) -> Result<Option<String>, UnreadableFile> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(set_aside(path, None, e.to_string())),
    };
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Some(text)),
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let line = line_of(e.as_bytes(), offset);
            Err(set_aside(
                path,
                Some(line),
                format!("byte {offset} is not UTF-8 text"),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_set_aside_in_one_second_are_all_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("profiles.toml");
        for body in ["first", "second", "third"] {
            std::fs::write(&path, body).unwrap();
            let aside = set_aside(&path, None, "broken".into());
            assert!(aside.kept_as.is_some(), "{aside}");
            assert!(!path.exists());
        }
        let mut kept: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .collect();
        kept.sort();
        assert_eq!(kept, ["first", "second", "third"]);
    }
}
