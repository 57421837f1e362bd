//! The API description and its page through the router: public, JSON, listing the API's routes;
//! the page loads Swagger UI from `/assets/` with no inline script, under a CSP that still allows
//! only the server's own scripts.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::{StatusCode, header};
use common::{Client, sqlite_env};

#[tokio::test]
async fn the_openapi_document_and_its_page_are_served() {
    let env = sqlite_env().await;
    let mut c = Client::new(&env);
    let doc = c.get("/api/openapi.json").await;
    assert_eq!(doc.status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&doc.body).unwrap();
    for path in [
        "/api/me",
        "/api/cases/{case}",
        "/api/referrals/{referral}/status",
    ] {
        assert!(json["paths"][path].is_object(), "{path} documented");
    }
    let page = c.get("/api/docs").await;
    assert_eq!(page.status, StatusCode::OK);
    let csp = page.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(
        csp.contains("script-src 'self';") && !csp.contains("unsafe"),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    // Every script is a file of the server's own.
    let scripts: Vec<&str> = page.body.split("<script").skip(1).collect();
    assert_eq!(scripts.len(), 2);
    for s in scripts {
        assert!(s.trim_start().starts_with("src=\"/assets/"), "{s}");
        assert!(s.contains("></script>"), "no inline code: {s}");
    }
    for asset in [
        "/assets/swagger-ui-bundle-5.35.0.js",
        "/assets/swagger-ui-5.35.0.css",
        "/assets/api-docs.js",
    ] {
        assert_eq!(c.get(asset).await.status, StatusCode::OK, "{asset}");
    }
    // Pages keep the strict policy.
    let login = c.get("/login").await;
    let csp = login.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(csp.contains("img-src 'self';"), "{csp}");
}
