//! `POST /api/v1/explain` with `{"status", "code", "message", "lang"}`: for a signed-in
//! browser or a holder of an API key, rate limited per client, with a small body; the
//! matching runs off the async workers.
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::body::{to_bytes, Body};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use governor::{DefaultKeyedRateLimiter, Quota};

use super::client::Client;
use super::ingest_api::{api_error, refuse_without_key, ApiErrorBody};
use crate::server::auth::Viewer;
use crate::server::explain::{explain, ExplainRequest, ExplainResponse};
use crate::server::store::Store;

/// Largest explain body: one error message (longer ones are cut at ingest anyway).
pub const MAX_EXPLAIN_BYTES: usize = 64 * 1024;
/// Client addresses the limiter holds before it forgets spent ones.
const MAX_KEYS: usize = 10_000;

/// Explain calls allowed per client address: 30 at once, then 5 a second.
#[derive(Clone)]
pub struct ExplainLimits(Arc<DefaultKeyedRateLimiter<Option<IpAddr>>>);

impl Default for ExplainLimits {
    fn default() -> Self {
        let quota = Quota::per_second(NonZeroU32::new(5).unwrap_or(NonZeroU32::MIN))
            .allow_burst(NonZeroU32::new(30).unwrap_or(NonZeroU32::MIN));
        ExplainLimits(Arc::new(DefaultKeyedRateLimiter::keyed(quota)))
    }
}

#[utoipa::path(
    post,
    path = "/api/v1/explain",
    tag = "explain",
    summary = "Explain one error",
    description = "What a status, business code and message mean, who is most likely responsible, and \
        what to do first. For a signed-in browser or any API key; 30 calls at once, then 5 a second.",
    request_body = ExplainRequest,
    responses(
        (status = 200, description = "The explanation", body = ExplainResponse),
        (status = 400, description = "The body is not an explain request", body = ApiErrorBody),
        (status = 401, description = "Not signed in and no live key", body = ApiErrorBody),
        (status = 413, description = "Over 64 KiB", body = ApiErrorBody),
        (status = 429, description = "Too many calls; retry in a second", body = ApiErrorBody),
        (status = 503, description = "The keys cannot be read; retry", body = ApiErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn explain_api(
    State(store): State<Store>,
    State(limits): State<ExplainLimits>,
    viewer: Option<Extension<Viewer>>,
    client: Option<Extension<Client>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if viewer.is_none() {
        let refused = "sign in, or send an API key: Authorization: Bearer <key>";
        if let Some(refusal) =
            refuse_without_key(&store, &headers, None, refused, unavailable).await
        {
            return refusal;
        }
    }
    if limits.0.len() > MAX_KEYS {
        limits.0.retain_recent();
    }
    let ip = client.and_then(|c| c.0.ip);
    if limits.0.check_key(&ip).is_err() {
        let mut r = api_error(
            StatusCode::TOO_MANY_REQUESTS,
            "too many explain requests; retry in a second",
            "rate_limit_error",
            "rate_limited",
            None,
        );
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return r;
    }
    let Ok(bytes) = to_bytes(body, MAX_EXPLAIN_BYTES).await else {
        return api_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the body is larger than {} KiB: send one error message",
                MAX_EXPLAIN_BYTES >> 10
            ),
            "invalid_request_error",
            "request_too_large",
            None,
        );
    };
    let req = match serde_json::from_slice::<ExplainRequest>(&bytes) {
        Ok(req) => req,
        Err(e) => {
            return api_error(
                StatusCode::BAD_REQUEST,
                format!("invalid JSON body: {e}"),
                "invalid_request_error",
                "bad_request_body",
                None,
            )
        }
    };
    match tokio::task::spawn_blocking(move || explain(&req)).await {
        Ok(answer) => Json(answer).into_response(),
        Err(e) => {
            tracing::error!("explain: {e}");
            api_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the explanation failed",
                "server_error",
                "internal_error",
                None,
            )
        }
    }
}

/// The keys could not be read: logged, and a plain 503.
fn unavailable(detail: &str) -> Response {
    tracing::error!("explain: key check failed: {detail}");
    api_error(
        StatusCode::SERVICE_UNAVAILABLE,
        "the database is not answering; retry shortly",
        "server_error",
        "service_unavailable",
        None,
    )
}
