//! A bucket's CORS rules: read, checked against a browser's request (which origin, method and
//! headers a page would send), and a rule added beside the existing ones. The check is pure,
//! so the Upload link tab can say before a link is sent whether a page may post with it.

use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::types::CorsConfiguration;

use super::bucket_listing::refused;
use super::buckets::BucketError;
use super::connection::Connection;
use super::transfer::TransferError;
use crate::model::BucketName;

/// One CORS rule, in Pail's own type.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CorsRule {
    pub id: Option<String>,
    pub allowed_origins: Vec<String>,
    pub allowed_methods: Vec<String>,
    pub allowed_headers: Vec<String>,
    pub expose_headers: Vec<String>,
    pub max_age_seconds: Option<i32>,
}

/// What a browser sends before (or with) a cross-origin request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowserRequest {
    /// `https://intranet.example.com`, or `null` for a page opened from a file.
    pub origin: String,
    /// `POST` for an upload form, `PUT` for a PUT link.
    pub method: String,
    /// Headers the page's script sets (a PUT link's signed Content-Type).
    pub headers: Vec<String>,
}

/// An S3 CORS pattern: `*` stands for any text, at most once (S3 allows one).
fn pattern_matches(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let (pattern, text) = match ignore_case {
        true => (pattern.to_ascii_lowercase(), text.to_ascii_lowercase()),
        false => (pattern.to_owned(), text.to_owned()),
    };
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, tail)) => {
            text.len() >= head.len() + tail.len() && text.starts_with(head) && text.ends_with(tail)
        }
    }
}

impl BrowserRequest {
    /// What a page's script sends to upload from `origin`: a POST form, or a PUT with the
    /// Content-Type a PUT link signs.
    pub fn upload(origin: &str, method: &str) -> Self {
        Self {
            origin: origin.to_owned(),
            method: method.to_owned(),
            headers: match method {
                "PUT" => vec!["content-type".into()],
                _ => Vec::new(),
            },
        }
    }
}

impl CorsRule {
    /// Whether this rule lets `request` through, as S3 decides: the origin matches one of
    /// its origins, the method is one of its methods, and every header one of its headers.
    pub fn allows(&self, request: &BrowserRequest) -> bool {
        let origin = self
            .allowed_origins
            .iter()
            .any(|o| pattern_matches(o, &request.origin, false));
        let method = self
            .allowed_methods
            .iter()
            .any(|m| m.eq_ignore_ascii_case(&request.method));
        let headers = request.headers.iter().all(|h| {
            self.allowed_headers
                .iter()
                .any(|allowed| pattern_matches(allowed, h, true))
        });
        origin && method && headers
    }

    /// The rule Pail adds so pages at the request's origin may upload: POST forms and PUT
    /// links (and the request's own method), any header a script sends, and ETag exposed
    /// (multipart uploads from a page need it).
    pub fn for_uploads(request: &BrowserRequest) -> Self {
        let mut methods = vec!["POST".to_owned(), "PUT".to_owned()];
        let asked = request.method.to_ascii_uppercase();
        if !methods.contains(&asked) {
            methods.push(asked);
        }
        Self {
            id: Some("pail-uploads".into()),
            allowed_origins: vec![request.origin.clone()],
            allowed_methods: methods,
            allowed_headers: vec!["*".into()],
            expose_headers: vec!["ETag".into()],
            max_age_seconds: Some(3000),
        }
    }

    /// `POST, PUT from https://a.example (headers: *)`, for a list of rules.
    pub fn describe(&self) -> String {
        let mut text = format!(
            "{} from {}",
            self.allowed_methods.join(", "),
            self.allowed_origins.join(", ")
        );
        if !self.allowed_headers.is_empty() {
            text.push_str(&format!(" (headers: {})", self.allowed_headers.join(", ")));
        }
        text
    }
}

/// The first rule that lets `request` through: S3 uses the first that matches.
pub fn first_allowing<'a>(rules: &'a [CorsRule], request: &BrowserRequest) -> Option<&'a CorsRule> {
    rules.iter().find(|r| r.allows(request))
}

/// The bucket's CORS rules; empty when it has none (`NoSuchCORSConfiguration`).
pub async fn get_cors(
    connection: &Connection,
    bucket: &BucketName,
) -> Result<Vec<CorsRule>, BucketError> {
    match connection
        .client()
        .get_bucket_cors()
        .bucket(bucket.as_str())
        .send()
        .await
    {
        Ok(output) => Ok(rules_of(&output)),
        Err(e) if e.code() == Some("NoSuchCORSConfiguration") => Ok(Vec::new()),
        Err(e) => Err(refused(&e)),
    }
}

/// GetBucketCors's answer as Pail's rules.
pub(crate) fn rules_of(
    output: &aws_sdk_s3::operation::get_bucket_cors::GetBucketCorsOutput,
) -> Vec<CorsRule> {
    output
        .cors_rules()
        .iter()
        .map(|r| CorsRule {
            id: r.id().map(str::to_owned),
            allowed_origins: r.allowed_origins().to_vec(),
            allowed_methods: r.allowed_methods().to_vec(),
            allowed_headers: r.allowed_headers().to_vec(),
            expose_headers: r.expose_headers().to_vec(),
            max_age_seconds: r.max_age_seconds(),
        })
        .collect()
}

/// Puts `rules` as the bucket's whole CORS configuration.
async fn put_cors(
    connection: &Connection,
    bucket: &BucketName,
    rules: &[CorsRule],
) -> Result<(), BucketError> {
    let built = rules
        .iter()
        .map(|r| {
            aws_sdk_s3::types::CorsRule::builder()
                .set_id(r.id.clone())
                .set_allowed_origins(Some(r.allowed_origins.clone()))
                .set_allowed_methods(Some(r.allowed_methods.clone()))
                .set_allowed_headers(Some(r.allowed_headers.clone()))
                .set_expose_headers(Some(r.expose_headers.clone()))
                .set_max_age_seconds(r.max_age_seconds)
                .build()
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TransferError::InvalidName(e.to_string()))?;
    let configuration = CorsConfiguration::builder()
        .set_cors_rules(Some(built))
        .build()
        .map_err(|e| TransferError::InvalidName(e.to_string()))?;
    connection
        .client()
        .put_bucket_cors()
        .bucket(bucket.as_str())
        .cors_configuration(configuration)
        .send()
        .await
        .map_err(|e| refused(&e))?;
    Ok(())
}

/// Adds a rule letting `request` through, after the rules the bucket has (read again now, so
/// a rule added meanwhile is kept). Nothing is written when a rule allows it already.
/// Returns the rules as they now are.
pub async fn allow_uploads_from(
    connection: &Connection,
    bucket: &BucketName,
    request: &BrowserRequest,
) -> Result<Vec<CorsRule>, BucketError> {
    let mut rules = get_cors(connection, bucket).await?;
    if first_allowing(&rules, request).is_some() {
        return Ok(rules);
    }
    let mut rule = CorsRule::for_uploads(request);
    // A second rule for another origin must not share the first one's id.
    let mut n = 1;
    while rules.iter().any(|r| r.id == rule.id) {
        n += 1;
        rule.id = Some(format!("pail-uploads-{n}"));
    }
    rules.push(rule);
    put_cors(connection, bucket, &rules).await?;
    Ok(rules)
}

/// Whether `origin` is what a browser sends as an Origin: `scheme://host[:port]`, or `null`.
pub fn check_origin(origin: &str) -> Result<String, String> {
    let origin = origin.trim().trim_end_matches('/');
    if origin == "null" {
        return Ok(origin.to_owned());
    }
    let url = url::Url::parse(origin).map_err(|e| format!("`{origin}` is not an origin: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(format!(
            "`{origin}` is not an origin: expected https://HOST or http://HOST:PORT"
        ));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(format!(
            "`{origin}` is not an origin: an origin has no path (give https://HOST only)"
        ));
    }
    Ok(url.origin().ascii_serialization())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(origin: &str, method: &str, headers: &[&str]) -> BrowserRequest {
        BrowserRequest {
            origin: origin.into(),
            method: method.into(),
            headers: headers.iter().map(|h| h.to_string()).collect(),
        }
    }

    #[test]
    fn a_rule_allows_as_s3_matches_origins_methods_and_headers() {
        let rule = CorsRule {
            allowed_origins: vec!["https://*.example.com".into()],
            allowed_methods: vec!["PUT".into(), "POST".into()],
            allowed_headers: vec!["content-*".into()],
            ..CorsRule::default()
        };
        assert!(rule.allows(&request("https://app.example.com", "POST", &[])));
        assert!(rule.allows(&request(
            "https://app.example.com",
            "PUT",
            &["Content-Type"]
        )));
        assert!(!rule.allows(&request("https://example.com.evil", "POST", &[])));
        assert!(!rule.allows(&request("http://app.example.com", "POST", &[])));
        assert!(!rule.allows(&request("https://app.example.com", "DELETE", &[])));
        assert!(!rule.allows(&request("https://app.example.com", "PUT", &["x-amz-acl"])));
        let exact = CorsRule {
            allowed_origins: vec!["https://a.example".into()],
            allowed_methods: vec!["POST".into()],
            ..CorsRule::default()
        };
        assert!(!exact.allows(&request("https://a.example.org", "POST", &[])));
        assert!(
            first_allowing(
                &[exact.clone(), rule.clone()],
                &request("https://x.example.com", "POST", &[])
            ) == Some(&rule)
        );
    }

    #[test]
    fn the_added_rule_allows_what_it_was_made_for() {
        let asked = request("https://intranet.example", "POST", &[]);
        assert!(CorsRule::for_uploads(&asked).allows(&asked));
        let put = request("null", "put", &["content-type"]);
        assert!(CorsRule::for_uploads(&put).allows(&put));
    }

    #[test]
    fn origins_are_scheme_host_and_port_only() {
        assert_eq!(
            check_origin("https://a.example/").unwrap(),
            "https://a.example"
        );
        assert_eq!(
            check_origin(" http://localhost:8080 ").unwrap(),
            "http://localhost:8080"
        );
        assert_eq!(check_origin("null").unwrap(), "null");
        assert!(check_origin("a.example").is_err());
        assert!(
            check_origin("https://a.example/upload.html")
                .unwrap_err()
                .contains("no path")
        );
        assert!(check_origin("ftp://a.example").is_err());
    }
}
