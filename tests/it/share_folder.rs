//! A folder shared as one link, against a real, signature-checking S3 server on loopback: the
//! page is fetched, every link on it followed, Revoke deletes the page, and the CLI does the
//! same with `pail share`.

use crate::common;

use std::time::{Duration, SystemTime};

use common::{AWKWARD_KEYS, http, put_object, server_with_bucket};
use pail::model::BucketName;
use pail::share::Expiry;
use pail::testing::local_time::TimeZone;
use pail::testing::s3::folder_share::{folder_objects, revoke_page, share_folder};

const BUCKET: &str = "team";

/// The hrefs of an index page, unescaped.
fn hrefs(html: &str) -> Vec<String> {
    html.split("<a href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|href| {
            href.replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&")
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_folder_shared_as_one_page_gives_every_object_and_revoke_deletes_the_page() {
    let server = server_with_bucket(BUCKET);
    for (i, key) in AWKWARD_KEYS.iter().enumerate() {
        put_object(
            &server,
            BUCKET,
            &format!("reports/2026/{key}"),
            format!("body {i}").as_bytes(),
        )
        .await;
    }
    put_object(&server, BUCKET, "reports/2026/", b"").await;
    put_object(&server, BUCKET, "elsewhere.txt", b"not shared").await;
    let connection = server.connection();
    let bucket = BucketName::new(BUCKET).unwrap();
    let objects = folder_objects(&connection, &bucket, "reports/2026/")
        .await
        .unwrap();
    assert_eq!(objects.len(), AWKWARD_KEYS.len(), "folder markers left out");
    let now = SystemTime::now();
    let share = share_folder(
        &connection,
        &bucket,
        "reports/2026/",
        &objects,
        &bucket,
        Expiry::In(Duration::from_secs(3600)),
        now,
        &TimeZone::UTC,
    )
    .await
    .unwrap();
    assert!(share.page_key.as_str().starts_with(".pail-shares/"));
    assert!(share.entries.iter().all(|e| e.expires <= share.expires));

    let client = http();
    let page = client.get(&share.page_url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = page.text().await.unwrap();
    assert!(html.contains("These links expire on"), "{html}");
    assert!(html.contains("UTC"));
    let links = hrefs(&html);
    assert_eq!(links.len(), AWKWARD_KEYS.len());
    for (link, entry) in links.iter().zip(&share.entries) {
        let answer = client.get(link).send().await.unwrap();
        assert_eq!(answer.status(), 200, "{}", entry.key);
        let i = AWKWARD_KEYS
            .iter()
            .position(|k| entry.key == format!("reports/2026/{k}"))
            .unwrap();
        assert_eq!(
            answer.bytes().await.unwrap(),
            format!("body {i}").as_bytes()
        );
    }
    // A second share of the same folder does not list the first one's page.
    let again = folder_objects(&connection, &bucket, "").await.unwrap();
    assert!(
        again
            .iter()
            .all(|o| !o.key.as_str().starts_with(".pail-shares/"))
    );

    revoke_page(&connection, &bucket, &share.page_key)
        .await
        .unwrap();
    let gone = client.get(&share.page_url).send().await.unwrap();
    assert!(
        matches!(gone.status().as_u16(), 403 | 404),
        "{}",
        gone.status()
    );
    // Honest about what Revoke cannot do: a link copied from the page still works.
    assert_eq!(client.get(&links[0]).send().await.unwrap().status(), 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_empty_folder_is_not_shared() {
    let server = server_with_bucket(BUCKET);
    let connection = server.connection();
    let bucket = BucketName::new(BUCKET).unwrap();
    let error = share_folder(
        &connection,
        &bucket,
        "nothing/",
        &[],
        &bucket,
        Expiry::In(Duration::from_secs(60)),
        SystemTime::now(),
        &TimeZone::UTC,
    )
    .await
    .unwrap_err();
    assert!(error.to_string().contains("holds no objects"), "{error}");
}
