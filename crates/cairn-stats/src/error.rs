use cairn_registry::RegistryError;

#[derive(Debug, thiserror::Error)]
pub enum StatsError {
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error(transparent)]
    Store(#[from] cairn_store::StoreError),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("{path}: {message}")]
    Io { path: String, message: String },
    /// The request is refused (and the refusal audited): nothing is published.
    #[error("refused: {0}")]
    Refused(String),
    #[error("{what}: {message}")]
    Invalid { what: String, message: String },
    #[error("{what}: access denied for role {role}")]
    Forbidden { what: String, role: String },
}

impl StatsError {
    pub(crate) fn invalid(what: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            what: what.into(),
            message: message.into(),
        }
    }
    pub(crate) fn io(path: impl std::fmt::Display, e: impl std::fmt::Display) -> Self {
        Self::Io {
            path: path.to_string(),
            message: e.to_string(),
        }
    }
}
