//! The Edit headers dialog drawn: a field per header, metadata and tags as rows, the storage
//! class, what a versioned bucket does with an edit (said before it runs), then the edit's
//! progress with Cancel, and its report with each object that failed and why.

use crate::s3::header_edit::STORAGE_CLASSES;

use super::state::{EditHeadersDialog, HeaderField, PairRow, Phase};
use crate::app::shared::Loadable;

/// What the dialog asks of the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HeadersRequest {
    Apply,
    Cancel,
    Close,
}

/// Draws the dialog; the requests its buttons made.
pub(crate) fn edit_headers_ui(
    ctx: &egui::Context,
    dialog: &mut EditHeadersDialog,
) -> Vec<HeadersRequest> {
    let mut requests = Vec::new();
    let modal = egui::Modal::new(egui::Id::unique("edit-headers")).show(ctx, |ui| {
        ui.set_width(620.0);
        ui.heading("Edit headers");
        ui.label(format!("{} · s3://{}/", dialog.title, dialog.bucket()));
        match dialog.phase().clone() {
            Phase::Reading(Loadable::Loading(_) | Loadable::Idle) => {
                ui.spinner();
                if ui.button("Close").clicked() {
                    requests.push(HeadersRequest::Close);
                }
            }
            Phase::Reading(Loadable::Failed(e)) => {
                ui.colored_label(ui.visuals().error_fg_color, format!("⚠ {e}"));
                if ui.button("Close").clicked() {
                    requests.push(HeadersRequest::Close);
                }
            }
            Phase::Reading(Loadable::Ready(read)) => {
                let tags_kept = read.single.as_ref().is_none_or(|one| one.kept.tags_kept);
                form_ui(ui, dialog, read.single.is_some(), tags_kept);
                if read.versioning.as_deref() == Some("Enabled") {
                    ui.colored_label(
                        ui.visuals().warn_fg_color,
                        "⚠ This bucket keeps versions: each edited object gets a new version, and the one before stays as a previous version (and is billed).",
                    );
                }
                if let Some(problem) = &dialog.problem {
                    ui.colored_label(ui.visuals().error_fg_color, format!("⚠ {problem}"));
                }
                ui.horizontal(|ui| {
                    let apply = format!(
                        "Apply to {}",
                        crate::fmt::count(read.objects, "object", "objects")
                    );
                    if ui
                        .add_enabled(read.objects > 0, egui::Button::new(apply))
                        .clicked()
                    {
                        requests.push(HeadersRequest::Apply);
                    }
                    if ui.button("Close").clicked() {
                        requests.push(HeadersRequest::Close);
                    }
                });
            }
            Phase::Running {
                progress,
                cancelled,
                ..
            } => {
                let shown = match progress.total {
                    0 => "Editing: finding the objects…".to_owned(),
                    total => format!(
                        "Editing: {} of {} objects{}",
                        progress.done,
                        total,
                        match progress.failed {
                            0 => String::new(),
                            n => format!(", {n} failed"),
                        }
                    ),
                };
                ui.label(shown);
                let fraction = progress.done as f32 / progress.total.max(1) as f32;
                ui.add(egui::ProgressBar::new(fraction));
                match cancelled {
                    true => {
                        ui.label("Cancelling: the copies under way finish; nothing new starts.");
                    }
                    false => {
                        if ui.button("Cancel").clicked() {
                            requests.push(HeadersRequest::Cancel);
                        }
                    }
                }
            }
            Phase::Done(Err(e)) => {
                ui.colored_label(ui.visuals().error_fg_color, format!("⚠ {e}"));
                if ui.button("Close").clicked() {
                    requests.push(HeadersRequest::Close);
                }
            }
            Phase::Done(Ok(report)) => {
                ui.label(report.summary());
                if !report.failed.is_empty() {
                    ui.label("Not edited (each left as it was):");
                    egui::ScrollArea::vertical()
                        .max_height(200.0)
                        .show(ui, |ui| {
                            for (key, why) in &report.failed {
                                // A name's line break would forge a line of the report.
                                let key = crate::fmt::terminal_safe(key);
                                ui.label(format!("{key}: {why}"));
                            }
                        });
                }
                if ui.button("Close").clicked() {
                    requests.push(HeadersRequest::Close);
                }
            }
        }
    });
    // Escape or a click outside closes it, but not while an edit runs unseen.
    if modal.should_close() && !dialog.is_running() {
        requests.push(HeadersRequest::Close);
    }
    requests
}

/// The fields: filled with the one object's headers, or "(unchanged)" for a selection.
fn form_ui(ui: &mut egui::Ui, dialog: &mut EditHeadersDialog, single: bool, tags_kept: bool) {
    let hint = match single {
        true => "(none)",
        false => "(unchanged)",
    };
    let form = &mut dialog.form;
    egui::Grid::new("edit-headers-fields")
        .num_columns(3)
        .show(ui, |ui| {
            for (name, field) in [
                ("Content-Type", &mut form.content_type),
                ("Cache-Control", &mut form.cache_control),
                ("Content-Disposition", &mut form.content_disposition),
                ("Content-Encoding", &mut form.content_encoding),
                ("Content-Language", &mut form.content_language),
                ("Expires", &mut form.expires),
            ] {
                field_ui(ui, name, field, hint, single);
            }
            let label = ui.label("Storage class");
            let shown = form
                .storage_class
                .clone()
                .unwrap_or_else(|| "(unchanged)".into());
            egui::ComboBox::from_id_salt("storage-class")
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut form.storage_class, None, "(unchanged)");
                    for class in STORAGE_CLASSES {
                        ui.selectable_value(
                            &mut form.storage_class,
                            Some((*class).to_owned()),
                            *class,
                        );
                    }
                })
                .response
                .labelled_by(label.id);
            ui.end_row();
        });
    ui.separator();
    rows_ui(ui, "Metadata", "x-amz-meta-", &mut form.metadata);
    ui.separator();
    match tags_kept {
        true => rows_ui(ui, "Tags", "", &mut form.tags),
        false => {
            ui.label("Tags");
            ui.weak("This server keeps no tags.");
        }
    }
    ui.separator();
}

fn field_ui(ui: &mut egui::Ui, name: &str, field: &mut HeaderField, hint: &str, single: bool) {
    let label = ui.label(name);
    let hint = match name {
        "Expires" => "2027-01-01 (UTC)",
        _ => hint,
    };
    let text = egui::TextEdit::singleline(&mut field.text).hint_text(hint);
    // A grid's column sizes itself to what it holds: the field asks for its width outright.
    ui.add_enabled_ui(!field.remove, |ui| ui.add_sized([400.0, 20.0], text))
        .inner
        .labelled_by(label.id);
    // On one object an emptied field removes its header; a selection needs the box.
    if !single {
        let remove = ui.checkbox(&mut field.remove, "remove");
        name_node(ui, remove.id, &format!("Remove {name}"));
    } else {
        ui.label("");
    }
    ui.end_row();
}

/// Metadata or tags as rows of name and value, each removable, and one more to add.
fn rows_ui(ui: &mut egui::Ui, title: &str, prefix: &str, rows: &mut Vec<PairRow>) {
    ui.label(title);
    let mut drop = None;
    egui::Grid::new(("edit-headers-rows", title))
        .num_columns(3)
        .show(ui, |ui| {
            for (n, row) in rows.iter_mut().enumerate() {
                let number = n + 1;
                let name_edit =
                    egui::TextEdit::singleline(&mut row.name).hint_text(format!("{prefix}name"));
                let name = ui
                    .add_enabled_ui(!row.removed, |ui| ui.add_sized([220.0, 20.0], name_edit))
                    .inner;
                name_node(ui, name.id, &format!("{title} {number} name"));
                let value_edit = egui::TextEdit::singleline(&mut row.value).hint_text("value");
                let value = ui
                    .add_enabled_ui(!row.removed, |ui| ui.add_sized([300.0, 20.0], value_edit))
                    .inner;
                name_node(ui, value.id, &format!("{title} {number} value"));
                let (text, hover) = match row.removed {
                    true => ("keep", "Keep it"),
                    false => ("remove", "Remove it"),
                };
                let button = ui.button(text).on_hover_text(hover);
                name_node(ui, button.id, &format!("{hover}: {title} {number}"));
                if button.clicked() {
                    drop = Some(n);
                }
                ui.end_row();
            }
        });
    if let Some(n) = drop {
        // A row the person added goes; one the object has is marked removed (or kept again).
        match rows[n].name.trim().is_empty() && rows[n].value.is_empty() {
            true => {
                rows.remove(n);
            }
            false => rows[n].removed = !rows[n].removed,
        }
    }
    let singular = match title {
        "Tags" => "tag",
        _ => "metadata",
    };
    if ui.button(format!("+ Add {singular}")).clicked() {
        rows.push(PairRow::default());
    }
}

/// Names a widget for screen readers and tests where no visible label sits beside it.
fn name_node(ui: &egui::Ui, id: egui::Id, name: &str) {
    ui.ctx()
        .accesskit_node_builder(id, |node| node.set_label(name.to_owned()));
}
