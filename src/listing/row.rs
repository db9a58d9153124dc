//! One row of a listing (a folder or an object, kept small for a million of them) and the
//! sort the table asks for: a column and a direction.

use std::cmp::Ordering;

use crate::s3::list::StorageClass;

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
