//! The router, and the table of every route with the action of the permission matrix it needs
//! (tests walk this table with every role).

use crate::handlers::{
    account, admin, api, assets, audit, cases, investigation, login, referrals, screening,
    services, signals, statement,
};
use crate::handlers::{duty, stats};
use crate::security;
use crate::state::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

/// One route: method, path pattern (`{case}`, `{consent}`, `{referral}`, `{user}`, `{token}`,
/// `{screening}`, `{signal}`, `{cluster}`, `{record}`, `{scan}`, `{media}`, `{period}` stand for
/// ids),
/// and the matrix action it needs (None: open to anyone or to a half-signed-in session).
#[derive(Debug, Clone, Copy)]
pub struct RouteSpec {
    pub method: &'static str,
    pub path: &'static str,
    pub action: Option<&'static str>,
}

const fn r(method: &'static str, path: &'static str, action: Option<&'static str>) -> RouteSpec {
    RouteSpec {
        method,
        path,
        action,
    }
}

pub const ROUTES: &[RouteSpec] = &[
    r("GET", "/healthz", None),
    r("GET", "/favicon.ico", None),
    r("GET", "/assets/{name}", None),
    r("GET", "/login", None),
    r("POST", "/login", None),
    r("GET", "/login/totp", None),
    r("POST", "/login/totp", None),
    r("GET", "/totp/enrol", None),
    r("POST", "/totp/enrol", None),
    r("POST", "/logout", None),
    r("GET", "/", Some("dashboard.view")),
    r("GET", "/dashboard", Some("dashboard.view")),
    r("GET", "/cases", Some("case.list")),
    r("GET", "/cases/new", Some("case.create")),
    r("POST", "/cases", Some("case.create")),
    r("GET", "/cases/{case}", Some("case.view")),
    r("POST", "/cases/{case}/notes", Some("note.add")),
    r("POST", "/cases/{case}/consents", Some("consent.record")),
    r(
        "POST",
        "/cases/{case}/consents/{consent}/withdraw",
        Some("consent.withdraw"),
    ),
    r("POST", "/cases/{case}/referrals", Some("referral.send")),
    r(
        "POST",
        "/cases/{case}/statement/request",
        Some("statement.request"),
    ),
    r("GET", "/referrals", Some("referral.list")),
    r(
        "POST",
        "/referrals/{referral}/status",
        Some("referral.respond"),
    ),
    r("GET", "/audit", Some("audit.view")),
    r("GET", "/admin/users", Some("user.list")),
    r(
        "POST",
        "/admin/users/{user}/password",
        Some("user.password_reset"),
    ),
    r(
        "POST",
        "/admin/users/{user}/revoke",
        Some("user.sessions_revoke"),
    ),
    r("GET", "/account", Some("account.manage")),
    r("POST", "/account/language", Some("account.manage")),
    r("POST", "/account/logout-everywhere", Some("account.manage")),
    r("POST", "/account/tokens", Some("account.manage")),
    r(
        "POST",
        "/account/tokens/{token}/revoke",
        Some("account.manage"),
    ),
    r("GET", "/api/me", Some("account.manage")),
    r("GET", "/api/cases", Some("case.list")),
    r("GET", "/api/cases/{case}", Some("case.view")),
    r("POST", "/api/cases/{case}/referrals", Some("referral.send")),
    r(
        "POST",
        "/api/cases/{case}/consents/{consent}/withdraw",
        Some("consent.withdraw"),
    ),
    r("GET", "/api/referrals", Some("referral.list")),
    r(
        "POST",
        "/api/referrals/{referral}/status",
        Some("referral.respond"),
    ),
    r("GET", "/api/audit", Some("audit.view")),
    r("GET", "/api/openapi.json", None),
    r("GET", "/api/docs", None),
    // --- screens ---
    r("GET", "/cases/{case}/screenings", Some("screening.view")),
    r(
        "GET",
        "/cases/{case}/screenings/new",
        Some("screening.create"),
    ),
    r("POST", "/cases/{case}/screenings", Some("screening.create")),
    r(
        "GET",
        "/cases/{case}/screenings/{screening}",
        Some("screening.view"),
    ),
    r(
        "POST",
        "/cases/{case}/screenings/{screening}/confirm",
        Some("screening.confirm"),
    ),
    r(
        "GET",
        "/api/cases/{case}/screenings",
        Some("screening.view"),
    ),
    r(
        "POST",
        "/api/cases/{case}/screenings",
        Some("screening.create"),
    ),
    r(
        "POST",
        "/api/cases/{case}/screenings/{screening}/confirm",
        Some("screening.confirm"),
    ),
    r("GET", "/services", Some("service.search")),
    r("GET", "/cases/{case}/services", Some("service_plan.view")),
    r(
        "POST",
        "/cases/{case}/services/plan",
        Some("service_plan.create"),
    ),
    r("GET", "/api/services", Some("service.search")),
    r(
        "GET",
        "/api/cases/{case}/services",
        Some("service_plan.view"),
    ),
    r(
        "POST",
        "/api/cases/{case}/services",
        Some("service_plan.create"),
    ),
    r("GET", "/cases/{case}/statement", Some("statement.view")),
    r(
        "POST",
        "/cases/{case}/statement/access-requests",
        Some("statement.request"),
    ),
    r(
        "POST",
        "/cases/{case}/statement/decision",
        Some("statement.decide"),
    ),
    r("GET", "/api/cases/{case}/statement", Some("statement.view")),
    r(
        "POST",
        "/api/cases/{case}/statement/access-requests",
        Some("statement.request"),
    ),
    r(
        "POST",
        "/api/cases/{case}/statement/decision",
        Some("statement.decide"),
    ),
    // --- bridge ---
    r("GET", "/clusters", Some("investigation.view")),
    r("GET", "/clusters/{cluster}", Some("investigation.view")),
    r("POST", "/clusters/{cluster}/signal", Some("signal.raise")),
    r("POST", "/records/{record}/signal", Some("signal.raise")),
    r("GET", "/signals", Some("signal.list")),
    r("GET", "/signals/{signal}", Some("signal.view")),
    r("POST", "/signals/{signal}/accept", Some("signal.respond")),
    r("POST", "/signals/{signal}/decline", Some("signal.respond")),
    r("GET", "/api/signals", Some("signal.list")),
    r("GET", "/api/signals/{signal}", Some("signal.view")),
    r(
        "POST",
        "/api/clusters/{cluster}/signal",
        Some("signal.raise"),
    ),
    r("POST", "/api/records/{record}/signal", Some("signal.raise")),
    r(
        "POST",
        "/api/signals/{signal}/accept",
        Some("signal.respond"),
    ),
    r(
        "POST",
        "/api/signals/{signal}/decline",
        Some("signal.respond"),
    ),
    r("GET", "/selectors", Some("investigation.view")),
    r("GET", "/api/selectors", Some("investigation.view")),
    // --- webmore: duty roster ---
    r("GET", "/duty", Some("duty.view")),
    r("POST", "/duty", Some("duty.manage")),
    r("POST", "/duty/{period}/end", Some("duty.manage")),
    r("GET", "/api/duty", Some("duty.view")),
    r("POST", "/api/duty", Some("duty.manage")),
    r("POST", "/api/duty/{period}/end", Some("duty.manage")),
    // --- webmore: statistics ---
    r("GET", "/stats", Some("stats.view")),
    r("GET", "/stats/releases", Some("stats.view")),
    r("POST", "/stats/releases", Some("stats.release")),
    r("GET", "/api/stats/report", Some("stats.view")),
    r("GET", "/api/stats/releases", Some("stats.view")),
    r("POST", "/api/stats/releases", Some("stats.release")),
    // --- investigation screens ---
    r("GET", "/scans", Some("investigation.view")),
    r("GET", "/scans/{scan}", Some("investigation.view")),
    r("GET", "/records/{record}", Some("investigation.view")),
    r("GET", "/media", Some("investigation.view")),
    r("GET", "/media/{media}/preview", Some("investigation.view")),
    r("POST", "/media/{media}/unblur", Some("media.unblur")),
    r("GET", "/media/{media}/image", Some("media.unblur")),
    r("GET", "/api/scans", Some("investigation.view")),
    r("GET", "/api/scans/{scan}", Some("investigation.view")),
    r("GET", "/api/records/{record}", Some("investigation.view")),
    r("GET", "/api/clusters/{cluster}", Some("investigation.view")),
    r("GET", "/api/media", Some("investigation.view")),
    r("POST", "/api/media/{media}/unblur", Some("media.unblur")),
];

/// The whole application, its sessions in the registry database (see [`crate::sessions`]).
pub fn router(state: AppState) -> Router {
    let cfg = &state.config;
    let idle = time::Duration::seconds(i64::try_from(cfg.idle_timeout.as_secs()).unwrap_or(1800));
    let sessions = SessionManagerLayer::new(state.sessions.clone())
        .with_name(if cfg.secure_cookies {
            "__Host-cairn"
        } else {
            "cairn"
        })
        .with_secure(cfg.secure_cookies)
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(idle))
        // Every request moves the idle expiry (and the cookie's Max-Age); the store writes it
        // only when it moved by more than a minute.
        .with_always_save(true);
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        // Browsers ask for it on every site; no icon, and no 404 in their console.
        .route(
            "/favicon.ico",
            get(|| async { axum::http::StatusCode::NO_CONTENT }),
        )
        .route("/assets/{name}", get(assets::asset))
        .route("/login", get(login::form).post(login::submit))
        .route(
            "/login/totp",
            get(login::totp_form).post(login::totp_submit),
        )
        .route(
            "/totp/enrol",
            get(login::enrol_form).post(login::enrol_submit),
        )
        .route("/logout", post(login::logout))
        .route("/", get(cases::home))
        .route("/dashboard", get(cases::dashboard))
        .route("/cases", get(cases::list).post(cases::create))
        .route("/cases/new", get(cases::new_form))
        .route("/cases/{case}", get(cases::show))
        .route("/cases/{case}/notes", post(cases::add_note))
        .route("/cases/{case}/consents", post(cases::record_consent))
        .route(
            "/cases/{case}/consents/{consent}/withdraw",
            post(cases::withdraw_consent),
        )
        .route("/cases/{case}/referrals", post(referrals::send))
        .route(
            "/cases/{case}/statement/request",
            post(cases::request_statement),
        )
        .route("/referrals", get(referrals::list))
        .route("/referrals/{referral}/status", post(referrals::respond))
        .route("/audit", get(audit::view))
        .route("/admin/users", get(admin::users))
        .route("/admin/users/{user}/password", post(admin::reset_password))
        .route("/admin/users/{user}/revoke", post(admin::revoke))
        .route("/account", get(account::view))
        .route("/account/language", post(account::language))
        .route(
            "/account/logout-everywhere",
            post(account::logout_everywhere),
        )
        .route("/account/tokens", post(account::create_token))
        .route(
            "/account/tokens/{token}/revoke",
            post(account::revoke_token),
        )
        .route("/api/me", get(api::me))
        .route("/api/cases", get(api::cases))
        .route("/api/cases/{case}", get(api::case))
        .route("/api/cases/{case}/referrals", post(api::send_referral))
        .route(
            "/api/cases/{case}/consents/{consent}/withdraw",
            post(api::withdraw_consent),
        )
        .route("/api/referrals", get(api::referrals))
        .route("/api/referrals/{referral}/status", post(api::respond))
        .route("/api/audit", get(api::audit))
        .route("/api/openapi.json", get(crate::openapi::json))
        .route("/api/docs", get(crate::openapi::docs))
        // --- screens ---
        .route(
            "/cases/{case}/screenings",
            get(screening::list).post(screening::submit),
        )
        .route("/cases/{case}/screenings/new", get(screening::new_form))
        .route("/cases/{case}/screenings/{screening}", get(screening::show))
        .route(
            "/cases/{case}/screenings/{screening}/confirm",
            post(screening::confirm),
        )
        .route(
            "/api/cases/{case}/screenings",
            get(screening::api_list).post(screening::api_create),
        )
        .route(
            "/api/cases/{case}/screenings/{screening}/confirm",
            post(screening::api_confirm),
        )
        .route("/services", get(services::search))
        .route("/cases/{case}/services", get(services::for_case))
        .route("/cases/{case}/services/plan", post(services::plan))
        .route("/api/services", get(services::api_search))
        .route(
            "/api/cases/{case}/services",
            get(services::api_plans).post(services::api_plan),
        )
        .route("/cases/{case}/statement", get(statement::show))
        .route(
            "/cases/{case}/statement/access-requests",
            post(statement::request_access),
        )
        .route("/cases/{case}/statement/decision", post(statement::decide))
        .route("/api/cases/{case}/statement", get(statement::api_show))
        .route(
            "/api/cases/{case}/statement/access-requests",
            post(statement::api_request),
        )
        .route(
            "/api/cases/{case}/statement/decision",
            post(statement::api_decide),
        )
        // --- bridge ---
        .route("/clusters", get(signals::clusters))
        .route("/clusters/{cluster}", get(signals::cluster))
        .route(
            "/clusters/{cluster}/signal",
            post(signals::raise_from_cluster),
        )
        .route("/records/{record}/signal", post(signals::raise_from_record))
        .route("/signals", get(signals::list))
        .route("/signals/{signal}", get(signals::show))
        .route("/signals/{signal}/accept", post(signals::accept))
        .route("/signals/{signal}/decline", post(signals::decline))
        .route("/api/signals", get(signals::api_list))
        .route("/api/signals/{signal}", get(signals::api_show))
        .route(
            "/api/clusters/{cluster}/signal",
            post(signals::api_raise_cluster),
        )
        .route(
            "/api/records/{record}/signal",
            post(signals::api_raise_record),
        )
        .route("/api/signals/{signal}/accept", post(signals::api_accept))
        .route("/api/signals/{signal}/decline", post(signals::api_decline))
        .route("/selectors", get(signals::selectors))
        .route("/api/selectors", get(signals::api_selectors))
        // --- webmore: duty roster ---
        .route("/duty", get(duty::view).post(duty::add))
        .route("/duty/{period}/end", post(duty::end))
        .route("/api/duty", get(duty::api_list).post(duty::api_add))
        .route("/api/duty/{period}/end", post(duty::api_end))
        // --- webmore: statistics ---
        .route("/stats", get(stats::report))
        .route("/stats/releases", get(stats::releases).post(stats::create))
        .route("/api/stats/report", get(stats::api_report))
        .route(
            "/api/stats/releases",
            get(stats::api_releases).post(stats::api_create),
        )
        // --- investigation screens ---
        .route("/scans", get(investigation::scans))
        .route("/scans/{scan}", get(investigation::scan))
        .route("/records/{record}", get(investigation::record))
        .route("/media", get(investigation::media_page))
        .route("/media/{media}/preview", get(investigation::media_preview))
        .route("/media/{media}/unblur", post(investigation::media_unblur))
        .route("/media/{media}/image", get(investigation::media_image))
        .route("/api/scans", get(investigation::api_scans))
        .route("/api/scans/{scan}", get(investigation::api_scan))
        .route("/api/records/{record}", get(investigation::api_record))
        .route("/api/clusters/{cluster}", get(investigation::api_cluster))
        .route("/api/media", get(investigation::api_media))
        .route(
            "/api/media/{media}/unblur",
            post(investigation::api_media_unblur),
        )
        .fallback(|| async { crate::AppError::NotFound })
        // Innermost first: the guard needs the session; errors are rendered outside both.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::guard_unsafe,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::error_pages,
        ))
        .layer(sessions)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::security_headers,
        ))
        .layer(
            tower_http::trace::TraceLayer::new_for_http().make_span_with(
                // Method and route pattern only: no query string, no ids, no personal data.
                |req: &axum::http::Request<_>| {
                    let route = req
                        .extensions()
                        .get::<axum::extract::MatchedPath>()
                        .map(|p| p.as_str().to_owned())
                        .unwrap_or_else(|| "unmatched".into());
                    tracing::info_span!("http", method = %req.method(), route)
                },
            ),
        )
        .layer(DefaultBodyLimit::max(cfg.max_body_bytes))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            cfg.max_body_bytes,
        ))
        .with_state(state)
}
