//! The worker's protocol: what the window asks ([`Command`]) and what the worker answers
//! ([`Event`]), as plain owned data. Every request carries a [`RequestId`] that its answers
//! repeat, so the window can drop answers to requests it no longer cares about.

use std::path::PathBuf;

use crate::local_folder::LocalChange;
use crate::model::{BucketName, NameError, ObjectKey};
use crate::plan::Conflict;
use crate::profiles::Profile;
use crate::profiles::store::ProfileStore;
use crate::s3::connection::ConnectError;
use crate::s3::folder_share::FolderShareError;
use crate::s3::list::BrowseError;
use crate::s3::transfer::TransferError;
use crate::share::cloudfront::CloudFrontPolicy;
use crate::share::link_doctor::SharedAs;
use crate::share::qr::QrError;
use crate::share::{Expiry, GetOptions, PostRequest, PutOptions, ShareError};
use crate::storage::cloudfront::{CloudFrontStoreError, Distribution};
use crate::storage::history::{SaveError, SharedLink};

mod buckets;
mod events;
pub use buckets::*;
pub use events::*;
mod headers;
pub use headers::*;
mod public_links;
pub use public_links::*;

/// Identifies one request and every answer to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(pub u64);

/// Identifies one transfer in the Transfers panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TransferId(pub u64);

/// Which way a transfer goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Upload,
    Download,
    /// S3 to S3: on the server within one profile, streamed through Pail across two.
    Copy,
}

/// How many large transfers run at once (small files go many at a time: `s3::flight`).
pub const TRANSFER_CONCURRENCY: usize = crate::s3::flight::LARGE_FILES_AT_ONCE;

/// Why a job failed, as it crosses to the window: typed, so the window can act on the kind
/// (a rename that would replace an object asks first); shown to the person through `Display`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JobError {
    #[error(transparent)]
    Connect(#[from] ConnectError),
    #[error(transparent)]
    Browse(#[from] BrowseError),
    #[error(transparent)]
    Name(#[from] NameError),
    #[error(transparent)]
    Share(#[from] ShareError),
    #[error(transparent)]
    Transfer(#[from] TransferError),
    #[error(transparent)]
    CloudFront(#[from] CloudFrontStoreError),
    #[error(transparent)]
    Qr(#[from] QrError),
    #[error(transparent)]
    FolderShare(#[from] FolderShareError),
    #[error(transparent)]
    Save(#[from] SaveError),
    #[error(transparent)]
    Headers(#[from] crate::s3::headers::HeadersError),
    #[error(transparent)]
    Bucket(#[from] crate::s3::buckets::BucketError),
    #[error(transparent)]
    CustomDomain(#[from] crate::share::public_url::PublicLinkError),
    #[error(transparent)]
    CustomDomainStore(#[from] crate::storage::custom_domains::CustomDomainStoreError),
    #[error("{0}")]
    PublicLinks(String),
    #[error(
        "this link was made on `{made_on}`, not the endpoint's address: Renew signs on the \
         endpoint, so make the link again in the Web URL dialog (its custom domain is kept)"
    )]
    RenewElsewhere { made_on: String },
}

/// What the UI asks of the worker.
#[derive(Debug, Clone)]
pub enum Command {
    /// Find the profiles in the environment and the AWS config files.
    LoadProfiles {
        id: RequestId,
        config_dir: Option<PathBuf>,
    },
    /// Write Pail's saved profiles.
    SaveProfiles {
        store: ProfileStore,
    },
    /// List buckets (or head the default bucket) to check a profile works.
    TestConnection {
        id: RequestId,
        profile: Profile,
    },
    ListBuckets {
        id: RequestId,
        profile: Profile,
    },
    /// List a folder page by page until its end (or until cancelled).
    ListFolder {
        id: RequestId,
        profile: Profile,
        bucket: BucketName,
        prefix: String,
    },
    /// Scan every key under `root` for `query`, sending the matches page by page until the
    /// end (or until cancelled).
    Search {
        id: RequestId,
        profile: Profile,
        bucket: BucketName,
        root: String,
        query: crate::search::SearchQuery,
    },
    /// List a folder on this computer (the local pane).
    ListLocal {
        id: RequestId,
        path: PathBuf,
        show_hidden: bool,
    },
    /// Change the folder on this computer: a new folder, a rename, or items to the trash.
    LocalChange {
        id: RequestId,
        change: LocalChange,
    },
    /// Open a file on this computer with its default app.
    OpenLocal {
        path: PathBuf,
    },
    /// Stop the request `id` (a listing the person stopped or left).
    Cancel {
        id: RequestId,
    },
    /// Sign one link per item, all with the same expiry, at the current time.
    PresignLinks {
        id: RequestId,
        profile: Profile,
        bucket: BucketName,
        items: Vec<LinkItem>,
        expiry: Expiry,
    },
    /// Sign a browser upload form.
    PresignPost {
        id: RequestId,
        profile: Profile,
        request: PostRequest,
    },
    /// Fetch one byte through a GET link.
    TestLink {
        id: RequestId,
        url: String,
    },
    /// Every object under a prefix, at any depth (for links to a whole folder).
    ListKeysUnder {
        id: RequestId,
        profile: Profile,
        bucket: BucketName,
        prefix: String,
    },
    LoadSharedLinks {
        id: RequestId,
        path: PathBuf,
    },
    /// When the profile's credentials expire (temporary ones: session, SSO, role).
    CredentialsExpiry {
        id: RequestId,
        profile: Profile,
    },
    /// Links on a custom host, or public (unsigned, checked) links.
    HostLinks(HostLinksRequest),
    /// The custom domain `bucket`'s links went to last.
    LoadCustomDomain {
        id: RequestId,
        config_dir: PathBuf,
        bucket: BucketName,
    },
    /// The distribution `bucket`'s links went through last, and whether its key is stored.
    LoadCloudFront {
        id: RequestId,
        config_dir: PathBuf,
        bucket: BucketName,
    },
    /// Read a PEM file, check it, and keep it (0600) as the private key of `key_id`.
    ImportCloudFrontKey {
        id: RequestId,
        config_dir: PathBuf,
        key_id: String,
        pem_file: PathBuf,
    },
    /// Sign CloudFront URLs; answered with [`LinksEvent::LinksReady`].
    SignCloudFront(CloudFrontRequest),
    /// Share every object under a prefix as one index page.
    ShareFolder(ShareFolderRequest),
    /// Revoke: delete a shared folder's page.
    RevokePage {
        id: RequestId,
        profile: Profile,
        bucket: BucketName,
        key: ObjectKey,
    },
    /// The link doctor: try each link (1-byte GET, no redirects, bounded), a few at a time.
    CheckLinks {
        id: RequestId,
        links: Vec<(String, SharedAs)>,
    },
    /// Renew: the same object and options, a new expiry.
    RenewLink(RenewRequest),
    /// Renew a CloudFront link: signed again with the stored key; answered with
    /// [`HistoryEvent::Renewed`].
    RenewCloudFront {
        request: CloudFrontRequest,
        previous: String,
    },
    /// Save `url` as a QR code, a PNG at `path`.
    SaveQr {
        id: RequestId,
        url: String,
        path: PathBuf,
    },
    /// Upload files and folders (walked, keeping relative paths) into a prefix. If objects
    /// would be replaced, the worker asks with [`FilesEvent::UploadConflicts`] first.
    Upload(UploadRequest),
    /// Copy (or move) objects and folders from one bucket folder into another.
    Copy(Box<CopyRequest>),
    /// The answer to [`FilesEvent::UploadConflicts`] for the whole batch (an upload's or a
    /// copy's: both put objects where some exist already); `None` cancels the batch.
    ResolveUpload {
        id: RequestId,
        conflict: Option<Conflict>,
    },
    /// Delete objects, and everything under the given folder prefixes.
    Delete {
        id: RequestId,
        profile: Profile,
        bucket: BucketName,
        keys: Vec<String>,
        prefixes: Vec<String>,
    },
    CreateFolder {
        id: RequestId,
        profile: Profile,
        bucket: BucketName,
        prefix: String,
        name: String,
    },
    /// Download objects (and folders, recursively); see [`DownloadRequest`].
    Download(DownloadRequest),
    /// Remove the partial downloads that processes which have exited left behind.
    SweepPartials {
        journal: PathBuf,
    },
    /// Abort the profile's multipart uploads that an earlier run (or a failed abort) left
    /// behind, as recorded in `journal`. Uploads running now are not touched.
    SweepUploads {
        profile: Profile,
        journal: PathBuf,
    },
    /// How many transfers may run at once (1 to 16).
    SetConcurrency {
        transfers: usize,
    },
    /// The bandwidth all transfers share, in bytes a second (`None`: no limit); transfers
    /// running now slow down or speed up at once.
    SetRateLimit {
        bytes_per_second: Option<u64>,
    },
    /// The answer to [`FilesEvent::DownloadConflicts`] for the whole batch; `None` cancels it.
    ResolveDownload {
        id: RequestId,
        conflict: Option<Conflict>,
    },
    Rename(RenameRequest),
    Properties {
        id: RequestId,
        profile: Profile,
        bucket: BucketName,
        key: ObjectKey,
    },
    /// Read the headers of `keys` (the one object's, to edit in place) and the bucket's
    /// versioning, for the Edit headers dialog; `prefixes` are folders, every object below.
    ReadHeaders {
        id: RequestId,
        profile: Profile,
        bucket: BucketName,
        keys: Vec<ObjectKey>,
        prefixes: Vec<String>,
    },
    /// Apply `edit` to `keys` and every object below `prefixes`, with progress.
    EditHeaders {
        id: RequestId,
        profile: Profile,
        bucket: BucketName,
        keys: Vec<ObjectKey>,
        prefixes: Vec<String>,
        edit: Box<crate::s3::header_edit::HeaderEdit>,
    },
    /// Stop edit `id`: no new object starts; those being copied finish.
    CancelHeaderEdit {
        id: RequestId,
    },
    /// Replace the saved history with `links`.
    SaveSharedLinks {
        path: PathBuf,
        links: Vec<SharedLink>,
    },
    /// A bucket made, counted, deleted or emptied, or its properties (see [`BucketJob`]).
    Bucket(BucketRequest),
    /// A folder's versions, or an action on one version ([`VersionsRequest`]).
    Versions(VersionsRequest),
}

/// Versions of the objects in one bucket folder: list them, or act on one.
#[derive(Debug, Clone)]
pub struct VersionsRequest {
    pub id: RequestId,
    pub profile: Profile,
    pub bucket: BucketName,
    pub action: VersionAction,
}

/// What [`VersionsRequest`] asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionAction {
    /// The folder's versions and the bucket's versioning state
    /// ([`VersionsEvent::Listed`]).
    List { prefix: String },
    /// That version into the folder `target`, under the key's name, as a transfer.
    Download {
        key: ObjectKey,
        version_id: String,
        target: PathBuf,
    },
    /// That version copied on top, as the new latest.
    Restore { key: ObjectKey, version_id: String },
    /// The delete marker that is the key's latest version removed.
    Undelete { key: ObjectKey },
    /// That version (or delete marker) deleted for good.
    Delete { key: ObjectKey, version_id: String },
}

/// Download objects (and folders, recursively) from the folder `base` into `target`. If files
/// would be replaced, the worker asks with [`FilesEvent::DownloadConflicts`] first.
#[derive(Debug, Clone)]
pub struct DownloadRequest {
    pub id: RequestId,
    pub profile: Profile,
    pub bucket: BucketName,
    pub base: String,
    pub keys: Vec<(String, u64)>,
    pub prefixes: Vec<String>,
    pub target: PathBuf,
    /// Where partial files are recorded while they exist.
    pub partials: Option<PathBuf>,
    /// A move: each object is deleted once its file is complete.
    pub remove_source: bool,
}

/// Rename (copy, then delete) `from` to `to` in `bucket`.
#[derive(Debug, Clone)]
pub struct RenameRequest {
    pub id: RequestId,
    pub profile: Profile,
    pub bucket: BucketName,
    pub from: ObjectKey,
    pub to: ObjectKey,
    /// Replace an object already at `to` (the person said so).
    pub overwrite: bool,
}

/// CloudFront URLs for `keys` on the distribution `domain`, signed with the stored key
/// `key_id`; the distribution is remembered for `bucket` once they are made.
#[derive(Debug, Clone)]
pub struct CloudFrontRequest {
    pub id: RequestId,
    pub config_dir: PathBuf,
    pub bucket: BucketName,
    pub domain: String,
    pub key_id: String,
    pub keys: Vec<ObjectKey>,
    pub scheme: crate::model::Scheme,
    pub policy: CloudFrontPolicy,
}

/// Upload files and folders (walked, keeping relative paths) into `prefix`.
#[derive(Debug, Clone)]
pub struct UploadRequest {
    pub id: RequestId,
    pub profile: Profile,
    pub bucket: BucketName,
    pub prefix: String,
    pub paths: Vec<PathBuf>,
    /// Where unfinished multipart uploads are recorded until they are aborted.
    pub journal: Option<PathBuf>,
    /// A move: each file is removed once its object is complete.
    pub remove_source: bool,
    /// Pail's config folder, whose `upload-headers.toml` gives each new object the bucket's
    /// default headers for its key.
    pub upload_headers: Option<PathBuf>,
}

/// A folder in a bucket, as one profile sees it.
#[derive(Debug, Clone)]
pub struct BucketFolder {
    pub profile: Profile,
    pub bucket: BucketName,
    /// Empty at the top of the bucket; otherwise ends in `/`.
    pub prefix: String,
}

/// Copy `keys` and everything under `prefixes` (all in `from`) into `to`, keeping their paths
/// relative to `from`. If objects would be replaced, the worker asks with
/// [`FilesEvent::UploadConflicts`] first.
#[derive(Debug, Clone)]
pub struct CopyRequest {
    pub id: RequestId,
    pub from: BucketFolder,
    pub keys: Vec<(String, u64)>,
    pub prefixes: Vec<String>,
    pub to: BucketFolder,
    /// A move: each source object is deleted once its copy is complete.
    pub remove_source: bool,
    /// Where multipart copies are recorded until they end (as uploads are).
    pub journal: Option<PathBuf>,
}

/// Where a copy's object comes from (for Retry).
#[derive(Debug, Clone)]
pub struct CopySource {
    pub profile: Profile,
    pub bucket: BucketName,
    pub key: String,
}

/// Share every object under `prefix` as one index page (see [`crate::s3::folder_share`]).
#[derive(Debug, Clone)]
pub struct ShareFolderRequest {
    pub id: RequestId,
    pub profile: Profile,
    pub bucket: BucketName,
    pub prefix: String,
    /// Where the page goes (the folder's own bucket, or one the person picked).
    pub page_bucket: BucketName,
    pub expiry: Expiry,
}

/// Renew an S3 download link: the same object and options, a new expiry.
#[derive(Debug, Clone)]
pub struct RenewRequest {
    pub id: RequestId,
    pub profile: Profile,
    pub bucket: BucketName,
    pub key: ObjectKey,
    pub options: GetOptions,
    pub expiry: Expiry,
    /// The link renewed.
    pub previous: String,
}

/// What is known of a bucket's CloudFront distribution.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CloudFrontKnown {
    pub distribution: Option<Distribution>,
    /// The remembered key pair's private key is stored.
    pub key_stored: bool,
}

/// One link to sign: a download or an upload link for one key.
#[derive(Debug, Clone)]
pub enum LinkItem {
    Get { key: ObjectKey, options: GetOptions },
    Put { key: ObjectKey, options: PutOptions },
}
