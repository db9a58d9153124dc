//! A TCP proxy on loopback between Pail and the test S3 server, to give the tests a real
//! network: a bandwidth limit per direction (shared by all connections, as one home uplink is),
//! latency, a window per connection (the bytes one connection may have on the way, as TCP's
//! window allows), a stall (connections open, no bytes moving), and a cut (every connection
//! closed and new ones refused until the server "comes back", possibly as another server behind
//! the same address). It lives as long as the [`Proxy`] value and only ever connects to
//! 127.0.0.1.
//!
//! The link it models, per direction: a byte read from one side reaches the other `latency`
//! later; at most `window` bytes of one connection are on the way at once (so one connection
//! moves at most `window / latency`); all connections together move at most `rate`.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::time::Instant;

/// Bytes read at once. 16 KiB reads made a gigabyte 65,536 chunks, each with a wake-up of
/// its own once the link had a latency: the proxy's own CPU then took from the tools' on these
/// two cores (a 1 GiB download at 20 ms ran at 78% of its rate at 0 ms).
const CHUNK: usize = 64 * 1024;
/// Bytes read at once on a capped link, whose chunks arrive whole after their time on it: a
/// slow link's bytes come in small steps, as they do (64 KiB at 64 KB/s would be a second's
/// silence between them).
const CAPPED_CHUNK: usize = 16 * 1024;
/// A chunk due within this is written now: tokio's timers count whole milliseconds anyway.
const TIMER_STEP: Duration = Duration::from_millis(1);
/// The window before [`Proxy::set_window`]: what the proxy held before it was a setting
/// (64 reads of 16 KiB).
pub const DEFAULT_WINDOW: u64 = 64 * 16 * 1024;

/// Paces one direction to `rate` bytes a second, across every connection.
#[derive(Default)]
struct Pace {
    rate: AtomicU64,
    next_free: Mutex<Option<Instant>>,
}

impl Pace {
    /// When `bytes` may have been sent.
    fn book(&self, bytes: usize) -> Option<Instant> {
        let rate = self.rate.load(Ordering::Relaxed);
        if rate == 0 {
            return None;
        }
        let mut next = self.next_free.lock().unwrap();
        let now = Instant::now();
        let start = next.filter(|t| *t > now).unwrap_or(now);
        let done = start + Duration::from_secs_f64(bytes as f64 / rate as f64);
        *next = Some(done);
        Some(done)
    }
}

#[derive(Default)]
struct State {
    upstream: Mutex<Option<SocketAddr>>,
    /// Client to server (the uplink) and server to client.
    up: Pace,
    down: Pace,
    latency_ms: AtomicU64,
    /// Bytes one connection may have on the way per direction (read, not yet written).
    window: AtomicU64,
    down_now: AtomicBool,
    frozen: AtomicBool,
    /// Client-to-server bytes after which everything is cut (0: never).
    cut_after: AtomicU64,
    sent_up: AtomicU64,
    cut: Option<watch::Sender<u64>>,
}

pub struct Proxy {
    addr: SocketAddr,
    state: Arc<State>,
    cut: watch::Sender<u64>,
    accept: tokio::task::JoinHandle<()>,
}

impl Proxy {
    /// A proxy to `upstream`, started on the current tokio runtime.
    pub async fn start(upstream: SocketAddr) -> Proxy {
        assert!(upstream.ip().is_loopback(), "tests talk to 127.0.0.1 only");
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (cut, _) = watch::channel(0u64);
        let state = Arc::new(State {
            upstream: Mutex::new(Some(upstream)),
            cut: Some(cut.clone()),
            window: AtomicU64::new(DEFAULT_WINDOW),
            ..State::default()
        });
        let accept = tokio::spawn(accept_loop(listener, state.clone(), cut.clone()));
        Proxy {
            addr,
            state,
            cut,
            accept,
        }
    }

    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Limits the uplink (client to server) and downlink, in bytes a second (0: no limit).
    pub fn set_rates(&self, up: u64, down: u64) {
        self.state.up.rate.store(up, Ordering::Relaxed);
        self.state.down.rate.store(down, Ordering::Relaxed);
    }

    pub fn set_latency(&self, latency: Duration) {
        self.state
            .latency_ms
            .store(latency.as_millis() as u64, Ordering::Relaxed);
    }

    /// The bytes one connection may have on the way per direction, for connections opened
    /// from now on.
    pub fn set_window(&self, bytes: u64) {
        self.state.window.store(bytes.max(1), Ordering::Relaxed);
    }

    /// Stops moving bytes without closing anything: a stalled connection.
    pub fn freeze(&self, frozen: bool) {
        self.state.frozen.store(frozen, Ordering::Relaxed);
    }

    /// Closes every connection and refuses new ones: the server has vanished.
    pub fn cut(&self) {
        self.state.down_now.store(true, Ordering::Relaxed);
        self.cut.send_modify(|g| *g += 1);
    }

    /// Cuts everything once `bytes` more have gone from client to server.
    pub fn cut_after_upload_bytes(&self, bytes: u64) {
        let sent = self.state.sent_up.load(Ordering::Relaxed);
        self.state.cut_after.store(sent + bytes, Ordering::Relaxed);
    }

    /// The server answers again, at `upstream` (the same one, or a restarted one).
    pub fn come_back(&self, upstream: SocketAddr) {
        assert!(upstream.ip().is_loopback());
        *self.state.upstream.lock().unwrap() = Some(upstream);
        self.state.cut_after.store(0, Ordering::Relaxed);
        self.state.down_now.store(false, Ordering::Relaxed);
    }

    pub fn is_down(&self) -> bool {
        self.state.down_now.load(Ordering::Relaxed)
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.accept.abort();
        self.cut.send_modify(|g| *g += 1);
    }
}

async fn accept_loop(listener: TcpListener, state: Arc<State>, cut: watch::Sender<u64>) {
    loop {
        let Ok((client, _)) = listener.accept().await else {
            return;
        };
        if state.down_now.load(Ordering::Relaxed) {
            drop(client);
            continue;
        }
        let Some(upstream) = *state.upstream.lock().unwrap() else {
            continue;
        };
        let (state, cut) = (state.clone(), cut.subscribe());
        tokio::spawn(async move {
            let Ok(server) = TcpStream::connect(upstream).await else {
                return;
            };
            let _ = client.set_nodelay(true);
            let _ = server.set_nodelay(true);
            let (client_read, client_write) = client.into_split();
            let (server_read, server_write) = server.into_split();
            let up = pump(client_read, server_write, state.clone(), true, cut.clone());
            let down = pump(server_read, client_write, state, false, cut);
            let _ = tokio::join!(up, down);
        });
    }
}

/// Copies one direction: read, wait out the latency and the pace, write; until either side
/// closes or the proxy cuts.
async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    state: Arc<State>,
    uplink: bool,
    mut cut: watch::Receiver<u64>,
) {
    let window = state.window.load(Ordering::Relaxed).min(u32::MAX as u64) as u32;
    let on_the_way = Arc::new(tokio::sync::Semaphore::new(window as usize));
    let (chunks, mut queue) = tokio::sync::mpsc::unbounded_channel::<(Instant, Vec<u8>, u32)>();
    let mut cut_reader = cut.clone();
    let room = on_the_way.clone();
    let rates = state.clone();
    let reader = async move {
        let mut buffer = vec![0u8; CHUNK.min(window as usize)];
        loop {
            let pace = if uplink { &rates.up } else { &rates.down };
            let capped = pace.rate.load(Ordering::Relaxed) != 0;
            let read_size = if capped { CAPPED_CHUNK } else { CHUNK }.min(buffer.len());
            // Read only what the window has room for: the rest waits in the sender's
            // socket, as it would behind a full TCP window.
            let permit = tokio::select! {
                permit = room.acquire_many(read_size as u32) => match permit {
                    Ok(permit) => permit,
                    Err(_) => return,
                },
                _ = cut_reader.changed() => return,
            };
            permit.forget();
            let n = tokio::select! {
                read = from.read(&mut buffer[..read_size]) => match read {
                    Ok(0) | Err(_) => return,
                    Ok(n) => n,
                },
                _ = cut_reader.changed() => return,
            };
            room.add_permits(read_size - n);
            if chunks
                .send((Instant::now(), buffer[..n].to_vec(), n as u32))
                .is_err()
            {
                return;
            }
        }
    };
    let writer = async move {
        let pace = if uplink { &state.up } else { &state.down };
        loop {
            let (read_at, chunk, held) = tokio::select! {
                next = queue.recv() => match next {
                    Some(next) => next,
                    None => break,
                },
                _ = cut.changed() => return,
            };
            let latency = Duration::from_millis(state.latency_ms.load(Ordering::Relaxed));
            let due = read_at + latency;
            if due > Instant::now() + TIMER_STEP {
                tokio::time::sleep_until(due).await;
            }
            while state.frozen.load(Ordering::Relaxed) {
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_millis(10)) => {}
                    _ = cut.changed() => return,
                }
            }
            if let Some(done) = pace.book(chunk.len()) {
                tokio::select! {
                    _ = tokio::time::sleep_until(done) => {}
                    _ = cut.changed() => return,
                }
            }
            if uplink {
                let sent = state
                    .sent_up
                    .fetch_add(chunk.len() as u64, Ordering::Relaxed);
                let limit = state.cut_after.load(Ordering::Relaxed);
                if limit != 0 && sent + chunk.len() as u64 >= limit {
                    state.down_now.store(true, Ordering::Relaxed);
                    if let Some(cut) = &state.cut {
                        cut.send_modify(|g| *g += 1);
                    }
                    return;
                }
            }
            if to.write_all(&chunk).await.is_err() {
                return;
            }
            on_the_way.add_permits(held as usize);
        }
        let _ = to.shutdown().await;
    };
    tokio::join!(reader, writer);
}
