//! How fast Pail signs: pre-signed GET URLs per second on one core — one at a time through
//! aws-sdk-s3, and many at once through `BulkSigner` (with the share of that time spent on the
//! SigV4 arithmetic itself) — POST forms per second, and the wall time of one `pail presign`
//! process. Prints figures; asserts nothing.
//!
//! `cargo bench --bench presign`. When python3 with boto3 is installed, the same figures for
//! boto3 are printed beside Pail's for comparison.

use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use aws_credential_types::Credentials;
use pail::model::Endpoint;
use pail::model::{BucketName, ObjectKey};
use pail::share::{BulkSigner, Expiry, GetOptions, KeyRule, PostRequest, Signer, SignerConfig};

const ACCESS_KEY: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

fn signer() -> Signer {
    Signer::new(SignerConfig {
        credentials: Credentials::new(ACCESS_KEY, SECRET_KEY, None, None, "bench"),
        region: "eu-west-1".into(),
        endpoint: Endpoint::Aws,
        path_style: false,
    })
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// CPU time of this process so far (user + system), from /proc; None elsewhere.
fn process_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after_name = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // Linux reports in USER_HZ, 100 on every mainstream configuration.
    Some(Duration::from_millis(ticks * 10))
}

fn bench_get_urls(runtime: &tokio::runtime::Runtime) -> f64 {
    let signer = signer();
    let bucket = BucketName::new("bench-bucket").unwrap();
    let keys: Vec<ObjectKey> = (0..1000)
        .map(|i| ObjectKey::new(format!("reports/2026/inv {i:04} ü+~.pdf")).unwrap())
        .collect();
    let options = GetOptions::default();
    let expiry = Expiry::In(Duration::from_secs(86_400));
    let now = SystemTime::now();
    runtime.block_on(async {
        // Warm up.
        for key in keys.iter().take(200) {
            signer
                .presign_get(&bucket, key, &options, expiry, now)
                .await
                .unwrap();
        }
        let rounds = 20;
        let cpu_start = process_cpu_time();
        let start = Instant::now();
        for _ in 0..rounds {
            for key in &keys {
                let link = signer
                    .presign_get(&bucket, key, &options, expiry, now)
                    .await
                    .unwrap();
                std::hint::black_box(link);
            }
        }
        let elapsed = start.elapsed();
        let count = (rounds * keys.len()) as f64;
        let rate = count / elapsed.as_secs_f64();
        let cpu = match (cpu_start, process_cpu_time()) {
            (Some(a), Some(b)) => format!("{:.1} µs CPU each", (b - a).as_secs_f64() * 1e6 / count),
            _ => String::new(),
        };
        println!(
            "pail   GET URLs one by one    {rate:>10.0} /s   ({:.2} µs each; {cpu}) through aws-sdk-s3",
            elapsed.as_secs_f64() * 1e6 / count
        );
        rate
    })
}

/// The batch path: one `BulkSigner` for the bucket, then a link per key; and, beside it, the
/// SigV4 arithmetic alone (a SHA-256 of a canonical request of the same size and one HMAC),
/// to say how much of each link is signing and how much is building the URL.
fn bench_bulk_get_urls(runtime: &tokio::runtime::Runtime) -> f64 {
    let signer = signer();
    let bucket = BucketName::new("bench-bucket").unwrap();
    let keys: Vec<ObjectKey> = (0..1000)
        .map(|i| ObjectKey::new(format!("reports/2026/inv {i:04} ü+~.pdf")).unwrap())
        .collect();
    let options = GetOptions::default();
    let expiry = Expiry::In(Duration::from_secs(86_400));
    let now = SystemTime::now();
    let bulk = runtime
        .block_on(BulkSigner::new(&signer, &bucket, None, expiry, now))
        .unwrap();
    for key in keys.iter().take(200) {
        std::hint::black_box(bulk.get(key, &options).unwrap());
    }
    let rounds = 500;
    let cpu_start = process_cpu_time();
    let start = Instant::now();
    for _ in 0..rounds {
        for key in &keys {
            std::hint::black_box(bulk.get(key, &options).unwrap());
        }
    }
    let elapsed = start.elapsed();
    let count = (rounds * keys.len()) as f64;
    let rate = count / elapsed.as_secs_f64();
    let per_link = elapsed.as_secs_f64() * 1e6 / count;
    let cpu = match (cpu_start, process_cpu_time()) {
        (Some(a), Some(b)) => format!("{:.2} µs CPU each", (b - a).as_secs_f64() * 1e6 / count),
        _ => String::new(),
    };
    println!(
        "pail   GET URLs many at once  {rate:>10.0} /s   ({per_link:.2} µs each; {cpu}) BulkSigner"
    );

    // The arithmetic alone: SHA-256 of a canonical request as long as these links', then the
    // HMAC of a string to sign with a derived key.
    use sha2::Digest as _;
    let canonical = "GET\n/reports/2026/inv%200001%20%C3%BC%2B~.pdf\nX-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261130%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20261130T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&x-id=GetObject\nhost:bench-bucket.s3.eu-west-1.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD";
    let key = aws_sigv4::sign::v4::generate_signing_key(SECRET_KEY, now, "eu-west-1", "s3");
    let n = 200_000;
    let start = Instant::now();
    for _ in 0..n {
        let hash = sha2::Sha256::digest(std::hint::black_box(canonical).as_bytes());
        let sts = format!(
            "AWS4-HMAC-SHA256\n20261130T000000Z\n20261130/eu-west-1/s3/aws4_request\n{}",
            hex(&hash)
        );
        std::hint::black_box(aws_sigv4::sign::v4::calculate_signature(
            &key,
            sts.as_bytes(),
        ));
    }
    let signing = start.elapsed().as_secs_f64() * 1e6 / n as f64;
    println!(
        "       of which SigV4 arithmetic {signing:.2} µs ({:.0}%), building the URL {:.2} µs ({:.0}%)",
        signing / per_link * 100.0,
        (per_link - signing).max(0.0),
        (per_link - signing).max(0.0) / per_link * 100.0
    );
    rate
}

fn bench_post_forms(runtime: &tokio::runtime::Runtime) {
    let signer = signer();
    let request = PostRequest {
        content_length: Some((0, 100_000_000)),
        ..PostRequest::new(
            BucketName::new("bench-bucket").unwrap(),
            KeyRule::Prefix("incoming/".into()),
        )
    };
    let now = SystemTime::now();
    runtime.block_on(async {
        let count = 20_000;
        let start = Instant::now();
        for _ in 0..count {
            std::hint::black_box(signer.presign_post(&request, now).await.unwrap());
        }
        let elapsed = start.elapsed();
        println!(
            "pail   POST forms, one core   {:>10.0} /s   ({:.1} µs each)",
            count as f64 / elapsed.as_secs_f64(),
            elapsed.as_secs_f64() * 1e6 / count as f64
        );
    });
}

fn time_process(mut make: impl FnMut() -> Command, runs: usize) -> Option<Duration> {
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        let output = make().output().ok()?;
        if !output.status.success() {
            eprintln!(
                "  (command failed: {})",
                String::from_utf8_lossy(&output.stderr).trim()
            );
            return None;
        }
        samples.push(start.elapsed());
    }
    Some(median(samples))
}

fn pail_process() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pail"));
    command
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .args([
            "presign",
            "s3://bench-bucket/reports/q3.pdf",
            "--region",
            "eu-west-1",
        ]);
    command
}

const BOTO3_RATE: &str = r#"
import time, boto3
from botocore.config import Config
s3 = boto3.client("s3", region_name="eu-west-1", aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
                  aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                  config=Config(signature_version="s3v4"))
keys = [f"reports/2026/inv {i:04} ü+~.pdf" for i in range(1000)]
for k in keys[:200]:
    s3.generate_presigned_url("get_object", Params={"Bucket": "bench-bucket", "Key": k}, ExpiresIn=86400)
start = time.perf_counter()
for _ in range(3):
    for k in keys:
        s3.generate_presigned_url("get_object", Params={"Bucket": "bench-bucket", "Key": k}, ExpiresIn=86400)
print(3000 / (time.perf_counter() - start))
"#;

const BOTO3_ONE: &str = r#"
import boto3
s3 = boto3.client("s3", region_name="eu-west-1")
print(s3.generate_presigned_url("get_object", Params={"Bucket": "bench-bucket", "Key": "reports/q3.pdf"}, ExpiresIn=3600))
"#;

/// Lower-case hex, as the signer writes the canonical request's hash.
fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &byte in bytes {
        out.push(DIGITS[usize::from(byte >> 4)] as char);
        out.push(DIGITS[usize::from(byte & 15)] as char);
    }
    out
}

fn python_has_boto3() -> bool {
    Command::new("python3")
        .args(["-c", "import boto3"])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn main() {
    // One core: signing runs on a current-thread runtime.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    println!("== presign benchmark ==");
    let one_by_one = bench_get_urls(&runtime);
    let pail_rate = bench_bulk_get_urls(&runtime);
    println!(
        "       many at once / one by one = {:.1}×",
        pail_rate / one_by_one
    );
    bench_post_forms(&runtime);

    let runs = 20;
    match time_process(pail_process, runs) {
        Some(t) => println!(
            "pail   `pail presign` process {:>10.1} ms wall (median of {runs})",
            t.as_secs_f64() * 1e3
        ),
        None => println!("pail   `pail presign` process: could not run"),
    }

    if !python_has_boto3() {
        println!("(boto3 not installed: `pip install boto3` to compare)");
        return;
    }
    let boto_rate = Command::new("python3")
        .args(["-c", BOTO3_RATE])
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse::<f64>().ok());
    if let Some(rate) = boto_rate {
        println!(
            "boto3  GET URLs, one core     {rate:>10.0} /s   ({:.1} µs each)   pail (many at once)/boto3 = {:.0}×, one by one {:.1}×",
            1e6 / rate,
            pail_rate / rate,
            one_by_one / rate
        );
    }
    let boto_process = time_process(
        || {
            let mut command = Command::new("python3");
            command
                .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
                .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
                .args(["-c", BOTO3_ONE]);
            command
        },
        runs / 2,
    );
    if let Some(t) = boto_process {
        println!(
            "boto3  one-URL python process {:>10.1} ms wall (median of {})",
            t.as_secs_f64() * 1e3,
            runs / 2
        );
    }
}
