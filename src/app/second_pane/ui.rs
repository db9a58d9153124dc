//! The second pane drawn beside the explorer: its source (This computer or a profile), where
//! it is with Back / Up / Refresh, the folder field and Places or the bucket picker, Copy,
//! Move and Compare, the file operations, a filter, and the rows (the one pane table, with
//! this pane's columns and row menu). Rows dragged from the explorer and dropped here are
//! copied here.

use std::path::PathBuf;

use egui::{RichText, Ui};

use crate::app::explorer::toolbar::icon_button;
use crate::app::pane::Pane;
use crate::app::search_bar::{PANE_SEARCH, SearchAction, search_row_ui, search_strip_ui};
use crate::listing::Sort;
use crate::model::BucketName;
use crate::profiles::Profile;

use super::place::PaneSource;
use crate::app::pane_table::{
    Columns, MenuEntry, Offered, PaneDrag, PaneTable, RowCommand, TableAction, pane_table_ui,
};
use crate::app::shared::{ActivePane, CompareMarks, FileOperation, Loadable, Location};

/// The second pane's columns: no storage class, on this computer or in a bucket.
const COLUMNS: Columns = Columns {
    id_salt: "second-pane-table",
    name_min: 140.0,
    size: 70.0,
    modified: 125.0,
    class: None,
};

/// The row menu on this computer: a file opens in its application.
const LOCAL_MENU: &[MenuEntry] = &[
    MenuEntry::new("Open", RowCommand::Open, Offered::All),
    MenuEntry::new("Copy path", RowCommand::CopyAddress, Offered::All),
    MenuEntry::new("Copy name", RowCommand::CopyName, Offered::All),
    MenuEntry::new(
        "Copy to the other pane",
        RowCommand::CopyAcross,
        Offered::All,
    )
    .grouped(),
    MenuEntry::new(
        "Move to the other pane…",
        RowCommand::MoveAcross,
        Offered::All,
    ),
    MenuEntry::new("Rename…", RowCommand::Rename, Offered::All),
    MenuEntry::new("Delete…", RowCommand::Delete, Offered::All),
];

/// The row menu in a bucket.
const BUCKET_MENU: &[MenuEntry] = &[
    MenuEntry::new("Open", RowCommand::Open, Offered::Folders),
    MenuEntry::new("Copy S3 URI", RowCommand::CopyAddress, Offered::All),
    MenuEntry::new("Copy name", RowCommand::CopyName, Offered::All),
    MenuEntry::new(
        "Copy to the other pane",
        RowCommand::CopyAcross,
        Offered::All,
    )
    .grouped(),
    MenuEntry::new(
        "Move to the other pane…",
        RowCommand::MoveAcross,
        Offered::All,
    ),
    MenuEntry::new("Rename…", RowCommand::Rename, Offered::Files),
    MenuEntry::new("Delete…", RowCommand::Delete, Offered::All),
];

/// What the person asked of the second pane that reaches beyond it (the window's state, the
/// other pane, the dialogs, the worker): the window routes it (`on_second_pane_request`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SecondPaneRequest {
    /// Rows dragged from that pane were dropped here: copy them here.
    Dropped(ActivePane),
    /// The source picker: this computer or a profile's buckets.
    Source(PaneSource),
    /// The table was used: this pane becomes the active one.
    BecomeActive,
    /// A double-click or Open on a row: a folder opens, a file on this computer opens in its
    /// application.
    Open(String),
    CopyAcross,
    MoveAcross,
    /// New folder, Rename or Delete, by button or row menu.
    FileOperation(FileOperation),
    Place(PathBuf),
    Bucket(BucketName),
    Crumb(Location),
    /// Enter in the folder field: go to the typed path.
    GoTyped,
    Back,
    Forward,
    Up,
    Refresh,
    ShowHidden(bool),
    SwapSides,
    /// The Move question was answered Move.
    ConfirmMove,
    /// New folder, Rename or trash on this computer was confirmed.
    ConfirmLocalChange,
    /// The pane's search row or results strip.
    Search(SearchAction),
    /// The versions of the pane's bucket folder, in the Versions window.
    ShowVersions,
}

/// What the person did in the pane; handled once it is drawn.
#[derive(Default)]
struct Pressed {
    source: Option<PaneSource>,
    back: bool,
    forward: bool,
    up: bool,
    refresh: bool,
    hidden: Option<bool>,
    swap: bool,
    new_folder: bool,
    rename: bool,
    delete: bool,
    place: Option<PathBuf>,
    bucket: Option<BucketName>,
    crumb: Option<Location>,
    go_typed: bool,
    filter: Option<String>,
    actions: Vec<TableAction>,
    dropped: Option<ActivePane>,
    search: Vec<SearchAction>,
    versions: bool,
}

/// Draws the second pane. `profiles` fill the source picker; `marks` are Compare's; `active`
/// and `on_left` say whether this pane has Tab's focus and which side it is drawn on, and
/// `scroll_to_row` the row the arrows moved to.
pub(crate) fn second_pane_ui(
    ui: &mut Ui,
    pane: &mut Pane,
    profiles: &[Profile],
    marks: Option<&CompareMarks>,
    active: bool,
    scroll_to_row: Option<usize>,
    on_left: bool,
) -> Vec<SecondPaneRequest> {
    let mut pressed = Pressed::default();
    let side = if on_left {
        egui::Panel::left("second-pane-left")
    } else {
        egui::Panel::right("second-pane-right")
    };
    let panel = side
        .resizable(true)
        .default_size(ui.available_width() * 0.45)
        .min_size(280.0)
        .show(ui, |ui| {
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                let current = match pane.source() {
                    PaneSource::ThisComputer => "This computer".to_owned(),
                    PaneSource::Profile(i) => {
                        profiles.get(i).map(|p| p.name.clone()).unwrap_or_default()
                    }
                };
                let title = RichText::new(&current).heading();
                let title = if active { title.strong() } else { title };
                egui::ComboBox::from_label("Source")
                    .selected_text(title)
                    .show_ui(ui, |ui| {
                        if ui
                            .selectable_label(pane.shows_this_computer(), "This computer")
                            .clicked()
                        {
                            pressed.source = Some(PaneSource::ThisComputer);
                        }
                        for (i, profile) in profiles.iter().enumerate() {
                            let chosen = pane.source() == PaneSource::Profile(i);
                            if ui.selectable_label(chosen, &profile.name).clicked() {
                                pressed.source = Some(PaneSource::Profile(i));
                            }
                        }
                    })
                    .response
                    .on_hover_text("Show this computer or any profile's buckets here");
                if active {
                    ui.weak("(active: Tab switches)");
                }
                let swap = ui
                    .button("🔀")
                    .on_hover_text("Swap sides: this pane to the other side of the window");
                swap.widget_info(|| {
                    egui::WidgetInfo::labeled(egui::Role::Button, true, "Swap sides")
                });
                pressed.swap = swap.clicked();
            });
            ui.horizontal(|ui| {
                // Named for screen readers apart from the explorer's Back, Up and Refresh.
                pressed.back =
                    icon_button(ui, "⏴", "Pane back", "Back (Alt+←)", pane.can_go_back()).clicked();
                pressed.forward = icon_button(
                    ui,
                    "⏵",
                    "Pane forward",
                    "Forward (Alt+→)",
                    pane.can_go_forward(),
                )
                .clicked();
                // Offered where there is a folder above, as the explorer's Up is.
                let can_go_up = match pane.bucket() {
                    Some(_) => pane.can_go_up(),
                    None => pane.path().parent().is_some(),
                };
                pressed.up = icon_button(ui, "⏶", "Pane up", "Up (Backspace)", can_go_up).clicked();
                pressed.refresh =
                    icon_button(ui, "🔄", "Pane refresh", "Refresh (Ctrl+R)", true).clicked();
                match pane.bucket() {
                    None => {
                        let label = ui.label("Local folder");
                        let field = ui
                            .add(
                                egui::TextEdit::singleline(pane.typed_path_mut())
                                    .desired_width(f32::INFINITY),
                            )
                            .labelled_by(label.id);
                        pressed.go_typed =
                            field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                    }
                    Some(place) => {
                        let shown = place
                            .location()
                            .map(|l| l.bucket.to_string())
                            .unwrap_or_else(|| "Pick a bucket…".into());
                        egui::ComboBox::from_label("Bucket")
                            .selected_text(shown)
                            .show_ui(ui, |ui| {
                                // Only while the list is open.
                                let Loadable::Ready(list) = place.buckets() else {
                                    return;
                                };
                                for bucket in list {
                                    if ui.selectable_label(false, &bucket.name).clicked() {
                                        pressed.bucket = BucketName::new(bucket.name.clone()).ok();
                                    }
                                }
                            });
                        if place.location().is_some() {
                            let versions = ui.button("🕘 Versions").on_hover_text(
                                "Every version and delete marker of this folder's objects",
                            );
                            versions.widget_info(|| {
                                egui::WidgetInfo::labeled(egui::Role::Button, true, "Pane versions")
                            });
                            pressed.versions = versions.clicked();
                        }
                        if let Some(location) = place.location() {
                            // Breadcrumbs: a click goes to that folder.
                            for (label, crumb) in location.breadcrumbs() {
                                if ui.small_button(label).clicked() {
                                    pressed.crumb = Some(crumb);
                                }
                            }
                        }
                    }
                }
            });
            ui.horizontal(|ui| {
                if pane.shows_this_computer() {
                    egui::ComboBox::from_label("Places")
                        .selected_text("Go to…")
                        .show_ui(ui, |ui| {
                            for place in pane.places() {
                                let text = place.display().to_string();
                                if ui.selectable_label(false, text).clicked() {
                                    pressed.place = Some(place.clone());
                                }
                            }
                        });
                    let mut hidden = pane.show_hidden();
                    if ui.checkbox(&mut hidden, "Hidden files").changed() {
                        pressed.hidden = Some(hidden);
                    }
                }
                let mut filter = pane.filter_text().to_owned();
                let label = ui.label("Filter here");
                let field = ui
                    .add(egui::TextEdit::singleline(&mut filter).desired_width(120.0))
                    .labelled_by(label.id);
                if field.changed() {
                    pressed.filter = Some(filter);
                }
            });
            ui.horizontal(|ui| {
                let selected = pane.listing().selected_count();
                let has_folder = pane.bucket().is_none_or(|b| b.location().is_some());
                pressed.new_folder = ui
                    .add_enabled(has_folder, egui::Button::new("New folder (F7)"))
                    .clicked();
                pressed.rename = ui
                    .add_enabled(selected == 1, egui::Button::new("Rename (F2)"))
                    .clicked();
                let delete_hint = if pane.shows_this_computer() {
                    "Move to the system's trash"
                } else {
                    "Delete from the bucket"
                };
                pressed.delete = ui
                    .add_enabled(selected > 0, egui::Button::new("Delete (F8)"))
                    .on_hover_text(delete_hint)
                    .clicked();
            });
            if !pane.shows_this_computer() {
                pressed.search = search_row_ui(ui, pane, &PANE_SEARCH);
            }
            ui.separator();
            if let Some(error) = pane.error() {
                ui.colored_label(ui.visuals().error_fg_color, format!("⚠ {error}"));
            }
            if pane.is_loading() {
                ui.spinner();
            }
            pressed
                .search
                .extend(search_strip_ui(ui, pane, &PANE_SEARCH));
            if pane.bucket().is_some_and(|b| b.location().is_none()) {
                ui.weak("Pick a bucket above to see what it holds.");
            } else {
                let menu = if pane.shows_this_computer() {
                    LOCAL_MENU
                } else {
                    BUCKET_MENU
                };
                pressed.actions = pane_table_ui(
                    ui,
                    PaneTable {
                        listing: pane.listing(),
                        columns: &COLUMNS,
                        menu,
                        marks,
                        pane: ActivePane::Second,
                        draggable: true,
                        open_files: pane.shows_this_computer(),
                        scroll_to_row,
                    },
                );
            }
        });
    let response = &panel.response;
    if response
        .dnd_hover_payload::<PaneDrag>()
        .is_some_and(|d| d.0 == ActivePane::Explorer)
    {
        ui.painter().rect_stroke(
            response.rect.shrink(2.0),
            4.0,
            egui::Stroke::new(2.0, ui.visuals().selection.bg_fill),
            egui::StrokeKind::Inside,
        );
    }
    if let Some(drag) = response.dnd_release_payload::<PaneDrag>() {
        pressed.dropped = Some(drag.0).filter(|from| *from == ActivePane::Explorer);
    }
    apply(ui.ctx(), pane, pressed)
}

/// The row's S3 URI, or its path on this computer, for Copy.
fn address_of(pane: &Pane, name: &str) -> Option<String> {
    match pane.bucket() {
        Some(place) => Some(format!("{}{name}", place.location()?.uri())),
        None => Some(
            pane.path()
                .join(name.trim_end_matches('/'))
                .display()
                .to_string(),
        ),
    }
}

/// Does what the pane does to itself (selection, sort, filter, Copy path or name) and turns
/// the rest into requests, in the order they were always handled.
fn apply(ctx: &egui::Context, pane: &mut Pane, pressed: Pressed) -> Vec<SecondPaneRequest> {
    use SecondPaneRequest as Request;
    if let Some(from) = pressed.dropped {
        return vec![Request::Dropped(from)];
    }
    let mut requests: Vec<Request> = pressed.source.map(Request::Source).into_iter().collect();
    if !pressed.actions.is_empty() {
        requests.push(Request::BecomeActive);
    }
    for action in pressed.actions {
        match action {
            TableAction::Click {
                position,
                ctrl,
                shift,
            } => pane.listing_mut().click(position, ctrl, shift),
            TableAction::Activate(name) | TableAction::Menu(RowCommand::Open, name) => {
                requests.push(Request::Open(name));
            }
            TableAction::Sort(sort) => set_sort(pane, sort),
            TableAction::Menu(command, name) => match command {
                RowCommand::CopyAddress => {
                    if let Some(address) = address_of(pane, &name) {
                        ctx.copy_text(address);
                    }
                }
                RowCommand::CopyName => ctx.copy_text(name),
                RowCommand::CopyAcross => requests.push(Request::CopyAcross),
                RowCommand::MoveAcross => requests.push(Request::MoveAcross),
                RowCommand::Rename => {
                    requests.push(Request::FileOperation(FileOperation::Rename));
                }
                RowCommand::Delete => {
                    requests.push(Request::FileOperation(FileOperation::Delete));
                }
                // Not on this pane's menu.
                RowCommand::Open
                | RowCommand::WebUrl
                | RowCommand::Download
                | RowCommand::Properties
                | RowCommand::EditHeaders
                | RowCommand::OpenItsFolder => {}
            },
        }
    }
    requests.extend(pressed.place.map(Request::Place));
    requests.extend(pressed.search.into_iter().map(Request::Search));
    requests.extend(pressed.bucket.map(Request::Bucket));
    requests.extend(pressed.crumb.map(Request::Crumb));
    if pressed.go_typed {
        requests.push(Request::GoTyped);
    }
    if let Some(text) = pressed.filter {
        pane.set_filter(&text);
    }
    let flags = [
        (pressed.back, Request::Back),
        (pressed.forward, Request::Forward),
        (pressed.up, Request::Up),
        (pressed.refresh, Request::Refresh),
    ];
    requests.extend(flags.into_iter().filter_map(|(on, r)| on.then_some(r)));
    requests.extend(pressed.hidden.map(Request::ShowHidden));
    if pressed.swap {
        requests.push(Request::SwapSides);
    }
    if pressed.versions {
        requests.push(Request::ShowVersions);
    }
    let operation = [
        (pressed.new_folder, FileOperation::NewFolder),
        (pressed.rename, FileOperation::Rename),
        (pressed.delete, FileOperation::Delete),
    ]
    .into_iter()
    .find_map(|(pressed, operation)| pressed.then_some(operation));
    if let Some(operation) = operation {
        requests.push(Request::BecomeActive);
        requests.push(Request::FileOperation(operation));
    }
    requests
}

fn set_sort(pane: &mut Pane, sort: Sort) {
    pane.listing_mut().set_sort(sort);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_drop_is_the_only_request_of_its_frame() {
        let mut pane = Pane::second();
        let pressed = Pressed {
            dropped: Some(ActivePane::Explorer),
            swap: true,
            back: true,
            ..Pressed::default()
        };
        let requests = apply(&egui::Context::default(), &mut pane, pressed);
        assert_eq!(
            requests,
            vec![SecondPaneRequest::Dropped(ActivePane::Explorer)]
        );
    }

    #[test]
    fn the_pane_filters_itself_and_asks_for_the_rest_in_order() {
        let mut pane = Pane::second();
        let pressed = Pressed {
            source: Some(PaneSource::Profile(0)),
            back: true,
            swap: true,
            delete: true,
            filter: Some("txt".into()),
            ..Pressed::default()
        };
        let requests = apply(&egui::Context::default(), &mut pane, pressed);
        assert_eq!(pane.filter_text(), "txt");
        assert_eq!(
            requests,
            vec![
                SecondPaneRequest::Source(PaneSource::Profile(0)),
                SecondPaneRequest::Back,
                SecondPaneRequest::SwapSides,
                SecondPaneRequest::BecomeActive,
                SecondPaneRequest::FileOperation(FileOperation::Delete),
            ]
        );
    }
}
