//! The link doctor's reasons, produced for real against a signature-checking S3 server on
//! loopback: a working link, then the object changed, deleted, the link expired, the keys
//! rotated. (An ended session, `ExpiredToken`, needs STS, which the local server has not: its
//! wording is covered by the unit tests of `share::link_doctor`.)

use crate::common;

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use common::{put_object, server_with_bucket};
use pail::model::{BucketName, Endpoint, ObjectKey};
use pail::share::link_doctor::{Diagnosis, SharedAs, diagnose};
use pail::share::link_test::test_get_link;
use pail::share::{Expiry, GetOptions, Signer, SignerConfig};

const BUCKET: &str = "doctor";

async fn check(url: &str, shared: &SharedAs) -> Diagnosis {
    let answer = test_get_link(url).await;
    diagnose(url, shared, &answer, SystemTime::now())
}

#[tokio::test(flavor = "multi_thread")]
async fn each_reason_is_found_by_really_breaking_the_link() {
    let server = server_with_bucket(BUCKET);
    put_object(&server, BUCKET, "report.pdf", b"first version").await;
    let connection = server.connection();
    let bucket = BucketName::new(BUCKET).unwrap();
    let key = ObjectKey::new("report.pdf").unwrap();
    let signer = connection.signer_for(&bucket).await.unwrap().signer;
    let link = signer
        .presign_get(
            &bucket,
            &key,
            &GetOptions::default(),
            Expiry::In(Duration::from_secs(3600)),
            SystemTime::now(),
        )
        .await
        .unwrap();
    let etag = pail::testing::s3::objects::object_properties(&connection, &bucket, &key)
        .await
        .unwrap()
        .etag
        .map(|e| e.trim_matches('"').to_owned());
    let shared = SharedAs {
        expires: link.effective_expiry.at,
        etag,
    };
    // It works; a PDF stored without its type also downloads instead of opening (issue 26).
    let working = check(&link.url, &shared).await;
    assert!(matches!(working, Diagnosis::WillDownload(_)), "{working:?}");
    assert!(working.is_working());

    put_object(&server, BUCKET, "report.pdf", b"second, different version").await;
    assert_eq!(check(&link.url, &shared).await, Diagnosis::Changed);

    connection
        .client()
        .delete_object()
        .bucket(BUCKET)
        .key("report.pdf")
        .send()
        .await
        .unwrap();
    assert_eq!(check(&link.url, &shared).await, Diagnosis::Deleted);

    // Expired: a link of 1 second, tried after it.
    put_object(&server, BUCKET, "report.pdf", b"back").await;
    let short = signer
        .presign_get(
            &bucket,
            &key,
            &GetOptions::default(),
            Expiry::In(Duration::from_secs(1)),
            SystemTime::now(),
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let expired = check(
        &short.url,
        &SharedAs {
            expires: short.effective_expiry.at,
            etag: None,
        },
    )
    .await;
    assert!(matches!(expired, Diagnosis::Expired { .. }), "{expired}");

    // Keys rotated: a link signed with a secret the server no longer has.
    let rotated = Signer::new(SignerConfig {
        credentials: Credentials::new(common::ACCESS_KEY, "an-old-secret", None, None, "test"),
        region: "us-east-1".into(),
        endpoint: Endpoint::custom(&server.endpoint_url()).unwrap(),
        path_style: true,
    });
    let stale = rotated
        .presign_get(
            &bucket,
            &key,
            &GetOptions::default(),
            Expiry::In(Duration::from_secs(600)),
            SystemTime::now(),
        )
        .await
        .unwrap();
    let said = check(
        &stale.url,
        &SharedAs {
            expires: stale.effective_expiry.at,
            etag: None,
        },
    )
    .await;
    assert!(matches!(said, Diagnosis::KeysRotated { .. }), "{said}");
    assert!(said.to_string().contains("rotated"), "{said}");
}
