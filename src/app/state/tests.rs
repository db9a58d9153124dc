//! The window's state, tested without S3 or a screen: events folded in, commands returned.

use std::path::PathBuf;
use std::time::{Instant, SystemTime};

use super::*;
use crate::app::shared::{ListingState, Location};
use crate::app::web_url::state::FolderExpansion;
use crate::model::{BucketName, Endpoint};
use crate::profiles::ProfileSource;
use crate::profiles::store::ProfileStore;
use crate::s3::list::{BrowseError, FolderPage, ObjectEntry, StorageClass};
use crate::s3::transfer::TransferControl;
use crate::worker::{BrowseEvent, Direction, FilesEvent, LinksEvent, ProfilesEvent, TransferId};
use aws_credential_types::Credentials;

pub(crate) fn profile(name: &str) -> Profile {
    Profile::fixed(
        name,
        ProfileSource::Demo,
        Credentials::new("a", "b", None, None, "test"),
        Endpoint::custom("http://127.0.0.1:1").unwrap(),
        "us-east-1",
    )
}

fn bucket(name: &str) -> BucketName {
    BucketName::new(name).unwrap()
}

pub(crate) fn page(names: &[&str]) -> FolderPage {
    FolderPage {
        folders: Vec::new(),
        objects: names
            .iter()
            .map(|n| ObjectEntry {
                name: (*n).into(),
                size: 1,
                last_modified: 0,
                storage_class: StorageClass::Standard,
            })
            .collect(),
        next_token: None,
    }
}

pub(crate) fn listing_id(commands: &[Command]) -> RequestId {
    commands
        .iter()
        .find_map(|c| match c {
            Command::ListFolder { id, .. } => Some(*id),
            _ => None,
        })
        .expect("a ListFolder command")
}

#[test]
fn start_lists_buckets_of_the_preselected_profile() {
    let mut state = AppState::new(vec![profile("Demo")]);
    let commands = state.start(None, None);
    assert!(matches!(commands[0], Command::LoadProfiles { .. }));
    assert!(matches!(commands[1], Command::ListBuckets { .. }));
    assert!(state.explorer.is_loading());
}

#[test]
fn pages_append_until_done() {
    let mut state = AppState::new(vec![profile("Demo")]);
    let id = listing_id(&state.open_bucket(bucket("bucket")));
    state.apply(Event::from(BrowseEvent::FolderPage {
        id,
        page: page(&["a", "b"]),
        done: false,
    }));
    assert_eq!(
        *state.explorer.listing_state(),
        ListingState::Loading { id, pages: 1 }
    );
    state.apply(Event::from(BrowseEvent::FolderPage {
        id,
        page: page(&["c"]),
        done: true,
    }));
    assert_eq!(state.explorer.listing().view_len(), 3);
    assert_eq!(*state.explorer.listing_state(), ListingState::Done);
}

#[test]
fn answers_for_a_folder_left_are_dropped() {
    let mut state = AppState::new(vec![profile("Demo")]);
    let first = listing_id(&state.open_bucket(bucket("bucket")));
    let commands = state.open_folder("sub/");
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::Cancel { id } if *id == first)),
        "leaving cancels the old listing"
    );
    let second = listing_id(&commands);
    state.apply(Event::from(BrowseEvent::FolderPage {
        id: first,
        page: page(&["stale"]),
        done: true,
    }));
    state.apply(Event::from(BrowseEvent::FolderFailed {
        id: first,
        error: BrowseError::Other("late".into()),
    }));
    assert_eq!(state.explorer.listing().view_len(), 0);
    assert_eq!(
        *state.explorer.listing_state(),
        ListingState::Loading {
            id: second,
            pages: 0
        }
    );
    assert_eq!(state.status.error(), None);
}

#[test]
fn stop_keeps_rows_and_ignores_later_pages() {
    let mut state = AppState::new(vec![profile("Demo")]);
    let id = listing_id(&state.open_bucket(bucket("bucket")));
    state.apply(Event::from(BrowseEvent::FolderPage {
        id,
        page: page(&["a"]),
        done: false,
    }));
    let commands = state.stop();
    assert!(matches!(commands[..], [Command::Cancel { id: cancelled }] if cancelled == id));
    state.apply(Event::from(BrowseEvent::FolderPage {
        id,
        page: page(&["b"]),
        done: true,
    }));
    assert_eq!(*state.explorer.listing_state(), ListingState::Stopped);
    assert_eq!(state.explorer.listing().view_len(), 1);
}

#[test]
fn back_forward_and_up() {
    let mut state = AppState::new(vec![profile("Demo")]);
    state.open_bucket(bucket("bucket"));
    state.open_folder("a/");
    state.open_folder("b/");
    assert_eq!(state.explorer.location().unwrap().prefix, "a/b/");
    state.go_up();
    assert_eq!(state.explorer.location().unwrap().prefix, "a/");
    state.go_back();
    assert_eq!(state.explorer.location().unwrap().prefix, "a/b/");
    state.go_back();
    assert_eq!(state.explorer.location().unwrap().prefix, "a/");
    assert!(state.explorer.can_go_forward());
    state.go_forward();
    assert_eq!(state.explorer.location().unwrap().prefix, "a/b/");
    state.go_forward();
    assert_eq!(state.explorer.location().unwrap().prefix, "a/");
    assert!(!state.explorer.can_go_forward());
    // A new place clears Forward.
    state.go_back();
    state.open_folder("c/");
    assert!(!state.explorer.can_go_forward());
}

#[test]
fn failure_sets_banner_and_retry_lists_again() {
    let mut state = AppState::new(vec![profile("Demo")]);
    let id = listing_id(&state.open_bucket(bucket("bucket")));
    state.apply(Event::from(BrowseEvent::FolderFailed {
        id,
        error: BrowseError::NoSuchBucket("bucket".into()),
    }));
    assert!(state.explorer.banner_error().is_some());
    assert_eq!(state.status.error(), Some("bucket `bucket` does not exist"));
    let retried = listing_id(&state.retry());
    assert_ne!(retried, id);
    assert!(state.explorer.banner_error().is_none());
}

#[test]
fn switching_profile_forgets_the_folder() {
    let mut state = AppState::new(vec![profile("one"), profile("two")]);
    state.open_bucket(bucket("bucket"));
    let commands = state.select_profile(1);
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::ListBuckets { profile, .. } if profile.name == "two"))
    );
    assert!(state.explorer.location().is_none());
    assert!(!state.explorer.can_go_back());
}

#[test]
fn discovered_profiles_keep_the_demo_selected() {
    let mut state = AppState::new(vec![profile("Demo")]);
    let Command::LoadProfiles { id, .. } = state.start(None, None)[0].clone() else {
        panic!("LoadProfiles first");
    };
    let mut work = profile("work");
    work.source = ProfileSource::AwsConfig;
    state.apply(Event::from(ProfilesEvent::Found {
        id,
        found: Box::new(crate::profiles::Discovered {
            profiles: vec![work],
            ..Default::default()
        }),
    }));
    assert_eq!(state.profiles.list().len(), 2);
    assert_eq!(state.profile().unwrap().name, "Demo");
}

#[test]
fn without_a_demo_the_default_profile_is_chosen() {
    let mut state = AppState::new(Vec::new());
    let Command::LoadProfiles { id, .. } = state.start(None, None)[0].clone() else {
        panic!("LoadProfiles first");
    };
    let aws = |name: &str| {
        let mut p = profile(name);
        p.source = ProfileSource::AwsConfig;
        p
    };
    let commands = state.apply(Event::from(ProfilesEvent::Found {
        id,
        found: Box::new(crate::profiles::Discovered {
            profiles: vec![aws("client"), aws("default"), aws("personal")],
            ..Default::default()
        }),
    }));
    assert_eq!(state.profile().unwrap().name, "default");
    assert!(
        matches!(&commands[..], [Command::ListBuckets { profile, .. }] if profile.name == "default")
    );
}

#[test]
fn filter_is_cleared_when_leaving_but_kept_on_refresh() {
    let mut state = AppState::new(vec![profile("Demo")]);
    state.open_bucket(bucket("bucket"));
    state.set_filter("report");
    state.refresh();
    assert_eq!(state.explorer.filter_text(), "report");
    state.open_folder("sub/");
    assert_eq!(state.explorer.filter_text(), "");
    assert_eq!(state.explorer.listing().filter_text(), "");
}

#[test]
fn leftover_uploads_are_swept_once_the_server_answers() {
    let mut state = AppState::new(vec![profile("Demo")]);
    let commands = state.start(Some(PathBuf::from("/tmp/pail/shared-links.json")), None);
    let Some(id) = commands.iter().find_map(|c| match c {
        Command::ListBuckets { id, .. } => Some(*id),
        _ => None,
    }) else {
        panic!("{commands:?}");
    };
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::SweepPartials { .. }))
    );
    assert!(
        !commands
            .iter()
            .any(|c| matches!(c, Command::SweepUploads { .. }))
    );
    let commands = state.apply(Event::from(BrowseEvent::Buckets {
        id,
        result: Ok(Vec::new()),
    }));
    let [Command::SweepUploads { journal, .. }] = &commands[..] else {
        panic!("{commands:?}");
    };
    assert_eq!(journal, &PathBuf::from("/tmp/pail/pending-uploads.json"));
}

#[test]
fn a_region_lookup_failure_is_said_in_the_dialog() {
    let mut state = AppState::new(vec![profile("Demo")]);
    let id = listing_id(&state.open_bucket(bucket("bucket")));
    state.apply(Event::from(BrowseEvent::FolderPage {
        id,
        page: page(&["README.txt"]),
        done: true,
    }));
    state.explorer.listing_mut().click(0, false, false);
    state.open_web_url(SystemTime::now());
    let commands = state.generate_links(SystemTime::now());
    let Some(id) = commands.iter().find_map(|c| match c {
        Command::PresignLinks { id, .. } => Some(*id),
        _ => None,
    }) else {
        panic!("{commands:?}");
    };
    state.apply(Event::from(LinksEvent::LinksReady {
        id,
        result: Ok(Vec::new()),
        warning: Some(crate::s3::connection::RegionGuess {
            lookup: crate::s3::connection::RegionLookupError {
                bucket: "bucket".into(),
                reason: "HeadBucket refused".into(),
            },
            used: "us-east-1".into(),
        }),
    }));
    let dialog = state.web_url().unwrap();
    assert!(
        dialog
            .signing_warning()
            .is_some_and(|w| w.contains("region of bucket"))
    );
}

#[test]
fn a_big_folder_asks_before_making_links() {
    let mut state = AppState::new(vec![profile("Demo")]);
    let id = listing_id(&state.open_bucket(bucket("bucket")));
    state.apply(Event::from(BrowseEvent::FolderPage {
        id,
        page: FolderPage {
            folders: vec!["big/".into()],
            objects: Vec::new(),
            next_token: None,
        },
        done: true,
    }));
    state.explorer.listing_mut().click(0, false, false);
    let commands = state.open_web_url(SystemTime::now());
    let [
        Command::ListKeysUnder { id, prefix, .. },
        Command::CredentialsExpiry { .. },
    ] = &commands[..]
    else {
        panic!("{commands:?}");
    };
    assert_eq!(prefix, "big/");
    let keys: Vec<(String, u64)> = (0..1500).map(|i| (format!("big/{i}"), 1)).collect();
    state.apply(Event::from(LinksEvent::KeysUnder {
        id: *id,
        result: Ok(keys),
    }));
    let dialog = state.web_url().unwrap();
    assert!(
        matches!(dialog.expansion(), Some(FolderExpansion::Confirm { targets, .. }) if targets.len() == 1500)
    );
    assert!(dialog.targets().is_empty());
    state.confirm_folder_links();
    assert_eq!(state.web_url().unwrap().targets().len(), 1500);
}

#[test]
fn the_last_used_profile_is_remembered_and_chosen_next_time() {
    let dir = tempfile::tempdir().unwrap();
    let mut state = AppState::new(Vec::new());
    let Command::LoadProfiles { id, .. } = state.start(None, Some(dir.path().into()))[0].clone()
    else {
        panic!("LoadProfiles first");
    };
    let aws = |name: &str| {
        let mut p = profile(name);
        p.source = ProfileSource::AwsConfig;
        p
    };
    let mut store = ProfileStore::in_dir(dir.path());
    store.last_used_profile = Some("personal".into());
    let commands = state.apply(Event::from(ProfilesEvent::Found {
        id,
        found: Box::new(crate::profiles::Discovered {
            profiles: vec![aws("default"), aws("personal")],
            warnings: Vec::new(),
            store: Some(store),
        }),
    }));
    assert_eq!(state.profile().unwrap().name, "personal");
    assert!(
        !commands
            .iter()
            .any(|c| matches!(c, Command::SaveProfiles { .. })),
        "nothing changed, nothing saved"
    );
    let commands = state.select_profile(0);
    let saved = commands.iter().find_map(|c| match c {
        Command::SaveProfiles { store } => Some(store.last_used_profile.clone()),
        _ => None,
    });
    assert_eq!(saved, Some(Some("default".into())));
}

#[test]
fn quitting_waits_for_cancelled_transfers_to_clean_up_but_not_for_ever() {
    let mut state = AppState::new(vec![profile("Demo")]);
    let control = TransferControl::default();
    state.apply(Event::from(FilesEvent::TransferQueued {
        version_id: None,
        copy_from: None,
        moves: false,
        transfer: TransferId(1),
        name: "big.iso".into(),
        bucket: bucket("bucket"),
        key: "big.iso".into(),
        size: 1 << 30,
        control: control.clone(),
        direction: Direction::Upload,
        local_path: PathBuf::from("/home/me/big.iso"),
        profile: Box::new(profile("Demo")),
    }));
    let start = Instant::now();
    assert!(!state.may_close(start), "not quitting yet");
    state.begin_quit(start);
    assert!(control.is_cancelled());
    assert!(!state.may_close(start), "the upload is still aborting");
    assert!(
        state.may_close(start + crate::app::files::transfer_rows::QUIT_CLEANUP_WAIT),
        "the wait is bounded"
    );
    state.apply(Event::from(FilesEvent::TransferFinished {
        transfer: TransferId(1),
        result: Err(crate::s3::transfer::TransferError::Cancelled),
    }));
    assert!(state.may_close(start), "cleaned up: close now");
}

#[test]
fn a_failed_upload_can_be_retried() {
    let mut state = AppState::new(vec![profile("Demo")]);
    state.apply(Event::from(FilesEvent::TransferQueued {
        version_id: None,
        copy_from: None,
        moves: false,
        transfer: TransferId(7),
        name: "pics/a.png".into(),
        bucket: bucket("bucket"),
        key: "inbox/pics/a.png".into(),
        size: 3,
        control: TransferControl::default(),
        direction: Direction::Upload,
        local_path: PathBuf::from("/home/me/pics/a.png"),
        profile: Box::new(profile("Demo")),
    }));
    state.apply(Event::from(FilesEvent::TransferFinished {
        transfer: TransferId(7),
        result: Err(crate::s3::transfer::TransferError::Remote("boom".into())),
    }));
    assert!(matches!(
        state.transfers.rows()[0].state,
        TransferState::Failed(_)
    ));
    assert_eq!(state.status.error(), Some("pics/a.png: S3 refused: boom"));
    let commands = state.retry_transfer(TransferId(7));
    let [Command::Upload(crate::worker::UploadRequest { prefix, paths, .. })] = &commands[..]
    else {
        panic!("{commands:?}");
    };
    assert_eq!(prefix, "inbox/pics/");
    assert_eq!(paths, &[PathBuf::from("/home/me/pics/a.png")]);
    assert!(
        state.transfers.rows().is_empty(),
        "the retry replaces the failed row"
    );
}

#[test]
fn breadcrumbs_and_parent() {
    let location = Location {
        bucket: bucket("reports-2026"),
        prefix: "invoices/july/".into(),
    };
    let crumbs: Vec<String> = location.breadcrumbs().into_iter().map(|c| c.0).collect();
    assert_eq!(crumbs, ["s3://reports-2026", "invoices", "july"]);
    assert_eq!(location.parent().unwrap().prefix, "invoices/");
    assert_eq!(location.parent().unwrap().parent().unwrap().prefix, "");
    assert!(Location::bucket_top(bucket("abc")).parent().is_none());
}

#[test]
fn a_second_download_question_waits_for_the_first_and_both_are_answered() {
    let mut state = AppState::new(vec![profile("Demo")]);
    for (id, first) in [(41, "/tmp/a.txt"), (42, "/tmp/b.txt")] {
        state.apply(Event::from(FilesEvent::DownloadConflicts {
            id: RequestId(id),
            count: 1,
            first: first.into(),
            outlook: Box::default(),
        }));
    }
    let mut answered = Vec::new();
    while state.modal_open() {
        let command = state
            .modals
            .resolve_download(Some(crate::s3::download::Conflict::Skip));
        let Some(Command::ResolveDownload { id, .. }) = command else {
            panic!("{command:?}");
        };
        answered.push(id.0);
    }
    assert_eq!(answered, [41, 42], "each batch gets its answer, in order");
}

#[test]
fn keep_running_gives_back_the_dialog_the_quit_question_covered() {
    let mut state = AppState::new(vec![profile("Demo")]);
    let id = listing_id(&state.open_bucket(bucket("bucket")));
    state.apply(Event::from(BrowseEvent::FolderPage {
        id,
        page: page(&["a.txt"]),
        done: true,
    }));
    state.open_new_folder();
    if let Some(Modal::NewFolder { name, .. }) = state.modals.get_mut() {
        name.push_str("half-typed");
    }
    state.ask_quit();
    assert!(matches!(state.modals.get(), Some(Modal::ConfirmQuit)));
    state.modals.close(); // Keep running
    assert!(
        matches!(state.modals.get(), Some(Modal::NewFolder { name, .. }) if name == "half-typed"),
        "{:?}",
        state.modals.get()
    );
}

#[test]
fn two_panes_are_remembered_and_come_back_at_the_next_start() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = ProfileStore::in_dir(dir.path());
    store.two_panes = true;
    store.save().unwrap();
    let (store, problems) = ProfileStore::load(dir.path());
    assert!(
        problems.is_empty() && store.two_panes,
        "kept in config.toml"
    );

    let mut state = AppState::new(Vec::new());
    let Command::LoadProfiles { id, .. } = state.start(None, Some(dir.path().into()))[0].clone()
    else {
        panic!("LoadProfiles first");
    };
    let commands = state.apply(Event::from(ProfilesEvent::Found {
        id,
        found: Box::new(crate::profiles::Discovered {
            store: Some(store),
            ..Default::default()
        }),
    }));
    assert!(state.second_pane.is_some(), "two panes again");
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::ListLocal { .. }))
    );
    let commands = state.toggle_two_panes();
    assert!(state.second_pane.is_none());
    let saved = commands.iter().find_map(|c| match c {
        Command::SaveProfiles { store } => Some(store.two_panes),
        _ => None,
    });
    assert_eq!(saved, Some(false), "the choice is saved");
}

#[test]
fn the_file_dialogs_requests_reach_their_features() {
    use crate::app::files::dialogs::FileDialogRequest;
    let mut state = AppState::new(vec![profile("Demo")]);
    let id = listing_id(&state.open_bucket(bucket("bucket")));
    state.apply(Event::from(BrowseEvent::FolderPage {
        id,
        page: page(&["a.txt"]),
        done: true,
    }));
    state.explorer.listing_mut().select_all();
    state.request_delete();
    let commands = state.on_file_dialog_request(FileDialogRequest::Delete);
    assert!(
        matches!(&commands[..], [Command::Delete { keys, .. }] if keys == &["a.txt"]),
        "{commands:?}"
    );
    assert!(!state.modal_open(), "the confirmation closed");

    let control = TransferControl::default();
    state.apply(Event::from(FilesEvent::TransferQueued {
        version_id: None,
        copy_from: None,
        moves: false,
        transfer: TransferId(1),
        name: "big.iso".into(),
        bucket: bucket("bucket"),
        key: "big.iso".into(),
        size: 1 << 30,
        control: control.clone(),
        direction: Direction::Upload,
        local_path: PathBuf::from("/home/me/big.iso"),
        profile: Box::new(profile("Demo")),
    }));
    state.ask_quit();
    let at = Instant::now();
    let commands = state.on_file_dialog_request(FileDialogRequest::QuitAnyway { at });
    assert!(commands.is_empty());
    assert!(control.is_cancelled());
    assert_eq!(state.modals.quitting_since(), Some(at));
    assert!(!state.transfers.quit_confirmed());
    state.on_file_dialog_request(FileDialogRequest::Close);
    assert!(state.transfers.quit_confirmed(), "the close goes through");
}
