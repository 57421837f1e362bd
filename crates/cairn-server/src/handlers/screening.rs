//! The screening form of a case, its explained result (level, the answers that raised it with their
//! indicator and source, the recommended action) and a professional's confirmation; pages and their
//! JSON twins. The registry scores, seals the answers and audits; this module checks the matrix,
//! that the case is the actor's (lead, or referred and accepted) and validates every field.

use super::api::parse_json;
use crate::auth::Ctx;
use crate::error::AppError;
use crate::handlers::{FormData, check_id};
use crate::i18n::Lang;
use crate::views::{Chrome, FLASH_KEY, fmt_time, render};
use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use cairn_registry::access::CaseAccess;
use cairn_registry::model::{Answer, ReferralStatus, ScreeningLevel};
use cairn_registry::screening::{Questionnaire, ScreeningResult, ScreeningView};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The questionnaire of this build, parsed once.
fn questionnaire() -> Result<&'static Questionnaire, AppError> {
    static Q: OnceLock<Result<Questionnaire, String>> = OnceLock::new();
    Q.get_or_init(|| Questionnaire::builtin().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| AppError::Config(format!("screening questionnaire: {e}")))
}

fn data_lang(lang: Lang) -> cairn_registry::model::Lang {
    match lang {
        Lang::En => cairn_registry::model::Lang::En,
        Lang::Fr => cairn_registry::model::Lang::Fr,
    }
}

/// The catalogue key of a level's label.
pub fn level_key(level: ScreeningLevel) -> &'static str {
    match level {
        ScreeningLevel::NoConcern => "level_no_concern",
        ScreeningLevel::Concern => "level_concern",
        ScreeningLevel::HighConcern => "level_high_concern",
        ScreeningLevel::ImmediateDanger => "level_immediate_danger",
    }
}

/// Screenings and plans hold data about the child: only the lead organisation and an organisation
/// whose referral was accepted work on them (403 otherwise, the registry auditing the refusal).
pub async fn ensure_working_case(ctx: &Ctx, case_id: &str) -> Result<(), AppError> {
    match ctx.state.registry.case_access(&ctx.actor, case_id).await? {
        CaseAccess::Lead
        | CaseAccess::Referred {
            status: ReferralStatus::Accepted,
            ..
        } => Ok(()),
        CaseAccess::Referred { .. } => Err(AppError::Forbidden),
    }
}

/// Every question needs an answer (yes, no or "unknown"): a blank form is not "no concern".
/// Returns the answers, or the error of each field by question id.
pub fn validate_answers(
    q: &Questionnaire,
    given: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, Answer>, BTreeMap<String, String>> {
    let mut errors = BTreeMap::new();
    for id in given.keys() {
        if q.question(id).is_none() {
            errors.insert(id.clone(), "no such question".to_owned());
        }
    }
    let mut answers = BTreeMap::new();
    for question in &q.questions {
        match given.get(&question.id).map(|v| v.trim()) {
            None | Some("") => {
                errors.insert(question.id.clone(), "answer_required".to_owned());
            }
            Some(v) => match v.parse::<Answer>() {
                Ok(a) => {
                    answers.insert(question.id.clone(), a);
                }
                Err(_) => {
                    errors.insert(question.id.clone(), "answer_invalid".to_owned());
                }
            },
        }
    }
    if errors.is_empty() {
        Ok(answers)
    } else {
        Err(errors)
    }
}

pub struct QuestionRow {
    pub id: String,
    pub domain: String,
    pub text: String,
    pub answer: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "screening_form.html")]
pub struct ScreeningFormPage<'a> {
    pub c: Chrome<'a>,
    pub case_id: String,
    pub title: String,
    pub version: u32,
    pub questions: Vec<QuestionRow>,
    pub error_count: usize,
}

fn form_page<'a>(
    ctx: &'a Ctx,
    c: Chrome<'a>,
    case_id: &str,
    given: &BTreeMap<String, String>,
    errors: &BTreeMap<String, String>,
) -> Result<ScreeningFormPage<'a>, AppError> {
    let q = questionnaire()?;
    let lang = data_lang(ctx.lang);
    let questions = q
        .questions
        .iter()
        .map(|x| QuestionRow {
            id: x.id.clone(),
            domain: ctx.tr().t(&format!("domain_{}", x.domain)),
            text: x.text(lang).to_owned(),
            answer: given.get(&x.id).cloned().unwrap_or_default(),
            error: errors.get(&x.id).map(|k| ctx.tr().t(k)),
        })
        .collect();
    Ok(ScreeningFormPage {
        c,
        case_id: case_id.to_owned(),
        title: q.title.get(lang).to_owned(),
        version: q.version,
        questions,
        error_count: errors.len(),
    })
}

pub async fn new_form(ctx: Ctx, Path(case_id): Path<String>) -> Result<Response, AppError> {
    ctx.require("screening.create")?;
    let case_id = check_id(&case_id)?;
    ensure_working_case(&ctx, case_id).await?;
    let c = Chrome::for_user(&ctx, "screening_new_title").await;
    render(&form_page(
        &ctx,
        c,
        case_id,
        &BTreeMap::new(),
        &BTreeMap::new(),
    )?)
}

pub async fn submit(
    ctx: Ctx,
    Path(case_id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    ctx.require("screening.create")?;
    let case_id = check_id(&case_id)?;
    ensure_working_case(&ctx, case_id).await?;
    let form = FormData::parse(&body)?;
    let q = questionnaire()?;
    // Only question fields count; the CSRF token and buttons are not answers.
    let given: BTreeMap<String, String> = q
        .questions
        .iter()
        .filter_map(|x| form.get(&x.id).map(|v| (x.id.clone(), v.to_owned())))
        .collect();
    match validate_answers(q, &given) {
        Ok(answers) => {
            let (id, _) = ctx
                .state
                .registry
                .record_screening(&ctx.actor, case_id, q, &answers)
                .await?;
            Ok(Redirect::to(&format!("/cases/{case_id}/screenings/{id}")).into_response())
        }
        Err(errors) => {
            let c = Chrome::for_user(&ctx, "screening_new_title").await;
            let page = form_page(&ctx, c, case_id, &given, &errors)?;
            let html = render(&page)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
    }
}

pub struct ScreeningRow {
    pub id: String,
    pub at: String,
    pub level_key: &'static str,
    pub confirmed_key: Option<&'static str>,
    pub score: u32,
}

#[derive(Template)]
#[template(path = "screenings.html")]
pub struct ScreeningsPage<'a> {
    pub c: Chrome<'a>,
    pub case_id: String,
    pub rows: Vec<ScreeningRow>,
    pub may_create: bool,
}

pub async fn list(ctx: Ctx, Path(case_id): Path<String>) -> Result<Response, AppError> {
    ctx.require("screening.view")?;
    let case_id = check_id(&case_id)?;
    ensure_working_case(&ctx, case_id).await?;
    let views = ctx
        .state
        .registry
        .screenings_of(&ctx.actor, case_id)
        .await?;
    let rows = views
        .iter()
        .rev()
        .map(|s| ScreeningRow {
            id: s.id.clone(),
            at: fmt_time(ctx.lang, &s.screened_at),
            level_key: level_key(s.result.level),
            confirmed_key: s.confirmed_level.map(level_key),
            score: s.result.score,
        })
        .collect();
    render(&ScreeningsPage {
        c: Chrome::for_user(&ctx, "screenings_title").await,
        case_id: case_id.to_owned(),
        rows,
        may_create: ctx.may("screening.create"),
    })
}

/// One answer that raised the level, explained.
pub struct EvidenceRow {
    pub question: String,
    pub indicator: String,
    pub source: String,
    pub weight: u32,
    pub raises_key: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "screening.html")]
pub struct ScreeningPage<'a> {
    pub c: Chrome<'a>,
    pub case_id: String,
    pub id: String,
    pub questionnaire: String,
    pub at: String,
    pub level_key: &'static str,
    pub level: String,
    pub score: u32,
    pub concern_at: u32,
    pub high_concern_at: u32,
    pub evidence: Vec<EvidenceRow>,
    pub ask_again: Vec<String>,
    pub action: String,
    pub confirmed: Option<(String, &'static str)>,
    pub confirmation_note: String,
    pub may_confirm: bool,
    pub levels: Vec<(String, &'static str)>,
    pub chosen_level: String,
    pub note: String,
    pub level_error: Option<String>,
    pub note_error: Option<String>,
}

async fn find_screening(
    ctx: &Ctx,
    case_id: &str,
    screening_id: &str,
) -> Result<ScreeningView, AppError> {
    ctx.state
        .registry
        .screenings_of(&ctx.actor, case_id)
        .await?
        .into_iter()
        .find(|s| s.id == screening_id)
        .ok_or(AppError::NotFound)
}

struct ConfirmInput {
    level: String,
    note: String,
    level_error: Option<String>,
    note_error: Option<String>,
}

async fn result_page<'a>(
    ctx: &'a Ctx,
    s: &ScreeningView,
    input: ConfirmInput,
) -> Result<ScreeningPage<'a>, AppError> {
    let q = questionnaire()?;
    let lang = data_lang(ctx.lang);
    let r: &ScreeningResult = &s.result;
    // A screening scored by another version keeps its indicators; the texts are this build's.
    let same_version = r.questionnaire_id == q.id && r.questionnaire_version == q.version;
    let question_of = |id: &str| q.question(id).filter(|_| same_version);
    let evidence = r
        .raised_by
        .iter()
        .map(|e| EvidenceRow {
            question: question_of(&e.question)
                .map(|x| x.text(lang).to_owned())
                .unwrap_or_else(|| e.question.clone()),
            indicator: e.indicator.clone(),
            source: question_of(&e.question)
                .map(|x| x.source.clone())
                .unwrap_or_default(),
            weight: e.weight,
            raises_key: e.raises.map(level_key),
        })
        .collect();
    let ask_again = r
        .unknown
        .iter()
        .chain(r.unanswered.iter())
        .map(|id| {
            question_of(id)
                .map(|x| x.text(lang).to_owned())
                .unwrap_or_else(|| id.clone())
        })
        .collect();
    let confirmed = match (&s.confirmed_at, s.confirmed_level) {
        (Some(at), Some(l)) => Some((fmt_time(ctx.lang, at), level_key(l))),
        _ => None,
    };
    Ok(ScreeningPage {
        case_id: s.case_id.clone(),
        id: s.id.clone(),
        questionnaire: format!("{} v{}", r.questionnaire_id, r.questionnaire_version),
        at: fmt_time(ctx.lang, &s.screened_at),
        level_key: level_key(r.level),
        level: r.level.to_string(),
        score: r.score,
        concern_at: q.thresholds.concern,
        high_concern_at: q.thresholds.high_concern,
        evidence,
        ask_again,
        action: r.action.get(lang).to_owned(),
        confirmation_note: s.confirmation_note.clone().unwrap_or_default(),
        may_confirm: confirmed.is_none() && ctx.may("screening.confirm"),
        confirmed,
        levels: ScreeningLevel::ALL
            .iter()
            .map(|l| (l.to_string(), level_key(*l)))
            .collect(),
        chosen_level: if input.level.is_empty() {
            r.level.to_string()
        } else {
            input.level
        },
        note: input.note,
        level_error: input.level_error,
        note_error: input.note_error,
        c: Chrome::for_user(ctx, "screening_title").await,
    })
}

pub async fn show(
    ctx: Ctx,
    Path((case_id, screening_id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    ctx.require("screening.view")?;
    let case_id = check_id(&case_id)?;
    let screening_id = check_id(&screening_id)?;
    ensure_working_case(&ctx, case_id).await?;
    let s = find_screening(&ctx, case_id, screening_id).await?;
    let input = ConfirmInput {
        level: String::new(),
        note: String::new(),
        level_error: None,
        note_error: None,
    };
    render(&result_page(&ctx, &s, input).await?)
}

const NOTE_MAX: usize = 2000;

/// The message keys of a confirmation's errors: at the level, at the reason.
pub type FieldErrors = (Option<&'static str>, Option<&'static str>);

/// What a confirmation may carry: the level the professional sets (the flagged one when absent)
/// and a reason, required when the level differs. Errors by field.
pub fn validate_confirmation(
    flagged: ScreeningLevel,
    level: Option<&str>,
    note: Option<&str>,
) -> Result<(ScreeningLevel, Option<String>), FieldErrors> {
    let level = match level.map(str::trim).filter(|l| !l.is_empty()) {
        None => Ok(flagged),
        Some(l) => l.parse::<ScreeningLevel>().map_err(|_| "level_invalid"),
    };
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    let note_error = match (&level, note) {
        (_, Some(n)) if n.chars().count() > NOTE_MAX => Some("note_too_long"),
        (Ok(l), None) if *l != flagged => Some("confirmation_reason_required"),
        _ => None,
    };
    match (level, note_error) {
        (Ok(l), None) => Ok((l, note.map(str::to_owned))),
        (l, n) => Err((l.err(), n)),
    }
}

pub async fn confirm(
    ctx: Ctx,
    Path((case_id, screening_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    ctx.require("screening.confirm")?;
    let case_id = check_id(&case_id)?;
    let screening_id = check_id(&screening_id)?;
    ensure_working_case(&ctx, case_id).await?;
    let form = FormData::parse(&body)?;
    let s = find_screening(&ctx, case_id, screening_id).await?;
    match validate_confirmation(s.result.level, form.get("level"), form.get("note")) {
        Ok((level, note)) => {
            let r = ctx
                .state
                .registry
                .confirm_screening(&ctx.actor, screening_id, Some(level), note.as_deref())
                .await;
            let msg = match r {
                Ok(_) => ctx.tr().t("screening_confirmed"),
                // Confirmed meanwhile by a colleague: said on the page, nothing lost.
                Err(cairn_registry::RegistryError::Invalid { message, .. }) => {
                    format!("{}: {message}", ctx.tr().t("error_bad_request"))
                }
                Err(e) => return Err(e.into()),
            };
            ctx.session
                .insert(FLASH_KEY, msg)
                .await
                .map_err(crate::auth::session_err)?;
            Ok(
                Redirect::to(&format!("/cases/{case_id}/screenings/{screening_id}"))
                    .into_response(),
            )
        }
        Err((level_error, note_error)) => {
            let input = ConfirmInput {
                level: form.get("level").unwrap_or_default().to_owned(),
                note: form.get("note").unwrap_or_default().to_owned(),
                level_error: level_error.map(|k| ctx.tr().t(k)),
                note_error: note_error.map(|k| ctx.tr().t(k)),
            };
            let html = render(&result_page(&ctx, &s, input).await?)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
    }
}

// --- JSON API -----------------------------------------------------------------------------------

#[utoipa::path(get, path = "/api/cases/{case}/screenings", tag = "screenings",
    params(("case" = String, Path, description = "Case id")),
    responses(
        (status = 200, description = "The case's screenings: level, the answers that raised it with their indicator and source, the recommended action, and whether a professional confirmed it", body = Vec<cairn_registry::screening::ScreeningView>),
        (status = 401, description = "No session or token"),
        (status = 403, description = "The role may not do this, or the case is neither the organisation's nor referred to it and accepted"),
        (status = 404, description = "No such case"),
    ))]
pub async fn api_list(
    ctx: Ctx,
    Path(case_id): Path<String>,
) -> Result<Json<Vec<ScreeningView>>, AppError> {
    ctx.require("screening.view")?;
    let case_id = check_id(&case_id)?;
    ensure_working_case(&ctx, case_id).await?;
    Ok(Json(
        ctx.state
            .registry
            .screenings_of(&ctx.actor, case_id)
            .await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewScreening {
    /// Question id → "yes", "no" or "unknown"; every question of the questionnaire.
    pub answers: BTreeMap<String, String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ScreeningCreated {
    pub id: String,
    pub result: ScreeningResult,
}

#[utoipa::path(post, path = "/api/cases/{case}/screenings", tag = "screenings",
    params(("case" = String, Path, description = "Case id")),
    request_body(content = NewScreening, description = "Every question of the questionnaire answered yes, no or unknown", content_type = "application/json"),
    responses(
        (status = 200, description = "The screening's id and its explained result (a flag for a professional to confirm, never a decision)", body = ScreeningCreated),
        (status = 422, description = "A missing or invalid answer, named by its question"),
        (status = 401, description = "No session or token"),
        (status = 403, description = "The role may not do this, or the case is neither the organisation's nor referred to it and accepted"),
        (status = 404, description = "No such case"),
    ))]
pub async fn api_create(
    ctx: Ctx,
    Path(case_id): Path<String>,
    body: Bytes,
) -> Result<Json<ScreeningCreated>, AppError> {
    ctx.require("screening.create")?;
    let case_id = check_id(&case_id)?;
    ensure_working_case(&ctx, case_id).await?;
    let body: NewScreening = parse_json(&body)?;
    let q = questionnaire()?;
    let answers = validate_answers(q, &body.answers).map_err(|errors| {
        let (field, key) = errors.into_iter().next().unwrap_or_default();
        AppError::Invalid {
            field: format!("answers.{field}"),
            message: key.replace('_', " "),
        }
    })?;
    let (id, result) = ctx
        .state
        .registry
        .record_screening(&ctx.actor, case_id, q, &answers)
        .await?;
    Ok(Json(ScreeningCreated { id, result }))
}

#[derive(Debug, Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Confirmation {
    /// Another level than the computed one (none, low, medium, high).
    pub level: Option<String>,
    /// Why, required when the level differs.
    pub note: Option<String>,
}

/// The level a professional confirmed.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Confirmed {
    pub confirmed_level: cairn_registry::model::ScreeningLevel,
}

#[utoipa::path(post, path = "/api/cases/{case}/screenings/{screening}/confirm", tag = "screenings",
    params(("case" = String, Path, description = "Case id"), ("screening" = String, Path, description = "Screening id")),
    request_body(content = Confirmation, description = "An optional other level, and the reason, required when the level differs", content_type = "application/json"),
    responses(
        (status = 200, description = "The confirmed level", body = Confirmed),
        (status = 422, description = "An unknown level, or a different level without a reason"),
        (status = 401, description = "No session or token"),
        (status = 403, description = "The role may not do this, or the case is neither the organisation's nor referred to it and accepted"),
        (status = 404, description = "No such case"),
    ))]
pub async fn api_confirm(
    ctx: Ctx,
    Path((case_id, screening_id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Confirmed>, AppError> {
    ctx.require("screening.confirm")?;
    let case_id = check_id(&case_id)?;
    let screening_id = check_id(&screening_id)?;
    ensure_working_case(&ctx, case_id).await?;
    let body: Confirmation = parse_json(&body)?;
    let s = find_screening(&ctx, case_id, screening_id).await?;
    let (level, note) =
        validate_confirmation(s.result.level, body.level.as_deref(), body.note.as_deref())
            .map_err(|(l, n)| {
                let (field, key) = match (l, n) {
                    (Some(k), _) => ("level", k),
                    (None, Some(k)) => ("note", k),
                    (None, None) => ("body", "error_bad_request"),
                };
                AppError::Invalid {
                    field: field.into(),
                    message: key.replace('_', " "),
                }
            })?;
    let confirmed = ctx
        .state
        .registry
        .confirm_screening(&ctx.actor, screening_id, Some(level), note.as_deref())
        .await?;
    Ok(Json(Confirmed {
        confirmed_level: confirmed,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn all(answer: &str) -> BTreeMap<String, String> {
        questionnaire()
            .unwrap()
            .questions
            .iter()
            .map(|x| (x.id.clone(), answer.to_owned()))
            .collect()
    }

    #[test]
    fn every_question_needs_an_answer_and_errors_name_the_field() {
        let q = questionnaire().unwrap();
        let mut given = all("no");
        let first = q.questions[0].id.clone();
        given.remove(&first);
        given.insert(q.questions[1].id.clone(), "maybe".into());
        given.insert("nonsense".into(), "yes".into());
        let errors = validate_answers(q, &given).unwrap_err();
        assert_eq!(errors[&first], "answer_required");
        assert_eq!(errors[&q.questions[1].id], "answer_invalid");
        assert!(errors.contains_key("nonsense"));
        assert_eq!(errors.len(), 3);
        let ok = validate_answers(q, &all("unknown")).unwrap();
        assert_eq!(ok.len(), q.questions.len());
    }

    #[test]
    fn confirming_another_level_needs_a_reason() {
        use ScreeningLevel::*;
        assert_eq!(
            validate_confirmation(Concern, None, None),
            Ok((Concern, None))
        );
        assert_eq!(
            validate_confirmation(Concern, Some("high_concern"), None),
            Err((None, Some("confirmation_reason_required")))
        );
        assert_eq!(
            validate_confirmation(Concern, Some("high_concern"), Some(" seen twice ")),
            Ok((HighConcern, Some("seen twice".into())))
        );
        assert_eq!(
            validate_confirmation(Concern, Some("severe"), None),
            Err((Some("level_invalid"), None))
        );
        let long = "x".repeat(NOTE_MAX + 1);
        assert_eq!(
            validate_confirmation(Concern, None, Some(&long)),
            Err((None, Some("note_too_long")))
        );
    }

    #[test]
    fn every_message_key_of_the_screens_exists() {
        let cat = crate::i18n::Catalog::bundled().unwrap();
        let q = questionnaire().unwrap();
        let mut keys: Vec<String> = ScreeningLevel::ALL
            .iter()
            .map(|l| level_key(*l).to_owned())
            .collect();
        keys.extend(q.questions.iter().map(|x| format!("domain_{}", x.domain)));
        keys.extend(
            [
                "answer_required",
                "answer_invalid",
                "level_invalid",
                "note_too_long",
                "confirmation_reason_required",
                "screening_confirmed",
            ]
            .map(str::to_owned),
        );
        for k in keys {
            assert!(cat.contains(&k), "{k} missing from messages.toml");
        }
    }

    proptest! {
        /// Any map of strings validates without panicking, and is accepted exactly when every
        /// question has an accepted answer and nothing else is given.
        #[test]
        fn validation_accepts_exactly_complete_answer_sets(
            picks in proptest::collection::vec(0usize..5, 23),
            extra in proptest::option::of("[a-z_]{1,12}"),
        ) {
            let q = questionnaire().unwrap();
            let vocab = ["yes", "no", "unknown", "", "YES "];
            let mut given: BTreeMap<String, String> = q.questions.iter().zip(picks.iter().cycle())
                .map(|(x, p)| (x.id.clone(), vocab[*p].to_owned())).collect();
            if let Some(e) = &extra { given.insert(e.clone(), "yes".into()); }
            let complete = given.iter().all(|(k, v)| q.question(k).is_some() && !v.trim().is_empty());
            let r = validate_answers(q, &given);
            prop_assert_eq!(r.is_ok(), complete);
            if let Ok(a) = r { prop_assert_eq!(a.len(), q.questions.len()); }
        }
    }
}
