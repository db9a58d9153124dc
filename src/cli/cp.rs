//! `pail cp`: files and (with `--recursive`) folders from disk to S3 and back, or from bucket
//! to bucket on the server itself, in the manner of `aws s3 cp`, through the same transfer
//! engine as the window: multipart uploads recorded in
//! the upload journal, downloads into partial files renamed into place, stall timeouts, keys
//! mapped safely to local names. A progress bar goes to stderr when it is a terminal; Ctrl+C
//! cancels, and waits (a little) for the cleanup.

use std::time::{Duration, Instant};

use clap::Args;

use super::cp_plan::{Job, Place, plan_copy, plan_download, plan_upload};
use super::{CliError, ConnectionArgs, note, print_line, warn};
use crate::fmt::human_size;
use crate::model::{BucketName, ObjectKey};
use crate::s3::connection::Connection;
use crate::s3::transfer::{TransferControl, TransferError};
use crate::storage::journal::{PartialJournal, UploadJournal};

/// How long Ctrl+C waits for cancelled transfers to clean up.
const CANCEL_WAIT: Duration = Duration::from_secs(10);

#[derive(Debug, Args)]
pub(crate) struct CpArgs {
    /// What to copy: a local path, or s3://BUCKET/KEY (a prefix with --recursive).
    #[arg(value_name = "SOURCE")]
    pub source: String,
    /// Where to: s3://BUCKET/KEY (ending in / for a folder) or a local path.
    #[arg(value_name = "DESTINATION")]
    pub destination: String,
    /// Copy a folder and everything in it.
    #[arg(long)]
    pub recursive: bool,
    /// Show what would be copied, and under which names, without copying anything.
    #[arg(long)]
    pub dryrun: bool,
    /// At most RATE bytes a second for the whole batch, all files together: K, M or G after
    /// the number counts in 1024s (500K, 5M, 1.5G), a plain number is bytes. Holds for uploads
    /// and downloads; a copy from bucket to bucket is made by the server and moves no bytes
    /// through Pail, so it is not limited.
    #[arg(long, value_name = "RATE", value_parser = crate::s3::rate_limit::parse_rate)]
    pub limit_rate: Option<u64>,
    /// Download this version of the object (`pail ls --versions` lists them), not the latest.
    #[arg(long, value_name = "ID")]
    pub version_id: Option<String>,
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

pub(crate) async fn cp(args: CpArgs) -> Result<(), CliError> {
    let source = Place::parse(&args.source)?;
    let destination = Place::parse(&args.destination)?;
    let connection = args.connection.connect().await?;
    let (bucket, (jobs, problems)) = match (&source, &destination) {
        (Place::Local(path), Place::S3(target)) => (
            target.bucket.clone(),
            plan_upload(path, target, args.recursive)?,
        ),
        (Place::S3(from), Place::Local(path)) => (
            from.bucket.clone(),
            plan_download(&connection, from, path, args.recursive).await?,
        ),
        (Place::S3(from), Place::S3(to)) => (
            from.bucket.clone(),
            plan_copy(&connection, from, to, args.recursive).await?,
        ),
        (Place::Local(_), Place::Local(_)) => {
            return Err(CliError::Usage(
                "one side must be s3://BUCKET/KEY: for local files, use cp".into(),
            ));
        }
    };
    for problem in &problems {
        warn(&problem.to_string());
    }
    let (jobs, set_aside) = place_jobs(jobs, &bucket, &destination);
    if args.dryrun {
        for job in &jobs {
            print_line(&format!("(dryrun) {}", job.describe(&bucket)));
        }
        return Ok(());
    }
    let problems = problems.len() + set_aside;
    let uploads = crate::storage::journal::default_path().map(UploadJournal::open);
    let partials = crate::storage::journal::default_partials_path().map(PartialJournal::open);
    // What an earlier run left behind here is cleaned up first.
    if let Some(journal) = &uploads {
        crate::s3::transfer::abort_leftovers(journal, &connection).await;
    }
    if let Some(journal) = &partials {
        journal.sweep().await;
    }
    let limit = crate::s3::rate_limit::RateLimit::new(args.limit_rate);
    let failed = run_jobs(&connection, &bucket, jobs, uploads, partials, &limit).await?;
    if failed > 0 || problems > 0 {
        return Err(CliError::Transfers(format!(
            "{} failed, {problems} skipped",
            crate::fmt::count(failed, "file", "files"),
        )));
    }
    Ok(())
}

/// The jobs as the batch planner places them, replacing what is there as `aws s3 cp` does:
/// two sources never land on one name (on this file system's rules), no file lands on a name
/// Pail keeps for partial downloads, and nothing is copied onto itself. Each name changed or
/// job left out is said on stderr; also returns how many were left out.
fn place_jobs(jobs: Vec<Job>, bucket: &BucketName, destination: &Place) -> (Vec<Job>, usize) {
    let (space, folder) = match destination {
        Place::Local(_) => {
            let root = jobs.iter().find_map(|j| match j {
                Job::Download { root, .. } => Some(root.clone()),
                _ => None,
            });
            let Some(root) = root else {
                return (jobs, 0);
            };
            (crate::local_dir::folder_space(&root), Some(root))
        }
        Place::S3(target) => {
            let space = crate::plan::Space {
                root: format!("s3|{}|", target.bucket),
                kind: crate::plan::SpaceKind::Bucket,
            };
            (space, None)
        }
    };
    let items: Vec<crate::plan::Item> = jobs
        .iter()
        .map(|job| {
            let (name, source_place, changed) = match job {
                Job::Upload { key, .. } => (key.as_str().to_owned(), None, None),
                Job::Download {
                    relative, changed, ..
                } => (relative.clone(), None, changed.clone()),
                Job::Copy { key, to, .. } => (
                    to.as_str().to_owned(),
                    Some(format!("s3|{bucket}|{key}")),
                    None,
                ),
            };
            crate::plan::Item {
                name,
                size: job.size(),
                source_mtime: None,
                source_place,
                changed,
            }
        })
        .collect();
    let seen = |name: &str| match &folder {
        Some(root) => crate::local_dir::seen_in_folder(root, name),
        // `cp` replaces what is in a bucket without looking, as `aws s3 cp` does.
        None => crate::plan::Seen::Absent,
    };
    let planned = crate::plan::plan_batch(
        &space,
        &items,
        crate::s3::download::Conflict::Overwrite,
        &seen,
    );
    let mut placed = Vec::with_capacity(jobs.len());
    let mut left_out = 0;
    let mut jobs: Vec<Option<Job>> = jobs.into_iter().map(Some).collect();
    for step in planned.steps {
        let Some(mut job) = jobs.get_mut(step.index).and_then(Option::take) else {
            continue;
        };
        match step.action {
            crate::plan::Action::Skip(reason) => {
                warn(&format!("skipped {}: {reason}", job.describe(bucket)));
                left_out += 1;
                continue;
            }
            crate::plan::Action::Renamed(reason) if made_up(&job).is_some() => {
                let wanted = match &mut job {
                    Job::Download { relative, .. } => std::mem::replace(relative, step.name),
                    _ => String::new(),
                };
                let why = made_up(&job).unwrap_or_default();
                warn(&format!(
                    "renamed: {} ({why}; `{wanted}`: {reason})",
                    job.describe(bucket)
                ));
            }
            crate::plan::Action::New | crate::plan::Action::Replace if made_up(&job).is_some() => {
                let why = made_up(&job).unwrap_or_default();
                warn(&format!("renamed: {} ({why})", job.describe(bucket)));
            }
            crate::plan::Action::Renamed(reason) => {
                let described = job.describe(bucket);
                match &mut job {
                    Job::Download { relative, .. } => *relative = step.name,
                    Job::Upload { key, .. } | Job::Copy { to: key, .. } => {
                        match ObjectKey::new(step.name) {
                            Ok(renamed) => *key = renamed,
                            Err(e) => {
                                warn(&format!("skipped {described}: {e}"));
                                left_out += 1;
                                continue;
                            }
                        }
                    }
                }
                warn(&format!(
                    "renamed {described}: {reason}; now {}",
                    job.describe(bucket)
                ));
            }
            crate::plan::Action::New | crate::plan::Action::Replace => {}
        }
        placed.push(job);
    }
    (placed, left_out)
}

/// Why the job's file has a name Pail made, if it has.
fn made_up(job: &Job) -> Option<String> {
    match job {
        Job::Download {
            changed: Some(changed),
            ..
        } => Some(changed.why.clone()),
        _ => None,
    }
}

/// One file of the batch, through the transfer engine.
async fn run_job(
    (connection, bucket): (&Connection, &BucketName),
    (job, defaults): (&Job, &crate::storage::upload_headers::UploadHeaderRules),
    control: &TransferControl,
    (uploads, partials): (Option<&UploadJournal>, Option<&PartialJournal>),
) -> Result<(), TransferError> {
    match job {
        Job::Upload { path, key, .. } => {
            // `cp` replaces what is in a bucket, as `aws s3 cp` does.
            let to = crate::s3::upload::Destination {
                bucket,
                key,
                replace: true,
            };
            // The bucket's default headers for this key (docs/headers.md), if any are set.
            let defaults = defaults.for_key(bucket.as_str(), key.as_str());
            let journal = (uploads, Some(&defaults));
            crate::s3::upload::upload_file_with_defaults(connection, to, path, control, journal)
                .await
        }
        Job::Copy {
            key, to_bucket, to, ..
        } => crate::s3::objects::copy_object(connection, bucket, key, to_bucket, to, true).await,
        Job::Download {
            key,
            root,
            relative,
            size,
            head,
            ..
        } => {
            // `cp` replaces what is there, as `aws s3 cp` does.
            let landing = crate::s3::download::Landing {
                root,
                relative,
                replace: true,
                listed_size: Some(*size),
                head: head.as_ref(),
            };
            crate::s3::download::download_object_below(
                connection, bucket, key, landing, control, partials,
            )
            .await
            .map(|_| ())
        }
    }
}

/// Runs the jobs, as many at once as `s3::flight` admits and at most as fast as `limit`
/// allows all of them together, with a progress bar; returns how many failed.
async fn run_jobs(
    connection: &Connection,
    bucket: &BucketName,
    jobs: Vec<Job>,
    uploads: Option<UploadJournal>,
    partials: Option<PartialJournal>,
    limit: &crate::s3::rate_limit::RateLimit,
) -> Result<usize, CliError> {
    let defaults = std::sync::Arc::new(super::upload_headers::for_uploads());
    let total: u64 = jobs
        .iter()
        .fold(0u64, |sum, j| sum.saturating_add(j.size()));
    let bar = indicatif::ProgressBar::new(total);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:30} {bytes}/{total_bytes} {bytes_per_sec} eta {eta} {msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let slots = crate::s3::flight::FileSlots::new(crate::s3::flight::LARGE_FILES_AT_ONCE);
    let mut tasks = tokio::task::JoinSet::new();
    let controls: Vec<TransferControl> = jobs
        .iter()
        .map(|_| TransferControl::limited(limit))
        .collect();
    // A file's task is spawned once the batch has room for it, not before: ten thousand
    // waiting futures of a whole transfer each would hold a hundred MB for nothing.
    let mut waiting = jobs.into_iter().zip(controls.iter().cloned()).peekable();
    let started = Instant::now();
    let mut failed = 0;
    let mut moved = 0u64;
    let mut cancelled_at: Option<Instant> = None;
    let mut ticker = tokio::time::interval(Duration::from_millis(100));
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    loop {
        // Once cancelled, files not started never will be.
        let next_size = waiting
            .peek()
            .filter(|_| cancelled_at.is_none())
            .map(|(job, _)| job.size());
        if next_size.is_none() && tasks.is_empty() {
            break;
        }
        tokio::select! {
            slot = slots.admit(next_size.unwrap_or(0)), if next_size.is_some() && cancelled_at.is_none() => {
                if let (Some(slot), Some((job, control))) = (slot, waiting.next()) {
                    let slot = slot.watching(&control);
                    let (connection, bucket) = (connection.clone(), bucket.clone());
                    let (uploads, partials) = (uploads.clone(), partials.clone());
                    let defaults = defaults.clone();
                    tasks.spawn(async move {
                        let place = (&connection, &bucket);
                        let journals = (uploads.as_ref(), partials.as_ref());
                        let result = run_job(place, (&job, &defaults), &control, journals).await;
                        drop(slot);
                        (job, result)
                    });
                }
            }
            done = tasks.join_next(), if !tasks.is_empty() => match done {
                None => {}
                Some(Ok((job, Ok(())))) => {
                    moved = moved.saturating_add(job.size());
                    bar.suspend(|| print_line(&job.describe(bucket)));
                }
                Some(Ok((job, Err(e)))) => {
                    failed += 1;
                    bar.suspend(|| note(&format!("{}: {}", job.describe(bucket), failure_text(&e))));
                }
                Some(Err(e)) => {
                    failed += 1;
                    bar.suspend(|| note(&format!("a transfer stopped: {e}")));
                }
            },
            _ = &mut ctrl_c, if cancelled_at.is_none() => {
                bar.suspend(|| eprintln!("pail: cancelling: aborting uploads, removing partial files…"));
                for control in &controls {
                    control.cancel();
                }
                cancelled_at = Some(Instant::now());
            }
            _ = ticker.tick() => {
                bar.set_position(controls.iter().map(TransferControl::done_bytes).fold(0u64, u64::saturating_add));
                if cancelled_at.is_some_and(|t| t.elapsed() > CANCEL_WAIT) {
                    // What is left is swept at the next start.
                    break;
                }
            }
        }
    }
    bar.finish_and_clear();
    if cancelled_at.is_some() {
        return Err(CliError::Transfers("cancelled".into()));
    }
    let seconds = started.elapsed().as_secs_f64().max(0.001);
    if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        eprintln!(
            "pail: {} in {seconds:.1} s ({}/s)",
            human_size(moved),
            human_size((moved as f64 / seconds) as u64)
        );
    }
    Ok(failed)
}

/// A job's failure for the terminal, a local file named as [`crate::fmt::path_text`] writes it.
fn failure_text(e: &TransferError) -> String {
    match e {
        TransferError::Local { path, reason } => {
            format!(
                "{}: {reason}",
                crate::fmt::path_text(std::path::Path::new(path))
            )
        }
        e => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::S3Prefix;
    use std::path::PathBuf;

    #[test]
    fn a_local_failure_names_the_file_as_the_platform_writes_it() {
        let e = TransferError::Local {
            path: r"Z:\tmp\a.bin".into(),
            reason: "denied".into(),
        };
        let shown = crate::fmt::terminal_safe(&failure_text(&e)).into_owned();
        match cfg!(windows) {
            true => assert_eq!(shown, r"Z:\tmp\a.bin: denied"),
            // Elsewhere a `\` is part of a file's name: escaped like any other text.
            false => assert_eq!(shown, r"Z:\\tmp\\a.bin: denied"),
        }
    }

    #[test]
    fn places_and_upload_keys() {
        assert_eq!(
            Place::parse("./a b.txt").unwrap(),
            Place::Local(PathBuf::from("./a b.txt"))
        );
        assert!(matches!(
            Place::parse("s3://bucket/x/").unwrap(),
            Place::S3(_)
        ));
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a b.txt");
        std::fs::write(&file, b"abc").unwrap();
        let folder: S3Prefix = "s3://bucket/in/".parse().unwrap();
        let (jobs, _) = plan_upload(&file, &folder, false).unwrap();
        assert!(
            matches!(&jobs[0], Job::Upload { key, size: 3, .. } if key.as_str() == "in/a b.txt")
        );
        let exact: S3Prefix = "s3://bucket/renamed.txt".parse().unwrap();
        let (jobs, _) = plan_upload(&file, &exact, false).unwrap();
        assert!(matches!(&jobs[0], Job::Upload { key, .. } if key.as_str() == "renamed.txt"));
        assert!(
            plan_upload(dir.path(), &folder, false).is_err(),
            "a folder needs --recursive"
        );
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("sub/c.txt"), b"c").unwrap();
        let (jobs, _) = plan_upload(dir.path(), &folder, true).unwrap();
        let keys: Vec<&str> = jobs
            .iter()
            .map(|j| match j {
                Job::Upload { key, .. } | Job::Download { key, .. } | Job::Copy { key, .. } => {
                    key.as_str()
                }
            })
            .collect();
        assert_eq!(keys, ["in/a b.txt", "in/sub/c.txt"]);
    }
}
