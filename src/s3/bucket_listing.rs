//! What a bucket holds, listed for "empty and delete": every object version and delete
//! marker (ListObjectVersions; on a server without versions, its objects) and every unfinished
//! multipart upload (ListMultipartUploads), page by page, names asked url-encoded. A page that
//! is not a listing, or is cut without its markers, is an error: a bucket is never "empty" on
//! the word of an answer that cannot be believed.

use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::types::EncodingType;

use super::connection::Connection;
use super::list::{Depth, PageRequest};
use super::transfer::{TransferError, remote};
use crate::model::BucketName;

/// Why a bucket could not be made, emptied or deleted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BucketError {
    #[error("bucket `{0}` exists already")]
    Exists(String),
    #[error("bucket `{0}` does not exist")]
    NoSuchBucket(String),
    #[error("bucket `{bucket}` is not empty: it holds {what}")]
    NotEmpty { bucket: String, what: String },
    /// An answer with a success status that is not what was asked for (an HTML page, an empty
    /// body, a listing cut without its markers): nothing in it is believed, and a bucket is
    /// never called empty on its word.
    #[error("the server's answer to {request} cannot be trusted: {problem}")]
    Untrusted {
        request: &'static str,
        problem: String,
    },
    #[error("stopped: {0}")]
    Cancelled(String),
    /// Some versions or uploads could not be removed; the bucket was left.
    #[error("{failed} could not be removed, so the bucket was kept (first: {first})")]
    Incomplete { failed: String, first: String },
    #[error(transparent)]
    Request(#[from] TransferError),
}

/// One version or delete marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Entry {
    pub(super) key: String,
    /// `None` on a server without versions (its objects are deleted by key).
    pub(super) version_id: Option<String>,
    pub(super) marker: bool,
}

/// An error answer as the person should read it: a success status whose body the SDK could not
/// read as the answer asked for is a lie, not a refusal.
pub(super) fn untrusted_or_remote<E>(
    request: &'static str,
    e: &SdkError<E, aws_sdk_s3::config::http::HttpResponse>,
) -> BucketError
where
    E: std::error::Error + ProvideErrorMetadata + 'static,
{
    match e.raw_response() {
        Some(raw) if raw.status().is_success() => BucketError::Untrusted {
            request,
            problem: format!(
                "HTTP {} with a body that is not one ({})",
                raw.status().as_u16(),
                crate::fmt::error_text(e)
            ),
        },
        _ => refused(e),
    }
}

/// A server's "no" in a few words: its code and message, or what went wrong on the way.
pub(crate) fn refusal_text<E: ProvideErrorMetadata + std::error::Error + 'static>(
    e: &SdkError<E, aws_sdk_s3::config::http::HttpResponse>,
) -> String {
    match (e.code(), e.message()) {
        (Some(code), Some(message)) => format!("{code}: {message}"),
        (Some(code), None) => code.to_owned(),
        _ => crate::fmt::error_text(e),
    }
}

/// An error answer as a [`BucketError`]: the server's code and message when it gave them
/// ("S3 refused: NotImplemented: PutBucketVersioning is not implemented yet"), else what
/// went wrong on the way (a timeout, the network, a request to slow down).
pub(crate) fn refused<E: ProvideErrorMetadata + std::error::Error + 'static>(
    e: &SdkError<E, aws_sdk_s3::config::http::HttpResponse>,
) -> BucketError {
    match remote(e) {
        TransferError::Remote(_) if e.code().is_some() => {
            BucketError::Request(TransferError::Remote(refusal_text(e)))
        }
        other => BucketError::Request(other),
    }
}

/// Whether an error says the server does not have the operation at all.
fn not_implemented<E: ProvideErrorMetadata>(
    e: &SdkError<E, aws_sdk_s3::config::http::HttpResponse>,
) -> bool {
    e.code() == Some("NotImplemented") || e.raw_response().map(|r| r.status().as_u16()) == Some(501)
}

/// A name from a listing asked for `encoding-type=url`, decoded when the answer says it is.
fn listed_name(
    name: &str,
    url_encoded: bool,
    request: &'static str,
) -> Result<String, BucketError> {
    match url_encoded {
        false => Ok(name.to_owned()),
        true => crate::s3::list::url_decode(name)
            .map(|n| n.into_owned())
            .map_err(|e| BucketError::Untrusted {
                request,
                problem: e.to_string(),
            }),
    }
}

/// A page asked from key marker `K` lists keys from `K` on (the rest of `K`'s versions or
/// uploads, then later keys, in byte order): a key before it means the listing went round,
/// and what it counts would be counted twice.
fn after_marker(
    after: &Option<(String, Option<String>)>,
    key: &str,
    request: &'static str,
) -> Result<(), BucketError> {
    match after {
        Some((marker, _)) if key < marker.as_str() => Err(BucketError::Untrusted {
            request,
            problem: format!(
                "the page asked from {marker:?} lists {key:?}, before the marker: the listing \
                 went round"
            ),
        }),
        _ => Ok(()),
    }
}

/// Where a page leaves a walk: `None` when it was the last, else the key (decoded) and the
/// version or upload id to ask from next — refused when a page that says more follow gives no
/// key, or hands out markers given before (the same pages would be listed for ever).
fn next_markers(
    truncated: Option<bool>,
    (next_key, next_id): (Option<&str>, Option<&str>),
    encoded: bool,
    request: &'static str,
    seen: &mut std::collections::HashSet<(String, Option<String>)>,
) -> Result<Option<(String, Option<String>)>, BucketError> {
    if truncated != Some(true) {
        return Ok(None);
    }
    let Some(next_key) = next_key.filter(|k| !k.is_empty()) else {
        return Err(BucketError::Untrusted {
            request,
            problem: "the page says more follow but gives no marker to ask from".into(),
        });
    };
    let next = (
        listed_name(next_key, encoded, request)?,
        next_id.map(str::to_owned),
    );
    if !seen.insert(next.clone()) {
        return Err(BucketError::Untrusted {
            request,
            problem: format!("the marker {:?} came back a second time", next.0),
        });
    }
    Ok(Some(next))
}

/// ListObjectVersions page by page; on a server without it, its objects by ListObjectsV2
/// (Pail's own strict listing), which are then deleted by key.
pub(super) struct VersionWalk<'a> {
    bucket: &'a BucketName,
    /// The key and version id the next page starts after.
    after: Option<(String, Option<String>)>,
    /// The server has no ListObjectVersions: its objects, by continuation token.
    objects_only: Option<Option<String>>,
    done: bool,
    seen: std::collections::HashSet<(String, Option<String>)>,
}

impl<'a> VersionWalk<'a> {
    pub(super) fn new(bucket: &'a BucketName) -> Self {
        Self {
            bucket,
            after: None,
            objects_only: None,
            done: false,
            seen: Default::default(),
        }
    }

    pub(super) fn versions_listed(&self) -> bool {
        self.objects_only.is_none()
    }

    pub(super) async fn next_page(
        &mut self,
        connection: &Connection,
    ) -> Result<Option<Vec<Entry>>, BucketError> {
        if self.done {
            return Ok(None);
        }
        if let Some(token) = self.objects_only.clone() {
            return self.next_objects(connection, token).await.map(Some);
        }
        const REQUEST: &str = "ListObjectVersions";
        let (key_marker, version_marker) = self.after.clone().unzip();
        let answer = connection
            .client()
            .list_object_versions()
            .bucket(self.bucket.as_str())
            .encoding_type(EncodingType::Url)
            .set_key_marker(key_marker)
            .set_version_id_marker(version_marker.flatten())
            .send()
            .await;
        let page = match answer {
            Ok(page) => page,
            Err(e) if not_implemented(&e) => {
                self.objects_only = Some(None);
                return self.next_objects(connection, None).await.map(Some);
            }
            Err(e) if e.code() == Some("NoSuchBucket") => {
                return Err(BucketError::NoSuchBucket(self.bucket.to_string()));
            }
            Err(e) => return Err(untrusted_or_remote(REQUEST, &e)),
        };
        let encoded = page.encoding_type() == Some(&EncodingType::Url);
        let mut entries = Vec::new();
        let versions = page
            .versions()
            .iter()
            .map(|v| (v.key(), v.version_id(), false));
        let markers = page
            .delete_markers()
            .iter()
            .map(|m| (m.key(), m.version_id(), true));
        for (key, version_id, marker) in versions.chain(markers) {
            let key = key.ok_or(BucketError::Untrusted {
                request: REQUEST,
                problem: "a version without a key".into(),
            })?;
            let key = listed_name(key, encoded, REQUEST)?;
            after_marker(&self.after, &key, REQUEST)?;
            entries.push(Entry {
                key,
                version_id: version_id.map(str::to_owned),
                marker,
            });
        }
        let next = (page.next_key_marker(), page.next_version_id_marker());
        match next_markers(page.is_truncated(), next, encoded, REQUEST, &mut self.seen)? {
            Some(next) => self.after = Some(next),
            None => self.done = true,
        }
        Ok(Some(entries))
    }

    async fn next_objects(
        &mut self,
        connection: &Connection,
        token: Option<String>,
    ) -> Result<Vec<Entry>, BucketError> {
        let request = PageRequest {
            token,
            start_after: None,
            max_keys: 1000,
        };
        let page =
            crate::s3::list::list_page_from(connection, self.bucket, "", Depth::TreeKeys, request)
                .await
                .map_err(|e| match e {
                    crate::s3::list::BrowseError::NoSuchBucket(b) => BucketError::NoSuchBucket(b),
                    other => BucketError::Untrusted {
                        request: "ListObjectsV2",
                        problem: other.to_string(),
                    },
                })?;
        match &page.next_token {
            Some(token) => self.objects_only = Some(Some(token.clone())),
            None => self.done = true,
        }
        Ok(page
            .objects
            .into_iter()
            .map(|o| Entry {
                key: o.name.into(),
                version_id: None,
                marker: false,
            })
            .chain(page.folders.into_iter().map(|f| Entry {
                key: f.into(),
                version_id: None,
                marker: false,
            }))
            .collect())
    }
}

/// An unfinished multipart upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Upload {
    pub(super) key: String,
    pub(super) upload_id: String,
}

/// ListMultipartUploads page by page; nothing on a server without it.
pub(super) struct UploadWalk<'a> {
    bucket: &'a BucketName,
    after: Option<(String, Option<String>)>,
    listed: bool,
    done: bool,
    seen: std::collections::HashSet<(String, Option<String>)>,
}

impl<'a> UploadWalk<'a> {
    pub(super) fn new(bucket: &'a BucketName) -> Self {
        Self {
            bucket,
            after: None,
            listed: true,
            done: false,
            seen: Default::default(),
        }
    }

    pub(super) fn listed(&self) -> bool {
        self.listed
    }

    pub(super) async fn next_page(
        &mut self,
        connection: &Connection,
    ) -> Result<Option<Vec<Upload>>, BucketError> {
        const REQUEST: &str = "ListMultipartUploads";
        if self.done {
            return Ok(None);
        }
        let (key_marker, upload_marker) = self.after.clone().unzip();
        let answer = connection
            .client()
            .list_multipart_uploads()
            .bucket(self.bucket.as_str())
            .encoding_type(EncodingType::Url)
            .set_key_marker(key_marker)
            .set_upload_id_marker(upload_marker.flatten())
            .send()
            .await;
        let page = match answer {
            Ok(page) => page,
            Err(e) if not_implemented(&e) => {
                self.listed = false;
                self.done = true;
                return Ok(None);
            }
            Err(e) => return Err(untrusted_or_remote(REQUEST, &e)),
        };
        let encoded = page.encoding_type() == Some(&EncodingType::Url);
        let mut uploads = Vec::new();
        for upload in page.uploads() {
            let (Some(key), Some(upload_id)) = (upload.key(), upload.upload_id()) else {
                return Err(BucketError::Untrusted {
                    request: REQUEST,
                    problem: "an upload without its key or id".into(),
                });
            };
            let key = listed_name(key, encoded, REQUEST)?;
            after_marker(&self.after, &key, REQUEST)?;
            uploads.push(Upload {
                key,
                upload_id: upload_id.to_owned(),
            });
        }
        let next = (page.next_key_marker(), page.next_upload_id_marker());
        match next_markers(page.is_truncated(), next, encoded, REQUEST, &mut self.seen)? {
            Some(next) => self.after = Some(next),
            None => self.done = true,
        }
        Ok(Some(uploads))
    }
}
