//! The `pail` binary: everything lives in the library; this only hands over the exit code.
//!
//! On Windows it is a GUI program, so starting the window from Explorer or the Start menu opens
//! no console window; run from a terminal, [`pail::main`] attaches to that terminal's
//! console first, so `pail presign …` prints there.
#![cfg_attr(windows, windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    pail::main()
}
