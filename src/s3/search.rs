//! A search of a bucket or a folder tree: every key under the root listed in key ranges side
//! by side (`list::list_tree_fanned`), each page matched by a [`SearchQuery`] as it arrives,
//! and the matches handed on with the count of keys scanned so far. The listing's own checks
//! hold: a page with keys outside the root, or that is no listing, fails the search.

use crate::model::BucketName;
use crate::s3::connection::Connection;
use crate::s3::list::{BrowseError, Depth, ObjectEntry, list_tree_fanned};
use crate::search::SearchQuery;

/// What one page of the scan gave.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchPage {
    /// The matching objects, named by their path below the root, in key order.
    pub matches: Vec<ObjectEntry>,
    /// Keys listed so far, this page's included.
    pub scanned: u64,
    /// The last page: every key under the root was looked at.
    pub done: bool,
}

/// The folder a search under `prefix` covers: `prefix` itself when it names a folder (or the
/// bucket), else the folder of that name.
pub fn search_root(prefix: &str) -> String {
    if prefix.is_empty() || prefix.ends_with('/') {
        prefix.to_owned()
    } else {
        format!("{prefix}/")
    }
}

/// Scans every key under `root` (a folder prefix, see [`search_root`]) for `query`, handing
/// `emit` each page's matches in key order; `emit` returning `false` stops the scan. Folder
/// markers (`name/`, zero bytes) are counted as scanned, never matched: they are not files.
pub async fn search_tree(
    connection: &Connection,
    bucket: &BucketName,
    root: &str,
    query: &SearchQuery,
    mut emit: impl FnMut(SearchPage) -> bool,
) -> Result<(), BrowseError> {
    let mut scanned = 0u64;
    list_tree_fanned(connection, bucket, root, Depth::Tree, |page, done| {
        scanned += page.objects.len() as u64;
        let matches = page
            .objects
            .into_iter()
            .filter(|o| !o.name.ends_with('/') && query.matches(&o.name, o.size, o.last_modified))
            .collect();
        emit(SearchPage {
            matches,
            scanned,
            done,
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_covers_a_folder() {
        assert_eq!(search_root(""), "");
        assert_eq!(search_root("logs"), "logs/");
        assert_eq!(search_root("logs/"), "logs/");
    }
}
