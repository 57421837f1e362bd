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
use crate::record::{AgeBand, CitizenshipGroup, StatRecord};
use crate::sdc::{self, AuditReport, Reason};
use cairn_registry::model::ReferralStatus;
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
pub enum Protection {
    /// Cells below k suppressed, complements suppressed, optionally rounded to a base.
    Suppression { k: u64, round_to: Option<u64> },
    /// Discrete Laplace noise; epsilon in millionths, split evenly over the tables.
    DiscreteLaplace { micro_epsilon: u64 },
}

/// What is asked: stored as is in the ledger, so that a release can be reproduced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseRequest {
    pub dataset: String,
    pub tables: Vec<TableSpec>,
    /// Add the table of referrals by status and the median days to each status.
    pub referrals: bool,
    /// Add the Eurostat `crim_thb` cube.
    pub eurostat: bool,
    pub protection: Protection,
    pub basis: Basis,
    pub reporting_country: Option<String>,
}

/// One published figure. `categories` names the category of each axis ("Total" for a margin).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublishedCell {
    pub categories: BTreeMap<String, String>,
    /// None when suppressed.
    pub value: Option<u64>,
    /// suppressed_small_count, suppressed_complementary, rounded, noisy — or none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flag: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

/// Median days from sending a referral to its current status.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Delay {
    pub status: String,
    /// None when the count is suppressed (then no median either).
    pub referrals: Option<u64>,
    pub median_days: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Release {
    /// The ledger id, once recorded.
    pub id: Option<String>,
    pub dataset: String,
    pub protection: Protection,
    pub population: Population,
    pub tables: Vec<PublishedTable>,
    pub referral_delays: Vec<Delay>,
    /// For suppression: what the disclosure audit tried, and that it recovered nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disclosure_audit: Option<AuditSummary>,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
    "Screenings by level are not counted: the registry does not hold screenings yet.",
    "Referral delays are days from sending to the current status (the registry keeps the time of the latest change only); reasonable- and conclusive-grounds decisions are not recorded yet.",
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

fn delays(records: &[StatRecord], published: Option<&PublishedTable>) -> Vec<Delay> {
    let Some(table) = published else {
        return Vec::new();
    };
    ReferralStatus::ALL
        .iter()
        .filter(|s| **s != ReferralStatus::Sent)
        .map(|s| {
            let referrals = table
                .cell(&[("referral_status", s.as_str())])
                .and_then(|c| c.value);
            let days: Vec<i64> = records
                .iter()
                .flat_map(|r| &r.referrals)
                .filter(|f| f.status == *s)
                .filter_map(|f| f.days_to_status)
                .collect();
            Delay {
                status: s.as_str().to_owned(),
                referrals,
                // A median of a published (≥ k) group only; never in a noisy release (not DP).
                median_days: referrals
                    .filter(|_| table.cells.iter().all(|c| c.flag != Some("noisy")))
                    .and_then(|_| median(days)),
            }
        })
        .collect()
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

/// Adds discrete Laplace noise to every cube, epsilon split evenly over them.
/// `counted` is the public number of persons: every persons table is made to add up to it.
pub fn protect_by_noise(
    cubes: &[Cube],
    micro_epsilon: u64,
    seed: [u8; 32],
    counted: u64,
) -> Result<Vec<PublishedTable>, StatsError> {
    let per_cube = micro_epsilon / (cubes.len().max(1) as u64);
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
                per_cube,
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
        Protection::DiscreteLaplace { micro_epsilon } => {
            let seed =
                seed.ok_or_else(|| StatsError::invalid("release", "a noisy release needs a seed"))?;
            notes.push(format!(
                "Discrete Laplace noise, epsilon {} in all, split evenly over {} tables; margins over single-valued dimensions are sums of the noisy cells, rescaled so that every table adds up to the number of persons counted (public); other margins of different tables are noised independently. Counted and left-out numbers are published exactly (bounded differential privacy: the number of persons is public). Median delays are not published with noise.",
                dp::format_epsilon(*micro_epsilon),
                cubes.len()
            ));
            (
                protect_by_noise(&cubes, *micro_epsilon, seed, population.counted)?,
                None,
            )
        }
    };
    let referral_delays = delays(records, tables.iter().find(|t| t.unit == "referrals"));
    Ok(Release {
        id: None,
        dataset: req.dataset.clone(),
        protection: req.protection.clone(),
        population: population.clone(),
        tables,
        referral_delays,
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
