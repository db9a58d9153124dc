//! A new view of a listing (after the sort or the filter changed) built a step at a time, so
//! a million rows re-sort or re-filter across a few frames instead of stalling one. The view
//! on screen stays as it was until the new one is complete.

use std::time::{Duration, Instant};

use super::filter::Filter;
use super::order::{ColumnRanges, ColumnSort};
use super::row::{Row, Sort, SortColumn};
use super::side_by_side::{cores, side_by_side};
use super::sort_buffers::SortBuffers;

/// What a column sort is given besides its rows: the range of each column's values, and
/// buffers to work in, lent back and forth between the sort and the view being built.
#[derive(Debug, Default)]
struct SortInputs {
    ranges: ColumnRanges,
    buffers: SortBuffers,
}

/// Rows the filter checks before the caller may look at the clock again.
const FILTER_STEP: usize = 1 << 16;

/// Below this many rows a step is checked on one thread: starting another costs more.
const SPLIT_FROM: usize = 1 << 13;

/// The new view being built: its folders and its objects, each from a list of row indices.
pub(super) struct Rebuild {
    pub(super) sort: Sort,
    pub(super) filter: Filter,
    /// Rows that existed when it started; rows added since are merged in when it finishes.
    pub(super) rows_seen: usize,
    parts: [Part; 2],
    /// For the column sort; its buffers here while no sort has them.
    inputs: SortInputs,
}

impl std::fmt::Debug for Rebuild {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rebuild")
            .field("sort", &self.sort)
            .field("filter", &self.filter)
            .finish_non_exhaustive()
    }
}

/// The order a part's source list is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SourceOrder {
    /// By name: the column sort is still to do.
    ByName,
    /// Already the new view's order (the view on screen, which the filter only narrows).
    Final,
    /// By the sort's column, ascending (a kept column order): only the direction is left.
    ColumnAscending,
}

/// After filtering rows in name order: the kept order of every object by the sort's column,
/// through which the rows that passed are put in order without sorting them.
type KeptOrder = Option<Vec<u32>>;

/// How one half (folders or objects) goes from its source to its new order.
enum Part {
    Filter {
        source: Vec<u32>,
        next: usize,
        kept: Vec<u32>,
        order: SourceOrder,
        by_column: KeptOrder,
    },
    Sort(Box<ColumnSort>),
    Done(Vec<u32>),
}

impl Part {
    fn new(
        source: Vec<u32>,
        filter: &Filter,
        order: SourceOrder,
        by_column: KeptOrder,
        sort: Sort,
        inputs: &mut SortInputs,
    ) -> Self {
        if filter.is_empty() {
            Self::sorted(source, order, by_column, sort, inputs)
        } else {
            Self::Filter {
                kept: Vec::new(),
                source,
                next: 0,
                order,
                by_column,
            }
        }
    }

    /// After filtering: `rows`, in the source's order, put in the new order.
    fn sorted(
        mut rows: Vec<u32>,
        order: SourceOrder,
        by_column: KeptOrder,
        sort: Sort,
        inputs: &mut SortInputs,
    ) -> Self {
        if let (SourceOrder::ByName, Some(by_column)) = (order, by_column)
            && sort.column != SortColumn::Name
        {
            // Walking the column's order and keeping the rows that passed reads memory in
            // order twice, where sorting them would scatter it.
            let Some(&largest) = rows.iter().max() else {
                return Self::Done(rows);
            };
            let mut passed = vec![false; largest as usize + 1];
            for &i in &rows {
                passed[i as usize] = true;
            }
            let mut ordered: Vec<u32> = by_column
                .into_iter()
                .filter(|&i| passed.get(i as usize).copied().unwrap_or(false))
                .collect();
            if !sort.ascending {
                ordered.reverse();
            }
            return Self::Done(ordered);
        }
        match order {
            SourceOrder::Final => Self::Done(rows),
            SourceOrder::ColumnAscending => {
                if !sort.ascending {
                    rows.reverse();
                }
                Self::Done(rows)
            }
            SourceOrder::ByName if sort.column == SortColumn::Name => {
                if !sort.ascending {
                    rows.reverse();
                }
                Self::Done(rows)
            }
            SourceOrder::ByName => {
                let range = inputs.ranges.of(sort.column);
                let mut column_sort = ColumnSort::new(rows, sort.column, range);
                column_sort.lend(std::mem::take(&mut inputs.buffers));
                Self::Sort(Box::new(column_sort))
            }
        }
    }

    /// One bounded piece of work; `true` once done.
    fn step(&mut self, rows: &[Row], filter: &Filter, sort: Sort, inputs: &mut SortInputs) -> bool {
        let part = std::mem::replace(self, Self::Done(Vec::new()));
        *self = match part {
            Self::Filter {
                source,
                next,
                mut kept,
                order,
                by_column,
            } => {
                let end = (next + FILTER_STEP).min(source.len());
                keep_passing(&mut kept, &source[next..end], rows, filter);
                if end < source.len() {
                    Self::Filter {
                        source,
                        next: end,
                        kept,
                        order,
                        by_column,
                    }
                } else {
                    Self::sorted(kept, order, by_column, sort, inputs)
                }
            }
            Self::Sort(mut column_sort) => {
                if column_sort.step(rows) {
                    inputs.buffers = column_sort.take_buffers();
                    let mut order = column_sort.into_order();
                    if !sort.ascending {
                        order.reverse();
                    }
                    Self::Done(order)
                } else {
                    Self::Sort(column_sort)
                }
            }
            done @ Self::Done(_) => done,
        };
        matches!(self, Self::Done(_))
    }
}

/// Appends the rows of `chunk` whose names pass `filter` to `kept`, in order. A big chunk is
/// cut in parts checked side by side ([`side_by_side`]): the check waits on memory (a name per
/// row, each in its own allocation), so a million rows take half the time on two cores.
fn keep_passing(kept: &mut Vec<u32>, chunk: &[u32], rows: &[Row], filter: &Filter) {
    let threads = cores().min(chunk.len() / SPLIT_FROM);
    keep_passing_on(threads, kept, chunk, rows, filter);
}

/// [`keep_passing`] on up to `threads` threads.
fn keep_passing_on(
    threads: usize,
    kept: &mut Vec<u32>,
    chunk: &[u32],
    rows: &[Row],
    filter: &Filter,
) {
    let passes = |i: &u32| filter.matches(&rows[*i as usize].name);
    let threads = threads.clamp(1, chunk.len().max(1));
    if threads == 1 {
        kept.extend(chunk.iter().filter(|i| passes(i)));
        return;
    }
    let parts = chunk.chunks(chunk.len().div_ceil(threads)).collect();
    for passed in side_by_side(parts, |part| {
        part.iter().copied().filter(passes).collect::<Vec<u32>>()
    }) {
        kept.extend(passed);
    }
}

impl Rebuild {
    /// A view of `folders` and `objects`, row indices each in the order given; `by_column`,
    /// every object in the sort column's order if kept, orders objects that pass the filter.
    pub(super) fn new(
        sort: Sort,
        filter: Filter,
        folders: (Vec<u32>, SourceOrder),
        objects: (Vec<u32>, SourceOrder),
        by_column: KeptOrder,
        rows_seen: usize,
        ranges: ColumnRanges,
    ) -> Self {
        let mut inputs = SortInputs {
            ranges,
            buffers: SortBuffers::default(),
        };
        let parts = [
            Part::new(folders.0, &filter, folders.1, None, sort, &mut inputs),
            Part::new(objects.0, &filter, objects.1, by_column, sort, &mut inputs),
        ];
        Self {
            sort,
            filter,
            rows_seen,
            parts,
            inputs,
        }
    }

    /// The objects' order is that of `sort`, a sort of every object by the new sort's column
    /// already under way (the column order being prepared), instead of the source given.
    pub(super) fn with_objects_sorted_by(mut self, sort: ColumnSort) -> Self {
        self.parts[1] = Part::Sort(Box::new(sort));
        self
    }

    /// Lends buffers for a column sort to work in; given back by [`Self::take_buffers`].
    pub(super) fn with_buffers(mut self, buffers: SortBuffers) -> Self {
        match self.parts.iter_mut().find_map(|part| match part {
            Part::Sort(column_sort) => Some(column_sort),
            _ => None,
        }) {
            Some(column_sort) => column_sort.lend(buffers),
            None => self.inputs.buffers = buffers,
        }
        self
    }

    /// The buffers lent, unless a column sort is still working in them.
    pub(super) fn take_buffers(&mut self) -> SortBuffers {
        std::mem::take(&mut self.inputs.buffers)
    }

    /// Works until done or until `budget` has passed (at least one step); `true` once done.
    pub(super) fn run(&mut self, rows: &[Row], budget: Duration) -> bool {
        let started = Instant::now();
        loop {
            let Some(part) = self.parts.iter_mut().find(|p| !matches!(p, Part::Done(_))) else {
                return true;
            };
            part.step(rows, &self.filter, self.sort, &mut self.inputs);
            if started.elapsed() >= budget {
                return self.is_done();
            }
        }
    }

    pub(super) fn is_done(&self) -> bool {
        self.parts.iter().all(|p| matches!(p, Part::Done(_)))
    }

    /// The finished folders and objects orders (empty if not done).
    pub(super) fn into_views(self) -> (Vec<u32>, Vec<u32>) {
        let [folders, objects] = self.parts;
        let done = |part: Part| match part {
            Part::Done(order) => order,
            _ => Vec::new(),
        };
        (done(folders), done(objects))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::s3::list::StorageClass;

    #[test]
    fn rows_checked_side_by_side_pass_in_their_own_order() {
        let rows: Vec<Row> = (0..50_003u32)
            .map(|i| Row {
                name: format!(
                    "part-{:05}.{}",
                    i * 7 % 50_003,
                    ["csv", "PARQUET"][i as usize % 2]
                )
                .into(),
                size: 0,
                modified: 0,
                class: StorageClass::Standard,
                is_folder: false,
            })
            .collect();
        // Not in row order, as a view sorted by a column is not.
        let chunk: Vec<u32> = (0..rows.len() as u32).rev().collect();
        for needle in ["parquet", "7", "part-0001", "nowhere", "PART"] {
            let filter = Filter::new(needle);
            let expected: Vec<u32> = chunk
                .iter()
                .copied()
                .filter(|&i| filter.matches(&rows[i as usize].name))
                .collect();
            for threads in [0, 1, 2, 3, 4, 7] {
                let mut kept = vec![u32::MAX];
                keep_passing_on(threads, &mut kept, &chunk, &rows, &filter);
                assert_eq!(kept[0], u32::MAX, "what was kept before stays first");
                assert_eq!(kept[1..], expected[..], "{needle:?} on {threads} threads");
            }
            let mut kept = Vec::new();
            keep_passing_on(3, &mut kept, &[], &rows, &filter);
            assert!(kept.is_empty());
        }
    }
}
