//! Attacks on issue 26 part 4 (buckets): "Delete bucket" and "Empty and delete" against
//! listings that lie, a CORS answer that is no rule list, and what stays on the server.

use crate::common;
use common::bucket_pages::{NO_UPLOADS, versions_page};

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use common::hostile::{Answer, HostileServer, query_param};
use pail::model::{BucketName, Endpoint};
use pail::s3::connection::Connection;
use pail::testing::s3::buckets::{BucketError, delete_empty_bucket, empty_and_delete};
use pail::testing::s3::cors::{BrowserRequest, allow_uploads_from, get_cors};
use pail::testing::s3::transfer::TransferControl;

fn name(text: &str) -> BucketName {
    BucketName::new(text).unwrap()
}

fn lying_connection(server: &HostileServer) -> Connection {
    Connection::with_static_credentials(
        aws_credential_types::Credentials::new("AK", "SK", None, None, "test"),
        "us-east-1",
        Endpoint::custom(&server.endpoint_url()).unwrap(),
        true,
    )
}

/// Whether a request line is DeleteBucket (`DELETE /bucket/`, no key).
fn is_bucket_delete(line: &str) -> bool {
    line.starts_with("DELETE /bucket/ ")
        || line.starts_with("DELETE /bucket ")
        || line.starts_with("DELETE /bucket/? ")
}

fn no_content() -> Answer {
    Answer::Body {
        status: 204,
        content_type: "text/plain",
        body: Vec::new(),
    }
}

/// "Delete bucket" looks at one page of each listing. A first page that holds nothing but
/// says more follow (S3 may cut a page anywhere) is not an empty bucket: the versions are on
/// the next page, and the bucket must not go.
#[tokio::test(flavor = "multi_thread")]
async fn an_empty_first_page_that_says_more_follow_is_not_an_empty_bucket() {
    let server = HostileServer::start(|line| {
        if line.contains("versions") {
            match query_param(line, "key-marker") {
                None => Answer::Xml(200, versions_page(&[], Some("m"))),
                Some(_) => Answer::Xml(200, versions_page(&["precious.doc"], None)),
            }
        } else if line.contains("uploads") {
            Answer::Xml(200, NO_UPLOADS.into())
        } else if line.starts_with("DELETE") {
            no_content()
        } else {
            Answer::Xml(400, "<Error><Code>Unexpected</Code></Error>".into())
        }
    })
    .await;
    let deleted = delete_empty_bucket(&lying_connection(&server), &name("bucket")).await;
    assert!(
        matches!(deleted, Err(BucketError::NotEmpty { .. })),
        "{deleted:?}"
    );
    assert!(
        !server.requests().iter().any(|r| is_bucket_delete(r)),
        "the bucket was deleted with a version in it: {:?}",
        server.requests()
    );
}

/// "Empty and delete" removes what it listed, then deletes the bucket. A listing that said
/// "complete" too early (or objects written meanwhile, or a DeleteObjects that answers
/// success and removes nothing) leaves versions behind: a server that deletes a bucket with
/// everything in it (s3s-fs on disk, some S3-compatible stores) would take them with it,
/// unseen and uncounted. What is left must be looked at before DeleteBucket.
#[tokio::test(flavor = "multi_thread")]
async fn empty_and_delete_looks_again_before_the_bucket_goes() {
    for delete_answer in ["<?xml version=\"1.0\"?><DeleteResult/>", ""] {
        let server = HostileServer::start(move |line| {
            if line.contains("versions") {
                // Every listing "complete", and the version never goes.
                Answer::Xml(200, versions_page(&["precious.doc"], None))
            } else if line.contains("uploads") {
                Answer::Xml(200, NO_UPLOADS.into())
            } else if line.starts_with("POST") {
                Answer::Xml(200, delete_answer.into())
            } else if line.starts_with("DELETE") {
                no_content()
            } else {
                Answer::Xml(400, "<Error><Code>Unexpected</Code></Error>".into())
            }
        })
        .await;
        let emptied = empty_and_delete(
            &lying_connection(&server),
            &name("bucket"),
            &TransferControl::default(),
            None,
            &mut |_| {},
        )
        .await;
        assert!(emptied.is_err(), "{delete_answer:?}: {emptied:?}");
        assert!(
            !server.requests().iter().any(|r| is_bucket_delete(r)),
            "{delete_answer:?}: the bucket went with a version still listed: {:?}",
            server.requests()
        );
    }
}

/// Emptying that works goes on to delete the bucket (the look before it lists nothing).
#[tokio::test(flavor = "multi_thread")]
async fn empty_and_delete_still_deletes_once_the_second_look_is_empty() {
    let deleted = Arc::new(AtomicBool::new(false));
    let seen = deleted.clone();
    let server = HostileServer::start(move |line| {
        if line.contains("versions") {
            match seen.load(Ordering::SeqCst) {
                false => Answer::Xml(200, versions_page(&["a", "b"], None)),
                true => Answer::Xml(200, versions_page(&[], None)),
            }
        } else if line.contains("uploads") {
            Answer::Xml(200, NO_UPLOADS.into())
        } else if line.starts_with("POST") {
            seen.store(true, Ordering::SeqCst);
            Answer::Xml(200, "<?xml version=\"1.0\"?><DeleteResult/>".into())
        } else if line.starts_with("DELETE") {
            no_content()
        } else {
            Answer::Xml(400, "<Error><Code>Unexpected</Code></Error>".into())
        }
    })
    .await;
    let removed = empty_and_delete(
        &lying_connection(&server),
        &name("bucket"),
        &TransferControl::default(),
        None,
        &mut |_| {},
    )
    .await
    .unwrap();
    assert_eq!(removed.versions, 2);
    assert!(deleted.load(Ordering::SeqCst));
    assert!(server.requests().iter().any(|r| is_bucket_delete(r)));
}

/// Held: GetBucketCors answered 200 with an empty body or an HTML page is not "no rules" (S3
/// says NoSuchCORSConfiguration for that). Believed, "Add CORS rule" would put a
/// configuration of Pail's rule alone — erasing the rules the bucket has.
#[tokio::test(flavor = "multi_thread")]
async fn a_cors_answer_that_is_no_rule_list_is_never_no_rules_and_nothing_is_overwritten() {
    let bodies: [(&'static str, &'static [u8]); 2] = [
        ("application/xml", b""),
        (
            "text/html",
            b"<!DOCTYPE html><html><body>Sign in</body></html>",
        ),
    ];
    for (content_type, body) in bodies {
        let server = HostileServer::start(move |line| {
            if line.starts_with("GET") {
                Answer::Body {
                    status: 200,
                    content_type,
                    body: body.to_vec(),
                }
            } else {
                Answer::Xml(200, String::new())
            }
        })
        .await;
        let connection = lying_connection(&server);
        let read = get_cors(&connection, &name("bucket")).await;
        assert!(read.is_err(), "{body:?} read as {read:?}");
        let request = BrowserRequest::upload("https://intranet.example", "POST");
        let added = allow_uploads_from(&connection, &name("bucket"), &request).await;
        assert!(added.is_err(), "{body:?}: {added:?}");
        assert!(
            !server.requests().iter().any(|r| r.starts_with("PUT")),
            "{body:?}: the bucket's rules were overwritten: {:?}",
            server.requests()
        );
    }
}

fn wide_window(
    server: &pail::testing::demo::server::LocalServer,
) -> egui_kittest::Harness<'static, pail::testing::app::PailApp> {
    let profile = pail::testing::demo::demo_profile(server);
    egui_kittest::Harness::builder()
        .with_size([1400.0, 800.0])
        .build_eframe(move |cc| {
            let options = pail::testing::app::AppOptions {
                clipboard: Box::new(pail::testing::app::clipboard::MemoryClipboard::default()),
                history_path: None,
                config_dir: None,
                picker: std::sync::Arc::new(pail::testing::app::picker::FixedPicker::default()),
            };
            pail::testing::app::PailApp::with_options(&cc.egui_ctx, vec![profile], None, options)
                .unwrap()
        })
}

/// A bucket deleted in the explorer while the second pane (same place) shows its rows: the
/// second pane must not go on showing the rows of a bucket that is gone — a person would
/// drag files into it, or copy across to it, and be told "NoSuchBucket" at best.
#[tokio::test(flavor = "multi_thread")]
async fn a_bucket_deleted_in_one_pane_is_not_shown_on_in_the_other() {
    use common::ui::{click, click_in_dialog, wait_for};
    use egui_kittest::kittest::Queryable;
    use pail::testing::app::Loadable;
    use pail::testing::app::buckets::BucketDialog;

    let server = common::server_with_bucket("doomed");
    server.create_bucket("spare").unwrap();
    common::put_object(&server, "doomed", "only-here.txt", b"x").await;
    let mut harness = tokio::task::block_in_place(|| wide_window(&server));
    wait_for(
        &mut harness,
        "the buckets",
        |app| matches!(app.state().explorer.buckets(), Loadable::Ready(list) if list.len() == 2),
    );
    crate::ui_two_panes::right_pane_on(&mut harness, "Demo", "doomed");
    let second_shows = |app: &pail::testing::app::PailApp| {
        app.state().second_pane.as_ref().is_some_and(|p| {
            p.bucket()
                .and_then(|b| b.location().map(|l| l.bucket.as_str() == "doomed"))
                .unwrap_or(false)
                || p.listing()
                    .rows()
                    .iter()
                    .any(|r| &*r.name == "only-here.txt")
        })
    };
    wait_for(&mut harness, "the second pane on doomed", |app| {
        second_shows(app)
    });
    harness
        .get_all_by_label("doomed")
        .next()
        .expect("the bucket's row")
        .click_secondary();
    harness.run_steps(2);
    click(&mut harness, "Delete bucket…");
    wait_for(
        &mut harness,
        "the count",
        |app| matches!(app.state().bucket_dialog(), Some(BucketDialog::Delete(d)) if d.contents().is_some()),
    );
    click_in_dialog(&mut harness, "Empty and delete…");
    click(&mut harness, "Type doomed to confirm");
    harness
        .get_by_label("Type doomed to confirm")
        .type_text("doomed");
    harness.run_steps(2);
    click_in_dialog(&mut harness, "Empty and delete");
    wait_for(
        &mut harness,
        "the bucket gone",
        |app| matches!(app.state().explorer.buckets(), Loadable::Ready(list) if list.len() == 1),
    );
    assert!(!server.root().join("doomed").exists());
    harness.run_steps(5);
    assert!(
        !second_shows(harness.state()),
        "the second pane still shows the deleted bucket's rows"
    );
    wait_for(&mut harness, "the second pane's buckets again", |app| {
        app.state()
            .second_pane
            .as_ref()
            .and_then(|p| p.bucket())
            .is_some_and(|b| {
                matches!(b.buckets(), Loadable::Ready(list)
                    if list.iter().map(|e| e.name.as_str()).collect::<Vec<_>>() == ["spare"])
            })
    });
}

/// "Delete bucket…" counts what the bucket holds before anything else. A version listing
/// that never ends (a new marker on every page) keeps the count going; the person closes the
/// dialog — and the count must stop with it, not go on asking the server for ever unseen.
#[tokio::test(flavor = "multi_thread")]
async fn closing_the_delete_dialog_stops_a_count_that_never_ends() {
    use common::ui::{click, wait_for};
    use egui_kittest::kittest::Queryable;
    use pail::testing::app::Loadable;
    use pail::testing::app::buckets::BucketDialog;
    use std::sync::atomic::AtomicU64;

    let pages = Arc::new(AtomicU64::new(0));
    let counter = pages.clone();
    let server = HostileServer::start(move |line| {
        if line.starts_with("GET / ") || line.starts_with("GET /?") {
            Answer::Xml(
                200,
                "<?xml version=\"1.0\"?><ListAllMyBucketsResult><Buckets><Bucket>\
                 <Name>bucket</Name><CreationDate>2026-01-01T00:00:00.000Z</CreationDate>\
                 </Bucket></Buckets><Owner><ID>o</ID></Owner></ListAllMyBucketsResult>"
                    .into(),
            )
        } else if line.contains("versions") {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            std::thread::sleep(std::time::Duration::from_millis(20));
            let key = format!("k{n:08}");
            Answer::Xml(200, versions_page(&[&key], Some(&key)))
        } else if line.contains("uploads") {
            Answer::Xml(200, NO_UPLOADS.into())
        } else {
            Answer::Xml(400, "<Error><Code>Unexpected</Code></Error>".into())
        }
    })
    .await;
    let profile = pail::testing::profiles::Profile::fixed(
        "Lying",
        pail::testing::profiles::ProfileSource::Demo,
        aws_credential_types::Credentials::new("AK", "SK", None, None, "test"),
        Endpoint::custom(&server.endpoint_url()).unwrap(),
        "us-east-1",
    );
    let mut harness = tokio::task::block_in_place(|| {
        egui_kittest::Harness::builder()
            .with_size([1280.0, 800.0])
            .build_eframe(move |cc| {
                let options = pail::testing::app::AppOptions {
                    clipboard: Box::new(pail::testing::app::clipboard::MemoryClipboard::default()),
                    history_path: None,
                    config_dir: None,
                    picker: Arc::new(pail::testing::app::picker::FixedPicker::default()),
                };
                pail::testing::app::PailApp::with_options(
                    &cc.egui_ctx,
                    vec![profile],
                    None,
                    options,
                )
                .unwrap()
            })
    });
    wait_for(
        &mut harness,
        "the buckets",
        |app| matches!(app.state().explorer.buckets(), Loadable::Ready(list) if list.len() == 1),
    );
    harness.get_by_label("bucket").click_secondary();
    harness.run_steps(2);
    click(&mut harness, "Delete bucket…");
    wait_for(&mut harness, "the count running", |_| {
        pages.load(Ordering::SeqCst) > 5
    });
    assert!(matches!(
        harness.state().state().bucket_dialog(),
        Some(BucketDialog::Delete(d)) if d.contents().is_none()
    ));
    click(&mut harness, "Close");
    assert!(harness.state().state().bucket_dialog().is_none(), "closed");
    // A page in flight may still land; then nothing more is asked.
    std::thread::sleep(std::time::Duration::from_millis(300));
    let after_close = pages.load(Ordering::SeqCst);
    std::thread::sleep(std::time::Duration::from_millis(700));
    let later = pages.load(Ordering::SeqCst);
    assert_eq!(
        later,
        after_close,
        "the count went on after its dialog closed ({} more pages)",
        later - after_close
    );
}

/// A version listing that goes round: the page asked from marker `b` lists `a` and `b`
/// again. Believed, the count says 4 versions where there are 2 (and "empty and delete"
/// deletes the same versions twice, counting them as removed twice). Keys before the marker
/// asked from cannot be on that page: the answer is not believed.
#[tokio::test(flavor = "multi_thread")]
async fn a_version_listing_that_repeats_itself_is_not_counted_twice() {
    let server = HostileServer::start(|line| {
        if line.contains("versions") {
            match query_param(line, "key-marker") {
                None => Answer::Xml(200, versions_page(&["a", "b"], Some("b"))),
                Some(_) => Answer::Xml(200, versions_page(&["a", "b"], None)),
            }
        } else if line.contains("uploads") {
            Answer::Xml(200, NO_UPLOADS.into())
        } else if line.starts_with("POST") {
            Answer::Xml(200, "<?xml version=\"1.0\"?><DeleteResult/>".into())
        } else if line.starts_with("DELETE") {
            no_content()
        } else {
            Answer::Xml(400, "<Error><Code>Unexpected</Code></Error>".into())
        }
    })
    .await;
    let connection = lying_connection(&server);
    let counted = pail::testing::s3::buckets::count_contents(
        &connection,
        &name("bucket"),
        &TransferControl::default(),
    )
    .await;
    match counted {
        Err(e @ BucketError::Untrusted { .. }) => {
            assert!(e.to_string().contains("before the marker"), "{e}")
        }
        other => panic!("{other:?}"),
    }
    let emptied = empty_and_delete(
        &connection,
        &name("bucket"),
        &TransferControl::default(),
        None,
        &mut |_| {},
    )
    .await;
    assert!(
        matches!(emptied, Err(BucketError::Untrusted { .. })),
        "{emptied:?}"
    );
    assert!(!server.requests().iter().any(|r| is_bucket_delete(r)));
}

/// Held, on moto: a bucket holding only delete markers is not empty (a plain delete is
/// refused, naming them); one with objects from before versioning (version "null") beside
/// later versions is emptied whole; and a rule added for uploads leaves every field of the
/// rules there as they were (id, headers, exposed headers, max age, wildcards).
#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn markers_only_null_versions_and_cors_rules_kept_field_for_field_on_moto() {
    use aws_sdk_s3::types::{
        BucketVersioningStatus, CorsConfiguration, CorsRule, VersioningConfiguration,
    };
    let Some(moto) = common::moto::Moto::start() else {
        eprintln!("moto is not installed; skipped");
        return;
    };
    let connection = moto.connection();
    let client = connection.client();
    let versioning = |status| VersioningConfiguration::builder().status(status).build();
    // Only delete markers.
    client
        .create_bucket()
        .bucket("markers")
        .send()
        .await
        .unwrap();
    client
        .put_bucket_versioning()
        .bucket("markers")
        .versioning_configuration(versioning(BucketVersioningStatus::Enabled))
        .send()
        .await
        .unwrap();
    let put = client
        .put_object()
        .bucket("markers")
        .key("gone.txt")
        .body(b"x".to_vec().into())
        .send()
        .await
        .unwrap();
    client
        .delete_object()
        .bucket("markers")
        .key("gone.txt")
        .send()
        .await
        .unwrap();
    client
        .delete_object()
        .bucket("markers")
        .key("gone.txt")
        .set_version_id(put.version_id().map(str::to_owned))
        .send()
        .await
        .unwrap();
    match delete_empty_bucket(&connection, &name("markers")).await {
        Err(BucketError::NotEmpty { what, .. }) => assert_eq!(
            what,
            "0 object versions, 1 delete marker and 0 unfinished uploads"
        ),
        other => panic!("{other:?}"),
    }
    let removed = empty_and_delete(
        &connection,
        &name("markers"),
        &TransferControl::default(),
        None,
        &mut |_| {},
    )
    .await
    .unwrap();
    assert_eq!((removed.versions, removed.delete_markers), (0, 1));

    // Objects from before versioning ("null") and after it, then suspended.
    client.create_bucket().bucket("mixed").send().await.unwrap();
    for key in ["old one.txt", "old+two.txt"] {
        client
            .put_object()
            .bucket("mixed")
            .key(key)
            .body(b"old".to_vec().into())
            .send()
            .await
            .unwrap();
    }
    client
        .put_bucket_versioning()
        .bucket("mixed")
        .versioning_configuration(versioning(BucketVersioningStatus::Enabled))
        .send()
        .await
        .unwrap();
    client
        .put_object()
        .bucket("mixed")
        .key("old one.txt")
        .body(b"new".to_vec().into())
        .send()
        .await
        .unwrap();
    client
        .put_bucket_versioning()
        .bucket("mixed")
        .versioning_configuration(versioning(BucketVersioningStatus::Suspended))
        .send()
        .await
        .unwrap();
    let removed = empty_and_delete(
        &connection,
        &name("mixed"),
        &TransferControl::default(),
        None,
        &mut |_| {},
    )
    .await
    .unwrap();
    assert_eq!(removed.versions, 3, "{removed:?}");
    assert!(client.head_bucket().bucket("mixed").send().await.is_err());

    // CORS rules kept field for field.
    client.create_bucket().bucket("cors").send().await.unwrap();
    let rules = vec![
        CorsRule::builder()
            .id("site rule ü")
            .allowed_headers("Authorization")
            .allowed_headers("x-amz-*")
            .allowed_methods("GET")
            .allowed_methods("HEAD")
            .allowed_origins("https://Site.example")
            .allowed_origins("http://*.intra.example")
            .expose_headers("x-amz-request-id")
            .expose_headers("ETag")
            .max_age_seconds(600)
            .build()
            .unwrap(),
        CorsRule::builder()
            .allowed_methods("PUT")
            .allowed_origins("*")
            .build()
            .unwrap(),
    ];
    client
        .put_bucket_cors()
        .bucket("cors")
        .cors_configuration(
            CorsConfiguration::builder()
                .set_cors_rules(Some(rules))
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let before = client
        .get_bucket_cors()
        .bucket("cors")
        .send()
        .await
        .unwrap();
    let request = BrowserRequest::upload("https://intranet.example", "PUT");
    allow_uploads_from(&connection, &name("cors"), &request)
        .await
        .unwrap();
    let after = client
        .get_bucket_cors()
        .bucket("cors")
        .send()
        .await
        .unwrap();
    assert_eq!(after.cors_rules().len(), 3);
    assert_eq!(&after.cors_rules()[..2], before.cors_rules());
}

/// Bucket properties from a server answering every read with 200 and an empty body (or a
/// login page): no setting may read as a real state — "never versioned", "no default
/// encryption", "not blocked (no Block Public Access)" or "no CORS rules" would be lies
/// shown as facts (the last two about who can reach the bucket).
#[tokio::test(flavor = "multi_thread")]
async fn properties_from_answers_that_are_not_settings_are_unknown_not_facts() {
    use pail::testing::s3::bucket_settings::{Setting, bucket_properties};
    let bodies: [(&'static str, &'static [u8]); 2] = [
        ("application/xml", b""),
        (
            "text/html",
            b"<!DOCTYPE html><html><body>Sign in</body></html>",
        ),
    ];
    for (content_type, body) in bodies {
        let server = HostileServer::start(move |_| Answer::Body {
            status: 200,
            content_type,
            body: body.to_vec(),
        })
        .await;
        let properties = bucket_properties(&lying_connection(&server), &name("bucket")).await;
        let Ok(p) = properties else {
            continue;
        };
        let label = String::from_utf8_lossy(body);
        assert!(
            matches!(p.versioning, Setting::Unknown(_)),
            "{label:?}: versioning {:?}",
            p.versioning
        );
        assert!(
            matches!(p.encryption, Setting::Unknown(_)),
            "{label:?}: encryption {:?}",
            p.encryption
        );
        assert!(
            matches!(p.public_access, Setting::Unknown(_)),
            "{label:?}: public access {:?}",
            p.public_access
        );
        assert!(
            matches!(p.cors, Setting::Unknown(_)),
            "{label:?}: cors {:?}",
            p.cors
        );
    }
}

/// A bucket made in the explorer, while the second pane shows the same server's buckets:
/// the second pane lists them again, so the new bucket is there to copy into.
#[tokio::test(flavor = "multi_thread")]
async fn a_bucket_made_in_the_explorer_shows_in_the_second_pane_on_the_same_server() {
    use common::ui::{click, click_in_dialog, wait_for};
    use egui::{Key, Modifiers};
    use egui_kittest::kittest::Queryable;
    use pail::testing::app::Loadable;

    let server = common::server_with_bucket("existing");
    let mut harness = tokio::task::block_in_place(|| wide_window(&server));
    wait_for(
        &mut harness,
        "the buckets",
        |app| matches!(app.state().explorer.buckets(), Loadable::Ready(list) if list.len() == 1),
    );
    let second_buckets = |app: &pail::testing::app::PailApp| -> Vec<String> {
        app.state()
            .second_pane
            .as_ref()
            .and_then(|p| p.bucket())
            .map(|b| match b.buckets() {
                Loadable::Ready(list) => list.iter().map(|e| e.name.clone()).collect(),
                _ => Vec::new(),
            })
            .unwrap_or_default()
    };
    click(&mut harness, "Two panes");
    click(&mut harness, "Source");
    click_in_dialog(&mut harness, "Demo");
    wait_for(&mut harness, "the second pane's buckets", |app| {
        second_buckets(app) == ["existing"]
    });
    click(&mut harness, "New bucket…");
    click(&mut harness, "Bucket name");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.get_by_label("Bucket name").type_text("fresh-one");
    harness.run_steps(3);
    click_in_dialog(&mut harness, "Create");
    wait_for(
        &mut harness,
        "the bucket made",
        |app| matches!(app.state().explorer.buckets(), Loadable::Ready(list) if list.len() == 2),
    );
    wait_for(&mut harness, "the second pane listing it too", |app| {
        second_buckets(app) == ["existing", "fresh-one"]
    });
}

/// DeleteObjects refuses a version but its `<Error>` names the key without the version id
/// (as some S3-compatible servers write it): the refusal is still that version's, the
/// person is told which key and why, and it is never counted as removed.
#[tokio::test(flavor = "multi_thread")]
async fn a_refusal_without_its_version_id_is_still_a_refusal() {
    let server = HostileServer::start(|line| {
        if line.contains("versions") {
            Answer::Xml(200, versions_page(&["locked.doc"], None))
        } else if line.contains("uploads") {
            Answer::Xml(200, NO_UPLOADS.into())
        } else if line.starts_with("POST") {
            Answer::Xml(
                200,
                "<?xml version=\"1.0\"?><DeleteResult><Error><Key>locked.doc</Key>\
                 <Code>AccessDenied</Code><Message>Object Lock</Message></Error></DeleteResult>"
                    .into(),
            )
        } else if line.starts_with("DELETE") {
            no_content()
        } else {
            Answer::Xml(400, "<Error><Code>Unexpected</Code></Error>".into())
        }
    })
    .await;
    let mut seen = Vec::new();
    let emptied = empty_and_delete(
        &lying_connection(&server),
        &name("bucket"),
        &TransferControl::default(),
        None,
        &mut |p| seen.push(p.removed),
    )
    .await;
    match emptied {
        Err(e @ BucketError::Incomplete { .. }) => {
            let text = e.to_string();
            assert!(
                text.contains("locked.doc") && text.contains("AccessDenied"),
                "{text}"
            )
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(seen.last(), Some(&0), "nothing was removed");
    assert!(!server.requests().iter().any(|r| is_bucket_delete(r)));
}

/// Held: Cancel in the middle stops between batches, saying how much went, and keeps the
/// bucket with the rest; "Empty and delete" again removes the rest and then the bucket.
#[tokio::test(flavor = "multi_thread")]
async fn cancel_in_the_middle_then_again_finishes_the_job() {
    let server = common::server_with_bucket("half");
    for i in 0..1500 {
        std::fs::write(server.root().join(format!("half/{i:04}.txt")), b"x").unwrap();
    }
    let connection = server.connection();
    let control = TransferControl::default();
    let first = empty_and_delete(
        &connection,
        &name("half"),
        &control,
        Some(1500),
        &mut |_| control.cancel(),
    )
    .await;
    match first {
        Err(BucketError::Cancelled(done)) => {
            assert!(done.starts_with("1,000 objects"), "{done}")
        }
        other => panic!("{other:?}"),
    }
    assert!(server.root().join("half").is_dir(), "kept");
    let left = std::fs::read_dir(server.root().join("half"))
        .unwrap()
        .count();
    assert_eq!(left, 500);
    let again = empty_and_delete(
        &connection,
        &name("half"),
        &TransferControl::default(),
        Some(500),
        &mut |_| {},
    )
    .await
    .unwrap();
    assert_eq!(again.versions, 500);
    assert!(!server.root().join("half").exists());
}

/// A listing that never ends with empty pages (a new marker each time, nothing on them):
/// Cancel must still stop "empty and delete" — it was looked at only per batch or upload,
/// and an empty page has neither.
#[tokio::test(flavor = "multi_thread")]
async fn cancel_stops_a_listing_of_empty_pages_that_never_ends() {
    use std::sync::atomic::AtomicU64;
    for endless in ["versions", "uploads"] {
        let pages = Arc::new(AtomicU64::new(0));
        let counter = pages.clone();
        let server = HostileServer::start(move |line| {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            let marker = format!("k{n:08}");
            if line.contains("versions") {
                match endless {
                    "versions" => Answer::Xml(200, versions_page(&[], Some(&marker))),
                    _ => Answer::Xml(200, versions_page(&[], None)),
                }
            } else if line.contains("uploads") {
                Answer::Xml(
                    200,
                    format!(
                        "<?xml version=\"1.0\"?><ListMultipartUploadsResult><Bucket>bucket</Bucket>\
                         <IsTruncated>true</IsTruncated><NextKeyMarker>{marker}</NextKeyMarker>\
                         <NextUploadIdMarker>u</NextUploadIdMarker></ListMultipartUploadsResult>"
                    ),
                )
            } else if line.starts_with("DELETE") {
                no_content()
            } else {
                Answer::Xml(400, "<Error><Code>Unexpected</Code></Error>".into())
            }
        })
        .await;
        let connection = lying_connection(&server);
        let control = TransferControl::default();
        let stopper = control.clone();
        tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            stopper.cancel();
        });
        let bucket = name("bucket");
        let emptied = tokio::time::timeout(
            std::time::Duration::from_secs(5),
            empty_and_delete(&connection, &bucket, &control, None, &mut |_| {}),
        )
        .await;
        let Ok(emptied) = emptied else {
            panic!(
                "{endless}: Cancel did not stop it ({} pages asked)",
                pages.load(Ordering::SeqCst)
            );
        };
        assert!(
            matches!(emptied, Err(BucketError::Cancelled(_))),
            "{endless}: {emptied:?}"
        );
        assert!(!server.requests().iter().any(|r| is_bucket_delete(r)));
    }
}
