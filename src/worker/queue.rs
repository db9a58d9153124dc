//! The queue every transfer of the worker waits in: a file shown in the Transfers panel, then
//! run once the batch has room for it (`s3::flight`: many small files at once, a few large).
//! Uploads, downloads and copies all queue their files here, so none of them needs another's
//! file.

use std::path::PathBuf;
use std::sync::Arc;

use super::moves::{Arrival, MoveBatch, MovedSource};
use super::{
    Connections, CopySource, Direction, EventSink, FilesEvent, TransferId, connection_for,
};
use crate::model::{BucketName, ObjectKey};
use crate::profiles::Profile;
use crate::s3::connection::Connection;
use crate::s3::transfer::{TransferControl, TransferError};

/// What a transfer task needs from the dispatcher; built once, in [`Jobs::new`].
#[derive(Clone)]
pub(super) struct TransferContext {
    pub(super) sink: EventSink,
    pub(super) connections: Connections,
    pub(super) slots: crate::s3::flight::FileSlots,
    /// The Transfers panel's bandwidth limit, shared by every file of every batch.
    pub(super) limit: crate::s3::rate_limit::RateLimit,
    pub(super) next_transfer: Arc<std::sync::atomic::AtomicU64>,
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
    /// One version of the key (a version's download).
    pub(super) version_id: Option<String>,
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
    let control = TransferControl::limited(&ctx.limit);
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
        version_id: queued.version_id.clone(),
    });
    let ctx = ctx.clone();
    let mut queued = queued;
    tokio::spawn(async move {
        let Some(slot) = ctx.slots.admit(queued.size).await else {
            return;
        };
        let _slot = slot.watching(&control);
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
        let arrival = queued.arrival();
        let result = async {
            let connection = connection_for(&ctx.connections, &queued.profile)
                .await
                .map_err(TransferError::Connect)?;
            let key = ObjectKey::new(queued.key)
                .map_err(|e| TransferError::InvalidName(e.to_string()))?;
            // Boxed, as is the move's finish: a queued file waits as a small task, not one the
            // size of a whole transfer (ten thousand of them would hold a hundred MB).
            Box::pin(job(connection, queued.bucket, key, control)).await
        }
        .await;
        let result = match moves {
            Some((batch, source)) => Box::pin(batch.finish(&source, &arrival, result)).await,
            None => result,
        };
        ctx.sink
            .send(FilesEvent::TransferFinished { transfer, result });
    });
}

impl Queued {
    /// Where this transfer puts its file: what a move checks its source against.
    fn arrival(&self) -> Arrival {
        match self.direction {
            Direction::Download => MovedSource::LocalFile(self.local_path.clone()),
            _ => MovedSource::Object {
                profile: Box::new(self.profile.clone()),
                bucket: self.bucket.clone(),
                key: self.key.clone(),
            },
        }
    }
}
