//! Public (unsigned) links: the plain URL of an object, addressed exactly as signed links are
//! (through [`Signer::bucket_url`], so endpoint, path style, buckets whose name cannot be a TLS
//! label and the scheme follow one rule), or on a custom domain the person names per bucket.
//!
//! A custom domain says what answers under its host, because that decides whether a signed
//! link can use it: a signature covers the host the server sees, and a front that rewrites the
//! host (a CDN, a provider's custom domain) makes every signed link answer
//! `SignatureDoesNotMatch`. Pure: no I/O; [`super::public_check`] asks the server.

use url::Url;

use super::bulk::encode;
use super::{ShareError, Signer, SignerConfig};
use crate::model::{BucketName, Endpoint, ObjectKey, Scheme};

/// What answers under a custom domain's host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DomainKind {
    /// A front that rewrites the host before the request reaches the server (a CDN, R2's,
    /// B2's or Wasabi's custom domains, a proxy): public links only. The safe default: it
    /// makes no signed link at all.
    #[default]
    Cdn,
    /// A bucket named after its host (`files.example.com`, a CNAME to S3): S3 finds the bucket
    /// from the `Host` header and checks signatures for that host. Public and signed links on
    /// it (over HTTP only on AWS: its certificate does not cover the host).
    BucketHost,
    /// The S3 server itself answers under this host and checks signatures for it (an alias of
    /// the endpoint, MinIO behind a proxy that keeps `Host`): signed links work on it too.
    ServerHost,
}

impl DomainKind {
    pub const ALL: [DomainKind; 3] = [
        DomainKind::Cdn,
        DomainKind::BucketHost,
        DomainKind::ServerHost,
    ];

    /// The name stored in the settings file and taken by `--host-kind`.
    pub fn id(self) -> &'static str {
        match self {
            DomainKind::Cdn => "cdn",
            DomainKind::BucketHost => "bucket-host",
            DomainKind::ServerHost => "server",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.id() == id)
    }

    /// How the dialog names the choice.
    pub fn label(self) -> &'static str {
        match self {
            DomainKind::Cdn => "A CDN or provider domain (public links only)",
            DomainKind::BucketHost => "A bucket named after this host (CNAME to S3)",
            DomainKind::ServerHost => "The S3 server answers this host itself",
        }
    }
}

/// Why a public link, or a link on a custom domain, cannot be made as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PublicLinkError {
    #[error("`{url}` is not a base URL: {reason}")]
    Malformed { url: String, reason: String },
    #[error(
        "the bucket is `{bucket}` but the host is `{host}`: S3 finds a bucket from the host only \
         when the bucket is named exactly after it"
    )]
    NotTheBucketsHost { bucket: String, host: String },
    #[error(
        "S3 serves a bucket named after its host over plain HTTP on port 80 only (its \
         certificate does not cover `{host}`): use http:// and no port, or CloudFront for HTTPS \
         on your own domain"
    )]
    BucketHostOverHttps { host: String },
    #[error(
        "a signed link cannot use `{host}`: the front there rewrites the host, and the \
         signature covers the host S3 sees, so the link would answer SignatureDoesNotMatch. \
         Use a public link on it, or CloudFront (signed links on your own domain)"
    )]
    SignedThroughFront { host: String },
    #[error(
        "`{host}` is an address, not a name: S3 finds a bucket only from a host name, so \
         no bucket can be reached at it"
    )]
    BucketHostIsAnAddress { host: String },
    #[error(
        "`{key}` has a `.` or `..` path segment, which browsers resolve away: a link would \
         open another object"
    )]
    DotSegment { key: String },
    /// The bucket's address on the endpoint could not be had.
    #[error(transparent)]
    Address(#[from] ShareError),
}

/// A base URL for a bucket's links instead of the endpoint's address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomDomain {
    base: Url,
    kind: DomainKind,
}

impl CustomDomain {
    /// Checks `input` for `bucket`: an http or https URL with a host, no query, fragment or
    /// user; a bucket-named host must be the bucket's name, on AWS over HTTP only.
    pub fn parse(
        input: &str,
        kind: DomainKind,
        bucket: &BucketName,
        endpoint: &Endpoint,
    ) -> Result<Self, PublicLinkError> {
        let input = input.trim();
        let malformed = |reason: &str| PublicLinkError::Malformed {
            url: crate::model::url_without_credentials(input).into_owned(),
            reason: reason.to_owned(),
        };
        // The parser drops tabs and line breaks, which can join `.` and `.` into `..`: what is
        // typed is what links get, or nothing.
        if input.chars().any(char::is_control) {
            return Err(malformed(
                "it holds a control character (a tab or a line break)",
            ));
        }
        let mut base = Url::parse(input).map_err(|e| match e {
            url::ParseError::RelativeUrlWithoutBase => {
                malformed("it needs http:// or https:// in front, as in https://cdn.example.com/")
            }
            e => malformed(&e.to_string()),
        })?;
        // The parser would resolve `a/../` away: what is typed is what links get, or nothing.
        let typed_path = input
            .split_once("://")
            .map_or("", |(_, rest)| rest)
            .split(['?', '#'])
            .next()
            .unwrap_or_default();
        // As the parser reads it: `\` is a `/`, and `%2e` in any case is a `.`.
        let dot_segment = |segment: &str| {
            let decoded = segment.to_ascii_lowercase().replace("%2e", ".");
            decoded == "." || decoded == ".."
        };
        if typed_path
            .replace('\\', "/")
            .split('/')
            .skip(1)
            .any(dot_segment)
        {
            return Err(malformed("the path may not hold `.` or `..` segments"));
        }
        if !matches!(base.scheme(), "http" | "https") {
            return Err(malformed("the scheme must be http or https"));
        }
        let host = base.host_str().unwrap_or_default().to_owned();
        if host.is_empty() {
            return Err(malformed("it has no host"));
        }
        if base.query().is_some() || base.fragment().is_some() {
            return Err(malformed("it must not have a query or fragment"));
        }
        if !base.username().is_empty() || base.password().is_some() {
            return Err(malformed("it must not carry a user name or password"));
        }
        if kind == DomainKind::BucketHost && base.path() != "/" {
            return Err(malformed(
                "a bucket named after its host is served at the host's root: no path",
            ));
        }
        if kind == DomainKind::ServerHost
            && let Err(e) = Endpoint::custom(input)
        {
            // The server is an endpoint there, under the same rule as any endpoint's path.
            return Err(malformed(&e.to_string()));
        }
        if kind == DomainKind::BucketHost {
            // Servers answer an IP address path-style: no bucket is found from it, whatever
            // its name.
            if !matches!(base.host(), Some(url::Host::Domain(_))) {
                return Err(PublicLinkError::BucketHostIsAnAddress { host });
            }
            if !host.eq_ignore_ascii_case(bucket.as_str()) {
                return Err(PublicLinkError::NotTheBucketsHost {
                    bucket: bucket.to_string(),
                    host,
                });
            }
            // AWS however its endpoint is spelled (named, China's, a trailing dot): S3 serves
            // a bucket's own host on port 80, over HTTP, only.
            let on_aws = crate::share::link_limit::is_aws_endpoint(endpoint.name().as_deref());
            if on_aws && (base.scheme() == "https" || base.port().is_some()) {
                return Err(PublicLinkError::BucketHostOverHttps { host });
            }
        }
        // Keys are appended after the base's path.
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        Ok(Self { base, kind })
    }

    pub fn kind(&self) -> DomainKind {
        self.kind
    }

    /// The base URL as the person should see it (and as it is stored).
    pub fn base(&self) -> &str {
        self.base.as_str()
    }

    pub fn host(&self) -> &str {
        self.base.host_str().unwrap_or_default()
    }

    /// The public URL of `key` on this domain: a front or a bucket-named host serves the
    /// bucket's keys at its root.
    pub fn public_url(&self, key: &ObjectKey) -> Result<String, PublicLinkError> {
        check_segments(key)?;
        Ok(format!("{}{}", self.base, encode(key.as_str(), true)))
    }

    /// The public URL of `key` in `bucket` on this domain. A server that answers the host
    /// itself is an endpoint there, so it finds the bucket as the endpoint does (in the path,
    /// or in the host): its links are addressed as signed links on it are.
    pub async fn public_url_in(
        &self,
        signer: &Signer,
        bucket: &BucketName,
        key: &ObjectKey,
    ) -> Result<String, PublicLinkError> {
        match self.kind {
            DomainKind::ServerHost => public_url(&self.signer(signer)?, bucket, key, None).await,
            DomainKind::Cdn | DomainKind::BucketHost => self.public_url(key),
        }
    }

    /// Why a signed link cannot use this host, if it cannot.
    pub fn signed_refusal(&self) -> Option<PublicLinkError> {
        let host = self.host().to_owned();
        match self.kind {
            DomainKind::Cdn => Some(PublicLinkError::SignedThroughFront { host }),
            DomainKind::BucketHost | DomainKind::ServerHost => None,
        }
    }

    /// A signer whose links go to this host, where the server itself answers and checks it;
    /// refused, with the reason, where a signed link on it could not work.
    pub fn signer(&self, signer: &Signer) -> Result<Signer, PublicLinkError> {
        match self.signed_refusal() {
            Some(refusal) => Err(refusal),
            // The bucket is found from the host, so the path is the key alone: no endpoint
            // gives that address, Pail's own signer does.
            None if self.kind == DomainKind::BucketHost => {
                Ok(signer.clone().on_bucket_host(self.base.as_str()))
            }
            None => {
                let endpoint = Endpoint::custom(self.base.as_str()).map_err(|e| {
                    PublicLinkError::Malformed {
                        url: self.base.to_string(),
                        reason: e.to_string(),
                    }
                })?;
                // The profile's longest link holds on its alias too, but never past AWS's
                // 7 days on an AWS host. Path-style: an alias is one host, and
                // `bucket.alias` needs a wildcard name nobody promised.
                let longest = if crate::share::link_limit::is_aws_endpoint(Some(self.base.as_str()))
                {
                    signer.longest_link().min(crate::share::MAX_LINK_LIFETIME)
                } else {
                    signer.longest_link()
                };
                Ok(Signer::new(SignerConfig {
                    endpoint,
                    path_style: true,
                    ..signer.config().clone()
                })
                .with_longest_link(longest))
            }
        }
    }
}

/// What a public link is recorded as expiring at, where a moment is needed (the history, the
/// link doctor): it does not expire, and 2106 is a moment every clock and older Pail can
/// still add to and show.
pub fn no_expiry() -> std::time::SystemTime {
    std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(u64::from(u32::MAX))
}

/// The unsigned URL of `key` in `bucket`, addressed as the signer's links are.
pub async fn public_url(
    signer: &Signer,
    bucket: &BucketName,
    key: &ObjectKey,
    scheme: Option<Scheme>,
) -> Result<String, PublicLinkError> {
    check_segments(key)?;
    let base = signer.bucket_url(bucket, scheme).await?;
    Ok(format!("{base}{}", encode(key.as_str(), true)))
}

/// Refuses keys a URL cannot carry intact: `a/../b` and `a/./b` (also written `%2E`) are
/// resolved by every browser, so the link would name another object.
fn check_segments(key: &ObjectKey) -> Result<(), PublicLinkError> {
    if key.has_dot_segment() {
        return Err(PublicLinkError::DotSegment {
            key: key.to_string(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_credential_types::Credentials;

    fn signer(endpoint: Endpoint, path_style: bool) -> Signer {
        Signer::new(SignerConfig {
            credentials: Credentials::new("AKID", "SECRET", None, None, "test"),
            region: "eu-west-1".into(),
            endpoint,
            path_style,
        })
    }

    fn bucket(name: &str) -> BucketName {
        BucketName::new(name).unwrap()
    }

    fn key(name: &str) -> ObjectKey {
        ObjectKey::new(name).unwrap()
    }

    #[tokio::test]
    async fn addresses_as_signed_links_do() {
        let aws = signer(Endpoint::Aws, false);
        assert_eq!(
            public_url(&aws, &bucket("photos"), &key("a b/ü+%?#.txt"), None)
                .await
                .unwrap(),
            "https://photos.s3.eu-west-1.amazonaws.com/a%20b/%C3%BC%2B%25%3F%23.txt"
        );
        // A dotted name cannot be a TLS label: path style, as for signed links.
        assert_eq!(
            public_url(&aws, &bucket("files.example.com"), &key("x"), None)
                .await
                .unwrap(),
            "https://s3.eu-west-1.amazonaws.com/files.example.com/x"
        );
        let custom = signer(Endpoint::custom("http://127.0.0.1:9000").unwrap(), true);
        assert_eq!(
            public_url(&custom, &bucket("pub"), &key("a"), Some(Scheme::Https))
                .await
                .unwrap(),
            "https://127.0.0.1:9000/pub/a"
        );
    }

    #[tokio::test]
    async fn the_same_key_text_as_a_signed_link() {
        let custom = signer(Endpoint::custom("http://127.0.0.1:9000").unwrap(), true);
        let name = "dir/ä b+c%20~*'()!$&,;=:@[].txt";
        let signed = custom
            .presign_get(
                &bucket("pub"),
                &key(name),
                &Default::default(),
                crate::share::Expiry::In(std::time::Duration::from_secs(60)),
                std::time::SystemTime::now(),
            )
            .await
            .unwrap();
        let public = public_url(&custom, &bucket("pub"), &key(name), None)
            .await
            .unwrap();
        assert_eq!(signed.url.split('?').next().unwrap(), public);
    }

    #[tokio::test]
    async fn dot_segments_are_refused() {
        let aws = signer(Endpoint::Aws, false);
        for name in ["../secret", "a/./b", "a/..", "."] {
            assert!(
                public_url(&aws, &bucket("photos"), &key(name), None)
                    .await
                    .is_err(),
                "{name}"
            );
        }
        assert!(
            public_url(&aws, &bucket("photos"), &key("a..b/.c/..."), None)
                .await
                .is_ok()
        );
    }

    #[test]
    fn a_cdn_domain_gives_public_links_and_refuses_signed_ones() {
        let domain = CustomDomain::parse(
            "https://cdn.example.com/assets",
            DomainKind::Cdn,
            &bucket("photos"),
            &Endpoint::Aws,
        )
        .unwrap();
        assert_eq!(
            domain.public_url(&key("a b.jpg")).unwrap(),
            "https://cdn.example.com/assets/a%20b.jpg"
        );
        let error = domain.signer(&signer(Endpoint::Aws, false)).unwrap_err();
        assert!(
            error.to_string().contains("SignatureDoesNotMatch"),
            "{error}"
        );
        assert!(error.to_string().contains("CloudFront"), "{error}");
    }

    #[test]
    fn a_bucket_host_must_be_the_buckets_name_and_http_on_aws() {
        let b = bucket("files.example.com");
        let ok = CustomDomain::parse(
            "http://files.example.com",
            DomainKind::BucketHost,
            &b,
            &Endpoint::Aws,
        )
        .unwrap();
        assert_eq!(
            ok.public_url(&key("r.pdf")).unwrap(),
            "http://files.example.com/r.pdf"
        );
        assert!(matches!(
            CustomDomain::parse(
                "https://files.example.com",
                DomainKind::BucketHost,
                &b,
                &Endpoint::Aws
            ),
            Err(PublicLinkError::BucketHostOverHttps { .. })
        ));
        assert!(matches!(
            CustomDomain::parse(
                "http://other.example.com",
                DomainKind::BucketHost,
                &b,
                &Endpoint::Aws
            ),
            Err(PublicLinkError::NotTheBucketsHost { .. })
        ));
        assert!(matches!(
            CustomDomain::parse(
                "http://127.0.0.2/",
                DomainKind::BucketHost,
                &bucket("127.0.0.2"),
                &Endpoint::Aws
            ),
            Err(PublicLinkError::BucketHostIsAnAddress { .. })
        ));
        let custom = Endpoint::custom("https://minio.example.com").unwrap();
        assert!(
            CustomDomain::parse(
                "https://files.example.com",
                DomainKind::BucketHost,
                &b,
                &custom
            )
            .is_ok()
        );
    }

    #[tokio::test]
    async fn a_bucket_host_signs_for_its_host_with_the_key_as_the_path() {
        let b = bucket("files.example.com");
        let domain = CustomDomain::parse(
            "http://files.example.com",
            DomainKind::BucketHost,
            &b,
            &Endpoint::Aws,
        )
        .unwrap();
        assert_eq!(domain.signed_refusal(), None);
        let on_host = domain.signer(&signer(Endpoint::Aws, false)).unwrap();
        let expiry = crate::share::Expiry::In(std::time::Duration::from_secs(60));
        let now = std::time::SystemTime::now();
        // An https scheme asked for elsewhere in the dialog does not move the link off the
        // base URL's: S3 answers this host over HTTP only.
        let get = crate::share::GetOptions {
            scheme: Some(Scheme::Https),
            version_id: Some("v1".into()),
            ..Default::default()
        };
        let link = on_host
            .presign_get(&b, &key("a b/r.pdf"), &get, expiry, now)
            .await
            .unwrap();
        assert!(
            link.url
                .starts_with("http://files.example.com/a%20b/r.pdf?x-id=GetObject&versionId=v1&"),
            "{}",
            link.url
        );
        let put = crate::share::PutOptions {
            content_type: Some("text/plain".into()),
            no_overwrite: true,
            scheme: None,
        };
        let link = on_host
            .presign_put(&b, &key("up.txt"), &put, expiry, now)
            .await
            .unwrap();
        assert!(
            link.url
                .starts_with("http://files.example.com/up.txt?x-id=PutObject&"),
            "{}",
            link.url
        );
        assert!(link.url.contains("content-type%3Bhost%3Bif-none-match"));
        // A port is part of the host the signature covers.
        let with_port = CustomDomain::parse(
            "http://files.example.com:8080/",
            DomainKind::BucketHost,
            &b,
            &Endpoint::custom("http://127.0.0.1:9000").unwrap(),
        )
        .unwrap()
        .signer(&signer(Endpoint::Aws, false))
        .unwrap();
        assert_eq!(
            with_port.bucket_host(),
            Some("http://files.example.com:8080")
        );
    }

    #[test]
    fn aws_however_spelled_keeps_its_own_rules_on_a_custom_domain() {
        let month = std::time::Duration::from_secs(30 * 86_400);
        for endpoint in [
            "https://s3.us-east-1.amazonaws.com",
            "https://S3.AMAZONAWS.COM.",
            "https://s3.cn-north-1.amazonaws.com.cn",
        ] {
            let endpoint = Endpoint::custom(endpoint).unwrap();
            for base in ["https://files.example.com", "http://files.example.com:8080"] {
                let refused = CustomDomain::parse(
                    base,
                    DomainKind::BucketHost,
                    &bucket("files.example.com"),
                    &endpoint,
                );
                assert!(
                    matches!(refused, Err(PublicLinkError::BucketHostOverHttps { .. })),
                    "{base} on {endpoint:?}: {refused:?}"
                );
            }
        }
        // An alias that is AWS's own host signs for 7 days at most, whatever the profile says.
        let aws_alias = CustomDomain::parse(
            "https://s3.amazonaws.com",
            DomainKind::ServerHost,
            &bucket("pub"),
            &Endpoint::Aws,
        )
        .unwrap();
        let lab =
            signer(Endpoint::custom("https://lab.example").unwrap(), true).with_longest_link(month);
        assert_eq!(
            aws_alias.signer(&lab).unwrap().longest_link(),
            crate::share::MAX_LINK_LIFETIME
        );
    }

    #[test]
    fn a_server_host_signs_for_its_own_host() {
        let domain = CustomDomain::parse(
            "http://127.0.0.2:9000",
            DomainKind::ServerHost,
            &bucket("pub"),
            &Endpoint::Aws,
        )
        .unwrap();
        let month = std::time::Duration::from_secs(30 * 86_400);
        let on_host = domain
            .signer(&signer(Endpoint::Aws, true).with_longest_link(month))
            .unwrap();
        assert_eq!(
            on_host.config().endpoint,
            Endpoint::custom("http://127.0.0.2:9000/").unwrap()
        );
        assert_eq!(
            on_host.longest_link(),
            month,
            "the profile's limit holds there"
        );
        // Under a path, as an endpoint may be; a path no endpoint may have is refused.
        let under = CustomDomain::parse(
            "http://h.example/storage/s3",
            DomainKind::ServerHost,
            &bucket("pub"),
            &Endpoint::Aws,
        )
        .unwrap();
        assert!(
            CustomDomain::parse(
                "http://h.example/a/../s3",
                DomainKind::ServerHost,
                &bucket("pub"),
                &Endpoint::Aws
            )
            .is_err()
        );
        // A public link there is addressed as the endpoint addresses the bucket, as signed
        // links on it are: the bucket is in the path.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let on_root = runtime
            .block_on(domain.public_url_in(
                &signer(Endpoint::Aws, true),
                &bucket("pub"),
                &key("a b"),
            ))
            .unwrap();
        assert_eq!(on_root, "http://127.0.0.2:9000/pub/a%20b");
        // On a named alias too, whatever addressing the profile's own endpoint uses.
        let named = CustomDomain::parse(
            "http://files.example.com:9000",
            DomainKind::ServerHost,
            &bucket("pub"),
            &Endpoint::Aws,
        )
        .unwrap();
        let on_name = runtime
            .block_on(named.public_url_in(&signer(Endpoint::Aws, false), &bucket("pub"), &key("a")))
            .unwrap();
        assert_eq!(on_name, "http://files.example.com:9000/pub/a");
        let on_path = runtime
            .block_on(under.public_url_in(&signer(Endpoint::Aws, true), &bucket("pub"), &key("a")))
            .unwrap();
        assert_eq!(on_path, "http://h.example/storage/s3/pub/a");
    }

    #[test]
    fn malformed_bases_are_refused() {
        let bare = CustomDomain::parse(
            "cdn.example.com",
            DomainKind::Cdn,
            &bucket("pub"),
            &Endpoint::Aws,
        )
        .unwrap_err();
        assert!(
            bare.to_string().contains("needs http:// or https://"),
            "{bare}"
        );
        for input in [
            "ftp://x",
            "not a url",
            "https://u:p@x.example",
            "https://x.example/?a=1",
            "https://x.example/#f",
            "http://127.0.0.2:5127/a/../",
            "https://x.example/./b/",
            "https://x.example/b/%2e%2e/",
            "http://cdn.example/a/.%2e/b",
            "http://cdn.example/a/%2E%2e/b",
            "http://cdn.example/a\\..\\b",
            "http://cdn.example/a/..\\b",
            "http://cdn.example.com/a/.\t./",
            "http://cdn.example.com/a/.\n./b/",
        ] {
            assert!(
                CustomDomain::parse(input, DomainKind::Cdn, &bucket("pub"), &Endpoint::Aws)
                    .is_err(),
                "{input}"
            );
        }
    }
}
