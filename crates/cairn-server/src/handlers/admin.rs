//! Accounts, for admins: password reset (lifts the lock, ends sessions) and ending sessions.

use crate::auth::Ctx;
use crate::error::AppError;
use crate::handlers::{FormData, check_id};
use crate::views::{Chrome, FLASH_KEY, UserRow, UsersPage, render};
use axum::body::Bytes;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};

pub async fn users(ctx: Ctx) -> Result<Response, AppError> {
    ctx.require("user.list")?;
    let reg = &ctx.state.registry;
    let orgs = reg.organisations().await?;
    let users = reg
        .users(&ctx.actor)
        .await?
        .into_iter()
        .map(|u| UserRow {
            organisation: orgs
                .iter()
                .find(|o| o.id == u.organisation_id)
                .map(|o| o.name.clone())
                .unwrap_or(u.organisation_id),
            id: u.id,
            username: u.username,
            role: u.role.to_string(),
            active: u.active,
        })
        .collect();
    render(&UsersPage {
        c: Chrome::for_user(&ctx, "users_title").await,
        users,
    })
}

async fn done(ctx: &Ctx) -> Result<Response, AppError> {
    ctx.session
        .insert(FLASH_KEY, ctx.tr().t("done"))
        .await
        .map_err(crate::auth::session_err)?;
    Ok(Redirect::to("/admin/users").into_response())
}

pub async fn reset_password(
    ctx: Ctx,
    Path(user_id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    ctx.require("user.password_reset")?;
    let user_id = check_id(&user_id)?;
    let form = FormData::parse(&body)?;
    let password = form.required("password")?;
    ctx.state
        .registry
        .reset_password(&ctx.actor, user_id, password)
        .await?;
    done(&ctx).await
}

pub async fn revoke(ctx: Ctx, Path(user_id): Path<String>) -> Result<Response, AppError> {
    ctx.require("user.sessions_revoke")?;
    let user_id = check_id(&user_id)?;
    ctx.state
        .registry
        .bump_session_generation(&ctx.actor, user_id)
        .await?;
    ctx.state
        .sessions
        .delete_user_sessions(user_id)
        .await
        .map_err(|e| AppError::Internal(format!("sessions: {e}")))?;
    done(&ctx).await
}
