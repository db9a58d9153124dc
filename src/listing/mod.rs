//! The rows of the folder on screen: what has been loaded, the sorted and filtered view of it
//! the table draws, and the selection. Built for a million rows: rows are small, the view is a
//! list of `u32` indices, each arriving page is merged into the view rather than re-sorting
//! everything, and a new sort or filter is built a slice a frame ([`rebuild`]).

mod filter;
mod order;
mod rebuild;
mod row;
mod side_by_side;
mod sort_buffers;

use std::time::Duration;

use crate::s3::list::{FolderPage, StorageClass};
use filter::{Filter, visible_indices};
use order::{ColumnRanges, ColumnSort, merge_sorted};
use rebuild::{Rebuild, SourceOrder};
pub use row::{Row, Sort, SortColumn};
use sort_buffers::SortBuffers;

/// How long one frame may spend building a new view: half a 60 Hz frame, the rest left for
/// drawing.
pub(crate) const VIEW_SLICE: Duration = Duration::from_millis(8);

/// The loaded rows of one folder and how they are shown.
#[derive(Debug)]
pub struct Listing {
    rows: Vec<Row>,
    /// Visible folders, then visible objects: indices into `rows`, in display order.
    folder_view: Vec<u32>,
    object_view: Vec<u32>,
    folder_count: usize,
    object_count: usize,
    total_size: u64,
    sort: Sort,
    filter: Filter,
    /// Every folder and every object in name order, shown or not: what a sort by another
    /// column starts from (its ties stay in name order) and what the filter scans.
    folders_by_name: Vec<u32>,
    objects_by_name: Vec<u32>,
    selected: Vec<bool>,
    selected_count: usize,
    /// Where a Shift-click range starts (a view position).
    anchor: Option<usize>,
    pages: usize,
    /// The view for a new sort or filter, while it is being built; `sort` and `filter` above
    /// stay those of the view on screen until it is done.
    pending: Option<Rebuild>,
    /// The share of the frame that changed the sort or filter spent building its view.
    slice: Duration,
    /// Every object by size and by date, ascending, kept once the folder has loaded so a sort
    /// by them needs no sorting ([`Self::prepare_column_orders`]); dropped when rows arrive.
    objects_by_size: Option<Vec<u32>>,
    objects_by_modified: Option<Vec<u32>>,
    /// The column order being prepared, a slice a frame.
    preparing: Option<(SortColumn, ColumnSort)>,
    /// The range of each column's values among the objects, for the column sort.
    ranges: ColumnRanges,
    /// The view changed in this frame: the next frame draws it before any other work.
    view_is_new: bool,
    /// Warm buffers for the column sort while a big folder loads and until its column orders
    /// are kept ([`SortBuffers`]); empty while a sort has them, and after.
    sort_buffers: SortBuffers,
}

/// Folders of fewer objects sort in well under a frame: no column orders are kept for them.
pub(crate) const KEEP_ORDERS_FROM: usize = 50_000;

impl Default for Listing {
    fn default() -> Self {
        Self {
            rows: Vec::new(),
            folder_view: Vec::new(),
            object_view: Vec::new(),
            folder_count: 0,
            object_count: 0,
            total_size: 0,
            sort: Sort::default(),
            filter: Filter::default(),
            folders_by_name: Vec::new(),
            objects_by_name: Vec::new(),
            selected: Vec::new(),
            selected_count: 0,
            anchor: None,
            pages: 0,
            pending: None,
            slice: VIEW_SLICE,
            objects_by_size: None,
            objects_by_modified: None,
            preparing: None,
            ranges: ColumnRanges::default(),
            sort_buffers: SortBuffers::default(),
            view_is_new: false,
        }
    }
}

impl Listing {
    pub fn clear(&mut self) {
        let sort = self.sort();
        let filter = self.wanted_filter().clone();
        *self = Self {
            sort,
            filter,
            slice: self.slice,
            ..Self::default()
        };
    }

    /// Adds a page of results, keeping the view sorted and filtered.
    pub fn append(&mut self, page: FolderPage) {
        self.pages += 1;
        // Kept column orders do not know the new rows.
        self.objects_by_size = None;
        self.objects_by_modified = None;
        if let Some((_, sort)) = self.preparing.take() {
            self.give_back(sort.abandon());
        }
        let first_new = self.rows.len();
        self.rows.reserve(page.folders.len() + page.objects.len());
        for name in page.folders {
            self.rows.push(Row {
                name,
                size: 0,
                modified: 0,
                class: StorageClass::Standard,
                is_folder: true,
            });
        }
        let folders_end = self.rows.len();
        self.folder_count += folders_end - first_new;
        for object in page.objects {
            self.total_size = self.total_size.saturating_add(object.size);
            self.object_count += 1;
            let row = Row {
                name: object.name,
                size: object.size,
                modified: object.last_modified,
                class: object.storage_class,
                is_folder: false,
            };
            self.ranges.include(&row);
            self.rows.push(row);
        }
        self.selected.resize(self.rows.len(), false);
        let by_name = Sort::default();
        // Rows are counted in u32: four billion rows would not fit in memory anyway.
        let all_folders = (first_new as u32..folders_end as u32).collect();
        let all_objects = (folders_end as u32..self.rows.len() as u32).collect();
        merge_sorted(&mut self.folders_by_name, all_folders, &self.rows, by_name);
        merge_sorted(&mut self.objects_by_name, all_objects, &self.rows, by_name);
        let (new_folders, new_objects) =
            visible_indices(&self.rows, &self.filter, first_new..self.rows.len());
        merge_sorted(&mut self.folder_view, new_folders, &self.rows, self.sort);
        merge_sorted(&mut self.object_view, new_objects, &self.rows, self.sort);
        // Touched a page at a time now, so the first sort of the whole folder finds them warm;
        // not while a sort has them (they come back when it is done).
        let sort_has_them = self.pending.is_some();
        if self.wants_sort_buffers() && !sort_has_them {
            self.sort_buffers.grow_to(self.object_count);
        }
    }

    /// A big folder keeps warm buffers for the column sort until its column orders are kept.
    fn wants_sort_buffers(&self) -> bool {
        self.object_count >= KEEP_ORDERS_FROM && !self.column_orders_kept()
    }

    /// Takes back buffers a column sort is done with, if still wanted and bigger than those
    /// kept meanwhile.
    fn give_back(&mut self, buffers: SortBuffers) {
        if self.wants_sort_buffers() {
            self.sort_buffers.keep_larger(buffers);
        }
    }

    /// The filter the view is heading for (the one being built, or the one on screen).
    fn wanted_filter(&self) -> &Filter {
        self.pending.as_ref().map_or(&self.filter, |p| &p.filter)
    }

    /// The sort chosen last (its view may still be being built).
    pub fn sort(&self) -> Sort {
        self.pending.as_ref().map_or(self.sort, |p| p.sort)
    }

    pub fn set_sort(&mut self, sort: Sort) {
        if sort == self.sort() {
            return;
        }
        let filter = self.wanted_filter().clone();
        if self.pending.is_none() && sort.column == self.sort.column && filter == self.filter {
            // The other direction of the same column is the view reversed: descending is
            // defined as the ascending order backwards, ties included.
            self.folder_view.reverse();
            self.object_view.reverse();
            self.sort = sort;
            self.anchor = None;
            self.view_is_new = true;
            return;
        }
        self.start_rebuild(sort, filter);
    }

    /// Starts building the view for `sort` and `filter`, and does a frame's share of it.
    fn start_rebuild(&mut self, sort: Sort, filter: Filter) {
        let started = std::time::Instant::now();
        if let Some(mut replaced) = self.pending.take() {
            self.give_back(replaced.take_buffers());
        }
        if sort == self.sort && filter == self.filter {
            return;
        }
        // Typing on in the filter box only narrows what is shown, already in order; but rows
        // shown in another column's order are scattered in memory, so where many are shown
        // the rows are read in name order instead.
        let scattered = sort.column != SortColumn::Name && self.view_len() > self.rows.len() / 16;
        let narrowing = sort == self.sort && filter.narrows(&self.filter) && !scattered;
        // A sort of every object by the column whose order is being prepared goes on with that
        // work instead of starting over.
        let under_way = match &self.preparing {
            Some((column, _)) if !narrowing && filter.is_empty() && *column == sort.column => {
                self.preparing.take().map(|(_, under_way)| under_way)
            }
            _ => None,
        };
        let (folders, objects, by_column) = if narrowing {
            (
                (self.folder_view.clone(), SourceOrder::Final),
                (self.object_view.clone(), SourceOrder::Final),
                None,
            )
        } else {
            // Folders have no size, date or class: by any column they stay in name order.
            let folders = if sort.column == SortColumn::Name {
                SourceOrder::ByName
            } else {
                SourceOrder::ColumnAscending
            };
            // Copied only here: typing on in the filter box needs no column order.
            match self.kept_order(sort.column).cloned() {
                Some(order) if filter.is_empty() => (
                    (self.folders_by_name.clone(), folders),
                    (order, SourceOrder::ColumnAscending),
                    None,
                ),
                _ if under_way.is_some() => (
                    (self.folders_by_name.clone(), folders),
                    (Vec::new(), SourceOrder::Final),
                    None,
                ),
                kept => (
                    (self.folders_by_name.clone(), folders),
                    (
                        self.sort_buffers.copy_of(&self.objects_by_name),
                        SourceOrder::ByName,
                    ),
                    kept,
                ),
            }
        };
        if !narrowing && sort.column != SortColumn::Name && self.kept_order(sort.column).is_none() {
            // A column sort from scratch comes first: the column orders being prepared start
            // over after it, and it works in their buffers.
            if let Some((_, preparing)) = self.preparing.take() {
                self.give_back(preparing.abandon());
            }
        }
        let mut rebuild = Rebuild::new(
            sort,
            filter,
            folders,
            objects,
            by_column,
            self.rows.len(),
            self.ranges,
        );
        if let Some(under_way) = under_way {
            rebuild = rebuild.with_objects_sorted_by(under_way);
        }
        self.pending = Some(rebuild.with_buffers(std::mem::take(&mut self.sort_buffers)));
        // Setting out (copying a million indices) is part of the frame's share.
        self.continue_rebuild(self.slice.saturating_sub(started.elapsed()));
    }

    /// Goes on building a new view for up to `budget`; `true` while it is not done (call
    /// again next frame). The view on screen changes only once the new one is complete.
    pub fn continue_rebuild(&mut self, budget: Duration) -> bool {
        let Some(job) = self.pending.as_mut() else {
            return false;
        };
        if !job.run(&self.rows, budget) {
            return true;
        }
        let Some(mut job) = self.pending.take() else {
            return false;
        };
        self.give_back(job.take_buffers());
        let (sort, filter, rows_seen) = (job.sort, job.filter.clone(), job.rows_seen);
        let (mut folders, mut objects) = job.into_views();
        // Rows that arrived while it was being built.
        let (new_folders, new_objects) =
            visible_indices(&self.rows, &filter, rows_seen..self.rows.len());
        merge_sorted(&mut folders, new_folders, &self.rows, sort);
        merge_sorted(&mut objects, new_objects, &self.rows, sort);
        self.folder_view = folders;
        let replaced = std::mem::replace(&mut self.object_view, objects);
        if self.wants_sort_buffers() {
            self.sort_buffers.keep_rows(replaced);
        }
        self.sort = sort;
        self.filter = filter;
        self.anchor = None;
        self.view_is_new = true;
        false
    }

    /// A new sort or filter is still being built.
    pub fn is_rebuilding(&self) -> bool {
        self.pending.is_some()
    }

    /// The orders by size and by date are ready (see [`Self::prepare_column_orders`]).
    pub fn column_orders_kept(&self) -> bool {
        self.objects_by_size.is_some() && self.objects_by_modified.is_some()
    }

    /// A frame's work on this listing's views: for up to `budget`, the new view if one is
    /// being built, or else (once loaded) the kept column orders, never both, so a frame
    /// does at most one slice. `true` while there may be more for a later frame.
    pub fn work_on_views(&mut self, loading: bool, budget: Duration) -> bool {
        if self.pending.is_some() {
            if !budget.is_zero() {
                self.continue_rebuild(budget);
            }
            // Finished or not, the column orders may be next: they wait for a frame of their own.
            return true;
        }
        // The frame after a new view draws it at once; the orders wait for the next.
        let view_is_new = std::mem::take(&mut self.view_is_new);
        if loading {
            return false;
        }
        if budget.is_zero() || view_is_new {
            return self.object_count >= KEEP_ORDERS_FROM && !self.column_orders_kept();
        }
        self.prepare_column_orders(budget)
    }

    /// Every object in `column`'s ascending order, if kept.
    fn kept_order(&self, column: SortColumn) -> Option<&Vec<u32>> {
        match column {
            SortColumn::Size => self.objects_by_size.as_ref(),
            SortColumn::Modified => self.objects_by_modified.as_ref(),
            SortColumn::Name | SortColumn::Class => None,
        }
    }

    /// Once a big folder has loaded: works for up to `budget` on the orders by size and by
    /// date (8 bytes a row), so that sorting by either later is a copy, not a sort. `true`
    /// while there is more to do (call again next frame).
    pub fn prepare_column_orders(&mut self, budget: Duration) -> bool {
        if self.object_count < KEEP_ORDERS_FROM || self.pending.is_some() {
            return false;
        }
        let started = std::time::Instant::now();
        loop {
            if self.preparing.is_none() {
                let column = if self.objects_by_size.is_none() {
                    SortColumn::Size
                } else if self.objects_by_modified.is_none() {
                    SortColumn::Modified
                } else {
                    return false;
                };
                let range = self.ranges.of(column);
                let rows = self.sort_buffers.copy_of(&self.objects_by_name);
                let mut sort = ColumnSort::new(rows, column, range);
                sort.lend(std::mem::take(&mut self.sort_buffers));
                self.preparing = Some((column, sort));
            }
            let Some((column, sort)) = self.preparing.as_mut() else {
                return false;
            };
            if sort.step(&self.rows) {
                let column = *column;
                if let Some((_, mut sort)) = self.preparing.take() {
                    let buffers = sort.take_buffers();
                    let order = Some(sort.into_order());
                    match column {
                        SortColumn::Size => self.objects_by_size = order,
                        _ => self.objects_by_modified = order,
                    }
                    // Dropped once both orders are kept.
                    self.give_back(buffers);
                    if !self.wants_sort_buffers() {
                        self.sort_buffers = SortBuffers::default();
                    }
                }
            }
            if started.elapsed() >= budget {
                return true;
            }
        }
    }

    /// The filter chosen last, as the listing matches it (its view may still be being built).
    pub fn filter_text(&self) -> &str {
        self.wanted_filter().needle()
    }

    pub fn set_filter(&mut self, text: &str) {
        let filter = Filter::new(text);
        if &filter != self.wanted_filter() {
            self.start_rebuild(self.sort(), filter);
        }
    }

    pub fn is_filtered(&self) -> bool {
        !self.filter.is_empty()
    }

    /// Rows shown (after the filter).
    pub fn view_len(&self) -> usize {
        self.folder_view.len() + self.object_view.len()
    }

    /// The index in `rows` of the row shown at `position`.
    fn row_index(&self, position: usize) -> Option<usize> {
        let folders = self.folder_view.len();
        let index = if position < folders {
            self.folder_view[position]
        } else {
            *self.object_view.get(position - folders)?
        };
        Some(index as usize)
    }

    /// The row shown at `position` in the table.
    pub fn row_at(&self, position: usize) -> Option<&Row> {
        self.row_index(position).map(|i| &self.rows[i])
    }

    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// Pages received so far.
    pub fn pages(&self) -> usize {
        self.pages
    }

    pub fn folder_count(&self) -> usize {
        self.folder_count
    }

    pub fn object_count(&self) -> usize {
        self.object_count
    }

    /// Total size of the loaded objects, in bytes.
    pub fn total_size(&self) -> u64 {
        self.total_size
    }

    pub fn is_selected_at(&self, position: usize) -> bool {
        self.row_index(position).is_some_and(|i| self.selected[i])
    }

    pub fn selected_count(&self) -> usize {
        self.selected_count
    }

    /// The selected rows, in display order.
    pub fn selected_rows(&self) -> Vec<&Row> {
        (0..self.view_len())
            .filter_map(|p| self.row_index(p))
            .filter(|&i| self.selected[i])
            .map(|i| &self.rows[i])
            .collect()
    }

    fn set_selected(&mut self, index: usize, selected: bool) {
        if self.selected[index] != selected {
            self.selected[index] = selected;
            if selected {
                self.selected_count += 1;
            } else {
                self.selected_count -= 1;
            }
        }
    }

    /// The selection as full keys under `prefix` (the folder shown): objects with their
    /// sizes, and folders as prefixes.
    pub fn selected_keys(&self, prefix: &str) -> (Vec<(String, u64)>, Vec<String>) {
        let mut keys = Vec::new();
        let mut prefixes = Vec::new();
        for row in self.selected_rows() {
            let full = format!("{prefix}{}", row.name);
            if row.is_folder {
                prefixes.push(full);
            } else {
                keys.push((full, row.size));
            }
        }
        (keys, prefixes)
    }

    pub fn clear_selection(&mut self) {
        self.selected.iter_mut().for_each(|s| *s = false);
        self.selected_count = 0;
        self.anchor = None;
    }

    /// Ctrl+A: every shown row.
    pub fn select_all(&mut self) {
        self.clear_selection();
        for p in 0..self.view_len() {
            if let Some(i) = self.row_index(p) {
                self.selected[i] = true;
            }
        }
        self.selected_count = self.view_len();
    }

    /// A click on the row at `position`: alone, with Ctrl (toggle), or with Shift (range from
    /// the last plain or Ctrl click).
    pub fn click(&mut self, position: usize, ctrl: bool, shift: bool) {
        let Some(index) = self.row_index(position) else {
            return;
        };
        match (shift, self.anchor) {
            (true, Some(anchor)) => {
                if !ctrl {
                    self.clear_selection();
                }
                let (from, to) = (anchor.min(position), anchor.max(position));
                for p in from..=to {
                    if let Some(i) = self.row_index(p) {
                        self.set_selected(i, true);
                    }
                }
                self.anchor = Some(anchor);
            }
            _ if ctrl => {
                let now = !self.selected[index];
                self.set_selected(index, now);
                self.anchor = Some(position);
            }
            _ => {
                self.clear_selection();
                self.set_selected(index, true);
                self.anchor = Some(position);
            }
        }
    }

    /// The view position of the row called `name`, if shown.
    pub fn position_of(&self, name: &str) -> Option<usize> {
        (0..self.view_len()).find(|&p| self.row_at(p).is_some_and(|r| &*r.name == name))
    }

    /// Bytes used by the rows, the view and the selection, names excluded.
    pub fn overhead_bytes(&self) -> usize {
        self.rows.capacity() * std::mem::size_of::<Row>()
            + (self.folder_view.capacity() + self.object_view.capacity()) * 4
            + (self.folders_by_name.capacity() + self.objects_by_name.capacity()) * 4
            + self.selected.capacity()
            + [&self.objects_by_size, &self.objects_by_modified]
                .into_iter()
                .flatten()
                .map(|order| order.capacity() * 4)
                .sum::<usize>()
            + self.sort_buffers.bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::s3::list::ObjectEntry;

    fn object(name: &str, size: u64, modified: i64) -> ObjectEntry {
        ObjectEntry {
            name: name.into(),
            size,
            last_modified: modified,
            storage_class: StorageClass::Standard,
        }
    }

    fn page(folders: &[&str], objects: &[(&str, u64, i64)]) -> FolderPage {
        FolderPage {
            folders: folders.iter().map(|f| (*f).into()).collect(),
            objects: objects.iter().map(|(n, s, m)| object(n, *s, *m)).collect(),
            next_token: None,
        }
    }

    fn names(listing: &Listing) -> Vec<&str> {
        (0..listing.view_len())
            .map(|p| &*listing.row_at(p).unwrap().name)
            .collect()
    }

    #[test]
    fn row_stays_small() {
        assert_eq!(std::mem::size_of::<Row>(), 40);
    }

    #[test]
    fn folders_come_first_and_pages_append() {
        let mut listing = Listing::default();
        listing.append(page(&["a/", "m/"], &[("b.txt", 10, 1), ("c.txt", 20, 2)]));
        listing.append(page(&["n/"], &[("d.txt", 5, 3)]));
        assert_eq!(
            names(&listing),
            ["a/", "m/", "n/", "b.txt", "c.txt", "d.txt"]
        );
        assert_eq!(listing.folder_count(), 3);
        assert_eq!(listing.object_count(), 3);
        assert_eq!(listing.total_size(), 35);
    }

    #[test]
    fn sorting_by_each_column_and_reversing() {
        let mut listing = Listing::default();
        listing.append(page(
            &["dir/"],
            &[("b", 30, 100), ("a", 10, 300), ("c", 20, 200)],
        ));
        let by_size = Sort::default().clicked(SortColumn::Size);
        listing.set_sort(by_size);
        assert_eq!(names(&listing), ["dir/", "a", "c", "b"]);
        listing.set_sort(by_size.clicked(SortColumn::Size));
        assert_eq!(names(&listing), ["dir/", "b", "c", "a"]);
        listing.set_sort(Sort {
            column: SortColumn::Modified,
            ascending: true,
        });
        assert_eq!(names(&listing), ["dir/", "b", "c", "a"]);
        listing.set_sort(Sort {
            column: SortColumn::Name,
            ascending: false,
        });
        assert_eq!(names(&listing), ["dir/", "c", "b", "a"]);
    }

    #[test]
    fn pages_merge_into_a_non_name_sort() {
        let mut listing = Listing::default();
        listing.set_sort(Sort {
            column: SortColumn::Size,
            ascending: true,
        });
        listing.append(page(&[], &[("a", 30, 0), ("b", 10, 0)]));
        listing.append(page(&[], &[("c", 20, 0), ("d", 5, 0)]));
        assert_eq!(names(&listing), ["d", "b", "c", "a"]);
    }

    #[test]
    fn filter_is_case_insensitive_and_applies_to_new_pages() {
        let mut listing = Listing::default();
        listing.append(page(
            &["Reports/"],
            &[("report.PDF", 1, 0), ("photo.jpg", 1, 0)],
        ));
        listing.set_filter("REPORT");
        assert_eq!(names(&listing), ["Reports/", "report.PDF"]);
        listing.append(page(&[], &[("q3 report.pdf", 1, 0), ("other.txt", 1, 0)]));
        assert_eq!(names(&listing), ["Reports/", "q3 report.pdf", "report.PDF"]);
        listing.set_filter("ÜBER");
        listing.append(page(&[], &[("über.txt", 1, 0)]));
        assert_eq!(names(&listing), ["über.txt"]);
        listing.set_filter("");
        assert_eq!(listing.view_len(), 6);
    }

    #[test]
    fn the_filter_finds_a_needle_wherever_its_rarest_byte_is() {
        let names = [
            "part-0000042.parquet",
            "Q3 Report.PDF",
            "x",
            "qq",
            "aq",
            "zzz-quiz.txt",
            "über-quartal.csv",
            "",
            "PARQUET",
        ];
        for needle in [
            "q", "parquet", "quiz", "Q3 r", "t-q", "zz", "aq", "arq", "über", "-0000", "x",
        ] {
            let filter = Filter::new(needle);
            for name in names {
                let naive = name.to_lowercase().contains(&needle.to_lowercase());
                assert_eq!(filter.matches(name), naive, "{needle:?} in {name:?}");
            }
        }
    }

    #[test]
    fn clicks_select_one_toggle_and_range() {
        let mut listing = Listing::default();
        listing.append(page(
            &[],
            &[("a", 1, 0), ("b", 1, 0), ("c", 1, 0), ("d", 1, 0)],
        ));
        listing.click(1, false, false);
        assert_eq!(listing.selected_count(), 1);
        listing.click(3, false, true);
        let selected: Vec<&str> = listing.selected_rows().iter().map(|r| &*r.name).collect();
        assert_eq!(selected, ["b", "c", "d"]);
        listing.click(2, true, false);
        let selected: Vec<&str> = listing.selected_rows().iter().map(|r| &*r.name).collect();
        assert_eq!(selected, ["b", "d"]);
        listing.click(0, false, false);
        assert_eq!(listing.selected_count(), 1);
        listing.select_all();
        assert_eq!(listing.selected_count(), 4);
        assert!(listing.is_selected_at(2));
    }

    #[test]
    fn select_all_takes_only_filtered_rows() {
        let mut listing = Listing::default();
        listing.append(page(
            &[],
            &[("keep-1", 1, 0), ("drop", 1, 0), ("keep-2", 1, 0)],
        ));
        listing.set_filter("keep");
        listing.select_all();
        assert_eq!(listing.selected_count(), 2);
    }

    /// The view a listing should show, computed the slow, obvious way.
    fn expected(listing: &Listing, sort: Sort, needle: &str) -> Vec<Box<str>> {
        let filter = Filter::new(needle);
        let mut shown: Vec<&Row> = listing
            .rows()
            .iter()
            .filter(|r| filter.matches(&r.name))
            .collect();
        shown.sort_by(|a, b| {
            b.is_folder
                .cmp(&a.is_folder)
                .then_with(|| sort.compare(a, b))
        });
        shown.into_iter().map(|r| r.name.clone()).collect()
    }

    fn shown(listing: &Listing) -> Vec<Box<str>> {
        names(listing).into_iter().map(Box::from).collect()
    }

    /// Rows with sizes and dates all over the place, ties included.
    fn big_page(from: u64, count: u64) -> FolderPage {
        let mut seed = 0x9E37_79B9_7F4A_7C15u64 ^ from;
        let objects = (from..from + count)
            .map(|i| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let size = match i % 5 {
                    0 => seed % 100,
                    1 => seed % 6_000_000_000,
                    _ => seed % 70_000_000,
                };
                object(
                    &format!("obj-{i:07}"),
                    size,
                    1_700_000_000 + (seed % 5_000) as i64,
                )
            })
            .collect();
        FolderPage {
            folders: vec![format!("dir-{from:07}/").into()],
            objects,
            next_token: None,
        }
    }

    #[test]
    fn a_big_sort_is_built_a_slice_at_a_time_and_shown_only_when_complete() {
        let mut listing = Listing {
            slice: Duration::ZERO,
            ..Listing::default()
        };
        for page in 0..4 {
            listing.append(big_page(page * 50_000, 50_000));
        }
        let before = shown(&listing);
        let by_size = Sort {
            column: SortColumn::Size,
            ascending: false,
        };
        listing.set_sort(by_size);
        assert!(listing.is_rebuilding());
        assert_eq!(
            listing.sort(),
            by_size,
            "the header shows the choice at once"
        );
        assert_eq!(
            shown(&listing),
            before,
            "the old view stays until the new is done"
        );
        // A page arriving meanwhile lands in the view on screen and in the new one.
        listing.append(big_page(200_000, 1_000));
        let mut slices = 1;
        while listing.continue_rebuild(Duration::ZERO) {
            slices += 1;
        }
        assert!(slices > 5, "{slices}");
        assert_eq!(shown(&listing), expected(&listing, by_size, ""));

        // The other direction is the same view reversed, at once.
        let ascending = by_size.clicked(SortColumn::Size);
        listing.set_sort(ascending);
        assert!(!listing.is_rebuilding());
        assert_eq!(shown(&listing), expected(&listing, ascending, ""));
    }

    #[test]
    fn typing_on_in_the_filter_narrows_the_view_and_a_change_of_mind_midway_wins() {
        let mut listing = Listing {
            slice: Duration::ZERO,
            ..Listing::default()
        };
        for page in 0..3 {
            listing.append(big_page(page * 50_000, 50_000));
        }
        let by_modified = Sort {
            column: SortColumn::Modified,
            ascending: true,
        };
        listing.set_sort(by_modified);
        while listing.continue_rebuild(Duration::ZERO) {}
        for needle in ["7", "77", "077", "0-0", "OBJ-01", "dir"] {
            listing.set_filter(needle);
            assert_eq!(listing.filter_text(), needle.to_lowercase());
            while listing.continue_rebuild(Duration::ZERO) {}
            assert_eq!(
                shown(&listing),
                expected(&listing, by_modified, needle),
                "{needle}"
            );
        }
        // Sort and filter changed again before the first change is shown.
        let by_name_down = Sort {
            column: SortColumn::Name,
            ascending: false,
        };
        listing.set_filter("1");
        listing.continue_rebuild(Duration::ZERO);
        listing.set_sort(by_name_down);
        listing.set_filter("12");
        while listing.continue_rebuild(Duration::ZERO) {}
        assert_eq!(shown(&listing), expected(&listing, by_name_down, "12"));
        // Back to what is on screen: nothing to build.
        listing.set_filter("1");
        listing.set_filter("12");
        assert!(!listing.is_rebuilding());
    }

    #[test]
    fn a_frame_that_finishes_a_sort_leaves_the_kept_orders_to_the_next_one() {
        let mut listing = Listing {
            slice: Duration::ZERO,
            ..Listing::default()
        };
        listing.append(big_page(0, 60_000));
        let by_size = Sort {
            column: SortColumn::Size,
            ascending: true,
        };
        listing.set_sort(by_size);
        assert!(listing.is_rebuilding());
        // No time left in this frame: nothing is done, and another frame is asked for.
        assert!(listing.work_on_views(false, Duration::ZERO));
        assert!(listing.is_rebuilding());
        // A frame with time enough finishes the sort and stops there.
        assert!(listing.work_on_views(false, Duration::from_secs(60)));
        assert!(!listing.is_rebuilding());
        assert!(listing.preparing.is_none() && listing.objects_by_size.is_none());
        assert_eq!(shown(&listing), expected(&listing, by_size, ""));
        // The next frame draws the new view with no other work first.
        assert!(listing.work_on_views(false, Duration::from_secs(60)));
        assert!(listing.preparing.is_none() && listing.objects_by_size.is_none());
        // The frames after prepare the orders; with no time left, they are still asked for.
        assert!(listing.work_on_views(false, Duration::ZERO));
        assert!(listing.preparing.is_none());
        while listing.work_on_views(false, Duration::from_millis(1)) {}
        assert!(listing.column_orders_kept());
        assert!(!listing.work_on_views(false, Duration::ZERO));
        // While loading, the orders wait.
        listing.append(big_page(60_000, 10));
        assert!(!listing.work_on_views(true, Duration::from_secs(60)));
        assert!(!listing.column_orders_kept());
    }

    #[test]
    fn orders_kept_after_loading_give_the_same_views_at_once_until_rows_arrive() {
        let mut listing = Listing {
            slice: Duration::ZERO,
            ..Listing::default()
        };
        for page in 0..2 {
            listing.append(big_page(page * 40_000, 40_000));
        }
        let mut slices = 0;
        while listing.prepare_column_orders(Duration::ZERO) {
            slices += 1;
        }
        assert!(slices > 4, "{slices}");
        assert!(listing.objects_by_size.is_some() && listing.objects_by_modified.is_some());
        for (column, ascending, needle) in [
            (SortColumn::Size, false, ""),
            (SortColumn::Modified, true, ""),
            (SortColumn::Size, true, "7"),
            (SortColumn::Modified, false, "obj-001"),
        ] {
            let sort = Sort { column, ascending };
            listing.set_filter("");
            while listing.continue_rebuild(Duration::ZERO) {}
            listing.set_sort(sort);
            if needle.is_empty() {
                assert!(!listing.is_rebuilding(), "a kept order needs no sorting");
            }
            listing.set_filter(needle);
            while listing.continue_rebuild(Duration::ZERO) {}
            assert_eq!(
                shown(&listing),
                expected(&listing, sort, needle),
                "{sort:?} {needle}"
            );
        }
        // New rows: the kept orders go, and sorting is right without them.
        listing.append(big_page(80_000, 500));
        assert!(listing.objects_by_size.is_none());
        listing.set_filter("");
        let by_size = Sort {
            column: SortColumn::Size,
            ascending: true,
        };
        listing.set_sort(Sort::default());
        listing.set_sort(by_size);
        while listing.continue_rebuild(Duration::ZERO) {}
        assert_eq!(shown(&listing), expected(&listing, by_size, ""));
        // Small folders keep nothing.
        let mut small = Listing::default();
        small.append(big_page(0, 1_000));
        assert!(!small.prepare_column_orders(VIEW_SLICE));
        assert!(small.objects_by_size.is_none());
    }

    #[test]
    fn a_big_folder_sorts_in_buffers_touched_as_it_loaded_and_goes_on_with_an_order_under_way() {
        let mut listing = Listing {
            slice: Duration::ZERO,
            ..Listing::default()
        };
        listing.append(big_page(0, 30_000));
        assert_eq!(
            listing.sort_buffers.len(),
            0,
            "a folder this small needs none"
        );
        listing.append(big_page(30_000, 30_000));
        assert!(
            listing.sort_buffers.len() >= 60_000,
            "touched as rows arrive"
        );

        // A sort while loading works in them, rows arriving meanwhile, and gives them back.
        let largest_first = Sort {
            column: SortColumn::Size,
            ascending: false,
        };
        listing.set_sort(largest_first);
        assert!(listing.is_rebuilding());
        assert_eq!(listing.sort_buffers.len(), 0, "lent to the sort");
        listing.append(big_page(60_000, 5_000));
        assert_eq!(listing.sort_buffers.len(), 0, "none touched while lent");
        while listing.continue_rebuild(Duration::ZERO) {}
        assert_eq!(shown(&listing), expected(&listing, largest_first, ""));
        assert!(listing.sort_buffers.len() >= 60_000, "given back");

        // Loaded: the order by size is being prepared when a sort by size comes, which goes
        // on with that work, in fewer steps than from scratch.
        let steps_to = |listing: &mut Listing, sort: Sort| {
            listing.set_sort(Sort::default());
            while listing.continue_rebuild(Duration::ZERO) {}
            listing.set_sort(sort);
            let mut steps = 1;
            while listing.continue_rebuild(Duration::ZERO) {
                steps += 1;
            }
            assert_eq!(shown(listing), expected(listing, sort, ""));
            steps
        };
        let smallest_first = Sort {
            column: SortColumn::Size,
            ascending: true,
        };
        let from_scratch = steps_to(&mut listing, smallest_first);
        listing.set_sort(Sort::default());
        assert!(listing.prepare_column_orders(Duration::ZERO));
        assert!(matches!(listing.preparing, Some((SortColumn::Size, _))));
        let taken_over = steps_to(&mut listing, smallest_first);
        assert!(listing.preparing.is_none());
        assert!(
            taken_over < from_scratch,
            "{taken_over} against {from_scratch}"
        );

        // A sort by another column gives up the order being prepared for its buffers; the
        // orders are prepared after it all the same.
        assert!(listing.prepare_column_orders(Duration::ZERO));
        assert!(listing.preparing.is_some());
        let by_date = Sort {
            column: SortColumn::Modified,
            ascending: false,
        };
        listing.set_sort(by_date);
        assert!(listing.is_rebuilding());
        assert!(listing.preparing.is_none() && listing.sort_buffers.len() == 0);
        while listing.continue_rebuild(Duration::ZERO) {}
        assert_eq!(shown(&listing), expected(&listing, by_date, ""));
        while listing.prepare_column_orders(Duration::ZERO) {}
        assert!(listing.column_orders_kept());
        assert_eq!(
            listing.sort_buffers.bytes(),
            0,
            "let go once the orders are kept"
        );
        for column in [SortColumn::Size, SortColumn::Modified] {
            let sort = Sort {
                column,
                ascending: true,
            };
            listing.set_sort(sort);
            assert!(!listing.is_rebuilding());
            assert_eq!(shown(&listing), expected(&listing, sort, ""));
        }
    }

    #[test]
    fn clear_keeps_sort_and_filter() {
        let mut listing = Listing::default();
        listing.set_sort(Sort {
            column: SortColumn::Size,
            ascending: false,
        });
        listing.set_filter("x");
        listing.append(page(&[], &[("x1", 1, 0)]));
        listing.clear();
        assert_eq!(listing.view_len(), 0);
        assert_eq!(listing.sort().column, SortColumn::Size);
        assert_eq!(listing.filter_text(), "x");
    }
}
