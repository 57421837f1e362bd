//! Sending a case to another organisation, and receiving, accepting, declining or closing it.

use crate::auth::Ctx;
use crate::error::AppError;
use crate::handlers::cases::{back_to_case, ensure_case, referral_row};
use crate::handlers::{FormData, check_id};
use crate::views::{Chrome, FLASH_KEY, ReferralsPage, render};
use axum::body::Bytes;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use cairn_registry::model::ReferralStatus;

pub async fn list(ctx: Ctx) -> Result<Response, AppError> {
    ctx.require("referral.list")?;
    let refs = ctx
        .state
        .registry
        .referrals_of_organisation(&ctx.actor)
        .await?;
    let (incoming, outgoing): (Vec<_>, Vec<_>) = refs
        .iter()
        .partition(|r| r.to_organisation_id == ctx.actor.organisation_id);
    render(&ReferralsPage {
        incoming: incoming.iter().map(|r| referral_row(&ctx, r)).collect(),
        outgoing: outgoing.iter().map(|r| referral_row(&ctx, r)).collect(),
        c: Chrome::for_user(&ctx, "referrals").await,
    })
}

pub async fn send(
    ctx: Ctx,
    Path(case_id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    ctx.require("referral.send")?;
    let case_id = check_id(&case_id)?;
    ensure_case(&ctx, case_id).await?;
    let form = FormData::parse(&body)?;
    let to = check_id(form.required("to_organisation")?).map_err(|_| AppError::Invalid {
        field: "to_organisation".into(),
        message: "unknown organisation".into(),
    })?;
    let reason = form.required("reason")?;
    if reason.chars().count() > 2000 {
        return Err(AppError::Invalid {
            field: "reason".into(),
            message: "at most 2000 characters".into(),
        });
    }
    let r = ctx
        .state
        .registry
        .refer_case(&ctx.actor, case_id, to, reason, None)
        .await;
    back_to_case(&ctx, case_id, r.map(|_| ()).map_err(AppError::from)).await
}

pub async fn respond(
    ctx: Ctx,
    Path(referral_id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    ctx.require("referral.respond")?;
    let referral_id = check_id(&referral_id)?;
    let form = FormData::parse(&body)?;
    let status = form
        .parse_as::<ReferralStatus>("status")?
        .ok_or(AppError::Invalid {
            field: "status".into(),
            message: "required".into(),
        })?;
    let reason = form.get("decline_reason");
    match ctx
        .state
        .registry
        .update_referral(&ctx.actor, referral_id, status, reason)
        .await
    {
        Ok(()) => {
            ctx.session
                .insert(FLASH_KEY, ctx.tr().t("done"))
                .await
                .map_err(crate::auth::session_err)?;
        }
        Err(e) => {
            let e = AppError::from(e);
            if !matches!(e, AppError::Invalid { .. } | AppError::Refused { .. }) {
                return Err(e);
            }
            ctx.session
                .insert(
                    FLASH_KEY,
                    format!(
                        "{}: {}",
                        ctx.tr().t(e.message_key()),
                        e.detail().unwrap_or_default()
                    ),
                )
                .await
                .map_err(crate::auth::session_err)?;
        }
    }
    Ok(Redirect::to("/referrals").into_response())
}
