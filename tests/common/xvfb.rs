//! A private X display for tests that need a real one: Xvfb on a free display number, stopped
//! when dropped.

use std::io::Read;
use std::process::{Child, Command, Stdio};

pub struct Xvfb(Child);

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts Xvfb on a free display and returns its name (`:N`); `None` if Xvfb is not installed.
pub fn start_xvfb() -> Option<(String, Xvfb)> {
    let mut child = Command::new("Xvfb")
        .args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            "1280x800x24",
            "-nolisten",
            "tcp",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut number = String::new();
    let mut stdout = child.stdout.take()?;
    let mut byte = [0u8; 1];
    while stdout.read(&mut byte).ok()? == 1 && byte[0] != b'\n' {
        number.push(byte[0] as char);
    }
    Some((format!(":{}", number.trim()), Xvfb(child)))
}
