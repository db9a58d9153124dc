//! The explorer's figures: client CPU per listed object (against boto3's paginator, same server),
//! a million synthetic rows (frame time, filter, sort, memory per row), time to first rows, and
//! the idle CPU of the real window under Xvfb. Prints figures; asserts nothing.
//!
//! `cargo bench --bench explorer`

mod common;

use common::DemoServerProcess;

use std::alloc::{GlobalAlloc, Layout, System};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use pail::model::BucketName;
use pail::model::Endpoint;
use pail::s3::connection::Connection;
use pail::testing::app::PailApp;
use pail::testing::app::state::AppState;
use pail::testing::demo::{DEMO_ACCESS_KEY, DEMO_SECRET_KEY};
use pail::testing::listing::{Sort, SortColumn};
use pail::testing::s3::list::{FolderPage, ObjectEntry, StorageClass, list_folder_page};
use pail::testing::worker::{BrowseEvent, Command as WorkerCommand, Event};

/// Counts live heap bytes, to measure memory per row.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size, Ordering::Relaxed);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// CPU time (user + system) of a process from /proc, in seconds.
fn cpu_seconds(pid: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

const BOTO3_LIST: &str = r#"
import sys, time, boto3
from botocore.config import Config
s3 = boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1",
                  aws_access_key_id="pail-demo", aws_secret_access_key="pail-demo-secret",
                  config=Config(s3={"addressing_style": "path"}))
best = None
for _ in range(3):
    start = time.process_time()
    n = 0
    for page in s3.get_paginator("list_objects_v2").paginate(
            Bucket="pail-demo", Prefix="many-objects/", Delimiter="/"):
        n += len(page.get("Contents", []))
    cpu = time.process_time() - start
    best = cpu if best is None else min(best, cpu)
print(n, best)
"#;

fn bench_listing_cpu() {
    println!(
        "-- listing the demo's many-objects/ (10,000 objects, 10 pages) from `pail demo-server`"
    );
    let Some(server) = DemoServerProcess::start() else {
        println!("   could not start `pail demo-server`");
        return;
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let credentials =
        aws_credential_types::Credentials::new(DEMO_ACCESS_KEY, DEMO_SECRET_KEY, None, None, "b");
    let connection = Connection::with_static_credentials(
        credentials,
        "us-east-1",
        Endpoint::custom(&server.endpoint).unwrap(),
        true,
    );
    let bucket = BucketName::new("pail-demo").unwrap();
    // Five rounds summed: /proc counts CPU in 10 ms steps.
    let rounds = 5;
    let mut cpu_total = 0.0;
    let mut best_wall = Duration::MAX;
    let mut count = 0;
    for _ in 0..rounds {
        let cpu_start = cpu_seconds("self").unwrap_or(0.0);
        let wall = Instant::now();
        count = runtime.block_on(async {
            let mut token = None;
            let mut n = 0;
            loop {
                let page = list_folder_page(&connection, &bucket, "many-objects/", token)
                    .await
                    .unwrap();
                n += page.objects.len();
                token = page.next_token;
                if token.is_none() {
                    break n;
                }
            }
        });
        cpu_total += cpu_seconds("self").unwrap_or(0.0) - cpu_start;
        best_wall = best_wall.min(wall.elapsed());
    }
    let best = cpu_total / rounds as f64;
    let pail_us = best * 1e6 / count as f64;
    println!(
        "   pail   {count} objects: client CPU {:.0} ms = {pail_us:.2} µs/object (mean of {rounds}; wall {:.0} ms, server-bound)",
        best * 1e3,
        best_wall.as_secs_f64() * 1e3
    );
    let boto = Command::new("python3")
        .args(["-c", BOTO3_LIST, &server.endpoint])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8(o.stdout).ok());
    match boto
        .as_deref()
        .map(str::split_whitespace)
        .map(|mut w| (w.next(), w.next()))
    {
        Some((Some(n), Some(cpu))) => {
            let n: f64 = n.parse().unwrap_or(1.0);
            let cpu: f64 = cpu.parse().unwrap_or(0.0);
            let boto_us = cpu * 1e6 / n;
            println!(
                "   boto3  {n} objects: client CPU {:.0} ms = {boto_us:.2} µs/object   pail uses 1/{:.0} of boto3's CPU",
                cpu * 1e3,
                boto_us / pail_us
            );
        }
        _ => println!("   (boto3 not available: `pip install boto3` to compare)"),
    }
    println!("   (CPU is the listing process's own user+system time; boto3: best of 3)");
}

fn synthetic_page(page: usize) -> FolderPage {
    FolderPage {
        folders: Vec::new(),
        objects: (0..1000)
            .map(|i| {
                let n = page * 1000 + i;
                ObjectEntry {
                    name: format!("part-{n:07}.parquet").into(),
                    // Mostly under 50 MB, one in 997 up to 6 GB: sizes spanning 33 bits.
                    size: (n as u64 * 7919) % 50_000_000
                        * if n.is_multiple_of(997) { 120 } else { 1 },
                    last_modified: 1_760_000_000 + (n as i64 * 37) % 10_000_000,
                    // Mostly Standard, some infrequent access, a few archived.
                    storage_class: match n % 10 {
                        0..=6 => StorageClass::Standard,
                        7 | 8 => StorageClass::StandardIa,
                        _ => StorageClass::Glacier,
                    },
                }
            })
            .collect(),
        next_token: None,
    }
}

fn bench_million_rows() {
    println!("-- 1,000,000 synthetic rows fed through the app's own events (no server)");
    // A profile to an address nothing listens on: commands are never sent here.
    let profile = pail::testing::profiles::Profile::fixed(
        "Synthetic",
        pail::testing::profiles::ProfileSource::Demo,
        aws_credential_types::Credentials::new("a", "b", None, None, "b"),
        Endpoint::custom("http://127.0.0.1:9").unwrap(),
        "us-east-1",
    );
    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .with_accessibility_check(false)
        .build_eframe(move |cc| {
            let options = pail::testing::app::AppOptions {
                clipboard: Box::new(pail::testing::app::clipboard::MemoryClipboard::default()),
                history_path: None,
                config_dir: None,
                picker: std::sync::Arc::new(pail::testing::app::picker::FixedPicker::default()),
            };
            PailApp::with_options(&cc.egui_ctx, vec![profile], None, options).unwrap()
        });
    harness.run_steps(3);
    let commands = harness
        .state_mut()
        .state_mut()
        .open_bucket(BucketName::new("synthetic").unwrap());
    let id = commands
        .iter()
        .find_map(|c| match c {
            WorkerCommand::ListFolder { id, .. } => Some(*id),
            _ => None,
        })
        .unwrap();

    // First page: from its arrival to the frame that shows it.
    let first = synthetic_page(0);
    let started = Instant::now();
    harness
        .state_mut()
        .state_mut()
        .apply(Event::Browse(BrowseEvent::FolderPage {
            id,
            page: first,
            done: false,
        }));
    harness.step();
    println!(
        "   first 1,000 rows: page applied and frame laid out in {:.1} ms",
        started.elapsed().as_secs_f64() * 1e3
    );

    let pages: Vec<FolderPage> = (1..1000).map(synthetic_page).collect();
    // The names are allocated here already and move into the rows; the pages' own buffers
    // of entries are freed as they are consumed.
    let page_buffers: usize = pages
        .iter()
        .map(|p| p.objects.capacity() * std::mem::size_of::<ObjectEntry>())
        .sum();
    let rows_added: usize = pages.iter().map(|p| p.objects.len()).sum();
    let before = LIVE.load(Ordering::Relaxed);
    let started = Instant::now();
    let mut slowest = Duration::ZERO;
    let mut sorting_meanwhile = Duration::ZERO;
    for (i, page) in pages.into_iter().enumerate() {
        let t = Instant::now();
        harness
            .state_mut()
            .state_mut()
            .apply(Event::Browse(BrowseEvent::FolderPage {
                id,
                page,
                done: i == 998,
            }));
        slowest = slowest.max(t.elapsed());
        if i == 997 {
            // A sort while the folder loads: from scratch, no order prepared yet. Left out
            // of the appending time.
            let t = Instant::now();
            let by = |column| sort_by(column, true);
            change(
                &mut harness,
                "sort by size while loading, the last page still to come (from scratch)",
                by(SortColumn::Size),
            );
            change(&mut harness, "sort by name", by(SortColumn::Name));
            sorting_meanwhile = t.elapsed();
        }
    }
    let apply_total = started.elapsed() - sorting_meanwhile;
    let after = LIVE.load(Ordering::Relaxed);
    harness.step();
    let rows = harness.state().state().explorer.listing().object_count();
    let per_row = (after + page_buffers).saturating_sub(before) as f64 / rows_added as f64;
    println!(
        "   appending 999 more pages: {:.0} ms in all, slowest page {:.2} ms",
        apply_total.as_secs_f64() * 1e3,
        slowest.as_secs_f64() * 1e3
    );
    println!(
        "   memory: {per_row:.0} bytes per row beyond its key (heap bytes requested; the key's own allocation excluded)"
    );

    // A sort in the first moments after loading, before those orders are kept: the window
    // has begun preparing the order by size, and the sort goes on with that work.
    {
        let by = |column| sort_by(column, true);
        change(
            &mut harness,
            "sort by size just after loading (its order half prepared)",
            by(SortColumn::Size),
        );
        change(&mut harness, "sort by name", by(SortColumn::Name));
        // By another column than the one being prepared: from scratch, in its buffers.
        change(
            &mut harness,
            "sort by date just after loading (from scratch)",
            by(SortColumn::Modified),
        );
        change(&mut harness, "sort by name", by(SortColumn::Name));
    }

    // Once loaded, the window prepares the orders by size and by date a slice a frame.
    let started = Instant::now();
    let mut frames = 0;
    let mut longest = Duration::ZERO;
    while !harness
        .state()
        .state()
        .explorer
        .listing()
        .column_orders_kept()
        && frames < 1000
    {
        let t = Instant::now();
        harness.step();
        longest = longest.max(t.elapsed());
        frames += 1;
    }
    let listing = harness.state().state().explorer.listing();
    println!(
        "   orders by size and date kept after loading: ready after {:.1} ms, {frames} frames, longest frame {:.1} ms; rows now {:.0} bytes each beyond the key",
        started.elapsed().as_secs_f64() * 1e3,
        longest.as_secs_f64() * 1e3,
        listing.overhead_bytes() as f64 / listing.object_count().max(1) as f64
    );

    let frame = |harness: &mut Harness<'_, PailApp>| {
        let mut times: Vec<Duration> = (0..30)
            .map(|_| {
                let t = Instant::now();
                harness.step();
                t.elapsed()
            })
            .collect();
        times.sort();
        times[times.len() / 2]
    };
    println!(
        "   frame with {} rows: median {:.2} ms (egui pass, CPU; no GPU here)",
        rows,
        frame(&mut harness).as_secs_f64() * 1e3
    );

    // The anchors: the same rows sorted and filtered the plain way, all at once, as the
    // table did before (a comparison sort of row indices; each name lowercased and searched).
    {
        let rows = harness.state().state().explorer.listing().rows();
        let started = Instant::now();
        let mut order: Vec<u32> = (0..rows.len() as u32).collect();
        order.sort_by(|&a, &b| rows[a as usize].size.cmp(&rows[b as usize].size));
        let sorted = started.elapsed();
        let started = Instant::now();
        let kept = rows
            .iter()
            .filter(|row| row.name.to_lowercase().contains("part-00"))
            .count();
        let filtered = started.elapsed();
        println!(
            "   anchor, the plain way in one go: a stable sort by size {:.1} ms ({} rows); a filter lowercasing each name {:.1} ms ({kept} rows)",
            sorted.as_secs_f64() * 1e3,
            order.len(),
            filtered.as_secs_f64() * 1e3,
        );
    }

    let sort = sort_by;
    let filter = |text: &'static str| move |state: &mut AppState| state.set_filter(text);
    change(&mut harness, "filter \"part-00042\"", filter("part-00042"));
    change(
        &mut harness,
        "filter \"PARQUET\" (every row matches)",
        filter("PARQUET"),
    );
    change(&mut harness, "filter cleared", filter(""));
    for (i, text) in ["p", "pa", "par", "part", "part-", "part-0", "part-00"]
        .iter()
        .enumerate()
    {
        let typed: &'static str = text;
        let label = format!("typing \"{typed}\" ({} of 7 keys)", i + 1);
        change(&mut harness, &label, filter(typed));
    }
    change(&mut harness, "filter cleared", filter(""));
    change(
        &mut harness,
        "sort by size, largest first",
        sort(SortColumn::Size, false),
    );
    change(
        &mut harness,
        "sort by size, smallest first",
        sort(SortColumn::Size, true),
    );
    change(
        &mut harness,
        "sort by modified",
        sort(SortColumn::Modified, true),
    );
    change(&mut harness, "sort by name", sort(SortColumn::Name, true));
    change(
        &mut harness,
        "sort by storage class (no kept order)",
        sort(SortColumn::Class, true),
    );
    change(
        &mut harness,
        "sort by size again",
        sort(SortColumn::Size, false),
    );
    change(
        &mut harness,
        "filter \"7\" while sorted by size",
        filter("7"),
    );
    change(
        &mut harness,
        "sort by modified while filtered",
        sort(SortColumn::Modified, true),
    );
    change(&mut harness, "filter cleared", filter(""));
    change(&mut harness, "sort by name", sort(SortColumn::Name, true));
    println!(
        "   frame after sorting: median {:.2} ms",
        frame(&mut harness).as_secs_f64() * 1e3
    );
}

/// A change to the sort, for [`change`].
fn sort_by(column: SortColumn, ascending: bool) -> impl FnOnce(&mut AppState) {
    move |state: &mut AppState| {
        state
            .explorer
            .listing_mut()
            .set_sort(Sort { column, ascending })
    }
}

/// Makes one change to the sort or filter and runs frames until its view is on screen: the
/// change's own share of the frame that made it, the longest frame, and the time until the
/// view is done.
fn change(harness: &mut Harness<'_, PailApp>, label: &str, make: impl FnOnce(&mut AppState)) {
    let started = Instant::now();
    make(harness.state_mut().state_mut());
    let own = started.elapsed();
    // In the window the change is made while a frame is laid out (a click, a key), and each
    // frame after goes on with it: the longest frame is the longer of the two.
    let mut longest = own;
    let mut frames = 0;
    loop {
        let t = Instant::now();
        harness.step();
        longest = longest.max(t.elapsed());
        frames += 1;
        if !harness.state().state().explorer.listing().is_rebuilding() {
            break;
        }
    }
    let shown = harness.state().state().explorer.listing().view_len();
    println!(
        "   {label}: {shown} rows shown after {:.1} ms, {frames} frame(s) later; the change took {:.1} ms of its frame; longest frame {:.1} ms",
        started.elapsed().as_secs_f64() * 1e3,
        own.as_secs_f64() * 1e3,
        longest.as_secs_f64() * 1e3,
    );
}

/// Runs the real window on a private Xvfb display and measures its CPU while idle.
fn bench_idle_cpu() {
    println!("-- idle CPU of the real window (`pail --demo` under Xvfb, after it settles)");
    let Some((display, _xvfb)) = common::xvfb::start_xvfb() else {
        println!("   Xvfb not installed: skipped");
        return;
    };
    let runtime_dir = tempfile::tempdir().unwrap();
    let app = Command::new(env!("CARGO_BIN_EXE_pail"))
        .arg("--demo")
        .env("DISPLAY", &display)
        .env("XDG_RUNTIME_DIR", runtime_dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut app) = app else {
        println!("   could not start the window");
        return;
    };
    std::thread::sleep(Duration::from_secs(6));
    let pid = app.id().to_string();
    let window = 10.0;
    let start = cpu_seconds(&pid);
    std::thread::sleep(Duration::from_secs_f64(window));
    let end = cpu_seconds(&pid);
    match (start, end) {
        (Some(a), Some(b)) => println!(
            "   {:.2}% of one core over {window:.0} s ({:.0} ms of CPU)",
            (b - a) / window * 100.0,
            (b - a) * 1e3
        ),
        _ => println!("   the window exited early"),
    }
    let _ = Command::new("kill").args(["-TERM", &pid]).status();
    let _ = app.wait();
}

fn main() {
    println!("== explorer benchmark ==");
    bench_listing_cpu();
    bench_million_rows();
    bench_idle_cpu();
}
