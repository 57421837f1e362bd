//! Image decoding under limits, giving the pixels Pillow's `convert("RGB")` gives: alpha dropped
//! (not composited), grey and palette expanded, EXIF orientation not applied. The format is
//! sniffed from the bytes, never taken from the file name.

use crate::error::MediaError;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

/// Limits applied before any pixel buffer is allocated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeLimits {
    /// Largest width × height accepted (the default, 100 megapixels, covers A4 scans at 600 dpi
    /// and the largest camera sensors in common use).
    pub max_pixels: u64,
    /// Largest allocation the decoder may make, in bytes.
    pub max_alloc: u64,
}

impl Default for DecodeLimits {
    fn default() -> Self {
        DecodeLimits {
            max_pixels: 100_000_000,
            max_alloc: 1 << 30,
        }
    }
}

/// 8-bit RGB pixels, row-major, 3 bytes a pixel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RgbImage {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

const SUPPORTED: [ImageFormat; 6] = [
    ImageFormat::Jpeg,
    ImageFormat::Png,
    ImageFormat::WebP,
    ImageFormat::Gif,
    ImageFormat::Bmp,
    ImageFormat::Tiff,
];

/// The image format of `bytes`, if it is one we decode.
pub fn sniff_format(bytes: &[u8]) -> Option<ImageFormat> {
    image::guess_format(bytes)
        .ok()
        .filter(|f| SUPPORTED.contains(f))
}

/// Decodes `bytes` (first frame for GIF) into RGB pixels, refusing images over the limits
/// before allocating their pixels.
pub fn decode_rgb(bytes: &[u8], limits: &DecodeLimits) -> Result<RgbImage, MediaError> {
    let format = sniff_format(bytes).ok_or(MediaError::UnknownFormat)?;
    let mut reader = ImageReader::new(Cursor::new(bytes));
    reader.set_format(format);
    let mut lim = Limits::no_limits();
    // Width and height each capped by the pixel budget too, so that the PNG decoder (which
    // takes its limits at construction) refuses a 50,000 × 50,000 header at once.
    let side = u32::try_from(limits.max_pixels).unwrap_or(u32::MAX);
    lim.max_image_width = Some(side);
    lim.max_image_height = Some(side);
    lim.max_alloc = Some(limits.max_alloc);
    reader.limits(lim.clone());
    let decoder = reader.into_decoder().map_err(decode_err)?;
    let (w, h) = decoder.dimensions();
    let pixels = u64::from(w) * u64::from(h);
    if pixels > limits.max_pixels {
        return Err(MediaError::TooLarge {
            width: w.into(),
            height: h.into(),
            max_pixels: limits.max_pixels,
        });
    }
    lim.reserve(decoder.total_bytes()).map_err(decode_err)?;
    let img = DynamicImage::from_decoder(decoder).map_err(decode_err)?;
    Ok(to_pillow_rgb(img))
}

fn decode_err(e: image::ImageError) -> MediaError {
    match e {
        image::ImageError::Limits(l) => {
            MediaError::Decode(format!("over the decoding limits: {l}"))
        }
        other => MediaError::Decode(other.to_string()),
    }
}

/// Pillow's conversions to RGB: 16-bit colour and grey-with-alpha keep the high byte (Pillow
/// unpacks them with the `;16B` raw modes), 16-bit grey is clipped to 255 (its `I;16` mode
/// converts by clipping), alpha is dropped without compositing.
fn to_pillow_rgb(img: DynamicImage) -> RgbImage {
    let (width, height) = (img.width(), img.height());
    let pixels = match img {
        DynamicImage::ImageRgb8(b) => b.into_raw(),
        DynamicImage::ImageRgba8(b) => b
            .into_raw()
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect(),
        DynamicImage::ImageLuma8(b) => b.into_raw().into_iter().flat_map(|v| [v, v, v]).collect(),
        DynamicImage::ImageLumaA8(b) => b
            .into_raw()
            .chunks_exact(2)
            .flat_map(|p| [p[0], p[0], p[0]])
            .collect(),
        DynamicImage::ImageRgb16(b) => b.into_raw().into_iter().map(|v| (v >> 8) as u8).collect(),
        DynamicImage::ImageRgba16(b) => b
            .into_raw()
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]].map(|v| (v >> 8) as u8))
            .collect(),
        DynamicImage::ImageLuma16(b) => b
            .into_raw()
            .into_iter()
            .flat_map(|v| {
                let c = v.min(255) as u8;
                [c, c, c]
            })
            .collect(),
        DynamicImage::ImageLumaA16(b) => b
            .into_raw()
            .chunks_exact(2)
            .flat_map(|p| {
                let c = (p[0] >> 8) as u8;
                [c, c, c]
            })
            .collect(),
        other => other.into_rgb8().into_raw(),
    };
    RgbImage {
        width,
        height,
        pixels,
    }
}
