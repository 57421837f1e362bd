//! The registry handle: a pool on either backend and the unwrapped key ring. Every operation that
//! reads or writes personal data appends its audit entry in the same transaction.

use crate::access::{
    ConsentRow, EventRow, PersonCols, PersonRow, case_file_sql, consent_of_row, event_of_row,
};
use crate::audit::{self, Actor, AuditEvent, Outcome};
use crate::blind::{self, IndexField};
use crate::consent::{self, Consent, Decision, LegalBasis, ShareRequest};
use crate::crypto::{KeyRing, MasterKey, SecretKey, random_id};
use crate::db::{Tx, now, on_pool, on_tx, parse_time};
use crate::model::{
    CaseStatus, ConsentGiver, DataCategory, EventKind, Gender, OrgType, Purpose, Role,
    VictimStatus, Vulnerability,
};
use crate::{RegistryError, password};
use cairn_store::registry::RegistryPool;
use serde::Serialize;
use sqlx::{FromRow, Row as _};
use std::collections::BTreeMap;

/// The registry on one database.
#[derive(Debug, Clone)]
pub struct Registry {
    pool: RegistryPool,
    /// Shared: a registry is cloned per request and task, and the secret keys need no copies.
    keys: std::sync::Arc<KeyRing>,
    /// Group commit of the audit entries of reads, when started (see [`Registry::with_read_audit_batching`]).
    read_auditor: Option<crate::audit_batch::ReadAuditor>,
    /// The organisations, kept in memory between reads (see [`crate::access::OrgCache`]).
    orgs: std::sync::Arc<crate::access::OrgCache>,
    /// The hot reads through rusqlite, when turned on on SQLite (see [`Registry::with_sqlite_reader`]).
    sqlite_reader: Option<crate::sqlite_reads::SqliteReader>,
}

/// The columns of a case, in the order of [`CaseRow`].
macro_rules! case_select {
    () => {
        "SELECT id, status, lead_organisation_id, worker_id, vulnerabilities, vulnerability_details, referring_organisation, incoming_referral_date, reason_for_incoming_referral, reason_for_closure, opened_at, closed_at, person_id FROM case_file"
    };
}

/// One case by id, as a [`CaseRow`].
pub(crate) const CASE_BY_ID_SQL: &str = concat!(case_select!(), " WHERE id = $1");

/// A case row as stored (vulnerability details still sealed).
pub(crate) type CaseRow = (
    String,
    String,
    String,
    Option<String>,
    String,
    Option<Vec<u8>>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
    String,
);

/// The actor of initialisation and maintenance.
pub fn system_actor() -> Actor {
    Actor {
        user_id: "system".into(),
        username: "system".into(),
        organisation_id: "system".into(),
        role: Role::System,
    }
}

/// Identifying and descriptive fields of a person. Those listed in [`PersonFields::SEALED`] are
/// stored sealed; the others are categories (HTCDS vocabulary, country codes).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonFields {
    pub salutation: Option<String>,
    pub first_name: Option<String>,
    pub second_name: Option<String>,
    pub birthdate: Option<String>,
    pub email: Option<String>,
    pub home_phone: Option<String>,
    pub mobile_phone: Option<String>,
    pub mailing_street: Option<String>,
    pub mailing_city: Option<String>,
    pub mailing_postal_code: Option<String>,
    pub gender: Option<Gender>,
    pub nationality: Option<String>,
    pub mailing_state: Option<String>,
    pub mailing_country: Option<String>,
}

impl PersonFields {
    /// Columns of `person` that hold ciphertext.
    pub const SEALED: [&'static str; 10] = [
        "salutation",
        "first_name",
        "second_name",
        "birthdate",
        "email",
        "home_phone",
        "mobile_phone",
        "mailing_street",
        "mailing_city",
        "mailing_postal_code",
    ];

    fn sealed_values(&self) -> [Option<&str>; 10] {
        [
            self.salutation.as_deref(),
            self.first_name.as_deref(),
            self.second_name.as_deref(),
            self.birthdate.as_deref(),
            self.email.as_deref(),
            self.home_phone.as_deref(),
            self.mobile_phone.as_deref(),
            self.mailing_street.as_deref(),
            self.mailing_city.as_deref(),
            self.mailing_postal_code.as_deref(),
        ]
    }

    fn set_sealed(&mut self, i: usize, v: Option<String>) {
        let slot = match i {
            0 => &mut self.salutation,
            1 => &mut self.first_name,
            2 => &mut self.second_name,
            3 => &mut self.birthdate,
            4 => &mut self.email,
            5 => &mut self.home_phone,
            6 => &mut self.mobile_phone,
            7 => &mut self.mailing_street,
            8 => &mut self.mailing_city,
            _ => &mut self.mailing_postal_code,
        };
        *slot = v;
    }

    /// Blind-index tokens of these fields.
    pub(crate) fn index_tokens(&self, key: &SecretKey) -> Vec<(IndexField, Vec<u8>)> {
        let mut out = Vec::new();
        let full = [self.first_name.as_deref(), self.second_name.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let mut push = |field, value: Option<&str>| {
            if let Some(t) = value.and_then(|v| blind::token(key, field, v))
                && !out.iter().any(|(f, x)| *f == field && *x == t)
            {
                out.push((field, t));
            }
        };
        push(IndexField::Name, Some(full.as_str()));
        push(IndexField::SecondName, self.second_name.as_deref());
        push(IndexField::Birthdate, self.birthdate.as_deref());
        push(IndexField::Phone, self.mobile_phone.as_deref());
        push(IndexField::Phone, self.home_phone.as_deref());
        out
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonView {
    pub id: String,
    pub victim_status: VictimStatus,
    #[serde(flatten)]
    pub fields: PersonFields,
    pub organisation_id: Option<String>,
    pub created_at: String,
}

#[derive(Debug, Clone, Default)]
pub struct NewCase {
    pub person_id: String,
    pub status: Option<CaseStatus>,
    pub lead_organisation_id: String,
    pub worker_id: Option<String>,
    pub vulnerabilities: Vec<Vulnerability>,
    pub vulnerability_details: Option<String>,
    pub referring_organisation: Option<String>,
    pub incoming_referral_date: Option<String>,
    pub reason_for_incoming_referral: Option<String>,
    pub reason_for_closure: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseView {
    pub id: String,
    pub person_id: String,
    pub status: CaseStatus,
    pub lead_organisation_id: String,
    pub worker_id: Option<String>,
    pub vulnerabilities: Vec<Vulnerability>,
    pub vulnerability_details: Option<String>,
    pub referring_organisation: Option<String>,
    pub incoming_referral_date: Option<String>,
    pub reason_for_incoming_referral: Option<String>,
    pub reason_for_closure: Option<String>,
    pub opened_at: String,
    pub closed_at: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewEvent {
    pub kind: Option<EventKind>,
    pub place_country: Option<String>,
    pub place_city: Option<String>,
    pub occurred_on: Option<String>,
    /// Methods of recruitment or of control.
    pub means: Vec<String>,
    /// Form of exploitation.
    pub form: Option<String>,
    /// Sub-type: type of sexual exploitation, industry of forced labour.
    pub detail: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewConsent {
    pub person_id: String,
    pub purpose: Purpose,
    pub recipient_organisation_id: Option<String>,
    pub categories: Vec<DataCategory>,
    pub giver: ConsentGiver,
    pub given_at: Option<String>,
    pub expires_at: Option<String>,
}

/// What a share hands over, once allowed.
#[derive(Debug, Clone, Serialize)]
pub struct SharedPerson {
    pub person: PersonView,
    pub cases: Vec<CaseView>,
    pub decision: Decision,
}

pub(crate) fn db_err(what: &str, message: impl Into<String>) -> RegistryError {
    RegistryError::invalid(what, message)
}

impl Registry {
    /// Migrates the database and creates the data and index keys if there are none yet.
    pub async fn init(pool: RegistryPool, master: &MasterKey) -> Result<Self, RegistryError> {
        pool.migrate().await?;
        let mut tx = Tx::begin(&pool).await?;
        let (count,): (i64,) = on_tx!(&mut tx, c => sqlx::query_as("SELECT COUNT(*) FROM key_ring").fetch_one(&mut *c).await?);
        if count == 0 {
            let at = now();
            for purpose in ["data", "index"] {
                let key = SecretKey::generate()?;
                let wrapped = master.wrap(purpose, 1, &key)?;
                on_tx!(&mut tx, c => sqlx::query("INSERT INTO key_ring (purpose, version, wrapped, created_at, active) VALUES ($1, 1, $2, $3, 1)")
                    .bind(purpose).bind(wrapped).bind(&at).execute(&mut *c).await.map(|_| ())?);
            }
            audit::append(
                &mut tx,
                &system_actor(),
                &AuditEvent {
                    action: "key.create",
                    object: "key_ring",
                    purpose: "administration",
                    fields: &["data.v1", "index.v1"],
                    outcome: Outcome::Ok,
                },
            )
            .await?;
        }
        tx.commit().await?;
        Self::open(pool, master).await
    }

    /// Opens an initialised registry: unwraps its keys with the master key.
    pub async fn open(pool: RegistryPool, master: &MasterKey) -> Result<Self, RegistryError> {
        Self::open_with_masters(pool, &[master]).await
    }

    /// Opens a registry whose data keys may be wrapped by either of `masters` (a master-key
    /// rotation in progress: some wrapped by the old key, some by the new one).
    pub async fn open_with_masters(
        pool: RegistryPool,
        masters: &[&MasterKey],
    ) -> Result<Self, RegistryError> {
        let rows: Vec<(String, i64, Vec<u8>, i64, i64)> = on_pool!(&pool, p => sqlx::query_as(
            "SELECT purpose, version, wrapped, active, CAST(CASE WHEN retired_at IS NULL THEN 0 ELSE 1 END AS BIGINT) \
             FROM key_ring ORDER BY purpose, version").fetch_all(p).await?);
        let mut data = BTreeMap::new();
        let mut active = None;
        let mut index = BTreeMap::new();
        let mut index_active = None;
        let mut index_retired = Vec::new();
        for (purpose, version, wrapped, is_active, retired) in rows {
            let version = u32::try_from(version)
                .map_err(|_| db_err("key_ring", format!("bad version {version}")))?;
            let mut key = None;
            let mut last_err = None;
            for master in masters {
                match master.unwrap_key(&purpose, version, &wrapped) {
                    Ok(k) => {
                        key = Some(k);
                        break;
                    }
                    Err(e) => last_err = Some(e),
                }
            }
            let Some(key) = key else {
                return Err(last_err.unwrap_or_else(|| RegistryError::Key {
                    what: "key_ring".into(),
                    message: "no master key given".into(),
                }));
            };
            let slot = match purpose.as_str() {
                "data" => (&mut data, &mut active),
                "index" => (&mut index, &mut index_active),
                other => return Err(db_err("key_ring", format!("unknown purpose {other:?}"))),
            };
            if is_active != 0 {
                *slot.1 = Some(slot.1.map_or(version, |a: u32| a.max(version)));
            }
            slot.0.insert(version, key);
            if purpose == "index" && retired != 0 {
                index_retired.push(version);
            }
        }
        let (Some(active), Some(index_active)) = (active, index_active) else {
            return Err(RegistryError::Key {
                what: "key_ring".into(),
                message: "no keys: run `cairn admin init` first".into(),
            });
        };
        Ok(Self {
            pool,
            keys: std::sync::Arc::new(KeyRing::with_index_versions(
                data,
                active,
                index,
                index_active,
                index_retired,
            )?),
            read_auditor: None,
            orgs: Default::default(),
            sqlite_reader: None,
        })
    }

    /// Audits reads through one writer task that commits every pending entry in one transaction
    /// (for servers: see [`crate::audit_batch`]). Needs a tokio runtime; outside one, unchanged.
    pub fn with_read_audit_batching(mut self) -> Self {
        if self.read_auditor.is_none() {
            self.read_auditor = crate::audit_batch::ReadAuditor::start(self.pool.clone());
        }
        self
    }

    /// Reads case files and the user of a web session through rusqlite on a few blocking
    /// connections (for servers on SQLite: see [`crate::sqlite_reads`]); unchanged on PostgreSQL,
    /// and on an in-memory database.
    pub fn with_sqlite_reader(mut self) -> Self {
        if let RegistryPool::Sqlite(p) = &self.pool {
            let path = p.connect_options().get_filename().to_path_buf();
            if path.is_file() {
                self.sqlite_reader = Some(crate::sqlite_reads::SqliteReader::new(path));
            }
        }
        self
    }

    /// The rusqlite read path, when turned on.
    pub(crate) fn sqlite_reader(&self) -> Option<&crate::sqlite_reads::SqliteReader> {
        self.sqlite_reader.as_ref()
    }

    /// Appends the entries of a read (in order), committed before this returns: through the group
    /// commit when started, else in a transaction of their own.
    pub(crate) async fn audit_read(
        &self,
        actor: &Actor,
        events: &[AuditEvent<'_>],
    ) -> Result<(), RegistryError> {
        if let Some(auditor) = &self.read_auditor {
            return auditor.append(&self.pool, actor, events).await;
        }
        let mut tx = self.begin().await?;
        for event in events {
            audit::append(&mut tx, actor, event).await?;
        }
        tx.commit().await
    }

    pub fn pool(&self) -> &RegistryPool {
        &self.pool
    }

    pub fn keys(&self) -> &KeyRing {
        &self.keys
    }

    pub(crate) fn org_cache(&self) -> &crate::access::OrgCache {
        &self.orgs
    }

    pub async fn begin(&self) -> Result<Tx, RegistryError> {
        Tx::begin(&self.pool).await
    }

    pub async fn create_organisation(
        &self,
        actor: &Actor,
        name: &str,
        org_type: OrgType,
        country: &str,
        region: Option<&str>,
    ) -> Result<String, RegistryError> {
        if name.trim().is_empty() {
            return Err(db_err("organisation name", "empty"));
        }
        check_country(country, "organisation country")?;
        let id = random_id("org")?;
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, c => sqlx::query("INSERT INTO organisation (id, name, org_type, country, region, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(&id).bind(name.trim()).bind(org_type.as_str()).bind(country).bind(region).bind(now()).execute(&mut *c).await.map(|_| ())?);
        audit::append(
            &mut tx,
            actor,
            &AuditEvent {
                action: "organisation.create",
                object: &id,
                purpose: "administration",
                fields: &["name", "org_type", "country", "region"],
                outcome: Outcome::Ok,
            },
        )
        .await?;
        tx.commit().await?;
        self.orgs.clear();
        Ok(id)
    }

    pub async fn organisation_by_name(&self, name: &str) -> Result<Option<String>, RegistryError> {
        let row: Option<(String,)> = on_pool!(&self.pool, p => sqlx::query_as("SELECT id FROM organisation WHERE name = $1").bind(name).fetch_optional(p).await?);
        Ok(row.map(|r| r.0))
    }

    /// Adds a professional with an argon2id password hash. Only an admin (or the system, for the
    /// first admin) may.
    pub async fn create_user(
        &self,
        actor: &Actor,
        username: &str,
        password: &str,
        organisation_id: &str,
        role: Role,
    ) -> Result<String, RegistryError> {
        if !matches!(actor.role, Role::Admin | Role::System) {
            return Err(RegistryError::Forbidden {
                what: "user.create".into(),
                role: actor.role.to_string(),
            });
        }
        if role == Role::System {
            return Err(db_err("role", "system is not a user role"));
        }
        let username = username.trim();
        if username.is_empty() || username.chars().any(char::is_whitespace) {
            return Err(db_err("username", "one word, not empty"));
        }
        let hash = password::hash_password(password)?;
        let id = random_id("usr")?;
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, c => sqlx::query("INSERT INTO app_user (id, username, organisation_id, role, password_hash, active, created_at) VALUES ($1, $2, $3, $4, $5, 1, $6)")
            .bind(&id).bind(username).bind(organisation_id).bind(role.as_str()).bind(&hash).bind(now()).execute(&mut *c).await.map(|_| ())?);
        audit::append(
            &mut tx,
            actor,
            &AuditEvent {
                action: "user.create",
                object: &id,
                purpose: "administration",
                fields: &["username", "organisation_id", "role", "password_hash"],
                outcome: Outcome::Ok,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Checks a password; every attempt is audited (the username is not, only the user id).
    pub async fn authenticate(
        &self,
        username: &str,
        password: &str,
    ) -> Result<Actor, RegistryError> {
        let row: Option<(String, String, String, String, i64)> = on_pool!(&self.pool, p => sqlx::query_as(
            "SELECT id, organisation_id, role, password_hash, active FROM app_user WHERE username = $1").bind(username).fetch_optional(p).await?);
        let denied = || RegistryError::Refused {
            what: "login".into(),
            reason: "unknown user or wrong password".into(),
        };
        let Some((id, org, role, hash, active)) = row else {
            audit::append_alone(
                &self.pool,
                &system_actor(),
                &AuditEvent {
                    action: "login",
                    object: "unknown-user",
                    purpose: "authentication",
                    fields: &[],
                    outcome: Outcome::Denied,
                },
            )
            .await?;
            return Err(denied());
        };
        let actor = Actor {
            user_id: id.clone(),
            username: username.to_owned(),
            organisation_id: org,
            role: role.parse()?,
        };
        let ok = active != 0 && password::verify_password(password, &hash);
        audit::append_alone(
            &self.pool,
            &actor,
            &AuditEvent {
                action: "login",
                object: &id,
                purpose: "authentication",
                fields: &[],
                outcome: if ok { Outcome::Ok } else { Outcome::Denied },
            },
        )
        .await?;
        if ok { Ok(actor) } else { Err(denied()) }
    }

    /// Adds a person in `tx`. With a `source_key` already present, adds nothing and returns None.
    pub async fn insert_person_tx(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        status: VictimStatus,
        fields: &PersonFields,
        source_key: Option<&[u8]>,
    ) -> Result<Option<String>, RegistryError> {
        if let Some(key) = source_key {
            let known: Option<(String,)> = on_tx!(&mut *tx, c => sqlx::query_as("SELECT id FROM person WHERE source_key = $1").bind(key).fetch_optional(&mut *c).await?);
            if known.is_some() {
                return Ok(None);
            }
        }
        let id = random_id("prs")?;
        let mut sealed: Vec<Option<Vec<u8>>> = Vec::with_capacity(10);
        for (col, value) in PersonFields::SEALED.iter().zip(fields.sealed_values()) {
            sealed.push(match value {
                Some(v) => Some(self.keys.seal("person", col, &id, v.as_bytes())?),
                None => None,
            });
        }
        const INSERT: &str = "INSERT INTO person (id, victim_status, key_version, salutation, first_name, second_name, birthdate, email, home_phone, mobile_phone, mailing_street, mailing_city, mailing_postal_code, gender, nationality, mailing_state, mailing_country, source_key, organisation_id, created_at, index_version) \
                              VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)";
        let version = i64::from(self.keys.active_version());
        on_tx!(&mut *tx, c => {
            let mut q = sqlx::query(INSERT).bind(&id).bind(status.as_str()).bind(version);
            for s in &sealed {
                q = q.bind(s.clone());
            }
            q.bind(fields.gender.map(|g| g.as_str()))
                .bind(fields.nationality.as_deref())
                .bind(fields.mailing_state.as_deref())
                .bind(fields.mailing_country.as_deref())
                .bind(source_key.map(<[u8]>::to_vec))
                .bind(&actor.organisation_id)
                .bind(now())
                .bind(i64::from(self.keys.index_version()))
                .execute(&mut *c)
                .await?;
            for (field, token) in fields.index_tokens(self.keys.index_key()) {
                sqlx::query("INSERT INTO person_index (person_id, field, token) VALUES ($1, $2, $3)")
                    .bind(&id).bind(field.as_str()).bind(token).execute(&mut *c).await?;
            }
        });
        let written: Vec<&str> = PersonFields::SEALED
            .iter()
            .zip(fields.sealed_values())
            .filter_map(|(c, v)| v.map(|_| *c))
            .collect();
        audit::append(
            tx,
            actor,
            &AuditEvent {
                action: "person.create",
                object: &id,
                purpose: "care",
                fields: &written,
                outcome: Outcome::Ok,
            },
        )
        .await?;
        Ok(Some(id))
    }

    pub async fn add_person(
        &self,
        actor: &Actor,
        status: VictimStatus,
        fields: &PersonFields,
    ) -> Result<String, RegistryError> {
        let mut tx = self.begin().await?;
        let id = self
            .insert_person_tx(&mut tx, actor, status, fields, None)
            .await?;
        tx.commit().await?;
        id.ok_or_else(|| db_err("person", "not added"))
    }

    async fn load_person(&self, id: &str) -> Result<PersonView, RegistryError> {
        // 17 columns, one more than sqlx's tuples hold: the tuple takes the first 16, the
        // organisation is read by index from the same row (one query instead of two).
        let found: Option<PersonRow> = on_pool!(&self.pool, p => {
            match sqlx::query(case_file_sql::PERSON).bind(id).fetch_optional(p).await? {
                Some(row) => Some((PersonCols::from_row(&row)?, row.try_get(16)?)),
                None => None,
            }
        });
        match found {
            Some(r) => self.person_of_row(id, r),
            None => Err(RegistryError::NotFound {
                what: format!("person {id}"),
            }),
        }
    }

    /// A person as read by [`case_file_sql::PERSON`], its sealed fields opened.
    pub(crate) fn person_of_row(
        &self,
        id: &str,
        (r, organisation_id): PersonRow,
    ) -> Result<PersonView, RegistryError> {
        let blobs = [r.2, r.3, r.4, r.5, r.6, r.7, r.8, r.9, r.10, r.11];
        let mut fields = PersonFields {
            gender: r.12.as_deref().map(str::parse).transpose()?,
            nationality: r.13,
            mailing_state: r.14,
            mailing_country: r.15,
            ..PersonFields::default()
        };
        for (i, (col, blob)) in PersonFields::SEALED.iter().zip(blobs).enumerate() {
            let value = match blob {
                Some(b) => Some(self.keys.open_text("person", col, id, &b)?),
                None => None,
            };
            fields.set_sealed(i, value);
        }
        Ok(PersonView {
            id: id.to_owned(),
            victim_status: r.0.parse()?,
            fields,
            organisation_id,
            created_at: r.1,
        })
    }

    /// Reads a person's identifying fields; audited, open to the roles that work with persons.
    pub async fn get_person(
        &self,
        actor: &Actor,
        id: &str,
        purpose: Purpose,
    ) -> Result<PersonView, RegistryError> {
        let allowed = actor.role.may_read_identity();
        // A refusal is audited like a read: who tried to see whom, and why.
        let view = if allowed {
            Some(self.load_person(id).await?)
        } else {
            None
        };
        audit::append_alone(
            &self.pool,
            actor,
            &AuditEvent {
                action: "person.read",
                object: id,
                purpose: purpose.as_str(),
                fields: &PersonFields::SEALED,
                outcome: if allowed {
                    Outcome::Ok
                } else {
                    Outcome::Denied
                },
            },
        )
        .await?;
        view.ok_or_else(|| RegistryError::Forbidden {
            what: format!("person {id}"),
            role: actor.role.to_string(),
        })
    }

    /// Exact lookup through the blind index; returns person ids. For names, both the full name
    /// and the second name alone are tried. Audited (the searched value is not recorded).
    pub async fn find_persons(
        &self,
        actor: &Actor,
        field: IndexField,
        value: &str,
    ) -> Result<Vec<String>, RegistryError> {
        if !actor.role.may_read_identity() {
            return Err(RegistryError::Forbidden {
                what: "person.search".into(),
                role: actor.role.to_string(),
            });
        }
        let fields: &[IndexField] = match field {
            IndexField::Name | IndexField::SecondName => {
                &[IndexField::Name, IndexField::SecondName]
            }
            other => match other {
                IndexField::Birthdate => &[IndexField::Birthdate],
                _ => &[IndexField::Phone],
            },
        };
        let mut ids = self.lookup_tokens(fields, value).await?;
        ids.sort();
        ids.dedup();
        audit::append_alone(
            &self.pool,
            actor,
            &AuditEvent {
                action: "person.search",
                object: "person_index",
                purpose: "care",
                fields: &[field.as_str()],
                outcome: Outcome::Ok,
            },
        )
        .await?;
        Ok(ids)
    }

    /// The blind-index lookup alone (no audit): used by [`Registry::find_persons`] and benches.
    pub async fn lookup_tokens(
        &self,
        fields: &[IndexField],
        value: &str,
    ) -> Result<Vec<String>, RegistryError> {
        let mut ids = Vec::new();
        // During a blind-index rotation a person's tokens are made with the new key or, not yet
        // reached, with the old one: both are probed (one B-tree probe each).
        for (_, key) in self.keys.lookup_index_keys() {
            for f in fields {
                let Some(token) = blind::token(key, *f, value) else {
                    continue;
                };
                let rows: Vec<(String,)> = on_pool!(&self.pool, p => sqlx::query_as("SELECT person_id FROM person_index WHERE field = $1 AND token = $2")
                    .bind(f.as_str()).bind(token).fetch_all(p).await?);
                ids.extend(rows.into_iter().map(|r| r.0));
            }
        }
        Ok(ids)
    }

    /// Opens a case in `tx`.
    pub async fn insert_case_tx(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        case: &NewCase,
    ) -> Result<String, RegistryError> {
        let id = random_id("cas")?;
        let details = match &case.vulnerability_details {
            Some(d) => {
                Some(
                    self.keys
                        .seal("case_file", "vulnerability_details", &id, d.as_bytes())?,
                )
            }
            None => None,
        };
        let vulns = serde_json::to_string(&case.vulnerabilities)
            .map_err(|e| db_err("vulnerabilities", e.to_string()))?;
        let status = case.status.unwrap_or(CaseStatus::Active);
        let closed_at = matches!(status, CaseStatus::Closed | CaseStatus::ClosedReferred).then(now);
        const INSERT: &str = "INSERT INTO case_file (id, person_id, status, lead_organisation_id, worker_id, key_version, vulnerabilities, vulnerability_details, referring_organisation, incoming_referral_date, reason_for_incoming_referral, reason_for_closure, opened_at, closed_at) \
                              VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)";
        on_tx!(&mut *tx, c => sqlx::query(INSERT)
            .bind(&id).bind(&case.person_id).bind(status.as_str()).bind(&case.lead_organisation_id).bind(case.worker_id.as_deref())
            .bind(i64::from(self.keys.active_version())).bind(&vulns).bind(details)
            .bind(case.referring_organisation.as_deref()).bind(case.incoming_referral_date.as_deref())
            .bind(case.reason_for_incoming_referral.as_deref()).bind(case.reason_for_closure.as_deref())
            .bind(now()).bind(closed_at).execute(&mut *c).await.map(|_| ())?);
        audit::append(
            tx,
            actor,
            &AuditEvent {
                action: "case.create",
                object: &id,
                purpose: "care",
                fields: &[
                    "person_id",
                    "status",
                    "vulnerabilities",
                    "vulnerability_details",
                ],
                outcome: Outcome::Ok,
            },
        )
        .await?;
        Ok(id)
    }

    pub async fn open_case(&self, actor: &Actor, case: &NewCase) -> Result<String, RegistryError> {
        let mut tx = self.begin().await?;
        let id = self.insert_case_tx(&mut tx, actor, case).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn set_case_status(
        &self,
        actor: &Actor,
        case_id: &str,
        status: CaseStatus,
        reason: Option<&str>,
    ) -> Result<(), RegistryError> {
        let closed_at = matches!(status, CaseStatus::Closed | CaseStatus::ClosedReferred).then(now);
        let mut tx = self.begin().await?;
        let done = on_tx!(&mut tx, c => sqlx::query("UPDATE case_file SET status = $1, closed_at = $2, reason_for_closure = COALESCE($3, reason_for_closure) WHERE id = $4")
            .bind(status.as_str()).bind(closed_at).bind(reason).bind(case_id).execute(&mut *c).await?.rows_affected());
        if done == 0 {
            return Err(RegistryError::NotFound {
                what: format!("case {case_id}"),
            });
        }
        audit::append(
            &mut tx,
            actor,
            &AuditEvent {
                action: "case.status",
                object: case_id,
                purpose: "care",
                fields: &["status", "closed_at", "reason_for_closure"],
                outcome: Outcome::Ok,
            },
        )
        .await?;
        tx.commit().await
    }

    pub async fn insert_event_tx(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        case_id: &str,
        event: &NewEvent,
    ) -> Result<String, RegistryError> {
        let id = random_id("evt")?;
        let kind = event.kind.ok_or_else(|| db_err("event kind", "missing"))?;
        let means =
            serde_json::to_string(&event.means).map_err(|e| db_err("means", e.to_string()))?;
        on_tx!(&mut *tx, c => sqlx::query("INSERT INTO event (id, case_id, kind, place_country, place_city, occurred_on, means, form, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
            .bind(&id).bind(case_id).bind(kind.as_str()).bind(event.place_country.as_deref()).bind(event.place_city.as_deref())
            .bind(event.occurred_on.as_deref()).bind(&means).bind(event.form.as_deref()).bind(event.detail.as_deref()).execute(&mut *c).await.map(|_| ())?);
        audit::append(
            tx,
            actor,
            &AuditEvent {
                action: "event.create",
                object: &id,
                purpose: "care",
                fields: &[
                    "kind",
                    "place_country",
                    "place_city",
                    "occurred_on",
                    "means",
                    "form",
                    "detail",
                ],
                outcome: Outcome::Ok,
            },
        )
        .await?;
        Ok(id)
    }

    pub async fn cases_of(&self, person_id: &str) -> Result<Vec<CaseView>, RegistryError> {
        const SQL: &str = concat!(
            case_select!(),
            " WHERE person_id = $1 ORDER BY opened_at, id"
        );
        let rows: Vec<CaseRow> =
            on_pool!(&self.pool, p => sqlx::query_as(SQL).bind(person_id).fetch_all(p).await?);
        rows.into_iter().map(|r| self.case_of_row(r)).collect()
    }

    /// The stored row of one case (not decrypted yet: the caller checks access first).
    pub(crate) async fn case_row(&self, case_id: &str) -> Result<Option<CaseRow>, RegistryError> {
        Ok(
            on_pool!(&self.pool, p => sqlx::query_as(CASE_BY_ID_SQL).bind(case_id).fetch_optional(p).await?),
        )
    }

    /// A case as read by [`case_select!`], its details opened.
    pub(crate) fn case_of_row(&self, r: CaseRow) -> Result<CaseView, RegistryError> {
        let details = match r.5 {
            Some(b) => Some(
                self.keys
                    .open_text("case_file", "vulnerability_details", &r.0, &b)?,
            ),
            None => None,
        };
        Ok(CaseView {
            status: r.1.parse()?,
            vulnerabilities: serde_json::from_str(&r.4)
                .map_err(|e| db_err(&format!("case {} vulnerabilities", r.0), e.to_string()))?,
            id: r.0,
            person_id: r.12,
            lead_organisation_id: r.2,
            worker_id: r.3,
            vulnerability_details: details,
            referring_organisation: r.6,
            incoming_referral_date: r.7,
            reason_for_incoming_referral: r.8,
            reason_for_closure: r.9,
            opened_at: r.10,
            closed_at: r.11,
        })
    }

    pub async fn events_of(&self, case_id: &str) -> Result<Vec<NewEvent>, RegistryError> {
        let rows: Vec<EventRow> = on_pool!(&self.pool, p => sqlx::query_as(case_file_sql::EVENTS)
            .bind(case_id).fetch_all(p).await?);
        rows.into_iter().map(event_of_row).collect()
    }

    /// Records a consent and its history entry.
    pub async fn record_consent(
        &self,
        actor: &Actor,
        consent: &NewConsent,
    ) -> Result<String, RegistryError> {
        let mut tx = self.begin().await?;
        let id = self.insert_consent_tx(&mut tx, actor, consent).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Records a consent and its history entry in `tx`.
    pub async fn insert_consent_tx(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        consent: &NewConsent,
    ) -> Result<String, RegistryError> {
        if consent.categories.is_empty() {
            return Err(db_err("consent categories", "at least one"));
        }
        if consent.purpose == Purpose::Referral && consent.recipient_organisation_id.is_none() {
            return Err(db_err(
                "consent",
                "a referral consent names the receiving organisation",
            ));
        }
        let given_at = consent.given_at.clone().unwrap_or_else(now);
        parse_time(&given_at, "consent given_at")?;
        if let Some(e) = &consent.expires_at {
            parse_time(e, "consent expires_at")?;
        }
        let id = random_id("cns")?;
        let categories = serde_json::to_string(&consent.categories)
            .map_err(|e| db_err("categories", e.to_string()))?;
        on_tx!(&mut *tx, c => {
            sqlx::query("INSERT INTO consent (id, person_id, purpose, recipient_organisation_id, categories, giver, given_at, expires_at, withdrawn_at, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, $9)")
                .bind(&id).bind(&consent.person_id).bind(consent.purpose.as_str()).bind(consent.recipient_organisation_id.as_deref())
                .bind(&categories).bind(consent.giver.as_str()).bind(&given_at).bind(consent.expires_at.as_deref()).bind(&actor.user_id)
                .execute(&mut *c).await?;
            sqlx::query("INSERT INTO consent_history (consent_id, at, change, actor_id, detail) VALUES ($1, $2, 'given', $3, $4)")
                .bind(&id).bind(now()).bind(&actor.user_id).bind(serde_json::json!({"giver": consent.giver.as_str(), "given_at": given_at, "expires_at": consent.expires_at}).to_string())
                .execute(&mut *c).await?;
        });
        audit::append(
            tx,
            actor,
            &AuditEvent {
                action: "consent.give",
                object: &id,
                purpose: consent.purpose.as_str(),
                fields: &["purpose", "categories", "giver", "given_at", "expires_at"],
                outcome: Outcome::Ok,
            },
        )
        .await?;
        Ok(id)
    }

    pub async fn withdraw_consent(
        &self,
        actor: &Actor,
        consent_id: &str,
    ) -> Result<(), RegistryError> {
        let at = now();
        let mut tx = self.begin().await?;
        let n = on_tx!(&mut tx, c => {
            let n = sqlx::query("UPDATE consent SET withdrawn_at = $1 WHERE id = $2 AND withdrawn_at IS NULL").bind(&at).bind(consent_id).execute(&mut *c).await?.rows_affected();
            if n > 0 {
                sqlx::query("INSERT INTO consent_history (consent_id, at, change, actor_id, detail) VALUES ($1, $2, 'withdrawn', $3, '{}')")
                    .bind(consent_id).bind(&at).bind(&actor.user_id).execute(&mut *c).await?;
            }
            n
        });
        if n == 0 {
            return Err(RegistryError::NotFound {
                what: format!("consent {consent_id} (in force)"),
            });
        }
        audit::append(
            &mut tx,
            actor,
            &AuditEvent {
                action: "consent.withdraw",
                object: consent_id,
                purpose: "care",
                fields: &["withdrawn_at"],
                outcome: Outcome::Ok,
            },
        )
        .await?;
        tx.commit().await
    }

    /// The consent history of one consent: (at, change, actor id).
    pub async fn consent_history(
        &self,
        consent_id: &str,
    ) -> Result<Vec<(String, String, String)>, RegistryError> {
        Ok(
            on_pool!(&self.pool, p => sqlx::query_as("SELECT at, change, actor_id FROM consent_history WHERE consent_id = $1 ORDER BY at")
            .bind(consent_id).fetch_all(p).await?),
        )
    }

    pub async fn consents_of(&self, person_id: &str) -> Result<Vec<Consent>, RegistryError> {
        let rows: Vec<ConsentRow> = on_pool!(&self.pool, p => sqlx::query_as(case_file_sql::CONSENTS)
            .bind(person_id).fetch_all(p).await?);
        rows.into_iter().map(consent_of_row).collect()
    }

    /// Decides a share of one person and audits the decision (refusals too). Returns the decision;
    /// the caller hands data over only when it is allowed.
    pub async fn check_share(
        &self,
        actor: &Actor,
        person_id: &str,
        purpose: Purpose,
        recipient_organisation_id: Option<&str>,
        categories: &[DataCategory],
        legal_basis: Option<&LegalBasis>,
    ) -> Result<Decision, RegistryError> {
        let consents = self.consents_of(person_id).await?;
        self.decide_share(
            actor,
            person_id,
            purpose,
            recipient_organisation_id,
            categories,
            legal_basis,
            &consents,
        )
        .await
    }

    /// [`Registry::check_share`] on consents already read (the case file reads them with the
    /// rest of the case).
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn decide_share(
        &self,
        actor: &Actor,
        person_id: &str,
        purpose: Purpose,
        recipient_organisation_id: Option<&str>,
        categories: &[DataCategory],
        legal_basis: Option<&LegalBasis>,
        consents: &[Consent],
    ) -> Result<Decision, RegistryError> {
        let request = ShareRequest {
            purpose,
            recipient_organisation_id,
            categories,
            role: actor.role,
            legal_basis,
            now: time::OffsetDateTime::now_utc(),
        };
        let decision = consent::decide(&request, consents);
        let names: Vec<&str> = categories.iter().map(|c| c.as_str()).collect();
        let action = match &decision {
            Decision::AllowedByLegalBasis { .. } => "share.legal_basis",
            _ => "share",
        };
        let object = match recipient_organisation_id {
            Some(r) => format!("{person_id}->{r}"),
            None => person_id.to_owned(),
        };
        let outcome = if decision.is_allowed() {
            Outcome::Ok
        } else {
            Outcome::Denied
        };
        self.audit_read(
            actor,
            &[AuditEvent {
                action,
                object: &object,
                purpose: purpose.as_str(),
                fields: &names,
                outcome,
            }],
        )
        .await?;
        Ok(decision)
    }

    /// Shares one person (identity and cases) for a purpose: refused (and the refusal audited)
    /// unless consent or an allowed legal basis covers it.
    pub async fn share_person(
        &self,
        actor: &Actor,
        person_id: &str,
        purpose: Purpose,
        recipient_organisation_id: Option<&str>,
        legal_basis: Option<&LegalBasis>,
    ) -> Result<SharedPerson, RegistryError> {
        let categories = [DataCategory::Identity, DataCategory::Case];
        let decision = self
            .check_share(
                actor,
                person_id,
                purpose,
                recipient_organisation_id,
                &categories,
                legal_basis,
            )
            .await?;
        if let Decision::Refused { reason } = &decision {
            return Err(RegistryError::Refused {
                what: format!("share of {person_id}"),
                reason: format!("{reason:?}"),
            });
        }
        let person = self.load_person(person_id).await?;
        let cases = self.cases_of(person_id).await?;
        Ok(SharedPerson {
            person,
            cases,
            decision,
        })
    }

    /// Loads a person without role check or audit, for callers that decided and audited already.
    pub(crate) async fn load_person_decided(&self, id: &str) -> Result<PersonView, RegistryError> {
        self.load_person(id).await
    }

    /// Every person id, oldest first.
    pub async fn person_ids(&self) -> Result<Vec<String>, RegistryError> {
        let rows: Vec<(String,)> = on_pool!(&self.pool, p => sqlx::query_as("SELECT id FROM person ORDER BY created_at, id").fetch_all(p).await?);
        Ok(rows.into_iter().map(|r| r.0).collect())
    }
}

/// ISO 3166-1 alpha-2 shape: two ASCII capitals.
pub fn check_country(code: &str, what: &str) -> Result<(), RegistryError> {
    if code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(())
    } else {
        Err(db_err(
            what,
            format!("{code:?} is not an ISO 3166-1 alpha-2 code (two capitals)"),
        ))
    }
}
