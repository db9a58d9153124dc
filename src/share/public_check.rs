//! Whether a public link really opens: one unsigned GET of the first byte, as a recipient's
//! browser would send it, on the link's own host. The answer is said as it came: 200 is
//! public, 403 is a private object, anything else (a missing key, a redirect, an HTML page, a
//! server that never finishes) is named, never taken for either.

use std::time::Duration;

use super::link_test::{LinkAnswer, LinkTestError, is_a_page_not_the_object, test_get_link};

/// What S3 says to someone without credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicCheck {
    /// The object opens for anyone.
    Public(LinkAnswer),
    /// 403: the object (or its bucket) is private.
    NotPublic { detail: String },
    /// Neither: said as it is.
    Other(String),
}

/// How long the check waits for the whole answer before saying so.
pub const CHECK_TIME: Duration = Duration::from_secs(20);

impl PublicCheck {
    pub fn is_public(&self) -> bool {
        matches!(self, PublicCheck::Public(_))
    }

    /// The sentence the dialog and the CLI show.
    pub fn text(&self) -> String {
        match self {
            PublicCheck::Public(_) => "anyone with this link can open it, for as long as the \
                                       object is public"
                .to_owned(),
            PublicCheck::NotPublic { detail } => {
                format!("this object is not public: the link would answer 403 ({detail})")
            }
            PublicCheck::Other(text) => text.clone(),
        }
    }
}

/// Asks `url` for its first byte without credentials, for no longer than `limit`.
pub async fn check_public(url: &str, limit: Duration) -> PublicCheck {
    match tokio::time::timeout(limit, test_get_link(url)).await {
        Err(_) => PublicCheck::Other(format!(
            "the host did not answer within {} s: the link could not be checked",
            limit.as_secs()
        )),
        Ok(Ok(answer)) if is_a_page_not_the_object(url, &answer) => PublicCheck::Other(
            "the host answers an HTML page where the object belongs (a whole page, HTTP 200, \
             to a request for its first byte): a sign-in or landing page, not the object"
                .to_owned(),
        ),
        Ok(Ok(answer)) => PublicCheck::Public(answer),
        Ok(Err(LinkTestError::Refused {
            status: 403,
            detail,
            ..
        })) => PublicCheck::NotPublic { detail },
        Ok(Err(LinkTestError::Refused { status, detail, .. })) if (300..400).contains(&status) => {
            PublicCheck::Other(format!(
                "the link answers {status} {detail}: a redirect, not the object (a browser \
                 would follow it elsewhere)"
            ))
        }
        Ok(Err(LinkTestError::Refused { status, detail, .. })) => {
            PublicCheck::Other(format!("the link answers {status} {detail}"))
        }
        Ok(Err(error)) => PublicCheck::Other(format!("the link could not be checked: {error}")),
    }
}
