//! Many links at once, at the speed of SigV4's arithmetic: the signing key is derived once
//! for the batch (access key, day, region, service) and each link costs one SHA-256 of its
//! canonical request and one HMAC, built here by one small function instead of aws-sdk-s3's
//! per-request orchestration. The links are the SDK's, byte for byte: the same host and path
//! (from the SDK's endpoint rules), the same query order, the same encoding. botocore's vectors
//! and the SDK itself check that (`tests/it/signing_vectors.rs`, `share::bulk::tests`).
//!
//! Signing is pure: the time is an argument, and nothing here does I/O once the batch is set
//! up.

use std::fmt::Write as _;
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

use super::expiry::{EffectiveExpiry, Expiry, Lifetime};
use super::signer::{GetOptions, LinkMethod, PresignedLink, PutOptions, Signer};
use super::{ShareError, shell};
use crate::model::{BucketName, ObjectKey, Scheme};

/// Links for the objects of one bucket, all expiring together, signed at one moment.
pub struct BulkSigner {
    /// `scheme://host` as the link starts.
    origin: String,
    host: String,
    /// The path before the key: `/`, or `/bucket/` path-style.
    path_prefix: String,
    /// On a bucket's own host the base URL's scheme is the link's: no other one answers there.
    fixed_scheme: bool,
    signing_key: Vec<u8>,
    /// `X-Amz-Credential`, encoded.
    credential: String,
    /// `20130524T000000Z`
    amz_date: String,
    /// `20130524/us-east-1/s3/aws4_request`
    scope: String,
    expires: u64,
    /// `X-Amz-Security-Token`, encoded.
    token: Option<String>,
    lifetime: Lifetime,
    effective_expiry: EffectiveExpiry,
}

impl std::fmt::Debug for BulkSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The signing key and the session token grant access: never printed.
        f.debug_struct("BulkSigner")
            .field("origin", &self.origin)
            .field("path_prefix", &self.path_prefix)
            .field("amz_date", &self.amz_date)
            .field("expires", &self.expires)
            .finish_non_exhaustive()
    }
}

impl BulkSigner {
    /// Sets up a batch for `bucket`: checks the expiry and the credentials at `now`, resolves
    /// the bucket's address as the SDK does (or takes the signer's bucket host, path `/`:
    /// [`Signer::on_bucket_host`]), and derives the signing key.
    pub async fn new(
        signer: &Signer,
        bucket: &BucketName,
        scheme: Option<Scheme>,
        expiry: Expiry,
        now: SystemTime,
    ) -> Result<Self, ShareError> {
        let lifetime = signer.lifetime(expiry, now)?;
        let effective_expiry = signer.effective_expiry(&lifetime);
        let url = match signer.bucket_host() {
            Some(origin) => format!("{origin}/"),
            None => signer.bucket_url(bucket, scheme).await?,
        };
        let (origin, path_prefix) = split_origin(&url).ok_or_else(|| ShareError::Endpoint {
            bucket: bucket.to_string(),
            reason: format!("`{url}` is not a URL with a host"),
        })?;
        let host = origin
            .split_once("://")
            .map(|(_, host)| host.to_owned())
            .unwrap_or_default();
        let config = signer.config();
        let (date, amz_date) = amz_dates(now);
        let scope = format!("{date}/{}/s3/aws4_request", config.region);
        let credentials = &config.credentials;
        let signing_key = aws_sigv4::sign::v4::generate_signing_key(
            credentials.secret_access_key(),
            now,
            &config.region,
            "s3",
        )
        .as_ref()
        .to_vec();
        Ok(Self {
            origin: origin.to_owned(),
            host,
            path_prefix: path_prefix.to_owned(),
            fixed_scheme: signer.bucket_host().is_some(),
            signing_key,
            credential: encode(&format!("{}/{scope}", credentials.access_key_id()), false),
            amz_date,
            scope,
            expires: lifetime.expires_in.as_secs(),
            token: credentials.session_token().map(|t| encode(t, false)),
            lifetime,
            effective_expiry,
        })
    }

    /// A link that downloads `key`.
    pub fn get(&self, key: &ObjectKey, options: &GetOptions) -> Result<PresignedLink, ShareError> {
        if let Some(value) = &options.content_type {
            shell::check_header_value("Content-Type", value)?;
        }
        if let Some(value) = &options.content_disposition {
            shell::check_header_value("Content-Disposition", value)?;
        }
        let mut leading = vec![("x-id", "GetObject".to_owned())];
        if let Some(value) = &options.content_disposition {
            leading.push(("response-content-disposition", encode(value, false)));
        }
        if let Some(value) = &options.content_type {
            leading.push(("response-content-type", encode(value, false)));
        }
        // After the response overrides, where aws-sdk-s3 puts it: the URL is the SDK's.
        if let Some(value) = &options.version_id {
            leading.push(("versionId", encode(value, false)));
        }
        let url = self.sign("GET", key, &leading, &[], options.scheme);
        Ok(self.link(LinkMethod::Get, url, Vec::new()))
    }

    /// A link that uploads to `key`.
    pub fn put(&self, key: &ObjectKey, options: &PutOptions) -> Result<PresignedLink, ShareError> {
        let mut headers = Vec::new();
        if let Some(value) = &options.content_type {
            shell::check_header_value("Content-Type", value)?;
            headers.push(("content-type", value.trim().to_owned()));
        }
        if options.no_overwrite {
            headers.push(("if-none-match", "*".to_owned()));
        }
        let leading = [("x-id", "PutObject".to_owned())];
        let url = self.sign("PUT", key, &leading, &headers, options.scheme);
        let headers = headers
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value))
            .collect();
        Ok(self.link(LinkMethod::Put, url, headers))
    }

    fn link(
        &self,
        method: LinkMethod,
        url: String,
        headers: Vec<(String, String)>,
    ) -> PresignedLink {
        PresignedLink {
            method,
            url,
            headers,
            lifetime: self.lifetime,
            effective_expiry: self.effective_expiry,
            etag: None,
        }
    }

    /// The signed URL: the operation's own query parameters (`leading`, encoded) first, then
    /// the signature's, as the SDK orders them; `headers` (lower-case names) are signed with
    /// `host`.
    fn sign(
        &self,
        method: &str,
        key: &ObjectKey,
        leading: &[(&str, String)],
        headers: &[(&str, String)],
        scheme: Option<Scheme>,
    ) -> String {
        let path = format!("{}{}", self.path_prefix, encode(key.as_str(), true));
        let mut signed_headers = String::new();
        let mut canonical_headers = String::new();
        let mut all_headers: Vec<(&str, &str)> = headers
            .iter()
            .map(|(name, value)| (*name, value.as_str()))
            .collect();
        all_headers.push(("host", &self.host));
        all_headers.sort_unstable_by_key(|(name, _)| *name);
        for (i, (name, value)) in all_headers.iter().enumerate() {
            if i > 0 {
                signed_headers.push(';');
            }
            signed_headers.push_str(name);
            let _ = writeln!(canonical_headers, "{name}:{value}");
        }
        let expires = self.expires.to_string();
        let signed_headers_value = encode(&signed_headers, false);
        let signing: [(&str, &str); 5] = [
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
            ("X-Amz-Credential", &self.credential),
            ("X-Amz-Date", &self.amz_date),
            ("X-Amz-Expires", &expires),
            ("X-Amz-SignedHeaders", &signed_headers_value),
        ];
        let mut query: Vec<(&str, &str)> = leading
            .iter()
            .map(|(name, value)| (*name, value.as_str()))
            .chain(signing.iter().copied())
            .collect();
        let url_query = join(&query);
        // The session token is signed, but the SDK writes it after the signature.
        if let Some(token) = &self.token {
            query.push(("X-Amz-Security-Token", token));
        }
        query.sort_unstable();
        let canonical = format!(
            "{method}\n{path}\n{}\n{canonical_headers}\n{signed_headers}\nUNSIGNED-PAYLOAD",
            join(&query)
        );
        let string_to_sign = format!(
            "AWS4-HMAC-SHA256\n{}\n{}\n{}",
            self.amz_date,
            self.scope,
            hex(&Sha256::digest(canonical.as_bytes()))
        );
        let signature =
            aws_sigv4::sign::v4::calculate_signature(&self.signing_key, string_to_sign.as_bytes());
        let origin = match scheme.filter(|_| !self.fixed_scheme) {
            Some(scheme) => match self.origin.split_once("://") {
                Some((_, host)) => format!("{}://{host}", scheme.as_str()),
                None => self.origin.clone(),
            },
            None => self.origin.clone(),
        };
        let mut url = format!("{origin}{path}?{url_query}&X-Amz-Signature={signature}");
        if let Some(token) = &self.token {
            url.push_str("&X-Amz-Security-Token=");
            url.push_str(token);
        }
        url
    }
}

/// `https://host/bucket/` → (`https://host`, `/bucket/`).
fn split_origin(url: &str) -> Option<(&str, &str)> {
    let (_, rest) = url.split_once("://")?;
    let path_start = rest
        .find('/')
        .map_or(url.len(), |i| url.len() - rest.len() + i);
    let (origin, path) = url.split_at(path_start);
    Some((origin, if path.is_empty() { "/" } else { path }))
}

/// (`20130524`, `20130524T000000Z`) for `now`, in UTC.
fn amz_dates(now: SystemTime) -> (String, String) {
    let secs = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs();
    let days = (secs / 86_400) as i64;
    let (year, month, day) = civil_from_days(days);
    let rest = secs % 86_400;
    let date = format!("{year:04}{month:02}{day:02}");
    let stamp = format!(
        "{date}T{:02}{:02}{:02}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    );
    (date, stamp)
}

/// The proleptic Gregorian date of day `days` since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// `name=value&…`
fn join(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(name);
        out.push('=');
        out.push_str(value);
    }
    out
}

/// Percent-encodes all but the unreserved characters (and `/` in a path), upper-case hex, as
/// SigV4 wants for S3.
pub(crate) fn encode(text: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    for &byte in text.as_bytes() {
        let plain = byte.is_ascii_alphanumeric()
            || matches!(byte, b'-' | b'.' | b'_' | b'~')
            || (keep_slash && byte == b'/');
        if plain {
            out.push(byte as char);
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.push('%');
            out.push(HEX[usize::from(byte >> 4)] as char);
            out.push(HEX[usize::from(byte & 15)] as char);
        }
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &byte in bytes {
        out.push(HEX[usize::from(byte >> 4)] as char);
        out.push(HEX[usize::from(byte & 15)] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Endpoint;
    use crate::share::SignerConfig;
    use aws_credential_types::Credentials;

    fn signer(token: Option<&str>, endpoint: Endpoint, path_style: bool) -> Signer {
        Signer::new(SignerConfig {
            credentials: Credentials::new(
                "AKIAIOSFODNN7EXAMPLE",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                token.map(str::to_owned),
                None,
                "test",
            ),
            region: "eu-west-1".into(),
            endpoint,
            path_style,
        })
    }

    const KEYS: &[&str] = &[
        "test.txt",
        "a b/c+d~e%f.txt",
        "q?a#b&c=d.bin",
        "ünïcødé/日本語 🎉.png",
        "dots/../and\\back:slash.txt",
        "quotes \"and\" 'single' $(cmd).txt",
        "//double//slashes/",
        "tab\there",
    ];

    #[tokio::test]
    async fn every_link_is_the_sdks_byte_for_byte() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_000_000);
        let expiry = Expiry::In(Duration::from_secs(3_600));
        let endpoints = [
            (Endpoint::Aws, false),
            (Endpoint::Aws, true),
            (Endpoint::custom("http://127.0.0.1:9000").unwrap(), true),
            (
                Endpoint::custom("https://minio.example:8443/base").unwrap(),
                false,
            ),
            (
                Endpoint::custom("http://127.0.0.1:9000/storage/s3/").unwrap(),
                true,
            ),
        ];
        let get_options = [
            GetOptions::default(),
            GetOptions {
                content_disposition: Some(
                    "attachment; filename=\"a b.pdf\"; filename*=UTF-8''a%20b.pdf".into(),
                ),
                content_type: Some("application/pdf".into()),
                scheme: Some(Scheme::Http),
                version_id: None,
            },
        ];
        let put_options = [
            PutOptions::default(),
            PutOptions {
                content_type: Some("image/png".into()),
                scheme: None,
                no_overwrite: true,
            },
        ];
        for token in [None, Some("FwoG/+token=with%odd")] {
            for (endpoint, path_style) in &endpoints {
                let signer = signer(token, endpoint.clone(), *path_style);
                for bucket in ["examplebucket", "dotted.bucket.name"] {
                    let bucket = BucketName::new(bucket).unwrap();
                    let bulk = BulkSigner::new(&signer, &bucket, None, expiry, now)
                        .await
                        .unwrap();
                    for key in KEYS {
                        let key = ObjectKey::new(*key).unwrap();
                        for options in &get_options {
                            let sdk = signer
                                .presign_get(&bucket, &key, options, expiry, now)
                                .await
                                .unwrap();
                            assert_eq!(bulk.get(&key, options).unwrap(), sdk, "GET {key}");
                        }
                        for options in &put_options {
                            let sdk = signer
                                .presign_put(&bucket, &key, options, expiry, now)
                                .await
                                .unwrap();
                            assert_eq!(bulk.put(&key, options).unwrap(), sdk, "PUT {key}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn dates_are_utc_calendar_days() {
        assert_eq!(
            amz_dates(SystemTime::UNIX_EPOCH + Duration::from_secs(1_369_353_600)),
            ("20130524".into(), "20130524T000000Z".into())
        );
        assert_eq!(
            amz_dates(SystemTime::UNIX_EPOCH + Duration::from_secs(951_868_799)),
            ("20000229".into(), "20000229T235959Z".into())
        );
        assert_eq!(amz_dates(SystemTime::UNIX_EPOCH).1, "19700101T000000Z");
    }

    #[test]
    fn the_signing_key_and_token_are_not_printed() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let signer = signer(Some("SECRET-SESSION"), Endpoint::Aws, false);
        let bulk = runtime
            .block_on(BulkSigner::new(
                &signer,
                &BucketName::new("examplebucket").unwrap(),
                None,
                Expiry::default(),
                SystemTime::now(),
            ))
            .unwrap();
        let printed = format!("{bulk:?}");
        assert!(!printed.contains("SECRET-SESSION"));
        assert!(!printed.contains("signing_key"));
    }
}
