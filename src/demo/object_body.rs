//! The bytes of a GET, read from the object's file in large pieces. s3s-fs 0.14.1 answers a
//! GET from a file read 4 KiB at a time, each read a trip to tokio's blocking threads: about
//! 4.5 s of the server's CPU for every GiB served, which on a two-core machine left every
//! client waiting on the server. The local server keeps s3s-fs's answer (its headers, its
//! range checks) and sends the same bytes from the same file, 256 KiB a read.

use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use tokio::io::AsyncRead;

/// Bytes read at once.
const READ: usize = 256 * 1024;

/// Where s3s-fs keeps `key` of `bucket` below `root`, for names whose path means only that
/// file: no `.` or `..` or empty segment, nothing absolute. Other names keep s3s-fs's body.
pub(crate) fn plain_path(root: &Path, bucket: &str, key: &str) -> Option<PathBuf> {
    let plain = |name: &str| {
        !name.is_empty()
            && !name.starts_with('/')
            && name
                .split('/')
                .all(|s| !s.is_empty() && s != "." && s != "..")
    };
    (plain(bucket) && plain(key) && !bucket.contains('/')).then(|| root.join(bucket).join(key))
}

/// The object's file, opened before s3s-fs opens it for the same request.
pub(crate) struct Opened {
    file: std::fs::File,
    path: PathBuf,
}

impl Opened {
    pub(crate) fn open(path: PathBuf) -> Option<Self> {
        let file = std::fs::File::open(&path).ok()?;
        file.metadata()
            .ok()?
            .is_file()
            .then_some(Self { file, path })
    }

    /// The body for the answer s3s-fs gave — `length` bytes from `start` of a file of `whole`
    /// bytes — if s3s-fs read this same file: no new object took the name since this one was
    /// opened (s3s-fs writes each object to a new file and renames it into place, so the name
    /// still leads to the file opened first only if s3s-fs opened that one too).
    pub(crate) fn body(self, start: u64, length: u64, whole: u64) -> Option<ObjectBody> {
        use std::io::Seek;
        let ours = self.file.metadata().ok()?;
        if !still_named(&self.file, &ours, &self.path)
            || ours.len() != whole
            || start.checked_add(length)? > whole
        {
            return None;
        }
        let mut file = self.file;
        file.seek(std::io::SeekFrom::Start(start)).ok()?;
        Some(ObjectBody {
            file: tokio::fs::File::from_std(file),
            remaining: length,
            buffer: vec![0; READ],
        })
    }
}

/// Whether `path` still leads to `file` (whose metadata is `ours`).
#[cfg(unix)]
fn still_named(_: &std::fs::File, ours: &std::fs::Metadata, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).is_ok_and(|now| ours.ino() == now.ino() && ours.dev() == now.dev())
}

/// Windows keeps a file's identity in its handle, not its metadata: without it every GET went
/// on s3s-fs's 4 KiB reads there. (Creation times cannot stand in: Windows may hand a new
/// file the creation time of the one it replaced under the same name.)
#[cfg(windows)]
fn still_named(file: &std::fs::File, _: &std::fs::Metadata, path: &Path) -> bool {
    let now = std::fs::File::open(path);
    matches!((file_id(file), now.ok().as_ref().and_then(file_id)), (Some(a), Some(b)) if a == b)
}

/// The volume and index that name a file on Windows while it exists.
#[cfg(windows)]
fn file_id(file: &std::fs::File) -> Option<(u32, u32, u32)> {
    use std::os::windows::io::AsRawHandle;
    use windows_sys::Win32::Storage::FileSystem::{
        BY_HANDLE_FILE_INFORMATION, GetFileInformationByHandle,
    };
    // SAFETY: an all-zero BY_HANDLE_FILE_INFORMATION is a valid value of that plain struct.
    let mut info: BY_HANDLE_FILE_INFORMATION = unsafe { std::mem::zeroed() };
    // SAFETY: the handle stays open for the call, which only writes into `info`.
    let done = unsafe { GetFileInformationByHandle(file.as_raw_handle(), &mut info) };
    (done != 0).then_some((
        info.dwVolumeSerialNumber,
        info.nFileIndexHigh,
        info.nFileIndexLow,
    ))
}

/// Elsewhere the file's identity is not at hand: s3s-fs's own body is kept.
#[cfg(not(any(unix, windows)))]
fn still_named(_: &std::fs::File, _: &std::fs::Metadata, _: &Path) -> bool {
    false
}

/// `remaining` bytes of a file, read `READ` at a time.
pub(crate) struct ObjectBody {
    file: tokio::fs::File,
    remaining: u64,
    buffer: Vec<u8>,
}

impl http_body::Body for ObjectBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        if self.remaining == 0 {
            return Poll::Ready(None);
        }
        let this = &mut *self;
        let want = READ.min(usize::try_from(this.remaining).unwrap_or(READ));
        let mut read = tokio::io::ReadBuf::new(&mut this.buffer[..want]);
        match Pin::new(&mut this.file).poll_read(cx, &mut read) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(e)) => Poll::Ready(Some(Err(e))),
            Poll::Ready(Ok(())) if read.filled().is_empty() => Poll::Ready(Some(Err(
                std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "the object's file ended"),
            ))),
            Poll::Ready(Ok(())) => {
                let frame = Bytes::copy_from_slice(read.filled());
                this.remaining -= frame.len() as u64;
                Poll::Ready(Some(Ok(http_body::Frame::data(frame))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.remaining == 0
    }

    fn size_hint(&self) -> http_body::SizeHint {
        http_body::SizeHint::with_exact(self.remaining)
    }
}

/// Where a `Content-Range: bytes first-last/whole` answer starts, and the whole size.
pub(crate) fn range_start(content_range: &str) -> Option<(u64, u64)> {
    let (span, whole) = content_range.strip_prefix("bytes ")?.split_once('/')?;
    let (first, _) = span.split_once('-')?;
    Some((first.parse().ok()?, whole.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_that_mean_their_file_are_read_directly() {
        let root = Path::new("/data");
        assert_eq!(
            plain_path(root, "b", "a/c.txt"),
            Some(PathBuf::from("/data/b/a/c.txt"))
        );
        for key in ["", "/etc/passwd", "a/../b", "./a", "a//b", "a/", ".."] {
            assert_eq!(plain_path(root, "b", key), None, "{key:?}");
        }
        assert_eq!(plain_path(root, "..", "a"), None);
        assert_eq!(range_start("bytes 5-9/100"), Some((5, 100)));
        assert_eq!(range_start("bytes */100"), None);
    }

    /// On Windows the file's identity was never asked for, so every GET was read 4 KiB at a
    /// time (a 3 MiB GET took seconds under Wine).
    #[tokio::test]
    async fn a_file_still_under_its_name_is_read_directly() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("object");
        std::fs::write(&path, b"one version").unwrap();
        let opened = Opened::open(path).unwrap();
        let body = opened.body(4, 7, 11).expect("read directly");
        let got = http_body_util::BodyExt::collect(body)
            .await
            .unwrap()
            .to_bytes();
        assert_eq!(&got[..], b"version");
    }

    #[tokio::test]
    async fn a_replaced_file_keeps_the_servers_own_body() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("object");
        std::fs::write(&path, b"first version").unwrap();
        let opened = Opened::open(path.clone()).unwrap();
        let fresh = dir.path().join("fresh");
        std::fs::write(&fresh, b"second version").unwrap();
        // The open file is moved away first: Windows (as Wine runs it) replaces no open file,
        // and the name must lead to another file while the first is still open.
        std::fs::rename(&path, dir.path().join("old")).unwrap();
        std::fs::rename(&fresh, &path).unwrap();
        assert!(opened.body(0, 13, 13).is_none());
        let opened = Opened::open(path.clone()).unwrap();
        assert!(
            opened.body(0, 14, 13).is_none(),
            "a size that is not the file's"
        );
        let opened = Opened::open(path).unwrap();
        if cfg!(not(any(unix, windows))) {
            // The file's identity is not at hand there: s3s-fs's own body is always kept.
            assert!(opened.body(7, 7, 14).is_none());
            return;
        }
        let body = opened.body(7, 7, 14).unwrap();
        let got = http_body_util::BodyExt::collect(body)
            .await
            .unwrap()
            .to_bytes();
        assert_eq!(&got[..], b"version");
    }
}
