//! The command line: `pail presign` and `pail presign-post` ([`presign`]), in the style of
//! `aws s3 presign`; `pail presign-cloudfront` ([`cloudfront`]); `pail share` ([`share`]);
//! `pail ls` and `pail cp`
//! ([`ls`], [`cp`]), in the style of `aws s3`; `pail find` ([`find`]). Raw arguments are parsed into the library's
//! validated types here; errors end the process with one line on stderr.

use std::io::Write as _;
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use clap::{Args, Parser, Subcommand};

use crate::fmt::terminal_safe;
use crate::model::Endpoint;
use crate::model::NameError;
use crate::model::Scheme;
use crate::s3::connection::{ConnectError, ConnectOptions, Connection};
use crate::share::{Expiry, ExpiryError, ShareError, expiry::parse_datetime};

pub(crate) mod buckets;
pub(crate) mod cloudfront;
pub(crate) mod cp;
pub(crate) mod cp_plan;
pub(crate) mod demo_text;
pub(crate) mod find;
pub(crate) mod headers;
pub(crate) mod link_lifetime;
pub(crate) mod ls;
pub(crate) mod presign;
pub(crate) mod public_link;
pub(crate) mod share;
pub(crate) mod system;
pub(crate) mod upload_headers;
pub(crate) mod versions;

/// S3's limit for a single (non-multipart) upload, used as the upper bound of a form that
/// only sets a minimum size.
const MAX_SINGLE_UPLOAD: u64 = 5_000_000_000;

#[derive(Debug, Parser)]
#[command(
    name = "pail",
    version,
    about = "An S3 explorer built around sharing: pre-signed links and upload forms",
    long_about = None
)]
pub(crate) struct Cli {
    /// Open the window on an embedded S3 server with sample data (no AWS account needed).
    #[arg(long)]
    pub demo: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Print a pre-signed URL that downloads (GET) or uploads (PUT) one object.
    Presign(presign::PresignArgs),
    /// Print a pre-signed POST form that lets a browser or curl upload files.
    PresignPost(presign::PresignPostArgs),
    /// Print a CloudFront signed URL (links that last past 7 days).
    PresignCloudfront(cloudfront::PresignCloudFrontArgs),
    /// Share a folder as one link (an index page), or print a link per object as CSV/JSON.
    Share(share::ShareArgs),
    /// List buckets, a folder, or (--recursive) everything under a prefix.
    Ls(ls::LsArgs),
    /// Find objects anywhere under a prefix by name, path, size or date; one key a line.
    Find(find::FindArgs),
    /// Show an object's headers, metadata and tags, or edit them on objects (each copied onto
    /// itself, keeping everything the edit does not name).
    Headers(headers::HeadersArgs),
    /// A bucket's default headers for uploads, by pattern (`*.html` → Content-Type).
    #[command(subcommand)]
    UploadHeaders(upload_headers::UploadHeadersCommand),
    /// Copy files and folders between disk and S3, or between buckets on the server.
    Cp(cp::CpArgs),
    /// Make a bucket (Block Public Access on, as AWS does).
    Mb(buckets::MbArgs),
    /// Delete an empty bucket; with --force, empty it of every version first.
    Rb(buckets::RbArgs),
    /// A bucket's properties: info, versioning, CORS rules.
    #[command(subcommand)]
    Bucket(buckets::BucketCommand),
    /// Run the demo S3 server (sample data, loopback only) until Ctrl+C, for trying the CLI.
    DemoServer,
    /// Saved and discovered profiles.
    #[command(subcommand)]
    Profiles(ProfilesCommand),
    /// Add Pail to this person's applications menu, with its icons (Linux; no root needed).
    InstallDesktop,
    /// Remove what install-desktop added.
    UninstallDesktop,
    /// Print a shell completion script, e.g. `pail completions bash > ~/.local/share/bash-completion/completions/pail`.
    Completions(system::CompletionsArgs),
    /// Print the manual page (roff), e.g. `pail man > pail.1`, or write them all (--out-dir).
    Man(system::ManArgs),
}

#[derive(Debug, Subcommand)]
pub(crate) enum ProfilesCommand {
    /// Print every profile: name, source, region and endpoint (never a secret).
    List,
}

/// Where and as whom to connect.
#[derive(Debug, Args)]
pub(crate) struct ConnectionArgs {
    /// A profile from ~/.aws/config or ~/.aws/credentials.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// The region to sign for (default: the bucket's own region, found by asking S3).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// An S3-compatible server (MinIO, R2, …) instead of AWS, at the root of its host or under a
    /// path (https://host.example/storage/s3).
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Address buckets as ENDPOINT/BUCKET/KEY instead of BUCKET.ENDPOINT/KEY.
    #[arg(long)]
    pub path_style: bool,
}

/// When the link stops working.
#[derive(Debug, Args)]
pub(crate) struct ExpiryArgs {
    /// Lifetime: seconds, or 30d, 720h, 45m; up to 7 days, or the profile's max_link_lifetime
    /// [default: 3600].
    #[arg(
        long,
        value_name = "LIFETIME",
        conflicts_with = "expires_at",
        allow_negative_numbers = true,
        value_parser = link_lifetime::parse_expires_in
    )]
    pub expires_in: Option<Duration>,
    /// Moment of expiry: RFC 3339 (2026-12-05T17:00:00+01:00) or local "YYYY-MM-DD HH:MM".
    #[arg(long, value_name = "DATETIME")]
    pub expires_at: Option<String>,
}

/// Everything that can stop a command. Each message is one line and names the problem.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CliError {
    #[error(transparent)]
    Name(#[from] NameError),
    #[error(transparent)]
    Expiry(#[from] ExpiryError),
    #[error(transparent)]
    Share(#[from] ShareError),
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error(transparent)]
    CloudFront(#[from] crate::share::cloudfront::CloudFrontError),
    #[error("{0}")]
    Usage(String),
    #[error("could not start: {0}")]
    Runtime(String),
    #[error("could not write the output: {0}")]
    Output(String),
    #[error(transparent)]
    Desktop(#[from] crate::desktop::DesktopError),
    #[error(transparent)]
    Demo(#[from] crate::demo::DemoError),
    #[error(transparent)]
    App(crate::app::AppError),
    #[error(transparent)]
    Browse(#[from] crate::s3::list::BrowseError),
    #[error(transparent)]
    Transfer(#[from] crate::s3::transfer::TransferError),
    /// Some files of a copy failed; each was reported on its own line.
    #[error("{0}")]
    Transfers(String),
}

/// Parses the process's arguments and runs the command.
pub fn main() -> ExitCode {
    crate::app::mark_process_start();
    system::attach_to_terminal();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() => {
            // clap's own report is several paragraphs; the first names the problem (with
            // the arguments missing on the lines under it, when that is the problem).
            let rendered = e.render().to_string();
            let first: Vec<&str> = rendered
                .lines()
                .take_while(|line| !line.trim().is_empty())
                .map(str::trim)
                .collect();
            let said = match first.join(" ") {
                said if said.is_empty() => "invalid arguments".to_owned(),
                said => said,
            };
            note(said.trim_start_matches("error: "));
            return ExitCode::from(2);
        }
        Err(e) => {
            // --help and --version
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
    };
    match run(cli).and_then(|()| stdout_lost()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // An error may name a key or quote a server: one line, shown, never obeyed.
            note(&e.to_string());
            ExitCode::FAILURE
        }
    }
}

/// Runs a parsed command line.
pub(crate) fn run(cli: Cli) -> Result<(), CliError> {
    // Copies move parts and ranges in parallel: they get every core.
    let runtime = match cli.command {
        Some(Command::Cp(_)) => tokio::runtime::Builder::new_multi_thread(),
        _ => tokio::runtime::Builder::new_current_thread(),
    }
    .max_blocking_threads(crate::s3::flight::FILE_THREADS)
    .enable_all()
    .build()
    .map_err(|e| CliError::Runtime(e.to_string()))?;
    match cli.command {
        Some(Command::Ls(args)) => runtime.block_on(ls::ls(args)),
        Some(Command::Find(args)) => runtime.block_on(find::find(args)),
        Some(Command::Headers(args)) => runtime.block_on(headers::headers(args)),
        Some(Command::UploadHeaders(command)) => upload_headers::upload_headers(command),
        Some(Command::Cp(args)) if args.version_id.is_some() => {
            runtime.block_on(versions::cp_version(args))
        }
        Some(Command::Cp(args)) => runtime.block_on(cp::cp(args)),
        Some(Command::Presign(args)) => runtime.block_on(presign::presign(args)),
        Some(Command::PresignPost(args)) => runtime.block_on(presign::presign_post(args)),
        Some(Command::PresignCloudfront(args)) => cloudfront::presign_cloudfront(args),
        Some(Command::Share(args)) => runtime.block_on(share::share(args)),
        Some(Command::Mb(args)) => runtime.block_on(buckets::mb(args)),
        Some(Command::Rb(args)) => runtime.block_on(buckets::rb(args)),
        Some(Command::Bucket(command)) => runtime.block_on(buckets::bucket(command)),
        Some(Command::DemoServer) => runtime.block_on(demo_server()),
        Some(Command::Profiles(ProfilesCommand::List)) => runtime.block_on(list_profiles()),
        Some(Command::InstallDesktop) => system::install_desktop(),
        Some(Command::UninstallDesktop) => system::uninstall_desktop(),
        Some(Command::Completions(args)) => system::print(&system::completions(args.shell)),
        Some(Command::Man(args)) => system::man(args),
        None => {
            // The window owns the main thread; its worker has its own runtime.
            drop(runtime);
            crate::app::run(cli.demo).map_err(CliError::App)
        }
    }
}

impl ExpiryArgs {
    fn expiry(&self) -> Result<Expiry, CliError> {
        Ok(match (&self.expires_in, &self.expires_at) {
            (_, Some(at)) => Expiry::At(parse_datetime(at, &crate::local_time::system_zone())?),
            (Some(lifetime), None) => Expiry::In(*lifetime),
            (None, None) => Expiry::default(),
        })
    }
}

impl ConnectionArgs {
    /// Opens the connection: a Pail profile of that name first, then the AWS chain (with an
    /// AWS profile of that name, if any). Command-line options override the profile's.
    async fn connect(&self) -> Result<Connection, CliError> {
        if let Some(name) = &self.profile
            && let Some(dir) = crate::profiles::store::default_dir()
        {
            let (store, warnings) = crate::profiles::store::ProfileStore::load(&dir);
            for warning in &warnings {
                warn(warning);
            }
            if let Some(saved) = store.get(name) {
                let mut saved = saved.clone();
                if let Some(region) = &self.region {
                    crate::s3::connection::validate_region(region)?;
                    saved.region = region.clone();
                }
                if let Some(url) = &self.endpoint_url {
                    let given = Endpoint::custom(url)?;
                    if !link_lifetime::is_own_endpoint(saved.endpoint.as_deref(), &given)
                        && saved.max_link_lifetime.take().is_some()
                    {
                        warn(&link_lifetime::not_own_endpoint(name, url));
                    }
                    saved.endpoint = Some(url.clone());
                }
                saved.path_style |= self.path_style;
                let profile = crate::profiles::Profile::from_saved(&saved);
                if let (_, Some(ignored)) = profile.link_limit() {
                    warn(&ignored);
                }
                return Ok(profile.connect().await?);
            }
        }
        let (current, _) = link_lifetime::current_profile(self, false).await;
        let connection = Connection::from_aws_config(self.options()?).await?;
        let limit = link_lifetime::aws_chain_limit(current.as_ref(), &connection);
        Ok(connection.with_link_limit(limit))
    }

    fn options(&self) -> Result<ConnectOptions, CliError> {
        let endpoint = self
            .endpoint_url
            .as_deref()
            .map(Endpoint::custom)
            .transpose()?;
        Ok(ConnectOptions {
            profile: self.profile.clone(),
            region: self.region.clone(),
            endpoint,
            path_style: self.path_style,
        })
    }
}

fn scheme(http: bool) -> Option<Scheme> {
    http.then_some(Scheme::Http)
}

/// The link as a QR code on stderr, light on dark as terminals draw text.
fn print_qr(url: &str) {
    match crate::share::qr::QrMatrix::new(url) {
        Ok(qr) => eprint!("{}", qr.to_terminal()),
        Err(e) => warn(&e.to_string()),
    }
}

fn warn(message: &str) {
    note(&format!("warning: {message}"));
}

/// `pail: MESSAGE` on stderr, as one line a terminal shows and does not obey.
fn note(message: &str) {
    // Not eprintln!: with stderr a pipe nobody reads (`2>&1 | true`) it panics. A message
    // nobody can read is dropped; the exit code still tells.
    let _ = writeln!(std::io::stderr(), "pail: {}", terminal_safe(message));
}

/// `line` and a line break on stdout, with names in it shown and not obeyed by a terminal.
fn print_line(line: &str) {
    print_stdout(&format!("{}\n", terminal_safe(line)));
}

fn local_time(t: SystemTime) -> String {
    crate::local_time::format(t, &crate::local_time::system_zone(), "%Y-%m-%d %H:%M:%S %Z")
}

/// `pail profiles list`: one line per profile, secrets never shown.
async fn list_profiles() -> Result<(), CliError> {
    let dir = crate::profiles::store::default_dir();
    let found = crate::profiles::discover(dir.as_deref()).await;
    for warning in &found.warnings {
        warn(warning);
    }
    let default = found.store.as_ref().and_then(|s| s.default_profile.clone());
    let rows: Vec<[String; 5]> = found
        .profiles
        .iter()
        .map(|p| {
            let mut name = p.name.clone();
            if default.as_deref() == Some(p.name.as_str()) {
                name.push_str(" (default)");
            }
            // Names come from files anyone may have written: shown, never obeyed.
            [
                name,
                p.source.label().to_owned(),
                p.region.clone().unwrap_or_else(|| "-".into()),
                p.endpoint.as_deref().map_or_else(
                    || "AWS".into(),
                    |e| crate::model::url_without_credentials(e).into_owned(),
                ),
                link_lifetime::longest_link_cell(p),
            ]
            .map(|cell| terminal_safe(&cell).into_owned())
        })
        .collect();
    let header = ["NAME", "SOURCE", "REGION", "ENDPOINT", "LONGEST LINK"].map(str::to_owned);
    let mut widths = [0usize; 5];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let line: Vec<String> = row
            .iter()
            .zip(widths)
            .map(|(cell, w)| format!("{cell:<w$}"))
            .collect();
        text.push_str(line.join("  ").trim_end());
        text.push('\n');
    }
    if rows.is_empty() {
        text.push_str("(no profiles: add one in the window's Profiles, or in ~/.aws/config)\n");
    }
    print_stdout(&text);
    Ok(())
}

async fn demo_server() -> Result<(), CliError> {
    note(demo_text::WRITING);
    let server = crate::demo::start_demo_server()?;
    // The demo keys are fixed and public: they only open this temporary local folder.
    print_stdout(&demo_text::serving(
        &server.endpoint_url(),
        &server.root().display().to_string(),
        cfg!(windows),
    ));
    crate::demo::shutdown_signal().await;
    drop(server);
    Ok(())
}

/// Writes to stdout without panicking when the reader has gone (`pail … | head`).
fn print_stdout(text: &str) {
    let _ = stdout_takes(text);
}

/// Writes `text` to standard output; `false` once no one reads it any more (`| head`): a
/// command that streams what it finds stops there instead of working on for nobody.
fn stdout_takes(text: &str) -> bool {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => true,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => false,
        Err(e) => {
            // A full disk or a closed file: the link or listing is lost, so the command fails
            // once it is done (a pipe closed by `head` is a reader that had enough, not this).
            if let Ok(mut first) = STDOUT_FAILURE.lock()
                && first.is_none()
            {
                *first = Some(e.to_string());
            }
            true
        }
    }
}

/// The first write to standard output that failed, other than a closed pipe.
static STDOUT_FAILURE: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// An error when something written to standard output was lost.
fn stdout_lost() -> Result<(), CliError> {
    match STDOUT_FAILURE.lock().ok().and_then(|first| first.clone()) {
        Some(reason) => Err(CliError::Usage(format!(
            "could not write to standard output: {reason}"
        ))),
        None => Ok(()),
    }
}
