//! A new view of a listing (after the sort or the filter changed) built a step at a time, so
//! a million rows re-sort or re-filter across a few frames instead of stalling one. The view
//! on screen stays as it was until the new one is complete.

use std::time::{Duration, Instant};

use super::listing::{Filter, Row, Sort, SortColumn};
use super::order::ColumnSort;

/// Rows the filter checks before the caller may look at the clock again.
const FILTER_STEP: usize = 1 << 15;

/// The new view being built: its folders and its objects, each from a list of row indices.
pub(super) struct Rebuild {
    pub(super) sort: Sort,
    pub(super) filter: Filter,
    /// Rows that existed when it started; rows added since are merged in when it finishes.
    pub(super) rows_seen: usize,
    parts: [Part; 2],
}

/// How one half (folders or objects) goes from its source to its new order.
enum Part {
    Filter {
        source: Vec<u32>,
        next: usize,
        kept: Vec<u32>,
        /// The source is already in the new order (the view on screen, narrowed).
        in_order: bool,
    },
    Sort(ColumnSort),
    Done(Vec<u32>),
}

impl Part {
    fn new(source: Vec<u32>, filter: &Filter, in_order: bool, sort: Sort) -> Self {
        if filter.is_empty() {
            Self::sorted(source, in_order, sort)
        } else {
            Self::Filter {
                kept: Vec::new(),
                source,
                next: 0,
                in_order,
            }
        }
    }

    /// After filtering: `rows` in name order (or already in the new order) put in order.
    fn sorted(mut rows: Vec<u32>, in_order: bool, sort: Sort) -> Self {
        if in_order {
            return Self::Done(rows);
        }
        if sort.column == SortColumn::Name {
            if !sort.ascending {
                rows.reverse();
            }
            return Self::Done(rows);
        }
        Self::Sort(ColumnSort::new(rows, sort.column))
    }

    /// One bounded piece of work; `true` once done.
    fn step(&mut self, rows: &[Row], filter: &Filter, sort: Sort) -> bool {
        let part = std::mem::replace(self, Self::Done(Vec::new()));
        *self = match part {
            Self::Filter {
                source,
                next,
                mut kept,
                in_order,
            } => {
                let end = (next + FILTER_STEP).min(source.len());
                kept.extend(
                    source[next..end]
                        .iter()
                        .copied()
                        .filter(|&i| filter.matches(&rows[i as usize].name)),
                );
                if end < source.len() {
                    Self::Filter {
                        source,
                        next: end,
                        kept,
                        in_order,
                    }
                } else {
                    Self::sorted(kept, in_order, sort)
                }
            }
            Self::Sort(mut column_sort) => {
                if column_sort.step(rows) {
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

impl Rebuild {
    /// A view of `folders` and `objects` (row indices in name order; or, with `in_order`, the
    /// view on screen, which `filter` only narrows).
    pub(super) fn new(
        sort: Sort,
        filter: Filter,
        folders: Vec<u32>,
        objects: Vec<u32>,
        in_order: bool,
        rows_seen: usize,
    ) -> Self {
        let parts = [
            Part::new(folders, &filter, in_order, sort),
            Part::new(objects, &filter, in_order, sort),
        ];
        Self {
            sort,
            filter,
            rows_seen,
            parts,
        }
    }

    /// Works until done or until `budget` has passed (at least one step); `true` once done.
    pub(super) fn run(&mut self, rows: &[Row], budget: Duration) -> bool {
        let started = Instant::now();
        loop {
            let Some(part) = self.parts.iter_mut().find(|p| !matches!(p, Part::Done(_))) else {
                return true;
            };
            part.step(rows, &self.filter, self.sort);
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
