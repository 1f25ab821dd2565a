//! The OpenAPI document of `/api/v1`, generated from the handlers' annotations and the types
//! they answer with, served at `GET /api/v1/openapi.json`.
use std::sync::OnceLock;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{explain_api, ingest_api, read_api};
use crate::shared::api_reference::{ApiAnswer, ApiOperation, ApiParam};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "errscope API",
        description = "Send log rows (an `ingest` key), read them and Group Health (a `read` key), \
            and explain one error. Keys: `errscope key create --scope ingest|read`, or the Keys page; \
            send them as `Authorization: Bearer <key>`. Errors are \
            `{\"error\": {\"message\", \"type\", \"code\", \"param\"}}`."
    ),
    paths(
        ingest_api::post_logs,
        read_api::get_logs,
        read_api::get_request,
        read_api::get_health,
        explain_api::explain_api,
    ),
    modifiers(&BearerKey),
    tags(
        (name = "ingest", description = "Relays push their failed and successful requests"),
        (name = "read", description = "Other tools read logs and Group Health"),
        (name = "explain", description = "What one error means"),
    )
)]
pub struct ApiDoc;

/// The `api_key` scheme the operations name: a bearer key.
struct BearerKey;

impl Modify for BearerKey {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The document as JSON, built once.
pub fn document() -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| {
        ApiDoc::openapi().to_pretty_json().unwrap_or_else(|e| {
            format!("{{\"error\": \"the document could not be written: {e}\"}}")
        })
    })
}

/// `GET /api/v1/openapi.json`
pub async fn openapi_json() -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        document(),
    )
        .into_response()
}

/// The operations of the document, in path order, for the API reference page.
pub fn reference() -> Vec<ApiOperation> {
    let doc: Value = serde_json::from_str(document()).unwrap_or_default();
    let Some(paths) = doc["paths"].as_object() else {
        return Vec::new();
    };
    let mut operations = Vec::new();
    for (path, item) in paths {
        let Some(methods) = item.as_object() else {
            continue;
        };
        for (method, op) in methods {
            operations.push(ApiOperation {
                method: method.to_uppercase(),
                path: path.clone(),
                tag: text(&op["tags"][0]),
                summary: text(&op["summary"]),
                description: text(&op["description"]),
                params: op["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|p| ApiParam {
                        name: text(&p["name"]),
                        location: text(&p["in"]),
                        required: p["required"].as_bool().unwrap_or(false),
                        description: text(&p["description"]),
                    })
                    .collect(),
                body: op["requestBody"]["content"]
                    .as_object()
                    .and_then(|c| c.values().next())
                    .map(|c| schema_name(&c["schema"])),
                responses: op["responses"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(status, r)| ApiAnswer {
                        status: status.clone(),
                        description: text(&r["description"]),
                        schema: r["content"]
                            .as_object()
                            .and_then(|c| c.values().next())
                            .map(|c| schema_name(&c["schema"])),
                    })
                    .collect(),
            });
        }
    }
    operations
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

/// `#/components/schemas/ApiPage` → `ApiPage`; `array of X` for lists; `object` otherwise.
fn schema_name(schema: &Value) -> String {
    if let Some(r) = schema["$ref"].as_str() {
        return r.rsplit('/').next().unwrap_or(r).to_string();
    }
    if schema["type"] == "array" {
        return format!("array of {}", schema_name(&schema["items"]));
    }
    schema["type"].as_str().unwrap_or("object").to_string()
}
