//! Pail: an S3 explorer built around sharing. The library other programs use is small:
//! validated S3 names ([`model`]), pre-signed links and upload forms ([`share`], pure), and
//! the connection that resolves credentials and regions ([`s3::connection`]); `pail::main` is
//! the program. Everything else (S3 transfers and listings, profiles, Pail's files, the
//! window and its worker, the command line) is the crate's own; tests reach it through
//! [`testing`], which is not API. `ARCHITECTURE.md` draws the map.
#![warn(unreachable_pub)]

pub(crate) mod app;
pub(crate) mod cli;
pub(crate) mod compare;
pub(crate) mod demo;
pub(crate) mod desktop;
pub(crate) mod fmt;
pub(crate) mod listing;
pub(crate) mod local_dir;
pub(crate) mod local_folder;
pub(crate) mod local_path;
pub(crate) mod local_time;
pub mod model;
pub(crate) mod plan;
pub(crate) mod profiles;
pub mod s3;
pub(crate) mod search;
pub mod share;
pub(crate) mod storage;
#[doc(hidden)]
pub mod testing;
pub(crate) mod worker;

/// The `pail` program: the command line, or the window without a command.
pub use cli::main;
