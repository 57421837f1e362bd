//! What every handler shares.

use crate::config::ServerConfig;
use crate::i18n::Catalog;
use crate::permissions::Permissions;
use crate::ratelimit::RateLimiter;
use cairn_registry::Registry;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub registry: Registry,
    pub config: Arc<ServerConfig>,
    pub permissions: Arc<Permissions>,
    pub catalog: Arc<Catalog>,
    pub login_limiter: Arc<RateLimiter>,
}

impl AppState {
    /// The state with the bundled permission matrix and message catalogue.
    pub fn new(registry: Registry, config: ServerConfig) -> Result<Self, crate::AppError> {
        let per_minute = config.login_attempts_per_minute;
        Ok(Self {
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
