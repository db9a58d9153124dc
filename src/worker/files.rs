//! File operations on the server: delete (objects and whole folders), new folder, rename and
//! properties.

use super::{FilesEvent, HistoryEvent, JobError, Jobs, RenameRequest, RequestId};
use crate::model::{BucketName, ObjectKey};
use crate::profiles::Profile;
use crate::s3::connection::Connection;
use crate::s3::objects;

/// Deletes `keys`, then everything under each of `prefixes`, in one report.
pub(super) fn delete(
    jobs: &mut Jobs,
    id: RequestId,
    profile: Profile,
    bucket: BucketName,
    keys: Vec<String>,
    prefixes: Vec<String>,
) {
    jobs.answer(
        None,
        profile,
        |connection: Connection| async move {
            let mut report = objects::delete_keys(&connection, &bucket, &keys).await?;
            for prefix in &prefixes {
                let more = objects::delete_prefix(&connection, &bucket, prefix).await?;
                report.deleted += more.deleted;
                report.failures.extend(more.failures);
            }
            Ok::<_, JobError>(report)
        },
        move |result| FilesEvent::Deleted { id, result },
    );
}

pub(super) fn create_folder(
    jobs: &mut Jobs,
    id: RequestId,
    profile: Profile,
    bucket: BucketName,
    prefix: String,
    name: String,
) {
    jobs.answer(
        None,
        profile,
        |connection: Connection| async move {
            Ok::<_, JobError>(objects::create_folder(&connection, &bucket, &prefix, &name).await?)
        },
        move |result| FilesEvent::FolderCreated { id, result },
    );
}

pub(super) fn rename(jobs: &mut Jobs, request: RenameRequest) {
    let RenameRequest {
        id,
        profile,
        bucket,
        from,
        to,
        overwrite,
    } = request;
    let (answer_from, answer_to) = (from.clone(), to.clone());
    jobs.answer(
        None,
        profile,
        move |connection: Connection| async move {
            objects::rename_object(&connection, &bucket, &from, &to, overwrite)
                .await
                .map_err(JobError::from)
        },
        move |result| FilesEvent::Renamed {
            id,
            from: answer_from,
            to: answer_to,
            result,
        },
    );
}

pub(super) fn properties(
    jobs: &mut Jobs,
    id: RequestId,
    profile: Profile,
    bucket: BucketName,
    key: ObjectKey,
) {
    jobs.answer(
        None,
        profile,
        |connection: Connection| async move {
            objects::object_properties(&connection, &bucket, &key)
                .await
                .map_err(JobError::from)
        },
        move |result| FilesEvent::PropertiesReady { id, result },
    );
}

/// Revoke: deletes a shared folder's page.
pub(super) fn revoke_page(
    jobs: &mut Jobs,
    id: RequestId,
    profile: Profile,
    bucket: BucketName,
    key: ObjectKey,
) {
    jobs.answer(
        None,
        profile,
        move |connection: Connection| async move {
            crate::s3::folder_share::revoke_page(&connection, &bucket, &key)
                .await
                .map_err(JobError::from)
        },
        move |result| HistoryEvent::PageRevoked { id, result },
    );
}
