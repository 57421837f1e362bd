//! A release: tables cut from the counted records, protected by suppression (threshold k, release-
//! wide secondary suppression, audit, optional rounding) or by differential privacy (discrete
//! Laplace, budget per dataset), stating who was counted and who was left out. The computation here
//! is pure; [`crate::app`] reads the registry and writes the ledger around it.

use crate::StatsError;
use crate::cube::{Axis, Cube};
use crate::dim::Dim;
use crate::dim::UNKNOWN;
use crate::dp::{self, Noise};
use crate::extract::{Basis, Population};
use crate::record::{AgeBand, CitizenshipGroup, Decision, StatRecord};
use crate::sdc::{self, AuditReport, Reason};
use cairn_registry::model::{OrgType, ReferralStatus, ScreeningLevel};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// One table of a release: the dimensions it is cut by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableSpec {
    pub id: String,
    pub title: String,
    pub dims: Vec<Dim>,
}

impl TableSpec {
    pub fn new(dims: &[Dim], title: &str) -> Self {
        Self {
            id: dims
                .iter()
                .map(|d| d.name())
                .collect::<Vec<_>>()
                .join("_by_"),
            title: title.to_owned(),
            dims: dims.to_vec(),
        }
    }

    /// Parses "sex,age_band" (at most three dimensions, none that singles out a person).
    pub fn parse(text: &str) -> Result<Self, StatsError> {
        let dims: Vec<Dim> = text
            .split(',')
            .filter(|t| !t.trim().is_empty())
            .map(Dim::parse)
            .collect::<Result<_, _>>()?;
        if dims.is_empty() || dims.len() > 3 {
            return Err(StatsError::invalid(
                format!("table {text:?}"),
                "one to three dimensions, comma-separated (e.g. sex,age_band)",
            ));
        }
        let mut seen = dims.clone();
        seen.sort();
        seen.dedup();
        if seen.len() != dims.len() {
            return Err(StatsError::invalid(
                format!("table {text:?}"),
                "a dimension is repeated",
            ));
        }
        let title = format!(
            "Persons by {}",
            dims.iter()
                .map(|d| d.name())
                .collect::<Vec<_>>()
                .join(" and ")
        );
        Ok(Self::new(&dims, &title))
    }
}

/// The Eurostat `crim_thb` cube: registered victims by year, sex, age, citizenship, legal status.
pub const EUROSTAT_DIMS: [Dim; 5] = [
    Dim::Year,
    Dim::Sex,
    Dim::Majority,
    Dim::Citizenship,
    Dim::Status,
];

/// The tables of the national rapporteur's report (issue 8, item 1).
pub fn default_tables() -> Vec<TableSpec> {
    use Dim::*;
    vec![
        TableSpec::new(
            &[Year, Status],
            "Possible and confirmed victims by year of registration",
        ),
        TableSpec::new(&[Sex, AgeBand], "Victims by sex and age band (CTDC bands)"),
        TableSpec::new(&[Sex, Majority], "Victims by sex, minors and adults"),
        TableSpec::new(&[Citizenship, Status], "Victims by citizenship"),
        TableSpec::new(
            &[Exploitation, Majority],
            "Forms of exploitation (a person may have several)",
        ),
        TableSpec::new(
            &[SexualExploitation, Majority],
            "Types of sexual exploitation (a person may have several)",
        ),
        TableSpec::new(
            &[Recruitment, Majority],
            "Methods of recruitment (a person may have several)",
        ),
        TableSpec::new(
            &[Control, Majority],
            "Means of control (a person may have several)",
        ),
        TableSpec::new(
            &[CountryOfExploitation],
            "Victims by country of exploitation",
        ),
    ]
}

/// How a release is protected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mechanism", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Protection {
    /// Cells below k suppressed, complements suppressed, optionally rounded to a base.
    Suppression { k: u64, round_to: Option<u64> },
    /// Discrete Laplace noise; epsilon in millionths, split evenly over the tables.
    DiscreteLaplace { micro_epsilon: u64 },
    /// Discrete Gaussian noise under ρ-zCDP (ρ in millionths, split evenly over the tables),
    /// spending (ε, δ) from the budget with ε = ρ + 2√(ρ·ln(1/δ)), δ = 1/inverse_delta.
    DiscreteGaussian {
        micro_epsilon: u64,
        inverse_delta: u64,
        micro_rho: u64,
    },
}

impl Protection {
    /// Epsilon spent from the budget (0 for suppression).
    pub fn micro_epsilon(&self) -> u64 {
        match self {
            Protection::Suppression { .. } => 0,
            Protection::DiscreteLaplace { micro_epsilon }
            | Protection::DiscreteGaussian { micro_epsilon, .. } => *micro_epsilon,
        }
    }

    pub fn is_noisy(&self) -> bool {
        !matches!(self, Protection::Suppression { .. })
    }

    /// The guarantee in words, as the ledger and the release state it.
    pub fn guarantee(&self) -> String {
        match self {
            Protection::Suppression { k, round_to } => match round_to {
                Some(b) => format!("small-count suppression below k = {k}, rounded to base {b}"),
                None => format!("small-count suppression below k = {k}"),
            },
            Protection::DiscreteLaplace { micro_epsilon } => format!(
                "(ε = {}, δ = 0)-differential privacy, discrete Laplace",
                dp::format_epsilon(*micro_epsilon)
            ),
            Protection::DiscreteGaussian {
                micro_epsilon,
                inverse_delta,
                micro_rho,
            } => format!(
                "ρ = {}-zCDP, discrete Gaussian, hence (ε = {}, δ = 1/{inverse_delta})-differential privacy (ε = ρ + 2√(ρ·ln(1/δ)), Bun and Steinke 2016)",
                dp::format_epsilon(*micro_rho),
                dp::format_epsilon(*micro_epsilon),
            ),
        }
    }
}

/// What is asked: stored as is in the ledger, so that a release can be reproduced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseRequest {
    pub dataset: String,
    pub tables: Vec<TableSpec>,
    /// Add the table of referrals by status and the median days to each decision.
    pub referrals: bool,
    /// Add the tables of screenings by year and level, and by organisation type and level.
    #[serde(default)]
    pub screenings: bool,
    /// Add the Eurostat `crim_thb` cube.
    pub eurostat: bool,
    pub protection: Protection,
    pub basis: Basis,
    pub reporting_country: Option<String>,
}

/// One published figure. `categories` names the category of each axis ("Total" for a margin).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishedCell {
    pub categories: BTreeMap<String, String>,
    /// None when suppressed.
    pub value: Option<u64>,
    /// suppressed_small_count, suppressed_complementary, rounded, noisy — or none.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub flag: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishedTable {
    pub id: String,
    pub title: String,
    pub unit: String,
    pub axes: Vec<Axis>,
    pub cells: Vec<PublishedCell>,
}

pub const TOTAL: &str = "Total";

impl PublishedTable {
    /// The cell with these categories (axes not named are totals).
    pub fn cell(&self, categories: &[(&str, &str)]) -> Option<&PublishedCell> {
        self.cells.iter().find(|c| {
            c.categories.iter().all(|(axis, label)| {
                categories
                    .iter()
                    .find(|(a, _)| a == axis)
                    .map_or(label == TOTAL, |(_, l)| l == label)
            })
        })
    }

    pub fn total(&self) -> Option<u64> {
        self.cell(&[]).and_then(|c| c.value)
    }
}

/// Median days from sending a referral to one decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Delay {
    /// received, accepted, declined, reasonable_grounds or conclusive_grounds.
    pub decision: String,
    /// Published only when at least k referrals reached the decision (the group is not given
    /// exactly: it is not a cell of the release's tables), and never in a noisy release.
    pub median_days: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Release {
    /// The ledger id, once recorded.
    pub id: Option<String>,
    pub dataset: String,
    pub protection: Protection,
    pub population: Population,
    pub tables: Vec<PublishedTable>,
    pub referral_delays: Vec<Delay>,
    /// Referrals still waiting for a decision (sent or received, neither accepted nor declined):
    /// the sum of those two published cells; None when one of them is suppressed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referrals_without_decision: Option<u64>,
    /// For suppression: what the disclosure audit tried, and that it recovered nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disclosure_audit: Option<AuditSummary>,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditSummary {
    pub figures: usize,
    pub equations: usize,
    pub suppressed_small_count: usize,
    pub suppressed_complementary: usize,
    /// Small counts the audit could recompute (a release is refused unless 0).
    pub recovered: usize,
    /// Complementary figures (≥ k or 0) a reader could recompute: no disclosure by themselves.
    pub complementary_recomputable: usize,
}

impl Release {
    pub fn table(&self, id: &str) -> Option<&PublishedTable> {
        self.tables.iter().find(|t| t.id == id)
    }

    /// SHA-256 of the published tables (recorded in the ledger).
    pub fn output_sha256(&self) -> String {
        let bytes = serde_json::to_vec(&(&self.tables, &self.referral_delays)).unwrap_or_default();
        hex::encode(Sha256::digest(bytes))
    }
}

const NOTES: [&str; 3] = [
    "Screenings are counted by year of screening and level (the level a professional confirmed or set, else the flagged one), for counted persons only; a person counts once per screening, at most 5 screenings per person.",
    "Referral delays are whole days from sending to each decision: received, accepted and declined are timed by the referral's status history (the audit log, exact to the second), reasonable- and conclusive-grounds decisions by their recorded dates; a median is given over at least k referrals only.",
    "Multi-valued dimensions (forms of exploitation, types of sexual exploitation, recruitment, control) count a person once per value: their cells do not add up to the total.",
];

/// At most this many referrals of one person are counted (bounds what one person changes).
pub const REFERRALS_PER_PERSON: usize = 5;

/// The cube of referrals by status.
pub fn referral_cube(records: &[StatRecord]) -> Cube {
    let labels: Vec<String> = ReferralStatus::ALL
        .iter()
        .map(|s| s.as_str().to_owned())
        .collect();
    let mut cube = Cube {
        id: "referrals_by_status".into(),
        title: "Referrals of counted persons by current status".into(),
        unit: "referrals".into(),
        axes: vec![Axis {
            name: "referral_status".into(),
            labels: labels.clone(),
            multi_valued: false,
        }],
        cells: BTreeMap::new(),
        per_person: REFERRALS_PER_PERSON as u64,
    };
    for r in records {
        for f in r.referrals.iter().take(REFERRALS_PER_PERSON) {
            if let Some(i) = labels.iter().position(|l| l == f.status.as_str()) {
                cube.add_member(&[vec![i]]);
            }
        }
    }
    cube.fill_zeros();
    cube
}

/// At most this many screenings of one person are counted (bounds what one person changes).
pub const SCREENINGS_PER_PERSON: usize = 5;

/// The screening cubes: year × level, and type of the screening organisation × level.
pub fn screening_cubes(records: &[StatRecord]) -> Vec<Cube> {
    let levels: Vec<String> = ScreeningLevel::ALL
        .iter()
        .map(|l| l.as_str().to_owned())
        .collect();
    let mut years: Vec<String> = records
        .iter()
        .flat_map(|r| r.screenings.iter().take(SCREENINGS_PER_PERSON))
        .filter_map(|s| s.year.map(|y| y.to_string()))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    years.push(UNKNOWN.to_owned());
    let mut org_types: Vec<String> = OrgType::ALL.iter().map(|t| t.as_str().to_owned()).collect();
    org_types.push(UNKNOWN.to_owned());
    let cube = |id: &str, title: &str, axis: &str, labels: &[String]| Cube {
        id: id.into(),
        title: title.into(),
        unit: "screenings".into(),
        axes: vec![
            Axis {
                name: axis.into(),
                labels: labels.to_vec(),
                multi_valued: false,
            },
            Axis {
                name: "screening_level".into(),
                labels: levels.clone(),
                multi_valued: false,
            },
        ],
        cells: BTreeMap::new(),
        per_person: SCREENINGS_PER_PERSON as u64,
    };
    let mut by_year = cube(
        "screenings_by_year_and_level",
        "Screenings of counted persons by year and level",
        "screening_year",
        &years,
    );
    let mut by_org = cube(
        "screenings_by_organisation_type_and_level",
        "Screenings of counted persons by type of screening organisation and level",
        "organisation_type",
        &org_types,
    );
    for s in records
        .iter()
        .flat_map(|r| r.screenings.iter().take(SCREENINGS_PER_PERSON))
    {
        let level = levels
            .iter()
            .position(|l| l == s.level.as_str())
            .unwrap_or(0);
        let year = s.year.map_or_else(|| UNKNOWN.to_owned(), |y| y.to_string());
        let y = years.iter().position(|l| *l == year).unwrap_or(0);
        let org = s.org_type.map_or(UNKNOWN, OrgType::as_str);
        let o = org_types.iter().position(|l| l == org).unwrap_or(0);
        by_year.add_member(&[vec![y], vec![level]]);
        by_org.add_member(&[vec![o], vec![level]]);
    }
    by_year.fill_zeros();
    by_org.fill_zeros();
    vec![by_year, by_org]
}

/// Every cube the request asks for.
pub fn cubes_for(records: &[StatRecord], req: &ReleaseRequest) -> Vec<Cube> {
    let mut cubes: Vec<Cube> = req
        .tables
        .iter()
        .map(|t| Cube::of_persons(&t.id, &t.title, &t.dims, records))
        .collect();
    if req.eurostat {
        cubes.push(Cube::of_persons(
            "eurostat_crim_thb",
            "Registered victims by year, sex, age, citizenship and legal status (Eurostat crim_thb)",
            &EUROSTAT_DIMS,
            records,
        ));
    }
    if req.referrals {
        cubes.push(referral_cube(records));
    }
    if req.screenings {
        cubes.extend(screening_cubes(records));
    }
    cubes
}

fn median(mut v: Vec<i64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2] as f64
    } else {
        (v[n / 2 - 1] + v[n / 2]) as f64 / 2.0
    })
}

/// Median days to each decision, over at least `k` referrals; none in a noisy release (a median
/// is not differentially private) or without the referrals table.
fn delays(
    records: &[StatRecord],
    published: Option<&PublishedTable>,
    k: Option<u64>,
) -> Vec<Delay> {
    let Some(_) = published else {
        return Vec::new();
    };
    Decision::ALL
        .iter()
        .map(|d| {
            let days: Vec<i64> = records
                .iter()
                .flat_map(|r| r.referrals.iter().take(REFERRALS_PER_PERSON))
                .filter_map(|f| f.days_to.get(d).copied())
                .collect();
            Delay {
                decision: d.as_str().to_owned(),
                median_days: k
                    .filter(|k| days.len() as u64 >= *k)
                    .and_then(|_| median(days)),
            }
        })
        .collect()
}

/// Sent plus received, when both cells are published.
fn without_decision(published: Option<&PublishedTable>) -> Option<u64> {
    let table = published?;
    let cell = |s: ReferralStatus| {
        table
            .cell(&[("referral_status", s.as_str())])
            .and_then(|c| c.value)
    };
    Some(cell(ReferralStatus::Sent)? + cell(ReferralStatus::Received)?)
}

fn publish_cube(
    cube: &Cube,
    value_flag: impl Fn(&[Option<usize>]) -> (Option<u64>, Option<&'static str>),
) -> PublishedTable {
    let cells = cube
        .all_coords()
        .into_iter()
        .map(|coord| {
            let categories = cube
                .axes
                .iter()
                .zip(&coord)
                .map(|(a, c)| {
                    (
                        a.name.clone(),
                        c.map_or_else(|| TOTAL.to_owned(), |i| a.labels[i].clone()),
                    )
                })
                .collect();
            let (value, flag) = value_flag(&coord);
            PublishedCell {
                categories,
                value,
                flag,
            }
        })
        .collect();
    PublishedTable {
        id: cube.id.clone(),
        title: cube.title.clone(),
        unit: cube.unit.clone(),
        axes: cube.axes.clone(),
        cells,
    }
}

/// The categories that are unions of others, which a reader can add up across tables.
pub fn groupings(records: &[StatRecord], reporting_country: &str) -> Vec<sdc::Grouping> {
    let group =
        |coarse_dim: &str, coarse_label: &str, fine_dim: &str, fine: Vec<String>| sdc::Grouping {
            coarse_dim: coarse_dim.to_owned(),
            coarse_label: coarse_label.to_owned(),
            fine_dim: fine_dim.to_owned(),
            fine_labels: fine,
        };
    let bands = |minor: bool| {
        AgeBand::ALL
            .iter()
            .filter(|b| b.is_minor() == minor)
            .map(|b| b.label().to_owned())
            .collect::<Vec<_>>()
    };
    let mut out = vec![
        group("majority", "Minor", "age_band", bands(true)),
        group("majority", "Adult", "age_band", bands(false)),
        group("majority", UNKNOWN, "age_band", vec![UNKNOWN.to_owned()]),
    ];
    let nationalities = Dim::Nationality.labels(records);
    for (label, g) in [
        ("Reporting country", CitizenshipGroup::ReportingCountry),
        ("Other EU", CitizenshipGroup::OtherEu),
        ("Non-EU", CitizenshipGroup::NonEu),
        (UNKNOWN, CitizenshipGroup::Unknown),
    ] {
        let fine: Vec<String> = nationalities
            .iter()
            .filter(|n| {
                let n = (n.as_str() != UNKNOWN).then_some(n.as_str());
                CitizenshipGroup::of(n, reporting_country) == g
            })
            .cloned()
            .collect();
        if !fine.is_empty() {
            out.push(group("citizenship", label, "nationality", fine));
        }
    }
    out
}

/// Suppresses, audits and (optionally) rounds; refuses if the audit recovers any suppressed figure.
pub fn protect_by_suppression(
    cubes: &[Cube],
    groupings: &[sdc::Grouping],
    k: u64,
    round_to: Option<u64>,
) -> Result<(Vec<PublishedTable>, AuditReport, AuditSummary), StatsError> {
    let mut problem = sdc::Problem::of_cubes(cubes, groupings)?;
    // The number of persons counted is stated with every release: it is public, never hidden.
    let everyone: sdc::VarKey = ("persons".to_owned(), Vec::new());
    if problem.mark_public(&everyone) {
        let i = problem
            .keys
            .iter()
            .position(|k| *k == everyone)
            .unwrap_or(0);
        if problem.values[i] > 0 && problem.values[i] < k {
            return Err(StatsError::Refused(format!(
                "only {} persons counted, fewer than k = {k}: nothing can be published",
                problem.values[i]
            )));
        }
    }
    let sup = sdc::suppress(&problem, k);
    let report = sdc::audit(&problem, &sup);
    let disclosed = report.disclosed();
    if let Some(first) = disclosed.first() {
        return Err(StatsError::Refused(format!(
            "disclosure audit: {} small counts could be recomputed (first: {}); nothing published",
            disclosed.len(),
            first.figure
        )));
    }
    let index: BTreeMap<&sdc::VarKey, usize> = problem
        .keys
        .iter()
        .enumerate()
        .map(|(i, k)| (k, i))
        .collect();
    let tables = cubes
        .iter()
        .map(|cube| {
            publish_cube(cube, |coord| {
                let key = (cube.unit.clone(), cube.key_of(coord));
                let v = index.get(&key).copied();
                match v.and_then(|v| sup.reasons[v]) {
                    Some(Reason::SmallCount) => (None, Some("suppressed_small_count")),
                    Some(Reason::Complementary) => (None, Some("suppressed_complementary")),
                    None => {
                        let value = cube.get(coord);
                        match round_to {
                            Some(b) if b > 1 => {
                                (Some(sdc::round_to_base(value, b)), Some("rounded"))
                            }
                            _ => (Some(value), None),
                        }
                    }
                }
            })
        })
        .collect();
    let summary = AuditSummary {
        figures: problem.values.len(),
        equations: problem.equations.len(),
        suppressed_small_count: sup.count(Reason::SmallCount),
        suppressed_complementary: sup.count(Reason::Complementary),
        recovered: report.disclosed().len(),
        complementary_recomputable: report.recovered.len() - report.disclosed().len(),
    };
    Ok((tables, report, summary))
}

/// Adds noise to every cube: discrete Laplace with epsilon split evenly over them, or discrete
/// Gaussian with ρ split evenly (zCDP composes by adding ρ).
/// `counted` is the public number of persons: every persons table is made to add up to it.
pub fn protect_by_noise(
    cubes: &[Cube],
    protection: &Protection,
    seed: [u8; 32],
    counted: u64,
) -> Result<Vec<PublishedTable>, StatsError> {
    let n = cubes.len().max(1) as u64;
    let (total, mechanism): (u64, fn(u64) -> dp::NoiseMechanism) = match protection {
        Protection::DiscreteLaplace { micro_epsilon } => (*micro_epsilon, |e| {
            dp::NoiseMechanism::Laplace { micro_epsilon: e }
        }),
        Protection::DiscreteGaussian { micro_rho, .. } => (*micro_rho, |r| {
            dp::NoiseMechanism::Gaussian { micro_rho: r }
        }),
        Protection::Suppression { .. } => {
            return Err(StatsError::invalid("release", "suppression adds no noise"));
        }
    };
    let per_cube = total / n;
    if per_cube == 0 {
        return Err(StatsError::invalid(
            "epsilon",
            format!("too small to split over {} tables", cubes.len()),
        ));
    }
    let mut noise = Noise::from_seed(seed);
    Ok(cubes
        .iter()
        .map(|cube| {
            let noisy = dp::noisy_cube(
                cube,
                mechanism(per_cube),
                &mut noise,
                (cube.unit == "persons").then_some(counted),
            );
            publish_cube(&noisy, |coord| (Some(noisy.get(coord)), Some("noisy")))
        })
        .collect())
}

/// Computes a release from extracted records (nothing recorded yet).
pub fn compute(
    records: &[StatRecord],
    population: &Population,
    req: &ReleaseRequest,
    seed: Option<[u8; 32]>,
) -> Result<Release, StatsError> {
    let cubes = cubes_for(records, req);
    let mut notes: Vec<String> = NOTES.iter().map(|s| (*s).to_owned()).collect();
    let (tables, audit) = match &req.protection {
        Protection::Suppression { k, round_to } => {
            let groups = groupings(records, &population.reporting_country);
            let (tables, _, summary) = protect_by_suppression(&cubes, &groups, *k, *round_to)?;
            if round_to.is_some_and(|b| b > 1) {
                notes.push(
                    "Published figures are rounded on their own: rounded tables need not add up."
                        .into(),
                );
            }
            (tables, Some(summary))
        }
        Protection::DiscreteLaplace { .. } | Protection::DiscreteGaussian { .. } => {
            let seed =
                seed.ok_or_else(|| StatsError::invalid("release", "a noisy release needs a seed"))?;
            let split = match &req.protection {
                Protection::DiscreteGaussian { .. } => "rho split evenly",
                _ => "epsilon split evenly",
            };
            notes.push(format!(
                "Differential privacy: {}; {split} over {} tables; margins over single-valued dimensions are sums of the noisy cells, rescaled so that every table adds up to the number of persons counted (public); other margins of different tables are noised independently. Counted and left-out numbers are published exactly (bounded differential privacy: the number of persons is public). Median delays are not published with noise.",
                req.protection.guarantee(),
                cubes.len()
            ));
            (
                protect_by_noise(&cubes, &req.protection, seed, population.counted)?,
                None,
            )
        }
    };
    let referral_table = tables.iter().find(|t| t.unit == "referrals");
    let k = match req.protection {
        Protection::Suppression { k, .. } => Some(k),
        _ => None,
    };
    let referral_delays = delays(records, referral_table, k);
    let referrals_without_decision = without_decision(referral_table);
    Ok(Release {
        id: None,
        dataset: req.dataset.clone(),
        protection: req.protection.clone(),
        population: population.clone(),
        tables,
        referral_delays,
        referrals_without_decision,
        disclosure_audit: audit,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Sex, SexExploitationType};
    use cairn_registry::model::{ControlMethod, ExploitationType, RecruitmentMethod, VictimStatus};
    use proptest::prelude::*;

    fn record(y: i32, s: usize, age: u32, n: usize, e: usize, c: usize) -> StatRecord {
        let nat = ["FR", "RO", "NG", "BE", "MA"][n].to_owned();
        StatRecord {
            year: Some(y),
            status: if (y + age as i32) % 3 == 0 {
                VictimStatus::Confirmed
            } else {
                VictimStatus::Possible
            },
            sex: [Sex::Female, Sex::Male, Sex::OtherOrUnknown][s],
            age_band: (age < 60).then(|| AgeBand::of_age(age)),
            citizenship: CitizenshipGroup::of(Some(&nat), "FR"),
            nationality: Some(nat),
            exploitation: vec![ExploitationType::ALL[e]],
            sexual_exploitation: vec![SexExploitationType::ALL[e % 5]],
            recruitment: vec![RecruitmentMethod::ALL[c % 8]],
            control: vec![ControlMethod::ALL[c], ControlMethod::ALL[(c + 3) % 11]],
            country_of_exploitation: Some(["FR", "BE"][c % 2].to_owned()),
            referrals: vec![],
            screenings: vec![],
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(6))]

        /// Whole releases (report tables, nationality × sex, the Eurostat cube, with the
        /// minor/adult and citizenship groupings) on random registries: the audit recomputes no
        /// small count, nothing is published below k, every persons table totals the count.
        #[test]
        fn random_registries_release_safely(
            raw in proptest::collection::vec((2022i32..2026, 0usize..3, 5u32..70, 0usize..5, 0usize..8, 0usize..11), 20..300),
            k in 5u64..15,
        ) {
            let records: Vec<StatRecord> = raw.iter().map(|&(y, s, a, n, e, c)| record(y, s, a, n, e, c)).collect();
            let population = Population {
                registered: records.len() as u64,
                counted: records.len() as u64,
                left_out: vec![],
                basis: Basis::Consent,
                reporting_country: "FR".into(),
                extracted_at: String::new(),
            };
            let mut tables = default_tables();
            tables.push(TableSpec::new(&[Dim::Nationality, Dim::Sex], "nationality"));
            let req = ReleaseRequest {
                dataset: "p".into(),
                tables,
                referrals: false,
                screenings: false,
                eurostat: true,
                protection: Protection::Suppression { k, round_to: None },
                basis: Basis::Consent,
                reporting_country: None,
            };
            let rel = compute(&records, &population, &req, None).map_err(|e| TestCaseError::fail(e.to_string()))?;
            for t in &rel.tables {
                prop_assert_eq!(t.total(), Some(records.len() as u64));
                for c in &t.cells {
                    if let Some(v) = c.value {
                        prop_assert!(v == 0 || v >= k, "{} {:?} = {}", t.id, c.categories, v);
                    }
                }
            }
        }
    }
}
