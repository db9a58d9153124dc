//! The link's QR code under it in the Web URL dialog, drawn from the same matrix the saved PNG
//! and `--qr` use, kept as a texture while the link stays the same.

use egui::Ui;

/// The link's QR code, big enough to scan from the screen, and Save PNG….
/// True when "Save PNG…" was pressed.
pub(super) fn qr_ui(ui: &mut Ui, url: &str) -> bool {
    let mut save = false;
    let id = egui::Id::unique("web-url-qr");
    let cached = ui.data(|d| d.get_temp::<(String, Option<egui::TextureHandle>)>(id));
    let texture = match cached {
        Some((for_url, texture)) if for_url == url => texture,
        _ => {
            let texture = crate::share::qr::QrMatrix::new(url).ok().map(|qr| {
                let (side, pixels) = qr.pixels(1);
                let image = egui::ColorImage::from_gray([side, side], &pixels);
                ui.ctx()
                    .load_texture("web-url-qr", image, egui::TextureOptions::NEAREST)
            });
            ui.data_mut(|d| d.insert_temp(id, (url.to_owned(), texture.clone())));
            texture
        }
    };
    ui.horizontal(|ui| match texture {
        Some(texture) => {
            let response = ui.add(
                egui::Image::from_texture(&texture).fit_to_exact_size(egui::vec2(300.0, 300.0)),
            );
            response.widget_info(|| {
                egui::WidgetInfo::labeled(egui::Role::Image, true, "QR code of the link")
            });
            if ui.button("Save PNG…").clicked() {
                save = true;
            }
        }
        None => {
            ui.colored_label(
                ui.visuals().error_fg_color,
                format!("⚠ {}", crate::share::qr::QrError::TooLong(url.len())),
            );
        }
    });
    save
}
