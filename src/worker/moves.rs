//! What a move leaves behind. Each file's source goes as soon as that file has arrived whole
//! and its copy is verified against it (so a cut halfway through loses nothing: the rest is
//! still where it was); the folders the batch emptied go once every file of the batch has
//! arrived, and only then.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::model::BucketName;
use crate::profiles::Profile;
use crate::s3::transfer::TransferError;

use super::{Connections, connection_for};

/// The folders a move empties, removed at its end.
#[derive(Debug, Default)]
pub(super) enum Emptied {
    /// Nothing beyond the files.
    #[default]
    Nothing,
    /// Folders on this computer, removed deepest first and only if empty.
    LocalFolders(Vec<PathBuf>),
    /// Folder markers (`name/`, zero bytes) in a bucket.
    Markers {
        profile: Box<Profile>,
        bucket: BucketName,
        keys: Vec<String>,
    },
}

/// One move batch: how many files are still to arrive, whether any failed, and the folders
/// to remove once all have arrived.
pub(super) struct MoveBatch {
    remaining: AtomicUsize,
    failed: AtomicBool,
    emptied: std::sync::Mutex<Emptied>,
    connections: Connections,
}

impl MoveBatch {
    pub(super) fn new(files: usize, emptied: Emptied, connections: Connections) -> Arc<Self> {
        Arc::new(Self {
            remaining: AtomicUsize::new(files),
            failed: AtomicBool::new(false),
            emptied: std::sync::Mutex::new(emptied),
            connections,
        })
    }

    /// One file of the batch is over (`arrived`: complete, its source removed). The last one
    /// removes the emptied folders, unless a file failed or was cancelled: then they stay
    /// with what is still in them.
    pub(super) async fn file_done(&self, arrived: bool) {
        if !arrived {
            self.failed.store(true, Ordering::SeqCst);
        }
        if self.remaining.fetch_sub(1, Ordering::SeqCst) != 1 || self.failed.load(Ordering::SeqCst)
        {
            return;
        }
        self.remove_emptied().await;
    }

    /// A batch with no file to wait for (only empty folders were picked, or every file was
    /// skipped): what it emptied goes now.
    pub(super) async fn settle_if_empty(&self) {
        if self.remaining.load(Ordering::SeqCst) == 0 && !self.failed.load(Ordering::SeqCst) {
            self.remove_emptied().await;
        }
    }

    async fn remove_emptied(&self) {
        let emptied = match self.emptied.lock() {
            Ok(mut emptied) => std::mem::take(&mut *emptied),
            Err(_) => return,
        };
        match emptied {
            Emptied::Nothing => {}
            Emptied::LocalFolders(mut folders) => {
                // Deepest first; a folder that still holds anything (a skipped file) stays.
                folders.sort_by_key(|f| std::cmp::Reverse(f.components().count()));
                for folder in folders {
                    let _ = tokio::fs::remove_dir(&folder).await;
                }
            }
            Emptied::Markers {
                profile,
                bucket,
                keys,
            } => {
                if let Ok(connection) = connection_for(&self.connections, &profile).await {
                    let empty = still_empty(&connection, &bucket, keys).await;
                    let _ = crate::s3::objects::delete_keys(&connection, &bucket, &empty).await;
                }
            }
        }
    }
}

/// What a move removes once a file has arrived.
#[derive(Debug, Clone)]
pub(super) enum MovedSource {
    LocalFile(PathBuf),
    Object {
        profile: Box<Profile>,
        bucket: BucketName,
        key: String,
    },
}

/// Where a moved file arrived: what its source is checked against before it goes. The same
/// two kinds of place as a source.
pub(super) type Arrival = MovedSource;

/// What a source was when its copy was checked: it is removed only if it still is, so a file
/// or object changed in between (a newer version nobody copied) stays.
#[derive(Debug)]
enum Checked {
    File(crate::s3::stall::FileState),
    /// The object's ETag (none: the server gave none to hold it to).
    Object(Option<String>),
    Unknown,
}

impl MoveBatch {
    /// Ends one file of the batch: removes its source once it arrived at `arrival` and the
    /// copy there is verified against it (sizes and CRC32, see [`crate::s3::verify`]). A copy
    /// that does not pass keeps its source; a source that cannot be removed makes the transfer
    /// fail with the reason, so the person knows the file is now in both places.
    pub(super) async fn finish(
        &self,
        source: &MovedSource,
        arrival: &Arrival,
        result: Result<(), TransferError>,
    ) -> Result<(), TransferError> {
        let result = match result {
            Ok(()) => match self.verify(source, arrival).await {
                Ok(checked) => self.remove(source, &checked).await,
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        };
        self.file_done(result.is_ok()).await;
        result
    }

    /// Whether the copy at `arrival` is the same bytes as `source`; what the source was when
    /// it was checked.
    async fn verify(
        &self,
        source: &MovedSource,
        arrival: &Arrival,
    ) -> Result<Checked, TransferError> {
        use crate::s3::verify;
        let not_verified = |e: TransferError| match e {
            TransferError::NotVerified(_) => e,
            other => TransferError::NotVerified(format!("it could not be checked: {other}")),
        };
        let object = async |profile: &Profile, bucket: &BucketName, key: &str| {
            let connection = connection_for(&self.connections, profile)
                .await
                .map_err(TransferError::Connect)?;
            let key = crate::model::ObjectKey::new(key.to_owned())
                .map_err(|e| TransferError::InvalidName(e.to_string()))?;
            Ok::<_, TransferError>((connection, bucket.clone(), key))
        };
        let checked = async {
            match (source, arrival) {
                (
                    MovedSource::LocalFile(path),
                    MovedSource::Object {
                        profile,
                        bucket,
                        key,
                    },
                ) => {
                    let (connection, bucket, key) = object(profile, bucket, key).await?;
                    let before = crate::s3::stall::FileState::of(path)
                        .map_err(|e| TransferError::NotVerified(e.to_string()))?;
                    verify::verify_file(path, (&connection, &bucket, &key)).await?;
                    Ok(Checked::File(before))
                }
                (
                    MovedSource::Object {
                        profile,
                        bucket,
                        key,
                    },
                    MovedSource::LocalFile(path),
                ) => {
                    let (connection, bucket, key) = object(profile, bucket, key).await?;
                    verify::verify_file(path, (&connection, &bucket, &key))
                        .await
                        .map(Checked::Object)
                }
                (
                    MovedSource::Object {
                        profile,
                        bucket,
                        key,
                    },
                    MovedSource::Object {
                        profile: to_profile,
                        bucket: to_bucket,
                        key: to_key,
                    },
                ) => {
                    let from = object(profile, bucket, key).await?;
                    let to = object(to_profile, to_bucket, to_key).await?;
                    verify::verify_copy_seen((&from.0, &from.1, &from.2), (&to.0, &to.1, &to.2))
                        .await
                        .map(|(_, etag)| Checked::Object(etag))
                }
                // A move from this computer to this computer is no transfer of Pail's.
                (MovedSource::LocalFile(_), MovedSource::LocalFile(_)) => Ok(Checked::Unknown),
            }
        };
        checked.await.map_err(not_verified)
    }

    async fn remove(&self, source: &MovedSource, checked: &Checked) -> Result<(), TransferError> {
        const CHANGED: &str = "it changed after its copy was checked, so it stays";
        match source {
            MovedSource::LocalFile(path) => {
                let kept = |reason: &dyn std::fmt::Display| {
                    TransferError::SourceKept(format!("{}: {reason}", path.display()))
                };
                if let Checked::File(before) = checked
                    && !before.still_at(path)
                {
                    return Err(kept(&CHANGED));
                }
                tokio::fs::remove_file(path).await.map_err(|e| kept(&e))
            }
            MovedSource::Object {
                profile,
                bucket,
                key,
            } => {
                let kept = |reason: String| TransferError::SourceKept(format!("{key}: {reason}"));
                let connection = connection_for(&self.connections, profile)
                    .await
                    .map_err(|e| kept(e.to_string()))?;
                let etag = match checked {
                    Checked::Object(etag) => etag.as_deref(),
                    _ => None,
                };
                let name =
                    crate::model::ObjectKey::new(key.clone()).map_err(|e| kept(e.to_string()))?;
                let deleted =
                    crate::s3::objects::delete_if_unchanged(&connection, bucket, &name, etag)
                        .await
                        .map_err(|e| kept(e.to_string()))?;
                if deleted {
                    Ok(())
                } else {
                    Err(kept(CHANGED.to_owned()))
                }
            }
        }
    }
}

/// Of the folder markers `keys`, those that still hold no bytes. A key ending in `/` may hold
/// data (other tools write such objects); a move never recreates or removes one of those as
/// if it were an empty folder — it stays, with its bytes. One that cannot be asked about stays
/// too.
async fn still_empty(
    connection: &crate::s3::connection::Connection,
    bucket: &BucketName,
    keys: Vec<String>,
) -> Vec<String> {
    let mut empty = Vec::with_capacity(keys.len());
    for key in keys {
        let Ok(object) = crate::model::ObjectKey::new(key.clone()) else {
            continue;
        };
        let size = crate::s3::objects::object_properties(connection, bucket, &object)
            .await
            .map(|p| p.size);
        if size == Ok(0) {
            empty.push(key);
        }
    }
    empty
}

/// The folders under `roots` that hold `files`: what an upload move empties.
pub(super) fn folders_emptied(roots: &[PathBuf], files: &[PathBuf]) -> Vec<PathBuf> {
    let mut folders = std::collections::BTreeSet::new();
    for root in roots.iter().filter(|r| r.is_dir()) {
        for file in files.iter().filter(|f| f.starts_with(root)) {
            let mut folder = file.parent();
            while let Some(f) = folder {
                if !f.starts_with(root) {
                    break;
                }
                folders.insert(f.to_owned());
                folder = f.parent();
            }
        }
    }
    folders.into_iter().collect()
}

/// The folder markers under `prefixes` that are the folder of a moved key or one of its
/// parents: folders the move empties. Markers of folders with nothing moved stay.
pub(super) fn markers_emptied(markers: &[String], moved: &[String]) -> Vec<String> {
    markers
        .iter()
        .filter(|marker| moved.iter().any(|key| key.starts_with(marker.as_str())))
        .cloned()
        .collect()
}

/// The folder markers a copy-move carries over whole: those with no key left behind under
/// them (`kept`: skipped or refused). Empty folders are made in the destination, so their
/// markers go too.
pub(super) fn markers_carried(markers: &[String], kept: &[String]) -> Vec<String> {
    markers
        .iter()
        .filter(|marker| !kept.iter().any(|key| key.starts_with(marker.as_str())))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_move_carries_every_marker_but_those_above_what_stays() {
        let markers = vec!["in/".to_owned(), "in/empty/".to_owned(), "in/a/".to_owned()];
        let kept = vec!["in/a/skipped.txt".to_owned()];
        assert_eq!(markers_carried(&markers, &kept), vec!["in/empty/"]);
        assert_eq!(markers_carried(&markers, &[]), markers);
    }

    #[test]
    fn an_upload_move_empties_the_folders_of_its_files_and_nothing_above_them() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("photos");
        std::fs::create_dir_all(root.join("2026/june")).unwrap();
        let files = vec![
            root.join("2026/june/a.jpg"),
            root.join("b.jpg"),
            dir.path().join("loose.txt"),
        ];
        let folders = folders_emptied(&[root.clone(), dir.path().join("loose.txt")], &files);
        assert_eq!(
            folders,
            vec![root.clone(), root.join("2026"), root.join("2026/june")]
        );
    }

    #[test]
    fn only_markers_above_moved_keys_go() {
        let markers = vec!["in/".to_owned(), "in/empty/".to_owned(), "in/a/".to_owned()];
        let moved = vec!["in/a/x.txt".to_owned()];
        assert_eq!(markers_emptied(&markers, &moved), vec!["in/", "in/a/"]);
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn an_original_goes_only_when_its_copy_matches_it() {
        use crate::s3::transfer::TransferControl;
        use crate::s3::upload::upload_file;
        let server =
            crate::demo::server::LocalServer::start_temporary("AKTEST", "secret-test").unwrap();
        server.create_bucket("moves").unwrap();
        let (connection, profile) = (server.connection(), crate::demo::demo_profile(&server));
        let bucket = BucketName::new("moves").unwrap();
        let object = |key: &str| MovedSource::Object {
            profile: Box::new(profile.clone()),
            bucket: bucket.clone(),
            key: key.to_owned(),
        };
        let dir = tempfile::tempdir().unwrap();
        let put = async |name: &str, bytes: &[u8]| {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            let key = crate::model::ObjectKey::new(name).unwrap();
            let control = TransferControl::default();
            upload_file(&connection, &bucket, &key, &path, &control)
                .await
                .unwrap();
            path
        };
        let batch = MoveBatch::new(4, Emptied::Nothing, Connections::default());

        // Up: the file as it went up goes; one that is not what the server holds stays.
        let same = put("same.txt", b"same bytes").await;
        let source = MovedSource::LocalFile(same.clone());
        assert_eq!(
            batch.finish(&source, &object("same.txt"), Ok(())).await,
            Ok(())
        );
        assert!(!same.exists());
        let other = put("other.txt", b"old bytes!").await;
        std::fs::write(&other, b"new bytes!").unwrap();
        let source = MovedSource::LocalFile(other.clone());
        let kept = batch.finish(&source, &object("other.txt"), Ok(())).await;
        assert!(
            matches!(kept, Err(TransferError::NotVerified(_))),
            "{kept:?}"
        );
        assert!(other.exists());

        // Across: an object whose copy holds other bytes stays; a true copy's original goes.
        put("a.txt", b"aaaa").await;
        put("b.txt", b"bbbb").await;
        let kept = batch
            .finish(&object("a.txt"), &object("b.txt"), Ok(()))
            .await;
        assert!(
            matches!(kept, Err(TransferError::NotVerified(_))),
            "{kept:?}"
        );
        let key = |k: &str| crate::model::ObjectKey::new(k).unwrap();
        let exists = async |k: &str| {
            crate::s3::objects::object_properties(&connection, &bucket, &key(k))
                .await
                .is_ok()
        };
        assert!(exists("a.txt").await);
        crate::s3::objects::copy_object(
            &connection,
            &bucket,
            &key("a.txt"),
            &bucket,
            &key("c.txt"),
            true,
        )
        .await
        .unwrap();
        assert_eq!(
            batch
                .finish(&object("a.txt"), &object("c.txt"), Ok(()))
                .await,
            Ok(())
        );
        assert!(!exists("a.txt").await);
    }

    #[tokio::test]
    async fn folders_go_only_when_every_file_arrived() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("moved");
        std::fs::create_dir(&folder).unwrap();
        let connections = Connections::default();
        let batch = MoveBatch::new(
            2,
            Emptied::LocalFolders(vec![folder.clone()]),
            connections.clone(),
        );
        batch.file_done(true).await;
        assert!(folder.exists(), "one file is still on its way");
        batch.file_done(false).await;
        assert!(folder.exists(), "a file failed: its folder stays");

        let batch = MoveBatch::new(1, Emptied::LocalFolders(vec![folder.clone()]), connections);
        batch.file_done(true).await;
        assert!(!folder.exists());
    }

    /// A source changed after its copy was checked is a newer version nobody copied: it
    /// stays, and the person is told; unchanged, it goes.
    #[tokio::test(flavor = "multi_thread")]
    async fn a_source_changed_after_its_check_stays() {
        let server =
            crate::demo::server::LocalServer::start_temporary("AKTEST", "secret-test").unwrap();
        server.create_bucket("moves").unwrap();
        let (connection, profile) = (server.connection(), crate::demo::demo_profile(&server));
        let batch = MoveBatch::new(3, Emptied::Nothing, Connections::default());
        let put = async |bytes: &'static [u8]| {
            let output = connection
                .client()
                .put_object()
                .bucket("moves")
                .key("a.txt")
                .body(bytes.to_vec().into())
                .send()
                .await
                .unwrap();
            output.e_tag().map(str::to_owned)
        };
        let object = MovedSource::Object {
            profile: Box::new(profile.clone()),
            bucket: BucketName::new("moves").unwrap(),
            key: "a.txt".to_owned(),
        };
        let checked = put(b"checked").await;
        put(b"written since").await;
        let kept = batch.remove(&object, &Checked::Object(checked)).await;
        assert!(
            matches!(&kept, Err(TransferError::SourceKept(why)) if why.contains("changed")),
            "{kept:?}"
        );
        let held = connection
            .client()
            .get_object()
            .bucket("moves")
            .key("a.txt")
            .send()
            .await
            .unwrap();
        assert_eq!(
            &held.body.collect().await.unwrap().to_vec(),
            b"written since"
        );
        let now = put(b"written since").await;
        assert_eq!(batch.remove(&object, &Checked::Object(now)).await, Ok(()));

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("file.txt");
        std::fs::write(&path, b"checked").unwrap();
        let before = crate::s3::stall::FileState::of(&path).unwrap();
        std::fs::write(&path, b"written since, longer").unwrap();
        let source = MovedSource::LocalFile(path.clone());
        let kept = batch.remove(&source, &Checked::File(before)).await;
        assert!(
            matches!(kept, Err(TransferError::SourceKept(_))),
            "{kept:?}"
        );
        assert!(path.exists());
    }
}
