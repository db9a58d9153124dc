//! Versions against moto (s3s-fs keeps none): a folder's versions and delete markers, the
//! bucket's versioning state, download, restore, undelete and delete of one version, through
//! the library and through `pail ls --versions`, `pail cp --version-id`, `pail presign
//! --version-id`; and servers that lie about a versions listing.

use std::time::Duration;

use pail::model::{BucketName, Endpoint, ObjectKey};
use pail::s3::connection::Connection;
use pail::testing::s3::list::BrowseError;
use pail::testing::s3::transfer::TransferControl;
use pail::testing::s3::versions::{self, VersioningState};

use crate::common;
use crate::common::hostile::{Answer, HostileServer};
use crate::common::moto::Moto;

fn bucket(name: &str) -> BucketName {
    BucketName::new(name).unwrap()
}

fn key(name: &str) -> ObjectKey {
    ObjectKey::new(name).unwrap()
}

/// Makes `name` with versioning on, then writes each (key, body) in turn.
pub(crate) async fn versioned_bucket(moto: &Moto, name: &str, writes: &[(&str, &[u8])]) {
    let connection = moto.connection();
    let client = connection.client();
    client.create_bucket().bucket(name).send().await.unwrap();
    client
        .put_bucket_versioning()
        .bucket(name)
        .versioning_configuration(
            aws_sdk_s3::types::VersioningConfiguration::builder()
                .status(aws_sdk_s3::types::BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .unwrap();
    for (key, body) in writes {
        client
            .put_object()
            .bucket(name)
            .key(*key)
            .body(body.to_vec().into())
            .send()
            .await
            .unwrap();
        // moto dates its versions to the second's fraction; keep them apart.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Deletes `key` without a version id: a delete marker on top.
pub(crate) async fn delete_plain(moto: &Moto, name: &str, key: &str) {
    moto.connection()
        .client()
        .delete_object()
        .bucket(name)
        .key(key)
        .send()
        .await
        .unwrap();
}

async fn body_of(connection: &Connection, name: &str, key: &str) -> Option<Vec<u8>> {
    let output = connection
        .client()
        .get_object()
        .bucket(name)
        .key(key)
        .send()
        .await
        .ok()?;
    Some(output.body.collect().await.unwrap().to_vec())
}

macro_rules! moto_or_skip {
    () => {
        match Moto::start() {
            Some(moto) => moto,
            None => {
                eprintln!("skipped: moto_server is not installed (pip install 'moto[server]')");
                return;
            }
        }
    };
}

#[tokio::test]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn a_folders_versions_and_delete_markers_are_listed_grouped_by_key() {
    let moto = moto_or_skip!();
    let writes: &[(&str, &[u8])] = &[
        ("docs/a.txt", b"one"),
        ("docs/a.txt", b"two"),
        ("docs/b 50%+x.txt", b"bee"),
        ("docs/sub/deep.txt", b"deep"),
        ("other.txt", b"x"),
    ];
    versioned_bucket(&moto, "vers", writes).await;
    delete_plain(&moto, "vers", "docs/b 50%+x.txt").await;
    let connection = moto.connection();
    let listed = versions::list_folder_versions(&connection, &bucket("vers"), "docs/")
        .await
        .unwrap();
    assert_eq!(listed.folders, ["docs/sub/"]);
    let rows: Vec<(&str, u64, bool, bool)> = listed
        .versions
        .iter()
        .map(|v| (v.key.as_str(), v.size, v.is_latest, v.delete_marker))
        .collect();
    assert_eq!(
        rows,
        [
            ("docs/a.txt", 3, true, false),
            ("docs/a.txt", 3, false, false),
            ("docs/b 50%+x.txt", 0, true, true),
            ("docs/b 50%+x.txt", 3, false, false),
        ]
    );
    assert!(listed.versions.iter().all(|v| !v.version_id.is_empty()));
    let state = versions::versioning_state(&connection, &bucket("vers"))
        .await
        .unwrap();
    assert_eq!(state, VersioningState::Enabled);
}

#[tokio::test]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn every_page_is_followed_with_both_markers() {
    let moto = moto_or_skip!();
    moto.bucket_with("plain", []).await;
    let connection = moto.connection();
    let state = versions::versioning_state(&connection, &bucket("plain"))
        .await
        .unwrap();
    assert_eq!(state, VersioningState::Never);
    // 1,100 versions of one key and 5 of others: more than moto's 1,000 a page, with the
    // page boundary inside one key's versions (the version-id marker matters).
    versioned_bucket(&moto, "many", &[]).await;
    let client = connection.client();
    for i in 0..1_100 {
        client
            .put_object()
            .bucket("many")
            .key("k")
            .body(format!("{i}").into_bytes().into())
            .send()
            .await
            .unwrap();
    }
    for i in 0..5 {
        client
            .put_object()
            .bucket("many")
            .key(format!("z{i}"))
            .body(b"z".to_vec().into())
            .send()
            .await
            .unwrap();
    }
    let listed = versions::list_folder_versions(&connection, &bucket("many"), "")
        .await
        .unwrap();
    assert_eq!(listed.versions.len(), 1_105);
    let ids: std::collections::HashSet<&str> = listed
        .versions
        .iter()
        .map(|v| v.version_id.as_str())
        .collect();
    assert_eq!(ids.len(), 1_105, "no version twice");
    assert_eq!(listed.versions.iter().filter(|v| v.is_latest).count(), 6);
}

#[tokio::test]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn a_version_is_downloaded_restored_and_deleted_for_good() {
    let moto = moto_or_skip!();
    let writes: &[(&str, &[u8])] = &[("r.txt", b"old bytes"), ("r.txt", b"new")];
    versioned_bucket(&moto, "rest", writes).await;
    let connection = moto.connection();
    let (b, k) = (bucket("rest"), key("r.txt"));
    let listed = versions::key_versions(&connection, &b, &k).await.unwrap();
    assert_eq!(listed.len(), 2);
    let old = listed.iter().find(|v| !v.is_latest).unwrap().clone();

    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("old.txt");
    let control = TransferControl::default();
    let got = versions::download_version(&connection, (&b, &k, &old.version_id), &target, &control)
        .await
        .unwrap();
    assert_eq!(got, 9);
    assert_eq!(std::fs::read(&target).unwrap(), b"old bytes");

    versions::restore_version(&connection, (&b, &k, &old.version_id), &control)
        .await
        .unwrap();
    assert_eq!(
        body_of(&connection, "rest", "r.txt").await.unwrap(),
        b"old bytes"
    );
    let after = versions::key_versions(&connection, &b, &k).await.unwrap();
    assert_eq!(
        after.len(),
        3,
        "the restore is a new version; the others stay"
    );

    let newest = after.iter().find(|v| v.is_latest).unwrap().clone();

    versions::delete_version(&connection, &b, &k, &old.version_id)
        .await
        .unwrap();
    let left = versions::key_versions(&connection, &b, &k).await.unwrap();
    assert_eq!(left.len(), 2);
    assert!(left.iter().all(|v| v.version_id != old.version_id));
    assert!(left.iter().any(|v| v.version_id == newest.version_id));

    let gone = versions::download_version(
        &connection,
        (&b, &k, &old.version_id),
        &dir.path().join("gone.txt"),
        &control,
    )
    .await;
    assert!(gone.is_err(), "a deleted version cannot be downloaded");
    assert!(!dir.path().join("gone.txt").exists());
    let restored = versions::restore_version(&connection, (&b, &k, &old.version_id), &control)
        .await
        .unwrap_err()
        .to_string();
    assert!(restored.contains("does not exist"), "{restored}");
}

#[tokio::test]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn undelete_removes_the_latest_delete_marker_and_nothing_else() {
    let moto = moto_or_skip!();
    let writes: &[(&str, &[u8])] = &[("u.txt", b"kept"), ("u.txt/child", b"c")];
    versioned_bucket(&moto, "undel", writes).await;
    let connection = moto.connection();
    let (b, k) = (bucket("undel"), key("u.txt"));
    let refused = versions::undelete(&connection, &b, &k).await.unwrap_err();
    assert!(refused.to_string().contains("is not deleted"), "{refused}");
    delete_plain(&moto, "undel", "u.txt").await;
    assert!(body_of(&connection, "undel", "u.txt").await.is_none());
    let marker = versions::undelete(&connection, &b, &k).await.unwrap();
    assert!(!marker.is_empty());
    assert_eq!(
        body_of(&connection, "undel", "u.txt").await.unwrap(),
        b"kept"
    );
    let left = versions::key_versions(&connection, &b, &k).await.unwrap();
    assert_eq!(left.len(), 1, "only the marker went: {left:?}");
    assert!(body_of(&connection, "undel", "u.txt/child").await.is_some());
}

fn hostile_connection(server: &HostileServer) -> Connection {
    Connection::with_static_credentials(
        aws_credential_types::Credentials::new("AK", "SK", None, None, "test"),
        "us-east-1",
        Endpoint::custom(&server.endpoint_url()).unwrap(),
        true,
    )
    .with_request_timeout(Duration::from_secs(20))
}

fn versions_page(keys: &[&str], truncated: bool, next_key: Option<&str>) -> String {
    let mut body = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><ListVersionsResult><Name>bkt</Name><Prefix>docs/</Prefix><Delimiter>/</Delimiter>"#,
    );
    body.push_str(&format!("<IsTruncated>{truncated}</IsTruncated>"));
    if let Some(next) = next_key {
        body.push_str(&format!(
            "<NextKeyMarker>{next}</NextKeyMarker><NextVersionIdMarker>v1</NextVersionIdMarker>"
        ));
    }
    for key in keys {
        body.push_str(&format!(
            "<Version><Key>{key}</Key><VersionId>v1</VersionId><IsLatest>true</IsLatest><LastModified>2026-01-01T00:00:00.000Z</LastModified><Size>1</Size></Version>"
        ));
    }
    body.push_str("</ListVersionsResult>");
    body
}

async fn listed_from(answer: impl Fn(&str) -> Answer + Send + Sync + 'static) -> BrowseError {
    let server = HostileServer::start(answer).await;
    let connection = hostile_connection(&server);
    versions::list_folder_versions(&connection, &bucket("bkt"), "docs/")
        .await
        .expect_err("a lying server's listing is not believed")
}

#[tokio::test]
async fn a_versions_listing_that_lies_fails_saying_so() {
    let html = listed_from(|_| Answer::Body {
        status: 200,
        content_type: "text/html",
        body: b"<!DOCTYPE html><html><body>Please log in</body></html>".to_vec(),
    })
    .await;
    assert!(matches!(html, BrowseError::Untrusted { .. }), "{html:?}");

    let empty = listed_from(|_| Answer::Body {
        status: 200,
        content_type: "application/xml",
        body: Vec::new(),
    })
    .await;
    assert!(matches!(empty, BrowseError::Untrusted { .. }), "{empty:?}");

    let outside =
        listed_from(|_| Answer::Xml(200, versions_page(&["secret/x"], false, None))).await;
    let text = outside.to_string();
    assert!(text.contains("outside the prefix"), "{text}");

    let no_marker = listed_from(|_| Answer::Xml(200, versions_page(&["docs/a"], true, None))).await;
    assert!(
        no_marker.to_string().contains("no key marker"),
        "{no_marker}"
    );

    // A server that sends the listing back to the same marker, page after page.
    let round =
        listed_from(|_| Answer::Xml(200, versions_page(&["docs/a"], true, Some("docs/a")))).await;
    // (Refused for the rows it repeats, or for the marker it repeats.)
    let said = round.to_string();
    assert!(
        said.contains("go round") || said.contains("twice"),
        "{round}"
    );

    let started = std::time::Instant::now();
    let endless = listed_from(|_| Answer::Endless(200)).await;
    assert!(
        started.elapsed() < Duration::from_secs(25),
        "an endless page is cut at the bound, not read for ever"
    );
    let text = endless.to_string();
    assert!(text.contains("versions"), "{text}");
}

#[tokio::test]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn versioning_state_suspended_is_told_apart() {
    let moto = moto_or_skip!();
    versioned_bucket(&moto, "susp", &[("a", b"1")]).await;
    let connection = moto.connection();
    connection
        .client()
        .put_bucket_versioning()
        .bucket("susp")
        .versioning_configuration(
            aws_sdk_s3::types::VersioningConfiguration::builder()
                .status(aws_sdk_s3::types::BucketVersioningStatus::Suspended)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let state = versions::versioning_state(&connection, &bucket("susp"))
        .await
        .unwrap();
    assert_eq!(state, VersioningState::Suspended);
    let _ = common::ACCESS_KEY;
}

#[tokio::test]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn a_link_to_an_old_version_serves_the_old_bytes_after_a_new_write() {
    let moto = moto_or_skip!();
    let writes: &[(&str, &[u8])] = &[("l/doc.txt", b"the old version"), ("l/doc.txt", b"new")];
    versioned_bucket(&moto, "links", writes).await;
    let connection = moto.connection();
    let (b, k) = (bucket("links"), key("l/doc.txt"));
    let listed = versions::key_versions(&connection, &b, &k).await.unwrap();
    let old = listed.iter().find(|v| !v.is_latest).unwrap();
    let signer = connection.signer_for(&b).await.unwrap().signer;
    let options = pail::share::GetOptions {
        version_id: Some(old.version_id.clone()),
        ..Default::default()
    };
    let link = signer
        .presign_get(
            &b,
            &k,
            &options,
            pail::share::Expiry::In(Duration::from_secs(600)),
            std::time::SystemTime::now(),
        )
        .await
        .unwrap();
    assert!(link.url.contains("versionId="), "{}", link.url);
    let body = common::http().get(&link.url).send().await.unwrap();
    assert_eq!(body.status(), 200);
    assert_eq!(&body.bytes().await.unwrap()[..], b"the old version");
    let plain = signer
        .presign_get(
            &b,
            &k,
            &Default::default(),
            pail::share::Expiry::In(Duration::from_secs(600)),
            std::time::SystemTime::now(),
        )
        .await
        .unwrap();
    let latest = common::http().get(&plain.url).send().await.unwrap();
    let latest = latest.bytes().await.unwrap();
    assert_eq!(&latest[..], b"new");
}

/// `pail ARGS --endpoint-url MOTO --path-style`, with moto's keys.
fn pail_on(moto: &Moto, home: &std::path::Path, args: &[&str]) -> std::process::Output {
    let mut full: Vec<&str> = args.to_vec();
    full.extend(["--endpoint-url", moto.endpoint_url(), "--path-style"]);
    common::cli::pail(home)
        .env("AWS_ACCESS_KEY_ID", "MOTOKEY")
        .env("AWS_SECRET_ACCESS_KEY", "moto-secret")
        .env("AWS_REGION", "us-east-1")
        .args(&full)
        .output()
        .expect("pail runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn pail_ls_versions_cp_and_presign_a_version() {
    let moto = moto_or_skip!();
    // moto sends names raw (it ignores `encoding-type=url`), so no control character here:
    // a name that reads reversed in a terminal is escaped as `ls` escapes it.
    let hostile = "docs/photo\u{202e}gpj.exe";
    let writes: &[(&str, &[u8])] = &[
        ("docs/r.txt", b"first"),
        ("docs/r.txt", b"second!"),
        (hostile, b"x"),
        ("docs/deeper/z.txt", b"z"),
    ];
    versioned_bucket(&moto, "clivers", writes).await;
    delete_plain(&moto, "clivers", hostile).await;
    let home = tempfile::tempdir().unwrap();

    let out = pail_on(
        &moto,
        home.path(),
        &["ls", "--versions", "s3://clivers/docs/"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("versioning on"),
        "{}",
        text(&out.stderr)
    );
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 5, "{stdout}");
    assert_eq!(lines[0].trim(), "PRE deeper/");
    assert!(
        !stdout.contains('\u{202e}'),
        "the override is shown escaped"
    );
    assert!(lines[1].contains(" latest marker ") && lines[1].ends_with("photo\\u{202e}gpj.exe"));
    assert!(lines[2].contains(" -      object ") && lines[2].ends_with("photo\\u{202e}gpj.exe"));
    assert!(lines[3].contains("7 latest object ") && lines[3].ends_with(" r.txt"));
    assert!(lines[4].contains("5 -      object ") && lines[4].ends_with(" r.txt"));
    let old_id = lines[4].split_whitespace().nth(5).unwrap().to_owned();

    let target = home.path().join("old.txt");
    let out = pail_on(
        &moto,
        home.path(),
        &[
            "cp",
            "--version-id",
            &old_id,
            "s3://clivers/docs/r.txt",
            target.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(std::fs::read(&target).unwrap(), b"first");
    // Into a folder, under the key's name.
    let out = pail_on(
        &moto,
        home.path(),
        &[
            "cp",
            "--version-id",
            &old_id,
            "s3://clivers/docs/r.txt",
            home.path().to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(std::fs::read(home.path().join("r.txt")).unwrap(), b"first");

    let out = pail_on(
        &moto,
        home.path(),
        &[
            "presign",
            "--version-id",
            &old_id,
            "s3://clivers/docs/r.txt",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let url = text(&out.stdout).trim().to_owned();
    assert!(url.contains("versionId="), "{url}");
    let got = common::http().get(&url).send().await.unwrap();
    assert_eq!(&got.bytes().await.unwrap()[..], b"first");

    // A version that does not exist: an error, and no file.
    let missing = home.path().join("missing.txt");
    let out = pail_on(
        &moto,
        home.path(),
        &[
            "cp",
            "--version-id",
            "nope",
            "s3://clivers/docs/r.txt",
            missing.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    assert!(!missing.exists());
    let partials: Vec<_> = std::fs::read_dir(home.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("missing"))
        .collect();
    assert!(partials.is_empty(), "no partial file left: {partials:?}");

    for args in [
        &[
            "presign",
            "--method",
            "PUT",
            "--version-id",
            &old_id,
            "s3://clivers/docs/r.txt",
        ][..],
        &[
            "cp",
            "--recursive",
            "--version-id",
            &old_id,
            "s3://clivers/docs/",
            "x",
        ][..],
        &["ls", "--versions", "--recursive", "s3://clivers/docs/"][..],
    ] {
        let out = pail_on(&moto, home.path(), args);
        assert!(!out.status.success(), "{args:?} is refused");
    }
}

#[tokio::test]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn the_link_doctor_tells_a_deleted_version_from_a_changed_object() {
    use pail::share::link_doctor::{Diagnosis, SharedAs, diagnose};
    let moto = moto_or_skip!();
    // A name browsers do not open: the doctor's word is then about the version alone, not
    // about the type moto serves it as.
    let writes: &[(&str, &[u8])] = &[("d.bin", b"first"), ("d.bin", b"second")];
    versioned_bucket(&moto, "doctor", writes).await;
    let connection = moto.connection();
    let (b, k) = (bucket("doctor"), key("d.bin"));
    let listed = versions::key_versions(&connection, &b, &k).await.unwrap();
    let old = listed.iter().find(|v| !v.is_latest).unwrap().clone();
    let latest = listed.iter().find(|v| v.is_latest).unwrap().clone();
    let signer = connection.signer_for(&b).await.unwrap().signer;
    let sign = |version_id: Option<String>| {
        let signer = signer.clone();
        let (b, k) = (b.clone(), k.clone());
        async move {
            let options = pail::share::GetOptions {
                version_id,
                ..Default::default()
            };
            let expiry = pail::share::Expiry::In(Duration::from_secs(600));
            let now = std::time::SystemTime::now();
            signer
                .presign_get(&b, &k, &options, expiry, now)
                .await
                .unwrap()
                .url
        }
    };
    let check = |url: String, etag: Option<String>| async move {
        let shared = SharedAs {
            expires: std::time::SystemTime::now() + Duration::from_secs(600),
            etag,
        };
        let answer = pail::share::link_test::test_get_link(&url).await;
        diagnose(&url, &shared, &answer, std::time::SystemTime::now())
    };
    let version_link = sign(Some(old.version_id.clone())).await;
    let plain_link = sign(None).await;
    assert_eq!(
        check(version_link.clone(), old.etag.clone()).await,
        Diagnosis::Working
    );
    // A new write: the plain link changed, the version link did not.
    connection
        .client()
        .put_object()
        .bucket("doctor")
        .key("d.bin")
        .body(b"third!".to_vec().into())
        .send()
        .await
        .unwrap();
    assert_eq!(
        check(plain_link, latest.etag.clone()).await,
        Diagnosis::Changed
    );
    assert_eq!(
        check(version_link.clone(), old.etag.clone()).await,
        Diagnosis::Working
    );
    versions::delete_version(&connection, &b, &k, &old.version_id)
        .await
        .unwrap();
    let gone = check(version_link, old.etag.clone()).await;
    assert_eq!(gone, Diagnosis::VersionDeleted, "{gone}");
}

#[tokio::test]
async fn restoring_part_by_part_copies_the_version_named() {
    // moto's CompleteMultipartUpload answer has a root the SDK refuses, so the path above
    // 5 GiB (lowered to 0 here) is tried on s3s-fs, which signs and keeps the one `null`
    // version of an unversioned bucket.
    let server = common::server_with_bucket("plainbucket");
    common::put_object(&server, "plainbucket", "big.bin", &common::pattern(3000)).await;
    let connection = server.connection();
    let (b, k) = (bucket("plainbucket"), key("big.bin"));
    let control = TransferControl::default();
    let restored = versions::restore_with_limit(&connection, (&b, &k, "null"), &control, 0).await;
    restored.unwrap();
    let body = common::get_object(&server, "plainbucket", "big.bin")
        .await
        .unwrap();
    assert_eq!(body, common::pattern(3000));
    assert_eq!(control.done_bytes(), 3000);
}

// Multi-threaded: the lying server answers while the test waits for `pail`.
#[tokio::test(flavor = "multi_thread")]
async fn names_sent_url_encoded_are_decoded_and_printed_escaped() {
    // As S3 answers `encoding-type=url`: a line break and a terminal escape in a name.
    let page = |_: &str| {
        let body = versions_page(
            &["docs/a%0Aforged%1B%5D52%3Bc%3BeA%3D%3D%07.txt"],
            false,
            None,
        )
        .replace("<Name>", "<EncodingType>url</EncodingType><Name>");
        Answer::Xml(200, body)
    };
    let server = HostileServer::start(page).await;
    let connection = hostile_connection(&server);
    let listed = versions::list_folder_versions(&connection, &bucket("bkt"), "docs/")
        .await
        .unwrap();
    assert_eq!(
        listed.versions[0].key,
        "docs/a\nforged\u{1b}]52;c;eA==\u{7}.txt"
    );

    let home = tempfile::tempdir().unwrap();
    let out = common::cli::pail(home.path())
        .env("AWS_ACCESS_KEY_ID", "AK")
        .env("AWS_SECRET_ACCESS_KEY", "SK")
        .env("AWS_REGION", "us-east-1")
        .args(["ls", "--versions", "s3://bkt/docs/", "--endpoint-url"])
        .arg(server.endpoint_url())
        .arg("--path-style")
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(stdout.lines().count(), 1, "no forged line: {stdout:?}");
    assert!(
        stdout.ends_with("a\\nforged\\x1b]52;c;eA==\\x07.txt\n"),
        "{stdout:?}"
    );
    assert!(!text(&out.stderr).contains('\u{1b}'));
}
