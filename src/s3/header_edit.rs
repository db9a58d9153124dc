//! An edit of objects' headers as a plan — "set these, remove those, keep the rest" — checked
//! once, then applied to what each object has (one edit serves a selection of 3,000 objects
//! whose headers all differ). No I/O: `s3/headers.rs` reads and writes.

use std::collections::{BTreeMap, BTreeSet};

/// What an edit does to one header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum FieldEdit {
    /// Each object keeps its own value.
    #[default]
    Keep,
    Set(String),
    Remove,
}

impl FieldEdit {
    fn applied_to(&self, before: &Option<String>) -> Option<String> {
        match self {
            FieldEdit::Keep => before.clone(),
            FieldEdit::Set(value) => Some(value.clone()),
            FieldEdit::Remove => None,
        }
    }
}

/// The headers of an object a person can edit, as that object has them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EditableHeaders {
    pub content_type: Option<String>,
    pub cache_control: Option<String>,
    pub content_disposition: Option<String>,
    pub content_encoding: Option<String>,
    pub content_language: Option<String>,
    /// Seconds since the Unix epoch.
    pub expires: Option<i64>,
    /// `x-amz-meta-*`, the names without the prefix, lower case (as S3 keeps them).
    pub metadata: BTreeMap<String, String>,
    /// `None` for STANDARD, which S3 does not name in a HEAD answer.
    pub storage_class: Option<String>,
    pub tags: BTreeMap<String, String>,
}

/// One edit, for one object or a whole selection.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeaderEdit {
    pub content_type: FieldEdit,
    pub cache_control: FieldEdit,
    pub content_disposition: FieldEdit,
    pub content_encoding: FieldEdit,
    pub content_language: FieldEdit,
    /// The value set is seconds since the Unix epoch, as decimal text.
    pub expires: FieldEdit,
    pub set_metadata: BTreeMap<String, String>,
    pub remove_metadata: BTreeSet<String>,
    pub storage_class: Option<String>,
    pub set_tags: BTreeMap<String, String>,
    pub remove_tags: BTreeSet<String>,
}

/// Why an edit cannot be sent as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("the edit changes nothing: name a header, metadata or tag to set or remove")]
    Empty,
    #[error(
        "{field}: {problem} (S3 keeps headers as plain ASCII text; encode other characters, e.g. filename*=UTF-8''… in Content-Disposition)"
    )]
    Value { field: String, problem: String },
    #[error(
        "metadata name `{0}`: use letters, digits, `-`, `_` and `.` (S3 sends it as part of a header name)"
    )]
    MetadataName(String),
    #[error("tag `{key}`: {problem}")]
    Tag { key: String, problem: String },
    #[error(
        "`{0}` is not a storage class S3 knows (STANDARD, STANDARD_IA, INTELLIGENT_TIERING, …)"
    )]
    StorageClass(String),
    #[error("Expires `{0}` is not a date")]
    Expires(String),
    #[error("`{0}` is both set and removed")]
    Both(String),
    #[error(
        "{0} is given twice with different values (S3 keeps one of each, its name in lower case): give it once"
    )]
    Twice(String),
}

/// The storage classes a copy may ask for.
pub const STORAGE_CLASSES: &[&str] = &[
    "STANDARD",
    "STANDARD_IA",
    "ONEZONE_IA",
    "INTELLIGENT_TIERING",
    "GLACIER_IR",
    "GLACIER",
    "DEEP_ARCHIVE",
    "REDUCED_REDUNDANCY",
    "EXPRESS_ONEZONE",
];

/// S3's limit on user metadata: names and values together, in bytes.
pub const MAX_METADATA_BYTES: usize = 2048;
/// S3's limit on an object's tags.
pub const MAX_TAGS: usize = 10;

/// A header value S3 can carry: visible ASCII and spaces, no line breaks (a line break in a
/// header value would end the header and start another).
fn check_value(field: &str, value: &str) -> Result<(), EditError> {
    let problem = if let Some(c) = value.chars().find(|c| c.is_control()) {
        format!("holds a control character (U+{:04X})", c as u32)
    } else if let Some(c) = value.chars().find(|c| !c.is_ascii()) {
        format!("holds `{c}`, which is not ASCII")
    } else {
        return Ok(());
    };
    Err(EditError::Value {
        field: field.to_owned(),
        problem,
    })
}

/// A metadata name as S3 keeps it (lower case), if it can be one.
pub fn metadata_name(name: &str) -> Result<String, EditError> {
    let name = name.trim().to_ascii_lowercase();
    let name = name.strip_prefix("x-amz-meta-").unwrap_or(&name).to_owned();
    let fine = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    match fine {
        true => Ok(name),
        false => Err(EditError::MetadataName(name)),
    }
}

fn check_tag(key: &str, value: &str) -> Result<(), EditError> {
    let problem = |problem: &str| EditError::Tag {
        key: key.to_owned(),
        problem: problem.to_owned(),
    };
    // The characters S3 allows in tags on every service that reads them.
    let allowed = |s: &str| {
        s.chars()
            .all(|c| c.is_alphanumeric() || c == ' ' || "+-=._:/@".contains(c))
    };
    if key.is_empty() || key.chars().count() > 128 {
        return Err(problem("a tag's name is 1 to 128 characters"));
    }
    if key.to_ascii_lowercase().starts_with("aws:") {
        return Err(problem("names starting with `aws:` are AWS's own"));
    }
    if value.chars().count() > 256 {
        return Err(problem("a tag's value is at most 256 characters"));
    }
    if !allowed(key) || !allowed(value) {
        return Err(problem(
            "use letters, digits, spaces and + - = . _ : / @ (what S3 allows in tags)",
        ));
    }
    Ok(())
}

impl HeaderEdit {
    /// The edit with its names normalised and every value checked; refused when it changes
    /// nothing, or asks for what S3 cannot keep.
    pub fn checked(mut self) -> Result<HeaderEdit, EditError> {
        if self == HeaderEdit::default() {
            return Err(EditError::Empty);
        }
        for (field, edit) in [
            ("Content-Type", &self.content_type),
            ("Cache-Control", &self.cache_control),
            ("Content-Disposition", &self.content_disposition),
            ("Content-Encoding", &self.content_encoding),
            ("Content-Language", &self.content_language),
        ] {
            if let FieldEdit::Set(value) = edit {
                check_value(field, value)?;
            }
        }
        if let FieldEdit::Set(seconds) = &self.expires
            && seconds.parse::<i64>().is_err()
        {
            return Err(EditError::Expires(seconds.clone()));
        }
        let mut set = BTreeMap::new();
        for (name, value) in std::mem::take(&mut self.set_metadata) {
            let name = metadata_name(&name)?;
            check_value(&format!("metadata `{name}`"), &value)?;
            // `Owner` and `owner` are one name to S3: one value would be dropped unsaid.
            if let Some(earlier) = set.insert(name.clone(), value.clone())
                && earlier != value
            {
                return Err(EditError::Twice(format!("metadata `{name}`")));
            }
        }
        self.set_metadata = set;
        let removed = std::mem::take(&mut self.remove_metadata);
        self.remove_metadata = removed
            .iter()
            .map(|n| metadata_name(n))
            .collect::<Result<_, _>>()?;
        if let Some(name) = self
            .set_metadata
            .keys()
            .find(|n| self.remove_metadata.contains(*n))
        {
            return Err(EditError::Both(format!("metadata `{name}`")));
        }
        for (key, value) in &self.set_tags {
            check_tag(key, value)?;
        }
        if let Some(key) = self.set_tags.keys().find(|k| self.remove_tags.contains(*k)) {
            return Err(EditError::Both(format!("tag `{key}`")));
        }
        if self.set_tags.len() > MAX_TAGS {
            return Err(EditError::Tag {
                key: self.set_tags.keys().last().cloned().unwrap_or_default(),
                problem: format!("an object holds at most {MAX_TAGS} tags"),
            });
        }
        if let Some(class) = &self.storage_class {
            let upper = class.trim().to_ascii_uppercase();
            if !STORAGE_CLASSES.contains(&upper.as_str()) {
                return Err(EditError::StorageClass(class.clone()));
            }
            self.storage_class = Some(upper);
        }
        Ok(self)
    }

    /// Whether the edit sets or removes a tag (the copy then replaces the tag set).
    pub fn touches_tags(&self) -> bool {
        !self.set_tags.is_empty() || !self.remove_tags.is_empty()
    }

    /// What `before` becomes: what the edit names, and everything else as it was.
    pub fn applied_to(&self, before: &EditableHeaders) -> EditableHeaders {
        let mut metadata = before.metadata.clone();
        metadata.retain(|name, _| !self.remove_metadata.contains(name));
        metadata.extend(self.set_metadata.clone());
        let mut tags = before.tags.clone();
        tags.retain(|key, _| !self.remove_tags.contains(key));
        tags.extend(self.set_tags.clone());
        let expires = match &self.expires {
            FieldEdit::Keep => before.expires,
            FieldEdit::Set(seconds) => seconds.parse().ok(),
            FieldEdit::Remove => None,
        };
        // STANDARD is what S3 means by no class named: asking for it changes nothing.
        let storage_class = match self.storage_class.as_deref() {
            None => before.storage_class.clone(),
            Some("STANDARD") => None,
            Some(class) => Some(class.to_owned()),
        };
        EditableHeaders {
            content_type: self.content_type.applied_to(&before.content_type),
            cache_control: self.cache_control.applied_to(&before.cache_control),
            content_disposition: self
                .content_disposition
                .applied_to(&before.content_disposition),
            content_encoding: self.content_encoding.applied_to(&before.content_encoding),
            content_language: self.content_language.applied_to(&before.content_language),
            expires,
            metadata,
            storage_class,
            tags,
        }
    }
}

/// Why an edit's result cannot be kept by one object (its own metadata and the edit's
/// together are too large, or too many tags).
pub fn check_result(after: &EditableHeaders) -> Result<(), EditError> {
    let bytes: usize = after.metadata.iter().map(|(k, v)| k.len() + v.len()).sum();
    if bytes > MAX_METADATA_BYTES {
        return Err(EditError::Value {
            field: "metadata".into(),
            problem: format!(
                "{bytes} bytes of names and values; S3 keeps at most {MAX_METADATA_BYTES}"
            ),
        });
    }
    if after.tags.len() > MAX_TAGS {
        return Err(EditError::Tag {
            key: after.tags.keys().last().cloned().unwrap_or_default(),
            problem: format!(
                "the object would hold {} tags; S3 keeps at most {MAX_TAGS}",
                after.tags.len()
            ),
        });
    }
    Ok(())
}

/// One line per header that differs between `before` and `after`: `Name: old → new`, with
/// `(none)` for a header not there.
pub fn differences(before: &EditableHeaders, after: &EditableHeaders) -> Vec<String> {
    let shown = |v: Option<&str>| v.map_or_else(|| "(none)".to_owned(), |v| format!("`{v}`"));
    let date = |s: Option<i64>| {
        s.map(|s| {
            jiff::Timestamp::from_second(s)
                .map(|t| t.strftime("%a, %d %b %Y %H:%M:%S GMT").to_string())
                .unwrap_or_else(|_| s.to_string())
        })
    };
    let mut lines = Vec::new();
    let mut line = |name: &str, a: Option<&str>, b: Option<&str>| {
        if a != b {
            lines.push(format!("{name}: {} → {}", shown(a), shown(b)));
        }
    };
    line(
        "Content-Type",
        before.content_type.as_deref(),
        after.content_type.as_deref(),
    );
    line(
        "Cache-Control",
        before.cache_control.as_deref(),
        after.cache_control.as_deref(),
    );
    line(
        "Content-Disposition",
        before.content_disposition.as_deref(),
        after.content_disposition.as_deref(),
    );
    line(
        "Content-Encoding",
        before.content_encoding.as_deref(),
        after.content_encoding.as_deref(),
    );
    line(
        "Content-Language",
        before.content_language.as_deref(),
        after.content_language.as_deref(),
    );
    let (a, b) = (date(before.expires), date(after.expires));
    line("Expires", a.as_deref(), b.as_deref());
    let class = |c: &Option<String>| c.clone().unwrap_or_else(|| "STANDARD".into());
    let (a, b) = (class(&before.storage_class), class(&after.storage_class));
    line("Storage class", Some(&a), Some(&b));
    let names: BTreeSet<&String> = before
        .metadata
        .keys()
        .chain(after.metadata.keys())
        .collect();
    for name in names {
        line(
            &format!("x-amz-meta-{name}"),
            before.metadata.get(name).map(String::as_str),
            after.metadata.get(name).map(String::as_str),
        );
    }
    let keys: BTreeSet<&String> = before.tags.keys().chain(after.tags.keys()).collect();
    for key in keys {
        line(
            &format!("tag {key}"),
            before.tags.get(key).map(String::as_str),
            after.tags.get(key).map(String::as_str),
        );
    }
    lines
}

/// The tag set as the `x-amz-tagging` header carries it: a URL query, each part encoded.
pub fn tagging_header(tags: &BTreeMap<String, String>) -> String {
    const SAFE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    let encode = |s: &str| percent_encoding::utf8_percent_encode(s, SAFE).to_string();
    tags.iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// `rule` with its values checked as an edit's are (what S3 cannot carry is refused when the
/// rule is made, not at the first upload it applies to), its metadata names as S3 keeps them.
pub(crate) fn checked_rule(
    rule: crate::storage::upload_headers::UploadRule,
) -> Result<crate::storage::upload_headers::UploadRule, EditError> {
    let set = |v: &Option<String>| v.clone().map_or(FieldEdit::Keep, FieldEdit::Set);
    let edit = HeaderEdit {
        content_type: set(&rule.content_type),
        cache_control: set(&rule.cache_control),
        content_disposition: set(&rule.content_disposition),
        content_encoding: set(&rule.content_encoding),
        content_language: set(&rule.content_language),
        set_metadata: rule.metadata.clone(),
        ..HeaderEdit::default()
    }
    .checked()?;
    Ok(crate::storage::upload_headers::UploadRule {
        metadata: edit.set_metadata,
        ..rule
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object() -> EditableHeaders {
        EditableHeaders {
            content_type: Some("application/octet-stream".into()),
            cache_control: Some("no-cache".into()),
            metadata: BTreeMap::from([
                ("owner".into(), "ana".into()),
                ("draft".into(), "yes".into()),
            ]),
            storage_class: Some("STANDARD_IA".into()),
            tags: BTreeMap::from([("team".into(), "web".into())]),
            ..EditableHeaders::default()
        }
    }

    #[test]
    fn an_edit_sets_and_removes_what_it_names_and_keeps_the_rest_per_object() {
        let edit = HeaderEdit {
            content_type: FieldEdit::Set("text/html; charset=utf-8".into()),
            cache_control: FieldEdit::Remove,
            set_metadata: BTreeMap::from([("X-Amz-Meta-Reviewed".into(), "2026".into())]),
            remove_metadata: BTreeSet::from(["DRAFT".into()]),
            set_tags: BTreeMap::from([("stage".into(), "live".into())]),
            ..HeaderEdit::default()
        }
        .checked()
        .unwrap();
        let after = edit.applied_to(&object());
        assert_eq!(
            after.content_type.as_deref(),
            Some("text/html; charset=utf-8")
        );
        assert_eq!(after.cache_control, None);
        assert_eq!(
            after.metadata,
            BTreeMap::from([
                ("owner".into(), "ana".into()),
                ("reviewed".into(), "2026".into())
            ])
        );
        assert_eq!(after.storage_class.as_deref(), Some("STANDARD_IA"), "kept");
        assert_eq!(after.tags.len(), 2, "{:?}", after.tags);
        let lines = differences(&object(), &after);
        assert!(
            lines.contains(&"Cache-Control: `no-cache` → (none)".to_owned()),
            "{lines:?}"
        );
        assert!(lines.contains(&"x-amz-meta-draft: `yes` → (none)".to_owned()));
        assert!(
            !lines.iter().any(|l| l.contains("owner")),
            "unchanged is not listed"
        );
        // The same edit on an object that already has it all changes nothing.
        assert_eq!(edit.applied_to(&after), after);
    }

    #[test]
    fn a_header_value_cannot_carry_a_line_break_or_a_character_s3_cannot_send() {
        for value in ["text/html\r\nx-amz-acl: public-read", "max-age=1\n", "café"] {
            let edit = HeaderEdit {
                cache_control: FieldEdit::Set(value.into()),
                ..HeaderEdit::default()
            };
            assert!(
                matches!(edit.checked(), Err(EditError::Value { .. })),
                "{value:?}"
            );
        }
        let bad_name = HeaderEdit {
            set_metadata: BTreeMap::from([("a b".into(), "1".into())]),
            ..HeaderEdit::default()
        };
        assert!(matches!(
            bad_name.checked(),
            Err(EditError::MetadataName(_))
        ));
        assert_eq!(HeaderEdit::default().checked(), Err(EditError::Empty));
        let both = HeaderEdit {
            set_tags: BTreeMap::from([("a".into(), "1".into())]),
            remove_tags: BTreeSet::from(["a".into()]),
            ..HeaderEdit::default()
        };
        assert!(matches!(both.checked(), Err(EditError::Both(_))));
        let aws = HeaderEdit {
            set_tags: BTreeMap::from([("aws:x".into(), "1".into())]),
            ..HeaderEdit::default()
        };
        assert!(matches!(aws.checked(), Err(EditError::Tag { .. })));
    }

    #[test]
    fn storage_class_is_checked_and_standard_means_none_named() {
        let edit = HeaderEdit {
            storage_class: Some("standard".into()),
            ..HeaderEdit::default()
        }
        .checked()
        .unwrap();
        assert_eq!(edit.applied_to(&object()).storage_class, None);
        let wrong = HeaderEdit {
            storage_class: Some("COLD".into()),
            ..HeaderEdit::default()
        };
        assert!(matches!(wrong.checked(), Err(EditError::StorageClass(_))));
    }

    #[test]
    fn too_much_metadata_or_too_many_tags_on_one_object_is_refused_for_that_object() {
        let mut big = object();
        big.metadata
            .insert("long".into(), "x".repeat(MAX_METADATA_BYTES));
        assert!(check_result(&big).is_err());
        let mut tags = object();
        for n in 0..MAX_TAGS {
            tags.tags.insert(format!("t{n}"), "v".into());
        }
        assert!(check_result(&tags).is_err());
        assert!(check_result(&object()).is_ok());
    }

    #[test]
    fn tags_are_encoded_for_their_header() {
        let tags = BTreeMap::from([
            ("a b".to_owned(), "x=y&z".to_owned()),
            ("c".to_owned(), "ü/1".to_owned()),
        ]);
        assert_eq!(tagging_header(&tags), "a%20b=x%3Dy%26z&c=%C3%BC%2F1");
    }
}
