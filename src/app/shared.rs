//! What several of the window's features share: a folder in a bucket ([`Location`]),
//! something loaded on request ([`Loadable`]), where the explorer's listing stands, which
//! pane is active, the file operations either pane runs, a pane's Back and Forward, and
//! Compare's marks. A leaf: it uses no other module of the window, so every feature can use
//! it without importing another.

use crate::compare::Mark;
use crate::model::BucketName;
use crate::s3::list::BrowseError;
use crate::worker::RequestId;

/// A folder: a bucket and a prefix (empty for the bucket's top, otherwise ending in `/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub bucket: BucketName,
    pub prefix: String,
}

impl Location {
    pub fn bucket_top(bucket: BucketName) -> Self {
        Self {
            bucket,
            prefix: String::new(),
        }
    }

    /// The folder above, or `None` at the bucket's top.
    pub fn parent(&self) -> Option<Self> {
        if self.prefix.is_empty() {
            return None;
        }
        // A hostile server may send a folder name without its `/`; never cut a character.
        let trimmed = self.prefix.strip_suffix('/').unwrap_or(&self.prefix);
        let parent = match trimmed.rfind('/') {
            Some(i) => &trimmed[..=i],
            None => "",
        };
        Some(Self {
            bucket: self.bucket.clone(),
            prefix: parent.to_owned(),
        })
    }

    /// `s3://bucket/prefix`
    pub fn uri(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.prefix)
    }

    /// The breadcrumb trail: (label, location) from the bucket down to this folder.
    pub fn breadcrumbs(&self) -> Vec<(String, Location)> {
        let mut crumbs = vec![(
            format!("s3://{}", self.bucket),
            Location::bucket_top(self.bucket.clone()),
        )];
        let mut end = 0;
        for segment in self.prefix.split_inclusive('/') {
            end += segment.len();
            crumbs.push((
                segment.trim_end_matches('/').to_owned(),
                Location {
                    bucket: self.bucket.clone(),
                    prefix: self.prefix[..end].to_owned(),
                },
            ));
        }
        crumbs
    }
}

/// Something loaded on request.
#[derive(Debug, Clone, PartialEq)]
pub enum Loadable<T, E = BrowseError> {
    Idle,
    Loading(RequestId),
    Ready(T),
    Failed(E),
}

/// Where the current folder's listing stands.
#[derive(Debug, Clone, PartialEq)]
pub enum ListingState {
    Idle,
    Loading {
        id: RequestId,
        pages: usize,
    },
    Done,
    /// The person pressed Stop: the rows so far stay.
    Stopped,
    Failed(BrowseError),
}

/// Which pane keys, F5 and F6 act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ActivePane {
    /// The explorer's table (the bucket picked in the sidebar).
    #[default]
    Explorer,
    /// The second pane.
    Second,
}

impl ActivePane {
    pub fn other(self) -> Self {
        match self {
            ActivePane::Explorer => ActivePane::Second,
            ActivePane::Second => ActivePane::Explorer,
        }
    }
}

/// F7, F2 and F8 (or Delete), on whichever pane is active.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileOperation {
    NewFolder,
    Rename,
    Delete,
}

/// Where a pane has been, for Back and Forward: the places before the current one (the
/// last is Back's) and those Back left (the last is Forward's). Going somewhere new forgets
/// Forward, as a browser does.
#[derive(Debug, Clone)]
pub(crate) struct History<T> {
    back: Vec<T>,
    forward: Vec<T>,
}

impl<T> Default for History<T> {
    fn default() -> Self {
        Self {
            back: Vec::new(),
            forward: Vec::new(),
        }
    }
}

impl<T> History<T> {
    /// Left `from` for a new place.
    pub(crate) fn left(&mut self, from: T) {
        self.back.push(from);
        self.forward.clear();
    }

    /// Back from `current` (if any): the place to show, or `None` with nowhere to go.
    pub(crate) fn back(&mut self, current: Option<T>) -> Option<T> {
        let previous = self.back.pop()?;
        self.forward.extend(current);
        Some(previous)
    }

    /// Forward from `current` (if any): the place Back left.
    pub(crate) fn forward(&mut self, current: Option<T>) -> Option<T> {
        let next = self.forward.pop()?;
        self.back.extend(current);
        Some(next)
    }

    pub(crate) fn can_go_back(&self) -> bool {
        !self.back.is_empty()
    }

    pub(crate) fn can_go_forward(&self) -> bool {
        !self.forward.is_empty()
    }

    pub(crate) fn clear(&mut self) {
        self.back.clear();
        self.forward.clear();
    }
}

/// Compare's marks for the two folders shown, by row name.
pub(crate) type CompareMarks = std::collections::BTreeMap<String, Mark>;

/// The request a feature waits for the answer to, and what it needs to know when the answer
/// comes (`T`: nothing by default; e.g. the pane a rename runs in). Requests get a new id each
/// time, so an answer with any other id is to a request sent before the person moved on (a
/// folder left, a dialog closed, a newer Generate): stale, and dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pending<T = ()>(Option<(RequestId, T)>);

// Not derived: a derived `Default` would ask `T: Default`, and nothing waited for needs no `T`.
impl<T> Default for Pending<T> {
    fn default() -> Self {
        Self(None)
    }
}

impl Pending {
    /// Waits for `id`'s answer from now on, instead of any earlier request's.
    pub(crate) fn start(&mut self, id: RequestId) {
        self.start_with(id, ());
    }
}

impl<T> Pending<T> {
    /// Waits for `id`'s answer from now on, keeping `data` for it, instead of any earlier
    /// request's (whose data goes).
    pub(crate) fn start_with(&mut self, id: RequestId, data: T) {
        self.0 = Some((id, data));
    }

    /// `id` is the request waited for.
    pub(crate) fn is_answer(&self, id: RequestId) -> bool {
        self.id() == Some(id)
    }

    /// Takes `id`'s answer: `true`, and no longer waiting, if it is the one waited for;
    /// otherwise `false`, still waiting.
    pub(crate) fn accept(&mut self, id: RequestId) -> bool {
        self.take_answer(id).is_some()
    }

    /// Takes `id`'s answer: the data kept for it, and no longer waiting, if it is the one
    /// waited for; otherwise `None`, still waiting.
    pub(crate) fn take_answer(&mut self, id: RequestId) -> Option<T> {
        if !self.is_answer(id) {
            return None;
        }
        self.0.take().map(|(_, data)| data)
    }

    /// What was kept for the request waited for, if any.
    pub(crate) fn data(&self) -> Option<&T> {
        self.0.as_ref().map(|(_, data)| data)
    }

    pub(crate) fn data_mut(&mut self) -> Option<&mut T> {
        self.0.as_mut().map(|(_, data)| data)
    }

    /// Stops waiting: the answer came, or what asked is gone.
    pub(crate) fn finish(&mut self) {
        self.0 = None;
    }

    pub(crate) fn is_waiting(&self) -> bool {
        self.0.is_some()
    }

    /// The request waited for, if any.
    pub(crate) fn id(&self) -> Option<RequestId> {
        self.0.as_ref().map(|(id, _)| *id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_latest_request_is_answered_once() {
        let mut pending = Pending::default();
        assert!(!pending.is_waiting());
        assert!(!pending.accept(RequestId(1)), "nothing asked yet");
        pending.start(RequestId(1));
        pending.start(RequestId(2));
        assert_eq!(pending.id(), Some(RequestId(2)));
        assert!(!pending.is_answer(RequestId(1)), "asked again since");
        assert!(!pending.accept(RequestId(1)));
        assert!(pending.is_waiting(), "a stale answer leaves it waiting");
        assert!(pending.is_answer(RequestId(2)));
        assert!(pending.accept(RequestId(2)));
        assert!(!pending.is_waiting());
        assert!(!pending.accept(RequestId(2)), "answered once");
    }

    #[test]
    fn back_and_forward_walk_the_places_and_a_new_place_forgets_forward() {
        let mut history = History::default();
        assert_eq!(history.back(Some(1)), None);
        history.left(1);
        history.left(2);
        assert_eq!(history.back(Some(3)), Some(2));
        assert_eq!(history.back(Some(2)), Some(1));
        assert!(!history.can_go_back());
        assert_eq!(history.forward(Some(1)), Some(2));
        assert!(history.can_go_forward());
        history.left(2);
        assert!(!history.can_go_forward(), "a new place forgets Forward");
        assert_eq!(history.back(Some(4)), Some(2));
        assert_eq!(history.forward(Some(2)), Some(4));
    }

    #[test]
    fn a_request_given_up_is_not_answered() {
        let mut pending = Pending::default();
        pending.start(RequestId(7));
        pending.finish();
        assert!(!pending.is_answer(RequestId(7)));
        assert_eq!(pending.id(), None);
    }

    #[test]
    fn the_data_comes_back_with_its_own_answer_only() {
        let mut pending: Pending<&str> = Pending::default();
        assert_eq!(pending.take_answer(RequestId(1)), None, "nothing asked yet");
        pending.start_with(RequestId(1), "left");
        pending.start_with(RequestId(2), "right");
        assert_eq!(pending.data(), Some(&"right"), "the newer request's data");
        if let Some(data) = pending.data_mut() {
            *data = "second";
        }
        assert_eq!(pending.take_answer(RequestId(1)), None, "stale");
        assert!(pending.is_waiting(), "a stale answer leaves it waiting");
        assert_eq!(pending.take_answer(RequestId(2)), Some("second"));
        assert!(!pending.is_waiting());
        assert_eq!(pending.data(), None);
        assert_eq!(pending.take_answer(RequestId(2)), None, "answered once");
    }
}
