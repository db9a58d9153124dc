//! The real system clipboard (arboard) on X11: what Pail copies is what another program pastes,
//! read back with `xclip`. Uses $DISPLAY, or starts its own Xvfb; skips (saying so) when there
//! is neither, or no xclip. `.ci/run` installs Xvfb and xclip.
//!
//! Its own test binary, not a module of `tests/it`: it sets `DISPLAY` for its whole process,
//! which every test running beside it in the same process would see.

mod common;

use std::process::Command;

use common::xvfb::start_xvfb;
use pail::testing::app::clipboard::{Clipboard, SystemClipboard};

fn xclip(display: &str, target: Option<&str>) -> String {
    let mut command = Command::new("xclip");
    command
        .args(["-o", "-selection", "clipboard"])
        .env("DISPLAY", display);
    if let Some(target) = target {
        command.args(["-t", target]);
    }
    let output = command.output().expect("xclip runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
#[cfg_attr(windows, ignore = "reads X11's clipboard with xclip, a Linux program")]
fn copied_text_and_html_can_be_pasted_elsewhere() {
    if Command::new("xclip").arg("-version").output().is_err() {
        eprintln!("skipped: xclip is not installed");
        return;
    }
    let (display, _xvfb) = match std::env::var("DISPLAY") {
        Ok(display) if !display.is_empty() => (display, None),
        _ => match start_xvfb() {
            Some((display, xvfb)) => (display, Some(xvfb)),
            None => {
                eprintln!("skipped: no $DISPLAY and no Xvfb");
                return;
            }
        },
    };
    // SAFETY: this binary's only test sets DISPLAY before anything else reads the
    // environment, and before the clipboard starts its thread.
    unsafe { std::env::set_var("DISPLAY", &display) };

    let url = "http://127.0.0.1:9000/bucket/a%20b.pdf?x-id=GetObject&X-Amz-Signature=abc";
    let mut clipboard = SystemClipboard::default();
    clipboard.set_text(url).unwrap();
    assert_eq!(xclip(&display, None), url);
    // Still there for a later paste: the clipboard lives as long as the app.
    assert_eq!(xclip(&display, None), url);

    let html = "<a href=\"http://x/a\">a.pdf</a> (link expires on Mon 7 Dec 2026, 14:05)";
    let plain = "a.pdf: http://x/a (link expires on Mon 7 Dec 2026, 14:05)";
    clipboard.set_html(html, plain).unwrap();
    assert_eq!(xclip(&display, Some("text/html")), html);
    assert_eq!(xclip(&display, None), plain);
}
