//! Buckets themselves: making one (its name checked, its region, Block Public Access), deleting
//! an empty one, and "empty and delete" — counting, then removing every object version, delete
//! marker and unfinished multipart upload, page by page with progress and Cancel — before
//! DeleteBucket. What a bucket is set to (versioning, encryption, CORS…) is `bucket_settings`.

use aws_sdk_s3::config::Region;
use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::types::{
    BucketLocationConstraint, CreateBucketConfiguration, Delete, ObjectIdentifier,
    PublicAccessBlockConfiguration,
};

pub use super::bucket_listing::BucketError;
use super::bucket_listing::{
    Entry, UploadWalk, VersionWalk, refusal_text, refused, untrusted_or_remote,
};
use super::connection::{Connection, DEFAULT_REGION};
use super::transfer::{TransferControl, TransferError};
use crate::model::{BucketName, Endpoint};

/// A bucket to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBucket {
    pub name: BucketName,
    /// Where it lives; `None` is the connection's region.
    pub region: Option<String>,
    /// Turn Block Public Access on once it exists, as AWS does for new buckets.
    pub block_public_access: bool,
}

/// What became of Block Public Access on a new bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicAccess {
    /// All four settings on.
    Blocked,
    /// The person did not ask for it.
    NotAsked,
    /// The bucket was made, but the server refused the setting or does not know it (many
    /// S3-compatible servers): the bucket exists; its objects are as public as the server's
    /// own rules make them.
    NotApplied(String),
}

impl PublicAccess {
    /// One line for the person, after "created s3://B".
    pub fn describe(&self) -> String {
        match self {
            Self::Blocked => "Block Public Access is on".into(),
            Self::NotAsked => "Block Public Access was left off, as asked".into(),
            Self::NotApplied(why) => format!(
                "the bucket was made, but the server did not take Block Public Access ({why}); \
                 its own rules decide what is public"
            ),
        }
    }
}

/// Makes a bucket: CreateBucket (with a LocationConstraint outside us-east-1, signed for that
/// region), then Block Public Access if asked. A refusal of the latter is reported, not an
/// error: the bucket exists either way, and saying it failed would invite a second try that
/// answers "exists already".
pub async fn create_bucket(
    connection: &Connection,
    new: &NewBucket,
) -> Result<PublicAccess, BucketError> {
    let region = new
        .region
        .clone()
        .unwrap_or_else(|| match connection.endpoint() {
            Endpoint::Aws => connection.region().to_owned(),
            // A custom server's region is what the profile says; it takes no constraint unless
            // the person names one.
            Endpoint::Custom(_) => DEFAULT_REGION.to_owned(),
        });
    crate::s3::connection::validate_region(&region)
        .map_err(|e| TransferError::InvalidName(e.to_string()))?;
    let constraint = (region != DEFAULT_REGION).then(|| {
        CreateBucketConfiguration::builder()
            .location_constraint(BucketLocationConstraint::from(region.as_str()))
            .build()
    });
    // S3 in us-east-1 (and moto) answers 200 to CreateBucket for a bucket its caller owns
    // already: the Block Public Access step below would then change a bucket that was there
    // (a public website's, say). A bucket that answers HEAD, here or from another region
    // (301), exists; anything else is left to CreateBucket to say.
    let there = connection
        .client()
        .head_bucket()
        .bucket(new.name.as_str())
        .send()
        .await;
    let moved = |e: &aws_sdk_s3::error::SdkError<_, _>| {
        e.raw_response()
            .map(|r: &aws_sdk_s3::config::http::HttpResponse| r.status().as_u16())
            == Some(301)
    };
    match &there {
        Ok(_) => return Err(BucketError::Exists(new.name.to_string())),
        Err(e) if moved(e) => return Err(BucketError::Exists(new.name.to_string())),
        Err(_) => {}
    }
    let created = connection
        .client()
        .create_bucket()
        .bucket(new.name.as_str())
        .set_create_bucket_configuration(constraint)
        .customize()
        .config_override(aws_sdk_s3::config::Builder::new().region(Region::new(region.clone())))
        .send()
        .await;
    if let Err(e) = created {
        return Err(match e.code() {
            Some("BucketAlreadyExists" | "BucketAlreadyOwnedByYou") => {
                BucketError::Exists(new.name.to_string())
            }
            _ => refused(&e),
        });
    }
    if !new.block_public_access {
        return Ok(PublicAccess::NotAsked);
    }
    let all_on = PublicAccessBlockConfiguration::builder()
        .block_public_acls(true)
        .ignore_public_acls(true)
        .block_public_policy(true)
        .restrict_public_buckets(true)
        .build();
    let blocked = connection
        .client()
        .put_public_access_block()
        .bucket(new.name.as_str())
        .public_access_block_configuration(all_on)
        .customize()
        .config_override(aws_sdk_s3::config::Builder::new().region(Region::new(region)))
        .send()
        .await;
    Ok(match blocked {
        Ok(_) => PublicAccess::Blocked,
        Err(e) => PublicAccess::NotApplied(refusal_text(&e)),
    })
}

/// What a bucket holds, as S3 counts it for DeleteBucket.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BucketContents {
    /// Object versions (every object, on a server without versions).
    pub versions: u64,
    pub delete_markers: u64,
    /// Multipart uploads started and neither completed nor aborted.
    pub uploads: u64,
    /// `false`: the server does not list versions (it has none); its objects were counted.
    pub versions_listed: bool,
    /// `false`: the server does not list unfinished uploads.
    pub uploads_listed: bool,
    /// Only the first page was counted, and there is more.
    pub partial: bool,
}

impl BucketContents {
    pub fn is_empty(&self) -> bool {
        self.versions == 0 && self.delete_markers == 0 && self.uploads == 0
    }

    pub fn total(&self) -> u64 {
        self.versions + self.delete_markers + self.uploads
    }

    /// `3 object versions, 1 delete marker and 2 unfinished uploads`.
    pub fn describe(&self) -> String {
        use crate::fmt::count;
        let versions = match self.versions_listed {
            true => count(self.versions as usize, "object version", "object versions"),
            false => count(self.versions as usize, "object", "objects"),
        };
        let mut text = format!(
            "{}{versions}, {} and {}",
            if self.partial { "at least " } else { "" },
            count(
                self.delete_markers as usize,
                "delete marker",
                "delete markers"
            ),
            count(
                self.uploads as usize,
                "unfinished upload",
                "unfinished uploads"
            ),
        );
        let unlisted = match (self.versions_listed, self.uploads_listed) {
            (true, true) => None,
            (false, true) => Some("versions"),
            (true, false) => Some("unfinished uploads"),
            (false, false) => Some("versions nor unfinished uploads"),
        };
        if let Some(what) = unlisted {
            text.push_str(&format!(" (this server lists no {what})"));
        }
        text
    }
}

/// Where "empty and delete" is, for its progress line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EmptyProgress {
    pub removed: u64,
    /// From the count made before, when there was one.
    pub expected: Option<u64>,
}

/// Counts what `bucket` holds: every version, delete marker and unfinished upload.
pub async fn count_contents(
    connection: &Connection,
    bucket: &BucketName,
    control: &TransferControl,
) -> Result<BucketContents, BucketError> {
    count_pages(connection, bucket, control, usize::MAX).await
}

/// [`count_contents`], reading at most `pages` pages of each listing; `partial` says when
/// there was more.
async fn count_pages(
    connection: &Connection,
    bucket: &BucketName,
    control: &TransferControl,
    pages: usize,
) -> Result<BucketContents, BucketError> {
    let mut contents = BucketContents::default();
    let mut walk = VersionWalk::new(bucket);
    let mut read = 0;
    while read < pages
        && let Some(page) = walk.next_page(connection).await?
    {
        stop_if_cancelled(control, "while counting")?;
        read += 1;
        for entry in &page {
            match entry.marker {
                true => contents.delete_markers += 1,
                false => contents.versions += 1,
            }
        }
    }
    contents.partial |= read == pages && walk.next_page(connection).await?.is_some();
    contents.versions_listed = walk.versions_listed();
    let mut uploads = UploadWalk::new(bucket);
    let mut read = 0;
    while read < pages
        && let Some(page) = uploads.next_page(connection).await?
    {
        stop_if_cancelled(control, "while counting")?;
        read += 1;
        contents.uploads += page.len() as u64;
    }
    contents.partial |= read == pages && uploads.next_page(connection).await?.is_some();
    contents.uploads_listed = uploads.listed();
    Ok(contents)
}

/// Deletes `bucket` if it holds nothing. Pail looks first, as S3 would refuse: some servers
/// (s3s-fs) delete a bucket with everything in it. One page of each listing is enough to
/// know: a bucket of millions is refused without being listed whole.
pub async fn delete_empty_bucket(
    connection: &Connection,
    bucket: &BucketName,
) -> Result<(), BucketError> {
    let contents = count_pages(connection, bucket, &TransferControl::default(), 1).await?;
    refuse_unless_empty(bucket, &contents, "")?;
    delete_bucket_request(connection, bucket).await
}

/// `NotEmpty` unless one page of each listing showed nothing and said nothing follows: a
/// first page may be empty and still say more follow (S3 cuts pages where it likes), and
/// what is on the next one is not nothing. `after` says when this look was taken.
fn refuse_unless_empty(
    bucket: &BucketName,
    contents: &BucketContents,
    after: &str,
) -> Result<(), BucketError> {
    let what = match (contents.is_empty(), contents.partial) {
        (true, false) => return Ok(()),
        (true, true) => "more pages of its listing, after an empty first page".to_owned(),
        (false, _) => contents.describe(),
    };
    Err(BucketError::NotEmpty {
        bucket: bucket.to_string(),
        what: format!("{what}{after}"),
    })
}

/// Empties `bucket` — every version and delete marker (DeleteObjects, 1,000 a request; a key
/// XML cannot carry alone), every unfinished upload aborted — page by page as it is listed
/// again now, then deletes it. Stops between requests when `control` is cancelled, saying how
/// much went; if anything could not be removed the bucket stays and the failures are named.
pub async fn empty_and_delete(
    connection: &Connection,
    bucket: &BucketName,
    control: &TransferControl,
    expected: Option<u64>,
    progress: &mut (dyn FnMut(EmptyProgress) + Send),
) -> Result<BucketContents, BucketError> {
    let mut removed = BucketContents::default();
    let mut failures: Vec<(String, String)> = Vec::new();
    let mut report = |removed: &BucketContents| {
        progress(EmptyProgress {
            removed: removed.total(),
            expected,
        })
    };
    let mut walk = VersionWalk::new(bucket);
    while let Some(page) = walk.next_page(connection).await? {
        // Looked at per page too: a listing may go on with empty pages, which hold no batch.
        stop_if_cancelled(control, &format!("{} removed", removed.describe()))?;
        for batch in page.chunks(1000) {
            stop_if_cancelled(control, &format!("{} removed", removed.describe()))?;
            let gone = delete_versions(connection, bucket, batch, &mut failures).await?;
            for entry in gone {
                match entry.marker {
                    true => removed.delete_markers += 1,
                    false => removed.versions += 1,
                }
            }
            report(&removed);
        }
    }
    removed.versions_listed = walk.versions_listed();
    let mut uploads = UploadWalk::new(bucket);
    while let Some(page) = uploads.next_page(connection).await? {
        stop_if_cancelled(control, &format!("{} removed", removed.describe()))?;
        for upload in page {
            stop_if_cancelled(control, &format!("{} removed", removed.describe()))?;
            let aborted = connection
                .client()
                .abort_multipart_upload()
                .bucket(bucket.as_str())
                .key(&upload.key)
                .upload_id(&upload.upload_id)
                .send()
                .await;
            match aborted {
                Ok(_) => removed.uploads += 1,
                Err(e) => failures.push((upload.key, refusal_text(&e))),
            }
            report(&removed);
        }
    }
    removed.uploads_listed = uploads.listed();
    if let Some((key, why)) = failures.first() {
        return Err(BucketError::Incomplete {
            failed: crate::fmt::count(failures.len(), "entry", "entries"),
            first: format!("{}: {why}", key.escape_debug()),
        });
    }
    // Looked at again before the bucket goes: a listing that said "complete" too early, a
    // delete answered "done" that removed nothing, or objects written meanwhile are still
    // there — and a server that deletes a bucket whole (s3s-fs on disk, some S3-compatible
    // stores) would take them with it, unseen and uncounted.
    let left = count_pages(connection, bucket, control, 1).await?;
    refuse_unless_empty(
        bucket,
        &left,
        &format!(
            " still there after {} were removed: the bucket was kept",
            removed.describe()
        ),
    )?;
    delete_bucket_request(connection, bucket).await?;
    Ok(removed)
}

fn stop_if_cancelled(control: &TransferControl, done: &str) -> Result<(), BucketError> {
    match control.is_cancelled() {
        true => Err(BucketError::Cancelled(done.to_owned())),
        false => Ok(()),
    }
}

async fn delete_bucket_request(
    connection: &Connection,
    bucket: &BucketName,
) -> Result<(), BucketError> {
    match connection
        .client()
        .delete_bucket()
        .bucket(bucket.as_str())
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(e) => Err(match e.code() {
            Some("BucketNotEmpty") => BucketError::NotEmpty {
                bucket: bucket.to_string(),
                what: "something written since it was listed (the server says so)".into(),
            },
            Some("NoSuchBucket") => BucketError::NoSuchBucket(bucket.to_string()),
            _ => refused(&e),
        }),
    }
}

/// Whether DeleteObjects' XML can carry `key`: most control characters cannot be written in
/// XML at all, and a parser turns a carriage return into a line feed — another key. Such a
/// key goes alone, in the URL (as `objects::delete_keys` does).
fn xml_carries(key: &str) -> bool {
    !key.chars()
        .any(|c| c.is_control() || matches!(c, '\u{fffe}' | '\u{ffff}'))
}

/// DeleteObject for each of `entries` (its version in the URL); returns what went and collects
/// what did not.
async fn delete_one_by_one<'a>(
    connection: &Connection,
    bucket: &BucketName,
    entries: Vec<&'a Entry>,
    failures: &mut Vec<(String, String)>,
) -> Vec<&'a Entry> {
    let mut gone = Vec::new();
    for entry in entries {
        let deleted = connection
            .client()
            .delete_object()
            .bucket(bucket.as_str())
            .key(&entry.key)
            .set_version_id(entry.version_id.clone())
            .send()
            .await;
        match deleted {
            Ok(_) => gone.push(entry),
            Err(e) => failures.push((entry.key.clone(), refusal_text(&e))),
        }
    }
    gone
}

/// Deletes one batch (at most 1,000); returns what went. Failures per key are collected; a
/// request refused whole is an error.
async fn delete_versions<'a>(
    connection: &Connection,
    bucket: &BucketName,
    batch: &'a [Entry],
    failures: &mut Vec<(String, String)>,
) -> Result<Vec<&'a Entry>, BucketError> {
    let (carried, alone): (Vec<&Entry>, Vec<&Entry>) =
        batch.iter().partition(|e| xml_carries(&e.key));
    let mut gone = delete_one_by_one(connection, bucket, alone, failures).await;
    if carried.is_empty() {
        return Ok(gone);
    }
    let objects = carried
        .iter()
        .map(|e| {
            ObjectIdentifier::builder()
                .key(&e.key)
                .set_version_id(e.version_id.clone())
                .build()
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TransferError::Remote(e.to_string()))?;
    let delete = Delete::builder()
        .set_objects(Some(objects))
        .quiet(true)
        .build()
        .map_err(|e| TransferError::Remote(e.to_string()))?;
    let answer = connection
        .client()
        .delete_objects()
        .bucket(bucket.as_str())
        .delete(delete)
        .send()
        .await;
    let output = match answer {
        Ok(output) => output,
        // A server that has no DeleteObjects, or fails on this batch (moto answers 500 to a
        // "null" version id in one), may still take each delete on its own.
        Err(e)
            if e.raw_response()
                .is_some_and(|r| r.status().is_server_error()) =>
        {
            gone.extend(delete_one_by_one(connection, bucket, carried, failures).await);
            return Ok(gone);
        }
        Err(e) => return Err(untrusted_or_remote("DeleteObjects", &e)),
    };
    let refused: Vec<(String, Option<String>, String)> = output
        .errors()
        .iter()
        .map(|e| {
            (
                e.key().unwrap_or_default().to_owned(),
                e.version_id().map(str::to_owned),
                format!(
                    "{}: {}",
                    e.code().unwrap_or("Error"),
                    e.message().unwrap_or_default()
                ),
            )
        })
        .collect();
    for entry in carried {
        // An error that names the key without the version id (some servers write it so) is
        // that key's refusal all the same: never counted as removed.
        let failed = refused.iter().find(|(key, version, _)| {
            key == &entry.key && (version.is_none() || version == &entry.version_id)
        });
        match failed {
            Some((key, _, why)) => failures.push((key.clone(), why.clone())),
            None => gone.push(entry),
        }
    }
    Ok(gone)
}
