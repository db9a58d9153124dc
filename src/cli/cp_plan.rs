//! What `pail cp` will do before it does it: its two sides ([`Place`]) and every file as a
//! [`Job`] — the files below a folder to upload, the keys below a prefix to download or copy,
//! each with where it lands.

use std::path::{Path, PathBuf};

use super::CliError;
use crate::local_path;
use crate::model::{BucketName, ObjectKey, S3Prefix, folder_prefix};
use crate::s3::connection::Connection;

/// One side of a copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Place {
    Local(PathBuf),
    S3(S3Prefix),
}

impl Place {
    pub(crate) fn parse(text: &str) -> Result<Place, CliError> {
        if text.starts_with("s3://") {
            Ok(Place::S3(text.parse()?))
        } else {
            Ok(Place::Local(PathBuf::from(text)))
        }
    }
}

/// One file to move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Job {
    Upload {
        path: PathBuf,
        key: ObjectKey,
        size: u64,
    },
    /// `key` to `relative` below the folder `root` (nothing below `root` is reached
    /// through a link).
    Download {
        key: ObjectKey,
        root: PathBuf,
        relative: String,
        size: u64,
        /// What the HEAD that sized it said, when one did.
        head: Option<crate::s3::download::HeadSaid>,
        /// Set when `relative` is a name Pail made (the key's own cannot be a file here).
        changed: Option<crate::plan::Changed>,
    },
    /// A server-side copy, from the source bucket to `to` in `to_bucket`.
    Copy {
        key: ObjectKey,
        to_bucket: BucketName,
        to: ObjectKey,
        size: u64,
    },
}

impl Job {
    pub(super) fn size(&self) -> u64 {
        match self {
            Job::Upload { size, .. } | Job::Download { size, .. } | Job::Copy { size, .. } => *size,
        }
    }

    /// `upload: ./a.txt to s3://bucket/a.txt`, as `aws s3 cp` says it (raw: printed through
    /// [`print_line`], which shows what a terminal would obey).
    pub(super) fn describe(&self, bucket: &BucketName) -> String {
        match self {
            Job::Upload { path, key, .. } => {
                format!(
                    "upload: {} to s3://{bucket}/{key}",
                    crate::fmt::path_text(path)
                )
            }
            Job::Download {
                key,
                root,
                relative,
                ..
            } => format!(
                "download: s3://{bucket}/{key} to {}",
                crate::fmt::path_text(&crate::local_dir::local_path(root, relative))
            ),
            Job::Copy {
                key, to_bucket, to, ..
            } => format!("copy: s3://{bucket}/{key} to s3://{to_bucket}/{to}"),
        }
    }
}

/// The files to upload from `source` to `target`, with the problems met on the way.
pub(crate) fn plan_upload(
    source: &Path,
    target: &S3Prefix,
    recursive: bool,
) -> Result<(Vec<Job>, Vec<local_path::Skipped>), CliError> {
    let meta = std::fs::metadata(source)
        .map_err(|e| CliError::Usage(format!("{}: {e}", crate::fmt::path_text(source))))?;
    if meta.is_dir() {
        if !recursive {
            return Err(CliError::Usage(format!(
                "{} is a folder: add --recursive to copy it",
                crate::fmt::path_text(source)
            )));
        }
        let folder = folder_prefix(&target.prefix);
        let (files, problems) = local_path::files_to_upload(&[source.to_owned()]);
        let mut jobs = Vec::with_capacity(files.len());
        let mut problems = problems;
        for (path, relative, size) in files {
            // `files_to_upload` names files from the dropped folder on; `cp` copies what is
            // inside the folder, as `aws s3 cp --recursive` does.
            let inside = relative
                .split_once('/')
                .map_or(relative.as_str(), |(_, r)| r);
            match ObjectKey::new(format!("{folder}{inside}")) {
                Ok(key) => jobs.push(Job::Upload { path, key, size }),
                Err(reason) => problems.push(local_path::Skipped::NotAKey { path, reason }),
            }
        }
        return Ok((jobs, problems));
    }
    let name = source.file_name().and_then(|n| n.to_str()).ok_or_else(|| {
        CliError::Usage(format!(
            "{}: not a file name",
            crate::fmt::path_text(source)
        ))
    })?;
    let key = if target.prefix.is_empty() || target.prefix.ends_with('/') {
        format!("{}{name}", target.prefix)
    } else {
        target.prefix.clone()
    };
    Ok((
        vec![Job::Upload {
            path: source.to_owned(),
            key: ObjectKey::new(key)?,
            size: meta.len(),
        }],
        Vec::new(),
    ))
}

/// The objects to download from `source` into `target`, with the keys that were skipped.
pub(super) async fn plan_download(
    connection: &Connection,
    source: &S3Prefix,
    target: &Path,
    recursive: bool,
) -> Result<(Vec<Job>, Vec<local_path::Skipped>), CliError> {
    refuse_typed(target)?;
    if recursive {
        if target.exists() && !target.is_dir() {
            return Err(CliError::Usage(format!(
                "{} is a file, not a folder: name a folder to download into",
                crate::fmt::path_text(target)
            )));
        }
        let keys =
            crate::s3::list::list_keys_under(connection, &source.bucket, &source.prefix).await?;
        let base = folder_prefix(&source.prefix);
        let mut jobs = Vec::with_capacity(keys.len());
        let mut problems = Vec::new();
        for (key, size) in keys.into_iter().filter(|(k, _)| k.starts_with(&base)) {
            let relative = &key[base.len()..];
            match local_path::components(relative, local_path::PathFlavor::NATIVE) {
                Ok(parts) => jobs.push(Job::Download {
                    changed: changed_name(&key, relative),
                    key: ObjectKey::new(key)?,
                    root: target.to_owned(),
                    relative: parts.join("/"),
                    size,
                    head: None,
                }),
                Err(reason) => problems.push(local_path::Skipped::Unsavable { key, reason }),
            }
        }
        return Ok((jobs, problems));
    }
    let key = ObjectKey::new(source.prefix.clone())?;
    let into_folder = target.is_dir() || target.as_os_str().to_string_lossy().ends_with('/');
    let (root, relative, changed) = if into_folder {
        let name = source.prefix.rsplit('/').next().unwrap_or_default();
        let parts = local_path::components(name, local_path::PathFlavor::NATIVE)
            .map_err(|reason| CliError::Usage(format!("`{key}` cannot be saved: {reason}")))?;
        (
            target.to_owned(),
            parts.join("/"),
            changed_name(key.as_str(), name),
        )
    } else {
        // A file named by the person: written in its folder under that name.
        let name = target.file_name().and_then(|n| n.to_str()).ok_or_else(|| {
            CliError::Usage(format!(
                "{}: not a file name",
                crate::fmt::path_text(target)
            ))
        })?;
        let folder = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
            _ => PathBuf::from("."),
        };
        (folder, name.to_owned(), None)
    };
    let asked = std::time::Instant::now();
    let properties = object_properties(connection, &source.bucket, &key).await?;
    let head = properties.etag.map(|etag| crate::s3::download::HeadSaid {
        etag,
        round_trip: asked.elapsed(),
    });
    let job = Job::Download {
        key,
        root,
        relative,
        size: properties.size,
        head,
        changed,
    };
    Ok((vec![job], Vec::new()))
}

/// Why `key` is saved under a name Pail made from `relative` (its part below the folder), if
/// it is.
fn changed_name(key: &str, relative: &str) -> Option<crate::plan::Changed> {
    local_path::why_changed(relative, local_path::PathFlavor::NATIVE).map(|why| {
        crate::plan::Changed {
            from: key.to_owned(),
            why,
        }
    })
}

/// A destination the person typed that this system would not write under that name (`NUL`,
/// `aux.txt`, `x.` on Windows): refused before anything is asked or written.
pub(super) fn refuse_typed(target: &Path) -> Result<(), CliError> {
    for part in target.components() {
        let std::path::Component::Normal(name) = part else {
            continue;
        };
        let name = name.to_string_lossy();
        if let Some(why) = local_path::typed_name_refusal(&name, local_path::PathFlavor::NATIVE) {
            return Err(CliError::Usage(format!(
                "{}: cannot download there: {why}; nothing was written",
                target.display()
            )));
        }
    }
    Ok(())
}

/// What a HEAD of `key` says, or an error naming it (S3's own words alone do not say which
/// key).
async fn object_properties(
    connection: &Connection,
    bucket: &BucketName,
    key: &ObjectKey,
) -> Result<crate::s3::objects::ObjectProperties, CliError> {
    crate::s3::objects::object_properties(connection, bucket, key)
        .await
        .map_err(|e| CliError::Usage(format!("s3://{bucket}/{key}: {e}")))
}

/// Server-side copies from `source` to `target` (both `s3://`, one connection): an object, or
/// with `recursive` everything under a prefix, keeping the paths below it.
pub(super) async fn plan_copy(
    connection: &Connection,
    source: &S3Prefix,
    target: &S3Prefix,
    recursive: bool,
) -> Result<(Vec<Job>, Vec<local_path::Skipped>), CliError> {
    let mut jobs = Vec::new();
    if recursive {
        let base = folder_prefix(&source.prefix);
        let into = folder_prefix(&target.prefix);
        let keys =
            crate::s3::list::list_keys_under(connection, &source.bucket, &source.prefix).await?;
        for (key, size) in keys.into_iter().filter(|(k, _)| k.starts_with(&base)) {
            let to = ObjectKey::new(format!("{into}{}", &key[base.len()..]))?;
            jobs.push(Job::Copy {
                key: ObjectKey::new(key)?,
                to_bucket: target.bucket.clone(),
                to,
                size,
            });
        }
        return Ok((jobs, Vec::new()));
    }
    let key = ObjectKey::new(source.prefix.clone())?;
    let name = source.prefix.rsplit('/').next().unwrap_or_default();
    let to = if target.prefix.is_empty() || target.prefix.ends_with('/') {
        format!("{}{name}", target.prefix)
    } else {
        target.prefix.clone()
    };
    let size = object_properties(connection, &source.bucket, &key)
        .await?
        .size;
    jobs.push(Job::Copy {
        key,
        to_bucket: target.bucket.clone(),
        to: ObjectKey::new(to)?,
        size,
    });
    Ok((jobs, Vec::new()))
}
