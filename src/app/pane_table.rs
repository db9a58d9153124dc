//! A pane's rows as a table: sortable headers, selection (Ctrl and Shift), a double-click to
//! open, Compare's marks, and rows that can be dragged onto the other pane. Only the rows in
//! view are drawn. The cells are the explorer's table's too.

use egui::{Align, Button, Layout, RichText, Sense, Ui};
use egui_extras::{Column, TableBuilder};

use crate::app::shared::{ActivePane, CompareMarks};
use crate::compare::Mark;
use crate::fmt::{human_size, thousands};
use crate::listing::{Listing, Row, Sort, SortColumn};

/// What is carried while rows are dragged: the pane they come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaneDrag(pub ActivePane);

/// What the person did to the rows this frame.
pub(crate) enum TableAction {
    Click {
        position: usize,
        ctrl: bool,
        shift: bool,
    },
    /// A double-click: open the folder (or the file on this computer).
    Activate(String),
    Sort(Sort),
}

fn sort_arrow(sort: Sort, column: SortColumn) -> &'static str {
    match (sort.column == column, sort.ascending) {
        (true, true) => " ⏶",
        (true, false) => " ⏷",
        (false, _) => "",
    }
}

/// Draws `listing`'s rows; `from` is the pane they belong to (for dragging).
pub(crate) fn pane_table(
    ui: &mut Ui,
    listing: &Listing,
    marks: Option<&CompareMarks>,
    from: ActivePane,
) -> Vec<TableAction> {
    ui.style_mut().interaction.selectable_labels = false;
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 8.0;
    let modifiers = ui.input(|i| i.modifiers);
    let mut actions = Vec::new();
    let sort = listing.sort();
    TableBuilder::new(ui)
        .id_salt("second-pane-table")
        .striped(true)
        .resizable(true)
        .sense(Sense::click_and_drag())
        .cell_layout(Layout::left_to_right(Align::Center))
        .column(Column::remainder().at_least(140.0).clip(true))
        .column(Column::initial(70.0).at_least(60.0))
        .column(Column::initial(125.0).at_least(80.0))
        .header(row_height, |mut header| {
            for (column, title) in [
                (SortColumn::Name, "Name"),
                (SortColumn::Size, "Size"),
                (SortColumn::Modified, "Last modified"),
            ] {
                header.col(|ui| {
                    let text = RichText::new(format!("{title}{}", sort_arrow(sort, column)));
                    if ui.add(Button::new(text.strong()).frame(false)).clicked() {
                        actions.push(TableAction::Sort(sort.clicked(column)));
                    }
                });
            }
        })
        .body(|body| {
            body.rows(row_height, listing.view_len(), |mut table_row| {
                let position = table_row.index();
                let Some(row) = listing.row_at(position) else {
                    return;
                };
                let selected = listing.is_selected_at(position);
                table_row.set_selected(selected);
                let mark = marks
                    .and_then(|m| m.get(&*row.name))
                    .map(|mark| mark_text(*mark, from == ActivePane::Second));
                table_row.col(|ui| name_cell(ui, row, mark));
                table_row.col(|ui| {
                    if !row.is_folder {
                        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                            ui.label(human_size(row.size))
                                .on_hover_text(format!("{} bytes", thousands(row.size)));
                        });
                    }
                });
                table_row.col(|ui| {
                    if row.modified != 0 {
                        ui.weak(crate::local_time::format_unix_local(
                            row.modified,
                            "%Y-%m-%d %H:%M",
                        ));
                    }
                });
                let response = table_row.response();
                response
                    .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Row, true, &*row.name));
                response.ctx.accesskit_node_builder(response.id, |node| {
                    node.set_selected(selected);
                });
                if response.drag_started() {
                    // Dragging a row that is not selected drags it alone.
                    if !selected {
                        actions.push(TableAction::Click {
                            position,
                            ctrl: false,
                            shift: false,
                        });
                    }
                    response.dnd_set_drag_payload(PaneDrag(from));
                }
                if response.double_clicked() {
                    actions.push(TableAction::Activate(row.name.to_string()));
                } else if response.clicked() {
                    actions.push(TableAction::Click {
                        position,
                        ctrl: modifiers.command,
                        shift: modifiers.shift,
                    });
                }
            });
        });
    actions
}

/// A row's icon and name, and Compare's mark beside it.
pub(crate) fn name_cell(ui: &mut Ui, row: &Row, mark: Option<&str>) {
    if row.is_folder {
        ui.label(RichText::new("📁").color(egui::Color32::from_rgb(0xE8, 0xA8, 0x3A)));
    } else {
        ui.weak("📄");
    }
    // Painted, not a Label: the row already carries the name for the accessibility tree, and
    // two nodes of one name would make it ambiguous.
    let galley = egui::WidgetText::from(&*row.name).into_galley(
        ui,
        Some(egui::TextWrapMode::Truncate),
        ui.available_width(),
        egui::TextStyle::Body,
    );
    let (rect, _) = ui.allocate_exact_size(galley.size(), Sense::hover());
    ui.painter()
        .galley(rect.min, galley, ui.visuals().text_color());
    // Compare's mark, beside the name while the two panes are compared.
    if let Some(mark) = mark.filter(|m| !m.is_empty()) {
        ui.colored_label(ui.visuals().warn_fg_color, mark);
    }
}

pub(crate) fn size_cell(ui: &mut Ui, row: &Row) {
    if row.is_folder {
        return;
    }
    ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
        ui.label(human_size(row.size))
            .on_hover_text(format!("{} bytes", thousands(row.size)));
    });
}

/// A mark as a pane shows it, from the side of the pane showing it.
pub fn mark_text(mark: Mark, in_second_pane: bool) -> &'static str {
    match (mark, in_second_pane) {
        (Mark::OnlyLeft, false) | (Mark::OnlyRight, true) => "only here",
        (Mark::OnlyLeft, true) | (Mark::OnlyRight, false) => "",
        (Mark::Differs, _) => "differs",
        (Mark::NewerLeft, false) | (Mark::NewerRight, true) => "newer here",
        (Mark::NewerLeft, true) | (Mark::NewerRight, false) => "older here",
        (Mark::Same, _) => "same",
    }
}
