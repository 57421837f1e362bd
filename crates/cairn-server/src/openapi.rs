//! The OpenAPI description of the JSON API (`/api/openapi.json`) and its browsable page
//! (`/api/docs`: Swagger UI, vendored under `assets/swagger-ui/` and served from `/assets/`, with an
//! init script file so that the CSP needs no inline script).

use crate::handlers::investigation;
use crate::handlers::{api, duty, screening, services, signals, statement, stats};
use axum::Json;
use axum::response::{Html, IntoResponse, Response};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Cairn JSON API",
        description = "The actions of the Cairn web application for scripts, under the same rules: \
                       the permission matrix of the role, organisation scoping, consent and the audit log. \
                       Authenticate with the session cookie (unsafe methods then need the X-CSRF-Token \
                       header, see /api/me) or with an API token (Authorization: Bearer cairn_…; a \
                       read token allows GET only)."
    ),
    paths(
        api::me,
        api::cases,
        api::case,
        api::send_referral,
        api::withdraw_consent,
        api::referrals,
        api::respond,
        api::audit,
        screening::api_list,
        screening::api_create,
        screening::api_confirm,
        services::api_search,
        services::api_plans,
        services::api_plan,
        statement::api_show,
        statement::api_request,
        statement::api_decide,
        signals::api_list,
        signals::api_show,
        signals::api_raise_cluster,
        signals::api_raise_record,
        signals::api_accept,
        signals::api_decline,
        signals::api_selectors,
        duty::api_list,
        duty::api_add,
        duty::api_end,
        stats::api_report,
        stats::api_releases,
        stats::api_create,
        investigation::api_scans,
        investigation::api_scan,
        investigation::api_record,
        investigation::api_cluster,
        investigation::api_media,
        investigation::api_media_unblur,
    ),
    modifiers(&BearerToken),
    security(("bearer" = []), ("session" = []))
)]
pub struct ApiDoc;

struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(utoipa::openapi::security::ApiKey::Cookie(
                utoipa::openapi::security::ApiKeyValue::new("cairn"),
            )),
        );
    }
}

/// The document, built once.
pub fn document() -> &'static utoipa::openapi::OpenApi {
    static DOC: std::sync::OnceLock<utoipa::openapi::OpenApi> = std::sync::OnceLock::new();
    DOC.get_or_init(ApiDoc::openapi)
}

pub async fn json() -> Json<&'static utoipa::openapi::OpenApi> {
    Json(document())
}

/// The Swagger UI page: styles and scripts from `/assets/`, nothing inline.
pub async fn docs() -> Response {
    Html(DOCS_PAGE).into_response()
}

const DOCS_PAGE: &str = concat!(
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Cairn JSON API</title>\n",
    "<link rel=\"stylesheet\" href=\"/assets/swagger-ui-5.35.0.css\">\n",
    "</head><body><div id=\"swagger-ui\"></div>\n",
    "<script src=\"/assets/swagger-ui-bundle-5.35.0.js\"></script>\n",
    "<script src=\"/assets/api-docs.js\"></script>\n",
    "</body></html>\n"
);

#[cfg(test)]
mod tests {
    use super::document;
    use crate::ROUTES;

    /// The routes that serve the description itself.
    const SELF: &[&str] = &["/api/openapi.json", "/api/docs"];

    fn documented(path: &str, method: &str) -> bool {
        document()
            .paths
            .paths
            .get(path)
            .is_some_and(|item| match method {
                "GET" => item.get.is_some(),
                "POST" => item.post.is_some(),
                "PUT" => item.put.is_some(),
                "DELETE" => item.delete.is_some(),
                "PATCH" => item.patch.is_some(),
                _ => false,
            })
    }

    #[test]
    fn every_api_route_of_the_router_is_documented_and_nothing_else() {
        let api: Vec<_> = ROUTES
            .iter()
            .filter(|r| r.path.starts_with("/api/") && !SELF.contains(&r.path))
            .collect();
        assert!(api.len() >= 8, "the JSON API routes are in the table");
        for r in &api {
            assert!(
                documented(r.path, r.method),
                "{} {} is missing from /api/openapi.json",
                r.method,
                r.path
            );
        }
        let operations: usize = document()
            .paths
            .paths
            .values()
            .map(|i| {
                [&i.get, &i.post, &i.put, &i.delete, &i.patch]
                    .iter()
                    .filter(|o| o.is_some())
                    .count()
            })
            .sum();
        assert_eq!(
            operations,
            api.len(),
            "every documented operation is a route of the router"
        );
    }

    #[test]
    fn the_document_serialises_and_names_both_authentications() {
        let json = serde_json::to_value(document()).unwrap();
        assert_eq!(json["openapi"].as_str().map(|v| &v[..2]), Some("3."));
        let schemes = &json["components"]["securitySchemes"];
        assert_eq!(schemes["bearer"]["scheme"], "bearer");
        assert_eq!(schemes["session"]["in"], "cookie");
        let send = &json["paths"]["/api/cases/{case}/referrals"]["post"];
        assert!(send["requestBody"].is_object(), "{send}");
    }

    /// Every `$ref` anywhere in `value`, with the JSON path where it is.
    fn refs(value: &serde_json::Value, at: &str, out: &mut Vec<(String, String)>) {
        match value {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    if k == "$ref" {
                        if let Some(r) = v.as_str() {
                            out.push((at.to_owned(), r.to_owned()));
                        }
                    } else {
                        refs(v, &format!("{at}/{k}"), out);
                    }
                }
            }
            serde_json::Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    refs(v, &format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn every_schema_reference_resolves_and_every_response_body_is_typed() {
        let json = serde_json::to_value(document()).unwrap();
        let schemas = json["components"]["schemas"].as_object().unwrap();
        let mut found = Vec::new();
        refs(&json, "", &mut found);
        assert!(found.len() > 30, "responses refer to their types");
        for (at, r) in &found {
            let name = r.strip_prefix("#/components/schemas/");
            assert!(
                name.is_some_and(|n| schemas.contains_key(n)),
                "dangling $ref {r} at {at}"
            );
        }
        // Every 2xx response with a body has a real schema: a reference, or a typed array of one,
        // never the empty schema an untyped `serde_json::Value` gives.
        let mut bodies = 0;
        for (path, item) in json["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let Some(responses) = op["responses"].as_object() else {
                    continue;
                };
                for (status, resp) in responses {
                    if !status.starts_with('2') {
                        continue;
                    }
                    let Some(content) = resp["content"].as_object() else {
                        continue;
                    };
                    for media in content.values() {
                        let schema = &media["schema"];
                        let typed =
                            schema.get("$ref").is_some() || schema["items"].get("$ref").is_some();
                        assert!(typed, "{method} {path} {status}: untyped body {schema}");
                        bodies += 1;
                    }
                }
            }
        }
        assert!(bodies >= 25, "{bodies} typed response bodies");
        // Types of the same name from two crates are told apart.
        for name in [
            "StatementInfo",
            "CaseStatementInfo",
            "Decision",
            "AccessDecision",
        ] {
            assert!(schemas.contains_key(name), "{name}");
        }
    }
}
