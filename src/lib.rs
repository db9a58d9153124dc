//! Pail: an S3 explorer built around sharing. This library holds everything the `pail` binary
//! does, so tests and other programs can use it: validated S3 names ([`model`]), connections
//! from the AWS configuration ([`connection`]), pre-signed links and upload forms ([`share`]),
//! browsing ([`browse`]), the window ([`app`]) and its background [`worker`], and the command
//! line ([`cli`]).

pub mod app;
pub mod browse;
pub mod cli;
pub mod clipboard;
pub mod connection;
pub mod demo;
pub mod history;
pub mod local_path;
pub mod local_server;
pub mod model;
pub mod private_file;
pub mod profiles;
pub mod share;
pub mod stall;
pub mod transfer;
pub mod units;
pub mod upload_journal;
pub mod worker;
