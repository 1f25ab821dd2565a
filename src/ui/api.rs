//! Server functions the pages call. Bodies run on the server only; what they answer is
//! defined in `shared`.
// The browser's stub of a server function does not carry the function's own `allow`s: the
// alert form's twelve fields are its arguments.
#![cfg_attr(feature = "hydrate", allow(clippy::too_many_arguments))]
use leptos::prelude::*;

use crate::domain::catalogue::Entry;
use crate::domain::filter::LogQuery;
use crate::shared::admin::{
    AlertsPage, AuditLine, KeyLine, OwnSettings, RetentionPage, SourceLine,
};
use crate::shared::failure::Failure;
use crate::shared::health::{ChannelPage, HealthPage};
use crate::shared::logs::{LogPage, RequestDetails};

#[cfg(feature = "ssr")]
use crate::server::{
    http::fault::{fail, Fault},
    views,
};

/// The store, for server-function bodies.
#[cfg(feature = "ssr")]
fn server_store() -> Result<crate::server::store::Store, Failure> {
    views::asker::store().map_err(fail)
}

#[server(endpoint = "list_logs")]
pub async fn list_logs(query: LogQuery) -> Result<LogPage, Failure> {
    views::logs::list_logs(query).await.map_err(fail)
}

#[server(endpoint = "log_details")]
pub async fn log_details(
    id: i64,
    tz: Option<String>,
    lang: Option<String>,
) -> Result<Option<RequestDetails>, Failure> {
    views::logs::log_details(id, tz, lang).await.map_err(fail)
}

/// The signed-in account (None when signed out).
#[server(endpoint = "current_account")]
pub async fn current_account() -> Result<Option<crate::domain::access::Account>, Failure> {
    Ok(crate::server::auth::Viewer::current()
        .ok()
        .map(|v| v.account))
}

#[server(endpoint = "account_settings")]
pub async fn account_settings() -> Result<OwnSettings, Failure> {
    views::admin::own_settings().await.map_err(fail)
}

/// The signed-in account's time zone (empty: the browser's).
#[server(endpoint = "set_time_zone")]
pub async fn set_time_zone(zone: String) -> Result<(), Failure> {
    let store = server_store()?;
    crate::server::auth::accounts::set_own_time_zone(&store, &zone)
        .await
        .map_err(fail)
}

/// The signed-in account's new password (the current one proves it is theirs). Other
/// sessions of the account end; this one stays signed in.
#[server(endpoint = "change_own_password")]
pub async fn change_own_password(current: String, new: String) -> Result<(), Failure> {
    let store = server_store()?;
    let (account_id, epoch) =
        crate::server::auth::accounts::change_own_password(&store, &current, &new)
            .await
            .map_err(fail)?;
    let session: tower_sessions::Session = leptos_axum::extract()
        .await
        .map_err(|e| fail(Fault::Unavailable(e.to_string())))?;
    let auth = crate::server::auth::session::SessionAuth::starting_now(account_id, epoch);
    crate::server::auth::session::sign_in(&session, auth)
        .await
        .map_err(|e| fail(Fault::Unavailable(e.to_string())))
}

/// Every console account (admins only).
#[server(endpoint = "account_list")]
pub async fn account_list() -> Result<Vec<crate::domain::access::Account>, Failure> {
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
) -> Result<(), Failure> {
    use crate::server::auth::accounts::{add, AccountError, NewAccount};
    let store = server_store()?;
    let relay_user_id = match relay_user_id.trim() {
        "" => None,
        v => Some(v.parse::<i64>().map_err(|_| {
            fail(AccountError::Invalid(
                crate::domain::refusal::Refusal::RelayUserNotNumber,
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
pub async fn change_account(id: i64, action: String, value: String) -> Result<(), Failure> {
    let store = server_store()?;
    crate::server::auth::accounts::change(&store, id, &action, &value)
        .await
        .map_err(fail)
}

/// Every API key (admins only), times in the viewer's zone.
#[server(endpoint = "ingest_key_list")]
pub async fn ingest_key_list(tz: Option<String>) -> Result<Vec<KeyLine>, Failure> {
    views::admin::key_lines(tz.as_deref()).await.map_err(fail)
}

/// Creates an API key (admins only) and answers it in plain text, this once: `scope` is
/// `ingest` or `read`; a read key may be limited to one relay user.
#[server(endpoint = "add_ingest_key")]
pub async fn add_ingest_key(
    name: String,
    #[server(default)] scope: Option<String>,
    #[server(default)] relay_user_id: Option<String>,
) -> Result<String, Failure> {
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
pub async fn revoke_ingest_key(id: i64) -> Result<(), Failure> {
    let store = server_store()?;
    crate::server::auth::ingest_keys::revoke(&store, id)
        .await
        .map_err(fail)
}

#[server(endpoint = "load_alerts")]
pub async fn load_alerts(tz: Option<String>) -> Result<AlertsPage, Failure> {
    views::admin::alerts_page(tz.as_deref()).await.map_err(fail)
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
) -> Result<String, Failure> {
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
pub async fn remove_alert(id: i64) -> Result<(), Failure> {
    let store = server_store()?;
    crate::server::alerts::admin::remove(&store, id)
        .await
        .map_err(fail)
}

/// Sends a test message now; answers whether the target accepted it, and its answer.
#[server(endpoint = "test_alert")]
pub async fn test_alert(id: i64) -> Result<(bool, String), Failure> {
    let store = server_store()?;
    let answer = crate::server::alerts::admin::test(&store, id)
        .await
        .map_err(fail)?;
    Ok((answer.accepted, answer.text))
}

/// Every followed new-api database (admins only), times in the viewer's zone.
#[server(endpoint = "sync_source_list")]
pub async fn sync_source_list(tz: Option<String>) -> Result<Vec<SourceLine>, Failure> {
    views::admin::source_lines(tz.as_deref())
        .await
        .map_err(fail)
}

/// Follows a new-api database (admins only); answers the name it is listed under.
#[server(endpoint = "add_sync_source")]
pub async fn add_sync_source(url: String) -> Result<String, Failure> {
    let store = server_store()?;
    crate::server::sync::admin::add(&store, &url)
        .await
        .map_err(fail)
}

/// Pauses, resumes or removes a followed source (admins only).
#[server(endpoint = "change_sync_source")]
pub async fn change_sync_source(id: i64, action: String) -> Result<(), Failure> {
    let store = server_store()?;
    crate::server::sync::admin::change(&store, id, &action)
        .await
        .map_err(fail)
}

/// The newest support and admin lookups of other users' requests (admins only).
#[server(endpoint = "lookup_audit")]
pub async fn lookup_audit(tz: Option<String>) -> Result<Vec<AuditLine>, Failure> {
    views::admin::audit_lines(tz.as_deref()).await.map_err(fail)
}

#[server(endpoint = "retention_status")]
pub async fn retention_status(tz: Option<String>) -> Result<RetentionPage, Failure> {
    views::admin::retention_page(tz.as_deref())
        .await
        .map_err(fail)
}

/// Sets one log type's retention (admins only); `days` empty keeps forever.
#[server(endpoint = "set_retention")]
pub async fn set_retention(log_type: String, days: String) -> Result<(), Failure> {
    let store = server_store()?;
    crate::server::retention::set(&store, &log_type, &days)
        .await
        .map(|_| ())
        .map_err(fail)
}

/// Purges expired rows now (admins only); answers how many rows it removed.
#[server(endpoint = "purge_now")]
pub async fn purge_now() -> Result<u64, Failure> {
    let store = server_store()?;
    crate::server::retention::run_now(&store)
        .await
        .map(|reports| reports.iter().map(|r| r.removed).sum())
        .map_err(fail)
}

/// The `/api/v1` operations, from the OpenAPI document.
#[server(endpoint = "api_reference")]
pub async fn api_reference() -> Result<Vec<crate::shared::api_reference::ApiOperation>, Failure> {
    Ok(crate::server::http::openapi::reference())
}

#[server(endpoint = "catalogue_entries")]
pub async fn catalogue_entries() -> Result<Vec<Entry>, Failure> {
    Ok(crate::domain::catalogue::Catalogue::builtin()
        .entries()
        .to_vec())
}

#[server(endpoint = "load_channel_health")]
pub async fn load_channel_health(
    window: String,
    tz: Option<String>,
) -> Result<ChannelPage, Failure> {
    views::channels::channel_health(&window, tz.as_deref())
        .await
        .map_err(fail)
}

#[server(endpoint = "load_group_health")]
pub async fn load_group_health(window: String, tz: Option<String>) -> Result<HealthPage, Failure> {
    views::health::group_health(&window, tz.as_deref())
        .await
        .map_err(fail)
}
