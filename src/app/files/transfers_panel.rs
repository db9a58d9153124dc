//! The Transfers panel: each upload with its size, progress bar, speed, time left, state and
//! Cancel, and the settings every transfer shares (how many at once, the bandwidth limit);
//! repainted while anything moves.

use std::time::{Duration, Instant};

use egui::Ui;

use crate::app::files::transfer_rows::{TransferState, Transfers};
use crate::fmt::human_size;
use crate::worker::TransferId;

/// The panel's limit counts in MB, as its speeds do (`fmt::human_size`).
const MB: f64 = 1_000_000.0;
/// The highest limit the panel offers: 10 GB/s, beyond any link it would matter on.
const MAX_LIMIT_MB: f64 = 10_000.0;

/// Draws the panel; gives the transfer whose Retry was pressed, which the window starts
/// again (a new request, in the pane's folder).
pub(crate) fn transfers_panel_ui(
    ui: &mut Ui,
    transfers: &mut Transfers,
    out: &mut Vec<crate::worker::Command>,
) -> Option<TransferId> {
    if transfers.rows().is_empty() {
        return None;
    }
    let now = Instant::now();
    let active = transfers.active();
    let mut cancel = None;
    let mut retry = None;
    let mut clear = false;
    let mut concurrency = transfers.concurrency();
    let mut limit_mb = transfers.rate_limit().map_or(0.0, |r| r as f64 / MB);
    let limit_before = limit_mb;
    egui::Panel::bottom("transfers")
        .resizable(true)
        .default_size(140.0)
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.strong(format!("Transfers ({active} running)"));
                if ui
                    .add_enabled(
                        active < transfers.rows().len(),
                        egui::Button::new("Clear finished"),
                    )
                    .clicked()
                {
                    clear = true;
                }
                let label = ui.label("At once");
                ui.add(egui::DragValue::new(&mut concurrency).range(1..=16))
                    .labelled_by(label.id)
                    .on_hover_text(
                        "Large files at once; small files go up to 16 times as many together",
                    );
                let label = ui.label("Limit");
                ui.add(
                    egui::DragValue::new(&mut limit_mb)
                        .range(0.0..=MAX_LIMIT_MB)
                        .speed(0.1)
                        .max_decimals(1)
                        // "0.0 MB/s" would read as "nothing moves".
                        .custom_formatter(|mb, _| match mb {
                            0.0 => "none".to_owned(),
                            mb => format!("{mb:.1} MB/s"),
                        })
                        .custom_parser(|text| {
                            let text = text.trim().trim_end_matches("MB/s").trim();
                            match text {
                                "" | "none" => Some(0.0),
                                number => number.parse().ok(),
                            }
                        }),
                )
                .labelled_by(label.id)
                .on_hover_text(
                    "The most all transfers together may move a second, in MB (1,000,000 \
                     bytes); 0: no limit. Running transfers follow a change at once.",
                );
            });
            egui::ScrollArea::vertical().show(ui, |ui| {
                for transfer in transfers.rows().iter().rev() {
                    ui.horizontal(|ui| {
                        ui.add_sized([260.0, 18.0], egui::Label::new(&transfer.name).truncate());
                        ui.add_sized([70.0, 18.0], egui::Label::new(human_size(transfer.size)));
                        let done = transfer.control.done_bytes();
                        let fraction = if transfer.size == 0 {
                            if transfer.state == TransferState::Done {
                                1.0
                            } else {
                                0.0
                            }
                        } else {
                            done as f32 / transfer.size as f32
                        };
                        ui.add(
                            egui::ProgressBar::new(fraction.clamp(0.0, 1.0))
                                .desired_width(220.0)
                                .show_percentage(),
                        );
                        let speed = transfer.speed(now);
                        match speed {
                            Some(bytes_per_sec) if transfer.is_active() => {
                                ui.label(format!("{}/s", human_size(bytes_per_sec as u64)));
                                let left = transfer.size.saturating_sub(done) as f64;
                                if bytes_per_sec > 0.0 {
                                    let eta = Duration::from_secs_f64(left / bytes_per_sec);
                                    ui.label(format!("{} left", crate::fmt::duration(eta)));
                                }
                            }
                            _ => {}
                        }
                        // The buttons come before the state: a long failure would push
                        // them out of the window.
                        if transfer.is_active() && ui.small_button("Cancel").clicked() {
                            cancel = Some(transfer.id);
                        }
                        let retryable = matches!(
                            transfer.state,
                            TransferState::Failed(_) | TransferState::Cancelled
                        );
                        if retryable && ui.small_button("Retry").clicked() {
                            retry = Some(transfer.id);
                        }
                        match &transfer.state {
                            TransferState::Queued => ui.weak("queued"),
                            TransferState::Running => ui.label(match transfer.direction {
                                crate::worker::Direction::Upload => "uploading",
                                crate::worker::Direction::Download => "downloading",
                                crate::worker::Direction::Copy => "copying",
                            }),
                            TransferState::Done => ui.label("done"),
                            TransferState::Cancelled => ui.weak("cancelled"),
                            TransferState::Failed(e) => {
                                let text = egui::RichText::new(format!("failed: {e}"))
                                    .color(ui.visuals().error_fg_color);
                                ui.add(egui::Label::new(text).truncate())
                                    .on_hover_text(e.as_str())
                            }
                        };
                    });
                }
            });
        });
    if let Some(id) = cancel {
        transfers.cancel(id);
    }
    if concurrency != transfers.concurrency() {
        transfers.set_concurrency(concurrency);
        out.push(crate::worker::Command::SetConcurrency {
            transfers: concurrency,
        });
    }
    if limit_mb != limit_before {
        // Whole bytes; anything below one a second is no limit.
        let bytes = (limit_mb.clamp(0.0, MAX_LIMIT_MB) * MB).round() as u64;
        let bytes_per_second = (bytes > 0).then_some(bytes);
        transfers.set_rate_limit(bytes_per_second);
        out.push(crate::worker::Command::SetRateLimit { bytes_per_second });
    }
    if clear {
        transfers.clear_finished();
    }
    if active > 0 {
        ui.ctx().request_repaint_after(Duration::from_millis(200));
    }
    retry
}
