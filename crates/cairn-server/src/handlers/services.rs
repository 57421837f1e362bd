//! The services directory: search by kind, country, area, age and language; a case's needs matched
//! to services (the child's age from the birthdate when the actor may see it) and the case's
//! service plans; pages and JSON twins. Services are organisations' offers, not personal data;
//! plans are, and the registry audits their reads and writes.

use crate::auth::Ctx;
use crate::error::AppError;
use crate::handlers::screening::ensure_working_case;
use crate::handlers::{FormData, check_id};
use crate::views::{Chrome, FLASH_KEY, fmt_time, render};
use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use cairn_registry::access::PersonPart;
use cairn_registry::services::{Needs, ServiceKind, ServiceMatch, ServicePlan};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The search as typed, kept to fill the form again.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SearchInput {
    pub kinds: Vec<String>,
    pub country: String,
    pub area: String,
    pub age: String,
    pub language: String,
}

impl SearchInput {
    fn from_query(query: Option<&str>) -> Result<Self, AppError> {
        let form = FormData::parse(&Bytes::copy_from_slice(query.unwrap_or("").as_bytes()))?;
        Ok(Self {
            kinds: form.all("kind").into_iter().map(str::to_owned).collect(),
            country: form.get("country").unwrap_or_default().to_owned(),
            area: form.get("area").unwrap_or_default().to_owned(),
            age: form.get("age").unwrap_or_default().to_owned(),
            language: form.get("language").unwrap_or_default().to_owned(),
        })
    }
}

/// Validates a search into the registry's needs; errors are message keys by field. No kind means
/// every kind; no country means `default_country` (the actor's organisation's).
pub fn needs_of(
    input: &SearchInput,
    default_country: &str,
) -> Result<Needs, BTreeMap<&'static str, &'static str>> {
    let mut errors = BTreeMap::new();
    let mut kinds = Vec::new();
    for k in &input.kinds {
        match k.parse::<ServiceKind>() {
            Ok(k) if !kinds.contains(&k) => kinds.push(k),
            Ok(_) => {}
            Err(_) => {
                errors.insert("kind", "kind_invalid");
            }
        }
    }
    if kinds.is_empty() {
        kinds = ServiceKind::ALL.to_vec();
    }
    let country = match input.country.trim() {
        "" => default_country.to_owned(),
        c => c.to_ascii_uppercase(),
    };
    if cairn_registry::check_country(&country, "country").is_err() {
        errors.insert("country", "country_invalid");
    }
    let area = input.area.trim();
    if area.chars().count() > 100 {
        errors.insert("area", "area_too_long");
    }
    let age = match input.age.trim() {
        "" => None,
        a => match a.parse::<u32>() {
            Ok(n) if n <= 30 => Some(n),
            _ => {
                errors.insert("age", "age_invalid");
                None
            }
        },
    };
    let language = input.language.trim().to_ascii_lowercase();
    let two_letters = language.len() == 2 && language.bytes().all(|b| b.is_ascii_lowercase());
    if !language.is_empty() && !two_letters {
        errors.insert("language", "language_invalid");
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Needs {
        kinds,
        country,
        area: (!area.is_empty()).then(|| area.to_owned()),
        age,
        languages: if language.is_empty() {
            Vec::new()
        } else {
            vec![language]
        },
    })
}

async fn own_country(ctx: &Ctx) -> Result<String, AppError> {
    Ok(ctx
        .state
        .registry
        .organisations()
        .await?
        .into_iter()
        .find(|o| o.id == ctx.actor.organisation_id)
        .map(|o| o.country)
        .unwrap_or_else(|| "FR".into()))
}

pub struct ServiceRow {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub area: String,
    pub ages: String,
    pub languages: String,
    pub places: String,
    pub full: bool,
}

fn service_row(m: &ServiceMatch, t: &crate::i18n::Tr<'_>) -> ServiceRow {
    let s = &m.service;
    let ages = match (s.min_age, s.max_age) {
        (None, None) => t.t("any"),
        (a, b) => format!(
            "{}–{}",
            a.map(|x| x.to_string()).unwrap_or_default(),
            b.map(|x| x.to_string()).unwrap_or_default()
        ),
    };
    ServiceRow {
        id: s.id.clone(),
        name: s.name.clone(),
        kind: t.t(&format!("kind_{}", s.kind)),
        area: s
            .area
            .clone()
            .unwrap_or_else(|| format!("{} ({})", t.t("whole_country"), s.country)),
        ages,
        languages: s.languages.join(", "),
        places: m
            .places_left
            .map(|p| p.to_string())
            .unwrap_or_else(|| t.t("not_limited")),
        full: m.places_left == Some(0),
    }
}

pub struct KindChoice {
    pub value: &'static str,
    pub key: String,
    pub checked: bool,
}

fn kind_choices(input: &SearchInput) -> Vec<KindChoice> {
    ServiceKind::ALL
        .iter()
        .map(|k| KindChoice {
            value: k.as_str(),
            key: format!("kind_{k}"),
            checked: input.kinds.iter().any(|x| x == k.as_str()),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "services.html")]
pub struct ServicesPage<'a> {
    pub c: Chrome<'a>,
    /// Set on a case's page: the form and the plan buttons act for that case.
    pub case_id: Option<String>,
    pub input: SearchInput,
    pub kinds: Vec<KindChoice>,
    pub errors: BTreeMap<&'static str, String>,
    pub searched: bool,
    pub results: Vec<ServiceRow>,
    pub plans: Vec<PlanRow>,
    pub may_plan: bool,
}

pub struct PlanRow {
    pub service: String,
    pub kind: String,
    pub status: String,
    pub planned: String,
}

/// The directory search (`GET /services?kind=…&country=…&area=…&age=…&language=…`).
pub async fn search(ctx: Ctx, RawQuery(query): RawQuery) -> Result<Response, AppError> {
    ctx.require("service.search")?;
    let input = SearchInput::from_query(query.as_deref())?;
    let searched = query.as_deref().is_some_and(|q| !q.is_empty());
    page(&ctx, None, input, searched, Vec::new()).await
}

async fn page(
    ctx: &Ctx,
    case_id: Option<String>,
    input: SearchInput,
    searched: bool,
    plans: Vec<PlanRow>,
) -> Result<Response, AppError> {
    let country = own_country(ctx).await?;
    let t = ctx.tr();
    let (results, errors) = match needs_of(&input, &country) {
        Ok(needs) => (
            ctx.state
                .registry
                .match_services(&needs)
                .await?
                .iter()
                .map(|m| service_row(m, &t))
                .collect(),
            BTreeMap::new(),
        ),
        Err(e) => (
            Vec::new(),
            e.into_iter().map(|(f, k)| (f, t.t(k))).collect(),
        ),
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let title = if case_id.is_some() {
        "case_services_title"
    } else {
        "services_title"
    };
    let html = render(&ServicesPage {
        c: Chrome::for_user(ctx, title).await,
        may_plan: case_id.is_some() && ctx.may("service_plan.create"),
        case_id,
        kinds: kind_choices(&input),
        input,
        errors,
        searched,
        results,
        plans,
    })?;
    Ok((status, html).into_response())
}

/// Whole years between a birthdate (YYYY-MM-DD) and today; None when unreadable.
fn age_on(birthdate: &str, today: time::Date) -> Option<u32> {
    let b = time::Date::parse(
        birthdate.get(..10)?,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()?;
    let mut years = today.year() - b.year();
    if (today.month() as u8, today.day()) < (b.month() as u8, b.day()) {
        years -= 1;
    }
    u32::try_from(years).ok()
}

fn plan_rows(ctx: &Ctx, plans: &[ServicePlan]) -> Vec<PlanRow> {
    plans
        .iter()
        .map(|p| PlanRow {
            service: p.service_name.clone(),
            kind: ctx.tr().t(&format!("kind_{}", p.kind)),
            status: p.status.to_string(),
            planned: fmt_time(ctx.lang, &p.planned_at),
        })
        .collect()
}

/// A case's needs matched to services, and its plans. The child's age comes from the birthdate
/// when the actor sees the person (the search fills it in; the user may change it).
pub async fn for_case(
    ctx: Ctx,
    Path(case_id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    ctx.require("service_plan.view")?;
    let case_id = check_id(&case_id)?;
    ensure_working_case(&ctx, case_id).await?;
    let mut input = SearchInput::from_query(query.as_deref())?;
    let searched = query.as_deref().is_some_and(|q| !q.is_empty());
    if !searched {
        let file = ctx.state.registry.case_file(&ctx.actor, case_id).await?;
        if let PersonPart::Shown(p) = &file.person
            && let Some(age) = p
                .fields
                .birthdate
                .as_deref()
                .and_then(|b| age_on(b, time::OffsetDateTime::now_utc().date()))
        {
            input.age = age.to_string();
        }
    }
    let plans = ctx
        .state
        .registry
        .service_plans(&ctx.actor, case_id)
        .await?;
    let rows = plan_rows(&ctx, &plans);
    page(&ctx, Some(case_id.to_owned()), input, true, rows).await
}

pub async fn plan(
    ctx: Ctx,
    Path(case_id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    ctx.require("service_plan.create")?;
    let case_id = check_id(&case_id)?;
    ensure_working_case(&ctx, case_id).await?;
    let form = FormData::parse(&body)?;
    let service = check_id(form.required("service")?).map_err(|_| AppError::Invalid {
        field: "service".into(),
        message: "unknown service".into(),
    })?;
    let msg = match ctx
        .state
        .registry
        .plan_service(&ctx.actor, case_id, service)
        .await
    {
        Ok(_) => ctx.tr().t("service_planned"),
        // A full service: said on the page, nothing else changes.
        Err(cairn_registry::RegistryError::Refused { reason, .. }) => {
            format!("{}: {reason}", ctx.tr().t("error_refused"))
        }
        Err(e) => return Err(e.into()),
    };
    ctx.session
        .insert(FLASH_KEY, msg)
        .await
        .map_err(crate::auth::session_err)?;
    Ok(Redirect::to(&format!("/cases/{case_id}/services")).into_response())
}

// --- JSON API -----------------------------------------------------------------------------------

fn invalid(errors: BTreeMap<&'static str, &'static str>) -> AppError {
    let (field, key) = errors.into_iter().next().unwrap_or(("query", "invalid"));
    AppError::Invalid {
        field: field.into(),
        message: key.replace('_', " "),
    }
}

#[utoipa::path(get, path = "/api/services", tag = "services",
    params(
        ("kind" = Option<String>, Query, description = "Kind of service (psychotrauma care, shelter, legal aid, health, education, family support)"),
        ("country" = Option<String>, Query, description = "Country code; the user's organisation's by default"),
        ("area" = Option<String>, Query, description = "Area or region"),
        ("age" = Option<u32>, Query, description = "Age of the child"),
        ("language" = Option<String>, Query, description = "Language spoken"),
    ),
    responses(
        (status = 200, description = "Matching services with places left and why they match", body = Vec<cairn_registry::services::ServiceMatch>),
        (status = 401, description = "No session or token"),
        (status = 403, description = "The role may not search services"),
        (status = 422, description = "An invalid search field, named"),
    ))]
pub async fn api_search(
    ctx: Ctx,
    RawQuery(query): RawQuery,
) -> Result<Json<Vec<ServiceMatch>>, AppError> {
    ctx.require("service.search")?;
    let input = SearchInput::from_query(query.as_deref())?;
    let needs = needs_of(&input, &own_country(&ctx).await?).map_err(invalid)?;
    Ok(Json(ctx.state.registry.match_services(&needs).await?))
}

#[utoipa::path(get, path = "/api/cases/{case}/services", tag = "services",
    params(("case" = String, Path, description = "Case id")),
    responses(
        (status = 200, description = "The case's service plans", body = Vec<cairn_registry::services::ServicePlan>),
        (status = 401, description = "No session or token"),
        (status = 403, description = "The role may not do this, or the case is neither the organisation's nor referred to it and accepted"),
        (status = 404, description = "No such case"),
    ))]
pub async fn api_plans(
    ctx: Ctx,
    Path(case_id): Path<String>,
) -> Result<Json<Vec<ServicePlan>>, AppError> {
    ctx.require("service_plan.view")?;
    let case_id = check_id(&case_id)?;
    ensure_working_case(&ctx, case_id).await?;
    Ok(Json(
        ctx.state
            .registry
            .service_plans(&ctx.actor, case_id)
            .await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPlan {
    pub service_id: String,
}

#[utoipa::path(post, path = "/api/cases/{case}/services", tag = "services",
    params(("case" = String, Path, description = "Case id")),
    request_body(content = NewPlan, description = "The service to add to the case's plan", content_type = "application/json"),
    responses(
        (status = 200, description = "The id of the plan entry: the service added to the case's plan", body = super::api::Created),
        (status = 422, description = "An unknown service, or one with no place left"),
        (status = 401, description = "No session or token"),
        (status = 403, description = "The role may not do this, or the case is neither the organisation's nor referred to it and accepted"),
        (status = 404, description = "No such case"),
    ))]
pub async fn api_plan(
    ctx: Ctx,
    Path(case_id): Path<String>,
    body: Bytes,
) -> Result<Json<super::api::Created>, AppError> {
    ctx.require("service_plan.create")?;
    let case_id = check_id(&case_id)?;
    ensure_working_case(&ctx, case_id).await?;
    let body: NewPlan = super::api::parse_json(&body)?;
    let service = check_id(&body.service_id).map_err(|_| AppError::Invalid {
        field: "service_id".into(),
        message: "unknown service".into(),
    })?;
    let id = ctx
        .state
        .registry
        .plan_service(&ctx.actor, case_id, service)
        .await?;
    Ok(Json(super::api::Created { id }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn input(kinds: &[&str], country: &str, area: &str, age: &str, lang: &str) -> SearchInput {
        SearchInput {
            kinds: kinds.iter().map(|k| (*k).to_owned()).collect(),
            country: country.into(),
            area: area.into(),
            age: age.into(),
            language: lang.into(),
        }
    }

    #[test]
    fn a_search_becomes_needs_or_errors_by_field() {
        let n = needs_of(&input(&["shelter"], "", " Lille ", "15", "RO"), "FR").unwrap();
        assert_eq!(n.kinds, vec![ServiceKind::Shelter]);
        assert_eq!(n.country, "FR");
        assert_eq!(n.area.as_deref(), Some("Lille"));
        assert_eq!(n.age, Some(15));
        assert_eq!(n.languages, vec!["ro".to_owned()]);
        let all = needs_of(&input(&[], "be", "", "", ""), "FR").unwrap();
        assert_eq!(all.kinds.len(), ServiceKind::ALL.len());
        assert_eq!(all.country, "BE");
        let e = needs_of(&input(&["spa"], "France", "", "old", "french"), "FR").unwrap_err();
        assert_eq!(e["kind"], "kind_invalid");
        assert_eq!(e["country"], "country_invalid");
        assert_eq!(e["age"], "age_invalid");
        assert_eq!(e["language"], "language_invalid");
        let long = "x".repeat(101);
        assert_eq!(
            needs_of(&input(&[], "", &long, "", ""), "FR").unwrap_err()["area"],
            "area_too_long"
        );
    }

    #[test]
    fn ages_in_whole_years() {
        let d = |s: &str| {
            time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).unwrap()
        };
        assert_eq!(age_on("2010-06-15", d("2026-06-14")), Some(15));
        assert_eq!(age_on("2010-06-15", d("2026-06-15")), Some(16));
        assert_eq!(age_on("nonsense", d("2026-06-15")), None);
        assert_eq!(age_on("2030-01-01", d("2026-06-15")), None);
    }

    #[test]
    fn every_message_key_of_the_directory_exists() {
        let cat = crate::i18n::Catalog::bundled().unwrap();
        for k in ServiceKind::ALL {
            assert!(cat.contains(&format!("kind_{k}")), "kind_{k}");
        }
        for k in [
            "kind_invalid",
            "country_invalid",
            "area_too_long",
            "age_invalid",
            "language_invalid",
            "service_planned",
            "any",
            "whole_country",
            "not_limited",
            "services_title",
            "case_services_title",
        ] {
            assert!(cat.contains(k), "{k}");
        }
    }

    proptest! {
        /// Any typed search validates without panicking; accepted needs are always well formed.
        #[test]
        fn searches_never_panic(kinds in proptest::collection::vec(".{0,12}", 0..3), country in ".{0,4}", area in ".{0,120}", age in ".{0,4}", lang in ".{0,3}") {
            let i = SearchInput { kinds, country, area, age, language: lang };
            if let Ok(n) = needs_of(&i, "FR") {
                prop_assert!(!n.kinds.is_empty());
                prop_assert_eq!(n.country.len(), 2);
                prop_assert!(n.age.is_none_or(|a| a <= 30));
            }
        }
    }
}
