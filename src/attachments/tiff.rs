//! TIFF attachments, the native format of fax servers: every page decoded in process and
//! written into a PDF of the same pages, which the packet then encloses like any PDF.
//!
//! Decoding goes through the `tiff` crate (uncompressed, PackBits, LZW, Deflate and CCITT
//! Group 4). Each page's size is read from its header and held to the image limits before
//! it is decoded, and the pages' pixels count towards the case's budget.

use std::io::{Cursor, Write as _};

use ::tiff::ColorType;
use ::tiff::decoder::{Decoder, DecodingResult, Limits};
use ::tiff::tags::Tag;

use super::Refusal;
use super::image::MAX_PIXELS;
use super::pdf::MAX_PAGES;

/// Returns whether a file's first bytes are a TIFF header (either byte order).
pub(crate) fn sniff(head: &[u8]) -> bool {
    head.starts_with(b"II*\0") || head.starts_with(b"MM\0*")
}

/// A decoded page: its pixels as a PDF image wants them.
struct Page {
    width: u32,
    height: u32,
    /// The page's size in PDF points, from the TIFF's resolution.
    points: (f64, f64),
    /// `DeviceGray` or `DeviceRGB`.
    colour_space: &'static str,
    bits: u8,
    /// Rows of samples, each row padded to a whole byte, 0 black, zlib-compressed.
    data: Vec<u8>,
}

/// Converts a TIFF to a PDF of its pages; returns the PDF and the pages' pixels in all,
/// or says what is wrong. Decoding stops past `max_pixels`, what is left of the case's
/// budget.
pub(crate) fn to_pdf(bytes: &[u8], max_pixels: u64) -> Result<(Vec<u8>, u64), Refusal> {
    let damaged = |e: &dyn std::fmt::Display| format!("cannot be read as a TIFF (damaged?): {e}");
    let mut limits = Limits::default();
    limits.decoding_buffer_size = (MAX_PIXELS * 3) as usize;
    let mut decoder = Decoder::new(Cursor::new(bytes))
        .map_err(|e| damaged(&e))?
        .with_limits(limits);
    let mut pages = Vec::new();
    let mut pixels = 0u64;
    loop {
        if pages.len() == MAX_PAGES {
            return Err(format!(
                "the TIFF has more than {MAX_PAGES} pages; enclose the pages that matter or \
                 split it"
            )
            .into());
        }
        let (width, height) = decoder.dimensions().map_err(|e| damaged(&e))?;
        pixels += u64::from(width) * u64::from(height);
        if pixels > max_pixels {
            return Err(super::over_pixels());
        }
        pages.push(read_page(&mut decoder)?);
        if !decoder.more_images() {
            break;
        }
        decoder.next_image().map_err(|e| damaged(&e))?;
    }
    Ok((write_pdf(&pages), pixels))
}

/// Decodes the decoder's current page, its size checked first.
fn read_page(decoder: &mut Decoder<Cursor<&[u8]>>) -> Result<Page, String> {
    let damaged = |e: &dyn std::fmt::Display| format!("cannot be read as a TIFF (damaged?): {e}");
    let (width, height) = decoder.dimensions().map_err(|e| damaged(&e))?;
    if width == 0 || height == 0 {
        return Err("a page of the TIFF is empty (0 pixels)".into());
    }
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(format!(
            "a page of the TIFF is {width} × {height} pixels, more than {} million; scan it \
             again at 300 dpi or less",
            MAX_PIXELS / 1_000_000
        ));
    }
    let (colour_space, bits) = match decoder.colortype().map_err(|e| damaged(&e))? {
        ColorType::Gray(1) => ("DeviceGray", 1),
        ColorType::Gray(8) => ("DeviceGray", 8),
        ColorType::RGB(8) => ("DeviceRGB", 8),
        _ => {
            return Err(
                "the TIFF's colour format is not black-and-white, 8-bit grey or 8-bit RGB; \
                 save it as a PDF"
                    .into(),
            );
        }
    };
    let compression = decoder
        .find_tag_unsigned::<u16>(Tag::Compression)
        .ok()
        .flatten();
    let samples = match decoder.read_image() {
        // Group 3, which the tiff crate leaves out, is decoded here.
        Err(::tiff::TiffError::UnsupportedError(_)) if compression == Some(3) && bits == 1 => {
            group_3(decoder, width, height)?
        }
        Ok(DecodingResult::U8(samples)) => samples,
        Ok(_) => return Err("the TIFF's samples are not 8-bit; save it as a PDF".into()),
        Err(::tiff::TiffError::UnsupportedError(e)) => {
            return Err(format!(
                "the TIFF uses a format appealpack cannot read ({e}); save it as a PDF, or as \
                 a TIFF with CCITT Group 4 or LZW compression"
            ));
        }
        Err(e) => return Err(damaged(&e)),
    };
    let mut dpi = |tag: Tag| -> Option<f64> {
        let value = decoder.find_tag(tag).ok().flatten()?;
        let per_unit = match value {
            ::tiff::decoder::ifd::Value::Rational(n, d) if d > 0 => f64::from(n) / f64::from(d),
            other => f64::from(other.into_u32().ok()?),
        };
        let unit = decoder
            .find_tag_unsigned::<u16>(Tag::ResolutionUnit)
            .ok()
            .flatten()
            .unwrap_or(2);
        let dpi = if unit == 3 { per_unit * 2.54 } else { per_unit };
        (10.0..=10_000.0).contains(&dpi).then_some(dpi)
    };
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder
        .write_all(&samples)
        .expect("writing to memory cannot fail");
    let data = encoder.finish().expect("writing to memory cannot fail");
    drop(samples);
    // Without a resolution, the page is as wide as US Letter.
    let x_dpi = dpi(Tag::XResolution).unwrap_or(f64::from(width) / 8.5);
    let y_dpi = dpi(Tag::YResolution).unwrap_or(x_dpi);
    Ok(Page {
        width,
        height,
        points: (
            f64::from(width) / x_dpi * 72.0,
            f64::from(height) / y_dpi * 72.0,
        ),
        colour_space,
        bits,
        data,
    })
}

/// Decodes a page in CCITT Group 3 (one-dimensional, T.4), strip by strip, to rows of
/// bits with 0 for black.
fn group_3(
    decoder: &mut Decoder<Cursor<&[u8]>>,
    width: u32,
    height: u32,
) -> Result<Vec<u8>, String> {
    let damaged = || "cannot be read as a TIFF (damaged Group 3 fax data)".to_owned();
    let number = |decoder: &mut Decoder<Cursor<&[u8]>>, tag: u16| {
        decoder
            .find_tag_unsigned::<u32>(Tag::Unknown(tag))
            .ok()
            .flatten()
    };
    if number(decoder, 292).unwrap_or(0) & 1 != 0 {
        return Err(
            "the TIFF is a two-dimensional Group 3 fax, which appealpack cannot read; save \
             it as a PDF, or as a TIFF with CCITT Group 4 compression"
                .into(),
        );
    }
    let lsb_first = number(decoder, 266) == Some(2);
    let white_is_zero = number(decoder, 262).unwrap_or(0) == 0;
    let width = u16::try_from(width).map_err(|_| damaged())?;
    let offsets = decoder
        .get_tag_u64_vec(Tag::StripOffsets)
        .map_err(|_| damaged())?;
    let counts = decoder
        .get_tag_u64_vec(Tag::StripByteCounts)
        .map_err(|_| damaged())?;
    let bytes: &[u8] = decoder.inner().get_ref();
    let row_bytes = usize::from(width).div_ceil(8);
    let height = height as usize;
    let mut rows = Vec::with_capacity(row_bytes * height);
    for (&offset, &count) in offsets.iter().zip(&counts) {
        let strip = usize::try_from(offset)
            .ok()
            .zip(usize::try_from(count).ok())
            .and_then(|(o, c)| bytes.get(o..o.checked_add(c)?))
            .ok_or_else(damaged)?;
        let mut data: Vec<u8> = if lsb_first {
            strip.iter().map(|b| b.reverse_bits()).collect()
        } else {
            strip.to_vec()
        };
        // An end-of-line code after the last row, which TIFF leaves out, so that the
        // decoder hands over that row too.
        data.extend_from_slice(&[0x00, 0x01]);
        fax::decoder::decode_g3(data.into_iter(), |transitions| {
            if rows.len() < row_bytes * height {
                let mut row = vec![0u8; row_bytes];
                for (x, colour) in fax::decoder::pels(transitions, width).enumerate() {
                    if (colour == fax::Color::White) == white_is_zero {
                        row[x / 8] |= 0x80 >> (x % 8);
                    }
                }
                // The bits past the width, as the tiff crate leaves them (inverted zeros
                // where white is zero), so every decoder gives the same bytes.
                let tail = usize::from(width) % 8;
                if white_is_zero && tail != 0 {
                    row[row_bytes - 1] |= 0xff >> tail;
                }
                rows.extend_from_slice(&row);
            }
        });
    }
    if rows.len() < row_bytes * height {
        return Err(damaged());
    }
    Ok(rows)
}

/// Writes a PDF with one page per decoded page, each filled by its image.
fn write_pdf(pages: &[Page]) -> Vec<u8> {
    let mut objects: Vec<Vec<u8>> = Vec::new();
    let page_ids: Vec<usize> = (0..pages.len()).map(|i| 3 + i * 3).collect();
    objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    let kids: Vec<String> = page_ids.iter().map(|id| format!("{id} 0 R")).collect();
    objects.push(
        format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            kids.join(" "),
            pages.len()
        )
        .into_bytes(),
    );
    for (page, id) in pages.iter().zip(&page_ids) {
        let (w, h) = page.points;
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w:.2} {h:.2}] /Resources \
                 << /XObject << /Im0 {} 0 R >> >> /Contents {} 0 R >>",
                id + 1,
                id + 2
            )
            .into_bytes(),
        );
        let data = &page.data;
        let mut image = format!(
            "<< /Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace /{} \
             /BitsPerComponent {} /Filter /FlateDecode /Length {} >>\nstream\n",
            page.width,
            page.height,
            page.colour_space,
            page.bits,
            data.len()
        )
        .into_bytes();
        image.extend_from_slice(data);
        image.extend_from_slice(b"\nendstream");
        objects.push(image);
        let content = format!("q {w:.2} 0 0 {h:.2} 0 0 cm /Im0 Do Q");
        let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
        stream.extend_from_slice(content.as_bytes());
        stream.extend_from_slice(b"\nendstream");
        objects.push(stream);
    }
    let mut out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ::tiff::encoder::{TiffEncoder, colortype};

    /// An LZW-compressed grey TIFF of `pages` pages of 100 × 50 pixels.
    fn grey_tiff(pages: usize) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        {
            let mut encoder = TiffEncoder::new(&mut out)
                .unwrap()
                .with_compression(::tiff::encoder::Compression::Lzw);
            for page in 0..pages {
                let pixels = vec![(page * 40) as u8; 100 * 50];
                encoder
                    .write_image::<colortype::Gray8>(100, 50, &pixels)
                    .unwrap();
            }
        }
        out.into_inner()
    }

    #[test]
    fn every_page_of_a_tiff_becomes_a_pdf_page() {
        let tiff = grey_tiff(3);
        assert!(sniff(&tiff));
        let (pdf, pixels) = to_pdf(&tiff, u64::MAX).unwrap();
        assert_eq!(pixels, 3 * 100 * 50);
        assert_eq!(super::super::pdf::check(std::sync::Arc::new(pdf)), Ok(3));
        let Err(Refusal::Budget(error)) = to_pdf(&tiff, 2 * 100 * 50) else {
            panic!("a TIFF over what is left of the budget is refused as over the budget");
        };
        assert!(error.contains("over 170 million pixels in all"), "{error}");
    }

    /// Decodes every page of a fixture fax to its compressed image data.
    fn pages_of(name: &str) -> Vec<Vec<u8>> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/fax")
            .join(name);
        let bytes = std::fs::read(path).unwrap();
        let mut decoder = Decoder::new(Cursor::new(bytes.as_slice())).unwrap();
        let mut pages = vec![read_page(&mut decoder).unwrap().data];
        while decoder.more_images() {
            decoder.next_image().unwrap();
            pages.push(read_page(&mut decoder).unwrap().data);
        }
        pages
    }

    #[test]
    fn group_3_and_group_4_faxes_decode_to_the_same_pages() {
        let g4 = pages_of("four-pages-g4.tif");
        assert_eq!(g4.len(), 4);
        assert_ne!(g4[0], g4[1], "each page differs");
        assert_eq!(pages_of("four-pages-g3.tif"), g4);
        let bytes = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/fax/four-pages-g3-2d.tif"),
        )
        .unwrap();
        let Err(Refusal::File(error)) = to_pdf(&bytes, u64::MAX) else {
            panic!("a two-dimensional Group 3 fax is refused as a file");
        };
        assert!(error.contains("two-dimensional Group 3"), "{error}");
    }

    #[test]
    fn a_damaged_tiff_says_so() {
        let tiff = grey_tiff(1);
        let Err(Refusal::File(error)) = to_pdf(&tiff[..40], u64::MAX) else {
            panic!("a damaged TIFF is refused as a file");
        };
        assert!(error.contains("cannot be read as a TIFF"), "{error}");
    }
}
