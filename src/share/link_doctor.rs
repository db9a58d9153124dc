//! The link doctor: what a shared link's answer to a 1-byte request means, in words. Expired,
//! the session that signed it ended, the object deleted or changed since it was shared, the
//! keys rotated, CloudFront refusing the key — each said as a person would want to hear it.
//! Pure: the answer, what was recorded at sharing time, and the time are given.

use std::fmt;
use std::time::SystemTime;

use super::link_test::{LinkAnswer, LinkTestError};
use super::link_text::expiry_text;

/// What was known of a link when it was shared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedAs {
    /// When it stops working.
    pub expires: SystemTime,
    /// The object's ETag then, if it was read.
    pub etag: Option<String>,
}

/// Why a link works or does not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Diagnosis {
    Working,
    /// Past its expiry.
    Expired {
        at: SystemTime,
    },
    /// The temporary credentials that signed it have ended (`ExpiredToken`).
    SessionEnded,
    /// The object is gone (404).
    Deleted,
    /// A link to one version, and that version was deleted (the object may have others).
    VersionDeleted,
    /// The object was replaced since it was shared: the link gives the new content.
    Changed,
    /// The keys that signed it were deleted or rotated.
    KeysRotated {
        code: String,
    },
    /// S3 refuses it for another reason (a bucket policy, a lost permission).
    Denied {
        detail: String,
    },
    /// CloudFront refuses it (the key is not trusted, the policy does not match).
    CloudFrontDenied {
        detail: String,
    },
    /// No answer.
    Unreachable {
        reason: String,
    },
    Other {
        detail: String,
    },
    /// It works, but the object will download instead of opening (its Content-Type).
    WillDownload(crate::share::opens_as::WillDownload),
}

impl Diagnosis {
    /// True when the link gives what it gave when shared.
    pub fn is_working(&self) -> bool {
        matches!(self, Diagnosis::Working | Diagnosis::WillDownload(_))
    }
}

impl fmt::Display for Diagnosis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Diagnosis::Working => f.write_str("Working"),
            Diagnosis::Expired { at } => write!(f, "Expired {}", expiry_text(*at)),
            Diagnosis::SessionEnded => f.write_str(
                "Stopped early: the temporary session that signed it has ended (ExpiredToken); Renew signs a new one",
            ),
            Diagnosis::Deleted => f.write_str("The object was deleted (404)"),
            Diagnosis::VersionDeleted => f.write_str(
                "That version was deleted: the link served one version of the object, which is gone (other versions may remain; share one of them anew)",
            ),
            Diagnosis::Changed => f.write_str(
                "The object changed since it was shared: the link now gives the new content",
            ),
            Diagnosis::KeysRotated { code } => write!(
                f,
                "The keys that signed it were rotated or deleted ({code}); Renew signs with the current ones"
            ),
            Diagnosis::Denied { detail } => write!(f, "Refused by S3: {detail}"),
            Diagnosis::CloudFrontDenied { detail } => write!(
                f,
                "Refused by CloudFront: {detail} (is the key in a trusted key group of the distribution?)"
            ),
            Diagnosis::Unreachable { reason } => write!(f, "No answer: {reason}"),
            Diagnosis::Other { detail } => write!(f, "Does not work: {detail}"),
            Diagnosis::WillDownload(found) => write!(
                f,
                "Works, but {found}: Edit headers… fixes the stored type, or a new link can override it"
            ),
        }
    }
}

/// The object's name in a link: its path's last segment, decoded.
fn key_of(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let last = path.rsplit('/').next().unwrap_or_default();
    percent_encoding::percent_decode_str(last)
        .decode_utf8_lossy()
        .into_owned()
}

/// The meaning of `answer` for a link shared as `shared`, checked at `now`.
pub fn diagnose(
    url: &str,
    shared: &SharedAs,
    answer: &Result<LinkAnswer, LinkTestError>,
    now: SystemTime,
) -> Diagnosis {
    let cloudfront = url.contains("Key-Pair-Id=");
    // A link to one version: a 404 is that version gone, and it cannot change.
    let one_version = url
        .split_once('?')
        .is_some_and(|(_, query)| query.split('&').any(|p| p.starts_with("versionId=")));
    match answer {
        Ok(answer) if crate::share::link_test::is_a_page_not_the_object(url, answer) => {
            Diagnosis::Other {
                detail: "the host answers an HTML page where the object belongs (a sign-in or \
                         landing page)"
                    .to_owned(),
            }
        }
        Ok(answer) => match (&shared.etag, &answer.etag) {
            (Some(then), Some(now_etag)) if then != now_etag && !one_version => Diagnosis::Changed,
            _ => match crate::share::opens_as::will_download(
                &key_of(url),
                answer.content_type.as_deref(),
                answer.content_disposition.as_deref(),
            ) {
                Some(found) => Diagnosis::WillDownload(found),
                None => Diagnosis::Working,
            },
        },
        Err(LinkTestError::Refused {
            status,
            detail,
            code,
        }) => {
            let code = code.as_deref().unwrap_or_default();
            match (*status, code) {
                _ if now >= shared.expires => Diagnosis::Expired { at: shared.expires },
                (_, "ExpiredToken" | "TokenRefreshRequired") => Diagnosis::SessionEnded,
                (_, "InvalidAccessKeyId" | "SignatureDoesNotMatch" | "InvalidToken") => {
                    Diagnosis::KeysRotated {
                        code: code.to_owned(),
                    }
                }
                // A bucket gone is no version gone: said as a plain link's 404 is.
                (404, _) | (_, "NoSuchVersion") if one_version && code != "NoSuchBucket" => {
                    Diagnosis::VersionDeleted
                }
                (404, _) | (_, "NoSuchKey") => Diagnosis::Deleted,
                (403, "AccessDenied") if detail.contains("expired") => {
                    Diagnosis::Expired { at: shared.expires }
                }
                (403, _) if cloudfront => Diagnosis::CloudFrontDenied {
                    detail: detail.clone(),
                },
                // An unsigned (public) link refused: the object is private again.
                (403, _) if !url.contains("X-Amz-Signature=") => Diagnosis::Denied {
                    detail: format!("the object is not public any more ({detail})"),
                },
                (403, _) => Diagnosis::Denied {
                    detail: detail.clone(),
                },
                _ => Diagnosis::Other {
                    detail: detail.clone(),
                },
            }
        }
        Err(LinkTestError::Unreachable(reason) | LinkTestError::Client(reason)) => {
            if now >= shared.expires {
                Diagnosis::Expired { at: shared.expires }
            } else {
                Diagnosis::Unreachable {
                    reason: reason.clone(),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn shared(etag: Option<&str>) -> SharedAs {
        SharedAs {
            expires: SystemTime::UNIX_EPOCH + Duration::from_secs(2_000_000_000),
            etag: etag.map(str::to_owned),
        }
    }

    #[test]
    fn a_public_link_refused_is_an_object_no_longer_public() {
        let diagnosis = diagnose(
            "https://b.s3.amazonaws.com/k.pdf",
            &shared(None),
            &refused(403, "AccessDenied"),
            now(),
        );
        assert_eq!(
            diagnosis.to_string(),
            "Refused by S3: the object is not public any more (AccessDenied: because)"
        );
    }

    #[test]
    fn a_sign_in_page_where_the_object_belongs_does_not_work() {
        let page = |status| {
            Ok(LinkAnswer {
                status,
                etag: None,
                content_type: Some("text/html; charset=utf-8".to_owned()),
                content_disposition: None,
            })
        };
        let on = |url: &str, status| diagnose(url, &shared(None), &page(status), now());
        assert!(
            matches!(on("http://cdn.example/k.txt", 200), Diagnosis::Other { .. }),
            "a whole page for a byte of a .txt"
        );
        // The object answering its first byte (206), or a page that is the object: working.
        assert_eq!(on("http://cdn.example/k.txt", 206), Diagnosis::Working);
        assert_eq!(
            on("http://cdn.example/site/index.html?x=1", 200),
            Diagnosis::Working
        );
    }

    fn refused(status: u16, code: &str) -> Result<LinkAnswer, LinkTestError> {
        Err(LinkTestError::Refused {
            status,
            detail: format!("{code}: because"),
            code: Some(code.to_owned()),
        })
    }

    fn now() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_900_000_000)
    }

    #[test]
    fn a_version_link_whose_version_is_gone_says_so_and_never_changes() {
        let one = "https://b.s3.amazonaws.com/k?x-id=GetObject&versionId=v1&X-Amz-Signature=x";
        for answer in [refused(404, "NoSuchVersion"), refused(404, "NoSuchKey")] {
            let said = diagnose(one, &shared(None), &answer, now());
            assert_eq!(said, Diagnosis::VersionDeleted);
            assert!(
                said.to_string().starts_with("That version was deleted"),
                "{said}"
            );
        }
        let bucket_gone = diagnose(one, &shared(None), &refused(404, "NoSuchBucket"), now());
        assert_eq!(bucket_gone, Diagnosis::Deleted);
        let plain = "https://b.s3.amazonaws.com/k?x-id=GetObject&X-Amz-Signature=x";
        let said = diagnose(plain, &shared(None), &refused(404, "NoSuchKey"), now());
        assert_eq!(said, Diagnosis::Deleted);
        // A key named like the parameter is in the path, not the query.
        let named = "https://b.s3.amazonaws.com/versionId=v1?X-Amz-Signature=x";
        let said = diagnose(named, &shared(None), &refused(404, "NoSuchKey"), now());
        assert_eq!(said, Diagnosis::Deleted);
    }

    #[test]
    fn each_refusal_is_said_in_words() {
        let s3 = "https://b.s3.amazonaws.com/k?X-Amz-Signature=x";
        let cases = [
            (refused(400, "ExpiredToken"), Diagnosis::SessionEnded),
            (refused(404, "NoSuchKey"), Diagnosis::Deleted),
            (
                refused(403, "InvalidAccessKeyId"),
                Diagnosis::KeysRotated {
                    code: "InvalidAccessKeyId".into(),
                },
            ),
            (
                refused(403, "SignatureDoesNotMatch"),
                Diagnosis::KeysRotated {
                    code: "SignatureDoesNotMatch".into(),
                },
            ),
        ];
        for (answer, expected) in cases {
            assert_eq!(diagnose(s3, &shared(None), &answer, now()), expected);
        }
        let denied = diagnose(s3, &shared(None), &refused(403, "AccessDenied"), now());
        assert!(matches!(denied, Diagnosis::Denied { .. }), "{denied}");
        let cloudfront = "https://d1.cloudfront.net/k?Expires=1&Signature=x&Key-Pair-Id=K1";
        let denied = diagnose(
            cloudfront,
            &shared(None),
            &refused(403, "AccessDenied"),
            now(),
        );
        assert!(denied.to_string().contains("trusted key group"), "{denied}");
    }

    #[test]
    fn past_its_expiry_a_link_is_expired_whatever_the_server_says() {
        let late = SystemTime::UNIX_EPOCH + Duration::from_secs(2_100_000_000);
        let s3 = "https://b.s3.amazonaws.com/k";
        let said = diagnose(s3, &shared(None), &refused(403, "AccessDenied"), late);
        assert!(matches!(said, Diagnosis::Expired { .. }));
        assert!(said.to_string().starts_with("Expired"));
    }

    #[test]
    fn a_new_etag_means_the_object_changed() {
        let ok = |etag: &str| {
            Ok(LinkAnswer {
                status: 206,
                etag: Some(etag.to_owned()),
                content_type: None,
                content_disposition: None,
            })
        };
        let s3 = "https://b.s3.amazonaws.com/k";
        assert_eq!(
            diagnose(s3, &shared(Some("a1")), &ok("a1"), now()),
            Diagnosis::Working
        );
        assert_eq!(
            diagnose(s3, &shared(Some("a1")), &ok("b2"), now()),
            Diagnosis::Changed
        );
        assert_eq!(
            diagnose(s3, &shared(None), &ok("b2"), now()),
            Diagnosis::Working
        );
    }

    #[test]
    fn a_working_link_to_a_pdf_served_as_octet_stream_will_download() {
        let served = |content_type: &str| {
            Ok(LinkAnswer {
                status: 206,
                etag: None,
                content_type: Some(content_type.to_owned()),
                content_disposition: None,
            })
        };
        let s3 = "https://b.s3.amazonaws.com/q3/Report%20%C3%BC.pdf?X-Amz-Signature=x";
        let said = diagnose(
            s3,
            &shared(None),
            &served("application/octet-stream"),
            now(),
        );
        assert!(matches!(said, Diagnosis::WillDownload(_)), "{said:?}");
        assert!(said.is_working());
        assert!(said.to_string().contains("Edit headers"), "{said}");
        let pdf = diagnose(s3, &shared(None), &served("application/pdf"), now());
        assert_eq!(pdf, Diagnosis::Working);
    }
}
