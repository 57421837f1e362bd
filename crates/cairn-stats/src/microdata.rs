//! Microdata in the spirit of CTDC's public dataset: one line per counted person, generalised until
//! every combination of quasi-identifiers (year, gender, age, citizenship, country of exploitation,
//! forms of exploitation) is shared by at least k persons; the few persons still alone are left
//! out. The utility report compares the shares of each attribute with the true ones without
//! publishing a true count.

use crate::StatsError;
use crate::record::{CitizenshipGroup, Sex, SexExploitationType, StatRecord};
use cairn_registry::model::{ControlMethod, ExploitationType, RecruitmentMethod};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// CTDC's code for a value that is missing or withheld.
pub const WITHHELD: &str = "-99";

/// How far each quasi-identifier is generalised (0 = as recorded).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Generalisation {
    /// 0 year, 1 withheld.
    pub year: u8,
    /// 0 CTDC age band, 1 minor/adult only, 2 withheld.
    pub age: u8,
    /// 0 nationality (ISO alpha-2), 1 group (reporting country code, OtherEU, NonEU), 2 withheld.
    pub citizenship: u8,
    /// 0 country, 1 withheld.
    pub country_of_exploitation: u8,
    /// 0 gender, 1 withheld.
    pub gender: u8,
}

impl Generalisation {
    fn level(&self) -> u8 {
        self.year + self.age + self.citizenship + self.country_of_exploitation + self.gender
    }

    fn lattice() -> Vec<Generalisation> {
        let mut all = Vec::new();
        for year in 0..=1 {
            for age in 0..=2 {
                for citizenship in 0..=2 {
                    for country_of_exploitation in 0..=1 {
                        for gender in 0..=1 {
                            all.push(Generalisation {
                                year,
                                age,
                                citizenship,
                                country_of_exploitation,
                                gender,
                            });
                        }
                    }
                }
            }
        }
        // Least generalised first; among equals, keep age and gender (what the field asks about).
        all.sort_by_key(|g| (g.level(), g.gender, g.age, g.year, g.citizenship));
        all
    }
}

/// One published line, already generalised.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct MicroRecord {
    pub year: String,
    pub gender: String,
    pub age_broad: String,
    pub majority: String,
    pub citizenship: String,
    pub country_of_exploitation: String,
    pub exploitation: Vec<ExploitationType>,
    pub sexual_exploitation: Vec<SexExploitationType>,
    pub control: Vec<ControlMethod>,
    pub recruitment: Vec<RecruitmentMethod>,
}

impl MicroRecord {
    fn quasi_identifiers(&self) -> (&str, &str, &str, &str, &str, &str, Vec<ExploitationType>) {
        (
            &self.year,
            &self.gender,
            &self.age_broad,
            &self.majority,
            &self.citizenship,
            &self.country_of_exploitation,
            self.exploitation.clone(),
        )
    }
}

fn generalise(r: &StatRecord, g: Generalisation, reporting_country: &str) -> MicroRecord {
    let w = || WITHHELD.to_owned();
    MicroRecord {
        year: match (g.year, r.year) {
            (0, Some(y)) => y.to_string(),
            _ => w(),
        },
        gender: match (g.gender, r.sex) {
            (0, Sex::Female) => "Female".into(),
            (0, Sex::Male) => "Male".into(),
            _ => w(),
        },
        age_broad: match (g.age, r.age_band) {
            (0, Some(b)) => b.label().into(),
            _ => w(),
        },
        majority: match (g.age, r.majority()) {
            (0 | 1, Some(true)) => "Minor".into(),
            (0 | 1, Some(false)) => "Adult".into(),
            _ => w(),
        },
        citizenship: match g.citizenship {
            0 => r.nationality.clone().unwrap_or_else(w),
            1 => match r.citizenship {
                CitizenshipGroup::ReportingCountry => reporting_country.to_owned(),
                CitizenshipGroup::OtherEu => "OtherEU".into(),
                CitizenshipGroup::NonEu => "NonEU".into(),
                CitizenshipGroup::Unknown => w(),
            },
            _ => w(),
        },
        country_of_exploitation: match g.country_of_exploitation {
            0 => r.country_of_exploitation.clone().unwrap_or_else(w),
            _ => w(),
        },
        exploitation: r.exploitation.clone(),
        sexual_exploitation: r.sexual_exploitation.clone(),
        control: r.control.clone(),
        recruitment: r.recruitment.clone(),
    }
}

/// How close the published shares are to the true ones, attribute by attribute.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Utility {
    pub attribute: String,
    /// Total variation distance between the true and the published distribution (0 = same,
    /// 1 = disjoint); withheld values count as their own category.
    pub total_variation: f64,
    /// Largest difference of the share of one category, in percentage points.
    pub max_share_difference_points: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UtilityReport {
    pub counted: u64,
    pub published: u64,
    pub left_out_as_unique: u64,
    pub attributes: Vec<Utility>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Microdata {
    pub k: u64,
    pub method: String,
    /// For global recoding: the generalisation applied to every line.
    pub generalisation: Option<Generalisation>,
    pub records: Vec<MicroRecord>,
    pub utility: UtilityReport,
}

/// Generalises `records` to k-anonymity over the quasi-identifiers, choosing the most useful
/// generalisation that leaves out at most `max_left_out_share` of the persons.
pub fn k_anonymise(
    records: &[StatRecord],
    k: u64,
    reporting_country: &str,
    max_left_out_share: f64,
) -> Result<Microdata, StatsError> {
    if k < 2 {
        return Err(StatsError::Refused(format!(
            "k = {k}: k-anonymity needs k ≥ 2"
        )));
    }
    let truth: Vec<MicroRecord> = records
        .iter()
        .map(|r| generalise(r, Generalisation::default(), reporting_country))
        .collect();
    // Among the generalisations that leave out few enough persons, the one whose published
    // shares are closest to the truth (least total variation over all attributes); if none
    // qualifies, the most general one.
    let mut best: Option<(f64, Generalisation, Vec<MicroRecord>, UtilityReport)> = None;
    let lattice = Generalisation::lattice();
    for g in &lattice {
        let lines: Vec<MicroRecord> = records
            .iter()
            .map(|r| generalise(r, *g, reporting_country))
            .collect();
        let kept = keep_k_anonymous(lines, k);
        let left = records.len() - kept.len();
        if (left as f64) > max_left_out_share * records.len() as f64 {
            continue;
        }
        let report = utility(&truth, &kept);
        let loss: f64 = report.attributes.iter().map(|a| a.total_variation).sum();
        if best.as_ref().is_none_or(|(l, ..)| loss < *l) {
            best = Some((loss, *g, kept, report));
        }
    }
    // Local recoding: values are withheld only on the lines of too-small groups, step by step.
    let local = local_recoding(records, k, reporting_country);
    let local_report = utility(&truth, &local);
    let local_loss: f64 = local_report
        .attributes
        .iter()
        .map(|a| a.total_variation)
        .sum();
    let local_ok =
        ((records.len() - local.len()) as f64) <= max_left_out_share * records.len() as f64;
    if local_ok && best.as_ref().is_none_or(|(l, ..)| local_loss < *l) {
        return Ok(Microdata {
            k,
            method: "local recoding: values withheld on the lines of groups smaller than k only"
                .into(),
            generalisation: None,
            records: local,
            utility: local_report,
        });
    }
    let (generalisation, kept, utility) = match best {
        Some((_, g, kept, report)) => (g, kept, report),
        None => {
            let g = lattice.last().copied().unwrap_or_default();
            let lines = records
                .iter()
                .map(|r| generalise(r, g, reporting_country))
                .collect();
            let kept = keep_k_anonymous(lines, k);
            let report = utility(&truth, &kept);
            (g, kept, report)
        }
    };
    Ok(Microdata {
        k,
        method: "global recoding: the same generalisation on every line".into(),
        generalisation: Some(generalisation),
        records: kept,
        utility,
    })
}

/// Withholds values on the lines of groups smaller than k, one attribute at a time (coarsest
/// harm first), then leaves out the lines still in a group smaller than k.
fn local_recoding(records: &[StatRecord], k: u64, reporting_country: &str) -> Vec<MicroRecord> {
    let group_of = |r: &StatRecord| -> String {
        match r.citizenship {
            CitizenshipGroup::ReportingCountry => reporting_country.to_owned(),
            CitizenshipGroup::OtherEu => "OtherEU".into(),
            CitizenshipGroup::NonEu => "NonEU".into(),
            CitizenshipGroup::Unknown => WITHHELD.into(),
        }
    };
    let mut lines: Vec<MicroRecord> = records
        .iter()
        .map(|r| generalise(r, Generalisation::default(), reporting_country))
        .collect();
    type Step = fn(&mut MicroRecord, &StatRecord, &dyn Fn(&StatRecord) -> String);
    let steps: [Step; 7] = [
        |l, r, g| l.citizenship = g(r),
        |l, _, _| l.country_of_exploitation = WITHHELD.into(),
        |l, _, _| l.citizenship = WITHHELD.into(),
        |l, _, _| l.year = WITHHELD.into(),
        |l, _, _| l.age_broad = WITHHELD.into(),
        |l, _, _| l.gender = WITHHELD.into(),
        |l, _, _| l.majority = WITHHELD.into(),
    ];
    for step in steps {
        let mut sizes: HashMap<_, u64> = HashMap::new();
        for l in &lines {
            *sizes.entry(l.quasi_identifiers()).or_insert(0) += 1;
        }
        let small: Vec<bool> = lines
            .iter()
            .map(|l| sizes[&l.quasi_identifiers()] < k)
            .collect();
        for ((l, r), small) in lines.iter_mut().zip(records).zip(small) {
            if small {
                step(l, r, &group_of);
            }
        }
    }
    keep_k_anonymous(lines, k)
}

fn keep_k_anonymous(lines: Vec<MicroRecord>, k: u64) -> Vec<MicroRecord> {
    let mut sizes: HashMap<_, u64> = HashMap::new();
    for l in &lines {
        *sizes.entry(l.quasi_identifiers()).or_insert(0) += 1;
    }
    let keep: Vec<bool> = lines
        .iter()
        .map(|l| sizes[&l.quasi_identifiers()] >= k)
        .collect();
    lines
        .into_iter()
        .zip(keep)
        .filter_map(|(l, keep)| keep.then_some(l))
        .collect()
}

type Extractor = fn(&MicroRecord) -> Vec<String>;

fn attributes() -> Vec<(&'static str, Extractor)> {
    vec![
        ("yearOfRegistration", |r| vec![r.year.clone()]),
        ("gender", |r| vec![r.gender.clone()]),
        ("ageBroad", |r| vec![r.age_broad.clone()]),
        ("majorityStatus", |r| vec![r.majority.clone()]),
        ("citizenship", |r| vec![r.citizenship.clone()]),
        ("CountryOfExploitation", |r| {
            vec![r.country_of_exploitation.clone()]
        }),
        ("typeOfExploitConcatenated", |r| {
            r.exploitation
                .iter()
                .map(|e| e.as_str().to_owned())
                .collect()
        }),
        ("typeOfSexConcatenated", |r| {
            r.sexual_exploitation
                .iter()
                .map(|e| e.label().to_owned())
                .collect()
        }),
        ("meansOfControlConcatenated", |r| {
            r.control.iter().map(|e| e.as_str().to_owned()).collect()
        }),
        ("RecruiterRelationship", |r| {
            r.recruitment
                .iter()
                .map(|e| e.as_str().to_owned())
                .collect()
        }),
    ]
}

fn shares(lines: &[MicroRecord], f: Extractor) -> BTreeMap<String, f64> {
    let mut counts: BTreeMap<String, f64> = BTreeMap::new();
    for l in lines {
        for v in f(l) {
            *counts.entry(v).or_insert(0.0) += 1.0;
        }
    }
    // Shares of persons (a person may hold several values of a multi-valued attribute).
    let n = lines.len().max(1) as f64;
    counts.values_mut().for_each(|c| *c /= n);
    counts
}

/// Compares the published lines with the truth (generalisation level 0 of every counted person).
pub fn utility(truth: &[MicroRecord], published: &[MicroRecord]) -> UtilityReport {
    let attributes = attributes()
        .into_iter()
        .map(|(name, f)| {
            let p = shares(truth, f);
            let q = shares(published, f);
            let keys: std::collections::BTreeSet<&String> = p.keys().chain(q.keys()).collect();
            let diffs: Vec<f64> = keys
                .iter()
                .map(|k| {
                    (p.get(*k).copied().unwrap_or(0.0) - q.get(*k).copied().unwrap_or(0.0)).abs()
                })
                .collect();
            let tv = diffs.iter().sum::<f64>() / 2.0;
            let max = diffs.iter().copied().fold(0.0, f64::max);
            Utility {
                attribute: name.to_owned(),
                total_variation: (tv * 10_000.0).round() / 10_000.0,
                max_share_difference_points: (max * 10_000.0).round() / 100.0,
            }
        })
        .collect();
    UtilityReport {
        counted: truth.len() as u64,
        published: published.len() as u64,
        left_out_as_unique: (truth.len() - published.len().min(truth.len())) as u64,
        attributes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::AgeBand;
    use cairn_registry::model::VictimStatus;
    use proptest::prelude::*;

    fn rec(year: i32, sex: Sex, age: u32, nat: &str) -> StatRecord {
        StatRecord {
            year: Some(year),
            status: VictimStatus::Possible,
            sex,
            age_band: Some(AgeBand::of_age(age)),
            nationality: Some(nat.into()),
            citizenship: CitizenshipGroup::of(Some(nat), "FR"),
            exploitation: vec![ExploitationType::SexualExploitation],
            sexual_exploitation: vec![],
            recruitment: vec![],
            control: vec![],
            country_of_exploitation: Some("FR".into()),
            referrals: vec![],
            screenings: vec![],
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn every_published_combination_is_shared_by_k(
            raw in proptest::collection::vec((2021i32..2027, 0u8..3, 5u32..40, 0usize..6), 1..300),
            k in 2u64..12,
        ) {
            let nats = ["FR", "RO", "BG", "NG", "BE", "MA"];
            let records: Vec<StatRecord> = raw.iter().map(|&(y, s, a, n)| {
                let sex = [Sex::Female, Sex::Male, Sex::OtherOrUnknown][s as usize];
                rec(y, sex, a, nats[n])
            }).collect();
            let m = k_anonymise(&records, k, "FR", 0.05).unwrap();
            let mut sizes: HashMap<_, u64> = HashMap::new();
            for l in &m.records {
                *sizes.entry(l.quasi_identifiers()).or_insert(0) += 1;
            }
            prop_assert!(sizes.values().all(|&n| n >= k));
            prop_assert!(m.records.len() as f64 >= 0.95 * records.len() as f64 || m.generalisation.is_some());
            prop_assert_eq!(m.utility.counted, records.len() as u64);
            prop_assert_eq!(m.utility.published + m.utility.left_out_as_unique, records.len() as u64);
        }
    }

    #[test]
    fn no_generalisation_when_groups_are_large() {
        let records: Vec<StatRecord> = (0..40).map(|_| rec(2025, Sex::Female, 15, "FR")).collect();
        let m = k_anonymise(&records, 11, "FR", 0.05).unwrap();
        assert!(m.generalisation.is_none_or(|g| g.level() == 0));
        assert_eq!(m.records.len(), 40);
        assert!(
            m.utility
                .attributes
                .iter()
                .all(|a| a.total_variation == 0.0)
        );
    }
}
