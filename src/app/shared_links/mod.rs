//! The Shared links window: every link generated, with its countdown.

pub(crate) mod doctor;
pub(crate) mod state;
pub(crate) mod ui;
