//! Middleware that every request passes: security headers, the guard on unsafe methods (Origin,
//! content type, body limit, UTF-8, CSRF token) and the rendering of errors.

use crate::auth::session_lang;
use crate::csrf::{self, CSRF_FIELD, CSRF_HEADER};
use crate::error::AppError;
use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

/// No inline script or style, nothing from elsewhere, never framed.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
                       connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The policy of `/api/docs` (Swagger UI): the same, except that its stylesheet's icons are
/// `data:` images. Still no inline script.
pub const DOCS_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                            connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let is_asset = req.uri().path().starts_with("/assets/");
    let is_api_docs = req.uri().path() == "/api/docs";
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(if is_api_docs { DOCS_CSP } else { CSP }),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    );
    if !is_asset {
        // Pages carry personal data: never cached by the browser or a proxy.
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state.config.hsts {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    res
}

fn is_unsafe(m: &Method) -> bool {
    !matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn header_str(h: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

/// Decodes `%XX` and `+`; None when an escape is malformed.
fn percent_decode(s: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'%' => {
                let hex = s.get(i + 1..i + 3)?;
                let hex = std::str::from_utf8(hex).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    Some(out)
}

/// Parses an URL-encoded form strictly: every name and value must decode to UTF-8.
pub fn parse_form_strict(body: &[u8]) -> Result<Vec<(String, String)>, AppError> {
    if body.is_empty() {
        return Ok(Vec::new());
    }
    body.split(|b| *b == b'&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = match pair.iter().position(|b| *b == b'=') {
                Some(i) => (&pair[..i], &pair[i + 1..]),
                None => (pair, &pair[..0]),
            };
            let dec = |x: &[u8]| {
                percent_decode(x)
                    .and_then(|b| String::from_utf8(b).ok())
                    .ok_or_else(|| {
                        AppError::BadRequest(
                            "form field is not valid UTF-8 or is badly escaped".into(),
                        )
                    })
            };
            Ok((dec(k)?, dec(v)?))
        })
        .collect()
}

/// Unsafe methods: same origin, the right content type, a body within the limit, valid UTF-8,
/// and the session's CSRF token (form field for pages, header for the JSON API).
pub async fn guard_unsafe(
    State(state): State<AppState>,
    session: Session,
    req: Request,
    next: Next,
) -> Result<Response, AppError> {
    if !is_unsafe(req.method()) {
        return Ok(next.run(req).await);
    }
    let (parts, body) = req.into_parts();
    let h = &parts.headers;
    // A bearer token is no ambient credential (a browser never adds it cross-site): no CSRF check,
    // but the content type and body rules still apply.
    let bearer = crate::auth::bearer_token(&parts).is_some();
    if !bearer
        && !csrf::same_origin(
            header_str(h, header::ORIGIN),
            header_str(h, header::HeaderName::from_static("sec-fetch-site")),
            header_str(h, header::REFERER),
            header_str(h, header::HOST),
            state.config.public_origin.as_deref(),
        )
    {
        tracing::info!("unsafe request from a foreign or unknown origin refused");
        return Err(AppError::Csrf);
    }
    let api = parts.uri.path().starts_with("/api/");
    let ctype = header_str(h, header::CONTENT_TYPE)
        .map(|c| {
            c.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    let expected = if api {
        "application/json"
    } else {
        "application/x-www-form-urlencoded"
    };
    let bytes: Bytes = axum::body::to_bytes(body, state.config.max_body_bytes)
        .await
        .map_err(|_| AppError::PayloadTooLarge)?;
    if ctype != expected && !(bytes.is_empty() && ctype.is_empty()) {
        return Err(AppError::UnsupportedMediaType);
    }
    if bearer {
        if std::str::from_utf8(&bytes).is_err() {
            return Err(AppError::BadRequest("body is not valid UTF-8".into()));
        }
        return Ok(next
            .run(Request::from_parts(parts, Body::from(bytes)))
            .await);
    }
    let given = if api {
        if std::str::from_utf8(&bytes).is_err() {
            return Err(AppError::BadRequest("body is not valid UTF-8".into()));
        }
        header_str(h, header::HeaderName::from_static(CSRF_HEADER))
            .unwrap_or("")
            .to_owned()
    } else {
        let form = parse_form_strict(&bytes)?;
        match form.iter().find(|(k, _)| k == CSRF_FIELD) {
            Some((_, v)) => v.clone(),
            None => header_str(h, header::HeaderName::from_static(CSRF_HEADER))
                .unwrap_or("")
                .to_owned(),
        }
    };
    if !csrf::matches(&session, &given).await? {
        // No token in the session at all: there is no session (expired, or never signed in).
        let has_session = session
            .get::<String>(csrf::CSRF_KEY)
            .await
            .map_err(crate::auth::session_err)?
            .is_some();
        tracing::info!(
            has_session,
            "unsafe request without the session's CSRF token refused"
        );
        return Err(if has_session {
            AppError::Csrf
        } else {
            AppError::LoginRequired
        });
    }
    Ok(next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await)
}

/// Turns an `AppError` left in a response into its page (or JSON under `/api/`, or a redirect to
/// the sign-in page for a page that needs a session).
pub async fn error_pages(
    State(state): State<AppState>,
    session: Session,
    req: Request,
    next: Next,
) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let htmx = req.headers().contains_key("hx-request");
    let mut res = next.run(req).await;
    let rendered = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    let err = match res.extensions_mut().remove::<AppError>() {
        Some(e) => e,
        // A page the handler rendered itself (a failed sign-in, a wrong code).
        None if rendered => return res,
        // Rejections of axum's extractors (bad path, query or JSON) and the body limit.
        None if res.status() == StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge,
        None if api || !(res.status().is_client_error() || res.status().is_server_error()) => {
            return res;
        }
        None if res.status() == StatusCode::NOT_FOUND => AppError::NotFound,
        None if res.status() == StatusCode::METHOD_NOT_ALLOWED => return res,
        None if res.status().is_client_error() => AppError::BadRequest(String::new()),
        None => AppError::Internal("response".into()),
    };
    if let AppError::Internal(kind) | AppError::Config(kind) = &err {
        tracing::error!(kind = %kind, "internal error");
    }
    if api {
        let body = serde_json::json!({
            "error": err.message_key(),
            "status": err.status().as_u16(),
            "detail": err.detail(),
        });
        return (err.status(), axum::Json(body)).into_response();
    }
    if err == AppError::LoginRequired {
        if htmx {
            let mut r = StatusCode::UNAUTHORIZED.into_response();
            r.headers_mut()
                .insert("hx-redirect", HeaderValue::from_static("/login"));
            return r;
        }
        return Redirect::to("/login").into_response();
    }
    let lang = session_lang(&session).await;
    crate::views::error_page(&state, lang, &err)
}
