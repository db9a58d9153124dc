//! Searching a whole bucket: `pail find` beside `aws s3 ls --recursive | grep`, the way a
//! person finds a file today, on the same server — a million keys in a tree of folders,
//! answered from memory a page at a time after 20 ms (a far server), by a server started as a
//! process of its own (`common::page_server`: prefix, delimiter, start-after, continuation and
//! encoding-type as S3 answers them). For each tool: the time to the first match printed, the
//! time to the last line, and the matches (the same for both). Prints a table; asserts
//! nothing.
//!
//! `cargo bench --bench search` (about 3 minutes). `PAIL_BENCH_KEYS` sets the number of keys,
//! `PAIL_BENCH_LATENCY_MS` the wait per page.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SERVER_ENV: &str = "PAIL_BENCH_PAGE_SERVER";

/// `count` keys in a tree: `data/NN/MMM/file-IIIIIII.EXT`, one in 997 a `.pdf`.
fn keys(count: usize) -> Vec<String> {
    (0..count)
        .map(|i| {
            let ext = if i % 997 == 500 {
                "pdf"
            } else {
                ["csv", "json", "log.gz"][i % 3]
            };
            format!("data/{:02}/{:03}/file-{i:07}.{ext}", i % 16, (i / 16) % 500)
        })
        .collect()
}

struct Timing {
    first: Option<Duration>,
    all: Duration,
    lines: usize,
}

/// Runs `command`, reading its stdout line by line as it comes.
fn timed(mut command: Command) -> Result<Timing, String> {
    let started = Instant::now();
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut first = None;
    let mut lines = 0;
    for line in BufReader::new(stdout).lines() {
        if line.is_err() {
            break;
        }
        first.get_or_insert_with(|| started.elapsed());
        lines += 1;
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    let all = started.elapsed();
    if !status.success() && lines == 0 {
        return Err(format!("exit {status}"));
    }
    Ok(Timing { first, all, lines })
}

fn main() {
    let count: usize = std::env::var("PAIL_BENCH_KEYS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let latency_ms: u64 = std::env::var("PAIL_BENCH_LATENCY_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    if std::env::var_os(SERVER_ENV).is_some() {
        let server =
            common::page_server::PageServer::new(keys(count), Duration::from_millis(latency_ms));
        return server.serve();
    }
    let mut server = Command::new(std::env::current_exe().unwrap())
        .env(SERVER_ENV, "1")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let port = server
        .stdout
        .take()
        .and_then(|out| BufReader::new(out).lines().next())
        .and_then(Result::ok)
        .unwrap_or_default();
    let endpoint = format!("http://127.0.0.1:{}", port.trim());
    let aws_version = Command::new("aws")
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "not installed".into());
    println!("== search a bucket of {count} keys, each page answered after {latency_ms} ms ==");
    println!(
        "anchor: {aws_version}, `aws s3 ls --recursive s3://bench/ | grep --line-buffered -E '\\.pdf$'`"
    );
    let pail = || {
        let mut c = Command::new(env!("CARGO_BIN_EXE_pail"));
        c.args(["find", "s3://bench/", "--name", "*.pdf"]).args([
            "--endpoint-url",
            &endpoint,
            "--path-style",
            "--region",
            "us-east-1",
        ]);
        c
    };
    let aws = || {
        let mut c = Command::new("sh");
        c.arg("-c").arg(format!(
            "aws s3 ls --recursive s3://bench/ --endpoint-url {endpoint} --region us-east-1 \
             | grep --line-buffered -E '\\.pdf$'"
        ));
        c
    };
    let home = tempfile::tempdir().unwrap();
    let with_keys = |mut c: Command| {
        for name in ["AWS_CA_BUNDLE", "AWS_PROFILE", "AWS_CONFIG_FILE"] {
            c.env_remove(name);
        }
        c.env("AWS_ACCESS_KEY_ID", "BENCH")
            .env("AWS_SECRET_ACCESS_KEY", "bench-secret")
            .env("AWS_SHARED_CREDENTIALS_FILE", home.path().join("none"))
            .env("HOME", home.path());
        c
    };
    println!(
        "{:<30} {:>14} {:>12} {:>9} {:>10}",
        "tool", "first match s", "all s", "matches", "keys/s"
    );
    let mut rows = Vec::new();
    for (name, command) in [
        ("pail find --name '*.pdf'", pail()),
        ("aws s3 ls -r | grep", aws()),
    ] {
        match timed(with_keys(command)) {
            Ok(t) => {
                println!(
                    "{:<30} {:>14} {:>12.2} {:>9} {:>10.0}",
                    name,
                    t.first
                        .map_or("-".into(), |f| format!("{:.2}", f.as_secs_f64())),
                    t.all.as_secs_f64(),
                    t.lines,
                    count as f64 / t.all.as_secs_f64()
                );
                rows.push(t.all.as_secs_f64());
            }
            Err(e) => println!("{name:<30} failed: {e}"),
        }
    }
    if let [pail, aws] = rows[..] {
        println!("(the whole scan: Pail {:.1}× faster)", aws / pail);
    }
    let _ = server.kill();
    let _ = server.wait();
}
