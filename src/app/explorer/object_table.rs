//! The main pane: the current folder as a table (folders first, then objects; drawn by
//! [`crate::app::pane_table`] with the explorer's columns and row menu), what shows while it
//! is empty, and an error banner with Retry.

use egui::Ui;

use crate::app::UiFlags;
use crate::app::pane_table::{
    Columns, MenuEntry, Offered, PaneDrag, PaneTable, RowCommand, TableAction, pane_table_ui,
};
use crate::app::shared::ActivePane;
use crate::app::shared::ListingState;
use crate::app::state::AppState;
use crate::worker::Command;

/// The explorer's columns: wide alone, narrower beside the second pane (each with its own
/// remembered widths).
const COLUMNS: Columns = Columns {
    id_salt: "object-table",
    name_min: 220.0,
    size: 100.0,
    modified: 150.0,
    class: Some(150.0),
};
const COLUMNS_BESIDE: Columns = Columns {
    id_salt: "object-table-two-panes",
    name_min: 140.0,
    size: 70.0,
    modified: 125.0,
    class: Some(90.0),
};

/// The row menu of a bucket's folder.
const MENU: &[MenuEntry] = &[
    MenuEntry::new("Web URL…", RowCommand::WebUrl, Offered::All),
    MenuEntry::new("Open", RowCommand::Open, Offered::Folders),
    MenuEntry::new("Copy S3 URI", RowCommand::CopyAddress, Offered::All),
    MenuEntry::new("Copy name", RowCommand::CopyName, Offered::All),
    MenuEntry::new("Download…", RowCommand::Download, Offered::All).grouped(),
    MenuEntry::new("Rename…", RowCommand::Rename, Offered::Files),
    MenuEntry::new("Delete…", RowCommand::Delete, Offered::All),
    MenuEntry::new("Properties", RowCommand::Properties, Offered::Files),
];

pub(crate) fn object_table_ui(
    ui: &mut Ui,
    state: &mut AppState,
    flags: &mut UiFlags,
    out: &mut Vec<Command>,
) {
    let panel = egui::CentralPanel::default().show(ui, |ui| {
        if let Some(error) = state.explorer.banner_error().cloned() {
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
        let Some(location) = state.explorer.location.clone() else {
            ui.centered_and_justified(|ui| {
                ui.weak("Pick a bucket on the left to see what it holds.");
            });
            return;
        };
        if state.explorer.listing.view_len() == 0 {
            let text = match state.explorer.listing_state {
                ListingState::Loading { .. } => None,
                _ if state.explorer.listing.is_filtered() => {
                    Some("Nothing here matches the filter.")
                }
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
        let beside = state.second_pane.is_some();
        let actions = pane_table_ui(
            ui,
            PaneTable {
                listing: &state.explorer.listing,
                columns: if beside { &COLUMNS_BESIDE } else { &COLUMNS },
                menu: MENU,
                marks: state.compare_marks.as_ref(),
                pane: ActivePane::Explorer,
                draggable: beside,
                open_files: false,
                scroll_to_row: flags.scroll_to_row.take(),
            },
        );
        for action in actions {
            // Whatever is done to its rows makes this pane the active one.
            state.active_pane = ActivePane::Explorer;
            match action {
                TableAction::Click {
                    position,
                    ctrl,
                    shift,
                } => state.explorer.listing.click(position, ctrl, shift),
                TableAction::Activate(name) | TableAction::Menu(RowCommand::Open, name) => {
                    out.extend(state.open_folder(&name));
                }
                TableAction::Sort(sort) => state.explorer.listing.set_sort(sort),
                TableAction::Menu(command, name) => match command {
                    RowCommand::CopyAddress => {
                        ui.ctx().copy_text(format!("{}{name}", location.uri()));
                    }
                    RowCommand::CopyName => ui.ctx().copy_text(name),
                    RowCommand::WebUrl => {
                        out.extend(state.open_web_url(std::time::SystemTime::now()));
                    }
                    RowCommand::Download => {
                        flags.pick = Some(crate::app::picker::PickKind::DownloadTo);
                    }
                    RowCommand::Rename => state.request_rename(),
                    RowCommand::Properties => out.extend(state.request_properties()),
                    RowCommand::Delete => state.request_delete(),
                    RowCommand::CopyAcross => out.extend(state.copy_to_other_pane()),
                    RowCommand::MoveAcross => state.move_to_other_pane(),
                    RowCommand::Open => {}
                },
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
