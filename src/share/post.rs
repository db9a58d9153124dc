//! Pre-signed POST forms (browser uploads), which aws-sdk-s3 does not offer: the policy
//! document, its base64 form, and its SigV4 signature from aws-sigv4's primitives.
//!
//! [`sign_policy`] and [`build_form`] are pure: credentials, region and time are arguments.

use std::time::SystemTime;

use crate::local_time::{self, TimeZone};
use aws_credential_types::Credentials;
use aws_sigv4::sign::v4::{calculate_signature, generate_signing_key};
use base64::Engine as _;
use serde_json::{Value, json};

use super::ShareError;
use super::expiry::{EffectiveExpiry, Expiry, Lifetime};
use super::signer::Signer;
use crate::model::Scheme;
use crate::model::{BucketName, ObjectKey};

pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// One condition of a POST policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// `{"field": "value"}`: the form field must have exactly this value.
    Equals { field: String, value: String },
    /// `["starts-with", "$field", "prefix"]`.
    StartsWith { field: String, prefix: String },
    /// `["content-length-range", min, max]`: the file's size in bytes.
    ContentLengthRange { min: u64, max: u64 },
}

impl Condition {
    pub fn equals(field: impl Into<String>, value: impl Into<String>) -> Self {
        Condition::Equals {
            field: field.into(),
            value: value.into(),
        }
    }

    pub fn starts_with(field: impl Into<String>, prefix: impl Into<String>) -> Self {
        Condition::StartsWith {
            field: field.into(),
            prefix: prefix.into(),
        }
    }

    fn to_json(&self) -> Value {
        match self {
            Condition::Equals { field, value } => json!({ field.as_str(): value }),
            Condition::StartsWith { field, prefix } => {
                json!(["starts-with", format!("${field}"), prefix])
            }
            Condition::ContentLengthRange { min, max } => {
                json!(["content-length-range", min, max])
            }
        }
    }
}

/// Which keys the form may upload to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyRule {
    /// Exactly this key.
    Exact(ObjectKey),
    /// Any key starting with this prefix; the form's key field is the prefix followed by
    /// `${filename}`, which S3 replaces with the uploaded file's name.
    Prefix(String),
}

/// Which content types the form accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContentTypeRule {
    /// Exactly this type, sent as a fixed form field.
    Exact(String),
    /// Any type starting with this prefix (`image/`); the uploader fills the field.
    Prefix(String),
}

impl ContentTypeRule {
    /// A rule as people type it: `image/`, `image/*` or `image` + `/` for any image, anything
    /// else for exactly that type.
    pub fn parse(text: &str) -> Self {
        match text.strip_suffix('*').unwrap_or(text) {
            prefix if prefix.ends_with('/') => ContentTypeRule::Prefix(prefix.to_owned()),
            _ => ContentTypeRule::Exact(text.to_owned()),
        }
    }
}

/// What a POST form allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostRequest {
    pub bucket: BucketName,
    pub key: KeyRule,
    /// Inclusive bounds on the file size in bytes.
    pub content_length: Option<(u64, u64)>,
    pub content_type: Option<ContentTypeRule>,
    /// 200, 201 or 204: what S3 answers after a successful upload (201 returns an XML
    /// document naming the object, useful for scripts).
    pub success_action_status: Option<u16>,
    /// `x-amz-meta-NAME` fields, fixed in the policy. Names without the prefix.
    pub metadata: Vec<(String, String)>,
    pub expiry: Expiry,
    pub scheme: Option<Scheme>,
}

impl PostRequest {
    /// A form uploading any file to exactly `key`.
    pub fn new(bucket: BucketName, key: KeyRule) -> Self {
        Self {
            bucket,
            key,
            content_length: None,
            content_type: None,
            success_action_status: None,
            metadata: Vec::new(),
            expiry: Expiry::default(),
            scheme: None,
        }
    }
}

/// A signed form: where to send it and the fields to send before the file, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostForm {
    pub url: String,
    pub fields: FormFields,
    /// A `Content-Type` prefix the uploader's field must start with, when the policy has one:
    /// there is no fixed value to put among the fields.
    pub content_type_prefix: Option<String>,
    pub lifetime: Lifetime,
    pub effective_expiry: EffectiveExpiry,
}

impl PostForm {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The fields that authenticate a form: the policy and its signature, plus the values the
/// policy had to name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedPolicy {
    pub credential: String,
    pub date: String,
    pub security_token: Option<String>,
    pub policy_base64: String,
    pub signature: String,
}

/// Signs an already base64-encoded policy: the policy text itself is the string to sign.
pub fn sign_policy_base64(
    secret_access_key: &str,
    region: &str,
    date: SystemTime,
    policy_base64: &str,
) -> String {
    let signing_key = generate_signing_key(secret_access_key, date, region, "s3");
    calculate_signature(signing_key, policy_base64.as_bytes())
}

/// `20151229T000000Z`
fn amz_date(t: SystemTime) -> String {
    local_time::format(t, &TimeZone::UTC, "%Y%m%dT%H%M%SZ")
}

/// Builds the policy document for `conditions`, adds the authentication conditions, and signs
/// it at `now`.
pub fn sign_policy(
    credentials: &Credentials,
    region: &str,
    conditions: &[Condition],
    expiration: SystemTime,
    now: SystemTime,
) -> SignedPolicy {
    let date = amz_date(now);
    let credential = format!(
        "{}/{}/{region}/s3/aws4_request",
        credentials.access_key_id(),
        &date[..8]
    );
    let mut all: Vec<Value> = conditions.iter().map(Condition::to_json).collect();
    all.push(json!({ "x-amz-algorithm": ALGORITHM }));
    all.push(json!({ "x-amz-credential": credential }));
    all.push(json!({ "x-amz-date": date }));
    if let Some(token) = credentials.session_token() {
        all.push(json!({ "x-amz-security-token": token }));
    }
    let expiration = local_time::format(expiration, &TimeZone::UTC, "%Y-%m-%dT%H:%M:%S%.3fZ");
    let policy = json!({ "expiration": expiration, "conditions": all }).to_string();
    let policy_base64 = base64::engine::general_purpose::STANDARD.encode(policy);
    let signature =
        sign_policy_base64(credentials.secret_access_key(), region, now, &policy_base64);
    SignedPolicy {
        credential,
        date,
        security_token: credentials.session_token().map(str::to_owned),
        policy_base64,
        signature,
    }
}

/// Form fields in the order they are sent.
pub type FormFields = Vec<(String, String)>;

/// The policy conditions and the leading form fields that `request` implies, in the order
/// boto3 uses: the fields the person controls first, authentication last.
fn conditions_and_fields(
    request: &PostRequest,
) -> Result<(Vec<Condition>, FormFields), ShareError> {
    let mut conditions = vec![Condition::equals("bucket", request.bucket.as_str())];
    let mut fields = Vec::new();
    match &request.key {
        KeyRule::Exact(key) => {
            conditions.push(Condition::equals("key", key.as_str()));
            fields.push(("key".to_owned(), key.as_str().to_owned()));
        }
        KeyRule::Prefix(prefix) => {
            conditions.push(Condition::starts_with("key", prefix.as_str()));
            fields.push(("key".to_owned(), format!("{prefix}${{filename}}")));
        }
    }
    match &request.content_type {
        Some(ContentTypeRule::Exact(ct)) => {
            conditions.push(Condition::equals("Content-Type", ct.as_str()));
            fields.push(("Content-Type".to_owned(), ct.clone()));
        }
        Some(ContentTypeRule::Prefix(prefix)) => {
            conditions.push(Condition::starts_with("Content-Type", prefix.as_str()));
        }
        None => {}
    }
    if let Some((min, max)) = request.content_length {
        if min > max {
            return Err(ShareError::InvalidPostForm(format!(
                "the minimum size ({min} bytes) is larger than the maximum ({max} bytes)"
            )));
        }
        conditions.push(Condition::ContentLengthRange { min, max });
    }
    if let Some(status) = request.success_action_status {
        if !matches!(status, 200 | 201 | 204) {
            return Err(ShareError::InvalidPostForm(format!(
                "success_action_status must be 200, 201 or 204, not {status}"
            )));
        }
        conditions.push(Condition::equals(
            "success_action_status",
            status.to_string(),
        ));
        fields.push(("success_action_status".to_owned(), status.to_string()));
    }
    for (name, value) in &request.metadata {
        let valid = !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'));
        if !valid {
            return Err(ShareError::InvalidPostForm(format!(
                "metadata name `{name}` may hold only letters, digits, '-' and '_'"
            )));
        }
        let field = format!("x-amz-meta-{}", name.to_ascii_lowercase());
        conditions.push(Condition::equals(field.as_str(), value.as_str()));
        fields.push((field, value.clone()));
    }
    Ok((conditions, fields))
}

/// Builds and signs the form for `request` at `now`, posting to `url`.
pub fn build_form(
    signer: &Signer,
    request: &PostRequest,
    url: String,
    now: SystemTime,
) -> Result<PostForm, ShareError> {
    let lifetime = signer.lifetime(request.expiry, now)?;
    if let Some(ContentTypeRule::Exact(value) | ContentTypeRule::Prefix(value)) =
        &request.content_type
    {
        super::shell::check_header_value("Content-Type", value)?;
    }
    for (name, value) in &request.metadata {
        super::shell::check_header_value(&format!("x-amz-meta-{name}"), value)?;
    }
    let (conditions, mut fields) = conditions_and_fields(request)?;
    let config = signer.config();
    let signed = sign_policy(
        &config.credentials,
        &config.region,
        &conditions,
        lifetime.expires_at,
        now,
    );
    fields.push(("x-amz-algorithm".to_owned(), ALGORITHM.to_owned()));
    fields.push(("x-amz-credential".to_owned(), signed.credential));
    fields.push(("x-amz-date".to_owned(), signed.date));
    if let Some(token) = signed.security_token {
        fields.push(("x-amz-security-token".to_owned(), token));
    }
    fields.push(("policy".to_owned(), signed.policy_base64));
    fields.push(("x-amz-signature".to_owned(), signed.signature));
    let content_type_prefix = match &request.content_type {
        Some(ContentTypeRule::Prefix(prefix)) => Some(prefix.clone()),
        _ => None,
    };
    Ok(PostForm {
        url,
        fields,
        content_type_prefix,
        effective_expiry: signer.effective_expiry(&lifetime),
        lifetime,
    })
}

impl Signer {
    /// A signed browser-upload form for `request`, like boto3's `generate_presigned_post`.
    pub async fn presign_post(
        &self,
        request: &PostRequest,
        now: SystemTime,
    ) -> Result<PostForm, ShareError> {
        let url = self.bucket_url(&request.bucket, request.scheme).await?;
        build_form(self, request, url, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> SystemTime {
        SystemTime::from(text.parse::<jiff::Timestamp>().unwrap())
    }

    const ACCESS_KEY: &str = "AKIAIOSFODNN7EXAMPLE";
    const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    /// The policy of the AWS documentation's example "Browser-Based Upload using HTTP POST
    /// (Using AWS Signature Version 4)" (sigv4-post-example), with its CRLF line endings.
    fn documented_policy() -> String {
        [
            r#"{ "expiration": "2015-12-30T12:00:00.000Z","#,
            r#"  "conditions": ["#,
            r#"    {"bucket": "sigv4examplebucket"},"#,
            r#"    ["starts-with", "$key", "user/user1/"],"#,
            r#"    {"acl": "public-read"},"#,
            r#"    {"success_action_redirect": "http://sigv4examplebucket.s3.amazonaws.com/successful_upload.html"},"#,
            r#"    ["starts-with", "$Content-Type", "image/"],"#,
            r#"    {"x-amz-meta-uuid": "14365123651274"},"#,
            r#"    {"x-amz-server-side-encryption": "AES256"},"#,
            r#"    ["starts-with", "$x-amz-meta-tag", ""],"#,
            "",
            r#"    {"x-amz-credential": "AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request"},"#,
            r#"    {"x-amz-algorithm": "AWS4-HMAC-SHA256"},"#,
            r#"    {"x-amz-date": "20151229T000000Z" }"#,
            r#"  ]"#,
            r#"}"#,
        ]
        .join("\r\n")
    }

    /// The base64 policy published in that example.
    const DOCUMENTED_POLICY_BASE64: &str = "eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9";

    /// The signature published in that example.
    const DOCUMENTED_SIGNATURE: &str =
        "8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e";

    fn example_date() -> SystemTime {
        utc("2015-12-29T00:00:00Z")
    }

    #[test]
    fn reproduces_the_documented_post_example() {
        let policy_base64 = base64::engine::general_purpose::STANDARD.encode(documented_policy());
        assert_eq!(policy_base64, DOCUMENTED_POLICY_BASE64);
        let signature = sign_policy_base64(SECRET_KEY, "us-east-1", example_date(), &policy_base64);
        assert_eq!(signature, DOCUMENTED_SIGNATURE);
    }

    #[test]
    fn builds_the_documented_conditions() {
        // The same conditions through the policy builder: the document differs only in
        // whitespace and in the order of the three authentication conditions.
        let credentials = Credentials::new(ACCESS_KEY, SECRET_KEY, None, None, "test");
        let conditions = [
            Condition::equals("bucket", "sigv4examplebucket"),
            Condition::starts_with("key", "user/user1/"),
            Condition::equals("acl", "public-read"),
            Condition::equals(
                "success_action_redirect",
                "http://sigv4examplebucket.s3.amazonaws.com/successful_upload.html",
            ),
            Condition::starts_with("Content-Type", "image/"),
            Condition::equals("x-amz-meta-uuid", "14365123651274"),
            Condition::equals("x-amz-server-side-encryption", "AES256"),
            Condition::starts_with("x-amz-meta-tag", ""),
        ];
        let expiration = utc("2015-12-30T12:00:00Z");
        let signed = sign_policy(
            &credentials,
            "us-east-1",
            &conditions,
            expiration,
            example_date(),
        );
        assert_eq!(
            signed.credential,
            "AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request"
        );
        assert_eq!(signed.date, "20151229T000000Z");

        let decode = |b64: &str| -> Value {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(b64)
                .unwrap();
            serde_json::from_slice(&bytes).unwrap()
        };
        let ours = decode(&signed.policy_base64);
        let mut documented = decode(DOCUMENTED_POLICY_BASE64);
        let auth_first = documented["conditions"].as_array_mut().unwrap();
        // The document lists credential, algorithm, date; Pail lists algorithm, credential, date.
        auth_first.swap(8, 9);
        assert_eq!(ours, documented);
        // And the signature is the one of the policy as encoded.
        assert_eq!(
            signed.signature,
            sign_policy_base64(
                SECRET_KEY,
                "us-east-1",
                example_date(),
                &signed.policy_base64
            )
        );
    }

    #[test]
    fn session_token_is_a_condition() {
        let credentials =
            Credentials::new(ACCESS_KEY, SECRET_KEY, Some("TOKEN".into()), None, "test");
        let signed = sign_policy(
            &credentials,
            "eu-west-1",
            &[],
            example_date(),
            example_date(),
        );
        assert_eq!(signed.security_token.as_deref(), Some("TOKEN"));
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&signed.policy_base64)
            .unwrap();
        let policy: Value = serde_json::from_slice(&bytes).unwrap();
        assert!(
            policy["conditions"]
                .as_array()
                .unwrap()
                .contains(&json!({"x-amz-security-token": "TOKEN"}))
        );
    }

    #[test]
    fn key_prefix_uses_filename_placeholder() {
        let request = PostRequest::new(
            BucketName::new("bucket").unwrap(),
            KeyRule::Prefix("incoming/".into()),
        );
        let (conditions, fields) = conditions_and_fields(&request).unwrap();
        assert!(conditions.contains(&Condition::starts_with("key", "incoming/")));
        assert_eq!(
            fields,
            vec![("key".to_owned(), "incoming/${filename}".to_owned())]
        );
    }

    #[test]
    fn refuses_inverted_size_range_and_odd_status() {
        let mut request = PostRequest::new(
            BucketName::new("bucket").unwrap(),
            KeyRule::Exact(ObjectKey::new("k").unwrap()),
        );
        request.content_length = Some((10, 5));
        assert!(matches!(
            conditions_and_fields(&request),
            Err(ShareError::InvalidPostForm(_))
        ));
        request.content_length = None;
        request.success_action_status = Some(302);
        assert!(matches!(
            conditions_and_fields(&request),
            Err(ShareError::InvalidPostForm(_))
        ));
    }
}
