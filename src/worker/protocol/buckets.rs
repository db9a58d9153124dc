//! What the window asks about buckets themselves and what the worker answers: make one, count
//! what one holds, delete it (empty, or emptied first, with progress and Cancel), its
//! properties, its versioning, its CORS rules for browser uploads, and its default headers for
//! uploads (kept in Pail's settings).

use crate::model::BucketName;
use crate::profiles::Profile;
use crate::s3::bucket_settings::BucketProperties;
use crate::s3::buckets::{BucketContents, EmptyProgress, NewBucket, PublicAccess};
use crate::s3::cors::{BrowserRequest, CorsRule};
use crate::s3::transfer::TransferControl;
use crate::storage::upload_headers::UploadRule;

use super::{Event, JobError, RequestId};

/// One bucket job, on `profile`'s connection.
#[derive(Debug, Clone)]
pub struct BucketRequest {
    pub id: RequestId,
    pub profile: Profile,
    pub job: BucketJob,
}

#[derive(Debug, Clone)]
pub enum BucketJob {
    Create(NewBucket),
    /// Every version, delete marker and unfinished upload, counted; `control` stops it (a
    /// listing may never end, and the dialog that asked may close).
    Count {
        bucket: BucketName,
        control: TransferControl,
    },
    /// DeleteBucket, only if it holds nothing.
    DeleteEmpty(BucketName),
    /// Every version, delete marker and unfinished upload removed, then the bucket;
    /// `control` cancels it between requests.
    EmptyAndDelete {
        bucket: BucketName,
        expected: Option<u64>,
        control: TransferControl,
    },
    Properties(BucketName),
    /// Versioning on (`true`) or suspended.
    SetVersioning {
        bucket: BucketName,
        on: bool,
    },
    /// The bucket's CORS rules.
    Cors(BucketName),
    /// A rule letting `request` through, added after the rules there.
    AllowCors {
        bucket: BucketName,
        request: BrowserRequest,
    },
    /// The bucket's default headers for uploads, from the rules file in `dir` (Pail's config
    /// folder), after `change` (none: as they are).
    UploadRules {
        bucket: BucketName,
        dir: std::path::PathBuf,
        change: Option<UploadRuleChange>,
    },
}

/// A change to a bucket's default headers for uploads.
#[derive(Debug, Clone)]
pub enum UploadRuleChange {
    /// Added, or put in place of the rule with the same pattern.
    Set(UploadRule),
    /// The rule with this pattern removed.
    Remove(String),
}

/// The answer to a [`BucketRequest`], with its id.
#[derive(Debug, Clone)]
pub struct BucketEvent {
    pub id: RequestId,
    pub answer: BucketAnswer,
}

#[derive(Debug, Clone)]
pub enum BucketAnswer {
    Created(Result<PublicAccess, JobError>),
    Counted(Result<BucketContents, JobError>),
    /// Deleted, with what was removed first (nothing for an empty one).
    Deleted(Result<BucketContents, JobError>),
    /// Where an "empty and delete" is; more follow until `Deleted`.
    Progress(EmptyProgress),
    Properties(Result<Box<BucketProperties>, JobError>),
    VersioningSet(Result<(), JobError>),
    Cors(Result<Vec<CorsRule>, JobError>),
    /// The bucket's default headers for uploads, in order, or why they could not be read or
    /// changed (a file that cannot be used is set aside, and says where).
    UploadRules(Result<Vec<UploadRule>, String>),
}

impl From<BucketEvent> for Event {
    fn from(event: BucketEvent) -> Self {
        Event::Buckets(event)
    }
}
