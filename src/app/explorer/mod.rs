//! The explorer: which folder is shown and its history ([`state`]), the folder as a table
//! (its rows in [`crate::listing`]), the toolbar, the bucket list, and the status bar with its
//! banners.

pub(crate) mod bucket_list;
pub(crate) mod object_table;
pub(crate) mod state;
pub(crate) mod status_bar;
pub(crate) mod toolbar;
