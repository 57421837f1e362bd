//! Statistics pages through the router, on SQLite and PostgreSQL: the statistician sees the
//! suppressed report (tables and SVG charts, recorded in the ledger like `cairn stats report`),
//! the ledger of noisy releases with ε, ρ and the budget left, publishes a discrete Gaussian
//! release, is refused (and audited) above the budget; never reaches a case, person or record
//! route; other roles never reach the statistics.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use cairn_registry::access::AuditFilter;
use cairn_registry::system_actor;
use cairn_server::ROUTES;
use common::{Client, Env, pg_env, sqlite_env};

async fn signed_in(env: &Env, name: &str) -> Client {
    let mut c = Client::new(env);
    c.login(env.demo.login(name).unwrap()).await;
    c
}

async fn budget(c: &mut Client) -> serde_json::Value {
    let r = c.get("/api/stats/releases").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    serde_json::from_str(&r.body).unwrap()
}

async fn denied_releases(env: &Env) -> usize {
    env.registry
        .audit_entries(
            &system_actor(),
            &AuditFilter {
                action: Some("stats.release".into()),
                limit: 500,
                ..AuditFilter::default()
            },
        )
        .await
        .unwrap()
        .iter()
        .filter(|e| e.outcome == "denied")
        .count()
}

async fn statistics_flow(env: Env) {
    let mut s = signed_in(&env, "ngo.statistician").await;
    let before = budget(&mut s).await;
    let releases_before = before["releases"].as_array().unwrap().len();
    // The demo: budget 3, one Laplace release of 0.5.
    assert_eq!(before["total"], "3");
    assert_eq!(before["remaining"], "2.5");

    // The report: published with suppression, in the ledger, nothing spent.
    let report = s.get("/stats").await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    assert!(report.body.contains("<svg"), "charts are inline SVG");
    assert!(report.body.contains("small-count suppression below k = 11"));
    for svg in report.body.split("<svg").skip(1) {
        let svg = &svg[..svg.find("</svg>").unwrap()];
        assert!(!svg.contains("<script") && !svg.contains("style="), "{svg}");
    }
    let after_report = budget(&mut s).await;
    assert_eq!(
        after_report["releases"].as_array().unwrap().len(),
        releases_before + 1
    );
    assert_eq!(after_report["spent"], "0.5");

    // The ledger page: the demo's noisy release, its ε, what is left.
    let page = s.get("/stats/releases").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("discrete_laplace"), "{}", page.body);
    assert!(page.body.contains("ε = 2.5"));

    // A discrete Gaussian release from the form: ρ shown, ε spent.
    s.get("/stats/releases").await;
    let published = s
        .post(
            "/stats/releases",
            &[
                ("dataset", "national-report"),
                ("mechanism", "gaussian"),
                ("epsilon", "1"),
                ("delta", "1e-6"),
            ],
        )
        .await;
    assert_eq!(published.status, StatusCode::OK, "{}", published.body);
    assert!(published.body.contains("zCDP"), "{}", published.body);
    let page = s.get("/stats/releases").await;
    assert!(page.body.contains("discrete_gaussian"));
    assert!(page.body.contains("1/1000000"), "δ shown");
    assert!(page.body.contains("ε = 1.5"), "{}", page.body);

    // Above what is left: refused, the reason shown, the refusal audited, nothing spent.
    let denied = denied_releases(&env).await;
    let refused = s
        .post(
            "/stats/releases",
            &[("mechanism", "laplace"), ("epsilon", "2")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert!(refused.body.contains("stats-error"), "{}", refused.body);
    assert_eq!(denied_releases(&env).await, denied + 1);
    assert_eq!(budget(&mut s).await["remaining"], "1.5");
    // Bad input names its field.
    let bad = s
        .post(
            "/stats/releases",
            &[("mechanism", "laplace"), ("epsilon", "lots")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("epsilon"), "{}", bad.body);

    // The JSON twin publishes a Laplace release.
    s.get("/account").await;
    let token = s.csrf.clone();
    let r = s
        .post_json(
            "/api/stats/releases",
            r#"{"mechanism":"laplace","epsilon":"0.25"}"#,
            Some(&token),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let rel: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert!(rel["id"].as_str().unwrap().starts_with("rel"));
    assert!(rel["tables"].as_array().is_some_and(|t| !t.is_empty()));
    assert_eq!(budget(&mut s).await["remaining"], "1.25");

    // Aggregates only: every case, person, record, cluster, signal or selector route is a 403.
    for r in ROUTES.iter().filter(|r| {
        [
            "case", "record", "cluster", "signal", "selector", "referral", "service",
        ]
        .iter()
        .any(|w| r.path.contains(w))
    }) {
        let path = r
            .path
            .replace("{case}", &env.demo.ngo_cases[0])
            .replace("{record}", &env.demo.record_id)
            .replace("{cluster}", &env.demo.cluster_id)
            .replace("{signal}", &env.demo.signal_id)
            .replace(['{', '}'], "");
        s.get("/account").await;
        let res = if r.method == "GET" {
            s.get(&path).await
        } else if path.starts_with("/api/") {
            let t = s.csrf.clone();
            s.post_json(&path, "{}", Some(&t)).await
        } else {
            s.post(&path, &[]).await
        };
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{} {path}", r.method);
    }

    // No other role reaches the statistics.
    for name in ["cps.coordinator", "ngo.worker", "demo.admin", "ngo.analyst"] {
        let mut c = signed_in(&env, name).await;
        for path in ["/stats", "/stats/releases", "/api/stats/report"] {
            assert_eq!(
                c.get(path).await.status,
                StatusCode::FORBIDDEN,
                "{name} {path}"
            );
        }
    }
}

#[tokio::test]
async fn statisticians_see_aggregates_and_spend_the_budget_sqlite() {
    statistics_flow(sqlite_env().await).await;
}

#[tokio::test]
async fn statisticians_see_aggregates_and_spend_the_budget_postgres() {
    statistics_flow(pg_env().await).await;
}
