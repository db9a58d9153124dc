//! The background side of the window: a tokio runtime that receives typed [`Command`]s, does
//! the S3 work, and answers with [`Event`]s, waking the UI after each one.
//!
//! `Jobs::run` is the dispatch table: one line per command, into the file of its feature
//! (`browse`, `links`, `files`, `transfers`, `settings`). Every command carries a
//! [`RequestId`]; answers repeat it, so the UI can drop answers to requests it no longer cares
//! about (a folder the person has left).

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::sync::mpsc;

use tokio::sync::{Mutex, mpsc as tokio_mpsc};
use tokio::task::AbortHandle;

mod browse;
mod buckets;
mod connections;
mod copies;
mod downloads;
mod files;
mod headers;
mod links;
mod moves;
mod planning;
mod protocol;
mod public_links;
mod queue;
mod settings;
mod transfers;
mod versions;

pub use protocol::{
    BrowseEvent, BucketFolder, CloudFrontKnown, CloudFrontRequest, Command, CopyRequest,
    CopySource, Direction, DownloadRequest, Event, FilesEvent, HeadersEvent, HeadersRead,
    HistoryEvent, JobError, LinkItem, LinksEvent, ProfilesEvent, RenameRequest, RenewRequest,
    RequestId, ShareFolderRequest, TRANSFER_CONCURRENCY, TransferId, UploadRequest,
};
pub use protocol::{BucketAnswer, BucketEvent, BucketJob, BucketRequest, UploadRuleChange};

pub use protocol::{CheckedLink, DomainSetting, HostLinks, HostLinksRequest};
pub use protocol::{VersionAction, VersionsEvent, VersionsRequest};

use connections::{Connections, connection_for};
use downloads::DownloadPlan;
use queue::TransferContext;

use crate::profiles::Profile;
use crate::s3::connection::Connection;

/// Delivers events to the UI and wakes it.
#[derive(Clone)]
struct EventSink {
    events: mpsc::Sender<Event>,
    wake: Arc<dyn Fn() + Send + Sync>,
}

impl EventSink {
    /// False once the UI has gone away.
    fn send(&self, event: impl Into<Event>) -> bool {
        let delivered = self.events.send(event.into()).is_ok();
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
            .max_blocking_threads(crate::s3::flight::FILE_THREADS)
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

async fn dispatch(mut commands: tokio_mpsc::UnboundedReceiver<Command>, sink: EventSink) {
    let mut jobs = Jobs::new(sink);
    while let Some(command) = commands.recv().await {
        jobs.run(command).await;
    }
}

/// What the dispatcher keeps between commands.
struct Jobs {
    transfers: TransferContext,
    /// Requests that Cancel may stop (listings).
    running: HashMap<RequestId, AbortHandle>,
    /// Downloads waiting for the person to say what to do with existing files.
    pending_downloads: Arc<Mutex<HashMap<RequestId, DownloadPlan>>>,
    /// Uploads waiting for the person to say what to do with existing objects.
    pending_uploads: Arc<Mutex<HashMap<RequestId, transfers::UploadPlan>>>,
    /// Copy batches waiting for the answer about objects that exist.
    pending_copies: Arc<Mutex<HashMap<RequestId, copies::CopyPlan>>>,
    /// Header edits running, each with the control its Cancel stops (and whether it ended).
    header_edits: HashMap<RequestId, headers::EditControl>,
    /// How many transfers may run at once now.
    concurrency: usize,
}

impl Jobs {
    fn new(sink: EventSink) -> Self {
        Self {
            transfers: TransferContext {
                sink,
                connections: Arc::default(),
                slots: crate::s3::flight::FileSlots::new(TRANSFER_CONCURRENCY),
                limit: crate::s3::rate_limit::RateLimit::default(),
                next_transfer: Arc::new(std::sync::atomic::AtomicU64::new(1)),
            },
            running: HashMap::new(),
            pending_downloads: Arc::default(),
            pending_uploads: Arc::default(),
            pending_copies: Arc::default(),
            concurrency: TRANSFER_CONCURRENCY,
            header_edits: HashMap::new(),
        }
    }

    fn sink(&self) -> &EventSink {
        &self.transfers.sink
    }

    fn connections(&self) -> &Connections {
        &self.transfers.connections
    }

    /// The dispatch table: each command to its feature's job. (Kept one line per command, so
    /// the table reads as one.)
    #[rustfmt::skip]
    async fn run(&mut self, command: Command) {
        self.running.retain(|_, task| !task.is_finished());
        match command {
            Command::Cancel { id } => self.cancel(id),
            Command::LoadProfiles { id, config_dir } => settings::load_profiles(self, id, config_dir),
            Command::SaveProfiles { store } => settings::save_profiles(self, store).await,
            Command::LoadSharedLinks { id, path } => settings::load_shared_links(self, id, path),
            Command::SaveSharedLinks { path, links } => settings::save_shared_links(self, path, links),
            Command::TestConnection { id, profile } => browse::test_connection(self, id, profile),
            Command::ListBuckets { id, profile } => browse::list_buckets(self, id, profile),
            Command::ListFolder { id, profile, bucket, prefix } => browse::list_folder(self, id, profile, bucket, prefix),
            Command::Search { id, profile, bucket, root, query } => browse::search(self, id, profile, bucket, root, query),
            Command::ListKeysUnder { id, profile, bucket, prefix } => browse::keys_under(self, id, profile, bucket, prefix),
            Command::ListLocal { id, path, show_hidden } => browse::list_local(self, id, path, show_hidden),
            Command::LocalChange { id, change } => browse::change_local(self, id, change),
            Command::OpenLocal { path } => browse::open_local(self, path),
            Command::PresignLinks { id, profile, bucket, items, expiry } => links::presign_links(self, id, profile, bucket, items, expiry),
            Command::PresignPost { id, profile, request } => links::presign_post(self, id, profile, request),
            Command::TestLink { id, url } => links::test_link(self, id, url),
            Command::CredentialsExpiry { id, profile } => links::credentials_expiry(self, id, profile),
            Command::LoadCloudFront { id, config_dir, bucket } => links::load_cloudfront(self, id, config_dir, bucket),
            Command::HostLinks(request) => public_links::host_links(self, request),
            Command::LoadCustomDomain { id, config_dir, bucket } => public_links::load_custom_domain(self, id, config_dir, bucket),
            Command::ImportCloudFrontKey { id, config_dir, key_id, pem_file } => links::import_cloudfront_key(self, id, config_dir, key_id, pem_file),
            Command::SignCloudFront(request) => links::sign_cloudfront(self, request),
            Command::SaveQr { id, url, path } => links::save_qr(self, id, url, path),
            Command::CheckLinks { id, links } => links::check_links(self, id, links),
            Command::RenewCloudFront { request, previous } => links::renew_cloudfront(self, request, previous),
            Command::RenewLink(request) => links::renew_link(self, request),
            Command::ShareFolder(request) => links::share_folder(self, request),
            Command::RevokePage { id, profile, bucket, key } => files::revoke_page(self, id, profile, bucket, key),
            Command::Delete { id, profile, bucket, keys, prefixes } => files::delete(self, id, profile, bucket, keys, prefixes),
            Command::CreateFolder { id, profile, bucket, prefix, name } => files::create_folder(self, id, profile, bucket, prefix, name),
            Command::Rename(request) => files::rename(self, request),
            Command::Properties { id, profile, bucket, key } => files::properties(self, id, profile, bucket, key),
            Command::ReadHeaders { id, profile, bucket, keys, prefixes } => headers::read(self, id, profile, bucket, keys, prefixes),
            Command::EditHeaders { id, profile, bucket, keys, prefixes, edit } => headers::edit(self, id, profile, (bucket, keys, prefixes), *edit),
            Command::CancelHeaderEdit { id } => headers::cancel(self, id),
            Command::Upload(request) => transfers::upload(self, request),
            Command::Copy(request) => copies::copy(self, request),
            Command::ResolveUpload { id, conflict } => transfers::resolve_upload(self, id, conflict),
            Command::Download(request) => downloads::download(self, request),
            Command::ResolveDownload { id, conflict } => downloads::resolve_download(self, id, conflict),
            Command::SweepPartials { journal } => transfers::sweep_partials(journal),
            Command::SweepUploads { profile, journal } => transfers::sweep_uploads(self, profile, journal),
            Command::SetConcurrency { transfers } => transfers::set_concurrency(self, transfers),
            Command::SetRateLimit { bytes_per_second } => transfers::set_rate_limit(self, bytes_per_second),
            Command::Bucket(request) => buckets::run(self, request),
            Command::Versions(request) => versions::versions(self, request),
        }
    }

    fn cancel(&mut self, id: RequestId) {
        if let Some(task) = self.running.remove(&id) {
            task.abort();
        }
    }

    /// Runs `work` on its own task with the profile's connection, then answers with
    /// `event(result)`. The task may be stopped with Cancel when `id` is given.
    fn answer<T, E, Work, Fut, Answer>(
        &mut self,
        cancellable: Option<RequestId>,
        profile: Profile,
        work: Work,
        event: impl FnOnce(Result<T, E>) -> Answer + Send + 'static,
    ) where
        Answer: Into<Event>,
        T: Send + 'static,
        E: From<crate::s3::connection::ConnectError> + Send + 'static,
        Work: FnOnce(Connection) -> Fut + Send + 'static,
        Fut: Future<Output = Result<T, E>> + Send + 'static,
    {
        let (sink, connections) = (self.sink().clone(), self.connections().clone());
        let task = tokio::spawn(async move {
            let result = match connection_for(&connections, &profile).await {
                Ok(connection) => work(connection).await,
                Err(e) => Err(E::from(e)),
            };
            sink.send(event(result));
        });
        if let Some(id) = cancellable {
            self.running.insert(id, task.abort_handle());
        }
    }

    /// Runs `work` (no connection needed) on its own task and answers with its event.
    fn answer_without_connection<Fut>(&self, work: Fut)
    where
        Fut: Future + Send + 'static,
        Fut::Output: Into<Event>,
    {
        let sink = self.sink().clone();
        tokio::spawn(async move {
            sink.send(work.await);
        });
    }
}
