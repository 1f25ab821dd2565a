//! Server functions the pages call, and what they return. Bodies run on the server only.
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::attribution::Attribution;
use crate::domain::catalogue::Entry;
use crate::domain::filter::{Facets, FieldError, LogQuery};
use crate::domain::log::LogRow;
use crate::domain::scope::{ImpactScope, Rule};
use crate::domain::signal::Inner;

/// One row of the Usage Logs table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RowView {
    pub row: LogRow,
    pub time: String,
    pub attribution: Option<Attribution>,
    pub rule: Option<Rule>,
}

/// One page of the Usage Logs table.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LogPage {
    pub rows: Vec<RowView>,
    /// Exact up to the cap; `capped` when there are more.
    pub count: u64,
    pub capped: bool,
    pub next_cursor: Option<String>,
    pub errors: Vec<FieldError>,
    pub facets: Facets,
    pub zone: String,
    /// Set when a request ID typed in the keyword box found that request.
    pub jump_to: Option<i64>,
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
    pub attribution: Option<Attribution>,
    pub rule: Option<Rule>,
    pub scope: ImpactScope,
    pub first_seen: String,
    pub last_seen: String,
    pub support_message: String,
    pub meaning: String,
    pub action: String,
}

#[server]
pub async fn list_logs(query: LogQuery) -> Result<LogPage, ServerFnError> {
    crate::server::http::pages::list_logs(query)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}

#[server]
pub async fn log_details(
    id: i64,
    tz: Option<String>,
) -> Result<Option<RequestDetails>, ServerFnError> {
    crate::server::http::pages::log_details(id, tz)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}

#[server]
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
    pub tokens: u64,
    pub users: u64,
    pub models: u64,
    /// (label, count, logs link)
    pub top_status: Vec<(String, u64, String)>,
    pub top_messages: Vec<(String, u64, String)>,
    pub attribution_mix: Vec<(Attribution, u64)>,
    /// (bucket label, requests, errors, logs link)
    pub series: Vec<(String, u64, u64, String)>,
    pub logs_href: String,
}

/// A concentration, as a sentence with a link to exactly those rows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HealthSignal {
    pub sentence: String,
    pub attribution: Attribution,
    pub href: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HealthPage {
    pub window: String,
    pub bucket_minutes: i64,
    pub zone: String,
    pub groups: Vec<GroupHealth>,
    pub signals: Vec<HealthSignal>,
}

#[server]
pub async fn load_group_health(
    window: String,
    tz: Option<String>,
) -> Result<HealthPage, ServerFnError> {
    crate::server::http::health::group_health(&window, tz.as_deref())
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}
