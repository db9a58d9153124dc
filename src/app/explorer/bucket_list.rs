//! The left pane: the buckets of the selected profile, with their region when known.

use egui::Ui;

use crate::app::explorer::ExplorerRequest;
use crate::app::pane::Pane;
use crate::app::shared::Loadable;

/// The explorer's buckets; a click asks to open one.
pub(crate) fn bucket_list_ui(ui: &mut Ui, explorer: &Pane) -> Option<ExplorerRequest> {
    let mut open = None;
    egui::Panel::left("buckets")
        .resizable(true)
        .default_size(220.0)
        .min_size(140.0)
        .show(ui, |ui| {
            ui.add_space(6.0);
            ui.heading("Buckets");
            ui.separator();
            let current = explorer.location().map(|l| l.bucket.as_str().to_owned());
            match explorer.buckets() {
                Loadable::Idle => {
                    ui.weak("Choose a profile to see its buckets.");
                }
                Loadable::Loading(_) => {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label("Loading buckets…");
                    });
                }
                Loadable::Failed(error) => {
                    // The banner over the table says why, with Retry.
                    ui.colored_label(ui.visuals().error_fg_color, "⚠ Could not list buckets")
                        .on_hover_text(error.to_string());
                }
                Loadable::Ready(buckets) if buckets.is_empty() => {
                    ui.weak("No buckets.");
                }
                Loadable::Ready(buckets) => {
                    egui::ScrollArea::vertical().show(ui, |ui| {
                        for bucket in buckets {
                            ui.horizontal(|ui| {
                                let selected = current.as_deref() == Some(bucket.name.as_str());
                                if ui.selectable_label(selected, &bucket.name).clicked() {
                                    open = Some(bucket.name.clone());
                                }
                                if let Some(region) = &bucket.region {
                                    ui.weak(region);
                                }
                            });
                        }
                    });
                }
            }
        });
    open.map(ExplorerRequest::OpenBucket)
}
