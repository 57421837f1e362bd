//! The user's own account: interface language, log out everywhere.

use crate::auth::{Ctx, LANG_KEY, session_err};
use crate::error::AppError;
use crate::handlers::{FormData, check_id};
use crate::i18n::Lang;
use crate::views::{AccountPage, Chrome, FLASH_KEY, TokenRow, fmt_time, render};
use axum::body::Bytes;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use cairn_registry::account::API_TOKEN_DEFAULT_DAYS;

pub async fn view(ctx: Ctx) -> Result<Response, AppError> {
    ctx.require("account.manage")?;
    let tokens = ctx
        .state
        .registry
        .api_tokens(&ctx.actor)
        .await?
        .into_iter()
        .map(|t| TokenRow {
            created: fmt_time(ctx.lang, &t.created_at),
            expires: fmt_time(ctx.lang, &t.expires_at),
            expired: t.expired,
            id: t.id,
            name: t.name,
            scope: t.scope,
            revoked: t.revoked,
        })
        .collect();
    render(&AccountPage {
        tokens,
        lang: ctx.lang.code(),
        c: Chrome::for_user(&ctx, "nav_account").await,
    })
}

pub async fn language(ctx: Ctx, body: Bytes) -> Result<Response, AppError> {
    ctx.require("account.manage")?;
    let form = FormData::parse(&body)?;
    let lang = form
        .get("lang")
        .and_then(Lang::parse)
        .ok_or(AppError::Invalid {
            field: "lang".into(),
            message: "en or fr".into(),
        })?;
    ctx.state
        .registry
        .set_language(&ctx.actor, lang.code())
        .await?;
    ctx.session
        .insert(LANG_KEY, lang.code())
        .await
        .map_err(session_err)?;
    Ok(Redirect::to("/account").into_response())
}

pub async fn logout_everywhere(ctx: Ctx) -> Result<Response, AppError> {
    ctx.require("account.manage")?;
    ctx.state
        .registry
        .bump_session_generation(&ctx.actor, &ctx.actor.user_id)
        .await?;
    // The generation already ends them; deleting the rows frees them at once.
    ctx.state
        .sessions
        .delete_user_sessions(&ctx.actor.user_id)
        .await
        .map_err(|e| AppError::Internal(format!("sessions: {e}")))?;
    ctx.session.flush().await.map_err(session_err)?;
    Ok(Redirect::to("/login").into_response())
}

pub async fn create_token(ctx: Ctx, body: Bytes) -> Result<Response, AppError> {
    ctx.require("account.manage")?;
    let form = FormData::parse(&body)?;
    let name = form.required("name")?;
    let scope = form.get("scope").unwrap_or("read");
    // The registry refuses a validity out of range, naming the field.
    let valid_days = form
        .parse_as::<u32>("valid_days")?
        .unwrap_or(API_TOKEN_DEFAULT_DAYS);
    let (_, token) = ctx
        .state
        .registry
        .create_api_token(&ctx.actor, name, scope, valid_days)
        .await?;
    // Shown once, on the next page only.
    let msg = format!("{} {token}", ctx.tr().t("token_created"));
    ctx.session
        .insert(FLASH_KEY, msg)
        .await
        .map_err(session_err)?;
    Ok(Redirect::to("/account").into_response())
}

pub async fn revoke_token(ctx: Ctx, Path(token_id): Path<String>) -> Result<Response, AppError> {
    ctx.require("account.manage")?;
    let token_id = check_id(&token_id)?;
    ctx.state
        .registry
        .revoke_api_token(&ctx.actor, token_id)
        .await?;
    Ok(Redirect::to("/account").into_response())
}
