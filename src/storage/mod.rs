//! Pail's own files: private files written atomically with mode 0600, the shared-links
//! history, the journals of unfinished uploads and partial downloads, and how a file Pail
//! cannot read is set aside.

pub(crate) mod cloudfront;
pub(crate) mod custom_domains;
pub(crate) mod history;
pub(crate) mod journal;
pub(crate) mod private_file;
pub(crate) mod settings_toml;
pub(crate) mod unreadable;
pub(crate) mod upload_headers;
