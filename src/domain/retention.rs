//! Retention: how many days of each log type to keep, and what a purge removed.
use crate::domain::refusal::Refusal;
use serde::{Deserialize, Serialize};

use super::log::LogType;

/// The longest retention an admin can set (ten years); beyond it, keep forever.
pub const MAX_DAYS: u32 = 3_650;
const DAY_MS: i64 = 86_400_000;

/// One log type's retention: `None` keeps its rows forever.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Retention {
    pub log_type: LogType,
    pub days: Option<u32>,
}

/// What one purge of one log type removed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurgeReport {
    pub log_type: LogType,
    pub days: u32,
    /// Rows older than this (Unix ms) were removed.
    pub cutoff_ms: i64,
    pub removed: u64,
    pub started_ms: i64,
    pub finished_ms: i64,
}

/// Reads an admin's input: empty or "forever" keeps forever, else whole days 1..=MAX_DAYS.
pub fn parse_days(input: &str) -> Result<Option<u32>, Refusal> {
    let t = input.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("forever") {
        return Ok(None);
    }
    match t.parse::<u32>() {
        Ok(d) if (1..=MAX_DAYS).contains(&d) => Ok(Some(d)),
        _ => Err(Refusal::BadRetentionDays { max: MAX_DAYS }),
    }
}

/// Rows with a time before this are expired.
pub fn cutoff_ms(now_ms: i64, days: u32) -> i64 {
    now_ms - i64::from(days) * DAY_MS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_read_strictly_and_empty_keeps_forever() {
        assert_eq!(parse_days(""), Ok(None));
        assert_eq!(parse_days(" forever "), Ok(None));
        assert_eq!(parse_days("30"), Ok(Some(30)));
        assert_eq!(parse_days("3650"), Ok(Some(3650)));
        for bad in ["0", "-1", "3651", "30d", "1.5", "lots"] {
            assert!(parse_days(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_cutoff_is_whole_days_back() {
        assert_eq!(cutoff_ms(10 * DAY_MS, 7), 3 * DAY_MS);
    }
}
