//! A real, signature-checking S3 server on loopback (s3s + s3s-fs over a folder, through
//! [`super::store`]), running on its own thread: the server behind `pail --demo`, and the one
//! the tests talk to.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;

use aws_credential_types::Credentials;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder as ConnectionBuilder;
use tokio::sync::oneshot;

use super::file_names::KeyNames;
use crate::model::Endpoint;
use crate::s3::connection::{Connection, DEFAULT_REGION};

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum LocalServerError {
    #[error("could not prepare the data folder {path}: {source}")]
    DataFolder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("could not listen on 127.0.0.1: {0}")]
    Listen(std::io::Error),
    #[error("could not start the server thread: {0}")]
    Thread(std::io::Error),
    #[error("the S3 file store refused the folder: {0}")]
    Store(String),
}

/// A new, empty folder under the system's temporary folder, removed when dropped.
fn temporary_folder() -> Result<tempfile::TempDir, LocalServerError> {
    tempfile::Builder::new()
        .prefix("pail-s3-")
        .tempdir()
        .map_err(|source| LocalServerError::DataFolder {
            path: std::env::temp_dir(),
            source,
        })
}

/// The file that holds `key` of `bucket` in `data_folder`, the folder of a server on this
/// system (`pail demo-server`'s): named as it names files.
pub fn object_file(data_folder: &Path, bucket: &str, key: &str) -> PathBuf {
    data_folder
        .join(bucket)
        .join(KeyNames::native().file_of(key))
}

fn store(root: &Path, names: KeyNames) -> Result<super::store::Store, LocalServerError> {
    let files =
        s3s_fs::FileSystem::new(root).map_err(|e| LocalServerError::Store(format!("{e:?}")))?;
    Ok(super::store::Store::new(files, root, names))
}

/// Finds the bucket from the whole `Host` header, as S3 does for a host that is not its own.
struct WholeHostBucket;

impl s3s::host::S3Host for WholeHostBucket {
    fn parse_host_header<'a>(&'a self, host: &'a str) -> s3s::S3Result<s3s::host::VirtualHost<'a>> {
        let name = match host.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
            _ => host,
        };
        Ok(s3s::host::VirtualHost::new(host).with_bucket(name.to_ascii_lowercase()))
    }
}

/// Work done on the server's thread before it answers: filling its folder.
pub type Prepare = Box<dyn FnOnce(&Path) -> std::io::Result<()> + Send>;

/// A running server. Dropping it stops the server (and removes a temporary data folder).
pub struct LocalServer {
    addr: SocketAddr,
    access_key: String,
    secret_key: String,
    root: PathBuf,
    /// How the server names the file of a key.
    names: KeyNames,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    // Declared last: the folder goes only after the server has stopped.
    _temp: Option<tempfile::TempDir>,
}

impl LocalServer {
    /// Serves the buckets in `root` (one folder per bucket) on a free loopback port.
    pub fn start(
        root: &Path,
        access_key: &str,
        secret_key: &str,
    ) -> Result<Self, LocalServerError> {
        Self::start_inner(
            root.to_owned(),
            None,
            access_key,
            secret_key,
            None,
            false,
            KeyNames::native(),
        )
    }

    /// Serves an empty, temporary data folder, removed when the server is dropped.
    pub fn start_temporary(access_key: &str, secret_key: &str) -> Result<Self, LocalServerError> {
        Self::start_temporary_as(access_key, secret_key, false, KeyNames::native())
    }

    /// Like [`Self::start_temporary`], naming files as on Windows on every system: to test
    /// the names Windows needs where the tests run.
    pub fn start_temporary_with_windows_names(
        access_key: &str,
        secret_key: &str,
    ) -> Result<Self, LocalServerError> {
        Self::start_temporary_as(access_key, secret_key, false, KeyNames::Windows)
    }

    /// Like [`Self::start_temporary`], also answering a bucket named after its host as S3
    /// does for a CNAME: a request whose `Host` is a name, not an IP address, is for the
    /// bucket of that whole name (port aside), its path the key alone, its signature checked
    /// for that host. Requests to `127.0.0.1:PORT` stay path-style.
    pub fn start_temporary_with_bucket_hosts(
        access_key: &str,
        secret_key: &str,
    ) -> Result<Self, LocalServerError> {
        Self::start_temporary_as(access_key, secret_key, true, KeyNames::native())
    }

    /// A temporary data folder served with these bucket-host and file-name rules.
    fn start_temporary_as(
        access_key: &str,
        secret_key: &str,
        bucket_hosts: bool,
        names: KeyNames,
    ) -> Result<Self, LocalServerError> {
        let temp = temporary_folder()?;
        let root = temp.path().to_owned();
        Self::start_inner(
            root,
            Some(temp),
            access_key,
            secret_key,
            None,
            bucket_hosts,
            names,
        )
    }

    /// Like [`Self::start_temporary`], returning as soon as the address is bound; `prepare`
    /// fills the folder on the server's thread before the first request is answered (requests
    /// made meanwhile wait in the listen queue). If `prepare` fails, the server closes instead
    /// of answering, so requests fail as to a server that is not there.
    pub fn start_temporary_prepared(
        access_key: &str,
        secret_key: &str,
        prepare: Prepare,
    ) -> Result<Self, LocalServerError> {
        let temp = temporary_folder()?;
        let root = temp.path().to_owned();
        Self::start_inner(
            root,
            Some(temp),
            access_key,
            secret_key,
            Some(prepare),
            false,
            KeyNames::native(),
        )
    }

    fn start_inner(
        root: PathBuf,
        temp: Option<tempfile::TempDir>,
        access_key: &str,
        secret_key: &str,
        prepare: Option<Prepare>,
        bucket_hosts: bool,
        names: KeyNames,
    ) -> Result<Self, LocalServerError> {
        std::fs::create_dir_all(&root).map_err(|source| LocalServerError::DataFolder {
            path: root.clone(),
            source,
        })?;
        // Between s3s-fs and the service: keys as file names, listings as S3 answers them.
        let mut builder = s3s::service::S3ServiceBuilder::new(store(&root, names)?);
        builder.set_auth(s3s::auth::SimpleAuth::from_single(access_key, secret_key));
        if bucket_hosts {
            // s3s asks only for hosts that are not IP addresses.
            builder.set_host(WholeHostBucket);
        }
        let service = builder.build();

        let listener = std::net::TcpListener::bind(("127.0.0.1", 0))
            .and_then(|l| l.set_nonblocking(true).map(|()| l))
            .map_err(LocalServerError::Listen)?;
        let addr = listener.local_addr().map_err(LocalServerError::Listen)?;
        let (shutdown, mut stop) = oneshot::channel::<()>();
        let folder = root.clone();
        let thread = std::thread::Builder::new()
            .name("pail-local-s3".into())
            .spawn(move || {
                if let Some(prepare) = prepare
                    && prepare(&folder).is_err()
                {
                    return;
                }
                let Ok(runtime) = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                else {
                    return;
                };
                runtime.block_on(async move {
                    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                        return;
                    };
                    loop {
                        let socket = tokio::select! {
                            _ = &mut stop => break,
                            accepted = listener.accept() => match accepted {
                                Ok((socket, _)) => socket,
                                Err(_) => continue,
                            },
                        };
                        let service = service.clone();
                        tokio::spawn(async move {
                            let _ = ConnectionBuilder::new(TokioExecutor::new())
                                .serve_connection(TokioIo::new(socket), service)
                                .await;
                        });
                    }
                });
                // Dropping the runtime here cancels every open connection.
            })
            .map_err(LocalServerError::Thread)?;
        Ok(Self {
            addr,
            access_key: access_key.to_owned(),
            secret_key: secret_key.to_owned(),
            root,
            names,
            shutdown: Some(shutdown),
            thread: Some(thread),
            _temp: temp,
        })
    }

    /// `http://127.0.0.1:PORT`
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn access_key(&self) -> &str {
        &self.access_key
    }

    pub fn secret_key(&self) -> &str {
        &self.secret_key
    }

    pub fn credentials(&self) -> Credentials {
        Credentials::new(
            self.access_key.clone(),
            self.secret_key.clone(),
            None,
            None,
            "pail-local-server",
        )
    }

    /// A connection to this server: its keys, path style, us-east-1.
    pub fn connection(&self) -> Connection {
        let endpoint = match Endpoint::custom(&self.endpoint_url()) {
            Ok(endpoint) => endpoint,
            // A loopback socket address always makes a valid URL.
            Err(_) => Endpoint::Aws,
        };
        Connection::with_static_credentials(self.credentials(), DEFAULT_REGION, endpoint, true)
    }

    /// The data folder: one sub-folder per bucket.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The file that holds `key` of `bucket`, named as this server names it: on Windows, or
    /// when started [`Self::start_temporary_with_windows_names`], not the key itself.
    pub fn object_path(&self, bucket: &str, key: &str) -> PathBuf {
        self.root.join(bucket).join(self.names.file_of(key))
    }

    /// The S3 operations of this server over its folder, keys named as it names them: for a
    /// test's own service over the same buckets.
    pub fn same_store(&self) -> Result<impl s3s::S3 + use<>, LocalServerError> {
        store(&self.root, self.names)
    }

    /// Makes an empty bucket (a folder in the data folder).
    pub fn create_bucket(&self, name: &str) -> std::io::Result<()> {
        std::fs::create_dir_all(self.root.join(name))
    }

    /// Stops serving; new connections are refused and open ones are cut.
    pub fn stop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for LocalServer {
    fn drop(&mut self) {
        self.stop();
    }
}
