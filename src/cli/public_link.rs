//! `pail presign --public` and `--base-url`: an unsigned link, checked before it is printed,
//! and links on a custom host — a signed one only where the server itself answers that host
//! (its own alias, or a bucket named after it).

use clap::{Args, ValueEnum};

use super::{CliError, note, print_qr, print_stdout, scheme, warn};
use crate::model::{Endpoint, S3Uri};
use crate::share::Signer;
use crate::share::public_check::{CHECK_TIME, check_public};
use crate::share::public_url::{CustomDomain, DomainKind, public_url};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum HostKindArg {
    /// A CDN or a provider's custom domain, which rewrites the host: public links only.
    Cdn,
    /// A bucket named after its host (a CNAME to S3), found by the server from it: signed
    /// links too (over HTTP only on AWS).
    BucketHost,
    /// The S3 server itself answers this host and checks it: signed links too.
    Server,
}

impl From<HostKindArg> for DomainKind {
    fn from(kind: HostKindArg) -> Self {
        match kind {
            HostKindArg::Cdn => DomainKind::Cdn,
            HostKindArg::BucketHost => DomainKind::BucketHost,
            HostKindArg::Server => DomainKind::ServerHost,
        }
    }
}

#[derive(Debug, Args)]
pub(crate) struct HostArgs {
    /// An unsigned link that never expires: printed once an unsigned request shows the
    /// object opens for anyone; refused (exit 1, the reason on stderr) when it does not.
    #[arg(long, conflicts_with_all = [
        "expires_in", "expires_at", "method", "content_disposition", "content_type",
        "version_id", "no_overwrite",
    ])]
    pub public: bool,
    /// With --public: print the link even when the check fails (the reason is a warning).
    #[arg(long, requires = "public")]
    pub even_if_private: bool,
    /// Make the link on this host instead of the endpoint's, e.g. https://cdn.example.com/.
    /// A signed link is made on it only with --host-kind server or bucket-host.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// What answers at --base-url; it decides which links can use it.
    #[arg(long, value_enum, default_value = "cdn", requires = "base_url")]
    pub host_kind: HostKindArg,
}

impl HostArgs {
    fn domain(&self, uri: &S3Uri, endpoint: &Endpoint) -> Result<Option<CustomDomain>, CliError> {
        self.base_url
            .as_deref()
            .map(|base| CustomDomain::parse(base, self.host_kind.into(), &uri.bucket, endpoint))
            .transpose()
            .map_err(|e| CliError::Usage(e.to_string()))
    }

    /// The signer for a signed link: the bucket's own, or one on `--base-url` where the server
    /// answers it; refused with the reason where a signed link there could not work.
    pub(crate) fn signer(&self, uri: &S3Uri, signer: Signer) -> Result<Signer, CliError> {
        match self.domain(uri, &signer.config().endpoint)? {
            None => Ok(signer),
            Some(domain) => domain
                .signer(&signer)
                .map_err(|e| CliError::Usage(e.to_string())),
        }
    }
}

/// Prints the unsigned link of `uri` once the check shows it is public.
pub(crate) async fn print_public(
    args: &HostArgs,
    uri: &S3Uri,
    signer: &Signer,
    http: bool,
    qr: bool,
) -> Result<(), CliError> {
    let url = match args.domain(uri, &signer.config().endpoint)? {
        Some(domain) => domain
            .public_url_in(signer, &uri.bucket, &uri.key)
            .await
            .map_err(|e| CliError::Usage(e.to_string()))?,
        None => public_url(signer, &uri.bucket, &uri.key, scheme(http))
            .await
            .map_err(|e| CliError::Usage(e.to_string()))?,
    };
    let check = check_public(&url, CHECK_TIME).await;
    if !check.is_public() {
        if !args.even_if_private {
            return Err(CliError::Usage(format!(
                "{}; --even-if-private prints it anyway",
                check.text()
            )));
        }
        warn(&check.text());
    }
    print_stdout(&format!("{url}\n"));
    if qr {
        print_qr(&url);
    }
    if check.is_public() {
        note(&check.text());
    }
    Ok(())
}
