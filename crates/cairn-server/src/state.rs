//! What every handler shares.

use crate::config::ServerConfig;
use crate::i18n::Catalog;
use crate::permissions::Permissions;
use crate::ratelimit::RateLimiter;
use crate::sessions::DbSessionStore;
use cairn_registry::Registry;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub registry: Registry,
    pub config: Arc<ServerConfig>,
    pub permissions: Arc<Permissions>,
    pub catalog: Arc<Catalog>,
    pub login_limiter: Arc<RateLimiter>,
    /// Sessions, in the registry database.
    pub sessions: DbSessionStore,
}

impl AppState {
    /// The state with the bundled permission matrix and message catalogue. Inside a tokio runtime,
    /// the audit entries of reads go through the registry's group commit.
    pub fn new(registry: Registry, config: ServerConfig) -> Result<Self, crate::AppError> {
        let per_minute = config.login_attempts_per_minute;
        let registry = registry.with_read_audit_batching().with_sqlite_reader();
        Ok(Self {
            sessions: DbSessionStore::new(registry.pool().clone())
                .reading_through(registry.clone()),
            registry,
            config: Arc::new(config),
            permissions: Arc::new(Permissions::bundled()?),
            catalog: Arc::new(Catalog::bundled()?),
            login_limiter: Arc::new(RateLimiter::new(
                per_minute,
                std::time::Duration::from_secs(60),
            )),
        })
    }
}
