//! The one error type of the crate: every variant names what it concerns (a file, a line, an
//! entry or a section) so that the analyst can find the faulty input.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("not a supported image (JPEG, PNG, WebP, GIF, BMP, TIFF)")]
    UnknownFormat,
    #[error("image too large: {width}x{height} pixels exceeds the limit of {max_pixels} pixels")]
    TooLarge {
        width: u64,
        height: u64,
        max_pixels: u64,
    },
    #[error("cannot decode image: {0}")]
    Decode(String),
    #[error("{path}: {message}")]
    Index { path: String, message: String },
    #[error("{0}")]
    Other(String),
}

impl MediaError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        MediaError::Io {
            path: path.into(),
            source,
        }
    }
}
