//! The clipboard, behind a small trait so tests can see what was copied.
//!
//! On Linux, copied text is served by the process that owns it: the clipboard must live as long
//! as the app, never one per copy, or the text vanishes when the value is dropped.

/// Why a copy did not happen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClipboardError {
    #[error("no clipboard is available: {0}")]
    Unavailable(String),
    #[error("could not copy: {0}")]
    Refused(String),
}

/// Somewhere text can be copied to.
pub trait Clipboard {
    fn set_text(&mut self, text: &str) -> Result<(), ClipboardError>;
    /// HTML with a plain-text alternative, for pasting into email.
    fn set_html(&mut self, html: &str, plain: &str) -> Result<(), ClipboardError>;
}

/// The system clipboard through arboard, opened on first use and kept for the app's life.
#[derive(Default)]
pub struct SystemClipboard {
    inner: Option<arboard::Clipboard>,
}

impl SystemClipboard {
    fn get(&mut self) -> Result<&mut arboard::Clipboard, ClipboardError> {
        if self.inner.is_none() {
            let clipboard = arboard::Clipboard::new()
                .map_err(|e| ClipboardError::Unavailable(e.to_string()))?;
            self.inner = Some(clipboard);
        }
        self.inner
            .as_mut()
            .ok_or_else(|| ClipboardError::Unavailable("it could not be opened".into()))
    }
}

impl Clipboard for SystemClipboard {
    fn set_text(&mut self, text: &str) -> Result<(), ClipboardError> {
        self.get()?
            .set_text(text)
            .map_err(|e| ClipboardError::Refused(e.to_string()))
    }

    fn set_html(&mut self, html: &str, plain: &str) -> Result<(), ClipboardError> {
        self.get()?
            .set_html(html, Some(plain))
            .map_err(|e| ClipboardError::Refused(e.to_string()))
    }
}

/// What a [`MemoryClipboard`] holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Copied {
    pub text: Option<String>,
    pub html: Option<String>,
}

/// A clipboard in memory, shared with whoever holds a clone: for tests.
#[derive(Debug, Clone, Default)]
pub struct MemoryClipboard(pub std::sync::Arc<std::sync::Mutex<Copied>>);

impl MemoryClipboard {
    pub fn contents(&self) -> Copied {
        self.0.lock().map(|c| c.clone()).unwrap_or_default()
    }
}

impl Clipboard for MemoryClipboard {
    fn set_text(&mut self, text: &str) -> Result<(), ClipboardError> {
        let mut copied = self.0.lock().map_err(|_| poisoned())?;
        *copied = Copied {
            text: Some(text.to_owned()),
            html: None,
        };
        Ok(())
    }

    fn set_html(&mut self, html: &str, plain: &str) -> Result<(), ClipboardError> {
        let mut copied = self.0.lock().map_err(|_| poisoned())?;
        *copied = Copied {
            text: Some(plain.to_owned()),
            html: Some(html.to_owned()),
        };
        Ok(())
    }
}

/// A test's clipboard whose lock a panicking test left behind.
fn poisoned() -> ClipboardError {
    ClipboardError::Unavailable("a test panicked while holding it".into())
}
