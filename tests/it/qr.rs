//! QR codes of links, read back with a QR decoder (rqrr): the PNG the window saves and the
//! text the CLI prints both give the link, byte for byte.

use crate::common;

use common::qr::{decode_png, decode_terminal};
use pail::share::qr::QrMatrix;

#[test]
fn links_read_back_from_the_png_and_the_terminal_text() {
    let token = "IQoJb3JpZ2luX2VjE".repeat(40);
    let links = [
        "https://reports.s3.eu-west-1.amazonaws.com/q3%20results.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=3600".to_owned(),
        format!(
            "https://b.s3.amazonaws.com/%C3%BC.txt?X-Amz-Security-Token={token}&X-Amz-Signature=abc"
        ),
        "http://127.0.0.1:9000/pail-demo/a+b~c".to_owned(),
    ];
    for link in &links {
        let qr = QrMatrix::new(link).unwrap();
        assert_eq!(&decode_png(&qr.to_png(6)), link, "png");
        assert_eq!(&decode_terminal(&qr.to_terminal()), link, "terminal");
    }
}
