//! Sign-in state of professionals for the web application: lock-out after failed logins, the
//! session generation ("log out everywhere"), the sealed TOTP secret and the interface language,
//! and the admin's password and second-factor resets. Every change is audited; the audit names
//! users by id only.

use crate::audit::{self, Actor, AuditEvent, Outcome};
use crate::db::{format_time, now, now_utc, on_pool, on_tx, parse_time};
use crate::model::Role;
use crate::{Registry, RegistryError, password};
use serde::Serialize;
use std::sync::OnceLock;

/// Failed logins in a row that lock an account.
pub const MAX_FAILED_LOGINS: i64 = 5;
/// How long a locked account stays locked.
pub const LOCK_MINUTES: i64 = 15;

/// The web state of one user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebAccount {
    pub user_id: String,
    pub session_generation: i64,
    pub totp_enrolled: bool,
    pub language: String,
    pub locked: bool,
}

/// A professional as an admin sees them (no password hash, no secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserSummary {
    pub id: String,
    pub username: String,
    pub organisation_id: String,
    pub role: Role,
    pub active: bool,
}

/// A bearer token of the JSON API, as listed to its owner (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiTokenInfo {
    pub id: String,
    pub name: String,
    pub scope: String,
    pub created_at: String,
    pub revoked: bool,
    /// When the token stops working (RFC 3339 UTC).
    pub expires_at: String,
    /// Whether that time has passed.
    pub expired: bool,
}

/// Validity of a new API token when none is asked for, in days.
pub const API_TOKEN_DEFAULT_DAYS: u32 = 90;
/// Longest validity of an API token, in days: a leaked script token must not work for ever.
pub const API_TOKEN_MAX_DAYS: u32 = 365;

/// Whether a stored expiry has passed; an unreadable one counts as passed (a token is refused
/// rather than trusted on a value nobody can read).
fn token_expired(expires_at: &str, now: time::OffsetDateTime) -> bool {
    parse_time(expires_at, "expires_at").map_or(true, |t| t <= now)
}

fn token_hash(token: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A PHC string of a password nobody has: verifying against it costs what a real check costs, so
/// an unknown user is not told apart by timing.
fn dummy_hash() -> Option<&'static str> {
    static DUMMY: OnceLock<Option<String>> = OnceLock::new();
    DUMMY
        .get_or_init(|| password::hash_password("cairn-timing-equaliser-not-a-password").ok())
        .as_deref()
}

fn refused() -> RegistryError {
    RegistryError::Refused {
        what: "login".into(),
        reason: "unknown user or wrong password".into(),
    }
}

fn forbidden(what: &str, actor: &Actor) -> RegistryError {
    RegistryError::Forbidden {
        what: what.into(),
        role: actor.role.to_string(),
    }
}

/// The user and session generation of a web request, in one read (both read paths use it).
pub(crate) const SESSION_ACTOR_SQL: &str = "SELECT u.username, u.organisation_id, u.role, u.active, w.session_generation FROM app_user u \
     LEFT JOIN web_account w ON w.user_id = u.id WHERE u.id = $1";

/// A row of [`SESSION_ACTOR_SQL`].
pub(crate) type SessionActorRow = (String, String, String, i64, Option<i64>);

/// The actor and generation of a [`SESSION_ACTOR_SQL`] row: None for an unknown or deactivated
/// user.
fn actor_of_row(
    user_id: &str,
    row: Option<SessionActorRow>,
) -> Result<Option<(Actor, i64)>, RegistryError> {
    match row {
        Some((username, organisation_id, role, active, generation)) if active != 0 => Ok(Some((
            Actor {
                user_id: user_id.to_owned(),
                username,
                organisation_id,
                role: role.parse()?,
            },
            generation.unwrap_or(0),
        ))),
        _ => Ok(None),
    }
}

/// A stored web session and, when read with it, its user: see
/// [`Registry::web_session_load_with_user`].
#[derive(Debug, Clone)]
pub struct LoadedWebSession {
    pub stored: cairn_store::web_session::StoredSession,
    /// The session's user id and that user's actor and generation (None: unknown or deactivated).
    pub user: Option<(String, Option<(Actor, i64)>)>,
}

impl Registry {
    async fn ensure_web_account(&self, user_id: &str) -> Result<(), RegistryError> {
        on_pool!(self.pool(), p => sqlx::query("INSERT INTO web_account (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING")
            .bind(user_id).execute(p).await.map(|_| ())?);
        Ok(())
    }

    /// A user by id, as an actor (None when unknown or deactivated).
    pub async fn user_actor(&self, user_id: &str) -> Result<Option<Actor>, RegistryError> {
        let row: Option<(String, String, String, i64)> = on_pool!(self.pool(), p => sqlx::query_as(
            "SELECT username, organisation_id, role, active FROM app_user WHERE id = $1").bind(user_id).fetch_optional(p).await?);
        match row {
            Some((username, organisation_id, role, active)) if active != 0 => Ok(Some(Actor {
                user_id: user_id.to_owned(),
                username,
                organisation_id,
                role: role.parse()?,
            })),
            _ => Ok(None),
        }
    }

    /// The web session stored under `key` (SHA-256 of its id) if not expired at `now` (Unix
    /// seconds): read on every web request, through the rusqlite path when it is on.
    pub async fn web_session_load(
        &self,
        key: &str,
        now: i64,
    ) -> Result<Option<cairn_store::web_session::StoredSession>, RegistryError> {
        match self.sqlite_reader() {
            Some(reader) => {
                Ok(reader
                    .web_session_row(key, now)
                    .await?
                    .map(
                        |(data, expires_at)| cairn_store::web_session::StoredSession {
                            data,
                            expires_at,
                        },
                    ))
            }
            None => Ok(self.pool().web_session_load(key, now).await?),
        }
    }

    /// [`Registry::web_session_load`] with the session's user (its `user_id` column) and that
    /// user's actor and generation as [`Registry::session_actor`] gives them, read in the same
    /// snapshot: one read instead of two for every signed-in request on the rusqlite path. On the
    /// sqlx path `user` is None (the caller reads the user itself).
    pub async fn web_session_load_with_user(
        &self,
        key: &str,
        now: i64,
    ) -> Result<Option<LoadedWebSession>, RegistryError> {
        match self.sqlite_reader() {
            Some(reader) => match reader.web_session_with_user(key, now).await? {
                Some((data, expires_at, user)) => Ok(Some(LoadedWebSession {
                    stored: cairn_store::web_session::StoredSession { data, expires_at },
                    user: match user {
                        Some((user_id, row)) => {
                            let actor = actor_of_row(&user_id, row)?;
                            Some((user_id, actor))
                        }
                        None => None,
                    },
                })),
                None => Ok(None),
            },
            None => Ok(self
                .pool()
                .web_session_load(key, now)
                .await?
                .map(|stored| LoadedWebSession { stored, user: None })),
        }
    }

    /// The actor and session generation of a user in one read (every web request checks both):
    /// None when the user is unknown or deactivated. Generation 0 when the web state is not
    /// created yet, as [`Registry::web_account`] would create it.
    pub async fn session_actor(
        &self,
        user_id: &str,
    ) -> Result<Option<(Actor, i64)>, RegistryError> {
        let row: Option<SessionActorRow> = match self.sqlite_reader() {
            Some(reader) => reader.session_actor_row(user_id).await?,
            None => on_pool!(self.pool(), p => sqlx::query_as(SESSION_ACTOR_SQL)
                .bind(user_id).fetch_optional(p).await?),
        };
        actor_of_row(user_id, row)
    }

    /// Checks a password with lock-out: after [`MAX_FAILED_LOGINS`] failures in a row the account
    /// is locked for [`LOCK_MINUTES`]. Unknown user, wrong password, locked or deactivated account
    /// all give the same `Refused` error after the same amount of hashing work.
    pub async fn web_login(&self, username: &str, password: &str) -> Result<Actor, RegistryError> {
        let row: Option<(String,)> = on_pool!(self.pool(), p => sqlx::query_as("SELECT id FROM app_user WHERE username = $1")
            .bind(username).fetch_optional(p).await?);
        let Some((user_id,)) = row else {
            if let Some(h) = dummy_hash() {
                let _ = password::verify_password(password, h);
            }
            // Audits the attempt on an unknown user and refuses.
            return self.authenticate(username, password).await;
        };
        self.ensure_web_account(&user_id).await?;
        let (locked_until,): (Option<String>,) = on_pool!(self.pool(), p => sqlx::query_as("SELECT locked_until FROM web_account WHERE user_id = $1")
            .bind(&user_id).fetch_one(p).await?);
        let now_t = time::OffsetDateTime::now_utc();
        if let Some(until) = locked_until
            && parse_time(&until, "web_account.locked_until")? > now_t
        {
            if let Some(h) = dummy_hash() {
                let _ = password::verify_password(password, h);
            }
            let actor = self.user_actor(&user_id).await?;
            let sys = crate::system_actor();
            audit::append_alone(
                self.pool(),
                actor.as_ref().unwrap_or(&sys),
                &AuditEvent {
                    action: "login.locked",
                    object: &user_id,
                    purpose: "authentication",
                    fields: &[],
                    outcome: Outcome::Denied,
                },
            )
            .await?;
            return Err(refused());
        }
        match self.authenticate(username, password).await {
            Ok(actor) => {
                on_pool!(self.pool(), p => sqlx::query("UPDATE web_account SET failed_logins = 0, locked_until = NULL WHERE user_id = $1")
                    .bind(&user_id).execute(p).await.map(|_| ())?);
                Ok(actor)
            }
            Err(RegistryError::Refused { .. }) => {
                let (failed,): (i64,) = on_pool!(self.pool(), p => sqlx::query_as("UPDATE web_account SET failed_logins = failed_logins + 1 WHERE user_id = $1 RETURNING failed_logins")
                    .bind(&user_id).fetch_one(p).await?);
                if failed >= MAX_FAILED_LOGINS {
                    let until = (now_t + time::Duration::minutes(LOCK_MINUTES))
                        .format(&time::format_description::well_known::Rfc3339)
                        .map_err(|e| RegistryError::invalid("lock time", e.to_string()))?;
                    let mut tx = self.begin().await?;
                    on_tx!(&mut tx, c => sqlx::query("UPDATE web_account SET failed_logins = 0, locked_until = $1 WHERE user_id = $2")
                        .bind(&until).bind(&user_id).execute(&mut *c).await.map(|_| ())?);
                    audit::append(
                        &mut tx,
                        &crate::system_actor(),
                        &AuditEvent {
                            action: "account.lock",
                            object: &user_id,
                            purpose: "authentication",
                            fields: &["locked_until"],
                            outcome: Outcome::Ok,
                        },
                    )
                    .await?;
                    tx.commit().await?;
                }
                Err(refused())
            }
            Err(e) => Err(e),
        }
    }

    /// The web state of a user (created on first use). Read on every web request: a plain read
    /// unless the row is missing.
    pub async fn web_account(&self, user_id: &str) -> Result<WebAccount, RegistryError> {
        type Row = (i64, Option<Vec<u8>>, i64, String, Option<String>);
        const SELECT: &str = "SELECT session_generation, totp_secret, totp_confirmed, language, locked_until FROM web_account WHERE user_id = $1";
        let row: Option<Row> = on_pool!(self.pool(), p => sqlx::query_as(SELECT).bind(user_id).fetch_optional(p).await?);
        let row = match row {
            Some(r) => r,
            None => {
                self.ensure_web_account(user_id).await?;
                on_pool!(self.pool(), p => sqlx::query_as(SELECT).bind(user_id).fetch_one(p).await?)
            }
        };
        let (generation, secret, confirmed, language, locked_until) = row;
        let locked = match locked_until {
            Some(t) => {
                parse_time(&t, "web_account.locked_until")? > time::OffsetDateTime::now_utc()
            }
            None => false,
        };
        Ok(WebAccount {
            user_id: user_id.to_owned(),
            session_generation: generation,
            totp_enrolled: secret.is_some() && confirmed != 0,
            language,
            locked,
        })
    }

    /// The TOTP secret of a user and whether its enrolment was confirmed by a first valid code.
    pub async fn totp_secret(
        &self,
        user_id: &str,
    ) -> Result<Option<(Vec<u8>, bool)>, RegistryError> {
        self.ensure_web_account(user_id).await?;
        let (secret, confirmed): (Option<Vec<u8>>, i64) = on_pool!(self.pool(), p => sqlx::query_as(
            "SELECT totp_secret, totp_confirmed FROM web_account WHERE user_id = $1").bind(user_id).fetch_one(p).await?);
        match secret {
            Some(blob) => Ok(Some((
                self.keys()
                    .open("web_account", "totp_secret", user_id, &blob)?,
                confirmed != 0,
            ))),
            None => Ok(None),
        }
    }

    /// Stores a new TOTP secret for `user_id`, sealed; `confirmed` is false until the user has
    /// typed one valid code (enrolment), true when set up by an admin tool such as the demo.
    /// A user may set their own unconfirmed secret; only an admin or the system anyone's.
    pub async fn set_totp_secret(
        &self,
        actor: &Actor,
        user_id: &str,
        secret: &[u8],
        confirmed: bool,
    ) -> Result<(), RegistryError> {
        let own = actor.user_id == user_id;
        if !(matches!(actor.role, Role::Admin | Role::System) || own && !confirmed) {
            return Err(forbidden("totp.set", actor));
        }
        self.ensure_web_account(user_id).await?;
        let blob = self
            .keys()
            .seal("web_account", "totp_secret", user_id, secret)?;
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, c => sqlx::query("UPDATE web_account SET totp_secret = $1, totp_confirmed = $2, totp_last_step = 0 WHERE user_id = $3")
            .bind(blob).bind(i64::from(confirmed)).bind(user_id).execute(&mut *c).await.map(|_| ())?);
        audit::append(
            &mut tx,
            actor,
            &AuditEvent {
                action: "totp.set",
                object: user_id,
                purpose: "authentication",
                fields: &["totp_secret"],
                outcome: Outcome::Ok,
            },
        )
        .await?;
        tx.commit().await
    }

    /// Marks a TOTP step as used (a code works once): true when `step` is later than the last
    /// one used, and then confirms the enrolment.
    pub async fn use_totp_step(&self, user_id: &str, step: i64) -> Result<bool, RegistryError> {
        let n = on_pool!(self.pool(), p => sqlx::query("UPDATE web_account SET totp_last_step = $1, totp_confirmed = 1 WHERE user_id = $2 AND totp_last_step < $1")
            .bind(step).bind(user_id).execute(p).await?.rows_affected());
        Ok(n > 0)
    }

    /// Logs a user out everywhere: every session carrying the old generation stops working.
    /// A user may do it for themself, an admin for anyone.
    pub async fn bump_session_generation(
        &self,
        actor: &Actor,
        user_id: &str,
    ) -> Result<(), RegistryError> {
        if actor.user_id != user_id && !matches!(actor.role, Role::Admin | Role::System) {
            return Err(forbidden("session.revoke", actor));
        }
        self.ensure_web_account(user_id).await?;
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, c => sqlx::query("UPDATE web_account SET session_generation = session_generation + 1 WHERE user_id = $1")
            .bind(user_id).execute(&mut *c).await.map(|_| ())?);
        audit::append(
            &mut tx,
            actor,
            &AuditEvent {
                action: "session.revoke_all",
                object: user_id,
                purpose: "authentication",
                fields: &["session_generation"],
                outcome: Outcome::Ok,
            },
        )
        .await?;
        tx.commit().await
    }

    /// The interface language of the actor (`en` or `fr`).
    pub async fn set_language(&self, actor: &Actor, language: &str) -> Result<(), RegistryError> {
        if !matches!(language, "en" | "fr") {
            return Err(RegistryError::invalid("language", "en or fr"));
        }
        self.ensure_web_account(&actor.user_id).await?;
        on_pool!(self.pool(), p => sqlx::query("UPDATE web_account SET language = $1 WHERE user_id = $2")
            .bind(language).bind(&actor.user_id).execute(p).await.map(|_| ())?);
        Ok(())
    }

    /// An admin sets a new password for a user: the lock is lifted and every session of that user
    /// ends. Audited.
    pub async fn reset_password(
        &self,
        actor: &Actor,
        user_id: &str,
        new_password: &str,
    ) -> Result<(), RegistryError> {
        if !matches!(actor.role, Role::Admin | Role::System) {
            return Err(forbidden("user.password_reset", actor));
        }
        let hash = password::hash_password(new_password)?;
        self.ensure_web_account(user_id).await?;
        let mut tx = self.begin().await?;
        let n = on_tx!(&mut tx, c => {
            let n = sqlx::query("UPDATE app_user SET password_hash = $1 WHERE id = $2")
                .bind(&hash).bind(user_id).execute(&mut *c).await?.rows_affected();
            sqlx::query("UPDATE web_account SET failed_logins = 0, locked_until = NULL, session_generation = session_generation + 1 WHERE user_id = $1")
                .bind(user_id).execute(&mut *c).await?;
            n
        });
        if n == 0 {
            return Err(RegistryError::NotFound {
                what: format!("user {user_id}"),
            });
        }
        audit::append(
            &mut tx,
            actor,
            &AuditEvent {
                action: "user.password_reset",
                object: user_id,
                purpose: "administration",
                fields: &["password_hash", "locked_until", "session_generation"],
                outcome: Outcome::Ok,
            },
        )
        .await?;
        tx.commit().await
    }

    /// Every professional, for an admin.
    pub async fn users(&self, actor: &Actor) -> Result<Vec<UserSummary>, RegistryError> {
        if !matches!(actor.role, Role::Admin | Role::System) {
            return Err(forbidden("user.list", actor));
        }
        let rows: Vec<(String, String, String, String, i64)> = on_pool!(self.pool(), p => sqlx::query_as(
            "SELECT id, username, organisation_id, role, active FROM app_user ORDER BY username").fetch_all(p).await?);
        rows.into_iter()
            .map(|(id, username, organisation_id, role, active)| {
                Ok(UserSummary {
                    id,
                    username,
                    organisation_id,
                    role: role.parse()?,
                    active: active != 0,
                })
            })
            .collect()
    }

    /// Failed logins in a row of a user since their last success or lock.
    pub async fn failed_logins(&self, user_id: &str) -> Result<i64, RegistryError> {
        self.ensure_web_account(user_id).await?;
        let (n,): (i64,) = on_pool!(self.pool(), p => sqlx::query_as("SELECT failed_logins FROM web_account WHERE user_id = $1")
            .bind(user_id).fetch_one(p).await?);
        Ok(n)
    }

    /// Creates a bearer token for the actor's own scripts, valid for `valid_days` days (1 to
    /// [`API_TOKEN_MAX_DAYS`]); returns (id, token). The token is shown once: only its SHA-256
    /// is stored. `scope` is `read` or `write`.
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        name: &str,
        scope: &str,
        valid_days: u32,
    ) -> Result<(String, String), RegistryError> {
        if !matches!(scope, "read" | "write") {
            return Err(RegistryError::invalid("scope", "read or write"));
        }
        if !(1..=API_TOKEN_MAX_DAYS).contains(&valid_days) {
            return Err(RegistryError::invalid(
                "valid_days",
                format!("1 to {API_TOKEN_MAX_DAYS} days"),
            ));
        }
        let expires_at = format_time(now_utc() + time::Duration::days(i64::from(valid_days)));
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(RegistryError::invalid("name", "1 to 100 characters"));
        }
        let id = crate::crypto::random_id("tok")?;
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret)
            .map_err(|e| RegistryError::invalid("random", e.to_string()))?;
        let token = format!("cairn_{}", hex::encode(secret));
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, c => sqlx::query("INSERT INTO api_token (id, user_id, token_hash, name, scope, created_at, revoked_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, NULL, $7)")
            .bind(&id).bind(&actor.user_id).bind(token_hash(&token)).bind(name).bind(scope).bind(now()).bind(&expires_at)
            .execute(&mut *c).await.map(|_| ())?);
        audit::append(
            &mut tx,
            actor,
            &AuditEvent {
                action: "api_token.create",
                object: &id,
                purpose: "authentication",
                fields: &["token_hash", "scope", "expires_at"],
                outcome: Outcome::Ok,
            },
        )
        .await?;
        tx.commit().await?;
        Ok((id, token))
    }

    /// The actor's tokens, newest first.
    pub async fn api_tokens(&self, actor: &Actor) -> Result<Vec<ApiTokenInfo>, RegistryError> {
        let rows: Vec<(String, String, String, String, Option<String>, String)> = on_pool!(self.pool(), p => sqlx::query_as(
            "SELECT id, name, scope, created_at, revoked_at, expires_at FROM api_token WHERE user_id = $1 ORDER BY created_at DESC, id")
            .bind(&actor.user_id).fetch_all(p).await?);
        let now = now_utc();
        Ok(rows
            .into_iter()
            .map(
                |(id, name, scope, created_at, revoked, expires_at)| ApiTokenInfo {
                    id,
                    name,
                    scope,
                    created_at,
                    revoked: revoked.is_some(),
                    expired: token_expired(&expires_at, now),
                    expires_at,
                },
            )
            .collect())
    }

    /// Revokes one of the actor's tokens (an admin may revoke anyone's).
    pub async fn revoke_api_token(&self, actor: &Actor, id: &str) -> Result<(), RegistryError> {
        let admin = matches!(actor.role, Role::Admin | Role::System);
        let mut tx = self.begin().await?;
        let n = on_tx!(&mut tx, c => sqlx::query("UPDATE api_token SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL AND (user_id = $3 OR $4 = 1)")
            .bind(now()).bind(id).bind(&actor.user_id).bind(i64::from(admin)).execute(&mut *c).await?.rows_affected());
        if n == 0 {
            return Err(RegistryError::NotFound {
                what: format!("token {id} (in force)"),
            });
        }
        audit::append(
            &mut tx,
            actor,
            &AuditEvent {
                action: "api_token.revoke",
                object: id,
                purpose: "authentication",
                fields: &["revoked_at"],
                outcome: Outcome::Ok,
            },
        )
        .await?;
        tx.commit().await
    }

    /// The user a bearer token acts as and its scope; None when unknown, revoked, expired, or
    /// the user is deactivated.
    pub async fn actor_for_token(
        &self,
        token: &str,
    ) -> Result<Option<(Actor, String)>, RegistryError> {
        if !token.starts_with("cairn_") || token.len() > 100 {
            return Ok(None);
        }
        let row: Option<(String, String, String)> = on_pool!(self.pool(), p => sqlx::query_as(
            "SELECT user_id, scope, expires_at FROM api_token WHERE token_hash = $1 AND revoked_at IS NULL")
            .bind(token_hash(token)).fetch_optional(p).await?);
        match row {
            Some((user_id, scope, expires_at)) if !token_expired(&expires_at, now_utc()) => {
                Ok(self.user_actor(&user_id).await?.map(|a| (a, scope)))
            }
            _ => Ok(None),
        }
    }
}
