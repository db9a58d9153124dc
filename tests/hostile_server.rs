//! A server that misbehaves — a continuation token handed out twice, sizes near the top of
//! the range, a folder name without its `/`, an endless error document, `start-after`
//! ignored — must not make Pail loop, panic, read without end, or list a key twice.

mod common;

use std::time::Duration;

use common::hostile::{Answer, HostileServer};
use pail::model::BucketName;
use pail::model::Endpoint;
use pail::s3::connection::Connection;

const LOOPING_PAGE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult><Name>bucket</Name><Prefix></Prefix><KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys>
<IsTruncated>true</IsTruncated><NextContinuationToken>same-token</NextContinuationToken>
<Contents><Key>huge.bin</Key><Size>9223372036854775807</Size><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>"e"</ETag></Contents>
<CommonPrefixes><Prefix>日本</Prefix></CommonPrefixes>
</ListBucketResult>"#;

async fn looping_server() -> HostileServer {
    HostileServer::start(|line| {
        if line.contains("link-test") {
            Answer::Endless(403)
        } else {
            Answer::Xml(200, LOOPING_PAGE.to_owned())
        }
    })
    .await
}

fn connection(server: &HostileServer) -> Connection {
    Connection::with_static_credentials(
        aws_credential_types::Credentials::new("AK", "SK", None, None, "test"),
        "us-east-1",
        Endpoint::custom(&server.endpoint_url()).unwrap(),
        true,
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_repeated_continuation_token_stops_the_listing() {
    let server = looping_server().await;
    let connection = connection(&server);
    let bucket = BucketName::new("bucket").unwrap();
    let listed = tokio::time::timeout(
        Duration::from_secs(20),
        pail::s3::list::list_keys_under(&connection, &bucket, ""),
    )
    .await
    .expect("the listing must end");
    let error = listed.unwrap_err().to_string();
    assert!(error.contains("same continuation token"), "{error}");

    let deleted = tokio::time::timeout(
        Duration::from_secs(20),
        pail::s3::objects::delete_prefix(&connection, &bucket, "x/"),
    )
    .await
    .expect("a folder delete must end");
    assert!(deleted.is_err());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_page_with_odd_folders_and_huge_sizes_is_shown_without_panic() {
    let server = looping_server().await;
    let connection = connection(&server);
    let bucket = BucketName::new("bucket").unwrap();
    let page = pail::s3::list::list_folder_page(&connection, &bucket, "", None)
        .await
        .unwrap();
    let mut state = pail::app::state::AppState::new(vec![pail::profiles::Profile::fixed(
        "hostile",
        pail::profiles::ProfileSource::Demo,
        aws_credential_types::Credentials::new("AK", "SK", None, None, "test"),
        Endpoint::custom(&server.endpoint_url()).unwrap(),
        "us-east-1",
    )]);
    let commands = state.open_bucket(bucket.clone());
    let Some(pail::worker::Command::ListFolder { id, .. }) = commands.last().cloned() else {
        panic!("{commands:?}");
    };
    for _ in 0..3 {
        state.apply(pail::worker::Event::Browse(
            pail::worker::BrowseEvent::FolderPage {
                id,
                page: page.clone(),
                done: false,
            },
        ));
    }
    assert_eq!(
        state.listing.total_size(),
        u64::MAX,
        "saturates, no overflow"
    );
    // Into the folder whose name lacks its `/`, and back up.
    let folder = state
        .listing
        .rows()
        .iter()
        .find(|r| r.is_folder)
        .map(|r| r.name.to_string())
        .expect("the odd folder is listed");
    state.open_folder(&folder);
    state.go_up();
    assert_eq!(state.location.as_ref().unwrap().prefix, "");
}

#[tokio::test(flavor = "multi_thread")]
async fn test_link_reads_a_bounded_part_of_an_endless_error() {
    let server = looping_server().await;
    let url = format!("{}/bucket/link-test", server.endpoint_url());
    let result = tokio::time::timeout(
        Duration::from_secs(15),
        pail::share::link_test::test_get_link(&url),
    )
    .await
    .expect("Test link must not read for ever");
    let error = result.unwrap_err();
    assert!(
        matches!(
            error,
            pail::share::link_test::LinkTestError::Refused { status: 403, .. }
        ),
        "{error}"
    );
}

/// A page of `k00000`… keys: the page a continuation token `p<n>` names, or the first page for
/// any request without one — a server that ignores `start-after` (and `max-keys`).
fn page_ignoring_start_after(line: &str, pages: usize) -> String {
    let page: usize = line
        .split(['?', '&', ' '])
        .find_map(|param| param.strip_prefix("continuation-token=p"))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>bucket</Name><Prefix>big/</Prefix><Delimiter>/</Delimiter><MaxKeys>1000</MaxKeys>"#,
    );
    let more = page + 1 < pages;
    xml.push_str(&format!("<IsTruncated>{more}</IsTruncated>"));
    if more {
        xml.push_str(&format!(
            "<NextContinuationToken>p{}</NextContinuationToken>",
            page + 1
        ));
    }
    for i in page * 1000..(page + 1) * 1000 {
        xml.push_str(&format!(
            "<Contents><Key>big/k{i:05}</Key><Size>1</Size><LastModified>2026-01-01T00:00:00.000Z</LastModified></Contents>"
        ));
    }
    xml.push_str("</ListBucketResult>");
    xml
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_ignoring_start_after_is_listed_page_after_page_every_key_once() {
    const PAGES: usize = 7;
    let server =
        HostileServer::start(|line| Answer::Xml(200, page_ignoring_start_after(line, PAGES))).await;
    let connection = connection(&server);
    let bucket = BucketName::new("bucket").unwrap();
    for depth in [pail::s3::list::Depth::OneLevel, pail::s3::list::Depth::Tree] {
        let mut names = Vec::new();
        let mut dones = Vec::new();
        let listed = tokio::time::timeout(
            Duration::from_secs(30),
            pail::s3::list_fanout::list_fanned_after(
                &connection,
                &bucket,
                "big/",
                depth,
                2,
                |page, done| {
                    names.extend(page.objects.into_iter().map(|o| o.name.to_string()));
                    dones.push(done);
                    true
                },
            ),
        )
        .await
        .expect("the listing must end");
        listed.unwrap();
        let expected: Vec<String> = (0..PAGES * 1000).map(|i| format!("k{i:05}")).collect();
        assert_eq!(names, expected, "{depth:?}");
        assert_eq!(dones.iter().filter(|d| **d).count(), 1);
        assert_eq!(dones.last(), Some(&true));
    }
}
