//! The rows of the folder on screen: what has been loaded, the sorted and filtered view of it
//! the table draws, and the selection. Built for a million rows: rows are small, the view is a
//! list of `u32` indices, and each arriving page is merged into the view rather than re-sorting
//! everything.

use std::cmp::Ordering;

use super::order::{merge_sorted, stable_sort_by_column};
use crate::s3::list::{FolderPage, StorageClass};

/// One row: a folder (common prefix) or an object. 40 bytes plus the name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Relative to the folder; folders end in `/`.
    pub name: Box<str>,
    pub size: u64,
    /// Seconds since the Unix epoch (0 for folders).
    pub modified: i64,
    pub class: StorageClass,
    pub is_folder: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortColumn {
    Name,
    Size,
    Modified,
    Class,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub column: SortColumn,
    pub ascending: bool,
}

impl Default for Sort {
    fn default() -> Self {
        Self {
            column: SortColumn::Name,
            ascending: true,
        }
    }
}

impl Sort {
    /// Clicking a column header: that column ascending, or the other direction if it already
    /// sorts by it.
    pub fn clicked(self, column: SortColumn) -> Self {
        if self.column == column {
            Self {
                column,
                ascending: !self.ascending,
            }
        } else {
            Self {
                column,
                ascending: true,
            }
        }
    }

    /// Order within one kind (folders or objects); ties fall back to the name.
    pub(super) fn compare(self, a: &Row, b: &Row) -> Ordering {
        let by_column = match self.column {
            SortColumn::Name => Ordering::Equal,
            SortColumn::Size => a.size.cmp(&b.size),
            SortColumn::Modified => a.modified.cmp(&b.modified),
            SortColumn::Class => a.class.cmp(&b.class),
        };
        let ordering = by_column.then_with(|| a.name.cmp(&b.name));
        if self.ascending {
            ordering
        } else {
            ordering.reverse()
        }
    }
}

/// A case-insensitive substring filter on names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Filter {
    needle: String,
}

impl Filter {
    fn new(text: &str) -> Self {
        Self {
            needle: text.trim().to_lowercase(),
        }
    }

    fn is_empty(&self) -> bool {
        self.needle.is_empty()
    }

    fn matches(&self, name: &str) -> bool {
        if self.needle.is_empty() {
            return true;
        }
        if self.needle.is_ascii() {
            // ASCII bytes never occur inside a multi-byte UTF-8 sequence, so a byte search is
            // exact here and needs no allocation. The needle's first byte, either case, is
            // found with memchr's vector search; only there is the rest compared.
            let needle = self.needle.as_bytes();
            let hay = name.as_bytes();
            let Some(last_start) = hay.len().checked_sub(needle.len()) else {
                return false;
            };
            let (first, rest) = (needle[0], &needle[1..]);
            memchr::memchr2_iter(first, first.to_ascii_uppercase(), &hay[..=last_start])
                .any(|at| hay[at + 1..at + needle.len()].eq_ignore_ascii_case(rest))
        } else {
            name.to_lowercase().contains(&self.needle)
        }
    }
}

/// The loaded rows of one folder and how they are shown.
#[derive(Debug, Default)]
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
}

impl Listing {
    pub fn clear(&mut self) {
        let sort = self.sort;
        let filter = std::mem::take(&mut self.filter);
        *self = Self {
            sort,
            filter,
            ..Self::default()
        };
    }

    /// Adds a page of results, keeping the view sorted and filtered.
    pub fn append(&mut self, page: FolderPage) {
        self.pages += 1;
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
            self.rows.push(Row {
                name: object.name,
                size: object.size,
                modified: object.last_modified,
                class: object.storage_class,
                is_folder: false,
            });
        }
        self.selected.resize(self.rows.len(), false);
        let by_name = Sort::default();
        // Rows are counted in u32: four billion rows would not fit in memory anyway.
        let all_folders = (first_new as u32..folders_end as u32).collect();
        let all_objects = (folders_end as u32..self.rows.len() as u32).collect();
        merge_sorted(&mut self.folders_by_name, all_folders, &self.rows, by_name);
        merge_sorted(&mut self.objects_by_name, all_objects, &self.rows, by_name);
        let (new_folders, new_objects) = self.visible_indices(first_new..self.rows.len());
        merge_sorted(&mut self.folder_view, new_folders, &self.rows, self.sort);
        merge_sorted(&mut self.object_view, new_objects, &self.rows, self.sort);
    }

    /// Indices in `range` that pass the filter, split into folders and objects.
    fn visible_indices(&self, range: std::ops::Range<usize>) -> (Vec<u32>, Vec<u32>) {
        let mut folders = Vec::new();
        let mut objects = Vec::new();
        for i in range {
            let row = &self.rows[i];
            if self.filter.matches(&row.name) {
                // Rows are counted in u32: four billion rows would not fit in memory anyway.
                let index = i as u32;
                if row.is_folder {
                    folders.push(index);
                } else {
                    objects.push(index);
                }
            }
        }
        (folders, objects)
    }

    /// The view again, after the sort or the filter changed, in time linear in the rows: the
    /// name order filtered, then (for another column) a stable radix sort by that column, so
    /// ties stay in name order; descending is the ascending order reversed.
    fn rebuild_view(&mut self) {
        let view = |by_name: &[u32], rows: &[Row], filter: &Filter, sort: Sort| {
            let mut shown: Vec<u32> = if filter.is_empty() {
                by_name.to_vec()
            } else {
                by_name
                    .iter()
                    .copied()
                    .filter(|&i| filter.matches(&rows[i as usize].name))
                    .collect()
            };
            stable_sort_by_column(&mut shown, rows, sort.column);
            if !sort.ascending {
                shown.reverse();
            }
            shown
        };
        self.folder_view = view(&self.folders_by_name, &self.rows, &self.filter, self.sort);
        self.object_view = view(&self.objects_by_name, &self.rows, &self.filter, self.sort);
        self.anchor = None;
    }

    pub fn sort(&self) -> Sort {
        self.sort
    }

    pub fn set_sort(&mut self, sort: Sort) {
        if sort != self.sort {
            self.sort = sort;
            self.rebuild_view();
        }
    }

    pub fn filter_text(&self) -> &str {
        &self.filter.needle
    }

    pub fn set_filter(&mut self, text: &str) {
        let filter = Filter::new(text);
        if filter != self.filter {
            self.filter = filter;
            self.rebuild_view();
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
