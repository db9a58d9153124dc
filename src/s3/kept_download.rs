//! A whole download that could not be put in place because another program holds its target
//! open (Windows): kept beside the target as `.NAME.kept.pail-partial`, one per target, and
//! removed by the next download that does reach the target. Its name tells it apart from a
//! download in progress (`.NAME.TOKEN.pail-partial`), which is never touched here.

use crate::local_dir::LandingDir;

/// The stem a partial or kept file of `name` starts with, after its leading `.`: `name`
/// itself, or a shortened one with a hash of the whole (so two long names stay apart) when
/// the additions would not fit a file name.
pub(super) fn stem(name: &str) -> String {
    use std::hash::{Hash, Hasher};
    // `.` + `.` + an 8-digit token + the suffix: the longest addition (a partial file's).
    let added = 2 + 8 + crate::plan::PARTIAL_SUFFIX.len();
    if name.len() + added <= crate::local_path::MAX_NAME_BYTES {
        return name.to_owned();
    }
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    name.hash(&mut hasher);
    let mut cut = 160;
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}-{:016x}", &name[..cut], hasher.finish())
}

/// The name the kept download of `name` is under: hidden, Pail's own (the planner never
/// writes a file there), and one per target.
pub(crate) fn kept_name(name: &str) -> String {
    format!(".{}.kept{}", stem(name), crate::plan::PARTIAL_SUFFIX)
}

/// Keeps the whole download in `partial` as the kept copy of `name` (an older kept copy of it
/// is replaced: these bytes are newer). Returns the name the bytes are under: `partial` itself
/// if the rename failed (the older copy open too), so the person is told the truth.
pub(super) fn keep(dir: &LandingDir, partial: &str, name: &str) -> String {
    let kept = kept_name(name);
    match dir.rename(partial, &kept) {
        Ok(()) => kept,
        Err(_) => partial.to_owned(),
    }
}

/// Once `name` holds a fresh download, the copy kept by an earlier one that could not be put
/// in place is of no more use: removed (if it is there; a failure leaves it, harmless).
pub(super) fn drop_kept(dir: &LandingDir, name: &str) {
    let _ = dir.remove(&kept_name(name));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_copy_is_pails_own_and_never_a_download_in_progress() {
        assert_eq!(kept_name("held.txt"), ".held.txt.kept.pail-partial");
        let long = "n".repeat(250);
        assert!(kept_name(&long).len() <= crate::local_path::MAX_NAME_BYTES);
        assert_ne!(kept_name(&long), kept_name(&"n".repeat(251)));
        // A partial name ends in an 8-digit hex token; `kept` is no such token.
        let in_progress = super::super::download::partial_name_for_tests("held.txt");
        assert_ne!(in_progress, kept_name("held.txt"));
        assert!(in_progress.starts_with(".held.txt.") && !in_progress.contains(".kept."));
    }
}
