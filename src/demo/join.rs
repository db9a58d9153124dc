//! The local server's join of a multipart upload (CompleteMultipartUpload). s3s-fs 0.14.1 reads
//! every part back, 64 KiB a trip to tokio's blocking threads, and hashes it again before it
//! answers: 0.87 s for 256 MiB here, so no upload through a 50 MB/s link could fill more than
//! 85% of it, whatever the client. Each part's MD5 is known as the part arrives (s3s-fs answers
//! it as the part's ETag). This keeps them, and joins an upload whose every part it saw arrive,
//! and whose part files are still the files it saw, by moving the first part's file into place
//! and appending the others (in the kernel where the system copies between files), writing the
//! ETag S3 gives (the MD5 of the parts' MD5s, `-`, their count) where s3s-fs keeps it.
//!
//! A part is vouched for only when no other write of it overlapped its own (two at once leave
//! one file and two MD5s), and each is copied from the file opened and checked to be the one
//! that arrived, so a part written again during the join is not taken for the old one.
//! Anything else (a part it did not see, a part written under another spelling of the upload
//! ID or by UploadPartCopy, a conditional complete, a key that is no plain path) is joined by
//! s3s-fs, as before. The file names are s3s-fs 0.14.1's own; that version is pinned.

use std::collections::{HashMap, HashSet};
use std::fs::{File, Metadata};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

use base64::Engine as _;
use md5::{Digest, Md5};
use s3s::dto::{CompleteMultipartUploadInput, CompleteMultipartUploadOutput, ETag};
use s3s::{S3Request, S3Result, s3_error};

use super::object_body::plain_path;

mod early;
use early::{Copier, Early, early_file, take_early};

/// S3's smallest part, but for the last one.
const SMALLEST_PART: u64 = 5 * 1024 * 1024;

/// A part as it arrived: its MD5, and its file as s3s-fs left it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Seen {
    md5: [u8; 16],
    file: FileId,
}

/// A file as its metadata tells it apart: size, time and (on Unix) device and inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileId {
    len: u64,
    modified: SystemTime,
    node: (u64, u64),
}

impl FileId {
    fn of(metadata: &Metadata) -> Option<Self> {
        #[cfg(unix)]
        let node = {
            use std::os::unix::fs::MetadataExt as _;
            (metadata.dev(), metadata.ino())
        };
        #[cfg(not(unix))]
        let node = (0, 0);
        let modified = metadata.modified().ok()?;
        metadata.is_file().then_some(Self {
            len: metadata.len(),
            modified,
            node,
        })
    }
}

/// A part by upload ID and number.
type PartOf = (String, i32);

#[derive(Debug, Default)]
struct Parts {
    seen: HashMap<PartOf, Seen>,
    /// Writes of a part under way, and the parts two writes overlapped on.
    writing: HashMap<PartOf, u32>,
    overlapped: HashSet<PartOf>,
    /// Uploads with a part written under another spelling of their ID.
    unvouched: HashSet<String>,
    /// Each upload's parts copied into one file as they arrive ([`Early`]).
    early: HashMap<String, Early>,
}

impl Parts {
    /// Ends one write of `part`; whether it overlapped no other.
    fn end_write(&mut self, part: &PartOf) -> bool {
        let alone = !self.overlapped.contains(part);
        match self.writing.get_mut(part) {
            Some(left) if *left > 1 => *left -= 1,
            _ => {
                self.writing.remove(part);
                self.overlapped.remove(part);
            }
        }
        alone
    }
}

/// The MD5s of the parts that arrived, by upload and part number.
#[derive(Debug)]
pub(crate) struct PartDigests {
    root: PathBuf,
    parts: Arc<Mutex<Parts>>,
}

/// One write of a part under way (UploadPart or UploadPartCopy); see [`PartDigests::writing`].
pub(crate) struct PartWrite<'a> {
    digests: &'a PartDigests,
    part: Option<PartOf>,
}

impl PartWrite<'_> {
    /// The write ended; `etag` is the part's MD5 when s3s-fs stored it from the body.
    pub(crate) fn done(mut self, etag: Option<&ETag>) {
        let Some(part) = self.part.take() else {
            return;
        };
        let md5 = etag.and_then(ETag::as_strong).and_then(md5_of_hex);
        let file = std::fs::metadata(part_path(&self.digests.root, &part.0, part.1));
        let file = file.ok().as_ref().and_then(FileId::of);
        let mut parts = self.digests.held();
        let alone = parts.end_write(&part);
        match (md5, file) {
            (Some(md5), Some(file)) if alone => {
                parts.seen.insert(part.clone(), Seen { md5, file });
            }
            _ => {
                parts.seen.remove(&part);
            }
        }
        let early = parts.early.entry(part.0.clone()).or_default();
        if !early.copying && !early.closed {
            let next = (part.0.clone(), early.held.len() as i32 + 1);
            if parts.seen.contains_key(&next)
                && let Ok(runtime) = tokio::runtime::Handle::try_current()
            {
                if let Some(early) = parts.early.get_mut(&part.0) {
                    early.copying = true;
                }
                let copier = Copier {
                    parts: self.digests.parts.clone(),
                    root: self.digests.root.clone(),
                    id: part.0,
                };
                drop(parts);
                runtime.spawn_blocking(move || copier.run());
            }
        }
    }
}

impl Drop for PartWrite<'_> {
    /// A write that failed or was dropped leaves its part unvouched for.
    fn drop(&mut self) {
        if let Some(part) = self.part.take() {
            let mut parts = self.digests.held();
            parts.end_write(&part);
            parts.seen.remove(&part);
        }
    }
}

/// What the join found.
enum Joined {
    /// The object is in place, with this ETag.
    Done(String),
    /// Nothing was changed: s3s-fs joins it.
    NotVouched,
}

impl PartDigests {
    /// For the s3s-fs whose folder is `root`.
    pub(crate) fn new(root: &Path) -> Self {
        Self {
            root: root.to_owned(),
            parts: Arc::default(),
        }
    }

    fn held(&self) -> MutexGuard<'_, Parts> {
        lock(&self.parts)
    }

    /// A write of part `part` of `upload_id` begins. Its MD5 is kept when it ends
    /// ([`PartWrite::done`]) unless another write of the part overlapped it; an ID spelled
    /// otherwise than s3s-fs spells it leaves the whole upload to s3s-fs.
    pub(crate) fn writing(&self, upload_id: &str, part: i32) -> PartWrite<'_> {
        let mut parts = self.held();
        let Some(id) = canonical(upload_id) else {
            let id = upload_id.to_ascii_lowercase();
            parts.seen.retain(|(of, _), _| *of != id);
            parts.unvouched.insert(id);
            return PartWrite {
                digests: self,
                part: None,
            };
        };
        let key = (id.to_owned(), part);
        let writes = parts.writing.entry(key.clone()).or_insert(0);
        *writes += 1;
        if *writes > 1 {
            parts.overlapped.insert(key.clone());
        }
        parts.seen.remove(&key);
        PartWrite {
            digests: self,
            part: Some(key),
        }
    }

    /// Lets go of an upload's parts (it was joined or aborted).
    pub(crate) fn forget(&self, upload_id: &str) {
        let id = upload_id.to_ascii_lowercase();
        let mut parts = self.held();
        parts.seen.retain(|(of, _), _| *of != id);
        parts.unvouched.remove(&id);
        // Kept, closed, even for an upload none of whose parts has arrived yet: a part that
        // arrives after the abort starts no copy.
        let early = parts.early.entry(id.clone()).or_default();
        early.closed = true;
        early.discard = true;
        if !early.copying {
            let _ = std::fs::remove_file(early_file(&self.root, &id));
        }
    }

    /// A part named by an ETag other than the one it arrived with: S3 refuses such a join. A
    /// part whose file is no longer the one that arrived is not judged here (s3s-fs hashes it).
    pub(crate) fn misnamed_part(&self, input: &CompleteMultipartUploadInput) -> bool {
        let held = self.held();
        let parts = input
            .multipart_upload
            .iter()
            .flat_map(|u| u.parts.iter().flatten());
        parts.into_iter().any(|part| {
            let seen = part.part_number.and_then(|n| {
                let seen = held.seen.get(&(input.upload_id.clone(), n))?;
                let file = std::fs::metadata(part_path(&self.root, &input.upload_id, n)).ok();
                (file.as_ref().and_then(FileId::of) == Some(seen.file)).then_some(seen)
            });
            match (seen, &part.e_tag) {
                (Some(seen), Some(named)) => !named.value().eq_ignore_ascii_case(&hex(&seen.md5)),
                _ => false,
            }
        })
    }

    /// The parts listed, as they arrived; `None` unless every one is vouched for.
    fn vouched(&self, id: &str, listed: &[s3s::dto::CompletedPart]) -> Option<Vec<Seen>> {
        let held = self.held();
        let busy = held.writing.keys().any(|(of, _)| of == id);
        if busy || held.unvouched.contains(id) || listed.is_empty() {
            return None;
        }
        let mut parts = Vec::with_capacity(listed.len());
        for (at, part) in listed.iter().enumerate() {
            let number = part.part_number?;
            if usize::try_from(number).ok()? != at + 1 {
                return None;
            }
            parts.push(*held.seen.get(&(id.to_owned(), number))?);
        }
        Some(parts)
    }

    /// The object joined from parts this saw arrive, or `None` where s3s-fs is to join it
    /// (nothing was changed then).
    pub(crate) async fn join(
        &self,
        req: &S3Request<CompleteMultipartUploadInput>,
    ) -> Option<S3Result<CompleteMultipartUploadOutput>> {
        let input = &req.input;
        if input.if_match.is_some() || input.if_none_match.is_some() {
            return None;
        }
        let id = canonical(&input.upload_id)?.to_owned();
        let object = plain_path(&self.root, &input.bucket, &input.key)?;
        let listed = input.multipart_upload.as_ref()?.parts.as_ref()?;
        let parts = self.vouched(&id, listed)?;
        let upload = Upload {
            root: self.root.clone(),
            id: id.clone(),
            bucket: input.bucket.clone(),
            key: input.key.clone(),
            object,
            owner: req.credentials.as_ref().map(|c| c.access_key.clone()),
        };
        let shared = self.parts.clone();
        let joined = tokio::task::spawn_blocking(move || {
            let early = take_early(&shared, &upload.id, &parts);
            upload.join(&parts, early)
        })
        .await;
        let e_tag = match joined {
            Ok(Ok(Joined::Done(e_tag))) => e_tag,
            Ok(Ok(Joined::NotVouched)) => return None,
            Ok(Err(e)) => return Some(Err(s3_error!(InternalError, "joining the parts: {e}"))),
            Err(e) => return Some(Err(s3_error!(InternalError, "joining the parts: {e}"))),
        };
        self.forget(&id);
        Some(Ok(CompleteMultipartUploadOutput {
            bucket: Some(input.bucket.clone()),
            key: Some(input.key.clone()),
            e_tag: Some(ETag::Strong(e_tag)),
            ..Default::default()
        }))
    }
}

/// One upload's files, as s3s-fs 0.14.1 names them.
struct Upload {
    root: PathBuf,
    id: String,
    bucket: String,
    /// The key's file name.
    key: String,
    object: PathBuf,
    /// The access key the request was signed with.
    owner: Option<String>,
}

impl Upload {
    /// Checks everything first and changes nothing unless all holds; then joins, from the
    /// first `early` parts already copied into the early file if there are any.
    fn join(&self, parts: &[Seen], early: usize) -> io::Result<Joined> {
        let early_file = early_file(&self.root, &self.id);
        let Some((files, info)) = self.check(parts) else {
            let _ = std::fs::remove_file(&early_file);
            return Ok(Joined::NotVouched);
        };
        let joining = self.temporary("internal.part");
        let held: u64 = parts[..early].iter().map(|p| p.file.len).sum();
        // The early file holds those parts, and may hold more that changed since.
        let early_moved = early > 0 && std::fs::rename(&early_file, &joining).is_ok();
        let early_used = early_moved
            && std::fs::OpenOptions::new()
                .write(true)
                .open(&joining)
                .and_then(|f| match f.metadata()?.len() >= held {
                    true => f.set_len(held),
                    false => Err(io::Error::other("shorter than the parts it holds")),
                })
                .is_ok();
        let first = if early_used {
            early
        } else {
            let _ = std::fs::remove_file(&early_file);
            if early_moved {
                let _ = std::fs::remove_file(&joining);
            }
            // The first part's file becomes the object: moved, then checked to be the file
            // that was opened (and put back if it is not).
            std::fs::rename(self.part(0), &joining)?;
            let moved = std::fs::metadata(&joining).ok();
            if moved.as_ref().and_then(FileId::of) != Some(parts[0].file) {
                let _ = std::fs::rename(&joining, self.part(0));
                return Ok(Joined::NotVouched);
            }
            1
        };
        let joined = self.finish(parts, (files, first), &joining, info);
        if joined.is_err() {
            let _ = std::fs::remove_file(&joining);
        }
        joined
    }

    /// The parts' files opened and each the file that arrived; the object's internal record
    /// as s3s-fs keeps it. `None` when anything is not as the join needs it.
    fn check(
        &self,
        parts: &[Seen],
    ) -> Option<(Vec<File>, serde_json::Map<String, serde_json::Value>)> {
        // The upload is this requester's (s3s-fs keeps its access key, as JSON).
        let json = std::fs::read(self.root.join(format!(".upload-{}.json", self.id))).ok()?;
        let started_by = serde_json::from_slice::<Option<String>>(&json).ok()?;
        if started_by != self.owner {
            return None;
        }
        // The object can be put in its place: its bucket's folder is there, no folder holds
        // its name, and no file holds the name of a folder above it.
        let bucket = self.root.join(&self.bucket);
        let folders_free = self
            .object
            .ancestors()
            .skip(1)
            .take_while(|folder| *folder != bucket)
            .all(|folder| !folder.exists() || folder.is_dir());
        if !bucket.is_dir() || self.object.is_dir() || !folders_free {
            return None;
        }
        let last = parts.len() - 1;
        let mut files = Vec::with_capacity(parts.len());
        for (at, seen) in parts.iter().enumerate() {
            let file = File::open(self.part(at)).ok()?;
            let same = file.metadata().ok().as_ref().and_then(FileId::of) == Some(seen.file);
            if !same || (at < last && seen.file.len < SMALLEST_PART) {
                return None;
            }
            files.push(file);
        }
        let info = match std::fs::read(self.root.join(self.named("internal.json", false))) {
            Ok(json) => serde_json::from_slice(&json).ok()?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => serde_json::Map::new(),
            Err(_) => return None,
        };
        Some((files, info))
    }

    /// The rest of the parts appended to `joining` from the files checked, the upload's
    /// records moved as s3s-fs moves them, the object put in its place with its ETag.
    fn finish(
        &self,
        parts: &[Seen],
        (files, first): (Vec<File>, usize),
        joining: &Path,
        mut info: serde_json::Map<String, serde_json::Value>,
    ) -> io::Result<Joined> {
        std::fs::remove_file(self.root.join(format!(".upload-{}.json", self.id)))?;
        let upload_metadata = self.root.join(self.named("metadata.json", true));
        if upload_metadata.is_file() {
            let metadata = self.root.join(self.named("metadata.json", false));
            std::fs::rename(upload_metadata, metadata)?;
        }
        let mut joined = std::fs::OpenOptions::new().append(true).open(joining)?;
        for mut part in files.into_iter().skip(first) {
            // A copy between two files: copy_file_range on Linux, in the kernel.
            io::copy(&mut part, &mut joined)?;
        }
        drop(joined);
        for at in 0..parts.len() {
            match std::fs::remove_file(self.part(at)) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        if let Some(folder) = self.object.parent() {
            std::fs::create_dir_all(folder)?;
        }
        std::fs::rename(joining, &self.object)?;

        let mut digests = Md5::new();
        for seen in parts {
            digests.update(seen.md5);
        }
        let e_tag = format!("{}-{}", hex(&digests.finalize()), parts.len());
        info.insert("e_tag".to_owned(), serde_json::Value::String(e_tag.clone()));
        let written = self.temporary("info.internal.part");
        let info_path = self.root.join(self.named("internal.json", false));
        let saved = std::fs::write(&written, serde_json::to_vec(&info)?)
            .and_then(|()| std::fs::rename(&written, info_path));
        if saved.is_err() {
            let _ = std::fs::remove_file(&written);
        }
        saved.map(|()| Joined::Done(e_tag))
    }

    /// A file of the join's own, named so that s3s-fs clears it away when it starts.
    fn temporary(&self, kind: &str) -> PathBuf {
        self.root.join(format!(".tmp.pail-join-{}.{kind}", self.id))
    }

    /// Part `at + 1`'s file.
    fn part(&self, at: usize) -> PathBuf {
        let number = i32::try_from(at + 1).unwrap_or(i32::MAX);
        part_path(&self.root, &self.id, number)
    }

    /// s3s-fs's file of `kind` about the object, or about the upload's object.
    fn named(&self, kind: &str, of_upload: bool) -> String {
        let encode = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        let upload = if of_upload {
            format!(".upload-{}", self.id)
        } else {
            String::new()
        };
        let (bucket, key) = (encode(&self.bucket), encode(&self.key));
        format!(".bucket-{bucket}.object-{key}{upload}.{kind}")
    }
}

fn lock(parts: &Mutex<Parts>) -> MutexGuard<'_, Parts> {
    parts.lock().unwrap_or_else(PoisonError::into_inner)
}

fn part_path(root: &Path, id: &str, part: i32) -> PathBuf {
    root.join(format!(".upload_id-{id}.part-{part}"))
}

/// An upload ID as s3s-fs writes it (a UUID, lower case, with dashes), or `None`: only such an
/// ID names the same files as the one s3s-fs parses.
fn canonical(id: &str) -> Option<&str> {
    let dashes = [8, 13, 18, 23];
    let well_formed = id.len() == 36
        && id.bytes().enumerate().all(|(at, b)| {
            if dashes.contains(&at) {
                b == b'-'
            } else {
                b.is_ascii_digit() || (b'a'..=b'f').contains(&b)
            }
        });
    well_formed.then_some(id)
}

fn md5_of_hex(text: &str) -> Option<[u8; 16]> {
    let mut md5 = [0u8; 16];
    if text.len() != 32 || !text.is_ascii() {
        return None;
    }
    for (at, byte) in md5.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[at * 2..at * 2 + 2], 16).ok()?;
    }
    Some(md5)
}

/// `bytes` in lower-case hex, as s3s-fs writes an ETag.
pub(super) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "0b6f2c1e-7d8a-4e3b-9c5f-1a2b3c4d5e6f";

    fn etag(bytes: &[u8]) -> ETag {
        ETag::Strong(hex(&Md5::digest(bytes)))
    }

    /// A part's file as s3s-fs leaves it, and its write ended.
    fn arrive(digests: &PartDigests, write: PartWrite<'_>, bytes: &[u8]) {
        std::fs::write(part_path(&digests.root, ID, 1), bytes).unwrap();
        write.done(Some(&etag(bytes)));
    }

    #[test]
    fn a_part_is_vouched_for_only_when_no_other_write_of_it_overlapped() {
        let root = tempfile::tempdir().unwrap();
        let digests = PartDigests::new(root.path());
        let part = [s3s::dto::CompletedPart {
            part_number: Some(1),
            ..Default::default()
        }];
        arrive(&digests, digests.writing(ID, 1), b"alone");
        assert!(digests.vouched(ID, &part).is_some());

        // Two writes at once: one file, two MD5s; neither is believed.
        let (first, second) = (digests.writing(ID, 1), digests.writing(ID, 1));
        assert!(digests.vouched(ID, &part).is_none(), "busy");
        arrive(&digests, second, b"second");
        arrive(&digests, first, b"first");
        assert!(digests.vouched(ID, &part).is_none());

        // A later write alone is believed again; one that failed is not.
        arrive(&digests, digests.writing(ID, 1), b"again");
        assert!(digests.vouched(ID, &part).is_some());
        drop(digests.writing(ID, 1));
        assert!(digests.vouched(ID, &part).is_none());

        // A write under the ID in capitals leaves the upload to s3s-fs.
        arrive(&digests, digests.writing(ID, 1), b"again");
        digests.writing(&ID.to_ascii_uppercase(), 1).done(None);
        assert!(digests.vouched(ID, &part).is_none());
    }

    /// A part whose write was under way when its upload was aborted starts no early copy
    /// once it ends (the copy would stay behind, as large as the part).
    #[tokio::test(flavor = "multi_thread")]
    async fn a_part_that_ends_after_the_abort_is_not_copied() {
        let root = tempfile::tempdir().unwrap();
        let digests = PartDigests::new(root.path());
        let write = digests.writing(ID, 1);
        digests.forget(ID);
        arrive(&digests, write, b"after the abort");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        assert!(!early_file(root.path(), ID).exists());

        // Without the abort, the part is copied.
        const OTHER: &str = "1b6f2c1e-7d8a-4e3b-9c5f-1a2b3c4d5e6f";
        std::fs::write(part_path(root.path(), OTHER, 1), b"kept").unwrap();
        digests.writing(OTHER, 1).done(Some(&etag(b"kept")));
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while std::fs::read(early_file(root.path(), OTHER))
            .ok()
            .as_deref()
            != Some(b"kept")
        {
            assert!(std::time::Instant::now() < deadline, "not copied");
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    }
}
