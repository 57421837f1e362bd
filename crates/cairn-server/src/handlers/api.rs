//! The JSON API: the same actions as the pages, under the same rules (session, permission matrix,
//! organisation scoping, consent, audit). Unsafe methods need `Content-Type: application/json`,
//! the same origin and the session's token in `X-CSRF-Token` (checked by the guard middleware).

use crate::auth::Ctx;
use crate::error::AppError;
use crate::handlers::audit::AuditQuery;
use crate::handlers::check_id;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query};
use cairn_registry::access::{CaseFile, CaseSummary, ReferralView};
use cairn_registry::audit::AuditEntry;
use cairn_registry::model::ReferralStatus;
use serde::{Deserialize, Serialize};

/// Parses a JSON body after the permission check (a refused role learns nothing from a 422).
fn parse_json<T: serde::de::DeserializeOwned>(body: &Bytes) -> Result<T, AppError> {
    serde_json::from_slice(body).map_err(|e| AppError::Invalid {
        field: "body".into(),
        message: format!("not the expected JSON: {e}"),
    })
}

#[derive(Serialize)]
pub struct Me {
    pub user_id: String,
    pub username: String,
    pub organisation_id: String,
    pub role: String,
    pub language: &'static str,
    /// The token to send in `X-CSRF-Token` with unsafe requests.
    pub csrf_token: String,
    pub allowed_actions: Vec<String>,
}

pub async fn me(ctx: Ctx) -> Result<Json<Me>, AppError> {
    ctx.require("account.manage")?;
    Ok(Json(Me {
        user_id: ctx.actor.user_id.clone(),
        username: ctx.actor.username.clone(),
        organisation_id: ctx.actor.organisation_id.clone(),
        role: ctx.actor.role.to_string(),
        language: ctx.lang.code(),
        csrf_token: ctx.csrf.clone(),
        allowed_actions: ctx
            .state
            .permissions
            .actions()
            .filter(|a| ctx.may(a))
            .map(str::to_owned)
            .collect(),
    }))
}

pub async fn cases(ctx: Ctx) -> Result<Json<Vec<CaseSummary>>, AppError> {
    ctx.require("case.list")?;
    Ok(Json(ctx.state.registry.visible_cases(&ctx.actor).await?))
}

pub async fn case(ctx: Ctx, Path(case_id): Path<String>) -> Result<Json<CaseFile>, AppError> {
    ctx.require("case.view")?;
    let case_id = check_id(&case_id)?;
    Ok(Json(
        ctx.state.registry.case_file(&ctx.actor, case_id).await?,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SendReferral {
    pub to_organisation_id: String,
    pub reason: String,
}

#[derive(Serialize)]
pub struct Created {
    pub id: String,
}

pub async fn send_referral(
    ctx: Ctx,
    Path(case_id): Path<String>,
    body: Bytes,
) -> Result<Json<Created>, AppError> {
    ctx.require("referral.send")?;
    let case_id = check_id(&case_id)?;
    crate::handlers::cases::ensure_case(&ctx, case_id).await?;
    let body: SendReferral = parse_json(&body)?;
    let to = check_id(&body.to_organisation_id)?;
    if body.reason.trim().is_empty() || body.reason.chars().count() > 2000 {
        return Err(AppError::Invalid {
            field: "reason".into(),
            message: "1 to 2000 characters".into(),
        });
    }
    let id = ctx
        .state
        .registry
        .refer_case(&ctx.actor, case_id, to, body.reason.trim(), None)
        .await?;
    Ok(Json(Created { id }))
}

pub async fn withdraw_consent(
    ctx: Ctx,
    Path((case_id, consent_id)): Path<(String, String)>,
) -> Result<Json<serde_json::Value>, AppError> {
    ctx.require("consent.withdraw")?;
    ctx.state
        .registry
        .withdraw_case_consent(&ctx.actor, check_id(&case_id)?, check_id(&consent_id)?)
        .await?;
    Ok(Json(serde_json::json!({"withdrawn": true})))
}

pub async fn referrals(ctx: Ctx) -> Result<Json<Vec<ReferralView>>, AppError> {
    ctx.require("referral.list")?;
    Ok(Json(
        ctx.state
            .registry
            .referrals_of_organisation(&ctx.actor)
            .await?,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Respond {
    pub status: ReferralStatus,
    pub decline_reason: Option<String>,
}

pub async fn respond(
    ctx: Ctx,
    Path(referral_id): Path<String>,
    body: Bytes,
) -> Result<Json<serde_json::Value>, AppError> {
    ctx.require("referral.respond")?;
    let body: Respond = parse_json(&body)?;
    let referral_id = check_id(&referral_id)?;
    ctx.state
        .registry
        .update_referral(
            &ctx.actor,
            referral_id,
            body.status,
            body.decline_reason.as_deref(),
        )
        .await?;
    Ok(Json(serde_json::json!({"status": body.status})))
}

pub async fn audit(
    ctx: Ctx,
    Query(q): Query<AuditQuery>,
) -> Result<Json<Vec<AuditEntry>>, AppError> {
    ctx.require("audit.view")?;
    Ok(Json(
        ctx.state
            .registry
            .audit_entries(&ctx.actor, &q.filter())
            .await?,
    ))
}
