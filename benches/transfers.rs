//! Upload and download of a 1 GiB file through Pail's transfer core, against the demo server
//! in its own process: throughput, and the peak memory of this (client) process; `aws s3 cp`
//! against the same server when the AWS CLI is installed. Prints figures; asserts nothing.
//!
//! `cargo bench --bench transfers` (needs about 3 GiB of free disk in the temp folder).

mod common;

use common::DemoServerProcess;

use std::io::Write;
use std::process::Command;
use std::time::Instant;

use pail::connection::Connection;
use pail::demo::{DEMO_ACCESS_KEY, DEMO_SECRET_KEY};
use pail::model::{BucketName, ObjectKey};
use pail::share::Endpoint;
use pail::transfer::{TransferControl, download_object, upload_file};

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

    let aws = |args: &[&str]| {
        Command::new("aws")
            .args(args)
            .args([
                "--endpoint-url",
                &server.endpoint,
                "--region",
                "us-east-1",
                "--only-show-errors",
            ])
            .env("AWS_ACCESS_KEY_ID", DEMO_ACCESS_KEY)
            .env("AWS_SECRET_ACCESS_KEY", DEMO_SECRET_KEY)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .status()
    };
    let uri = "s3://backups/bench/aws-one-gib.bin";
    let start = Instant::now();
    match aws(&["s3", "cp", &source.display().to_string(), uri]) {
        Ok(status) if status.success() => {
            println!("aws cli upload   {}", rate(start.elapsed().as_secs_f64()));
            let start = Instant::now();
            if aws(&["s3", "cp", uri, &target.display().to_string()]).is_ok_and(|s| s.success()) {
                println!("aws cli download {}", rate(start.elapsed().as_secs_f64()));
            }
        }
        _ => println!("(the AWS CLI is not installed: `pip install awscli` to compare)"),
    }
}
