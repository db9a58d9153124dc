//! Transfer jobs of the worker: planning a download batch (folders expanded, targets kept
//! inside the chosen folder), queueing each file under the concurrency limit, and walking the
//! files and folders of an upload.

use std::path::PathBuf;
use std::sync::Arc;

use super::{Connections, Direction, Event, EventSink, TransferId, connection_for};
use crate::browse;
use crate::connection::Connection;
use crate::local_path;
use crate::model::{BucketName, ObjectKey};
use crate::profiles::Profile;
use crate::transfer::{self, Conflict, TransferControl, TransferError};

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
    pub(super) partials: Option<crate::upload_journal::PartialJournal>,
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
                browse::list_keys_under(&connection, bucket, prefix)
                    .await
                    .map_err(|e| e.to_string())?,
            );
        }
    }
    let (files, problems) = download_targets(target, base, all, local_path::CASE_INSENSITIVE);
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

/// Each key's local path in `target`. Keys that cannot be saved, and keys that would meet
/// another on one file (`d/a.txt` and `d//a.txt`; `R.pdf` and `r.pdf` where case is ignored),
/// are skipped with a message naming them: two downloads never share a file.
pub(super) fn download_targets(
    target: &std::path::Path,
    base: &str,
    keys: Vec<(String, u64)>,
    case_insensitive: bool,
) -> (Vec<(String, PathBuf, u64)>, Vec<String>) {
    let mut files = Vec::with_capacity(keys.len());
    let mut problems = Vec::new();
    let mut taken: std::collections::HashMap<String, String> = Default::default();
    for (key, size) in keys {
        match local_path::local_target(target, base, &key) {
            Ok(path) => {
                let seen = local_path::collision_key(&path, case_insensitive);
                if let Some(first) = taken.get(&seen) {
                    problems.push(format!(
                        "skipped `{key}`: it would be saved to the same file as `{first}`"
                    ));
                    continue;
                }
                taken.insert(seen, key.clone());
                files.push((key, path, size));
            }
            Err(reason) => problems.push(format!("skipped `{key}`: {reason}")),
        }
    }
    (files, problems)
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
                .map_err(|e| TransferError::Remote(e.to_string()))?;
            let key =
                ObjectKey::new(queued.key).map_err(|e| TransferError::Remote(e.to_string()))?;
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
            (true, Conflict::KeepBoth) => transfer::free_name(&path),
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
                transfer::download_object_with_journal(
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

/// The files under `paths` (folders walked), each with its key relative to the drop:
/// a dropped `photos/` folder uploads as `photos/...`. Links inside a walked folder are not
/// followed (a link back into the tree would nest copies without end; one out of it would
/// upload what was not chosen), and names that are not UTF-8 cannot be keys: both are
/// reported, as are unreadable entries.
pub(super) fn files_to_upload(paths: &[PathBuf]) -> (Vec<(PathBuf, String, u64)>, Vec<String>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let mut stack: Vec<(PathBuf, String)> = Vec::new();
    for path in paths {
        match path.file_name().map(|n| n.to_str()) {
            Some(Some(name)) => stack.push((path.clone(), name.to_owned())),
            _ => problems.push(format!(
                "{}: the name is not valid UTF-8, so it cannot be a key; skipped",
                path.display()
            )),
        }
    }
    // What was dropped is followed if it is a link; what is found inside is not.
    let top: std::collections::HashSet<PathBuf> = stack.iter().map(|(p, _)| p.clone()).collect();
    while let Some((path, relative)) = stack.pop() {
        let meta = if top.contains(&path) {
            std::fs::metadata(&path)
        } else {
            std::fs::symlink_metadata(&path)
        };
        match meta {
            Ok(meta) if meta.file_type().is_symlink() => problems.push(format!(
                "{}: a link inside the folder; skipped (links are not followed)",
                path.display()
            )),
            Ok(meta) if meta.is_dir() => match std::fs::read_dir(&path) {
                Ok(entries) => {
                    for entry in entries.flatten() {
                        match entry.file_name().to_str() {
                            Some(name) => {
                                stack.push((entry.path(), format!("{relative}/{name}")));
                            }
                            None => problems.push(format!(
                                "{}: the name is not valid UTF-8, so it cannot be a key; skipped",
                                entry.path().display()
                            )),
                        }
                    }
                }
                Err(e) => problems.push(format!("{}: {e}", path.display())),
            },
            Ok(meta) if meta.is_file() => files.push((path, relative, meta.len())),
            Ok(_) => problems.push(format!("{}: not a regular file; skipped", path.display())),
            Err(e) => problems.push(format!("{}: {e}", path.display())),
        }
    }
    files.sort_by(|a, b| a.1.cmp(&b.1));
    (files, problems)
}

/// Uploads `paths` (folders walked) into `prefix`, each file a transfer under the limit.
/// Uploads an earlier failure left on the server are aborted first.
pub(super) async fn upload(
    ctx: TransferContext,
    profile: Profile,
    bucket: BucketName,
    prefix: String,
    paths: Vec<PathBuf>,
    journal: Option<crate::upload_journal::UploadJournal>,
) {
    let (sink, connections) = (&ctx.sink, &ctx.connections);

    let files = match tokio::task::spawn_blocking(move || files_to_upload(&paths)).await {
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
                transfer::upload_file_with_journal(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn folder_uploads_follow_no_links_and_report_odd_names() {
        use std::os::unix::ffi::OsStrExt;
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), b"not chosen").unwrap();
        let root = tempfile::tempdir().unwrap();
        let photos = root.path().join("photos");
        std::fs::create_dir_all(photos.join("2026")).unwrap();
        std::fs::write(photos.join("2026/a.jpg"), b"a").unwrap();
        std::os::unix::fs::symlink(".", photos.join("loop")).unwrap();
        std::os::unix::fs::symlink(outside.path(), photos.join("out")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), photos.join("s")).unwrap();
        let odd = std::ffi::OsStr::from_bytes(b"bad\xffname.jpg");
        std::fs::write(photos.join(odd), b"b").unwrap();

        let (files, problems) = files_to_upload(std::slice::from_ref(&photos));
        let keys: Vec<&str> = files.iter().map(|f| f.1.as_str()).collect();
        assert_eq!(keys, ["photos/2026/a.jpg"]);
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert_eq!(problems.iter().filter(|p| p.contains("link")).count(), 3);
        assert!(problems.iter().any(|p| p.contains("not valid UTF-8")));
    }

    #[test]
    fn keys_that_meet_on_one_file_are_not_both_downloaded() {
        let folder = std::path::Path::new("/home/me/Downloads");
        let keys = vec![
            ("d/a.txt".to_owned(), 1),
            ("d//a.txt".to_owned(), 2),
            ("R.pdf".to_owned(), 3),
            ("r.pdf".to_owned(), 4),
            ("../x".to_owned(), 5),
        ];
        let (files, problems) = download_targets(folder, "", keys.clone(), true);
        let kept: Vec<&str> = files.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(kept, ["d/a.txt", "R.pdf"]);
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].contains("`d//a.txt`") && problems[0].contains("`d/a.txt`"));
        assert!(problems[1].contains("`r.pdf`"));
        assert!(problems[2].contains("`../x`"));
        // Where case matters, R.pdf and r.pdf are two files.
        let (files, _) = download_targets(folder, "", keys, false);
        assert_eq!(files.len(), 3);
    }
}
