//! Buckets themselves in the window: New bucket…, Bucket properties and Delete bucket… /
//! Empty and delete… on a bucket's menu in the bucket list. [`state`] holds the dialogs,
//! [`actions`] routes their requests and the worker's answers, [`ui`] draws them;
//! [`upload_rules`] is Bucket properties' default headers for uploads.

pub(crate) mod actions;
pub(crate) mod state;
pub(crate) mod ui;
pub(crate) mod upload_rules;

/// What the bucket list's menu and the bucket dialogs ask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BucketAction {
    /// Open New bucket… for the chosen profile.
    New,
    /// Open Bucket properties for the bucket named.
    Properties(String),
    /// Open Delete bucket… (`empty_first`: Empty and delete…) for the bucket named.
    Delete { bucket: String, empty_first: bool },
    /// New bucket's Create.
    Create,
    /// Bucket properties: versioning on (`true`) or suspended.
    SetVersioning(bool),
    /// Bucket properties: the typed rule added to the default headers for uploads.
    AddUploadRule,
    /// Bucket properties: the default headers' rule for this pattern removed.
    RemoveUploadRule(String),
    /// The deletion, its name typed.
    ConfirmDelete,
    /// Stop an "empty and delete" while it runs.
    CancelDelete,
    /// Close the dialog.
    Close,
}
