//! What the Versions window shows: one bucket folder's versions, grouped under their key,
//! the bucket's versioning state, the action in flight and the delete waiting to be
//! confirmed. No egui and no I/O: answers come in through [`Versions::listed`] and
//! [`Versions::done`], each dropped unless it answers the request in flight.

use crate::model::BucketName;
use crate::profiles::Profile;
use crate::s3::versions::{FolderVersions, ObjectVersion, VersioningState};
use crate::worker::{JobError, RequestId};

/// The Versions window's state; closed by default.
#[derive(Debug, Default)]
pub struct Versions {
    shown: Option<Shown>,
}

/// An open Versions window.
#[derive(Debug)]
struct Shown {
    profile: Profile,
    bucket: BucketName,
    prefix: String,
    /// The listing in flight.
    listing: Option<RequestId>,
    listed: FolderVersions,
    state: Option<Result<VersioningState, String>>,
    /// Why the listing failed.
    error: Option<String>,
    notice: Option<String>,
    /// Why the last Restore, Undelete or Delete failed; kept while the list is read again.
    action_error: Option<String>,
    /// Restore, Undelete or Delete in flight.
    acting: Option<RequestId>,
    /// The version "Delete version permanently" asks about.
    confirm: Option<ObjectVersion>,
    /// The version Download waits to know the folder for.
    download: Option<ObjectVersion>,
}

/// Where the window is: profile, bucket, folder.
#[derive(Debug, Clone, Copy)]
pub struct VersionsPlace<'a> {
    pub profile: &'a Profile,
    pub bucket: &'a BucketName,
    pub prefix: &'a str,
}

impl Versions {
    /// Opens (or moves) the window on `prefix` of `bucket`, listing it as request `id`.
    pub fn open(&mut self, profile: Profile, bucket: BucketName, prefix: String, id: RequestId) {
        self.shown = Some(Shown {
            profile,
            bucket,
            prefix,
            listing: Some(id),
            listed: FolderVersions::default(),
            state: None,
            error: None,
            notice: None,
            action_error: None,
            acting: None,
            confirm: None,
            download: None,
        });
    }

    pub fn is_open(&self) -> bool {
        self.shown.is_some()
    }

    /// Closes the window; its answers still on their way are dropped. The listing's id, to
    /// cancel it.
    pub fn close(&mut self) -> Option<RequestId> {
        self.shown.take().and_then(|s| s.listing)
    }

    pub fn place(&self) -> Option<VersionsPlace<'_>> {
        self.shown.as_ref().map(|s| VersionsPlace {
            profile: &s.profile,
            bucket: &s.bucket,
            prefix: &s.prefix,
        })
    }

    /// Lists the same folder again as request `id`.
    pub fn relist(&mut self, id: RequestId) {
        if let Some(shown) = &mut self.shown {
            shown.listing = Some(id);
            shown.error = None;
        }
    }

    pub fn is_loading(&self) -> bool {
        self.shown.as_ref().is_some_and(|s| s.listing.is_some())
    }

    /// Each key's versions, newest first, keys in order.
    pub fn rows(&self) -> &[ObjectVersion] {
        self.shown.as_ref().map_or(&[], |s| &s.listed.versions)
    }

    /// The folders below (listed, not opened here).
    pub fn folders(&self) -> &[String] {
        self.shown.as_ref().map_or(&[], |s| &s.listed.folders)
    }

    pub fn versioning(&self) -> Option<&Result<VersioningState, String>> {
        self.shown.as_ref()?.state.as_ref()
    }

    pub fn error(&self) -> Option<&str> {
        self.shown.as_ref()?.error.as_deref()
    }

    pub fn notice(&self) -> Option<&str> {
        self.shown.as_ref()?.notice.as_deref()
    }

    /// Why the last action failed.
    pub fn action_error(&self) -> Option<&str> {
        self.shown.as_ref()?.action_error.as_deref()
    }

    /// An action is in flight: the rows' buttons wait.
    pub fn is_acting(&self) -> bool {
        self.shown.as_ref().is_some_and(|s| s.acting.is_some())
    }

    /// An action was sent as request `id`.
    pub fn acting(&mut self, id: RequestId) {
        if let Some(shown) = &mut self.shown {
            shown.acting = Some(id);
            shown.notice = None;
            shown.action_error = None;
        }
    }

    /// Says `text` in the window (a download queued).
    pub fn set_notice(&mut self, text: String) {
        if let Some(shown) = &mut self.shown {
            shown.notice = Some(text);
        }
    }

    /// The version waiting for "Delete version permanently" to be confirmed.
    pub fn confirming(&self) -> Option<&ObjectVersion> {
        self.shown.as_ref()?.confirm.as_ref()
    }

    pub fn ask_delete(&mut self, version: ObjectVersion) {
        if let Some(shown) = &mut self.shown {
            shown.confirm = Some(version);
        }
    }

    /// The confirmed version, taken; `None` when nothing was asked.
    pub fn take_confirmed(&mut self) -> Option<ObjectVersion> {
        self.shown.as_mut()?.confirm.take()
    }

    /// Download asks for a folder first; the version waits here.
    pub fn wait_for_folder(&mut self, version: ObjectVersion) {
        if let Some(shown) = &mut self.shown {
            shown.download = Some(version);
        }
    }

    /// The version waiting for a folder, taken.
    pub fn take_download(&mut self) -> Option<ObjectVersion> {
        self.shown.as_mut()?.download.take()
    }

    /// The listing's answer, if it is the one in flight.
    pub fn listed(
        &mut self,
        id: RequestId,
        result: Result<Box<FolderVersions>, JobError>,
        state: Result<VersioningState, String>,
    ) {
        let Some(shown) = self.shown.as_mut().filter(|s| s.listing == Some(id)) else {
            return;
        };
        shown.listing = None;
        shown.state = Some(state);
        match result {
            Ok(listed) => shown.listed = *listed,
            // The rows shown before stay; the error says they may be out of date.
            Err(e) => shown.error = Some(e.to_string()),
        }
    }

    /// An action's answer, if it is the one in flight: `true` when the folder should be
    /// listed again (it changed).
    pub fn done(&mut self, id: RequestId, result: Result<String, JobError>) -> bool {
        let Some(shown) = self.shown.as_mut().filter(|s| s.acting == Some(id)) else {
            return false;
        };
        shown.acting = None;
        match result {
            Ok(text) => {
                shown.notice = Some(text);
                true
            }
            Err(e) => {
                // Read again: what failed may have changed under the window.
                shown.action_error = Some(e.to_string());
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile() -> Profile {
        crate::profiles::Profile::fixed(
            "p",
            crate::profiles::ProfileSource::Demo,
            aws_credential_types::Credentials::new("a", "b", None, None, "t"),
            crate::model::Endpoint::custom("http://127.0.0.1:1").unwrap(),
            "us-east-1",
        )
    }

    #[test]
    fn only_the_answers_in_flight_are_taken() {
        let mut versions = Versions::default();
        let bucket = BucketName::new("bkt").unwrap();
        versions.open(profile(), bucket, "docs/".into(), RequestId(1));
        let listed = FolderVersions {
            folders: vec!["docs/a/".into()],
            versions: Vec::new(),
        };
        versions.listed(
            RequestId(9),
            Ok(Box::new(listed.clone())),
            Ok(VersioningState::Enabled),
        );
        assert!(versions.is_loading(), "a stale answer is dropped");
        versions.listed(
            RequestId(1),
            Ok(Box::new(listed)),
            Ok(VersioningState::Enabled),
        );
        assert!(!versions.is_loading());
        assert_eq!(versions.folders(), ["docs/a/"]);
        versions.acting(RequestId(2));
        assert!(!versions.done(RequestId(3), Ok("x".into())));
        assert!(versions.done(RequestId(2), Ok("Restored".into())));
        assert_eq!(versions.notice(), Some("Restored"));
        assert_eq!(versions.close(), None);
        assert!(!versions.is_open());
    }
}
