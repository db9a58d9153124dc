//! Pail's own saved profiles: non-secret settings in `config.toml`, keys in
//! `credentials.toml` beside it (mode 0600, written atomically), both in the platform config
//! folder (`~/.config/pail` on Linux, or `$PAIL_CONFIG_DIR`).
//!
//! A file that cannot be read is renamed aside — never overwritten — and reported with its
//! path and line; Pail then starts without it.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::private_file::write_private;

/// A secret string: never printed by `Debug`, and with no `Display`.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for signing or the masked form field.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_empty() {
            "\"\""
        } else {
            "\"••••••••\""
        })
    }
}

/// The S3-compatible services the form knows, and how their endpoints are spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Provider {
    #[default]
    Aws,
    Minio,
    CloudflareR2,
    BackblazeB2,
    Wasabi,
    DigitaloceanSpaces,
    Custom,
}

impl Provider {
    pub const ALL: [Provider; 7] = [
        Provider::Aws,
        Provider::Minio,
        Provider::CloudflareR2,
        Provider::BackblazeB2,
        Provider::Wasabi,
        Provider::DigitaloceanSpaces,
        Provider::Custom,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Provider::Aws => "AWS",
            Provider::Minio => "MinIO",
            Provider::CloudflareR2 => "Cloudflare R2",
            Provider::BackblazeB2 => "Backblaze B2",
            Provider::Wasabi => "Wasabi",
            Provider::DigitaloceanSpaces => "DigitalOcean Spaces",
            Provider::Custom => "Custom URL",
        }
    }

    /// The endpoint for this provider, region and (R2) account id; `None` for AWS. MinIO and
    /// custom endpoints are typed in.
    pub fn endpoint(self, region: &str, account_id: &str, typed: &str) -> Option<String> {
        match self {
            Provider::Aws => None,
            Provider::Minio | Provider::Custom => Some(typed.trim().to_owned()),
            Provider::CloudflareR2 => Some(format!(
                "https://{}.r2.cloudflarestorage.com",
                account_id.trim()
            )),
            Provider::BackblazeB2 => Some(format!("https://s3.{region}.backblazeb2.com")),
            Provider::Wasabi => Some(format!("https://s3.{region}.wasabisys.com")),
            Provider::DigitaloceanSpaces => {
                Some(format!("https://{region}.digitaloceanspaces.com"))
            }
        }
    }
}

/// One saved profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedProfile {
    pub name: String,
    pub access_key_id: String,
    pub secret_access_key: Secret,
    pub session_token: Option<Secret>,
    pub region: String,
    pub provider: Provider,
    /// Cloudflare R2's account id (part of its endpoint).
    pub account_id: String,
    /// The endpoint URL for non-AWS providers.
    pub endpoint: Option<String>,
    pub path_style: bool,
    /// For keys that may not list buckets: the bucket to show and to test.
    pub default_bucket: Option<String>,
}

/// `config.toml`: everything but the keys.
#[derive(Debug, Default, Serialize, Deserialize)]
struct ConfigFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    default_profile: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_used_profile: Option<String>,
    #[serde(default, rename = "profile")]
    profiles: Vec<ProfileSettings>,
}

#[derive(Debug, Serialize, Deserialize)]
struct ProfileSettings {
    name: String,
    region: String,
    #[serde(default)]
    provider: Provider,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    account_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    endpoint: Option<String>,
    #[serde(default)]
    path_style: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    default_bucket: Option<String>,
}

/// `credentials.toml`: the keys, by profile name.
#[derive(Debug, Default, Serialize, Deserialize)]
struct CredentialsFile {
    #[serde(flatten)]
    profiles: BTreeMap<String, Keys>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Keys {
    access_key_id: String,
    secret_access_key: Secret,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    session_token: Option<Secret>,
}

/// The saved profiles and where they live.
#[derive(Debug, Clone, Default)]
pub struct ProfileStore {
    pub config_path: PathBuf,
    pub credentials_path: PathBuf,
    pub profiles: Vec<SavedProfile>,
    pub default_profile: Option<String>,
    pub last_used_profile: Option<String>,
}

/// The folder Pail's settings live in: `$PAIL_CONFIG_DIR`, else the platform's.
pub fn default_dir() -> Option<PathBuf> {
    match std::env::var_os("PAIL_CONFIG_DIR") {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => directories::ProjectDirs::from("", "", "pail").map(|d| d.config_dir().to_owned()),
    }
}

/// Reads a TOML file; a broken one is renamed aside and described.
fn read_toml<T: for<'de> Deserialize<'de> + Default>(path: &Path) -> (T, Option<String>) {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (T::default(), None),
        Err(e) => {
            return (
                T::default(),
                Some(format!("could not read {}: {e}", path.display())),
            );
        }
    };
    match toml::from_str::<T>(&text) {
        Ok(value) => (value, None),
        Err(e) => {
            let line = e
                .span()
                .map(|span| text[..span.start.min(text.len())].lines().count().max(1))
                .unwrap_or(1);
            let aside = PathBuf::from(format!(
                "{}.broken-{}",
                path.display(),
                chrono::Utc::now().format("%Y%m%d%H%M%S")
            ));
            let kept = match std::fs::rename(path, &aside) {
                Ok(()) => format!("it was kept as {}", aside.display()),
                Err(_) => "it was left in place".to_owned(),
            };
            let reason = e.message().trim().to_owned();
            (
                T::default(),
                Some(format!(
                    "{} line {line} is not valid ({reason}); {kept} and Pail started without it",
                    path.display()
                )),
            )
        }
    }
}

impl ProfileStore {
    /// The store in `dir` (`config.toml`, `credentials.toml`).
    pub fn in_dir(dir: &Path) -> Self {
        Self {
            config_path: dir.join("config.toml"),
            credentials_path: dir.join("credentials.toml"),
            ..Self::default()
        }
    }

    /// Loads the store in `dir`, with a message for each file that could not be read.
    pub fn load(dir: &Path) -> (Self, Vec<String>) {
        let mut store = Self::in_dir(dir);
        let mut warnings = Vec::new();
        let (config, warning) = read_toml::<ConfigFile>(&store.config_path);
        warnings.extend(warning);
        let (mut credentials, warning) = read_toml::<CredentialsFile>(&store.credentials_path);
        warnings.extend(warning);
        store.default_profile = config.default_profile;
        store.last_used_profile = config.last_used_profile;
        store.profiles = config
            .profiles
            .into_iter()
            .map(|settings| {
                let keys = credentials
                    .profiles
                    .remove(&settings.name)
                    .unwrap_or_default();
                SavedProfile {
                    access_key_id: keys.access_key_id,
                    secret_access_key: keys.secret_access_key,
                    session_token: keys.session_token,
                    name: settings.name,
                    region: settings.region,
                    provider: settings.provider,
                    account_id: settings.account_id,
                    endpoint: settings.endpoint,
                    path_style: settings.path_style,
                    default_bucket: settings.default_bucket,
                }
            })
            .collect();
        (store, warnings)
    }

    /// Writes both files; the keys with mode 0600. Each file is replaced atomically, so a
    /// failure leaves the previous one intact.
    pub fn save(&self) -> Result<(), String> {
        let config = ConfigFile {
            default_profile: self.default_profile.clone(),
            last_used_profile: self.last_used_profile.clone(),
            profiles: self
                .profiles
                .iter()
                .map(|p| ProfileSettings {
                    name: p.name.clone(),
                    region: p.region.clone(),
                    provider: p.provider,
                    account_id: p.account_id.clone(),
                    endpoint: p.endpoint.clone(),
                    path_style: p.path_style,
                    default_bucket: p.default_bucket.clone(),
                })
                .collect(),
        };
        let credentials = CredentialsFile {
            profiles: self
                .profiles
                .iter()
                .map(|p| {
                    (
                        p.name.clone(),
                        Keys {
                            access_key_id: p.access_key_id.clone(),
                            secret_access_key: p.secret_access_key.clone(),
                            session_token: p.session_token.clone(),
                        },
                    )
                })
                .collect(),
        };
        let config_text = toml::to_string_pretty(&config).map_err(|e| e.to_string())?;
        let credentials_text = toml::to_string_pretty(&credentials).map_err(|e| e.to_string())?;
        write_private(&self.credentials_path, credentials_text.as_bytes())
            .map_err(|e| format!("could not save {}: {e}", self.credentials_path.display()))?;
        write_private(&self.config_path, config_text.as_bytes())
            .map_err(|e| format!("could not save {}: {e}", self.config_path.display()))
    }

    pub fn get(&self, name: &str) -> Option<&SavedProfile> {
        self.profiles.iter().find(|p| p.name == name)
    }

    /// Adds `profile`, or replaces the one called `previous_name` (a rename keeps its place).
    pub fn upsert(&mut self, previous_name: Option<&str>, profile: SavedProfile) {
        let place = previous_name
            .and_then(|old| self.profiles.iter().position(|p| p.name == old))
            .or_else(|| self.profiles.iter().position(|p| p.name == profile.name));
        if let Some(old) = previous_name
            && old != profile.name
        {
            for name in [&mut self.default_profile, &mut self.last_used_profile]
                .into_iter()
                .flatten()
            {
                if name == old {
                    *name = profile.name.clone();
                }
            }
        }
        match place {
            Some(i) => self.profiles[i] = profile,
            None => self.profiles.push(profile),
        }
    }

    pub fn delete(&mut self, name: &str) {
        self.profiles.retain(|p| p.name != name);
        if self.default_profile.as_deref() == Some(name) {
            self.default_profile = None;
        }
        if self.last_used_profile.as_deref() == Some(name) {
            self.last_used_profile = None;
        }
    }
}

/// Checks a profile before it is saved; each message names the field.
pub fn validate(profile: &SavedProfile, other_names: &[&str]) -> Vec<String> {
    let mut problems = Vec::new();
    let name = profile.name.trim();
    if name.is_empty() {
        problems.push("Name is required.".to_owned());
    } else if other_names.contains(&name) {
        problems.push(format!("A profile called `{name}` already exists."));
    }
    if profile.access_key_id.trim().is_empty() {
        problems.push("Access key ID is required.".to_owned());
    }
    if profile.secret_access_key.is_empty() {
        problems.push("Secret access key is required.".to_owned());
    }
    if crate::connection::validate_region(profile.region.trim()).is_err() {
        problems.push(format!(
            "Region `{}` is not a region name (such as eu-west-1).",
            profile.region.trim()
        ));
    }
    if profile.provider == Provider::CloudflareR2 && profile.account_id.trim().is_empty() {
        problems.push("Cloudflare R2 needs the account id.".to_owned());
    }
    if let Some(endpoint) = &profile.endpoint
        && let Err(e) = crate::share::Endpoint::custom(endpoint)
    {
        problems.push(format!("Endpoint: {e}."));
    }
    if let Some(bucket) = &profile.default_bucket
        && let Err(e) = crate::model::BucketName::new(bucket.trim())
    {
        problems.push(format!("Default bucket: {e}."));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(name: &str) -> SavedProfile {
        SavedProfile {
            name: name.into(),
            access_key_id: "AKIAEXAMPLE".into(),
            secret_access_key: Secret::new("very-secret-key"),
            session_token: Some(Secret::new("session-token-value")),
            region: "eu-west-1".into(),
            provider: Provider::Minio,
            account_id: String::new(),
            endpoint: Some("http://localhost:9000".into()),
            path_style: true,
            default_bucket: Some("photos".into()),
        }
    }

    #[test]
    fn round_trip_keeps_secrets_apart_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = ProfileStore::in_dir(dir.path());
        store.upsert(None, profile("work"));
        store.upsert(None, profile("client"));
        store.default_profile = Some("work".into());
        store.save().unwrap();

        let config = std::fs::read_to_string(dir.path().join("config.toml")).unwrap();
        assert!(!config.contains("very-secret-key") && !config.contains("session-token"));
        let secrets = std::fs::read_to_string(dir.path().join("credentials.toml")).unwrap();
        assert!(secrets.contains("very-secret-key"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("credentials.toml"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }

        let (loaded, warnings) = ProfileStore::load(dir.path());
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(loaded.profiles, store.profiles);
        assert_eq!(loaded.default_profile.as_deref(), Some("work"));
    }

    #[test]
    fn debug_output_hides_secrets() {
        let text = format!("{:?}", profile("work"));
        assert!(!text.contains("very-secret-key"), "{text}");
        assert!(!text.contains("session-token-value"), "{text}");
        assert!(text.contains("AKIAEXAMPLE"));
    }

    #[test]
    fn a_broken_file_is_kept_aside_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config.toml");
        std::fs::write(&config, "default_profile = \"x\"\n[[profile]]\nname = \n").unwrap();
        let (store, warnings) = ProfileStore::load(dir.path());
        assert!(store.profiles.is_empty());
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0].contains("config.toml line 3"),
            "{}",
            warnings[0]
        );
        assert!(warnings[0].contains("kept as"), "{}", warnings[0]);
        assert!(!config.exists(), "moved aside, not overwritten");
        let kept: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            kept.iter().any(|n| n.starts_with("config.toml.broken-")),
            "{kept:?}"
        );
    }

    #[test]
    fn a_failed_save_keeps_the_old_files() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = ProfileStore::in_dir(dir.path());
        store.upsert(None, profile("work"));
        store.save().unwrap();
        let config_before = std::fs::read(&store.config_path).unwrap();
        // A non-empty folder where the keys should go: the final rename fails.
        let blocker = dir.path().join("blocker");
        std::fs::create_dir(&blocker).unwrap();
        std::fs::write(blocker.join("x"), b"").unwrap();
        store.credentials_path = blocker;
        store.upsert(Some("work"), profile("renamed"));
        assert!(store.save().is_err());
        assert_eq!(std::fs::read(&store.config_path).unwrap(), config_before);
        let (loaded, _) = ProfileStore::load(dir.path());
        assert_eq!(loaded.profiles[0].name, "work");
        assert_eq!(
            loaded.profiles[0].secret_access_key.expose(),
            "very-secret-key"
        );
    }

    #[test]
    fn rename_and_delete_follow_default_and_last_used() {
        let mut store = ProfileStore::default();
        store.upsert(None, profile("a"));
        store.default_profile = Some("a".into());
        store.last_used_profile = Some("a".into());
        store.upsert(Some("a"), profile("b"));
        assert_eq!(store.profiles.len(), 1);
        assert_eq!(store.default_profile.as_deref(), Some("b"));
        store.delete("b");
        assert!(store.profiles.is_empty());
        assert_eq!(store.last_used_profile, None);
    }

    #[test]
    fn validation_names_each_field() {
        let mut bad = profile("");
        bad.access_key_id.clear();
        bad.secret_access_key = Secret::default();
        bad.region = "Mars 1".into();
        bad.endpoint = Some("ftp://nope".into());
        bad.default_bucket = Some("x".into());
        let problems = validate(&bad, &[]).join("\n");
        for field in [
            "Name",
            "Access key ID",
            "Secret access key",
            "Region",
            "Endpoint",
            "Default bucket",
        ] {
            assert!(problems.contains(field), "{field} missing in {problems}");
        }
        assert!(validate(&profile("work"), &["work"])[0].contains("already exists"));
        assert!(validate(&profile("work"), &[]).is_empty());
    }

    #[test]
    fn provider_endpoints() {
        assert_eq!(Provider::Aws.endpoint("eu-west-1", "", ""), None);
        assert_eq!(
            Provider::CloudflareR2
                .endpoint("auto", "abc123", "")
                .as_deref(),
            Some("https://abc123.r2.cloudflarestorage.com")
        );
        assert_eq!(
            Provider::Wasabi.endpoint("eu-central-1", "", "").as_deref(),
            Some("https://s3.eu-central-1.wasabisys.com")
        );
        assert_eq!(
            Provider::Minio
                .endpoint("us-east-1", "", " http://nas:9000 ")
                .as_deref(),
            Some("http://nas:9000")
        );
    }
}
