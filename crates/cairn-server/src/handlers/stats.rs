//! Statistics pages, for statisticians (who see aggregates only, never a case, person or record):
//! the suppressed report (tables and SVG charts from cairn-stats; a small count is shown as "x"),
//! the ledger of a dataset's noisy releases with their ε or ρ and the budget left, and a form to
//! publish a noisy release. Everything goes through `cairn_stats::app`, as `cairn stats report` and
//! `cairn stats release` do: the role check, the audit of every refusal, the budget under the write
//! lock, the ledger line of each publication. Viewing the report publishes it (a suppression
//! release, recorded in the ledger, spending no budget), exactly like the command.

use crate::auth::Ctx;
use crate::error::AppError;
use crate::handlers::FormData;
use crate::views::{Chrome, fmt_time, render};
use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::Query;
use axum::response::Response;
use cairn_stats::StatsError;
use cairn_stats::app::{self, ReleaseOptions};
use cairn_stats::dp::format_epsilon;
use cairn_stats::ledger::{self, Budget};
use cairn_stats::release::{Protection, Release, TOTAL};
use serde::Deserialize;

/// The dataset of the command line's default, so that the web and `cairn stats` share a budget.
pub const DEFAULT_DATASET: &str = "national-report";

impl From<StatsError> for AppError {
    fn from(e: StatsError) -> Self {
        match e {
            StatsError::Registry(r) => r.into(),
            StatsError::Forbidden { .. } => Self::Forbidden,
            StatsError::Invalid { what, message } => Self::Invalid {
                field: what,
                message,
            },
            StatsError::Refused(reason) => Self::Refused {
                what: "statistics".into(),
                reason,
            },
            // Database, store and I/O errors: logged by kind only.
            other => {
                let kind = match other {
                    StatsError::Db(_) => "database",
                    StatsError::Store(_) => "store",
                    _ => "io",
                };
                tracing::error!(kind, "statistics error");
                Self::Internal(kind.into())
            }
        }
    }
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct DatasetQuery {
    /// The dataset (budget and ledger are per dataset); default `national-report`.
    pub dataset: Option<String>,
}

impl DatasetQuery {
    fn name(&self) -> &str {
        self.dataset
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .unwrap_or(DEFAULT_DATASET)
    }
}

fn report_options(dataset: &str) -> ReleaseOptions {
    ReleaseOptions {
        dataset: dataset.to_owned(),
        referrals: true,
        screenings: true,
        ..ReleaseOptions::default()
    }
}

async fn publish(ctx: &Ctx, opts: &ReleaseOptions) -> Result<Release, AppError> {
    let min_k = app::configured_min_k().map_err(|e| AppError::Config(e.to_string()))?;
    let reg = &ctx.state.registry;
    let req = app::request_of(reg, &ctx.actor, opts, min_k).await?;
    Ok(app::publish(reg, &ctx.actor, &req).await?)
}

// --- the report -----------------------------------------------------------------------------------

pub struct CellRow {
    pub categories: Vec<String>,
    /// The published figure, or "x" when suppressed.
    pub value: String,
    pub flag: String,
}

pub struct TableView {
    pub id: String,
    pub title: String,
    pub unit: String,
    /// Server-rendered SVG of published figures only (cairn-stats escapes every text).
    pub svg: String,
    pub axes: Vec<String>,
    pub rows: Vec<CellRow>,
}

#[derive(Template)]
#[template(path = "stats_report.html")]
pub struct ReportPage<'a> {
    pub c: Chrome<'a>,
    pub heading_key: &'static str,
    pub release_id: String,
    pub dataset: String,
    pub guarantee: String,
    pub registered: u64,
    pub counted: u64,
    pub reporting_country: String,
    pub left_out: Vec<(u64, String)>,
    pub tables: Vec<TableView>,
    pub delays: Vec<(String, String)>,
    pub without_decision: Option<String>,
    pub notes: Vec<String>,
}

fn table_views(rel: &Release) -> Vec<TableView> {
    rel.tables
        .iter()
        .map(|t| TableView {
            id: t.id.clone(),
            title: t.title.clone(),
            unit: t.unit.clone(),
            svg: cairn_stats::chart::bar_chart(t),
            axes: t.axes.iter().map(|a| a.name.clone()).collect(),
            rows: t
                .cells
                .iter()
                .map(|c| CellRow {
                    categories: t
                        .axes
                        .iter()
                        .map(|a| {
                            c.categories
                                .get(&a.name)
                                .map_or(TOTAL, String::as_str)
                                .to_owned()
                        })
                        .collect(),
                    value: c.value.map_or_else(|| "x".to_owned(), |v| v.to_string()),
                    flag: c.flag.unwrap_or("").to_owned(),
                })
                .collect(),
        })
        .collect()
}

async fn release_page(
    ctx: &Ctx,
    rel: &Release,
    heading_key: &'static str,
) -> Result<Response, AppError> {
    let p = &rel.population;
    render(&ReportPage {
        c: Chrome::for_user(ctx, heading_key).await,
        heading_key,
        release_id: rel.id.clone().unwrap_or_default(),
        dataset: rel.dataset.clone(),
        guarantee: rel.protection.guarantee(),
        registered: p.registered,
        counted: p.counted,
        reporting_country: p.reporting_country.clone(),
        left_out: p
            .left_out
            .iter()
            .map(|l| (l.persons, l.reason.clone()))
            .collect(),
        tables: table_views(rel),
        delays: rel
            .referral_delays
            .iter()
            .map(|d| {
                (
                    d.decision.clone(),
                    d.median_days.map_or("x".to_owned(), |m| m.to_string()),
                )
            })
            .collect(),
        without_decision: (!rel.referral_delays.is_empty()).then(|| {
            rel.referrals_without_decision
                .map_or("x".to_owned(), |n| n.to_string())
        }),
        notes: rel.notes.clone(),
    })
}

pub async fn report(ctx: Ctx, Query(q): Query<DatasetQuery>) -> Result<Response, AppError> {
    ctx.require("stats.view")?;
    let rel = publish(&ctx, &report_options(q.name())).await?;
    release_page(&ctx, &rel, "stats_report_title").await
}

// --- the ledger and new noisy releases --------------------------------------------------------------

pub struct LedgerRow {
    pub id: String,
    pub at: String,
    pub mechanism: String,
    pub epsilon: String,
    /// ρ of a discrete Gaussian release (zCDP), empty otherwise.
    pub rho: String,
    /// δ of a discrete Gaussian release, as 1/N; empty otherwise.
    pub delta: String,
    pub guarantee: String,
}

#[derive(Template)]
#[template(path = "stats_releases.html")]
pub struct ReleasesPage<'a> {
    pub c: Chrome<'a>,
    pub dataset: String,
    pub datasets: Vec<String>,
    pub total: Option<String>,
    pub spent: String,
    pub remaining: Option<String>,
    pub noisy: Vec<LedgerRow>,
    pub other_releases: usize,
    pub may_release: bool,
    pub error: Option<String>,
}

fn ledger_rows(ctx: &Ctx, budget: &Budget) -> (Vec<LedgerRow>, usize) {
    let mut noisy = Vec::new();
    let mut other = 0;
    for r in &budget.releases {
        let protection = serde_json::from_value::<Protection>(r.what["protection"].clone()).ok();
        let (rho, delta) = match protection {
            Some(Protection::DiscreteGaussian {
                micro_rho,
                inverse_delta,
                ..
            }) => (format_epsilon(micro_rho), format!("1/{inverse_delta}")),
            Some(Protection::DiscreteLaplace { .. }) => (String::new(), "0".to_owned()),
            _ => {
                other += 1;
                continue;
            }
        };
        noisy.push(LedgerRow {
            id: r.id.clone(),
            at: fmt_time(ctx.lang, &r.at),
            mechanism: r.mechanism.clone(),
            epsilon: r.epsilon.clone(),
            rho,
            delta,
            guarantee: r.guarantee.clone().unwrap_or_default(),
        });
    }
    // Newest first on the page.
    noisy.reverse();
    (noisy, other)
}

async fn releases_page(
    ctx: &Ctx,
    dataset: &str,
    error: Option<String>,
) -> Result<Response, AppError> {
    let reg = &ctx.state.registry;
    let budget = app::show_budget(reg, &ctx.actor, dataset).await?;
    let mut datasets = ledger::datasets(reg).await?;
    if !datasets.iter().any(|d| d == DEFAULT_DATASET) {
        datasets.insert(0, DEFAULT_DATASET.to_owned());
    }
    let (noisy, other_releases) = ledger_rows(ctx, &budget);
    render(&ReleasesPage {
        c: Chrome::for_user(ctx, "stats_releases_title").await,
        dataset: budget.dataset.clone(),
        datasets,
        total: budget.total.clone(),
        spent: budget.spent.clone(),
        remaining: budget.remaining.clone(),
        noisy,
        other_releases,
        may_release: ctx.may("stats.release"),
        error,
    })
}

pub async fn releases(ctx: Ctx, Query(q): Query<DatasetQuery>) -> Result<Response, AppError> {
    ctx.require("stats.view")?;
    releases_page(&ctx, q.name(), None).await
}

/// A noisy release as asked by the form or the JSON body.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRelease {
    /// Default `national-report`.
    #[serde(default)]
    pub dataset: Option<String>,
    /// `laplace` (pure ε-differential privacy) or `gaussian` (ρ-zCDP, stated as (ε, δ)).
    #[serde(default)]
    pub mechanism: String,
    /// The ε spent from the dataset's budget, as a decimal (e.g. `0.5`).
    #[serde(default)]
    pub epsilon: String,
    /// With `gaussian` only: δ (default 1e-6).
    #[serde(default)]
    pub delta: Option<String>,
}

fn options_of(new: &NewRelease) -> Result<ReleaseOptions, AppError> {
    let gaussian = match new.mechanism.trim() {
        "laplace" => false,
        "gaussian" => true,
        "" => {
            return Err(AppError::Invalid {
                field: "mechanism".into(),
                message: "required".into(),
            });
        }
        other => {
            return Err(AppError::Invalid {
                field: "mechanism".into(),
                message: format!("{other:?} is not laplace or gaussian"),
            });
        }
    };
    if new.epsilon.trim().is_empty() {
        return Err(AppError::Invalid {
            field: "epsilon".into(),
            message: "required".into(),
        });
    }
    let dataset = new
        .dataset
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .unwrap_or(DEFAULT_DATASET);
    Ok(ReleaseOptions {
        epsilon: Some(new.epsilon.trim().to_owned()),
        gaussian,
        // The form always sends its δ field: it only counts for the Gaussian.
        delta: new
            .delta
            .as_deref()
            .map(str::trim)
            .filter(|d| gaussian && !d.is_empty())
            .map(str::to_owned),
        ..report_options(dataset)
    })
}

pub async fn create(ctx: Ctx, body: Bytes) -> Result<Response, AppError> {
    ctx.require("stats.release")?;
    let form = FormData::parse(&body)?;
    let new = NewRelease {
        dataset: form.get("dataset").map(str::to_owned),
        mechanism: form.get("mechanism").unwrap_or_default().to_owned(),
        epsilon: form.get("epsilon").unwrap_or_default().to_owned(),
        delta: form.get("delta").map(str::to_owned),
    };
    let dataset = new
        .dataset
        .clone()
        .unwrap_or_else(|| DEFAULT_DATASET.to_owned());
    let published = match options_of(&new) {
        Ok(opts) => publish(&ctx, &opts).await,
        Err(e) => Err(e),
    };
    match published {
        Ok(rel) => release_page(&ctx, &rel, "stats_release_done_title").await,
        // Bad input or a refusal (budget, threshold): the ledger page again with the reason; a
        // bad dataset name shows the default dataset's ledger.
        Err(e @ (AppError::Invalid { .. } | AppError::Refused { .. })) => {
            let shown = if ledger::check_dataset_name(&dataset).is_ok() {
                dataset.as_str()
            } else {
                DEFAULT_DATASET
            };
            let mut res = releases_page(&ctx, shown, e.detail()).await?;
            *res.status_mut() = e.status();
            Ok(res)
        }
        Err(e) => Err(e),
    }
}

// --- JSON API -------------------------------------------------------------------------------------

#[utoipa::path(get, path = "/api/stats/report", tag = "statistics",
    params(DatasetQuery),
    responses(
        (status = 200, description = "The report, published with small-count suppression (recorded in the ledger, no budget spent): who was counted, every table (null: suppressed), referral delays, notes", body = Release),
        (status = 401, description = "No session or token"),
        (status = 403, description = "The role may not compute statistics"),
        (status = 422, description = "Invalid dataset name"),
    ))]
pub async fn api_report(
    ctx: Ctx,
    Query(q): Query<DatasetQuery>,
) -> Result<Json<Release>, AppError> {
    ctx.require("stats.view")?;
    Ok(Json(publish(&ctx, &report_options(q.name())).await?))
}

#[utoipa::path(get, path = "/api/stats/releases", tag = "statistics",
    params(DatasetQuery),
    responses(
        (status = 200, description = "The dataset's privacy budget (total, spent, remaining ε) and every release of its ledger", body = Budget),
        (status = 401, description = "No session or token"),
        (status = 403, description = "The role may not see the ledger"),
        (status = 422, description = "Invalid dataset name"),
    ))]
pub async fn api_releases(
    ctx: Ctx,
    Query(q): Query<DatasetQuery>,
) -> Result<Json<Budget>, AppError> {
    ctx.require("stats.view")?;
    Ok(Json(
        app::show_budget(&ctx.state.registry, &ctx.actor, q.name()).await?,
    ))
}

#[utoipa::path(post, path = "/api/stats/releases", tag = "statistics",
    request_body = NewRelease,
    responses(
        (status = 200, description = "The noisy release, recorded in the ledger with its ε spent from the budget", body = Release),
        (status = 401, description = "No session or token"),
        (status = 403, description = "The role may not publish, or refused: ε above the budget left, or no budget set"),
        (status = 422, description = "Invalid mechanism, ε, δ or dataset"),
    ))]
pub async fn api_create(ctx: Ctx, body: Bytes) -> Result<Json<Release>, AppError> {
    ctx.require("stats.release")?;
    let new: NewRelease = super::api::parse_json(&body)?;
    let opts = options_of(&new)?;
    Ok(Json(publish(&ctx, &opts).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(mechanism: &str, epsilon: &str, delta: Option<&str>) -> NewRelease {
        NewRelease {
            dataset: None,
            mechanism: mechanism.into(),
            epsilon: epsilon.into(),
            delta: delta.map(str::to_owned),
        }
    }

    /// Statisticians see aggregates only: the matrix gives them their account, the dashboard
    /// and the statistics, nothing else (no case, person, record, signal or audit action).
    #[test]
    fn the_matrix_keeps_statisticians_to_aggregates() {
        use cairn_registry::model::Role;
        let p = crate::permissions::Permissions::bundled().unwrap();
        let allowed: Vec<&str> = p
            .actions()
            .filter(|a| p.allows(Role::Statistician, a))
            .collect();
        assert_eq!(
            allowed,
            [
                "account.manage",
                "dashboard.view",
                "stats.release",
                "stats.view"
            ]
        );
        for role in Role::ALL {
            if *role != Role::Statistician {
                assert!(!p.allows(*role, "stats.view"), "{role}");
                assert!(!p.allows(*role, "stats.release"), "{role}");
            }
        }
    }

    #[test]
    fn release_forms_name_their_bad_field() {
        for (n, field) in [
            (new("", "1", None), "mechanism"),
            (new("uniform", "1", None), "mechanism"),
            (new("laplace", " ", None), "epsilon"),
        ] {
            let e = options_of(&n).unwrap_err();
            assert!(
                matches!(&e, AppError::Invalid { field: f, .. } if f == field),
                "{e:?}"
            );
        }
        let o = options_of(&new("gaussian", "0.5", Some("1e-5"))).unwrap();
        assert!(o.gaussian);
        assert_eq!(o.delta.as_deref(), Some("1e-5"));
        assert_eq!(o.dataset, DEFAULT_DATASET);
        // δ of the form is ignored for Laplace, which has none.
        let o = options_of(&new("laplace", "0.5", Some("1e-5"))).unwrap();
        assert_eq!((o.gaussian, o.delta), (false, None));
    }
}
