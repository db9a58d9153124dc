//! The explorer's state: which folder is shown (and Back, Forward, Up), its listing as it
//! loads, the bucket list, the filter, the answers of the worker about them, and what its
//! views and the window's keys ask ([`AppState::on_explorer_request`]).

use crate::app::explorer::{ExplorerRequest, Target};
use crate::app::pane::Folded;
use crate::app::shared::{ActivePane, ListingState, Loadable, Location};
use crate::app::state::AppState;
use crate::model::BucketName;
use crate::worker::{BrowseEvent, Command};

impl AppState {
    /// Does what the explorer's views or the keys asked; Back, Forward, Up and Enter act on
    /// the pane the request names, the file operations on the active one.
    pub(crate) fn on_explorer_request(&mut self, request: ExplorerRequest) -> Vec<Command> {
        use ExplorerRequest as R;
        let second = |state: &Self, target: Target| {
            target == Target::ActivePane
                && state.second_pane.is_some()
                && state.active_pane == ActivePane::Second
        };
        match request {
            R::SelectProfile(index) => self.select_profile(index),
            R::Back(target) if second(self, target) => self.second_back(),
            R::Back(_) => self.go_back(),
            R::Forward(target) if second(self, target) => self.second_forward(),
            R::Forward(_) => self.go_forward(),
            R::Up(target) if second(self, target) => self.second_up(),
            R::Up(_) => self.go_up(),
            R::Refresh { both_panes } => {
                let mut commands = self.refresh();
                if both_panes {
                    commands.extend(self.refresh_second());
                }
                commands
            }
            R::Retry => self.retry(),
            R::Stop => self.stop(),
            R::Search => self.search(),
            R::ClearSearch => {
                self.explorer.end_search();
                self.refresh()
            }
            R::OpenBucket(name) => match BucketName::new(name) {
                Ok(bucket) => self.open_bucket(bucket),
                Err(e) => {
                    self.status.set_error(e.to_string());
                    Vec::new()
                }
            },
            R::Bucket(action) => self.on_bucket_request(action),
            R::Open(location) => self.open(location),
            R::OpenFolder(name) => self.open_folder(&name),
            R::OpenSelected if second(self, Target::ActivePane) => self.second_open_selected(),
            R::OpenSelected => self.open_selected_folder(),
            R::SelectAll => {
                match &mut self.second_pane {
                    Some(pane) if self.active_pane == ActivePane::Second => {
                        pane.listing_mut().select_all()
                    }
                    _ => self.explorer.listing_mut().select_all(),
                }
                Vec::new()
            }
            R::MakeActive => {
                self.active_pane = ActivePane::Explorer;
                Vec::new()
            }
            R::SwitchPane => {
                self.switch_pane();
                Vec::new()
            }
            R::FileOperation(operation) => {
                self.file_operation(operation);
                Vec::new()
            }
            R::WebUrl => self.open_web_url(std::time::SystemTime::now()),
            R::Properties => self.request_properties(),
            R::EditHeaders => self.request_edit_headers(),
            R::ShowVersions => self.show_versions(),
            R::ToggleTwoPanes => self.toggle_two_panes(),
            R::CopyAcross => self.copy_to_other_pane(),
            R::MoveAcross => {
                self.move_to_other_pane();
                Vec::new()
            }
            R::Compare => {
                self.compare_panes();
                Vec::new()
            }
            R::DropFromSecond => self.drop_across(ActivePane::Second),
            R::ToggleSharedLinks => {
                self.links.open = !self.links.open;
                Vec::new()
            }
            R::OpenProfiles => {
                self.open_profiles_window();
                Vec::new()
            }
        }
    }

    /// Lists the profile's buckets (once its server answers, [`BrowseEvent::Buckets`] sweeps the
    /// uploads an earlier run left behind there).
    pub(crate) fn load_buckets(&mut self) -> Vec<Command> {
        let Some(profile) = self.profile().cloned() else {
            return Vec::new();
        };
        let id = self.next_id();
        vec![self.explorer.list_buckets(id, profile)]
    }

    /// Stops the listing in progress, if any.
    pub(crate) fn cancel_listing(&mut self) -> Vec<Command> {
        self.explorer.cancel_listing()
    }

    /// Filters the explorer's rows by a case-insensitive part of their name.
    pub fn set_filter(&mut self, text: &str) {
        self.explorer.set_filter(text);
    }

    /// Shows `location`, starting its listing.
    fn show(&mut self, location: Location) -> Vec<Command> {
        // Compare's marks were for the folder left.
        self.compare_marks = None;
        let id = self.next_id();
        self.explorer.show(location, id, self.profiles.current())
    }

    /// Goes to `location`, remembering where we were for Back.
    pub fn open(&mut self, location: Location) -> Vec<Command> {
        self.compare_marks = None;
        let id = self.next_id();
        self.explorer.open(location, id, self.profiles.current())
    }

    pub fn open_bucket(&mut self, bucket: BucketName) -> Vec<Command> {
        self.open(Location::bucket_top(bucket))
    }

    /// Opens the sub-folder `name` (ending in `/`) of the current folder.
    pub fn open_folder(&mut self, name: &str) -> Vec<Command> {
        match self.explorer.subfolder(name) {
            Some(location) => self.open(location),
            None => Vec::new(),
        }
    }

    /// Enter: opens the selected row when it is a single folder.
    fn open_selected_folder(&mut self) -> Vec<Command> {
        let name = match self.explorer.listing().selected_rows()[..] {
            [row] if row.is_folder => row.name.to_string(),
            _ => return Vec::new(),
        };
        self.open_folder(&name)
    }

    pub fn go_up(&mut self) -> Vec<Command> {
        if !self.explorer.can_go_up() {
            return Vec::new();
        }
        self.compare_marks = None;
        let id = self.next_id();
        self.explorer.up(id, self.profiles.current())
    }

    pub fn go_back(&mut self) -> Vec<Command> {
        if !self.explorer.can_go_back() {
            return Vec::new();
        }
        self.compare_marks = None;
        let id = self.next_id();
        self.explorer.back(id, self.profiles.current())
    }

    pub fn go_forward(&mut self) -> Vec<Command> {
        if !self.explorer.can_go_forward() {
            return Vec::new();
        }
        self.compare_marks = None;
        let id = self.next_id();
        self.explorer.forward(id, self.profiles.current())
    }

    /// F5: lists the current folder again (searches it again while it shows a search), or the
    /// buckets when no folder is open.
    pub fn refresh(&mut self) -> Vec<Command> {
        // A search shown is searched again: its results stay results, brought up to date.
        if let (Some(query), Some(profile)) =
            (self.explorer.searched(), self.profiles.current().cloned())
        {
            let id = self.next_id();
            return self.explorer.start_search(query, id, &profile);
        }
        match self.explorer.location().cloned() {
            Some(location) => self.show(location),
            None => self.load_buckets(),
        }
    }

    /// Retry after an error: whatever failed is asked again.
    pub fn retry(&mut self) -> Vec<Command> {
        let mut commands = Vec::new();
        if matches!(self.explorer.buckets(), Loadable::Failed(_)) {
            commands.extend(self.load_buckets());
        }
        if matches!(self.explorer.listing_state(), ListingState::Failed(_)) {
            commands.extend(self.refresh());
        }
        commands
    }

    /// Searches the explorer's folder and everything below it, as its search row says; a
    /// pattern or bound that cannot be read is said in the status bar.
    pub fn search(&mut self) -> Vec<Command> {
        let query = match self.explorer.search_form().query() {
            Ok(query) => query,
            Err(problem) => {
                self.status.set_error(problem);
                return Vec::new();
            }
        };
        let Some(profile) = self.profiles.current().cloned() else {
            return Vec::new();
        };
        self.compare_marks = None;
        let id = self.next_id();
        self.explorer.start_search(query, id, &profile)
    }

    /// Stop: keeps the rows loaded so far.
    pub fn stop(&mut self) -> Vec<Command> {
        self.explorer.stop()
    }

    /// The bucket list and folder listings, as the worker sends them: the second pane takes
    /// its own, the explorer what it waits for; what is left for the window is done here.
    pub(crate) fn apply_browse(&mut self, event: BrowseEvent) -> Vec<Command> {
        let event = match self.second_pane_takes(event) {
            Ok(commands) => return commands,
            Err(event) => event,
        };
        match self.explorer.apply(event) {
            Folded::Failed(message) => self.status.set_error(message),
            // The server answers: uploads an earlier run (or a failed abort) left there can
            // be aborted now.
            Folded::BucketsArrived => {
                if let (Some(profile), Some(journal)) =
                    (self.profile().cloned(), self.journal_path())
                {
                    return vec![Command::SweepUploads { profile, journal }];
                }
            }
            Folded::NotMine(BrowseEvent::LocalOpenFailed { error }) => {
                self.status.set_error(error.to_string());
            }
            // Answers to requests no longer waited for, and the second pane's for a pane
            // closed since (only the second pane changes folders on this computer).
            Folded::NotMine(_) | Folded::Done | Folded::LocalChanged(_) => {}
        }
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::modal::Modal;
    use crate::app::shared::FileOperation;
    use crate::app::state::tests::{listing_id, page, profile};
    use crate::worker::{BrowseEvent, Event};

    /// The explorer on `bkt/a/b/` (come from `a/`), with `x/`, `y/` and `f.txt` listed.
    fn in_a_folder() -> AppState {
        let mut state = AppState::new(vec![profile("Demo")]);
        let bucket = state.on_explorer_request(ExplorerRequest::OpenBucket("bkt".into()));
        listing_id(&bucket);
        state.on_explorer_request(ExplorerRequest::OpenFolder("a/".into()));
        let commands = state.on_explorer_request(ExplorerRequest::OpenFolder("b/".into()));
        let mut rows = page(&["f.txt"]);
        rows.folders = vec!["x/".into(), "y/".into()];
        state.apply(Event::Browse(BrowseEvent::FolderPage {
            id: listing_id(&commands),
            page: rows,
            done: true,
        }));
        state
    }

    fn prefix(state: &AppState) -> &str {
        &state.explorer.location().unwrap().prefix
    }

    fn select(state: &mut AppState, name: &str) {
        let position = state.explorer.listing().position_of(name).unwrap();
        state.explorer.listing_mut().click(position, true, false);
    }

    #[test]
    fn the_toolbars_back_is_the_explorers_and_the_keys_follow_the_active_pane() {
        let mut state = in_a_folder();
        state.on_explorer_request(ExplorerRequest::ToggleTwoPanes);
        state.on_explorer_request(ExplorerRequest::SwitchPane);
        assert_eq!(state.active_pane, ActivePane::Second);
        state.on_explorer_request(ExplorerRequest::Back(Target::ActivePane));
        state.on_explorer_request(ExplorerRequest::Up(Target::ActivePane));
        assert_eq!(prefix(&state), "a/b/", "the keys went to the second pane");
        state.on_explorer_request(ExplorerRequest::Back(Target::Explorer));
        assert_eq!(prefix(&state), "a/");
        state.on_explorer_request(ExplorerRequest::Forward(Target::Explorer));
        state.on_explorer_request(ExplorerRequest::Up(Target::Explorer));
        assert_eq!(prefix(&state), "a/");
        assert_eq!(state.active_pane, ActivePane::Second, "and it stays active");
    }

    #[test]
    fn the_toolbars_refresh_lists_the_explorer_and_the_keys_both_panes() {
        let mut state = in_a_folder();
        state.on_explorer_request(ExplorerRequest::ToggleTwoPanes);
        let local = |commands: &[Command]| {
            commands
                .iter()
                .any(|c| matches!(c, Command::ListLocal { .. }))
        };
        let button = state.on_explorer_request(ExplorerRequest::Refresh { both_panes: false });
        assert!(listing_id(&button).0 > 0 && !local(&button));
        let key = state.on_explorer_request(ExplorerRequest::Refresh { both_panes: true });
        assert!(listing_id(&key).0 > 0 && local(&key));
    }

    #[test]
    fn enter_opens_one_selected_folder_and_nothing_else() {
        let mut state = in_a_folder();
        select(&mut state, "x/");
        select(&mut state, "y/");
        assert!(
            state
                .on_explorer_request(ExplorerRequest::OpenSelected)
                .is_empty()
        );
        state.explorer.listing_mut().clear_selection();
        select(&mut state, "f.txt");
        assert!(
            state
                .on_explorer_request(ExplorerRequest::OpenSelected)
                .is_empty()
        );
        state.explorer.listing_mut().clear_selection();
        select(&mut state, "y/");
        state.on_explorer_request(ExplorerRequest::OpenSelected);
        assert_eq!(prefix(&state), "a/b/y/");
    }

    #[test]
    fn the_toolbars_delete_makes_the_explorer_active_and_asks_there() {
        let mut state = in_a_folder();
        state.on_explorer_request(ExplorerRequest::ToggleTwoPanes);
        state.on_explorer_request(ExplorerRequest::SwitchPane);
        select(&mut state, "f.txt");
        state.on_explorer_request(ExplorerRequest::MakeActive);
        state.on_explorer_request(ExplorerRequest::FileOperation(FileOperation::Delete));
        assert_eq!(state.active_pane, ActivePane::Explorer);
        let Some(Modal::Delete(pending)) = state.modals.get() else {
            panic!("the explorer's Delete question: {:?}", state.modals.get());
        };
        assert_eq!(pending.keys, vec!["a/b/f.txt".to_owned()]);
    }

    #[test]
    fn a_bucket_name_the_server_sent_is_checked_before_it_is_opened() {
        let mut state = AppState::new(vec![profile("Demo")]);
        let commands = state.on_explorer_request(ExplorerRequest::OpenBucket("No Such".into()));
        assert!(commands.is_empty() && state.explorer.location().is_none());
        assert!(state.status.error().is_some());
    }
}
