//! Each bucket's custom domain (`custom_domains.toml` in the config folder): the base URL its
//! public links go to and what answers there, remembered from the last link made, as the
//! CloudFront settings are. Written atomically; a broken file is set aside, never overwritten;
//! what a newer Pail wrote (another kind, more fields) is kept on save.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::share::public_url::DomainKind;
use crate::storage::private_file::write_atomic;
use crate::storage::settings_toml;
use crate::storage::unreadable::UnreadableFile;

/// A bucket's domain as stored: the kind by its id, so a kind only a newer Pail knows is kept
/// (and not used) rather than lost.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct StoredDomain {
    pub(crate) base_url: String,
    pub(crate) kind: String,
}

impl StoredDomain {
    pub(crate) fn new(base_url: &str, kind: DomainKind) -> Self {
        Self {
            base_url: base_url.trim().to_owned(),
            kind: kind.id().to_owned(),
        }
    }

    /// The kind, when this Pail knows it.
    pub(crate) fn domain_kind(&self) -> Option<DomainKind> {
        DomainKind::from_id(&self.kind)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct SettingsFile {
    #[serde(default)]
    buckets: BTreeMap<String, StoredDomain>,
}

/// Why the settings could not be used or kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CustomDomainStoreError {
    #[error(transparent)]
    Unreadable(#[from] UnreadableFile),
    #[error("could not save {}: {reason}", path.display())]
    Write { path: PathBuf, reason: String },
}

/// The custom domains of the config folder `dir`.
#[derive(Debug, Clone)]
pub(crate) struct CustomDomains {
    path: PathBuf,
    file: SettingsFile,
    /// The file as read, so a save keeps what a newer Pail wrote.
    read: toml::Table,
}

impl CustomDomains {
    pub(crate) const FILE_NAME: &'static str = "custom_domains.toml";

    /// Reads `dir/custom_domains.toml`; a missing file is empty, a broken one (or one whose
    /// values have another type) is set aside and reported.
    pub(crate) fn load(dir: &Path) -> Result<Self, CustomDomainStoreError> {
        let path = dir.join(Self::FILE_NAME);
        let (file, read) = settings_toml::read(&path)?;
        Ok(Self { path, file, read })
    }

    pub(crate) fn domain(&self, bucket: &str) -> Option<&StoredDomain> {
        self.file.buckets.get(bucket)
    }

    pub(crate) fn remember(&mut self, bucket: &str, domain: StoredDomain) {
        self.file.buckets.insert(bucket.to_owned(), domain);
    }

    /// The bucket's links go to the endpoint again.
    pub(crate) fn forget(&mut self, bucket: &str) {
        self.file.buckets.remove(bucket);
        if let Some(toml::Value::Table(buckets)) = self.read.get_mut("buckets") {
            buckets.remove(bucket);
        }
    }

    /// Writes the file atomically (mode 0644: it holds no secret), with what a newer Pail
    /// wrote in it kept.
    pub(crate) fn save(&self) -> Result<(), CustomDomainStoreError> {
        let failed = |reason: String| CustomDomainStoreError::Write {
            path: self.path.clone(),
            reason,
        };
        let mut table = toml::Table::try_from(&self.file).map_err(|e| failed(e.to_string()))?;
        settings_toml::keep_unknown(&mut table, &self.read, |_, _| {});
        let text = toml::to_string(&table).map_err(|e| failed(e.to_string()))?;
        write_atomic(&self.path, text.as_bytes(), 0o644).map_err(|e| failed(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_domain_is_remembered_and_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let mut domains = CustomDomains::load(dir.path()).unwrap();
        domains.remember(
            "files.example.com",
            StoredDomain::new("http://files.example.com/", DomainKind::BucketHost),
        );
        domains.remember(
            "photos",
            StoredDomain::new("https://cdn.example.com/", DomainKind::Cdn),
        );
        domains.save().unwrap();
        let mut again = CustomDomains::load(dir.path()).unwrap();
        let stored = again.domain("files.example.com").unwrap();
        assert_eq!(stored.domain_kind(), Some(DomainKind::BucketHost));
        assert_eq!(stored.base_url, "http://files.example.com/");
        again.forget("photos");
        again.save().unwrap();
        let last = CustomDomains::load(dir.path()).unwrap();
        assert!(last.domain("photos").is_none());
        assert!(last.domain("files.example.com").is_some());
    }

    #[test]
    fn a_save_keeps_what_a_newer_pail_wrote() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(CustomDomains::FILE_NAME);
        std::fs::write(
            &path,
            "version = 2\n[buckets.photos]\nbase_url = \"https://a.example/\"\nkind = \"edge-worker\"\ntls = \"strict\"\n",
        )
        .unwrap();
        let mut domains = CustomDomains::load(dir.path()).unwrap();
        assert_eq!(domains.domain("photos").unwrap().domain_kind(), None);
        domains.remember(
            "docs",
            StoredDomain::new("https://d.example/", DomainKind::Cdn),
        );
        domains.save().unwrap();
        let saved: toml::Table = toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(saved["version"].as_integer(), Some(2));
        assert_eq!(
            saved["buckets"]["photos"]["kind"].as_str(),
            Some("edge-worker")
        );
        assert_eq!(saved["buckets"]["photos"]["tls"].as_str(), Some("strict"));
        assert_eq!(saved["buckets"]["docs"]["kind"].as_str(), Some("cdn"));
    }

    #[test]
    fn a_file_of_the_wrong_type_is_set_aside_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(CustomDomains::FILE_NAME);
        std::fs::write(&path, "buckets = 3\n").unwrap();
        let error = CustomDomains::load(dir.path()).unwrap_err();
        let CustomDomainStoreError::Unreadable(unreadable) = error else {
            panic!("{error}")
        };
        let kept = unreadable.kept_as.expect("set aside");
        assert_eq!(std::fs::read_to_string(kept).unwrap(), "buckets = 3\n");
        assert!(!path.exists());
    }
}
