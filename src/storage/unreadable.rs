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
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, " line {line}")?;
        }
        write!(f, " could not be read ({})", self.reason)?;
        match &self.kept_as {
            Some(aside) => write!(f, "; it was kept as {}", aside.display())?,
            None => f.write_str("; it was left in place")?,
        }
        f.write_str(" and Pail started without it")
    }
}

impl std::error::Error for UnreadableFile {}

/// Moves `path` out of the way (`NAME.broken-DATE`), so nothing later overwrites it.
pub fn set_aside(path: &Path, line: Option<usize>, reason: String) -> UnreadableFile {
    let aside = PathBuf::from(format!(
        "{}.broken-{}",
        path.display(),
        jiff::Timestamp::now().strftime("%Y%m%d%H%M%S")
    ));
    let kept_as = std::fs::rename(path, &aside).ok().map(|()| aside);
    UnreadableFile {
        path: path.to_owned(),
        line,
        reason,
        kept_as,
    }
}

/// The line (from 1) that byte `offset` of `bytes` is on.
pub fn line_of(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The file's text; `None` when there is no file. A file that cannot be read, or is not UTF-8,
/// is set aside and described.
pub fn read_text(path: &Path) -> Result<Option<String>, UnreadableFile> {
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
