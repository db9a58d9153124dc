//! Issue 25's transfer shapes against the real server: a large download split into more
//! ranges than go at once (the first ones staggered), a download trusting the ETag of a HEAD
//! made just before, and the local server's GET read from the object's file directly.

use crate::common::{self, pattern, put_object, server_with_bucket};
use pail::model::{BucketName, ObjectKey};
use pail::testing::s3::download::{HeadSaid, Landing, download_object_below};
use pail::testing::s3::transfer::TransferControl;

const BUCKET: &str = "farlinks";
const MIB: usize = 1024 * 1024;

async fn download(
    server: &pail::testing::demo::server::LocalServer,
    key: &str,
    folder: &std::path::Path,
    (listed_size, head): (Option<u64>, Option<&HeadSaid>),
) -> Result<u64, pail::testing::s3::transfer::TransferError> {
    let landing = Landing {
        root: folder,
        relative: "got.bin",
        replace: true,
        listed_size,
        head,
    };
    download_object_below(
        &server.connection(),
        &BucketName::new(BUCKET).unwrap(),
        &ObjectKey::new(key).unwrap(),
        landing,
        &TransferControl::default(),
        None,
    )
    .await
}

/// 70 MiB near the server: nine 8 MiB ranges for eight at once, so the first eight are
/// staggered; every byte lands where it belongs.
#[tokio::test(flavor = "multi_thread")]
async fn more_ranges_than_go_at_once_arrive_byte_equal() {
    let server = server_with_bucket(BUCKET);
    let body = pattern(70 * MIB + 12_345);
    put_object(&server, BUCKET, "large.bin", &body).await;
    let folder = tempfile::tempdir().unwrap();
    let got = download(&server, "large.bin", folder.path(), (None, None)).await;
    assert_eq!(got.unwrap(), body.len() as u64);
    assert!(std::fs::read(folder.path().join("got.bin")).unwrap() == body);
}

/// `pail cp` of one object HEADs it once and hands the download that HEAD's ETag: an object
/// replaced in between must fail the download (no file, no partial left), never mix versions
/// or save the newer one under the older one's size.
#[tokio::test(flavor = "multi_thread")]
async fn a_download_trusting_an_earlier_head_fails_once_the_object_was_replaced() {
    let server = server_with_bucket(BUCKET);
    let first = pattern(20 * MIB);
    put_object(&server, BUCKET, "changing.bin", &first).await;
    let head = server
        .connection()
        .client()
        .head_object()
        .bucket(BUCKET)
        .key("changing.bin")
        .send()
        .await
        .unwrap();
    let said = HeadSaid {
        etag: head.e_tag().unwrap().to_owned(),
        round_trip: std::time::Duration::from_millis(1),
    };
    let folder = tempfile::tempdir().unwrap();
    // Unchanged: the download asks nothing more and gets the object.
    let size = Some(first.len() as u64);
    let got = download(&server, "changing.bin", folder.path(), (size, Some(&said))).await;
    assert_eq!(got.unwrap(), first.len() as u64);
    assert!(std::fs::read(folder.path().join("got.bin")).unwrap() == first);
    std::fs::remove_file(folder.path().join("got.bin")).unwrap();
    // Replaced by one of the same size.
    let second: Vec<u8> = first.iter().map(|b| b.wrapping_add(1)).collect();
    put_object(&server, BUCKET, "changing.bin", &second).await;
    let got = download(&server, "changing.bin", folder.path(), (size, Some(&said))).await;
    assert!(got.is_err(), "{got:?}");
    let left: Vec<_> = std::fs::read_dir(folder.path()).unwrap().collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

/// The local server sends a GET's bytes from the object's file itself: ranges, a whole
/// object, an empty one, and keys whose path is not plain (served by s3s-fs as before) all
/// answer what was stored.
#[tokio::test(flavor = "multi_thread")]
async fn the_local_servers_get_answers_what_was_stored() {
    let server = server_with_bucket(BUCKET);
    let body = pattern(3 * MIB + 7);
    for key in ["plain.bin", "a/b/c.bin", "sp ace/ü.bin", "dots..name"] {
        put_object(&server, BUCKET, key, &body).await;
        assert!(
            common::get_object(&server, BUCKET, key).await.unwrap() == body,
            "{key}"
        );
    }
    put_object(&server, BUCKET, "empty", b"").await;
    assert_eq!(
        common::get_object(&server, BUCKET, "empty").await.unwrap(),
        b""
    );
    let client = server.connection().client().clone();
    for (range, want) in [
        ("bytes=0-0", &body[0..1]),
        ("bytes=1000-2999", &body[1000..3000]),
        ("bytes=-5", &body[body.len() - 5..]),
        ("bytes=3145000-", &body[3_145_000..]),
    ] {
        let got = client
            .get_object()
            .bucket(BUCKET)
            .key("a/b/c.bin")
            .range(range)
            .send()
            .await
            .unwrap();
        assert_eq!(got.content_length(), Some(want.len() as i64), "{range}");
        let bytes = got.body.collect().await.unwrap().into_bytes();
        assert!(&bytes[..] == want, "{range}");
    }
}
