//! The Edit headers dialog's state: the form (each header, metadata rows, tags rows), what it
//! was opened with (the one object's headers, or a count for a selection, and the bucket's
//! versioning), and an edit's progress and report. No egui, no I/O.

use crate::app::shared::Loadable;
use crate::model::{BucketName, ObjectKey};
use crate::profiles::Profile;
use crate::s3::header_batch::{EditProgress, EditReport};
use crate::s3::header_edit::{FieldEdit, HeaderEdit};
use crate::worker::{Command, HeadersRead, JobError, RequestId};

/// One header's field. For one object it holds the object's value (emptied, the header is
/// removed); for a selection it starts empty, meaning "(unchanged)" on each object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeaderField {
    pub text: String,
    /// Remove the header from every object (a selection's way to remove).
    pub remove: bool,
    /// What the one object has; `None` for a selection.
    original: Option<Option<String>>,
}

impl HeaderField {
    fn edit(&self) -> FieldEdit {
        let text = self.text.trim();
        match (&self.original, self.remove, text.is_empty()) {
            (_, true, _) => FieldEdit::Remove,
            (Some(Some(_)), false, true) => FieldEdit::Remove,
            (Some(before), false, false) if before.as_deref() == Some(text) => FieldEdit::Keep,
            (_, false, false) => FieldEdit::Set(text.to_owned()),
            (_, false, true) => FieldEdit::Keep,
        }
    }
}

/// A metadata or tag row: set (name and value) or, for a row the object has, removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PairRow {
    pub name: String,
    pub value: String,
    pub removed: bool,
}

/// What the dialog's fields hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeadersForm {
    pub content_type: HeaderField,
    pub cache_control: HeaderField,
    pub content_disposition: HeaderField,
    pub content_encoding: HeaderField,
    pub content_language: HeaderField,
    /// A date (2027-01-01) or time, in UTC.
    pub expires: HeaderField,
    /// `None`: unchanged.
    pub storage_class: Option<String>,
    pub metadata: Vec<PairRow>,
    pub tags: Vec<PairRow>,
    /// The rows the one object had, to tell an unchanged row from an edit.
    original_metadata: Vec<(String, String)>,
    original_tags: Vec<(String, String)>,
}

impl HeadersForm {
    /// The form filled with one object's headers.
    fn of(read: &crate::s3::headers::ObjectHeaders) -> HeadersForm {
        let h = &read.editable;
        let field = |value: &Option<String>| HeaderField {
            text: value.clone().unwrap_or_default(),
            remove: false,
            original: Some(value.clone()),
        };
        let expires = h.expires.and_then(|s| jiff::Timestamp::from_second(s).ok());
        let expires = expires.map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string());
        let rows = |pairs: &std::collections::BTreeMap<String, String>| {
            pairs
                .iter()
                .map(|(name, value)| PairRow {
                    name: name.clone(),
                    value: value.clone(),
                    removed: false,
                })
                .collect::<Vec<_>>()
        };
        HeadersForm {
            content_type: field(&h.content_type),
            cache_control: field(&h.cache_control),
            content_disposition: field(&h.content_disposition),
            content_encoding: field(&h.content_encoding),
            content_language: field(&h.content_language),
            expires: field(&expires),
            storage_class: None,
            metadata: rows(&h.metadata),
            tags: rows(&h.tags),
            original_metadata: h.metadata.clone().into_iter().collect(),
            original_tags: h.tags.clone().into_iter().collect(),
        }
    }

    /// The edit the form asks for, checked; the reason when it cannot be sent.
    pub fn edit(&self) -> Result<HeaderEdit, String> {
        let expires = match self.expires.edit() {
            FieldEdit::Set(text) => FieldEdit::Set(
                crate::search::parse_when(&text)
                    .map_err(|e| format!("Expires: {e}"))?
                    .to_string(),
            ),
            other => other,
        };
        let mut edit = HeaderEdit {
            content_type: self.content_type.edit(),
            cache_control: self.cache_control.edit(),
            content_disposition: self.content_disposition.edit(),
            content_encoding: self.content_encoding.edit(),
            content_language: self.content_language.edit(),
            expires,
            storage_class: self.storage_class.clone(),
            ..HeaderEdit::default()
        };
        let (set, removed) = pairs(
            &self.metadata,
            &self.original_metadata,
            str::eq_ignore_ascii_case,
        );
        (edit.set_metadata, edit.remove_metadata) = (set, removed);
        let (set, removed) = pairs(&self.tags, &self.original_tags, |a, b| a == b);
        (edit.set_tags, edit.remove_tags) = (set, removed);
        edit.checked().map_err(|e| e.to_string())
    }
}

/// The rows' edit: those set (new, or changed), and those removed — a row the object had
/// and the person renamed is gone from the form, so from the object too. `same_name` tells
/// one name from another (metadata names are the same in any case; tag keys are not).
fn pairs(
    rows: &[PairRow],
    original: &[(String, String)],
    same_name: fn(&str, &str) -> bool,
) -> (
    std::collections::BTreeMap<String, String>,
    std::collections::BTreeSet<String>,
) {
    let mut set = std::collections::BTreeMap::new();
    let mut removed = std::collections::BTreeSet::new();
    for row in rows {
        let name = row.name.trim();
        if name.is_empty() {
            continue;
        }
        let unchanged = original.iter().any(|(n, v)| n == name && *v == row.value);
        match row.removed {
            true => {
                removed.insert(name.to_owned());
            }
            false if !unchanged => {
                set.insert(name.to_owned(), row.value.clone());
            }
            false => {}
        }
    }
    for (name, _) in original {
        if !rows.iter().any(|row| same_name(row.name.trim(), name)) {
            removed.insert(name.clone());
        }
    }
    (set, removed)
}

/// Where the dialog is.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// The objects' headers are being read.
    Reading(Loadable<HeadersRead, JobError>),
    /// The edit runs: `id`, and how far it is.
    Running {
        id: RequestId,
        progress: EditProgress,
        cancelled: bool,
    },
    /// The edit ended: what it did, object by object.
    Done(Result<Box<EditReport>, JobError>),
}

/// Edit headers, on one object or a selection.
#[derive(Debug, Clone)]
pub struct EditHeadersDialog {
    profile: Profile,
    bucket: BucketName,
    keys: Vec<ObjectKey>,
    prefixes: Vec<String>,
    /// What the dialog names: the object's key, or how many were selected.
    pub title: String,
    pub form: HeadersForm,
    phase: Phase,
    /// Why Apply could not start (the form's edit refused).
    pub problem: Option<String>,
    /// A Content-Type to fill in once the object's headers are read (the Web URL dialog's
    /// fix for a link that downloads).
    suggested_type: Option<String>,
}

impl EditHeadersDialog {
    /// The dialog for `keys` and every object below `prefixes`, and its read request.
    pub fn open(
        id: RequestId,
        (profile, bucket): (Profile, BucketName),
        keys: Vec<ObjectKey>,
        prefixes: Vec<String>,
    ) -> (EditHeadersDialog, Command) {
        let title = match (keys.as_slice(), prefixes.len()) {
            // Shown as one line: a name's line break or direction override is escaped.
            ([key], 0) => crate::fmt::terminal_safe(key.as_str()).into_owned(),
            _ => crate::fmt::count(keys.len() + prefixes.len(), "item", "items") + " selected",
        };
        let command = Command::ReadHeaders {
            id,
            profile: profile.clone(),
            bucket: bucket.clone(),
            keys: keys.clone(),
            prefixes: prefixes.clone(),
        };
        let dialog = EditHeadersDialog {
            profile,
            bucket,
            keys,
            prefixes,
            title,
            form: HeadersForm::default(),
            phase: Phase::Reading(Loadable::Loading(id)),
            problem: None,
            suggested_type: None,
        };
        (dialog, command)
    }

    /// Fills the Content-Type field with `content_type` once the headers are read.
    pub fn suggest_content_type(&mut self, content_type: String) {
        self.suggested_type = Some(content_type);
    }

    pub fn phase(&self) -> &Phase {
        &self.phase
    }

    /// The read it opened with, once it has come.
    pub fn read(&self) -> Option<&HeadersRead> {
        match &self.phase {
            Phase::Reading(Loadable::Ready(read)) => Some(read),
            _ => None,
        }
    }

    pub fn bucket(&self) -> &BucketName {
        &self.bucket
    }

    /// The headers read, if they answer this dialog's request.
    pub fn read_answer(&mut self, id: RequestId, result: Result<HeadersRead, JobError>) {
        if self.phase != Phase::Reading(Loadable::Loading(id)) {
            return;
        }
        self.phase = Phase::Reading(match result {
            Ok(read) => {
                if let Some(single) = &read.single {
                    self.form = HeadersForm::of(single);
                }
                if let Some(suggested) = self.suggested_type.take() {
                    self.form.content_type.text = suggested;
                }
                Loadable::Ready(read)
            }
            Err(e) => Loadable::Failed(e),
        });
    }

    /// Apply: the edit as a command, or why it cannot start (kept in [`Self::problem`]).
    pub fn apply(&mut self, id: RequestId) -> Option<Command> {
        self.read()?;
        let edit = match self.form.edit() {
            Ok(edit) => edit,
            Err(problem) => {
                self.problem = Some(problem);
                return None;
            }
        };
        self.problem = None;
        self.phase = Phase::Running {
            id,
            progress: EditProgress::default(),
            cancelled: false,
        };
        Some(Command::EditHeaders {
            id,
            profile: self.profile.clone(),
            bucket: self.bucket.clone(),
            keys: self.keys.clone(),
            prefixes: self.prefixes.clone(),
            edit: Box::new(edit),
        })
    }

    /// Cancel while it runs: no new object starts.
    pub fn cancel(&mut self) -> Option<Command> {
        match &mut self.phase {
            Phase::Running { id, cancelled, .. } if !*cancelled => {
                *cancelled = true;
                Some(Command::CancelHeaderEdit { id: *id })
            }
            _ => None,
        }
    }

    pub fn progress(&mut self, id: RequestId, news: EditProgress) {
        if let Phase::Running {
            id: running,
            progress,
            ..
        } = &mut self.phase
            && *running == id
        {
            *progress = news;
        }
    }

    /// The edit's end; true when it answers this dialog.
    pub fn finished(&mut self, id: RequestId, result: Result<Box<EditReport>, JobError>) -> bool {
        match self.phase {
            Phase::Running { id: running, .. } if running == id => {
                self.phase = Phase::Done(result);
                true
            }
            _ => false,
        }
    }

    /// Whether closing now would leave an edit running unseen.
    pub fn is_running(&self) -> bool {
        matches!(self.phase, Phase::Running { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::s3::header_edit::EditableHeaders;
    use crate::s3::headers::ObjectHeaders;

    fn one_object() -> ObjectHeaders {
        ObjectHeaders {
            key: "index.html".into(),
            editable: EditableHeaders {
                content_type: Some("application/octet-stream".into()),
                cache_control: Some("no-cache".into()),
                metadata: [("owner".to_owned(), "ana".to_owned())].into(),
                tags: [("team".to_owned(), "web".to_owned())].into(),
                ..EditableHeaders::default()
            },
            ..ObjectHeaders::default()
        }
    }

    #[test]
    fn on_one_object_the_form_starts_as_it_is_and_only_what_changed_is_edited() {
        let mut form = HeadersForm::of(&one_object());
        assert_eq!(form.content_type.text, "application/octet-stream");
        assert!(form.edit().is_err(), "nothing changed yet");
        form.content_type.text = "text/html".into();
        form.cache_control.text.clear();
        form.metadata[0].removed = true;
        form.tags.push(PairRow {
            name: "stage".into(),
            value: "live".into(),
            removed: false,
        });
        let edit = form.edit().unwrap();
        assert_eq!(edit.content_type, FieldEdit::Set("text/html".into()));
        assert_eq!(edit.cache_control, FieldEdit::Remove, "emptied: removed");
        assert_eq!(edit.content_language, FieldEdit::Keep);
        assert_eq!(edit.remove_metadata, ["owner".to_owned()].into());
        assert_eq!(
            edit.set_tags.len(),
            1,
            "the team tag is kept, not set again"
        );
    }

    #[test]
    fn on_a_selection_an_empty_field_is_unchanged_and_remove_removes() {
        let mut form = HeadersForm::default();
        form.cache_control.text = "max-age=60".into();
        form.content_disposition.remove = true;
        form.expires.text = "2027-01-01".into();
        let edit = form.edit().unwrap();
        assert_eq!(edit.cache_control, FieldEdit::Set("max-age=60".into()));
        assert_eq!(edit.content_disposition, FieldEdit::Remove);
        assert_eq!(edit.content_type, FieldEdit::Keep);
        assert_eq!(edit.expires, FieldEdit::Set("1798761600".into()));
        form.expires.text = "soon".into();
        assert!(form.edit().unwrap_err().starts_with("Expires"));
    }

    #[test]
    fn apply_runs_once_and_cancel_is_sent_once() {
        use crate::model::BucketName;
        let profile = crate::app::state::tests::profile("Test");
        let (mut dialog, _) = EditHeadersDialog::open(
            RequestId(1),
            (profile, BucketName::new("site").unwrap()),
            vec![ObjectKey::new("a.css").unwrap()],
            Vec::new(),
        );
        assert!(dialog.apply(RequestId(2)).is_none(), "nothing read yet");
        let read = HeadersRead {
            single: None,
            objects: 1,
            versioning: Some("Enabled".into()),
        };
        dialog.read_answer(RequestId(9), Ok(read.clone()));
        assert!(dialog.read().is_none(), "an answer to another request");
        dialog.read_answer(RequestId(1), Ok(read));
        dialog.form.cache_control.text = "no-cache".into();
        assert!(matches!(
            dialog.apply(RequestId(2)),
            Some(Command::EditHeaders { .. })
        ));
        assert!(dialog.apply(RequestId(3)).is_none(), "it runs already");
        assert!(matches!(
            dialog.cancel(),
            Some(Command::CancelHeaderEdit { id: RequestId(2) })
        ));
        assert!(dialog.cancel().is_none(), "once");
        assert!(dialog.is_running());
        assert!(!dialog.finished(RequestId(3), Ok(Box::default())));
        assert!(dialog.finished(RequestId(2), Ok(Box::default())));
        assert!(!dialog.is_running());
    }
}
