//! The profiles the window knows ([`Profiles`]): the demo's, Pail's saved ones, the
//! environment's and AWS's, which one is chosen, and Pail's profile store as read. A leaf the
//! window's state holds; what a change of profile does to the panes is in
//! [`super::actions`].

use std::path::PathBuf;

use crate::app::shared::Pending;
use crate::profiles::store::ProfileStore;
use crate::profiles::{Profile, ProfileSource};
use crate::worker::{Command, RequestId};

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

    /// The search's answer is `id`'s: the one waited for.
    pub(crate) fn accept_found(&mut self, id: RequestId) -> bool {
        self.request.accept(id)
    }

    /// The store as read from the files, when there was one.
    pub(crate) fn set_store(&mut self, store: Option<ProfileStore>) {
        if store.is_some() {
            self.store = store;
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
    pub(crate) fn replace_discovered(&mut self, discovered: Vec<Profile>) {
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
    pub(crate) fn preferred(&self) -> Option<usize> {
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
