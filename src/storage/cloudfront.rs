//! Pail's CloudFront settings (`cloudfront.toml` in the config folder, mode 0600 since it
//! holds private keys): each bucket's distribution domain and key pair ID, remembered from the
//! last link made, and the private keys by ID, stored once when the person picks the PEM file.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::share::cloudfront::{CloudFrontError, CloudFrontKey};
use crate::storage::private_file::write_private;
use crate::storage::settings_toml;
use crate::storage::unreadable::UnreadableFile;

/// What a bucket's links went through last time.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Distribution {
    pub domain: String,
    pub key_id: String,
}

/// A private key as stored: PEM text, never shown.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
struct Pem(String);

impl fmt::Debug for Pem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("****")
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct SettingsFile {
    #[serde(default)]
    buckets: BTreeMap<String, Distribution>,
    #[serde(default)]
    keys: BTreeMap<String, Pem>,
}

/// Why the settings could not be used or kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CloudFrontStoreError {
    #[error(transparent)]
    Unreadable(#[from] UnreadableFile),
    #[error("could not save {}: {reason}", path.display())]
    Write { path: PathBuf, reason: String },
    #[error("could not read the key file {}: {reason}", path.display())]
    KeyFile { path: PathBuf, reason: String },
    #[error(
        "no private key is stored for key pair {0}: choose its PEM file once with \"Private key…\""
    )]
    NoKey(String),
    #[error(transparent)]
    Key(#[from] CloudFrontError),
}

/// The settings file of the config folder `dir`.
#[derive(Debug, Clone)]
pub(crate) struct CloudFrontSettings {
    path: PathBuf,
    file: SettingsFile,
    /// The file as read, so a save keeps the tables and keys a newer Pail wrote.
    read: ReadTable,
}

/// The file as it was read; never shown (it holds the private keys).
#[derive(Clone, Default)]
struct ReadTable(toml::Table);

impl fmt::Debug for ReadTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("****")
    }
}

impl CloudFrontSettings {
    /// Reads `dir/cloudfront.toml`; a missing file is empty, a broken one is set aside and
    /// reported (and never overwritten).
    pub(crate) fn load(dir: &Path) -> Result<Self, CloudFrontStoreError> {
        let path = dir.join("cloudfront.toml");
        let (file, read) = settings_toml::read(&path)?;
        Ok(Self {
            path,
            file,
            read: ReadTable(read),
        })
    }

    /// The distribution `bucket`'s links went through last.
    pub(crate) fn distribution(&self, bucket: &str) -> Option<&Distribution> {
        self.file.buckets.get(bucket)
    }

    pub(crate) fn has_key(&self, key_id: &str) -> bool {
        self.file.keys.contains_key(key_id.trim())
    }

    /// The stored key `key_id`, ready to sign.
    pub(crate) fn key(&self, key_id: &str) -> Result<CloudFrontKey, CloudFrontStoreError> {
        let key_id = key_id.trim();
        let pem = self
            .file
            .keys
            .get(key_id)
            .ok_or_else(|| CloudFrontStoreError::NoKey(key_id.to_owned()))?;
        Ok(CloudFrontKey::from_pem(key_id, &pem.0)?)
    }

    /// Reads the PEM file at `pem_file`, checks it is an RSA private key, and keeps it as
    /// `key_id` (saved by [`Self::save`]).
    pub(crate) fn import_key(
        &mut self,
        key_id: &str,
        pem_file: &Path,
    ) -> Result<(), CloudFrontStoreError> {
        let pem = std::fs::read_to_string(pem_file).map_err(|e| CloudFrontStoreError::KeyFile {
            path: pem_file.to_owned(),
            reason: e.to_string(),
        })?;
        CloudFrontKey::from_pem(key_id, &pem)?;
        self.file
            .keys
            .insert(key_id.trim().to_owned(), Pem(pem.trim().to_owned()));
        Ok(())
    }

    /// Remembers `distribution` for `bucket`.
    pub(crate) fn remember(&mut self, bucket: &str, distribution: Distribution) {
        self.file.buckets.insert(bucket.to_owned(), distribution);
    }

    /// Writes the file atomically, mode 0600, with what a newer Pail wrote in it kept.
    pub(crate) fn save(&self) -> Result<(), CloudFrontStoreError> {
        let failed = |e: toml::ser::Error| CloudFrontStoreError::Write {
            path: self.path.clone(),
            reason: e.to_string(),
        };
        let mut table = toml::Table::try_from(&self.file).map_err(failed)?;
        settings_toml::keep_unknown(&mut table, &self.read.0, |_, _| {});
        let text = toml::to_string(&table).map_err(failed)?;
        write_private(&self.path, text.as_bytes()).map_err(|e| CloudFrontStoreError::Write {
            path: self.path.clone(),
            reason: e.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = include_str!("../../tests/vectors/cloudfront_test_key.pem");

    #[test]
    fn a_key_is_stored_private_and_a_distribution_remembered() {
        let dir = tempfile::tempdir().unwrap();
        let pem = dir.path().join("key.pem");
        std::fs::write(&pem, KEY).unwrap();
        let mut settings = CloudFrontSettings::load(dir.path()).unwrap();
        settings.import_key("K1", &pem).unwrap();
        settings.remember(
            "photos",
            Distribution {
                domain: "d1.cloudfront.net".into(),
                key_id: "K1".into(),
            },
        );
        settings.save().unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let path = dir.path().join("cloudfront.toml");
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let again = CloudFrontSettings::load(dir.path()).unwrap();
        assert_eq!(
            again.distribution("photos").unwrap().domain,
            "d1.cloudfront.net"
        );
        assert_eq!(again.key("K1").unwrap().key_id(), "K1");
        assert!(matches!(
            again.key("K2"),
            Err(CloudFrontStoreError::NoKey(_))
        ));
        assert!(
            !format!("{again:?}").contains("BEGIN"),
            "Debug hides the key"
        );
    }

    #[test]
    fn a_save_keeps_what_a_newer_pail_wrote() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cloudfront.toml");
        std::fs::write(
            &path,
            "version = 3\n\n[future]\nmode = \"fast\"\nlimits = [1, 2]\n\n\
             [buckets.photos]\ndomain = \"d1.cloudfront.net\"\nkey_id = \"K1\"\nprice_class = \"All\"\n\n\
             [keys]\n",
        )
        .unwrap();
        let mut settings = CloudFrontSettings::load(dir.path()).unwrap();
        settings.remember(
            "photos",
            Distribution {
                domain: "d2.cloudfront.net".into(),
                key_id: "K2".into(),
            },
        );
        settings.remember(
            "docs",
            Distribution {
                domain: "d3.cloudfront.net".into(),
                key_id: "K3".into(),
            },
        );
        settings.save().unwrap();
        let saved: toml::Table = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(saved["version"].as_integer(), Some(3));
        assert_eq!(saved["future"]["mode"].as_str(), Some("fast"));
        assert_eq!(saved["future"]["limits"].as_array().map(Vec::len), Some(2));
        assert_eq!(
            saved["buckets"]["photos"]["price_class"].as_str(),
            Some("All")
        );
        assert_eq!(
            saved["buckets"]["photos"]["domain"].as_str(),
            Some("d2.cloudfront.net")
        );
        assert_eq!(saved["buckets"]["docs"]["key_id"].as_str(), Some("K3"));
        let again = CloudFrontSettings::load(dir.path()).unwrap();
        assert_eq!(again.distribution("photos").unwrap().key_id, "K2");
    }

    #[test]
    fn a_file_that_is_not_a_key_is_refused_and_nothing_kept() {
        let dir = tempfile::tempdir().unwrap();
        let pem = dir.path().join("notes.txt");
        std::fs::write(&pem, "shopping list").unwrap();
        let mut settings = CloudFrontSettings::load(dir.path()).unwrap();
        assert!(matches!(
            settings.import_key("K1", &pem),
            Err(CloudFrontStoreError::Key(CloudFrontError::BadKey(_)))
        ));
        assert!(!settings.has_key("K1"));
    }

    #[test]
    fn a_broken_file_is_set_aside_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cloudfront.toml");
        std::fs::write(&path, "[buckets\nbroken").unwrap();
        let error = CloudFrontSettings::load(dir.path()).unwrap_err();
        assert!(
            matches!(error, CloudFrontStoreError::Unreadable(_)),
            "{error}"
        );
        assert!(!path.exists(), "moved aside");
        let aside = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(aside, 1);
    }
}
