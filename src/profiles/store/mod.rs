//! Pail's own saved profiles: non-secret settings in `config.toml`, keys in
//! `credentials.toml` beside it (mode 0600, written atomically), both in the platform config
//! folder (`~/.config/pail` on Linux, or `$PAIL_CONFIG_DIR`).
//!
//! A file that cannot be read (not there is fine; unreadable, not UTF-8, not valid TOML, a
//! wrong type) is renamed aside — never overwritten — and reported with its path and line; Pail
//! then starts without it, and writes neither file until the person saves on purpose. What this
//! Pail does not know (fields and providers of a newer one, keys no profile claims) is kept as
//! read and written back.

mod link_lifetime;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::storage::private_file::write_private;
use crate::storage::unreadable::{line_of, read_text, set_aside};

/// A secret string: never printed by `Debug`, and with no `Display`.
#[derive(Clone, PartialEq, Eq, Default, Deserialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
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
    /// The longest link the provider accepts (`max_link_lifetime`), when the profile says.
    pub max_link_lifetime: Option<std::time::Duration>,
}

/// `config.toml`: everything but the keys. Only used to check the file's types (with the
/// line of a mistake); what is kept and written back is the raw table, so fields a newer Pail
/// added survive.
#[derive(Debug, Default, Deserialize)]
struct ConfigFile {
    #[serde(default)]
    #[allow(dead_code)] // read from the raw table; declared so a wrong type is reported
    default_profile: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    last_used_profile: Option<String>,
    #[serde(default, rename = "profile")]
    profiles: Vec<ProfileSettings>,
}

#[derive(Debug, Deserialize)]
struct ProfileSettings {
    name: String,
    region: String,
    /// Kept as text: a provider this Pail does not know (from a newer one) is not an error.
    #[serde(default)]
    provider: Option<String>,
    #[serde(default)]
    account_id: String,
    #[serde(default)]
    endpoint: Option<String>,
    #[serde(default)]
    path_style: bool,
    #[serde(default)]
    default_bucket: Option<String>,
}

/// `credentials.toml`: the keys, by profile name.
#[derive(Debug, Default, Deserialize)]
struct CredentialsFile {
    #[serde(flatten)]
    profiles: BTreeMap<String, Keys>,
}

#[derive(Debug, Default, Deserialize)]
struct Keys {
    access_key_id: String,
    secret_access_key: Secret,
    #[serde(default)]
    session_token: Option<Secret>,
}

/// A file of the store that could not be used as it was.
pub type LoadProblem = crate::storage::unreadable::UnreadableFile;

/// Why the store was not written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// A file could not be read at start: nothing is written until the person saves on purpose.
    #[error(
        "the profiles were not saved: a settings file could not be read when Pail started; save a profile in the Profiles window to write them anew"
    )]
    Held,
    #[error("could not save {path}: {reason}")]
    Write { path: String, reason: String },
    #[error("could not write the settings: {0}")]
    Format(String),
}

/// The saved profiles and where they live.
#[derive(Debug, Clone, Default)]
pub struct ProfileStore {
    pub config_path: PathBuf,
    pub credentials_path: PathBuf,
    pub profiles: Vec<SavedProfile>,
    pub default_profile: Option<String>,
    pub last_used_profile: Option<String>,
    /// The window showed two panes when it was last used.
    pub two_panes: bool,
    /// What went wrong reading the files; while it is not empty and not released, `save`
    /// refuses, so an automatic save cannot replace a file Pail did not understand.
    pub problems: Vec<LoadProblem>,
    held: bool,
    /// `config.toml` as read, for the fields this Pail does not know.
    raw_config: toml::Table,
    /// Each profile's `[[profile]]` table as read, by its current name.
    raw_profiles: BTreeMap<String, toml::Table>,
    /// `credentials.toml`'s tables as read, by name: also the keys no profile claimed, which
    /// are written back untouched.
    raw_keys: BTreeMap<String, toml::Table>,
    /// `max_link_lifetime` values that could not be used: told, the file still loads.
    lifetime_warnings: Vec<String>,
}

/// The folder Pail's settings live in: `$PAIL_CONFIG_DIR`, else the platform's.
pub fn default_dir() -> Option<PathBuf> {
    match std::env::var_os("PAIL_CONFIG_DIR") {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => directories::ProjectDirs::from("", "", "pail").map(|d| d.config_dir().to_owned()),
    }
}

/// Reads a TOML file as its typed form `T` (to check it) and as a raw table (to keep it). A file
/// that cannot be read, is not UTF-8, or is not valid is set aside and described.
fn read_toml<T: for<'de> Deserialize<'de> + Default>(
    path: &Path,
) -> Result<(T, toml::Table), LoadProblem> {
    let Some(text) = read_text(path)? else {
        return Ok((T::default(), toml::Table::new()));
    };
    let parsed = toml::from_str::<T>(&text)
        .and_then(|typed| Ok((typed, toml::from_str::<toml::Table>(&text)?)));
    parsed.map_err(|e| {
        let line = e
            .span()
            .map(|span| line_of(text.as_bytes(), span.start))
            .unwrap_or(1);
        set_aside(path, Some(line), e.message().trim().to_owned())
    })
}

/// A provider by the name `config.toml` spells it.
fn provider_from_config(text: &str) -> Option<Provider> {
    Provider::ALL
        .into_iter()
        .find(|p| provider_config_name(*p) == text)
}

fn provider_config_name(provider: Provider) -> &'static str {
    match provider {
        Provider::Aws => "aws",
        Provider::Minio => "minio",
        Provider::CloudflareR2 => "cloudflare-r2",
        Provider::BackblazeB2 => "backblaze-b2",
        Provider::Wasabi => "wasabi",
        Provider::DigitaloceanSpaces => "digitalocean-spaces",
        Provider::Custom => "custom",
    }
}

/// Sets `key` to `value` in `table`, or removes it for `None`.
fn set_or_remove(table: &mut toml::Table, key: &str, value: Option<toml::Value>) {
    match value {
        Some(value) => {
            table.insert(key.to_owned(), value);
        }
        None => {
            table.remove(key);
        }
    }
}

fn text_value(text: &str) -> Option<toml::Value> {
    (!text.is_empty()).then(|| toml::Value::String(text.to_owned()))
}

/// Writes `table` to `path` unless the file already says the same: choosing another profile
/// must not rewrite the keys file.
fn write_if_changed(path: &Path, table: &toml::Table) -> Result<(), StoreError> {
    let same = std::fs::read_to_string(path)
        .ok()
        .and_then(|text| toml::from_str::<toml::Table>(&text).ok())
        .is_some_and(|current| current == *table);
    if same {
        return Ok(());
    }
    let text = toml::to_string_pretty(table).map_err(|e| StoreError::Format(e.to_string()))?;
    write_private(path, text.as_bytes()).map_err(|e| StoreError::Write {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
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

    /// A stand-in for the store in `dir` until it has been read: held, so it is never written
    /// over the real files.
    pub fn unread(dir: &Path) -> Self {
        Self {
            held: true,
            ..Self::in_dir(dir)
        }
    }

    /// Loads the store in `dir`, with a message for each file that could not be read. After
    /// a problem the store is held: [`Self::save`] refuses until [`Self::release`].
    pub fn load(dir: &Path) -> (Self, Vec<String>) {
        let mut store = Self::in_dir(dir);
        let (config, raw_config) = match read_toml::<ConfigFile>(&store.config_path) {
            Ok(read) => read,
            Err(problem) => {
                store.problems.push(problem);
                Default::default()
            }
        };
        let (mut credentials, raw_credentials) =
            match read_toml::<CredentialsFile>(&store.credentials_path) {
                Ok(read) => read,
                Err(problem) => {
                    store.problems.push(problem);
                    Default::default()
                }
            };
        store.held = !store.problems.is_empty();
        let text = |key: &str| {
            raw_config
                .get(key)
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        };
        store.default_profile = text("default_profile");
        store.last_used_profile = text("last_used_profile");
        store.two_panes = raw_config
            .get("two_panes")
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        let raw_entries: Vec<toml::Table> = raw_config
            .get("profile")
            .and_then(|v| v.as_array())
            .map(|entries| {
                entries
                    .iter()
                    .filter_map(|e| e.as_table().cloned())
                    .collect()
            })
            .unwrap_or_default();
        store.raw_keys = raw_credentials
            .into_iter()
            .filter_map(|(name, value)| match value {
                toml::Value::Table(table) => Some((name, table)),
                _ => None,
            })
            .collect();
        for (settings, raw) in config.profiles.into_iter().zip(raw_entries) {
            let keys = credentials
                .profiles
                .remove(&settings.name)
                .unwrap_or_default();
            // An unknown provider (from a newer Pail) is used as a custom endpoint; the raw
            // table keeps its name for the next save.
            let provider = settings
                .provider
                .as_deref()
                .map(|p| provider_from_config(p).unwrap_or(Provider::Custom))
                .unwrap_or_default();
            let (max_link_lifetime, problem) = link_lifetime::read(&settings.name, &raw);
            store.lifetime_warnings.extend(problem);
            store.raw_profiles.insert(settings.name.clone(), raw);
            store.profiles.push(SavedProfile {
                access_key_id: keys.access_key_id,
                secret_access_key: keys.secret_access_key,
                session_token: keys.session_token,
                name: settings.name,
                region: settings.region,
                provider,
                account_id: settings.account_id,
                endpoint: settings.endpoint,
                path_style: settings.path_style,
                default_bucket: settings.default_bucket,
                max_link_lifetime,
            });
        }
        store.raw_config = raw_config;
        // `{:#}`: with the paths marked for `pail`'s terminal; the window shows them as they are.
        let mut warnings: Vec<String> = store.problems.iter().map(|p| format!("{p:#}")).collect();
        warnings.extend(store.lifetime_warnings.iter().cloned());
        (store, warnings)
    }

    /// True while a load problem keeps the store from being written.
    pub fn is_held(&self) -> bool {
        self.held
    }

    /// The person saves on purpose, having seen the problem: writing is allowed again. Keys no
    /// profile claims are still kept.
    pub fn release(&mut self) {
        self.held = false;
    }

    /// `config.toml` as it will be written: the table as read, with Pail's fields set.
    fn config_table(&self) -> toml::Table {
        let mut table = self.raw_config.clone();
        set_or_remove(
            &mut table,
            "default_profile",
            self.default_profile.as_deref().and_then(text_value),
        );
        set_or_remove(
            &mut table,
            "last_used_profile",
            self.last_used_profile.as_deref().and_then(text_value),
        );
        set_or_remove(
            &mut table,
            "two_panes",
            self.two_panes.then_some(toml::Value::Boolean(true)),
        );
        let entries: Vec<toml::Value> = self
            .profiles
            .iter()
            .map(|p| {
                let mut entry = self.raw_profiles.get(&p.name).cloned().unwrap_or_default();
                let kept_unknown = entry
                    .get("provider")
                    .and_then(|v| v.as_str())
                    .is_some_and(|raw| provider_from_config(raw).is_none());
                entry.insert("name".into(), p.name.clone().into());
                entry.insert("region".into(), p.region.clone().into());
                if !(p.provider == Provider::Custom && kept_unknown) {
                    entry.insert("provider".into(), provider_config_name(p.provider).into());
                }
                set_or_remove(&mut entry, "account_id", text_value(&p.account_id));
                set_or_remove(
                    &mut entry,
                    "endpoint",
                    p.endpoint.as_deref().map(|e| e.into()),
                );
                entry.insert("path_style".into(), p.path_style.into());
                set_or_remove(
                    &mut entry,
                    "default_bucket",
                    p.default_bucket.as_deref().map(|b| b.into()),
                );
                link_lifetime::write(&mut entry, p.max_link_lifetime);
                toml::Value::Table(entry)
            })
            .collect();
        if entries.is_empty() {
            table.remove("profile");
        } else {
            table.insert("profile".into(), toml::Value::Array(entries));
        }
        table
    }

    /// `credentials.toml` as it will be written: every table as read (keys no profile
    /// claimed included), with each profile's keys set.
    fn credentials_table(&self) -> toml::Table {
        let mut table: toml::Table = self
            .raw_keys
            .iter()
            .map(|(name, keys)| (name.clone(), toml::Value::Table(keys.clone())))
            .collect();
        for p in &self.profiles {
            if p.access_key_id.is_empty() && p.secret_access_key.is_empty() {
                // Keys that were never read (their file was set aside) are not blanked.
                continue;
            }
            let mut entry = self.raw_keys.get(&p.name).cloned().unwrap_or_default();
            entry.insert("access_key_id".into(), p.access_key_id.clone().into());
            entry.insert(
                "secret_access_key".into(),
                p.secret_access_key.expose().into(),
            );
            set_or_remove(
                &mut entry,
                "session_token",
                p.session_token
                    .as_ref()
                    .filter(|t| !t.is_empty())
                    .map(|t| t.expose().into()),
            );
            table.insert(p.name.clone(), toml::Value::Table(entry));
        }
        table
    }

    /// Writes both files; the keys with mode 0600. Each file is replaced atomically, so a
    /// failure leaves the previous one intact. Refused while the store is held.
    pub fn save(&self) -> Result<(), StoreError> {
        if self.held {
            return Err(StoreError::Held);
        }
        let credentials = self.credentials_table();
        let config = self.config_table();
        write_if_changed(&self.credentials_path, &credentials)?;
        write_if_changed(&self.config_path, &config)
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
        if let Some(old) = previous_name
            && old != profile.name
        {
            // What this Pail does not know about the profile goes with it to its new name.
            for raw in [&mut self.raw_profiles, &mut self.raw_keys] {
                if let Some(table) = raw.remove(old) {
                    raw.insert(profile.name.clone(), table);
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
        self.raw_profiles.remove(name);
        self.raw_keys.remove(name);
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
    if crate::s3::connection::validate_region(profile.region.trim()).is_err() {
        problems.push(format!(
            "Region `{}` is not a region name (such as eu-west-1).",
            profile.region.trim()
        ));
    }
    if profile.provider == Provider::CloudflareR2 && profile.account_id.trim().is_empty() {
        problems.push("Cloudflare R2 needs the account id.".to_owned());
    }
    if let Some(endpoint) = &profile.endpoint
        && let Err(e) = crate::model::Endpoint::custom(endpoint)
    {
        problems.push(format!("Endpoint: {e}."));
    }
    if let Some(bucket) = &profile.default_bucket
        && let Err(e) = crate::model::BucketName::new(bucket.trim())
    {
        problems.push(format!("Default bucket: {e}."));
    }
    problems.extend(link_lifetime::problem(profile));
    problems
}

#[cfg(test)]
mod tests;
