//! The bucket dialogs drawn: New bucket (the name's check under it as it is typed), Bucket
//! properties (region, versioning with what on and suspended mean, encryption, public access,
//! CORS rules) and Delete bucket / Empty and delete (the counts, the name typed, progress,
//! Cancel). Each returns what was pressed; `actions.rs` does it.

use egui::{RichText, Ui};

use super::BucketAction;
use super::state::{BucketDialog, DeleteDialog, NewBucketForm, PropertiesWindow};
use crate::app::modal::{Modal, Modals};
use crate::s3::bucket_settings::{Setting, Versioning};

/// The open bucket dialog, if one is open.
pub(crate) fn bucket_dialog_ui(ctx: &egui::Context, modals: &mut Modals) -> Vec<BucketAction> {
    let Some(Modal::Bucket(dialog)) = modals.get_mut() else {
        return Vec::new();
    };
    let mut actions = Vec::new();
    // Esc or a click outside closes the dialog, but not while its request runs: Cancel says
    // what went first.
    let running = match dialog.as_ref() {
        BucketDialog::New(form) => form.is_running(),
        BucketDialog::Delete(dialog) => dialog.is_running(),
        BucketDialog::Properties(window) => window.is_switching(),
    };
    let modal = egui::Modal::new(egui::Id::unique("bucket-dialog")).show(ctx, |ui| {
        ui.set_width(520.0);
        match dialog.as_mut() {
            BucketDialog::New(form) => new_bucket_ui(ui, form, &mut actions),
            BucketDialog::Properties(window) => properties_ui(ui, window, &mut actions),
            BucketDialog::Delete(dialog) => delete_ui(ui, dialog, &mut actions),
        }
    });
    if modal.should_close() && !running {
        actions.push(BucketAction::Close);
    }
    actions
}

fn new_bucket_ui(ui: &mut Ui, form: &mut NewBucketForm, actions: &mut Vec<BucketAction>) {
    ui.heading("New bucket");
    ui.add_space(4.0);
    egui::Grid::new("new-bucket").num_columns(2).show(ui, |ui| {
        let label = ui.label("Bucket name");
        let name = ui
            .add_enabled(
                !form.is_running(),
                egui::TextEdit::singleline(&mut form.name).hint_text("reports-2026"),
            )
            .labelled_by(label.id);
        if name.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
            actions.push(BucketAction::Create);
        }
        ui.end_row();
        ui.label("");
        match form.check() {
            Ok(_) => ui.label(RichText::new("✔ a valid name").color(ui.visuals().hyperlink_color)),
            Err(reason) => ui.colored_label(ui.visuals().warn_fg_color, reason),
        };
        ui.end_row();
        let label = ui.label("Region");
        ui.add_enabled(
            !form.is_running(),
            egui::TextEdit::singleline(&mut form.region).hint_text("the profile's region"),
        )
        .labelled_by(label.id);
        ui.end_row();
    });
    ui.add_enabled(
        !form.is_running(),
        egui::Checkbox::new(
            &mut form.block_public_access,
            "Block Public Access (nothing in it can be made public)",
        ),
    );
    ui.weak(
        "AWS turns Block Public Access on for new buckets. A server without it makes the \
         bucket all the same, and Pail says so.",
    );
    if let Some(error) = form.error() {
        ui.colored_label(ui.visuals().error_fg_color, format!("⚠ {error}"));
    }
    ui.separator();
    ui.horizontal(|ui| {
        let ready = form.blocked().is_none() && !form.is_running();
        if ui.add_enabled(ready, egui::Button::new("Create")).clicked() {
            actions.push(BucketAction::Create);
        }
        if form.is_running() {
            ui.spinner();
            ui.label("Creating…");
        }
        if ui.button("Cancel").clicked() {
            actions.push(BucketAction::Close);
        }
    });
}

/// One row of a setting: its value, "none" wording, or why it is unknown.
fn setting_text<T>(setting: &Setting<T>, none: &str, show: impl Fn(&T) -> String) -> String {
    match setting {
        Setting::Set(value) => show(value),
        Setting::NotSet => none.to_owned(),
        Setting::Unknown(why) => format!("unknown: {why}"),
    }
}

fn properties_ui(ui: &mut Ui, window: &mut PropertiesWindow, actions: &mut Vec<BucketAction>) {
    ui.heading(format!("Bucket properties: {}", window.bucket));
    ui.add_space(4.0);
    match window.properties() {
        None => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Reading the bucket's settings…");
            });
        }
        Some(Err(e)) => {
            ui.colored_label(ui.visuals().error_fg_color, format!("⚠ {e}"));
        }
        Some(Ok(p)) => {
            let p = p.clone();
            egui::Grid::new("bucket-properties")
                .num_columns(2)
                .spacing([16.0, 6.0])
                .show(ui, |ui| {
                    let row = |ui: &mut Ui, name: &str, value: String| {
                        ui.label(RichText::new(name).strong());
                        ui.label(value);
                        ui.end_row();
                    };
                    row(ui, "Region", setting_text(&p.region, "-", |r| r.clone()));
                    row(
                        ui,
                        "Versioning",
                        setting_text(&p.versioning, "never turned on", |v| {
                            format!("{}: {}", v.label(), v.meaning())
                        }),
                    );
                    row(
                        ui,
                        "Default encryption",
                        setting_text(&p.encryption, "none", |rules| {
                            let shown: Vec<String> = rules
                                .iter()
                                .map(|r| match &r.kms_key {
                                    Some(key) => format!("{} with key {key}", r.algorithm),
                                    None if r.algorithm == "AES256" => "SSE-S3 (AES256)".into(),
                                    None => r.algorithm.clone(),
                                })
                                .collect();
                            shown.join(", ")
                        }),
                    );
                    row(
                        ui,
                        "Public access",
                        setting_text(
                            &p.public_access,
                            "not blocked (no Block Public Access)",
                            |b| {
                                if b.all_on() {
                                    "blocked: Block Public Access is on".into()
                                } else {
                                    "partly blocked: some Block Public Access settings are off"
                                        .into()
                                }
                            },
                        ),
                    );
                    row(
                        ui,
                        "CORS",
                        setting_text(
                            &p.cors,
                            "no rules: browsers' scripts may not call it",
                            |rules| {
                                rules
                                    .iter()
                                    .map(|r| r.describe())
                                    .collect::<Vec<_>>()
                                    .join("\n")
                            },
                        ),
                    );
                });
            if let Setting::Set(state) = p.versioning {
                ui.separator();
                versioning_switch_ui(ui, window, state, actions);
            }
        }
    }
    if let Some(section) = &mut window.upload_rules {
        ui.separator();
        super::upload_rules::upload_rules_ui(ui, section, actions);
    }
    ui.separator();
    if ui.button("Close").clicked() {
        actions.push(BucketAction::Close);
    }
}

fn versioning_switch_ui(
    ui: &mut Ui,
    window: &PropertiesWindow,
    state: Versioning,
    actions: &mut Vec<BucketAction>,
) {
    ui.horizontal(|ui| {
        let idle = !window.is_switching();
        if state != Versioning::On
            && ui
                .add_enabled(idle, egui::Button::new("Turn versioning on"))
                .on_hover_text(Versioning::On.meaning())
                .clicked()
        {
            actions.push(BucketAction::SetVersioning(true));
        }
        if state == Versioning::On
            && ui
                .add_enabled(idle, egui::Button::new("Suspend versioning"))
                .on_hover_text(Versioning::Suspended.meaning())
                .clicked()
        {
            actions.push(BucketAction::SetVersioning(false));
        }
        if !idle {
            ui.spinner();
        }
    });
    match state {
        Versioning::On => ui.weak(format!("Suspended: {}.", Versioning::Suspended.meaning())),
        _ => ui.weak(format!(
            "On: {}. It can be suspended later, never turned back to \"never\".",
            Versioning::On.meaning()
        )),
    };
    if let Some(error) = window.switch_error() {
        ui.colored_label(ui.visuals().error_fg_color, format!("⚠ {error}"));
    }
}

fn delete_ui(ui: &mut Ui, dialog: &mut DeleteDialog, actions: &mut Vec<BucketAction>) {
    let title = match dialog.empty_first {
        true => "Empty and delete bucket",
        false => "Delete bucket",
    };
    ui.heading(title);
    ui.add_space(4.0);
    match dialog.contents() {
        None => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Counting versions, delete markers and unfinished uploads…");
            });
        }
        Some(Err(e)) => {
            ui.colored_label(ui.visuals().error_fg_color, format!("⚠ {e}"));
        }
        Some(Ok(contents)) if contents.is_empty() => {
            ui.label(format!(
                "s3://{} is empty. Deleting it frees its name for anyone.",
                dialog.bucket
            ));
        }
        Some(Ok(contents)) if !dialog.empty_first => {
            ui.label(format!(
                "s3://{} holds {}.",
                dialog.bucket,
                contents.describe()
            ));
            ui.label("Only an empty bucket can be deleted.");
            if ui.button("Empty and delete…").clicked() {
                dialog.empty_first = true;
            }
        }
        Some(Ok(contents)) => {
            ui.label(
                RichText::new(format!(
                    "Everything in s3://{} goes, and cannot be recovered: {}.",
                    dialog.bucket,
                    contents.describe()
                ))
                .color(ui.visuals().error_fg_color),
            );
        }
    }
    let counted = matches!(dialog.contents(), Some(Ok(_)));
    if counted && (dialog.empty_first || dialog.is_empty()) {
        ui.add_space(4.0);
        let label = ui.label(format!("Type {} to confirm", dialog.bucket));
        ui.add_enabled(
            !dialog.is_running(),
            egui::TextEdit::singleline(&mut dialog.typed),
        )
        .labelled_by(label.id);
    }
    if let Some(p) = dialog.progress() {
        let fraction = match p.expected {
            Some(total) if total > 0 => p.removed as f32 / total as f32,
            _ => 0.0,
        };
        let total = p.expected.map(|t| format!(" of {t}")).unwrap_or_default();
        ui.add(
            egui::ProgressBar::new(fraction.min(1.0)).text(format!("removed {}{total}", p.removed)),
        );
    }
    if let Some(error) = dialog.error() {
        ui.colored_label(ui.visuals().error_fg_color, format!("⚠ {error}"));
    }
    ui.separator();
    ui.horizontal(|ui| {
        let button = match dialog.empty_first {
            true => "Empty and delete",
            false => "Delete bucket",
        };
        let danger = RichText::new(button).color(ui.visuals().error_fg_color);
        if ui
            .add_enabled(dialog.can_delete(), egui::Button::new(danger))
            .clicked()
        {
            actions.push(BucketAction::ConfirmDelete);
        }
        if dialog.is_running() {
            ui.spinner();
            if ui.button("Cancel").clicked() {
                actions.push(BucketAction::CancelDelete);
            }
        } else if ui.button("Close").clicked() {
            actions.push(BucketAction::Close);
        }
    });
}
