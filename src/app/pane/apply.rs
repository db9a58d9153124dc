//! [`Pane::apply`]: the worker's answers a pane waits for (its bucket list, its folder's
//! pages or failure, the second pane's folder on this computer and its changes there) folded
//! into it, and [`Folded`], what the window must still do about them.

use super::Pane;
use crate::app::shared::Loadable;
use crate::local_folder::LocalFolderError;
use crate::worker::BrowseEvent;

/// What is left for the window once a pane has folded an answer.
#[derive(Debug)]
pub(crate) enum Folded {
    /// Not an answer this pane waits for: the other pane's, or one it no longer waits for.
    NotMine(BrowseEvent),
    /// Folded; nothing more to do.
    Done,
    /// The explorer's bucket list or folder failed: the message for the status bar. (The
    /// second pane shows its errors itself.)
    Failed(String),
    /// The bucket list arrived, so the profile's server answers: uploads and copies an
    /// earlier run left there unfinished can be swept now.
    BucketsArrived,
    /// The second pane's change on this computer was made (or not): to say so, and to list
    /// the folder again.
    LocalChanged(Result<String, LocalFolderError>),
}

impl Pane {
    /// Folds `event` if the pane waits for it; answers to requests it no longer waits for (a
    /// folder left, a bucket list asked again) are handed back.
    pub(crate) fn apply(&mut self, event: BrowseEvent) -> Folded {
        match event {
            BrowseEvent::Buckets { id, result } if self.buckets == Loadable::Loading(id) => {
                match result {
                    Ok(buckets) => {
                        self.buckets = Loadable::Ready(buckets);
                        Folded::BucketsArrived
                    }
                    Err(error) => {
                        let folded = self.failed(error.to_string());
                        self.buckets = Loadable::Failed(error);
                        folded
                    }
                }
            }
            BrowseEvent::SearchPage { id, page } if self.is_listing(id) => {
                self.search_page_arrived(id, page);
                Folded::Done
            }
            BrowseEvent::FolderPage { id, page, done } if self.is_listing(id) => {
                self.page_arrived(id, page, done);
                Folded::Done
            }
            BrowseEvent::FolderFailed { id, error } if self.is_listing(id) => {
                let folded = self.failed(error.to_string());
                self.folder_failed(id, error);
                folded
            }
            BrowseEvent::LocalListed { id, result, places } if self.source.is_some() => {
                // A stale listing is dropped here: no other pane lists this computer.
                self.local_listed(id, result, places);
                Folded::Done
            }
            BrowseEvent::LocalChanged { id, result } if self.local_change_done(id) => {
                Folded::LocalChanged(result)
            }
            other => Folded::NotMine(other),
        }
    }

    /// The second pane keeps its error to show; the explorer's goes to the status bar.
    fn failed(&mut self, message: String) -> Folded {
        match self.source {
            Some(_) => {
                self.error = Some(message);
                Folded::Done
            }
            None => Folded::Failed(message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::pane::tests::at;
    use crate::app::shared::ListingState;
    use crate::app::state::tests::profile;
    use crate::s3::list::{BrowseError, FolderPage};
    use crate::worker::RequestId;

    fn page(id: u64, folder: &str, done: bool) -> BrowseEvent {
        BrowseEvent::FolderPage {
            id: RequestId(id),
            page: FolderPage {
                folders: vec![folder.into()],
                ..FolderPage::default()
            },
            done,
        }
    }

    fn failed(id: u64) -> BrowseEvent {
        BrowseEvent::FolderFailed {
            id: RequestId(id),
            error: BrowseError::NoSuchBucket("bkt".into()),
        }
    }

    #[test]
    fn a_page_arrived_joins_the_rows_and_the_last_ends_the_listing() {
        let mut pane = Pane::default();
        pane.open(at("a/"), RequestId(1), Some(&profile("p")));
        assert!(matches!(pane.apply(page(1, "x/", false)), Folded::Done));
        assert_eq!(
            pane.listing_state(),
            &ListingState::Loading {
                id: RequestId(1),
                pages: 1
            }
        );
        assert!(matches!(pane.apply(page(1, "y/", true)), Folded::Done));
        assert_eq!(pane.listing_state(), &ListingState::Done);
        assert!(pane.listing().position_of("x/").is_some());
        assert!(pane.listing().position_of("y/").is_some());
    }

    #[test]
    fn answers_for_a_folder_left_or_a_bucket_list_not_waited_for_are_handed_back() {
        let p = profile("p");
        let mut pane = Pane::default();
        pane.open(at("a/"), RequestId(1), Some(&p));
        pane.open(at("c/"), RequestId(2), Some(&p));
        assert!(matches!(
            pane.apply(page(1, "y/", true)),
            Folded::NotMine(_)
        ));
        assert!(matches!(pane.apply(failed(1)), Folded::NotMine(_)));
        let buckets = BrowseEvent::Buckets {
            id: RequestId(3),
            result: Ok(Vec::new()),
        };
        assert!(matches!(pane.apply(buckets), Folded::NotMine(_)));
        assert!(pane.is_listing(RequestId(2)) && pane.listing().view_len() == 0);
        assert_eq!(pane.buckets(), &Loadable::Idle);
    }

    #[test]
    fn the_explorers_failure_is_kept_and_said_in_the_status_bar_the_second_panes_in_itself() {
        let p = profile("p");
        let mut explorer = Pane::default();
        explorer.open(at("a/"), RequestId(1), Some(&p));
        let Folded::Failed(message) = explorer.apply(failed(1)) else {
            panic!("the explorer's failure goes to the status bar");
        };
        assert_eq!(message, "bucket `bkt` does not exist");
        assert!(explorer.banner_error().is_some() && explorer.error().is_none());

        let mut second = Pane::second();
        second.switch_to_profile(0, p.clone(), RequestId(2));
        second.open(at("a/"), RequestId(3), Some(&p));
        assert!(matches!(second.apply(failed(3)), Folded::Done));
        assert!(matches!(second.listing_state(), ListingState::Failed(_)));
        assert_eq!(second.error(), Some("bucket `bkt` does not exist"));
    }

    #[test]
    fn buckets_waited_for_arrive_and_a_failed_list_is_kept() {
        let mut pane = Pane::default();
        pane.list_buckets(RequestId(1), profile("p"));
        let arrived = pane.apply(BrowseEvent::Buckets {
            id: RequestId(1),
            result: Ok(Vec::new()),
        });
        assert!(matches!(arrived, Folded::BucketsArrived));
        assert_eq!(pane.buckets(), &Loadable::Ready(Vec::new()));

        pane.list_buckets(RequestId(2), profile("p"));
        let failed = pane.apply(BrowseEvent::Buckets {
            id: RequestId(2),
            result: Err(BrowseError::TimedOut("slow".into())),
        });
        assert!(matches!(failed, Folded::Failed(_)));
        assert!(matches!(pane.buckets(), Loadable::Failed(_)));
        assert!(
            pane.banner_error().is_some(),
            "no folder: the banner says it"
        );
    }

    #[test]
    fn the_explorer_takes_nothing_from_this_computer() {
        let mut explorer = Pane::default();
        let listed = BrowseEvent::LocalListed {
            id: RequestId(1),
            result: Ok(Vec::new()),
            places: Vec::new(),
        };
        assert!(matches!(explorer.apply(listed), Folded::NotMine(_)));
        let changed = BrowseEvent::LocalChanged {
            id: RequestId(1),
            result: Ok("done".into()),
        };
        assert!(matches!(explorer.apply(changed), Folded::NotMine(_)));
    }

    #[test]
    fn the_second_pane_lists_this_computer_and_drops_a_stale_listing() {
        let mut second = Pane::second();
        second.open_local("/one".into(), false, RequestId(1));
        second.open_local("/two".into(), true, RequestId(2));
        let entry = crate::local_folder::LocalEntry {
            name: "a.txt".into(),
            path: "/two/a.txt".into(),
            is_dir: false,
            size: 1,
            modified: 0,
            hidden: false,
            not_utf8: false,
        };
        let listed = |id, entries| BrowseEvent::LocalListed {
            id: RequestId(id),
            result: Ok(entries),
            places: Vec::new(),
        };
        assert!(matches!(
            second.apply(listed(1, vec![entry.clone()])),
            Folded::Done
        ));
        assert_eq!(second.listing().view_len(), 0, "the folder left's listing");
        second.apply(listed(2, vec![entry]));
        assert_eq!(second.listing_state(), &ListingState::Done);
        assert!(second.entry_of("a.txt").is_some());
    }
}
