//! The second pane, in the manner of CloudBerry Explorer: a folder on this computer beside the
//! bucket ([`state`]: where it is, its entries, what is selected, copying between the panes,
//! Compare) and its drawing (`ui`).

pub(crate) mod dialogs;
pub mod state;
pub(crate) mod ui;
