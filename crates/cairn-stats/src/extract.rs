//! Reads the registry for statistics: the statistician's role is checked, the read is audited (one
//! entry per extraction, listing the fields read), and only categories come out. The one sealed
//! field opened is the date of birth, turned at once into a CTDC age band and dropped; names,
//! contacts and free text are never read.
//!
//! Only persons whose consent in force allows statistical use of their case data are counted
//! (purpose `statistics`, category `case`), unless the release declares a statutory duty to report
//! (a law that makes the national rapporteur's statistics a legal obligation); every extraction
//! says how many persons were left out and why.

use crate::StatsError;
use crate::record::{
    AgeBand, CitizenshipGroup, Decision, ReferralFact, ScreeningFact, Sex, SexExploitationType,
    StatRecord,
};
use cairn_registry::Registry;
use cairn_registry::audit::{self, Actor, AuditEvent, Outcome};
use cairn_registry::consent::{self, Consent, Decision as ShareDecision, ShareRequest};
use cairn_registry::model::{
    ControlMethod, DataCategory, EventKind, ExploitationType, Gender, OrgType, Purpose,
    RecruitmentMethod, ReferralStatus, Role, ScreeningLevel, VictimStatus,
};
use cairn_store::registry::RegistryPool;
use serde::Serialize;
use std::collections::BTreeMap;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Categories a statistics consent must cover for a person to be counted.
pub const REQUIRED_CATEGORIES: [DataCategory; 1] = [DataCategory::Case];

/// Roles that may compute statistics. They see aggregates only.
pub fn may_compute_statistics(role: Role) -> bool {
    matches!(role, Role::Statistician)
}

/// The ground on which persons are counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(tag = "basis", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Basis {
    /// Each person's consent to statistical use (the default).
    Consent,
    /// A statutory duty to report to the national rapporteur, named by its legal reference.
    StatutoryDuty { reference: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeftOut {
    pub reason: String,
    pub persons: u64,
}

/// Who is counted and who is not, stated by every table and release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Population {
    pub registered: u64,
    pub counted: u64,
    pub left_out: Vec<LeftOut>,
    #[serde(flatten)]
    pub basis: Basis,
    pub reporting_country: String,
    pub extracted_at: String,
}

#[derive(Debug, Clone)]
pub struct Extraction {
    pub records: Vec<StatRecord>,
    pub population: Population,
}

macro_rules! fetch_all {
    ($pool:expr, $sql:expr $(, $bind:expr)*) => {
        match $pool {
            RegistryPool::Sqlite(p) => sqlx::query_as($sql)$(.bind($bind))*.fetch_all(p).await?,
            RegistryPool::Postgres(p) => sqlx::query_as($sql)$(.bind($bind))*.fetch_all(p).await?,
        }
    };
}
pub(crate) use fetch_all;

/// Denies, with an audit entry, an actor whose role may not compute statistics.
pub async fn authorise(reg: &Registry, actor: &Actor, action: &str) -> Result<(), StatsError> {
    if may_compute_statistics(actor.role) {
        return Ok(());
    }
    audit::append_alone(
        reg.pool(),
        actor,
        &AuditEvent {
            action,
            object: "statistics",
            purpose: "statistics",
            fields: &[],
            outcome: Outcome::Denied,
        },
    )
    .await?;
    Err(StatsError::Forbidden {
        what: action.to_owned(),
        role: actor.role.to_string(),
    })
}

fn date_of(text: &str) -> Option<time::Date> {
    let head = text.get(..10)?;
    time::Date::parse(
        head,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()
}

fn age_at(birth: time::Date, at: time::Date) -> Option<u32> {
    let mut years = at.year() - birth.year();
    if (at.month() as u8, at.day()) < (birth.month() as u8, birth.day()) {
        years -= 1;
    }
    u32::try_from(years).ok()
}

/// The statuses a referral went through, in order, given its current status and how many
/// updates its history holds (transitions: sent → received → accepted → closed, sent or received →
/// declined). None when the history does not fit (e.g. entries lost): no delay is then guessed.
fn path_of(status: ReferralStatus, updates: usize) -> Option<&'static [ReferralStatus]> {
    use ReferralStatus::*;
    let path: &'static [ReferralStatus] = match (status, updates) {
        (Sent, 0) => &[],
        (Received, 1) => &[Received],
        (Accepted, 2) => &[Received, Accepted],
        (Closed, 3) => &[Received, Accepted, Closed],
        (Declined, 1) => &[Declined],
        (Declined, 2) => &[Received, Declined],
        _ => return None,
    };
    Some(path)
}

/// Whole days from sending a referral to each decision it reached. Status changes are timed by
/// the history (`changes`, RFC 3339, in order); the current status by `updated` (the same moment,
/// written in the same transaction); grounds decisions are dates (YYYY-MM-DD), counted from the day
/// the referral was sent.
fn referral_delays(
    status: ReferralStatus,
    sent: &str,
    updated: &str,
    changes: &[String],
    reasonable_grounds_on: Option<&str>,
    conclusive_grounds_on: Option<&str>,
) -> BTreeMap<Decision, i64> {
    let mut out = BTreeMap::new();
    let Ok(sent_at) = OffsetDateTime::parse(sent, &Rfc3339) else {
        return out;
    };
    let days = |at: &str| {
        OffsetDateTime::parse(at, &Rfc3339)
            .ok()
            .map(|t| (t - sent_at).whole_days())
    };
    if let Some(path) = path_of(status, changes.len()) {
        for (i, step) in path.iter().enumerate() {
            let at = if i + 1 == path.len() {
                updated
            } else {
                &changes[i]
            };
            let decision = match step {
                ReferralStatus::Received => Decision::Received,
                ReferralStatus::Accepted => Decision::Accepted,
                ReferralStatus::Declined => Decision::Declined,
                _ => continue,
            };
            if let Some(d) = days(at) {
                out.insert(decision, d);
            }
        }
    }
    let sent_day = sent_at.date();
    for (decision, on) in [
        (Decision::ReasonableGrounds, reasonable_grounds_on),
        (Decision::ConclusiveGrounds, conclusive_grounds_on),
    ] {
        if let Some(d) = on.and_then(date_of) {
            out.insert(decision, (d - sent_day).whole_days());
        }
    }
    out
}

/// Why a person whose consent does not allow statistical use is left out.
fn refusal_reason(consents: &[Consent], now: OffsetDateTime) -> &'static str {
    let stats: Vec<&Consent> = consents
        .iter()
        .filter(|c| c.purpose == Purpose::Statistics)
        .collect();
    if stats.is_empty() {
        return "no consent to statistical use";
    }
    if stats.iter().any(|c| c.in_force(now)) {
        return "consent to statistical use does not cover case data";
    }
    if stats
        .iter()
        .any(|c| c.withdrawn_at.is_some_and(|t| t <= now))
    {
        return "consent to statistical use withdrawn";
    }
    if stats.iter().any(|c| c.expires_at.is_some_and(|t| t <= now)) {
        return "consent to statistical use expired";
    }
    "consent to statistical use not yet in force"
}

type PersonRow = (
    String,
    String,
    Option<String>,
    Option<String>,
    Option<Vec<u8>>,
);
type ConsentRow = (
    String,
    String,
    Option<String>,
    String,
    String,
    Option<String>,
    Option<String>,
);

/// Extracts the records of every person counted, for `actor` (a statistician), and audits it.
pub async fn extract(
    reg: &Registry,
    actor: &Actor,
    basis: &Basis,
    reporting_country: Option<&str>,
) -> Result<Extraction, StatsError> {
    authorise(reg, actor, "stats.extract").await?;
    if let Basis::StatutoryDuty { reference } = basis
        && reference.trim().is_empty()
    {
        return Err(StatsError::Refused(
            "a statutory duty to report needs its legal reference".into(),
        ));
    }
    let pool = reg.pool();
    let reporting_country = match reporting_country {
        Some(c) => {
            cairn_registry::check_country(c, "reporting country")?;
            c.to_owned()
        }
        None => {
            let rows: Vec<(String,)> = fetch_all!(
                pool,
                "SELECT country FROM organisation WHERE id = $1",
                &actor.organisation_id
            );
            rows.into_iter().next().map(|r| r.0).ok_or_else(|| {
                StatsError::invalid(
                    "reporting country",
                    "the statistician's organisation has no country: give one",
                )
            })?
        }
    };
    let now = OffsetDateTime::now_utc();

    let persons: Vec<PersonRow> = fetch_all!(
        pool,
        "SELECT id, victim_status, gender, nationality, birthdate FROM person ORDER BY id"
    );
    let consent_rows: Vec<ConsentRow> = fetch_all!(
        pool,
        "SELECT person_id, id, recipient_organisation_id, categories, given_at, expires_at, withdrawn_at FROM consent WHERE purpose = 'statistics'"
    );
    let mut consents: BTreeMap<String, Vec<Consent>> = BTreeMap::new();
    for (person, id, to, cats, given, expires, withdrawn) in consent_rows {
        let what = format!("consent {id}");
        let parse = |t: &str| {
            OffsetDateTime::parse(t, &Rfc3339)
                .or_else(|_| date_of(t).map(|d| d.midnight().assume_utc()).ok_or(()))
        };
        let bad = |m: &str| StatsError::invalid(&what, m.to_owned());
        consents.entry(person).or_default().push(Consent {
            id: id.clone(),
            purpose: Purpose::Statistics,
            recipient_organisation_id: to,
            categories: serde_json::from_str(&cats).map_err(|e| bad(&e.to_string()))?,
            given_at: parse(&given).map_err(|_| bad("bad given_at"))?,
            expires_at: expires
                .as_deref()
                .map(parse)
                .transpose()
                .map_err(|_| bad("bad expires_at"))?,
            withdrawn_at: withdrawn
                .as_deref()
                .map(parse)
                .transpose()
                .map_err(|_| bad("bad withdrawn_at"))?,
        });
    }

    let cases: Vec<(String, Option<String>, String)> = fetch_all!(
        pool,
        "SELECT person_id, incoming_referral_date, opened_at FROM case_file ORDER BY person_id, opened_at, id"
    );
    let mut registered_on: BTreeMap<String, time::Date> = BTreeMap::new();
    for (person, incoming, opened) in cases {
        if registered_on.contains_key(&person) {
            continue;
        }
        if let Some(d) = incoming
            .as_deref()
            .and_then(date_of)
            .or_else(|| date_of(&opened))
        {
            registered_on.insert(person, d);
        }
    }
    type EventRow = (
        String,
        String,
        Option<String>,
        String,
        Option<String>,
        Option<String>,
    );
    let events: Vec<EventRow> = fetch_all!(
        pool,
        "SELECT c.person_id, e.kind, e.place_country, e.means, e.form, e.detail FROM event e JOIN case_file c ON c.id = e.case_id ORDER BY c.person_id, e.id"
    );
    let mut by_person: BTreeMap<String, Vec<EventRow>> = BTreeMap::new();
    for e in events {
        by_person.entry(e.0.clone()).or_default().push(e);
    }
    let referrals: Vec<(String, String, String, String, String)> = fetch_all!(
        pool,
        "SELECT c.person_id, r.id, r.status, r.sent_at, r.updated_at FROM referral r JOIN case_file c ON c.id = r.case_id ORDER BY r.id"
    );
    // The status history: every successful `referral.update` in the hash-chained audit log, in
    // chain order (the entry names the referral by id only).
    let updates: Vec<(String, String)> = fetch_all!(
        pool,
        "SELECT object, at FROM audit_log WHERE action = 'referral.update' AND outcome = 'ok' ORDER BY seq"
    );
    let mut history: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (referral, at) in updates {
        history.entry(referral).or_default().push(at);
    }
    let grounds: Vec<(String, Option<String>, Option<String>)> = fetch_all!(
        pool,
        "SELECT referral_id, reasonable_grounds_on, conclusive_grounds_on FROM referral_deadline"
    );
    let mut grounds_of: BTreeMap<String, (Option<String>, Option<String>)> = grounds
        .into_iter()
        .map(|(id, rg, cg)| (id, (rg, cg)))
        .collect();
    let mut referrals_of: BTreeMap<String, Vec<ReferralFact>> = BTreeMap::new();
    for (person, id, status, sent, updated) in referrals {
        let status: ReferralStatus = status.parse()?;
        let changes = history.remove(&id).unwrap_or_default();
        let (rg, cg) = grounds_of.remove(&id).unwrap_or_default();
        let days_to = referral_delays(
            status,
            &sent,
            &updated,
            &changes,
            rg.as_deref(),
            cg.as_deref(),
        );
        referrals_of
            .entry(person)
            .or_default()
            .push(ReferralFact { status, days_to });
    }
    type ScreeningRow = (String, String, String, Option<String>, Option<String>);
    let screening_rows: Vec<ScreeningRow> = fetch_all!(
        pool,
        "SELECT c.person_id, s.screened_at, s.level, s.confirmed_level, o.org_type FROM screening s JOIN case_file c ON c.id = s.case_id LEFT JOIN app_user u ON u.id = s.screened_by LEFT JOIN organisation o ON o.id = u.organisation_id ORDER BY s.screened_at, s.id"
    );
    let mut screenings_of: BTreeMap<String, Vec<ScreeningFact>> = BTreeMap::new();
    for (person, at, level, confirmed, org_type) in screening_rows {
        let level: ScreeningLevel = confirmed.as_deref().unwrap_or(&level).parse()?;
        screenings_of
            .entry(person)
            .or_default()
            .push(ScreeningFact {
                year: date_of(&at).map(|d| d.year()),
                level,
                confirmed: confirmed.is_some(),
                org_type: org_type.as_deref().and_then(|t| t.parse::<OrgType>().ok()),
            });
    }

    let keys = reg.keys();
    let mut records = Vec::new();
    let mut left: BTreeMap<&'static str, u64> = BTreeMap::new();
    let registered = persons.len() as u64;
    for (id, status, gender, nationality, birthdate) in persons {
        let mine = consents.remove(&id).unwrap_or_default();
        if *basis == Basis::Consent {
            let request = ShareRequest {
                purpose: Purpose::Statistics,
                recipient_organisation_id: None,
                categories: &REQUIRED_CATEGORIES,
                role: actor.role,
                legal_basis: None,
                now,
            };
            if let ShareDecision::Refused { .. } = consent::decide(&request, &mine) {
                *left.entry(refusal_reason(&mine, now)).or_insert(0) += 1;
                continue;
            }
        }
        let registered_date = registered_on.get(&id).copied();
        // The date of birth is opened only to place the person in an age band, then dropped.
        let age_band = match (birthdate, registered_date) {
            (Some(blob), Some(at)) => {
                let birth = keys.open_text("person", "birthdate", &id, &blob)?;
                date_of(&birth)
                    .and_then(|b| age_at(b, at))
                    .map(AgeBand::of_age)
            }
            _ => None,
        };
        let sex = match gender.as_deref().map(str::parse::<Gender>) {
            Some(Ok(Gender::Female)) => Sex::Female,
            Some(Ok(Gender::Male)) => Sex::Male,
            _ => Sex::OtherOrUnknown,
        };
        let mut rec = StatRecord {
            year: registered_date.map(|d| d.year()),
            status: status.parse::<VictimStatus>()?,
            sex,
            age_band,
            citizenship: CitizenshipGroup::of(nationality.as_deref(), &reporting_country),
            nationality,
            exploitation: Vec::new(),
            sexual_exploitation: Vec::new(),
            recruitment: Vec::new(),
            control: Vec::new(),
            country_of_exploitation: None,
            referrals: referrals_of.remove(&id).unwrap_or_default(),
            screenings: screenings_of.remove(&id).unwrap_or_default(),
        };
        let mut details: Vec<String> = Vec::new();
        for (_, kind, country, means, form, detail) in by_person.remove(&id).unwrap_or_default() {
            let means: Vec<String> = serde_json::from_str(&means).unwrap_or_default();
            match kind.parse::<EventKind>()? {
                EventKind::Recruitment => {
                    rec.recruitment.extend(
                        means
                            .iter()
                            .filter_map(|m| m.parse::<RecruitmentMethod>().ok()),
                    );
                }
                EventKind::Exploitation => {
                    rec.control
                        .extend(means.iter().filter_map(|m| m.parse::<ControlMethod>().ok()));
                    if let Some(f) = form {
                        rec.exploitation.extend(
                            f.split(';')
                                .filter_map(|t| t.parse::<ExploitationType>().ok()),
                        );
                    }
                    if rec.country_of_exploitation.is_none() {
                        rec.country_of_exploitation = country;
                    }
                    details.extend(detail);
                }
                EventKind::Transit => {}
            }
        }
        if rec
            .exploitation
            .contains(&ExploitationType::SexualExploitation)
        {
            let mut kinds: Vec<SexExploitationType> = details
                .iter()
                .flat_map(|d| d.split(';'))
                .map(SexExploitationType::classify)
                .filter(|k| *k != SexExploitationType::OtherOrUnspecified)
                .collect();
            if kinds.is_empty() {
                kinds.push(SexExploitationType::OtherOrUnspecified);
            }
            rec.sexual_exploitation = kinds;
        }
        rec.exploitation.sort();
        rec.exploitation.dedup();
        rec.sexual_exploitation.sort();
        rec.sexual_exploitation.dedup();
        rec.recruitment.sort();
        rec.recruitment.dedup();
        rec.control.sort();
        rec.control.dedup();
        records.push(rec);
    }
    let population = Population {
        registered,
        counted: records.len() as u64,
        left_out: left
            .into_iter()
            .map(|(reason, persons)| LeftOut {
                reason: reason.to_owned(),
                persons,
            })
            .collect(),
        basis: basis.clone(),
        reporting_country,
        extracted_at: now.format(&Rfc3339).unwrap_or_default(),
    };
    let summary = format!(
        "registry: {} registered, {} counted, {} left out",
        population.registered,
        population.counted,
        population.registered - population.counted
    );
    audit::append_alone(
        pool,
        actor,
        &AuditEvent {
            action: "stats.extract",
            object: &summary,
            purpose: "statistics",
            fields: &[
                "person.victim_status",
                "person.gender",
                "person.nationality",
                "person.birthdate(age band only)",
                "case_file.incoming_referral_date",
                "case_file.opened_at",
                "event.kind",
                "event.form",
                "event.means",
                "event.detail(known categories only)",
                "event.place_country",
                "referral.status",
                "referral.sent_at",
                "referral.updated_at",
                "audit_log.at(referral.update)",
                "referral_deadline.reasonable_grounds_on",
                "referral_deadline.conclusive_grounds_on",
                "screening.screened_at",
                "screening.level",
                "screening.confirmed_level",
                "organisation.org_type(screening)",
                "consent.statistics",
            ],
            outcome: Outcome::Ok,
        },
    )
    .await?;
    tracing::info!(target: "cairn_stats", "{summary}");
    Ok(Extraction {
        records,
        population,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    proptest! {
        /// Any walk along the allowed transitions, at any pace: each decision's delay is the
        /// whole days from sending to the step that reached it, never guessed for the others.
        #[test]
        fn delays_follow_any_valid_history(
            walk in 0usize..6,
            gaps in proptest::collection::vec(0i64..2_000_000, 3),
            rg in proptest::option::of(0i64..400),
        ) {
            use ReferralStatus::*;
            let (status, steps): (ReferralStatus, &[Decision]) = match walk {
                0 => (Sent, &[]),
                1 => (Received, &[Decision::Received]),
                2 => (Accepted, &[Decision::Received, Decision::Accepted]),
                3 => (Closed, &[Decision::Received, Decision::Accepted]),
                4 => (Declined, &[Decision::Declined]),
                _ => (Declined, &[Decision::Received, Decision::Declined]),
            };
            let updates = match walk { 0 => 0, 1 | 4 => 1, 2 | 5 => 2, _ => 3 };
            let sent = OffsetDateTime::parse("2025-01-06T08:30:00Z", &Rfc3339).unwrap();
            let mut at = sent;
            let mut history = Vec::new();
            let mut want = BTreeMap::new();
            for (i, gap) in gaps.iter().take(updates).enumerate() {
                at += time::Duration::seconds(*gap);
                history.push(at.format(&Rfc3339).unwrap());
                if let Some(d) = steps.get(i) {
                    want.insert(*d, (at - sent).whole_days());
                }
            }
            let rg_on = rg.map(|d| (sent.date() + time::Duration::days(d)).to_string());
            if let Some(d) = rg {
                want.insert(Decision::ReasonableGrounds, d);
            }
            let updated = history.last().cloned().unwrap_or_else(|| sent.format(&Rfc3339).unwrap());
            let got = referral_delays(
                status,
                &sent.format(&Rfc3339).unwrap(),
                &updated,
                &history,
                rg_on.as_deref(),
                None,
            );
            prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn age_in_whole_years() {
        assert_eq!(
            age_at(date!(2010 - 06 - 15), date!(2026 - 06 - 14)),
            Some(15)
        );
        assert_eq!(
            age_at(date!(2010 - 06 - 15), date!(2026 - 06 - 15)),
            Some(16)
        );
        assert_eq!(age_at(date!(2027 - 01 - 01), date!(2026 - 06 - 15)), None);
    }

    #[test]
    fn referral_delays_from_the_status_history() {
        let sent = "2026-03-01T10:00:00Z";
        let history = [
            "2026-03-03T09:00:00Z".to_owned(),
            "2026-03-11T11:00:00Z".to_owned(),
        ];
        // Received after 1 day 23 h (1 whole day), accepted after 10 days; grounds by dates.
        let d = referral_delays(
            ReferralStatus::Accepted,
            sent,
            "2026-03-11T11:00:00Z",
            &history,
            Some("2026-03-20"),
            Some("2026-05-02"),
        );
        assert_eq!(d[&Decision::Received], 1);
        assert_eq!(d[&Decision::Accepted], 10);
        assert_eq!(d[&Decision::ReasonableGrounds], 19);
        assert_eq!(d[&Decision::ConclusiveGrounds], 62);
        assert!(!d.contains_key(&Decision::Declined));
        // Declined straight from sent, or after being received: told apart by the history.
        let direct = referral_delays(
            ReferralStatus::Declined,
            sent,
            "2026-03-06T10:00:00Z",
            &history[..1],
            None,
            None,
        );
        assert_eq!(direct.len(), 1);
        assert_eq!(direct[&Decision::Declined], 5);
        let after = referral_delays(
            ReferralStatus::Declined,
            sent,
            "2026-03-11T11:00:00Z",
            &history,
            None,
            None,
        );
        assert_eq!(after[&Decision::Received], 1);
        assert_eq!(after[&Decision::Declined], 10);
        // A history that does not fit the status gives no guessed delay.
        let broken = referral_delays(ReferralStatus::Closed, sent, sent, &history, None, None);
        assert!(broken.is_empty());
        assert!(referral_delays(ReferralStatus::Sent, sent, sent, &[], None, None).is_empty());
    }
}
