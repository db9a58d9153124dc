//! What the window asks about buckets themselves and what the worker answers: make one, count
//! what one holds, delete it (empty, or emptied first, with progress and Cancel), its
//! properties, its versioning, and its CORS rules for browser uploads.

use crate::model::BucketName;
use crate::profiles::Profile;
use crate::s3::bucket_settings::BucketProperties;
use crate::s3::buckets::{BucketContents, EmptyProgress, NewBucket, PublicAccess};
use crate::s3::cors::{BrowserRequest, CorsRule};
use crate::s3::transfer::TransferControl;

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
}

impl From<BucketEvent> for Event {
    fn from(event: BucketEvent) -> Self {
        Event::Buckets(event)
    }
}
