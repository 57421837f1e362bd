use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error(transparent)]
    Store(#[from] cairn_store::StoreError),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{what}: {message}")]
    Key { what: String, message: String },
    /// Authentication failed: wrong key, or ciphertext moved to another row or column, or altered.
    #[error("{what}: cannot be decrypted (wrong key, or ciphertext moved or altered)")]
    Decrypt { what: String },
    #[error("{what}: {message}")]
    Invalid { what: String, message: String },
    #[error("{what}: not found")]
    NotFound { what: String },
    #[error("{what}: refused: {reason}")]
    Refused { what: String, reason: String },
    #[error("{what}: access denied for role {role}")]
    Forbidden { what: String, role: String },
}

impl RegistryError {
    pub(crate) fn invalid(what: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            what: what.into(),
            message: message.into(),
        }
    }
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }
}
