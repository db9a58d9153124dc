//! Headers on the worker: what the Edit headers dialog opens with (the one object's headers,
//! how many objects, the bucket's versioning), and an edit run as a batch with progress and a
//! Cancel that lets the copies under way finish (a copy is whole or not at all).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use super::{HeadersEvent, HeadersRead, JobError, Jobs, RequestId};
use crate::model::{BucketName, ObjectKey};
use crate::profiles::Profile;
use crate::s3::connection::Connection;
use crate::s3::header_batch::{edit_objects, keys_below, versioning_on};
use crate::s3::header_edit::HeaderEdit;
use crate::s3::headers::read_headers;
use crate::s3::transfer::TransferControl;

/// An edit's control, and whether the edit has ended.
pub(super) type EditControl = (TransferControl, Arc<AtomicBool>);

/// `keys` and every object below `prefixes`, each once.
async fn objects(
    connection: &Connection,
    bucket: &BucketName,
    mut keys: Vec<ObjectKey>,
    prefixes: &[String],
) -> Result<Vec<ObjectKey>, JobError> {
    for prefix in prefixes {
        keys.extend(keys_below(connection, bucket, prefix).await?);
    }
    keys.sort();
    keys.dedup();
    Ok(keys)
}

pub(super) fn read(
    jobs: &mut Jobs,
    id: RequestId,
    profile: Profile,
    bucket: BucketName,
    keys: Vec<ObjectKey>,
    prefixes: Vec<String>,
) {
    jobs.answer(
        Some(id),
        profile,
        move |connection: Connection| async move {
            let keys = objects(&connection, &bucket, keys, &prefixes).await?;
            let single = match keys.as_slice() {
                [key] => Some(Box::new(read_headers(&connection, &bucket, key).await?.0)),
                _ => None,
            };
            Ok::<_, JobError>(HeadersRead {
                single,
                objects: keys.len(),
                versioning: versioning_on(&connection, &bucket).await,
            })
        },
        move |result| HeadersEvent::Read { id, result },
    );
}

pub(super) fn edit(
    jobs: &mut Jobs,
    id: RequestId,
    profile: Profile,
    (bucket, keys, prefixes): (BucketName, Vec<ObjectKey>, Vec<String>),
    edit: HeaderEdit,
) {
    let control = TransferControl::default();
    // Edits that ended are forgotten here: their controls have nothing left to stop.
    jobs.header_edits
        .retain(|_, (_, ended)| !ended.load(Ordering::Relaxed));
    let ended = Arc::new(AtomicBool::new(false));
    jobs.header_edits
        .insert(id, (control.clone(), ended.clone()));
    let sink = jobs.sink().clone();
    jobs.answer(
        None,
        profile,
        move |connection: Connection| async move {
            let keys = objects(&connection, &bucket, keys, &prefixes).await?;
            let report = edit_objects(&connection, &bucket, keys, &edit, &control, |progress| {
                sink.send(HeadersEvent::Progress { id, progress });
            })
            .await;
            Ok::<_, JobError>(Box::new(report))
        },
        move |result| {
            ended.store(true, Ordering::Relaxed);
            HeadersEvent::Finished { id, result }
        },
    );
}

pub(super) fn cancel(jobs: &mut Jobs, id: RequestId) {
    if let Some((control, _)) = jobs.header_edits.remove(&id) {
        control.cancel();
    }
}
