//! An S3 server on loopback (Pail's store over a folder, signatures checked) that answers
//! AccessDenied to the operations named: credentials that may write but not read or list.
//! Over the folder of a [`LocalServer`], it sees the same buckets.

use std::net::SocketAddr;

use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder as ConnectionBuilder;
use pail::testing::demo::server::LocalServer;

struct Refuse(Vec<&'static str>);

#[async_trait::async_trait]
impl s3s::access::S3Access for Refuse {
    async fn check(&self, cx: &mut s3s::access::S3AccessContext<'_>) -> s3s::S3Result<()> {
        if self.0.contains(&cx.s3_op().name()) {
            return Err(s3s::s3_error!(AccessDenied, "refused for these keys"));
        }
        Ok(())
    }
}

pub struct RefusingServer {
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl RefusingServer {
    /// Serves the folder of `server`, keys named as it names them, with
    /// `access_key`/`secret_key`, refusing the operations in `refused` (`"HeadObject"`,
    /// `"ListObjectsV2"`, …).
    pub async fn start(
        server: &LocalServer,
        access_key: &str,
        secret_key: &str,
        refused: Vec<&'static str>,
    ) -> Self {
        let store = server.same_store().unwrap();
        let mut builder = s3s::service::S3ServiceBuilder::new(store);
        builder.set_auth(s3s::auth::SimpleAuth::from_single(access_key, secret_key));
        builder.set_access(Refuse(refused));
        let service = builder.build();
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let service = service.clone();
                tokio::spawn(async move {
                    let _ = ConnectionBuilder::new(TokioExecutor::new())
                        .serve_connection(TokioIo::new(socket), service)
                        .await;
                });
            }
        });
        Self { addr, task }
    }

    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for RefusingServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}
