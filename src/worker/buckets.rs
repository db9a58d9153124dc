//! Bucket jobs: each [`BucketJob`] on the profile's connection, answered with a
//! [`BucketEvent`]; "empty and delete" also sends its progress as it goes.

use super::Jobs;
use super::protocol::{BucketAnswer, BucketEvent, BucketJob, BucketRequest, JobError};
use crate::s3::bucket_settings::{bucket_properties, set_versioning};
use crate::s3::buckets::{
    BucketContents, count_contents, create_bucket, delete_empty_bucket, empty_and_delete,
};
use crate::s3::connection::Connection;
use crate::s3::cors::{allow_uploads_from, get_cors};

pub(super) fn run(jobs: &mut Jobs, request: BucketRequest) {
    let BucketRequest { id, profile, job } = request;
    let sink = jobs.sink().clone();
    let event = move |answer| BucketEvent { id, answer };
    match job {
        BucketJob::Create(new) => jobs.answer(
            None,
            profile,
            |connection: Connection| async move {
                Ok::<_, JobError>(create_bucket(&connection, &new).await?)
            },
            move |result| event(BucketAnswer::Created(result)),
        ),
        BucketJob::Count { bucket, control } => jobs.answer(
            None,
            profile,
            |connection: Connection| async move {
                Ok::<_, JobError>(count_contents(&connection, &bucket, &control).await?)
            },
            move |result| event(BucketAnswer::Counted(result)),
        ),
        BucketJob::DeleteEmpty(bucket) => jobs.answer(
            None,
            profile,
            |connection: Connection| async move {
                delete_empty_bucket(&connection, &bucket).await?;
                Ok::<_, JobError>(BucketContents::default())
            },
            move |result| event(BucketAnswer::Deleted(result)),
        ),
        BucketJob::EmptyAndDelete {
            bucket,
            expected,
            control,
        } => jobs.answer(
            None,
            profile,
            move |connection: Connection| async move {
                let mut progress = |p| {
                    sink.send(BucketEvent {
                        id,
                        answer: BucketAnswer::Progress(p),
                    });
                };
                Ok::<_, JobError>(
                    empty_and_delete(&connection, &bucket, &control, expected, &mut progress)
                        .await?,
                )
            },
            move |result| event(BucketAnswer::Deleted(result)),
        ),
        BucketJob::Properties(bucket) => jobs.answer(
            None,
            profile,
            |connection: Connection| async move {
                Ok::<_, JobError>(Box::new(bucket_properties(&connection, &bucket).await?))
            },
            move |result| event(BucketAnswer::Properties(result)),
        ),
        BucketJob::SetVersioning { bucket, on } => jobs.answer(
            None,
            profile,
            move |connection: Connection| async move {
                Ok::<_, JobError>(set_versioning(&connection, &bucket, on).await?)
            },
            move |result| event(BucketAnswer::VersioningSet(result)),
        ),
        BucketJob::Cors(bucket) => jobs.answer(
            None,
            profile,
            |connection: Connection| async move {
                Ok::<_, JobError>(get_cors(&connection, &bucket).await?)
            },
            move |result| event(BucketAnswer::Cors(result)),
        ),
        BucketJob::AllowCors { bucket, request } => jobs.answer(
            None,
            profile,
            |connection: Connection| async move {
                Ok::<_, JobError>(allow_uploads_from(&connection, &bucket, &request).await?)
            },
            move |result| event(BucketAnswer::Cors(result)),
        ),
    }
}
