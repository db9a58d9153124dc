//! The background side of the window: a tokio runtime that receives typed [`Command`]s, does
//! the S3 work, and answers with [`Event`]s, waking the UI after each one.
//!
//! Every command carries a [`RequestId`]; answers repeat it, so the UI can drop answers to
//! requests it no longer cares about (a folder the person has left).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::mpsc;

use tokio::sync::{Mutex, mpsc as tokio_mpsc};

mod jobs;
mod protocol;
mod transfers;

pub use protocol::{
    Command, Direction, Event, LinkItem, RequestId, TRANSFER_CONCURRENCY, TransferId,
};

use jobs::{list_folder, presign_links, signer_for, test_connection};
use tokio::task::AbortHandle;
use transfers::{DownloadPlan, TransferContext, plan_download, start_download, upload};

use std::path::PathBuf;
use std::time::SystemTime;

use crate::profiles::{self, Profile};
use crate::s3::connection::Connection;
use crate::s3::download::Conflict;
use crate::s3::list::{self, BrowseError, BucketEntry};
use crate::s3::transfer::TransferError;
use crate::share::link_test;
use crate::storage::history;

/// Delivers events to the UI and wakes it.
#[derive(Clone)]
struct EventSink {
    events: mpsc::Sender<Event>,
    wake: Arc<dyn Fn() + Send + Sync>,
}

impl EventSink {
    /// False once the UI has gone away.
    fn send(&self, event: Event) -> bool {
        let delivered = self.events.send(event).is_ok();
        (self.wake)();
        delivered
    }
}

/// The UI's handle on the worker. Dropping it stops the worker.
pub struct Worker {
    commands: tokio_mpsc::UnboundedSender<Command>,
    runtime: Option<tokio::runtime::Runtime>,
}

/// Why the worker could not start.
#[derive(Debug, thiserror::Error)]
#[error("could not start the background worker: {0}")]
pub struct WorkerError(#[from] std::io::Error);

impl Worker {
    /// Starts the worker; `wake` is called after every event (`ctx.request_repaint()`).
    pub fn start(
        wake: impl Fn() + Send + Sync + 'static,
    ) -> Result<(Self, mpsc::Receiver<Event>), WorkerError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("pail-worker")
            .enable_all()
            .build()?;
        let (commands, receiver) = tokio_mpsc::unbounded_channel();
        let (events, event_receiver) = mpsc::channel();
        let sink = EventSink {
            events,
            wake: Arc::new(wake),
        };
        runtime.spawn(dispatch(receiver, sink));
        Ok((
            Self {
                commands,
                runtime: Some(runtime),
            },
            event_receiver,
        ))
    }

    /// Queues a command; never blocks. False if the worker has stopped.
    pub fn send(&self, command: Command) -> bool {
        self.commands.send(command).is_ok()
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            // Do not wait for requests in flight: the window is closing.
            runtime.shutdown_background();
        }
    }
}

/// Connections by profile identity (source and name), opened once: AWS profiles may run SSO or
/// STS to get credentials, which the connection then caches.
type Connections = Arc<Mutex<HashMap<String, Connection>>>;

async fn connection_for(
    connections: &Connections,
    profile: &Profile,
) -> Result<Connection, BrowseError> {
    let mut map = connections.lock().await;
    let identity = profile.identity();
    if let Some(connection) = map.get(&identity) {
        return Ok(connection.clone());
    }
    let connection = profile.connect().await?;
    map.insert(identity, connection.clone());
    Ok(connection)
}

async fn dispatch(mut commands: tokio_mpsc::UnboundedReceiver<Command>, sink: EventSink) {
    let connections: Connections = Arc::default();
    let mut running: HashMap<RequestId, AbortHandle> = HashMap::new();
    let slots = Arc::new(tokio::sync::Semaphore::new(TRANSFER_CONCURRENCY));
    // Downloads waiting for the person to say what to do with existing files.
    let pending_downloads: Arc<Mutex<HashMap<RequestId, DownloadPlan>>> = Arc::default();
    let mut concurrency = TRANSFER_CONCURRENCY;
    let next_transfer = Arc::new(std::sync::atomic::AtomicU64::new(1));
    while let Some(command) = commands.recv().await {
        running.retain(|_, task| !task.is_finished());
        match command {
            Command::Cancel { id } => {
                if let Some(task) = running.remove(&id) {
                    task.abort();
                }
            }
            Command::LoadProfiles { id, config_dir } => {
                let sink = sink.clone();
                tokio::spawn(async move {
                    let found = profiles::discover(config_dir.as_deref()).await;
                    sink.send(Event::Profiles { id, found });
                });
            }
            Command::SaveProfiles { store } => {
                let sink = sink.clone();
                // Saved profiles may have changed keys: reconnect on next use.
                connections.lock().await.clear();
                tokio::task::spawn_blocking(move || {
                    sink.send(Event::ProfilesSaved {
                        result: store.save(),
                    });
                });
            }
            Command::TestConnection { id, profile } => {
                let sink = sink.clone();
                tokio::spawn(async move {
                    let result = test_connection(&profile).await;
                    sink.send(Event::ConnectionTested { id, result });
                });
            }
            Command::ListBuckets { id, profile } => {
                let sink = sink.clone();
                let connections = connections.clone();
                let task = tokio::spawn(async move {
                    let result = match connection_for(&connections, &profile).await {
                        Ok(connection) => list::list_buckets(&connection).await,
                        Err(e) => Err(e),
                    };
                    // Keys that may not list buckets still open the profile's default bucket.
                    let result = match (result, &profile.default_bucket) {
                        (Err(BrowseError::AccessDenied { .. }), Some(bucket)) => {
                            Ok(vec![BucketEntry {
                                name: bucket.clone(),
                                region: None,
                            }])
                        }
                        (result, _) => result,
                    };
                    sink.send(Event::Buckets { id, result });
                });
                running.insert(id, task.abort_handle());
            }
            Command::PresignLinks {
                id,
                profile,
                bucket,
                items,
                expiry,
            } => {
                let sink = sink.clone();
                let connections = connections.clone();
                tokio::spawn(async move {
                    let (result, warning) = match presign_links(
                        &connections,
                        &profile,
                        &bucket,
                        &items,
                        expiry,
                    )
                    .await
                    {
                        Ok((links, warning)) => (Ok(links), warning),
                        Err(e) => (Err(e), None),
                    };
                    sink.send(Event::LinksReady {
                        id,
                        result,
                        warning,
                    });
                });
            }
            Command::PresignPost {
                id,
                profile,
                request,
            } => {
                let sink = sink.clone();
                let connections = connections.clone();
                tokio::spawn(async move {
                    let (result, warning) =
                        match signer_for(&connections, &profile, &request.bucket).await {
                            Ok(signed) => (
                                signed
                                    .signer
                                    .presign_post(&request, SystemTime::now())
                                    .await
                                    .map_err(|e| e.to_string()),
                                signed.warning,
                            ),
                            Err(e) => (Err(e), None),
                        };
                    sink.send(Event::PostFormReady {
                        id,
                        result,
                        warning,
                    });
                });
            }
            Command::TestLink { id, url } => {
                let sink = sink.clone();
                tokio::spawn(async move {
                    let result = link_test::test_get_link(&url).await;
                    sink.send(Event::LinkTested { id, result });
                });
            }
            Command::ListKeysUnder {
                id,
                profile,
                bucket,
                prefix,
            } => {
                let sink = sink.clone();
                let connections = connections.clone();
                let task = tokio::spawn(async move {
                    let result = match connection_for(&connections, &profile).await {
                        Ok(connection) => {
                            list::list_keys_under(&connection, &bucket, &prefix).await
                        }
                        Err(e) => Err(e),
                    };
                    sink.send(Event::KeysUnder { id, result });
                });
                running.insert(id, task.abort_handle());
            }
            Command::CredentialsExpiry { id, profile } => spawn_with_connection(
                &sink,
                &connections,
                profile,
                |connection| async move {
                    let credentials = connection.credentials().await.map_err(|e| e.to_string())?;
                    Ok(credentials.expiry())
                },
                move |result| Event::CredentialsExpiry { id, result },
            ),
            Command::Upload {
                profile,
                bucket,
                prefix,
                paths,
                journal,
            } => {
                let ctx = TransferContext {
                    sink: sink.clone(),
                    connections: connections.clone(),
                    slots: slots.clone(),
                    next_transfer: next_transfer.clone(),
                };
                let journal = journal.map(crate::storage::journal::UploadJournal::open);
                tokio::spawn(upload(ctx, profile, bucket, prefix, paths, journal));
            }
            Command::Delete {
                id,
                profile,
                bucket,
                keys,
                prefixes,
            } => spawn_with_connection(
                &sink,
                &connections,
                profile,
                move |connection| async move {
                    let mut report = crate::s3::objects::delete_keys(&connection, &bucket, &keys)
                        .await
                        .map_err(|e| e.to_string())?;
                    for prefix in &prefixes {
                        let more = crate::s3::objects::delete_prefix(&connection, &bucket, prefix)
                            .await
                            .map_err(|e| e.to_string())?;
                        report.deleted += more.deleted;
                        report.failures.extend(more.failures);
                    }
                    Ok(report)
                },
                move |result| Event::Deleted { id, result },
            ),
            Command::CreateFolder {
                id,
                profile,
                bucket,
                prefix,
                name,
            } => spawn_with_connection(
                &sink,
                &connections,
                profile,
                move |connection| async move {
                    crate::s3::objects::create_folder(&connection, &bucket, &prefix, &name)
                        .await
                        .map(|key| key.to_string())
                        .map_err(|e| e.to_string())
                },
                move |result| Event::FolderCreated { id, result },
            ),
            Command::Download {
                id,
                profile,
                bucket,
                base,
                keys,
                prefixes,
                target,
                partials,
            } => {
                let ctx = TransferContext {
                    sink: sink.clone(),
                    connections: connections.clone(),
                    slots: slots.clone(),
                    next_transfer: next_transfer.clone(),
                };
                let pending = pending_downloads.clone();
                tokio::spawn(async move {
                    let plan = match plan_download(
                        &ctx, &profile, &bucket, &base, keys, prefixes, &target,
                    )
                    .await
                    {
                        Ok(mut plan) => {
                            plan.partials =
                                partials.map(crate::storage::journal::PartialJournal::open);
                            plan
                        }
                        Err(error) => {
                            ctx.sink.send(Event::UploadProblem { error });
                            return;
                        }
                    };
                    let conflicts: Vec<&PathBuf> = plan
                        .files
                        .iter()
                        .map(|(_, p, _)| p)
                        .filter(|p| p.exists())
                        .collect();
                    if let Some(first) = conflicts.first() {
                        let event = Event::DownloadConflicts {
                            id,
                            count: conflicts.len(),
                            first: first.display().to_string(),
                        };
                        pending.lock().await.insert(id, plan);
                        ctx.sink.send(event);
                    } else {
                        start_download(&ctx, plan, Conflict::Overwrite);
                    }
                });
            }
            Command::SweepPartials { journal } => {
                tokio::spawn(async move {
                    crate::storage::journal::PartialJournal::open(journal)
                        .sweep()
                        .await;
                });
            }
            Command::SweepUploads { profile, journal } => {
                let connections = connections.clone();
                tokio::spawn(async move {
                    let journal = crate::storage::journal::UploadJournal::open(journal);
                    if let Ok(connection) = connection_for(&connections, &profile).await {
                        journal.abort_leftovers(&connection).await;
                    }
                });
            }
            Command::SetConcurrency { transfers } => {
                let wanted = transfers.clamp(1, 16);
                if wanted > concurrency {
                    slots.add_permits(wanted - concurrency);
                } else {
                    // Running transfers finish; fewer start from now on.
                    slots.forget_permits(concurrency - wanted);
                }
                concurrency = wanted;
            }
            Command::ResolveDownload { id, conflict } => {
                let ctx = TransferContext {
                    sink: sink.clone(),
                    connections: connections.clone(),
                    slots: slots.clone(),
                    next_transfer: next_transfer.clone(),
                };
                let pending = pending_downloads.clone();
                tokio::spawn(async move {
                    if let Some(plan) = pending.lock().await.remove(&id) {
                        start_download(&ctx, plan, conflict);
                    }
                });
            }
            Command::Rename {
                id,
                profile,
                bucket,
                from,
                to,
                overwrite,
            } => {
                let (sink, connections) = (sink.clone(), connections.clone());
                tokio::spawn(async move {
                    let result = match connection_for(&connections, &profile).await {
                        Ok(connection) => {
                            crate::s3::objects::rename_object(
                                &connection,
                                &bucket,
                                &from,
                                &to,
                                overwrite,
                            )
                            .await
                        }
                        Err(e) => Err(TransferError::Connect(e.to_string())),
                    };
                    sink.send(Event::Renamed {
                        id,
                        from,
                        to,
                        result,
                    });
                });
            }
            Command::Properties {
                id,
                profile,
                bucket,
                key,
            } => spawn_with_connection(
                &sink,
                &connections,
                profile,
                move |connection| async move {
                    crate::s3::objects::object_properties(&connection, &bucket, &key)
                        .await
                        .map_err(|e| e.to_string())
                },
                move |result| Event::PropertiesReady { id, result },
            ),
            Command::LoadSharedLinks { id, path } => {
                let sink = sink.clone();
                tokio::task::spawn_blocking(move || {
                    let (links, warning) = history::load(&path);
                    sink.send(Event::SharedLinks { id, links, warning });
                });
            }
            Command::SaveSharedLinks { path, links } => {
                let sink = sink.clone();
                tokio::task::spawn_blocking(move || {
                    if let Err(error) = history::save(&path, &links) {
                        sink.send(Event::SaveFailed { error });
                    }
                });
            }
            Command::ListFolder {
                id,
                profile,
                bucket,
                prefix,
            } => {
                let sink = sink.clone();
                let connections = connections.clone();
                let task = tokio::spawn(async move {
                    list_folder(id, &connections, &profile, &bucket, &prefix, &sink).await;
                });
                running.insert(id, task.abort_handle());
            }
        }
    }
}

/// Runs `work` on its own task with the profile's connection, then sends `event(result)`.
fn spawn_with_connection<T, Work, Fut>(
    sink: &EventSink,
    connections: &Connections,
    profile: Profile,
    work: Work,
    event: impl FnOnce(Result<T, String>) -> Event + Send + 'static,
) where
    T: Send + 'static,
    Work: FnOnce(Connection) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<T, String>> + Send + 'static,
{
    let (sink, connections) = (sink.clone(), connections.clone());
    tokio::spawn(async move {
        let result = match connection_for(&connections, &profile).await {
            Ok(connection) => work(connection).await,
            Err(e) => Err(e.to_string()),
        };
        sink.send(event(result));
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Endpoint;
    use crate::profiles::ProfileSource;

    #[tokio::test]
    async fn a_pail_and_an_aws_profile_of_one_name_get_their_own_connections() {
        let connections: Connections = Arc::default();
        let keys = aws_credential_types::Credentials::new("a", "b", None, None, "test");
        let profile = |source, port: u16| {
            Profile::fixed(
                "default",
                source,
                keys.clone(),
                Endpoint::custom(&format!("http://127.0.0.1:{port}")).unwrap(),
                "us-east-1",
            )
        };
        let pail = connection_for(&connections, &profile(ProfileSource::Pail, 1))
            .await
            .unwrap();
        let aws = connection_for(&connections, &profile(ProfileSource::AwsConfig, 2))
            .await
            .unwrap();
        assert_ne!(pail.endpoint(), aws.endpoint());
        assert_eq!(connections.lock().await.len(), 2);
    }
}
