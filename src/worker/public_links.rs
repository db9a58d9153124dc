//! Public-link and custom-domain jobs: unsigned links checked with an unsigned GET each (a few
//! at a time, each bounded), signed links on a host the server answers, and each bucket's
//! custom domain read and remembered.

use std::path::PathBuf;
use std::time::SystemTime;

use super::{
    CheckedLink, DomainSetting, HostLinks, HostLinksRequest, JobError, Jobs, LinkItem, LinksEvent,
    RequestId,
};
use crate::model::{BucketName, ObjectKey, Scheme};
use crate::s3::connection::{BucketSigner, Connection};
use crate::share::public_check::{CHECK_TIME, check_public};
use crate::share::public_url::{CustomDomain, public_url};
use crate::share::{BulkSigner, PresignedLink, Signer};
use crate::storage::custom_domains::{CustomDomains, StoredDomain};

/// Public links are checked one request each: more objects than this are refused rather than
/// sending thousands of requests.
pub(crate) const MOST_PUBLIC_LINKS: usize = 100;
/// Checks in flight at once.
const CHECKS_AT_ONCE: usize = 8;

pub(super) fn host_links(jobs: &mut Jobs, request: HostLinksRequest) {
    let HostLinksRequest {
        id,
        profile,
        bucket,
        domain,
        config_dir,
        links,
    } = request;
    let signed = matches!(links, HostLinks::Signed { .. });
    let sink = jobs.sink().clone();
    jobs.answer(
        Some(id),
        profile,
        move |connection: Connection| async move {
            let BucketSigner { signer, .. } = connection.signer_for(&bucket).await?;
            let domain = domain
                .map(|d| {
                    CustomDomain::parse(
                        &d.base_url,
                        d.kind,
                        &bucket,
                        &connection.endpoint().clone(),
                    )
                })
                .transpose()?;
            let answer = match links {
                HostLinks::Public { keys, scheme } => Answer::Public(
                    public_links(&signer, &bucket, domain.as_ref(), keys, scheme).await?,
                ),
                HostLinks::Signed { items, expiry } => {
                    let on_host = match &domain {
                        Some(domain) => domain.signer(&signer)?,
                        None => signer,
                    };
                    let bulk =
                        BulkSigner::new(&on_host, &bucket, None, expiry, SystemTime::now()).await?;
                    let links = items
                        .iter()
                        .map(|item| match item {
                            LinkItem::Get { key, options } => bulk.get(key, options),
                            LinkItem::Put { key, options } => bulk.put(key, options),
                        })
                        .collect::<Result<Vec<PresignedLink>, _>>()?;
                    Answer::Signed(links)
                }
            };
            // The links are made: a domain that cannot be remembered is said apart, and
            // takes nothing from them.
            if let Some(dir) = config_dir
                && let Err(e) = remember(&dir, &bucket, domain.as_ref())
            {
                sink.send(LinksEvent::CustomDomainNotSaved {
                    error: e.to_string(),
                });
            }
            Ok::<_, JobError>(answer)
        },
        move |result| match (result, signed) {
            (Ok(Answer::Public(links)), _) => LinksEvent::PublicLinksReady {
                id,
                result: Ok(links),
            },
            (Ok(Answer::Signed(links)), _) => LinksEvent::LinksReady {
                id,
                result: Ok(links),
                warning: None,
            },
            (Err(e), true) => LinksEvent::LinksReady {
                id,
                result: Err(e),
                warning: None,
            },
            (Err(e), false) => LinksEvent::PublicLinksReady { id, result: Err(e) },
        },
    );
}

enum Answer {
    Public(Vec<CheckedLink>),
    Signed(Vec<PresignedLink>),
}

async fn public_links(
    signer: &Signer,
    bucket: &BucketName,
    domain: Option<&CustomDomain>,
    keys: Vec<ObjectKey>,
    scheme: Scheme,
) -> Result<Vec<CheckedLink>, JobError> {
    if keys.len() > MOST_PUBLIC_LINKS {
        return Err(JobError::PublicLinks(format!(
            "public links are checked one request each: choose at most {MOST_PUBLIC_LINKS} \
             objects, not {}",
            keys.len()
        )));
    }
    let mut urls = Vec::with_capacity(keys.len());
    for key in &keys {
        urls.push(match domain {
            Some(domain) => domain.public_url_in(signer, bucket, key).await?,
            None => public_url(signer, bucket, key, Some(scheme)).await?,
        });
    }
    let mut checks: Vec<Option<crate::share::public_check::PublicCheck>> = vec![None; urls.len()];
    let mut running = tokio::task::JoinSet::new();
    let mut next = 0;
    while next < urls.len() || !running.is_empty() {
        while next < urls.len() && running.len() < CHECKS_AT_ONCE {
            let url = urls[next].clone();
            let index = next;
            running.spawn(async move { (index, check_public(&url, CHECK_TIME).await) });
            next += 1;
        }
        match running.join_next().await {
            Some(Ok((index, check))) => checks[index] = Some(check),
            Some(Err(e)) => return Err(JobError::PublicLinks(format!("a check failed: {e}"))),
            None => break,
        }
    }
    Ok(keys
        .into_iter()
        .zip(urls)
        .zip(checks)
        .map(|((key, url), check)| CheckedLink {
            key,
            url,
            check: check.unwrap_or(crate::share::public_check::PublicCheck::Other(
                "not checked".into(),
            )),
        })
        .collect())
}

/// Keeps the bucket's domain (or forgets it, when links went to the endpoint).
fn remember(
    dir: &std::path::Path,
    bucket: &BucketName,
    domain: Option<&CustomDomain>,
) -> Result<(), JobError> {
    let mut domains = CustomDomains::load(dir)?;
    let unchanged = match (domains.domain(bucket.as_str()), domain) {
        (None, None) => true,
        // A kind only a newer Pail knows was never shown here, so no one emptied its field:
        // it is kept for that Pail.
        (Some(stored), None) => stored.domain_kind().is_none(),
        (Some(stored), Some(domain)) => *stored == StoredDomain::new(domain.base(), domain.kind()),
        _ => false,
    };
    if unchanged {
        return Ok(());
    }
    match domain {
        Some(domain) => domains.remember(
            bucket.as_str(),
            StoredDomain::new(domain.base(), domain.kind()),
        ),
        None => domains.forget(bucket.as_str()),
    }
    Ok(domains.save()?)
}

/// The custom domain `bucket`'s links went to last.
pub(super) fn load_custom_domain(
    jobs: &Jobs,
    id: RequestId,
    config_dir: PathBuf,
    bucket: BucketName,
) {
    let sink = jobs.sink().clone();
    tokio::task::spawn_blocking(move || {
        let result = CustomDomains::load(&config_dir)
            .map(|domains| {
                domains.domain(bucket.as_str()).and_then(|stored| {
                    Some(DomainSetting {
                        base_url: stored.base_url.clone(),
                        kind: stored.domain_kind()?,
                    })
                })
            })
            .map_err(JobError::from);
        sink.send(LinksEvent::CustomDomainLoaded { id, result });
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_to_the_endpoint_forget_a_known_domain_and_keep_a_newer_pails() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(CustomDomains::FILE_NAME);
        std::fs::write(
            &file,
            "[buckets.photos]\nbase_url = \"https://a.example/\"\nkind = \"edge-worker\"\n\
             [buckets.docs]\nbase_url = \"https://d.example/\"\nkind = \"cdn\"\n",
        )
        .unwrap();
        for bucket in ["photos", "docs"] {
            remember(dir.path(), &BucketName::new(bucket).unwrap(), None).unwrap();
        }
        let domains = CustomDomains::load(dir.path()).unwrap();
        assert!(
            domains.domain("photos").is_some(),
            "a kind only a newer Pail knows was never shown, so never emptied"
        );
        assert!(domains.domain("docs").is_none());
    }
}
