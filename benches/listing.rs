//! Listing bound by the server, not by Pail: a flat folder of 100,000 and 1,000,000 objects
//! listed from a server that answers ListObjectsV2 pages straight from memory (this same
//! program, started again as the server, so its CPU is not counted as the client's). For each
//! size: wall time to the last row, the client's CPU per object, the heap bytes a row holds in
//! the explorer's listing, and the time to the first 1,000 rows; beside them, the same pages
//! decoded by the SDK, the anchor. Prints figures; asserts nothing.
//!
//! `cargo bench --bench listing`

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::Instant;

use pail::model::{BucketName, Endpoint};
use pail::s3::connection::Connection;
use pail::testing::listing::Listing;
use pail::testing::s3::list::Depth;
use pail::testing::s3::list::{PageRequest, list_folder_page, list_page_from};

const SERVER_ENV: &str = "PAIL_BENCH_CANNED_SERVER";
/// The server's time to answer a page, as a far server's round trip and work would take.
const LATENCY_ENV: &str = "PAIL_BENCH_CANNED_LATENCY_MS";
static LATENCY_MS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
const PAGE: usize = 1000;

/// The server: answers every request on loopback with the page its continuation token asks
/// for, out of `total` objects under `big/`.
fn serve(total: usize) {
    let Ok(listener) = TcpListener::bind("127.0.0.1:0") else {
        return;
    };
    let Ok(address) = listener.local_addr() else {
        return;
    };
    println!("{}", address.port());
    let _ = std::io::stdout().flush();
    for stream in listener.incoming().flatten() {
        std::thread::spawn(move || answer(stream, total));
    }
}

/// Keep-alive HTTP/1.1: one ListObjectsV2 page per request.
fn answer(stream: TcpStream, total: usize) {
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    loop {
        let mut head = String::new();
        let mut content_length = 0usize;
        loop {
            let mut line = String::new();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                content_length = value.trim().parse().unwrap_or(0);
            }
            if line == "\r\n" {
                break;
            }
            head.push_str(&line);
        }
        let mut body = vec![0; content_length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let query = head
            .split_whitespace()
            .nth(1)
            .and_then(|target| target.split_once('?'))
            .map(|(_, query)| query.to_owned())
            .unwrap_or_default();
        let param = |name: &str| {
            query
                .split('&')
                .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
                .map(|v| {
                    percent_encoding::percent_decode_str(v)
                        .decode_utf8_lossy()
                        .into_owned()
                })
        };
        let start = match (param("continuation-token"), param("start-after")) {
            (Some(token), _) => token.parse::<usize>().unwrap_or(0),
            // The first index whose key sorts after it: keys sort as their indices do.
            (None, Some(after)) => first_index_after(&after, total),
            (None, None) => 0,
        };
        let max_keys = param("max-keys")
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(PAGE)
            .min(PAGE);
        if LATENCY_MS.load(std::sync::atomic::Ordering::Relaxed) > 0 {
            std::thread::sleep(std::time::Duration::from_millis(
                LATENCY_MS.load(std::sync::atomic::Ordering::Relaxed),
            ));
        }
        let page = page_xml(start, total, max_keys);
        let response = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: {}\r\n\r\n",
            page.len()
        );
        if writer.write_all(response.as_bytes()).is_err()
            || writer.write_all(page.as_bytes()).is_err()
        {
            return;
        }
    }
}

fn key(i: usize) -> String {
    format!("big/part-{i:07}.parquet")
}

fn first_index_after(after: &str, total: usize) -> usize {
    let (mut lo, mut hi) = (0, total);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if key(mid).as_str() <= after {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

fn page_xml(start: usize, total: usize, max_keys: usize) -> String {
    let end = (start + max_keys).min(total);
    let mut xml = String::with_capacity(PAGE * 260);
    xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>bench</Name><Prefix>big/</Prefix><Delimiter>/</Delimiter><MaxKeys>1000</MaxKeys>");
    xml.push_str(&format!("<KeyCount>{}</KeyCount>", end - start));
    if end < total {
        xml.push_str(&format!(
            "<IsTruncated>true</IsTruncated><NextContinuationToken>{end}</NextContinuationToken>"
        ));
    } else {
        xml.push_str("<IsTruncated>false</IsTruncated>");
    }
    for i in start..end {
        xml.push_str(&format!(
            "<Contents><Key>big/part-{i:07}.parquet</Key><LastModified>2026-11-{:02}T10:{:02}:00.000Z</LastModified><ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag><Size>{}</Size><StorageClass>STANDARD</StorageClass></Contents>",
            1 + i % 28,
            i % 60,
            (i * 7919) % 50_000_000
        ));
    }
    xml.push_str("</ListBucketResult>");
    xml
}

/// CPU time (user + system) of this process so far, in seconds.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    let Some((_, after)) = stat.rsplit_once(')') else {
        return 0.0;
    };
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = fields.get(11).and_then(|v| v.parse().ok()).unwrap_or(0.0)
        + fields.get(12).and_then(|v| v.parse().ok()).unwrap_or(0.0);
    ticks / 100.0
}

/// Starts the canned server for `total` objects, answering each page after `latency_ms`.
fn start_server(total: usize, latency_ms: u64) -> Option<(std::process::Child, Connection)> {
    let mut server = Command::new(std::env::current_exe().unwrap_or_default())
        .env(SERVER_ENV, total.to_string())
        .env(LATENCY_ENV, latency_ms.to_string())
        .stdout(Stdio::piped())
        .spawn()
        .ok()?;
    let port = server
        .stdout
        .take()
        .and_then(|out| BufReader::new(out).lines().next())
        .and_then(Result::ok)
        .unwrap_or_default();
    let connection = Connection::with_static_credentials(
        aws_credential_types::Credentials::new("BENCH", "bench-secret", None, None, "bench"),
        "us-east-1",
        Endpoint::custom(&format!("http://127.0.0.1:{}", port.trim())).ok()?,
        true,
    );
    Some((server, connection))
}

/// The same folder listed page after page and with Pail's ranges side by side: one level (the
/// window, `pail ls`), or every key under it (folder links, copies, downloads, deletes; the
/// canned server has no sub-folders, so the keys are the same).
fn bench_fanned(total: usize, latency_ms: u64, depth: Depth) {
    let Some((mut server, connection)) = start_server(total, latency_ms) else {
        println!("   could not start the canned server");
        return;
    };
    let bucket = BucketName::new("bench").unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let started = Instant::now();
    let sequential = runtime.block_on(async {
        let mut rows = 0;
        let mut token = None;
        loop {
            let request = PageRequest {
                token,
                start_after: None,
                max_keys: 1000,
            };
            let page = list_page_from(&connection, &bucket, "big/", depth, request).await;
            let Ok(page) = page else {
                return 0;
            };
            rows += page.objects.len();
            token = page.next_token;
            if token.is_none() {
                return rows;
            }
        }
    });
    let one_by_one = started.elapsed();
    let started = Instant::now();
    let mut names = Vec::new();
    let mut pages = 0;
    let fanned = runtime.block_on(pail::testing::s3::list::list_fanned_after(
        &connection,
        &bucket,
        "big/",
        depth,
        pail::testing::s3::list::SEQUENTIAL_PAGES,
        |page, _| {
            pages += 1;
            names.extend(page.objects.into_iter().map(|o| o.name));
            true
        },
    ));
    let side_by_side = started.elapsed();
    let _ = server.kill();
    let _ = server.wait();
    let in_order = names.windows(2).all(|w| w[0] < w[1]);
    println!(
        "   {total:>9} objects, {latency_ms} ms a page, {}: page after page {:.2} s; in ranges {:.2} s ({:.1}× faster; {} rows in key order: {}, {pages} pages){}",
        match depth {
            Depth::OneLevel => "one folder level",
            Depth::Tree | Depth::TreeKeys => "every key under it",
        },
        one_by_one.as_secs_f64(),
        side_by_side.as_secs_f64(),
        one_by_one.as_secs_f64() / side_by_side.as_secs_f64(),
        names.len(),
        in_order && names.len() == sequential,
        fanned
            .err()
            .map(|e| format!(" failed: {e}"))
            .unwrap_or_default(),
    );
}

fn bench(total: usize) {
    let Some((mut server, connection)) = start_server(total, 0) else {
        println!("   could not start the canned server");
        return;
    };
    let bucket = BucketName::new("bench").unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut listing = Listing::default();
    let cpu_start = cpu_seconds();
    let started = Instant::now();
    let mut first_rows = None;
    let listed = runtime.block_on(async {
        let mut token = None;
        loop {
            let page = match list_folder_page(&connection, &bucket, "big/", token).await {
                Ok(page) => page,
                Err(e) => {
                    println!("   listing failed: {e}");
                    return false;
                }
            };
            token = page.next_token.clone();
            listing.append(page);
            first_rows.get_or_insert_with(|| started.elapsed());
            if token.is_none() {
                return true;
            }
        }
    });
    let wall = started.elapsed();
    let cpu = cpu_seconds() - cpu_start;

    // The anchor: the same pages through the SDK's own XML decoder, turned into the same rows
    // (how Pail listed before it read pages itself).
    let sdk_cpu_start = cpu_seconds();
    let sdk_started = Instant::now();
    let sdk_rows = runtime.block_on(async {
        let mut rows = Vec::new();
        let mut token = None;
        loop {
            let Ok(output) = connection
                .client()
                .list_objects_v2()
                .bucket("bench")
                .prefix("big/")
                .delimiter("/")
                .set_continuation_token(token)
                .send()
                .await
            else {
                return rows;
            };
            rows.extend(output.contents().iter().map(|o| {
                (
                    Box::<str>::from(o.key().unwrap_or_default().trim_start_matches("big/")),
                    o.size().unwrap_or(0),
                    o.last_modified().map(|t| t.secs()).unwrap_or(0),
                )
            }));
            token = output.next_continuation_token().map(str::to_owned);
            if token.is_none() {
                return rows;
            }
        }
    });
    let sdk_wall = sdk_started.elapsed();
    let sdk_cpu = cpu_seconds() - sdk_cpu_start;
    let _ = server.kill();
    let _ = server.wait();
    if !listed {
        return;
    }
    let rows = listing.object_count();
    let names: usize = listing.rows().iter().map(|r| r.name.len()).sum();
    println!(
        "   {rows:>9} objects: last row after {:.2} s ({:.0} objects/s); first 1,000 rows after {:.1} ms",
        wall.as_secs_f64(),
        rows as f64 / wall.as_secs_f64(),
        first_rows.unwrap_or_default().as_secs_f64() * 1e3
    );
    println!(
        "             client CPU {:.2} µs/object (the listing process, parsing and rows; 10 ms steps)",
        cpu * 1e6 / rows as f64
    );
    println!(
        "             anchor, the SDK's decoder: last row after {:.2} s, client CPU {:.2} µs/object ({} rows)",
        sdk_wall.as_secs_f64(),
        sdk_cpu * 1e6 / sdk_rows.len().max(1) as f64,
        sdk_rows.len()
    );
    println!(
        "             memory: {:.0} bytes a row beyond its key (rows, name order, view, selection), keys {:.0} bytes on average",
        listing.overhead_bytes() as f64 / rows as f64,
        names as f64 / rows as f64
    );
}

fn main() {
    if let Some(total) = std::env::var(SERVER_ENV).ok().and_then(|v| v.parse().ok()) {
        let latency = std::env::var(LATENCY_ENV).ok().and_then(|v| v.parse().ok());
        LATENCY_MS.store(latency.unwrap_or(0), std::sync::atomic::Ordering::Relaxed);
        serve(total);
        return;
    }
    println!("== listing benchmark (a server answering pages from memory, in its own process) ==");
    for total in [100_000, 1_000_000] {
        bench(total);
    }
    println!("-- one page after another, and in key ranges side by side (`start-after`)");
    for (total, latency_ms) in [(1_000_000, 0), (100_000, 20)] {
        bench_fanned(total, latency_ms, Depth::OneLevel);
    }
    bench_fanned(100_000, 20, Depth::TreeKeys);
}
