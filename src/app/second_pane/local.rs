//! The second pane on this computer: going to a folder (with Back), hidden files, and New
//! folder, Rename and Delete (to the trash). Its entries become rows in `app/pane/second.rs`.

use std::path::PathBuf;

use crate::app::state::{AppState, Modal};
use crate::local_folder::{LocalChange, LocalFolderError};
use crate::worker::Command;

impl AppState {
    /// Shows `path` in the second pane (remembering where it was for Back).
    pub fn open_local(&mut self, path: PathBuf, remember: bool) -> Vec<Command> {
        let id = self.next_id();
        let Some(pane) = &mut self.second_pane else {
            return Vec::new();
        };
        let list = pane.open_local(path, remember, id);
        self.compare_marks = None;
        vec![list]
    }

    /// Lists the folder on this computer again, while the pane shows it.
    pub fn refresh_local(&mut self) -> Vec<Command> {
        match &self.second_pane {
            Some(pane) if pane.shows_this_computer() => {
                let path = pane.path().to_owned();
                self.open_local(path, false)
            }
            _ => Vec::new(),
        }
    }

    /// The folder field: Enter goes to what was typed.
    pub fn open_typed_local(&mut self) -> Vec<Command> {
        match &self.second_pane {
            Some(pane) => {
                let typed = PathBuf::from(pane.typed_path().trim());
                self.open_local(typed, true)
            }
            None => Vec::new(),
        }
    }

    /// The hidden-files toggle.
    pub fn set_show_hidden(&mut self, show: bool) -> Vec<Command> {
        if let Some(pane) = &mut self.second_pane {
            pane.set_show_hidden(show);
        }
        self.refresh_local()
    }

    /// New folder (F7) on this computer: the dialog.
    pub fn open_local_new_folder(&mut self) {
        if self
            .second_pane
            .as_ref()
            .is_some_and(|p| p.shows_this_computer())
        {
            self.modals.open(Modal::LocalNewFolder {
                name: String::new(),
            });
        }
    }

    /// Rename (F2) on this computer: the one selected entry.
    pub fn request_local_rename(&mut self) {
        let Some(pane) = &self.second_pane else {
            return;
        };
        if let [path] = &pane.selected_paths()[..] {
            let to = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            self.modals.open(Modal::LocalRename {
                from: path.clone(),
                to,
            });
        }
    }

    /// Delete (F8) on this computer: asks, then moves the selection to the trash.
    pub fn request_local_trash(&mut self) {
        let paths = self
            .second_pane
            .as_ref()
            .map(|p| p.selected_paths())
            .unwrap_or_default();
        if !paths.is_empty() {
            self.modals.open(Modal::LocalTrash { paths });
        }
    }

    /// Create, Rename or Move to trash in the local dialogs.
    pub fn confirm_local_change(&mut self) -> Vec<Command> {
        let is_local = |m: &Modal| {
            matches!(
                m,
                Modal::LocalNewFolder { .. } | Modal::LocalRename { .. } | Modal::LocalTrash { .. }
            )
        };
        let (Some(modal), Some(pane)) = (self.modals.close_if(is_local), &self.second_pane) else {
            return Vec::new();
        };
        let change = match modal {
            Modal::LocalNewFolder { name } => LocalChange::NewFolder {
                folder: pane.path().to_owned(),
                name,
            },
            Modal::LocalRename { from, to } => LocalChange::Rename { from, name: to },
            Modal::LocalTrash { paths } => LocalChange::Trash { paths },
            _ => return Vec::new(),
        };
        let id = self.next_id();
        if let Some(pane) = &mut self.second_pane {
            pane.wait_for_local_change(id);
        }
        vec![Command::LocalChange { id, change }]
    }

    /// A change on this computer the second pane waited for was made (or not): said in the
    /// status bar, and the folder listed again.
    pub(super) fn local_changed(
        &mut self,
        result: Result<String, LocalFolderError>,
    ) -> Vec<Command> {
        match result {
            Ok(done) => self.status.set_notice(done),
            Err(e) => self.status.set_error(e.to_string()),
        }
        self.refresh_local()
    }
}
