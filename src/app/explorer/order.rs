//! The orders of a listing's rows, as lists of row indices: a page merged into an order as it
//! arrives, and an order by a column made from the name order by a stable radix sort, so a
//! million rows re-sort in a few passes over memory instead of twenty million comparisons.

use std::cmp::Ordering;

use super::listing::{Row, Sort, SortColumn};

/// Merges `new` (indices not yet in `order`) into the sorted `order`. Pages arrive in key
/// order, so by name the new indices simply go at the end.
pub(super) fn merge_sorted(order: &mut Vec<u32>, mut new: Vec<u32>, rows: &[Row], sort: Sort) {
    if new.is_empty() {
        return;
    }
    let cmp = |a: &u32, b: &u32| sort.compare(&rows[*a as usize], &rows[*b as usize]);
    if !new.is_sorted_by(|a, b| cmp(a, b) != Ordering::Greater) {
        new.sort_unstable_by(cmp);
    }
    match (order.last(), new.first()) {
        (None, _) => {
            *order = new;
            return;
        }
        (Some(last), Some(first)) if cmp(last, first) != Ordering::Greater => {
            order.extend_from_slice(&new);
            return;
        }
        _ => {}
    }
    let old = std::mem::take(order);
    order.reserve(old.len() + new.len());
    let (mut i, mut j) = (0, 0);
    while i < old.len() && j < new.len() {
        if cmp(&new[j], &old[i]) == Ordering::Less {
            order.push(new[j]);
            j += 1;
        } else {
            order.push(old[i]);
            i += 1;
        }
    }
    order.extend_from_slice(&old[i..]);
    order.extend_from_slice(&new[j..]);
}

/// The column's value as an unsigned number in the column's ascending order.
fn key(row: &Row, column: SortColumn) -> u64 {
    match column {
        SortColumn::Name => 0,
        SortColumn::Size => row.size,
        // Flipping the sign bit keeps the order of negative times.
        SortColumn::Modified => (row.modified as u64) ^ (1 << 63),
        SortColumn::Class => row.class as u64,
    }
}

/// Re-orders `indices` (in name order) by `column`, ascending, keeping name order among equal
/// values: a least-significant-digit radix sort. When the values span less than 2³² (sizes
/// under 4 GB, dates within a century, classes), each value, less the smallest, is packed
/// with its index into one `u64` and sorted on 13-bit digits (the counts stay in cache),
/// skipping the digits every value shares: two passes for values spanning under 2²⁶ (sizes
/// under 64 MB apart, dates within two years), three at most, over 8 bytes a row.
/// Wider spans take the same way on 16-byte items and 8-bit digits.
pub(super) fn stable_sort_by_column(indices: &mut Vec<u32>, rows: &[Row], column: SortColumn) {
    if column == SortColumn::Name || indices.len() < 2 {
        return;
    }
    let keys: Vec<u64> = indices
        .iter()
        .map(|&i| key(&rows[i as usize], column))
        .collect();
    let (min, max) = keys
        .iter()
        .fold((u64::MAX, 0), |(lo, hi), &k| (lo.min(k), hi.max(k)));
    if max - min < 1 << 32 {
        let mut packed: Vec<u64> = keys
            .iter()
            .zip(indices.iter())
            .map(|(&k, &i)| ((k - min) << 32) | u64::from(i))
            .collect();
        radix_sort(&mut packed, 32..64, 13, |item| item);
        indices.clear();
        // The low 32 bits are the index.
        indices.extend(packed.into_iter().map(|item| item as u32));
    } else {
        let mut items: Vec<(u64, u32)> = keys.into_iter().zip(indices.iter().copied()).collect();
        radix_sort(&mut items, 0..64, 8, |item| item.0);
        indices.clear();
        indices.extend(items.into_iter().map(|(_, i)| i));
    }
}

/// A stable LSD radix sort of `items` on the bits `bits` of `key(item)`, `width` bits a pass;
/// a pass whose digit every item shares is skipped.
fn radix_sort<T: Copy>(
    items: &mut Vec<T>,
    bits: std::ops::Range<u32>,
    width: u32,
    key: impl Fn(T) -> u64,
) {
    let buckets = 1usize << width;
    let mask = (buckets - 1) as u64;
    let shifts: Vec<u32> = bits.step_by(width as usize).collect();
    // Every pass's counts in one read of the items.
    let mut counts = vec![vec![0usize; buckets]; shifts.len()];
    for &item in items.iter() {
        let k = key(item);
        for (count, shift) in counts.iter_mut().zip(&shifts) {
            count[((k >> shift) & mask) as usize] += 1;
        }
    }
    let mut spare = items.clone();
    for (count, &shift) in counts.iter_mut().zip(&shifts) {
        let digit = |item: T| ((key(item) >> shift) & mask) as usize;
        if count[digit(items[0])] == items.len() {
            // Every item has this digit: the order stands.
            continue;
        }
        let mut next = 0;
        for slot in count.iter_mut() {
            let here = *slot;
            *slot = next;
            next += here;
        }
        for &item in items.iter() {
            let slot = &mut count[digit(item)];
            spare[*slot] = item;
            *slot += 1;
        }
        std::mem::swap(items, &mut spare);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::s3::list::StorageClass;

    fn row(name: &str, size: u64, modified: i64) -> Row {
        Row {
            name: name.into(),
            size,
            modified,
            class: StorageClass::Standard,
            is_folder: false,
        }
    }

    #[test]
    fn the_radix_order_is_the_comparison_order_with_names_breaking_ties() {
        // Sizes and times across every digit (the wide way), and within 2³² (packed).
        for narrow in [false, true] {
            check_against_comparisons(narrow);
        }
    }

    fn check_against_comparisons(narrow: bool) {
        // Negative and positive times, many ties.
        let mut rows = Vec::new();
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        for i in 0..5_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let size = match i % 4 {
                0 => seed % 10,
                1 => seed >> (seed % 64),
                2 => u64::MAX - seed % 3,
                _ => seed % 70_000,
            };
            let modified = (seed as i64) >> (seed % 40);
            let (size, modified) = if narrow {
                (size % 3_000_000_000, 1_700_000_000 - (modified % 1_000_000))
            } else {
                (size, modified)
            };
            rows.push(row(&format!("n{:05}", seed % 100_000), size, modified));
        }
        let mut by_name: Vec<u32> = (0..rows.len() as u32).collect();
        by_name.sort_by(|a, b| rows[*a as usize].name.cmp(&rows[*b as usize].name));
        for column in [SortColumn::Size, SortColumn::Modified, SortColumn::Class] {
            let sort = Sort {
                column,
                ascending: true,
            };
            let mut radix = by_name.clone();
            stable_sort_by_column(&mut radix, &rows, column);
            let mut expected = by_name.clone();
            expected.sort_by(|a, b| sort.compare(&rows[*a as usize], &rows[*b as usize]));
            assert_eq!(radix, expected, "{column:?}, narrow {narrow}");
        }
    }
}
