//! The bucket dialogs' state: New bucket (the name checked as it is typed, region, Block
//! Public Access), Bucket properties (and its versioning switch), and Delete bucket / Empty
//! and delete (the counts, the typed name, progress and Cancel). Each takes only the answers
//! to the request it waits for; nothing here draws or does I/O.

use crate::model::BucketName;
use crate::profiles::Profile;
use crate::s3::bucket_settings::BucketProperties;
use crate::s3::buckets::{BucketContents, EmptyProgress, NewBucket, PublicAccess};
use crate::s3::transfer::TransferControl;
use crate::worker::{BucketAnswer, BucketJob, BucketRequest, Command, JobError, RequestId};

/// The bucket dialog open (one of the window's [`Modal`](crate::app::modal::Modal)s).
#[derive(Debug)]
pub enum BucketDialog {
    New(NewBucketForm),
    Properties(PropertiesWindow),
    Delete(DeleteDialog),
}

/// What a dialog's answer means for the rest of the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Keep the dialog open.
    Stay,
    /// Close it, list the buckets again, and say `notice` in the status bar.
    Done { notice: String },
}

/// New bucket: what is typed, and the request while it runs.
#[derive(Debug)]
pub struct NewBucketForm {
    pub name: String,
    pub region: String,
    pub block_public_access: bool,
    profile: Profile,
    running: Option<RequestId>,
    error: Option<String>,
}

impl NewBucketForm {
    /// A form for `profile`'s account; its region is the profile's.
    pub fn new(profile: Profile) -> Self {
        Self {
            name: String::new(),
            region: profile.region.clone().unwrap_or_default(),
            block_public_access: true,
            profile,
            running: None,
            error: None,
        }
    }

    /// The name as it stands: fit for a new bucket, or why not (shown as it is typed).
    pub fn check(&self) -> Result<BucketName, String> {
        if self.name.is_empty() {
            return Err("type a name: 3 to 63 lower-case letters, digits, '.' or '-'".into());
        }
        BucketName::for_new_bucket(&self.name).map_err(|e| match e {
            crate::model::NameError::InvalidBucket { reason, .. } => reason.to_owned(),
            other => other.to_string(),
        })
    }

    /// The region typed, or why it is not one; empty is the profile's own.
    fn region(&self) -> Result<Option<String>, String> {
        let region = self.region.trim();
        if region.is_empty() {
            return Ok(None);
        }
        crate::s3::connection::validate_region(region)
            .map(|()| Some(region.to_owned()))
            .map_err(|e| e.to_string())
    }

    /// Why Create cannot run now, if it cannot.
    pub fn blocked(&self) -> Option<String> {
        self.check().err().or_else(|| self.region().err())
    }

    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// The server the bucket is made on (`None`: AWS), to tell the second pane.
    pub(crate) fn endpoint(&self) -> Option<&String> {
        self.profile.endpoint.as_ref()
    }

    /// Create: the request, unless the name or region is wrong or one runs already.
    pub fn create(&mut self, id: RequestId) -> Option<Command> {
        if self.running.is_some() {
            return None;
        }
        let (name, region) = match (self.check(), self.region()) {
            (Ok(name), Ok(region)) => (name, region),
            (Err(e), _) | (_, Err(e)) => {
                self.error = Some(e);
                return None;
            }
        };
        self.running = Some(id);
        self.error = None;
        Some(Command::Bucket(BucketRequest {
            id,
            profile: self.profile.clone(),
            job: BucketJob::Create(NewBucket {
                name,
                region,
                block_public_access: self.block_public_access,
            }),
        }))
    }

    fn apply(&mut self, id: RequestId, answer: BucketAnswer) -> Outcome {
        if self.running != Some(id) {
            return Outcome::Stay;
        }
        self.running = None;
        match answer {
            BucketAnswer::Created(Ok(public)) => Outcome::Done {
                notice: created_notice(&self.name, &public),
            },
            BucketAnswer::Created(Err(e)) => {
                self.error = Some(e.to_string());
                Outcome::Stay
            }
            _ => Outcome::Stay,
        }
    }
}

fn created_notice(name: &str, public: &PublicAccess) -> String {
    format!("Bucket {name} created: {}", public.describe())
}

/// Bucket properties: what was read, and the versioning switch while it runs.
#[derive(Debug)]
pub struct PropertiesWindow {
    pub bucket: BucketName,
    profile: Profile,
    properties: Option<Result<Box<BucketProperties>, JobError>>,
    reading: Option<RequestId>,
    switching: Option<RequestId>,
    switch_error: Option<String>,
    /// The bucket's default headers for uploads (none where Pail keeps no settings).
    pub upload_rules: Option<super::upload_rules::UploadRules>,
}

impl PropertiesWindow {
    /// The window, and the request that reads the properties.
    pub fn open(id: RequestId, profile: Profile, bucket: BucketName) -> (Self, Command) {
        let command = Command::Bucket(BucketRequest {
            id,
            profile: profile.clone(),
            job: BucketJob::Properties(bucket.clone()),
        });
        let window = Self {
            bucket,
            profile,
            properties: None,
            reading: Some(id),
            switching: None,
            switch_error: None,
            upload_rules: None,
        };
        (window, command)
    }

    /// `None` while they are read.
    pub fn properties(&self) -> Option<&Result<Box<BucketProperties>, JobError>> {
        self.properties.as_ref()
    }

    /// Reads the bucket's default headers for uploads from the rules file in `dir`.
    pub fn read_upload_rules(&mut self, id: RequestId, dir: std::path::PathBuf) -> Command {
        let place = (&self.profile, &self.bucket);
        let (section, command) = super::upload_rules::UploadRules::open(id, dir, place);
        self.upload_rules = Some(section);
        command
    }

    /// Add (`None`) or remove the rule for a pattern in the default headers for uploads.
    pub fn change_upload_rule(&mut self, id: RequestId, remove: Option<String>) -> Option<Command> {
        let place = (&self.profile, &self.bucket);
        let section = self.upload_rules.as_mut()?;
        match remove {
            None => section.add(id, place),
            Some(pattern) => section.remove(id, place, pattern),
        }
    }

    pub fn is_switching(&self) -> bool {
        self.switching.is_some()
    }

    pub fn switch_error(&self) -> Option<&str> {
        self.switch_error.as_deref()
    }

    /// Turn versioning on (`true`) or suspend it.
    pub fn set_versioning(&mut self, id: RequestId, on: bool) -> Option<Command> {
        if self.switching.is_some() || self.reading.is_some() {
            return None;
        }
        self.switching = Some(id);
        self.switch_error = None;
        Some(Command::Bucket(BucketRequest {
            id,
            profile: self.profile.clone(),
            job: BucketJob::SetVersioning {
                bucket: self.bucket.clone(),
                on,
            },
        }))
    }

    /// An answer; a switched versioning is read again (`next_id` for that request).
    fn apply(
        &mut self,
        id: RequestId,
        answer: BucketAnswer,
        next_id: RequestId,
    ) -> Option<Command> {
        match answer {
            BucketAnswer::Properties(result) if self.reading == Some(id) => {
                self.reading = None;
                self.properties = Some(result);
                None
            }
            BucketAnswer::VersioningSet(result) if self.switching == Some(id) => {
                self.switching = None;
                match result {
                    Ok(()) => {
                        let (again, command) =
                            Self::open(next_id, self.profile.clone(), self.bucket.clone());
                        self.reading = again.reading;
                        Some(command)
                    }
                    Err(e) => {
                        self.switch_error = Some(e.to_string());
                        None
                    }
                }
            }
            BucketAnswer::UploadRules(result) => {
                if let Some(section) = &mut self.upload_rules {
                    section.apply(id, result);
                }
                None
            }
            _ => None,
        }
    }
}

/// Delete bucket… and Empty and delete…: what the bucket holds, the name typed to confirm,
/// and the deletion while it runs.
#[derive(Debug)]
pub struct DeleteDialog {
    pub bucket: BucketName,
    /// Empty it first (every version, delete marker and unfinished upload).
    pub empty_first: bool,
    /// The bucket's name, typed to confirm.
    pub typed: String,
    profile: Profile,
    contents: Option<Result<BucketContents, JobError>>,
    /// The count while it runs; closing the dialog stops it.
    counting: Option<(RequestId, TransferControl)>,
    running: Option<(RequestId, TransferControl)>,
    progress: Option<EmptyProgress>,
    error: Option<String>,
}

impl DeleteDialog {
    /// The dialog, and the request that counts what the bucket holds.
    pub fn open(
        id: RequestId,
        profile: Profile,
        bucket: BucketName,
        empty_first: bool,
    ) -> (Self, Command) {
        let control = TransferControl::default();
        let command = Command::Bucket(BucketRequest {
            id,
            profile: profile.clone(),
            job: BucketJob::Count {
                bucket: bucket.clone(),
                control: control.clone(),
            },
        });
        let dialog = Self {
            bucket,
            empty_first,
            typed: String::new(),
            profile,
            contents: None,
            counting: Some((id, control)),
            running: None,
            progress: None,
            error: None,
        };
        (dialog, command)
    }

    /// The server the bucket is on (`None`: AWS), to tell the panes showing it.
    pub(crate) fn endpoint(&self) -> Option<&String> {
        self.profile.endpoint.as_ref()
    }

    /// `None` while counting.
    pub fn contents(&self) -> Option<&Result<BucketContents, JobError>> {
        self.contents.as_ref()
    }

    pub fn progress(&self) -> Option<EmptyProgress> {
        self.progress
    }

    pub fn is_running(&self) -> bool {
        self.running.is_some()
    }

    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Whether the bucket was counted empty.
    pub fn is_empty(&self) -> bool {
        matches!(&self.contents, Some(Ok(c)) if c.is_empty())
    }

    /// Whether the button may go: counted, the name typed exactly, nothing running, and
    /// (for a plain delete) nothing in it.
    pub fn can_delete(&self) -> bool {
        let counted = matches!(&self.contents, Some(Ok(_)));
        counted
            && self.running.is_none()
            && self.typed == self.bucket.as_str()
            && (self.empty_first || self.is_empty())
    }

    /// The deletion, once confirmed.
    pub fn delete(&mut self, id: RequestId) -> Option<Command> {
        if !self.can_delete() {
            return None;
        }
        let control = TransferControl::default();
        let job = match (self.empty_first, &self.contents) {
            (true, Some(Ok(contents))) => BucketJob::EmptyAndDelete {
                bucket: self.bucket.clone(),
                expected: Some(contents.total()),
                control: control.clone(),
            },
            _ => BucketJob::DeleteEmpty(self.bucket.clone()),
        };
        self.running = Some((id, control));
        self.error = None;
        Some(Command::Bucket(BucketRequest {
            id,
            profile: self.profile.clone(),
            job,
        }))
    }

    /// Cancel while it runs: it stops between requests, and says what went. A count still
    /// running stops too.
    pub fn cancel(&self) {
        for (_, control) in self.running.iter().chain(&self.counting) {
            control.cancel();
        }
    }

    fn apply(&mut self, id: RequestId, answer: BucketAnswer) -> Outcome {
        match answer {
            BucketAnswer::Counted(result)
                if self
                    .counting
                    .as_ref()
                    .is_some_and(|(counting, _)| *counting == id) =>
            {
                self.counting = None;
                self.contents = Some(result);
                Outcome::Stay
            }
            BucketAnswer::Progress(p) if self.running_id() == Some(id) => {
                self.progress = Some(p);
                Outcome::Stay
            }
            BucketAnswer::Deleted(result) if self.running_id() == Some(id) => {
                self.running = None;
                match result {
                    Ok(removed) if removed.is_empty() => Outcome::Done {
                        notice: format!("Bucket {} deleted", self.bucket),
                    },
                    Ok(removed) => Outcome::Done {
                        notice: format!(
                            "Bucket {} deleted, with {}",
                            self.bucket,
                            removed.describe()
                        ),
                    },
                    Err(e) => {
                        self.error = Some(e.to_string());
                        Outcome::Stay
                    }
                }
            }
            _ => Outcome::Stay,
        }
    }

    fn running_id(&self) -> Option<RequestId> {
        self.running.as_ref().map(|(id, _)| *id)
    }
}

impl BucketDialog {
    /// An answer for the open dialog; the command, if it asks for more.
    pub(crate) fn apply(
        &mut self,
        id: RequestId,
        answer: BucketAnswer,
        next_id: RequestId,
    ) -> (Outcome, Option<Command>) {
        match self {
            Self::New(form) => (form.apply(id, answer), None),
            Self::Properties(window) => (Outcome::Stay, window.apply(id, answer, next_id)),
            Self::Delete(dialog) => (dialog.apply(id, answer), None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Endpoint;
    use crate::profiles::ProfileSource;

    fn profile() -> Profile {
        Profile::fixed(
            "Test",
            ProfileSource::Demo,
            aws_credential_types::Credentials::new("AK", "SK", None, None, "test"),
            Endpoint::custom("http://127.0.0.1:9").unwrap(),
            "eu-west-3",
        )
    }

    fn contents(versions: u64) -> BucketContents {
        BucketContents {
            versions,
            versions_listed: true,
            uploads_listed: true,
            ..BucketContents::default()
        }
    }

    #[test]
    fn the_new_bucket_form_checks_as_typed_and_sends_once() {
        let mut form = NewBucketForm::new(profile());
        assert_eq!(form.region, "eu-west-3", "the profile's region");
        assert!(form.check().unwrap_err().contains("type a name"));
        form.name = "Reports".into();
        assert_eq!(form.check().unwrap_err(), "new bucket names are lower case");
        assert!(form.create(RequestId(1)).is_none());
        form.name = "reports".into();
        form.region = "EU West".into();
        assert!(form.blocked().unwrap().contains("invalid region"));
        form.region = "eu-west-3".into();
        let Some(Command::Bucket(request)) = form.create(RequestId(2)) else {
            panic!("a request");
        };
        match request.job {
            BucketJob::Create(new) => {
                assert_eq!(new.name.as_str(), "reports");
                assert_eq!(new.region.as_deref(), Some("eu-west-3"));
                assert!(new.block_public_access);
            }
            other => panic!("{other:?}"),
        }
        assert!(form.create(RequestId(3)).is_none(), "one at a time");
        // An answer to another request is not this form's.
        let stale = form.apply(
            RequestId(9),
            BucketAnswer::Created(Ok(PublicAccess::Blocked)),
        );
        assert_eq!(stale, Outcome::Stay);
        assert!(form.is_running());
        let done = form.apply(
            RequestId(2),
            BucketAnswer::Created(Ok(PublicAccess::Blocked)),
        );
        assert_eq!(
            done,
            Outcome::Done {
                notice: "Bucket reports created: Block Public Access is on".into()
            }
        );
    }

    #[test]
    fn delete_waits_for_the_count_and_the_exact_name_and_cancel_reaches_the_worker() {
        let bucket = BucketName::new("doomed").unwrap();
        let (mut dialog, _) = DeleteDialog::open(RequestId(1), profile(), bucket.clone(), false);
        dialog.typed = "doomed".into();
        assert!(!dialog.can_delete(), "not counted yet");
        dialog.apply(RequestId(1), BucketAnswer::Counted(Ok(contents(3))));
        assert!(!dialog.can_delete(), "a plain delete of a full bucket");
        dialog.empty_first = true;
        dialog.typed = "Doomed".into();
        assert!(!dialog.can_delete(), "the name exactly");
        dialog.typed = "doomed".into();
        let Some(Command::Bucket(request)) = dialog.delete(RequestId(2)) else {
            panic!("a request");
        };
        let BucketJob::EmptyAndDelete {
            control, expected, ..
        } = request.job
        else {
            panic!("empty and delete");
        };
        assert_eq!(expected, Some(3));
        assert!(dialog.delete(RequestId(3)).is_none(), "one at a time");
        dialog.cancel();
        assert!(control.is_cancelled(), "Cancel reaches the running job");
        let progress = EmptyProgress {
            removed: 2,
            expected: Some(3),
        };
        dialog.apply(RequestId(2), BucketAnswer::Progress(progress));
        assert_eq!(dialog.progress(), Some(progress));
        let stopped = dialog.apply(
            RequestId(2),
            BucketAnswer::Deleted(Err(JobError::Bucket(
                crate::s3::buckets::BucketError::Cancelled("2 object versions removed".into()),
            ))),
        );
        assert_eq!(stopped, Outcome::Stay);
        assert_eq!(dialog.error(), Some("stopped: 2 object versions removed"));
        assert!(!dialog.is_running());
    }
}
