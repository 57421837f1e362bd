//! Sessions and who is signed in. A session carries the user id, the stage of sign-in (password
//! done, second factor pending, or complete), the time of sign-in and the user's session
//! generation: an admin reset or "log out everywhere" bumps the generation in the registry and every
//! older session stops at its next request. Idle expiry is the session store's; the absolute
//! timeout is checked here.

use crate::error::AppError;
use crate::i18n::{Lang, Tr};
use crate::sessions::{LOADED_USER_KEY, LoadedUser};
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::Method;
use axum::http::request::Parts;
use cairn_registry::audit::Actor;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

pub const AUTH_KEY: &str = "auth";
pub const LANG_KEY: &str = "lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Password checked; the TOTP code is still needed.
    Totp,
    /// Password checked; the user must enrol a TOTP secret first.
    Enrol,
    Full,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionAuth {
    pub user_id: String,
    pub generation: i64,
    pub stage: Stage,
    /// Unix seconds of the password check.
    pub login_at: i64,
}

pub fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

pub fn session_err(e: tower_sessions::session::Error) -> AppError {
    tracing::error!(error = %e, "session store");
    AppError::Internal("session".into())
}

/// The language of this session (set at sign-in from the user's choice, or by the switch).
pub async fn session_lang(session: &Session) -> Lang {
    session
        .get::<String>(LANG_KEY)
        .await
        .ok()
        .flatten()
        .and_then(|l| Lang::parse(&l))
        .unwrap_or_default()
}

/// The session's sign-in state when it is still valid (absolute timeout, generation, account
/// active); a stale session is emptied.
pub async fn current_auth(
    state: &AppState,
    session: &Session,
) -> Result<Option<(SessionAuth, Actor)>, AppError> {
    let Some(auth) = session
        .get::<SessionAuth>(AUTH_KEY)
        .await
        .map_err(session_err)?
    else {
        return Ok(None);
    };
    let max = i64::try_from(state.config.absolute_timeout.as_secs()).unwrap_or(i64::MAX);
    let fresh = unix_now().saturating_sub(auth.login_at) < max;
    // The user and the session generation: as read with this request's session row when the
    // store did (rusqlite path), else in one read now.
    let loaded = session
        .remove::<LoadedUser>(LOADED_USER_KEY)
        .await
        .ok()
        .flatten()
        .filter(|l| l.user_id == auth.user_id);
    let found = match (fresh, loaded) {
        (false, _) => None,
        (true, Some(l)) => l.actor,
        (true, None) => state.registry.session_actor(&auth.user_id).await?,
    };
    match found {
        Some((actor, generation)) if generation == auth.generation => Ok(Some((auth, actor))),
        _ => {
            session.flush().await.map_err(session_err)?;
            Ok(None)
        }
    }
}

/// The bearer token of an API request (`Authorization: Bearer cairn_…`), only under `/api/`.
pub fn bearer_token(parts: &Parts) -> Option<&str> {
    if !parts.uri.path().starts_with("/api/") {
        return None;
    }
    parts
        .headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// A request by a fully signed-in user (or an API token).
pub struct Ctx {
    pub actor: Actor,
    pub session: Session,
    pub lang: Lang,
    pub csrf: String,
    pub state: AppState,
}

impl Ctx {
    /// Refuses (403) unless the matrix lets the actor's role do `action`.
    pub fn require(&self, action: &str) -> Result<(), AppError> {
        if self.state.permissions.allows(self.actor.role, action) {
            Ok(())
        } else {
            tracing::info!(action, role = %self.actor.role, "forbidden by the permission matrix");
            Err(AppError::Forbidden)
        }
    }

    pub fn may(&self, action: &str) -> bool {
        self.state.permissions.allows(self.actor.role, action)
    }

    pub fn tr(&self) -> Tr<'_> {
        Tr {
            lang: self.lang,
            catalog: &self.state.catalog,
        }
    }
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::Internal("session layer missing".into()))?;
        if let Some(token) = bearer_token(parts) {
            // Scripts on the JSON API: the token stands for the session (no cookie, no CSRF).
            let Some((actor, scope)) = state.registry.actor_for_token(token).await? else {
                return Err(AppError::LoginRequired);
            };
            if scope != "write" && !matches!(parts.method, Method::GET | Method::HEAD) {
                return Err(AppError::Forbidden);
            }
            return Ok(Self {
                actor,
                session,
                lang: Lang::En,
                csrf: String::new(),
                state: state.clone(),
            });
        }
        let Some((auth, actor)) = current_auth(state, &session).await? else {
            return Err(AppError::LoginRequired);
        };
        if auth.stage != Stage::Full {
            return Err(AppError::LoginRequired);
        }
        let lang = session_lang(&session).await;
        let csrf = crate::csrf::token(&session).await?;
        Ok(Self {
            actor,
            session,
            lang,
            csrf,
            state: state.clone(),
        })
    }
}
