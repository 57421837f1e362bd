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
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(body: &Bytes) -> Result<T, AppError> {
    serde_json::from_slice(body).map_err(|e| AppError::Invalid {
        field: "body".into(),
        message: format!("not the expected JSON: {e}"),
    })
}

#[derive(Serialize, utoipa::ToSchema)]
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

#[utoipa::path(get, path = "/api/me", tag = "account",
    responses(
        (status = 200, description = "The signed-in user, the CSRF token for unsafe requests and the actions the role allows", body = Me),
        (status = 401, description = "No session or token"),
    ))]
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

#[utoipa::path(get, path = "/api/cases", tag = "cases",
    responses(
        (status = 200, description = "Cases led by the user's organisation or referred to it: id, status, lead organisation, opened_at, access (lead or referred)", body = Vec<CaseSummary>),
        (status = 401, description = "No session or token"),
        (status = 403, description = "The role may not list cases"),
    ))]
pub async fn cases(ctx: Ctx) -> Result<Json<Vec<CaseSummary>>, AppError> {
    ctx.require("case.list")?;
    Ok(Json(ctx.state.registry.visible_cases(&ctx.actor).await?))
}

#[utoipa::path(get, path = "/api/cases/{case}", tag = "cases",
    params(("case" = String, Path, description = "Case id")),
    responses(
        (status = 200, description = "The case file as the user may see it (the person only when role and consent allow); the read is audited", body = CaseFile),
        (status = 401, description = "No session or token"),
        (status = 403, description = "Another organisation's case, or a role without case access"),
        (status = 404, description = "No such case"),
    ))]
pub async fn case(ctx: Ctx, Path(case_id): Path<String>) -> Result<Json<CaseFile>, AppError> {
    ctx.require("case.view")?;
    let case_id = check_id(&case_id)?;
    Ok(Json(
        ctx.state.registry.case_file(&ctx.actor, case_id).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendReferral {
    pub to_organisation_id: String,
    pub reason: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: String,
}

/// The answer to a consent withdrawal.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Withdrawn {
    /// Always true: a refusal is an error status.
    pub withdrawn: bool,
}

/// A referral's new status.
#[derive(Serialize, utoipa::ToSchema)]
pub struct StatusSet {
    pub status: ReferralStatus,
}

#[utoipa::path(post, path = "/api/cases/{case}/referrals", tag = "referrals",
    params(("case" = String, Path, description = "Case id")),
    request_body = SendReferral,
    responses(
        (status = 200, description = "The referral was sent (consent or legal basis checked and audited)", body = Created),
        (status = 401, description = "No session or token"),
        (status = 403, description = "Not allowed: role, organisation, missing consent, or a read-only token"),
        (status = 422, description = "A field is invalid (named in the answer)"),
    ))]
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

#[utoipa::path(post, path = "/api/cases/{case}/consents/{consent}/withdraw", tag = "consents",
    params(("case" = String, Path, description = "Case id"), ("consent" = String, Path, description = "Consent id")),
    responses(
        (status = 200, description = "The consent is withdrawn", body = Withdrawn),
        (status = 401, description = "No session or token"),
        (status = 403, description = "Not allowed for this role, organisation or token"),
        (status = 404, description = "No such case or consent"),
    ))]
pub async fn withdraw_consent(
    ctx: Ctx,
    Path((case_id, consent_id)): Path<(String, String)>,
) -> Result<Json<Withdrawn>, AppError> {
    ctx.require("consent.withdraw")?;
    ctx.state
        .registry
        .withdraw_case_consent(&ctx.actor, check_id(&case_id)?, check_id(&consent_id)?)
        .await?;
    Ok(Json(Withdrawn { withdrawn: true }))
}

#[utoipa::path(get, path = "/api/referrals", tag = "referrals",
    responses(
        (status = 200, description = "Referrals sent by or to the user's organisation, newest first, with their status and whether an answer is overdue", body = Vec<ReferralView>),
        (status = 401, description = "No session or token"),
        (status = 403, description = "The role may not list referrals"),
    ))]
pub async fn referrals(ctx: Ctx) -> Result<Json<Vec<ReferralView>>, AppError> {
    ctx.require("referral.list")?;
    Ok(Json(
        ctx.state
            .registry
            .referrals_of_organisation(&ctx.actor)
            .await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Respond {
    /// received, accepted, declined or closed.
    #[schema(value_type = String, example = "accepted")]
    pub status: ReferralStatus,
    pub decline_reason: Option<String>,
}

#[utoipa::path(post, path = "/api/referrals/{referral}/status", tag = "referrals",
    params(("referral" = String, Path, description = "Referral id")),
    request_body = Respond,
    responses(
        (status = 200, description = "The new status", body = StatusSet),
        (status = 401, description = "No session or token"),
        (status = 403, description = "Not the receiving organisation, or not allowed for this role or token"),
        (status = 409, description = "Not a valid step from the current status"),
    ))]
pub async fn respond(
    ctx: Ctx,
    Path(referral_id): Path<String>,
    body: Bytes,
) -> Result<Json<StatusSet>, AppError> {
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
    Ok(Json(StatusSet {
        status: body.status,
    }))
}

#[utoipa::path(get, path = "/api/audit", tag = "audit",
    params(
        ("action" = Option<String>, Query, description = "Only this action (e.g. case.read)"),
        ("actor" = Option<String>, Query, description = "Only this user id"),
        ("object" = Option<String>, Query, description = "Only this object id"),
        ("before" = Option<i64>, Query, description = "Entries before this sequence number (paging)"),
    ),
    responses(
        (status = 200, description = "Audit entries, newest first, 100 at most, each with its chain hashes", body = Vec<AuditEntry>),
        (status = 401, description = "No session or token"),
        (status = 403, description = "Only auditors read the audit log"),
    ))]
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
