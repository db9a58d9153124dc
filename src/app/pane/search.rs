//! A pane's search: the folder it covers (the pane's folder when it started), what is searched
//! for, and how far the scan has got. Its matches are the pane's rows — a flat folder of paths
//! below the folder searched, so every action on a selection (Web URL, Download, Delete, Copy
//! and Move across, Properties) names each key as the folder's prefix and the row's path, and
//! a download or copy keeps the path below it. Going anywhere ends the search.

use std::time::{Duration, Instant};

use super::Pane;
use crate::app::shared::ListingState;
use crate::profiles::Profile;
use crate::s3::list::FolderPage;
use crate::s3::search::SearchPage;
use crate::search::{PatternKind, SearchQuery};
use crate::worker::{Command, RequestId};

/// What the search box holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchForm {
    pub text: String,
    pub kind: PatternKind,
    pub case_sensitive: bool,
    /// Sizes and dates as typed (empty: no bound), read by `search::parse_size` and
    /// `search::parse_when`.
    pub min_size: String,
    pub max_size: String,
    pub newer_than: String,
    pub older_than: String,
}

impl SearchForm {
    /// The query the form says, or why it says none.
    pub fn query(&self) -> Result<SearchQuery, String> {
        use crate::search::{parse_size, parse_when};
        let text = |e: crate::search::SearchError| e.to_string();
        let mut query =
            SearchQuery::new(self.kind, self.text.trim(), self.case_sensitive).map_err(text)?;
        let optional = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        query.min_size = optional(&self.min_size)
            .map(|s| parse_size(&s))
            .transpose()
            .map_err(text)?;
        query.max_size = optional(&self.max_size)
            .map(|s| parse_size(&s))
            .transpose()
            .map_err(text)?;
        query.newer_than = optional(&self.newer_than)
            .map(|s| parse_when(&s))
            .transpose()
            .map_err(text)?;
        query.older_than = optional(&self.older_than)
            .map(|s| parse_when(&s))
            .transpose()
            .map_err(text)?;
        query.check_bounds().map_err(text)?;
        Ok(query)
    }
}

/// A search the pane shows.
#[derive(Debug, Clone)]
pub struct PaneSearch {
    /// What was searched for, as typed.
    pub text: String,
    /// The query itself: listing the pane again (F5, Retry, a transfer into the folder
    /// searched) searches again, so the results stay results.
    query: SearchQuery,
    pub scanned: u64,
    pub matches: u64,
    started: Instant,
    /// How long the scan took, once it ended (finished, stopped or failed).
    pub took: Option<Duration>,
}

impl PaneSearch {
    /// Keys scanned a second so far.
    pub fn rate(&self) -> f64 {
        let seconds = self
            .took
            .unwrap_or_else(|| self.started.elapsed())
            .as_secs_f64();
        if seconds > 0.0 {
            self.scanned as f64 / seconds
        } else {
            0.0
        }
    }
}

impl Pane {
    /// The search shown, if any.
    pub fn search(&self) -> Option<&PaneSearch> {
        self.search.as_ref()
    }

    /// What the search shown searched for: listing the pane again searches again.
    pub(crate) fn searched(&self) -> Option<SearchQuery> {
        self.search.as_ref().map(|s| s.query.clone())
    }

    /// Back to the folder's own rows (listed again by the caller).
    pub(crate) fn end_search(&mut self) {
        self.search = None;
    }

    /// The search box.
    pub fn search_form(&self) -> &SearchForm {
        &self.search_form
    }

    pub fn search_form_mut(&mut self) -> &mut SearchForm {
        &mut self.search_form
    }

    /// Searches the folder shown (and everything below it) for `query` as `id`: its rows give
    /// way to the matches. The commands: the Cancel of what was loading, and the search.
    pub(crate) fn start_search(
        &mut self,
        query: SearchQuery,
        id: RequestId,
        profile: &Profile,
    ) -> Vec<Command> {
        let Some(location) = self.location.clone() else {
            return Vec::new();
        };
        if self.shows_this_computer() {
            return Vec::new();
        }
        let mut commands = self.cancel_listing();
        self.listing.clear();
        self.set_filter("");
        self.listing_state = ListingState::Loading { id, pages: 0 };
        self.search = Some(PaneSearch {
            text: query.text().to_owned(),
            query: query.clone(),
            scanned: 0,
            matches: 0,
            started: Instant::now(),
            took: None,
        });
        commands.push(Command::Search {
            id,
            profile: profile.clone(),
            bucket: location.bucket,
            root: location.prefix,
            query,
        });
        commands
    }

    /// A page of the search `id` arrived: its matches join the rows.
    pub(crate) fn search_page_arrived(&mut self, id: RequestId, page: SearchPage) {
        if !self.is_listing(id) {
            return;
        }
        if let Some(search) = self.search.as_mut() {
            search.scanned = page.scanned;
            search.matches += page.matches.len() as u64;
            if page.done {
                search.took = Some(search.started.elapsed());
            }
        }
        let rows = FolderPage {
            objects: page.matches,
            ..FolderPage::default()
        };
        self.page_arrived(id, rows, page.done);
    }

    /// The scan ended early (Stop, or a failure): its time is kept with its counts.
    pub(super) fn search_ended(&mut self) {
        if let Some(search) = self.search.as_mut() {
            search.took.get_or_insert_with(|| search.started.elapsed());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::pane::tests::at;
    use crate::app::state::tests::profile;
    use crate::s3::list::{ObjectEntry, StorageClass};

    fn found(name: &str) -> ObjectEntry {
        ObjectEntry {
            name: name.into(),
            size: 1,
            last_modified: 0,
            storage_class: StorageClass::Standard,
        }
    }

    #[test]
    fn a_search_shows_its_matches_as_the_folders_rows_until_the_pane_goes_elsewhere() {
        let p = profile("p");
        let mut pane = Pane::default();
        pane.open(at("docs/"), RequestId(1), Some(&p));
        let query = SearchQuery::new(PatternKind::Glob, "**/*.pdf", false).unwrap();
        let commands = pane.start_search(query, RequestId(2), &p);
        assert!(matches!(commands[0], Command::Cancel { id: RequestId(1) }));
        assert!(
            matches!(&commands[1], Command::Search { root, .. } if root == "docs/"),
            "{commands:?}"
        );
        let page = SearchPage {
            matches: vec![found("2026/a.pdf")],
            scanned: 1000,
            done: false,
        };
        pane.search_page_arrived(RequestId(2), page);
        // A page of a search left behind is dropped.
        pane.search_page_arrived(RequestId(1), SearchPage::default());
        let search = pane.search().unwrap();
        assert_eq!((search.scanned, search.matches), (1000, 1));
        assert!(pane.listing().position_of("2026/a.pdf").is_some());
        pane.search_page_arrived(
            RequestId(2),
            SearchPage {
                matches: vec![found("b.pdf")],
                scanned: 1500,
                done: true,
            },
        );
        assert_eq!(pane.listing_state(), &ListingState::Done);
        assert!(pane.search().unwrap().took.is_some());
        pane.open(at("docs/"), RequestId(3), Some(&p));
        assert!(pane.search().is_none());
        assert!(pane.listing().position_of("2026/a.pdf").is_none());
    }

    #[test]
    fn the_form_reads_its_bounds_or_says_what_is_wrong() {
        let mut form = SearchForm {
            text: "*.csv".into(),
            kind: PatternKind::Glob,
            min_size: "10K".into(),
            newer_than: "2026-01-01".into(),
            ..SearchForm::default()
        };
        let query = form.query().unwrap();
        assert_eq!(query.min_size, Some(10 * 1024));
        assert!(query.newer_than.is_some());
        form.max_size = "lots".into();
        assert!(form.query().unwrap_err().contains("lots"));
        // Bounds nothing meets are said, not scanned for.
        form.max_size = "1K".into();
        assert!(form.query().unwrap_err().contains("At least"));
    }
}
