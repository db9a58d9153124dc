//! The expiry calendar: a month drawn inside the Web URL dialog. A pop-up over a modal dialog
//! can open behind it (egui's date picker did, from the second time on), so this one is part
//! of the dialog's own layout. Days a link cannot end on — in the past, or past the longest
//! lifetime — are shown disabled with the reason on hover, and the last allowed day is marked.

use chrono::{Datelike, Duration, NaiveDate};
use egui::{Response, RichText, Role, Ui, WidgetInfo};

/// Whether the calendar is open, and which month it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CalendarState {
    pub open: bool,
    /// The first day of the month shown.
    pub month: Option<NaiveDate>,
}

/// The days a link may end on: from `first` to `last`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AllowedDays {
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl AllowedDays {
    /// Why `day` cannot be picked, if it cannot.
    pub fn refusal(&self, day: NaiveDate) -> Option<&'static str> {
        if day < self.first {
            Some("In the past")
        } else if day > self.last {
            Some("Past the 7-day limit: pre-signed links live at most 7 days")
        } else {
            None
        }
    }
}

/// `Mon 30 Nov 2026`: a day as its button is named.
pub fn day_name(day: NaiveDate) -> String {
    day.format("%a %-d %b %Y").to_string()
}

fn first_of_month(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

fn shift_month(first: NaiveDate, months: i32) -> NaiveDate {
    let index = first.year() * 12 + first.month0() as i32 + months;
    NaiveDate::from_ymd_opt(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1)
        .unwrap_or(first)
}

fn named(response: Response, role: Role, name: &str) -> Response {
    let enabled = response.enabled();
    response.widget_info(|| WidgetInfo::labeled(role, enabled, name));
    response
}

/// The button that shows the picked date and opens or closes the calendar.
pub fn date_button_ui(ui: &mut Ui, state: &mut CalendarState, date: NaiveDate) -> Response {
    let response = named(
        ui.selectable_label(state.open, format!("📆 {}", day_name(date))),
        Role::Button,
        "Expiry date",
    );
    if response.clicked() {
        state.open = !state.open;
        state.month = Some(first_of_month(date));
    }
    response
}

/// The month grid; true when a day was picked (then `date` holds it and the calendar closes).
pub fn calendar_ui(
    ui: &mut Ui,
    state: &mut CalendarState,
    date: &mut NaiveDate,
    allowed: AllowedDays,
) -> bool {
    if !state.open {
        return false;
    }
    let month = state.month.unwrap_or_else(|| first_of_month(*date));
    let mut picked = false;
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.horizontal(|ui| {
            if named(ui.small_button("⏴"), Role::Button, "Previous month").clicked() {
                state.month = Some(shift_month(month, -1));
            }
            ui.label(RichText::new(month.format("%B %Y").to_string()).strong());
            if named(ui.small_button("⏵"), Role::Button, "Next month").clicked() {
                state.month = Some(shift_month(month, 1));
            }
        });
        egui::Grid::new("expiry-calendar")
            .spacing([2.0, 2.0])
            .show(ui, |ui| {
                for weekday in ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"] {
                    ui.weak(weekday);
                }
                ui.end_row();
                let lead = month.weekday().num_days_from_monday();
                let start = month - Duration::days(i64::from(lead));
                let next_month = shift_month(month, 1);
                let mut week_start = start;
                while week_start < next_month {
                    // Whole weeks, the neighbouring months' days included: the 7-day limit
                    // shows even when it falls early next month.
                    for column in 0..7 {
                        let day = week_start + Duration::days(column);
                        if day_ui(ui, day, *date, allowed) {
                            *date = day;
                            picked = true;
                        }
                    }
                    ui.end_row();
                    week_start += Duration::days(7);
                }
            });
        ui.weak(format!(
            "Links can last until {} (underlined, with a bar after it): 7 days from now",
            day_name(allowed.last)
        ));
    });
    if picked {
        state.open = false;
    }
    picked
}

/// One day's button; true when it was clicked.
fn day_ui(ui: &mut Ui, day: NaiveDate, picked: NaiveDate, allowed: AllowedDays) -> bool {
    let mut text = RichText::new(format!("{:>2}", day.day())).monospace();
    if day == allowed.last {
        text = text.underline();
    }
    let refusal = allowed.refusal(day);
    let button = egui::Button::selectable(day == picked, text).min_size(egui::vec2(28.0, 22.0));
    let mut response = named(
        ui.add_enabled(refusal.is_none(), button),
        Role::Button,
        &day_name(day),
    );
    if let Some(reason) = refusal {
        response = response.on_disabled_hover_text(reason);
    } else if day == allowed.last {
        response = response.on_hover_text("The last day a link can last (7 days from now)");
    }
    if day == allowed.last {
        // The 7-day boundary, visible at a glance: a bar after the last allowed day.
        let rect = response.rect;
        ui.painter().vline(
            rect.right() + 1.0,
            rect.y_range(),
            egui::Stroke::new(2.0, ui.visuals().warn_fg_color),
        );
    }
    response.clicked()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_shift_across_years() {
        let nov = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        assert_eq!(
            shift_month(nov, 2),
            NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()
        );
        assert_eq!(
            shift_month(nov, -11),
            NaiveDate::from_ymd_opt(2025, 12, 1).unwrap()
        );
    }

    #[test]
    fn days_outside_the_range_say_why() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        let allowed = AllowedDays {
            first: day(29),
            last: day(30),
        };
        assert_eq!(allowed.refusal(day(28)), Some("In the past"));
        assert!(allowed.refusal(day(29)).is_none());
        assert!(allowed.refusal(day(30)).is_none());
        assert!(
            allowed
                .refusal(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap())
                .unwrap()
                .contains("7-day")
        );
    }
}
