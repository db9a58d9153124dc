//! Finding a bucket's own region the way S3 reports it, against a loopback HTTP server that
//! answers as S3 does for buckets in other regions (s3s-fs has a single region and sends no
//! `x-amz-bucket-region`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use pail::model::BucketName;
use pail::model::Endpoint;
use pail::s3::connection::{Connection, discover_bucket_region};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Canned answers by "METHOD /path?query"; every request is recorded.
struct CannedS3 {
    endpoint: String,
    seen: Arc<Mutex<Vec<String>>>,
}

async fn canned_s3(answers: HashMap<&'static str, &'static str>) -> CannedS3 {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut head = Vec::new();
            let mut buf = [0u8; 4096];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                match socket.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
            }
            let text = String::from_utf8_lossy(&head);
            let line = text.lines().next().unwrap_or_default();
            let request = line.rsplit_once(' ').map(|(r, _)| r).unwrap_or(line);
            // Match without the SDK's x-id query parameter.
            let request = request.replace("?x-id=GetBucketLocation", "?location");
            log.lock().unwrap().push(request.clone());
            let answer = answers
                .get(request.as_str())
                .copied()
                .unwrap_or("HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n");
            let _ = socket.write_all(answer.as_bytes()).await;
            let _ = socket.shutdown().await;
        }
    });
    CannedS3 { endpoint, seen }
}

fn client_for(endpoint: &str) -> aws_sdk_s3::Client {
    let creds = aws_credential_types::Credentials::new("AK", "SK", None, None, "test");
    Connection::with_static_credentials(
        creds,
        "us-east-1",
        Endpoint::custom(endpoint).unwrap(),
        true,
    )
    .client()
    .clone()
}

#[tokio::test]
async fn region_comes_from_head_bucket_redirects_and_denials() {
    let server = canned_s3(HashMap::from([
        (
            "HEAD /moved-bucket/",
            "HTTP/1.1 301 Moved Permanently\r\nx-amz-bucket-region: eu-central-1\r\ncontent-length: 0\r\n\r\n",
        ),
        (
            "HEAD /denied-bucket/",
            "HTTP/1.1 403 Forbidden\r\nx-amz-bucket-region: ap-southeast-2\r\ncontent-length: 0\r\n\r\n",
        ),
        (
            "HEAD /own-bucket/",
            "HTTP/1.1 200 OK\r\nx-amz-bucket-region: us-east-1\r\ncontent-length: 0\r\n\r\n",
        ),
    ]))
    .await;
    let client = client_for(&server.endpoint);
    for (bucket, region) in [
        ("moved-bucket", "eu-central-1"),
        ("denied-bucket", "ap-southeast-2"),
        ("own-bucket", "us-east-1"),
    ] {
        let found = discover_bucket_region(&client, &BucketName::new(bucket).unwrap())
            .await
            .unwrap();
        assert_eq!(found, region, "{bucket}");
    }
    assert!(
        server
            .seen
            .lock()
            .unwrap()
            .iter()
            .all(|r| r.starts_with("HEAD ")),
        "GetBucketLocation not needed"
    );
}

#[tokio::test]
async fn falls_back_to_get_bucket_location() {
    let xml = |constraint: &str| -> &'static str {
        Box::leak(
            format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/xml\r\ncontent-length: {}\r\n\r\n{}",
                constraint.len(),
                constraint
            )
            .into_boxed_str(),
        )
    };
    let server = canned_s3(HashMap::from([
        (
            "GET /west-bucket/?location",
            xml(r#"<?xml version="1.0" encoding="UTF-8"?><LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">us-west-2</LocationConstraint>"#),
        ),
        (
            "GET /legacy-eu-bucket/?location",
            xml(r#"<?xml version="1.0" encoding="UTF-8"?><LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">EU</LocationConstraint>"#),
        ),
        (
            "GET /virginia-bucket/?location",
            xml(r#"<?xml version="1.0" encoding="UTF-8"?><LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>"#),
        ),
    ]))
    .await;
    let client = client_for(&server.endpoint);
    for (bucket, region) in [
        ("west-bucket", "us-west-2"),
        ("legacy-eu-bucket", "eu-west-1"),
        ("virginia-bucket", "us-east-1"),
    ] {
        let found = discover_bucket_region(&client, &BucketName::new(bucket).unwrap())
            .await
            .unwrap();
        assert_eq!(found, region, "{bucket}");
    }
}

#[tokio::test]
async fn no_answer_is_a_readable_error() {
    let server = canned_s3(HashMap::new()).await;
    let client = client_for(&server.endpoint);
    let err = discover_bucket_region(&client, &BucketName::new("ghost-bucket").unwrap())
        .await
        .unwrap_err();
    let message = err.to_string();
    assert!(message.contains("ghost-bucket"), "{message}");
    assert!(message.contains("HTTP 404"), "{message}");
}

#[tokio::test]
async fn custom_endpoints_and_named_regions_skip_discovery() {
    let server = canned_s3(HashMap::new()).await;
    let creds = aws_credential_types::Credentials::new("AK", "SK", None, None, "test");
    let connection = Connection::with_static_credentials(
        creds,
        "eu-north-1",
        Endpoint::custom(&server.endpoint).unwrap(),
        true,
    );
    let bucket = BucketName::new("any-bucket").unwrap();
    assert_eq!(
        connection.bucket_region(&bucket).await.unwrap(),
        "eu-north-1"
    );
    assert!(server.seen.lock().unwrap().is_empty(), "no request sent");
}
