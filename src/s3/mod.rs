//! Everything that talks to S3: the connection (client, credentials, bucket regions),
//! listings, and moving objects (uploads, downloads, deletes, renames, properties), with the
//! stall detection and the bandwidth limit that data-carrying requests use and the checks a
//! move makes before it removes an original.

pub(crate) mod bucket_listing;
pub(crate) mod bucket_settings;
pub(crate) mod buckets;
pub mod connection;
pub(crate) mod copy_across;
pub(crate) mod cors;
pub(crate) mod download;
pub(crate) mod flight;
pub(crate) mod folder_share;
pub(crate) mod head;
pub(crate) mod header_batch;
pub(crate) mod header_edit;
pub(crate) mod headers;
pub(crate) mod kept_download;
pub(crate) mod list;
pub(crate) mod objects;
pub(crate) mod part_sums;
pub(crate) mod rate_limit;
pub(crate) mod search;
pub(crate) mod slow_down;
pub(crate) mod stall;
pub(crate) mod throttle;
pub(crate) mod transfer;
pub(crate) mod upload;
pub(crate) mod verify;
pub(crate) mod version_answers;
pub(crate) mod versions;
