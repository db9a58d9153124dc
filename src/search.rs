//! What a search of a bucket matches: each key's path below the folder searched (its root),
//! by a part of it, a glob or a regular expression, with optional bounds on size and date.
//! Pure: the scan that feeds it keys is `s3::search`, the window's box and `pail find` read
//! their text into a [`SearchQuery`] here, so both match alike.
//!
//! A glob matches the whole path below the root: `*` and `?` stay within one `/` segment and
//! `**` crosses them (`**/*.pdf`, `2026-??/*`), as in a shell with `globstar`. `pail find
//! --name` matches the last segment only, as `find -name` does. Case is ignored unless asked.

use std::str::FromStr;

/// How the search text is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PatternKind {
    /// The text anywhere in the path.
    #[default]
    Contains,
    /// A glob over the whole path below the root.
    Glob,
    /// A regular expression, found anywhere in the path (anchor it with `^` and `$`).
    Regex,
}

impl PatternKind {
    pub const ALL: [PatternKind; 3] = [Self::Contains, Self::Glob, Self::Regex];

    pub fn label(self) -> &'static str {
        match self {
            Self::Contains => "Contains",
            Self::Glob => "Glob",
            Self::Regex => "Regex",
        }
    }
}

/// Why a search's text or bounds cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SearchError {
    #[error("`{pattern}` is not a glob: {reason}")]
    Glob { pattern: String, reason: String },
    #[error("`{pattern}` is not a regular expression: {reason}")]
    Regex { pattern: String, reason: String },
    #[error(
        "`{0}` is not a size: give bytes, or a number with K, M, G or T after it (in 1024s: \
         500K, 10M, 1.5G)"
    )]
    Size(String),
    #[error(
        "`{0}` is not a date: give a date or time in UTC (2026-03-01, 2026-03-01T14:30) or one \
         with its offset (2026-03-01T14:30:00+02:00)"
    )]
    Date(String),
    #[error(
        "no object can match: the smallest size asked (--min-size, At least) is {min} bytes, \
         above the largest (--max-size, At most), {max} bytes"
    )]
    SizesCrossed { min: u64, max: u64 },
    #[error(
        "no object can match: modified at or after (--newer-than, Modified after) is not \
         before modified before (--older-than, Modified before)"
    )]
    DatesCrossed,
}

/// What a path is matched by.
#[derive(Debug, Clone)]
enum Matcher {
    Glob(globset::GlobMatcher),
    /// Also the text of [`PatternKind::Contains`], escaped: the regex crate finds a literal
    /// ignoring case without lowercasing each key.
    Regex(regex::Regex),
}

/// A search: which paths below the root match, and which sizes and dates.
#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    matcher: Option<Matcher>,
    /// The pattern looks at the last segment only (`pail find --name`).
    last_segment: bool,
    /// The text as typed, for saying what is searched for.
    text: String,
    pub min_size: Option<u64>,
    pub max_size: Option<u64>,
    /// Modified at or after, in seconds since the Unix epoch.
    pub newer_than: Option<i64>,
    /// Modified before, in seconds since the Unix epoch.
    pub older_than: Option<i64>,
}

impl SearchQuery {
    /// Paths matching `text` read as `kind`; an empty text matches every path.
    pub fn new(kind: PatternKind, text: &str, case_sensitive: bool) -> Result<Self, SearchError> {
        let matcher = match (kind, text.is_empty()) {
            (_, true) => None,
            (PatternKind::Glob, false) => Some(Matcher::Glob(glob(text, case_sensitive)?)),
            (PatternKind::Regex, false) => Some(Matcher::Regex(regex(text, case_sensitive)?)),
            (PatternKind::Contains, false) => {
                Some(Matcher::Regex(regex(&regex::escape(text), case_sensitive)?))
            }
        };
        Ok(Self {
            matcher,
            text: text.to_owned(),
            ..Self::default()
        })
    }

    /// The pattern looks at each key's last segment only, as `find -name` does.
    pub fn on_last_segment(mut self) -> Self {
        self.last_segment = true;
        self
    }

    /// The bounds, or why no object can meet them: a search that cannot match anything
    /// would scan a whole bucket to say "no matches".
    pub fn check_bounds(&self) -> Result<(), SearchError> {
        if let (Some(min), Some(max)) = (self.min_size, self.max_size)
            && min > max
        {
            return Err(SearchError::SizesCrossed { min, max });
        }
        if let (Some(newer), Some(older)) = (self.newer_than, self.older_than)
            && newer >= older
        {
            return Err(SearchError::DatesCrossed);
        }
        Ok(())
    }

    /// The text searched for, as typed.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether the object at `path` (below the root), of `size` bytes modified at `modified`
    /// (seconds since the Unix epoch), is a match.
    pub fn matches(&self, path: &str, size: u64, modified: i64) -> bool {
        let within = self.min_size.is_none_or(|min| size >= min)
            && self.max_size.is_none_or(|max| size <= max)
            && self.newer_than.is_none_or(|t| modified >= t)
            && self.older_than.is_none_or(|t| modified < t);
        within && self.name_matches(path)
    }

    fn name_matches(&self, path: &str) -> bool {
        let name = match self.last_segment {
            // A folder marker's name is its last folder.
            true => path
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or(path),
            false => path,
        };
        match &self.matcher {
            None => true,
            Some(Matcher::Glob(glob)) => glob.is_match(name),
            Some(Matcher::Regex(regex)) => regex.is_match(name),
        }
    }
}

fn glob(text: &str, case_sensitive: bool) -> Result<globset::GlobMatcher, SearchError> {
    globset::GlobBuilder::new(text)
        .literal_separator(true)
        .backslash_escape(true)
        .case_insensitive(!case_sensitive)
        .build()
        .map(|g| g.compile_matcher())
        .map_err(|e| SearchError::Glob {
            pattern: text.to_owned(),
            reason: e.kind().to_string(),
        })
}

/// Patterns are the person's: bounded in size, so a typed one cannot take the memory.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

fn regex(text: &str, case_sensitive: bool) -> Result<regex::Regex, SearchError> {
    regex::RegexBuilder::new(text)
        .case_insensitive(!case_sensitive)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| SearchError::Regex {
            pattern: text.to_owned(),
            reason: match e {
                regex::Error::CompiledTooBig(_) => "it is too large".to_owned(),
                other => other.to_string().lines().last().unwrap_or("").to_owned(),
            },
        })
}

/// A size as `--min-size` reads it: bytes, or a number with `K`, `M`, `G` or `T` (either case,
/// in 1024s) after it; a fraction is allowed with a unit.
pub fn parse_size(text: &str) -> Result<u64, SearchError> {
    let bad = || SearchError::Size(text.to_owned());
    let trimmed = text.trim();
    let (number, factor) = match trimmed.chars().last().map(|c| c.to_ascii_uppercase()) {
        Some('K') => (&trimmed[..trimmed.len() - 1], 1u64 << 10),
        Some('M') => (&trimmed[..trimmed.len() - 1], 1 << 20),
        Some('G') => (&trimmed[..trimmed.len() - 1], 1 << 30),
        Some('T') => (&trimmed[..trimmed.len() - 1], 1 << 40),
        _ => (trimmed, 1),
    };
    let plain = !number.is_empty()
        && number.chars().all(|c| c.is_ascii_digit() || c == '.')
        && number.chars().filter(|&c| c == '.').count() <= 1
        && number.chars().any(|c| c.is_ascii_digit());
    if !plain {
        return Err(bad());
    }
    if let Ok(whole) = number.parse::<u64>() {
        return whole.checked_mul(factor).ok_or_else(bad);
    }
    let value: f64 = number.parse().map_err(|_| bad())?;
    let bytes = (value * factor as f64).round();
    if factor == 1 || bytes >= u64::MAX as f64 {
        return Err(bad());
    }
    Ok(bytes as u64)
}

/// A moment as `--newer-than` reads it, in seconds since the Unix epoch: a timestamp with its
/// offset (`2026-03-01T14:30:00Z`, `…+02:00`), or a date or date and time taken as UTC, as S3
/// gives its dates.
pub fn parse_when(text: &str) -> Result<i64, SearchError> {
    let text = text.trim();
    let bad = || SearchError::Date(text.to_owned());
    if let Ok(at) = jiff::Timestamp::from_str(text) {
        return Ok(at.as_second());
    }
    let civil = jiff::civil::DateTime::from_str(text)
        .or_else(|_| {
            jiff::civil::Date::from_str(text).map(|d| d.to_datetime(jiff::civil::Time::midnight()))
        })
        .map_err(|_| bad())?;
    civil
        .to_zoned(jiff::tz::TimeZone::UTC)
        .map(|z| z.timestamp().as_second())
        .map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glob(text: &str) -> SearchQuery {
        SearchQuery::new(PatternKind::Glob, text, false).unwrap()
    }

    #[test]
    fn a_glob_keeps_star_within_a_segment_and_double_star_crosses() {
        let pdfs = glob("**/*.pdf");
        assert!(pdfs.matches("a.pdf", 1, 0));
        assert!(pdfs.matches("2026/q3/report.PDF", 1, 0), "case ignored");
        assert!(!pdfs.matches("2026/q3/report.pdf.txt", 1, 0));
        let months = glob("2026-??/*");
        assert!(months.matches("2026-03/a.txt", 1, 0));
        assert!(
            !months.matches("2026-03/deeper/a.txt", 1, 0),
            "* stays in its segment"
        );
        assert!(!months.matches("2026-3/a.txt", 1, 0));
        assert!(!glob("*.pdf").matches("dir/a.pdf", 1, 0));
        let exact = SearchQuery::new(PatternKind::Glob, "*.PDF", true).unwrap();
        assert!(!exact.matches("a.pdf", 1, 0));
    }

    #[test]
    fn name_matches_the_last_segment_as_find_does() {
        let named = glob("*.pdf").on_last_segment();
        assert!(named.matches("deep/er/a.pdf", 1, 0));
        assert!(!named.matches("a.pdf/inside.txt", 1, 0));
    }

    #[test]
    fn contains_and_regex_find_text_anywhere_the_text_taken_literally() {
        let q = SearchQuery::new(PatternKind::Contains, "Q3 (final)", false).unwrap();
        assert!(q.matches("reports/q3 (FINAL).pdf", 1, 0));
        assert!(!q.matches("reports/q3 final.pdf", 1, 0));
        let q = SearchQuery::new(PatternKind::Regex, r"^logs/\d{4}/.*\.gz$", false).unwrap();
        assert!(q.matches("logs/2026/a.gz", 1, 0));
        assert!(!q.matches("old/logs/2026/a.gz", 1, 0));
        assert!(SearchQuery::new(PatternKind::Regex, "(", false).is_err());
        assert!(SearchQuery::new(PatternKind::Glob, "a[", false).is_err());
        assert!(SearchQuery::new(PatternKind::Regex, "a{1000}{1000}", false).is_err());
        // Nothing typed: every key.
        assert!(
            SearchQuery::new(PatternKind::Regex, "", false)
                .unwrap()
                .matches("x", 0, 0)
        );
    }

    #[test]
    fn sizes_and_dates_bound_the_matches() {
        let mut q = glob("*");
        q.min_size = Some(10);
        q.max_size = Some(20);
        q.newer_than = Some(100);
        q.older_than = Some(200);
        assert!(q.matches("a", 10, 100));
        assert!(q.matches("a", 20, 199));
        assert!(!q.matches("a", 9, 150));
        assert!(!q.matches("a", 21, 150));
        assert!(!q.matches("a", 15, 99));
        assert!(!q.matches("a", 15, 200));
    }

    #[test]
    fn sizes_and_dates_are_read_as_people_write_them() {
        assert_eq!(parse_size("0"), Ok(0));
        assert_eq!(parse_size("500K"), Ok(500 * 1024));
        assert_eq!(parse_size("1.5g"), Ok(3 << 29));
        assert_eq!(parse_size("10M"), Ok(10 << 20));
        for bad in ["", "M", "-1", "1e9", "1.5", "99999999999T", "NaN", "1..2K"] {
            assert!(parse_size(bad).is_err(), "{bad:?}");
        }
        assert_eq!(parse_when("1970-01-02"), Ok(86_400));
        assert_eq!(parse_when("1970-01-01T01:00"), Ok(3600));
        assert_eq!(parse_when("1970-01-01T01:00:00+01:00"), Ok(0));
        assert_eq!(parse_when("1970-01-01T00:00:10Z"), Ok(10));
        assert!(parse_when("yesterday").is_err());
        assert!(parse_when("2026-13-01").is_err());
    }
}
