//! A second host on loopback: a TCP forwarder listening on 127.0.0.2 (a loopback alias Linux
//! answers without setup) in front of a test server on 127.0.0.1, so a link can name another
//! host than the endpoint's. Bytes pass unchanged, `Host` included: the server behind it sees
//! the host the link names, as a server answering its own domain does.

use std::net::SocketAddr;

use tokio::net::{TcpListener, TcpStream};

pub struct SecondHost {
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl SecondHost {
    /// Forwards every connection to `upstream` (a 127.0.0.1 address).
    pub async fn start(upstream: SocketAddr) -> SecondHost {
        assert!(upstream.ip().is_loopback());
        let listener = TcpListener::bind(("127.0.0.2", 0))
            .await
            .expect("127.0.0.2 is a loopback address here");
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
        });
        SecondHost { addr, task }
    }

    /// `http://127.0.0.2:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for SecondHost {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The socket address of an `http://127.0.0.1:PORT` endpoint.
pub fn socket_of(endpoint: &str) -> SocketAddr {
    endpoint
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .expect("an http://IP:PORT endpoint")
}
