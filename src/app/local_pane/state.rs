//! The local pane's state: the folder on this computer it shows (with Back and Up), its
//! entries as the worker listed them, the selection, and what F5 (copy to the other pane),
//! Tab (switch panes) and Compare do.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use crate::app::state::{AppState, Modal};
use crate::compare::{Mark, Side, compare};
use crate::local_folder::{LocalChange, LocalEntry, LocalFolderError};
use crate::worker::{Command, RequestId};

/// Which pane keys and F5 act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ActivePane {
    /// The bucket (the explorer's table).
    #[default]
    S3,
    /// The folder on this computer.
    Local,
}

/// The folder on this computer beside the bucket.
#[derive(Debug, Clone, Default)]
pub struct LocalPane {
    path: PathBuf,
    back: Vec<PathBuf>,
    entries: Vec<LocalEntry>,
    loading: Option<RequestId>,
    error: Option<LocalFolderError>,
    show_hidden: bool,
    /// Selected entries, by name.
    selected: BTreeSet<String>,
    /// The folder field as typed (Enter goes there).
    pub typed_path: String,
    /// A change (new folder, rename, trash) in flight.
    changing: Option<RequestId>,
    /// The home folder, the drives or volumes: where the pane can jump to.
    places: Vec<PathBuf>,
}

impl LocalPane {
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    pub fn entries(&self) -> &[LocalEntry] {
        &self.entries
    }

    pub fn is_loading(&self) -> bool {
        self.loading.is_some()
    }

    pub fn error(&self) -> Option<&LocalFolderError> {
        self.error.as_ref()
    }

    pub fn show_hidden(&self) -> bool {
        self.show_hidden
    }

    pub fn is_selected(&self, name: &str) -> bool {
        self.selected.contains(name)
    }

    /// A click on `name`: alone, or added to (Ctrl) the selection.
    pub fn click(&mut self, name: &str, add: bool) {
        if !add {
            self.selected.clear();
        }
        if !self.selected.remove(name) {
            self.selected.insert(name.to_owned());
        }
    }

    /// How many entries are selected.
    pub fn selected_count(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| self.selected.contains(&e.name))
            .count()
    }

    /// The selected entries' paths.
    pub fn selected_paths(&self) -> Vec<PathBuf> {
        self.entries
            .iter()
            .filter(|e| self.selected.contains(&e.name))
            .map(|e| e.path.clone())
            .collect()
    }

    pub fn can_go_back(&self) -> bool {
        !self.back.is_empty()
    }

    /// The home folder, then the drives (Windows) or volumes (macOS), or `/`.
    pub fn places(&self) -> &[PathBuf] {
        &self.places
    }
}

impl AppState {
    /// View → Two panes: the local pane opens on the home folder, or closes; the choice is
    /// remembered for next time.
    pub fn toggle_two_panes(&mut self) -> Vec<Command> {
        let mut commands = self.show_two_panes(self.local_pane.is_none());
        commands.extend(self.remember_two_panes());
        commands
    }

    /// Shows or hides the local pane.
    pub(crate) fn show_two_panes(&mut self, show: bool) -> Vec<Command> {
        if !show {
            self.local_pane = None;
            self.active_pane = ActivePane::S3;
            self.compare_marks = None;
            return Vec::new();
        }
        if self.local_pane.is_some() {
            return Vec::new();
        }
        let start = crate::local_folder::starting_places()
            .into_iter()
            .next()
            .unwrap_or_else(|| PathBuf::from("."));
        self.local_pane = Some(LocalPane::default());
        self.open_local(start, false)
    }

    /// Keeps the two-pane choice in Pail's settings (not while a settings file is held).
    fn remember_two_panes(&mut self) -> Vec<Command> {
        let two = self.local_pane.is_some();
        let Some(store) = &mut self.saved else {
            return Vec::new();
        };
        if store.two_panes == two {
            return Vec::new();
        }
        store.two_panes = two;
        if store.is_held() {
            return Vec::new();
        }
        vec![Command::SaveProfiles {
            store: store.clone(),
        }]
    }

    /// Shows `path` in the local pane (remembering where it was for Back).
    pub fn open_local(&mut self, path: PathBuf, remember: bool) -> Vec<Command> {
        let id = self.next_id();
        let Some(pane) = &mut self.local_pane else {
            return Vec::new();
        };
        if remember && pane.path != path {
            pane.back.push(std::mem::replace(&mut pane.path, path));
        } else {
            pane.path = path;
        }
        pane.selected.clear();
        pane.typed_path = pane.path.display().to_string();
        pane.loading = Some(id);
        self.compare_marks = None;
        vec![Command::ListLocal {
            id,
            path: pane.path.clone(),
            show_hidden: pane.show_hidden,
        }]
    }

    /// Lists the local pane's folder again (after a download into it, or Ctrl+R).
    pub fn refresh_local(&mut self) -> Vec<Command> {
        match &self.local_pane {
            Some(pane) => self.open_local(pane.path.clone(), false),
            None => Vec::new(),
        }
    }

    pub fn local_back(&mut self) -> Vec<Command> {
        match self.local_pane.as_mut().and_then(|p| p.back.pop()) {
            Some(previous) => self.open_local(previous, false),
            None => Vec::new(),
        }
    }

    pub fn local_up(&mut self) -> Vec<Command> {
        let parent = self
            .local_pane
            .as_ref()
            .and_then(|p| p.path.parent().map(std::path::Path::to_owned));
        match parent {
            Some(parent) => self.open_local(parent, true),
            None => Vec::new(),
        }
    }

    /// Double-click or Enter on a file in the local pane: it opens with the default app.
    pub fn open_local_file(&mut self, path: PathBuf) -> Vec<Command> {
        vec![Command::OpenLocal { path }]
    }

    /// Enter in the local pane: the one selected folder opens.
    pub fn open_selected_local_folder(&mut self) -> Vec<Command> {
        let folder = self.local_pane.as_ref().and_then(|pane| {
            let mut dirs = pane
                .entries
                .iter()
                .filter(|e| e.is_dir && pane.selected.contains(&e.name));
            let first = dirs.next()?;
            dirs.next().is_none().then(|| first.path.clone())
        });
        match folder {
            Some(path) => self.open_local(path, true),
            None => Vec::new(),
        }
    }

    /// New folder (F7) on this computer: the dialog.
    pub fn open_local_new_folder(&mut self) {
        if self.local_pane.is_some() {
            self.modals.open(Modal::LocalNewFolder {
                name: String::new(),
            });
        }
    }

    /// Rename (F2) on this computer: the one selected entry.
    pub fn request_local_rename(&mut self) {
        let Some(pane) = &self.local_pane else {
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
            .local_pane
            .as_ref()
            .map(LocalPane::selected_paths)
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
        let (Some(modal), Some(pane)) = (self.modals.close_if(is_local), &self.local_pane) else {
            return Vec::new();
        };
        let change = match modal {
            Modal::LocalNewFolder { name } => LocalChange::NewFolder {
                folder: pane.path.clone(),
                name,
            },
            Modal::LocalRename { from, to } => LocalChange::Rename { from, name: to },
            Modal::LocalTrash { paths } => LocalChange::Trash { paths },
            _ => return Vec::new(),
        };
        let id = self.next_id();
        if let Some(pane) = &mut self.local_pane {
            pane.changing = Some(id);
        }
        vec![Command::LocalChange { id, change }]
    }

    /// A change on this computer was made (or not): said in the status bar, and the folder
    /// listed again.
    pub(crate) fn local_changed(
        &mut self,
        id: RequestId,
        result: Result<String, LocalFolderError>,
    ) -> Vec<Command> {
        let Some(pane) = &mut self.local_pane else {
            return Vec::new();
        };
        if pane.changing != Some(id) {
            return Vec::new();
        }
        pane.changing = None;
        match result {
            Ok(done) => self.notice = Some(done),
            Err(e) => self.last_error = Some(e.to_string()),
        }
        self.refresh_local()
    }

    /// The hidden-files toggle.
    pub fn set_show_hidden(&mut self, show: bool) -> Vec<Command> {
        if let Some(pane) = &mut self.local_pane {
            pane.show_hidden = show;
        }
        self.refresh_local()
    }

    /// Tab: the other pane becomes the active one.
    pub fn switch_pane(&mut self) {
        if self.local_pane.is_some() {
            self.active_pane = match self.active_pane {
                ActivePane::S3 => ActivePane::Local,
                ActivePane::Local => ActivePane::S3,
            };
        }
    }

    /// F5 with two panes: the active pane's selection into the other pane's folder — a
    /// download into the local folder, or an upload into the bucket's folder — through the
    /// Transfers panel.
    pub fn copy_to_other_pane(&mut self) -> Vec<Command> {
        let Some(pane) = &self.local_pane else {
            return Vec::new();
        };
        match self.active_pane {
            ActivePane::S3 => {
                let target = pane.path.clone();
                self.download_to(target)
            }
            ActivePane::Local => {
                let paths = pane.selected_paths();
                self.upload_paths(paths)
            }
        }
    }

    /// The local pane's answers.
    pub(crate) fn local_listed(
        &mut self,
        id: RequestId,
        result: Result<Vec<LocalEntry>, LocalFolderError>,
        places: Vec<PathBuf>,
    ) {
        let Some(pane) = &mut self.local_pane else {
            return;
        };
        if pane.loading != Some(id) {
            return;
        }
        pane.loading = None;
        pane.places = places;
        match result {
            Ok(entries) => {
                pane.entries = entries;
                pane.error = None;
            }
            Err(e) => {
                pane.entries.clear();
                pane.error = Some(e);
            }
        }
    }

    /// Compare: marks what exists on one side only, differs in size, or is newer on one
    /// side, in both panes (by name within the two folders shown).
    pub fn compare_panes(&mut self) {
        let Some(pane) = &self.local_pane else {
            return;
        };
        let local_names: Vec<String> = pane
            .entries
            .iter()
            .map(|e| {
                if e.is_dir {
                    format!("{}/", e.name)
                } else {
                    e.name.clone()
                }
            })
            .collect();
        let local: Vec<Side> = pane
            .entries
            .iter()
            .zip(&local_names)
            .map(|(e, name)| Side {
                name,
                size: e.size,
                modified: e.modified,
            })
            .collect();
        let remote: Vec<Side> = self
            .listing
            .rows()
            .iter()
            .map(|r| Side {
                name: &r.name,
                size: r.size,
                modified: r.modified,
            })
            .collect();
        // Left is the bucket, right this computer, as the panes stand.
        self.compare_marks = Some(compare(&remote, &local));
    }
}

/// A mark as the panes show it, from the side of the pane showing it.
pub fn mark_text(mark: Mark, in_local_pane: bool) -> &'static str {
    match (mark, in_local_pane) {
        (Mark::OnlyLeft, false) | (Mark::OnlyRight, true) => "only here",
        (Mark::OnlyLeft, true) | (Mark::OnlyRight, false) => "",
        (Mark::Differs, _) => "differs",
        (Mark::NewerLeft, false) | (Mark::NewerRight, true) => "newer here",
        (Mark::NewerLeft, true) | (Mark::NewerRight, false) => "older here",
        (Mark::Same, _) => "same",
    }
}

/// Compare's marks, by name.
pub type CompareMarks = BTreeMap<String, Mark>;
