//! `pail presign` and `pail presign-post`, in the style of `aws s3 presign`: one link (GET or
//! PUT, a version if asked) or one upload form, printed for a script or a person.

use std::time::SystemTime;

use clap::{Args, ValueEnum};

use super::{
    CliError, ConnectionArgs, ExpiryArgs, MAX_SINGLE_UPLOAD, link_lifetime, local_time, note,
    print_qr, print_stdout, scheme, warn,
};
use crate::fmt::human_size;
use crate::model::{NameError, ObjectKey, S3Prefix, S3Uri};
use crate::share::{ContentTypeRule, GetOptions, KeyRule, PostRequest, PutOptions, form_output};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "UPPER")]
pub(crate) enum MethodArg {
    Get,
    Put,
}

#[derive(Debug, Args)]
pub(crate) struct PresignArgs {
    /// The object, as s3://BUCKET/KEY.
    #[arg(value_name = "S3_URI")]
    pub uri: String,
    #[command(flatten)]
    pub expiry: ExpiryArgs,
    /// GET downloads the object; PUT uploads to its key.
    #[arg(long, value_enum, default_value = "GET", ignore_case = true)]
    pub method: MethodArg,
    /// Make an http:// link (the link then travels in clear text).
    #[arg(long)]
    pub http: bool,
    /// GET: the Content-Disposition S3 answers with, e.g. 'attachment; filename="a.pdf"'.
    #[arg(long, value_name = "VALUE")]
    pub content_disposition: Option<String>,
    /// GET: the Content-Type S3 answers with. PUT: the Content-Type the upload must send.
    #[arg(long, value_name = "VALUE")]
    pub content_type: Option<String>,
    /// PUT: refuse the upload if the key exists (signs `If-None-Match: *` into the link).
    #[arg(long)]
    pub no_overwrite: bool,
    /// GET: a link to this version of the object (`pail ls --versions` lists them); it serves
    /// that version whatever is written later.
    #[arg(long, value_name = "ID")]
    pub version_id: Option<String>,
    /// Also draw the link as a QR code in the terminal (on stderr: stdout stays the URL).
    #[arg(long)]
    pub qr: bool,
    #[command(flatten)]
    pub hosts: super::public_link::HostArgs,
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FormatArg {
    /// {"url": …, "fields": {…}} as boto3 returns it.
    Json,
    /// A curl command, with a placeholder for the file to upload.
    Curl,
    /// A standalone HTML upload page.
    Html,
}

#[derive(Debug, Args)]
pub(crate) struct PresignPostArgs {
    /// The key uploads go to, as s3://BUCKET/KEY (a prefix with --key-prefix).
    #[arg(value_name = "S3_URI")]
    pub uri: String,
    /// Accept any key starting with KEY; the uploaded file's name completes it.
    #[arg(long)]
    pub key_prefix: bool,
    /// Largest accepted file, in bytes.
    #[arg(long, value_name = "BYTES")]
    pub max_size: Option<u64>,
    /// Smallest accepted file, in bytes.
    #[arg(long, value_name = "BYTES")]
    pub min_size: Option<u64>,
    /// Required content type; a value ending in '/' or '/*' (image/) accepts any subtype.
    #[arg(long, value_name = "TYPE")]
    pub content_type: Option<String>,
    #[command(flatten)]
    pub expiry: ExpiryArgs,
    /// Make the form post to an http:// URL.
    #[arg(long)]
    pub http: bool,
    #[arg(long, value_enum, default_value = "json")]
    pub format: FormatArg,
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

pub(crate) async fn presign(args: PresignArgs) -> Result<(), CliError> {
    let uri: S3Uri = args.uri.parse()?;
    let expiry = args.expiry.expiry()?;
    // Check the expiry before any network traffic, so a typo fails at once (its length is
    // checked against the profile's limit once the profile is known).
    expiry.resolve_unbounded(SystemTime::now())?;
    if args.method == MethodArg::Get && args.no_overwrite {
        return Err(CliError::Usage(
            "--no-overwrite applies to PUT links only".into(),
        ));
    }
    // A version names what to download: an upload makes a new one.
    if args.method == MethodArg::Put && args.version_id.is_some() {
        return Err(CliError::Usage(
            "--version-id applies to GET links only: an upload makes a new version".into(),
        ));
    }
    // `versionId=` names no version: S3 refuses such a link when it is opened.
    if args.version_id.as_deref() == Some("") {
        return Err(CliError::Usage(
            "--version-id is empty: name a version (`pail ls --versions` lists them)".into(),
        ));
    }
    if args.method == MethodArg::Put && args.content_disposition.is_some() {
        return Err(CliError::Usage(
            "--content-disposition applies to GET links only".into(),
        ));
    }
    let connection = args.connection.connect().await?;
    link_lifetime::check_within_limit(expiry, &connection, SystemTime::now())?;
    let bucket_signer = connection.signer_for(&uri.bucket).await?;
    if let Some(warning) = &bucket_signer.warning {
        warn(&warning.to_string());
    }
    let signer = bucket_signer.signer;
    if args.hosts.public {
        return super::public_link::print_public(&args.hosts, &uri, &signer, args.http, args.qr)
            .await;
    }
    let signer = args.hosts.signer(&uri, signer)?;
    let now = SystemTime::now();
    let link = match args.method {
        MethodArg::Get => {
            let options = GetOptions {
                content_disposition: args.content_disposition,
                content_type: args.content_type,
                scheme: scheme(args.http),
                version_id: args.version_id,
            };
            signer
                .presign_get(&uri.bucket, &uri.key, &options, expiry, now)
                .await?
        }
        MethodArg::Put => {
            let options = PutOptions {
                content_type: args.content_type,
                scheme: scheme(args.http),
                no_overwrite: args.no_overwrite,
            };
            signer
                .presign_put(&uri.bucket, &uri.key, &options, expiry, now)
                .await?
        }
    };
    print_stdout(&format!("{}\n", link.url));
    if uri.key.has_dot_segment() {
        warn(crate::share::link_text::DOT_SEGMENT_WARNING);
    }
    if args.qr {
        print_qr(&link.url);
    }
    for (name, value) in &link.headers {
        note(&format!(
            "note: the request must send the header `{name}: {value}`"
        ));
    }
    link_lifetime::warn_if_credentials_end_first(
        &link.lifetime,
        &link.effective_expiry,
        &args.connection,
        uri.bucket.as_str(),
    )
    .await;
    Ok(())
}

pub(crate) async fn presign_post(args: PresignPostArgs) -> Result<(), CliError> {
    let target: S3Prefix = args.uri.parse()?;
    let key = if args.key_prefix {
        KeyRule::Prefix(target.prefix.clone())
    } else if target.prefix.is_empty() {
        return Err(NameError::EmptyKey(args.uri.clone()).into());
    } else {
        KeyRule::Exact(ObjectKey::new(target.prefix.clone())?)
    };
    let expiry = args.expiry.expiry()?;
    expiry.resolve_unbounded(SystemTime::now())?;
    let content_length = match (args.min_size, args.max_size) {
        (None, None) => None,
        (min, max) => Some((min.unwrap_or(0), max.unwrap_or(MAX_SINGLE_UPLOAD))),
    };
    let content_type = args.content_type.as_deref().map(ContentTypeRule::parse);
    let request = PostRequest {
        content_length,
        content_type,
        // 201 makes S3 answer with a short XML document naming the object, so whoever
        // uploads sees that it worked (the default, 204, answers with nothing).
        success_action_status: Some(201),
        expiry,
        scheme: scheme(args.http),
        ..PostRequest::new(target.bucket.clone(), key)
    };

    let connection = args.connection.connect().await?;
    link_lifetime::check_within_limit(expiry, &connection, SystemTime::now())?;
    let bucket_signer = connection.signer_for(&target.bucket).await?;
    if let Some(warning) = &bucket_signer.warning {
        warn(&warning.to_string());
    }
    let form = bucket_signer
        .signer
        .presign_post(&request, SystemTime::now())
        .await?;
    let text = match args.format {
        FormatArg::Json => format!("{}\n", form_output::json(&form)),
        FormatArg::Curl => form_output::curl_command(&form),
        FormatArg::Html => {
            let mut description = match &request.key {
                KeyRule::Exact(key) => format!("Uploads to s3://{}/{key}", target.bucket),
                KeyRule::Prefix(prefix) => format!("Uploads into s3://{}/{prefix}", target.bucket),
            };
            if let Some((min, max)) = request.content_length {
                description.push_str(&format!(
                    " · files of {} to {}",
                    human_size(min),
                    human_size(max)
                ));
            }
            description.push_str(&format!(
                " · until {}",
                local_time(form.effective_expiry.at)
            ));
            let title = format!("Upload to {}", target.bucket);
            form_output::html_page(&form, &title, &description)
        }
    };
    print_stdout(&text);
    link_lifetime::warn_if_credentials_end_first(
        &form.lifetime,
        &form.effective_expiry,
        &args.connection,
        target.bucket.as_str(),
    )
    .await;
    Ok(())
}
