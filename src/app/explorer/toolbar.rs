//! The toolbar: profile picker, Back / Forward / Up / Refresh, breadcrumbs and the filter box.

use egui::{Button, Response, RichText, Role, Ui, WidgetInfo};

use crate::app::UiFlags;
use crate::app::shared::ActivePane;
use crate::app::state::AppState;
use crate::worker::Command;

/// An icon button whose accessible name (what screen readers and tests see) is `name`.
pub(crate) fn icon_button(
    ui: &mut Ui,
    icon: &str,
    name: &'static str,
    hint: &str,
    enabled: bool,
) -> Response {
    let response = ui
        .add_enabled(enabled, Button::new(RichText::new(icon).size(16.0)))
        .on_hover_text(hint)
        .on_disabled_hover_text(hint);
    response.widget_info(|| WidgetInfo::labeled(Role::Button, enabled, name));
    response
}

/// A button showing `icon` and `name`, whose accessible name is `name` alone: screen readers
/// should not read the emoji aloud.
fn action_button(ui: &mut Ui, enabled: bool, icon: &str, name: &str) -> Response {
    let response = ui.add_enabled(enabled, Button::new(format!("{icon} {name}")));
    response.widget_info(|| WidgetInfo::labeled(Role::Button, enabled, name));
    response
}

/// Copy, Move and Compare while two panes are shown: from the active pane to the other.
fn two_pane_buttons(ui: &mut Ui, state: &mut AppState, out: &mut Vec<Command>) {
    let hint = "the active pane's selection into the other pane's folder";
    let can = state.explorer.location.is_some();
    if action_button(ui, can, "📄", "Copy (F5)")
        .on_hover_text(format!("Copy {hint}"))
        .clicked()
    {
        out.extend(state.copy_to_other_pane());
    }
    if action_button(ui, can, "➡", "Move (F6)")
        .on_hover_text(format!(
            "Move {hint}; each original goes once its copy has arrived"
        ))
        .clicked()
    {
        state.move_to_other_pane();
    }
    if action_button(ui, can, "⚖", "Compare")
        .on_hover_text("Mark what is on one side only, differs, or is newer")
        .clicked()
    {
        state.compare_panes();
    }
}

pub(crate) fn toolbar_ui(
    ui: &mut Ui,
    state: &mut AppState,
    flags: &mut UiFlags,
    out: &mut Vec<Command>,
) {
    egui::Panel::top("toolbar").show(ui, |ui| {
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            profile_picker_ui(ui, state, out);
            ui.separator();
            if icon_button(
                ui,
                "⏴",
                "Back",
                "Back (Alt+←)",
                state.explorer.can_go_back(),
            )
            .clicked()
            {
                out.extend(state.go_back());
            }
            if icon_button(
                ui,
                "⏵",
                "Forward",
                "Forward (Alt+→)",
                state.explorer.can_go_forward(),
            )
            .clicked()
            {
                out.extend(state.go_forward());
            }
            if icon_button(
                ui,
                "⏶",
                "Up",
                "Up one folder (Backspace)",
                state.explorer.can_go_up(),
            )
            .clicked()
            {
                out.extend(state.go_up());
            }
            if icon_button(
                ui,
                "🔄",
                "Refresh",
                "Refresh (F5)",
                state.profile().is_some(),
            )
            .clicked()
            {
                out.extend(state.refresh());
            }
            ui.separator();
            breadcrumbs_ui(ui, state, out);
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                filter_ui(ui, state, flags);
            });
        });
        ui.add_space(2.0);
        ui.horizontal(|ui| {
            let has_folder = state.explorer.location.is_some();
            let has_selection = state.explorer.listing.selected_count() > 0;
            if action_button(ui, has_folder && has_selection, "🔗", "Web URL")
                .on_hover_text("Share the selected objects as links (Ctrl+L)")
                .on_disabled_hover_text("Select objects to share")
                .clicked()
            {
                out.extend(state.open_web_url(std::time::SystemTime::now()));
            }
            if action_button(ui, has_folder, "⬆", "Upload link")
                .on_hover_text("Let someone upload into this folder")
                .clicked()
            {
                state.explorer.listing.clear_selection();
                out.extend(state.open_web_url(std::time::SystemTime::now()));
            }
            ui.add_enabled_ui(has_folder, |ui| {
                ui.menu_button("⬆ Upload", |ui| {
                    if ui.button("Files…").clicked() {
                        flags.pick = Some(crate::app::picker::PickKind::UploadFiles);
                        ui.close();
                    }
                    if ui.button("Folder…").clicked() {
                        flags.pick = Some(crate::app::picker::PickKind::UploadFolder);
                        ui.close();
                    }
                })
                .response
                .on_hover_text("Upload into this folder (or drop files on the window)")
                .widget_info(|| WidgetInfo::labeled(Role::Button, has_folder, "Upload"));
            });
            if action_button(ui, has_folder && has_selection, "⬇", "Download")
                .on_hover_text("Download the selected objects and folders")
                .clicked()
            {
                flags.pick = Some(crate::app::picker::PickKind::DownloadTo);
            }
            // The toolbar is the explorer's: its buttons act there, whichever pane is active.
            if action_button(ui, has_folder, "📁", "New folder").clicked() {
                state.active_pane = ActivePane::Explorer;
                state.open_new_folder();
            }
            if action_button(ui, has_folder && has_selection, "🗑", "Delete")
                .on_hover_text("Delete the selected objects and folders (Delete)")
                .clicked()
            {
                state.active_pane = ActivePane::Explorer;
                state.request_delete();
            }
            if action_button(ui, has_folder && has_selection, "ℹ", "Properties")
                .on_hover_text("Size, ETag, content type, metadata of the selected object")
                .clicked()
            {
                out.extend(state.request_properties());
            }
            ui.separator();
            let two = state.second_pane.is_some();
            let panes = ui.selectable_label(two, "🗐 Two panes");
            panes.widget_info(|| WidgetInfo::selected(Role::Button, true, two, "Two panes"));
            if panes.clicked() {
                out.extend(state.toggle_two_panes());
            }
            if two {
                two_pane_buttons(ui, state, out);
            }
            let shared = ui.selectable_label(state.links.open, "📋 Shared links");
            shared.widget_info(|| {
                WidgetInfo::selected(Role::Button, true, state.links.open, "Shared links")
            });
            if shared.clicked() {
                state.links.open = !state.links.open;
            }
            if action_button(ui, true, "👤", "Profiles").clicked() {
                state.open_profiles_window();
            }
        });
        ui.add_space(4.0);
    });
}

fn profile_picker_ui(ui: &mut Ui, state: &mut AppState, out: &mut Vec<Command>) {
    let selected = match state.profile() {
        Some(profile) => format!("Profile: {}", profile.name),
        None => "Profile: none".to_owned(),
    };
    let mut chosen = None;
    let picker = egui::ComboBox::from_id_salt("profile-picker")
        .selected_text(selected)
        .width(180.0)
        .show_ui(ui, |ui| {
            if state.profiles.list().is_empty() {
                ui.weak("No profiles found: set AWS credentials or run with --demo");
            }
            for (i, profile) in state.profiles.list().iter().enumerate() {
                let text = format!("{}  ·  {}", profile.name, profile.source.label());
                if ui
                    .selectable_label(state.profiles.current_index() == Some(i), text)
                    .clicked()
                {
                    chosen = Some(i);
                }
            }
        });
    picker
        .response
        .widget_info(|| WidgetInfo::labeled(Role::ComboBox, true, "Profile"));
    if let Some(i) = chosen {
        out.extend(state.select_profile(i));
    }
}

fn breadcrumbs_ui(ui: &mut Ui, state: &mut AppState, out: &mut Vec<Command>) {
    let Some(location) = &state.explorer.location else {
        ui.weak("Pick a bucket");
        return;
    };
    let mut target = None;
    ui.spacing_mut().item_spacing.x = 2.0;
    for (i, (label, crumb)) in location.breadcrumbs().into_iter().enumerate() {
        if i > 0 {
            ui.weak("/");
        }
        if ui.link(label).clicked() {
            target = Some(crumb);
        }
    }
    if !location.prefix.is_empty() {
        ui.weak("/");
    }
    if let Some(crumb) = target {
        out.extend(state.open(crumb));
    }
}

fn filter_ui(ui: &mut Ui, state: &mut AppState, flags: &mut UiFlags) {
    // Laid out right to left: the box first, so its label lands on its left.
    let mut text = state.explorer.filter_text.clone();
    let response = ui.add(
        egui::TextEdit::singleline(&mut text)
            .hint_text("🔍 part of a name (Ctrl+F)")
            .desired_width(220.0),
    );
    let label = ui.label("Filter");
    let response = response.labelled_by(label.id);
    if flags.focus_filter {
        response.request_focus();
        flags.focus_filter = false;
    }
    if response.has_focus() && ui.input(|i| i.key_pressed(egui::Key::Escape)) {
        text.clear();
    }
    if text != state.explorer.filter_text {
        state.set_filter(&text);
    }
}
