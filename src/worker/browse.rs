//! Browsing jobs: Test connection, the bucket list, a folder page by page, a search of a
//! folder tree, every key under a prefix, and a folder on this computer.

use super::{
    BrowseEvent, EventSink, JobError, Jobs, LinksEvent, ProfilesEvent, RequestId, connection_for,
};
use crate::model::BucketName;
use crate::profiles::Profile;
use crate::s3::connection::Connection;
use crate::s3::list::{self, BrowseError, BucketEntry};

/// Test connection: a fresh connection (no cache, so changed keys are tried as they are), then
/// the default bucket's listing when the profile names one, else ListBuckets.
pub(super) fn test_connection(jobs: &Jobs, id: RequestId, profile: Profile) {
    jobs.answer_without_connection(async move {
        let result: Result<String, JobError> = async {
            let connection = profile.connect().await?;
            match &profile.default_bucket {
                Some(bucket) => {
                    let bucket = BucketName::new(bucket.trim())?;
                    list::list_folder_page(&connection, &bucket, "", None).await?;
                    Ok(format!("Connected: bucket {bucket} can be listed"))
                }
                None => {
                    let buckets = list::list_buckets(&connection).await?;
                    Ok(format!(
                        "Connected: {}",
                        crate::fmt::count(buckets.len(), "bucket", "buckets")
                    ))
                }
            }
        }
        .await;
        ProfilesEvent::ConnectionTested { id, result }
    });
}

pub(super) fn list_buckets(jobs: &mut Jobs, id: RequestId, profile: Profile) {
    let default_bucket = profile.default_bucket.clone();
    jobs.answer(
        Some(id),
        profile,
        |connection: Connection| async move {
            match (list::list_buckets(&connection).await, default_bucket) {
                // Keys that may not list buckets still open the profile's default bucket.
                (Err(BrowseError::AccessDenied { .. }), Some(name)) => {
                    Ok(vec![BucketEntry { name, region: None }])
                }
                (result, _) => result,
            }
        },
        move |result| BrowseEvent::Buckets { id, result },
    );
}

/// Lists every page of a folder, sending each as it arrives, until its end or Cancel.
pub(super) fn list_folder(
    jobs: &mut Jobs,
    id: RequestId,
    profile: Profile,
    bucket: BucketName,
    prefix: String,
) {
    let (sink, connections) = (jobs.sink().clone(), jobs.connections().clone());
    let task = tokio::spawn(async move {
        let failed = |error: BrowseError| BrowseEvent::FolderFailed { id, error };
        match connection_for(&connections, &profile).await {
            Ok(connection) => send_pages(id, &connection, &bucket, &prefix, &sink).await,
            Err(error) => {
                sink.send(failed(error.into()));
            }
        }
    });
    jobs.running.insert(id, task.abort_handle());
}

/// The folder's pages as they come, in key order; a big folder is listed in key ranges side
/// by side ([`list::list_folder_fanned`]).
async fn send_pages(
    id: RequestId,
    connection: &Connection,
    bucket: &BucketName,
    prefix: &str,
    sink: &EventSink,
) {
    let emit = |page, done| sink.send(BrowseEvent::FolderPage { id, page, done });
    if let Err(error) = list::list_folder_fanned(connection, bucket, prefix, emit).await {
        sink.send(BrowseEvent::FolderFailed { id, error });
    }
}

/// Scans every key under `root` for `query`, sending each page's matches as it is matched,
/// until the end or Cancel. A failure ends the search as a failed listing does.
pub(super) fn search(
    jobs: &mut Jobs,
    id: RequestId,
    profile: Profile,
    bucket: BucketName,
    root: String,
    query: crate::search::SearchQuery,
) {
    let (sink, connections) = (jobs.sink().clone(), jobs.connections().clone());
    let task = tokio::spawn(async move {
        let result = match connection_for(&connections, &profile).await {
            Ok(connection) => {
                let emit = |page| sink.send(BrowseEvent::SearchPage { id, page });
                crate::s3::search::search_tree(&connection, &bucket, &root, &query, emit).await
            }
            Err(error) => Err(error.into()),
        };
        if let Err(error) = result {
            sink.send(BrowseEvent::FolderFailed { id, error });
        }
    });
    jobs.running.insert(id, task.abort_handle());
}

/// Every object under `prefix`, at any depth (a folder's links).
pub(super) fn keys_under(
    jobs: &mut Jobs,
    id: RequestId,
    profile: Profile,
    bucket: BucketName,
    prefix: String,
) {
    jobs.answer(
        Some(id),
        profile,
        |connection| async move { list::list_keys_under(&connection, &bucket, &prefix).await },
        move |result| LinksEvent::KeysUnder { id, result },
    );
}

/// A folder on this computer, listed on the blocking pool.
pub(super) fn list_local(jobs: &Jobs, id: RequestId, path: std::path::PathBuf, show_hidden: bool) {
    let sink = jobs.sink().clone();
    tokio::task::spawn_blocking(move || {
        let result = crate::local_folder::list(&path, show_hidden);
        let places = crate::local_folder::starting_places();
        sink.send(BrowseEvent::LocalListed { id, result, places });
    });
}

/// A new folder, a rename or items to the trash on this computer, on the blocking pool.
pub(super) fn change_local(jobs: &Jobs, id: RequestId, change: crate::local_folder::LocalChange) {
    let sink = jobs.sink().clone();
    tokio::task::spawn_blocking(move || {
        let result = change.apply();
        sink.send(BrowseEvent::LocalChanged { id, result });
    });
}

/// Opens a file on this computer with its default app; only a failure is answered.
pub(super) fn open_local(jobs: &Jobs, path: std::path::PathBuf) {
    let sink = jobs.sink().clone();
    tokio::task::spawn_blocking(move || {
        if let Err(error) = crate::local_folder::open_with_default_app(&path) {
            sink.send(BrowseEvent::LocalOpenFailed { error });
        }
    });
}
