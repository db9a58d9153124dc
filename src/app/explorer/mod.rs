//! The explorer: which folder is shown and its history ([`state`]), the folder as a table
//! (its rows in [`crate::listing`]), the toolbar, the bucket list, and the status bar with its
//! banners. Its views change the explorer's [`Pane`](crate::app::pane::Pane) and hand back an
//! [`ExplorerRequest`] for what reaches further; the window's keys make the same requests.

pub(crate) mod bucket_list;
pub(crate) mod object_table;
pub(crate) mod state;
pub(crate) mod status_bar;
pub(crate) mod toolbar;

use crate::app::search_bar::SearchAction;
use crate::app::shared::{FileOperation, Location};

impl From<SearchAction> for ExplorerRequest {
    fn from(action: SearchAction) -> Self {
        match action {
            SearchAction::Search => Self::Search,
            SearchAction::Stop => Self::Stop,
            SearchAction::Clear => Self::ClearSearch,
        }
    }
}

/// Which pane Back, Forward and Up act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// The explorer's: the toolbar is the explorer's, whichever pane is active.
    Explorer,
    /// The active one: the keys follow Tab.
    ActivePane,
}

/// What the explorer's views and the window's keys ask that reaches beyond the explorer's pane
/// (a request id, the profile, another pane, a dialog). `AppState::on_explorer_request` does
/// it, so a shortcut and its button do the same.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ExplorerRequest {
    SelectProfile(usize),
    Back(Target),
    Forward(Target),
    Up(Target),
    /// The toolbar lists the explorer's folder again; F5 and Ctrl+R list both panes'.
    Refresh {
        both_panes: bool,
    },
    /// Retry after the banner's error.
    Retry,
    /// Stop the listing (or the search), keeping the rows so far.
    Stop,
    /// Search the folder shown and everything below it, as the search row says.
    Search,
    /// Leave a search's results for the folder's own rows.
    ClearSearch,
    /// A bucket's name as listed; checked when it is opened.
    OpenBucket(String),
    /// New bucket…, or a bucket's menu: Bucket properties, Delete bucket…
    Bucket(crate::app::buckets::BucketAction),
    /// A breadcrumb.
    Open(Location),
    /// The sub-folder `name` (ending in `/`) of the folder shown.
    OpenFolder(String),
    /// Enter: the active pane's one selected folder opens.
    OpenSelected,
    /// Ctrl+A in the active pane.
    SelectAll,
    /// The explorer becomes the active pane (its rows were used, or its toolbar's New folder
    /// or Delete).
    MakeActive,
    /// Tab: the other pane becomes the active one.
    SwitchPane,
    /// New folder, Rename or Delete in the active pane.
    FileOperation(FileOperation),
    WebUrl,
    Properties,
    /// Edit headers… on the selection.
    EditHeaders,
    /// The versions of the objects in the explorer's folder, in the Versions window.
    ShowVersions,
    ToggleTwoPanes,
    /// The active pane's selection into the other pane's folder (F5).
    CopyAcross,
    /// Like CopyAcross, and the originals go (F6).
    MoveAcross,
    Compare,
    /// Rows of the second pane dropped on the explorer's table.
    DropFromSecond,
    ToggleSharedLinks,
    OpenProfiles,
}
