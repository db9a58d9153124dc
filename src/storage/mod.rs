//! Pail's own files: private files written atomically with mode 0600, the shared-links
//! history, the journals of unfinished uploads and partial downloads, and how a file Pail
//! cannot read is set aside.

pub mod cloudfront;
pub mod history;
pub mod journal;
pub mod private_file;
pub mod unreadable;
