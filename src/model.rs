//! Validated names: bucket names, object keys and `s3://` URIs.
//!
//! Raw strings from the command line or the window are parsed here once; the rest of Pail works
//! with these types and never re-checks them.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;
use url::Url;

/// Why a bucket name, key or `s3://` URI was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("`{0}` is not an S3 URI: expected s3://BUCKET/KEY")]
    NotS3Uri(String),
    #[error("`{0}` names no object: the key after the bucket is empty")]
    EmptyKey(String),
    #[error("bucket name `{name}` is invalid: {reason}")]
    InvalidBucket { name: String, reason: &'static str },
    #[error("object key is invalid: {0}")]
    InvalidKey(&'static str),
    #[error("malformed endpoint URL `{url}`: {reason}")]
    MalformedEndpoint { url: String, reason: String },
}

/// A bucket name as S3 accepts it: 3–63 characters of letters, digits, `.`, `-` and `_`.
///
/// Upper case and `_` are allowed because legacy us-east-1 buckets and some S3-compatible
/// servers use them; S3 itself answers for anything stricter.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BucketName(String);

impl BucketName {
    pub fn new(name: impl Into<String>) -> Result<Self, NameError> {
        let name = name.into();
        let reason = if name.len() < 3 || name.len() > 63 {
            Some("it must be 3 to 63 characters long")
        } else if !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
        {
            Some("only letters, digits, '.', '-' and '_' are allowed")
        } else if !name.starts_with(|c: char| c.is_ascii_alphanumeric())
            || !name.ends_with(|c: char| c.is_ascii_alphanumeric())
        {
            Some("it must begin and end with a letter or digit")
        } else {
            None
        };
        match reason {
            Some(reason) => Err(NameError::InvalidBucket { name, reason }),
            None => Ok(Self(name)),
        }
    }

    /// A name for a bucket about to be made, checked against S3's rules for new buckets
    /// (stricter than [`BucketName::new`], which also opens legacy buckets): lower case, no
    /// `_`, no `..`, not an IP address, none of the prefixes and suffixes AWS keeps for
    /// itself. The reason is worded for a person typing the name, so the window shows it as
    /// they type.
    pub fn for_new_bucket(name: &str) -> Result<Self, NameError> {
        const KEPT_PREFIXES: [&str; 3] = ["xn--", "sthree-", "amzn-s3-demo-"];
        const KEPT_SUFFIXES: [&str; 5] = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];
        let reason = if name.len() < 3 || name.len() > 63 {
            Some("it must be 3 to 63 characters long")
        } else if name.bytes().any(|b| b.is_ascii_uppercase()) {
            Some("new bucket names are lower case")
        } else if !name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-'))
        {
            Some("only lower-case letters, digits, '.' and '-' are allowed")
        } else if !name.starts_with(|c: char| c.is_ascii_alphanumeric())
            || !name.ends_with(|c: char| c.is_ascii_alphanumeric())
        {
            Some("it must begin and end with a letter or digit")
        } else if name.contains("..") || name.contains(".-") || name.contains("-.") {
            Some("a '.' may not stand beside another '.' or a '-'")
        } else if name.parse::<std::net::Ipv4Addr>().is_ok() {
            Some("it may not look like an IP address")
        } else if KEPT_PREFIXES.iter().any(|p| name.starts_with(p)) {
            Some("AWS keeps names starting with xn--, sthree- or amzn-s3-demo- for itself")
        } else if KEPT_SUFFIXES.iter().any(|s| name.ends_with(s)) {
            Some("AWS keeps names ending in -s3alias, --ol-s3, .mrap, --x-s3 or --table-s3")
        } else {
            None
        };
        match reason {
            Some(reason) => Err(NameError::InvalidBucket {
                name: name.to_owned(),
                reason,
            }),
            None => Ok(Self(name.to_owned())),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the name can be the first label of an HTTPS host name (`BUCKET.s3.amazonaws.com`)
    /// under S3's wildcard certificate: dots would create extra labels the certificate does not
    /// cover, so such buckets are addressed path-style over HTTPS.
    pub fn is_tls_host_label(&self) -> bool {
        !self.0.contains('.') && !self.0.contains('_') && self.0 == self.0.to_ascii_lowercase()
    }
}

impl fmt::Display for BucketName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An object key: any non-empty UTF-8 string of at most 1024 bytes.
///
/// Spaces, `+`, `%`, `?`, `#`, unicode and `/` are ordinary characters in a key; they are
/// encoded only when a URL is built.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectKey(String);

impl ObjectKey {
    pub const MAX_LEN: usize = 1024;

    pub fn new(key: impl Into<String>) -> Result<Self, NameError> {
        let key = key.into();
        if key.is_empty() {
            return Err(NameError::InvalidKey("it is empty"));
        }
        if key.len() > Self::MAX_LEN {
            return Err(NameError::InvalidKey("it is longer than 1024 bytes"));
        }
        Ok(Self(key))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether a path segment is `.` or `..`: a browser resolves those away before sending
    /// (`a/../b` becomes `b`), so a link to this key reaches another path.
    pub fn has_dot_segment(&self) -> bool {
        self.0
            .split('/')
            .any(|segment| segment == "." || segment == "..")
    }

    /// The last path segment: what a person calls the file's name.
    pub fn file_name(&self) -> &str {
        let trimmed = self.0.trim_end_matches('/');
        match trimmed.rsplit_once('/') {
            Some((_, name)) if !name.is_empty() => name,
            _ if trimmed.is_empty() => &self.0,
            _ => trimmed,
        }
    }
}

impl fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `s3://BUCKET/KEY`: one object (or, for upload forms, a key prefix).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Uri {
    pub bucket: BucketName,
    pub key: ObjectKey,
}

impl FromStr for S3Uri {
    type Err = NameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let S3Prefix { bucket, prefix } = s.parse()?;
        if prefix.is_empty() {
            return Err(NameError::EmptyKey(s.to_owned()));
        }
        Ok(Self {
            bucket,
            key: ObjectKey::new(prefix)?,
        })
    }
}

/// `s3://BUCKET/PREFIX`, where the prefix may be empty (the whole bucket): a folder, or the
/// keys an upload form accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Prefix {
    pub bucket: BucketName,
    pub prefix: String,
}

impl FromStr for S3Prefix {
    type Err = NameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let rest = s
            .strip_prefix("s3://")
            .ok_or_else(|| NameError::NotS3Uri(s.to_owned()))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err(NameError::NotS3Uri(s.to_owned()));
        }
        if prefix.len() > ObjectKey::MAX_LEN {
            return Err(NameError::InvalidKey("it is longer than 1024 bytes"));
        }
        Ok(Self {
            bucket: BucketName::new(bucket)?,
            prefix: prefix.to_owned(),
        })
    }
}

/// `prefix` as a folder: empty (the whole bucket) or ending in `/`. Listing `photos` would
/// also find `photos-private/…` and `photos.zip`; a folder is listed as `photos/`.
pub fn folder_prefix(prefix: &str) -> String {
    if prefix.is_empty() || prefix.ends_with('/') {
        prefix.to_owned()
    } else {
        format!("{prefix}/")
    }
}

impl fmt::Display for S3Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s3://{}/{}", self.bucket, self.key)
    }
}

/// The scheme of a link. The signature does not cover it, so an HTTPS link and its HTTP twin
/// carry the same signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scheme {
    #[default]
    Https,
    Http,
}

impl Scheme {
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Https => "https",
            Scheme::Http => "http",
        }
    }
}

/// Where requests go: AWS itself (endpoints derived from the region), or an S3-compatible
/// server at a fixed URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    Aws,
    Custom(Url),
}

impl Endpoint {
    /// Parses an `--endpoint-url`: an `http` or `https` URL with a host, and a path only of
    /// plain segments (the rule is `check_path`'s).
    pub fn custom(input: &str) -> Result<Self, NameError> {
        let malformed = |reason: &str| NameError::MalformedEndpoint {
            url: url_without_credentials(input).into_owned(),
            reason: reason.to_owned(),
        };
        let mut url = Url::parse(input).map_err(|e| malformed(&e.to_string()))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(malformed("the scheme must be http or https"));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(malformed("it has no host"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(malformed("it must not have a query or fragment"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(malformed("it must not carry a user name or password"));
        }
        Self::check_path(input, url.path()).map_err(malformed)?;
        // One spelling per endpoint: a path ends in `/`, so `…/s3` and `…/s3/` are one server.
        if !url.path().ends_with('/') {
            let path = format!("{}/", url.path());
            url.set_path(&path);
        }
        Ok(Endpoint::Custom(url))
    }

    /// The one rule for an endpoint's path (`https://host/storage/s3/`): segments of letters,
    /// digits, `-`, `.`, `_` and `~` only, none empty, none `.` or `..`. Those are the
    /// characters SigV4 never encodes, so the path is the same in the link, in the signed
    /// request and on the wire, and botocore and aws-sdk-s3 agree byte for byte. Anything
    /// else has no one meaning: botocore encodes a `%` in the path a second time path-style and
    /// not virtual-hosted, resolves `..` and drops empty segments, and a server behind a proxy
    /// sees yet another spelling — the signature would not match.
    ///
    /// `raw` is the text as typed and `parsed` the `url` crate's path of it: they must agree,
    /// or the URL parser rewrote it (`\` for `/`, `..` resolved, spaces encoded).
    fn check_path(raw: &str, parsed: &str) -> Result<(), &'static str> {
        let after_scheme = raw.split_once("://").map_or(raw, |(_, rest)| rest);
        let typed = after_scheme
            .find(['/', '\\'])
            .map_or("", |i| &after_scheme[i..]);
        if typed.contains('\\') {
            return Err("the path is written with '/', not '\\'");
        }
        if typed.contains('%') {
            return Err("the path may not hold %-escapes (such as %20 or %2F): \
                        write a path of letters, digits, '-', '.', '_' and '~'");
        }
        let body = match typed {
            "" | "/" => None,
            _ => {
                let body = &typed[1..];
                Some(body.strip_suffix('/').unwrap_or(body))
            }
        };
        let expected = match body {
            None => String::new(),
            Some(body) => {
                for segment in body.split('/') {
                    if segment.is_empty() {
                        return Err("the path may not hold an empty segment (`//`)");
                    }
                    if segment == "." || segment == ".." {
                        return Err("the path may not hold `.` or `..` segments");
                    }
                    let plain =
                        |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~');
                    if !segment.bytes().all(plain) {
                        return Err("the path may hold only letters, digits, '-', '.', '_' \
                                    and '~' between its slashes (no spaces, '@', '+' or \
                                    accents)");
                    }
                }
                format!("/{body}")
            }
        };
        if parsed.trim_end_matches('/') != expected {
            return Err("the URL parser would rewrite the path: write it with '/' only");
        }
        Ok(())
    }

    /// The scheme links get when the person does not choose one: HTTPS for AWS, the
    /// endpoint's own scheme for a custom server (an `http://` server speaks no TLS).
    pub fn default_scheme(&self) -> Scheme {
        match self {
            Endpoint::Custom(url) if url.scheme() == "http" => Scheme::Http,
            _ => Scheme::Https,
        }
    }

    /// The path requests and links start with: `/` for a server at the root of its host,
    /// `/storage/s3/` for one mounted under a path. Always ends in `/`.
    pub fn base_path(&self) -> &str {
        match self {
            Endpoint::Aws => "/",
            Endpoint::Custom(url) => url.path(),
        }
    }

    /// The endpoint as aws-sdk-s3 is given it. A path keeps its trailing `/`: the SDK's
    /// endpoint rules write `{url}{normalizedPath}{bucket}` path-style, and its
    /// `normalizedPath` is the path as given — without the `/`, `…/storage/s3` and bucket
    /// `b` would become `…/storage/s3b`. A server at the root is given without one, as
    /// before, so its links do not change.
    pub(crate) fn url_string(&self) -> Option<String> {
        match self {
            Endpoint::Aws => None,
            Endpoint::Custom(url) if url.path() == "/" => {
                Some(url.as_str().trim_end_matches('/').to_owned())
            }
            Endpoint::Custom(url) => Some(url.as_str().to_owned()),
        }
    }

    /// How the endpoint is named to a person and in Pail's files (the uploads journal):
    /// the URL without its trailing `/`, so `…/s3` and `…/s3/` are one name, and names
    /// written before paths were supported stay the same.
    pub fn name(&self) -> Option<String> {
        match self {
            Endpoint::Aws => None,
            Endpoint::Custom(url) => Some(url.as_str().trim_end_matches('/').to_owned()),
        }
    }
}

/// A URL as it may be shown: credentials in it (`user:secret@host`, `token@host`) replaced by
/// `****`, so an endpoint typed with them is never printed with them.
pub(crate) fn url_without_credentials(url: &str) -> Cow<'_, str> {
    // With or without a scheme: whatever stands before the host's `@` is credentials (a user
    // name alone is often a token), so all of it goes.
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (Some(scheme), rest),
        None => (None, url),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => {
            let after = &rest[at + 1..];
            Cow::Owned(match scheme {
                Some(scheme) => format!("{scheme}://****@{after}"),
                None => format!("****@{after}"),
            })
        }
        None => Cow::Borrowed(url),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_in_a_url_is_never_shown() {
        assert_eq!(
            url_without_credentials("http://admin:hunter2@127.0.0.1:5152/storage/s3"),
            "http://****@127.0.0.1:5152/storage/s3"
        );
        assert_eq!(
            url_without_credentials("https://a:b@c@h.example/x@y"),
            "https://****@h.example/x@y"
        );
        assert_eq!(
            url_without_credentials("https://h.example/a@b"),
            "https://h.example/a@b"
        );
        assert_eq!(url_without_credentials("not a url"), "not a url");
        assert_eq!(
            url_without_credentials("http://TOKEN@h.example/"),
            "http://****@h.example/"
        );
        assert_eq!(
            url_without_credentials("alice:pw@127.0.0.1:5127"),
            "****@127.0.0.1:5127"
        );
    }

    #[test]
    fn parses_uri_and_keeps_key_verbatim() {
        let uri: S3Uri = "s3://my-bucket/a b/c+d/%20/?#&=/ünï 🎉.txt"
            .parse()
            .unwrap();
        assert_eq!(uri.bucket.as_str(), "my-bucket");
        assert_eq!(uri.key.as_str(), "a b/c+d/%20/?#&=/ünï 🎉.txt");
        assert_eq!(uri.key.file_name(), "ünï 🎉.txt");
        assert_eq!(
            uri.to_string(),
            "s3://my-bucket/a b/c+d/%20/?#&=/ünï 🎉.txt"
        );
    }

    #[test]
    fn dot_segments_are_whole_segments() {
        for dotted in ["a/../b", "./a", "a/.", "..", "a//./b"] {
            assert!(
                ObjectKey::new(dotted).unwrap().has_dot_segment(),
                "{dotted}"
            );
        }
        for plain in ["a..b", ".hidden/x", "a/...", "a.b/c."] {
            assert!(!ObjectKey::new(plain).unwrap().has_dot_segment(), "{plain}");
        }
    }

    #[test]
    fn keeps_leading_and_doubled_slashes_in_key() {
        let uri: S3Uri = "s3://bucket//a//b".parse().unwrap();
        assert_eq!(uri.key.as_str(), "/a//b");
    }

    #[test]
    fn refuses_non_s3_uris() {
        for bad in [
            "https://bucket/key",
            "bucket/key",
            "s3:/bucket/key",
            "s3:///key",
            "",
        ] {
            let err = bad.parse::<S3Uri>().unwrap_err();
            assert!(matches!(err, NameError::NotS3Uri(_)), "{bad}: {err:?}");
        }
    }

    #[test]
    fn refuses_empty_keys() {
        for bad in ["s3://bucket", "s3://bucket/"] {
            let err = bad.parse::<S3Uri>().unwrap_err();
            assert!(matches!(err, NameError::EmptyKey(_)), "{bad}: {err:?}");
            assert!(err.to_string().contains("key"), "{err}");
        }
    }

    #[test]
    fn prefixes_may_be_empty() {
        let p: S3Prefix = "s3://bucket".parse().unwrap();
        assert_eq!((p.bucket.as_str(), p.prefix.as_str()), ("bucket", ""));
        let p: S3Prefix = "s3://bucket/incoming/".parse().unwrap();
        assert_eq!(p.prefix, "incoming/");
        assert!("bucket/x".parse::<S3Prefix>().is_err());
    }

    #[test]
    fn validates_bucket_names() {
        assert!(BucketName::new("ab").is_err());
        assert!(BucketName::new("a".repeat(64)).is_err());
        assert!(BucketName::new("-abc").is_err());
        assert!(BucketName::new("abc-").is_err());
        assert!(BucketName::new("a b c").is_err());
        assert!(BucketName::new("my.bucket.example").is_ok());
        assert!(BucketName::new("Legacy_Bucket").is_ok());
    }

    #[test]
    fn new_bucket_names_follow_s3s_rules_for_new_buckets() {
        for good in ["reports-2026", "my.bucket.example", "a1b", "0-9"] {
            assert!(BucketName::for_new_bucket(good).is_ok(), "{good}");
        }
        let reason = |name: &str| match BucketName::for_new_bucket(name) {
            Err(NameError::InvalidBucket { reason, .. }) => reason,
            other => panic!("{name}: {other:?}"),
        };
        assert!(reason("ab").contains("3 to 63"));
        assert!(reason("Legacy_Bucket").contains("lower case"));
        assert!(reason("under_score").contains("'.' and '-'"));
        assert!(reason("a..b").contains("'.'"));
        assert!(reason("a.-b").contains("'.'"));
        assert!(reason("192.168.5.4").contains("IP address"));
        assert!(reason("xn--bucket").contains("keeps"));
        assert!(reason("bucket-s3alias").contains("keeps"));
        assert!(reason("-abc").contains("begin and end"));
        assert!(reason("a\u{202e}bc").contains("'.' and '-'"));
        // What the window may still open, it may not make.
        assert!(BucketName::new("Legacy_Bucket").is_ok());
    }

    #[test]
    fn dotted_buckets_are_not_tls_host_labels() {
        assert!(BucketName::new("plain-bucket").unwrap().is_tls_host_label());
        assert!(!BucketName::new("my.bucket").unwrap().is_tls_host_label());
        assert!(!BucketName::new("Upper").unwrap().is_tls_host_label());
    }

    #[test]
    fn key_length_is_limited() {
        assert!(ObjectKey::new("k".repeat(1024)).is_ok());
        assert!(ObjectKey::new("k".repeat(1025)).is_err());
        assert_eq!(ObjectKey::new("dir/").unwrap().file_name(), "dir");
        assert_eq!(ObjectKey::new("/").unwrap().file_name(), "/");
    }
    #[test]
    fn an_endpoint_path_is_one_spelling_with_its_trailing_slash() {
        let bare = Endpoint::custom("http://host.example/storage/s3").unwrap();
        let slashed = Endpoint::custom("http://host.example/storage/s3/").unwrap();
        assert_eq!(bare, slashed);
        assert_eq!(bare.base_path(), "/storage/s3/");
        assert_eq!(
            bare.url_string().as_deref(),
            Some("http://host.example/storage/s3/")
        );
        assert_eq!(
            bare.name().as_deref(),
            Some("http://host.example/storage/s3")
        );
        let tilde = Endpoint::custom("https://h.example/~s3_v-1.0/x").unwrap();
        assert_eq!(tilde.base_path(), "/~s3_v-1.0/x/");
        // At the root: as before, no trailing slash for the SDK.
        let root = Endpoint::custom("http://127.0.0.1:9000/").unwrap();
        assert_eq!(root.base_path(), "/");
        assert_eq!(root.url_string().as_deref(), Some("http://127.0.0.1:9000"));
        assert_eq!(root, Endpoint::custom("http://127.0.0.1:9000").unwrap());
        assert_eq!(Endpoint::Aws.base_path(), "/");
    }

    #[test]
    fn an_endpoint_path_that_has_no_one_meaning_is_refused_with_its_reason() {
        let reason = |input: &str| match Endpoint::custom(input) {
            Err(NameError::MalformedEndpoint { reason, .. }) => reason,
            other => panic!("{input}: {other:?}"),
        };
        assert!(reason("http://h.example/a/../b").contains("`..`"));
        assert!(reason("http://h.example/a/./b").contains("`.`"));
        assert!(reason("http://h.example/..").contains("`..`"));
        assert!(reason("http://h.example/a%2Fb").contains("%-escapes"));
        assert!(reason("http://h.example/a%20b/").contains("%-escapes"));
        assert!(reason("http://h.example/s3?x=1").contains("query"));
        assert!(reason("http://h.example/s3?").contains("query"));
        assert!(reason("http://h.example/s3#top").contains("fragment"));
        assert!(reason("http://h.example//s3").contains("empty segment"));
        assert!(reason("http://h.example/s3//").contains("empty segment"));
        assert!(reason("http://h.example/a b").contains("letters, digits"));
        assert!(reason("http://h.example/ü/").contains("letters, digits"));
        assert!(reason("http://h.example/a+b").contains("letters, digits"));
        assert!(reason("http://h.example/a@b").contains("letters, digits"));
        assert!(reason("http://h.example\\s3").contains("'/'"));
        assert!(reason("http://h.example/s3\\x").contains("'/'"));
        assert!(reason("http:/h.example/s3").contains("rewrite"));
        assert!(reason("ftp://h.example/s3").contains("scheme"));
    }
}
