//! `pail share s3://BUCKET/FOLDER/`: a folder as one link (an index page uploaded to
//! `.pail-shares/<id>/`), or a link per object as CSV or JSON.

use std::time::SystemTime;

use clap::{Args, ValueEnum};

use super::{
    CliError, ConnectionArgs, ExpiryArgs, local_time, note, print_line, print_qr, print_stdout,
    warn,
};
use crate::fmt::{json_terminal_safe, terminal_safe};
use crate::model::{BucketName, S3Prefix, folder_prefix};
use crate::s3::folder_share::{FolderShareError, folder_objects, share_folder, sign_objects};
use crate::share::index_page::{links_csv, links_json};
use crate::share::{EffectiveExpiry, Expiry};

/// Above this many objects, `--yes` says the person meant it.
pub(crate) const CONFIRM_ABOVE: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ShareFormat {
    /// One link to an index page of every object (uploaded to .pail-shares/ in the bucket).
    Url,
    /// A link per object: key,size,url,expires (no page); control characters in a key are
    /// shown as escapes (`\x1b`, `\n`, a backslash as `\\`), the link stays exact.
    Csv,
    /// A link per object as a JSON array (no page).
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct ShareArgs {
    /// The folder, as s3://BUCKET/PREFIX/ (s3://BUCKET/ for the whole bucket).
    #[arg(value_name = "S3_URI")]
    pub uri: String,
    #[command(flatten)]
    pub expiry: ExpiryArgs,
    #[arg(long, value_enum, default_value = "url")]
    pub format: ShareFormat,
    /// Put the index page in this bucket instead of the folder's own.
    #[arg(long, value_name = "BUCKET")]
    pub page_bucket: Option<String>,
    /// Share more than 1,000 objects without being asked to confirm.
    #[arg(long)]
    pub yes: bool,
    /// Also draw the page's link as a QR code on stderr (--format url).
    #[arg(long)]
    pub qr: bool,
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

pub(crate) async fn share(args: ShareArgs) -> Result<(), CliError> {
    let mut folder: S3Prefix = args.uri.parse()?;
    // `s3://B/photos` is the folder `photos/`: never `photos-private/…` nor `photos.zip`.
    folder.prefix = folder_prefix(&folder.prefix);
    let expiry = args.expiry.expiry()?;
    // A typo in the expiry fails before any traffic.
    expiry.resolve_unbounded(SystemTime::now())?;
    let page_bucket = match &args.page_bucket {
        Some(name) => BucketName::new(name)?,
        None => folder.bucket.clone(),
    };
    let connection = args.connection.connect().await?;
    super::link_lifetime::check_within_limit(expiry, &connection, SystemTime::now())?;
    let objects = folder_objects(&connection, &folder.bucket, &folder.prefix).await?;
    if objects.len() > CONFIRM_ABOVE && !args.yes {
        return Err(CliError::Usage(format!(
            "s3://{}/{} holds {} objects: add --yes to share them all",
            folder.bucket,
            folder.prefix,
            crate::fmt::thousands(objects.len() as u64)
        )));
    }
    let dotted = objects.iter().filter(|o| o.key.has_dot_segment()).count();
    if dotted > 0 {
        warn(&format!(
            "{} {}",
            crate::fmt::count(dotted, "key has", "keys have"),
            crate::share::link_text::DOT_SEGMENT_WARNING.trim_start_matches("this key has ")
        ));
    }
    let now = SystemTime::now();
    match args.format {
        ShareFormat::Url => {
            let zone = crate::local_time::system_zone();
            let share = share_folder(
                &connection,
                &folder.bucket,
                &folder.prefix,
                &objects,
                &page_bucket,
                expiry,
                now,
                &zone,
            )
            .await
            .map_err(folder_error)?;
            if let Some(warning) = &share.warning {
                warn(&warning.to_string());
            }
            print_line(&share.page_url);
            if args.qr {
                print_qr(&share.page_url);
            }
            note(&format!(
                "{} on one page (s3://{}/{}); every link expires {}",
                crate::fmt::count(share.entries.len(), "object", "objects"),
                share.page_bucket,
                share.page_key,
                local_time(share.expires)
            ));
            warn_if_cut_short(expiry, now, share.expires, &args.connection, &folder.bucket).await;
        }
        ShareFormat::Csv | ShareFormat::Json => {
            let (entries, warning) = sign_objects(
                &connection,
                &folder.bucket,
                &folder.prefix,
                &objects,
                expiry,
                now,
            )
            .await
            .map_err(folder_error)?;
            if let Some(warning) = &warning {
                warn(&warning.to_string());
            }
            if let Some(ends) = entries.iter().map(|entry| entry.expires).min() {
                warn_if_cut_short(expiry, now, ends, &args.connection, &folder.bucket).await;
            }
            print_stdout(&if args.format == ShareFormat::Csv {
                // A key's cell shows what a terminal would obey as escapes; its link is exact.
                let shown: Vec<_> = entries
                    .into_iter()
                    .map(|mut entry| {
                        entry.key = terminal_safe(&entry.key).into_owned();
                        entry
                    })
                    .collect();
                links_csv(&shown)
            } else {
                json_terminal_safe(&links_json(&entries)).into_owned()
            });
        }
    }
    Ok(())
}

/// The ways out `presign` gives, when temporary credentials end the links (at `ends`) before
/// the expiry asked for.
async fn warn_if_cut_short(
    expiry: Expiry,
    now: SystemTime,
    ends: SystemTime,
    connection: &ConnectionArgs,
    bucket: &BucketName,
) {
    let Ok(lifetime) = expiry.resolve_unbounded(now) else {
        return;
    };
    let effective = EffectiveExpiry {
        at: ends,
        limited_by_credentials: ends < lifetime.expires_at,
    };
    super::link_lifetime::warn_if_credentials_end_first(
        &lifetime,
        &effective,
        connection,
        bucket.as_str(),
    )
    .await;
}

fn folder_error(error: FolderShareError) -> CliError {
    match error {
        FolderShareError::Connect(e) => CliError::Connect(e),
        FolderShareError::Browse(e) => CliError::Browse(e),
        FolderShareError::Share(e) => CliError::Share(e),
        FolderShareError::Transfer(e) => CliError::Transfer(e),
        empty @ FolderShareError::Empty { .. } => CliError::Usage(empty.to_string()),
    }
}
