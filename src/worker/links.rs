//! Link jobs: signing download and upload links and browser forms, CloudFront URLs (and the
//! settings and keys they need), a folder as one page, QR codes, Test link and the link
//! doctor, Renew, and when the signing credentials expire.

use std::path::PathBuf;
use std::time::SystemTime;

use super::{
    CloudFrontKnown, CloudFrontRequest, HistoryEvent, JobError, Jobs, LinkItem, LinksEvent,
    RenewRequest, RequestId, ShareFolderRequest,
};
use crate::model::BucketName;
use crate::profiles::Profile;
use crate::s3::connection::{BucketSigner, Connection, RegionGuess};
use crate::s3::folder_share::{self, FolderShareError};
use crate::share::cloudfront;
use crate::share::link_doctor::{SharedAs, diagnose};
use crate::share::qr::QrMatrix;
use crate::share::{EffectiveExpiry, Expiry, Lifetime, LinkMethod, PostRequest, PresignedLink};
use crate::storage::cloudfront::{CloudFrontSettings, CloudFrontStoreError, Distribution};

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
            // One batch: the signing key derived once, then one hash and one HMAC a link.
            let bulk =
                crate::share::BulkSigner::new(&signer, &bucket, None, expiry, SystemTime::now())
                    .await?;
            let mut links: Vec<PresignedLink> = Vec::with_capacity(items.len());
            for item in &items {
                let link = match item {
                    LinkItem::Get { key, options } => bulk.get(key, options),
                    LinkItem::Put { key, options } => bulk.put(key, options),
                };
                links.push(link?);
            }
            record_etags(&connection, &bucket, &items, &mut links).await;
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

/// Links to a few objects note each object's ETag now, so the link doctor can later tell the
/// object changed; for many, the HEAD requests would cost more than they tell.
async fn record_etags(
    connection: &Connection,
    bucket: &BucketName,
    items: &[LinkItem],
    links: &mut [PresignedLink],
) {
    const AT_MOST: usize = 50;
    if items.len() > AT_MOST {
        return;
    }
    for (item, link) in items.iter().zip(links.iter_mut()) {
        if let LinkItem::Get { key, .. } = item
            && let Ok(properties) =
                crate::s3::objects::object_properties(connection, bucket, key).await
        {
            link.etag = properties.etag.map(|e| e.trim_matches('"').to_owned());
        }
    }
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

/// The distribution `bucket`'s links went through last, and whether its key is stored.
pub(super) fn load_cloudfront(jobs: &Jobs, id: RequestId, config_dir: PathBuf, bucket: BucketName) {
    let sink = jobs.sink().clone();
    tokio::task::spawn_blocking(move || {
        let result = CloudFrontSettings::load(&config_dir)
            .map(|settings| {
                let distribution = settings.distribution(bucket.as_str()).cloned();
                let key_stored = distribution
                    .as_ref()
                    .is_some_and(|d| settings.has_key(&d.key_id));
                CloudFrontKnown {
                    distribution,
                    key_stored,
                }
            })
            .map_err(JobError::from);
        sink.send(LinksEvent::CloudFrontLoaded { id, result });
    });
}

/// Reads, checks and stores (0600) the private key of `key_id`.
pub(super) fn import_cloudfront_key(
    jobs: &Jobs,
    id: RequestId,
    config_dir: PathBuf,
    key_id: String,
    pem_file: PathBuf,
) {
    let sink = jobs.sink().clone();
    tokio::task::spawn_blocking(move || {
        let result = CloudFrontSettings::load(&config_dir)
            .and_then(|mut settings| {
                settings.import_key(&key_id, &pem_file)?;
                settings.save()
            })
            .map_err(JobError::from);
        sink.send(LinksEvent::CloudFrontKeyImported { id, result });
    });
}

/// Signs CloudFront URLs with the stored key, then remembers the distribution for the bucket.
pub(super) fn sign_cloudfront(jobs: &Jobs, request: CloudFrontRequest) {
    let sink = jobs.sink().clone();
    tokio::task::spawn_blocking(move || {
        let id = request.id;
        let result = cloudfront_links(&request).map_err(JobError::from);
        sink.send(LinksEvent::LinksReady {
            id,
            result,
            warning: None,
        });
    });
}

fn cloudfront_links(
    request: &CloudFrontRequest,
) -> Result<Vec<PresignedLink>, CloudFrontStoreError> {
    let mut settings = CloudFrontSettings::load(&request.config_dir)?;
    let key = settings.key(&request.key_id)?;
    let now = SystemTime::now();
    let expires = request.policy.expires();
    let lifetime = Lifetime {
        expires_in: expires.duration_since(now).unwrap_or_default(),
        expires_at: expires,
    };
    let mut links = Vec::with_capacity(request.keys.len());
    for object in &request.keys {
        let url = cloudfront::object_url(&request.domain, object, request.scheme)?;
        links.push(PresignedLink {
            method: LinkMethod::Get,
            url: cloudfront::sign_url(&url, &key, &request.policy, now)?,
            headers: Vec::new(),
            lifetime,
            // CloudFront keys do not expire with a session: the policy's end is the end.
            effective_expiry: EffectiveExpiry {
                at: expires,
                limited_by_credentials: false,
            },
            etag: None,
        });
    }
    settings.remember(
        request.bucket.as_str(),
        Distribution {
            domain: cloudfront::domain_host(&request.domain)?,
            key_id: request.key_id.trim().to_owned(),
        },
    );
    settings.save()?;
    Ok(links)
}

/// Draws `url` as a QR code and saves it as a PNG at `path`.
pub(super) fn save_qr(jobs: &Jobs, id: RequestId, url: String, path: PathBuf) {
    let sink = jobs.sink().clone();
    tokio::task::spawn_blocking(move || {
        let result = QrMatrix::new(&url)
            .map_err(JobError::from)
            .and_then(|qr| {
                // A phone scans 8 pixels a module from a printout or a screen alike.
                crate::storage::private_file::save_private(&path, &qr.to_png(8))
                    .map_err(JobError::from)
            })
            .map(|()| path);
        sink.send(LinksEvent::QrSaved { id, result });
    });
}

/// Shares every object under `prefix` as one index page in `page_bucket`.
pub(super) fn share_folder(jobs: &mut Jobs, request: ShareFolderRequest) {
    let ShareFolderRequest {
        id,
        profile,
        bucket,
        prefix,
        page_bucket,
        expiry,
    } = request;
    jobs.answer(
        None,
        profile,
        move |connection: Connection| async move {
            let objects = folder_share::folder_objects(&connection, &bucket, &prefix)
                .await
                .map_err(FolderShareError::from)?;
            let zone = crate::local_time::system_zone();
            let share = folder_share::share_folder(
                &connection,
                &bucket,
                &prefix,
                &objects,
                &page_bucket,
                expiry,
                SystemTime::now(),
                &zone,
            )
            .await?;
            Ok::<_, JobError>(Box::new(share))
        },
        move |result| LinksEvent::FolderShared { id, result },
    );
}

/// How many links the doctor tries at once: enough to be quick, few enough to be polite.
const CHECKS_AT_ONCE: usize = 3;

/// The link doctor: each link tried and its answer explained, a few at a time, each result
/// sent as it comes.
pub(super) fn check_links(jobs: &mut Jobs, id: RequestId, links: Vec<(String, SharedAs)>) {
    let sink = jobs.sink().clone();
    let task = tokio::spawn(async move {
        let slots = std::sync::Arc::new(tokio::sync::Semaphore::new(CHECKS_AT_ONCE));
        let mut checks = tokio::task::JoinSet::new();
        for (url, shared) in links {
            let (sink, slots) = (sink.clone(), slots.clone());
            checks.spawn(async move {
                let Ok(_slot) = slots.acquire_owned().await else {
                    return;
                };
                let answer = crate::share::link_test::test_get_link(&url).await;
                let diagnosis = diagnose(&url, &shared, &answer, SystemTime::now());
                sink.send(HistoryEvent::LinkChecked { id, url, diagnosis });
            });
        }
        while checks.join_next().await.is_some() {}
        sink.send(HistoryEvent::ChecksDone { id });
    });
    jobs.running.insert(id, task.abort_handle());
}

/// Renew: a fresh link to the same object with the same options and a new expiry.
pub(super) fn renew_link(jobs: &mut Jobs, request: RenewRequest) {
    let RenewRequest {
        id,
        profile,
        bucket,
        key,
        options,
        expiry,
        previous,
    } = request;
    let made_on = url::Url::parse(&previous)
        .ok()
        .map(|u| u.authority().to_owned());
    jobs.answer(
        None,
        profile,
        move |connection: Connection| async move {
            let BucketSigner { signer, .. } = connection.signer_for(&bucket).await?;
            let mut link = signer
                .presign_get(&bucket, &key, &options, expiry, SystemTime::now())
                .await?;
            // A link made on a custom domain would come back on the endpoint's address, which
            // its recipients may not reach: said, not swapped.
            let renewed_on = url::Url::parse(&link.url)
                .ok()
                .map(|u| u.authority().to_owned());
            if made_on != renewed_on {
                return Err(JobError::RenewElsewhere {
                    made_on: made_on.unwrap_or_default(),
                });
            }
            if let Ok(properties) =
                crate::s3::objects::object_properties(&connection, &bucket, &key).await
            {
                link.etag = properties.etag.map(|e| e.trim_matches('"').to_owned());
            }
            Ok::<_, JobError>(link)
        },
        move |result| HistoryEvent::Renewed {
            id,
            previous,
            result,
        },
    );
}

/// Renew through CloudFront: the same object, signed again with the stored key.
pub(super) fn renew_cloudfront(jobs: &Jobs, request: CloudFrontRequest, previous: String) {
    let sink = jobs.sink().clone();
    tokio::task::spawn_blocking(move || {
        let id = request.id;
        let result = cloudfront_links(&request)
            .map_err(JobError::from)
            .and_then(|links| {
                links.into_iter().next().ok_or_else(|| {
                    JobError::from(CloudFrontStoreError::NoKey(request.key_id.clone()))
                })
            });
        sink.send(HistoryEvent::Renewed {
            id,
            previous,
            result,
        });
    });
}
