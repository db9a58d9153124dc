//! The sharing core: pre-signed GET and PUT links, pre-signed POST forms, expiry rules and the
//! text formats links and forms are handed out in — pure, the time passed in. The parts
//! that do I/O are [`link_test`], which fetches a byte through a finished link, and
//! [`public_check`], which does so without credentials.

pub mod bulk;
pub mod cloudfront;
mod disposition;
pub mod expiry;
pub mod form_output;
pub mod index_page;
pub mod link_doctor;
pub mod link_limit;
pub mod link_test;
pub mod link_text;
pub mod opens_as;
pub mod post;
pub mod public_check;
pub mod public_url;
pub mod qr;
pub mod shell;
mod signer;

pub use bulk::BulkSigner;
pub use disposition::{DispositionKind, content_disposition};
pub use expiry::{EffectiveExpiry, Expiry, ExpiryError, Lifetime, MAX_LINK_LIFETIME};
pub use link_limit::{LimitSource, LinkLimit};
pub use post::{Condition, ContentTypeRule, KeyRule, PostForm, PostRequest};
pub use signer::{GetOptions, LinkMethod, PresignedLink, PutOptions, Signer, SignerConfig};

/// Why a link or form could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShareError {
    #[error(transparent)]
    Expiry(#[from] ExpiryError),
    #[error("no S3 endpoint for bucket `{bucket}`: {reason}")]
    Endpoint { bucket: String, reason: String },
    #[error("invalid upload form: {0}")]
    InvalidPostForm(String),
    #[error("could not sign the request: {0}")]
    Presign(String),
    #[error(
        "{field} `{value}` has a control character (a line break?), which a header may not hold"
    )]
    HeaderValue { field: String, value: String },
}
