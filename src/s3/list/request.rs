//! One listing request: the bucket list, or one page of a folder or a tree (ListObjectsV2, its
//! body read by `xml.rs`), with SDK failures turned into messages a person can act on.

use std::time::Duration;

use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};

use super::body::{BodyError, TakeListingBody, read_body};
use super::types::{BrowseError, BucketEntry, Depth, FolderPage, PageRequest, TokenGuard};
use super::xml::{ListXmlError, PageShape, parse_list_page};
use crate::fmt::error_text;
use crate::model::BucketName;
use crate::s3::connection::Connection;

/// Classifies an SDK failure.
pub(crate) fn classify<E>(error: SdkError<E>, endpoint: &str, bucket: Option<&str>) -> BrowseError
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
                // The bucket list is the endpoint's own URL: a 404 there that is no S3 answer
                // comes from a front (a reverse proxy) with nothing at that path.
                _ if status == 404 && code.is_empty() && bucket.is_none() && has_path(endpoint) => {
                    BrowseError::Service {
                        code,
                        message: format!(
                            "{endpoint} answered 404, and not as S3 does: is the S3 server \
                             mounted at that path?"
                        ),
                    }
                }
                _ if status == 404 && bucket.is_some() => {
                    BrowseError::NoSuchBucket(bucket.unwrap_or_default().to_owned())
                }
                _ => BrowseError::Service { code, message },
            }
        }
        _ => BrowseError::Other(error_text(&error)),
    }
}

/// Whether an endpoint's name (`http://host/storage/s3`) has a path after its host.
fn has_path(endpoint: &str) -> bool {
    endpoint
        .split_once("://")
        .is_some_and(|(_, rest)| rest.contains('/'))
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

pub(crate) fn endpoint_label(connection: &Connection) -> String {
    connection
        .endpoint()
        .name()
        .unwrap_or_else(|| format!("S3 in {}", connection.region()))
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
pub(crate) const MAX_PAGE_BYTES: u64 = 32 << 20;

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
