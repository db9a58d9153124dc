//! Default headers for uploads, per bucket and by pattern (`*.html` → `text/html;
//! charset=utf-8`, `assets/*` → Cache-Control), kept in `upload-headers.toml` in Pail's config
//! folder. A file that cannot be read, or holds a wrong type, is set aside (never overwritten)
//! and uploads go on without defaults; what a newer Pail wrote in it is kept on save.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::storage::private_file::write_private;
use crate::storage::settings_toml;
use crate::storage::unreadable::{UnreadableFile, set_aside};

/// The file's name in the config folder.
pub(crate) const FILE_NAME: &str = "upload-headers.toml";

/// The lock beside it, held while a change is read, made and saved.
const LOCK_NAME: &str = "upload-headers.toml.lock";

/// Holds the rules' lock until dropped: a change made under it (load, set or remove, save)
/// is not lost to another made at the same time (two `pail upload-headers set` in a script
/// each read the file, add their rule and write it back).
pub(crate) fn lock(dir: &Path) -> Result<std::fs::File, UploadHeadersError> {
    let path = dir.join(LOCK_NAME);
    let failed = |e: std::io::Error| UploadHeadersError::Write {
        path: path.clone(),
        reason: e.to_string(),
    };
    std::fs::create_dir_all(dir).map_err(failed)?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(failed)?;
    file.lock().map_err(failed)?;
    Ok(file)
}

/// One rule: the headers an upload whose key matches `pattern` gets. A pattern without `/`
/// matches the key's last segment (`*.html`, anywhere); one with `/` matches the whole key,
/// its `*` crossing `/` (`assets/*`: everything below `assets/`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadRule {
    pub pattern: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_control: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_disposition: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_encoding: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_language: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
}

impl UploadRule {
    fn matches(&self, key: &str) -> bool {
        let (pattern, text) = match self.pattern.contains('/') {
            true => (self.pattern.as_str(), key),
            false => (self.pattern.as_str(), key.rsplit('/').next().unwrap_or(key)),
        };
        globset::Glob::new(pattern)
            .map(|glob| glob.compile_matcher().is_match(text))
            .unwrap_or(false)
    }
}

/// The headers one upload gets from the rules that match its key (a later rule's value wins).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct DefaultHeaders {
    pub content_type: Option<String>,
    pub cache_control: Option<String>,
    pub content_disposition: Option<String>,
    pub content_encoding: Option<String>,
    pub content_language: Option<String>,
    pub metadata: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct BucketRules {
    #[serde(default)]
    rules: Vec<UploadRule>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct RulesFile {
    #[serde(default)]
    buckets: BTreeMap<String, BucketRules>,
}

impl RulesFile {
    /// A value no upload could send (a line break would end the header and forge another; S3
    /// keeps headers as ASCII), or a metadata name no header can carry: the file, edited by
    /// hand, cannot be used.
    fn problem(&self) -> Option<String> {
        let sendable = |v: &str| v.chars().all(|c| c.is_ascii() && !c.is_ascii_control());
        let name_fine = |n: &str| {
            !n.is_empty()
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        };
        for (bucket, rules) in &self.buckets {
            for rule in &rules.rules {
                let values = [
                    &rule.content_type,
                    &rule.cache_control,
                    &rule.content_disposition,
                    &rule.content_encoding,
                    &rule.content_language,
                ];
                let bad_value = values.into_iter().flatten().any(|v| !sendable(v))
                    || rule.metadata.values().any(|v| !sendable(v));
                let bad_name = rule.metadata.keys().any(|n| !name_fine(n));
                if bad_value || bad_name {
                    return Some(format!(
                        "bucket `{bucket}`, rule `{}`: a header value holds a line break or a character S3 cannot keep, or a metadata name one no header can carry",
                        rule.pattern.escape_debug()
                    ));
                }
            }
        }
        None
    }
}

/// Why the rules could not be used or kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum UploadHeadersError {
    #[error(transparent)]
    Unreadable(#[from] UnreadableFile),
    #[error("could not save {}: {reason}", path.display())]
    Write { path: PathBuf, reason: String },
    #[error("`{0}` is not a pattern: {1}")]
    Pattern(String, String),
}

/// The rules of the config folder.
#[derive(Debug, Clone, Default)]
pub(crate) struct UploadHeaderRules {
    path: PathBuf,
    file: RulesFile,
    /// The file as read, so that a save keeps what a newer Pail wrote.
    read: toml::Table,
}

impl UploadHeaderRules {
    /// Reads `dir/upload-headers.toml`: none is no rules; a broken one is set aside and
    /// reported.
    pub(crate) fn load(dir: &Path) -> Result<Self, UploadHeadersError> {
        let path = dir.join(FILE_NAME);
        let (file, read) = settings_toml::read::<RulesFile>(&path)?;
        match file.problem() {
            Some(problem) => Err(set_aside(&path, None, problem).into()),
            None => Ok(Self { path, file, read }),
        }
    }

    /// The rules `dir` holds, or none when its file cannot be used (set aside, and `warn`ed).
    pub(crate) fn load_or_none(dir: &Path, warn: impl FnOnce(&UploadHeadersError)) -> Self {
        Self::load(dir).unwrap_or_else(|e| {
            warn(&e);
            Self::default()
        })
    }

    /// Every bucket's rules, in order.
    pub(crate) fn all(&self) -> impl Iterator<Item = (&str, &[UploadRule])> {
        self.file
            .buckets
            .iter()
            .map(|(bucket, rules)| (bucket.as_str(), rules.rules.as_slice()))
    }

    /// `bucket`'s rules, in order (a later one's values win).
    pub(crate) fn rules_for(&self, bucket: &str) -> Vec<UploadRule> {
        self.file
            .buckets
            .get(bucket)
            .map(|rules| rules.rules.clone())
            .unwrap_or_default()
    }

    /// What an upload of `key` to `bucket` gets.
    pub(crate) fn for_key(&self, bucket: &str, key: &str) -> DefaultHeaders {
        let mut headers = DefaultHeaders::default();
        let Some(rules) = self.file.buckets.get(bucket) else {
            return headers;
        };
        for rule in rules.rules.iter().filter(|r| r.matches(key)) {
            let take = |to: &mut Option<String>, from: &Option<String>| {
                if from.is_some() {
                    to.clone_from(from);
                }
            };
            take(&mut headers.content_type, &rule.content_type);
            take(&mut headers.cache_control, &rule.cache_control);
            take(&mut headers.content_disposition, &rule.content_disposition);
            take(&mut headers.content_encoding, &rule.content_encoding);
            take(&mut headers.content_language, &rule.content_language);
            headers.metadata.extend(rule.metadata.clone());
        }
        headers
    }

    /// Adds `rule` to `bucket`'s, replacing one with the same pattern.
    pub(crate) fn set(&mut self, bucket: &str, rule: UploadRule) -> Result<(), UploadHeadersError> {
        globset::Glob::new(&rule.pattern)
            .map_err(|e| UploadHeadersError::Pattern(rule.pattern.clone(), e.to_string()))?;
        let rules = &mut self
            .file
            .buckets
            .entry(bucket.to_owned())
            .or_default()
            .rules;
        match rules.iter_mut().find(|r| r.pattern == rule.pattern) {
            Some(same) => *same = rule,
            None => rules.push(rule),
        }
        Ok(())
    }

    /// Removes `bucket`'s rule for `pattern`; whether there was one.
    pub(crate) fn remove(&mut self, bucket: &str, pattern: &str) -> bool {
        let Some(rules) = self.file.buckets.get_mut(bucket) else {
            return false;
        };
        let before = rules.rules.len();
        rules.rules.retain(|r| r.pattern != pattern);
        let removed = rules.rules.len() < before;
        if rules.rules.is_empty() {
            self.file.buckets.remove(bucket);
        }
        removed
    }

    /// Writes the file atomically, keeping the fields a newer Pail wrote (in the file, a
    /// bucket, or a rule of the same pattern).
    pub(crate) fn save(&self) -> Result<(), UploadHeadersError> {
        let failed = |reason: String| UploadHeadersError::Write {
            path: self.path.clone(),
            reason,
        };
        let mut table = toml::Table::try_from(&self.file).map_err(|e| failed(e.to_string()))?;
        settings_toml::keep_unknown(&mut table, &self.read, keep_unknown_rules);
        let text = toml::to_string(&table).map_err(|e| failed(e.to_string()))?;
        write_private(&self.path, text.as_bytes()).map_err(|e| failed(e.to_string()))
    }
}

/// Each rule keeps the fields the rule of the same pattern had, as read.
fn keep_unknown_rules(bucket: &mut toml::Table, read: &toml::Table) {
    let (Some(toml::Value::Array(rules)), Some(toml::Value::Array(old))) =
        (bucket.get_mut("rules"), read.get("rules"))
    else {
        return;
    };
    for rule in rules.iter_mut() {
        let toml::Value::Table(rule) = rule else {
            continue;
        };
        let same = old.iter().find_map(|o| match o {
            toml::Value::Table(o) if o.get("pattern") == rule.get("pattern") => Some(o),
            _ => None,
        });
        if let Some(old) = same {
            settings_toml::keep_keys(rule, old);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(pattern: &str) -> UploadRule {
        UploadRule {
            pattern: pattern.into(),
            ..UploadRule::default()
        }
    }

    #[test]
    fn rules_match_by_name_or_by_path_and_later_rules_win() {
        let dir = tempfile::tempdir().unwrap();
        let mut rules = UploadHeaderRules::load(dir.path()).unwrap();
        rules
            .set(
                "site",
                UploadRule {
                    content_type: Some("text/html; charset=utf-8".into()),
                    ..rule("*.html")
                },
            )
            .unwrap();
        rules
            .set(
                "site",
                UploadRule {
                    cache_control: Some("public, max-age=31536000".into()),
                    ..rule("assets/*")
                },
            )
            .unwrap();
        rules
            .set(
                "site",
                UploadRule {
                    cache_control: Some("no-cache".into()),
                    ..rule("assets/live/*.html")
                },
            )
            .unwrap();
        let page = rules.for_key("site", "docs/a/index.html");
        assert_eq!(
            page.content_type.as_deref(),
            Some("text/html; charset=utf-8")
        );
        assert_eq!(page.cache_control, None);
        let asset = rules.for_key("site", "assets/img/logo.png");
        assert_eq!(
            asset.cache_control.as_deref(),
            Some("public, max-age=31536000")
        );
        let live = rules.for_key("site", "assets/live/now.html");
        assert_eq!(
            live.cache_control.as_deref(),
            Some("no-cache"),
            "the later rule"
        );
        assert_eq!(
            live.content_type.as_deref(),
            Some("text/html; charset=utf-8")
        );
        assert_eq!(
            rules.for_key("other", "index.html"),
            DefaultHeaders::default()
        );
        assert!(matches!(
            rules.set("site", rule("a[")),
            Err(UploadHeadersError::Pattern(..))
        ));
        rules.save().unwrap();
        let again = UploadHeaderRules::load(dir.path()).unwrap();
        assert_eq!(again.for_key("site", "assets/live/now.html"), live);
        let mut again = again;
        assert!(again.remove("site", "*.html"));
        assert!(!again.remove("site", "*.html"));
    }

    #[test]
    fn a_file_with_a_wrong_type_is_set_aside_and_a_newer_pails_fields_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, "[buckets.site]\nrules = \"*.html\"\n").unwrap();
        let Err(UploadHeadersError::Unreadable(problem)) = UploadHeaderRules::load(dir.path())
        else {
            panic!("a string is not a list of rules");
        };
        assert_eq!(problem.line, Some(2));
        let kept = problem.kept_as.unwrap();
        assert_eq!(
            std::fs::read_to_string(kept).unwrap(),
            "[buckets.site]\nrules = \"*.html\"\n"
        );
        let mut warned = false;
        let none = UploadHeaderRules::load_or_none(dir.path(), |_| warned = true);
        assert!(!warned, "the broken file was moved away: none now");
        assert_eq!(none.all().count(), 0);

        std::fs::write(
            &path,
            "theme = \"dark\"\n[buckets.site]\nregion_hint = \"eu\"\n[[buckets.site.rules]]\npattern = \"*.css\"\ncache_control = \"max-age=60\"\nbrotli = true\n",
        )
        .unwrap();
        let mut rules = UploadHeaderRules::load(dir.path()).unwrap();
        rules
            .set(
                "site",
                UploadRule {
                    cache_control: Some("max-age=600".into()),
                    ..rule("*.css")
                },
            )
            .unwrap();
        rules.save().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        for kept in [
            "theme = \"dark\"",
            "region_hint = \"eu\"",
            "brotli = true",
            "max-age=600",
        ] {
            assert!(text.contains(kept), "{kept} in {text}");
        }
    }
}
