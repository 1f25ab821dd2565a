//! `GET /metrics` for Prometheus, answered only to the holder of the metrics token (404 when
//! none is set), and the layer that times every routed request by its route pattern.
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use sha2::{Digest, Sha256};

use super::ingest_api::bearer_key;
use crate::server::metrics;
use crate::server::store::{Pool, Store};

/// The token `/metrics` asks for (`--metrics-token`); without one the route answers 404.
#[derive(Clone, Default)]
pub struct MetricsAccess(pub Option<Arc<str>>);

impl MetricsAccess {
    pub fn token(token: Option<&str>) -> MetricsAccess {
        MetricsAccess(
            token
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(Arc::from),
        )
    }

    fn allows(&self, presented: &str) -> bool {
        // Compared as digests, so the time taken says nothing about the token.
        self.0.as_deref().is_some_and(|token| {
            Sha256::digest(token.as_bytes()) == Sha256::digest(presented.as_bytes())
        })
    }
}

pub async fn metrics_text(
    State(store): State<Store>,
    access: Option<Extension<MetricsAccess>>,
    headers: HeaderMap,
) -> Response {
    let access = access.map(|a| a.0).unwrap_or_default();
    if access.0.is_none() {
        return StatusCode::NOT_FOUND.into_response();
    }
    if !access.allows(bearer_key(&headers)) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "send the metrics token: Authorization: Bearer <token>",
        )
            .into_response();
    }
    let (connections, idle) = match store.pool() {
        Pool::Sqlite(p) => (p.size(), p.num_idle()),
        Pool::Postgres(p) => (p.size(), p.num_idle()),
    };
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        metrics::render(connections, idle),
    )
        .into_response()
}

/// Counts and times a request under its route pattern (`/logs/{id}`, not the raw path).
pub async fn track(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let method = req.method().as_str().to_string();
    let started = Instant::now();
    let res = next.run(req).await;
    metrics::request(&method, &route, res.status().as_u16(), started.elapsed());
    res
}
