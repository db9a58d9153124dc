//! The left pane: the buckets of the selected profile, with their region when known; New
//! bucket…, and each bucket's menu (Bucket properties, Delete bucket…, Empty and delete…).

use egui::Ui;

use crate::app::buckets::BucketAction;
use crate::app::explorer::ExplorerRequest;
use crate::app::pane::Pane;
use crate::app::shared::Loadable;

/// The explorer's buckets; a click asks to open one.
pub(crate) fn bucket_list_ui(ui: &mut Ui, explorer: &Pane) -> Option<ExplorerRequest> {
    let mut open = None;
    let mut action = None;
    egui::Panel::left("buckets")
        .resizable(true)
        .default_size(220.0)
        .min_size(140.0)
        .show(ui, |ui| {
            ui.add_space(6.0);
            ui.horizontal(|ui| {
                ui.heading("Buckets");
                let can_make = !matches!(explorer.buckets(), Loadable::Idle);
                if ui
                    .add_enabled(can_make, egui::Button::new("New bucket…").small())
                    .on_hover_text("Make a bucket (Block Public Access on)")
                    .clicked()
                {
                    action = Some(BucketAction::New);
                }
            });
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
                                let row = ui.selectable_label(selected, &bucket.name);
                                if row.clicked() {
                                    open = Some(bucket.name.clone());
                                }
                                row.context_menu(|ui| {
                                    action = bucket_menu_ui(ui, &bucket.name).or(action.take());
                                });
                                if let Some(region) = &bucket.region {
                                    ui.weak(region);
                                }
                            });
                        }
                    });
                }
            }
        });
    action
        .map(ExplorerRequest::Bucket)
        .or(open.map(ExplorerRequest::OpenBucket))
}

/// A bucket's menu: Bucket properties, Delete bucket…, Empty and delete….
fn bucket_menu_ui(ui: &mut Ui, bucket: &str) -> Option<BucketAction> {
    let mut chosen = None;
    if ui.button("Bucket properties").clicked() {
        chosen = Some(BucketAction::Properties(bucket.to_owned()));
    }
    ui.separator();
    if ui.button("Delete bucket…").clicked() {
        chosen = Some(BucketAction::Delete {
            bucket: bucket.to_owned(),
            empty_first: false,
        });
    }
    if ui.button("Empty and delete…").clicked() {
        chosen = Some(BucketAction::Delete {
            bucket: bucket.to_owned(),
            empty_first: true,
        });
    }
    if chosen.is_some() {
        ui.close();
    }
    chosen
}
