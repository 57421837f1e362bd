//! National referral workflows as configuration (data/workflows/{fr,be,nl,uk}.toml): the calendar
//! of working days, the reasonable-grounds deadline, the recovery period (at least 30 days), the
//! conclusive-grounds deadline, and whether a child's referral to child protection needs consent.
//! Deadlines of a referral are stored in `referral_deadline`; [`Registry::overdue_referrals`]
//! lists what is late.

use crate::audit::{self, Actor, AuditEvent, Outcome};
use crate::calendar::{Calendar, Country};
use crate::crypto::random_id;
use crate::db::{now, on_pool, on_tx, parse_time};
use crate::model::{OrgType, Role, Vulnerability};
use crate::{Registry, RegistryError};
use serde::{Deserialize, Serialize};
/// Calendar dates of deadlines (re-exported so that callers need not depend on `time`).
pub use time::Date;
use time::Duration;

/// Today, UTC.
pub fn today() -> Date {
    time::OffsetDateTime::now_utc().date()
}

/// The presets shipped with this build: (file name, text).
pub const PRESETS: [(&str, &str); 4] = [
    ("fr.toml", include_str!("../data/workflows/fr.toml")),
    ("be.toml", include_str!("../data/workflows/be.toml")),
    ("nl.toml", include_str!("../data/workflows/nl.toml")),
    ("uk.toml", include_str!("../data/workflows/uk.toml")),
];

/// The legal minimum of a recovery period (Council of Europe Convention, art. 13: 30 days).
pub const MIN_RECOVERY_DAYS: u32 = 30;

const DAY: &[time::format_description::FormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

pub fn format_date(d: Date) -> String {
    d.format(DAY).unwrap_or_default()
}

pub fn parse_date(text: &str, what: &str) -> Result<Date, RegistryError> {
    Date::parse(text.trim(), DAY)
        .map_err(|_| RegistryError::invalid(what, format!("not a YYYY-MM-DD date: {text:?}")))
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct WorkflowFile {
    id: String,
    version: u32,
    country: Country,
    name: String,
    source: String,
    child_referral_needs_consent: bool,
    child_protection_org_types: Vec<OrgType>,
    reasonable_grounds_working_days: u32,
    recovery_period_days: u32,
    conclusive_grounds_working_days: u32,
    #[serde(default)]
    extra_holidays: Vec<String>,
}

/// A national workflow, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Workflow {
    pub id: String,
    pub version: u32,
    pub name: String,
    pub source: String,
    #[serde(skip)]
    pub calendar: Calendar,
    pub country: Country,
    /// False where the law makes a child's referral to child protection a duty.
    pub child_referral_needs_consent: bool,
    /// Organisation types that count as child protection for that rule.
    pub child_protection_org_types: Vec<OrgType>,
    pub reasonable_grounds_working_days: u32,
    /// Calendar days, at least [`MIN_RECOVERY_DAYS`].
    pub recovery_period_days: u32,
    /// Working days after the end of the recovery period.
    pub conclusive_grounds_working_days: u32,
}

impl Workflow {
    pub fn from_toml(text: &str, what: &str) -> Result<Self, RegistryError> {
        let f: WorkflowFile =
            toml::from_str(text).map_err(|e| RegistryError::invalid(what, e.to_string()))?;
        if f.recovery_period_days < MIN_RECOVERY_DAYS {
            return Err(RegistryError::invalid(
                format!("{what}: recovery_period_days"),
                format!(
                    "{} is less than the minimum of {MIN_RECOVERY_DAYS} days",
                    f.recovery_period_days
                ),
            ));
        }
        if f.reasonable_grounds_working_days == 0 {
            return Err(RegistryError::invalid(
                format!("{what}: reasonable_grounds_working_days"),
                "must be at least 1",
            ));
        }
        let mut calendar = Calendar::new(f.country);
        for d in &f.extra_holidays {
            calendar
                .extra
                .push(parse_date(d, &format!("{what}: extra_holidays"))?);
        }
        Ok(Self {
            id: f.id,
            version: f.version,
            name: f.name,
            source: f.source,
            calendar,
            country: f.country,
            child_referral_needs_consent: f.child_referral_needs_consent,
            child_protection_org_types: f.child_protection_org_types,
            reasonable_grounds_working_days: f.reasonable_grounds_working_days,
            recovery_period_days: f.recovery_period_days,
            conclusive_grounds_working_days: f.conclusive_grounds_working_days,
        })
    }

    /// A built-in preset by id (`fr`, `be`, `nl`, `uk`) or country code (`FR`, `GB`, …).
    pub fn preset(name: &str) -> Result<Self, RegistryError> {
        let key = name.trim().to_ascii_lowercase();
        let key = match key.as_str() {
            "gb" | "gb-eaw" => "uk".to_owned(),
            _ => key,
        };
        PRESETS
            .iter()
            .find(|(file, _)| file.trim_end_matches(".toml") == key)
            .map(|(file, text)| Self::from_toml(text, &format!("data/workflows/{file}")))
            .unwrap_or_else(|| {
                Err(RegistryError::invalid(
                    "workflow",
                    format!("{name:?}: presets are fr, be, nl, uk"),
                ))
            })
    }

    pub fn reasonable_grounds_due(&self, started: Date) -> Option<Date> {
        self.calendar
            .add_working_days(started, self.reasonable_grounds_working_days)
    }

    pub fn recovery_ends(&self, reasonable_grounds_on: Date) -> Option<Date> {
        reasonable_grounds_on.checked_add(Duration::days(i64::from(self.recovery_period_days)))
    }

    pub fn conclusive_grounds_due(&self, recovery_ends: Date) -> Option<Date> {
        self.calendar
            .add_working_days(recovery_ends, self.conclusive_grounds_working_days)
    }
}

/// The deadlines of one referral.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReferralDeadlines {
    pub referral_id: String,
    pub workflow_id: String,
    pub workflow_version: u32,
    pub started_on: String,
    pub reasonable_grounds_due: String,
    pub reasonable_grounds_on: Option<String>,
    pub reasonable_grounds_positive: Option<bool>,
    pub recovery_ends: Option<String>,
    pub conclusive_grounds_due: Option<String>,
    pub conclusive_grounds_on: Option<String>,
    pub conclusive_grounds_positive: Option<bool>,
}

/// A decision that is late.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Overdue {
    pub referral_id: String,
    pub case_id: String,
    pub to_organisation_id: String,
    /// `reasonable_grounds` or `conclusive_grounds`.
    pub decision: &'static str,
    pub due: String,
    /// Calendar days since the due date.
    pub days_late: i64,
}

/// Which decision is being recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grounds {
    Reasonable,
    Conclusive,
}

fn may_refer(role: Role) -> bool {
    matches!(
        role,
        Role::FirstResponder | Role::CaseWorker | Role::Coordinator
    )
}

type DeadlineRow = (
    String,
    String,
    i64,
    String,
    String,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<i64>,
);

const SELECT_DEADLINE: &str = "SELECT referral_id, workflow_id, workflow_version, started_on, reasonable_grounds_due, reasonable_grounds_on, reasonable_grounds_positive, recovery_ends, conclusive_grounds_due, conclusive_grounds_on, conclusive_grounds_positive FROM referral_deadline WHERE referral_id = $1";

impl Registry {
    /// Puts a sent referral under `workflow`: the reasonable-grounds decision is due
    /// `reasonable_grounds_working_days` working days after the day it was sent. Audited.
    pub async fn track_referral(
        &self,
        actor: &Actor,
        referral_id: &str,
        workflow: &Workflow,
    ) -> Result<ReferralDeadlines, RegistryError> {
        let what = format!("referral {referral_id}");
        let row: Option<(String,)> = on_pool!(self.pool(), p => sqlx::query_as("SELECT sent_at FROM referral WHERE id = $1").bind(referral_id).fetch_optional(p).await?);
        let Some((sent_at,)) = row else {
            return Err(RegistryError::NotFound { what });
        };
        let started = parse_time(&sent_at, &what)?.date();
        let due = workflow
            .reasonable_grounds_due(started)
            .ok_or_else(|| RegistryError::invalid(&what, "deadline out of the calendar's range"))?;
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, c => sqlx::query("INSERT INTO referral_deadline (referral_id, workflow_id, workflow_version, started_on, reasonable_grounds_due) VALUES ($1, $2, $3, $4, $5)")
            .bind(referral_id).bind(&workflow.id).bind(i64::from(workflow.version)).bind(format_date(started)).bind(format_date(due))
            .execute(&mut *c).await.map(|_| ())?);
        audit::append(
            &mut tx,
            actor,
            &AuditEvent {
                action: "referral.track",
                object: referral_id,
                purpose: "referral",
                fields: &["workflow_id", "reasonable_grounds_due"],
                outcome: Outcome::Ok,
            },
        )
        .await?;
        tx.commit().await?;
        self.referral_deadlines(referral_id).await
    }

    pub async fn referral_deadlines(
        &self,
        referral_id: &str,
    ) -> Result<ReferralDeadlines, RegistryError> {
        let row: Option<DeadlineRow> = on_pool!(self.pool(), p => sqlx::query_as(SELECT_DEADLINE).bind(referral_id).fetch_optional(p).await?);
        let r = row.ok_or_else(|| RegistryError::NotFound {
            what: format!("deadlines of referral {referral_id}"),
        })?;
        Ok(ReferralDeadlines {
            referral_id: r.0,
            workflow_id: r.1,
            workflow_version: u32::try_from(r.2).unwrap_or_default(),
            started_on: r.3,
            reasonable_grounds_due: r.4,
            reasonable_grounds_on: r.5,
            reasonable_grounds_positive: r.6.map(|v| v != 0),
            recovery_ends: r.7,
            conclusive_grounds_due: r.8,
            conclusive_grounds_on: r.9,
            conclusive_grounds_positive: r.10.map(|v| v != 0),
        })
    }

    /// Records a reasonable- or conclusive-grounds decision taken on `on` by the receiving
    /// organisation. A positive reasonable-grounds decision opens the recovery period and sets the
    /// conclusive-grounds deadline; a conclusive-grounds decision needs a positive reasonable-grounds
    /// one and cannot come before the recovery period ends. Audited.
    pub async fn record_grounds(
        &self,
        actor: &Actor,
        referral_id: &str,
        workflow: &Workflow,
        grounds: Grounds,
        positive: bool,
        on: Date,
    ) -> Result<ReferralDeadlines, RegistryError> {
        let what = format!("referral {referral_id}");
        let d = self.referral_deadlines(referral_id).await?;
        if d.workflow_id != workflow.id {
            return Err(RegistryError::invalid(
                &what,
                format!(
                    "tracked under workflow {}, not {}",
                    d.workflow_id, workflow.id
                ),
            ));
        }
        let to: Option<(String,)> = on_pool!(self.pool(), p => sqlx::query_as("SELECT to_organisation_id FROM referral WHERE id = $1").bind(referral_id).fetch_optional(p).await?);
        let receiving = to.is_some_and(|(t,)| t == actor.organisation_id);
        let action = match grounds {
            Grounds::Reasonable => "referral.reasonable_grounds",
            Grounds::Conclusive => "referral.conclusive_grounds",
        };
        if !receiving || !matches!(actor.role, Role::CaseWorker | Role::Coordinator) {
            audit::append_alone(
                self.pool(),
                actor,
                &AuditEvent {
                    action,
                    object: referral_id,
                    purpose: "referral",
                    fields: &[],
                    outcome: Outcome::Denied,
                },
            )
            .await?;
            return Err(RegistryError::Forbidden {
                what: format!(
                    "{action} on {referral_id} (only the receiving organisation decides)"
                ),
                role: actor.role.to_string(),
            });
        }
        let started = parse_date(&d.started_on, &what)?;
        if on < started {
            return Err(RegistryError::invalid(
                &what,
                "a decision cannot precede the referral",
            ));
        }
        let mut tx = self.begin().await?;
        let n = match grounds {
            Grounds::Reasonable => {
                if d.reasonable_grounds_on.is_some() {
                    return Err(RegistryError::invalid(
                        &what,
                        "reasonable grounds already decided",
                    ));
                }
                let (ends, cg_due) = if positive {
                    let ends = workflow.recovery_ends(on);
                    (ends, ends.and_then(|e| workflow.conclusive_grounds_due(e)))
                } else {
                    (None, None)
                };
                on_tx!(&mut tx, c => sqlx::query("UPDATE referral_deadline SET reasonable_grounds_on = $1, reasonable_grounds_positive = $2, recovery_ends = $3, conclusive_grounds_due = $4 WHERE referral_id = $5 AND reasonable_grounds_on IS NULL")
                    .bind(format_date(on)).bind(i64::from(positive)).bind(ends.map(format_date)).bind(cg_due.map(format_date)).bind(referral_id)
                    .execute(&mut *c).await?.rows_affected())
            }
            Grounds::Conclusive => {
                if d.reasonable_grounds_positive != Some(true) {
                    return Err(RegistryError::invalid(
                        &what,
                        "a conclusive-grounds decision follows a positive reasonable-grounds one",
                    ));
                }
                if d.conclusive_grounds_on.is_some() {
                    return Err(RegistryError::invalid(
                        &what,
                        "conclusive grounds already decided",
                    ));
                }
                if let Some(ends) = &d.recovery_ends
                    && on < parse_date(ends, &what)?
                {
                    return Err(RegistryError::invalid(
                        &what,
                        format!(
                            "the recovery period runs until {ends}: no conclusive decision before"
                        ),
                    ));
                }
                on_tx!(&mut tx, c => sqlx::query("UPDATE referral_deadline SET conclusive_grounds_on = $1, conclusive_grounds_positive = $2 WHERE referral_id = $3 AND conclusive_grounds_on IS NULL")
                    .bind(format_date(on)).bind(i64::from(positive)).bind(referral_id)
                    .execute(&mut *c).await?.rows_affected())
            }
        };
        if n == 0 {
            return Err(RegistryError::invalid(&what, "changed meanwhile; reload"));
        }
        audit::append(
            &mut tx,
            actor,
            &AuditEvent {
                action,
                object: referral_id,
                purpose: "referral",
                fields: &["decided_on", "positive"],
                outcome: Outcome::Ok,
            },
        )
        .await?;
        tx.commit().await?;
        self.referral_deadlines(referral_id).await
    }

    /// Decisions past their due date on `today` and not taken, most late first. Open to the
    /// roles that follow referrals; the listing is audited (it names no person).
    pub async fn overdue_referrals(
        &self,
        actor: &Actor,
        today: Date,
    ) -> Result<Vec<Overdue>, RegistryError> {
        if !matches!(
            actor.role,
            Role::FirstResponder | Role::CaseWorker | Role::Coordinator | Role::Admin
        ) {
            return Err(RegistryError::Forbidden {
                what: "referral.overdue".into(),
                role: actor.role.to_string(),
            });
        }
        let t = format_date(today);
        // Declined or closed referrals need no decision any more.
        let rows: Vec<(String, String, String, String, String)> = on_pool!(self.pool(), p => sqlx::query_as(
            "SELECT d.referral_id, r.case_id, r.to_organisation_id, 'reasonable_grounds', d.reasonable_grounds_due FROM referral_deadline d JOIN referral r ON r.id = d.referral_id \
             WHERE d.reasonable_grounds_on IS NULL AND d.reasonable_grounds_due < $1 AND r.status NOT IN ('declined', 'closed') \
             UNION ALL \
             SELECT d.referral_id, r.case_id, r.to_organisation_id, 'conclusive_grounds', d.conclusive_grounds_due FROM referral_deadline d JOIN referral r ON r.id = d.referral_id \
             WHERE d.conclusive_grounds_on IS NULL AND d.conclusive_grounds_due IS NOT NULL AND d.conclusive_grounds_due < $1 AND r.status NOT IN ('declined', 'closed')")
            .bind(&t).fetch_all(p).await?);
        let mut out = Vec::with_capacity(rows.len());
        for (referral_id, case_id, to_organisation_id, decision, due) in rows {
            let due_date = parse_date(&due, &format!("referral {referral_id} due date"))?;
            out.push(Overdue {
                referral_id,
                case_id,
                to_organisation_id,
                decision: if decision == "reasonable_grounds" {
                    "reasonable_grounds"
                } else {
                    "conclusive_grounds"
                },
                due,
                days_late: (today - due_date).whole_days(),
            });
        }
        out.sort_by(|a, b| {
            b.days_late
                .cmp(&a.days_late)
                .then(a.referral_id.cmp(&b.referral_id))
        });
        audit::append_alone(
            self.pool(),
            actor,
            &AuditEvent {
                action: "referral.overdue",
                object: "referral_deadline",
                purpose: "referral",
                fields: &["due"],
                outcome: Outcome::Ok,
            },
        )
        .await?;
        Ok(out)
    }

    /// Refers a child's case to a child-protection organisation without consent, where
    /// `workflow` says the law needs none: the recipient must be of a child-protection type and
    /// the person a minor (by the case's vulnerabilities or the birth date). Otherwise refused
    /// (and audited): use [`Registry::send_referral`] with consent. Returns the referral id, under
    /// the workflow's deadlines.
    pub async fn send_child_referral(
        &self,
        actor: &Actor,
        case_id: &str,
        to_organisation_id: &str,
        reason: &str,
        workflow: &Workflow,
    ) -> Result<String, RegistryError> {
        let what = format!("child referral of case {case_id}");
        if !may_refer(actor.role) {
            return Err(RegistryError::Forbidden {
                what,
                role: actor.role.to_string(),
            });
        }
        let case: Option<(String, String)> = on_pool!(self.pool(), p => sqlx::query_as("SELECT person_id, vulnerabilities FROM case_file WHERE id = $1").bind(case_id).fetch_optional(p).await?);
        let Some((person_id, vulns)) = case else {
            return Err(RegistryError::NotFound {
                what: format!("case {case_id}"),
            });
        };
        let org: Option<(String,)> = on_pool!(self.pool(), p => sqlx::query_as("SELECT org_type FROM organisation WHERE id = $1").bind(to_organisation_id).fetch_optional(p).await?);
        let Some((org_type,)) = org else {
            return Err(RegistryError::NotFound {
                what: format!("organisation {to_organisation_id}"),
            });
        };
        let org_type: OrgType = org_type.parse()?;
        let vulns: Vec<Vulnerability> = serde_json::from_str(&vulns)
            .map_err(|e| RegistryError::invalid(format!("case {case_id}"), e.to_string()))?;
        let minor_by_case = vulns
            .iter()
            .any(|v| matches!(v, Vulnerability::Minor | Vulnerability::Unaccompanied));
        let today = time::OffsetDateTime::now_utc().date();
        let minor = minor_by_case || self.is_minor_by_birthdate(&person_id, today).await?;
        let refusal = if workflow.child_referral_needs_consent {
            Some(format!(
                "workflow {} requires consent for a child's referral",
                workflow.id
            ))
        } else if !workflow.child_protection_org_types.contains(&org_type) {
            Some(format!("the recipient is {org_type}, not child protection"))
        } else if !minor {
            Some("the person is not known to be a minor".to_owned())
        } else {
            None
        };
        if let Some(reason) = refusal {
            audit::append_alone(
                self.pool(),
                actor,
                &AuditEvent {
                    action: "referral.send_child",
                    object: case_id,
                    purpose: "referral",
                    fields: &["vulnerabilities", "birthdate"],
                    outcome: Outcome::Denied,
                },
            )
            .await?;
            return Err(RegistryError::Refused { what, reason });
        }
        let id = random_id("ref")?;
        let at = now();
        let started = parse_time(&at, &what)?.date();
        let due = workflow
            .reasonable_grounds_due(started)
            .ok_or_else(|| RegistryError::invalid(&what, "deadline out of the calendar's range"))?;
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, c => {
            sqlx::query("INSERT INTO referral (id, case_id, from_organisation_id, to_organisation_id, status, reason, decline_reason, sent_at, updated_at) VALUES ($1, $2, $3, $4, 'sent', $5, NULL, $6, $6)")
                .bind(&id).bind(case_id).bind(&actor.organisation_id).bind(to_organisation_id).bind(reason).bind(&at).execute(&mut *c).await?;
            sqlx::query("INSERT INTO referral_deadline (referral_id, workflow_id, workflow_version, started_on, reasonable_grounds_due) VALUES ($1, $2, $3, $4, $5)")
                .bind(&id).bind(&workflow.id).bind(i64::from(workflow.version)).bind(format_date(started)).bind(format_date(due))
                .execute(&mut *c).await?;
        });
        audit::append(
            &mut tx,
            actor,
            &AuditEvent {
                action: "referral.send_child",
                object: &id,
                purpose: "referral",
                // The legal basis is the workflow's rule; the birth date may have been read.
                fields: &[
                    "case_id",
                    "to_organisation_id",
                    "reason",
                    "vulnerabilities",
                    "birthdate",
                ],
                outcome: Outcome::Ok,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn is_minor_by_birthdate(
        &self,
        person_id: &str,
        today: Date,
    ) -> Result<bool, RegistryError> {
        let row: Option<(Option<Vec<u8>>,)> = on_pool!(self.pool(), p => sqlx::query_as("SELECT birthdate FROM person WHERE id = $1").bind(person_id).fetch_optional(p).await?);
        let Some((Some(blob),)) = row else {
            return Ok(false);
        };
        let text = self
            .keys()
            .open_text("person", "birthdate", person_id, &blob)?;
        let Ok(born) = parse_date(&text, "birthdate") else {
            return Ok(false);
        };
        let mut age = today.year() - born.year();
        if (today.month() as u8, today.day()) < (born.month() as u8, born.day()) {
            age -= 1;
        }
        Ok(age < 18)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn presets_load_with_at_least_30_recovery_days() {
        for name in ["fr", "be", "nl", "uk", "GB", "FR"] {
            let w = Workflow::preset(name).unwrap();
            assert!(w.recovery_period_days >= MIN_RECOVERY_DAYS);
            assert_eq!(w.reasonable_grounds_working_days, 5);
            assert!(!w.child_referral_needs_consent);
            assert!(
                w.child_protection_org_types
                    .contains(&OrgType::ChildProtection)
            );
        }
        assert!(Workflow::preset("xx").is_err());
        let uk = Workflow::preset("uk").unwrap();
        assert!(uk.calendar.is_holiday(date!(2022 - 09 - 19)));
    }

    #[test]
    fn short_recovery_and_bad_dates_are_refused_with_the_field_named() {
        let short = PRESETS[0]
            .1
            .replace("recovery_period_days = 30", "recovery_period_days = 29");
        let e = Workflow::from_toml(&short, "fr.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("recovery_period_days"), "{e}");
        let bad = PRESETS[0]
            .1
            .replace("extra_holidays = []", "extra_holidays = [\"2026-13-01\"]");
        let e = Workflow::from_toml(&bad, "fr.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("extra_holidays"), "{e}");
    }

    #[test]
    fn deadlines_follow_each_calendar() {
        // Friday 1 May 2026 (a holiday in FR and BE, not in NL or UK).
        let start = date!(2026 - 05 - 01);
        let due = |n: &str| {
            Workflow::preset(n)
                .unwrap()
                .reasonable_grounds_due(start)
                .unwrap()
        };
        // FR: 4, 5, 6, 7 May, 8 May holiday, 11 May.
        assert_eq!(due("fr"), date!(2026 - 05 - 11));
        // BE: 4-8 May.
        assert_eq!(due("be"), date!(2026 - 05 - 08));
        // NL: 4 May, 5 May (Liberation Day) off, 6, 7, 8, 11 May.
        assert_eq!(due("nl"), date!(2026 - 05 - 11));
        // UK: 4 May (Early May bank holiday) off, 5-8, 11 May.
        assert_eq!(due("uk"), date!(2026 - 05 - 11));
        let uk = Workflow::preset("uk").unwrap();
        let ends = uk.recovery_ends(date!(2026 - 05 - 11)).unwrap();
        assert_eq!(ends, date!(2026 - 06 - 10));
        assert_eq!(
            uk.conclusive_grounds_due(ends).unwrap(),
            date!(2026 - 07 - 08)
        );
    }
}
