//! Reading QR codes back, as a phone does: from a PNG, pixels, or the text a terminal shows.

pub fn decode_grey(side: usize, pixels: &[u8]) -> String {
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| pixels[y * side + x]);
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one code found in {side}x{side}");
    grids[0].decode().expect("the code decodes").1
}

pub fn decode_png(png_bytes: &[u8]) -> String {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut buffer = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buffer).unwrap();
    assert_eq!(info.color_type, png::ColorType::Grayscale);
    assert_eq!(info.width, info.height);
    decode_grey(info.width as usize, &buffer[..info.buffer_size()])
}

/// The terminal's characters back to pixels as a phone sees a dark terminal: a block (light
/// text colour) is light, a space (the dark background) dark.
pub fn decode_terminal(text: &str) -> String {
    let rows: Vec<Vec<char>> = text.lines().map(|l| l.chars().collect()).collect();
    let width = rows[0].len();
    let scale = 4;
    let side = width * scale;
    let mut pixels = vec![0u8; side * side];
    for (row, chars) in rows.iter().enumerate() {
        for (x, c) in chars.iter().enumerate() {
            let (top, bottom) = match c {
                '█' => (true, true),
                '▀' => (true, false),
                '▄' => (false, true),
                _ => (false, false),
            };
            for (half, light) in [(0, top), (1, bottom)] {
                let y = row * 2 + half;
                if y >= width {
                    continue;
                }
                for dy in 0..scale {
                    for dx in 0..scale {
                        pixels[(y * scale + dy) * side + x * scale + dx] =
                            if light { 255 } else { 0 };
                    }
                }
            }
        }
    }
    decode_grey(side, &pixels)
}
