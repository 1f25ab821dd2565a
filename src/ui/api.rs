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
pub async fn log_details(id: i64) -> Result<Option<RequestDetails>, ServerFnError> {
    crate::server::http::pages::log_details(id)
        .await
        .map_err(|e| ServerFnError::new(e.to_string()))
}

#[server]
pub async fn catalogue_entries() -> Result<Vec<Entry>, ServerFnError> {
    Ok(crate::domain::catalogue::Catalogue::builtin()
        .entries()
        .to_vec())
}
