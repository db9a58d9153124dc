//! Transfers over a real network's troubles, through the loopback proxy in `tests/common`: a
//! slow uplink, a slow downlink, a connection that stalls, a server that vanishes mid-upload
//! and comes back, and a listing page that never arrives. Each test stays under ~30 s.

use crate::common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use common::proxy::Proxy;
use pail::model::Endpoint;
use pail::model::{BucketName, ObjectKey};
use pail::s3::connection::Connection;
use pail::testing::demo::server::LocalServer;
use pail::testing::s3::transfer::{TransferControl, TransferError};
use pail::testing::storage::journal::UploadJournal;

const BUCKET: &str = "slow-lane";
const MIB: usize = 1024 * 1024;

fn bucket() -> BucketName {
    BucketName::new(BUCKET).unwrap()
}

fn bytes(len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i % 251) as u8 ^ (i / 7919) as u8)
        .collect()
}

/// A connection to the server behind `proxy`, with the test's keys.
fn through(proxy: &Proxy) -> Connection {
    Connection::with_static_credentials(
        aws_credential_types::Credentials::new(
            common::ACCESS_KEY,
            common::SECRET_KEY,
            None,
            None,
            "test",
        ),
        "us-east-1",
        Endpoint::custom(&proxy.endpoint_url()).unwrap(),
        true,
    )
}

fn addr(server: &LocalServer) -> SocketAddr {
    server.addr()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_24_mib_upload_over_a_home_uplink_completes() {
    // 1.5 MB/s shared by three 8 MiB parts: each needs ~17 s, longer than any per-request
    // budget a metadata call would get.
    let server = common::server_with_bucket(BUCKET);
    let proxy = Proxy::start(addr(&server)).await;
    proxy.set_rates(1_500_000, 0);
    let source_dir = tempfile::tempdir().unwrap();
    let source = source_dir.path().join("holiday.mov");
    let data = bytes(24 * MIB);
    std::fs::write(&source, &data).unwrap();
    let key = ObjectKey::new("videos/holiday.mov").unwrap();
    let started = Instant::now();
    pail::testing::s3::upload::upload_file(
        &through(&proxy),
        &bucket(),
        &key,
        &source,
        &TransferControl::default(),
    )
    .await
    .unwrap_or_else(|e| panic!("upload failed after {:?}: {e}", started.elapsed()));
    assert!(
        started.elapsed() > Duration::from_secs(10),
        "the uplink limit was in force"
    );
    assert_eq!(
        common::get_object(&server, BUCKET, key.as_str()).await,
        Some(data)
    );
    assert!(common::pending_multipart_uploads(server.root()).is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_24_mib_download_over_a_slow_link_with_latency_completes() {
    let server = common::server_with_bucket(BUCKET);
    let data = bytes(24 * MIB);
    common::put_object(&server, BUCKET, "big.bin", &data).await;
    let proxy = Proxy::start(addr(&server)).await;
    proxy.set_rates(0, 2_000_000);
    proxy.set_latency(Duration::from_millis(20));
    let target_dir = tempfile::tempdir().unwrap();
    let target = target_dir.path().join("big.bin");
    let size = pail::testing::s3::download::download_object(
        &through(&proxy),
        &bucket(),
        &ObjectKey::new("big.bin").unwrap(),
        &target,
        &TransferControl::default(),
    )
    .await
    .unwrap();
    assert_eq!(size, data.len() as u64);
    assert!(std::fs::read(&target).unwrap() == data);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stalled_download_fails_instead_of_hanging() {
    let server = common::server_with_bucket(BUCKET);
    common::put_object(&server, BUCKET, "stuck.bin", &bytes(4 * MIB)).await;
    let proxy = Proxy::start(addr(&server)).await;
    proxy.set_rates(0, 256 * 1024);
    let connection = through(&proxy).with_stall_timeout(Duration::from_secs(2));
    let target_dir = tempfile::tempdir().unwrap();
    let target = target_dir.path().join("stuck.bin");
    let control = TransferControl::default();
    let freezer = {
        let control = control.clone();
        async move {
            while control.done_bytes() == 0 {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
    };
    let (bucket, key) = (bucket(), ObjectKey::new("stuck.bin").unwrap());
    let download =
        pail::testing::s3::download::download_object(&connection, &bucket, &key, &target, &control);
    tokio::pin!(download);
    tokio::select! {
        () = freezer => proxy.freeze(true),
        result = &mut download => panic!("finished before the stall: {result:?}"),
    }
    let result = tokio::time::timeout(Duration::from_secs(20), download)
        .await
        .expect("a stalled download must end, not hang");
    let error = result.unwrap_err();
    assert!(matches!(error, TransferError::Stalled { .. }), "{error:?}");
    assert!(error.to_string().contains("stalled"), "{error}");
    assert!(!error.to_string().contains("S3 refused"), "{error}");
    assert_eq!(
        std::fs::read_dir(target_dir.path()).unwrap().count(),
        0,
        "no partial file left"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_upload_cut_off_mid_way_leaves_nothing_behind_once_the_server_returns() {
    let data_dir = tempfile::tempdir().unwrap();
    let mut server =
        LocalServer::start(data_dir.path(), common::ACCESS_KEY, common::SECRET_KEY).unwrap();
    server.create_bucket(BUCKET).unwrap();
    let proxy = Proxy::start(addr(&server)).await;
    let connection = through(&proxy).with_stall_timeout(Duration::from_secs(2));
    let journal_dir = tempfile::tempdir().unwrap();
    let journal = UploadJournal::open(journal_dir.path().join("pending-uploads.json"));
    let source_dir = tempfile::tempdir().unwrap();
    let source = source_dir.path().join("big");
    std::fs::write(&source, bytes(40 * MIB)).unwrap();
    let key = ObjectKey::new("cut off.bin").unwrap();

    // The server vanishes once 12 MiB have gone up, and stays away.
    proxy.cut_after_upload_bytes(12 * MIB as u64);
    let bucket = bucket();
    let to = pail::testing::s3::upload::Destination {
        bucket: &bucket,
        key: &key,
        replace: true,
    };
    let result = pail::testing::s3::upload::upload_file_with_journal(
        &connection,
        to,
        &source,
        &TransferControl::default(),
        Some(&journal),
    )
    .await;
    let error = result.unwrap_err();
    assert!(proxy.is_down());
    assert!(
        matches!(
            error,
            TransferError::Network(_) | TransferError::Timeout(_) | TransferError::Stalled { .. }
        ),
        "a network failure, said as one: {error:?}"
    );
    assert_eq!(journal.pending().len(), 1, "kept for a later abort");
    assert!(journal.pending()[0].abandoned);

    // It comes back (restarted, same data, same address): the sweep aborts the leftover.
    server.stop();
    let server =
        LocalServer::start(data_dir.path(), common::ACCESS_KEY, common::SECRET_KEY).unwrap();
    proxy.come_back(addr(&server));
    assert!(
        !common::pending_multipart_uploads(server.root()).is_empty(),
        "parts were left"
    );
    assert_eq!(
        pail::testing::s3::transfer::abort_leftovers(&journal, &connection).await,
        1
    );
    assert!(journal.pending().is_empty());
    assert!(
        common::pending_multipart_uploads(server.root()).is_empty(),
        "no parts left to bill"
    );
    assert!(
        common::get_object(&server, BUCKET, key.as_str())
            .await
            .is_none()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_listing_page_that_stalls_fails_with_a_timeout() {
    let server = common::server_with_bucket(BUCKET);
    common::put_object(&server, BUCKET, "a.txt", b"a").await;
    let proxy = Proxy::start(addr(&server)).await;
    proxy.freeze(true);
    let connection = through(&proxy).with_request_timeout(Duration::from_secs(2));
    let started = Instant::now();
    let result = tokio::time::timeout(
        Duration::from_secs(20),
        pail::testing::s3::list::list_folder_page(&connection, &bucket(), "", None),
    )
    .await
    .expect("a stalled listing must end");
    let error = result.unwrap_err();
    assert!(
        error.to_string().contains("did not answer in time"),
        "{error}"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stalled_upload_fails_instead_of_hanging() {
    let server = common::server_with_bucket(BUCKET);
    let proxy = Proxy::start(addr(&server)).await;
    proxy.set_rates(2_000_000, 0);
    let connection = through(&proxy)
        .with_stall_timeout(Duration::from_secs(1))
        .with_request_timeout(Duration::from_secs(2));
    let source_dir = tempfile::tempdir().unwrap();
    let source = source_dir.path().join("stuck.bin");
    std::fs::write(&source, bytes(20 * MIB)).unwrap();
    let (bucket, key) = (bucket(), ObjectKey::new("stuck.bin").unwrap());
    let control = TransferControl::default();
    let upload =
        pail::testing::s3::upload::upload_file(&connection, &bucket, &key, &source, &control);
    tokio::pin!(upload);
    tokio::select! {
        () = tokio::time::sleep(Duration::from_millis(500)) => proxy.freeze(true),
        result = &mut upload => panic!("finished before the stall: {result:?}"),
    }
    let result = tokio::time::timeout(Duration::from_secs(25), upload)
        .await
        .expect("a stalled upload must end, not hang");
    let error = result.unwrap_err();
    assert!(matches!(error, TransferError::Stalled { .. }), "{error:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_folder_is_shared_over_a_slow_far_link_and_a_cut_leaves_no_page() {
    let server = common::server_with_bucket(BUCKET);
    for i in 0..40 {
        common::put_object(&server, BUCKET, &format!("share/file {i}.txt"), b"x").await;
    }
    let proxy = Proxy::start(addr(&server)).await;
    proxy.set_rates(1_000_000, 1_000_000);
    proxy.set_latency(Duration::from_millis(40));
    let connection = through(&proxy);
    let objects = pail::testing::s3::folder_share::folder_objects(&connection, &bucket(), "share/")
        .await
        .unwrap();
    assert_eq!(objects.len(), 40);
    let share = |connection: Connection,
                 objects: Vec<pail::testing::s3::folder_share::FolderObject>| async move {
        pail::testing::s3::folder_share::share_folder(
            &connection,
            &bucket(),
            "share/",
            &objects,
            &bucket(),
            pail::share::Expiry::In(Duration::from_secs(600)),
            std::time::SystemTime::now(),
            &pail::testing::local_time::TimeZone::UTC,
        )
        .await
    };
    let made = share(connection.clone(), objects.clone()).await.unwrap();
    assert!(server.object_path(BUCKET, made.page_key.as_str()).exists());

    // The connection is cut while the page goes up: an error, and no page half-written.
    let pages = |root: &std::path::Path| {
        std::fs::read_dir(root.join(BUCKET).join(".pail-shares"))
            .map(|d| d.count())
            .unwrap_or(0)
    };
    let before = pages(server.root());
    proxy.cut_after_upload_bytes(2_000);
    let cut = share(connection, objects).await;
    assert!(cut.is_err(), "a cut upload is an error: {cut:?}");
    let after = pages(server.root());
    let complete = std::fs::read_dir(server.root().join(BUCKET).join(".pail-shares"))
        .unwrap()
        .filter_map(|d| d.ok())
        .all(|d| {
            std::fs::read_to_string(d.path().join("index.html"))
                .is_ok_and(|html| html.trim_end().ends_with("</html>"))
        });
    assert!(after == before || complete, "no page half-written");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_listing_page_slower_than_one_attempt_arrives_and_one_that_stops_mid_way_times_out() {
    // 1,000 keys of 120 bytes: a page of ~300 KB, ~5 s at 64 KB/s, while one attempt may take
    // 1 s. Bytes keep moving, so the page is waited for.
    let server = common::server_with_bucket(BUCKET);
    let folder = server.root().join(BUCKET).join("many");
    std::fs::create_dir_all(&folder).unwrap();
    for i in 0..1000 {
        std::fs::write(folder.join(format!("{i:04}-{}", "n".repeat(115))), b"x").unwrap();
    }
    let proxy = Proxy::start(addr(&server)).await;
    proxy.set_rates(0, 64_000);
    proxy.set_latency(Duration::from_millis(20));
    let connection = through(&proxy).with_request_timeout(Duration::from_secs(2));
    let started = Instant::now();
    let page = pail::testing::s3::list::list_folder_page(&connection, &bucket(), "many/", None)
        .await
        .unwrap();
    assert_eq!(page.objects.len(), 1000);
    assert!(page.objects[999].name.starts_with("0999-"));
    assert!(
        started.elapsed() > Duration::from_secs(2),
        "the link was slow"
    );

    // The same page, frozen once its first bytes are in: it ends within the quiet limit.
    let listing = tokio::spawn({
        let connection = connection.clone();
        async move {
            let started = Instant::now();
            let result =
                pail::testing::s3::list::list_folder_page(&connection, &bucket(), "many/", None)
                    .await;
            (result, started.elapsed())
        }
    });
    tokio::time::sleep(Duration::from_millis(1500)).await;
    proxy.freeze(true);
    let (result, took) = tokio::time::timeout(Duration::from_secs(20), listing)
        .await
        .expect("a listing stalled mid-page must end")
        .unwrap();
    let error = result.unwrap_err();
    assert!(error.to_string().contains("stopped arriving"), "{error}");
    assert!(took < Duration::from_secs(5), "{took:?}");
}

/// Every key of `tree/` in ranges side by side from the second page on: the outcome, the
/// names that arrived and how many pages; `after_page` hears each page's number.
async fn list_tree_keys(
    connection: &Connection,
    mut after_page: impl FnMut(usize),
) -> (
    Result<(), pail::testing::s3::list::BrowseError>,
    Vec<String>,
    usize,
) {
    use pail::testing::s3::list::{Depth, list_fanned_after};
    let (mut names, mut pages) = (Vec::new(), 0);
    let emit = |page: pail::testing::s3::list::FolderPage, _| {
        pages += 1;
        names.extend(page.objects.into_iter().map(|o| o.name.to_string()));
        after_page(pages);
        true
    };
    let result = list_fanned_after(connection, &bucket(), "tree/", Depth::TreeKeys, 1, emit).await;
    (result, names, pages)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tree_listed_in_ranges_over_a_slow_link_arrives_whole_and_a_cut_ends_it_with_an_error() {
    let server = common::server_with_bucket(BUCKET);
    let root = server.root().join(BUCKET).join("tree");
    let mut keys = Vec::new();
    for (folder, count) in [("a/", 1200), ("b/c/", 1300), ("d/", 900)] {
        std::fs::create_dir_all(root.join(folder)).unwrap();
        for i in 0..count {
            let name = format!("{folder}{i:04}.bin");
            std::fs::write(root.join(&name), b"x").unwrap();
            keys.push(format!("tree/{name}"));
        }
    }
    keys.sort();
    let proxy = Proxy::start(addr(&server)).await;
    proxy.set_rates(0, 1_000_000);
    proxy.set_latency(Duration::from_millis(20));
    let connection = through(&proxy);

    // A home link: ranges side by side share it, and every key arrives once, in key order.
    let (result, listed, _) = list_tree_keys(&connection, |_| {}).await;
    result.unwrap();
    assert_eq!(listed, keys);

    // The server vanishes once ranges are under way: the listing ends, with an error, not
    // with part of the tree passed off as all of it. A slower link keeps most of the tree in
    // flight when the second page is handed on.
    proxy.set_rates(0, 200_000);
    let cut_after_two = |pages| {
        if pages == 2 {
            proxy.cut();
        }
    };
    let listing = list_tree_keys(&connection, cut_after_two);
    let (result, seen, pages) = tokio::time::timeout(Duration::from_secs(60), listing)
        .await
        .expect("a listing whose server vanished must end");
    assert!(result.is_err(), "{pages} pages and no error");
    assert!(seen.len() < keys.len());
    assert!(
        seen.windows(2).all(|w| w[0] < w[1]),
        "what arrived is in key order"
    );
}
