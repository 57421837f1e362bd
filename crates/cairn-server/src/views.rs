//! Page templates (askama, `templates/`) and what they are given. Handlers prepare plain display
//! values (dates formatted for the language, labels looked up) so that templates stay simple.

use crate::auth::Ctx;
use crate::error::AppError;
use crate::i18n::{Lang, Tr};
use crate::state::AppState;
use askama::Template;
use axum::response::{Html, IntoResponse, Response};

pub struct NavItem {
    pub href: &'static str,
    pub key: &'static str,
}

pub struct UserChrome {
    pub username: String,
    pub role: String,
    pub nav: Vec<NavItem>,
}

/// What the layout needs on every page.
pub struct Chrome<'a> {
    pub t: Tr<'a>,
    pub title: String,
    pub user: Option<UserChrome>,
    pub csrf: String,
    pub demo: bool,
    pub flash: Option<String>,
}

const NAV: &[(&str, &str, &str)] = &[
    ("/dashboard", "nav_dashboard", "dashboard.view"),
    ("/cases", "nav_cases", "case.list"),
    ("/cases/new", "nav_new_case", "case.create"),
    ("/referrals", "nav_referrals", "referral.list"),
    ("/services", "nav_services", "service.search"),
    ("/signals", "nav_signals", "signal.list"),
    ("/scans", "nav_investigation", "investigation.view"),
    ("/audit", "nav_audit", "audit.view"),
    ("/admin/users", "nav_users", "user.list"),
    ("/duty", "nav_duty", "duty.view"),
    ("/stats", "nav_stats", "stats.view"),
    ("/account", "nav_account", "account.manage"),
];

pub const FLASH_KEY: &str = "flash";

impl<'a> Chrome<'a> {
    pub async fn for_user(ctx: &'a Ctx, title_key: &str) -> Chrome<'a> {
        let flash = ctx.session.remove::<String>(FLASH_KEY).await.ok().flatten();
        Chrome {
            t: ctx.tr(),
            title: ctx.tr().t(title_key),
            user: Some(UserChrome {
                username: ctx.actor.username.clone(),
                role: ctx.actor.role.to_string(),
                nav: NAV
                    .iter()
                    .filter(|(_, _, a)| ctx.may(a))
                    .map(|(href, key, _)| NavItem { href, key })
                    .collect(),
            }),
            csrf: ctx.csrf.clone(),
            demo: ctx.state.config.demo,
            flash,
        }
    }

    pub fn anonymous(state: &'a AppState, lang: Lang, title_key: &str, csrf: String) -> Chrome<'a> {
        let t = Tr {
            lang,
            catalog: &state.catalog,
        };
        Chrome {
            title: t.t(title_key),
            t,
            user: None,
            csrf,
            demo: state.config.demo,
            flash: None,
        }
    }
}

/// Formats an RFC 3339 time for the language (`2026-12-01 14:03 UTC` / `01/12/2026 14:03 UTC`);
/// a bare date stays a date.
pub fn fmt_time(lang: Lang, text: &str) -> String {
    let (date, rest) = text.split_at(text.len().min(10));
    let hm = rest.get(1..6).filter(|_| rest.starts_with('T'));
    let d = match (lang, date.split('-').collect::<Vec<_>>().as_slice()) {
        (Lang::Fr, [y, m, d]) => format!("{d}/{m}/{y}"),
        _ => date.to_owned(),
    };
    match hm {
        Some(hm) => format!("{d} {hm} UTC"),
        None => d,
    }
}

pub fn render<T: Template>(t: &T) -> Result<Response, AppError> {
    t.render()
        .map(|s| Html(s).into_response())
        .map_err(|e| AppError::Internal(format!("template: {e}")))
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage<'a> {
    pub c: Chrome<'a>,
    pub message: String,
    pub detail: Option<String>,
}

pub fn error_page(state: &AppState, lang: Lang, err: &AppError) -> Response {
    let c = Chrome::anonymous(state, lang, "error_title", String::new());
    let page = ErrorPage {
        message: c.t.t(err.message_key()),
        detail: err.detail(),
        c,
    };
    let body = page
        .render()
        .unwrap_or_else(|_| "<!doctype html><title>Error</title><p>Error</p>".into());
    (err.status(), Html(body)).into_response()
}

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage<'a> {
    pub c: Chrome<'a>,
    pub failed: Option<String>,
}

#[derive(Template)]
#[template(path = "totp.html")]
pub struct TotpPage<'a> {
    pub c: Chrome<'a>,
    pub failed: bool,
    /// Enrolment: the secret (base32) and its otpauth URI.
    pub enrol: Option<(String, String)>,
    pub action: &'static str,
}

pub struct CaseRow {
    pub id: String,
    pub status: String,
    pub lead: String,
    pub opened: String,
    pub referred: bool,
}

pub struct ReferralRow {
    pub id: String,
    pub case_id: String,
    pub from: String,
    pub to: String,
    pub status: String,
    pub reason: String,
    pub decline_reason: String,
    pub sent: String,
    pub overdue: bool,
    pub incoming: bool,
    pub can_receive: bool,
    pub can_answer: bool,
    pub can_close: bool,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
pub struct DashboardPage<'a> {
    pub c: Chrome<'a>,
    pub works_on_cases: bool,
    pub cases: Vec<CaseRow>,
    pub incoming: Vec<ReferralRow>,
    pub overdue: Vec<ReferralRow>,
}

#[derive(Template)]
#[template(path = "cases.html")]
pub struct CasesPage<'a> {
    pub c: Chrome<'a>,
    pub cases: Vec<CaseRow>,
}

pub struct Choice {
    pub value: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "case_new.html")]
pub struct NewCasePage<'a> {
    pub c: Chrome<'a>,
    pub genders: Vec<Choice>,
    pub vulnerabilities: Vec<Choice>,
}

pub struct PersonDisplay {
    pub id: String,
    pub victim_status: String,
    pub first_name: String,
    pub second_name: String,
    pub birthdate: String,
    pub mobile_phone: String,
    pub gender: String,
    pub nationality: String,
}

pub struct EventRow {
    pub kind: String,
    pub place: String,
    pub date: String,
    pub means: String,
    pub form: String,
}

pub struct ConsentRow {
    pub id: String,
    pub purpose: String,
    pub recipient: String,
    pub categories: String,
    pub state_key: &'static str,
    pub can_withdraw: bool,
}

pub struct NoteRow {
    pub body: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "case.html")]
pub struct CasePage<'a> {
    pub c: Chrome<'a>,
    pub id: String,
    pub status: String,
    pub lead: String,
    pub opened: String,
    pub vulnerabilities: String,
    pub person: Option<PersonDisplay>,
    pub withheld_key: Option<&'static str>,
    pub details_shown: bool,
    pub events: Vec<EventRow>,
    pub referrals: Vec<ReferralRow>,
    pub consents: Vec<ConsentRow>,
    pub statement_exists: bool,
    pub statement_may_view: bool,
    pub notes: Vec<NoteRow>,
    pub may_note: bool,
    pub may_consent: bool,
    pub may_refer: bool,
    pub may_request_statement: bool,
    pub may_screen: bool,
    pub organisations: Vec<Choice>,
    pub purposes: Vec<Choice>,
    pub categories: Vec<Choice>,
    pub givers: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "referrals.html")]
pub struct ReferralsPage<'a> {
    pub c: Chrome<'a>,
    pub incoming: Vec<ReferralRow>,
    pub outgoing: Vec<ReferralRow>,
}

pub struct AuditRow {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub organisation: String,
    pub action: String,
    pub object: String,
    pub purpose: String,
    pub fields: String,
    pub outcome: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
pub struct AuditPage<'a> {
    pub c: Chrome<'a>,
    pub rows: Vec<AuditRow>,
    pub action: String,
    pub actor: String,
    pub object: String,
    pub older: Option<String>,
}

#[derive(Template)]
#[template(path = "audit_rows.html")]
pub struct AuditRows<'a> {
    pub c: Chrome<'a>,
    pub rows: Vec<AuditRow>,
    pub older: Option<String>,
}

pub struct UserRow {
    pub id: String,
    pub username: String,
    pub role: String,
    pub organisation: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "users.html")]
pub struct UsersPage<'a> {
    pub c: Chrome<'a>,
    pub users: Vec<UserRow>,
}

pub struct TokenRow {
    pub id: String,
    pub name: String,
    pub scope: String,
    pub created: String,
    pub revoked: bool,
    pub expires: String,
    pub expired: bool,
}

#[derive(Template)]
#[template(path = "account.html")]
pub struct AccountPage<'a> {
    pub c: Chrome<'a>,
    pub lang: &'static str,
    pub tokens: Vec<TokenRow>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_per_language() {
        assert_eq!(
            fmt_time(Lang::En, "2026-12-01T14:03:05.123Z"),
            "2026-12-01 14:03 UTC"
        );
        assert_eq!(
            fmt_time(Lang::Fr, "2026-12-01T14:03:05Z"),
            "01/12/2026 14:03 UTC"
        );
        assert_eq!(fmt_time(Lang::Fr, "2009-03-07"), "07/03/2009");
        assert_eq!(fmt_time(Lang::En, "x"), "x");
    }
}
