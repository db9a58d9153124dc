//! The explorer: the toolbar, the bucket list, the folder as a table (and its listing model),
//! and the status bar with its banners.

pub(crate) mod bucket_list;
pub mod listing;
pub(crate) mod object_table;
pub mod state;
pub(crate) mod status_bar;
pub(crate) mod toolbar;
