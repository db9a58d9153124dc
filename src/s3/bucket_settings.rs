//! What a bucket is set to, for its properties: region, versioning (and turning it on or
//! suspending it), default encryption, Block Public Access and CORS rules. Each is read on its
//! own: a server that lacks one (s3s-fs has none of them) still shows the others.

use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::types::{BucketVersioningStatus, VersioningConfiguration};

use super::bucket_listing::refused;
use super::buckets::BucketError;
use super::connection::Connection;
use super::cors::CorsRule;
use crate::model::BucketName;

/// One setting as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Setting<T> {
    Set(T),
    /// The bucket has none (S3 says so with its own code).
    NotSet,
    /// Could not be read: the server does not have it, or refused; the reason.
    Unknown(String),
}

/// A bucket's versioning, as S3 reports it: a bucket whose versioning was never turned on
/// can never go back to that state, only to suspended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Versioning {
    Never,
    On,
    Suspended,
}

impl Versioning {
    pub fn label(self) -> &'static str {
        match self {
            Self::Never => "never turned on",
            Self::On => "on",
            Self::Suspended => "suspended",
        }
    }

    /// What the state means for the person's objects.
    pub fn meaning(self) -> &'static str {
        match self {
            Self::Never => "an overwrite or delete loses the old bytes",
            Self::On => {
                "every overwrite and delete keeps the old version; old versions are billed \
                 until deleted"
            }
            Self::Suspended => {
                "new writes keep no old version; versions kept while it was on stay until deleted"
            }
        }
    }
}

/// The bucket's default encryption rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encryption {
    /// `AES256` (SSE-S3), `aws:kms`, `aws:kms:dsse`.
    pub algorithm: String,
    pub kms_key: Option<String>,
    pub bucket_key: bool,
}

/// Block Public Access's four switches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PublicAccessBlock {
    pub block_public_acls: bool,
    pub ignore_public_acls: bool,
    pub block_public_policy: bool,
    pub restrict_public_buckets: bool,
}

impl PublicAccessBlock {
    pub fn all_on(&self) -> bool {
        self.block_public_acls
            && self.ignore_public_acls
            && self.block_public_policy
            && self.restrict_public_buckets
    }
}

/// Everything the Bucket properties window shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketProperties {
    pub region: Setting<String>,
    pub versioning: Setting<Versioning>,
    pub encryption: Setting<Vec<Encryption>>,
    pub public_access: Setting<PublicAccessBlock>,
    pub cors: Setting<Vec<CorsRule>>,
}

/// Why a setting answered with success but without its configuration is not known.
const NO_CONFIGURATION: &str = "the server answered without a configuration";

/// What an error reading a setting means: none set (S3's code for it), or not known.
fn setting_error<T, E: ProvideErrorMetadata + std::error::Error + 'static>(
    e: &aws_sdk_s3::error::SdkError<E, aws_sdk_s3::config::http::HttpResponse>,
    none_codes: &[&str],
) -> Setting<T> {
    if e.code().is_some_and(|code| none_codes.contains(&code)) {
        return Setting::NotSet;
    }
    if e.code() == Some("NotImplemented")
        || e.raw_response().map(|r| r.status().as_u16()) == Some(501)
    {
        return Setting::Unknown("this server does not support it".into());
    }
    Setting::Unknown(refused(e).to_string())
}

/// Reads every property, each on its own (one failing leaves the others).
pub async fn bucket_properties(
    connection: &Connection,
    bucket: &BucketName,
) -> Result<BucketProperties, BucketError> {
    let client = connection.client();
    let region = match crate::s3::connection::discover_bucket_region(client, bucket).await {
        Ok(region) => Setting::Set(region),
        Err(e) => Setting::Unknown(e.reason),
    };
    let versioning = versioning(connection, bucket).await;
    if let Setting::Unknown(why) = &versioning
        && why.contains("NoSuchBucket")
    {
        return Err(BucketError::NoSuchBucket(bucket.to_string()));
    }
    let encryption = match client
        .get_bucket_encryption()
        .bucket(bucket.as_str())
        .send()
        .await
    {
        // S3 says "none" with an error code; a success without a configuration (an empty
        // body) is no answer, not "no default encryption".
        Ok(output) if output.server_side_encryption_configuration().is_none() => {
            Setting::Unknown(NO_CONFIGURATION.into())
        }
        Ok(output) => Setting::Set(
            output
                .server_side_encryption_configuration()
                .map(|c| c.rules())
                .unwrap_or_default()
                .iter()
                .filter_map(|rule| {
                    let default = rule.apply_server_side_encryption_by_default()?;
                    Some(Encryption {
                        algorithm: default.sse_algorithm().as_str().to_owned(),
                        kms_key: default.kms_master_key_id().map(str::to_owned),
                        bucket_key: rule.bucket_key_enabled() == Some(true),
                    })
                })
                .collect(),
        ),
        Err(e) => setting_error(&e, &["ServerSideEncryptionConfigurationNotFoundError"]),
    };
    let public_access = match client
        .get_public_access_block()
        .bucket(bucket.as_str())
        .send()
        .await
    {
        Ok(output) => match output.public_access_block_configuration() {
            Some(c) => Setting::Set(PublicAccessBlock {
                block_public_acls: c.block_public_acls() == Some(true),
                ignore_public_acls: c.ignore_public_acls() == Some(true),
                block_public_policy: c.block_public_policy() == Some(true),
                restrict_public_buckets: c.restrict_public_buckets() == Some(true),
            }),
            // As for encryption: "none" is NoSuchPublicAccessBlockConfiguration; a success
            // without one is no answer, never "not blocked".
            None => Setting::Unknown(NO_CONFIGURATION.into()),
        },
        Err(e) => setting_error(&e, &["NoSuchPublicAccessBlockConfiguration"]),
    };
    let cors = match client
        .get_bucket_cors()
        .bucket(bucket.as_str())
        .send()
        .await
    {
        Ok(output) => match crate::s3::cors::rules_of(&output) {
            rules if rules.is_empty() => Setting::NotSet,
            rules => Setting::Set(rules),
        },
        Err(e) => setting_error(&e, &["NoSuchCORSConfiguration"]),
    };
    Ok(BucketProperties {
        region,
        versioning,
        encryption,
        public_access,
        cors,
    })
}

/// The bucket's versioning state.
pub async fn versioning(connection: &Connection, bucket: &BucketName) -> Setting<Versioning> {
    match connection
        .client()
        .get_bucket_versioning()
        .bucket(bucket.as_str())
        .send()
        .await
    {
        Ok(output) => Setting::Set(match output.status() {
            Some(BucketVersioningStatus::Enabled) => Versioning::On,
            Some(BucketVersioningStatus::Suspended) => Versioning::Suspended,
            _ => Versioning::Never,
        }),
        // moto answers with a `GetBucketVersioningResponse` element where S3 sends a
        // `VersioningConfiguration`, which the SDK refuses: a success whose body is one of the
        // two is read here. An HTML page or an empty body is neither, and stays unknown.
        Err(e) => match e.raw_response().filter(|r| r.status().is_success()) {
            Some(raw) => match raw.body().bytes().and_then(versioning_from_body) {
                Some(state) => Setting::Set(state),
                None => setting_error(&e, &[]),
            },
            None => setting_error(&e, &[]),
        },
    }
}

/// The state a GetBucketVersioning body gives (read as `s3::versions` reads it: S3's root or
/// moto's, nothing else).
fn versioning_from_body(body: &[u8]) -> Option<Versioning> {
    match crate::s3::versions::status_in(body).ok()?.as_deref() {
        None | Some("") => Some(Versioning::Never),
        Some("Enabled") => Some(Versioning::On),
        Some("Suspended") => Some(Versioning::Suspended),
        Some(_) => None,
    }
}

/// Turns versioning on (`true`) or suspends it (`false`).
pub async fn set_versioning(
    connection: &Connection,
    bucket: &BucketName,
    on: bool,
) -> Result<(), BucketError> {
    let status = match on {
        true => BucketVersioningStatus::Enabled,
        false => BucketVersioningStatus::Suspended,
    };
    connection
        .client()
        .put_bucket_versioning()
        .bucket(bucket.as_str())
        .versioning_configuration(VersioningConfiguration::builder().status(status).build())
        .send()
        .await
        .map_err(|e| refused(&e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_versioning_answer_is_read_from_s3s_root_or_motos() {
        let read = |body: &str| versioning_from_body(body.as_bytes());
        assert_eq!(
            read("<?xml version=\"1.0\"?>\n<VersioningConfiguration xmlns=\"x\"/>"),
            Some(Versioning::Never)
        );
        assert_eq!(
            read(
                "<GetBucketVersioningResponse xmlns=\"x\"><Status>Suspended</Status></GetBucketVersioningResponse>"
            ),
            Some(Versioning::Suspended)
        );
        assert_eq!(
            read("<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>"),
            Some(Versioning::On)
        );
        for not in [
            "",
            "<html><body>Sign in</body></html>",
            "<Error><Status>Enabled</Status></Error>",
            "<VersioningConfiguration><Status>Maybe</Status></VersioningConfiguration>",
            "<VersioningConfiguration>",
            "<VersioningConfiguration/><VersioningConfiguration/>",
        ] {
            assert_eq!(read(not), None, "{not}");
        }
    }
}
