//! The main pane: the current folder as a table (folders first, then objects) that draws only
//! the rows in view, with sortable headers, multi-selection, a context menu, and an error
//! banner with Retry.

use egui::{Align, Button, Layout, RichText, Sense, Ui};
use egui_extras::{Column, TableBuilder};

use crate::app::UiFlags;
use crate::app::pane_table::{PaneDrag, mark_text, name_cell, size_cell};
use crate::app::shared::ActivePane;
use crate::app::shared::ListingState;
use crate::app::state::AppState;
use crate::listing::SortColumn;
use crate::worker::Command;

/// What happened to a row this frame; applied after the table is drawn, since the table
/// borrows the listing while drawing.
enum RowAction {
    Click {
        position: usize,
        ctrl: bool,
        shift: bool,
    },
    Open(String),
    CopyText(String),
    WebUrl,
    Download,
    Rename,
    Properties,
    Delete,
}

pub(crate) fn object_table_ui(
    ui: &mut Ui,
    state: &mut AppState,
    flags: &mut UiFlags,
    out: &mut Vec<Command>,
) {
    let panel = egui::CentralPanel::default().show(ui, |ui| {
        if let Some(error) = state.banner_error().cloned() {
            let mut retry = false;
            egui::Frame::new()
                .fill(ui.visuals().extreme_bg_color)
                .stroke(egui::Stroke::new(1.0, ui.visuals().error_fg_color))
                .inner_margin(8.0)
                .corner_radius(4.0)
                .show(ui, |ui| {
                    ui.horizontal(|ui| {
                        ui.colored_label(ui.visuals().error_fg_color, format!("⚠ {error}"));
                        retry = ui.button("Retry").clicked();
                    });
                });
            if retry {
                out.extend(state.retry());
            }
            ui.add_space(4.0);
        }
        let Some(location) = state.location.clone() else {
            ui.centered_and_justified(|ui| {
                ui.weak("Pick a bucket on the left to see what it holds.");
            });
            return;
        };
        if state.listing.view_len() == 0 {
            let text = match state.listing_state {
                ListingState::Loading { .. } => None,
                _ if state.listing.is_filtered() => Some("Nothing here matches the filter."),
                ListingState::Done => Some("This folder is empty."),
                _ => None,
            };
            if let Some(text) = text {
                ui.centered_and_justified(|ui| {
                    ui.weak(text);
                });
                return;
            }
        }
        let actions = table_ui(ui, state, flags, &location.uri());
        for action in actions {
            // Whatever is done to its rows makes this pane the active one.
            state.active_pane = ActivePane::Explorer;
            match action {
                RowAction::Click {
                    position,
                    ctrl,
                    shift,
                } => state.listing.click(position, ctrl, shift),
                RowAction::Open(name) => out.extend(state.open_folder(&name)),
                RowAction::CopyText(text) => ui.ctx().copy_text(text),
                RowAction::WebUrl => {
                    out.extend(state.open_web_url(std::time::SystemTime::now()));
                }
                RowAction::Download => flags.pick = Some(crate::app::picker::PickKind::DownloadTo),
                RowAction::Rename => state.request_rename(),
                RowAction::Properties => out.extend(state.request_properties()),
                RowAction::Delete => state.request_delete(),
            }
        }
    });
    // Rows dragged from the second pane and dropped here are copied here.
    let response = &panel.response;
    let from_right = |drag: &PaneDrag| drag.0 == ActivePane::Second;
    if response
        .dnd_hover_payload::<PaneDrag>()
        .is_some_and(|d| from_right(&d))
    {
        ui.painter().rect_stroke(
            response.rect.shrink(2.0),
            4.0,
            egui::Stroke::new(2.0, ui.visuals().selection.bg_fill),
            egui::StrokeKind::Inside,
        );
    }
    if response
        .dnd_release_payload::<PaneDrag>()
        .is_some_and(|d| from_right(&d))
    {
        out.extend(state.drop_across(ActivePane::Second));
    }
}

fn sort_arrow(state: &AppState, column: SortColumn) -> &'static str {
    let sort = state.listing.sort();
    match (sort.column == column, sort.ascending) {
        (true, true) => " ⏶",
        (true, false) => " ⏷",
        (false, _) => "",
    }
}

fn table_ui(ui: &mut Ui, state: &mut AppState, flags: &mut UiFlags, uri: &str) -> Vec<RowAction> {
    // Labels must not take clicks for text selection: a click anywhere selects the row.
    ui.style_mut().interaction.selectable_labels = false;
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 8.0;
    let modifiers = ui.input(|i| i.modifiers);
    // Beside the local pane the table is narrower: its own remembered widths, smaller ones.
    let narrow = state.second_pane.is_some();
    let (salt, name_min, size, date, class) = if narrow {
        ("object-table-two-panes", 140.0, 70.0, 125.0, 90.0)
    } else {
        ("object-table", 220.0, 100.0, 150.0, 150.0)
    };
    let mut table = TableBuilder::new(ui)
        .id_salt(salt)
        .striped(true)
        .resizable(true)
        // Beside the second pane, rows can be dragged onto it.
        .sense(if narrow {
            Sense::click_and_drag()
        } else {
            Sense::click()
        })
        .cell_layout(Layout::left_to_right(Align::Center))
        .column(Column::remainder().at_least(name_min).clip(true))
        .column(Column::initial(size).at_least(60.0))
        .column(Column::initial(date).at_least(80.0))
        .column(Column::initial(class).at_least(70.0));
    if let Some(row) = flags.scroll_to_row.take() {
        table = table.scroll_to_row(row, None);
    }
    let mut new_sort = None;
    let mut actions = Vec::new();
    let columns = [
        (SortColumn::Name, "Name"),
        (SortColumn::Size, "Size"),
        (SortColumn::Modified, "Last modified"),
        (SortColumn::Class, "Storage class"),
    ];
    table
        .header(row_height, |mut header| {
            for (column, title) in columns {
                header.col(|ui| {
                    let text =
                        RichText::new(format!("{title}{}", sort_arrow(state, column))).strong();
                    if ui.add(Button::new(text).frame(false)).clicked() {
                        new_sort = Some(state.listing.sort().clicked(column));
                    }
                });
            }
        })
        .body(|body| {
            let listing = &state.listing;
            let marks = state.compare_marks.as_ref();
            body.rows(row_height, listing.view_len(), |mut table_row| {
                let position = table_row.index();
                let Some(row) = listing.row_at(position) else {
                    return;
                };
                table_row.set_selected(listing.is_selected_at(position));
                let mark = marks
                    .and_then(|m| m.get(&*row.name))
                    .map(|mark| mark_text(*mark, false));
                table_row.col(|ui| name_cell(ui, row, mark));
                table_row.col(|ui| size_cell(ui, row));
                table_row.col(|ui| {
                    if !row.is_folder {
                        ui.label(local_time(row.modified));
                    }
                });
                table_row.col(|ui| {
                    if !row.is_folder {
                        ui.label(row.class.as_str());
                    }
                });
                let response = table_row.response();
                // The row is what a screen reader (and a test) selects and activates: it
                // carries the name; the name cell itself is painted without a node of its own.
                let selected = listing.is_selected_at(position);
                response
                    .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Row, true, &*row.name));
                // A row is selected, not toggled: say so the way list readers expect.
                response.ctx.accesskit_node_builder(response.id, |node| {
                    node.set_selected(selected);
                });
                if narrow && response.drag_started() {
                    // Dragging a row that is not selected drags it alone.
                    if !selected {
                        actions.push(RowAction::Click {
                            position,
                            ctrl: false,
                            shift: false,
                        });
                    }
                    response.dnd_set_drag_payload(PaneDrag(ActivePane::Explorer));
                }
                if response.double_clicked() && row.is_folder {
                    actions.push(RowAction::Open(row.name.to_string()));
                } else if response.clicked() {
                    actions.push(RowAction::Click {
                        position,
                        ctrl: modifiers.command,
                        shift: modifiers.shift,
                    });
                }
                if response.secondary_clicked() && !listing.is_selected_at(position) {
                    actions.push(RowAction::Click {
                        position,
                        ctrl: false,
                        shift: false,
                    });
                }
                response.context_menu(|ui| {
                    if ui.button("Web URL…").clicked() {
                        actions.push(RowAction::WebUrl);
                        ui.close();
                    }
                    if row.is_folder && ui.button("Open").clicked() {
                        actions.push(RowAction::Open(row.name.to_string()));
                        ui.close();
                    }
                    if ui.button("Copy S3 URI").clicked() {
                        actions.push(RowAction::CopyText(format!("{uri}{}", row.name)));
                        ui.close();
                    }
                    if ui.button("Copy name").clicked() {
                        actions.push(RowAction::CopyText(row.name.to_string()));
                        ui.close();
                    }
                    ui.separator();
                    if ui.button("Download…").clicked() {
                        actions.push(RowAction::Download);
                        ui.close();
                    }
                    if !row.is_folder && ui.button("Rename…").clicked() {
                        actions.push(RowAction::Rename);
                        ui.close();
                    }
                    if ui.button("Delete…").clicked() {
                        actions.push(RowAction::Delete);
                        ui.close();
                    }
                    if !row.is_folder && ui.button("Properties").clicked() {
                        actions.push(RowAction::Properties);
                        ui.close();
                    }
                });
            });
        });
    if let Some(sort) = new_sort {
        state.listing.set_sort(sort);
    }
    actions
}

/// `2026-07-31 18:02` in the local time zone.
fn local_time(secs: i64) -> String {
    crate::local_time::format_unix_local(secs, "%Y-%m-%d %H:%M")
}
