//! `pail upload-headers`: a bucket's default headers for uploads, by pattern — listed, set or
//! removed in Pail's settings (`upload-headers.toml`); uploads (`pail cp`, the window) give
//! each new object the headers of the rules its key matches.

use clap::{Args, Subcommand};

use super::{CliError, print_line};
use crate::model::BucketName;
use crate::storage::upload_headers::{UploadHeaderRules, UploadRule};

#[derive(Debug, Subcommand)]
pub(crate) enum UploadHeadersCommand {
    /// Print every rule (or one bucket's), one a line.
    List {
        /// Only this bucket's rules, as s3://BUCKET.
        #[arg(value_name = "S3_URI")]
        bucket: Option<String>,
    },
    /// Add a rule, or replace the bucket's rule with the same pattern.
    Set(SetArgs),
    /// Remove the bucket's rule with this pattern.
    Remove {
        #[arg(value_name = "S3_URI")]
        bucket: String,
        #[arg(value_name = "PATTERN")]
        pattern: String,
    },
}

#[derive(Debug, Args)]
pub(crate) struct SetArgs {
    /// The bucket, as s3://BUCKET.
    #[arg(value_name = "S3_URI")]
    pub bucket: String,
    /// Which keys: without `/` their last segment (`*.html`), with `/` the whole key
    /// (`assets/*`, everything below assets/).
    #[arg(value_name = "PATTERN")]
    pub pattern: String,
    // A rule's Content-Type comes before the one the file's extension names.
    #[command(flatten)]
    pub set: super::headers::HeaderValues,
    /// User metadata (x-amz-meta-NAME); repeat for several.
    #[arg(long = "meta", value_name = "NAME=VALUE", value_parser = super::headers::pair)]
    pub meta: Vec<(String, String)>,
}

/// `s3://BUCKET` (a trailing `/` allowed) as the bucket's name.
fn bucket_of(uri: &str) -> Result<BucketName, CliError> {
    let place: crate::model::S3Prefix = uri.parse()?;
    match place.prefix.is_empty() {
        true => Ok(place.bucket),
        false => Err(CliError::Usage(format!(
            "rules are per bucket: give s3://{} and put the folder in the pattern",
            place.bucket
        ))),
    }
}

fn settings_dir() -> Result<std::path::PathBuf, CliError> {
    crate::profiles::store::default_dir()
        .ok_or_else(|| CliError::Usage("Pail has no settings folder on this system".into()))
}

fn rules() -> Result<UploadHeaderRules, CliError> {
    UploadHeaderRules::load(&settings_dir()?).map_err(|e| CliError::Usage(e.to_string()))
}

/// The rules' lock, held while a change is read, made and saved.
fn locked() -> Result<std::fs::File, CliError> {
    crate::storage::upload_headers::lock(&settings_dir()?)
        .map_err(|e| CliError::Usage(e.to_string()))
}

/// The rules uploads follow: none when the file cannot be used (it is set aside, and the
/// person told).
pub(super) fn for_uploads() -> UploadHeaderRules {
    match crate::profiles::store::default_dir() {
        Some(dir) => UploadHeaderRules::load_or_none(&dir, |e| {
            super::warn(&format!("{e}; uploads get no default headers"));
        }),
        None => UploadHeaderRules::default(),
    }
}

/// One rule as a line: the bucket, the pattern, then each header it sets.
fn shown(bucket: &str, rule: &UploadRule) -> String {
    let mut line = format!("s3://{bucket}  {}", rule.pattern);
    for (name, value) in [
        ("Content-Type", &rule.content_type),
        ("Cache-Control", &rule.cache_control),
        ("Content-Disposition", &rule.content_disposition),
        ("Content-Encoding", &rule.content_encoding),
        ("Content-Language", &rule.content_language),
    ] {
        if let Some(value) = value {
            line.push_str(&format!("  {name}: {value}"));
        }
    }
    for (name, value) in &rule.metadata {
        line.push_str(&format!("  x-amz-meta-{name}: {value}"));
    }
    line
}

pub(crate) fn upload_headers(command: UploadHeadersCommand) -> Result<(), CliError> {
    match command {
        UploadHeadersCommand::List { bucket } => {
            let only = bucket.as_deref().map(bucket_of).transpose()?;
            let rules = rules()?;
            for (bucket, list) in rules.all() {
                if only.as_ref().is_some_and(|b| b.as_str() != bucket) {
                    continue;
                }
                for rule in list {
                    print_line(&shown(bucket, rule));
                }
            }
            Ok(())
        }
        UploadHeadersCommand::Set(args) => {
            let bucket = bucket_of(&args.bucket)?;
            let rule = crate::s3::header_edit::checked_rule(UploadRule {
                pattern: args.pattern.clone(),
                content_type: args.set.content_type,
                cache_control: args.set.cache_control,
                content_disposition: args.set.content_disposition,
                content_encoding: args.set.content_encoding,
                content_language: args.set.content_language,
                metadata: args.meta.iter().cloned().collect(),
            })
            .map_err(|e| CliError::Usage(e.to_string()))?;
            let _held = locked()?;
            let mut rules = rules()?;
            rules
                .set(bucket.as_str(), rule.clone())
                .map_err(|e| CliError::Usage(e.to_string()))?;
            rules.save().map_err(|e| CliError::Usage(e.to_string()))?;
            print_line(&shown(bucket.as_str(), &rule));
            Ok(())
        }
        UploadHeadersCommand::Remove { bucket, pattern } => {
            let bucket = bucket_of(&bucket)?;
            let _held = locked()?;
            let mut rules = rules()?;
            if !rules.remove(bucket.as_str(), &pattern) {
                return Err(CliError::Usage(format!(
                    "s3://{bucket} has no rule for `{pattern}`"
                )));
            }
            rules.save().map_err(|e| CliError::Usage(e.to_string()))
        }
    }
}
