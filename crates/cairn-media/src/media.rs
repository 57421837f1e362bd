//! One call from image bytes to every hash Cairn keeps for an image.

use crate::crypto::{CryptoHashes, crypto_hashes};
use crate::decode::{DecodeLimits, decode_rgb, sniff_format};
use crate::error::MediaError;
use crate::pdq::{PdqHash, luma_from_rgb, pdq_from_luma};
use std::path::Path;

/// What to compute and under which decoding limits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HashOptions {
    /// Also compute the 8 dihedral PDQ hashes.
    pub dihedral: bool,
    pub limits: DecodeLimits,
}

/// The hashes of one image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaHashes {
    pub width: u32,
    pub height: u32,
    /// Detected from the bytes: "jpeg", "png", "webp", "gif", "bmp" or "tiff".
    pub format: &'static str,
    pub crypto: CryptoHashes,
    pub pdq: PdqHash,
    pub quality: u32,
    /// original, rotate90, rotate180, rotate270, flipx, flipy, flip_plus1, flip_minus1.
    pub pdq_dihedral: Option<[PdqHash; 8]>,
}

/// Hashes an image held in memory: MD5, SHA-1 and SHA-256 of the bytes, PDQ of the pixels.
/// Fails (without panicking) on unknown formats, corrupt data and images over the limits.
pub fn hash_image_bytes(bytes: &[u8], opts: &HashOptions) -> Result<MediaHashes, MediaError> {
    let format = sniff_format(bytes).ok_or(MediaError::UnknownFormat)?;
    let img = decode_rgb(bytes, &opts.limits)?;
    let crypto = crypto_hashes(bytes);
    let (w, h) = (img.width as usize, img.height as usize);
    let mut luma = luma_from_rgb(&img.pixels);
    drop(img.pixels);
    let out = pdq_from_luma(&mut luma, h, w, opts.dihedral);
    Ok(MediaHashes {
        width: img.width,
        height: img.height,
        format: format.extensions_str().first().copied().unwrap_or("image"),
        crypto,
        pdq: out.hash,
        quality: out.quality,
        pdq_dihedral: out.dihedral,
    })
}

/// Reads and hashes an image file.
pub fn hash_image_file(path: &Path, opts: &HashOptions) -> Result<MediaHashes, MediaError> {
    let bytes = std::fs::read(path).map_err(|e| MediaError::io(path, e))?;
    hash_image_bytes(&bytes, opts)
}
