//! What a HEAD says of one object: the SDK's answer, its size believed only within what S3
//! allows, whether the object exists. Uploads, downloads, copies and edits all start here.

use super::connection::Connection;
use super::transfer::{MAX_OBJECT_SIZE, TransferError, remote};
use crate::model::{BucketName, ObjectKey};

/// HeadObject of `key`, as the SDK answers it.
pub(crate) async fn head(
    connection: &Connection,
    bucket: &BucketName,
    key: &ObjectKey,
) -> Result<
    aws_sdk_s3::operation::head_object::HeadObjectOutput,
    aws_sdk_s3::error::SdkError<aws_sdk_s3::operation::head_object::HeadObjectError>,
> {
    head_version(connection, bucket, key, None).await
}

/// [`head`] of one version of `key` (`None`: the latest).
pub(super) async fn head_version(
    connection: &Connection,
    bucket: &BucketName,
    key: &ObjectKey,
    version: Option<&str>,
) -> Result<
    aws_sdk_s3::operation::head_object::HeadObjectOutput,
    aws_sdk_s3::error::SdkError<aws_sdk_s3::operation::head_object::HeadObjectError>,
> {
    connection
        .client()
        .head_object()
        .bucket(bucket.as_str())
        .key(key.as_str())
        .set_version_id(version.map(str::to_owned))
        // The checksums the server keeps, for a move's verification (s3::verify).
        .checksum_mode(aws_sdk_s3::types::ChecksumMode::Enabled)
        .send()
        .await
}

/// The size a HEAD answer claims for `key`, refused when no object can be that large (or it
/// is negative): what is sized from it (parts, buffers, ranges) stays within what S3 allows.
pub(super) fn claimed_size(
    key: &ObjectKey,
    head: &aws_sdk_s3::operation::head_object::HeadObjectOutput,
) -> Result<u64, TransferError> {
    let claimed = head.content_length().unwrap_or(0);
    match u64::try_from(claimed) {
        Ok(size) if size <= MAX_OBJECT_SIZE => Ok(size),
        _ => Err(TransferError::BadAnswer(format!(
            "the server says `{key}` holds {claimed} bytes, which no object can"
        ))),
    }
}

/// Whether `key` exists (HeadObject answers, or says 404).
pub(crate) async fn object_exists(
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
pub(super) async fn object_head(
    connection: &Connection,
    bucket: &BucketName,
    key: &ObjectKey,
    version: Option<&str>,
) -> Result<(u64, Option<String>), TransferError> {
    let head = head_version(connection, bucket, key, version)
        .await
        .map_err(|e| remote(&e))?;
    Ok((claimed_size(key, &head)?, head.e_tag().map(str::to_owned)))
}
