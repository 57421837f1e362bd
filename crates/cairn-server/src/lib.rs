//! Cairn's web application and JSON API over the registry.
//!
//! Every read and write goes through `cairn_registry` (organisation scoping, consent decisions and
//! the audit log live there); this crate adds what belongs to HTTP: sessions with idle and absolute
//! timeouts, the TOTP second factor, lock-out and rate limits on sign-in, CSRF tokens and an Origin
//! check on every unsafe request, the roles × actions matrix (`data/permissions.toml`), security
//! headers, body limits, and pages in English and French. See docs/serve.md.

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod auth;
pub mod config;
pub mod csrf;
pub mod demo;
pub mod error;
mod handlers;
pub mod i18n;
pub mod media;
pub mod openapi;
pub mod permissions;
pub mod ratelimit;
pub mod routes;
pub mod security;
pub mod sessions;
pub mod state;
mod views;

pub use config::ServerConfig;
pub use error::AppError;
pub use routes::{ROUTES, RouteSpec, router};
pub use state::{AppState, AppStateInner};

/// Serves the application on `listener` until `shutdown` completes (client addresses are passed
/// to the handlers for per-client sign-in limits).
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    tokio::spawn(sessions::purge_periodically(state.sessions.clone()));
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// A multi-threaded runtime for the server (the binary's own runtime is single-threaded).
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
}

/// Listens on `addr`.
pub async fn bind(addr: std::net::SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr).await
}

/// Completes on Ctrl-C (SIGINT) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let term = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
