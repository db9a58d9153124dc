//! The profile store on real files: round trips, secrets kept apart and private, files from
//! a newer Pail, files Pail cannot read, failed saves.

use super::*;

fn profile(name: &str) -> SavedProfile {
    SavedProfile {
        name: name.into(),
        access_key_id: "AKIAEXAMPLE".into(),
        secret_access_key: Secret::new("very-secret-key"),
        session_token: Some(Secret::new("session-token-value")),
        region: "eu-west-1".into(),
        provider: Provider::Minio,
        account_id: String::new(),
        endpoint: Some("http://localhost:9000".into()),
        path_style: true,
        default_bucket: Some("photos".into()),
        max_link_lifetime: None,
    }
}

#[test]
fn round_trip_keeps_secrets_apart_and_private() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = ProfileStore::in_dir(dir.path());
    store.upsert(None, profile("work"));
    store.upsert(None, profile("client"));
    store.default_profile = Some("work".into());
    store.save().unwrap();

    let config = std::fs::read_to_string(dir.path().join("config.toml")).unwrap();
    assert!(!config.contains("very-secret-key") && !config.contains("session-token"));
    let secrets = std::fs::read_to_string(dir.path().join("credentials.toml")).unwrap();
    assert!(secrets.contains("very-secret-key"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("credentials.toml"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    let (loaded, warnings) = ProfileStore::load(dir.path());
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(loaded.profiles, store.profiles);
    assert_eq!(loaded.default_profile.as_deref(), Some("work"));
}

#[test]
fn debug_output_hides_secrets() {
    let text = format!("{:?}", profile("work"));
    assert!(!text.contains("very-secret-key"), "{text}");
    assert!(!text.contains("session-token-value"), "{text}");
    assert!(text.contains("AKIAEXAMPLE"));
}

#[test]
fn a_broken_file_is_kept_aside_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "default_profile = \"x\"\n[[profile]]\nname = \n").unwrap();
    let (store, warnings) = ProfileStore::load(dir.path());
    assert!(store.profiles.is_empty());
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0].contains("config.toml line 3"),
        "{}",
        warnings[0]
    );
    assert!(warnings[0].contains("kept as"), "{}", warnings[0]);
    assert!(!config.exists(), "moved aside, not overwritten");
    let kept: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        kept.iter().any(|n| n.starts_with("config.toml.broken-")),
        "{kept:?}"
    );
}

#[test]
fn a_newer_files_unknown_provider_and_fields_survive_a_save() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        "theme = \"dark\"\n[[profile]]\nname = \"h\"\nregion = \"fsn1\"\n\
         provider = \"hetzner\"\nendpoint = \"https://fsn1.example.com\"\n\
         colour = \"teal\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("credentials.toml"),
        "[h]\naccess_key_id = \"AK\"\nsecret_access_key = \"SK\"\nmfa_serial = \"x\"\n",
    )
    .unwrap();
    let (mut store, warnings) = ProfileStore::load(dir.path());
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(store.profiles[0].provider, Provider::Custom);
    assert_eq!(
        store.profiles[0].endpoint.as_deref(),
        Some("https://fsn1.example.com")
    );
    store.last_used_profile = Some("h".into());
    store.save().unwrap();
    let config: toml::Table =
        toml::from_str(&std::fs::read_to_string(dir.path().join("config.toml")).unwrap()).unwrap();
    assert_eq!(config["theme"].as_str(), Some("dark"));
    let entry = config["profile"].as_array().unwrap()[0].as_table().unwrap();
    assert_eq!(entry["provider"].as_str(), Some("hetzner"));
    assert_eq!(entry["colour"].as_str(), Some("teal"));
    let keys = std::fs::read_to_string(dir.path().join("credentials.toml")).unwrap();
    assert!(keys.contains("mfa_serial"), "{keys}");
}

#[test]
fn unreadable_files_are_set_aside_and_hold_every_save() {
    let cases: [(&str, &[u8]); 4] = [
        (
            "config.toml",
            b"[[profile]]\nname = \"w\"\nregion = \"x\"\npath_style = \"yes\"\n",
        ),
        ("config.toml", b"# ok\n[[profile]]\nname = \"w\xff\"\n"),
        (
            "credentials.toml",
            b"[w]\naccess_key_id = \"AK\"\nsecret_access_key = 5\n",
        ),
        ("credentials.toml", b"[w]\n\xc3\x28 = 1\n"),
    ];
    for (file, bytes) in cases {
        let dir = tempfile::tempdir().unwrap();
        let mut good = ProfileStore::in_dir(dir.path());
        good.upsert(None, profile("w"));
        good.save().unwrap();
        std::fs::write(dir.path().join(file), bytes).unwrap();
        let (mut store, warnings) = ProfileStore::load(dir.path());
        assert_eq!(warnings.len(), 1, "{file}: {warnings:?}");
        assert!(
            warnings[0].contains(&format!("{file} line ")),
            "{}",
            warnings[0]
        );
        assert!(store.is_held());
        assert_eq!(store.save(), Err(StoreError::Held));
        let aside = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.to_string_lossy().contains(".broken-"))
            .unwrap_or_else(|| panic!("{file} set aside"));
        assert_eq!(std::fs::read(&aside).unwrap(), bytes, "kept byte for byte");
        // A deliberate save writes again, and keys no profile claimed are kept.
        store.release();
        store.upsert(None, profile("other"));
        store.save().unwrap();
        let keys = std::fs::read_to_string(dir.path().join("credentials.toml")).unwrap();
        if file == "config.toml" {
            assert!(keys.contains("[w]"), "{keys}");
        }
        assert!(keys.contains("[other]"), "{keys}");
    }
}

#[test]
fn a_file_that_cannot_be_read_at_all_is_set_aside_too() {
    let dir = tempfile::tempdir().unwrap();
    // A folder where the file should be: reading it fails with an I/O error.
    std::fs::create_dir(dir.path().join("credentials.toml")).unwrap();
    let (store, warnings) = ProfileStore::load(dir.path());
    assert!(store.is_held());
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("credentials.toml"), "{}", warnings[0]);
    assert!(warnings[0].contains("kept as"), "{}", warnings[0]);
    assert!(!dir.path().join("credentials.toml").exists());
}

#[test]
fn a_failed_save_keeps_the_old_files() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = ProfileStore::in_dir(dir.path());
    store.upsert(None, profile("work"));
    store.save().unwrap();
    let config_before = std::fs::read(&store.config_path).unwrap();
    // A non-empty folder where the keys should go: the final rename fails.
    let blocker = dir.path().join("blocker");
    std::fs::create_dir(&blocker).unwrap();
    std::fs::write(blocker.join("x"), b"").unwrap();
    store.credentials_path = blocker;
    store.upsert(Some("work"), profile("renamed"));
    assert!(store.save().is_err());
    assert_eq!(std::fs::read(&store.config_path).unwrap(), config_before);
    let (loaded, _) = ProfileStore::load(dir.path());
    assert_eq!(loaded.profiles[0].name, "work");
    assert_eq!(
        loaded.profiles[0].secret_access_key.expose(),
        "very-secret-key"
    );
}

#[test]
fn rename_and_delete_follow_default_and_last_used() {
    let mut store = ProfileStore::default();
    store.upsert(None, profile("a"));
    store.default_profile = Some("a".into());
    store.last_used_profile = Some("a".into());
    store.upsert(Some("a"), profile("b"));
    assert_eq!(store.profiles.len(), 1);
    assert_eq!(store.default_profile.as_deref(), Some("b"));
    store.delete("b");
    assert!(store.profiles.is_empty());
    assert_eq!(store.last_used_profile, None);
}

#[test]
fn validation_names_each_field() {
    let mut bad = profile("");
    bad.access_key_id.clear();
    bad.secret_access_key = Secret::default();
    bad.region = "Mars 1".into();
    bad.endpoint = Some("ftp://nope".into());
    bad.default_bucket = Some("x".into());
    let problems = validate(&bad, &[]).join("\n");
    for field in [
        "Name",
        "Access key ID",
        "Secret access key",
        "Region",
        "Endpoint",
        "Default bucket",
    ] {
        assert!(problems.contains(field), "{field} missing in {problems}");
    }
    assert!(validate(&profile("work"), &["work"])[0].contains("already exists"));
    assert!(validate(&profile("work"), &[]).is_empty());
}

#[test]
fn provider_endpoints() {
    assert_eq!(Provider::Aws.endpoint("eu-west-1", "", ""), None);
    assert_eq!(
        Provider::CloudflareR2
            .endpoint("auto", "abc123", "")
            .as_deref(),
        Some("https://abc123.r2.cloudflarestorage.com")
    );
    assert_eq!(
        Provider::Wasabi.endpoint("eu-central-1", "", "").as_deref(),
        Some("https://s3.eu-central-1.wasabisys.com")
    );
    assert_eq!(
        Provider::Minio
            .endpoint("us-east-1", "", " http://nas:9000 ")
            .as_deref(),
        Some("http://nas:9000")
    );
}

#[test]
fn max_link_lifetime_round_trips_in_its_written_form() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = ProfileStore::in_dir(dir.path());
    let month = std::time::Duration::from_secs(30 * 86_400);
    store.upsert(
        None,
        SavedProfile {
            max_link_lifetime: Some(month),
            ..profile("minio-lab")
        },
    );
    store.upsert(None, profile("plain"));
    store.save().unwrap();
    let config = std::fs::read_to_string(dir.path().join("config.toml")).unwrap();
    assert!(config.contains("max_link_lifetime = \"30d\""), "{config}");
    assert_eq!(config.matches("max_link_lifetime").count(), 1, "{config}");
    let (loaded, warnings) = ProfileStore::load(dir.path());
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(
        loaded.get("minio-lab").unwrap().max_link_lifetime,
        Some(month)
    );
    assert_eq!(loaded.get("plain").unwrap().max_link_lifetime, None);
}

#[test]
fn a_lifetime_this_pail_cannot_read_keeps_the_file_loading_and_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let config_text = "[[profile]]\nname = \"a\"\nregion = \"us-east-1\"\nprovider = \"minio\"\n\
         endpoint = \"http://localhost:9000\"\nmax_link_lifetime = \"1 month\"\n\
         [[profile]]\nname = \"b\"\nregion = \"us-east-1\"\nprovider = \"minio\"\n\
         endpoint = \"http://localhost:9000\"\nmax_link_lifetime = true\n\
         [[profile]]\nname = \"c\"\nregion = \"us-east-1\"\nprovider = \"minio\"\n\
         endpoint = \"http://localhost:9000\"\nmax_link_lifetime = \"720h\"\n\
         [[profile]]\nname = \"d\"\nregion = \"us-east-1\"\nprovider = \"minio\"\n\
         endpoint = \"http://localhost:9000\"\nmax_link_lifetime = 86400\n";
    std::fs::write(dir.path().join("config.toml"), config_text).unwrap();
    let (mut store, warnings) = ProfileStore::load(dir.path());
    assert!(
        !store.is_held(),
        "a lifetime alone never sets the file aside"
    );
    assert_eq!(store.profiles.len(), 4);
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings[0].contains("profile `a`") && warnings[0].contains("1 month"));
    assert!(warnings[1].contains("profile `b`") && warnings[1].contains("boolean"));
    assert!(warnings.iter().all(|w| w.contains("7-day")), "{warnings:?}");
    let lifetimes: Vec<_> = store.profiles.iter().map(|p| p.max_link_lifetime).collect();
    let day = std::time::Duration::from_secs(86_400);
    assert_eq!(lifetimes, [None, None, Some(day * 30), Some(day)]);

    // Saved without touching them: every value as it was written.
    store.last_used_profile = Some("a".into());
    store.save().unwrap();
    let config: toml::Table =
        toml::from_str(&std::fs::read_to_string(dir.path().join("config.toml")).unwrap()).unwrap();
    let written: Vec<&toml::Value> = config["profile"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["max_link_lifetime"])
        .collect();
    assert_eq!(written[0].as_str(), Some("1 month"));
    assert_eq!(written[1].as_bool(), Some(true));
    assert_eq!(written[2].as_str(), Some("720h"));
    assert_eq!(written[3].as_integer(), Some(86_400));

    // One the person sets replaces it; one cleared goes.
    let mut a = store.get("a").unwrap().clone();
    a.max_link_lifetime = Some(day * 14);
    store.upsert(Some("a"), a);
    let mut c = store.get("c").unwrap().clone();
    c.max_link_lifetime = None;
    store.upsert(Some("c"), c);
    store.save().unwrap();
    let text = std::fs::read_to_string(dir.path().join("config.toml")).unwrap();
    assert!(text.contains("max_link_lifetime = \"14d\""), "{text}");
    assert!(!text.contains("720h"), "{text}");
}

#[test]
fn an_aws_profile_cannot_save_links_past_a_week() {
    let week = crate::share::MAX_LINK_LIFETIME;
    let aws = SavedProfile {
        provider: Provider::Aws,
        endpoint: None,
        max_link_lifetime: Some(week * 2),
        ..profile("prod")
    };
    let problems = validate(&aws, &[]);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("Longest link") && problems[0].contains("7 days"));
    assert!(problems[0].contains("14d"), "{problems:?}");
    let shorter = SavedProfile {
        max_link_lifetime: Some(week),
        ..aws.clone()
    };
    assert!(validate(&shorter, &[]).is_empty());
    let minio = SavedProfile {
        max_link_lifetime: Some(week * 4),
        ..profile("minio-lab")
    };
    assert!(validate(&minio, &[]).is_empty());
}
