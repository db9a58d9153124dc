//! The real window, started as a person starts it (`pail --demo` on a private Xvfb display):
//! what happens before the window exists. Skips (saying so) without Xvfb; `.ci/run` installs it.

use crate::common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::xvfb::start_xvfb;

/// glibc locks every character read once a process has a second thread, and on X11 winit reads
/// the Compose table a character at a time while it opens the window: started earlier, the
/// demo's server made the window 5 ms later. Nothing may start a thread before it.
#[test]
fn the_demo_starts_no_thread_before_the_window_is_opened() {
    let Some((display, _xvfb)) = start_xvfb() else {
        eprintln!("skipped: Xvfb is not installed");
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let mut pail = Command::new(env!("CARGO_BIN_EXE_pail"))
        .arg("--demo")
        .env("DISPLAY", &display)
        .env("HOME", home.path())
        .env("PAIL_CONFIG_DIR", home.path().join("config"))
        .env("XDG_RUNTIME_DIR", home.path())
        .env("PAIL_REPORT_STARTUP", "1")
        .env_remove("WAYLAND_DISPLAY")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = pail.stderr.take().unwrap();
    let mut opening = None;
    let mut lines = Vec::new();
    for line in BufReader::new(stderr).lines().map_while(Result::ok) {
        if line.starts_with("pail: opening the window") {
            opening = Some(line.clone());
        }
        let first_frame = line.starts_with("pail: first frame");
        lines.push(line);
        if first_frame {
            break;
        }
    }
    let _ = Command::new("kill")
        .args(["-TERM", &pail.id().to_string()])
        .status();
    let _ = pail.wait();
    let opening = opening.unwrap_or_else(|| panic!("no report of opening the window: {lines:?}"));
    assert!(
        opening.contains("(1 thread)"),
        "threads were running before the window was opened: {opening}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("pail: first frame")),
        "the window showed no first frame: {lines:?}"
    );
}
