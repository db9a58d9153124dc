//! The worker's side of versions: a folder's versions with the bucket's versioning state,
//! and Restore, Undelete and Delete of one version (request and answer); a version's
//! download is a transfer like any other, queued in the Transfers panel with its progress
//! and Cancel.

use super::queue::{Queued, queue_transfer};
use super::{
    Direction, JobError, Jobs, VersionAction, VersionsEvent, VersionsRequest, connection_for,
};
use crate::local_path::PathFlavor;
use crate::s3::connection::Connection;
use crate::s3::transfer::{TransferControl, TransferError};

const NATIVE: PathFlavor = PathFlavor::NATIVE;
use crate::s3::versions;

pub(super) fn versions(jobs: &mut Jobs, request: VersionsRequest) {
    let VersionsRequest {
        id,
        profile,
        bucket,
        action,
    } = request;
    match action {
        VersionAction::List { prefix } => {
            let (sink, connections) = (jobs.sink().clone(), jobs.connections().clone());
            let task = tokio::spawn(async move {
                let connection = match connection_for(&connections, &profile).await {
                    Ok(connection) => connection,
                    Err(e) => {
                        let state = Err(e.to_string());
                        let result = Err(JobError::from(e));
                        sink.send(VersionsEvent::Listed { id, result, state });
                        return;
                    }
                };
                let (listed, state) = tokio::join!(
                    versions::list_folder_versions(&connection, &bucket, &prefix),
                    versions::versioning_state(&connection, &bucket)
                );
                let result = listed.map(Box::new).map_err(JobError::from);
                let state = state.map_err(|e| e.to_string());
                sink.send(VersionsEvent::Listed { id, result, state });
            });
            jobs.running.insert(id, task.abort_handle());
        }
        VersionAction::Download {
            key,
            version_id,
            target,
        } => {
            // The key's last name, as a safe file name here (never `..`, never a folder).
            let name = crate::local_path::components(key.file_name(), NATIVE)
                .map(|parts| parts.join("/"))
                .unwrap_or_else(|_| key.file_name().to_owned());
            let queued = Queued {
                name: format!("{name} (version {version_id})"),
                bucket: bucket.clone(),
                key: key.to_string(),
                size: 0,
                direction: Direction::Download,
                local_path: target.join(&name),
                profile,
                copy_from: None,
                moves: None,
                version_id: Some(version_id.clone()),
            };
            queue_transfer(
                &jobs.transfers,
                queued,
                move |connection, bucket, key, control| async move {
                    let name = crate::local_path::components(key.file_name(), NATIVE).map_err(
                        |reason| {
                            TransferError::InvalidName(format!("`{key}` cannot be saved: {reason}"))
                        },
                    )?;
                    let file = target.join(name.join("/"));
                    let object = (&bucket, &key, version_id.as_str());
                    versions::download_version_keeping(&connection, object, &file, &control)
                        .await
                        .map(|_| ())
                },
            );
        }
        action => jobs.answer(
            None,
            profile,
            move |connection: Connection| async move { act(&connection, &bucket, action).await },
            move |result| VersionsEvent::Done { id, result },
        ),
    }
}

/// Restore, Undelete or Delete; what it did, in words.
async fn act(
    connection: &Connection,
    bucket: &crate::model::BucketName,
    action: VersionAction,
) -> Result<String, JobError> {
    match action {
        VersionAction::Restore { key, version_id } => {
            let control = TransferControl::default();
            versions::restore_version(connection, (bucket, &key, &version_id), &control).await?;
            Ok(format!(
                "Restored version {version_id} of {key}: it is the latest now"
            ))
        }
        VersionAction::Undelete { key } => {
            let marker = versions::undelete(connection, bucket, &key).await?;
            Ok(format!("Undeleted {key} (delete marker {marker} removed)"))
        }
        VersionAction::Delete { key, version_id } => {
            versions::delete_version(connection, bucket, &key, &version_id).await?;
            Ok(format!("Deleted version {version_id} of {key} for good"))
        }
        VersionAction::List { .. } | VersionAction::Download { .. } => Err(JobError::Transfer(
            crate::s3::transfer::TransferError::InvalidName("not a one-version action".into()),
        )),
    }
}
