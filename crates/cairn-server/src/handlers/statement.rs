//! The one statement of a case: that it exists, its transcript for those on its access list,
//! access requests with a reason, and their grant or refusal by someone on the list; pages and
//! JSON twins. The registry audits every view (allowed or denied), request and decision.

use super::api::parse_json;
use crate::auth::Ctx;
use crate::error::AppError;
use crate::handlers::cases::ensure_case;
use crate::handlers::{FormData, check_id};
use crate::views::{Chrome, FLASH_KEY, fmt_time, render};
use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use cairn_registry::statement::{AccessRequest, StatementInfo};
use serde::{Deserialize, Serialize};

const REASON_MAX: usize = 2000;

/// A request's reason: required (the owners decide on it), at most 2000 characters.
pub fn check_reason(reason: Option<&str>) -> Result<&str, &'static str> {
    match reason.map(str::trim).filter(|r| !r.is_empty()) {
        None => Err("reason_required"),
        Some(r) if r.chars().count() > REASON_MAX => Err("note_too_long"),
        Some(r) => Ok(r),
    }
}

/// What the statement page and its API twin show.
#[derive(Serialize, utoipa::ToSchema)]
pub struct StatementState {
    pub info: Option<StatementInfo>,
    /// For users on the access list only (each view audited).
    pub transcript: Option<String>,
    pub recording_bytes: Option<usize>,
    /// Pending requests for this statement, shown to users on its access list.
    pub pending_requests: Vec<AccessRequest>,
}

async fn state_of(ctx: &Ctx, case_id: &str) -> Result<StatementState, AppError> {
    ensure_case(ctx, case_id).await?;
    let reg = &ctx.state.registry;
    let info = reg.statement_of_case(&ctx.actor, case_id).await?;
    let (transcript, recording_bytes, pending_requests) = match &info {
        Some(i) if i.you_have_access => {
            let v = reg.view_statement(&ctx.actor, &i.id).await?;
            let pending = reg
                .pending_access_requests(&ctx.actor)
                .await?
                .into_iter()
                .filter(|r| r.statement_id == i.id)
                .collect();
            (v.transcript, v.attachment.map(|a| a.len()), pending)
        }
        _ => (None, None, Vec::new()),
    };
    Ok(StatementState {
        info,
        transcript,
        recording_bytes,
        pending_requests,
    })
}

pub struct RequestRow {
    pub id: String,
    pub requester: String,
    pub reason: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "statement.html")]
pub struct StatementPage<'a> {
    pub c: Chrome<'a>,
    pub case_id: String,
    pub exists: bool,
    pub media_kind: String,
    pub recorded_at: String,
    pub has_access: bool,
    pub transcript: String,
    pub recording_bytes: Option<usize>,
    pub requests: Vec<RequestRow>,
    pub may_request: bool,
    pub may_decide: bool,
    pub reason: String,
    pub reason_error: Option<String>,
}

async fn page(
    ctx: &Ctx,
    case_id: &str,
    reason: String,
    reason_error: Option<String>,
) -> Result<Response, AppError> {
    let s = state_of(ctx, case_id).await?;
    let users = if s.pending_requests.is_empty() {
        Vec::new()
    } else {
        ctx.state
            .registry
            .users(&cairn_registry::system_actor())
            .await?
    };
    let name_of = |id: &str| {
        users
            .iter()
            .find(|u| u.id == id)
            .map(|u| u.username.clone())
            .unwrap_or_else(|| id.to_owned())
    };
    let has_access = s.info.as_ref().is_some_and(|i| i.you_have_access);
    let status = if reason_error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let html = render(&StatementPage {
        case_id: case_id.to_owned(),
        exists: s.info.is_some(),
        media_kind: s
            .info
            .as_ref()
            .map(|i| i.media_kind.to_string())
            .unwrap_or_default(),
        recorded_at: s
            .info
            .as_ref()
            .map(|i| fmt_time(ctx.lang, &i.recorded_at))
            .unwrap_or_default(),
        has_access,
        transcript: s.transcript.unwrap_or_default(),
        recording_bytes: s.recording_bytes,
        requests: s
            .pending_requests
            .iter()
            .map(|r| RequestRow {
                id: r.id.clone(),
                requester: name_of(&r.requester_id),
                reason: r.reason.clone(),
                at: fmt_time(ctx.lang, &r.requested_at),
            })
            .collect(),
        may_request: s.info.is_some() && !has_access && ctx.may("statement.request"),
        may_decide: has_access && ctx.may("statement.decide"),
        reason,
        reason_error,
        c: Chrome::for_user(ctx, "statement").await,
    })?;
    Ok((status, html).into_response())
}

pub async fn show(ctx: Ctx, Path(case_id): Path<String>) -> Result<Response, AppError> {
    ctx.require("statement.view")?;
    let case_id = check_id(&case_id)?;
    page(&ctx, case_id, String::new(), None).await
}

async fn back(ctx: &Ctx, case_id: &str, key: &str) -> Result<Response, AppError> {
    ctx.session
        .insert(FLASH_KEY, ctx.tr().t(key))
        .await
        .map_err(crate::auth::session_err)?;
    Ok(Redirect::to(&format!("/cases/{case_id}/statement")).into_response())
}

async fn statement_id(ctx: &Ctx, case_id: &str) -> Result<String, AppError> {
    ctx.state
        .registry
        .statement_of_case(&ctx.actor, case_id)
        .await?
        .map(|i| i.id)
        .ok_or(AppError::NotFound)
}

pub async fn request_access(
    ctx: Ctx,
    Path(case_id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    ctx.require("statement.request")?;
    let case_id = check_id(&case_id)?;
    ensure_case(&ctx, case_id).await?;
    let form = FormData::parse(&body)?;
    match check_reason(form.get("reason")) {
        Ok(reason) => {
            let id = statement_id(&ctx, case_id).await?;
            ctx.state
                .registry
                .request_statement_access(&ctx.actor, &id, reason)
                .await?;
            back(&ctx, case_id, "access_requested").await
        }
        Err(key) => {
            let typed = form.get("reason").unwrap_or_default().to_owned();
            page(&ctx, case_id, typed, Some(ctx.tr().t(key))).await
        }
    }
}

/// The decision on a request of this case's statement (`grant` or `refuse`).
fn parse_decision(form: &FormData) -> Result<(String, bool), AppError> {
    let request = check_id(form.required("request")?)
        .map_err(|_| AppError::Invalid {
            field: "request".into(),
            message: "unknown request".into(),
        })?
        .to_owned();
    let grant = match form.required("decision")? {
        "grant" => true,
        "refuse" => false,
        other => {
            return Err(AppError::Invalid {
                field: "decision".into(),
                message: format!("{other:?} is not grant or refuse"),
            });
        }
    };
    Ok((request, grant))
}

async fn decide_on_case(
    ctx: &Ctx,
    case_id: &str,
    request: &str,
    grant: bool,
) -> Result<(), AppError> {
    let id = statement_id(ctx, case_id).await?;
    // The request must be one of this case's statement: another case's id is a 404 here.
    let known = ctx
        .state
        .registry
        .pending_access_requests(&ctx.actor)
        .await?
        .iter()
        .any(|r| r.id == request && r.statement_id == id);
    if !known {
        return Err(AppError::NotFound);
    }
    ctx.state
        .registry
        .decide_access_request(&ctx.actor, request, grant)
        .await?;
    Ok(())
}

pub async fn decide(
    ctx: Ctx,
    Path(case_id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    ctx.require("statement.decide")?;
    let case_id = check_id(&case_id)?;
    ensure_case(&ctx, case_id).await?;
    let form = FormData::parse(&body)?;
    let (request, grant) = parse_decision(&form)?;
    decide_on_case(&ctx, case_id, &request, grant).await?;
    back(
        &ctx,
        case_id,
        if grant {
            "access_granted"
        } else {
            "access_refused"
        },
    )
    .await
}

// --- JSON API -----------------------------------------------------------------------------------

#[utoipa::path(get, path = "/api/cases/{case}/statement", tag = "statement",
    params(("case" = String, Path, description = "Case id")),
    responses(
        (status = 200, description = "Whether the case has its one recorded statement, whether the user is on its access list (then the transcript; the view is audited) and the user's access requests", body = StatementState),
        (status = 401, description = "No session or token"),
        (status = 403, description = "The role may not do this, or the case is neither the organisation's nor referred to it and accepted"),
        (status = 404, description = "No such case"),
    ))]
pub async fn api_show(
    ctx: Ctx,
    Path(case_id): Path<String>,
) -> Result<Json<StatementState>, AppError> {
    ctx.require("statement.view")?;
    let case_id = check_id(&case_id)?;
    Ok(Json(state_of(&ctx, case_id).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRequest {
    pub reason: String,
}

#[utoipa::path(post, path = "/api/cases/{case}/statement/access-requests", tag = "statement",
    params(("case" = String, Path, description = "Case id")),
    request_body(content = NewRequest, description = "Why access is needed instead of a new interview", content_type = "application/json"),
    responses(
        (status = 200, description = "The access request's id", body = super::api::Created),
        (status = 422, description = "A missing or too long reason"),
        (status = 401, description = "No session or token"),
        (status = 403, description = "The role may not do this, or the case is neither the organisation's nor referred to it and accepted"),
        (status = 404, description = "No such case"),
    ))]
pub async fn api_request(
    ctx: Ctx,
    Path(case_id): Path<String>,
    body: Bytes,
) -> Result<Json<super::api::Created>, AppError> {
    ctx.require("statement.request")?;
    let case_id = check_id(&case_id)?;
    ensure_case(&ctx, case_id).await?;
    let body: NewRequest = parse_json(&body)?;
    let reason = check_reason(Some(&body.reason)).map_err(|k| AppError::Invalid {
        field: "reason".into(),
        message: k.replace('_', " "),
    })?;
    let id = statement_id(&ctx, case_id).await?;
    let request = ctx
        .state
        .registry
        .request_statement_access(&ctx.actor, &id, reason)
        .await?;
    Ok(Json(super::api::Created { id: request }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
// The consent Decision of the registry is in the same OpenAPI document.
#[schema(as = AccessDecision)]
pub struct Decision {
    pub request_id: String,
    pub grant: bool,
}

/// The decision recorded on an access request.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Granted {
    pub granted: bool,
}

#[utoipa::path(post, path = "/api/cases/{case}/statement/decision", tag = "statement",
    params(("case" = String, Path, description = "Case id")),
    request_body(content = Decision, description = "Grant or refuse an access request, by someone on the access list", content_type = "application/json"),
    responses(
        (status = 200, description = "The decision recorded", body = Granted),
        (status = 401, description = "No session or token"),
        (status = 403, description = "The role may not do this, or the case is neither the organisation's nor referred to it and accepted"),
        (status = 404, description = "No such case"),
    ))]
pub async fn api_decide(
    ctx: Ctx,
    Path(case_id): Path<String>,
    body: Bytes,
) -> Result<Json<Granted>, AppError> {
    ctx.require("statement.decide")?;
    let case_id = check_id(&case_id)?;
    ensure_case(&ctx, case_id).await?;
    let body: Decision = parse_json(&body)?;
    let request = check_id(&body.request_id)?;
    decide_on_case(&ctx, case_id, request, body.grant).await?;
    Ok(Json(Granted {
        granted: body.grant,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_needs_a_reason_of_reasonable_length() {
        assert_eq!(check_reason(None), Err("reason_required"));
        assert_eq!(check_reason(Some("  ")), Err("reason_required"));
        assert_eq!(check_reason(Some(" court hearing ")), Ok("court hearing"));
        let long = "x".repeat(REASON_MAX + 1);
        assert_eq!(check_reason(Some(&long)), Err("note_too_long"));
        let cat = crate::i18n::Catalog::bundled().unwrap();
        for k in [
            "reason_required",
            "access_requested",
            "access_granted",
            "access_refused",
        ] {
            assert!(cat.contains(k), "{k}");
        }
    }
}
