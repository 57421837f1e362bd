//! Request handlers, one module per screen group. Each checks the permission matrix first, then
//! calls the registry, which scopes by organisation, decides consent and audits.

pub mod account;
pub mod admin;
pub mod api;
pub mod assets;
pub mod audit;
pub mod cases;
pub mod investigation;
pub mod login;
pub mod referrals;
pub mod screening;
pub mod services;
pub mod signals;
pub mod statement;
// webmore
pub mod duty;
pub mod stats;

use crate::error::AppError;
use crate::security::parse_form_strict;
use axum::body::Bytes;

/// A parsed URL-encoded form (names may repeat, as checkboxes do).
pub struct FormData(Vec<(String, String)>);

impl FormData {
    /// Parses strictly: bad escapes or bad UTF-8 are a 400, never replaced silently.
    pub fn parse(body: &Bytes) -> Result<Self, AppError> {
        Ok(Self(parse_form_strict(body)?))
    }

    /// The trimmed value of `name`, None when absent or blank.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    pub fn required(&self, name: &str) -> Result<&str, AppError> {
        self.get(name).ok_or_else(|| AppError::Invalid {
            field: name.into(),
            message: "required".into(),
        })
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim())
            .collect()
    }

    /// Parses a value of a closed vocabulary, naming the field when it is not one.
    pub fn parse_as<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, AppError> {
        self.get(name)
            .map(|v| {
                v.parse().map_err(|_| AppError::Invalid {
                    field: name.into(),
                    message: format!("{v:?} is not an accepted value"),
                })
            })
            .transpose()
    }
}

/// Ids in paths are short, printable tokens; anything else is a 404 before any lookup.
pub fn check_id(id: &str) -> Result<&str, AppError> {
    if !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        Ok(id)
    } else {
        Err(AppError::NotFound)
    }
}
