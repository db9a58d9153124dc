//! What the batch planner ([`crate::plan`]) needs from the world: what exists at each name a
//! batch wants, seen through listings of a bucket or looks at a folder on this computer, and
//! the question put to the person before a batch that would replace, rename or skip anything.
//! A lookup that fails is never read as "nothing there".

use std::collections::HashMap;

use crate::model::BucketName;
use crate::plan::{self, Item, Plan, Seen, Space, SpaceKind};
use crate::s3::connection::Connection;
use crate::s3::list::{self, Depth};

/// At most this many names are looked up one listing each; a bigger batch lists its whole
/// destination folder once.
const LOOKUPS_AT_MOST: usize = 20;

/// What Pail saw in a bucket: the keys under the prefixes it listed completely.
#[derive(Debug, Default)]
pub(super) struct BucketSeen {
    keys: HashMap<String, Option<i64>>,
    /// (prefix, whole tree): a key is known when a complete listing covered it.
    covered: Vec<(String, bool)>,
    /// Names looked at one by one (folder markers: a listing of a folder leaves out its own).
    exact: HashMap<String, Seen>,
    /// Why some listing failed, if one did.
    pub(super) failed: Option<String>,
}

impl BucketSeen {
    /// Nothing seen: the lookup could not even start.
    pub(super) fn failed(reason: String) -> Self {
        Self {
            failed: Some(reason),
            ..Self::default()
        }
    }

    pub(super) fn seen(&self, key: &str) -> Seen {
        if let Some(seen) = self.exact.get(key) {
            return seen.clone();
        }
        // One level covers its objects and its folders (`sub/`), nothing deeper.
        let covered = self.covered.iter().any(|(prefix, tree)| {
            key.strip_prefix(prefix.as_str())
                .is_some_and(|rest| *tree || !rest.trim_end_matches('/').contains('/'))
        });
        match (covered, self.keys.get(key)) {
            (false, _) => Seen::Unknown,
            (true, Some(modified)) => Seen::Present(*modified),
            (true, None) => Seen::Absent,
        }
    }
}

/// Looks at what exists at `names` in `bucket` (each under `folder`, which ends in `/` or is
/// empty). A few names: one listing of each name's stem (`report` finds `report.pdf` and every
/// `report (n).pdf` at once), a HEAD for a name that is its own stem or a folder marker. More:
/// one listing of each folder they go in, one level deep; past [`FOLDERS_AT_MOST`] such
/// folders, one listing of the whole tree.
pub(super) async fn look_in_bucket(
    connection: &Connection,
    bucket: &BucketName,
    folder: &str,
    names: &[&str],
) -> BucketSeen {
    let mut seen = BucketSeen::default();
    if names.len() > LOOKUPS_AT_MOST {
        let mut parents: Vec<&str> = names.iter().map(|n| parent_of(n)).collect();
        parents.sort_unstable();
        parents.dedup();
        if parents.len() > FOLDERS_AT_MOST {
            match list_tree(connection, bucket, folder).await {
                Ok(rows) => {
                    seen.keys = rows
                        .into_iter()
                        .map(|r| (r.key, Some(r.modified)))
                        .collect();
                    seen.covered.push((folder.to_owned(), true));
                }
                Err(e) => seen.failed = Some(e.to_string()),
            }
            return seen;
        }
        for parent in parents {
            list_level(connection, bucket, parent, &mut seen).await;
        }
        return seen;
    }
    // A folder marker, and a name that is its own stem (`README`, `.env`), are looked at one
    // by one: a listing with the name as its prefix leaves out the key equal to it.
    let (alone, names): (Vec<&str>, Vec<&str>) = names
        .iter()
        .partition(|n| n.ends_with('/') || plan::stem_prefix(n) == **n);
    for marker in alone {
        let looked = match crate::model::ObjectKey::new(marker.to_owned()) {
            Ok(key) => crate::s3::head::object_exists(connection, bucket, &key).await,
            Err(_) => continue,
        };
        let found = match looked {
            Ok(true) => Seen::Present(None),
            Ok(false) => Seen::Absent,
            Err(e) => {
                seen.failed = Some(e.to_string());
                Seen::Unknown
            }
        };
        seen.exact.insert(marker.to_owned(), found);
    }
    let mut stems: Vec<&str> = names.iter().map(|n| plan::stem_prefix(n)).collect();
    stems.sort_unstable();
    stems.dedup();
    for stem in stems {
        list_level(connection, bucket, stem, &mut seen).await;
    }
    seen
}

/// Folders listed one level each before a batch lists its whole tree instead.
const FOLDERS_AT_MOST: usize = 200;

/// The folder `name` goes in (`a/b/` for `a/b/c.txt` and for the marker `a/b/c/`).
fn parent_of(name: &str) -> &str {
    let trimmed = name.strip_suffix('/').unwrap_or(name);
    trimmed.rfind('/').map_or("", |i| &name[..=i])
}

/// One level under `prefix`: its objects, and its folders as names that are taken (a folder
/// there means a marker need not be made, and an object of that name is not written over).
async fn list_level(
    connection: &Connection,
    bucket: &BucketName,
    prefix: &str,
    seen: &mut BucketSeen,
) {
    let mut keys = Vec::new();
    let listed = crate::s3::list::list_folder_fanned(connection, bucket, prefix, |page, _| {
        for object in page.objects {
            keys.push((
                format!("{prefix}{}", object.name),
                Some(object.last_modified),
            ));
        }
        for folder in page.folders {
            keys.push((format!("{prefix}{folder}"), None));
        }
        true
    })
    .await;
    match listed {
        Ok(()) => {
            seen.keys.extend(keys);
            seen.covered.push((prefix.to_owned(), false));
        }
        Err(e) => seen.failed = Some(e.to_string()),
    }
}

/// One object of a tree listing.
#[derive(Debug, Clone)]
pub(super) struct Listed {
    pub(super) key: String,
    pub(super) size: u64,
    pub(super) modified: i64,
}

/// Every key under `prefix` at any depth, folder markers included, with sizes and dates.
pub(super) async fn list_tree(
    connection: &Connection,
    bucket: &BucketName,
    prefix: &str,
) -> Result<Vec<Listed>, list::BrowseError> {
    let mut rows = Vec::new();
    crate::s3::list::list_tree_fanned(connection, bucket, prefix, Depth::TreeKeys, |page, _| {
        rows.extend(page.objects.into_iter().map(|o| Listed {
            key: String::from(o.name),
            size: o.size,
            modified: o.last_modified,
        }));
        true
    })
    .await?;
    Ok(rows)
}

/// The space of a bucket as `profile` reaches it.
pub(super) fn bucket_space(profile: &crate::profiles::Profile, bucket: &BucketName) -> Space {
    Space {
        root: profile.bucket_place(bucket.as_str()),
        kind: SpaceKind::Bucket,
    }
}

/// What each answer would do to a batch into `bucket`, from what was seen there; `None` when
/// it writes every object under its own name with nothing there.
pub(super) fn bucket_outlook(
    space: &Space,
    items: &[Item],
    seen: &BucketSeen,
    bucket: &BucketName,
) -> Option<plan::Outlook> {
    let show = |key: &str| format!("s3://{bucket}/{key}");
    plan::outlook(
        space,
        items,
        &|key| seen.seen(key),
        seen.failed.clone(),
        &show,
    )
}

/// The question about batch `id`, for the window: into a bucket (`upload`: uploads and
/// copies) or into a folder on this computer.
pub(super) fn question(
    id: super::RequestId,
    outlook: plan::Outlook,
    upload: bool,
) -> super::FilesEvent {
    let (count, first) = (outlook.taken, outlook.first.clone());
    let outlook = Box::new(outlook);
    if upload {
        super::FilesEvent::UploadConflicts {
            id,
            count,
            first,
            outlook,
        }
    } else {
        super::FilesEvent::DownloadConflicts {
            id,
            count,
            first,
            outlook,
        }
    }
}

/// Each skipped or renamed step, said to the person (a renamed one says where it went).
pub(super) fn report(plan: &Plan, items: &[Item], sink: &super::EventSink) {
    for step in &plan.steps {
        let name = items.get(step.index).map_or("", |i| i.name.as_str());
        let changed = items.get(step.index).and_then(|i| i.changed.as_ref());
        let said = match (&step.action, changed) {
            // A name Pail made is always said, with why (and why it is numbered, if it is).
            (plan::Action::Skip(_), _) | (_, None) => None,
            (plan::Action::Renamed(reason), Some(changed)) => {
                Some(format!("{}; `{name}`: {reason}", changed.why))
            }
            (_, Some(changed)) => Some(changed.why.clone()),
        };
        if let (Some(reason), Some(changed)) = (said, changed) {
            let skipped = crate::local_path::Skipped::Renamed {
                name: changed.from.clone(),
                to: step.name.clone(),
                reason,
            };
            sink.send(super::FilesEvent::Skipped { skipped });
            continue;
        }
        let skipped = match &step.action {
            plan::Action::Skip(reason) => crate::local_path::Skipped::Planned {
                name: name.to_owned(),
                reason: reason.to_string(),
            },
            plan::Action::Renamed(reason) if *reason != plan::RenameReason::KeptBoth => {
                crate::local_path::Skipped::Renamed {
                    name: name.to_owned(),
                    to: step.name.clone(),
                    reason: reason.to_string(),
                }
            }
            _ => continue,
        };
        sink.send(super::FilesEvent::Skipped { skipped });
    }
}

/// What reading the same keys through two connections says of their buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum OneBucket {
    /// The same objects: one bucket under two names.
    Same,
    /// A key missing or different on one side: two buckets.
    Different,
    /// A read failed or told too little.
    CannotTell,
}

/// Whether two connections reach one bucket, whatever their endpoints are called (a name that
/// resolves to the same server, a proxy): a key read through both is then one object — the
/// same size, ETag and modification time. Asked for a few keys a copy would write onto their
/// own names.
pub(super) async fn one_bucket_in_fact(
    source: &Connection,
    target: &Connection,
    bucket: &BucketName,
    keys: &[&str],
) -> OneBucket {
    use crate::s3::objects::object_properties;
    let mut verdict = OneBucket::CannotTell;
    for key in keys.iter().take(3) {
        let Ok(key) = crate::model::ObjectKey::new((*key).to_owned()) else {
            continue;
        };
        let Ok(here) = object_properties(source, bucket, &key).await else {
            return OneBucket::CannotTell;
        };
        let there = match crate::s3::head::object_exists(target, bucket, &key).await {
            Ok(false) => return OneBucket::Different,
            Ok(true) => object_properties(target, bucket, &key).await,
            Err(_) => return OneBucket::CannotTell,
        };
        let Ok(there) = there else {
            return OneBucket::CannotTell;
        };
        if here.etag.is_none() || here.last_modified.is_none() {
            return OneBucket::CannotTell;
        }
        let same = here.size == there.size
            && here.etag == there.etag
            && here.last_modified == there.last_modified
            && here.version_id == there.version_id;
        if !same {
            return OneBucket::Different;
        }
        verdict = OneBucket::Same;
    }
    verdict
}
