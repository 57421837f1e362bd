//! The bridge: analysts see clusters of the scan store and raise a signal from a cluster or a
//! record to the child-protection organisation on duty; that organisation accepts it (the draft
//! becomes an Active case with its screening pre-filled) or declines it with a reason. Pages and
//! their JSON twins. The registry builds the evidence (never images), scopes and audits.

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
use cairn_registry::screening::Questionnaire;
use cairn_registry::signal::{
    ClusterSummary, SELECTOR_KINDS, SignalEvidence, SignalSource, SignalStatus, SignalView,
};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// Longest note or decline reason accepted.
pub const TEXT_MAX: usize = 2000;

fn questionnaire() -> Result<&'static Questionnaire, AppError> {
    static Q: OnceLock<Result<Questionnaire, String>> = OnceLock::new();
    Q.get_or_init(|| Questionnaire::builtin().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| AppError::Config(format!("screening questionnaire: {e}")))
}

/// Cluster and record ids come from the scan store (URL-derived or hashes): printable, short.
pub(crate) fn check_source_id(id: &str) -> Result<&str, AppError> {
    if !id.is_empty()
        && id.len() <= 200
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
    {
        Ok(id)
    } else {
        Err(AppError::NotFound)
    }
}

/// A free text of at most [`TEXT_MAX`] characters, naming its field when too long.
fn check_text<'a>(field: &str, text: Option<&'a str>) -> Result<&'a str, AppError> {
    let text = text.map(str::trim).unwrap_or_default();
    if text.chars().count() > TEXT_MAX {
        return Err(AppError::Invalid {
            field: field.into(),
            message: format!("at most {TEXT_MAX} characters"),
        });
    }
    Ok(text)
}

fn status_key(s: SignalStatus) -> &'static str {
    match s {
        SignalStatus::Draft => "signal_status_draft",
        SignalStatus::Accepted => "signal_status_accepted",
        SignalStatus::Declined => "signal_status_declined",
    }
}

/// Display rows of the evidence, question texts in the user's language.
pub struct EvidenceRows {
    pub sources: Vec<(String, String, String)>,
    /// Kind, value, number of records, link to "where else does it appear".
    pub selectors: Vec<(String, String, usize, String)>,
    /// Category, rule, record, the question it pre-fills (None: listed as evidence only).
    pub indicators: Vec<(String, String, String, Option<String>)>,
}

fn evidence_rows(ctx: &Ctx, e: &SignalEvidence) -> Result<EvidenceRows, AppError> {
    let q = questionnaire()?;
    let lang = match ctx.lang {
        Lang::En => cairn_registry::model::Lang::En,
        Lang::Fr => cairn_registry::model::Lang::Fr,
    };
    Ok(EvidenceRows {
        sources: e
            .sources
            .iter()
            .map(|s| {
                (
                    s.record.clone(),
                    s.url.clone().unwrap_or_default(),
                    s.captured_at
                        .as_deref()
                        .map(|t| fmt_time(ctx.lang, t))
                        .unwrap_or_default(),
                )
            })
            .collect(),
        selectors: e
            .selectors
            .iter()
            .map(|s| {
                (
                    s.kind.clone(),
                    s.value.clone(),
                    s.records.len(),
                    selector_href(&s.kind, &s.value),
                )
            })
            .collect(),
        indicators: e
            .indicators
            .iter()
            .map(|i| {
                (
                    i.category.clone(),
                    i.rule.clone(),
                    i.record.clone(),
                    i.question
                        .as_deref()
                        .and_then(|id| q.question(id))
                        .map(|x| x.text(lang).to_owned()),
                )
            })
            .collect(),
    })
}

/// Percent-encodes a query value (unreserved characters kept).
fn query_escape(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

pub(crate) fn selector_href(kind: &str, value: &str) -> String {
    format!(
        "/selectors?kind={}&value={}",
        query_escape(kind),
        query_escape(value)
    )
}

// --- where else does this selector appear ----------------------------------------------------

/// Longest selector value searched.
pub const SELECTOR_MAX: usize = 500;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct SelectorQuery {
    /// phone, email, url, handle, wallet, iban, price, age or place
    pub kind: Option<String>,
    /// The exact normalised value, as in the scan's findings
    pub value: Option<String>,
}

/// The kind and value of a search, or the message key of the field in error.
fn validate_selector(q: &SelectorQuery) -> Result<(String, String), (&'static str, &'static str)> {
    let kind = q.kind.as_deref().map(str::trim).unwrap_or_default();
    let value = q.value.as_deref().map(str::trim).unwrap_or_default();
    if !SELECTOR_KINDS.contains(&kind) {
        return Err(("kind", "selector_kind_invalid"));
    }
    if value.is_empty() {
        return Err(("value", "selector_value_required"));
    }
    if value.chars().count() > SELECTOR_MAX {
        return Err(("value", "note_too_long"));
    }
    Ok((kind.to_owned(), value.to_owned()))
}

#[derive(Template)]
#[template(path = "selectors.html")]
pub struct SelectorsPage<'a> {
    pub c: Chrome<'a>,
    pub kinds: &'static [&'static str],
    pub kind: String,
    pub value: String,
    pub kind_error: Option<String>,
    pub value_error: Option<String>,
    pub searched: bool,
    /// Record, URL, capture time, cluster.
    pub hits: Vec<(String, String, String, Option<String>)>,
    pub may_raise: bool,
}

pub async fn selectors(
    ctx: Ctx,
    axum::extract::Query(q): axum::extract::Query<SelectorQuery>,
) -> Result<Response, AppError> {
    ctx.require("investigation.view")?;
    let asked = q.kind.is_some() || q.value.is_some();
    let mut page = SelectorsPage {
        kinds: SELECTOR_KINDS,
        kind: q.kind.clone().unwrap_or_default(),
        value: q.value.clone().unwrap_or_default(),
        kind_error: None,
        value_error: None,
        searched: false,
        hits: Vec::new(),
        may_raise: ctx.may("signal.raise"),
        c: Chrome::for_user(&ctx, "selectors_title").await,
    };
    if !asked {
        return render(&page);
    }
    match validate_selector(&q) {
        Ok((kind, value)) => {
            let hits = ctx
                .state
                .registry
                .selector_occurrences(&ctx.actor, &kind, &value)
                .await?;
            page.searched = true;
            page.hits = hits
                .into_iter()
                .map(|h| {
                    (
                        h.record,
                        h.url.unwrap_or_default(),
                        h.captured_at
                            .as_deref()
                            .map(|t| fmt_time(ctx.lang, t))
                            .unwrap_or_default(),
                        h.cluster,
                    )
                })
                .collect();
            render(&page)
        }
        Err((field, key)) => {
            let message = Some(page.c.t.t(key));
            if field == "kind" {
                page.kind_error = message;
            } else {
                page.value_error = message;
            }
            let mut res = render(&page)?;
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
    }
}

#[utoipa::path(get, path = "/api/selectors", tag = "signals",
    params(SelectorQuery),
    responses(
        (status = 200, description = "Records where this exact selector appears, oldest capture first, with their cluster (at most 1000; no image)", body = Vec<cairn_registry::signal::SelectorHit>),
        (status = 401, description = "No session or token"),
        (status = 403, description = "The role may not search the investigation data"),
        (status = 422, description = "Unknown kind, or no value"),
    ))]
pub async fn api_selectors(
    ctx: Ctx,
    axum::extract::Query(q): axum::extract::Query<SelectorQuery>,
) -> Result<Json<Vec<cairn_registry::signal::SelectorHit>>, AppError> {
    ctx.require("investigation.view")?;
    let (kind, value) = validate_selector(&q).map_err(|(field, key)| AppError::Invalid {
        field: field.into(),
        message: key.replace('_', " "),
    })?;
    Ok(Json(
        ctx.state
            .registry
            .selector_occurrences(&ctx.actor, &kind, &value)
            .await?,
    ))
}

// --- clusters -------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "clusters.html")]
pub struct ClustersPage<'a> {
    pub c: Chrome<'a>,
    pub rows: Vec<(ClusterSummary, String, String)>,
}

pub async fn clusters(ctx: Ctx) -> Result<Response, AppError> {
    ctx.require("investigation.view")?;
    let list = ctx
        .state
        .registry
        .investigation_clusters(&ctx.actor)
        .await?;
    let rows = list
        .into_iter()
        .map(|c| {
            let first = c
                .first_seen
                .as_deref()
                .map(|t| fmt_time(ctx.lang, t))
                .unwrap_or_default();
            let last = c
                .last_seen
                .as_deref()
                .map(|t| fmt_time(ctx.lang, t))
                .unwrap_or_default();
            (c, first, last)
        })
        .collect();
    render(&ClustersPage {
        c: Chrome::for_user(&ctx, "clusters_title").await,
        rows,
    })
}

#[derive(Template)]
#[template(path = "cluster.html")]
pub struct ClusterPage<'a> {
    pub c: Chrome<'a>,
    pub id: String,
    pub evidence: EvidenceRows,
    pub prefilled: usize,
    pub on_duty: Option<String>,
    pub may_raise: bool,
    /// Graph, timeline and moves (investigation screens).
    pub drawing: super::investigation::ClusterDrawingView,
}

pub async fn cluster(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    ctx.require("investigation.view")?;
    let id = check_source_id(&id)?;
    let preview = ctx
        .state
        .registry
        .signal_preview(&ctx.actor, questionnaire()?, SignalSource::Cluster, id)
        .await?;
    render(&ClusterPage {
        evidence: evidence_rows(&ctx, &preview.evidence)?,
        prefilled: preview.prefill.len(),
        on_duty: preview.on_duty.map(|(_, name)| name),
        may_raise: ctx.may("signal.raise"),
        drawing: super::investigation::cluster_drawing_view(&ctx, id).await?,
        id: id.to_owned(),
        c: Chrome::for_user(&ctx, "cluster_title").await,
    })
}

async fn raise(
    ctx: &Ctx,
    source: SignalSource,
    id: &str,
    note: Option<&str>,
) -> Result<SignalView, AppError> {
    ctx.require("signal.raise")?;
    let id = check_source_id(id)?;
    let note = check_text("note", note)?;
    Ok(ctx
        .state
        .registry
        .raise_signal(&ctx.actor, questionnaire()?, source, id, note)
        .await?)
}

async fn raise_page(
    ctx: Ctx,
    source: SignalSource,
    id: &str,
    body: &Bytes,
) -> Result<Response, AppError> {
    ctx.require("signal.raise")?;
    let form = FormData::parse(body)?;
    let view = raise(&ctx, source, id, form.get("note")).await?;
    ctx.session
        .insert(FLASH_KEY, ctx.tr().t("signal_raised"))
        .await
        .map_err(crate::auth::session_err)?;
    Ok(Redirect::to(&format!("/signals/{}", view.id)).into_response())
}

pub async fn raise_from_cluster(
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    raise_page(ctx, SignalSource::Cluster, &id, &body).await
}

pub async fn raise_from_record(
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    raise_page(ctx, SignalSource::Record, &id, &body).await
}

// --- signals --------------------------------------------------------------------------------------

pub struct SignalRow {
    pub id: String,
    pub source: &'static str,
    pub source_id: String,
    pub other: String,
    pub status_key: &'static str,
    pub at: String,
}

fn signal_row(ctx: &Ctx, s: &SignalView, incoming: bool) -> SignalRow {
    SignalRow {
        id: s.id.clone(),
        source: s.source.as_str(),
        source_id: s.source_id.clone(),
        other: if incoming {
            s.from_organisation.clone()
        } else {
            s.to_organisation.clone()
        },
        status_key: status_key(s.status),
        at: fmt_time(ctx.lang, &s.raised_at),
    }
}

#[derive(Template)]
#[template(path = "signals.html")]
pub struct SignalsPage<'a> {
    pub c: Chrome<'a>,
    pub incoming: Vec<SignalRow>,
    pub outgoing: Vec<SignalRow>,
    pub may_investigate: bool,
}

pub async fn list(ctx: Ctx) -> Result<Response, AppError> {
    ctx.require("signal.list")?;
    let all = ctx
        .state
        .registry
        .signals_of_organisation(&ctx.actor)
        .await?;
    let org = &ctx.actor.organisation_id;
    let incoming = all
        .iter()
        .filter(|s| &s.to_organisation_id == org)
        .map(|s| signal_row(&ctx, s, true))
        .collect();
    let outgoing = all
        .iter()
        .filter(|s| &s.from_organisation_id == org)
        .map(|s| signal_row(&ctx, s, false))
        .collect();
    render(&SignalsPage {
        incoming,
        outgoing,
        may_investigate: ctx.may("investigation.view"),
        c: Chrome::for_user(&ctx, "signals_title").await,
    })
}

#[derive(Template)]
#[template(path = "signal.html")]
pub struct SignalPage<'a> {
    pub c: Chrome<'a>,
    pub s: SignalView,
    pub status_key: &'static str,
    pub raised_at: String,
    pub evidence: EvidenceRows,
    pub may_respond: bool,
    pub reason_error: Option<String>,
}

async fn signal_page(
    ctx: &Ctx,
    id: &str,
    reason_error: Option<String>,
) -> Result<Response, AppError> {
    let s = ctx.state.registry.signal(&ctx.actor, id).await?;
    let may_respond = ctx.may("signal.respond")
        && s.to_organisation_id == ctx.actor.organisation_id
        && s.status == SignalStatus::Draft;
    let page = SignalPage {
        status_key: status_key(s.status),
        raised_at: fmt_time(ctx.lang, &s.raised_at),
        evidence: evidence_rows(ctx, &s.evidence)?,
        may_respond,
        reason_error,
        s,
        c: Chrome::for_user(ctx, "signal_title").await,
    };
    render(&page)
}

pub async fn show(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    ctx.require("signal.view")?;
    let id = check_id(&id)?;
    signal_page(&ctx, id, None).await
}

pub async fn accept(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    ctx.require("signal.respond")?;
    let id = check_id(&id)?;
    let case_id = ctx
        .state
        .registry
        .accept_signal(&ctx.actor, questionnaire()?, id)
        .await?;
    ctx.session
        .insert(FLASH_KEY, ctx.tr().t("signal_accepted"))
        .await
        .map_err(crate::auth::session_err)?;
    Ok(Redirect::to(&format!("/cases/{case_id}")).into_response())
}

/// Only the receiving organisation answers: checked before the input, so that others learn
/// nothing from a validation error.
async fn ensure_receiver(ctx: &Ctx, id: &str) -> Result<(), AppError> {
    let s = ctx.state.registry.signal(&ctx.actor, id).await?;
    if s.to_organisation_id == ctx.actor.organisation_id {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

pub async fn decline(ctx: Ctx, Path(id): Path<String>, body: Bytes) -> Result<Response, AppError> {
    ctx.require("signal.respond")?;
    let id = check_id(&id)?;
    ensure_receiver(&ctx, id).await?;
    let form = FormData::parse(&body)?;
    let reason = match form.get("reason") {
        None => Some("signal_reason_required"),
        Some(r) if r.chars().count() > TEXT_MAX => Some("note_too_long"),
        Some(_) => None,
    };
    if let Some(key) = reason {
        // Shown at the field; the page is only for those who may see the signal.
        let mut res = signal_page(&ctx, id, Some(ctx.tr().t(key))).await?;
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(res);
    }
    let reason = form.get("reason").unwrap_or_default();
    ctx.state
        .registry
        .decline_signal(&ctx.actor, id, reason)
        .await?;
    ctx.session
        .insert(FLASH_KEY, ctx.tr().t("signal_declined"))
        .await
        .map_err(crate::auth::session_err)?;
    Ok(Redirect::to(&format!("/signals/{id}")).into_response())
}

// --- JSON API -------------------------------------------------------------------------------------

fn parse_json<T: serde::de::DeserializeOwned + Default>(body: &Bytes) -> Result<T, AppError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    super::api::parse_json(body)
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSignal {
    /// Why the analyst raises it (optional, at most 2000 characters).
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decline {
    /// Why the organisation declines (required, at most 2000 characters).
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Accepted {
    /// The case the draft became (Active, led by the accepting organisation).
    pub case_id: String,
}

#[utoipa::path(get, path = "/api/signals", tag = "signals",
    responses(
        (status = 200, description = "Signals the user's organisation raised or received, newest first, with their evidence (selectors, sources, indicators; never images)", body = Vec<SignalView>),
        (status = 401, description = "No session or token"),
        (status = 403, description = "The role may not list signals"),
    ))]
pub async fn api_list(ctx: Ctx) -> Result<Json<Vec<SignalView>>, AppError> {
    ctx.require("signal.list")?;
    Ok(Json(
        ctx.state
            .registry
            .signals_of_organisation(&ctx.actor)
            .await?,
    ))
}

#[utoipa::path(get, path = "/api/signals/{signal}", tag = "signals",
    params(("signal" = String, Path, description = "Signal id")),
    responses(
        (status = 200, description = "The signal: source, organisations, status, evidence and pre-filled screening answers", body = SignalView),
        (status = 401, description = "No session or token"),
        (status = 403, description = "Neither the raising nor the receiving organisation"),
        (status = 404, description = "No such signal"),
    ))]
pub async fn api_show(ctx: Ctx, Path(id): Path<String>) -> Result<Json<SignalView>, AppError> {
    ctx.require("signal.view")?;
    let id = check_id(&id)?;
    Ok(Json(ctx.state.registry.signal(&ctx.actor, id).await?))
}

#[utoipa::path(post, path = "/api/clusters/{cluster}/signal", tag = "signals",
    params(("cluster" = String, Path, description = "Cluster id of the last link run")),
    request_body = NewSignal,
    responses(
        (status = 200, description = "The signal raised, a draft at the child-protection organisation on duty", body = SignalView),
        (status = 401, description = "No session or token"),
        (status = 403, description = "The role may not raise signals"),
        (status = 404, description = "No such cluster"),
        (status = 422, description = "Invalid body, or no organisation on duty"),
    ))]
pub async fn api_raise_cluster(
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<SignalView>, AppError> {
    ctx.require("signal.raise")?;
    let b: NewSignal = parse_json(&body)?;
    Ok(Json(
        raise(&ctx, SignalSource::Cluster, &id, b.note.as_deref()).await?,
    ))
}

#[utoipa::path(post, path = "/api/records/{record}/signal", tag = "signals",
    params(("record" = String, Path, description = "Record id of the scan store")),
    request_body = NewSignal,
    responses(
        (status = 200, description = "The signal raised, a draft at the child-protection organisation on duty", body = SignalView),
        (status = 401, description = "No session or token"),
        (status = 403, description = "The role may not raise signals"),
        (status = 404, description = "No such record"),
        (status = 422, description = "Invalid body, or no organisation on duty"),
    ))]
pub async fn api_raise_record(
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<SignalView>, AppError> {
    ctx.require("signal.raise")?;
    let b: NewSignal = parse_json(&body)?;
    Ok(Json(
        raise(&ctx, SignalSource::Record, &id, b.note.as_deref()).await?,
    ))
}

#[utoipa::path(post, path = "/api/signals/{signal}/accept", tag = "signals",
    params(("signal" = String, Path, description = "Signal id")),
    responses(
        (status = 200, description = "Accepted: the draft became an Active case with its screening pre-filled", body = Accepted),
        (status = 401, description = "No session or token"),
        (status = 403, description = "Not the receiving organisation, or a role that may not respond"),
        (status = 404, description = "No such signal"),
        (status = 422, description = "The signal was already answered"),
    ))]
pub async fn api_accept(ctx: Ctx, Path(id): Path<String>) -> Result<Json<Accepted>, AppError> {
    ctx.require("signal.respond")?;
    let id = check_id(&id)?;
    let case_id = ctx
        .state
        .registry
        .accept_signal(&ctx.actor, questionnaire()?, id)
        .await?;
    Ok(Json(Accepted { case_id }))
}

#[utoipa::path(post, path = "/api/signals/{signal}/decline", tag = "signals",
    params(("signal" = String, Path, description = "Signal id")),
    request_body = Decline,
    responses(
        (status = 204, description = "Declined, with its reason"),
        (status = 401, description = "No session or token"),
        (status = 403, description = "Not the receiving organisation, or a role that may not respond"),
        (status = 404, description = "No such signal"),
        (status = 422, description = "No reason, or the signal was already answered"),
    ))]
pub async fn api_decline(
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<StatusCode, AppError> {
    ctx.require("signal.respond")?;
    let id = check_id(&id)?;
    ensure_receiver(&ctx, id).await?;
    let b: Decline = parse_json(&body)?;
    let reason = check_text("reason", b.reason.as_deref())?;
    if reason.is_empty() {
        return Err(AppError::Invalid {
            field: "reason".into(),
            message: "required".into(),
        });
    }
    ctx.state
        .registry
        .decline_signal(&ctx.actor, id, reason)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn message_keys_of_the_bridge_exist() {
        let cat = crate::i18n::Catalog::bundled().unwrap();
        for s in [
            SignalStatus::Draft,
            SignalStatus::Accepted,
            SignalStatus::Declined,
        ] {
            assert!(cat.contains(status_key(s)), "{}", status_key(s));
        }
        for k in [
            "signal_raised",
            "signal_accepted",
            "signal_declined",
            "signal_reason_required",
            "note_too_long",
            "selector_kind_invalid",
            "selector_value_required",
        ] {
            assert!(cat.contains(k), "{k}");
        }
    }

    #[test]
    fn texts_are_limited_and_name_their_field() {
        assert_eq!(check_text("note", Some("  hi ")).unwrap(), "hi");
        assert_eq!(check_text("note", None).unwrap(), "");
        let long = "é".repeat(TEXT_MAX + 1);
        match check_text("note", Some(&long)) {
            Err(AppError::Invalid { field, .. }) => assert_eq!(field, "note"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn selector_searches_are_validated_at_their_field() {
        let q = |k: Option<&str>, v: Option<&str>| SelectorQuery {
            kind: k.map(str::to_owned),
            value: v.map(str::to_owned),
        };
        assert_eq!(
            validate_selector(&q(Some("phone"), Some(" +336 "))),
            Ok(("phone".into(), "+336".into()))
        );
        assert_eq!(
            validate_selector(&q(Some("indicator"), Some("x")))
                .unwrap_err()
                .0,
            "kind"
        );
        assert_eq!(
            validate_selector(&q(Some("email"), None)).unwrap_err().0,
            "value"
        );
        let long = "a".repeat(SELECTOR_MAX + 1);
        assert_eq!(
            validate_selector(&q(Some("email"), Some(&long)))
                .unwrap_err()
                .0,
            "value"
        );
        assert_eq!(
            selector_href("handle", "@a b&c"),
            "/selectors?kind=handle&value=%40a%20b%26c"
        );
    }

    proptest! {
        /// Source ids never panic, and only short printable tokens pass.
        #[test]
        fn source_ids_are_checked(id in "\\PC{0,300}") {
            let ok = check_source_id(&id).is_ok();
            let expected = !id.is_empty() && id.len() <= 200
                && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b));
            prop_assert_eq!(ok, expected);
        }
    }
}
