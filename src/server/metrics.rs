//! Operator metrics, kept in one process-wide registry and written in the Prometheus text
//! format by `GET /metrics` (off unless a token is set). Each subsystem records its own events
//! here: requests by route, rows stored and refused by path, sync progress, retention runs.
use std::sync::LazyLock;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

/// Where rows came in: `api` (POST /api/v1/logs), `sync` (a followed new-api), `import`.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PathLabels {
    path: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SourceLabels {
    source: String,
}

struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    stored: Family<PathLabels, Counter>,
    refused: Family<PathLabels, Counter>,
    sync_pending: Family<SourceLabels, Gauge>,
    sync_polled: Family<SourceLabels, Gauge>,
    sync_failures: Family<SourceLabels, Counter>,
    retention_runs: Counter,
    retention_removed: Counter,
    pool_connections: Gauge,
    pool_idle: Gauge,
}

fn request_buckets() -> Histogram {
    // 1 ms to ~16 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

static METRICS: LazyLock<Metrics> = LazyLock::new(|| {
    let mut registry = Registry::with_prefix("errscope");
    let requests = Family::default();
    let latency = Family::new_with_constructor(request_buckets as fn() -> Histogram);
    let stored = Family::default();
    let refused = Family::default();
    let sync_pending = Family::default();
    let sync_polled = Family::default();
    let sync_failures = Family::default();
    let retention_runs = Counter::default();
    let retention_removed = Counter::default();
    let pool_connections = Gauge::default();
    let pool_idle = Gauge::default();
    let r = &mut registry;
    r.register(
        "http_requests",
        "HTTP requests answered, by route and status",
        requests.clone(),
    );
    r.register(
        "http_request_duration_seconds",
        "Time to answer, by route",
        latency.clone(),
    );
    r.register(
        "rows_stored",
        "Log rows stored (known duplicates not counted), by path",
        stored.clone(),
    );
    r.register(
        "rows_refused",
        "Log records refused by validation, by path",
        refused.clone(),
    );
    r.register(
        "sync_pending_rows",
        "Rows waiting at a followed new-api after its last poll",
        sync_pending.clone(),
    );
    r.register(
        "sync_last_poll_timestamp_seconds",
        "When a followed new-api was last polled successfully",
        sync_polled.clone(),
    );
    r.register(
        "sync_failures",
        "Failed polls of a followed new-api",
        sync_failures.clone(),
    );
    r.register(
        "retention_runs",
        "Retention passes over one log type",
        retention_runs.clone(),
    );
    r.register(
        "retention_removed_rows",
        "Rows removed by retention",
        retention_removed.clone(),
    );
    r.register(
        "db_pool_connections",
        "Open database connections",
        pool_connections.clone(),
    );
    r.register(
        "db_pool_idle_connections",
        "Idle database connections",
        pool_idle.clone(),
    );
    Metrics {
        registry,
        requests,
        latency,
        stored,
        refused,
        sync_pending,
        sync_polled,
        sync_failures,
        retention_runs,
        retention_removed,
        pool_connections,
        pool_idle,
    }
});

/// One answered request: `route` is the matched route pattern, never the raw path.
pub fn request(method: &str, route: &str, status: u16, took: Duration) {
    let m = &*METRICS;
    m.requests
        .get_or_create(&RequestLabels {
            method: method.into(),
            route: route.into(),
            status,
        })
        .inc();
    m.latency
        .get_or_create(&RouteLabels {
            method: method.into(),
            route: route.into(),
        })
        .observe(took.as_secs_f64());
}

/// Rows that came in by `path` (`api`, `sync`, `import`): stored and refused.
pub fn rows(path: &str, stored: u64, refused: u64) {
    let labels = PathLabels { path: path.into() };
    METRICS.stored.get_or_create(&labels).inc_by(stored);
    METRICS.refused.get_or_create(&labels).inc_by(refused);
}

/// A successful poll of a followed new-api.
pub fn sync_polled(source: &str, pending: i64, at_ms: i64) {
    let labels = SourceLabels {
        source: source.into(),
    };
    METRICS.sync_pending.get_or_create(&labels).set(pending);
    METRICS.sync_polled.get_or_create(&labels).set(at_ms / 1000);
}

pub fn sync_failed(source: &str) {
    METRICS
        .sync_failures
        .get_or_create(&SourceLabels {
            source: source.into(),
        })
        .inc();
}

/// One retention pass over a log type.
pub fn retention_ran(removed: u64) {
    METRICS.retention_runs.inc();
    METRICS.retention_removed.inc_by(removed);
}

/// Every metric in the Prometheus text format, with the pool's figures of now.
pub fn render(pool_connections: u32, pool_idle: usize) -> String {
    let m = &*METRICS;
    m.pool_connections.set(i64::from(pool_connections));
    m.pool_idle
        .set(i64::try_from(pool_idle).unwrap_or(i64::MAX));
    let mut out = String::new();
    if let Err(e) = prometheus_client::encoding::text::encode(&mut out, &m.registry) {
        tracing::error!("metrics: {e}");
    }
    out
}
