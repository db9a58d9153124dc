//! Listing buckets and folders against the local S3 server, and the readable errors for the
//! ways a listing fails: wrong secret, missing bucket, nobody listening, a server that hangs.

use crate::common;

use std::time::{Duration, Instant};

use aws_credential_types::Credentials;
use common::{ACCESS_KEY, SECRET_KEY, put_object, server_with_bucket};
use pail::model::BucketName;
use pail::model::Endpoint;
use pail::s3::connection::Connection;
use pail::testing::s3::list::{BrowseError, list_buckets, list_folder_page};

fn bucket(name: &str) -> BucketName {
    BucketName::new(name).unwrap()
}

fn connection_to(endpoint: &str, secret: &str) -> Connection {
    Connection::with_static_credentials(
        Credentials::new(ACCESS_KEY, secret, None, None, "test"),
        "us-east-1",
        Endpoint::custom(endpoint).unwrap(),
        true,
    )
}

#[tokio::test]
async fn lists_buckets_and_a_folder_with_awkward_names() {
    let server = server_with_bucket("browse-a");
    server.create_bucket("browse-b").unwrap();
    for key in [
        "top.txt",
        "dir one/inner.txt",
        "dir one/deeper/x.txt",
        "ünï/a+b.txt",
        "dir one/100% real.txt",
    ] {
        put_object(&server, "browse-a", key, b"12345").await;
    }
    let connection = server.connection();
    let buckets = list_buckets(&connection).await.unwrap();
    let names: Vec<&str> = buckets.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(names, ["browse-a", "browse-b"]);

    let top = list_folder_page(&connection, &bucket("browse-a"), "", None)
        .await
        .unwrap();
    let folders: Vec<&str> = top.folders.iter().map(|f| &**f).collect();
    assert_eq!(folders, ["dir one/", "ünï/"]);
    assert_eq!(top.objects.len(), 1);
    assert_eq!(&*top.objects[0].name, "top.txt");
    assert_eq!(top.objects[0].size, 5);
    assert!(top.objects[0].last_modified > 1_700_000_000);
    assert_eq!(top.next_token, None);

    let inner = list_folder_page(&connection, &bucket("browse-a"), "dir one/", None)
        .await
        .unwrap();
    let folders: Vec<&str> = inner.folders.iter().map(|f| &**f).collect();
    assert_eq!(folders, ["deeper/"]);
    let objects: Vec<&str> = inner.objects.iter().map(|o| &*o.name).collect();
    assert_eq!(objects, ["100% real.txt", "inner.txt"]);
}

#[tokio::test]
async fn pages_of_a_thousand_with_continuation() {
    let server = server_with_bucket("paged");
    let folder = server.root().join("paged/many");
    std::fs::create_dir_all(&folder).unwrap();
    for i in 0..2500 {
        std::fs::write(folder.join(format!("k{i:04}")), b"x").unwrap();
    }
    let connection = server.connection();
    let mut token = None;
    let mut sizes = Vec::new();
    loop {
        let page = list_folder_page(&connection, &bucket("paged"), "many/", token)
            .await
            .unwrap();
        sizes.push(page.objects.len());
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    assert_eq!(sizes, [1000, 1000, 500]);
}

#[tokio::test]
async fn wrong_secret_is_a_credentials_error() {
    let server = server_with_bucket("secured");
    let connection = connection_to(&server.endpoint_url(), "wrong-secret");
    let error = list_buckets(&connection).await.unwrap_err();
    assert!(
        matches!(&error, BrowseError::BadCredentials { code, .. } if code == "SignatureDoesNotMatch"),
        "{error:?}"
    );
    assert!(error.to_string().contains("SignatureDoesNotMatch"));
}

#[tokio::test]
async fn missing_bucket_is_named() {
    let server = server_with_bucket("exists");
    let error = list_folder_page(&server.connection(), &bucket("does-not-exist"), "", None)
        .await
        .unwrap_err();
    assert_eq!(error, BrowseError::NoSuchBucket("does-not-exist".into()));
    assert_eq!(error.to_string(), "bucket `does-not-exist` does not exist");
}

#[tokio::test]
async fn nobody_listening_is_unreachable() {
    // Bind, learn a free port, and close it again: connections there are refused.
    let port = std::net::TcpListener::bind(("127.0.0.1", 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let endpoint = format!("http://127.0.0.1:{port}");
    let connection =
        connection_to(&endpoint, SECRET_KEY).with_request_timeout(Duration::from_secs(5));
    let error = list_buckets(&connection).await.unwrap_err();
    let BrowseError::Unreachable {
        endpoint: named,
        reason,
    } = &error
    else {
        panic!("{error:?}");
    };
    assert_eq!(named, &endpoint);
    assert!(reason.to_lowercase().contains("refused"), "{reason}");
}

#[tokio::test]
async fn a_hanging_server_times_out() {
    // Accepts connections and never answers.
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let held = tokio::spawn(async move {
        let mut sockets = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            sockets.push(socket);
        }
    });
    let connection =
        connection_to(&endpoint, SECRET_KEY).with_request_timeout(Duration::from_secs(2));
    let started = Instant::now();
    let error = list_folder_page(&connection, &bucket("hangs"), "", None)
        .await
        .unwrap_err();
    assert!(matches!(error, BrowseError::TimedOut(_)), "{error:?}");
    assert!(error.to_string().contains("did not answer in time"));
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    held.abort();
}

/// What the SDK's own decoder makes of a folder: (name, size, modified, class) and folders.
async fn listed_by_the_sdk(
    connection: &Connection,
    bucket: &str,
    prefix: &str,
) -> (Vec<(String, u64, i64, String)>, Vec<String>) {
    let output = connection
        .client()
        .list_objects_v2()
        .bucket(bucket)
        .prefix(prefix)
        .delimiter("/")
        .send()
        .await
        .unwrap();
    let objects = output
        .contents()
        .iter()
        .filter(|o| o.key() != Some(prefix))
        .map(|o| {
            (
                o.key().unwrap()[prefix.len()..].to_owned(),
                o.size().unwrap() as u64,
                o.last_modified().unwrap().secs(),
                o.storage_class()
                    .map(|c| c.as_str())
                    .unwrap_or("STANDARD")
                    .to_owned(),
            )
        })
        .collect();
    let folders = output
        .common_prefixes()
        .iter()
        .map(|p| p.prefix().unwrap()[prefix.len()..].to_owned())
        .collect();
    (objects, folders)
}

#[tokio::test]
async fn pails_listing_reader_agrees_with_the_sdks_decoder_on_hostile_keys() {
    let server = server_with_bucket("hostile-list");
    // s3s-fs keeps a key as a file name, and its metadata beside it under a longer name: a segment stops well short of 255 bytes there.
    // Lowercase: on Windows an uppercase letter takes two characters of the name.
    let long = "l".repeat(120);
    let keys = [
        "in/a&b<c>\"q\"'s.txt".to_owned(),
        "in/tab\there and\u{7f}del".to_owned(),
        "in/cr\rlf\nnewline".to_owned(),
        "in/..dots..".to_owned(),
        "in/back\\slash:colon".to_owned(),
        "in/$(rm -rf ~)`x`".to_owned(),
        "in/ünï 日本 😀 +~%20.txt".to_owned(),
        format!("in/{long}"),
        "in/Case".to_owned(),
        "in/case".to_owned(),
        "in/semi;colon;".to_owned(),
        "in/sub/x".to_owned(),
        "in/]]>cdata-end".to_owned(),
        "in/&amp;literally".to_owned(),
    ];
    for (i, key) in keys.iter().enumerate() {
        put_object(&server, "hostile-list", key, &vec![b'x'; i]).await;
    }
    let connection = server.connection();
    let (sdk_objects, sdk_folders) = listed_by_the_sdk(&connection, "hostile-list", "in/").await;
    assert_eq!(
        sdk_objects.len() + sdk_folders.len(),
        keys.len(),
        "{sdk_objects:?}"
    );

    let page = list_folder_page(&connection, &bucket("hostile-list"), "in/", None)
        .await
        .unwrap();
    let ours: Vec<(String, u64, i64, String)> = page
        .objects
        .iter()
        .map(|o| {
            (
                o.name.to_string(),
                o.size,
                o.last_modified,
                o.storage_class.as_str().to_owned(),
            )
        })
        .collect();
    let folders: Vec<String> = page.folders.iter().map(|f| f.to_string()).collect();
    assert_eq!(ours, sdk_objects);
    assert_eq!(folders, sdk_folders);

    // Every key, at any depth, as folder operations list them.
    let mut all =
        pail::testing::s3::list::list_all_keys(&connection, &bucket("hostile-list"), "in/")
            .await
            .unwrap();
    all.sort();
    let mut expected: Vec<(String, u64)> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k.clone(), i as u64))
        .collect();
    expected.sort();
    assert_eq!(all, expected);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_big_folder_listed_in_ranges_side_by_side_is_the_same_as_page_after_page() {
    let server = server_with_bucket("fanned");
    let mut names: Vec<String> = (0..3100).map(|i| format!("part-{i:05}.bin")).collect();
    names.extend((0..120).map(|i| format!("x{i}")));
    names.extend((0..40).map(|i| format!("é{i} ünï")));
    names.extend(
        [
            "part-010",
            "part-0100",
            "a!",
            "a~",
            "A b",
            "part-00999.bin~",
        ]
        .map(String::from),
    );
    for name in &names {
        common::write_object(&server, "fanned", &format!("big/{name}"), b"x");
    }
    // Sub-folders between and around the cuts, each listed once as a folder.
    for folder in ["part-01/", "part-005/", "x5-dir/", "zz/", "é1/"] {
        common::write_object(&server, "fanned", &format!("big/{folder}inside"), b"y");
    }
    let connection = server.connection();
    let bucket = bucket("fanned");

    let mut sequential = (Vec::new(), Vec::new());
    let mut token = None;
    loop {
        let page = list_folder_page(&connection, &bucket, "big/", token)
            .await
            .unwrap();
        sequential
            .0
            .extend(page.folders.iter().map(|f| f.to_string()));
        sequential
            .1
            .extend(page.objects.iter().map(|o| o.name.to_string()));
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    assert_eq!(sequential.1.len(), names.len());
    assert_eq!(sequential.0.len(), 5);

    let mut fanned = (Vec::new(), Vec::new());
    let mut dones = Vec::new();
    pail::testing::s3::list::list_folder_fanned_after(
        &connection,
        &bucket,
        "big/",
        3,
        |page, done| {
            fanned.0.extend(page.folders.iter().map(|f| f.to_string()));
            fanned
                .1
                .extend(page.objects.iter().map(|o| o.name.to_string()));
            dones.push(done);
            true
        },
    )
    .await
    .unwrap();
    assert_eq!(fanned, sequential);
    assert_eq!(dones.iter().filter(|d| **d).count(), 1);
    assert_eq!(dones.last(), Some(&true));
    assert!(
        dones.len() > 6,
        "more pages than one after another: {}",
        dones.len()
    );

    // Stopping early stops it.
    let mut pages = 0;
    pail::testing::s3::list::list_folder_fanned_after(&connection, &bucket, "big/", 3, |_, _| {
        pages += 1;
        pages < 4
    })
    .await
    .unwrap();
    assert_eq!(pages, 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_big_tree_listed_in_ranges_side_by_side_is_every_key_once_in_key_order() {
    use pail::testing::s3::list::{Depth, list_fanned_after};
    use pail::testing::s3::list::{PageRequest, list_all_keys, list_page_from};

    let server = server_with_bucket("tree");
    let mut keys = Vec::new();
    // Sub-folders at several depths, big ones and small ones, names cut points land inside.
    for (folder, count) in [
        ("", 40),
        ("2024/", 900),
        ("2024/q1 raw/", 700),
        ("2025/", 1300),
        ("2025/x/y/z/", 30),
        ("é/", 25),
        ("zz~/", 10),
    ] {
        for i in 0..count {
            let name = format!("{folder}part-{i:05}.bin");
            common::write_object(&server, "tree", &format!("data/{name}"), b"xy");
            keys.push(format!("data/{name}"));
        }
    }
    common::write_object(&server, "tree", "data-other", b"not under");
    keys.sort();
    let connection = server.connection();
    let bucket = bucket("tree");

    let mut sequential = Vec::new();
    let mut sequential_pages = 0;
    let mut token = None;
    loop {
        sequential_pages += 1;
        let request = PageRequest {
            token,
            start_after: None,
            max_keys: 1000,
        };
        let page = list_page_from(&connection, &bucket, "data/", Depth::TreeKeys, request)
            .await
            .unwrap();
        sequential.extend(page.objects.iter().map(|o| o.name.to_string()));
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    assert_eq!(sequential, keys);

    let mut fanned = Vec::new();
    let mut dones = Vec::new();
    list_fanned_after(
        &connection,
        &bucket,
        "data/",
        Depth::TreeKeys,
        1,
        |page, done| {
            assert!(page.folders.is_empty());
            fanned.extend(page.objects.iter().map(|o| o.name.to_string()));
            dones.push(done);
            true
        },
    )
    .await
    .unwrap();
    assert_eq!(fanned, keys);
    assert_eq!(dones.iter().filter(|d| **d).count(), 1);
    assert_eq!(dones.last(), Some(&true));
    // Ranges end at cuts, so their pages are more than one after another's.
    assert!(
        dones.len() > sequential_pages,
        "ranges side by side: {} pages against {sequential_pages}",
        dones.len()
    );

    // Names relative to the prefix (`pail ls -r`, folder shares): the same keys.
    let mut relative = Vec::new();
    list_fanned_after(&connection, &bucket, "data/", Depth::Tree, 1, |page, _| {
        relative.extend(page.objects.iter().map(|o| format!("data/{}", o.name)));
        true
    })
    .await
    .unwrap();
    assert_eq!(relative, keys);

    // What copies, downloads, deletes and folder links list: the same, with sizes.
    let all = list_all_keys(&connection, &bucket, "data/").await.unwrap();
    assert_eq!(all.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>(), keys);
    assert!(all.iter().all(|(_, size)| *size == 2));
}
