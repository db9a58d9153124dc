//! `pail ls --versions` (each version and delete marker of a folder's objects) and
//! `pail cp --version-id` (one version downloaded). Names and ids are shown as `ls` shows
//! names: a key cannot forge a line or send the terminal a command.

use std::path::{Path, PathBuf};

use super::{CliError, ConnectionArgs, note, print_stdout};
use crate::fmt::terminal_safe;
use crate::local_path;
use crate::model::{ObjectKey, S3Prefix};
use crate::s3::transfer::TransferControl;
use crate::s3::versions::{FolderVersions, list_folder_versions, versioning_state};

/// `2026-11-29 20:08:00` in UTC, as `ls` shows dates.
fn date(seconds: i64) -> String {
    match jiff::Timestamp::from_second(seconds) {
        Ok(t) => t.strftime("%Y-%m-%d %H:%M:%S").to_string(),
        Err(_) => "-".repeat(19),
    }
}

/// The lines of a folder's versions: folders (`PRE`), then each version as
/// `DATE SIZE LATEST KIND VERSION_ID NAME`, the name relative to the folder as `ls` gives it.
/// LATEST is `latest` or `-`; KIND is `object` or `marker` (a delete marker).
pub(crate) fn version_lines(listed: &FolderVersions, prefix: &str) -> String {
    let mut text = String::new();
    for folder in &listed.folders {
        let name = folder.strip_prefix(prefix).unwrap_or(folder);
        text.push_str(&format!(
            "{:>19} {:>12} {}\n",
            "",
            "PRE",
            terminal_safe(name)
        ));
    }
    for version in &listed.versions {
        let name = version.key.strip_prefix(prefix).unwrap_or(&version.key);
        text.push_str(&format!(
            "{} {:>12} {:<6} {:<6} {} {}\n",
            date(version.last_modified),
            version.size,
            if version.is_latest { "latest" } else { "-" },
            if version.delete_marker {
                "marker"
            } else {
                "object"
            },
            terminal_safe(&version.version_id),
            terminal_safe(name)
        ));
    }
    text
}

/// `pail ls --versions s3://BUCKET/PREFIX/`: the bucket's versioning state on stderr, the
/// versions on stdout.
pub(crate) async fn ls_versions(
    connection: &ConnectionArgs,
    uri: Option<&str>,
) -> Result<(), CliError> {
    let Some(uri) = uri.filter(|u| *u != "s3://") else {
        return Err(CliError::Usage(
            "--versions lists a bucket's folder: name it as s3://BUCKET/PREFIX/".into(),
        ));
    };
    let target: S3Prefix = uri.parse()?;
    let connection = connection.connect().await?;
    match versioning_state(&connection, &target.bucket).await {
        Ok(state) => note(&format!("s3://{}: {}", target.bucket, state.describe())),
        Err(e) => note(&format!(
            "s3://{}: the versioning state is unknown ({e})",
            target.bucket
        )),
    }
    let listed = list_folder_versions(&connection, &target.bucket, &target.prefix).await?;
    print_stdout(&version_lines(&listed, &target.prefix));
    Ok(())
}

/// `pail cp --version-id ID s3://BUCKET/KEY LOCAL`: that version, into LOCAL (a file, or a
/// folder it goes into under the key's last name).
pub(crate) async fn cp_version(args: super::cp::CpArgs) -> Result<(), CliError> {
    let (source, destination) = (args.source.as_str(), args.destination.as_str());
    let version_id = args.version_id.as_deref().unwrap_or_default();
    if version_id.is_empty() {
        return Err(CliError::Usage(
            "--version-id is empty: name a version (`pail ls --versions` lists them)".into(),
        ));
    }
    if args.recursive {
        return Err(CliError::Usage(
            "--version-id names one version of one object: it cannot go with --recursive".into(),
        ));
    }
    if !source.starts_with("s3://") || destination.starts_with("s3://") {
        return Err(CliError::Usage(
            "--version-id downloads: the source is s3://BUCKET/KEY, the destination a local path"
                .into(),
        ));
    }
    let from: S3Prefix = source.parse()?;
    let key = ObjectKey::new(from.prefix.clone())?;
    let target = local_target(&key, Path::new(destination))?;
    let said = format!(
        "download: s3://{}/{key} (version {version_id}) to {}",
        from.bucket,
        crate::fmt::path_text(&target)
    );
    if args.dryrun {
        super::print_line(&format!("(dryrun) {said}"));
        return Ok(());
    }
    let connection = args.connection.connect().await?;
    let limit = crate::s3::rate_limit::RateLimit::new(args.limit_rate);
    let control = TransferControl::limited(&limit);
    let object = (&from.bucket, &key, version_id);
    let download = crate::s3::versions::download_version(&connection, object, &target, &control);
    tokio::pin!(download);
    // Ctrl+C cancels, and the partial file is removed before the process ends.
    tokio::select! {
        done = &mut download => done?,
        _ = tokio::signal::ctrl_c() => {
            control.cancel();
            download.await?
        }
    };
    super::print_line(&said);
    Ok(())
}

/// Where one object lands: into a folder under the key's last name (refused when that name
/// cannot be a file here), or as the file named.
fn local_target(key: &ObjectKey, destination: &Path) -> Result<PathBuf, CliError> {
    super::cp_plan::refuse_typed(destination)?;
    let into_folder =
        destination.is_dir() || destination.as_os_str().to_string_lossy().ends_with('/');
    if !into_folder {
        return Ok(destination.to_owned());
    }
    let name = key.as_str().rsplit('/').next().unwrap_or_default();
    let parts = local_path::components(name, local_path::PathFlavor::NATIVE)
        .map_err(|reason| CliError::Usage(format!("`{key}` cannot be saved: {reason}")))?;
    let made = parts.join("/");
    let Some(why) = local_path::why_changed(name, local_path::PathFlavor::NATIVE) else {
        return Ok(destination.join(made));
    };
    // A name Pail made never replaces a file there: it takes the first free `name (n)`.
    let item = crate::plan::Item {
        name: made,
        size: 0,
        source_mtime: None,
        source_place: None,
        changed: Some(crate::plan::Changed {
            from: key.to_string(),
            why: why.clone(),
        }),
    };
    let space = crate::local_dir::folder_space(destination);
    let seen = |n: &str| crate::local_dir::seen_in_folder(destination, n);
    let planned = crate::plan::plan_batch(&space, &[item], crate::plan::Conflict::Overwrite, &seen);
    match planned.steps.first() {
        Some(step) if !matches!(step.action, crate::plan::Action::Skip(_)) => {
            let target = crate::local_dir::local_path(destination, &step.name);
            super::warn(&format!("renamed: `{key}` to {} ({why})", target.display()));
            Ok(target)
        }
        _ => Err(CliError::Usage(format!(
            "`{key}` cannot be saved: its name here is `{}` ({why}), and no free name was \
             found beside it",
            destination.join(parts.join("/")).display()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::s3::versions::ObjectVersion;

    #[test]
    fn each_version_shows_its_id_whether_latest_and_whether_a_marker() {
        let listed = FolderVersions {
            folders: vec!["docs/sub\n/".into()],
            versions: vec![
                ObjectVersion {
                    key: "docs/a\u{1b}]52;x\u{7}.txt".into(),
                    version_id: "v\n2".into(),
                    last_modified: 1_764_446_880,
                    size: 0,
                    is_latest: true,
                    delete_marker: true,
                    etag: None,
                },
                ObjectVersion {
                    key: "docs/a\u{1b}]52;x\u{7}.txt".into(),
                    version_id: "v1".into(),
                    last_modified: 1_764_446_000,
                    size: 12,
                    is_latest: false,
                    delete_marker: false,
                    etag: None,
                },
            ],
        };
        let text = version_lines(&listed, "docs/");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text:?}");
        assert_eq!(lines[0].trim(), "PRE sub\\n/");
        assert!(lines[1].starts_with("2025-11-29 20:08:00"), "{}", lines[1]);
        assert!(lines[1].contains(" latest marker v\\n2 a"), "{}", lines[1]);
        assert!(lines[2].contains("12 -      object v1 a"), "{}", lines[2]);
        assert!(!text.contains('\u{1b}'), "no escape reaches the terminal");
    }
}
