//! The shapes others read: CTDC-like microdata CSV (CTDC's column names), HTCDS aggregates (HTCDS
//! field names), the Eurostat `crim_thb` table (SDMX-style long CSV). The mapping of every column
//! is in docs/stats.md.

use crate::StatsError;
use crate::microdata::{MicroRecord, WITHHELD};
use crate::record::SexExploitationType;
use crate::release::{PublishedTable, Release, TOTAL};
use cairn_registry::model::{ControlMethod, ExploitationType, RecruitmentMethod};
use std::io::Write;

/// CTDC `meansOfControl…` columns, in CTDC's order, and the registry's methods behind each.
const CTDC_CONTROL: &[(&str, &[ControlMethod])] = &[
    ("meansOfControlDebtBondage", &[ControlMethod::Debt]),
    ("meansOfControlThreats", &[ControlMethod::Threats]),
    (
        "meansOfControlPsychologicalAbuse",
        &[ControlMethod::EmotionalManipulation],
    ),
    (
        "meansOfControlPhysicalAbuse",
        &[ControlMethod::PhysicalViolence],
    ),
    (
        "meansOfControlSexualAbuse",
        &[ControlMethod::SexualViolence],
    ),
    (
        "meansOfControlFalsePromises",
        &[ControlMethod::FalsePromises],
    ),
    (
        "meansOfControlPsychoactiveSubstances",
        &[ControlMethod::Substances],
    ),
    (
        "meansOfControlRestrictsMovement",
        &[ControlMethod::RestrictedMovement],
    ),
    (
        "meansOfControlWithholdsDocuments",
        &[ControlMethod::DocumentsWithheld],
    ),
    (
        "meansOfControlOther",
        &[ControlMethod::Isolation, ControlMethod::Other],
    ),
];

/// CTDC `is…` exploitation columns and the forms behind each (CTDC counts begging, illicit
/// activities and domestic work as forced labour).
const CTDC_EXPLOIT: &[(&str, &[ExploitationType])] = &[
    (
        "isForcedLabour",
        &[
            ExploitationType::ForcedLabour,
            ExploitationType::DomesticServitude,
            ExploitationType::ForcedBegging,
            ExploitationType::ForcedCriminality,
        ],
    ),
    ("isSexualExploit", &[ExploitationType::SexualExploitation]),
    ("isOtherExploit", &[ExploitationType::Other]),
    ("isForcedMarriage", &[ExploitationType::ForcedMarriage]),
    ("isForcedMilitary", &[]),
    ("isOrganRemoval", &[ExploitationType::OrganRemoval]),
    ("isSlaveryAndPractices", &[]),
];

const CTDC_LABOUR: &[(&str, ExploitationType)] = &[
    ("typeOfLabourBegging", ExploitationType::ForcedBegging),
    (
        "typeOfLabourDomesticWork",
        ExploitationType::DomesticServitude,
    ),
    (
        "typeOfLabourIllicitActivities",
        ExploitationType::ForcedCriminality,
    ),
];

const CTDC_RECRUITER: &[(&str, &str, &[RecruitmentMethod])] = &[
    (
        "recruiterRelationIntimatePartner",
        "Intimate Partner",
        &[RecruitmentMethod::Romance],
    ),
    (
        "recruiterRelationFriend",
        "Friend",
        &[RecruitmentMethod::Friend],
    ),
    (
        "recruiterRelationFamily",
        "Family/Relative",
        &[RecruitmentMethod::Family, RecruitmentMethod::Sold],
    ),
    (
        "recruiterRelationOther",
        "Other",
        &[
            RecruitmentMethod::JobOffer,
            RecruitmentMethod::Online,
            RecruitmentMethod::Abduction,
            RecruitmentMethod::Other,
        ],
    ),
];

fn ctdc_exploit_label(e: ExploitationType) -> &'static str {
    match e {
        ExploitationType::SexualExploitation => "Sexual exploitation",
        ExploitationType::ForcedLabour
        | ExploitationType::DomesticServitude
        | ExploitationType::ForcedBegging
        | ExploitationType::ForcedCriminality => "Forced labour",
        ExploitationType::ForcedMarriage => "Forced marriage",
        ExploitationType::OrganRemoval => "Organ removal",
        ExploitationType::Other => "Other exploitation",
    }
}

/// CTDC's column names, in the order written.
pub fn ctdc_columns() -> Vec<String> {
    let mut cols: Vec<String> = [
        "yearOfRegistration",
        "Datasource",
        "gender",
        "ageBroad",
        "majorityStatus",
        "majorityStatusAtExploit",
        "majorityEntry",
        "citizenship",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    cols.extend(CTDC_CONTROL.iter().map(|(c, _)| (*c).to_owned()));
    cols.push("meansOfControlNotSpecified".into());
    cols.push("meansOfControlConcatenated".into());
    cols.extend(CTDC_EXPLOIT.iter().map(|(c, _)| (*c).to_owned()));
    cols.push("isSexAndLabour".into());
    cols.push("typeOfExploitConcatenated".into());
    cols.extend(CTDC_LABOUR.iter().map(|(c, _)| (*c).to_owned()));
    cols.push("typeOfLabourConcatenated".into());
    cols.extend(
        SexExploitationType::ALL
            .iter()
            .map(|t| format!("typeOfSex{}", t.ctdc())),
    );
    cols.push("typeOfSexConcatenated".into());
    cols.push("isAbduction".into());
    cols.push("RecruiterRelationship".into());
    cols.push("CountryOfExploitation".into());
    cols.extend(CTDC_RECRUITER.iter().map(|(c, _, _)| (*c).to_owned()));
    cols.push("recruiterRelationUnknown".into());
    cols
}

fn flag(b: bool) -> String {
    if b { "1".into() } else { "0".into() }
}

fn concat(items: impl Iterator<Item = String>) -> String {
    let mut v: Vec<String> = items.collect();
    v.dedup();
    if v.is_empty() {
        WITHHELD.to_owned()
    } else {
        v.join(";")
    }
}

/// One CTDC line of a published record.
pub fn ctdc_row(r: &MicroRecord) -> Vec<String> {
    let mut row = vec![
        r.year.clone(),
        "Case Management".to_owned(),
        r.gender.clone(),
        r.age_broad.clone(),
        r.majority.clone(),
        WITHHELD.to_owned(), // majorityStatusAtExploit: the registry holds age at registration only
        WITHHELD.to_owned(), // majorityEntry
        r.citizenship.clone(),
    ];
    row.extend(
        CTDC_CONTROL
            .iter()
            .map(|(_, m)| flag(r.control.iter().any(|c| m.contains(c)))),
    );
    row.push(flag(r.control.is_empty()));
    row.push(concat(
        CTDC_CONTROL
            .iter()
            .filter(|(_, m)| r.control.iter().any(|c| m.contains(c)))
            .map(|(c, _)| c.trim_start_matches("meansOfControl").to_owned()),
    ));
    row.extend(
        CTDC_EXPLOIT
            .iter()
            .map(|(_, m)| flag(r.exploitation.iter().any(|e| m.contains(e)))),
    );
    let sexual = r
        .exploitation
        .contains(&ExploitationType::SexualExploitation);
    let labour = r.exploitation.iter().any(|e| CTDC_EXPLOIT[0].1.contains(e));
    row.push(flag(sexual && labour));
    let mut labels: Vec<&str> = r
        .exploitation
        .iter()
        .map(|e| ctdc_exploit_label(*e))
        .collect();
    labels.sort_unstable();
    labels.dedup();
    row.push(concat(labels.into_iter().map(str::to_owned)));
    row.extend(
        CTDC_LABOUR
            .iter()
            .map(|(_, e)| flag(r.exploitation.contains(e))),
    );
    row.push(concat(
        CTDC_LABOUR
            .iter()
            .filter(|(_, e)| r.exploitation.contains(e))
            .map(|(c, _)| c.trim_start_matches("typeOfLabour").to_owned()),
    ));
    row.extend(
        SexExploitationType::ALL
            .iter()
            .map(|t| flag(r.sexual_exploitation.contains(t))),
    );
    row.push(concat(
        r.sexual_exploitation.iter().map(|t| t.ctdc().to_owned()),
    ));
    row.push(flag(r.recruitment.contains(&RecruitmentMethod::Abduction)));
    row.push(if r.recruitment.is_empty() {
        "Unknown".to_owned()
    } else {
        concat(
            CTDC_RECRUITER
                .iter()
                .filter(|(_, _, m)| r.recruitment.iter().any(|x| m.contains(x)))
                .map(|(_, l, _)| (*l).to_owned()),
        )
    });
    row.push(r.country_of_exploitation.clone());
    row.extend(
        CTDC_RECRUITER
            .iter()
            .map(|(_, _, m)| flag(r.recruitment.iter().any(|x| m.contains(x)))),
    );
    row.push(flag(r.recruitment.is_empty()));
    row
}

/// Writes CTDC-like microdata.
pub fn write_ctdc(records: &[MicroRecord], out: impl Write) -> Result<(), StatsError> {
    let mut w = csv::Writer::from_writer(out);
    let err = |e: csv::Error| StatsError::io("CTDC CSV", e);
    w.write_record(ctdc_columns()).map_err(err)?;
    for r in records {
        w.write_record(ctdc_row(r)).map_err(err)?;
    }
    w.flush().map_err(|e| StatsError::io("CTDC CSV", e))?;
    Ok(())
}

/// HTCDS field name of each dimension, for the aggregates export.
pub fn htcds_field(axis: &str) -> Option<&'static str> {
    Some(match axis {
        "status" => "vic_Status",
        "sex" => "prs_Gender",
        "nationality" => "prs_Nationality",
        "citizenship" => "prs_Nationality(group)",
        "age_band" => "vic_AgeAtRegistration(CTDC band)",
        "majority" => "vic_AgeAtRegistration(minor/adult)",
        "year" => "cas_IncomingReferralDate(year)",
        "exploitation" => "vic_TypeOfExploitation",
        "sexual_exploitation" => "vic_TypeOfSexExploitation",
        "recruitment" => "vic_MethodOfRecruitment",
        "control" => "vic_MethodsOfControl",
        "country_of_exploitation" => "vic_LocationOfExploitation",
        "referral_status" => "cas_OutgoingReferral(status)",
        _ => return None,
    })
}

/// HTCDS aggregates: the one-way margins of a release's tables, as (HTCDS field, value, count,
/// flag); each margin once, whichever table published it first.
pub fn write_htcds_aggregates(release: &Release, out: impl Write) -> Result<(), StatsError> {
    let mut w = csv::Writer::from_writer(out);
    let err = |e: csv::Error| StatsError::io("HTCDS aggregates CSV", e);
    w.write_record(["htcds_field", "value", "unit", "count", "flag"])
        .map_err(err)?;
    let mut seen = std::collections::BTreeSet::new();
    for t in &release.tables {
        for cell in &t.cells {
            let fixed: Vec<(&String, &String)> = cell
                .categories
                .iter()
                .filter(|(_, l)| *l != TOTAL)
                .collect();
            let [(axis, label)] = fixed.as_slice() else {
                continue;
            };
            let Some(field) = htcds_field(axis) else {
                continue;
            };
            if !seen.insert((field, (*label).clone(), t.unit.clone())) {
                continue;
            }
            w.write_record([
                field,
                label.as_str(),
                t.unit.as_str(),
                &cell.value.map_or_else(String::new, |v| v.to_string()),
                cell.flag.unwrap_or(""),
            ])
            .map_err(err)?;
        }
    }
    w.flush()
        .map_err(|e| StatsError::io("HTCDS aggregates CSV", e))?;
    Ok(())
}

fn eurostat_code(axis: &str, label: &str) -> String {
    match (axis, label) {
        (_, TOTAL) if axis == "year" => TOTAL.into(),
        ("sex", TOTAL) => "T".into(),
        ("sex", "Female") => "F".into(),
        ("sex", "Male") => "M".into(),
        ("sex", _) => "UNK".into(),
        ("majority", TOTAL) => "TOTAL".into(),
        ("majority", "Minor") => "Y_LT18".into(),
        ("majority", "Adult") => "Y_GE18".into(),
        ("majority", _) => "UNK".into(),
        ("citizenship", TOTAL) => "TOTAL".into(),
        ("citizenship", "Reporting country") => "NAT".into(),
        ("citizenship", "Other EU") => "EU27_2020_FOR".into(),
        ("citizenship", "Non-EU") => "NEU27_2020_FOR".into(),
        ("citizenship", _) => "UNK".into(),
        ("status", TOTAL) => "TOTAL".into(),
        ("status", "confirmed") => "IDENT".into(),
        ("status", "possible") => "PRESUM".into(),
        (_, other) => other.into(),
    }
}

/// The Eurostat `crim_thb` cube of a release as long CSV (one observation a line). Suppressed
/// figures are written empty with flag `c` (confidential), as Eurostat does.
pub fn write_eurostat(
    table: &PublishedTable,
    geo: &str,
    out: impl Write,
) -> Result<(), StatsError> {
    let mut w = csv::Writer::from_writer(out);
    let err = |e: csv::Error| StatsError::io("Eurostat CSV", e);
    w.write_record([
        "freq",
        "unit",
        "sex",
        "age",
        "citizen",
        "leg_stat",
        "geo",
        "TIME_PERIOD",
        "OBS_VALUE",
        "OBS_FLAG",
    ])
    .map_err(err)?;
    let geo = if geo == "GR" { "EL" } else { geo }; // Eurostat's code for Greece
    for cell in &table.cells {
        let get = |a: &str| cell.categories.get(a).map_or(TOTAL, String::as_str);
        let year = get("year");
        if year == TOTAL || year == crate::dim::UNKNOWN {
            continue; // Eurostat publishes by reference year only
        }
        let flag = match cell.flag {
            Some(f) if f.starts_with("suppressed") => "c",
            Some("noisy") => "e", // estimated
            _ => "",
        };
        w.write_record([
            "A",
            "NR",
            &eurostat_code("sex", get("sex")),
            &eurostat_code("majority", get("majority")),
            &eurostat_code("citizenship", get("citizenship")),
            &eurostat_code("status", get("status")),
            geo,
            year,
            &cell.value.map_or_else(String::new, |v| v.to_string()),
            flag,
        ])
        .map_err(err)?;
    }
    w.flush().map_err(|e| StatsError::io("Eurostat CSV", e))?;
    Ok(())
}
