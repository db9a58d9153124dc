//! Names no XML can carry raw: a key with a control character in a bucket must not make the
//! bucket unlistable. Pail asks for `encoding-type=url` and decodes, as botocore does; the
//! local server (s3s-fs behind Pail's own wrapper, `demo::store`) encodes as S3 does.

use crate::common;

use common::{AWKWARD_KEYS, put_object, server_with_bucket};
use pail::model::BucketName;

const BUCKET: &str = "names";

/// Keys with characters XML 1.0 cannot hold, or holds only escaped, beside ordinary ones.
const CONTROL_KEYS: &[&str] = &[
    "ctl/start\u{1}of heading",
    "ctl/escape \u{1b}[2K line clear",
    "ctl/line\nbreak",
    "ctl/tab\tand\rreturn",
    "ctl/del\u{7f}",
    "ctl/sub\u{1}dir/inside",
    "ctl/plain",
];

fn bucket() -> BucketName {
    BucketName::new(BUCKET).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_with_a_control_character_leaves_the_bucket_listable() {
    let server = server_with_bucket(BUCKET);
    let mut keys: Vec<&str> = CONTROL_KEYS.to_vec();
    keys.extend(AWKWARD_KEYS);
    for key in &keys {
        put_object(&server, BUCKET, key, key.as_bytes()).await;
    }
    let connection = server.connection();

    // The window's folder view, at the top and inside the folder.
    let page = pail::testing::s3::list::list_folder_page(&connection, &bucket(), "ctl/", None)
        .await
        .unwrap();
    let names: Vec<&str> = page.objects.iter().map(|o| &*o.name).collect();
    let mut expected: Vec<&str> = CONTROL_KEYS
        .iter()
        .filter_map(|k| k.strip_prefix("ctl/"))
        .filter(|k| !k.contains('/'))
        .collect();
    expected.sort();
    assert_eq!(names, expected);
    assert_eq!(page.folders, vec![Box::<str>::from("sub\u{1}dir/")]);
    let mut top = Vec::new();
    pail::testing::s3::list::list_folder_fanned(&connection, &bucket(), "", |page, _| {
        top.extend(page.folders);
        true
    })
    .await
    .unwrap();
    assert!(top.contains(&Box::<str>::from("ctl/")), "{top:?}");

    // Every key, as folder links, copies, downloads and `cp -r` list them.
    let mut all: Vec<String> = pail::testing::s3::list::list_all_keys(&connection, &bucket(), "")
        .await
        .unwrap()
        .into_iter()
        .map(|(key, _)| key)
        .collect();
    all.sort();
    let mut every: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
    every.sort();
    assert_eq!(all, every);

    // A folder delete removes them all, the awkward ones included.
    let report = pail::testing::s3::objects::delete_prefix(&connection, &bucket(), "ctl/")
        .await
        .unwrap();
    assert_eq!(report.deleted, CONTROL_KEYS.len(), "{report:?}");
    let left = pail::testing::s3::list::list_all_keys(&connection, &bucket(), "ctl/")
        .await
        .unwrap();
    assert!(left.is_empty(), "{left:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_control_character_in_the_token_of_a_long_folder_lists_every_page() {
    let server = server_with_bucket(BUCKET);
    // s3s-fs's continuation token is the last key of the page: here, one with a control
    // character, which the wrapper must hand out in a form XML can carry.
    let names: Vec<String> = (0..2100).map(|i| format!("k{i:04}\u{1}")).collect();
    for name in &names {
        common::write_object(&server, BUCKET, &format!("long/{name}"), b"x");
    }
    let connection = server.connection();
    let mut listed = Vec::new();
    let mut token = None;
    loop {
        let page =
            pail::testing::s3::list::list_folder_page(&connection, &bucket(), "long/", token)
                .await
                .unwrap();
        listed.extend(page.objects.into_iter().map(|o| o.name.to_string()));
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    assert_eq!(listed, names);
}
