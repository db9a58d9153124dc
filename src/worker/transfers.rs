//! Transfer jobs of the worker: planning a download batch (folders expanded, targets kept
//! inside the chosen folder), queueing each file under the concurrency limit, and walking the
//! files and folders of an upload.

use std::path::PathBuf;
use std::sync::Arc;

use super::{Connections, Direction, Event, EventSink, TransferId, connection_for};
use crate::local_path;
use crate::model::{BucketName, ObjectKey};
use crate::profiles::Profile;
use crate::s3::connection::Connection;
use crate::s3::download::Conflict;
use crate::s3::list;
use crate::s3::transfer::{TransferControl, TransferError};

/// What a transfer task needs from the dispatcher.
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
}

pub(super) async fn plan_download(
    ctx: &TransferContext,
    profile: &Profile,
    bucket: &BucketName,
    base: &str,
    keys: Vec<(String, u64)>,
    prefixes: Vec<String>,
    target: &std::path::Path,
) -> Result<DownloadPlan, String> {
    let mut all = keys;
    if !prefixes.is_empty() {
        let connection = connection_for(&ctx.connections, profile)
            .await
            .map_err(|e| e.to_string())?;
        for prefix in &prefixes {
            all.extend(
                list::list_keys_under(&connection, bucket, prefix)
                    .await
                    .map_err(|e| e.to_string())?,
            );
        }
    }
    let (files, problems) =
        local_path::download_targets(target, base, all, local_path::CASE_INSENSITIVE);
    for error in problems {
        ctx.sink.send(Event::UploadProblem { error });
    }
    Ok(DownloadPlan {
        profile: profile.clone(),
        bucket: bucket.clone(),
        files,
        partials: None,
    })
}

/// One file to move, as the Transfers panel shows it.
struct Queued {
    name: String,
    bucket: BucketName,
    key: String,
    size: u64,
    direction: Direction,
    local_path: PathBuf,
    profile: Profile,
}

/// Shows `queued` in the Transfers panel, then runs `job` once a slot is free (unless it was
/// cancelled while it waited), reporting start and end.
fn queue_transfer<Job, Fut>(ctx: &TransferContext, queued: Queued, job: Job)
where
    Job: FnOnce(Connection, BucketName, ObjectKey, TransferControl) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<(), TransferError>> + Send + 'static,
{
    let transfer = TransferId(
        ctx.next_transfer
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed),
    );
    let control = TransferControl::default();
    ctx.sink.send(Event::TransferQueued {
        transfer,
        name: queued.name,
        bucket: queued.bucket.clone(),
        key: queued.key.clone(),
        size: queued.size,
        control: control.clone(),
        direction: queued.direction,
        local_path: queued.local_path,
        profile: Box::new(queued.profile.clone()),
    });
    let ctx = ctx.clone();
    tokio::spawn(async move {
        let Ok(_slot) = ctx.slots.clone().acquire_owned().await else {
            return;
        };
        if control.is_cancelled() {
            ctx.sink.send(Event::TransferFinished {
                transfer,
                result: Err(TransferError::Cancelled),
            });
            return;
        }
        ctx.sink.send(Event::TransferStarted { transfer });
        let result = async {
            let connection = connection_for(&ctx.connections, &queued.profile)
                .await
                .map_err(|e| TransferError::Connect(e.to_string()))?;
            let key = ObjectKey::new(queued.key)
                .map_err(|e| TransferError::InvalidName(e.to_string()))?;
            job(connection, queued.bucket, key, control).await
        }
        .await;
        ctx.sink.send(Event::TransferFinished { transfer, result });
    });
}

/// Queues every file of `plan`, applying `conflict` to files that exist.
pub(super) fn start_download(ctx: &TransferContext, plan: DownloadPlan, conflict: Conflict) {
    for (key, path, size) in plan.files {
        let path = match (path.exists(), conflict) {
            (true, Conflict::Skip) => continue,
            (true, Conflict::KeepBoth) => crate::s3::download::free_name(&path),
            _ => path,
        };
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

/// Uploads `paths` (folders walked) into `prefix`, each file a transfer under the limit.
/// Uploads an earlier failure left on the server are aborted first.
pub(super) async fn upload(
    ctx: TransferContext,
    profile: Profile,
    bucket: BucketName,
    prefix: String,
    paths: Vec<PathBuf>,
    journal: Option<crate::storage::journal::UploadJournal>,
) {
    let (sink, connections) = (&ctx.sink, &ctx.connections);

    let files = match tokio::task::spawn_blocking(move || local_path::files_to_upload(&paths)).await
    {
        Ok((files, problems)) => {
            for error in problems {
                sink.send(Event::UploadProblem { error });
            }
            files
        }
        Err(e) => {
            sink.send(Event::UploadProblem {
                error: e.to_string(),
            });
            return;
        }
    };
    // Uploads an earlier failure left on the server are aborted first.
    if let Some(journal) = &journal
        && let Ok(connection) = connection_for(connections, &profile).await
    {
        journal.abort_leftovers(&connection).await;
    }
    for (path, relative, size) in files {
        let queued = Queued {
            name: relative.clone(),
            bucket: bucket.clone(),
            key: format!("{prefix}{relative}"),
            size,
            direction: Direction::Upload,
            local_path: path.clone(),
            profile: profile.clone(),
        };
        let journal = journal.clone();
        queue_transfer(
            &ctx,
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
