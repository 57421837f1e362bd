//! CSRF protection: one random token per session, sent back in every form (`csrf` field) or in
//! the `X-CSRF-Token` header, compared in constant time; plus an Origin (or Referer) check on
//! every unsafe method. Both are enforced by the `guard_unsafe` middleware, for every route.

use crate::auth::session_err;
use crate::error::AppError;
use base64::Engine;
use subtle::ConstantTimeEq;
use tower_sessions::Session;

pub const CSRF_KEY: &str = "csrf";
pub const CSRF_FIELD: &str = "csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

pub fn random_token() -> Result<String, AppError> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(|_| AppError::Internal("random".into()))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b))
}

/// The session's token, created on first use.
pub async fn token(session: &Session) -> Result<String, AppError> {
    if let Some(t) = session.get::<String>(CSRF_KEY).await.map_err(session_err)? {
        return Ok(t);
    }
    let t = random_token()?;
    session.insert(CSRF_KEY, &t).await.map_err(session_err)?;
    Ok(t)
}

/// Whether `given` is the session's token (constant-time; false without a session token).
pub async fn matches(session: &Session, given: &str) -> Result<bool, AppError> {
    let Some(expected) = session.get::<String>(CSRF_KEY).await.map_err(session_err)? else {
        return Ok(false);
    };
    Ok(!given.is_empty() && bool::from(expected.as_bytes().ct_eq(given.as_bytes())))
}

/// The scheme-less authority of an origin or URL: `https://a.b:8080/x` → `a.b:8080`.
pub fn authority(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let a = &rest[..end];
    (!a.is_empty()).then_some(a)
}

/// Same origin: the Origin header names the expected origin (the configured public origin, or the
/// Host when none is configured). Browsers send `Origin: null` on form posts from a page served
/// with `Referrer-Policy: no-referrer`; then `Sec-Fetch-Site: same-origin` (set by the browser,
/// not by scripts) vouches instead, and without either, a same-origin Referer.
pub fn same_origin(
    origin: Option<&str>,
    sec_fetch_site: Option<&str>,
    referer: Option<&str>,
    host: Option<&str>,
    public_origin: Option<&str>,
) -> bool {
    let matches = |claimed: &str| match public_origin {
        Some(p) => {
            let p = p.trim_end_matches('/');
            claimed == p || claimed.strip_prefix(p).is_some_and(|r| r.starts_with('/'))
        }
        None => match (authority(claimed), host) {
            (Some(a), Some(h)) => a.eq_ignore_ascii_case(h),
            _ => false,
        },
    };
    match (origin, sec_fetch_site, referer) {
        (Some(o), _, _) if o != "null" => matches(o),
        (_, Some(site), _) => site == "same-origin",
        (None, None, Some(r)) => matches(r),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn origin_rules() {
        let h = Some("127.0.0.1:8080");
        let ok = |o, s, r| same_origin(o, s, r, h, None);
        assert!(ok(Some("http://127.0.0.1:8080"), None, None));
        assert!(!ok(Some("http://evil.example"), None, None));
        assert!(!ok(Some("http://evil.example"), Some("same-origin"), None));
        assert!(!ok(Some("null"), None, Some("http://127.0.0.1:8080/x")));
        assert!(ok(Some("null"), Some("same-origin"), None));
        assert!(!ok(Some("null"), Some("cross-site"), None));
        assert!(!ok(None, Some("same-site"), None));
        assert!(ok(None, None, Some("http://127.0.0.1:8080/cases")));
        assert!(!ok(None, None, Some("http://127.0.0.1:8080.evil.example/")));
        assert!(!ok(None, None, None));
        let p = Some("https://cairn.example.org");
        let okp = |o, r| same_origin(o, None, r, h, p);
        assert!(okp(Some("https://cairn.example.org"), None));
        assert!(!okp(Some("https://cairn.example.org.evil"), None));
        assert!(okp(None, Some("https://cairn.example.org/login")));
        assert!(!okp(Some("http://cairn.example.org"), None));
    }

    proptest! {
        #[test]
        fn a_foreign_host_is_never_same_origin(host in "[a-z]{1,12}\\.[a-z]{2,5}", path in "(/[a-z0-9]{0,8}){0,3}") {
            prop_assume!(host != "cairn.example");
            let url = format!("https://{host}{path}");
            prop_assert!(!same_origin(Some(&url), None, None, Some("cairn.example"), None));
            prop_assert!(!same_origin(None, None, Some(&url), Some("cairn.example"), None));
        }
    }
}
