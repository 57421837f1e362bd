//! Case views under concurrency go through the registry's group commit of read audits: every view
//! is in the log when its page is returned, and the chain stays whole (SQLite and PostgreSQL).

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use common::{Client, Env, sqlite_env};

async fn count(env: &Env, action: &str) -> i64 {
    let sql = "SELECT COUNT(*) FROM audit_log WHERE action = $1";
    match env.registry.pool() {
        cairn_store::registry::RegistryPool::Sqlite(p) => sqlx::query_scalar(sql)
            .bind(action)
            .fetch_one(p)
            .await
            .unwrap(),
        cairn_store::registry::RegistryPool::Postgres(p) => sqlx::query_scalar(sql)
            .bind(action)
            .fetch_one(p)
            .await
            .unwrap(),
    }
}

async fn concurrent_views_are_all_audited(env: Env) {
    const VIEWS: usize = 60;
    let l = env.demo.login("ngo.worker").unwrap().clone();
    let mut c = Client::new(&env);
    c.login(&l).await;
    let reads_before = count(&env, "case.read").await;
    let persons_before = count(&env, "person.read").await;
    let mut views = Vec::new();
    for i in 0..VIEWS {
        let mut client = c.clone();
        let case = env.demo.ngo_cases[i % env.demo.ngo_cases.len()].clone();
        views.push(tokio::spawn(async move {
            client.get(&format!("/cases/{case}")).await.status
        }));
    }
    for v in views {
        assert_eq!(v.await.unwrap(), StatusCode::OK);
    }
    // Each page was returned after its entries were committed.
    assert_eq!(count(&env, "case.read").await - reads_before, VIEWS as i64);
    assert_eq!(
        count(&env, "person.read").await - persons_before,
        VIEWS as i64
    );
    let report = cairn_registry::audit::verify(env.registry.pool())
        .await
        .unwrap();
    assert_eq!(report.first_break, None);
    // A view's two entries are contiguous: the person read right before its case read.
    let entries = env
        .registry
        .audit_entries(
            &cairn_registry::system_actor(),
            &cairn_registry::access::AuditFilter {
                limit: (2 * VIEWS) as i64,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let mut newest_first = entries.iter().filter(|e| e.actor == l.user_id);
    while let Some(case_read) = newest_first.next() {
        assert_eq!(case_read.action, "case.read");
        let person_read = newest_first.next().unwrap();
        assert_eq!(person_read.action, "person.read");
        assert_eq!(person_read.seq + 1, case_read.seq);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_case_views_are_all_audited_sqlite() {
    concurrent_views_are_all_audited(sqlite_env().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_case_views_are_all_audited_postgres() {
    concurrent_views_are_all_audited(common::pg_env().await).await;
}
