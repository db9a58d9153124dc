//! The worker's answers about headers: an object's headers read for the Edit headers dialog,
//! and an edit's progress and report.

use crate::s3::header_batch::{EditProgress, EditReport};
use crate::s3::headers::ObjectHeaders;

use super::{Event, JobError, RequestId};

/// What the Edit headers dialog opens with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadersRead {
    /// The one object's headers, to edit in place; `None` for a selection of several.
    pub single: Option<Box<ObjectHeaders>>,
    /// The objects the edit would apply to (folders counted out).
    pub objects: usize,
    /// The bucket's versioning (`Enabled`, `Suspended`), when it has any.
    pub versioning: Option<String>,
}

/// Answers to [`super::Command::ReadHeaders`] and [`super::Command::EditHeaders`].
#[derive(Debug, Clone)]
pub enum HeadersEvent {
    Read {
        id: RequestId,
        result: Result<HeadersRead, JobError>,
    },
    Progress {
        id: RequestId,
        progress: EditProgress,
    },
    Finished {
        id: RequestId,
        result: Result<Box<EditReport>, JobError>,
    },
}

impl From<HeadersEvent> for Event {
    fn from(event: HeadersEvent) -> Self {
        Event::Headers(event)
    }
}
