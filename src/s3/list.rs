//! Browsing S3: listing buckets and one folder (common prefix) page by page, converted from SDK
//! types into Pail's own small types, with failures turned into messages a person can act on.

use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};

use crate::fmt::error_text;
use crate::model::BucketName;
use crate::s3::connection::{ConnectError, Connection};

/// One bucket in the bucket list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketEntry {
    pub name: String,
    /// Known when S3 reports it with the list (AWS does; many compatible servers do not).
    pub region: Option<String>,
}

/// S3 storage classes, in one byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum StorageClass {
    #[default]
    Standard,
    ReducedRedundancy,
    StandardIa,
    OnezoneIa,
    IntelligentTiering,
    Glacier,
    GlacierIr,
    DeepArchive,
    Outposts,
    ExpressOnezone,
    Snow,
    Other,
}

impl StorageClass {
    pub fn parse(s: &str) -> Self {
        match s {
            "STANDARD" | "" => Self::Standard,
            "REDUCED_REDUNDANCY" => Self::ReducedRedundancy,
            "STANDARD_IA" => Self::StandardIa,
            "ONEZONE_IA" => Self::OnezoneIa,
            "INTELLIGENT_TIERING" => Self::IntelligentTiering,
            "GLACIER" => Self::Glacier,
            "GLACIER_IR" => Self::GlacierIr,
            "DEEP_ARCHIVE" => Self::DeepArchive,
            "OUTPOSTS" => Self::Outposts,
            "EXPRESS_ONEZONE" => Self::ExpressOnezone,
            "SNOW" => Self::Snow,
            _ => Self::Other,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Standard => "STANDARD",
            Self::ReducedRedundancy => "REDUCED_REDUNDANCY",
            Self::StandardIa => "STANDARD_IA",
            Self::OnezoneIa => "ONEZONE_IA",
            Self::IntelligentTiering => "INTELLIGENT_TIERING",
            Self::Glacier => "GLACIER",
            Self::GlacierIr => "GLACIER_IR",
            Self::DeepArchive => "DEEP_ARCHIVE",
            Self::Outposts => "OUTPOSTS",
            Self::ExpressOnezone => "EXPRESS_ONEZONE",
            Self::Snow => "SNOW",
            Self::Other => "OTHER",
        }
    }
}

/// One object of a folder listing. The name is the key without the folder's prefix, which
/// keeps a million rows small.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectEntry {
    pub name: Box<str>,
    pub size: u64,
    /// Seconds since the Unix epoch.
    pub last_modified: i64,
    pub storage_class: StorageClass,
}

/// One page of a folder listing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FolderPage {
    /// Sub-folder names relative to the prefix, each ending in `/`.
    pub folders: Vec<Box<str>>,
    pub objects: Vec<ObjectEntry>,
    /// Where the next page starts; `None` on the last page.
    pub next_token: Option<String>,
}

/// What went wrong talking to S3, in words for the status bar and the error banner.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BrowseError {
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error("access denied{}: {message}", code_suffix(code))]
    AccessDenied { code: String, message: String },
    #[error("bucket `{0}` does not exist")]
    NoSuchBucket(String),
    #[error("the credentials were refused ({code}): {message}")]
    BadCredentials { code: String, message: String },
    #[error("cannot reach {endpoint}: {reason}")]
    Unreachable { endpoint: String, reason: String },
    #[error("S3 did not answer in time ({0})")]
    TimedOut(String),
    #[error("S3 answered with an error{}: {message}", code_suffix(code))]
    Service { code: String, message: String },
    #[error("{0}")]
    Other(String),
}

fn code_suffix(code: &str) -> String {
    if code.is_empty() {
        String::new()
    } else {
        format!(" ({code})")
    }
}

/// Classifies an SDK failure.
fn classify<E>(error: SdkError<E>, endpoint: &str, bucket: Option<&str>) -> BrowseError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match &error {
        SdkError::TimeoutError(_) => BrowseError::TimedOut(error_text(&error)),
        SdkError::DispatchFailure(failure) => {
            if failure.is_timeout() {
                BrowseError::TimedOut(error_text(&error))
            } else {
                BrowseError::Unreachable {
                    endpoint: endpoint.to_owned(),
                    reason: dispatch_reason(&error),
                }
            }
        }
        SdkError::ServiceError(service) => {
            let code = service.err().code().unwrap_or_default().to_owned();
            let status = service.raw().status().as_u16();
            let message = service
                .err()
                .message()
                .map(str::to_owned)
                .unwrap_or_else(|| format!("HTTP {status}"));
            match code.as_str() {
                "NoSuchBucket" => BrowseError::NoSuchBucket(bucket.unwrap_or_default().to_owned()),
                "InvalidAccessKeyId"
                | "SignatureDoesNotMatch"
                | "ExpiredToken"
                | "InvalidToken"
                | "TokenRefreshRequired" => BrowseError::BadCredentials { code, message },
                "AccessDenied" | "AllAccessDisabled" => BrowseError::AccessDenied { code, message },
                _ if status == 403 => BrowseError::AccessDenied { code, message },
                _ if status == 404 && bucket.is_some() => {
                    BrowseError::NoSuchBucket(bucket.unwrap_or_default().to_owned())
                }
                _ => BrowseError::Service { code, message },
            }
        }
        _ => BrowseError::Other(error_text(&error)),
    }
}

/// The most specific cause of a failed connection ("Connection refused", a DNS or TLS error),
/// rather than the SDK's generic "dispatch failure".
fn dispatch_reason(error: &(dyn std::error::Error + 'static)) -> String {
    let mut deepest = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !text.is_empty() {
            deepest = text;
        }
        source = cause.source();
    }
    deepest
}

fn endpoint_label(connection: &Connection) -> String {
    match connection.endpoint() {
        crate::model::Endpoint::Aws => format!("S3 in {}", connection.region()),
        crate::model::Endpoint::Custom(url) => url.as_str().trim_end_matches('/').to_owned(),
    }
}

/// Guards a paged listing against a server that hands out a token it handed out before:
/// the listing would go round for ever.
#[derive(Debug, Default)]
pub struct TokenGuard {
    seen: std::collections::HashSet<String>,
}

impl TokenGuard {
    /// The token for the next page (`None`: the listing is complete), or an error if the
    /// server is going round in circles.
    pub fn next(&mut self, token: Option<&str>) -> Result<Option<String>, BrowseError> {
        match token {
            Some(token) if !token.is_empty() => {
                if self.seen.insert(token.to_owned()) {
                    Ok(Some(token.to_owned()))
                } else {
                    Err(BrowseError::Other(
                        "the server sent the same continuation token twice; the listing was stopped so it would not go round for ever"
                            .into(),
                    ))
                }
            }
            _ => Ok(None),
        }
    }
}

/// Every bucket the credentials can list.
pub async fn list_buckets(connection: &Connection) -> Result<Vec<BucketEntry>, BrowseError> {
    let endpoint = endpoint_label(connection);
    let mut buckets = Vec::new();
    let mut token: Option<String> = None;
    let mut guard = TokenGuard::default();
    loop {
        let output = connection
            .client()
            .list_buckets()
            .set_continuation_token(token.take())
            .send()
            .await
            .map_err(|e| classify(e, &endpoint, None))?;
        buckets.extend(output.buckets().iter().filter_map(|b| {
            Some(BucketEntry {
                name: b.name()?.to_owned(),
                region: b.bucket_region().map(str::to_owned),
            })
        }));
        token = guard.next(output.continuation_token())?;
        if token.is_none() {
            break;
        }
    }
    buckets.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(buckets)
}

/// One page (up to 1000 keys) of the folder `prefix` in `bucket`: its sub-folders and objects.
pub async fn list_folder_page(
    connection: &Connection,
    bucket: &BucketName,
    prefix: &str,
    token: Option<String>,
) -> Result<FolderPage, BrowseError> {
    list_page(connection, bucket, prefix, token, false).await
}

/// One page of everything under `prefix` at any depth (no sub-folders; names are the keys
/// without the prefix).
pub async fn list_recursive_page(
    connection: &Connection,
    bucket: &BucketName,
    prefix: &str,
    token: Option<String>,
) -> Result<FolderPage, BrowseError> {
    list_page(connection, bucket, prefix, token, true).await
}

async fn list_page(
    connection: &Connection,
    bucket: &BucketName,
    prefix: &str,
    token: Option<String>,
    recursive: bool,
) -> Result<FolderPage, BrowseError> {
    let endpoint = endpoint_label(connection);
    let region = connection
        .bucket_region(bucket)
        .await
        .unwrap_or_else(|_| connection.region().to_owned());
    let output = connection
        .client()
        .list_objects_v2()
        .bucket(bucket.as_str())
        .prefix(prefix)
        .set_delimiter((!recursive).then(|| "/".to_owned()))
        .max_keys(1000)
        .set_continuation_token(token)
        .customize()
        .config_override(
            aws_sdk_s3::config::Builder::default().region(aws_sdk_s3::config::Region::new(region)),
        )
        .send()
        .await
        .map_err(|e| classify(e, &endpoint, Some(bucket.as_str())))?;

    let relative = |key: &str| -> Box<str> { key.strip_prefix(prefix).unwrap_or(key).into() };
    let folders = output
        .common_prefixes()
        .iter()
        .filter_map(|p| p.prefix())
        .map(relative)
        .collect();
    let objects = output
        .contents()
        .iter()
        .filter_map(|object| {
            let key = object.key()?;
            // The folder's own marker object (`prefix/` itself) is not a row.
            if key == prefix {
                return None;
            }
            Some(ObjectEntry {
                name: relative(key),
                size: object.size().unwrap_or(0).max(0) as u64,
                last_modified: object.last_modified().map(|t| t.secs()).unwrap_or(0),
                storage_class: object
                    .storage_class()
                    .map(|c| StorageClass::parse(c.as_str()))
                    .unwrap_or_default(),
            })
        })
        .collect();
    let next_token = match (output.is_truncated(), output.next_continuation_token()) {
        (Some(true), Some(token)) if !token.is_empty() => Some(token.to_owned()),
        _ => None,
    };
    Ok(FolderPage {
        folders,
        objects,
        next_token,
    })
}

/// Every object under `prefix`, at any depth: (key, size). For links to a whole folder, so
/// folder markers (`name/`, zero bytes), which are not files to share, are left out.
pub async fn list_keys_under(
    connection: &Connection,
    bucket: &BucketName,
    prefix: &str,
) -> Result<Vec<(String, u64)>, BrowseError> {
    let mut keys = list_all_keys(connection, bucket, prefix).await?;
    keys.retain(|(key, _)| !key.ends_with('/'));
    Ok(keys)
}

/// Every key under `prefix`, at any depth, folder markers included: (key, size).
pub async fn list_all_keys(
    connection: &Connection,
    bucket: &BucketName,
    prefix: &str,
) -> Result<Vec<(String, u64)>, BrowseError> {
    let endpoint = endpoint_label(connection);
    let mut keys = Vec::new();
    let mut token = None;
    let mut guard = TokenGuard::default();
    loop {
        let output = connection
            .client()
            .list_objects_v2()
            .bucket(bucket.as_str())
            .prefix(prefix)
            .max_keys(1000)
            .set_continuation_token(token.take())
            .send()
            .await
            .map_err(|e| classify(e, &endpoint, Some(bucket.as_str())))?;
        keys.extend(output.contents().iter().filter_map(|o| {
            let key = o.key()?;
            Some((key.to_owned(), o.size().unwrap_or(0).max(0) as u64))
        }));
        if output.is_truncated() != Some(true) {
            return Ok(keys);
        }
        token = guard.next(output.next_continuation_token())?;
        if token.is_none() {
            return Ok(keys);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_classes_round_trip() {
        for name in ["STANDARD", "GLACIER", "DEEP_ARCHIVE", "INTELLIGENT_TIERING"] {
            assert_eq!(StorageClass::parse(name).as_str(), name);
        }
        assert_eq!(StorageClass::parse(""), StorageClass::Standard);
        assert_eq!(StorageClass::parse("NEW_CLASS"), StorageClass::Other);
    }

    #[test]
    fn object_entry_is_small() {
        // A million rows must stay well under 200 bytes each beyond the name.
        assert!(std::mem::size_of::<ObjectEntry>() <= 40);
    }
}
