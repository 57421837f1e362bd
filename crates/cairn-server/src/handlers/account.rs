//! The user's own account: interface language, log out everywhere.

use crate::auth::{Ctx, LANG_KEY, session_err};
use crate::error::AppError;
use crate::handlers::FormData;
use crate::i18n::Lang;
use crate::views::{AccountPage, Chrome, render};
use axum::body::Bytes;
use axum::response::{IntoResponse, Redirect, Response};

pub async fn view(ctx: Ctx) -> Result<Response, AppError> {
    ctx.require("account.manage")?;
    render(&AccountPage {
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
    ctx.session.flush().await.map_err(session_err)?;
    Ok(Redirect::to("/login").into_response())
}
