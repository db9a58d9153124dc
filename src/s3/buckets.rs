//! Buckets themselves: making one (its name checked, its region, Block Public Access), deleting
//! an empty one, and "empty and delete" — counting, then removing every object version, delete
//! marker and unfinished multipart upload, page by page with progress and Cancel — before
//! DeleteBucket. What a bucket is set to (versioning, encryption, CORS…) is `bucket_settings`.

use aws_sdk_s3::config::Region;
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::types::{
    BucketLocationConstraint, CreateBucketConfiguration, Delete, EncodingType, ObjectIdentifier,
    PublicAccessBlockConfiguration,
};

use super::connection::{Connection, DEFAULT_REGION};
use super::list::{Depth, PageRequest};
use super::transfer::{TransferControl, TransferError, remote};
use crate::model::{BucketName, Endpoint};

/// Why a bucket could not be made, emptied or deleted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BucketError {
    #[error("bucket `{0}` exists already")]
    Exists(String),
    #[error("bucket `{0}` does not exist")]
    NoSuchBucket(String),
    #[error("bucket `{bucket}` is not empty: it holds {what}")]
    NotEmpty { bucket: String, what: String },
    /// An answer with a success status that is not what was asked for (an HTML page, an empty
    /// body, a listing cut without its markers): nothing in it is believed, and a bucket is
    /// never called empty on its word.
    #[error("the server's answer to {request} cannot be trusted: {problem}")]
    Untrusted {
        request: &'static str,
        problem: String,
    },
    #[error("stopped: {0}")]
    Cancelled(String),
    /// Some versions or uploads could not be removed; the bucket was left.
    #[error("{failed} could not be removed, so the bucket was kept (first: {first})")]
    Incomplete { failed: String, first: String },
    #[error(transparent)]
    Request(#[from] TransferError),
}

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
            _ => remote(&e).into(),
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

/// A server's "no" in a few words: its code and message, or what went wrong on the way.
fn refusal_text<E: ProvideErrorMetadata + std::error::Error + 'static>(
    e: &SdkError<E, aws_sdk_s3::config::http::HttpResponse>,
) -> String {
    match (e.code(), e.message()) {
        (Some(code), Some(message)) => format!("{code}: {message}"),
        (Some(code), None) => code.to_owned(),
        _ => crate::fmt::error_text(e),
    }
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
            "{versions}, {} and {}",
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
        if !self.versions_listed {
            text.push_str(" (the server lists no versions)");
        }
        if !self.uploads_listed {
            text.push_str(" (the server lists no unfinished uploads)");
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
    let mut contents = BucketContents::default();
    let mut walk = VersionWalk::new(bucket);
    while let Some(page) = walk.next_page(connection).await? {
        stop_if_cancelled(control, "while counting")?;
        for entry in &page {
            match entry.marker {
                true => contents.delete_markers += 1,
                false => contents.versions += 1,
            }
        }
    }
    contents.versions_listed = walk.versions_listed();
    let mut uploads = UploadWalk::new(bucket);
    while let Some(page) = uploads.next_page(connection).await? {
        stop_if_cancelled(control, "while counting")?;
        contents.uploads += page.len() as u64;
    }
    contents.uploads_listed = uploads.listed();
    Ok(contents)
}

/// Deletes `bucket` if it holds nothing. Pail looks first, as S3 would refuse: some servers
/// (s3s-fs) delete a bucket with everything in it.
pub async fn delete_empty_bucket(
    connection: &Connection,
    bucket: &BucketName,
) -> Result<(), BucketError> {
    let contents = count_contents(connection, bucket, &TransferControl::default()).await?;
    if !contents.is_empty() {
        return Err(BucketError::NotEmpty {
            bucket: bucket.to_string(),
            what: contents.describe(),
        });
    }
    delete_bucket_request(connection, bucket).await
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
            _ => remote(&e).into(),
        }),
    }
}

/// One version or delete marker.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    key: String,
    /// `None` on a server without versions (its objects are deleted by key).
    version_id: Option<String>,
    marker: bool,
}

/// Whether DeleteObjects' XML can carry `key`: most control characters cannot be written in
/// XML at all, and a parser turns a carriage return into a line feed — another key. Such a
/// key goes alone, in the URL (as `objects::delete_keys` does).
fn xml_carries(key: &str) -> bool {
    !key.chars()
        .any(|c| c.is_control() || matches!(c, '\u{fffe}' | '\u{ffff}'))
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
    let mut gone = Vec::new();
    for entry in alone {
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
    let output = connection
        .client()
        .delete_objects()
        .bucket(bucket.as_str())
        .delete(delete)
        .send()
        .await
        .map_err(|e| untrusted_or_remote("DeleteObjects", &e))?;
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
        let failed = refused
            .iter()
            .find(|(key, version, _)| key == &entry.key && version == &entry.version_id);
        match failed {
            Some((key, _, why)) => failures.push((key.clone(), why.clone())),
            None => gone.push(entry),
        }
    }
    Ok(gone)
}

/// An error answer as the person should read it: a success status whose body the SDK could not
/// read as the answer asked for is a lie, not a refusal.
fn untrusted_or_remote<E>(
    request: &'static str,
    e: &SdkError<E, aws_sdk_s3::config::http::HttpResponse>,
) -> BucketError
where
    E: std::error::Error + ProvideErrorMetadata + 'static,
{
    match e.raw_response() {
        Some(raw) if raw.status().is_success() => BucketError::Untrusted {
            request,
            problem: format!(
                "HTTP {} with a body that is not one ({})",
                raw.status().as_u16(),
                crate::fmt::error_text(e)
            ),
        },
        _ => remote(e).into(),
    }
}

/// Whether an error says the server does not have the operation at all.
fn not_implemented<E: ProvideErrorMetadata>(
    e: &SdkError<E, aws_sdk_s3::config::http::HttpResponse>,
) -> bool {
    e.code() == Some("NotImplemented") || e.raw_response().map(|r| r.status().as_u16()) == Some(501)
}

/// A name from a listing asked for `encoding-type=url`, decoded when the answer says it is.
fn listed_name(
    name: &str,
    url_encoded: bool,
    request: &'static str,
) -> Result<String, BucketError> {
    match url_encoded {
        false => Ok(name.to_owned()),
        true => crate::s3::list::url_decode(name)
            .map(|n| n.into_owned())
            .map_err(|e| BucketError::Untrusted {
                request,
                problem: e.to_string(),
            }),
    }
}

/// ListObjectVersions page by page; on a server without it, its objects by ListObjectsV2
/// (Pail's own strict listing), which are then deleted by key.
struct VersionWalk<'a> {
    bucket: &'a BucketName,
    /// The key and version id the next page starts after.
    after: Option<(String, Option<String>)>,
    /// The server has no ListObjectVersions: its objects, by continuation token.
    objects_only: Option<Option<String>>,
    done: bool,
    seen: std::collections::HashSet<(String, Option<String>)>,
}

impl<'a> VersionWalk<'a> {
    fn new(bucket: &'a BucketName) -> Self {
        Self {
            bucket,
            after: None,
            objects_only: None,
            done: false,
            seen: Default::default(),
        }
    }

    fn versions_listed(&self) -> bool {
        self.objects_only.is_none()
    }

    async fn next_page(
        &mut self,
        connection: &Connection,
    ) -> Result<Option<Vec<Entry>>, BucketError> {
        if self.done {
            return Ok(None);
        }
        if let Some(token) = self.objects_only.clone() {
            return self.next_objects(connection, token).await.map(Some);
        }
        const REQUEST: &str = "ListObjectVersions";
        let (key_marker, version_marker) = self.after.clone().unzip();
        let answer = connection
            .client()
            .list_object_versions()
            .bucket(self.bucket.as_str())
            .encoding_type(EncodingType::Url)
            .set_key_marker(key_marker)
            .set_version_id_marker(version_marker.flatten())
            .send()
            .await;
        let page = match answer {
            Ok(page) => page,
            Err(e) if not_implemented(&e) => {
                self.objects_only = Some(None);
                return self.next_objects(connection, None).await.map(Some);
            }
            Err(e) if e.code() == Some("NoSuchBucket") => {
                return Err(BucketError::NoSuchBucket(self.bucket.to_string()));
            }
            Err(e) => return Err(untrusted_or_remote(REQUEST, &e)),
        };
        let encoded = page.encoding_type() == Some(&EncodingType::Url);
        let mut entries = Vec::new();
        let versions = page
            .versions()
            .iter()
            .map(|v| (v.key(), v.version_id(), false));
        let markers = page
            .delete_markers()
            .iter()
            .map(|m| (m.key(), m.version_id(), true));
        for (key, version_id, marker) in versions.chain(markers) {
            let key = key.ok_or(BucketError::Untrusted {
                request: REQUEST,
                problem: "a version without a key".into(),
            })?;
            entries.push(Entry {
                key: listed_name(key, encoded, REQUEST)?,
                version_id: version_id.map(str::to_owned),
                marker,
            });
        }
        if page.is_truncated() == Some(true) {
            let Some(next_key) = page.next_key_marker().filter(|k| !k.is_empty()) else {
                return Err(BucketError::Untrusted {
                    request: REQUEST,
                    problem: "the page says more follow but gives no marker to ask from".into(),
                });
            };
            let next = (
                listed_name(next_key, encoded, REQUEST)?,
                page.next_version_id_marker().map(str::to_owned),
            );
            // A marker handed out before would list the same pages for ever.
            if !self.seen.insert(next.clone()) {
                return Err(BucketError::Untrusted {
                    request: REQUEST,
                    problem: format!("the marker {:?} came back a second time", next.0),
                });
            }
            self.after = Some(next);
        } else {
            self.done = true;
        }
        Ok(Some(entries))
    }

    async fn next_objects(
        &mut self,
        connection: &Connection,
        token: Option<String>,
    ) -> Result<Vec<Entry>, BucketError> {
        let request = PageRequest {
            token,
            start_after: None,
            max_keys: 1000,
        };
        let page =
            crate::s3::list::list_page_from(connection, self.bucket, "", Depth::TreeKeys, request)
                .await
                .map_err(|e| match e {
                    crate::s3::list::BrowseError::NoSuchBucket(b) => BucketError::NoSuchBucket(b),
                    other => BucketError::Untrusted {
                        request: "ListObjectsV2",
                        problem: other.to_string(),
                    },
                })?;
        match &page.next_token {
            Some(token) => self.objects_only = Some(Some(token.clone())),
            None => self.done = true,
        }
        Ok(page
            .objects
            .into_iter()
            .map(|o| Entry {
                key: o.name.into(),
                version_id: None,
                marker: false,
            })
            .chain(page.folders.into_iter().map(|f| Entry {
                key: f.into(),
                version_id: None,
                marker: false,
            }))
            .collect())
    }
}

/// An unfinished multipart upload.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Upload {
    key: String,
    upload_id: String,
}

/// ListMultipartUploads page by page; nothing on a server without it.
struct UploadWalk<'a> {
    bucket: &'a BucketName,
    after: Option<(String, Option<String>)>,
    listed: bool,
    done: bool,
    seen: std::collections::HashSet<(String, Option<String>)>,
}

impl<'a> UploadWalk<'a> {
    fn new(bucket: &'a BucketName) -> Self {
        Self {
            bucket,
            after: None,
            listed: true,
            done: false,
            seen: Default::default(),
        }
    }

    fn listed(&self) -> bool {
        self.listed
    }

    async fn next_page(
        &mut self,
        connection: &Connection,
    ) -> Result<Option<Vec<Upload>>, BucketError> {
        const REQUEST: &str = "ListMultipartUploads";
        if self.done {
            return Ok(None);
        }
        let (key_marker, upload_marker) = self.after.clone().unzip();
        let answer = connection
            .client()
            .list_multipart_uploads()
            .bucket(self.bucket.as_str())
            .encoding_type(EncodingType::Url)
            .set_key_marker(key_marker)
            .set_upload_id_marker(upload_marker.flatten())
            .send()
            .await;
        let page = match answer {
            Ok(page) => page,
            Err(e) if not_implemented(&e) => {
                self.listed = false;
                self.done = true;
                return Ok(None);
            }
            Err(e) => return Err(untrusted_or_remote(REQUEST, &e)),
        };
        let encoded = page.encoding_type() == Some(&EncodingType::Url);
        let mut uploads = Vec::new();
        for upload in page.uploads() {
            let (Some(key), Some(upload_id)) = (upload.key(), upload.upload_id()) else {
                return Err(BucketError::Untrusted {
                    request: REQUEST,
                    problem: "an upload without its key or id".into(),
                });
            };
            uploads.push(Upload {
                key: listed_name(key, encoded, REQUEST)?,
                upload_id: upload_id.to_owned(),
            });
        }
        if page.is_truncated() == Some(true) {
            let Some(next_key) = page.next_key_marker().filter(|k| !k.is_empty()) else {
                return Err(BucketError::Untrusted {
                    request: REQUEST,
                    problem: "the page says more follow but gives no marker to ask from".into(),
                });
            };
            let next = (
                listed_name(next_key, encoded, REQUEST)?,
                page.next_upload_id_marker().map(str::to_owned),
            );
            if !self.seen.insert(next.clone()) {
                return Err(BucketError::Untrusted {
                    request: REQUEST,
                    problem: format!("the marker {:?} came back a second time", next.0),
                });
            }
            self.after = Some(next);
        } else {
            self.done = true;
        }
        Ok(Some(uploads))
    }
}
