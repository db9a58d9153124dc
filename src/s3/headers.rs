//! An object's headers read (HEAD, its tags, its ACL) and an edit written as a copy of the
//! object onto itself (CopyObject with `REPLACE`, part by part above 5 GiB). A copy resets
//! what its request does not carry, so the request carries everything the object had and the
//! edit does not name: storage class, ACL grants, encryption and its KMS key, the website
//! redirect, Object Lock, tags. The copy is sent only if the object is still the one read.

use std::collections::BTreeMap;

use aws_sdk_s3::error::ProvideErrorMetadata as _;
use aws_sdk_s3::types::{
    MetadataDirective, ObjectLockLegalHoldStatus, ObjectLockMode, Permission, ServerSideEncryption,
    StorageClass, TaggingDirective, Type,
};
use aws_smithy_types::DateTime;

use super::connection::Connection;
use super::head::{claimed_size, head};
use super::header_edit::{EditError, EditableHeaders, HeaderEdit, check_result, tagging_header};
use super::transfer::{
    TransferControl, TransferError, finish_multipart, remote, server_copy_config,
};
use crate::model::{BucketName, ObjectKey};

/// What a copy onto itself must carry again, though no one edits it here.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeptHeaders {
    /// `AES256`, `aws:kms`, `aws:kms:dsse`.
    pub encryption: Option<String>,
    pub kms_key_id: Option<String>,
    pub bucket_key: Option<bool>,
    /// Encrypted with the person's own key (SSE-C), which Pail does not hold.
    pub customer_key: bool,
    pub website_redirect: Option<String>,
    pub lock_mode: Option<String>,
    /// Seconds since the Unix epoch.
    pub lock_retain_until: Option<i64>,
    pub legal_hold: Option<String>,
    /// The ACL's grants as `x-amz-grant-*` headers (permission, grantees); `None` when the
    /// server keeps no ACLs, empty when only the owner has access (what a copy gives anyway).
    pub grants: Option<Vec<(String, String)>>,
    /// The archive it is in and not restored from (GLACIER, DEEP_ARCHIVE, an
    /// Intelligent-Tiering archive tier): S3 cannot copy it.
    pub archived: Option<String>,
    /// An `Expires` header that is not a date: a copy could not keep it.
    pub unreadable_expires: Option<String>,
    /// Whether the server keeps tags (GetObjectTagging answered).
    pub tags_kept: bool,
}

/// One object's headers, as read before an edit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObjectHeaders {
    pub key: String,
    pub size: u64,
    pub etag: Option<String>,
    pub version_id: Option<String>,
    pub editable: EditableHeaders,
    pub kept: KeptHeaders,
}

/// What an edit did to one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edited {
    /// Copied onto itself with the new headers.
    Applied,
    /// It had them already: no copy (and no new version) was made.
    AlreadySo,
}

/// Why an object was not edited. Nothing of it was changed in each case.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeadersError {
    #[error(
        "it is in {class} and not restored: S3 cannot copy it until it is (restore it, then edit)"
    )]
    NotRestored { class: String },
    #[error("it is encrypted with a customer-provided key (SSE-C), which Pail does not hold")]
    CustomerKey,
    #[error("it changed since Pail read its headers; it was left as it is (read it again)")]
    ChangedSince,
    #[error(
        "Pail could not read its ACL ({0}), so a copy could not keep its grants; it was left as it is"
    )]
    AclUnreadable(String),
    #[error("this server keeps no tags")]
    NoTags,
    #[error(
        "its Expires header `{0}` is not a date a copy can keep: set or remove Expires in the edit"
    )]
    UnreadableExpires(String),
    #[error(transparent)]
    Edit(#[from] EditError),
    #[error(transparent)]
    Transfer(#[from] TransferError),
}

/// Whether an error answer means "this server does not do that" rather than a refusal.
fn not_supported<E: aws_sdk_s3::error::ProvideErrorMetadata>(
    e: &aws_sdk_s3::error::SdkError<E, aws_sdk_s3::config::http::HttpResponse>,
) -> bool {
    let status = e.raw_response().map(|r| r.status().as_u16());
    let code = e.code().unwrap_or_default();
    matches!(status, Some(501) | Some(405))
        || matches!(
            code,
            "NotImplemented" | "MethodNotAllowed" | "AccessControlListNotSupported"
        )
}

/// Reads `key`'s headers: HEAD, then its tags and its ACL where the server keeps them.
pub async fn read_headers(
    connection: &Connection,
    bucket: &BucketName,
    key: &ObjectKey,
) -> Result<
    (
        ObjectHeaders,
        aws_sdk_s3::operation::head_object::HeadObjectOutput,
    ),
    HeadersError,
> {
    let head = head(connection, bucket, key)
        .await
        .map_err(|e| remote(&e))?;
    let size = claimed_size(key, &head)?;
    let client = connection.client();
    // An archived object's tags and ACL may not be served (moto refuses them); it cannot be
    // edited anyway, and says so.
    if archived_class(&head).is_some() {
        let mut headers = from_head(key, size, &head, BTreeMap::new());
        headers.kept.grants = None;
        return Ok((headers, head));
    }
    let tags = client
        .get_object_tagging()
        .bucket(bucket.as_str())
        .key(key.as_str())
        .send()
        .await;
    let (tags, tags_kept) = match tags {
        Ok(answer) => (
            answer
                .tag_set()
                .iter()
                .map(|t| (t.key().to_owned(), t.value().to_owned()))
                .collect(),
            true,
        ),
        Err(e) if not_supported(&e) => (BTreeMap::new(), false),
        Err(e) => return Err(remote(&e).into()),
    };
    let acl = client
        .get_object_acl()
        .bucket(bucket.as_str())
        .key(key.as_str())
        .send()
        .await;
    let grants = match acl {
        Ok(answer) => Some(grant_headers(&answer)),
        Err(e) if not_supported(&e) => None,
        Err(e) => {
            return Err(HeadersError::AclUnreadable(crate::fmt::error_text(&e)));
        }
    };
    let mut headers = from_head(key, size, &head, tags);
    headers.kept.grants = grants;
    headers.kept.tags_kept = tags_kept;
    Ok((headers, head))
}

/// The class of an archived object S3 cannot copy until it is restored.
fn archived_class(head: &aws_sdk_s3::operation::head_object::HeadObjectOutput) -> Option<String> {
    let restored = head
        .restore()
        .is_some_and(|r| r.contains("ongoing-request=\"false\""));
    let class = head
        .storage_class()
        .map(|c| c.as_str())
        .unwrap_or("STANDARD");
    match (restored, head.archive_status()) {
        (true, _) => None,
        (false, Some(tier)) => Some(format!("Intelligent-Tiering's {}", tier.as_str())),
        (false, None) if matches!(class, "GLACIER" | "DEEP_ARCHIVE") => Some(class.to_owned()),
        (false, None) => None,
    }
}

/// What HEAD tells of an object (its tags given; its ACL not yet read).
fn from_head(
    key: &ObjectKey,
    size: u64,
    head: &aws_sdk_s3::operation::head_object::HeadObjectOutput,
    tags: BTreeMap<String, String>,
) -> ObjectHeaders {
    let metadata = head
        .metadata()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
                .collect()
        })
        .unwrap_or_default();
    let text = |s: Option<&str>| s.map(str::to_owned);
    // The SDK's parsed date is the one a copy can send back; its raw text tells a date it
    // could not read from none at all.
    #[allow(deprecated)]
    let expires = head.expires().map(DateTime::secs);
    let unreadable_expires = match (head.expires_string(), expires) {
        (Some(text), None) if !text.trim().is_empty() => Some(text.to_owned()),
        _ => None,
    };
    let editable = EditableHeaders {
        content_type: text(head.content_type()),
        cache_control: text(head.cache_control()),
        content_disposition: text(head.content_disposition()),
        content_encoding: text(head.content_encoding()),
        content_language: text(head.content_language()),
        expires,
        metadata,
        storage_class: head
            .storage_class()
            .map(|c| c.as_str().to_owned())
            .filter(|c| c != "STANDARD"),
        tags,
    };
    let kept = KeptHeaders {
        encryption: head.server_side_encryption().map(|e| e.as_str().to_owned()),
        kms_key_id: text(head.ssekms_key_id()),
        bucket_key: head.bucket_key_enabled(),
        customer_key: head.sse_customer_algorithm().is_some(),
        website_redirect: text(head.website_redirect_location()),
        lock_mode: head.object_lock_mode().map(|m| m.as_str().to_owned()),
        lock_retain_until: head.object_lock_retain_until_date().map(DateTime::secs),
        legal_hold: head
            .object_lock_legal_hold_status()
            .map(|h| h.as_str().to_owned()),
        grants: None,
        archived: archived_class(head),
        unreadable_expires,
        tags_kept: false,
    };
    ObjectHeaders {
        key: key.to_string(),
        size,
        etag: text(head.e_tag()),
        version_id: text(head.version_id()),
        editable,
        kept,
    }
}

/// The ACL's grants as `x-amz-grant-*` headers, or none when the owner alone has full
/// control (a copy's own ACL; sending it would be refused where ACLs are turned off).
fn grant_headers(
    acl: &aws_sdk_s3::operation::get_object_acl::GetObjectAclOutput,
) -> Vec<(String, String)> {
    let owner = acl.owner().and_then(|o| o.id());
    let mut by_permission: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut only_owner = true;
    for grant in acl.grants() {
        let (Some(grantee), Some(permission)) = (grant.grantee(), grant.permission()) else {
            continue;
        };
        let who = match grantee.r#type() {
            Type::CanonicalUser => grantee.id().map(|id| format!("id=\"{id}\"")),
            Type::Group => grantee.uri().map(|uri| format!("uri=\"{uri}\"")),
            Type::AmazonCustomerByEmail => grantee
                .email_address()
                .map(|mail| format!("emailAddress=\"{mail}\"")),
            _ => None,
        };
        let Some(who) = who else { continue };
        let is_owner_full = *permission == Permission::FullControl
            && grantee.r#type() == &Type::CanonicalUser
            && grantee.id() == owner;
        only_owner &= is_owner_full;
        // An object's ACL has no WRITE; a copy's request has no header for it either.
        if *permission != Permission::Write {
            by_permission
                .entry(permission.as_str().to_owned())
                .or_default()
                .push(who);
        }
    }
    match only_owner {
        true => Vec::new(),
        false => by_permission
            .into_iter()
            .map(|(permission, who)| (permission, who.join(", ")))
            .collect(),
    }
}

/// Why `headers` cannot be copied onto itself, before anything is sent.
fn refusal(headers: &ObjectHeaders, edit: &HeaderEdit) -> Option<HeadersError> {
    let kept = &headers.kept;
    if let Some(class) = &kept.archived {
        return Some(HeadersError::NotRestored {
            class: class.clone(),
        });
    }
    if kept.customer_key {
        return Some(HeadersError::CustomerKey);
    }
    if edit.touches_tags() && !kept.tags_kept {
        return Some(HeadersError::NoTags);
    }
    if let Some(text) = &kept.unreadable_expires
        && edit.expires == super::header_edit::FieldEdit::Keep
    {
        return Some(HeadersError::UnreadableExpires(text.clone()));
    }
    None
}

/// Applies `edit` to `key`: reads it, and copies it onto itself with what it becomes, only if
/// it is still the object read (its ETag). An object that has the edit already is left alone.
pub async fn edit_object(
    connection: &Connection,
    bucket: &BucketName,
    key: &ObjectKey,
    edit: &HeaderEdit,
    control: &TransferControl,
) -> Result<Edited, HeadersError> {
    edit_with_limit(
        connection,
        (bucket, key),
        edit,
        control,
        super::objects::MAX_SINGLE_COPY,
    )
    .await
}

/// [`edit_object`], part by part above `single_copy_limit` bytes.
pub(crate) async fn edit_with_limit(
    connection: &Connection,
    (bucket, key): (&BucketName, &ObjectKey),
    edit: &HeaderEdit,
    control: &TransferControl,
    single_copy_limit: u64,
) -> Result<Edited, HeadersError> {
    control.check()?;
    let (read, first_head) = read_headers(connection, bucket, key).await?;
    if let Some(refused) = refusal(&read, edit) {
        return Err(refused);
    }
    let after = edit.applied_to(&read.editable);
    if after == read.editable {
        return Ok(Edited::AlreadySo);
    }
    check_result(&after)?;
    let request = Rewrite {
        read: &read,
        after: &after,
        tags_replaced: edit.touches_tags(),
    };
    control.check()?;
    still_as_read(connection, (bucket, key), &read, &first_head).await?;
    let sent = if read.size <= single_copy_limit {
        request.copy(connection, bucket, key).await
    } else {
        request
            .copy_in_parts(connection, bucket, key, control)
            .await
    };
    match sent {
        // A part's copy refused under its condition (the whole copy was aborted).
        Err(HeadersError::Transfer(TransferError::Remote(text)))
            if text.contains("PreconditionFailed") =>
        {
            Err(HeadersError::ChangedSince)
        }
        Err(e) => Err(e),
        Ok(()) => Ok(Edited::Applied),
    }
}

/// Whether `key` is still the object read, looked at once more just before the copy. The
/// copy's If-Match cannot tell: the same bytes stored again with other headers (someone
/// else's edit) keep the ETag, and a copy built from the first read would put the old headers
/// back over theirs. S3 has no condition on headers, so this narrows the gap to one request.
async fn still_as_read(
    connection: &Connection,
    (bucket, key): (&BucketName, &ObjectKey),
    read: &ObjectHeaders,
    first: &aws_sdk_s3::operation::head_object::HeadObjectOutput,
) -> Result<(), HeadersError> {
    let now = head(connection, bucket, key)
        .await
        .map_err(|e| remote(&e))?;
    let size = claimed_size(key, &now)?;
    let mut again = from_head(key, size, &now, read.editable.tags.clone());
    // Read apart from HEAD: not looked at again.
    again.kept.grants.clone_from(&read.kept.grants);
    again.kept.tags_kept = read.kept.tags_kept;
    match again == *read && now.last_modified() == first.last_modified() {
        true => Ok(()),
        false => Err(HeadersError::ChangedSince),
    }
}

/// The copy of one object onto itself: what it was, and what it becomes.
struct Rewrite<'a> {
    read: &'a ObjectHeaders,
    after: &'a EditableHeaders,
    tags_replaced: bool,
}

/// Sets on a CopyObject or a CreateMultipartUpload request everything the object keeps and
/// everything it becomes: both builders have the same setters, not the same type.
macro_rules! carry {
    ($request:expr, $rewrite:expr) => {{
        let (after, kept) = ($rewrite.after, &$rewrite.read.kept);
        let grant = |name: &str| {
            kept.grants.as_ref().and_then(|grants| {
                grants
                    .iter()
                    .find(|(permission, _)| permission == name)
                    .map(|(_, who)| who.clone())
            })
        };
        $request
            .set_content_type(after.content_type.clone())
            .set_cache_control(after.cache_control.clone())
            .set_content_disposition(after.content_disposition.clone())
            .set_content_encoding(after.content_encoding.clone())
            .set_content_language(after.content_language.clone())
            .set_expires(after.expires.map(DateTime::from_secs))
            .set_metadata(Some(after.metadata.clone().into_iter().collect()))
            .set_storage_class(after.storage_class.as_deref().map(StorageClass::from))
            .set_server_side_encryption(kept.encryption.as_deref().map(ServerSideEncryption::from))
            .set_ssekms_key_id(kept.kms_key_id.clone())
            .set_bucket_key_enabled(kept.bucket_key)
            .set_website_redirect_location(kept.website_redirect.clone())
            .set_object_lock_mode(kept.lock_mode.as_deref().map(ObjectLockMode::from))
            .set_object_lock_retain_until_date(kept.lock_retain_until.map(DateTime::from_secs))
            .set_object_lock_legal_hold_status(
                kept.legal_hold
                    .as_deref()
                    .map(ObjectLockLegalHoldStatus::from),
            )
            .set_grant_full_control(grant("FULL_CONTROL"))
            .set_grant_read(grant("READ"))
            .set_grant_read_acp(grant("READ_ACP"))
            .set_grant_write_acp(grant("WRITE_ACP"))
    }};
}

impl Rewrite<'_> {
    async fn copy(
        &self,
        connection: &Connection,
        bucket: &BucketName,
        key: &ObjectKey,
    ) -> Result<(), HeadersError> {
        let request = connection
            .client()
            .copy_object()
            .bucket(bucket.as_str())
            .key(key.as_str())
            .copy_source(super::objects::copy_source(bucket, key))
            .set_copy_source_if_match(self.read.etag.clone())
            .metadata_directive(MetadataDirective::Replace);
        let request = match self.tags_replaced {
            true => request
                .tagging_directive(TaggingDirective::Replace)
                .tagging(tagging_header(&self.after.tags)),
            // The server copies the tags itself; the header is left out where it keeps none.
            false if self.read.kept.tags_kept => request.tagging_directive(TaggingDirective::Copy),
            false => request,
        };
        let copied = carry!(request, self)
            .customize()
            .config_override(server_copy_config(connection.stall_timeout()))
            .send()
            .await
            .map_err(|e| match e.raw_response().map(|r| r.status().as_u16()) {
                Some(412) => HeadersError::ChangedSince,
                _ => remote(&e).into(),
            })?;
        // S3 names the copy it made (its ETag); a 200 without one (an empty body, a page a
        // proxy sent) says nothing was copied, and is not taken for an edit made.
        match copied.copy_object_result().and_then(|r| r.e_tag()) {
            Some(_) => Ok(()),
            None => Err(TransferError::Remote(
                "the server answered the copy without naming a copy made (no CopyObjectResult): the edit may not have been made".into(),
            )
            .into()),
        }
    }

    /// Above 5 GiB: a multipart upload onto the same key whose parts the server copies from
    /// the object, each only if it is still the object read; it replaces the object when it
    /// completes, and is aborted on any failure.
    async fn copy_in_parts(
        &self,
        connection: &Connection,
        bucket: &BucketName,
        key: &ObjectKey,
        control: &TransferControl,
    ) -> Result<(), HeadersError> {
        let request = connection
            .client()
            .create_multipart_upload()
            .bucket(bucket.as_str())
            .key(key.as_str());
        // A new upload carries no tags unless given them.
        let request = match self.after.tags.is_empty() {
            true => request,
            false => request.tagging(tagging_header(&self.after.tags)),
        };
        let upload_id = carry!(request, self)
            .send()
            .await
            .map_err(|e| remote(&e))?
            .upload_id()
            .map(str::to_owned)
            .ok_or_else(|| TransferError::Remote("S3 gave no upload id".into()))?;
        let source = super::objects::copy_source(bucket, key);
        let changed = std::sync::atomic::AtomicBool::new(false);
        let parts = async {
            let parts = super::objects::copy_parts(
                connection,
                (bucket, key),
                (&source, self.read.etag.as_deref()),
                self.read.size,
                &upload_id,
                control,
            )
            .await;
            // Not every server holds a part's copy to its condition (s3s-fs does not): the
            // object is looked at once more before the parts replace it, and a failed part
            // is told apart from an object that changed.
            let now = super::head::object_head(connection, bucket, key, None).await;
            if now.map(|(_, etag)| etag).ok() != Some(self.read.etag.clone()) {
                changed.store(true, std::sync::atomic::Ordering::Relaxed);
                return Err(TransferError::Remote("the object changed".into()));
            }
            parts
        };
        let done = finish_multipart(connection, (bucket, key, true), &upload_id, None, parts).await;
        match done {
            Err(_) if changed.load(std::sync::atomic::Ordering::Relaxed) => {
                Err(HeadersError::ChangedSince)
            }
            other => other.map_err(HeadersError::from),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::s3::header_edit::FieldEdit;
    use aws_sdk_s3::primitives::ByteStream;

    async fn server_with(key: &str) -> (crate::demo::server::LocalServer, Connection) {
        let server =
            crate::demo::server::LocalServer::start_temporary("AKTEST", "secret-test").unwrap();
        server.create_bucket("site").unwrap();
        let connection = server.connection();
        connection
            .client()
            .put_object()
            .bucket("site")
            .key(key)
            .content_type("application/octet-stream")
            .content_language("pt")
            .metadata("owner", "ana")
            .metadata("draft", "yes")
            .body(ByteStream::from_static(b"<html>hello</html>"))
            .send()
            .await
            .unwrap();
        (server, connection)
    }

    fn the_edit() -> HeaderEdit {
        HeaderEdit {
            content_type: FieldEdit::Set("text/html; charset=utf-8".into()),
            cache_control: FieldEdit::Set("max-age=300".into()),
            set_metadata: BTreeMap::from([("reviewed".into(), "2026-12-06".into())]),
            remove_metadata: ["draft".to_owned()].into(),
            ..HeaderEdit::default()
        }
        .checked()
        .unwrap()
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn an_edit_replaces_what_it_names_and_keeps_the_rest_in_one_copy_or_in_parts() {
        for (key, limit) in [("a b/ü+&.html", MAX), ("big?.html", 0)] {
            let (_server, connection) = server_with(key).await;
            let (bucket, key) = (
                BucketName::new("site").unwrap(),
                ObjectKey::new(key).unwrap(),
            );
            let control = TransferControl::default();
            let done = edit_with_limit(&connection, (&bucket, &key), &the_edit(), &control, limit)
                .await
                .unwrap();
            assert_eq!(done, Edited::Applied);
            let (after, _) = read_headers(&connection, &bucket, &key).await.unwrap();
            let h = &after.editable;
            assert_eq!(h.content_type.as_deref(), Some("text/html; charset=utf-8"));
            assert_eq!(h.cache_control.as_deref(), Some("max-age=300"));
            assert_eq!(h.content_language.as_deref(), Some("pt"), "kept");
            assert_eq!(
                h.metadata,
                BTreeMap::from([
                    ("owner".into(), "ana".into()),
                    ("reviewed".into(), "2026-12-06".into())
                ])
            );
            assert_eq!(after.size, 18, "the bytes stay");
            let again = edit_with_limit(&connection, (&bucket, &key), &the_edit(), &control, limit)
                .await
                .unwrap();
            assert_eq!(
                again,
                Edited::AlreadySo,
                "no copy when nothing would change"
            );
        }
    }

    const MAX: u64 = crate::s3::objects::MAX_SINGLE_COPY;

    #[tokio::test(flavor = "multi_thread")]
    async fn an_object_changed_after_it_was_read_is_left_as_it_is() {
        // The newer object as long as the old (every part's range still fits) and shorter.
        for (in_parts, newer) in [
            (false, &b"<html>HELLO</html>"[..]),
            (true, b"<html>HELLO</html>"),
            (true, b"short"),
        ] {
            let (_server, connection) = server_with("page.html").await;
            let (bucket, key) = (
                BucketName::new("site").unwrap(),
                ObjectKey::new("page.html").unwrap(),
            );
            let (read, _) = read_headers(&connection, &bucket, &key).await.unwrap();
            // Someone else writes the object between Pail's read and its copy.
            connection
                .client()
                .put_object()
                .bucket("site")
                .key("page.html")
                .content_type("text/plain")
                .body(ByteStream::from(newer.to_vec()))
                .send()
                .await
                .unwrap();
            let after = the_edit().applied_to(&read.editable);
            let rewrite = Rewrite {
                read: &read,
                after: &after,
                tags_replaced: false,
            };
            let sent = match in_parts {
                false => rewrite.copy(&connection, &bucket, &key).await,
                true => {
                    let control = TransferControl::default();
                    rewrite
                        .copy_in_parts(&connection, &bucket, &key, &control)
                        .await
                }
            };
            assert_eq!(
                sent,
                Err(HeadersError::ChangedSince),
                "in parts: {in_parts}"
            );
            let (now, _) = read_headers(&connection, &bucket, &key).await.unwrap();
            assert_eq!(now.editable.content_type.as_deref(), Some("text/plain"));
            assert_eq!(now.size, newer.len() as u64, "the newer object stays");
        }
    }

    fn archived(class: &str, restore: Option<&str>) -> ObjectHeaders {
        let head = aws_sdk_s3::operation::head_object::HeadObjectOutput::builder()
            .storage_class(StorageClass::from(class))
            .set_restore(restore.map(str::to_owned))
            .build();
        let mut headers = from_head(&ObjectKey::new("a").unwrap(), 1, &head, BTreeMap::new());
        headers.kept.tags_kept = true;
        headers
    }

    #[test]
    fn archived_objects_not_restored_are_skipped_with_that_reason() {
        let edit = the_edit();
        for class in ["GLACIER", "DEEP_ARCHIVE"] {
            assert_eq!(
                refusal(&archived(class, None), &edit),
                Some(HeadersError::NotRestored {
                    class: class.into()
                })
            );
            let ongoing = archived(class, Some("ongoing-request=\"true\""));
            assert!(refusal(&ongoing, &edit).is_some(), "still being restored");
            let restored = archived(
                class,
                Some("ongoing-request=\"false\", expiry-date=\"Fri, 21 Dec 2026 00:00:00 GMT\""),
            );
            assert_eq!(refusal(&restored, &edit), None);
        }
        assert_eq!(refusal(&archived("GLACIER_IR", None), &edit), None);
        let tiered = aws_sdk_s3::operation::head_object::HeadObjectOutput::builder()
            .storage_class(StorageClass::IntelligentTiering)
            .archive_status(aws_sdk_s3::types::ArchiveStatus::DeepArchiveAccess)
            .build();
        let tiered = from_head(&ObjectKey::new("a").unwrap(), 1, &tiered, BTreeMap::new());
        assert!(matches!(
            refusal(&tiered, &edit),
            Some(HeadersError::NotRestored { .. })
        ));
        let mut sse_c = archived("STANDARD_IA", None);
        sse_c.kept.customer_key = true;
        assert_eq!(refusal(&sse_c, &edit), Some(HeadersError::CustomerKey));
        let mut no_tags = archived("STANDARD_IA", None);
        no_tags.kept.tags_kept = false;
        let tag_edit = HeaderEdit {
            set_tags: BTreeMap::from([("a".into(), "b".into())]),
            ..HeaderEdit::default()
        };
        assert_eq!(refusal(&no_tags, &tag_edit), Some(HeadersError::NoTags));
    }
}
