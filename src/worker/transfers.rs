//! Transfer jobs of the worker: download and upload batches (folders expanded or walked, each
//! file placed by the batch planner, the person asked before anything is replaced, renamed or
//! skipped), queueing each file under the concurrency limit, and sweeping what earlier runs
//! left behind.

use std::path::PathBuf;
use std::sync::Arc;

use super::moves::{self, Emptied, MoveBatch, MovedSource};
use super::planning;
use super::{
    Connections, CopySource, Direction, DownloadRequest, EventSink, FilesEvent, JobError, Jobs,
    RequestId, TransferId, UploadRequest, connection_for,
};
use crate::local_path;
use crate::model::{BucketName, ObjectKey};
use crate::plan::{self, Item, Seen, Space};
use crate::profiles::Profile;
use crate::s3::connection::Connection;
use crate::s3::download::Conflict;
use crate::s3::transfer::{TransferControl, TransferError};

/// What a transfer task needs from the dispatcher; built once, in [`Jobs::new`].
#[derive(Clone)]
pub(super) struct TransferContext {
    pub(super) sink: EventSink,
    pub(super) connections: Connections,
    pub(super) slots: Arc<tokio::sync::Semaphore>,
    pub(super) next_transfer: Arc<std::sync::atomic::AtomicU64>,
}

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
                items.push(Item {
                    name: parts.join("/"),
                    size,
                    source_mtime: modified,
                    source_place: None,
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

/// One file to transfer, as the Transfers panel shows it.
pub(super) struct Queued {
    pub(super) name: String,
    pub(super) bucket: BucketName,
    pub(super) key: String,
    pub(super) size: u64,
    pub(super) direction: Direction,
    pub(super) local_path: PathBuf,
    pub(super) profile: Profile,
    pub(super) copy_from: Option<CopySource>,
    /// Part of a move: the source, which goes once this file has arrived.
    pub(super) moves: Option<(Arc<MoveBatch>, MovedSource)>,
}

/// Shows `queued` in the Transfers panel, then runs `job` once a slot is free (unless it was
/// cancelled while it waited), reporting start and end.
pub(super) fn queue_transfer<Job, Fut>(ctx: &TransferContext, queued: Queued, job: Job)
where
    Job: FnOnce(Connection, BucketName, ObjectKey, TransferControl) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<(), TransferError>> + Send + 'static,
{
    let transfer = TransferId(
        ctx.next_transfer
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed),
    );
    let control = TransferControl::default();
    ctx.sink.send(FilesEvent::TransferQueued {
        transfer,
        name: queued.name.clone(),
        bucket: queued.bucket.clone(),
        key: queued.key.clone(),
        size: queued.size,
        control: control.clone(),
        direction: queued.direction,
        local_path: queued.local_path.clone(),
        profile: Box::new(queued.profile.clone()),
        copy_from: queued.copy_from.clone().map(Box::new),
        moves: queued.moves.is_some(),
    });
    let ctx = ctx.clone();
    let mut queued = queued;
    tokio::spawn(async move {
        let Ok(_slot) = ctx.slots.clone().acquire_owned().await else {
            return;
        };
        if control.is_cancelled() {
            if let Some((batch, _)) = &queued.moves {
                batch.file_done(false).await;
            }
            ctx.sink.send(FilesEvent::TransferFinished {
                transfer,
                result: Err(TransferError::Cancelled),
            });
            return;
        }
        ctx.sink.send(FilesEvent::TransferStarted { transfer });
        let moves = queued.moves.take();
        let arrival = moves::Arrival::of(&queued);
        let result = async {
            let connection = connection_for(&ctx.connections, &queued.profile)
                .await
                .map_err(TransferError::Connect)?;
            let key = ObjectKey::new(queued.key)
                .map_err(|e| TransferError::InvalidName(e.to_string()))?;
            job(connection, queued.bucket, key, control).await
        }
        .await;
        let result = match moves {
            Some((batch, source)) => batch.finish(&source, &arrival, result).await,
            None => result,
        };
        ctx.sink
            .send(FilesEvent::TransferFinished { transfer, result });
    });
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
                let event = FilesEvent::DownloadConflicts {
                    id,
                    count: outlook.taken,
                    first: outlook.first.clone(),
                    outlook: Box::new(outlook),
                };
                pending.lock().await.insert(id, plan);
                ctx.sink.send(event);
            }
            None => start_download(&ctx, plan, Conflict::Overwrite).await,
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

/// Removes the partial downloads that processes which have exited left behind.
pub(super) fn sweep_partials(journal: PathBuf) {
    tokio::spawn(async move {
        crate::storage::journal::PartialJournal::open(journal)
            .sweep()
            .await;
    });
}

/// Aborts the profile's multipart uploads that an earlier run (or a failed abort) left
/// behind; uploads running now are not touched.
pub(super) fn sweep_uploads(jobs: &Jobs, profile: Profile, journal: PathBuf) {
    let connections = jobs.connections().clone();
    tokio::spawn(async move {
        let journal = crate::storage::journal::UploadJournal::open(journal);
        if let Ok(connection) = connection_for(&connections, &profile).await {
            journal.abort_leftovers(&connection).await;
        }
    });
}

/// How many transfers run at once (1 to 16). Running transfers finish; the new limit holds
/// for the next ones.
pub(super) fn set_concurrency(jobs: &mut Jobs, transfers: usize) {
    let wanted = transfers.clamp(1, 16);
    let slots = &jobs.transfers.slots;
    if wanted > jobs.concurrency {
        slots.add_permits(wanted - jobs.concurrency);
    } else {
        slots.forget_permits(jobs.concurrency - wanted);
    }
    jobs.concurrency = wanted;
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
    // (key, name below the target folder, size)
    let files: Vec<(String, String, u64)> = planned
        .writes()
        .map(|step| {
            (
                plan.keys[step.index].clone(),
                step.name.clone(),
                plan.items[step.index].size,
            )
        })
        .collect();
    let batch = plan.moving.map(|markers| {
        let moved: Vec<String> = files.iter().map(|(key, _, _)| key.clone()).collect();
        let emptied = Emptied::Markers {
            profile: Box::new(plan.profile.clone()),
            bucket: plan.bucket.clone(),
            keys: moves::markers_emptied(&markers, &moved),
        };
        MoveBatch::new(files.len(), emptied, ctx.connections.clone())
    });
    for (key, relative, size) in files {
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
        };
        let partials = plan.partials.clone();
        let root = plan.target.clone();
        queue_transfer(
            ctx,
            queued,
            move |connection, bucket, key, control| async move {
                let landing = crate::s3::download::Landing {
                    root: &root,
                    relative: &relative,
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

/// An upload batch, planned but not started: the files, the keys they want, and what Pail saw
/// at those keys.
#[derive(Debug)]
pub(super) struct UploadPlan {
    profile: Profile,
    bucket: BucketName,
    space: Space,
    items: Vec<Item>,
    /// The file of each item.
    paths: Vec<PathBuf>,
    seen: planning::BucketSeen,
    journal: Option<crate::storage::journal::UploadJournal>,
    /// A move: the files and folders picked (folders are removed once emptied).
    moving: Option<Vec<PathBuf>>,
}

/// Uploads `paths` (folders walked) into `prefix`, each file a transfer under the limit. When
/// objects would be replaced, renamed or skipped (or Pail cannot see what is there), asks
/// first with [`FilesEvent::UploadConflicts`].
pub(super) fn upload(jobs: &Jobs, request: UploadRequest) {
    let UploadRequest {
        id,
        profile,
        bucket,
        prefix,
        paths,
        journal,
        remove_source,
    } = request;
    let journal = journal.map(crate::storage::journal::UploadJournal::open);
    let (ctx, pending) = (jobs.transfers.clone(), jobs.pending_uploads.clone());
    tokio::spawn(async move {
        let moving = remove_source.then(|| paths.clone());
        let Some(mut plan) = plan_upload(&ctx, profile, bucket, prefix, paths, journal).await
        else {
            return;
        };
        plan.moving = moving;
        let bucket = plan.bucket.clone();
        let seen = |key: &str| plan.seen.seen(key);
        let show = |key: &str| format!("s3://{bucket}/{key}");
        match plan::outlook(
            &plan.space,
            &plan.items,
            &seen,
            plan.seen.failed.clone(),
            &show,
        ) {
            Some(outlook) => {
                let event = FilesEvent::UploadConflicts {
                    id,
                    count: outlook.taken,
                    first: outlook.first.clone(),
                    outlook: Box::new(outlook),
                };
                pending.lock().await.insert(id, plan);
                ctx.sink.send(event);
            }
            None => start_upload(&ctx, plan, Conflict::Overwrite),
        }
    });
}

/// The person's answer about existing objects: the waiting batch starts (`None`: it is
/// cancelled). A copy batch asks the same question, so its answer comes here too.
pub(super) fn resolve_upload(jobs: &Jobs, id: RequestId, conflict: Option<Conflict>) {
    let (ctx, pending) = (jobs.transfers.clone(), jobs.pending_uploads.clone());
    let copies = jobs.pending_copies.clone();
    tokio::spawn(async move {
        if let Some(plan) = pending.lock().await.remove(&id) {
            if let Some(conflict) = conflict {
                start_upload(&ctx, plan, conflict);
            }
        } else if let Some(plan) = copies.lock().await.remove(&id)
            && let Some(conflict) = conflict
        {
            super::copies::start_copy(&ctx, plan, conflict).await;
        }
    });
}

/// Walks the files, aborts what an earlier failure left on the server, and looks at what is at
/// the keys they want; `None` when nothing can be uploaded (said already).
async fn plan_upload(
    ctx: &TransferContext,
    profile: Profile,
    bucket: BucketName,
    prefix: String,
    paths: Vec<PathBuf>,
    journal: Option<crate::storage::journal::UploadJournal>,
) -> Option<UploadPlan> {
    let sink = &ctx.sink;
    let walked = tokio::task::spawn_blocking(move || {
        let (files, problems) = local_path::files_to_upload(&paths);
        let dated: Vec<(PathBuf, String, u64, Option<i64>)> = files
            .into_iter()
            .map(|(path, relative, size)| {
                let modified = file_mtime(&path);
                (path, relative, size, modified)
            })
            .collect();
        (dated, problems)
    })
    .await;
    let files = match walked {
        Ok((files, problems)) => {
            for skipped in problems {
                sink.send(FilesEvent::Skipped { skipped });
            }
            files
        }
        Err(e) => {
            // The walk itself failed (it panicked): nothing is uploaded.
            let error = TransferError::Local {
                path: "the files to upload".into(),
                reason: e.to_string(),
            };
            sink.send(FilesEvent::BatchFailed {
                error: error.into(),
            });
            return None;
        }
    };
    let mut items = Vec::with_capacity(files.len());
    let mut file_paths = Vec::with_capacity(files.len());
    for (path, relative, size, modified) in files {
        items.push(Item {
            name: format!("{prefix}{relative}"),
            size,
            source_mtime: modified,
            source_place: None,
        });
        file_paths.push(path);
    }
    let seen = match connection_for(&ctx.connections, &profile).await {
        Ok(connection) => {
            // Uploads an earlier failure left on the server are aborted first.
            if let Some(journal) = &journal {
                journal.abort_leftovers(&connection).await;
            }
            let names: Vec<&str> = items.iter().map(|i| i.name.as_str()).collect();
            planning::look_in_bucket(&connection, &bucket, &prefix, &names).await
        }
        Err(e) => planning::BucketSeen::failed(e.to_string()),
    };
    Some(UploadPlan {
        space: planning::bucket_space(&profile, &bucket),
        profile,
        bucket,
        items,
        paths: file_paths,
        seen,
        journal,
        moving: None,
    })
}

/// Plans the batch under `conflict` and queues every file it writes.
fn start_upload(ctx: &TransferContext, plan: UploadPlan, conflict: Conflict) {
    let seen = |key: &str| plan.seen.seen(key);
    let planned = plan::plan_batch(&plan.space, &plan.items, conflict, &seen);
    planning::report(&planned, &plan.items, &ctx.sink);
    let files: Vec<(PathBuf, String, u64)> = planned
        .writes()
        .map(|step| {
            (
                plan.paths[step.index].clone(),
                step.name.clone(),
                plan.items[step.index].size,
            )
        })
        .collect();
    let batch = plan.moving.map(|roots| {
        let paths: Vec<PathBuf> = files.iter().map(|(path, _, _)| path.clone()).collect();
        let emptied = Emptied::LocalFolders(moves::folders_emptied(&roots, &paths));
        MoveBatch::new(files.len(), emptied, ctx.connections.clone())
    });
    for (path, key, size) in files {
        let moves = batch
            .as_ref()
            .map(|batch| (batch.clone(), MovedSource::LocalFile(path.clone())));
        let queued = Queued {
            name: key.rsplit('/').next().unwrap_or(&key).to_owned(),
            bucket: plan.bucket.clone(),
            key,
            size,
            direction: Direction::Upload,
            local_path: path.clone(),
            profile: plan.profile.clone(),
            copy_from: None,
            moves,
        };
        let journal = plan.journal.clone();
        queue_transfer(
            ctx,
            queued,
            move |connection, bucket, key, control| async move {
                crate::s3::upload::upload_file_with_journal(
                    &connection,
                    &bucket,
                    &key,
                    &path,
                    &control,
                    journal.as_ref(),
                )
                .await
            },
        );
    }
}

/// The file's modification time (Unix seconds), if it can be read.
fn file_mtime(path: &std::path::Path) -> Option<i64> {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs() as i64)
}
