//! The dialog open over the explorer: one [`Modal`] at a time, as egui's modals block what is
//! behind them. A question the worker asks while another dialog is open (files exist, a rename
//! would replace an object) waits its turn instead of replacing it, and the quit confirmation
//! steps in front of whatever is open and gives it back on "Keep running". [`Modals::apply`]
//! takes the worker's news that is only a dialog's: those questions, and Properties' answer.

use std::collections::VecDeque;
use std::time::Instant;

use crate::app::profiles::state::ProfilesWindow;
use crate::app::shared::ActivePane;
use crate::app::shared::Loadable;
use crate::app::web_url::state::WebUrlDialog;
use crate::model::{BucketName, ObjectKey};
use crate::s3::download::Conflict;
use crate::s3::objects::ObjectProperties;
use crate::worker::{Command, FilesEvent, JobError, RequestId};

/// One dialog and what it holds while open.
#[derive(Debug)]
pub enum Modal {
    WebUrl(Box<WebUrlDialog>),
    Profiles(Box<ProfilesWindow>),
    /// Delete's confirmation, listing what goes.
    Delete(PendingDelete),
    /// New folder: the name being typed, in the bucket of `pane`.
    NewFolder {
        name: String,
        pane: ActivePane,
    },
    /// Rename: the object's key and the new key being typed.
    Rename {
        from: String,
        to: String,
        pane: ActivePane,
    },
    /// A rename found an object at the new key: Replace or Cancel. Replace renames where
    /// the rename was asked (the pane may show another bucket by now).
    RenameConflict {
        from: ObjectKey,
        to: ObjectKey,
        profile: Box<crate::profiles::Profile>,
        bucket: BucketName,
    },
    Properties(Loadable<ObjectProperties, JobError>),
    /// Edit headers, on one object or a selection.
    EditHeaders(Box<crate::app::headers::state::EditHeadersDialog>),
    /// Upload (or copy) `id` would replace, rename or skip objects: `count` keys are taken
    /// (the first is `first`); `outlook` says what each answer does.
    UploadConflict {
        id: RequestId,
        count: usize,
        first: String,
        outlook: Box<crate::plan::Outlook>,
    },
    /// The same for download `id` and the files in its folder.
    DownloadConflict {
        id: RequestId,
        count: usize,
        first: String,
        outlook: Box<crate::plan::Outlook>,
    },
    /// Move (F6): what goes where, and the batch that starts on "Move".
    ConfirmMove {
        summary: String,
        commands: Vec<crate::worker::Command>,
    },
    /// New folder on this computer: the name being typed.
    LocalNewFolder {
        name: String,
    },
    /// Rename on this computer: the entry and the new name being typed.
    LocalRename {
        from: std::path::PathBuf,
        to: String,
    },
    /// Delete on this computer: the items, to the trash once confirmed.
    LocalTrash {
        paths: Vec<std::path::PathBuf>,
    },
    /// Closing was asked while transfers run: "Quit anyway" or "Keep running".
    ConfirmQuit,
    /// "Quit anyway" was pressed at `since`: waiting for transfers to clean up.
    Quitting {
        since: Instant,
    },
    /// New bucket…, Bucket properties, Delete bucket… (`app/buckets`).
    Bucket(Box<crate::app::buckets::state::BucketDialog>),
}

/// What Delete will remove, shown for confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingDelete {
    /// The pane whose bucket it is in.
    pub pane: ActivePane,
    pub bucket: BucketName,
    pub keys: Vec<String>,
    /// Folders: everything under each goes.
    pub prefixes: Vec<String>,
}

/// The open dialog and those waiting for it to close.
#[derive(Debug, Default)]
pub struct Modals {
    open: Option<Modal>,
    waiting: VecDeque<Modal>,
}

impl Modals {
    pub fn get(&self) -> Option<&Modal> {
        self.open.as_ref()
    }

    pub fn get_mut(&mut self) -> Option<&mut Modal> {
        self.open.as_mut()
    }

    pub fn is_open(&self) -> bool {
        self.open.is_some()
    }

    /// Opens `modal`, or lets it wait behind the one open.
    pub fn open(&mut self, modal: Modal) {
        if self.open.is_some() {
            self.waiting.push_back(modal);
        } else {
            self.open = Some(modal);
        }
    }

    /// Opens `modal` in front of the one open, which comes back when `modal` closes.
    pub fn interrupt(&mut self, modal: Modal) {
        if let Some(current) = self.open.replace(modal) {
            self.waiting.push_front(current);
        }
    }

    /// Closes the open dialog, returning it; the next one waiting opens.
    pub fn close(&mut self) -> Option<Modal> {
        let closed = self.open.take();
        self.open = self.waiting.pop_front();
        closed
    }

    /// Closes the open dialog if `is_it` says it is the one meant.
    pub fn close_if(&mut self, is_it: impl FnOnce(&Modal) -> bool) -> Option<Modal> {
        if self.open.as_ref().is_some_and(is_it) {
            self.close()
        } else {
            None
        }
    }

    /// The answer to "N files exist already" (for the whole batch), closing the question;
    /// `None` cancels the batch.
    pub(crate) fn resolve_download(&mut self, conflict: Option<Conflict>) -> Option<Command> {
        match self.close_if(|m| matches!(m, Modal::DownloadConflict { .. })) {
            Some(Modal::DownloadConflict { id, .. }) => {
                Some(Command::ResolveDownload { id, conflict })
            }
            _ => None,
        }
    }

    /// The answer to "N objects exist already" (for the whole batch), closing the question;
    /// `None` cancels the batch.
    pub(crate) fn resolve_upload(&mut self, conflict: Option<Conflict>) -> Option<Command> {
        match self.close_if(|m| matches!(m, Modal::UploadConflict { .. })) {
            Some(Modal::UploadConflict { id, .. }) => Some(Command::ResolveUpload { id, conflict }),
            _ => None,
        }
    }

    /// Every dialog, open or waiting, for answers that find theirs wherever it is.
    pub fn all_mut(&mut self) -> impl Iterator<Item = &mut Modal> {
        self.open.iter_mut().chain(self.waiting.iter_mut())
    }

    pub fn web_url(&self) -> Option<&WebUrlDialog> {
        match &self.open {
            Some(Modal::WebUrl(dialog)) => Some(dialog),
            _ => None,
        }
    }

    pub fn web_url_mut(&mut self) -> Option<&mut WebUrlDialog> {
        match &mut self.open {
            Some(Modal::WebUrl(dialog)) => Some(dialog),
            _ => None,
        }
    }

    pub fn profiles_window(&self) -> Option<&ProfilesWindow> {
        match &self.open {
            Some(Modal::Profiles(window)) => Some(window),
            _ => None,
        }
    }

    pub fn profiles_window_mut(&mut self) -> Option<&mut ProfilesWindow> {
        match &mut self.open {
            Some(Modal::Profiles(window)) => Some(window),
            _ => None,
        }
    }

    /// Folds the worker's news that is only a dialog's into it: a question about a batch
    /// ("files exist already") opens, behind any dialog open now so that each is answered in
    /// turn and none is lost; Properties' answer finds its dialog wherever it is (open, or
    /// waiting behind a question), and is dropped if that dialog is gone. Answers that are
    /// not only a dialog's are left alone: the window routes them.
    pub(crate) fn apply(&mut self, event: FilesEvent) {
        match event {
            FilesEvent::UploadConflicts {
                id,
                count,
                first,
                outlook,
            } => self.open(Modal::UploadConflict {
                id,
                count,
                first,
                outlook,
            }),
            FilesEvent::DownloadConflicts {
                id,
                count,
                first,
                outlook,
            } => self.open(Modal::DownloadConflict {
                id,
                count,
                first,
                outlook,
            }),
            FilesEvent::PropertiesReady { id, result } => {
                let waiting = self.all_mut().find_map(|modal| match modal {
                    Modal::Properties(properties) if *properties == Loadable::Loading(id) => {
                        Some(properties)
                    }
                    _ => None,
                });
                if let Some(properties) = waiting {
                    *properties = match result {
                        Ok(answer) => Loadable::Ready(answer),
                        Err(e) => Loadable::Failed(e),
                    };
                }
            }
            _ => {}
        }
    }

    /// True while "Quit anyway" waits for transfers to clean up.
    pub fn quitting_since(&self) -> Option<Instant> {
        match self.open {
            Some(Modal::Quitting { since }) => Some(since),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conflict(n: u64) -> Modal {
        Modal::DownloadConflict {
            id: RequestId(n),
            count: 1,
            first: format!("f{n}"),
            outlook: Box::default(),
        }
    }

    fn conflict_id(modal: Option<&Modal>) -> Option<u64> {
        match modal {
            Some(Modal::DownloadConflict { id, .. }) => Some(id.0),
            _ => None,
        }
    }

    #[test]
    fn a_second_question_waits_for_the_first_instead_of_replacing_it() {
        let mut modals = Modals::default();
        modals.open(conflict(1));
        modals.open(conflict(2));
        assert_eq!(conflict_id(modals.get()), Some(1));
        modals.close();
        assert_eq!(conflict_id(modals.get()), Some(2));
        modals.close();
        assert!(!modals.is_open());
    }

    #[test]
    fn the_quit_question_steps_in_front_and_gives_the_dialog_back() {
        let mut modals = Modals::default();
        modals.open(Modal::NewFolder {
            pane: ActivePane::Explorer,
            name: "half-typed".into(),
        });
        modals.interrupt(Modal::ConfirmQuit);
        assert!(matches!(modals.get(), Some(Modal::ConfirmQuit)));
        modals.close();
        assert!(
            matches!(modals.get(), Some(Modal::NewFolder { name, .. }) if name == "half-typed"),
            "{:?}",
            modals.get()
        );
    }

    #[test]
    fn properties_find_their_dialog_behind_a_question_and_stale_ones_are_dropped() {
        let mut modals = Modals::default();
        modals.open(conflict(1));
        modals.open(Modal::Properties(Loadable::Loading(RequestId(5))));
        let answer = |id| FilesEvent::PropertiesReady {
            id: RequestId(id),
            result: Ok(ObjectProperties {
                key: "a.txt".into(),
                ..ObjectProperties::default()
            }),
        };
        modals.apply(answer(4));
        modals.close();
        assert!(
            matches!(
                modals.get(),
                Some(Modal::Properties(Loadable::Loading(RequestId(5))))
            ),
            "an earlier request's answer is not this dialog's"
        );
        modals.interrupt(conflict(2));
        modals.apply(answer(5));
        modals.close();
        assert!(
            matches!(modals.get(), Some(Modal::Properties(Loadable::Ready(p))) if p.key == "a.txt"),
            "{:?}",
            modals.get()
        );
        modals.close();
        modals.apply(answer(5));
        assert!(
            !modals.is_open(),
            "its dialog closed: the answer is dropped"
        );
    }

    #[test]
    fn batch_questions_open_behind_the_dialog_open_now() {
        let mut modals = Modals::default();
        modals.open(Modal::ConfirmQuit);
        modals.apply(FilesEvent::UploadConflicts {
            id: RequestId(8),
            count: 2,
            first: "a.txt".into(),
            outlook: Box::default(),
        });
        modals.apply(FilesEvent::DownloadConflicts {
            id: RequestId(9),
            count: 1,
            first: "/tmp/b.txt".into(),
            outlook: Box::default(),
        });
        assert!(matches!(modals.get(), Some(Modal::ConfirmQuit)));
        modals.close();
        assert!(
            matches!(
                modals.get(),
                Some(Modal::UploadConflict {
                    id: RequestId(8),
                    count: 2,
                    ..
                })
            ),
            "{:?}",
            modals.get()
        );
        modals.close();
        assert_eq!(conflict_id(modals.get()), Some(9));
    }

    #[test]
    fn answers_that_are_not_only_a_dialogs_are_left_alone() {
        let mut modals = Modals::default();
        modals.apply(FilesEvent::TransferStarted {
            transfer: crate::worker::TransferId(1),
        });
        modals.apply(FilesEvent::Renamed {
            id: RequestId(1),
            from: ObjectKey::new("a").unwrap(),
            to: ObjectKey::new("b").unwrap(),
            result: Err(JobError::Transfer(
                crate::s3::transfer::TransferError::Exists("b".into()),
            )),
        });
        assert!(
            !modals.is_open(),
            "the rename's question is the window's to ask"
        );
    }
}
