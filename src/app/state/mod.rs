//! What the window knows as a whole — the profile, the folder, the open dialog, the
//! transfers — and [`AppState::apply`], which hands each answer of the worker to its feature.
//! Each feature's changes live in its folder (`explorer/state.rs`, `web_url/actions.rs`, …)
//! as `impl AppState` blocks. Nothing here draws or does I/O; methods return the [`Command`]s
//! to send, so all of it is tested without S3 or a screen.

use std::path::PathBuf;

use crate::profiles::Profile;
use crate::worker::{Command, Event, RequestId};

pub use crate::app::files::transfer_rows::{Transfer, TransferState, Transfers};
pub use crate::app::modal::{Modal, Modals, PendingDelete};

use crate::app::files::file_ops::FileOps;
use crate::app::pane::Pane;
use crate::app::profiles::known::Profiles;
use crate::app::profiles::state::ProfilesWindow;
use crate::app::shared::ActivePane;
use crate::app::shared_links::state::Links;
use crate::app::status::Status;
use crate::app::web_url::state::WebUrlDialog;

/// All of the window's state that outlives a frame.
#[derive(Debug)]
pub struct AppState {
    next_id: u64,
    /// The profiles found and the chosen one.
    pub profiles: Profiles,
    /// The explorer: the profile's buckets, the folder shown and its rows.
    pub explorer: Pane,
    /// The status bar's notice and error, and the settings files that could not be read.
    pub status: Status,
    /// The dialog open over the explorer, and those waiting their turn.
    pub modals: Modals,
    /// Every link generated, where they are saved, and the Shared links window.
    pub links: Links,
    /// Uploads, downloads and copies, and how many run at once.
    pub transfers: Transfers,
    /// The second pane, on this computer or a bucket of any profile, while two panes are
    /// shown.
    pub second_pane: Option<Pane>,
    pub active_pane: ActivePane,
    /// The second pane is drawn left of the explorer's table (Swap sides), so this computer
    /// can be on either side.
    pub second_on_left: bool,
    /// Compare's marks for the two folders shown, until either changes.
    pub compare_marks: Option<crate::app::shared::CompareMarks>,
    /// Delete, New folder, Rename and Properties while the worker runs them.
    pub(crate) file_ops: FileOps,
    /// The Versions window: a folder's versions and what is done to them.
    pub versions: crate::app::versions::state::Versions,
}

impl AppState {
    /// `initial` profiles are known before the window opens (the demo); the first is selected.
    pub fn new(initial: Vec<Profile>) -> Self {
        Self {
            next_id: 0,
            profiles: Profiles::new(initial),
            explorer: Pane::default(),
            status: Status::default(),
            modals: Modals::default(),
            links: Links::default(),
            transfers: Transfers::default(),
            second_pane: None,
            active_pane: Default::default(),
            second_on_left: false,
            compare_marks: None,
            file_ops: FileOps::default(),
            versions: Default::default(),
        }
    }

    /// True while a dialog is open: the dialogs are modal, so the explorer's keys wait.
    pub fn modal_open(&self) -> bool {
        self.modals.is_open()
    }

    /// The Web URL dialog, while it is the open one.
    pub fn web_url(&self) -> Option<&WebUrlDialog> {
        self.modals.web_url()
    }

    pub fn web_url_mut(&mut self) -> Option<&mut WebUrlDialog> {
        self.modals.web_url_mut()
    }

    /// The Profiles window, while it is the open one.
    pub fn profiles_window(&self) -> Option<&ProfilesWindow> {
        self.modals.profiles_window()
    }

    pub fn profiles_window_mut(&mut self) -> Option<&mut ProfilesWindow> {
        self.modals.profiles_window_mut()
    }

    pub(crate) fn next_id(&mut self) -> RequestId {
        self.next_id += 1;
        RequestId(self.next_id)
    }

    /// The first commands: find the profiles, list the buckets of a preselected one, and
    /// read the shared-links history from `history_path`.
    pub fn start(
        &mut self,
        history_path: Option<PathBuf>,
        config_dir: Option<PathBuf>,
    ) -> Vec<Command> {
        let id = self.next_id();
        let mut commands = vec![self.profiles.find(id, config_dir)];
        if let Some(path) = history_path {
            let id = self.next_id();
            commands.push(self.links.load(id, path));
        }
        if let Some(journal) = self.partials_path() {
            // Partial downloads a quit or killed run left behind.
            commands.push(Command::SweepPartials { journal });
        }
        commands.extend(self.load_buckets());
        commands
    }

    pub fn profile(&self) -> Option<&Profile> {
        self.profiles.current()
    }

    /// Folds one answer from the worker into the state, returning any follow-up commands.
    /// Each feature drops answers to requests that are no longer current (a folder left, a
    /// dialog closed).
    pub fn apply(&mut self, event: Event) -> Vec<Command> {
        match event {
            Event::Profiles(event) => self.apply_profiles(event),
            Event::Browse(event) => self.apply_browse(event),
            Event::Links(event) => self.apply_links(event),
            Event::History(event) => self.links.apply(event, &mut self.status),
            Event::Files(event) => self.apply_files(event),
            Event::Headers(event) => self.apply_headers(event),
            Event::Buckets(event) => self.apply_buckets(event),
            Event::Versions(event) => self.apply_versions(event),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
