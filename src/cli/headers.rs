//! `pail headers`: an object's headers, metadata and tags shown (no edit given), or edited on
//! one object, several, or every object below a folder (`-r`): each copied onto itself with
//! what the edit names and everything else it had. `--dry-run` prints what would change.

use std::collections::{BTreeMap, BTreeSet};

use clap::Args;

use super::{CliError, ConnectionArgs, note, print_line};
use crate::model::{BucketName, ObjectKey, S3Prefix};
use crate::s3::connection::Connection;
use crate::s3::header_batch::{edit_objects, keys_below, versioning_on};
use crate::s3::header_edit::{FieldEdit, HeaderEdit, differences};
use crate::s3::headers::{ObjectHeaders, read_headers};
use crate::s3::transfer::TransferControl;

/// The five headers `pail headers` sets and `pail upload-headers set` gives uploads.
#[derive(Debug, Args)]
pub(crate) struct HeaderValues {
    /// Set Content-Type (`text/html; charset=utf-8`).
    #[arg(long, value_name = "TYPE")]
    pub content_type: Option<String>,
    /// Set Cache-Control (`public, max-age=31536000`).
    #[arg(long, value_name = "VALUE")]
    pub cache_control: Option<String>,
    /// Set Content-Disposition (`attachment; filename="report.pdf"`).
    #[arg(long, value_name = "VALUE")]
    pub content_disposition: Option<String>,
    /// Set Content-Encoding (`gzip`).
    #[arg(long, value_name = "VALUE")]
    pub content_encoding: Option<String>,
    /// Set Content-Language (`en`).
    #[arg(long, value_name = "VALUE")]
    pub content_language: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct HeadersArgs {
    /// The objects, as s3://BUCKET/KEY (with -r, folders: every object below each).
    #[arg(value_name = "S3_URI", required = true)]
    pub uris: Vec<String>,
    /// Every object below each folder given.
    #[arg(short, long)]
    pub recursive: bool,
    #[command(flatten)]
    pub set: HeaderValues,
    /// Set Expires: a date or time in UTC (2027-01-01, 2027-01-01T12:00) or with its offset.
    #[arg(long, value_name = "DATETIME", value_parser = crate::search::parse_when)]
    pub expires: Option<i64>,
    /// Remove a header (repeat for several).
    #[arg(long, value_name = "HEADER", value_enum)]
    pub remove_header: Vec<HeaderName>,
    /// Set user metadata (x-amz-meta-NAME); repeat for several.
    #[arg(long = "meta", visible_alias = "metadata", value_name = "NAME=VALUE", value_parser = pair)]
    pub meta: Vec<(String, String)>,
    /// Remove user metadata by name; repeat for several.
    #[arg(long, value_name = "NAME")]
    pub remove_meta: Vec<String>,
    /// Set the storage class (STANDARD, STANDARD_IA, INTELLIGENT_TIERING, GLACIER_IR, …).
    #[arg(long, value_name = "CLASS")]
    pub storage_class: Option<String>,
    /// Set a tag; repeat for several (the others are kept).
    #[arg(long, value_name = "KEY=VALUE", value_parser = pair)]
    pub tag: Vec<(String, String)>,
    /// Remove a tag by key; repeat for several.
    #[arg(long, value_name = "KEY")]
    pub remove_tag: Vec<String>,
    /// Print what would change on each object, and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

/// A header `--remove-header` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum HeaderName {
    ContentType,
    CacheControl,
    ContentDisposition,
    ContentEncoding,
    ContentLanguage,
    Expires,
}

/// `--meta`'s or `--tag`'s pairs as a map, a name given twice with two values refused (a map
/// would keep the last and drop the other unsaid).
fn once(pairs: &[(String, String)], flag: &str) -> Result<BTreeMap<String, String>, CliError> {
    let mut map = BTreeMap::new();
    for (name, value) in pairs {
        if let Some(earlier) = map.insert(name.clone(), value.clone())
            && earlier != *value
        {
            return Err(CliError::Usage(format!(
                "--{flag} `{name}` is given twice with different values: give it once"
            )));
        }
    }
    Ok(map)
}

pub(super) fn pair(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .ok_or_else(|| format!("`{text}` is not NAME=VALUE"))
}

impl HeadersArgs {
    /// The edit the flags ask for; `None` when they ask for none (the headers are shown).
    fn edit(&self) -> Result<Option<HeaderEdit>, CliError> {
        let removed = |name| self.remove_header.contains(&name);
        let field =
            |value: &Option<String>, name: HeaderName, flag: &str| match (value, removed(name)) {
                (Some(_), true) => Err(CliError::Usage(format!(
                    "--{flag} and --remove-header {flag} ask for opposite things"
                ))),
                (Some(v), false) if v.trim().is_empty() => Err(CliError::Usage(format!(
                    "--{flag} is empty: to remove the header, give --remove-header {flag}"
                ))),
                (Some(v), false) => Ok(FieldEdit::Set(v.clone())),
                (None, true) => Ok(FieldEdit::Remove),
                (None, false) => Ok(FieldEdit::Keep),
            };
        let expires = self.expires.map(|s| s.to_string());
        let edit = HeaderEdit {
            content_type: field(
                &self.set.content_type,
                HeaderName::ContentType,
                "content-type",
            )?,
            cache_control: field(
                &self.set.cache_control,
                HeaderName::CacheControl,
                "cache-control",
            )?,
            content_disposition: field(
                &self.set.content_disposition,
                HeaderName::ContentDisposition,
                "content-disposition",
            )?,
            content_encoding: field(
                &self.set.content_encoding,
                HeaderName::ContentEncoding,
                "content-encoding",
            )?,
            content_language: field(
                &self.set.content_language,
                HeaderName::ContentLanguage,
                "content-language",
            )?,
            expires: field(&expires, HeaderName::Expires, "expires")?,
            set_metadata: once(&self.meta, "meta")?,
            remove_metadata: self.remove_meta.iter().cloned().collect::<BTreeSet<_>>(),
            storage_class: self.storage_class.clone(),
            set_tags: once(&self.tag, "tag")?,
            remove_tags: self.remove_tag.iter().cloned().collect(),
        };
        if edit == HeaderEdit::default() {
            return Ok(None);
        }
        edit.checked()
            .map(Some)
            .map_err(|e| CliError::Usage(e.to_string()))
    }
}

pub(crate) async fn headers(args: HeadersArgs) -> Result<(), CliError> {
    // The edit is checked before any network traffic, so a typo fails at once.
    let edit = args.edit()?;
    let mut targets: Vec<(BucketName, Vec<ObjectKey>)> = Vec::new();
    let places: Vec<S3Prefix> = args
        .uris
        .iter()
        .map(|u| u.parse())
        .collect::<Result<_, _>>()?;
    let connection = args.connection.connect().await?;
    for place in places {
        let keys = match args.recursive {
            true => {
                let folder = crate::model::folder_prefix(&place.prefix);
                keys_below(&connection, &place.bucket, &folder).await?
            }
            false => vec![ObjectKey::new(place.prefix.clone()).map_err(|_| {
                CliError::Usage(format!(
                    "s3://{}/ names no object: give its key, or -r for a folder",
                    place.bucket
                ))
            })?],
        };
        match targets.iter_mut().find(|(b, _)| *b == place.bucket) {
            Some((_, known)) => known.extend(keys),
            None => targets.push((place.bucket, keys)),
        }
    }
    let mut failed = 0;
    for (bucket, mut keys) in targets {
        keys.dedup();
        failed += match &edit {
            None => show(&connection, &bucket, &keys).await,
            Some(edit) if args.dry_run => dry_run(&connection, &bucket, &keys, edit).await,
            Some(edit) => apply(&connection, &bucket, keys, edit).await,
        };
    }
    match failed {
        0 => Ok(()),
        n => Err(CliError::Transfers(format!(
            "{} not read or not edited (each named above; left as it was)",
            crate::fmt::count(n, "object", "objects")
        ))),
    }
}

/// Prints each object's headers; how many could not be read.
async fn show(connection: &Connection, bucket: &BucketName, keys: &[ObjectKey]) -> usize {
    let mut failed = 0;
    for key in keys {
        match read_headers(connection, bucket, key).await {
            Ok((headers, _)) => {
                print_line(&format!("s3://{bucket}/{key}"));
                for line in shown(&headers) {
                    print_line(&format!("  {line}"));
                }
            }
            Err(e) => {
                failed += 1;
                note(&format!("s3://{bucket}/{key}: {e}"));
            }
        }
    }
    failed
}

/// The lines `pail headers` prints for one object.
fn shown(h: &ObjectHeaders) -> Vec<String> {
    let e = &h.editable;
    let none = || "(none)".to_owned();
    let mut lines = vec![
        format!(
            "Content-Type: {}",
            e.content_type.clone().unwrap_or_else(none)
        ),
        format!(
            "Cache-Control: {}",
            e.cache_control.clone().unwrap_or_else(none)
        ),
        format!(
            "Content-Disposition: {}",
            e.content_disposition.clone().unwrap_or_else(none)
        ),
        format!(
            "Content-Encoding: {}",
            e.content_encoding.clone().unwrap_or_else(none)
        ),
        format!(
            "Content-Language: {}",
            e.content_language.clone().unwrap_or_else(none)
        ),
        format!(
            "Expires: {}",
            e.expires
                .and_then(|s| jiff::Timestamp::from_second(s).ok())
                .map(|t| t.strftime("%a, %d %b %Y %H:%M:%S GMT").to_string())
                .or_else(|| h.kept.unreadable_expires.clone())
                .unwrap_or_else(none)
        ),
        format!(
            "Storage class: {}",
            e.storage_class.as_deref().unwrap_or("STANDARD")
        ),
    ];
    lines.extend(
        e.metadata
            .iter()
            .map(|(k, v)| format!("x-amz-meta-{k}: {v}")),
    );
    match (&h.kept.archived, h.kept.tags_kept) {
        (Some(class), _) => lines.push(format!(
            "Archived: in {class}, not restored (tags and ACL not read)"
        )),
        (None, true) => lines.extend(e.tags.iter().map(|(k, v)| format!("tag {k}: {v}"))),
        (None, false) => lines.push("Tags: (this server keeps none)".into()),
    }
    let k = &h.kept;
    if let Some(sse) = &k.encryption {
        let key = k.kms_key_id.as_deref().map(|id| format!(", key {id}"));
        lines.push(format!("Encryption: {sse}{}", key.unwrap_or_default()));
    }
    if let Some(to) = &k.website_redirect {
        lines.push(format!("Website redirect: {to}"));
    }
    if let Some(mode) = &k.lock_mode {
        lines.push(format!("Object Lock: {mode}"));
    }
    if let Some(hold) = &k.legal_hold {
        lines.push(format!("Legal hold: {hold}"));
    }
    for (permission, who) in k.grants.iter().flatten() {
        lines.push(format!("ACL grant {permission}: {who}"));
    }
    lines
}

/// Prints what `edit` would change on each object; how many could not be read.
async fn dry_run(
    connection: &Connection,
    bucket: &BucketName,
    keys: &[ObjectKey],
    edit: &HeaderEdit,
) -> usize {
    let mut failed = 0;
    for key in keys {
        match read_headers(connection, bucket, key).await {
            Ok((headers, _)) => {
                let after = edit.applied_to(&headers.editable);
                let lines = differences(&headers.editable, &after);
                let verdict = match lines.is_empty() {
                    true => " (has these headers already: left as it is)",
                    false => "",
                };
                print_line(&format!("would edit s3://{bucket}/{key}{verdict}"));
                for line in lines {
                    print_line(&format!("  {line}"));
                }
            }
            Err(e) => {
                failed += 1;
                note(&format!("s3://{bucket}/{key}: {e}"));
            }
        }
    }
    failed
}

/// Edits every object, a few at once, until done or Ctrl+C; how many failed.
async fn apply(
    connection: &Connection,
    bucket: &BucketName,
    keys: Vec<ObjectKey>,
    edit: &HeaderEdit,
) -> usize {
    if versioning_on(connection, bucket).await.as_deref() == Some("Enabled") {
        note(&format!(
            "s3://{bucket} keeps versions: each edit makes a new version (the one before stays as a previous version)"
        ));
    }
    let control = TransferControl::default();
    let interrupt = control.clone();
    let watch = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            note("cancelling: no new object starts; those being copied finish");
            interrupt.cancel();
        }
    });
    let report = edit_objects(connection, bucket, keys, edit, &control, |_| {}).await;
    watch.abort();
    for key in &report.applied {
        print_line(&format!("edited s3://{bucket}/{key}"));
    }
    for key in &report.already {
        print_line(&format!(
            "unchanged s3://{bucket}/{key} (had these headers already)"
        ));
    }
    for (key, why) in &report.failed {
        note(&format!("s3://{bucket}/{key}: {why}"));
    }
    note(&report.summary());
    report.failed.len() + report.not_started
}
