//! Investigation screens: scan runs and their reports, a record with its findings highlighted,
//! a cluster's graph, timeline and moves (script-free SVG from cairn-link, with tables), and the
//! images of the scan store against the known-hash lists, collected images blurred until an
//! audited request. Pages and their JSON twins; analysts only (the matrix and the registry).

use crate::auth::Ctx;
use crate::error::AppError;
use crate::handlers::FormData;
use crate::media::{self, MediaMatch};
use crate::views::{Chrome, fmt_time, render};
use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use cairn_link::view::{ClusterDrawing, add_finding, cluster_drawing, graph_svg, timeline_svg};
use cairn_link::{LinkConfig, LinkInput, RecordMeta};
use cairn_registry::investigation::{
    ClusterDetail, MediaItem, RecordView, ScanReport, ScanRunSummary,
};
use serde::Serialize;
use std::collections::BTreeSet;

/// Session key: the images this session asked (and was audited) to see unblurred.
const UNBLURRED_KEY: &str = "media_unblurred";
/// Most grants a session keeps (the oldest go first).
const UNBLURRED_MAX: usize = 50;
/// How long an audited request lets the session see the image (then it asks again).
const UNBLURRED_SECONDS: u64 = 15 * 60;

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn check_scan(id: &str) -> Result<i64, AppError> {
    id.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or(AppError::NotFound)
}

fn check_media(id: &str) -> Result<&str, AppError> {
    media::check_sha256(id).ok_or(AppError::NotFound)
}

fn time_or_empty(ctx: &Ctx, t: Option<&str>) -> String {
    t.map(|t| fmt_time(ctx.lang, t)).unwrap_or_default()
}

// --- highlighted text ---------------------------------------------------------------------------

/// A piece of a record's text; `class` empty when no finding covers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub text: String,
    pub class: &'static str,
    pub title: String,
}

fn css_class(kind: &str) -> &'static str {
    match kind {
        "phone" => "k-phone",
        "email" => "k-email",
        "url" => "k-url",
        "handle" => "k-handle",
        "wallet" | "iban" => "k-money",
        "price" | "age" => "k-weak",
        "place" => "k-place",
        "indicator" => "k-ind",
        _ => "k-weak",
    }
}

fn priority(kind: &str) -> u8 {
    match kind {
        "indicator" => 3,
        "place" => 2,
        "price" | "age" => 1,
        _ => 0,
    }
}

/// Splits `text` at every finding boundary (byte offsets); spans outside the text or not on
/// character boundaries are left unmarked, never trusted. Each piece is marked with the finding
/// that covers it (selectors over places over indicators). Templates escape every piece.
pub fn segments(text: &str, findings: &[(usize, usize, &str, String)]) -> Vec<Segment> {
    let valid: Vec<&(usize, usize, &str, String)> = findings
        .iter()
        .filter(|(s, e, _, _)| {
            s < e && *e <= text.len() && text.is_char_boundary(*s) && text.is_char_boundary(*e)
        })
        .collect();
    let mut cuts: Vec<usize> = vec![0, text.len()];
    for (s, e, _, _) in &valid {
        cuts.push(*s);
        cuts.push(*e);
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut out = Vec::with_capacity(cuts.len());
    for w in cuts.windows(2) {
        let (s, e) = (w[0], w[1]);
        let Some(piece) = text.get(s..e) else {
            continue;
        };
        let covering: Vec<&&(usize, usize, &str, String)> = valid
            .iter()
            .filter(|(fs, fe, _, _)| *fs <= s && e <= *fe)
            .collect();
        let best = covering.iter().min_by_key(|f| priority(f.2));
        out.push(Segment {
            text: piece.to_owned(),
            class: best.map_or("", |f| css_class(f.2)),
            title: covering
                .iter()
                .map(|f| f.3.as_str())
                .collect::<Vec<_>>()
                .join("; "),
        });
    }
    out
}

// --- scans ----------------------------------------------------------------------------------------

pub struct ScanRow {
    pub id: i64,
    pub started: String,
    pub finished: String,
    pub inputs: String,
    pub records: u64,
    pub new: u64,
    pub known: u64,
    pub media: u64,
    pub errors: u64,
    pub sources: Vec<(String, u64)>,
}

fn scan_row(ctx: &Ctx, r: &ScanRunSummary) -> ScanRow {
    ScanRow {
        id: r.id,
        started: fmt_time(ctx.lang, &r.started_at),
        finished: time_or_empty(ctx, r.finished_at.as_deref()),
        inputs: r.inputs.join(", "),
        records: r.records,
        new: r.records_new,
        known: r.records_known,
        media: r.media,
        errors: r.errors,
        sources: r
            .sources
            .iter()
            .map(|s| (s.source.clone(), s.records))
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "scans.html")]
pub struct ScansPage<'a> {
    pub c: Chrome<'a>,
    pub rows: Vec<ScanRow>,
}

pub async fn scans(ctx: Ctx) -> Result<Response, AppError> {
    ctx.require("investigation.view")?;
    let runs = ctx.state.registry.scan_runs(&ctx.actor).await?;
    render(&ScansPage {
        rows: runs.iter().map(|r| scan_row(&ctx, r)).collect(),
        c: Chrome::for_user(&ctx, "scans_title").await,
    })
}

pub struct Bar {
    pub label: String,
    pub count: u64,
    pub y: u32,
    pub width: u32,
}

/// Bars of the category chart, as `cairn scan --format html` draws them (widths out of 460).
pub fn bars(counts: &[(String, u64)]) -> Vec<Bar> {
    let max = counts.iter().map(|c| c.1).max().unwrap_or(0).max(1);
    counts
        .iter()
        .zip(0u32..)
        .map(|((label, count), i)| Bar {
            label: label.clone(),
            count: *count,
            y: i * 22,
            width: u32::try_from(count.saturating_mul(460) / max)
                .unwrap_or(460)
                .max(1),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "scan.html")]
pub struct ScanPage<'a> {
    pub c: Chrome<'a>,
    pub run: ScanRow,
    pub r: ScanReport,
    pub bars: Vec<Bar>,
    pub chart_height: u32,
    /// Records with findings and their capture time, formatted.
    pub records: Vec<(cairn_registry::investigation::ReportRecord, String)>,
}

pub async fn scan(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    ctx.require("investigation.view")?;
    let id = check_scan(&id)?;
    let r = ctx.state.registry.scan_report(&ctx.actor, id).await?;
    let counts: Vec<(String, u64)> = r
        .categories
        .iter()
        .map(|c| (c.category.clone(), c.records))
        .collect();
    let bars = bars(&counts);
    let records = r
        .records
        .iter()
        .map(|x| (x.clone(), time_or_empty(&ctx, x.captured_at.as_deref())))
        .collect();
    render(&ScanPage {
        records,
        run: scan_row(&ctx, &r.run),
        chart_height: u32::try_from(bars.len()).unwrap_or(0) * 22 + 8,
        bars,
        r,
        c: Chrome::for_user(&ctx, "scan_title").await,
    })
}

#[utoipa::path(get, path = "/api/scans", tag = "investigation",
    responses(
        (status = 200, description = "Scan runs of the store, newest first: inputs, counts, source files (no content)", body = Vec<serde_json::Value>),
        (status = 401, description = "No session or token"),
        (status = 403, description = "The role may not see the investigation data"),
    ))]
pub async fn api_scans(ctx: Ctx) -> Result<Json<Vec<ScanRunSummary>>, AppError> {
    ctx.require("investigation.view")?;
    Ok(Json(ctx.state.registry.scan_runs(&ctx.actor).await?))
}

#[utoipa::path(get, path = "/api/scans/{scan}", tag = "investigation",
    params(("scan" = i64, Path, description = "Scan run id")),
    responses(
        (status = 200, description = "The run's report: counts, findings by kind, languages, top selectors with their records, records per indicator category (audited)", body = serde_json::Value),
        (status = 401, description = "No session or token"),
        (status = 403, description = "The role may not see the investigation data"),
        (status = 404, description = "No such scan run"),
    ))]
pub async fn api_scan(ctx: Ctx, Path(id): Path<String>) -> Result<Json<ScanReport>, AppError> {
    ctx.require("investigation.view")?;
    let id = check_scan(&id)?;
    Ok(Json(ctx.state.registry.scan_report(&ctx.actor, id).await?))
}

// --- record ---------------------------------------------------------------------------------------

pub struct FindingRow {
    pub kind: String,
    pub value: String,
    pub evidence: String,
    pub span: String,
    pub rule: String,
    pub category: String,
    /// "Where else does this selector appear" (None for indicators).
    pub href: Option<String>,
}

#[derive(Template)]
#[template(path = "record.html")]
pub struct RecordPage<'a> {
    pub c: Chrome<'a>,
    pub r: RecordView,
    pub captured: String,
    pub segments: Vec<Segment>,
    pub selectors: Vec<FindingRow>,
    pub indicators: Vec<FindingRow>,
    pub may_raise: bool,
}

pub async fn record(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    ctx.require("investigation.view")?;
    let id = super::signals::check_source_id(&id)?;
    let r = ctx.state.registry.record_view(&ctx.actor, id).await?;
    let spans: Vec<(usize, usize, &str, String)> = r
        .findings
        .iter()
        .map(|f| {
            let title = match &f.category {
                Some(c) if f.kind == "indicator" => format!("{} {} ({c})", f.kind, f.value),
                _ => format!("{} {}", f.kind, f.value),
            };
            (
                usize::try_from(f.start).unwrap_or(usize::MAX),
                usize::try_from(f.end).unwrap_or(usize::MAX),
                f.kind.as_str(),
                title,
            )
        })
        .collect();
    let segments = segments(&r.text, &spans);
    let rows = |indicators: bool| -> Vec<FindingRow> {
        r.findings
            .iter()
            .filter(|f| (f.kind == "indicator") == indicators)
            .map(|f| FindingRow {
                kind: f.kind.clone(),
                value: f.value.clone(),
                evidence: f.evidence.clone(),
                span: format!("{}–{}", f.start, f.end),
                rule: f.rule.clone(),
                category: f.category.clone().unwrap_or_default(),
                href: cairn_registry::signal::SELECTOR_KINDS
                    .contains(&f.kind.as_str())
                    .then(|| super::signals::selector_href(&f.kind, &f.value)),
            })
            .collect()
    };
    let (selectors, indicators) = (rows(false), rows(true));
    render(&RecordPage {
        captured: time_or_empty(&ctx, r.captured_at.as_deref()),
        segments,
        selectors,
        indicators,
        may_raise: ctx.may("signal.raise"),
        r,
        c: Chrome::for_user(&ctx, "record_title").await,
    })
}

#[utoipa::path(get, path = "/api/records/{record}", tag = "investigation",
    params(("record" = String, Path, description = "Record id of the scan store")),
    responses(
        (status = 200, description = "The record: provenance (sources, locators, URL, capture time, SHA-256), extracted text, findings with byte offsets into the text and their rules, cluster (audited)", body = serde_json::Value),
        (status = 401, description = "No session or token"),
        (status = 403, description = "The role may not see the investigation data"),
        (status = 404, description = "No such record"),
    ))]
pub async fn api_record(ctx: Ctx, Path(id): Path<String>) -> Result<Json<RecordView>, AppError> {
    ctx.require("investigation.view")?;
    let id = super::signals::check_source_id(&id)?;
    Ok(Json(ctx.state.registry.record_view(&ctx.actor, id).await?))
}

// --- cluster drawing ------------------------------------------------------------------------------

/// The link input of one cluster's records and findings, as `cairn link` reads them.
fn cluster_input(d: &ClusterDetail) -> LinkInput {
    let mut input = LinkInput::new();
    for m in &d.members {
        input.add_record(RecordMeta {
            id: m.id.clone(),
            url: m.url.clone(),
            captured_at: m.captured_at.clone(),
            lang: m.lang.clone(),
            sha256: m.sha256.clone(),
        });
    }
    for f in &d.findings {
        if let Some(r) = input.record_index(&f.record) {
            add_finding(
                &mut input,
                r,
                &f.kind,
                &f.value,
                f.category.as_deref(),
                &f.detail,
            );
        }
    }
    input
}

/// What the cluster page adds to the bridge's view: drawings and their tables.
pub struct ClusterDrawingView {
    pub graph_svg: String,
    pub timeline_svg: String,
    /// Time, place, record.
    pub timeline: Vec<(String, String, String)>,
    /// Date, from, to, record.
    pub moves: Vec<(String, String, String, String)>,
    /// Kind, value, records: the selectors drawn.
    pub shared: Vec<(String, String, usize)>,
    pub evidence: Vec<String>,
}

pub async fn cluster_drawing_view(ctx: &Ctx, id: &str) -> Result<ClusterDrawingView, AppError> {
    let d = ctx.state.registry.cluster_detail(&ctx.actor, id).await?;
    let drawing = cluster_drawing(&cluster_input(&d), &d.id, &LinkConfig::default());
    let t = ctx.tr();
    let evidence = serde_json::from_str::<cairn_link::Cluster>(&d.summary)
        .map(|c| c.evidence)
        .unwrap_or_default();
    Ok(ClusterDrawingView {
        graph_svg: graph_svg(&drawing.graph, &t.t("cluster_graph")),
        timeline_svg: timeline_svg(&drawing.timeline, &t.t("cluster_timeline")),
        timeline: drawing
            .timeline
            .iter()
            .map(|e| {
                (
                    time_or_empty(ctx, e.time.as_deref()),
                    e.place.clone().unwrap_or_default(),
                    e.record.clone(),
                )
            })
            .collect(),
        moves: drawing
            .moves
            .iter()
            .map(|m| {
                (
                    time_or_empty(ctx, m.date.as_deref()),
                    m.from.clone(),
                    m.to.clone(),
                    m.record.clone(),
                )
            })
            .collect(),
        shared: drawing
            .graph
            .nodes
            .iter()
            .filter(|n| n.kind != "record")
            .map(|n| (n.kind.clone(), n.label.clone(), n.records))
            .collect(),
        evidence,
    })
}

#[derive(Serialize)]
pub struct ClusterJson {
    pub cluster: ClusterDetail,
    pub timeline: Vec<cairn_link::timeline::TimelineEntry>,
    pub moves: Vec<cairn_link::timeline::Move>,
}

#[utoipa::path(get, path = "/api/clusters/{cluster}", tag = "investigation",
    params(("cluster" = String, Path, description = "Cluster id of the last link run")),
    responses(
        (status = 200, description = "The cluster: its records (no text), their findings, the link run's summary, the timeline (main place per record) and the moves between places (audited)", body = serde_json::Value),
        (status = 401, description = "No session or token"),
        (status = 403, description = "The role may not see the investigation data"),
        (status = 404, description = "No such cluster"),
    ))]
pub async fn api_cluster(ctx: Ctx, Path(id): Path<String>) -> Result<Json<ClusterJson>, AppError> {
    ctx.require("investigation.view")?;
    let id = super::signals::check_source_id(&id)?;
    let d = ctx.state.registry.cluster_detail(&ctx.actor, id).await?;
    let ClusterDrawing {
        timeline, moves, ..
    } = cluster_drawing(&cluster_input(&d), &d.id, &LinkConfig::default());
    Ok(Json(ClusterJson {
        cluster: d,
        timeline,
        moves,
    }))
}

// --- media and hash-list matches --------------------------------------------------------------

fn evidence_store(ctx: &Ctx) -> Option<cairn_store::EvidenceStore> {
    ctx.state
        .config
        .data_dir
        .as_ref()
        .map(|d| cairn_store::EvidenceStore::new(d.join("evidence")))
}

/// The bytes of a collected image, when the evidence store holds them.
fn collected_bytes(ctx: &Ctx, sha256: &str) -> Option<Vec<u8>> {
    evidence_store(ctx)?.get(sha256).ok()
}

async fn matches_of(ctx: &Ctx, items: &[MediaItem]) -> Result<Vec<MediaMatch>, AppError> {
    let dir = ctx.state.config.data_dir.clone();
    let items = items.to_vec();
    tokio::task::spawn_blocking(move || media::match_all(dir.as_deref(), &items))
        .await
        .map_err(|_| AppError::Internal("hash-list matching".into()))?
        .map_err(|e| {
            tracing::error!("hash lists: {e}");
            AppError::Internal("hash lists".into())
        })
}

pub struct MatchRow {
    pub sha256: String,
    pub list: String,
    pub entry: String,
    pub category: String,
    pub hash: &'static str,
    pub distance: u32,
    pub places: String,
}

pub struct ImageRow {
    pub sha256: String,
    pub places: String,
    pub size: String,
    pub unblurred: bool,
}

#[derive(Template)]
#[template(path = "media.html")]
pub struct MediaPage<'a> {
    pub c: Chrome<'a>,
    pub matches: Vec<MatchRow>,
    pub images: Vec<ImageRow>,
    pub hashed_only: usize,
    pub lists_configured: bool,
}

fn places_of(m: &MediaItem) -> String {
    m.places
        .iter()
        .map(|p| p.url.clone().unwrap_or_else(|| p.locator.clone()))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The images this session may see now (audited requests of the last [`UNBLURRED_SECONDS`]),
/// with when each grant ends.
async fn grants(ctx: &Ctx) -> Vec<(String, u64)> {
    let now = unix_now();
    ctx.session
        .get::<Vec<(String, u64)>>(UNBLURRED_KEY)
        .await
        .ok()
        .flatten()
        .unwrap_or_default()
        .into_iter()
        .filter(|(_, until)| *until > now)
        .collect()
}

async fn unblurred(ctx: &Ctx) -> Vec<String> {
    grants(ctx).await.into_iter().map(|(sha, _)| sha).collect()
}

pub async fn media_page(ctx: Ctx) -> Result<Response, AppError> {
    ctx.require("investigation.view")?;
    let items = ctx.state.registry.investigation_media(&ctx.actor).await?;
    let matches = matches_of(&ctx, &items).await?;
    let matched: BTreeSet<&str> = matches.iter().map(|m| m.sha256.as_str()).collect();
    let granted = unblurred(&ctx).await;
    let mut images = Vec::new();
    let mut hashed_only = 0;
    for m in &items {
        if matched.contains(m.sha256.as_str()) {
            continue;
        }
        if evidence_store(&ctx).is_some_and(|e| e.path_of(&m.sha256).is_ok_and(|p| p.is_file())) {
            images.push(ImageRow {
                sha256: m.sha256.clone(),
                places: places_of(m),
                size: match (m.width, m.height) {
                    (Some(w), Some(h)) => format!("{w}×{h}"),
                    _ => String::new(),
                },
                unblurred: granted.contains(&m.sha256),
            });
        } else {
            hashed_only += 1;
        }
    }
    let matches = matches
        .iter()
        .map(|x| MatchRow {
            places: items
                .iter()
                .find(|m| m.sha256 == x.sha256)
                .map(places_of)
                .unwrap_or_default(),
            sha256: x.sha256.clone(),
            list: x.list.clone(),
            entry: x.entry.clone(),
            category: x.category.clone().unwrap_or_default(),
            hash: x.hash,
            distance: x.distance,
        })
        .collect();
    render(&MediaPage {
        matches,
        images,
        hashed_only,
        lists_configured: ctx.state.config.data_dir.is_some(),
        c: Chrome::for_user(&ctx, "media_title").await,
    })
}

/// Whether `sha256` is a collected image the page may show: met while scanning, matched by no
/// list, its bytes in the evidence store. Known material is never served.
async fn servable(ctx: &Ctx, sha256: &str) -> Result<Vec<u8>, AppError> {
    let Some(item) = ctx.state.registry.media_item(&ctx.actor, sha256).await? else {
        return Err(AppError::NotFound);
    };
    if !matches_of(ctx, &[item]).await?.is_empty() {
        return Err(AppError::Forbidden);
    }
    collected_bytes(ctx, sha256).ok_or(AppError::NotFound)
}

fn image_response(bytes: Vec<u8>) -> Result<Response, AppError> {
    let ctype = media::image_content_type(&bytes).ok_or(AppError::NotFound)?;
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    // Never kept by a browser or a proxy: the next view asks (and is audited) again.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// The coarse preview shown blurred (no audit: it shows no detail).
pub async fn media_preview(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    ctx.require("investigation.view")?;
    let id = check_media(&id)?;
    let bytes = servable(&ctx, id).await?;
    let preview = tokio::task::spawn_blocking(move || media::pixelated_preview(&bytes))
        .await
        .map_err(|_| AppError::Internal("preview".into()))?
        .map_err(|_| AppError::NotFound)?;
    image_response(preview)
}

async fn grant_unblur(ctx: &Ctx, id: &str, reason: &str) -> Result<(), AppError> {
    servable(ctx, id).await?;
    ctx.state
        .registry
        .audit_media_unblur(&ctx.actor, id, reason)
        .await?;
    let mut granted = grants(ctx).await;
    granted.retain(|(g, _)| g != id);
    granted.push((id.to_owned(), unix_now() + UNBLURRED_SECONDS));
    if granted.len() > UNBLURRED_MAX {
        granted.drain(..granted.len() - UNBLURRED_MAX);
    }
    ctx.session
        .insert(UNBLURRED_KEY, granted)
        .await
        .map_err(crate::auth::session_err)
}

/// The click: audited (who, which image, why) before the image is served to this session.
pub async fn media_unblur(
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    ctx.require("media.unblur")?;
    let id = check_media(&id)?;
    let form = FormData::parse(&body)?;
    grant_unblur(&ctx, id, form.get("reason").unwrap_or_default()).await?;
    Ok(Redirect::to(&format!("/media#img-{id}")).into_response())
}

/// The image itself, only to a session whose request to see it was audited.
pub async fn media_image(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    ctx.require("media.unblur")?;
    let id = check_media(&id)?;
    let bytes = servable(&ctx, id).await?;
    if !unblurred(&ctx).await.iter().any(|g| g == id) {
        return Err(AppError::Forbidden);
    }
    image_response(bytes)
}

#[derive(Serialize)]
pub struct MediaJson {
    /// Images met while scanning: hashes and where they were met, never bytes.
    pub media: Vec<MediaItem>,
    pub matches: Vec<MediaMatch>,
}

#[utoipa::path(get, path = "/api/media", tag = "investigation",
    responses(
        (status = 200, description = "Images met while scanning (hashes and places, never bytes) and their matches in the imported known-hash lists: list, entry, category, hash kind, PDQ distance (audited)", body = serde_json::Value),
        (status = 401, description = "No session or token"),
        (status = 403, description = "The role may not see the investigation data"),
    ))]
pub async fn api_media(ctx: Ctx) -> Result<Json<MediaJson>, AppError> {
    ctx.require("investigation.view")?;
    let media = ctx.state.registry.investigation_media(&ctx.actor).await?;
    let matches = matches_of(&ctx, &media).await?;
    Ok(Json(MediaJson { media, matches }))
}

#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Unblur {
    /// Why the analyst needs to see it (optional, at most 500 characters; kept in the audit log).
    #[serde(default)]
    pub reason: Option<String>,
}

#[utoipa::path(post, path = "/api/media/{media}/unblur", tag = "investigation",
    params(("media" = String, Path, description = "SHA-256 of a collected image")),
    request_body = Unblur,
    responses(
        (status = 204, description = "Audited; this session may now load /media/{media}/image"),
        (status = 401, description = "No session or token"),
        (status = 403, description = "The role may not see collected images, or the image matches a known-hash list (never served)"),
        (status = 404, description = "No such image, or its bytes are not in the evidence store"),
        (status = 422, description = "Reason too long"),
    ))]
pub async fn api_media_unblur(
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<axum::http::StatusCode, AppError> {
    ctx.require("media.unblur")?;
    let id = check_media(&id)?;
    let b: Unblur = if body.iter().all(u8::is_ascii_whitespace) {
        Unblur::default()
    } else {
        super::api::parse_json(&body)?
    };
    grant_unblur(&ctx, id, b.reason.as_deref().unwrap_or_default()).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn findings_are_marked_and_bad_spans_ignored() {
        let text = "Call +33 6 00 or é@x";
        let f = vec![
            (5, 13, "phone", "phone +336".to_owned()),
            (0, 13, "indicator", "indicator call".to_owned()),
            (19, 30, "email", "out of the text".to_owned()),
            (18, 19, "handle", "inside é".to_owned()),
        ];
        let s = segments(text, &f);
        let joined: String = s.iter().map(|x| x.text.as_str()).collect();
        assert_eq!(joined, text);
        assert_eq!(s[0].text, "Call ");
        assert_eq!(s[0].class, "k-ind");
        assert_eq!(s[1].text, "+33 6 00");
        assert_eq!(s[1].class, "k-phone");
        assert!(s[1].title.contains("phone +336") && s[1].title.contains("indicator call"));
        assert!(s.iter().skip(2).all(|x| x.class.is_empty()));
    }

    #[test]
    fn bars_scale_to_the_largest_count() {
        let b = bars(&[("runaway".into(), 4), ("youth".into(), 1)]);
        assert_eq!((b[0].width, b[1].width, b[1].y), (460, 115, 22));
        assert!(bars(&[]).is_empty());
    }

    #[test]
    fn scan_ids_are_positive_numbers() {
        assert_eq!(check_scan("990001").unwrap(), 990_001);
        assert!(check_scan("0").is_err());
        assert!(check_scan("-1").is_err());
        assert!(check_scan("1; DROP").is_err());
    }

    proptest! {
        /// Any spans on any text: the pieces give the text back exactly, and never panic.
        #[test]
        fn segments_cover_the_text_exactly(
            text in "\\PC{0,40}",
            spans in proptest::collection::vec((0usize..60, 0usize..60), 0..6)
        ) {
            let f: Vec<(usize, usize, &str, String)> = spans.iter().map(|(a, b)| (*a, *b, "phone", String::new())).collect();
            let joined: String = segments(&text, &f).iter().map(|x| x.text.clone()).collect();
            prop_assert_eq!(joined, text);
        }
    }
}
