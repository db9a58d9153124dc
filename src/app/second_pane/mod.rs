//! The second pane, in the manner of CloudBerry Explorer: a [`crate::app::pane::Pane`] on a
//! folder on this computer or a bucket of any profile beside the explorer ([`place`],
//! [`actions`], [`local`], [`bucket`]; what only it holds is in `app/pane/second.rs`),
//! copying and moving between the two ([`across`]), and its drawing (`ui`, `dialogs`; its
//! table is [`crate::app::pane_table`]).

pub(crate) mod across;
pub(crate) mod actions;
pub(crate) mod bucket;
pub(crate) mod dialogs;
pub(crate) mod local;
pub(crate) mod place;
pub(crate) mod ui;

#[cfg(test)]
mod tests;
