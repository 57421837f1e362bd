//! The audit log: append-only, hash-chained, written in the transaction of the action it records.
//!
//! Canonical encoding of an entry (docs/audit.md): the ASCII tag `cairn-audit-v1`, then each of
//! seq (decimal), at, actor, organisation, action, object, purpose, fields (each name, in the
//! order given, preceded by their count in decimal), outcome and prev_hash, every item as a u32
//! big-endian byte length followed by its UTF-8 bytes. `hash` is the lowercase hex SHA-256 of that
//! encoding; `prev_hash` of the first entry is 64 zeros. Entries name objects by id, never by
//! personal data.

use crate::RegistryError;
use crate::db::{Tx, now, on_pool, on_tx};
use cairn_store::registry::RegistryPool;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who acts: a user of an organisation, or the system itself (initialisation, migrations).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub user_id: String,
    pub username: String,
    pub organisation_id: String,
    pub role: crate::model::Role,
}

/// What to record, before it gets its place in the chain.
#[derive(Debug, Clone)]
pub struct AuditEvent<'a> {
    pub action: &'a str,
    pub object: &'a str,
    pub purpose: &'a str,
    pub fields: &'a [&'a str],
    pub outcome: Outcome,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Ok,
    Denied,
    Failed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Denied => "denied",
            Self::Failed => "failed",
        }
    }
}

/// One stored entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub organisation: String,
    pub action: String,
    pub object: String,
    pub purpose: String,
    pub fields: Vec<String>,
    pub outcome: String,
    pub prev_hash: String,
    pub hash: String,
}

fn lp(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u32).to_be_bytes());
    out.extend_from_slice(s.as_bytes());
}

impl AuditEntry {
    /// The canonical encoding hashed into `hash` (see the module documentation).
    pub fn canonical(&self) -> Vec<u8> {
        let mut out = b"cairn-audit-v1".to_vec();
        lp(&mut out, &self.seq.to_string());
        for s in [
            &self.at,
            &self.actor,
            &self.organisation,
            &self.action,
            &self.object,
            &self.purpose,
        ] {
            lp(&mut out, s);
        }
        lp(&mut out, &self.fields.len().to_string());
        for f in &self.fields {
            lp(&mut out, f);
        }
        lp(&mut out, &self.outcome);
        lp(&mut out, &self.prev_hash);
        out
    }

    pub fn compute_hash(&self) -> String {
        hex::encode(Sha256::digest(self.canonical()))
    }
}

/// Appends an entry in `tx`, after locking the chain head so that concurrent appends serialise.
pub async fn append(
    tx: &mut Tx,
    actor: &Actor,
    event: &AuditEvent<'_>,
) -> Result<AuditEntry, RegistryError> {
    // On SQLite the transaction already holds the write lock (BEGIN IMMEDIATE); on PostgreSQL the
    // row lock on the head makes every other appender wait for this commit.
    let (head_seq, head_hash): (i64, String) = match tx {
        Tx::Sqlite(t) => {
            sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
                .fetch_one(&mut **t)
                .await?
        }
        Tx::Postgres(t) => {
            sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE")
                .fetch_one(&mut **t)
                .await?
        }
    };
    let mut entry = AuditEntry {
        seq: head_seq + 1,
        at: now(),
        actor: actor.user_id.clone(),
        organisation: actor.organisation_id.clone(),
        action: event.action.to_owned(),
        object: event.object.to_owned(),
        purpose: event.purpose.to_owned(),
        fields: event.fields.iter().map(|f| (*f).to_owned()).collect(),
        outcome: event.outcome.as_str().to_owned(),
        prev_hash: head_hash,
        hash: String::new(),
    };
    entry.hash = entry.compute_hash();
    let fields = serde_json::to_string(&entry.fields)
        .map_err(|e| RegistryError::invalid("audit fields", e.to_string()))?;
    const INSERT: &str = "INSERT INTO audit_log (seq, at, actor, organisation, action, object, purpose, fields, outcome, prev_hash, hash) \
                          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
    const HEAD: &str = "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1";
    on_tx!(tx, c => {
        sqlx::query(INSERT)
            .bind(entry.seq)
            .bind(&entry.at)
            .bind(&entry.actor)
            .bind(&entry.organisation)
            .bind(&entry.action)
            .bind(&entry.object)
            .bind(&entry.purpose)
            .bind(&fields)
            .bind(&entry.outcome)
            .bind(&entry.prev_hash)
            .bind(&entry.hash)
            .execute(&mut *c)
            .await?;
        sqlx::query(HEAD).bind(entry.seq).bind(&entry.hash).execute(&mut *c).await?;
    });
    Ok(entry)
}

/// Rows of one multi-row INSERT in [`append_all`] (11 bound values each, well under the bind
/// limits of both backends).
const ROWS_PER_INSERT: usize = 64;

/// Appends `events` (each with its actor) in `tx`, in order and contiguous in the chain: the same
/// entries as [`append`] called for each in turn, but the head is read (and locked) once, the rows
/// go in multi-row INSERTs and the head is written once (for the group commit of reads, where a
/// batch holds hundreds of entries: three statements an entry were most of its cost).
pub async fn append_all(
    tx: &mut Tx,
    events: &[(&Actor, AuditEvent<'_>)],
) -> Result<Vec<AuditEntry>, RegistryError> {
    if events.is_empty() {
        return Ok(Vec::new());
    }
    let (mut seq, mut prev_hash): (i64, String) = match tx {
        Tx::Sqlite(t) => {
            sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1")
                .fetch_one(&mut **t)
                .await?
        }
        Tx::Postgres(t) => {
            sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE")
                .fetch_one(&mut **t)
                .await?
        }
    };
    let mut entries = Vec::with_capacity(events.len());
    let mut field_lists = Vec::with_capacity(events.len());
    for (actor, event) in events {
        seq += 1;
        let mut entry = AuditEntry {
            seq,
            at: now(),
            actor: actor.user_id.clone(),
            organisation: actor.organisation_id.clone(),
            action: event.action.to_owned(),
            object: event.object.to_owned(),
            purpose: event.purpose.to_owned(),
            fields: event.fields.iter().map(|f| (*f).to_owned()).collect(),
            outcome: event.outcome.as_str().to_owned(),
            prev_hash: std::mem::take(&mut prev_hash),
            hash: String::new(),
        };
        entry.hash = entry.compute_hash();
        prev_hash.clone_from(&entry.hash);
        field_lists.push(
            serde_json::to_string(&entry.fields)
                .map_err(|e| RegistryError::invalid("audit fields", e.to_string()))?,
        );
        entries.push(entry);
    }
    const INSERT: &str = "INSERT INTO audit_log (seq, at, actor, organisation, action, object, purpose, fields, outcome, prev_hash, hash) ";
    const HEAD: &str = "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1";
    for (chunk, fields) in entries
        .chunks(ROWS_PER_INSERT)
        .zip(field_lists.chunks(ROWS_PER_INSERT))
    {
        on_tx!(tx, c => {
            let mut q = sqlx::QueryBuilder::new(INSERT);
            q.push_values(chunk.iter().zip(fields), |mut row, (e, f)| {
                row.push_bind(e.seq)
                    .push_bind(&e.at)
                    .push_bind(&e.actor)
                    .push_bind(&e.organisation)
                    .push_bind(&e.action)
                    .push_bind(&e.object)
                    .push_bind(&e.purpose)
                    .push_bind(f)
                    .push_bind(&e.outcome)
                    .push_bind(&e.prev_hash)
                    .push_bind(&e.hash);
            });
            q.build().execute(&mut *c).await?;
        });
    }
    on_tx!(tx, c => {
        sqlx::query(HEAD).bind(seq).bind(&prev_hash).execute(&mut *c).await?;
    });
    Ok(entries)
}

/// Appends one entry in its own transaction (for refusals, which change nothing else).
pub async fn append_alone(
    pool: &RegistryPool,
    actor: &Actor,
    event: &AuditEvent<'_>,
) -> Result<AuditEntry, RegistryError> {
    let mut tx = Tx::begin(pool).await?;
    let entry = append(&mut tx, actor, event).await?;
    tx.commit().await?;
    Ok(entry)
}

/// Why verification stopped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainBreak {
    /// The first seq that fails (for a missing entry: the seq expected there).
    pub seq: i64,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    pub entries: u64,
    pub head_seq: i64,
    pub first_break: Option<ChainBreak>,
}

/// One `audit_log` row in column order (see [`AUDIT_COLUMNS`]).
pub(crate) type Row = (
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
);

const PAGE: i64 = 20_000;
/// The columns of [`Row`], in its order.
pub(crate) const AUDIT_COLUMNS: &str =
    "seq, at, actor, organisation, action, object, purpose, fields, outcome, prev_hash, hash";

const SELECT_PAGE: &str = "SELECT seq, at, actor, organisation, action, object, purpose, fields, outcome, prev_hash, hash \
                           FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2";

pub(crate) fn entry_of(row: Row) -> Result<AuditEntry, String> {
    let (seq, at, actor, organisation, action, object, purpose, fields, outcome, prev_hash, hash) =
        row;
    let fields: Vec<String> = serde_json::from_str(&fields)
        .map_err(|e| format!("fields is not a JSON array of names: {e}"))?;
    Ok(AuditEntry {
        seq,
        at,
        actor,
        organisation,
        action,
        object,
        purpose,
        fields,
        outcome,
        prev_hash,
        hash,
    })
}

async fn page(pool: &RegistryPool, after: i64) -> Result<Vec<Row>, RegistryError> {
    Ok(
        on_pool!(pool, p => sqlx::query_as::<_, Row>(SELECT_PAGE).bind(after).bind(PAGE).fetch_all(p).await?),
    )
}

/// Checks entries one by one, in seq order: contiguous seq from 1, each prev_hash the hash of
/// the entry before, each hash the hash of its canonical encoding.
#[derive(Debug, Clone)]
pub struct ChainChecker {
    expected_seq: i64,
    prev: String,
}

impl Default for ChainChecker {
    fn default() -> Self {
        Self {
            expected_seq: 1,
            prev: GENESIS_HASH.to_owned(),
        }
    }
}

impl ChainChecker {
    pub fn push(&mut self, entry: &AuditEntry) -> Result<(), ChainBreak> {
        if entry.seq != self.expected_seq {
            return Err(ChainBreak {
                seq: self.expected_seq,
                reason: format!(
                    "entry {} is missing or out of place (found {})",
                    self.expected_seq, entry.seq
                ),
            });
        }
        if entry.prev_hash != self.prev {
            return Err(ChainBreak {
                seq: entry.seq,
                reason: "prev_hash does not match the hash of the entry before".into(),
            });
        }
        if entry.compute_hash() != entry.hash {
            return Err(ChainBreak {
                seq: entry.seq,
                reason: "hash does not match the entry's content".into(),
            });
        }
        self.prev = entry.hash.clone();
        self.expected_seq += 1;
        Ok(())
    }

    /// The last checked seq (0 before any).
    pub fn last_seq(&self) -> i64 {
        self.expected_seq - 1
    }

    pub fn last_hash(&self) -> &str {
        &self.prev
    }
}

/// The checks of [`ChainChecker`] straight on stored rows, without building an [`AuditEntry`]:
/// the canonical encoding goes into one reused buffer, the digest is hex-encoded on the stack and
/// compared with the stored text. Same results, same reasons.
struct RowChecker {
    expected_seq: i64,
    prev: String,
    /// A range after the first takes its first entry's prev_hash as given; the merge then checks
    /// it against the previous range's last hash.
    take_first_prev: bool,
    first_prev: Option<String>,
    buf: Vec<u8>,
}

impl RowChecker {
    #[cfg(test)]
    fn new() -> Self {
        Self::from_seq(1)
    }

    /// A checker of the range starting at `first_seq` (the whole chain when it is 1).
    fn from_seq(first_seq: i64) -> Self {
        Self {
            expected_seq: first_seq,
            prev: GENESIS_HASH.to_owned(),
            take_first_prev: first_seq > 1,
            first_prev: None,
            buf: Vec::with_capacity(512),
        }
    }

    fn push(&mut self, row: Row) -> Result<(), ChainBreak> {
        let (
            seq,
            at,
            actor,
            organisation,
            action,
            object,
            purpose,
            fields,
            outcome,
            prev_hash,
            hash,
        ) = row;
        self.push_parts(&RowRef {
            seq,
            text: [&at, &actor, &organisation, &action, &object, &purpose],
            fields: &fields,
            outcome: &outcome,
            prev_hash: &prev_hash,
            hash: &hash,
        })
    }

    /// [`RowChecker::push`] on borrowed columns (the SQLite reader lends them from its row).
    fn push_parts(&mut self, row: &RowRef<'_>) -> Result<(), ChainBreak> {
        let seq = row.seq;
        // Names without escapes borrow from the JSON text; others fall back to owned strings.
        let owned: Vec<String>;
        let borrowed: Vec<&str>;
        let names: &[&str] = match serde_json::from_str::<Vec<&str>>(row.fields) {
            Ok(v) => {
                borrowed = v;
                &borrowed
            }
            Err(_) => {
                owned =
                    serde_json::from_str::<Vec<String>>(row.fields).map_err(|e| ChainBreak {
                        seq,
                        reason: format!("fields is not a JSON array of names: {e}"),
                    })?;
                borrowed = owned.iter().map(String::as_str).collect();
                &borrowed
            }
        };
        if seq != self.expected_seq {
            return Err(ChainBreak {
                seq: self.expected_seq,
                reason: format!(
                    "entry {} is missing or out of place (found {seq})",
                    self.expected_seq
                ),
            });
        }
        if self.take_first_prev {
            self.take_first_prev = false;
            self.first_prev = Some(row.prev_hash.to_owned());
            self.prev.clear();
            self.prev.push_str(row.prev_hash);
        }
        if row.prev_hash != self.prev {
            return Err(ChainBreak {
                seq,
                reason: "prev_hash does not match the hash of the entry before".into(),
            });
        }
        let buf = &mut self.buf;
        buf.clear();
        buf.extend_from_slice(b"cairn-audit-v1");
        let mut digits = [0u8; 20];
        lp(buf, decimal(seq, &mut digits));
        for s in row.text {
            lp(buf, s);
        }
        let mut count = [0u8; 20];
        lp(buf, decimal(names.len() as i64, &mut count));
        for f in names {
            lp(buf, f);
        }
        lp(buf, row.outcome);
        lp(buf, row.prev_hash);
        let mut hex_digest = [0u8; 64];
        hex::encode_to_slice(Sha256::digest(&buf[..]), &mut hex_digest).map_err(|e| {
            ChainBreak {
                seq,
                reason: e.to_string(),
            }
        })?;
        if hex_digest[..] != *row.hash.as_bytes() {
            return Err(ChainBreak {
                seq,
                reason: "hash does not match the entry's content".into(),
            });
        }
        // The previous hash is kept in place: no allocation per entry.
        self.prev.clear();
        self.prev.push_str(row.hash);
        self.expected_seq += 1;
        Ok(())
    }
}

/// One `audit_log` row with borrowed text columns: at, actor, organisation, action, object and
/// purpose in `text`, in that order.
struct RowRef<'a> {
    seq: i64,
    text: [&'a str; 6],
    fields: &'a str,
    outcome: &'a str,
    prev_hash: &'a str,
    hash: &'a str,
}

/// Decimal text of `n` in `buf` (no allocation).
fn decimal(n: i64, buf: &mut [u8; 20]) -> &str {
    use std::io::Write;
    let mut cursor = std::io::Cursor::new(&mut buf[..]);
    let _ = write!(cursor, "{n}");
    let len = usize::try_from(cursor.position()).unwrap_or(0);
    std::str::from_utf8(&buf[..len]).unwrap_or("")
}

/// What one range of the chain gave.
struct RangeResult {
    first_seq: i64,
    entries: u64,
    first_break: Option<ChainBreak>,
    /// The prev_hash of the range's first entry (None when the range is empty).
    first_prev: Option<String>,
    /// The seq of the range's first entry read.
    first_read: Option<i64>,
    /// The last seq of the range (entries up to it must all be there).
    hi: i64,
    last_hash: String,
}

const SELECT_RANGE: &str = "SELECT seq, at, actor, organisation, action, object, purpose, fields, outcome, prev_hash, hash \
                            FROM audit_log WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3";

/// The database file of a SQLite pool, when there is one (not an in-memory database).
fn sqlite_file(pool: &RegistryPool) -> Option<std::path::PathBuf> {
    let RegistryPool::Sqlite(p) = pool else {
        return None;
    };
    let options = p.connect_options();
    let path = options.get_filename();
    let text = path.to_string_lossy();
    if text.is_empty() || text.starts_with(':') || text.starts_with("file:") || !path.is_file() {
        return None;
    }
    Some(path.to_owned())
}

/// Checks entries `lo < seq <= hi` of a SQLite database file through a read-only connection of
/// its own, on the calling (blocking) thread: one statement, one snapshot, and the columns are
/// borrowed from SQLite's row buffer. Reading through sqlx's worker copied every value of every
/// row and cost about three quarters of the time of a verification.
fn verify_range_sqlite_file(
    path: &std::path::Path,
    lo: i64,
    hi: i64,
) -> Result<RangeResult, RegistryError> {
    use rusqlite::OpenFlags;
    let db = |e: rusqlite::Error| RegistryError::invalid(path.display().to_string(), e.to_string());
    let conn = rusqlite::Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(db)?;
    conn.busy_timeout(std::time::Duration::from_secs(30))
        .map_err(db)?;
    let mut statement = conn
        .prepare(&format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE seq > ?1 AND seq <= ?2 ORDER BY seq"
        ))
        .map_err(db)?;
    let mut rows = statement.query([lo, hi]).map_err(db)?;
    let mut checker = RowChecker::from_seq(lo + 1);
    let mut entries = 0u64;
    let mut first_read = None;
    let mut first_break = None;
    while let Some(row) = rows.next().map_err(db)? {
        let seq: i64 = row.get(0).map_err(db)?;
        first_read.get_or_insert(seq);
        // A column that is not text (altered type, NULL) is a break at its entry.
        let text = |i: usize| -> Result<&str, ChainBreak> {
            row.get_ref(i)
                .ok()
                .and_then(|v| v.as_str().ok())
                .ok_or_else(|| ChainBreak {
                    seq,
                    reason: format!("column {} is not text", i + 1),
                })
        };
        let checked = (|| {
            let parts = RowRef {
                seq,
                text: [text(1)?, text(2)?, text(3)?, text(4)?, text(5)?, text(6)?],
                fields: text(7)?,
                outcome: text(8)?,
                prev_hash: text(9)?,
                hash: text(10)?,
            };
            checker.push_parts(&parts)
        })();
        if let Err(b) = checked {
            first_break = Some(b);
            break;
        }
        entries += 1;
    }
    Ok(RangeResult {
        first_seq: lo + 1,
        hi,
        entries,
        first_break,
        first_prev: checker.first_prev.take(),
        first_read,
        last_hash: checker.prev,
    })
}

/// Checks entries `lo < seq <= hi`: one task reads pages while a blocking thread hashes them
/// (a SQLite file with `direct`: [`verify_range_sqlite_file`] instead).
async fn verify_range(
    pool: RegistryPool,
    lo: i64,
    hi: i64,
    direct: bool,
) -> Result<RangeResult, RegistryError> {
    if let Some(path) = sqlite_file(&pool).filter(|_| direct) {
        return tokio::task::spawn_blocking(move || verify_range_sqlite_file(&path, lo, hi))
            .await
            .map_err(|e| RegistryError::invalid("audit verify", e.to_string()))?;
    }
    let (send, mut receive) = tokio::sync::mpsc::channel::<Vec<Row>>(4);
    let checker = tokio::task::spawn_blocking(move || {
        let mut checker = RowChecker::from_seq(lo + 1);
        let mut entries = 0u64;
        let mut first_read = None;
        let mut first_break = None;
        'pages: while let Some(rows) = receive.blocking_recv() {
            for row in rows {
                first_read.get_or_insert(row.0);
                if let Err(b) = checker.push(row) {
                    first_break = Some(b);
                    break 'pages;
                }
                entries += 1;
            }
        }
        RangeResult {
            first_seq: lo + 1,
            hi,
            entries,
            first_break,
            first_prev: checker.first_prev.take(),
            first_read,
            last_hash: checker.prev,
        }
    });
    let mut after = lo;
    while after < hi {
        let rows = on_pool!(&pool, p => sqlx::query_as::<_, Row>(SELECT_RANGE).bind(after).bind(hi).bind(PAGE).fetch_all(p).await?);
        let Some(last) = rows.last() else { break };
        after = last.0;
        // A closed channel means the checker stopped at a break: no need to read further.
        if send.send(rows).await.is_err() {
            break;
        }
    }
    drop(send);
    checker
        .await
        .map_err(|e| RegistryError::invalid("audit verify", e.to_string()))
}

/// Checks the whole chain (the checks of [`ChainChecker`], same first break and reason), then
/// that the head stands at the last entry. The seq range is cut in as many parts as there are
/// cores (at most the pool's connections); each part is read and hashed on its own, reading and
/// hashing overlapped; the parts are then joined: each part's first prev_hash must be the hash
/// that ends the part before.
pub async fn verify(pool: &RegistryPool) -> Result<VerifyReport, RegistryError> {
    let (max,): (Option<i64>,) =
        on_pool!(pool, p => sqlx::query_as("SELECT MAX(seq) FROM audit_log").fetch_one(p).await?);
    let max = max.unwrap_or(0).max(0);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    // A SQLite file is read by connections of the verifier's own, two parts a core: the total CPU
    // stays the same (about 9 s for 10M entries) and, on a machine shared with other work, more
    // threads may get a larger share of it (10M entries on 2 busy cores, two runs: 13.1 and
    // 21.8 s in 4 parts, 20.3 and 22.4 s in 2). Otherwise the pool's connections bound the parts.
    let limit = match (pool, sqlite_file(pool).is_some()) {
        (RegistryPool::Sqlite(_), true) => (2 * cores).min(8),
        (RegistryPool::Sqlite(_), false) => cores.min(4),
        (RegistryPool::Postgres(_), _) => cores.min(8),
    };
    // Small logs are checked in one part: splitting only pays for large ones.
    let parts = if max < 200_000 { 1 } else { limit.max(1) };
    verify_in_parts(pool, parts).await
}

/// [`verify`] with the seq range cut in `parts` parts (tests and benchmarks choose; the report
/// is the same whatever the number).
pub async fn verify_in_parts(
    pool: &RegistryPool,
    parts: usize,
) -> Result<VerifyReport, RegistryError> {
    verify_parts(pool, parts, true).await
}

/// [`verify_in_parts`] reading SQLite through the sqlx pool, as before the direct reader: the
/// reference the direct reader is tested and measured against (same report expected).
pub async fn verify_in_parts_through_pool(
    pool: &RegistryPool,
    parts: usize,
) -> Result<VerifyReport, RegistryError> {
    verify_parts(pool, parts, false).await
}

async fn verify_parts(
    pool: &RegistryPool,
    parts: usize,
    direct: bool,
) -> Result<VerifyReport, RegistryError> {
    let (head_seq, head_hash): (i64, String) = on_pool!(pool, p => sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(p).await?);
    let (max,): (Option<i64>,) =
        on_pool!(pool, p => sqlx::query_as("SELECT MAX(seq) FROM audit_log").fetch_one(p).await?);
    let max = max.unwrap_or(0).max(0);
    let parts = i64::try_from(parts.max(1)).unwrap_or(1);
    let step = (max + parts - 1) / parts.max(1);
    let mut tasks = Vec::new();
    for k in 0..parts {
        let lo = k * step;
        let hi = if k + 1 == parts { max } else { (k + 1) * step };
        tasks.push(tokio::spawn(verify_range(pool.clone(), lo, hi, direct)));
    }
    let mut entries = 0u64;
    let mut prev = GENESIS_HASH.to_owned();
    let mut last = 0i64;
    let broken = |b: ChainBreak, entries: u64| VerifyReport {
        entries,
        head_seq,
        first_break: Some(b),
    };
    for task in tasks {
        let r = task
            .await
            .map_err(|e| RegistryError::invalid("audit verify", e.to_string()))??;
        let Some(first_read) = r.first_read else {
            if r.first_seq <= max {
                // No entry at all in this part: its first seq is missing.
                let b = ChainBreak {
                    seq: r.first_seq,
                    reason: format!("entry {} is missing or out of place", r.first_seq),
                };
                return Ok(broken(b, entries));
            }
            continue;
        };
        if let Some(b) = &r.first_break
            && b.seq < first_read
        {
            return Ok(broken(b.clone(), entries));
        }
        if r.first_seq > 1 && r.first_prev.as_deref() != Some(prev.as_str()) {
            let b = ChainBreak {
                seq: first_read,
                reason: "prev_hash does not match the hash of the entry before".into(),
            };
            return Ok(broken(b, entries));
        }
        entries += r.entries;
        if let Some(b) = r.first_break {
            return Ok(broken(b, entries));
        }
        prev = r.last_hash;
        last = first_read + i64::try_from(r.entries).unwrap_or(0) - 1;
        if last < r.hi {
            // The part ends early: the entries after its last one are missing.
            let b = ChainBreak {
                seq: last + 1,
                reason: format!("entry {} is missing or out of place", last + 1),
            };
            return Ok(broken(b, entries));
        }
    }
    if head_seq != last || head_hash != prev {
        // Entries after the last stored one were removed, or the head was altered.
        let seq = if head_seq > last {
            last + 1
        } else {
            head_seq.max(1)
        };
        return Ok(broken(
            ChainBreak {
                seq,
                reason: format!("chain head says seq {head_seq}, the log ends at {last}"),
            },
            entries,
        ));
    }
    Ok(VerifyReport {
        entries,
        head_seq,
        first_break: None,
    })
}

/// Writes every entry as one JSON object per line, in seq order; returns the count.
pub async fn export_jsonl(
    pool: &RegistryPool,
    out: &mut dyn std::io::Write,
) -> Result<u64, RegistryError> {
    let mut after = 0i64;
    let mut n = 0u64;
    loop {
        let rows = page(pool, after).await?;
        if rows.is_empty() {
            return Ok(n);
        }
        for row in rows {
            after = row.0;
            let seq = row.0;
            let entry = entry_of(row)
                .map_err(|m| RegistryError::invalid(format!("audit_log seq {seq}"), m))?;
            let line = serde_json::to_string(&entry)
                .map_err(|e| RegistryError::invalid("audit export", e.to_string()))?;
            writeln!(out, "{line}").map_err(|e| RegistryError::io("audit export", e))?;
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn chain(n: usize) -> Vec<AuditEntry> {
        let mut prev = GENESIS_HASH.to_owned();
        (1..=n as i64)
            .map(|seq| {
                let mut e = AuditEntry {
                    seq,
                    at: format!("2026-01-01T00:00:{:02}Z", seq % 60),
                    actor: format!("usr-{}", seq % 3),
                    organisation: "org-1".into(),
                    action: if seq % 2 == 0 {
                        "person.read".into()
                    } else {
                        "case.create".into()
                    },
                    object: format!("prs-{seq}"),
                    purpose: "care".into(),
                    fields: vec!["first_name".into(), "birthdate".into()],
                    outcome: "ok".into(),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                e.hash = e.compute_hash();
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    fn check(entries: &[AuditEntry]) -> Result<(), ChainBreak> {
        let mut c = ChainChecker::default();
        entries.iter().try_for_each(|e| c.push(e))
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(check(&chain(20)), Ok(()));
    }

    #[test]
    fn canonical_encoding_separates_fields() {
        let mut a = chain(1).remove(0);
        let mut b = a.clone();
        a.actor = "ab".into();
        a.organisation = "c".into();
        b.actor = "a".into();
        b.organisation = "bc".into();
        assert_ne!(a.compute_hash(), b.compute_hash());
    }

    fn row_of(e: &AuditEntry) -> Row {
        (
            e.seq,
            e.at.clone(),
            e.actor.clone(),
            e.organisation.clone(),
            e.action.clone(),
            e.object.clone(),
            e.purpose.clone(),
            serde_json::to_string(&e.fields).unwrap(),
            e.outcome.clone(),
            e.prev_hash.clone(),
            e.hash.clone(),
        )
    }

    fn check_rows(entries: &[AuditEntry]) -> Result<(), ChainBreak> {
        let mut c = RowChecker::new();
        entries.iter().try_for_each(|e| c.push(row_of(e)))
    }

    #[test]
    fn row_checker_reads_escaped_names_and_bad_json() {
        let mut c = chain(2);
        c[0].fields = vec!["na\"me".into(), "é\u{1}".into()];
        c[0].hash = c[0].compute_hash();
        c[1].prev_hash = c[0].hash.clone();
        c[1].hash = c[1].compute_hash();
        assert_eq!(check_rows(&c), Ok(()));
        let mut row = row_of(&c[0]);
        row.7 = "{not json".into();
        let e = RowChecker::new().push(row).unwrap_err();
        assert_eq!(e.seq, 1);
        assert!(e.reason.contains("JSON"));
        // An upper-case copy of the right hash is still an edit.
        let mut row = row_of(&c[0]);
        row.10 = row.10.to_uppercase();
        assert!(RowChecker::new().push(row).is_err());
    }

    proptest! {
        /// The row checker used by `verify` gives exactly the ChainChecker's verdicts.
        #[test]
        fn row_checker_agrees_with_chain_checker(n in 1usize..20, i in 0usize..20, which in 0usize..6, junk in "[a-z0-9]{1,5}") {
            let mut c = chain(n);
            let i = i % n;
            match which {
                0 => c[i].actor.push_str(&junk),
                1 => c[i].fields.push(junk.clone()),
                2 => c[i].seq += 1,
                3 => c[i].prev_hash = junk.clone(),
                4 => { c.remove(i); }
                _ => {}
            }
            prop_assert_eq!(check_rows(&c), check(&c));
        }

        #[test]
        fn any_edit_is_detected_at_its_seq(n in 2usize..30, i in 0usize..30, which in 0usize..9, junk in "[a-z0-9]{1,8}") {
            let i = i % n;
            let mut c = chain(n);
            let e = &mut c[i];
            match which {
                0 => e.at.push_str(&junk),
                1 => e.actor.push_str(&junk),
                2 => e.organisation.push_str(&junk),
                3 => e.action.push_str(&junk),
                4 => e.object.push_str(&junk),
                5 => e.purpose.push_str(&junk),
                6 => e.fields.push(junk.clone()),
                7 => e.outcome.push_str(&junk),
                _ => e.fields.clear(),
            }
            let seq = c[i].seq;
            prop_assert_eq!(check(&c).map_err(|b| b.seq), Err(seq));
        }

        #[test]
        fn an_edit_with_a_recomputed_hash_breaks_the_next_link(n in 2usize..30, i in 0usize..29) {
            let i = i % (n - 1);
            let mut c = chain(n);
            c[i].outcome = "denied".into();
            c[i].hash = c[i].compute_hash();
            prop_assert_eq!(check(&c).map_err(|b| b.seq), Err(c[i + 1].seq));
        }

        #[test]
        fn any_deletion_is_detected(n in 2usize..30, i in 0usize..29) {
            let i = i % (n - 1); // deleting the last entry is caught by the head check
            let mut c = chain(n);
            let gone = c.remove(i).seq;
            prop_assert_eq!(check(&c).map_err(|b| b.seq), Err(gone));
        }

        #[test]
        fn any_reordering_is_detected(n in 2usize..30, i in 0usize..30, j in 0usize..30) {
            let (i, j) = (i % n, j % n);
            prop_assume!(i != j);
            let mut c = chain(n);
            c.swap(i, j);
            prop_assert!(check(&c).is_err());
            // Renumbering the swapped entries to look contiguous does not help either.
            for (k, e) in c.iter_mut().enumerate() {
                e.seq = k as i64 + 1;
            }
            prop_assert!(check(&c).is_err());
        }
    }
}
