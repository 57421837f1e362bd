//! The crawl frontier on disk (SQLite, WAL): every URL ever seen, the queue of URLs to fetch,
//! per-host counters and robots.txt, the last capture of each URL (for re-visits), and how far
//! each WARC file was committed. Memory stays bounded whatever the frontier's size: the crawler
//! reads the queue in small batches.
//!
//! Crash safety: the crawler writes WARC records first, syncs the file, then commits in one
//! transaction the finished queue entries, the new links and the files' committed lengths. On
//! resume the WARC files are cut back to those lengths, so nothing is fetched or stored twice.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use sqlx::Row;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

/// Frontier errors.
#[derive(Debug, thiserror::Error)]
pub enum FrontierError {
    #[error("frontier database: {0}")]
    Db(#[from] sqlx::Error),
}

/// File name of the frontier inside the output directory.
pub const FRONTIER_FILE: &str = "frontier.sqlite";

/// What became of a seen URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i64)]
pub enum UrlState {
    Queued = 0,
    Done = 1,
    Failed = 2,
    /// Refused by robots.txt or by a spider-trap limit.
    Skipped = 3,
}

/// One queued fetch.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueEntry {
    pub seq: i64,
    pub url: String,
    pub depth: u32,
    /// Redirects followed to reach this URL.
    pub hops: u32,
    pub attempts: u32,
    /// Unix seconds before which the entry must not be fetched (retry back-off).
    pub not_before: f64,
    /// A scheduled re-capture of a seed.
    pub revisit: bool,
    /// The page that linked here (or redirected here).
    pub via: Option<String>,
}

/// A link to add to the frontier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLink {
    pub url: String,
    pub host: String,
    /// `host + path`, for the query-variant limit; `None` when the URL has no query.
    pub variant_key: Option<String>,
    pub depth: u32,
    pub hops: u32,
    pub via: Option<String>,
}

/// Why a link was not queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkOutcome {
    Queued,
    AlreadySeen,
    HostLimit,
    VariantLimit,
}

/// The last full capture of a URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capture {
    pub record_id: String,
    pub date: String,
    pub payload_digest: String,
}

/// Limits applied when links are added.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkLimits {
    pub max_urls_per_host: u64,
    pub max_query_variants: u64,
}

/// Everything the crawler commits at once.
#[derive(Debug, Default)]
pub struct Commit {
    /// Queue entries finished, with the final state of their URL.
    pub finished: Vec<(i64, String, UrlState)>,
    /// Queue entries to try again later: `(seq, attempts, not_before)`.
    pub retries: Vec<(i64, u32, f64)>,
    pub links: Vec<NewLink>,
    /// `(url, capture)` of full responses.
    pub captures: Vec<(String, Capture)>,
    /// `(host, robots.txt body, or None when everything is allowed/denied, allow_all)`.
    pub robots: Vec<(String, RobotsRecord)>,
    /// Committed lengths of WARC files.
    pub files: HashMap<String, u64>,
    /// `(key, value)` settings (re-visit rounds).
    pub meta: Vec<(String, String)>,
}

/// robots.txt as fetched, kept so that a resumed crawl does not fetch it again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RobotsRecord {
    Body(Vec<u8>),
    AllowAll,
    DisallowAll,
}

/// Counts for progress and summaries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FrontierCounts {
    pub seen: u64,
    pub queued: u64,
    pub done: u64,
    pub failed: u64,
    pub skipped: u64,
}

/// The on-disk frontier.
#[derive(Clone)]
pub struct Frontier {
    pool: SqlitePool,
}

impl Frontier {
    /// Opens or creates the frontier at `path`.
    pub async fn open(path: &Path) -> Result<Self, FrontierError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(30));
        // One connection: the crawler is the only writer, and statements stay ordered.
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await?;
        for stmt in SCHEMA {
            sqlx::query(*stmt).execute(&pool).await?;
        }
        Ok(Frontier { pool })
    }

    /// Queues the seeds not seen before (depth 0).
    pub async fn add_seeds(&self, seeds: &[NewLink]) -> Result<usize, FrontierError> {
        let limits = LinkLimits {
            max_urls_per_host: u64::MAX,
            max_query_variants: u64::MAX,
        };
        let mut tx = self.pool.begin().await?;
        let mut n = 0;
        for s in seeds {
            if add_link(&mut tx, s, limits).await? == LinkOutcome::Queued {
                n += 1;
            }
        }
        tx.commit().await?;
        Ok(n)
    }

    /// Queues a re-capture of each URL, whether seen or not.
    pub async fn add_revisits(&self, urls: &[NewLink]) -> Result<(), FrontierError> {
        let mut tx = self.pool.begin().await?;
        for u in urls {
            sqlx::query(
                "INSERT INTO queue (url, depth, hops, revisit, via) VALUES (?, ?, 0, 1, NULL)",
            )
            .bind(&u.url)
            .bind(i64::from(u.depth))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Up to `limit` queue entries after `after_seq`, in order.
    pub async fn load_batch(
        &self,
        after_seq: i64,
        limit: u32,
    ) -> Result<Vec<QueueEntry>, FrontierError> {
        let rows = sqlx::query(
            "SELECT seq, url, depth, hops, attempts, not_before, revisit, via FROM queue \
             WHERE seq > ? ORDER BY seq LIMIT ?",
        )
        .bind(after_seq)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            out.push(QueueEntry {
                seq: r.try_get(0)?,
                url: r.try_get(1)?,
                depth: u32::try_from(r.try_get::<i64, _>(2)?).unwrap_or(u32::MAX),
                hops: u32::try_from(r.try_get::<i64, _>(3)?).unwrap_or(u32::MAX),
                attempts: u32::try_from(r.try_get::<i64, _>(4)?).unwrap_or(u32::MAX),
                not_before: r.try_get(5)?,
                revisit: r.try_get::<i64, _>(6)? != 0,
                via: r.try_get(7)?,
            });
        }
        Ok(out)
    }

    /// Applies one batch of results in a single transaction. Returns the outcome of each link,
    /// in order.
    pub async fn commit(
        &self,
        c: &Commit,
        limits: LinkLimits,
    ) -> Result<Vec<LinkOutcome>, FrontierError> {
        let mut tx = self.pool.begin().await?;
        for (seq, url, state) in &c.finished {
            sqlx::query("DELETE FROM queue WHERE seq = ?")
                .bind(seq)
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE seen SET state = ? WHERE url = ?")
                .bind(*state as i64)
                .bind(url)
                .execute(&mut *tx)
                .await?;
        }
        for (seq, attempts, not_before) in &c.retries {
            // A new sequence number puts the retry behind the entries already loaded.
            sqlx::query(
                "INSERT INTO queue (url, depth, hops, attempts, not_before, revisit, via) \
                 SELECT url, depth, hops, ?, ?, revisit, via FROM queue WHERE seq = ?",
            )
            .bind(i64::from(*attempts))
            .bind(not_before)
            .bind(seq)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM queue WHERE seq = ?")
                .bind(seq)
                .execute(&mut *tx)
                .await?;
        }
        let mut outcomes = Vec::with_capacity(c.links.len());
        for l in &c.links {
            outcomes.push(add_link(&mut tx, l, limits).await?);
        }
        for (url, cap) in &c.captures {
            sqlx::query(
                "INSERT INTO captures (url, record_id, date, payload_digest) VALUES (?, ?, ?, ?) \
                 ON CONFLICT(url) DO UPDATE SET record_id = excluded.record_id, \
                 date = excluded.date, payload_digest = excluded.payload_digest",
            )
            .bind(url)
            .bind(&cap.record_id)
            .bind(&cap.date)
            .bind(&cap.payload_digest)
            .execute(&mut *tx)
            .await?;
        }
        for (host, rec) in &c.robots {
            let (kind, body): (i64, Option<&[u8]>) = match rec {
                RobotsRecord::Body(b) => (0, Some(b)),
                RobotsRecord::AllowAll => (1, None),
                RobotsRecord::DisallowAll => (2, None),
            };
            sqlx::query(
                "INSERT INTO hosts (host, urls, robots_kind, robots) VALUES (?, 0, ?, ?) \
                 ON CONFLICT(host) DO UPDATE SET robots_kind = excluded.robots_kind, \
                 robots = excluded.robots",
            )
            .bind(host)
            .bind(kind)
            .bind(body)
            .execute(&mut *tx)
            .await?;
        }
        for (name, len) in &c.files {
            sqlx::query(
                "INSERT INTO files (name, committed) VALUES (?, ?) \
                 ON CONFLICT(name) DO UPDATE SET committed = excluded.committed",
            )
            .bind(name)
            .bind(i64::try_from(*len).unwrap_or(i64::MAX))
            .execute(&mut *tx)
            .await?;
        }
        for (k, v) in &c.meta {
            set_meta(&mut tx, k, v).await?;
        }
        tx.commit().await?;
        Ok(outcomes)
    }

    /// Committed length of every WARC file.
    pub async fn committed_files(&self) -> Result<HashMap<String, u64>, FrontierError> {
        let rows = sqlx::query("SELECT name, committed FROM files")
            .fetch_all(&self.pool)
            .await?;
        let mut out = HashMap::new();
        for r in rows {
            let len: i64 = r.try_get(1)?;
            out.insert(r.try_get(0)?, u64::try_from(len).unwrap_or(0));
        }
        Ok(out)
    }

    /// robots.txt stored for `host`, if it was fetched.
    pub async fn robots(&self, host: &str) -> Result<Option<RobotsRecord>, FrontierError> {
        let row = sqlx::query("SELECT robots_kind, robots FROM hosts WHERE host = ?")
            .bind(host)
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let kind: Option<i64> = row.try_get(0)?;
        Ok(match kind {
            Some(0) => Some(RobotsRecord::Body(
                row.try_get::<Option<Vec<u8>>, _>(1)?.unwrap_or_default(),
            )),
            Some(1) => Some(RobotsRecord::AllowAll),
            Some(2) => Some(RobotsRecord::DisallowAll),
            _ => None,
        })
    }

    /// The last full capture of `url`.
    pub async fn last_capture(&self, url: &str) -> Result<Option<Capture>, FrontierError> {
        let row = sqlx::query("SELECT record_id, date, payload_digest FROM captures WHERE url = ?")
            .bind(url)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(r) => Some(Capture {
                record_id: r.try_get(0)?,
                date: r.try_get(1)?,
                payload_digest: r.try_get(2)?,
            }),
            None => None,
        })
    }

    pub async fn meta(&self, key: &str) -> Result<Option<String>, FrontierError> {
        let row = sqlx::query("SELECT value FROM meta WHERE key = ?")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(r) => Some(r.try_get(0)?),
            None => None,
        })
    }

    pub async fn counts(&self) -> Result<FrontierCounts, FrontierError> {
        let rows = sqlx::query("SELECT state, COUNT(*) FROM seen GROUP BY state")
            .fetch_all(&self.pool)
            .await?;
        let mut c = FrontierCounts::default();
        for r in rows {
            let state: i64 = r.try_get(0)?;
            let n = u64::try_from(r.try_get::<i64, _>(1)?).unwrap_or(0);
            c.seen += n;
            match state {
                0 => c.queued += n,
                1 => c.done += n,
                2 => c.failed += n,
                _ => c.skipped += n,
            }
        }
        Ok(c)
    }

    pub async fn close(self) {
        self.pool.close().await;
    }
}

async fn set_meta(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    key: &str,
    value: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO meta (key, value) VALUES (?, ?) \
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Adds one link: deduplicated on the normalised URL, then the spider-trap limits (URLs per
/// host, query variants per path). A refused link is remembered as skipped.
async fn add_link(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    l: &NewLink,
    limits: LinkLimits,
) -> Result<LinkOutcome, sqlx::Error> {
    let inserted = sqlx::query("INSERT OR IGNORE INTO seen (url, state) VALUES (?, 0)")
        .bind(&l.url)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if inserted == 0 {
        return Ok(LinkOutcome::AlreadySeen);
    }
    let host_urls: i64 = sqlx::query("SELECT urls FROM hosts WHERE host = ?")
        .bind(&l.host)
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| r.try_get(0))
        .transpose()?
        .unwrap_or(0);
    let mut outcome = LinkOutcome::Queued;
    if u64::try_from(host_urls).unwrap_or(0) >= limits.max_urls_per_host {
        outcome = LinkOutcome::HostLimit;
    } else if let Some(key) = &l.variant_key {
        let n: i64 = sqlx::query(
            "INSERT INTO variants (key, n) VALUES (?, 1) \
             ON CONFLICT(key) DO UPDATE SET n = n + 1 RETURNING n",
        )
        .bind(key)
        .fetch_one(&mut **tx)
        .await?
        .try_get(0)?;
        if u64::try_from(n).unwrap_or(0) > limits.max_query_variants {
            outcome = LinkOutcome::VariantLimit;
        }
    }
    if outcome != LinkOutcome::Queued {
        sqlx::query("UPDATE seen SET state = ? WHERE url = ?")
            .bind(UrlState::Skipped as i64)
            .bind(&l.url)
            .execute(&mut **tx)
            .await?;
        return Ok(outcome);
    }
    sqlx::query(
        "INSERT INTO hosts (host, urls) VALUES (?, 1) \
         ON CONFLICT(host) DO UPDATE SET urls = urls + 1",
    )
    .bind(&l.host)
    .execute(&mut **tx)
    .await?;
    sqlx::query("INSERT INTO queue (url, depth, hops, via) VALUES (?, ?, ?, ?)")
        .bind(&l.url)
        .bind(i64::from(l.depth))
        .bind(i64::from(l.hops))
        .bind(&l.via)
        .execute(&mut **tx)
        .await?;
    Ok(LinkOutcome::Queued)
}

const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS seen (url TEXT PRIMARY KEY, state INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS queue (seq INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT NOT NULL, \
     depth INTEGER NOT NULL, hops INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0, \
     not_before REAL NOT NULL DEFAULT 0, revisit INTEGER NOT NULL DEFAULT 0, via TEXT)",
    "CREATE TABLE IF NOT EXISTS hosts (host TEXT PRIMARY KEY, urls INTEGER NOT NULL DEFAULT 0, \
     robots_kind INTEGER, robots BLOB)",
    "CREATE TABLE IF NOT EXISTS variants (key TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS files (name TEXT PRIMARY KEY, committed INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS captures (url TEXT PRIMARY KEY, record_id TEXT NOT NULL, \
     date TEXT NOT NULL, payload_digest TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn link(url: &str, depth: u32) -> NewLink {
        let u = url::Url::parse(url).unwrap();
        NewLink {
            url: url.to_owned(),
            host: u.host_str().unwrap().to_owned(),
            variant_key: u
                .query()
                .map(|_| format!("{}{}", u.host_str().unwrap(), u.path())),
            depth,
            hops: 0,
            via: None,
        }
    }

    #[tokio::test]
    async fn dedup_limits_and_commit_survive_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FRONTIER_FILE);
        let f = Frontier::open(&path).await.unwrap();
        assert_eq!(f.add_seeds(&[link("http://a.test/", 0)]).await.unwrap(), 1);
        assert_eq!(f.add_seeds(&[link("http://a.test/", 0)]).await.unwrap(), 0);
        let batch = f.load_batch(0, 10).await.unwrap();
        assert_eq!(batch.len(), 1);
        let limits = LinkLimits {
            max_urls_per_host: 4,
            max_query_variants: 2,
        };
        let mut c = Commit::default();
        c.finished
            .push((batch[0].seq, batch[0].url.clone(), UrlState::Done));
        for q in ["?d=1", "?d=2", "?d=3"] {
            c.links.push(link(&format!("http://a.test/cal{q}"), 1));
        }
        c.links.push(link("http://a.test/x", 1));
        c.links.push(link("http://a.test/y", 1));
        c.links.push(link("http://a.test/x", 1));
        c.files.insert("f.warc.gz".into(), 123);
        let out = f.commit(&c, limits).await.unwrap();
        assert_eq!(
            out,
            vec![
                LinkOutcome::Queued,
                LinkOutcome::Queued,
                LinkOutcome::VariantLimit,
                LinkOutcome::Queued,
                LinkOutcome::HostLimit,
                LinkOutcome::AlreadySeen,
            ]
        );
        f.close().await;
        let f = Frontier::open(&path).await.unwrap();
        let urls: Vec<String> = f
            .load_batch(0, 10)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.url)
            .collect();
        assert_eq!(
            urls,
            [
                "http://a.test/cal?d=1",
                "http://a.test/cal?d=2",
                "http://a.test/x"
            ]
        );
        assert_eq!(f.committed_files().await.unwrap()["f.warc.gz"], 123);
        let counts = f.counts().await.unwrap();
        assert_eq!((counts.done, counts.queued, counts.skipped), (1, 3, 2));
    }
}
