//! Pail: an S3 explorer built around sharing. This library holds everything the `pail` binary
//! does, so tests and other programs can use it: validated S3 names ([`model`]), pre-signed
//! links and upload forms ([`share`], pure), everything that talks to S3 ([`s3`]), profiles
//! ([`profiles`]), Pail's own files ([`storage`]), where objects land on disk
//! ([`local_path`]), folders on this computer ([`local_folder`]), two folders compared
//! ([`compare`]), the person's clock ([`local_time`]), the demo server ([`demo`]), a
//! folder's rows sorted and filtered a slice a frame ([`listing`]), the window ([`app`]) and
//! its background [`worker`], text formats ([`fmt`]) and the command line ([`cli`]).
//! `ARCHITECTURE.md` draws the map.

pub mod app;
pub mod cli;
pub mod compare;
pub mod demo;
pub mod desktop;
pub mod fmt;
pub mod listing;
pub mod local_dir;
pub mod local_folder;
pub mod local_path;
pub mod local_time;
pub mod model;
pub mod plan;
pub mod profiles;
pub mod s3;
pub mod share;
pub mod storage;
pub mod worker;
