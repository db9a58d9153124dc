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

use crate::model::BucketName;
use crate::s3::connection::Connection;
pub use crate::s3::list::Depth;
use crate::s3::list::{BrowseError, FolderPage, PageRequest, TokenGuard, list_page_from};

/// Pages listed one after another before a folder counts as big. Some servers (s3s-fs, the
/// demo's) read the whole folder for every request, probes included: a folder of a few pages
/// is listed faster one page after another there.
pub const SEQUENTIAL_PAGES: usize = 10;
/// Ranges listed at once.
pub const PARALLEL_RANGES: usize = 8;
/// One-key probes in flight at once, and at most this many cut points are tried.
const PROBES_AT_ONCE: usize = 16;
const MAX_CUTS: usize = 48;
/// Cut points tried at one position, spread over the characters that could follow there.
const CUTS_PER_DEPTH: usize = 9;

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

/// Remembers the ASCII bytes names use and the last name (keys and folders come in key
/// order, so the greater of the page's last object and last folder).
fn note_names(page: &FolderPage, seen: &mut [bool; 128], last: &mut String) {
    for name in page
        .folders
        .iter()
        .chain(page.objects.iter().map(|o| &o.name))
    {
        for &b in name.as_bytes() {
            if b.is_ascii() {
                seen[b as usize] = true;
            }
        }
    }
    let page_last = [
        page.folders.last().map(|f| &**f),
        page.objects.last().map(|o| &*o.name),
    ]
    .into_iter()
    .flatten()
    .max();
    if let Some(page_last) = page_last
        && page_last > last.as_str()
    {
        *last = page_last.to_owned();
    }
}

/// Keys after `last_key` where a range could start: `last_key` cut after each of its first
/// characters past `prefix` (up to where it first differs from `first_name`, the first name
/// after the prefix: the positions names vary at; `within_level`, never past a `/`), followed
/// by a byte names use that sorts after the one there (a few of them, spread out), at most
/// [`MAX_CUTS`], deepest positions first. Sorted and above `last_key`.
pub fn cut_candidates(
    prefix: &str,
    first_name: &str,
    last_key: &str,
    seen: &[bool; 128],
    within_level: bool,
) -> Vec<String> {
    let name = &last_key.as_bytes()[prefix.len().min(last_key.len())..];
    // One level: never past the first `/`, as a cut inside a sub-folder's keys would list the
    // sub-folder twice. A whole tree has no sub-folders to list, so its keys cut anywhere.
    let slash = if within_level {
        name.iter().position(|&b| b == b'/').unwrap_or(name.len())
    } else {
        name.len()
    };
    let differs = name
        .iter()
        .zip(first_name.as_bytes())
        .position(|(a, b)| a != b)
        .unwrap_or(name.len());
    let depth_limit = slash.min(differs + 1).min(name.len());
    let mut cuts = Vec::new();
    // Deepest first: the positions next to where the names so far vary cut the keys just
    // ahead into ranges of a few pages, shallower ones into ever larger ones.
    for depth in (0..depth_limit).rev() {
        if !last_key.is_char_boundary(prefix.len() + depth) {
            continue;
        }
        let here = name[depth];
        let stem = &last_key[..prefix.len() + depth];
        for b in later_bytes(here, seen) {
            cuts.push(format!("{stem}{}", b as char));
        }
        if cuts.len() >= MAX_CUTS {
            break;
        }
    }
    cuts.truncate(MAX_CUTS);
    cuts.sort();
    cuts.dedup();
    cuts
}

/// Characters that could follow `here` at a position: every later one of its own kind
/// (digits, lower-case or upper-case letters: a name's number runs through all ten digits even
/// if the pages so far showed a few), a few spread out when there are many, and the first
/// later character of each other kind names use, as a coarse cut.
fn later_bytes(here: u8, seen: &[bool; 128]) -> Vec<u8> {
    let kind = |b: u8| match b {
        b'0'..=b'9' => 0,
        b'a'..=b'z' => 1,
        b'A'..=b'Z' => 2,
        _ => 3 + b as u32,
    };
    let kind_seen = |k: u32| (0u8..128).any(|b| seen[b as usize] && kind(b) == k);
    let (own, others): (Vec<u8>, Vec<u8>) = (here.saturating_add(1)..128)
        .filter(|&b| b != b'/' && (seen[b as usize] || (kind(b) < 3 && kind_seen(kind(b)))))
        .partition(|&b| kind(b) == kind(here));
    let step = own.len().div_ceil(CUTS_PER_DEPTH).max(1);
    let mut bytes: Vec<u8> = own.into_iter().step_by(step).collect();
    let mut kinds_taken = Vec::new();
    for b in others {
        if !kinds_taken.contains(&kind(b)) {
            kinds_taken.push(kind(b));
            bytes.push(b);
        }
    }
    bytes
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

/// The cuts whose range (up to the next cut kept, or the end) holds a name, each with that
/// name: `firsts[i]` is the first name after `candidates[i]`.
pub fn keep_cuts(candidates: &[String], firsts: &[Option<String>]) -> Vec<(String, String)> {
    let mut kept: Vec<(String, String)> = Vec::new();
    // From the end: a cut is kept if its first name comes before the next kept cut.
    let mut upper: Option<&str> = None;
    for (cut, first) in candidates.iter().zip(firsts).rev() {
        let Some(first) = first else {
            continue;
        };
        if upper.is_none_or(|upper| first.as_str() <= upper) {
            kept.push((cut.clone(), first.clone()));
            upper = Some(cut.as_str());
        }
    }
    kept.reverse();
    kept
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
            let first = first_name(&page);
            match first {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(names: &[&str]) -> [bool; 128] {
        let mut seen = [false; 128];
        for name in names {
            for b in name.bytes() {
                seen[b as usize] = true;
            }
        }
        seen
    }

    #[test]
    fn cuts_are_later_names_at_each_depth_within_the_folder_level() {
        let seen = seen(&["part-0000000.parquet", "part-0002999.parquet"]);
        let cuts = cut_candidates(
            "big/",
            "part-0000000.parquet",
            "big/part-0002999.parquet",
            &seen,
            true,
        );
        assert!(cuts.contains(&"big/part-01".to_owned()), "{cuts:?}");
        assert!(cuts.contains(&"big/part-003".to_owned()));
        // Deepest first: past the limit, the shallowest positions are the ones left out.
        assert!(!cuts.contains(&"big/q".to_owned()));
        assert!(cuts.len() <= MAX_CUTS);
        // Not past where the names vary.
        assert!(
            !cuts.iter().any(|c| c.starts_with("big/part-00029")),
            "{cuts:?}"
        );
        assert!(cuts.iter().all(|c| c.as_str() > "big/part-0002999.parquet"));
        assert!(cuts.is_sorted());
        // Never inside a sub-folder, never on a multi-byte character's inside.
        let cuts = cut_candidates("", "a", "sub/x", &seen, true);
        assert!(cuts.iter().all(|c| !c.contains('/')), "{cuts:?}");
        // A whole tree cuts inside sub-folders too.
        let cuts = cut_candidates("", "sub/a", "sub/x", &seen, false);
        assert!(cuts.iter().any(|c| c.starts_with("sub/")), "{cuts:?}");
        let cuts = cut_candidates("", "a", "é9", &seen, true);
        assert!(cuts.iter().all(|c| c.is_char_boundary(c.len())));
    }

    #[test]
    fn only_cuts_with_names_before_the_next_cut_are_kept() {
        let candidates: Vec<String> = ["b", "c", "d", "e"].map(String::from).to_vec();
        // After "b": "b1" (before "c": kept). After "c": "d5" (past "d": empty, dropped).
        // After "d": "d5" (kept). After "e": nothing (dropped).
        let firsts = [Some("b1"), Some("d5"), Some("d5"), None].map(|f| f.map(String::from));
        let kept: Vec<String> = keep_cuts(&candidates, &firsts)
            .into_iter()
            .map(|(cut, _)| cut)
            .collect();
        assert_eq!(kept, ["b", "d"]);
        assert!(keep_cuts(&candidates, &[None, None, None, None]).is_empty());
    }
}
