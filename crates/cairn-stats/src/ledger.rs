//! The privacy budget of each dataset and the ledger of every release (what, who, when, epsilon),
//! in the registry's database (tables of migration 0004_stats). A release and its audit entry are
//! written in one transaction, after the budget is checked under the write lock (SQLite
//! `BEGIN IMMEDIATE`, PostgreSQL `SELECT … FOR UPDATE` on the budget row), so two concurrent
//! releases cannot both spend the last of a budget. A refusal writes nothing but its audit entry.

use crate::StatsError;
use crate::dp::format_epsilon;
use crate::extract::fetch_all;
use cairn_registry::Registry;
use cairn_registry::audit::{self, Actor, AuditEvent, Outcome};
use cairn_registry::crypto::random_id;
use cairn_registry::db::{Tx, now};
use cairn_registry::model::Role;
use cairn_store::registry::RegistryPool;
use serde::Serialize;

/// How a release was protected, as the ledger records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mechanism {
    Suppression,
    DiscreteLaplace,
    DiscreteGaussian,
    KAnonymity,
}

impl Mechanism {
    pub fn as_str(self) -> &'static str {
        match self {
            Mechanism::Suppression => "suppression",
            Mechanism::DiscreteLaplace => "discrete_laplace",
            Mechanism::DiscreteGaussian => "discrete_gaussian",
            Mechanism::KAnonymity => "k_anonymity",
        }
    }
}

/// One line of the ledger (the seed stays sealed in the database).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LedgerEntry {
    pub id: String,
    pub dataset: String,
    pub at: String,
    pub actor: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub what: serde_json::Value,
    pub mechanism: String,
    pub epsilon: String,
    pub micro_epsilon: u64,
    pub k: Option<u64>,
    pub output_sha256: String,
    /// The guarantee in words: for a discrete Gaussian release, its ρ-zCDP and the (ε, δ) it
    /// amounts to (the ε spent from the budget).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guarantee: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Budget {
    pub dataset: String,
    /// None when no budget was set: differentially private releases are then refused.
    pub total_micro_epsilon: Option<u64>,
    pub spent_micro_epsilon: u64,
    pub total: Option<String>,
    pub spent: String,
    pub remaining: Option<String>,
    pub releases: Vec<LedgerEntry>,
}

/// What a new ledger line holds.
#[derive(Debug, Clone)]
pub struct NewRelease<'a> {
    pub dataset: &'a str,
    pub what: &'a serde_json::Value,
    pub mechanism: Mechanism,
    pub micro_epsilon: u64,
    pub k: Option<u64>,
    pub seed: Option<&'a [u8; 32]>,
    pub output_sha256: &'a str,
}

pub fn check_dataset_name(name: &str) -> Result<(), StatsError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(StatsError::invalid(
            format!("dataset {name:?}"),
            "1 to 64 letters, digits, '-', '_' or '.'",
        ))
    }
}

/// Sets (or raises, or lowers) the total budget of a dataset; admins only, audited.
pub async fn set_budget(
    reg: &Registry,
    actor: &Actor,
    dataset: &str,
    total_micro_epsilon: u64,
) -> Result<(), StatsError> {
    check_dataset_name(dataset)?;
    let object = format!(
        "dataset {dataset}: budget {}",
        format_epsilon(total_micro_epsilon)
    );
    if actor.role != Role::Admin {
        deny(reg, actor, "stats.budget.set", &object).await?;
        return Err(StatsError::Forbidden {
            what: "stats.budget.set".into(),
            role: actor.role.to_string(),
        });
    }
    let total = i64::try_from(total_micro_epsilon)
        .map_err(|_| StatsError::invalid("budget", "too large"))?;
    let mut tx = reg.begin().await?;
    const UPSERT: &str = "INSERT INTO stats_budget (dataset, total_micro_epsilon, set_by, set_at) VALUES ($1, $2, $3, $4) \
                          ON CONFLICT (dataset) DO UPDATE SET total_micro_epsilon = excluded.total_micro_epsilon, set_by = excluded.set_by, set_at = excluded.set_at";
    match &mut tx {
        Tx::Sqlite(t) => {
            sqlx::query(UPSERT)
                .bind(dataset)
                .bind(total)
                .bind(&actor.user_id)
                .bind(now())
                .execute(&mut **t)
                .await?;
        }
        Tx::Postgres(t) => {
            sqlx::query(UPSERT)
                .bind(dataset)
                .bind(total)
                .bind(&actor.user_id)
                .bind(now())
                .execute(&mut **t)
                .await?;
        }
    }
    audit::append(
        &mut tx,
        actor,
        &AuditEvent {
            action: "stats.budget.set",
            object: &object,
            purpose: "statistics",
            fields: &["stats_budget.total_micro_epsilon"],
            outcome: Outcome::Ok,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Audits a refusal (in its own transaction: nothing else is written).
pub async fn deny(
    reg: &Registry,
    actor: &Actor,
    action: &str,
    object: &str,
) -> Result<(), StatsError> {
    audit::append_alone(
        reg.pool(),
        actor,
        &AuditEvent {
            action,
            object,
            purpose: "statistics",
            fields: &[],
            outcome: Outcome::Denied,
        },
    )
    .await?;
    Ok(())
}

/// Every dataset with a budget or a release, by name (at most 500).
pub async fn datasets(reg: &Registry) -> Result<Vec<String>, StatsError> {
    let rows: Vec<(String,)> = fetch_all!(
        reg.pool(),
        "SELECT dataset FROM stats_budget UNION SELECT dataset FROM stats_release ORDER BY 1 LIMIT 500"
    );
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// The budget of a dataset and its releases.
pub async fn budget(reg: &Registry, dataset: &str) -> Result<Budget, StatsError> {
    check_dataset_name(dataset)?;
    let pool = reg.pool();
    let total: Vec<(i64,)> = fetch_all!(
        pool,
        "SELECT total_micro_epsilon FROM stats_budget WHERE dataset = $1",
        dataset
    );
    type Row = (
        String,
        String,
        String,
        String,
        String,
        String,
        i64,
        Option<i64>,
        String,
    );
    let rows: Vec<Row> = fetch_all!(
        pool,
        "SELECT id, dataset, at, actor, what, mechanism, micro_epsilon, k, output_sha256 FROM stats_release WHERE dataset = $1 ORDER BY at, id",
        dataset
    );
    let releases: Vec<LedgerEntry> = rows
        .into_iter()
        .map(|r| {
            let what: serde_json::Value =
                serde_json::from_str(&r.4).unwrap_or(serde_json::Value::String(r.4.clone()));
            (r, what)
        })
        .map(|(r, what)| LedgerEntry {
            guarantee: serde_json::from_value::<crate::release::Protection>(
                what["protection"].clone(),
            )
            .ok()
            .map(|p| p.guarantee()),
            what,
            id: r.0,
            dataset: r.1,
            at: r.2,
            actor: r.3,
            mechanism: r.5,
            micro_epsilon: u64::try_from(r.6).unwrap_or(0),
            epsilon: format_epsilon(u64::try_from(r.6).unwrap_or(0)),
            k: r.7.and_then(|k| u64::try_from(k).ok()),
            output_sha256: r.8,
        })
        .collect();
    let spent: u64 = releases.iter().map(|r| r.micro_epsilon).sum();
    let total = total.first().and_then(|t| u64::try_from(t.0).ok());
    Ok(Budget {
        dataset: dataset.to_owned(),
        total_micro_epsilon: total,
        spent_micro_epsilon: spent,
        total: total.map(format_epsilon),
        spent: format_epsilon(spent),
        remaining: total.map(|t| format_epsilon(t.saturating_sub(spent))),
        releases,
    })
}

/// Records a release: checks the budget (for a differentially private one), writes the ledger
/// line and the audit entry in one transaction, and returns the release id. Refused, and the
/// refusal audited, when the epsilon exceeds what is left.
pub async fn record_release(
    reg: &Registry,
    actor: &Actor,
    release: &NewRelease<'_>,
) -> Result<String, StatsError> {
    check_dataset_name(release.dataset)?;
    let id = random_id("rel")?;
    let what = release.what.to_string();
    let sealed = match release.seed {
        Some(seed) => Some(reg.keys().seal("stats_release", "seed", &id, seed)?),
        None => None,
    };
    let micro = i64::try_from(release.micro_epsilon)
        .map_err(|_| StatsError::invalid("epsilon", "too large"))?;
    let k = release.k.and_then(|k| i64::try_from(k).ok());
    let key_version = sealed
        .as_ref()
        .map(|_| i64::from(reg.keys().active_version()));
    let mut tx = reg.begin().await?;
    const BUDGET_SQLITE: &str = "SELECT total_micro_epsilon FROM stats_budget WHERE dataset = $1";
    const BUDGET_PG: &str =
        "SELECT total_micro_epsilon FROM stats_budget WHERE dataset = $1 FOR UPDATE";
    const SPENT: &str = "SELECT CAST(COALESCE(SUM(micro_epsilon), 0) AS BIGINT) FROM stats_release WHERE dataset = $1";
    const INSERT: &str = "INSERT INTO stats_release (id, dataset, at, actor, what, mechanism, micro_epsilon, k, key_version, seed, output_sha256) \
                          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
    let at = now();
    macro_rules! budget_state {
        ($t:expr, $sql:expr) => {{
            let total: Option<(i64,)> = sqlx::query_as($sql)
                .bind(release.dataset)
                .fetch_optional(&mut **$t)
                .await?;
            let (spent,): (i64,) = sqlx::query_as(SPENT)
                .bind(release.dataset)
                .fetch_one(&mut **$t)
                .await?;
            (total.map(|t| t.0), spent)
        }};
    }
    let (total, spent) = match &mut tx {
        Tx::Sqlite(t) => budget_state!(t, BUDGET_SQLITE),
        Tx::Postgres(t) => budget_state!(t, BUDGET_PG),
    };
    if release.micro_epsilon > 0 {
        let eps = |v: i64| format_epsilon(u64::try_from(v.max(0)).unwrap_or(0));
        let refusal = match total {
            None => Some(format!(
                "dataset {}: no privacy budget set (an admin sets it with `cairn stats budget set`)",
                release.dataset
            )),
            Some(t) if spent + micro > t => Some(format!(
                "dataset {}: epsilon {} asked, {} left of {} (spent {})",
                release.dataset,
                format_epsilon(release.micro_epsilon),
                eps(t - spent),
                eps(t),
                eps(spent),
            )),
            Some(_) => None,
        };
        if let Some(refusal) = refusal {
            drop(tx); // rolled back: nothing published
            deny(reg, actor, "stats.release", &refusal).await?;
            return Err(StatsError::Refused(refusal));
        }
    }
    macro_rules! insert {
        ($t:expr) => {
            sqlx::query(INSERT)
                .bind(&id)
                .bind(release.dataset)
                .bind(&at)
                .bind(&actor.user_id)
                .bind(&what)
                .bind(release.mechanism.as_str())
                .bind(micro)
                .bind(k)
                .bind(key_version)
                .bind(sealed.clone())
                .bind(release.output_sha256)
                .execute(&mut **$t)
                .await
                .map(|_| ())?
        };
    }
    match &mut tx {
        Tx::Sqlite(t) => insert!(t),
        Tx::Postgres(t) => insert!(t),
    };
    let object = format!(
        "release {id} of dataset {} ({}, epsilon {})",
        release.dataset,
        release.mechanism.as_str(),
        format_epsilon(release.micro_epsilon)
    );
    audit::append(
        &mut tx,
        actor,
        &AuditEvent {
            action: "stats.release",
            object: &object,
            purpose: "statistics",
            fields: &["stats_release"],
            outcome: Outcome::Ok,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The sealed seed of a release, opened (to reproduce it).
pub async fn seed_of(reg: &Registry, release_id: &str) -> Result<[u8; 32], StatsError> {
    let pool = reg.pool();
    let rows: Vec<(Option<Vec<u8>>,)> = fetch_all!(
        pool,
        "SELECT seed FROM stats_release WHERE id = $1",
        release_id
    );
    let Some((Some(blob),)) = rows.into_iter().next() else {
        return Err(StatsError::invalid(
            format!("release {release_id}"),
            "unknown, or released without noise",
        ));
    };
    let bytes = reg
        .keys()
        .open("stats_release", "seed", release_id, &blob)?;
    <[u8; 32]>::try_from(bytes.as_slice())
        .map_err(|_| StatsError::invalid(format!("release {release_id}"), "seed is not 32 bytes"))
}

/// The `what` of a release, to reproduce it.
pub async fn what_of(reg: &Registry, release_id: &str) -> Result<serde_json::Value, StatsError> {
    let pool = reg.pool();
    let rows: Vec<(String,)> = fetch_all!(
        pool,
        "SELECT what FROM stats_release WHERE id = $1",
        release_id
    );
    let Some((what,)) = rows.into_iter().next() else {
        return Err(StatsError::invalid(
            format!("release {release_id}"),
            "unknown",
        ));
    };
    serde_json::from_str(&what)
        .map_err(|e| StatsError::invalid(format!("release {release_id}"), e.to_string()))
}
