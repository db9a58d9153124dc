//! An S3 server mounted under a path (`http://127.0.0.1:PORT/storage/s3`): moto behind a
//! loopback proxy that strips the prefix and answers 404 to anything outside it. Listings (a
//! folder over several pages), uploads and downloads (one request and multipart), copies on
//! the server and across endpoints, deletes, GET and PUT links, a POST form, and a folder
//! share's page all go through it. moto checks no signature: the signatures are proved against
//! botocore in `signing_vectors.rs`; here what is proved is that every request and link names
//! the path.

use crate::common;

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use common::moto::Moto;
use common::pattern;
use common::prefix_proxy::PrefixProxy;
use pail::model::{BucketName, Endpoint, ObjectKey};
use pail::s3::connection::Connection;
use pail::share::{BulkSigner, Expiry, GetOptions, PutOptions, Signer, SignerConfig};
use pail::testing::local_time::TimeZone;
use pail::testing::s3::copy_across::copy_between;
use pail::testing::s3::download::download_object;
use pail::testing::s3::folder_share::{folder_objects, share_folder};
use pail::testing::s3::list::{Depth, PageRequest, list_buckets, list_page_from};
use pail::testing::s3::objects::{copy_object, delete_keys};
use pail::testing::s3::transfer::TransferControl;
use pail::testing::s3::upload::upload_file;

pub(crate) const PREFIX: &str = "/storage/s3";

/// Keys that need encoding, under one folder, in S3's (byte) order.
const KEYS: &[&str] = &[
    "many/a b.txt",
    "many/c+d~e%f.txt",
    "many/q?a#b&c=d.bin",
    "many/z.txt",
    "many/ünï 🎉.txt",
];

fn keys() -> Credentials {
    Credentials::new("MOTOKEY", "moto-secret", None, None, "test")
}

/// A connection to moto through `proxy`'s path, as a profile with that endpoint opens one.
pub(crate) fn connection_under_path(proxy: &PrefixProxy) -> Connection {
    let endpoint = Endpoint::custom(&proxy.endpoint_url()).unwrap();
    assert_eq!(endpoint.base_path(), "/storage/s3/");
    Connection::with_static_credentials(keys(), "us-east-1", endpoint, true)
}

/// An object's bytes as moto holds them, read directly (not through the path).
pub(crate) async fn body_on_moto(moto: &Moto, bucket: &str, key: &str) -> Vec<u8> {
    let answer = moto
        .connection()
        .client()
        .get_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{key}: {e:?}"));
    answer.body.collect().await.unwrap().to_vec()
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn a_connection_under_a_path_lists_moves_copies_and_deletes() {
    let Some(moto) = Moto::start() else {
        eprintln!("moto is not installed; skipped");
        return;
    };
    let proxy = PrefixProxy::start(moto.endpoint_url(), PREFIX).await;
    let connection = connection_under_path(&proxy);
    let client = connection.client();
    client.create_bucket().bucket("under").send().await.unwrap();
    for (i, key) in KEYS.iter().enumerate() {
        client
            .put_object()
            .bucket("under")
            .key(*key)
            .body(format!("body {i}").into_bytes().into())
            .send()
            .await
            .unwrap();
    }
    assert_eq!(body_on_moto(&moto, "under", KEYS[4]).await, b"body 4");
    let bucket = BucketName::new("under").unwrap();

    let buckets = list_buckets(&connection).await.unwrap();
    assert!(buckets.iter().any(|b| b.name == "under"), "{buckets:?}");

    // The folder, two keys a page: three pages, each asked for through the path.
    let (mut names, mut pages, mut token) = (Vec::new(), 0, None);
    loop {
        let request = PageRequest {
            token: token.take(),
            start_after: None,
            max_keys: 2,
        };
        let page = list_page_from(&connection, &bucket, "many/", Depth::OneLevel, request)
            .await
            .unwrap();
        pages += 1;
        names.extend(page.objects.iter().map(|o| o.name.to_string()));
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    assert_eq!(pages, 3);
    let expected: Vec<String> = KEYS
        .iter()
        .map(|k| k.trim_start_matches("many/").to_owned())
        .collect();
    assert_eq!(names, expected);

    // Uploads: one request, and multipart (17 MiB: three parts); downloads of both.
    let dir = tempfile::tempdir().unwrap();
    let control = TransferControl::default();
    for (key, len) in [("up/small ü.txt", 1000), ("up/big + clip.bin", 17 << 20)] {
        let data = pattern(len);
        let local = dir.path().join("local");
        std::fs::write(&local, &data).unwrap();
        let key = ObjectKey::new(key).unwrap();
        upload_file(&connection, &bucket, &key, &local, &control)
            .await
            .unwrap_or_else(|e| panic!("upload {key}: {e}"));
        assert!(
            body_on_moto(&moto, "under", key.as_str()).await == data,
            "{key} on the server"
        );
        let back = dir.path().join("back");
        download_object(&connection, &bucket, &key, &back, &control)
            .await
            .unwrap_or_else(|e| panic!("download {key}: {e}"));
        assert!(std::fs::read(&back).unwrap() == data, "{key} downloaded");
    }

    // A copy on the server, and one across endpoints (the same moto, named without the path).
    let (from, on_server, across) = (
        ObjectKey::new(KEYS[1]).unwrap(),
        ObjectKey::new("copies/on server.txt").unwrap(),
        ObjectKey::new("copies/across.txt").unwrap(),
    );
    copy_object(&connection, &bucket, &from, &bucket, &on_server, false)
        .await
        .unwrap();
    assert_eq!(
        body_on_moto(&moto, "under", on_server.as_str()).await,
        b"body 1"
    );
    let direct = moto.connection();
    copy_between(
        (&connection, &bucket, &from),
        (&direct, &bucket, &across),
        false,
        &control,
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        body_on_moto(&moto, "under", across.as_str()).await,
        b"body 1"
    );

    let gone: Vec<String> = KEYS.iter().map(|k| (*k).to_owned()).collect();
    let report = delete_keys(&connection, &bucket, &gone).await.unwrap();
    assert!(report.failures.is_empty(), "{report:?}");
    let left = list_page_from(
        &connection,
        &bucket,
        "many/",
        Depth::OneLevel,
        PageRequest {
            token: None,
            start_after: None,
            max_keys: 1000,
        },
    )
    .await
    .unwrap();
    assert!(left.objects.is_empty(), "{:?}", left.objects);

    assert_eq!(
        proxy.strays(),
        Vec::<String>::new(),
        "requests outside the path"
    );
    assert!(
        proxy
            .forwarded()
            .iter()
            .all(|line| line.contains(" /storage/s3/"))
    );
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn links_for_an_endpoint_under_a_path_serve_and_store_through_it() {
    let Some(moto) = Moto::start() else {
        eprintln!("moto is not installed; skipped");
        return;
    };
    let proxy = PrefixProxy::start(moto.endpoint_url(), PREFIX).await;
    moto.bucket_with("links", [("dir/a b+ü.txt", &b"served bytes"[..])])
        .await;
    let bucket = BucketName::new("links").unwrap();
    let now = SystemTime::now();
    let expiry = Expiry::In(Duration::from_secs(600));
    let http = common::http();
    // Both spellings of the endpoint, path-style and virtual-hosted (an IP host is addressed
    // path-style either way, as botocore does).
    for (endpoint, path_style) in [
        (proxy.endpoint_url(), true),
        (format!("{}/", proxy.endpoint_url()), false),
    ] {
        let signer = Signer::new(SignerConfig {
            credentials: keys(),
            region: "us-east-1".into(),
            endpoint: Endpoint::custom(&endpoint).unwrap(),
            path_style,
        });
        let key = ObjectKey::new("dir/a b+ü.txt").unwrap();
        let get = signer
            .presign_get(&bucket, &key, &GetOptions::default(), expiry, now)
            .await
            .unwrap();
        assert!(get.url.contains("/storage/s3/links/dir/"), "{}", get.url);
        let answer = http.get(&get.url).send().await.unwrap();
        assert_eq!(answer.status(), 200, "{}", get.url);
        assert_eq!(answer.bytes().await.unwrap(), &b"served bytes"[..]);

        let bulk = BulkSigner::new(&signer, &bucket, None, expiry, now)
            .await
            .unwrap();
        let many = bulk.get(&key, &GetOptions::default()).unwrap();
        assert_eq!(many.url, get.url);

        let put_key = ObjectKey::new(format!("uploaded {path_style}/ü~%.bin")).unwrap();
        let put = signer
            .presign_put(&bucket, &put_key, &PutOptions::default(), expiry, now)
            .await
            .unwrap();
        let data = pattern(70_000);
        let answer = http.put(&put.url).body(data.clone()).send().await.unwrap();
        assert_eq!(answer.status(), 200, "{}", put.url);
        assert!(body_on_moto(&moto, "links", put_key.as_str()).await == data);

        // A browser upload form (POST), sent to the bucket's URL under the path.
        let request = pail::share::PostRequest::new(
            bucket.clone(),
            pail::share::KeyRule::Exact(ObjectKey::new(format!("form {path_style}.bin")).unwrap()),
        );
        let form = signer.presign_post(&request, now).await.unwrap();
        assert!(form.url.ends_with("/storage/s3/links/"), "{}", form.url);
        let mut multipart = reqwest::multipart::Form::new();
        for (name, value) in &form.fields {
            multipart = multipart.text(name.clone(), value.clone());
        }
        let file = reqwest::multipart::Part::bytes(b"posted".to_vec()).file_name("f.bin");
        let answer = http
            .post(&form.url)
            .multipart(multipart.part("file", file))
            .send()
            .await
            .unwrap();
        assert!(answer.status().is_success(), "{}", answer.status());
        assert_eq!(
            body_on_moto(&moto, "links", &format!("form {path_style}.bin")).await,
            b"posted"
        );

        // Test link, as the dialog runs it: the first byte, through the path.
        let tested = pail::share::link_test::test_get_link(&get.url)
            .await
            .unwrap();
        assert_eq!(tested.status, 206, "{tested:?}");
    }
    assert_eq!(
        proxy.strays(),
        Vec::<String>::new(),
        "requests outside the path"
    );
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn a_folder_share_under_a_path_serves_its_page_and_links() {
    let Some(moto) = Moto::start() else {
        eprintln!("moto is not installed; skipped");
        return;
    };
    let proxy = PrefixProxy::start(moto.endpoint_url(), PREFIX).await;
    moto.bucket_with(
        "shared",
        [
            ("reports/one two.txt", &b"first"[..]),
            ("reports/deeper/ü+2.txt", &b"second"[..]),
        ],
    )
    .await;
    let connection = connection_under_path(&proxy);
    let bucket = BucketName::new("shared").unwrap();
    let objects = folder_objects(&connection, &bucket, "reports/")
        .await
        .unwrap();
    assert_eq!(objects.len(), 2);
    let share = share_folder(
        &connection,
        &bucket,
        "reports/",
        &objects,
        &bucket,
        Expiry::In(Duration::from_secs(600)),
        SystemTime::now(),
        &TimeZone::UTC,
    )
    .await
    .unwrap();
    assert!(
        share.page_url.contains("/storage/s3/shared/.pail-shares/"),
        "{}",
        share.page_url
    );
    let http = common::http();
    let page = http.get(&share.page_url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    for (entry, body) in share.entries.iter().zip([&b"second"[..], &b"first"[..]]) {
        assert!(html.contains(&entry.url.replace('&', "&amp;")), "{html}");
        let answer = http.get(&entry.url).send().await.unwrap();
        assert_eq!(answer.status(), 200, "{}", entry.key);
        assert_eq!(answer.bytes().await.unwrap(), body, "{}", entry.key);
    }
    assert_eq!(
        proxy.strays(),
        Vec::<String>::new(),
        "requests outside the path"
    );
}
