//! The screening screens end to end through the router: the form with its messages at the field,
//! the explained result, the confirmation by a professional, organisation scoping, French, audit
//! and the JSON twins. SQLite.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use cairn_registry::access::AuditFilter;
use cairn_registry::screening::Questionnaire;
use cairn_registry::system_actor;
use common::{Client, sqlite_env};

/// Every question answered: "yes" for `yes`, "no" for the rest.
fn answers(q: &Questionnaire, yes: &[&str]) -> Vec<(String, String)> {
    q.questions
        .iter()
        .map(|x| {
            let a = if yes.contains(&x.id.as_str()) {
                "yes"
            } else {
                "no"
            };
            (x.id.clone(), a.to_owned())
        })
        .collect()
}

/// The text as the templates escape it.
fn html(s: &str) -> String {
    askama_like_escape(s)
}

fn askama_like_escape(s: &str) -> String {
    s.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

fn pairs(a: &[(String, String)]) -> Vec<(&str, &str)> {
    a.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

#[tokio::test]
async fn screen_a_child_see_the_explained_result_and_confirm_it() {
    let env = sqlite_env().await;
    let q = Questionnaire::builtin().unwrap();
    let case = env.demo.ngo_cases[3].clone();
    let mut c = Client::new(&env);
    c.login(env.demo.login("ngo.responder").unwrap()).await;
    let file = c.get(&format!("/cases/{case}")).await;
    assert!(file.body.contains("id=\"screenings-link\""));
    let form = c.get(&format!("/cases/{case}/screenings/new")).await;
    assert_eq!(form.status, StatusCode::OK);
    for x in &q.questions {
        assert!(
            form.body.contains(&format!("name=\"{}\"", x.id)),
            "{}",
            x.id
        );
        assert!(form.body.contains(&html(&x.en)), "{}", x.id);
    }

    // One question left blank: 422, the message at that field, the other answers kept.
    let mut given = answers(&q, &["vul_placement", "exp_held_now"]);
    let (blank, _) = given.remove(1);
    let r = c
        .post(&format!("/cases/{case}/screenings"), &pairs(&given))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains(&format!("id=\"err-{blank}\"")),
        "{}",
        r.body
    );
    assert!(r.body.contains("An answer is required"));
    assert_eq!(r.body.matches("class=\"error\" id=\"err-").count(), 1);
    assert!(
        r.body
            .contains("id=\"vul_placement-yes\" name=\"vul_placement\" value=\"yes\" checked")
    );
    // A value outside yes/no/unknown is named at its field too.
    let mut bad = answers(&q, &[]);
    bad[0].1 = "maybe".into();
    let r = c
        .post(&format!("/cases/{case}/screenings"), &pairs(&bad))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains(&format!("id=\"err-{}\"", bad[0].0)));

    // Complete: scored, stored, and explained.
    c.get(&format!("/cases/{case}/screenings/new")).await;
    let given = answers(&q, &["vul_placement", "exp_held_now"]);
    let r = c
        .post(&format!("/cases/{case}/screenings"), &pairs(&given))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let location = r.location().to_owned();
    assert!(
        location.starts_with(&format!("/cases/{case}/screenings/scr")),
        "{location}"
    );
    let page = c.get(&location).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("data-level=\"immediate_danger\""));
    let held = q.question("exp_held_now").unwrap();
    assert!(page.body.contains(&held.indicator));
    assert!(page.body.contains(&html(&held.source)));
    assert!(page.body.contains(&html(&held.en)));
    assert!(page.body.contains("police now"), "the recommended action");
    // The first responder flags; a professional confirms.
    assert!(!page.body.contains("id=\"confirm-form\""));
    let screening = location.rsplit('/').next().unwrap().to_owned();
    assert_eq!(
        c.post(&format!("{location}/confirm"), &[]).await.status,
        StatusCode::FORBIDDEN
    );

    let mut w = Client::new(&env);
    w.login(env.demo.login("ngo.worker").unwrap()).await;
    let page = w.get(&location).await;
    assert!(page.body.contains("id=\"confirm-form\""));
    // Another level without a reason: 422 with the message at the reason.
    let r = w
        .post(&format!("{location}/confirm"), &[("level", "high_concern")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"note-error\""));
    assert!(r.body.contains("<option value=\"high_concern\" selected>"));
    let r = w
        .post(&format!("{location}/confirm"), &[("level", "danger")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"level-error\""));
    let r = w
        .post(
            &format!("{location}/confirm"),
            &[
                ("level", "high_concern"),
                ("note", "Fictional: the child is safe at the shelter now."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = w.get(&location).await;
    assert!(page.body.contains("id=\"confirmed\""), "{}", page.body);
    assert!(page.body.contains("High concern"));
    assert!(page.body.contains("Screening confirmed."));
    assert!(!page.body.contains("id=\"confirm-form\""));
    let list = w.get(&format!("/cases/{case}/screenings")).await;
    assert!(
        list.body
            .contains(&format!("data-screening=\"{screening}\""))
    );

    // Every step audited.
    let entries = env
        .registry
        .audit_entries(
            &system_actor(),
            &AuditFilter {
                object: Some(screening.clone()),
                limit: 50,
                ..AuditFilter::default()
            },
        )
        .await
        .unwrap();
    for action in ["screening.create", "screening.confirm"] {
        assert!(entries.iter().any(|e| e.action == action), "{action}");
    }
    let reads = env
        .registry
        .audit_entries(
            &system_actor(),
            &AuditFilter {
                action: Some("screening.read".into()),
                object: Some(case.clone()),
                limit: 50,
                ..AuditFilter::default()
            },
        )
        .await
        .unwrap();
    assert!(reads.len() >= 3, "each view of the screenings is audited");

    // Another organisation, the analyst: 403; a screening of another case: 404.
    let mut cps = Client::new(&env);
    cps.login(env.demo.login("cps.worker").unwrap()).await;
    assert_eq!(cps.get(&location).await.status, StatusCode::FORBIDDEN);
    let mut analyst = Client::new(&env);
    analyst.login(env.demo.login("ngo.analyst").unwrap()).await;
    assert_eq!(analyst.get(&location).await.status, StatusCode::FORBIDDEN);
    let analyst_file = analyst.get(&format!("/cases/{case}")).await;
    assert!(!analyst_file.body.contains("id=\"screenings-link\""));
    let other = &env.demo.ngo_cases[0];
    assert_eq!(
        w.get(&format!("/cases/{other}/screenings/{screening}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // In French: the questions and the level in French.
    w.get("/account").await;
    w.post("/account/language", &[("lang", "fr")]).await;
    let fr = w.get(&format!("/cases/{case}/screenings/new")).await;
    assert!(fr.body.contains(&html(&held.fr)));
    assert!(fr.body.contains("Inconnu"));
    let fr = w.get(&location).await;
    assert!(fr.body.contains("Forte inquiétude"));
}

#[tokio::test]
async fn the_screening_api_follows_the_same_rules() {
    let env = sqlite_env().await;
    let q = Questionnaire::builtin().unwrap();
    let case = env.demo.ngo_cases[1].clone();
    let mut c = Client::new(&env);
    c.login(env.demo.login("ngo.worker").unwrap()).await;
    let me: serde_json::Value = serde_json::from_str(&c.get("/api/me").await.body).unwrap();
    let token = me["csrf_token"].as_str().unwrap().to_owned();
    let path = format!("/api/cases/{case}/screenings");
    let mut map: serde_json::Map<String, serde_json::Value> = answers(&q, &["onl_sextortion"])
        .into_iter()
        .map(|(k, v)| (k, v.into()))
        .collect();
    let r = c
        .post_json(
            &path,
            &serde_json::json!({ "answers": map }).to_string(),
            Some(&token),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["result"]["level"], "high_concern");
    assert_eq!(
        v["result"]["raised_by"][0]["indicator"],
        "online.sextortion"
    );
    let id = v["id"].as_str().unwrap().to_owned();
    // A missing answer is named.
    map.remove("ctl_threats");
    let r = c
        .post_json(
            &path,
            &serde_json::json!({ "answers": map }).to_string(),
            Some(&token),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("answers.ctl_threats"), "{}", r.body);
    // Confirm as flagged; a second confirmation is refused with a reason.
    let confirm = format!("{path}/{id}/confirm");
    let r = c.post_json(&confirm, "{}", Some(&token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("high_concern"));
    let r = c.post_json(&confirm, "{}", Some(&token)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let list: serde_json::Value = serde_json::from_str(&c.get(&path).await.body).unwrap();
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == id.as_str() && s["confirmed_level"] == "high_concern")
    );
    let mut cps = Client::new(&env);
    cps.login(env.demo.login("cps.worker").unwrap()).await;
    assert_eq!(cps.get(&path).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_services_directory_and_a_case_plan() {
    let env = sqlite_env().await;
    let case = env.demo.ngo_cases[0].clone();
    let mut c = Client::new(&env);
    c.login(env.demo.login("ngo.worker").unwrap()).await;
    // Search by kind, area, age and language.
    let r = c
        .get("/services?kind=shelter&area=lille&age=15&language=en")
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Demo shelter Les Tilleuls"));
    assert!(
        !r.body.contains("Demo emergency shelter Paris"),
        "another area"
    );
    assert!(!r.body.contains("Demo psychotrauma"), "another kind");
    let r = c.get("/services?kind=shelter&age=25").await;
    assert!(!r.body.contains("Demo shelter Les Tilleuls"), "too old");
    let r = c.get("/services?language=ro").await;
    assert!(r.body.contains("Demo legal aid") && r.body.contains("Demo psychotrauma"));
    assert!(!r.body.contains("Demo youth health"));
    // Bad input: 422 with the message at each field.
    let r = c
        .get("/services?kind=spa&country=France&age=old&language=french")
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for f in ["kind", "country", "age", "language"] {
        assert!(r.body.contains(&format!("id=\"err-{f}\"")), "{f}");
    }
    // The case's needs: the age comes from the birthdate; plan a service.
    let page = c.get(&format!("/cases/{case}/services")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("id=\"s-age\" name=\"age\" inputmode=\"numeric\" maxlength=\"3\" value=\"1"),
        "age filled in"
    );
    let r = c
        .get(&format!("/cases/{case}/services?kind=legal_aid"))
        .await;
    let i = r.body.find("data-service=\"").unwrap() + 14;
    let service = r.body[i..i + r.body[i..].find('"').unwrap()].to_owned();
    let r = c
        .post(
            &format!("/cases/{case}/services/plan"),
            &[("service", &service)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = c.get(&format!("/cases/{case}/services")).await;
    assert!(
        page.body.contains("class=\"plan\"><td>Demo legal aid"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Service added to the case"));
    let r = c.post(&format!("/cases/{case}/services/plan"), &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The last place of a full service is refused with a message, nothing else changes.
    let one = c.get("/api/services?kind=shelter&area=paris").await;
    let v: serde_json::Value = serde_json::from_str(&one.body).unwrap();
    let paris = v[0]["service"]["id"].as_str().unwrap().to_owned();
    assert_eq!(v[0]["places_left"], 1);
    let me: serde_json::Value = serde_json::from_str(&c.get("/api/me").await.body).unwrap();
    let token = me["csrf_token"].as_str().unwrap().to_owned();
    let api = format!("/api/cases/{case}/services");
    let body = serde_json::json!({ "service_id": paris }).to_string();
    assert_eq!(
        c.post_json(&api, &body, Some(&token)).await.status,
        StatusCode::OK
    );
    let r = c.post_json(&api, &body, Some(&token)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "full: {}", r.body);
    let plans: serde_json::Value = serde_json::from_str(&c.get(&api).await.body).unwrap();
    assert_eq!(plans.as_array().unwrap().len(), 2);
    assert_eq!(
        c.get("/api/services?age=99").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // Another organisation's case: 403; the plan reads are audited.
    let mut cps = Client::new(&env);
    cps.login(env.demo.login("cps.worker").unwrap()).await;
    assert_eq!(
        cps.get(&format!("/cases/{case}/services")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(cps.get("/services").await.status, StatusCode::OK);
    let reads = env
        .registry
        .audit_entries(
            &system_actor(),
            &AuditFilter {
                action: Some("service_plan.read".into()),
                object: Some(case.clone()),
                limit: 50,
                ..AuditFilter::default()
            },
        )
        .await
        .unwrap();
    assert!(reads.len() >= 3);
}

fn request_ids(body: &str) -> Vec<String> {
    body.split("data-request=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].to_owned())
        .collect()
}

#[tokio::test]
async fn the_statement_its_access_requests_and_their_decisions() {
    let env = sqlite_env().await;
    let case = env.demo.ngo_cases[0].clone();
    let path = format!("/cases/{case}/statement");
    let mut w = Client::new(&env);
    w.login(env.demo.login("ngo.worker").unwrap()).await;
    let page = w.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("id=\"transcript\""),
        "the recorder is on the list"
    );
    assert_eq!(
        request_ids(&page.body).len(),
        1,
        "the demo's pending request"
    );
    assert!(page.body.contains("ngo.responder"));

    let mut r = Client::new(&env);
    r.login(env.demo.login("ngo.responder").unwrap()).await;
    let page = r.get(&path).await;
    assert!(!page.body.contains("id=\"transcript\""));
    assert!(page.body.contains("id=\"access-request-form\""));
    let bad = r
        .post(&format!("{path}/access-requests"), &[("reason", "  ")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("id=\"reason-error\""));
    let ok = r
        .post(
            &format!("{path}/access-requests"),
            &[("reason", "Fictional: court hearing.")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);

    let page = w.get(&path).await;
    let ids = request_ids(&page.body);
    assert_eq!(ids.len(), 2);
    // A first responder is not among the deciders.
    assert_eq!(
        r.post(
            &format!("{path}/decision"),
            &[("request", &ids[0]), ("decision", "grant")]
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let bad = w
        .post(
            &format!("{path}/decision"),
            &[("request", &ids[0]), ("decision", "maybe")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let other = &env.demo.ngo_cases[1];
    assert_eq!(
        w.post(
            &format!("/cases/{other}/statement/decision"),
            &[("request", &ids[0]), ("decision", "grant")]
        )
        .await
        .status,
        StatusCode::NOT_FOUND,
        "a request of another case's statement"
    );
    let d = w
        .post(
            &format!("{path}/decision"),
            &[("request", &ids[0]), ("decision", "refuse")],
        )
        .await;
    assert_eq!(d.status, StatusCode::SEE_OTHER);
    let d = w
        .post(
            &format!("{path}/decision"),
            &[("request", &ids[1]), ("decision", "grant")],
        )
        .await;
    assert_eq!(d.status, StatusCode::SEE_OTHER);
    assert!(request_ids(&w.get(&path).await.body).is_empty());
    let page = r.get(&path).await;
    assert!(page.body.contains("id=\"transcript\""), "granted");
    assert!(page.body.contains("Fictional transcript"));

    // Every view and decision audited.
    for (action, min) in [
        ("statement.view", 3),
        ("statement.grant", 1),
        ("statement.refuse", 1),
        ("statement.exists", 5),
    ] {
        let n = env
            .registry
            .audit_entries(
                &system_actor(),
                &AuditFilter {
                    action: Some(action.into()),
                    limit: 100,
                    ..AuditFilter::default()
                },
            )
            .await
            .unwrap()
            .len();
        assert!(n >= min, "{action}: {n}");
    }
    // JSON twin; another organisation gets 403.
    let v: serde_json::Value =
        serde_json::from_str(&r.get(&format!("/api{path}")).await.body).unwrap();
    assert!(v["transcript"].as_str().unwrap().contains("Fictional"));
    let mut cps = Client::new(&env);
    cps.login(env.demo.login("cps.worker").unwrap()).await;
    assert_eq!(cps.get(&path).await.status, StatusCode::FORBIDDEN);
}

mod prop {
    use super::*;
    use common::Env;
    use proptest::prelude::*;

    static ENV: std::sync::OnceLock<(Env, Client, String)> = std::sync::OnceLock::new();

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Whatever bytes a case worker posts to the screening form, the confirmation or their
        /// JSON twins, the answer is never a 5xx.
        #[test]
        fn arbitrary_screening_bodies_never_give_5xx(body in proptest::collection::vec(any::<u8>(), 0..300), which in 0usize..4) {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            let (env, client, screening) = ENV.get_or_init(|| {
                std::thread::spawn(|| {
                    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                    rt.block_on(async {
                        let env = sqlite_env().await;
                        let mut c = Client::new(&env);
                        c.login(env.demo.login("ngo.worker").unwrap()).await;
                        let case = env.demo.ngo_cases[0].clone();
                        let screening = env.registry.screenings_of(&common_actor(&env), &case).await.unwrap()[0].id.clone();
                        c.get(&format!("/cases/{case}/screenings/new")).await;
                        (env, c, screening)
                    })
                }).join().unwrap()
            });
            let mut c = client.clone();
            let case = &env.demo.ngo_cases[0];
            let path = [
                format!("/cases/{case}/screenings"),
                format!("/cases/{case}/screenings/{screening}/confirm"),
                format!("/api/cases/{case}/screenings"),
                format!("/api/cases/{case}/screenings/{screening}/confirm"),
            ][which].clone();
            let r = if path.starts_with("/api/") {
                let token = c.csrf.clone();
                rt.block_on(c.send(
                    axum::http::Request::post(&path)
                        .header("origin", common::ORIGIN)
                        .header("content-type", "application/json")
                        .header("x-csrf-token", token)
                        .body(axum::body::Body::from(body))
                        .unwrap(),
                ))
            } else {
                let mut full = format!("csrf={}&", c.csrf).into_bytes();
                full.extend(body);
                rt.block_on(c.post_raw(&path, "application/x-www-form-urlencoded", full))
            };
            prop_assert!(r.status.as_u16() < 500, "{} {}", r.status, r.body);
        }
    }

    fn common_actor(env: &Env) -> cairn_registry::audit::Actor {
        let l = env.demo.login("ngo.worker").unwrap();
        cairn_registry::audit::Actor {
            user_id: l.user_id.clone(),
            username: l.username.clone(),
            organisation_id: l.organisation_id.clone(),
            role: l.role,
        }
    }
}
