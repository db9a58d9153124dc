//! Pail's small TOML settings files kept per bucket (CloudFront distributions, custom domains,
//! default upload headers): read with the file's own table beside the typed one, so a save puts
//! back what a newer Pail wrote; a file that is not what this Pail reads is set aside, never
//! overwritten.

use std::path::Path;

use serde::de::DeserializeOwned;

use super::unreadable::{UnreadableFile, line_of, read_text, set_aside};

/// Reads `path` as `T` and as a plain table: no file is `T::default()`; a file that is not
/// TOML, or whose values have another type than `T` says, is set aside with the line at fault.
pub(crate) fn read<T: DeserializeOwned + Default>(
    path: &Path,
) -> Result<(T, toml::Table), UnreadableFile> {
    let Some(text) = read_text(path)? else {
        return Ok((T::default(), toml::Table::new()));
    };
    toml::from_str::<T>(&text)
        .and_then(|file| Ok((file, text.parse::<toml::Table>()?)))
        .map_err(|e| {
            let line = e.span().map(|span| line_of(text.as_bytes(), span.start));
            set_aside(path, line, e.message().to_owned())
        })
}

/// Puts into `table` (the typed file about to be written) what `read` (the file as read) had
/// that this Pail does not know: keys of the file, and each bucket's own under `buckets`;
/// `in_bucket` keeps what lies deeper in a bucket (a rule's fields).
pub(crate) fn keep_unknown(
    table: &mut toml::Table,
    read: &toml::Table,
    in_bucket: impl Fn(&mut toml::Table, &toml::Table),
) {
    if let (Some(toml::Value::Table(buckets)), Some(toml::Value::Table(read))) =
        (table.get_mut("buckets"), read.get("buckets"))
    {
        for (name, bucket) in buckets.iter_mut() {
            if let (toml::Value::Table(bucket), Some(toml::Value::Table(old))) =
                (bucket, read.get(name))
            {
                in_bucket(bucket, old);
                keep_keys(bucket, old);
            }
        }
    }
    keep_keys(table, read);
}

/// Adds to `table` the keys only `read` has.
pub(crate) fn keep_keys(table: &mut toml::Table, read: &toml::Table) {
    for (name, value) in read {
        if !table.contains_key(name) {
            table.insert(name.clone(), value.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, serde::Deserialize, serde::Serialize)]
    struct File {
        #[serde(default)]
        buckets: std::collections::BTreeMap<String, Entry>,
    }

    #[derive(Debug, Default, serde::Deserialize, serde::Serialize)]
    struct Entry {
        url: String,
    }

    #[test]
    fn what_a_newer_pail_wrote_is_kept_at_each_level() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.toml");
        std::fs::write(
            &path,
            "later = 1\n[buckets.b]\nurl = \"u\"\nkind = \"new\"\n[buckets.gone]\nurl = \"g\"\n",
        )
        .unwrap();
        let (mut file, as_read) = read::<File>(&path).unwrap();
        file.buckets.remove("gone");
        let mut table = toml::Table::try_from(&file).unwrap();
        keep_unknown(&mut table, &as_read, |_, _| {});
        assert_eq!(table["later"].as_integer(), Some(1));
        assert_eq!(table["buckets"]["b"]["kind"].as_str(), Some("new"));
        // A bucket this Pail removed stays removed.
        assert!(table["buckets"].get("gone").is_none());
    }

    #[test]
    fn a_wrong_type_is_set_aside_with_its_line_and_no_file_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.toml");
        let (file, table) = read::<File>(&path).unwrap();
        assert!(file.buckets.is_empty() && table.is_empty());
        std::fs::write(&path, "[buckets.b]\nurl = 3\n").unwrap();
        let error = read::<File>(&path).unwrap_err();
        assert!(error.to_string().contains("line 2"), "{error}");
        assert!(!path.exists(), "set aside, not left to be overwritten");
    }
}
