//! The local server's S3 operations: s3s-fs over a folder, with listings answered as S3 answers
//! them. s3s-fs 0.14.1 says `EncodingType: url` when asked but encodes nothing, and hands out
//! the last key of a page, raw, as the continuation token: a key with a control character then
//! makes every listing of its folder unreadable XML. This wrapper encodes the listed names when
//! the request asks for it, makes the tokens opaque text, as S3's are, and answers a quiet
//! delete with its failures only, as S3 does. Every key goes to s3s-fs as the name of its file
//! (see `file_names`: on Windows not the key itself) and comes back as the key; listings are
//! made here from every name of the folder listed (see `listing`). Every other operation
//! s3s-fs implements is passed on unchanged; the demo and the tests both run on it.

use s3s::dto::*;
use s3s::{S3, S3Request, S3Response, S3Result, s3_error};

use super::file_names::KeyNames;
use super::join::PartDigests;
use super::listing::{Page, Query, page, token_in, token_out, url_encode};
use super::object_body::{Opened, plain_path, range_start};
use super::put::Puts;

/// s3s-fs with listings as S3 answers them.
pub(crate) struct Store {
    files: s3s_fs::FileSystem,
    /// The folder s3s-fs keeps the buckets in, as s3s-fs resolved it.
    root: std::path::PathBuf,
    names: KeyNames,
    /// The parts' MD5s as they arrived, so a join need not read them back (see `join`).
    parts: PartDigests,
    /// One CompleteMultipartUpload at a time: two of one upload at once must not both join it.
    joins: tokio::sync::Mutex<()>,
    /// PutObject as s3s-fs stores it, with the MD5s of bodies arriving together taken together.
    puts: Option<Puts>,
}

impl Store {
    pub(crate) fn new(files: s3s_fs::FileSystem, root: &std::path::Path, names: KeyNames) -> Self {
        // s3s-fs resolves its folder the same way.
        let root = std::env::current_dir()
            .map(|d| d.join(root))
            .and_then(|r| r.canonicalize())
            .unwrap_or_else(|_| root.to_owned());
        Self {
            files,
            parts: PartDigests::new(&root),
            puts: Puts::new(&root),
            root,
            names,
            joins: tokio::sync::Mutex::new(()),
        }
    }

    /// The name of `key`'s file in `bucket`, for s3s-fs; S3's KeyTooLongError for a key no
    /// file name can hold, or whose metadata's file name would be too long (`upload`: for a
    /// multipart upload, whose metadata's name is longer).
    fn file(&self, bucket: &str, key: &str, upload: bool) -> S3Result<String> {
        let file = self.names.file_of(key);
        if !self.names.fits(&file) || !metadata_fits(bucket, &file, upload) {
            return Err(s3_error!(
                KeyTooLongError,
                "Your key is too long: this server keeps each key as a file name"
            ));
        }
        Ok(file)
    }

    /// The copy's source, its key as its file's name.
    fn source(&self, source: &mut CopySource) -> S3Result<()> {
        if let CopySource::Bucket { bucket, key, .. } = source {
            *key = self.file(bucket, key, false)?.into();
        }
        Ok(())
    }

    /// Every object of `bucket` whose key may start with `prefix`, by key, in no order; with
    /// `delimiter` `/`, the folders below `prefix`'s folder stand for their objects, as
    /// objects named after them (ending in `/`, which no listed object's key does).
    async fn objects<T>(
        &self,
        req: &S3Request<T>,
        bucket: &str,
        prefix: &str,
        delimiter: Option<&str>,
    ) -> S3Result<Vec<Object>> {
        // Whole segments name the same folders as keys and as files; a part segment does not.
        let folder = prefix.rfind('/').map_or("", |at| &prefix[..=at]);
        // s3s-fs then reads no folder beside the one listed, and reads the size and date of
        // no file in its sub-folders: a small folder beside a big one lists quickly.
        let by_folder = delimiter == Some("/");
        let input = ListObjectsV2Input::builder()
            .bucket(bucket.to_owned())
            .prefix(Some(self.names.file_of(folder)))
            .delimiter(by_folder.then(|| "/".to_owned()))
            .max_keys(Some(i32::MAX))
            .build()
            .map_err(|_| s3_error!(InvalidRequest))?;
        let listed = self
            .files
            .list_objects_v2(self.probe(req, input))
            .await?
            .output;
        let mut objects = listed.contents.unwrap_or_default();
        objects.extend(
            listed
                .common_prefixes
                .into_iter()
                .flatten()
                .map(|folder| Object {
                    key: folder.prefix,
                    ..Object::default()
                }),
        );
        objects.retain_mut(|object| {
            // A file no key is named after (written there by hand) is no object.
            object.key = object.key.as_deref().and_then(|f| self.names.key_of(f));
            object.key.is_some()
        });
        Ok(objects)
    }

    /// A request of `input`, made by whoever made `req`: to look before `req` is carried out.
    fn probe<T, U>(&self, req: &S3Request<T>, input: U) -> S3Request<U> {
        S3Request {
            input,
            method: req.method.clone(),
            uri: req.uri.clone(),
            headers: Default::default(),
            extensions: Default::default(),
            credentials: req.credentials.clone(),
            region: req.region.clone(),
            service: req.service.clone(),
            trailing_headers: None,
        }
    }
}

/// s3s-fs keeps an object's metadata beside the buckets in files named after its bucket and
/// its key's file in base64 (`.bucket-B.object-K.upload-ID.metadata.json`, the longest): a
/// key whose file makes that name longer than a file name may be (255) cannot be kept, on
/// any system.
fn metadata_fits(bucket: &str, file: &str, upload: bool) -> bool {
    let base64 = |n: usize| (n * 4).div_ceil(3);
    let upload = if upload { ".upload-".len() + 36 } else { 0 };
    let name = ".bucket-".len() + base64(bucket.len()) + ".object-".len() + base64(file.len());
    name + upload + ".metadata.json".len() <= 255
}

fn asks_for_url(encoding: Option<&EncodingType>) -> bool {
    encoding.is_some_and(|e| e.as_str() == EncodingType::URL)
}

/// Encodes `name` in place when `encode`.
fn encode_in_place(name: &mut Option<String>, encode: bool) {
    if encode && let Some(text) = name.as_mut() {
        *text = url_encode(text);
    }
}

/// The listed keys and common prefixes of a page, encoded when `encode`.
fn encode_rows(
    contents: &mut Option<Vec<Object>>,
    prefixes: &mut Option<Vec<CommonPrefix>>,
    encode: bool,
) {
    for object in contents.iter_mut().flatten() {
        encode_in_place(&mut object.key, encode);
    }
    for prefix in prefixes.iter_mut().flatten() {
        encode_in_place(&mut prefix.prefix, encode);
    }
}

/// A page's rows as S3 lists them: absent when there are none.
fn rows_of(
    objects: Vec<Object>,
    prefixes: Vec<String>,
) -> (Option<Vec<Object>>, Option<Vec<CommonPrefix>>) {
    let prefixes: Vec<CommonPrefix> = prefixes
        .into_iter()
        .map(|prefix| CommonPrefix {
            prefix: Some(prefix),
        })
        .collect();
    (
        (!objects.is_empty()).then_some(objects),
        (!prefixes.is_empty()).then_some(prefixes),
    )
}

fn bad_token() -> s3s::S3Error {
    s3_error!(
        InvalidArgument,
        "The continuation token provided is incorrect"
    )
}

#[async_trait::async_trait]
impl S3 for Store {
    async fn list_objects_v2(
        &self,
        req: S3Request<ListObjectsV2Input>,
    ) -> S3Result<S3Response<ListObjectsV2Output>> {
        let input = &req.input;
        let encode = asks_for_url(input.encoding_type.as_ref());
        let after_row = match &input.continuation_token {
            Some(token) => Some(token_in(token).ok_or_else(bad_token)?),
            None => None,
        };
        let prefix = input.prefix.as_deref().unwrap_or("");
        let delimiter = input.delimiter.as_deref();
        let objects = self.objects(&req, &input.bucket, prefix, delimiter).await?;
        let max_keys = input.max_keys.unwrap_or(1000);
        let page = page(
            objects,
            &Query {
                prefix,
                delimiter: input.delimiter.as_deref(),
                after_key: input.start_after.as_deref(),
                after_row: after_row.as_deref(),
                max_keys: usize::try_from(max_keys).unwrap_or(1000),
            },
        );
        let input = req.input;
        let rows = i32::try_from(page.rows()).unwrap_or(i32::MAX);
        let (contents, common_prefixes) = rows_of(page.objects, page.prefixes);
        let mut output = ListObjectsV2Output {
            key_count: Some(rows),
            max_keys: Some(max_keys),
            is_truncated: Some(page.next.is_some()),
            contents,
            common_prefixes,
            continuation_token: input.continuation_token,
            next_continuation_token: page.next.as_deref().map(token_out),
            delimiter: input.delimiter,
            name: Some(input.bucket),
            prefix: input.prefix,
            start_after: input.start_after,
            ..Default::default()
        };
        encode_rows(&mut output.contents, &mut output.common_prefixes, encode);
        encode_in_place(&mut output.prefix, encode);
        encode_in_place(&mut output.delimiter, encode);
        encode_in_place(&mut output.start_after, encode);
        output.encoding_type = encode.then(|| EncodingType::from_static(EncodingType::URL));
        Ok(S3Response::new(output))
    }

    /// A v1 marker is a key, or the common prefix that ended the page before.
    async fn list_objects(
        &self,
        req: S3Request<ListObjectsInput>,
    ) -> S3Result<S3Response<ListObjectsOutput>> {
        let input = &req.input;
        let encode = asks_for_url(input.encoding_type.as_ref());
        let prefix = input.prefix.as_deref().unwrap_or("");
        let delimiter = input.delimiter.as_deref();
        let objects = self.objects(&req, &input.bucket, prefix, delimiter).await?;
        let max_keys = input.max_keys.unwrap_or(1000);
        let page: Page = page(
            objects,
            &Query {
                prefix,
                delimiter: input.delimiter.as_deref(),
                after_key: input.marker.as_deref(),
                after_row: input.marker.as_deref(),
                max_keys: usize::try_from(max_keys).unwrap_or(1000),
            },
        );
        let input = req.input;
        let (contents, common_prefixes) = rows_of(page.objects, page.prefixes);
        let mut output = ListObjectsOutput {
            max_keys: Some(max_keys),
            is_truncated: Some(page.next.is_some()),
            contents,
            common_prefixes,
            next_marker: page.next,
            delimiter: input.delimiter,
            name: Some(input.bucket),
            prefix: input.prefix,
            marker: input.marker,
            ..Default::default()
        };
        encode_rows(&mut output.contents, &mut output.common_prefixes, encode);
        encode_in_place(&mut output.prefix, encode);
        encode_in_place(&mut output.delimiter, encode);
        encode_in_place(&mut output.marker, encode);
        encode_in_place(&mut output.next_marker, encode);
        output.encoding_type = encode.then(|| EncodingType::from_static(EncodingType::URL));
        Ok(S3Response::new(output))
    }

    async fn create_bucket(
        &self,
        req: S3Request<CreateBucketInput>,
    ) -> S3Result<S3Response<CreateBucketOutput>> {
        self.files.create_bucket(req).await
    }

    /// S3 deletes only an empty bucket (409 BucketNotEmpty); s3s-fs 0.14.1 deletes the
    /// bucket's folder with everything in it.
    async fn delete_bucket(
        &self,
        req: S3Request<DeleteBucketInput>,
    ) -> S3Result<S3Response<DeleteBucketOutput>> {
        let input = ListObjectsV2Input::builder()
            .bucket(req.input.bucket.clone())
            .max_keys(Some(1))
            .build()
            .map_err(|_| s3_error!(InvalidRequest))?;
        let listed = self.files.list_objects_v2(self.probe(&req, input)).await?;
        if listed.output.key_count.unwrap_or(0) > 0
            || listed
                .output
                .contents
                .as_ref()
                .is_some_and(|c| !c.is_empty())
        {
            return Err(s3_error!(
                BucketNotEmpty,
                "the bucket you tried to delete is not empty"
            ));
        }
        self.files.delete_bucket(req).await
    }

    async fn head_bucket(
        &self,
        req: S3Request<HeadBucketInput>,
    ) -> S3Result<S3Response<HeadBucketOutput>> {
        self.files.head_bucket(req).await
    }

    async fn get_bucket_location(
        &self,
        req: S3Request<GetBucketLocationInput>,
    ) -> S3Result<S3Response<GetBucketLocationOutput>> {
        self.files.get_bucket_location(req).await
    }

    async fn list_buckets(
        &self,
        req: S3Request<ListBucketsInput>,
    ) -> S3Result<S3Response<ListBucketsOutput>> {
        self.files.list_buckets(req).await
    }

    async fn get_object(
        &self,
        mut req: S3Request<GetObjectInput>,
    ) -> S3Result<S3Response<GetObjectOutput>> {
        req.input.key = self.file(&req.input.bucket, &req.input.key, false)?;
        // No put half in place while the file is opened and the record read (see `put`).
        let _put_whole = Puts::reading(self.puts.as_ref(), &req.input.bucket, &req.input.key).await;
        // Opened before s3s-fs opens it: see `object_body`.
        let opened =
            plain_path(&self.root, &req.input.bucket, &req.input.key).and_then(Opened::open);
        let mut response = self.files.get_object(req).await?;
        let output = &mut response.output;
        let length = output.content_length.and_then(|l| u64::try_from(l).ok());
        let (start, whole) = match output.content_range.as_deref() {
            Some(range) => range_start(range).unzip(),
            None => (Some(0), length),
        };
        if let (Some(opened), Some(start), Some(length), Some(whole)) =
            (opened, start, length, whole)
            && let Some(body) = opened.body(start, length, whole)
        {
            output.body = Some(StreamingBlob::from(s3s::Body::http_body(body)));
        }
        Ok(response)
    }

    async fn head_object(
        &self,
        mut req: S3Request<HeadObjectInput>,
    ) -> S3Result<S3Response<HeadObjectOutput>> {
        req.input.key = self.file(&req.input.bucket, &req.input.key, false)?;
        let _put_whole = Puts::reading(self.puts.as_ref(), &req.input.bucket, &req.input.key).await;
        self.files.head_object(req).await
    }

    async fn put_object(
        &self,
        mut req: S3Request<PutObjectInput>,
    ) -> S3Result<S3Response<PutObjectOutput>> {
        req.input.key = self.file(&req.input.bucket, &req.input.key, false)?;
        match self
            .puts
            .as_ref()
            .and_then(|p| Some((p, p.takes(&req.input)?)))
        {
            Some((puts, object)) => puts.put(req, object).await,
            None => self.files.put_object(req).await,
        }
    }

    /// S3 refuses a copy sent with `If-None-Match: *` onto a key that is taken (412), as it
    /// refuses such a put; s3s-fs 0.14.1 knows the header on puts only.
    async fn copy_object(
        &self,
        mut req: S3Request<CopyObjectInput>,
    ) -> S3Result<S3Response<CopyObjectOutput>> {
        req.input.key = self.file(&req.input.bucket, &req.input.key, false)?;
        self.source(&mut req.input.copy_source)?;
        let only_if_absent = req
            .headers
            .get("if-none-match")
            .is_some_and(|value| value.as_bytes() == b"*");
        if only_if_absent {
            let input = HeadObjectInput::builder()
                .bucket(req.input.bucket.clone())
                .key(req.input.key.clone())
                .build()
                .map_err(|_| s3_error!(InvalidRequest))?;
            if self
                .files
                .head_object(self.probe(&req, input))
                .await
                .is_ok()
            {
                return Err(s3_error!(PreconditionFailed, "the key is taken"));
            }
        }
        let _source_whole = Puts::reading_source(self.puts.as_ref(), &req.input.copy_source).await;
        self.files.copy_object(req).await
    }

    /// S3 deletes under `If-Match` only the object of that ETag (412 otherwise); s3s-fs
    /// 0.14.1 does not know the header on deletes.
    async fn delete_object(
        &self,
        mut req: S3Request<DeleteObjectInput>,
    ) -> S3Result<S3Response<DeleteObjectOutput>> {
        req.input.key = self.file(&req.input.bucket, &req.input.key, false)?;
        if let Some(expected) = req.input.if_match.as_ref().and_then(|c| c.as_etag()) {
            let input = HeadObjectInput::builder()
                .bucket(req.input.bucket.clone())
                .key(req.input.key.clone())
                .build()
                .map_err(|_| s3_error!(InvalidRequest))?;
            let held = self.files.head_object(self.probe(&req, input)).await;
            let same = held
                .ok()
                .and_then(|held| held.output.e_tag)
                .is_some_and(|held| expected.strong_cmp(&held));
            if !same {
                return Err(s3_error!(PreconditionFailed, "the object has another ETag"));
            }
        }
        self.files.delete_object(req).await
    }

    /// S3 answers a quiet delete with its failures only; s3s-fs names every key, raw, which is
    /// XML no reader accepts once a key holds a control character.
    async fn delete_objects(
        &self,
        mut req: S3Request<DeleteObjectsInput>,
    ) -> S3Result<S3Response<DeleteObjectsOutput>> {
        let quiet = req.input.delete.quiet == Some(true);
        // The key of each file name, to name the deleted keys; a key no file name can hold
        // is a failure of its own.
        let mut keys = std::collections::HashMap::new();
        let mut errors = Vec::new();
        let mut objects = Vec::with_capacity(req.input.delete.objects.len());
        for mut object in std::mem::take(&mut req.input.delete.objects) {
            match self.file(&req.input.bucket, &object.key, false) {
                Ok(file) => {
                    keys.insert(file.clone(), std::mem::replace(&mut object.key, file));
                    objects.push(object);
                }
                Err(e) => errors.push(Error {
                    code: Some(e.code().as_str().to_owned()),
                    key: Some(object.key),
                    message: e.message().map(str::to_owned),
                    version_id: object.version_id,
                }),
            }
        }
        req.input.delete.objects = objects;
        let mut response = self.files.delete_objects(req).await?;
        let output = &mut response.output;
        for deleted in output.deleted.iter_mut().flatten() {
            if let Some(key) = deleted.key.as_ref().and_then(|f| keys.get(f)) {
                deleted.key = Some(key.clone());
            }
        }
        for error in output.errors.iter_mut().flatten() {
            if let Some(key) = error.key.as_ref().and_then(|f| keys.get(f)) {
                error.key = Some(key.clone());
            }
        }
        if !errors.is_empty() {
            output.errors.get_or_insert_default().extend(errors);
        }
        if quiet {
            output.deleted = None;
        }
        Ok(response)
    }

    async fn create_multipart_upload(
        &self,
        mut req: S3Request<CreateMultipartUploadInput>,
    ) -> S3Result<S3Response<CreateMultipartUploadOutput>> {
        let file = self.file(&req.input.bucket, &req.input.key, true)?;
        let key = std::mem::replace(&mut req.input.key, file);
        let mut response = self.files.create_multipart_upload(req).await?;
        response.output.key = Some(key);
        Ok(response)
    }

    async fn upload_part(
        &self,
        mut req: S3Request<UploadPartInput>,
    ) -> S3Result<S3Response<UploadPartOutput>> {
        req.input.key = self.file(&req.input.bucket, &req.input.key, true)?;
        let write = self
            .parts
            .writing(&req.input.upload_id, req.input.part_number);
        let response = self.files.upload_part(req).await?;
        write.done(response.output.e_tag.as_ref());
        Ok(response)
    }

    async fn upload_part_copy(
        &self,
        mut req: S3Request<UploadPartCopyInput>,
    ) -> S3Result<S3Response<UploadPartCopyOutput>> {
        req.input.key = self.file(&req.input.bucket, &req.input.key, true)?;
        self.source(&mut req.input.copy_source)?;
        // A part copied is not vouched for by the join: s3s-fs hashes it when it joins.
        let _write = self
            .parts
            .writing(&req.input.upload_id, req.input.part_number);
        self.files.upload_part_copy(req).await
    }

    async fn list_parts(
        &self,
        mut req: S3Request<ListPartsInput>,
    ) -> S3Result<S3Response<ListPartsOutput>> {
        let file = self.file(&req.input.bucket, &req.input.key, true)?;
        let key = std::mem::replace(&mut req.input.key, file);
        let mut response = self.files.list_parts(req).await?;
        response.output.key = Some(key);
        Ok(response)
    }

    async fn complete_multipart_upload(
        &self,
        mut req: S3Request<CompleteMultipartUploadInput>,
    ) -> S3Result<S3Response<CompleteMultipartUploadOutput>> {
        let file = self.file(&req.input.bucket, &req.input.key, true)?;
        let key = std::mem::replace(&mut req.input.key, file);
        let _joining = self.joins.lock().await;
        if self.parts.misnamed_part(&req.input) {
            return Err(s3_error!(InvalidPart, "A part's ETag is not the part's"));
        }
        let mut response = match self.parts.join(&req).await {
            Some(joined) => S3Response::new(joined?),
            None => {
                let id = req.input.upload_id.clone();
                let response = self.files.complete_multipart_upload(req).await?;
                // A Complete refused (a condition not met) leaves the parts as they were.
                self.parts.forget(&id);
                response
            }
        };
        let output = &mut response.output;
        // s3s-fs answers once its `future` is done, with the key that future names.
        if let Some(future) = output.future.take() {
            let key = key.clone();
            output.future = Some(Box::pin(async move {
                let mut done = future.await?;
                done.key = Some(key);
                Ok(done)
            }));
        }
        output.key = Some(key);
        Ok(response)
    }

    async fn abort_multipart_upload(
        &self,
        mut req: S3Request<AbortMultipartUploadInput>,
    ) -> S3Result<S3Response<AbortMultipartUploadOutput>> {
        req.input.key = self.file(&req.input.bucket, &req.input.key, true)?;
        // s3s-fs answers an upload it does not know with AccessDenied; S3 says NoSuchUpload,
        // which tells a client the upload is gone. s3s-fs keeps each upload's owner in
        // `.upload-ID.json` in its folder (IDs are UUIDs: hex digits and dashes).
        let id = &req.input.upload_id;
        let uuid = !id.is_empty() && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
        if !uuid || !self.root.join(format!(".upload-{id}.json")).is_file() {
            return Err(s3_error!(
                NoSuchUpload,
                "The specified upload does not exist"
            ));
        }
        self.parts.forget(id);
        self.files.abort_multipart_upload(req).await
    }
}
