//! The dialog's expiry row: the date (its calendar below it), the hour and minute, the
//! presets, and what the chosen moment means — or why it cannot be.

use std::time::SystemTime;

use egui::Ui;

use super::calendar::{self, named};
use super::state::{Preset, WebUrlDialog};

pub(super) fn expiry_ui(ui: &mut Ui, dialog: &mut WebUrlDialog, now: SystemTime) {
    ui.horizontal(|ui| {
        ui.label("Expire URL at");
        calendar::date_button_ui(ui, &mut dialog.calendar, dialog.inputs.date);
        ui.label("at");
        named(
            ui.add(
                egui::DragValue::new(&mut dialog.inputs.hour)
                    .range(0..=23)
                    .speed(0.1),
            ),
            egui::Role::SpinButton,
            "Expiry hour",
        )
        .on_hover_text("Hour");
        ui.label(":");
        named(
            ui.add(
                egui::DragValue::new(&mut dialog.inputs.minute)
                    .range(0..=59)
                    .speed(0.2),
            ),
            egui::Role::SpinButton,
            "Expiry minute",
        )
        .on_hover_text("Minute");
        ui.add_space(8.0);
        let longest = dialog.link_limit().longest;
        for preset in Preset::ALL.into_iter().filter(|p| p.fits(longest)) {
            if ui.button(preset.label()).clicked() {
                dialog.apply_preset(preset, now);
            }
        }
        super::lifetime::longest_preset_ui(ui, dialog, now);
    });
    super::lifetime::limit_ui(ui, dialog);
    if let Some((first, last)) = dialog.allowed_days(now) {
        let allowed = calendar::AllowedDays {
            first,
            last,
            longest: dialog.link_limit().longest,
        };
        calendar::calendar_ui(ui, &mut dialog.calendar, &mut dialog.inputs.date, allowed);
    }
    match dialog.expiry_summary(now) {
        Ok(summary) => {
            ui.label(summary);
        }
        Err(refusal) => {
            ui.colored_label(ui.visuals().error_fg_color, format!("⚠ {refusal}"));
        }
    }
}
