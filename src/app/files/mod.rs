//! File operations in the window: the Delete, New folder, Rename, Properties, download
//! conflict and quit dialogs (`dialogs`) and the Transfers panel.

pub(crate) mod dialogs;
pub mod state;
pub mod transfers;
pub(crate) mod transfers_panel;
