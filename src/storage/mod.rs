//! Pail's own files: private files written atomically with mode 0600, the shared-links
//! history, and the journals of unfinished uploads and partial downloads.

pub mod history;
pub mod journal;
pub mod private_file;
