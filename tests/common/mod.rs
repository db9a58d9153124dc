//! Shared by the integration tests: an S3 server on loopback with a bucket, and helpers to
//! put and read objects through the SDK.
#![allow(dead_code)] // each test crate uses a different part

pub mod batch;
pub mod bucket_pages;
pub mod cli;
pub mod credential_script;
pub mod hostile;
pub mod lying_data;
pub mod moto;
pub mod prefix_proxy;
pub mod proxy;
pub mod qr;
pub mod refusing;
pub mod second_host;
pub mod throttling;
pub mod ui;
pub mod xvfb;

use pail::testing::demo::server::LocalServer;

pub const ACCESS_KEY: &str = "PAILTESTACCESSKEY";
pub const SECRET_KEY: &str = "pail-test-secret-key/with+odd=chars";

/// Keys people really use: spaces, `+`, `~`, `%`, `?`, `#`, `&`, `=`, unicode, emoji, nesting.
pub const AWKWARD_KEYS: &[&str] = &[
    "plain.txt",
    "with space.txt",
    "plus+sign.txt",
    "tilde~name.txt",
    "100% real.txt",
    "what?.txt",
    "hash#tag.txt",
    "a&b=c.txt",
    "ünïcødé/日本語.txt",
    "emoji 🎉/party 🥳.txt",
    "nested/deeper/and deeper/file.txt",
];

/// The files of the server's own folder that belong to no bucket and no object: its temporary
/// files and unfinished uploads.
pub fn server_leftovers(server: &LocalServer) -> Vec<String> {
    std::fs::read_dir(server.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".tmp.") || n.starts_with(".upload"))
        .collect()
}

/// A fresh server with one empty bucket.
pub fn server_with_bucket(bucket: &str) -> LocalServer {
    let server = LocalServer::start_temporary(ACCESS_KEY, SECRET_KEY).expect("server starts");
    server.create_bucket(bucket).expect("bucket folder");
    server
}

/// Puts `body` at `key`, with no total time budget: a test's 96 MiB object on a busy two-core
/// machine can take longer than the budget of requests without data.
pub async fn put_object(server: &LocalServer, bucket: &str, key: &str, body: &[u8]) {
    let no_budget = aws_sdk_s3::config::Builder::new()
        .timeout_config(aws_sdk_s3::config::timeout::TimeoutConfig::disabled());
    server
        .connection()
        .client()
        .put_object()
        .bucket(bucket)
        .key(key)
        .body(body.to_vec().into())
        .customize()
        .config_override(no_budget)
        .send()
        .await
        .unwrap_or_else(|e| panic!("put {key}: {e:?}"));
}

pub async fn get_object(server: &LocalServer, bucket: &str, key: &str) -> Option<Vec<u8>> {
    let output = server
        .connection()
        .client()
        .get_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .ok()?;
    Some(output.body.collect().await.ok()?.into_bytes().to_vec())
}

/// Writes `body` straight into the file that holds `key` of `bucket`, named as the server
/// names it (on Windows not the key itself), making its folders: quicker than thousands of
/// puts.
pub fn write_object(server: &LocalServer, bucket: &str, key: &str, body: &[u8]) {
    let path = server.object_path(bucket, key);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&path, body).unwrap_or_else(|e| panic!("{path:?}: {e}"));
}

/// `len` bytes that are not all alike.
pub fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

/// An HTTP client that follows no redirects, so answers are S3's own.
pub fn http() -> reqwest::Client {
    pail::share::link_test::install_crypto_provider();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client")
}

/// Multipart uploads s3s-fs still holds in its data folder `root`: it keeps each as
/// `.upload-ID.json` plus its parts (it does not implement ListMultipartUploads; on S3 this is
/// that list).
pub fn pending_multipart_uploads(root: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(root)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".upload"))
        .collect()
}

pub async fn delete_object(server: &LocalServer, bucket: &str, key: &str) {
    server
        .connection()
        .client()
        .delete_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .unwrap_or_else(|e| panic!("delete {key}: {e:?}"));
}
