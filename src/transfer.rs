//! Moving files: uploads (multipart above 16 MiB, parts in parallel, aborted on failure or
//! cancel so no parts stay behind to be billed), downloads (into a temporary file beside the
//! target, renamed into place only when complete and of the right size), deleting everything
//! under a prefix in batches of 1000, and new folders.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart, Delete, ObjectIdentifier};

use crate::connection::Connection;
use crate::model::{BucketName, ObjectKey};
use crate::share::error_text;
use crate::upload_journal::{PartialJournal, UploadJournal};

/// Files larger than this go as multipart uploads.
pub const MULTIPART_THRESHOLD: u64 = 16 * 1024 * 1024;
/// The size of each part (S3's minimum is 5 MiB for all but the last).
pub const PART_SIZE: u64 = 8 * 1024 * 1024;
/// Parts sent at once.
pub const PARALLEL_PARTS: usize = 4;
/// Ranges fetched at once by a large download.
pub const PARALLEL_RANGES: usize = 8;

/// Attempts per part (or per single-request upload) before the upload fails.
const PART_ATTEMPTS: u32 = 3;
/// S3 allows at most this many parts in one upload.
const MAX_PARTS: u64 = 10_000;

/// Why a transfer stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransferError {
    #[error("cancelled")]
    Cancelled,
    #[error("{path}: {reason}")]
    Local { path: String, reason: String },
    /// The server answered, and said no.
    #[error("S3 refused: {0}")]
    Remote(String),
    /// No answer in time (client side).
    #[error("the server did not answer in time: {0}")]
    Timeout(String),
    /// Bytes stopped moving mid-transfer.
    #[error("no data moved for {seconds} s: the connection stalled")]
    Stalled { seconds: u64 },
    /// The connection could not be made or broke.
    #[error("could not reach the server: {0}")]
    Network(String),
    /// The profile's connection could not be set up (credentials, configuration).
    #[error("{0}")]
    Connect(String),
    /// The server's answer made no sense (a listing going round in circles).
    #[error("the server's answer is broken: {0}")]
    BadAnswer(String),
    #[error("the download is incomplete: {got} of {expected} bytes arrived")]
    Incomplete { got: u64, expected: u64 },
    /// A rename or move would replace this object.
    #[error("`{0}` exists already")]
    Exists(String),
    #[error("{0}")]
    InvalidName(String),
    /// The object was replaced while it was being downloaded.
    #[error("the object was replaced during the download; nothing was saved — try again")]
    Changed,
}

/// Shared between a transfer and whoever may cancel it or watch its progress.
#[derive(Debug, Clone, Default)]
pub struct TransferControl {
    cancelled: Arc<AtomicBool>,
    done_bytes: Arc<AtomicU64>,
}

impl TransferControl {
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::Relaxed)
    }

    /// Bytes moved so far.
    pub fn done_bytes(&self) -> u64 {
        self.done_bytes.load(Ordering::Relaxed)
    }

    fn add(&self, bytes: u64) {
        self.done_bytes.fetch_add(bytes, Ordering::Relaxed);
    }

    fn check(&self) -> Result<(), TransferError> {
        if self.is_cancelled() {
            Err(TransferError::Cancelled)
        } else {
            Ok(())
        }
    }
}

fn local(path: &Path, e: impl std::fmt::Display) -> TransferError {
    TransferError::Local {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}

/// What an SDK error means for the person: a refusal by the server, or a network trouble on
/// this side (which a retry may cure).
fn remote<E, R>(e: &aws_sdk_s3::error::SdkError<E, R>) -> TransferError
where
    E: std::error::Error + 'static,
    R: std::fmt::Debug,
{
    use aws_sdk_s3::error::SdkError;
    let text = error_text(e);
    match e {
        SdkError::TimeoutError(_) => TransferError::Timeout(text),
        SdkError::DispatchFailure(failure) if failure.is_timeout() => TransferError::Timeout(text),
        SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => TransferError::Network(text),
        _ => TransferError::Remote(text),
    }
}

fn stalled(stall: crate::stall::Stalled) -> TransferError {
    TransferError::Stalled {
        seconds: stall.0.as_secs().max(1),
    }
}

impl TransferError {
    /// Network troubles are worth another attempt; refusals and local errors are not.
    fn is_transient(&self) -> bool {
        matches!(
            self,
            TransferError::Timeout(_) | TransferError::Stalled { .. } | TransferError::Network(_)
        )
    }
}

/// The part size for a file of `size` bytes: [`PART_SIZE`], or larger so that the file fits
/// in S3's 10,000 parts (rounded up to whole MiB).
pub fn part_size_for(size: u64) -> u64 {
    const MIB: u64 = 1024 * 1024;
    PART_SIZE.max(size.div_ceil(MAX_PARTS).div_ceil(MIB) * MIB)
}

/// The CRC32 of `length` bytes of `path` from `offset`, as S3's `x-amz-checksum-crc32` spells
/// it: the server checks the bytes it stores against it. Read in small pieces (the file is in
/// the page cache by the time the part goes), so a part never sits in memory whole.
async fn crc32_of(path: &Path, offset: u64, length: u64) -> Result<String, TransferError> {
    use base64::Engine;
    use tokio::io::{AsyncReadExt, AsyncSeekExt};
    let mut file = tokio::fs::File::open(path)
        .await
        .map_err(|e| local(path, e))?;
    file.seek(std::io::SeekFrom::Start(offset))
        .await
        .map_err(|e| local(path, e))?;
    let mut hasher = crc32fast::Hasher::new();
    let mut left = length;
    let mut buffer = vec![0u8; 256 * 1024];
    while left > 0 {
        let want = buffer.len().min(left as usize);
        let n = file
            .read(&mut buffer[..want])
            .await
            .map_err(|e| local(path, e))?;
        if n == 0 {
            return Err(local(
                path,
                "the file became shorter while it was being uploaded",
            ));
        }
        hasher.update(&buffer[..n]);
        left -= n as u64;
    }
    Ok(base64::engine::general_purpose::STANDARD.encode(hasher.finalize().to_be_bytes()))
}

/// Uploads the file at `path` to `key`.
pub async fn upload_file(
    connection: &Connection,
    bucket: &BucketName,
    key: &ObjectKey,
    path: &Path,
    control: &TransferControl,
) -> Result<(), TransferError> {
    upload_file_with_journal(connection, bucket, key, path, control, None).await
}

/// [`upload_file`], recording multipart uploads in `journal` until they end.
pub async fn upload_file_with_journal(
    connection: &Connection,
    bucket: &BucketName,
    key: &ObjectKey,
    path: &Path,
    control: &TransferControl,
    journal: Option<&UploadJournal>,
) -> Result<(), TransferError> {
    control.check()?;
    let size = tokio::fs::metadata(path)
        .await
        .map_err(|e| local(path, e))?
        .len();
    if size <= MULTIPART_THRESHOLD {
        let checksum = crc32_of(path, 0, size).await?;
        let mut attempt = 1;
        loop {
            control.check()?;
            let activity = crate::stall::Activity::default();
            let request = connection
                .client()
                .put_object()
                .bucket(bucket.as_str())
                .key(key.as_str())
                .checksum_crc32(&checksum)
                .body(ByteStream::new(crate::stall::FileRangeBody::sdk_body(
                    path.to_owned(),
                    0,
                    size,
                    activity.clone(),
                )))
                .customize()
                .config_override(
                    aws_sdk_s3::config::Builder::new()
                        .timeout_config(crate::connection::data_timeouts()),
                )
                .send();
            let result = crate::stall::guard(&activity, connection.stall_timeout(), request)
                .await
                .map_err(stalled)
                .and_then(|sent| sent.map_err(|e| remote(&e)));
            match result {
                Ok(_) => break,
                Err(e) if e.is_transient() && attempt < PART_ATTEMPTS => attempt += 1,
                Err(e) => return Err(e),
            }
        }
        control.add(size);
        return Ok(());
    }
    upload_multipart(connection, bucket, key, path, size, control, journal).await
}

/// What a new multipart upload carries.
enum NewUpload<'a> {
    /// A file from disk: each part with its CRC32, for the server to check.
    File,
    /// A server-side copy: the source's content type, metadata and headers, which CopyObject
    /// would have kept by itself.
    CopyOf(&'a aws_sdk_s3::operation::head_object::HeadObjectOutput),
}

/// Starts a multipart upload to `key`; its id.
async fn start_multipart(
    connection: &Connection,
    bucket: &BucketName,
    key: &ObjectKey,
    kind: NewUpload<'_>,
) -> Result<String, TransferError> {
    let request = connection
        .client()
        .create_multipart_upload()
        .bucket(bucket.as_str())
        .key(key.as_str());
    let request = match kind {
        NewUpload::File => request.checksum_algorithm(aws_sdk_s3::types::ChecksumAlgorithm::Crc32),
        NewUpload::CopyOf(head) => request
            .set_content_type(head.content_type().map(str::to_owned))
            .set_content_disposition(head.content_disposition().map(str::to_owned))
            .set_content_encoding(head.content_encoding().map(str::to_owned))
            .set_content_language(head.content_language().map(str::to_owned))
            .set_cache_control(head.cache_control().map(str::to_owned))
            .set_metadata(head.metadata().cloned())
            .set_storage_class(head.storage_class().cloned()),
    };
    request
        .send()
        .await
        .map_err(|e| remote(&e))?
        .upload_id()
        .map(str::to_owned)
        .ok_or_else(|| TransferError::Remote("S3 gave no upload id".into()))
}

async fn complete_multipart(
    connection: &Connection,
    bucket: &BucketName,
    key: &ObjectKey,
    upload_id: &str,
    parts: Vec<CompletedPart>,
) -> Result<(), TransferError> {
    connection
        .client()
        .complete_multipart_upload()
        .bucket(bucket.as_str())
        .key(key.as_str())
        .upload_id(upload_id)
        .multipart_upload(
            CompletedMultipartUpload::builder()
                .set_parts(Some(parts))
                .build(),
        )
        .send()
        .await
        .map(|_| ())
        .map_err(|e| remote(&e))
}

/// Aborts a multipart upload, so its parts are not kept (and billed); true when S3 agreed.
async fn abort_multipart(
    connection: &Connection,
    bucket: &BucketName,
    key: &ObjectKey,
    upload_id: &str,
) -> bool {
    connection
        .client()
        .abort_multipart_upload()
        .bucket(bucket.as_str())
        .key(key.as_str())
        .upload_id(upload_id)
        .send()
        .await
        .is_ok()
}

async fn upload_multipart(
    connection: &Connection,
    bucket: &BucketName,
    key: &ObjectKey,
    path: &Path,
    size: u64,
    control: &TransferControl,
    journal: Option<&UploadJournal>,
) -> Result<(), TransferError> {
    let upload_id = start_multipart(connection, bucket, key, NewUpload::File).await?;
    if let Some(journal) = journal {
        journal
            .add(connection, bucket.as_str(), key.as_str(), &upload_id)
            .await;
    }
    let result = send_parts(connection, bucket, key, path, size, &upload_id, control).await;
    // A cancel that arrives while the last parts are in flight still stops the upload.
    let result = result.and_then(|parts| control.check().map(|()| parts));
    let completed = match result {
        Ok(parts) => complete_multipart(connection, bucket, key, &upload_id, parts).await,
        Err(e) => Err(e),
    };
    if let Err(error) = completed {
        // Parts left behind are billed: abort, whatever went wrong. If the server cannot be
        // reached now, the journal keeps the upload for a later abort.
        let aborted = abort_multipart(connection, bucket, key, &upload_id).await;
        if let Some(journal) = journal {
            if aborted {
                journal.remove(&upload_id).await;
            } else {
                journal.mark_abandoned(&upload_id).await;
            }
        }
        return Err(error);
    }
    if let Some(journal) = journal {
        journal.remove(&upload_id).await;
    }
    Ok(())
}

/// One part of a multipart upload: its number and where it sits in the file.
#[derive(Debug, Clone, Copy)]
struct Part {
    number: i32,
    offset: u64,
    length: u64,
    /// Attempts made so far.
    attempts: u32,
}

/// Sends one part, once.
async fn send_part(
    client: aws_sdk_s3::Client,
    stall_limit: std::time::Duration,
    (bucket, key, upload_id): (String, String, String),
    path: PathBuf,
    part: Part,
    control: TransferControl,
) -> Result<CompletedPart, (TransferError, Part)> {
    let failed = |e| (e, part);
    control.check().map_err(failed)?;
    let checksum = crc32_of(&path, part.offset, part.length)
        .await
        .map_err(failed)?;
    let activity = crate::stall::Activity::default();
    let request = client
        .upload_part()
        .bucket(&bucket)
        .key(&key)
        .upload_id(&upload_id)
        .part_number(part.number)
        .checksum_crc32(&checksum)
        .body(ByteStream::new(crate::stall::FileRangeBody::sdk_body(
            path,
            part.offset,
            part.length,
            activity.clone(),
        )))
        .customize()
        .config_override(
            aws_sdk_s3::config::Builder::new().timeout_config(crate::connection::data_timeouts()),
        )
        .send();
    let output = crate::stall::guard(&activity, stall_limit, request)
        .await
        .map_err(stalled)
        .and_then(|sent| sent.map_err(|e| remote(&e)))
        .map_err(failed)?;
    control.add(part.length);
    Ok(CompletedPart::builder()
        .part_number(part.number)
        .set_e_tag(output.e_tag().map(str::to_owned))
        .checksum_crc32(checksum)
        .build())
}

async fn send_parts(
    connection: &Connection,
    bucket: &BucketName,
    key: &ObjectKey,
    path: &Path,
    size: u64,
    upload_id: &str,
    control: &TransferControl,
) -> Result<Vec<CompletedPart>, TransferError> {
    let part_size = part_size_for(size);
    let count = size.div_ceil(part_size);
    let mut parts = Vec::with_capacity(count as usize);
    let mut tasks = tokio::task::JoinSet::new();
    let mut next = 0u64;
    // Parts share the uplink: when one stalls or breaks, fewer go at once from then on, so
    // each gets enough of it. A failed part is sent again, alone; the others stand.
    let mut parallel = PARALLEL_PARTS;
    let mut again: Vec<Part> = Vec::new();
    // The first final failure stops new parts; parts already on their way are let finish, so
    // that none lands after the abort that follows (it would stay behind, billed).
    let mut failure: Option<TransferError> = None;
    loop {
        while failure.is_none() && tasks.len() < parallel && (next < count || !again.is_empty()) {
            let part = match again.pop() {
                Some(part) => part,
                None => {
                    let offset = next * part_size;
                    next += 1;
                    Part {
                        number: next as i32,
                        offset,
                        length: part_size.min(size - offset),
                        attempts: 0,
                    }
                }
            };
            let part = Part {
                attempts: part.attempts + 1,
                ..part
            };
            let ids = (bucket.to_string(), key.to_string(), upload_id.to_owned());
            tasks.spawn(send_part(
                connection.client().clone(),
                connection.stall_timeout(),
                ids,
                path.to_owned(),
                part,
                control.clone(),
            ));
        }
        match tasks.join_next().await {
            Some(Ok(Ok(part))) => parts.push(part),
            Some(Ok(Err((e, part)))) => {
                if e.is_transient() && part.attempts < PART_ATTEMPTS && failure.is_none() {
                    parallel = (parallel / 2).max(1);
                    again.push(part);
                } else {
                    failure.get_or_insert(e);
                }
            }
            Some(Err(e)) => {
                failure.get_or_insert(TransferError::Network(e.to_string()));
            }
            None => break,
        }
    }
    if let Some(failure) = failure {
        return Err(failure);
    }
    parts.sort_by_key(|p| p.part_number());
    Ok(parts)
}

/// HeadObject of `key`, as the SDK answers it.
async fn head(
    connection: &Connection,
    bucket: &BucketName,
    key: &ObjectKey,
) -> Result<
    aws_sdk_s3::operation::head_object::HeadObjectOutput,
    aws_sdk_s3::error::SdkError<aws_sdk_s3::operation::head_object::HeadObjectError>,
> {
    connection
        .client()
        .head_object()
        .bucket(bucket.as_str())
        .key(key.as_str())
        .send()
        .await
}

/// Whether `key` exists (HeadObject answers, or says 404).
async fn object_exists(
    connection: &Connection,
    bucket: &BucketName,
    key: &ObjectKey,
) -> Result<bool, TransferError> {
    match head(connection, bucket, key).await {
        Ok(_) => Ok(true),
        Err(aws_sdk_s3::error::SdkError::ServiceError(e)) if e.raw().status().as_u16() == 404 => {
            Ok(false)
        }
        Err(e) => Err(remote(&e)),
    }
}

/// The object's size and ETag, from HeadObject.
async fn object_head(
    connection: &Connection,
    bucket: &BucketName,
    key: &ObjectKey,
) -> Result<(u64, Option<String>), TransferError> {
    let head = head(connection, bucket, key)
        .await
        .map_err(|e| remote(&e))?;
    Ok((
        head.content_length().unwrap_or(0).max(0) as u64,
        head.e_tag().map(str::to_owned),
    ))
}

/// Where a download is written while it is in progress: hidden, beside the target. A name
/// too long for the suffix is shortened (with a hash, so two long names stay apart).
fn partial_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "download".into());
    let partial = format!(".{name}.pail-partial");
    if partial.len() <= crate::local_path::MAX_NAME_BYTES {
        return target.with_file_name(partial);
    }
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    name.hash(&mut hasher);
    let mut cut = 160;
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    target.with_file_name(format!(
        ".{}-{:016x}.pail-partial",
        &name[..cut],
        hasher.finish()
    ))
}

/// Partial files this process is writing now: a second download to the same file waits for
/// nobody and overwrites nobody — it is refused.
fn active_partials() -> &'static std::sync::Mutex<std::collections::HashSet<PathBuf>> {
    static ACTIVE: std::sync::OnceLock<std::sync::Mutex<std::collections::HashSet<PathBuf>>> =
        std::sync::OnceLock::new();
    ACTIVE.get_or_init(Default::default)
}

/// This process's claim on a partial file, given up on drop.
struct PartialClaim(PathBuf);

impl PartialClaim {
    fn take(partial: &Path) -> Result<Self, TransferError> {
        let mut active = match active_partials().lock() {
            Ok(active) => active,
            Err(poisoned) => poisoned.into_inner(),
        };
        if !active.insert(partial.to_owned()) {
            return Err(local(partial, "this file is being downloaded already"));
        }
        Ok(Self(partial.to_owned()))
    }
}

impl Drop for PartialClaim {
    fn drop(&mut self) {
        if let Ok(mut active) = active_partials().lock() {
            active.remove(&self.0);
        }
    }
}

/// Downloads `key` to `target`. Nothing appears at `target` unless the whole object arrived.
pub async fn download_object(
    connection: &Connection,
    bucket: &BucketName,
    key: &ObjectKey,
    target: &Path,
    control: &TransferControl,
) -> Result<u64, TransferError> {
    download_object_with_journal(connection, bucket, key, target, control, None).await
}

/// [`download_object`], recording the partial file in `journal` while it exists, so that a
/// process that is killed or quits mid-way leaves it to be removed at the next start.
pub async fn download_object_with_journal(
    connection: &Connection,
    bucket: &BucketName,
    key: &ObjectKey,
    target: &Path,
    control: &TransferControl,
    journal: Option<&PartialJournal>,
) -> Result<u64, TransferError> {
    control.check()?;
    let partial = partial_path(target);
    let _claim = PartialClaim::take(&partial)?;
    if let Some(journal) = journal {
        journal.add(&partial).await;
    }
    let result = download_into(connection, bucket, key, &partial, control).await;
    let result = finish_download(result, &partial, target).await;
    if let Some(journal) = journal {
        journal.remove(&partial).await;
    }
    result
}

/// Puts a complete download in place, or removes what a failed one left.
async fn finish_download(
    result: Result<u64, TransferError>,
    partial: &Path,
    target: &Path,
) -> Result<u64, TransferError> {
    match result {
        Ok(size) => match tokio::fs::rename(partial, target).await {
            Ok(()) => Ok(size),
            Err(e) => {
                let _ = tokio::fs::remove_file(partial).await;
                Err(local(target, e))
            }
        },
        Err(e) => {
            let _ = tokio::fs::remove_file(partial).await;
            Err(e)
        }
    }
}

/// Creates the partial file anew. One left by an earlier run is removed first — as a name:
/// a symbolic link put in its place is removed, never written through.
async fn create_partial(partial: &Path) -> Result<std::fs::File, TransferError> {
    if tokio::fs::symlink_metadata(partial).await.is_ok() {
        tokio::fs::remove_file(partial)
            .await
            .map_err(|e| local(partial, e))?;
    }
    let file = tokio::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(partial)
        .await
        .map_err(|e| local(partial, e))?;
    Ok(file.into_std().await)
}

/// Writes all of `data` at `offset` of `file`, on a blocking thread.
async fn write_at(
    file: &Arc<std::fs::File>,
    data: Vec<u8>,
    offset: u64,
    partial: &Path,
) -> Result<(), TransferError> {
    let file = file.clone();
    let written = tokio::task::spawn_blocking(move || {
        #[cfg(unix)]
        {
            std::os::unix::fs::FileExt::write_all_at(file.as_ref(), &data, offset)
        }
        #[cfg(windows)]
        {
            let mut done = 0;
            while done < data.len() {
                let n = std::os::windows::fs::FileExt::seek_write(
                    file.as_ref(),
                    &data[done..],
                    offset + done as u64,
                )?;
                if n == 0 {
                    return Err(std::io::ErrorKind::WriteZero.into());
                }
                done += n;
            }
            Ok(())
        }
    })
    .await
    .map_err(|e| local(partial, e))?;
    written.map_err(|e| local(partial, e))
}

async fn download_into(
    connection: &Connection,
    bucket: &BucketName,
    key: &ObjectKey,
    partial: &Path,
    control: &TransferControl,
) -> Result<u64, TransferError> {
    if let Some(parent) = partial.parent() {
        tokio::fs::create_dir_all(parent)
            .await
            .map_err(|e| local(parent, e))?;
    }
    let (size, etag) = object_head(connection, bucket, key).await?;
    let file = Arc::new(create_partial(partial).await?);
    // Large objects come as ranges fetched in parallel, each written at its offset. The
    // ranges are worked out as they are needed: a size claimed by a broken server costs no
    // memory up front.
    let whole = size <= MULTIPART_THRESHOLD;
    let range_count = if whole { 1 } else { size.div_ceil(PART_SIZE) };
    let range = |i: u64| {
        if whole {
            (0, size)
        } else {
            (
                i * PART_SIZE,
                i.saturating_add(1).saturating_mul(PART_SIZE).min(size),
            )
        }
    };
    let mut tasks = tokio::task::JoinSet::new();
    let mut next = 0;
    let mut got = 0u64;
    loop {
        while tasks.len() < PARALLEL_RANGES && next < range_count {
            let (start, end) = range(next);
            let fetch = RangeFetch {
                connection: connection.clone(),
                bucket: bucket.clone(),
                key: key.clone(),
                range: (!whole).then_some((start, end)),
                etag: etag.clone(),
                file: file.clone(),
                partial: partial.to_owned(),
                control: control.clone(),
            };
            tasks.spawn(async move {
                let got = fetch.run(start).await?;
                if !whole && got != end - start {
                    return Err(TransferError::Incomplete {
                        got,
                        expected: end - start,
                    });
                }
                Ok(got)
            });
            next += 1;
        }
        match tasks.join_next().await {
            Some(Ok(Ok(bytes))) => got = got.saturating_add(bytes),
            Some(Ok(Err(e))) => {
                tasks.abort_all();
                return Err(e);
            }
            Some(Err(e)) => {
                tasks.abort_all();
                return Err(TransferError::Network(e.to_string()));
            }
            None => break,
        }
    }
    if got != size {
        return Err(TransferError::Incomplete {
            got,
            expected: size,
        });
    }
    let file = file.clone();
    tokio::task::spawn_blocking(move || file.sync_all())
        .await
        .map_err(|e| local(partial, e))?
        .map_err(|e| local(partial, e))?;
    Ok(got)
}

/// One GET (of the whole object, or of the range `[start, end)`), written into the partial
/// file at its offset. It asks for the version the download started with (`If-Match`), and
/// checks the answer's ETag too, for servers that ignore the condition.
struct RangeFetch {
    connection: Connection,
    bucket: BucketName,
    key: ObjectKey,
    range: Option<(u64, u64)>,
    etag: Option<String>,
    file: Arc<std::fs::File>,
    partial: PathBuf,
    control: TransferControl,
}

/// Bytes gathered before each write to the partial file.
const WRITE_BUFFER: usize = 1024 * 1024;

impl RangeFetch {
    async fn run(self, start: u64) -> Result<u64, TransferError> {
        let output = self
            .connection
            .client()
            .get_object()
            .bucket(self.bucket.as_str())
            .key(self.key.as_str())
            .set_range(
                self.range
                    .map(|(start, end)| format!("bytes={start}-{}", end - 1)),
            )
            .set_if_match(self.etag.clone())
            .send()
            .await
            .map_err(|e| match &e {
                aws_sdk_s3::error::SdkError::ServiceError(s)
                    if s.raw().status().as_u16() == 412 =>
                {
                    TransferError::Changed
                }
                _ => remote(&e),
            })?;
        if self.etag.is_some() && output.e_tag() != self.etag.as_deref() {
            return Err(TransferError::Changed);
        }
        let mut body = output.body;
        let mut got = 0u64;
        let mut buffer = Vec::with_capacity(WRITE_BUFFER);
        let limit = self.connection.stall_timeout();
        loop {
            let next = tokio::time::timeout(limit, body.try_next())
                .await
                .map_err(|_| stalled(crate::stall::Stalled(limit)))?;
            let Some(chunk) = next.map_err(|e| TransferError::Network(error_text(&e)))? else {
                break;
            };
            self.control.check()?;
            buffer.extend_from_slice(&chunk);
            self.control.add(chunk.len() as u64);
            if buffer.len() >= WRITE_BUFFER {
                let full = std::mem::replace(&mut buffer, Vec::with_capacity(WRITE_BUFFER));
                let length = full.len() as u64;
                write_at(&self.file, full, start + got, &self.partial).await?;
                got += length;
            }
        }
        if !buffer.is_empty() {
            let length = buffer.len() as u64;
            write_at(&self.file, buffer, start + got, &self.partial).await?;
            got += length;
        }
        Ok(got)
    }
}

/// What to do when a download's target already exists (asked once per batch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    Overwrite,
    Skip,
    /// Download as `name (1).ext`, `name (2).ext`, …
    KeepBoth,
}

/// `report (1).pdf` for `report.pdf`: the first name not taken.
pub fn free_name(target: &Path) -> PathBuf {
    let stem = target
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let extension = target
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    (1..)
        .map(|n| target.with_file_name(format!("{stem} ({n}){extension}")))
        .find(|candidate| !candidate.exists())
        .unwrap_or_else(|| target.to_owned())
}

/// What deleting a prefix did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeleteReport {
    pub deleted: usize,
    /// Keys S3 would not delete, with its reason.
    pub failures: Vec<(String, String)>,
}

/// Deletes every object under `prefix` (folder markers included), 1000 keys per request.
pub async fn delete_prefix(
    connection: &Connection,
    bucket: &BucketName,
    prefix: &str,
) -> Result<DeleteReport, TransferError> {
    let mut keys = Vec::new();
    let mut token = None;
    let mut guard = crate::browse::TokenGuard::default();
    loop {
        let output = connection
            .client()
            .list_objects_v2()
            .bucket(bucket.as_str())
            .prefix(prefix)
            .set_continuation_token(token.take())
            .send()
            .await
            .map_err(|e| remote(&e))?;
        keys.extend(
            output
                .contents()
                .iter()
                .filter_map(|o| o.key().map(str::to_owned)),
        );
        if output.is_truncated() != Some(true) {
            break;
        }
        token = guard
            .next(output.next_continuation_token())
            .map_err(|e| TransferError::BadAnswer(e.to_string()))?;
        if token.is_none() {
            break;
        }
    }
    delete_keys(connection, bucket, &keys).await
}

/// Deletes `keys` with DeleteObjects, in batches of 1000.
pub async fn delete_keys(
    connection: &Connection,
    bucket: &BucketName,
    keys: &[String],
) -> Result<DeleteReport, TransferError> {
    let mut report = DeleteReport::default();
    for batch in keys.chunks(1000) {
        let objects = batch
            .iter()
            .map(|k| ObjectIdentifier::builder().key(k).build())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| TransferError::Remote(e.to_string()))?;
        let delete = Delete::builder()
            .set_objects(Some(objects))
            .quiet(true)
            .build()
            .map_err(|e| TransferError::Remote(e.to_string()))?;
        let output = connection
            .client()
            .delete_objects()
            .bucket(bucket.as_str())
            .delete(delete)
            .send()
            .await
            .map_err(|e| remote(&e))?;
        let failures: Vec<(String, String)> = output
            .errors()
            .iter()
            .map(|e| {
                (
                    e.key().unwrap_or_default().to_owned(),
                    format!(
                        "{}: {}",
                        e.code().unwrap_or("Error"),
                        e.message().unwrap_or_default()
                    ),
                )
            })
            .collect();
        report.deleted += batch.len() - failures.len();
        report.failures.extend(failures);
    }
    Ok(report)
}

/// S3's limit for a single CopyObject; larger objects are copied part by part.
pub const MAX_SINGLE_COPY: u64 = 5 * 1024 * 1024 * 1024;
/// Part size of a multipart copy.
const COPY_PART_SIZE: u64 = 512 * 1024 * 1024;

/// `bucket/key` for `x-amz-copy-source`, the key percent-encoded (except `/`).
fn copy_source(bucket: &BucketName, key: &ObjectKey) -> String {
    const KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'/')
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    format!(
        "{bucket}/{}",
        percent_encoding::utf8_percent_encode(key.as_str(), KEEP)
    )
}

/// Rename or move: copies `from` to `to` (part by part above 5 GiB, keeping its content type
/// and metadata), then deletes `from`. If the copy fails, nothing is deleted. An existing
/// object at `to` is replaced only with `overwrite`; a `to` ending in `/` is refused (it would
/// be a folder marker, and the object would vanish from view).
pub async fn rename_object(
    connection: &Connection,
    bucket: &BucketName,
    from: &ObjectKey,
    to: &ObjectKey,
    overwrite: bool,
) -> Result<(), TransferError> {
    rename_with_copy_limit(connection, bucket, from, to, overwrite, MAX_SINGLE_COPY).await
}

/// [`rename_object`], copying part by part above `single_copy_limit` bytes.
async fn rename_with_copy_limit(
    connection: &Connection,
    bucket: &BucketName,
    from: &ObjectKey,
    to: &ObjectKey,
    overwrite: bool,
    single_copy_limit: u64,
) -> Result<(), TransferError> {
    if to.as_str().ends_with('/') {
        return Err(TransferError::InvalidName(format!(
            "`{to}` ends in `/`, which names a folder; the object would disappear from view"
        )));
    }
    if from == to {
        return Ok(());
    }
    let client = connection.client();
    if !overwrite && object_exists(connection, bucket, to).await? {
        return Err(TransferError::Exists(to.to_string()));
    }
    let head = head(connection, bucket, from)
        .await
        .map_err(|e| remote(&e))?;
    let size = head.content_length().unwrap_or(0).max(0) as u64;
    let source = copy_source(bucket, from);
    if size <= single_copy_limit {
        client
            .copy_object()
            .bucket(bucket.as_str())
            .key(to.as_str())
            .copy_source(&source)
            .send()
            .await
            .map_err(|e| remote(&e))?;
    } else {
        copy_multipart(connection, bucket, &source, to, size, &head).await?;
    }
    client
        .delete_object()
        .bucket(bucket.as_str())
        .key(from.as_str())
        .send()
        .await
        .map_err(|e| remote(&e))?;
    Ok(())
}

async fn copy_multipart(
    connection: &Connection,
    bucket: &BucketName,
    source: &str,
    to: &ObjectKey,
    size: u64,
    head: &aws_sdk_s3::operation::head_object::HeadObjectOutput,
) -> Result<(), TransferError> {
    let upload_id = start_multipart(connection, bucket, to, NewUpload::CopyOf(head)).await?;
    let copy = async {
        let mut parts = Vec::new();
        let mut offset = 0u64;
        let mut number = 1;
        while offset < size {
            let end = (offset + COPY_PART_SIZE).min(size) - 1;
            let output = connection
                .client()
                .upload_part_copy()
                .bucket(bucket.as_str())
                .key(to.as_str())
                .upload_id(&upload_id)
                .part_number(number)
                .copy_source(source)
                .copy_source_range(format!("bytes={offset}-{end}"))
                .send()
                .await
                .map_err(|e| remote(&e))?;
            parts.push(
                CompletedPart::builder()
                    .part_number(number)
                    .set_e_tag(
                        output
                            .copy_part_result()
                            .and_then(|r| r.e_tag())
                            .map(str::to_owned),
                    )
                    .build(),
            );
            offset = end + 1;
            number += 1;
        }
        complete_multipart(connection, bucket, to, &upload_id, parts).await
    }
    .await;
    if copy.is_err() {
        abort_multipart(connection, bucket, to, &upload_id).await;
    }
    copy
}

/// What Properties shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObjectProperties {
    pub key: String,
    pub size: u64,
    pub etag: Option<String>,
    pub content_type: Option<String>,
    pub storage_class: Option<String>,
    /// Seconds since the Unix epoch.
    pub last_modified: Option<i64>,
    pub version_id: Option<String>,
    pub metadata: Vec<(String, String)>,
}

/// HeadObject, as Pail's own type.
pub async fn object_properties(
    connection: &Connection,
    bucket: &BucketName,
    key: &ObjectKey,
) -> Result<ObjectProperties, TransferError> {
    let head = head(connection, bucket, key)
        .await
        .map_err(|e| remote(&e))?;
    let mut metadata: Vec<(String, String)> = head
        .metadata()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    metadata.sort();
    Ok(ObjectProperties {
        key: key.to_string(),
        size: head.content_length().unwrap_or(0).max(0) as u64,
        etag: head.e_tag().map(str::to_owned),
        content_type: head.content_type().map(str::to_owned),
        storage_class: Some(
            head.storage_class()
                .map(|c| c.as_str().to_owned())
                .unwrap_or_else(|| "STANDARD".into()),
        ),
        last_modified: head.last_modified().map(|t| t.secs()),
        version_id: head.version_id().map(str::to_owned),
        metadata,
    })
}

/// New folder: a zero-byte object named `prefix` + `name` + `/`.
pub async fn create_folder(
    connection: &Connection,
    bucket: &BucketName,
    prefix: &str,
    name: &str,
) -> Result<ObjectKey, TransferError> {
    let name = name.trim().trim_matches('/');
    if name.is_empty() {
        return Err(TransferError::InvalidName("a folder needs a name".into()));
    }
    let key = ObjectKey::new(format!("{prefix}{name}/"))
        .map_err(|e| TransferError::Remote(e.to_string()))?;
    connection
        .client()
        .put_object()
        .bucket(bucket.as_str())
        .key(key.as_str())
        .body(ByteStream::from_static(b""))
        .send()
        .await
        .map_err(|e| remote(&e))?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread")]
    async fn a_copy_part_by_part_keeps_content_type_and_metadata() {
        let server =
            crate::local_server::LocalServer::start_temporary("AKTEST", "secret-test").unwrap();
        server.create_bucket("copies").unwrap();
        let connection = server.connection();
        let bucket = BucketName::new("copies").unwrap();
        connection
            .client()
            .put_object()
            .bucket("copies")
            .key("big.pdf")
            .content_type("application/pdf")
            .metadata("owner", "pail")
            .body(ByteStream::from_static(
                b"%PDF- pretend this is above 5 GiB",
            ))
            .send()
            .await
            .unwrap();
        let (from, to) = (
            ObjectKey::new("big.pdf").unwrap(),
            ObjectKey::new("moved/big.pdf").unwrap(),
        );
        // A limit of 0 bytes takes the multipart path that objects above 5 GiB take.
        rename_with_copy_limit(&connection, &bucket, &from, &to, false, 0)
            .await
            .unwrap();
        let moved = object_properties(&connection, &bucket, &to).await.unwrap();
        assert_eq!(moved.content_type.as_deref(), Some("application/pdf"));
        assert_eq!(moved.metadata, [("owner".to_owned(), "pail".to_owned())]);
        assert!(!object_exists(&connection, &bucket, &from).await.unwrap());
    }

    #[test]
    fn keep_both_finds_a_free_name() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("report.pdf");
        std::fs::write(&target, b"").unwrap();
        assert_eq!(free_name(&target), dir.path().join("report (1).pdf"));
        std::fs::write(dir.path().join("report (1).pdf"), b"").unwrap();
        assert_eq!(free_name(&target), dir.path().join("report (2).pdf"));
    }

    #[test]
    fn partial_files_sit_beside_the_target() {
        assert_eq!(
            partial_path(Path::new("/tmp/x/report.pdf")),
            PathBuf::from("/tmp/x/.report.pdf.pail-partial")
        );
    }
}
