//! CloudFront signed URLs: links that live past SigV4's 7 days. A canned policy (an expiry)
//! or a custom one (also "not before" and an IP range), signed with the distribution's trusted
//! RSA key (SHA-1, PKCS#1 v1.5, as CloudFront requires) and written the way botocore's
//! `CloudFrontSigner` writes them. Pure: the times are arguments.

use std::fmt;
use std::net::IpAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::{Pkcs1v15Sign, RsaPrivateKey, RsaPublicKey};
use sha1::{Digest, Sha1};

use crate::model::{ObjectKey, Scheme};

/// Why a CloudFront link could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CloudFrontError {
    #[error(
        "the private key is not an RSA key in PEM form (-----BEGIN RSA PRIVATE KEY----- or -----BEGIN PRIVATE KEY-----): {0}"
    )]
    BadKey(String),
    #[error("the key pair ID is empty: copy it from the CloudFront console (Public keys)")]
    NoKeyId,
    #[error(
        "`{0}` is not a distribution domain: give a host name such as d111111abcdef8.cloudfront.net"
    )]
    BadDomain(String),
    #[error("`{0}` is not a URL of the distribution (https://DOMAIN/PATH)")]
    BadUrl(String),
    #[error("`{0}` is not an IP range: use an address or CIDR, such as 192.0.2.0/24")]
    BadIpRange(String),
    #[error("the link would already have expired")]
    InPast,
    #[error("\"not before\" is after the expiry: the link would never work")]
    NeverValid,
    #[error("could not sign: {0}")]
    Sign(String),
}

/// A distribution's trusted key: its ID and the RSA private key. `Debug` never shows the key.
#[derive(Clone)]
pub struct CloudFrontKey {
    key_id: String,
    private: RsaPrivateKey,
}

impl fmt::Debug for CloudFrontKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CloudFrontKey")
            .field("key_id", &self.key_id)
            .field("private", &"****")
            .finish()
    }
}

impl CloudFrontKey {
    /// The key with ID `key_id` from PEM text, PKCS#1 or PKCS#8.
    pub fn from_pem(key_id: &str, pem: &str) -> Result<Self, CloudFrontError> {
        let key_id = key_id.trim();
        if key_id.is_empty() {
            return Err(CloudFrontError::NoKeyId);
        }
        let private = RsaPrivateKey::from_pkcs1_pem(pem.trim())
            .or_else(|_| RsaPrivateKey::from_pkcs8_pem(pem.trim()))
            // The parser's message names no key material.
            .map_err(|e| CloudFrontError::BadKey(e.to_string()))?;
        Ok(Self {
            key_id: key_id.to_owned(),
            private,
        })
    }

    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The public half, to check a signature with.
    pub fn public_key(&self) -> RsaPublicKey {
        self.private.to_public_key()
    }
}

/// When and from where a link works.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CloudFrontPolicy {
    /// Only an expiry: the short form (`Expires=`).
    Canned { expires: SystemTime },
    /// An expiry, and optionally a start and a source IP range (`Policy=`).
    Custom {
        expires: SystemTime,
        not_before: Option<SystemTime>,
        /// An address or CIDR range; a lone address means that address (`/32`, `/128`).
        ip_range: Option<String>,
    },
}

impl CloudFrontPolicy {
    /// Canned when there is nothing but an expiry; custom otherwise.
    pub fn new(
        expires: SystemTime,
        not_before: Option<SystemTime>,
        ip_range: Option<String>,
    ) -> Self {
        let ip_range = ip_range.filter(|r| !r.trim().is_empty());
        if not_before.is_none() && ip_range.is_none() {
            CloudFrontPolicy::Canned { expires }
        } else {
            CloudFrontPolicy::Custom {
                expires,
                not_before,
                ip_range,
            }
        }
    }

    pub fn expires(&self) -> SystemTime {
        match self {
            CloudFrontPolicy::Canned { expires } | CloudFrontPolicy::Custom { expires, .. } => {
                *expires
            }
        }
    }

    /// The policy document for `resource`, byte for byte as botocore writes it: compact JSON,
    /// conditions in the order DateLessThan, IpAddress, DateGreaterThan.
    fn document(&self, resource: &str) -> Result<String, CloudFrontError> {
        let (expires, not_before, ip_range) = match self {
            CloudFrontPolicy::Canned { expires } => (*expires, None, None),
            CloudFrontPolicy::Custom {
                expires,
                not_before,
                ip_range,
            } => (*expires, *not_before, ip_range.as_deref()),
        };
        let mut condition = format!(
            "{{\"DateLessThan\":{{\"AWS:EpochTime\":{}}}",
            epoch_seconds(expires)
        );
        if let Some(range) = ip_range {
            condition.push_str(&format!(
                ",\"IpAddress\":{{\"AWS:SourceIp\":{}}}",
                json_string(&cidr(range)?)
            ));
        }
        if let Some(start) = not_before {
            condition.push_str(&format!(
                ",\"DateGreaterThan\":{{\"AWS:EpochTime\":{}}}",
                epoch_seconds(start)
            ));
        }
        condition.push('}');
        Ok(format!(
            "{{\"Statement\":[{{\"Resource\":{},\"Condition\":{condition}}}]}}",
            json_string(resource)
        ))
    }
}

/// Bytes of a key left as they are in a URL path: the unreserved ones and `/`, as in S3 links.
const PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// The distribution's URL of an object: `https://DOMAIN/KEY`, the key percent-encoded by the
/// rules of S3 links (spaces, `+`, `%`, unicode encoded; `/` kept).
pub fn object_url(
    domain: &str,
    key: &ObjectKey,
    scheme: Scheme,
) -> Result<String, CloudFrontError> {
    let host = domain_host(domain)?;
    Ok(format!(
        "{}://{host}/{}",
        scheme.as_str(),
        utf8_percent_encode(key.as_str(), PATH)
    ))
}

/// The host of a distribution domain as people paste it (`https://d1.cloudfront.net/` too).
pub fn domain_host(domain: &str) -> Result<String, CloudFrontError> {
    let trimmed = domain.trim();
    let host = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .unwrap_or(trimmed)
        .trim_end_matches('/');
    let valid = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == ':');
    if valid {
        Ok(host.to_ascii_lowercase())
    } else {
        Err(CloudFrontError::BadDomain(domain.to_owned()))
    }
}

/// Signs `url` (a distribution URL, query allowed) for `policy` at `now`. A `#fragment` is
/// not signed — a browser never sends it, so CloudFront checks the URL without it — and stays
/// last, after the signature's query.
pub fn sign_url(
    url: &str,
    key: &CloudFrontKey,
    policy: &CloudFrontPolicy,
    now: SystemTime,
) -> Result<String, CloudFrontError> {
    let (url, fragment) = match url.find('#') {
        Some(at) => url.split_at(at),
        None => (url, ""),
    };
    let parsed = url::Url::parse(url).map_err(|_| CloudFrontError::BadUrl(url.to_owned()))?;
    if !matches!(parsed.scheme(), "https" | "http") || parsed.host_str().is_none() {
        return Err(CloudFrontError::BadUrl(url.to_owned()));
    }
    if epoch_seconds(policy.expires()) <= epoch_seconds(now) {
        return Err(CloudFrontError::InPast);
    }
    if let CloudFrontPolicy::Custom {
        not_before: Some(start),
        expires,
        ..
    } = policy
        && start >= expires
    {
        return Err(CloudFrontError::NeverValid);
    }
    let document = policy.document(url)?;
    let signature = sign(&key.private, document.as_bytes())?;
    let first = match policy {
        CloudFrontPolicy::Canned { expires } => format!("Expires={}", epoch_seconds(*expires)),
        CloudFrontPolicy::Custom { .. } => format!("Policy={}", url_base64(document.as_bytes())),
    };
    let separator = if url.contains('?') { '&' } else { '?' };
    Ok(format!(
        "{url}{separator}{first}&Signature={}&Key-Pair-Id={}{fragment}",
        url_base64(&signature),
        key.key_id
    ))
}

/// Checks the signature of a signed URL with the distribution's public key: what CloudFront
/// does before anything else.
pub fn verify_url(signed: &str, public: &RsaPublicKey) -> bool {
    let Some((base, query)) = split_signed(signed) else {
        return false;
    };
    let value = |name: &str| {
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
    };
    let document = match (value("Expires"), value("Policy")) {
        (Some(expires), None) => match expires.parse::<u64>() {
            Ok(secs) => CloudFrontPolicy::Canned {
                expires: UNIX_EPOCH + std::time::Duration::from_secs(secs),
            }
            .document(base)
            .ok()
            .map(String::into_bytes),
            Err(_) => None,
        },
        (None, Some(policy)) => url_base64_decode(policy).filter(|document| {
            // A custom policy names its resource: it must be this URL, as CloudFront checks.
            serde_json::from_slice::<serde_json::Value>(document)
                .ok()
                .and_then(|policy| {
                    policy["Statement"][0]["Resource"]
                        .as_str()
                        .map(|resource| matches_resource(resource, base))
                })
                .unwrap_or(false)
        }),
        _ => None,
    };
    let (Some(document), Some(signature)) =
        (document, value("Signature").and_then(url_base64_decode))
    else {
        return false;
    };
    let digest = Sha1::digest(&document);
    public
        .verify(Pkcs1v15Sign::new::<Sha1>(), &digest, &signature)
        .is_ok()
}

/// Whether `url` is what a policy's `resource` names (`*` matches any run of characters).
fn matches_resource(resource: &str, url: &str) -> bool {
    let mut parts = resource.split('*');
    let Some(first) = parts.next() else {
        return false;
    };
    let Some(mut rest) = url.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

/// What Renew needs of a signed URL: the URL as it was before signing, the key pair, and a
/// custom policy's IP range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedParts {
    pub url: String,
    pub key_pair_id: String,
    pub ip_range: Option<String>,
}

/// Reads a CloudFront signed URL back into its parts; `None` for anything else.
pub fn signed_parts(signed: &str) -> Option<SignedParts> {
    let (base, query) = split_signed(signed)?;
    let value = |name: &str| {
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
    };
    let ip_range = value("Policy")
        .and_then(url_base64_decode)
        .and_then(|document| serde_json::from_slice::<serde_json::Value>(&document).ok())
        .and_then(|policy| {
            policy["Statement"][0]["Condition"]["IpAddress"]["AWS:SourceIp"]
                .as_str()
                .map(str::to_owned)
        });
    let fragment = signed.find('#').map_or("", |at| &signed[at..]);
    Some(SignedParts {
        url: format!("{base}{fragment}"),
        key_pair_id: value("Key-Pair-Id")?.to_owned(),
        ip_range,
    })
}

/// The URL as signed, and the query CloudFront's parameters were added to.
fn split_signed(signed: &str) -> Option<(&str, &str)> {
    // The fragment was never signed, and is not part of the last parameter.
    let signed = signed.split_once('#').map_or(signed, |(before, _)| before);
    let at = ["?Expires=", "&Expires=", "?Policy=", "&Policy="]
        .iter()
        .filter_map(|marker| signed.find(marker))
        .min()?;
    Some((&signed[..at], &signed[at + 1..]))
}

fn sign(private: &RsaPrivateKey, document: &[u8]) -> Result<Vec<u8>, CloudFrontError> {
    let digest = Sha1::digest(document);
    private
        .sign(Pkcs1v15Sign::new::<Sha1>(), &digest)
        .map_err(|e| CloudFrontError::Sign(e.to_string()))
}

/// Base64 with CloudFront's URL-safe substitutions (`+` → `-`, `=` → `_`, `/` → `~`).
fn url_base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD
        .encode(bytes)
        .chars()
        .map(|c| match c {
            '+' => '-',
            '=' => '_',
            '/' => '~',
            c => c,
        })
        .collect()
}

fn url_base64_decode(text: &str) -> Option<Vec<u8>> {
    let standard: String = text
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '=',
            '~' => '/',
            c => c,
        })
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(standard)
        .ok()
}

/// Whole seconds since 1970, as the policy counts (earlier times count as 0).
fn epoch_seconds(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// An address or CIDR range, a lone address made `/32` (or `/128`), as botocore does for IPv4.
fn cidr(range: &str) -> Result<String, CloudFrontError> {
    let range = range.trim();
    let bad = || CloudFrontError::BadIpRange(range.to_owned());
    let (address, prefix) = match range.split_once('/') {
        Some((address, prefix)) => (address, Some(prefix)),
        None => (range, None),
    };
    let ip: IpAddr = address.parse().map_err(|_| bad())?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let prefix = match prefix {
        Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(bad)?,
        None => max,
    };
    Ok(format!("{ip}/{prefix}"))
}

/// `text` as a JSON string the way Python's `json.dumps` writes it (non-ASCII as `\u` escapes),
/// so policies match botocore's byte for byte.
fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_url_reads_back_into_its_parts() {
        let pem = include_str!("../../tests/vectors/cloudfront_test_key.pem");
        let key = CloudFrontKey::from_pem("K1", pem).unwrap();
        let now = UNIX_EPOCH + std::time::Duration::from_secs(1_790_000_000);
        let expires = now + std::time::Duration::from_secs(3600);
        let url = "https://d1.cloudfront.net/a%20b.pdf";
        let custom = CloudFrontPolicy::new(expires, None, Some("192.0.2.0/24".into()));
        let signed = sign_url(url, &key, &custom, now).unwrap();
        assert_eq!(
            signed_parts(&signed),
            Some(SignedParts {
                url: url.to_owned(),
                key_pair_id: "K1".into(),
                ip_range: Some("192.0.2.0/24".into()),
            })
        );
        let canned = sign_url(url, &key, &CloudFrontPolicy::new(expires, None, None), now).unwrap();
        assert_eq!(signed_parts(&canned).unwrap().ip_range, None);
        assert_eq!(
            signed_parts("https://b.s3.amazonaws.com/k?X-Amz-Signature=x"),
            None
        );
    }

    #[test]
    fn a_fragment_stays_last_and_is_not_signed() {
        let pem = include_str!("../../tests/vectors/cloudfront_test_key.pem");
        let key = CloudFrontKey::from_pem("K1", pem).unwrap();
        let public = key.public_key();
        let now = UNIX_EPOCH + std::time::Duration::from_secs(1_790_000_000);
        let expires = now + std::time::Duration::from_secs(3600);
        for policy in [
            CloudFrontPolicy::new(expires, None, None),
            CloudFrontPolicy::new(expires, None, Some("192.0.2.0/24".into())),
        ] {
            for (url, fragment) in [
                ("https://d1.cloudfront.net/doc.pdf", "#page=3"),
                ("https://d1.cloudfront.net/doc.pdf?v=2", "#page=3"),
                ("https://d1.cloudfront.net/doc.pdf", "#a?b=c"),
            ] {
                let signed = sign_url(&format!("{url}{fragment}"), &key, &policy, now).unwrap();
                // The browser never sends the fragment: CloudFront checks the URL without it.
                let without = sign_url(url, &key, &policy, now).unwrap();
                assert_eq!(signed, format!("{without}{fragment}"));
                assert!(verify_url(&signed, &public), "{signed}");
                assert!(verify_url(&without, &public), "{without}");
                let parts = signed_parts(&signed).unwrap();
                assert_eq!(parts.key_pair_id, "K1");
                assert_eq!(
                    parts.url,
                    format!("{url}{fragment}"),
                    "Renew signs it again"
                );
            }
        }
    }

    #[test]
    fn resources_match_exactly_or_by_wildcard() {
        let url = "https://d1.cloudfront.net/docs/a.pdf";
        assert!(matches_resource(url, url));
        assert!(matches_resource("https://d1.cloudfront.net/docs/*", url));
        assert!(matches_resource("https://*.cloudfront.net/*.pdf", url));
        assert!(!matches_resource(
            "https://d1.cloudfront.net/docs/b.pdf",
            url
        ));
        assert!(!matches_resource("https://d1.cloudfront.net/img/*", url));
    }

    #[test]
    fn ip_ranges_are_checked_and_lone_addresses_made_ranges() {
        assert_eq!(cidr("192.0.2.7").unwrap(), "192.0.2.7/32");
        assert_eq!(cidr(" 192.0.2.0/24 ").unwrap(), "192.0.2.0/24");
        assert_eq!(cidr("2001:db8::/32").unwrap(), "2001:db8::/32");
        for bad in ["192.0.2.0/33", "example.com", "1.2.3.4/x", ""] {
            assert!(cidr(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn json_strings_escape_as_python_does() {
        assert_eq!(json_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(json_string("é🎉"), "\"\\u00e9\\ud83c\\udf89\"");
    }

    #[test]
    fn domains_are_taken_as_people_paste_them() {
        assert_eq!(
            domain_host("https://D111.cloudfront.net/").unwrap(),
            "d111.cloudfront.net"
        );
        assert!(domain_host("d1.cloudfront.net/path?x").is_err());
        assert!(domain_host("").is_err());
    }

    #[test]
    fn keys_map_to_paths_as_in_s3_links() {
        let key = ObjectKey::new("a b/c+d~e%f ü.txt").unwrap();
        assert_eq!(
            object_url("d1.cloudfront.net", &key, Scheme::Https).unwrap(),
            "https://d1.cloudfront.net/a%20b/c%2Bd~e%25f%20%C3%BC.txt"
        );
    }
}
