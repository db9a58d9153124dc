//! The library example of `docs/library.md`, built by the test command (`cargo test` builds
//! every example), so the public API is known to suffice for it; a test holds the page's code
//! to this file. With AWS credentials and a bucket of yours in its place: `cargo run --example
//! library`.

use pail::model::S3Uri;
use pail::s3::connection::{ConnectOptions, Connection};
use pail::share::{Expiry, GetOptions};
use std::time::{Duration, SystemTime};

async fn share() -> Result<(), Box<dyn std::error::Error>> {
    let uri: S3Uri = "s3://reports-2026/summary.pdf".parse()?;
    let connection = Connection::from_aws_config(ConnectOptions::default()).await?;
    let signer = connection.signer_for(&uri.bucket).await?.signer;
    let one_day = Expiry::In(Duration::from_secs(86_400));
    let link = signer
        .presign_get(
            &uri.bucket,
            &uri.key,
            &GetOptions::default(),
            one_day,
            SystemTime::now(),
        )
        .await?;
    println!("{} (works until {:?})", link.url, link.effective_expiry.at);
    Ok(())
}

#[tokio::main]
async fn main() {
    if let Err(e) = share().await {
        eprintln!("{e}");
        std::process::exit(1);
    }
}
