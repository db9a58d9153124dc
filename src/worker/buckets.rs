//! Bucket jobs: each [`BucketJob`] on the profile's connection, answered with a
//! [`BucketEvent`]; "empty and delete" also sends its progress as it goes. A bucket's
//! default headers for uploads are Pail's own file, read and changed on the blocking pool.

use super::Jobs;
use super::protocol::{
    BucketAnswer, BucketEvent, BucketJob, BucketRequest, JobError, UploadRuleChange,
};
use crate::model::BucketName;
use crate::s3::bucket_settings::{bucket_properties, set_versioning};
use crate::s3::buckets::{
    BucketContents, count_contents, create_bucket, delete_empty_bucket, empty_and_delete,
};
use crate::s3::connection::Connection;
use crate::s3::cors::{allow_uploads_from, get_cors};
use crate::storage::upload_headers::{UploadHeaderRules, UploadRule};

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
        BucketJob::UploadRules {
            bucket,
            dir,
            change,
        } => {
            let sink = jobs.sink().clone();
            tokio::task::spawn_blocking(move || {
                let result = upload_rules(&dir, &bucket, change);
                sink.send(event(BucketAnswer::UploadRules(result)));
            });
        }
    }
}

/// `bucket`'s default headers for uploads after `change`, the file locked while it is read,
/// changed and saved (a `pail upload-headers set` at the same moment is not lost).
fn upload_rules(
    dir: &std::path::Path,
    bucket: &BucketName,
    change: Option<UploadRuleChange>,
) -> Result<Vec<UploadRule>, String> {
    let _held = crate::storage::upload_headers::lock(dir).map_err(|e| e.to_string())?;
    let mut rules = UploadHeaderRules::load(dir).map_err(|e| e.to_string())?;
    let changed = match change {
        None => false,
        Some(UploadRuleChange::Set(rule)) => {
            let rule = crate::s3::header_edit::checked_rule(rule).map_err(|e| e.to_string())?;
            rules
                .set(bucket.as_str(), rule)
                .map_err(|e| e.to_string())?;
            true
        }
        Some(UploadRuleChange::Remove(pattern)) => rules.remove(bucket.as_str(), &pattern),
    };
    if changed {
        rules.save().map_err(|e| e.to_string())?;
    }
    Ok(rules.rules_for(bucket.as_str()))
}
