//! The batch planner: for every file of an upload, a download or a copy, where it lands —
//! decided in one place, before anything is written.
//!
//! A batch is a list of [`Item`]s, each with the name it wants in the destination (a key in a
//! bucket, or a path relative to a folder on this computer). [`plan_batch`] checks every name
//! against what already exists there (as far as Pail could see), every other name of the same
//! batch, Pail's own temporary names, the names one file system treats as one file, and the
//! item's own source (a copy onto itself), and returns the [`Plan`]: each item's final name
//! and what happens to it. No I/O happens here; the worker gathers what exists
//! (`worker/planning.rs`) and runs the plan.

use std::collections::HashSet;

/// What to do when a file's destination already exists (asked once per batch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    Overwrite,
    Skip,
    /// Download as `name (1).ext`, `name (2).ext`, …
    KeepBoth,
    /// Replace a file only when the object is newer than it (by modification time).
    IfNewer,
}

/// The suffix of Pail's partial downloads (`.name.<token>.pail-partial`): no file a batch
/// writes may end with it, so a finished download can never land on one in progress.
pub const PARTIAL_SUFFIX: &str = ".pail-partial";

/// Where a batch writes, and the rules under which two names are one place there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Space {
    /// The place of the destination's root: resolved endpoint and bucket, or a canonical
    /// local folder. Names are appended to it to compare with an item's source place.
    pub root: String,
    pub kind: SpaceKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpaceKind {
    /// Keys in a bucket: two keys are one object only when they are equal.
    Bucket,
    /// Files in a folder on this computer.
    Folder {
        /// `R.pdf` and `r.pdf` are one file (Windows, macOS).
        case_insensitive: bool,
        /// `é` composed and decomposed are one file (macOS).
        unicode_insensitive: bool,
    },
}

impl SpaceKind {
    /// The folder rules of the system Pail runs on.
    pub const NATIVE_FOLDER: SpaceKind = SpaceKind::Folder {
        case_insensitive: cfg!(any(windows, target_os = "macos")),
        unicode_insensitive: cfg!(target_os = "macos"),
    };
}

impl Space {
    /// The form under which two names are the same place in this space.
    pub fn fold(&self, name: &str) -> String {
        match self.kind {
            SpaceKind::Bucket => name.to_owned(),
            SpaceKind::Folder {
                case_insensitive,
                unicode_insensitive,
            } => {
                // Empty segments vanish in a path: `a//b` is `a/b`.
                let joined: String = name
                    .split('/')
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join("/");
                let composed: String = if unicode_insensitive {
                    unicode_normalization::UnicodeNormalization::nfc(joined.as_str()).collect()
                } else {
                    joined
                };
                if case_insensitive {
                    // Upper then lower: `ς` and `σ` (and the like) meet, as on NTFS and APFS.
                    composed.to_uppercase().to_lowercase()
                } else {
                    composed
                }
            }
        }
    }

    /// The place `name` is, comparable with an [`Item::source_place`].
    pub fn place_of(&self, name: &str) -> String {
        format!("{}{}", self.root, self.fold(name))
    }

    /// Whether `name` is one Pail keeps for itself here: a partial download's.
    fn is_reserved(&self, name: &str) -> bool {
        matches!(self.kind, SpaceKind::Folder { .. })
            && name
                .rsplit('/')
                .next()
                .is_some_and(|leaf| leaf.to_lowercase().ends_with(PARTIAL_SUFFIX))
    }
}

/// One file of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The name it wants in the destination (a key, or a path relative to the folder).
    pub name: String,
    pub size: u64,
    /// The source's modification time (Unix seconds), where known: for "Only if newer".
    pub source_mtime: Option<i64>,
    /// The source's place (as [`Space::place_of`] would give it), to refuse a copy onto itself.
    pub source_place: Option<String>,
    /// Set when `name` is one Pail made because the source's own name cannot be a file here
    /// (`CON`, `a.` on Windows): such a name never replaces a file already there, nor takes
    /// the name another item of the batch has as its own.
    pub changed: Option<Changed>,
}

/// A name Pail had to change: from what, and why (said to the person).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed {
    pub from: String,
    pub why: String,
}

/// What Pail could see at a name in the destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    Absent,
    /// Something is there, modified at this time (Unix seconds) where known.
    Present(Option<i64>),
    /// The lookup failed: nothing is known, and nothing may be assumed.
    Unknown,
}

/// What happens to one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Written under its name; nothing is there.
    New,
    /// Written under its name, replacing what is there (or whatever may be there, where
    /// Pail could not see and the person said to overwrite).
    Replace,
    /// Written under another name ([`Step::name`]).
    Renamed(RenameReason),
    /// Not written.
    Skip(SkipReason),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenameReason {
    /// Keep both: its name was taken.
    KeptBoth,
    /// Another file of the batch lands on the same name here (case, Unicode form, `//`).
    SameAsAnother,
    /// Its name is one Pail uses for downloads in progress.
    PailsOwnName,
    /// Another file of the batch goes in a folder of this name (`d/a` beside `d/a/b`).
    NamesAFolder,
    /// Another file of the batch is read from this name: written there, it could be read
    /// after it was replaced, and a move would then delete what was written.
    AnotherSource,
    /// Its name is one Pail made (the source's own cannot be a file here), and that name is
    /// taken: by a file already there, or as its own name by another file of the batch.
    MadeUpTaken,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// Skip was chosen and the name is taken.
    Exists,
    /// "Only if newer" and what is there is as new or newer.
    NotNewer,
    /// Its destination is its own source.
    OntoItself,
    /// Pail could not see whether the name is taken, and was not told to overwrite.
    Unseen,
    /// No free name was found for it.
    NoFreeName,
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SkipReason::Exists => "it exists already",
            SkipReason::NotNewer => "the copy already there is as new or newer",
            SkipReason::OntoItself => "it would be copied onto itself",
            SkipReason::Unseen => "Pail could not see whether something is there already",
            SkipReason::NoFreeName => "no free name was found for it",
        })
    }
}

impl std::fmt::Display for RenameReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            RenameReason::KeptBoth => "its name is taken (Keep both)",
            RenameReason::SameAsAnother => {
                "another file of the batch has the same name on this file system"
            }
            RenameReason::PailsOwnName => "its name is one Pail uses for downloads in progress",
            RenameReason::NamesAFolder => "another file of the batch goes in a folder of that name",
            RenameReason::AnotherSource => "another file of the batch is read from that name",
            RenameReason::MadeUpTaken => "the name Pail made for it is taken",
        })
    }
}

/// One item's fate: the item (by its index in the batch), its final name, what happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub index: usize,
    pub name: String,
    pub action: Action,
}

/// How many of each; what the person sees before a batch runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub new: usize,
    pub replace: usize,
    pub renamed: usize,
    pub skipped: usize,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} new, {} replace, {} renamed, {} skipped",
            self.new, self.replace, self.renamed, self.skipped
        )
    }
}

/// A batch, planned: one step per item, in the items' order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub steps: Vec<Step>,
}

impl Plan {
    pub fn summary(&self) -> Summary {
        let mut summary = Summary::default();
        for step in &self.steps {
            match step.action {
                Action::New => summary.new += 1,
                Action::Replace => summary.replace += 1,
                Action::Renamed(_) => summary.renamed += 1,
                Action::Skip(_) => summary.skipped += 1,
            }
        }
        summary
    }

    /// The steps that write something, with their final names.
    pub fn writes(&self) -> impl Iterator<Item = &Step> {
        self.steps
            .iter()
            .filter(|s| !matches!(s.action, Action::Skip(_)))
    }
}

/// How many `name (n)` candidates are tried before an item is given up on.
const FREE_NAME_TRIES: usize = 10_000;

/// The one entry point: plans `items` into `space` under the person's `choice` for names that
/// are taken. `seen` tells what is at a name (it is asked for names the batch wants and for
/// Keep both candidates).
pub fn plan_batch(
    space: &Space,
    items: &[Item],
    choice: Conflict,
    seen: &dyn Fn(&str) -> Seen,
) -> Plan {
    // Every name the batch wants is spoken for: a renamed item never takes another's name.
    let mut claimed: HashSet<String> = items.iter().map(|i| space.fold(&i.name)).collect();
    // On a file system a name is a file or a folder, not both: the folders the batch's files
    // go in are spoken for too.
    let folders: HashSet<String> = match space.kind {
        SpaceKind::Bucket => HashSet::new(),
        SpaceKind::Folder { .. } => claimed
            .iter()
            .flat_map(|name| {
                name.match_indices('/')
                    .map(move |(i, _)| name[..i].to_owned())
            })
            .collect(),
    };
    claimed.extend(folders.iter().cloned());
    // The places the batch reads from, where they lie in this space.
    let sources: HashSet<&str> = items
        .iter()
        .filter_map(|i| i.source_place.as_deref())
        .collect();
    // The names items have as their own (not made up by Pail): those keep them.
    let own: HashSet<String> = items
        .iter()
        .filter(|i| i.changed.is_none())
        .map(|i| space.fold(&i.name))
        .collect();
    let mut written: HashSet<String> = HashSet::new();
    let mut steps = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let step = |name: String, action| Step {
            index,
            name,
            action,
        };
        if item.source_place.as_deref() == Some(space.place_of(&item.name).as_str()) {
            steps.push(step(
                item.name.clone(),
                Action::Skip(SkipReason::OntoItself),
            ));
            continue;
        }
        let folded = space.fold(&item.name);
        let forced = if space.is_reserved(&item.name) {
            Some(RenameReason::PailsOwnName)
        } else if folders.contains(&folded) {
            Some(RenameReason::NamesAFolder)
        } else if sources.contains(space.place_of(&item.name).as_str()) {
            Some(RenameReason::AnotherSource)
        } else if item.changed.is_some()
            && (own.contains(&folded) || seen(&item.name) != Seen::Absent)
        {
            Some(RenameReason::MadeUpTaken)
        } else if written.contains(&folded) {
            Some(RenameReason::SameAsAnother)
        } else {
            None
        };
        if let Some(reason) = forced {
            let action = match free_name(space, &item.name, &claimed, seen) {
                Some(name) => {
                    claimed.insert(space.fold(&name));
                    written.insert(space.fold(&name));
                    steps.push(step(name, Action::Renamed(reason)));
                    continue;
                }
                None => Action::Skip(SkipReason::NoFreeName),
            };
            steps.push(step(item.name.clone(), action));
            continue;
        }
        let action = match (seen(&item.name), choice) {
            (Seen::Absent, _) => Action::New,
            (Seen::Present(_) | Seen::Unknown, Conflict::Overwrite) => Action::Replace,
            (Seen::Unknown, _) => Action::Skip(SkipReason::Unseen),
            (Seen::Present(_), Conflict::Skip) => Action::Skip(SkipReason::Exists),
            (Seen::Present(there), Conflict::IfNewer) => {
                let newer = match (item.source_mtime, there) {
                    (Some(source), Some(there)) => {
                        source.saturating_sub(there) > crate::compare::DATE_TOLERANCE_SECS
                    }
                    // Nothing to compare: what is there stays.
                    _ => false,
                };
                if newer {
                    Action::Replace
                } else {
                    Action::Skip(SkipReason::NotNewer)
                }
            }
            (Seen::Present(_), Conflict::KeepBoth) => {
                match free_name(space, &item.name, &claimed, seen) {
                    Some(name) => {
                        claimed.insert(space.fold(&name));
                        written.insert(space.fold(&name));
                        steps.push(step(name, Action::Renamed(RenameReason::KeptBoth)));
                        continue;
                    }
                    None => Action::Skip(SkipReason::NoFreeName),
                }
            }
        };
        if !matches!(action, Action::Skip(_)) {
            written.insert(folded);
        }
        steps.push(step(item.name.clone(), action));
    }
    Plan { steps }
}

/// `dir/name (1).ext` for `dir/name.ext`: the first candidate that nobody in the batch wants,
/// that is not Pail's own, and that Pail saw to be free (a candidate it could not see is not
/// taken on trust).
fn free_name(
    space: &Space,
    name: &str,
    claimed: &HashSet<String>,
    seen: &dyn Fn(&str) -> Seen,
) -> Option<String> {
    let (folder, leaf) = match name.rfind('/') {
        Some(i) => (&name[..=i], &name[i + 1..]),
        None => ("", name),
    };
    // A reserved leaf keeps its whole name before the number: `.a.pail-partial (1)`.
    let (stem, extension) = match leaf.rfind('.') {
        Some(i) if i > 0 && !space.is_reserved(leaf) => (&leaf[..i], &leaf[i..]),
        _ => (leaf, ""),
    };
    (1..=FREE_NAME_TRIES)
        .map(|n| format!("{folder}{stem} ({n}){extension}"))
        .find(|candidate| {
            !claimed.contains(&space.fold(candidate))
                && !space.is_reserved(candidate)
                && seen(candidate) == Seen::Absent
        })
}

/// The stem a Keep both candidate of `name` starts with (`dir/report` for `dir/report.pdf`):
/// one listing with this prefix finds the name and every `name (n)` at once.
pub fn stem_prefix(name: &str) -> &str {
    let leaf_start = name.rfind('/').map_or(0, |i| i + 1);
    match name[leaf_start..].rfind('.') {
        Some(i) if i > 0 => &name[..leaf_start + i],
        _ => name,
    }
}

/// What the person is asked before a batch runs: what each answer would do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outlook {
    /// How many names are taken, and the first of them.
    pub taken: usize,
    pub first: String,
    /// Pail could not see what is at some names: why. Only Overwrite or Cancel make sense.
    pub unseen: Option<String>,
    pub overwrite: Summary,
    pub skip: Summary,
    pub keep_both: Summary,
    pub if_newer: Summary,
}

impl Outlook {
    /// What `choice` would do.
    pub fn of(&self, choice: Conflict) -> Summary {
        match choice {
            Conflict::Overwrite => self.overwrite,
            Conflict::Skip => self.skip,
            Conflict::KeepBoth => self.keep_both,
            Conflict::IfNewer => self.if_newer,
        }
    }
}

/// The outlook of a batch, or `None` when it writes every file under its own name with
/// nothing there (it then runs without a question).
pub fn outlook(
    space: &Space,
    items: &[Item],
    seen: &dyn Fn(&str) -> Seen,
    unseen: Option<String>,
    show: &dyn Fn(&str) -> String,
) -> Option<Outlook> {
    // Each name is looked at once, however many answers are planned.
    let known: std::collections::HashMap<&str, Seen> = items
        .iter()
        .map(|i| (i.name.as_str(), seen(&i.name)))
        .collect();
    let cached = |name: &str| known.get(name).cloned().unwrap_or_else(|| seen(name));
    let plan_for = |choice| plan_batch(space, items, choice, &cached);
    let overwrite = plan_for(Conflict::Overwrite);
    let taken: Vec<&str> = items
        .iter()
        .map(|i| i.name.as_str())
        .filter(|name| matches!(known.get(name), Some(Seen::Present(_))))
        .collect();
    let summary = overwrite.summary();
    let unseen = known
        .values()
        .any(|s| *s == Seen::Unknown)
        .then(|| unseen.unwrap_or_else(|| "a lookup failed".to_owned()));
    if summary.new == items.len() && unseen.is_none() {
        return None;
    }
    Some(Outlook {
        taken: taken.len(),
        first: taken.first().map(|n| show(n)).unwrap_or_default(),
        unseen,
        overwrite: summary,
        skip: plan_for(Conflict::Skip).summary(),
        keep_both: plan_for(Conflict::KeepBoth).summary(),
        if_newer: plan_for(Conflict::IfNewer).summary(),
    })
}

#[cfg(test)]
mod tests;
