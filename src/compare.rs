//! Compare two folders, side by side: what exists on one side only, what differs in size, and
//! which copy is newer — the first step before copying a folder across. Pure: each side is a
//! list of names with sizes and dates, from a local folder or an S3 listing alike.

use std::collections::BTreeMap;

/// One entry of a side: its name in the folder (ending in `/` for a folder), size and date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Side<'a> {
    pub name: &'a str,
    pub size: u64,
    /// Seconds since 1970.
    pub modified: i64,
}

/// How an entry compares with its namesake on the other side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// Only on the left.
    OnlyLeft,
    /// Only on the right.
    OnlyRight,
    /// Both have it, with different sizes.
    Differs,
    /// The same size, the left one newer.
    NewerLeft,
    /// The same size, the right one newer.
    NewerRight,
    /// The same size and date (within the tolerance).
    Same,
}

/// Dates closer than this are the same: file systems keep 1 s or 2 s (FAT), S3 whole seconds.
pub const DATE_TOLERANCE_SECS: i64 = 2;

/// Every name on either side with its mark, by name. Folders (`name/`) are marked only as
/// present on one side or both: their contents are compared when they are opened.
pub fn compare(left: &[Side<'_>], right: &[Side<'_>]) -> BTreeMap<String, Mark> {
    let right_by_name: BTreeMap<&str, &Side> = right.iter().map(|s| (s.name, s)).collect();
    let mut marks = BTreeMap::new();
    for l in left {
        let mark = match right_by_name.get(l.name) {
            None => Mark::OnlyLeft,
            Some(_) if l.name.ends_with('/') => Mark::Same,
            Some(r) if r.size != l.size => Mark::Differs,
            Some(r) if l.modified - r.modified > DATE_TOLERANCE_SECS => Mark::NewerLeft,
            Some(r) if r.modified - l.modified > DATE_TOLERANCE_SECS => Mark::NewerRight,
            Some(_) => Mark::Same,
        };
        marks.insert(l.name.to_owned(), mark);
    }
    for r in right {
        marks.entry(r.name.to_owned()).or_insert(Mark::OnlyRight);
    }
    marks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(name: &str, size: u64, modified: i64) -> Side<'_> {
        Side {
            name,
            size,
            modified,
        }
    }

    #[test]
    fn each_difference_is_marked() {
        let left = [
            side("a.txt", 10, 1000),
            side("b.txt", 10, 1000),
            side("c.txt", 10, 5000),
            side("d.txt", 10, 1000),
            side("e.txt", 10, 1001),
            side("photos/", 0, 0),
        ];
        let right = [
            side("b.txt", 11, 1000),
            side("c.txt", 10, 1000),
            side("d.txt", 10, 9000),
            side("e.txt", 10, 1000),
            side("f.txt", 1, 1),
            side("photos/", 0, 7),
        ];
        let marks = compare(&left, &right);
        let mark = |n: &str| marks[n];
        assert_eq!(mark("a.txt"), Mark::OnlyLeft);
        assert_eq!(mark("b.txt"), Mark::Differs);
        assert_eq!(mark("c.txt"), Mark::NewerLeft);
        assert_eq!(mark("d.txt"), Mark::NewerRight);
        assert_eq!(mark("e.txt"), Mark::Same, "a second apart is the same date");
        assert_eq!(mark("f.txt"), Mark::OnlyRight);
        assert_eq!(mark("photos/"), Mark::Same);
        assert_eq!(marks.len(), 7);
    }

    #[test]
    fn names_differing_only_in_case_are_different_names() {
        let marks = compare(&[side("R.pdf", 1, 1)], &[side("r.pdf", 1, 1)]);
        assert_eq!(marks["R.pdf"], Mark::OnlyLeft);
        assert_eq!(marks["r.pdf"], Mark::OnlyRight);
    }
}
