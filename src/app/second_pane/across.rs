//! Between the two panes: F5 copies and F6 moves the active pane's selection into the other
//! pane's folder (an upload, a download, or an S3 to S3 copy, whichever the two panes make
//! it), a drag of rows onto the other pane does the same as F5, and Compare marks both panes.

use crate::app::state::{AppState, Modal};
use crate::compare::{Side, compare};
use crate::listing::Listing;
use crate::worker::{BucketFolder, Command, CopyRequest};

use crate::app::shared::ActivePane;

impl AppState {
    /// F5 with two panes: the active pane's selection into the other pane's folder, through
    /// the Transfers panel.
    pub fn copy_to_other_pane(&mut self) -> Vec<Command> {
        self.across(false)
    }

    /// F6: like F5, and each original is removed once its copy has arrived. Asks first,
    /// saying what goes where.
    pub fn move_to_other_pane(&mut self) {
        let commands = self.across(true);
        if commands.is_empty() {
            return;
        }
        let (from, to) = self.pane_places();
        let count = self.active_selection_count();
        self.modals.open(Modal::ConfirmMove {
            summary: format!(
                "Move {} from {from} to {to}? Each original is removed once its copy has arrived.",
                crate::fmt::count(count, "item", "items"),
            ),
            commands,
        });
    }

    /// "Move" in the confirmation: the prepared batch starts.
    pub fn confirm_move(&mut self) -> Vec<Command> {
        match self
            .modals
            .close_if(|m| matches!(m, Modal::ConfirmMove { .. }))
        {
            Some(Modal::ConfirmMove { commands, .. }) => commands,
            _ => Vec::new(),
        }
    }

    /// Rows of pane `from` were dropped on the other pane: its selection is copied there.
    pub fn drop_across(&mut self, from: ActivePane) -> Vec<Command> {
        if self.second_pane.is_none() {
            return Vec::new();
        }
        self.active_pane = from;
        self.copy_to_other_pane()
    }

    /// Where the active pane is and where the other one is, in words.
    fn pane_places(&self) -> (String, String) {
        let explorer = self
            .explorer
            .location()
            .map(|l| l.uri())
            .unwrap_or_default();
        let second = self
            .second_pane
            .as_ref()
            .map(|p| p.where_text())
            .unwrap_or_default();
        match self.active_pane {
            ActivePane::Explorer => (explorer, second),
            ActivePane::Second => (second, explorer),
        }
    }

    fn active_selection_count(&self) -> usize {
        match (self.active_pane, &self.second_pane) {
            (ActivePane::Second, Some(pane)) => pane.listing().selected_count(),
            _ => self.explorer.listing().selected_count(),
        }
    }

    /// The commands that copy (or move) the active pane's selection across.
    fn across(&mut self, remove_source: bool) -> Vec<Command> {
        let Some(pane) = &self.second_pane else {
            return Vec::new();
        };
        let second_bucket = pane
            .bucket()
            .map(|b| (b.profile().clone(), b.location().cloned()));
        let explorer = self
            .profile()
            .cloned()
            .zip(self.explorer.location().cloned());
        match (self.active_pane, second_bucket) {
            (ActivePane::Explorer, None) => {
                let target = pane.path().to_owned();
                self.download_into(target, remove_source)
            }
            (ActivePane::Second, None) => {
                let paths = pane.selected_paths();
                self.upload_into(paths, remove_source)
            }
            (active, Some((profile, Some(location)))) => {
                let Some((explorer_profile, explorer_location)) = explorer else {
                    self.status.set_notice("Pick a bucket in the sidebar first: it is what the other pane copies to and from.");
                    return Vec::new();
                };
                let second = BucketFolder {
                    profile,
                    bucket: location.bucket,
                    prefix: location.prefix,
                };
                let explorer = BucketFolder {
                    profile: explorer_profile,
                    bucket: explorer_location.bucket,
                    prefix: explorer_location.prefix,
                };
                let ((keys, prefixes), from, to) = match active {
                    ActivePane::Explorer => (self.selected_keys_and_folders(), explorer, second),
                    ActivePane::Second => (pane.selected_keys_and_folders(), second, explorer),
                };
                if keys.is_empty() && prefixes.is_empty() {
                    return Vec::new();
                }
                let id = self.next_id();
                vec![Command::Copy(Box::new(CopyRequest {
                    id,
                    from,
                    keys,
                    prefixes,
                    to,
                    remove_source,
                    journal: self.journal_path(),
                }))]
            }
            (_, Some((_, None))) => {
                self.status
                    .set_notice("Pick a bucket in the second pane first.");
                Vec::new()
            }
        }
    }

    /// Compare: marks what exists on one side only, differs in size, or is newer on one
    /// side, in both panes (by name within the two folders shown).
    pub fn compare_panes(&mut self) {
        let Some(pane) = &self.second_pane else {
            return;
        };
        let explorer = sides(self.explorer.listing());
        let second = sides(pane.listing());
        self.compare_marks = Some(compare(&explorer, &second));
    }
}

fn sides(listing: &Listing) -> Vec<Side<'_>> {
    listing
        .rows()
        .iter()
        .map(|r| Side {
            name: &r.name,
            size: r.size,
            modified: r.modified,
        })
        .collect()
}
