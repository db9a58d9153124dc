//! The main pane: the current folder as a table (folders first, then objects; drawn by
//! [`crate::app::pane_table`] with the explorer's columns and row menu), what shows while it
//! is empty, and an error banner with Retry. Clicks and sorting change the explorer's pane;
//! the rest is handed back as [`ExplorerRequest`]s.

use egui::Ui;

use crate::app::UiFlags;
use crate::app::explorer::ExplorerRequest;
use crate::app::pane::Pane;
use crate::app::pane_table::{
    Columns, MenuEntry, Offered, PaneDrag, PaneTable, RowCommand, TableAction, pane_table_ui,
};
use crate::app::search_bar::{EXPLORER_SEARCH, search_strip_ui};
use crate::app::shared::ListingState;
use crate::app::shared::{ActivePane, CompareMarks, FileOperation};

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
    MenuEntry::new(
        "Open its folder",
        RowCommand::OpenItsFolder,
        Offered::FilesBelow,
    ),
    MenuEntry::new("Copy S3 URI", RowCommand::CopyAddress, Offered::All),
    MenuEntry::new("Copy name", RowCommand::CopyName, Offered::All),
    MenuEntry::new("Download…", RowCommand::Download, Offered::All).grouped(),
    MenuEntry::new("Rename…", RowCommand::Rename, Offered::Files),
    MenuEntry::new("Delete…", RowCommand::Delete, Offered::All),
    MenuEntry::new("Properties", RowCommand::Properties, Offered::Files),
    MenuEntry::new("Edit headers…", RowCommand::EditHeaders, Offered::All),
];

/// The explorer's table; `beside` the second pane it is narrower and its rows can be dragged
/// there, and `marks` are Compare's.
pub(crate) fn object_table_ui(
    ui: &mut Ui,
    explorer: &mut Pane,
    beside: bool,
    marks: Option<&CompareMarks>,
    flags: &mut UiFlags,
) -> Vec<ExplorerRequest> {
    let mut requests = Vec::new();
    let panel = egui::CentralPanel::default().show(ui, |ui| {
        if let Some(error) = explorer.banner_error().cloned() {
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
                requests.push(ExplorerRequest::Retry);
            }
            ui.add_space(4.0);
        }
        let Some(location) = explorer.location().cloned() else {
            ui.centered_and_justified(|ui| {
                ui.weak("Pick a bucket on the left to see what it holds.");
            });
            return;
        };
        let strip = search_strip_ui(ui, explorer, &EXPLORER_SEARCH);
        requests.extend(strip.into_iter().map(ExplorerRequest::from));
        if explorer.listing().view_len() == 0 {
            let text = match explorer.listing_state() {
                ListingState::Loading { .. } => None,
                _ if explorer.listing().is_filtered() => Some("Nothing here matches the filter."),
                ListingState::Done if explorer.search().is_some() => Some("No key matches."),
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
        let actions = pane_table_ui(
            ui,
            PaneTable {
                listing: explorer.listing(),
                columns: if beside { &COLUMNS_BESIDE } else { &COLUMNS },
                menu: MENU,
                marks,
                pane: ActivePane::Explorer,
                draggable: beside,
                open_files: false,
                scroll_to_row: flags.scroll_to_row.take(),
            },
        );
        if !actions.is_empty() {
            // Whatever is done to its rows makes this pane the active one (before the rows'
            // requests, which act on the active pane).
            requests.push(ExplorerRequest::MakeActive);
        }
        for action in actions {
            match action {
                TableAction::Click {
                    position,
                    ctrl,
                    shift,
                } => explorer.listing_mut().click(position, ctrl, shift),
                TableAction::Activate(name) | TableAction::Menu(RowCommand::Open, name) => {
                    requests.push(ExplorerRequest::OpenFolder(name));
                }
                TableAction::Sort(sort) => explorer.listing_mut().set_sort(sort),
                TableAction::Menu(command, name) => match command {
                    RowCommand::CopyAddress => {
                        ui.ctx().copy_text(format!("{}{name}", location.uri()));
                    }
                    RowCommand::CopyName => ui.ctx().copy_text(name),
                    RowCommand::WebUrl => requests.push(ExplorerRequest::WebUrl),
                    RowCommand::Download => {
                        flags.pick = Some(crate::app::picker::PickKind::DownloadTo);
                    }
                    RowCommand::Rename => {
                        requests.push(ExplorerRequest::FileOperation(FileOperation::Rename));
                    }
                    RowCommand::Properties => requests.push(ExplorerRequest::Properties),
                    RowCommand::EditHeaders => requests.push(ExplorerRequest::EditHeaders),
                    RowCommand::Delete => {
                        requests.push(ExplorerRequest::FileOperation(FileOperation::Delete));
                    }
                    RowCommand::CopyAcross => requests.push(ExplorerRequest::CopyAcross),
                    RowCommand::MoveAcross => requests.push(ExplorerRequest::MoveAcross),
                    RowCommand::OpenItsFolder => {
                        let folder = name.rfind('/').map_or("", |at| &name[..=at]);
                        requests.push(ExplorerRequest::Open(crate::app::shared::Location {
                            bucket: location.bucket.clone(),
                            prefix: format!("{}{folder}", location.prefix),
                        }));
                    }
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
        requests.push(ExplorerRequest::DropFromSecond);
    }
    requests
}
