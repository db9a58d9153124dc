//! The memory a column sort works in, kept between sorts so a big folder's first sort finds
//! it already touched.

/// The buffers a column sort works in, 20 bytes a row: two of packed items, and one for the
/// list of rows it is given, which becomes its output. A big folder keeps them while it loads
/// and until its column orders are kept: memory touched for the first time costs the kernel a
/// page fault for every 4 KB (3 ms for a million rows' 8 MB here, where writing it again takes
/// 0.2 ms), so a sort made while or just after loading works in memory already touched, a
/// share of it at each page that arrived.
#[derive(Debug, Default)]
pub(super) struct SortBuffers {
    packed: Vec<u64>,
    spare: Vec<u64>,
    rows: Vec<u32>,
}

impl SortBuffers {
    /// Room for `items` in each, touched now.
    pub(super) fn grow_to(&mut self, items: usize) {
        grow(&mut self.packed, items);
        grow(&mut self.spare, items);
        grow(&mut self.rows, items);
    }

    /// Items each buffer of packed items holds room for.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.packed.len().min(self.spare.len())
    }

    /// Bytes held.
    pub(super) fn bytes(&self) -> usize {
        (self.packed.capacity() + self.spare.capacity()) * std::mem::size_of::<u64>()
            + self.rows.capacity() * std::mem::size_of::<u32>()
    }

    /// A copy of `rows`, in the buffer for rows if there is one.
    pub(super) fn copy_of(&mut self, rows: &[u32]) -> Vec<u32> {
        let mut copy = std::mem::take(&mut self.rows);
        copy.clear();
        copy.extend_from_slice(rows);
        copy
    }

    /// Keeps each of `other`'s buffers that holds more than the one kept.
    pub(super) fn keep_larger(&mut self, other: SortBuffers) {
        keep_larger(&mut self.packed, other.packed);
        keep_larger(&mut self.spare, other.spare);
        keep_larger(&mut self.rows, other.rows);
    }

    /// Keeps the memory of a list of rows no longer needed (a view replaced), for the next copy.
    pub(super) fn keep_rows(&mut self, rows: Vec<u32>) {
        keep_larger(&mut self.rows, rows);
    }

    pub(super) fn take_packed(&mut self, items: usize) -> Vec<u64> {
        let mut packed = std::mem::take(&mut self.packed);
        packed.resize(items, 0);
        packed
    }

    pub(super) fn take_spare(&mut self, items: usize) -> Vec<u64> {
        let mut spare = std::mem::take(&mut self.spare);
        spare.resize(items, 0);
        spare
    }

    pub(super) fn give_back(&mut self, packed: Vec<u64>, spare: Vec<u64>) {
        keep_larger(&mut self.packed, packed);
        keep_larger(&mut self.spare, spare);
    }
}

/// Grows `buffer` to `items`, touching the new part now; by an eighth at a time, not doubled:
/// it is held only while a folder loads.
fn grow<T: Copy + Default>(buffer: &mut Vec<T>, items: usize) {
    if buffer.len() < items {
        if buffer.capacity() < items {
            buffer.reserve_exact((items - buffer.len()).max(items / 8));
        }
        buffer.resize(items, T::default());
    }
}

fn keep_larger<T>(kept: &mut Vec<T>, other: Vec<T>) {
    if other.capacity() > kept.capacity() {
        *kept = other;
    }
}
