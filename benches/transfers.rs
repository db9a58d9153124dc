//! Transfers as a person runs them — `pail cp` beside `aws s3 cp` and `rclone copy`, each a
//! process with its default settings — against one `pail demo-server`, every tool through the
//! same loopback proxy (the link model of `tests/common/proxy.rs`: latency per direction, a
//! window per connection, optionally one cap shared by the whole link). Cases: one 1 GiB file
//! at 0, 20 and 80 ms; one 256 MiB file under a 50 MB/s cap at 20 and 80 ms; 10,000 files of
//! 10 KiB and 200 files of 5 MiB (`--recursive`) at 20 ms, and the same folders through the
//! window's engine (the worker behind the Transfers panel, one run); each up and down. Each figure is the
//! median of three runs, the tools taking turns; the peak memory is the process's own
//! (`ru_maxrss` from `wait4`). Prints a table; asserts nothing.
//!
//! `cargo bench --bench transfers` (about 4 GiB free in the temp folder; 15–20 minutes).
//! `PAIL_BENCH_CASES=big,cap,small,medium` runs some cases only; `PAIL_BENCH_RUNS` sets the
//! runs per figure; `PAIL_BENCH_BEFORE=/path/to/pail` adds another build of Pail as a row (what a
//! change did, measured in the same run); `PAIL_BENCH_TOOLS=aws,rclone` picks the anchors.

mod common;
use common::spawner::{Run, SPAWNER, Spawner, serve_as_spawner};
use common::window_engine::through_the_window;
#[allow(dead_code)] // the benchmark shapes the link; the tests' faults are not used
#[path = "../tests/common/proxy.rs"]
mod proxy;

use common::DemoServerProcess;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use pail::model::{BucketName, Endpoint, ObjectKey};
use pail::s3::connection::Connection;
use pail::testing::demo::{DEMO_ACCESS_KEY, DEMO_SECRET_KEY};
use pail::testing::s3::objects::delete_prefix;
use pail::testing::s3::transfer::TransferControl;
use pail::testing::s3::upload::upload_file;

const MIB: u64 = 1024 * 1024;
/// The bytes one connection may have on the way per direction: about what TCP keeps in flight
/// on an office link (a 2 MiB window per direction, so at most window / latency a connection).
const WINDOW: u64 = 2 * MIB;
/// The office uplink of the capped cases, bytes a second.
const CAP: u64 = 50_000_000;
const BUCKET: &str = "backups";

#[derive(Clone, Copy, PartialEq)]
enum Tool {
    Pail,
    /// Another build of Pail (`PAIL_BENCH_BEFORE`), to show what a change did in the same run.
    PailBefore,
    Aws,
    Rclone,
}

impl Tool {
    fn name(self) -> &'static str {
        match self {
            Tool::Pail => "pail cp",
            Tool::PailBefore => "pail before",
            Tool::Aws => "aws s3 cp",
            Tool::Rclone => "rclone copy",
        }
    }

    fn slug(self) -> &'static str {
        match self {
            Tool::Pail => "pail",
            Tool::PailBefore => "before",
            Tool::Aws => "aws",
            Tool::Rclone => "rclone",
        }
    }
}

/// What one case moves.
#[derive(Clone, Copy)]
struct Case {
    name: &'static str,
    /// Files the anchors move: fewer than `files` where the anchors would take most of the
    /// bench's 20 minutes (their rate is per file there, so a sample gives it).
    anchor_files: usize,
    /// A single file (copied to a key), or a folder (`--recursive`, to a prefix).
    folder: bool,
    files: usize,
    file_size: u64,
    latencies: &'static [u64],
    cap: Option<u64>,
}

impl Case {
    fn bytes(&self) -> u64 {
        self.files as u64 * self.file_size
    }

    /// The sample the anchors move, when they move fewer files.
    fn sample(&self) -> Option<Case> {
        let sample = Case {
            name: "sample",
            anchor_files: self.anchor_files,
            files: self.anchor_files,
            ..*self
        };
        (self.anchor_files < self.files).then_some(sample)
    }
}

struct Bench {
    spawner: std::cell::RefCell<Spawner>,
    home: PathBuf,
    work: PathBuf,
    pail: &'static str,
    before: Option<String>,
}

impl Bench {
    fn timed(&self, command: Command) -> Result<Run, String> {
        self.spawner.borrow_mut().timed(&command)
    }

    /// The command that copies `from` to `to` with `tool` through `endpoint`.
    fn command(&self, tool: Tool, endpoint: &str, folder: bool, from: &str, to: &str) -> Command {
        let mut command = match tool {
            Tool::Pail | Tool::PailBefore => {
                let program = match (tool, &self.before) {
                    (Tool::PailBefore, Some(before)) => before.as_str(),
                    _ => self.pail,
                };
                let mut c = Command::new(program);
                c.args(["cp", from, to, "--endpoint-url", endpoint, "--path-style"]);
                c
            }
            Tool::Aws => {
                let mut c = Command::new("aws");
                c.args(["s3", "cp", from, to, "--endpoint-url", endpoint]);
                c.args(["--region", "us-east-1", "--only-show-errors"]);
                c
            }
            Tool::Rclone => {
                let mut c = Command::new("rclone");
                let to_remote = |p: &str| match p.strip_prefix("s3://") {
                    Some(rest) => format!("bench:{rest}"),
                    None => p.to_owned(),
                };
                c.arg(if folder { "copy" } else { "copyto" });
                c.args([to_remote(from), to_remote(to)]);
                c.env("RCLONE_CONFIG_BENCH_TYPE", "s3")
                    .env("RCLONE_CONFIG_BENCH_PROVIDER", "Other")
                    .env("RCLONE_CONFIG_BENCH_ACCESS_KEY_ID", DEMO_ACCESS_KEY)
                    .env("RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY", DEMO_SECRET_KEY)
                    .env("RCLONE_CONFIG_BENCH_ENDPOINT", endpoint)
                    .env("RCLONE_CONFIG_BENCH_REGION", "us-east-1");
                c
            }
        };
        if folder && tool != Tool::Rclone {
            command.arg("--recursive");
        }
        // This machine's environment names a CA bundle, which rclone's SDK refuses to load
        // for a plain-HTTP endpoint; no tool here needs one, nor any other profile setting.
        for name in [
            "AWS_CA_BUNDLE",
            "AWS_PROFILE",
            "AWS_ENDPOINT_URL",
            "AWS_DEFAULT_REGION",
        ] {
            command.env_remove(name);
        }
        command
            .env("AWS_ACCESS_KEY_ID", DEMO_ACCESS_KEY)
            .env("AWS_SECRET_ACCESS_KEY", DEMO_SECRET_KEY)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("HOME", &self.home)
            .env("RCLONE_CONFIG", self.home.join("rclone.conf"));
        command
    }
}

/// Writes the case's files under `dir` (one file, or a folder of them): bytes that do not
/// compress, so no tool gains by a trick.
fn make_source(case: &Case, dir: &Path) -> PathBuf {
    let block: Vec<u8> = (0..MIB as usize)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let write = |path: &Path, size: u64, seed: usize| {
        let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
        let mut left = size;
        let mut offset = seed % block.len();
        while left > 0 {
            let n = left.min((block.len() - offset) as u64) as usize;
            file.write_all(&block[offset..offset + n]).unwrap();
            left -= n as u64;
            offset = 0;
        }
        file.flush().unwrap();
    };
    if case.folder {
        let root = dir.join(case.name);
        std::fs::create_dir_all(&root).unwrap();
        for i in 0..case.files {
            // A few subfolders, as a real folder has.
            let sub = root.join(format!("part-{}", i % 10));
            std::fs::create_dir_all(&sub).unwrap();
            write(
                &sub.join(format!("file-{i:05}.bin")),
                case.file_size,
                i * 7919,
            );
        }
        root
    } else {
        let path = dir.join(format!("{}.bin", case.name));
        write(&path, case.file_size, 0);
        path
    }
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    Some(values[values.len() / 2])
}

fn version(program: &str, arg: &str) -> String {
    Command::new(program)
        .arg(arg)
        .output()
        .ok()
        .map(|o| {
            let text = if o.stdout.is_empty() {
                o.stderr
            } else {
                o.stdout
            };
            String::from_utf8_lossy(&text)
                .lines()
                .next()
                .unwrap_or("")
                .to_owned()
        })
        .unwrap_or_else(|| "not installed".into())
}

fn main() {
    if std::env::var_os(SPAWNER).is_some() {
        return serve_as_spawner();
    }
    // Before anything else, while this process is small.
    let spawner = std::cell::RefCell::new(Spawner::start());
    let cases_wanted = std::env::var("PAIL_BENCH_CASES").unwrap_or_else(|_| "all".into());
    let runs: usize = std::env::var("PAIL_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    let all_cases = [
        Case {
            name: "big",
            anchor_files: 1,
            folder: false,
            files: 1,
            file_size: 1024 * MIB,
            latencies: &[0, 20, 80],
            cap: None,
        },
        Case {
            name: "cap",
            anchor_files: 1,
            folder: false,
            files: 1,
            file_size: 256 * MIB,
            latencies: &[20, 80],
            cap: Some(CAP),
        },
        Case {
            name: "small",
            anchor_files: 1_000,
            folder: true,
            files: 10_000,
            file_size: 10 * 1024,
            latencies: &[20],
            cap: None,
        },
        Case {
            name: "medium",
            anchor_files: 200,
            folder: true,
            files: 200,
            file_size: 5 * MIB,
            latencies: &[20],
            cap: None,
        },
    ];
    let Some(server) = DemoServerProcess::start() else {
        println!("could not start `pail demo-server`");
        return;
    };
    let scratch = tempfile::tempdir().unwrap();
    let home = scratch.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let bench = Bench {
        spawner,
        home,
        work: scratch.path().to_owned(),
        pail: env!("CARGO_BIN_EXE_pail"),
        before: std::env::var("PAIL_BENCH_BEFORE").ok(),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
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
    let bucket = BucketName::new(BUCKET).unwrap();
    let upstream: std::net::SocketAddr = server
        .endpoint
        .trim_start_matches("http://")
        .parse()
        .unwrap();
    let proxy = runtime.block_on(proxy::Proxy::start(upstream));
    proxy.set_window(WINDOW);
    let endpoint = proxy.endpoint_url();
    let tools_wanted = std::env::var("PAIL_BENCH_TOOLS").unwrap_or_else(|_| "all".into());
    let mut tools = vec![Tool::Pail];
    if bench.before.is_some() {
        tools.push(Tool::PailBefore);
    }
    for (tool, program, arg) in [
        (Tool::Aws, "aws", "--version"),
        (Tool::Rclone, "rclone", "version"),
    ] {
        let wanted = tools_wanted == "all" || tools_wanted.split(',').any(|t| t == tool.slug());
        let found = Command::new(program).arg(arg).output().is_ok();
        if !wanted {
            continue;
        }
        if found {
            tools.push(tool);
        } else {
            println!("({program} is not installed: its rows are left out)");
        }
    }

    println!("== transfers through the loopback proxy to `pail demo-server` ==");
    println!(
        "link: latency per direction as given; window {} MiB per connection per direction \
         (a connection moves at most window / latency); cap: none unless given, shared by \
         every connection",
        WINDOW / MIB
    );
    println!(
        "tools: {} · {} · {}; {runs} runs each, taking turns; median shown",
        version(bench.pail, "--version"),
        version("aws", "--version"),
        version("rclone", "version"),
    );
    println!(
        "{:<34} {:<24} {:>10} {:>8} {:>9} {:>10} {:>8} {:>9}",
        "case", "tool", "up MB/s", "×pail", "up MB", "down MB/s", "×pail", "down MB"
    );
    let started = Instant::now();
    for case in &all_cases {
        if cases_wanted != "all" && !cases_wanted.split(',').any(|c| c == case.name) {
            continue;
        }
        proxy.set_latency(Duration::ZERO);
        proxy.set_rates(0, 0);
        let sample = case.sample();
        let store = |case: &Case| {
            let source = make_source(case, &bench.work);
            // What every tool downloads: the files, uploaded once, outside the timing.
            let stored = format!("bench/{}-{}-source", case.name, case.files);
            let stored_uri = format!(
                "s3://{BUCKET}/{stored}{}",
                if case.folder { "/" } else { "" }
            );
            let stored_ok = if case.folder {
                let source_arg = source.display().to_string();
                bench
                    .timed(bench.command(Tool::Pail, &endpoint, true, &source_arg, &stored_uri))
                    .is_ok()
            } else {
                runtime
                    .block_on(upload_file(
                        &connection,
                        &bucket,
                        &ObjectKey::new(&stored).unwrap(),
                        &source,
                        &TransferControl::default(),
                    ))
                    .is_ok()
            };
            (source, stored, stored_uri, stored_ok)
        };
        let (source, stored, stored_uri, stored_ok) = store(case);
        let anchors_own = sample.as_ref().map(store);
        if !stored_ok || anchors_own.as_ref().is_some_and(|own| !own.3) {
            println!("{}: could not store the source", case.name);
            continue;
        }
        // What was just written — the sources, the server's copy of them and, before the first
        // case, the demo's 10,000 sample files — goes to disk now, not during a timed run (the
        // first case's first tool had run at two thirds of its rate beside that writeback).
        let _ = Command::new("sync").status();
        // Which files a tool moves: the anchors' sample, or the case's own.
        let files_of = |tool: Tool| match (&anchors_own, tool) {
            (Some(own), Tool::Aws | Tool::Rclone) => (&own.0, &own.2, case.anchor_files),
            _ => (&source, &stored_uri, case.files),
        };
        for &latency in case.latencies {
            proxy.set_latency(Duration::from_millis(latency));
            let cap = case.cap.unwrap_or(0);
            proxy.set_rates(cap, cap);
            // The anchors are not run at 0 ms: that row is Pail's own baseline.
            let tools_here: Vec<Tool> = if latency == 0 {
                tools
                    .iter()
                    .copied()
                    .filter(|t| matches!(t, Tool::Pail | Tool::PailBefore))
                    .collect()
            } else {
                tools.clone()
            };
            let mut up: Vec<Vec<Run>> = vec![Vec::new(); tools_here.len()];
            let mut down: Vec<Vec<Run>> = vec![Vec::new(); tools_here.len()];
            let mut failures: Vec<String> = Vec::new();
            for run in 0..runs {
                for turn in 0..tools_here.len() {
                    // Tools take turns, starting one further each run.
                    let index = (turn + run) % tools_here.len();
                    let tool = tools_here[index];
                    let target = format!("bench/{}-{}-{latency}-{run}", case.name, tool.slug());
                    let target_uri = format!(
                        "s3://{BUCKET}/{target}{}",
                        if case.folder { "/" } else { "" }
                    );
                    let (tool_source, tool_stored, _) = files_of(tool);
                    let source_arg = tool_source.display().to_string();
                    match bench.timed(bench.command(
                        tool,
                        &endpoint,
                        case.folder,
                        &source_arg,
                        &target_uri,
                    )) {
                        Ok(r) => up[index].push(r),
                        Err(e) => failures.push(format!("{} up: {e}", tool.name())),
                    }
                    let _ = runtime.block_on(delete_prefix(&connection, &bucket, &target));
                    let local = bench
                        .work
                        .join(format!("down-{}-{}", case.name, tool.slug()));
                    let local_arg = if case.folder {
                        format!("{}/", local.display())
                    } else {
                        local.display().to_string()
                    };
                    match bench.timed(bench.command(
                        tool,
                        &endpoint,
                        case.folder,
                        tool_stored,
                        &local_arg,
                    )) {
                        Ok(r) => down[index].push(r),
                        Err(e) => failures.push(format!("{} down: {e}", tool.name())),
                    }
                    let _ = std::fs::remove_dir_all(&local);
                    let _ = std::fs::remove_file(&local);
                }
            }
            let rate_of = |tool: Tool, runs: &[Run]| {
                let bytes = files_of(tool).2 as u64 * case.file_size;
                median(runs.iter().map(|r| r.seconds).collect()).map(|s| bytes as f64 / 1e6 / s)
            };
            let rate = |i: usize, runs: &[Run]| rate_of(tools_here[i], runs);
            let peak = |runs: &[Run]| median(runs.iter().map(|r| r.peak_mb).collect());
            let pail_up = rate(0, &up[0]);
            let pail_down = rate(0, &down[0]);
            let label = format!(
                "{} {} {latency} ms{}",
                if case.folder {
                    format!("{}×{}", case.files, show_size(case.file_size))
                } else {
                    show_size(case.file_size)
                },
                if case.folder { "files," } else { "file," },
                case.cap
                    .map(|c| format!(", cap {} MB/s", c / 1_000_000))
                    .unwrap_or_default()
            );
            for (i, tool) in tools_here.iter().enumerate() {
                let cell = |v: Option<f64>| match v {
                    Some(v) if v < 10.0 => format!("{v:.1}"),
                    Some(v) => format!("{v:.0}"),
                    None => "-".into(),
                };
                let versus = |pail: Option<f64>, other: Option<f64>| match (pail, other) {
                    (Some(p), Some(o)) if i > 0 && o > 0.0 => format!("{:.2}", p / o),
                    _ => String::new(),
                };
                let name = match files_of(*tool).2 {
                    n if n < case.files => format!("{} ({n} files)", tool.name()),
                    _ => tool.name().to_owned(),
                };
                println!(
                    "{:<34} {:<24} {:>10} {:>8} {:>9} {:>10} {:>8} {:>9}",
                    label,
                    name,
                    cell(rate(i, &up[i])),
                    versus(pail_up, rate(i, &up[i])),
                    cell(peak(&up[i])),
                    cell(rate(i, &down[i])),
                    versus(pail_down, rate(i, &down[i])),
                    cell(peak(&down[i])),
                );
            }
            if case.folder && latency > 0 && tools_wanted_window(&tools_here) {
                // The window's Transfers panel runs on the same engine: its worker, once.
                let up_prefix = format!("bench/{}-window-{latency}/", case.name);
                let up =
                    through_the_window(BUCKET, &endpoint, case.files, Ok((&source, &up_prefix)));
                let _ = runtime.block_on(delete_prefix(&connection, &bucket, &up_prefix));
                let local = bench.work.join(format!("down-{}-window", case.name));
                let stored_prefix = format!("{stored}/");
                let down = through_the_window(
                    BUCKET,
                    &endpoint,
                    case.files,
                    Err((&stored_prefix, &local)),
                );
                let _ = std::fs::remove_dir_all(&local);
                let show = |r: &Result<f64, String>| match r {
                    Ok(seconds) => format!("{:.0}", case.bytes() as f64 / 1e6 / seconds),
                    Err(e) => format!("failed: {e}"),
                };
                println!(
                    "{:<34} {:<24} {:>10} {:>8} {:>9} {:>10}",
                    label,
                    "window (Transfers panel)",
                    show(&up),
                    "",
                    "",
                    show(&down)
                );
            }
            if let Some(cap) = case.cap {
                let share = |v: Option<f64>| {
                    v.map(|v| format!("{:.0}%", v * 1e6 / cap as f64 * 100.0))
                        .unwrap_or("-".into())
                };
                for (i, tool) in tools_here.iter().enumerate() {
                    println!(
                        "{:<34} {:<24} share of the cap: up {}, down {}",
                        "",
                        tool.name(),
                        share(rate(i, &up[i])),
                        share(rate(i, &down[i]))
                    );
                }
                // Every upload ends waiting for the server to join its parts: the most of
                // the cap any tool's upload can fill, beside the shares.
                let parts = (case.file_size / (8 * MIB)) as i32;
                let joined = runtime.block_on(common::server_join::seconds(
                    connection.client(),
                    BUCKET,
                    "bench/join-timing",
                    (parts, 8 * MIB as usize),
                ));
                if let Ok(join) = joined {
                    // Beside the join, what every multipart upload waits out with nothing on
                    // the link: its start's round trip, the first byte's way there, the last
                    // part's answer's way back, and its completion's round trip.
                    let at_cap = case.bytes() as f64 / cap as f64;
                    let waits = join + 6.0 * latency as f64 / 1000.0;
                    println!(
                        "{:<34} {:<24} the server joins the parts in {join:.2} s: with the \
                         start's and the completion's round trips and the parts' own way there \
                         and back, an upload fills at most {:.0}% of the cap",
                        "",
                        "(server)",
                        at_cap / (at_cap + waits) * 100.0
                    );
                }
            }
            for failure in failures {
                println!("    {failure}");
            }
        }
        let _ = runtime.block_on(delete_prefix(&connection, &bucket, &stored));
        let _ = std::fs::remove_dir_all(&source);
        let _ = std::fs::remove_file(&source);
        if let Some((source, stored, ..)) = &anchors_own {
            let _ = runtime.block_on(delete_prefix(&connection, &bucket, stored));
            let _ = std::fs::remove_dir_all(source);
        }
    }
    println!(
        "(×pail: Pail's rate over the tool's; MB: the process's peak resident memory; \
         whole bench {:.0} s)",
        started.elapsed().as_secs_f64()
    );
}

/// The window's row comes with Pail's own rows (not when only the anchors are asked for).
fn tools_wanted_window(tools: &[Tool]) -> bool {
    tools.contains(&Tool::Pail)
}

fn show_size(bytes: u64) -> String {
    if bytes >= 1024 * MIB {
        format!("{} GiB", bytes / (1024 * MIB))
    } else if bytes >= MIB {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{} KiB", bytes / 1024)
    }
}
