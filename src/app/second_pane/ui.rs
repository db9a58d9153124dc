//! The second pane drawn beside the explorer: its source (This computer or a profile), where
//! it is with Back / Up / Refresh, the folder field and Places or the bucket picker, Copy,
//! Move and Compare, the file operations, a filter, and the rows. Rows dragged from the
//! explorer and dropped here are copied here.

use egui::{RichText, Ui};

use crate::app::explorer::toolbar::icon_button;
use crate::app::state::AppState;
use crate::listing::Sort;
use crate::model::BucketName;
use crate::worker::Command;

use super::state::PaneSource;
use crate::app::pane_table::{PaneDrag, TableAction, pane_table};
use crate::app::shared::{ActivePane, FileOperation};

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
    place: Option<std::path::PathBuf>,
    bucket: Option<BucketName>,
    crumb: Option<crate::app::shared::Location>,
    go_typed: bool,
    filter: Option<String>,
    actions: Vec<TableAction>,
    dropped: Option<ActivePane>,
}

pub(crate) fn second_pane_ui(ui: &mut Ui, state: &mut AppState, out: &mut Vec<Command>) {
    if state.second_pane.is_none() {
        return;
    }
    let active = state.active_pane == ActivePane::Second;
    let profile_names: Vec<String> = state.profiles.iter().map(|p| p.name.clone()).collect();
    let on_left = state.second_on_left;
    let mut pressed = Pressed::default();
    // Borrowed, not cloned: Compare's marks may name every row.
    let marks = state.compare_marks.as_ref();
    let Some(pane) = &mut state.second_pane else {
        return;
    };
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
                    PaneSource::Profile(i) => profile_names.get(i).cloned().unwrap_or_default(),
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
                        for (i, name) in profile_names.iter().enumerate() {
                            let chosen = pane.source() == PaneSource::Profile(i);
                            if ui.selectable_label(chosen, name).clicked() {
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
                pressed.up = icon_button(ui, "⏶", "Pane up", "Up (Backspace)", true).clicked();
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
                                let crate::app::shared::Loadable::Ready(list) = place.buckets()
                                else {
                                    return;
                                };
                                for bucket in list {
                                    if ui.selectable_label(false, &bucket.name).clicked() {
                                        pressed.bucket = BucketName::new(bucket.name.clone()).ok();
                                    }
                                }
                            });
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
                let mut filter = pane.filter_text.clone();
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
            ui.separator();
            if let Some(error) = pane.error() {
                ui.colored_label(ui.visuals().error_fg_color, format!("⚠ {error}"));
            }
            if pane.is_loading() {
                ui.spinner();
            }
            if pane.bucket().is_some_and(|b| b.location().is_none()) {
                ui.weak("Pick a bucket above to see what it holds.");
            } else {
                pressed.actions = pane_table(ui, pane.listing(), marks, ActivePane::Second);
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
    apply(state, pressed, out);
}

fn apply(state: &mut AppState, pressed: Pressed, out: &mut Vec<Command>) {
    if let Some(from) = pressed.dropped {
        out.extend(state.drop_across(from));
        return;
    }
    if let Some(source) = pressed.source {
        out.extend(state.set_second_source(source));
    }
    for action in pressed.actions {
        state.active_pane = ActivePane::Second;
        match action {
            TableAction::Click {
                position,
                ctrl,
                shift,
            } => {
                if let Some(pane) = &mut state.second_pane {
                    pane.listing_mut().click(position, ctrl, shift);
                }
            }
            TableAction::Activate(name) => out.extend(state.second_activate(&name)),
            TableAction::Sort(sort) => set_sort(state, sort),
        }
    }
    if let Some(place) = pressed.place {
        out.extend(state.open_local(place, true));
    }
    if let Some(bucket) = pressed.bucket {
        out.extend(state.second_open_bucket(bucket));
    }
    if let Some(location) = pressed.crumb {
        out.extend(state.second_open(location));
    }
    if pressed.go_typed {
        out.extend(state.open_typed_local());
    }
    if let Some(text) = pressed.filter {
        state.set_second_filter(&text);
    }
    if pressed.back {
        out.extend(state.second_back());
    }
    if pressed.forward {
        out.extend(state.second_forward());
    }
    if pressed.up {
        out.extend(state.second_up());
    }
    if pressed.refresh {
        out.extend(state.refresh_second());
    }
    if let Some(show) = pressed.hidden {
        out.extend(state.set_show_hidden(show));
    }
    if pressed.swap {
        state.second_on_left = !state.second_on_left;
    }
    let operation = [
        (pressed.new_folder, FileOperation::NewFolder),
        (pressed.rename, FileOperation::Rename),
        (pressed.delete, FileOperation::Delete),
    ]
    .into_iter()
    .find_map(|(pressed, operation)| pressed.then_some(operation));
    if let Some(operation) = operation {
        state.active_pane = ActivePane::Second;
        state.file_operation(operation);
    }
}

fn set_sort(state: &mut AppState, sort: Sort) {
    if let Some(pane) = &mut state.second_pane {
        pane.listing_mut().set_sort(sort);
    }
}
