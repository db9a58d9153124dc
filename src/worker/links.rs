//! Link jobs: signing download and upload links and browser forms, Test link, and when the
//! signing credentials expire.

use std::time::SystemTime;

use super::{JobError, Jobs, LinkItem, LinksEvent, RequestId};
use crate::model::BucketName;
use crate::profiles::Profile;
use crate::s3::connection::{BucketSigner, Connection, RegionGuess};
use crate::share::{Expiry, PostRequest, PresignedLink};

/// Signs every item with one signer (one credentials lookup, one region lookup), all at the
/// same time and with the same expiry.
pub(super) fn presign_links(
    jobs: &mut Jobs,
    id: RequestId,
    profile: Profile,
    bucket: BucketName,
    items: Vec<LinkItem>,
    expiry: Expiry,
) {
    jobs.answer(
        None,
        profile,
        move |connection: Connection| async move {
            let BucketSigner { signer, warning } = connection.signer_for(&bucket).await?;
            let now = SystemTime::now();
            let mut links: Vec<PresignedLink> = Vec::with_capacity(items.len());
            for item in &items {
                let link = match item {
                    LinkItem::Get { key, options } => {
                        signer.presign_get(&bucket, key, options, expiry, now).await
                    }
                    LinkItem::Put { key, options } => {
                        signer.presign_put(&bucket, key, options, expiry, now).await
                    }
                };
                links.push(link?);
            }
            Ok::<_, JobError>((links, warning))
        },
        move |result| {
            let (result, warning) = split_warning(result);
            LinksEvent::LinksReady {
                id,
                result,
                warning,
            }
        },
    );
}

/// Signs a browser upload form.
pub(super) fn presign_post(jobs: &mut Jobs, id: RequestId, profile: Profile, request: PostRequest) {
    jobs.answer(
        None,
        profile,
        |connection: Connection| async move {
            let BucketSigner { signer, warning } = connection.signer_for(&request.bucket).await?;
            let form = signer.presign_post(&request, SystemTime::now()).await?;
            Ok::<_, JobError>((form, warning))
        },
        move |result| {
            let (result, warning) = split_warning(result);
            LinksEvent::PostFormReady {
                id,
                result,
                warning,
            }
        },
    );
}

/// The answer and, apart, the warning that the bucket's region was guessed.
fn split_warning<T>(
    result: Result<(T, Option<RegionGuess>), JobError>,
) -> (Result<T, JobError>, Option<RegionGuess>) {
    match result {
        Ok((answer, warning)) => (Ok(answer), warning),
        Err(e) => (Err(e), None),
    }
}

/// Fetches one byte through a GET link, as the recipient's browser would.
pub(super) fn test_link(jobs: &Jobs, id: RequestId, url: String) {
    jobs.answer_without_connection(async move {
        let result = crate::share::link_test::test_get_link(&url).await;
        LinksEvent::LinkTested { id, result }
    });
}

/// When the profile's credentials expire (temporary ones: session, SSO, role).
pub(super) fn credentials_expiry(jobs: &mut Jobs, id: RequestId, profile: Profile) {
    jobs.answer(
        None,
        profile,
        |connection: Connection| async move {
            let credentials = connection.credentials().await?;
            Ok::<_, JobError>(credentials.expiry())
        },
        move |result| LinksEvent::CredentialsExpiry { id, result },
    );
}
