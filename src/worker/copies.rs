//! S3 to S3 copy and move batches, from one bucket folder into another: folders expanded,
//! each object's place in the destination kept relative to the source folder, empty folders
//! carried over, the question asked once when objects exist already, and each object queued
//! as one transfer. Within one profile the server copies (CopyObject, part by part above
//! 5 GiB); across profiles or endpoints the bytes stream through Pail, one part in memory.

use std::path::PathBuf;

use super::moves::{Emptied, MoveBatch, MovedSource};
use super::planning;
use super::queue::{Queued, TransferContext, queue_transfer};
use super::{BucketFolder, CopyRequest, CopySource, Direction, FilesEvent, Jobs};
use super::{JobError, connection_for};
use crate::model::ObjectKey;
use crate::plan::{self, Conflict, Item, Seen, Space};
use crate::s3::transfer::TransferError;

/// A copy batch waiting to start (or for the answer about objects that exist).
pub(super) struct CopyPlan {
    from: BucketFolder,
    to: BucketFolder,
    space: Space,
    items: Vec<Item>,
    /// The source key of each item.
    keys: Vec<String>,
    seen: planning::BucketSeen,
    /// The source's folder markers: made in the destination (where nothing is) once the
    /// batch starts.
    markers: Vec<String>,
    /// A move: the markers of the folders it empties go once every object has arrived.
    moving: bool,
    journal: Option<crate::storage::journal::UploadJournal>,
}

/// Plans the batch; when objects would be replaced, renamed or skipped (or Pail cannot see
/// what is there), asks first with [`FilesEvent::UploadConflicts`] and keeps the plan until
/// the answer (which `resolve_upload` in `transfers.rs` hands to [`start_copy`]).
pub(super) fn copy(jobs: &Jobs, request: Box<CopyRequest>) {
    let ctx = jobs.transfers.clone();
    let pending = jobs.pending_copies.clone();
    let id = request.id;
    tokio::spawn(async move {
        let plan = match plan_copy(&ctx, *request).await {
            Ok(plan) => plan,
            Err(error) => {
                ctx.sink.send(FilesEvent::BatchFailed { error });
                return;
            }
        };
        match planning::bucket_outlook(&plan.space, &plan.items, &plan.seen, &plan.to.bucket) {
            Some(outlook) => {
                let event = planning::question(id, outlook, true);
                pending.lock().await.insert(id, plan);
                ctx.sink.send(event);
            }
            // Nothing was there: should something appear before the start, it stays.
            None => start_copy(&ctx, plan, Conflict::Skip).await,
        }
    });
}

/// Where `key` (under `from`) goes under `to`.
fn destination(from: &str, to: &str, key: &str) -> String {
    let relative = key
        .strip_prefix(from)
        .unwrap_or_else(|| key.rsplit('/').next().unwrap_or(key));
    format!("{to}{relative}")
}

/// Refuses a copy onto itself (the same folder of the same bucket, through any two profiles
/// that reach one server) and a folder into itself.
fn check_target(request: &CopyRequest) -> Result<(), TransferError> {
    let (from, to) = (&request.from, &request.to);
    let one_place = from.profile.bucket_place(from.bucket.as_str())
        == to.profile.bucket_place(to.bucket.as_str());
    if !one_place {
        return Ok(());
    }
    if from.prefix == to.prefix {
        return Err(TransferError::InvalidName(
            "the two panes show the same folder: pick another one to copy into".into(),
        ));
    }
    if let Some(inside) = request
        .prefixes
        .iter()
        .find(|prefix| to.prefix.starts_with(prefix.as_str()))
    {
        return Err(TransferError::InvalidName(format!(
            "`{inside}` cannot be copied into itself"
        )));
    }
    Ok(())
}

async fn plan_copy(ctx: &TransferContext, request: CopyRequest) -> Result<CopyPlan, JobError> {
    check_target(&request)?;
    let CopyRequest {
        from,
        keys,
        prefixes,
        to,
        remove_source,
        journal,
        ..
    } = request;
    let source = connection_for(&ctx.connections, &from.profile).await?;
    let mut all: Vec<(String, u64, Option<i64>)> = keys
        .into_iter()
        .map(|(key, size)| (key, size, None))
        .collect();
    let mut markers = Vec::new();
    for prefix in &prefixes {
        for row in planning::list_tree(&source, &from.bucket, prefix).await? {
            // A key ending in `/` that holds bytes is an object like any other, copied as one.
            if row.key.ends_with('/') && row.size == 0 {
                markers.push(row.key);
            } else {
                all.push((row.key, row.size, Some(row.modified)));
            }
        }
    }
    let target = connection_for(&ctx.connections, &to.profile).await?;
    let from_space = planning::bucket_space(&from.profile, &from.bucket);
    let mut items = Vec::with_capacity(all.len());
    let mut source_keys = Vec::with_capacity(all.len());
    for (key, size, modified) in all {
        items.push(Item {
            name: destination(&from.prefix, &to.prefix, &key),
            size,
            source_mtime: modified,
            source_place: Some(from_space.place_of(&key)),
            changed: None,
        });
        source_keys.push(key);
    }
    // Two endpoints can be one server under two names: a copy of keys onto their own names
    // in a bucket of the same name is first checked against that.
    if from.bucket == to.bucket {
        let onto_own: Vec<&str> = items
            .iter()
            .zip(&source_keys)
            .filter(|(item, key)| item.name == **key)
            .map(|(_, key)| key.as_str())
            .collect();
        let verdict = planning::one_bucket_in_fact(&source, &target, &from.bucket, &onto_own);
        match verdict.await {
            planning::OneBucket::Same => {
                return Err(TransferError::InvalidName(format!(
                    "the two panes reach one bucket (s3://{}) under two names: pick another \
                     folder to copy into",
                    from.bucket
                ))
                .into());
            }
            // A move onto what may be its own source would delete what it wrote.
            planning::OneBucket::CannotTell if remove_source && !onto_own.is_empty() => {
                return Err(TransferError::InvalidName(format!(
                    "Pail cannot tell whether the two panes reach one bucket (s3://{}): a move \
                     onto the same names is refused; copy instead, or pick another folder",
                    from.bucket
                ))
                .into());
            }
            _ => {}
        }
    }
    let marker_names: Vec<String> = markers
        .iter()
        .map(|m| destination(&from.prefix, &to.prefix, m))
        .collect();
    let names: Vec<&str> = items
        .iter()
        .map(|i| i.name.as_str())
        .chain(marker_names.iter().map(String::as_str))
        .collect();
    let seen = planning::look_in_bucket(&target, &to.bucket, &to.prefix, &names).await;
    // "Only if newer" needs the date of each object picked one by one whose key is taken.
    for (item, key) in items.iter_mut().zip(&source_keys) {
        if item.source_mtime.is_none()
            && matches!(seen.seen(&item.name), Seen::Present(_))
            && let Ok(object) = ObjectKey::new(key.clone())
        {
            item.source_mtime =
                crate::s3::objects::object_properties(&source, &from.bucket, &object)
                    .await
                    .ok()
                    .and_then(|p| p.last_modified);
        }
    }
    Ok(CopyPlan {
        space: planning::bucket_space(&to.profile, &to.bucket),
        from,
        to,
        items,
        keys: source_keys,
        seen,
        markers,
        moving: remove_source,
        journal: journal.map(crate::storage::journal::UploadJournal::open),
    })
}

/// `a/b/c/` → (`a/b/`, `c`): the folder a marker sits in, and its name.
fn split_marker(marker: &str) -> (&str, &str) {
    let trimmed = marker.trim_end_matches('/');
    match trimmed.rfind('/') {
        Some(i) => (&trimmed[..=i], &trimmed[i + 1..]),
        None => ("", trimmed),
    }
}

/// Plans the batch under `conflict` and queues every object it writes.
pub(super) async fn start_copy(ctx: &TransferContext, mut plan: CopyPlan, conflict: Conflict) {
    // Looked at again: the bucket may have changed while the person thought (another batch's
    // Keep both, say).
    let marker_names: Vec<String> = plan
        .markers
        .iter()
        .map(|m| destination(&plan.from.prefix, &plan.to.prefix, m))
        .collect();
    let target = connection_for(&ctx.connections, &plan.to.profile).await;
    if let Ok(target) = &target {
        let names: Vec<&str> = plan
            .items
            .iter()
            .map(|i| i.name.as_str())
            .chain(marker_names.iter().map(String::as_str))
            .collect();
        plan.seen =
            planning::look_in_bucket(target, &plan.to.bucket, &plan.to.prefix, &names).await;
    }
    let seen = |key: &str| plan.seen.seen(key);
    let planned = plan::plan_batch(&plan.space, &plan.items, conflict, &seen);
    planning::report(&planned, &plan.items, &ctx.sink);
    // Empty folders come along, made only where nothing is: an object of that name (bytes
    // under a name ending in `/`) stays as it is.
    // Which of the source's markers have a folder in the destination now (made, or there
    // already): only those may go with a move.
    let mut arrived = vec![false; marker_names.len()];
    if let Ok(target) = &target {
        for (name, arrived) in marker_names.iter().zip(arrived.iter_mut()) {
            match seen(name) {
                Seen::Present(_) => *arrived = true,
                Seen::Unknown => {}
                Seen::Absent => {
                    let (folder, leaf) = split_marker(name);
                    match crate::s3::objects::create_folder(target, &plan.to.bucket, folder, leaf)
                        .await
                    {
                        Ok(_) => *arrived = true,
                        Err(error) => {
                            ctx.sink.send(FilesEvent::BatchFailed {
                                error: error.into(),
                            });
                        }
                    }
                }
            }
        }
    }
    let queued_files: Vec<(String, String, u64, bool)> = planned
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
    let CopyPlan {
        from,
        to,
        keys,
        markers,
        moving,
        journal,
        ..
    } = plan;
    let batch = moving.then(|| {
        let kept: Vec<String> = planned
            .steps
            .iter()
            .filter(|step| matches!(step.action, plan::Action::Skip(_)))
            .filter_map(|step| keys.get(step.index).cloned())
            .collect();
        let carried: Vec<String> = markers
            .iter()
            .zip(&arrived)
            .filter(|(_, arrived)| **arrived)
            .map(|(marker, _)| marker.clone())
            .collect();
        let emptied = Emptied::Markers {
            profile: Box::new(from.profile.clone()),
            bucket: from.bucket.clone(),
            keys: super::moves::markers_carried(&carried, &kept),
        };
        MoveBatch::new(queued_files.len(), emptied, ctx.connections.clone())
    });
    if let Some(batch) = &batch {
        batch.settle_if_empty().await;
    }
    let server_side = from.profile.identity() == to.profile.identity();
    for (from_key, to_key, size, replace) in queued_files {
        let moves = batch.as_ref().map(|batch| {
            let source = MovedSource::Object {
                profile: Box::new(from.profile.clone()),
                bucket: from.bucket.clone(),
                key: from_key.clone(),
            };
            (batch.clone(), source)
        });
        let queued = Queued {
            name: to_key.rsplit('/').next().unwrap_or(&to_key).to_owned(),
            bucket: to.bucket.clone(),
            key: to_key,
            size,
            direction: Direction::Copy,
            local_path: PathBuf::new(),
            profile: to.profile.clone(),
            copy_from: Some(CopySource {
                profile: from.profile.clone(),
                bucket: from.bucket.clone(),
                key: from_key.clone(),
            }),
            moves,
            version_id: None,
        };
        let (from_profile, from_bucket) = (from.profile.clone(), from.bucket.clone());
        let connections = ctx.connections.clone();
        let journal = journal.clone();
        queue_transfer(
            ctx,
            queued,
            move |target, bucket, key, control| async move {
                let from_key = ObjectKey::new(from_key)
                    .map_err(|e| TransferError::InvalidName(e.to_string()))?;
                if server_side {
                    let copy = crate::s3::objects::Copy {
                        from: (&from_bucket, &from_key),
                        to: (&bucket, &key),
                        overwrite: replace,
                        control: &control,
                        journal: journal.as_ref(),
                    };
                    return crate::s3::objects::copy_object_tracked(&target, copy).await;
                }
                let source = connection_for(&connections, &from_profile)
                    .await
                    .map_err(TransferError::Connect)?;
                crate::s3::copy_across::copy_between(
                    (&source, &from_bucket, &from_key),
                    (&target, &bucket, &key),
                    replace,
                    &control,
                    journal.as_ref(),
                )
                .await
                .map(|_| ())
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_keep_their_place_under_the_source_folder() {
        assert_eq!(destination("in/", "out/", "in/a/b.txt"), "out/a/b.txt");
        assert_eq!(destination("", "out/", "x.txt"), "out/x.txt");
        assert_eq!(destination("in/", "", "in/x.txt"), "x.txt");
        assert_eq!(destination("in/", "out/", "elsewhere/y.txt"), "out/y.txt");
    }

    /// Profile `A` and `A too` reach one server; `B` another.
    fn folder(profile: &str, bucket: &str, prefix: &str) -> BucketFolder {
        let server = if profile == "B" {
            "http://127.0.0.1:2"
        } else {
            "http://127.0.0.1:1"
        };
        BucketFolder {
            profile: crate::profiles::Profile::fixed(
                profile,
                crate::profiles::ProfileSource::Demo,
                aws_credential_types::Credentials::new("a", "b", None, None, "test"),
                crate::model::Endpoint::custom(server).unwrap(),
                "us-east-1",
            ),
            bucket: crate::model::BucketName::new(bucket).unwrap(),
            prefix: prefix.into(),
        }
    }

    fn request(from: BucketFolder, prefixes: &[&str], to: BucketFolder) -> CopyRequest {
        CopyRequest {
            id: super::super::RequestId(1),
            from,
            keys: Vec::new(),
            prefixes: prefixes.iter().map(|p| (*p).to_owned()).collect(),
            to,
            remove_source: true,
            journal: None,
        }
    }

    #[test]
    fn a_copy_onto_itself_or_a_folder_into_itself_is_refused() {
        let same = request(folder("A", "bkt", "in/"), &[], folder("A", "bkt", "in/"));
        assert!(check_target(&same).is_err());
        let inside = request(
            folder("A", "bkt", ""),
            &["in/"],
            folder("A", "bkt", "in/deeper/"),
        );
        assert!(
            check_target(&inside)
                .unwrap_err()
                .to_string()
                .contains("into itself")
        );
        // Another profile on the same server and bucket is the same place.
        let same_place = request(
            folder("A", "bkt", "in/"),
            &[],
            folder("A too", "bkt", "in/"),
        );
        assert!(check_target(&same_place).is_err());
        // The same names on another server are another place.
        let elsewhere = request(
            folder("A", "bkt", "in/"),
            &["in/x/"],
            folder("B", "bkt", "in/"),
        );
        assert!(check_target(&elsewhere).is_ok());
        let sibling = request(
            folder("A", "bkt", ""),
            &["in/"],
            folder("A", "bkt", "inbox/"),
        );
        assert!(check_target(&sibling).is_ok());
    }

    #[test]
    fn a_marker_splits_into_its_folder_and_name() {
        assert_eq!(split_marker("a/b/c/"), ("a/b/", "c"));
        assert_eq!(split_marker("top/"), ("", "top"));
    }
}
