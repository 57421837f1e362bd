//! The bridge end to end through the router: an analyst sees the demo cluster and raises a signal
//! to the child-protection organisation on duty; the signal carries selectors, sources and
//! indicators but no image; a case worker of another organisation gets 403; the organisation on
//! duty declines one signal with a reason and accepts another, which becomes an Active case with
//! its screening pre-filled; every step is in the audit log.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use cairn_registry::access::AuditFilter;
use cairn_registry::model::{Answer, CaseStatus};
use cairn_registry::screening::Questionnaire;
use cairn_registry::system_actor;
use cairn_server::demo::{CPS, DEMO_MEDIA_SHA256};
use common::{Client, Env, pg_env, sqlite_env};

fn actor(env: &Env, name: &str) -> cairn_registry::audit::Actor {
    let l = env.demo.login(name).unwrap();
    cairn_registry::audit::Actor {
        user_id: l.user_id.clone(),
        username: l.username.clone(),
        organisation_id: l.organisation_id.clone(),
        role: l.role,
    }
}

async fn signed_in(env: &Env, name: &str) -> Client {
    let mut c = Client::new(env);
    c.login(env.demo.login(name).unwrap()).await;
    c
}

async fn audited(env: &Env, action: &str, object: &str) -> bool {
    env.registry
        .audit_entries(
            &system_actor(),
            &AuditFilter {
                action: Some(action.into()),
                limit: 500,
                ..AuditFilter::default()
            },
        )
        .await
        .unwrap()
        .iter()
        .any(|e| e.object == object && e.outcome == "ok")
}

/// No image: not the demo image's hash, not its URL, no image file at all.
fn assert_no_image(text: &str) {
    assert!(!text.contains(DEMO_MEDIA_SHA256), "image hash in {text}");
    assert!(!text.contains(".jpg"), "image URL in {text}");
    assert!(!text.contains("<img"), "image element in {text}");
}

#[tokio::test]
async fn an_analyst_raises_a_signal_and_child_protection_accepts_it() {
    flow(sqlite_env().await).await;
}

#[tokio::test]
async fn an_analyst_raises_a_signal_and_child_protection_accepts_it_postgres() {
    flow(pg_env().await).await;
}

async fn flow(env: Env) {
    let cluster = env.demo.cluster_id.clone();

    // The analyst sees the cluster and what a signal would carry, and where it would go.
    let mut analyst = signed_in(&env, "ngo.analyst").await;
    let list = analyst.get("/clusters").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains(&cluster));
    let page = analyst.get(&format!("/clusters/{cluster}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains(CPS), "the organisation on duty is named");
    assert!(page.body.contains("+33600000001"));
    assert_no_image(&page.body);

    // A note too long is refused at its field; then the signal is raised.
    let long = "x".repeat(2001);
    let r = analyst
        .post(&format!("/clusters/{cluster}/signal"), &[("note", &long)])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = analyst
        .post(
            &format!("/clusters/{cluster}/signal"),
            &[("note", "Fictional: shared phone across three ads")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let signal = r.location().trim_start_matches("/signals/").to_owned();
    assert!(signal.starts_with("sig"), "{signal}");
    assert!(audited(&env, "signal.raise", &signal).await);

    // Its JSON twin: selectors, sources, indicators; pre-filled where a question matches.
    let t = analyst.csrf.clone();
    let r = analyst.get(&format!("/api/signals/{signal}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_no_image(&r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["status"], "draft");
    assert_eq!(v["to_organisation"], CPS);
    assert_eq!(v["evidence"]["sources"].as_array().unwrap().len(), 3);
    let selectors = v["evidence"]["selectors"].as_array().unwrap();
    assert!(
        selectors
            .iter()
            .any(|s| s["value"] == "+33600000001" && s["records"].as_array().unwrap().len() == 2)
    );
    let indicators = v["evidence"]["indicators"].as_array().unwrap();
    let youth = indicators
        .iter()
        .find(|i| i["category"] == "youth")
        .unwrap();
    assert!(
        youth["question"].is_null(),
        "youth has no question: evidence only"
    );
    let q = Questionnaire::builtin().unwrap();
    let running_away = q
        .questions
        .iter()
        .find(|x| x.indicator == "vulnerability.running_away")
        .unwrap();
    assert_eq!(v["prefill"][&running_away.id], "yes");

    // A case worker of another organisation, and the raising organisation's case worker, may
    // not answer it; the police unit may not even see it.
    let mut police = signed_in(&env, "police.worker").await;
    assert_eq!(
        police.get(&format!("/signals/{signal}")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        police
            .post(&format!("/signals/{signal}/accept"), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let pt = police.csrf.clone();
    assert_eq!(
        police
            .post_json(&format!("/api/signals/{signal}/accept"), "{}", Some(&pt))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let mut ngo = signed_in(&env, "ngo.worker").await;
    assert_eq!(
        ngo.post(&format!("/signals/{signal}/accept"), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // The organisation on duty sees it incoming; declining needs a reason.
    let mut cps = signed_in(&env, "cps.worker").await;
    let incoming = cps.get("/signals").await;
    assert!(incoming.body.contains(&signal));
    let shown = cps.get(&format!("/signals/{signal}")).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert_no_image(&shown.body);
    let r = cps.post(&format!("/signals/{signal}/decline"), &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("reason-error"));

    // Accepting: the draft becomes an Active case led by the organisation on duty, with a
    // screening pre-filled from the indicators.
    cps.get(&format!("/signals/{signal}")).await;
    let r = cps.post(&format!("/signals/{signal}/accept"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let case = r.location().trim_start_matches("/cases/").to_owned();
    assert_eq!(
        cps.get(&format!("/cases/{case}")).await.status,
        StatusCode::OK
    );
    let cps_actor = actor(&env, "cps.worker");
    let file = env.registry.case_file(&cps_actor, &case).await.unwrap();
    assert_eq!(file.case.status, CaseStatus::Active);
    assert_eq!(file.case.lead_organisation_id, env.demo.cps_id);
    let screenings = env.registry.screenings_of(&cps_actor, &case).await.unwrap();
    assert_eq!(screenings.len(), 1);
    assert!(
        screenings[0]
            .result
            .raised_by
            .iter()
            .any(|e| e.question == running_away.id)
    );
    assert!(audited(&env, "signal.accept", &signal).await);
    // Answered once only.
    let r = cps.post(&format!("/signals/{signal}/accept"), &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The analyst follows it: accepted, with the case id, and nothing identifying.
    let back = analyst.get(&format!("/signals/{signal}")).await;
    assert!(back.body.contains(&case));

    // A signal from one record, declined with a reason through the API.
    let record = env.demo.record_id.clone();
    let r = analyst
        .post_json(
            &format!("/api/records/{record}/signal"),
            r#"{"note":"fictional"}"#,
            Some(&t),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_no_image(&r.body);
    let second: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let second = second["id"].as_str().unwrap().to_owned();
    let ct = cps.csrf.clone();
    let r = cps
        .post_json(&format!("/api/signals/{second}/decline"), "{}", Some(&ct))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = cps
        .post_json(
            &format!("/api/signals/{second}/decline"),
            r#"{"reason":"Outside our area (fictional)"}"#,
            Some(&ct),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert!(audited(&env, "signal.decline", &second).await);
    let v: serde_json::Value =
        serde_json::from_str(&analyst.get(&format!("/api/signals/{second}")).await.body).unwrap();
    assert_eq!(v["status"], "declined");
    assert_eq!(v["decline_reason"], "Outside our area (fictional)");

    // Where else does the phone appear: two records of the demo cluster, no image.
    let r = analyst
        .get("/selectors?kind=phone&value=%2B33600000001")
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.body.matches("<tr class=\"hit\">").count(),
        2,
        "{}",
        r.body
    );
    assert!(r.body.contains(&cluster));
    assert_no_image(&r.body);
    // The search is audited with its kind; the searched value is not written to the log.
    let searches = env
        .registry
        .audit_entries(
            &system_actor(),
            &AuditFilter {
                action: Some("selector.search".into()),
                limit: 500,
                ..AuditFilter::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(searches.len(), 1, "{searches:?}");
    assert_eq!(searches[0].fields, ["phone"]);
    assert_eq!(searches[0].purpose, "investigation");
    assert!(!format!("{searches:?}").contains("33600000001"));
    let r = analyst
        .get("/api/selectors?kind=handle&value=%40demo_lily_fictional")
        .await;
    let hits: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(hits.as_array().unwrap().len(), 2);
    assert_eq!(
        analyst
            .get("/selectors?kind=indicator&value=x")
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        analyst.get("/api/selectors?kind=phone").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        cps.get("/selectors?kind=phone&value=%2B33600000001")
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // Unknown sources are a 404, hostile ids too.
    let r = analyst.post("/clusters/no-such-cluster/signal", &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        analyst.get("/clusters/%2e%2e%2fetc").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_prefill_answers_every_question_yes_or_unknown() {
    let env = sqlite_env().await;
    let analyst = actor(&env, "ngo.analyst");
    let q = Questionnaire::builtin().unwrap();
    let view = env
        .registry
        .signal(&analyst, &env.demo.signal_id)
        .await
        .unwrap();
    assert!(!view.prefill.is_empty());
    assert!(view.prefill.values().all(|a| *a == Answer::Yes));
    assert!(view.prefill.keys().all(|k| q.question(k).is_some()));
}

#[tokio::test]
async fn the_organisation_on_duty_is_of_the_same_country_same_region_first() {
    use cairn_registry::model::OrgType;
    let env = sqlite_env().await;
    let sys = system_actor();
    let ngo = env.demo.ngo_id.clone();
    // The demo's only child-protection organisation is in another region of France.
    let (id, _) = env
        .registry
        .on_duty_organisation(&ngo)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(id, env.demo.cps_id);
    // One in the NGO's own region comes first.
    let near = env
        .registry
        .create_organisation(
            &sys,
            "Zz Child Protection Paris (fictional)",
            OrgType::ChildProtection,
            "FR",
            Some("Île-de-France (fictional)"),
        )
        .await
        .unwrap();
    let (id, _) = env
        .registry
        .on_duty_organisation(&ngo)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(id, near);
    // A country without one: nobody on duty, and raising is refused with a reason.
    let be = env
        .registry
        .create_organisation(
            &sys,
            "Demo NGO Bruxelles (fictional)",
            OrgType::Ngo,
            "BE",
            None,
        )
        .await
        .unwrap();
    assert_eq!(env.registry.on_duty_organisation(&be).await.unwrap(), None);
    let analyst = cairn_registry::audit::Actor {
        organisation_id: be,
        ..actor(&env, "ngo.analyst")
    };
    let q = Questionnaire::builtin().unwrap();
    let refused = env
        .registry
        .raise_signal(
            &analyst,
            &q,
            cairn_registry::signal::SignalSource::Cluster,
            &env.demo.cluster_id,
            "",
        )
        .await;
    assert!(
        matches!(refused, Err(cairn_registry::RegistryError::Invalid { .. })),
        "{refused:?}"
    );
}
