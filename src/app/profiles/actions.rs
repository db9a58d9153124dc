//! Profiles in the window's state: the last one used, and the Profiles window's add, edit,
//! delete, default and Test connection.

use crate::app::profiles::state::{ProfileForm, ProfilesWindow};
use crate::app::shared::{ListingState, Loadable};
use crate::app::state::{AppState, Modal};
use crate::profiles::{Profile, ProfileSource};
use crate::worker::{Command, ProfilesEvent};

impl AppState {
    /// Switches profile: forgets the folder and lists the new profile's buckets.
    pub fn select_profile(&mut self, index: usize) -> Vec<Command> {
        if index >= self.profiles.len() || self.current_profile == Some(index) {
            return Vec::new();
        }
        let mut commands = self.cancel_listing();
        self.current_profile = Some(index);
        commands.extend(self.remember_last_used());
        self.location = None;
        self.history.clear();
        self.listing.clear();
        self.listing_state = ListingState::Idle;
        self.status.clear_error();
        commands.extend(self.load_buckets());
        commands
    }

    /// Keeps the chosen profile's name for next time.
    pub(crate) fn remember_last_used(&mut self) -> Vec<Command> {
        let name = self.profile().map(|p| p.name.clone());
        let Some(store) = &mut self.saved else {
            return Vec::new();
        };
        if name.is_none() || store.last_used_profile == name {
            return Vec::new();
        }
        store.last_used_profile = name;
        if store.is_held() {
            // A settings file could not be read: an automatic save must not replace it. The
            // choice is written with the next deliberate save.
            return Vec::new();
        }
        vec![Command::SaveProfiles {
            store: store.clone(),
        }]
    }

    /// Puts `discovered` (saved, environment and AWS profiles) after the demo.
    pub(crate) fn replace_discovered(&mut self, discovered: Vec<Profile>) {
        self.profiles.retain(|p| p.source == ProfileSource::Demo);
        self.profiles.extend(discovered);
    }

    /// After the saved profiles changed: rebuilds the list, keeps the selection by name, and
    /// writes the store.
    fn saved_profiles_changed(&mut self, keep: Option<String>) -> Vec<Command> {
        let Some(store) = &mut self.saved else {
            return Vec::new();
        };
        // Every caller is a deliberate change in the Profiles window, where the person has
        // seen any problem with the files. Before the files were read, nothing is written.
        if !self.profiles_request.is_waiting() {
            store.release();
        }
        let saved: Vec<Profile> = store.profiles.iter().map(Profile::from_saved).collect();
        let others: Vec<Profile> = self
            .profiles
            .iter()
            .filter(|p| p.source != ProfileSource::Pail)
            .cloned()
            .collect();
        let (demo, rest): (Vec<Profile>, Vec<Profile>) = others
            .into_iter()
            .partition(|p| p.source == ProfileSource::Demo);
        self.profiles = demo;
        self.profiles.extend(saved);
        self.profiles.extend(rest);
        let mut commands = vec![Command::SaveProfiles {
            store: store.clone(),
        }];
        let current = keep.or_else(|| self.profile().map(|p| p.name.clone()));
        let index = current.and_then(|n| self.profiles.iter().position(|p| p.name == n));
        match index {
            Some(i) => {
                // Its keys or endpoint may have changed: list again with the new settings.
                self.current_profile = Some(i);
                if self.location.is_some() {
                    commands.extend(self.refresh());
                }
                commands.extend(self.load_buckets());
            }
            None => {
                self.current_profile = None;
                self.location = None;
                self.listing.clear();
                self.buckets = Loadable::Idle;
            }
        }
        commands
    }

    /// Save in the profile form: validates, then adds or replaces the saved profile.
    pub fn save_profile_form(&mut self) -> Vec<Command> {
        let (Some(store), Some(window)) = (&mut self.saved, self.modals.profiles_window_mut())
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
        let current = self
            .current_profile
            .and_then(|i| self.profiles.get(i))
            .map(|p| p.name.clone());
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
        let Some(store) = &mut self.saved else {
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
        let Some(store) = &mut self.saved else {
            return Vec::new();
        };
        store.default_profile = Some(name.to_owned());
        if !self.profiles_request.is_waiting() {
            store.release();
        }
        if let Some(window) = self.modals.profiles_window_mut() {
            window.set_notice(format!("{name} is the default profile"));
        }
        vec![Command::SaveProfiles {
            store: store.clone(),
        }]
    }

    /// Test connection for the form being edited, or the profile picked in the list.
    pub fn test_connection(&mut self) -> Vec<Command> {
        let id = self.next_id();
        let Some(window) = self.modals.profiles_window_mut() else {
            return Vec::new();
        };
        let profile = match (window.form(), window.selected()) {
            (Some(form), _) => form.to_profile(),
            (None, Some(name)) => match self.profiles.iter().find(|p| p.name == name) {
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
        let saved = name.and_then(|n| self.saved.as_ref()?.get(n).cloned());
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

    /// Profiles found, saved or tested, as the worker answers.
    pub(crate) fn apply_profiles(&mut self, event: ProfilesEvent) -> Vec<Command> {
        match event {
            ProfilesEvent::Found { id, found } => {
                if !self.profiles_request.accept(id) {
                    return Vec::new();
                }
                let found = *found;
                self.status.set_file_problems(found.warnings);
                if found.store.is_some() {
                    self.saved = found.store;
                }
                // The window as it was left: two panes if they were shown.
                let two_panes = self.saved.as_ref().is_some_and(|s| s.two_panes);
                let mut commands = self.show_two_panes(two_panes || self.second_pane.is_some());
                let selected_name = self.profile().map(|p| p.name.clone());
                self.replace_discovered(found.profiles);
                self.current_profile = selected_name
                    .and_then(|name| self.profiles.iter().position(|p| p.name == name));
                if self.current_profile.is_none()
                    && let Some(index) = self.preferred_profile()
                {
                    commands.extend(self.select_profile(index));
                }
                return commands;
            }
            ProfilesEvent::Saved { result } => match result {
                Ok(()) => {
                    // The files were written anew: the problems they had are behind us.
                    if let Some(store) = &mut self.saved {
                        store.problems.clear();
                    }
                    if let Some(window) = self.modals.profiles_window_mut()
                        && window.notice().is_none()
                    {
                        window.set_notice("Saved".into());
                    }
                }
                Err(e) => self.status.set_error(e.to_string()),
            },
            ProfilesEvent::ConnectionTested { id, result } => {
                if let Some(window) = self.modals.profiles_window_mut() {
                    window.tested(id, result);
                }
            }
        }
        Vec::new()
    }

    /// With nothing chosen yet: the last one used, the default, the environment's
    /// credentials, AWS's default profile, else the first one.
    fn preferred_profile(&self) -> Option<usize> {
        let saved = self.saved.as_ref();
        let by_name =
            |name: Option<&str>| name.and_then(|n| self.profiles.iter().position(|p| p.name == n));
        by_name(saved.and_then(|s| s.last_used_profile.as_deref()))
            .or_else(|| by_name(saved.and_then(|s| s.default_profile.as_deref())))
            .or_else(|| {
                self.profiles
                    .iter()
                    .position(|p| p.source == ProfileSource::Environment)
            })
            .or_else(|| by_name(Some("default")))
            .or(if self.profiles.is_empty() {
                None
            } else {
                Some(0)
            })
    }
}
