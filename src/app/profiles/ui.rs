//! The Profiles window (a Modal): every profile with its source, region and endpoint on the
//! left; the form for Pail's own profiles on the right; Test connection, Save, Delete. It edits
//! the window's own state and hands back what reaches further as [`ProfilesRequest`]s.

use egui::{RichText, Ui};

use crate::app::profiles::known::Profiles;
use crate::app::profiles::state::{ProfileForm, ProfilesWindow};
use crate::profiles::ProfileSource;
use crate::profiles::store::Provider;

/// What the person asked of the Profiles window that reaches beyond it: the store, the
/// chosen profile, a request id or the open dialogs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ProfilesRequest {
    /// Add: the form for a new profile.
    Add,
    Edit(String),
    Duplicate(String),
    /// Yes, delete.
    Delete(String),
    SetDefault(String),
    TestConnection,
    /// Save in the form.
    Save,
    Close,
}

/// What was pressed while drawing: the window's own changes wait until it is drawn.
#[derive(Default)]
struct Pressed {
    requests: Vec<ProfilesRequest>,
    ask_delete: Option<String>,
    cancel_form: bool,
}

/// Draws the Profiles window; gives what was asked of the rest of the window, in the order
/// it was pressed.
pub(crate) fn profiles_window_ui(
    ctx: &egui::Context,
    window: &mut ProfilesWindow,
    profiles: &Profiles,
) -> Vec<ProfilesRequest> {
    let mut pressed = Pressed::default();
    let modal = egui::Modal::new(egui::Id::unique("profiles-window")).show(ctx, |ui| {
        ui.set_width(900.0);
        ui.heading("Profiles");
        ui.separator();
        // Fixed-size columns: the window must not change size as the form opens and closes.
        let height = 470.0;
        ui.horizontal_top(|ui| {
            let layout = egui::Layout::top_down(egui::Align::Min);
            ui.allocate_ui_with_layout(egui::vec2(340.0, height), layout, |ui| {
                ui.set_min_size(egui::vec2(340.0, height));
                list_ui(ui, window, profiles, &mut pressed);
            });
            ui.add_space(12.0);
            ui.allocate_ui_with_layout(egui::vec2(540.0, height), layout, |ui| {
                ui.set_min_size(egui::vec2(540.0, height));
                detail_ui(ui, window, profiles, &mut pressed);
            });
        });
        ui.separator();
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button("Close").clicked() {
                pressed.requests.push(ProfilesRequest::Close);
            }
        });
    });
    if modal.should_close() {
        pressed.requests.push(ProfilesRequest::Close);
    }
    if let Some(name) = pressed.ask_delete {
        window.ask_delete(name);
    }
    if pressed.cancel_form {
        window.close_form();
    }
    pressed.requests
}

fn list_ui(ui: &mut Ui, window: &mut ProfilesWindow, profiles: &Profiles, pressed: &mut Pressed) {
    let default = profiles.store().and_then(|s| s.default_profile.as_deref());
    egui::ScrollArea::vertical()
        .max_height(420.0)
        .show(ui, |ui| {
            for profile in profiles.list() {
                let selected = window.selected() == Some(profile.name.as_str());
                ui.horizontal(|ui| {
                    if ui.selectable_label(selected, &profile.name).clicked() {
                        window.pick(profile.name.clone());
                    }
                    ui.label(RichText::new(profile.source.label()).small().strong());
                    if default == Some(profile.name.as_str()) {
                        ui.label(RichText::new("default").small());
                    }
                });
                let detail = match (&profile.region, &profile.endpoint) {
                    (Some(region), Some(endpoint)) => format!("{region} · {endpoint}"),
                    (Some(region), None) => format!("{region} · AWS"),
                    (None, Some(endpoint)) => endpoint.clone(),
                    (None, None) => "AWS".to_owned(),
                };
                ui.weak(detail);
                ui.add_space(2.0);
            }
        });
    ui.add_space(6.0);
    let can_save = profiles.store().is_some();
    if ui
        .add_enabled(can_save, egui::Button::new("Add"))
        .on_disabled_hover_text("No config folder: profiles cannot be saved here")
        .clicked()
    {
        pressed.requests.push(ProfilesRequest::Add);
    }
}

fn detail_ui(ui: &mut Ui, window: &mut ProfilesWindow, profiles: &Profiles, pressed: &mut Pressed) {
    if let Some(form) = window.form_mut() {
        form_ui(ui, form, pressed);
    } else if let Some(name) = window.selected().map(str::to_owned) {
        let Some(profile) = profiles.by_name(&name) else {
            return;
        };
        ui.label(RichText::new(&profile.name).strong());
        match profile.source {
            ProfileSource::Pail => {
                ui.horizontal(|ui| {
                    if ui.button("Edit").clicked() {
                        pressed.requests.push(ProfilesRequest::Edit(name.clone()));
                    }
                    if ui.button("Duplicate").clicked() {
                        pressed
                            .requests
                            .push(ProfilesRequest::Duplicate(name.clone()));
                    }
                    if ui.button("Set as default").clicked() {
                        pressed
                            .requests
                            .push(ProfilesRequest::SetDefault(name.clone()));
                    }
                    if ui.button("Delete").clicked() {
                        pressed.ask_delete = Some(name.clone());
                    }
                });
                if window.asking_to_delete() == Some(name.as_str()) {
                    ui.horizontal(|ui| {
                        ui.colored_label(
                            ui.visuals().warn_fg_color,
                            format!("Delete the profile {name} and its keys?"),
                        );
                        if ui.button("Yes, delete").clicked() {
                            pressed.requests.push(ProfilesRequest::Delete(name.clone()));
                        }
                    });
                }
            }
            ProfileSource::AwsConfig => {
                ui.weak(
                    "From the AWS config files: Pail uses it as it is and does not change them.",
                );
            }
            ProfileSource::Environment => {
                ui.weak("From the environment (AWS_ACCESS_KEY_ID …).");
            }
            ProfileSource::Demo => {
                ui.weak("The embedded demo server.");
            }
        }
    } else {
        ui.weak("Pick a profile on the left, or Add one.");
    }
    ui.add_space(8.0);
    ui.horizontal(|ui| {
        let can_test = window.form().is_some() || window.selected().is_some();
        if ui
            .add_enabled(
                can_test && !window.testing(),
                egui::Button::new("Test connection"),
            )
            .clicked()
        {
            pressed.requests.push(ProfilesRequest::TestConnection);
        }
        if window.testing() {
            ui.spinner();
        }
    });
    match window.test_result() {
        Some(Ok(ok)) => {
            ui.colored_label(egui::Color32::from_rgb(0x3C, 0xB3, 0x71), format!("✔ {ok}"));
        }
        Some(Err(e)) => {
            ui.colored_label(ui.visuals().error_fg_color, format!("✖ {e}"));
        }
        None => {}
    }
    if let Some(notice) = window.notice() {
        ui.label(notice);
    }
}

/// A labelled single-line field.
fn field(ui: &mut Ui, label: &str, value: &mut String, password: bool, hint: &str) {
    ui.horizontal(|ui| {
        let label = ui.add_sized([150.0, 18.0], egui::Label::new(label));
        ui.add(
            egui::TextEdit::singleline(value)
                .password(password)
                .hint_text(hint)
                .desired_width(300.0),
        )
        .labelled_by(label.id);
    });
}

fn form_ui(ui: &mut Ui, form: &mut ProfileForm, pressed: &mut Pressed) {
    ui.label(
        RichText::new(match &form.original_name {
            Some(name) => format!("Edit {name}"),
            None => "New profile".to_owned(),
        })
        .strong(),
    );
    field(ui, "Name", &mut form.name, false, "work");
    field(ui, "Access key ID", &mut form.access_key_id, false, "AKIA…");
    ui.horizontal(|ui| {
        let label = ui.add_sized([150.0, 18.0], egui::Label::new("Secret access key"));
        ui.add(
            egui::TextEdit::singleline(&mut form.secret_access_key)
                .password(!form.show_secret)
                .desired_width(300.0),
        )
        .labelled_by(label.id);
        ui.checkbox(&mut form.show_secret, "Show");
    });
    field(
        ui,
        "Session token",
        &mut form.session_token,
        true,
        "optional",
    );
    ui.horizontal(|ui| {
        ui.add_sized([150.0, 18.0], egui::Label::new("Endpoint"));
        let mut provider = form.provider;
        egui::ComboBox::from_id_salt("provider")
            .selected_text(provider.label())
            .width(200.0)
            .show_ui(ui, |ui| {
                for option in Provider::ALL {
                    ui.selectable_value(&mut provider, option, option.label());
                }
            })
            .response
            .widget_info(|| {
                egui::WidgetInfo::labeled(egui::Role::ComboBox, true, "Endpoint provider")
            });
        form.set_provider(provider);
    });
    match form.provider {
        Provider::Minio | Provider::Custom => {
            field(
                ui,
                "Endpoint URL",
                &mut form.endpoint_url,
                false,
                "https://s3.example.com",
            );
            if let Some(problem) = form.endpoint_problem() {
                ui.colored_label(ui.visuals().error_fg_color, format!("⚠ {problem}"));
            }
        }
        Provider::CloudflareR2 => {
            field(
                ui,
                "Account ID",
                &mut form.account_id,
                false,
                "R2 account id",
            );
        }
        _ => {}
    }
    field(ui, "Region", &mut form.region, false, "us-east-1");
    ui.horizontal(|ui| {
        ui.add_space(154.0);
        ui.checkbox(&mut form.path_style, "Path-style addressing");
    });
    field(
        ui,
        "Default bucket",
        &mut form.default_bucket,
        false,
        "optional",
    );
    field(
        ui,
        "Longest link",
        &mut form.max_link_lifetime,
        false,
        if form.provider == Provider::Aws {
            "7 days (AWS's limit)"
        } else {
            "7 days; 30d or 720h if the provider allows"
        },
    );
    for problem in &form.problems {
        ui.colored_label(ui.visuals().error_fg_color, problem);
    }
    ui.horizontal(|ui| {
        if ui.button("Save").clicked() {
            pressed.requests.push(ProfilesRequest::Save);
        }
        if ui.button("Cancel").clicked() {
            pressed.cancel_form = true;
        }
    });
}
