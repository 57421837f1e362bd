//! Master-key rotation: every data key in `key_ring` (field keys and blind-index keys, every
//! version) is unwrapped with the old master key and wrapped again with the new one, batch by
//! batch, each batch in its own transaction with its audit entry. A key already wrapped by the new
//! master is left alone, so an interrupted rotation resumes where it stopped; meanwhile the
//! registry opens with both master keys ([`Registry::open_with_masters`]). Nothing else is sealed
//! by the master key: the fields, TOTP secrets and statistics seeds are sealed by data keys.

use crate::audit::{self, Actor, AuditEvent, Outcome};
use crate::crypto::MasterKey;
use crate::db::{on_pool, on_tx};
use crate::rotate::check_admin;
use crate::{Registry, RegistryError};
use serde::Serialize;

/// Where a master-key rotation stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RewrapProgress {
    /// Data keys re-wrapped by this call.
    pub done: u64,
    /// Data keys not yet wrapped by the new master key.
    pub remaining: u64,
}

type KeyRow = (String, i64, Vec<u8>);

fn version_of(purpose: &str, version: i64) -> Result<u32, RegistryError> {
    u32::try_from(version)
        .map_err(|_| RegistryError::invalid("key_ring", format!("bad version {purpose} {version}")))
}

impl Registry {
    /// Data keys not yet wrapped by `new`.
    pub async fn master_rotation_remaining(&self, new: &MasterKey) -> Result<u64, RegistryError> {
        let rows: Vec<KeyRow> = on_pool!(self.pool(), p => sqlx::query_as("SELECT purpose, version, wrapped FROM key_ring").fetch_all(p).await?);
        let mut left = 0u64;
        for (purpose, version, wrapped) in rows {
            if new
                .unwrap_key(&purpose, version_of(&purpose, version)?, &wrapped)
                .is_err()
            {
                left += 1;
            }
        }
        Ok(left)
    }

    /// Re-wraps up to `batch` data keys still wrapped by one of `old` (the current master key,
    /// and the pending key of an earlier interrupted rotation) with `new`, in one transaction with
    /// its audit entry. A key that none opens is an error naming it (nothing written).
    pub async fn rewrap_batch(
        &self,
        actor: &Actor,
        old: &[&MasterKey],
        new: &MasterKey,
        batch: u32,
    ) -> Result<RewrapProgress, RegistryError> {
        check_admin(actor)?;
        let mut tx = self.begin().await?;
        let lock = match tx.backend() {
            cairn_store::registry::Backend::Postgres => " FOR UPDATE",
            cairn_store::registry::Backend::Sqlite => "",
        };
        let select = format!(
            "SELECT purpose, version, wrapped FROM key_ring ORDER BY purpose, version{lock}"
        );
        let rows: Vec<KeyRow> = on_tx!(&mut tx, c => sqlx::query_as(sqlx::AssertSqlSafe(select)).fetch_all(&mut *c).await?);
        let mut done = 0u64;
        let mut remaining = 0u64;
        let mut names = Vec::new();
        for (purpose, version, wrapped) in rows {
            let v = version_of(&purpose, version)?;
            if new.unwrap_key(&purpose, v, &wrapped).is_ok() {
                continue;
            }
            if done >= u64::from(batch.max(1)) {
                remaining += 1;
                continue;
            }
            let mut key = Err(RegistryError::Key {
                what: format!("key_ring {purpose} v{v}"),
                message: "no old master key given".into(),
            });
            for master in old {
                key = master.unwrap_key(&purpose, v, &wrapped);
                if key.is_ok() {
                    break;
                }
            }
            let key = key?;
            let rewrapped = new.wrap(&purpose, v, &key)?;
            on_tx!(&mut tx, c => sqlx::query("UPDATE key_ring SET wrapped = $1 WHERE purpose = $2 AND version = $3")
                .bind(rewrapped).bind(&purpose).bind(version).execute(&mut *c).await.map(|_| ())?);
            names.push(format!("{purpose}.v{v}"));
            done += 1;
        }
        if done > 0 {
            let fields: Vec<&str> = names.iter().map(String::as_str).collect();
            audit::append(
                &mut tx,
                actor,
                &AuditEvent {
                    action: "key.rewrap",
                    object: "key_ring",
                    purpose: "administration",
                    fields: &fields,
                    outcome: Outcome::Ok,
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(RewrapProgress { done, remaining })
    }
}
