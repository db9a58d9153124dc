//! Test link: fetch one byte through a pre-signed GET link, as the recipient's browser would,
//! and report what S3 says before the link is sent to anyone.

use std::sync::Once;
use std::time::Duration;

/// Makes rustls use the same cryptography as the AWS SDK (aws-lc), once per process. Any
/// `reqwest` client in the process needs this first.
pub fn install_crypto_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Fails only if another provider is already installed, which is as good.
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    });
}

/// An element's text in an S3 (or CloudFront) XML error document.
fn xml_element<'a>(body: &'a str, name: &str) -> Option<&'a str> {
    let start = body.find(&format!("<{name}>"))? + name.len() + 2;
    let end = body[start..].find(&format!("</{name}>"))? + start;
    Some(&body[start..end])
}

/// `Code` and `Message` of an S3 XML error document.
fn s3_error(body: &str) -> Option<String> {
    match (xml_element(body, "Code"), xml_element(body, "Message")) {
        (Some(code), Some(message)) => Some(format!("{code}: {message}")),
        (Some(code), None) => Some(code.to_owned()),
        _ => None,
    }
}

/// The most of an error answer that is read.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// True when the answer to a link's first-byte request is a page and not the object: S3
/// answers a byte range with 206, so a whole HTML page (200) is a sign-in or landing page in
/// front of it — unless the object is itself a page (`.html`, `.htm`) on a host that ignores
/// ranges.
pub fn is_a_page_not_the_object(url: &str, answer: &LinkAnswer) -> bool {
    let html = answer
        .content_type
        .as_deref()
        .is_some_and(|t| t.trim_start().to_ascii_lowercase().starts_with("text/html"));
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    answer.status == 200 && html && !path.ends_with(".html") && !path.ends_with(".htm")
}

/// What a link answered when it worked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkAnswer {
    pub status: u16,
    /// The object's ETag as the answer gave it (to tell whether it changed since sharing).
    pub etag: Option<String>,
    /// The Content-Type and Content-Disposition it is served with: whether a browser opens
    /// it or downloads it (`share::opens_as`).
    pub content_type: Option<String>,
    pub content_disposition: Option<String>,
}

impl std::fmt::Display for LinkAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "OK (HTTP {})", self.status)
    }
}

/// Why a link did not work.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkTestError {
    #[error("could not start an HTTP client: {0}")]
    Client(String),
    #[error("could not reach the server: {0}")]
    Unreachable(String),
    /// The server answered with an error status; `detail` is its `Code: Message`.
    #[error("{status} {detail}")]
    Refused {
        status: u16,
        detail: String,
        /// The error document's `Code` (`ExpiredToken`, `NoSuchKey`, …), when it had one.
        code: Option<String>,
    },
}

/// Requests the first byte through `url`, as the recipient's browser would: the server's
/// refusal (`403 SignatureDoesNotMatch: …`) or why it could not be reached comes back typed.
pub async fn test_get_link(url: &str) -> Result<LinkAnswer, LinkTestError> {
    install_crypto_provider();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| LinkTestError::Client(e.to_string()))?;
    let response = client
        .get(url)
        .header("Range", "bytes=0-0")
        .send()
        .await
        .map_err(|e| {
            let mut text = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(cause) = source {
                text = cause.to_string();
                source = cause.source();
            }
            LinkTestError::Unreachable(text)
        })?;
    let status = response.status();
    if status.is_success() {
        let etag = response
            .headers()
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .map(|v| v.trim_matches('"').to_owned());
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        return Ok(LinkAnswer {
            status: status.as_u16(),
            etag,
            content_type: header("content-type"),
            content_disposition: header("content-disposition"),
        });
    }
    // An error document is a few hundred bytes; a broken or hostile server may send an
    // endless one. Read no more than enough.
    let mut response = response;
    let mut bytes = Vec::new();
    while bytes.len() < MAX_ERROR_BODY {
        match response.chunk().await {
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            _ => break,
        }
    }
    bytes.truncate(MAX_ERROR_BODY);
    let body = String::from_utf8_lossy(&bytes);
    let detail = s3_error(&body)
        .unwrap_or_else(|| status.canonical_reason().unwrap_or("refused").to_owned());
    Err(LinkTestError::Refused {
        status: status.as_u16(),
        detail,
        code: xml_element(&body, "Code").map(str::to_owned),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_s3_error_documents() {
        let body = "<?xml version=\"1.0\"?><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match</Message></Error>";
        assert_eq!(
            s3_error(body).unwrap(),
            "SignatureDoesNotMatch: The request signature we calculated does not match"
        );
        assert_eq!(
            s3_error("<Error><Code>AccessDenied</Code></Error>").unwrap(),
            "AccessDenied"
        );
        assert_eq!(s3_error("not xml"), None);
    }
}
