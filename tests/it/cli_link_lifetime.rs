//! Link lifetimes on the command line: a profile's `max_link_lifetime` (Pail's saved profiles
//! and `pail_max_link_lifetime` in `~/.aws/config`) lets `presign`, `presign-post` and `share`
//! sign past a week on the local S3 server, AWS stays at 7 days, `profiles list` shows the
//! limit, and temporary credentials that end first come with the ways out.

use crate::common;

use std::process::Output;
use std::time::{Duration, SystemTime};

use common::cli::pail;
use common::{ACCESS_KEY, SECRET_KEY, get_object, http, put_object, server_with_bucket};
use pail::testing::profiles::store::{ProfileStore, Provider, SavedProfile, Secret};

const BUCKET: &str = "lifetimes";
const MONTH: u64 = 30 * 86_400;

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

fn query_param<'a>(url: &'a str, name: &str) -> Option<&'a str> {
    url.split_once('?')?
        .1
        .split('&')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}

fn saved(name: &str, endpoint: Option<&str>, longest: Option<u64>) -> SavedProfile {
    SavedProfile {
        name: name.into(),
        access_key_id: ACCESS_KEY.into(),
        secret_access_key: Secret::new(SECRET_KEY),
        session_token: None,
        region: "us-east-1".into(),
        provider: if endpoint.is_some() {
            Provider::Minio
        } else {
            Provider::Aws
        },
        account_id: String::new(),
        endpoint: endpoint.map(str::to_owned),
        path_style: true,
        default_bucket: None,
        max_link_lifetime: longest.map(Duration::from_secs),
    }
}

/// A home with Pail profiles `minio-lab` (30 days), `plain` (nothing stated) on `endpoint`,
/// and AWS profiles: `lab-aws` on `endpoint` with `pail_max_link_lifetime = 30d`, `real-aws`
/// (no endpoint) stating the same, and `sts` whose keys come from a process with an
/// expiration an hour away.
fn home_with_limits(endpoint: &str) -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    let mut store = ProfileStore::in_dir(&home.path().join("pail-config"));
    store.upsert(None, saved("minio-lab", Some(endpoint), Some(MONTH)));
    store.upsert(None, saved("plain", Some(endpoint), None));
    store.save().unwrap();
    let expiration = jiff::Timestamp::try_from(SystemTime::now() + Duration::from_secs(3600))
        .unwrap()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let script = common::credential_script::credential_script(
        home.path(),
        "sts",
        &format!(
            "{{\"Version\": 1, \"AccessKeyId\": \"{ACCESS_KEY}\", \"SecretAccessKey\": \"{SECRET_KEY}\", \"SessionToken\": \"temporary\", \"Expiration\": \"{expiration}\"}}"
        ),
    );
    std::fs::write(
        home.path().join("aws-config"),
        format!(
            "[profile lab-aws]\nregion = us-east-1\nendpoint_url = {endpoint}\npail_max_link_lifetime = 30d\n\n\
             [profile real-aws]\nregion = us-east-1\npail_max_link_lifetime = 30d\n\n\
             [profile odd]\nregion = us-east-1\nendpoint_url = {endpoint}\npail_max_link_lifetime = forever\n\n\
             [profile spelled-aws]\nregion = eu-west-1\nendpoint_url = https://s3.eu-west-1.AmazonAWS.com\npail_max_link_lifetime = 30d\n\n\
             [profile sts]\nregion = us-east-1\nendpoint_url = {endpoint}\npail_max_link_lifetime = 30d\ncredential_process = {}\n",
            script.display()
        ),
    )
    .unwrap();
    std::fs::write(
        home.path().join("aws-credentials"),
        format!(
            "[lab-aws]\naws_access_key_id = {ACCESS_KEY}\naws_secret_access_key = {SECRET_KEY}\n\
             [real-aws]\naws_access_key_id = {ACCESS_KEY}\naws_secret_access_key = {SECRET_KEY}\n"
        ),
    )
    .unwrap();
    home
}

/// A profile's longest link is for the server it names: with `--endpoint-url` elsewhere, the
/// 7 days hold, and it is said; the same server spelled with a `/` keeps the profile's limit.
#[tokio::test]
async fn the_longest_link_stays_with_the_profiles_own_server() {
    let server = server_with_bucket(BUCKET);
    put_object(&server, BUCKET, "t.txt", b"t").await;
    let home = home_with_limits(&server.endpoint_url());
    let elsewhere = "http://127.0.0.1:9/elsewhere";
    for profile in ["minio-lab", "lab-aws"] {
        let output = pail(home.path())
            .args([
                "presign",
                "s3://lifetimes/t.txt",
                "--profile",
                profile,
                "--endpoint-url",
                elsewhere,
                "--expires-in",
                "30d",
            ])
            .output()
            .unwrap();
        assert!(!output.status.success(), "{profile}");
        let err = stderr(&output);
        assert!(
            err.contains("is for its own server, not"),
            "{profile}: {err}"
        );
        assert!(err.contains("7 days"), "{profile}: {err}");
        let same = format!("{}/", server.endpoint_url());
        let output = pail(home.path())
            .args([
                "presign",
                "s3://lifetimes/t.txt",
                "--profile",
                profile,
                "--endpoint-url",
                &same,
                "--expires-in",
                "30d",
            ])
            .output()
            .unwrap();
        assert_success(&output);
    }
    // An endpoint from the environment is not the one the profile's limit was stated for,
    // whether another server or AWS itself.
    for elsewhere in [elsewhere, "https://s3.us-east-1.amazonaws.com"] {
        let output = pail(home.path())
            .env("AWS_ENDPOINT_URL_S3", elsewhere)
            .args([
                "presign",
                "s3://lifetimes/t.txt",
                "--profile",
                "lab-aws",
                "--region",
                "us-east-1",
                "--expires-in",
                "30d",
            ])
            .output()
            .unwrap();
        assert!(!output.status.success(), "{elsewhere}: {}", stdout(&output));
        let err = stderr(&output);
        assert!(
            err.contains("is for its own server, not"),
            "{elsewhere}: {err}"
        );
    }
}

#[tokio::test]
async fn presign_signs_thirty_days_with_a_profile_that_allows_it() {
    let server = server_with_bucket(BUCKET);
    put_object(&server, BUCKET, "month/ü b.txt", b"a month").await;
    let home = home_with_limits(&server.endpoint_url());
    let presign = |args: &[&str]| {
        let mut full = vec!["presign", "s3://lifetimes/month/ü b.txt"];
        full.extend(args);
        pail(home.path()).args(&full).output().unwrap()
    };
    let output = presign(&["--profile", "minio-lab", "--expires-in", "30d"]);
    assert_success(&output);
    let url = stdout(&output).trim_end().to_owned();
    assert_eq!(query_param(&url, "X-Amz-Expires"), Some("2592000"));
    let response = http().get(&url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.bytes().await.unwrap().as_ref(), b"a month");

    // The same in hours, and as a moment 20 days away.
    let output = presign(&["--profile", "minio-lab", "--expires-in", "720h"]);
    assert_success(&output);
    assert_eq!(
        query_param(stdout(&output).trim_end(), "X-Amz-Expires"),
        Some("2592000")
    );
    let at = jiff::Timestamp::try_from(SystemTime::now() + Duration::from_secs(20 * 86_400))
        .unwrap()
        .to_string();
    let output = presign(&["--profile", "minio-lab", "--expires-at", &at]);
    assert_success(&output);
    let expires: u64 = query_param(stdout(&output).trim_end(), "X-Amz-Expires")
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (20 * 86_400 - 5..=20 * 86_400).contains(&expires),
        "{expires}"
    );

    // One second past the profile's limit: refused, naming where the limit comes from.
    let output = presign(&["--profile", "minio-lab", "--expires-in", "2592001"]);
    assert!(!output.status.success());
    assert!(stdout(&output).is_empty());
    let err = stderr(&output);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("30 days: set in profile minio-lab"), "{err}");

    // A profile that states nothing keeps the week, and says so.
    let output = presign(&["--profile", "plain", "--expires-in", "8d"]);
    assert!(!output.status.success());
    let err = stderr(&output);
    assert!(err.contains("7 days"), "{err}");
    assert!(err.contains("presign-cloudfront"), "{err}");

    // A PUT link for a month uploads.
    let output = pail(home.path())
        .args([
            "presign",
            "s3://lifetimes/up/new.txt",
            "--method",
            "PUT",
            "--profile",
            "minio-lab",
            "--expires-in",
            "30d",
        ])
        .output()
        .unwrap();
    assert_success(&output);
    let url = stdout(&output).trim_end().to_owned();
    assert_eq!(query_param(&url, "X-Amz-Expires"), Some("2592000"));
    let response = http().put(&url).body("uploaded").send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        get_object(&server, BUCKET, "up/new.txt").await.as_deref(),
        Some(&b"uploaded"[..])
    );
}

#[tokio::test]
async fn presign_post_puts_a_month_into_the_policy_and_the_form_uploads() {
    use base64::Engine as _;
    let server = server_with_bucket(BUCKET);
    let home = home_with_limits(&server.endpoint_url());
    let output = pail(home.path())
        .args([
            "presign-post",
            "s3://lifetimes/forms/a.txt",
            "--profile",
            "minio-lab",
            "--expires-in",
            "30d",
        ])
        .output()
        .unwrap();
    assert_success(&output);
    let document: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let fields = document["fields"].as_object().unwrap();
    let policy = base64::engine::general_purpose::STANDARD
        .decode(fields["policy"].as_str().unwrap())
        .unwrap();
    let policy: serde_json::Value = serde_json::from_slice(&policy).unwrap();
    let expiration: jiff::Timestamp = policy["expiration"].as_str().unwrap().parse().unwrap();
    let ahead = SystemTime::from(expiration)
        .duration_since(SystemTime::now())
        .unwrap()
        .as_secs();
    assert!((MONTH - 60..=MONTH).contains(&ahead), "{ahead}");
    let mut form = reqwest::multipart::Form::new();
    for (name, value) in fields {
        form = form.text(name.clone(), value.as_str().unwrap().to_owned());
    }
    form = form.part("file", reqwest::multipart::Part::bytes(b"form".to_vec()));
    let url = document["url"].as_str().unwrap();
    let response = http().post(url).multipart(form).send().await.unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    assert_eq!(
        get_object(&server, BUCKET, "forms/a.txt").await.as_deref(),
        Some(&b"form"[..])
    );
    // Past the limit: refused before anything is signed.
    let output = pail(home.path())
        .args([
            "presign-post",
            "s3://lifetimes/forms/a.txt",
            "--profile",
            "plain",
            "--expires-in",
            "30d",
        ])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(stderr(&output).contains("7 days"), "{}", stderr(&output));
}

#[tokio::test]
async fn share_and_an_aws_config_profile_use_the_limit_too() {
    let server = server_with_bucket(BUCKET);
    put_object(&server, BUCKET, "folder/a.txt", b"a").await;
    let home = home_with_limits(&server.endpoint_url());
    let output = pail(home.path())
        .args([
            "share",
            "s3://lifetimes/folder/",
            "--profile",
            "minio-lab",
            "--expires-in",
            "14d",
        ])
        .output()
        .unwrap();
    assert_success(&output);
    let url = stdout(&output).trim_end().to_owned();
    assert_eq!(query_param(&url, "X-Amz-Expires"), Some("1209600"));
    assert_eq!(http().get(&url).send().await.unwrap().status(), 200);
    let output = pail(home.path())
        .args([
            "share",
            "s3://lifetimes/folder/",
            "--profile",
            "plain",
            "--expires-in",
            "14d",
        ])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(stderr(&output).contains("7 days"), "{}", stderr(&output));

    // `pail_max_link_lifetime` in ~/.aws/config, on a custom endpoint.
    let output = pail(home.path())
        .args([
            "presign",
            "s3://lifetimes/folder/a.txt",
            "--profile",
            "lab-aws",
            "--path-style",
            "--expires-in",
            "30d",
        ])
        .output()
        .unwrap();
    assert_success(&output);
    let url = stdout(&output).trim_end().to_owned();
    assert_eq!(query_param(&url, "X-Amz-Expires"), Some("2592000"));
    assert_eq!(http().get(&url).send().await.unwrap().status(), 200);

    // On AWS itself the same setting is ignored, with the reason, before any traffic.
    let output = pail(home.path())
        .args([
            "presign",
            "s3://lifetimes/folder/a.txt",
            "--profile",
            "real-aws",
            "--expires-in",
            "30d",
        ])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let err = stderr(&output);
    assert!(err.contains("ignored: AWS refuses"), "{err}");
    assert!(
        err.contains("7 days: AWS's limit for pre-signed links"),
        "{err}"
    );
}

#[test]
fn profiles_list_shows_each_profiles_longest_link() {
    let home = home_with_limits("http://127.0.0.1:9000");
    let output = pail(home.path())
        .args(["profiles", "list"])
        .output()
        .unwrap();
    assert_success(&output);
    let out = stdout(&output);
    assert!(
        out.lines().next().unwrap().ends_with("LONGEST LINK"),
        "{out}"
    );
    let line = |name: &str| {
        out.lines()
            .find(|l| l.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("{name} in {out}"))
            .to_owned()
    };
    assert!(line("minio-lab").ends_with(" 30d"), "{out}");
    assert!(line("plain").ends_with(" 7d"), "{out}");
    assert!(line("lab-aws").ends_with(" 30d"), "{out}");
    assert!(
        line("real-aws").ends_with(" 7d (30d ignored: AWS)"),
        "{out}"
    );
}

/// `pail share` (a page, or CSV) says the same as `presign` when the credentials end first.
#[tokio::test(flavor = "multi_thread")]
async fn share_with_temporary_credentials_ending_first_gives_the_ways_out() {
    let server = server_with_bucket(BUCKET);
    put_object(&server, BUCKET, "f/t.txt", b"t").await;
    let home = home_with_limits(&server.endpoint_url());
    for format in ["url", "csv"] {
        let output = pail(home.path())
            .args([
                "share",
                "s3://lifetimes/f/",
                "--format",
                format,
                "--profile",
                "sts",
                "--endpoint-url",
                &server.endpoint_url(),
                "--path-style",
                "--expires-in",
                "2d",
            ])
            .output()
            .unwrap();
        assert_success(&output);
        let err = stderr(&output);
        assert!(err.contains("it stops working then"), "{format}: {err}");
        assert!(err.contains("Ways out: --expires-at 20"), "{format}: {err}");
    }
}

#[tokio::test]
async fn temporary_credentials_ending_first_come_with_the_ways_out() {
    let server = server_with_bucket(BUCKET);
    put_object(&server, BUCKET, "t.txt", b"t").await;
    let home = home_with_limits(&server.endpoint_url());
    // The temporary profile's link for `expires_in`.
    let sts_presign = |expires_in: &str| {
        pail(home.path())
            .args([
                "presign",
                "s3://lifetimes/t.txt",
                "--profile",
                "sts",
                "--endpoint-url",
                &server.endpoint_url(),
                "--path-style",
                "--expires-in",
                expires_in,
            ])
            .output()
            .unwrap()
    };
    let output = sts_presign("2d");
    assert_success(&output);
    assert!(stdout(&output).contains("X-Amz-Security-Token=temporary"));
    let err = stderr(&output);
    assert!(err.contains("it stops working then"), "{err}");
    assert!(err.contains("Ways out: --expires-at 20"), "{err}");
    assert!(err.contains("pail presign-cloudfront"), "{err}");
    // The Pail profiles on the same server have long-term keys; AWS's own does not reach it.
    assert!(
        err.contains("--profile with long-term keys (minio-lab, plain, lab-aws)"),
        "{err}"
    );
    // Eight days: only the profiles whose limit allows that are named.
    let output = sts_presign("8d");
    assert_success(&output);
    let err = stderr(&output);
    assert!(
        err.contains("--profile with long-term keys (minio-lab, lab-aws)"),
        "{err}"
    );
    // Within the credentials' hour: no warning.
    let output = sts_presign("10m");
    assert_success(&output);
    assert!(stderr(&output).is_empty(), "{}", stderr(&output));
}

#[tokio::test]
async fn finding_the_limit_never_sets_a_broken_pail_config_aside() {
    let server = server_with_bucket(BUCKET);
    put_object(&server, BUCKET, "b.txt", b"b").await;
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("pail-config");
    std::fs::create_dir_all(&config).unwrap();
    let broken = "[[profile]]\nname = 7\n";
    std::fs::write(config.join("config.toml"), broken).unwrap();
    let output = common::cli::pail_for(&server, home.path(), &["presign", "s3://lifetimes/b.txt"]);
    assert_success(&output);
    assert_eq!(
        std::fs::read_to_string(config.join("config.toml")).unwrap(),
        broken,
        "left where it was, as it was"
    );
    assert!(stderr(&output).is_empty(), "{}", stderr(&output));
}
