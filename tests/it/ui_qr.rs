//! QR in the Web URL dialog: the code shown under a single link reads back as that link, and
//! Save PNG… writes a PNG that reads back too.

use crate::common;

use common::qr::decode_png;
use common::ui::{click, wait_for, web_url_on};
use egui_kittest::kittest::Queryable;
use pail::testing::demo::server::LocalServer;
use pail::testing::demo::{DEMO_ACCESS_KEY, DEMO_SECRET_KEY};

#[test]
fn the_qr_code_of_a_link_is_shown_and_saved_as_a_png_that_reads_back() {
    let server = LocalServer::start_temporary(DEMO_ACCESS_KEY, DEMO_SECRET_KEY).unwrap();
    server.create_bucket("photos").unwrap();
    std::fs::write(server.root().join("photos/summer é.jpg"), b"jpeg").unwrap();
    let saves = tempfile::tempdir().unwrap();
    let picker = pail::testing::app::picker::FixedPicker {
        folder: Some(saves.path().to_owned()),
        ..Default::default()
    };
    let mut harness = web_url_on(&server, None, picker, "photos", "summer é.jpg");
    click(&mut harness, "Generate");
    wait_for(&mut harness, "the link", |app| {
        app.state()
            .web_url()
            .is_some_and(|d| d.generating().is_none() && !d.links().is_empty())
    });
    assert!(harness.query_by_label("QR code of the link").is_none());
    click(&mut harness, "QR");
    harness.get_by_label("QR code of the link");
    let url = harness.state().state().web_url().unwrap().links()[0]
        .url
        .clone();

    click(&mut harness, "Save PNG…");
    wait_for(&mut harness, "the PNG", |app| {
        app.state()
            .web_url()
            .and_then(|d| d.notice())
            .is_some_and(|n| n.contains("QR code saved"))
    });
    let png = std::fs::read(saves.path().join("link-qr.png")).unwrap();
    assert_eq!(decode_png(&png), url);

    // A changed input drops the link, and the code with it.
    click(&mut harness, "1 hour");
    harness.run_steps(2);
    assert!(harness.query_by_label("QR code of the link").is_none());
}
