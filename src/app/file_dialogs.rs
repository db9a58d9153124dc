//! The small dialogs of file operations: Delete's confirmation and New folder.

use egui::RichText;

use super::state::AppState;
use crate::transfer::Conflict;
use crate::worker::Command;

/// How many names the Delete confirmation lists before "and N more".
const LISTED: usize = 12;

pub(super) fn file_dialogs_ui(ctx: &egui::Context, state: &mut AppState, out: &mut Vec<Command>) {
    if let Some(pending) = &state.pending_delete {
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
            out.extend(state.confirm_delete());
        } else if cancel || modal.should_close() {
            state.pending_delete = None;
        }
    }
    if let Some((_, count, first)) = &state.download_conflict {
        let mut answer = None;
        let modal = egui::Modal::new(egui::Id::unique("download-conflict")).show(ctx, |ui| {
            ui.set_width(480.0);
            ui.heading("Files exist already");
            ui.label(format!(
                "{} in the download folder already exist (the first: {first}).",
                crate::units::count(*count, "file", "files")
            ));
            ui.label("For this download:");
            ui.horizontal(|ui| {
                if ui.button("Overwrite").clicked() {
                    answer = Some(Conflict::Overwrite);
                }
                if ui.button("Skip").clicked() {
                    answer = Some(Conflict::Skip);
                }
                if ui.button("Keep both").clicked() {
                    answer = Some(Conflict::KeepBoth);
                }
            });
        });
        let answer = answer.or(modal.should_close().then_some(Conflict::Skip));
        if let Some(conflict) = answer {
            out.extend(state.resolve_download(conflict));
        }
    }
    if let Some(name) = &mut state.new_folder {
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
            out.extend(state.create_folder());
        } else if cancel || modal.should_close() {
            state.new_folder = None;
        }
    }
}
