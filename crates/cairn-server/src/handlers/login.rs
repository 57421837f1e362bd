//! Sign-in: password (lock-out and rate limit, no user enumeration), then the TOTP second factor
//! for the roles that need it (enrolment on first sign-in), sign-out.

use crate::auth::{
    AUTH_KEY, LANG_KEY, SessionAuth, Stage, current_auth, session_err, session_lang, unix_now,
};
use crate::csrf::{self, CSRF_KEY};
use crate::error::AppError;
use crate::handlers::FormData;
use crate::state::AppState;
use crate::views::{Chrome, LoginPage, TotpPage, render};
use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use cairn_registry::RegistryError;
use cairn_registry::audit::Actor;
use std::net::SocketAddr;
use totp_rs::{Algorithm, Builder, Totp};
use tower_sessions::Session;

/// The client's address when the server knows it (not behind every test harness).
pub struct ClientAddr(pub Option<SocketAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0),
        ))
    }
}

pub const TOTP_STEP_SECONDS: u64 = 30;
pub const TOTP_ISSUER: &str = "Cairn";

pub fn totp_for(secret: &[u8], account: &str) -> Result<Totp, AppError> {
    // The account label must not contain ':' (otpauth syntax).
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(TOTP_STEP_SECONDS)
        .with_secret(secret.to_vec())
        .with_account_name(account.replace(':', "_"))
        .with_issuer(Some(TOTP_ISSUER))
        .build()
        .map_err(|e| AppError::Internal(format!("totp: {e}")))
}

/// The time step whose code `code` is (current step, one before or one after; compared in
/// constant time by totp-rs), if any.
pub fn matching_step(totp: &Totp, code: &str, now: u64) -> Option<u64> {
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    totp.check(code, now)
}

fn unix_u64() -> u64 {
    u64::try_from(unix_now()).unwrap_or(0)
}

pub async fn form(State(state): State<AppState>, session: Session) -> Result<Response, AppError> {
    if let Some((auth, _)) = current_auth(&state, &session).await?
        && auth.stage == Stage::Full
    {
        return Ok(Redirect::to("/dashboard").into_response());
    }
    let lang = session_lang(&session).await;
    let token = csrf::token(&session).await?;
    render(&LoginPage {
        c: Chrome::anonymous(&state, lang, "login_title", token),
        failed: None,
    })
}

async fn login_failed(
    state: &AppState,
    session: &Session,
    key: &str,
    status: StatusCode,
) -> Result<Response, AppError> {
    let lang = session_lang(session).await;
    let token = csrf::token(session).await?;
    let c = Chrome::anonymous(state, lang, "login_title", token);
    let page = LoginPage {
        failed: Some(c.t.t(key)),
        c,
    };
    Ok((status, render(&page)?).into_response())
}

/// Where a user goes once the password is right.
async fn start_session(
    state: &AppState,
    session: &Session,
    actor: &Actor,
) -> Result<Response, AppError> {
    let account = state.registry.web_account(&actor.user_id).await?;
    let stage = if !state.permissions.totp_required(actor.role) {
        Stage::Full
    } else if account.totp_enrolled {
        Stage::Totp
    } else {
        Stage::Enrol
    };
    // A new session id at every privilege change (no fixation), and a new CSRF token.
    session.cycle_id().await.map_err(session_err)?;
    session
        .insert(CSRF_KEY, csrf::random_token()?)
        .await
        .map_err(session_err)?;
    session
        .insert(LANG_KEY, &account.language)
        .await
        .map_err(session_err)?;
    session
        .insert(
            AUTH_KEY,
            SessionAuth {
                user_id: actor.user_id.clone(),
                generation: account.session_generation,
                stage,
                login_at: unix_now(),
            },
        )
        .await
        .map_err(session_err)?;
    Ok(Redirect::to(match stage {
        Stage::Full => "/dashboard",
        Stage::Totp => "/login/totp",
        Stage::Enrol => "/totp/enrol",
    })
    .into_response())
}

pub async fn submit(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(addr): ClientAddr,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = FormData::parse(&body)?;
    let username = form.get("username").unwrap_or("");
    let password = form.get("password").unwrap_or("");
    // Both limits are counted whatever the outcome, for known and unknown names alike.
    let by_name = state
        .login_limiter
        .allow(&format!("u:{}", username.to_lowercase()));
    let by_addr = addr.is_none_or(|a| state.login_limiter.allow(&format!("ip:{}", a.ip())));
    if !(by_name && by_addr) {
        return login_failed(
            &state,
            &session,
            "login_rate_limited",
            StatusCode::TOO_MANY_REQUESTS,
        )
        .await;
    }
    if username.is_empty() || password.is_empty() || username.len() > 200 || password.len() > 1000 {
        return login_failed(&state, &session, "login_failed", StatusCode::UNAUTHORIZED).await;
    }
    match state.registry.web_login(username, password).await {
        Ok(actor) => start_session(&state, &session, &actor).await,
        Err(RegistryError::Refused { .. }) => {
            login_failed(&state, &session, "login_failed", StatusCode::UNAUTHORIZED).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The half-signed-in session at `stage`, or back to the sign-in page.
async fn pending(
    state: &AppState,
    session: &Session,
    stage: Stage,
) -> Result<(SessionAuth, Actor), AppError> {
    match current_auth(state, session).await? {
        Some((auth, actor)) if auth.stage == stage => Ok((auth, actor)),
        _ => Err(AppError::LoginRequired),
    }
}

async fn totp_page(
    state: &AppState,
    session: &Session,
    failed: bool,
    enrol: Option<(String, String)>,
) -> Result<Response, AppError> {
    let lang = session_lang(session).await;
    let token = csrf::token(session).await?;
    let action = if enrol.is_some() {
        "/totp/enrol"
    } else {
        "/login/totp"
    };
    let page = TotpPage {
        c: Chrome::anonymous(state, lang, "totp_title", token),
        failed,
        enrol,
        action,
    };
    let status = if failed {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::OK
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn totp_form(
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, AppError> {
    pending(&state, &session, Stage::Totp).await?;
    totp_page(&state, &session, false, None).await
}

/// Checks a code for `actor` and, when right and not used before, completes the sign-in.
async fn check_code(
    state: &AppState,
    session: &Session,
    mut auth: SessionAuth,
    actor: &Actor,
    code: &str,
) -> Result<bool, AppError> {
    if !state
        .login_limiter
        .allow(&format!("totp:{}", actor.user_id))
    {
        return Err(AppError::RateLimited);
    }
    let Some((secret, _)) = state.registry.totp_secret(&actor.user_id).await? else {
        return Ok(false);
    };
    let totp = totp_for(&secret, &actor.username)?;
    let Some(step) = matching_step(&totp, code, unix_u64()) else {
        return Ok(false);
    };
    let step = i64::try_from(step).map_err(|_| AppError::Internal("totp step".into()))?;
    // A code works once: a replayed one is refused like a wrong one.
    if !state.registry.use_totp_step(&actor.user_id, step).await? {
        return Ok(false);
    }
    auth.stage = Stage::Full;
    session.cycle_id().await.map_err(session_err)?;
    session.insert(AUTH_KEY, auth).await.map_err(session_err)?;
    Ok(true)
}

pub async fn totp_submit(
    State(state): State<AppState>,
    session: Session,
    body: Bytes,
) -> Result<Response, AppError> {
    let (auth, actor) = pending(&state, &session, Stage::Totp).await?;
    let form = FormData::parse(&body)?;
    if check_code(
        &state,
        &session,
        auth,
        &actor,
        form.get("code").unwrap_or(""),
    )
    .await?
    {
        Ok(Redirect::to("/dashboard").into_response())
    } else {
        totp_page(&state, &session, true, None).await
    }
}

async fn enrolment(state: &AppState, actor: &Actor) -> Result<(String, String), AppError> {
    let secret = match state.registry.totp_secret(&actor.user_id).await? {
        Some((s, _)) => s,
        None => {
            let mut s = vec![0u8; 20];
            getrandom::fill(&mut s).map_err(|_| AppError::Internal("random".into()))?;
            state
                .registry
                .set_totp_secret(actor, &actor.user_id, &s, false)
                .await?;
            s
        }
    };
    let totp = totp_for(&secret, &actor.username)?;
    let uri = totp
        .to_url()
        .map_err(|e| AppError::Internal(format!("totp: {e}")))?;
    Ok((totp.secret().to_base32(), uri))
}

pub async fn enrol_form(
    State(state): State<AppState>,
    session: Session,
) -> Result<Response, AppError> {
    let (_, actor) = pending(&state, &session, Stage::Enrol).await?;
    let enrol = enrolment(&state, &actor).await?;
    totp_page(&state, &session, false, Some(enrol)).await
}

pub async fn enrol_submit(
    State(state): State<AppState>,
    session: Session,
    body: Bytes,
) -> Result<Response, AppError> {
    let (auth, actor) = pending(&state, &session, Stage::Enrol).await?;
    let form = FormData::parse(&body)?;
    if check_code(
        &state,
        &session,
        auth,
        &actor,
        form.get("code").unwrap_or(""),
    )
    .await?
    {
        Ok(Redirect::to("/dashboard").into_response())
    } else {
        let enrol = enrolment(&state, &actor).await?;
        totp_page(&state, &session, true, Some(enrol)).await
    }
}

pub async fn logout(session: Session) -> Result<Response, AppError> {
    session.flush().await.map_err(session_err)?;
    Ok(Redirect::to("/login").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_their_step_and_neighbours_only() {
        let totp = totp_for(&[7u8; 20], "demo").unwrap();
        let now = 1_800_000_000u64;
        let code = totp.generate(now).to_string();
        assert_eq!(matching_step(&totp, &code, now), Some(now / 30));
        assert_eq!(matching_step(&totp, &code, now + 30), Some(now / 30));
        assert_eq!(matching_step(&totp, &code, now + 90), None);
        assert_eq!(matching_step(&totp, "12345", now), None);
        assert_eq!(matching_step(&totp, "abcdef", now), None);
    }

    #[test]
    fn rfc6238_reference_vector() {
        // RFC 6238 appendix B, SHA-1, T = 59 s: 94287082 (8 digits) -> 287082 on 6 digits.
        let totp = totp_for(b"12345678901234567890", "x").unwrap();
        assert_eq!(totp.generate(59).to_string(), "287082");
    }
}
