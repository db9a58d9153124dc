//! Native file dialogs (rfd), behind a trait so tests can answer them. Dialogs block, so the
//! app runs them on a helper thread and reads the answer on a later frame — except on macOS,
//! where AppKit allows windows only on the main thread: there the dialog runs on the UI thread
//! as a modal session (the window waits behind it, as macOS apps do).
//!
//! On Linux rfd asks the desktop portal, then zenity; with neither it returns at once with no
//! answer, which looks like a button that does nothing. So Pail checks first, and says what
//! to install (or to drop files onto the window) instead.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// No file chooser can be shown on this desktop; the message says what to do instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "No file chooser is available on this desktop: install xdg-desktop-portal with a GTK or KDE \
     backend (or zenity), or drop files onto the window"
)]
pub struct NoChooser;

/// A dialog that answers "nothing" faster than this was not shown to anyone.
const TOO_FAST: Duration = Duration::from_millis(150);

/// What the person picks.
pub trait FilePicker: Send + Sync {
    /// Files to upload; `None` when cancelled.
    fn pick_files(&self) -> Option<Vec<PathBuf>>;
    /// A folder (to upload, or to download into).
    fn pick_folder(&self, title: &str) -> Option<PathBuf>;
    /// One file (a CloudFront private key).
    fn pick_file(&self, title: &str) -> Option<PathBuf>;
    /// Where to save a new file, `name` offered.
    fn save_file(&self, title: &str, name: &str) -> Option<PathBuf>;
    /// Whether a dialog can be shown at all; the reason when not.
    fn available(&self) -> Result<(), NoChooser> {
        Ok(())
    }
    /// Whether an empty answer that came back at once means no dialog was shown.
    fn instant_none_means_unavailable(&self) -> bool {
        false
    }
    /// Whether the dialogs must be run on the main (UI) thread.
    fn needs_main_thread(&self) -> bool {
        false
    }
}

/// Whether a Linux desktop can show a file chooser: zenity on `path_var`, or a desktop portal
/// (a session bus, and a portal backend that offers the FileChooser in one of `data_dirs`).
pub fn linux_chooser_available(
    path_var: Option<&str>,
    data_dirs: &[PathBuf],
    session_bus: bool,
) -> bool {
    let zenity = path_var
        .unwrap_or("")
        .split(':')
        .filter(|dir| !dir.is_empty())
        .any(|dir| Path::new(dir).join("zenity").is_file());
    let portal = session_bus
        && data_dirs.iter().any(|dir| {
            std::fs::read_dir(dir.join("xdg-desktop-portal/portals"))
                .into_iter()
                .flatten()
                .flatten()
                .any(|entry| {
                    std::fs::read_to_string(entry.path())
                        .is_ok_and(|text| text.contains("org.freedesktop.impl.portal.FileChooser"))
                })
        });
    zenity || portal
}

/// The platform's dialogs (the desktop portal on Linux, falling back to zenity; nothing
/// happens when neither is there).
#[derive(Debug, Default)]
pub struct NativePicker;

impl FilePicker for NativePicker {
    fn available(&self) -> Result<(), NoChooser> {
        if !cfg!(target_os = "linux") {
            return Ok(());
        }
        let path = std::env::var("PATH").ok();
        let data_dirs: Vec<PathBuf> = std::env::var("XDG_DATA_DIRS")
            .unwrap_or_else(|_| "/usr/local/share:/usr/share".into())
            .split(':')
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .collect();
        let bus = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some();
        if linux_chooser_available(path.as_deref(), &data_dirs, bus) {
            Ok(())
        } else {
            Err(NoChooser)
        }
    }

    fn instant_none_means_unavailable(&self) -> bool {
        cfg!(target_os = "linux")
    }

    fn needs_main_thread(&self) -> bool {
        // rfd's dialogs are AppKit panels, which must be made on the main thread.
        cfg!(target_os = "macos")
    }

    fn pick_files(&self) -> Option<Vec<PathBuf>> {
        rfd::FileDialog::new()
            .set_title("Upload files")
            .pick_files()
    }

    fn pick_folder(&self, title: &str) -> Option<PathBuf> {
        rfd::FileDialog::new().set_title(title).pick_folder()
    }

    fn pick_file(&self, title: &str) -> Option<PathBuf> {
        rfd::FileDialog::new().set_title(title).pick_file()
    }

    fn save_file(&self, title: &str, name: &str) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title(title)
            .set_file_name(name)
            .save_file()
    }
}

/// Answers every dialog with fixed paths: for tests.
#[derive(Debug, Default, Clone)]
pub struct FixedPicker {
    pub files: Option<Vec<PathBuf>>,
    pub folder: Option<PathBuf>,
    /// Behave like a desktop without any file chooser.
    pub unavailable: bool,
    /// Behave like macOS: dialogs on the main thread.
    pub main_thread: bool,
    /// The names of the threads the dialogs ran on, in order.
    pub asked_on: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl FixedPicker {
    fn asked(&self) {
        let name = std::thread::current()
            .name()
            .unwrap_or("unnamed")
            .to_owned();
        if let Ok(mut asked) = self.asked_on.lock() {
            asked.push(name);
        }
    }
}

impl FilePicker for FixedPicker {
    fn available(&self) -> Result<(), NoChooser> {
        if self.unavailable {
            Err(NoChooser)
        } else {
            Ok(())
        }
    }

    fn needs_main_thread(&self) -> bool {
        self.main_thread
    }

    fn pick_files(&self) -> Option<Vec<PathBuf>> {
        self.asked();
        self.files.clone()
    }

    fn pick_file(&self, _title: &str) -> Option<PathBuf> {
        self.asked();
        self.files.as_ref()?.first().cloned()
    }

    fn save_file(&self, _title: &str, name: &str) -> Option<PathBuf> {
        self.asked();
        Some(self.folder.as_ref()?.join(name))
    }

    fn pick_folder(&self, _title: &str) -> Option<PathBuf> {
        self.asked();
        self.folder.clone()
    }
}

/// Which dialog the toolbar asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickKind {
    UploadFiles,
    UploadFolder,
    DownloadTo,
    /// The PEM file of a CloudFront key pair.
    CloudFrontKey,
    /// Where to save the shown link's QR code.
    SaveQr,
    /// The folder one version (Versions window) is downloaded into.
    VersionDownloadTo,
}

/// A dialog's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Picked {
    Upload(Vec<PathBuf>),
    DownloadTo(PathBuf),
    CloudFrontKey(PathBuf),
    SaveQr(PathBuf),
    VersionDownloadTo(PathBuf),
    Nothing,
    /// No dialog could be shown; what to do instead.
    Unavailable(NoChooser),
}

/// Runs the dialog for `kind` (on the calling thread: call it from a helper thread).
pub fn run(picker: &dyn FilePicker, kind: PickKind) -> Picked {
    if let Err(reason) = picker.available() {
        return Picked::Unavailable(reason);
    }
    let asked = Instant::now();
    let picked = match kind {
        PickKind::UploadFiles => picker.pick_files().map(Picked::Upload),
        PickKind::UploadFolder => picker
            .pick_folder("Upload a folder")
            .map(|folder| Picked::Upload(vec![folder])),
        PickKind::DownloadTo => picker.pick_folder("Download into").map(Picked::DownloadTo),
        PickKind::CloudFrontKey => picker
            .pick_file("The CloudFront key pair's private key (PEM)")
            .map(Picked::CloudFrontKey),
        PickKind::SaveQr => picker
            .save_file("Save the QR code", "link-qr.png")
            .map(Picked::SaveQr),
        PickKind::VersionDownloadTo => picker
            .pick_folder("Download this version into")
            .map(Picked::VersionDownloadTo),
    };
    match picked {
        Some(picked) => picked,
        None if picker.instant_none_means_unavailable() && asked.elapsed() < TOO_FAST => {
            Picked::Unavailable(NoChooser)
        }
        None => Picked::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg_attr(
        windows,
        ignore = "Linux-only detection: a Linux PATH is split on `:`, which a Windows path holds"
    )]
    fn a_chooser_is_found_through_zenity_or_a_portal_backend() {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("bin");
        let share = dir.path().join("share");
        std::fs::create_dir_all(&bin).unwrap();
        std::fs::create_dir_all(share.join("xdg-desktop-portal/portals")).unwrap();
        let bin_path = bin.display().to_string();
        let dirs = [share.clone()];
        assert!(!linux_chooser_available(Some(&bin_path), &dirs, true));
        std::fs::write(
            share.join("xdg-desktop-portal/portals/gtk.portal"),
            "[portal]\nInterfaces=org.freedesktop.impl.portal.FileChooser;\n",
        )
        .unwrap();
        assert!(linux_chooser_available(Some(&bin_path), &dirs, true));
        assert!(
            !linux_chooser_available(Some(&bin_path), &dirs, false),
            "no bus"
        );
        std::fs::write(bin.join("zenity"), "").unwrap();
        assert!(linux_chooser_available(Some(&bin_path), &[], false));
    }

    #[test]
    fn an_unavailable_chooser_says_what_to_do() {
        let picker = FixedPicker {
            unavailable: true,
            ..FixedPicker::default()
        };
        assert_eq!(
            run(&picker, PickKind::UploadFiles),
            Picked::Unavailable(NoChooser)
        );
    }
}
