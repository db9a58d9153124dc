//! The real worker driven as the window drives it, for batch tests: requests built, questions
//! answered, events gathered until every transfer has finished.

use std::path::{Path, PathBuf};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use pail::model::{BucketName, Endpoint};
use pail::testing::plan::Outlook;
use pail::testing::profiles::{Profile, ProfileSource};
use pail::testing::s3::download::Conflict;
use pail::testing::worker::{
    BucketFolder, Command, CopyRequest, DownloadRequest, Event, FilesEvent, RequestId,
    UploadRequest, Worker,
};

use super::{ACCESS_KEY, SECRET_KEY};

pub fn profile(name: &str, endpoint_url: &str) -> Profile {
    Profile::fixed(
        name,
        ProfileSource::Demo,
        aws_credential_types::Credentials::new(ACCESS_KEY, SECRET_KEY, None, None, "test"),
        Endpoint::custom(endpoint_url).unwrap(),
        "us-east-1",
    )
}

/// What a batch did, as the worker told it.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The question, if one was asked.
    pub asked: Option<Outlook>,
    pub failed: Vec<String>,
    pub said: Vec<String>,
}

/// Collects events until every queued transfer has finished and the worker is quiet;
/// answers questions with `answer` (ids in `hold` are left unanswered and returned).
pub fn drain(
    worker: &Worker,
    events: &Receiver<Event>,
    answer: Option<Conflict>,
    hold: &[RequestId],
    stop_when_asked: usize,
) -> (Outcome, Vec<RequestId>) {
    let mut outcome = Outcome::default();
    let mut held = Vec::new();
    let (mut queued, mut finished) = (0, 0);
    let deadline = Instant::now() + Duration::from_secs(60);
    // Quiet for 1.5 s once the batch has said something, and has queued at least what the
    // answers said it would write, means it is done. Before that, planning may take longer
    // than 1.5 s on a busy machine (under Wine it did, both before the question and between
    // the answer and the first queued file).
    let mut heard = false;
    let mut expected = 0;
    let mut quiet_since = Instant::now();
    while Instant::now() < deadline {
        let event = match events.recv_timeout(Duration::from_millis(1500)) {
            Ok(event) => event,
            Err(_) if queued == finished && queued >= expected && heard => break,
            Err(_) if queued == finished && quiet_since.elapsed() > Duration::from_secs(10) => {
                break;
            }
            Err(_) => continue,
        };
        quiet_since = Instant::now();
        let Event::Files(event) = event else {
            continue;
        };
        heard = true;
        match event {
            FilesEvent::UploadConflicts { id, outlook, .. } => {
                outcome.asked = Some(*outlook);
                if hold.contains(&id) {
                    held.push(id);
                    if held.len() >= stop_when_asked {
                        break;
                    }
                } else {
                    expected += writes(&outcome, answer);
                    worker.send(Command::ResolveUpload {
                        id,
                        conflict: answer,
                    });
                }
            }
            FilesEvent::DownloadConflicts { id, outlook, .. } => {
                outcome.asked = Some(*outlook);
                if hold.contains(&id) {
                    held.push(id);
                    if held.len() >= stop_when_asked {
                        break;
                    }
                } else {
                    expected += writes(&outcome, answer);
                    worker.send(Command::ResolveDownload {
                        id,
                        conflict: answer,
                    });
                }
            }
            FilesEvent::TransferQueued { .. } => queued += 1,
            FilesEvent::TransferFinished { result, .. } => {
                finished += 1;
                if let Err(e) = result {
                    outcome.failed.push(e.to_string());
                }
            }
            FilesEvent::Skipped { skipped } => outcome.said.push(skipped.to_string()),
            FilesEvent::BatchFailed { error } => {
                outcome.failed.push(error.to_string());
                break;
            }
            _ => {}
        }
    }
    (outcome, held)
}

/// How many files the batch just asked about writes under `answer` (none if it is cancelled).
fn writes(outcome: &Outcome, answer: Option<Conflict>) -> usize {
    match (&outcome.asked, answer) {
        (Some(outlook), Some(answer)) => {
            let summary = outlook.of(answer);
            summary.new + summary.replace + summary.renamed
        }
        _ => 0,
    }
}

pub fn run(
    worker: &Worker,
    events: &Receiver<Event>,
    command: Command,
    answer: Option<Conflict>,
) -> Outcome {
    assert!(worker.send(command));
    drain(worker, events, answer, &[], 0).0
}

pub fn folder(profile: &Profile, bucket: &str, prefix: &str) -> BucketFolder {
    BucketFolder {
        profile: profile.clone(),
        bucket: BucketName::new(bucket).unwrap(),
        prefix: prefix.into(),
    }
}

pub fn copy(id: u64, from: BucketFolder, prefixes: &[&str], to: BucketFolder, mv: bool) -> Command {
    Command::Copy(Box::new(CopyRequest {
        id: RequestId(id),
        from,
        keys: Vec::new(),
        prefixes: prefixes.iter().map(|p| (*p).to_owned()).collect(),
        to,
        remove_source: mv,
        journal: None,
    }))
}

pub fn upload(
    id: u64,
    profile: &Profile,
    bucket: &str,
    prefix: &str,
    paths: Vec<PathBuf>,
    mv: bool,
) -> Command {
    Command::Upload(UploadRequest {
        id: RequestId(id),
        profile: profile.clone(),
        bucket: BucketName::new(bucket).unwrap(),
        prefix: prefix.into(),
        paths,
        journal: None,
        remove_source: mv,
        upload_headers: None,
    })
}

pub fn download(
    id: u64,
    profile: &Profile,
    bucket: &str,
    prefixes: &[&str],
    target: &Path,
) -> Command {
    Command::Download(DownloadRequest {
        id: RequestId(id),
        profile: profile.clone(),
        bucket: BucketName::new(bucket).unwrap(),
        base: String::new(),
        keys: Vec::new(),
        prefixes: prefixes.iter().map(|p| (*p).to_owned()).collect(),
        target: target.to_owned(),
        partials: None,
        remove_source: false,
    })
}

pub fn start_worker() -> (Worker, Receiver<Event>) {
    Worker::start(|| {}).unwrap()
}
