//! What the status bar and the banner above the window tell: the last operation's notice
//! ("Deleted 3 objects"), the most recent failure, and the settings files that could not be
//! read. A leaf every feature reports to; only the status bar reads it.

/// The window's notices and errors.
#[derive(Debug, Default)]
pub struct Status {
    /// What the last operation did, for the status bar.
    notice: Option<String>,
    /// The most recent failure, kept for the status bar until the next success.
    error: Option<String>,
    /// Problems reading the settings files (a file set aside, with its line), shown in a
    /// banner until dismissed: a later error must not hide them.
    file_problems: Vec<String>,
}

impl Status {
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    pub fn file_problems(&self) -> &[String] {
        &self.file_problems
    }

    pub fn set_notice(&mut self, notice: impl Into<String>) {
        self.notice = Some(notice.into());
    }

    pub fn clear_notice(&mut self) {
        self.notice = None;
    }

    /// Shows `error` until the next success or failure.
    pub fn set_error(&mut self, error: impl Into<String>) {
        self.error = Some(error.into());
    }

    pub fn clear_error(&mut self) {
        self.error = None;
    }

    pub(crate) fn set_file_problems(&mut self, problems: Vec<String>) {
        self.file_problems = problems;
    }

    /// The banner's Dismiss.
    pub fn dismiss_file_problems(&mut self) {
        self.file_problems.clear();
    }
}
