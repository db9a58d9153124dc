//! The local server's PutObject, written here rather than by s3s-fs: s3s-fs hashes each body
//! on its own, and on these two cores that MD5 took half the CPU of an upload of many files
//! (the server, not the client, set the pace). Here the MD5s of the bodies arriving together
//! are taken together (`hashing`), and the object is stored as s3s-fs stores it — its file,
//! its attributes, its internal record with the ETag and checksums — so s3s-fs reads, lists,
//! copies and deletes it as one of its own. A put is put in place whole, under its object's
//! lock, which reads (GET, HEAD, a copy's source) hold while they open the object. What this
//! does not handle (a folder object, a name that is not a plain path) goes to s3s-fs.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use base64::Engine as _;

use futures_core::Stream;
use s3s::dto::*;
use s3s::{S3Request, S3Response, S3Result, s3_error};
use tokio::io::AsyncWriteExt;
use tokio::sync::{OwnedRwLockReadGuard, RwLock};

use super::hashing::{HashingStopped, Md5Lanes};
use super::join::hex;
use super::object_body::plain_path;

/// PutObject for the requests it can take.
pub(crate) struct Puts {
    root: PathBuf,
    lanes: Md5Lanes,
    next: Arc<AtomicU64>,
    /// Locks by the object's path (hashed): a put holds its object's for writing while it puts
    /// the body, its headers and its record in place; a GET or HEAD holds it for reading while
    /// it opens the file and reads them, so it sees one put whole.
    stripes: Vec<Arc<RwLock<()>>>,
}

/// How many locks the objects share: enough that a long read (s3s-fs hashes a whole file
/// that has no record, on every GET) rarely holds up a put of another object.
const STRIPES: usize = 1024;

impl Puts {
    /// `None` when no hashing thread could start: s3s-fs then takes every put.
    pub(crate) fn new(root: &Path) -> Option<Self> {
        Some(Self {
            root: root.to_owned(),
            lanes: Md5Lanes::start()?,
            next: Arc::new(AtomicU64::new(0)),
            stripes: (0..STRIPES).map(|_| Arc::default()).collect(),
        })
    }

    fn stripe(&self, object: &Path) -> Arc<RwLock<()>> {
        use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
        let hash = BuildHasherDefault::<DefaultHasher>::default().hash_one(object);
        self.stripes[(hash % STRIPES as u64) as usize].clone()
    }

    /// Held while a GET or HEAD of `key` (its file's name) in `bucket` opens the file and reads
    /// its headers and record: no put of it is half in place meanwhile.
    pub(crate) async fn reading(
        puts: Option<&Self>,
        bucket: &str,
        key: &str,
    ) -> Option<OwnedRwLockReadGuard<()>> {
        let puts = puts?;
        let object = plain_path(&puts.root, bucket, key)?;
        Some(puts.stripe(&object).read_owned().await)
    }

    /// The object's file when this takes the put; `None` leaves it to s3s-fs.
    pub(crate) fn takes(&self, input: &PutObjectInput) -> Option<PathBuf> {
        (!input.key.ends_with('/'))
            .then(|| plain_path(&self.root, &input.bucket, &input.key))
            .flatten()
    }

    /// Held while s3s-fs reads `key` (its file's name) of `bucket` as a copy's source.
    pub(crate) async fn reading_source(
        puts: Option<&Self>,
        source: &CopySource,
    ) -> Option<OwnedRwLockReadGuard<()>> {
        match source {
            CopySource::Bucket { bucket, key, .. } => Self::reading(puts, bucket, key).await,
            _ => None,
        }
    }

    /// Stores the body at `object` (from [`Puts::takes`]), as s3s-fs would.
    pub(crate) async fn put(
        &self,
        req: S3Request<PutObjectInput>,
        object: PathBuf,
    ) -> S3Result<S3Response<PutObjectOutput>> {
        let S3Request {
            mut input,
            trailing_headers,
            ..
        } = req;
        let Some(mut body) = input.body.take() else {
            return Err(s3_error!(IncompleteBody));
        };
        if !self.root.join(&input.bucket).is_dir() {
            return Err(s3_error!(NoSuchBucket));
        }
        // s3s-fs takes these two classes and keeps neither: every object reads as STANDARD.
        if let Some(class) = &input.storage_class
            && !["STANDARD", "REDUCED_REDUNDANCY"].contains(&class.as_str())
        {
            return Err(s3_error!(InvalidStorageClass));
        }
        let named = |kind: &str| {
            let encode = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
            self.root.join(format!(
                ".bucket-{}.object-{}.{kind}",
                encode(&input.bucket),
                encode(&input.key)
            ))
        };
        let condition = Condition {
            only_if_absent: input.if_none_match.as_ref().is_some_and(|c| c.is_any()),
            only_if: input.if_match.clone(),
            record: named("internal.json"),
        };
        // Checked before the body comes (without the ETag, which may mean hashing the whole
        // file), and whole as it is put in place.
        condition.holds_before(&object)?;
        let mut checksum = checksums_asked(&input)?;

        // Made here, not on the blocking pool: a request dropped meanwhile would remove the
        // file before the pool had made it, and leave it behind.
        let temporary = temporary(&self.root, &self.next);
        let mut file = std::fs::File::create(&temporary.path)
            .map(tokio::fs::File::from_std)
            .map_err(internal)?;
        let mut md5 = self.lanes.body();
        while let Some(bytes) =
            std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_next(cx)).await
        {
            let bytes = bytes.map_err(|e| match e.downcast::<s3s::S3Error>() {
                Ok(e) => *e,
                Err(e) => s3s::S3Error::with_source(s3s::S3ErrorCode::IncompleteBody, e),
            })?;
            checksum.update(&bytes);
            md5.update(bytes.clone()).await.map_err(stopped)?;
            file.write_all(&bytes).await.map_err(internal)?;
        }
        file.flush().await.map_err(internal)?;
        drop(file);
        let md5 = hex(&md5.finish().await.map_err(stopped)?);

        if let Some(sent) = &input.content_md5 {
            let sent = base64::engine::general_purpose::STANDARD
                .decode(sent)
                .map_err(|_| s3_error!(InvalidArgument))?;
            if hex(&sent) != md5 {
                return Err(s3_error!(BadDigest, "content_md5 mismatch"));
            }
        }
        let checksum = checksum.finalize();
        if let Some(trailers) = trailing_headers.and_then(|t| t.take()) {
            let sent = |name: &str| -> S3Result<Option<String>> {
                trailers
                    .get(name)
                    .map(|v| v.to_str().map(str::to_owned))
                    .transpose()
                    .map_err(|_| s3_error!(InvalidArgument))
            };
            for (name, field) in [
                ("x-amz-checksum-crc32", &mut input.checksum_crc32),
                ("x-amz-checksum-crc32c", &mut input.checksum_crc32c),
                ("x-amz-checksum-sha1", &mut input.checksum_sha1),
                ("x-amz-checksum-sha256", &mut input.checksum_sha256),
                ("x-amz-checksum-crc64nvme", &mut input.checksum_crc64nvme),
            ] {
                if let Some(value) = sent(name)? {
                    *field = Some(value);
                }
            }
        }
        let pairs = [
            (&checksum.checksum_crc32, &input.checksum_crc32),
            (&checksum.checksum_crc32c, &input.checksum_crc32c),
            (&checksum.checksum_sha1, &input.checksum_sha1),
            (&checksum.checksum_sha256, &input.checksum_sha256),
            (&checksum.checksum_crc64nvme, &input.checksum_crc64nvme),
        ];
        if pairs.iter().any(|(made, sent)| made != sent) {
            return Err(s3_error!(BadDigest, "a checksum does not match the body"));
        }

        let mut record = serde_json::Map::new();
        record.insert("e_tag".into(), md5.clone().into());
        for (name, value) in [
            ("checksum_crc32", &checksum.checksum_crc32),
            ("checksum_crc32c", &checksum.checksum_crc32c),
            ("checksum_sha1", &checksum.checksum_sha1),
            ("checksum_sha256", &checksum.checksum_sha256),
            ("checksum_crc64nvme", &checksum.checksum_crc64nvme),
        ] {
            if let Some(value) = value {
                record.insert(name.into(), value.clone().into());
            }
        }
        let commit = Commit {
            body: temporary,
            object,
            records: vec![
                (
                    named("metadata.json"),
                    serde_json::to_vec(&Attributes::of(&input)).map_err(internal)?,
                ),
                (
                    named("internal.json"),
                    serde_json::to_vec(&record).map_err(internal)?,
                ),
            ],
            condition,
            root: self.root.clone(),
            next: self.next.clone(),
        };
        // The lock goes with the commit onto the blocking pool, and the commit runs to its end
        // there even if this request is dropped: no object is left with another put's record.
        let held = self.stripe(&commit.object).write_owned().await;
        tokio::task::spawn_blocking(move || {
            let committed = commit.run();
            drop(held);
            committed
        })
        .await
        .map_err(internal)??;

        Ok(S3Response::new(PutObjectOutput {
            e_tag: Some(ETag::Strong(md5)),
            checksum_crc32: checksum.checksum_crc32,
            checksum_crc32c: checksum.checksum_crc32c,
            checksum_sha1: checksum.checksum_sha1,
            checksum_sha256: checksum.checksum_sha256,
            checksum_crc64nvme: checksum.checksum_crc64nvme,
            ..Default::default()
        }))
    }
}

/// Putting a body that has arrived whole in its place, with its headers and its record.
struct Commit {
    body: Temporary,
    object: PathBuf,
    /// Each record's path and its JSON.
    records: Vec<(PathBuf, Vec<u8>)>,
    condition: Condition,
    root: PathBuf,
    next: Arc<AtomicU64>,
}

impl Commit {
    fn run(self) -> S3Result<()> {
        // Checked again under the lock: of puts racing on one condition, one wins.
        self.condition.holds(&self.object)?;
        // The records are written before anything is moved: a write that fails (a full disk)
        // then leaves the object as it was.
        let mut records = Vec::with_capacity(self.records.len());
        for (path, json) in self.records {
            let written = temporary(&self.root, &self.next);
            std::fs::write(&written.path, json).map_err(internal)?;
            records.push((written, path));
        }
        if let Some(folder) = self.object.parent() {
            std::fs::create_dir_all(folder).map_err(internal)?;
        }
        std::fs::rename(&self.body.path, &self.object).map_err(internal)?;
        self.body.kept();
        for (written, path) in records {
            std::fs::rename(&written.path, path).map_err(internal)?;
            written.kept();
        }
        Ok(())
    }
}

/// What the object at the key must be for the put to go on: absent (`If-None-Match: *`), or
/// present with an ETag (`If-Match`).
struct Condition {
    only_if_absent: bool,
    only_if: Option<ETagCondition>,
    /// The object's record, which holds its ETag.
    record: PathBuf,
}

impl Condition {
    /// What can be checked at once: whether the object is there.
    fn holds_before(&self, object: &Path) -> S3Result<()> {
        if self.only_if_absent && object.exists() {
            return Err(s3_error!(PreconditionFailed, "Object already exists"));
        }
        if self.only_if.is_some() && !object.exists() {
            return Err(s3_error!(PreconditionFailed, "Object does not exist"));
        }
        Ok(())
    }

    /// The whole condition, ETag included (on the blocking pool: it may read the file).
    fn holds(&self, object: &Path) -> S3Result<()> {
        self.holds_before(object)?;
        if let Some(ETagCondition::ETag(expected)) = &self.only_if {
            let held = std::fs::read(&self.record)
                .ok()
                .and_then(|json| serde_json::from_slice::<serde_json::Value>(&json).ok())
                .and_then(|record| record.get("e_tag")?.as_str().map(str::to_owned));
            let held = match held {
                Some(held) => held,
                // As s3s-fs does for an object without a record: the file's MD5.
                None => {
                    use md5::Digest as _;
                    use std::io::Read as _;
                    let mut md5 = md5::Md5::new();
                    let mut file = std::fs::File::open(object).map_err(internal)?;
                    let mut piece = vec![0u8; 256 * 1024];
                    loop {
                        let read = file.read(&mut piece).map_err(internal)?;
                        if read == 0 {
                            break;
                        }
                        md5.update(&piece[..read]);
                    }
                    hex(&md5.finalize())
                }
            };
            if !ETag::Strong(held).strong_cmp(expected) {
                return Err(s3_error!(PreconditionFailed, "ETag does not match"));
            }
        }
        Ok(())
    }
}

/// A file of the put's own, named so that s3s-fs clears it away when it starts.
fn temporary(root: &Path, next: &AtomicU64) -> Temporary {
    let number = next.fetch_add(1, Ordering::Relaxed);
    Temporary {
        path: root.join(format!(".tmp.pail-put-{number}.internal.part")),
        kept: false,
    }
}

/// The checksums the request asks for, as s3s-fs takes them: each one sent, and the one its
/// algorithm names.
fn checksums_asked(input: &PutObjectInput) -> S3Result<s3s::checksum::ChecksumHasher> {
    let mut checksum = s3s::checksum::ChecksumHasher::default();
    if input.checksum_crc32.is_some() {
        checksum.crc32 = Some(Default::default());
    }
    if input.checksum_crc32c.is_some() {
        checksum.crc32c = Some(Default::default());
    }
    if input.checksum_sha1.is_some() {
        checksum.sha1 = Some(Default::default());
    }
    if input.checksum_sha256.is_some() {
        checksum.sha256 = Some(Default::default());
    }
    if input.checksum_crc64nvme.is_some() {
        checksum.crc64nvme = Some(Default::default());
    }
    if let Some(algorithm) = &input.checksum_algorithm {
        match algorithm.as_str() {
            ChecksumAlgorithm::CRC32 => checksum.crc32 = Some(Default::default()),
            ChecksumAlgorithm::CRC32C => checksum.crc32c = Some(Default::default()),
            ChecksumAlgorithm::SHA1 => checksum.sha1 = Some(Default::default()),
            ChecksumAlgorithm::SHA256 => checksum.sha256 = Some(Default::default()),
            ChecksumAlgorithm::CRC64NVME => checksum.crc64nvme = Some(Default::default()),
            _ => return Err(s3_error!(NotImplemented, "Unsupported checksum algorithm")),
        }
    }
    Ok(checksum)
}

/// An object's headers as s3s-fs 0.14.1 keeps them (its `ObjectAttributes`), field for field.
#[derive(serde::Serialize)]
struct Attributes<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    user_metadata: Option<&'a Metadata>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_encoding: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_disposition: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_language: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cache_control: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    website_redirect_location: Option<&'a str>,
}

impl<'a> Attributes<'a> {
    fn of(input: &'a PutObjectInput) -> Self {
        let expires = input.expires.as_ref().and_then(|at| {
            let mut text = Vec::new();
            at.format(TimestampFormat::DateTime, &mut text).ok()?;
            Some(String::from_utf8_lossy(&text).into_owned())
        });
        // S3 keeps no `aws-chunked`: it names how the body was sent, not what it is.
        let content_encoding = input.content_encoding.as_deref().and_then(|sent| {
            let kept: Vec<&str> = sent
                .split(',')
                .map(str::trim)
                .filter(|e| !e.is_empty() && !e.eq_ignore_ascii_case("aws-chunked"))
                .collect();
            (!kept.is_empty()).then(|| kept.join(","))
        });
        Self {
            user_metadata: input.metadata.as_ref(),
            content_encoding,
            content_type: input.content_type.as_deref(),
            content_disposition: input.content_disposition.as_deref(),
            content_language: input.content_language.as_deref(),
            cache_control: input.cache_control.as_deref(),
            expires,
            website_redirect_location: input.website_redirect_location.as_deref(),
        }
    }
}

/// A file of the put's own, removed unless kept (renamed into its place).
struct Temporary {
    path: PathBuf,
    kept: bool,
}

impl Temporary {
    fn kept(mut self) {
        self.kept = true;
    }
}

impl Drop for Temporary {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

fn internal(e: impl std::error::Error + Send + Sync + 'static) -> s3s::S3Error {
    s3s::S3Error::internal_error(e)
}

fn stopped(_: HashingStopped) -> s3s::S3Error {
    s3_error!(InternalError, "the server's hashing stopped")
}
