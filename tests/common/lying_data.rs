//! A loopback "S3" server (127.0.0.1 only) that lies about data: an object whose HEAD and GET
//! claim an enormous Content-Length and then send a few bytes, and answers held back for a
//! while (a CopyObject the server takes its time over), for ever, or that never end. Each connection gets one
//! answer, chosen by a function of the request.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// What the test sees of a request.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What the server sends back.
pub enum Reply {
    /// An object that claims `length` bytes and holds `body`: HEAD gets the headers only, GET
    /// the headers, `body`, and a closed connection.
    Object { length: u64, body: Vec<u8> },
    /// Status and XML body, after `delay`.
    Xml {
        status: u16,
        body: String,
        delay: Duration,
    },
    /// Nothing at all, for a minute: the connection stays open and silent.
    Silence,
    /// These bytes, as they are (a status line, headers and body of the test's making).
    Raw(String),
    /// Status 200, then spaces for ever (chunked), until the client goes or 30 s pass.
    EndlessSpaces,
}

pub struct LyingServer {
    addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl LyingServer {
    pub async fn start(reply: impl Fn(&Request) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let reply = std::sync::Arc::new(reply);
        let task = tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let reply = reply.clone();
                tokio::spawn(async move {
                    let Some(request) = read_request(&mut socket).await else {
                        return;
                    };
                    match reply(&request) {
                        Reply::Object { length, body } => {
                            let head = format!(
                                "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: {length}\r\netag: \"liar\"\r\nlast-modified: Wed, 01 Jan 2025 00:00:00 GMT\r\nconnection: close\r\n\r\n"
                            );
                            if socket.write_all(head.as_bytes()).await.is_err() {
                                return;
                            }
                            if request.method == "GET" {
                                let _ = socket.write_all(&body).await;
                            }
                        }
                        Reply::Xml {
                            status,
                            body,
                            delay,
                        } => {
                            tokio::time::sleep(delay).await;
                            let answer = format!(
                                "HTTP/1.1 {status} X\r\ncontent-type: application/xml\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                                body.len()
                            );
                            let _ = socket.write_all(answer.as_bytes()).await;
                        }
                        Reply::Silence => {
                            tokio::time::sleep(Duration::from_secs(60)).await;
                        }
                        Reply::Raw(answer) => {
                            let _ = socket.write_all(answer.as_bytes()).await;
                        }
                        Reply::EndlessSpaces => {
                            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/xml\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n";
                            if socket.write_all(head.as_bytes()).await.is_err() {
                                return;
                            }
                            let chunk = format!("{:x}\r\n{}\r\n", 8192, " ".repeat(8192));
                            let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
                            while tokio::time::Instant::now() < deadline {
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

    /// A connection to this server with made-up keys, path-style, in `us-east-1`.
    pub fn connection(&self) -> pail::s3::connection::Connection {
        pail::s3::connection::Connection::with_static_credentials(
            aws_credential_types::Credentials::new("LIARKEY", "liar-secret", None, None, "test"),
            "us-east-1",
            pail::model::Endpoint::custom(&self.endpoint_url()).unwrap(),
            true,
        )
    }
}

impl Drop for LyingServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The request line and headers; a body the client sends is read and dropped.
async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<Request> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() > 64 * 1024 || socket.read(&mut byte).await.ok()? == 0 {
            return None;
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let mut lines = head.lines();
    let mut first = lines.next()?.split(' ');
    let (method, path) = (first.next()?.to_owned(), first.next()?.to_owned());
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let request = Request {
        method,
        path,
        headers,
    };
    let mut left: u64 = request
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut buffer = vec![0u8; 64 * 1024];
    while left > 0 {
        let want = buffer.len().min(left as usize);
        let n = socket.read(&mut buffer[..want]).await.ok()?;
        if n == 0 {
            break;
        }
        left -= n as u64;
    }
    Some(request)
}
