//! Attacks on issue 26 part 3, headers and metadata: servers that lie about a copy, values
//! and names a person or a server sends, the upload-headers file, what an edit leaves behind.

use crate::common;

use common::cli::pail;
use common::hostile::{Answer, HostileServer};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A server whose HEAD, tags and ACL answers are S3's, and whose CopyObject answer is `copy`.
async fn server_answering_the_copy_with(copy: fn() -> Answer) -> HostileServer {
    HostileServer::start(move |line| {
        let (method, target) = line.split_once(' ').unwrap_or_default();
        match (method, target) {
            ("HEAD", _) => Answer::Body {
                status: 200,
                content_type: "application/octet-stream",
                body: Vec::new(),
            },
            ("GET", t) if t.contains("?tagging") => Answer::Xml(
                200,
                "<Tagging><TagSet></TagSet></Tagging>".into(),
            ),
            ("GET", t) if t.contains("?acl") => Answer::Xml(
                200,
                "<AccessControlPolicy><Owner><ID>me</ID></Owner><AccessControlList><Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"CanonicalUser\"><ID>me</ID></Grantee><Permission>FULL_CONTROL</Permission></Grant></AccessControlList></AccessControlPolicy>".into(),
            ),
            ("GET", t) if t.contains("?versioning") => Answer::Xml(
                200,
                "<VersioningConfiguration></VersioningConfiguration>".into(),
            ),
            ("PUT", _) => copy(),
            _ => Answer::Xml(404, "<Error><Code>NoSuchKey</Code></Error>".into()),
        }
    })
    .await
}

/// S3 may answer a CopyObject with 200 and an error in the body (it says so in its API
/// reference); an empty body or an HTML page in its place is no CopyObjectResult either. Each
/// must be told as a failure of that object, never as "edited".
#[tokio::test(flavor = "multi_thread")]
async fn a_copy_answered_200_with_an_error_body_is_not_reported_as_edited() {
    let answers: [(&str, fn() -> Answer); 3] = [
        ("error body", || {
            Answer::Xml(
                200,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message><RequestId>1</RequestId></Error>".into(),
            )
        }),
        ("empty body", || Answer::Xml(200, String::new())),
        ("html page", || Answer::Body {
            status: 200,
            content_type: "text/html",
            body: b"<!DOCTYPE html><html><body>Sign in</body></html>".to_vec(),
        }),
    ];
    let home = tempfile::tempdir().unwrap();
    for (what, answer) in answers {
        let server = server_answering_the_copy_with(answer).await;
        let output = pail(home.path())
            .env("AWS_ACCESS_KEY_ID", "AKHOSTILE")
            .env("AWS_SECRET_ACCESS_KEY", "hostile-secret")
            .args([
                "headers",
                "s3://site/page.html",
                "--content-type",
                "text/html",
            ])
            .args(["--endpoint-url", &server.endpoint_url(), "--path-style"])
            .args(["--region", "us-east-1"])
            .output()
            .unwrap();
        let (out, err) = (text(&output.stdout), text(&output.stderr));
        assert!(
            server.requests().iter().any(|l| l.starts_with("PUT ")),
            "{what}: the copy was sent: {:?}\n{err}",
            server.requests()
        );
        assert!(
            !output.status.success(),
            "{what}: a copy that did not say it was made is not a success\nstdout: {out}\nstderr: {err}"
        );
        assert!(!out.contains("edited s3://"), "{what}: {out}");
        assert!(err.contains("s3://site/page.html: "), "{what}: {err}");
    }
}
