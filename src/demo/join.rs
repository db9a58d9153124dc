//! The local server's join of a multipart upload (CompleteMultipartUpload). s3s-fs 0.14.1 reads
//! every part back, 64 KiB a trip to tokio's blocking threads, and hashes it again before it
//! answers: 0.87 s for 256 MiB here, so no upload through a 50 MB/s link could fill more than
//! 85% of it, whatever the client. Each part's MD5 is known as the part arrives (s3s-fs answers
//! it as the part's ETag). This keeps them, and joins an upload whose every part it saw arrive,
//! and whose part files are still the files it saw, by moving the first part's file into place
//! and appending the others (in the kernel where the system copies between files), writing the
//! ETag S3 gives (the MD5 of the parts' MD5s, `-`, their count) where s3s-fs keeps it. Anything
//! else (a part it did not see, a conditional complete, a key that is no plain path) is joined
//! by s3s-fs, as before. The file names below are s3s-fs 0.14.1's own; that version is pinned.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::SystemTime;

use base64::Engine as _;
use md5::{Digest, Md5};
use s3s::dto::{CompleteMultipartUploadInput, CompleteMultipartUploadOutput, ETag};
use s3s::{S3Request, S3Result, s3_error};

use super::object_body::plain_path;

/// S3's smallest part, but for the last one.
const SMALLEST_PART: u64 = 5 * 1024 * 1024;

/// A part as it arrived: its MD5, and its file as s3s-fs left it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Seen {
    md5: [u8; 16],
    len: u64,
    modified: SystemTime,
}

/// The MD5s of the parts that arrived, by upload and part number.
#[derive(Debug)]
pub(crate) struct PartDigests {
    root: PathBuf,
    seen: Mutex<HashMap<(String, i32), Seen>>,
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
            seen: Mutex::default(),
        }
    }

    fn held(&self) -> std::sync::MutexGuard<'_, HashMap<(String, i32), Seen>> {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Keeps the MD5 s3s-fs answered for a part it stored (`etag`), with its file's size and
    /// time, by which the join knows the file is still that part.
    pub(crate) fn saw(&self, upload_id: &str, part: i32, etag: Option<&ETag>) {
        let Some(md5) = etag.and_then(ETag::as_strong).and_then(md5_of_hex) else {
            return;
        };
        let Some(file) = canonical(upload_id).map(|id| part_path(&self.root, id, part)) else {
            return;
        };
        let Ok((len, modified)) =
            std::fs::metadata(file).and_then(|m| Ok((m.len(), m.modified()?)))
        else {
            return;
        };
        let seen = Seen { md5, len, modified };
        self.held().insert((upload_id.to_owned(), part), seen);
    }

    /// Lets go of an upload's parts (it was joined or aborted).
    pub(crate) fn forget(&self, upload_id: &str) {
        self.held().retain(|(id, _), _| id != upload_id);
    }

    /// A part named by an ETag other than the one it arrived with: S3 refuses such a join.
    pub(crate) fn misnamed_part(&self, input: &CompleteMultipartUploadInput) -> bool {
        let held = self.held();
        let parts = input
            .multipart_upload
            .iter()
            .flat_map(|u| u.parts.iter().flatten());
        parts.into_iter().any(|part| {
            let seen = part
                .part_number
                .and_then(|n| held.get(&(input.upload_id.clone(), n)));
            matches!((seen, &part.e_tag), (Some(seen), Some(named)) if named.value() != hex(&seen.md5))
        })
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
        let parts = {
            let held = self.held();
            let mut parts = Vec::with_capacity(listed.len());
            for (at, part) in listed.iter().enumerate() {
                let number = part.part_number?;
                if usize::try_from(number).ok()? != at + 1 {
                    return None;
                }
                parts.push(*held.get(&(id.clone(), number))?);
            }
            parts
        };
        if parts.is_empty() {
            return None;
        }
        let upload = Upload {
            root: self.root.clone(),
            id: id.clone(),
            bucket: input.bucket.clone(),
            key: input.key.clone(),
            object,
            owner: req.credentials.as_ref().map(|c| c.access_key.clone()),
        };
        let joined = tokio::task::spawn_blocking(move || upload.join(&parts)).await;
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
    /// Checks everything first and changes nothing unless all holds; then joins.
    fn join(&self, parts: &[Seen]) -> io::Result<Joined> {
        // The upload is this requester's (s3s-fs keeps its access key, as JSON).
        let started_by = std::fs::read(self.root.join(format!(".upload-{}.json", self.id)))
            .ok()
            .and_then(|json| serde_json::from_slice::<Option<String>>(&json).ok());
        if started_by != Some(self.owner.clone()) {
            return Ok(Joined::NotVouched);
        }
        let last = parts.len() - 1;
        for (at, seen) in parts.iter().enumerate() {
            let file = std::fs::metadata(self.part(at));
            let still = file.is_ok_and(|f| {
                f.is_file() && f.len() == seen.len && f.modified().ok() == Some(seen.modified)
            });
            if !still || (at < last && seen.len < SMALLEST_PART) {
                return Ok(Joined::NotVouched);
            }
        }
        let info_path = self.root.join(self.named("internal.json", false));
        let mut info = match std::fs::read(&info_path) {
            Ok(json) => match serde_json::from_slice::<serde_json::Map<_, _>>(&json) {
                Ok(info) => info,
                Err(_) => return Ok(Joined::NotVouched),
            },
            Err(e) if e.kind() == io::ErrorKind::NotFound => serde_json::Map::new(),
            Err(_) => return Ok(Joined::NotVouched),
        };

        std::fs::remove_file(self.root.join(format!(".upload-{}.json", self.id)))?;
        let upload_metadata = self.root.join(self.named("metadata.json", true));
        if upload_metadata.is_file() {
            std::fs::rename(
                upload_metadata,
                self.root.join(self.named("metadata.json", false)),
            )?;
        }
        let joining = self
            .root
            .join(format!(".tmp.pail-join-{}.internal.part", self.id));
        let appended = self.append_parts(&joining, last);
        if let Err(e) = appended {
            let _ = std::fs::remove_file(&joining);
            return Err(e);
        }
        if let Some(folder) = self.object.parent() {
            std::fs::create_dir_all(folder)?;
        }
        std::fs::rename(&joining, &self.object)?;

        let mut digests = Md5::new();
        for seen in parts {
            digests.update(seen.md5);
        }
        let e_tag = format!("{}-{}", hex(&digests.finalize().into()), parts.len());
        info.insert("e_tag".to_owned(), serde_json::Value::String(e_tag.clone()));
        let info_written = self
            .root
            .join(format!(".tmp.pail-join-{}.info.internal.part", self.id));
        std::fs::write(&info_written, serde_json::to_vec(&info)?)?;
        std::fs::rename(&info_written, info_path)?;
        Ok(Joined::Done(e_tag))
    }

    /// The first part's file moved to `joining`, the others appended to it and removed.
    fn append_parts(&self, joining: &Path, last: usize) -> io::Result<()> {
        std::fs::rename(self.part(0), joining)?;
        let mut joined = std::fs::OpenOptions::new().append(true).open(joining)?;
        for at in 1..=last {
            let part = self.part(at);
            // A copy between two files: copy_file_range on Linux, in the kernel.
            io::copy(&mut std::fs::File::open(&part)?, &mut joined)?;
            std::fs::remove_file(part)?;
        }
        Ok(())
    }

    /// Part `at + 1`'s file.
    fn part(&self, at: usize) -> PathBuf {
        part_path(
            &self.root,
            &self.id,
            i32::try_from(at + 1).unwrap_or(i32::MAX),
        )
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

fn hex(md5: &[u8; 16]) -> String {
    md5.iter().map(|b| format!("{b:02x}")).collect()
}
