//! The local server's join of a multipart upload (`src/demo/join.rs`): the object is its parts
//! byte for byte, with the ETag S3 gives and the type and metadata the upload was started
//! with, and nothing of the upload is left in the server's folder; a part named by an ETag
//! that is not its own is refused as S3 refuses it; a part file changed after it arrived is
//! hashed again rather than believed.

use crate::common;

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
use md5::{Digest, Md5};
use pail::testing::demo::server::LocalServer;

const BUCKET: &str = "joins";
const MIB: usize = 1024 * 1024;

fn md5(bytes: &[u8]) -> [u8; 16] {
    Md5::digest(bytes).into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// S3's ETag of an object joined from `parts`.
fn joined_etag(parts: &[Vec<u8>]) -> String {
    let digests: Vec<u8> = parts.iter().flat_map(|p| md5(p)).collect();
    format!("\"{}-{}\"", hex(&md5(&digests)), parts.len())
}

fn parts_of(seed: u8) -> Vec<Vec<u8>> {
    let body = |len: usize, salt: u8| -> Vec<u8> {
        (0..len)
            .map(|i| (i % 251) as u8 ^ salt ^ seed.wrapping_mul(31))
            .collect()
    };
    vec![body(5 * MIB, 1), body(5 * MIB + 17, 2), body(1000, 3)]
}

/// Starts an upload to `key` and sends `parts`; its ID and the parts as the server named them.
async fn send_parts(
    server: &LocalServer,
    key: &str,
    parts: &[Vec<u8>],
) -> (String, Vec<CompletedPart>) {
    let client = server.connection().client().clone();
    let id = client
        .create_multipart_upload()
        .bucket(BUCKET)
        .key(key)
        .content_type("application/x-joined")
        .metadata("who", "the-test")
        .send()
        .await
        .unwrap()
        .upload_id()
        .unwrap()
        .to_owned();
    let mut completed = Vec::new();
    for (at, part) in parts.iter().enumerate() {
        let number = at as i32 + 1;
        let sent = client
            .upload_part()
            .bucket(BUCKET)
            .key(key)
            .upload_id(&id)
            .part_number(number)
            .body(ByteStream::from(part.clone()))
            .send()
            .await
            .unwrap();
        completed.push(
            CompletedPart::builder()
                .part_number(number)
                .e_tag(sent.e_tag().unwrap())
                .build(),
        );
    }
    (id, completed)
}

async fn complete(
    server: &LocalServer,
    key: &str,
    id: &str,
    parts: Vec<CompletedPart>,
) -> Result<String, String> {
    let answer = server
        .connection()
        .client()
        .complete_multipart_upload()
        .bucket(BUCKET)
        .key(key)
        .upload_id(id)
        .multipart_upload(
            CompletedMultipartUpload::builder()
                .set_parts(Some(parts))
                .build(),
        )
        .send()
        .await;
    match answer {
        Ok(done) => Ok(done.e_tag().unwrap_or_default().to_owned()),
        Err(e) => Err(aws_sdk_s3::error::ProvideErrorMetadata::code(&e)
            .unwrap_or("no code")
            .to_owned()),
    }
}

/// The object as a GET answers it: its bytes and ETag; and its type and metadata.
async fn fetched(server: &LocalServer, key: &str) -> (Vec<u8>, String, Option<String>, String) {
    let got = server
        .connection()
        .client()
        .get_object()
        .bucket(BUCKET)
        .key(key)
        .send()
        .await
        .unwrap();
    let etag = got.e_tag().unwrap().to_owned();
    let kind = got.content_type().map(str::to_owned);
    let who = got
        .metadata()
        .and_then(|m| m.get("who").cloned())
        .unwrap_or_default();
    let bytes = got.body.collect().await.unwrap().into_bytes().to_vec();
    (bytes, etag, kind, who)
}

#[cfg(unix)]
fn inode(path: &std::path::Path) -> u64 {
    std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(path).unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_joined_upload_is_its_parts_with_s3s_etag_and_nothing_of_it_is_left() {
    let server = common::server_with_bucket(BUCKET);
    for (key, seed) in [("deep/er/joined.bin", 1), ("deep/er/joined.bin", 2)] {
        let parts = parts_of(seed);
        let (id, completed) = send_parts(&server, key, &parts).await;
        // The parts are copied into one file as they arrive, while the upload goes on.
        let early = copied_early(&server, &id, &parts).await;
        #[cfg(unix)]
        let first = inode(&early);
        // Without inodes, only the wait for the early copy is checked.
        #[cfg(not(unix))]
        let _ = early;
        let said = complete(&server, key, &id, completed).await.unwrap();
        // The parts were not read back and written again after the last one arrived: that
        // file became the object (the join's whole point: s3s-fs took 0.87 s for 256 MiB).
        #[cfg(unix)]
        assert_eq!(inode(&server.root().join(BUCKET).join(key)), first);
        assert_eq!(said, joined_etag(&parts));
        let (bytes, etag, kind, who) = fetched(&server, key).await;
        assert!(bytes == parts.concat(), "the object is its parts, in order");
        assert_eq!(etag, said, "a GET names the ETag the join answered");
        assert_eq!(kind.as_deref(), Some("application/x-joined"));
        assert_eq!(who, "the-test");
        assert_eq!(common::server_leftovers(&server), Vec::<String>::new());
    }
}

/// Waits until the server has copied `parts` of upload `id` into its early file; that file.
async fn copied_early(server: &LocalServer, id: &str, parts: &[Vec<u8>]) -> std::path::PathBuf {
    let early = server
        .root()
        .join(format!(".tmp.pail-join-{id}.early.part"));
    let whole = parts.iter().map(|p| p.len() as u64).sum::<u64>();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::fs::metadata(&early).map_or(0, |m| m.len()) < whole {
        assert!(
            std::time::Instant::now() < deadline,
            "the parts were not copied"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    early
}

/// A part sent again after the server copied it early is the one joined; an upload aborted
/// after its parts were copied leaves none of them behind.
#[tokio::test(flavor = "multi_thread")]
async fn a_part_sent_again_after_its_early_copy_is_the_one_joined_and_an_abort_leaves_nothing() {
    let server = common::server_with_bucket(BUCKET);
    let client = server.connection().client().clone();
    let key = "again.bin";
    let mut parts = parts_of(9);
    let (id, mut completed) = send_parts(&server, key, &parts).await;
    copied_early(&server, &id, &parts).await;
    parts[1] = parts_of(10).swap_remove(1);
    let sent = client
        .upload_part()
        .bucket(BUCKET)
        .key(key)
        .upload_id(&id)
        .part_number(2)
        .body(ByteStream::from(parts[1].clone()))
        .send()
        .await
        .unwrap();
    completed[1] = CompletedPart::builder()
        .part_number(2)
        .e_tag(sent.e_tag().unwrap())
        .build();
    let said = complete(&server, key, &id, completed).await;
    assert_eq!(said, Ok(joined_etag(&parts)));
    assert!(fetched(&server, key).await.0 == parts.concat());
    assert_eq!(common::server_leftovers(&server), Vec::<String>::new());

    let parts = parts_of(11);
    let (id, _) = send_parts(&server, "aborted.bin", &parts).await;
    copied_early(&server, &id, &parts).await;
    client
        .abort_multipart_upload()
        .bucket(BUCKET)
        .key("aborted.bin")
        .upload_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(common::server_leftovers(&server), Vec::<String>::new());
}

/// Two Completes of one upload at once: one joins it, the other finds it gone, and the object
/// is whole (both joins had used one file of their own, and the upload was lost).
#[tokio::test(flavor = "multi_thread")]
async fn two_completes_of_one_upload_at_once_leave_it_joined() {
    let server = common::server_with_bucket(BUCKET);
    for round in 0..12u8 {
        let key = format!("twice-{round}.bin");
        let parts = parts_of(20 + round);
        let (id, completed) = send_parts(&server, &key, &parts).await;
        if round % 2 == 0 {
            copied_early(&server, &id, &parts).await;
        }
        let (a, b) = tokio::join!(
            complete(&server, &key, &id, completed.clone()),
            complete(&server, &key, &id, completed)
        );
        assert!(a.is_ok() || b.is_ok(), "round {round}: {a:?} {b:?}");
        assert!(
            fetched(&server, &key).await.0 == parts.concat(),
            "round {round}"
        );
        assert_eq!(common::server_leftovers(&server), Vec::<String>::new());
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_part_named_by_another_etag_is_refused_and_the_upload_kept() {
    let server = common::server_with_bucket(BUCKET);
    let parts = parts_of(3);
    let (id, completed) = send_parts(&server, "named.bin", &parts).await;
    let mut misnamed = completed.clone();
    misnamed[1] = CompletedPart::builder()
        .part_number(2)
        .e_tag(format!("\"{}\"", hex(&md5(b"another part"))))
        .build();
    let refused = complete(&server, "named.bin", &id, misnamed).await;
    assert_eq!(refused, Err("InvalidPart".to_owned()));
    // Nothing was joined, and the upload can still be completed as it was sent.
    let done = complete(&server, "named.bin", &id, completed).await;
    assert_eq!(done, Ok(joined_etag(&parts)));
    assert!(fetched(&server, "named.bin").await.0 == parts.concat());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_part_changed_after_it_arrived_is_hashed_again_not_believed() {
    let server = common::server_with_bucket(BUCKET);
    let mut parts = parts_of(4);
    let (id, completed) = send_parts(&server, "changed.bin", &parts).await;
    // The first part's file, changed behind the server's back (same length, a later time).
    let file = server.root().join(format!(".upload_id-{id}.part-1"));
    parts[0][0] ^= 0xff;
    std::fs::write(&file, &parts[0]).unwrap();
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
    std::fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(later)
        .unwrap();
    // Named by the changed bytes' ETag, the file's own: not refused as another part's.
    let mut completed = completed;
    completed[0] = CompletedPart::builder()
        .part_number(1)
        .e_tag(format!("\"{}\"", hex(&md5(&parts[0]))))
        .build();
    let said = complete(&server, "changed.bin", &id, completed)
        .await
        .unwrap();
    assert_eq!(said, joined_etag(&parts), "the ETag of the bytes joined");
    assert!(fetched(&server, "changed.bin").await.0 == parts.concat());
}

/// A part written again by UploadPartCopy, or under the upload's ID in capitals (which s3s-fs
/// reads as the same upload), is the part joined, and its ETag the one S3 gives the bytes.
#[tokio::test(flavor = "multi_thread")]
async fn a_part_written_again_by_copy_or_under_another_spelling_of_the_id_is_the_one_joined() {
    let server = common::server_with_bucket(BUCKET);
    let client = server.connection().client().clone();
    let source = parts_of(5).swap_remove(0);
    client
        .put_object()
        .bucket(BUCKET)
        .key("source.bin")
        .body(ByteStream::from(source.clone()))
        .send()
        .await
        .unwrap();
    for how in ["copy", "capitals"] {
        let key = format!("again-{how}.bin");
        let parts = parts_of(6);
        let (id, mut completed) = send_parts(&server, &key, &parts).await;
        let (first, etag) = if how == "copy" {
            let copied = client
                .upload_part_copy()
                .bucket(BUCKET)
                .key(&key)
                .upload_id(&id)
                .part_number(1)
                .copy_source(format!("{BUCKET}/source.bin"))
                .send()
                .await
                .unwrap();
            let etag = copied
                .copy_part_result()
                .unwrap()
                .e_tag()
                .unwrap()
                .to_owned();
            (source.clone(), etag)
        } else {
            let other = parts_of(7).swap_remove(0);
            let sent = client
                .upload_part()
                .bucket(BUCKET)
                .key(&key)
                .upload_id(id.to_ascii_uppercase())
                .part_number(1)
                .body(ByteStream::from(other.clone()))
                .send()
                .await
                .unwrap();
            (other, sent.e_tag().unwrap().to_owned())
        };
        completed[0] = CompletedPart::builder().part_number(1).e_tag(etag).build();
        let joined = [first, parts[1].clone(), parts[2].clone()];
        let said = complete(&server, &key, &id, completed).await;
        assert_eq!(said, Ok(joined_etag(&joined)), "{how}");
        assert!(fetched(&server, &key).await.0 == joined.concat(), "{how}");
    }
}

/// A join whose object cannot be put in its place (a folder holds its name) fails, and leaves
/// no file of its own behind in the server's folder.
#[tokio::test(flavor = "multi_thread")]
async fn a_join_that_fails_leaves_no_file_of_its_own() {
    let server = common::server_with_bucket(BUCKET);
    let client = server.connection().client().clone();
    client
        .put_object()
        .bucket(BUCKET)
        .key("taken/inner")
        .body(ByteStream::from_static(b"inner"))
        .send()
        .await
        .unwrap();
    let parts = parts_of(8);
    let (id, completed) = send_parts(&server, "taken", &parts).await;
    assert!(complete(&server, "taken", &id, completed).await.is_err());
    let left: Vec<String> = common::server_leftovers(&server)
        .into_iter()
        .filter(|n| n.starts_with(".tmp."))
        .collect();
    assert_eq!(left, Vec::<String>::new());
    assert!(fetched(&server, "taken/inner").await.0 == b"inner");
}
