//! What the worker answers ([`Event`]), nested by the feature of the window that takes it.

use std::path::PathBuf;
use std::time::SystemTime;

use crate::local_folder::{LocalEntry, LocalFolderError};
use crate::local_path::Skipped;
use crate::model::{BucketName, ObjectKey};
use crate::profiles::store::StoreError;
use crate::profiles::{self, Profile};
use crate::s3::connection::RegionGuess;
use crate::s3::folder_share::FolderShare;
use crate::s3::list::{BrowseError, BucketEntry, FolderPage};
use crate::s3::objects::{DeleteReport, ObjectProperties};
use crate::s3::transfer::{TransferControl, TransferError};
use crate::share::link_doctor::Diagnosis;
use crate::share::link_test::{LinkAnswer, LinkTestError};
use crate::share::{PostForm, PresignedLink};
use crate::storage::history::{SaveError, SharedLink};
use crate::storage::unreadable::UnreadableFile;

use super::{CloudFrontKnown, CopySource, Direction, JobError, RequestId, TransferId};

/// What the worker answers, by the feature of the window that takes it
/// (`AppState::apply` in the window hands each to that feature).
#[derive(Debug, Clone)]
pub enum Event {
    Profiles(ProfilesEvent),
    Browse(BrowseEvent),
    Links(LinksEvent),
    History(HistoryEvent),
    Files(FilesEvent),
    Headers(super::HeadersEvent),
    Buckets(super::BucketEvent),
    Versions(VersionsEvent),
}

/// Answers about versions.
#[derive(Debug, Clone)]
pub enum VersionsEvent {
    /// A folder's versions, and the bucket's versioning state (an error text when it could
    /// not be read: the versions are still shown).
    Listed {
        id: RequestId,
        result: Result<Box<crate::s3::versions::FolderVersions>, JobError>,
        state: Result<crate::s3::versions::VersioningState, String>,
    },
    /// Restore, Undelete or Delete done (what it did, in words), or why not.
    Done {
        id: RequestId,
        result: Result<String, JobError>,
    },
}

impl From<VersionsEvent> for Event {
    fn from(event: VersionsEvent) -> Self {
        Event::Versions(event)
    }
}

/// Answers about profiles: found, saved, tested.
#[derive(Debug, Clone)]
pub enum ProfilesEvent {
    Found {
        id: RequestId,
        found: Box<profiles::Discovered>,
    },
    Saved {
        result: Result<(), StoreError>,
    },
    ConnectionTested {
        id: RequestId,
        result: Result<String, JobError>,
    },
}

impl From<ProfilesEvent> for Event {
    fn from(event: ProfilesEvent) -> Self {
        Event::Profiles(event)
    }
}

/// The bucket list and folder listings.
#[derive(Debug, Clone)]
pub enum BrowseEvent {
    Buckets {
        id: RequestId,
        result: Result<Vec<BucketEntry>, BrowseError>,
    },
    /// One page of a search's scan: its matches and the keys scanned so far.
    SearchPage {
        id: RequestId,
        page: crate::s3::search::SearchPage,
    },
    /// One page of a folder; `done` on the last one.
    FolderPage {
        id: RequestId,
        page: FolderPage,
        done: bool,
    },
    FolderFailed {
        id: RequestId,
        error: BrowseError,
    },
    /// A folder on this computer, listed, with the places a pane offers (home, drives,
    /// volumes).
    LocalListed {
        id: RequestId,
        result: Result<Vec<LocalEntry>, LocalFolderError>,
        places: Vec<PathBuf>,
    },
    /// A file on this computer could not be opened.
    LocalOpenFailed {
        error: LocalFolderError,
    },
    /// A change on this computer was made (what it did), or why not.
    LocalChanged {
        id: RequestId,
        result: Result<String, LocalFolderError>,
    },
}

impl From<BrowseEvent> for Event {
    fn from(event: BrowseEvent) -> Self {
        Event::Browse(event)
    }
}

/// Answers to the Web URL dialog.
#[derive(Debug, Clone)]
pub enum LinksEvent {
    /// Links in the order of the items asked for.
    LinksReady {
        id: RequestId,
        result: Result<Vec<PresignedLink>, JobError>,
        /// Set when the bucket's region could not be found and the profile's was used.
        warning: Option<RegionGuess>,
    },
    PostFormReady {
        id: RequestId,
        result: Result<PostForm, JobError>,
        warning: Option<RegionGuess>,
    },
    LinkTested {
        id: RequestId,
        result: Result<LinkAnswer, LinkTestError>,
    },
    KeysUnder {
        id: RequestId,
        result: Result<Vec<(String, u64)>, BrowseError>,
    },
    /// `None` for credentials that do not expire; an error text when they cannot be had.
    CredentialsExpiry {
        id: RequestId,
        result: Result<Option<SystemTime>, JobError>,
    },
    CloudFrontLoaded {
        id: RequestId,
        result: Result<CloudFrontKnown, JobError>,
    },
    /// The key was stored under the key pair ID given.
    CloudFrontKeyImported {
        id: RequestId,
        result: Result<(), JobError>,
    },
    QrSaved {
        id: RequestId,
        result: Result<PathBuf, JobError>,
    },
    FolderShared {
        id: RequestId,
        result: Result<Box<FolderShare>, JobError>,
    },
    /// Public links, each with what an unsigned GET answered.
    PublicLinksReady {
        id: RequestId,
        result: Result<Vec<super::CheckedLink>, JobError>,
    },
    /// The bucket's remembered custom domain, if any.
    CustomDomainLoaded {
        id: RequestId,
        result: Result<Option<super::DomainSetting>, JobError>,
    },
    /// Links were made, but their custom domain could not be remembered for the bucket.
    CustomDomainNotSaved { error: String },
}

impl From<LinksEvent> for Event {
    fn from(event: LinksEvent) -> Self {
        Event::Links(event)
    }
}

/// The shared-links history.
#[derive(Debug, Clone)]
pub enum HistoryEvent {
    Loaded {
        id: RequestId,
        links: Vec<SharedLink>,
        /// The history file could not be read and was set aside.
        warning: Option<UnreadableFile>,
    },
    /// Saving the history failed; nothing else reports it.
    SaveFailed { error: SaveError },
    /// A shared folder's page was deleted (or not).
    PageRevoked {
        id: RequestId,
        result: Result<(), JobError>,
    },
    /// What the link doctor found for `url`.
    LinkChecked {
        id: RequestId,
        url: String,
        diagnosis: Diagnosis,
    },
    /// Every link of check `id` has been tried.
    ChecksDone { id: RequestId },
    Renewed {
        id: RequestId,
        previous: String,
        result: Result<PresignedLink, JobError>,
    },
}

impl From<HistoryEvent> for Event {
    fn from(event: HistoryEvent) -> Self {
        Event::History(event)
    }
}

/// Transfers and file operations.
#[derive(Debug, Clone)]
pub enum FilesEvent {
    /// A transfer was queued; its progress is read from `control`.
    TransferQueued {
        transfer: TransferId,
        name: String,
        bucket: BucketName,
        key: String,
        size: u64,
        control: TransferControl,
        direction: Direction,
        /// The file uploaded, or the file downloaded to (for Retry); empty for a copy.
        local_path: PathBuf,
        profile: Box<Profile>,
        /// A copy's source object.
        copy_from: Option<Box<CopySource>>,
        /// The source goes once the transfer is complete (a move).
        moves: bool,
        /// One version of the key downloaded (for Retry: that version again, not the latest).
        version_id: Option<String>,
    },
    TransferStarted {
        transfer: TransferId,
    },
    TransferFinished {
        transfer: TransferId,
        result: Result<(), TransferError>,
    },
    /// A file or key left out of a batch (the rest goes on).
    Skipped {
        skipped: Skipped,
    },
    /// A batch could not start at all (its folders could not be listed).
    BatchFailed {
        error: JobError,
    },
    Deleted {
        id: RequestId,
        result: Result<DeleteReport, JobError>,
    },
    FolderCreated {
        id: RequestId,
        result: Result<ObjectKey, JobError>,
    },
    Renamed {
        id: RequestId,
        from: ObjectKey,
        to: ObjectKey,
        result: Result<(), JobError>,
    },
    PropertiesReady {
        id: RequestId,
        result: Result<ObjectProperties, JobError>,
    },
    /// Upload (or copy) `id` would replace, rename or skip objects, or Pail cannot see what
    /// is there: `count` keys are taken (the first is `first`); `outlook` says what each
    /// answer would do. The batch waits for [`Command::ResolveUpload`].
    UploadConflicts {
        id: RequestId,
        count: usize,
        first: String,
        outlook: Box<crate::plan::Outlook>,
    },
    /// The same for download `id` and the files in its folder
    /// ([`Command::ResolveDownload`]).
    DownloadConflicts {
        id: RequestId,
        count: usize,
        first: String,
        outlook: Box<crate::plan::Outlook>,
    },
}

impl From<FilesEvent> for Event {
    fn from(event: FilesEvent) -> Self {
        Event::Files(event)
    }
}
