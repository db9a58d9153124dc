//! One table for both panes: a pane's rows with sortable headers, selection (Ctrl and Shift),
//! a double-click to open, Compare's marks, a context menu, and rows that can be dragged onto
//! the other pane. Only the rows in view are drawn. What differs between the panes is data:
//! their [`Columns`] and their menu ([`MenuEntry`]s).

use egui::{Align, Button, Layout, RichText, Sense, Ui};
use egui_extras::{Column, TableBuilder};

use crate::app::shared::{ActivePane, CompareMarks};
use crate::compare::Mark;
use crate::fmt::{human_size, thousands};
use crate::listing::{Listing, Row, Sort, SortColumn};

/// What is carried while rows are dragged: the pane they come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PaneDrag(pub ActivePane);

/// The columns a pane shows and the widths they start at; a table's widths, once resized,
/// are remembered under `id_salt`.
pub(crate) struct Columns {
    pub(crate) id_salt: &'static str,
    pub(crate) name_min: f32,
    pub(crate) size: f32,
    pub(crate) modified: f32,
    /// The Storage class column, for a bucket's objects.
    pub(crate) class: Option<f32>,
}

/// What a context menu entry does, on the row it was opened on (selected first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RowCommand {
    Open,
    WebUrl,
    /// Copies the row's S3 URI or path.
    CopyAddress,
    CopyName,
    Download,
    CopyAcross,
    MoveAcross,
    Rename,
    Delete,
    Properties,
    /// Edit headers… on the selection.
    EditHeaders,
    /// A search result's folder opens.
    OpenItsFolder,
}

/// Which rows a menu entry is offered on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Offered {
    All,
    Folders,
    Files,
    /// Objects whose path goes below the folder shown: a search's results.
    FilesBelow,
}

/// One entry of a pane's row menu.
pub(crate) struct MenuEntry {
    pub(crate) label: &'static str,
    pub(crate) command: RowCommand,
    pub(crate) offered: Offered,
    /// A separator goes above it.
    pub(crate) group_start: bool,
}

impl MenuEntry {
    pub(crate) const fn new(label: &'static str, command: RowCommand, offered: Offered) -> Self {
        Self {
            label,
            command,
            offered,
            group_start: false,
        }
    }

    /// The same entry, starting a group (a separator above it).
    pub(crate) const fn grouped(self) -> Self {
        Self {
            group_start: true,
            ..self
        }
    }

    fn offered_on(&self, row: &Row) -> bool {
        match self.offered {
            Offered::All => true,
            Offered::Folders => row.is_folder,
            Offered::Files => !row.is_folder,
            Offered::FilesBelow => !row.is_folder && row.name.contains('/'),
        }
    }
}

/// A pane's table as drawn this frame.
pub(crate) struct PaneTable<'a> {
    pub(crate) listing: &'a Listing,
    pub(crate) columns: &'a Columns,
    pub(crate) menu: &'a [MenuEntry],
    pub(crate) marks: Option<&'a CompareMarks>,
    /// The pane the rows belong to (for dragging, and to read Compare's marks from its side).
    pub(crate) pane: ActivePane,
    /// The other pane is shown, so rows can be dragged onto it.
    pub(crate) draggable: bool,
    /// A double-click on a file opens it (on this computer); otherwise it is a click.
    pub(crate) open_files: bool,
    pub(crate) scroll_to_row: Option<usize>,
}

/// What the person did to the rows this frame; applied after the table is drawn, since the
/// table borrows the listing while drawing.
pub(crate) enum TableAction {
    Click {
        position: usize,
        ctrl: bool,
        shift: bool,
    },
    /// A double-click: open the folder (or the file on this computer).
    Activate(String),
    Sort(Sort),
    /// A context menu entry, on the row named.
    Menu(RowCommand, String),
}

fn sort_arrow(sort: Sort, column: SortColumn) -> &'static str {
    match (sort.column == column, sort.ascending) {
        (true, true) => " ⏶",
        (true, false) => " ⏷",
        (false, _) => "",
    }
}

/// Draws the table; gives what was done to it.
pub(crate) fn pane_table_ui(ui: &mut Ui, table: PaneTable<'_>) -> Vec<TableAction> {
    // Labels must not take clicks for text selection: a click anywhere selects the row.
    ui.style_mut().interaction.selectable_labels = false;
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 8.0;
    let modifiers = ui.input(|i| i.modifiers);
    let PaneTable {
        listing,
        columns,
        menu,
        marks,
        pane,
        draggable,
        open_files,
        scroll_to_row,
    } = table;
    let mut actions = Vec::new();
    let sort = listing.sort();
    let mut builder = TableBuilder::new(ui)
        .id_salt(columns.id_salt)
        .striped(true)
        .resizable(true)
        .sense(if draggable {
            Sense::click_and_drag()
        } else {
            Sense::click()
        })
        .cell_layout(Layout::left_to_right(Align::Center))
        .column(Column::remainder().at_least(columns.name_min).clip(true))
        .column(Column::initial(columns.size).at_least(60.0))
        .column(Column::initial(columns.modified).at_least(80.0));
    let mut titles = vec![
        (SortColumn::Name, "Name"),
        (SortColumn::Size, "Size"),
        (SortColumn::Modified, "Last modified"),
    ];
    if let Some(width) = columns.class {
        builder = builder.column(Column::initial(width).at_least(70.0));
        titles.push((SortColumn::Class, "Storage class"));
    }
    if let Some(row) = scroll_to_row {
        builder = builder.scroll_to_row(row, None);
    }
    let class_column = columns.class.is_some();
    builder
        .header(row_height, |mut header| {
            for (column, title) in titles {
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
                    .map(|mark| mark_text(*mark, pane == ActivePane::Second));
                table_row.col(|ui| name_cell(ui, row, mark));
                table_row.col(|ui| size_cell(ui, row));
                table_row.col(|ui| {
                    // Folders in a bucket have no date; folders on this computer do.
                    if row.modified != 0 {
                        ui.label(local_time(row.modified));
                    }
                });
                if class_column {
                    table_row.col(|ui| {
                        if !row.is_folder {
                            ui.label(row.class.as_str());
                        }
                    });
                }
                let response = table_row.response();
                // The row is what a screen reader (and a test) selects and activates: it
                // carries the name; the name cell itself is painted without a node of its own.
                response
                    .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Row, true, &*row.name));
                // A row is selected, not toggled: say so the way list readers expect.
                response.ctx.accesskit_node_builder(response.id, |node| {
                    node.set_selected(selected);
                });
                let click = |ctrl, shift| TableAction::Click {
                    position,
                    ctrl,
                    shift,
                };
                if draggable && response.drag_started() {
                    // Dragging a row that is not selected drags it alone.
                    if !selected {
                        actions.push(click(false, false));
                    }
                    response.dnd_set_drag_payload(PaneDrag(pane));
                }
                if response.double_clicked() && (row.is_folder || open_files) {
                    actions.push(TableAction::Activate(row.name.to_string()));
                } else if response.clicked() {
                    actions.push(click(modifiers.command, modifiers.shift));
                }
                // The menu acts on the selection: a row not in it becomes it.
                if response.secondary_clicked() && !selected {
                    actions.push(click(false, false));
                }
                response.context_menu(|ui| {
                    for entry in menu.iter().filter(|e| e.offered_on(row)) {
                        if entry.group_start {
                            ui.separator();
                        }
                        if ui.button(entry.label).clicked() {
                            actions.push(TableAction::Menu(entry.command, row.name.to_string()));
                            ui.close();
                        }
                    }
                });
            });
        });
    actions
}

/// A row's icon and name, and Compare's mark beside it.
fn name_cell(ui: &mut Ui, row: &Row, mark: Option<&str>) {
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

fn size_cell(ui: &mut Ui, row: &Row) {
    if row.is_folder {
        return;
    }
    ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
        ui.label(human_size(row.size))
            .on_hover_text(format!("{} bytes", thousands(row.size)));
    });
}

/// A mark as a pane shows it, from the side of the pane showing it.
fn mark_text(mark: Mark, in_second_pane: bool) -> &'static str {
    match (mark, in_second_pane) {
        (Mark::OnlyLeft, false) | (Mark::OnlyRight, true) => "only here",
        (Mark::OnlyLeft, true) | (Mark::OnlyRight, false) => "",
        (Mark::Differs, _) => "differs",
        (Mark::NewerLeft, false) | (Mark::NewerRight, true) => "newer here",
        (Mark::NewerLeft, true) | (Mark::NewerRight, false) => "older here",
        (Mark::Same, _) => "same",
    }
}

/// `2026-07-31 18:02` in the local time zone.
fn local_time(secs: i64) -> String {
    crate::local_time::format_unix_local(secs, "%Y-%m-%d %H:%M")
}
