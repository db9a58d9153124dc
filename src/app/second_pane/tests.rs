//! The second pane's state, tested without S3 or a screen: what F5, F6, a drop and the
//! source picker ask of the worker, and which answers the pane takes.

use crate::app::second_pane::place::PaneSource;
use crate::app::second_pane::ui::SecondPaneRequest;
use crate::app::shared::{ActivePane, Location};
use crate::app::state::tests::{listing_id, page, profile};
use crate::app::state::{AppState, Modal};
use crate::model::BucketName;
use crate::worker::{BrowseEvent, Command, Event, RequestId};

/// Two profiles; the explorer on `left/in/` with `a.txt` and `b.txt` listed, and the second
/// pane on the second profile's `right/out/` with `c.txt`.
fn two_buckets() -> AppState {
    let mut state = AppState::new(vec![profile("One"), profile("Two")]);
    let commands = state.open(Location {
        bucket: BucketName::new("left").unwrap(),
        prefix: "in/".into(),
    });
    let id = listing_id(&commands);
    state.apply(Event::Browse(BrowseEvent::FolderPage {
        id,
        page: page(&["a.txt", "b.txt"]),
        done: true,
    }));
    state.toggle_two_panes();
    let commands = state.set_second_source(PaneSource::Profile(1));
    let Some(Command::ListBuckets { id, profile }) = commands.last() else {
        panic!("the second profile's buckets are asked for: {commands:?}");
    };
    assert_eq!(profile.name, "Two");
    let sweep = state.apply(Event::Browse(BrowseEvent::Buckets {
        id: *id,
        result: Ok(Vec::new()),
    }));
    assert!(sweep.is_empty(), "no journal without a config folder");
    let commands = state.second_open(Location {
        bucket: BucketName::new("right").unwrap(),
        prefix: "out/".into(),
    });
    let id = listing_id(&commands);
    state.apply(Event::Browse(BrowseEvent::FolderPage {
        id,
        page: page(&["c.txt"]),
        done: true,
    }));
    state
}

fn select_in_explorer(state: &mut AppState, name: &str) {
    let position = state.explorer.listing().position_of(name).unwrap();
    state.explorer.listing_mut().click(position, true, false);
}

#[test]
fn the_second_pane_takes_only_its_own_answers() {
    let state = two_buckets();
    let pane = state.second_pane.as_ref().unwrap();
    assert_eq!(pane.listing().rows().len(), 1);
    assert_eq!(
        state.explorer.listing().rows().len(),
        2,
        "the explorer kept its rows"
    );
    assert_eq!(pane.where_text(), "s3://right/out/");
}

#[test]
fn f5_from_the_explorer_copies_into_the_second_panes_folder_across_profiles() {
    let mut state = two_buckets();
    select_in_explorer(&mut state, "a.txt");
    let commands = state.copy_to_other_pane();
    let [Command::Copy(copy)] = &commands[..] else {
        panic!("one copy batch: {commands:?}");
    };
    assert_eq!(copy.from.profile.name, "One");
    assert_eq!(
        (copy.from.bucket.as_str(), copy.from.prefix.as_str()),
        ("left", "in/")
    );
    assert_eq!(copy.keys, vec![("in/a.txt".to_owned(), 1)]);
    assert_eq!(copy.to.profile.name, "Two");
    assert_eq!(
        (copy.to.bucket.as_str(), copy.to.prefix.as_str()),
        ("right", "out/")
    );
    assert!(!copy.remove_source);
}

#[test]
fn f6_asks_first_and_the_answer_starts_the_prepared_move() {
    let mut state = two_buckets();
    state.active_pane = ActivePane::Second;
    let pane = state.second_pane.as_mut().unwrap();
    pane.listing_mut().click(0, false, false);
    state.move_to_other_pane();
    let Some(Modal::ConfirmMove { summary, .. }) = state.modals.get() else {
        panic!("Move asks first");
    };
    assert!(
        summary.contains("Move 1 item from s3://right/out/ to s3://left/in/"),
        "{summary}"
    );
    let commands = state.confirm_move();
    let [Command::Copy(copy)] = &commands[..] else {
        panic!("one move batch: {commands:?}");
    };
    assert!(copy.remove_source);
    assert_eq!(copy.keys, vec![("out/c.txt".to_owned(), 1)]);
    assert_eq!(copy.to.bucket.as_str(), "left");
    assert!(state.modals.get().is_none());
}

#[test]
fn a_drop_copies_the_selection_of_the_pane_the_rows_came_from() {
    let mut state = two_buckets();
    select_in_explorer(&mut state, "b.txt");
    state.active_pane = ActivePane::Second;
    let commands = state.drop_across(ActivePane::Explorer);
    assert_eq!(state.active_pane, ActivePane::Explorer);
    assert!(matches!(&commands[..], [Command::Copy(c)] if c.keys[0].0 == "in/b.txt"));
}

#[test]
fn switching_back_to_this_computer_lists_it_and_drops_the_buckets_answers() {
    let mut state = two_buckets();
    let commands = state.set_second_source(PaneSource::ThisComputer);
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::ListLocal { .. })),
        "{commands:?}"
    );
    let pane = state.second_pane.as_ref().unwrap();
    assert!(pane.shows_this_computer());
    assert!(
        pane.listing().rows().is_empty(),
        "the bucket's rows went with it"
    );
    // A late page for the bucket left is dropped.
    state.apply(Event::Browse(BrowseEvent::FolderPage {
        id: RequestId(999),
        page: page(&["late.txt"]),
        done: true,
    }));
    assert!(
        state
            .second_pane
            .as_ref()
            .unwrap()
            .listing()
            .rows()
            .is_empty()
    );
}

#[test]
fn the_panes_requests_reach_the_window_state() {
    let mut state = two_buckets();
    assert!(
        state
            .on_second_pane_request(SecondPaneRequest::BecomeActive)
            .is_empty()
    );
    assert_eq!(state.active_pane, ActivePane::Second);
    state.on_second_pane_request(SecondPaneRequest::SwapSides);
    assert!(state.second_on_left, "Swap sides moves the pane left");
    let commands = state.on_second_pane_request(SecondPaneRequest::Crumb(Location {
        bucket: BucketName::new("right").unwrap(),
        prefix: String::new(),
    }));
    assert!(
        matches!(&commands[..], [.., Command::ListFolder { .. }]),
        "a breadcrumb lists its folder: {commands:?}"
    );
}

#[test]
fn the_move_question_answered_by_the_dialog_starts_the_move() {
    let mut state = two_buckets();
    state.on_second_pane_request(SecondPaneRequest::BecomeActive);
    let pane = state.second_pane.as_mut().unwrap();
    pane.listing_mut().click(0, false, false);
    state.on_second_pane_request(SecondPaneRequest::MoveAcross);
    assert!(matches!(
        state.modals.get(),
        Some(Modal::ConfirmMove { .. })
    ));
    let commands = state.on_second_pane_request(SecondPaneRequest::ConfirmMove);
    assert!(matches!(&commands[..], [Command::Copy(c)] if c.remove_source));
    assert!(state.modals.get().is_none());
}
