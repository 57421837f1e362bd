//! Records, occurrences, findings and media of scans.

use crate::{DataDir, EvidenceStore, StoreError};
use cairn_core::{Finding, FindingKind, IndicatorCategory, Provenance, Record};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{QueryBuilder, Row, Sqlite, Transaction};
use std::collections::HashSet;
use std::str::FromStr;
use std::time::Duration;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// A record with what analysis found in it, ready to be stored.
#[derive(Debug, Clone, Copy)]
pub struct ScannedRecord<'a> {
    pub record: &'a Record,
    /// ISO 639-1 or `und`.
    pub lang: &'a str,
    pub findings: &'a [Finding],
}

/// Hashes of one image met while scanning (never its bytes).
#[derive(Debug, Clone)]
pub struct MediaRecord {
    pub provenance: Provenance,
    pub sha256: String,
    pub md5: String,
    pub sha1: String,
    pub pdq: Option<String>,
    pub quality: Option<u32>,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

/// One place an image was met (see [`Store::media_occurrences`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaOccurrenceRow {
    pub sha256: String,
    pub md5: String,
    pub sha1: String,
    pub pdq: Option<String>,
    pub quality: Option<i64>,
    pub source: String,
    pub locator: String,
    pub url: Option<String>,
    pub warc_record_id: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunStats {
    pub records_new: u64,
    pub records_known: u64,
    pub media: u64,
    pub errors: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Occurrence {
    pub source: String,
    pub locator: String,
}

/// One record where a searched selector appears.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SearchHit {
    pub kind: FindingKind,
    pub value: String,
    pub record: String,
    pub url: Option<String>,
    pub captured_at: Option<String>,
    pub lang: String,
    pub evidence: String,
    pub occurrences: Vec<Occurrence>,
}

/// A stored record with its findings.
#[derive(Debug, Clone)]
pub struct StoredRecord {
    pub id: String,
    pub url: Option<String>,
    pub captured_at: Option<String>,
    pub sha256: String,
    pub lang: String,
    pub text: String,
    pub findings: Vec<Finding>,
    pub occurrences: Vec<Occurrence>,
}

/// The store of one data directory.
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) pool: SqlitePool,
    evidence: EvidenceStore,
}

/// Current time, RFC 3339 UTC with seconds.
pub fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc());
    now.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Page cache of each connection to the scan store, in KiB.
const CACHE_KIB: u32 = 64 * 1024;

impl Store {
    /// Opens (creating if needed) the SQLite database of a data directory and brings its schema
    /// up to date.
    pub async fn open(dir: &DataDir) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(dir.db_path())
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(30))
            // A batch of a scan touches pages all over the finding indexes: with SQLite's
            // default 2 MiB of cache they were spilled to the WAL and read back again and again
            // within one transaction. The cache is filled only as pages are used.
            .pragma("cache_size", format!("-{}", CACHE_KIB));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await?;
        Ok(Self {
            pool,
            evidence: EvidenceStore::new(dir.evidence_dir()),
        })
    }

    pub fn evidence(&self) -> &EvidenceStore {
        &self.evidence
    }

    /// Starts a scan run; its id ties records to the run that first stored them.
    pub async fn begin_run(
        &self,
        inputs: &[String],
        versions: &serde_json::Value,
    ) -> Result<i64, StoreError> {
        let inputs = serde_json::to_string(inputs).unwrap_or_else(|_| "[]".into());
        let row = sqlx::query(
            "INSERT INTO scan_run (started_at, inputs, versions) VALUES (?, ?, ?) RETURNING id",
        )
        .bind(now_rfc3339())
        .bind(inputs)
        .bind(versions.to_string())
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get(0)?)
    }

    pub async fn finish_run(&self, run_id: i64, stats: RunStats) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE scan_run SET finished_at = ?, records_new = ?, records_known = ?, media = ?, errors = ? WHERE id = ?",
        )
        .bind(now_rfc3339())
        .bind(stats.records_new as i64)
        .bind(stats.records_known as i64)
        .bind(stats.media as i64)
        .bind(stats.errors as i64)
        .bind(run_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Stores a batch of analysed records in one transaction. Payloads go to the evidence store
    /// first, so a record row never points at a missing blob. A record already known (same id)
    /// only gains the new place it was read from. Returns (new, already known).
    pub async fn insert_batch(
        &self,
        run_id: i64,
        batch: &[ScannedRecord<'_>],
    ) -> Result<(u64, u64), StoreError> {
        let shas = self
            .evidence
            .put_all(batch.iter().map(|s| s.record.payload.as_slice()))?;
        let mut blobs = Vec::with_capacity(batch.len());
        for (s, sha) in batch.iter().zip(shas) {
            if sha != s.record.provenance.sha256 {
                return Err(StoreError::Invalid {
                    what: format!("record {}", s.record.id),
                    message: "payload does not match its recorded SHA-256".into(),
                });
            }
            blobs.push((sha, s.record.payload.len()));
        }
        let now = now_rfc3339();
        let rows: Vec<_> = batch.iter().zip(blobs).collect();
        let mut tx = self.pool.begin().await?;
        let (mut new, mut known) = (0, 0);
        // The findings of the new records, written together at the end (see `insert_findings`).
        let mut findings = Vec::new();
        // Many rows per statement (see `insert_findings`): a statement per row and table was a
        // round trip to the database thread each.
        for chunk in rows.chunks(RECORDS_PER_INSERT) {
            let mut evidence = QueryBuilder::<Sqlite>::new(
                "INSERT OR IGNORE INTO evidence (sha256, size, stored_at) ",
            );
            evidence.push_values(chunk, |mut row, (_, (sha, size))| {
                row.push_bind(sha).push_bind(*size as i64).push_bind(&now);
            });
            evidence.build().execute(&mut *tx).await?;
            let mut records = QueryBuilder::<Sqlite>::new(
                "INSERT OR IGNORE INTO record (id, url, captured_at, warc_record_id, sha256, content_type, lang, region, text, run_id) ",
            );
            records.push_values(chunk, |mut row, (s, (sha, _))| {
                let r = s.record;
                let p = &r.provenance;
                row.push_bind(&r.id)
                    .push_bind(&p.url)
                    .push_bind(&p.captured_at)
                    .push_bind(&p.warc_record_id)
                    .push_bind(sha)
                    .push_bind(&r.content_type)
                    .push_bind(s.lang)
                    .push_bind(&r.region)
                    .push_bind(&r.text)
                    .push_bind(run_id);
            });
            // Rows that `OR IGNORE` skipped (ids already stored) are not returned.
            records.push(" RETURNING id");
            let inserted = records
                .build()
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(|row| row.try_get::<String, _>(0))
                .collect::<Result<HashSet<String>, _>>()?;
            let mut occurrences = QueryBuilder::<Sqlite>::new(
                "INSERT OR IGNORE INTO occurrence (record_id, source, locator, run_id) ",
            );
            occurrences.push_values(chunk, |mut row, (s, _)| {
                let r = s.record;
                row.push_bind(&r.id)
                    .push_bind(&r.provenance.source)
                    .push_bind(&r.provenance.locator)
                    .push_bind(run_id);
            });
            occurrences.build().execute(&mut *tx).await?;
            // An id's first row in the batch is the one inserted: a copy after it (the same
            // capture in another file) is known, as when rows went in one by one.
            let mut first = HashSet::new();
            for (s, _) in chunk {
                let id = s.record.id.as_str();
                if inserted.contains(id) && first.insert(id) {
                    new += 1;
                    findings.extend(s.findings.iter().map(|f| (id, f)));
                } else {
                    known += 1;
                }
            }
        }
        insert_findings(&mut tx, &findings).await?;
        tx.commit().await?;
        Ok((new, known))
    }

    /// Stores the hashes of images met while scanning, with where they were found.
    pub async fn insert_media(&self, run_id: i64, media: &[MediaRecord]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        for m in media {
            sqlx::query(
                "INSERT OR IGNORE INTO media (sha256, md5, sha1, pdq, quality, width, height) VALUES (?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(&m.sha256)
            .bind(&m.md5)
            .bind(&m.sha1)
            .bind(&m.pdq)
            .bind(m.quality.map(i64::from))
            .bind(m.width.map(i64::from))
            .bind(m.height.map(i64::from))
            .execute(&mut *tx)
            .await?;
            let p = &m.provenance;
            sqlx::query(
                "INSERT OR IGNORE INTO media_occurrence (sha256, source, locator, url, captured_at, run_id, warc_record_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(&m.sha256)
            .bind(&p.source)
            .bind(&p.locator)
            .bind(&p.url)
            .bind(&p.captured_at)
            .bind(run_id)
            .bind(&p.warc_record_id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Every place an image was met, with its hashes and the WARC record that carried it,
    /// ordered by source and locator.
    pub async fn media_occurrences(&self) -> Result<Vec<MediaOccurrenceRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT m.sha256, m.md5, m.sha1, m.pdq, m.quality, o.source, o.locator, o.url, o.warc_record_id
             FROM media_occurrence o JOIN media m ON m.sha256 = o.sha256
             ORDER BY o.source, o.locator",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(MediaOccurrenceRow {
                    sha256: r.try_get(0)?,
                    md5: r.try_get(1)?,
                    sha1: r.try_get(2)?,
                    pdq: r.try_get(3)?,
                    quality: r.try_get(4)?,
                    source: r.try_get(5)?,
                    locator: r.try_get(6)?,
                    url: r.try_get(7)?,
                    warc_record_id: r.try_get(8)?,
                })
            })
            .collect()
    }

    /// Every record where a selector appears (`kind` None: any kind), oldest capture first.
    pub async fn search(
        &self,
        kind: Option<FindingKind>,
        value: &str,
    ) -> Result<Vec<SearchHit>, StoreError> {
        let rows = sqlx::query(
            "SELECT f.kind, f.value, f.record_id, r.url, r.captured_at, r.lang, MIN(f.evidence) AS evidence
             FROM finding f JOIN record r ON r.id = f.record_id
             WHERE f.value = ? AND (? IS NULL OR f.kind = ?) AND f.kind <> 'indicator'
             GROUP BY f.kind, f.value, f.record_id
             ORDER BY r.captured_at IS NULL, r.captured_at, f.record_id",
        )
        .bind(value)
        .bind(kind.map(|k| k.as_str()))
        .bind(kind.map(|k| k.as_str()))
        .fetch_all(&self.pool)
        .await?;
        let mut hits = Vec::with_capacity(rows.len());
        for row in rows {
            let kind_s: String = row.try_get("kind")?;
            let record: String = row.try_get("record_id")?;
            let occurrences = self.occurrences(&record).await?;
            hits.push(SearchHit {
                kind: parse_kind(&kind_s)?,
                value: row.try_get("value")?,
                url: row.try_get("url")?,
                captured_at: row.try_get("captured_at")?,
                lang: row.try_get("lang")?,
                evidence: row.try_get("evidence")?,
                record,
                occurrences,
            });
        }
        Ok(hits)
    }

    async fn occurrences(&self, record: &str) -> Result<Vec<Occurrence>, StoreError> {
        let rows = sqlx::query(
            "SELECT source, locator FROM occurrence WHERE record_id = ? ORDER BY source, locator",
        )
        .bind(record)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(Occurrence {
                    source: r.try_get(0)?,
                    locator: r.try_get(1)?,
                })
            })
            .collect()
    }

    /// A stored record with its findings and occurrences.
    pub async fn record(&self, id: &str) -> Result<Option<StoredRecord>, StoreError> {
        let Some(row) =
            sqlx::query("SELECT id, url, captured_at, sha256, lang, text FROM record WHERE id = ?")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?
        else {
            return Ok(None);
        };
        let rows = sqlx::query(
            "SELECT kind, value, start_byte, end_byte, evidence, rule, category, detail FROM finding
             WHERE record_id = ? ORDER BY start_byte, end_byte, kind",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let mut findings = Vec::with_capacity(rows.len());
        for f in rows {
            let kind: String = f.try_get("kind")?;
            let category: Option<String> = f.try_get("category")?;
            let detail: String = f.try_get("detail")?;
            let start: i64 = f.try_get("start_byte")?;
            let end: i64 = f.try_get("end_byte")?;
            findings.push(Finding {
                kind: parse_kind(&kind)?,
                value: f.try_get("value")?,
                start: usize::try_from(start).unwrap_or(0),
                end: usize::try_from(end).unwrap_or(0),
                evidence: f.try_get("evidence")?,
                rule: f.try_get("rule")?,
                category: category
                    .map(|c| IndicatorCategory::from_str(&c))
                    .transpose()
                    .map_err(|e| StoreError::Invalid {
                        what: format!("finding of record {id}"),
                        message: e.to_string(),
                    })?,
                detail: serde_json::from_str(&detail).unwrap_or_default(),
            });
        }
        Ok(Some(StoredRecord {
            id: row.try_get("id")?,
            url: row.try_get("url")?,
            captured_at: row.try_get("captured_at")?,
            sha256: row.try_get("sha256")?,
            lang: row.try_get("lang")?,
            text: row.try_get("text")?,
            findings,
            occurrences: self.occurrences(id).await?,
        }))
    }

    /// Number of stored records (for summaries and tests).
    pub async fn count_records(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query("SELECT COUNT(*) FROM record")
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    pub async fn close(self) {
        self.pool.close().await;
    }
}

/// Records per `INSERT` statement: ten values each (see [`FINDINGS_PER_INSERT`]).
const RECORDS_PER_INSERT: usize = 256;

/// Findings per `INSERT` statement: nine values each, far below SQLite's limit of 32,766
/// variables per statement.
const FINDINGS_PER_INSERT: usize = 256;

/// Writes findings (with the id of their record) in input order, many rows per statement: one
/// statement per finding was a round trip to the database thread each, and most of the time of
/// a scan into the store (20,000 pages: 185,000 findings). `OR IGNORE` holds row by row.
async fn insert_findings(
    tx: &mut Transaction<'_, Sqlite>,
    findings: &[(&str, &Finding)],
) -> Result<(), StoreError> {
    for rows in findings.chunks(FINDINGS_PER_INSERT) {
        let mut insert = QueryBuilder::<Sqlite>::new(
            "INSERT OR IGNORE INTO finding (record_id, kind, value, start_byte, end_byte, evidence, rule, category, detail) ",
        );
        insert.push_values(rows, |mut row, &(record, f)| {
            row.push_bind(record)
                .push_bind(f.kind.as_str())
                .push_bind(&f.value)
                .push_bind(i64::try_from(f.start).unwrap_or(i64::MAX))
                .push_bind(i64::try_from(f.end).unwrap_or(i64::MAX))
                .push_bind(&f.evidence)
                .push_bind(&f.rule)
                .push_bind(f.category.map(|c| c.as_str()))
                .push_bind(f.detail.to_json().to_string());
        });
        insert.build().execute(&mut **tx).await?;
    }
    Ok(())
}

fn parse_kind(s: &str) -> Result<FindingKind, StoreError> {
    FindingKind::from_str(s).map_err(|e| StoreError::Invalid {
        what: "finding".into(),
        message: e.to_string(),
    })
}
