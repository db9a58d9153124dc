//! A folder shared as one link: every object under it listed and signed, an index page of
//! those links uploaded to `.pail-shares/<id>/index.html`, and a link to the page signed with
//! the same expiry at the same moment, so no link inside outlives the page. Revoking deletes
//! the page; links already opened or copied from it live until they expire.

use std::hash::{BuildHasher, Hasher};
use std::time::SystemTime;

use aws_sdk_s3::primitives::ByteStream;

use crate::local_time::TimeZone;
use crate::model::{BucketName, ObjectKey, folder_prefix};
use crate::s3::connection::{ConnectError, Connection, RegionGuess};
use crate::s3::list::{self, BrowseError};
use crate::s3::list::{Depth, list_tree_fanned};
use crate::s3::stall::{Activity, MemoryBody};
use crate::s3::transfer::{TransferError, data_config, send_watched};
use crate::share::index_page::{SHARES_FOLDER, ShareEntry, index_html, page_key};
use crate::share::{Expiry, GetOptions, ShareError};

/// Why a folder could not be shared.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FolderShareError {
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error(transparent)]
    Browse(#[from] BrowseError),
    #[error(transparent)]
    Share(#[from] ShareError),
    #[error(transparent)]
    Transfer(#[from] TransferError),
    #[error("s3://{bucket}/{prefix} holds no objects to share")]
    Empty { bucket: String, prefix: String },
}

/// An object under the shared folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderObject {
    pub key: ObjectKey,
    pub size: u64,
    pub last_modified: i64,
}

/// A folder shared as one link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderShare {
    /// The share's id: the page is `.pail-shares/<id>/index.html`.
    pub id: String,
    /// Where the page is.
    pub page_bucket: BucketName,
    pub page_key: ObjectKey,
    /// The one link to give out.
    pub page_url: String,
    /// When the page's link, and every link on it, stops working.
    pub expires: SystemTime,
    pub entries: Vec<ShareEntry>,
    /// A bucket's region could not be found: the links are signed for the profile's.
    pub warning: Option<RegionGuess>,
}

/// Every object in the folder `prefix` (a `/` is added where it lacks one) at any depth, with
/// its size and date; folder markers and Pail's own shared pages are left out.
pub async fn folder_objects(
    connection: &Connection,
    bucket: &BucketName,
    prefix: &str,
) -> Result<Vec<FolderObject>, BrowseError> {
    let prefix = &folder_prefix(prefix);
    let mut objects = Vec::new();
    // A key no request can name (over S3's 1,024 bytes): the share is refused rather than
    // made without it.
    let mut unnamable: Option<(String, String)> = None;
    // A big tree is listed in key ranges side by side; pages still come in key order.
    let keep = |page: list::FolderPage, _done| {
        for entry in page.objects {
            let key = format!("{prefix}{}", entry.name);
            if key.ends_with('/') || key.starts_with(SHARES_FOLDER) {
                continue;
            }
            match ObjectKey::new(key.clone()) {
                Ok(key) => objects.push(FolderObject {
                    key,
                    size: entry.size,
                    last_modified: entry.last_modified,
                }),
                Err(e) => {
                    unnamable.get_or_insert((key, e.to_string()));
                }
            }
        }
        true
    };
    list_tree_fanned(connection, bucket, prefix, Depth::Tree, keep).await?;
    if let Some((key, reason)) = unnamable {
        return Err(BrowseError::Untrusted {
            place: format!("s3://{}/{}", bucket.as_str(), prefix.escape_debug()),
            page: "a page of it".into(),
            problem: format!(
                "it lists `{}`, which is no key: {reason}",
                key.escape_debug()
            ),
        });
    }
    Ok(objects)
}

/// Signs a link for each of `objects` (all expiring together), as the CSV and JSON forms
/// give them out.
pub async fn sign_objects(
    connection: &Connection,
    bucket: &BucketName,
    prefix: &str,
    objects: &[FolderObject],
    expiry: Expiry,
    now: SystemTime,
) -> Result<(Vec<ShareEntry>, Option<RegionGuess>), FolderShareError> {
    let prefix = &folder_prefix(prefix);
    let signer = connection.signer_for(bucket).await?;
    let bulk = crate::share::BulkSigner::new(&signer.signer, bucket, None, expiry, now).await?;
    let mut entries = Vec::with_capacity(objects.len());
    for object in objects {
        let link = bulk.get(&object.key, &GetOptions::default())?;
        let key = object.key.as_str();
        entries.push(ShareEntry {
            key: key.to_owned(),
            name: key.strip_prefix(prefix).unwrap_or(key).to_owned(),
            size: object.size,
            last_modified: object.last_modified,
            url: link.url,
            expires: link.effective_expiry.at,
        });
    }
    Ok((entries, signer.warning))
}

/// Shares `objects` of `prefix` in `bucket` as one page in `page_bucket`, everything expiring
/// by `expiry` counted from `now`; times on the page are shown in `zone`.
#[allow(clippy::too_many_arguments)]
pub async fn share_folder(
    connection: &Connection,
    bucket: &BucketName,
    prefix: &str,
    objects: &[FolderObject],
    page_bucket: &BucketName,
    expiry: Expiry,
    now: SystemTime,
    zone: &TimeZone,
) -> Result<FolderShare, FolderShareError> {
    let prefix = &folder_prefix(prefix);
    if objects.is_empty() {
        return Err(FolderShareError::Empty {
            bucket: bucket.to_string(),
            prefix: prefix.to_owned(),
        });
    }
    // One lifetime for all, fixed now: the page and every link in it end together.
    let lifetime = expiry
        .resolve_within_limit(now, connection.link_limit().longest)
        .map_err(ShareError::from)?;
    let expiry = Expiry::In(lifetime.expires_in);
    let (entries, warning) = sign_objects(connection, bucket, prefix, objects, expiry, now).await?;
    let expires = entries
        .iter()
        .map(|e| e.expires)
        .min()
        .unwrap_or(lifetime.expires_at);
    let html = index_html(&format!("s3://{bucket}/{prefix}"), &entries, expires, zone);
    let id = share_id();
    let page_key =
        ObjectKey::new(page_key(&id)).map_err(|e| TransferError::InvalidName(e.to_string()))?;
    put_page(connection, page_bucket, &page_key, html).await?;
    let page_signer = connection.signer_for(page_bucket).await?;
    let page = page_signer
        .signer
        .presign_get(page_bucket, &page_key, &GetOptions::default(), expiry, now)
        .await?;
    Ok(FolderShare {
        id,
        page_bucket: page_bucket.clone(),
        page_key,
        page_url: page.url,
        expires: page.effective_expiry.at.min(expires),
        entries,
        warning: warning.or(page_signer.warning),
    })
}

/// Revoke: deletes a shared page. Links already opened or copied from it keep working until
/// they expire; only the page goes.
pub async fn revoke_page(
    connection: &Connection,
    bucket: &BucketName,
    page_key: &ObjectKey,
) -> Result<(), TransferError> {
    connection
        .client()
        .delete_object()
        .bucket(bucket.as_str())
        .key(page_key.as_str())
        .send()
        .await
        .map_err(|e| TransferError::Remote(crate::fmt::error_text(&e)))?;
    Ok(())
}

async fn put_page(
    connection: &Connection,
    bucket: &BucketName,
    key: &ObjectKey,
    html: String,
) -> Result<(), TransferError> {
    // A page of many links is megabytes: on a slow uplink it is held to the stall rule, as
    // uploads are, not to the 30 s budget of requests that carry no data.
    let activity = Activity::default();
    let request = connection
        .client()
        .put_object()
        .bucket(bucket.as_str())
        .key(key.as_str())
        .content_type("text/html; charset=utf-8")
        // The page lists live links: nobody on the way should keep a copy.
        .cache_control("private, no-store")
        .body(ByteStream::new(MemoryBody::sdk_body(
            html.into_bytes().into(),
            (activity.clone(), None),
        )))
        .customize()
        .config_override(data_config())
        .send();
    send_watched(&activity, connection.stall_timeout(), request).await?;
    Ok(())
}

/// 128 random bits as hex: the std hasher's keys are drawn from the OS's randomness.
fn share_id() -> String {
    let half = || {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u128(
            SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        hasher.finish()
    };
    format!("{:016x}{:016x}", half(), half())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_ids_are_long_and_differ() {
        let (a, b) = (share_id(), share_id());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
    }
}
