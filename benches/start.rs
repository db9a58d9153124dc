//! Start and idle: `pail --demo` on a private Xvfb display, nine times from a cold process,
//! beside the anchor, a plain eframe window with Pail's eframe features
//! (`examples/plain_window.rs`, built here first). For each run, the time from the process's
//! start to its first frame laid out (both report it with `PAIL_REPORT_STARTUP`), and the
//! resident memory once settled; then `pail` without the demo (no embedded server). Prints
//! medians, spreads and the ratios; asserts nothing.
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

/// Nine runs: (median ms to first frame, median MB resident), with the spreads printed.
fn measure(
    display: &str,
    what: &str,
    program: &std::path::Path,
    args: &[&str],
) -> Option<(f64, f64)> {
    let mut frames = Vec::new();
    let mut memory = Vec::new();
    for run in 1..=RUNS {
        match one_run(display, program, args) {
            Some((ms, rss)) => {
                println!(
                    "   {what}, run {run}: first frame {ms:.0} ms, idle RSS {:.1} MB",
                    rss as f64 / 1e6
                );
                frames.push(ms);
                memory.push(rss as f64 / 1e6);
            }
            None => println!("   {what}, run {run}: no first frame reported"),
        }
    }
    if frames.is_empty() {
        return None;
    }
    let spread = |v: &[f64]| {
        let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (lo, hi)
    };
    let (flo, fhi) = spread(&frames);
    let (mlo, mhi) = spread(&memory);
    let (frame, rss) = (median(&mut frames), median(&mut memory));
    println!(
        "-- {what}: first frame median {frame:.0} ms ({flo:.0}–{fhi:.0}), idle RSS median {rss:.1} MB ({mlo:.1}–{mhi:.1})"
    );
    Some((frame, rss))
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
    let plain =
        plain_window().and_then(|path| measure(&xvfb.display, "plain eframe window", &path, &[]));
    let pail = std::path::Path::new(env!("CARGO_BIN_EXE_pail"));
    let demo = measure(&xvfb.display, "`pail --demo`", pail, &["--demo"]);
    // Without the demo's embedded S3 server and its data: the window and its worker alone.
    let bare = measure(&xvfb.display, "`pail` (no demo)", pail, &[]);
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
