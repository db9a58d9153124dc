//! The Web URL dialog's word on link lifetimes: where the longest link comes from ("7 days:
//! AWS's limit for pre-signed links", "30 days: set in profile minio-lab"), a preset for that
//! longest link when it is past a week, and the ways out when temporary credentials end
//! before the link would — as buttons, each carried out by [`AppState::take_way_out`].

use std::time::SystemTime;

use egui::Ui;

use super::state::WebUrlDialog;
use crate::app::state::AppState;
use crate::share::link_limit::span_text;
use crate::worker::Command;

/// A way out of temporary credentials, as pressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WayOut {
    /// The expiry at the credentials' end (checked at this moment).
    CredentialsEnd(SystemTime),
    /// The existing CloudFront route.
    CloudFront,
    /// The `n`th other profile with long-term keys signs from now on.
    SignWith(usize, SystemTime),
}

/// "30 days" beside the presets, when the profile allows more than a week.
pub(super) fn longest_preset_ui(ui: &mut Ui, dialog: &mut WebUrlDialog, now: SystemTime) {
    let limit = dialog.link_limit();
    if limit.past_a_week() && !dialog.through_cloudfront() {
        let clicked = ui
            .button(span_text(limit.longest))
            .on_hover_text(limit.describe())
            .clicked();
        if clicked {
            dialog.apply_longest(now);
        }
    }
}

/// "Longest link: 7 days: AWS's limit for pre-signed links", and a profile's limit ignored.
pub(super) fn limit_ui(ui: &mut Ui, dialog: &WebUrlDialog) {
    if dialog.through_cloudfront() {
        return;
    }
    ui.weak(format!("Longest link {}", dialog.link_limit().describe()));
    if let Some(ignored) = dialog.limit_ignored() {
        ui.colored_label(ui.visuals().warn_fg_color, format!("⚠ {ignored}"));
    }
}

/// What the dialog says of lifetimes under Generate: a server that refused a link past a week
/// (its limit may be shorter than the profile says), and the ways out of temporary
/// credentials; the way out pressed.
pub(super) fn lifetime_notes_ui(
    ui: &mut Ui,
    dialog: &WebUrlDialog,
    now: SystemTime,
) -> Option<WayOut> {
    if let Some(hint) = dialog.refused_past_a_week(now) {
        ui.colored_label(ui.visuals().warn_fg_color, format!("⚠ {hint}"));
    }
    ways_out_ui(ui, dialog, now)
}

/// The warning that the credentials end first, and the ways out as buttons; the one pressed.
fn ways_out_ui(ui: &mut Ui, dialog: &WebUrlDialog, now: SystemTime) -> Option<WayOut> {
    let ways = dialog.ways_out(now)?;
    let mut pressed = None;
    if let Some(warning) = dialog.credentials_warning(now) {
        ui.colored_label(ui.visuals().warn_fg_color, warning);
    }
    ui.horizontal_wrapped(|ui| {
        ui.label("Ways out:");
        let end = dialog.clock_text(ways.ends);
        if ui
            .button(format!("Use the credentials' end ({end})"))
            .clicked()
        {
            pressed = Some(WayOut::CredentialsEnd(now));
        }
        if ways.cloudfront && ui.button("Through CloudFront").clicked() {
            pressed = Some(WayOut::CloudFront);
        }
        for (i, name) in &ways.profiles {
            if ui.button(format!("Sign with profile {name}")).clicked() {
                pressed = Some(WayOut::SignWith(*i, now));
            }
        }
    });
    if !ways.too_short.is_empty() {
        ui.weak(format!(
            "Too short for this expiry, though their keys last: {}.",
            ways.too_short.join(", ")
        ));
    } else if ways.profiles.is_empty() {
        ui.weak("No other profile with long-term keys reaches this server.");
    }
    pressed
}

impl AppState {
    /// A way out picked: the dialog changes, and a new link is made where that is the point
    /// (a shorter expiry, another profile — whose credentials' end is asked first).
    pub(crate) fn take_way_out(&mut self, way: WayOut) -> Vec<Command> {
        let mut commands = Vec::new();
        match way {
            WayOut::CredentialsEnd(now) => {
                let Some(dialog) = self.modals.web_url_mut() else {
                    return commands;
                };
                dialog.use_credentials_end(now);
                commands.extend(self.generate_links(now));
            }
            WayOut::CloudFront => {
                if let Some(dialog) = self.modals.web_url_mut() {
                    dialog.use_cloudfront();
                }
            }
            WayOut::SignWith(index, now) => {
                let id = self.next_id();
                let Some(dialog) = self.modals.web_url_mut() else {
                    return commands;
                };
                if !dialog.sign_with(index) {
                    return commands;
                }
                commands.push(dialog.ask_credentials(id));
                commands.extend(self.generate_links(now));
            }
        }
        commands
    }
}
