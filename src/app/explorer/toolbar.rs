//! The toolbar: profile picker, Back / Forward / Up / Refresh, breadcrumbs and the filter box,
//! and the row of actions below. It changes the explorer's pane (filter, selection) and hands
//! back the rest as [`ExplorerRequest`]s.

use egui::{Button, Response, RichText, Role, Ui, WidgetInfo};

use crate::app::UiFlags;
use crate::app::explorer::{ExplorerRequest, Target};
use crate::app::pane::Pane;
use crate::app::profiles::known::Profiles;
use crate::app::search_bar::EXPLORER_SEARCH;
use crate::app::shared::FileOperation;

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
fn two_pane_buttons(ui: &mut Ui, explorer: &Pane, requests: &mut Vec<ExplorerRequest>) {
    let hint = "the active pane's selection into the other pane's folder";
    let can = explorer.location().is_some();
    if action_button(ui, can, "📄", "Copy (F5)")
        .on_hover_text(format!("Copy {hint}"))
        .clicked()
    {
        requests.push(ExplorerRequest::CopyAcross);
    }
    if action_button(ui, can, "➡", "Move (F6)")
        .on_hover_text(format!(
            "Move {hint}; each original goes once its copy has arrived"
        ))
        .clicked()
    {
        requests.push(ExplorerRequest::MoveAcross);
    }
    if action_button(ui, can, "⚖", "Compare")
        .on_hover_text("Mark what is on one side only, differs, or is newer")
        .clicked()
    {
        requests.push(ExplorerRequest::Compare);
    }
}

/// The toolbar over the explorer; `two_panes` and `shared_links_open` are what its toggles
/// show.
pub(crate) fn toolbar_ui(
    ui: &mut Ui,
    explorer: &mut Pane,
    profiles: &Profiles,
    two_panes: bool,
    shared_links_open: bool,
    flags: &mut UiFlags,
) -> Vec<ExplorerRequest> {
    let mut requests = Vec::new();
    egui::Panel::top("toolbar").show(ui, |ui| {
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            requests.extend(profile_picker_ui(ui, profiles));
            ui.separator();
            if icon_button(ui, "⏴", "Back", "Back (Alt+←)", explorer.can_go_back()).clicked() {
                requests.push(ExplorerRequest::Back(Target::Explorer));
            }
            if icon_button(
                ui,
                "⏵",
                "Forward",
                "Forward (Alt+→)",
                explorer.can_go_forward(),
            )
            .clicked()
            {
                requests.push(ExplorerRequest::Forward(Target::Explorer));
            }
            if icon_button(
                ui,
                "⏶",
                "Up",
                "Up one folder (Backspace)",
                explorer.can_go_up(),
            )
            .clicked()
            {
                requests.push(ExplorerRequest::Up(Target::Explorer));
            }
            if icon_button(
                ui,
                "🔄",
                "Refresh",
                "Refresh (F5)",
                profiles.current().is_some(),
            )
            .clicked()
            {
                requests.push(ExplorerRequest::Refresh { both_panes: false });
            }
            ui.separator();
            requests.extend(breadcrumbs_ui(ui, explorer));
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                filter_ui(ui, explorer, flags);
            });
        });
        ui.add_space(2.0);
        ui.horizontal(|ui| {
            let has_folder = explorer.location().is_some();
            let has_selection = explorer.listing().selected_count() > 0;
            if action_button(ui, has_folder && has_selection, "🔗", "Web URL")
                .on_hover_text("Share the selected objects as links (Ctrl+L)")
                .on_disabled_hover_text("Select objects to share")
                .clicked()
            {
                requests.push(ExplorerRequest::WebUrl);
            }
            if action_button(ui, has_folder, "⬆", "Upload link")
                .on_hover_text("Let someone upload into this folder")
                .clicked()
            {
                // An upload link is for the folder: the Web URL dialog with nothing selected.
                explorer.listing_mut().clear_selection();
                requests.push(ExplorerRequest::WebUrl);
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
                requests.push(ExplorerRequest::MakeActive);
                requests.push(ExplorerRequest::FileOperation(FileOperation::NewFolder));
            }
            if action_button(ui, has_folder && has_selection, "🗑", "Delete")
                .on_hover_text("Delete the selected objects and folders (Delete)")
                .clicked()
            {
                requests.push(ExplorerRequest::MakeActive);
                requests.push(ExplorerRequest::FileOperation(FileOperation::Delete));
            }
            if action_button(ui, has_folder && has_selection, "ℹ", "Properties")
                .on_hover_text("Size, ETag, content type, metadata of the selected object")
                .clicked()
            {
                requests.push(ExplorerRequest::Properties);
            }
            if action_button(ui, has_folder, "🕘", "Show versions")
                .on_hover_text("Every version and delete marker of this folder's objects")
                .clicked()
            {
                requests.push(ExplorerRequest::ShowVersions);
            }
            ui.separator();
            let panes = ui.selectable_label(two_panes, "🗐 Two panes");
            panes.widget_info(|| WidgetInfo::selected(Role::Button, true, two_panes, "Two panes"));
            if panes.clicked() {
                requests.push(ExplorerRequest::ToggleTwoPanes);
            }
            if two_panes {
                two_pane_buttons(ui, explorer, &mut requests);
            }
            let shared = ui.selectable_label(shared_links_open, "📋 Shared links");
            shared.widget_info(|| {
                WidgetInfo::selected(Role::Button, true, shared_links_open, "Shared links")
            });
            if shared.clicked() {
                requests.push(ExplorerRequest::ToggleSharedLinks);
            }
            if action_button(ui, true, "👤", "Profiles").clicked() {
                requests.push(ExplorerRequest::OpenProfiles);
            }
        });
        ui.add_space(2.0);
        let search = crate::app::search_bar::search_row_ui(ui, explorer, &EXPLORER_SEARCH);
        requests.extend(search.into_iter().map(ExplorerRequest::from));
        ui.add_space(4.0);
    });
    requests
}

fn profile_picker_ui(ui: &mut Ui, profiles: &Profiles) -> Option<ExplorerRequest> {
    let selected = match profiles.current() {
        Some(profile) => format!("Profile: {}", profile.name),
        None => "Profile: none".to_owned(),
    };
    let mut chosen = None;
    let picker = egui::ComboBox::from_id_salt("profile-picker")
        .selected_text(selected)
        .width(180.0)
        .show_ui(ui, |ui| {
            if profiles.list().is_empty() {
                ui.weak("No profiles found: set AWS credentials or run with --demo");
            }
            for (i, profile) in profiles.list().iter().enumerate() {
                let text = format!("{}  ·  {}", profile.name, profile.source.label());
                if ui
                    .selectable_label(profiles.current_index() == Some(i), text)
                    .clicked()
                {
                    chosen = Some(i);
                }
            }
        });
    picker
        .response
        .widget_info(|| WidgetInfo::labeled(Role::ComboBox, true, "Profile"));
    chosen.map(ExplorerRequest::SelectProfile)
}

fn breadcrumbs_ui(ui: &mut Ui, explorer: &Pane) -> Option<ExplorerRequest> {
    let Some(location) = explorer.location() else {
        ui.weak("Pick a bucket");
        return None;
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
    target.map(ExplorerRequest::Open)
}

fn filter_ui(ui: &mut Ui, explorer: &mut Pane, flags: &mut UiFlags) {
    // Laid out right to left: the box first, so its label lands on its left.
    let mut text = explorer.filter_text().to_owned();
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
    if text != explorer.filter_text() {
        explorer.set_filter(&text);
    }
}
