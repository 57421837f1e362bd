//! One registry type over two backends. Queries are written once, with `$n` placeholders (which
//! SQLite accepts as numbered parameters) and portable types (TEXT, 64-bit integers, bytes), and run
//! on the connection of whichever backend holds the transaction.

use crate::RegistryError;
use cairn_store::registry::{Backend, RegistryPool};

/// A write transaction on either backend. On SQLite it starts with `BEGIN IMMEDIATE`, which takes
/// the write lock at once: concurrent writers queue on the busy timeout instead of failing when a
/// read lock would have to be upgraded.
pub enum Tx {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

/// Runs `$body` with `$c` bound to the transaction's connection, whatever the backend.
macro_rules! on_tx {
    ($tx:expr, $c:ident => $body:expr) => {
        match $tx {
            $crate::db::Tx::Sqlite(t) => {
                let $c = &mut **t;
                $body
            }
            $crate::db::Tx::Postgres(t) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}
pub(crate) use on_tx;

/// Runs `$body` with `$c` bound to the pool, whatever the backend (reads outside a transaction).
macro_rules! on_pool {
    ($pool:expr, $c:ident => $body:expr) => {
        match $pool {
            cairn_store::registry::RegistryPool::Sqlite($c) => $body,
            cairn_store::registry::RegistryPool::Postgres($c) => $body,
        }
    };
}
pub(crate) use on_pool;

impl Tx {
    pub async fn begin(pool: &RegistryPool) -> Result<Self, RegistryError> {
        Ok(match pool {
            RegistryPool::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            RegistryPool::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    pub fn backend(&self) -> Backend {
        match self {
            Tx::Sqlite(_) => Backend::Sqlite,
            Tx::Postgres(_) => Backend::Postgres,
        }
    }

    pub async fn commit(self) -> Result<(), RegistryError> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
}

/// Current time, RFC 3339 UTC with microseconds (audit entries sort by seq, not by this).
pub fn now() -> String {
    format_time(time::OffsetDateTime::now_utc())
}

/// A time as stored: RFC 3339 UTC with microseconds.
pub fn format_time(t: time::OffsetDateTime) -> String {
    let micros = t
        .to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(t.nanosecond() / 1000 * 1000)
        .unwrap_or(t);
    micros
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Current time, UTC (re-exported for callers that do not depend on `time`).
pub fn now_utc() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

pub fn parse_time(text: &str, what: &str) -> Result<time::OffsetDateTime, RegistryError> {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .or_else(|_| {
            // A bare date means the start of that day, UTC.
            let date = time::Date::parse(
                text,
                time::macros::format_description!("[year]-[month]-[day]"),
            )?;
            Ok::<_, time::error::Parse>(date.midnight().assume_utc())
        })
        .map_err(|_| {
            RegistryError::invalid(
                what,
                format!("not an RFC 3339 time or a YYYY-MM-DD date: {text:?}"),
            )
        })
}
