//! The read API for other tools, with a `read` key (`Authorization: Bearer <key>`):
//! `GET /api/v1/logs` takes exactly the Usage Logs query and answers one page of rows with the
//! capped count and the cursor of the next page; `GET /api/v1/logs/{request_id}` answers a
//! request with its attempts, attribution and impact scope; `GET /api/v1/health?window=`
//! answers Group Health. A key limited to one relay user sees what that user's account would.
//! Errors have the shape of the ingest API's; calls are rate limited per key.
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use governor::{DefaultKeyedRateLimiter, Quota};
use serde::{Deserialize, Serialize};

use super::fault::Fault;
use super::ingest_api::{api_error, key_grant_for, ApiErrorBody};
use crate::domain::access::{Account, KeyScope, Role};
use crate::domain::filter::{LogQuery, Sort};
use crate::domain::lang::Lang;
use crate::domain::log::LogRow;
use crate::domain::scope::Resolution;
use crate::server::auth::Viewer;
use crate::server::store::{KeyGrant, Store};
use crate::server::time::Zone;
use crate::server::views::asker::PageError;
use crate::server::views::logs::{list_logs_as, log_details_as};
use crate::shared::logs::RequestDetails;

/// Read calls allowed per key: 60 at once, then 20 a second.
#[derive(Clone)]
pub struct ReadLimits(Arc<DefaultKeyedRateLimiter<i64>>);

impl Default for ReadLimits {
    fn default() -> Self {
        let quota = Quota::per_second(NonZeroU32::new(20).unwrap_or(NonZeroU32::MIN))
            .allow_burst(NonZeroU32::new(60).unwrap_or(NonZeroU32::MIN));
        ReadLimits(Arc::new(DefaultKeyedRateLimiter::keyed(quota)))
    }
}

/// One row as the read API answers it: the stored row, its time in the asked zone, the
/// attribution after the impact scope, and how many attempts its request made.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiRow {
    #[serde(flatten)]
    pub row: LogRow,
    /// The row's time in the asked zone.
    pub time: String,
    /// The attribution after the impact scope, with the rule that decided it.
    pub resolution: Option<Resolution>,
    /// How many attempts the row's request made.
    pub attempts: u64,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiPage {
    pub rows: Vec<ApiRow>,
    /// Exact up to 10,000; `capped` when there are more.
    pub count: u64,
    pub capped: bool,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
    /// The rows' order: `slowest` for `sort=latency`, unless more than 10,000 rows match
    /// (then `newest`, as without it).
    pub sort: Sort,
    /// The IANA zone the times are in.
    pub zone: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ApiRequest {
    pub request_id: String,
    /// Every row of the request the key may see, newest first.
    pub rows: Vec<ApiRow>,
    /// The newest row explained: meaning, first action, attribution, impact scope.
    #[schema(value_type = Object)]
    pub details: RequestDetails,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HealthQuery {
    /// `1h`, `6h`, `24h` (default) or `7d`.
    #[param(pattern = r"^(1h|6h|24h|7d)$")]
    window: Option<String>,
    /// IANA time zone of the times and buckets (default UTC).
    tz: Option<String>,
    /// `en` (default) or `zh`: the language of the sentences.
    #[param(pattern = r"^(en|zh)$")]
    lang: Option<String>,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LangQuery {
    /// IANA time zone of the times (default UTC).
    tz: Option<String>,
    /// `en` (default) or `zh`: the language of the explanation.
    #[param(pattern = r"^(en|zh)$")]
    lang: Option<String>,
}

/// Group Health as the page shows it: per group figures, the concentration sentences, the
/// chart's buckets and the top failures.
pub struct HealthBody;

impl utoipa::PartialSchema for HealthBody {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
        let text = || ObjectBuilder::new().schema_type(Type::String);
        let list = |what: &str| {
            ArrayBuilder::new()
                .items(ObjectBuilder::new())
                .description(Some(what))
        };
        ObjectBuilder::new()
            .description(Some("Group Health over the rows the key may see"))
            .property("window", text())
            .property("window_label", text())
            .property("zone", text())
            .property(
                "bucket_minutes",
                ObjectBuilder::new().schema_type(Type::Integer),
            )
            .property(
                "groups",
                list("Per group: requests, errors, rate, change, chart, top failures"),
            )
            .property(
                "signals",
                list("The concentration sentences, each with its rows' link"),
            )
            .property(
                "notices",
                list("Notes on the figures (a partial window, a cap)"),
            )
            .property(
                "models_latency",
                list(
                    "Per model, slowest first: p50 and p95 in ms in the window and the one \
                     before, the rows measured, links to them and to the rows over the p95",
                ),
            )
            .required("window")
            .required("zone")
            .required("groups")
            .required("signals")
            .into()
    }
}

impl utoipa::ToSchema for HealthBody {}

/// The query string of a read call: the zone it names, and what it refuses before any read.
trait Asked {
    fn tz(&self) -> Option<&str>;

    fn refusal(&self) -> Option<Response> {
        None
    }
}

impl Asked for LogQuery {
    fn tz(&self) -> Option<&str> {
        self.tz.as_deref()
    }
}

impl Asked for LangQuery {
    fn tz(&self) -> Option<&str> {
        self.tz.as_deref()
    }
}

impl Asked for HealthQuery {
    fn tz(&self) -> Option<&str> {
        self.tz.as_deref()
    }

    fn refusal(&self) -> Option<Response> {
        let window = self.window.as_deref().unwrap_or(DEFAULT_WINDOW);
        (!crate::domain::health::WINDOWS.iter().any(|w| w.0 == window)).then(|| {
            api_error(
                StatusCode::BAD_REQUEST,
                "unknown window: use 1h, 6h, 24h or 7d",
                "invalid_request_error",
                "invalid_filter",
                Some("window"),
            )
        })
    }
}

/// The window of a health call that names none.
const DEFAULT_WINDOW: &str = "24h";

/// Every read call's start: the key's viewer, its query string read and checked, and the
/// zone it asked for; else the answer that refuses it.
async fn open<Q: Asked>(
    store: &Store,
    limits: &ReadLimits,
    headers: &HeaderMap,
    asked: Result<Query<Q>, QueryRejection>,
) -> Result<(Viewer, Q, Zone), Response> {
    let viewer = reader(store, limits, headers).await?;
    let Query(asked) = asked.map_err(bad_query)?;
    if let Some(refused) = asked.refusal() {
        return Err(refused);
    }
    let zone = asked_zone(asked.tz()).map_err(|name| unknown_zone(&name))?;
    Ok((viewer, asked, zone))
}

/// The viewer a read key acts as: support staff (every user's rows, no admin-only fields), or
/// the relay user it is limited to.
fn key_viewer(grant: &KeyGrant) -> Viewer {
    Viewer {
        account: Account {
            id: 0,
            username: format!("key:{}", grant.name),
            role: if grant.relay_user_id.is_some() {
                Role::User
            } else {
                Role::Support
            },
            relay_user_id: grant.relay_user_id,
            disabled: false,
            lang: None,
            time_zone: None,
            theme: None,
        },
    }
}

/// The read key's viewer, or the answer that refuses the call (no key, another scope, too
/// many calls).
async fn reader(
    store: &Store,
    limits: &ReadLimits,
    headers: &HeaderMap,
) -> Result<Viewer, Response> {
    let grant = key_grant_for(
        store,
        headers,
        Some(KeyScope::Read),
        "missing, unknown or revoked read key: send Authorization: Bearer <key>",
        unavailable,
    )
    .await?;
    if limits.0.check_key(&grant.id).is_err() {
        let mut r = api_error(
            StatusCode::TOO_MANY_REQUESTS,
            "too many read requests for this key; retry in a second",
            "rate_limit_error",
            "rate_limited",
            None,
        );
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return Err(r);
    }
    Ok(key_viewer(&grant))
}

/// The zone a call named (`tz`), else UTC; `Err` with the name when no zone has it.
fn asked_zone(tz: Option<&str>) -> Result<Zone, String> {
    match tz.map(str::trim).filter(|t| !t.is_empty()) {
        Some(name) if !Zone::is_known(name) => Err(name.to_string()),
        name => Ok(Zone::pick([name])),
    }
}

fn unknown_zone(name: &str) -> Response {
    api_error(
        StatusCode::BAD_REQUEST,
        format!("unknown time zone: use an IANA name such as Asia/Shanghai ({name:?} is not one)"),
        "invalid_request_error",
        "invalid_filter",
        Some("tz"),
    )
}

fn bad_query(e: QueryRejection) -> Response {
    api_error(
        StatusCode::BAD_REQUEST,
        format!("the query string could not be read: {}", e.body_text()),
        "invalid_request_error",
        "invalid_query",
        None,
    )
}

fn unavailable(detail: &str) -> Response {
    let message = Fault::Unavailable(detail.to_string()).message(Lang::En);
    let mut r = api_error(
        StatusCode::SERVICE_UNAVAILABLE,
        message,
        "server_error",
        "service_unavailable",
        None,
    );
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    r
}

fn failed(e: PageError) -> Response {
    unavailable(&e.to_string())
}

fn api_rows(rows: Vec<crate::shared::logs::RowView>) -> Vec<ApiRow> {
    rows.into_iter()
        .map(|r| ApiRow {
            row: r.row,
            time: r.time,
            resolution: r.resolution,
            attempts: r.attempts,
        })
        .collect()
}

/// `GET /api/v1/logs`: one page of rows for the Usage Logs query.
#[utoipa::path(
    get,
    path = "/api/v1/logs",
    tag = "read",
    summary = "List log rows",
    description = "Exactly the Usage Logs query: newest first (slowest first with `sort=latency` when \
        at most 10,000 rows match), with the count (exact up to 10,000) and the cursor of the next page. \
        Needs a `read` key; 60 calls at once, then 20 a second per key.",
    params(LogQuery),
    responses(
        (status = 200, description = "One page of rows", body = ApiPage),
        (status = 400, description = "A filter the page would refuse", body = ApiErrorBody),
        (status = 401, description = "No live key", body = ApiErrorBody),
        (status = 403, description = "A key of another scope", body = ApiErrorBody),
        (status = 429, description = "Too many calls; retry in a second", body = ApiErrorBody),
        (status = 503, description = "The database is not answering; retry", body = ApiErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn get_logs(
    State(store): State<Store>,
    State(limits): State<ReadLimits>,
    headers: HeaderMap,
    query: Result<Query<LogQuery>, QueryRejection>,
) -> Response {
    let (viewer, query, zone) = match open(&store, &limits, &headers, query).await {
        Ok(opened) => opened,
        Err(refused) => return refused,
    };
    let page = match list_logs_as(&store, &viewer, zone, query).await {
        Ok(p) => p,
        Err(e) => return failed(e),
    };
    if let Some(e) = page.errors.first() {
        return api_error(
            StatusCode::BAD_REQUEST,
            e.problem.to_string(),
            "invalid_request_error",
            "invalid_filter",
            Some(&e.field),
        );
    }
    Json(ApiPage {
        rows: api_rows(page.rows),
        count: page.count,
        capped: page.capped,
        next_cursor: page.next_cursor,
        sort: page.sort,
        zone: page.zone,
    })
    .into_response()
}

/// `GET /api/v1/logs/{request_id}`: the request's rows and its newest row explained.
#[utoipa::path(
    get,
    path = "/api/v1/logs/{request_id}",
    tag = "read",
    summary = "One request",
    description = "Every row of the request the key may see (its attempts and the final row), and the \
        newest row explained. Needs a `read` key.",
    params(("request_id" = String, Path, description = "The request id"), LangQuery),
    responses(
        (status = 200, description = "The request", body = ApiRequest),
        (status = 400, description = "A request id the page would refuse", body = ApiErrorBody),
        (status = 401, description = "No live key", body = ApiErrorBody),
        (status = 403, description = "A key of another scope", body = ApiErrorBody),
        (status = 404, description = "No such request among the rows the key may read", body = ApiErrorBody),
        (status = 429, description = "Too many calls; retry in a second", body = ApiErrorBody),
        (status = 503, description = "The database is not answering; retry", body = ApiErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn get_request(
    State(store): State<Store>,
    State(limits): State<ReadLimits>,
    headers: HeaderMap,
    Path(request_id): Path<String>,
    asked: Result<Query<LangQuery>, QueryRejection>,
) -> Response {
    let (viewer, asked, zone) = match open(&store, &limits, &headers, asked).await {
        Ok(opened) => opened,
        Err(refused) => return refused,
    };
    let query = LogQuery {
        log_type: Some("all".into()),
        request_id: Some(request_id.clone()),
        size: Some("100".into()),
        ..LogQuery::default()
    };
    let page = match list_logs_as(&store, &viewer, zone, query).await {
        Ok(p) => p,
        Err(e) => return failed(e),
    };
    if let Some(e) = page.errors.first() {
        return api_error(
            StatusCode::BAD_REQUEST,
            e.problem.to_string(),
            "invalid_request_error",
            "invalid_request_id",
            Some("request_id"),
        );
    }
    let Some(newest) = page.rows.first().map(|r| r.row.id) else {
        return not_found(&request_id);
    };
    let lang = Lang::parse(asked.lang.as_deref().unwrap_or("en"));
    match log_details_as(&store, &viewer, zone, lang, newest).await {
        Ok(Some(details)) => Json(ApiRequest {
            request_id,
            rows: api_rows(page.rows),
            details,
        })
        .into_response(),
        Ok(None) => not_found(&request_id),
        Err(e) => failed(e),
    }
}

fn not_found(request_id: &str) -> Response {
    api_error(
        StatusCode::NOT_FOUND,
        format!("no request {request_id:?} among the rows this key may read"),
        "invalid_request_error",
        "request_not_found",
        Some("request_id"),
    )
}

/// `GET /api/v1/health?window=1h|6h|24h|7d`: Group Health's figures and sentences.
#[utoipa::path(
    get,
    path = "/api/v1/health",
    tag = "read",
    summary = "Group Health",
    description = "Group Health's figures and sentences for a window, over the rows the key may see. \
        Needs a `read` key.",
    params(HealthQuery),
    responses(
        (status = 200, description = "Group Health", body = HealthBody),
        (status = 400, description = "An unknown window or zone", body = ApiErrorBody),
        (status = 401, description = "No live key", body = ApiErrorBody),
        (status = 403, description = "A key of another scope", body = ApiErrorBody),
        (status = 429, description = "Too many calls; retry in a second", body = ApiErrorBody),
        (status = 503, description = "The database is not answering; retry", body = ApiErrorBody),
    ),
    security(("api_key" = []))
)]
pub async fn get_health(
    State(store): State<Store>,
    State(limits): State<ReadLimits>,
    headers: HeaderMap,
    asked: Result<Query<HealthQuery>, QueryRejection>,
) -> Response {
    let (viewer, asked, zone) = match open(&store, &limits, &headers, asked).await {
        Ok(opened) => opened,
        Err(refused) => return refused,
    };
    let window = asked.window.unwrap_or_else(|| DEFAULT_WINDOW.into());
    let lang = Lang::parse(asked.lang.as_deref().unwrap_or("en"));
    let tz = asked.tz.clone();
    match crate::server::views::health::group_health_as(
        &store,
        &viewer,
        zone,
        lang,
        &window,
        tz.as_deref(),
        crate::server::views::health::Latencies::Read,
    )
    .await
    {
        Ok(page) => Json(page).into_response(),
        Err(e) => failed(e),
    }
}
