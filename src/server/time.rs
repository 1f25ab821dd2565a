//! Formatting times for the viewer. Times are stored as UTC milliseconds.
use chrono::{DateTime, NaiveDateTime, Utc};

pub fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

pub fn format_ms(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_else(|| "-".into())
}

/// The viewer's zone label. UTC for now; per-viewer zones come with the account settings.
pub const ZONE_LABEL: &str = "UTC";

/// Reads `YYYY-MM-DDTHH:MM` (an `<input type=datetime-local>`) or `YYYY-MM-DD HH:MM[:SS]` as UTC.
pub fn parse_local(s: &str) -> Option<i64> {
    let s = s.trim().replace('T', " ");
    ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"]
        .iter()
        .find_map(|f| {
            NaiveDateTime::parse_from_str(&s, f).ok().or_else(|| {
                chrono::NaiveDate::parse_from_str(&s, f)
                    .ok()
                    .and_then(|d| d.and_hms_opt(0, 0, 0))
            })
        })
        .map(|t| t.and_utc().timestamp_millis())
}
