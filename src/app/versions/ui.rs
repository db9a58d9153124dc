//! The Versions window: the bucket's versioning state, then each object of the folder with
//! its versions and delete markers under it (newest first: id, date, size, "latest"), each
//! row with Download, Restore, Undelete (a delete marker that is the latest), Delete version
//! permanently (confirmed, naming the id and date) and Web URL. And the line the Web URL
//! dialog shows for a version.

use egui::{RichText, Ui};

use crate::app::versions::actions::VersionRequest;
use crate::app::versions::state::Versions;
use crate::fmt::{human_size, terminal_safe};
use crate::s3::versions::{ObjectVersion, VersioningState};

/// A version's date as the window shows dates: local, ISO-like.
pub fn version_date(seconds: i64) -> String {
    crate::local_time::format_unix_local(seconds, "%Y-%m-%d %H:%M:%S")
}

/// Under the object in the Web URL dialog: which version the link serves.
pub(crate) fn version_note_ui(ui: &mut Ui, version_id: &str, date: i64) {
    ui.label(format!(
        "🕘 Version {} of {}: this link always serves this version, whatever is written later.",
        terminal_safe(version_id),
        version_date(date)
    ));
}

/// Draws the window while it is open; what its widgets ask.
pub(crate) fn versions_ui(ctx: &egui::Context, versions: &Versions) -> Vec<VersionRequest> {
    let mut requests = Vec::new();
    let Some(place) = versions.place() else {
        return requests;
    };
    let title = format!("s3://{}/{}", place.bucket, terminal_safe(place.prefix));
    let mut open = true;
    egui::Window::new("Versions")
        .open(&mut open)
        .default_size([900.0, 480.0])
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                ui.label(RichText::new(&title).strong());
                if ui
                    .add_enabled(!versions.is_loading(), egui::Button::new("⟳ Refresh"))
                    .clicked()
                {
                    requests.push(VersionRequest::Refresh);
                }
            });
            ui.label(match versions.versioning() {
                Some(Ok(VersioningState::Enabled)) => {
                    "Versioning: on — every write keeps the copy it replaces.".to_owned()
                }
                Some(Ok(VersioningState::Suspended)) => {
                    "Versioning: suspended — older versions are kept; new writes replace the latest."
                        .to_owned()
                }
                Some(Ok(VersioningState::Never)) => {
                    "Versioning: never turned on — each object has one version.".to_owned()
                }
                Some(Err(e)) => format!("Versioning: unknown ({e})"),
                None => "Versioning: …".to_owned(),
            });
            if versions.is_loading() {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label("Listing versions…");
                });
            }
            if let Some(error) = versions.error() {
                ui.colored_label(ui.visuals().error_fg_color, format!("⚠ {error}"));
            }
            if let Some(notice) = versions.notice() {
                ui.label(format!("✔ {notice}"));
            }
            if let Some(error) = versions.action_error() {
                ui.colored_label(ui.visuals().error_fg_color, format!("⚠ {error}"));
            }
            if let Some(version) = versions.confirming() {
                confirm_ui(ui, version, versions.is_acting(), &mut requests);
            }
            ui.separator();
            rows_ui(ui, versions, place.prefix, &mut requests);
        });
    if !open {
        requests.push(VersionRequest::Close);
    }
    requests
}

/// "Delete version permanently?" naming the version and its date.
/// Its button waits while another action runs: one action in flight, each outcome shown.
fn confirm_ui(
    ui: &mut Ui,
    version: &ObjectVersion,
    busy: bool,
    requests: &mut Vec<VersionRequest>,
) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        let what = if version.delete_marker {
            "the delete marker"
        } else {
            "version"
        };
        ui.label(
            RichText::new(format!(
                "Delete {what} {} of {}, from {}, for good? This cannot be undone.",
                terminal_safe(&version.version_id),
                terminal_safe(&version.key),
                version_date(version.last_modified)
            ))
            .strong(),
        );
        ui.horizontal(|ui| {
            if ui
                .add_enabled(!busy, egui::Button::new("Delete permanently"))
                .clicked()
            {
                requests.push(VersionRequest::ConfirmDelete);
            }
            if ui.button("Cancel").clicked() {
                requests.push(VersionRequest::CancelDelete);
            }
        });
    });
}

/// One line of the window's list: a folder below, a key's heading, or one version.
enum Line<'a> {
    Folder(&'a str),
    Key(&'a str),
    Version(usize, &'a ObjectVersion),
}

/// Each key as a heading, its versions under it; only the lines in view are laid out, so a
/// folder of many thousand versions scrolls as fast as a few.
fn rows_ui(ui: &mut Ui, versions: &Versions, prefix: &str, requests: &mut Vec<VersionRequest>) {
    let busy = versions.is_acting();
    if versions.rows().is_empty() && !versions.is_loading() {
        ui.weak("No versions in this folder.");
    }
    let mut lines: Vec<Line<'_>> = versions
        .folders()
        .iter()
        .map(|f| Line::Folder(f.strip_prefix(prefix).unwrap_or(f)))
        .collect();
    let mut last_key: Option<&str> = None;
    for (index, version) in versions.rows().iter().enumerate() {
        if last_key != Some(version.key.as_str()) {
            lines.push(Line::Key(
                version.key.strip_prefix(prefix).unwrap_or(&version.key),
            ));
            last_key = Some(&version.key);
        }
        lines.push(Line::Version(index, version));
    }
    let height = ui.spacing().interact_size.y;
    egui::ScrollArea::vertical().show_rows(ui, height, lines.len(), |ui, range| {
        for line in &lines[range] {
            let size = egui::vec2(ui.available_width(), height);
            let layout = egui::Layout::left_to_right(egui::Align::Center);
            ui.allocate_ui_with_layout(size, layout, |ui| match line {
                Line::Folder(name) => {
                    ui.weak(format!("📁 {}", terminal_safe(name)));
                }
                Line::Key(name) => {
                    ui.label(RichText::new(format!("📄 {}", terminal_safe(name))).strong());
                }
                Line::Version(index, version) => {
                    ui.push_id(index, |ui| version_ui(ui, version, busy, requests));
                }
            });
        }
    });
}

/// One version's line: id, date, size (or "delete marker"), "latest", and its buttons.
fn version_ui(
    ui: &mut Ui,
    version: &ObjectVersion,
    busy: bool,
    requests: &mut Vec<VersionRequest>,
) {
    ui.add_space(16.0);
    let kind = if version.delete_marker {
        "🗑 delete marker".to_owned()
    } else {
        human_size(version.size)
    };
    ui.monospace(terminal_safe(&version.version_id));
    ui.label(version_date(version.last_modified));
    ui.label(kind);
    if version.is_latest {
        ui.label(RichText::new("latest").strong());
    }
    row_buttons_ui(ui, version, busy, requests);
}

fn row_buttons_ui(
    ui: &mut Ui,
    version: &ObjectVersion,
    busy: bool,
    requests: &mut Vec<VersionRequest>,
) {
    // Each button shows one word, and tells a screen reader which version it acts on: moving
    // from button to button, a reader says the name alone ("Download, Download, …").
    let which = format!(
        "{}, version {} from {}",
        terminal_safe(&version.key),
        terminal_safe(&version.version_id),
        version_date(version.last_modified)
    );
    let button = |ui: &mut Ui, enabled: bool, text: &str| {
        let response = ui.add_enabled(enabled, egui::Button::new(text));
        let name = format!("{text} — {which}");
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, enabled, &name));
        response
    };
    let data = !version.delete_marker;
    if button(ui, data, "Download").clicked() {
        requests.push(VersionRequest::Download(version.clone()));
    }
    let restorable = data && !version.is_latest && !busy;
    if button(ui, restorable, "Restore")
        .on_hover_text("Copy this version on top, as the new latest; the others stay")
        .clicked()
    {
        requests.push(VersionRequest::Restore(version.clone()));
    }
    if version.delete_marker && version.is_latest {
        let undelete = button(ui, !busy, "Undelete")
            .on_hover_text("Remove this delete marker: the version under it is served again");
        if undelete.clicked() {
            requests.push(VersionRequest::Undelete(version.clone()));
        }
    }
    if button(ui, !busy, "Delete version permanently").clicked() {
        requests.push(VersionRequest::AskDelete(version.clone()));
    }
    if button(ui, data, "Web URL").clicked() {
        requests.push(VersionRequest::WebUrl(version.clone()));
    }
}
