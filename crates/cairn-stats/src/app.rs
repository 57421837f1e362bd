//! Entry points of `cairn stats`: async ones for servers and tests, blocking ones for the command
//! line (each opens the registry, logs the user in, runs one operation on its own runtime). Every
//! refusal (role, threshold below the minimum, dimension that singles out a person, epsilon above
//! the budget, disclosure audit failing) is audited and publishes nothing.

use crate::StatsError;
use crate::dp;
use crate::export;
use crate::extract::{self, Basis, Population};
use crate::ledger::{self, Budget, Mechanism, NewRelease};
use crate::microdata::{self, UtilityReport};
use crate::release::{self, Protection, Release, ReleaseRequest, TableSpec};
use crate::sdc;
use cairn_registry::Registry;
use cairn_registry::app::{Login, Target};
use cairn_registry::audit::Actor;
use cairn_registry::crypto::MasterKey;
use cairn_store::DataDir;
use cairn_store::registry::RegistryPool;
use serde::Serialize;
use std::io::Write;

/// The smallest threshold a release may use, set by whoever runs the installation (default 11,
/// never below [`sdc::MIN_K`]).
pub const MIN_K_ENV: &str = "CAIRN_STATS_MIN_K";

/// The δ of a discrete Gaussian release when none is given.
pub const DEFAULT_DELTA: &str = "1e-6";

pub fn configured_min_k() -> Result<u64, StatsError> {
    match std::env::var(MIN_K_ENV) {
        Err(_) => Ok(sdc::DEFAULT_K),
        Ok(v) => {
            let k: u64 = v.trim().parse().map_err(|_| {
                StatsError::invalid(MIN_K_ENV, format!("{v:?} is not a whole number"))
            })?;
            if k < sdc::MIN_K {
                return Err(StatsError::invalid(
                    MIN_K_ENV,
                    format!("{k} is below the floor {}", sdc::MIN_K),
                ));
            }
            Ok(k)
        }
    }
}

/// What the user asks, as typed (parsed here so that a refusal is audited).
#[derive(Debug, Clone, Default)]
pub struct ReleaseOptions {
    pub dataset: String,
    /// "sex,age_band"…; empty: the default report tables.
    pub tables: Vec<String>,
    pub referrals: bool,
    /// Add the screenings tables (by year and level, by organisation type and level).
    pub screenings: bool,
    pub eurostat: bool,
    pub k: Option<u64>,
    pub round_to: Option<u64>,
    /// Set: a differentially private release with this epsilon (decimal).
    pub epsilon: Option<String>,
    /// With `epsilon`: discrete Gaussian noise under zCDP instead of discrete Laplace.
    pub gaussian: bool,
    /// With `gaussian`: the δ of the (ε, δ) guarantee (default 1e-6).
    pub delta: Option<String>,
    /// Set: persons are counted under this statutory duty to report, not by consent.
    pub statutory_reference: Option<String>,
    pub reporting_country: Option<String>,
}

async fn audited<T>(
    reg: &Registry,
    actor: &Actor,
    action: &str,
    r: Result<T, StatsError>,
) -> Result<T, StatsError> {
    if let Err(StatsError::Refused(why)) = &r {
        ledger::deny(reg, actor, action, why).await?;
    }
    r
}

/// Parses and checks a request; a refusal is audited.
pub async fn request_of(
    reg: &Registry,
    actor: &Actor,
    opts: &ReleaseOptions,
    min_k: u64,
) -> Result<ReleaseRequest, StatsError> {
    extract::authorise(reg, actor, "stats.release").await?;
    let parsed = (|| {
        ledger::check_dataset_name(&opts.dataset)?;
        let tables: Vec<TableSpec> = if opts.tables.is_empty() {
            if opts.eurostat {
                Vec::new()
            } else {
                release::default_tables()
            }
        } else {
            opts.tables
                .iter()
                .map(|t| TableSpec::parse(t))
                .collect::<Result<_, _>>()?
        };
        let protection = match &opts.epsilon {
            Some(e) => {
                if opts.k.is_some() || opts.round_to.is_some() {
                    return Err(StatsError::invalid(
                        "release",
                        "give either --epsilon (noise) or --k/--round-to (suppression), not both",
                    ));
                }
                let micro_epsilon = dp::parse_epsilon(e)?;
                if opts.gaussian {
                    let inverse_delta =
                        dp::parse_inverse_delta(opts.delta.as_deref().unwrap_or(DEFAULT_DELTA))?;
                    let micro_rho = dp::rho_for(micro_epsilon, inverse_delta);
                    if micro_rho == 0 {
                        return Err(StatsError::invalid(
                            "epsilon",
                            format!("{e} leaves no zCDP budget at this delta"),
                        ));
                    }
                    Protection::DiscreteGaussian {
                        micro_epsilon,
                        inverse_delta,
                        micro_rho,
                    }
                } else {
                    if opts.delta.is_some() {
                        return Err(StatsError::invalid(
                            "release",
                            "--delta goes with the discrete Gaussian (--mechanism gaussian)",
                        ));
                    }
                    Protection::DiscreteLaplace { micro_epsilon }
                }
            }
            None => {
                if opts.gaussian || opts.delta.is_some() {
                    return Err(StatsError::invalid(
                        "release",
                        "the discrete Gaussian needs --epsilon",
                    ));
                }
                let k = opts.k.unwrap_or(min_k);
                sdc::check_k(k, min_k)?;
                Protection::Suppression {
                    k,
                    round_to: opts.round_to.filter(|b| *b > 1),
                }
            }
        };
        let basis = match &opts.statutory_reference {
            Some(r) if !r.trim().is_empty() => Basis::StatutoryDuty {
                reference: r.trim().to_owned(),
            },
            Some(_) => {
                return Err(StatsError::Refused(
                    "a statutory duty to report needs its legal reference".into(),
                ));
            }
            None => Basis::Consent,
        };
        Ok(ReleaseRequest {
            dataset: opts.dataset.clone(),
            tables,
            referrals: opts.referrals,
            screenings: opts.screenings,
            eurostat: opts.eurostat,
            protection,
            basis,
            reporting_country: opts.reporting_country.clone(),
        })
    })();
    audited(reg, actor, "stats.release", parsed).await
}

/// Computes a release and records it in the ledger (budget checked for a noisy one).
pub async fn publish(
    reg: &Registry,
    actor: &Actor,
    req: &ReleaseRequest,
) -> Result<Release, StatsError> {
    let ex = extract::extract(reg, actor, &req.basis, req.reporting_country.as_deref()).await?;
    let seed = match req.protection {
        Protection::DiscreteLaplace { .. } | Protection::DiscreteGaussian { .. } => {
            Some(dp::fresh_seed()?)
        }
        Protection::Suppression { .. } => None,
    };
    let computed = release::compute(&ex.records, &ex.population, req, seed);
    let mut rel = audited(reg, actor, "stats.release", computed).await?;
    let what =
        serde_json::to_value(req).map_err(|e| StatsError::invalid("release", e.to_string()))?;
    let (mechanism, micro, k) = match req.protection {
        Protection::Suppression { k, .. } => (Mechanism::Suppression, 0, Some(k)),
        Protection::DiscreteLaplace { micro_epsilon } => {
            (Mechanism::DiscreteLaplace, micro_epsilon, None)
        }
        Protection::DiscreteGaussian { micro_epsilon, .. } => {
            (Mechanism::DiscreteGaussian, micro_epsilon, None)
        }
    };
    let sha = rel.output_sha256();
    let id = ledger::record_release(
        reg,
        actor,
        &NewRelease {
            dataset: &req.dataset,
            what: &what,
            mechanism,
            micro_epsilon: micro,
            k,
            seed: seed.as_ref(),
            output_sha256: &sha,
        },
    )
    .await?;
    rel.id = Some(id);
    Ok(rel)
}

/// Recomputes a recorded noisy release from its sealed seed (same registry content, same output);
/// spends no budget and records nothing but the audit of the extraction.
pub async fn replay(
    reg: &Registry,
    actor: &Actor,
    release_id: &str,
) -> Result<Release, StatsError> {
    extract::authorise(reg, actor, "stats.replay").await?;
    let what = ledger::what_of(reg, release_id).await?;
    let req: ReleaseRequest = serde_json::from_value(what)
        .map_err(|e| StatsError::invalid(format!("release {release_id}"), e.to_string()))?;
    let seed = ledger::seed_of(reg, release_id).await?;
    let ex = extract::extract(reg, actor, &req.basis, req.reporting_country.as_deref()).await?;
    let mut rel = release::compute(&ex.records, &ex.population, &req, Some(seed))?;
    rel.id = Some(release_id.to_owned());
    Ok(rel)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// CTDC-like k-anonymous microdata.
    Ctdc,
    /// HTCDS field-named aggregates of the report tables (suppressed).
    Htcds,
    /// Eurostat crim_thb (suppressed).
    Eurostat,
}

/// What an export states beside its file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportReport {
    pub release_id: String,
    pub format: &'static str,
    pub population: Population,
    pub rows: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub utility: Option<UtilityReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generalisation: Option<microdata::Generalisation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    pub notes: Vec<String>,
}

/// Writes an export to `out` and records it in the ledger.
pub async fn export(
    reg: &Registry,
    actor: &Actor,
    format: ExportFormat,
    opts: &ReleaseOptions,
    min_k: u64,
    out: &mut dyn Write,
) -> Result<ExportReport, StatsError> {
    match format {
        ExportFormat::Htcds | ExportFormat::Eurostat => {
            let mut o = opts.clone();
            o.epsilon = None;
            o.gaussian = false;
            o.delta = None;
            o.eurostat = format == ExportFormat::Eurostat;
            o.referrals = format == ExportFormat::Htcds;
            o.screenings = false;
            if format == ExportFormat::Eurostat {
                o.tables.clear();
            }
            let req = request_of(reg, actor, &o, min_k).await?;
            let rel = publish(reg, actor, &req).await?;
            let mut buf = Vec::new();
            if format == ExportFormat::Eurostat {
                let table = rel
                    .table("eurostat_crim_thb")
                    .ok_or_else(|| StatsError::invalid("export", "no Eurostat table"))?;
                export::write_eurostat(table, &rel.population.reporting_country, &mut buf)?;
            } else {
                export::write_htcds_aggregates(&rel, &mut buf)?;
            }
            let rows = buf
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                .saturating_sub(1) as u64;
            out.write_all(&buf)
                .map_err(|e| StatsError::io("export", e))?;
            Ok(ExportReport {
                release_id: rel.id.unwrap_or_default(),
                format: if format == ExportFormat::Eurostat {
                    "eurostat_crim_thb"
                } else {
                    "htcds_aggregates"
                },
                population: rel.population,
                rows,
                utility: None,
                generalisation: None,
                method: None,
                notes: rel.notes,
            })
        }
        ExportFormat::Ctdc => {
            extract::authorise(reg, actor, "stats.export").await?;
            let checked = (|| {
                ledger::check_dataset_name(&opts.dataset)?;
                if opts.epsilon.is_some() {
                    return Err(StatsError::invalid(
                        "export ctdc",
                        "CTDC microdata are k-anonymous: give --k, not --epsilon",
                    ));
                }
                let k = opts.k.unwrap_or(min_k);
                sdc::check_k(k, min_k)?;
                Ok(k)
            })();
            let k = audited(reg, actor, "stats.export", checked).await?;
            let basis = match &opts.statutory_reference {
                Some(r) => Basis::StatutoryDuty {
                    reference: r.clone(),
                },
                None => Basis::Consent,
            };
            let ex =
                extract::extract(reg, actor, &basis, opts.reporting_country.as_deref()).await?;
            let micro =
                microdata::k_anonymise(&ex.records, k, &ex.population.reporting_country, 0.05)?;
            let mut buf = Vec::new();
            export::write_ctdc(&micro.records, &mut buf)?;
            let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&buf));
            let what = serde_json::json!({"export": "ctdc", "k": k, "basis": basis, "reporting_country": ex.population.reporting_country, "method": micro.method, "generalisation": micro.generalisation});
            let id = ledger::record_release(
                reg,
                actor,
                &NewRelease {
                    dataset: &opts.dataset,
                    what: &what,
                    mechanism: Mechanism::KAnonymity,
                    micro_epsilon: 0,
                    k: Some(k),
                    seed: None,
                    output_sha256: &sha,
                },
            )
            .await?;
            out.write_all(&buf)
                .map_err(|e| StatsError::io("export", e))?;
            Ok(ExportReport {
                release_id: id,
                format: "ctdc",
                population: ex.population,
                rows: micro.records.len() as u64,
                utility: Some(micro.utility),
                generalisation: micro.generalisation,
                method: Some(micro.method.clone()),
                notes: vec![
                    format!("Every combination of yearOfRegistration, gender, ageBroad, majorityStatus, citizenship, CountryOfExploitation and typeOfExploitConcatenated is shared by at least {k} persons; persons still alone after generalisation are left out (counted in the utility report). {} marks a withheld or unknown value, as in CTDC's data.", microdata::WITHHELD),
                    "Age is the age at registration (the registry does not hold the age at exploitation): majorityStatusAtExploit and majorityEntry are withheld.".into(),
                ],
            })
        }
    }
}

/// Sets a dataset's budget (admins).
pub async fn set_budget(
    reg: &Registry,
    actor: &Actor,
    dataset: &str,
    epsilon: &str,
) -> Result<Budget, StatsError> {
    let micro = dp::parse_epsilon(epsilon)?;
    ledger::set_budget(reg, actor, dataset, micro).await?;
    ledger::budget(reg, dataset).await
}

/// A dataset's budget and releases (statisticians, admins, auditors).
pub async fn show_budget(
    reg: &Registry,
    actor: &Actor,
    dataset: &str,
) -> Result<Budget, StatsError> {
    use cairn_registry::model::Role;
    if !matches!(actor.role, Role::Statistician | Role::Admin | Role::Auditor) {
        ledger::deny(reg, actor, "stats.budget.show", dataset).await?;
        return Err(StatsError::Forbidden {
            what: "stats.budget.show".into(),
            role: actor.role.to_string(),
        });
    }
    ledger::budget(reg, dataset).await
}

// --- blocking entry points for the command line ---

fn runtime() -> Result<tokio::runtime::Runtime, StatsError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| StatsError::io("tokio runtime", e))
}

/// Opens the registry of a data directory (or PostgreSQL), refusing an out-of-date schema.
pub async fn open(target: &Target) -> Result<Registry, StatsError> {
    let key_path = target.master_key_path();
    if std::env::var_os(cairn_registry::crypto::MASTER_KEY_ENV).is_none() && !key_path.is_file() {
        return Err(StatsError::invalid(
            key_path.display().to_string(),
            "no master key here: run `cairn admin init` first",
        ));
    }
    let (master, _) = MasterKey::load(&key_path)?;
    let pool = match &target.database_url {
        Some(url) => RegistryPool::open_postgres(url).await?,
        None => RegistryPool::open_sqlite(&DataDir::open_or_create(&target.data_dir)?).await?,
    };
    if pool.known_migrations().len() > pool.applied_migrations().await?.len() {
        return Err(StatsError::invalid(
            "database",
            "schema out of date: run `cairn admin migrate`",
        ));
    }
    Ok(Registry::open(pool, &master).await?)
}

async fn session(target: &Target, login: &Login) -> Result<(Registry, Actor), StatsError> {
    let reg = open(target).await?;
    let actor = reg.authenticate(&login.username, &login.password).await?;
    Ok((reg, actor))
}

/// `cairn stats report` and `cairn stats release`.
pub fn run_release(
    target: &Target,
    login: &Login,
    opts: &ReleaseOptions,
) -> Result<Release, StatsError> {
    let min_k = configured_min_k()?;
    runtime()?.block_on(async {
        let (reg, actor) = session(target, login).await?;
        let req = request_of(&reg, &actor, opts, min_k).await?;
        publish(&reg, &actor, &req).await
    })
}

/// `cairn stats release --replay ID`.
pub fn run_replay(target: &Target, login: &Login, release_id: &str) -> Result<Release, StatsError> {
    runtime()?.block_on(async {
        let (reg, actor) = session(target, login).await?;
        replay(&reg, &actor, release_id).await
    })
}

/// `cairn stats export`.
pub fn run_export(
    target: &Target,
    login: &Login,
    format: ExportFormat,
    opts: &ReleaseOptions,
    out: &mut dyn Write,
) -> Result<ExportReport, StatsError> {
    let min_k = configured_min_k()?;
    runtime()?.block_on(async {
        let (reg, actor) = session(target, login).await?;
        export(&reg, &actor, format, opts, min_k, out).await
    })
}

/// `cairn stats budget [set]`.
pub fn run_budget(
    target: &Target,
    login: &Login,
    dataset: &str,
    set: Option<&str>,
) -> Result<Budget, StatsError> {
    runtime()?.block_on(async {
        let (reg, actor) = session(target, login).await?;
        match set {
            Some(eps) => set_budget(&reg, &actor, dataset, eps).await,
            None => show_budget(&reg, &actor, dataset).await,
        }
    })
}
