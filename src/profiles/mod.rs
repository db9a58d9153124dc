//! The profiles a person can pick: Pail's saved profiles ([`store`]), the demo server, the
//! environment's credentials, and every profile in the shared AWS config and credentials files,
//! each able to open a [`Connection`].

pub(crate) mod store;
pub mod ways_out;

use aws_credential_types::Credentials;

use crate::fmt::error_text;
use crate::model::Endpoint;
use crate::s3::connection::{ConnectError, ConnectOptions, Connection};

/// Where a profile comes from, shown as a badge next to its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileSource {
    /// Saved by Pail (the Profiles window).
    Pail,
    Demo,
    Environment,
    AwsConfig,
}

impl ProfileSource {
    pub fn label(self) -> &'static str {
        match self {
            ProfileSource::Pail => "Pail",
            ProfileSource::Demo => "Demo",
            ProfileSource::Environment => "Env",
            ProfileSource::AwsConfig => "AWS",
        }
    }
}

/// How a profile connects.
#[derive(Debug, Clone)]
pub enum ProfileAccess {
    /// The standard AWS chain, with this named profile (`None`: environment and default).
    AwsChain { profile: Option<String> },
    /// Fixed keys for a given endpoint. `Credentials` never prints its secret.
    Static {
        credentials: Credentials,
        region: String,
        endpoint: Endpoint,
        path_style: bool,
    },
    /// A saved profile whose endpoint this Pail refuses (written by hand, or by a Pail with
    /// other rules): connecting says why, rather than sending its keys to AWS instead.
    Refused { reason: String },
}

#[derive(Debug, Clone)]
pub struct Profile {
    pub name: String,
    pub source: ProfileSource,
    /// The configured region, if any (for display).
    pub region: Option<String>,
    /// A custom endpoint, if any (for display).
    pub endpoint: Option<String>,
    pub access: ProfileAccess,
    /// A bucket to show and test when the keys may not list buckets.
    pub default_bucket: Option<String>,
    /// The longest link the profile says its provider accepts (`max_link_lifetime`; in
    /// `~/.aws/config`, `pail_max_link_lifetime`): see [`Self::link_limit`].
    pub max_link_lifetime: Option<std::time::Duration>,
    /// Its keys do not expire: an access key without a session token (for an AWS profile, no
    /// role, SSO or process either). Links it signs live as long as they say.
    pub long_term_keys: bool,
}

impl Profile {
    /// A saved Pail profile, ready to connect.
    pub fn from_saved(saved: &store::SavedProfile) -> Self {
        let endpoint = match saved.endpoint.as_deref().map(Endpoint::custom) {
            // Another provider's keys are for its own server: a profile that names none (written
            // by hand, or by a newer Pail for a provider this one does not know) never sends them
            // to AWS.
            None if saved.provider != store::Provider::Aws => Err(format!(
                "it is a {} profile but names no endpoint: add its server's URL",
                saved.provider.label()
            )),
            None => Ok(Endpoint::Aws),
            Some(Ok(endpoint)) => Ok(endpoint),
            Some(Err(e)) => Err(e.to_string()),
        };
        // No keys sign nothing S3 accepts: said before a link is made with an empty key.
        let endpoint = endpoint.and_then(|endpoint| {
            if saved.access_key_id.trim().is_empty() || saved.secret_access_key.expose().is_empty()
            {
                Err(
                    "it has no access key or secret key (credentials.toml holds none for it)"
                        .to_owned(),
                )
            } else {
                Ok(endpoint)
            }
        });
        let credentials = Credentials::new(
            saved.access_key_id.trim(),
            saved.secret_access_key.expose(),
            saved
                .session_token
                .as_ref()
                .filter(|t| !t.is_empty())
                .map(|t| t.expose().to_owned()),
            None,
            "pail-profile",
        );
        Self {
            name: saved.name.clone(),
            source: ProfileSource::Pail,
            region: Some(saved.region.clone()),
            endpoint: saved.endpoint.clone(),
            access: match endpoint {
                Ok(endpoint) => ProfileAccess::Static {
                    credentials,
                    region: saved.region.clone(),
                    endpoint,
                    path_style: saved.path_style,
                },
                Err(reason) => ProfileAccess::Refused { reason },
            },
            default_bucket: saved.default_bucket.clone(),
            max_link_lifetime: saved.max_link_lifetime,
            long_term_keys: !saved.access_key_id.trim().is_empty()
                && saved
                    .session_token
                    .as_ref()
                    .is_none_or(|token| token.is_empty()),
        }
    }

    /// A profile with fixed keys for an S3-compatible endpoint (the demo server, tests).
    pub fn fixed(
        name: &str,
        source: ProfileSource,
        credentials: Credentials,
        endpoint: Endpoint,
        region: &str,
    ) -> Self {
        let long_term_keys =
            credentials.session_token().is_none() && credentials.expiry().is_none();
        let endpoint_text = endpoint.name();
        Self {
            name: name.to_owned(),
            source,
            region: Some(region.to_owned()),
            endpoint: endpoint_text,
            access: ProfileAccess::Static {
                credentials,
                region: region.to_owned(),
                endpoint,
                path_style: true,
            },
            default_bucket: None,
            max_link_lifetime: None,
            long_term_keys,
        }
    }

    /// Why browser upload forms (POST policies) will not work with this profile's server, if
    /// they will not: Cloudflare R2 and Backblaze B2 do not accept them (their users report
    /// so), whether the profile names the provider or only its endpoint.
    pub fn post_forms_unsupported(&self) -> Option<&'static str> {
        let host = self
            .endpoint
            .as_deref()
            .and_then(|e| url::Url::parse(e).ok())
            .and_then(|u| u.host_str().map(str::to_ascii_lowercase))?;
        if host.ends_with(".r2.cloudflarestorage.com") {
            Some(
                "Cloudflare R2 does not accept browser upload forms (POST): use an upload URL (PUT)",
            )
        } else if host.ends_with(".backblazeb2.com") {
            Some(
                "Backblaze B2 does not accept browser upload forms (POST): use an upload URL (PUT)",
            )
        } else {
            None
        }
    }

    /// Where `bucket` is as this profile reaches it, whatever the profile is called: its server
    /// and the bucket. Two profiles on one server and bucket give one place. AWS's buckets
    /// share one namespace, whatever the region or the endpoint's spelling.
    pub fn bucket_place(&self, bucket: &str) -> String {
        let server = match self.endpoint.as_deref().map(Endpoint::custom) {
            None | Some(Ok(Endpoint::Aws)) => "aws".to_owned(),
            Some(Ok(ref endpoint @ Endpoint::Custom(ref url))) => {
                let host = url.host_str().unwrap_or("").to_ascii_lowercase();
                let loopback = host == "localhost"
                    || host
                        .trim_matches(['[', ']'])
                        .parse::<std::net::IpAddr>()
                        .is_ok_and(|ip| ip.is_loopback());
                // This computer, however it is named: one server per port.
                let host = if loopback {
                    "loopback".to_owned()
                } else {
                    host
                };
                if host == "amazonaws.com" || host.ends_with(".amazonaws.com") {
                    "aws".to_owned()
                } else {
                    let port = url.port_or_known_default().unwrap_or(0);
                    // `…/s3` and `…/s3/` are one server: the path as `Endpoint` has it.
                    let path = endpoint.base_path().trim_end_matches('/');
                    format!("{host}:{port}{path}")
                }
            }
            // Not an endpoint Pail takes: compared as written.
            Some(Err(_)) => self.endpoint.clone().unwrap_or_default(),
        };
        format!("s3://{server}|{bucket}|")
    }

    /// Names the profile apart from any other: its source and its name, so a Pail profile
    /// `default` and the AWS profile `default` are not mistaken for each other.
    pub fn identity(&self) -> String {
        format!("{}/{}", self.source.label(), self.name)
    }

    /// How long this profile's links may live, where that comes from, and why a stated limit
    /// was ignored (on AWS, past 7 days).
    pub fn link_limit(&self) -> (crate::share::LinkLimit, Option<String>) {
        let on_aws = crate::share::link_limit::is_aws_endpoint(self.endpoint.as_deref());
        crate::share::LinkLimit::for_profile(&self.name, on_aws, self.max_link_lifetime)
    }

    /// The longest link on `endpoint`, where the profile's connection really goes, and what
    /// to say of it: the profile's own limit on the server it names; elsewhere (an endpoint
    /// from the environment, or a `[services]` section's) that server's kind's, and a word
    /// when the profile stated one.
    pub fn link_limit_on(&self, endpoint: &Endpoint) -> (crate::share::LinkLimit, Option<String>) {
        let own = match self.endpoint.as_deref() {
            Some(text) => Endpoint::custom(text).ok(),
            None => Some(Endpoint::Aws),
        };
        if own.as_ref() == Some(endpoint) {
            return self.link_limit();
        }
        let name = endpoint.name();
        let on_aws = crate::share::link_limit::is_aws_endpoint(name.as_deref());
        let (limit, _) = crate::share::LinkLimit::for_profile(&self.name, on_aws, None);
        let note = self.max_link_lifetime.map(|_| {
            format!(
                "profile `{}`'s longest link is for its own server, not {}: links there keep \
                 the {}-day limit",
                self.name,
                name.as_deref().unwrap_or("AWS"),
                limit.longest.as_secs() / 86_400
            )
        });
        (limit, note)
    }

    /// Opens a connection. For AWS profiles this reads the config files; no request is sent.
    pub async fn connect(&self) -> Result<Connection, ConnectError> {
        self.connect_inner().await.map(|connection| {
            let (limit, _) = self.link_limit_on(connection.endpoint());
            connection
                .with_identity(self.identity())
                .with_link_limit(limit)
        })
    }

    async fn connect_inner(&self) -> Result<Connection, ConnectError> {
        match &self.access {
            ProfileAccess::AwsChain { profile } => {
                let endpoint = match &self.endpoint {
                    Some(url) => Some(Endpoint::custom(url).map_err(|e| {
                        ConnectError::ConfigFiles(format!("profile `{}`: {e}", self.name))
                    })?),
                    None => None,
                };
                Connection::from_aws_config(ConnectOptions {
                    profile: profile.clone(),
                    region: None,
                    path_style: endpoint.is_some(),
                    endpoint,
                })
                .await
            }
            ProfileAccess::Static {
                credentials,
                region,
                endpoint,
                path_style,
            } => Ok(Connection::with_static_credentials(
                credentials.clone(),
                region,
                endpoint.clone(),
                *path_style,
            )),
            ProfileAccess::Refused { reason } => Err(ConnectError::RefusedEndpoint {
                profile: self.name.clone(),
                reason: reason.clone(),
            }),
        }
    }
}

/// Every profile: Pail's saved ones (from `config_dir`), the environment's, and the shared AWS
/// files'. Files that cannot be read yield messages beside whatever could be found.
pub async fn discover(config_dir: Option<&std::path::Path>) -> Discovered {
    let mut profiles = Vec::new();
    let mut warnings = Vec::new();
    let mut saved = None;
    if let Some(dir) = config_dir {
        let (store, store_warnings) = store::ProfileStore::load(dir);
        warnings.extend(store_warnings);
        profiles.extend(store.profiles.iter().map(Profile::from_saved));
        saved = Some(store);
    }
    let (aws, aws_warning) = discover_aws().await;
    profiles.extend(aws);
    warnings.extend(aws_warning);
    Discovered {
        profiles,
        warnings,
        store: saved,
    }
}

/// What [`discover`] found.
#[derive(Debug, Clone, Default)]
pub struct Discovered {
    pub profiles: Vec<Profile>,
    pub warnings: Vec<String>,
    /// Pail's own store, when a config folder was given.
    pub store: Option<store::ProfileStore>,
}

/// The environment's and the shared AWS files' profiles.
pub async fn discover_aws() -> (Vec<Profile>, Vec<String>) {
    let mut profiles = Vec::new();
    let mut warnings = Vec::new();
    if std::env::var_os("AWS_ACCESS_KEY_ID").is_some() {
        profiles.push(Profile {
            name: "Environment".to_owned(),
            source: ProfileSource::Environment,
            region: std::env::var("AWS_REGION")
                .or_else(|_| std::env::var("AWS_DEFAULT_REGION"))
                .ok(),
            endpoint: std::env::var("AWS_ENDPOINT_URL_S3")
                .or_else(|_| std::env::var("AWS_ENDPOINT_URL"))
                .ok(),
            access: ProfileAccess::AwsChain { profile: None },
            default_bucket: None,
            max_link_lifetime: None,
            long_term_keys: std::env::var_os("AWS_SESSION_TOKEN").is_none(),
        });
    }
    let loaded = aws_config::profile::load(
        &aws_types::os_shim_internal::Fs::real(),
        &aws_types::os_shim_internal::Env::real(),
        &aws_runtime::env_config::file::EnvConfigFiles::default(),
        None,
    )
    .await;
    let error = match loaded {
        Ok(set) => {
            let mut names: Vec<&str> = set.profiles().collect();
            names.sort_unstable();
            for name in names {
                let Some(profile) = set.get_profile(name) else {
                    continue;
                };
                profiles.push(Profile {
                    name: name.to_owned(),
                    source: ProfileSource::AwsConfig,
                    region: profile.get("region").map(str::to_owned),
                    endpoint: profile.get("endpoint_url").map(str::to_owned),
                    access: ProfileAccess::AwsChain {
                        profile: Some(name.to_owned()),
                    },
                    default_bucket: None,
                    max_link_lifetime: aws_link_lifetime(
                        name,
                        profile.get(AWS_LIFETIME_KEY),
                        &mut warnings,
                    ),
                    long_term_keys: profile.get("aws_access_key_id").is_some()
                        && [
                            "aws_session_token",
                            "role_arn",
                            "sso_session",
                            "sso_start_url",
                        ]
                        .iter()
                        .chain(&["credential_process", "web_identity_token_file"])
                        .all(|key| profile.get(key).is_none()),
                });
            }
            None
        }
        Err(e) => Some(format!(
            "could not read the AWS config files: {}",
            error_text(&e)
        )),
    };
    warnings.extend(error);
    (profiles, warnings)
}

/// Pail's own key in a `~/.aws/config` profile for [`Profile::max_link_lifetime`]: the AWS
/// tools ignore keys they do not know.
pub const AWS_LIFETIME_KEY: &str = "pail_max_link_lifetime";

/// A `pail_max_link_lifetime` value read; one that cannot be is left out and said: the
/// profile keeps 7 days, and the rest of the file still serves.
fn aws_link_lifetime(
    profile: &str,
    value: Option<&str>,
    warnings: &mut Vec<String>,
) -> Option<std::time::Duration> {
    crate::share::link_limit::parse_lifetime(value?)
        .map_err(|e| {
            warnings.push(format!(
                "AWS profile `{profile}`: {AWS_LIFETIME_KEY} is not used ({e}); its links keep the 7-day limit"
            ));
        })
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(endpoint: &str) -> Profile {
        let credentials = Credentials::new("K", "S", None, None, "test");
        let mut profile = Profile::fixed(
            "p",
            ProfileSource::Pail,
            credentials,
            Endpoint::Aws,
            "us-east-1",
        );
        profile.endpoint = Some(endpoint.to_owned());
        profile
    }

    #[test]
    fn a_server_under_a_path_is_one_place_however_it_was_typed() {
        let place = |endpoint: &str| on(endpoint).bucket_place("b");
        assert_eq!(
            place("http://127.0.0.1:9000/storage/s3"),
            place("http://localhost:9000/storage/s3/")
        );
        assert_eq!(
            place("http://127.0.0.1:9000/storage/s3"),
            "s3://loopback:9000/storage/s3|b|"
        );
        // At the root, as before paths were taken.
        assert_eq!(place("http://127.0.0.1:9000/"), "s3://loopback:9000|b|");
        assert_ne!(
            place("http://127.0.0.1:9000/storage/s3"),
            place("http://127.0.0.1:9000/other")
        );
        // What Pail refuses is compared as written, never taken for AWS.
        assert_eq!(
            place("http://h.example/a/../b"),
            "s3://http://h.example/a/../b|b|"
        );
    }

    #[test]
    fn a_saved_endpoint_pail_refuses_never_connects_to_aws() {
        let saved = store::SavedProfile {
            name: "by-hand".into(),
            access_key_id: "K".into(),
            secret_access_key: store::Secret::new("S"),
            session_token: None,
            region: "us-east-1".into(),
            provider: store::Provider::Custom,
            account_id: String::new(),
            endpoint: Some("http://h.example/a%2Fb".into()),
            path_style: true,
            default_bucket: None,
            max_link_lifetime: None,
        };
        let profile = Profile::from_saved(&saved);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let error = runtime.block_on(profile.connect()).unwrap_err();
        assert!(
            matches!(&error, ConnectError::RefusedEndpoint { profile, .. } if profile == "by-hand"),
            "{error:?}"
        );
        assert!(error.to_string().contains("%-escapes"), "{error}");
    }

    #[test]
    fn a_saved_profile_of_another_provider_without_an_endpoint_or_keys_never_signs_for_aws() {
        let saved = |provider, key: &str| store::SavedProfile {
            name: "future".into(),
            access_key_id: key.into(),
            secret_access_key: store::Secret::new(if key.is_empty() { "" } else { "S" }),
            session_token: None,
            region: "fsn1".into(),
            provider,
            account_id: String::new(),
            endpoint: None,
            path_style: false,
            default_bucket: None,
            max_link_lifetime: None,
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        for (provider, key, said) in [
            (store::Provider::Custom, "K", "names no endpoint"),
            (store::Provider::Minio, "K", "names no endpoint"),
            (store::Provider::Aws, "", "no access key"),
        ] {
            let profile = Profile::from_saved(&saved(provider, key));
            let error = runtime.block_on(profile.connect()).unwrap_err();
            assert!(error.to_string().contains(said), "{error}");
            assert!(!profile.long_term_keys || !key.is_empty());
        }
        assert!(
            runtime
                .block_on(Profile::from_saved(&saved(store::Provider::Aws, "K")).connect())
                .is_ok()
        );
    }
}
