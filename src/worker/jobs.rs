//! One-shot jobs of the worker: Test connection, signing links, and listing a folder page by
//! page.

use std::time::SystemTime;

use super::{Connections, Event, EventSink, LinkItem, RequestId, connection_for};
use crate::model::BucketName;
use crate::profiles::Profile;
use crate::s3::list;
use crate::share::{Expiry, PresignedLink};

/// Test connection: a fresh connection (no cache), then the default bucket's HEAD when the
/// profile names one, else ListBuckets.
pub(super) async fn test_connection(profile: &Profile) -> Result<String, String> {
    let connection = profile.connect().await.map_err(|e| e.to_string())?;
    match &profile.default_bucket {
        Some(bucket) => {
            let bucket = BucketName::new(bucket.trim()).map_err(|e| e.to_string())?;
            list::list_folder_page(&connection, &bucket, "", None)
                .await
                .map_err(|e| e.to_string())?;
            Ok(format!("Connected: bucket {bucket} can be listed"))
        }
        None => {
            let buckets = list::list_buckets(&connection)
                .await
                .map_err(|e| e.to_string())?;
            Ok(format!(
                "Connected: {}",
                crate::fmt::count(buckets.len(), "bucket", "buckets")
            ))
        }
    }
}

/// A signer for `bucket` through the profile's (cached) connection, with the warning to show
/// when the bucket's region could not be found; errors as text.
pub(super) async fn signer_for(
    connections: &Connections,
    profile: &Profile,
    bucket: &BucketName,
) -> Result<crate::s3::connection::BucketSigner, String> {
    let connection = connection_for(connections, profile)
        .await
        .map_err(|e| e.to_string())?;
    connection
        .signer_for(bucket)
        .await
        .map_err(|e| e.to_string())
}

/// Signs every item with one signer (one credentials lookup, one region lookup).
pub(super) async fn presign_links(
    connections: &Connections,
    profile: &Profile,
    bucket: &BucketName,
    items: &[LinkItem],
    expiry: Expiry,
) -> Result<(Vec<PresignedLink>, Option<String>), String> {
    let crate::s3::connection::BucketSigner { signer, warning } =
        signer_for(connections, profile, bucket).await?;
    let now = SystemTime::now();
    let mut links = Vec::with_capacity(items.len());
    for item in items {
        let link = match item {
            LinkItem::Get { key, options } => {
                signer.presign_get(bucket, key, options, expiry, now).await
            }
            LinkItem::Put { key, options } => {
                signer.presign_put(bucket, key, options, expiry, now).await
            }
        };
        links.push(link.map_err(|e| e.to_string())?);
    }
    Ok((links, warning))
}

/// Lists every page of a folder, sending each as it arrives.
pub(super) async fn list_folder(
    id: RequestId,
    connections: &Connections,
    profile: &Profile,
    bucket: &BucketName,
    prefix: &str,
    sink: &EventSink,
) {
    let connection = match connection_for(connections, profile).await {
        Ok(connection) => connection,
        Err(error) => {
            sink.send(Event::FolderFailed { id, error });
            return;
        }
    };
    let mut token = None;
    let mut guard = list::TokenGuard::default();
    loop {
        match list::list_folder_page(&connection, bucket, prefix, token.take()).await {
            Ok(mut page) => {
                token = match guard.next(page.next_token.take().as_deref()) {
                    Ok(token) => token,
                    Err(error) => {
                        sink.send(Event::FolderFailed { id, error });
                        return;
                    }
                };
                let done = token.is_none();
                if !sink.send(Event::FolderPage { id, page, done }) || done {
                    return;
                }
            }
            Err(error) => {
                sink.send(Event::FolderFailed { id, error });
                return;
            }
        }
    }
}
