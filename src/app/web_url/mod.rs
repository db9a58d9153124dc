//! The Web URL dialog: its state and rules ([`state`]), opening it and its requests from the
//! window (`actions`), its drawing (`ui`) and the expiry calendar drawn inside it
//! (`calendar`).

pub(crate) mod actions;
pub(crate) mod calendar;
pub mod state;
pub(crate) mod ui;
