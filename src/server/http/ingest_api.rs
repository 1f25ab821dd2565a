//! `POST /api/v1/logs`: a JSON array or NDJSON of records, authenticated with an ingest key.
//! Records are validated one by one; the accepted ones are committed in one transaction before
//! the answer says so. Errors use seed 003's `{"error": {"message", "type", "code", "param"}}`.
use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use tokio::sync::Semaphore;

use crate::domain::access::KeyScope;
use crate::server::ingest::{prepare_value, IngestRecord, Rejection};
use crate::server::store::{KeyGrant, Store};

/// Largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;
/// Most records in one batch.
pub const MAX_RECORDS: usize = 50_000;

/// Limits concurrent writers; when all are busy the client is told to retry.
#[derive(Clone)]
pub struct IngestGate(pub Arc<Semaphore>);

impl Default for IngestGate {
    fn default() -> Self {
        IngestGate(Arc::new(Semaphore::new(4)))
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Rejected {
    /// 1-based record number (the line number for NDJSON).
    line: usize,
    field: String,
    reason: String,
}

/// What became of a batch: accepted records are stored, duplicates of stored ones skipped.
#[derive(Serialize, utoipa::ToSchema)]
pub struct IngestAnswer {
    received: usize,
    accepted: usize,
    inserted: u64,
    /// Records whose (request_id, attempt) was already stored.
    duplicates: u64,
    rejected: Vec<Rejected>,
}

/// The key of an `Authorization: Bearer <key>` header ("" without one).
pub fn bearer_key(headers: &HeaderMap) -> &str {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or("")
}

/// The grant of the request's live API key when it allows `need` (None: any scope); else the
/// answer: 401 saying `refused`, 403 for a key of another scope, or `unavailable(detail)` when
/// the keys cannot be read.
pub async fn key_grant_for(
    store: &Store,
    headers: &HeaderMap,
    need: Option<KeyScope>,
    refused: &str,
    unavailable: fn(&str) -> Response,
) -> Result<KeyGrant, Response> {
    match store.key_grant(bearer_key(headers)).await {
        Ok(Some(grant)) if need.is_none_or(|n| n == grant.scope) => Ok(grant),
        Ok(Some(grant)) => Err(api_error(
            StatusCode::FORBIDDEN,
            format!(
                "this is a {} key: create a {} key for this",
                grant.scope.as_str(),
                need.map_or("", KeyScope::as_str)
            ),
            "permission_error",
            "insufficient_scope",
            None,
        )),
        Ok(None) => Err(api_error(
            StatusCode::UNAUTHORIZED,
            refused,
            "authentication_error",
            "invalid_api_key",
            None,
        )),
        Err(e) => Err(unavailable(&e.to_string())),
    }
}

/// None when the request carries a live API key allowing `need`; else the refusal
/// (`key_grant_for`).
pub async fn refuse_without_key(
    store: &Store,
    headers: &HeaderMap,
    need: Option<KeyScope>,
    refused: &str,
    unavailable: fn(&str) -> Response,
) -> Option<Response> {
    key_grant_for(store, headers, need, refused, unavailable)
        .await
        .err()
}

/// Every `/api/v1` error: `{"error": {"message", "type", "code", "param"}}`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiErrorBody {
    pub error: ApiErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiErrorDetail {
    /// What went wrong and what to do, in plain words.
    pub message: String,
    /// `invalid_request_error`, `authentication_error`, `permission_error`,
    /// `rate_limit_error` or `server_error`.
    #[serde(rename = "type")]
    pub kind: String,
    /// A stable code such as `invalid_api_key` or `invalid_filter`.
    pub code: String,
    /// The parameter at fault, when one is.
    pub param: Option<String>,
}

pub fn api_error(
    status: StatusCode,
    message: impl Into<String>,
    kind: &str,
    code: &str,
    param: Option<&str>,
) -> Response {
    let body = ApiErrorBody {
        error: ApiErrorDetail {
            message: message.into(),
            kind: kind.into(),
            code: code.into(),
            param: param.map(str::to_string),
        },
    };
    (status, Json(body)).into_response()
}

#[utoipa::path(
    post,
    path = "/api/v1/logs",
    tag = "ingest",
    summary = "Send log rows",
    description = "A JSON array of records, or NDJSON (one record per line; `Content-Type` is not read). \
        Each record is checked alone: the accepted ones are stored in one transaction, the refused ones \
        are listed with their line and field. Needs an `ingest` key.",
    request_body(content = Vec<IngestRecord>, content_type = "application/json"),
    responses(
        (status = 200, description = "Stored (some records may be listed as refused)", body = IngestAnswer),
        (status = 422, description = "Every record was refused", body = IngestAnswer),
        (status = 400, description = "The body is not JSON", body = ApiErrorBody),
        (status = 401, description = "No live key", body = ApiErrorBody),
        (status = 403, description = "A key of another scope", body = ApiErrorBody),
        (status = 413, description = "Over 16 MiB or 50,000 records", body = ApiErrorBody),
        (status = 503, description = "The writer is busy or the database is down; retry", body = ApiErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn post_logs(
    State(store): State<Store>,
    State(gate): State<IngestGate>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if let Some(refusal) = refuse_without_key(
        &store,
        &headers,
        Some(KeyScope::Ingest),
        "missing, unknown or revoked ingest key: send Authorization: Bearer <key>",
        unavailable,
    )
    .await
    {
        return refusal;
    }
    let Ok(_permit) = gate.0.clone().try_acquire_owned() else {
        let mut r = api_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "the writer is busy; retry after a second",
            "server_error",
            "service_unavailable",
            None,
        );
        r.headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
        return r;
    };
    let bytes = match to_bytes(body, MAX_BODY_BYTES).await {
        Ok(b) => b,
        Err(_) => {
            return api_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "the body is larger than {} MiB: send smaller batches",
                    MAX_BODY_BYTES >> 20
                ),
                "invalid_request_error",
                "request_too_large",
                None,
            )
        }
    };
    let text = String::from_utf8_lossy(&bytes);
    let values: Vec<(usize, Result<serde_json::Value, String>)> =
        if text.trim_start().starts_with('[') {
            match serde_json::from_str::<Vec<serde_json::Value>>(&text) {
                Ok(v) => v
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| (i + 1, Ok(v)))
                    .collect(),
                Err(e) => {
                    return api_error(
                        StatusCode::BAD_REQUEST,
                        format!("the body is not a JSON array: {e}"),
                        "invalid_request_error",
                        "bad_request_body",
                        None,
                    )
                }
            }
        } else {
            text.lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
                .map(|(i, l)| (i + 1, serde_json::from_str(l).map_err(|e| e.to_string())))
                .collect()
        };
    if values.len() > MAX_RECORDS {
        return api_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("more than {MAX_RECORDS} records in one batch"),
            "invalid_request_error",
            "request_too_large",
            None,
        );
    }
    let received = values.len();
    let mut rows = Vec::with_capacity(received);
    let mut rejected = Vec::new();
    for (line, value) in values {
        match value
            .map_err(|reason| Rejection {
                field: "record",
                reason,
            })
            .and_then(prepare_value)
        {
            Ok(row) => rows.push(row),
            Err(e) => rejected.push(Rejected {
                line,
                field: e.field.into(),
                reason: e.reason,
            }),
        }
    }
    let outcome = match store.insert_batch(&rows).await {
        Ok(o) => o,
        Err(e) => return unavailable(&e.to_string()),
    };
    let status = if rows.is_empty() && !rejected.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    crate::server::metrics::rows("api", outcome.inserted, rejected.len() as u64);
    let answer = IngestAnswer {
        received,
        accepted: rows.len(),
        inserted: outcome.inserted,
        duplicates: outcome.duplicates,
        rejected,
    };
    (status, Json(answer)).into_response()
}

fn unavailable(detail: &str) -> Response {
    tracing::error!("ingest: {detail}");
    let mut r = api_error(
        StatusCode::SERVICE_UNAVAILABLE,
        "the database is not available; nothing was stored, retry later",
        "server_error",
        "service_unavailable",
        None,
    );
    r.headers_mut()
        .insert(header::RETRY_AFTER, header::HeaderValue::from_static("5"));
    r
}
