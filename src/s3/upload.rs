//! Uploads: a small file in one PutObject, a large one as a multipart upload whose parts go in
//! parallel, each read from the file as it is sent, with its CRC32 and a stall timeout; a part
//! that breaks is sent again alone, and one the server throttled after a wait (`throttle.rs`). A failed or cancelled upload is aborted so no parts stay
//! behind to be billed, and recorded in the journal while an abort is still owed.

use crate::storage::upload_headers::DefaultHeaders;
use std::path::{Path, PathBuf};

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::CompletedPart;

use super::connection::Connection;
use super::part_sums::{PartSums, crc32_of, on_cancel};
use super::stall::{Activity, FILE_CHANGED, FileRangeBody, FileState};
use super::throttle::{ThrottleWatch, retry_after, wait, wait_aside};
use super::transfer::*;
use crate::model::{BucketName, ObjectKey};
use crate::storage::journal::UploadJournal;

/// The Content-Type for the file at `path`, from its extension, as the AWS CLI guesses it;
/// none (S3 then stores `application/octet-stream`) when the extension says nothing. Without
/// it a shared PDF or photo downloads instead of opening.
pub fn content_type_for(path: &Path) -> Option<&'static str> {
    mime_guess::from_path(path).first_raw()
}

/// Uploads the file at `path` to `key`, replacing what is there.
pub async fn upload_file(
    connection: &Connection,
    bucket: &BucketName,
    key: &ObjectKey,
    path: &Path,
    control: &TransferControl,
) -> Result<(), TransferError> {
    let to = Destination {
        bucket,
        key,
        replace: true,
    };
    upload_file_with_journal(connection, to, path, control, None).await
}

/// Where an upload lands, and whether it may replace what is there: one that may not is
/// refused by the server if the key is taken when it lands ([`TransferError::Appeared`]).
#[derive(Debug, Clone, Copy)]
pub struct Destination<'a> {
    pub bucket: &'a BucketName,
    pub key: &'a ObjectKey,
    pub replace: bool,
}

/// [`upload_file`] to `to`, recording multipart uploads in `journal` until they end.
pub async fn upload_file_with_journal(
    connection: &Connection,
    to: Destination<'_>,
    path: &Path,
    control: &TransferControl,
    journal: Option<&UploadJournal>,
) -> Result<(), TransferError> {
    upload_file_with_defaults(connection, to, path, control, (journal, None)).await
}

/// [`upload_file_with_journal`], the object given the bucket's default headers for its key
/// (`storage::upload_headers`): its Content-Type before the one the extension names.
pub(crate) async fn upload_file_with_defaults(
    connection: &Connection,
    to: Destination<'_>,
    path: &Path,
    control: &TransferControl,
    (journal, defaults): (Option<&UploadJournal>, Option<&DefaultHeaders>),
) -> Result<(), TransferError> {
    let sent = send_file(connection, to, path, control, (journal, defaults)).await;
    let object = (connection, to.bucket, to.key);
    let same = async { super::verify::verify_file(path, object).await.map(|_| ()) };
    ours_if_the_same(sent, same).await
}

/// A write refused because its key was taken ([`TransferError::Appeared`]) — by someone else,
/// or by this very write: a PUT the server stored but whose answer was lost is sent again (by
/// the SDK's retry or Pail's), and the second finds the first. The bytes there decide: the same
/// as those written (`same` says so, with what the write would have returned), the write is
/// done; else the refusal stands.
pub(super) async fn ours_if_the_same<T>(
    sent: Result<T, TransferError>,
    same: impl std::future::Future<Output = Result<T, TransferError>>,
) -> Result<T, TransferError> {
    match sent {
        Err(TransferError::Appeared(key)) => same.await.map_err(|_| TransferError::Appeared(key)),
        other => other,
    }
}

async fn send_file(
    connection: &Connection,
    to: Destination<'_>,
    path: &Path,
    control: &TransferControl,
    (journal, defaults): (Option<&UploadJournal>, Option<&DefaultHeaders>),
) -> Result<(), TransferError> {
    let content_type = defaults
        .and_then(|d| d.content_type.clone())
        .or_else(|| content_type_for(path).map(str::to_owned));
    let Destination {
        bucket,
        key,
        replace,
    } = to;
    control.check()?;
    // What the file is now: a file that is no longer so once read was not uploaded whole.
    let file = FileState::of(path).map_err(|e| local(path, e))?;
    let size = file.len;
    if size <= MULTIPART_THRESHOLD {
        let checksum = crc32_of(path, 0, size, on_cancel(control)).await?;
        let mut attempt = 1;
        loop {
            control.check()?;
            let activity = Activity::default();
            let result = send_write(replace, |condition| async {
                let conditional = condition.is_some();
                let request = connection
                    .client()
                    .put_object()
                    .bucket(bucket.as_str())
                    .key(key.as_str())
                    .set_if_none_match(condition)
                    .set_content_type(content_type.clone())
                    .set_cache_control(defaults.and_then(|d| d.cache_control.clone()))
                    .set_content_disposition(defaults.and_then(|d| d.content_disposition.clone()))
                    .set_content_encoding(defaults.and_then(|d| d.content_encoding.clone()))
                    .set_content_language(defaults.and_then(|d| d.content_language.clone()))
                    .set_metadata(
                        defaults
                            .filter(|d| !d.metadata.is_empty())
                            .map(|d| d.metadata.clone().into_iter().collect()),
                    )
                    .checksum_crc32(&checksum)
                    .body(file_body(
                        path.to_owned(),
                        (0, size),
                        file,
                        (&activity, control),
                    ))
                    .customize()
                    .config_override(data_config().interceptor(ThrottleWatch(control.clone())))
                    .send();
                let limit = connection.stall_timeout();
                send_watched_write(&activity, limit, (key, conditional), request).await
            })
            .await;
            // Read to its end and still the same, or the upload fails (the body failed
            // already if the change came before its last bytes were read).
            unchanged(path, &file)?;
            match result {
                Ok(_) => break,
                Err(e) => match retry_after(&e, attempt) {
                    Some(delay) if matches!(e, TransferError::Throttled { .. }) => {
                        wait_aside(delay, control).await?;
                        attempt += 1;
                    }
                    Some(delay) => {
                        wait(delay, control).await?;
                        attempt += 1;
                    }
                    None => {
                        let sent = Sent {
                            range: (0, size),
                            sum: &checksum,
                            last: true,
                        };
                        return Err(the_file_or(path, sent, (&activity, control), e).await);
                    }
                },
            }
        }
        control.add(size);
        return Ok(());
    }
    let headers = (content_type.as_deref(), defaults);
    upload_multipart(connection, to, path, file, control, (journal, headers)).await
}

/// Fails when the file at `path` is no longer as `file` says.
fn unchanged(path: &Path, file: &FileState) -> Result<(), TransferError> {
    if file.still_at(path) {
        Ok(())
    } else {
        Err(local(path, FILE_CHANGED))
    }
}

/// `range` (offset, length) of `path` as a request body that touches `activity` as it goes,
/// takes its bytes from `control`'s bandwidth limit, and fails if the file is no longer as
/// `file` says once read.
fn file_body(
    path: PathBuf,
    range: (u64, u64),
    file: FileState,
    (activity, control): (&Activity, &TransferControl),
) -> ByteStream {
    let paced = (activity.clone(), control.limit_share());
    ByteStream::new(FileRangeBody::sdk_body(path, range, file, paced))
}

async fn upload_multipart(
    connection: &Connection,
    Destination {
        bucket,
        key,
        replace,
    }: Destination<'_>,
    path: &Path,
    file: FileState,
    control: &TransferControl,
    (journal, (content_type, defaults)): (
        Option<&UploadJournal>,
        (Option<&str>, Option<&DefaultHeaders>),
    ),
) -> Result<(), TransferError> {
    let kind = NewUpload::File {
        content_type,
        defaults,
    };
    // The parts' sums are read while the start's round trip is on the way.
    let sums = PartSums::start(path, file.len, part_size_for(file.len), control);
    let sums = std::sync::Arc::new(sums);
    let asked = std::time::Instant::now();
    let upload_id = start_multipart(connection, bucket, key, kind).await?;
    // The first request's round trip: the farther the server, the more parts go at once.
    let parallel = crate::s3::flight::parts_in_flight(
        asked.elapsed(),
        PARALLEL_PARTS,
        std::time::Duration::from_millis(5),
    );
    let parts = async {
        let upload = (upload_id.as_str(), parallel);
        let read = (file, sums);
        let parts = send_parts(connection, bucket, key, path, read, upload, control).await?;
        // A cancel that arrives while the last parts are in flight still stops the upload;
        // so does a file that changed once its parts were read (the upload is aborted).
        control.check()?;
        unchanged(path, &file)?;
        Ok(parts)
    };
    finish_multipart(
        connection,
        (bucket, key, replace),
        &upload_id,
        journal,
        parts,
    )
    .await
}

/// One part of a multipart upload: its number and where it sits in the file.
#[derive(Debug, Clone, Copy)]
struct Part {
    number: i32,
    offset: u64,
    length: u64,
    /// Attempts made so far.
    attempts: u32,
    /// How long to wait before the next attempt (the server asked to slow down).
    wait: std::time::Duration,
}

/// Sends one part, once.
async fn send_part(
    client: aws_sdk_s3::Client,
    stall_limit: std::time::Duration,
    (bucket, key, upload_id): (String, String, String),
    (path, file, sums): (PathBuf, FileState, std::sync::Arc<PartSums>),
    (part, activity): (Part, Activity),
    control: TransferControl,
) -> Result<CompletedPart, (TransferError, Part)> {
    let failed = |e| (e, part);
    wait(part.wait, &control).await.map_err(failed)?;
    let checksum = sums.of(part.number as usize - 1).await.map_err(failed)?;
    let range = (part.offset, part.length);
    let request = client
        .upload_part()
        .bucket(&bucket)
        .key(&key)
        .upload_id(&upload_id)
        .part_number(part.number)
        .checksum_crc32(&checksum)
        .body(file_body(path.clone(), range, file, (&activity, &control)))
        .customize()
        .config_override(data_config().interceptor(ThrottleWatch(control.clone())))
        .send();
    let sent = send_watched(&activity, stall_limit, request).await;
    // A file that changed is no network trouble: said as what it is, and not sent again.
    unchanged(&path, &file).map_err(failed)?;
    let output = match sent {
        Ok(output) => output,
        Err(e) => {
            let sent = Sent {
                range: (part.offset, part.length),
                sum: &checksum,
                last: part.attempts >= PART_ATTEMPTS,
            };
            let said = the_file_or(&path, sent, (&activity, &control), e).await;
            return Err(failed(said));
        }
    };
    control.add(part.length);
    Ok(CompletedPart::builder()
        .part_number(part.number)
        .set_e_tag(output.e_tag().map(str::to_owned))
        .checksum_crc32(checksum)
        .build())
}

/// A request that carried a file's bytes: which bytes (offset, length), the CRC32 it was sent
/// with, and whether it was the last attempt (no other follows).
struct Sent<'a> {
    range: (u64, u64),
    sum: &'a str,
    last: bool,
}

/// What a request's failure was, when the file is the cause: it could not be read (the SDK calls
/// a body that failed to read a failure to send), or its bytes are not those its sum was read
/// from though its size and modification time are (the server refused the part as not
/// matching its checksum). Otherwise `error` as it came.
async fn the_file_or(
    path: &Path,
    sent: Sent<'_>,
    (activity, control): (&Activity, &TransferControl),
    error: TransferError,
) -> TransferError {
    if control.is_cancelled() {
        return TransferError::Cancelled;
    }
    match &error {
        // Sent again as a network failure would be until the last attempt: a lock that an
        // indexer or a virus scanner holds for a moment passes.
        TransferError::Network(_) => match activity.read_failure() {
            Some(reason) if sent.last => local(path, reason),
            _ => error,
        },
        TransferError::Remote(refusal) if refusal.contains("BadDigest") => {
            let (offset, length) = sent.range;
            match crc32_of(path, offset, length, on_cancel(control)).await {
                Err(unreadable) => unreadable,
                Ok(now) if now != sent.sum => local(path, FILE_REWRITTEN),
                Ok(_) => error,
            }
        }
        _ => error,
    }
}

/// What an upload says of a file rewritten in place while it was read.
const FILE_REWRITTEN: &str = "the file changed while it was being uploaded (its bytes are not \
    those its checksum was read from, though its size and modification time are), so the \
    upload does not count: upload it again once the file is finished";

async fn send_parts(
    connection: &Connection,
    bucket: &BucketName,
    key: &ObjectKey,
    path: &Path,
    (file, sums): (FileState, std::sync::Arc<PartSums>),
    (upload_id, parallel): (&str, usize),
    control: &TransferControl,
) -> Result<Vec<CompletedPart>, TransferError> {
    let size = file.len;
    let part_size = part_size_for(size);
    let count = size.div_ceil(part_size);
    let mut parts = Vec::with_capacity(count as usize);
    let mut tasks = tokio::task::JoinSet::new();
    let mut next = 0u64;
    // Parts share the uplink: when one stalls or breaks, fewer go at once from then on, so
    // each gets enough of it. A failed part is sent again, alone; the others stand.
    let mut parallel = parallel;
    let mut again: Vec<Part> = Vec::new();
    // The first final failure stops new parts; parts already on their way are let finish, so
    // that none lands after the abort that follows (it would stay behind, billed).
    let mut failure: Option<TransferError> = None;
    let mut throttles = control.throttles();
    // A part whose body has been handed out whole gives its place to the next part while its
    // last bytes and the answer travel (a round trip on a far link, when parts that shared the
    // link evenly would all wait together); at most twice `parallel` parts are out at once,
    // and no more than `parallel` once the server asked to slow down (it counts requests).
    let handed_out = std::sync::Arc::new(tokio::sync::Notify::new());
    let mut running: std::collections::HashMap<tokio::task::Id, Activity> = Default::default();
    loop {
        let most = match control.throttles() {
            0 => 2 * parallel,
            _ => parallel,
        };
        while failure.is_none()
            && running.values().filter(|a| !a.is_handed_out()).count() < parallel
            && tasks.len() < most
            && (next < count || !again.is_empty())
        {
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
                        wait: std::time::Duration::ZERO,
                    }
                }
            };
            let part = Part {
                attempts: part.attempts + 1,
                ..part
            };
            let ids = (bucket.to_string(), key.to_string(), upload_id.to_owned());
            let activity = Activity::waking(&handed_out);
            let task = tasks.spawn(send_part(
                connection.client().clone(),
                connection.stall_timeout(),
                ids,
                (path.to_owned(), file, sums.clone()),
                (part, activity.clone()),
                control.clone(),
            ));
            running.insert(task.id(), activity);
        }
        let joined = tokio::select! {
            joined = tasks.join_next_with_id() => joined,
            () = handed_out.notified() => continue,
        };
        if let Some(id) = joined
            .as_ref()
            .map(|j| j.as_ref().map_or_else(|e| e.id(), |j| j.0))
        {
            running.remove(&id);
        }
        let joined = joined.map(|j| j.map(|(_, part)| part));
        // A throttle the SDK's own retry absorbed still means fewer parts at once.
        if control.throttles() > throttles {
            throttles = control.throttles();
            parallel = (parallel / 2).max(1);
        }
        match joined {
            Some(Ok(Ok(part))) => parts.push(part),
            Some(Ok(Err((e, part)))) => match retry_after(&e, part.attempts) {
                // A throttled part also waits before it goes again (`s3::throttle`); its
                // throttle halved the parts at once already.
                Some(wait) if failure.is_none() => {
                    if !matches!(e, TransferError::Throttled { .. }) {
                        parallel = (parallel / 2).max(1);
                    }
                    again.push(Part { wait, ..part });
                }
                _ => {
                    failure.get_or_insert(e);
                }
            },
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The first `length` bytes, sent with `sum`; `last`: no attempt follows.
    fn sent(length: u64, sum: &str, last: bool) -> Sent<'_> {
        Sent {
            range: (0, length),
            sum,
            last,
        }
    }

    async fn sum_of(path: &Path, length: u64) -> String {
        crc32_of(path, 0, length, || false).await.unwrap()
    }

    /// What a body that tried to read `path` knows of it, once read whole or failed.
    async fn read_by_a_body(path: &Path, length: u64) -> Activity {
        use http_body_util::BodyExt;
        let activity = Activity::default();
        let state = FileState::of(path).unwrap_or(FileState {
            len: length,
            modified: None,
        });
        let body = FileRangeBody::new(path, (0, length), state, (activity.clone(), None));
        let _ = body.collect().await;
        activity
    }

    #[tokio::test]
    async fn a_part_whose_file_could_not_be_read_says_so_on_its_last_attempt() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gone.bin");
        let activity = read_by_a_body(&path, 10).await;
        let dispatch = TransferError::Network("dispatch failure: error from user's body".into());
        let control = TransferControl::default();
        let first = sent(10, "AAAAAA==", false);
        let said = the_file_or(&path, first, (&activity, &control), dispatch.clone()).await;
        assert_eq!(said, dispatch, "sent again, as a network failure is");
        let last = sent(10, "AAAAAA==", true);
        let said = the_file_or(&path, last, (&activity, &control), dispatch).await;
        assert!(
            matches!(&said, TransferError::Local { path: p, .. } if p.ends_with("gone.bin")),
            "{said}"
        );
    }

    #[tokio::test]
    async fn a_part_refused_for_bytes_rewritten_in_place_says_the_file_changed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.bin");
        std::fs::write(&path, b"the bytes read for the sum").unwrap();
        let sent_sum = sum_of(&path, 26).await;
        std::fs::write(&path, b"THE bytes read for the sum").unwrap();
        let refused = TransferError::Remote("service error: unhandled error (BadDigest)".into());
        let what = (&Activity::default(), &TransferControl::default());
        let said = the_file_or(&path, sent(26, &sent_sum, false), what, refused).await;
        assert_eq!(said, local(&path, FILE_REWRITTEN));
    }

    #[tokio::test]
    async fn a_part_that_failed_for_another_reason_keeps_its_reason() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.bin");
        std::fs::write(&path, b"unchanged").unwrap();
        let sent_sum = sum_of(&path, 9).await;
        // The body read the file whole: a failure to send is the network's.
        let activity = read_by_a_body(&path, 9).await;
        let control = TransferControl::default();
        for error in [
            TransferError::Network("connection reset".into()),
            TransferError::Remote("service error: unhandled error (BadDigest)".into()),
            TransferError::Remote("AccessDenied".into()),
            TransferError::Cancelled,
            TransferError::Stalled { seconds: 30 },
        ] {
            let part = sent(9, &sent_sum, true);
            let said = the_file_or(&path, part, (&activity, &control), error.clone()).await;
            assert_eq!(said, error);
        }
    }

    #[tokio::test]
    async fn a_cancelled_upload_does_not_read_a_failed_part_again() {
        let dir = tempfile::tempdir().unwrap();
        // Not there: a read would fail, and say so.
        let path = dir.path().join("gone.bin");
        let control = TransferControl::default();
        control.cancel();
        let refused = TransferError::Remote("BadDigest".into());
        let what = (&Activity::default(), &control);
        let said = the_file_or(&path, sent(9, "AAAAAA==", false), what, refused).await;
        assert_eq!(said, TransferError::Cancelled);
    }
}
