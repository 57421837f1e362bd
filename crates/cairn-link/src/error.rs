use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Config { path: PathBuf, message: String },
    #[error("configuration: {0}")]
    InvalidConfig(String),
    #[error(transparent)]
    Store(#[from] cairn_store::StoreError),
    #[error("writing the export: {0}")]
    Write(#[from] std::io::Error),
    #[error("{what}: {message}")]
    Invalid { what: String, message: String },
    #[error("near-duplicate image index: {0}")]
    Media(#[from] cairn_media::MediaError),
}
