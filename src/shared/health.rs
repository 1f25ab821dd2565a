//! What Group Health and channel health receive: per group or channel counts, latency,
//! concentrations as sentences, and a link to exactly the rows behind every number.
use serde::{Deserialize, Serialize};

use crate::domain::attribution::Attribution;
use crate::domain::health::GroupStatus;
use crate::domain::latency::Latency;
use crate::domain::notice::Notice;

/// One group on the Group Health page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupHealth {
    pub group: String,
    pub requests: u64,
    pub errors: u64,
    pub rate: f64,
    pub prev_rate: Option<f64>,
    pub status: GroupStatus,
    /// For a relay user (whose numbers are their own): how the whole group is doing.
    pub group_wide: Option<GroupStatus>,
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
    pub latency: Latency,
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
    pub notices: Vec<Notice>,
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
    pub notices: Vec<Notice>,
    pub bucket_minutes: i64,
    pub zone: String,
    pub channels: Vec<ChannelHealth>,
    pub callouts: Vec<HealthSignal>,
}
