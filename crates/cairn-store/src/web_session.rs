//! Sessions of the web application (`cairn serve`), kept in the registry database so that a
//! restart or a second server process keeps them. A session is stored under the SHA-256 of its id
//! (the cookie value): reading the table does not give working cookies. The data is the session's
//! own JSON (sign-in state, CSRF token, language); the user id is copied out so that "log out
//! everywhere" can delete a user's sessions at once. Times are Unix seconds.

use crate::StoreError;
use crate::registry::RegistryPool;

/// One stored session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSession {
    pub data: String,
    pub expires_at: i64,
}

macro_rules! on_pool {
    ($pool:expr, $p:ident => $body:expr) => {
        match $pool {
            RegistryPool::Sqlite($p) => $body,
            RegistryPool::Postgres($p) => $body,
        }
    };
}

/// The session stored under key $1 if it has not expired at $2: (data, expires_at). Public so that
/// the registry's rusqlite read path runs the same query.
pub const WEB_SESSION_LOAD_SQL: &str =
    "SELECT data, expires_at FROM web_session WHERE id = $1 AND expires_at > $2";

impl RegistryPool {
    /// The session stored under `key` if it has not expired at `now`.
    pub async fn web_session_load(
        &self,
        key: &str,
        now: i64,
    ) -> Result<Option<StoredSession>, StoreError> {
        let row: Option<(String, i64)> = on_pool!(self, p => sqlx::query_as(WEB_SESSION_LOAD_SQL)
            .bind(key).bind(now).fetch_optional(p).await?);
        Ok(row.map(|(data, expires_at)| StoredSession { data, expires_at }))
    }

    /// Creates or replaces the session stored under `key`.
    pub async fn web_session_save(
        &self,
        key: &str,
        user_id: Option<&str>,
        data: &str,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        const SQL: &str = "INSERT INTO web_session (id, user_id, data, expires_at) VALUES ($1, $2, $3, $4) \
                           ON CONFLICT (id) DO UPDATE SET user_id = excluded.user_id, data = excluded.data, expires_at = excluded.expires_at";
        on_pool!(self, p => sqlx::query(SQL).bind(key).bind(user_id).bind(data).bind(expires_at).execute(p).await.map(|_| ())?);
        Ok(())
    }

    /// Stores a new session under `key` unless the key is taken; returns whether it was stored.
    pub async fn web_session_insert_new(
        &self,
        key: &str,
        user_id: Option<&str>,
        data: &str,
        expires_at: i64,
    ) -> Result<bool, StoreError> {
        const SQL: &str = "INSERT INTO web_session (id, user_id, data, expires_at) VALUES ($1, $2, $3, $4) \
                           ON CONFLICT (id) DO NOTHING";
        let done = on_pool!(self, p => sqlx::query(SQL).bind(key).bind(user_id).bind(data).bind(expires_at).execute(p).await?.rows_affected());
        Ok(done == 1)
    }

    pub async fn web_session_delete(&self, key: &str) -> Result<(), StoreError> {
        on_pool!(self, p => sqlx::query("DELETE FROM web_session WHERE id = $1").bind(key).execute(p).await.map(|_| ())?);
        Ok(())
    }

    /// Deletes every session of a user ("log out everywhere", password reset); returns how many.
    pub async fn web_sessions_delete_for_user(&self, user_id: &str) -> Result<u64, StoreError> {
        let done = on_pool!(self, p => sqlx::query("DELETE FROM web_session WHERE user_id = $1").bind(user_id).execute(p).await?.rows_affected());
        Ok(done)
    }

    /// Deletes the sessions expired at `now`; returns how many.
    pub async fn web_sessions_purge(&self, now: i64) -> Result<u64, StoreError> {
        let done = on_pool!(self, p => sqlx::query("DELETE FROM web_session WHERE expires_at <= $1").bind(now).execute(p).await?.rows_affected());
        Ok(done)
    }
}
