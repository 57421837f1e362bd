//! Organisation scoping of cases for interactive use (the web application): which cases an actor
//! sees, the case file as that actor may see it, and the writes on a case (notes, consents,
//! referrals) behind the same check. A case is seen by its lead organisation and by an
//! organisation it was referred to; the referred organisation sees the person and the case only
//! while the person's consent (or a legal basis) covers the referral, decided and audited by
//! [`Registry::check_share`] on every view. Every read of a case file is audited.

use crate::audit::{self, Actor, AuditEntry, AuditEvent, Outcome};
use crate::consent::{Consent, Decision, LegalBasis};
use crate::crypto::random_id;
use crate::db::{now, on_pool, on_tx};
use crate::model::{
    CaseStatus, DataCategory, Purpose, ReferralStatus, Role, VictimStatus, Vulnerability,
};
use crate::sqlite_reads::CaseFileRows;
use crate::{CaseView, NewCase, NewConsent, NewEvent, PersonFields, PersonView};
use crate::{Registry, RegistryError};
use serde::Serialize;

/// Working days (in the receiving organisation's country calendar) after which a referral still
/// waiting for an answer is listed as overdue: the reasonable-grounds target. Countries without a
/// calendar count calendar days.
pub const REFERRAL_ANSWER_DAYS: i64 = 5;

/// Why an actor may open a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum CaseAccess {
    /// The actor's organisation leads the case.
    Lead,
    /// The case was referred to the actor's organisation.
    Referred {
        referral_id: String,
        status: ReferralStatus,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseSummary {
    pub id: String,
    pub status: CaseStatus,
    pub lead_organisation: String,
    pub opened_at: String,
    pub access: CaseAccess,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReferralView {
    pub id: String,
    pub case_id: String,
    pub from_organisation_id: String,
    pub from_organisation: String,
    pub to_organisation_id: String,
    pub to_organisation: String,
    pub status: ReferralStatus,
    pub reason: Option<String>,
    pub decline_reason: Option<String>,
    pub sent_at: String,
    pub updated_at: String,
    /// Waiting for an answer for more than [`REFERRAL_ANSWER_DAYS`] days.
    pub overdue: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrganisationView {
    pub id: String,
    pub name: String,
    pub org_type: String,
    pub country: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoteView {
    pub id: String,
    pub author_id: String,
    pub body: String,
    pub created_at: String,
}

/// That a statement exists, and whether this actor is on its access list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
// Another StatementInfo (the statement module's) is in the same OpenAPI document.
#[cfg_attr(feature = "openapi", schema(as = CaseStatementInfo))]
pub struct StatementInfo {
    pub id: String,
    pub media_kind: String,
    pub recorded_at: String,
    pub may_view: bool,
}

/// The person part of a case file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "shown", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PersonPart {
    Shown(Box<PersonView>),
    /// Withheld from this actor, with the reason (role, or the share refused).
    Withheld {
        reason: String,
    },
}

/// A consent as the case file lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsentView {
    pub id: String,
    pub purpose: Purpose,
    pub recipient_organisation_id: Option<String>,
    pub categories: Vec<DataCategory>,
    pub in_force: bool,
    pub withdrawn: bool,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseFile {
    pub case: CaseView,
    pub access: CaseAccess,
    pub person: PersonPart,
    /// The share decision for a referred organisation (None for the lead organisation).
    pub share: Option<Decision>,
    /// Case details shown: false when a referred organisation's share is refused.
    pub details_shown: bool,
    pub events: Vec<NewEvent>,
    pub referrals: Vec<ReferralView>,
    pub consents: Vec<ConsentView>,
    pub statement: Option<StatementInfo>,
    pub notes: Vec<NoteView>,
}

/// What the web form gives to open a case for a new person.
#[derive(Debug, Clone, Default)]
pub struct NewCaseWithPerson {
    pub victim_status: Option<VictimStatus>,
    pub fields: PersonFields,
    pub vulnerabilities: Vec<Vulnerability>,
}

/// Filter of the audit log view.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub actor: Option<String>,
    pub object: Option<String>,
    /// Entries with a seq below this one (paging backwards); None for the newest.
    pub before_seq: Option<i64>,
    pub limit: i64,
}

fn forbidden(what: String, actor: &Actor) -> RegistryError {
    RegistryError::Forbidden {
        what,
        role: actor.role.to_string(),
    }
}

fn overdue(status: ReferralStatus, sent_at: &str, to_country: &str) -> bool {
    if !matches!(status, ReferralStatus::Sent | ReferralStatus::Received) {
        return false;
    }
    let Ok(sent) = crate::db::parse_time(sent_at, "referral sent_at") else {
        return false;
    };
    overdue_on(sent, to_country, time::OffsetDateTime::now_utc())
}

/// Whether an answer to a referral sent at `sent` is overdue at `now` for a recipient in
/// `to_country` (ISO code): more than [`REFERRAL_ANSWER_DAYS`] working days after the day of
/// sending, weekends and that country's public holidays excluded.
pub fn overdue_on(sent: time::OffsetDateTime, to_country: &str, now: time::OffsetDateTime) -> bool {
    // Five working days never span four weeks: no need to walk the calendar for old referrals.
    if now - sent > time::Duration::days(28) {
        return true;
    }
    match crate::calendar::Country::parse(to_country) {
        Ok(country) => {
            let days = crate::calendar::Calendar::new(country)
                .working_days_between(sent.date(), now.date());
            i64::from(days) > REFERRAL_ANSWER_DAYS
        }
        Err(_) => now - sent > time::Duration::days(REFERRAL_ANSWER_DAYS),
    }
}

pub(crate) type ReferralRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    String,
    String,
);

/// The referral columns [`referral_of`] reads, with both organisations' names (a literal, so that
/// queries built on it stay static strings).
macro_rules! referral_select {
    () => {
        "SELECT r.id, r.case_id, r.from_organisation_id, f.name, r.to_organisation_id, t.name, r.status, r.reason, r.decline_reason, r.sent_at, r.updated_at, t.country \
         FROM referral r JOIN organisation f ON f.id = r.from_organisation_id JOIN organisation t ON t.id = r.to_organisation_id"
    };
}

fn referral_of(r: ReferralRow) -> Result<ReferralView, RegistryError> {
    let status: ReferralStatus = r.6.parse()?;
    Ok(ReferralView {
        overdue: overdue(status, &r.9, &r.11),
        id: r.0,
        case_id: r.1,
        from_organisation_id: r.2,
        from_organisation: r.3,
        to_organisation_id: r.4,
        to_organisation: r.5,
        status,
        reason: r.7,
        decline_reason: r.8,
        sent_at: r.9,
        updated_at: r.10,
    })
}

/// The queries of a case file, shared by the sqlx path and the rusqlite one
/// ([`crate::sqlite_reads`]), so that both read the same rows.
pub(crate) mod case_file_sql {
    /// One case by id ([`crate::registry::CaseRow`]).
    pub const CASE: &str = crate::registry::CASE_BY_ID_SQL;
    /// The newest open referral of case $1 to organisation $2: (id, status).
    pub const REFERRAL_TO_READER: &str = "SELECT id, status FROM referral WHERE case_id = $1 AND to_organisation_id = $2 AND status IN ('sent', 'received', 'accepted') ORDER BY sent_at DESC, id LIMIT 1";
    /// A person by id ([`super::PersonRow`]: 16 columns and the organisation).
    pub const PERSON: &str = "SELECT victim_status, created_at, salutation, first_name, second_name, birthdate, email, home_phone, mobile_phone, mailing_street, mailing_city, mailing_postal_code, gender, nationality, mailing_state, mailing_country, organisation_id FROM person WHERE id = $1";
    /// The referrals of case $1 ([`super::ReferralRow`]).
    pub const REFERRALS: &str = concat!(
        referral_select!(),
        " WHERE r.case_id = $1 ORDER BY r.sent_at, r.id"
    );
    /// The events of case $1 ([`super::EventRow`]).
    pub const EVENTS: &str = "SELECT kind, place_country, place_city, occurred_on, means, form, detail FROM event WHERE case_id = $1 ORDER BY kind, id";
    /// The consents of person $1 ([`super::ConsentRow`]).
    pub const CONSENTS: &str = "SELECT id, purpose, recipient_organisation_id, categories, given_at, expires_at, withdrawn_at FROM consent WHERE person_id = $1 ORDER BY given_at, id";
    /// The statement of case $1 and the grant of user $2 ([`super::StatementRow`]).
    pub const STATEMENT: &str = "SELECT s.id, s.media_kind, s.recorded_at, a.user_id FROM statement s \
         LEFT JOIN statement_access a ON a.statement_id = s.id AND a.user_id = $2 WHERE s.case_id = $1";
    /// The notes of case $1 ([`super::NoteRow`]).
    pub const NOTES: &str = "SELECT id, author_id, body, created_at FROM note WHERE case_id = $1 ORDER BY created_at, id";
}

/// The first 16 columns of [`case_file_sql::PERSON`] (sqlx tuples hold at most 16).
pub(crate) type PersonCols = (
    String,
    String,
    Option<Vec<u8>>,
    Option<Vec<u8>>,
    Option<Vec<u8>>,
    Option<Vec<u8>>,
    Option<Vec<u8>>,
    Option<Vec<u8>>,
    Option<Vec<u8>>,
    Option<Vec<u8>>,
    Option<Vec<u8>>,
    Option<Vec<u8>>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);
/// A row of [`case_file_sql::PERSON`]: the 16 columns and the organisation.
pub(crate) type PersonRow = (PersonCols, Option<String>);
pub(crate) type EventRow = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
);
pub(crate) type ConsentRow = (
    String,
    String,
    Option<String>,
    String,
    String,
    Option<String>,
    Option<String>,
);
pub(crate) type StatementRow = (String, String, String, Option<String>);
pub(crate) type NoteRow = (String, String, Vec<u8>, String);

pub(crate) fn event_of_row(r: EventRow) -> Result<NewEvent, RegistryError> {
    Ok(NewEvent {
        kind: Some(r.0.parse()?),
        place_country: r.1,
        place_city: r.2,
        occurred_on: r.3,
        means: serde_json::from_str(&r.4)
            .map_err(|e| crate::registry::db_err("event means", e.to_string()))?,
        form: r.5,
        detail: r.6,
    })
}

pub(crate) fn consent_of_row(r: ConsentRow) -> Result<Consent, RegistryError> {
    use crate::db::parse_time;
    let what = format!("consent {}", r.0);
    Ok(Consent {
        purpose: r.1.parse()?,
        recipient_organisation_id: r.2,
        categories: serde_json::from_str(&r.3)
            .map_err(|e| crate::registry::db_err(&what, e.to_string()))?,
        given_at: parse_time(&r.4, &what)?,
        expires_at: r.5.as_deref().map(|t| parse_time(t, &what)).transpose()?,
        withdrawn_at: r.6.as_deref().map(|t| parse_time(t, &what)).transpose()?,
        id: r.0,
    })
}

fn statement_of_row((id, media_kind, recorded_at, granted): StatementRow) -> StatementInfo {
    StatementInfo {
        id,
        media_kind,
        recorded_at,
        may_view: granted.is_some(),
    }
}

/// How long a read of the organisations is served from memory. Organisations are only ever
/// added (never renamed or deleted); this process drops its copy when it adds one, so the delay
/// only concerns an organisation added by another process (the CLI).
pub const ORG_CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(10);

/// The organisations as last read, and when (every case page names them).
#[derive(Debug, Default)]
pub struct OrgCache {
    /// Bumped by every change: a read that started before a change does not store its list.
    generation: std::sync::atomic::AtomicU64,
    last: std::sync::RwLock<Option<(std::time::Instant, Vec<OrganisationView>)>>,
}

impl OrgCache {
    /// The list if fresh, else the generation to hand to [`OrgCache::store`] after reading.
    fn fresh(&self) -> Result<Vec<OrganisationView>, u64> {
        let generation = self.generation.load(std::sync::atomic::Ordering::Acquire);
        match self.last.read().as_deref() {
            Ok(Some((at, orgs))) if at.elapsed() < ORG_CACHE_TTL => Ok(orgs.clone()),
            _ => Err(generation),
        }
    }

    fn store(&self, generation: u64, orgs: Vec<OrganisationView>) {
        if let Ok(mut last) = self.last.write()
            && self.generation.load(std::sync::atomic::Ordering::Acquire) == generation
        {
            *last = Some((std::time::Instant::now(), orgs));
        }
    }

    pub(crate) fn clear(&self) {
        if let Ok(mut last) = self.last.write() {
            self.generation
                .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
            *last = None;
        }
    }
}

/// Roles that work on cases at all (analysts see non-identifying case data).
fn works_on_cases(role: Role) -> bool {
    matches!(
        role,
        Role::FirstResponder | Role::CaseWorker | Role::Coordinator | Role::Analyst
    )
}

impl Registry {
    /// Every organisation, by name. Read from memory when read less than [`ORG_CACHE_TTL`] ago.
    pub async fn organisations(&self) -> Result<Vec<OrganisationView>, RegistryError> {
        let cache = self.org_cache();
        let generation = match cache.fresh() {
            Ok(orgs) => return Ok(orgs),
            Err(generation) => generation,
        };
        let rows: Vec<(String, String, String, String)> = on_pool!(self.pool(), p => sqlx::query_as(
            "SELECT id, name, org_type, country FROM organisation ORDER BY name").fetch_all(p).await?);
        let orgs: Vec<OrganisationView> = rows
            .into_iter()
            .map(|(id, name, org_type, country)| OrganisationView {
                id,
                name,
                org_type,
                country,
            })
            .collect();
        cache.store(generation, orgs.clone());
        Ok(orgs)
    }

    /// How `actor` may open `case_id`; a refusal (another organisation's case) is audited.
    pub async fn case_access(
        &self,
        actor: &Actor,
        case_id: &str,
    ) -> Result<CaseAccess, RegistryError> {
        let lead: Option<(String,)> = on_pool!(self.pool(), p => sqlx::query_as("SELECT lead_organisation_id FROM case_file WHERE id = $1")
            .bind(case_id).fetch_optional(p).await?);
        let Some((lead,)) = lead else {
            return Err(RegistryError::NotFound {
                what: format!("case {case_id}"),
            });
        };
        self.case_access_led_by(actor, case_id, &lead).await
    }

    /// [`Registry::case_access`] once the case's lead organisation is known (the case file reads
    /// it with the rest of the case, saving a query per view).
    async fn case_access_led_by(
        &self,
        actor: &Actor,
        case_id: &str,
        lead: &str,
    ) -> Result<CaseAccess, RegistryError> {
        let referral: Option<(String, String)> =
            if works_on_cases(actor.role) && lead != actor.organisation_id {
                on_pool!(self.pool(), p => sqlx::query_as(case_file_sql::REFERRAL_TO_READER)
                    .bind(case_id).bind(&actor.organisation_id).fetch_optional(p).await?)
            } else {
                None
            };
        self.case_access_decided(actor, case_id, lead, referral)
            .await
    }

    /// The access decision once the case's lead and the newest open referral to the actor's
    /// organisation ([`case_file_sql::REFERRAL_TO_READER`]) are read; a refusal is audited.
    async fn case_access_decided(
        &self,
        actor: &Actor,
        case_id: &str,
        lead: &str,
        referral_to_reader: Option<(String, String)>,
    ) -> Result<CaseAccess, RegistryError> {
        let access = if !works_on_cases(actor.role) {
            None
        } else if lead == actor.organisation_id {
            Some(CaseAccess::Lead)
        } else {
            match referral_to_reader {
                Some((referral_id, status)) => Some(CaseAccess::Referred {
                    referral_id,
                    status: status.parse()?,
                }),
                None => None,
            }
        };
        match access {
            Some(a) => Ok(a),
            None => {
                audit::append_alone(
                    self.pool(),
                    actor,
                    &AuditEvent {
                        action: "case.read",
                        object: case_id,
                        purpose: "care",
                        fields: &[],
                        outcome: Outcome::Denied,
                    },
                )
                .await?;
                Err(forbidden(format!("case {case_id}"), actor))
            }
        }
    }

    /// Cases led by the actor's organisation or referred to it (and still open to it).
    pub async fn visible_cases(&self, actor: &Actor) -> Result<Vec<CaseSummary>, RegistryError> {
        if !works_on_cases(actor.role) {
            return Err(forbidden("case.list".into(), actor));
        }
        type Row = (
            String,
            String,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<Row> = on_pool!(self.pool(), p => sqlx::query_as(
            "SELECT c.id, c.status, c.lead_organisation_id, o.name, c.opened_at, r.id, r.status FROM case_file c JOIN organisation o ON o.id = c.lead_organisation_id \
             LEFT JOIN referral r ON r.case_id = c.id AND r.to_organisation_id = $1 AND r.status IN ('sent', 'received', 'accepted') \
             WHERE c.lead_organisation_id = $1 OR r.id IS NOT NULL ORDER BY c.opened_at DESC, c.id")
            .bind(&actor.organisation_id).fetch_all(p).await?);
        let mut out: Vec<CaseSummary> = Vec::with_capacity(rows.len());
        for (id, status, lead_id, lead, opened_at, rid, rstatus) in rows {
            if out.last().is_some_and(|c| c.id == id) {
                continue;
            }
            let access = match (rid, rstatus) {
                (Some(referral_id), Some(s)) if lead_id != actor.organisation_id => {
                    CaseAccess::Referred {
                        referral_id,
                        status: s.parse()?,
                    }
                }
                _ => CaseAccess::Lead,
            };
            out.push(CaseSummary {
                id,
                status: status.parse()?,
                lead_organisation: lead,
                opened_at,
                access,
            });
        }
        Ok(out)
    }

    /// Referrals sent by or to the actor's organisation, newest first.
    pub async fn referrals_of_organisation(
        &self,
        actor: &Actor,
    ) -> Result<Vec<ReferralView>, RegistryError> {
        if !works_on_cases(actor.role) {
            return Err(forbidden("referral.list".into(), actor));
        }
        const SQL: &str = concat!(
            referral_select!(),
            " WHERE r.from_organisation_id = $1 OR r.to_organisation_id = $1 ORDER BY r.sent_at DESC, r.id"
        );
        let rows: Vec<ReferralRow> = on_pool!(self.pool(), p => sqlx::query_as(SQL).bind(&actor.organisation_id).fetch_all(p).await?);
        rows.into_iter().map(referral_of).collect()
    }

    async fn case_view(&self, case_id: &str) -> Result<CaseView, RegistryError> {
        let row = self
            .case_row(case_id)
            .await?
            .ok_or_else(|| RegistryError::NotFound {
                what: format!("case {case_id}"),
            })?;
        self.case_of_row(row)
    }

    /// The case file as `actor` may see it. The lead organisation sees everything its roles allow;
    /// a referred organisation sees the person and the case only while the share is allowed.
    /// Audited: the case read, the person read (or its refusal), the share decision.
    pub async fn case_file(&self, actor: &Actor, case_id: &str) -> Result<CaseFile, RegistryError> {
        let not_found = || RegistryError::NotFound {
            what: format!("case {case_id}"),
        };
        let with_person = actor.role.may_read_identity();
        let (access, rows) = match self.sqlite_reader() {
            // SQLite server: every row in one trip to a blocking thread; nothing is opened
            // (decrypted) before access is decided.
            Some(reader) => {
                let rows = reader
                    .case_file_rows(case_id, &actor.organisation_id, &actor.user_id, with_person)
                    .await?
                    .ok_or_else(not_found)?;
                let access = self
                    .case_access_decided(
                        actor,
                        case_id,
                        &rows.case.2,
                        rows.referral_to_reader.clone(),
                    )
                    .await?;
                (access, rows)
            }
            // One read for the case and its lead: access is decided before the details are read.
            None => {
                let case = self.case_row(case_id).await?.ok_or_else(not_found)?;
                let access = self.case_access_led_by(actor, case_id, &case.2).await?;
                let rows = self.case_details_rows(case, actor, with_person).await?;
                (access, rows)
            }
        };
        self.case_file_of_rows(actor, access, rows).await
    }

    /// The rows of a case file after its case row, on one connection of the sqlx pool.
    async fn case_details_rows(
        &self,
        case: crate::registry::CaseRow,
        actor: &Actor,
        with_person: bool,
    ) -> Result<CaseFileRows, RegistryError> {
        use sqlx::{FromRow, Row};
        let (case_id, person_id) = (case.0.clone(), case.12.clone());
        let (person, referrals, events, consents, statement, notes) = on_pool!(self.pool(), p => {
            let mut c = p.acquire().await?;
            let person: Option<PersonRow> = if with_person {
                match sqlx::query(case_file_sql::PERSON).bind(&person_id).fetch_optional(&mut *c).await? {
                    // 17 columns, one more than sqlx's tuples hold: the 17th by index.
                    Some(row) => Some((PersonCols::from_row(&row)?, row.try_get(16)?)),
                    None => None,
                }
            } else {
                None
            };
            let referrals: Vec<ReferralRow> = sqlx::query_as(case_file_sql::REFERRALS).bind(&case_id).fetch_all(&mut *c).await?;
            let events: Vec<EventRow> = sqlx::query_as(case_file_sql::EVENTS).bind(&case_id).fetch_all(&mut *c).await?;
            let consents: Vec<ConsentRow> = sqlx::query_as(case_file_sql::CONSENTS).bind(&person_id).fetch_all(&mut *c).await?;
            let statement: Option<StatementRow> = sqlx::query_as(case_file_sql::STATEMENT).bind(&case_id).bind(&actor.user_id).fetch_optional(&mut *c).await?;
            let notes: Vec<NoteRow> = sqlx::query_as(case_file_sql::NOTES).bind(&case_id).fetch_all(&mut *c).await?;
            (person, referrals, events, consents, statement, notes)
        });
        Ok(CaseFileRows {
            case,
            referral_to_reader: None,
            person,
            referrals,
            events,
            consents,
            statement,
            notes,
        })
    }

    /// The case file from its stored rows once access is decided: share decision, opening of
    /// the sealed fields the actor may see, and the audit of the view.
    async fn case_file_of_rows(
        &self,
        actor: &Actor,
        access: CaseAccess,
        rows: CaseFileRows,
    ) -> Result<CaseFile, RegistryError> {
        let case = self.case_of_row(rows.case)?;
        let case_id = case.id.as_str();
        let consents_all = rows
            .consents
            .into_iter()
            .map(consent_of_row)
            .collect::<Result<Vec<Consent>, _>>()?;
        let mut person_row = rows.person;
        let mut open_person = |person_id: &str| match person_row.take() {
            Some(row) => self.person_of_row(person_id, row),
            None => Err(RegistryError::NotFound {
                what: format!("person {person_id}"),
            }),
        };
        // The person read is audited with the case read, in one transaction at the end.
        let mut person_read: Option<Purpose> = None;
        let (person, share) = match &access {
            CaseAccess::Lead => {
                if actor.role.may_read_identity() {
                    person_read = Some(Purpose::Care);
                    (
                        PersonPart::Shown(Box::new(open_person(&case.person_id)?)),
                        None,
                    )
                } else {
                    (
                        PersonPart::Withheld {
                            reason: "role".into(),
                        },
                        None,
                    )
                }
            }
            CaseAccess::Referred { .. } => {
                let decision = self
                    .decide_share(
                        actor,
                        &case.person_id,
                        Purpose::Referral,
                        Some(&actor.organisation_id),
                        &[DataCategory::Identity, DataCategory::Case],
                        None,
                        &consents_all,
                    )
                    .await?;
                let person = if !decision.is_allowed() {
                    PersonPart::Withheld {
                        reason: "share_refused".into(),
                    }
                } else if actor.role.may_read_identity() {
                    person_read = Some(Purpose::Referral);
                    PersonPart::Shown(Box::new(open_person(&case.person_id)?))
                } else {
                    PersonPart::Withheld {
                        reason: "role".into(),
                    }
                };
                (person, Some(decision))
            }
        };
        let details_shown = share.as_ref().is_none_or(Decision::is_allowed);
        let referrals = {
            let all = rows
                .referrals
                .into_iter()
                .map(referral_of)
                .collect::<Result<Vec<_>, _>>()?;
            match &access {
                CaseAccess::Lead => all,
                // A referred organisation sees only the referrals addressed to it.
                CaseAccess::Referred { .. } => all
                    .into_iter()
                    .filter(|r| r.to_organisation_id == actor.organisation_id)
                    .collect(),
            }
        };
        let (events, consents, statement, notes) = if details_shown {
            let events = rows
                .events
                .into_iter()
                .map(event_of_row)
                .collect::<Result<Vec<_>, _>>()?;
            let consents = if access == CaseAccess::Lead {
                let now_t = time::OffsetDateTime::now_utc();
                consents_all
                    .into_iter()
                    .map(|c: Consent| ConsentView {
                        in_force: c.in_force(now_t),
                        withdrawn: c.withdrawn_at.is_some(),
                        id: c.id,
                        purpose: c.purpose,
                        recipient_organisation_id: c.recipient_organisation_id,
                        categories: c.categories,
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let statement = rows.statement.map(statement_of_row);
            let notes = rows
                .notes
                .into_iter()
                .map(|r| self.note_of_row(r))
                .collect::<Result<Vec<_>, _>>()?;
            (events, consents, statement, notes)
        } else {
            (Vec::new(), Vec::new(), None, Vec::new())
        };
        // Both entries of the view in one commit (grouped with other views' when batching).
        let mut entries = Vec::with_capacity(2);
        if let Some(purpose) = person_read {
            entries.push(AuditEvent {
                action: "person.read",
                object: &case.person_id,
                purpose: purpose.as_str(),
                fields: &PersonFields::SEALED,
                outcome: Outcome::Ok,
            });
        }
        entries.push(AuditEvent {
            action: "case.read",
            object: case_id,
            purpose: "care",
            fields: if details_shown {
                &[
                    "status",
                    "vulnerabilities",
                    "vulnerability_details",
                    "events",
                    "notes",
                ]
            } else {
                &["status"]
            },
            outcome: Outcome::Ok,
        });
        self.audit_read(actor, &entries).await?;
        Ok(CaseFile {
            case,
            access,
            person,
            share,
            details_shown,
            events,
            referrals,
            consents,
            statement,
            notes,
        })
    }

    async fn statement_info(
        &self,
        actor: &Actor,
        case_id: &str,
    ) -> Result<Option<StatementInfo>, RegistryError> {
        // The statement and the actor's grant in one read.
        let row: Option<StatementRow> = on_pool!(self.pool(), p => sqlx::query_as(case_file_sql::STATEMENT)
            .bind(case_id).bind(&actor.user_id).fetch_optional(p).await?);
        Ok(row.map(statement_of_row))
    }

    /// Asks for access to a case's statement instead of interviewing the child again. The request
    /// is an audit entry the statement's owners see.
    pub async fn request_case_statement_access(
        &self,
        actor: &Actor,
        case_id: &str,
    ) -> Result<(), RegistryError> {
        self.case_access(actor, case_id).await?;
        let info =
            self.statement_info(actor, case_id)
                .await?
                .ok_or_else(|| RegistryError::NotFound {
                    what: format!("statement of case {case_id}"),
                })?;
        // A real request (listed to the statement's owners, decided by them), audited there.
        self.request_statement_access(
            actor,
            &info.id,
            "asked from the case file instead of a new interview",
        )
        .await?;
        Ok(())
    }

    fn note_of_row(
        &self,
        (id, author_id, body, created_at): NoteRow,
    ) -> Result<NoteView, RegistryError> {
        Ok(NoteView {
            body: self.keys().open_text("note", "body", &id, &body)?,
            id,
            author_id,
            created_at,
        })
    }

    /// Adds a note to a case the actor's organisation leads or has accepted (share allowed).
    pub async fn add_note(
        &self,
        actor: &Actor,
        case_id: &str,
        body: &str,
    ) -> Result<String, RegistryError> {
        let body = body.trim();
        if body.is_empty() {
            return Err(RegistryError::invalid("note", "empty"));
        }
        if body.chars().count() > 10_000 {
            return Err(RegistryError::invalid("note", "at most 10,000 characters"));
        }
        self.writable_case(actor, case_id).await?;
        let id = random_id("not")?;
        let sealed = self.keys().seal("note", "body", &id, body.as_bytes())?;
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, c => sqlx::query("INSERT INTO note (id, case_id, author_id, key_version, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(&id).bind(case_id).bind(&actor.user_id).bind(i64::from(self.keys().active_version())).bind(sealed).bind(now())
            .execute(&mut *c).await.map(|_| ())?);
        audit::append(
            &mut tx,
            actor,
            &AuditEvent {
                action: "note.create",
                object: &id,
                purpose: "care",
                fields: &["body"],
                outcome: Outcome::Ok,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Writes on a case need a role that sees persons and either the lead or an accepted
    /// referral whose share is allowed.
    async fn writable_case(
        &self,
        actor: &Actor,
        case_id: &str,
    ) -> Result<CaseAccess, RegistryError> {
        if !actor.role.may_read_identity() {
            return Err(forbidden(format!("case {case_id}"), actor));
        }
        let access = self.case_access(actor, case_id).await?;
        match &access {
            CaseAccess::Lead => Ok(access),
            CaseAccess::Referred {
                status: ReferralStatus::Accepted,
                ..
            } => {
                let case = self.case_view(case_id).await?;
                let d = self
                    .check_share(
                        actor,
                        &case.person_id,
                        Purpose::Referral,
                        Some(&actor.organisation_id),
                        &[DataCategory::Identity, DataCategory::Case],
                        None,
                    )
                    .await?;
                if d.is_allowed() {
                    Ok(access)
                } else {
                    Err(RegistryError::Refused {
                        what: format!("case {case_id}"),
                        reason: "the person's consent no longer covers this organisation".into(),
                    })
                }
            }
            CaseAccess::Referred { .. } => Err(forbidden(format!("case {case_id}"), actor)),
        }
    }

    /// Only the lead organisation manages consents and sends referrals.
    async fn lead_case(&self, actor: &Actor, case_id: &str) -> Result<CaseView, RegistryError> {
        if !actor.role.may_read_identity() {
            return Err(forbidden(format!("case {case_id}"), actor));
        }
        match self.case_access(actor, case_id).await? {
            CaseAccess::Lead => self.case_view(case_id).await,
            CaseAccess::Referred { .. } => Err(forbidden(format!("case {case_id}"), actor)),
        }
    }

    /// Records a consent of the case's person (lead organisation only).
    pub async fn record_case_consent(
        &self,
        actor: &Actor,
        case_id: &str,
        consent: &NewConsent,
    ) -> Result<String, RegistryError> {
        let case = self.lead_case(actor, case_id).await?;
        let consent = NewConsent {
            person_id: case.person_id,
            ..consent.clone()
        };
        self.record_consent(actor, &consent).await
    }

    /// Withdraws a consent of the case's person (lead organisation only).
    pub async fn withdraw_case_consent(
        &self,
        actor: &Actor,
        case_id: &str,
        consent_id: &str,
    ) -> Result<(), RegistryError> {
        let case = self.lead_case(actor, case_id).await?;
        let owner: Option<(String,)> = on_pool!(self.pool(), p => sqlx::query_as("SELECT person_id FROM consent WHERE id = $1")
            .bind(consent_id).fetch_optional(p).await?);
        if owner.is_none_or(|(p,)| p != case.person_id) {
            return Err(RegistryError::NotFound {
                what: format!("consent {consent_id} of case {case_id}"),
            });
        }
        self.withdraw_consent(actor, consent_id).await
    }

    /// Refers a case to another organisation (lead organisation only; consent or legal basis
    /// checked and audited by [`Registry::send_referral`]).
    pub async fn refer_case(
        &self,
        actor: &Actor,
        case_id: &str,
        to_organisation_id: &str,
        reason: &str,
        legal_basis: Option<&LegalBasis>,
    ) -> Result<String, RegistryError> {
        self.lead_case(actor, case_id).await?;
        if to_organisation_id == actor.organisation_id {
            return Err(RegistryError::invalid(
                "to_organisation",
                "a case is referred to another organisation",
            ));
        }
        self.send_referral(actor, case_id, to_organisation_id, reason, legal_basis)
            .await
    }

    /// Opens a case for a new person, led by the actor's organisation, in one transaction.
    pub async fn create_case_with_person(
        &self,
        actor: &Actor,
        new: &NewCaseWithPerson,
    ) -> Result<String, RegistryError> {
        if !actor.role.may_read_identity() {
            return Err(forbidden("case.create".into(), actor));
        }
        let mut tx = self.begin().await?;
        let person_id = self
            .insert_person_tx(
                &mut tx,
                actor,
                new.victim_status.unwrap_or(VictimStatus::Possible),
                &new.fields,
                None,
            )
            .await?
            .ok_or_else(|| RegistryError::invalid("person", "not added"))?;
        let case_id = self
            .insert_case_tx(
                &mut tx,
                actor,
                &NewCase {
                    person_id,
                    lead_organisation_id: actor.organisation_id.clone(),
                    worker_id: Some(actor.user_id.clone()),
                    vulnerabilities: new.vulnerabilities.clone(),
                    ..NewCase::default()
                },
            )
            .await?;
        tx.commit().await?;
        Ok(case_id)
    }

    /// The audit log for auditors, newest first, filtered; the read itself is audited.
    pub async fn audit_entries(
        &self,
        actor: &Actor,
        filter: &AuditFilter,
    ) -> Result<Vec<AuditEntry>, RegistryError> {
        if !matches!(actor.role, Role::Auditor | Role::System) {
            return Err(forbidden("audit.read".into(), actor));
        }
        let limit = filter.limit.clamp(1, 500);
        let sql = audit_query(filter);
        let values = [&filter.action, &filter.actor, &filter.object];
        let rows: Vec<audit::Row> = on_pool!(self.pool(), p => {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()));
            for v in values.into_iter().flatten() {
                q = q.bind(v.as_str());
            }
            q.bind(filter.before_seq.unwrap_or(i64::MAX)).bind(limit).fetch_all(p).await?
        });
        let entries = rows
            .into_iter()
            .map(|r| {
                let seq = r.0;
                audit::entry_of(r)
                    .map_err(|m| RegistryError::invalid(format!("audit_log seq {seq}"), m))
            })
            .collect::<Result<Vec<_>, RegistryError>>()?;
        audit::append_alone(
            self.pool(),
            actor,
            &AuditEvent {
                action: "audit.read",
                object: "audit_log",
                purpose: "audit",
                fields: &[],
                outcome: Outcome::Ok,
            },
        )
        .await?;
        Ok(entries)
    }
}

/// The audit query for `filter`: only the filters that are set appear, as plain equalities, so
/// that each can use its (column, seq) index (`x IS NULL OR col = x` defeats an index on both
/// backends). Placeholders: the set filters in the order action, actor, object, then the seq bound
/// and the limit. Built from fixed fragments only; values are always bound.
fn audit_query(filter: &AuditFilter) -> String {
    let mut sql = format!("SELECT {} FROM audit_log WHERE ", audit::AUDIT_COLUMNS);
    let mut n = 0;
    for (column, value) in [
        ("action", &filter.action),
        ("actor", &filter.actor),
        ("object", &filter.object),
    ] {
        if value.is_some() {
            n += 1;
            sql.push_str(&format!("{column} = ${n} AND "));
        }
    }
    sql.push_str(&format!(
        "seq < ${} ORDER BY seq DESC LIMIT ${}",
        n + 1,
        n + 2
    ));
    sql
}

#[cfg(test)]
mod tests {
    use super::overdue_on;
    use time::macros::datetime;

    #[test]
    fn overdue_referrals_count_working_days_of_the_recipients_country() {
        // Sent on Thursday 24 December 2026 to France: 25 December and 1 January are holidays,
        // so the fifth working day is Monday 4 January.
        let sent = datetime!(2026-12-24 10:00 UTC);
        assert!(!overdue_on(sent, "FR", datetime!(2026-12-31 18:00 UTC)));
        assert!(!overdue_on(sent, "FR", datetime!(2027-01-04 18:00 UTC)));
        assert!(overdue_on(sent, "FR", datetime!(2027-01-05 08:00 UTC)));
        // In England 28 December is the substitute Boxing Day: one more day.
        assert!(!overdue_on(sent, "GB", datetime!(2027-01-05 08:00 UTC)));
        // Without a calendar: calendar days, as before.
        assert!(overdue_on(sent, "DE", datetime!(2026-12-30 11:00 UTC)));
        assert!(!overdue_on(sent, "DE", datetime!(2026-12-29 09:00 UTC)));
        assert!(overdue_on(sent, "FR", datetime!(2027-06-01 09:00 UTC)));
        assert!(
            !overdue_on(sent, "FR", datetime!(2026-12-20 09:00 UTC)),
            "sent later"
        );
    }

    #[test]
    fn audit_query_names_only_the_filters_that_are_set() {
        use super::{AuditFilter, audit_query};
        let none = audit_query(&AuditFilter::default());
        assert!(
            none.ends_with("WHERE seq < $1 ORDER BY seq DESC LIMIT $2"),
            "{none}"
        );
        let some = audit_query(&AuditFilter {
            actor: Some("u".into()),
            object: Some("c".into()),
            ..AuditFilter::default()
        });
        assert!(
            some.ends_with(
                "WHERE actor = $1 AND object = $2 AND seq < $3 ORDER BY seq DESC LIMIT $4"
            ),
            "{some}"
        );
        let (_, conditions) = some.split_once(" WHERE ").unwrap_or_default();
        assert!(!conditions.contains("IS NULL") && !conditions.contains("action"));
    }
}
