//! The second pane's dialogs, drawn when theirs is the open [`Modal`]: New folder, Rename,
//! and Delete (to the system's trash) on this computer, and the question before a Move.

use super::ui::SecondPaneRequest;
use crate::app::modal::{Modal, Modals};

/// Draws the open dialog if it is one of the second pane's; typing and Cancel stay in
/// `modals`, a confirmation is returned for the window to carry out.
pub(crate) fn second_pane_dialogs_ui(
    ctx: &egui::Context,
    modals: &mut Modals,
) -> Option<SecondPaneRequest> {
    let (mut confirm, mut cancel) = (false, false);
    if let Some(Modal::ConfirmMove { summary, .. }) = modals.get() {
        let modal = egui::Modal::new(egui::Id::unique("confirm-move")).show(ctx, |ui| {
            ui.set_width(480.0);
            ui.heading("Move");
            ui.label(summary.as_str());
            ui.horizontal(|ui| {
                confirm = ui.button("Move").clicked();
                cancel = ui.button("Cancel").clicked();
            });
        });
        if confirm {
            return Some(SecondPaneRequest::ConfirmMove);
        } else if cancel || modal.should_close() {
            modals.close();
        }
        return None;
    }
    let shown = match modals.get_mut() {
        Some(Modal::LocalNewFolder { name }) => {
            let modal = egui::Modal::new(egui::Id::unique("local-new-folder")).show(ctx, |ui| {
                ui.set_width(420.0);
                ui.heading("New folder on this computer");
                let label = ui.label("Folder name");
                let field = ui.text_edit_singleline(name).labelled_by(label.id);
                let typed = !name.trim().is_empty();
                confirm =
                    field.lost_focus() && typed && ui.input(|i| i.key_pressed(egui::Key::Enter));
                ui.horizontal(|ui| {
                    confirm |= ui.add_enabled(typed, egui::Button::new("Create")).clicked();
                    cancel = ui.button("Cancel").clicked();
                });
            });
            Some(modal)
        }
        Some(Modal::LocalRename { from, to }) => {
            let modal = egui::Modal::new(egui::Id::unique("local-rename")).show(ctx, |ui| {
                ui.set_width(480.0);
                ui.heading("Rename on this computer");
                ui.weak(format!("From {}", from.display()));
                let label = ui.label("New name");
                ui.text_edit_singleline(to).labelled_by(label.id);
                ui.horizontal(|ui| {
                    confirm = ui.button("Rename").clicked();
                    cancel = ui.button("Cancel").clicked();
                });
            });
            Some(modal)
        }
        Some(Modal::LocalTrash { paths }) => {
            let modal = egui::Modal::new(egui::Id::unique("local-trash")).show(ctx, |ui| {
                ui.set_width(480.0);
                ui.heading("Move to the trash");
                ui.label(format!(
                    "{} go to the system's trash, where they can be restored:",
                    crate::fmt::count(paths.len(), "item", "items")
                ));
                for path in paths.iter().take(12) {
                    ui.label(path.display().to_string());
                }
                ui.horizontal(|ui| {
                    confirm = ui.button("Move to trash").clicked();
                    cancel = ui.button("Cancel").clicked();
                });
            });
            Some(modal)
        }
        _ => None,
    };
    let modal = shown?;
    if confirm {
        return Some(SecondPaneRequest::ConfirmLocalChange);
    } else if cancel || modal.should_close() {
        modals.close();
    }
    None
}
