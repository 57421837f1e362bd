//! Sessions kept in the registry database (table `web_session`, migration 0011), so that a restart
//! or a second server process keeps them. Every request reads its session (one primary-key
//! lookup); a session is written only when its data changed or when its idle expiry has moved
//! by more than [`TOUCH_SECS`], so browsing costs no write per page. The idle expiry in the
//! database may therefore lag the last use by up to [`TOUCH_SECS`]; the absolute timeout and the
//! session generation are checked on every request ([`crate::auth::current_auth`]).

use cairn_store::registry::RegistryPool;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

/// How far the idle expiry may move before it is written again.
pub const TOUCH_SECS: i64 = 60;

/// Key of the session's user as read with the session row (rusqlite read path): set by
/// [`DbSessionStore::load`] in the request's copy of the session only, never stored (stripped by
/// `data_of`), taken by [`crate::auth::current_auth`], so each request checks the user and
/// generation read with its own session row instead of reading them again.
pub const LOADED_USER_KEY: &str = "_loaded_user";

/// The value under [`LOADED_USER_KEY`]: the user id of the session row and that user's actor
/// and session generation (None: unknown or deactivated).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct LoadedUser {
    pub user_id: String,
    pub actor: Option<(cairn_registry::audit::Actor, i64)>,
}

/// What this process last read or wrote for a session: its data and stored expiry.
type Known = HashMap<String, (String, i64)>;

#[derive(Debug, Clone)]
pub struct DbSessionStore {
    pool: RegistryPool,
    known: Arc<Mutex<Known>>,
    /// Loads through the registry (its rusqlite read path on SQLite) when set.
    reads: Option<cairn_registry::Registry>,
}

/// The database key of a session: SHA-256 of its id, so the table holds no usable cookie.
fn key_of(id: &Id) -> String {
    hex::encode(Sha256::digest(id.to_string().as_bytes()))
}

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

/// The user id of a signed-in session, if any (copied to its own column).
fn user_of(record: &Record) -> Option<String> {
    record
        .data
        .get(crate::auth::AUTH_KEY)?
        .get("user_id")?
        .as_str()
        .map(str::to_owned)
}

impl DbSessionStore {
    pub fn new(pool: RegistryPool) -> Self {
        Self {
            pool,
            known: Arc::new(Mutex::new(HashMap::new())),
            reads: None,
        }
    }

    /// Loads sessions through `registry` ([`cairn_registry::Registry::web_session_load`]: the
    /// same query, on the registry's fast read path when it has one); writes stay on the pool.
    pub fn reading_through(mut self, registry: cairn_registry::Registry) -> Self {
        self.reads = Some(registry);
        self
    }

    fn remember(&self, key: String, data: String, expires_at: i64) {
        if let Ok(mut k) = self.known.lock() {
            k.insert(key, (data, expires_at));
        }
    }

    fn forget(&self, key: &str) {
        if let Ok(mut k) = self.known.lock() {
            k.remove(key);
        }
    }

    /// Whether the stored copy already holds `data` with an expiry within [`TOUCH_SECS`].
    fn unchanged(&self, key: &str, data: &str, expires_at: i64) -> bool {
        self.known.lock().ok().is_some_and(|k| {
            k.get(key)
                .is_some_and(|(d, e)| d == data && expires_at >= *e && expires_at - *e < TOUCH_SECS)
        })
    }

    /// Deletes the expired sessions (and forgets them); returns how many rows went.
    pub async fn purge_expired(&self) -> Result<u64, cairn_store::StoreError> {
        let now = crate::auth::unix_now();
        let n = self.pool.web_sessions_purge(now).await?;
        if let Ok(mut k) = self.known.lock() {
            k.retain(|_, (_, e)| *e > now);
        }
        Ok(n)
    }

    /// Deletes every session of a user in every process ("log out everywhere").
    pub async fn delete_user_sessions(
        &self,
        user_id: &str,
    ) -> Result<u64, cairn_store::StoreError> {
        self.pool.web_sessions_delete_for_user(user_id).await
    }
}

/// The session's data as JSON with sorted keys: the same content always gives the same text (for
/// `unchanged`). Without [`LOADED_USER_KEY`], which is never stored.
fn data_of(record: &Record) -> session_store::Result<String> {
    let sorted: BTreeMap<&String, &serde_json::Value> = record
        .data
        .iter()
        .filter(|(k, _)| k.as_str() != LOADED_USER_KEY)
        .collect();
    serde_json::to_string(&sorted).map_err(backend)
}

#[async_trait::async_trait]
impl SessionStore for DbSessionStore {
    /// A new session under a fresh random id; on the (astronomically rare) collision with a stored
    /// id, another one.
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let data = data_of(record)?;
        let expires_at = record.expiry_date.unix_timestamp();
        let user = user_of(record);
        loop {
            let key = key_of(&record.id);
            if self
                .pool
                .web_session_insert_new(&key, user.as_deref(), &data, expires_at)
                .await
                .map_err(backend)?
            {
                self.remember(key, data, expires_at);
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let data = data_of(record)?;
        let key = key_of(&record.id);
        let expires_at = record.expiry_date.unix_timestamp();
        if self.unchanged(&key, &data, expires_at) {
            return Ok(());
        }
        self.pool
            .web_session_save(&key, user_of(record).as_deref(), &data, expires_at)
            .await
            .map_err(backend)?;
        self.remember(key, data, expires_at);
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let key = key_of(id);
        let now = crate::auth::unix_now();
        let (stored, user) = match &self.reads {
            Some(registry) => match registry
                .web_session_load_with_user(&key, now)
                .await
                .map_err(backend)?
            {
                Some(loaded) => (Some(loaded.stored), loaded.user),
                None => (None, None),
            },
            None => (
                self.pool
                    .web_session_load(&key, now)
                    .await
                    .map_err(backend)?,
                None,
            ),
        };
        let Some(stored) = stored else {
            self.forget(&key);
            return Ok(None);
        };
        let mut data: HashMap<String, serde_json::Value> =
            serde_json::from_str(&stored.data).map_err(backend)?;
        // Only this read's user is ever under the key (a stored one would be ignored).
        data.remove(LOADED_USER_KEY);
        if let Some((user_id, actor)) = user {
            let loaded = serde_json::to_value(LoadedUser { user_id, actor }).map_err(backend)?;
            data.insert(LOADED_USER_KEY.to_owned(), loaded);
        }
        let expiry_date =
            time::OffsetDateTime::from_unix_timestamp(stored.expires_at).map_err(backend)?;
        self.remember(key, stored.data, stored.expires_at);
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        let key = key_of(id);
        self.pool.web_session_delete(&key).await.map_err(backend)?;
        self.forget(&key);
        Ok(())
    }
}

/// How often expired sessions are deleted.
pub const PURGE_EVERY: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// Deletes expired sessions now and then every [`PURGE_EVERY`] (runs until the runtime stops).
pub async fn purge_periodically(store: DbSessionStore) {
    let mut every = tokio::time::interval(PURGE_EVERY);
    loop {
        every.tick().await;
        match store.purge_expired().await {
            Ok(n) if n > 0 => tracing::info!(sessions = n, "expired sessions purged"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "purging expired sessions failed"),
        }
    }
}
