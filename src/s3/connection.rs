//! A connection to S3: the one place an `aws_sdk_s3::Client` is built, from the standard AWS
//! configuration (environment, `~/.aws` profiles) plus Pail's options, and where a bucket's
//! own region is discovered and remembered.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::meta::region::RegionProviderChain;
use aws_credential_types::Credentials;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_sdk_s3::config::timeout::TimeoutConfig;
use aws_sdk_s3::config::{Region, RequestChecksumCalculation};
use aws_sdk_s3::error::SdkError;

use crate::fmt::error_text;
use crate::model::BucketName;
use crate::model::Endpoint;
use crate::share::{Signer, SignerConfig};

/// The region used when none is configured: S3's global endpoint answers there, and
/// S3-compatible servers generally ignore the region.
pub const DEFAULT_REGION: &str = "us-east-1";

/// How long region discovery may take before Pail signs with the configured region.
const REGION_LOOKUP_TIMEOUT: Duration = Duration::from_secs(10);

/// What to connect with; `None` fields come from the AWS configuration.
#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint: Option<Endpoint>,
    pub path_style: bool,
}

/// Why a connection could not be set up. Messages never include secrets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectError {
    #[error(
        "profile `{0}` is not defined (neither a Pail profile nor in the AWS config or credentials files)"
    )]
    UnknownProfile(String),
    #[error("could not read the AWS config files: {0}")]
    ConfigFiles(String),
    #[error("{0} is set but empty: unset it, or give it the server's URL")]
    EmptyEndpointVariable(&'static str),
    #[error(
        "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or name a profile with --profile"
    )]
    NoCredentials,
    #[error("could not get AWS credentials: {0}")]
    Credentials(String),
    #[error("invalid region `{0}`: use a region name such as eu-west-1")]
    InvalidRegion(String),
    #[error("profile `{profile}` cannot be used: {reason}")]
    RefusedEndpoint { profile: String, reason: String },
}

/// Why a bucket's region could not be found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("could not find the region of bucket `{bucket}`: {reason}")]
pub struct RegionLookupError {
    pub bucket: String,
    pub reason: String,
}

/// Buckets' regions, learnt once per connection.
#[derive(Debug, Clone, Default)]
pub struct RegionCache(Arc<Mutex<HashMap<String, String>>>);

impl RegionCache {
    pub fn get(&self, bucket: &BucketName) -> Option<String> {
        self.0
            .lock()
            .ok()
            .and_then(|map| map.get(bucket.as_str()).cloned())
    }

    pub fn insert(&self, bucket: &BucketName, region: String) {
        if let Ok(mut map) = self.0.lock() {
            map.insert(bucket.as_str().to_owned(), region);
        }
    }
}

/// A signer for one bucket, and what the person should know about how it was made.
#[derive(Debug, Clone)]
pub struct BucketSigner {
    pub signer: Signer,
    /// Set when the bucket's region could not be discovered and the configured one is used.
    pub warning: Option<RegionGuess>,
}

/// The bucket's region could not be found, so links are signed for the profile's region and
/// may be refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{lookup}; signing for {used}")]
pub struct RegionGuess {
    pub lookup: RegionLookupError,
    /// The region signed for instead.
    pub used: String,
}

/// A configured S3 client and the credentials behind it.
#[derive(Debug, Clone)]
pub struct Connection {
    client: aws_sdk_s3::Client,
    credentials: SharedCredentialsProvider,
    endpoint: Endpoint,
    region: String,
    /// A region the person chose is trusted; otherwise AWS buckets' regions are discovered.
    region_is_explicit: bool,
    path_style: bool,
    regions: RegionCache,
    /// The AWS profile name, for hints such as `aws sso login --profile NAME`.
    aws_profile: Option<String>,
    /// Which profile this is (`AWS/default`, `Pail/work`): what the upload journal records.
    identity: String,
    /// How long a data-carrying request may go without moving a byte.
    stall_timeout: Duration,
    /// The longest link its signers make, and where that limit comes from: the profile's.
    link_limit: crate::share::LinkLimit,
}

/// A region name as AWS and S3-compatible servers spell them: lower-case letters, digits, `-`.
pub fn validate_region(region: &str) -> Result<(), ConnectError> {
    let valid = !region.is_empty()
        && region.len() <= 64
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !region.starts_with('-')
        && !region.ends_with('-');
    if valid {
        Ok(())
    } else {
        Err(ConnectError::InvalidRegion(region.to_owned()))
    }
}

/// Checks that `profile` exists in the shared config or credentials file (the locations
/// `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE` point to, or `~/.aws`).
async fn check_profile_exists(profile: &str) -> Result<(), ConnectError> {
    let profiles = aws_config::profile::load(
        &aws_types::os_shim_internal::Fs::real(),
        &aws_types::os_shim_internal::Env::real(),
        &aws_runtime::env_config::file::EnvConfigFiles::default(),
        None,
    )
    .await
    .map_err(|e| ConnectError::ConfigFiles(error_text(&e)))?;
    if profiles.get_profile(profile).is_some() {
        Ok(())
    } else {
        Err(ConnectError::UnknownProfile(profile.to_owned()))
    }
}

impl Connection {
    /// Connects through the standard AWS chain: environment variables, then the shared
    /// profiles (`--profile`, `AWS_PROFILE`, or `default`), with Pail's overrides on top.
    ///
    /// No request is sent here; credentials are resolved when first needed.
    pub async fn from_aws_config(options: ConnectOptions) -> Result<Self, ConnectError> {
        if let Some(region) = &options.region {
            validate_region(region)?;
        }
        if let Some(profile) = &options.profile {
            check_profile_exists(profile).await?;
        }

        // The region comes from the options, the environment or the profile only: the default
        // chain would also ask the EC2 instance metadata service, a pointless wait on a desktop.
        let region = match &options.region {
            Some(region) => Some(Region::new(region.clone())),
            None => {
                let mut profile_region = aws_config::profile::ProfileFileRegionProvider::builder();
                if let Some(profile) = &options.profile {
                    profile_region = profile_region.profile_name(profile);
                }
                RegionProviderChain::first_try(
                    aws_config::environment::EnvironmentVariableRegionProvider::new(),
                )
                .or_else(profile_region.build())
                .region()
                .await
            }
        };
        let region_name = region
            .as_ref()
            .map(|r| r.as_ref().to_owned())
            .unwrap_or_else(|| DEFAULT_REGION.to_owned());

        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(region_name.clone()));
        if let Some(profile) = &options.profile {
            loader = loader.profile_name(profile);
        }
        let sdk_config = loader.load().await;
        let credentials = sdk_config
            .credentials_provider()
            .ok_or(ConnectError::NoCredentials)?;
        // An `endpoint_url` in the profile (or AWS_ENDPOINT_URL) counts as if it had been given:
        // links must name the host requests go to.
        // An endpoint variable set but empty hides the profile's own `endpoint_url` from
        // aws-config: taken as AWS, the profile's keys would go there. Refused by name.
        if options.endpoint.is_none()
            && let Some(variable) = ["AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"]
                .into_iter()
                .find(|v| std::env::var_os(v).is_some_and(|value| value.is_empty()))
        {
            return Err(ConnectError::EmptyEndpointVariable(variable));
        }
        let endpoint = match (&options.endpoint, configured_s3_endpoint(&sdk_config)) {
            (Some(endpoint), _) => endpoint.clone(),
            (None, Some(url)) => Endpoint::custom(&url).map_err(|e| {
                ConnectError::ConfigFiles(format!("the configured endpoint_url: {e}"))
            })?,
            (None, None) => Endpoint::Aws,
        };
        let client = build_client(
            &sdk_config,
            &endpoint,
            &region_name,
            options.path_style,
            credentials.clone(),
        );
        Ok(Self {
            client,
            credentials,
            endpoint,
            region: region_name,
            region_is_explicit: options.region.is_some(),
            path_style: options.path_style,
            regions: RegionCache::default(),
            identity: format!("AWS/{}", options.profile.as_deref().unwrap_or("default")),
            stall_timeout: crate::s3::stall::STALL_TIMEOUT,
            link_limit: crate::share::LinkLimit::default(),
            aws_profile: options.profile.clone(),
        })
    }

    /// A connection with fixed keys (saved profiles, the demo, tests). On AWS, buckets'
    /// regions are still discovered; `region` is where discovery starts.
    pub fn with_static_credentials(
        credentials: Credentials,
        region: &str,
        endpoint: Endpoint,
        path_style: bool,
    ) -> Self {
        let sdk_config = aws_types::SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .build();
        let credentials = SharedCredentialsProvider::new(credentials);
        let client = build_client(
            &sdk_config,
            &endpoint,
            region,
            path_style,
            credentials.clone(),
        );
        Self {
            client,
            credentials,
            endpoint,
            region: region.to_owned(),
            region_is_explicit: false,
            path_style,
            regions: RegionCache::default(),
            aws_profile: None,
            identity: "static".to_owned(),
            stall_timeout: crate::s3::stall::STALL_TIMEOUT,
            link_limit: crate::share::LinkLimit::default(),
        }
    }

    /// The same connection with another stall limit for uploads and downloads.
    pub fn with_stall_timeout(mut self, limit: Duration) -> Self {
        self.stall_timeout = limit;
        self
    }

    /// How long an upload or download may go without moving a byte before it fails.
    pub fn stall_timeout(&self) -> Duration {
        self.stall_timeout
    }

    /// The same connection, named as `identity` (see [`Self::identity`]).
    pub fn with_identity(mut self, identity: String) -> Self {
        self.identity = identity;
        self
    }

    /// The same connection, signing links up to the profile's `limit`.
    pub fn with_link_limit(mut self, limit: crate::share::LinkLimit) -> Self {
        self.link_limit = limit;
        self
    }

    /// How long its links may live, and why.
    pub fn link_limit(&self) -> &crate::share::LinkLimit {
        &self.link_limit
    }

    /// Which profile this connection belongs to, as the upload journal records it.
    pub fn identity(&self) -> &str {
        &self.identity
    }

    /// The same connection with another time budget per request.
    pub fn with_request_timeout(mut self, total: Duration) -> Self {
        let config = self
            .client
            .config()
            .to_builder()
            .timeout_config(request_timeouts(total))
            .build();
        self.client = aws_sdk_s3::Client::from_conf(config);
        self
    }

    pub fn client(&self) -> &aws_sdk_s3::Client {
        &self.client
    }

    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    pub fn region(&self) -> &str {
        &self.region
    }

    /// Resolves the credentials now (running `credential_process`, SSO or STS if the profile
    /// says so).
    pub async fn credentials(&self) -> Result<Credentials, ConnectError> {
        self.credentials
            .provide_credentials()
            .await
            .map_err(|e| match e {
                CredentialsError::CredentialsNotLoaded(_) => ConnectError::NoCredentials,
                other => {
                    let mut text = error_text(&other);
                    if text.to_ascii_lowercase().contains("sso") {
                        let profile = self.aws_profile.as_deref().unwrap_or("default");
                        text.push_str(&format!(
                            " — the SSO session is missing or expired: run `aws sso login --profile {profile}`"
                        ));
                    }
                    ConnectError::Credentials(text)
                }
            })
    }

    /// The region to sign for `bucket`: the configured one for custom endpoints or when the
    /// person named a region, otherwise the bucket's own region as S3 reports it.
    pub async fn bucket_region(&self, bucket: &BucketName) -> Result<String, RegionLookupError> {
        if self.region_is_explicit || matches!(self.endpoint, Endpoint::Custom(_)) {
            return Ok(self.region.clone());
        }
        if let Some(region) = self.regions.get(bucket) {
            return Ok(region);
        }
        let region = tokio::time::timeout(
            REGION_LOOKUP_TIMEOUT,
            discover_bucket_region(&self.client, bucket),
        )
        .await
        .map_err(|_| RegionLookupError {
            bucket: bucket.to_string(),
            reason: format!(
                "S3 did not answer within {} s",
                REGION_LOOKUP_TIMEOUT.as_secs()
            ),
        })??;
        self.regions.insert(bucket, region.clone());
        Ok(region)
    }

    /// A signer for links to objects in `bucket`, with freshly resolved credentials.
    pub async fn signer_for(&self, bucket: &BucketName) -> Result<BucketSigner, ConnectError> {
        let credentials = self.credentials().await?;
        let (region, warning) = match self.bucket_region(bucket).await {
            Ok(region) => (region, None),
            Err(lookup) => (
                self.region.clone(),
                Some(RegionGuess {
                    lookup,
                    used: self.region.clone(),
                }),
            ),
        };
        let signer = Signer::new(SignerConfig {
            credentials,
            region,
            endpoint: self.endpoint.clone(),
            path_style: self.path_style,
        })
        .with_longest_link(self.link_limit.longest);
        Ok(BucketSigner { signer, warning })
    }
}

/// How long one request may take, retries included, before the person is told.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Timeouts for a total budget per request: a third of it to connect, half for each attempt.
fn request_timeouts(total: Duration) -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(total / 3)
        .operation_attempt_timeout(total / 2)
        .operation_timeout(total)
        .build()
}

/// Timeouts for requests that carry object data (PutObject, UploadPart): connecting is
/// bounded as for any request, but there is no total budget — a part on a slow uplink takes as
/// long as it takes. Such requests are watched for stalls instead ([`crate::s3::stall`]).
pub fn data_timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(REQUEST_TIMEOUT / 3)
        .disable_operation_timeout()
        .disable_operation_attempt_timeout()
        .build()
}

/// The endpoint aws-sdk-s3 would send S3 requests to from this configuration, read as it
/// reads it: an S3-only setting (`AWS_ENDPOINT_URL_S3`, a `[services]` section's `s3 =
/// endpoint_url`) before the general `endpoint_url` — so links name the server requests go to,
/// and its path is given to the client under Pail's one rule.
fn configured_s3_endpoint(sdk_config: &aws_types::SdkConfig) -> Option<String> {
    let set = |url: String| Some(url).filter(|url| !url.trim().is_empty());
    let general = || sdk_config.endpoint_url().map(str::to_owned).and_then(set);
    if sdk_config.get_origin("endpoint_url").is_client_config() {
        return general();
    }
    let key = aws_types::service_config::ServiceConfigKey::builder()
        .service_id("S3")
        .env("AWS_ENDPOINT_URL")
        .profile("endpoint_url")
        .build()
        .ok()?;
    sdk_config
        .service_config()
        .and_then(|config| config.load_config(key))
        .and_then(set)
        .or_else(general)
}

fn build_client(
    sdk_config: &aws_types::SdkConfig,
    endpoint: &Endpoint,
    region: &str,
    path_style: bool,
    credentials: SharedCredentialsProvider,
) -> aws_sdk_s3::Client {
    let timeouts = request_timeouts(REQUEST_TIMEOUT);
    let mut builder = aws_sdk_s3::config::Builder::from(sdk_config)
        .region(Region::new(region.to_owned()))
        .credentials_provider(credentials)
        .force_path_style(path_style)
        .timeout_config(timeouts)
        .request_checksum_calculation(RequestChecksumCalculation::WhenRequired);
    // Pail's endpoint decides, not what the SDK read from the configuration: the two agree
    // but for an empty setting, which is no endpoint.
    builder.set_endpoint_url(endpoint.url_string());
    aws_sdk_s3::Client::from_conf(builder.build())
}

/// Asks S3 where `bucket` lives: HeadBucket's `x-amz-bucket-region` header, which S3 sends with
/// success, redirect and access-denied answers alike; GetBucketLocation otherwise.
pub async fn discover_bucket_region(
    client: &aws_sdk_s3::Client,
    bucket: &BucketName,
) -> Result<String, RegionLookupError> {
    let head_error = match client.head_bucket().bucket(bucket.as_str()).send().await {
        Ok(output) => match output.bucket_region() {
            Some(region) => return Ok(region.to_owned()),
            None => "HeadBucket answered without a region".to_owned(),
        },
        Err(SdkError::ServiceError(e)) => {
            if let Some(region) = e.raw().headers().get("x-amz-bucket-region") {
                return Ok(region.to_owned());
            }
            format!("HeadBucket failed with HTTP {}", e.raw().status().as_u16())
        }
        Err(other) => error_text(&other),
    };
    match client
        .get_bucket_location()
        .bucket(bucket.as_str())
        .send()
        .await
    {
        Ok(output) => Ok(match output.location_constraint().map(|c| c.as_str()) {
            // S3 reports us-east-1 as an empty constraint and eu-west-1 by its legacy name.
            None | Some("") => DEFAULT_REGION.to_owned(),
            Some("EU") => "eu-west-1".to_owned(),
            Some(region) => region.to_owned(),
        }),
        Err(e) => Err(RegionLookupError {
            bucket: bucket.to_string(),
            reason: format!("{head_error}; GetBucketLocation: {}", error_text(&e)),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_region_names() {
        for good in ["us-east-1", "eu-west-3", "auto", "garage"] {
            assert!(validate_region(good).is_ok(), "{good}");
        }
        for bad in ["", "US-EAST-1", "eu west", "-x", "x-", "a/b"] {
            assert!(validate_region(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn region_cache_remembers_per_bucket() {
        let cache = RegionCache::default();
        let a = BucketName::new("bucket-a").unwrap();
        let b = BucketName::new("bucket-b").unwrap();
        cache.insert(&a, "eu-central-1".into());
        assert_eq!(cache.get(&a).as_deref(), Some("eu-central-1"));
        assert_eq!(cache.get(&b), None);
    }
}
