//! What the Usage Logs and details pages receive: a page of rows and one request in full.
use serde::{Deserialize, Serialize};

use crate::domain::attribution::Attribution;
use crate::domain::catalogue::{Entry, MatchKind};
use crate::domain::filter::{Facets, FieldError, Sort};
use crate::domain::lang::Lang;
use crate::domain::log::LogRow;
use crate::domain::notice::Notice;
use crate::domain::plain_words::{Persisting, ScopeTexts};
use crate::domain::scope::{ImpactScope, Resolution};
use crate::domain::signal::Inner;

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
    pub notices: Vec<Notice>,
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
    pub recognised: MatchKind,
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
    pub lang: Lang,
}
