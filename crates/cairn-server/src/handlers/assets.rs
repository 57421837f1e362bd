//! Static assets, compiled into the binary: no file system path is ever built from a request.

use crate::error::AppError;
use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "htmx-2.0.11.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/htmx-2.0.11.min.js"),
    ),
    (
        "cairn.css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/cairn.css"),
    ),
    // Swagger UI of /api/docs (swagger-ui-dist from npm, see assets/swagger-ui-5.35.0.sha256).
    (
        "swagger-ui-bundle-5.35.0.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/swagger-ui-bundle-5.35.0.js"),
    ),
    (
        "swagger-ui-5.35.0.css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/swagger-ui-5.35.0.css"),
    ),
    (
        "api-docs.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/api-docs.js"),
    ),
];

pub async fn asset(Path(name): Path<String>) -> Result<Response, AppError> {
    let (_, ctype, bytes) = ASSETS
        .iter()
        .find(|(n, _, _)| *n == name)
        .ok_or(AppError::NotFound)?;
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    // Names carry the version: cache for a day.
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    Ok(r)
}
