//! The Profiles window: the profile form, its checks and the window's state ([`state`]),
//! saving, deleting, testing and choosing profiles (`actions`), and its drawing (`ui`).

pub(crate) mod actions;
pub mod state;
pub(crate) mod ui;
