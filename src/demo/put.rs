//! The local server's PutObject, written here rather than by s3s-fs: s3s-fs hashes each body
//! on its own, and on these two cores that MD5 took half the CPU of an upload of many files
//! (the server, not the client, set the pace). Here the MD5s of the bodies arriving together
//! are taken together (`hashing`), and the object is stored as s3s-fs stores it — its file,
//! its attributes, its internal record with the ETag and checksums — so s3s-fs reads, lists,
//! copies and deletes it as one of its own. What this does not handle (a storage class, an
//! `If-Match`, a folder object, a name that is not a plain path) goes to s3s-fs unchanged.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use std::sync::atomic::{AtomicU64, Ordering};

use futures_core::Stream;
use s3s::dto::*;
use s3s::{S3Request, S3Response, S3Result, s3_error};
use tokio::io::AsyncWriteExt;

use super::hashing::{HashingStopped, Md5Lanes};
use super::object_body::plain_path;

/// PutObject for the requests it can take.
pub(crate) struct Puts {
    root: PathBuf,
    lanes: Md5Lanes,
    next: AtomicU64,
}

impl Puts {
    /// `None` when no hashing thread could start: s3s-fs then takes every put.
    pub(crate) fn new(root: &Path) -> Option<Self> {
        Some(Self {
            root: root.to_owned(),
            lanes: Md5Lanes::start()?,
            next: AtomicU64::new(0),
        })
    }

    /// The object's file when this takes the put; `None` leaves it to s3s-fs.
    pub(crate) fn takes(&self, input: &PutObjectInput) -> Option<PathBuf> {
        let plain =
            input.storage_class.is_none() && input.if_match.is_none() && !input.key.ends_with('/');
        plain
            .then(|| plain_path(&self.root, &input.bucket, &input.key))
            .flatten()
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
        if input.if_none_match.as_ref().is_some_and(|c| c.is_any()) && object.exists() {
            return Err(s3_error!(PreconditionFailed, "Object already exists"));
        }
        let mut checksum = checksums_asked(&input)?;

        let temporary = self.temporary();
        let mut file = tokio::fs::File::create(&temporary.path)
            .await
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

        if let Some(folder) = object.parent() {
            tokio::fs::create_dir_all(folder).await.map_err(internal)?;
        }
        tokio::fs::rename(&temporary.path, &object)
            .await
            .map_err(internal)?;
        temporary.kept();

        let named = |kind: &str| {
            let encode = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
            self.root.join(format!(
                ".bucket-{}.object-{}.{kind}",
                encode(&input.bucket),
                encode(&input.key)
            ))
        };
        let attributes = Attributes::of(&input);
        self.save(&named("metadata.json"), &attributes).await?;
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
        self.save(&named("internal.json"), &record).await?;

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

    /// A file of the put's own, named so that s3s-fs clears it away when it starts.
    fn temporary(&self) -> Temporary {
        let number = self.next.fetch_add(1, Ordering::Relaxed);
        Temporary {
            path: self
                .root
                .join(format!(".tmp.pail-put-{number}.internal.part")),
            kept: false,
        }
    }

    /// `value` as JSON at `path`, whole or not at all.
    async fn save(&self, path: &Path, value: &impl serde::Serialize) -> S3Result<()> {
        let json = serde_json::to_vec(value).map_err(internal)?;
        let temporary = self.temporary();
        tokio::fs::write(&temporary.path, json)
            .await
            .map_err(internal)?;
        tokio::fs::rename(&temporary.path, path)
            .await
            .map_err(internal)?;
        temporary.kept();
        Ok(())
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
    content_encoding: Option<&'a str>,
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
        Self {
            user_metadata: input.metadata.as_ref(),
            content_encoding: input.content_encoding.as_deref(),
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

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
