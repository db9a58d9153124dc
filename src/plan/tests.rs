use std::collections::HashMap;

use super::*;

fn bucket() -> Space {
    Space {
        root: "http://127.0.0.1:9000|bkt|".into(),
        kind: SpaceKind::Bucket,
    }
}

fn folder(case_insensitive: bool, unicode_insensitive: bool) -> Space {
    Space {
        root: "file:/tmp/x/".into(),
        kind: SpaceKind::Folder {
            case_insensitive,
            unicode_insensitive,
        },
    }
}

fn item(name: &str) -> Item {
    Item {
        name: name.into(),
        size: 1,
        source_mtime: None,
        source_place: None,
        changed: None,
    }
}

fn there(names: &[&str]) -> impl Fn(&str) -> Seen {
    let names: HashMap<String, i64> = names.iter().map(|n| ((*n).to_owned(), 100)).collect();
    move |name| match names.get(name) {
        Some(t) => Seen::Present(Some(*t)),
        None => Seen::Absent,
    }
}

fn names(plan: &Plan) -> Vec<(String, Action)> {
    plan.steps
        .iter()
        .map(|s| (s.name.clone(), s.action.clone()))
        .collect()
}

#[test]
fn keep_both_passes_over_names_that_exist_and_names_the_batch_wants() {
    // `report (1).pdf` exists; `report (2).pdf` is wanted by the batch itself.
    let seen = there(&["in/report.pdf", "in/report (1).pdf"]);
    let items = [item("in/report.pdf"), item("in/report (2).pdf")];
    let plan = plan_batch(&bucket(), &items, Conflict::KeepBoth, &seen);
    assert_eq!(
        names(&plan),
        vec![
            (
                "in/report (3).pdf".into(),
                Action::Renamed(RenameReason::KeptBoth)
            ),
            ("in/report (2).pdf".into(), Action::New),
        ]
    );
    assert_eq!(
        plan.summary(),
        Summary {
            new: 1,
            replace: 0,
            renamed: 1,
            skipped: 0
        }
    );
}

#[test]
fn a_name_pail_could_not_see_is_never_taken_as_free() {
    let seen = |name: &str| {
        if name == "a.txt" {
            Seen::Present(None)
        } else {
            Seen::Unknown
        }
    };
    let items = [item("a.txt"), item("b.txt")];
    let plan = plan_batch(&bucket(), &items, Conflict::KeepBoth, &seen);
    assert_eq!(plan.steps[0].action, Action::Skip(SkipReason::NoFreeName));
    assert_eq!(plan.steps[1].action, Action::Skip(SkipReason::Unseen));
    // Told to overwrite whatever is there, it writes.
    let plan = plan_batch(&bucket(), &items, Conflict::Overwrite, &seen);
    assert_eq!(plan.summary().replace, 2);
}

#[test]
fn names_one_file_system_treats_as_one_file_are_kept_apart() {
    let seen = there(&[]);
    let items = [
        item("R.pdf"),
        item("r.pdf"),
        item("d//a.txt"),
        item("d/a.txt"),
    ];
    let plan = plan_batch(&folder(true, false), &items, Conflict::Overwrite, &seen);
    assert_eq!(
        names(&plan),
        vec![
            ("R.pdf".into(), Action::New),
            (
                "r (1).pdf".into(),
                Action::Renamed(RenameReason::SameAsAnother)
            ),
            ("d//a.txt".into(), Action::New),
            (
                "d/a (1).txt".into(),
                Action::Renamed(RenameReason::SameAsAnother)
            ),
        ]
    );
    // Where case counts, R.pdf and r.pdf are two files.
    let plan = plan_batch(
        &folder(false, false),
        &items[..2],
        Conflict::Overwrite,
        &seen,
    );
    assert_eq!(plan.summary().new, 2);
    // In a bucket, `d//a.txt` and `d/a.txt` are two keys.
    let plan = plan_batch(&bucket(), &items[2..], Conflict::Overwrite, &seen);
    assert_eq!(plan.summary().new, 2);
}

#[test]
fn unicode_forms_meet_where_the_file_system_folds_them() {
    let composed = "caf\u{e9}.txt";
    let decomposed = "cafe\u{301}.txt";
    let items = [item(composed), item(decomposed)];
    let plan = plan_batch(
        &folder(false, true),
        &items,
        Conflict::Overwrite,
        &there(&[]),
    );
    assert_eq!(plan.summary().renamed, 1);
    let plan = plan_batch(
        &folder(false, false),
        &items,
        Conflict::Overwrite,
        &there(&[]),
    );
    assert_eq!(plan.summary().new, 2);
}

#[test]
fn pails_own_partial_names_are_never_written() {
    let items = [
        item("coll/report.pdf"),
        item("coll/.report.pdf.pail-partial"),
    ];
    let plan = plan_batch(
        &folder(false, false),
        &items,
        Conflict::Overwrite,
        &there(&[]),
    );
    assert_eq!(
        names(&plan),
        vec![
            ("coll/report.pdf".into(), Action::New),
            (
                "coll/.report.pdf.pail-partial (1)".into(),
                Action::Renamed(RenameReason::PailsOwnName)
            ),
        ]
    );
    // In a bucket such a key is just a key.
    let plan = plan_batch(&bucket(), &items, Conflict::Overwrite, &there(&[]));
    assert_eq!(plan.summary().new, 2);
}

#[test]
fn a_copy_onto_its_own_source_is_skipped() {
    let space = bucket();
    let mut same = item("in/a.txt");
    same.source_place = Some(space.place_of("in/a.txt"));
    let mut other = item("in/b.txt");
    other.source_place = Some(format!("{}in/elsewhere.txt", space.root));
    let plan = plan_batch(&space, &[same, other], Conflict::Overwrite, &there(&[]));
    assert_eq!(plan.steps[0].action, Action::Skip(SkipReason::OntoItself));
    assert_eq!(plan.steps[1].action, Action::New);
}

#[test]
fn only_if_newer_compares_modification_times() {
    let seen = there(&["a", "b", "c"]); // all modified at 100
    let mut newer = item("a");
    newer.source_mtime = Some(200);
    let mut older = item("b");
    older.source_mtime = Some(50);
    let unknown = item("c");
    let plan = plan_batch(
        &bucket(),
        &[newer, older, unknown],
        Conflict::IfNewer,
        &seen,
    );
    let actions: Vec<Action> = plan.steps.into_iter().map(|s| s.action).collect();
    assert_eq!(
        actions,
        vec![
            Action::Replace,
            Action::Skip(SkipReason::NotNewer),
            Action::Skip(SkipReason::NotNewer)
        ]
    );
}

#[test]
fn skip_and_overwrite_apply_to_names_that_exist_only() {
    let seen = there(&["x"]);
    let items = [item("x"), item("y")];
    let plan = plan_batch(&bucket(), &items, Conflict::Skip, &seen);
    assert_eq!(plan.summary().skipped, 1);
    assert_eq!(plan.summary().new, 1);
    assert_eq!(plan.writes().count(), 1);
    let plan = plan_batch(&bucket(), &items, Conflict::Overwrite, &seen);
    assert_eq!(plan.summary().replace, 1);
}

#[test]
fn the_stem_prefix_finds_every_keep_both_candidate() {
    assert_eq!(stem_prefix("in/report.pdf"), "in/report");
    assert_eq!(stem_prefix("in/.env"), "in/.env");
    assert_eq!(stem_prefix("README"), "README");
    assert_eq!(stem_prefix("a.b/c"), "a.b/c");
}

#[test]
fn keys_that_pails_name_mapping_makes_equal_are_kept_apart() {
    use crate::local_path::{PathFlavor, components};
    // On Windows `a:b` is saved as `a_b`; control characters become `_` everywhere.
    let windows: Vec<Item> = ["a:b.txt", "a_b.txt", "x\u{7}.txt", "x_.txt"]
        .iter()
        .map(|key| item(&components(key, PathFlavor::Windows).unwrap().join("/")))
        .collect();
    let plan = plan_batch(
        &folder(true, false),
        &windows,
        Conflict::Overwrite,
        &there(&[]),
    );
    let names: Vec<&str> = plan.steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["a_b.txt", "a_b (1).txt", "x_.txt", "x_ (1).txt"]);
}

#[test]
fn a_file_named_like_a_folder_of_another_file_is_renamed() {
    let items = [item("d/a"), item("d/a/b"), item("d/a (1)/c")];
    let plan = plan_batch(
        &folder(false, false),
        &items,
        Conflict::Overwrite,
        &there(&[]),
    );
    assert_eq!(
        names(&plan),
        vec![
            (
                "d/a (2)".into(),
                Action::Renamed(RenameReason::NamesAFolder)
            ),
            ("d/a/b".into(), Action::New),
            ("d/a (1)/c".into(), Action::New),
        ]
    );
    // In a bucket `d/a` and `d/a/b` are two keys.
    let plan = plan_batch(&bucket(), &items, Conflict::Overwrite, &there(&[]));
    assert_eq!(plan.summary().new, 3);
}

#[test]
fn a_name_another_file_of_the_batch_is_read_from_is_not_written() {
    // Moving `a/x` and `a/a/x` into the bucket's top: `a/a/x` would land on `a/x`, which the
    // batch still has to read (and a move to delete).
    let space = bucket();
    let mut first = item("x");
    first.source_place = Some(space.place_of("a/x"));
    let mut second = item("a/x");
    second.source_place = Some(space.place_of("a/a/x"));
    let seen = there(&["a/x", "a/a/x"]);
    let plan = plan_batch(&space, &[first, second], Conflict::Overwrite, &seen);
    assert_eq!(
        names(&plan),
        vec![
            ("x".into(), Action::New),
            (
                "a/x (1)".into(),
                Action::Renamed(RenameReason::AnotherSource)
            ),
        ]
    );
}

/// A made-up item: the name Pail gave `key` on Windows, marked as changed.
fn made_up(key: &str) -> Item {
    use crate::local_path::{PathFlavor, components, why_changed};
    let mut item = item(&components(key, PathFlavor::Windows).unwrap().join("/"));
    item.changed = why_changed(key, PathFlavor::Windows).map(|why| Changed {
        from: key.into(),
        why,
    });
    assert!(item.changed.is_some(), "{key}");
    item
}

#[test]
fn a_name_pail_made_never_replaces_a_file_nor_takes_an_own_name() {
    // The made-up `ends_` comes first, yet the object really named `ends_` keeps the name.
    let items = [
        made_up("ends."),
        item("ends_"),
        made_up("a:b"),
        made_up("CON"),
    ];
    let seen = there(&["_CON", "a_b"]);
    for choice in [
        Conflict::Overwrite,
        Conflict::IfNewer,
        Conflict::Skip,
        Conflict::KeepBoth,
    ] {
        let plan = plan_batch(&folder(true, false), &items, choice, &seen);
        assert_eq!(
            names(&plan),
            [
                (
                    "ends_ (1)".to_owned(),
                    Action::Renamed(RenameReason::MadeUpTaken)
                ),
                ("ends_".to_owned(), Action::New),
                (
                    "a_b (1)".to_owned(),
                    Action::Renamed(RenameReason::MadeUpTaken)
                ),
                (
                    "_CON (1)".to_owned(),
                    Action::Renamed(RenameReason::MadeUpTaken)
                ),
            ],
            "{choice:?}"
        );
    }
    // Free, a made-up name is used as it is.
    let plan = plan_batch(
        &folder(true, false),
        &[made_up("CON")],
        Conflict::Overwrite,
        &there(&[]),
    );
    assert_eq!(names(&plan), [("_CON".to_owned(), Action::New)]);
}
