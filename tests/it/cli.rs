//! The `pail` binary run as a process: `presign` and `presign-post` against the local S3
//! server, and every kind of bad input ending in one line on stderr.

use crate::common;

use std::path::Path;
use std::process::{Command, Output};

use common::cli::{pail, pail_for};
use common::{ACCESS_KEY, SECRET_KEY, get_object, http, put_object, server_with_bucket};

const BUCKET: &str = "cli-test";

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

fn assert_success(output: &Output) {
    assert!(
        output.status.success(),
        "exit {:?}, stderr: {}",
        output.status,
        stderr(output)
    );
}

/// A failure: non-zero exit, nothing on stdout, one line on stderr that contains `needle`,
/// and no panic.
fn assert_one_line_error(output: &Output, needle: &str) {
    let err = stderr(output);
    assert!(!output.status.success(), "should fail; stderr: {err}");
    assert!(stdout(output).is_empty(), "stdout: {}", stdout(output));
    assert_eq!(err.lines().count(), 1, "one line expected: {err:?}");
    assert!(err.contains(needle), "{needle:?} not in {err:?}");
    assert!(
        !err.contains("panicked") && !err.contains("backtrace"),
        "{err}"
    );
}

fn home() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

fn query_param<'a>(url: &'a str, name: &str) -> Option<&'a str> {
    url.split_once('?')?
        .1
        .split('&')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}

#[tokio::test]
async fn presign_prints_only_a_working_url() {
    let server = server_with_bucket(BUCKET);
    put_object(&server, BUCKET, "docs/hello world+ü.txt", b"hello").await;
    let home = home();
    let output = pail_for(
        &server,
        home.path(),
        &["presign", "s3://cli-test/docs/hello world+ü.txt"],
    );
    assert_success(&output);
    let out = stdout(&output);
    assert_eq!(out.lines().count(), 1, "{out}");
    let url = out.trim_end();
    assert_eq!(
        query_param(url, "X-Amz-Expires"),
        Some("3600"),
        "default expiry"
    );
    assert!(url.starts_with(&format!("{}/cli-test/docs/", server.endpoint_url())));
    let response = http().get(url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.bytes().await.unwrap().as_ref(), b"hello");
}

#[tokio::test]
async fn presign_put_uploads_and_names_the_required_header() {
    let server = server_with_bucket(BUCKET);
    let home = home();
    let output = pail_for(
        &server,
        home.path(),
        &[
            "presign",
            "s3://cli-test/up/new file.json",
            "--method",
            "put",
            "--content-type",
            "application/json",
            "--expires-in",
            "600",
        ],
    );
    assert_success(&output);
    assert!(stderr(&output).contains("content-type: application/json"));
    let url = stdout(&output).trim_end().to_owned();
    assert_eq!(query_param(&url, "X-Amz-Expires"), Some("600"));
    let response = http()
        .put(&url)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        get_object(&server, BUCKET, "up/new file.json")
            .await
            .as_deref(),
        Some(&b"{}"[..])
    );
}

#[tokio::test]
async fn presign_with_content_disposition() {
    let server = server_with_bucket(BUCKET);
    put_object(&server, BUCKET, "a.bin", b"abc").await;
    let home = home();
    let output = pail_for(
        &server,
        home.path(),
        &[
            "presign",
            "s3://cli-test/a.bin",
            "--content-disposition",
            "attachment; filename=\"b.bin\"",
        ],
    );
    assert_success(&output);
    let response = http().get(stdout(&output).trim_end()).send().await.unwrap();
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"b.bin\""
    );
}

#[test]
fn expires_at_accepts_rfc3339_and_local_time() {
    let server = server_with_bucket(BUCKET);
    let home = home();
    let in_two_days = jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_hours(48))
        .unwrap();
    let rfc3339 = in_two_days.to_string();
    let output = pail_for(
        &server,
        home.path(),
        &["presign", "s3://cli-test/k", "--expires-at", &rfc3339],
    );
    assert_success(&output);
    let secs: u64 = query_param(&stdout(&output), "X-Amz-Expires")
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!((172_790..=172_800).contains(&secs), "{secs}");

    // TZ=UTC in the child, so the plain local form is UTC here.
    let local = in_two_days.strftime("%Y-%m-%d %H:%M").to_string();
    let output = pail_for(
        &server,
        home.path(),
        &["presign", "s3://cli-test/k", "--expires-at", &local],
    );
    assert_success(&output);
    let secs: u64 = query_param(&stdout(&output), "X-Amz-Expires")
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!((172_700..=172_800).contains(&secs), "{secs}");
}

/// A signed link to a key with a `..` segment is made (tools that send the path as written
/// open it) and said to fail in browsers, which resolve the segment away.
#[test]
fn a_link_to_a_key_with_a_dot_segment_is_said_to_fail_in_browsers() {
    let home = home();
    let output = pail(home.path())
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .args([
            "presign",
            "--region",
            "us-east-1",
            "s3://some-bucket/a/../b.txt",
        ])
        .output()
        .unwrap();
    assert_success(&output);
    assert!(
        stdout(&output).contains("/a/../b.txt?"),
        "{}",
        stdout(&output)
    );
    assert!(
        stderr(&output).contains("browsers resolve away"),
        "{}",
        stderr(&output)
    );
}

/// A link written to a full disk is lost: the command fails and says so, where `| head`
/// (a reader that had enough) still ends quietly.
#[test]
fn a_link_stdout_cannot_take_is_a_failure() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        eprintln!("no /dev/full here; skipped");
        return;
    };
    let home = home();
    let output = pail(home.path())
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .args(["presign", "--region", "us-east-1", "s3://some-bucket/k"])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_one_line_error(&output, "could not write to standard output");
}

#[test]
fn aws_links_are_virtual_hosted_and_http_on_request() {
    // No endpoint: an AWS link, made offline because the region is given.
    let home = home();
    let output = pail(home.path())
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .args([
            "presign",
            "s3://examplebucket/a b.txt",
            "--region",
            "eu-west-1",
        ])
        .output()
        .unwrap();
    assert_success(&output);
    assert!(
        stdout(&output).starts_with(
            "https://examplebucket.s3.eu-west-1.amazonaws.com/a%20b.txt?x-id=GetObject&"
        ),
        "{}",
        stdout(&output)
    );
    let output = pail(home.path())
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .args([
            "presign",
            "s3://examplebucket/a",
            "--region",
            "eu-west-1",
            "--http",
        ])
        .output()
        .unwrap();
    assert_success(&output);
    assert!(stdout(&output).starts_with("http://examplebucket.s3.eu-west-1.amazonaws.com/a?"));
}

#[tokio::test]
async fn profile_from_the_shared_credentials_file() {
    let server = server_with_bucket(BUCKET);
    put_object(&server, BUCKET, "p.txt", b"profile").await;
    let home = home();
    std::fs::write(
        home.path().join("aws-credentials"),
        format!(
            "[local]\naws_access_key_id = {ACCESS_KEY}\naws_secret_access_key = {SECRET_KEY}\n"
        ),
    )
    .unwrap();
    let output = pail(home.path())
        .args([
            "presign",
            "s3://cli-test/p.txt",
            "--profile",
            "local",
            "--endpoint-url",
            &server.endpoint_url(),
            "--path-style",
        ])
        .output()
        .unwrap();
    assert_success(&output);
    let response = http().get(stdout(&output).trim_end()).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.bytes().await.unwrap().as_ref(), b"profile");
}

#[tokio::test]
async fn presign_post_json_uploads_like_boto3s() {
    let server = server_with_bucket(BUCKET);
    let home = home();
    let output = pail_for(
        &server,
        home.path(),
        &[
            "presign-post",
            "s3://cli-test/forms/data.csv",
            "--max-size",
            "1000",
            "--content-type",
            "text/csv",
        ],
    );
    assert_success(&output);
    let document: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let url = document["url"].as_str().unwrap();
    let fields = document["fields"].as_object().unwrap();
    let names: Vec<&str> = fields.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "key",
            "Content-Type",
            "success_action_status",
            "x-amz-algorithm",
            "x-amz-credential",
            "x-amz-date",
            "policy",
            "x-amz-signature"
        ]
    );
    let mut form = reqwest::multipart::Form::new();
    for (name, value) in fields {
        form = form.text(name.clone(), value.as_str().unwrap().to_owned());
    }
    form = form.part(
        "file",
        reqwest::multipart::Part::bytes(b"a,b\n1,2\n".to_vec()),
    );
    let response = http().post(url).multipart(form).send().await.unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(
        get_object(&server, BUCKET, "forms/data.csv")
            .await
            .as_deref(),
        Some(&b"a,b\n1,2\n"[..])
    );
}

/// Runs the printed curl command with `file` in place of the placeholder.
fn run_curl(command: &str, file: &Path) -> Output {
    let script = command.replace("<FILE>", &file.display().to_string());
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .output()
        .expect("sh and curl are installed (.ci/run installs curl)")
}

#[cfg_attr(
    windows,
    ignore = "runs the printed command with the Linux `sh` and `curl`, which a Windows process cannot start"
)]
#[tokio::test]
async fn presign_post_curl_command_uploads_and_enforces_max_size() {
    let server = server_with_bucket(BUCKET);
    let home = home();
    let output = pail_for(
        &server,
        home.path(),
        &[
            "presign-post",
            "s3://cli-test/drop/",
            "--key-prefix",
            "--max-size",
            "64",
            "--format",
            "curl",
        ],
    );
    assert_success(&output);
    let command = stdout(&output);
    assert!(command.contains("<FILE>"));
    assert!(command.contains("key=drop/${filename}"));

    // s3s-fs does not substitute ${filename} (S3 does), so point the key at a name here.
    let command = command.replace("drop/${filename}", "drop/small.txt");
    let small = home.path().join("small.txt");
    std::fs::write(&small, b"fits in 64 bytes").unwrap();
    let uploaded = run_curl(&command, &small);
    assert!(uploaded.status.success(), "{}", stderr(&uploaded));
    assert!(
        stdout(&uploaded).contains("<Key>drop/small.txt</Key>"),
        "{}",
        stdout(&uploaded)
    );
    assert_eq!(
        get_object(&server, BUCKET, "drop/small.txt")
            .await
            .as_deref(),
        Some(&b"fits in 64 bytes"[..])
    );

    let command = command.replace("drop/small.txt", "drop/big.txt");
    let big = home.path().join("big.txt");
    std::fs::write(&big, vec![b'x'; 65]).unwrap();
    let refused = run_curl(&command, &big);
    assert!(
        !refused.status.success(),
        "curl should fail on an error answer"
    );
    assert!(
        stdout(&refused).contains("EntityTooLarge"),
        "{}",
        stdout(&refused)
    );
    assert_eq!(get_object(&server, BUCKET, "drop/big.txt").await, None);
}

#[test]
fn presign_post_html_is_a_standalone_form() {
    let server = server_with_bucket(BUCKET);
    let home = home();
    let output = pail_for(
        &server,
        home.path(),
        &[
            "presign-post",
            "s3://cli-test/in/",
            "--key-prefix",
            "--max-size",
            "100000000",
            "--content-type",
            "image/*",
            "--format",
            "html",
        ],
    );
    assert_success(&output);
    let page = stdout(&output);
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains(&format!("action=\"{}/cli-test/\"", server.endpoint_url())));
    assert!(page.contains("name=\"key\" value=\"in/${filename}\""));
    assert!(page.contains("name=\"Content-Type\" value=\"image/\""));
    assert!(page.contains("100 MB"));
    assert!(page.contains("type=\"file\" name=\"file\""));
}

#[test]
fn bad_inputs_fail_with_one_line() {
    let server = server_with_bucket(BUCKET);
    let home = home();
    let cases: &[(&[&str], &str)] = &[
        (&["presign", "https://cli-test/key"], "not an S3 URI"),
        (&["presign", "cli-test/key"], "not an S3 URI"),
        (&["presign", "s3://cli-test/"], "key"),
        (&["presign", "s3://cli-test"], "key"),
        (&["presign", "s3://x/key"], "bucket name"),
        (
            &["presign", "s3://cli-test/k", "--expires-in", "0"],
            "at least 1 second",
        ),
        (
            &["presign", "s3://cli-test/k", "--expires-in", "604801"],
            "7 days",
        ),
        (
            &["presign", "s3://cli-test/k", "--expires-in", "-5"],
            "--expires-in",
        ),
        (
            &[
                "presign",
                "s3://cli-test/k",
                "--expires-at",
                "2020-01-01T00:00:00Z",
            ],
            "in the past",
        ),
        (
            &["presign", "s3://cli-test/k", "--expires-at", "next friday"],
            "not a date",
        ),
        (
            &[
                "presign",
                "s3://cli-test/k",
                "--expires-in",
                "60",
                "--expires-at",
                "2030-01-01 10:00",
            ],
            "cannot be used with",
        ),
        (
            &["presign", "s3://cli-test/k", "--method", "DELETE"],
            "DELETE",
        ),
        (
            &["presign", "s3://cli-test/k", "--region", "Mars 1"],
            "invalid region",
        ),
        (&["presign-post", "s3://cli-test/"], "key"),
        (
            &[
                "presign-post",
                "s3://cli-test/k",
                "--min-size",
                "10",
                "--max-size",
                "5",
            ],
            "minimum size",
        ),
        (
            &["presign-post", "s3://cli-test/k", "--format", "xml"],
            "xml",
        ),
    ];
    for (args, needle) in cases {
        let output = pail_for(&server, home.path(), args);
        assert_one_line_error(&output, needle);
    }
}

#[test]
fn unknown_profile_fails_with_one_line() {
    let home = home();
    std::fs::write(
        home.path().join("aws-config"),
        "[profile work]\nregion = eu-west-1\n",
    )
    .unwrap();
    let output = pail(home.path())
        .args(["presign", "s3://bucket/key", "--profile", "nope"])
        .output()
        .unwrap();
    assert_one_line_error(&output, "profile `nope` is not defined");
}

#[test]
fn malformed_endpoint_fails_with_one_line() {
    let home = home();
    for endpoint in [
        "not a url",
        "ftp://example.com",
        "http://",
        "http://h:9000/?x=1",
    ] {
        let output = pail(home.path())
            .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
            .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
            .args(["presign", "s3://bucket/key", "--endpoint-url", endpoint])
            .output()
            .unwrap();
        assert_one_line_error(&output, "malformed endpoint URL");
    }
}

#[test]
fn missing_credentials_fail_with_one_line() {
    let home = home();
    let output = pail(home.path())
        .args([
            "presign",
            "s3://bucket/key",
            "--endpoint-url",
            "http://127.0.0.1:9",
        ])
        .output()
        .unwrap();
    assert_one_line_error(&output, "no AWS credentials found");
}

#[tokio::test]
async fn demo_server_serves_sample_data_and_cleans_up() {
    use std::io::{BufRead, BufReader};
    let home = home();
    let mut child = pail(home.path())
        .arg("demo-server")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut field = |name: &str| {
        lines
            .by_ref()
            .map_while(Result::ok)
            .find_map(|line| line.trim().strip_prefix(name).map(|v| v.trim().to_owned()))
            .unwrap_or_else(|| panic!("{name} printed"))
    };
    let endpoint = field("endpoint");
    let data_folder = std::path::PathBuf::from(field("data folder"));
    let readme = pail::testing::demo::server::object_file(&data_folder, "pail-demo", "README.txt");
    assert!(readme.is_file());
    let output = pail(home.path())
        .env("AWS_ACCESS_KEY_ID", pail::testing::demo::DEMO_ACCESS_KEY)
        .env(
            "AWS_SECRET_ACCESS_KEY",
            pail::testing::demo::DEMO_SECRET_KEY,
        )
        .args([
            "presign",
            "s3://pail-demo/awkward names/ünïcødé 日本語.txt",
            "--endpoint-url",
            &endpoint,
            "--path-style",
        ])
        .output()
        .unwrap();
    assert_success(&output);
    let response = http().get(stdout(&output).trim_end()).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.text().await.unwrap().contains("ünïcødé"));

    // Stopped as a service manager stops it; Windows has no SIGTERM (and a test process cannot
    // start Linux's `kill` there), so the clean-up on stop is checked on Unix only.
    if cfg!(windows) {
        child.kill().unwrap();
        child.wait().unwrap();
        return;
    }
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    assert!(!data_folder.exists(), "the demo's data folder is removed");
}

/// A home with one Pail profile and AWS profiles of three kinds (static keys, assume-role,
/// credential_process), all pointing at `endpoint`.
fn home_with_profiles(endpoint: &str) -> tempfile::TempDir {
    use pail::testing::profiles::store::{ProfileStore, Provider, SavedProfile, Secret};
    let home = home();
    let mut store = ProfileStore::in_dir(&home.path().join("pail-config"));
    store.upsert(
        None,
        SavedProfile {
            name: "pail-local".into(),
            access_key_id: ACCESS_KEY.into(),
            secret_access_key: Secret::new(SECRET_KEY),
            session_token: None,
            region: "us-east-1".into(),
            provider: Provider::Custom,
            account_id: String::new(),
            endpoint: Some(endpoint.into()),
            path_style: true,
            default_bucket: None,
            max_link_lifetime: None,
        },
    );
    store.default_profile = Some("pail-local".into());
    store.save().unwrap();
    let script = common::credential_script::credential_script(
        home.path(),
        "creds",
        &format!(
            "{{\"Version\": 1, \"AccessKeyId\": \"{ACCESS_KEY}\", \"SecretAccessKey\": \"{SECRET_KEY}\"}}"
        ),
    );
    std::fs::write(
        home.path().join("aws-config"),
        format!(
            "[profile static]\nregion = eu-west-1\nendpoint_url = {endpoint}\n\n\
             [profile assumer]\nrole_arn = arn:aws:iam::123456789012:role/reader\nsource_profile = static\n\n\
             [profile process]\nregion = us-east-1\ncredential_process = {}\n",
            script.display()
        ),
    )
    .unwrap();
    std::fs::write(
        home.path().join("aws-credentials"),
        format!(
            "[static]\naws_access_key_id = {ACCESS_KEY}\naws_secret_access_key = {SECRET_KEY}\n"
        ),
    )
    .unwrap();
    home
}

#[test]
fn profiles_list_names_every_source_and_no_secret() {
    let home = home_with_profiles("http://127.0.0.1:9000");
    let output = pail(home.path())
        .args(["profiles", "list"])
        .output()
        .unwrap();
    assert_success(&output);
    let out = stdout(&output);
    assert!(out.starts_with("NAME"), "{out}");
    for (name, source) in [
        ("pail-local (default)", "Pail"),
        ("static", "AWS"),
        ("assumer", "AWS"),
        ("process", "AWS"),
    ] {
        let line = out
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("{name} missing in {out}"));
        assert!(line.contains(source), "{line}");
    }
    assert!(out.contains("http://127.0.0.1:9000"));
    assert!(!out.contains(SECRET_KEY) && !stderr(&output).contains(SECRET_KEY));

    // Credentials in the environment appear as their own entry.
    let output = pail(home.path())
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .args(["profiles", "list"])
        .output()
        .unwrap();
    let out = stdout(&output);
    let line = out.lines().find(|l| l.starts_with("Environment")).unwrap();
    assert!(line.contains("Env"), "{line}");
    assert!(!out.contains(SECRET_KEY));
}

#[tokio::test]
async fn profile_names_resolve_pail_first_then_aws() {
    let server = server_with_bucket(BUCKET);
    put_object(&server, BUCKET, "p.txt", b"through a profile").await;
    let home = home_with_profiles(&server.endpoint_url());
    // A Pail profile carries its own endpoint and keys.
    let output = pail(home.path())
        .args(["presign", "s3://cli-test/p.txt", "--profile", "pail-local"])
        .output()
        .unwrap();
    assert_success(&output);
    let response = http().get(stdout(&output).trim_end()).send().await.unwrap();
    assert_eq!(response.status(), 200);

    // An AWS profile with keys and an endpoint_url in the config files: links name that host.
    let output = pail(home.path())
        .args([
            "presign",
            "s3://cli-test/p.txt",
            "--profile",
            "static",
            "--path-style",
        ])
        .output()
        .unwrap();
    assert_success(&output);
    let url = stdout(&output).trim_end().to_owned();
    assert!(url.starts_with(&server.endpoint_url()), "{url}");
    assert_eq!(http().get(&url).send().await.unwrap().status(), 200);

    // An AWS profile whose keys come from credential_process.
    let output = pail(home.path())
        .args([
            "presign",
            "s3://cli-test/p.txt",
            "--profile",
            "process",
            "--endpoint-url",
            &server.endpoint_url(),
            "--path-style",
        ])
        .output()
        .unwrap();
    assert_success(&output);
    let response = http().get(stdout(&output).trim_end()).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.bytes().await.unwrap().as_ref(),
        b"through a profile"
    );
}

#[test]
fn cp_and_ls_carry_a_folder_up_and_back_byte_for_byte() {
    let server = server_with_bucket(BUCKET);
    let home = home();
    let source = home.path().join("photos");
    std::fs::create_dir_all(source.join("2026 ü")).unwrap();
    std::fs::write(source.join("a+b c.txt"), b"small").unwrap();
    let big: Vec<u8> = (0..20 * 1024 * 1024).map(|i| (i % 253) as u8).collect();
    std::fs::write(source.join("2026 ü/big.bin"), &big).unwrap();
    let source_arg = source.display().to_string();

    let up = pail_for(
        &server,
        home.path(),
        &["cp", &source_arg, "s3://cli-test/in/", "--recursive"],
    );
    assert_success(&up);
    assert!(stdout(&up).contains("upload: "), "{}", stdout(&up));

    let listed = pail_for(&server, home.path(), &["ls", "s3://cli-test/in/"]);
    assert_success(&listed);
    let text = stdout(&listed);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].trim_start().starts_with("PRE 2026 ü/"),
        "folders first: {text}"
    );
    assert!(lines[1].ends_with("5 a+b c.txt"), "{text}");
    let deep = pail_for(
        &server,
        home.path(),
        &["ls", "s3://cli-test/in/", "--recursive"],
    );
    assert_success(&deep);
    assert!(
        stdout(&deep).contains("20971520 in/2026 ü/big.bin"),
        "{}",
        stdout(&deep)
    );

    let back = home.path().join("back");
    let back_arg = back.display().to_string();
    let down = pail_for(
        &server,
        home.path(),
        &["cp", "s3://cli-test/in/", &back_arg, "--recursive"],
    );
    assert_success(&down);
    assert_eq!(std::fs::read(back.join("a+b c.txt")).unwrap(), b"small");
    assert!(std::fs::read(back.join("2026 ü/big.bin")).unwrap() == big);

    // One file into an existing folder keeps its name.
    let one = pail_for(
        &server,
        home.path(),
        &["cp", "s3://cli-test/in/a+b c.txt", &format!("{back_arg}/")],
    );
    assert_success(&one);
    let leftovers: Vec<_> = std::fs::read_dir(&back)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".pail-partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn cp_refuses_what_it_cannot_do_in_one_line() {
    let server = server_with_bucket(BUCKET);
    let home = home();
    let folder = home.path().join("folder");
    std::fs::create_dir_all(&folder).unwrap();
    let folder_arg = folder.display().to_string();
    assert_one_line_error(
        &pail_for(
            &server,
            home.path(),
            &["cp", &folder_arg, "s3://cli-test/x/"],
        ),
        "add --recursive",
    );
    assert_one_line_error(
        &pail_for(&server, home.path(), &["cp", "a.txt", "b.txt"]),
        "one side must be s3://",
    );
    assert_one_line_error(
        &pail_for(
            &server,
            home.path(),
            &["cp", "/no/such/file", "s3://cli-test/x"],
        ),
        "/no/such/file",
    );
    let missing = pail_for(
        &server,
        home.path(),
        &["cp", "s3://cli-test/missing.txt", &folder_arg],
    );
    assert!(!missing.status.success());
    assert!(
        std::fs::read_dir(&folder).unwrap().next().is_none(),
        "nothing written"
    );
}

#[test]
fn a_content_type_with_a_line_break_is_refused_not_printed() {
    let server = server_with_bucket(BUCKET);
    let home = home();
    let output = pail_for(
        &server,
        home.path(),
        &[
            "presign-post",
            "s3://cli-test/in/",
            "--key-prefix",
            "--content-type",
            "x\ntouch /tmp/p\n/",
            "--format",
            "curl",
        ],
    );
    assert_one_line_error(&output, "has a control character");
}

#[test]
fn presign_cloudfront_prints_botocores_url_and_never_the_key() {
    let home = home();
    let vectors: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("tests/vectors/cloudfront.json").unwrap())
            .unwrap();
    let key_file = std::fs::canonicalize("tests/vectors/cloudfront_test_key.pem").unwrap();
    let pem = std::fs::read_to_string(&key_file).unwrap();
    let secret_line = pem.lines().nth(1).unwrap();
    // The custom vector with a start and an IP range: botocore's URL, byte for byte.
    let vector = &vectors[4];
    let output = pail(home.path())
        .args([
            "presign-cloudfront",
            vector["url"].as_str().unwrap(),
            "--key-id",
            "K2JCJMDEHXQW5F",
            "--private-key",
            key_file.to_str().unwrap(),
            "--expires-at",
            "2027-06-01T12:00:00Z",
            "--not-before",
            "2026-12-01T08:30:00Z",
            "--ip-range",
            "198.51.100.7",
        ])
        .output()
        .unwrap();
    assert_success(&output);
    assert_eq!(stdout(&output).trim(), vector["signed"].as_str().unwrap());
    assert!(!stdout(&output).contains(secret_line) && !stderr(&output).contains(secret_line));
    // Past 7 days is what CloudFront is for.
    let output = pail(home.path())
        .args([
            "presign-cloudfront",
            "https://d111111abcdef8.cloudfront.net/a.pdf",
            "--key-id",
            "K2JCJMDEHXQW5F",
            "--private-key",
            key_file.to_str().unwrap(),
            "--expires-in",
            "7776000",
        ])
        .output()
        .unwrap();
    assert_success(&output);
    assert!(stdout(&output).contains("?Expires="), "{}", stdout(&output));
    // A key file that is not a key: one line, nothing of the file.
    let not_a_key = home.path().join("not-a-key.pem");
    std::fs::write(&not_a_key, "TOPSECRET").unwrap();
    let output = pail(home.path())
        .args([
            "presign-cloudfront",
            "https://d111111abcdef8.cloudfront.net/a.pdf",
            "--key-id",
            "K2JCJMDEHXQW5F",
            "--private-key",
            not_a_key.to_str().unwrap(),
            "--expires-in",
            "60",
        ])
        .output()
        .unwrap();
    assert_one_line_error(&output, "not an RSA key");
    assert!(!stderr(&output).contains("TOPSECRET"));
}

#[test]
fn presign_qr_draws_the_link_on_stderr_and_keeps_stdout_the_url() {
    let server = server_with_bucket(BUCKET);
    let home = home();
    let output = pail_for(
        &server,
        home.path(),
        &["presign", "s3://cli-test/a b+c.txt", "--qr"],
    );
    assert_success(&output);
    let url = stdout(&output);
    assert_eq!(url.lines().count(), 1, "stdout is the URL alone");
    let drawn: String = stderr(&output)
        .lines()
        .filter(|l| l.contains('█'))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(common::qr::decode_terminal(&drawn), url.trim());
}

#[tokio::test(flavor = "multi_thread")]
async fn share_prints_one_page_link_or_a_link_per_object() {
    let server = server_with_bucket(BUCKET);
    for name in ["a b.txt", "sub/c+d.txt"] {
        put_object(&server, BUCKET, &format!("docs/{name}"), name.as_bytes()).await;
    }
    let home = home();
    let output = pail_for(&server, home.path(), &["share", "s3://cli-test/docs/"]);
    assert_success(&output);
    let page_url = stdout(&output).trim().to_owned();
    assert!(page_url.contains("/.pail-shares/"), "{page_url}");
    assert!(
        stderr(&output).contains("2 objects on one page"),
        "{}",
        stderr(&output)
    );
    let html = http()
        .get(&page_url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("a b.txt") && html.contains("sub/c+d.txt"),
        "{html}"
    );

    let output = pail_for(
        &server,
        home.path(),
        &[
            "share",
            "s3://cli-test/docs/",
            "--format",
            "csv",
            "--expires-in",
            "600",
        ],
    );
    assert_success(&output);
    let csv = stdout(&output);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "key,size,url,expires");
    assert_eq!(lines.len(), 3, "{csv}");
    let url = lines[1].split(',').nth(2).unwrap();
    assert_eq!(
        http().get(url).send().await.unwrap().bytes().await.unwrap(),
        b"a b.txt".as_slice()
    );
    let output = pail_for(
        &server,
        home.path(),
        &["share", "s3://cli-test/docs/", "--format", "json"],
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 2);
}

#[test]
fn sharing_more_than_a_thousand_objects_asks_for_yes() {
    let server = server_with_bucket(BUCKET);
    let many = server.root().join(BUCKET).join("many");
    std::fs::create_dir_all(&many).unwrap();
    for i in 0..1001 {
        std::fs::write(many.join(format!("{i:04}.txt")), b"x").unwrap();
    }
    let home = home();
    let output = pail_for(&server, home.path(), &["share", "s3://cli-test/many/"]);
    assert_one_line_error(&output, "holds 1,001 objects: add --yes");
    let output = pail_for(
        &server,
        home.path(),
        &["share", "s3://cli-test/many/", "--yes"],
    );
    assert_success(&output);
}

#[tokio::test(flavor = "multi_thread")]
async fn cp_copies_between_buckets_on_the_server_keeping_the_content_type() {
    let server = server_with_bucket(BUCKET);
    server.create_bucket("cli-copies").unwrap();
    server
        .connection()
        .client()
        .put_object()
        .bucket(BUCKET)
        .key("docs/a b.pdf")
        .content_type("application/pdf")
        .body(b"%PDF-1".to_vec().into())
        .send()
        .await
        .unwrap();
    put_object(&server, BUCKET, "docs/sub/ü+.txt", b"unicode").await;
    let home = home();
    let output = pail_for(
        &server,
        home.path(),
        &[
            "cp",
            "s3://cli-test/docs/",
            "s3://cli-copies/backup/",
            "--recursive",
        ],
    );
    assert_success(&output);
    assert!(
        stdout(&output)
            .contains("copy: s3://cli-test/docs/a b.pdf to s3://cli-copies/backup/a b.pdf")
    );
    assert_eq!(
        get_object(&server, "cli-copies", "backup/sub/ü+.txt").await,
        Some(b"unicode".to_vec())
    );
    let head = server
        .connection()
        .client()
        .head_object()
        .bucket("cli-copies")
        .key("backup/a b.pdf")
        .send()
        .await
        .unwrap();
    assert_eq!(head.content_type(), Some("application/pdf"));
    // One object, into a folder: its name is kept.
    let output = pail_for(
        &server,
        home.path(),
        &[
            "cp",
            "s3://cli-test/docs/a b.pdf",
            "s3://cli-copies/single/",
        ],
    );
    assert_success(&output);
    assert_eq!(
        get_object(&server, "cli-copies", "single/a b.pdf").await,
        Some(b"%PDF-1".to_vec())
    );
    assert!(
        get_object(&server, BUCKET, "docs/a b.pdf").await.is_some(),
        "a copy, not a move"
    );
}

#[test]
fn ls_of_a_big_folder_prints_every_name_once_in_key_order() {
    // A folder of several pages, through `pail ls`'s own listing (key ranges side by side
    // past ten pages: `browse.rs` checks those on a smaller folder).
    let server = server_with_bucket(BUCKET);
    let folder = server.root().join(BUCKET).join("many");
    std::fs::create_dir_all(folder.join("sub-folder")).unwrap();
    std::fs::write(folder.join("sub-folder/inside"), b"x").unwrap();
    let mut names: Vec<String> = (0..3400).map(|i| format!("log-{i:05}.txt")).collect();
    names.extend((0..60).map(|i| format!("z{i}")));
    for name in &names {
        std::fs::write(folder.join(name), b"x").unwrap();
    }
    let home = home();
    let listed = pail_for(&server, home.path(), &["ls", "s3://cli-test/many/"]);
    assert_success(&listed);
    let text = stdout(&listed);
    let printed: Vec<&str> = text
        .lines()
        .filter_map(|line| line.split_whitespace().last())
        .collect();
    let mut expected: Vec<&str> = names.iter().map(String::as_str).collect();
    expected.push("sub-folder/");
    expected.sort();
    let mut sorted = printed.clone();
    sorted.sort();
    assert_eq!(sorted, expected, "each name once");
    let objects: Vec<&str> = printed
        .iter()
        .copied()
        .filter(|n| !n.ends_with('/'))
        .collect();
    assert!(objects.is_sorted(), "objects in key order");
}

#[tokio::test(flavor = "multi_thread")]
async fn share_of_a_folder_without_its_slash_shares_that_folder_only() {
    let server = server_with_bucket(BUCKET);
    for key in [
        "photos/a.jpg",
        "photos/2026/b.jpg",
        "photos-private/secret.txt",
        "photos.zip",
    ] {
        put_object(&server, BUCKET, key, key.as_bytes()).await;
    }
    let home = home();
    let output = pail_for(
        &server,
        home.path(),
        &["share", "s3://cli-test/photos", "--format", "csv"],
    );
    assert_success(&output);
    let csv = stdout(&output);
    let keys: Vec<&str> = csv
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .collect();
    assert_eq!(keys, ["photos/2026/b.jpg", "photos/a.jpg"], "{csv}");

    let output = pail_for(&server, home.path(), &["share", "s3://cli-test/photos"]);
    assert_success(&output);
    let html = http()
        .get(stdout(&output).trim())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("a.jpg") && html.contains("2026/b.jpg"),
        "{html}"
    );
    assert!(
        !html.contains("secret") && !html.contains("photos.zip"),
        "{html}"
    );

    // The window hands the library a folder the same way: a folder, whatever its spelling.
    let bucket = pail::model::BucketName::new(BUCKET).unwrap();
    let objects =
        pail::testing::s3::folder_share::folder_objects(&server.connection(), &bucket, "photos")
            .await
            .unwrap();
    let keys: Vec<&str> = objects.iter().map(|o| o.key.as_str()).collect();
    assert_eq!(keys, ["photos/2026/b.jpg", "photos/a.jpg"]);
}

/// True when `text` holds nothing a terminal would act on instead of showing.
fn shows_as_text(text: &str) -> bool {
    !text.chars().any(|c| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn names_with_escapes_and_line_breaks_are_printed_escaped() {
    let server = server_with_bucket(BUCKET);
    // s3s-fs keeps a key as a file: Linux file names hold these. A listing carries what XML
    // 1.0 may hold (line breaks, DEL, C1 controls such as CSI, bidi overrides); ESC, which it
    // may not, is tried where no listing is read (`cp` of one object, and uploads).
    let forged = "a\n2026-01-01 00:00:00          999 forged.txt";
    let csi = "clear\u{9b}2K\u{7f}.txt";
    let bidi = "photo\u{202e}gpj.exe";
    let folder = "sub\u{9b}2K\rdir";
    for name in [forged, csi, bidi] {
        common::write_object(&server, BUCKET, &format!("odd/{name}"), b"x");
    }
    common::write_object(&server, BUCKET, &format!("odd/{folder}/in.txt"), b"x");
    let osc52 = "clip\x1b]52;c;ZWNobw==\x07\x1b[2K.txt";
    common::write_object(&server, BUCKET, &format!("esc/{osc52}"), b"x");
    let home = home();

    let listed = pail_for(&server, home.path(), &["ls", "s3://cli-test/odd/"]);
    assert_success(&listed);
    let text = stdout(&listed);
    assert!(shows_as_text(&text), "{text:?}");
    assert_eq!(text.lines().count(), 4, "one line a name: {text}");
    assert!(text.contains("PRE sub\\u{9b}2K\\rdir/"), "{text}");
    assert!(text.contains("clear\\u{9b}2K\\x7f.txt"), "{text}");
    assert!(text.contains(" a\\n2026-01-01"), "{text}");
    assert!(text.contains("photo\\u{202e}gpj.exe"), "{text}");
    let deep = pail_for(
        &server,
        home.path(),
        &["ls", "s3://cli-test/odd/", "--recursive"],
    );
    assert_success(&deep);
    assert!(shows_as_text(&stdout(&deep)), "{:?}", stdout(&deep));
    assert_eq!(stdout(&deep).lines().count(), 4, "{}", stdout(&deep));

    for format in ["csv", "json", "url"] {
        let shared = pail_for(
            &server,
            home.path(),
            &["share", "s3://cli-test/odd/", "--format", format],
        );
        assert_success(&shared);
        assert!(
            shows_as_text(&stdout(&shared)),
            "{format}: {:?}",
            stdout(&shared)
        );
        assert!(
            shows_as_text(&stderr(&shared)),
            "{format}: {:?}",
            stderr(&shared)
        );
    }
    let csv = pail_for(
        &server,
        home.path(),
        &["share", "s3://cli-test/odd/", "--format", "csv"],
    );
    assert_eq!(
        stdout(&csv).lines().count(),
        5,
        "a row a key: {}",
        stdout(&csv)
    );
    let json = pail_for(
        &server,
        home.path(),
        &["share", "s3://cli-test/odd/", "--format", "json"],
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert!(
        json.as_array()
            .unwrap()
            .iter()
            .any(|e| e["key"] == format!("odd/{bidi}")),
        "JSON keeps each key exactly: {json}"
    );

    // Down and up again: each line `cp` prints names the key and the file.
    let back = home.path().join("back");
    std::fs::create_dir_all(&back).unwrap();
    let back_arg = format!("{}/", back.display());
    let down = pail_for(
        &server,
        home.path(),
        &["cp", &format!("s3://cli-test/esc/{osc52}"), &back_arg],
    );
    assert_success(&down);
    assert!(shows_as_text(&stdout(&down)), "{:?}", stdout(&down));
    assert!(
        stdout(&down).contains("esc/clip\\x1b]52;c;ZWNobw==\\x07\\x1b[2K.txt to "),
        "{}",
        stdout(&down)
    );
    // A Windows file name cannot hold control characters: this upload is Unix's only.
    if cfg!(unix) {
        let local = home.path().join(format!("{osc52}\n{forged}"));
        std::fs::write(&local, b"up").unwrap();
        let up = pail_for(
            &server,
            home.path(),
            &["cp", &local.display().to_string(), "s3://cli-test/up/"],
        );
        assert_success(&up);
        assert_eq!(stdout(&up).lines().count(), 1, "{}", stdout(&up));
        assert!(shows_as_text(&stdout(&up)), "{:?}", stdout(&up));
    }

    // An error naming the key prints it escaped too, on one line.
    let missing = pail_for(
        &server,
        home.path(),
        &["cp", "s3://cli-test/esc/no\x1b[2Jsuch\nkey", &back_arg],
    );
    assert!(!missing.status.success());
    assert!(shows_as_text(&stderr(&missing)), "{:?}", stderr(&missing));
    assert_eq!(stderr(&missing).lines().count(), 1, "{}", stderr(&missing));
}

#[tokio::test(flavor = "multi_thread")]
async fn uploads_carry_the_content_type_of_the_files_extension() {
    let server = server_with_bucket(BUCKET);
    let home = home();
    let folder = home.path().join("docs");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("x.pdf"), b"%PDF-1.7").unwrap();
    std::fs::write(folder.join("photo.JPG"), b"jpeg").unwrap();
    std::fs::write(folder.join("no-extension"), b"?").unwrap();
    // Above the multipart threshold: the type is set when the upload is created.
    let big: Vec<u8> = vec![7; 20 * 1024 * 1024];
    std::fs::write(folder.join("page.html"), &big).unwrap();
    let up = pail_for(
        &server,
        home.path(),
        &[
            "cp",
            &folder.display().to_string(),
            "s3://cli-test/in/",
            "--recursive",
        ],
    );
    assert_success(&up);
    let up = pail_for(
        &server,
        home.path(),
        &[
            "cp",
            &folder.join("x.pdf").display().to_string(),
            "s3://cli-test/one/",
        ],
    );
    assert_success(&up);
    let content_type = |key: &'static str| {
        let connection = server.connection();
        async move {
            connection
                .client()
                .head_object()
                .bucket(BUCKET)
                .key(key)
                .send()
                .await
                .unwrap()
                .content_type()
                .map(str::to_owned)
        }
    };
    assert_eq!(
        content_type("one/x.pdf").await.as_deref(),
        Some("application/pdf")
    );
    assert_eq!(
        content_type("in/x.pdf").await.as_deref(),
        Some("application/pdf")
    );
    assert_eq!(
        content_type("in/photo.JPG").await.as_deref(),
        Some("image/jpeg")
    );
    assert_eq!(
        content_type("in/page.html").await.as_deref(),
        Some("text/html")
    );
    assert_ne!(
        content_type("in/no-extension").await.as_deref(),
        Some("application/pdf")
    );
    // A copy between buckets keeps the type the upload set.
    server.create_bucket("cli-typed").unwrap();
    let copied = pail_for(
        &server,
        home.path(),
        &["cp", "s3://cli-test/in/", "s3://cli-typed/", "--recursive"],
    );
    assert_success(&copied);
    let head = server
        .connection()
        .client()
        .head_object()
        .bucket("cli-typed")
        .key("page.html")
        .send()
        .await
        .unwrap();
    assert_eq!(head.content_type(), Some("text/html"));
}

#[test]
fn ls_r_lists_the_whole_tree_as_the_readme_says() {
    let server = server_with_bucket(BUCKET);
    let folder = server.root().join(BUCKET).join("tree/deep/er");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("leaf.txt"), b"leaf").unwrap();
    let home = home();
    let listed = pail_for(&server, home.path(), &["ls", "-r", "s3://cli-test/tree/"]);
    assert_success(&listed);
    assert!(
        stdout(&listed).contains(" 4 tree/deep/er/leaf.txt"),
        "{}",
        stdout(&listed)
    );
}

/// Found by the release-binary attack: with stderr a pipe whose reader has gone (`2>&1 | true`),
/// the first message (a note, or the error itself) panicked ("failed printing to stderr"),
/// exit 101. A message nobody can read is dropped; the exit code still says what happened.
#[test]
fn a_closed_stderr_is_no_panic_and_the_exit_code_still_tells() {
    let server = server_with_bucket("bucket");
    let home = tempfile::tempdir().unwrap();
    let endpoint = server.endpoint_url();
    for args in [
        &["headers", "s3://bucket/not-there.txt"][..],
        &["ls", "--versions", "s3://bucket/"][..],
        &["rb", "s3://bucket", "--force"][..],
    ] {
        let mut child = pail(home.path())
            .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
            .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
            .args(args)
            .args(["--endpoint-url", &endpoint, "--path-style"])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stderr.take());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(1), "{args:?}: {status}");
    }
}

/// Found by the release-binary attack: a missing argument was reported as "the following
/// required arguments were not provided:" and nothing after it.
#[test]
fn a_missing_argument_is_named() {
    let home = tempfile::tempdir().unwrap();
    let out = pail(home.path())
        .args(["headers", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("not provided: <S3_URI>"), "{said}");
}

/// A download onto a device or a pipe leaves it as it is and fails: renamed over, `/dev/null`
/// would become a file for every program on the machine (found as root, with `/dev/full`).
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn a_download_onto_a_pipe_leaves_it_a_pipe() {
    use std::os::unix::fs::FileTypeExt;
    let server = server_with_bucket(BUCKET);
    put_object(&server, BUCKET, "k.txt", b"hello").await;
    let home = home();
    let pipe = home.path().join("pipe");
    let made = Command::new("mkfifo").arg(&pipe).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("no mkfifo here; skipped");
        return;
    }
    let pipe_arg = pipe.display().to_string();
    let output = tokio::task::block_in_place(|| {
        pail_for(
            &server,
            home.path(),
            &["cp", "s3://cli-test/k.txt", &pipe_arg],
        )
    });
    assert!(!output.status.success(), "{}", stdout(&output));
    assert!(
        stderr(&output).contains("not a file"),
        "{}",
        stderr(&output)
    );
    let kind = std::fs::symlink_metadata(&pipe).unwrap().file_type();
    assert!(kind.is_fifo(), "the pipe is still a pipe");
    // Nothing left beside it.
    let names: Vec<_> = std::fs::read_dir(home.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        names
            .iter()
            .all(|n| !n.to_string_lossy().contains("pail-partial")),
        "{names:?}"
    );
}

/// An empty endpoint variable is refused by name: aws-config lets it hide a profile's own
/// `endpoint_url`, and taken as AWS that profile's keys would go there. A password typed into
/// an endpoint is never printed: not by `profiles list`, not in the refusal.
#[test]
fn an_empty_endpoint_variable_is_refused_and_an_endpoint_password_is_never_shown() {
    let home = home();
    for variable in ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"] {
        let output = pail(home.path())
            .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
            .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
            .env(variable, "")
            .args(["presign", "--region", "us-east-1", "s3://some-bucket/k"])
            .output()
            .unwrap();
        assert!(
            stdout(&output).is_empty(),
            "{variable}: {}",
            stdout(&output)
        );
        assert_one_line_error(&output, &format!("{variable} is set but empty"));
    }
    std::fs::write(
        home.path().join("aws-config"),
        "[profile pw]\nregion = us-east-1\nendpoint_url = http://admin:hunter2@127.0.0.1:9/s3\n",
    )
    .unwrap();
    let listed = pail(home.path())
        .args(["profiles", "list"])
        .output()
        .unwrap();
    let refused = pail(home.path())
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .args(["presign", "s3://some-bucket/k", "--profile", "pw"])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    for output in [&listed, &refused] {
        let all = format!("{}{}", stdout(output), stderr(output));
        assert!(!all.contains("hunter2"), "{all}");
    }
    assert!(
        stdout(&listed).contains("http://****@127.0.0.1:9/s3"),
        "{}",
        stdout(&listed)
    );
}

/// `pail share` says, as `presign` does, that links to keys with a `..` segment fail in
/// browsers.
#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn share_says_which_links_fail_in_browsers() {
    let Some(moto) = common::moto::Moto::start() else {
        eprintln!("moto is not installed; skipped");
        return;
    };
    moto.bucket_with("dots", [("d/../y", &b"y"[..]), ("d/plain", &b"p"[..])])
        .await;
    let home = home();
    let output = pail(home.path())
        .env("AWS_ACCESS_KEY_ID", "MOTOKEY")
        .env("AWS_SECRET_ACCESS_KEY", "moto-secret")
        .env("AWS_REGION", "us-east-1")
        .args([
            "share",
            "s3://dots/d/",
            "--format",
            "csv",
            "--endpoint-url",
            moto.endpoint_url(),
            "--path-style",
        ])
        .output()
        .unwrap();
    assert_success(&output);
    assert!(
        stderr(&output).contains("1 key has a `.` or `..` segment"),
        "{}",
        stderr(&output)
    );
}
