//! Headers and metadata (issue 26, part 3): `pail headers` as a process, against s3s-fs
//! (signatures checked, REPLACE honoured) and moto (tags, ACLs, encryption, storage classes,
//! Object Lock — what s3s-fs does not keep).

use crate::common;

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    ObjectLockLegalHoldStatus, ObjectLockMode, ServerSideEncryption, StorageClass, Tag,
};
use common::cli::{pail, pail_for};
use common::server_with_bucket;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

async fn put_page(server: &pail::testing::demo::server::LocalServer, key: &str) {
    server
        .connection()
        .client()
        .put_object()
        .bucket("site")
        .key(key)
        .content_type("application/octet-stream")
        .metadata("owner", "ana")
        .metadata("draft", "yes")
        .body(ByteStream::from_static(b"<html>hello</html>"))
        .send()
        .await
        .unwrap();
}

async fn head(
    server: &pail::testing::demo::server::LocalServer,
    key: &str,
) -> aws_sdk_s3::operation::head_object::HeadObjectOutput {
    server
        .connection()
        .client()
        .head_object()
        .bucket("site")
        .key(key)
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn pail_headers_shows_dry_runs_and_edits_keeping_what_it_does_not_name() {
    let server = server_with_bucket("site");
    let home = tempfile::tempdir().unwrap();
    let awkward = "pages/$(touch x)\nb.html";
    for key in ["index.html", "assets/a.css", "assets/b.css", awkward] {
        put_page(&server, key).await;
    }
    let run = |args: &[&str]| pail_for(&server, home.path(), args);

    let shown = run(&["headers", "s3://site/index.html"]);
    assert!(shown.status.success(), "{shown:?}");
    let out = text(&shown.stdout);
    assert!(
        out.contains("Content-Type: application/octet-stream"),
        "{out}"
    );
    assert!(out.contains("x-amz-meta-owner: ana"), "{out}");
    assert!(out.contains("Tags: (this server keeps none)"), "{out}");

    let dry = run(&[
        "headers",
        "s3://site/index.html",
        "--content-type",
        "text/html; charset=utf-8",
        "--remove-meta",
        "draft",
        "--dry-run",
    ]);
    assert!(dry.status.success(), "{dry:?}");
    let out = text(&dry.stdout);
    assert!(
        out.contains("Content-Type: `application/octet-stream` → `text/html; charset=utf-8`"),
        "{out}"
    );
    assert!(out.contains("x-amz-meta-draft: `yes` → (none)"), "{out}");
    assert_eq!(
        head(&server, "index.html").await.content_type(),
        Some("application/octet-stream"),
        "a dry run changes nothing"
    );

    let edited = run(&[
        "headers",
        "s3://site/index.html",
        "--content-type",
        "text/html; charset=utf-8",
        "--cache-control",
        "max-age=60",
        "--meta",
        "reviewed=yes",
        "--remove-meta",
        "draft",
    ]);
    assert!(edited.status.success(), "{edited:?}");
    let after = head(&server, "index.html").await;
    assert_eq!(after.content_type(), Some("text/html; charset=utf-8"));
    assert_eq!(after.cache_control(), Some("max-age=60"));
    let meta = after.metadata().unwrap();
    assert_eq!(meta.get("owner").map(String::as_str), Some("ana"), "kept");
    assert_eq!(meta.get("reviewed").map(String::as_str), Some("yes"));
    assert!(!meta.contains_key("draft"));

    // A folder, and a key a terminal must not obey, each edited and named escaped.
    let folder = run(&[
        "headers",
        "-r",
        "s3://site/assets",
        "s3://site/pages/",
        "--cache-control",
        "public, max-age=31536000",
    ]);
    assert!(folder.status.success(), "{folder:?}");
    let out = text(&folder.stdout);
    assert!(out.contains("edited s3://site/assets/a.css"), "{out}");
    assert!(
        out.contains("edited s3://site/pages/$(touch x)\\nb.html"),
        "{out}"
    );
    for key in ["assets/a.css", "assets/b.css", awkward] {
        assert_eq!(
            head(&server, key).await.cache_control(),
            Some("public, max-age=31536000")
        );
    }
    assert_eq!(
        head(&server, "index.html").await.cache_control(),
        Some("max-age=60"),
        "outside the folders"
    );
    let again = run(&[
        "headers",
        "s3://site/assets/a.css",
        "--cache-control",
        "public, max-age=31536000",
    ]);
    assert!(
        text(&again.stdout).contains("unchanged s3://site/assets/a.css"),
        "{again:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn pail_headers_refuses_a_bad_edit_before_sending_and_names_each_object_that_failed() {
    let server = server_with_bucket("site");
    let home = tempfile::tempdir().unwrap();
    put_page(&server, "index.html").await;
    let run = |args: &[&str]| pail_for(&server, home.path(), args);
    for bad in [
        &["--cache-control", "max-age=1\r\nx-amz-acl: public-read"][..],
        &["--meta", "a b=1"],
        &["--content-type", ""],
        &["--storage-class", "COLD"],
        &["--tag", "novalue"],
        &["--cache-control", "x", "--remove-header", "cache-control"],
        &["--expires", "someday"],
    ] {
        let mut args = vec!["headers", "s3://site/index.html"];
        args.extend(bad);
        let refused = run(&args);
        assert!(!refused.status.success(), "{bad:?}");
        assert_eq!(text(&refused.stderr).lines().count(), 1, "{refused:?}");
    }
    assert_eq!(
        head(&server, "index.html").await.content_type(),
        Some("application/octet-stream")
    );
    let partly = run(&[
        "headers",
        "s3://site/index.html",
        "s3://site/gone.html",
        "--cache-control",
        "no-store",
    ]);
    assert!(!partly.status.success());
    let err = text(&partly.stderr);
    assert!(err.contains("s3://site/gone.html:"), "{err}");
    assert!(err.contains("1 of 2 objects edited, 1 failed"), "{err}");
    assert_eq!(
        head(&server, "index.html").await.cache_control(),
        Some("no-store")
    );
}

/// `pail headers` against moto, its keys in the environment.
fn pail_on_moto(
    moto: &common::moto::Moto,
    home: &std::path::Path,
    args: &[&str],
) -> std::process::Output {
    let url = match moto.connection().endpoint() {
        pail::model::Endpoint::Custom(url) => url.as_str().trim_end_matches('/').to_owned(),
        pail::model::Endpoint::Aws => unreachable!("moto is local"),
    };
    let mut full = args.to_vec();
    full.extend([
        "--endpoint-url",
        &url,
        "--path-style",
        "--region",
        "us-east-1",
    ]);
    pail(home)
        .env("AWS_ACCESS_KEY_ID", "MOTOKEY")
        .env("AWS_SECRET_ACCESS_KEY", "moto-secret")
        .args(&full)
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn an_edit_keeps_tags_acl_encryption_storage_class_redirect_and_object_lock_on_moto() {
    let Some(moto) = common::moto::Moto::start() else {
        eprintln!("moto is not installed; skipped");
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let connection = moto.connection();
    let client = connection.client();
    client.create_bucket().bucket("site").send().await.unwrap();
    client
        .put_object()
        .bucket("site")
        .key("report.pdf")
        .content_type("application/octet-stream")
        .metadata("owner", "ana")
        .storage_class(StorageClass::StandardIa)
        .server_side_encryption(ServerSideEncryption::AwsKms)
        .ssekms_key_id("arn:aws:kms:us-east-1:123456789012:key/pail-test")
        .website_redirect_location("/reports/latest.pdf")
        .tagging("team=web&stage=draft")
        .grant_read("uri=\"http://acs.amazonaws.com/groups/global/AllUsers\"")
        .body(ByteStream::from_static(b"%PDF-1.7"))
        .send()
        .await
        .unwrap();
    client
        .put_object()
        .bucket("site")
        .key("cold.pdf")
        .storage_class(StorageClass::Glacier)
        .body(ByteStream::from_static(b"%PDF-1.7"))
        .send()
        .await
        .unwrap();
    let run = |args: &[&str]| pail_on_moto(&moto, home.path(), args);

    let edited = run(&[
        "headers",
        "s3://site/report.pdf",
        "s3://site/cold.pdf",
        "--content-type",
        "application/pdf",
        "--meta",
        "reviewed=yes",
    ]);
    let err = text(&edited.stderr);
    assert!(
        !edited.status.success(),
        "the archived one fails: {edited:?}"
    );
    assert!(
        err.contains("s3://site/cold.pdf: it is in GLACIER and not restored"),
        "{err}"
    );
    let after = client
        .head_object()
        .bucket("site")
        .key("report.pdf")
        .send()
        .await
        .unwrap();
    assert_eq!(after.content_type(), Some("application/pdf"));
    assert_eq!(after.storage_class(), Some(&StorageClass::StandardIa));
    assert_eq!(
        after.server_side_encryption(),
        Some(&ServerSideEncryption::AwsKms)
    );
    assert_eq!(
        after.ssekms_key_id(),
        Some("arn:aws:kms:us-east-1:123456789012:key/pail-test")
    );
    assert_eq!(
        after.website_redirect_location(),
        Some("/reports/latest.pdf")
    );
    let meta = after.metadata().unwrap();
    assert_eq!(meta.get("owner").map(String::as_str), Some("ana"));
    assert_eq!(meta.get("reviewed").map(String::as_str), Some("yes"));
    let tags = |client: aws_sdk_s3::Client| async move {
        let answer = client
            .get_object_tagging()
            .bucket("site")
            .key("report.pdf")
            .send()
            .await
            .unwrap();
        let mut tags: Vec<(String, String)> = answer
            .tag_set()
            .iter()
            .map(|t: &Tag| (t.key().to_owned(), t.value().to_owned()))
            .collect();
        tags.sort();
        tags
    };
    assert_eq!(
        tags(client.clone()).await,
        [
            ("stage".into(), "draft".into()),
            ("team".into(), "web".into())
        ]
    );
    let acl = client
        .get_object_acl()
        .bucket("site")
        .key("report.pdf")
        .send()
        .await
        .unwrap();
    assert!(
        acl.grants().iter().any(|g| g
            .grantee()
            .and_then(|g| g.uri())
            .is_some_and(|u| u.ends_with("/AllUsers"))),
        "the public read grant is kept: {acl:?}"
    );

    let retagged = run(&[
        "headers",
        "s3://site/report.pdf",
        "--tag",
        "stage=live",
        "--tag",
        "owner=ana + bo=1/x",
        "--remove-tag",
        "team",
        "--storage-class",
        "intelligent_tiering",
    ]);
    assert!(retagged.status.success(), "{retagged:?}");
    assert_eq!(
        tags(client.clone()).await,
        [
            ("owner".into(), "ana + bo=1/x".into()),
            ("stage".into(), "live".into())
        ]
    );
    let after = client
        .head_object()
        .bucket("site")
        .key("report.pdf")
        .send()
        .await
        .unwrap();
    assert_eq!(
        after.storage_class(),
        Some(&StorageClass::IntelligentTiering)
    );
    let shown = text(&run(&["headers", "s3://site/report.pdf"]).stdout);
    assert!(shown.contains("tag owner: ana + bo=1/x"), "{shown}");
    assert!(
        shown.contains("ACL grant READ: uri=\"http://acs.amazonaws.com/groups/global/AllUsers\""),
        "{shown}"
    );

    // Object Lock: the retention and the legal hold go with the new version.
    client
        .create_bucket()
        .bucket("locked")
        .object_lock_enabled_for_bucket(true)
        .send()
        .await
        .unwrap();
    let until = aws_smithy_types::DateTime::from_secs(4_102_444_800);
    client
        .put_object()
        .bucket("locked")
        .key("contract.pdf")
        .object_lock_mode(ObjectLockMode::Governance)
        .object_lock_retain_until_date(until)
        .object_lock_legal_hold_status(ObjectLockLegalHoldStatus::On)
        .checksum_algorithm(aws_sdk_s3::types::ChecksumAlgorithm::Crc32)
        .body(ByteStream::from_static(b"%PDF-1.7"))
        .send()
        .await
        .unwrap();
    let locked = run(&[
        "headers",
        "s3://locked/contract.pdf",
        "--content-type",
        "application/pdf",
    ]);
    let err = text(&locked.stderr);
    assert!(
        err.contains("keeps versions: each edit makes a new version"),
        "{locked:?}"
    );
    let after = client
        .head_object()
        .bucket("locked")
        .key("contract.pdf")
        .send()
        .await
        .unwrap();
    if err.contains("MissingUploadObjectWithObjectLockHeaders") {
        // moto asks a copy for the checksum header an upload under Object Lock needs (AWS
        // does not ask it of a copy); it asks only when the request carries the lock's
        // headers — which is what this test is for — and the object stays as it was.
        assert!(!locked.status.success());
        assert_ne!(
            after.content_type(),
            Some("application/pdf"),
            "left as it was"
        );
    } else {
        assert!(locked.status.success(), "{locked:?}");
        assert_eq!(after.content_type(), Some("application/pdf"));
    }
    assert_eq!(after.object_lock_mode(), Some(&ObjectLockMode::Governance));
    assert_eq!(after.object_lock_retain_until_date(), Some(&until));
    assert_eq!(
        after.object_lock_legal_hold_status(),
        Some(&ObjectLockLegalHoldStatus::On)
    );
}

/// The link doctor, for real: a link to a PDF stored as `application/octet-stream` works but
/// will download; once `pail headers` fixes the stored type, it opens.
#[tokio::test(flavor = "multi_thread")]
async fn the_link_doctor_says_a_link_will_download_until_the_stored_type_is_fixed() {
    use pail::model::{BucketName, ObjectKey};
    use pail::share::link_doctor::{Diagnosis, SharedAs, diagnose};
    use pail::share::{Expiry, GetOptions};
    let server = server_with_bucket("site");
    let home = tempfile::tempdir().unwrap();
    server
        .connection()
        .client()
        .put_object()
        .bucket("site")
        .key("q3 report.pdf")
        .content_type("application/octet-stream")
        .body(ByteStream::from_static(b"%PDF-1.7"))
        .send()
        .await
        .unwrap();
    let (bucket, key) = (
        BucketName::new("site").unwrap(),
        ObjectKey::new("q3 report.pdf").unwrap(),
    );
    let connection = server.connection();
    let signer = connection.signer_for(&bucket).await.unwrap().signer;
    let now = std::time::SystemTime::now();
    let in_an_hour = Expiry::In(std::time::Duration::from_secs(3600));
    let link = signer
        .presign_get(&bucket, &key, &GetOptions::default(), in_an_hour, now)
        .await
        .unwrap();
    let shared = SharedAs {
        expires: link.effective_expiry.at,
        etag: None,
    };
    let check = || async {
        let answer = pail::share::link_test::test_get_link(&link.url).await;
        diagnose(&link.url, &shared, &answer, std::time::SystemTime::now())
    };
    let said = check().await;
    assert!(matches!(said, Diagnosis::WillDownload(_)), "{said:?}");
    assert!(
        said.to_string()
            .contains("served as `application/octet-stream`"),
        "{said}"
    );
    let fixed = pail_for(
        &server,
        home.path(),
        &[
            "headers",
            "s3://site/q3 report.pdf",
            "--content-type",
            "application/pdf",
        ],
    );
    assert!(fixed.status.success(), "{fixed:?}");
    assert_eq!(check().await, Diagnosis::Working);
}

/// Keys that may not read an object's ACL, or may not copy: each edit fails with its reason,
/// and every object stays as it was (a copy that cannot keep the grants is not sent).
#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_refuses_the_acl_read_or_the_copy_leaves_every_object_as_it_was() {
    let server = server_with_bucket("site");
    put_page(&server, "index.html").await;
    let home = tempfile::tempdir().unwrap();
    for (refused, reason) in [
        ("GetObjectAcl", "could not read its ACL"),
        ("CopyObject", "S3 refused"),
    ] {
        let refusing = common::refusing::RefusingServer::start(
            &server,
            common::ACCESS_KEY,
            common::SECRET_KEY,
            vec![refused],
        )
        .await;
        let output = pail(home.path())
            .env("AWS_ACCESS_KEY_ID", common::ACCESS_KEY)
            .env("AWS_SECRET_ACCESS_KEY", common::SECRET_KEY)
            .args([
                "headers",
                "s3://site/index.html",
                "--cache-control",
                "no-store",
            ])
            .args(["--endpoint-url", &refusing.endpoint_url(), "--path-style"])
            .output()
            .unwrap();
        assert!(!output.status.success(), "{refused}");
        let err = text(&output.stderr);
        assert!(err.contains("s3://site/index.html: "), "{err}");
        assert!(err.contains(reason), "{refused}: {err}");
        let after = head(&server, "index.html").await;
        assert_eq!(after.cache_control(), None, "{refused}");
        assert_eq!(after.content_type(), Some("application/octet-stream"));
    }
}
