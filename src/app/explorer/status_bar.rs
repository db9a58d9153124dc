//! The status bar: what the folder holds, loading progress with Stop, and the last error.

use egui::Ui;

use crate::app::explorer::ExplorerRequest;
use crate::app::files::transfer_rows::Transfers;
use crate::app::pane::Pane;
use crate::app::shared::ActivePane;
use crate::app::shared::ListingState;
use crate::app::status::Status;
use crate::fmt::{count, human_size, thousands};
use crate::listing::Listing;

/// "2 folders, 1,204 objects, 211 MB"
pub(crate) fn summary(listing: &Listing) -> String {
    let mut text = format!(
        "{}, {}, {}",
        count(listing.folder_count(), "folder", "folders"),
        count(listing.object_count(), "object", "objects"),
        human_size(listing.total_size())
    );
    if listing.is_filtered() {
        text.push_str(&format!(
            " ({} shown)",
            thousands(listing.view_len() as u64)
        ));
    }
    if listing.selected_count() > 0 {
        text.push_str(&format!(
            " · {} selected",
            thousands(listing.selected_count() as u64)
        ));
    }
    text
}

/// Settings files that could not be read: a banner above everything, until dismissed.
pub(crate) fn file_problems_ui(ui: &mut Ui, status: &mut Status) {
    if status.file_problems().is_empty() {
        return;
    }
    egui::Panel::top("file-problems").show(ui, |ui| {
        ui.add_space(4.0);
        // The button first, from the right, so a long path wraps beside it instead of
        // pushing it out of the window.
        ui.with_layout(egui::Layout::right_to_left(egui::Align::TOP), |ui| {
            if ui.button("Dismiss").clicked() {
                status.dismiss_file_problems();
            }
            ui.with_layout(egui::Layout::top_down(egui::Align::LEFT), |ui| {
                let color = ui.visuals().warn_fg_color;
                for problem in status.file_problems() {
                    let text = egui::RichText::new(format!("⚠ {problem}")).color(color);
                    ui.add(egui::Label::new(text).wrap());
                }
            });
        });
        ui.add_space(4.0);
    });
}

/// The status bar under the explorer; with two panes it names the `active` one (`second`).
/// Stop is the one request it makes.
pub(crate) fn status_bar_ui(
    ui: &mut Ui,
    explorer: &Pane,
    second: Option<&Pane>,
    active: ActivePane,
    status: &Status,
    transfers: &Transfers,
) -> Option<ExplorerRequest> {
    let mut stop = false;
    egui::Panel::bottom("status-bar").show(ui, |ui| {
        ui.horizontal(|ui| {
            if let Some(pane) = second {
                // Which pane F5, F6 and the keys act on, and what it has selected.
                let (name, selected) = match active {
                    ActivePane::Explorer => (
                        explorer.location().map(|l| l.uri()).unwrap_or_default(),
                        explorer.listing().selected_count(),
                    ),
                    ActivePane::Second => (pane.where_text(), pane.listing().selected_count()),
                };
                ui.label(format!(
                    "Active: {name} · {} selected · Tab switches",
                    thousands(selected as u64)
                ));
                ui.separator();
            }
            let has_summary = explorer.location().is_some();
            if has_summary {
                ui.label(summary(explorer.listing()));
            }
            match explorer.listing_state() {
                // A search says how far it has got over its results.
                _ if explorer.search().is_some() => {}
                ListingState::Loading { .. } => {
                    ui.separator();
                    ui.spinner();
                    ui.label(format!(
                        "loading… {} so far",
                        count(explorer.listing().object_count(), "object", "objects")
                    ));
                    stop = ui.button("Stop").clicked();
                }
                ListingState::Stopped => {
                    ui.separator();
                    ui.label("stopped: the list is incomplete");
                }
                _ => {}
            }
            if let Some(notice) = status.notice() {
                if has_summary {
                    ui.separator();
                }
                ui.label(notice);
            }
            let running = transfers.active();
            if running > 0 {
                let (size, done) = transfers.rows().iter().filter(|t| t.is_active()).fold(
                    (0u64, 0u64),
                    |(s, d), t| {
                        (
                            s.saturating_add(t.size),
                            d.saturating_add(t.control.done_bytes()),
                        )
                    },
                );
                ui.separator();
                let fraction = if size == 0 {
                    0.0
                } else {
                    done as f32 / size as f32
                };
                ui.add(
                    egui::ProgressBar::new(fraction.clamp(0.0, 1.0))
                        .desired_width(160.0)
                        .text(format!("{running} transfers")),
                );
            }
            if let Some(error) = status.error() {
                if has_summary {
                    ui.separator();
                }
                ui.colored_label(ui.visuals().warn_fg_color, format!("⚠ {error}"));
            }
        });
    });
    stop.then_some(ExplorerRequest::Stop)
}
