//! Server functions the pages call, and what they return. Bodies run on the server only.
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::attribution::Attribution;
use crate::domain::catalogue::Entry;
use crate::domain::filter::{Facets, FieldError, LogQuery, Sort};
use crate::domain::log::LogRow;
use crate::domain::plain_words::{Persisting, ScopeTexts};
use crate::domain::scope::{ImpactScope, Resolution};
use crate::domain::signal::Inner;

#[cfg(feature = "ssr")]
use crate::server::http::fault::fail;

/// The store, for server-function bodies.
#[cfg(feature = "ssr")]
fn server_store() -> Result<crate::server::store::Store, ServerFnError> {
    crate::server::http::pages::store().map_err(fail)
}

/// One row of the Usage Logs table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RowView {
    pub row: LogRow,
    /// Rows sharing the request id (its attempts) the viewer may see.
    pub attempts: u64,
    pub time: String,
    /// Error rows: the attribution after the impact scope, with why.
    pub resolution: Option<Resolution>,
}

/// One page of the Usage Logs table.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LogPage {
    pub rows: Vec<RowView>,
    /// Exact up to the cap; `capped` when there are more.
    pub count: u64,
    pub capped: bool,
    pub next_cursor: Option<String>,
    /// The rows' order: newest first when slowest first was asked for more rows than it sorts.
    pub sort: Sort,
    pub errors: Vec<FieldError>,
    pub facets: Facets,
    pub zone: String,
    /// Set when a request ID typed in the keyword box found that request.
    pub jump_to: Option<i64>,
    /// The viewer is a relay user: every row is their own (no user filter to offer).
    pub own_only: bool,
    /// The viewer sees and filters admin-only fields (the upstream channel).
    pub admin_fields: bool,
    /// What of the URL was replaced by a default (an unknown time zone).
    pub notices: Vec<crate::domain::notice::Notice>,
}

/// One attempt of a request on the details page's timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttemptView {
    pub id: i64,
    pub time: String,
    pub failed: bool,
    pub status_code: Option<u16>,
    pub error_code: Option<String>,
    pub content: String,
    /// Admin-only: the channel it went to.
    pub channel: Option<String>,
    pub attribution: Option<Attribution>,
    /// The row this page is about.
    pub current: bool,
}

/// Everything the details view shows about one row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequestDetails {
    pub row: LogRow,
    pub time: String,
    pub zone: String,
    pub group_window_href: String,
    pub all_window_href: String,
    pub entry: Option<Entry>,
    pub recognised: crate::domain::catalogue::MatchKind,
    pub inner: Inner,
    pub resolution: Option<Resolution>,
    /// Why, in plain words, in `lang`.
    pub why: String,
    pub scope: ImpactScope,
    pub scope_texts: ScopeTexts,
    /// The same failure today and this week, for this token, model and group.
    pub persisting: Vec<Persisting>,
    pub first_seen: String,
    pub last_seen: String,
    pub support_message: String,
    /// Every row sharing the request id, oldest first (empty when the row is alone).
    pub attempts: Vec<AttemptView>,
    /// How the request ended, in the page language (with `attempts`).
    pub outcome: Option<String>,
    pub meaning: String,
    pub action: String,
    /// The language of the meaning, first action, evidence and support message.
    pub lang: crate::domain::lang::Lang,
}

#[server(endpoint = "list_logs")]
pub async fn list_logs(query: LogQuery) -> Result<LogPage, ServerFnError> {
    crate::server::http::pages::list_logs(query)
        .await
        .map_err(fail)
}

#[server(endpoint = "log_details")]
pub async fn log_details(
    id: i64,
    tz: Option<String>,
    lang: Option<String>,
) -> Result<Option<RequestDetails>, ServerFnError> {
    crate::server::http::pages::log_details(id, tz, lang)
        .await
        .map_err(fail)
}

/// The signed-in account (None when signed out).
#[server(endpoint = "current_account")]
pub async fn current_account() -> Result<Option<crate::domain::access::Account>, ServerFnError> {
    Ok(crate::server::auth::Viewer::current()
        .ok()
        .map(|v| v.account))
}

/// What the signed-in account set for itself, and the zones it may pick from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OwnSettings {
    pub account: crate::domain::access::Account,
    /// The zone pages are shown in now ("Asia/Tokyo (UTC+09:00)").
    pub zone_in_use: String,
    pub zones: Vec<String>,
}

#[server(endpoint = "account_settings")]
pub async fn account_settings() -> Result<OwnSettings, ServerFnError> {
    let viewer = crate::server::auth::Viewer::current().map_err(fail)?;
    let zone = crate::server::http::pages::viewer_zone(None).await;
    Ok(OwnSettings {
        account: viewer.account,
        zone_in_use: zone.label(crate::server::time::now_ms()),
        zones: chrono_tz::TZ_VARIANTS
            .iter()
            .map(|z| z.name().to_string())
            .collect(),
    })
}

/// The signed-in account's time zone (empty: the browser's).
#[server(endpoint = "set_time_zone")]
pub async fn set_time_zone(zone: String) -> Result<(), ServerFnError> {
    let store = server_store()?;
    crate::server::auth::accounts::set_own_time_zone(&store, &zone)
        .await
        .map_err(fail)
}

/// The signed-in account's new password (the current one proves it is theirs). Other
/// sessions of the account end; this one stays signed in.
#[server(endpoint = "change_own_password")]
pub async fn change_own_password(current: String, new: String) -> Result<(), ServerFnError> {
    let store = server_store()?;
    let (account_id, epoch) =
        crate::server::auth::accounts::change_own_password(&store, &current, &new)
            .await
            .map_err(fail)?;
    let session: tower_sessions::Session = leptos_axum::extract().await?;
    let auth = crate::server::auth::session::SessionAuth {
        account_id,
        epoch,
        signed_in_ms: crate::server::time::now_ms(),
    };
    crate::server::auth::session::sign_in(&session, auth)
        .await
        .map_err(|e| {
            fail(crate::server::http::fault::Fault::Unavailable(
                e.to_string(),
            ))
        })
}

/// Every console account (admins only).
#[server(endpoint = "account_list")]
pub async fn account_list() -> Result<Vec<crate::domain::access::Account>, ServerFnError> {
    let store = server_store()?;
    crate::server::auth::accounts::list(&store)
        .await
        .map_err(fail)
}

/// Creates an account (admins only). `relay_user_id` may be empty.
#[server(endpoint = "add_account")]
pub async fn add_account(
    username: String,
    password: String,
    role: String,
    relay_user_id: String,
) -> Result<(), ServerFnError> {
    use crate::server::auth::accounts::{add, AccountError, NewAccount};
    let store = server_store()?;
    let relay_user_id = match relay_user_id.trim() {
        "" => None,
        v => Some(v.parse::<i64>().map_err(|_| {
            ServerFnError::new(AccountError::Invalid(
                "a relay user id is a whole number".into(),
            ))
        })?),
    };
    let new = NewAccount {
        username,
        password,
        role,
        relay_user_id,
    };
    add(&store, &new).await.map(|_| ()).map_err(fail)
}

/// Changes one thing about an account (admins only): see `auth::accounts::change`.
#[server(endpoint = "change_account")]
pub async fn change_account(id: i64, action: String, value: String) -> Result<(), ServerFnError> {
    let store = server_store()?;
    crate::server::auth::accounts::change(&store, id, &action, &value)
        .await
        .map_err(fail)
}

/// An ingest key as the Keys page lists it (never the key itself).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KeyLine {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub scope: crate::domain::access::KeyScope,
    pub relay_user_id: Option<i64>,
    pub created: String,
    pub revoked: Option<String>,
}

/// Every API key (admins only), times in the viewer's zone.
#[server(endpoint = "ingest_key_list")]
pub async fn ingest_key_list(tz: Option<String>) -> Result<Vec<KeyLine>, ServerFnError> {
    let store = server_store()?;
    let zone = crate::server::http::pages::viewer_zone(tz.as_deref()).await;
    let keys = crate::server::auth::ingest_keys::list(&store)
        .await
        .map_err(fail)?;
    Ok(keys
        .into_iter()
        .map(|k| KeyLine {
            id: k.id,
            name: k.name,
            prefix: k.prefix,
            scope: k.scope,
            relay_user_id: k.relay_user_id,
            created: zone.format_ms(k.created_ms),
            revoked: k.revoked_ms.map(|ms| zone.format_ms(ms)),
        })
        .collect())
}

/// Creates an API key (admins only) and answers it in plain text, this once: `scope` is
/// `ingest` or `read`; a read key may be limited to one relay user.
#[server(endpoint = "add_ingest_key")]
pub async fn add_ingest_key(
    name: String,
    #[server(default)] scope: Option<String>,
    #[server(default)] relay_user_id: Option<String>,
) -> Result<String, ServerFnError> {
    let store = server_store()?;
    crate::server::auth::ingest_keys::create(
        &store,
        &name,
        scope.as_deref().unwrap_or("ingest"),
        relay_user_id.as_deref().unwrap_or(""),
    )
    .await
    .map_err(fail)
}

/// Revokes an ingest key (admins only): relays using it get 401 from then on.
#[server(endpoint = "revoke_ingest_key")]
pub async fn revoke_ingest_key(id: i64) -> Result<(), ServerFnError> {
    let store = server_store()?;
    crate::server::auth::ingest_keys::revoke(&store, id)
        .await
        .map_err(fail)
}

/// An alert rule as the Alerts page lists it: the webhook by host only, never its secret.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlertRuleLine {
    pub id: i64,
    pub name: String,
    pub target: String,
    pub format: crate::domain::alert::AlertFormat,
    pub signed: bool,
    pub window: String,
    pub min_errors: u64,
    pub min_rate_pct: Option<u8>,
    pub group: Option<String>,
    pub notify_resolved: bool,
    pub cooldown_minutes: i64,
}

/// One message in the delivery log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeliveryLine {
    pub id: i64,
    pub time: String,
    pub rule: String,
    pub incident: String,
    pub event: crate::domain::alert::Event,
    pub state: crate::domain::alert::DeliveryState,
    pub attempts: i64,
    pub answer: Option<String>,
}

/// The Alerts page: rules and the newest deliveries (admins only).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlertsPage {
    pub rules: Vec<AlertRuleLine>,
    pub deliveries: Vec<DeliveryLine>,
}

#[server(endpoint = "load_alerts")]
pub async fn load_alerts(tz: Option<String>) -> Result<AlertsPage, ServerFnError> {
    use crate::server::alerts::{admin, target::shown};
    let store = server_store()?;
    let zone = crate::server::http::pages::viewer_zone(tz.as_deref()).await;
    let rules = admin::list(&store).await.map_err(fail)?;
    let deliveries = admin::deliveries(&store).await.map_err(fail)?;
    Ok(AlertsPage {
        rules: rules
            .into_iter()
            .map(|r| AlertRuleLine {
                id: r.id,
                target: shown(&r.webhook),
                signed: r.secret.is_some(),
                name: r.name,
                format: r.format,
                window: r.window,
                min_errors: r.min_errors,
                min_rate_pct: r.min_rate_pct,
                group: r.group,
                notify_resolved: r.notify_resolved,
                cooldown_minutes: r.cooldown_minutes,
            })
            .collect(),
        deliveries: deliveries
            .into_iter()
            .map(|d| DeliveryLine {
                id: d.id,
                time: zone.format_ms(d.last_ms.unwrap_or(d.created_ms)),
                rule: d.rule_name,
                incident: d.incident_key,
                event: d.event,
                state: d.state,
                attempts: d.attempts,
                answer: d.answer,
            })
            .collect(),
    })
}

/// Adds an alert rule (admins only); the webhook is checked before it is saved.
#[server(endpoint = "add_alert")]
#[allow(clippy::too_many_arguments)]
pub async fn add_alert(
    name: String,
    webhook: String,
    format: String,
    #[server(default)] secret: String,
    #[server(default)] window: String,
    #[server(default)] min_errors: String,
    #[server(default)] min_rate_pct: String,
    #[server(default)] group: String,
    #[server(default)] notify_resolved: Option<String>,
    #[server(default)] cooldown_minutes: String,
    #[server(default)] lang: String,
    #[server(default)] time_zone: String,
) -> Result<String, ServerFnError> {
    let store = server_store()?;
    let input = crate::domain::alert::RuleInput {
        name,
        webhook,
        format,
        secret,
        window,
        min_errors,
        min_rate_pct,
        group,
        notify_resolved: notify_resolved.is_some(),
        cooldown_minutes,
        lang,
        time_zone,
    };
    crate::server::alerts::admin::add(&store, &input)
        .await
        .map_err(fail)
}

#[server(endpoint = "remove_alert")]
pub async fn remove_alert(id: i64) -> Result<(), ServerFnError> {
    let store = server_store()?;
    crate::server::alerts::admin::remove(&store, id)
        .await
        .map_err(fail)
}

/// Sends a test message now; answers whether the target accepted it, and its answer.
#[server(endpoint = "test_alert")]
pub async fn test_alert(id: i64) -> Result<(bool, String), ServerFnError> {
    let store = server_store()?;
    let answer = crate::server::alerts::admin::test(&store, id)
        .await
        .map_err(fail)?;
    Ok((answer.accepted, answer.text))
}

/// A followed new-api database as the Sources page lists it (never its URL's credentials).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SourceLine {
    pub id: i64,
    pub name: String,
    pub from_flag: bool,
    pub paused: bool,
    pub imported: i64,
    pub rejected: i64,
    pub skipped: i64,
    pub pending: i64,
    pub last_id: i64,
    pub last_row: Option<String>,
    pub last_poll: Option<String>,
    pub last_error: Option<String>,
    /// Consume rows arrive but error rows do not: new-api's error log looks switched off.
    pub error_logs_off: bool,
}

/// Every followed new-api database (admins only), times in the viewer's zone.
#[server(endpoint = "sync_source_list")]
pub async fn sync_source_list(tz: Option<String>) -> Result<Vec<SourceLine>, ServerFnError> {
    let store = server_store()?;
    let zone = crate::server::http::pages::viewer_zone(tz.as_deref()).await;
    let now = crate::server::time::now_ms();
    let sources = crate::server::sync::admin::list(&store)
        .await
        .map_err(fail)?;
    Ok(sources
        .into_iter()
        .map(|s| SourceLine {
            id: s.id,
            error_logs_off: crate::domain::sync::error_logs_look_off(
                s.newest_consume_ms,
                s.newest_error_ms,
                now,
            ),
            name: s.name,
            from_flag: s.from_flag,
            paused: s.paused,
            imported: s.imported,
            rejected: s.rejected,
            skipped: s.skipped,
            pending: s.pending,
            last_id: s.last_id,
            last_row: s.last_row_ms.map(|ms| zone.format_ms(ms)),
            last_poll: s.last_poll_ms.map(|ms| zone.format_ms(ms)),
            last_error: s.last_error,
        })
        .collect())
}

/// Follows a new-api database (admins only); answers the name it is listed under.
#[server(endpoint = "add_sync_source")]
pub async fn add_sync_source(url: String) -> Result<String, ServerFnError> {
    let store = server_store()?;
    crate::server::sync::admin::add(&store, &url)
        .await
        .map_err(fail)
}

/// Pauses, resumes or removes a followed source (admins only).
#[server(endpoint = "change_sync_source")]
pub async fn change_sync_source(id: i64, action: String) -> Result<(), ServerFnError> {
    let store = server_store()?;
    crate::server::sync::admin::change(&store, id, &action)
        .await
        .map_err(fail)
}

/// One line of the lookup audit, its time in the viewer's zone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditLine {
    pub time: String,
    pub lookup: crate::domain::access::Lookup,
}

/// The newest support and admin lookups of other users' requests (admins only).
#[server(endpoint = "lookup_audit")]
pub async fn lookup_audit(tz: Option<String>) -> Result<Vec<AuditLine>, ServerFnError> {
    let store = server_store()?;
    let zone = crate::server::http::pages::viewer_zone(tz.as_deref()).await;
    let lookups = crate::server::auth::audit::recent(&store, 500)
        .await
        .map_err(fail)?;
    Ok(lookups
        .into_iter()
        .map(|lookup| AuditLine {
            time: zone.format_ms(lookup.ts_ms),
            lookup,
        })
        .collect())
}

/// Retention as the admin page shows it: each log type's days and the latest purges.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RetentionPage {
    pub rules: Vec<crate::domain::retention::Retention>,
    /// (when it finished, in the viewer's zone; the purge).
    pub purges: Vec<(String, crate::domain::retention::PurgeReport)>,
}

#[server(endpoint = "retention_status")]
pub async fn retention_status(tz: Option<String>) -> Result<RetentionPage, ServerFnError> {
    let store = server_store()?;
    let zone = crate::server::http::pages::viewer_zone(tz.as_deref()).await;
    let (rules, purges) = crate::server::retention::status(&store)
        .await
        .map_err(fail)?;
    Ok(RetentionPage {
        rules,
        purges: purges
            .into_iter()
            .map(|p| (zone.format_ms(p.finished_ms), p))
            .collect(),
    })
}

/// Sets one log type's retention (admins only); `days` empty keeps forever.
#[server(endpoint = "set_retention")]
pub async fn set_retention(log_type: String, days: String) -> Result<(), ServerFnError> {
    let store = server_store()?;
    crate::server::retention::set(&store, &log_type, &days)
        .await
        .map(|_| ())
        .map_err(fail)
}

/// Purges expired rows now (admins only); answers how many rows it removed.
#[server(endpoint = "purge_now")]
pub async fn purge_now() -> Result<u64, ServerFnError> {
    let store = server_store()?;
    crate::server::retention::run_now(&store)
        .await
        .map(|reports| reports.iter().map(|r| r.removed).sum())
        .map_err(fail)
}

/// The `/api/v1` operations, from the OpenAPI document.
#[server(endpoint = "api_reference")]
pub async fn api_reference(
) -> Result<Vec<crate::shared::api_reference::ApiOperation>, ServerFnError> {
    Ok(crate::server::http::openapi::reference())
}

#[server(endpoint = "catalogue_entries")]
pub async fn catalogue_entries() -> Result<Vec<Entry>, ServerFnError> {
    Ok(crate::domain::catalogue::Catalogue::builtin()
        .entries()
        .to_vec())
}

/// One group on the Group Health page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupHealth {
    pub group: String,
    pub requests: u64,
    pub errors: u64,
    pub rate: f64,
    pub prev_rate: Option<f64>,
    pub status: crate::domain::health::GroupStatus,
    /// For a relay user (whose numbers are their own): how the whole group is doing.
    pub group_wide: Option<crate::domain::health::GroupStatus>,
    pub tokens: u64,
    pub users: u64,
    pub models: u64,
    /// (label, count, logs link)
    pub top_status: Vec<(String, u64, String)>,
    pub top_messages: Vec<TopMessage>,
    /// (attribution, count, logs link)
    pub attribution_mix: Vec<(Attribution, u64, String)>,
    /// (bucket label, requests, errors, logs link)
    pub series: Vec<(String, u64, u64, String)>,
    /// The group's errors in the window.
    pub logs_href: String,
    /// Every row of the group in the window (the requests count).
    pub requests_href: String,
    pub latency: Option<LatencyCell>,
}

/// The time to answer of a group's, model's or channel's rows in the window: p50 and p95 with
/// the window before, the link to the rows measured (those that recorded a latency) and the
/// link to the slowest rows (from where the p95's histogram bucket starts).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LatencyCell {
    pub name: String,
    pub latency: crate::domain::latency::Latency,
    pub rows_href: String,
    pub slow_href: String,
}

/// A frequent failure of a group: what its rows share (the catalogue entry's meaning, else
/// the message), one of its messages, and the link to exactly those rows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TopMessage {
    pub status: Option<u16>,
    pub label: String,
    pub sample: String,
    pub count: u64,
    pub href: String,
}

/// A concentration, as a sentence with a link to exactly those rows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HealthSignal {
    /// What was found, stable while it lasts (kind, groups, token, signature): alerts key
    /// their incidents on it.
    pub key: String,
    pub groups: Vec<String>,
    /// The failures the sentence counts.
    pub count: u64,
    /// The failure as "502 “message”".
    pub failure: String,
    pub sentence: String,
    pub attribution: Attribution,
    pub href: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HealthPage {
    /// The viewer is a relay user: their groups, their own rows' counts, and each group's
    /// overall status in words.
    pub restricted: bool,
    /// The viewer may open the channel view (admins).
    pub channels: bool,
    pub window: String,
    /// The window in words, in the page language.
    pub window_label: String,
    pub notices: Vec<crate::domain::notice::Notice>,
    pub bucket_minutes: i64,
    pub zone: String,
    pub groups: Vec<GroupHealth>,
    pub signals: Vec<HealthSignal>,
    /// Latency per model, slowest p95 first.
    pub models_latency: Vec<LatencyCell>,
}

/// One upstream channel in a window (admins only).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChannelHealth {
    pub channel: String,
    pub requests: u64,
    pub errors: u64,
    pub rate: f64,
    pub prev_rate: Option<f64>,
    pub groups: Vec<String>,
    pub models: Vec<String>,
    /// (label, count, logs link)
    pub top_status: Vec<(String, u64, String)>,
    pub top_messages: Vec<TopMessage>,
    /// (bucket label, requests, errors, logs link)
    pub series: Vec<(String, u64, u64, String)>,
    pub logs_href: String,
    pub requests_href: String,
    pub latency: Option<LatencyCell>,
}

/// Channel health: every channel of the window, and the channels failing where the group's
/// others succeed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChannelPage {
    pub window: String,
    pub window_label: String,
    pub notices: Vec<crate::domain::notice::Notice>,
    pub bucket_minutes: i64,
    pub zone: String,
    pub channels: Vec<ChannelHealth>,
    pub callouts: Vec<HealthSignal>,
}

#[server(endpoint = "load_channel_health")]
pub async fn load_channel_health(
    window: String,
    tz: Option<String>,
) -> Result<ChannelPage, ServerFnError> {
    crate::server::http::channels::channel_health(&window, tz.as_deref())
        .await
        .map_err(fail)
}

#[server(endpoint = "load_group_health")]
pub async fn load_group_health(
    window: String,
    tz: Option<String>,
) -> Result<HealthPage, ServerFnError> {
    crate::server::http::health::group_health(&window, tz.as_deref())
        .await
        .map_err(fail)
}
