//! What only the second [`Pane`] has: its source (a folder on this computer, or a bucket of
//! any profile), the folder on this computer with its own Back and Forward, its entries as
//! rows, and its selection as paths or keys. What the window does with it (request ids,
//! Compare's marks, the dialogs) is in `app/second_pane/`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::Pane;
use crate::app::second_pane::place::PaneSource;
use crate::app::shared::{ListingState, Loadable, Location};
use crate::local_folder::{LocalEntry, LocalFolderError};
use crate::profiles::Profile;
use crate::s3::list::{BucketEntry, FolderPage, ObjectEntry};
use crate::worker::{Command, RequestId};

/// The entries as rows: folders (`name/`) and files, and each row's entry.
fn rows_of(entries: &[LocalEntry]) -> (FolderPage, HashMap<Box<str>, usize>) {
    let mut page = FolderPage::default();
    let mut by_row = HashMap::with_capacity(entries.len());
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

/// The bucket side of the pane, while the source is a profile: the profile, and its
/// buckets and folder as the pane's [`Pane`] holds them.
#[derive(Debug, Clone, Copy)]
pub struct BucketPlace<'a> {
    profile: &'a Profile,
    pane: &'a Pane,
}

impl<'a> BucketPlace<'a> {
    pub fn profile(&self) -> &'a Profile {
        self.profile
    }

    pub fn buckets(&self) -> &'a Loadable<Vec<BucketEntry>> {
        self.pane.buckets()
    }

    pub fn location(&self) -> Option<&'a Location> {
        self.pane.location()
    }
}

/// The second pane's queries and changes: a [`Pane`] on this computer or on a bucket of any
/// profile.
impl Pane {
    /// The second pane's source (the explorer's is the window's profile).
    pub fn source(&self) -> PaneSource {
        self.source.unwrap_or_default()
    }

    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// The bucket shown, while the source is a profile.
    pub fn bucket(&self) -> Option<BucketPlace<'_>> {
        self.profile.as_ref().map(|profile| BucketPlace {
            profile,
            pane: self,
        })
    }

    /// The second pane on this computer (never the explorer).
    pub fn shows_this_computer(&self) -> bool {
        self.source.is_some() && self.profile.is_none()
    }

    /// The folder on this computer (shown, or to come back to).
    pub fn path(&self) -> &Path {
        &self.local.path
    }

    /// The folder on this computer's entries, as listed.
    pub fn entries(&self) -> &[LocalEntry] {
        &self.local.entries
    }

    pub fn show_hidden(&self) -> bool {
        self.local.show_hidden
    }

    /// The folder field as typed (Enter goes there).
    pub fn typed_path(&self) -> &str {
        &self.local.typed_path
    }

    pub fn typed_path_mut(&mut self) -> &mut String {
        &mut self.local.typed_path
    }

    /// The home folder, then the drives (Windows) or volumes (macOS), or `/`.
    pub fn places(&self) -> &[PathBuf] {
        &self.local.places
    }

    /// The entry on this computer behind a row.
    pub fn entry_of(&self, row_name: &str) -> Option<&LocalEntry> {
        self.local
            .by_row
            .get(row_name)
            .and_then(|&i| self.local.entries.get(i))
    }

    /// The selected entries on this computer.
    pub fn selected_paths(&self) -> Vec<PathBuf> {
        if self.profile.is_some() {
            return Vec::new();
        }
        self.listing
            .selected_rows()
            .into_iter()
            .filter_map(|row| self.entry_of(&row.name))
            .map(|e| e.path.clone())
            .collect()
    }

    /// The selected objects (key and size) and folders (prefixes) of the bucket shown.
    pub fn selected_keys_and_folders(&self) -> (Vec<(String, u64)>, Vec<String>) {
        match self.bucket().and_then(|b| b.location()) {
            Some(location) => self.listing.selected_keys(&location.prefix),
            None => (Vec::new(), Vec::new()),
        }
    }

    /// Where the pane is, in words: a path or an `s3://` URI.
    pub fn where_text(&self) -> String {
        match &self.profile {
            Some(profile) => match &self.location {
                Some(location) => location.uri(),
                None => format!("{}: pick a bucket", profile.name),
            },
            None => self.local.path.display().to_string(),
        }
    }

    /// `source` is the one the second pane shows.
    pub(crate) fn has_source(&self, source: PaneSource) -> bool {
        self.source == Some(source)
    }

    /// The second pane's profile, while its source is one.
    pub(crate) fn profile(&self) -> Option<&Profile> {
        self.profile.as_ref()
    }

    /// The error shown was for the place left.
    pub(crate) fn clear_error(&mut self) {
        self.error = None;
    }

    /// Shows `message` in the pane (what the pane was asked cannot be done).
    pub(crate) fn set_error(&mut self, message: String) {
        self.error = Some(message);
    }

    /// The source becomes this computer: no profile, buckets or bucket folder; the folder on
    /// this computer is listed again by the caller.
    pub(crate) fn switch_to_this_computer(&mut self) {
        self.source = Some(PaneSource::ThisComputer);
        self.profile = None;
        self.buckets = Loadable::Idle;
        self.forget_folder();
    }

    /// The source becomes the profile at `index` of the window's profiles: its buckets are
    /// listed as `id`; the command to send.
    pub(crate) fn switch_to_profile(
        &mut self,
        index: usize,
        profile: Profile,
        id: RequestId,
    ) -> Command {
        self.source = Some(PaneSource::Profile(index));
        self.error = None;
        self.forget_folder();
        self.profile = Some(profile.clone());
        self.list_buckets(id, profile)
    }

    /// Goes to `path` on this computer (remembering where the pane was for Back, if asked),
    /// listing it as `id`: the command to send.
    pub(crate) fn open_local(&mut self, path: PathBuf, remember: bool, id: RequestId) -> Command {
        let place = &mut self.local;
        let moved = place.path != path;
        if remember && moved {
            place.history.left(std::mem::replace(&mut place.path, path));
        } else {
            place.path = path;
        }
        place.typed_path = place.path.display().to_string();
        let show_hidden = place.show_hidden;
        let path = place.path.clone();
        self.start_loading(id, moved);
        Command::ListLocal {
            id,
            path,
            show_hidden,
        }
    }

    /// Back on this computer: the folder to go to, if any (Forward comes back here).
    pub(crate) fn local_back(&mut self) -> Option<PathBuf> {
        let current = self.local.path.clone();
        self.local.history.back(Some(current))
    }

    /// Forward on this computer: the folder Back came from, if any.
    pub(crate) fn local_forward(&mut self) -> Option<PathBuf> {
        let current = self.local.path.clone();
        self.local.history.forward(Some(current))
    }

    /// The hidden-files toggle (the folder is listed again by the caller).
    pub(crate) fn set_show_hidden(&mut self, show: bool) {
        self.local.show_hidden = show;
    }

    /// A change on this computer (new folder, rename, trash) goes as `id`; its answer is
    /// waited for instead of any earlier one's.
    pub(crate) fn wait_for_local_change(&mut self, id: RequestId) {
        self.local.changing.start(id);
    }

    /// The listing `id` of a folder on this computer arrived: its entries become the rows, or
    /// its error the pane's. Dropped if the pane no longer waits for it.
    pub(super) fn local_listed(
        &mut self,
        id: RequestId,
        result: Result<Vec<LocalEntry>, LocalFolderError>,
        places: Vec<PathBuf>,
    ) {
        if !self.is_listing(id) || self.profile.is_some() {
            return;
        }
        self.local.places = places;
        self.listing.clear();
        match result {
            Ok(entries) => {
                let (page, by_row) = rows_of(&entries);
                self.local.entries = entries;
                self.local.by_row = by_row;
                self.listing.append(page);
                self.listing_state = ListingState::Done;
                self.error = None;
            }
            Err(e) => {
                self.local.entries.clear();
                self.local.by_row.clear();
                // No S3 error to keep: the plain message says it.
                self.listing_state = ListingState::Idle;
                self.error = Some(e.to_string());
            }
        }
    }

    /// `id` is the change on this computer the pane waits for; it no longer waits.
    pub(super) fn local_change_done(&mut self, id: RequestId) -> bool {
        self.local.changing.accept(id)
    }

    /// Stops the listing in progress, if any: the Cancel to send.
    pub(crate) fn stop_loading(&mut self) -> Vec<Command> {
        let commands = self.cancel_listing();
        if !commands.is_empty() {
            self.listing_state = ListingState::Idle;
        }
        commands
    }

    /// Starts a listing: the rows go, the selection with them.
    fn start_loading(&mut self, id: RequestId, new_place: bool) {
        if new_place {
            self.set_filter("");
        }
        self.listing.clear();
        self.listing_state = ListingState::Loading { id, pages: 0 };
        self.error = None;
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
