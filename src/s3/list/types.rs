//! What a listing is made of, in Pail's own small types: buckets, folder pages and their rows,
//! what a page request asks for, and what went wrong. No I/O; the rest of `list/` builds on it.

use crate::s3::connection::ConnectError;

/// One bucket in the bucket list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketEntry {
    pub name: String,
    /// Known when S3 reports it with the list (AWS does; many compatible servers do not).
    pub region: Option<String>,
}

/// S3 storage classes, in one byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum StorageClass {
    #[default]
    Standard,
    ReducedRedundancy,
    StandardIa,
    OnezoneIa,
    IntelligentTiering,
    Glacier,
    GlacierIr,
    DeepArchive,
    Outposts,
    ExpressOnezone,
    Snow,
    Other,
}

impl StorageClass {
    pub fn parse(s: &str) -> Self {
        match s {
            "STANDARD" | "" => Self::Standard,
            "REDUCED_REDUNDANCY" => Self::ReducedRedundancy,
            "STANDARD_IA" => Self::StandardIa,
            "ONEZONE_IA" => Self::OnezoneIa,
            "INTELLIGENT_TIERING" => Self::IntelligentTiering,
            "GLACIER" => Self::Glacier,
            "GLACIER_IR" => Self::GlacierIr,
            "DEEP_ARCHIVE" => Self::DeepArchive,
            "OUTPOSTS" => Self::Outposts,
            "EXPRESS_ONEZONE" => Self::ExpressOnezone,
            "SNOW" => Self::Snow,
            _ => Self::Other,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Standard => "STANDARD",
            Self::ReducedRedundancy => "REDUCED_REDUNDANCY",
            Self::StandardIa => "STANDARD_IA",
            Self::OnezoneIa => "ONEZONE_IA",
            Self::IntelligentTiering => "INTELLIGENT_TIERING",
            Self::Glacier => "GLACIER",
            Self::GlacierIr => "GLACIER_IR",
            Self::DeepArchive => "DEEP_ARCHIVE",
            Self::Outposts => "OUTPOSTS",
            Self::ExpressOnezone => "EXPRESS_ONEZONE",
            Self::Snow => "SNOW",
            Self::Other => "OTHER",
        }
    }
}

/// One object of a folder listing. The name is the key without the folder's prefix, which
/// keeps a million rows small.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectEntry {
    pub name: Box<str>,
    pub size: u64,
    /// Seconds since the Unix epoch.
    pub last_modified: i64,
    pub storage_class: StorageClass,
}

/// One page of a folder listing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FolderPage {
    /// Sub-folder names relative to the prefix, each ending in `/`.
    pub folders: Vec<Box<str>>,
    pub objects: Vec<ObjectEntry>,
    /// Where the next page starts; `None` on the last page.
    pub next_token: Option<String>,
}

/// What went wrong talking to S3, in words for the status bar and the error banner.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BrowseError {
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error("access denied{}: {message}", code_suffix(code))]
    AccessDenied { code: String, message: String },
    #[error("bucket `{0}` does not exist")]
    NoSuchBucket(String),
    #[error("the credentials were refused ({code}): {message}")]
    BadCredentials { code: String, message: String },
    #[error("cannot reach {endpoint}: {reason}")]
    Unreachable { endpoint: String, reason: String },
    #[error("S3 did not answer in time ({0})")]
    TimedOut(String),
    #[error("S3 answered with an error{}: {message}", code_suffix(code))]
    Service { code: String, message: String },
    /// A listing page that cannot be believed: not a listing, contradicting itself, too big,
    /// or holding keys outside the prefix asked for. Nothing on it is used.
    #[error("the listing of {place} cannot be trusted ({page}): {problem}")]
    Untrusted {
        /// `s3://bucket/prefix`
        place: String,
        /// Which page: `page 2`, `the page after "key"`.
        page: String,
        problem: String,
    },
    #[error("{0}")]
    Other(String),
}

fn code_suffix(code: &str) -> String {
    if code.is_empty() {
        String::new()
    } else {
        format!(" ({code})")
    }
}

/// Where a page starts and how long it may be.
#[derive(Debug, Clone, Default)]
pub struct PageRequest {
    /// The previous page's continuation token.
    pub token: Option<String>,
    /// A full key: the page starts after it (ignored by S3 when `token` is set).
    pub start_after: Option<String>,
    pub max_keys: i32,
}

/// What a listing holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// One folder level: its sub-folders and objects, names relative to the prefix.
    OneLevel,
    /// Every object under the prefix at any depth, names relative to the prefix, the folder's
    /// own marker left out (`pail ls -r`, folder shares).
    Tree,
    /// Every key under the prefix at any depth, folder markers included; names are full keys
    /// (copies, downloads, deletes).
    TreeKeys,
}

impl Depth {
    /// What a page's names leave off of their keys.
    pub fn name_prefix(self, prefix: &str) -> &str {
        match self {
            Self::OneLevel | Self::Tree => prefix,
            Self::TreeKeys => "",
        }
    }
}

/// Guards a paged listing against a server that hands out a token it handed out before:
/// the listing would go round for ever.
#[derive(Debug, Default)]
pub(super) struct TokenGuard {
    seen: std::collections::HashSet<String>,
}

impl TokenGuard {
    /// The token for the next page (`None`: the listing is complete), or an error if the
    /// server is going round in circles.
    pub(super) fn next(&mut self, token: Option<&str>) -> Result<Option<String>, BrowseError> {
        match token {
            Some(token) if !token.is_empty() => {
                if self.seen.insert(token.to_owned()) {
                    Ok(Some(token.to_owned()))
                } else {
                    Err(BrowseError::Other(
                        "the server sent the same continuation token twice; the listing was stopped so it would not go round for ever"
                            .into(),
                    ))
                }
            }
            _ => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_classes_round_trip() {
        for name in ["STANDARD", "GLACIER", "DEEP_ARCHIVE", "INTELLIGENT_TIERING"] {
            assert_eq!(StorageClass::parse(name).as_str(), name);
        }
        assert_eq!(StorageClass::parse(""), StorageClass::Standard);
        assert_eq!(StorageClass::parse("NEW_CLASS"), StorageClass::Other);
    }

    #[test]
    fn object_entry_is_small() {
        // A million rows must stay well under 200 bytes each beyond the name.
        assert!(std::mem::size_of::<ObjectEntry>() <= 40);
    }
}
