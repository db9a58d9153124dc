//! What every transfer shares: the sizes and limits, [`TransferError`] and how SDK errors map
//! to it, [`TransferControl`] (cancel, progress and the batch's bandwidth limit), HeadObject,
//! and starting, completing and aborting a multipart upload (used by uploads and by copies).
//! The transfers themselves are in `upload.rs`, `download.rs` and `objects.rs`, which build on
//! this file; it names none of them.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};

use crate::fmt::error_text;
use crate::model::{BucketName, ObjectKey};
use crate::s3::connection::Connection;
use crate::s3::rate_limit::RateLimit;
use crate::storage::journal::{UploadJournal, Uploader};

use super::slow_down::throttle_code;

/// Files larger than this go as multipart uploads.
pub const MULTIPART_THRESHOLD: u64 = 16 * 1024 * 1024;
/// The size of each part (S3's minimum is 5 MiB for all but the last).
pub const PART_SIZE: u64 = 8 * 1024 * 1024;
/// Parts sent at once on a near server (more on a far one: `flight::parts_in_flight`).
pub const PARALLEL_PARTS: usize = 4;
/// Ranges fetched at once by a large download on a near server (more on a far one).
pub const PARALLEL_RANGES: usize = 8;

/// Attempts per part (or per single-request upload) before the upload fails.
pub(super) const PART_ATTEMPTS: u32 = 3;
/// S3 allows at most this many parts in one upload.
pub(super) const MAX_PARTS: u64 = 10_000;
/// S3's largest part.
pub(super) const MAX_PART_SIZE: u64 = 5 * 1024 * 1024 * 1024;
/// The most one object can hold: 10,000 parts of 5 GiB (S3's own limit, 50 TB, fits). A size
/// a server claims above it is a lie, and nothing is planned or reserved from it.
pub const MAX_OBJECT_SIZE: u64 = MAX_PARTS * MAX_PART_SIZE;

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
    /// The server asked Pail to slow down (`503 SlowDown`, `429 TooManyRequests`, …): worth
    /// another attempt, later and with fewer requests at once (`s3::throttle`).
    #[error(
        "the server asked to slow down ({code}): too many requests at once; it still did after Pail waited and sent fewer"
    )]
    Throttled { code: String },
    /// The profile's connection could not be set up (credentials, configuration).
    #[error(transparent)]
    Connect(#[from] crate::s3::connection::ConnectError),
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
    /// A move's file arrived, but its original could not be removed.
    #[error("arrived, but the original could not be removed, so it is in both places: {0}")]
    SourceKept(String),
    /// A move's file arrived, but does not pass for its original, which was kept.
    #[error("arrived, but the copy does not match the original, so the original was kept: {0}")]
    NotVerified(String),
    /// The object was replaced while it was being downloaded.
    #[error("the object was replaced during the download; nothing was saved — try again")]
    Changed,
    /// A write that was to replace nothing found its key taken when it landed (the server
    /// refused it under `If-None-Match: *`): written by someone else after the batch looked.
    #[error("`{0}` was written by someone else after Pail looked; it was left as it is")]
    Appeared(String),
    /// A write sent under `If-None-Match: *` to a server that does not know the header (501);
    /// [`send_write`] sends it again without.
    #[error("the server does not take conditional writes (If-None-Match)")]
    NoConditionalWrites,
}

/// Shared between a transfer and whoever may cancel it or watch its progress, with the
/// bandwidth limit its batch shares (none by default).
#[derive(Debug, Clone, Default)]
pub struct TransferControl {
    cancelled: Arc<AtomicBool>,
    done_bytes: Arc<AtomicU64>,
    limit: Option<RateLimit>,
    /// Answers that asked to slow down, retried ones included (`s3::throttle::ThrottleWatch`).
    throttles: Arc<AtomicU64>,
    /// The batch's place this transfer holds, given up while a throttled request waits.
    place: Arc<std::sync::Mutex<Option<Arc<dyn BatchPlace>>>>,
}

/// A transfer's place among the files its batch sends at once (`s3::flight::FileSlot`).
/// Why: a file the server throttled that kept its place would send again as soon as its wait
/// ended, however far the batch's count of files at once has been cut meanwhile; dozens of
/// such files sent again together earn dozens of refusals again.
pub(crate) trait BatchPlace: Send + Sync + std::fmt::Debug {
    /// The file was throttled and waits: its place goes to the batch (counted as throttled).
    fn give_up(&self);
    /// Waits for a place again, as a file not yet started does.
    fn take_again(&self) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + '_>>;
}

impl TransferControl {
    /// A transfer whose bodies take their bytes from `limit`, with everything else sharing it.
    pub fn limited(limit: &RateLimit) -> Self {
        Self {
            limit: Some(limit.clone()),
            ..Self::default()
        }
    }

    /// The limit this transfer's bytes are taken from, if any.
    pub(crate) fn limit(&self) -> Option<&RateLimit> {
        self.limit.as_ref()
    }

    /// What a request body needs to keep to the limit and to stop when cancelled.
    pub(crate) fn limit_share(&self) -> Option<crate::s3::stall::LimitShare> {
        self.limit
            .clone()
            .map(|limit| crate::s3::stall::LimitShare {
                limit,
                cancelled: self.cancelled.clone(),
            })
    }

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

    pub(crate) fn add(&self, bytes: u64) {
        self.done_bytes.fetch_add(bytes, Ordering::Relaxed);
    }

    pub(crate) fn note_throttle(&self) {
        self.throttles.fetch_add(1, Ordering::Relaxed);
    }

    /// How many answers asked this transfer to slow down so far.
    pub(crate) fn throttles(&self) -> u64 {
        self.throttles.load(Ordering::Relaxed)
    }

    /// Holds `place` for this transfer from now on.
    pub(crate) fn hold_place(&self, place: Arc<dyn BatchPlace>) {
        if let Ok(mut held) = self.place.lock() {
            *held = Some(place);
        }
    }

    /// The batch's place this transfer holds, if it was admitted to one.
    pub(crate) fn place(&self) -> Option<Arc<dyn BatchPlace>> {
        self.place.lock().ok().and_then(|p| p.clone())
    }

    pub(super) fn check(&self) -> Result<(), TransferError> {
        if self.is_cancelled() {
            Err(TransferError::Cancelled)
        } else {
            Ok(())
        }
    }
}

pub(super) fn local(path: &Path, e: impl std::fmt::Display) -> TransferError {
    TransferError::Local {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}

/// What an SDK error means for the person: a refusal by the server, a request to slow down,
/// or a network trouble on this side (a retry may cure the last two).
pub(super) fn remote<E>(
    e: &aws_sdk_s3::error::SdkError<E, aws_sdk_s3::config::http::HttpResponse>,
) -> TransferError
where
    E: std::error::Error + aws_sdk_s3::error::ProvideErrorMetadata + 'static,
{
    use aws_sdk_s3::error::SdkError;
    if let SdkError::ServiceError(answer) = e {
        let status = answer.raw().status().as_u16();
        if let Some(code) = throttle_code(status, answer.err().code()) {
            return TransferError::Throttled { code };
        }
    }
    let text = error_text(e);
    match e {
        SdkError::TimeoutError(_) => TransferError::Timeout(text),
        SdkError::DispatchFailure(failure) if failure.is_timeout() => TransferError::Timeout(text),
        SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => TransferError::Network(text),
        _ => TransferError::Remote(text),
    }
}

pub(super) fn stalled(stall: crate::s3::stall::Stalled) -> TransferError {
    TransferError::Stalled {
        seconds: stall.0.as_secs().max(1),
    }
}

/// The configuration of a request that carries data: no total time budget (see
/// [`crate::s3::connection::data_timeouts`]); it is watched for stalls instead.
pub(super) fn data_config() -> aws_sdk_s3::config::Builder {
    aws_sdk_s3::config::Builder::new().timeout_config(crate::s3::connection::data_timeouts())
}

/// Sends a data-carrying request, failing it once no byte has moved for `limit`.
pub(super) async fn send_watched<T, E>(
    activity: &crate::s3::stall::Activity,
    limit: std::time::Duration,
    request: impl std::future::Future<
        Output = Result<T, aws_sdk_s3::error::SdkError<E, aws_sdk_s3::config::http::HttpResponse>>,
    >,
) -> Result<T, TransferError>
where
    E: std::error::Error + aws_sdk_s3::error::ProvideErrorMetadata + 'static,
{
    crate::s3::stall::guard(activity, limit, request)
        .await
        .map_err(stalled)
        .and_then(|sent| sent.map_err(|e| remote(&e)))
}

/// What a refused write means: with `If-None-Match: *` (`conditional`), 412 is a key taken
/// since the batch looked and 501 a server that knows no such condition.
pub(super) fn written<E>(
    e: &aws_sdk_s3::error::SdkError<E, aws_sdk_s3::config::http::HttpResponse>,
    key: &ObjectKey,
    conditional: bool,
) -> TransferError
where
    E: std::error::Error + aws_sdk_s3::error::ProvideErrorMetadata + 'static,
{
    let status = match e {
        aws_sdk_s3::error::SdkError::ServiceError(s) => Some(s.raw().status().as_u16()),
        _ => None,
    };
    match status {
        Some(412) if conditional => TransferError::Appeared(key.to_string()),
        Some(501) if conditional => TransferError::NoConditionalWrites,
        _ => remote(e),
    }
}

/// Sends a write: one that must replace nothing (`!replace`) under `If-None-Match: *`, so
/// that a key taken between the batch's look and the write is refused by the server, not
/// replaced; again without the header where the server does not know it (the batch's look
/// then stands alone). `send` gets the header's value and maps its error with [`written`].
pub(super) async fn send_write<T, F>(
    replace: bool,
    mut send: impl FnMut(Option<String>) -> F,
) -> Result<T, TransferError>
where
    F: std::future::Future<Output = Result<T, TransferError>>,
{
    if replace {
        return send(None).await;
    }
    match send(Some("*".to_owned())).await {
        Err(TransferError::NoConditionalWrites) => send(None).await,
        other => other,
    }
}

/// [`send_watched`] for a write, its error mapped with [`written`].
pub(super) async fn send_watched_write<T, E>(
    activity: &crate::s3::stall::Activity,
    limit: std::time::Duration,
    (key, conditional): (&ObjectKey, bool),
    request: impl std::future::Future<
        Output = Result<T, aws_sdk_s3::error::SdkError<E, aws_sdk_s3::config::http::HttpResponse>>,
    >,
) -> Result<T, TransferError>
where
    E: std::error::Error + aws_sdk_s3::error::ProvideErrorMetadata + 'static,
{
    crate::s3::stall::guard(activity, limit, request)
        .await
        .map_err(stalled)
        .and_then(|sent| sent.map_err(|e| written(&e, key, conditional)))
}

/// The configuration of a copy the server makes itself (CopyObject, UploadPartCopy, and the
/// joining of parts that completes a multipart upload), on a connection whose stall limit is
/// `stall`: no total budget, the answer's headers awaited for
/// [`SERVER_COPY_WAIT_FACTOR`](crate::s3::stall::SERVER_COPY_WAIT_FACTOR) times the stall
/// limit, and its body held to the stall rule and a size limit.
pub(super) fn server_copy_config(stall: std::time::Duration) -> aws_sdk_s3::config::Builder {
    use crate::s3::stall::{AnswerWatch, SERVER_COPY_ANSWER_LIMIT, SERVER_COPY_WAIT_FACTOR};
    use aws_sdk_s3::config::timeout::TimeoutConfig;
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(crate::s3::connection::REQUEST_TIMEOUT / 3)
        // The time until the answer's headers arrive (the request carries no body).
        .read_timeout(stall * SERVER_COPY_WAIT_FACTOR)
        .disable_operation_timeout()
        .disable_operation_attempt_timeout()
        .build();
    aws_sdk_s3::config::Builder::new()
        .timeout_config(timeouts)
        .interceptor(AnswerWatch {
            stall,
            limit: SERVER_COPY_ANSWER_LIMIT,
        })
}

impl From<crate::s3::list::BrowseError> for TransferError {
    /// A listing that failed on the way to a transfer: said as the listing said it, with the
    /// same distinction between the network and a refusal.
    fn from(error: crate::s3::list::BrowseError) -> Self {
        use crate::s3::list::BrowseError;
        match error {
            BrowseError::Connect(error) => TransferError::Connect(error),
            BrowseError::TimedOut(text) => TransferError::Timeout(text),
            BrowseError::Unreachable { .. } => TransferError::Network(error.to_string()),
            BrowseError::Other(text) => TransferError::BadAnswer(text),
            other => TransferError::Remote(other.to_string()),
        }
    }
}

impl TransferError {
    /// Network troubles and throttles are worth another attempt; refusals and local errors
    /// are not.
    pub(crate) fn is_transient(&self) -> bool {
        matches!(
            self,
            TransferError::Timeout(_)
                | TransferError::Stalled { .. }
                | TransferError::Network(_)
                | TransferError::Throttled { .. }
        )
    }
}

/// The part size for a file of `size` bytes: [`PART_SIZE`], or larger so that the file fits
/// in S3's 10,000 parts (rounded up to whole MiB).
pub fn part_size_for(size: u64) -> u64 {
    const MIB: u64 = 1024 * 1024;
    PART_SIZE.max(size.div_ceil(MAX_PARTS).div_ceil(MIB) * MIB)
}

/// What a new multipart upload carries.
pub(super) enum NewUpload<'a> {
    /// A file from disk: each part with its CRC32, for the server to check, and the type its
    /// extension names.
    File {
        content_type: Option<&'a str>,
        /// The bucket's default headers for the key, besides its Content-Type.
        defaults: Option<&'a crate::storage::upload_headers::DefaultHeaders>,
    },
    /// A server-side copy: the source's content type, metadata and headers, which CopyObject
    /// would have kept by itself.
    CopyOf(&'a aws_sdk_s3::operation::head_object::HeadObjectOutput),
}

/// Starts a multipart upload to `key`; its id.
pub(super) async fn start_multipart(
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
        NewUpload::File {
            content_type,
            defaults,
        } => request
            .checksum_algorithm(aws_sdk_s3::types::ChecksumAlgorithm::Crc32)
            .set_content_type(content_type.map(str::to_owned))
            .set_cache_control(defaults.and_then(|d| d.cache_control.clone()))
            .set_content_disposition(defaults.and_then(|d| d.content_disposition.clone()))
            .set_content_encoding(defaults.and_then(|d| d.content_encoding.clone()))
            .set_content_language(defaults.and_then(|d| d.content_language.clone()))
            .set_metadata(
                defaults
                    .filter(|d| !d.metadata.is_empty())
                    .map(|d| d.metadata.clone().into_iter().collect()),
            ),
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

pub(super) async fn complete_multipart(
    connection: &Connection,
    (bucket, key, replace): (&BucketName, &ObjectKey, bool),
    upload_id: &str,
    parts: Vec<CompletedPart>,
) -> Result<(), TransferError> {
    send_write(replace, |condition| {
        let conditional = condition.is_some();
        let parts = parts.clone();
        async move {
            connection
                .client()
                .complete_multipart_upload()
                .bucket(bucket.as_str())
                .key(key.as_str())
                .upload_id(upload_id)
                .set_if_none_match(condition)
                .multipart_upload(
                    CompletedMultipartUpload::builder()
                        .set_parts(Some(parts))
                        .build(),
                )
                // The server joins the parts before it answers: minutes for a large object on S3.
                .customize()
                .config_override(server_copy_config(connection.stall_timeout()))
                .send()
                .await
                .map(|_| ())
                .map_err(|e| written(&e, key, conditional))
        }
    })
    .await
}

/// Sends a multipart upload's parts (`parts`) and completes it (replacing what is at the key
/// only with `replace`). On any failure the upload is
/// aborted, so no parts are left to bill; while an abort is still owed (the server could not
/// be reached), `journal` keeps the upload for a later sweep.
pub(super) async fn finish_multipart(
    connection: &Connection,
    (bucket, key, replace): (&BucketName, &ObjectKey, bool),
    upload_id: &str,
    journal: Option<&UploadJournal>,
    parts: impl std::future::Future<Output = Result<Vec<CompletedPart>, TransferError>>,
) -> Result<(), TransferError> {
    if let Some(journal) = journal {
        journal
            .add(
                &uploader(connection),
                bucket.as_str(),
                key.as_str(),
                upload_id,
            )
            .await;
    }
    let completed = match parts.await {
        Ok(parts) => complete_multipart(connection, (bucket, key, replace), upload_id, parts).await,
        Err(e) => Err(e),
    };
    let settled = match &completed {
        Ok(()) => true,
        Err(_) => abort_multipart(connection, bucket, key, upload_id).await,
    };
    if let Some(journal) = journal {
        if settled {
            journal.remove(upload_id).await;
        } else {
            journal.mark_abandoned(upload_id).await;
        }
    }
    completed
}

/// Aborts a multipart upload, so its parts are not kept (and billed); true when S3 agreed.
pub(super) async fn abort_multipart(
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

/// How the journal files uploads started through `connection`.
fn uploader(connection: &Connection) -> Uploader {
    Uploader::new(connection.identity(), connection.endpoint())
}

/// Aborts the leftovers in `journal` of `connection`'s profile and server; returns how many
/// were cleared. An entry is dropped when the server aborted it, or (for an entry recorded
/// against this very server) answered that it no longer knows it.
pub async fn abort_leftovers(journal: &UploadJournal, connection: &Connection) -> usize {
    let mut cleared = 0;
    for upload in journal.leftovers_for(&uploader(connection)) {
        let answer = connection
            .client()
            .abort_multipart_upload()
            .bucket(&upload.bucket)
            .key(&upload.key)
            .upload_id(&upload.upload_id)
            .send()
            .await;
        let gone = match &answer {
            Ok(_) => true,
            Err(aws_sdk_s3::error::SdkError::ServiceError(e)) => {
                !upload.profile.is_empty() && e.raw().status().as_u16() == 404
            }
            Err(_) => false,
        };
        if gone {
            journal.remove(&upload.upload_id).await;
            cleared += 1;
        }
    }
    cleared
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::s3::connection::ConnectError;
    use crate::s3::list::BrowseError;

    #[test]
    fn a_listing_that_could_not_connect_is_not_called_a_refusal_by_s3() {
        let error = TransferError::from(BrowseError::Connect(ConnectError::NoCredentials));
        assert_eq!(error, TransferError::Connect(ConnectError::NoCredentials));
        assert!(!error.to_string().contains("S3 refused"), "{error}");
        assert!(!error.is_transient(), "no retry fixes missing credentials");
    }

    #[test]
    fn slow_down_answers_are_throttles_and_others_are_not() {
        assert_eq!(
            throttle_code(503, Some("SlowDown")).as_deref(),
            Some("SlowDown")
        );
        assert_eq!(
            throttle_code(400, Some("ThrottlingException")).as_deref(),
            Some("ThrottlingException")
        );
        assert_eq!(
            throttle_code(429, Some("TooManyRequests")).as_deref(),
            Some("TooManyRequests")
        );
        assert_eq!(throttle_code(503, None).as_deref(), Some("503"));
        assert_eq!(
            throttle_code(503, Some("ServiceUnavailable")).as_deref(),
            Some("503 ServiceUnavailable")
        );
        assert_eq!(throttle_code(403, Some("AccessDenied")), None);
        assert_eq!(throttle_code(500, Some("InternalError")), None);
    }
}
