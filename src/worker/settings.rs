//! Jobs on Pail's own files: finding and saving profiles, reading and saving the shared-links
//! history. File I/O runs on the blocking pool.

use std::path::PathBuf;

use super::{HistoryEvent, Jobs, ProfilesEvent, RequestId};
use crate::profiles::{self, store::ProfileStore};
use crate::storage::history::{self, SharedLink};

/// Finds the profiles in the environment, Pail's files and the AWS config files.
pub(super) fn load_profiles(jobs: &Jobs, id: RequestId, config_dir: Option<PathBuf>) {
    jobs.answer_without_connection(async move {
        let found = profiles::discover(config_dir.as_deref()).await;
        ProfilesEvent::Found {
            id,
            found: Box::new(found),
        }
    });
}

pub(super) async fn save_profiles(jobs: &Jobs, store: ProfileStore) {
    // Saved profiles may have changed keys: reconnect on next use.
    jobs.connections().lock().await.clear();
    let sink = jobs.sink().clone();
    tokio::task::spawn_blocking(move || {
        sink.send(ProfilesEvent::Saved {
            result: store.save(),
        });
    });
}

pub(super) fn load_shared_links(jobs: &Jobs, id: RequestId, path: PathBuf) {
    let sink = jobs.sink().clone();
    tokio::task::spawn_blocking(move || {
        let (links, warning) = history::load(&path);
        sink.send(HistoryEvent::Loaded { id, links, warning });
    });
}

/// Replaces the saved history with `links`; only a failure is answered.
pub(super) fn save_shared_links(jobs: &Jobs, path: PathBuf, links: Vec<SharedLink>) {
    let sink = jobs.sink().clone();
    tokio::task::spawn_blocking(move || {
        if let Err(error) = history::save(&path, &links) {
            sink.send(HistoryEvent::SaveFailed { error });
        }
    });
}
