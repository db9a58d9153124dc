//! The profiles the window knows ([`Profiles`]): the demo's, Pail's saved ones, the
//! environment's and AWS's, which one is chosen, and Pail's profile store as read, with what
//! the worker's answers change in them ([`Profiles::apply`]). A leaf the window's state holds;
//! what a change of profile does to the panes is in [`super::actions`].

use std::path::PathBuf;

use crate::app::shared::Pending;
use crate::profiles::store::{ProfileStore, StoreError};
use crate::profiles::{Profile, ProfileSource};
use crate::worker::{Command, JobError, ProfilesEvent, RequestId};

/// What a worker's answer about profiles leaves for the window to do once [`Profiles::apply`]
/// has changed the list and the store: the parts it concerns are not the list's.
#[derive(Debug)]
pub(crate) enum ProfilesFollowUp {
    /// An answer to a search no longer waited for: nothing to do.
    Nothing,
    /// The profiles were found: the settings files' `warnings` for the status bar, whether
    /// the window was left with `two_panes`, and the profile to `choose` when none was chosen.
    Found {
        warnings: Vec<String>,
        two_panes: bool,
        choose: Option<usize>,
    },
    /// The store was written: the Profiles window says so.
    Saved,
    /// The store could not be written.
    SaveFailed(StoreError),
    /// Test connection's answer, for the Profiles window (which knows whether it still waits).
    Tested {
        id: RequestId,
        result: Result<String, JobError>,
    },
}

/// Every profile found, the chosen one, and where Pail keeps its own.
#[derive(Debug)]
pub struct Profiles {
    list: Vec<Profile>,
    current: Option<usize>,
    /// The search for profiles at start-up.
    request: Pending,
    /// Pail's saved profiles, once read; `None` when there is nowhere to keep them.
    store: Option<ProfileStore>,
    config_dir: Option<PathBuf>,
}

impl Profiles {
    /// `initial` profiles are known before the window opens (the demo); the first is chosen.
    pub(crate) fn new(initial: Vec<Profile>) -> Self {
        let current = (!initial.is_empty()).then_some(0);
        Self {
            list: initial,
            current,
            request: Pending::default(),
            store: None,
            config_dir: None,
        }
    }

    pub fn list(&self) -> &[Profile] {
        &self.list
    }

    /// The chosen profile.
    pub(crate) fn current(&self) -> Option<&Profile> {
        self.current.and_then(|i| self.list.get(i))
    }

    pub fn current_index(&self) -> Option<usize> {
        self.current
    }

    pub(crate) fn by_name(&self, name: &str) -> Option<&Profile> {
        self.list.iter().find(|p| p.name == name)
    }

    fn position_of(&self, name: &str) -> Option<usize> {
        self.list.iter().position(|p| p.name == name)
    }

    /// Pail's saved profiles, once read.
    pub fn store(&self) -> Option<&ProfileStore> {
        self.store.as_ref()
    }

    pub(crate) fn store_mut(&mut self) -> Option<&mut ProfileStore> {
        self.store.as_mut()
    }

    pub(crate) fn config_dir(&self) -> Option<&PathBuf> {
        self.config_dir.as_ref()
    }

    /// Looks for the profiles (request `id`), Pail's own in `config_dir`.
    pub(crate) fn find(&mut self, id: RequestId, config_dir: Option<PathBuf>) -> Command {
        self.request.start(id);
        self.config_dir = config_dir.clone();
        if let Some(dir) = &config_dir {
            self.store = Some(ProfileStore::unread(dir));
        }
        Command::LoadProfiles { id, config_dir }
    }

    /// Folds the worker's answer into the list and the store; gives what the rest of the
    /// window must still do.
    pub(crate) fn apply(&mut self, event: ProfilesEvent) -> ProfilesFollowUp {
        match event {
            ProfilesEvent::Found { id, found } => {
                if !self.request.accept(id) {
                    return ProfilesFollowUp::Nothing;
                }
                let found = *found;
                if found.store.is_some() {
                    self.store = found.store;
                }
                self.replace_discovered(found.profiles);
                let choose = if self.current.is_none() {
                    self.preferred()
                } else {
                    None
                };
                ProfilesFollowUp::Found {
                    warnings: found
                        .warnings
                        .iter()
                        .map(|w| crate::fmt::shown_as_is(w).into_owned())
                        .collect(),
                    two_panes: self.store.as_ref().is_some_and(|s| s.two_panes),
                    choose,
                }
            }
            ProfilesEvent::Saved { result: Ok(()) } => {
                // The files were written anew: the problems they had are behind us.
                if let Some(store) = &mut self.store {
                    store.problems.clear();
                }
                ProfilesFollowUp::Saved
            }
            ProfilesEvent::Saved { result: Err(e) } => ProfilesFollowUp::SaveFailed(e),
            ProfilesEvent::ConnectionTested { id, result } => {
                ProfilesFollowUp::Tested { id, result }
            }
        }
    }

    /// Adds `profile` (a test's, or one made elsewhere) at the end; gives its index.
    pub fn add(&mut self, profile: Profile) -> usize {
        self.list.push(profile);
        self.list.len() - 1
    }

    /// Chooses the profile at `index`: `false` when there is none or it is chosen already.
    pub(crate) fn choose(&mut self, index: usize) -> bool {
        if index >= self.list.len() || self.current == Some(index) {
            return false;
        }
        self.current = Some(index);
        true
    }

    /// Keeps the chosen profile's name for next time.
    pub(crate) fn remember_last_used(&mut self) -> Vec<Command> {
        let name = self.current().map(|p| p.name.clone());
        let Some(store) = &mut self.store else {
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

    /// Puts `discovered` (saved, environment and AWS profiles) after the demo, keeping the
    /// chosen one by name.
    fn replace_discovered(&mut self, discovered: Vec<Profile>) {
        let chosen = self.current().map(|p| p.name.clone());
        self.list.retain(|p| p.source == ProfileSource::Demo);
        self.list.extend(discovered);
        self.current = chosen.and_then(|name| self.position_of(&name));
    }

    /// After the saved profiles changed: rebuilds the list from the store (the demo first,
    /// then Pail's, then the rest) and chooses `keep` (or the chosen one) by name again.
    /// Gives the save to send and whether a profile is still chosen; `None` without a store.
    pub(crate) fn saved_changed(&mut self, keep: Option<String>) -> Option<(Command, bool)> {
        let store = self.store.as_mut()?;
        // Every caller is a deliberate change in the Profiles window, where the person has
        // seen any problem with the files. Before the files were read, nothing is written.
        if !self.request.is_waiting() {
            store.release();
        }
        let saved: Vec<Profile> = store.profiles.iter().map(Profile::from_saved).collect();
        let save = Command::SaveProfiles {
            store: store.clone(),
        };
        let others: Vec<Profile> = self
            .list
            .iter()
            .filter(|p| p.source != ProfileSource::Pail)
            .cloned()
            .collect();
        let (demo, rest): (Vec<Profile>, Vec<Profile>) = others
            .into_iter()
            .partition(|p| p.source == ProfileSource::Demo);
        self.list = demo;
        self.list.extend(saved);
        self.list.extend(rest);
        // Without a name to keep, whichever profile now stands where the chosen one stood.
        let keep = keep.or_else(|| self.current().map(|p| p.name.clone()));
        self.current = keep.and_then(|name| self.position_of(&name));
        Some((save, self.current.is_some()))
    }

    /// Makes `name` the default profile; gives the save to send.
    pub(crate) fn set_default(&mut self, name: &str) -> Option<Command> {
        let store = self.store.as_mut()?;
        store.default_profile = Some(name.to_owned());
        if !self.request.is_waiting() {
            store.release();
        }
        Some(Command::SaveProfiles {
            store: store.clone(),
        })
    }

    /// With nothing chosen yet: the last one used, the default, the environment's
    /// credentials, AWS's default profile, else the first one.
    fn preferred(&self) -> Option<usize> {
        let saved = self.store.as_ref();
        let by_name = |name: Option<&str>| name.and_then(|n| self.position_of(n));
        by_name(saved.and_then(|s| s.last_used_profile.as_deref()))
            .or_else(|| by_name(saved.and_then(|s| s.default_profile.as_deref())))
            .or_else(|| {
                self.list
                    .iter()
                    .position(|p| p.source == ProfileSource::Environment)
            })
            .or_else(|| by_name(Some("default")))
            .or(if self.list.is_empty() { None } else { Some(0) })
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use aws_credential_types::Credentials;

    use super::*;
    use crate::model::Endpoint;
    use crate::profiles::Discovered;
    use crate::storage::unreadable::UnreadableFile;

    fn profile(name: &str, source: ProfileSource) -> Profile {
        Profile::fixed(
            name,
            source,
            Credentials::new("a", "b", None, None, "test"),
            Endpoint::custom("http://127.0.0.1:1").unwrap(),
            "us-east-1",
        )
    }

    /// Profiles searching for the store in a config folder, and the request id it waits for.
    fn searching(initial: Vec<Profile>) -> (Profiles, RequestId) {
        let mut profiles = Profiles::new(initial);
        let id = RequestId(7);
        profiles.find(id, Some(Path::new("/nowhere/pail").to_owned()));
        (profiles, id)
    }

    fn found(id: RequestId, found: Discovered) -> ProfilesEvent {
        ProfilesEvent::Found {
            id,
            found: Box::new(found),
        }
    }

    fn names(profiles: &Profiles) -> Vec<&str> {
        profiles.list().iter().map(|p| p.name.as_str()).collect()
    }

    #[test]
    fn an_answer_to_another_search_changes_nothing() {
        let (mut profiles, id) = searching(vec![profile("Demo", ProfileSource::Demo)]);
        let stale = found(
            RequestId(id.0 + 1),
            Discovered {
                profiles: vec![profile("work", ProfileSource::AwsConfig)],
                ..Default::default()
            },
        );
        assert!(matches!(profiles.apply(stale), ProfilesFollowUp::Nothing));
        assert_eq!(names(&profiles), ["Demo"]);
    }

    #[test]
    fn found_profiles_follow_the_demo_and_keep_it_chosen() {
        let (mut profiles, id) = searching(vec![profile("Demo", ProfileSource::Demo)]);
        let event = found(
            id,
            Discovered {
                profiles: vec![profile("work", ProfileSource::AwsConfig)],
                warnings: vec!["config.toml could not be read".into()],
                store: None,
            },
        );
        let ProfilesFollowUp::Found {
            warnings,
            two_panes,
            choose,
        } = profiles.apply(event)
        else {
            panic!("the answer waited for");
        };
        assert_eq!(names(&profiles), ["Demo", "work"]);
        assert_eq!(profiles.current().unwrap().name, "Demo");
        assert_eq!(choose, None, "the demo is chosen already");
        assert_eq!(warnings, ["config.toml could not be read"]);
        assert!(!two_panes);
        assert!(
            profiles.store().is_some_and(ProfileStore::is_held),
            "without a store read, the unread stand-in stays"
        );
    }

    #[test]
    fn with_nothing_chosen_the_store_says_which_profile_and_how_many_panes() {
        let (mut profiles, id) = searching(Vec::new());
        let mut store = ProfileStore::in_dir(Path::new("/nowhere/pail"));
        store.last_used_profile = Some("personal".into());
        store.two_panes = true;
        let event = found(
            id,
            Discovered {
                profiles: vec![
                    profile("default", ProfileSource::AwsConfig),
                    profile("personal", ProfileSource::AwsConfig),
                ],
                warnings: Vec::new(),
                store: Some(store),
            },
        );
        let ProfilesFollowUp::Found {
            two_panes, choose, ..
        } = profiles.apply(event)
        else {
            panic!("the answer waited for");
        };
        assert_eq!(choose, Some(1), "the last one used");
        assert!(two_panes);
        assert!(profiles.current().is_none(), "the window chooses it");
        assert!(profiles.store().is_some_and(|s| !s.is_held()));
    }

    #[test]
    fn a_save_clears_the_problems_the_files_had() {
        let (mut profiles, _) = searching(Vec::new());
        let problem = UnreadableFile {
            path: "/nowhere/pail/config.toml".into(),
            line: Some(3),
            reason: "expected a value".into(),
            kept_as: None,
        };
        if let Some(store) = profiles.store_mut() {
            store.problems.push(problem);
        }
        let saved = profiles.apply(ProfilesEvent::Saved { result: Ok(()) });
        assert!(matches!(saved, ProfilesFollowUp::Saved));
        assert!(profiles.store().is_some_and(|s| s.problems.is_empty()));
    }

    #[test]
    fn a_failed_save_and_a_connection_test_are_for_the_window() {
        let (mut profiles, _) = searching(Vec::new());
        let failed = profiles.apply(ProfilesEvent::Saved {
            result: Err(StoreError::Held),
        });
        assert!(matches!(
            failed,
            ProfilesFollowUp::SaveFailed(StoreError::Held)
        ));
        let tested = profiles.apply(ProfilesEvent::ConnectionTested {
            id: RequestId(9),
            result: Ok("Connected".into()),
        });
        assert!(matches!(
            tested,
            ProfilesFollowUp::Tested { id: RequestId(9), result: Ok(text) } if text == "Connected"
        ));
    }
}
