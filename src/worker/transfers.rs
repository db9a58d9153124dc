//! Transfer jobs of the worker: planning a download batch (folders expanded, targets kept
//! inside the chosen folder), asking about files that exist, queueing each file under the
//! concurrency limit, walking the files and folders of an upload, and sweeping what earlier
//! runs left behind.

use std::path::PathBuf;
use std::sync::Arc;

use super::moves::{self, Emptied, MoveBatch, MovedSource};
use super::{
    Connections, CopySource, Direction, DownloadRequest, EventSink, FilesEvent, JobError, Jobs,
    RequestId, TransferId, UploadRequest, connection_for,
};
use crate::local_path;
use crate::model::{BucketName, ObjectKey};
use crate::profiles::Profile;
use crate::s3::connection::Connection;
use crate::s3::download::Conflict;
use crate::s3::list;
use crate::s3::transfer::{TransferControl, TransferError};

/// What a transfer task needs from the dispatcher; built once, in [`Jobs::new`].
#[derive(Clone)]
pub(super) struct TransferContext {
    pub(super) sink: EventSink,
    pub(super) connections: Connections,
    pub(super) slots: Arc<tokio::sync::Semaphore>,
    pub(super) next_transfer: Arc<std::sync::atomic::AtomicU64>,
}

/// A download batch: each object with its local path and size.
#[derive(Debug)]
pub(super) struct DownloadPlan {
    profile: Profile,
    bucket: BucketName,
    pub(super) files: Vec<(String, PathBuf, u64)>,
    /// Where each file's partial download is recorded while it exists.
    pub(super) partials: Option<crate::storage::journal::PartialJournal>,
    /// A move: the folder markers under the folders moved (see [`moves::markers_emptied`]).
    moving: Option<Vec<String>>,
}

/// Expands the request's folders and maps each object to its file in the target folder.
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
    let mut all = keys;
    let mut markers = Vec::new();
    if !prefixes.is_empty() {
        let connection = connection_for(&ctx.connections, &profile).await?;
        for prefix in &prefixes {
            let (folders, objects): (Vec<_>, Vec<_>) =
                list::list_all_keys(&connection, &bucket, prefix)
                    .await?
                    .into_iter()
                    .partition(|(key, _)| key.ends_with('/'));
            all.extend(objects);
            markers.extend(folders.into_iter().map(|(key, _)| key));
        }
    }
    let (files, problems) =
        local_path::download_targets(&target, &base, all, local_path::CASE_INSENSITIVE);
    for skipped in problems {
        ctx.sink.send(FilesEvent::Skipped { skipped });
    }
    Ok(DownloadPlan {
        profile,
        bucket,
        files,
        partials: partials.map(crate::storage::journal::PartialJournal::open),
        moving: remove_source.then_some(markers),
    })
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

/// Plans a download batch; when files would be replaced, asks first with
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
        let conflicts: Vec<&PathBuf> = plan
            .files
            .iter()
            .map(|(_, p, _)| p)
            .filter(|p| p.exists())
            .collect();
        if let Some(first) = conflicts.first() {
            let event = FilesEvent::DownloadConflicts {
                id,
                count: conflicts.len(),
                first: first.display().to_string(),
            };
            pending.lock().await.insert(id, plan);
            ctx.sink.send(event);
        } else {
            start_download(&ctx, plan, Conflict::Overwrite);
        }
    });
}

/// The person's answer about existing files: the waiting batch starts.
pub(super) fn resolve_download(jobs: &Jobs, id: RequestId, conflict: Conflict) {
    let ctx = jobs.transfers.clone();
    let pending = jobs.pending_downloads.clone();
    tokio::spawn(async move {
        let Some(mut plan) = pending.lock().await.remove(&id) else {
            return;
        };
        if conflict == Conflict::IfNewer {
            let files = std::mem::take(&mut plan.files);
            plan.files = keep_newer(&ctx, &plan, files).await;
        }
        start_download(&ctx, plan, conflict);
    });
}

/// "Only if newer": of the files that exist, those whose object is newer; the others are left
/// as they are (and said so). Files that do not exist all stay.
async fn keep_newer(
    ctx: &TransferContext,
    plan: &DownloadPlan,
    files: Vec<(String, PathBuf, u64)>,
) -> Vec<(String, PathBuf, u64)> {
    let Ok(connection) = connection_for(&ctx.connections, &plan.profile).await else {
        return files;
    };
    let mut kept = Vec::with_capacity(files.len());
    for (key, path, size) in files {
        if !path.exists() {
            kept.push((key, path, size));
            continue;
        }
        let newer = match ObjectKey::new(key.clone()) {
            Ok(object) => crate::s3::objects::object_properties(&connection, &plan.bucket, &object)
                .await
                .ok()
                .and_then(|p| p.last_modified)
                .is_some_and(|secs| crate::s3::download::object_is_newer(secs, &path)),
            Err(_) => false,
        };
        if newer {
            kept.push((key, path, size));
        } else {
            let skipped = crate::local_path::Skipped::NotNewer { path };
            ctx.sink.send(FilesEvent::Skipped { skipped });
        }
    }
    kept
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

/// Queues every file of `plan`, applying `conflict` to files that exist.
fn start_download(ctx: &TransferContext, plan: DownloadPlan, conflict: Conflict) {
    let mut files = Vec::with_capacity(plan.files.len());
    for (key, path, size) in plan.files {
        let path = match (path.exists(), conflict) {
            (true, Conflict::Skip) => continue,
            (true, Conflict::KeepBoth) => crate::s3::download::free_name(&path),
            // Only newer objects are left in the plan by now: they replace their files.
            _ => path,
        };
        files.push((key, path, size));
    }
    let batch = plan.moving.map(|markers| {
        let moved: Vec<String> = files.iter().map(|(key, _, _)| key.clone()).collect();
        let emptied = Emptied::Markers {
            profile: Box::new(plan.profile.clone()),
            bucket: plan.bucket.clone(),
            keys: moves::markers_emptied(&markers, &moved),
        };
        MoveBatch::new(files.len(), emptied, ctx.connections.clone())
    });
    for (key, path, size) in files {
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
        queue_transfer(
            ctx,
            queued,
            move |connection, bucket, key, control| async move {
                crate::s3::download::download_object_with_journal(
                    &connection,
                    &bucket,
                    &key,
                    &path,
                    &control,
                    partials.as_ref(),
                )
                .await
                .map(|_| ())
            },
        );
    }
}

/// An upload batch: the files, with their keys, and the objects already at some of them.
#[derive(Debug)]
pub(super) struct UploadPlan {
    profile: Profile,
    bucket: BucketName,
    /// (local file, key, size).
    files: Vec<(PathBuf, String, u64)>,
    journal: Option<crate::storage::journal::UploadJournal>,
    /// Keys that exist already, with their objects' modification times.
    existing: std::collections::HashMap<String, i64>,
    /// A move: the files and folders picked (folders are removed once emptied).
    moving: Option<Vec<PathBuf>>,
}

/// Uploads `paths` (folders walked) into `prefix`, each file a transfer under the limit. When
/// objects would be replaced, asks first with [`FilesEvent::UploadConflicts`].
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
        let conflicts: Vec<&String> = plan
            .files
            .iter()
            .map(|(_, key, _)| key)
            .filter(|key| plan.existing.contains_key(*key))
            .collect();
        if let Some(first) = conflicts.first() {
            let event = FilesEvent::UploadConflicts {
                id,
                count: conflicts.len(),
                first: format!("s3://{}/{first}", plan.bucket),
            };
            pending.lock().await.insert(id, plan);
            ctx.sink.send(event);
        } else {
            start_upload(&ctx, plan, Conflict::Overwrite);
        }
    });
}

/// The person's answer about existing objects: the waiting batch starts.
/// A copy batch asks the same question, so its answer comes here too.
pub(super) fn resolve_upload(jobs: &Jobs, id: RequestId, conflict: Conflict) {
    let (ctx, pending) = (jobs.transfers.clone(), jobs.pending_uploads.clone());
    let copies = jobs.pending_copies.clone();
    tokio::spawn(async move {
        if let Some(plan) = pending.lock().await.remove(&id) {
            start_upload(&ctx, plan, conflict);
        } else if let Some(plan) = copies.lock().await.remove(&id) {
            super::copies::start_copy(&ctx, plan, conflict).await;
        }
    });
}

/// Walks the files, aborts what an earlier failure left on the server, and finds which keys
/// are taken; `None` when nothing can be uploaded (said already).
async fn plan_upload(
    ctx: &TransferContext,
    profile: Profile,
    bucket: BucketName,
    prefix: String,
    paths: Vec<PathBuf>,
    journal: Option<crate::storage::journal::UploadJournal>,
) -> Option<UploadPlan> {
    let sink = &ctx.sink;
    let files = match tokio::task::spawn_blocking(move || local_path::files_to_upload(&paths)).await
    {
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
    let files: Vec<(PathBuf, String, u64)> = files
        .into_iter()
        .map(|(path, relative, size)| (path, format!("{prefix}{relative}"), size))
        .collect();
    let mut existing = std::collections::HashMap::new();
    if let Ok(connection) = connection_for(&ctx.connections, &profile).await {
        // Uploads an earlier failure left on the server are aborted first.
        if let Some(journal) = &journal {
            journal.abort_leftovers(&connection).await;
        }
        existing = existing_keys(&connection, &bucket, &prefix, &files).await;
    }
    Some(UploadPlan {
        profile,
        bucket,
        files,
        journal,
        existing,
        moving: None,
    })
}

/// Which of the batch's keys exist, with their modification times: a HEAD each for a few
/// files, one listing of the prefix for many.
pub(super) async fn existing_keys(
    connection: &Connection,
    bucket: &BucketName,
    prefix: &str,
    files: &[(PathBuf, String, u64)],
) -> std::collections::HashMap<String, i64> {
    const HEADS_AT_MOST: usize = 20;
    let mut existing = std::collections::HashMap::new();
    if files.len() <= HEADS_AT_MOST {
        for (_, key, _) in files {
            if let Ok(object) = ObjectKey::new(key.clone())
                && let Ok(properties) =
                    crate::s3::objects::object_properties(connection, bucket, &object).await
            {
                existing.insert(key.clone(), properties.last_modified.unwrap_or(0));
            }
        }
        return existing;
    }
    let wanted: std::collections::HashSet<&str> =
        files.iter().map(|(_, k, _)| k.as_str()).collect();
    let note = |page: list::FolderPage, _done| {
        for object in &page.objects {
            let key = format!("{prefix}{}", object.name);
            if wanted.contains(key.as_str()) {
                existing.insert(key, object.last_modified);
            }
        }
        true
    };
    // A listing that fails part-way leaves what it saw: the rest go without a conflict check.
    let depth = crate::s3::list_fanout::Depth::Tree;
    let _ = crate::s3::list_fanout::list_tree_fanned(connection, bucket, prefix, depth, note).await;
    existing
}

/// Queues every file of `plan`, applying `conflict` to keys that are taken.
fn start_upload(ctx: &TransferContext, plan: UploadPlan, conflict: Conflict) {
    let mut taken: std::collections::HashSet<String> = plan.existing.keys().cloned().collect();
    let mut files = Vec::with_capacity(plan.files.len());
    for (path, key, size) in plan.files {
        let key = match (plan.existing.get(&key), conflict) {
            (None, _) | (Some(_), Conflict::Overwrite) => key,
            (Some(_), Conflict::Skip) => continue,
            (Some(_), Conflict::KeepBoth) => {
                let free = free_key(&key, &taken);
                taken.insert(free.clone());
                free
            }
            (Some(&object_secs), Conflict::IfNewer) => {
                if file_is_newer(&path, object_secs) {
                    key
                } else {
                    let skipped = local_path::Skipped::NotNewer { path };
                    ctx.sink.send(FilesEvent::Skipped { skipped });
                    continue;
                }
            }
        };
        files.push((path, key, size));
    }
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

/// Whether the file at `path` is newer than an object modified at `object_secs`, by more than
/// the clocks' tolerance.
fn file_is_newer(path: &std::path::Path, object_secs: i64) -> bool {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .is_some_and(|d| d.as_secs() as i64 - object_secs > crate::compare::DATE_TOLERANCE_SECS)
}

/// `dir/name (1).ext` for `dir/name.ext`: the first key not in `taken`.
pub(super) fn free_key(key: &str, taken: &std::collections::HashSet<String>) -> String {
    let (folder, name) = match key.rfind('/') {
        Some(i) => (&key[..=i], &key[i + 1..]),
        None => ("", key),
    };
    let (stem, extension) = match name.rfind('.') {
        Some(i) if i > 0 => (&name[..i], &name[i..]),
        _ => (name, ""),
    };
    (1..)
        .map(|n| format!("{folder}{stem} ({n}){extension}"))
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or_else(|| key.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_free_key_keeps_the_folder_and_the_extension() {
        let taken: std::collections::HashSet<String> =
            ["in/a.txt".to_owned(), "in/a (1).txt".to_owned()].into();
        assert_eq!(free_key("in/a.txt", &taken), "in/a (2).txt");
        assert_eq!(free_key("README", &taken), "README (1)");
        assert_eq!(free_key("in/.env", &taken), "in/.env (1)");
    }
}
