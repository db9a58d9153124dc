//! The `pail` binary on an S3 server mounted under a path (moto behind the prefix-stripping
//! proxy of `common::prefix_proxy`): `ls`, `cp` up and down and `presign` with an
//! `--endpoint-url` that has a path; a saved Pail profile and an AWS config profile with such
//! an endpoint, kept byte for byte; endpoint paths that cannot work, refused before any
//! request.

use crate::common;

use std::process::Output;

use common::cli::pail;
use common::moto::Moto;
use common::prefix_proxy::PrefixProxy;

use crate::endpoint_paths::{PREFIX, body_on_moto};

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

#[track_caller]
fn assert_success(output: &Output) {
    assert!(
        output.status.success(),
        "exit {:?}, stderr: {}",
        output.status,
        stderr(output)
    );
}

/// `pail ARGS` with moto's keys in the environment.
fn pail_with_keys(home: &std::path::Path, args: &[&str]) -> Output {
    pail(home)
        .env("AWS_ACCESS_KEY_ID", "MOTOKEY")
        .env("AWS_SECRET_ACCESS_KEY", "moto-secret")
        .env("AWS_REGION", "us-east-1")
        .args(args)
        .output()
        .expect("pail runs")
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn ls_cp_and_presign_work_with_an_endpoint_url_under_a_path() {
    let Some(moto) = Moto::start() else {
        eprintln!("moto is not installed; skipped");
        return;
    };
    let proxy = PrefixProxy::start(moto.endpoint_url(), PREFIX).await;
    moto.bucket_with("clip", [("in/already there.txt", &b"old"[..])])
        .await;
    let home = tempfile::tempdir().unwrap();
    let endpoint = proxy.endpoint_url();
    let local = home.path().join("up ü.txt");
    std::fs::write(&local, b"sent through a path").unwrap();
    let on = ["--endpoint-url", endpoint.as_str(), "--path-style"];
    let with = |args: &[&str]| -> Vec<String> {
        args.iter()
            .chain(&on)
            .map(|a| (*a).to_owned())
            .collect::<Vec<_>>()
    };

    let up = with(&["cp", local.to_str().unwrap(), "s3://clip/in/a b+c.txt"]);
    let output = pail_with_keys(
        home.path(),
        &up.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert_success(&output);
    assert_eq!(
        body_on_moto(&moto, "clip", "in/a b+c.txt").await,
        b"sent through a path"
    );

    let ls = with(&["ls", "s3://clip/in/"]);
    let output = pail_with_keys(
        home.path(),
        &ls.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert_success(&output);
    let listed = stdout(&output);
    assert!(
        listed.contains("a b+c.txt") && listed.contains("already there.txt"),
        "{listed}"
    );

    let back = home.path().join("back.txt");
    let down = with(&[
        "cp",
        "s3://clip/in/already there.txt",
        back.to_str().unwrap(),
    ]);
    let output = pail_with_keys(
        home.path(),
        &down.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert_success(&output);
    assert_eq!(std::fs::read(&back).unwrap(), b"old");

    // presign, path-style and not (an IP host is addressed path-style either way), with the
    // endpoint typed with and without its trailing `/`.
    let http = common::http();
    for (endpoint, style) in [
        (endpoint.clone(), Some("--path-style")),
        (format!("{endpoint}/"), None),
    ] {
        let mut args = vec![
            "presign",
            "s3://clip/in/a b+c.txt",
            "--endpoint-url",
            endpoint.as_str(),
        ];
        args.extend(style);
        let output = pail_with_keys(home.path(), &args);
        assert_success(&output);
        let url = stdout(&output).trim_end().to_owned();
        assert!(url.contains("/storage/s3/clip/in/a%20b%2Bc.txt?"), "{url}");
        let answer = http.get(&url).send().await.unwrap();
        assert_eq!(answer.status(), 200, "{url}");
        assert_eq!(answer.bytes().await.unwrap(), &b"sent through a path"[..]);

        args.extend(["--method", "PUT"]);
        args[1] = "s3://clip/put/by link.txt";
        let output = pail_with_keys(home.path(), &args);
        assert_success(&output);
        let url = stdout(&output).trim_end().to_owned();
        let answer = http.put(&url).body("put by link").send().await.unwrap();
        assert_eq!(answer.status(), 200, "{url}");
        assert_eq!(
            body_on_moto(&moto, "clip", "put/by link.txt").await,
            b"put by link"
        );
    }
    assert_eq!(
        proxy.strays(),
        Vec::<String>::new(),
        "requests outside the path"
    );

    // A path the front does not serve: said as such, not as a missing bucket or key.
    let wrong = endpoint.replace("/storage/s3", "/storage/s4");
    let output = pail_with_keys(
        home.path(),
        &["ls", "--endpoint-url", &wrong, "--path-style"],
    );
    assert!(!output.status.success());
    let error = stderr(&output);
    assert!(
        error.contains(&format!("{wrong} answered 404")) && error.contains("mounted at that path"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn a_saved_profile_under_a_path_keeps_its_endpoint_and_connects() {
    use pail::testing::profiles::store::{ProfileStore, Provider, SavedProfile, Secret};
    let Some(moto) = Moto::start() else {
        eprintln!("moto is not installed; skipped");
        return;
    };
    let proxy = PrefixProxy::start(moto.endpoint_url(), PREFIX).await;
    moto.bucket_with("kept", [("one.txt", &b"through the profile"[..])])
        .await;
    let home = tempfile::tempdir().unwrap();
    let endpoint = proxy.endpoint_url();
    let config_dir = home.path().join("pail-config");
    let mut store = ProfileStore::in_dir(&config_dir);
    store.upsert(
        None,
        SavedProfile {
            name: "under-path".into(),
            access_key_id: "MOTOKEY".into(),
            secret_access_key: Secret::new("moto-secret"),
            session_token: None,
            region: "us-east-1".into(),
            provider: Provider::Custom,
            account_id: String::new(),
            endpoint: Some(endpoint.clone()),
            path_style: true,
            default_bucket: None,
            max_link_lifetime: None,
        },
    );
    store.save().unwrap();
    // Written as typed: no `/` added, nothing encoded.
    let config = std::fs::read_to_string(config_dir.join("config.toml")).unwrap();
    assert!(
        config.contains(&format!("endpoint = \"{endpoint}\"\n")),
        "{config}"
    );
    // An AWS config profile whose endpoint_url has the path with a trailing `/`.
    std::fs::write(
        home.path().join("aws-config"),
        format!("[profile aws-under]\nregion = us-east-1\nendpoint_url = {endpoint}/\n"),
    )
    .unwrap();
    std::fs::write(
        home.path().join("aws-credentials"),
        "[aws-under]\naws_access_key_id = MOTOKEY\naws_secret_access_key = moto-secret\n",
    )
    .unwrap();

    let output = pail(home.path())
        .args(["profiles", "list"])
        .output()
        .unwrap();
    assert_success(&output);
    let listed = stdout(&output);
    let line = listed
        .lines()
        .find(|l| l.starts_with("under-path"))
        .unwrap_or_else(|| panic!("{listed}"));
    assert!(
        line.split_whitespace().any(|word| word == endpoint),
        "{line}"
    );
    assert!(listed.contains(&format!("{endpoint}/")), "{listed}");
    assert!(!listed.contains("moto-secret"));

    let output = pail(home.path())
        .args(["ls", "s3://kept/", "--profile", "under-path"])
        .output()
        .unwrap();
    assert_success(&output);
    assert!(stdout(&output).contains("one.txt"), "{}", stdout(&output));

    let http = common::http();
    for profile in ["under-path", "aws-under"] {
        let output = pail(home.path())
            .args(["presign", "s3://kept/one.txt", "--profile", profile])
            .output()
            .unwrap();
        assert_success(&output);
        let url = stdout(&output).trim_end().to_owned();
        assert!(
            url.contains("/storage/s3/kept/one.txt?"),
            "{profile}: {url}"
        );
        let answer = http.get(&url).send().await.unwrap();
        assert_eq!(answer.status(), 200, "{profile}: {url}");
        assert_eq!(answer.bytes().await.unwrap(), &b"through the profile"[..]);
    }
    // The file is as it was: reading and connecting wrote nothing back.
    assert_eq!(
        std::fs::read_to_string(config_dir.join("config.toml")).unwrap(),
        config
    );
    assert_eq!(
        proxy.strays(),
        Vec::<String>::new(),
        "requests outside the path"
    );
}

#[test]
fn an_endpoint_path_that_cannot_work_is_refused_before_any_request() {
    let home = tempfile::tempdir().unwrap();
    // Port 9 (discard) on loopback: nothing listens, and nothing is asked.
    for (endpoint, said) in [
        ("http://127.0.0.1:9/a/../s3", "`..`"),
        ("http://127.0.0.1:9/a%2Fb", "%-escapes"),
        ("http://127.0.0.1:9/s3?x=1", "query"),
        ("http://127.0.0.1:9/s3#top", "fragment"),
        ("http://127.0.0.1:9/s3//x", "empty segment"),
        ("http://127.0.0.1:9/my files", "letters, digits"),
    ] {
        for command in [
            vec!["ls", "s3://bucket/"],
            vec!["presign", "s3://bucket/k.txt"],
        ] {
            let mut args = command.clone();
            args.extend(["--endpoint-url", endpoint]);
            let output = pail_with_keys(home.path(), &args);
            assert!(!output.status.success(), "{args:?}: {}", stdout(&output));
            let error = stderr(&output);
            assert!(error.contains(said), "{endpoint}: {error}");
            assert!(!error.contains("connect"), "{endpoint}: {error}");
        }
    }

    // A Pail profile written by hand with such an endpoint: refused when used, naming the
    // profile, never sent to AWS instead.
    let config_dir = home.path().join("pail-config");
    std::fs::create_dir_all(&config_dir).unwrap();
    std::fs::write(
        config_dir.join("config.toml"),
        "[[profile]]\nname = \"by-hand\"\nregion = \"us-east-1\"\nprovider = \"custom\"\n\
         endpoint = \"http://127.0.0.1:9/a/../s3\"\npath_style = true\n",
    )
    .unwrap();
    std::fs::write(
        config_dir.join("credentials.toml"),
        "[by-hand]\naccess_key_id = \"K\"\nsecret_access_key = \"S\"\n",
    )
    .unwrap();
    let output = pail(home.path())
        .args(["ls", "s3://bucket/", "--profile", "by-hand"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let error = stderr(&output);
    assert!(
        error.contains("profile `by-hand` cannot be used") && error.contains("`..`"),
        "{error}"
    );
}

/// An endpoint set for S3 alone — `AWS_ENDPOINT_URL_S3`, or a `[services]` section's `s3 =
/// endpoint_url` — is the one aws-sdk-s3 sends requests to, so it is the one links name, and
/// its path is kept. Before, requests went to `/storage/s3bucket` and links to AWS.
#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn an_endpoint_set_for_s3_alone_is_where_requests_go_and_what_links_name() {
    let Some(moto) = Moto::start() else {
        eprintln!("moto is not installed; skipped");
        return;
    };
    let proxy = PrefixProxy::start(moto.endpoint_url(), PREFIX).await;
    moto.bucket_with("only-s3", [("a b.txt", &b"through the path"[..])])
        .await;
    let endpoint = proxy.endpoint_url();
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("aws-config"),
        format!(
            "[profile svc]\nregion = us-east-1\nservices = local-s3\n\n\
             [services local-s3]\ns3 =\n  endpoint_url = {endpoint}\n"
        ),
    )
    .unwrap();
    std::fs::write(
        home.path().join("aws-credentials"),
        "[svc]\naws_access_key_id = MOTOKEY\naws_secret_access_key = moto-secret\n",
    )
    .unwrap();
    let by_env = |args: &[&str]| {
        pail(home.path())
            .env("AWS_ACCESS_KEY_ID", "MOTOKEY")
            .env("AWS_SECRET_ACCESS_KEY", "moto-secret")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ENDPOINT_URL_S3", &endpoint)
            .args(args)
            .output()
            .unwrap()
    };
    let by_services = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--profile", "svc", "--path-style"]);
        pail(home.path()).args(&all).output().unwrap()
    };
    for (how, run) in [
        ("AWS_ENDPOINT_URL_S3", &by_env as &dyn Fn(&[&str]) -> Output),
        ("[services]", &by_services),
    ] {
        let listed = run(&["ls", "s3://only-s3/"]);
        assert_success(&listed);
        assert!(
            stdout(&listed).contains("a b.txt"),
            "{how}: {}",
            stdout(&listed)
        );
        let link = run(&["presign", "s3://only-s3/a b.txt"]);
        assert_success(&link);
        let url = stdout(&link).trim().to_owned();
        assert!(
            url.starts_with(&format!("{endpoint}/only-s3/a%20b.txt?")),
            "{how}: {url}"
        );
        let body = common::http().get(&url).send().await.unwrap();
        assert_eq!(body.status(), 200, "{how}");
        assert_eq!(&body.bytes().await.unwrap()[..], b"through the path");
    }
    assert!(proxy.strays().is_empty(), "{:?}", proxy.strays());
}
