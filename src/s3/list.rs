//! Browsing S3: listing buckets and one folder (common prefix) page by page, converted from SDK
//! types into Pail's own small types, with failures turned into messages a person can act on.

use std::time::Duration;

use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};

use crate::fmt::error_text;
use crate::model::BucketName;
use crate::s3::connection::{ConnectError, Connection};
use crate::s3::list_body::{BodyError, TakeListingBody, read_body};
use crate::s3::list_xml::{ListXmlError, PageShape, parse_list_page};

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
    /// A listing page that cannot be believed: not a listing, contradicting itself, too big,
    /// or holding keys outside the prefix asked for. Nothing on it is used.
    #[error("the listing of {place} cannot be trusted ({page}): {problem}")]
    Untrusted {
        /// `s3://bucket/prefix`
        place: String,
        /// Which page: `page 2`, `the page after "key"`.
        page: String,
        problem: String,
    },
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
    let request = PageRequest {
        token,
        start_after: None,
        max_keys: 1000,
    };
    list_page_from(connection, bucket, prefix, Depth::OneLevel, request).await
}

/// How often a page whose body broke off mid-way is asked for again.
const BODY_ATTEMPTS: usize = 3;

/// Where a page starts and how long it may be.
#[derive(Debug, Clone, Default)]
pub struct PageRequest {
    /// The previous page's continuation token.
    pub token: Option<String>,
    /// A full key: the page starts after it (ignored by S3 when `token` is set).
    pub start_after: Option<String>,
    pub max_keys: i32,
}

/// What a listing holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// One folder level: its sub-folders and objects, names relative to the prefix.
    OneLevel,
    /// Every object under the prefix at any depth, names relative to the prefix, the folder's
    /// own marker left out (`pail ls -r`, folder shares).
    Tree,
    /// Every key under the prefix at any depth, folder markers included; names are full keys
    /// (copies, downloads, deletes).
    TreeKeys,
}

impl Depth {
    /// What a page's names leave off of their keys.
    pub fn name_prefix(self, prefix: &str) -> &str {
        match self {
            Self::OneLevel | Self::Tree => prefix,
            Self::TreeKeys => "",
        }
    }
}

/// One page of what `depth` says under `prefix`, starting where `request` says: how a listing
/// is split into key ranges listed side by side.
pub async fn list_page_from(
    connection: &Connection,
    bucket: &BucketName,
    prefix: &str,
    depth: Depth,
    request: PageRequest,
) -> Result<FolderPage, BrowseError> {
    let shape = PageShape {
        within: prefix,
        prefix: depth.name_prefix(prefix),
        keep_marker: depth == Depth::TreeKeys,
    };
    let recursive = depth != Depth::OneLevel;
    fetch_page_from(connection, bucket, prefix, request, recursive, shape).await
}

/// One ListObjectsV2 request. The SDK signs, sends, retries and decodes errors; the body of a
/// successful answer is read by [`parse_list_page`], which is several times cheaper per object
/// than the SDK's general XML decoder. Names are asked for url-encoded, as botocore asks: a
/// key with a control character cannot be carried in XML otherwise.
async fn fetch_page_from(
    connection: &Connection,
    bucket: &BucketName,
    prefix: &str,
    request: PageRequest,
    recursive: bool,
    shape: PageShape<'_>,
) -> Result<FolderPage, BrowseError> {
    let endpoint = endpoint_label(connection);
    let region = connection
        .bucket_region(bucket)
        .await
        .unwrap_or_else(|_| connection.region().to_owned());
    let untrusted = |problem: String| BrowseError::Untrusted {
        place: format!("s3://{}/{}", bucket.as_str(), prefix.escape_debug()),
        page: page_label(&request),
        problem,
    };
    let mut attempt = 0;
    loop {
        attempt += 1;
        let body = TakeListingBody::default();
        connection
            .client()
            .list_objects_v2()
            .bucket(bucket.as_str())
            .prefix(prefix)
            .set_delimiter((!recursive).then(|| "/".to_owned()))
            .encoding_type(aws_sdk_s3::types::EncodingType::Url)
            .max_keys(request.max_keys)
            .set_continuation_token(request.token.clone())
            .set_start_after(request.start_after.clone())
            .customize()
            .config_override(
                aws_sdk_s3::config::Builder::default()
                    .region(aws_sdk_s3::config::Region::new(region.clone())),
            )
            .interceptor(body.clone())
            .send()
            .await
            .map_err(|e| classify(e, &endpoint, Some(bucket.as_str())))?;
        let Some(taken) = body.take() else {
            return Err(BrowseError::Other(
                "the listing's answer was lost before it could be read".into(),
            ));
        };
        if taken.length.is_some_and(|length| length > MAX_PAGE_BYTES) {
            return Err(untrusted(too_big(taken.length)));
        }
        let bytes = match read_body(taken.body, quiet_limit(connection), MAX_PAGE_BYTES).await {
            Ok(bytes) => bytes,
            Err(BodyError::Broken(_)) if attempt < BODY_ATTEMPTS => continue,
            Err(BodyError::Broken(reason)) => {
                return Err(BrowseError::Unreachable {
                    endpoint,
                    reason: format!("the listing broke off: {reason}"),
                });
            }
            Err(BodyError::Quiet(limit)) => {
                return Err(BrowseError::TimedOut(format!(
                    "the listing stopped arriving for {} s",
                    limit.as_secs_f64()
                )));
            }
            Err(BodyError::TooBig) => return Err(untrusted(too_big(None))),
        };
        let page = parse_list_page(&bytes, shape).map_err(|e| match e {
            ListXmlError::Service { code, message } => BrowseError::Service { code, message },
            other => untrusted(other.to_string()),
        })?;
        return shaped_as_asked(page, recursive).map_err(untrusted);
    }
}

/// A page as S3 answers what was asked: with a delimiter, no object name holds it past the
/// prefix (the server did not ignore it); without one, no folders.
fn shaped_as_asked(page: FolderPage, recursive: bool) -> Result<FolderPage, String> {
    if recursive && !page.folders.is_empty() {
        return Err("it names folders in a listing of every key (no delimiter was asked)".into());
    }
    if !recursive && let Some(object) = page.objects.iter().find(|o| o.name.contains('/')) {
        return Err(format!(
            "`{}` is listed as an object of the folder: the server ignored the delimiter",
            object.name.escape_debug()
        ));
    }
    Ok(page)
}

/// The most a listing page may weigh. A page of 1,000 keys of 1,024 bytes each, url-encoded
/// (three bytes a byte) with every field S3 sends beside it, is under 4 MiB.
pub const MAX_PAGE_BYTES: u64 = 32 << 20;

fn too_big(claimed: Option<u64>) -> String {
    let limit = MAX_PAGE_BYTES >> 20;
    match claimed {
        Some(length) => format!(
            "the server announced a page of {length} bytes, more than the {limit} MiB a page of 1,000 keys can take; nothing was read"
        ),
        None => format!(
            "the page went on past {limit} MiB, more than a page of 1,000 keys can take; the rest was not read"
        ),
    }
}

/// Which page a request asks for, in words: the first, or the one after a token or a key.
/// A listing that counts its pages says `page N` instead.
fn page_label(request: &PageRequest) -> String {
    let short = |text: &str| {
        let cut: String = text.chars().take(60).collect();
        let more = if cut.len() < text.len() { "…" } else { "" };
        format!("\"{}{more}\"", cut.escape_debug())
    };
    match (&request.token, &request.start_after) {
        (Some(token), _) => format!("the page after continuation token {}", short(token)),
        (None, Some(after)) => format!("the page after {}", short(after)),
        (None, None) => "page 1".to_owned(),
    }
}

/// How long a listing's body may go without a byte arriving: the connection's time for one
/// attempt. Bytes that keep moving, however slowly, are waited for, as a page on a slow link
/// takes as long as it takes.
fn quiet_limit(connection: &Connection) -> Duration {
    connection
        .client()
        .config()
        .timeout_config()
        .and_then(|t| t.operation_attempt_timeout())
        .unwrap_or(crate::s3::connection::REQUEST_TIMEOUT / 2)
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

/// Every key under `prefix`, at any depth, folder markers included: (key, size), in key
/// order. A big tree is listed in key ranges side by side (see [`crate::s3::list_fanout`]).
pub async fn list_all_keys(
    connection: &Connection,
    bucket: &BucketName,
    prefix: &str,
) -> Result<Vec<(String, u64)>, BrowseError> {
    let mut keys = Vec::new();
    let depth = Depth::TreeKeys;
    crate::s3::list_fanout::list_tree_fanned(connection, bucket, prefix, depth, |page, _| {
        keys.extend(
            page.objects
                .into_iter()
                .map(|o| (String::from(o.name), o.size)),
        );
        true
    })
    .await?;
    Ok(keys)
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
