//! Native file dialogs (rfd), behind a trait so tests can answer them. Dialogs block, so the
//! app runs them on a helper thread and reads the answer on a later frame.

use std::path::PathBuf;

/// What the person picks.
pub trait FilePicker: Send + Sync {
    /// Files to upload; `None` when cancelled.
    fn pick_files(&self) -> Option<Vec<PathBuf>>;
    /// A folder (to upload, or to download into).
    fn pick_folder(&self, title: &str) -> Option<PathBuf>;
}

/// The platform's dialogs (the desktop portal on Linux, falling back to zenity; nothing
/// happens when neither is there).
#[derive(Debug, Default)]
pub struct NativePicker;

impl FilePicker for NativePicker {
    fn pick_files(&self) -> Option<Vec<PathBuf>> {
        rfd::FileDialog::new()
            .set_title("Upload files")
            .pick_files()
    }

    fn pick_folder(&self, title: &str) -> Option<PathBuf> {
        rfd::FileDialog::new().set_title(title).pick_folder()
    }
}

/// Answers every dialog with fixed paths: for tests.
#[derive(Debug, Default, Clone)]
pub struct FixedPicker {
    pub files: Option<Vec<PathBuf>>,
    pub folder: Option<PathBuf>,
}

impl FilePicker for FixedPicker {
    fn pick_files(&self) -> Option<Vec<PathBuf>> {
        self.files.clone()
    }

    fn pick_folder(&self, _title: &str) -> Option<PathBuf> {
        self.folder.clone()
    }
}

/// Which dialog the toolbar asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickKind {
    UploadFiles,
    UploadFolder,
    DownloadTo,
}

/// A dialog's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Picked {
    Upload(Vec<PathBuf>),
    DownloadTo(PathBuf),
    Nothing,
}

/// Runs the dialog for `kind` (on the calling thread: call it from a helper thread).
pub fn run(picker: &dyn FilePicker, kind: PickKind) -> Picked {
    match kind {
        PickKind::UploadFiles => picker.pick_files().map(Picked::Upload),
        PickKind::UploadFolder => picker
            .pick_folder("Upload a folder")
            .map(|folder| Picked::Upload(vec![folder])),
        PickKind::DownloadTo => picker.pick_folder("Download into").map(Picked::DownloadTo),
    }
    .unwrap_or(Picked::Nothing)
}
