//! A versioned bucket's older copies: one folder's versions and delete markers
//! (ListObjectVersions, every page, believed only when it can be), the bucket's versioning
//! state, and what a person does with one version — download it, restore it on top, undelete
//! (remove the delete marker that hides the object), or delete it for good.
//!
//! The SDK decodes these pages; what it cannot know is checked here, as `list/` checks its own
//! pages: keys outside the prefix, a delimiter ignored, markers that do not move on, a body
//! past any real page's size. Any of those is an error naming the page, never a short list.

use std::collections::HashSet;

use aws_sdk_s3::error::SdkError;
use aws_sdk_s3::types::EncodingType;

use super::connection::Connection;
use super::download::{Landing, download_version_below};
use super::head::{claimed_size, head_version};
use super::list::{BoundAnswer, BrowseError, MAX_PAGE_BYTES, classify, endpoint_label, url_decode};
use super::transfer::{
    NewUpload, TransferControl, TransferError, finish_multipart, remote, server_copy_config,
    start_multipart,
};
use super::version_answers::{gone_or_remote, served_as_asked};
use crate::model::{BucketName, ObjectKey};

/// One version of an object, or one of its delete markers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectVersion {
    /// The full key.
    pub key: String,
    /// As the server gave it; `null` for what was written before versioning was turned on.
    pub version_id: String,
    /// Seconds since the Unix epoch.
    pub last_modified: i64,
    /// 0 for a delete marker.
    pub size: u64,
    /// The version a plain GET serves (or, for a delete marker, the one that hides the key).
    pub is_latest: bool,
    pub delete_marker: bool,
    pub etag: Option<String>,
}

/// One folder's versions: its sub-folders, and each key's versions and delete markers
/// together, keys in order, each key's newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FolderVersions {
    /// Full prefixes, each ending in `/`.
    pub folders: Vec<String>,
    pub versions: Vec<ObjectVersion>,
}

/// Whether a bucket keeps versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersioningState {
    /// Every write keeps the copy it replaces.
    Enabled,
    /// Versioning was on once; the versions made then are kept, new writes replace `null`.
    Suspended,
    /// Never turned on: each key has one copy.
    Never,
}

impl VersioningState {
    /// In words, for the pane and `pail ls --versions`.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Enabled => "versioning on",
            Self::Suspended => "versioning suspended (older versions kept)",
            Self::Never => "versioning never turned on",
        }
    }
}

/// The most pages one listing follows: 100 million versions. A server handing out markers
/// for ever is stopped here, saying so.
const MAX_PAGES: usize = 100_000;

/// Every version and delete marker directly in the folder `prefix` (a `/` delimiter), all
/// pages followed with the key and version-id markers.
pub async fn list_folder_versions(
    connection: &Connection,
    bucket: &BucketName,
    prefix: &str,
) -> Result<FolderVersions, BrowseError> {
    let mut all = FolderVersions::default();
    list_versions(connection, bucket, prefix, Scope::Folder, &mut all).await?;
    Ok(all)
}

/// The versions of exactly `key`, newest first.
pub async fn key_versions(
    connection: &Connection,
    bucket: &BucketName,
    key: &ObjectKey,
) -> Result<Vec<ObjectVersion>, BrowseError> {
    let mut all = FolderVersions::default();
    list_versions(connection, bucket, key.as_str(), Scope::Key, &mut all).await?;
    Ok(all.versions)
}

/// What a versions listing is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// One folder level, with the `/` delimiter.
    Folder,
    /// One key: the prefix is the key, no delimiter, and the listing stops past it.
    Key,
}

async fn list_versions(
    connection: &Connection,
    bucket: &BucketName,
    prefix: &str,
    scope: Scope,
    all: &mut FolderVersions,
) -> Result<(), BrowseError> {
    let endpoint = endpoint_label(connection);
    let region = connection
        .bucket_region(bucket)
        .await
        .unwrap_or_else(|_| connection.region().to_owned());
    let mut markers: Option<(String, Option<String>)> = None;
    let mut seen: HashSet<(String, Option<String>)> = HashSet::new();
    // Every (key, version id) listed so far: a page that hands back rows already given would
    // show each version twice, as if there were more.
    let mut listed: HashSet<(String, String)> = HashSet::new();
    for page in 1..=MAX_PAGES {
        let untrusted = |problem: String| BrowseError::Untrusted {
            place: format!(
                "the versions of s3://{}/{}",
                bucket.as_str(),
                prefix.escape_debug()
            ),
            page: format!("page {page}"),
            problem,
        };
        let (key_marker, version_marker) = markers.clone().unzip();
        let output = connection
            .client()
            .list_object_versions()
            .bucket(bucket.as_str())
            .prefix(prefix)
            .set_delimiter((scope == Scope::Folder).then(|| "/".to_owned()))
            .encoding_type(EncodingType::Url)
            .set_key_marker(key_marker)
            .set_version_id_marker(version_marker.flatten())
            .customize()
            .config_override(
                aws_sdk_s3::config::Builder::default()
                    .region(aws_sdk_s3::config::Region::new(region.clone()))
                    .interceptor(BoundAnswer {
                        limit: MAX_PAGE_BYTES,
                        what: "versions page",
                    }),
            )
            .send()
            .await
            .map_err(|e| {
                // A "successful" answer the SDK could not read as a versions listing: an
                // HTML login page, an empty body, a cut page, one past the bound.
                let success = e.raw_response().is_some_and(|r| r.status().is_success());
                if success || matches!(e, SdkError::ResponseError(_)) {
                    untrusted(crate::fmt::error_text(&e))
                } else {
                    classify(e, &endpoint, Some(bucket.as_str()))
                }
            })?;
        let encoded = output.encoding_type() == Some(&EncodingType::Url);
        let name = |text: &str| -> Result<String, BrowseError> {
            if encoded {
                url_decode(text)
                    .map(|t| t.into_owned())
                    .map_err(|e| untrusted(e.to_string()))
            } else {
                Ok(text.to_owned())
            }
        };
        let mut rows = Vec::new();
        for v in output.versions() {
            rows.push(ObjectVersion {
                key: name(v.key().unwrap_or_default())?,
                version_id: v.version_id().unwrap_or("null").to_owned(),
                last_modified: v.last_modified().map(|t| t.secs()).unwrap_or(0),
                size: u64::try_from(v.size().unwrap_or(0))
                    .map_err(|_| untrusted("a version's size is negative".into()))?,
                is_latest: v.is_latest().unwrap_or(false),
                delete_marker: false,
                etag: v.e_tag().map(str::to_owned),
            });
        }
        for m in output.delete_markers() {
            rows.push(ObjectVersion {
                key: name(m.key().unwrap_or_default())?,
                version_id: m.version_id().unwrap_or("null").to_owned(),
                last_modified: m.last_modified().map(|t| t.secs()).unwrap_or(0),
                size: 0,
                is_latest: m.is_latest().unwrap_or(false),
                delete_marker: true,
                etag: None,
            });
        }
        let mut folders = Vec::new();
        for p in output.common_prefixes() {
            folders.push(name(p.prefix().unwrap_or_default())?);
        }
        check_shape(&rows, &folders, prefix, scope).map_err(untrusted)?;
        check_new(
            &rows,
            markers.as_ref().map(|(k, _)| k.as_str()),
            &mut listed,
        )
        .map_err(untrusted)?;
        let past_key = scope == Scope::Key && rows.iter().any(|r| r.key.as_str() > prefix);
        rows.retain(|r| scope == Scope::Folder || r.key == prefix);
        all.versions.extend(rows);
        all.folders.extend(folders);
        if !output.is_truncated().unwrap_or(false) || past_key {
            group_by_key(&mut all.versions);
            all.folders.sort();
            all.folders.dedup();
            return Ok(());
        }
        let Some(next_key) = output.next_key_marker().filter(|k| !k.is_empty()) else {
            return Err(untrusted(
                "it says more follows and gives no key marker to ask for it".into(),
            ));
        };
        let next = (
            name(next_key)?,
            output.next_version_id_marker().map(str::to_owned),
        );
        let backwards = markers.as_ref().is_some_and(|(k, _)| next.0 < *k);
        if backwards || !seen.insert(next.clone()) {
            return Err(untrusted(format!(
                "it sends the listing back to {:?}, where it has been; stopped so it would not go round for ever",
                next.0
            )));
        }
        markers = Some(next);
    }
    Err(BrowseError::Other(format!(
        "the versions of s3://{}/{} went on past {MAX_PAGES} pages; stopped",
        bucket.as_str(),
        prefix.escape_debug()
    )))
}

/// A page as S3 answers what was asked: every name inside the prefix, and with a delimiter
/// no version's key goes on past a `/` below the prefix.
fn check_shape(
    rows: &[ObjectVersion],
    folders: &[String],
    prefix: &str,
    scope: Scope,
) -> Result<(), String> {
    let outside: Vec<&str> = rows
        .iter()
        .map(|r| r.key.as_str())
        .chain(folders.iter().map(String::as_str))
        .filter(|k| !k.starts_with(prefix))
        .collect();
    if let Some(first) = outside.first() {
        return Err(format!(
            "{} names outside the prefix \"{}\" asked for, such as {:?}",
            outside.len(),
            prefix.escape_debug(),
            first
        ));
    }
    if scope == Scope::Folder
        && let Some(row) = rows.iter().find(|r| r.key[prefix.len()..].contains('/'))
    {
        return Err(format!(
            "{:?} is listed as a version in the folder: the server ignored the delimiter",
            row.key
        ));
    }
    if rows.iter().any(|r| r.version_id.is_empty()) {
        return Err("a version has an empty version id".into());
    }
    Ok(())
}

/// A later page goes on from its key marker: no row before it, none listed before.
fn check_new(
    rows: &[ObjectVersion],
    key_marker: Option<&str>,
    listed: &mut HashSet<(String, String)>,
) -> Result<(), String> {
    if let Some(marker) = key_marker
        && let Some(row) = rows.iter().find(|r| r.key.as_str() < marker)
    {
        return Err(format!(
            "it lists {:?}, before the key marker {:?} it was asked to go on from",
            row.key, marker
        ));
    }
    for row in rows {
        if !listed.insert((row.key.clone(), row.version_id.clone())) {
            return Err(format!(
                "it lists version {:?} of {:?} twice",
                row.version_id, row.key
            ));
        }
    }
    Ok(())
}

/// Each key's versions and delete markers together, keys in order, the latest first and the
/// rest newest first (the SDK gives versions and markers as two lists).
fn group_by_key(versions: &mut [ObjectVersion]) {
    versions.sort_by(|a, b| {
        a.key
            .cmp(&b.key)
            .then(b.is_latest.cmp(&a.is_latest))
            .then(b.last_modified.cmp(&a.last_modified))
    });
}

/// Whether `bucket` keeps versions (GetBucketVersioning).
pub async fn versioning_state(
    connection: &Connection,
    bucket: &BucketName,
) -> Result<VersioningState, TransferError> {
    let status = match connection
        .client()
        .get_bucket_versioning()
        .bucket(bucket.as_str())
        .send()
        .await
    {
        Ok(output) => output.status().map(|s| s.as_str().to_owned()),
        Err(e) => match e.raw_response().filter(|r| r.status().is_success()) {
            // The SDK wants the root `VersioningConfiguration`; moto's server names it
            // `GetBucketVersioningResponse` (botocore reads either).
            Some(answer) => status_in(answer.body().bytes().unwrap_or_default())
                .map_err(TransferError::BadAnswer)?,
            None => return Err(remote(&e)),
        },
    };
    match status.as_deref() {
        Some("Enabled") => Ok(VersioningState::Enabled),
        Some("Suspended") => Ok(VersioningState::Suspended),
        None | Some("") => Ok(VersioningState::Never),
        Some(other) => Err(TransferError::BadAnswer(format!(
            "the bucket's versioning is {:?}, which S3 does not define",
            other.escape_debug().to_string()
        ))),
    }
}

/// The `Status` of a GetBucketVersioning answer whose root is `VersioningConfiguration` or
/// `GetBucketVersioningResponse`; anything else (an HTML page) is refused.
pub(crate) fn status_in(body: &[u8]) -> Result<Option<String>, String> {
    let text = std::str::from_utf8(body).map_err(|_| "the versioning answer is not text")?;
    let (mut depth, mut root, mut in_status, mut status) = (0usize, None, false, None);
    for token in xmlparser::Tokenizer::from(text) {
        let refused = |e: xmlparser::Error| format!("the versioning answer is not XML ({e})");
        match token.map_err(refused)? {
            xmlparser::Token::ElementStart { local, .. } => {
                depth += 1;
                if depth == 1 {
                    if root.is_some() {
                        return Err("the versioning answer holds two documents".into());
                    }
                    root = Some(local.as_str().to_owned());
                }
                in_status = depth == 2 && local.as_str() == "Status";
            }
            xmlparser::Token::ElementEnd { end, .. }
                if !matches!(end, xmlparser::ElementEnd::Open) =>
            {
                depth = depth.saturating_sub(1);
                in_status = false;
            }
            xmlparser::Token::Text { text } if in_status => {
                status = Some(text.as_str().trim().to_owned());
            }
            _ => {}
        }
    }
    // A body cut short (an open root) is no answer: read as "never", it would hide versions.
    if depth != 0 {
        return Err("the versioning answer ends before its document does".into());
    }
    match root.as_deref() {
        Some("VersioningConfiguration" | "GetBucketVersioningResponse") => Ok(status),
        Some(other) => Err(format!(
            "the versioning answer is a `{}` document, not a versioning configuration",
            other.escape_debug()
        )),
        None => Err("the versioning answer is empty".into()),
    }
}

/// Downloads one version of `key` to `target`, replacing a file there (as `cp` does; nothing
/// appears there unless it all arrived).
pub async fn download_version(
    connection: &Connection,
    object: (&BucketName, &ObjectKey, &str),
    target: &std::path::Path,
    control: &TransferControl,
) -> Result<u64, TransferError> {
    download_version_to(connection, object, target, control, true).await
}

/// [`download_version`] that never replaces a file: one already at `target` (or put there
/// while it downloads) stays as it is, and the download fails saying so. For a folder the
/// person picked, where a file of the key's name is theirs, not an older copy of this one.
pub async fn download_version_keeping(
    connection: &Connection,
    object: (&BucketName, &ObjectKey, &str),
    target: &std::path::Path,
    control: &TransferControl,
) -> Result<u64, TransferError> {
    if target.symlink_metadata().is_ok() {
        return Err(TransferError::Local {
            path: target.display().to_string(),
            reason: "a file of that name is already there; it was left as it is (choose another folder, or move that file first)".into(),
        });
    }
    download_version_to(connection, object, target, control, false).await
}

async fn download_version_to(
    connection: &Connection,
    (bucket, key, version_id): (&BucketName, &ObjectKey, &str),
    target: &std::path::Path,
    control: &TransferControl,
    replace: bool,
) -> Result<u64, TransferError> {
    let (Some(folder), Some(name)) = (target.parent(), target.file_name()) else {
        return Err(TransferError::Local {
            path: target.display().to_string(),
            reason: "not a file name".into(),
        });
    };
    if version_id.is_empty() {
        return Err(TransferError::InvalidName("an empty version id".into()));
    }
    // Asked first, so a delete marker's id or one that is not there is told as such, not as
    // the bare status a GET of it answers.
    let head = head_version(connection, bucket, key, Some(version_id))
        .await
        .map_err(|e| gone_or_remote(&e, key, version_id))?;
    served_as_asked(head.version_id(), key, version_id)?;
    let name = name.to_string_lossy().into_owned();
    let landing = Landing {
        root: folder,
        relative: &name,
        replace,
        listed_size: None,
        head: None,
    };
    let object = (bucket, key, version_id);
    download_version_below(connection, object, landing, control, None).await
}

/// S3's limit for a single CopyObject.
const MAX_SINGLE_COPY: u64 = super::objects::MAX_SINGLE_COPY;

/// Restores one version: copies it on top of `key` as the new latest (part by part above
/// 5 GiB). The older versions stay. The new version's id, when the server gives one.
pub async fn restore_version(
    connection: &Connection,
    (bucket, key, version_id): (&BucketName, &ObjectKey, &str),
    control: &TransferControl,
) -> Result<Option<String>, TransferError> {
    restore_with_limit(
        connection,
        (bucket, key, version_id),
        control,
        MAX_SINGLE_COPY,
    )
    .await
}

/// [`restore_version`], part by part above `single_copy_limit` bytes.
pub async fn restore_with_limit(
    connection: &Connection,
    (bucket, key, version_id): (&BucketName, &ObjectKey, &str),
    control: &TransferControl,
    single_copy_limit: u64,
) -> Result<Option<String>, TransferError> {
    let head = head_version(connection, bucket, key, Some(version_id))
        .await
        .map_err(|e| gone_or_remote(&e, key, version_id))?;
    served_as_asked(head.version_id(), key, version_id)?;
    let size = claimed_size(key, &head)?;
    let source = format!(
        "{}?versionId={}",
        super::objects::copy_source(bucket, key),
        percent_encoding::utf8_percent_encode(version_id, percent_encoding::NON_ALPHANUMERIC)
    );
    control.check()?;
    if size <= single_copy_limit {
        let output = connection
            .client()
            .copy_object()
            .bucket(bucket.as_str())
            .key(key.as_str())
            .copy_source(&source)
            .customize()
            .config_override(server_copy_config(connection.stall_timeout()))
            .send()
            .await
            .map_err(|e| remote(&e))?;
        control.add(size);
        return Ok(output.version_id().map(str::to_owned));
    }
    let upload_id = start_multipart(connection, bucket, key, NewUpload::CopyOf(&head)).await?;
    let parts = super::objects::copy_parts(
        connection,
        (bucket, key),
        (&source, None),
        size,
        &upload_id,
        control,
    );
    finish_multipart(connection, (bucket, key, true), &upload_id, None, parts).await?;
    Ok(None)
}

/// Undeletes `key`: removes the delete marker that is its latest version, so the version
/// under it is served again. Refused when the latest version is not a delete marker. The
/// marker's id.
pub async fn undelete(
    connection: &Connection,
    bucket: &BucketName,
    key: &ObjectKey,
) -> Result<String, TransferError> {
    let versions = key_versions(connection, bucket, key)
        .await
        .map_err(|e| TransferError::Remote(e.to_string()))?;
    let Some(latest) = versions.iter().find(|v| v.is_latest) else {
        return Err(TransferError::Remote(format!(
            "`{key}` has no versions left to undelete"
        )));
    };
    if !latest.delete_marker {
        return Err(TransferError::InvalidName(format!(
            "`{key}` is not deleted: its latest version is {}, not a delete marker",
            latest.version_id
        )));
    }
    delete_version(connection, bucket, key, &latest.version_id).await?;
    Ok(latest.version_id.clone())
}

/// Deletes one version (or delete marker) of `key` for good (DeleteObject with its id).
pub async fn delete_version(
    connection: &Connection,
    bucket: &BucketName,
    key: &ObjectKey,
    version_id: &str,
) -> Result<(), TransferError> {
    if version_id.is_empty() {
        return Err(TransferError::InvalidName("an empty version id".into()));
    }
    connection
        .client()
        .delete_object()
        .bucket(bucket.as_str())
        .key(key.as_str())
        .version_id(version_id)
        .send()
        .await
        .map_err(|e| remote(&e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(key: &str, id: &str, at: i64, latest: bool, marker: bool) -> ObjectVersion {
        ObjectVersion {
            key: key.into(),
            version_id: id.into(),
            last_modified: at,
            size: 1,
            is_latest: latest,
            delete_marker: marker,
            etag: None,
        }
    }

    #[test]
    fn versions_and_markers_are_grouped_under_their_key_latest_first() {
        let mut rows = vec![
            row("b", "b1", 10, false, false),
            row("a", "a1", 5, false, false),
            row("b", "b2", 30, true, false),
            row("a", "m", 20, true, true),
            row("a", "a2", 10, false, false),
        ];
        group_by_key(&mut rows);
        let ids: Vec<&str> = rows.iter().map(|r| r.version_id.as_str()).collect();
        assert_eq!(ids, ["m", "a2", "a1", "b2", "b1"]);
    }

    #[test]
    fn a_page_with_keys_outside_the_prefix_or_below_the_folder_is_refused() {
        let outside = [row("other/x", "1", 0, true, false)];
        let error = check_shape(&outside, &[], "docs/", Scope::Folder).unwrap_err();
        assert!(error.contains("outside the prefix"), "{error}");
        let deeper = [row("docs/a/b", "1", 0, true, false)];
        let error = check_shape(&deeper, &[], "docs/", Scope::Folder).unwrap_err();
        assert!(error.contains("ignored the delimiter"), "{error}");
        assert!(check_shape(&deeper, &[], "docs/", Scope::Key).is_ok());
        let folder = ["elsewhere/".to_owned()];
        assert!(check_shape(&[], &folder, "docs/", Scope::Folder).is_err());
    }

    #[test]
    fn the_versioning_status_is_read_from_either_root_and_nothing_else() {
        let s3 = br#"<?xml version="1.0"?><VersioningConfiguration xmlns="x"><Status>Enabled</Status></VersioningConfiguration>"#;
        assert_eq!(status_in(s3).unwrap().as_deref(), Some("Enabled"));
        let moto = b"<GetBucketVersioningResponse><Status>Suspended</Status></GetBucketVersioningResponse>";
        assert_eq!(status_in(moto).unwrap().as_deref(), Some("Suspended"));
        assert_eq!(status_in(b"<VersioningConfiguration/>").unwrap(), None);
        assert!(status_in(b"<html><Status>Enabled</Status></html>").is_err());
        assert!(status_in(b"").is_err());
        assert!(status_in(b"Please log in").is_err());
    }
}
