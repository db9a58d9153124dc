//! Everything that talks to S3: the connection (client, credentials, bucket regions),
//! listings, and moving objects (uploads, downloads, deletes, renames, properties), with the
//! stall detection that data-carrying requests use and the checks a move makes before it
//! removes an original.

pub mod connection;
pub mod copy_across;
pub mod download;
pub mod folder_share;
pub mod list;
pub mod objects;
pub mod stall;
pub mod transfer;
pub mod upload;
pub mod verify;
