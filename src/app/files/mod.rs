//! File operations in the window: Delete, New folder, Rename and Properties ([`state`]; their
//! requests in flight, [`file_ops`]),
//! uploads, downloads and quitting while they run ([`transfers`]), the rows they make
//! ([`transfer_rows`]), their dialogs (`dialogs`) and the Transfers panel.

pub(crate) mod dialogs;
pub(crate) mod file_ops;
pub(crate) mod state;
pub(crate) mod transfer_rows;
pub(crate) mod transfers;
pub(crate) mod transfers_panel;
