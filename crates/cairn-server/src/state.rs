//! What every handler shares.

use crate::config::ServerConfig;
use crate::i18n::Catalog;
use crate::permissions::Permissions;
use crate::ratelimit::RateLimiter;
use crate::sessions::DbSessionStore;
use cairn_registry::Registry;
use std::sync::Arc;

/// Shared by every request: axum clones the state for each extractor and middleware, so it is one
/// `Arc` (a clone of the fields themselves showed up at 5–8 % of a case view's CPU).
#[derive(Clone)]
pub struct AppState(Arc<AppStateInner>);

impl std::ops::Deref for AppState {
    type Target = AppStateInner;

    fn deref(&self) -> &AppStateInner {
        &self.0
    }
}

pub struct AppStateInner {
    pub registry: Registry,
    pub config: ServerConfig,
    pub permissions: Permissions,
    pub catalog: Catalog,
    pub login_limiter: RateLimiter,
    /// Sessions, in the registry database.
    pub sessions: DbSessionStore,
}

impl AppState {
    /// The state with the bundled permission matrix and message catalogue. Inside a tokio runtime,
    /// the audit entries of reads go through the registry's group commit.
    pub fn new(registry: Registry, config: ServerConfig) -> Result<Self, crate::AppError> {
        let per_minute = config.login_attempts_per_minute;
        let registry = registry.with_read_audit_batching().with_sqlite_reader();
        Ok(Self(Arc::new(AppStateInner {
            sessions: DbSessionStore::new(registry.pool().clone())
                .reading_through(registry.clone()),
            registry,
            config,
            permissions: Permissions::bundled()?,
            catalog: Catalog::bundled()?,
            login_limiter: RateLimiter::new(per_minute, std::time::Duration::from_secs(60)),
        })))
    }
}
