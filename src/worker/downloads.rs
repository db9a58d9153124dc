//! Download batches: the folders picked expanded, each object's file placed by the batch
//! planner in the folder chosen, the person asked before anything is replaced, renamed or
//! skipped, and each file queued as one transfer.

use std::path::PathBuf;

use super::moves::{self, Emptied, MoveBatch, MovedSource};
use super::planning;
use super::queue::{Queued, TransferContext, queue_transfer};
use super::{Direction, DownloadRequest, FilesEvent, JobError, Jobs, RequestId, connection_for};
use crate::local_path;
use crate::model::{BucketName, ObjectKey};
use crate::plan::{self, Conflict, Item, Seen, Space};
use crate::profiles::Profile;
use crate::s3::connection::Connection;
use crate::s3::transfer::TransferError;

/// A download batch, planned but not started: each object with the name it wants in the
/// target folder, and what the planner needs to place it.
#[derive(Debug)]
pub(super) struct DownloadPlan {
    profile: Profile,
    bucket: BucketName,
    target: PathBuf,
    space: Space,
    items: Vec<Item>,
    /// The key of each item.
    keys: Vec<String>,
    /// Where each file's partial download is recorded while it exists.
    pub(super) partials: Option<crate::storage::journal::PartialJournal>,
    /// A move: the folder markers under the folders moved (see [`moves::markers_emptied`]).
    moving: Option<Vec<String>>,
}

/// Expands the request's folders and names each object's file in the target folder; keys
/// that cannot be a file are reported.
async fn plan_download(
    ctx: &TransferContext,
    request: DownloadRequest,
) -> Result<DownloadPlan, JobError> {
    let DownloadRequest {
        profile,
        bucket,
        base,
        keys,
        prefixes,
        target,
        partials,
        remove_source,
        ..
    } = request;
    let mut all: Vec<(String, u64, Option<i64>)> = keys
        .into_iter()
        .map(|(key, size)| (key, size, None))
        .collect();
    let mut markers = Vec::new();
    let connection = connection_for(&ctx.connections, &profile).await?;
    for prefix in &prefixes {
        for row in planning::list_tree(&connection, &bucket, prefix).await? {
            if row.key.ends_with('/') && row.size == 0 {
                markers.push(row.key);
            } else if row.key.ends_with('/') {
                // Bytes under a folder's name: no file can have that name. Said, and left.
                let skipped = local_path::Skipped::Planned {
                    name: row.key,
                    reason: "its name ends in `/`, so it cannot be a file; it stays in the bucket"
                        .into(),
                };
                ctx.sink.send(FilesEvent::Skipped { skipped });
            } else {
                all.push((row.key, row.size, Some(row.modified)));
            }
        }
    }
    let mut items = Vec::with_capacity(all.len());
    let mut object_keys = Vec::with_capacity(all.len());
    for (key, size, modified) in all {
        let relative = key.strip_prefix(base.as_str()).unwrap_or(&key);
        match local_path::components(relative, local_path::PathFlavor::NATIVE) {
            Ok(parts) => {
                let changed = local_path::why_changed(relative, local_path::PathFlavor::NATIVE)
                    .map(|why| crate::plan::Changed {
                        from: key.clone(),
                        why,
                    });
                items.push(Item {
                    name: parts.join("/"),
                    size,
                    source_mtime: modified,
                    source_place: None,
                    changed,
                });
                object_keys.push(key);
            }
            Err(reason) => {
                let skipped = local_path::Skipped::Unsavable { key, reason };
                ctx.sink.send(FilesEvent::Skipped { skipped });
            }
        }
    }
    let root = target.clone();
    let space = tokio::task::spawn_blocking(move || crate::local_dir::folder_space(&root))
        .await
        .map_err(|e| {
            JobError::from(TransferError::Local {
                path: target.display().to_string(),
                reason: e.to_string(),
            })
        })?;
    let mut plan = DownloadPlan {
        profile,
        bucket,
        target,
        space,
        items,
        keys: object_keys,
        partials: partials.map(crate::storage::journal::PartialJournal::open),
        moving: remove_source.then_some(markers),
    };
    object_dates(&connection, &mut plan).await;
    Ok(plan)
}

/// "Only if newer" needs each object's date where a file is in its way: the objects picked one
/// by one (not listed) are asked for theirs.
async fn object_dates(connection: &Connection, plan: &mut DownloadPlan) {
    for (item, key) in plan.items.iter_mut().zip(&plan.keys) {
        if item.source_mtime.is_some()
            || crate::local_dir::seen_in_folder(&plan.target, &item.name) == Seen::Absent
        {
            continue;
        }
        if let Ok(object) = ObjectKey::new(key.clone()) {
            item.source_mtime =
                crate::s3::objects::object_properties(connection, &plan.bucket, &object)
                    .await
                    .ok()
                    .and_then(|p| p.last_modified);
        }
    }
}

/// Plans a download batch; when files would be replaced, renamed or skipped, asks first with
/// [`FilesEvent::DownloadConflicts`] and keeps the plan until [`resolve_download`].
pub(super) fn download(jobs: &Jobs, request: DownloadRequest) {
    let id = request.id;
    let ctx = jobs.transfers.clone();
    let pending = jobs.pending_downloads.clone();
    tokio::spawn(async move {
        let plan = match plan_download(&ctx, request).await {
            Ok(plan) => plan,
            Err(error) => {
                ctx.sink.send(FilesEvent::BatchFailed { error });
                return;
            }
        };
        let (plan, outlook) = match tokio::task::spawn_blocking(move || {
            let outlook = download_outlook(&plan);
            (plan, outlook)
        })
        .await
        {
            Ok(both) => both,
            Err(e) => {
                let error = TransferError::Local {
                    path: "the download folder".into(),
                    reason: e.to_string(),
                };
                ctx.sink.send(FilesEvent::BatchFailed {
                    error: error.into(),
                });
                return;
            }
        };
        match outlook {
            Some(outlook) => {
                let event = planning::question(id, outlook, false);
                pending.lock().await.insert(id, plan);
                ctx.sink.send(event);
            }
            // Nothing was there: should something appear before the start, it stays.
            None => start_download(&ctx, plan, Conflict::Skip).await,
        }
    });
}

/// What each answer would do to a download batch; looks at the folder (blocking).
fn download_outlook(plan: &DownloadPlan) -> Option<plan::Outlook> {
    let target = &plan.target;
    let seen = |name: &str| crate::local_dir::seen_in_folder(target, name);
    let show = |name: &str| {
        crate::local_dir::local_path(target, name)
            .display()
            .to_string()
    };
    let unseen = Some("a file or folder on the way could not be looked at".to_owned());
    plan::outlook(&plan.space, &plan.items, &seen, unseen, &show)
}

/// The person's answer about existing files: the waiting batch starts (`None`: it is
/// cancelled).
pub(super) fn resolve_download(jobs: &Jobs, id: RequestId, conflict: Option<Conflict>) {
    let ctx = jobs.transfers.clone();
    let pending = jobs.pending_downloads.clone();
    tokio::spawn(async move {
        let Some(plan) = pending.lock().await.remove(&id) else {
            return;
        };
        if let Some(conflict) = conflict {
            start_download(&ctx, plan, conflict).await;
        }
    });
}

/// Plans the batch under `conflict` (looking at the folder again: it may have changed while
/// the person thought) and queues every file it writes.
async fn start_download(ctx: &TransferContext, plan: DownloadPlan, conflict: Conflict) {
    let planned = tokio::task::spawn_blocking(move || {
        let target = &plan.target;
        let seen = |name: &str| crate::local_dir::seen_in_folder(target, name);
        let planned = plan::plan_batch(&plan.space, &plan.items, conflict, &seen);
        (plan, planned)
    })
    .await;
    let Ok((plan, planned)) = planned else {
        return;
    };
    planning::report(&planned, &plan.items, &ctx.sink);
    // (key, name below the target folder, size, whether it replaces what is there)
    let files: Vec<(String, String, u64, bool)> = planned
        .writes()
        .map(|step| {
            (
                plan.keys[step.index].clone(),
                step.name.clone(),
                plan.items[step.index].size,
                step.action == plan::Action::Replace,
            )
        })
        .collect();
    let batch = plan.moving.map(|markers| {
        let moved: Vec<String> = files.iter().map(|(key, ..)| key.clone()).collect();
        let emptied = Emptied::Markers {
            profile: Box::new(plan.profile.clone()),
            bucket: plan.bucket.clone(),
            keys: moves::markers_emptied(&markers, &moved),
        };
        MoveBatch::new(files.len(), emptied, ctx.connections.clone())
    });
    for (key, relative, size, replace) in files {
        let path = crate::local_dir::local_path(&plan.target, &relative);
        let moves = batch.as_ref().map(|batch| {
            let source = MovedSource::Object {
                profile: Box::new(plan.profile.clone()),
                bucket: plan.bucket.clone(),
                key: key.clone(),
            };
            (batch.clone(), source)
        });
        let queued = Queued {
            name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| key.clone()),
            bucket: plan.bucket.clone(),
            key,
            size,
            direction: Direction::Download,
            local_path: path.clone(),
            profile: plan.profile.clone(),
            copy_from: None,
            moves,
            version_id: None,
        };
        let partials = plan.partials.clone();
        let root = plan.target.clone();
        queue_transfer(
            ctx,
            queued,
            move |connection, bucket, key, control| async move {
                // Only a file the person agreed to replace is replaced; one that appeared
                // since the plan was made stays.
                let landing = crate::s3::download::Landing {
                    root: &root,
                    relative: &relative,
                    replace,
                    listed_size: Some(size),
                    head: None,
                };
                crate::s3::download::download_object_below(
                    &connection,
                    &bucket,
                    &key,
                    landing,
                    &control,
                    partials.as_ref(),
                )
                .await
                .map(|_| ())
            },
        );
    }
}
