//! Profiles in the window: those known and the chosen one ([`known`]), the Profiles window's
//! form, its checks and state ([`state`]), saving, deleting, testing and choosing profiles
//! (`actions`), and its drawing (`ui`).

pub(crate) mod actions;
pub(crate) mod known;
pub(crate) mod state;
pub(crate) mod ui;
