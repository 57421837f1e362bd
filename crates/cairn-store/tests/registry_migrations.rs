//! The registry's versioned migrations on both backends: same versions, idempotent. The
//! PostgreSQL half needs `CAIRN_TEST_PG_URL` (`eval "$(scripts/pg-start)"`) and fails without it.

#![allow(clippy::unwrap_used)] // tests may unwrap: a failure is the report

use cairn_store::DataDir;
use cairn_store::registry::{Backend, RegistryPool};

fn pg_url() -> String {
    std::env::var("CAIRN_TEST_PG_URL").unwrap_or_else(|_| {
        panic!("CAIRN_TEST_PG_URL is not set: run `eval \"$(scripts/pg-start)\"` (or scripts/test) first")
    })
}

async fn fresh_pg(tag: &str) -> RegistryPool {
    let url = pg_url();
    let schema = format!("t_{tag}_{}_{}", std::process::id(), nanos());
    let admin = RegistryPool::open_postgres(&url)
        .await
        .expect("connect to PostgreSQL");
    let RegistryPool::Postgres(pool) = &admin else {
        unreachable!()
    };
    // The schema name is built from a fixed tag, a pid and a clock: no injection.
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(pool)
        .await
        .expect("create schema");
    admin.close().await;
    RegistryPool::open_postgres_in_schema(&url, Some(&schema))
        .await
        .expect("connect in schema")
}

fn nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default()
}

async fn check_migrations(pool: RegistryPool) {
    assert!(pool.applied_migrations().await.unwrap().is_empty());
    let applied = pool.migrate().await.unwrap();
    let known = pool.known_migrations();
    assert_eq!(applied, known.len());
    assert!(known.iter().any(|m| m.version == 1) && known.iter().any(|m| m.version == 2));
    assert_eq!(pool.applied_migrations().await.unwrap(), known);
    // A second run applies nothing.
    assert_eq!(pool.migrate().await.unwrap(), 0);

    // The audit log takes an entry (its guard is the hash chain, tested in cairn-registry).
    let insert = "INSERT INTO audit_log (seq, at, actor, organisation, action, object, purpose, fields, outcome, prev_hash, hash) \
                  VALUES (1, 't', 'a', 'o', 'x', 'y', 'p', '[]', 'ok', 'h0', 'h1')";
    match &pool {
        RegistryPool::Sqlite(p) => {
            sqlx::query(insert).execute(p).await.unwrap();
        }
        RegistryPool::Postgres(p) => {
            sqlx::query(insert).execute(p).await.unwrap();
        }
    }
    pool.close().await;
}

#[tokio::test]
async fn sqlite_migrations_are_versioned_and_idempotent() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = DataDir::open_or_create(tmp.path()).unwrap();
    let pool = RegistryPool::open_sqlite(&dir).await.unwrap();
    assert_eq!(pool.backend(), Backend::Sqlite);
    check_migrations(pool).await;
}

#[tokio::test]
async fn postgres_migrations_are_versioned_and_idempotent() {
    let pool = fresh_pg("mig").await;
    assert_eq!(pool.backend(), Backend::Postgres);
    check_migrations(pool).await;
}

#[tokio::test]
async fn both_backends_know_the_same_versions() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = DataDir::open_or_create(tmp.path()).unwrap();
    let sqlite = RegistryPool::open_sqlite(&dir).await.unwrap();
    let pg = fresh_pg("ver").await;
    let versions = |p: &RegistryPool| {
        p.known_migrations()
            .iter()
            .map(|m| m.version)
            .collect::<Vec<_>>()
    };
    assert_eq!(versions(&sqlite), versions(&pg));
}
