//! Data-key rotation: a new data key version becomes active, then every sealed field is opened
//! with its old key and sealed again with the new one, batch by batch, each batch in its own
//! transaction with its audit entry. Each row carries its key version, so an interrupted rotation
//! resumes where it stopped: a re-run re-seals the rows still under an older version (including
//! rows written meanwhile by a process that still held the old key ring).

use crate::audit::{self, Actor, AuditEvent, Outcome};
use crate::crypto::{MasterKey, SecretKey};
use crate::db::{now, on_pool, on_tx};
use crate::model::Role;
use crate::{Registry, RegistryError};
use serde::Serialize;
use sqlx::Row;

/// A table with sealed columns: its name (also the table bound in the associated data), the
/// column holding the row id bound in the associated data, and the sealed columns.
struct Sealed {
    table: &'static str,
    id: &'static str,
    columns: &'static [&'static str],
}

const SEALED: [Sealed; 8] = [
    Sealed {
        table: "person",
        id: "id",
        columns: &crate::PersonFields::SEALED,
    },
    Sealed {
        table: "case_file",
        id: "id",
        columns: &["vulnerability_details"],
    },
    Sealed {
        table: "perpetrator",
        id: "id",
        columns: &["description"],
    },
    Sealed {
        table: "note",
        id: "id",
        columns: &["body"],
    },
    Sealed {
        table: "statement",
        id: "id",
        columns: &["transcript"],
    },
    Sealed {
        table: "statement_attachment",
        id: "statement_id",
        columns: &["content"],
    },
    Sealed {
        table: "screening",
        id: "id",
        columns: &["answers", "confirmation_note"],
    },
    // The noise seeds of differentially private releases (cairn-stats seals them with the
    // registry's data key; rows without a seed have no key_version and are skipped).
    Sealed {
        table: "stats_release",
        id: "id",
        columns: &["seed"],
    },
];

/// Sealed columns of tables without a key_version column: the version is read from each blob's
/// header. Small tables (one row per web account), read whole.
const SEALED_BY_HEADER: [Sealed; 1] = [Sealed {
    table: "web_account",
    id: "user_id",
    columns: &["totp_secret"],
}];

/// A row to re-seal: its id, the key version it is under, its sealed values (in column order).
type SealedRow = (String, i64, Vec<Option<Vec<u8>>>);

/// Where a rotation stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RotationProgress {
    pub active_version: u32,
    /// Rows re-sealed by this call.
    pub done: u64,
    /// Rows still sealed under an older key.
    pub remaining: u64,
}

pub(crate) fn check_admin(actor: &Actor) -> Result<(), RegistryError> {
    if matches!(actor.role, Role::Admin | Role::System) {
        Ok(())
    } else {
        Err(RegistryError::Forbidden {
            what: "key rotation".into(),
            role: actor.role.to_string(),
        })
    }
}

impl Registry {
    /// Rows sealed under a data key older than the active one.
    pub async fn rotation_remaining(&self) -> Result<u64, RegistryError> {
        let active = i64::from(self.keys().active_version());
        let mut total = 0u64;
        for s in &SEALED {
            // Table names come from the constant list above, never from input.
            let sql = format!("SELECT COUNT(*) FROM {} WHERE key_version < $1", s.table);
            let (n,): (i64,) = on_pool!(self.pool(), p => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(active).fetch_one(p).await?);
            total += u64::try_from(n).unwrap_or(0);
        }
        for s in &SEALED_BY_HEADER {
            total += self.sealed_by_header_behind(s).await?.len() as u64;
        }
        Ok(total)
    }

    /// Rows of a [`SEALED_BY_HEADER`] table with a blob sealed under an older data key: id and
    /// the blobs as stored.
    async fn sealed_by_header_behind(
        &self,
        s: &Sealed,
    ) -> Result<Vec<(String, Vec<Option<Vec<u8>>>)>, RegistryError> {
        let active = self.keys().active_version();
        let select = format!("SELECT {}, {} FROM {}", s.id, s.columns.join(", "), s.table);
        let rows = on_pool!(self.pool(), p => {
            let rows = sqlx::query(sqlx::AssertSqlSafe(select)).fetch_all(p).await?;
            let mut out = Vec::new();
            for row in rows {
                let mut values = Vec::with_capacity(s.columns.len());
                for i in 0..s.columns.len() {
                    values.push(row.try_get::<Option<Vec<u8>>, _>(i + 1)?);
                }
                out.push((row.try_get::<String, _>(0)?, values));
            }
            out
        });
        Ok(rows
            .into_iter()
            .filter(|(_, values)| {
                values
                    .iter()
                    .flatten()
                    .any(|blob| crate::crypto::sealed_version(blob).is_some_and(|v| v < active))
            })
            .collect())
    }

    /// Re-seals the [`SEALED_BY_HEADER`] tables (each row only if its blobs are unchanged since
    /// they were read); returns the rows re-sealed.
    async fn reseal_by_header(&self, actor: &Actor) -> Result<u64, RegistryError> {
        let active = self.keys().active_version();
        let mut done = 0u64;
        for s in &SEALED_BY_HEADER {
            let rows = self.sealed_by_header_behind(s).await?;
            if rows.is_empty() {
                continue;
            }
            let mut tx = self.begin().await?;
            let mut changed = 0u64;
            for (id, values) in rows {
                let mut new_values = Vec::with_capacity(values.len());
                for (column, value) in s.columns.iter().zip(&values) {
                    new_values.push(match value {
                        Some(blob) => {
                            let plain = self.keys().open(s.table, column, &id, blob)?;
                            Some(self.keys().seal(s.table, column, &id, &plain)?)
                        }
                        None => None,
                    });
                }
                for ((column, old), new) in s.columns.iter().zip(&values).zip(new_values) {
                    let Some(old) = old else { continue };
                    // Compare and set: a value rewritten meanwhile (a new TOTP secret) stays.
                    let update = format!(
                        "UPDATE {} SET {column} = $1 WHERE {} = $2 AND {column} = $3",
                        s.table, s.id
                    );
                    changed += on_tx!(&mut tx, c => sqlx::query(sqlx::AssertSqlSafe(update)).bind(new).bind(&id).bind(old).execute(&mut *c).await?.rows_affected());
                }
            }
            let object = format!("{}: {changed} rows", s.table);
            let field = format!("data.v{active}");
            audit::append(
                &mut tx,
                actor,
                &AuditEvent {
                    action: "key.reseal",
                    object: &object,
                    purpose: "administration",
                    fields: &[&field],
                    outcome: Outcome::Ok,
                },
            )
            .await?;
            tx.commit().await?;
            done += changed;
        }
        Ok(done)
    }

    /// Creates data key version N+1 (sealed by `master`) and makes it the only active one.
    /// Audited. Reopen the registry ([`Registry::open`]) to write with it.
    pub async fn create_data_key(
        &self,
        actor: &Actor,
        master: &MasterKey,
    ) -> Result<u32, RegistryError> {
        check_admin(actor)?;
        let mut tx = self.begin().await?;
        let (max,): (Option<i64>,) = on_tx!(&mut tx, c => sqlx::query_as("SELECT MAX(version) FROM key_ring WHERE purpose = 'data'").fetch_one(&mut *c).await?);
        let version = u32::try_from(max.unwrap_or(0) + 1)
            .map_err(|_| RegistryError::invalid("key_ring", "version out of range"))?;
        let wrapped = master.wrap("data", version, &SecretKey::generate()?)?;
        on_tx!(&mut tx, c => {
            sqlx::query("UPDATE key_ring SET active = 0 WHERE purpose = 'data'").execute(&mut *c).await?;
            sqlx::query("INSERT INTO key_ring (purpose, version, wrapped, created_at, active) VALUES ('data', $1, $2, $3, 1)")
                .bind(i64::from(version)).bind(wrapped).bind(now()).execute(&mut *c).await?;
        });
        let field = format!("data.v{version}");
        audit::append(
            &mut tx,
            actor,
            &AuditEvent {
                action: "key.rotate",
                object: "key_ring",
                purpose: "administration",
                fields: &[&field],
                outcome: Outcome::Ok,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(version)
    }

    /// Re-seals up to `batch` rows still under an older data key with the active one, in one
    /// transaction with its audit entry. Call until `remaining` is 0; safe to stop between calls.
    pub async fn reseal_batch(
        &self,
        actor: &Actor,
        batch: u32,
    ) -> Result<RotationProgress, RegistryError> {
        check_admin(actor)?;
        let active = self.keys().active_version();
        let mut done = 0u64;
        let mut left = i64::from(batch.max(1));
        for s in &SEALED {
            if left == 0 {
                break;
            }
            let mut tx = self.begin().await?;
            // Read and rewrite under the write lock (BEGIN IMMEDIATE on SQLite, row locks on
            // PostgreSQL): a row another process updates meanwhile is never overwritten.
            let lock = match tx.backend() {
                cairn_store::registry::Backend::Postgres => " FOR UPDATE",
                cairn_store::registry::Backend::Sqlite => "",
            };
            let select = format!(
                "SELECT {}, key_version, {} FROM {} WHERE key_version < $1 ORDER BY {} LIMIT $2{lock}",
                s.id,
                s.columns.join(", "),
                s.table,
                s.id
            );
            let rows: Vec<SealedRow> = on_tx!(&mut tx, c => {
                let rows = sqlx::query(sqlx::AssertSqlSafe(select)).bind(i64::from(active)).bind(left).fetch_all(&mut *c).await?;
                let mut out = Vec::with_capacity(rows.len());
                for row in rows {
                    let mut values = Vec::with_capacity(s.columns.len());
                    for i in 0..s.columns.len() {
                        values.push(row.try_get::<Option<Vec<u8>>, _>(i + 2)?);
                    }
                    out.push((row.try_get::<String, _>(0)?, row.try_get::<i64, _>(1)?, values));
                }
                out
            });
            if rows.is_empty() {
                continue;
            }
            let sets: Vec<String> = s
                .columns
                .iter()
                .enumerate()
                .map(|(i, c)| format!("{c} = ${}", i + 1))
                .collect();
            let n = s.columns.len();
            let update = format!(
                "UPDATE {} SET {}, key_version = ${} WHERE {} = ${} AND key_version = ${}",
                s.table,
                sets.join(", "),
                n + 1,
                s.id,
                n + 2,
                n + 3
            );
            let mut resealed = Vec::with_capacity(rows.len());
            for (id, old, values) in rows {
                let mut new_values = Vec::with_capacity(values.len());
                for (column, value) in s.columns.iter().zip(values) {
                    new_values.push(match value {
                        Some(blob) => {
                            let plain = self.keys().open(s.table, column, &id, &blob)?;
                            Some(self.keys().seal(s.table, column, &id, &plain)?)
                        }
                        None => None,
                    });
                }
                resealed.push((id, old, new_values));
            }
            let mut changed = 0u64;
            for (id, old, values) in &resealed {
                changed += on_tx!(&mut tx, c => {
                    let mut q = sqlx::query(sqlx::AssertSqlSafe(update.clone()));
                    for v in values {
                        q = q.bind(v.clone());
                    }
                    // A row rewritten meanwhile (new key already) is left as it is.
                    q.bind(i64::from(active)).bind(id).bind(*old).execute(&mut *c).await?.rows_affected()
                });
            }
            let object = format!("{}: {changed} rows", s.table);
            let field = format!("data.v{active}");
            audit::append(
                &mut tx,
                actor,
                &AuditEvent {
                    action: "key.reseal",
                    object: &object,
                    purpose: "administration",
                    fields: &[&field],
                    outcome: Outcome::Ok,
                },
            )
            .await?;
            tx.commit().await?;
            done += changed;
            left -= i64::try_from(resealed.len()).unwrap_or(left);
        }
        if left > 0 {
            done += self.reseal_by_header(actor).await?;
        }
        Ok(RotationProgress {
            active_version: active,
            done,
            remaining: self.rotation_remaining().await?,
        })
    }
}
