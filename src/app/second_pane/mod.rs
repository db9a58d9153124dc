//! The second pane, in the manner of CloudBerry Explorer: a folder on this computer or a
//! bucket of any profile beside the explorer's bucket ([`state`], [`actions`], [`local`],
//! [`bucket`]), copying and moving between the two ([`across`]), and its drawing (`ui`,
//! `dialogs`; its table is [`crate::app::pane_table`]).

pub mod across;
pub mod actions;
pub mod bucket;
pub(crate) mod dialogs;
pub mod local;
pub mod state;
pub(crate) mod ui;

#[cfg(test)]
mod tests;
