//! Start and idle: `pail --demo` on a private Xvfb display, nine times from a cold process,
//! beside the anchor, a plain eframe window with Pail's eframe features
//! (`examples/plain_window.rs`, built here first), and `pail` without the demo (no embedded
//! server), taking turns. For each run, the time from the process's start to its first frame
//! laid out (each reports it with `PAIL_REPORT_STARTUP`), and the resident memory once
//! settled. Prints medians, spreads and the ratios; asserts nothing.
//!
//! `cargo bench --bench start`

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 9;
/// How long the window is left alone before its memory is read.
const SETTLE: Duration = Duration::from_secs(5);

/// One run of `program` with `args`: milliseconds to the first frame, and bytes resident once
/// idle.
fn one_run(display: &str, program: &std::path::Path, args: &[&str]) -> Option<(f64, u64)> {
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
    let _ = Command::new("kill")
        .args(["-TERM", &app.id().to_string()])
        .status();
    let _ = app.wait();
    Some((first_frame?, rss?))
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
}

impl Runs {
    fn record(&mut self, what: &str, run: usize, result: Option<(f64, u64)>) {
        match result {
            Some((ms, rss)) => {
                println!(
                    "   {what}, run {run}: first frame {ms:.0} ms, idle RSS {:.1} MB",
                    rss as f64 / 1e6
                );
                self.frames.push(ms);
                self.memory.push(rss as f64 / 1e6);
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
        println!(
            "-- {what}: first frame median {frame:.0} ms ({flo:.0}–{fhi:.0}), idle RSS median {rss:.1} MB ({mlo:.1}–{mhi:.1})"
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
    let Some(xvfb) = common::Xvfb::start() else {
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
            runs.record(what, run, one_run(&xvfb.display, program, args));
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
