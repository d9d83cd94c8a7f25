//! Image attachments, judged from their headers before any pixel is decoded.
//!
//! Typst decodes an image whole, without a size limit: a 35-byte GIF can claim 65,000 ×
//! 65,000 pixels, 16 GB once decoded. So [`check`] reads the dimensions (and a GIF's
//! frame count, without decompressing them) from the header first, refuses what is over
//! the limits, and only then decodes the image as Typst will, so that a damaged one is
//! the case's finding instead of a failed packet.

use std::io::Cursor;

use image::{ImageDecoder, ImageFormat, ImageReader};
use typst::visualize::{ExchangeFormat, RasterImage};

/// The most pixels an image may have (a 300 dpi scan of a US Letter page is 8.4 million).
pub(crate) const MAX_PIXELS: u64 = 40_000_000;
/// The most frames a GIF may have; a packet shows only the first.
pub(crate) const MAX_FRAMES: usize = 100;

/// Checks an image and returns its file extension for the packet and its pixel count, or
/// says what is wrong.
pub(crate) fn check(bytes: &[u8]) -> Result<(&'static str, u64), String> {
    let damaged = |e: &dyn std::fmt::Display| format!("cannot be read as an image (damaged?): {e}");
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| damaged(&e))?;
    let (format, extension) = match reader.format() {
        Some(ImageFormat::Png) => (ExchangeFormat::Png, "png"),
        Some(ImageFormat::Gif) => (ExchangeFormat::Gif, "gif"),
        Some(ImageFormat::Jpeg) => (ExchangeFormat::Jpg, "jpg"),
        _ => return Err("is not a PNG, JPEG or GIF image".into()),
    };
    let decoder = reader.into_decoder().map_err(|e| damaged(&e))?;
    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 {
        return Err("the image is empty (0 pixels)".into());
    }
    let pixels = u64::from(width) * u64::from(height);
    if pixels > MAX_PIXELS {
        return Err(format!(
            "the image is {width} × {height} pixels, more than {} million; scan it again at \
             300 dpi or less",
            MAX_PIXELS / 1_000_000
        ));
    }
    drop(decoder);
    if format == ExchangeFormat::Gif {
        let frames = gif_frames(bytes).map_err(|e| damaged(&e))?;
        if frames > MAX_FRAMES {
            return Err(format!(
                "the GIF has {frames} frames, more than {MAX_FRAMES}; enclose a still image"
            ));
        }
    }
    RasterImage::plain(typst::foundations::Bytes::new(bytes.to_vec()), format)
        .map_err(|e| damaged(&e))?;
    Ok((extension, pixels))
}

/// Counts a GIF's frames without decompressing them, stopping past the limit.
fn gif_frames(bytes: &[u8]) -> Result<usize, gif::DecodingError> {
    let mut options = gif::DecodeOptions::new();
    options.skip_frame_decoding(true);
    let mut decoder = options.read_info(bytes)?;
    let mut frames = 0;
    while decoder.read_next_frame()?.is_some() {
        frames += 1;
        if frames > MAX_FRAMES {
            break;
        }
    }
    Ok(frames)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A GIF of a few bytes whose header claims `width` × `height` pixels.
    fn gif_claiming(width: u16, height: u16) -> Vec<u8> {
        let [w0, w1] = width.to_le_bytes();
        let [h0, h1] = height.to_le_bytes();
        let mut gif = b"GIF89a".to_vec();
        gif.extend_from_slice(&[w0, w1, h0, h1, 0, 0, 0]);
        gif.extend_from_slice(&[b',', 0, 0, 0, 0, w0, w1, h0, h1, 0]);
        gif.extend_from_slice(&[2, 2, 0x4c, 0x01, 0, b';']);
        gif
    }

    /// A PNG whose header claims `width` × `height` pixels, with valid checksums.
    fn png_claiming(width: u32, height: u32) -> Vec<u8> {
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut chunk = |kind: &[u8], data: &[u8]| {
            png.extend_from_slice(&(data.len() as u32).to_be_bytes());
            let mut crc = flate2::Crc::new();
            crc.update(kind);
            crc.update(data);
            png.extend_from_slice(kind);
            png.extend_from_slice(data);
            png.extend_from_slice(&crc.sum().to_be_bytes());
        };
        let mut header = width.to_be_bytes().to_vec();
        header.extend_from_slice(&height.to_be_bytes());
        header.extend_from_slice(&[8, 6, 0, 0, 0]);
        chunk(b"IHDR", &header);
        chunk(b"IDAT", &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]);
        chunk(b"IEND", &[]);
        png
    }

    #[test]
    fn huge_images_are_refused_from_their_headers() {
        let gif = gif_claiming(65_000, 65_000);
        assert!(gif.len() < 40);
        let error = check(&gif).unwrap_err();
        assert!(
            error.contains("65000 × 65000 pixels, more than 40 million"),
            "{error}"
        );
        let error = check(&png_claiming(60_000, 60_000)).unwrap_err();
        assert!(error.contains("60000 × 60000 pixels"), "{error}");
    }

    #[test]
    fn small_images_decode_and_damaged_ones_say_so() {
        let card = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/cases/KET-2026-0101/insurance-card.png"),
        )
        .unwrap();
        assert_eq!(check(&card).map(|(e, _)| e), Ok("png"));
        let error = check(&card[..card.len() / 2]).unwrap_err();
        assert!(error.starts_with("cannot be read as an image"), "{error}");
        assert_eq!(check(&gif_frames_of(1)), Ok(("gif", 1)));
    }

    /// A real 1 × 1 GIF of `frames` frames.
    fn gif_frames_of(frames: usize) -> Vec<u8> {
        let mut bytes = Vec::new();
        {
            let palette = [0, 0, 0, 255, 255, 255];
            let mut encoder = gif::Encoder::new(&mut bytes, 1, 1, &palette).unwrap();
            for _ in 0..frames {
                let frame = gif::Frame::from_indexed_pixels(1, 1, vec![0], None);
                encoder.write_frame(&frame).unwrap();
            }
        }
        bytes
    }

    #[test]
    fn a_gif_with_too_many_frames_is_refused() {
        let error = check(&gif_frames_of(MAX_FRAMES + 1)).unwrap_err();
        assert!(error.contains("more than 100"), "{error}");
    }
}
