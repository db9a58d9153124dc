//! What only the second pane has beside its [`crate::app::pane::Pane`] fields: the source
//! picker's choice and the folder on this computer. A leaf, so the `Pane` can hold them.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::app::shared::{History, Pending};
use crate::local_folder::LocalEntry;

/// What the second pane shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PaneSource {
    #[default]
    ThisComputer,
    /// A bucket of the profile at this index of the window's profiles.
    Profile(usize),
}

/// The folder on this computer the pane shows (and comes back to from a bucket).
#[derive(Debug, Clone, Default)]
pub(crate) struct LocalPlace {
    pub(crate) path: PathBuf,
    pub(crate) history: History<PathBuf>,
    pub(crate) entries: Vec<LocalEntry>,
    /// Each row's entry, by the row's name (folders end in `/`).
    pub(crate) by_row: HashMap<Box<str>, usize>,
    pub(crate) show_hidden: bool,
    /// The folder field as typed (Enter goes there).
    pub typed_path: String,
    /// A change (new folder, rename, trash) in flight.
    pub(crate) changing: Pending,
    /// The home folder, the drives or volumes: where the pane can jump to.
    pub(crate) places: Vec<PathBuf>,
}
