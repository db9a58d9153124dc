//! The bucket flows in the window, found by label: New bucket… (the name checked as it is
//! typed, Block Public Access refused by s3s-fs and said), Delete bucket… refusing a bucket
//! that holds objects and Empty and delete… with the typed name (s3s-fs), and Bucket
//! properties with the versioning switch, and Empty and delete… of versions (moto).

use crate::common;

use common::ui::{click, click_in_dialog, demo_harness, wait_for};
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use pail::testing::app::buckets::BucketDialog;
use pail::testing::app::{AppOptions, Loadable, PailApp};
use pail::testing::demo::server::LocalServer;
use pail::testing::demo::{DEMO_ACCESS_KEY, DEMO_SECRET_KEY};

fn buckets(app: &PailApp) -> Vec<String> {
    match app.state().explorer.buckets() {
        Loadable::Ready(list) => list.iter().map(|b| b.name.clone()).collect(),
        _ => Vec::new(),
    }
}

fn notice(app: &PailApp) -> String {
    app.state().status.notice().unwrap_or_default().to_owned()
}

fn retype(harness: &mut Harness<'static, PailApp>, field: &str, text: &str) {
    click(harness, field);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.get_by_label(field).type_text(text);
    harness.run_steps(3);
}

#[test]
fn a_new_bucket_is_checked_as_typed_and_made_with_block_public_access_refusal_said() {
    let server = LocalServer::start_temporary(DEMO_ACCESS_KEY, DEMO_SECRET_KEY).unwrap();
    server.create_bucket("existing").unwrap();
    let mut harness = demo_harness(&server);
    wait_for(&mut harness, "the buckets", |app| !buckets(app).is_empty());
    click(&mut harness, "New bucket…");
    assert!(matches!(
        harness.state().state().bucket_dialog(),
        Some(BucketDialog::New(_))
    ));
    retype(&mut harness, "Bucket name", "Bad_Name");
    harness.get_by_label("new bucket names are lower case");
    let Some(BucketDialog::New(form)) = harness.state().state().bucket_dialog() else {
        panic!("the New bucket dialog");
    };
    assert!(form.blocked().is_some(), "Create waits for a valid name");
    retype(&mut harness, "Bucket name", "192.168.1.1");
    harness.get_by_label("it may not look like an IP address");
    retype(&mut harness, "Bucket name", "fresh-bucket");
    harness.get_by_label("✔ a valid name");
    click_in_dialog(&mut harness, "Create");
    wait_for(&mut harness, "the bucket made", |app| {
        buckets(app).contains(&"fresh-bucket".to_owned())
    });
    assert!(harness.state().state().bucket_dialog().is_none(), "closed");
    let said = notice(harness.state());
    assert!(
        said.starts_with("Bucket fresh-bucket created: the bucket was made, but the server did not take Block Public Access"),
        "{said}"
    );
    assert!(server.root().join("fresh-bucket").is_dir());

    // The same name again: the dialog stays, saying why.
    click(&mut harness, "New bucket…");
    retype(&mut harness, "Bucket name", "fresh-bucket");
    click_in_dialog(&mut harness, "Create");
    wait_for(
        &mut harness,
        "the refusal",
        |app| matches!(app.state().bucket_dialog(), Some(BucketDialog::New(f)) if f.error().is_some()),
    );
    harness.get_by_label("⚠ bucket `fresh-bucket` exists already");
}

#[test]
fn delete_bucket_refuses_a_full_one_and_empty_and_delete_takes_the_typed_name() {
    let server = LocalServer::start_temporary(DEMO_ACCESS_KEY, DEMO_SECRET_KEY).unwrap();
    server.create_bucket("doomed").unwrap();
    std::fs::write(server.root().join("doomed/a b+c.txt"), b"x").unwrap();
    std::fs::create_dir_all(server.root().join("doomed/sub")).unwrap();
    std::fs::write(server.root().join("doomed/sub/d.txt"), b"y").unwrap();
    server.create_bucket("spare").unwrap();
    let mut harness = demo_harness(&server);
    wait_for(&mut harness, "the buckets", |app| buckets(app).len() == 2);

    // The bucket is open in the explorer when it goes.
    harness.get_by_label("doomed").click();
    wait_for(&mut harness, "the bucket open", |app| {
        *app.state().explorer.listing_state() == pail::testing::app::ListingState::Done
    });
    harness.get_by_label("doomed").click_secondary();
    harness.run_steps(2);
    click(&mut harness, "Delete bucket…");
    wait_for(
        &mut harness,
        "the count",
        |app| matches!(app.state().bucket_dialog(), Some(BucketDialog::Delete(d)) if d.contents().is_some()),
    );
    harness.get_by_label("s3://doomed holds 2 objects, 0 delete markers and 0 unfinished uploads (this server lists no versions nor unfinished uploads).");
    harness.get_by_label("Only an empty bucket can be deleted.");
    click_in_dialog(&mut harness, "Empty and delete…");
    // The wrong name leaves the button off.
    click(&mut harness, "Type doomed to confirm");
    harness
        .get_by_label("Type doomed to confirm")
        .type_text("doome");
    harness.run_steps(2);
    let Some(BucketDialog::Delete(dialog)) = harness.state().state().bucket_dialog() else {
        panic!("the Delete dialog");
    };
    assert!(!dialog.can_delete());
    harness
        .get_by_label("Type doomed to confirm")
        .type_text("d");
    harness.run_steps(2);
    click_in_dialog(&mut harness, "Empty and delete");
    wait_for(&mut harness, "the bucket gone", |app| {
        buckets(app) == ["spare"]
    });
    let said = notice(harness.state());
    assert!(
        said.starts_with("Bucket doomed deleted, with 2 objects"),
        "{said}"
    );
    assert!(!server.root().join("doomed").exists());
    assert!(
        harness.state().state().explorer.location().is_none(),
        "its rows went with it"
    );

    // An empty one goes with Delete bucket… and its name.
    harness.get_by_label("spare").click_secondary();
    harness.run_steps(2);
    click(&mut harness, "Delete bucket…");
    wait_for(
        &mut harness,
        "the count",
        |app| matches!(app.state().bucket_dialog(), Some(BucketDialog::Delete(d)) if d.contents().is_some()),
    );
    click(&mut harness, "Type spare to confirm");
    harness
        .get_by_label("Type spare to confirm")
        .type_text("spare");
    harness.run_steps(2);
    click_in_dialog(&mut harness, "Delete bucket");
    wait_for(
        &mut harness,
        "no buckets",
        |app| matches!(app.state().explorer.buckets(), Loadable::Ready(l) if l.is_empty()),
    );
    assert_eq!(notice(harness.state()), "Bucket spare deleted");
}

/// A window on moto's server.
fn moto_harness(moto: &common::moto::Moto) -> Harness<'static, PailApp> {
    let profile = moto.profile();
    Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| {
            let options = AppOptions {
                clipboard: Box::new(pail::testing::app::clipboard::MemoryClipboard::default()),
                history_path: None,
                config_dir: None,
                picker: std::sync::Arc::new(pail::testing::app::picker::FixedPicker::default()),
            };
            PailApp::with_options(&cc.egui_ctx, vec![profile], None, options).unwrap()
        })
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn bucket_properties_switch_versioning_and_empty_and_delete_takes_versions_on_moto() {
    let Some(moto) = common::moto::Moto::start() else {
        eprintln!("moto is not installed; skipped");
        return;
    };
    moto.bucket_with("kept-versions", []).await;
    let mut harness = moto_harness(&moto);
    wait_for(&mut harness, "the buckets", |app| !buckets(app).is_empty());
    harness.get_by_label("kept-versions").click_secondary();
    harness.run_steps(2);
    click(&mut harness, "Bucket properties");
    wait_for(
        &mut harness,
        "the properties",
        |app| matches!(app.state().bucket_dialog(), Some(BucketDialog::Properties(w)) if w.properties().is_some()),
    );
    harness.get_by_label("Bucket properties: kept-versions");
    harness.get_by_label("us-east-1");
    harness.get_by_label("never turned on: an overwrite or delete loses the old bytes");
    harness.get_by_label("not blocked (no Block Public Access)");
    click_in_dialog(&mut harness, "Turn versioning on");
    wait_for(&mut harness, "versioning on", |app| {
        matches!(app.state().bucket_dialog(), Some(BucketDialog::Properties(w))
            if matches!(w.properties(), Some(Ok(p)) if format!("{:?}", p.versioning) == "Set(On)"))
    });
    harness.get_by_label(
        "on: every overwrite and delete keeps the old version; old versions are billed until deleted",
    );
    // Three versions and a delete marker while versioning is on.
    let client = moto.connection();
    for body in [&b"one"[..], b"two", b"three"] {
        client
            .client()
            .put_object()
            .bucket("kept-versions")
            .key("a.txt")
            .body(body.to_vec().into())
            .send()
            .await
            .unwrap();
    }
    client
        .client()
        .delete_object()
        .bucket("kept-versions")
        .key("a.txt")
        .send()
        .await
        .unwrap();
    click_in_dialog(&mut harness, "Suspend versioning");
    wait_for(&mut harness, "versioning suspended", |app| {
        matches!(app.state().bucket_dialog(), Some(BucketDialog::Properties(w))
            if matches!(w.properties(), Some(Ok(p)) if format!("{:?}", p.versioning) == "Set(Suspended)"))
    });
    harness.get_by_label(
        "suspended: new writes keep no old version; versions kept while it was on stay until deleted",
    );
    // moto fails (500) deleting versions in a suspended bucket: back on before emptying it.
    click_in_dialog(&mut harness, "Turn versioning on");
    wait_for(&mut harness, "versioning on again", |app| {
        matches!(app.state().bucket_dialog(), Some(BucketDialog::Properties(w))
            if matches!(w.properties(), Some(Ok(p)) if format!("{:?}", p.versioning) == "Set(On)"))
    });
    click_in_dialog(&mut harness, "Close");
    assert!(harness.state().state().bucket_dialog().is_none());

    harness.get_by_label("kept-versions").click_secondary();
    harness.run_steps(2);
    click(&mut harness, "Empty and delete…");
    wait_for(
        &mut harness,
        "the count",
        |app| matches!(app.state().bucket_dialog(), Some(BucketDialog::Delete(d)) if d.contents().is_some()),
    );
    harness.get_by_label(
        "Everything in s3://kept-versions goes, and cannot be recovered: 3 object versions, 1 delete marker and 0 unfinished uploads.",
    );
    click(&mut harness, "Type kept-versions to confirm");
    harness
        .get_by_label("Type kept-versions to confirm")
        .type_text("kept-versions");
    harness.run_steps(2);
    click_in_dialog(&mut harness, "Empty and delete");
    wait_for(&mut harness, "the bucket gone", |app| {
        if let Some(BucketDialog::Delete(d)) = app.state().bucket_dialog() {
            assert_eq!(d.error(), None);
        }
        matches!(app.state().explorer.buckets(), Loadable::Ready(l) if l.is_empty())
    });
    assert_eq!(
        notice(harness.state()),
        "Bucket kept-versions deleted, with 3 object versions, 1 delete marker and 0 unfinished uploads"
    );
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(windows, ignore = "Wine cannot start moto's server, a Linux program")]
async fn the_upload_link_tab_checks_cors_for_a_named_origin_and_adds_the_rule_on_moto() {
    let Some(moto) = common::moto::Moto::start() else {
        eprintln!("moto is not installed; skipped");
        return;
    };
    moto.bucket_with("site-uploads", [("a.txt", &b"x"[..])])
        .await;
    let connection = moto.connection();
    // A rule the bucket has already, for another site.
    connection
        .client()
        .put_bucket_cors()
        .bucket("site-uploads")
        .cors_configuration(
            aws_sdk_s3::types::CorsConfiguration::builder()
                .cors_rules(
                    aws_sdk_s3::types::CorsRule::builder()
                        .allowed_origins("https://www.example")
                        .allowed_methods("GET")
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let mut harness = moto_harness(&moto);
    wait_for(&mut harness, "the buckets", |app| !buckets(app).is_empty());
    harness.get_by_label("site-uploads").click();
    wait_for(&mut harness, "the bucket", |app| {
        *app.state().explorer.listing_state() == pail::testing::app::ListingState::Done
    });
    harness.get_by_label("a.txt").click();
    harness.step();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::L);
    harness.run_steps(4);
    click_in_dialog(&mut harness, "Upload link");
    // Pail's own page needs no rule, and says so before any link is made.
    harness.get_by_label(
        "The upload page Pail saves is a plain HTML form: browsers post it without asking the bucket's CORS (a saved page posts from origin null), so it works whatever the rules say.",
    );
    retype(&mut harness, "Page origin", "https://intranet.example/");
    wait_for(&mut harness, "the rules read", |app| {
        app.state().web_url().is_some_and(|d| {
            d.upload_cors.verdict("POST")
                == pail::testing::app::web_url::upload_cors::Verdict::Refused
        })
    });
    harness.get_by_label("✖ A page at https://intranet.example may not upload with POST from a script: the bucket's CORS has no rule for it.");
    click_in_dialog(&mut harness, "Add CORS rule");
    wait_for(&mut harness, "the rule added", |app| {
        app.state().web_url().is_some_and(|d| {
            matches!(
                d.upload_cors.verdict("POST"),
                pail::testing::app::web_url::upload_cors::Verdict::Allowed(_)
            )
        })
    });
    harness.get_by_label(
        "✔ A page at https://intranet.example may upload with POST (rule: POST, PUT from https://intranet.example (headers: *)).",
    );
    let rules = pail::testing::s3::cors::get_cors(
        &connection,
        &pail::model::BucketName::new("site-uploads").unwrap(),
    )
    .await
    .unwrap();
    let origins: Vec<&str> = rules
        .iter()
        .map(|r| r.allowed_origins[0].as_str())
        .collect();
    assert_eq!(
        origins,
        ["https://www.example", "https://intranet.example"],
        "kept, then added"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn cancel_stops_an_empty_and_delete_between_requests_and_keeps_the_bucket() {
    let server = LocalServer::start_temporary(DEMO_ACCESS_KEY, DEMO_SECRET_KEY).unwrap();
    server.create_bucket("big").unwrap();
    for i in 0..2500 {
        std::fs::write(server.root().join(format!("big/{i:05}.txt")), b"x").unwrap();
    }
    // Each request takes a while: time to press Cancel after the first thousand went.
    let proxy = common::proxy::Proxy::start(server.addr()).await;
    proxy.set_latency(std::time::Duration::from_millis(400));
    let profile = pail::testing::profiles::Profile::fixed(
        "Slow",
        pail::testing::profiles::ProfileSource::Demo,
        server.credentials(),
        pail::model::Endpoint::custom(&proxy.endpoint_url()).unwrap(),
        "us-east-1",
    );
    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| {
            let options = AppOptions {
                clipboard: Box::new(pail::testing::app::clipboard::MemoryClipboard::default()),
                history_path: None,
                config_dir: None,
                picker: std::sync::Arc::new(pail::testing::app::picker::FixedPicker::default()),
            };
            PailApp::with_options(&cc.egui_ctx, vec![profile], None, options).unwrap()
        });
    wait_for(&mut harness, "the buckets", |app| !buckets(app).is_empty());
    harness.get_by_label("big").click_secondary();
    harness.run_steps(2);
    click(&mut harness, "Empty and delete…");
    wait_for(
        &mut harness,
        "the count",
        |app| matches!(app.state().bucket_dialog(), Some(BucketDialog::Delete(d)) if d.contents().is_some()),
    );
    click(&mut harness, "Type big to confirm");
    harness.get_by_label("Type big to confirm").type_text("big");
    harness.run_steps(2);
    click_in_dialog(&mut harness, "Empty and delete");
    wait_for(
        &mut harness,
        "the first thousand gone",
        |app| matches!(app.state().bucket_dialog(), Some(BucketDialog::Delete(d)) if d.progress().is_some()),
    );
    // Esc does not close it while it runs: Cancel does the stopping.
    harness.key_press(Key::Escape);
    harness.run_steps(2);
    assert!(harness.state().state().bucket_dialog().is_some());
    let Some(BucketDialog::Delete(running)) = harness.state().state().bucket_dialog() else {
        panic!("the dialog runs");
    };
    let progress = running.progress().unwrap();
    assert_eq!(progress.expected, Some(2500));
    harness.get_by_label(&format!("removed {} of 2500", progress.removed));
    click_in_dialog(&mut harness, "Cancel");
    wait_for(
        &mut harness,
        "stopped",
        |app| matches!(app.state().bucket_dialog(), Some(BucketDialog::Delete(d)) if d.error().is_some()),
    );
    let Some(BucketDialog::Delete(dialog)) = harness.state().state().bucket_dialog() else {
        panic!("the dialog stays, saying what went");
    };
    let said = dialog.error().unwrap().to_owned();
    // A busy machine may let a second thousand go before Cancel lands; never all of them.
    assert!(
        said.starts_with("stopped: 1,000 objects") || said.starts_with("stopped: 2,000 objects"),
        "{said}"
    );
    let left = std::fs::read_dir(server.root().join("big"))
        .unwrap()
        .count();
    assert!((500..2500).contains(&left), "{left} left");
    assert!(buckets(harness.state()).contains(&"big".to_owned()), "kept");
}
