//! Issue 28's attack on download names: a key whose own name cannot be a file here is saved
//! under a name Pail makes (`CON` → `_CON`, `ends.` → `ends_` on Windows; a direction override
//! → `_` everywhere). Such a name never replaces a file already there, the object whose own
//! name is the plain one keeps it, every changed name is said, and a destination the person
//! typed that Windows would not write under that name is refused before anything is written.
//! Through `pail cp` and the worker, against the local server.

use std::path::Path;

use crate::common;

use common::batch::{download, profile, run, start_worker};
use common::{put_object, server_with_bucket};
use pail::testing::s3::download::Conflict;

const BUCKET: &str = "names";

/// Keys whose names Pail changes on the system the tests run on, with the name each gets.
fn made_up() -> Vec<(&'static str, &'static str)> {
    let mut keys = vec![("x\u{202e}y", "x_y")];
    if cfg!(windows) {
        keys.extend([("CON", "_CON"), ("ends.", "ends_"), ("a:b", "a_b")]);
    }
    keys
}

fn body(key: &str) -> Vec<u8> {
    format!("the object {key:?}").into_bytes()
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Found (data loss, under Wine: `W cp s3://b/CON dl\` replaced the person's `_CON`). A name
/// Pail made takes the next free `name (n)` instead, and the line says so; a second key
/// that maps to the same made-up name does not replace the first one's file either.
#[tokio::test(flavor = "multi_thread")]
async fn a_made_up_name_never_replaces_a_file() {
    let server = server_with_bucket(BUCKET);
    let home = tempfile::tempdir().unwrap();
    let dl = home.path().join("dl");
    std::fs::create_dir(&dl).unwrap();
    let into = format!("{}{}", dl.display(), std::path::MAIN_SEPARATOR);
    for (key, made) in made_up() {
        put_object(&server, BUCKET, key, &body(key)).await;
        std::fs::write(dl.join(made), b"USER").unwrap();
        let from = format!("s3://{BUCKET}/{key}");
        let out = common::cli::pail_for(&server, home.path(), &["cp", &from, &into]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{key:?}: {err}");
        assert_eq!(read(&dl.join(made)), b"USER", "{key:?}: {err}");
        assert_eq!(read(&dl.join(format!("{made} (1)"))), body(key), "{key:?}");
        assert!(err.contains("renamed: "), "{key:?}: {err}");
        // Again: the first download's file stays too.
        let out = common::cli::pail_for(&server, home.path(), &["cp", &from, &into]);
        assert!(out.status.success());
        assert_eq!(read(&dl.join(format!("{made} (1)"))), body(key));
        assert_eq!(read(&dl.join(format!("{made} (2)"))), body(key));
    }
    if cfg!(windows) {
        // `a.` and `a ` are both `a_` here: the second keeps the first.
        for key in ["a.", "a "] {
            put_object(&server, BUCKET, key, &body(key)).await;
            let from = format!("s3://{BUCKET}/{key}");
            let out = common::cli::pail_for(&server, home.path(), &["cp", &from, &into]);
            assert!(out.status.success());
        }
        assert_eq!(read(&dl.join("a_")), body("a."));
        assert_eq!(read(&dl.join("a_ (1)")), body("a "));
    }
}

/// Found (data loss). In a `--recursive` batch the object really named `x_y` was moved to
/// `x_y (1)` while the made-up name took `x_y`, and `--dryrun` said nothing of the change.
#[tokio::test(flavor = "multi_thread")]
async fn in_a_batch_the_own_name_wins_and_dryrun_says_the_rename() {
    let server = server_with_bucket(BUCKET);
    for (key, made) in made_up() {
        // The made-up one first: the order of the listing must not matter.
        put_object(&server, BUCKET, &format!("p/{key}"), &body(key)).await;
        put_object(&server, BUCKET, &format!("p/{made}"), &body(made)).await;
    }
    let home = tempfile::tempdir().unwrap();
    let dl = home.path().join("dl");
    let into = dl.display().to_string();
    let args = ["cp", "s3://names/p/", &into, "--recursive"];
    let dry: Vec<&str> = args.iter().copied().chain(["--dryrun"]).collect();
    let dry = common::cli::pail_for(&server, home.path(), &dry);
    let dry_err = String::from_utf8_lossy(&dry.stderr);
    assert!(dry.status.success(), "{dry_err}");
    let out = common::cli::pail_for(&server, home.path(), &args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    for (key, made) in made_up() {
        assert_eq!(read(&dl.join(made)), body(made), "{key:?}: {err}");
        assert_eq!(read(&dl.join(format!("{made} (1)"))), body(key), "{key:?}");
        for said in [&dry_err, &err] {
            assert!(
                said.lines()
                    .any(|l| l.contains("renamed: ") && l.contains(&format!("{made} (1)"))),
                "{key:?}: {said}"
            );
        }
    }
}

/// Found (data loss), the same through the worker (the window's downloads): under Overwrite
/// the made-up name replaced the person's file.
#[tokio::test(flavor = "multi_thread")]
async fn the_window_keeps_the_file_a_made_up_name_would_replace() {
    let server = server_with_bucket(BUCKET);
    for (key, _) in made_up() {
        put_object(&server, BUCKET, &format!("w/{key}"), &body(key)).await;
    }
    let target = tempfile::tempdir().unwrap();
    let w = target.path().join("w");
    std::fs::create_dir(&w).unwrap();
    for (_, made) in made_up() {
        std::fs::write(w.join(made), b"USER").unwrap();
    }
    let profile = profile("Demo", &server.endpoint_url());
    let (worker, events) = start_worker();
    let outcome = tokio::task::block_in_place(|| {
        run(
            &worker,
            &events,
            download(28, &profile, BUCKET, &["w/"], target.path()),
            Some(Conflict::Overwrite),
        )
    });
    assert!(outcome.failed.is_empty(), "{outcome:?}");
    for (key, made) in made_up() {
        assert_eq!(read(&w.join(made)), b"USER", "{key:?}");
        assert_eq!(read(&w.join(format!("{made} (1)"))), body(key), "{key:?}");
        assert!(
            outcome
                .said
                .iter()
                .any(|s| s.contains(&format!("{made} (1)"))),
            "{outcome:?}"
        );
    }
}

/// Found (under Wine): `cp s3://b/k dl\aux.txt` (or `COM1`, `NUL`, `x.`) failed with "it is
/// open in another program … kept whole as …pail-partial", or "Bad device type", leaving a
/// partial file each time. Refused before any request, saying why; nothing written. Elsewhere
/// those are plain names, and written as such.
#[tokio::test(flavor = "multi_thread")]
async fn a_typed_destination_windows_reserves_is_refused() {
    let server = server_with_bucket(BUCKET);
    put_object(&server, BUCKET, "k", b"object k").await;
    let home = tempfile::tempdir().unwrap();
    let dl = home.path().join("dl");
    std::fs::create_dir(&dl).unwrap();
    std::fs::write(dl.join("x"), b"USER").unwrap();
    for (name, device) in [
        ("aux.txt", Some("AUX")),
        ("COM1", Some("COM1")),
        ("CON", Some("CON")),
        ("NUL", Some("NUL")),
        ("x.", None),
        ("x ", None),
    ] {
        let to = dl.join(name).display().to_string();
        let out = common::cli::pail_for(&server, home.path(), &["cp", "s3://names/k", &to]);
        let err = String::from_utf8_lossy(&out.stderr);
        if cfg!(windows) {
            assert!(!out.status.success(), "{name:?}");
            let why = device.map_or("trailing".to_owned(), |d| format!("{d} is a device name"));
            assert!(err.contains(&why), "{name:?}: {err}");
            assert!(!err.contains("pail-partial"), "{name:?}: {err}");
        } else {
            assert!(out.status.success(), "{name:?}: {err}");
            assert_eq!(read(&dl.join(name)), b"object k");
        }
    }
    assert_eq!(read(&dl.join("x")), b"USER");
    if cfg!(windows) {
        let mut left: Vec<String> = std::fs::read_dir(&dl)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["x"], "nothing written");
    }
}

/// Found (under Wine). A download whose target another program held open kept its bytes as
/// `.NAME.TOKEN.pail-partial` and said "close the file and download again"; the next download
/// did, and left the kept file for ever. Now the copy is kept as `.NAME.kept.pail-partial`,
/// the message says what to do with it, and the next download that reaches the target removes
/// it — never a download in progress (`.NAME.TOKEN.pail-partial`).
#[tokio::test(flavor = "multi_thread")]
async fn the_next_download_removes_the_kept_copy_and_nothing_else() {
    let server = server_with_bucket(BUCKET);
    put_object(&server, BUCKET, "held.txt", b"new bytes").await;
    let home = tempfile::tempdir().unwrap();
    let dl = home.path().join("dl");
    std::fs::create_dir(&dl).unwrap();
    let target = dl.join("held.txt");
    std::fs::write(&target, b"old").unwrap();
    let to = target.display().to_string();
    let in_progress = ".held.txt.0123abcd.pail-partial";
    std::fs::write(dl.join(in_progress), b"another download's").unwrap();
    #[cfg(windows)]
    {
        // Held open as an editor holds a document: Windows will not replace it.
        let mut options = std::fs::OpenOptions::new();
        options.read(true);
        std::os::windows::fs::OpenOptionsExt::share_mode(&mut options, 0);
        let held = options.open(&target).unwrap();
        let out = common::cli::pail_for(&server, home.path(), &["cp", "s3://names/held.txt", &to]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{err}");
        let kept = dl.join(".held.txt.kept.pail-partial");
        // Paths are shown as a terminal shows them (`\` doubled): the kept file's own name.
        assert!(err.contains(".held.txt.kept.pail-partial"), "{err}");
        assert!(err.contains("rename"), "{err}");
        assert_eq!(read(&kept), b"new bytes");
        drop(held);
        assert_eq!(read(&target), b"old");
    }
    #[cfg(not(windows))]
    std::fs::write(dl.join(".held.txt.kept.pail-partial"), b"kept earlier").unwrap();
    let out = common::cli::pail_for(&server, home.path(), &["cp", "s3://names/held.txt", &to]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(read(&target), b"new bytes");
    let mut left: Vec<String> = std::fs::read_dir(&dl)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, [in_progress, "held.txt"]);
}

/// Found (data loss, by reading the code after the attack): `pail cp --version-id` into a
/// folder replaced the file at a made-up name too, and took a typed destination Windows would
/// write elsewhere. Now it takes the next free name, says so, and refuses such a destination.
#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn a_version_downloaded_under_a_made_up_name_replaces_nothing() {
    let Some(moto) = common::moto::Moto::start() else {
        eprintln!("moto_server not installed (PAIL_MOTO_SERVER): skipped");
        return;
    };
    // moto sends names raw: a direction override, not a control character.
    let key = "v/x\u{202e}y";
    crate::versions::versioned_bucket(&moto, "vnames", &[(key, b"old version")]).await;
    let listed = moto
        .connection()
        .client()
        .list_object_versions()
        .bucket("vnames")
        .send()
        .await
        .unwrap();
    let id = listed.versions()[0].version_id().unwrap().to_owned();
    let home = tempfile::tempdir().unwrap();
    let dl = home.path().join("dl");
    std::fs::create_dir(&dl).unwrap();
    std::fs::write(dl.join("x_y"), b"USER").unwrap();
    let into = format!("{}/", dl.display());
    let from = format!("s3://vnames/{key}");
    let out = common::cli::pail(home.path())
        .env("AWS_ACCESS_KEY_ID", "AK")
        .env("AWS_SECRET_ACCESS_KEY", "SK")
        .env("AWS_REGION", "us-east-1")
        .args(["cp", "--version-id", &id, &from, &into])
        .args(["--endpoint-url", moto.endpoint_url(), "--path-style"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert_eq!(read(&dl.join("x_y")), b"USER");
    assert_eq!(read(&dl.join("x_y (1)")), b"old version");
    assert!(
        err.contains("renamed: ") && err.contains("x_y (1)"),
        "{err}"
    );
}
