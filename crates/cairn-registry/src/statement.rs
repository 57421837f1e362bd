//! One recorded statement per case (an audio, video or text recording and its transcript, both
//! sealed), with an access list: others see that it exists and ask for access instead of
//! interviewing the child again; every view, allowed or denied, is audited. Notes on a case
//! (sealed) live here too.

use crate::audit::{self, Actor, AuditEvent, Outcome};
use crate::crypto::random_id;
use crate::db::{now, on_pool, on_tx};
use crate::model::Role;
use crate::{Registry, RegistryError};
use serde::{Deserialize, Serialize};

crate::model::vocabulary!(
    /// What the statement's recording is.
    MediaKind { Audio = "audio", Video = "video", Text = "text" }
);

/// Largest recording kept (sealed in the database, read whole in memory).
pub const MAX_ATTACHMENT_BYTES: usize = 256 * 1024 * 1024;

/// What anyone working with cases may see: that a statement exists, and when it was taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatementInfo {
    pub id: String,
    pub case_id: String,
    pub media_kind: MediaKind,
    pub recorded_by: String,
    pub recorded_at: String,
    /// Whether the asking user is on the access list.
    pub you_have_access: bool,
}

/// The statement itself, for those on its access list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementView {
    pub info: StatementInfo,
    pub transcript: Option<String>,
    #[serde(skip)]
    pub attachment: Option<Vec<u8>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccessRequest {
    pub id: String,
    pub statement_id: String,
    pub requester_id: String,
    pub reason: String,
    pub requested_at: String,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    pub id: String,
    pub case_id: String,
    pub author_id: String,
    pub body: String,
    pub created_at: String,
}

fn works_with_cases(role: Role) -> bool {
    matches!(
        role,
        Role::FirstResponder | Role::CaseWorker | Role::Coordinator
    )
}

fn forbidden(what: impl Into<String>, actor: &Actor) -> RegistryError {
    RegistryError::Forbidden {
        what: what.into(),
        role: actor.role.to_string(),
    }
}

impl Registry {
    /// Records the one statement of a case: the transcript and the recording are sealed; the
    /// recorder is put on the access list. A second statement for the same case is refused.
    pub async fn record_statement(
        &self,
        actor: &Actor,
        case_id: &str,
        media_kind: MediaKind,
        transcript: Option<&str>,
        attachment: Option<&[u8]>,
    ) -> Result<String, RegistryError> {
        if !works_with_cases(actor.role) {
            return Err(forbidden("statement.create", actor));
        }
        if attachment.is_some_and(|a| a.len() > MAX_ATTACHMENT_BYTES) {
            return Err(RegistryError::invalid(
                "statement recording",
                format!("larger than {MAX_ATTACHMENT_BYTES} bytes"),
            ));
        }
        let what = format!("statement of case {case_id}");
        let existing: Option<(String,)> = on_pool!(self.pool(), p => sqlx::query_as("SELECT id FROM statement WHERE case_id = $1").bind(case_id).fetch_optional(p).await?);
        if let Some((id,)) = existing {
            return Err(RegistryError::invalid(
                what,
                format!(
                    "the case has its statement already ({id}): ask for access instead of a new interview"
                ),
            ));
        }
        let id = random_id("stm")?;
        let keys = self.keys();
        let transcript = transcript
            .map(|t| keys.seal("statement", "transcript", &id, t.as_bytes()))
            .transpose()?;
        let content = attachment
            .map(|a| keys.seal("statement_attachment", "content", &id, a))
            .transpose()?;
        // The hash of the sealed bytes identifies the stored recording without revealing it.
        let digest = content.as_ref().map(|c| {
            use sha2::Digest;
            hex::encode(sha2::Sha256::digest(c))
        });
        let version = i64::from(keys.active_version());
        let at = now();
        let mut tx = self.begin().await?;
        let n = on_tx!(&mut tx, c => {
            let n = sqlx::query("INSERT INTO statement (id, case_id, media_kind, attachment_sha256, key_version, transcript, recorded_by, recorded_at) SELECT $1, id, $2, $3, $4, $5, $6, $7 FROM case_file WHERE id = $8")
                .bind(&id).bind(media_kind.as_str()).bind(&digest).bind(version).bind(transcript).bind(&actor.user_id).bind(&at).bind(case_id)
                .execute(&mut *c).await?.rows_affected();
            if n > 0 {
                if let Some(content) = content {
                    sqlx::query("INSERT INTO statement_attachment (statement_id, key_version, content) VALUES ($1, $2, $3)")
                        .bind(&id).bind(version).bind(content).execute(&mut *c).await?;
                }
                sqlx::query("INSERT INTO statement_access (statement_id, user_id, granted_by, granted_at) VALUES ($1, $2, $2, $3)")
                    .bind(&id).bind(&actor.user_id).bind(&at).execute(&mut *c).await?;
            }
            n
        });
        if n == 0 {
            return Err(RegistryError::NotFound {
                what: format!("case {case_id}"),
            });
        }
        audit::append(
            &mut tx,
            actor,
            &AuditEvent {
                action: "statement.create",
                object: &id,
                purpose: "care",
                fields: &["media_kind", "transcript", "attachment"],
                outcome: Outcome::Ok,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Whether a case has its statement, and whether the asking user may view it (audited).
    pub async fn statement_of_case(
        &self,
        actor: &Actor,
        case_id: &str,
    ) -> Result<Option<StatementInfo>, RegistryError> {
        if !works_with_cases(actor.role) {
            return Err(forbidden(format!("statement of case {case_id}"), actor));
        }
        type Row = (String, String, String, String, i64);
        let row: Option<Row> = on_pool!(self.pool(), p => sqlx::query_as("SELECT s.id, s.media_kind, s.recorded_by, s.recorded_at, (SELECT COUNT(*) FROM statement_access a WHERE a.statement_id = s.id AND a.user_id = $2) FROM statement s WHERE s.case_id = $1")
            .bind(case_id).bind(&actor.user_id).fetch_optional(p).await?);
        audit::append_alone(
            self.pool(),
            actor,
            &AuditEvent {
                action: "statement.exists",
                object: case_id,
                purpose: "care",
                fields: &["media_kind", "recorded_at"],
                outcome: Outcome::Ok,
            },
        )
        .await?;
        row.map(|r| {
            Ok(StatementInfo {
                id: r.0,
                case_id: case_id.to_owned(),
                media_kind: r.1.parse()?,
                recorded_by: r.2,
                recorded_at: r.3,
                you_have_access: r.4 > 0,
            })
        })
        .transpose()
    }

    /// Views a statement: only for users on its access list; every attempt audited.
    pub async fn view_statement(
        &self,
        actor: &Actor,
        statement_id: &str,
    ) -> Result<StatementView, RegistryError> {
        type Row = (String, String, String, String, Option<Vec<u8>>, i64);
        let row: Option<Row> = on_pool!(self.pool(), p => sqlx::query_as("SELECT s.case_id, s.media_kind, s.recorded_by, s.recorded_at, s.transcript, (SELECT COUNT(*) FROM statement_access a WHERE a.statement_id = s.id AND a.user_id = $2) FROM statement s WHERE s.id = $1")
            .bind(statement_id).bind(&actor.user_id).fetch_optional(p).await?);
        let Some(r) = row else {
            return Err(RegistryError::NotFound {
                what: format!("statement {statement_id}"),
            });
        };
        let allowed = r.5 > 0 && works_with_cases(actor.role);
        audit::append_alone(
            self.pool(),
            actor,
            &AuditEvent {
                action: "statement.view",
                object: statement_id,
                purpose: "care",
                fields: &["transcript", "attachment"],
                outcome: if allowed {
                    Outcome::Ok
                } else {
                    Outcome::Denied
                },
            },
        )
        .await?;
        if !allowed {
            return Err(forbidden(
                format!("statement {statement_id} (not on its access list: request access)"),
                actor,
            ));
        }
        let transcript =
            r.4.map(|b| {
                self.keys()
                    .open_text("statement", "transcript", statement_id, &b)
            })
            .transpose()?;
        let att: Option<(Vec<u8>,)> = on_pool!(self.pool(), p => sqlx::query_as("SELECT content FROM statement_attachment WHERE statement_id = $1").bind(statement_id).fetch_optional(p).await?);
        let attachment = att
            .map(|(b,)| {
                self.keys()
                    .open("statement_attachment", "content", statement_id, &b)
            })
            .transpose()?;
        Ok(StatementView {
            info: StatementInfo {
                id: statement_id.to_owned(),
                case_id: r.0,
                media_kind: r.1.parse()?,
                recorded_by: r.2,
                recorded_at: r.3,
                you_have_access: true,
            },
            transcript,
            attachment,
        })
    }

    /// Asks for access to a statement, with a professional reason. Audited.
    pub async fn request_statement_access(
        &self,
        actor: &Actor,
        statement_id: &str,
        reason: &str,
    ) -> Result<String, RegistryError> {
        if !works_with_cases(actor.role) {
            return Err(forbidden("statement.request_access", actor));
        }
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(RegistryError::invalid(
                "access request",
                "a reason is required",
            ));
        }
        let id = random_id("sar")?;
        let mut tx = self.begin().await?;
        let n = on_tx!(&mut tx, c => sqlx::query("INSERT INTO statement_access_request (id, statement_id, requester_id, reason, requested_at, status) SELECT $1, id, $2, $3, $4, 'pending' FROM statement WHERE id = $5")
            .bind(&id).bind(&actor.user_id).bind(reason).bind(now()).bind(statement_id).execute(&mut *c).await?.rows_affected());
        if n == 0 {
            return Err(RegistryError::NotFound {
                what: format!("statement {statement_id}"),
            });
        }
        audit::append(
            &mut tx,
            actor,
            &AuditEvent {
                action: "statement.request_access",
                object: &id,
                purpose: "care",
                fields: &["statement_id", "reason"],
                outcome: Outcome::Ok,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Pending access requests of the statements the actor has access to.
    pub async fn pending_access_requests(
        &self,
        actor: &Actor,
    ) -> Result<Vec<AccessRequest>, RegistryError> {
        let rows: Vec<(String, String, String, String, String, String)> = on_pool!(self.pool(), p => sqlx::query_as(
            "SELECT r.id, r.statement_id, r.requester_id, r.reason, r.requested_at, r.status FROM statement_access_request r \
             JOIN statement_access a ON a.statement_id = r.statement_id AND a.user_id = $1 WHERE r.status = 'pending' ORDER BY r.requested_at, r.id")
            .bind(&actor.user_id).fetch_all(p).await?);
        Ok(rows
            .into_iter()
            .map(|r| AccessRequest {
                id: r.0,
                statement_id: r.1,
                requester_id: r.2,
                reason: r.3,
                requested_at: r.4,
                status: r.5,
            })
            .collect())
    }

    /// Grants or refuses an access request: only a case worker or coordinator who has access.
    /// Audited, refusals of the decision too.
    pub async fn decide_access_request(
        &self,
        actor: &Actor,
        request_id: &str,
        grant: bool,
    ) -> Result<(), RegistryError> {
        let what = format!("access request {request_id}");
        let row: Option<(String, String, String, i64)> = on_pool!(self.pool(), p => sqlx::query_as("SELECT r.statement_id, r.requester_id, r.status, (SELECT COUNT(*) FROM statement_access a WHERE a.statement_id = r.statement_id AND a.user_id = $2) FROM statement_access_request r WHERE r.id = $1")
            .bind(request_id).bind(&actor.user_id).fetch_optional(p).await?);
        let Some((statement_id, requester, status, has_access)) = row else {
            return Err(RegistryError::NotFound { what });
        };
        let action = if grant {
            "statement.grant"
        } else {
            "statement.refuse"
        };
        if has_access == 0 || !matches!(actor.role, Role::CaseWorker | Role::Coordinator) {
            audit::append_alone(
                self.pool(),
                actor,
                &AuditEvent {
                    action,
                    object: request_id,
                    purpose: "care",
                    fields: &[],
                    outcome: Outcome::Denied,
                },
            )
            .await?;
            return Err(forbidden(what, actor));
        }
        if status != "pending" {
            return Err(RegistryError::invalid(what, format!("already {status}")));
        }
        let at = now();
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, c => {
            let n = sqlx::query("UPDATE statement_access_request SET status = $1, decided_by = $2, decided_at = $3 WHERE id = $4 AND status = 'pending'")
                .bind(if grant { "granted" } else { "refused" }).bind(&actor.user_id).bind(&at).bind(request_id).execute(&mut *c).await?.rows_affected();
            if n == 0 {
                return Err(RegistryError::invalid(what, "decided meanwhile; reload"));
            }
            if grant {
                sqlx::query("INSERT INTO statement_access (statement_id, user_id, granted_by, granted_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
                    .bind(&statement_id).bind(&requester).bind(&actor.user_id).bind(&at).execute(&mut *c).await?;
            }
        });
        audit::append(
            &mut tx,
            actor,
            &AuditEvent {
                action,
                object: request_id,
                purpose: "care",
                fields: &["statement_access"],
                outcome: Outcome::Ok,
            },
        )
        .await?;
        tx.commit().await
    }

    // `add_note` (scoped to the cases the actor's organisation may write) is in `access.rs`.

    /// The notes of a case, oldest first; the read is audited.
    pub async fn notes_of(&self, actor: &Actor, case_id: &str) -> Result<Vec<Note>, RegistryError> {
        let allowed = works_with_cases(actor.role);
        audit::append_alone(
            self.pool(),
            actor,
            &AuditEvent {
                action: "note.read",
                object: case_id,
                purpose: "care",
                fields: &["body"],
                outcome: if allowed {
                    Outcome::Ok
                } else {
                    Outcome::Denied
                },
            },
        )
        .await?;
        if !allowed {
            return Err(forbidden(format!("notes of case {case_id}"), actor));
        }
        // Only the lead organisation and those a consented referral shares the case with.
        self.case_access(actor, case_id).await?;
        let rows: Vec<(String, String, Vec<u8>, String)> = on_pool!(self.pool(), p => sqlx::query_as("SELECT id, author_id, body, created_at FROM note WHERE case_id = $1 ORDER BY created_at, id")
            .bind(case_id).fetch_all(p).await?);
        rows.into_iter()
            .map(|r| {
                Ok(Note {
                    body: self.keys().open_text("note", "body", &r.0, &r.2)?,
                    id: r.0,
                    case_id: case_id.to_owned(),
                    author_id: r.1,
                    created_at: r.3,
                })
            })
            .collect()
    }
}
