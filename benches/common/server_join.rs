//! How long the bench's server takes to join a multipart upload's parts into the object
//! (CompleteMultipartUpload), timed on its own over loopback. The server joins the parts'
//! files before it answers (`src/demo/join.rs`: appended in the kernel; s3s-fs alone read each
//! part back and hashed it again), so each upload through the capped link ends with that
//! wait, whatever the tool: it bounds the share of the cap any upload can fill.

use std::time::Instant;

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};

/// Seconds CompleteMultipartUpload of `parts` parts of `part_size` bytes took (the parts sent
/// beforehand, not timed), or why it could not be timed.
pub async fn seconds(
    client: &aws_sdk_s3::Client,
    bucket: &str,
    key: &str,
    (parts, part_size): (i32, usize),
) -> Result<f64, String> {
    let upload = client
        .create_multipart_upload()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .map_err(|e| format!("{e:?}"))?;
    let id = upload.upload_id().unwrap_or_default().to_owned();
    let body = bytes::Bytes::from(vec![7u8; part_size]);
    let mut done = Vec::new();
    for number in 1..=parts {
        let sent = client
            .upload_part()
            .bucket(bucket)
            .key(key)
            .upload_id(&id)
            .part_number(number)
            .body(ByteStream::from(body.clone()))
            .send()
            .await
            .map_err(|e| format!("{e:?}"))?;
        done.push(
            CompletedPart::builder()
                .part_number(number)
                .set_e_tag(sent.e_tag().map(str::to_owned))
                .build(),
        );
    }
    let started = Instant::now();
    client
        .complete_multipart_upload()
        .bucket(bucket)
        .key(key)
        .upload_id(&id)
        .multipart_upload(
            CompletedMultipartUpload::builder()
                .set_parts(Some(done))
                .build(),
        )
        .send()
        .await
        .map_err(|e| format!("{e:?}"))?;
    let seconds = started.elapsed().as_secs_f64();
    let _ = client.delete_object().bucket(bucket).key(key).send().await;
    Ok(seconds)
}
