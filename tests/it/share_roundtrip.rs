//! Links and forms made by the library, used against a real, signature-checking S3 server
//! (s3s-fs on loopback): what S3 accepts and what it refuses.

use crate::common;

use std::time::{Duration, SystemTime};

use common::{AWKWARD_KEYS, get_object, http, put_object, server_with_bucket};
use pail::model::Scheme;
use pail::model::{BucketName, ObjectKey};
use pail::share::{
    ContentTypeRule, DispositionKind, Expiry, GetOptions, KeyRule, PostForm, PostRequest,
    PutOptions, Signer, SignerConfig, content_disposition,
};

const BUCKET: &str = "share-test";

fn bucket() -> BucketName {
    BucketName::new(BUCKET).unwrap()
}

fn key(k: &str) -> ObjectKey {
    ObjectKey::new(k).unwrap()
}

fn hour() -> Expiry {
    Expiry::In(Duration::from_secs(3600))
}

async fn signer(server: &pail::testing::demo::server::LocalServer) -> Signer {
    let bucket_signer = server.connection().signer_for(&bucket()).await.unwrap();
    assert_eq!(bucket_signer.warning, None);
    bucket_signer.signer
}

/// Checks that an HTTP client sends the URL exactly as Pail wrote it.
fn assert_url_survives_parsing(url: &str) {
    let parsed = reqwest::Url::parse(url).unwrap();
    assert_eq!(
        parsed.as_str(),
        url,
        "the URL is re-encoded by an HTTP client"
    );
}

#[tokio::test]
async fn get_links_download_exact_bytes_for_awkward_keys() {
    let server = server_with_bucket(BUCKET);
    let signer = signer(&server).await;
    for (i, k) in AWKWARD_KEYS.iter().enumerate() {
        let body = format!("contents of {k} #{i}\n").into_bytes();
        put_object(&server, BUCKET, k, &body).await;
        let link = signer
            .presign_get(
                &bucket(),
                &key(k),
                &GetOptions::default(),
                hour(),
                SystemTime::now(),
            )
            .await
            .unwrap();
        assert!(link.url.starts_with("http://127.0.0.1:"), "{}", link.url);
        assert_url_survives_parsing(&link.url);
        let response = http().get(&link.url).send().await.unwrap();
        assert_eq!(response.status(), 200, "key {k:?}: {}", link.url);
        assert_eq!(response.bytes().await.unwrap().as_ref(), body, "key {k:?}");
    }
}

/// The whole cycle for every awkward key: download, tampered and expired links refused,
/// upload by PUT link, upload by POST form within and beyond its size range.
#[tokio::test]
async fn every_awkward_key_survives_every_kind_of_link() {
    let server = server_with_bucket(BUCKET);
    let signer = signer(&server).await;
    let now = SystemTime::now();
    for k in AWKWARD_KEYS {
        let original = format!("original {k}").into_bytes();
        put_object(&server, BUCKET, k, &original).await;
        let get = signer
            .presign_get(&bucket(), &key(k), &GetOptions::default(), hour(), now)
            .await
            .unwrap();
        let response = http().get(&get.url).send().await.unwrap();
        assert_eq!(response.status(), 200, "GET {k:?}");
        assert_eq!(response.bytes().await.unwrap().as_ref(), original, "{k:?}");

        let tampered = get.url.replace("X-Amz-Signature=", "X-Amz-Signature=0");
        let tampered = &tampered[..tampered.len() - 1];
        let response = http().get(tampered).send().await.unwrap();
        assert_eq!(response.status(), 403, "tampered {k:?}");

        let expired = signer
            .presign_get(
                &bucket(),
                &key(k),
                &GetOptions::default(),
                Expiry::In(Duration::from_secs(60)),
                now - Duration::from_secs(120),
            )
            .await
            .unwrap();
        let response = http().get(&expired.url).send().await.unwrap();
        assert_eq!(response.status(), 403, "expired {k:?}");

        let put = signer
            .presign_put(&bucket(), &key(k), &PutOptions::default(), hour(), now)
            .await
            .unwrap();
        let replaced = format!("replaced by PUT {k}").into_bytes();
        let response = http()
            .put(&put.url)
            .body(replaced.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "PUT {k:?}");
        assert_eq!(
            get_object(&server, BUCKET, k).await.as_deref(),
            Some(&replaced[..])
        );

        let request = PostRequest {
            content_length: Some((1, 64)),
            ..PostRequest::new(bucket(), KeyRule::Exact(key(k)))
        };
        let form = signer.presign_post(&request, now).await.unwrap();
        let posted = format!("POST {k}").into_bytes();
        let response = post_form(&form, None, posted.clone()).await;
        assert!(
            response.status().is_success(),
            "POST {k:?}: {}",
            response.status()
        );
        assert_eq!(
            get_object(&server, BUCKET, k).await.as_deref(),
            Some(&posted[..])
        );
        let response = post_form(&form, None, vec![b'x'; 65]).await;
        assert!(response.status().is_client_error(), "oversized POST {k:?}");
        assert_eq!(
            get_object(&server, BUCKET, k).await.as_deref(),
            Some(&posted[..])
        );
    }
}

#[tokio::test]
async fn tampered_signature_is_refused() {
    let server = server_with_bucket(BUCKET);
    put_object(&server, BUCKET, "secret.txt", b"top secret").await;
    let link = signer(&server)
        .await
        .presign_get(
            &bucket(),
            &key("secret.txt"),
            &GetOptions::default(),
            hour(),
            SystemTime::now(),
        )
        .await
        .unwrap();
    let last = link.url.chars().last().unwrap();
    let flipped = if last == '0' { '1' } else { '0' };
    let tampered = format!("{}{flipped}", &link.url[..link.url.len() - 1]);
    let response = http().get(&tampered).send().await.unwrap();
    assert_eq!(response.status(), 403);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("SignatureDoesNotMatch")
    );

    // A changed key with the old signature is refused too.
    let other_key = link.url.replace("secret.txt", "secreT.txt");
    assert_eq!(http().get(&other_key).send().await.unwrap().status(), 403);
}

#[tokio::test]
async fn wrong_secret_is_refused() {
    let server = server_with_bucket(BUCKET);
    put_object(&server, BUCKET, "a.txt", b"a").await;
    let genuine = signer(&server).await;
    let forged = Signer::new(SignerConfig {
        credentials: aws_credential_types::Credentials::new(
            common::ACCESS_KEY,
            "not-the-secret",
            None,
            None,
            "test",
        ),
        ..genuine.config().clone()
    });
    let link = forged
        .presign_get(
            &bucket(),
            &key("a.txt"),
            &GetOptions::default(),
            hour(),
            SystemTime::now(),
        )
        .await
        .unwrap();
    assert_eq!(http().get(&link.url).send().await.unwrap().status(), 403);
}

#[tokio::test]
async fn expired_link_is_refused() {
    let server = server_with_bucket(BUCKET);
    put_object(&server, BUCKET, "old.txt", b"old").await;
    // Signed two hours ago for one hour: expired an hour ago.
    let two_hours_ago = SystemTime::now() - Duration::from_secs(7200);
    let link = signer(&server)
        .await
        .presign_get(
            &bucket(),
            &key("old.txt"),
            &GetOptions::default(),
            hour(),
            two_hours_ago,
        )
        .await
        .unwrap();
    let response = http().get(&link.url).send().await.unwrap();
    assert_eq!(response.status(), 403);
    assert!(
        response.text().await.unwrap().contains("expired"),
        "S3 says why"
    );
}

#[tokio::test]
async fn response_overrides_set_download_name_and_type() {
    let server = server_with_bucket(BUCKET);
    put_object(&server, BUCKET, "reports/q3 résumé.pdf", b"%PDF-1.7").await;
    let disposition = content_disposition("résumé final.pdf", DispositionKind::Attachment);
    let options = GetOptions {
        content_disposition: Some(disposition.clone()),
        content_type: Some("application/pdf".into()),
        scheme: None,
        version_id: None,
    };
    let link = signer(&server)
        .await
        .presign_get(
            &bucket(),
            &key("reports/q3 résumé.pdf"),
            &options,
            hour(),
            SystemTime::now(),
        )
        .await
        .unwrap();
    let response = http().get(&link.url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-disposition"].to_str().unwrap(),
        disposition
    );
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/pdf"
    );
}

#[tokio::test]
async fn https_link_to_an_http_endpoint_only_when_asked() {
    let server = server_with_bucket(BUCKET);
    let signer = signer(&server).await;
    let options = GetOptions {
        scheme: Some(Scheme::Https),
        ..GetOptions::default()
    };
    let https = signer
        .presign_get(&bucket(), &key("a"), &options, hour(), SystemTime::now())
        .await
        .unwrap();
    assert!(https.url.starts_with("https://127.0.0.1:"));
}

#[tokio::test]
async fn put_links_upload_for_awkward_keys() {
    let server = server_with_bucket(BUCKET);
    let signer = signer(&server).await;
    for k in AWKWARD_KEYS {
        let body = format!("uploaded {k}").into_bytes();
        let link = signer
            .presign_put(
                &bucket(),
                &key(k),
                &PutOptions::default(),
                hour(),
                SystemTime::now(),
            )
            .await
            .unwrap();
        assert_url_survives_parsing(&link.url);
        let response = http()
            .put(&link.url)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "key {k:?}");
        assert_eq!(
            get_object(&server, BUCKET, k).await.as_deref(),
            Some(&body[..])
        );
    }
}

#[tokio::test]
async fn put_link_bound_to_a_content_type_needs_that_header() {
    let server = server_with_bucket(BUCKET);
    let options = PutOptions {
        content_type: Some("image/png".into()),
        scheme: None,
        no_overwrite: false,
    };
    let link = signer(&server)
        .await
        .presign_put(
            &bucket(),
            &key("img/logo.png"),
            &options,
            hour(),
            SystemTime::now(),
        )
        .await
        .unwrap();
    let refused = http().put(&link.url).body("x").send().await.unwrap();
    assert_eq!(refused.status(), 403, "missing Content-Type");
    let mut request = http().put(&link.url).body("png bytes");
    for (name, value) in &link.headers {
        request = request.header(name, value);
    }
    assert_eq!(request.send().await.unwrap().status(), 200);
    assert_eq!(
        get_object(&server, BUCKET, "img/logo.png").await.as_deref(),
        Some(&b"png bytes"[..])
    );
}

/// Sends `form` with `file_body` as a browser would (fields first, file last).
async fn post_form(
    form: &PostForm,
    key_override: Option<&str>,
    file_body: Vec<u8>,
) -> reqwest::Response {
    let mut multipart = reqwest::multipart::Form::new();
    for (name, value) in &form.fields {
        let value = match (name.as_str(), key_override) {
            ("key", Some(k)) => k.to_owned(),
            _ => value.clone(),
        };
        multipart = multipart.text(name.clone(), value);
    }
    let file = reqwest::multipart::Part::bytes(file_body).file_name("upload.bin");
    multipart = multipart.part("file", file);
    http()
        .post(&form.url)
        .multipart(multipart)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn post_form_uploads_and_enforces_the_size_range() {
    let server = server_with_bucket(BUCKET);
    let signer = signer(&server).await;
    for k in ["incoming/report 2026 ü+~.txt", "emoji 🎉/a&b=c?.txt"] {
        let request = PostRequest {
            content_length: Some((1, 100)),
            success_action_status: Some(201),
            expiry: hour(),
            ..PostRequest::new(bucket(), KeyRule::Exact(key(k)))
        };
        let form = signer
            .presign_post(&request, SystemTime::now())
            .await
            .unwrap();
        assert_eq!(form.url, format!("{}/{BUCKET}/", server.endpoint_url()));

        let ok = post_form(&form, None, b"small file".to_vec()).await;
        assert_eq!(ok.status(), 201, "{}", ok.text().await.unwrap_or_default());
        assert_eq!(
            get_object(&server, BUCKET, k).await.as_deref(),
            Some(&b"small file"[..])
        );

        let too_big = post_form(&form, None, vec![b'x'; 101]).await;
        assert!(too_big.status().is_client_error(), "{}", too_big.status());
        assert!(too_big.text().await.unwrap().contains("EntityTooLarge"));
    }
}

#[tokio::test]
async fn post_form_with_prefix_accepts_keys_under_it_only() {
    let server = server_with_bucket(BUCKET);
    let request = PostRequest {
        content_type: Some(ContentTypeRule::Exact("text/plain".into())),
        metadata: vec![("uploaded-by".into(), "pail test".into())],
        ..PostRequest::new(bucket(), KeyRule::Prefix("incoming/".into()))
    };
    let form = signer(&server)
        .await
        .presign_post(&request, SystemTime::now())
        .await
        .unwrap();
    assert_eq!(form.field("key"), Some("incoming/${filename}"));

    // S3 replaces ${filename}; s3s-fs stores it verbatim, so name the key explicitly here.
    let ok = post_form(&form, Some("incoming/notes.txt"), b"notes".to_vec()).await;
    assert!(
        ok.status().is_success(),
        "{}",
        ok.text().await.unwrap_or_default()
    );
    let head = server
        .connection()
        .client()
        .head_object()
        .bucket(BUCKET)
        .key("incoming/notes.txt")
        .send()
        .await
        .unwrap();
    assert_eq!(head.content_type(), Some("text/plain"));
    assert_eq!(
        head.metadata()
            .and_then(|m| m.get("uploaded-by"))
            .map(String::as_str),
        Some("pail test")
    );

    // AWS answers 403 AccessDenied, s3s 400 InvalidPolicyDocument: both refuse.
    let outside = post_form(&form, Some("elsewhere/notes.txt"), b"notes".to_vec()).await;
    assert!(outside.status().is_client_error(), "{}", outside.status());
    assert!(outside.text().await.unwrap().contains("starts-with"));
    assert_eq!(
        get_object(&server, BUCKET, "elsewhere/notes.txt").await,
        None
    );
}

#[tokio::test]
async fn expired_post_form_is_refused() {
    let server = server_with_bucket(BUCKET);
    let request = PostRequest {
        expiry: Expiry::In(Duration::from_secs(60)),
        ..PostRequest::new(bucket(), KeyRule::Exact(key("late.txt")))
    };
    let form = signer(&server)
        .await
        .presign_post(&request, SystemTime::now() - Duration::from_secs(600))
        .await
        .unwrap();
    let response = post_form(&form, None, b"late".to_vec()).await;
    assert_eq!(response.status(), 403);
    assert_eq!(get_object(&server, BUCKET, "late.txt").await, None);
}

#[tokio::test]
async fn tampered_post_policy_is_refused() {
    let server = server_with_bucket(BUCKET);
    let request = PostRequest {
        content_length: Some((0, 10)),
        ..PostRequest::new(bucket(), KeyRule::Exact(key("t.txt")))
    };
    let mut form = signer(&server)
        .await
        .presign_post(&request, SystemTime::now())
        .await
        .unwrap();
    // Widen the size limit in the policy without re-signing it.
    let policy = form
        .fields
        .iter_mut()
        .find(|(name, _)| name == "policy")
        .unwrap();
    use base64::Engine as _;
    let engine = base64::engine::general_purpose::STANDARD;
    let text = String::from_utf8(engine.decode(&policy.1).unwrap()).unwrap();
    policy.1 = engine.encode(text.replace(",0,10]", ",0,1000]"));
    let response = post_form(&form, None, vec![b'x'; 500]).await;
    assert_eq!(response.status(), 403);
    assert_eq!(get_object(&server, BUCKET, "t.txt").await, None);
}

#[tokio::test]
async fn a_never_overwrite_put_link_cannot_replace_an_object() {
    let server = server_with_bucket(BUCKET);
    let options = PutOptions {
        no_overwrite: true,
        ..PutOptions::default()
    };
    let link = signer(&server)
        .await
        .presign_put(
            &bucket(),
            &key("inbox/contract.pdf"),
            &options,
            hour(),
            SystemTime::now(),
        )
        .await
        .unwrap();
    assert!(
        link.headers
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case("if-none-match") && v == "*"),
        "{:?}",
        link.headers
    );
    let send = |body: &'static str| {
        let mut request = http().put(&link.url).body(body);
        for (name, value) in &link.headers {
            request = request.header(name, value);
        }
        request.send()
    };
    assert_eq!(send("first").await.unwrap().status(), 200);
    assert_eq!(
        send("second").await.unwrap().status(),
        412,
        "exists: refused"
    );
    assert_eq!(
        get_object(&server, BUCKET, "inbox/contract.pdf")
            .await
            .as_deref(),
        Some(&b"first"[..])
    );
    // Without the header the signature does not match.
    let bare = http().put(&link.url).body("third").send().await.unwrap();
    assert_eq!(bare.status(), 403);
}
