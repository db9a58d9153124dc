//! The expiry calendar: a month drawn inside the Web URL dialog. A pop-up over a modal dialog
//! can open behind it (egui's date picker did, from the second time on), so this one is part
//! of the dialog's own layout. Days a link cannot end on — in the past, or past the longest
//! lifetime — are shown disabled with the reason on hover, and the last allowed day is marked.

use crate::local_time::Date;
use egui::{Response, RichText, Role, Ui, WidgetInfo};

/// Whether the calendar is open, and which month it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CalendarState {
    pub open: bool,
    /// The first day of the month shown.
    pub month: Option<Date>,
}

/// The days a link may end on: from `first` to `last`, both included (no `last`: any day
/// from `first` on, as through CloudFront).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AllowedDays {
    pub first: Date,
    pub last: Option<Date>,
    /// The profile's longest link (`last` is that far from now), for the texts.
    pub longest: std::time::Duration,
}

impl AllowedDays {
    /// Why `day` cannot be picked, if it cannot.
    pub(crate) fn refusal(&self, day: Date) -> Option<String> {
        if day < self.first {
            Some("In the past".to_owned())
        } else if self.last.is_some_and(|last| day > last) {
            Some(format!(
                "Past the limit: pre-signed links live at most {}",
                crate::share::link_limit::span_text(self.longest)
            ))
        } else {
            None
        }
    }
}

/// `Mon 30 Nov 2026`: a day as its button is named.
pub(crate) fn day_name(day: Date) -> String {
    day.strftime("%a %-d %b %Y").to_string()
}

fn first_of_month(day: Date) -> Date {
    day.first_of_month()
}

fn shift_month(first: Date, months: i32) -> Date {
    first
        .checked_add(jiff::Span::new().months(months))
        .unwrap_or(first)
}

/// `day` moved by `days` (negative: back); `day` itself at the ends of the calendar.
fn add_days(day: Date, days: i64) -> Date {
    day.checked_add(jiff::Span::new().days(days)).unwrap_or(day)
}

/// Gives `response` the accessible name `name` (what screen readers and tests find it by).
pub(super) fn named(response: Response, role: Role, name: &str) -> Response {
    let enabled = response.enabled();
    response.widget_info(|| WidgetInfo::labeled(role, enabled, name));
    response
}

/// The button that shows the picked date and opens or closes the calendar.
pub(crate) fn date_button_ui(ui: &mut Ui, state: &mut CalendarState, date: Date) -> Response {
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
pub(crate) fn calendar_ui(
    ui: &mut Ui,
    state: &mut CalendarState,
    date: &mut Date,
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
            ui.label(RichText::new(month.strftime("%B %Y").to_string()).strong());
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
                let lead = month.weekday().to_monday_zero_offset();
                let start = add_days(month, -i64::from(lead));
                let next_month = shift_month(month, 1);
                // Whole weeks (at most six), the neighbouring months' days included: the
                // 7-day limit shows even when it falls early next month.
                for week in 0..6 {
                    let week_start = add_days(start, 7 * week);
                    if week_start >= next_month {
                        break;
                    }
                    for column in 0..7 {
                        let day = add_days(week_start, column);
                        if day_ui(ui, day, *date, allowed) {
                            *date = day;
                            picked = true;
                        }
                    }
                    ui.end_row();
                }
            });
        if let Some(last) = allowed.last {
            ui.weak(format!(
                "Links can last until {} (underlined, with a bar after it): {} from now",
                day_name(last),
                crate::share::link_limit::span_text(allowed.longest)
            ));
        }
    });
    if picked {
        state.open = false;
    }
    picked
}

/// One day's button; true when it was clicked.
fn day_ui(ui: &mut Ui, day: Date, picked: Date, allowed: AllowedDays) -> bool {
    let mut text = RichText::new(format!("{:>2}", day.day())).monospace();
    let is_last = allowed.last == Some(day);
    if is_last {
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
    } else if is_last {
        response = response.on_hover_text(format!(
            "The last day a link can last ({} from now)",
            crate::share::link_limit::span_text(allowed.longest)
        ));
    }
    if is_last {
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
        let nov = jiff::civil::date(2026, 11, 1);
        assert_eq!(shift_month(nov, 2), jiff::civil::date(2027, 1, 1));
        assert_eq!(shift_month(nov, -11), jiff::civil::date(2025, 12, 1));
    }

    #[test]
    fn days_outside_the_range_say_why() {
        let day = |d| jiff::civil::date(2026, 11, d);
        let allowed = AllowedDays {
            first: day(29),
            last: Some(day(30)),
            longest: crate::share::MAX_LINK_LIFETIME,
        };
        assert_eq!(allowed.refusal(day(28)).as_deref(), Some("In the past"));
        assert!(allowed.refusal(day(29)).is_none());
        assert!(allowed.refusal(day(30)).is_none());
        assert!(
            allowed
                .refusal(jiff::civil::date(2026, 12, 1))
                .unwrap()
                .contains("at most 7 days")
        );
    }

    #[test]
    fn without_a_last_day_every_later_day_is_allowed() {
        let allowed = AllowedDays {
            first: jiff::civil::date(2026, 11, 29),
            last: None,
            longest: crate::share::MAX_LINK_LIFETIME,
        };
        assert!(allowed.refusal(jiff::civil::date(2027, 6, 1)).is_none());
        assert!(allowed.refusal(jiff::civil::date(2026, 11, 28)).is_some());
    }
}
