//! Pail's own files where another process is involved, as Windows treats them (run under Wine):
//! a download whose target another program has open, and the upload journal's owner lock seen
//! from a second process. The other process is this test binary run again as a child, in one
//! of the helper modes below; the Linux twins check the same flows where they exist there.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use pail::model::{BucketName, ObjectKey};
use pail::testing::s3::download::download_object;
use pail::testing::s3::transfer::{TransferControl, TransferError};
use pail::testing::storage::journal::{UploadJournal, Uploader};

/// Set in a child: the file it opens and holds until the parent says.
const HOLD_OPEN: &str = "PAIL_TEST_HOLD_OPEN";
/// Set in a child: the upload journal it adds an upload to, then runs until the parent says.
const JOURNAL: &str = "PAIL_TEST_JOURNAL";
/// Set in a child: the file it creates once ready; it ends once `NAME.end` appears.
/// (Files, not pipes: under Wine 8 the parent's read of a child's stdout pipe never returned.)
const SIGNAL: &str = "PAIL_TEST_SIGNAL";

/// A child process in a helper mode, and the file it signals through.
struct Helper {
    child: Child,
    signal: PathBuf,
    _signals: tempfile::TempDir,
}

/// This test binary run again as a child, in the helper mode `test` (its name below) with the
/// variable `var` set to `path`; returns once the child says it is ready.
fn child(test: &str, var: &str, path: &Path) -> Helper {
    let signals = tempfile::tempdir().unwrap();
    let signal = signals.path().join("ready");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--test-threads=1"])
        .env(var, path)
        .env(SIGNAL, &signal)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !signal.exists() {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("the child {test} ended before it was ready: {status}");
        }
        assert!(
            Instant::now() < deadline,
            "the child {test} did not get ready"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    Helper {
        child,
        signal,
        _signals: signals,
    }
}

/// Tells the child to end, and waits for it.
fn end(mut helper: Helper) {
    std::fs::write(ending(&helper.signal), b"").unwrap();
    assert!(helper.child.wait().unwrap().success());
}

fn ending(signal: &Path) -> PathBuf {
    let mut name = signal.as_os_str().to_owned();
    name.push(".end");
    name.into()
}

/// Says in a child that it is ready, then waits until the parent says to end.
fn wait_for_parent() {
    let signal = PathBuf::from(std::env::var_os(SIGNAL).unwrap());
    std::fs::write(&signal, b"").unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    while !ending(&signal).exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Helper mode (does nothing unless started by [`child`]): holds a file open — on Windows
/// without sharing it, as an editor holding a document does.
#[test]
fn held_open_child() {
    let Some(path) = std::env::var_os(HOLD_OPEN) else {
        return;
    };
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(windows)]
    std::os::windows::fs::OpenOptionsExt::share_mode(&mut options, 0);
    let _file = options.open(path).unwrap();
    wait_for_parent();
}

/// Helper mode (does nothing unless started by [`child`]): adds an upload to a journal and
/// runs on.
#[tokio::test]
async fn journal_owner_child() {
    let Some(path) = std::env::var_os(JOURNAL) else {
        return;
    };
    let journal = UploadJournal::open(path.into());
    journal
        .add(&uploader(), "bucket", "big.bin", "upload-of-the-child")
        .await;
    wait_for_parent();
}

fn uploader() -> Uploader {
    Uploader {
        profile: "me".into(),
        endpoint: "http://127.0.0.1:9".into(),
    }
}

#[test]
fn a_running_process_keeps_its_uploads_and_they_are_taken_over_once_it_exits() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pending-uploads.json");
    let owner = child("windows_files::journal_owner_child", JOURNAL, &path);
    let journal = UploadJournal::open(path.clone());
    let pending = journal.pending();
    assert_eq!(pending.len(), 1, "{pending:?}");
    assert_eq!(pending[0].owner.pid, owner.child.id());
    assert!(
        journal.leftovers_for(&uploader()).is_empty(),
        "its owner runs: its upload is not to be aborted"
    );
    end(owner);
    let leftovers = journal.leftovers_for(&uploader());
    assert_eq!(leftovers.len(), 1, "its owner exited: {leftovers:?}");
    assert_eq!(leftovers[0].upload_id, "upload-of-the-child");
}

const BUCKET: &str = "held-open";

/// A server with `held.txt` holding `new bytes`, and a folder whose `held.txt` holds `old`.
async fn server_and_target() -> (pail::testing::demo::server::LocalServer, tempfile::TempDir) {
    let server = common::server_with_bucket(BUCKET);
    common::put_object(&server, BUCKET, "held.txt", b"new bytes").await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("held.txt"), b"old").unwrap();
    (server, dir)
}

async fn download(
    server: &pail::testing::demo::server::LocalServer,
    target: &Path,
) -> Result<u64, TransferError> {
    let (bucket, key) = (
        BucketName::new(BUCKET).unwrap(),
        ObjectKey::new("held.txt").unwrap(),
    );
    let control = TransferControl::default();
    download_object(&server.connection(), &bucket, &key, target, &control).await
}

/// The files in `dir` other than `name`.
fn others(dir: &Path, name: &str) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap() != name)
        .collect()
}

/// Windows will not replace a file another program has open without sharing it: the download
/// says so naming the file, keeps what it fetched, leaves the open file alone, and works once
/// the file is closed.
#[cfg(windows)]
#[tokio::test(flavor = "multi_thread")]
async fn a_download_onto_a_file_open_elsewhere_keeps_its_bytes_and_says_which_file() {
    let (server, dir) = server_and_target().await;
    let target = dir.path().join("held.txt");
    let holder = child("windows_files::held_open_child", HOLD_OPEN, &target);
    let failed = download(&server, &target).await;
    let Err(TransferError::Local { path, reason }) = failed else {
        panic!("{failed:?}");
    };
    assert_eq!(path, target.display().to_string());
    assert!(reason.contains("open in another program"), "{reason}");
    let kept = others(dir.path(), "held.txt");
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(reason.contains(&kept[0].display().to_string()), "{reason}");
    assert_eq!(std::fs::read(&kept[0]).unwrap(), b"new bytes");
    end(holder);
    assert_eq!(
        std::fs::read(&target).unwrap(),
        b"old",
        "the open file is untouched"
    );
    assert_eq!(download(&server, &target).await, Ok(9));
    assert_eq!(std::fs::read(&target).unwrap(), b"new bytes");
}

/// Elsewhere a file open in another program is replaced by name; that program keeps reading
/// the file it opened.
#[cfg(not(windows))]
#[tokio::test(flavor = "multi_thread")]
async fn a_download_onto_a_file_open_elsewhere_replaces_it() {
    let (server, dir) = server_and_target().await;
    let target = dir.path().join("held.txt");
    let holder = child("windows_files::held_open_child", HOLD_OPEN, &target);
    assert_eq!(download(&server, &target).await, Ok(9));
    assert_eq!(std::fs::read(&target).unwrap(), b"new bytes");
    assert!(others(dir.path(), "held.txt").is_empty());
    end(holder);
}

/// Without `PAIL_CONFIG_DIR`, settings go where Windows keeps a person's roaming settings:
/// profiles under `%APPDATA%\pail\config`, shared links and the journals under
/// `%APPDATA%\pail\data`. (The known-folder lookup `directories` makes does not read
/// `APPDATA` from the environment, here or on Windows, so the real folder is checked; a save is
/// made only where no Pail has settings yet, and taken away after.)
#[cfg(windows)]
#[test]
fn settings_are_kept_under_appdata() {
    use pail::testing::profiles::store::{ProfileStore, Provider, SavedProfile, Secret};
    let appdata = std::path::PathBuf::from(std::env::var_os("APPDATA").unwrap());
    let pail_dir = appdata.join("pail");
    let config = pail::testing::profiles::store::default_dir().unwrap();
    assert_eq!(config, pail_dir.join("config"));
    let journal = pail::testing::storage::journal::default_path().unwrap();
    assert_eq!(journal, pail_dir.join("data").join("pending-uploads.json"));
    let partials = pail::testing::storage::journal::default_partials_path().unwrap();
    assert_eq!(
        partials.parent(),
        journal.parent(),
        "beside the shared links"
    );
    if pail_dir.exists() {
        return;
    }
    let mut store = ProfileStore::in_dir(&config);
    store.upsert(
        None,
        SavedProfile {
            name: "wine-lab".into(),
            access_key_id: "AKIAWINE".into(),
            secret_access_key: Secret::new("wine-secret"),
            session_token: None,
            region: "eu-west-1".into(),
            provider: Provider::Minio,
            account_id: String::new(),
            endpoint: Some("http://127.0.0.1:9000".into()),
            path_style: true,
            default_bucket: None,
            max_link_lifetime: None,
        },
    );
    let saved = store.save();
    let on_disk = std::fs::read_to_string(config.join("config.toml"));
    let keys = std::fs::read_to_string(config.join("credentials.toml"));
    let (loaded, warnings) = ProfileStore::load(&config);
    std::fs::remove_dir_all(&pail_dir).unwrap();
    saved.unwrap();
    assert!(on_disk.unwrap().contains("wine-lab"));
    assert!(keys.unwrap().contains("wine-secret"));
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(
        loaded.get("wine-lab").unwrap().endpoint.as_deref(),
        Some("http://127.0.0.1:9000")
    );
}

/// Elsewhere the platform's folders are used the same way: `~/.config/pail` on Linux.
#[cfg(target_os = "linux")]
#[test]
fn settings_are_kept_in_the_platforms_folders() {
    let home = std::path::PathBuf::from(std::env::var_os("HOME").unwrap());
    let config_home = std::env::var_os("XDG_CONFIG_HOME")
        .map(std::path::PathBuf::from)
        .filter(|p| p.is_absolute())
        .unwrap_or_else(|| home.join(".config"));
    if std::env::var_os("PAIL_CONFIG_DIR").is_none() {
        let config = pail::testing::profiles::store::default_dir().unwrap();
        assert_eq!(config, config_home.join("pail"));
    }
    let data_home = std::env::var_os("XDG_DATA_HOME")
        .map(std::path::PathBuf::from)
        .filter(|p| p.is_absolute())
        .unwrap_or_else(|| home.join(".local/share"));
    let journal = pail::testing::storage::journal::default_path().unwrap();
    assert_eq!(journal, data_home.join("pail").join("pending-uploads.json"));
}
