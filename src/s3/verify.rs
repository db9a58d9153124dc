//! Whether a copy holds the same bytes as its original, asked before a move removes the
//! original. The sizes must agree, and so must a checksum both sides keep: a CRC64NVME, a
//! CRC32 (whole, or composite `…-N` over the parts' CRC32s), or an ETag that is a digest of the
//! bytes — the MD5 of an object sent whole, or for one sent in parts the MD5 of the parts' MD5s
//! (`…-N`), which Pail works out for the part sizes the object can have been sent in. An ETag
//! is no digest under KMS or a key of the person's. With nothing to compare, the copy does not
//! pass and the original is kept: a size alone does not show the bytes are the same.

use std::path::Path;

use base64::Engine;
use md5::Digest as _;

use super::connection::Connection;
use super::head::{claimed_size, head};
use super::transfer::{TransferError, local, part_size_for, remote, stalled};
use crate::fmt::error_text;
use crate::model::{BucketName, ObjectKey};

/// One end of a comparison in a bucket.
pub type Place<'a> = (&'a Connection, &'a BucketName, &'a ObjectKey);

/// What the server says it holds: the size, and the digests of the bytes it keeps.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Stored {
    size: u64,
    crc32: Option<String>,
    /// The full-object CRC64NVME AWS keeps by default for objects sent without a checksum.
    crc64nvme: Option<String>,
    /// The ETag where it is a digest (lowercase hex, `…-N` for an object sent in N parts).
    digest: Option<String>,
    /// The ETag as sent, to read the same object later.
    etag: Option<String>,
}

/// The N of a checksum or ETag of an object sent in N parts.
fn parts_of(sum: &str) -> Option<u64> {
    sum.rsplit_once('-').and_then(|(_, n)| n.parse().ok())
}

async fn stored((connection, bucket, key): Place<'_>) -> Result<Stored, TransferError> {
    let head = head(connection, bucket, key)
        .await
        .map_err(|e| remote(&e))?;
    Ok(Stored {
        size: claimed_size(key, &head)?,
        crc32: head.checksum_crc32().map(str::to_owned),
        crc64nvme: head.checksum_crc64_nvme().map(str::to_owned),
        digest: etag_digest(&head),
        etag: head.e_tag().map(str::to_owned),
    })
}

/// The ETag of `head` where it is a digest of the bytes: an MD5, or an MD5 of parts' MD5s.
fn etag_digest(head: &aws_sdk_s3::operation::head_object::HeadObjectOutput) -> Option<String> {
    use aws_sdk_s3::types::ServerSideEncryption;
    let kms = matches!(
        head.server_side_encryption(),
        Some(ServerSideEncryption::AwsKms | ServerSideEncryption::AwsKmsDsse)
    );
    if kms || head.sse_customer_algorithm().is_some() {
        return None;
    }
    let etag = head.e_tag()?.trim_matches('"').to_ascii_lowercase();
    let (md5, parts) = match etag.split_once('-') {
        Some((md5, n)) => (md5, Some(n)),
        None => (etag.as_str(), None),
    };
    let hex = md5.len() == 32 && md5.bytes().all(|b| b.is_ascii_hexdigit());
    let count = parts.is_none_or(|n| n.parse::<u16>().is_ok_and(|n| (1..=10_000).contains(&n)));
    (hex && count).then_some(etag)
}

/// The part sizes an object of `stored`'s size and part count can have been sent in: what the
/// server says of its first part, then the sizes Pail, the AWS CLI and rclone use.
async fn part_sizes((connection, bucket, key): Place<'_>, stored: &Stored) -> Vec<u64> {
    const MIB: u64 = 1024 * 1024;
    let count = stored
        .crc32
        .as_deref()
        .and_then(parts_of)
        .or_else(|| stored.digest.as_deref().and_then(parts_of));
    let Some(count) = count else {
        return Vec::new();
    };
    let first = connection
        .client()
        .head_object()
        .bucket(bucket.as_str())
        .key(key.as_str())
        .part_number(1)
        .send()
        .await
        .ok()
        .and_then(|head| u64::try_from(head.content_length()?).ok())
        .filter(|&first| first > 0 && first < stored.size);
    let mut sizes = Vec::new();
    let known = [
        part_size_for(stored.size),
        8 * MIB,
        5 * MIB,
        16 * MIB,
        64 * MIB,
    ];
    for size in first.into_iter().chain(known) {
        if stored.size.div_ceil(size) == count && !sizes.contains(&size) {
            sizes.push(size);
        }
    }
    sizes.truncate(4);
    sizes
}

/// The digests of a run of bytes, whole and split in parts of each size asked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Sums {
    size: u64,
    crc32: String,
    crc64nvme: String,
    /// The MD5 (lowercase hex), where it was asked for.
    md5: Option<String>,
    /// For each part size: the composite CRC32 (`…-N`).
    split_crc32: Vec<String>,
    /// For each part size: the ETag of an object sent in those parts (`…-N`), where MD5s were
    /// asked for.
    split_etags: Vec<String>,
}

/// One way of splitting the bytes, as they pass.
struct Split {
    part_size: u64,
    in_part: u64,
    count: u64,
    part_crc: crc32fast::Hasher,
    part_md5: Option<md5::Md5>,
    crcs: crc32fast::Hasher,
    md5s: md5::Md5,
}

/// Works out [`Sums`] as the bytes pass, never holding them.
struct Summer {
    size: u64,
    crc32: crc32fast::Hasher,
    crc64nvme: crc_fast::Digest,
    md5: Option<md5::Md5>,
    splits: Vec<Split>,
}

fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Summer {
    fn new(part_sizes: &[u64], with_md5: bool) -> Self {
        Self {
            size: 0,
            crc32: crc32fast::Hasher::new(),
            crc64nvme: crc_fast::Digest::new(crc_fast::CrcAlgorithm::Crc64Nvme),
            md5: with_md5.then(md5::Md5::new),
            splits: part_sizes
                .iter()
                .filter(|&&size| size > 0)
                .map(|&part_size| Split {
                    part_size,
                    in_part: 0,
                    count: 0,
                    part_crc: crc32fast::Hasher::new(),
                    part_md5: with_md5.then(md5::Md5::new),
                    crcs: crc32fast::Hasher::new(),
                    md5s: md5::Md5::new(),
                })
                .collect(),
        }
    }

    fn update(&mut self, bytes: &[u8]) {
        self.size += bytes.len() as u64;
        self.crc32.update(bytes);
        self.crc64nvme.update(bytes);
        if let Some(md5) = &mut self.md5 {
            md5.update(bytes);
        }
        for split in &mut self.splits {
            let mut rest = bytes;
            while !rest.is_empty() {
                // Never across a part's end, so each part's digests are its own.
                let room = (split.part_size - split.in_part).min(rest.len() as u64) as usize;
                let (now, later) = rest.split_at(room);
                split.part_crc.update(now);
                if let Some(md5) = &mut split.part_md5 {
                    md5.update(now);
                }
                split.in_part += room as u64;
                if split.in_part == split.part_size {
                    split.end_part();
                }
                rest = later;
            }
        }
    }

    fn finish(self) -> Sums {
        let mut sums = Sums {
            size: self.size,
            crc32: base64(&self.crc32.finalize().to_be_bytes()),
            crc64nvme: base64(&self.crc64nvme.finalize().to_be_bytes()),
            md5: self.md5.map(|md5| hex(&md5.finalize())),
            ..Sums::default()
        };
        for mut split in self.splits {
            if split.in_part > 0 {
                split.end_part();
            }
            let count = split.count;
            sums.split_crc32.push(format!(
                "{}-{count}",
                base64(&split.crcs.finalize().to_be_bytes())
            ));
            if split.part_md5.is_some() {
                sums.split_etags
                    .push(format!("{}-{count}", hex(&split.md5s.finalize())));
            }
        }
        sums
    }
}

impl Split {
    fn end_part(&mut self) {
        let crc = std::mem::take(&mut self.part_crc).finalize();
        self.crcs.update(&crc.to_be_bytes());
        if let Some(md5) = &mut self.part_md5 {
            self.md5s.update(std::mem::take(md5).finalize());
        }
        self.in_part = 0;
        self.count += 1;
    }
}

/// Whether MD5s are needed to compare with `stored`: its ETag is a digest and no CRC of the
/// whole object is kept (MD5 is the slowest of the sums).
fn needs_md5(stored: &Stored) -> bool {
    let whole_crc32 = stored
        .crc32
        .as_deref()
        .is_some_and(|crc| parts_of(crc).is_none());
    stored.digest.is_some() && stored.crc64nvme.is_none() && !whole_crc32
}

/// Reads the file once, on a blocking thread (a large file takes a while).
async fn file_sums(
    path: &Path,
    part_sizes: Vec<u64>,
    with_md5: bool,
) -> Result<Sums, TransferError> {
    let owned = path.to_owned();
    let read = tokio::task::spawn_blocking(move || -> std::io::Result<Sums> {
        use std::io::Read;
        let mut file = std::fs::File::open(&owned)?;
        let size = file.metadata()?.len();
        let mut summer = Summer::new(&part_sizes, with_md5);
        let mut buffer = vec![0u8; 256 * 1024];
        loop {
            let n = file.read(&mut buffer)?;
            if n == 0 {
                break;
            }
            summer.update(&buffer[..n]);
        }
        if summer.size != size {
            return Err(std::io::Error::other(
                "the file changed size while it was being checked",
            ));
        }
        Ok(summer.finish())
    })
    .await
    .map_err(|e| local(path, e))?;
    read.map_err(|e| local(path, e))
}

/// Reads the object as `stored` saw it (a newer one under its key is refused), working out
/// its digests on the way.
async fn object_sums(
    (connection, bucket, key): Place<'_>,
    stored: &Stored,
    part_sizes: &[u64],
    with_md5: bool,
) -> Result<Sums, TransferError> {
    let output = connection
        .client()
        .get_object()
        .bucket(bucket.as_str())
        .key(key.as_str())
        .set_if_match(stored.etag.clone())
        .send()
        .await
        .map_err(|e| remote(&e))?;
    let mut body = output.body;
    let mut summer = Summer::new(part_sizes, with_md5);
    let limit = connection.stall_timeout();
    loop {
        let next = tokio::time::timeout(limit, body.try_next())
            .await
            .map_err(|_| stalled(crate::s3::stall::Stalled(limit)))?;
        let Some(chunk) = next.map_err(|e| TransferError::Network(error_text(&e)))? else {
            break;
        };
        summer.update(&chunk);
        if summer.size > stored.size {
            break;
        }
    }
    Ok(summer.finish())
}

/// Why a copy does not pass for its original.
fn differs(what: &str) -> TransferError {
    TransferError::NotVerified(what.to_owned())
}

/// No digest of the one side could be matched with the other's.
fn nothing_to_compare(what: &str) -> TransferError {
    differs(&format!(
        "{what}, so a size alone would have to vouch for the bytes"
    ))
}

/// The bytes in `sums` against what the server keeps in `stored`: the sizes, then every
/// digest that can be compared; at least one must be.
fn compare(sums: &Sums, stored: &Stored, mine: &str) -> Result<(), TransferError> {
    if sums.size != stored.size {
        return Err(differs(&format!(
            "{mine} holds {} bytes, the object {}",
            sums.size, stored.size
        )));
    }
    let mut agreed = false;
    if let Some(theirs) = &stored.crc64nvme {
        if *theirs != sums.crc64nvme {
            return Err(differs(&format!("the object's CRC64NVME is not {mine}'s")));
        }
        agreed = true;
    }
    match &stored.crc32 {
        Some(theirs) if parts_of(theirs).is_none() => {
            if *theirs != sums.crc32 {
                return Err(differs(&format!("the object's CRC32 is not {mine}'s")));
            }
            agreed = true;
        }
        // Parts of a size worked out (or not) from the count: a mismatch may be other parts.
        Some(theirs) => agreed |= sums.split_crc32.contains(theirs),
        None => {}
    }
    match (&stored.digest, &sums.md5) {
        (Some(theirs), Some(ours)) if parts_of(theirs).is_none() => {
            if theirs != ours {
                return Err(differs(&format!(
                    "the object's MD5 (its ETag) is not {mine}'s"
                )));
            }
            agreed = true;
        }
        (Some(theirs), _) => agreed |= sums.split_etags.contains(theirs),
        (None, _) => {}
    }
    if agreed {
        Ok(())
    } else {
        Err(nothing_to_compare(&format!(
            "the server keeps no checksum of the object that {mine}'s could be matched with"
        )))
    }
}

/// A file against the object it was uploaded to or downloaded from; the object's ETag as it
/// was checked (a move deletes that object only if it is still the one checked).
pub async fn verify_file(path: &Path, object: Place<'_>) -> Result<Option<String>, TransferError> {
    let stored = stored(object).await?;
    let sizes = part_sizes(object, &stored).await;
    compare(
        &file_sums(path, sizes, needs_md5(&stored)).await?,
        &stored,
        "the file",
    )?;
    Ok(stored.etag)
}

/// A copy in a bucket against its original; the size both hold. Where the two keep digests of
/// the same kind, those decide; otherwise the original is read and its bytes are matched with
/// what the server keeps of the copy.
pub async fn verify_copy(original: Place<'_>, copy: Place<'_>) -> Result<u64, TransferError> {
    verify_copy_seen(original, copy).await.map(|(size, _)| size)
}

/// [`verify_copy`], with the original's ETag as it was checked.
pub async fn verify_copy_seen(
    original: Place<'_>,
    copy: Place<'_>,
) -> Result<(u64, Option<String>), TransferError> {
    let (theirs, ours) = (stored(original).await?, stored(copy).await?);
    let seen = theirs.etag.clone();
    if theirs.size != ours.size {
        return Err(differs(&format!(
            "the original holds {} bytes, the copy {}",
            theirs.size, ours.size
        )));
    }
    let mut agreed = false;
    let pairs = [
        (&theirs.crc64nvme, &ours.crc64nvme, "CRC64NVME"),
        (&theirs.crc32, &ours.crc32, "CRC32"),
        (&theirs.digest, &ours.digest, "ETag"),
    ];
    for (a, b, what) in pairs {
        // The same kind: both whole, or both of as many parts.
        if let (Some(a), Some(b)) = (a, b)
            && parts_of(a) == parts_of(b)
        {
            match (a == b, parts_of(a)) {
                (true, _) => agreed = true,
                (false, None) => {
                    return Err(differs(&format!("the copy's {what} is not the original's")));
                }
                // As many parts, but perhaps not of one size: this pair cannot tell.
                (false, Some(_)) => {}
            }
        }
    }
    if agreed {
        return Ok((ours.size, seen));
    }
    let sizes = part_sizes(copy, &ours).await;
    let sums = object_sums(original, &theirs, &sizes, needs_md5(&ours)).await?;
    compare(&sums, &ours, "the original").map(|()| (ours.size, seen))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(size: u64) -> Stored {
        Stored {
            size,
            ..Stored::default()
        }
    }

    fn sums_of(data: &[u8], part_sizes: &[u64], with_md5: bool) -> Sums {
        let mut summer = Summer::new(part_sizes, with_md5);
        // In uneven pieces, as a body or a file hands them out.
        for piece in data.chunks(7_777) {
            summer.update(piece);
        }
        summer.finish()
    }

    #[test]
    fn sums_are_whole_and_split_as_asked() {
        let sums = sums_of(b"hello", &[], true);
        assert_eq!(sums.crc32, base64(&crc32fast::hash(b"hello").to_be_bytes()));
        assert_eq!(
            sums.md5.as_deref(),
            Some("5d41402abc4b2a76b9719d911017c592")
        );
        let crc64 = crc_fast::checksum(crc_fast::CrcAlgorithm::Crc64Nvme, b"hello");
        assert_eq!(sums.crc64nvme, base64(&crc64.to_be_bytes()));

        let data: Vec<u8> = (0..17 * 1024 * 1024u32).map(|i| (i % 253) as u8).collect();
        let part = part_size_for(data.len() as u64);
        let sums = sums_of(&data, &[part, 5 * 1024 * 1024], true);
        let (mut crcs, mut md5s) = (crc32fast::Hasher::new(), md5::Md5::new());
        for chunk in data.chunks(part as usize) {
            crcs.update(&crc32fast::hash(chunk).to_be_bytes());
            md5s.update(md5::Md5::digest(chunk));
        }
        assert_eq!(
            sums.split_crc32[0],
            format!("{}-3", base64(&crcs.finalize().to_be_bytes()))
        );
        assert_eq!(sums.split_etags[0], format!("{}-3", hex(&md5s.finalize())));
        assert!(sums.split_etags[1].ends_with("-4"));
        assert_eq!(sums.crc32, base64(&crc32fast::hash(&data).to_be_bytes()));
    }

    #[tokio::test]
    async fn a_file_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("small");
        std::fs::write(&path, b"hello").unwrap();
        assert_eq!(
            file_sums(&path, vec![2], true).await.unwrap(),
            sums_of(b"hello", &[2], true)
        );
    }

    #[test]
    fn a_digest_both_keep_must_agree() {
        let data = b"hello".to_vec();
        let sums = sums_of(&data, &[2], true);
        let with = |f: &dyn Fn(&mut Stored)| {
            let mut stored = stored(5);
            f(&mut stored);
            compare(&sums, &stored, "the file")
        };
        let md5 = "5d41402abc4b2a76b9719d911017c592";
        assert!(with(&|s| s.digest = Some(md5.into())).is_ok());
        assert!(with(&|s| s.digest = Some("0".repeat(32))).is_err());
        assert!(with(&|s| s.crc64nvme = Some(sums.crc64nvme.clone())).is_ok());
        assert!(with(&|s| s.crc64nvme = Some("FFFFFFFFFFF=".into())).is_err());
        assert!(with(&|s| s.crc32 = Some(sums.crc32.clone())).is_ok());
        assert!(with(&|s| s.crc32 = Some("CCCC".into())).is_err());
        assert!(with(&|s| s.crc32 = Some(sums.split_crc32[0].clone())).is_ok());
        assert!(with(&|s| s.digest = Some(sums.split_etags[0].clone())).is_ok());
        // One digest that agrees does not outvote one that does not.
        assert!(
            with(&|s| {
                s.crc32 = Some(sums.crc32.clone());
                s.digest = Some("0".repeat(32));
            })
            .is_err()
        );
        // Parts of a size not tried, or nothing kept at all: the size alone does not pass.
        assert!(with(&|s| s.crc32 = Some("DDDD-3".into())).is_err());
        assert!(with(&|s| s.digest = Some(format!("{}-3", "0".repeat(32)))).is_err());
        assert!(with(&|_| {}).is_err());
        assert!(with(&|s| s.size = 6).is_err());
    }

    #[test]
    fn only_an_etag_that_is_a_digest_counts() {
        use aws_sdk_s3::operation::head_object::HeadObjectOutput;
        use aws_sdk_s3::types::ServerSideEncryption;
        let md5 = "\"5D41402ABC4B2A76B9719D911017C592\"";
        let head = |etag: &str| HeadObjectOutput::builder().e_tag(etag).build();
        assert_eq!(
            etag_digest(&head(md5)).as_deref(),
            Some("5d41402abc4b2a76b9719d911017c592")
        );
        assert!(etag_digest(&head("\"5d41402abc4b2a76b9719d911017c592-12\"")).is_some());
        assert!(etag_digest(&head("\"5d41402abc4b2a76b9719d911017c592-0\"")).is_none());
        assert!(etag_digest(&head("\"5d41402abc4b2a76b9719d911017c592-x\"")).is_none());
        assert!(etag_digest(&head("\"not-a-digest\"")).is_none());
        let kms = HeadObjectOutput::builder()
            .e_tag(md5)
            .server_side_encryption(ServerSideEncryption::AwsKms)
            .build();
        assert!(etag_digest(&kms).is_none());
        let customer = HeadObjectOutput::builder()
            .e_tag(md5)
            .sse_customer_algorithm("AES256")
            .build();
        assert!(etag_digest(&customer).is_none());
    }
}
