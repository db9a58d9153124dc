//! The link as a QR code in the Web URL dialog: shown under a single link, saved as a PNG by
//! the worker.

use std::path::PathBuf;

use super::{WebUrlDialog, capitalise};
use crate::worker::{Command, JobError, RequestId};

impl WebUrlDialog {
    /// QR: shows or hides the code.
    pub fn toggle_qr(&mut self) {
        self.qr_shown = !self.qr_shown;
    }

    /// The link the QR code shows: while shown, and while there is one link, made for the
    /// inputs as they are.
    pub fn qr_link(&self) -> Option<&str> {
        match &self.links[..] {
            [link] if self.qr_shown && self.results_are_current() => Some(&link.url),
            _ => None,
        }
    }

    /// Save PNG… answered with `path` (request `id`).
    pub fn save_qr(&mut self, id: RequestId, path: PathBuf) -> Option<Command> {
        let url = self.qr_link()?.to_owned();
        self.qr_saving.start(id);
        Some(Command::SaveQr { id, url, path })
    }

    pub fn qr_saved(&mut self, id: RequestId, result: Result<PathBuf, JobError>) {
        if !self.qr_saving.accept(id) {
            return;
        }
        self.notice = Some(match result {
            Ok(path) => format!("✔ QR code saved to {}", path.display()),
            Err(e) => format!("⚠ {}", capitalise(&e.to_string())),
        });
    }
}
