//! `pail mb` and `pail rb` (in the manner of `aws s3 mb` / `rb`; `rb --force` empties the
//! bucket of every version, delete marker and unfinished upload first, after the person types
//! its name or gives `--yes`), and `pail bucket info | versioning | cors`.

use std::io::IsTerminal as _;

use clap::{Args, Subcommand, ValueEnum};

use super::{CliError, ConnectionArgs, note, print_line};
use crate::model::{BucketName, NameError};
use crate::s3::bucket_settings::{Setting, Versioning, bucket_properties, set_versioning};
use crate::s3::buckets::{
    BucketError, NewBucket, count_contents, create_bucket, delete_empty_bucket, empty_and_delete,
};
use crate::s3::cors::{BrowserRequest, allow_uploads_from, check_origin, first_allowing, get_cors};
use crate::s3::transfer::TransferControl;

#[derive(Debug, Args)]
pub(crate) struct MbArgs {
    /// The bucket to make, as s3://BUCKET. Its region is --region (or the profile's).
    #[arg(value_name = "S3_URI")]
    pub uri: String,
    /// Leave Block Public Access off (it is turned on, as AWS does for new buckets).
    #[arg(long)]
    pub no_block_public_access: bool,
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

#[derive(Debug, Args)]
pub(crate) struct RbArgs {
    /// The bucket to delete, as s3://BUCKET.
    #[arg(value_name = "S3_URI")]
    pub uri: String,
    /// Empty it first: every object version, delete marker and unfinished upload goes.
    #[arg(long)]
    pub force: bool,
    /// With --force: do not ask for the bucket's name (needed when not in a terminal).
    #[arg(long, requires = "force")]
    pub yes: bool,
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

#[derive(Debug, Subcommand)]
pub(crate) enum BucketCommand {
    /// Region, versioning, default encryption, Block Public Access and CORS rules.
    Info(BucketArgs),
    /// Turn versioning on, or suspend it (a bucket never goes back to "never versioned").
    Versioning(VersioningArgs),
    /// Print the CORS rules; check whether pages at an origin may upload; add a rule for one.
    Cors(CorsArgs),
}

#[derive(Debug, Args)]
pub(crate) struct BucketArgs {
    /// The bucket, as s3://BUCKET.
    #[arg(value_name = "S3_URI")]
    pub uri: String,
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum VersioningArg {
    On,
    Suspend,
}

#[derive(Debug, Args)]
pub(crate) struct VersioningArgs {
    /// The bucket, as s3://BUCKET.
    #[arg(value_name = "S3_URI")]
    pub uri: String,
    #[arg(value_enum)]
    pub state: VersioningArg,
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

#[derive(Debug, Args)]
pub(crate) struct CorsArgs {
    /// The bucket, as s3://BUCKET.
    #[arg(value_name = "S3_URI")]
    pub uri: String,
    /// Say whether a page at ORIGIN (https://HOST[:PORT], or null for a file) may upload
    /// with a POST form or a PUT link from a script.
    #[arg(long, value_name = "ORIGIN")]
    pub check: Option<String>,
    /// Add a rule letting pages at ORIGIN upload (POST and PUT), keeping the rules there.
    #[arg(long, value_name = "ORIGIN", conflicts_with = "check")]
    pub allow_origin: Option<String>,
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

/// `s3://BUCKET` (a trailing `/` allowed), nothing after it.
fn bucket_of(uri: &str) -> Result<BucketName, CliError> {
    let rest = uri
        .strip_prefix("s3://")
        .ok_or_else(|| NameError::NotS3Uri(uri.to_owned()))?;
    let name = rest.strip_suffix('/').unwrap_or(rest);
    if name.is_empty() || name.contains('/') {
        return Err(CliError::Usage(format!(
            "`{uri}` is not a bucket: expected s3://BUCKET"
        )));
    }
    Ok(BucketName::new(name)?)
}

pub(crate) async fn mb(args: MbArgs) -> Result<(), CliError> {
    let name = bucket_of(&args.uri)?;
    // Checked as S3 checks new names, before any traffic.
    let name = BucketName::for_new_bucket(name.as_str())?;
    let connection = args.connection.connect().await?;
    let new = NewBucket {
        name,
        region: args.connection.region.clone(),
        block_public_access: !args.no_block_public_access,
    };
    let public = create_bucket(&connection, &new)
        .await
        .map_err(bucket_error)?;
    print_line(&format!("make_bucket: {}", new.name));
    note(&public.describe());
    Ok(())
}

pub(crate) async fn rb(args: RbArgs) -> Result<(), CliError> {
    let bucket = bucket_of(&args.uri)?;
    let connection = args.connection.connect().await?;
    if !args.force {
        delete_empty_bucket(&connection, &bucket)
            .await
            .map_err(|e| match e {
                BucketError::NotEmpty { bucket, what } => CliError::Usage(format!(
                    "bucket `{bucket}` is not empty: it holds {what}; `pail rb --force` empties \
                     and deletes it"
                )),
                other => bucket_error(other),
            })?;
        print_line(&format!("remove_bucket: {bucket}"));
        return Ok(());
    }
    let control = TransferControl::default();
    let contents = count_contents(&connection, &bucket, &control)
        .await
        .map_err(bucket_error)?;
    note(&format!("s3://{bucket} holds {}", contents.describe()));
    if !args.yes {
        confirm_by_name(&bucket)?;
    }
    let live = std::io::stderr().is_terminal();
    let mut progress = |p: crate::s3::buckets::EmptyProgress| {
        if live {
            let total = p.expected.map(|t| format!(" of {t}")).unwrap_or_default();
            eprint!("\rpail: removed {}{total}", p.removed);
        }
    };
    let removed = empty_and_delete(
        &connection,
        &bucket,
        &control,
        Some(contents.total()),
        &mut progress,
    )
    .await;
    if live {
        eprintln!();
    }
    let removed = removed.map_err(bucket_error)?;
    print_line(&format!(
        "remove_bucket: {bucket} (removed {})",
        removed.describe()
    ));
    Ok(())
}

/// Asks for the bucket's name on the terminal; anything else (or no terminal) stops.
fn confirm_by_name(bucket: &BucketName) -> Result<(), CliError> {
    if !std::io::stdin().is_terminal() {
        return Err(CliError::Usage(format!(
            "deleting s3://{bucket} and everything in it needs its name typed in a terminal, or --yes"
        )));
    }
    eprint!("pail: type the bucket's name to delete it and everything in it: ");
    let mut typed = String::new();
    std::io::stdin()
        .read_line(&mut typed)
        .map_err(|e| CliError::Output(e.to_string()))?;
    if typed.trim_end_matches(['\r', '\n']) != bucket.as_str() {
        return Err(CliError::Usage(
            "the name typed is not the bucket's: nothing was deleted".into(),
        ));
    }
    Ok(())
}

fn bucket_error(e: BucketError) -> CliError {
    CliError::Usage(e.to_string())
}

/// `Set` as `show` writes it, `NotSet` as `none`, `Unknown` with its reason.
fn setting_line<T>(setting: &Setting<T>, none: &str, show: impl Fn(&T) -> String) -> String {
    match setting {
        Setting::Set(value) => show(value),
        Setting::NotSet => none.to_owned(),
        Setting::Unknown(why) => format!("unknown ({why})"),
    }
}

pub(crate) async fn bucket(command: BucketCommand) -> Result<(), CliError> {
    match command {
        BucketCommand::Info(args) => info(args).await,
        BucketCommand::Versioning(args) => {
            let bucket = bucket_of(&args.uri)?;
            let connection = args.connection.connect().await?;
            let on = args.state == VersioningArg::On;
            set_versioning(&connection, &bucket, on)
                .await
                .map_err(bucket_error)?;
            let state = if on {
                Versioning::On
            } else {
                Versioning::Suspended
            };
            print_line(&format!(
                "versioning of {bucket}: {} ({})",
                state.label(),
                state.meaning()
            ));
            Ok(())
        }
        BucketCommand::Cors(args) => cors(args).await,
    }
}

async fn info(args: BucketArgs) -> Result<(), CliError> {
    let bucket = bucket_of(&args.uri)?;
    let connection = args.connection.connect().await?;
    let p = bucket_properties(&connection, &bucket)
        .await
        .map_err(bucket_error)?;
    let mut lines = vec![
        format!("bucket        {bucket}"),
        format!(
            "region        {}",
            setting_line(&p.region, "-", |r| r.clone())
        ),
        format!(
            "versioning    {}",
            setting_line(&p.versioning, "never turned on", |v| format!(
                "{} ({})",
                v.label(),
                v.meaning()
            ))
        ),
        format!(
            "encryption    {}",
            setting_line(&p.encryption, "none by default", |rules| {
                let shown: Vec<String> = rules
                    .iter()
                    .map(|r| match &r.kms_key {
                        Some(key) => format!("{} (key {key})", r.algorithm),
                        None => r.algorithm.clone(),
                    })
                    .collect();
                shown.join(", ")
            })
        ),
        format!(
            "public access {}",
            setting_line(
                &p.public_access,
                "not blocked (no Block Public Access)",
                |b| {
                    if b.all_on() {
                        "blocked (Block Public Access: all four on)".into()
                    } else {
                        format!(
                            "partly blocked (public ACLs blocked: {}, ignored: {}; public policy \
                         blocked: {}, restricted: {})",
                            b.block_public_acls,
                            b.ignore_public_acls,
                            b.block_public_policy,
                            b.restrict_public_buckets
                        )
                    }
                }
            )
        ),
    ];
    lines.push(format!(
        "cors          {}",
        setting_line(&p.cors, "no rules", |rules| crate::fmt::count(
            rules.len(),
            "rule",
            "rules"
        ))
    ));
    if let Setting::Set(rules) = &p.cors {
        for rule in rules {
            lines.push(format!("  {}", rule.describe()));
        }
    }
    for line in lines {
        print_line(&line);
    }
    Ok(())
}

async fn cors(args: CorsArgs) -> Result<(), CliError> {
    let bucket = bucket_of(&args.uri)?;
    let origin = match args.check.as_deref().or(args.allow_origin.as_deref()) {
        Some(origin) => Some(check_origin(origin).map_err(CliError::Usage)?),
        None => None,
    };
    let connection = args.connection.connect().await?;
    let rules = match (&origin, args.allow_origin.is_some()) {
        (Some(origin), true) => {
            let request = BrowserRequest::upload(origin, "POST");
            let rules = allow_uploads_from(&connection, &bucket, &request)
                .await
                .map_err(bucket_error)?;
            // The rule Pail adds allows PUT too; an older rule may allow POST only.
            let put = BrowserRequest::upload(origin, "PUT");
            if first_allowing(&rules, &put).is_none() {
                allow_uploads_from(&connection, &bucket, &put)
                    .await
                    .map_err(bucket_error)?
            } else {
                rules
            }
        }
        _ => get_cors(&connection, &bucket).await.map_err(bucket_error)?,
    };
    if let Some(origin) = &origin {
        for method in ["POST", "PUT"] {
            let verdict = match first_allowing(&rules, &BrowserRequest::upload(origin, method)) {
                Some(rule) => format!("allowed (by {})", rule.describe()),
                None => "not allowed: a page there cannot upload with a script \
                         (`--allow-origin` adds a rule)"
                    .into(),
            };
            print_line(&format!("{method} from {origin}: {verdict}"));
        }
        return Ok(());
    }
    if rules.is_empty() {
        print_line(&format!("{bucket} has no CORS rules"));
    }
    for rule in &rules {
        print_line(&rule.describe());
    }
    Ok(())
}
