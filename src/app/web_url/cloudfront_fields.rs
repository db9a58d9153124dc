//! The Web URL dialog's "Link through" row and, through CloudFront, the distribution, the key
//! pair (its private key chosen once) and the policy.

use egui::Ui;

use crate::app::web_url::state::{TRUST_HINT, Via, WebUrlDialog};

/// S3 or CloudFront, and CloudFront's distribution, key and policy.
/// True when "Private key…" was pressed.
pub(super) fn via_ui(ui: &mut Ui, dialog: &mut WebUrlDialog) -> bool {
    let mut choose_key = false;
    ui.horizontal(|ui| {
        ui.label("Link through");
        let longest = crate::share::link_limit::span_text(dialog.link_limit().longest);
        ui.radio_value(
            &mut dialog.inputs.via,
            Via::S3,
            format!("S3 (up to {longest})"),
        );
        ui.radio_value(
            &mut dialog.inputs.via,
            Via::CloudFront,
            "CloudFront (any expiry)",
        );
    });
    if dialog.inputs.via != Via::CloudFront {
        return false;
    }
    egui::Grid::new("cloudfront-fields")
        .num_columns(2)
        .show(ui, |ui| {
            let label = ui.label("Distribution domain");
            ui.add(
                egui::TextEdit::singleline(&mut dialog.inputs.cf_domain)
                    .hint_text("d111111abcdef8.cloudfront.net")
                    .desired_width(300.0),
            )
            .labelled_by(label.id);
            ui.end_row();
            let label = ui.label("Key pair ID");
            ui.horizontal(|ui| {
                ui.add(
                    egui::TextEdit::singleline(&mut dialog.inputs.cf_key_id)
                        .hint_text("K2JCJMDEHXQW5F")
                        .desired_width(160.0),
                )
                .labelled_by(label.id);
                if ui
                    .add_enabled(!dialog.importing_key(), egui::Button::new("Private key…"))
                    .on_hover_text(
                        "Choose the key pair's PEM file once; Pail keeps it, readable by you only",
                    )
                    .clicked()
                {
                    choose_key = true;
                }
                if dialog.importing_key() {
                    ui.spinner();
                } else if dialog.key_stored() {
                    ui.weak("key kept ✔");
                }
            });
            ui.end_row();
        });
    match dialog.key_notice() {
        Some(Ok(text)) => {
            ui.label(text.as_str());
        }
        Some(Err(text)) => {
            ui.colored_label(ui.visuals().error_fg_color, format!("⚠ {text}"));
        }
        None => {}
    }
    ui.checkbox(
        &mut dialog.inputs.cf_custom,
        "Custom policy: a start time and an IP range",
    );
    if dialog.inputs.cf_custom {
        ui.horizontal(|ui| {
            let label = ui.label("Not before");
            ui.add(
                egui::TextEdit::singleline(&mut dialog.inputs.cf_not_before)
                    .hint_text("YYYY-MM-DD HH:MM (empty: now)")
                    .desired_width(180.0),
            )
            .labelled_by(label.id);
            let label = ui.label("IP range");
            ui.add(
                egui::TextEdit::singleline(&mut dialog.inputs.cf_ip_range)
                    .hint_text("192.0.2.0/24 (empty: anywhere)")
                    .desired_width(180.0),
            )
            .labelled_by(label.id);
        });
    }
    ui.weak(TRUST_HINT);
    choose_key
}
