//! How long sharing a 10,000-object folder as one link takes, end to end: listing it, signing
//! a link per object, writing and uploading the index page, signing the page's link — against
//! the local S3 server on loopback. Prints figures; asserts nothing.
//!
//! `cargo bench --bench share_folder`

use std::time::{Duration, Instant, SystemTime};

use pail::model::BucketName;
use pail::share::Expiry;
use pail::testing::demo::server::LocalServer;
use pail::testing::local_time::TimeZone;
use pail::testing::s3::folder_share::{folder_objects, share_folder};

const OBJECTS: usize = 10_000;

fn main() {
    let server = LocalServer::start_temporary("BENCHKEY", "bench-secret").expect("server starts");
    server.create_bucket("bench").expect("bucket");
    let folder = server.root().join("bench/big folder");
    std::fs::create_dir_all(&folder).expect("folder");
    for i in 0..OBJECTS {
        std::fs::write(folder.join(format!("file {i:05} ü.txt")), b"x").expect("object");
    }
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let connection = server.connection();
    let bucket = BucketName::new("bench").expect("bucket name");
    println!("share a folder of {OBJECTS} objects as one link (local S3 server, loopback)");
    for round in 1..=3 {
        let started = Instant::now();
        let share = runtime.block_on(async {
            let listed = Instant::now();
            let objects = folder_objects(&connection, &bucket, "big folder/")
                .await
                .expect("listing");
            let listing = listed.elapsed();
            let share = share_folder(
                &connection,
                &bucket,
                "big folder/",
                &objects,
                &bucket,
                Expiry::In(Duration::from_secs(86_400)),
                SystemTime::now(),
                &TimeZone::UTC,
            )
            .await
            .expect("share");
            (listing, share)
        });
        let (listing, share) = share;
        let page = std::fs::metadata(server.root().join("bench").join(share.page_key.as_str()))
            .map(|m| m.len())
            .unwrap_or(0);
        println!(
            "  round {round}: {:.2} s end to end (listing {:.2} s), {} links, page {:.1} MB",
            started.elapsed().as_secs_f64(),
            listing.as_secs_f64(),
            share.entries.len(),
            page as f64 / 1e6
        );
    }
}
