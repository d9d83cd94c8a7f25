//! Fictional PDFs for the benchmark's real-looking case folders: a signed letter, an
//! appointment of representative and a scanned record of several pages, different for
//! every case (each carries its case number, and the scans' grain is seeded by it).

use std::io::Write as _;

/// A PDF written object by object, with a correct cross-reference table (a file hayro
/// had to repair would be refused, as a real one is).
struct Writer {
    bytes: Vec<u8>,
    offsets: Vec<usize>,
}

impl Writer {
    fn new() -> Writer {
        Writer {
            bytes: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec(),
            offsets: Vec::new(),
        }
    }

    /// Writes object number `offsets.len() + 1` with a dictionary and an optional stream.
    fn object(&mut self, dictionary: &str, stream: Option<&[u8]>) -> usize {
        self.offsets.push(self.bytes.len());
        let number = self.offsets.len();
        let _ = write!(self.bytes, "{number} 0 obj\n{dictionary}");
        if let Some(stream) = stream {
            self.bytes.extend_from_slice(b"\nstream\n");
            self.bytes.extend_from_slice(stream);
            self.bytes.extend_from_slice(b"\nendstream");
        }
        self.bytes.extend_from_slice(b"\nendobj\n");
        number
    }

    /// Ends the file with its cross-reference table; the catalog is object 1.
    fn finish(mut self) -> Vec<u8> {
        let start = self.bytes.len();
        let _ = write!(
            self.bytes,
            "xref\n0 {}\n0000000000 65535 f \n",
            self.offsets.len() + 1
        );
        for offset in &self.offsets {
            let _ = writeln!(self.bytes, "{offset:010} 00000 n ");
        }
        let _ = write!(
            self.bytes,
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{start}\n%%EOF\n",
            self.offsets.len() + 1
        );
        self.bytes
    }
}

/// Returns a PDF of one page of text, lines from the top.
pub fn text_page(lines: &[String]) -> Vec<u8> {
    let mut content = String::from("BT /F1 11 Tf 72 720 Td 14 TL\n");
    for line in lines {
        let escaped = line
            .replace('\\', "\\\\")
            .replace('(', "\\(")
            .replace(')', "\\)");
        content.push_str(&format!("({escaped}) '\n"));
    }
    content.push_str("ET\n");
    let mut w = Writer::new();
    w.object("<< /Type /Catalog /Pages 2 0 R >>", None);
    w.object("<< /Type /Pages /Kids [3 0 R] /Count 1 >>", None);
    w.object(
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>",
        None,
    );
    w.object(
        &format!("<< /Length {} >>", content.len()),
        Some(content.as_bytes()),
    );
    w.object(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        None,
    );
    w.finish()
}

/// Returns a PDF of `pages` scanned pages: greyscale images at 150 dpi of lines of dark
/// marks on paper with specks, seeded by `seed`, so no two cases enclose the same bytes.
pub fn scanned(pages: usize, seed: u64) -> Vec<u8> {
    const WIDTH: usize = 1275;
    const HEIGHT: usize = 1650;
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut w = Writer::new();
    w.object("<< /Type /Catalog /Pages 2 0 R >>", None);
    let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", 3 + 3 * i)).collect();
    w.object(
        &format!(
            "<< /Type /Pages /Kids [{}] /Count {pages} >>",
            kids.join(" ")
        ),
        None,
    );
    for page in 0..pages {
        let first = 3 + 3 * page;
        let mut pixels = vec![0u8; WIDTH * HEIGHT];
        for (y, row) in pixels.chunks_mut(WIDTH).enumerate() {
            // Text lines every 24 pixels, 10 deep, between the margins.
            let inked = (150..HEIGHT - 150).contains(&y) && y % 24 < 10;
            for (x, pixel) in row.iter_mut().enumerate() {
                // Paper is even white with a speck now and then; marks are dark and uneven.
                let r = next();
                let mark = inked && (150..WIDTH - 150).contains(&x) && (r >> 8) % 3 == 0;
                *pixel = if mark {
                    40 + (r & 0x0f) as u8
                } else if (r >> 20) % 64 == 0 {
                    200
                } else {
                    245
                };
            }
        }
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(&pixels).unwrap();
        let image = encoder.finish().unwrap();
        let content = "q 612 0 0 792 0 0 cm /Im0 Do Q\n";
        w.object(
            &format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {} 0 R \
                 /Resources << /XObject << /Im0 {} 0 R >> >> >>",
                first + 1,
                first + 2
            ),
            None,
        );
        w.object(
            &format!("<< /Length {} >>", content.len()),
            Some(content.as_bytes()),
        );
        w.object(
            &format!(
                "<< /Type /XObject /Subtype /Image /Width {WIDTH} /Height {HEIGHT} \
                 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /Length {} >>",
                image.len()
            ),
            Some(&image),
        );
    }
    w.finish()
}
