//! Upload and download of a 1 GiB file against the demo server in its own process: through
//! Pail's transfer core (throughput, and the peak memory of this client process), then as
//! processes — `pail cp` beside `aws s3 cp` (when the AWS CLI is installed) — straight over
//! loopback and through the test proxy with 20 ms of latency each way. Prints figures; asserts
//! nothing.
//!
//! `cargo bench --bench transfers` (needs about 3 GiB of free disk in the temp folder).

mod common;
#[allow(dead_code)] // the benchmark uses only the latency
#[path = "../tests/common/proxy.rs"]
mod proxy;

use common::DemoServerProcess;

use std::io::Write;
use std::process::Command;
use std::time::Instant;

use pail::model::Endpoint;
use pail::model::{BucketName, ObjectKey};
use pail::s3::connection::Connection;
use pail::testing::demo::{DEMO_ACCESS_KEY, DEMO_SECRET_KEY};
use pail::testing::s3::download::download_object;
use pail::testing::s3::transfer::TransferControl;
use pail::testing::s3::upload::upload_file;

const SIZE: u64 = 1024 * 1024 * 1024;

/// Peak resident memory of this process (VmHWM), in MB.
fn peak_memory_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn rate(seconds: f64) -> String {
    format!("{:.0} MB/s ({seconds:.1} s)", SIZE as f64 / 1e6 / seconds)
}

fn main() {
    println!("== transfer benchmark: 1 GiB over loopback to `pail demo-server` ==");
    let Some(server) = DemoServerProcess::start() else {
        println!("could not start `pail demo-server`");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("one-gib.bin");
    {
        let mut file = std::fs::File::create(&source).unwrap();
        let block: Vec<u8> = (0..1024 * 1024).map(|i| (i * 31 % 251) as u8).collect();
        for _ in 0..1024 {
            file.write_all(&block).unwrap();
        }
    }
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
    let bucket = BucketName::new("backups").unwrap();
    let key = ObjectKey::new("bench/one-gib.bin").unwrap();
    let before = peak_memory_mb().unwrap_or(0.0);

    let start = Instant::now();
    runtime
        .block_on(upload_file(
            &connection,
            &bucket,
            &key,
            &source,
            &TransferControl::default(),
        ))
        .unwrap();
    println!("pail    upload   {}", rate(start.elapsed().as_secs_f64()));
    let target = dir.path().join("downloaded.bin");
    let start = Instant::now();
    runtime
        .block_on(download_object(
            &connection,
            &bucket,
            &key,
            &target,
            &TransferControl::default(),
        ))
        .unwrap();
    println!("pail    download {}", rate(start.elapsed().as_secs_f64()));
    println!(
        "pail    peak memory of the process: {:.0} MB (before the transfers: {before:.0} MB)",
        peak_memory_mb().unwrap_or(0.0)
    );
    let _ = std::fs::remove_file(&target);

    // The same copies as processes, as a person runs them.
    let cli = |program: &str, args: &[&str], endpoint: &str| {
        let mut command = Command::new(program);
        command
            .args(args)
            .env("AWS_ACCESS_KEY_ID", DEMO_ACCESS_KEY)
            .env("AWS_SECRET_ACCESS_KEY", DEMO_SECRET_KEY)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("HOME", dir.path())
            .stdout(std::process::Stdio::null());
        if program == "aws" {
            command.args([
                "--endpoint-url",
                endpoint,
                "--region",
                "us-east-1",
                "--only-show-errors",
            ]);
        } else {
            command.args(["--endpoint-url", endpoint, "--path-style"]);
        }
        let start = Instant::now();
        match command.status() {
            Ok(status) if status.success() => Some(start.elapsed().as_secs_f64()),
            _ => None,
        }
    };
    let upstream: std::net::SocketAddr = server
        .endpoint
        .trim_start_matches("http://")
        .parse()
        .unwrap();
    let proxy = runtime.block_on(proxy::Proxy::start(upstream));
    let pail = env!("CARGO_BIN_EXE_pail");
    let source_arg = source.display().to_string();
    let target_arg = target.display().to_string();
    println!();
    println!(
        "{:<24} {:>24} {:>24}",
        "1 GiB as a process", "upload", "download"
    );
    for (path, latency) in [("loopback", 0u64), ("20 ms each way", 20)] {
        proxy.set_latency(std::time::Duration::from_millis(latency));
        let endpoint = if latency == 0 {
            server.endpoint.clone()
        } else {
            proxy.endpoint_url()
        };
        for (tool, program) in [("pail cp", pail), ("aws s3 cp", "aws")] {
            let uri = format!("s3://backups/bench/{}-one-gib.bin", tool.replace(' ', "-"));
            let up = cli(
                program,
                &["s3", "cp", &source_arg, &uri][usize::from(program == pail)..],
                &endpoint,
            );
            let down = up.and_then(|_| {
                cli(
                    program,
                    &["s3", "cp", &uri, &target_arg][usize::from(program == pail)..],
                    &endpoint,
                )
            });
            let _ = std::fs::remove_file(&target);
            let show = |t: Option<f64>| t.map(rate).unwrap_or_else(|| "(not run)".into());
            println!(
                "{:<24} {:>24} {:>24}",
                format!("{tool}, {path}"),
                show(up),
                show(down)
            );
        }
    }
    if Command::new("aws").arg("--version").output().is_err() {
        println!("(the AWS CLI is not installed: `pip install awscli` to compare)");
    }
}
