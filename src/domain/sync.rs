//! What the admin page says about a followed new-api database.

const DAY_MS: i64 = 24 * 3600 * 1000;

/// Consume rows arrived in the last day but no error row did: new-api writes error rows only
/// when started with `ERROR_LOG_ENABLED=true`, which is off by default.
pub fn error_logs_look_off(
    newest_consume_ms: Option<i64>,
    newest_error_ms: Option<i64>,
    now_ms: i64,
) -> bool {
    let day_ago = now_ms - DAY_MS;
    newest_consume_ms.is_some_and(|c| c >= day_ago) && newest_error_ms.is_none_or(|e| e < day_ago)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warns_only_when_recent_consume_rows_come_without_error_rows() {
        let now = 10 * DAY_MS;
        assert!(error_logs_look_off(Some(now - 1000), None, now));
        assert!(error_logs_look_off(
            Some(now - 1000),
            Some(now - 2 * DAY_MS),
            now
        ));
        assert!(!error_logs_look_off(
            Some(now - 1000),
            Some(now - 5000),
            now
        ));
        assert!(!error_logs_look_off(None, None, now));
        assert!(!error_logs_look_off(Some(now - 3 * DAY_MS), None, now));
    }
}
