//! The duty roster of the bridge, for admins and coordinators: which child-protection organisation
//! receives the signals of a country or region, and when. Add a period, end one; the page and its
//! JSON twin. The registry validates (child protection only, start before end, no overlap in the
//! same country and region), scopes coordinators to their country and audits.

use crate::auth::Ctx;
use crate::error::AppError;
use crate::handlers::{FormData, check_id};
use crate::views::{Choice, Chrome, FLASH_KEY, fmt_time, render};
use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use cairn_registry::duty::{DutyPeriod, NewDutyPeriod, stored_time};
use serde::Deserialize;
use time::OffsetDateTime;

/// A time from a form or a body: RFC 3339, a `datetime-local` value (`YYYY-MM-DDTHH:MM`, read as
/// UTC, as the form says) or a bare date (its midnight, UTC).
pub fn parse_when(field: &str, text: &str) -> Result<OffsetDateTime, AppError> {
    let text = text.trim();
    let local = text.len() == 16 && text.as_bytes().get(10) == Some(&b'T');
    let full = if local {
        format!("{text}:00Z")
    } else {
        text.to_owned()
    };
    cairn_registry::db::parse_time(&full, field).map_err(|_| AppError::Invalid {
        field: field.into(),
        message: format!("not a time (YYYY-MM-DDTHH:MM, UTC, or RFC 3339): {text:?}"),
    })
}

pub struct PeriodRow {
    pub id: String,
    pub organisation: String,
    pub country: String,
    pub region: String,
    pub from: String,
    pub to: String,
    /// duty_current, duty_upcoming or duty_ended.
    pub state_key: &'static str,
    pub can_end: bool,
}

#[derive(Template)]
#[template(path = "duty.html")]
pub struct DutyPage<'a> {
    pub c: Chrome<'a>,
    pub rows: Vec<PeriodRow>,
    pub organisations: Vec<Choice>,
    pub may_manage: bool,
    pub error: Option<String>,
}

fn row(ctx: &Ctx, p: DutyPeriod, now: &str) -> PeriodRow {
    let state_key = if p.covers(now) {
        "duty_current"
    } else if p.starts_at.as_str() > now && p.open_at(now) {
        "duty_upcoming"
    } else {
        "duty_ended"
    };
    PeriodRow {
        can_end: p.open_at(now),
        state_key,
        organisation: p.organisation,
        country: p.country,
        region: p.region.unwrap_or_else(|| ctx.tr().t("duty_whole_country")),
        from: fmt_time(ctx.lang, &p.starts_at),
        to: p
            .ends_at
            .map(|t| fmt_time(ctx.lang, &t))
            .unwrap_or_else(|| ctx.tr().t("duty_until_ended")),
        id: p.id,
    }
}

async fn page(ctx: &Ctx, error: Option<String>) -> Result<Response, AppError> {
    let reg = &ctx.state.registry;
    let now = stored_time(OffsetDateTime::now_utc())?;
    let rows = reg
        .duty_periods(&ctx.actor)
        .await?
        .into_iter()
        .map(|p| row(ctx, p, &now))
        .collect();
    let organisations = reg
        .organisations()
        .await?
        .into_iter()
        .filter(|o| o.org_type == "child_protection")
        .map(|o| Choice {
            label: format!("{} ({})", o.name, o.country),
            value: o.id,
        })
        .collect();
    render(&DutyPage {
        c: Chrome::for_user(ctx, "duty_title").await,
        rows,
        organisations,
        may_manage: ctx.may("duty.manage"),
        error,
    })
}

pub async fn view(ctx: Ctx) -> Result<Response, AppError> {
    ctx.require("duty.view")?;
    page(&ctx, None).await
}

/// What a new period needs, from the form or the JSON body.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPeriod {
    /// A child-protection organisation.
    #[serde(default)]
    pub organisation_id: String,
    /// ISO 3166-1 alpha-2, e.g. `FR`.
    #[serde(default)]
    pub country: String,
    /// A region of the country; absent or empty: the whole country.
    #[serde(default)]
    pub region: Option<String>,
    /// RFC 3339 (or `YYYY-MM-DDTHH:MM`, UTC).
    #[serde(default)]
    pub starts_at: String,
    /// RFC 3339; absent: until ended.
    #[serde(default)]
    pub ends_at: Option<String>,
}

async fn add_period(ctx: &Ctx, p: &NewPeriod) -> Result<DutyPeriod, AppError> {
    let required = |field: &str, v: &str| {
        if v.trim().is_empty() {
            Err(AppError::Invalid {
                field: field.into(),
                message: "required".into(),
            })
        } else {
            Ok(())
        }
    };
    required("organisation_id", &p.organisation_id)?;
    required("country", &p.country)?;
    required("starts_at", &p.starts_at)?;
    let organisation_id = check_id(p.organisation_id.trim()).map_err(|_| AppError::Invalid {
        field: "organisation_id".into(),
        message: "not an organisation id".into(),
    })?;
    let new = NewDutyPeriod {
        organisation_id,
        country: p.country.trim(),
        region: p.region.as_deref(),
        starts_at: parse_when("starts_at", &p.starts_at)?,
        ends_at: p
            .ends_at
            .as_deref()
            .filter(|t| !t.trim().is_empty())
            .map(|t| parse_when("ends_at", t))
            .transpose()?,
    };
    let reg = &ctx.state.registry;
    let id = reg.add_duty_period(&ctx.actor, &new).await?;
    reg.duty_period(&id)
        .await?
        .ok_or_else(|| AppError::Internal("duty period vanished".into()))
}

pub async fn add(ctx: Ctx, body: Bytes) -> Result<Response, AppError> {
    ctx.require("duty.manage")?;
    let form = FormData::parse(&body)?;
    let new = NewPeriod {
        organisation_id: form.get("organisation_id").unwrap_or_default().into(),
        country: form.get("country").unwrap_or_default().into(),
        region: form.get("region").map(str::to_owned),
        starts_at: form.get("starts_at").unwrap_or_default().into(),
        ends_at: form.get("ends_at").map(str::to_owned),
    };
    match add_period(&ctx, &new).await {
        Ok(_) => done(&ctx).await,
        // Bad input: the page again, with the reason at the top and a 422.
        Err(e @ AppError::Invalid { .. }) => {
            let mut res = page(&ctx, e.detail()).await?;
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Err(e) => Err(e),
    }
}

async fn done(ctx: &Ctx) -> Result<Response, AppError> {
    ctx.session
        .insert(FLASH_KEY, ctx.tr().t("done"))
        .await
        .map_err(crate::auth::session_err)?;
    Ok(Redirect::to("/duty").into_response())
}

pub async fn end(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    ctx.require("duty.manage")?;
    let id = check_id(&id)?;
    ctx.state.registry.end_duty_period(&ctx.actor, id).await?;
    done(&ctx).await
}

// --- JSON API -------------------------------------------------------------------------------------

#[utoipa::path(get, path = "/api/duty", tag = "duty",
    responses(
        (status = 200, description = "The duty roster: every period, by country and region, newest start first", body = Vec<DutyPeriod>),
        (status = 401, description = "No session or token"),
        (status = 403, description = "The role may not see the roster"),
    ))]
pub async fn api_list(ctx: Ctx) -> Result<Json<Vec<DutyPeriod>>, AppError> {
    ctx.require("duty.view")?;
    Ok(Json(ctx.state.registry.duty_periods(&ctx.actor).await?))
}

#[utoipa::path(post, path = "/api/duty", tag = "duty",
    request_body = NewPeriod,
    responses(
        (status = 200, description = "The period added", body = DutyPeriod),
        (status = 401, description = "No session or token"),
        (status = 403, description = "The role may not keep the roster, or a coordinator's other country"),
        (status = 404, description = "No such organisation"),
        (status = 422, description = "Invalid: not child protection, start not before end, or overlapping another period of the same country and region"),
    ))]
pub async fn api_add(ctx: Ctx, body: Bytes) -> Result<Json<DutyPeriod>, AppError> {
    ctx.require("duty.manage")?;
    let p: NewPeriod = super::api::parse_json(&body)?;
    Ok(Json(add_period(&ctx, &p).await?))
}

#[utoipa::path(post, path = "/api/duty/{period}/end", tag = "duty",
    params(("period" = String, Path, description = "Duty period id")),
    responses(
        (status = 200, description = "The period, ended now (one not started yet is cancelled: it ends where it starts)", body = DutyPeriod),
        (status = 401, description = "No session or token"),
        (status = 403, description = "The role may not keep the roster, or a coordinator's other country"),
        (status = 404, description = "No such period"),
        (status = 422, description = "The period has already ended"),
    ))]
pub async fn api_end(ctx: Ctx, Path(id): Path<String>) -> Result<Json<DutyPeriod>, AppError> {
    ctx.require("duty.manage")?;
    let id = check_id(&id)?;
    let reg = &ctx.state.registry;
    reg.end_duty_period(&ctx.actor, id).await?;
    reg.duty_period(id)
        .await?
        .map(Json)
        .ok_or(AppError::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn form_times_are_utc() {
        let t = parse_when("starts_at", "2026-12-01T08:30").unwrap();
        assert_eq!(stored_time(t).unwrap(), "2026-12-01T08:30:00Z");
        let t = parse_when("starts_at", "2026-12-01T08:30:00+01:00").unwrap();
        assert_eq!(stored_time(t).unwrap(), "2026-12-01T07:30:00Z");
        let t = parse_when("ends_at", "2026-12-02").unwrap();
        assert_eq!(stored_time(t).unwrap(), "2026-12-02T00:00:00Z");
        let e = parse_when("ends_at", "tomorrow").unwrap_err();
        assert!(matches!(e, AppError::Invalid { field, .. } if field == "ends_at"));
    }

    proptest! {
        /// Any text either parses or names its field; never a panic.
        #[test]
        fn times_never_panic(text in "\\PC{0,40}") {
            if let Err(e) = parse_when("starts_at", &text) {
                let named = matches!(&e, AppError::Invalid { field, .. } if field == "starts_at");
                prop_assert!(named, "{e:?}");
            }
        }
    }
}
