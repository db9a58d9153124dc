//! `pail find`: every object under a prefix whose path matches, one full key a line (shown as
//! `ls` shows names: a key cannot forge a line or command the terminal), as the scan finds
//! them; a count of matches and keys scanned on stderr at the end.

use clap::Args;

use super::{CliError, ConnectionArgs, note, stdout_takes};
use crate::fmt::terminal_safe;
use crate::model::S3Prefix;
use crate::s3::search::{search_root, search_tree};
use crate::search::{PatternKind, SearchQuery, parse_size, parse_when};

#[derive(Debug, Args)]
pub(crate) struct FindArgs {
    /// The bucket or folder to search, as s3://BUCKET/PREFIX/ (every key below it).
    #[arg(value_name = "S3_URI")]
    pub uri: String,
    /// A glob matched against each key's last segment, as `find -name` does (`*.pdf`).
    #[arg(long, value_name = "GLOB", group = "pattern")]
    pub name: Option<String>,
    /// A glob matched against each key's path below the folder searched: `*` and `?` stay
    /// within one segment, `**` crosses them (`**/2026-??/*.csv`).
    #[arg(long, value_name = "GLOB", group = "pattern")]
    pub path: Option<String>,
    /// A regular expression found anywhere in the path below the folder searched (anchor it
    /// with ^ and $).
    #[arg(long, value_name = "RE", group = "pattern")]
    pub regex: Option<String>,
    /// Text found anywhere in the path below the folder searched.
    #[arg(long, value_name = "TEXT", group = "pattern")]
    pub contains: Option<String>,
    /// Match case exactly (case is ignored otherwise).
    #[arg(long)]
    pub case_sensitive: bool,
    /// At least this many bytes (K, M, G or T after the number counts in 1024s).
    #[arg(long, value_name = "N", value_parser = parse_size)]
    pub min_size: Option<u64>,
    /// At most this many bytes.
    #[arg(long, value_name = "N", value_parser = parse_size)]
    pub max_size: Option<u64>,
    /// Modified at or after: a date or time in UTC (2026-03-01, 2026-03-01T14:30) or with its
    /// offset (2026-03-01T14:30:00+02:00).
    #[arg(long, value_name = "DATETIME", value_parser = parse_when)]
    pub newer_than: Option<i64>,
    /// Modified before (as --newer-than).
    #[arg(long, value_name = "DATETIME", value_parser = parse_when)]
    pub older_than: Option<i64>,
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

impl FindArgs {
    fn query(&self) -> Result<SearchQuery, CliError> {
        let (kind, text) = match (&self.name, &self.path, &self.regex, &self.contains) {
            (Some(glob), ..) | (_, Some(glob), ..) => (PatternKind::Glob, glob.as_str()),
            (_, _, Some(re), _) => (PatternKind::Regex, re.as_str()),
            (_, _, _, Some(text)) => (PatternKind::Contains, text.as_str()),
            _ => (PatternKind::Contains, ""),
        };
        if self.name.as_deref().is_some_and(|name| name.contains('/')) {
            // A last segment never holds a `/`: the scan would end with "0 matches".
            return Err(CliError::Usage(
                "--name matches the last segment of each key, which never holds a `/`: give \
                 --path for a glob over the path below the folder (`--path '**/2026/*.pdf'`)"
                    .into(),
            ));
        }
        let query = SearchQuery::new(kind, text, self.case_sensitive)
            .map_err(|e| CliError::Usage(e.to_string()))?;
        let mut query = match self.name.is_some() {
            true => query.on_last_segment(),
            false => query,
        };
        query.min_size = self.min_size;
        query.max_size = self.max_size;
        query.newer_than = self.newer_than;
        query.older_than = self.older_than;
        query
            .check_bounds()
            .map_err(|e| CliError::Usage(e.to_string()))?;
        Ok(query)
    }
}

pub(crate) async fn find(args: FindArgs) -> Result<(), CliError> {
    // The pattern is checked before any network traffic, so a typo fails at once.
    let query = args.query()?;
    let target: S3Prefix = args.uri.parse()?;
    let connection = args.connection.connect().await?;
    let root = search_root(&target.prefix);
    let (mut matches, mut scanned, mut read) = (0u64, 0u64, true);
    search_tree(&connection, &target.bucket, &root, &query, |page| {
        let mut text = String::new();
        for found in &page.matches {
            text.push_str(&terminal_safe(&format!("{root}{}", found.name)));
            text.push('\n');
        }
        // The reader went away (`| head`): the scan stops, as `find` does on SIGPIPE.
        read = text.is_empty() || stdout_takes(&text);
        matches += page.matches.len() as u64;
        scanned = page.scanned;
        read
    })
    .await?;
    if !read {
        return Ok(());
    }
    note(&format!(
        "{} among {} scanned",
        crate::fmt::count(matches as usize, "match", "matches"),
        crate::fmt::count(scanned as usize, "key", "keys"),
    ));
    Ok(())
}
