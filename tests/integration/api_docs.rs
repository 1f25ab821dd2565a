//! The OpenAPI document names every `/api/v1` operation and the Usage Logs query exactly, and
//! its schemas are what the API answers; `/metrics` is off without a token, refuses a wrong
//! one, and counts requests by route and rows by path.
use std::collections::BTreeSet;

use axum::http::StatusCode;
use serde_json::Value;

use crate::common;
use common::get_with_key as json;
use common::server::{create_key, http, http_raw, Server};
use errscope::domain::access::KeyScope;
use errscope::domain::filter::LogQuery;

/// The property names of a component schema, following `allOf`.
fn properties(doc: &Value, name: &str) -> BTreeSet<String> {
    let schema = &doc["components"]["schemas"][name];
    let mut names: BTreeSet<String> = schema["properties"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    for part in schema["allOf"].as_array().into_iter().flatten() {
        match part["$ref"].as_str() {
            Some(r) => names.extend(properties(doc, r.rsplit('/').next().unwrap())),
            None => names.extend(
                part["properties"]
                    .as_object()
                    .into_iter()
                    .flat_map(|p| p.keys().cloned()),
            ),
        }
    }
    names
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

#[tokio::test]
async fn the_document_lists_every_operation_and_matches_what_the_api_answers() {
    let (store, _db) = common::store().await;
    common::seed(&store, 30).await;
    let router = common::router(&store).await;
    let (status, doc) = json(&router, None, "/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."), "{doc}");

    let mut operations = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            operations.push(format!("{method} {path}"));
            assert_eq!(
                op["security"][0]["api_key"],
                Value::Array(vec![]),
                "{method} {path}"
            );
            assert!(
                op["responses"]["401"].is_object(),
                "{method} {path} documents 401"
            );
        }
    }
    operations.sort();
    assert_eq!(
        operations,
        [
            "get /api/v1/health",
            "get /api/v1/logs",
            "get /api/v1/logs/{request_id}",
            "post /api/v1/explain",
            "post /api/v1/logs",
        ]
    );
    assert_eq!(
        doc["components"]["securitySchemes"]["api_key"]["scheme"],
        "bearer"
    );

    // The list's parameters are exactly the Usage Logs query's keys.
    let params: BTreeSet<String> = doc["paths"]["/api/v1/logs"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect();
    let query: BTreeSet<String> = LogQuery::KEYS.iter().map(|k| k.to_string()).collect();
    assert_eq!(params, query);

    // What the API answers has the documented fields.
    let key = store
        .create_key("docs", KeyScope::Read, None, 0)
        .await
        .unwrap();
    let (status, page) = json(&router, Some(&key), "/api/v1/logs?type=all&size=20").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(keys(&page), properties(&doc, "ApiPage"));
    let row = &page["rows"][0];
    assert_eq!(keys(row), properties(&doc, "ApiRow"), "{row}");
    let (status, refused) = json(&router, Some(&key), "/api/v1/logs?status=abc").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(keys(&refused), properties(&doc, "ApiErrorBody"));
    assert_eq!(keys(&refused["error"]), properties(&doc, "ApiErrorDetail"));
    let (status, unauthorised) = json(&router, None, "/api/v1/health").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        keys(&unauthorised["error"]),
        properties(&doc, "ApiErrorDetail")
    );

    // Without a metrics token, the app has no /metrics.
    let (status, _) = json(&router, None, "/metrics").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// The value of one exact series line (`name{labels} value`).
fn series(text: &str, line_start: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(line_start))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

#[test]
fn metrics_need_the_token_and_count_requests_and_rows() {
    let db = common::TestDb::new();
    let token = "m3trics-t0ken-for-tests";
    let server = Server::start_with(&db.url, 3241, &["--metrics-token", token]);
    let port = server.port;

    assert_eq!(http(port, "GET", "/metrics", "", "").0, 401);
    assert_eq!(http(port, "GET", "/metrics", "not-the-token", "").0, 401);

    let key = create_key(&db.url);
    let body = concat!(
        r#"{"time":"2026-11-21T10:20:03Z","user_id":7,"request_id":"m-1","status_code":502,"content":"bad response status code 502"}"#,
        "\n",
        r#"{"user_id":"not a number"}"#
    );
    let (status, answer) = server.post(&key, body);
    assert_eq!(status, 200, "{answer}");

    let (status, text) = http_raw(port, "GET", "/metrics", token, "");
    assert_eq!(status, 200, "{text}");
    assert_eq!(
        series(&text, r#"errscope_rows_stored_total{path="api"}"#),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        series(&text, r#"errscope_rows_refused_total{path="api"}"#),
        Some(1.0),
        "{text}"
    );
    assert!(
        series(
            &text,
            r#"errscope_http_requests_total{method="POST",route="/api/v1/logs",status="200"}"#
        ) == Some(1.0),
        "{text}"
    );
    let timed = r#"errscope_http_request_duration_seconds_count{method="GET",route="/healthz"}"#;
    assert!(series(&text, timed).is_some_and(|n| n >= 1.0), "{text}");
    assert!(text.contains("errscope_db_pool_connections "), "{text}");
    assert!(!text.contains(token), "the token is never in the output");
}
