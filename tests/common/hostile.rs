//! A broken or hostile "S3" server on loopback, for the tests that check Pail stays bounded:
//! it answers every request through a function of the request line, closes each connection
//! after one answer, and can send an endless body (for at most 30 s).

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// What the server sends back.
pub enum Answer {
    /// Status and XML body.
    Xml(u16, String),
    /// Status, then body bytes for ever (chunked), until the client goes or 30 s pass.
    Endless(u16),
}

pub struct HostileServer {
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl HostileServer {
    pub async fn start(answer: impl Fn(&str) -> Answer + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let answer = std::sync::Arc::new(answer);
        let task = tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let answer = answer.clone();
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") && head.len() < 64 * 1024 {
                        if socket.read(&mut byte).await.unwrap_or(0) == 0 {
                            return;
                        }
                        head.push(byte[0]);
                    }
                    let head = String::from_utf8_lossy(&head).into_owned();
                    let line = head.lines().next().unwrap_or("").to_owned();
                    match answer(&line) {
                        Answer::Xml(status, body) => {
                            let reply = format!(
                                "HTTP/1.1 {status} X\r\ncontent-type: application/xml\r\ncontent-length: {}\r\nx-amz-bucket-region: us-east-1\r\nconnection: close\r\n\r\n{body}",
                                body.len()
                            );
                            let _ = socket.write_all(reply.as_bytes()).await;
                        }
                        Answer::Endless(status) => {
                            let start = format!(
                                "HTTP/1.1 {status} X\r\ncontent-type: application/xml\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n"
                            );
                            if socket.write_all(start.as_bytes()).await.is_err() {
                                return;
                            }
                            let chunk = format!("{:x}\r\n{}\r\n", 8192, "x".repeat(8192));
                            let deadline = Instant::now() + Duration::from_secs(30);
                            while Instant::now() < deadline {
                                if socket.write_all(chunk.as_bytes()).await.is_err() {
                                    return;
                                }
                            }
                        }
                    }
                    let _ = socket.shutdown().await;
                });
            }
        });
        Self { addr, task }
    }

    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for HostileServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}
