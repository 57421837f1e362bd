//! Connections and versioned migrations of the registry on its two backends: SQLite (embedded
//! default, the `cairn.db` of the data directory) and PostgreSQL. The registry logic itself lives
//! in the `cairn-registry` crate; this module only opens pools and brings schemas up to date.
//!
//! Both migration directories hold the same versions with the same semantics (the scan tables of
//! 0001 and the registry of 0002 onwards), so a database of either kind reports the same version.

use crate::{DataDir, StoreError};
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::str::FromStr;
use std::time::Duration;

/// Migrations of the embedded SQLite database (the same set the scan store runs).
pub static SQLITE_MIGRATOR: Migrator = sqlx::migrate!("./migrations/sqlite");
/// Migrations of a PostgreSQL database.
pub static POSTGRES_MIGRATOR: Migrator = sqlx::migrate!("./migrations/postgres");

/// Which database holds the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A connection pool on either backend.
#[derive(Debug, Clone)]
pub enum RegistryPool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// One applied migration, as recorded by the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedMigration {
    pub version: i64,
    pub description: String,
}

impl RegistryPool {
    /// Opens the SQLite database of a data directory: WAL, foreign keys on, a long busy timeout so
    /// that concurrent writers wait instead of failing.
    pub async fn open_sqlite(dir: &DataDir) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(dir.db_path())
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(30))
            // Reads of the web server: pages mapped instead of copied, and a page cache of 32 MiB
            // per connection instead of SQLite's 2 MiB.
            .pragma("mmap_size", "268435456")
            .pragma("cache_size", "-32768");
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        Ok(Self::Sqlite(pool))
    }

    /// Opens a PostgreSQL database from a `postgres://` URL.
    pub async fn open_postgres(url: &str) -> Result<Self, StoreError> {
        Self::open_postgres_in_schema(url, None).await
    }

    /// Opens a PostgreSQL database with every connection's `search_path` set to `schema` (which
    /// must exist): tests use one fresh schema each.
    pub async fn open_postgres_in_schema(
        url: &str,
        schema: Option<&str>,
    ) -> Result<Self, StoreError> {
        let mut options = PgConnectOptions::from_str(url)?;
        if let Some(schema) = schema {
            if !schema
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                return Err(StoreError::Invalid {
                    what: schema.to_owned(),
                    message: "a schema name is letters, digits and underscores".into(),
                });
            }
            options = options.options([("search_path", schema)]);
        }
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await?;
        Ok(Self::Postgres(pool))
    }

    pub fn backend(&self) -> Backend {
        match self {
            Self::Sqlite(_) => Backend::Sqlite,
            Self::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies every pending migration; returns how many were applied.
    pub async fn migrate(&self) -> Result<usize, StoreError> {
        let before = self.applied_migrations().await?.len();
        match self {
            Self::Sqlite(pool) => SQLITE_MIGRATOR.run(pool).await?,
            Self::Postgres(pool) => POSTGRES_MIGRATOR.run(pool).await?,
        }
        let after = self.applied_migrations().await?.len();
        Ok(after.saturating_sub(before))
    }

    /// The migrations this build knows, in order.
    pub fn known_migrations(&self) -> Vec<AppliedMigration> {
        let migrator = match self {
            Self::Sqlite(_) => &SQLITE_MIGRATOR,
            Self::Postgres(_) => &POSTGRES_MIGRATOR,
        };
        migrator
            .iter()
            .map(|m| AppliedMigration {
                version: m.version,
                description: m.description.to_string(),
            })
            .collect()
    }

    /// The migrations recorded as applied (none on a fresh database).
    pub async fn applied_migrations(&self) -> Result<Vec<AppliedMigration>, StoreError> {
        const EXISTS_SQLITE: &str =
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'";
        const EXISTS_PG: &str = "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = '_sqlx_migrations' \
             AND table_schema = current_schema()";
        const LIST: &str = "SELECT version, description FROM _sqlx_migrations \
                            WHERE success ORDER BY version";
        let rows: Vec<(i64, String)> = match self {
            Self::Sqlite(pool) => {
                let (n,): (i64,) = sqlx::query_as(EXISTS_SQLITE).fetch_one(pool).await?;
                if n == 0 {
                    return Ok(Vec::new());
                }
                sqlx::query_as(LIST).fetch_all(pool).await?
            }
            Self::Postgres(pool) => {
                let (n,): (i64,) = sqlx::query_as(EXISTS_PG).fetch_one(pool).await?;
                if n == 0 {
                    return Ok(Vec::new());
                }
                sqlx::query_as(LIST).fetch_all(pool).await?
            }
        };
        Ok(rows
            .into_iter()
            .map(|(version, description)| AppliedMigration {
                version,
                description,
            })
            .collect())
    }

    pub async fn close(&self) {
        match self {
            Self::Sqlite(pool) => pool.close().await,
            Self::Postgres(pool) => pool.close().await,
        }
    }
}
