//! Start and idle: `pail --demo` on a private Xvfb display, nine times from a cold process,
//! beside the anchor, a plain eframe window with Pail's eframe features
//! (`examples/plain_window.rs`, built here first), and `pail` without the demo (no embedded
//! server), taking turns. For each run, the time from the process's start to its first frame
//! laid out (each reports it with `PAIL_REPORT_STARTUP`), and the resident memory once
//! settled, with the share that is the program's own file (its code, mapped by the kernel 64
//! KB around each page run). Prints medians, spreads and the ratios; asserts nothing.
//!
//! `cargo bench --bench start`

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 9;
/// How long the window is left alone before its memory is read.
const SETTLE: Duration = Duration::from_secs(5);

/// What one run measured.
struct Measured {
    /// Milliseconds from the start to the first frame.
    first_frame: f64,
    /// Bytes resident once idle.
    rss: u64,
    /// Of them, pages of the program's own file.
    own_file: u64,
}

/// One run of `program` with `args`.
fn one_run(display: &str, program: &std::path::Path, args: &[&str]) -> Option<Measured> {
    let home = tempfile::tempdir().ok()?;
    let runtime = tempfile::tempdir().ok()?;
    let mut app = Command::new(program)
        .args(args)
        .env("DISPLAY", display)
        .env("HOME", home.path())
        .env("PAIL_CONFIG_DIR", home.path().join("config"))
        .env("XDG_RUNTIME_DIR", runtime.path())
        .env("PAIL_REPORT_STARTUP", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    let stderr = app.stderr.take()?;
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut created = None;
    let first_frame = BufReader::new(stderr)
        .lines()
        .map_while(Result::ok)
        .take_while(|_| Instant::now() < deadline)
        .find_map(|line| {
            let at = |what: &str| {
                line.strip_prefix(what)?
                    .split_whitespace()
                    .next()?
                    .parse::<f64>()
                    .ok()
            };
            if let Some(ms) = at("pail: window created ") {
                created = Some(ms);
            }
            at("pail: first frame ")
        });
    if let Some(ms) = created {
        print!("   (window created after {ms:.0} ms)");
    }
    std::thread::sleep(SETTLE);
    let rss = common::rss_bytes(app.id());
    let own_file = resident_in_file(app.id(), program);
    let _ = Command::new("kill")
        .args(["-TERM", &app.id().to_string()])
        .status();
    let _ = app.wait();
    Some(Measured {
        first_frame: first_frame?,
        rss: rss?,
        own_file: own_file?,
    })
}

/// Bytes of `file` resident in process `pid` (its mappings' `Rss` in /proc/PID/smaps).
fn resident_in_file(pid: u32, file: &std::path::Path) -> Option<u64> {
    let file = file.canonicalize().ok()?;
    let smaps = std::fs::read_to_string(format!("/proc/{pid}/smaps")).ok()?;
    let mut in_file = false;
    let mut kib = 0;
    for line in smaps.lines() {
        let mut fields = line.split_whitespace();
        match fields.next() {
            Some("Rss:") if in_file => kib += fields.next()?.parse::<u64>().ok()?,
            // A mapping's first line: address range, permissions, offset, device, inode, path.
            Some(first) if first.contains('-') && !first.ends_with(':') => {
                in_file = fields.nth(4).map(std::path::Path::new) == Some(file.as_path());
            }
            _ => {}
        }
    }
    Some(kib * 1024)
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

/// What one program's runs gave.
#[derive(Default)]
struct Runs {
    frames: Vec<f64>,
    memory: Vec<f64>,
    own_file: Vec<f64>,
}

impl Runs {
    fn record(&mut self, what: &str, run: usize, result: Option<Measured>) {
        match result {
            Some(Measured {
                first_frame,
                rss,
                own_file,
            }) => {
                println!(
                    "   {what}, run {run}: first frame {first_frame:.0} ms, idle RSS {:.1} MB \
                     (its own file {:.1} MB)",
                    rss as f64 / 1e6,
                    own_file as f64 / 1e6
                );
                self.frames.push(first_frame);
                self.memory.push(rss as f64 / 1e6);
                self.own_file.push(own_file as f64 / 1e6);
            }
            None => println!("   {what}, run {run}: no first frame reported"),
        }
    }

    /// (median ms to first frame, median MB resident), with the spreads printed.
    fn summary(mut self, what: &str) -> Option<(f64, f64)> {
        if self.frames.is_empty() {
            return None;
        }
        let spread = |v: &[f64]| {
            let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            (lo, hi)
        };
        let (flo, fhi) = spread(&self.frames);
        let (mlo, mhi) = spread(&self.memory);
        let (frame, rss) = (median(&mut self.frames), median(&mut self.memory));
        let own_file = median(&mut self.own_file);
        println!(
            "-- {what}: first frame median {frame:.0} ms ({flo:.0}–{fhi:.0}), idle RSS median {rss:.1} MB ({mlo:.1}–{mhi:.1}), its own file {own_file:.1} MB"
        );
        Some((frame, rss))
    }
}

/// Builds the plain window (release) and gives its path.
fn plain_window() -> Option<std::path::PathBuf> {
    let built = Command::new(env!("CARGO"))
        .args(["build", "--release", "--example", "plain_window"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .ok()?;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/release/examples/plain_window");
    (built.success() && path.is_file()).then_some(path)
}

fn main() {
    println!("== start benchmark ==");
    let Some((display, _xvfb)) = common::xvfb::start_xvfb() else {
        println!("   Xvfb not installed: skipped");
        return;
    };
    let Some(plain) = plain_window() else {
        println!("   the plain window could not be built: skipped");
        return;
    };
    let pail = std::path::Path::new(env!("CARGO_BIN_EXE_pail"));
    // Without the demo's embedded S3 server and its data: the window and its worker alone.
    let programs: [(&str, &std::path::Path, &[&str]); 3] = [
        ("plain eframe window", &plain, &[]),
        ("`pail --demo`", pail, &["--demo"]),
        ("`pail` (no demo)", pail, &[]),
    ];
    // The programs take turns, run after run, so a machine busier for a while weighs on
    // each alike rather than on one program's block of runs.
    let mut runs: Vec<Runs> = programs.iter().map(|_| Runs::default()).collect();
    for run in 1..=RUNS {
        for ((what, program, args), runs) in programs.iter().zip(&mut runs) {
            runs.record(what, run, one_run(&display, program, args));
        }
    }
    let mut summaries = programs
        .iter()
        .zip(runs)
        .map(|((what, _, _), runs)| runs.summary(what));
    let (plain, demo, bare) = (
        summaries.next().flatten(),
        summaries.next().flatten(),
        summaries.next().flatten(),
    );
    for (what, run) in [("pail --demo", demo), ("pail (no demo)", bare)] {
        if let (Some((plain_ms, plain_mb)), Some((pail_ms, pail_mb))) = (plain, run) {
            println!(
                "-- {what} / plain window: first frame {:.2}×, idle RSS {:.2}×",
                pail_ms / plain_ms,
                pail_mb / plain_mb
            );
        }
    }
}
