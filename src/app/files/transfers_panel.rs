//! The Transfers panel: each upload with its size, progress bar, speed, time left, state and
//! Cancel; repainted while anything moves.

use std::time::{Duration, Instant};

use egui::Ui;

use crate::app::files::transfer_rows::{TransferState, Transfers};
use crate::fmt::human_size;
use crate::worker::TransferId;

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
    if clear {
        transfers.clear_finished();
    }
    if active > 0 {
        ui.ctx().request_repaint_after(Duration::from_millis(200));
    }
    retry
}
