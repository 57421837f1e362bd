//! The web application end to end through its router: the permission matrix on every route and
//! role, organisation scoping, CSRF and Origin, lock-out without enumeration, TOTP, sessions,
//! hostile requests, the referral and consent flow, the JSON API. SQLite; the registry-backed
//! flow also on PostgreSQL.

#![allow(clippy::unwrap_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use cairn_registry::access::AuditFilter;
use cairn_registry::model::Role;
use cairn_registry::system_actor;
use cairn_server::permissions::Permissions;
use cairn_server::{ROUTES, RouteSpec};
use common::{Client, Env, form, sqlite_env};

const WALKERS: &[&str] = &[
    "demo.admin",
    "ngo.worker",
    "ngo.responder",
    "ngo.analyst",
    "ngo.statistician",
    "ngo.auditor",
    "cps.coordinator",
];

struct Ids {
    case: String,
    consent: String,
    referral: String,
    user: String,
    screening: String,
    signal: String,
    cluster: String,
    record: String,
    period: String,
    scan: String,
    media: String,
}

async fn ids(env: &Env) -> Ids {
    let case = env.demo.ngo_cases[0].clone();
    let sys = system_actor();
    let person = env
        .registry
        .case_file(&ngo_worker(env), &case)
        .await
        .unwrap()
        .case
        .person_id;
    let consent = env.registry.consents_of(&person).await.unwrap()[0]
        .id
        .clone();
    let referral = env
        .registry
        .audit_entries(
            &cairn_registry::audit::Actor {
                role: Role::System,
                ..sys.clone()
            },
            &AuditFilter {
                action: Some("referral.send".into()),
                limit: 1,
                ..AuditFilter::default()
            },
        )
        .await
        .unwrap()[0]
        .object
        .clone();
    let screening = env
        .registry
        .screenings_of(&ngo_worker(env), &case)
        .await
        .unwrap()[0]
        .id
        .clone();
    Ids {
        case,
        consent,
        referral,
        user: env.demo.login("police.worker").unwrap().user_id.clone(),
        screening,
        signal: env.demo.signal_id.clone(),
        cluster: env.demo.cluster_id.clone(),
        record: env.demo.record_id.clone(),
        period: env.demo.duty_period_id.clone(),
        scan: env.demo.scan_id.to_string(),
        media: env.demo.media_sha256.clone(),
    }
}

fn ngo_worker(env: &Env) -> cairn_registry::audit::Actor {
    let l = env.demo.login("ngo.worker").unwrap();
    cairn_registry::audit::Actor {
        user_id: l.user_id.clone(),
        username: l.username.clone(),
        organisation_id: l.organisation_id.clone(),
        role: l.role,
    }
}

fn path_of(r: &RouteSpec, ids: &Ids) -> String {
    r.path
        .replace("{case}", &ids.case)
        .replace("{consent}", &ids.consent)
        .replace("{referral}", &ids.referral)
        .replace("{user}", &ids.user)
        .replace("{token}", "tok-0000")
        .replace("{screening}", &ids.screening)
        .replace("{name}", "cairn.css")
        .replace("{signal}", &ids.signal)
        .replace("{cluster}", &ids.cluster)
        .replace("{record}", &ids.record)
        .replace("{period}", &ids.period)
        .replace("{scan}", &ids.scan)
        .replace("{media}", &ids.media)
}

async fn call(c: &mut Client, r: &RouteSpec, path: &str) -> common::Resp {
    match r.method {
        "GET" => c.get(path).await,
        _ if path.starts_with("/api/") => {
            let t = c.csrf.clone();
            c.post_json(path, "{}", Some(&t)).await
        }
        _ => c.post(path, &[]).await,
    }
}

#[tokio::test]
async fn every_route_with_every_role_follows_the_matrix() {
    let env = sqlite_env().await;
    let ids = ids(&env).await;
    let perms = Permissions::bundled().unwrap();
    // Without a session: pages redirect to the sign-in page, the API answers 401.
    for r in ROUTES.iter().filter(|r| r.action.is_some()) {
        let mut anon = Client::new(&env);
        let path = path_of(r, &ids);
        let res = if r.method == "GET" {
            anon.get(&path).await
        } else if path.starts_with("/api/") {
            anon.post_json(&path, "{}", None).await
        } else {
            anon.post_raw(&path, "application/x-www-form-urlencoded", "")
                .await
        };
        if path.starts_with("/api/") {
            assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{} {path}", r.method);
        } else {
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{} {path}", r.method);
            assert_eq!(res.location(), "/login", "{} {path}", r.method);
        }
    }
    for name in WALKERS {
        let l = env.demo.login(name).unwrap();
        let mut c = Client::new(&env);
        c.login(l).await;
        let other_org = l.organisation_id != env.demo.ngo_id;
        // Ending every session of the walker goes last.
        let mut routes: Vec<&RouteSpec> = ROUTES.iter().collect();
        routes.sort_by_key(|r| r.path == "/account/logout-everywhere");
        for r in routes {
            let Some(action) = r.action else { continue };
            let path = path_of(r, &ids);
            c.get("/account").await; // a fresh CSRF token in hand
            let res = call(&mut c, r, &path).await;
            let what = format!("{name} {} {path} -> {}", r.method, res.status);
            assert!(res.status.as_u16() < 500, "{what}: {}", res.body);
            if !perms.allows(l.role, action) {
                assert_eq!(res.status, StatusCode::FORBIDDEN, "{what}");
            } else if other_org && r.path.contains("{case}") {
                // Another organisation's case, never referred to it.
                assert_eq!(res.status, StatusCode::FORBIDDEN, "{what}");
            } else if r.path.contains("{signal}/") && l.organisation_id != env.demo.cps_id {
                // Only the organisation on duty answers the demo signal (raised by the NGO).
                assert_eq!(res.status, StatusCode::FORBIDDEN, "{what}");
            } else {
                assert_ne!(res.status, StatusCode::FORBIDDEN, "{what}: {}", res.body);
                assert_ne!(res.status, StatusCode::UNAUTHORIZED, "{what}");
            }
        }
    }
}

#[tokio::test]
async fn csrf_token_and_origin_are_required_on_every_form() {
    let env = sqlite_env().await;
    let case = env.demo.ngo_cases[0].clone();
    let mut c = Client::new(&env);
    c.login(env.demo.login("ngo.worker").unwrap()).await;
    c.get(&format!("/cases/{case}")).await;
    let path = format!("/cases/{case}/notes");
    let body = form(&[("body", "fictional note")]);
    let r = c
        .post_raw(&path, "application/x-www-form-urlencoded", body.clone())
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "no token");
    let wrong = form(&[("csrf", "AAAA"), ("body", "fictional note")]);
    let r = c
        .post_raw(&path, "application/x-www-form-urlencoded", wrong)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "wrong token");
    let good = form(&[("csrf", &c.csrf), ("body", "fictional note")]);
    for origin in [Some("http://evil.example"), Some("null"), None] {
        let mut req =
            Request::post(&path).header("content-type", "application/x-www-form-urlencoded");
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        let r = c.send(req.body(Body::from(good.clone())).unwrap()).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "origin {origin:?}");
    }
    let notes_before = env
        .registry
        .case_file(&ngo_worker(&env), &case)
        .await
        .unwrap()
        .notes
        .len();
    let r = c.post(&path, &[("body", "fictional note")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let notes = env
        .registry
        .case_file(&ngo_worker(&env), &case)
        .await
        .unwrap()
        .notes;
    assert_eq!(notes.len(), notes_before + 1, "only the good request wrote");
    // What Chromium sends under Referrer-Policy: no-referrer.
    let req = Request::post(&path)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", "null")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(good.clone()))
        .unwrap();
    assert_eq!(c.send(req).await.status, StatusCode::SEE_OTHER);
    // A Referer of the same origin stands in for a missing Origin.
    let req = Request::post(&path)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("referer", format!("{}/cases/{case}", common::ORIGIN))
        .body(Body::from(good))
        .unwrap();
    assert_eq!(c.send(req).await.status, StatusCode::SEE_OTHER);
    // The JSON API wants the token in X-CSRF-Token.
    let me = c.get("/api/me").await;
    let token = serde_json::from_str::<serde_json::Value>(&me.body).unwrap()["csrf_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let api = format!("/api/cases/{case}/referrals");
    let json = format!(
        "{{\"to_organisation_id\":\"{}\",\"reason\":\"fictional\"}}",
        env.demo.cps_id
    );
    assert_eq!(
        c.post_json(&api, &json, None).await.status,
        StatusCode::FORBIDDEN
    );
    let r = c.post_json(&api, &json, Some(&token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn wrong_passwords_lock_the_account_without_telling_users_apart() {
    let env = sqlite_env().await;
    let l = env.demo.login("ngo.statistician").unwrap().clone();
    let mut c = Client::new(&env);
    c.get("/login").await;
    let unknown = c
        .post(
            "/login",
            &[
                ("username", "nobody.here"),
                ("password", "whatever-password"),
            ],
        )
        .await;
    let wrong = c
        .post(
            "/login",
            &[("username", &l.username), ("password", "wrong-password-1")],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, wrong.status);
    assert_eq!(
        unknown.body, wrong.body,
        "same page for an unknown user and a wrong password"
    );
    for _ in 0..4 {
        c.post(
            "/login",
            &[("username", &l.username), ("password", "wrong-password-1")],
        )
        .await;
    }
    // Five failures: locked; the right password is refused with the same page.
    let locked = c
        .post(
            "/login",
            &[("username", &l.username), ("password", &l.password)],
        )
        .await;
    assert_eq!(locked.status, StatusCode::UNAUTHORIZED);
    assert_eq!(locked.body, unknown.body);
    let audit = env
        .registry
        .audit_entries(
            &system_actor(),
            &AuditFilter {
                action: Some("account.lock".into()),
                limit: 10,
                ..AuditFilter::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].object, l.user_id);
    // An admin resets the password: the lock is lifted.
    let mut admin = Client::new(&env);
    admin.login(env.demo.login("demo.admin").unwrap()).await;
    admin.get("/admin/users").await;
    let r = admin
        .post(
            &format!("/admin/users/{}/password", l.user_id),
            &[("password", "a-new-fictional-password")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let mut again = Client::new(&env);
    again.get("/login").await;
    let ok = again
        .post(
            "/login",
            &[
                ("username", &l.username),
                ("password", "a-new-fictional-password"),
            ],
        )
        .await;
    assert_eq!(ok.location(), "/dashboard");
}

#[tokio::test]
async fn sign_in_attempts_are_rate_limited() {
    let env = common::sqlite_env_with(cairn_server::ServerConfig {
        login_attempts_per_minute: 3,
        ..common::config()
    })
    .await;
    let mut c = Client::new(&env);
    c.get("/login").await;
    for _ in 0..3 {
        let r = c
            .post(
                "/login",
                &[("username", "someone"), ("password", "not-the-password")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = c
        .post(
            "/login",
            &[("username", "someone"), ("password", "not-the-password")],
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn totp_is_required_for_identifying_roles_and_codes_work_once() {
    let env = sqlite_env().await;
    let l = env.demo.login("ngo.worker").unwrap().clone();
    let mut c = Client::new(&env);
    c.get("/login").await;
    let r = c
        .post(
            "/login",
            &[("username", &l.username), ("password", &l.password)],
        )
        .await;
    assert_eq!(r.location(), "/login/totp");
    // Half signed in: no page yet.
    assert_eq!(c.get("/dashboard").await.location(), "/login");
    c.get("/login/totp").await;
    assert_eq!(
        c.post("/login/totp", &[("code", "000000x")]).await.status,
        StatusCode::UNAUTHORIZED
    );
    let code = common::totp_code(&l, 0);
    let r = c.post("/login/totp", &[("code", &code)]).await;
    assert_eq!(r.location(), "/dashboard");
    // The same code again, in another session: refused.
    let mut d = Client::new(&env);
    d.get("/login").await;
    d.post(
        "/login",
        &[("username", &l.username), ("password", &l.password)],
    )
    .await;
    d.get("/login/totp").await;
    assert_eq!(
        d.post("/login/totp", &[("code", &code)]).await.status,
        StatusCode::UNAUTHORIZED
    );
    // A role without identifying data signs in with the password alone.
    let mut s = Client::new(&env);
    let r = s.login_at(env.demo.login("ngo.auditor").unwrap(), 0).await;
    assert_eq!(r.location(), "/dashboard");
}

#[tokio::test]
async fn a_user_without_a_secret_enrols_on_first_sign_in() {
    let env = sqlite_env().await;
    let sys = system_actor();
    let org = env.demo.ngo_id.clone();
    env.registry
        .create_user(
            &sys,
            "new.worker",
            "fictional-password-1",
            &org,
            Role::CaseWorker,
        )
        .await
        .unwrap();
    let mut c = Client::new(&env);
    c.get("/login").await;
    let r = c
        .post(
            "/login",
            &[
                ("username", "new.worker"),
                ("password", "fictional-password-1"),
            ],
        )
        .await;
    assert_eq!(r.location(), "/totp/enrol");
    let page = c.get("/totp/enrol").await;
    assert!(page.body.contains("otpauth://totp/"), "{}", page.body);
    let i = page.body.find("id=\"totp-secret\">").unwrap() + 17;
    let secret = &page.body[i..i + page.body[i..].find('<').unwrap()];
    let login = cairn_server::demo::DemoLogin {
        username: "new.worker".into(),
        password: String::new(),
        role: Role::CaseWorker,
        organisation: String::new(),
        totp_secret: Some(secret.to_owned()),
        user_id: String::new(),
        organisation_id: org,
    };
    let r = c
        .post("/totp/enrol", &[("code", &common::totp_code(&login, 0))])
        .await;
    assert_eq!(r.location(), "/dashboard");
    assert_eq!(c.get("/dashboard").await.status, StatusCode::OK);
}

#[tokio::test]
async fn logout_everywhere_and_admin_revocation_end_old_sessions() {
    let env = sqlite_env().await;
    let l = env.demo.login("ngo.analyst").unwrap().clone();
    let mut a = Client::new(&env);
    a.login(&l).await;
    let mut b = Client::new(&env);
    b.login(&l).await;
    assert_eq!(b.get("/cases").await.status, StatusCode::OK);
    a.get("/account").await;
    assert_eq!(
        a.post("/account/logout-everywhere", &[]).await.location(),
        "/login"
    );
    assert_eq!(
        b.get("/cases").await.location(),
        "/login",
        "the other session ended too"
    );
    let mut c = Client::new(&env);
    c.login(&l).await;
    let mut admin = Client::new(&env);
    admin.login(env.demo.login("demo.admin").unwrap()).await;
    admin.get("/admin/users").await;
    admin
        .post(&format!("/admin/users/{}/revoke", l.user_id), &[])
        .await;
    assert_eq!(c.get("/cases").await.location(), "/login");
}

#[tokio::test]
async fn the_absolute_timeout_ends_a_session() {
    let env = common::sqlite_env_with(cairn_server::ServerConfig {
        absolute_timeout: std::time::Duration::from_secs(0),
        ..common::config()
    })
    .await;
    let mut c = Client::new(&env);
    c.login_at(env.demo.login("ngo.auditor").unwrap(), 0).await;
    assert_eq!(c.get("/audit").await.location(), "/login");
}

#[tokio::test]
async fn hostile_requests_get_4xx_never_5xx() {
    let env = sqlite_env().await;
    let case = env.demo.ngo_cases[0].clone();
    let mut c = Client::new(&env);
    c.login(env.demo.login("ngo.worker").unwrap()).await;
    c.get("/cases/new").await;
    let token = c.csrf.clone();
    let big = format!("csrf={token}&first_name={}", "a".repeat(64 * 1024));
    let r = c
        .post_raw("/cases", "application/x-www-form-urlencoded", big)
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    let bad_utf8 = format!("csrf={token}&first_name=%FF%FE");
    assert_eq!(
        c.post_raw("/cases", "application/x-www-form-urlencoded", bad_utf8)
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    let raw_bad = [
        format!("csrf={token}&first_name=").into_bytes(),
        vec![0xC3, 0x28],
    ]
    .concat();
    assert_eq!(
        c.post_raw("/cases", "application/x-www-form-urlencoded", raw_bad)
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    let bad_escape = format!("csrf={token}&first_name=%G1");
    assert_eq!(
        c.post_raw("/cases", "application/x-www-form-urlencoded", bad_escape)
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    for ctype in [
        "text/plain",
        "multipart/form-data; boundary=x",
        "application/json",
    ] {
        let r = c.post_raw("/cases", ctype, format!("csrf={token}")).await;
        assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{ctype}");
    }
    let r = c
        .post_raw(
            &format!("/api/cases/{case}/referrals"),
            "application/x-www-form-urlencoded",
            "a=b",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let r = c
        .post_json(
            &format!("/api/cases/{case}/referrals"),
            "{not json",
            Some(&token),
        )
        .await;
    assert!(r.status.is_client_error(), "{}", r.status);
    let r = c
        .post_json(
            &format!("/api/cases/{case}/referrals"),
            "{\"to_organisation_id\":1}",
            Some(&token),
        )
        .await;
    assert!(r.status.is_client_error(), "{}", r.status);
    for path in [
        "/assets/..%2f..%2fetc%2fpasswd",
        "/assets/../Cargo.toml",
        "/cases/..%2f..%2fetc",
        "/cases/%00",
        "/cases/cas-doesnotexist",
        "/cases/a%20b",
        "/nowhere",
        "/api/cases/%FF",
    ] {
        let r = c.get(path).await;
        assert!(
            r.status == StatusCode::NOT_FOUND || r.status == StatusCode::BAD_REQUEST,
            "{path}: {}",
            r.status
        );
    }
    let r = c.post("/cases", &[("birthdate", "13/13/2013")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("birthdate"), "the field is named");
    let r = c.post("/cases", &[("vulnerability", "Wizardry")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = c.post("/cases", &[("nationality", "fra")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let req = Request::delete("/cases")
        .header("origin", common::ORIGIN)
        .body(Body::empty())
        .unwrap();
    assert!(c.send(req).await.status.is_client_error());
}

#[tokio::test]
async fn security_headers_on_pages_errors_and_assets() {
    let env = sqlite_env().await;
    let mut c = Client::new(&env);
    for path in [
        "/login",
        "/nowhere",
        "/assets/cairn.css",
        "/assets/htmx-2.0.11.min.js",
        "/dashboard",
    ] {
        let r = c.get(path).await;
        let h = &r.headers;
        let csp = h.get("content-security-policy").unwrap().to_str().unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"),
            "{path}"
        );
        assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"));
        assert_eq!(h.get("x-content-type-options").unwrap(), "nosniff");
        assert_eq!(h.get("referrer-policy").unwrap(), "no-referrer");
        assert!(
            h.get("strict-transport-security").is_none(),
            "no HSTS without TLS"
        );
    }
    let login = c.get("/login").await;
    let cookie = login
        .headers
        .get("set-cookie")
        .map(|v| v.to_str().unwrap().to_owned());
    if let Some(cookie) = cookie {
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
            "{cookie}"
        );
    }
    assert!(
        !login.body.contains("<script>") && !login.body.contains("style="),
        "no inline script or style"
    );
    let secure = common::sqlite_env_with(cairn_server::ServerConfig {
        secure_cookies: true,
        hsts: true,
        ..common::config()
    })
    .await;
    let mut s = Client::new(&secure);
    let r = s.get("/login").await;
    let cookie = r.headers.get("set-cookie").unwrap().to_str().unwrap();
    assert!(
        cookie.starts_with("__Host-cairn=") && cookie.contains("Secure"),
        "{cookie}"
    );
    assert!(r.headers.get("strict-transport-security").is_some());
}

/// Refer, receive, accept, see the person; withdraw the consent; the share is refused.
async fn referral_and_consent_flow(env: Env) {
    let case = env.demo.ngo_cases[0].clone();
    let unconsented = env.demo.ngo_cases[1].clone();
    let mut ngo = Client::new(&env);
    ngo.login(env.demo.login("ngo.worker").unwrap()).await;
    ngo.get(&format!("/cases/{unconsented}")).await;
    let r = ngo
        .post(
            &format!("/cases/{unconsented}/referrals"),
            &[
                ("to_organisation", &env.demo.cps_id),
                ("reason", "fictional"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = ngo.get(&format!("/cases/{unconsented}")).await;
    assert!(
        page.body.contains("Refused"),
        "a referral without consent is refused and said so"
    );
    ngo.get(&format!("/cases/{case}")).await;
    let r = ngo
        .post(
            &format!("/cases/{case}/referrals"),
            &[
                ("to_organisation", &env.demo.cps_id),
                ("reason", "fictional"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let mut cps = Client::new(&env);
    cps.login(env.demo.login("cps.worker").unwrap()).await;
    let referrals = env
        .registry
        .referrals_of_organisation(&ngo_worker(&env))
        .await
        .unwrap();
    let referral = referrals
        .iter()
        .find(|r| r.case_id == case)
        .unwrap()
        .id
        .clone();
    let page = cps.get("/referrals").await;
    assert!(page.body.contains(&referral));
    for status in ["received", "accepted"] {
        let r = cps
            .post(
                &format!("/referrals/{referral}/status"),
                &[("status", status)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        cps.get("/referrals").await;
    }
    let file = cps.get(&format!("/cases/{case}")).await;
    assert_eq!(file.status, StatusCode::OK);
    assert!(
        file.body.contains("id=\"person\""),
        "accepted and consented: the person is shown"
    );
    assert!(!file.body.contains("share-refused"));
    // The NGO withdraws the referral consent.
    let person = env
        .registry
        .case_file(&ngo_worker(&env), &case)
        .await
        .unwrap()
        .case
        .person_id;
    let consent = env
        .registry
        .consents_of(&person)
        .await
        .unwrap()
        .into_iter()
        .find(|k| k.purpose == cairn_registry::model::Purpose::Referral)
        .unwrap();
    ngo.get(&format!("/cases/{case}")).await;
    let r = ngo
        .post(
            &format!("/cases/{case}/consents/{}/withdraw", consent.id),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let file = cps.get(&format!("/cases/{case}")).await;
    assert_eq!(file.status, StatusCode::OK);
    assert!(
        file.body.contains("share-refused"),
        "the share is refused after withdrawal"
    );
    assert!(
        !file.body.contains("id=\"person\""),
        "no identifying field is shown"
    );
    let first_name = env
        .registry
        .case_file(&ngo_worker(&env), &case)
        .await
        .unwrap();
    if let cairn_registry::access::PersonPart::Shown(p) = first_name.person {
        assert!(!file.body.contains(p.fields.first_name.as_deref().unwrap()));
    }
    // The refusal is in the audit log.
    let denied = env
        .registry
        .audit_entries(
            &system_actor(),
            &AuditFilter {
                action: Some("share".into()),
                limit: 500,
                ..AuditFilter::default()
            },
        )
        .await
        .unwrap();
    assert!(
        denied
            .iter()
            .any(|e| e.outcome == "denied" && e.object == format!("{person}->{}", env.demo.cps_id))
    );
    // The police unit never had the case: 403, audited.
    let mut police = Client::new(&env);
    police.login(env.demo.login("police.worker").unwrap()).await;
    assert_eq!(
        police.get(&format!("/cases/{case}")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        police.get(&format!("/api/cases/{case}")).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn referral_and_consent_flow_sqlite() {
    referral_and_consent_flow(sqlite_env().await).await;
}

#[tokio::test]
async fn referral_and_consent_flow_postgres() {
    referral_and_consent_flow(common::pg_env().await).await;
}

#[tokio::test]
async fn pages_in_french_after_the_switch_and_the_audit_view() {
    let env = sqlite_env().await;
    let mut c = Client::new(&env);
    c.login_at(env.demo.login("ngo.auditor").unwrap(), 0).await;
    c.get("/account").await;
    assert_eq!(
        c.post("/account/language", &[("lang", "fr")])
            .await
            .location(),
        "/account"
    );
    let page = c.get("/dashboard").await;
    assert!(page.body.contains("lang=\"fr\"") && page.body.contains("Tableau de bord"));
    assert_eq!(
        c.post("/account/language", &[("lang", "xx")]).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let audit = c.get("/audit?action=login").await;
    assert_eq!(audit.status, StatusCode::OK);
    assert!(audit.body.contains("<td>login</td>"));
    let rows = c
        .send(
            Request::get("/audit?action=case.create")
                .header("hx-request", "true")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(
        rows.body.starts_with("<table>"),
        "htmx gets the table alone"
    );
    let api = c.get("/api/audit?action=case.create").await;
    let v: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert!(v.as_array().unwrap().len() >= 4);
}

#[tokio::test]
async fn the_api_answers_with_the_same_rules() {
    let env = sqlite_env().await;
    let mut cps = Client::new(&env);
    cps.login(env.demo.login("cps.worker").unwrap()).await;
    let v: serde_json::Value = serde_json::from_str(&cps.get("/api/cases").await.body).unwrap();
    let ids: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&env.demo.ngo_cases[2].as_str()),
        "the case referred to child protection"
    );
    assert!(
        !ids.contains(&env.demo.ngo_cases[0].as_str()),
        "not the NGO's other cases"
    );
    for c in &env.demo.cps_cases {
        assert!(ids.contains(&c.as_str()));
    }
    // Viewing the referred case reads the person: audited with its purpose, with the case read.
    let referred = &env.demo.ngo_cases[2];
    let file: serde_json::Value =
        serde_json::from_str(&cps.get(&format!("/api/cases/{referred}")).await.body).unwrap();
    assert_eq!(file["person"]["shown"], "shown", "{file}");
    let person = file["case"]["person_id"].as_str().unwrap().to_owned();
    let reads = env
        .registry
        .audit_entries(
            &system_actor(),
            &AuditFilter {
                object: Some(person),
                limit: 50,
                ..AuditFilter::default()
            },
        )
        .await
        .unwrap();
    let cps_user = &env.demo.login("cps.worker").unwrap().user_id;
    assert!(
        reads
            .iter()
            .any(|e| e.action == "person.read" && e.purpose == "referral" && &e.actor == cps_user)
    );
    let me: serde_json::Value = serde_json::from_str(&cps.get("/api/me").await.body).unwrap();
    assert_eq!(me["role"], "case_worker");
    assert!(
        !me["allowed_actions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a == "audit.view")
    );
}

mod prop {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]
        /// Whatever bytes a signed-in user posts to the forms, the answer is never a 5xx.
        #[test]
        fn arbitrary_form_bodies_never_give_5xx(body in proptest::collection::vec(any::<u8>(), 0..300), which in 0usize..4) {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            let env = ENV.get_or_init(|| {
                std::thread::spawn(|| {
                    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                    rt.block_on(async {
                        let env = sqlite_env().await;
                        let mut c = Client::new(&env);
                        c.login(env.demo.login("ngo.worker").unwrap()).await;
                        c.get("/cases/new").await;
                        (env, c)
                    })
                }).join().unwrap()
            });
            let (env, client) = env;
            let mut c = client.clone();
            let case = &env.demo.ngo_cases[1];
            let path = [
                "/cases".to_owned(),
                format!("/cases/{case}/notes"),
                format!("/cases/{case}/consents"),
                format!("/cases/{case}/referrals"),
            ][which].clone();
            let mut full = format!("csrf={}&", c.csrf).into_bytes();
            full.extend(body);
            let r = rt.block_on(c.post_raw(&path, "application/x-www-form-urlencoded", full));
            prop_assert!(r.status.as_u16() < 500, "{} {}", r.status, r.body);
        }
    }

    static ENV: std::sync::OnceLock<(Env, Client)> = std::sync::OnceLock::new();
}

#[tokio::test]
async fn api_tokens_are_scoped_and_revocable() {
    let env = sqlite_env().await;
    let case = env.demo.ngo_cases[0].clone();
    let mut c = Client::new(&env);
    c.login(env.demo.login("ngo.worker").unwrap()).await;
    let mut tokens = Vec::new();
    for scope in ["read", "write"] {
        c.get("/account").await;
        let r = c
            .post(
                "/account/tokens",
                &[("name", "fictional script"), ("scope", scope)],
            )
            .await;
        assert_eq!(r.location(), "/account");
        let page = c.get("/account").await;
        let i = page.body.find("cairn_").expect("the token is shown once");
        tokens.push(page.body[i..i + 70].to_owned());
        assert!(
            !c.get("/account")
                .await
                .body
                .contains(&tokens[tokens.len() - 1]),
            "only once"
        );
    }
    // Validity: 90 days unless asked, bounded; the page shows when each token expires.
    for days in ["0", "366", "many"] {
        c.get("/account").await;
        let r = c
            .post(
                "/account/tokens",
                &[
                    ("name", "too long"),
                    ("scope", "read"),
                    ("valid_days", days),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{days}");
        assert!(r.body.contains("valid_days"), "{days}: the field is named");
    }
    let listed = env.registry.api_tokens(&ngo_worker(&env)).await.unwrap();
    assert_eq!(listed.len(), 2, "refused requests made no token");
    let page = c.get("/account").await.body;
    for t in &listed {
        assert!(!t.expired);
        assert!(
            page.contains(&t.expires_at[..10]),
            "expiry date on the page"
        );
    }
    let bearer = |t: &str, req: axum::http::request::Builder| {
        req.header("authorization", format!("Bearer {t}"))
    };
    let mut script = Client::new(&env); // no cookie, no Origin, no CSRF token
    let r = script
        .send(
            bearer(&tokens[0], Request::get("/api/cases"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains(&case));
    let json = format!(
        "{{\"to_organisation_id\":\"{}\",\"reason\":\"fictional\"}}",
        env.demo.cps_id
    );
    let post = |t: &str| {
        bearer(t, Request::post(format!("/api/cases/{case}/referrals")))
            .header("content-type", "application/json")
            .body(Body::from(json.clone()))
            .unwrap()
    };
    assert_eq!(
        script.send(post(&tokens[0])).await.status,
        StatusCode::FORBIDDEN,
        "read scope"
    );
    let r = script.send(post(&tokens[1])).await;
    assert_eq!(r.status, StatusCode::OK, "write scope: {}", r.body);
    // Pages never take a token; a wrong token is a 401.
    let r = script
        .send(
            bearer(&tokens[1], Request::get("/cases"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.location(), "/login");
    let r = script
        .send(
            bearer("cairn_00", Request::get("/api/cases"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // Revoked: refused.
    let listed = env.registry.api_tokens(&ngo_worker(&env)).await.unwrap();
    c.get("/account").await;
    for t in &listed {
        c.post(&format!("/account/tokens/{}/revoke", t.id), &[])
            .await;
    }
    let r = script
        .send(
            bearer(&tokens[0], Request::get("/api/cases"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}
