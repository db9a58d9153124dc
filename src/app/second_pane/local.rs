//! The second pane on this computer: going to a folder (with Back), its entries turned into
//! rows like a bucket's, hidden files, and New folder, Rename and Delete (to the trash).

use std::path::PathBuf;

use crate::app::shared::ListingState;
use crate::app::state::{AppState, Modal};
use crate::local_folder::{LocalChange, LocalEntry, LocalFolderError};
use crate::s3::list::{FolderPage, ObjectEntry};
use crate::worker::{Command, RequestId};

/// The entries as rows: folders (`name/`) and files, and each row's entry.
fn rows_of(entries: &[LocalEntry]) -> (FolderPage, std::collections::HashMap<Box<str>, usize>) {
    let mut page = FolderPage::default();
    let mut by_row = std::collections::HashMap::with_capacity(entries.len());
    for (i, entry) in entries.iter().enumerate() {
        let name: Box<str> = if entry.is_dir {
            format!("{}/", entry.name).into()
        } else {
            entry.name.as_str().into()
        };
        // Two names that are not UTF-8 may read alike; the first keeps the row.
        if by_row.contains_key(&name) {
            continue;
        }
        by_row.insert(name.clone(), i);
        if entry.is_dir {
            page.folders.push(name);
        } else {
            page.objects.push(ObjectEntry {
                name,
                size: entry.size,
                last_modified: entry.modified,
                storage_class: Default::default(),
            });
        }
    }
    (page, by_row)
}

impl AppState {
    /// Shows `path` in the second pane (remembering where it was for Back).
    pub fn open_local(&mut self, path: PathBuf, remember: bool) -> Vec<Command> {
        let id = self.next_id();
        let Some(pane) = &mut self.second_pane else {
            return Vec::new();
        };
        let place = &mut pane.local;
        let moved = place.path != path;
        if remember && moved {
            place.history.left(std::mem::replace(&mut place.path, path));
        } else {
            place.path = path;
        }
        place.typed_path = place.path.display().to_string();
        let show_hidden = place.show_hidden;
        let path = place.path.clone();
        pane.start_loading(id, moved);
        self.compare_marks = None;
        vec![Command::ListLocal {
            id,
            path,
            show_hidden,
        }]
    }

    /// Lists the folder on this computer again, while the pane shows it.
    pub fn refresh_local(&mut self) -> Vec<Command> {
        match &self.second_pane {
            Some(pane) if pane.shows_this_computer() => {
                let path = pane.local.path.clone();
                self.open_local(path, false)
            }
            _ => Vec::new(),
        }
    }

    /// The folder field: Enter goes to what was typed.
    pub fn open_typed_local(&mut self) -> Vec<Command> {
        match &self.second_pane {
            Some(pane) => {
                let typed = PathBuf::from(pane.local.typed_path.trim());
                self.open_local(typed, true)
            }
            None => Vec::new(),
        }
    }

    /// The hidden-files toggle.
    pub fn set_show_hidden(&mut self, show: bool) -> Vec<Command> {
        if let Some(pane) = &mut self.second_pane {
            pane.local.show_hidden = show;
        }
        self.refresh_local()
    }

    /// The listing of a folder on this computer arrived.
    pub(crate) fn local_listed(
        &mut self,
        id: RequestId,
        result: Result<Vec<LocalEntry>, LocalFolderError>,
        places: Vec<PathBuf>,
    ) {
        let Some(pane) = &mut self.second_pane else {
            return;
        };
        if !pane.is_listing(id) || pane.profile.is_some() {
            return;
        }
        pane.local.places = places;
        pane.listing.clear();
        match result {
            Ok(entries) => {
                let (page, by_row) = rows_of(&entries);
                pane.local.entries = entries;
                pane.local.by_row = by_row;
                pane.listing.append(page);
                pane.listing_state = ListingState::Done;
                pane.error = None;
            }
            Err(e) => {
                pane.local.entries.clear();
                pane.local.by_row.clear();
                // No S3 error to keep: the plain message says it.
                pane.listing_state = ListingState::Idle;
                pane.error = Some(e.to_string());
            }
        }
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
                folder: pane.local.path.clone(),
                name,
            },
            Modal::LocalRename { from, to } => LocalChange::Rename { from, name: to },
            Modal::LocalTrash { paths } => LocalChange::Trash { paths },
            _ => return Vec::new(),
        };
        let id = self.next_id();
        if let Some(pane) = &mut self.second_pane {
            pane.local.changing.start(id);
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
        let Some(pane) = &mut self.second_pane else {
            return Vec::new();
        };
        if !pane.local.changing.accept(id) {
            return Vec::new();
        }
        match result {
            Ok(done) => self.status.set_notice(done),
            Err(e) => self.status.set_error(e.to_string()),
        }
        self.refresh_local()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, is_dir: bool) -> LocalEntry {
        LocalEntry {
            name: name.into(),
            path: PathBuf::from("/x").join(name),
            is_dir,
            size: 3,
            modified: 0,
            hidden: false,
            not_utf8: false,
        }
    }

    #[test]
    fn folders_become_rows_ending_in_a_slash_and_each_row_finds_its_entry() {
        let entries = vec![
            entry("docs", true),
            entry("a.txt", false),
            entry("docs", false),
        ];
        let (page, by_row) = rows_of(&entries);
        assert_eq!(page.folders, vec![Box::<str>::from("docs/")]);
        assert_eq!(page.objects.len(), 2);
        assert_eq!(by_row["docs/"], 0);
        assert_eq!(by_row["docs"], 2);
    }
}
