//! Keys Windows cannot take as file names, through the local server that stores each key as a
//! file: started with the Windows names on every system, and with the names of the system the
//! tests run on (the same ones under Wine). Real SDK flows: put, get, ranges, head, listings
//! page by page, copies, multipart uploads, deletes.

use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart, Delete, ObjectIdentifier};
use pail::testing::demo::server::LocalServer;

use crate::common::{self, ACCESS_KEY, SECRET_KEY};

const BUCKET: &str = "names";

/// Device names, trailing dots and spaces, one name in two cases, characters Windows refuses,
/// empty and dot segments, and keys that look like the names made for other keys.
const HOSTILE: &[&str] = &[
    "CON",
    "con",
    "con.txt",
    "Con.TXT",
    "nul/inside.txt",
    "com1",
    "lpt¹.log",
    "a.",
    "a ",
    "A.txt",
    "a.txt",
    "a:b",
    "what?.txt",
    "pipe|star*<lt>\"q\"",
    "back\\slash",
    "x//y",
    "x/./y",
    "../x",
    "a/../b",
    "%41",
    "%63on.txt",
    "^a.txt",
    "a%2e",
    "x/^/y",
    "tilde~1.txt",
    "ΣΊΣΥΦΟΣ ς.txt",
    "σίσυφοσ σ.txt",
    "Привет/Мир.txt",
];

/// A server with the Windows names, and one with this system's, each with whether it names
/// files as on Windows.
fn servers() -> [(LocalServer, bool); 2] {
    let windows = LocalServer::start_temporary_with_windows_names(ACCESS_KEY, SECRET_KEY)
        .expect("server starts");
    windows.create_bucket(BUCKET).expect("bucket folder");
    [
        (windows, true),
        (common::server_with_bucket(BUCKET), cfg!(windows)),
    ]
}

/// The keys a server holds apart: where keys are paths (Linux), `x//y` and `x/./y` are both
/// the file `x/y`, as they always were there.
fn hostile(windows_names: bool) -> Vec<&'static str> {
    let path_like = |k: &&str| k.split('/').any(|s| s.is_empty() || s == "." || s == "..");
    HOSTILE
        .iter()
        .copied()
        .filter(|k| windows_names || !path_like(k))
        .collect()
}

fn body_of(key: &str) -> Vec<u8> {
    format!("the bytes of {key:?}, its own").into_bytes()
}

async fn put_all(server: &LocalServer, keys: &[&str]) {
    for key in keys {
        common::put_object(server, BUCKET, key, &body_of(key)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_keys_keep_their_own_bytes_each_in_its_own_file() {
    for (server, windows_names) in servers() {
        let hostile = hostile(windows_names);
        put_all(&server, &hostile).await;
        let client = server.connection().client().clone();
        let mut files = std::collections::HashSet::new();
        for key in &hostile {
            let body = body_of(key);
            assert_eq!(
                common::get_object(&server, BUCKET, key).await.as_deref(),
                Some(&body[..]),
                "{key:?}"
            );
            let range = client
                .get_object()
                .bucket(BUCKET)
                .key(*key)
                .range("bytes=4-8")
                .send()
                .await
                .unwrap_or_else(|e| panic!("range of {key:?}: {e:?}"));
            let got = range.body.collect().await.unwrap().into_bytes();
            assert_eq!(&got[..], &body[4..=8], "{key:?}");
            let head = client
                .head_object()
                .bucket(BUCKET)
                .key(*key)
                .send()
                .await
                .unwrap_or_else(|e| panic!("head of {key:?}: {e:?}"));
            assert_eq!(head.content_length(), Some(body.len() as i64), "{key:?}");
            let path = server.object_path(BUCKET, key);
            assert_eq!(std::fs::read(&path).unwrap(), body, "{key:?} in {path:?}");
            // One file per key, with Windows names even to a comparison that ignores case.
            let path = path.to_string_lossy();
            let name = if windows_names {
                path.to_uppercase()
            } else {
                path.into_owned()
            };
            assert!(files.insert(name), "{key:?}");
        }
    }
}

/// Every key of a listing, its common prefixes, page by page at `max_keys`.
async fn list_all(
    server: &LocalServer,
    prefix: &str,
    delimiter: Option<&str>,
    max_keys: i32,
) -> (Vec<String>, Vec<String>) {
    let client = server.connection().client().clone();
    let (mut keys, mut prefixes) = (Vec::new(), Vec::new());
    let mut token: Option<String> = None;
    loop {
        let page = client
            .list_objects_v2()
            .bucket(BUCKET)
            .prefix(prefix)
            .set_delimiter(delimiter.map(str::to_owned))
            .max_keys(max_keys)
            .set_continuation_token(token.take())
            .send()
            .await
            .unwrap();
        assert!(page.key_count().unwrap_or(0) <= max_keys);
        keys.extend(
            page.contents()
                .iter()
                .filter_map(|o| o.key().map(str::to_owned)),
        );
        prefixes.extend(
            page.common_prefixes()
                .iter()
                .filter_map(|p| p.prefix().map(str::to_owned)),
        );
        match page.next_continuation_token() {
            Some(next) if page.is_truncated() == Some(true) => token = Some(next.to_owned()),
            _ => break,
        }
    }
    (keys, prefixes)
}

#[tokio::test(flavor = "multi_thread")]
async fn listings_of_hostile_keys_come_in_s3_order_page_by_page() {
    for (server, windows_names) in servers() {
        let hostile = hostile(windows_names);
        put_all(&server, &hostile).await;
        let mut sorted: Vec<String> = hostile.iter().map(|k| (*k).to_owned()).collect();
        sorted.sort();
        for max_keys in [1, 2, 7, 1000] {
            let (keys, prefixes) = list_all(&server, "", None, max_keys).await;
            assert!(prefixes.is_empty());
            assert_eq!(keys, sorted, "max-keys {max_keys}");

            let (top, folders) = list_all(&server, "", Some("/"), max_keys).await;
            let expected: Vec<&String> = sorted.iter().filter(|k| !k.contains('/')).collect();
            assert_eq!(top.iter().collect::<Vec<_>>(), expected);
            let mut expected = vec!["nul/", "x/", "Привет/"];
            if windows_names {
                expected.splice(0..0, ["../", "a/"]);
            }
            assert_eq!(folders, expected, "max-keys {max_keys}");

            let (under_x, deeper) = list_all(&server, "x/", Some("/"), max_keys).await;
            assert!(under_x.is_empty(), "{under_x:?}");
            if windows_names {
                assert_eq!(deeper, ["x/./", "x//", "x/^/"], "max-keys {max_keys}");
            } else {
                assert_eq!(deeper, ["x/^/"], "max-keys {max_keys}");
            }

            let (cons, _) = list_all(&server, "co", None, max_keys).await;
            assert_eq!(cons, ["com1", "con", "con.txt"], "max-keys {max_keys}");
            let (capital, _) = list_all(&server, "A", None, max_keys).await;
            assert_eq!(capital, ["A.txt"]);
        }
        let after = server
            .connection()
            .client()
            .list_objects_v2()
            .bucket(BUCKET)
            .start_after("a:b")
            .max_keys(2)
            .send()
            .await
            .unwrap();
        let keys: Vec<&str> = after.contents().iter().filter_map(|o| o.key()).collect();
        assert_eq!(keys, ["back\\slash", "com1"]);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn copies_multipart_uploads_and_deletes_keep_to_each_key() {
    for (server, windows_names) in servers() {
        put_all(&server, &["what?.txt", "A.txt", "a.txt", "a:b"]).await;
        let client = server.connection().client().clone();
        client
            .copy_object()
            .bucket(BUCKET)
            .key("CON")
            .copy_source(format!("{BUCKET}/what%3F.txt"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            common::get_object(&server, BUCKET, "CON").await,
            Some(body_of("what?.txt"))
        );

        let key = "con.txt.";
        let upload = client
            .create_multipart_upload()
            .bucket(BUCKET)
            .key(key)
            .send()
            .await
            .unwrap();
        assert_eq!(upload.key(), Some(key));
        let id = upload.upload_id().unwrap();
        let first = common::pattern(5 * 1024 * 1024);
        let one = client
            .upload_part()
            .bucket(BUCKET)
            .key(key)
            .upload_id(id)
            .part_number(1)
            .body(first.clone().into())
            .send()
            .await
            .unwrap();
        let two = client
            .upload_part_copy()
            .bucket(BUCKET)
            .key(key)
            .upload_id(id)
            .part_number(2)
            .copy_source(format!("{BUCKET}/a%3Ab"))
            .send()
            .await
            .unwrap();
        let parts = client
            .list_parts()
            .bucket(BUCKET)
            .key(key)
            .upload_id(id)
            .send()
            .await
            .unwrap();
        assert_eq!(parts.key(), Some(key));
        assert_eq!(parts.parts().len(), 2);
        let done = client
            .complete_multipart_upload()
            .bucket(BUCKET)
            .key(key)
            .upload_id(id)
            .multipart_upload(
                CompletedMultipartUpload::builder()
                    .parts(
                        CompletedPart::builder()
                            .part_number(1)
                            .set_e_tag(one.e_tag().map(str::to_owned))
                            .build(),
                    )
                    .parts(
                        CompletedPart::builder()
                            .part_number(2)
                            .set_e_tag(
                                two.copy_part_result()
                                    .and_then(|r| r.e_tag())
                                    .map(str::to_owned),
                            )
                            .build(),
                    )
                    .build(),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(done.key(), Some(key));
        let mut whole = first;
        whole.extend(body_of("a:b"));
        assert_eq!(common::get_object(&server, BUCKET, key).await, Some(whole));

        let aborted = client
            .create_multipart_upload()
            .bucket(BUCKET)
            .key("nul")
            .send()
            .await
            .unwrap();
        client
            .abort_multipart_upload()
            .bucket(BUCKET)
            .key("nul")
            .upload_id(aborted.upload_id().unwrap())
            .send()
            .await
            .unwrap();

        common::delete_object(&server, BUCKET, "what?.txt").await;
        assert_eq!(common::get_object(&server, BUCKET, "what?.txt").await, None);
        let too_long = "?".repeat(100);
        let ids = ["A.txt", "a:b", &too_long]
            .map(|k| ObjectIdentifier::builder().key(k).build().unwrap());
        let deleted = client
            .delete_objects()
            .bucket(BUCKET)
            .delete(
                Delete::builder()
                    .set_objects(Some(ids.to_vec()))
                    .build()
                    .unwrap(),
            )
            .send()
            .await
            .unwrap();
        let names: Vec<&str> = deleted.deleted().iter().filter_map(|d| d.key()).collect();
        let refused: Vec<(&str, &str)> = deleted
            .errors()
            .iter()
            .map(|e| (e.key().unwrap_or(""), e.code().unwrap_or("")))
            .collect();
        // A Linux file name takes the long key (absent, so deleted); a Windows one cannot.
        if windows_names {
            assert_eq!(names, ["A.txt", "a:b"]);
            assert_eq!(refused, [(too_long.as_str(), "KeyTooLongError")]);
        } else {
            assert_eq!(names, ["A.txt", "a:b", too_long.as_str()]);
            assert!(refused.is_empty(), "{refused:?}");
        }
        let (keys, _) = list_all(&server, "", None, 1000).await;
        assert_eq!(keys, ["CON", "a.txt", key]);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_whose_file_name_would_be_too_long_is_refused_as_too_long() {
    for (server, windows_names) in servers() {
        let client = server.connection().client().clone();
        // Escaped, 40 characters are 120: long, still a name.
        let long = "?".repeat(40);
        common::put_object(&server, BUCKET, &long, b"fits").await;
        assert_eq!(
            common::get_object(&server, BUCKET, &long).await.as_deref(),
            Some(&b"fits"[..])
        );
        // s3s-fs names the key's metadata file after it in base64: no file name holds that.
        let letter = if windows_names { "?" } else { "x" };
        let too_long = format!("folder/{}", letter.repeat(200));
        let error = client
            .put_object()
            .bucket(BUCKET)
            .key(&too_long)
            .body(b"x".to_vec().into())
            .send()
            .await
            .unwrap_err();
        assert_eq!(error.code(), Some("KeyTooLongError"), "{error:?}");
        let raw = error.raw_response().map(|r| r.status().as_u16());
        assert_eq!(raw, Some(400));
        let upload = client
            .create_multipart_upload()
            .bucket(BUCKET)
            .key(&too_long)
            .send()
            .await
            .unwrap_err();
        assert_eq!(upload.code(), Some("KeyTooLongError"), "{upload:?}");
    }
}
