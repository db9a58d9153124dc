//! The requests and answers of public links and custom domains: links on a custom host
//! (public ones checked with an unsigned request, signed ones only where the server answers
//! that host), and each bucket's remembered domain.

use std::path::PathBuf;

use crate::model::{BucketName, ObjectKey, Scheme};
use crate::profiles::Profile;
use crate::share::Expiry;
use crate::share::public_check::PublicCheck;
use crate::share::public_url::DomainKind;

use super::{LinkItem, RequestId};

/// A bucket's custom domain: the base URL and what answers there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainSetting {
    pub base_url: String,
    pub kind: DomainKind,
}

/// Links for some of a bucket's objects, on the endpoint or on the bucket's custom domain.
#[derive(Debug, Clone)]
pub struct HostLinksRequest {
    pub id: RequestId,
    pub profile: Profile,
    pub bucket: BucketName,
    /// `None`: the endpoint's address; `Some`: this domain, remembered for the bucket when
    /// the links are made.
    pub domain: Option<DomainSetting>,
    /// Where custom domains are remembered; `None` (no config folder): nothing is.
    pub config_dir: Option<PathBuf>,
    pub links: HostLinks,
}

/// Which links.
#[derive(Debug, Clone)]
pub enum HostLinks {
    /// Unsigned links, each checked with an unsigned GET.
    Public {
        keys: Vec<ObjectKey>,
        scheme: Scheme,
    },
    /// Signed links on the domain, where the server itself answers it (answered as
    /// `LinksEvent::LinksReady`).
    Signed {
        items: Vec<LinkItem>,
        expiry: Expiry,
    },
}

/// One public link and what an unsigned GET of it answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedLink {
    pub key: ObjectKey,
    pub url: String,
    pub check: PublicCheck,
}
