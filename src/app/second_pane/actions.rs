//! The second pane in the window's state: showing and hiding it, which pane is active (Tab),
//! its Back and Up, what its view and dialogs ask for, and the answers of the worker meant
//! for it.

use std::path::{Path, PathBuf};

use super::place::PaneSource;
use super::ui::SecondPaneRequest;
use crate::app::pane::{Folded, Pane};
use crate::app::search_bar::SearchAction;
use crate::app::shared::{ActivePane, FileOperation};
use crate::app::state::AppState;
use crate::worker::{BrowseEvent, Command};

impl AppState {
    /// Carries out what the second pane or its dialogs asked for.
    pub(crate) fn on_second_pane_request(&mut self, request: SecondPaneRequest) -> Vec<Command> {
        match request {
            SecondPaneRequest::Dropped(from) => self.drop_across(from),
            SecondPaneRequest::Source(source) => self.set_second_source(source),
            SecondPaneRequest::BecomeActive => {
                self.active_pane = ActivePane::Second;
                Vec::new()
            }
            SecondPaneRequest::Open(name) => self.second_activate(&name),
            SecondPaneRequest::CopyAcross => self.copy_to_other_pane(),
            SecondPaneRequest::MoveAcross => {
                self.move_to_other_pane();
                Vec::new()
            }
            SecondPaneRequest::FileOperation(operation) => {
                self.file_operation(operation);
                Vec::new()
            }
            SecondPaneRequest::Place(path) => self.open_local(path, true),
            SecondPaneRequest::Bucket(bucket) => self.second_open_bucket(bucket),
            SecondPaneRequest::Crumb(location) => self.second_open(location),
            SecondPaneRequest::GoTyped => self.open_typed_local(),
            SecondPaneRequest::Back => self.second_back(),
            SecondPaneRequest::Forward => self.second_forward(),
            SecondPaneRequest::Up => self.second_up(),
            SecondPaneRequest::Refresh => self.refresh_second(),
            SecondPaneRequest::ShowVersions => self.show_second_versions(),
            SecondPaneRequest::ShowHidden(show) => self.set_show_hidden(show),
            SecondPaneRequest::SwapSides => {
                self.second_on_left = !self.second_on_left;
                Vec::new()
            }
            SecondPaneRequest::ConfirmMove => self.confirm_move(),
            SecondPaneRequest::ConfirmLocalChange => self.confirm_local_change(),
            SecondPaneRequest::Search(action) => self.second_search(action),
        }
    }

    /// The second pane's search row or strip: a search of its folder and everything below
    /// it, Stop, or back to the folder's own rows.
    fn second_search(&mut self, action: SearchAction) -> Vec<Command> {
        match action {
            SearchAction::Search => {
                let query = match self.second_pane.as_ref().map(|p| p.search_form().query()) {
                    Some(Ok(query)) => query,
                    Some(Err(problem)) => {
                        if let Some(pane) = &mut self.second_pane {
                            pane.set_error(problem);
                        }
                        return Vec::new();
                    }
                    None => return Vec::new(),
                };
                self.second_go(|pane, id, profile| match profile {
                    Some(profile) => pane.start_search(query, id, profile),
                    None => Vec::new(),
                })
            }
            SearchAction::Stop => match &mut self.second_pane {
                Some(pane) => pane.stop(),
                None => Vec::new(),
            },
            SearchAction::Clear => {
                if let Some(pane) = &mut self.second_pane {
                    pane.end_search();
                }
                self.refresh_second()
            }
        }
    }

    /// View → Two panes: the second pane opens on the home folder, or closes; the choice is
    /// remembered for next time.
    pub fn toggle_two_panes(&mut self) -> Vec<Command> {
        let mut commands = self.show_two_panes(self.second_pane.is_none());
        commands.extend(self.remember_two_panes());
        commands
    }

    /// Shows or hides the second pane.
    pub(crate) fn show_two_panes(&mut self, show: bool) -> Vec<Command> {
        if !show {
            self.second_pane = None;
            self.active_pane = ActivePane::Explorer;
            self.compare_marks = None;
            return Vec::new();
        }
        if self.second_pane.is_some() {
            return Vec::new();
        }
        let start = crate::local_folder::starting_places()
            .into_iter()
            .next()
            .unwrap_or_else(|| PathBuf::from("."));
        self.second_pane = Some(Pane::second());
        self.open_local(start, false)
    }

    /// Keeps the two-pane choice in Pail's settings (not while a settings file is held).
    fn remember_two_panes(&mut self) -> Vec<Command> {
        let two = self.second_pane.is_some();
        let Some(store) = self.profiles.store_mut() else {
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

    /// The second pane's source picker: this computer (the folder it showed last), or the
    /// buckets of a profile.
    pub fn set_second_source(&mut self, source: PaneSource) -> Vec<Command> {
        match &self.second_pane {
            Some(pane) if pane.has_source(source) => Vec::new(),
            Some(_) => self.switch_second_source(source),
            None => Vec::new(),
        }
    }

    /// Shows `source` in the second pane, even the one it shows (its buckets listed again).
    fn switch_second_source(&mut self, source: PaneSource) -> Vec<Command> {
        let Some(pane) = &mut self.second_pane else {
            return Vec::new();
        };
        let mut commands = pane.stop_loading();
        self.compare_marks = None;
        match source {
            PaneSource::ThisComputer => {
                pane.switch_to_this_computer();
                let path = pane.path().to_owned();
                commands.extend(self.open_local(path, false));
            }
            PaneSource::Profile(index) => {
                let Some(profile) = self.profiles.list().get(index).cloned() else {
                    return commands;
                };
                let id = self.next_id();
                if let Some(pane) = &mut self.second_pane {
                    commands.push(pane.switch_to_profile(index, profile, id));
                }
            }
        }
        commands
    }

    /// F7, F2 or F8 on the active pane: on this computer, New folder, Rename or Delete to the
    /// trash; in a bucket (either pane), the bucket's own dialogs.
    pub fn file_operation(&mut self, operation: FileOperation) {
        let local = self.active_pane == ActivePane::Second
            && self
                .second_pane
                .as_ref()
                .is_some_and(Pane::shows_this_computer);
        match (local, operation) {
            (true, FileOperation::NewFolder) => self.open_local_new_folder(),
            (true, FileOperation::Rename) => self.request_local_rename(),
            (true, FileOperation::Delete) => self.request_local_trash(),
            (false, FileOperation::NewFolder) => {
                if self.folder_of(self.bucket_pane()).is_some() {
                    self.open_new_folder();
                }
            }
            (false, FileOperation::Rename) => self.request_rename(),
            (false, FileOperation::Delete) => self.request_delete(),
        }
    }

    /// Tab: the other pane becomes the active one.
    pub fn switch_pane(&mut self) {
        if self.second_pane.is_some() {
            self.active_pane = self.active_pane.other();
        }
    }

    /// Lists the second pane's folder again (after a transfer into it, or Ctrl+R).
    pub fn refresh_second(&mut self) -> Vec<Command> {
        let Some(pane) = &self.second_pane else {
            return Vec::new();
        };
        // A search shown is searched again: its results stay results, brought up to date.
        if let Some(query) = pane.searched() {
            return self.second_go(|pane, id, profile| match profile {
                Some(profile) => pane.start_search(query, id, profile),
                None => Vec::new(),
            });
        }
        match pane.bucket() {
            Some(bucket) => match bucket.location().cloned() {
                Some(location) => self.second_show(location),
                // No bucket yet: its profile's buckets are listed again.
                None => match pane.source() {
                    source @ PaneSource::Profile(_) => self.switch_second_source(source),
                    PaneSource::ThisComputer => Vec::new(),
                },
            },
            None => self.refresh_local(),
        }
    }

    /// Lists the second pane again if it shows the bucket folder holding `key`.
    pub(crate) fn refresh_second_if_shown(
        &mut self,
        bucket: &crate::model::BucketName,
        key: &str,
    ) -> Vec<Command> {
        let shown = self
            .second_pane
            .as_ref()
            .and_then(|p| p.bucket())
            .and_then(|b| b.location())
            .is_some_and(|l| &l.bucket == bucket && key.starts_with(&l.prefix));
        if shown {
            self.refresh_second()
        } else {
            Vec::new()
        }
    }

    /// Lists the second pane again if it shows the folder on this computer holding `path`.
    pub(crate) fn refresh_local_if_shown(&mut self, path: &Path) -> Vec<Command> {
        let shown = self
            .second_pane
            .as_ref()
            .is_some_and(|p| p.shows_this_computer() && path.starts_with(p.path()));
        if shown {
            self.refresh_local()
        } else {
            Vec::new()
        }
    }

    /// Back in the second pane.
    pub fn second_back(&mut self) -> Vec<Command> {
        let Some(pane) = &mut self.second_pane else {
            return Vec::new();
        };
        match pane.profile() {
            Some(_) if pane.can_go_back() => self.second_go(Pane::back),
            Some(_) => Vec::new(),
            None => match pane.local_back() {
                Some(previous) => self.open_local(previous, false),
                None => Vec::new(),
            },
        }
    }

    /// Forward in the second pane: where Back came from.
    pub fn second_forward(&mut self) -> Vec<Command> {
        let Some(pane) = &mut self.second_pane else {
            return Vec::new();
        };
        match pane.profile() {
            Some(_) if pane.can_go_forward() => self.second_go(Pane::forward),
            Some(_) => Vec::new(),
            None => match pane.local_forward() {
                Some(next) => self.open_local(next, false),
                None => Vec::new(),
            },
        }
    }

    /// Up (Backspace) in the second pane.
    pub fn second_up(&mut self) -> Vec<Command> {
        let Some(pane) = &self.second_pane else {
            return Vec::new();
        };
        match pane.profile() {
            Some(_) if pane.can_go_up() => self.second_go(Pane::up),
            Some(_) => Vec::new(),
            None => match pane.path().parent().map(Path::to_owned) {
                Some(parent) => self.open_local(parent, true),
                None => Vec::new(),
            },
        }
    }

    /// A double-click on a row of the second pane: a folder opens; a file on this computer
    /// opens with its default app.
    pub fn second_activate(&mut self, row_name: &str) -> Vec<Command> {
        self.active_pane = ActivePane::Second;
        let Some(pane) = &self.second_pane else {
            return Vec::new();
        };
        if pane.profile().is_some() {
            return match pane.subfolder(row_name) {
                Some(location) if row_name.ends_with('/') => self.second_open(location),
                _ => Vec::new(),
            };
        }
        match pane.entry_of(row_name).map(|e| (e.is_dir, e.path.clone())) {
            Some((true, path)) => self.open_local(path, true),
            Some((false, path)) => vec![Command::OpenLocal { path }],
            None => Vec::new(),
        }
    }

    /// Enter in the second pane: the one selected folder opens.
    pub fn second_open_selected(&mut self) -> Vec<Command> {
        let folder =
            self.second_pane
                .as_ref()
                .and_then(|pane| match pane.listing().selected_rows()[..] {
                    [row] if row.is_folder => Some(row.name.to_string()),
                    _ => None,
                });
        match folder {
            Some(name) => self.second_activate(&name),
            None => Vec::new(),
        }
    }

    /// Answers of the worker for the second pane; any other answer is handed back.
    pub(crate) fn second_pane_takes(
        &mut self,
        event: BrowseEvent,
    ) -> Result<Vec<Command>, BrowseEvent> {
        let Some(pane) = &mut self.second_pane else {
            return Err(event);
        };
        match pane.apply(event) {
            Folded::NotMine(event) => Err(event),
            // The pane's profile answers, so uploads and copies an earlier run left there
            // unfinished can be aborted now.
            Folded::BucketsArrived => {
                let profile = pane.profile().cloned();
                Ok(profile
                    .zip(self.journal_path())
                    .map(|(profile, journal)| Command::SweepUploads { profile, journal })
                    .into_iter()
                    .collect())
            }
            Folded::LocalChanged(result) => Ok(self.local_changed(result)),
            // The second pane shows its own errors.
            Folded::Done | Folded::Failed(_) => Ok(Vec::new()),
        }
    }
}
