//! Operations on objects that move no file: deleting keys and whole prefixes (1,000 keys a
//! request), rename or move (a copy, part by part above 5 GiB, then a delete), Properties, and
//! new folders.

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{CompletedPart, Delete, ObjectIdentifier};

use super::connection::Connection;
use super::head::{claimed_size, head, object_exists};
use super::transfer::*;
use crate::model::{BucketName, ObjectKey};

/// What deleting a prefix did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeleteReport {
    pub deleted: usize,
    /// Keys S3 would not delete, with its reason.
    pub failures: Vec<(String, String)>,
}

/// Deletes every object under `prefix` (folder markers included), 1000 keys per request.
pub async fn delete_prefix(
    connection: &Connection,
    bucket: &BucketName,
    prefix: &str,
) -> Result<DeleteReport, TransferError> {
    let keys: Vec<String> = crate::s3::list::list_all_keys(connection, bucket, prefix)
        .await?
        .into_iter()
        .map(|(key, _)| key)
        .collect();
    delete_keys(connection, bucket, &keys).await
}

/// Deletes `key` only if it is still the object whose ETag was `etag` (a conditional delete,
/// `If-Match`): `Ok(false)` when it was replaced since, and stays. A move deletes its original
/// this way, so a newer version written after the copy was checked is not lost. A server that
/// does not know the condition (501) gets the delete without it; without an ETag there is none.
pub async fn delete_if_unchanged(
    connection: &Connection,
    bucket: &BucketName,
    key: &ObjectKey,
    etag: Option<&str>,
) -> Result<bool, TransferError> {
    let send = |condition: Option<&str>| {
        connection
            .client()
            .delete_object()
            .bucket(bucket.as_str())
            .key(key.as_str())
            .set_if_match(condition.map(str::to_owned))
            .send()
    };
    let status = |e: &aws_sdk_s3::error::SdkError<_, aws_sdk_s3::config::http::HttpResponse>| {
        e.raw_response().map(|r| r.status().as_u16())
    };
    match send(etag).await {
        Ok(_) => Ok(true),
        Err(e) if etag.is_some() && status(&e) == Some(412) => Ok(false),
        Err(e) if etag.is_some() && status(&e) == Some(501) => {
            send(None).await.map(|_| true).map_err(|e| remote(&e))
        }
        Err(e) => Err(remote(&e)),
    }
}

/// Deletes `keys` with DeleteObjects, in batches of 1000. A key with a control character goes
/// alone (DeleteObject, the key in the URL): XML cannot carry most of them, and a parser turns
/// a carriage return into a line feed — another key.
pub async fn delete_keys(
    connection: &Connection,
    bucket: &BucketName,
    keys: &[String],
) -> Result<DeleteReport, TransferError> {
    let mut report = DeleteReport::default();
    let (keys, alone): (Vec<String>, Vec<String>) = keys.iter().cloned().partition(|k| {
        !k.chars()
            .any(|c| c.is_control() || matches!(c, '\u{fffe}' | '\u{ffff}'))
    });
    for key in alone {
        let deleted = connection
            .client()
            .delete_object()
            .bucket(bucket.as_str())
            .key(&key)
            .send()
            .await;
        match deleted {
            Ok(_) => report.deleted += 1,
            Err(e) => report.failures.push((key, crate::fmt::error_text(&e))),
        }
    }
    for batch in keys.chunks(1000) {
        let objects = batch
            .iter()
            .map(|k| ObjectIdentifier::builder().key(k).build())
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
            .map_err(|e| remote(&e))?;
        let failures: Vec<(String, String)> = output
            .errors()
            .iter()
            .map(|e| {
                (
                    e.key().unwrap_or_default().to_owned(),
                    format!(
                        "{}: {}",
                        e.code().unwrap_or("Error"),
                        e.message().unwrap_or_default()
                    ),
                )
            })
            .collect();
        report.deleted += batch.len() - failures.len();
        report.failures.extend(failures);
    }
    Ok(report)
}

/// S3's limit for a single CopyObject; larger objects are copied part by part.
pub const MAX_SINGLE_COPY: u64 = 5 * 1024 * 1024 * 1024;
/// Part size of a multipart copy.
const COPY_PART_SIZE: u64 = 512 * 1024 * 1024;

/// `bucket/key` for `x-amz-copy-source`, the key percent-encoded (except `/`).
pub(super) fn copy_source(bucket: &BucketName, key: &ObjectKey) -> String {
    const KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'/')
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    format!(
        "{bucket}/{}",
        percent_encoding::utf8_percent_encode(key.as_str(), KEEP)
    )
}

/// Rename or move: copies `from` to `to` (part by part above 5 GiB, keeping its content type
/// and metadata), then deletes `from`. If the copy fails, nothing is deleted. An existing
/// object at `to` is replaced only with `overwrite`; a `to` ending in `/` is refused (it would
/// be a folder marker, and the object would vanish from view).
pub async fn rename_object(
    connection: &Connection,
    bucket: &BucketName,
    from: &ObjectKey,
    to: &ObjectKey,
    overwrite: bool,
) -> Result<(), TransferError> {
    rename_with_copy_limit(connection, bucket, from, to, overwrite, MAX_SINGLE_COPY).await
}

/// Server-side copy of `from` in `from_bucket` to `to` in `to_bucket`, on one connection (one
/// account and endpoint): CopyObject, or part by part above 5 GiB, keeping the content type
/// and metadata; nothing passes through Pail. An existing object at `to` is replaced only with
/// `overwrite`.
pub async fn copy_object(
    connection: &Connection,
    from_bucket: &BucketName,
    from: &ObjectKey,
    to_bucket: &BucketName,
    to: &ObjectKey,
    overwrite: bool,
) -> Result<(), TransferError> {
    let copy = Copy {
        from: (from_bucket, from),
        to: (to_bucket, to),
        overwrite,
        control: &TransferControl::default(),
        journal: None,
    };
    copy_with_limit(connection, copy, MAX_SINGLE_COPY).await
}

/// One server-side copy, watched: progress and cancel through `control`, and a multipart
/// copy recorded in `journal` while an abort may be owed.
pub struct Copy<'a> {
    pub from: (&'a BucketName, &'a ObjectKey),
    pub to: (&'a BucketName, &'a ObjectKey),
    /// Replace an object already at `to`.
    pub overwrite: bool,
    pub control: &'a TransferControl,
    pub journal: Option<&'a crate::storage::journal::UploadJournal>,
}

/// [`copy_object`], with its progress, cancel and journal (the Transfers panel's copies).
pub async fn copy_object_tracked(
    connection: &Connection,
    copy: Copy<'_>,
) -> Result<(), TransferError> {
    copy_with_limit(connection, copy, MAX_SINGLE_COPY).await
}

/// [`copy_object`], part by part above `single_copy_limit` bytes.
async fn copy_with_limit(
    connection: &Connection,
    copy: Copy<'_>,
    single_copy_limit: u64,
) -> Result<(), TransferError> {
    let (original, to) = ((copy.from.0, copy.from.1), (copy.to.0, copy.to.1));
    let sent = server_copy(connection, copy, single_copy_limit).await;
    let same = async {
        let (original, copy) = (
            (connection, original.0, original.1),
            (connection, to.0, to.1),
        );
        super::verify::verify_copy(original, copy).await.map(|_| ())
    };
    super::upload::ours_if_the_same(sent, same).await
}

async fn server_copy(
    connection: &Connection,
    copy: Copy<'_>,
    single_copy_limit: u64,
) -> Result<(), TransferError> {
    let Copy {
        from: (from_bucket, from),
        to: (to_bucket, to),
        overwrite,
        control,
        journal,
    } = copy;
    // An object copied to a name ending in `/` would vanish from view behind a folder; one
    // that already has such a name (a "folder" holding bytes) keeps its kind of name.
    if to.as_str().ends_with('/') && !from.as_str().ends_with('/') {
        return Err(folder_name(to));
    }
    if from_bucket == to_bucket && from == to {
        return Ok(());
    }
    if !overwrite && object_exists(connection, to_bucket, to).await? {
        return Err(TransferError::Exists(to.to_string()));
    }
    let head = head(connection, from_bucket, from)
        .await
        .map_err(|e| remote(&e))?;
    let size = claimed_size(from, &head)?;
    let source = copy_source(from_bucket, from);
    control.check()?;
    if size <= single_copy_limit {
        // Without `overwrite`, the look above and the copy are one step on a server that
        // takes the condition: an object written between them is refused, not replaced.
        send_write(overwrite, |condition| async {
            let conditional = condition.is_some();
            connection
                .client()
                .copy_object()
                .bucket(to_bucket.as_str())
                .key(to.as_str())
                .copy_source(&source)
                .set_if_none_match(condition)
                .customize()
                .config_override(server_copy_config(connection.stall_timeout()))
                .send()
                .await
                .map_err(|e| written(&e, to, conditional))
        })
        .await?;
        control.add(size);
        Ok(())
    } else {
        let upload_id =
            start_multipart(connection, to_bucket, to, NewUpload::CopyOf(&head)).await?;
        let parts = copy_parts(
            connection,
            (to_bucket, to),
            (&source, None),
            size,
            &upload_id,
            control,
        );
        finish_multipart(
            connection,
            (to_bucket, to, overwrite),
            &upload_id,
            journal,
            parts,
        )
        .await
    }
}

/// The refusal of `to` as a new name: it ends in `/`.
fn folder_name(to: &ObjectKey) -> TransferError {
    TransferError::InvalidName(format!(
        "`{to}` ends in `/`, which names a folder; the object would disappear from view"
    ))
}

/// [`rename_object`], copying part by part above `single_copy_limit` bytes.
async fn rename_with_copy_limit(
    connection: &Connection,
    bucket: &BucketName,
    from: &ObjectKey,
    to: &ObjectKey,
    overwrite: bool,
    single_copy_limit: u64,
) -> Result<(), TransferError> {
    // A rename never makes a folder's name, not even for a key that has one already: only a
    // whole folder can be renamed as one.
    if to.as_str().ends_with('/') {
        return Err(folder_name(to));
    }
    if from == to {
        return Ok(());
    }
    let copy = Copy {
        from: (bucket, from),
        to: (bucket, to),
        overwrite,
        control: &TransferControl::default(),
        journal: None,
    };
    copy_with_limit(connection, copy, single_copy_limit).await?;
    connection
        .client()
        .delete_object()
        .bucket(bucket.as_str())
        .key(from.as_str())
        .send()
        .await
        .map_err(|e| remote(&e))?;
    Ok(())
}

/// The parts of a multipart copy, each copied by the server from a range of `source` (only
/// while its ETag is `if_match`, when given).
pub(super) async fn copy_parts(
    connection: &Connection,
    (bucket, to): (&BucketName, &ObjectKey),
    (source, if_match): (&str, Option<&str>),
    size: u64,
    upload_id: &str,
    control: &TransferControl,
) -> Result<Vec<CompletedPart>, TransferError> {
    let mut parts = Vec::new();
    let mut offset = 0u64;
    let mut number = 1;
    // Larger parts for objects above 5 TiB, so that every copy fits in S3's 10,000 parts.
    let part_size = COPY_PART_SIZE.max(part_size_for(size));
    while offset < size {
        control.check()?;
        let end = (offset + part_size).min(size) - 1;
        let output = connection
            .client()
            .upload_part_copy()
            .bucket(bucket.as_str())
            .key(to.as_str())
            .upload_id(upload_id)
            .part_number(number)
            .copy_source(source)
            .copy_source_range(format!("bytes={offset}-{end}"))
            .set_copy_source_if_match(if_match.map(str::to_owned))
            .customize()
            .config_override(server_copy_config(connection.stall_timeout()))
            .send()
            .await
            .map_err(|e| remote(&e))?;
        parts.push(
            CompletedPart::builder()
                .part_number(number)
                .set_e_tag(
                    output
                        .copy_part_result()
                        .and_then(|r| r.e_tag())
                        .map(str::to_owned),
                )
                .build(),
        );
        control.add(end + 1 - offset);
        offset = end + 1;
        number += 1;
    }
    Ok(parts)
}

/// What Properties shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObjectProperties {
    pub key: String,
    pub size: u64,
    pub etag: Option<String>,
    pub content_type: Option<String>,
    pub storage_class: Option<String>,
    /// Seconds since the Unix epoch.
    pub last_modified: Option<i64>,
    pub version_id: Option<String>,
    pub metadata: Vec<(String, String)>,
}

/// HeadObject, as Pail's own type.
pub async fn object_properties(
    connection: &Connection,
    bucket: &BucketName,
    key: &ObjectKey,
) -> Result<ObjectProperties, TransferError> {
    let head = head(connection, bucket, key)
        .await
        .map_err(|e| remote(&e))?;
    let mut metadata: Vec<(String, String)> = head
        .metadata()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    metadata.sort();
    Ok(ObjectProperties {
        key: key.to_string(),
        size: head.content_length().unwrap_or(0).max(0) as u64,
        etag: head.e_tag().map(str::to_owned),
        content_type: head.content_type().map(str::to_owned),
        storage_class: Some(
            head.storage_class()
                .map(|c| c.as_str().to_owned())
                .unwrap_or_else(|| "STANDARD".into()),
        ),
        last_modified: head.last_modified().map(|t| t.secs()),
        version_id: head.version_id().map(str::to_owned),
        metadata,
    })
}

/// New folder: a zero-byte object named `prefix` + `name` + `/`.
pub async fn create_folder(
    connection: &Connection,
    bucket: &BucketName,
    prefix: &str,
    name: &str,
) -> Result<ObjectKey, TransferError> {
    let name = name.trim().trim_matches('/');
    if name.is_empty() {
        return Err(TransferError::InvalidName("a folder needs a name".into()));
    }
    let key = ObjectKey::new(format!("{prefix}{name}/"))
        .map_err(|e| TransferError::Remote(e.to_string()))?;
    connection
        .client()
        .put_object()
        .bucket(bucket.as_str())
        .key(key.as_str())
        .body(ByteStream::from_static(b""))
        .send()
        .await
        .map_err(|e| remote(&e))?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread")]
    async fn a_copy_to_another_bucket_stays_on_the_server_and_keeps_what_it_carries() {
        let server =
            crate::demo::server::LocalServer::start_temporary("AKTEST", "secret-test").unwrap();
        server.create_bucket("originals").unwrap();
        server.create_bucket("copies").unwrap();
        let connection = server.connection();
        connection
            .client()
            .put_object()
            .bucket("originals")
            .key("a b/ü+.pdf")
            .content_type("application/pdf")
            .metadata("owner", "pail")
            .body(ByteStream::from_static(b"%PDF- the bytes"))
            .send()
            .await
            .unwrap();
        let (from_bucket, to_bucket) = (
            BucketName::new("originals").unwrap(),
            BucketName::new("copies").unwrap(),
        );
        let (from, to) = (
            ObjectKey::new("a b/ü+.pdf").unwrap(),
            ObjectKey::new("copies/ü+.pdf").unwrap(),
        );
        for limit in [MAX_SINGLE_COPY, 0] {
            // One CopyObject, then the part-by-part path objects above 5 GiB take.
            let copy = Copy {
                from: (&from_bucket, &from),
                to: (&to_bucket, &to),
                overwrite: true,
                control: &TransferControl::default(),
                journal: None,
            };
            copy_with_limit(&connection, copy, limit).await.unwrap();
            let copied = object_properties(&connection, &to_bucket, &to)
                .await
                .unwrap();
            assert_eq!(copied.size, 15);
            assert_eq!(copied.content_type.as_deref(), Some("application/pdf"));
            assert_eq!(copied.metadata, [("owner".to_owned(), "pail".to_owned())]);
            assert!(
                object_exists(&connection, &from_bucket, &from)
                    .await
                    .unwrap(),
                "a copy"
            );
        }
        let again = copy_object(&connection, &from_bucket, &from, &to_bucket, &to, false).await;
        assert_eq!(again, Err(TransferError::Exists("copies/ü+.pdf".into())));
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn a_copy_part_by_part_keeps_content_type_and_metadata() {
        let server =
            crate::demo::server::LocalServer::start_temporary("AKTEST", "secret-test").unwrap();
        server.create_bucket("copies").unwrap();
        let connection = server.connection();
        let bucket = BucketName::new("copies").unwrap();
        connection
            .client()
            .put_object()
            .bucket("copies")
            .key("big.pdf")
            .content_type("application/pdf")
            .metadata("owner", "pail")
            .body(ByteStream::from_static(
                b"%PDF- pretend this is above 5 GiB",
            ))
            .send()
            .await
            .unwrap();
        let (from, to) = (
            ObjectKey::new("big.pdf").unwrap(),
            ObjectKey::new("moved/big.pdf").unwrap(),
        );
        // A limit of 0 bytes takes the multipart path that objects above 5 GiB take.
        rename_with_copy_limit(&connection, &bucket, &from, &to, false, 0)
            .await
            .unwrap();
        let moved = object_properties(&connection, &bucket, &to).await.unwrap();
        assert_eq!(moved.content_type.as_deref(), Some("application/pdf"));
        assert_eq!(moved.metadata, [("owner".to_owned(), "pail".to_owned())]);
        assert!(!object_exists(&connection, &bucket, &from).await.unwrap());
    }
}
