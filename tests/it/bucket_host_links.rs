//! Signed links on a bucket named after its host, against a real server that finds the bucket
//! from the whole `Host` header and checks signatures for it (s3s-fs with a host parser, as S3
//! answers a CNAME): accepted as made, refused when one byte changes.
//!
//! glibc does not resolve `files.test`, so the links are fetched by a test-only route: the
//! request goes to 127.0.0.1:PORT carrying the link's own `Host` header, which is all the
//! server sees of the name.

use crate::common;

use std::time::{Duration, SystemTime};

use common::{ACCESS_KEY, SECRET_KEY, get_object, http, put_object};
use pail::model::{BucketName, Endpoint, ObjectKey};
use pail::share::public_url::{CustomDomain, DomainKind};
use pail::share::{Expiry, GetOptions, PutOptions, Signer};
use pail::testing::demo::server::LocalServer;

const HOST_BUCKET: &str = "files.test";

pub fn server(bucket: &str) -> LocalServer {
    let server = LocalServer::start_temporary_with_bucket_hosts(ACCESS_KEY, SECRET_KEY)
        .expect("server starts");
    server.create_bucket(bucket).expect("bucket folder");
    server
}

/// The signer for `bucket` on its own host, `http://BUCKET:PORT/`.
async fn host_signer(server: &LocalServer, bucket: &str) -> Signer {
    let name = BucketName::new(bucket).unwrap();
    let signer = server.connection().signer_for(&name).await.unwrap().signer;
    let base = format!("http://{bucket}:{}/", server.addr().port());
    CustomDomain::parse(
        &base,
        DomainKind::BucketHost,
        &name,
        &Endpoint::custom(&server.endpoint_url()).unwrap(),
    )
    .unwrap()
    .signer(&signer)
    .unwrap()
}

/// Sends `url` (on `http://files.test:PORT`) to the server on 127.0.0.1, `Host` kept.
fn to_loopback(
    server: &LocalServer,
    method: reqwest::Method,
    url: &str,
) -> reqwest::RequestBuilder {
    let host = format!("{HOST_BUCKET}:{}", server.addr().port());
    let rest = url
        .strip_prefix(&format!("http://{host}"))
        .unwrap_or_else(|| panic!("a link on {host}: {url}"));
    http()
        .request(method, format!("{}{rest}", server.endpoint_url()))
        .header("Host", host)
}

fn hour() -> Expiry {
    Expiry::In(Duration::from_secs(3600))
}

/// One byte of `url` changed at `at` (a character that stays valid in a URL).
fn one_byte_off(url: &str, at: usize) -> String {
    let mut bytes = url.as_bytes().to_vec();
    bytes[at] = if bytes[at] == b'a' { b'b' } else { b'a' };
    String::from_utf8(bytes).unwrap()
}

#[tokio::test]
async fn a_signed_get_on_the_buckets_host_opens_it_and_a_changed_byte_is_refused() {
    let server = server(HOST_BUCKET);
    let key = "a b/ü+x.txt";
    put_object(&server, HOST_BUCKET, key, b"on its own host\n").await;
    let signer = host_signer(&server, HOST_BUCKET).await;
    let options = GetOptions {
        content_disposition: Some("attachment; filename=\"r.txt\"".into()),
        content_type: Some("text/x-pail".into()),
        ..GetOptions::default()
    };
    let link = signer
        .presign_get(
            &BucketName::new(HOST_BUCKET).unwrap(),
            &ObjectKey::new(key).unwrap(),
            &options,
            hour(),
            SystemTime::now(),
        )
        .await
        .unwrap();
    let path = link.url.split('?').next().unwrap();
    assert_eq!(
        path,
        format!(
            "http://{HOST_BUCKET}:{}/a%20b/%C3%BC%2Bx.txt",
            server.addr().port()
        ),
        "the key alone as the path, on the bucket's host"
    );

    let answer = to_loopback(&server, reqwest::Method::GET, &link.url)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.headers()["content-type"], "text/x-pail");
    assert_eq!(
        answer.headers()["content-disposition"],
        "attachment; filename=\"r.txt\""
    );
    assert_eq!(answer.bytes().await.unwrap().as_ref(), b"on its own host\n");

    // One byte of the signature, one of the key: both refused, so the signature is checked
    // for this host and path.
    let signature_at = link.url.find("X-Amz-Signature=").unwrap() + "X-Amz-Signature=".len();
    let key_at = link.url.find("x.txt").unwrap();
    for altered in [
        one_byte_off(&link.url, signature_at),
        one_byte_off(&link.url, key_at),
    ] {
        let answer = to_loopback(&server, reqwest::Method::GET, &altered)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 403, "{altered}");
        let body = answer.text().await.unwrap();
        assert!(body.contains("SignatureDoesNotMatch"), "{body}");
    }
    // The same link under another host is another request: refused too.
    let answer = http()
        .get(
            link.url
                .replace(&format!("http://{HOST_BUCKET}:"), "http://127.0.0.1:"),
        )
        .send()
        .await
        .unwrap();
    assert_ne!(answer.status(), 200);
}

#[tokio::test]
async fn a_signed_put_on_the_buckets_host_uploads_once_and_never_overwrites() {
    let server = server(HOST_BUCKET);
    let signer = host_signer(&server, HOST_BUCKET).await;
    let options = PutOptions {
        content_type: Some("text/plain".into()),
        scheme: None,
        no_overwrite: true,
    };
    let link = signer
        .presign_put(
            &BucketName::new(HOST_BUCKET).unwrap(),
            &ObjectKey::new("in/up load.txt").unwrap(),
            &options,
            hour(),
            SystemTime::now(),
        )
        .await
        .unwrap();
    let send = |url: String, body: &'static str| {
        let mut request = to_loopback(&server, reqwest::Method::PUT, &url).body(body);
        for (name, value) in &link.headers {
            request = request.header(name, value);
        }
        request.send()
    };
    let altered = one_byte_off(&link.url, link.url.len() - 1);
    assert_eq!(send(altered, "forged").await.unwrap().status(), 403);
    assert_eq!(
        get_object(&server, HOST_BUCKET, "in/up load.txt").await,
        None,
        "a refused link wrote nothing"
    );
    assert_eq!(send(link.url.clone(), "first").await.unwrap().status(), 200);
    assert_eq!(
        get_object(&server, HOST_BUCKET, "in/up load.txt")
            .await
            .unwrap(),
        b"first"
    );
    // If-None-Match: * is signed in: a second upload through the same link is refused.
    assert_eq!(
        send(link.url.clone(), "second").await.unwrap().status(),
        412
    );
    assert_eq!(
        get_object(&server, HOST_BUCKET, "in/up load.txt")
            .await
            .unwrap(),
        b"first"
    );
}

/// A bucket named `localhost`, which every machine resolves to loopback: the links are
/// fetched on their real host, as a recipient would.
const LOCAL_BUCKET: &str = "localhost";

#[tokio::test]
async fn cli_presign_on_a_bucket_host_gives_get_and_put_links_that_work_there() {
    let server = server(LOCAL_BUCKET);
    put_object(&server, LOCAL_BUCKET, "r é.txt", b"report").await;
    let home = tempfile::tempdir().unwrap();
    let base = format!("http://localhost:{}/", server.addr().port());
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    let get = common::cli::pail_for(
        &server,
        home.path(),
        &[
            "presign",
            "s3://localhost/r é.txt",
            "--content-disposition",
            "attachment",
            "--content-type",
            "text/x-report",
            "--base-url",
            &base,
            "--host-kind",
            "bucket-host",
        ],
    );
    assert!(get.status.success(), "{}", text(&get.stderr));
    let url = text(&get.stdout).trim().to_owned();
    assert!(
        url.starts_with(&format!("{base}r%20%C3%A9.txt?x-id=GetObject&")),
        "{url}"
    );
    let answer = http().get(&url).send().await.unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.headers()["content-type"], "text/x-report");
    assert_eq!(answer.bytes().await.unwrap().as_ref(), b"report");

    let put = common::cli::pail_for(
        &server,
        home.path(),
        &[
            "presign",
            "s3://localhost/in/new.txt",
            "--method",
            "put",
            "--content-type",
            "text/plain",
            "--no-overwrite",
            "--base-url",
            &base,
            "--host-kind",
            "bucket-host",
        ],
    );
    assert!(put.status.success(), "{}", text(&put.stderr));
    let url = text(&put.stdout).trim().to_owned();
    assert!(
        url.starts_with(&format!("{base}in/new.txt?x-id=PutObject&")),
        "{url}"
    );
    let said = text(&put.stderr);
    assert!(said.contains("if-none-match: *"), "{said}");
    let upload = |body: &'static str| {
        http()
            .put(&url)
            .header("content-type", "text/plain")
            .header("if-none-match", "*")
            .body(body)
            .send()
    };
    assert_eq!(upload("first").await.unwrap().status(), 200);
    assert_eq!(upload("again").await.unwrap().status(), 412);
    assert_eq!(
        get_object(&server, LOCAL_BUCKET, "in/new.txt")
            .await
            .unwrap(),
        b"first"
    );
}

#[tokio::test]
async fn cli_a_bucket_host_that_is_not_the_buckets_name_is_refused() {
    let server = server(LOCAL_BUCKET);
    let home = tempfile::tempdir().unwrap();
    let out = common::cli::pail_for(
        &server,
        home.path(),
        &[
            "presign",
            "s3://localhost/r.txt",
            "--base-url",
            "http://files.test/",
            "--host-kind",
            "bucket-host",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "no link that cannot work");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("named exactly after it"), "{said}");
}
