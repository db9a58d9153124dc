//! The orders of a listing's rows, as lists of row indices: a page merged into an order as it
//! arrives, and an order by a column made from the name order by a stable radix sort, so a
//! million rows re-sort in a few passes over memory instead of twenty million comparisons.

use std::cmp::Ordering;

use super::row::{Row, Sort, SortColumn};
use super::side_by_side::{cores, side_by_side};
use super::sort_buffers::SortBuffers;

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

/// The smallest and the largest of a column's values among some objects, as [`key`] gives
/// them: a sort packs each value less the smallest, in as few bits as the span needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct KeyRange {
    min: u64,
    max: u64,
}

/// No values yet.
impl Default for KeyRange {
    fn default() -> Self {
        Self {
            min: u64::MAX,
            max: 0,
        }
    }
}

impl KeyRange {
    fn include(&mut self, key: u64) {
        self.min = self.min.min(key);
        self.max = self.max.max(key);
    }

    /// Bits needed to write any value's distance from the smallest.
    fn span_bits(self) -> u32 {
        bits_for(self.max.saturating_sub(self.min))
    }
}

/// The range of each sortable column's values among a listing's objects, kept as rows arrive
/// so that a sort need not read every row once just to find it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct ColumnRanges {
    size: KeyRange,
    modified: KeyRange,
    class: KeyRange,
}

impl ColumnRanges {
    pub(super) fn include(&mut self, row: &Row) {
        self.size.include(key(row, SortColumn::Size));
        self.modified.include(key(row, SortColumn::Modified));
        self.class.include(key(row, SortColumn::Class));
    }

    pub(super) fn of(&self, column: SortColumn) -> KeyRange {
        match column {
            SortColumn::Size => self.size,
            SortColumn::Modified => self.modified,
            SortColumn::Class => self.class,
            SortColumn::Name => KeyRange { min: 0, max: 0 },
        }
    }

    #[cfg(test)]
    pub(super) fn of_rows(rows: &[Row]) -> Self {
        let mut ranges = Self::default();
        rows.iter().for_each(|row| ranges.include(row));
        ranges
    }
}

/// Re-orders `indices` (in name order) by `column`, ascending, keeping name order among equal
/// values, all at once. See [`ColumnSort`] for the same a step at a time.
#[cfg(test)]
pub(super) fn stable_sort_by_column(indices: &mut Vec<u32>, rows: &[Row], column: SortColumn) {
    let range = ColumnRanges::of_rows(rows).of(column);
    let mut sort = ColumnSort::new(std::mem::take(indices), column, range);
    while !sort.step(rows) {}
    *indices = sort.into_order();
}

/// Items each thread handles in a step before the caller may look at the clock again (half a
/// millisecond's work). Each thread of a pass reads all the step's items: twice as many a step
/// leaves them in cache less often, and costs more than the threads saved starting (50 µs each).
const STEP_ITEMS: usize = 1 << 16;

/// The widest digit a pass sorts on: 8,192 counts, which stay in cache.
const DIGIT_BITS: u32 = 13;

/// Below this many rows a sort stays on one thread: starting others costs more than they save.
const SPLIT_FROM: usize = 1 << 15;

/// A stable sort of row indices (given in name order) by a column, ascending, done a bounded
/// step at a time so a frame can stop between steps: a least-significant-digit radix sort.
///
/// Each value, less the column's smallest, is packed with its row index into one `u64` (the
/// index takes the low bits: 20 for a million rows, leaving 44 for the value, enough for any
/// object size or date) and sorted on digits of at most 13 bits, whose counts stay in cache,
/// skipping digits every value shares: two passes for values spanning under 2²⁶ (sizes under
/// 64 MB apart, dates within two years), three for sizes under 512 GB apart. Rows given in
/// name order are in row order too when they arrived in key order, as listings do; so the
/// index breaks ties by name and the last pass writes the finished order directly. Otherwise
/// the position in the input is packed instead and looked up at the end.
///
/// Each step's items are split across the cores ([`side_by_side`]): packing by contiguous
/// parts, and each pass by ranges of digits, every thread reading the whole step and placing
/// the items whose digits it owns into its own part of the output.
///
/// Values too far apart to pack (only a hostile server's) take 16-byte items in one step.
pub(super) struct ColumnSort {
    column: SortColumn,
    /// The rows to sort; taken for the output once no longer needed.
    input: Vec<u32>,
    len: usize,
    layout: Layout,
    threads: usize,
    /// Items each thread handles in a step.
    step_items: usize,
    /// Buffers lent to work in, and given back once done.
    buffers: SortBuffers,
    stage: Stage,
}

impl std::fmt::Debug for ColumnSort {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ColumnSort")
            .field("column", &self.column)
            .field("rows", &self.len)
            .field("threads", &self.threads)
            .field("done", &self.is_done())
            .finish()
    }
}

/// How a value and an index share one packed item, and the digits it is sorted on.
#[derive(Debug, Clone, Copy)]
struct Layout {
    range: KeyRange,
    /// The low bits: the row index where `by_row`, else the position in the input.
    index_bits: u32,
    by_row: bool,
    digit_bits: u32,
    passes: usize,
}

impl Layout {
    fn pack(self, value: u64, row: u32, position: usize) -> u64 {
        // A value outside the range would be a bug in keeping it; clamped, it cannot spill
        // into the index bits.
        let value = value.clamp(self.range.min, self.range.max) - self.range.min;
        let low = if self.by_row {
            u64::from(row)
        } else {
            position as u64
        };
        (value << self.index_bits) | low
    }

    fn digits(self) -> usize {
        1 << self.digit_bits
    }

    fn digit(self, item: u64, pass: usize) -> usize {
        let shift = self.index_bits + pass as u32 * self.digit_bits;
        ((item >> shift) & ((1 << self.digit_bits) - 1)) as usize
    }

    /// The row of a sorted item.
    fn row(self, item: u64, input: &[u32]) -> u32 {
        let low = item & ((1 << self.index_bits) - 1);
        if self.by_row {
            low as u32
        } else {
            input[low as usize]
        }
    }
}

enum Stage {
    /// Values too far apart to pack, sorted in the first step.
    Wide,
    /// Packing values with indices and counting every pass's digits, each thread into its own
    /// counts; `next` onwards still to pack.
    Pack {
        next: usize,
        packed: Vec<u64>,
        counts: Vec<Vec<usize>>,
    },
    /// One pass of the radix sort, `next` onwards still to place. The passes still to make
    /// are those in `passes` (digits every item shares are left out); the last writes rows.
    Scatter {
        passes: Vec<usize>,
        next: usize,
        packed: Vec<u64>,
        spare: Vec<u64>,
        out: Vec<u32>,
        counts: Vec<usize>,
        shares: Shares,
    },
    Done(Vec<u32>),
}

/// How a pass's output is shared among threads: each owns a run of digits, and so a run of
/// the output.
struct Shares {
    /// The next free place for each digit.
    next_place: Vec<usize>,
    /// The first digit of each thread's run, then the number of digits.
    digit_bounds: Vec<usize>,
    /// The first place of each thread's run of the output, then the number of items.
    place_bounds: Vec<usize>,
}

impl Shares {
    /// For a pass whose digits are counted in `counts`, over `threads` threads.
    fn new(counts: &[usize], threads: usize) -> Self {
        let mut next_place = Vec::with_capacity(counts.len());
        let mut total = 0;
        for &count in counts {
            next_place.push(total);
            total += count;
        }
        let mut digit_bounds = vec![0];
        digit_bounds.extend(
            (1..threads).map(|t| next_place.partition_point(|&place| place < total * t / threads)),
        );
        digit_bounds.push(counts.len());
        let place_bounds = digit_bounds
            .iter()
            .map(|&d| next_place.get(d).copied().unwrap_or(total))
            .collect();
        Self {
            next_place,
            digit_bounds,
            place_bounds,
        }
    }

    /// Places `items` (the next of the pass's input) by their digit of `pass`, `as_out` making
    /// each what `output` holds; one thread a run of digits.
    fn place<T: Send>(
        &mut self,
        items: &[u64],
        output: &mut [T],
        layout: Layout,
        pass: usize,
        as_out: impl Fn(u64) -> T + Sync,
    ) {
        let mut runs = Vec::with_capacity(self.digit_bounds.len());
        let (mut output, mut next_place) = (output, &mut self.next_place[..]);
        for (digits, places) in self
            .digit_bounds
            .windows(2)
            .zip(self.place_bounds.windows(2))
        {
            let (run, rest) = std::mem::take(&mut output).split_at_mut(places[1] - places[0]);
            output = rest;
            let (next, rest) = std::mem::take(&mut next_place).split_at_mut(digits[1] - digits[0]);
            next_place = rest;
            runs.push((digits[0], places[0], run, next));
        }
        side_by_side(runs, |(first_digit, first_place, run, next)| {
            for &item in items {
                let digit = layout.digit(item, pass);
                if let Some(place) = digit.checked_sub(first_digit).and_then(|d| next.get_mut(d)) {
                    run[*place - first_place] = as_out(item);
                    *place += 1;
                }
            }
        });
    }
}

impl ColumnSort {
    /// A sort of `input` (row indices in name order) whose values of `column` lie in `range`.
    pub(super) fn new(input: Vec<u32>, column: SortColumn, range: KeyRange) -> Self {
        let threads = if input.len() >= SPLIT_FROM {
            cores()
        } else {
            1
        };
        Self::on_threads(input, column, range, threads, STEP_ITEMS)
    }

    /// The same on `threads` threads, each handling `step_items` items a step.
    fn on_threads(
        input: Vec<u32>,
        column: SortColumn,
        range: KeyRange,
        threads: usize,
        step_items: usize,
    ) -> Self {
        let n = input.len();
        let by_row = input.is_sorted_by(|a, b| a < b);
        let largest_index = if by_row {
            input.last().map_or(0, |&i| u64::from(i))
        } else {
            n.saturating_sub(1) as u64
        };
        let index_bits = bits_for(largest_index).max(1);
        let span_bits = range.span_bits();
        let passes = span_bits.div_ceil(DIGIT_BITS) as usize;
        let layout = Layout {
            range,
            index_bits,
            by_row,
            digit_bits: span_bits.div_ceil(passes.max(1) as u32),
            passes,
        };
        let stage = if column == SortColumn::Name || n < 2 || passes == 0 {
            // Already in order: by name, or every value the same.
            Stage::Done(Vec::new())
        } else if index_bits + span_bits > 64 {
            Stage::Wide
        } else {
            Stage::Pack {
                next: 0,
                // Taken from the lent buffers at the first step.
                packed: Vec::new(),
                counts: vec![vec![0; passes * layout.digits()]; threads.max(1)],
            }
        };
        let mut sort = Self {
            column,
            input,
            len: n,
            layout,
            threads: threads.max(1),
            step_items: step_items.max(1),
            buffers: SortBuffers::default(),
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

    /// Lends buffers to work in, instead of allocating them (those it holds already stay
    /// where none of the same kind are lent).
    pub(super) fn lend(&mut self, buffers: SortBuffers) {
        self.buffers.keep_larger(buffers);
    }

    /// The buffers lent, once the sort is done with them (none while it is under way).
    pub(super) fn take_buffers(&mut self) -> SortBuffers {
        std::mem::take(&mut self.buffers)
    }

    /// Gives up the sort, for its buffers (those it was lent, and those it was working in).
    pub(super) fn abandon(self) -> SortBuffers {
        let mut buffers = self.buffers;
        match self.stage {
            Stage::Pack { packed, .. } => buffers.give_back(packed, Vec::new()),
            Stage::Scatter { packed, spare, .. } => buffers.give_back(packed, spare),
            Stage::Wide | Stage::Done(_) => {}
        }
        buffers
    }

    /// The sorted indices (none if the sort is not done).
    pub(super) fn into_order(self) -> Vec<u32> {
        match self.stage {
            Stage::Done(out) => out,
            _ => Vec::new(),
        }
    }

    /// Does a bounded piece of the work; `true` once the order is ready.
    pub(super) fn step(&mut self, rows: &[Row]) -> bool {
        let n = self.len;
        let (layout, column, threads) = (self.layout, self.column, self.threads);
        let digits = layout.digits();
        let stage = std::mem::replace(&mut self.stage, Stage::Done(Vec::new()));
        self.stage = match stage {
            Stage::Wide => Stage::Done(wide_sort(&self.input, rows, column)),
            Stage::Pack {
                next,
                mut packed,
                mut counts,
            } => {
                if next == 0 {
                    packed = self.buffers.take_packed(n);
                }
                let end = (next + self.step_items * threads).min(n);
                let part_len = (end - next).div_ceil(threads);
                let parts: Vec<_> = self.input[next..end]
                    .chunks(part_len)
                    .zip(packed[next..end].chunks_mut(part_len))
                    .zip(counts.iter_mut())
                    .enumerate()
                    .map(|(k, ((input, packed), counts))| {
                        (next + k * part_len, input, packed, counts)
                    })
                    .collect();
                side_by_side(parts, |(first, input, packed, counts)| {
                    for (position, (&row, item)) in (first..).zip(input.iter().zip(packed)) {
                        *item = layout.pack(key(&rows[row as usize], column), row, position);
                        for pass in 0..layout.passes {
                            counts[pass * digits + layout.digit(*item, pass)] += 1;
                        }
                    }
                });
                if end < n {
                    Stage::Pack {
                        next: end,
                        packed,
                        counts,
                    }
                } else {
                    let mut total = vec![0; layout.passes * digits];
                    for thread in &counts {
                        total.iter_mut().zip(thread).for_each(|(t, c)| *t += c);
                    }
                    // A digit every item shares leaves the order as it is.
                    let passes: Vec<usize> = (0..layout.passes)
                        .filter(|&pass| !total[pass * digits..(pass + 1) * digits].contains(&n))
                        .collect();
                    self.scatter_from(passes, packed, Vec::new(), total)
                }
            }
            Stage::Scatter {
                mut passes,
                next,
                mut packed,
                mut spare,
                mut out,
                counts,
                mut shares,
            } => {
                let end = (next + self.step_items * threads).min(n);
                let pass = passes.first().copied().unwrap_or(0);
                let last = passes.len() <= 1;
                let items = &packed[next..end];
                if last {
                    if out.is_empty() {
                        // Rows in row order need no lookup at the end: their list becomes
                        // the output, saving the time to allocate another.
                        out = if layout.by_row {
                            std::mem::take(&mut self.input)
                        } else {
                            vec![0; n]
                        };
                    }
                    let input = &self.input;
                    shares.place(items, &mut out, layout, pass, |item| {
                        layout.row(item, input)
                    });
                } else {
                    if spare.is_empty() {
                        spare = self.buffers.take_spare(n);
                    }
                    shares.place(items, &mut spare, layout, pass, |item| item);
                }
                if end < n {
                    Stage::Scatter {
                        passes,
                        next: end,
                        packed,
                        spare,
                        out,
                        counts,
                        shares,
                    }
                } else if last {
                    self.buffers.give_back(packed, spare);
                    Stage::Done(out)
                } else {
                    std::mem::swap(&mut packed, &mut spare);
                    passes.remove(0);
                    self.scatter_from(passes, packed, spare, counts)
                }
            }
            done @ Stage::Done(_) => done,
        };
        self.is_done()
    }

    /// The stage that makes `passes` over `packed` (the order as it is if there are none).
    fn scatter_from(
        &mut self,
        passes: Vec<usize>,
        packed: Vec<u64>,
        spare: Vec<u64>,
        counts: Vec<usize>,
    ) -> Stage {
        let digits = self.layout.digits();
        let Some(&pass) = passes.first() else {
            // Every value the same: the input is the order.
            self.buffers.give_back(packed, spare);
            return Stage::Done(std::mem::take(&mut self.input));
        };
        Stage::Scatter {
            shares: Shares::new(&counts[pass * digits..(pass + 1) * digits], self.threads),
            passes,
            next: 0,
            packed,
            spare,
            out: Vec::new(),
            counts,
        }
    }
}

/// Bits needed to write `value` (0 for 0).
fn bits_for(value: u64) -> u32 {
    64 - value.leading_zeros()
}

/// The order of `input` by `column`'s values too far apart to pack: 16-byte items on 8-bit
/// digits, in one go.
fn wide_sort(input: &[u32], rows: &[Row], column: SortColumn) -> Vec<u32> {
    let mut items: Vec<(u64, u32)> = input
        .iter()
        .map(|&i| (key(&rows[i as usize], column), i))
        .collect();
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
        let classes = [
            StorageClass::Standard,
            StorageClass::Glacier,
            StorageClass::StandardIa,
        ];
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
            let mut row = row(&format!("n{:05}", seed % 100_000), size, modified);
            row.class = classes[(seed % 3) as usize];
            rows.push(row);
        }
        let mut by_name: Vec<u32> = (0..rows.len() as u32).collect();
        by_name.sort_by(|a, b| rows[*a as usize].name.cmp(&rows[*b as usize].name));
        // The same rows stored in name order, as a listing receives them: then the row index
        // itself breaks ties and the last pass writes rows directly.
        let in_name_order: Vec<Row> = by_name.iter().map(|&i| rows[i as usize].clone()).collect();
        let ranges = ColumnRanges::of_rows(&rows);
        for (rows, by_name) in [
            (&rows, by_name),
            (&in_name_order, (0..rows.len() as u32).collect()),
        ] {
            // Every row, and a filtered few (the range stays that of every row).
            let every_third: Vec<u32> = by_name.iter().copied().step_by(3).collect();
            for given in [by_name, every_third] {
                for column in [SortColumn::Size, SortColumn::Modified, SortColumn::Class] {
                    let sort = Sort {
                        column,
                        ascending: true,
                    };
                    let mut expected = given.clone();
                    expected.sort_by(|a, b| sort.compare(&rows[*a as usize], &rows[*b as usize]));
                    // One thread or several, and steps of a few hundred items, so that
                    // packing and every pass go on across steps.
                    for threads in [1, 2, 3] {
                        let range = ranges.of(column);
                        let mut radix =
                            ColumnSort::on_threads(given.clone(), column, range, threads, 300);
                        let mut steps = 1;
                        while !radix.step(rows) {
                            steps += 1;
                        }
                        let what = format!("{column:?}, narrow {narrow}, {threads} threads");
                        assert_eq!(radix.into_order(), expected, "{what}");
                        if narrow && column != SortColumn::Class {
                            assert!(steps >= 4, "{what}: {steps} steps");
                        }
                    }
                    let mut all_at_once = given.clone();
                    stable_sort_by_column(&mut all_at_once, rows, column);
                    assert_eq!(all_at_once, expected, "{column:?}, narrow {narrow}");
                }
            }
        }
    }
}
