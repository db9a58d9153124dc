//! The explorer's search: the row that asks (text, how it is read, case, sizes and dates) and
//! the strip over the results that says how far the scan has got, with Stop and the way back
//! to the folder. The filter box stays what it was: this folder's rows.

use egui::{Role, Ui, WidgetInfo};

use crate::app::explorer::ExplorerRequest;
use crate::app::pane::Pane;
use crate::app::shared::ListingState;
use crate::fmt::{count, thousands};
use crate::search::PatternKind;

/// A text box whose accessible name is `name`.
fn labelled_box(
    ui: &mut Ui,
    name: &str,
    text: &mut String,
    hint: &str,
    width: f32,
) -> egui::Response {
    let label = ui.label(name);
    ui.add(
        egui::TextEdit::singleline(text)
            .hint_text(hint)
            .desired_width(width),
    )
    .labelled_by(label.id)
}

/// The search row under the toolbar: Enter in the box or Search starts it.
pub(crate) fn search_row_ui(ui: &mut Ui, explorer: &mut Pane) -> Vec<ExplorerRequest> {
    let mut requests = Vec::new();
    let can = explorer.location().is_some();
    ui.add_enabled_ui(can, |ui| {
        ui.horizontal(|ui| {
            let form = explorer.search_form_mut();
            let typed = labelled_box(
                ui,
                "Search below this folder",
                &mut form.text,
                "🔍 a name, **/*.pdf, or ^logs/.*\\.gz$",
                260.0,
            );
            let entered = typed.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            let kind = egui::ComboBox::from_id_salt("search-kind")
                .selected_text(form.kind.label())
                .width(90.0)
                .show_ui(ui, |ui| {
                    for kind in PatternKind::ALL {
                        ui.selectable_value(&mut form.kind, kind, kind.label());
                    }
                });
            kind.response
                .on_hover_text("Contains: the text anywhere in the path. Glob: * and ? within a folder, ** across folders. Regex: a regular expression.")
                .widget_info(|| WidgetInfo::labeled(Role::ComboBox, true, "Search kind"));
            ui.checkbox(&mut form.case_sensitive, "Match case");
            ui.menu_button("Size and date…", |ui| {
                egui::Grid::new("search-bounds").num_columns(2).show(ui, |ui| {
                    labelled_box(ui, "At least", &mut form.min_size, "10M", 90.0);
                    ui.end_row();
                    labelled_box(ui, "At most", &mut form.max_size, "1G", 90.0);
                    ui.end_row();
                    labelled_box(ui, "Modified after", &mut form.newer_than, "2026-01-31", 130.0);
                    ui.end_row();
                    labelled_box(ui, "Modified before", &mut form.older_than, "2026-03-01T12:00", 130.0);
                    ui.end_row();
                });
                ui.weak("Sizes in bytes or with K, M, G; dates in UTC.");
            });
            if ui.button("Search").clicked() || entered {
                requests.push(ExplorerRequest::Search);
            }
        });
    });
    requests
}

/// Over the results: what is searched, keys scanned and their rate, matches; Stop while the
/// scan runs, and the way back to the folder's own rows.
pub(crate) fn search_strip_ui(ui: &mut Ui, explorer: &Pane) -> Vec<ExplorerRequest> {
    let mut requests = Vec::new();
    let (Some(search), Some(location)) = (explorer.search(), explorer.location()) else {
        return requests;
    };
    ui.horizontal_wrapped(|ui| {
        let place = location.uri();
        let what = match search.text.is_empty() {
            true => "every object".to_owned(),
            false => format!("“{}”", crate::fmt::terminal_safe(&search.text)),
        };
        ui.label(format!(
            "Search for {what} below {}: {} scanned ({} a second), {}",
            crate::fmt::terminal_safe(&place),
            count(search.scanned as usize, "key", "keys"),
            thousands(search.rate() as u64),
            count(search.matches as usize, "match", "matches"),
        ));
        match explorer.listing_state() {
            ListingState::Loading { .. } => {
                ui.spinner();
                if ui.button("Stop search").clicked() {
                    requests.push(ExplorerRequest::Stop);
                }
            }
            ListingState::Stopped => {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    "Stopped early: not every key was looked at, so more may match.",
                );
            }
            ListingState::Failed(_) => {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    "The search failed part-way: these are the matches found before.",
                );
            }
            _ => {
                ui.weak("Every key was looked at.");
            }
        }
        if ui.button("Back to the folder").clicked() {
            requests.push(ExplorerRequest::ClearSearch);
        }
    });
    ui.add_space(4.0);
    requests
}
