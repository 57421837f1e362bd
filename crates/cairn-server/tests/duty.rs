//! The duty roster through the router, on SQLite and PostgreSQL: the coordinator of child
//! protection sees the demo period, is told why a bad period is refused (field named, 422), adds a
//! period for the NGO's region, after which the analyst's signal goes to the rostered organisation,
//! then ends it through the JSON API; roles outside the matrix get 403.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use cairn_registry::model::OrgType;
use cairn_registry::system_actor;
use common::{Client, Env, pg_env, sqlite_env};

async fn signed_in(env: &Env, name: &str) -> Client {
    let mut c = Client::new(env);
    c.login(env.demo.login(name).unwrap()).await;
    c
}

async fn roster_flow(env: Env) {
    let mut coord = signed_in(&env, "cps.coordinator").await;
    let page = coord.get("/duty").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains(&env.demo.duty_period_id),
        "{}",
        page.body
    );
    assert!(page.body.contains("Nord (fictional)"));

    // A second child-protection organisation, in the NGO's region's country.
    let other = env
        .registry
        .create_organisation(
            &system_actor(),
            "Roster Child Protection Paris (fictional)",
            OrgType::ChildProtection,
            "FR",
            Some("Somewhere else (fictional)"),
        )
        .await
        .unwrap();
    // Refused, with the reason on the page: the NGO is not child protection; end before start.
    coord.get("/duty").await;
    let bad = coord
        .post(
            "/duty",
            &[
                ("organisation_id", &env.demo.ngo_id),
                ("country", "FR"),
                ("starts_at", "2026-01-01T00:00"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("child-protection"), "{}", bad.body);
    coord.get("/duty").await;
    let backwards = coord
        .post(
            "/duty",
            &[
                ("organisation_id", &other),
                ("country", "FR"),
                ("starts_at", "2026-02-01T00:00"),
                ("ends_at", "2026-01-01T00:00"),
            ],
        )
        .await;
    assert_eq!(backwards.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(backwards.body.contains("ends_at"), "{}", backwards.body);
    // Overlapping the demo period (same region, open-ended) is refused too.
    coord.get("/duty").await;
    let overlap = coord
        .post(
            "/duty",
            &[
                ("organisation_id", &other),
                ("country", "FR"),
                ("region", "Nord (fictional)"),
                ("starts_at", "2026-06-01T00:00"),
            ],
        )
        .await;
    assert_eq!(overlap.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(overlap.body.contains(&env.demo.duty_period_id));

    // On duty for the NGO's region from now on: the analyst's preview names it.
    coord.get("/duty").await;
    let added = coord
        .post(
            "/duty",
            &[
                ("organisation_id", &other),
                ("country", "FR"),
                ("region", "Île-de-France (fictional)"),
                ("starts_at", "2026-01-01T00:00"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    assert_eq!(
        env.registry
            .on_duty_organisation(&env.demo.ngo_id)
            .await
            .unwrap()
            .map(|(id, _)| id),
        Some(other.clone())
    );
    let mut analyst = signed_in(&env, "ngo.analyst").await;
    let preview = analyst
        .get(&format!("/clusters/{}", env.demo.cluster_id))
        .await;
    assert!(
        preview
            .body
            .contains("Roster Child Protection Paris (fictional)"),
        "{}",
        preview.body
    );

    // The JSON twin lists it and ends it; the NGO goes back to the standing rule.
    let list = coord.get("/api/duty").await;
    assert_eq!(list.status, StatusCode::OK);
    let periods: serde_json::Value = serde_json::from_str(&list.body).unwrap();
    let id = periods
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["organisation_id"] == other.as_str())
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let token = coord.csrf.clone();
    let ended = coord
        .post_json(&format!("/api/duty/{id}/end"), "", Some(&token))
        .await;
    assert_eq!(ended.status, StatusCode::OK, "{}", ended.body);
    let ended: serde_json::Value = serde_json::from_str(&ended.body).unwrap();
    assert!(ended["ends_at"].is_string());
    assert_eq!(
        env.registry
            .on_duty_organisation(&env.demo.ngo_id)
            .await
            .unwrap()
            .map(|(id, _)| id),
        Some(env.demo.cps_id.clone())
    );
    let again = coord
        .post_json(&format!("/api/duty/{id}/end"), "", Some(&token))
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A JSON body with an unknown field names it.
    let bad = coord
        .post_json("/api/duty", r#"{"organisation":"x"}"#, Some(&token))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Statisticians and case workers: neither the page nor the API.
    for name in ["ngo.statistician", "cps.worker", "ngo.analyst"] {
        let mut c = signed_in(&env, name).await;
        assert_eq!(c.get("/duty").await.status, StatusCode::FORBIDDEN, "{name}");
        assert_eq!(
            c.get("/api/duty").await.status,
            StatusCode::FORBIDDEN,
            "{name}"
        );
    }
}

#[tokio::test]
async fn the_roster_routes_signals_sqlite() {
    roster_flow(sqlite_env().await).await;
}

#[tokio::test]
async fn the_roster_routes_signals_postgres() {
    roster_flow(pg_env().await).await;
}
