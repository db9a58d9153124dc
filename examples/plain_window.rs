//! A plain eframe window with one label, built with Pail's eframe features: the anchor that
//! `cargo bench --bench start` measures Pail against. It reports its first frame as Pail does
//! (`PAIL_REPORT_STARTUP=1`).

use std::time::Instant;

struct Plain {
    started: Instant,
    reported: bool,
}

impl eframe::App for Plain {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::CentralPanel::default().show(ui, |ui| {
            ui.label("A plain eframe window");
        });
        if !self.reported {
            self.reported = true;
            if std::env::var_os("PAIL_REPORT_STARTUP").is_some() {
                eprintln!(
                    "pail: first frame {:.1} ms after start",
                    self.started.elapsed().as_secs_f64() * 1000.0
                );
            }
        }
    }
}

fn main() -> eframe::Result {
    let started = Instant::now();
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default().with_inner_size([1280.0, 800.0]),
        ..Default::default()
    };
    eframe::run_native(
        "Plain",
        options,
        Box::new(move |_cc| {
            if std::env::var_os("PAIL_REPORT_STARTUP").is_some() {
                eprintln!(
                    "pail: window created {:.1} ms after start",
                    started.elapsed().as_secs_f64() * 1000.0
                );
            }
            Ok(Box::new(Plain {
                started,
                reported: false,
            }))
        }),
    )
}
