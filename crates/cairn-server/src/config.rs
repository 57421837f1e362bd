//! What the operator chooses when starting the server.

use std::time::Duration;

#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Cookies only over HTTPS (`Secure`, `__Host-` name). On behind a TLS reverse proxy.
    pub secure_cookies: bool,
    /// Send Strict-Transport-Security (only meaningful behind TLS).
    pub hsts: bool,
    /// A session unused this long ends.
    pub idle_timeout: Duration,
    /// A session ends this long after sign-in, used or not.
    pub absolute_timeout: Duration,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// The origin browsers send (`https://cairn.example.org`); when None, the request's Host.
    pub public_origin: Option<String>,
    /// Sign-in attempts allowed per minute and per username or client.
    pub login_attempts_per_minute: u32,
    /// Show the "demo data" banner.
    pub demo: bool,
    /// The data directory: imported known-hash lists (`lists/`) and the evidence store
    /// (`evidence/`) of the investigation screens. None: no list, no collected image.
    pub data_dir: Option<std::path::PathBuf>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            hsts: false,
            idle_timeout: Duration::from_secs(30 * 60),
            absolute_timeout: Duration::from_secs(10 * 60 * 60),
            max_body_bytes: 64 * 1024,
            public_origin: None,
            login_attempts_per_minute: 10,
            demo: false,
            data_dir: None,
        }
    }
}
