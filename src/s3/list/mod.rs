//! Listing S3: the bucket list, a folder page by page, and every key under a prefix. The files
//! build on each other one way: `types` (what a listing is made of) ← `raw_page` and `xml` (a
//! ListObjectsV2 body read and believed or refused) ← `body` and `request` (one request, its
//! body taken from the SDK) ← `cuts` and `fanout` (a big listing cut into ranges listed side
//! by side). What the rest of Pail uses is re-exported here.

mod body;
mod cuts;
mod fanout;
mod raw_page;
mod request;
mod types;
mod xml;

pub(crate) use body::BoundAnswer;
pub use fanout::{
    SEQUENTIAL_PAGES, list_all_keys, list_fanned_after, list_folder_fanned,
    list_folder_fanned_after, list_keys_under, list_tree_fanned,
};
pub(crate) use request::{MAX_PAGE_BYTES, classify, endpoint_label};
pub use request::{list_buckets, list_folder_page, list_page_from};
pub use types::{
    BrowseError, BucketEntry, Depth, FolderPage, ObjectEntry, PageRequest, StorageClass,
};
pub(crate) use xml::url_decode;
pub use xml::{ListXmlError, PageShape, parse_list_page};
