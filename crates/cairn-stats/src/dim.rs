//! Dimensions a table may be cut by. Each maps a record to its category labels; a dimension that
//! would single out a person (exact birth date or age, name, contact, free text, ids) is refused.

use crate::StatsError;
use crate::record::{AgeBand, CitizenshipGroup, Sex, SexExploitationType, StatRecord};
use cairn_registry::model::{ControlMethod, ExploitationType, RecruitmentMethod, VictimStatus};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

pub const UNKNOWN: &str = "Unknown";
/// For a multi-valued dimension: the person has no value recorded.
pub const NOT_RECORDED: &str = "Not recorded";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dim {
    Year,
    Status,
    Sex,
    AgeBand,
    Majority,
    Citizenship,
    Nationality,
    Exploitation,
    SexualExploitation,
    Recruitment,
    Control,
    CountryOfExploitation,
}

/// Fields that identify or single out a person: never a dimension.
const SINGLING_OUT: &[(&str, &str)] = &[
    (
        "birthdate",
        "an exact date of birth singles out a person; use age_band or majority",
    ),
    (
        "birth_date",
        "an exact date of birth singles out a person; use age_band or majority",
    ),
    (
        "date_of_birth",
        "an exact date of birth singles out a person; use age_band or majority",
    ),
    (
        "prs_birthdate",
        "an exact date of birth singles out a person; use age_band or majority",
    ),
    (
        "age",
        "an exact age singles out a person; use age_band or majority",
    ),
    ("name", "a name identifies a person"),
    ("first_name", "a name identifies a person"),
    ("second_name", "a name identifies a person"),
    ("prs_firstname", "a name identifies a person"),
    ("prs_secondname", "a name identifies a person"),
    ("email", "contact details identify a person"),
    ("phone", "contact details identify a person"),
    ("mobile_phone", "contact details identify a person"),
    ("address", "an address identifies a person"),
    ("street", "an address identifies a person"),
    ("postal_code", "an address identifies a person"),
    (
        "city",
        "a city of residence or exploitation can single out a person; use country_of_exploitation",
    ),
    (
        "place_city",
        "a city can single out a person; use country_of_exploitation",
    ),
    ("details", "free text can identify a person"),
    ("vulnerability_details", "free text can identify a person"),
    ("free_text", "free text can identify a person"),
    ("description", "free text can identify a person"),
    ("transcript", "a statement identifies a person"),
    ("note", "free text can identify a person"),
    ("person_id", "an id singles out a person"),
    ("case_id", "an id singles out a person"),
    (
        "registration_date",
        "an exact date can single out a person; use year",
    ),
    (
        "occurred_on",
        "an exact date can single out a person; use year",
    ),
];

impl Dim {
    pub const ALL: [Dim; 12] = [
        Dim::Year,
        Dim::Status,
        Dim::Sex,
        Dim::AgeBand,
        Dim::Majority,
        Dim::Citizenship,
        Dim::Nationality,
        Dim::Exploitation,
        Dim::SexualExploitation,
        Dim::Recruitment,
        Dim::Control,
        Dim::CountryOfExploitation,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Dim::Year => "year",
            Dim::Status => "status",
            Dim::Sex => "sex",
            Dim::AgeBand => "age_band",
            Dim::Majority => "majority",
            Dim::Citizenship => "citizenship",
            Dim::Nationality => "nationality",
            Dim::Exploitation => "exploitation",
            Dim::SexualExploitation => "sexual_exploitation",
            Dim::Recruitment => "recruitment",
            Dim::Control => "control",
            Dim::CountryOfExploitation => "country_of_exploitation",
        }
    }

    /// A person may hold several values (forms of exploitation, means of control…): cells of such
    /// a dimension do not add up to its margin.
    pub fn multi_valued(self) -> bool {
        matches!(
            self,
            Dim::Exploitation | Dim::SexualExploitation | Dim::Recruitment | Dim::Control
        )
    }

    /// Parses a dimension name; refuses, with the reason, one that would single out a person.
    pub fn parse(text: &str) -> Result<Dim, StatsError> {
        let t = text.trim().to_ascii_lowercase().replace('-', "_");
        if let Some(d) = Dim::ALL.iter().find(|d| d.name() == t) {
            return Ok(*d);
        }
        if let Some((_, why)) = SINGLING_OUT.iter().find(|(n, _)| *n == t) {
            return Err(StatsError::Refused(format!("dimension {text:?}: {why}")));
        }
        Err(StatsError::invalid(
            format!("dimension {text:?}"),
            format!("unknown; one of: {}", Dim::ALL.map(|d| d.name()).join(", ")),
        ))
    }

    /// The labels of this dimension over `records`, in a fixed order: the whole vocabulary for
    /// closed ones (zeros included, so that tables keep their shape), present values otherwise.
    pub fn labels(self, records: &[StatRecord]) -> Vec<String> {
        let fixed = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        match self {
            Dim::Year | Dim::Nationality | Dim::CountryOfExploitation => {
                let mut present: BTreeSet<String> = BTreeSet::new();
                let mut unknown = false;
                for r in records {
                    for v in self.values(r) {
                        if v == UNKNOWN {
                            unknown = true;
                        } else {
                            present.insert(v);
                        }
                    }
                }
                let mut out: Vec<String> = present.into_iter().collect();
                if unknown {
                    out.push(UNKNOWN.into());
                }
                out
            }
            Dim::Status => fixed(&[
                VictimStatus::Possible.as_str(),
                VictimStatus::Confirmed.as_str(),
            ]),
            Dim::Sex => fixed(&["Female", "Male", "Other or unknown"]),
            Dim::AgeBand => {
                let mut v: Vec<String> =
                    AgeBand::ALL.iter().map(|b| b.label().to_owned()).collect();
                v.push(UNKNOWN.into());
                v
            }
            Dim::Majority => fixed(&["Minor", "Adult", UNKNOWN]),
            Dim::Citizenship => fixed(&["Reporting country", "Other EU", "Non-EU", UNKNOWN]),
            Dim::Exploitation => {
                with_not_recorded(ExploitationType::ALL.iter().map(|e| e.as_str()))
            }
            Dim::SexualExploitation => {
                with_not_recorded(SexExploitationType::ALL.iter().map(|e| e.label()))
            }
            Dim::Recruitment => {
                with_not_recorded(RecruitmentMethod::ALL.iter().map(|e| e.as_str()))
            }
            Dim::Control => with_not_recorded(ControlMethod::ALL.iter().map(|e| e.as_str())),
        }
    }

    /// The labels `record` holds on this dimension: exactly one for a single-valued dimension,
    /// one or more (distinct) for a multi-valued one.
    pub fn values(self, r: &StatRecord) -> Vec<String> {
        let one = |s: &str| vec![s.to_owned()];
        let many = |v: Vec<&str>| {
            if v.is_empty() {
                vec![NOT_RECORDED.to_owned()]
            } else {
                let set: BTreeSet<&str> = v.into_iter().collect();
                set.into_iter().map(str::to_owned).collect()
            }
        };
        match self {
            Dim::Year => one(&r.year.map_or_else(|| UNKNOWN.to_owned(), |y| y.to_string())),
            Dim::Status => one(r.status.as_str()),
            Dim::Sex => one(match r.sex {
                Sex::Female => "Female",
                Sex::Male => "Male",
                Sex::OtherOrUnknown => "Other or unknown",
            }),
            Dim::AgeBand => one(r.age_band.map_or(UNKNOWN, AgeBand::label)),
            Dim::Majority => one(match r.majority() {
                Some(true) => "Minor",
                Some(false) => "Adult",
                None => UNKNOWN,
            }),
            Dim::Citizenship => one(match r.citizenship {
                CitizenshipGroup::ReportingCountry => "Reporting country",
                CitizenshipGroup::OtherEu => "Other EU",
                CitizenshipGroup::NonEu => "Non-EU",
                CitizenshipGroup::Unknown => UNKNOWN,
            }),
            Dim::Nationality => one(r.nationality.as_deref().unwrap_or(UNKNOWN)),
            Dim::CountryOfExploitation => {
                one(r.country_of_exploitation.as_deref().unwrap_or(UNKNOWN))
            }
            Dim::Exploitation => many(r.exploitation.iter().map(|e| e.as_str()).collect()),
            Dim::SexualExploitation => {
                many(r.sexual_exploitation.iter().map(|e| e.label()).collect())
            }
            Dim::Recruitment => many(r.recruitment.iter().map(|e| e.as_str()).collect()),
            Dim::Control => many(r.control.iter().map(|e| e.as_str()).collect()),
        }
    }

    /// How many cells of this dimension one person can fall in (sensitivity of a count).
    pub fn max_values(self, records: &[StatRecord]) -> usize {
        if self.multi_valued() {
            self.labels(records).len()
        } else {
            1
        }
    }
}

fn with_not_recorded<'a>(it: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut v: Vec<String> = it.map(str::to_owned).collect();
    v.push(NOT_RECORDED.to_owned());
    v
}

impl std::fmt::Display for Dim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn singling_out_dimensions_are_refused_with_a_reason() {
        for name in [
            "birthdate",
            "Date_Of_Birth",
            "name",
            "free-text",
            "age",
            "city",
        ] {
            match Dim::parse(name) {
                Err(StatsError::Refused(m)) => {
                    assert!(m.contains("single") || m.contains("identif"), "{m}")
                }
                other => panic!("{name}: {other:?}"),
            }
        }
        assert_eq!(Dim::parse("age-band").unwrap(), Dim::AgeBand);
        assert!(matches!(
            Dim::parse("colour"),
            Err(StatsError::Invalid { .. })
        ));
    }
}
