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
/// values, all at once. See [`ColumnSort`] for the same a step at a time.
#[cfg(test)]
pub(super) fn stable_sort_by_column(indices: &mut Vec<u32>, rows: &[Row], column: SortColumn) {
    let mut sort = ColumnSort::new(std::mem::take(indices), column);
    while !sort.step(rows) {}
    *indices = sort.into_order();
}

/// Items a linear step handles before the caller may look at the clock again (about a
/// millisecond's work).
const STEP_ITEMS: usize = 1 << 16;

/// A stable sort of row indices (given in name order) by a column, ascending, done a bounded
/// step at a time so a frame can stop between steps: a least-significant-digit radix sort.
///
/// Each value, less the smallest, is packed with its position in the input into one `u64`
/// (positions take the low bits: 20 for a million rows, leaving 44 for the value, enough for
/// any object size or date) and sorted on 13-bit digits, whose counts stay in cache, skipping
/// digits every value shares: two passes for values spanning under 2²⁶ (sizes under 64 MB
/// apart, dates within two years), three for sizes under 512 GB apart. Values too far apart
/// for that (only a hostile server's) take 16-byte items in one step.
pub(super) struct ColumnSort {
    column: SortColumn,
    input: Vec<u32>,
    stage: Stage,
}

impl std::fmt::Debug for ColumnSort {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ColumnSort")
            .field("column", &self.column)
            .field("rows", &self.input.len())
            .field("done", &self.is_done())
            .finish()
    }
}

enum Stage {
    /// Reading the column's values, `next` onwards still to read.
    Gather {
        next: usize,
        keys: Vec<u64>,
        min: u64,
        max: u64,
    },
    /// Packing values with positions and counting every pass's digits.
    Pack {
        next: usize,
        keys: Vec<u64>,
        min: u64,
        packed: Vec<u64>,
        digits: Digits,
        counts: Vec<Vec<usize>>,
    },
    /// One pass of the radix sort a step.
    Scatter {
        pass: usize,
        packed: Vec<u64>,
        spare: Vec<u64>,
        digits: Digits,
        counts: Vec<Vec<usize>>,
    },
    /// Turning positions back into row indices.
    Unpack {
        next: usize,
        packed: Vec<u64>,
        position_bits: u32,
        out: Vec<u32>,
    },
    Done(Vec<u32>),
}

/// Where the digits of a packed item are.
#[derive(Clone, Copy)]
struct Digits {
    /// The lowest bit of the value (the positions' width).
    from: u32,
    passes: usize,
}

const DIGIT_BITS: u32 = 13;
const DIGIT_MASK: u64 = (1 << DIGIT_BITS) - 1;

impl Digits {
    fn shift(self, pass: usize) -> u32 {
        self.from + pass as u32 * DIGIT_BITS
    }
}

impl ColumnSort {
    pub(super) fn new(input: Vec<u32>, column: SortColumn) -> Self {
        let stage = if column == SortColumn::Name || input.len() < 2 {
            Stage::Done(Vec::new())
        } else {
            Stage::Gather {
                next: 0,
                keys: Vec::with_capacity(input.len()),
                min: u64::MAX,
                max: 0,
            }
        };
        let mut sort = Self {
            column,
            input,
            stage,
        };
        if let Stage::Done(out) = &mut sort.stage {
            *out = std::mem::take(&mut sort.input);
        }
        sort
    }

    pub(super) fn is_done(&self) -> bool {
        matches!(self.stage, Stage::Done(_))
    }

    /// The sorted indices; the input as given if the sort is not done.
    pub(super) fn into_order(self) -> Vec<u32> {
        match self.stage {
            Stage::Done(out) => out,
            _ => self.input,
        }
    }

    /// Does a bounded piece of the work; `true` once the order is ready.
    pub(super) fn step(&mut self, rows: &[Row]) -> bool {
        let n = self.input.len();
        let stage = std::mem::replace(&mut self.stage, Stage::Done(Vec::new()));
        self.stage = match stage {
            Stage::Gather {
                next,
                mut keys,
                mut min,
                mut max,
            } => {
                let end = (next + STEP_ITEMS).min(n);
                for &i in &self.input[next..end] {
                    let k = key(&rows[i as usize], self.column);
                    min = min.min(k);
                    max = max.max(k);
                    keys.push(k);
                }
                if end < n {
                    Stage::Gather {
                        next: end,
                        keys,
                        min,
                        max,
                    }
                } else {
                    let position_bits = bits_for(n as u64 - 1).max(1);
                    let span_bits = bits_for(max - min);
                    if position_bits + span_bits > 64 {
                        Stage::Done(wide_sort(&self.input, keys))
                    } else {
                        let passes = span_bits.div_ceil(DIGIT_BITS) as usize;
                        Stage::Pack {
                            next: 0,
                            keys,
                            min,
                            packed: Vec::with_capacity(n),
                            digits: Digits {
                                from: position_bits,
                                passes,
                            },
                            counts: vec![vec![0; 1 << DIGIT_BITS]; passes],
                        }
                    }
                }
            }
            Stage::Pack {
                next,
                keys,
                min,
                mut packed,
                digits,
                mut counts,
            } => {
                let end = (next + STEP_ITEMS).min(n);
                for (position, &k) in keys.iter().enumerate().take(end).skip(next) {
                    let item = ((k - min) << digits.from) | position as u64;
                    for (pass, count) in counts.iter_mut().enumerate() {
                        count[((item >> digits.shift(pass)) & DIGIT_MASK) as usize] += 1;
                    }
                    packed.push(item);
                }
                if end < n {
                    Stage::Pack {
                        next: end,
                        keys,
                        min,
                        packed,
                        digits,
                        counts,
                    }
                } else {
                    drop(keys);
                    Stage::Scatter {
                        pass: 0,
                        spare: vec![0; n],
                        packed,
                        digits,
                        counts,
                    }
                }
            }
            Stage::Scatter {
                pass,
                mut packed,
                mut spare,
                digits,
                mut counts,
            } => {
                if pass < digits.passes {
                    scatter(
                        &mut packed,
                        &mut spare,
                        &mut counts[pass],
                        digits.shift(pass),
                    );
                    Stage::Scatter {
                        pass: pass + 1,
                        packed,
                        spare,
                        digits,
                        counts,
                    }
                } else {
                    Stage::Unpack {
                        next: 0,
                        packed,
                        position_bits: digits.from,
                        out: Vec::with_capacity(n),
                    }
                }
            }
            Stage::Unpack {
                next,
                packed,
                position_bits,
                mut out,
            } => {
                let end = (next + STEP_ITEMS).min(n);
                let mask = (1u64 << position_bits) - 1;
                out.extend(
                    packed[next..end]
                        .iter()
                        .map(|&item| self.input[(item & mask) as usize]),
                );
                if end < n {
                    Stage::Unpack {
                        next: end,
                        packed,
                        position_bits,
                        out,
                    }
                } else {
                    Stage::Done(out)
                }
            }
            done @ Stage::Done(_) => done,
        };
        self.is_done()
    }
}

/// Bits needed to write `value` (0 for 0).
fn bits_for(value: u64) -> u32 {
    64 - value.leading_zeros()
}

/// One stable counting pass on the digit at `shift`; a digit every item shares leaves the
/// order as it is.
fn scatter(items: &mut Vec<u64>, spare: &mut Vec<u64>, count: &mut [usize], shift: u32) {
    let digit = |item: u64| ((item >> shift) & DIGIT_MASK) as usize;
    if items.is_empty() || count[digit(items[0])] == items.len() {
        return;
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
    std::mem::swap(items, spare);
}

/// The order for values too far apart to pack: 16-byte items on 8-bit digits, in one go.
fn wide_sort(input: &[u32], keys: Vec<u64>) -> Vec<u32> {
    let mut items: Vec<(u64, u32)> = keys.into_iter().zip(input.iter().copied()).collect();
    let mut spare = items.clone();
    for shift in (0..64).step_by(8) {
        let digit = |item: (u64, u32)| ((item.0 >> shift) & 0xff) as usize;
        let mut count = [0usize; 256];
        for &item in &items {
            count[digit(item)] += 1;
        }
        if count[digit(items[0])] == items.len() {
            continue;
        }
        let mut next = 0;
        for slot in count.iter_mut() {
            let here = *slot;
            *slot = next;
            next += here;
        }
        for &item in &items {
            let slot = &mut count[digit(item)];
            spare[*slot] = item;
            *slot += 1;
        }
        std::mem::swap(&mut items, &mut spare);
    }
    items.into_iter().map(|(_, i)| i).collect()
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
