//! Buckets through the library (`s3/buckets.rs`, `s3/bucket_settings.rs`, `s3/cors.rs`):
//! made and deleted on s3s-fs; emptied of versions, delete markers and unfinished uploads,
//! and their versioning, encryption, Block Public Access and CORS on moto (s3s-fs has none);
//! and servers that lie about a version listing.

use crate::common;
use common::bucket_pages::{NO_UPLOADS, versions_page};

use aws_sdk_s3::types::{
    BucketVersioningStatus, ServerSideEncryption, ServerSideEncryptionByDefault,
    ServerSideEncryptionConfiguration, ServerSideEncryptionRule, VersioningConfiguration,
};
use common::hostile::{Answer, HostileServer, Lie};
use common::server_with_bucket;
use pail::model::{BucketName, Endpoint};
use pail::s3::connection::Connection;
use pail::testing::s3::bucket_settings::{Setting, Versioning, bucket_properties, set_versioning};
use pail::testing::s3::buckets::{
    BucketError, NewBucket, PublicAccess, count_contents, create_bucket, delete_empty_bucket,
    empty_and_delete,
};
use pail::testing::s3::cors::{BrowserRequest, allow_uploads_from, first_allowing, get_cors};
use pail::testing::s3::transfer::TransferControl;

fn name(text: &str) -> BucketName {
    BucketName::new(text).unwrap()
}

fn new_bucket(text: &str) -> NewBucket {
    NewBucket {
        name: BucketName::for_new_bucket(text).unwrap(),
        region: None,
        block_public_access: true,
    }
}

async fn bucket_exists(connection: &Connection, bucket: &str) -> bool {
    connection
        .client()
        .head_bucket()
        .bucket(bucket)
        .send()
        .await
        .is_ok()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bucket_is_made_and_a_refused_block_public_access_is_no_failed_creation() {
    let server = server_with_bucket("existing");
    let connection = server.connection();
    // s3s-fs has no PutPublicAccessBlock: the bucket is made, and that is said plainly.
    let outcome = create_bucket(&connection, &new_bucket("made-by-pail"))
        .await
        .unwrap();
    match &outcome {
        PublicAccess::NotApplied(why) => assert!(why.contains("NotImplemented"), "{why}"),
        other => panic!("{other:?}"),
    }
    assert!(outcome.describe().contains("the bucket was made"));
    assert!(bucket_exists(&connection, "made-by-pail").await);
    let again = create_bucket(&connection, &new_bucket("made-by-pail")).await;
    assert_eq!(again, Err(BucketError::Exists("made-by-pail".into())));
    let unasked = NewBucket {
        block_public_access: false,
        ..new_bucket("second-one")
    };
    assert_eq!(
        create_bucket(&connection, &unasked).await,
        Ok(PublicAccess::NotAsked)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn only_an_empty_bucket_is_deleted_and_empty_and_delete_takes_awkward_keys_too() {
    let server = server_with_bucket("full");
    let connection = server.connection();
    let keys = [
        "a+b c.txt",
        "ctl\u{1}\u{1b}]52;c;eA==\u{7}row",
        "pct%2F%zz",
        "日本/語",
    ];
    for key in keys {
        common::put_object(&server, "full", key, b"x").await;
    }
    let refused = delete_empty_bucket(&connection, &name("full")).await;
    match refused {
        Err(BucketError::NotEmpty { what, .. }) => {
            assert!(what.starts_with("4 objects"), "{what}")
        }
        other => panic!("{other:?}"),
    }
    assert!(bucket_exists(&connection, "full").await, "kept");
    // The local server refuses it too, as S3 does (s3s-fs alone deletes the folder whole).
    let raw = connection
        .client()
        .delete_bucket()
        .bucket("full")
        .send()
        .await;
    assert_eq!(
        raw.map_err(|e| aws_sdk_s3::error::ProvideErrorMetadata::code(&e).map(str::to_owned)),
        Err(Some("BucketNotEmpty".into()))
    );

    let control = TransferControl::default();
    let counted = count_contents(&connection, &name("full"), &control)
        .await
        .unwrap();
    assert_eq!((counted.versions, counted.versions_listed), (4, false));
    let mut seen = Vec::new();
    let removed = empty_and_delete(
        &connection,
        &name("full"),
        &control,
        Some(counted.total()),
        &mut |p| seen.push(p),
    )
    .await
    .unwrap();
    assert_eq!(removed.versions, 4);
    assert_eq!(
        seen.last().map(|p| (p.removed, p.expected)),
        Some((4, Some(4)))
    );
    assert!(!bucket_exists(&connection, "full").await);

    server.create_bucket("empty").unwrap();
    delete_empty_bucket(&connection, &name("empty"))
        .await
        .unwrap();
    assert!(!bucket_exists(&connection, "empty").await);
    assert_eq!(
        delete_empty_bucket(&connection, &name("empty")).await,
        Err(BucketError::NoSuchBucket("empty".into()))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cancelled_empty_and_delete_stops_and_keeps_the_bucket() {
    let server = server_with_bucket("keep");
    let connection = server.connection();
    common::put_object(&server, "keep", "a.txt", b"x").await;
    let control = TransferControl::default();
    control.cancel();
    let stopped = empty_and_delete(&connection, &name("keep"), &control, None, &mut |_| {}).await;
    assert!(
        matches!(stopped, Err(BucketError::Cancelled(_))),
        "{stopped:?}"
    );
    assert!(common::get_object(&server, "keep", "a.txt").await.is_some());
}

/// Whether a request line is DeleteBucket (`DELETE /bucket/`, no key).
fn is_bucket_delete(line: &str) -> bool {
    line.starts_with("DELETE /bucket/ ") || line.starts_with("DELETE /bucket ")
}

/// A connection to a lying server, as the tests of listings make it.
fn lying_connection(server: &HostileServer) -> Connection {
    Connection::with_static_credentials(
        aws_credential_types::Credentials::new("AK", "SK", None, None, "test"),
        "us-east-1",
        Endpoint::custom(&server.endpoint_url()).unwrap(),
        true,
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_version_listing_that_is_not_one_is_never_called_empty() {
    for lie in [Lie::HtmlPage, Lie::EmptyBody] {
        let server = HostileServer::lying(lie).await;
        let connection = lying_connection(&server);
        let control = TransferControl::default();
        let counted = count_contents(&connection, &name("bucket"), &control).await;
        assert!(
            matches!(
                &counted,
                Err(BucketError::Untrusted {
                    request: "ListObjectVersions",
                    ..
                })
            ),
            "{lie:?}: {counted:?}"
        );
        let deleted = delete_empty_bucket(&connection, &name("bucket")).await;
        assert!(
            matches!(deleted, Err(BucketError::Untrusted { .. })),
            "{lie:?}"
        );
        assert!(
            !server.requests().iter().any(|r| r.starts_with("DELETE")),
            "{lie:?}: nothing deleted on its word"
        );
    }
    // A listing of objects where versions were asked for, and a page cut without markers.
    let objects = HostileServer::start(|_| {
        Answer::Xml(200, common::hostile::listing_page("", &["a"], false, None))
    })
    .await;
    let cut = HostileServer::start(|_| {
        Answer::Xml(
            200,
            "<?xml version=\"1.0\"?><ListVersionsResult><Name>bucket</Name><IsTruncated>true</IsTruncated>\
             <Version><Key>a</Key><VersionId>v1</VersionId><IsLatest>true</IsLatest>\
             <LastModified>2026-01-01T00:00:00.000Z</LastModified><Size>1</Size></Version></ListVersionsResult>"
                .into(),
        )
    })
    .await;
    for (server, needle) in [(objects, "ListVersionsResult"), (cut, "no marker")] {
        let connection = lying_connection(&server);
        let emptied = empty_and_delete(
            &connection,
            &name("bucket"),
            &TransferControl::default(),
            None,
            &mut |_| {},
        )
        .await;
        match emptied {
            Err(e @ BucketError::Untrusted { .. }) => {
                assert!(e.to_string().contains(needle), "{e}")
            }
            other => panic!("{other:?}"),
        }
        assert!(
            !server.requests().iter().any(|r| is_bucket_delete(r)),
            "the bucket is never deleted: {:?}",
            server.requests()
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn empty_and_delete_removes_every_version_marker_and_upload_on_moto() {
    let Some(moto) = common::moto::Moto::start() else {
        eprintln!("moto is not installed; skipped");
        return;
    };
    let connection = moto.connection();
    let client = connection.client();
    create_bucket(&connection, &new_bucket("versioned"))
        .await
        .unwrap();
    client
        .put_bucket_versioning()
        .bucket("versioned")
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .unwrap();
    // moto lists versions raw whatever `encoding-type` asks (S3 encodes them): a key with a
    // control character is unreadable there, so these keys hold none (s3s-fs covers those).
    let keys = ["a+b c.txt", "\u{202e}gpj.exe", "pct%2F%zz", "日本/語"];
    for key in keys {
        for body in [&b"one"[..], b"two"] {
            client
                .put_object()
                .bucket("versioned")
                .key(key)
                .body(body.to_vec().into())
                .send()
                .await
                .unwrap();
        }
    }
    for key in &keys[..2] {
        client
            .delete_object()
            .bucket("versioned")
            .key(*key)
            .send()
            .await
            .unwrap();
    }
    client
        .create_multipart_upload()
        .bucket("versioned")
        .key("half done ü.bin")
        .send()
        .await
        .unwrap();
    // Plain DeleteBucket is refused: S3's "empty" counts versions and markers too.
    let refused = delete_empty_bucket(&connection, &name("versioned")).await;
    match refused {
        Err(BucketError::NotEmpty { what, .. }) => assert_eq!(
            what,
            "8 object versions, 2 delete markers and 1 unfinished upload"
        ),
        other => panic!("{other:?}"),
    }
    let control = TransferControl::default();
    let counted = count_contents(&connection, &name("versioned"), &control)
        .await
        .unwrap();
    assert_eq!(
        (counted.versions, counted.delete_markers, counted.uploads),
        (8, 2, 1)
    );
    let removed = empty_and_delete(&connection, &name("versioned"), &control, None, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(removed.total(), 11, "{removed:?}");
    assert!(!bucket_exists(&connection, "versioned").await);
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn properties_versioning_and_an_added_cors_rule_on_moto() {
    let Some(moto) = common::moto::Moto::start() else {
        eprintln!("moto is not installed; skipped");
        return;
    };
    let connection = moto.connection();
    let client = connection.client();
    let outcome = create_bucket(&connection, &new_bucket("settings"))
        .await
        .unwrap();
    assert_eq!(outcome, PublicAccess::Blocked);
    let bucket = name("settings");
    let properties = bucket_properties(&connection, &bucket).await.unwrap();
    assert_eq!(properties.region, Setting::Set("us-east-1".into()));
    assert_eq!(properties.versioning, Setting::Set(Versioning::Never));
    match &properties.public_access {
        Setting::Set(block) => assert!(block.all_on(), "{block:?}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(properties.cors, Setting::NotSet);

    set_versioning(&connection, &bucket, true).await.unwrap();
    let on = bucket_properties(&connection, &bucket).await.unwrap();
    assert_eq!(on.versioning, Setting::Set(Versioning::On));
    set_versioning(&connection, &bucket, false).await.unwrap();
    let suspended = bucket_properties(&connection, &bucket).await.unwrap();
    assert_eq!(suspended.versioning, Setting::Set(Versioning::Suspended));

    client
        .put_bucket_encryption()
        .bucket("settings")
        .server_side_encryption_configuration(
            ServerSideEncryptionConfiguration::builder()
                .rules(
                    ServerSideEncryptionRule::builder()
                        .apply_server_side_encryption_by_default(
                            ServerSideEncryptionByDefault::builder()
                                .sse_algorithm(ServerSideEncryption::AwsKms)
                                .kms_master_key_id("arn:aws:kms:us-east-1:1:key/k")
                                .build()
                                .unwrap(),
                        )
                        .build(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let encrypted = bucket_properties(&connection, &bucket).await.unwrap();
    match &encrypted.encryption {
        Setting::Set(rules) => {
            assert_eq!(rules[0].algorithm, "aws:kms");
            assert_eq!(
                rules[0].kms_key.as_deref(),
                Some("arn:aws:kms:us-east-1:1:key/k")
            );
        }
        other => panic!("{other:?}"),
    }

    // A rule the bucket had is kept when Pail adds one for uploads.
    client
        .put_bucket_cors()
        .bucket("settings")
        .cors_configuration(
            aws_sdk_s3::types::CorsConfiguration::builder()
                .cors_rules(
                    aws_sdk_s3::types::CorsRule::builder()
                        .allowed_origins("https://site.example")
                        .allowed_methods("GET")
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let post = BrowserRequest {
        origin: "https://intranet.example".into(),
        method: "POST".into(),
        headers: vec![],
    };
    let before = get_cors(&connection, &bucket).await.unwrap();
    assert!(first_allowing(&before, &post).is_none());
    let after = allow_uploads_from(&connection, &bucket, &post)
        .await
        .unwrap();
    let stored = get_cors(&connection, &bucket).await.unwrap();
    assert_eq!(after, stored);
    assert_eq!(stored.len(), 2, "{stored:?}");
    assert_eq!(stored[0].allowed_origins, ["https://site.example"]);
    assert!(first_allowing(&stored, &post).is_some());
    // Asked again, nothing is added.
    let again = allow_uploads_from(&connection, &bucket, &post)
        .await
        .unwrap();
    assert_eq!(again.len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn properties_of_a_server_without_the_settings_say_so_each() {
    let server = server_with_bucket("plain");
    let properties = bucket_properties(&server.connection(), &name("plain"))
        .await
        .unwrap();
    assert_eq!(properties.region, Setting::Set("us-east-1".into()));
    for unknown in [
        format!("{:?}", properties.versioning),
        format!("{:?}", properties.encryption),
        format!("{:?}", properties.public_access),
        format!("{:?}", properties.cors),
    ] {
        assert!(unknown.contains("does not support"), "{unknown}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_marker_handed_out_twice_stops_the_count_instead_of_going_round() {
    // Every page says more follow, after the same key: a listing that never ends.
    let server = HostileServer::start(|_| Answer::Xml(200, versions_page(&["a"], Some("a")))).await;
    let counted = count_contents(
        &lying_connection(&server),
        &name("bucket"),
        &TransferControl::default(),
    )
    .await;
    match counted {
        Err(e @ BucketError::Untrusted { .. }) => {
            assert!(e.to_string().contains("came back a second time"), "{e}")
        }
        other => panic!("{other:?}"),
    }
    assert!(server.requests().len() <= 3, "{:?}", server.requests());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_batch_delete_the_server_fails_is_done_one_by_one_and_the_bucket_only_then() {
    // The versions go as they are deleted one by one: the look before DeleteBucket sees none.
    let removed_one = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let seen = removed_one.clone();
    let server = HostileServer::start(move |line| {
        if line.starts_with("GET /bucket?versions") || line.starts_with("GET /bucket/?versions") {
            match seen.load(std::sync::atomic::Ordering::SeqCst) {
                false => Answer::Xml(200, versions_page(&["a b.txt", "c+d.txt"], None)),
                true => Answer::Xml(200, versions_page(&[], None)),
            }
        } else if line.contains("uploads") {
            Answer::Xml(200, NO_UPLOADS.into())
        } else if line.starts_with("POST") {
            Answer::Xml(500, "<Error><Code>InternalError</Code></Error>".into())
        } else if line.starts_with("DELETE") {
            seen.store(true, std::sync::atomic::Ordering::SeqCst);
            Answer::Body {
                status: 204,
                content_type: "text/plain",
                body: Vec::new(),
            }
        } else {
            Answer::Xml(400, "<Error><Code>Unexpected</Code></Error>".into())
        }
    })
    .await;
    let removed = empty_and_delete(
        &lying_connection(&server),
        &name("bucket"),
        &TransferControl::default(),
        None,
        &mut |_| {},
    )
    .await
    .unwrap();
    assert_eq!(removed.versions, 2);
    let deletes: Vec<String> = server
        .requests()
        .into_iter()
        .filter(|r| r.starts_with("DELETE"))
        .collect();
    assert_eq!(deletes.len(), 3, "{deletes:?}");
    assert!(deletes[0].contains("versionId=v1") && deletes[1].contains("versionId=v1"));
    assert!(
        is_bucket_delete(&deletes[2]),
        "the bucket last: {deletes:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_upload_listing_that_is_not_one_stops_the_deletion_before_the_bucket_goes() {
    let server = HostileServer::start(|line| {
        if line.contains("versions") {
            Answer::Xml(200, versions_page(&[], None))
        } else {
            // ListMultipartUploads answered with a login page.
            Lie::HtmlPage.answer(line)
        }
    })
    .await;
    let emptied = empty_and_delete(
        &lying_connection(&server),
        &name("bucket"),
        &TransferControl::default(),
        None,
        &mut |_| {},
    )
    .await;
    assert!(
        matches!(
            emptied,
            Err(BucketError::Untrusted {
                request: "ListMultipartUploads",
                ..
            })
        ),
        "{emptied:?}"
    );
    assert!(!server.requests().iter().any(|r| r.starts_with("DELETE")));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_big_bucket_is_refused_after_one_page_not_listed_whole() {
    let server = server_with_bucket("big");
    for i in 0..1001 {
        std::fs::write(server.root().join(format!("big/{i:04}.txt")), b"x").unwrap();
    }
    let refused = delete_empty_bucket(&server.connection(), &name("big")).await;
    match refused {
        Err(BucketError::NotEmpty { what, .. }) => {
            assert!(what.starts_with("at least 1,000 objects,"), "{what}")
        }
        other => panic!("{other:?}"),
    }
    let counted = count_contents(
        &server.connection(),
        &name("big"),
        &TransferControl::default(),
    )
    .await
    .unwrap();
    assert_eq!((counted.versions, counted.partial), (1001, false));
}
