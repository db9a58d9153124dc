//! Start and idle: `pail --demo` on a private Xvfb display, five times from a cold process.
//! For each run, the time from the process's start to its first frame laid out (the window
//! reports it with `PAIL_REPORT_STARTUP`), and its resident memory once it has settled.
//! Prints the median and the spread; asserts nothing.
//!
//! `cargo bench --bench start`

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 5;
/// How long the window is left alone before its memory is read.
const SETTLE: Duration = Duration::from_secs(5);

/// One run: milliseconds to the first frame, and bytes resident once idle.
fn one_run(display: &str) -> Option<(f64, u64)> {
    let home = tempfile::tempdir().ok()?;
    let runtime = tempfile::tempdir().ok()?;
    let mut app = Command::new(env!("CARGO_BIN_EXE_pail"))
        .arg("--demo")
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
    let first_frame = BufReader::new(stderr)
        .lines()
        .map_while(Result::ok)
        .take_while(|_| Instant::now() < deadline)
        .find_map(|line| {
            line.strip_prefix("pail: first frame ")?
                .split_whitespace()
                .next()?
                .parse::<f64>()
                .ok()
        });
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

fn main() {
    println!("== start benchmark ==");
    let Some(xvfb) = common::Xvfb::start() else {
        println!("   Xvfb not installed: skipped");
        return;
    };
    let mut frames = Vec::new();
    let mut memory = Vec::new();
    for run in 1..=RUNS {
        match one_run(&xvfb.display) {
            Some((ms, rss)) => {
                println!(
                    "   run {run}: first frame {ms:.0} ms, idle RSS {:.1} MB",
                    rss as f64 / 1e6
                );
                frames.push(ms);
                memory.push(rss as f64 / 1e6);
            }
            None => println!("   run {run}: the window did not report its first frame"),
        }
    }
    if frames.is_empty() {
        return;
    }
    let spread = |v: &[f64]| {
        let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (lo, hi)
    };
    let (flo, fhi) = spread(&frames);
    let (mlo, mhi) = spread(&memory);
    println!(
        "-- `pail --demo`, cold process to first frame: median {:.0} ms ({flo:.0}–{fhi:.0})",
        median(&mut frames)
    );
    println!(
        "-- idle RSS after {} s: median {:.1} MB ({mlo:.1}–{mhi:.1})",
        SETTLE.as_secs(),
        median(&mut memory)
    );
}
