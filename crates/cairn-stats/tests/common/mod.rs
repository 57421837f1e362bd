//! Runs each statistics test body on both backends: SQLite in a fresh data directory, PostgreSQL in
//! a fresh schema of `CAIRN_TEST_PG_URL`. Without that variable the PostgreSQL half fails (it never
//! skips): run `eval "$(scripts/pg-start)"` or scripts/test.

#![allow(dead_code, clippy::unwrap_used)]

use cairn_registry::audit::Actor;
use cairn_registry::crypto::{MasterKey, SecretKey};
use cairn_registry::model::{OrgType, Role};
use cairn_registry::{Registry, system_actor};
use cairn_store::DataDir;
use cairn_store::registry::RegistryPool;
use std::sync::atomic::{AtomicU32, Ordering};

pub struct Env {
    pub registry: Registry,
    pub master: MasterKey,
    /// SQLite: the data directory (kept alive for the test).
    pub dir: Option<tempfile::TempDir>,
    /// PostgreSQL: the URL and the schema of this test.
    pub pg: Option<(String, String)>,
}

pub fn pg_url() -> String {
    std::env::var("CAIRN_TEST_PG_URL").unwrap_or_else(|_| {
        panic!(
            "CAIRN_TEST_PG_URL is not set: the registry suite runs on PostgreSQL too; \
             run `eval \"$(scripts/pg-start)\"` (or scripts/test) first"
        )
    })
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

pub fn test_master() -> MasterKey {
    MasterKey::new(SecretKey::from_bytes([42; 32]))
}

pub async fn sqlite_env() -> Env {
    let tmp = tempfile::tempdir().unwrap();
    let dir = DataDir::open_or_create(tmp.path()).unwrap();
    let pool = RegistryPool::open_sqlite(&dir).await.unwrap();
    let master = test_master();
    let registry = Registry::init(pool, &master).await.unwrap();
    Env {
        registry,
        master,
        dir: Some(tmp),
        pg: None,
    }
}

/// A fresh schema name, unique across processes and tests.
fn schema_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!(
        "st_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        nanos
    )
}

pub async fn pg_pool_in(url: &str, schema: &str) -> RegistryPool {
    RegistryPool::open_postgres_in_schema(url, Some(schema))
        .await
        .unwrap()
}

pub async fn pg_env() -> Env {
    let url = pg_url();
    let schema = schema_name();
    let admin = RegistryPool::open_postgres(&url)
        .await
        .expect("connect to CAIRN_TEST_PG_URL");
    let RegistryPool::Postgres(p) = &admin else {
        unreachable!()
    };
    // The schema name is made of a fixed prefix and numbers: no injection.
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(p)
        .await
        .unwrap();
    admin.close().await;
    let master = test_master();
    let registry = Registry::init(pg_pool_in(&url, &schema).await, &master)
        .await
        .unwrap();
    Env {
        registry,
        master,
        dir: None,
        pg: Some((url, schema)),
    }
}

/// Another pool on the same database (a second "process").
pub async fn second_pool(env: &Env) -> RegistryPool {
    match (&env.dir, &env.pg) {
        (Some(tmp), _) => RegistryPool::open_sqlite(&DataDir::open_or_create(tmp.path()).unwrap())
            .await
            .unwrap(),
        (_, Some((url, schema))) => pg_pool_in(url, schema).await,
        _ => unreachable!(),
    }
}

/// Runs raw SQL on the registry's database (tests tamper with it).
pub async fn exec(env: &Env, sql: &str) -> Result<u64, sqlx::Error> {
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    match env.registry.pool() {
        RegistryPool::Sqlite(p) => sqlx::query(sql).execute(p).await.map(|r| r.rows_affected()),
        RegistryPool::Postgres(p) => sqlx::query(sql).execute(p).await.map(|r| r.rows_affected()),
    }
}

/// An organisation and a user of `role` in it.
pub async fn actor(env: &Env, org_name: &str, role: Role) -> Actor {
    let sys = system_actor();
    let org = match env.registry.organisation_by_name(org_name).await.unwrap() {
        Some(id) => id,
        None => env
            .registry
            .create_organisation(
                &sys,
                org_name,
                OrgType::ChildProtection,
                "FR",
                Some("Occitanie"),
            )
            .await
            .unwrap(),
    };
    let username = format!(
        "{}-{}",
        role.as_str(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    );
    // Straight into the table: argon2id in a debug build costs seconds per user, and
    // `users_and_passwords` covers create_user itself.
    let user_id = format!("usr-test-{username}");
    let sql = format!(
        "INSERT INTO app_user (id, username, organisation_id, role, password_hash, active, created_at) \
         VALUES ('{user_id}', '{username}', '{org}', '{}', 'test-no-login', 1, '2026-01-01T00:00:00Z')",
        role.as_str()
    );
    exec(env, &sql).await.unwrap();
    Actor {
        user_id,
        username,
        organisation_id: org,
        role,
    }
}

/// Declares `$name` as two tests, `$name::sqlite` and `$name::postgres`, each running `$body`
/// (an async fn taking `Env`).
#[macro_export]
#[allow(clippy::crate_in_macro_def)] // the helpers live in the test crate that calls the macro
macro_rules! both_backends {
    ($name:ident, $body:path) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $body(crate::common::sqlite_env().await).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $body(crate::common::pg_env().await).await;
            }
        }
    };
}
