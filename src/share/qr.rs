//! A link as a QR code: the module matrix, drawn as a PNG (for saving and for the window) or
//! as text for a terminal. Error correction M where the link fits, else L: a pre-signed URL
//! with a session token is long.

use qrcode::{Color, EcLevel, QrCode};

/// Modules of light border on every side, as the standard asks for reliable scanning.
const QUIET_ZONE: usize = 4;

/// Why a link cannot be a QR code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QrError {
    #[error("the link is too long for a QR code ({0} bytes; a QR code holds at most 2,953)")]
    TooLong(usize),
}

/// A QR code's modules, the quiet zone included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    width: usize,
    dark: Vec<bool>,
}

impl QrMatrix {
    /// The QR code of `text`.
    pub fn new(text: &str) -> Result<Self, QrError> {
        let code = QrCode::with_error_correction_level(text, EcLevel::M)
            .or_else(|_| QrCode::with_error_correction_level(text, EcLevel::L))
            .map_err(|_| QrError::TooLong(text.len()))?;
        let inner = code.width();
        let width = inner + 2 * QUIET_ZONE;
        let mut dark = vec![false; width * width];
        for (i, color) in code.to_colors().into_iter().enumerate() {
            let (x, y) = (i % inner + QUIET_ZONE, i / inner + QUIET_ZONE);
            dark[y * width + x] = color == Color::Dark;
        }
        Ok(Self { width, dark })
    }

    /// Modules per side, the quiet zone included.
    pub fn width(&self) -> usize {
        self.width
    }

    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.width && y < self.width && self.dark[y * self.width + x]
    }

    /// Grey pixels (0 dark, 255 light), `scale` pixels per module, row by row.
    pub fn pixels(&self, scale: usize) -> (usize, Vec<u8>) {
        let side = self.width * scale;
        let mut pixels = Vec::with_capacity(side * side);
        for y in 0..side {
            for x in 0..side {
                pixels.push(if self.is_dark(x / scale, y / scale) {
                    0
                } else {
                    255
                });
            }
        }
        (side, pixels)
    }

    /// A greyscale PNG, `scale` pixels per module.
    pub fn to_png(&self, scale: usize) -> Vec<u8> {
        let (side, pixels) = self.pixels(scale.max(1));
        let mut bytes = Vec::new();
        let side = u32::try_from(side).unwrap_or(u32::MAX);
        let mut encoder = png::Encoder::new(&mut bytes, side, side);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        // Writing to memory fails only on a broken encoder state; an empty PNG says so.
        let written = encoder
            .write_header()
            .and_then(|mut writer| writer.write_image_data(&pixels));
        if written.is_err() {
            bytes.clear();
        }
        bytes
    }

    /// Two modules per character (upper and lower half blocks), dark on light, for a
    /// terminal: light is drawn as the block so the code reads on dark terminals too.
    pub fn to_terminal(&self) -> String {
        let mut text = String::new();
        for y in (0..self.width).step_by(2) {
            for x in 0..self.width {
                let top = !self.is_dark(x, y);
                let bottom = !self.is_dark(x, y + 1) && y + 1 < self.width;
                text.push(match (top, bottom) {
                    (true, true) => '█',
                    (true, false) => '▀',
                    (false, true) => '▄',
                    (false, false) => ' ',
                });
            }
            text.push('\n');
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_too_long_for_any_qr_code_is_refused() {
        let long = "x".repeat(3000);
        assert_eq!(QrMatrix::new(&long), Err(QrError::TooLong(3000)));
    }

    #[test]
    fn the_quiet_zone_is_light() {
        let qr = QrMatrix::new("https://example.com/").unwrap();
        assert!((0..qr.width()).all(|i| !qr.is_dark(i, 0) && !qr.is_dark(0, i)));
        // The top-left finder pattern starts right after it.
        assert!(qr.is_dark(QUIET_ZONE, QUIET_ZONE));
    }
}
