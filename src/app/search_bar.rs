//! A pane's search, for both panes: the row that asks (text, how it is read, case, sizes and
//! dates) and the strip over the results that says how far the scan has got, with Stop and the
//! way back to the folder. The filter box stays what it was: this folder's rows. Each pane
//! names the widgets its own way (screen readers and tests tell the two panes apart) and turns
//! the [`SearchAction`]s into its own requests.

use egui::{Role, Ui, WidgetInfo};

use crate::app::pane::Pane;
use crate::app::shared::ListingState;
use crate::fmt::{count, thousands};
use crate::search::PatternKind;

/// What the person asked of a pane's search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SearchAction {
    Search,
    Stop,
    /// Back to the folder's own rows.
    Clear,
}

/// The accessible names of one pane's search widgets.
pub(crate) struct SearchNames {
    pub(crate) field: &'static str,
    pub(crate) kind: &'static str,
    pub(crate) case: &'static str,
    pub(crate) bounds: &'static str,
    pub(crate) search: &'static str,
    pub(crate) stop: &'static str,
    pub(crate) clear: &'static str,
    /// Keeps egui's ids of the two panes' widgets apart.
    pub(crate) id: &'static str,
}

/// The explorer's names.
pub(crate) const EXPLORER_SEARCH: SearchNames = SearchNames {
    field: "Search below this folder",
    kind: "Search kind",
    case: "Match case",
    bounds: "Size and date…",
    search: "Search",
    stop: "Stop search",
    clear: "Back to the folder",
    id: "explorer-search",
};

/// The second pane's names.
pub(crate) const PANE_SEARCH: SearchNames = SearchNames {
    field: "Pane search below this folder",
    kind: "Pane search kind",
    case: "Pane match case",
    bounds: "Pane size and date…",
    search: "Pane search",
    stop: "Pane stop search",
    clear: "Pane back to the folder",
    id: "pane-search",
};

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

/// The search row: Enter in the box or Search starts it.
pub(crate) fn search_row_ui(
    ui: &mut Ui,
    pane: &mut Pane,
    names: &SearchNames,
) -> Vec<SearchAction> {
    let mut requests = Vec::new();
    let can = pane.location().is_some() && !pane.shows_this_computer();
    ui.add_enabled_ui(can, |ui| {
        ui.horizontal_wrapped(|ui| {
            let form = pane.search_form_mut();
            let typed = labelled_box(
                ui,
                names.field,
                &mut form.text,
                "🔍 a name, **/*.pdf, or ^logs/.*\\.gz$",
                260.0,
            );
            let entered = typed.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            let kind = egui::ComboBox::from_id_salt((names.id, "kind"))
                .selected_text(form.kind.label())
                .width(90.0)
                .show_ui(ui, |ui| {
                    for kind in PatternKind::ALL {
                        ui.selectable_value(&mut form.kind, kind, kind.label());
                    }
                });
            kind.response
                .on_hover_text("Contains: the text anywhere in the path. Glob: * and ? within a folder, ** across folders. Regex: a regular expression.")
                .widget_info(|| WidgetInfo::labeled(Role::ComboBox, true, names.kind));
            ui.checkbox(&mut form.case_sensitive, "Match case")
                .widget_info(|| {
                    WidgetInfo::selected(Role::CheckBox, true, form.case_sensitive, names.case)
                });
            ui.menu_button("Size and date…", |ui| {
                egui::Grid::new((names.id, "bounds")).num_columns(2).show(ui, |ui| {
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
            })
            .response
            .widget_info(|| WidgetInfo::labeled(Role::Button, true, names.bounds));
            let search = ui.button("Search");
            search.widget_info(|| WidgetInfo::labeled(Role::Button, true, names.search));
            if search.clicked() || entered {
                requests.push(SearchAction::Search);
            }
        });
    });
    requests
}

/// Over the results: what is searched, keys scanned and their rate, matches; Stop while the
/// scan runs, and the way back to the folder's own rows.
pub(crate) fn search_strip_ui(ui: &mut Ui, pane: &Pane, names: &SearchNames) -> Vec<SearchAction> {
    let mut requests = Vec::new();
    let (Some(search), Some(location)) = (pane.search(), pane.location()) else {
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
        match pane.listing_state() {
            ListingState::Loading { .. } => {
                ui.spinner();
                let stop = ui.button("Stop search");
                stop.widget_info(|| WidgetInfo::labeled(Role::Button, true, names.stop));
                if stop.clicked() {
                    requests.push(SearchAction::Stop);
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
        let back = ui.button("Back to the folder");
        back.widget_info(|| WidgetInfo::labeled(Role::Button, true, names.clear));
        if back.clicked() {
            requests.push(SearchAction::Clear);
        }
    });
    ui.add_space(4.0);
    requests
}
