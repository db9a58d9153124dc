//! The dialog open over the explorer: one [`Modal`] at a time, as egui's modals block what is
//! behind them. A question the worker asks while another dialog is open (files exist, a rename
//! would replace an object) waits its turn instead of replacing it, and the quit confirmation
//! steps in front of whatever is open and gives it back on "Keep running".

use std::collections::VecDeque;
use std::time::Instant;

use crate::app::profiles::state::ProfilesWindow;
use crate::app::shared::ActivePane;
use crate::app::shared::Loadable;
use crate::app::web_url::state::WebUrlDialog;
use crate::model::{BucketName, ObjectKey};
use crate::s3::objects::ObjectProperties;
use crate::worker::{JobError, RequestId};

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
    /// A rename found an object at the new key: Replace or Cancel.
    RenameConflict {
        from: ObjectKey,
        to: ObjectKey,
        pane: ActivePane,
    },
    Properties(Loadable<ObjectProperties, JobError>),
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
}
