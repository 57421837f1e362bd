//! Retention: rules per record type (data/retention.toml) that anonymise or delete records some
//! years after a case closes, keeping the fields statistics need. A dry run lists what would go;
//! a real run audits every record it touches, in the transaction that touches it.

use crate::audit::{self, Actor, AuditEvent, Outcome};
use crate::db::{now, on_pool, on_tx, parse_time};
use crate::model::Role;
use crate::{PersonFields, Registry, RegistryError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::OffsetDateTime;

pub const BUILTIN_POLICY: &str = include_str!("../data/retention.toml");

crate::model::vocabulary!(
    /// What a retention rule applies to.
    RecordType {
        Person = "person",
        CaseDetails = "case_details",
        Screening = "screening",
        Statement = "statement",
        Note = "note",
    }
);

crate::model::vocabulary!(RetentionAction {
    Anonymise = "anonymise",
    Delete = "delete",
});

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub record: RecordType,
    pub action: RetentionAction,
    pub years_after_case_closed: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub id: String,
    pub version: u32,
    pub rules: Vec<Rule>,
}

impl Policy {
    pub fn builtin() -> Result<Self, RegistryError> {
        Self::from_toml(BUILTIN_POLICY, "data/retention.toml")
    }

    pub fn from_toml(text: &str, what: &str) -> Result<Self, RegistryError> {
        let p: Self =
            toml::from_str(text).map_err(|e| RegistryError::invalid(what, e.to_string()))?;
        for (i, r) in p.rules.iter().enumerate() {
            let here = format!("{what}: rule {} ({})", i + 1, r.record);
            if p.rules[..i].iter().any(|o| o.record == r.record) {
                return Err(RegistryError::invalid(
                    here,
                    "a second rule for the same record type",
                ));
            }
            // Deleting a person would break the cases and statistics that point to them.
            if matches!(r.record, RecordType::Person | RecordType::CaseDetails)
                && r.action == RetentionAction::Delete
            {
                return Err(RegistryError::invalid(here, "can only be anonymised"));
            }
        }
        Ok(p)
    }

    pub fn rule(&self, record: RecordType) -> Option<&Rule> {
        self.rules.iter().find(|r| r.record == record)
    }
}

/// What one rule did (or would do, in a dry run).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleOutcome {
    pub record: RecordType,
    pub action: RetentionAction,
    /// Persons (for `person`) or cases (for the others) concerned.
    pub ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RetentionReport {
    pub dry_run: bool,
    pub policy: String,
    pub outcomes: Vec<RuleOutcome>,
}

/// `at` minus whole years (29 February falls back to the 28th).
fn years_before(at: OffsetDateTime, years: u32) -> OffsetDateTime {
    let year = at.year() - i32::try_from(years).unwrap_or(i32::MAX / 2);
    at.replace_year(year)
        .or_else(|_| at.replace_day(28).and_then(|a| a.replace_year(year)))
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

impl Registry {
    /// Applies `policy` as of `at`: anonymises or deletes what is due, audited per record; with
    /// `dry_run`, changes nothing and lists what would go (the run itself is audited).
    pub async fn apply_retention(
        &self,
        actor: &Actor,
        policy: &Policy,
        at: OffsetDateTime,
        dry_run: bool,
    ) -> Result<RetentionReport, RegistryError> {
        if !matches!(actor.role, Role::Admin | Role::System) {
            return Err(RegistryError::Forbidden {
                what: "retention".into(),
                role: actor.role.to_string(),
            });
        }
        // Every case with its person and closing time (None while open).
        let rows: Vec<(String, String, Option<String>)> = on_pool!(self.pool(), p => sqlx::query_as(
            "SELECT c.id, c.person_id, c.closed_at FROM case_file c ORDER BY c.id").fetch_all(p).await?);
        let mut closed: Vec<(String, String, OffsetDateTime)> = Vec::new();
        // Per person: the last closing time, or None if some case is still open.
        let mut person_last: BTreeMap<String, Option<OffsetDateTime>> = BTreeMap::new();
        for (case_id, person_id, closed_at) in rows {
            let t = closed_at
                .as_deref()
                .map(|t| parse_time(t, &format!("case {case_id} closed_at")))
                .transpose()?;
            let entry = person_last.entry(person_id.clone()).or_insert(t);
            *entry = match (*entry, t) {
                (Some(a), Some(b)) => Some(a.max(b)),
                _ => None,
            };
            if let Some(t) = t {
                closed.push((case_id, person_id, t));
            }
        }
        let anonymised: Vec<(String,)> = on_pool!(self.pool(), p => sqlx::query_as("SELECT id FROM person WHERE anonymised_at IS NOT NULL").fetch_all(p).await?);
        let anonymised: std::collections::BTreeSet<String> =
            anonymised.into_iter().map(|r| r.0).collect();

        let mut outcomes = Vec::new();
        for rule in &policy.rules {
            let cutoff = years_before(at, rule.years_after_case_closed);
            let ids: Vec<String> = match rule.record {
                RecordType::Person => person_last
                    .iter()
                    .filter(|(id, last)| {
                        last.is_some_and(|t| t <= cutoff) && !anonymised.contains(*id)
                    })
                    .map(|(id, _)| id.clone())
                    .collect(),
                _ => closed
                    .iter()
                    .filter(|(_, _, t)| *t <= cutoff)
                    .map(|(c, _, _)| c.clone())
                    .collect(),
            };
            let mut done = Vec::new();
            for id in ids {
                if dry_run || self.retain_one(actor, rule, &id).await? {
                    done.push(id);
                }
            }
            outcomes.push(RuleOutcome {
                record: rule.record,
                action: rule.action,
                ids: done,
            });
        }
        audit::append_alone(
            self.pool(),
            actor,
            &AuditEvent {
                action: if dry_run {
                    "retention.dry_run"
                } else {
                    "retention.run"
                },
                object: &format!("{} v{}", policy.id, policy.version),
                purpose: "retention",
                fields: &[],
                outcome: Outcome::Ok,
            },
        )
        .await?;
        Ok(RetentionReport {
            dry_run,
            policy: format!("{} v{}", policy.id, policy.version),
            outcomes,
        })
    }

    /// Applies one rule to one person or case; false when there was nothing left to do.
    async fn retain_one(
        &self,
        actor: &Actor,
        rule: &Rule,
        id: &str,
    ) -> Result<bool, RegistryError> {
        let mut tx = self.begin().await?;
        let (n, fields): (u64, &[&str]) = match rule.record {
            RecordType::Person => {
                const WIPE: &str = "UPDATE person SET salutation = NULL, first_name = NULL, second_name = NULL, birthdate = NULL, email = NULL, home_phone = NULL, mobile_phone = NULL, mailing_street = NULL, mailing_city = NULL, mailing_postal_code = NULL, source_key = NULL, anonymised_at = $1 WHERE id = $2 AND anonymised_at IS NULL";
                let n = on_tx!(&mut tx, c => {
                    let n = sqlx::query(WIPE).bind(now()).bind(id).execute(&mut *c).await?.rows_affected();
                    sqlx::query("DELETE FROM person_index WHERE person_id = $1").bind(id).execute(&mut *c).await?;
                    n
                });
                (n, &PersonFields::SEALED)
            }
            RecordType::CaseDetails => {
                let n = on_tx!(&mut tx, c => {
                    let a = sqlx::query("UPDATE case_file SET vulnerability_details = NULL WHERE id = $1 AND vulnerability_details IS NOT NULL").bind(id).execute(&mut *c).await?.rows_affected();
                    let b = sqlx::query("UPDATE perpetrator SET description = NULL WHERE case_id = $1 AND description IS NOT NULL").bind(id).execute(&mut *c).await?.rows_affected();
                    a + b
                });
                (n, &["vulnerability_details", "perpetrator.description"])
            }
            RecordType::Screening => {
                let rows: Vec<(String, Vec<u8>)> = on_tx!(&mut tx, c => sqlx::query_as("SELECT id, answers FROM screening WHERE case_id = $1").bind(id).fetch_all(&mut *c).await?);
                let mut n = 0;
                for (sid, blob) in rows {
                    let wiped = crate::screening::wipe_answers(self.keys(), &sid, &blob)?;
                    let Some(wiped) = wiped else { continue };
                    n += on_tx!(&mut tx, c => sqlx::query("UPDATE screening SET answers = $1, key_version = $2, confirmation_note = NULL WHERE id = $3")
                        .bind(wiped).bind(i64::from(self.keys().active_version())).bind(&sid).execute(&mut *c).await?.rows_affected());
                }
                (n, &["answers", "confirmation_note"])
            }
            RecordType::Statement => {
                let n = on_tx!(&mut tx, c => {
                    let a = sqlx::query("DELETE FROM statement_attachment WHERE statement_id IN (SELECT id FROM statement WHERE case_id = $1)").bind(id).execute(&mut *c).await?.rows_affected();
                    let b = sqlx::query("UPDATE statement SET transcript = NULL, attachment_sha256 = NULL WHERE case_id = $1 AND (transcript IS NOT NULL OR attachment_sha256 IS NOT NULL)").bind(id).execute(&mut *c).await?.rows_affected();
                    a + b
                });
                (n, &["transcript", "attachment"])
            }
            RecordType::Note => {
                let n = on_tx!(&mut tx, c => sqlx::query("DELETE FROM note WHERE case_id = $1").bind(id).execute(&mut *c).await?.rows_affected());
                (n, &["body"])
            }
        };
        if n == 0 {
            return Ok(false);
        }
        let action = format!("retention.{}.{}", rule.action, rule.record);
        audit::append(
            &mut tx,
            actor,
            &AuditEvent {
                action: &action,
                object: id,
                purpose: "retention",
                fields,
                outcome: Outcome::Ok,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn builtin_policy_loads_and_bad_rules_are_named() {
        let p = Policy::builtin().unwrap();
        assert_eq!(
            p.rule(RecordType::Person).unwrap().action,
            RetentionAction::Anonymise
        );
        let del = BUILTIN_POLICY.replacen("action = \"anonymise\"", "action = \"delete\"", 1);
        let e = Policy::from_toml(&del, "r.toml").unwrap_err().to_string();
        assert!(e.contains("person") && e.contains("anonymised"), "{e}");
        let unknown = BUILTIN_POLICY.replacen("record = \"note\"", "record = \"photos\"", 1);
        assert!(Policy::from_toml(&unknown, "r.toml").is_err());
    }

    #[test]
    fn years_before_handles_leap_days() {
        assert_eq!(
            years_before(datetime!(2028-02-29 10:00 UTC), 5),
            datetime!(2023-02-28 10:00 UTC)
        );
        assert_eq!(
            years_before(datetime!(2026-06-01 0:00 UTC), 5),
            datetime!(2021-06-01 0:00 UTC)
        );
    }
}
