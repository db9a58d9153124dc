//! S3 → S3 across profiles or endpoints, where the servers cannot copy for us: the object is
//! read from one connection and written to the other as it arrives, one part in memory at a
//! time (never a temporary copy of the whole file), keeping its content type and metadata. A
//! failed or cancelled copy aborts its multipart upload. Reading and writing are each held to
//! the stall rule, not to a total deadline; nothing is reserved from the size the source claims.

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::CompletedPart;

use crate::model::{BucketName, ObjectKey};
use crate::s3::connection::Connection;
use crate::s3::head::{claimed_size, head};
use crate::s3::stall::{Activity, MemoryBody};
use crate::s3::transfer::{
    MULTIPART_THRESHOLD, NewUpload, PART_SIZE, TransferControl, TransferError, data_config,
    finish_multipart, part_size_for, remote, send_watched, send_watched_write, send_write,
    start_multipart,
};
use crate::storage::journal::UploadJournal;

/// One end of a copy: a connection, a bucket and a key.
pub type End<'a> = (&'a Connection, &'a BucketName, &'a ObjectKey);

/// Streams `from` into `to`; the bytes copied. Memory holds at most one part (8 MiB, more
/// above 80 GB) or, for objects under 16 MiB, the object.
///
/// What is at `to` is replaced only with `replace` (else the write is conditional: see
/// [`crate::s3::transfer::TransferError::Appeared`]). A multipart upload is recorded in
/// `journal` while an abort may still be owed, as uploads are.
pub async fn copy_between(
    from: End<'_>,
    to: End<'_>,
    replace: bool,
    control: &TransferControl,
    journal: Option<&UploadJournal>,
) -> Result<u64, TransferError> {
    let sent = stream(from, to, replace, control, journal).await;
    crate::s3::upload::ours_if_the_same(sent, crate::s3::verify::verify_copy(from, to)).await
}

async fn stream(
    from: End<'_>,
    to: End<'_>,
    replace: bool,
    control: &TransferControl,
    journal: Option<&UploadJournal>,
) -> Result<u64, TransferError> {
    let (from_connection, from_bucket, from_key) = from;
    let (to_connection, to_bucket, to_key) = to;
    let head = head(from_connection, from_bucket, from_key)
        .await
        .map_err(|e| remote(&e))?;
    let size = claimed_size(from_key, &head)?;
    let mut body = from_connection
        .client()
        .get_object()
        .bucket(from_bucket.as_str())
        .key(from_key.as_str())
        .send()
        .await
        .map_err(|e| remote(&e))?
        .body;
    let stall = from_connection.stall_timeout();
    // The next chunk of the source, or why none came.
    let mut next = async move || -> Result<Option<bytes::Bytes>, TransferError> {
        match tokio::time::timeout(stall, body.next()).await {
            Err(_) => Err(TransferError::Stalled {
                seconds: stall.as_secs().max(1),
            }),
            Ok(None) => Ok(None),
            Ok(Some(Ok(chunk))) => Ok(Some(chunk)),
            Ok(Some(Err(e))) => Err(TransferError::Network(crate::fmt::error_text(&e))),
        }
    };

    if size < MULTIPART_THRESHOLD {
        // Below the multipart threshold, so the claim bounds what is reserved; bytes beyond it
        // are refused as they come, not gathered.
        let mut object = Vec::with_capacity(size as usize);
        while let Some(chunk) = next().await? {
            control.check()?;
            too_long(from_key, object.len() as u64 + chunk.len() as u64, size)?;
            object.extend_from_slice(&chunk);
        }
        if object.len() as u64 != size {
            return Err(TransferError::Incomplete {
                got: object.len() as u64,
                expected: size,
            });
        }
        let object = bytes::Bytes::from(object);
        send_write(replace, |condition| async {
            let activity = Activity::default();
            let conditional = condition.is_some();
            let request = to_connection
                .client()
                .put_object()
                .bucket(to_bucket.as_str())
                .key(to_key.as_str())
                .set_if_none_match(condition)
                .set_content_type(head.content_type().map(str::to_owned))
                .set_content_disposition(head.content_disposition().map(str::to_owned))
                .set_content_encoding(head.content_encoding().map(str::to_owned))
                .set_cache_control(head.cache_control().map(str::to_owned))
                .set_metadata(head.metadata().cloned())
                .body(memory_body(object.clone(), &activity, control))
                .customize()
                .config_override(data_config())
                .send();
            let limit = to_connection.stall_timeout();
            send_watched_write(&activity, limit, (to_key, conditional), request).await
        })
        .await?;
        control.add(size);
        return Ok(size);
    }

    let upload_id =
        start_multipart(to_connection, to_bucket, to_key, NewUpload::CopyOf(&head)).await?;
    let part_size = part_size_for(size) as usize;
    let parts = async {
        let mut parts = Vec::new();
        // Parts above 8 MiB (objects above 80 GB) grow as bytes arrive: nothing is reserved
        // from a size only the server's word stands for.
        let mut part = Vec::with_capacity(part_size.min(PART_SIZE as usize));
        let mut total = 0u64;
        let mut number = 1;
        loop {
            let chunk = next().await?;
            control.check()?;
            if let Some(chunk) = &chunk {
                let arrived = total + part.len() as u64 + chunk.len() as u64;
                too_long(from_key, arrived, size)?;
                part.extend_from_slice(chunk);
            }
            let last = chunk.is_none();
            // A full part goes now; what remains goes as the last part.
            while part.len() >= part_size || (last && !part.is_empty()) {
                let take = part.len().min(part_size);
                let rest = part.split_off(take);
                let body = std::mem::replace(&mut part, rest);
                let sent = body.len() as u64;
                let activity = Activity::default();
                let request = to_connection
                    .client()
                    .upload_part()
                    .bucket(to_bucket.as_str())
                    .key(to_key.as_str())
                    .upload_id(&upload_id)
                    .part_number(number)
                    .body(memory_body(body.into(), &activity, control))
                    .customize()
                    .config_override(data_config())
                    .send();
                let output =
                    send_watched(&activity, to_connection.stall_timeout(), request).await?;
                parts.push(
                    CompletedPart::builder()
                        .part_number(number)
                        .set_e_tag(output.e_tag().map(str::to_owned))
                        .build(),
                );
                total += sent;
                control.add(sent);
                number += 1;
            }
            if last {
                break;
            }
        }
        if total != size {
            return Err(TransferError::Incomplete {
                got: total,
                expected: size,
            });
        }
        Ok(parts)
    };
    let to = (to_bucket, to_key, replace);
    finish_multipart(to_connection, to, &upload_id, journal, parts).await?;
    Ok(size)
}

/// Refuses a body that has brought more than the `size` its HEAD claimed.
fn too_long(key: &ObjectKey, arrived: u64, size: u64) -> Result<(), TransferError> {
    if arrived > size {
        return Err(TransferError::BadAnswer(format!(
            "`{key}` sent more than the {size} bytes the server said it holds"
        )));
    }
    Ok(())
}

/// `data` as a request body that touches `activity` as it goes: a part on a slow uplink is
/// failed when it stalls, never for taking its time. Its bytes go at the batch's limit, if it
/// has one: they come into Pail as fast as they leave it.
fn memory_body(data: bytes::Bytes, activity: &Activity, control: &TransferControl) -> ByteStream {
    let limit = control.limit_share();
    ByteStream::new(MemoryBody::sdk_body(data, (activity.clone(), limit)))
}
