//! An S3 server on loopback (Pail's store over a folder, signatures checked) that answers
//! `503 SlowDown` as S3 does when asked too much: to the requests of the methods it watches
//! (PUT: PutObject and UploadPart; GET: downloads) beyond a number in flight, to the first
//! few, or to all of them. It notes how many watched requests were in flight as each arrived,
//! so a test can see whether the client sent fewer once told to slow down. Over the folder of
//! a [`LocalServer`](pail::testing::demo::server::LocalServer), it sees the same buckets.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::BodyExt;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder as ConnectionBuilder;
use pail::testing::demo::server::LocalServer;

/// Which watched requests are told to slow down.
#[derive(Debug, Clone, Copy)]
pub enum Rule {
    /// Those that arrive while this many watched requests are in flight already.
    Beyond(usize),
    /// The first this many.
    First(usize),
    /// Every one.
    Always,
}

#[derive(Default)]
struct Counts {
    in_flight: AtomicUsize,
    arrived: AtomicUsize,
    throttled: AtomicUsize,
    /// Watched requests in flight as each arrived (itself included), in order of arrival.
    seen: Mutex<Vec<usize>>,
    /// When each of `seen` arrived.
    seen_at: Mutex<Vec<std::time::Instant>>,
    /// How long each watched request is held before it is answered, in milliseconds.
    hold_ms: std::sync::atomic::AtomicU64,
}

/// A watched request's place among those in flight, given back when it is answered.
struct InFlight(Arc<Counts>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

const SLOW_DOWN: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown</Code>\
<Message>Please reduce your request rate.</Message><RequestId>throttle</RequestId></Error>";

pub struct ThrottlingServer {
    addr: SocketAddr,
    counts: Arc<Counts>,
    task: tokio::task::JoinHandle<()>,
}

impl ThrottlingServer {
    /// Serves the folder of `server`, keys named as it names them, with
    /// `access_key`/`secret_key`, throttling requests of `methods` by `rule`.
    pub async fn start(
        server: &LocalServer,
        (access_key, secret_key): (&str, &str),
        methods: &[&'static str],
        rule: Rule,
    ) -> Self {
        let store = server.same_store().unwrap();
        let mut builder = s3s::service::S3ServiceBuilder::new(store);
        builder.set_auth(s3s::auth::SimpleAuth::from_single(access_key, secret_key));
        let service = builder.build();
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let counts = Arc::new(Counts::default());
        let methods: Vec<&'static str> = methods.to_vec();
        let shared = counts.clone();
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let (service, counts, methods) = (service.clone(), shared.clone(), methods.clone());
                let answer = hyper::service::service_fn(move |request| {
                    let (service, counts) = (service.clone(), counts.clone());
                    let watched = methods.contains(&request.method().as_str());
                    answer(service, counts, watched, rule, request)
                });
                tokio::spawn(async move {
                    let _ = ConnectionBuilder::new(TokioExecutor::new())
                        .serve_connection(TokioIo::new(socket), answer)
                        .await;
                });
            }
        });
        Self { addr, counts, task }
    }

    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Holds each watched request `hold` before answering it, as a server far away would:
    /// without it a loopback server answers before many requests can be in flight.
    pub fn hold(&self, hold: Duration) {
        self.counts
            .hold_ms
            .store(hold.as_millis() as u64, Ordering::SeqCst);
    }

    /// Watched requests told to slow down so far.
    pub fn throttled(&self) -> usize {
        self.counts.throttled.load(Ordering::SeqCst)
    }

    /// Watched requests in flight as each arrived, in order of arrival.
    pub fn in_flight_seen(&self) -> Vec<usize> {
        self.counts.seen.lock().unwrap().clone()
    }

    /// [`Self::in_flight_seen`] with when each request arrived.
    pub fn in_flight_seen_at(&self) -> Vec<(std::time::Instant, usize)> {
        let at = self.counts.seen_at.lock().unwrap().clone();
        at.into_iter().zip(self.in_flight_seen()).collect()
    }
}

async fn answer(
    service: s3s::service::S3Service,
    counts: Arc<Counts>,
    watched: bool,
    rule: Rule,
    request: hyper::Request<hyper::body::Incoming>,
) -> Result<hyper::Response<s3s::Body>, s3s::HttpError> {
    let _place = if watched {
        let before = counts.in_flight.fetch_add(1, Ordering::SeqCst);
        let number = counts.arrived.fetch_add(1, Ordering::SeqCst);
        {
            let mut seen = counts.seen.lock().unwrap();
            seen.push(before + 1);
            counts
                .seen_at
                .lock()
                .unwrap()
                .push(std::time::Instant::now());
        }
        let throttle = match rule {
            Rule::Beyond(most) => before >= most,
            Rule::First(first) => number < first,
            Rule::Always => true,
        };
        let place = InFlight(counts.clone());
        let hold = counts.hold_ms.load(Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(hold)).await;
        if throttle {
            counts.throttled.fetch_add(1, Ordering::SeqCst);
            // Read the body first, as S3 does: a client still sending would see a reset, not
            // the answer.
            let _ = request.into_body().collect().await;
            let response = hyper::Response::builder()
                .status(503)
                .header("content-type", "application/xml")
                .body(s3s::Body::from(SLOW_DOWN.to_owned()))
                .unwrap();
            return Ok(response);
        }
        Some(place)
    } else {
        None
    };
    service.call(request.map(s3s::Body::from)).await
}

impl Drop for ThrottlingServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}
