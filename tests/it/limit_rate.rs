//! The bandwidth limit against the in-process S3 server: `pail cp --limit-rate` takes the time
//! the rate says, up and down, and without it is much faster; a limit changed while a transfer
//! runs holds from then on; multipart uploads and streamed copies share one limit among their
//! parts; the window's Limit setting, found by its label, slows what the worker moves.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::common;

use common::cli::pail_for;
use common::{pattern, server_with_bucket};
use pail::model::{BucketName, ObjectKey};
use pail::testing::demo::server::LocalServer;
use pail::testing::s3::rate_limit::RateLimit;
use pail::testing::s3::transfer::TransferControl;

const MIB: u64 = 1024 * 1024;
const BUCKET: &str = "limit-test";

/// Whether `took` is within 15% of the time `bytes` take at `rate` (a quarter second's burst
/// goes at once), give or take what the same work took with no limit (`free`): the requests
/// around the bytes, and the test server's own work (it reads a file whole for its checksum).
fn at_rate(took: Duration, bytes: u64, rate: u64, free: Duration) -> bool {
    let want = bytes as f64 / rate as f64 - 0.25;
    let took = took.as_secs_f64();
    (want * 0.85..=want * 1.15 + free.as_secs_f64()).contains(&took)
}

/// A rate at which `bytes` take at least four times what they took with no limit (`free`),
/// and no less than 3 s: slow enough that the limit, not the machine, sets the time. Under
/// Wine, whose loopback sockets between two of its processes move a few MB/s, that is well
/// below the 1 MiB/s that leaves a Linux machine idle most of the time.
fn rate_well_below(bytes: u64, free: Duration) -> u64 {
    let seconds = (4.0 * free.as_secs_f64()).max(3.0);
    (bytes as f64 / (seconds + 0.25)) as u64
}

/// Runs `pail` with `args` against `server`, failing on error; how long it took.
fn timed_pail(server: &LocalServer, home: &Path, args: &[&str]) -> Duration {
    let start = Instant::now();
    let output = pail_for(server, home, args);
    let took = start.elapsed();
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    took
}

#[test]
fn cp_limit_rate_holds_an_upload_to_the_rate() {
    let server = server_with_bucket(BUCKET);
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("big.bin");
    std::fs::write(&file, pattern(3 * MIB as usize)).unwrap();
    let file = file.to_str().unwrap();
    let free = timed_pail(&server, home.path(), &["cp", file, "s3://limit-test/b.bin"]);
    let rate = rate_well_below(3 * MIB, free);
    let limited = timed_pail(
        &server,
        home.path(),
        &[
            "cp",
            file,
            "s3://limit-test/a.bin",
            "--limit-rate",
            &format!("{:.3}M", rate as f64 / MIB as f64),
        ],
    );
    assert!(
        at_rate(limited, 3 * MIB, rate, free),
        "3 MiB at {rate} bytes/s: {limited:?}"
    );
    assert!(
        free * 3 < limited,
        "no limit: {free:?}, limited: {limited:?}"
    );
    let stored = std::fs::read(server.root().join("limit-test/a.bin")).unwrap();
    assert_eq!(stored, pattern(3 * MIB as usize));
}

#[test]
fn cp_limit_rate_holds_a_download_to_the_rate() {
    let server = server_with_bucket(BUCKET);
    std::fs::write(
        server.root().join("limit-test/big.bin"),
        pattern(3 * MIB as usize),
    )
    .unwrap();
    let home = tempfile::tempdir().unwrap();
    let into = |name: &str| home.path().join(name).to_str().unwrap().to_owned();
    let (limited_to, free_to) = (into("limited.bin"), into("free.bin"));
    let free = timed_pail(
        &server,
        home.path(),
        &["cp", "s3://limit-test/big.bin", &free_to],
    );
    let rate = rate_well_below(3 * MIB, free) / 1024 * 1024;
    let limited = timed_pail(
        &server,
        home.path(),
        &[
            "cp",
            "s3://limit-test/big.bin",
            &limited_to,
            "--limit-rate",
            &format!("{}K", rate / 1024),
        ],
    );
    assert!(
        at_rate(limited, 3 * MIB, rate, free),
        "3 MiB at {rate} bytes/s: {limited:?}"
    );
    assert!(
        free * 3 < limited,
        "no limit: {free:?}, limited: {limited:?}"
    );
    assert_eq!(
        std::fs::read(&limited_to).unwrap(),
        pattern(3 * MIB as usize)
    );
}

#[test]
fn bad_limit_rates_are_refused_naming_the_value() {
    let server = server_with_bucket(BUCKET);
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("a.txt");
    std::fs::write(&file, b"a").unwrap();
    let file = file.to_str().unwrap();
    for bad in ["5X", "0", "fast", "1.5.2M", "-1M", "5 MB"] {
        let output = pail_for(
            &server,
            home.path(),
            &[
                "cp",
                file,
                "s3://limit-test/a.txt",
                &format!("--limit-rate={bad}"),
            ],
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{bad}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{bad}: {stderr}");
        assert!(
            stderr.contains("--limit-rate") && stderr.contains(&format!("`{bad}`")),
            "{bad}: {stderr}"
        );
    }
    assert!(
        !server.root().join("limit-test/a.txt").exists(),
        "nothing was copied"
    );
}

/// `key` of `server`'s bucket downloaded under `control` into a fresh folder, on its own task.
fn download(
    server: &LocalServer,
    key: &str,
    control: &TransferControl,
) -> (tempfile::TempDir, tokio::task::JoinHandle<u64>) {
    let dir = tempfile::tempdir().unwrap();
    let (connection, control) = (server.connection(), control.clone());
    let (bucket, key) = (
        BucketName::new(BUCKET).unwrap(),
        ObjectKey::new(key).unwrap(),
    );
    let target = dir.path().join("got.bin");
    let task = tokio::spawn(async move {
        pail::testing::s3::download::download_object(&connection, &bucket, &key, &target, &control)
            .await
            .unwrap()
    });
    (dir, task)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_limit_lowered_mid_download_holds_from_then_on() {
    let server = server_with_bucket(BUCKET);
    // Three ranges fetched side by side, all from one limit.
    let size = 20 * MIB;
    std::fs::write(
        server.root().join("limit-test/big.bin"),
        pattern(size as usize),
    )
    .unwrap();
    let limit = RateLimit::new(Some(16 * MIB));
    let control = TransferControl::limited(&limit);
    let (_dir, task) = download(&server, "big.bin", &control);
    // The server takes its time before the first byte (it reads the file for each GET): the
    // limit is lowered once bytes flow, not at a set time.
    while control.done_bytes() < 4 * MIB {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    limit.set(Some(4 * MIB));
    let lowered = Instant::now();
    let left = size - control.done_bytes();
    tokio::time::sleep(Duration::from_millis(250)).await;
    let before = control.done_bytes();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let in_a_second = control.done_bytes() - before;
    assert!(
        (3.4 * MIB as f64..=4.6 * MIB as f64).contains(&(in_a_second as f64)),
        "{in_a_second} bytes in a second at 4 MiB/s"
    );
    assert_eq!(task.await.unwrap(), size);
    // At 16 MiB/s the rest would have taken a second.
    let took = lowered.elapsed();
    let want = left as f64 / (4 * MIB) as f64;
    assert!(
        (want * 0.85..=want * 1.15).contains(&took.as_secs_f64()),
        "{left} bytes at 4 MiB/s: {took:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_limit_lifted_mid_upload_frees_its_parts_at_once() {
    let server = server_with_bucket(BUCKET);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.bin");
    // A multipart upload: three parts at once, all waiting on 256 KiB/s.
    std::fs::write(&path, pattern(20 * MIB as usize)).unwrap();
    let limit = RateLimit::new(Some(256 * 1024));
    let control = TransferControl::limited(&limit);
    let (connection, bucket) = (server.connection(), BucketName::new(BUCKET).unwrap());
    let key = ObjectKey::new("big.bin").unwrap();
    let start = Instant::now();
    let upload = {
        let control = control.clone();
        async move {
            pail::testing::s3::upload::upload_file(&connection, &bucket, &key, &path, &control)
                .await
        }
    };
    let lift = async {
        tokio::time::sleep(Duration::from_millis(500)).await;
        limit.set(None);
    };
    let (uploaded, ()) = tokio::join!(upload, lift);
    uploaded.unwrap();
    // Held, it would take 80 s.
    let took = start.elapsed();
    assert!(took < Duration::from_secs(5), "{took:?}");
    let stored = std::fs::read(server.root().join("limit-test/big.bin")).unwrap();
    assert_eq!(stored.len() as u64, 20 * MIB);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_multipart_upload_shares_one_limit_among_its_parts() {
    let server = server_with_bucket(BUCKET);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.bin");
    std::fs::write(&path, pattern(20 * MIB as usize)).unwrap();
    let limit = RateLimit::new(Some(8 * MIB));
    let control = TransferControl::limited(&limit);
    let (connection, bucket) = (server.connection(), BucketName::new(BUCKET).unwrap());
    let key = ObjectKey::new("big.bin").unwrap();
    let upload = async |control: &TransferControl| {
        let start = Instant::now();
        pail::testing::s3::upload::upload_file(&connection, &bucket, &key, &path, control)
            .await
            .unwrap();
        start.elapsed()
    };
    // What the server adds of its own (checksums, joining the parts) is no part of the limit.
    let free = upload(&TransferControl::default()).await;
    let took = upload(&control).await;
    assert!(
        at_rate(took, 20 * MIB, 8 * MIB, free),
        "20 MiB at 8 MiB/s: {took:?} (no limit: {free:?})"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_copy_streamed_between_servers_keeps_to_the_limit() {
    let source = server_with_bucket(BUCKET);
    let target = server_with_bucket(BUCKET);
    let size = 6 * MIB;
    std::fs::write(
        source.root().join("limit-test/clip.bin"),
        pattern(size as usize),
    )
    .unwrap();
    let bucket = BucketName::new(BUCKET).unwrap();
    let key = ObjectKey::new("clip.bin").unwrap();
    let copy = async |control: &TransferControl| {
        let start = Instant::now();
        let copied = pail::testing::s3::copy_across::copy_between(
            (&source.connection(), &bucket, &key),
            (&target.connection(), &bucket, &key),
            true,
            control,
            None,
        )
        .await
        .unwrap();
        assert_eq!(copied, size);
        start.elapsed()
    };
    let free = copy(&TransferControl::default()).await;
    let limit = RateLimit::new(Some(2 * MIB));
    let took = copy(&TransferControl::limited(&limit)).await;
    assert!(
        at_rate(took, size, 2 * MIB, free),
        "6 MiB at 2 MiB/s: {took:?} (no limit: {free:?})"
    );
}

/// The window's Limit, set by its label to 1 MB/s, holds a dropped file's upload to it.
#[test]
fn the_windows_limit_setting_slows_what_the_worker_moves() {
    use common::ui::wait_for;
    use egui_kittest::kittest::Queryable;
    use pail::testing::app::{AppOptions, ListingState, Loadable, PailApp};
    use pail::testing::demo::{DEMO_ACCESS_KEY, DEMO_SECRET_KEY, demo_profile};

    let server = LocalServer::start_temporary(DEMO_ACCESS_KEY, DEMO_SECRET_KEY).unwrap();
    server.create_bucket(BUCKET).unwrap();
    let profile = demo_profile(&server);
    let mut harness = egui_kittest::Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| {
            let options = AppOptions {
                clipboard: Box::new(pail::testing::app::clipboard::MemoryClipboard::default()),
                history_path: None,
                config_dir: None,
                picker: Arc::new(pail::testing::app::picker::FixedPicker::default()),
            };
            PailApp::with_options(&cc.egui_ctx, vec![profile], None, options).unwrap()
        });
    wait_for(&mut harness, "buckets", |app| {
        matches!(app.state().explorer.buckets(), Loadable::Ready(_))
    });
    harness.get_by_label(BUCKET).click();
    wait_for(&mut harness, "the bucket", |app| {
        *app.state().explorer.listing_state() == ListingState::Done
    });
    let desktop = tempfile::tempdir().unwrap();
    let drop_file = |harness: &mut egui_kittest::Harness<'_, PailApp>, name: &str, len: u64| {
        let path = desktop.path().join(name);
        std::fs::write(&path, pattern(len as usize)).unwrap();
        harness
            .input_mut()
            .dropped_files
            .push(Arc::new(DroppedFile(path)));
    };
    // The panel shows once there is a transfer: a small one first, which also times what
    // a transfer costs besides its bytes.
    let start = Instant::now();
    drop_file(&mut harness, "first.txt", 10);
    wait_for(&mut harness, "the first upload", |app| {
        app.state().transfers.rows().len() == 1 && app.state().active_transfers() == 0
    });
    let free = start.elapsed();
    // No limit reads "none", not "0.0 MB/s" (which reads as "nothing moves").
    let shown = format!("{:?}", harness.get_by_label("Limit").value());
    assert!(shown.contains("none") && !shown.contains("0.0"), "{shown}");
    harness.get_by_label("Limit").set_value_accesskit(1.0);
    harness.run_steps(2);
    assert_eq!(
        harness.state().state().transfers.rate_limit(),
        Some(1_000_000)
    );

    let size = 3_000_000;
    let start = Instant::now();
    drop_file(&mut harness, "second.bin", size);
    wait_for(&mut harness, "the limited upload", |app| {
        app.state().transfers.rows().len() == 2 && app.state().active_transfers() == 0
    });
    let took = start.elapsed();
    assert!(
        at_rate(took, size, 1_000_000, free),
        "3 MB at 1 MB/s: {took:?}"
    );
    let stored = std::fs::read(server.root().join("limit-test/second.bin")).unwrap();
    assert_eq!(stored.len() as u64, size);
}

/// A file dropped from the desktop.
#[derive(Debug)]
struct DroppedFile(std::path::PathBuf);

impl egui::DroppedFile for DroppedFile {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}
