//! What the account and admin pages receive: keys, alerts, sources, audit and retention as
//! listed, times already in the viewer's zone, never a secret.
use serde::{Deserialize, Serialize};

use crate::domain::access::{Account, KeyScope, Lookup};
use crate::domain::alert::{AlertFormat, DeliveryState, Event};
use crate::domain::retention::{PurgeReport, Retention};

/// What the signed-in account set for itself, and the zones it may pick from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OwnSettings {
    pub account: Account,
    /// The zone pages are shown in now ("Asia/Tokyo (UTC+09:00)").
    pub zone_in_use: String,
    pub zones: Vec<String>,
}

/// An ingest key as the Keys page lists it (never the key itself).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KeyLine {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub scope: KeyScope,
    pub relay_user_id: Option<i64>,
    pub created: String,
    pub revoked: Option<String>,
}

/// An alert rule as the Alerts page lists it: the webhook by host only, never its secret.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlertRuleLine {
    pub id: i64,
    pub name: String,
    pub target: String,
    pub format: AlertFormat,
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
    pub event: Event,
    pub state: DeliveryState,
    pub attempts: i64,
    pub answer: Option<String>,
}

/// The Alerts page: rules and the newest deliveries (admins only).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlertsPage {
    pub rules: Vec<AlertRuleLine>,
    pub deliveries: Vec<DeliveryLine>,
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

/// One line of the lookup audit, its time in the viewer's zone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditLine {
    pub time: String,
    pub lookup: Lookup,
}

/// Retention as the admin page shows it: each log type's days and the latest purges.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RetentionPage {
    pub rules: Vec<Retention>,
    /// (when it finished, in the viewer's zone; the purge).
    pub purges: Vec<(String, PurgeReport)>,
}
