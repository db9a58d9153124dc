//! Shared by the benchmarks: `pail demo-server` in its own process, so the server's CPU and
//! memory are not counted as the client's, and a private Xvfb display for the real window.
#![allow(dead_code)] // each bench uses a different part

/// The tests' private X display, shared rather than written twice.
#[path = "../../tests/common/xvfb.rs"]
pub mod xvfb;

pub mod page_server;
pub mod server_join;
pub mod spawner;
pub mod window_engine;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

pub struct DemoServerProcess {
    child: Child,
    pub endpoint: String,
}

impl DemoServerProcess {
    pub fn start() -> Option<Self> {
        let mut child = Command::new(env!("CARGO_BIN_EXE_pail"))
            .arg("demo-server")
            .stdout(Stdio::piped())
            .spawn()
            .ok()?;
        let stdout = child.stdout.take()?;
        let endpoint = BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .find_map(|l| {
                l.trim()
                    .strip_prefix("endpoint")
                    .map(|e| e.trim().to_owned())
            })?;
        Some(Self { child, endpoint })
    }
}

impl Drop for DemoServerProcess {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

/// The resident memory of process `pid` from /proc, in bytes.
pub fn rss_bytes(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
