//! Errors of the web layer and the HTTP status each maps to. A handler returns `AppError`; the
//! `error_pages` middleware turns it into an HTML page in the user's language, or JSON under
//! `/api/`. Nothing panics on bad input; internal errors are logged without personal data.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use cairn_registry::RegistryError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AppError {
    #[error("sign-in required")]
    LoginRequired,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error("{what}: refused: {reason}")]
    Refused { what: String, reason: String },
    #[error("missing or wrong CSRF token, or foreign origin")]
    Csrf,
    #[error("unsupported content type")]
    UnsupportedMediaType,
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("too many attempts")]
    RateLimited,
    #[error("configuration: {0}")]
    Config(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::LoginRequired => StatusCode::UNAUTHORIZED,
            Self::Forbidden | Self::Csrf | Self::Refused { .. } => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            Self::Config(_) | Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The catalogue key of the page's main message.
    pub fn message_key(&self) -> &'static str {
        match self {
            Self::LoginRequired => "login_title",
            Self::Forbidden => "error_forbidden",
            Self::NotFound => "error_not_found",
            Self::BadRequest(_) | Self::UnsupportedMediaType | Self::PayloadTooLarge => {
                "error_bad_request"
            }
            Self::Invalid { .. } => "error_bad_request",
            Self::Refused { .. } => "error_refused",
            Self::Csrf => "error_csrf",
            Self::RateLimited => "login_rate_limited",
            Self::Config(_) | Self::Internal(_) => "error_server",
        }
    }

    /// A detail safe to show the user (never for internal errors).
    pub fn detail(&self) -> Option<String> {
        match self {
            Self::BadRequest(m) => Some(m.clone()),
            Self::Invalid { field, message } => Some(format!("{field}: {message}")),
            Self::Refused { what, reason } => Some(format!("{what}: {reason}")),
            _ => None,
        }
    }
}

impl From<RegistryError> for AppError {
    fn from(e: RegistryError) -> Self {
        match e {
            RegistryError::NotFound { .. } => Self::NotFound,
            RegistryError::Forbidden { .. } => Self::Forbidden,
            RegistryError::Refused { what, reason } => Self::Refused { what, reason },
            RegistryError::Invalid { what, message } => Self::Invalid {
                field: what,
                message,
            },
            // Database, key and I/O errors: logged by kind only; messages may name rows.
            other => {
                let kind = match other {
                    RegistryError::Db(_) => "database",
                    RegistryError::Store(_) => "store",
                    RegistryError::Io { .. } => "io",
                    RegistryError::Key { .. } => "key",
                    RegistryError::Decrypt { .. } => "decrypt",
                    _ => "registry",
                };
                tracing::error!(kind, "registry error");
                Self::Internal(kind.into())
            }
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        // The page is rendered by the error_pages middleware, which knows the language.
        let mut r = self.status().into_response();
        r.extensions_mut().insert(self);
        r
    }
}
