//! Transfer jobs of the worker: upload batches (folders walked, each file placed by the batch
//! planner, the person asked before anything is replaced, renamed or skipped), the concurrency
//! and bandwidth limits, and sweeping what earlier runs left behind. Each file waits its turn in `queue.rs`;
//! downloads are in `downloads.rs`, copies in `copies.rs`.

use std::path::PathBuf;

use super::moves::{self, Emptied, MoveBatch, MovedSource};
use super::planning;
use super::queue::{Queued, TransferContext, queue_transfer};
use super::{Direction, FilesEvent, Jobs, RequestId, UploadRequest, connection_for};
use crate::local_path;
use crate::model::BucketName;
use crate::plan::{self, Conflict, Item, Space};
use crate::profiles::Profile;
use crate::s3::transfer::TransferError;

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
            crate::s3::transfer::abort_leftovers(&journal, &connection).await;
        }
    });
}

/// How many large transfers run at once (1 to 16; small files go many at a time). Running
/// transfers finish; the new limit holds for the next ones.
pub(super) fn set_concurrency(jobs: &mut Jobs, transfers: usize) {
    let wanted = transfers.clamp(1, 16);
    jobs.transfers.slots.set_large_at_once(wanted);
    jobs.concurrency = wanted;
}

/// The bandwidth every transfer shares from now on, those running included (`None`: none).
pub(super) fn set_rate_limit(jobs: &Jobs, bytes_per_second: Option<u64>) {
    jobs.transfers.limit.set(bytes_per_second);
}

/// An upload batch, planned but not started: the files, the keys they want, and what Pail saw
/// at those keys.
#[derive(Debug)]
pub(super) struct UploadPlan {
    profile: Profile,
    bucket: BucketName,
    /// The folder uploaded into.
    prefix: String,
    space: Space,
    items: Vec<Item>,
    /// The file of each item.
    paths: Vec<PathBuf>,
    seen: planning::BucketSeen,
    journal: Option<crate::storage::journal::UploadJournal>,
    /// A move: the files and folders picked (folders are removed once emptied).
    moving: Option<Vec<PathBuf>>,
    /// The buckets' default headers for uploads, read when the batch began.
    defaults: std::sync::Arc<crate::storage::upload_headers::UploadHeaderRules>,
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
        upload_headers,
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
        // A file that cannot be read is set aside; the batch goes on without defaults.
        if let Some(dir) = upload_headers {
            plan.defaults = std::sync::Arc::new(
                crate::storage::upload_headers::UploadHeaderRules::load_or_none(&dir, |_| {}),
            );
        }
        match planning::bucket_outlook(&plan.space, &plan.items, &plan.seen, &plan.bucket) {
            Some(outlook) => {
                let event = planning::question(id, outlook, true);
                pending.lock().await.insert(id, plan);
                ctx.sink.send(event);
            }
            // Nothing was there: should something appear before the start, it stays.
            None => start_upload(&ctx, plan, Conflict::Skip),
        }
    });
}

/// The person's answer about existing objects: the waiting batch starts (`None`: it is
/// cancelled). A copy batch asks the same question, so its answer comes here too.
pub(super) fn resolve_upload(jobs: &Jobs, id: RequestId, conflict: Option<Conflict>) {
    let (ctx, pending) = (jobs.transfers.clone(), jobs.pending_uploads.clone());
    let copies = jobs.pending_copies.clone();
    tokio::spawn(async move {
        if let Some(mut plan) = pending.lock().await.remove(&id) {
            if let Some(conflict) = conflict {
                // Looked at again: the bucket may have changed while the person thought
                // (another batch's Keep both, say).
                if let Ok(connection) = connection_for(&ctx.connections, &plan.profile).await {
                    let names: Vec<&str> = plan.items.iter().map(|i| i.name.as_str()).collect();
                    plan.seen =
                        planning::look_in_bucket(&connection, &plan.bucket, &plan.prefix, &names)
                            .await;
                }
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
            changed: None,
        });
        file_paths.push(path);
    }
    let seen = match connection_for(&ctx.connections, &profile).await {
        Ok(connection) => {
            // Uploads an earlier failure left on the server are aborted first.
            if let Some(journal) = &journal {
                crate::s3::transfer::abort_leftovers(journal, &connection).await;
            }
            let names: Vec<&str> = items.iter().map(|i| i.name.as_str()).collect();
            planning::look_in_bucket(&connection, &bucket, &prefix, &names).await
        }
        Err(e) => planning::BucketSeen::failed(e.to_string()),
    };
    Some(UploadPlan {
        space: planning::bucket_space(&profile, &bucket),
        prefix,
        profile,
        bucket,
        items,
        paths: file_paths,
        seen,
        journal,
        moving: None,
        defaults: Default::default(),
    })
}

/// Plans the batch under `conflict` and queues every file it writes.
fn start_upload(ctx: &TransferContext, plan: UploadPlan, conflict: Conflict) {
    let seen = |key: &str| plan.seen.seen(key);
    let planned = plan::plan_batch(&plan.space, &plan.items, conflict, &seen);
    planning::report(&planned, &plan.items, &ctx.sink);
    let files: Vec<(PathBuf, String, u64, bool)> = planned
        .writes()
        .map(|step| {
            (
                plan.paths[step.index].clone(),
                step.name.clone(),
                plan.items[step.index].size,
                step.action == plan::Action::Replace,
            )
        })
        .collect();
    let batch = plan.moving.map(|roots| {
        let paths: Vec<PathBuf> = files.iter().map(|(path, ..)| path.clone()).collect();
        let emptied = Emptied::LocalFolders(moves::folders_emptied(&roots, &paths));
        MoveBatch::new(files.len(), emptied, ctx.connections.clone())
    });
    for (path, key, size, replace) in files {
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
            version_id: None,
        };
        let journal = plan.journal.clone();
        let defaults = plan.defaults.for_key(plan.bucket.as_str(), &queued.key);
        queue_transfer(
            ctx,
            queued,
            move |connection, bucket, key, control| async move {
                let to = crate::s3::upload::Destination {
                    bucket: &bucket,
                    key: &key,
                    replace,
                };
                crate::s3::upload::upload_file_with_defaults(
                    &connection,
                    to,
                    &path,
                    &control,
                    (journal.as_ref(), Some(&defaults)),
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
