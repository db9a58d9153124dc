//! What Delete, New folder, Rename and Properties keep while the worker runs them
//! ([`FileOps`]): a leaf the window's state holds, so that the answer finds where its request
//! came from.

use crate::app::shared::{ActivePane, Pending};
use crate::worker::RequestId;

/// The file operations' requests in flight, with what their answers need.
#[derive(Debug, Default)]
pub(crate) struct FileOps {
    /// The rename in flight and the pane it is in (to ask there if it would replace).
    renaming: Pending<ActivePane>,
}

impl FileOps {
    /// Rename `id` runs in `pane`'s bucket; an earlier one's answer no longer finds its pane.
    pub(crate) fn rename_started(&mut self, id: RequestId, pane: ActivePane) {
        self.renaming.start_with(id, pane);
    }

    /// The pane rename `id` runs in, if it is the rename waited for (which then is no longer).
    pub(crate) fn renamed(&mut self, id: RequestId) -> Option<ActivePane> {
        self.renaming.take_answer(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_renames_answer_finds_its_pane_once_and_an_earlier_ones_does_not() {
        let mut ops = FileOps::default();
        ops.rename_started(RequestId(1), ActivePane::Explorer);
        ops.rename_started(RequestId(2), ActivePane::Second);
        assert_eq!(ops.renamed(RequestId(1)), None);
        assert_eq!(ops.renamed(RequestId(2)), Some(ActivePane::Second));
        assert_eq!(ops.renamed(RequestId(2)), None, "answered once");
    }
}
