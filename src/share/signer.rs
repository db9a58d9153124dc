//! Pre-signed GET and PUT links through aws-sdk-s3's `.presigned()`, and the addressing rules
//! (endpoint, region, path style, scheme) that every link Pail makes shares with POST forms.
//!
//! A [`Signer`] holds credentials that are already resolved, so signing does no I/O: the time
//! is an argument and the same inputs give the same URL.

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sdk_s3::config::endpoint::{Params, ResolveEndpoint};
use aws_sdk_s3::config::{BehaviorVersion, Region, RequestChecksumCalculation};
use aws_sdk_s3::presigning::{PresignedRequest, PresigningConfig};

use super::ShareError;
use super::expiry::{EffectiveExpiry, Expiry, ExpiryError, Lifetime};
use crate::fmt::error_text;
use crate::model::{BucketName, Endpoint, ObjectKey, Scheme};

/// Everything that decides what a link looks like apart from the object and its options.
#[derive(Debug, Clone)]
pub struct SignerConfig {
    pub credentials: Credentials,
    /// The bucket's own region: a link signed for another region is refused by AWS.
    pub region: String,
    pub endpoint: Endpoint,
    /// Path-style addressing (`host/bucket/key`) instead of virtual-hosted (`bucket.host/key`).
    pub path_style: bool,
}

/// The HTTP method of a pre-signed link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkMethod {
    Get,
    Put,
}

impl LinkMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkMethod::Get => "GET",
            LinkMethod::Put => "PUT",
        }
    }
}

/// Options of a download link.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GetOptions {
    /// `response-content-disposition`: see [`super::content_disposition`].
    pub content_disposition: Option<String>,
    /// `response-content-type`.
    pub content_type: Option<String>,
    /// `None`: the endpoint's default ([`Endpoint::default_scheme`]).
    pub scheme: Option<Scheme>,
    /// `versionId`: the link serves this version of the object, whatever is written later.
    pub version_id: Option<String>,
}

/// Options of an upload link.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PutOptions {
    /// When set, the uploader must send exactly this `Content-Type` header.
    pub content_type: Option<String>,
    pub scheme: Option<Scheme>,
    /// Sign `If-None-Match: *` into the link: the upload is refused if the key exists (on
    /// servers with conditional writes, as AWS S3 has), so the link cannot overwrite.
    pub no_overwrite: bool,
}

/// A pre-signed link and what its user needs to know about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresignedLink {
    pub method: LinkMethod,
    pub url: String,
    /// Headers the request must carry because the signature covers them (besides `host`).
    pub headers: Vec<(String, String)>,
    pub lifetime: Lifetime,
    /// When the link really stops working, given the credentials' own expiry.
    pub effective_expiry: EffectiveExpiry,
    /// The object's ETag when the link was made, where it was read (signing does no I/O: the
    /// worker fills it in), so the link doctor can tell a changed object.
    pub etag: Option<String>,
}

/// Signs links for one set of credentials, one region and one endpoint.
#[derive(Debug, Clone)]
pub struct Signer {
    config: SignerConfig,
    client: aws_sdk_s3::Client,
    /// The longest lifetime a link may have: SigV4's week unless the profile states its
    /// provider's own ([`Self::with_longest_link`]).
    longest: std::time::Duration,
    /// `http://files.example.com[:port]` when links go to a bucket named after its host
    /// ([`Self::on_bucket_host`]).
    bucket_host: Option<String>,
}

impl Signer {
    /// Builds the SDK client the links are made with. No network traffic: the credentials are
    /// static and the endpoint is computed locally.
    pub fn new(config: SignerConfig) -> Self {
        let mut builder = aws_sdk_s3::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(config.region.clone()))
            .credentials_provider(config.credentials.clone())
            .force_path_style(config.path_style)
            // The SDK would otherwise put a checksum of the empty body into PUT links, which
            // makes every real upload through them fail.
            .request_checksum_calculation(RequestChecksumCalculation::WhenRequired);
        if let Some(url) = config.endpoint.url_string() {
            builder = builder.endpoint_url(url);
        }
        let client = aws_sdk_s3::Client::from_conf(builder.build());
        Self {
            config,
            client,
            longest: super::MAX_LINK_LIFETIME,
            bucket_host: None,
        }
    }

    /// The same signer, its links on `origin` (`http://files.example.com`), the host of a
    /// bucket named after it: the path is the key alone and the signature covers that host,
    /// which is where S3 finds the bucket. The SDK cannot address a bucket by its whole host
    /// from an endpoint, so these links come from [`super::BulkSigner`].
    pub fn on_bucket_host(mut self, origin: &str) -> Self {
        self.bucket_host = Some(origin.trim_end_matches('/').to_owned());
        self
    }

    /// The origin links go to when the bucket is reached at its own host.
    pub fn bucket_host(&self) -> Option<&str> {
        self.bucket_host.as_deref()
    }

    /// The same signer, allowing links up to `longest` (a profile's `max_link_lifetime`).
    /// Links past a week come from [`super::BulkSigner`], whose URLs are the SDK's byte for
    /// byte: the SDK's presigner refuses them.
    pub fn with_longest_link(mut self, longest: std::time::Duration) -> Self {
        self.longest = longest;
        self
    }

    /// The longest lifetime this signer gives a link.
    pub fn longest_link(&self) -> std::time::Duration {
        self.longest
    }

    pub fn config(&self) -> &SignerConfig {
        &self.config
    }

    /// A link that downloads `key` until the expiry.
    pub async fn presign_get(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        options: &GetOptions,
        expiry: Expiry,
        now: SystemTime,
    ) -> Result<PresignedLink, ShareError> {
        if let Some(value) = &options.content_type {
            super::shell::check_header_value("Content-Type", value)?;
        }
        if let Some(value) = &options.content_disposition {
            super::shell::check_header_value("Content-Disposition", value)?;
        }
        if self.past_the_sdk(expiry, now)? || self.bucket_host.is_some() {
            return super::BulkSigner::new(self, bucket, options.scheme, expiry, now)
                .await?
                .get(key, options);
        }
        let (lifetime, presigning) = self.presigning(expiry, now)?;
        let request = self
            .client
            .get_object()
            .bucket(bucket.as_str())
            .key(key.as_str())
            .set_response_content_disposition(options.content_disposition.clone())
            .set_response_content_type(options.content_type.clone())
            .set_version_id(options.version_id.clone())
            .customize()
            .config_override(self.addressing_override(bucket))
            .presigned(presigning)
            .await
            .map_err(|e| ShareError::Presign(error_text(&e)))?;
        self.link(LinkMethod::Get, request, options.scheme, lifetime)
    }

    /// A link that uploads to `key` (replacing any object there) until the expiry.
    pub async fn presign_put(
        &self,
        bucket: &BucketName,
        key: &ObjectKey,
        options: &PutOptions,
        expiry: Expiry,
        now: SystemTime,
    ) -> Result<PresignedLink, ShareError> {
        if let Some(value) = &options.content_type {
            super::shell::check_header_value("Content-Type", value)?;
        }
        if self.past_the_sdk(expiry, now)? || self.bucket_host.is_some() {
            return super::BulkSigner::new(self, bucket, options.scheme, expiry, now)
                .await?
                .put(key, options);
        }
        let (lifetime, presigning) = self.presigning(expiry, now)?;
        let request = self
            .client
            .put_object()
            .bucket(bucket.as_str())
            .key(key.as_str())
            .set_content_type(options.content_type.clone())
            .set_if_none_match(options.no_overwrite.then(|| "*".to_owned()))
            .customize()
            .config_override(self.addressing_override(bucket))
            .presigned(presigning)
            .await
            .map_err(|e| ShareError::Presign(error_text(&e)))?;
        self.link(LinkMethod::Put, request, options.scheme, lifetime)
    }

    /// The URL of the bucket itself, where POST forms are sent, with the same addressing
    /// rules as links.
    pub async fn bucket_url(
        &self,
        bucket: &BucketName,
        scheme: Option<Scheme>,
    ) -> Result<String, ShareError> {
        let params = Params::builder()
            .bucket(bucket.as_str())
            .region(self.config.region.clone())
            .force_path_style(self.path_style_for(bucket))
            .set_endpoint(self.config.endpoint.url_string())
            .use_fips(false)
            .use_dual_stack(false)
            .accelerate(false)
            .build()
            .map_err(|e| ShareError::Endpoint {
                bucket: bucket.to_string(),
                reason: e.to_string(),
            })?;
        let endpoint = aws_sdk_s3::config::endpoint::DefaultResolver::new()
            .resolve_endpoint(&params)
            .await
            .map_err(|e| ShareError::Endpoint {
                bucket: bucket.to_string(),
                reason: e.to_string(),
            })?;
        let mut url = endpoint.url().trim_end_matches('/').to_owned();
        url.push('/');
        Ok(self.with_scheme(url, scheme))
    }

    /// Whether `bucket` is addressed path-style: on request, or when its name cannot be the
    /// first label of a TLS host name (dots, upper case).
    pub fn path_style_for(&self, bucket: &BucketName) -> bool {
        self.config.path_style || !bucket.is_tls_host_label()
    }

    /// Checks the expiry and the credentials at `now`.
    pub(crate) fn lifetime(&self, expiry: Expiry, now: SystemTime) -> Result<Lifetime, ShareError> {
        if let Some(end) = self.config.credentials.expiry()
            && end <= now
        {
            return Err(ExpiryError::CredentialsExpired {
                at: crate::local_time::utc_text(end),
            }
            .into());
        }
        Ok(expiry.resolve_within_limit(now, self.longest)?)
    }

    /// True when the link is to live longer than the SDK's presigner signs (a week, allowed
    /// by the profile's limit): Pail's own signer makes it then.
    fn past_the_sdk(&self, expiry: Expiry, now: SystemTime) -> Result<bool, ShareError> {
        Ok(self.lifetime(expiry, now)?.expires_in > super::MAX_LINK_LIFETIME)
    }

    pub(crate) fn effective_expiry(&self, lifetime: &Lifetime) -> EffectiveExpiry {
        lifetime.effective(self.config.credentials.expiry())
    }

    fn presigning(
        &self,
        expiry: Expiry,
        now: SystemTime,
    ) -> Result<(Lifetime, PresigningConfig), ShareError> {
        let lifetime = self.lifetime(expiry, now)?;
        let presigning = PresigningConfig::builder()
            .start_time(now)
            .expires_in(lifetime.expires_in)
            .build()
            .map_err(|e| ShareError::Presign(e.to_string()))?;
        Ok((lifetime, presigning))
    }

    fn addressing_override(&self, bucket: &BucketName) -> aws_sdk_s3::config::Builder {
        aws_sdk_s3::config::Builder::default().force_path_style(self.path_style_for(bucket))
    }

    fn link(
        &self,
        method: LinkMethod,
        request: PresignedRequest,
        scheme: Option<Scheme>,
        lifetime: Lifetime,
    ) -> Result<PresignedLink, ShareError> {
        let headers = request
            .headers()
            .filter(|(name, _)| !name.eq_ignore_ascii_case("host"))
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect();
        Ok(PresignedLink {
            method,
            url: self.with_scheme(request.uri().to_owned(), scheme),
            headers,
            effective_expiry: self.effective_expiry(&lifetime),
            lifetime,
            etag: None,
        })
    }

    /// Rewrites the scheme of a URL the SDK built for the endpoint's own scheme.
    fn with_scheme(&self, url: String, scheme: Option<Scheme>) -> String {
        let wanted = scheme.unwrap_or_else(|| self.config.endpoint.default_scheme());
        match url.split_once("://") {
            Some((current, rest)) if current != wanted.as_str() => {
                format!("{}://{rest}", wanted.as_str())
            }
            _ => url,
        }
    }
}
