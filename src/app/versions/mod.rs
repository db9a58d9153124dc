//! The Versions window: "Show versions" of a bucket folder lists each object's versions and
//! delete markers under the object ([`state`]: what is shown and in flight, no egui), and
//! [`ui`] draws them with each row's Download, Restore, Undelete, Delete version
//! permanently (confirmed) and Web URL; [`actions`] turns those into the worker's commands.

pub(crate) mod actions;
pub(crate) mod state;
pub(crate) mod ui;
