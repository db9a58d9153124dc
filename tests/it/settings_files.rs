//! The settings files as a person really has them — written by a newer Pail, with a wrong type,
//! with a byte that is not UTF-8 — read through the window's state, with every save the state
//! asks for carried out as the worker does. Nothing the person saved may be lost.

use std::path::Path;

use pail::testing::app::state::AppState;
use pail::testing::profiles::{Profile, ProfileAccess, ProfileSource, discover};
use pail::testing::worker::{Command, Event, ProfilesEvent};

const CONFIG: &str = "config.toml";
const CREDENTIALS: &str = "credentials.toml";

const GOOD_CONFIG: &str = "[[profile]]\nname = \"work\"\nregion = \"eu-west-1\"\nprovider = \"minio\"\nendpoint = \"http://127.0.0.1:9\"\npath_style = true\n";
const GOOD_KEYS: &str =
    "[work]\naccess_key_id = \"AKIAWORK\"\nsecret_access_key = \"work-secret-never-lost\"\n";

/// A profile from `~/.aws/config`, as discovery reports one.
fn aws_profile(name: &str) -> Profile {
    Profile {
        name: name.into(),
        source: ProfileSource::AwsConfig,
        region: Some("eu-west-1".into()),
        endpoint: None,
        access: ProfileAccess::AwsChain {
            profile: Some(name.into()),
        },
        default_bucket: None,
        max_link_lifetime: None,
        long_term_keys: false,
    }
}

/// Carries out the saves among `commands`, as the worker would.
fn run_saves(commands: Vec<Command>) {
    for command in commands {
        if let Command::SaveProfiles { store } = command {
            // A refused save is reported to the person; here it simply writes nothing.
            let _ = store.save();
        }
    }
}

/// Starts the window's state on `dir` (with one AWS profile beside Pail's), then switches
/// profile: the automatic saves of a normal start.
fn start_and_switch(dir: &Path) -> AppState {
    let mut state = AppState::new(Vec::new());
    let commands = state.start(None, Some(dir.to_owned()));
    let Some(Command::LoadProfiles { id, .. }) = commands.first().cloned() else {
        panic!("LoadProfiles first");
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut found = runtime.block_on(discover(Some(dir)));
    found.profiles.push(aws_profile("default"));
    found.profiles.push(aws_profile("personal"));
    run_saves(state.apply(Event::Profiles(ProfilesEvent::Found {
        id,
        found: Box::new(found),
    })));
    let other = (0..state.profiles.list().len())
        .find(|&i| Some(i) != state.profiles.current_index())
        .unwrap();
    let first = state.profiles.current_index().unwrap_or(0);
    run_saves(state.select_profile(other));
    run_saves(state.select_profile(first));
    state
}

/// Adds a new profile through the Profiles window's form: a deliberate save.
fn add_profile_on_purpose(state: &mut AppState, name: &str) {
    state.open_profile_form(None, false);
    let form = state
        .profiles_window_mut()
        .and_then(|w| w.form_mut())
        .unwrap();
    form.name = name.into();
    form.access_key_id = "AKIANEW".into();
    form.secret_access_key = "new-secret".into();
    run_saves(state.save_profile_form());
}

fn set_aside(dir: &Path, file: &str) -> Option<Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(&format!("{file}.broken-")))
        })
        .map(|p| std::fs::read(p).unwrap())
}

#[test]
fn a_provider_from_a_newer_pail_loses_no_keys() {
    // The reported case: an unknown provider in config.toml emptied credentials.toml.
    let dir = tempfile::tempdir().unwrap();
    let config = "[[profile]]\nname = \"work\"\nregion = \"fsn1\"\nprovider = \"hetzner\"\nendpoint = \"http://127.0.0.1:9\"\n";
    std::fs::write(dir.path().join(CONFIG), config).unwrap();
    std::fs::write(dir.path().join(CREDENTIALS), GOOD_KEYS).unwrap();

    let mut state = start_and_switch(dir.path());
    assert!(
        state.status.file_problems().is_empty(),
        "{:?}",
        state.status.file_problems()
    );
    assert!(state.profiles.list().iter().any(|p| p.name == "work"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join(CREDENTIALS)).unwrap(),
        GOOD_KEYS,
        "byte for byte"
    );
    let written = std::fs::read_to_string(dir.path().join(CONFIG)).unwrap();
    assert!(written.contains("hetzner"), "{written}");

    add_profile_on_purpose(&mut state, "client");
    let keys = std::fs::read_to_string(dir.path().join(CREDENTIALS)).unwrap();
    assert!(keys.contains("work-secret-never-lost"), "{keys}");
    assert!(keys.contains("[client]"), "{keys}");
}

#[test]
fn a_config_file_pail_cannot_read_holds_every_automatic_save() {
    let variants: [(&str, &[u8]); 2] = [
        (
            "wrong type",
            b"[[profile]]\nname = \"work\"\nregion = \"eu-west-1\"\npath_style = \"yes\"\n",
        ),
        (
            "not UTF-8",
            b"[[profile]]\nname = \"work\xff\"\nregion = \"eu-west-1\"\n",
        ),
    ];
    for (what, bytes) in variants {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(CONFIG), bytes).unwrap();
        std::fs::write(dir.path().join(CREDENTIALS), GOOD_KEYS).unwrap();

        let mut state = start_and_switch(dir.path());
        assert_eq!(state.status.file_problems().len(), 1, "{what}");
        assert!(
            state.status.file_problems()[0].contains("config.toml line "),
            "{what}: {}",
            state.status.file_problems()[0]
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join(CREDENTIALS)).unwrap(),
            GOOD_KEYS,
            "{what}: the keys file is untouched"
        );
        assert_eq!(
            set_aside(dir.path(), CONFIG).as_deref(),
            Some(bytes),
            "{what}"
        );
        assert!(!dir.path().join(CONFIG).exists(), "{what}: nothing written");

        // A later error does not hide the problem: only Dismiss does.
        state.status.set_error("network down");
        assert_eq!(state.status.file_problems().len(), 1);

        add_profile_on_purpose(&mut state, "client");
        let keys = std::fs::read_to_string(dir.path().join(CREDENTIALS)).unwrap();
        assert!(keys.contains("work-secret-never-lost"), "{what}: {keys}");
        assert!(keys.contains("[client]"), "{what}: {keys}");
    }
}

#[test]
fn a_keys_file_pail_cannot_read_is_kept_and_not_overwritten() {
    let variants: [(&str, &[u8]); 2] = [
        (
            "wrong type",
            b"[work]\naccess_key_id = \"AKIAWORK\"\nsecret_access_key = 42\n",
        ),
        (
            "not UTF-8",
            b"[work]\naccess_key_id = \"AKIA\xc3\x28\"\nsecret_access_key = \"s\"\n",
        ),
    ];
    for (what, bytes) in variants {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(CONFIG), GOOD_CONFIG).unwrap();
        std::fs::write(dir.path().join(CREDENTIALS), bytes).unwrap();

        let mut state = start_and_switch(dir.path());
        assert_eq!(state.status.file_problems().len(), 1, "{what}");
        assert!(
            state.status.file_problems()[0].contains("credentials.toml line "),
            "{what}: {}",
            state.status.file_problems()[0]
        );
        assert_eq!(
            set_aside(dir.path(), CREDENTIALS).as_deref(),
            Some(bytes),
            "{what}"
        );
        assert_eq!(
            std::fs::read_to_string(dir.path().join(CONFIG)).unwrap(),
            GOOD_CONFIG,
            "{what}: config.toml is untouched"
        );

        add_profile_on_purpose(&mut state, "client");
        let config = std::fs::read_to_string(dir.path().join(CONFIG)).unwrap();
        assert!(config.contains("name = \"work\""), "{what}: {config}");
        let keys = std::fs::read_to_string(dir.path().join(CREDENTIALS)).unwrap();
        assert!(
            !keys.contains("[work]"),
            "{what}: no blank keys written over the set-aside ones: {keys}"
        );
        // The set-aside file is still there, byte for byte.
        assert_eq!(set_aside(dir.path(), CREDENTIALS).as_deref(), Some(bytes));
    }
}
