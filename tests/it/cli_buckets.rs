//! `pail mb`, `pail rb` (with and without `--force`) and `pail bucket info | versioning |
//! cors` as processes: making and deleting on s3s-fs, versions, CORS, encryption and Block
//! Public Access on moto.

use crate::common;

use std::process::Output;

use common::cli::{pail, pail_for};
use common::server_with_bucket;

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn assert_success(output: &Output) {
    assert!(
        output.status.success(),
        "exit {:?}, stderr: {}",
        output.status,
        stderr(output)
    );
}

/// Fails with one line on stderr naming `needle`, nothing on stdout.
fn assert_one_line_error(output: &Output, needle: &str) {
    let err = stderr(output);
    assert!(!output.status.success(), "should fail; stderr: {err}");
    assert!(stdout(output).is_empty(), "stdout: {}", stdout(output));
    assert_eq!(err.lines().count(), 1, "one line expected: {err:?}");
    assert!(err.contains(needle), "{needle:?} not in {err:?}");
}

/// `pail` against moto (any keys; it checks no signature).
fn pail_moto(moto: &common::moto::Moto, home: &std::path::Path, args: &[&str]) -> Output {
    let endpoint = moto.endpoint_url();
    let mut full: Vec<&str> = args.to_vec();
    full.extend(["--endpoint-url", endpoint, "--path-style"]);
    pail(home)
        .env("AWS_ACCESS_KEY_ID", "MOTOKEY")
        .env("AWS_SECRET_ACCESS_KEY", "moto-secret")
        .args(&full)
        .output()
        .expect("pail runs")
}

#[tokio::test(flavor = "multi_thread")]
async fn mb_makes_a_bucket_and_rb_deletes_only_an_empty_one() {
    let server = server_with_bucket("existing");
    let home = tempfile::tempdir().unwrap();
    let made = pail_for(&server, home.path(), &["mb", "s3://made-by-cli"]);
    assert_success(&made);
    assert_eq!(stdout(&made), "make_bucket: made-by-cli\n");
    // s3s-fs has no Block Public Access: said, and the bucket is made all the same.
    assert!(
        stderr(&made)
            .contains("the bucket was made, but the server did not take Block Public Access"),
        "{}",
        stderr(&made)
    );
    assert!(server.root().join("made-by-cli").is_dir());

    assert_one_line_error(
        &pail_for(&server, home.path(), &["mb", "s3://Made_By_CLI"]),
        "new bucket names are lower case",
    );
    assert_one_line_error(
        &pail_for(&server, home.path(), &["mb", "s3://made-by-cli"]),
        "exists already",
    );

    common::put_object(&server, "made-by-cli", "keep me.txt", b"x").await;
    assert_one_line_error(
        &pail_for(&server, home.path(), &["rb", "s3://made-by-cli"]),
        "is not empty: it holds 1 object",
    );
    assert!(
        common::get_object(&server, "made-by-cli", "keep me.txt")
            .await
            .is_some()
    );
    // Not in a terminal, --force needs --yes: nothing goes.
    let unconfirmed = pail_for(&server, home.path(), &["rb", "--force", "s3://made-by-cli"]);
    assert!(!unconfirmed.status.success());
    assert!(
        stderr(&unconfirmed).contains("holds 1 object, 0 delete markers"),
        "{}",
        stderr(&unconfirmed)
    );
    assert!(
        stderr(&unconfirmed).contains("or --yes"),
        "{}",
        stderr(&unconfirmed)
    );
    assert!(
        common::get_object(&server, "made-by-cli", "keep me.txt")
            .await
            .is_some()
    );

    let forced = pail_for(
        &server,
        home.path(),
        &["rb", "--force", "--yes", "s3://made-by-cli"],
    );
    assert_success(&forced);
    assert!(
        stdout(&forced).starts_with("remove_bucket: made-by-cli (removed 1 object,"),
        "{}",
        stdout(&forced)
    );
    assert!(!server.root().join("made-by-cli").exists());

    // A setting the server does not have: its own words, on one line.
    assert_one_line_error(
        &pail_for(
            &server,
            home.path(),
            &["bucket", "versioning", "s3://existing", "on"],
        ),
        "S3 refused: NotImplemented: PutBucketVersioning is not implemented yet",
    );
    let info = pail_for(&server, home.path(), &["bucket", "info", "s3://existing"]);
    assert_success(&info);
    assert!(
        stdout(&info).contains("versioning    unknown (this server does not support it)"),
        "{}",
        stdout(&info)
    );

    server.create_bucket("empty-one").unwrap();
    let removed = pail_for(&server, home.path(), &["rb", "s3://empty-one/"]);
    assert_success(&removed);
    assert_eq!(stdout(&removed), "remove_bucket: empty-one\n");
    assert_one_line_error(
        &pail_for(&server, home.path(), &["rb", "s3://empty-one/some/key"]),
        "is not a bucket",
    );
}

#[test]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
fn versions_encryption_public_access_and_cors_through_the_cli_on_moto() {
    let Some(moto) = common::moto::Moto::start() else {
        eprintln!("moto is not installed; skipped");
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| pail_moto(&moto, home.path(), args);
    let made = run(&["mb", "s3://cli-settings"]);
    assert_success(&made);
    assert!(
        stderr(&made).contains("Block Public Access is on"),
        "{}",
        stderr(&made)
    );

    // Outside us-east-1 the region goes as the bucket's LocationConstraint.
    assert_success(&run(&["mb", "s3://cli-in-paris", "--region", "eu-west-3"]));
    let paris = run(&["bucket", "info", "s3://cli-in-paris"]);
    assert!(
        stdout(&paris).contains("region        eu-west-3"),
        "{}",
        stdout(&paris)
    );

    let info = run(&["bucket", "info", "s3://cli-settings"]);
    assert_success(&info);
    let text = stdout(&info);
    assert!(text.contains("region        us-east-1"), "{text}");
    assert!(text.contains("versioning    never turned on"), "{text}");
    assert!(
        text.contains("public access blocked (Block Public Access: all four on)"),
        "{text}"
    );
    assert!(text.contains("cors          no rules"), "{text}");

    let on = run(&["bucket", "versioning", "s3://cli-settings", "on"]);
    assert_success(&on);
    assert!(
        stdout(&on).starts_with("versioning of cli-settings: on ("),
        "{}",
        stdout(&on)
    );
    let put = |key: &str| {
        let file = home.path().join("f.txt");
        std::fs::write(&file, key).unwrap();
        assert_success(&run(&[
            "cp",
            file.to_str().unwrap(),
            &format!("s3://cli-settings/{key}"),
        ]));
    };
    put("a.txt");
    put("a.txt");
    let suspended = run(&["bucket", "versioning", "s3://cli-settings", "suspend"]);
    assert_success(&suspended);
    assert!(
        stdout(&run(&["bucket", "info", "s3://cli-settings"])).contains("versioning    suspended")
    );

    let check = run(&[
        "bucket",
        "cors",
        "s3://cli-settings",
        "--check",
        "https://intranet.example/",
    ]);
    assert_success(&check);
    assert!(
        stdout(&check).contains("POST from https://intranet.example: not allowed"),
        "{}",
        stdout(&check)
    );
    let added = run(&[
        "bucket",
        "cors",
        "s3://cli-settings",
        "--allow-origin",
        "https://intranet.example",
    ]);
    assert_success(&added);
    assert!(
        stdout(&added).contains("POST from https://intranet.example: allowed"),
        "{}",
        stdout(&added)
    );
    assert!(
        stdout(&added).contains("PUT from https://intranet.example: allowed"),
        "{}",
        stdout(&added)
    );
    let listed = run(&["bucket", "cors", "s3://cli-settings"]);
    assert_eq!(
        stdout(&listed),
        "POST, PUT from https://intranet.example (headers: *)\n"
    );
    assert_one_line_error(
        &run(&[
            "bucket",
            "cors",
            "s3://cli-settings",
            "--check",
            "intranet.example",
        ]),
        "is not an origin",
    );

    // Two versions of a.txt: rb refuses, rb --force takes them with the bucket.
    assert_one_line_error(&run(&["rb", "s3://cli-settings"]), "2 object versions");
    let forced = run(&["rb", "--force", "--yes", "s3://cli-settings"]);
    assert_success(&forced);
    assert!(
        stderr(&forced)
            .contains("holds 2 object versions, 0 delete markers and 0 unfinished uploads"),
        "{}",
        stderr(&forced)
    );
    assert!(!stdout(&run(&["ls"])).contains("cli-settings"));
}

/// `pail rb --force` in a terminal (a pseudo-terminal made by `script`, which passes what is
/// typed on to it): the bucket goes only when its name is typed exactly.
#[tokio::test(flavor = "multi_thread")]
async fn rb_force_in_a_terminal_asks_for_the_name_typed() {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("script (util-linux) is not installed; skipped");
        return;
    }
    let server = server_with_bucket("typed");
    common::put_object(&server, "typed", "a.txt", b"x").await;
    let home = tempfile::tempdir().unwrap();
    let run_typing = |typed: &str| {
        let endpoint = server.endpoint_url();
        let command = format!(
            "{} rb --force s3://typed --endpoint-url {endpoint} --path-style",
            env!("CARGO_BIN_EXE_pail")
        );
        let mut child = std::process::Command::new("script")
            .args(["-qec", &command, "/dev/null"])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home.path())
            .env("AWS_CONFIG_FILE", home.path().join("aws-config"))
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                home.path().join("aws-credentials"),
            )
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("PAIL_CONFIG_DIR", home.path().join("pail-config"))
            .env("AWS_ACCESS_KEY_ID", common::ACCESS_KEY)
            .env("AWS_SECRET_ACCESS_KEY", common::SECRET_KEY)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write as _;
        // Typed once the question is up (the terminal would keep it meanwhile anyway).
        std::thread::sleep(std::time::Duration::from_millis(500));
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(format!("{typed}\n").as_bytes()).unwrap();
        drop(stdin);
        let output = child.wait_with_output().unwrap();
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let refused = run_typing("type");
    assert!(refused.contains("type the bucket's name"), "{refused}");
    assert!(refused.contains("nothing was deleted"), "{refused}");
    assert!(server.root().join("typed/a.txt").exists());
    let done = run_typing("typed");
    assert!(
        done.contains("remove_bucket: typed (removed 1 object"),
        "{done}"
    );
    assert!(!server.root().join("typed").exists());
}

/// Found by the release-binary attack: moto (as S3 in us-east-1) answers 200 to CreateBucket
/// for a bucket its caller owns, so `pail mb` of an existing bucket said "make_bucket" and then
/// turned Block Public Access on, changing a bucket that was there. It now says it exists and
/// changes nothing.
#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn mb_of_a_bucket_that_exists_changes_nothing_on_moto() {
    let Some(moto) = common::moto::Moto::start() else {
        eprintln!("moto is not installed; skipped");
        return;
    };
    moto.bucket_with("public-site", []).await;
    let home = tempfile::tempdir().unwrap();
    let before = pail_moto(&moto, home.path(), &["bucket", "info", "s3://public-site"]);
    assert_success(&before);
    assert!(
        stdout(&before).contains("not blocked"),
        "{}",
        stdout(&before)
    );
    let again = pail_moto(&moto, home.path(), &["mb", "s3://public-site"]);
    assert_one_line_error(&again, "public-site");
    let after = pail_moto(&moto, home.path(), &["bucket", "info", "s3://public-site"]);
    assert_eq!(
        stdout(&after),
        stdout(&before),
        "the bucket's settings are as they were"
    );
}
