//! The window's engine — the worker behind the Transfers panel — timed on a folder, for the
//! transfer bench's "window" rows.

use std::path::Path;
use std::time::{Duration, Instant};

use pail::model::{BucketName, Endpoint};
use pail::testing::demo::{DEMO_ACCESS_KEY, DEMO_SECRET_KEY};

/// The window's engine (the worker behind the Transfers panel) moving the case's folder: up
/// from `source` to `target_prefix`, or down from `stored_prefix` into `local`; the seconds
/// until every file's transfer has ended, or why it failed.
pub fn through_the_window(
    bucket: &str,
    endpoint: &str,
    files: usize,
    direction: Result<(&Path, &str), (&str, &Path)>,
) -> Result<f64, String> {
    use pail::testing::profiles::{Profile, ProfileSource};
    use pail::testing::worker::{
        Command, DownloadRequest, Event, FilesEvent, RequestId, UploadRequest, Worker,
    };
    let credentials =
        aws_credential_types::Credentials::new(DEMO_ACCESS_KEY, DEMO_SECRET_KEY, None, None, "b");
    let endpoint = Endpoint::custom(endpoint).map_err(|e| e.to_string())?;
    let profile = Profile::fixed(
        "Bench",
        ProfileSource::Demo,
        credentials,
        endpoint,
        "us-east-1",
    );
    let bucket = BucketName::new(bucket).map_err(|e| e.to_string())?;
    let command = match direction {
        Ok((source, prefix)) => Command::Upload(UploadRequest {
            id: RequestId(1),
            profile,
            bucket,
            prefix: prefix.to_owned(),
            paths: vec![source.to_owned()],
            journal: None,
            remove_source: false,
            upload_headers: None,
        }),
        Err((prefix, local)) => Command::Download(DownloadRequest {
            id: RequestId(1),
            profile,
            bucket,
            base: "bench/".into(),
            keys: Vec::new(),
            prefixes: vec![prefix.to_owned()],
            target: local.to_owned(),
            partials: None,
            remove_source: false,
        }),
    };
    let (worker, events) = Worker::start(|| {}).map_err(|e| e.to_string())?;
    let start = Instant::now();
    worker.send(command);
    let mut ended = 0;
    while ended < files {
        match events.recv_timeout(Duration::from_secs(60)) {
            Ok(Event::Files(FilesEvent::TransferFinished { result, .. })) => {
                result.map_err(|e| e.to_string())?;
                ended += 1;
            }
            Ok(Event::Files(FilesEvent::BatchFailed { error })) => return Err(error.to_string()),
            Ok(Event::Files(
                FilesEvent::UploadConflicts { .. } | FilesEvent::DownloadConflicts { .. },
            )) => return Err("asked about files that exist".into()),
            Ok(_) => {}
            Err(_) => return Err(format!("stopped after {ended} of {files} files")),
        }
    }
    Ok(start.elapsed().as_secs_f64())
}
