//! Sample data for `pail --demo` and `pail demo-server`: a few buckets with nested folders,
//! files of several types and sizes, awkward names, and one folder of 10,000 small objects,
//! written straight into the local server's data folder.

pub(crate) mod file_names;
mod hashing;
mod join;
mod listing;
mod md5_lanes;
mod object_body;
mod put;
pub(crate) mod server;
mod store;

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::Path;
use std::time::{Duration, SystemTime};

use crate::demo::server::{LocalServer, LocalServerError};
use crate::model::Endpoint;
use crate::profiles::{Profile, ProfileSource};
use crate::s3::connection::DEFAULT_REGION;

/// The demo's fixed, public credentials: nothing to keep secret, they open a local folder.
pub const DEMO_ACCESS_KEY: &str = "pail-demo";
pub const DEMO_SECRET_KEY: &str = "pail-demo-secret";

/// The bucket most of the sample data lives in.
pub const DEMO_BUCKET: &str = "pail-demo";

/// How many objects the big folder holds. s3s-fs walks the whole folder for every listing
/// page, so this stays near 10,000.
pub const MANY_OBJECTS: usize = 10_000;

/// Deterministic filler bytes (a tiny LCG), so sample files differ without a random crate.
struct Filler(u64);

impl Filler {
    fn bytes(&mut self, len: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(len);
        while out.len() < len {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            out.extend_from_slice(&self.0.to_le_bytes());
        }
        out.truncate(len);
        out
    }
}

/// Writes one object file, named as the server on this system names it (see `file_names`),
/// and dates it `age` before `now`.
fn put(
    root: &Path,
    bucket: &str,
    key: &str,
    body: &[u8],
    now: SystemTime,
    age: Duration,
) -> io::Result<()> {
    let path = root
        .join(bucket)
        .join(file_names::KeyNames::native().file_of(key));
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    let mut file = File::create(&path)?;
    file.write_all(body)?;
    file.set_modified(now.checked_sub(age).unwrap_or(now))?;
    Ok(())
}

const DAY: u64 = 86_400;

/// Fills `root` (the server's data folder) with the sample buckets.
pub fn seed(root: &Path) -> io::Result<()> {
    let now = SystemTime::now();
    seed_small(root, now)?;
    seed_bulk(root, now)
}

/// The 10,000 objects of `many-objects/` and the 12 MB of database dumps in `backups`: most of
/// the sample data's writing.
fn seed_bulk(root: &Path, now: SystemTime) -> io::Result<()> {
    let mut filler = Filler(0xB0C5);
    let days = |d: u64| Duration::from_secs(d * DAY);
    for i in 0..MANY_OBJECTS {
        let key = format!("many-objects/object-{i:05}.txt");
        let body = format!("object {i}\n");
        put(
            root,
            DEMO_BUCKET,
            &key,
            body.as_bytes(),
            now,
            Duration::from_secs(i as u64 * 60),
        )?;
    }

    for day in 1..=28u64 {
        let key = format!("db/2026-11-{day:02}.sql.gz");
        put(
            root,
            "backups",
            &key,
            &filler.bytes(300_000 + day as usize * 10_000),
            now,
            days(29 - day),
        )?;
    }
    Ok(())
}

/// Everything else: the folders a person opens first.
fn seed_small(root: &Path, now: SystemTime) -> io::Result<()> {
    let mut filler = Filler(0x5EED);
    let days = |d: u64| Duration::from_secs(d * DAY);

    let readme =
        "Welcome to Pail's demo bucket.\n\nSelect an object and press Web URL to share it.\n";
    put(
        root,
        DEMO_BUCKET,
        "README.txt",
        readme.as_bytes(),
        now,
        days(1),
    )?;

    for year in [2024u64, 2025, 2026] {
        for quarter in 1..=4u64 {
            let key = format!("reports/{year}/q{quarter} results.pdf");
            let mut body = b"%PDF-1.7\n".to_vec();
            body.extend(filler.bytes(40_000 + (quarter as usize) * 17_000));
            put(
                root,
                DEMO_BUCKET,
                &key,
                &body,
                now,
                days((2026 - year) * 365 + (4 - quarter) * 90),
            )?;
        }
        for month in 1..=12u64 {
            let key = format!("reports/{year}/invoices/invoice-{year}-{month:02}.csv");
            let body = format!("id,amount\n{month},{}\n", 100 * month + year);
            put(
                root,
                DEMO_BUCKET,
                &key,
                body.as_bytes(),
                now,
                days((2026 - year) * 365 + (12 - month) * 30),
            )?;
        }
    }

    for (album, count) in [
        ("holidays 2026", 24usize),
        ("team offsite", 18),
        ("product shots", 30),
    ] {
        for i in 0..count {
            let key = format!("photos/{album}/IMG_{:04}.jpg", 1000 + i);
            let mut body = vec![0xFF, 0xD8, 0xFF, 0xE0];
            body.extend(filler.bytes(150_000 + (i * 37_111) % 900_000));
            put(root, DEMO_BUCKET, &key, &body, now, days(i as u64 % 60))?;
        }
    }

    for (name, size) in [
        ("intro.mp4", 4_800_000usize),
        ("walkthrough.mp4", 2_300_000),
        ("teaser.webm", 900_000),
    ] {
        put(
            root,
            DEMO_BUCKET,
            &format!("media/video/{name}"),
            &filler.bytes(size),
            now,
            days(12),
        )?;
    }
    for i in 0..40usize {
        let key = format!("media/audio/episode {i:02}.mp3");
        put(
            root,
            DEMO_BUCKET,
            &key,
            &filler.bytes(20_000 + i * 3_000),
            now,
            days(40 - i as u64),
        )?;
    }

    for name in [
        "space in name.txt",
        "plus+sign.txt",
        "tilde~file.txt",
        "100% real.txt",
        "question?.txt",
        "hash#tag.txt",
        "a&b=c.txt",
        "ünïcødé 日本語.txt",
        "emoji 🎉 party.txt",
        "nested/deeper/still deeper/file.txt",
    ] {
        let body = format!("This object's key is \"awkward names/{name}\".\n");
        put(
            root,
            DEMO_BUCKET,
            &format!("awkward names/{name}"),
            body.as_bytes(),
            now,
            days(3),
        )?;
    }

    put(
        root,
        "backups",
        "configs/nginx.conf",
        b"server { listen 80; }\n",
        now,
        days(100),
    )?;

    let site = [
        (
            "index.html",
            "<!DOCTYPE html><title>Demo</title><h1>Hello</h1>\n",
        ),
        ("about/index.html", "<!DOCTYPE html><title>About</title>\n"),
        ("css/site.css", "body { font-family: sans-serif; }\n"),
        ("js/app.js", "console.log('hello');\n"),
    ];
    for (key, body) in site {
        put(root, "website-assets", key, body.as_bytes(), now, days(7))?;
    }
    for i in 0..25usize {
        let key = format!("img/icon-{i:02}.png");
        let mut body = b"\x89PNG\r\n\x1a\n".to_vec();
        body.extend(filler.bytes(2_000 + i * 500));
        put(root, "website-assets", &key, &body, now, days(7))?;
    }
    Ok(())
}

/// Why the demo could not start.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(transparent)]
    Server(#[from] LocalServerError),
    #[error("could not write the sample data: {0}")]
    Seed(#[from] io::Error),
}

/// The "Demo" profile: the demo server's endpoint and keys.
pub fn demo_profile(server: &LocalServer) -> Profile {
    let endpoint = Endpoint::custom(&server.endpoint_url()).unwrap_or(Endpoint::Aws);
    Profile::fixed(
        "Demo",
        ProfileSource::Demo,
        server.credentials(),
        endpoint,
        DEFAULT_REGION,
    )
}

/// Resolves on Ctrl+C, or SIGTERM on Unix.
pub async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// When the process is interrupted while the window is open (Ctrl+C in the terminal, a
/// SIGTERM), removes the demo's data folder before exiting, as closing the window would.
pub fn remove_on_interrupt(data_folder: std::path::PathBuf) {
    let _ = std::thread::Builder::new()
        .name("pail-demo-signals".into())
        .spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(shutdown_signal());
            let _ = fs::remove_dir_all(&data_folder);
            std::process::exit(130);
        });
}

/// Starts a local S3 server over a temporary folder filled with the sample data, all of it
/// written before this returns (`pail demo-server`, whose listings the benchmarks time).
pub fn start_demo_server() -> Result<LocalServer, DemoError> {
    let server = LocalServer::start_temporary(DEMO_ACCESS_KEY, DEMO_SECRET_KEY)?;
    seed(server.root())?;
    Ok(server)
}

/// The window's demo server, returned as soon as its address is bound so the window need not
/// wait for it. The small folders are written on the server's thread once `first_frame` says
/// the window is up (or after half a second, or once the window is gone), before the server
/// answers its first request: the window's first listing waits for them, not its first frame.
/// The bulk
/// (`many-objects/`, the dumps in `backups`) on a helper thread after that, so a folder opened
/// in the first few hundred milliseconds may list part of them; Refresh shows the rest. If
/// writing the sample data fails, it is said on stderr and the server does not answer.
/// `small_written` runs once the small folders are there (the window notes the moment; the
/// demo knows nothing of the window).
pub fn start_demo_server_for_window(
    first_frame: std::sync::mpsc::Receiver<()>,
    small_written: impl FnOnce() + Send + 'static,
) -> Result<LocalServer, DemoError> {
    let now = SystemTime::now();
    let prepare: crate::demo::server::Prepare = Box::new(move |root: &Path| {
        let _ = first_frame.recv_timeout(Duration::from_millis(500));
        if let Err(e) = seed_small(root, now) {
            eprintln!("pail: could not write the demo's sample data: {e}");
            return Err(e);
        }
        small_written();
        let root = root.to_owned();
        // The window may close first and take the folder with it: nothing to report then.
        let bulk = std::thread::Builder::new()
            .name("pail-demo-data".into())
            .spawn(move || {
                let _ = seed_bulk(&root, now);
            });
        bulk.map(|_| ())
    });
    Ok(LocalServer::start_temporary_prepared(
        DEMO_ACCESS_KEY,
        DEMO_SECRET_KEY,
        prepare,
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_buckets_with_awkward_names_and_many_objects() {
        let dir = tempfile::tempdir().unwrap();
        seed(dir.path()).unwrap();
        let bucket = dir.path().join(DEMO_BUCKET);
        assert!(bucket.join("awkward names/ünïcødé 日本語.txt").is_file());
        assert!(bucket.join("awkward names/plus+sign.txt").is_file());
        // Named as the server on this system names it: on Windows, `?` is no file name's.
        let question = file_names::KeyNames::native().file_of("awkward names/question?.txt");
        assert!(bucket.join(question).is_file());
        assert_eq!(
            fs::read_dir(bucket.join("many-objects")).unwrap().count(),
            MANY_OBJECTS
        );
        assert!(dir.path().join("backups/db/2026-11-01.sql.gz").is_file());
        assert!(dir.path().join("website-assets/index.html").is_file());
    }
}
