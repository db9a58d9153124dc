//! Listing a huge flat folder faster than one page after another. S3 answers a listing a
//! page at a time, each asking for the last one's token, so a million keys are a thousand
//! round trips in a row. Once a folder proves big, its remaining key space is cut into ranges
//! at points guessed from the names seen so far (the same name with a later character at
//! some position, checked with one-key probes), and the ranges are listed side by side with
//! `start-after`. Pages still come out in key order, a range's pages held back until the
//! ranges before it are done. The same for every key under a prefix at any depth (a whole
//! tree: folder links, copies, downloads, deletes).

use std::collections::VecDeque;
use std::sync::Arc;

use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;

use super::cuts::{cut_candidates, keep_cuts, note_names};
use super::request::list_page_from;
use super::types::{BrowseError, Depth, FolderPage, PageRequest, TokenGuard};
use crate::model::BucketName;
use crate::s3::connection::Connection;

/// Pages listed one after another before a folder counts as big. Some servers (s3s-fs, the
/// demo's) read the whole folder for every request, probes included: a folder of a few pages
/// is listed faster one page after another there.
pub const SEQUENTIAL_PAGES: usize = 10;
/// Ranges listed at once.
pub(super) const PARALLEL_RANGES: usize = 8;
/// One-key probes in flight at once.
const PROBES_AT_ONCE: usize = 16;
/// Lists what `depth` says under `prefix` at any depth ([`Depth::Tree`] or
/// [`Depth::TreeKeys`]), handing `emit` each page in key order as [`list_folder_fanned`] does.
pub async fn list_tree_fanned(
    connection: &Connection,
    bucket: &BucketName,
    prefix: &str,
    depth: Depth,
    emit: impl FnMut(FolderPage, bool) -> bool,
) -> Result<(), BrowseError> {
    list_fanned_after(connection, bucket, prefix, depth, SEQUENTIAL_PAGES, emit).await
}

/// Lists the folder `prefix` of `bucket` (its sub-folders and objects), handing `emit` each
/// page in key order, the last one with `done` set; `emit` returning `false` stops the listing.
/// A folder of more than [`SEQUENTIAL_PAGES`] pages is listed in ranges side by side.
pub async fn list_folder_fanned(
    connection: &Connection,
    bucket: &BucketName,
    prefix: &str,
    emit: impl FnMut(FolderPage, bool) -> bool,
) -> Result<(), BrowseError> {
    list_folder_fanned_after(connection, bucket, prefix, SEQUENTIAL_PAGES, emit).await
}

/// [`list_folder_fanned`], going side by side after `sequential_pages` pages.
pub async fn list_folder_fanned_after(
    connection: &Connection,
    bucket: &BucketName,
    prefix: &str,
    sequential_pages: usize,
    emit: impl FnMut(FolderPage, bool) -> bool,
) -> Result<(), BrowseError> {
    let depth = Depth::OneLevel;
    list_fanned_after(connection, bucket, prefix, depth, sequential_pages, emit).await
}

/// The listing `depth` says of `prefix`, going side by side after `sequential_pages` pages.
pub async fn list_fanned_after(
    connection: &Connection,
    bucket: &BucketName,
    prefix: &str,
    depth: Depth,
    sequential_pages: usize,
    mut emit: impl FnMut(FolderPage, bool) -> bool,
) -> Result<(), BrowseError> {
    let mut token = None;
    let mut guard = TokenGuard::default();
    let mut order = InOrder::default();
    let mut seen_bytes = [false; 128];
    let mut last = String::new();
    let mut first: Option<String> = None;
    for page_number in 0.. {
        let request = PageRequest {
            token: token.take(),
            start_after: None,
            max_keys: 1000,
        };
        let mut page = list_page_from(connection, bucket, prefix, depth, request)
            .await
            .map_err(|error| numbered(error, page_number + 1))?;
        token = guard.next(page.next_token.take().as_deref())?;
        order
            .check(&page, token.is_some())
            .map_err(|problem| untrusted(bucket, prefix, problem, page_number + 1))?;
        note_names(&page, &mut seen_bytes, &mut last);
        if first.is_none() {
            first = first_name(&page).map(str::to_owned);
        }
        let done = token.is_none();
        if !emit(page, done) || done {
            return Ok(());
        }
        if page_number + 1 >= sequential_pages {
            break;
        }
    }
    let Some(token) = token else {
        return Ok(());
    };
    // Where the rest may be cut: names like the last one, with a later character somewhere.
    let name_prefix = depth.name_prefix(prefix);
    let last_key = format!("{name_prefix}{last}");
    let first_key = format!("{name_prefix}{}", first.unwrap_or_default());
    let first = first_key.strip_prefix(prefix).unwrap_or_default();
    let within_level = depth == Depth::OneLevel;
    let candidates = cut_candidates(prefix, first, &last_key, &seen_bytes, within_level);
    // `None`: the server ignores start-after, so page after page, as its tokens allow.
    let cuts = probe_cuts(connection, bucket, prefix, depth, candidates)
        .await?
        .unwrap_or_default();
    let ranges = Ranges {
        connection,
        bucket,
        prefix,
        depth,
    };
    ranges.list(token, cuts, guard, order, &mut emit).await
}

/// A page whose names break S3's order, as a listing error naming the page.
fn untrusted(bucket: &BucketName, prefix: &str, problem: String, number: usize) -> BrowseError {
    BrowseError::Untrusted {
        place: format!("s3://{}/{}", bucket.as_str(), prefix.escape_debug()),
        page: format!("page {number}"),
        problem,
    }
}

/// A listing's names in S3's order: each after every one before it, on its page, across pages
/// and across ranges. A key repeated or going back is refused, never listed twice — a server
/// that starts over with fresh tokens would otherwise be listed for ever.
#[derive(Debug, Default)]
struct InOrder {
    /// The greatest name so far (relative to the listing's name prefix).
    last: Option<Box<str>>,
    pages: usize,
    /// Truncated pages with no name, in a row.
    empty_in_a_row: usize,
}

/// Truncated pages with nothing on them that are believed in a row (S3 sends such pages
/// over long runs of delete markers; ten million in a row is past any real bucket).
const EMPTY_PAGES_AT_MOST: usize = 10_000;

impl InOrder {
    fn check(&mut self, page: &FolderPage, more: bool) -> Result<(), String> {
        self.pages += 1;
        let mut greatest = self.last.clone();
        for names in [
            page.folders.iter().map(|f| &**f).collect::<Vec<_>>(),
            page.objects.iter().map(|o| &*o.name).collect(),
        ] {
            let mut previous = self.last.as_deref();
            for name in names {
                if previous.is_some_and(|p| name <= p) {
                    return Err(format!(
                        "`{}` comes after `{}`: keys repeated or out of order",
                        name.escape_debug(),
                        previous.unwrap_or_default().escape_debug()
                    ));
                }
                previous = Some(name);
            }
            if let Some(name) = previous
                && greatest.as_deref().is_none_or(|g| name > g)
            {
                greatest = Some(name.into());
            }
        }
        self.last = greatest;
        let empty = page.folders.is_empty() && page.objects.is_empty();
        self.empty_in_a_row = if empty && more {
            self.empty_in_a_row + 1
        } else {
            0
        };
        if self.empty_in_a_row > EMPTY_PAGES_AT_MOST {
            return Err(format!(
                "{EMPTY_PAGES_AT_MOST} pages in a row with nothing on them, each saying more follows"
            ));
        }
        Ok(())
    }
}

/// Names a page that cannot be trusted by its number, where the listing counts its pages.
fn numbered(error: BrowseError, number: usize) -> BrowseError {
    match error {
        BrowseError::Untrusted { place, problem, .. } => BrowseError::Untrusted {
            place,
            page: format!("page {number}"),
            problem,
        },
        other => other,
    }
}

/// Keeps the cuts with names after them, each before the next one (empty ranges cost one
/// request each for nothing). `None` if the server answers a start-after with names before
/// it: it ignores start-after, and ranges cannot be listed.
async fn probe_cuts(
    connection: &Connection,
    bucket: &BucketName,
    prefix: &str,
    depth: Depth,
    candidates: Vec<String>,
) -> Result<Option<Vec<(String, String)>>, BrowseError> {
    let mut firsts: Vec<Option<String>> = vec![None; candidates.len()];
    let mut probes = JoinSet::new();
    let mut next = 0;
    let mut in_flight = 0;
    loop {
        while in_flight < PROBES_AT_ONCE && next < candidates.len() {
            let (connection, bucket, prefix) =
                (connection.clone(), bucket.clone(), prefix.to_owned());
            let cut = candidates[next].clone();
            let index = next;
            probes.spawn(async move {
                let request = PageRequest {
                    token: None,
                    start_after: Some(cut),
                    max_keys: 1,
                };
                let page = list_page_from(&connection, &bucket, &prefix, depth, request).await?;
                let first =
                    first_name(&page).map(|name| format!("{}{name}", depth.name_prefix(&prefix)));
                Ok::<_, BrowseError>((index, first))
            });
            next += 1;
            in_flight += 1;
        }
        let Some(joined) = probes.join_next().await else {
            break;
        };
        in_flight -= 1;
        let (index, first) =
            joined.map_err(|e| BrowseError::Other(format!("a listing probe failed: {e}")))??;
        if first
            .as_deref()
            .is_some_and(|f| f <= candidates[index].as_str())
        {
            return Ok(None);
        }
        firsts[index] = first;
    }
    Ok(Some(keep_cuts(&candidates, &firsts)))
}

/// The listing whose rest is listed in ranges.
struct Ranges<'a> {
    connection: &'a Connection,
    bucket: &'a BucketName,
    prefix: &'a str,
    depth: Depth,
}

impl Ranges<'_> {
    /// Lists the rest: the first range goes on from `token`, each other starts after its cut;
    /// each ends at the next cut. Pages are handed on in order.
    async fn list(
        self,
        token: String,
        cuts: Vec<(String, String)>,
        guard: TokenGuard,
        mut order: InOrder,
        emit: &mut impl FnMut(FolderPage, bool) -> bool,
    ) -> Result<(), BrowseError> {
        let Self {
            connection,
            bucket,
            prefix,
            depth,
        } = self;
        let permits = Arc::new(Semaphore::new(PARALLEL_RANGES));
        let mut ranges = JoinSet::new();
        let mut outputs = VecDeque::new();
        let ends: Vec<Option<String>> = cuts
            .iter()
            .map(|(cut, _)| Some(cut.clone()))
            .chain(std::iter::once(None))
            .collect();
        let starts = std::iter::once(RangeStart::Token(token, guard)).chain(
            cuts.into_iter()
                .map(|(cut, first)| RangeStart::After { cut, first }),
        );
        for (start, end) in starts.zip(ends) {
            let (sender, receiver) = mpsc::unbounded_channel();
            outputs.push_back(receiver);
            let (connection, bucket, prefix, permits) = (
                connection.clone(),
                bucket.clone(),
                prefix.to_owned(),
                permits.clone(),
            );
            ranges.spawn(async move {
                // Ranges start in order, so the earliest are listed first.
                let Ok(_permit) = permits.acquire_owned().await else {
                    return;
                };
                list_range(&connection, &bucket, &prefix, depth, start, end, &sender).await;
            });
        }
        let total = outputs.len();
        let mut finished = 0;
        while let Some(mut receiver) = outputs.pop_front() {
            finished += 1;
            let last_range = finished == total;
            let mut pending: Option<FolderPage> = None;
            while let Some(result) = receiver.recv().await {
                let page = result?;
                let number = order.pages + 1;
                order
                    .check(&page, true)
                    .map_err(|problem| untrusted(bucket, prefix, problem, number))?;
                if let Some(previous) = pending.replace(page)
                    && !emit(previous, false)
                {
                    return Ok(());
                }
            }
            // The last range always ends with a page saying the listing is done.
            let last_page = match pending {
                Some(page) => Some(page),
                None if last_range => Some(FolderPage::default()),
                None => None,
            };
            if let Some(page) = last_page
                && !emit(page, last_range)
            {
                return Ok(());
            }
        }
        Ok(())
    }
}

enum RangeStart {
    Token(String, TokenGuard),
    /// After `cut`, where a probe found `first` (full keys).
    After {
        cut: String,
        first: String,
    },
}

/// One range's pages, each trimmed to names up to `end` (a full key; `None`: to the end).
async fn list_range(
    connection: &Connection,
    bucket: &BucketName,
    prefix: &str,
    depth: Depth,
    start: RangeStart,
    end: Option<String>,
    pages: &mpsc::UnboundedSender<Result<FolderPage, BrowseError>>,
) {
    // A range's names come after its cut: a server starting a range early must not hand on
    // names another range lists.
    let name_prefix = depth.name_prefix(prefix);
    let relative = |key: &str| key[name_prefix.len().min(key.len())..].to_owned();
    let (after, expected) = match &start {
        RangeStart::After { cut, first } => (Some(relative(cut)), Some(relative(first))),
        RangeStart::Token(..) => (None, None),
    };
    // The probe found `expected` first after the cut: the range must list it (or a name
    // written before it since). A range without it is a listing the server cut short.
    let mut vouched = expected.is_none();
    let short = |expected: &str| {
        Err(BrowseError::Untrusted {
            place: format!("s3://{}/{}", bucket.as_str(), prefix.escape_debug()),
            page: "a range of pages".to_owned(),
            problem: format!(
                "it left out `{}`, which the server had listed a moment before",
                expected.escape_debug()
            ),
        })
    };
    let cut = match &start {
        RangeStart::After { cut, .. } => Some(cut.clone()),
        RangeStart::Token(..) => None,
    };
    let (mut request, mut guard) = match start {
        RangeStart::Token(token, guard) => (
            PageRequest {
                token: Some(token),
                start_after: None,
                max_keys: 1000,
            },
            guard,
        ),
        RangeStart::After { cut, .. } => (
            PageRequest {
                token: None,
                start_after: Some(cut),
                max_keys: 1000,
            },
            TokenGuard::default(),
        ),
    };
    loop {
        let mut page = match list_page_from(connection, bucket, prefix, depth, request).await {
            Ok(page) => page,
            Err(error) => {
                let _ = pages.send(Err(error));
                return;
            }
        };
        let next = match guard.next(page.next_token.take().as_deref()) {
            Ok(next) => next,
            Err(error) => {
                let _ = pages.send(Err(error));
                return;
            }
        };
        if let Some(after) = after.as_deref() {
            page.folders.retain(|f| &**f > after);
            page.objects.retain(|o| &*o.name > after);
        }
        let mut past_end = false;
        if let Some(end) = end.as_deref() {
            let name_prefix = depth.name_prefix(prefix);
            let end_name = &end[name_prefix.len().min(end.len())..];
            let before = page.folders.len() + page.objects.len();
            page.folders.retain(|f| &**f <= end_name);
            page.objects.retain(|o| &*o.name <= end_name);
            past_end = page.folders.len() + page.objects.len() < before;
        }
        if let Some(expected) = expected.as_deref()
            && !vouched
        {
            match first_name(&page) {
                Some(first) if first <= expected => vouched = true,
                Some(_) => {
                    match gone_since(connection, bucket, prefix, depth, &cut, expected).await {
                        Ok(true) => vouched = true,
                        Ok(false) => {
                            let _ = pages.send(short(expected));
                            return;
                        }
                        Err(error) => {
                            let _ = pages.send(Err(error));
                            return;
                        }
                    }
                }
                None => {}
            }
        }
        if pages.send(Ok(page)).is_err() {
            return;
        }
        match next {
            Some(token) if !past_end => {
                request = PageRequest {
                    token: Some(token),
                    start_after: None,
                    max_keys: 1000,
                };
            }
            _ => {
                if let Some(expected) = expected.as_deref()
                    && !vouched
                {
                    let _ =
                        match gone_since(connection, bucket, prefix, depth, &cut, expected).await {
                            Ok(true) => return,
                            Ok(false) => pages.send(short(expected)),
                            Err(error) => pages.send(Err(error)),
                        };
                }
                return;
            }
        }
    }
}

/// The first name of `page`, folder or object.
fn first_name(page: &FolderPage) -> Option<&str> {
    let folder = page.folders.first().map(|f| &**f);
    folder
        .into_iter()
        .chain(page.objects.first().map(|o| &*o.name))
        .min()
}

/// Whether `expected` (a name relative to the listing), which a probe found first after
/// `cut`, is no longer there: a range without it is then a key deleted since (someone
/// tidying the folder while it is listed), not a server cutting the range short. The probe is
/// asked again; a server that still lists it has left it out of the range.
async fn gone_since(
    connection: &Connection,
    bucket: &BucketName,
    prefix: &str,
    depth: Depth,
    cut: &Option<String>,
    expected: &str,
) -> Result<bool, BrowseError> {
    let Some(cut) = cut else {
        return Ok(false);
    };
    let request = PageRequest {
        token: None,
        start_after: Some(cut.clone()),
        max_keys: 1,
    };
    let page = list_page_from(connection, bucket, prefix, depth, request).await?;
    let first = first_name(&page);
    Ok(first.is_none_or(|first| first > expected))
}

/// Every object under `prefix`, at any depth: (key, size). For links to a whole folder, so
/// folder markers (`name/`, zero bytes), which are not files to share, are left out.
pub async fn list_keys_under(
    connection: &Connection,
    bucket: &BucketName,
    prefix: &str,
) -> Result<Vec<(String, u64)>, BrowseError> {
    let mut keys = list_all_keys(connection, bucket, prefix).await?;
    keys.retain(|(key, _)| !key.ends_with('/'));
    Ok(keys)
}

/// Every key under `prefix`, at any depth, folder markers included: (key, size), in key
/// order. A big tree is listed in key ranges side by side (see [`list_tree_fanned`]).
pub async fn list_all_keys(
    connection: &Connection,
    bucket: &BucketName,
    prefix: &str,
) -> Result<Vec<(String, u64)>, BrowseError> {
    let mut keys = Vec::new();
    let depth = Depth::TreeKeys;
    list_tree_fanned(connection, bucket, prefix, depth, |page, _| {
        keys.extend(
            page.objects
                .into_iter()
                .map(|o| (String::from(o.name), o.size)),
        );
        true
    })
    .await?;
    Ok(keys)
}
