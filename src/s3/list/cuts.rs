//! Where a big listing's remaining key space is cut into ranges: names like the last one seen,
//! with a later character at some position. Guesses only, from the names seen so far; the
//! fan-out probes each one before a range starts there. No I/O.

use super::types::FolderPage;

/// At most this many cut points are tried.
const MAX_CUTS: usize = 48;
/// Cut points tried at one position, spread over the characters that could follow there.
const CUTS_PER_DEPTH: usize = 9;

/// Remembers the ASCII bytes names use and the last name (keys and folders come in key
/// order, so the greater of the page's last object and last folder).
pub(super) fn note_names(page: &FolderPage, seen: &mut [bool; 128], last: &mut String) {
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
pub(super) fn cut_candidates(
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

/// The cuts whose range (up to the next cut kept, or the end) holds a name, each with that
/// name: `firsts[i]` is the first name after `candidates[i]`.
pub(super) fn keep_cuts(candidates: &[String], firsts: &[Option<String>]) -> Vec<(String, String)> {
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
