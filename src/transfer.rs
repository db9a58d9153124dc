//! Moving files: uploads (multipart above 16 MiB, parts in parallel, aborted on failure or
//! cancel so no parts stay behind to be billed), downloads (into a temporary file beside the
//! target, renamed into place only when complete and of the right size), deleting everything
//! under a prefix in batches of 1000, and new folders.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart, Delete, ObjectIdentifier};
use tokio::io::AsyncWriteExt;

use crate::connection::Connection;
use crate::model::{BucketName, ObjectKey};
use crate::share::error_text;
use crate::upload_journal::UploadJournal;

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
    #[error("the download is incomplete: {got} of {expected} bytes arrived")]
    Incomplete { got: u64, expected: u64 },
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

/// Reads `length` bytes at `offset` of `path`.
async fn read_chunk(path: &Path, offset: u64, length: u64) -> Result<bytes::Bytes, TransferError> {
    use tokio::io::{AsyncReadExt, AsyncSeekExt};
    let mut file = tokio::fs::File::open(path)
        .await
        .map_err(|e| local(path, e))?;
    file.seek(std::io::SeekFrom::Start(offset))
        .await
        .map_err(|e| local(path, e))?;
    let mut buffer = Vec::with_capacity(length as usize);
    (&mut file)
        .take(length)
        .read_to_end(&mut buffer)
        .await
        .map_err(|e| local(path, e))?;
    if buffer.len() as u64 != length {
        return Err(local(path, "the file changed while it was being uploaded"));
    }
    Ok(bytes::Bytes::from(buffer))
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
        let data = read_chunk(path, 0, size).await?;
        let mut attempt = 1;
        loop {
            control.check()?;
            let activity = crate::stall::Activity::default();
            let request = connection
                .client()
                .put_object()
                .bucket(bucket.as_str())
                .key(key.as_str())
                .body(ByteStream::new(crate::stall::ProgressBody::sdk_body(
                    data.clone(),
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

/// Starts a multipart upload to `key`; its id.
async fn start_multipart(
    connection: &Connection,
    bucket: &BucketName,
    key: &ObjectKey,
) -> Result<String, TransferError> {
    connection
        .client()
        .create_multipart_upload()
        .bucket(bucket.as_str())
        .key(key.as_str())
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
    let upload_id = start_multipart(connection, bucket, key).await?;
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
    let data = read_chunk(&path, part.offset, part.length)
        .await
        .map_err(failed)?;
    let activity = crate::stall::Activity::default();
    let request = client
        .upload_part()
        .bucket(&bucket)
        .key(&key)
        .upload_id(&upload_id)
        .part_number(part.number)
        .body(ByteStream::new(crate::stall::ProgressBody::sdk_body(
            data,
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

/// The object's size, from HeadObject.
async fn object_size(
    connection: &Connection,
    bucket: &BucketName,
    key: &ObjectKey,
) -> Result<u64, TransferError> {
    let head = connection
        .client()
        .head_object()
        .bucket(bucket.as_str())
        .key(key.as_str())
        .send()
        .await
        .map_err(|e| remote(&e))?;
    Ok(head.content_length().unwrap_or(0).max(0) as u64)
}

/// Where a download is written while it is in progress: hidden, beside the target.
fn partial_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "download".into());
    target.with_file_name(format!(".{name}.pail-partial"))
}

/// Downloads `key` to `target`. Nothing appears at `target` unless the whole object arrived.
pub async fn download_object(
    connection: &Connection,
    bucket: &BucketName,
    key: &ObjectKey,
    target: &Path,
    control: &TransferControl,
) -> Result<u64, TransferError> {
    control.check()?;
    let partial = partial_path(target);
    let result = download_into(connection, bucket, key, &partial, control).await;
    match result {
        Ok(size) => {
            tokio::fs::rename(&partial, target)
                .await
                .map_err(|e| local(target, e))?;
            Ok(size)
        }
        Err(e) => {
            let _ = tokio::fs::remove_file(&partial).await;
            Err(e)
        }
    }
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
    let size = object_size(connection, bucket, key).await?;
    let file = tokio::fs::File::create(partial)
        .await
        .map_err(|e| local(partial, e))?;
    if size <= MULTIPART_THRESHOLD {
        let got = download_range(connection, bucket, key, None, file, partial, control).await?;
        if got != size {
            return Err(TransferError::Incomplete {
                got,
                expected: size,
            });
        }
        return Ok(got);
    }
    // Large objects come as ranges fetched in parallel, each written at its offset.
    file.set_len(size).await.map_err(|e| local(partial, e))?;
    drop(file);
    let mut tasks = tokio::task::JoinSet::new();
    let ranges: Vec<(u64, u64)> = (0..size.div_ceil(PART_SIZE))
        .map(|i| (i * PART_SIZE, ((i + 1) * PART_SIZE).min(size) - 1))
        .collect();
    let mut next = 0;
    let mut got = 0u64;
    loop {
        while tasks.len() < PARALLEL_RANGES && next < ranges.len() {
            let (start, end) = ranges[next];
            let (connection, bucket, key, partial, control) = (
                connection.clone(),
                bucket.clone(),
                key.clone(),
                partial.to_owned(),
                control.clone(),
            );
            tasks.spawn(async move {
                let mut file = tokio::fs::OpenOptions::new()
                    .write(true)
                    .open(&partial)
                    .await
                    .map_err(|e| local(&partial, e))?;
                tokio::io::AsyncSeekExt::seek(&mut file, std::io::SeekFrom::Start(start))
                    .await
                    .map_err(|e| local(&partial, e))?;
                let got = download_range(
                    &connection,
                    &bucket,
                    &key,
                    Some((start, end)),
                    file,
                    &partial,
                    &control,
                )
                .await?;
                if got != end - start + 1 {
                    return Err(TransferError::Incomplete {
                        got,
                        expected: end - start + 1,
                    });
                }
                Ok(got)
            });
            next += 1;
        }
        match tasks.join_next().await {
            Some(Ok(Ok(bytes))) => got += bytes,
            Some(Ok(Err(e))) => {
                tasks.abort_all();
                return Err(e);
            }
            Some(Err(e)) => {
                tasks.abort_all();
                return Err(TransferError::Remote(e.to_string()));
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
    Ok(got)
}

/// Streams the object (or one inclusive byte range of it) into `file` at its position.
async fn download_range(
    connection: &Connection,
    bucket: &BucketName,
    key: &ObjectKey,
    range: Option<(u64, u64)>,
    mut file: tokio::fs::File,
    partial: &Path,
    control: &TransferControl,
) -> Result<u64, TransferError> {
    let output = connection
        .client()
        .get_object()
        .bucket(bucket.as_str())
        .key(key.as_str())
        .set_range(range.map(|(start, end)| format!("bytes={start}-{end}")))
        .send()
        .await
        .map_err(|e| remote(&e))?;
    let mut body = output.body;
    let mut got = 0u64;
    let limit = connection.stall_timeout();
    loop {
        let next = tokio::time::timeout(limit, body.try_next())
            .await
            .map_err(|_| stalled(crate::stall::Stalled(limit)))?;
        let Some(chunk) = next.map_err(|e| TransferError::Network(error_text(&e)))? else {
            break;
        };
        control.check()?;
        file.write_all(&chunk)
            .await
            .map_err(|e| local(partial, e))?;
        got += chunk.len() as u64;
        control.add(chunk.len() as u64);
    }
    file.flush().await.map_err(|e| local(partial, e))?;
    file.sync_all().await.map_err(|e| local(partial, e))?;
    Ok(got)
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

/// The local path for `key` downloaded into `folder`, where `base` is the prefix that maps to
/// the folder itself. Keys that would climb out of the folder (`..`) are refused.
pub fn local_target(folder: &Path, base: &str, key: &str) -> Option<PathBuf> {
    let relative = key.strip_prefix(base).unwrap_or(key);
    let mut path = folder.to_owned();
    for part in relative.split('/').filter(|p| !p.is_empty()) {
        if part == ".." || part == "." {
            return None;
        }
        path.push(part);
    }
    (path != folder).then_some(path)
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
        match (output.is_truncated(), output.next_continuation_token()) {
            (Some(true), Some(next)) if !next.is_empty() => token = Some(next.to_owned()),
            _ => break,
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

/// Rename or move: copies `from` to `to` (part by part above 5 GiB), then deletes `from`.
/// If the copy fails, nothing is deleted.
pub async fn rename_object(
    connection: &Connection,
    bucket: &BucketName,
    from: &ObjectKey,
    to: &ObjectKey,
) -> Result<(), TransferError> {
    let client = connection.client();
    let size = object_size(connection, bucket, from).await?;
    let source = copy_source(bucket, from);
    if size <= MAX_SINGLE_COPY {
        client
            .copy_object()
            .bucket(bucket.as_str())
            .key(to.as_str())
            .copy_source(&source)
            .send()
            .await
            .map_err(|e| remote(&e))?;
    } else {
        copy_multipart(connection, bucket, &source, to, size).await?;
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
) -> Result<(), TransferError> {
    let upload_id = start_multipart(connection, bucket, to).await?;
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
    let head = connection
        .client()
        .head_object()
        .bucket(bucket.as_str())
        .key(key.as_str())
        .send()
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
        return Err(TransferError::Remote("a folder needs a name".into()));
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
    fn targets_stay_inside_the_folder() {
        let folder = Path::new("/home/me/Downloads");
        assert_eq!(
            local_target(folder, "photos/", "photos/2026/a b.jpg"),
            Some(folder.join("2026").join("a b.jpg"))
        );
        assert_eq!(local_target(folder, "", "../../etc/passwd"), None);
        assert_eq!(local_target(folder, "x/", "x/"), None);
    }

    #[test]
    fn partial_files_sit_beside_the_target() {
        assert_eq!(
            partial_path(Path::new("/tmp/x/report.pdf")),
            PathBuf::from("/tmp/x/.report.pdf.pail-partial")
        );
    }
}
