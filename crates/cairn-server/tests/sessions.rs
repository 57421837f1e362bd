//! Sessions kept in the registry database: a restart (or a second process on the same database)
//! keeps them, the cookie is never stored as such, idle expiry refuses and purging deletes them,
//! "log out everywhere" deletes a user's rows. SQLite, and the restart on PostgreSQL.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use cairn_server::sessions::DbSessionStore;
use cairn_server::{AppState, ServerConfig};
use cairn_store::registry::RegistryPool;
use common::{Client, Env, sqlite_env, sqlite_env_with};
use sha2::{Digest, Sha256};

async fn stored(pool: &RegistryPool, sql: &str, bind: &str) -> i64 {
    // Fixed test queries only.
    let sql = || sqlx::AssertSqlSafe(sql.to_owned());
    match pool {
        RegistryPool::Sqlite(p) => sqlx::query_scalar(sql())
            .bind(bind)
            .fetch_one(p)
            .await
            .unwrap(),
        RegistryPool::Postgres(p) => sqlx::query_scalar(sql())
            .bind(bind)
            .fetch_one(p)
            .await
            .unwrap(),
    }
}

async fn sessions_of(env: &Env, user_id: &str) -> i64 {
    stored(
        env.registry.pool(),
        "SELECT COUNT(*) FROM web_session WHERE user_id = $1",
        user_id,
    )
    .await
}

/// A new application (a restarted or second server) on the same database.
fn restarted(env: &Env, cfg: ServerConfig) -> axum::Router {
    cairn_server::router(AppState::new(env.registry.clone(), cfg).unwrap())
}

async fn survives_a_restart(env: Env) {
    let l = env.demo.login("ngo.analyst").unwrap().clone();
    let mut c = Client::new(&env);
    c.login(&l).await;
    assert_eq!(c.get("/cases").await.status, StatusCode::OK);
    c.app = restarted(&env, common::config());
    let page = c.get("/cases").await;
    assert_eq!(
        page.status,
        StatusCode::OK,
        "still signed in after a restart"
    );
    // The CSRF token of the session survived too: a form post is accepted.
    let r = c.post("/account/language", &[("lang", "fr")]).await;
    assert!(r.status.is_redirection(), "{}: {}", r.status, r.body);
}

#[tokio::test]
async fn a_session_survives_a_restart_sqlite() {
    survives_a_restart(sqlite_env().await).await;
}

#[tokio::test]
async fn a_session_survives_a_restart_postgres() {
    survives_a_restart(common::pg_env().await).await;
}

#[tokio::test]
async fn the_cookie_is_stored_only_as_its_hash() {
    let env = sqlite_env().await;
    let l = env.demo.login("ngo.analyst").unwrap().clone();
    let mut c = Client::new(&env);
    c.login(&l).await;
    let cookie = c.cookie.clone().unwrap();
    let id = cookie.split_once('=').unwrap().1;
    let pool = env.registry.pool();
    let raw = stored(pool, "SELECT COUNT(*) FROM web_session WHERE id = $1", id).await;
    assert_eq!(raw, 0);
    let hashed = hex::encode(Sha256::digest(id.as_bytes()));
    let by_hash = stored(
        pool,
        "SELECT COUNT(*) FROM web_session WHERE id = $1",
        &hashed,
    )
    .await;
    assert_eq!(by_hash, 1);
    assert_eq!(sessions_of(&env, &l.user_id).await, 1);
}

#[tokio::test]
async fn an_idle_session_ends_and_is_purged() {
    let cfg = ServerConfig {
        idle_timeout: std::time::Duration::from_secs(2),
        ..common::config()
    };
    let env = sqlite_env_with(cfg).await;
    let l = env.demo.login("ngo.analyst").unwrap().clone();
    let mut c = Client::new(&env);
    c.login(&l).await;
    assert_eq!(c.get("/cases").await.status, StatusCode::OK);
    assert_eq!(sessions_of(&env, &l.user_id).await, 1);
    tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
    assert_eq!(c.get("/cases").await.location(), "/login", "idle too long");
    let store = DbSessionStore::new(env.registry.pool().clone());
    assert!(store.purge_expired().await.unwrap() >= 1);
    assert_eq!(sessions_of(&env, &l.user_id).await, 0);
}

#[tokio::test]
async fn logout_everywhere_deletes_every_stored_session_of_the_user() {
    let env = sqlite_env().await;
    let l = env.demo.login("ngo.analyst").unwrap().clone();
    let mut a = Client::new(&env);
    a.login(&l).await;
    let mut b = Client::new(&env);
    b.login(&l).await;
    // b on another server process: it sees the logout too.
    b.app = restarted(&env, common::config());
    assert_eq!(sessions_of(&env, &l.user_id).await, 2);
    a.get("/account").await;
    a.post("/account/logout-everywhere", &[]).await;
    assert_eq!(sessions_of(&env, &l.user_id).await, 0);
    assert_eq!(b.get("/cases").await.location(), "/login");
}
