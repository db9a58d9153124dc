//! Batches placed by the planner, through the real worker against a real S3 server: nothing a
//! batch writes lands on another file of the batch, on a name that exists (unless the person
//! said so), on Pail's own partial files, or onto its own source; a lookup that fails is a
//! question, not "nothing there".

use crate::common;

use std::path::Path;
use std::time::Duration;

use common::batch::{copy, download, folder, profile, run, start_worker, upload};
use common::{ACCESS_KEY, SECRET_KEY, get_object, put_object, server_with_bucket};
use pail::testing::s3::download::Conflict;
use pail::testing::worker::{Command, DownloadRequest};

const BUCKET: &str = "plan";

fn read(path: impl AsRef<Path>) -> Vec<u8> {
    std::fs::read(path.as_ref()).unwrap_or_else(|e| panic!("{}: {e}", path.as_ref().display()))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_named_like_a_partial_file_never_replaces_another_download() {
    let server = server_with_bucket(BUCKET);
    let report: Vec<u8> = (0..12 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    put_object(&server, BUCKET, "coll/report.pdf", &report).await;
    put_object(
        &server,
        BUCKET,
        "coll/.report.pdf.pail-partial",
        b"not the report",
    )
    .await;
    let folder = tempfile::tempdir().unwrap();
    let profile = profile("Demo", &server.endpoint_url());
    let (worker, events) = start_worker();
    let outcome = tokio::task::block_in_place(|| {
        run(
            &worker,
            &events,
            download(1, &profile, BUCKET, &["coll/"], folder.path()),
            Some(Conflict::Overwrite),
        )
    });
    assert!(outcome.failed.is_empty(), "{outcome:?}");
    assert!(read(folder.path().join("coll/report.pdf")) == report);
    assert_eq!(
        read(folder.path().join("coll/.report.pdf.pail-partial (1)")),
        b"not the report"
    );
    let asked = outcome
        .asked
        .expect("the renamed key is shown before the batch runs");
    assert_eq!(asked.overwrite.renamed, 1, "{asked:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_of_the_persons_named_like_a_partial_file_is_left_alone() {
    let server = server_with_bucket(BUCKET);
    put_object(&server, BUCKET, "report.pdf", b"the report").await;
    let folder = tempfile::tempdir().unwrap();
    let mine = folder.path().join(".report.pdf.pail-partial");
    std::fs::write(&mine, b"my own notes").unwrap();
    let profile = profile("Demo", &server.endpoint_url());
    let (worker, events) = start_worker();
    let command = Command::Download(DownloadRequest {
        keys: vec![("report.pdf".into(), 10)],
        ..match download(1, &profile, BUCKET, &[], folder.path()) {
            Command::Download(request) => request,
            _ => unreachable!(),
        }
    });
    let outcome = tokio::task::block_in_place(|| run(&worker, &events, command, None));
    assert!(outcome.failed.is_empty(), "{outcome:?}");
    assert_eq!(read(folder.path().join("report.pdf")), b"the report");
    assert_eq!(read(&mine), b"my own notes");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_move_between_two_profiles_on_one_bucket_is_refused_and_deletes_nothing() {
    let server = server_with_bucket(BUCKET);
    for key in ["in/a.txt", "in/b.txt"] {
        put_object(&server, BUCKET, key, key.as_bytes()).await;
    }
    // Two profiles, two spellings of one endpoint (a trailing slash): one place.
    let port = server.addr().port();
    let one = profile("Work", &server.endpoint_url());
    let other = profile("Work (copy)", &format!("http://127.0.0.1:{port}/"));
    let (worker, events) = start_worker();
    let command = copy(
        3,
        folder(&one, BUCKET, ""),
        &["in/"],
        folder(&other, BUCKET, ""),
        true,
    );
    let outcome =
        tokio::task::block_in_place(|| run(&worker, &events, command, Some(Conflict::Overwrite)));
    assert!(
        outcome.failed.iter().any(|e| e.contains("same folder")),
        "{outcome:?}"
    );
    for key in ["in/a.txt", "in/b.txt"] {
        assert_eq!(
            get_object(&server, BUCKET, key).await.as_deref(),
            Some(key.as_bytes())
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn keep_both_on_upload_passes_over_a_name_n_that_exists() {
    let server = server_with_bucket(BUCKET);
    put_object(&server, BUCKET, "in/report.pdf", b"first").await;
    put_object(&server, BUCKET, "in/report (1).pdf", b"second").await;
    let here = tempfile::tempdir().unwrap();
    let file = here.path().join("report.pdf");
    std::fs::write(&file, b"third").unwrap();
    let profile = profile("Demo", &server.endpoint_url());
    let (worker, events) = start_worker();
    let outcome = tokio::task::block_in_place(|| {
        run(
            &worker,
            &events,
            upload(2, &profile, BUCKET, "in/", vec![file], false),
            Some(Conflict::KeepBoth),
        )
    });
    assert!(outcome.failed.is_empty(), "{outcome:?}");
    let get = |key: &'static str| get_object(&server, BUCKET, key);
    assert_eq!(get("in/report.pdf").await.as_deref(), Some(&b"first"[..]));
    assert_eq!(
        get("in/report (1).pdf").await.as_deref(),
        Some(&b"second"[..])
    );
    assert_eq!(
        get("in/report (2).pdf").await.as_deref(),
        Some(&b"third"[..])
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn keep_both_on_download_never_renames_onto_another_file_of_the_batch() {
    let server = server_with_bucket(BUCKET);
    put_object(&server, BUCKET, "d/report.pdf", b"object report").await;
    put_object(&server, BUCKET, "d/report (1).pdf", b"object report one").await;
    let folder = tempfile::tempdir().unwrap();
    std::fs::create_dir(folder.path().join("d")).unwrap();
    std::fs::write(folder.path().join("d/report.pdf"), b"mine").unwrap();
    let profile = profile("Demo", &server.endpoint_url());
    let (worker, events) = start_worker();
    let outcome = tokio::task::block_in_place(|| {
        run(
            &worker,
            &events,
            download(1, &profile, BUCKET, &["d/"], folder.path()),
            Some(Conflict::KeepBoth),
        )
    });
    assert!(outcome.failed.is_empty(), "{outcome:?}");
    let d = folder.path().join("d");
    assert_eq!(read(d.join("report.pdf")), b"mine");
    assert_eq!(read(d.join("report (1).pdf")), b"object report one");
    assert_eq!(read(d.join("report (2).pdf")), b"object report");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_upload_where_pail_cannot_look_asks_before_overwriting() {
    let server = server_with_bucket(BUCKET);
    put_object(&server, BUCKET, "a.txt", b"precious").await;
    // Keys that may write but neither look at nor list objects.
    let refused = vec!["HeadObject", "ListObjectsV2", "ListObjects", "GetObject"];
    let blind =
        common::refusing::RefusingServer::start(&server, ACCESS_KEY, SECRET_KEY, refused).await;
    let here = tempfile::tempdir().unwrap();
    let file = here.path().join("a.txt");
    std::fs::write(&file, b"replacement").unwrap();
    let profile = profile("Write only", &blind.endpoint_url());
    let (worker, events) = start_worker();
    let outcome = tokio::task::block_in_place(|| {
        run(
            &worker,
            &events,
            upload(2, &profile, BUCKET, "", vec![file.clone()], false),
            None,
        )
    });
    let asked = outcome.asked.expect("asked before writing blind");
    assert!(asked.unseen.is_some(), "{asked:?}");
    assert_eq!(
        get_object(&server, BUCKET, "a.txt").await.as_deref(),
        Some(&b"precious"[..]),
        "Cancel leaves what is there"
    );
    // Told to overwrite whatever is there, it does.
    let outcome = tokio::task::block_in_place(|| {
        run(
            &worker,
            &events,
            upload(2, &profile, BUCKET, "", vec![file], false),
            Some(Conflict::Overwrite),
        )
    });
    assert!(outcome.failed.is_empty(), "{outcome:?}");
    assert_eq!(
        get_object(&server, BUCKET, "a.txt").await.as_deref(),
        Some(&b"replacement"[..])
    );
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn a_download_never_follows_a_link_planted_in_the_folder() {
    let server = server_with_bucket(BUCKET);
    put_object(&server, BUCKET, "photos/cat.jpg", b"cat").await;
    put_object(&server, BUCKET, "top.txt", b"top").await;
    let folder = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), folder.path().join("photos")).unwrap();
    let profile = profile("Demo", &server.endpoint_url());
    let (worker, events) = start_worker();
    let command = Command::Download(DownloadRequest {
        keys: vec![("photos/cat.jpg".into(), 3), ("top.txt".into(), 3)],
        ..match download(1, &profile, BUCKET, &[], folder.path()) {
            Command::Download(request) => request,
            _ => unreachable!(),
        }
    });
    let outcome =
        tokio::task::block_in_place(|| run(&worker, &events, command, Some(Conflict::Overwrite)));
    assert_eq!(
        std::fs::read_dir(outside.path()).unwrap().count(),
        0,
        "nothing written outside the folder"
    );
    assert!(
        outcome
            .failed
            .iter()
            .any(|e| e.contains("are not followed")),
        "{outcome:?}"
    );
    assert_eq!(read(folder.path().join("top.txt")), b"top");
}

#[tokio::test(flavor = "multi_thread")]
async fn cp_places_files_through_the_planner_and_dryrun_writes_nothing() {
    let server = server_with_bucket(BUCKET);
    put_object(&server, BUCKET, "d/a.txt", b"a").await;
    put_object(
        &server,
        BUCKET,
        "d/.a.txt.pail-partial",
        b"a key, not a partial file",
    )
    .await;
    let home = tempfile::tempdir().unwrap();
    let into = tempfile::tempdir().unwrap();
    let into_arg = into.path().display().to_string();
    let args = ["cp", "s3://plan/d/", &into_arg, "--recursive"];
    let dry: Vec<&str> = args.iter().copied().chain(["--dryrun"]).collect();
    let output = common::cli::pail_for(&server, home.path(), &dry);
    let (out, err) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert!(output.status.success(), "{err}");
    assert!(
        out.contains("(dryrun) download: s3://plan/d/a.txt to ")
            && out.contains(".a.txt.pail-partial (1)"),
        "{out}"
    );
    assert!(err.contains("renamed"), "{err}");
    assert_eq!(
        std::fs::read_dir(into.path()).unwrap().count(),
        0,
        "a dry run writes nothing"
    );
    let output = common::cli::pail_for(&server, home.path(), &args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(read(into.path().join("a.txt")), b"a");
    assert_eq!(
        read(into.path().join(".a.txt.pail-partial (1)")),
        b"a key, not a partial file"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn names_without_an_extension_that_exist_are_asked_about() {
    let server = server_with_bucket(BUCKET);
    put_object(&server, BUCKET, "in/Makefile", b"theirs").await;
    put_object(&server, BUCKET, "in/.env", b"their secrets").await;
    let here = tempfile::tempdir().unwrap();
    let files: Vec<std::path::PathBuf> = ["Makefile", ".env"]
        .iter()
        .map(|name| {
            let path = here.path().join(name);
            std::fs::write(&path, b"mine").unwrap();
            path
        })
        .collect();
    let profile = profile("Demo", &server.endpoint_url());
    let (worker, events) = start_worker();
    let outcome = tokio::task::block_in_place(|| {
        run(
            &worker,
            &events,
            upload(2, &profile, BUCKET, "in/", files, false),
            Some(Conflict::Skip),
        )
    });
    let asked = outcome.asked.expect("asked before replacing");
    assert_eq!(asked.taken, 2, "{asked:?}");
    assert_eq!(
        get_object(&server, BUCKET, "in/Makefile").await.as_deref(),
        Some(&b"theirs"[..])
    );
    assert_eq!(
        get_object(&server, BUCKET, "in/.env").await.as_deref(),
        Some(&b"their secrets"[..])
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_that_appears_while_its_download_runs_is_left_as_it_is() {
    use pail::testing::s3::transfer::TransferControl;
    let server = server_with_bucket(BUCKET);
    let body: Vec<u8> = (0..6 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    put_object(&server, BUCKET, "slow.bin", &body).await;
    let proxy = common::proxy::Proxy::start(server.addr()).await;
    proxy.set_rates(0, 2_000_000);
    let connection = pail::s3::connection::Connection::with_static_credentials(
        server.credentials(),
        "us-east-1",
        pail::model::Endpoint::custom(&proxy.endpoint_url()).unwrap(),
        true,
    );
    let folder = tempfile::tempdir().unwrap();
    let control = TransferControl::default();
    let download = {
        let (connection, root, control) = (connection, folder.path().to_owned(), control.clone());
        tokio::spawn(async move {
            let landing = pail::testing::s3::download::Landing {
                root: &root,
                relative: "slow.bin",
                replace: false,
                listed_size: None,
                head: None,
            };
            pail::testing::s3::download::download_object_below(
                &connection,
                &pail::model::BucketName::new(BUCKET).unwrap(),
                &pail::model::ObjectKey::new("slow.bin").unwrap(),
                landing,
                &control,
                None,
            )
            .await
        })
    };
    while control.done_bytes() == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // Planned as new; the person saves a file of that name meanwhile.
    std::fs::write(folder.path().join("slow.bin"), b"mine").unwrap();
    let result = download.await.unwrap();
    assert!(
        matches!(&result, Err(e) if e.to_string().contains("appeared")),
        "{result:?}"
    );
    assert_eq!(read(folder.path().join("slow.bin")), b"mine");
    let left: Vec<_> = std::fs::read_dir(folder.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "no partial file left");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_big_upload_looks_at_each_folder_it_writes_in_and_keeps_both() {
    let server = server_with_bucket(BUCKET);
    put_object(&server, BUCKET, "in/batch/sub/report.txt", b"theirs").await;
    put_object(
        &server,
        BUCKET,
        "in/batch/sub/report (1).txt",
        b"theirs too",
    )
    .await;
    put_object(&server, BUCKET, "elsewhere/untouched.txt", b"x").await;
    let here = tempfile::tempdir().unwrap();
    let batch = here.path().join("batch");
    std::fs::create_dir_all(batch.join("sub")).unwrap();
    for i in 0..24 {
        std::fs::write(batch.join(format!("f{i:02}.txt")), b"n").unwrap();
    }
    std::fs::write(batch.join("sub/report.txt"), b"mine").unwrap();
    let profile = profile("Demo", &server.endpoint_url());
    let (worker, events) = start_worker();
    let outcome = tokio::task::block_in_place(|| {
        run(
            &worker,
            &events,
            upload(2, &profile, BUCKET, "in/", vec![batch], false),
            Some(Conflict::KeepBoth),
        )
    });
    let asked = outcome.asked.expect("asked: one name is taken");
    assert_eq!((asked.taken, asked.keep_both.renamed), (1, 1), "{asked:?}");
    let get = |key: &'static str| get_object(&server, BUCKET, key);
    assert_eq!(
        get("in/batch/sub/report.txt").await.as_deref(),
        Some(&b"theirs"[..])
    );
    assert_eq!(
        get("in/batch/sub/report (1).txt").await.as_deref(),
        Some(&b"theirs too"[..])
    );
    assert_eq!(
        get("in/batch/sub/report (2).txt").await.as_deref(),
        Some(&b"mine"[..])
    );
    assert_eq!(get("in/batch/f23.txt").await.as_deref(), Some(&b"n"[..]));
}
