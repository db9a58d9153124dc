//! The dialogs of file operations, drawn when theirs is the open [`Modal`]: Delete's
//! confirmation, New folder, Rename and its conflict, Properties, "Files exist already" (and
//! "Objects exist already" for uploads), and
//! the quit confirmation and wait.

use std::time::Instant;

use egui::RichText;

use crate::app::files::transfer_rows::Transfers;
use crate::app::modal::{Modal, Modals};
use crate::app::shared::Loadable;
use crate::s3::download::Conflict;
use crate::worker::Command;

/// How many names the Delete confirmation lists before "and N more".
const LISTED: usize = 12;

/// What the person asked for in a dialog that reaches past it: the buckets' panes, a request
/// id, the transfers. The window hands each to the one routing method beside the files' state
/// (`files/state.rs`), which takes what the open dialog holds. Cancel and Close only close the
/// dialog, here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileDialogRequest {
    /// Delete in Delete's confirmation.
    Delete,
    /// Create in New folder (a name was typed).
    CreateFolder,
    /// Rename in Rename or move.
    Rename,
    /// Replace, after a rename found an object at the new key.
    RenameReplacing,
    /// "Quit anyway", pressed `at`: the transfers are cancelled and cleaned up before the
    /// window closes.
    QuitAnyway { at: Instant },
    /// The transfers have cleaned up (or the wait is over) and the window is closing: the
    /// close goes through instead of asking again.
    Close,
    /// Edit headers… in Properties, on the object shown.
    EditHeaders,
}

/// Draws the file operations' dialog that is open, if any; the answer to "files exist
/// already" goes to the worker through `out`.
pub(crate) fn file_dialogs_ui(
    ctx: &egui::Context,
    modals: &mut Modals,
    transfers: &Transfers,
    out: &mut Vec<Command>,
) -> Vec<FileDialogRequest> {
    [
        delete_ui(ctx, modals),
        download_conflict_ui(ctx, modals, out),
        rename_ui(ctx, modals),
        rename_conflict_ui(ctx, modals),
        quitting_ui(ctx, modals, transfers),
        properties_ui(ctx, modals),
        quit_ui(ctx, modals, transfers),
        new_folder_ui(ctx, modals),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn delete_ui(ctx: &egui::Context, modals: &mut Modals) -> Option<FileDialogRequest> {
    if let Some(Modal::Delete(pending)) = modals.get() {
        let mut confirm = false;
        let mut cancel = false;
        let modal = egui::Modal::new(egui::Id::unique("delete-confirmation")).show(ctx, |ui| {
            ui.set_width(480.0);
            ui.heading("Delete objects");
            let count = pending.keys.len() + pending.prefixes.len();
            ui.label(format!(
                "These go from s3://{}, and cannot be recovered:",
                pending.bucket
            ));
            let names = pending
                .prefixes
                .iter()
                .map(|p| format!("📁 {p} (everything under it)"))
                .chain(pending.keys.iter().map(|k| format!("📄 {k}")));
            for name in names.take(LISTED) {
                ui.label(name);
            }
            if count > LISTED {
                ui.weak(format!("and {} more", count - LISTED));
            }
            ui.separator();
            ui.horizontal(|ui| {
                if ui
                    .button(RichText::new("Delete").color(ui.visuals().error_fg_color))
                    .clicked()
                {
                    confirm = true;
                }
                if ui.button("Cancel").clicked() {
                    cancel = true;
                }
            });
        });
        if confirm {
            return Some(FileDialogRequest::Delete);
        } else if cancel || modal.should_close() {
            modals.close();
        }
    }
    None
}

/// Before a batch that replaces, renames or skips anything: what each answer would do, and
/// Cancel. Where Pail could not see what is there, only Overwrite or Cancel.
fn download_conflict_ui(
    ctx: &egui::Context,
    modals: &mut Modals,
    out: &mut Vec<Command>,
) -> Option<FileDialogRequest> {
    let (upload, count, first, outlook) = match modals.get() {
        Some(Modal::DownloadConflict {
            count,
            first,
            outlook,
            ..
        }) => (false, *count, first.clone(), outlook.clone()),
        Some(Modal::UploadConflict {
            count,
            first,
            outlook,
            ..
        }) => (true, *count, first.clone(), outlook.clone()),
        _ => return None,
    };
    let (things, place) = if upload {
        (
            crate::fmt::count(count, "object", "objects"),
            "in the bucket",
        )
    } else {
        (
            crate::fmt::count(count, "file", "files"),
            "in the download folder",
        )
    };
    let heading = if outlook.unseen.is_some() {
        "Pail cannot see what is there"
    } else if count == 0 {
        "Some names change"
    } else if upload {
        "Objects exist already"
    } else {
        "Files exist already"
    };
    let newer = if upload {
        "Replace an object only when the file here is newer than it"
    } else {
        "Replace a file only when the object is newer than it"
    };
    let choices: Vec<(&str, Conflict, &str)> = if outlook.unseen.is_some() {
        vec![(
            "Overwrite",
            Conflict::Overwrite,
            "Write every file, replacing whatever is there",
        )]
    } else if count == 0 {
        vec![("Start", Conflict::Overwrite, "Start as planned")]
    } else {
        vec![
            ("Overwrite", Conflict::Overwrite, "Replace what is there"),
            ("Skip", Conflict::Skip, "Leave what is there; skip those"),
            (
                "Keep both",
                Conflict::KeepBoth,
                "Write under a free name: name (1).ext",
            ),
            ("Only if newer", Conflict::IfNewer, newer),
        ]
    };
    let mut answer = None;
    let mut cancel = false;
    let modal = egui::Modal::new(egui::Id::unique("transfer-conflict")).show(ctx, |ui| {
        ui.set_width(520.0);
        ui.heading(heading);
        if count > 0 {
            let verb = if count == 1 { "exists" } else { "exist" };
            ui.label(format!(
                "{things} {place} already {verb} (the first: {first})."
            ));
        }
        if let Some(why) = &outlook.unseen {
            ui.label(format!(
                "Pail cannot see what is at some of the names ({why}). Overwrite whatever exists?"
            ));
        }
        egui::Grid::new("transfer-plan")
            .num_columns(2)
            .show(ui, |ui| {
                for (label, choice, hover) in &choices {
                    if ui.button(*label).on_hover_text(*hover).clicked() {
                        answer = Some(*choice);
                    }
                    ui.label(outlook.of(*choice).to_string());
                    ui.end_row();
                }
            });
        if ui.button("Cancel").clicked() {
            cancel = true;
        }
    });
    let answer = match (answer, cancel || modal.should_close()) {
        (Some(choice), _) => Some(Some(choice)),
        (None, true) => Some(None),
        (None, false) => None,
    };
    if let Some(conflict) = answer {
        out.extend(if upload {
            modals.resolve_upload(conflict)
        } else {
            modals.resolve_download(conflict)
        });
    }
    None
}

fn new_folder_ui(ctx: &egui::Context, modals: &mut Modals) -> Option<FileDialogRequest> {
    if let Some(Modal::NewFolder { name, .. }) = modals.get_mut() {
        let mut create = false;
        let mut cancel = false;
        let modal = egui::Modal::new(egui::Id::unique("new-folder")).show(ctx, |ui| {
            ui.set_width(420.0);
            ui.heading("New folder");
            ui.horizontal(|ui| {
                let label = ui.label("Folder name");
                let response = ui
                    .add(egui::TextEdit::singleline(name).desired_width(260.0))
                    .labelled_by(label.id);
                if response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                    create = true;
                }
            });
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(!name.trim().is_empty(), egui::Button::new("Create"))
                    .clicked()
                {
                    create = true;
                }
                if ui.button("Cancel").clicked() {
                    cancel = true;
                }
            });
        });
        if create && !name.trim().is_empty() {
            return Some(FileDialogRequest::CreateFolder);
        } else if cancel || modal.should_close() {
            modals.close();
        }
    }
    None
}

fn rename_ui(ctx: &egui::Context, modals: &mut Modals) -> Option<FileDialogRequest> {
    let Some(Modal::Rename { from, to, .. }) = modals.get_mut() else {
        return None;
    };
    let mut rename = false;
    let mut cancel = false;
    let modal = egui::Modal::new(egui::Id::unique("rename")).show(ctx, |ui| {
        ui.set_width(520.0);
        ui.heading("Rename or move");
        ui.weak(format!("From {from}"));
        ui.horizontal(|ui| {
            let label = ui.label("New key");
            ui.add(egui::TextEdit::singleline(to).desired_width(400.0))
                .labelled_by(label.id);
        });
        ui.weak("A key in another folder moves the object there.");
        ui.horizontal(|ui| {
            if ui.button("Rename").clicked() {
                rename = true;
            }
            if ui.button("Cancel").clicked() {
                cancel = true;
            }
        });
    });
    if rename {
        return Some(FileDialogRequest::Rename);
    } else if cancel || modal.should_close() {
        modals.close();
    }
    None
}

/// The new key of a rename is taken: replace that object, or leave both as they are.
fn rename_conflict_ui(ctx: &egui::Context, modals: &mut Modals) -> Option<FileDialogRequest> {
    let Some(Modal::RenameConflict { to, .. }) = modals.get() else {
        return None;
    };
    let mut replace = false;
    let mut cancel = false;
    let modal = egui::Modal::new(egui::Id::unique("rename-conflict")).show(ctx, |ui| {
        ui.set_width(520.0);
        ui.heading("Replace the existing object?");
        ui.label(format!(
            "{to} exists already. Replacing it deletes its current content."
        ));
        ui.horizontal(|ui| {
            if ui.button("Replace").clicked() {
                replace = true;
            }
            if ui.button("Cancel").clicked() {
                cancel = true;
            }
        });
    });
    if replace {
        return Some(FileDialogRequest::RenameReplacing);
    } else if cancel || modal.should_close() {
        modals.close();
    }
    None
}

fn properties_ui(ctx: &egui::Context, modals: &mut Modals) -> Option<FileDialogRequest> {
    let Some(Modal::Properties(properties)) = modals.get() else {
        return None;
    };
    let (mut close, mut edit) = (false, false);
    let modal = egui::Modal::new(egui::Id::unique("properties")).show(ctx, |ui| {
        ui.set_width(520.0);
        ui.heading("Properties");
        match properties {
            Loadable::Loading(_) | Loadable::Idle => {
                ui.spinner();
            }
            Loadable::Failed(e) => {
                ui.colored_label(ui.visuals().error_fg_color, format!("⚠ {e}"));
            }
            Loadable::Ready(p) => {
                egui::Grid::new("properties-grid")
                    .num_columns(2)
                    .show(ui, |ui| {
                        let mut row = |name: &str, value: String| {
                            ui.label(name);
                            ui.label(value);
                            ui.end_row();
                        };
                        row("Key", p.key.clone());
                        row(
                            "Size",
                            format!(
                                "{} ({} bytes)",
                                crate::fmt::human_size(p.size),
                                crate::fmt::thousands(p.size)
                            ),
                        );
                        row("ETag", p.etag.clone().unwrap_or_default());
                        row("Content type", p.content_type.clone().unwrap_or_default());
                        row("Storage class", p.storage_class.clone().unwrap_or_default());
                        let modified = p
                            .last_modified
                            .map(|s| crate::local_time::format_unix_local(s, "%Y-%m-%d %H:%M:%S"))
                            .unwrap_or_default();
                        row("Last modified", modified);
                        row(
                            "Version",
                            p.version_id.clone().unwrap_or_else(|| "—".into()),
                        );
                        for (name, value) in &p.metadata {
                            row(&format!("x-amz-meta-{name}"), value.clone());
                        }
                    });
            }
        }
        ui.horizontal(|ui| {
            let ready = matches!(properties, Loadable::Ready(_));
            edit = ui
                .add_enabled(ready, egui::Button::new("Edit headers…"))
                .clicked();
            close = ui.button("Close").clicked();
        });
    });
    if close || edit || modal.should_close() {
        modals.close();
    }
    edit.then_some(FileDialogRequest::EditHeaders)
}

fn quit_ui(
    ctx: &egui::Context,
    modals: &mut Modals,
    transfers: &Transfers,
) -> Option<FileDialogRequest> {
    if !matches!(modals.get(), Some(Modal::ConfirmQuit)) {
        return None;
    }
    let active = transfers.active();
    let mut quit = false;
    let mut stay = false;
    let modal = egui::Modal::new(egui::Id::unique("quit")).show(ctx, |ui| {
        ui.set_width(420.0);
        ui.heading("Transfers are running");
        ui.label(format!(
            "{} will be cancelled if Pail quits now (partial downloads are removed, unfinished uploads aborted).",
            crate::fmt::count(active, "transfer", "transfers")
        ));
        ui.horizontal(|ui| {
            if ui.button("Quit anyway").clicked() {
                quit = true;
            }
            if ui.button("Keep running").clicked() {
                stay = true;
            }
        });
    });
    if quit {
        return Some(FileDialogRequest::QuitAnyway { at: Instant::now() });
    } else if stay || modal.should_close() {
        modals.close();
    }
    None
}

/// After "Quit anyway": the transfers stop and clean up, then the window closes.
fn quitting_ui(
    ctx: &egui::Context,
    modals: &Modals,
    transfers: &Transfers,
) -> Option<FileDialogRequest> {
    let since = modals.quitting_since()?;
    if transfers.quit_confirmed() {
        return None;
    }
    if transfers.may_quit(since, Instant::now()) {
        ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        return Some(FileDialogRequest::Close);
    }
    egui::Modal::new(egui::Id::unique("quitting")).show(ctx, |ui| {
        ui.set_width(420.0);
        ui.heading("Quitting");
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(format!(
                "Stopping {}: aborting unfinished uploads, removing partial downloads…",
                crate::fmt::count(transfers.active(), "transfer", "transfers")
            ));
        });
    });
    // The worker's answers wake the window; this bounds the wait if none comes.
    ctx.request_repaint_after(std::time::Duration::from_millis(200));
    None
}
