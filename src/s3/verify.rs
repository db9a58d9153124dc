//! Whether a copy holds the same bytes as its original, asked before a move removes the
//! original: the sizes, and a CRC32 both sides agree on. An ETag is no such checksum (it is
//! not an MD5 for multipart or SSE-KMS objects), so only `x-amz-checksum-crc32` counts: whole,
//! or composite (`…-N`, the CRC32 of the parts' CRC32s) where both sides split the object the
//! same way, as Pail's own uploads and copies across servers do.

use std::path::Path;

use base64::Engine;

use super::connection::Connection;
use super::transfer::{
    MULTIPART_THRESHOLD, TransferError, claimed_size, head, local, part_size_for, remote,
};
use crate::model::{BucketName, ObjectKey};

/// One end of a comparison in a bucket.
pub type Place<'a> = (&'a Connection, &'a BucketName, &'a ObjectKey);

/// What the server says it holds: the size, and the checksums it keeps, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stored {
    size: u64,
    crc32: Option<String>,
    /// The full-object CRC64NVME AWS keeps by default for objects sent without a checksum.
    crc64nvme: Option<String>,
    /// The ETag where it is the object's MD5: one part, not encrypted with KMS or a key of the
    /// person's (an ETag is no MD5 then).
    md5: Option<String>,
}

async fn stored((connection, bucket, key): Place<'_>) -> Result<Stored, TransferError> {
    let head = head(connection, bucket, key)
        .await
        .map_err(|e| remote(&e))?;
    Ok(Stored {
        size: claimed_size(key, &head)?,
        crc32: head.checksum_crc32().map(str::to_owned),
        crc64nvme: head.checksum_crc64_nvme().map(str::to_owned),
        md5: etag_md5(&head),
    })
}

/// The ETag of `head` as an MD5 (lowercase hex), where it is one.
fn etag_md5(head: &aws_sdk_s3::operation::head_object::HeadObjectOutput) -> Option<String> {
    use aws_sdk_s3::types::ServerSideEncryption;
    let kms = matches!(
        head.server_side_encryption(),
        Some(ServerSideEncryption::AwsKms | ServerSideEncryption::AwsKmsDsse)
    );
    if kms || head.sse_customer_algorithm().is_some() {
        return None;
    }
    let etag = head.e_tag()?.trim_matches('"').to_ascii_lowercase();
    (etag.len() == 32 && etag.bytes().all(|b| b.is_ascii_hexdigit())).then_some(etag)
}

/// A local file's CRC32: whole, and composite as Pail's uploads split a file of its size.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FileCrc {
    size: u64,
    whole: String,
    /// The whole file's CRC64NVME (always of the whole object on S3, never composite).
    crc64nvme: String,
    /// The whole file's MD5 (lowercase hex), where it was asked for.
    md5: Option<String>,
    /// The composite form, for a file large enough to go in parts.
    composite: Option<String>,
}

fn encode(crc: u32) -> String {
    base64::engine::general_purpose::STANDARD.encode(crc.to_be_bytes())
}

/// Reads the file once, on a blocking thread (a large file takes a while).
async fn file_crc(path: &Path, with_md5: bool) -> Result<FileCrc, TransferError> {
    let owned = path.to_owned();
    let read = tokio::task::spawn_blocking(move || -> std::io::Result<FileCrc> {
        use std::io::Read;
        let mut file = std::fs::File::open(&owned)?;
        let size = file.metadata()?.len();
        let part_size = part_size_for(size);
        let mut whole = crc32fast::Hasher::new();
        let mut whole64 = crc_fast::Digest::new(crc_fast::CrcAlgorithm::Crc64Nvme);
        let mut md5 = with_md5.then(<md5::Md5 as md5::Digest>::new);
        let mut part = crc32fast::Hasher::new();
        let mut in_part = 0u64;
        let mut parts = crc32fast::Hasher::new();
        let mut count = 0u64;
        let mut read = 0u64;
        let mut buffer = vec![0u8; 256 * 1024];
        loop {
            // Never across a part's end, so each part's CRC32 is its own.
            let want = buffer.len().min((part_size - in_part) as usize);
            let n = file.read(&mut buffer[..want])?;
            if n == 0 {
                break;
            }
            whole.update(&buffer[..n]);
            whole64.update(&buffer[..n]);
            if let Some(md5) = &mut md5 {
                md5::Digest::update(md5, &buffer[..n]);
            }
            part.update(&buffer[..n]);
            in_part += n as u64;
            read += n as u64;
            if in_part == part_size {
                let done = std::mem::take(&mut part).finalize();
                parts.update(&done.to_be_bytes());
                count += 1;
                in_part = 0;
            }
        }
        if in_part > 0 {
            parts.update(&part.finalize().to_be_bytes());
            count += 1;
        }
        if read != size {
            return Err(std::io::Error::other(
                "the file changed size while it was being checked",
            ));
        }
        Ok(FileCrc {
            size,
            whole: encode(whole.finalize()),
            crc64nvme: base64::engine::general_purpose::STANDARD
                .encode(whole64.finalize().to_be_bytes()),
            md5: md5.map(|md5| {
                md5::Digest::finalize(md5)
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect()
            }),
            composite: (size > MULTIPART_THRESHOLD)
                .then(|| format!("{}-{count}", encode(parts.finalize()))),
        })
    })
    .await
    .map_err(|e| local(path, e))?;
    read.map_err(|e| local(path, e))
}

/// Why a copy does not pass for its original.
fn differs(what: &str) -> TransferError {
    TransferError::NotVerified(what.to_owned())
}

/// Checks the sizes, then the CRC32s where they can be compared.
fn compare(file: &FileCrc, stored: &Stored, layout_is_ours: bool) -> Result<(), TransferError> {
    if file.size != stored.size {
        return Err(differs(&format!(
            "the file holds {} bytes, the object {}",
            file.size, stored.size
        )));
    }
    if let Some(crc64) = &stored.crc64nvme
        && *crc64 != file.crc64nvme
    {
        return Err(differs("the object's CRC64NVME is not the file's"));
    }
    match &stored.crc32 {
        // No CRC32: the CRC64NVME above where the server keeps one, else the ETag where it is
        // an MD5; with none of them (an object sent in parts without a checksum), the size is
        // what can be compared (with what the transfer checked on the way: each upload's
        // CRC32, a download's size and ETag).
        None if stored.crc64nvme.is_none() => match (&stored.md5, &file.md5) {
            (Some(theirs), Some(ours)) if theirs != ours => {
                Err(differs("the object's MD5 (its ETag) is not the file's"))
            }
            _ => Ok(()),
        },
        None => Ok(()),
        Some(crc) if crc.contains('-') => match &file.composite {
            Some(ours) if ours == crc => Ok(()),
            // Split in other parts than Pail would split it: nothing to compare.
            _ if !layout_is_ours => Ok(()),
            _ => Err(differs("the object's CRC32 is not the file's")),
        },
        Some(crc) if *crc == file.whole => Ok(()),
        Some(_) => Err(differs("the object's CRC32 is not the file's")),
    }
}

/// An upload's object against its file. Pail split the file into parts itself, so a
/// composite checksum must match too.
pub async fn verify_upload(path: &Path, object: Place<'_>) -> Result<(), TransferError> {
    let stored = stored(object).await?;
    compare(&file_crc(path, false).await?, &stored, true)
}

/// A download's file against its object. An object uploaded in parts of another size has a
/// composite checksum that cannot be worked out from the file; then, as with a server that
/// keeps none, the size (and the download's own checks of size and ETag) is what there is.
pub async fn verify_download(object: Place<'_>, path: &Path) -> Result<(), TransferError> {
    let stored = stored(object).await?;
    let with_md5 = stored.crc32.is_none() && stored.crc64nvme.is_none() && stored.md5.is_some();
    compare(&file_crc(path, with_md5).await?, &stored, false)
}

/// A copy in a bucket against its original: the sizes, and the CRC32s where both have one
/// of the same form (whole, or composite of as many parts).
pub async fn verify_copy(original: Place<'_>, copy: Place<'_>) -> Result<(), TransferError> {
    let (original, copy) = (stored(original).await?, stored(copy).await?);
    if original.size != copy.size {
        return Err(differs(&format!(
            "the original holds {} bytes, the copy {}",
            original.size, copy.size
        )));
    }
    if let (Some(a), Some(b)) = (&original.crc64nvme, &copy.crc64nvme)
        && a != b
    {
        return Err(differs("the copy's CRC64NVME is not the original's"));
    }
    let parts = |crc: &str| crc.rsplit_once('-').map(|(_, n)| n.to_owned());
    match (&original.crc32, &copy.crc32) {
        (Some(a), Some(b)) if parts(a) == parts(b) && a != b => {
            Err(differs("the copy's CRC32 is not the original's"))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(size: u64, crc32: Option<&str>) -> Stored {
        Stored {
            size,
            crc32: crc32.map(str::to_owned),
            crc64nvme: None,
            md5: None,
        }
    }

    #[tokio::test]
    async fn a_file_crc_is_whole_and_as_pail_splits_it() {
        let dir = tempfile::tempdir().unwrap();
        let small = dir.path().join("small");
        std::fs::write(&small, b"hello").unwrap();
        let crc = file_crc(&small, true).await.unwrap();
        assert_eq!(crc.whole, encode(crc32fast::hash(b"hello")));
        assert_eq!(crc.md5.as_deref(), Some("5d41402abc4b2a76b9719d911017c592"));
        let crc64 = crc_fast::checksum(crc_fast::CrcAlgorithm::Crc64Nvme, b"hello");
        assert_eq!(
            crc.crc64nvme,
            base64::engine::general_purpose::STANDARD.encode(crc64.to_be_bytes())
        );
        assert_eq!(crc.composite, None);

        let data: Vec<u8> = (0..17 * 1024 * 1024u32).map(|i| (i % 253) as u8).collect();
        let big = dir.path().join("big");
        std::fs::write(&big, &data).unwrap();
        let crc = file_crc(&big, false).await.unwrap();
        let mut parts = crc32fast::Hasher::new();
        for part in data.chunks(part_size_for(data.len() as u64) as usize) {
            parts.update(&crc32fast::hash(part).to_be_bytes());
        }
        assert_eq!(
            crc.composite,
            Some(format!("{}-3", encode(parts.finalize())))
        );
        assert_eq!(crc.whole, encode(crc32fast::hash(&data)));
    }

    #[test]
    fn sizes_and_checksums_decide() {
        let file = FileCrc {
            size: 5,
            whole: "AAAA".into(),
            crc64nvme: "EEEEEEEEEEE=".into(),
            md5: Some("5d41402abc4b2a76b9719d911017c592".into()),
            composite: Some("BBBB-2".into()),
        };
        let with_md5 = |md5: &str| Stored {
            md5: Some(md5.into()),
            ..stored(5, None)
        };
        assert!(compare(&file, &with_md5("5d41402abc4b2a76b9719d911017c592"), false).is_ok());
        assert!(compare(&file, &with_md5("00000000000000000000000000000000"), false).is_err());
        let with_crc64 = |crc64: &str| Stored {
            crc64nvme: Some(crc64.into()),
            ..stored(5, None)
        };
        assert!(compare(&file, &with_crc64("EEEEEEEEEEE="), false).is_ok());
        assert!(compare(&file, &with_crc64("FFFFFFFFFFF="), false).is_err());
        assert!(compare(&file, &stored(5, Some("AAAA")), true).is_ok());
        assert!(compare(&file, &stored(5, None), true).is_ok());
        assert!(compare(&file, &stored(6, None), true).is_err());
        assert!(compare(&file, &stored(5, Some("CCCC")), false).is_err());
        assert!(compare(&file, &stored(5, Some("BBBB-2")), true).is_ok());
        // Parts of another size: a download cannot tell; an upload (Pail's parts) can.
        assert!(compare(&file, &stored(5, Some("DDDD-3")), false).is_ok());
        assert!(compare(&file, &stored(5, Some("DDDD-3")), true).is_err());
    }
}
