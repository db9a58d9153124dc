//! The local pane drawn beside the bucket: where it is, Back / Up / Refresh, hidden files,
//! Copy to the bucket, Compare, and the folder's entries (folders first), each with Compare's
//! mark once asked for.

use egui::{RichText, Ui};

use crate::app::local_pane::state::{ActivePane, mark_text};
use crate::app::state::AppState;
use crate::fmt::{human_size, thousands};
use crate::worker::Command;

/// What the person did in the pane; handled once it is drawn.
#[derive(Default)]
struct Pressed {
    back: bool,
    up: bool,
    refresh: bool,
    hidden: Option<bool>,
    copy: bool,
    compare: bool,
    new_folder: bool,
    rename: bool,
    trash: bool,
    open: Option<std::path::PathBuf>,
    open_file: Option<std::path::PathBuf>,
    go_typed: bool,
    click: Option<(String, bool)>,
}

pub(crate) fn local_pane_ui(ui: &mut Ui, state: &mut AppState, out: &mut Vec<Command>) {
    let Some(pane) = &mut state.local_pane else {
        return;
    };
    let active = state.active_pane == ActivePane::Local;
    let mut pressed = Pressed::default();
    let marks = state.compare_marks.as_ref();
    let can_copy = state.location.is_some();
    egui::Panel::right("local-pane")
        .resizable(true)
        .default_size(ui.available_width() * 0.45)
        .min_size(260.0)
        .show(ui, |ui| {
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                let title = RichText::new("This computer").heading();
                ui.label(if active { title.strong() } else { title.weak() });
                if active {
                    ui.weak("(active: Tab switches)");
                }
            });
            ui.horizontal(|ui| {
                pressed.back = ui
                    .add_enabled(pane.can_go_back(), egui::Button::new("⏴"))
                    .on_hover_text("Back")
                    .clicked();
                pressed.up = ui.button("⏶").on_hover_text("Up").clicked();
                pressed.refresh = ui.button("🔄").on_hover_text("Refresh").clicked();
                let label = ui.label("Local folder");
                let field = ui
                    .add(
                        egui::TextEdit::singleline(&mut pane.typed_path)
                            .desired_width(f32::INFINITY),
                    )
                    .labelled_by(label.id);
                pressed.go_typed =
                    field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            });
            ui.horizontal(|ui| {
                egui::ComboBox::from_label("Places")
                    .selected_text("Go to…")
                    .show_ui(ui, |ui| {
                        for place in pane.places() {
                            if ui
                                .selectable_label(false, place.display().to_string())
                                .clicked()
                            {
                                pressed.open = Some(place.clone());
                            }
                        }
                    });
                let mut hidden = pane.show_hidden();
                if ui.checkbox(&mut hidden, "Hidden files").changed() {
                    pressed.hidden = Some(hidden);
                }
                pressed.copy = ui
                    .add_enabled(can_copy, egui::Button::new("Copy (F5)"))
                    .on_hover_text("Copy the active pane's selection into the other pane's folder")
                    .clicked();
                pressed.compare = ui
                    .add_enabled(can_copy, egui::Button::new("Compare"))
                    .on_hover_text("Mark what is on one side only, differs, or is newer")
                    .clicked();
            });
            ui.horizontal(|ui| {
                let selected = pane.selected_count();
                pressed.new_folder = ui.button("New folder (F7)").clicked();
                pressed.rename = ui
                    .add_enabled(selected == 1, egui::Button::new("Rename (F2)"))
                    .clicked();
                pressed.trash = ui
                    .add_enabled(selected > 0, egui::Button::new("Delete (F8)"))
                    .on_hover_text("Move to the system's trash")
                    .clicked();
            });
            ui.separator();
            if let Some(error) = pane.error() {
                ui.colored_label(ui.visuals().error_fg_color, format!("⚠ {error}"));
            }
            if pane.is_loading() {
                ui.spinner();
            }
            egui::ScrollArea::vertical().show(ui, |ui| {
                egui::Grid::new("local-entries")
                    .num_columns(4)
                    .striped(true)
                    .show(ui, |ui| {
                        for entry in pane.entries() {
                            let icon = if entry.is_dir { "📁" } else { "📄" };
                            let row = ui.selectable_label(
                                pane.is_selected(&entry.name),
                                format!("{icon} {}", entry.name),
                            );
                            row.widget_info(|| {
                                egui::WidgetInfo::selected(
                                    egui::Role::Row,
                                    true,
                                    pane.is_selected(&entry.name),
                                    &entry.name,
                                )
                            });
                            if row.double_clicked() && entry.is_dir {
                                pressed.open = Some(entry.path.clone());
                            } else if row.double_clicked() {
                                pressed.open_file = Some(entry.path.clone());
                            } else if row.clicked() {
                                let add = ui.input(|i| i.modifiers.command);
                                pressed.click = Some((entry.name.clone(), add));
                            }
                            if entry.is_dir {
                                ui.label("");
                            } else {
                                ui.label(human_size(entry.size))
                                    .on_hover_text(format!("{} bytes", thousands(entry.size)));
                            }
                            ui.weak(crate::local_time::format_unix_local(
                                entry.modified,
                                "%Y-%m-%d %H:%M",
                            ));
                            let key = if entry.is_dir {
                                format!("{}/", entry.name)
                            } else {
                                entry.name.clone()
                            };
                            match marks.and_then(|m| m.get(&key)) {
                                Some(mark) => {
                                    ui.colored_label(
                                        ui.visuals().warn_fg_color,
                                        mark_text(*mark, true),
                                    );
                                }
                                None => {
                                    ui.label("");
                                }
                            }
                            ui.end_row();
                        }
                    });
            });
        });
    apply(state, pressed, out);
}

fn apply(state: &mut AppState, pressed: Pressed, out: &mut Vec<Command>) {
    if pressed.click.is_some() || pressed.open.is_some() {
        state.active_pane = ActivePane::Local;
    }
    if let Some((name, add)) = pressed.click
        && let Some(pane) = &mut state.local_pane
    {
        pane.click(&name, add);
    }
    if let Some(path) = pressed.open {
        out.extend(state.open_local(path, true));
    }
    if let Some(path) = pressed.open_file {
        out.extend(state.open_local_file(path));
    }
    if pressed.go_typed
        && let Some(pane) = &state.local_pane
    {
        let typed = std::path::PathBuf::from(pane.typed_path.trim());
        out.extend(state.open_local(typed, true));
    }
    if pressed.back {
        out.extend(state.local_back());
    }
    if pressed.up {
        out.extend(state.local_up());
    }
    if pressed.refresh {
        out.extend(state.refresh_local());
    }
    if let Some(show) = pressed.hidden {
        out.extend(state.set_show_hidden(show));
    }
    if pressed.copy {
        out.extend(state.copy_to_other_pane());
    }
    if pressed.compare {
        state.compare_panes();
    }
    if pressed.new_folder || pressed.rename || pressed.trash {
        state.active_pane = ActivePane::Local;
    }
    if pressed.new_folder {
        state.open_local_new_folder();
    }
    if pressed.rename {
        state.request_local_rename();
    }
    if pressed.trash {
        state.request_local_trash();
    }
}
