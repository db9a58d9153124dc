//! `pail ls`: buckets, or a folder (folders first, then objects with size and date), or with
//! `--recursive` every object under a prefix — in the manner of `aws s3 ls`, page by page as
//! the server answers.

use clap::Args;

use super::{CliError, ConnectionArgs, print_stdout};
use crate::fmt::terminal_safe;
use crate::model::S3Prefix;
use crate::s3::list::{self, FolderPage};
use crate::s3::list::{Depth, list_folder_fanned, list_tree_fanned};

#[derive(Debug, Args)]
pub(crate) struct LsArgs {
    /// A bucket or folder, as s3://BUCKET/PREFIX/ (nothing: the buckets).
    #[arg(value_name = "S3_URI")]
    pub uri: Option<String>,
    /// Every object under the prefix, at any depth, with its full key.
    #[arg(long, short = 'r')]
    pub recursive: bool,
    /// Every version and delete marker of the folder's objects: date, size, latest, kind
    /// (object or marker), version id, name.
    #[arg(long, conflicts_with = "recursive")]
    pub versions: bool,
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

/// `2026-11-29 20:08:00` in UTC, as S3 reports times.
fn date(seconds: i64) -> String {
    match jiff::Timestamp::from_second(seconds) {
        Ok(t) => t.strftime("%Y-%m-%d %H:%M:%S").to_string(),
        Err(_) => "-".repeat(19),
    }
}

/// The lines of one page: folders, then objects; `prefix` is put before names when
/// `full_keys`. Names are shown as [`terminal_safe`] writes them: a key cannot forge a row or
/// send the terminal a command.
pub(crate) fn page_lines(page: &FolderPage, prefix: &str, full_keys: bool) -> String {
    let mut text = String::new();
    for folder in &page.folders {
        text.push_str(&format!(
            "{:>19} {:>12} {}\n",
            "",
            "PRE",
            terminal_safe(folder)
        ));
    }
    for object in &page.objects {
        let name = if full_keys {
            format!("{prefix}{}", object.name)
        } else {
            object.name.to_string()
        };
        text.push_str(&format!(
            "{} {:>12} {}\n",
            date(object.last_modified),
            object.size,
            terminal_safe(&name)
        ));
    }
    text
}

pub(crate) async fn ls(args: LsArgs) -> Result<(), CliError> {
    if args.versions {
        return super::versions::ls_versions(&args.connection, args.uri.as_deref()).await;
    }
    let connection = args.connection.connect().await?;
    let target = match args.uri.as_deref() {
        None | Some("s3://") => None,
        Some(uri) => Some(uri.parse::<S3Prefix>()?),
    };
    let Some(target) = target else {
        let buckets = list::list_buckets(&connection).await?;
        let mut text = String::new();
        for bucket in buckets {
            text.push_str(&format!("{}\n", terminal_safe(&bucket.name)));
        }
        print_stdout(&text);
        return Ok(());
    };
    if !args.recursive {
        // A big folder is listed in key ranges side by side; lines still come in key order.
        let print = |page: crate::s3::list::FolderPage, _done| {
            print_stdout(&page_lines(&page, &target.prefix, false));
            true
        };
        return Ok(list_folder_fanned(&connection, &target.bucket, &target.prefix, print).await?);
    }
    let print = |page: FolderPage, _done| {
        print_stdout(&page_lines(&page, &target.prefix, true));
        true
    };
    Ok(list_tree_fanned(
        &connection,
        &target.bucket,
        &target.prefix,
        Depth::Tree,
        print,
    )
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::s3::list::{ObjectEntry, StorageClass};

    #[test]
    fn folders_first_then_objects_with_size_and_date() {
        let page = FolderPage {
            folders: vec!["pho\ntos/".into()],
            objects: vec![ObjectEntry {
                name: "a\nb.txt".into(),
                size: 1234,
                last_modified: 1_764_446_880,
                storage_class: StorageClass::Standard,
            }],
            next_token: None,
        };
        let text = page_lines(&page, "docs/", true);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0].trim(), "PRE pho\\ntos/");
        assert!(lines[1].starts_with("2025-11-29 20:08:00"), "{}", lines[1]);
        assert!(
            lines[1].ends_with("1234 docs/a\\nb.txt"),
            "a newline is shown, not printed"
        );
    }
}
