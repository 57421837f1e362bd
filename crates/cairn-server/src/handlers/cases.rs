//! Dashboard, case list, case file, new case, notes, consents, statement access requests.

use crate::auth::Ctx;
use crate::error::AppError;
use crate::handlers::{FormData, check_id};
use crate::i18n::Lang;
use crate::views::{
    CasePage, CaseRow, CasesPage, Choice, Chrome, ConsentRow, DashboardPage, EventRow, FLASH_KEY,
    NewCasePage, NoteRow, PersonDisplay, ReferralRow, fmt_time, render,
};
use axum::body::Bytes;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use cairn_registry::NewConsent;
use cairn_registry::access::{
    CaseAccess, CaseSummary, NewCaseWithPerson, PersonPart, ReferralView,
};
use cairn_registry::model::{
    ConsentGiver, DataCategory, Gender, Purpose, ReferralStatus, VictimStatus, Vulnerability,
};
use cairn_registry::{PersonFields, check_country};

pub fn case_row(lang: Lang, c: &CaseSummary) -> CaseRow {
    CaseRow {
        id: c.id.clone(),
        status: c.status.to_string(),
        lead: c.lead_organisation.clone(),
        opened: fmt_time(lang, &c.opened_at),
        referred: matches!(c.access, CaseAccess::Referred { .. }),
    }
}

pub fn referral_row(ctx: &Ctx, r: &ReferralView) -> ReferralRow {
    let incoming = r.to_organisation_id == ctx.actor.organisation_id;
    let outgoing = r.from_organisation_id == ctx.actor.organisation_id;
    let respond = ctx.may("referral.respond");
    ReferralRow {
        id: r.id.clone(),
        case_id: r.case_id.clone(),
        from: r.from_organisation.clone(),
        to: r.to_organisation.clone(),
        status: r.status.to_string(),
        reason: r.reason.clone().unwrap_or_default(),
        decline_reason: r.decline_reason.clone().unwrap_or_default(),
        sent: fmt_time(ctx.lang, &r.sent_at),
        overdue: r.overdue,
        incoming,
        can_receive: respond && incoming && r.status == ReferralStatus::Sent,
        can_answer: respond && incoming && r.status == ReferralStatus::Received,
        can_close: respond && (incoming || outgoing) && r.status == ReferralStatus::Accepted,
    }
}

pub async fn home(ctx: Ctx) -> Result<Redirect, AppError> {
    ctx.require("dashboard.view")?;
    Ok(Redirect::to("/dashboard"))
}

pub async fn dashboard(ctx: Ctx) -> Result<Response, AppError> {
    ctx.require("dashboard.view")?;
    let works = ctx.may("case.list");
    let (cases, incoming, overdue) = if works {
        let cases = ctx.state.registry.visible_cases(&ctx.actor).await?;
        let refs = ctx
            .state
            .registry
            .referrals_of_organisation(&ctx.actor)
            .await?;
        let incoming = refs
            .iter()
            .filter(|r| {
                r.to_organisation_id == ctx.actor.organisation_id
                    && matches!(r.status, ReferralStatus::Sent | ReferralStatus::Received)
            })
            .map(|r| referral_row(&ctx, r))
            .collect();
        let overdue = refs
            .iter()
            .filter(|r| r.overdue)
            .map(|r| referral_row(&ctx, r))
            .collect();
        (
            cases.iter().map(|c| case_row(ctx.lang, c)).collect(),
            incoming,
            overdue,
        )
    } else {
        (Vec::new(), Vec::new(), Vec::new())
    };
    render(&DashboardPage {
        c: Chrome::for_user(&ctx, "dashboard_title").await,
        works_on_cases: works,
        cases,
        incoming,
        overdue,
    })
}

pub async fn list(ctx: Ctx) -> Result<Response, AppError> {
    ctx.require("case.list")?;
    let cases = ctx.state.registry.visible_cases(&ctx.actor).await?;
    render(&CasesPage {
        cases: cases.iter().map(|c| case_row(ctx.lang, c)).collect(),
        c: Chrome::for_user(&ctx, "cases_title").await,
    })
}

fn choices<T: Copy + std::fmt::Display>(all: &[T]) -> Vec<Choice> {
    all.iter()
        .map(|v| Choice {
            value: v.to_string(),
            label: v.to_string(),
        })
        .collect()
}

pub async fn new_form(ctx: Ctx) -> Result<Response, AppError> {
    ctx.require("case.create")?;
    render(&NewCasePage {
        c: Chrome::for_user(&ctx, "new_case_title").await,
        genders: choices(Gender::ALL),
        vulnerabilities: choices(Vulnerability::ALL),
    })
}

fn limited(form: &FormData, name: &str, max: usize) -> Result<Option<String>, AppError> {
    match form.get(name) {
        Some(v) if v.chars().count() > max => Err(AppError::Invalid {
            field: name.into(),
            message: format!("at most {max} characters"),
        }),
        v => Ok(v.map(str::to_owned)),
    }
}

pub async fn create(ctx: Ctx, body: Bytes) -> Result<Response, AppError> {
    ctx.require("case.create")?;
    let form = FormData::parse(&body)?;
    let birthdate = limited(&form, "birthdate", 10)?;
    if let Some(b) = &birthdate
        && time::Date::parse(b, time::macros::format_description!("[year]-[month]-[day]")).is_err()
    {
        return Err(AppError::Invalid {
            field: "birthdate".into(),
            message: "a date as YYYY-MM-DD".into(),
        });
    }
    let nationality = limited(&form, "nationality", 2)?.map(|n| n.to_ascii_uppercase());
    if let Some(n) = &nationality {
        check_country(n, "nationality")?;
    }
    let vulnerabilities = form
        .all("vulnerability")
        .into_iter()
        .map(|v| {
            v.parse::<Vulnerability>().map_err(|_| AppError::Invalid {
                field: "vulnerability".into(),
                message: format!("{v:?} is not an accepted value"),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let fields = PersonFields {
        first_name: limited(&form, "first_name", 200)?,
        second_name: limited(&form, "second_name", 200)?,
        birthdate,
        mobile_phone: limited(&form, "mobile_phone", 40)?,
        gender: form.parse_as::<Gender>("gender")?,
        nationality,
        ..PersonFields::default()
    };
    let id = ctx
        .state
        .registry
        .create_case_with_person(
            &ctx.actor,
            &NewCaseWithPerson {
                victim_status: Some(VictimStatus::Possible),
                fields,
                vulnerabilities,
            },
        )
        .await?;
    Ok(Redirect::to(&format!("/cases/{id}")).into_response())
}

fn person_display(lang: Lang, p: &cairn_registry::PersonView) -> PersonDisplay {
    let f = &p.fields;
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    PersonDisplay {
        id: p.id.clone(),
        victim_status: p.victim_status.to_string(),
        first_name: s(&f.first_name),
        second_name: s(&f.second_name),
        birthdate: f
            .birthdate
            .as_deref()
            .map(|b| fmt_time(lang, b))
            .unwrap_or_default(),
        mobile_phone: s(&f.mobile_phone),
        gender: f.gender.map(|g| g.to_string()).unwrap_or_default(),
        nationality: s(&f.nationality),
    }
}

pub async fn show(ctx: Ctx, Path(case_id): Path<String>) -> Result<Response, AppError> {
    ctx.require("case.view")?;
    let case_id = check_id(&case_id)?;
    let reg = &ctx.state.registry;
    let file = reg.case_file(&ctx.actor, case_id).await?;
    let orgs = reg.organisations().await?;
    let org_name = |id: &str| {
        orgs.iter()
            .find(|o| o.id == id)
            .map(|o| o.name.clone())
            .unwrap_or_else(|| id.to_owned())
    };
    let lead = file.access == CaseAccess::Lead;
    let (person, withheld_key) = match &file.person {
        PersonPart::Shown(p) => (Some(person_display(ctx.lang, p)), None),
        PersonPart::Withheld { reason } if reason == "share_refused" => {
            (None, Some("withheld_share"))
        }
        PersonPart::Withheld { .. } => (None, Some("withheld_role")),
    };
    let may_consent = lead && ctx.may("consent.record");
    let page = CasePage {
        id: file.case.id.clone(),
        status: file.case.status.to_string(),
        lead: org_name(&file.case.lead_organisation_id),
        opened: fmt_time(ctx.lang, &file.case.opened_at),
        vulnerabilities: file
            .case
            .vulnerabilities
            .iter()
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join(", "),
        person,
        withheld_key,
        details_shown: file.details_shown,
        events: file
            .events
            .iter()
            .map(|e| EventRow {
                kind: e.kind.map(|k| k.to_string()).unwrap_or_default(),
                place: [e.place_city.as_deref(), e.place_country.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", "),
                date: e
                    .occurred_on
                    .as_deref()
                    .map(|d| fmt_time(ctx.lang, d))
                    .unwrap_or_default(),
                means: e.means.join(", "),
                form: e.form.clone().unwrap_or_default(),
            })
            .collect(),
        referrals: file
            .referrals
            .iter()
            .map(|r| referral_row(&ctx, r))
            .collect(),
        consents: file
            .consents
            .iter()
            .map(|k| ConsentRow {
                id: k.id.clone(),
                purpose: k.purpose.to_string(),
                recipient: k
                    .recipient_organisation_id
                    .as_deref()
                    .map(org_name)
                    .unwrap_or_default(),
                categories: k
                    .categories
                    .iter()
                    .map(|c| c.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                state_key: if k.withdrawn {
                    "withdrawn"
                } else if k.in_force {
                    "in_force"
                } else {
                    "expired"
                },
                can_withdraw: !k.withdrawn && ctx.may("consent.withdraw"),
            })
            .collect(),
        statement_exists: file.statement.is_some(),
        statement_may_view: file.statement.as_ref().is_some_and(|s| s.may_view),
        notes: file
            .notes
            .iter()
            .map(|n| NoteRow {
                body: n.body.clone(),
                at: fmt_time(ctx.lang, &n.created_at),
            })
            .collect(),
        may_note: ctx.may("note.add")
            && (lead
                || matches!(
                    file.access,
                    CaseAccess::Referred {
                        status: ReferralStatus::Accepted,
                        ..
                    }
                )),
        may_consent,
        may_refer: lead && ctx.may("referral.send"),
        may_request_statement: ctx.may("statement.request"),
        may_screen: ctx.may("screening.view"),
        organisations: orgs
            .iter()
            .filter(|o| o.id != ctx.actor.organisation_id)
            .map(|o| Choice {
                value: o.id.clone(),
                label: format!("{} ({}, {})", o.name, o.org_type, o.country),
            })
            .collect(),
        purposes: choices(Purpose::ALL),
        categories: choices(DataCategory::ALL),
        givers: choices(ConsentGiver::ALL),
        c: Chrome::for_user(&ctx, "case").await,
    };
    render(&page)
}

/// Refuses (403, audited by the registry) a case the actor's organisation may not open, before
/// anything of the request is validated: another organisation learns nothing from the answer.
pub async fn ensure_case(ctx: &Ctx, case_id: &str) -> Result<(), AppError> {
    ctx.state.registry.case_access(&ctx.actor, case_id).await?;
    Ok(())
}

/// After a write: back to the case, with a message when the registry refused.
pub async fn back_to_case(
    ctx: &Ctx,
    case_id: &str,
    result: Result<(), AppError>,
) -> Result<Response, AppError> {
    match result {
        Ok(()) => {}
        Err(e @ (AppError::Refused { .. } | AppError::Invalid { .. })) => {
            let msg = format!(
                "{}: {}",
                ctx.tr().t(e.message_key()),
                e.detail().unwrap_or_default()
            );
            ctx.session
                .insert(FLASH_KEY, msg)
                .await
                .map_err(crate::auth::session_err)?;
        }
        Err(e) => return Err(e),
    }
    Ok(Redirect::to(&format!("/cases/{case_id}")).into_response())
}

pub async fn add_note(
    ctx: Ctx,
    Path(case_id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    ctx.require("note.add")?;
    let case_id = check_id(&case_id)?;
    ensure_case(&ctx, case_id).await?;
    let form = FormData::parse(&body)?;
    let text = form.required("body")?;
    let r = ctx.state.registry.add_note(&ctx.actor, case_id, text).await;
    back_to_case(&ctx, case_id, r.map(|_| ()).map_err(AppError::from)).await
}

pub fn new_consent(form: &FormData) -> Result<NewConsent, AppError> {
    let purpose = form
        .parse_as::<Purpose>("purpose")?
        .ok_or(AppError::Invalid {
            field: "purpose".into(),
            message: "required".into(),
        })?;
    let categories = form
        .all("category")
        .into_iter()
        .map(|c| {
            c.parse::<DataCategory>().map_err(|_| AppError::Invalid {
                field: "category".into(),
                message: format!("{c:?} is not an accepted value"),
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let recipient = match form.get("recipient") {
        Some(r) => Some(
            check_id(r)
                .map_err(|_| AppError::Invalid {
                    field: "recipient".into(),
                    message: "unknown organisation".into(),
                })?
                .to_owned(),
        ),
        None => None,
    };
    Ok(NewConsent {
        person_id: String::new(), // set by the registry from the case
        purpose,
        recipient_organisation_id: recipient,
        categories,
        giver: form
            .parse_as::<ConsentGiver>("giver")?
            .unwrap_or(ConsentGiver::Person),
        given_at: None,
        expires_at: None,
    })
}

pub async fn record_consent(
    ctx: Ctx,
    Path(case_id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    ctx.require("consent.record")?;
    let case_id = check_id(&case_id)?;
    ensure_case(&ctx, case_id).await?;
    let form = FormData::parse(&body)?;
    let consent = new_consent(&form)?;
    let r = ctx
        .state
        .registry
        .record_case_consent(&ctx.actor, case_id, &consent)
        .await;
    back_to_case(&ctx, case_id, r.map(|_| ()).map_err(AppError::from)).await
}

pub async fn withdraw_consent(
    ctx: Ctx,
    Path((case_id, consent_id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    ctx.require("consent.withdraw")?;
    let case_id = check_id(&case_id)?;
    let consent_id = check_id(&consent_id)?;
    let r = ctx
        .state
        .registry
        .withdraw_case_consent(&ctx.actor, case_id, consent_id)
        .await;
    back_to_case(&ctx, case_id, r.map_err(AppError::from)).await
}

pub async fn request_statement(
    ctx: Ctx,
    Path(case_id): Path<String>,
) -> Result<Response, AppError> {
    ctx.require("statement.request")?;
    let case_id = check_id(&case_id)?;
    ctx.state
        .registry
        .request_case_statement_access(&ctx.actor, case_id)
        .await?;
    ctx.session
        .insert(FLASH_KEY, ctx.tr().t("done"))
        .await
        .map_err(crate::auth::session_err)?;
    Ok(Redirect::to(&format!("/cases/{case_id}")).into_response())
}
