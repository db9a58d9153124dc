//! What a server answers about one version, believed only when it can be: a HEAD of a
//! version that names another one (or none, from a server that keeps no versions), a
//! version that is gone, a delete marker asked for its bytes.

use aws_sdk_s3::error::SdkError;

use super::transfer::{TransferError, remote};
use crate::model::ObjectKey;

/// The version a HEAD answered for is the one asked for. A server that keeps no versions
/// (s3s-fs) ignores the id and serves the object: believed, the latest would be downloaded
/// or restored as an older version. Only `null`, the one version of an object written
/// without versioning, may come back unnamed.
pub(super) fn served_as_asked(
    served: Option<&str>,
    key: &ObjectKey,
    asked: &str,
) -> Result<(), TransferError> {
    match served {
        Some(id) if id == asked => Ok(()),
        None if asked == "null" => Ok(()),
        Some(id) => Err(TransferError::BadAnswer(format!(
            "asked for version {asked} of `{key}`, the server answered for version {}",
            id.escape_debug()
        ))),
        None => Err(TransferError::BadAnswer(format!(
            "the server does not say which version of `{key}` it serves: it keeps no versions, and version {asked} is not there"
        ))),
    }
}

/// A version that is not there any more says so; other failures as they are.
pub(super) fn gone_or_remote<E>(
    e: &SdkError<E, aws_sdk_s3::config::http::HttpResponse>,
    key: &ObjectKey,
    version_id: &str,
) -> TransferError
where
    E: std::error::Error + aws_sdk_s3::error::ProvideErrorMetadata + 'static,
{
    match e.raw_response().map(|r| r.status().as_u16()) {
        Some(404) => TransferError::Remote(format!(
            "version {version_id} of `{key}` does not exist (deleted, or never there)"
        )),
        // A HEAD of a delete marker is refused with 405.
        Some(405) => TransferError::InvalidName(format!(
            "version {version_id} of `{key}` is a delete marker: it holds nothing to restore"
        )),
        _ => remote(e),
    }
}
