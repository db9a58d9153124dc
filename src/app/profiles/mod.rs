//! The Profiles window: the profile form and its checks ([`state`]) and its drawing (`ui`).

pub(crate) mod actions;
pub mod state;
pub(crate) mod ui;
