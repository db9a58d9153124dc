//! Edit headers in the window: the dialog's state ([`state`]), its drawing ([`ui`]), and the
//! window's side of it (`actions`: the selection it opens on, the worker's answers).

mod actions;
pub(crate) mod opens_as;
pub(crate) mod state;
pub(crate) mod ui;
