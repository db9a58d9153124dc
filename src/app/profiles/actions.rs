//! What choosing and changing profiles does to the window: a new profile's buckets listed,
//! the Profiles window's requests (add, edit, delete, default, Test connection), and the
//! worker's answers once the list has taken them (the list itself is
//! [`super::known::Profiles`]).

use crate::app::profiles::known::ProfilesFollowUp;
use crate::app::profiles::state::{ProfileForm, ProfilesWindow};
use crate::app::profiles::ui::ProfilesRequest;
use crate::app::state::{AppState, Modal};
use crate::worker::{Command, ProfilesEvent};

impl AppState {
    /// Switches profile: forgets the folder and lists the new profile's buckets.
    pub fn select_profile(&mut self, index: usize) -> Vec<Command> {
        if index >= self.profiles.list().len() || self.profiles.current_index() == Some(index) {
            return Vec::new();
        }
        let mut commands = self.cancel_listing();
        self.profiles.choose(index);
        commands.extend(self.profiles.remember_last_used());
        self.explorer.forget_folder();
        self.status.clear_error();
        commands.extend(self.load_buckets());
        commands
    }

    /// After the saved profiles changed: rebuilds the list, keeps the selection by name, and
    /// writes the store; the explorer lists again with the profile's new settings.
    fn saved_profiles_changed(&mut self, keep: Option<String>) -> Vec<Command> {
        let Some((save, chosen)) = self.profiles.saved_changed(keep) else {
            return Vec::new();
        };
        let mut commands = vec![save];
        if chosen {
            // Its keys or endpoint may have changed: list again with the new settings.
            if self.explorer.location().is_some() {
                commands.extend(self.refresh());
            }
            commands.extend(self.load_buckets());
        } else {
            self.explorer.forget_profile();
        }
        commands
    }

    /// Save in the profile form: validates, then adds or replaces the saved profile.
    pub fn save_profile_form(&mut self) -> Vec<Command> {
        let current = self.profile().map(|p| p.name.clone());
        let (Some(store), Some(window)) =
            (self.profiles.store_mut(), self.modals.profiles_window_mut())
        else {
            return Vec::new();
        };
        let Some(form) = window.form_mut() else {
            return Vec::new();
        };
        let names: Vec<&str> = store.profiles.iter().map(|p| p.name.as_str()).collect();
        if !form.check(&names) {
            return Vec::new();
        }
        let saved = form.to_saved();
        let keep = match (&form.original_name, current) {
            (Some(old), Some(current)) if *old == current => Some(saved.name.clone()),
            (_, current) => current,
        };
        store.upsert(form.original_name.as_deref(), saved.clone());
        window.saved(&saved.name);
        self.saved_profiles_changed(keep)
    }

    /// Delete, after confirmation.
    pub fn delete_profile(&mut self, name: &str) -> Vec<Command> {
        let Some(store) = self.profiles.store_mut() else {
            return Vec::new();
        };
        store.delete(name);
        if let Some(window) = self.modals.profiles_window_mut() {
            window.deleted(name);
        }
        let keep = self
            .profile()
            .map(|p| p.name.clone())
            .filter(|current| current != name);
        self.saved_profiles_changed(keep)
    }

    pub fn set_default_profile(&mut self, name: &str) -> Vec<Command> {
        let Some(save) = self.profiles.set_default(name) else {
            return Vec::new();
        };
        if let Some(window) = self.modals.profiles_window_mut() {
            window.set_notice(format!("{name} is the default profile"));
        }
        vec![save]
    }

    /// Test connection for the form being edited, or the profile picked in the list.
    pub fn test_connection(&mut self) -> Vec<Command> {
        let id = self.next_id();
        let Some(window) = self.modals.profiles_window_mut() else {
            return Vec::new();
        };
        let profile = match (window.form(), window.selected()) {
            (Some(form), _) => form.to_profile(),
            (None, Some(name)) => match self.profiles.by_name(name) {
                Some(profile) => profile.clone(),
                None => return Vec::new(),
            },
            (None, None) => return Vec::new(),
        };
        window.start_test(id);
        vec![Command::TestConnection { id, profile }]
    }

    /// Profiles (toolbar): the window, with the current profile picked in the list.
    pub fn open_profiles_window(&mut self) {
        let selected = self.profile().map(|p| p.name.clone());
        self.modals
            .open(Modal::Profiles(Box::new(ProfilesWindow::new(selected))));
    }

    /// Closes the Profiles window.
    pub fn close_profiles_window(&mut self) {
        self.modals.close_if(|m| matches!(m, Modal::Profiles(_)));
    }

    /// Opens the form for a new profile, or for editing / duplicating a saved one.
    pub fn open_profile_form(&mut self, name: Option<&str>, duplicate: bool) {
        let saved = name.and_then(|n| self.profiles.store()?.get(n).cloned());
        if self.modals.profiles_window().is_none() {
            self.open_profiles_window();
        }
        let Some(window) = self.modals.profiles_window_mut() else {
            return;
        };
        window.open_form(match (saved, duplicate) {
            (Some(saved), true) => ProfileForm::duplicate(&saved),
            (Some(saved), false) => ProfileForm::edit(&saved),
            (None, _) => ProfileForm::default(),
        });
    }

    /// What the person asked of the Profiles window ([`super::ui::profiles_window_ui`]).
    pub(crate) fn on_profiles_request(&mut self, request: ProfilesRequest) -> Vec<Command> {
        match request {
            ProfilesRequest::Add => self.open_profile_form(None, false),
            ProfilesRequest::Edit(name) => self.open_profile_form(Some(&name), false),
            ProfilesRequest::Duplicate(name) => self.open_profile_form(Some(&name), true),
            ProfilesRequest::Delete(name) => return self.delete_profile(&name),
            ProfilesRequest::SetDefault(name) => return self.set_default_profile(&name),
            ProfilesRequest::TestConnection => return self.test_connection(),
            ProfilesRequest::Save => return self.save_profile_form(),
            ProfilesRequest::Close => self.close_profiles_window(),
        }
        Vec::new()
    }

    /// Profiles found, saved or tested, as the worker answers: the list and the store take
    /// it first; the panes, the status bar and the Profiles window follow.
    pub(crate) fn apply_profiles(&mut self, event: ProfilesEvent) -> Vec<Command> {
        match self.profiles.apply(event) {
            ProfilesFollowUp::Nothing => Vec::new(),
            ProfilesFollowUp::Found {
                warnings,
                two_panes,
                choose,
            } => {
                self.status.set_file_problems(warnings);
                // The window as it was left: two panes if they were shown.
                let mut commands = self.show_two_panes(two_panes || self.second_pane.is_some());
                if let Some(index) = choose {
                    commands.extend(self.select_profile(index));
                }
                commands
            }
            ProfilesFollowUp::Saved => {
                if let Some(window) = self.modals.profiles_window_mut()
                    && window.notice().is_none()
                {
                    window.set_notice("Saved".into());
                }
                Vec::new()
            }
            ProfilesFollowUp::SaveFailed(e) => {
                self.status.set_error(e.to_string());
                Vec::new()
            }
            ProfilesFollowUp::Tested { id, result } => {
                if let Some(window) = self.modals.profiles_window_mut() {
                    window.tested(id, result);
                }
                Vec::new()
            }
        }
    }
}
