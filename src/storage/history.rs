//! The shared-links history: every link Pail generated, kept in the platform data folder
//! (`shared-links.json`, mode 0600 since a live link grants access to the object).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub(crate) use crate::storage::private_file::SaveError;
use crate::storage::unreadable::UnreadableFile;

/// One generated link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedLink {
    /// `s3://bucket/key`
    pub uri: String,
    pub url: String,
    /// GET, PUT or POST.
    pub method: String,
    pub profile: String,
    /// Unix seconds.
    pub created: i64,
    /// When the link really stops working (unix seconds).
    pub expires: i64,
    /// What else the link does ("HTTPS · download as report.pdf").
    pub options: String,
    /// A folder shared as one page: where the page is, so Revoke can delete it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<SharedPage>,
    /// The page was deleted (Revoke).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub revoked: bool,
    /// The object's ETag when the link was made: the link doctor tells a changed object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// The version the link serves, when it was made for one (absent in older histories).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    /// Signed or public (unsigned, no expiry; absent in older histories: signed).
    #[serde(default, skip_serializing_if = "LinkKind::is_signed")]
    pub kind: LinkKind,
    /// What a newer Pail wrote in this link that this one does not know: kept, so a save
    /// here does not take it from the newer one.
    #[serde(flatten)]
    pub unknown: serde_json::Map<String, serde_json::Value>,
}

/// What kind of link a history entry is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkKind {
    /// Pre-signed (S3 or CloudFront): it expires.
    #[default]
    Signed,
    /// Unsigned: it works for as long as the object is public, and has no countdown.
    Public,
}

impl LinkKind {
    fn is_signed(&self) -> bool {
        *self == LinkKind::Signed
    }
}

/// Where a shared folder's index page is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharedPage {
    pub bucket: String,
    pub key: String,
    /// How many objects it links to.
    pub objects: usize,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct HistoryFile {
    links: Vec<SharedLink>,
}

/// Where the history lives: the platform data folder (`~/.local/share/pail` on Linux).
pub(crate) fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "pail").map(|d| d.data_dir().join("shared-links.json"))
}

/// Reads the history. A missing file is an empty history; one that cannot be read, is not
/// UTF-8 or is not valid is renamed aside (never overwritten by the next save) and reported.
pub(crate) fn load(path: &Path) -> (Vec<SharedLink>, Option<UnreadableFile>) {
    let text = match super::unreadable::read_text(path) {
        Ok(Some(text)) => text,
        Ok(None) => return (Vec::new(), None),
        Err(unreadable) => return (Vec::new(), Some(unreadable)),
    };
    match serde_json::from_str::<HistoryFile>(&text) {
        Ok(file) => (file.links, None),
        Err(e) => {
            let unreadable = super::unreadable::set_aside(
                path,
                Some(e.line()),
                format!("column {}: {e}", e.column()),
            );
            (Vec::new(), Some(unreadable))
        }
    }
}

/// Writes the whole history.
pub(crate) fn save(path: &Path, links: &[SharedLink]) -> Result<(), SaveError> {
    let file = HistoryFile {
        links: links.to_vec(),
    };
    let failed = |reason: String| SaveError {
        path: path.to_owned(),
        reason,
    };
    let json = serde_json::to_vec_pretty(&file).map_err(|e| failed(e.to_string()))?;
    crate::storage::private_file::save_private(path, &json)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(n: i64) -> SharedLink {
        SharedLink {
            uri: format!("s3://b/k{n}"),
            url: format!("https://b.s3.amazonaws.com/k{n}?X-Amz-Signature=abc"),
            method: "GET".into(),
            profile: "Demo".into(),
            created: n,
            expires: n + 3600,
            options: "HTTPS".into(),
            page: None,
            revoked: false,
            etag: None,
            version_id: None,
            kind: LinkKind::Signed,
            unknown: Default::default(),
        }
    }

    #[test]
    fn a_history_from_before_versions_loads_and_a_version_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shared-links.json");
        let older = r#"{"links":[{"uri":"s3://b/k","url":"https://b/k","method":"GET","profile":"p","created":1,"expires":2,"options":"HTTPS"}]}"#;
        std::fs::write(&path, older).unwrap();
        let (links, warning) = load(&path);
        assert!(warning.is_none());
        assert_eq!(links[0].version_id, None);
        let mut versioned = link(1);
        versioned.version_id = Some("v+1/=".into());
        save(&path, &[versioned.clone()]).unwrap();
        assert_eq!(load(&path).0, [versioned]);
    }

    #[test]
    fn a_public_link_round_trips_and_an_older_entry_is_signed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shared-links.json");
        let mut public = link(1);
        public.kind = LinkKind::Public;
        save(&path, &[public.clone(), link(2)]).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.matches("\"kind\": \"public\"").count(), 1, "{text}");
        assert!(
            !text.contains("signed"),
            "a signed link is written as before"
        );
        assert_eq!(load(&path).0, [public, link(2)]);
        let older = r#"{"links":[{"uri":"s3://b/k","url":"https://b/k","method":"GET","profile":"p","created":1,"expires":2,"options":"HTTPS"}]}"#;
        std::fs::write(&path, older).unwrap();
        assert_eq!(load(&path).0[0].kind, LinkKind::Signed);
    }

    #[test]
    fn what_a_newer_pail_wrote_in_a_link_is_kept_on_save() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shared-links.json");
        let newer = r#"{"links":[{"uri":"s3://b/k","url":"https://b/k","method":"GET","profile":"p","created":1,"expires":2,"options":"HTTPS","version_id":"v1","watermark":{"text":"draft"},"checked":7}]}"#;
        std::fs::write(&path, newer).unwrap();
        let (links, warning) = load(&path);
        assert!(warning.is_none());
        assert_eq!(links[0].version_id.as_deref(), Some("v1"));
        save(&path, &links).unwrap();
        let saved: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let link = &saved["links"][0];
        assert_eq!(link["watermark"]["text"], "draft", "{saved}");
        assert_eq!(link["checked"], 7, "{saved}");
        assert_eq!(link["version_id"], "v1");
    }

    #[test]
    fn round_trips_and_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shared-links.json");
        assert_eq!(load(&path), (Vec::new(), None));
        save(&path, &[link(1), link(2)]).unwrap();
        assert_eq!(load(&path), (vec![link(1), link(2)], None));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn damaged_file_is_kept_aside_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shared-links.json");
        std::fs::write(&path, "{\n  \"links\": [ oops").unwrap();
        let (links, warning) = load(&path);
        assert!(links.is_empty());
        let warning = warning.unwrap().to_string();
        assert!(warning.contains("line 2"), "{warning}");
        assert!(!path.exists());
        let kept: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(kept.len(), 1);
    }

    #[test]
    fn a_history_that_is_not_utf8_is_kept_aside_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shared-links.json");
        let bytes = b"{\"links\": [\"\xff\"]}".to_vec();
        std::fs::write(&path, &bytes).unwrap();
        let (links, warning) = load(&path);
        assert!(links.is_empty());
        assert!(warning.unwrap().to_string().contains("not UTF-8"));
        // The next save writes a new file; the old one stays as it was.
        save(&path, &[]).unwrap();
        let aside = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.to_string_lossy().contains(".broken-"))
            .expect("set aside");
        assert_eq!(std::fs::read(aside).unwrap(), bytes);
    }
}
