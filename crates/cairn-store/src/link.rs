//! What `cairn link` reads from the scan store, and the clusters it writes back.
//!
//! The store keeps clusters as rows plus a JSON summary: it does not know how they are computed
//! (that is `cairn-link`), only that a link run replaces the previous one in one transaction.

use crate::{Store, StoreError, now_rfc3339};
use sqlx::Row;
use std::collections::HashMap;

/// A record as the linker needs it: no text, no payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRecordRow {
    pub id: String,
    pub url: Option<String>,
    pub captured_at: Option<String>,
    pub lang: String,
    /// SHA-256 of the captured payload (the evidence).
    pub sha256: String,
}

/// A finding as the linker needs it (no span: the evidence string stays in the store).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkFindingRow {
    pub record_id: String,
    pub kind: String,
    pub value: String,
    pub rule: String,
    pub category: Option<String>,
    /// JSON object of kind-specific fields (for places: name, country, lat, lon).
    pub detail: String,
}

/// One place an image was met (hashes only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkMediaRow {
    pub sha256: String,
    pub pdq: Option<String>,
    pub quality: Option<i64>,
    pub url: Option<String>,
}

/// A stored cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterRow {
    pub id: String,
    pub size: u64,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    /// JSON object written by the linker.
    pub summary: String,
    /// Record ids, sorted.
    pub members: Vec<String>,
}

/// A selector too common to link (a hub).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommonSelectorRow {
    pub kind: String,
    pub value: String,
    pub records: u64,
    pub contexts: u64,
}

/// What one link run writes.
#[derive(Debug, Clone, Default)]
pub struct LinkRunWrite {
    /// JSON of the configuration used.
    pub config: String,
    /// Scan rule-set versions met in the store.
    pub versions: Vec<String>,
    pub records: u64,
    pub clusters: Vec<ClusterRow>,
    pub common: Vec<CommonSelectorRow>,
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

impl Store {
    /// Every stored record, in id order.
    pub async fn link_records(&self) -> Result<Vec<LinkRecordRow>, StoreError> {
        let rows = sqlx::query("SELECT id, url, captured_at, lang, sha256 FROM record ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter()
            .map(|r| {
                Ok(LinkRecordRow {
                    id: r.try_get(0)?,
                    url: r.try_get(1)?,
                    captured_at: r.try_get(2)?,
                    lang: r.try_get(3)?,
                    sha256: r.try_get(4)?,
                })
            })
            .collect()
    }

    /// Every finding the linker uses (selectors, places, prices, URLs, indicators; not ages), in
    /// record then text order.
    pub async fn link_findings(&self) -> Result<Vec<LinkFindingRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT record_id, kind, value, rule, category, detail FROM finding
             WHERE kind <> 'age' ORDER BY record_id, start_byte, end_byte",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(LinkFindingRow {
                    record_id: r.try_get(0)?,
                    kind: r.try_get(1)?,
                    value: r.try_get(2)?,
                    rule: r.try_get(3)?,
                    category: r.try_get(4)?,
                    detail: r.try_get(5)?,
                })
            })
            .collect()
    }

    /// Every image occurrence with its hashes.
    pub async fn link_media(&self) -> Result<Vec<LinkMediaRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT m.sha256, m.pdq, m.quality, o.url FROM media m
             JOIN media_occurrence o ON o.sha256 = m.sha256 ORDER BY m.sha256, o.url",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(LinkMediaRow {
                    sha256: r.try_get(0)?,
                    pdq: r.try_get(1)?,
                    quality: r.try_get(2)?,
                    url: r.try_get(3)?,
                })
            })
            .collect()
    }

    /// The distinct rule-set version objects (JSON) of the scan runs that stored records.
    pub async fn scan_versions(&self) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT DISTINCT versions FROM scan_run WHERE id IN (SELECT DISTINCT run_id FROM record)
             ORDER BY versions",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(|r| Ok(r.try_get(0)?)).collect()
    }

    /// Replaces the clusters of the previous link run by these, in one transaction.
    pub async fn save_link_run(&self, run: &LinkRunWrite) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM link_member")
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM link_cluster")
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM link_common_selector")
            .execute(&mut *tx)
            .await?;
        let versions = serde_json::to_string(&run.versions).unwrap_or_else(|_| "[]".into());
        let run_id: i64 = sqlx::query(
            "INSERT INTO link_run (finished_at, config, versions, records, clusters) VALUES (?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(now_rfc3339())
        .bind(&run.config)
        .bind(versions)
        .bind(to_i64(run.records))
        .bind(to_i64(run.clusters.len() as u64))
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        for c in &run.clusters {
            sqlx::query(
                "INSERT INTO link_cluster (id, run_id, size, first_seen, last_seen, summary) VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(&c.id)
            .bind(run_id)
            .bind(to_i64(c.size))
            .bind(&c.first_seen)
            .bind(&c.last_seen)
            .bind(&c.summary)
            .execute(&mut *tx)
            .await?;
            for m in &c.members {
                sqlx::query("INSERT INTO link_member (record_id, cluster_id) VALUES (?, ?)")
                    .bind(m)
                    .bind(&c.id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        for s in &run.common {
            sqlx::query(
                "INSERT INTO link_common_selector (kind, value, records, contexts, run_id) VALUES (?, ?, ?, ?, ?)",
            )
            .bind(&s.kind)
            .bind(&s.value)
            .bind(to_i64(s.records))
            .bind(to_i64(s.contexts))
            .bind(run_id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(run_id)
    }

    /// Record id → cluster id of the last link run (for stable ids).
    pub async fn link_membership(&self) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query("SELECT record_id, cluster_id FROM link_member ORDER BY record_id")
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }

    /// Stored clusters of at least `min_size` records, largest first, then by id.
    pub async fn clusters(&self, min_size: u64) -> Result<Vec<ClusterRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, size, first_seen, last_seen, summary FROM link_cluster WHERE size >= ?
             ORDER BY size DESC, id",
        )
        .bind(to_i64(min_size))
        .fetch_all(&self.pool)
        .await?;
        let mut members: HashMap<String, Vec<String>> = HashMap::new();
        for (record, cluster) in self.link_membership().await? {
            members.entry(cluster).or_default().push(record);
        }
        rows.into_iter()
            .map(|r| {
                let id: String = r.try_get(0)?;
                Ok(ClusterRow {
                    members: members.remove(&id).unwrap_or_default(),
                    size: to_u64(r.try_get(1)?),
                    first_seen: r.try_get(2)?,
                    last_seen: r.try_get(3)?,
                    summary: r.try_get(4)?,
                    id,
                })
            })
            .collect()
    }

    /// One stored cluster.
    pub async fn cluster(&self, id: &str) -> Result<Option<ClusterRow>, StoreError> {
        let Some(r) = sqlx::query(
            "SELECT id, size, first_seen, last_seen, summary FROM link_cluster WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let members = sqlx::query(
            "SELECT record_id FROM link_member WHERE cluster_id = ? ORDER BY record_id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(|m| m.try_get(0))
        .collect::<Result<Vec<String>, _>>()?;
        Ok(Some(ClusterRow {
            id: r.try_get(0)?,
            size: to_u64(r.try_get(1)?),
            first_seen: r.try_get(2)?,
            last_seen: r.try_get(3)?,
            summary: r.try_get(4)?,
            members,
        }))
    }

    /// Selectors marked common by the last link run, most records first.
    pub async fn common_selectors(&self) -> Result<Vec<CommonSelectorRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT kind, value, records, contexts FROM link_common_selector ORDER BY records DESC, kind, value",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(CommonSelectorRow {
                    kind: r.try_get(0)?,
                    value: r.try_get(1)?,
                    records: to_u64(r.try_get(2)?),
                    contexts: to_u64(r.try_get(3)?),
                })
            })
            .collect()
    }

    /// When the last link run finished, if any.
    pub async fn last_link_run(&self) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT finished_at FROM link_run ORDER BY id DESC LIMIT 1")
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }
}
