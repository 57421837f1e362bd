//! HTCDS 2.0 import and export (field mapping in docs/htcds.md).
//!
//! Import reads CSV (header row of HTCDS field names) or JSON Lines (one object per line), checks
//! every row against the HTCDS vocabulary, imports each good row in one transaction (person, case,
//! events, consents, audit entries) and writes each bad row, named by line and field, to a reject
//! file. A row already imported (same content) is recognised by a keyed hash and adds nothing.

use crate::audit::{self, Actor, AuditEvent, Outcome};
use crate::blind;
use crate::consent::{Decision, LegalBasis};
use crate::model::{
    CaseStatus, ConsentGiver, ControlMethod, DataCategory, EventKind, ExploitationType, Gender,
    Purpose, RecruitmentMethod, VictimStatus, Vulnerability,
};
use crate::{NewCase, NewConsent, NewEvent, PersonFields, Registry, RegistryError, check_country};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::Path;

/// Every field name import accepts: HTCDS names and Cairn's `cns_` consent extension.
pub const FIELDS: &[&str] = &[
    "prs_Salutation",
    "prs_FirstName",
    "prs_SecondName",
    "prs_Birthdate",
    "prs_Gender",
    "prs_Nationality",
    "prs_Email",
    "prs_HomePhone",
    "prs_MobilePhone",
    "prs_MailingStreet",
    "prs_MailingCity",
    "prs_MailingState",
    "prs_MailingCountry",
    "prs_MailingPostalCode",
    "vic_Status",
    "vic_MethodOfRecruitment",
    "vic_LocationOfRecruitment",
    "vic_MethodsOfControl",
    "vic_TypeOfExploitation",
    "vic_ForcedLabourIndustry",
    "vic_TypeOfSexExploitation",
    "vic_LocationOfExploitation",
    "vic_Vulnerabilities",
    "vic_DetailsOfVulnerabilities",
    "cas_Status",
    "cas_ReferringOrganisation",
    "cas_IncomingReferralDate",
    "cas_ReasonForIncomingReferral",
    "cas_ReasonForCaseClosure",
    "cns_Purposes",
    "cns_Categories",
    "cns_Giver",
    "cns_GivenDate",
    "cns_ExpiryDate",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    Csv,
    JsonLines,
}

impl InputFormat {
    /// By extension (.csv; .jsonl, .ndjson, .json), else by the first byte (`{` is JSON Lines).
    pub fn detect(path: &Path) -> Result<Self, RegistryError> {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("csv") => return Ok(Self::Csv),
            Some("jsonl" | "ndjson" | "json") => return Ok(Self::JsonLines),
            _ => {}
        }
        let bytes = std::fs::read(path).map_err(|e| RegistryError::io(path, e))?;
        Ok(match bytes.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'{') => Self::JsonLines,
            _ => Self::Csv,
        })
    }
}

/// One rejected row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rejection {
    pub line: u64,
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub rows: u64,
    pub imported: u64,
    /// Rows already imported by an earlier run.
    pub already_present: u64,
    /// One entry per bad field of each bad row.
    pub rejections: Vec<Rejection>,
    pub rejected_rows: u64,
}

/// A row checked against the vocabulary, ready to store.
#[derive(Debug, Clone, Default)]
pub struct ValidRow {
    pub status: VictimStatus,
    pub person: PersonFields,
    pub case: NewCase,
    pub events: Vec<NewEvent>,
    pub consents: Vec<NewConsent>,
}

// The vocabulary macro cannot take a #[default] variant, hence the hand-written impl.
#[allow(clippy::derivable_impls)]
impl Default for VictimStatus {
    fn default() -> Self {
        VictimStatus::Possible
    }
}

type Row = BTreeMap<String, String>;
/// A row with its line number, or why it could not be read.
type NumberedRow = (u64, Result<Row, String>);

fn list<T: std::str::FromStr<Err = RegistryError>>(v: &str) -> Result<Vec<T>, String> {
    v.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<T>().map_err(|e| e.to_string()))
        .collect()
}

/// "CC" or "City, CC": returns (country, city).
fn location(v: &str) -> Result<(String, Option<String>), String> {
    let (city, cc) = match v.rsplit_once(',') {
        Some((city, cc)) => (
            Some(city.trim().to_owned()).filter(|c| !c.is_empty()),
            cc.trim(),
        ),
        None => (None, v.trim()),
    };
    check_country(cc, "location").map_err(|e| format!("{e}; write \"CC\" or \"City, CC\""))?;
    Ok((cc.to_owned(), city))
}

fn date(v: &str) -> Result<String, String> {
    let d = blind::normalise_date(v).ok_or_else(|| format!("{v:?} is not a date (YYYY-MM-DD)"))?;
    let today = time::OffsetDateTime::now_utc().date();
    let parsed = time::Date::parse(
        &d,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|e| e.to_string())?;
    if parsed > today || parsed.year() < 1900 {
        return Err(format!("{d} is in the future or before 1900"));
    }
    Ok(d)
}

/// Checks one row; every bad field is reported.
pub fn validate(row: &Row) -> Result<ValidRow, Vec<(String, String)>> {
    let mut errors: Vec<(String, String)> = Vec::new();
    let mut out = ValidRow::default();
    let mut recruitment = NewEvent {
        kind: Some(EventKind::Recruitment),
        ..NewEvent::default()
    };
    let mut exploitation = NewEvent {
        kind: Some(EventKind::Exploitation),
        ..NewEvent::default()
    };
    let (mut purposes, mut categories, mut giver, mut given, mut expiry) =
        (Vec::new(), Vec::new(), None, None, None);
    for (field, value) in row {
        let v = value.trim();
        if v.is_empty() {
            continue;
        }
        let text = Some(v.to_owned());
        let r: Result<(), String> = (|| {
            match field.as_str() {
                "prs_Salutation" => out.person.salutation = text,
                "prs_FirstName" => out.person.first_name = text,
                "prs_SecondName" => out.person.second_name = text,
                "prs_Birthdate" => out.person.birthdate = Some(date(v)?),
                "prs_Gender" => {
                    out.person.gender = Some(v.parse::<Gender>().map_err(|e| e.to_string())?)
                }
                "prs_Nationality" => {
                    check_country(v, "nationality").map_err(|e| e.to_string())?;
                    out.person.nationality = text;
                }
                "prs_Email" => {
                    let ok = v
                        .split_once('@')
                        .is_some_and(|(a, d)| !a.is_empty() && d.contains('.') && !v.contains(' '));
                    if !ok {
                        return Err("not an e-mail address".into());
                    }
                    out.person.email = text;
                }
                "prs_HomePhone" | "prs_MobilePhone" => {
                    if blind::normalise_phone(v).is_none() || v.chars().any(|c| c.is_alphabetic()) {
                        return Err("not a phone number (digits, spaces, + - . ( ))".into());
                    }
                    if field == "prs_HomePhone" {
                        out.person.home_phone = text
                    } else {
                        out.person.mobile_phone = text
                    }
                }
                "prs_MailingStreet" => out.person.mailing_street = text,
                "prs_MailingCity" => out.person.mailing_city = text,
                "prs_MailingState" => out.person.mailing_state = text,
                "prs_MailingPostalCode" => out.person.mailing_postal_code = text,
                "prs_MailingCountry" => {
                    check_country(v, "mailing country").map_err(|e| e.to_string())?;
                    out.person.mailing_country = text;
                }
                "vic_Status" => out.status = v.parse().map_err(|e: RegistryError| e.to_string())?,
                "vic_MethodOfRecruitment" => {
                    recruitment.means = list::<RecruitmentMethod>(v)?
                        .iter()
                        .map(|m| m.as_str().to_owned())
                        .collect()
                }
                "vic_LocationOfRecruitment" => {
                    let (cc, city) = location(v)?;
                    recruitment.place_country = Some(cc);
                    recruitment.place_city = city;
                }
                "vic_MethodsOfControl" => {
                    exploitation.means = list::<ControlMethod>(v)?
                        .iter()
                        .map(|m| m.as_str().to_owned())
                        .collect()
                }
                "vic_TypeOfExploitation" => {
                    let types = list::<ExploitationType>(v)?;
                    exploitation.form = Some(
                        types
                            .iter()
                            .map(|t| t.as_str())
                            .collect::<Vec<_>>()
                            .join(";"),
                    );
                }
                "vic_ForcedLabourIndustry" | "vic_TypeOfSexExploitation" => {
                    let prev = exploitation.detail.take();
                    exploitation.detail = Some(match prev {
                        Some(p) => format!("{p}; {v}"),
                        None => v.to_owned(),
                    });
                }
                "vic_LocationOfExploitation" => {
                    let (cc, city) = location(v)?;
                    exploitation.place_country = Some(cc);
                    exploitation.place_city = city;
                }
                "vic_Vulnerabilities" => out.case.vulnerabilities = list::<Vulnerability>(v)?,
                "vic_DetailsOfVulnerabilities" => out.case.vulnerability_details = text,
                "cas_Status" => {
                    out.case.status = Some(v.parse::<CaseStatus>().map_err(|e| e.to_string())?)
                }
                "cas_ReferringOrganisation" => out.case.referring_organisation = text,
                "cas_IncomingReferralDate" => out.case.incoming_referral_date = Some(date(v)?),
                "cas_ReasonForIncomingReferral" => out.case.reason_for_incoming_referral = text,
                "cas_ReasonForCaseClosure" => out.case.reason_for_closure = text,
                "cns_Purposes" => purposes = list::<Purpose>(v)?,
                "cns_Categories" => categories = list::<DataCategory>(v)?,
                "cns_Giver" => giver = Some(v.parse::<ConsentGiver>().map_err(|e| e.to_string())?),
                "cns_GivenDate" => given = Some(date(v)?),
                "cns_ExpiryDate" => {
                    expiry = Some(
                        blind::normalise_date(v)
                            .ok_or_else(|| format!("{v:?} is not a date (YYYY-MM-DD)"))?,
                    )
                }
                other => return Err(format!("unknown field {other:?} (see docs/htcds.md)")),
            }
            Ok(())
        })();
        if let Err(m) = r {
            errors.push((field.clone(), m));
        }
    }
    if out.person.first_name.is_none() && out.person.second_name.is_none() {
        errors.push((
            "prs_FirstName".into(),
            "a person needs prs_FirstName or prs_SecondName".into(),
        ));
    }
    if !purposes.is_empty() || !categories.is_empty() || giver.is_some() {
        if purposes.is_empty() {
            errors.push((
                "cns_Purposes".into(),
                "consent columns given without purposes".into(),
            ));
        }
        if categories.is_empty() {
            errors.push((
                "cns_Categories".into(),
                "consent columns given without categories".into(),
            ));
        }
        if giver.is_none() {
            errors.push((
                "cns_Giver".into(),
                "consent columns given without the giver".into(),
            ));
        }
        if purposes.contains(&Purpose::Referral) {
            errors.push(("cns_Purposes".into(), "a referral consent names an organisation: record it with the registry, not by import".into()));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if let Some(giver) = giver {
        for p in purposes {
            out.consents.push(NewConsent {
                person_id: String::new(),
                purpose: p,
                recipient_organisation_id: None,
                categories: categories.clone(),
                giver,
                given_at: given.clone(),
                expires_at: expiry.clone(),
            });
        }
    }
    for e in [recruitment, exploitation] {
        if e.place_country.is_some()
            || !e.means.is_empty()
            || e.form.is_some()
            || e.detail.is_some()
        {
            out.events.push(e);
        }
    }
    Ok(out)
}

/// Rows read one at a time, so that a file of millions of rows never sits in memory.
type RowIter = Box<dyn Iterator<Item = Result<NumberedRow, RegistryError>>>;

/// Reads rows with their 1-based line numbers (CSV: the header is line 1), one at a time. A row
/// that cannot be read at all is a rejection of field `(row)`; an I/O error ends the import.
fn read_rows(path: &Path, format: InputFormat) -> Result<RowIter, RegistryError> {
    let file = std::fs::File::open(path).map_err(|e| RegistryError::io(path, e))?;
    let owned_path = path.to_path_buf();
    match format {
        InputFormat::JsonLines => Ok(Box::new(
            std::io::BufReader::new(file)
                .lines()
                .enumerate()
                .filter_map(move |(i, line)| {
                    let line = match line {
                        Ok(l) => l,
                        Err(e) => return Some(Err(RegistryError::io(&owned_path, e))),
                    };
                    let n = i as u64 + 1;
                    if line.trim().is_empty() {
                        return None;
                    }
                    Some(Ok((n, parse_json_row(&line))))
                }),
        )),
        InputFormat::Csv => {
            let mut reader = csv::ReaderBuilder::new()
                .flexible(false)
                .trim(csv::Trim::All)
                .from_reader(file);
            let headers = reader
                .headers()
                .map_err(|e| {
                    RegistryError::invalid(path.display().to_string(), format!("CSV header: {e}"))
                })?
                .clone();
            Ok(Box::new(reader.into_records().enumerate().map(
                move |(i, record)| {
                    let n = i as u64 + 2;
                    Ok((
                        n,
                        match record {
                            Ok(r) => Ok(headers
                                .iter()
                                .zip(r.iter())
                                .map(|(h, v)| (h.to_owned(), v.to_owned()))
                                .collect()),
                            Err(e) => Err(format!("unreadable CSV row: {e}")),
                        },
                    ))
                },
            )))
        }
    }
}

/// One JSON Lines row: an object of texts or lists of texts (joined with `;`).
fn parse_json_row(line: &str) -> Result<Row, String> {
    match serde_json::from_str::<serde_json::Value>(line) {
        Ok(serde_json::Value::Object(map)) => map
            .into_iter()
            .filter_map(|(k, v)| match v {
                serde_json::Value::Null => None,
                serde_json::Value::String(s) => Some(Ok((k, s))),
                serde_json::Value::Array(items) => Some(
                    items
                        .iter()
                        .map(|i| i.as_str().map(str::to_owned).ok_or(k.clone()))
                        .collect::<Result<Vec<_>, _>>()
                        .map(|v| (k.clone(), v.join(";"))),
                ),
                serde_json::Value::Number(x) => Some(Ok((k, x.to_string()))),
                serde_json::Value::Bool(b) => Some(Ok((k, b.to_string()))),
                serde_json::Value::Object(_) => Some(Err(k)),
            })
            .collect::<Result<Row, String>>()
            .map_err(|k| format!("field {k:?}: expected text or a list of texts")),
        Ok(_) => Err("a line must hold one JSON object".into()),
        Err(e) => Err(format!("not JSON: {e}")),
    }
}

/// Keyed hashes of a row's content, one per blind-index key version, the active key's first: the
/// same row imported twice is recognised without storing it, also across an index-key rotation.
fn source_keys(reg: &Registry, row: &Row) -> Vec<Vec<u8>> {
    let mut parts: Vec<Vec<u8>> = vec![b"htcds-row-v1".to_vec()];
    for (k, v) in row {
        let v = v.trim();
        if !v.is_empty() {
            parts.push(format!("{}={}", k.len(), k).into_bytes());
            parts.push(format!("{}={}", v.len(), v).into_bytes());
        }
    }
    let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
    reg.keys()
        .all_index_keys()
        .map(|(_, key)| blind::mac(key, &refs))
        .collect()
}

/// Whether a person imported from this row under an older index key exists.
async fn imported_under_older_key(
    tx: &mut crate::db::Tx,
    older: &[Vec<u8>],
) -> Result<bool, RegistryError> {
    for key in older {
        let known: Option<(String,)> = crate::db::on_tx!(&mut *tx, c => sqlx::query_as("SELECT id FROM person WHERE source_key = $1").bind(key).fetch_optional(&mut *c).await?);
        if known.is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Imports a file; bad rows go to `reject_path` as JSON Lines (created 0600, only if any).
pub async fn import_file(
    reg: &Registry,
    actor: &Actor,
    path: &Path,
    reject_path: &Path,
) -> Result<ImportReport, RegistryError> {
    let format = InputFormat::detect(path)?;
    let rows = read_rows(path, format)?;
    let mut report = ImportReport::default();
    let mut rejects: Vec<serde_json::Value> = Vec::new();
    for item in rows {
        let (line, row) = item?;
        report.rows += 1;
        let row = match row {
            Ok(r) => r,
            Err(m) => {
                report.rejected_rows += 1;
                report.rejections.push(Rejection {
                    line,
                    field: "(row)".into(),
                    message: m.clone(),
                });
                rejects.push(
                    serde_json::json!({"line": line, "errors": [{"field": "(row)", "message": m}]}),
                );
                continue;
            }
        };
        let valid = match validate(&row) {
            Ok(v) => v,
            Err(errors) => {
                report.rejected_rows += 1;
                let list: Vec<serde_json::Value> = errors
                    .iter()
                    .map(|(f, m)| serde_json::json!({"field": f, "message": m}))
                    .collect();
                for (field, message) in errors {
                    report.rejections.push(Rejection {
                        line,
                        field,
                        message,
                    });
                }
                rejects.push(serde_json::json!({"line": line, "errors": list, "row": row}));
                continue;
            }
        };
        let mut keys = source_keys(reg, &row).into_iter();
        let key = keys.next().unwrap_or_default();
        let older: Vec<Vec<u8>> = keys.collect();
        let mut tx = reg.begin().await?;
        if imported_under_older_key(&mut tx, &older).await? {
            report.already_present += 1;
            continue;
        }
        let Some(person_id) = reg
            .insert_person_tx(&mut tx, actor, valid.status, &valid.person, Some(&key))
            .await?
        else {
            report.already_present += 1;
            continue; // the transaction is dropped: nothing written
        };
        let case = NewCase {
            person_id: person_id.clone(),
            lead_organisation_id: actor.organisation_id.clone(),
            worker_id: Some(actor.user_id.clone()),
            ..valid.case
        };
        let case_id = reg.insert_case_tx(&mut tx, actor, &case).await?;
        for e in &valid.events {
            reg.insert_event_tx(&mut tx, actor, &case_id, e).await?;
        }
        for c in valid.consents {
            reg.insert_consent_tx(
                &mut tx,
                actor,
                &NewConsent {
                    person_id: person_id.clone(),
                    ..c
                },
            )
            .await?;
        }
        tx.commit().await?;
        report.imported += 1;
    }
    if !rejects.is_empty() {
        let mut f = private_file(reject_path)?;
        for r in &rejects {
            writeln!(f, "{r}").map_err(|e| RegistryError::io(reject_path, e))?;
        }
    }
    let summary = format!(
        "{} rows, {} imported, {} present, {} rejected",
        report.rows, report.imported, report.already_present, report.rejected_rows
    );
    tracing::info!(target: "cairn_registry::htcds", "{summary}");
    audit::append_alone(
        reg.pool(),
        actor,
        &AuditEvent {
            action: "import.htcds",
            object: &summary,
            purpose: "care",
            fields: &[],
            outcome: if report.rejected_rows == 0 {
                Outcome::Ok
            } else {
                Outcome::Failed
            },
        },
    )
    .await?;
    Ok(report)
}

/// A file readable by its owner only (rejects and exports hold personal data).
pub fn private_file(path: &Path) -> Result<std::fs::File, RegistryError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path).map_err(|e| RegistryError::io(path, e))
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ExportReport {
    pub persons: u64,
    pub exported: u64,
    /// Persons left out because no consent (or legal basis) covers the export; each refusal is audited.
    pub refused: u64,
}

/// Exports persons as HTCDS JSON Lines, one person (with their first case) per line, limited to
/// `categories`. Each person is checked against consent and audited; refused persons are left out.
pub async fn export(
    reg: &Registry,
    actor: &Actor,
    purpose: Purpose,
    recipient_organisation_id: Option<&str>,
    categories: &[DataCategory],
    legal_basis: Option<&LegalBasis>,
    out: &mut dyn Write,
) -> Result<ExportReport, RegistryError> {
    let personal = categories
        .iter()
        .any(|c| matches!(c, DataCategory::Identity | DataCategory::Contact));
    if personal && !actor.role.may_read_identity() {
        audit::append_alone(
            reg.pool(),
            actor,
            &AuditEvent {
                action: "export.htcds",
                object: "person",
                purpose: purpose.as_str(),
                fields: &categories.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
                outcome: Outcome::Denied,
            },
        )
        .await?;
        return Err(RegistryError::Forbidden {
            what: "export of identity or contact data".into(),
            role: actor.role.to_string(),
        });
    }
    let mut report = ExportReport::default();
    for id in reg.person_ids().await? {
        report.persons += 1;
        let decision = reg
            .check_share(
                actor,
                &id,
                purpose,
                recipient_organisation_id,
                categories,
                legal_basis,
            )
            .await?;
        if matches!(decision, Decision::Refused { .. }) {
            report.refused += 1;
            continue;
        }
        let person = reg.load_person_decided(&id).await?;
        let cases = reg.cases_of(&id).await?;
        let mut obj = serde_json::Map::new();
        let mut put = |k: &str, v: Option<String>| {
            if let Some(v) = v {
                obj.insert(k.to_owned(), serde_json::Value::String(v));
            }
        };
        put("cairn_PersonId", Some(id.clone()));
        put("vic_Status", Some(person.victim_status.as_str().to_owned()));
        let p = person.fields;
        if categories.contains(&DataCategory::Identity) {
            put("prs_Salutation", p.salutation);
            put("prs_FirstName", p.first_name);
            put("prs_SecondName", p.second_name);
            put("prs_Birthdate", p.birthdate);
            put("prs_Gender", p.gender.map(|g| g.as_str().to_owned()));
            put("prs_Nationality", p.nationality);
        }
        if categories.contains(&DataCategory::Contact) {
            put("prs_Email", p.email);
            put("prs_HomePhone", p.home_phone);
            put("prs_MobilePhone", p.mobile_phone);
            put("prs_MailingStreet", p.mailing_street);
            put("prs_MailingCity", p.mailing_city);
            put("prs_MailingState", p.mailing_state);
            put("prs_MailingCountry", p.mailing_country);
            put("prs_MailingPostalCode", p.mailing_postal_code);
        }
        if let Some(case) = cases.into_iter().next() {
            if categories.contains(&DataCategory::Case) {
                put("cas_Status", Some(case.status.as_str().to_owned()));
                put("cas_ReferringOrganisation", case.referring_organisation);
                put("cas_IncomingReferralDate", case.incoming_referral_date);
                put(
                    "cas_ReasonForIncomingReferral",
                    case.reason_for_incoming_referral,
                );
                put("cas_ReasonForCaseClosure", case.reason_for_closure);
                let v: Vec<&str> = case.vulnerabilities.iter().map(|v| v.as_str()).collect();
                put("vic_Vulnerabilities", (!v.is_empty()).then(|| v.join(";")));
                put("vic_DetailsOfVulnerabilities", case.vulnerability_details);
            }
            if categories.contains(&DataCategory::Exploitation) {
                for e in reg.events_of(&case.id).await? {
                    let place = e.place_country.map(|cc| match e.place_city {
                        Some(c) => format!("{c}, {cc}"),
                        None => cc,
                    });
                    let means = (!e.means.is_empty()).then(|| e.means.join(";"));
                    match e.kind {
                        Some(EventKind::Recruitment) => {
                            put("vic_MethodOfRecruitment", means);
                            put("vic_LocationOfRecruitment", place);
                        }
                        Some(EventKind::Exploitation) => {
                            put("vic_MethodsOfControl", means);
                            put("vic_LocationOfExploitation", place);
                            put("vic_TypeOfExploitation", e.form);
                            put("vic_TypeOfSexExploitation", e.detail);
                        }
                        _ => {}
                    }
                }
            }
        }
        let line = serde_json::to_string(&obj)
            .map_err(|e| RegistryError::invalid("export", e.to_string()))?;
        writeln!(out, "{line}").map_err(|e| RegistryError::io("export", e))?;
        report.exported += 1;
    }
    Ok(report)
}
