//! A broken or hostile "S3" server on loopback, for the tests that check Pail stays bounded
//! and believes nothing blindly: it answers every request through a function of the request
//! line, closes each connection after one answer, and has one mode per lie a real server or
//! proxy tells ([`Lie`]): an HTML page, an empty body, a truncated page without a token, keys
//! outside the prefix, names with control characters, an endless body, a huge Content-Length,
//! a slow answer. It never sends for more than 30 s.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The longest any answer goes on.
const LONGEST: Duration = Duration::from_secs(30);

/// What the server sends back.
pub enum Answer {
    /// Status and XML body.
    Xml(u16, String),
    /// Status and a body of any type, as given.
    Body {
        status: u16,
        content_type: &'static str,
        body: Vec<u8>,
    },
    /// Status, then body bytes for ever (chunked), until the client goes or 30 s pass.
    Endless(u16),
    /// Status and a Content-Length header claiming `claimed` bytes, then only `body` (and the
    /// connection held open until the client goes or 30 s pass): a length no one may reserve.
    HugeLength {
        status: u16,
        claimed: u64,
        body: Vec<u8>,
    },
    /// `answer` after `head_after` of silence; its body (for `Xml` and `Body`) in `pieces`
    /// pieces, each after `between`: a CopyObject that takes minutes, or a link that trickles.
    Slow {
        head_after: Duration,
        pieces: usize,
        between: Duration,
        answer: Box<Answer>,
    },
}

/// One mode per lie, for a listing (ListObjectsV2) of `prefix`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lie {
    /// A login page, status 200.
    HtmlPage,
    /// Status 200 and nothing.
    EmptyBody,
    /// `IsTruncated` true, and no continuation token.
    TruncatedWithoutToken,
    /// The prefix ignored: keys of the whole bucket.
    KeysOutsidePrefix,
    /// Names with control characters, a terminal escape (OSC 52, a clipboard write) and a line
    /// break: url-encoded when the request asks for `encoding-type=url`, as S3 does; raw
    /// otherwise, as S3 does too (which no XML reader accepts).
    ControlCharacters,
    /// Body bytes for ever.
    EndlessBody,
    /// A Content-Length of 2^62 and a short body.
    HugeContentLength,
}

impl Lie {
    pub const ALL: [Lie; 7] = [
        Lie::HtmlPage,
        Lie::EmptyBody,
        Lie::TruncatedWithoutToken,
        Lie::KeysOutsidePrefix,
        Lie::ControlCharacters,
        Lie::EndlessBody,
        Lie::HugeContentLength,
    ];

    /// The name [`Lie::ControlCharacters`] lists, after the prefix.
    pub const CONTROL_NAME: &str = "bell\u{7}\u{1b}]52;c;cHduZWQ=\u{7}\nforged row\u{1}";

    /// The lie told in answer to the request `line`, a listing of the prefix it asks for.
    pub fn answer(self, line: &str) -> Answer {
        let prefix = query_param(line, "prefix").unwrap_or_default();
        let prefix = prefix.as_str();
        match self {
            Lie::HtmlPage => Answer::Body {
                status: 200,
                content_type: "text/html",
                body: b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><form action=\"/login\"><input name=\"user\"/></form></body></html>".to_vec(),
            },
            Lie::EmptyBody => Answer::Xml(200, String::new()),
            Lie::TruncatedWithoutToken => Answer::Xml(
                200,
                listing_page(prefix, &[&format!("{prefix}first")], true, None),
            ),
            Lie::KeysOutsidePrefix => Answer::Xml(
                200,
                listing_page(
                    prefix,
                    &[
                        "elsewhere/precious.doc",
                        &format!("{prefix}inside.txt"),
                        "zz-outside",
                    ],
                    false,
                    None,
                ),
            ),
            Lie::ControlCharacters => {
                let key = format!("{prefix}{}", Self::CONTROL_NAME);
                if query_param(line, "encoding-type").as_deref() == Some("url") {
                    let encoded = url_encoded(&key);
                    let page = listing_page(&url_encoded(prefix), &[&encoded], false, None);
                    let page = page.replacen(
                        "<IsTruncated>",
                        "<EncodingType>url</EncodingType><IsTruncated>",
                        1,
                    );
                    Answer::Xml(200, page)
                } else {
                    Answer::Xml(200, listing_page(prefix, &[&key], false, None))
                }
            }
            Lie::EndlessBody => Answer::Endless(200),
            Lie::HugeContentLength => Answer::HugeLength {
                status: 200,
                claimed: 1 << 62,
                body: listing_page(prefix, &[], false, None).into_bytes(),
            },
        }
    }
}

/// A ListObjectsV2 page of `keys` (each 1 byte), with `<`, `>`, `&` escaped and nothing
/// else: keys are sent as given, as a server that ignores `encoding-type` does.
pub fn listing_page(prefix: &str, keys: &[&str], truncated: bool, token: Option<&str>) -> String {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>bucket</Name><Prefix>{}</Prefix><KeyCount>{}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>{truncated}</IsTruncated>",
        escape(prefix),
        keys.len()
    );
    for key in keys {
        xml.push_str(&format!(
            "<Contents><Key>{}</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>\"e\"</ETag><Size>1</Size><StorageClass>STANDARD</StorageClass></Contents>",
            escape(key)
        ));
    }
    if let Some(token) = token {
        xml.push_str(&format!(
            "<NextContinuationToken>{}</NextContinuationToken>",
            escape(token)
        ));
    }
    xml.push_str("</ListBucketResult>");
    xml
}

/// `text` encoded as S3 encodes names for `encoding-type=url`: a space as `+`, `/` and
/// unreserved characters as they are, every other byte as `%XX`.
pub fn url_encoded(text: &str) -> String {
    let mut out = String::new();
    for &b in text.as_bytes() {
        match b {
            b' ' => out.push('+'),
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

pub struct HostileServer {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl HostileServer {
    pub async fn start(answer: impl Fn(&str) -> Answer + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let answer = Arc::new(answer);
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = requests.clone();
        let task = tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let answer = answer.clone();
                let seen = seen.clone();
                tokio::spawn(async move {
                    let Some(line) = read_request(&mut socket).await else {
                        return;
                    };
                    seen.lock().unwrap().push(line.clone());
                    send(&mut socket, answer(&line)).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
        Self {
            addr,
            requests,
            task,
        }
    }

    /// A server telling `lie` to every request: each is answered as a listing of the prefix
    /// the request asks for.
    pub async fn lying(lie: Lie) -> Self {
        Self::start(move |line| lie.answer(line)).await
    }

    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The request lines received so far (`GET /bucket?list-type=2&… HTTP/1.1`).
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for HostileServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A query parameter of a request line, percent-decoded.
pub fn query_param(line: &str, name: &str) -> Option<String> {
    let target = line.split(' ').nth(1)?;
    let (_, query) = target.split_once('?')?;
    query.split('&').find_map(|pair| {
        let value = pair.strip_prefix(name)?.strip_prefix('=')?;
        Some(
            percent_encoding::percent_decode_str(value)
                .decode_utf8_lossy()
                .into_owned(),
        )
    })
}

/// Reads a request's head and the body its Content-Length announces (up to 64 MiB, thrown
/// away); returns the request line.
async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 64 * 1024 {
        if socket.read(&mut byte).await.unwrap_or(0) == 0 {
            return None;
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let length: u64 = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    let mut left = length.min(64 << 20);
    let mut buffer = vec![0u8; 64 * 1024];
    while left > 0 {
        let want = buffer.len().min(left as usize);
        match socket.read(&mut buffer[..want]).await {
            Ok(0) | Err(_) => break,
            Ok(n) => left -= n as u64,
        }
    }
    Some(head.lines().next().unwrap_or("").to_owned())
}

fn head(status: u16, content_type: &str, length: &str) -> String {
    format!(
        "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\n{length}x-amz-bucket-region: us-east-1\r\nconnection: close\r\n\r\n"
    )
}

/// Sends `answer`; boxed, as a slow answer sends another.
fn send<'a>(
    socket: &'a mut tokio::net::TcpStream,
    answer: Answer,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + 'a>> {
    Box::pin(async move {
        let started = Instant::now();
        match answer {
            Answer::Xml(status, body) => {
                send_whole(
                    socket,
                    status,
                    "application/xml",
                    body.as_bytes(),
                    1,
                    Duration::ZERO,
                )
                .await;
            }
            Answer::Body {
                status,
                content_type,
                body,
            } => send_whole(socket, status, content_type, &body, 1, Duration::ZERO).await,
            Answer::Endless(status) => {
                let start = head(status, "application/xml", "transfer-encoding: chunked\r\n");
                if socket.write_all(start.as_bytes()).await.is_err() {
                    return;
                }
                // At most 64 MB/s: fast enough to pass any sensible cap in a second, slow
                // enough that a client without one fills no machine's memory in a test. Paced
                // by the clock, not by a 1 ms sleep per 64 KiB: Windows sleeps in ~15.6 ms
                // steps, which made that 4 MB/s there.
                const RATE: f64 = 64e6;
                let chunk = format!("{:x}\r\n{}\r\n", 8192, "x".repeat(8192));
                let mut sent = 0u64;
                while started.elapsed() < LONGEST {
                    if socket.write_all(chunk.as_bytes()).await.is_err() {
                        return;
                    }
                    sent += 8192;
                    let due = Duration::from_secs_f64(sent as f64 / RATE);
                    if let Some(ahead) = due.checked_sub(started.elapsed()) {
                        tokio::time::sleep(ahead).await;
                    }
                }
            }
            Answer::HugeLength {
                status,
                claimed,
                body,
            } => {
                let start = head(
                    status,
                    "application/xml",
                    &format!("content-length: {claimed}\r\n"),
                );
                if socket.write_all(start.as_bytes()).await.is_err()
                    || socket.write_all(&body).await.is_err()
                {
                    return;
                }
                // Held open, so the client sees a body that has not ended rather than a cut.
                let mut sink = [0u8; 1024];
                let _ = tokio::time::timeout(LONGEST, async {
                    while socket.read(&mut sink).await.unwrap_or(0) > 0 {}
                })
                .await;
            }
            Answer::Slow {
                head_after,
                pieces,
                between,
                answer,
            } => {
                tokio::time::sleep(head_after.min(LONGEST)).await;
                match *answer {
                    Answer::Xml(status, body) => {
                        send_whole(
                            socket,
                            status,
                            "application/xml",
                            body.as_bytes(),
                            pieces,
                            between,
                        )
                        .await;
                    }
                    Answer::Body {
                        status,
                        content_type,
                        body,
                    } => send_whole(socket, status, content_type, &body, pieces, between).await,
                    other => send(socket, other).await,
                }
            }
        }
    })
}

/// A head with the body's length, then the body in `pieces` pieces, `between` before each.
async fn send_whole(
    socket: &mut tokio::net::TcpStream,
    status: u16,
    content_type: &str,
    body: &[u8],
    pieces: usize,
    between: Duration,
) {
    let start = head(
        status,
        content_type,
        &format!("content-length: {}\r\n", body.len()),
    );
    if socket.write_all(start.as_bytes()).await.is_err() {
        return;
    }
    let size = body.len().div_ceil(pieces.max(1)).max(1);
    for piece in body.chunks(size) {
        if pieces > 1 {
            tokio::time::sleep(between).await;
        }
        if socket.write_all(piece).await.is_err() {
            return;
        }
    }
}
