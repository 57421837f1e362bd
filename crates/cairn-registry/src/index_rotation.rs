//! Blind-index key rotation: a new index key version becomes active (new tokens are made with
//! it), then every person's tokens are recomputed from their sealed fields, batch by batch, each
//! batch in its own transaction with its audit entry. `person.index_version` says which key made a
//! person's tokens, so an interrupted rotation resumes where it stopped. Lookups probe the active
//! key and every older one not yet retired, so they find everyone during and after a rotation;
//! when no person is left under an older key, that key is retired from lookups (it stays in the
//! key ring only to recognise re-imports of files imported before the rotation).

use crate::audit::{self, Actor, AuditEvent, Outcome};
use crate::crypto::{MasterKey, SecretKey};
use crate::db::{now, on_pool, on_tx};
use crate::rotate::check_admin;
use crate::{PersonFields, Registry, RegistryError};
use serde::Serialize;

/// Where an index-key rotation stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReindexProgress {
    pub index_version: u32,
    /// Persons re-indexed by this call.
    pub done: u64,
    /// Persons whose tokens are still made with an older index key.
    pub remaining: u64,
}

/// The sealed columns the blind index is made from, in [`PersonFields`] terms.
const INDEXED: [&str; 5] = [
    "first_name",
    "second_name",
    "birthdate",
    "home_phone",
    "mobile_phone",
];

/// A person to re-index: id, index version, and the sealed values of [`INDEXED`].
type IndexedRow = (
    String,
    i64,
    Option<Vec<u8>>,
    Option<Vec<u8>>,
    Option<Vec<u8>>,
    Option<Vec<u8>>,
    Option<Vec<u8>>,
);

impl Registry {
    /// Persons whose blind-index tokens were made with an older index key than the active one.
    pub async fn index_rotation_remaining(&self) -> Result<u64, RegistryError> {
        let active = i64::from(self.keys().index_version());
        let (n,): (i64,) = on_pool!(self.pool(), p => sqlx::query_as("SELECT COUNT(*) FROM person WHERE index_version < $1").bind(active).fetch_one(p).await?);
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Creates blind-index key version N+1 (wrapped by `master`) and makes it the only active
    /// one. Audited. Reopen the registry ([`Registry::open`]) to index with it.
    pub async fn create_index_key(
        &self,
        actor: &Actor,
        master: &MasterKey,
    ) -> Result<u32, RegistryError> {
        check_admin(actor)?;
        let mut tx = self.begin().await?;
        let (max,): (Option<i64>,) = on_tx!(&mut tx, c => sqlx::query_as("SELECT MAX(version) FROM key_ring WHERE purpose = 'index'").fetch_one(&mut *c).await?);
        let version = u32::try_from(max.unwrap_or(0) + 1)
            .map_err(|_| RegistryError::invalid("key_ring", "version out of range"))?;
        let wrapped = master.wrap("index", version, &SecretKey::generate()?)?;
        on_tx!(&mut tx, c => {
            sqlx::query("UPDATE key_ring SET active = 0 WHERE purpose = 'index'").execute(&mut *c).await?;
            sqlx::query("INSERT INTO key_ring (purpose, version, wrapped, created_at, active) VALUES ('index', $1, $2, $3, 1)")
                .bind(i64::from(version)).bind(wrapped).bind(now()).execute(&mut *c).await?;
        });
        let field = format!("index.v{version}");
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

    /// Recomputes the blind-index tokens of up to `batch` persons still indexed with an older
    /// key, in one transaction with its audit entry; once none is left, retires the older index
    /// keys from lookups. Call until `remaining` is 0; safe to stop between calls.
    pub async fn reindex_batch(
        &self,
        actor: &Actor,
        batch: u32,
    ) -> Result<ReindexProgress, RegistryError> {
        check_admin(actor)?;
        let active = self.keys().index_version();
        let key = self.keys().index_key().clone();
        let mut tx = self.begin().await?;
        // Under the write lock (BEGIN IMMEDIATE on SQLite, row locks on PostgreSQL): a person
        // updated meanwhile is not re-indexed from stale values.
        let lock = match tx.backend() {
            cairn_store::registry::Backend::Postgres => " FOR UPDATE",
            cairn_store::registry::Backend::Sqlite => "",
        };
        let select = format!(
            "SELECT id, index_version, {} FROM person WHERE index_version < $1 \
             ORDER BY index_version, id LIMIT $2{lock}",
            INDEXED.join(", ")
        );
        let rows: Vec<IndexedRow> = on_tx!(&mut tx, c => sqlx::query_as(sqlx::AssertSqlSafe(select))
            .bind(i64::from(active)).bind(i64::from(batch.max(1))).fetch_all(&mut *c).await?);
        let mut done = 0u64;
        for (id, _, first, second, birth, home, mobile) in rows {
            let open =
                |column: &str, blob: Option<Vec<u8>>| -> Result<Option<String>, RegistryError> {
                    blob.map(|b| self.keys().open_text("person", column, &id, &b))
                        .transpose()
                };
            let fields = PersonFields {
                first_name: open(INDEXED[0], first)?,
                second_name: open(INDEXED[1], second)?,
                birthdate: open(INDEXED[2], birth)?,
                home_phone: open(INDEXED[3], home)?,
                mobile_phone: open(INDEXED[4], mobile)?,
                ..PersonFields::default()
            };
            let tokens = fields.index_tokens(&key);
            on_tx!(&mut tx, c => {
                sqlx::query("DELETE FROM person_index WHERE person_id = $1").bind(&id).execute(&mut *c).await?;
                for (field, token) in tokens {
                    sqlx::query("INSERT INTO person_index (person_id, field, token) VALUES ($1, $2, $3)")
                        .bind(&id).bind(field.as_str()).bind(token).execute(&mut *c).await?;
                }
                sqlx::query("UPDATE person SET index_version = $1 WHERE id = $2")
                    .bind(i64::from(active)).bind(&id).execute(&mut *c).await?;
            });
            done += 1;
        }
        let (left,): (i64,) = on_tx!(&mut tx, c => sqlx::query_as("SELECT COUNT(*) FROM person WHERE index_version < $1").bind(i64::from(active)).fetch_one(&mut *c).await?);
        let remaining = u64::try_from(left).unwrap_or(0);
        let field = format!("index.v{active}");
        if done > 0 {
            let object = format!("person_index: {done} persons");
            audit::append(
                &mut tx,
                actor,
                &AuditEvent {
                    action: "key.reindex",
                    object: &object,
                    purpose: "administration",
                    fields: &[&field],
                    outcome: Outcome::Ok,
                },
            )
            .await?;
        }
        if remaining == 0 {
            let retired = on_tx!(&mut tx, c => sqlx::query("UPDATE key_ring SET retired_at = $1 WHERE purpose = 'index' AND version < $2 AND retired_at IS NULL")
                .bind(now()).bind(i64::from(active)).execute(&mut *c).await?.rows_affected());
            if retired > 0 {
                audit::append(
                    &mut tx,
                    actor,
                    &AuditEvent {
                        action: "key.retire",
                        object: "key_ring",
                        purpose: "administration",
                        fields: &[&field],
                        outcome: Outcome::Ok,
                    },
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok(ReindexProgress {
            index_version: active,
            done,
            remaining,
        })
    }
}
