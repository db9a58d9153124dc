//! The second pane, in the manner of CloudBerry Explorer: a folder on this computer or a
//! bucket of any profile beside the explorer's bucket ([`state`], [`local`], [`bucket`]),
//! copying and moving between the two ([`across`]), and its drawing (`ui`, `table`,
//! `dialogs`).

pub mod across;
pub mod bucket;
pub(crate) mod dialogs;
pub mod local;
pub mod state;
pub(crate) mod table;
pub(crate) mod ui;

#[cfg(test)]
mod tests;
