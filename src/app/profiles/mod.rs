//! The Profiles window: the profile form and its checks ([`state`]) and its drawing (`ui`).

pub mod state;
pub(crate) mod ui;
