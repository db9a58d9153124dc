//! `pail presign-cloudfront`: a CloudFront signed URL for a distribution URL, with an expiry
//! past SigV4's 7 days, and optionally a start and an IP range.

use std::time::{Duration, SystemTime};

use clap::{ArgGroup, Args};

use super::{CliError, local_time};
use crate::share::cloudfront::{CloudFrontKey, CloudFrontPolicy, sign_url};
use crate::share::expiry::parse_datetime;

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("expiry").required(true).args(["expires_in", "expires_at"])))]
pub(crate) struct PresignCloudFrontArgs {
    /// The object's URL on the distribution: https://DOMAIN/PATH.
    #[arg(value_name = "URL")]
    pub url: String,
    /// The ID of the public key the distribution trusts (CloudFront console → Public keys).
    #[arg(long, value_name = "ID")]
    pub key_id: String,
    /// The matching RSA private key, a PEM file (never printed).
    #[arg(long, value_name = "FILE")]
    pub private_key: std::path::PathBuf,
    /// Lifetime in seconds (no 7-day limit: CloudFront links may last months).
    #[arg(long, value_name = "SECONDS")]
    pub expires_in: Option<u64>,
    /// Moment of expiry: RFC 3339 (2027-06-01T12:00:00+02:00) or local "YYYY-MM-DD HH:MM".
    #[arg(long, value_name = "DATETIME")]
    pub expires_at: Option<String>,
    /// The link works from this moment on (makes a custom policy).
    #[arg(long, value_name = "DATETIME")]
    pub not_before: Option<String>,
    /// Only requests from this address or CIDR range (makes a custom policy).
    #[arg(long, value_name = "CIDR")]
    pub ip_range: Option<String>,
    /// Also draw the link as a QR code in the terminal (on stderr: stdout stays the URL).
    #[arg(long)]
    pub qr: bool,
}

/// Prints the signed URL on stdout, and when it expires on stderr.
pub(crate) fn presign_cloudfront(args: PresignCloudFrontArgs) -> Result<(), CliError> {
    let now = SystemTime::now();
    let zone = crate::local_time::system_zone();
    let expires = match (args.expires_in, &args.expires_at) {
        (_, Some(at)) => parse_datetime(at, &zone)?,
        (Some(secs), None) => now + Duration::from_secs(secs),
        (None, None) => return Err(CliError::Usage("give --expires-in or --expires-at".into())),
    };
    let not_before = args
        .not_before
        .as_deref()
        .map(|t| parse_datetime(t, &zone))
        .transpose()?;
    let pem = std::fs::read_to_string(&args.private_key).map_err(|e| {
        CliError::Usage(format!(
            "could not read {}: {e}",
            crate::fmt::path_text(&args.private_key)
        ))
    })?;
    let key = CloudFrontKey::from_pem(&args.key_id, &pem)?;
    let policy = CloudFrontPolicy::new(expires, not_before, args.ip_range.clone());
    let url = sign_url(&args.url, &key, &policy, now)?;
    super::print_line(&url);
    if args.qr {
        super::print_qr(&url);
    }
    super::note(&format!("expires {}", local_time(expires)));
    Ok(())
}
