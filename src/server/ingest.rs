//! Turning incoming records into stored rows: validation, secret masking, classification.
//! The HTTP ingest API, the importers and the demo generator all go through `prepare`.
use serde::Deserialize;

use crate::domain::catalogue::Catalogue;
use crate::domain::log::LogType;
use crate::domain::mask::{sanitize_content, sanitize_field};
use crate::domain::retention::MAX_DAYS;
use crate::domain::signal::Signal;

use super::store::NewLog;

/// One record as relays send it (the fields of the brief's data model).
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IngestRecord {
    /// RFC 3339, or Unix seconds or milliseconds.
    #[schema(value_type = Option<String>)]
    pub time: Option<serde_json::Value>,
    /// `error` (default) or `consume`.
    #[serde(rename = "type")]
    pub log_type: Option<String>,
    pub user_id: Option<i64>,
    pub username: Option<String>,
    pub token_name: Option<String>,
    pub group: Option<String>,
    pub model: Option<String>,
    pub request_id: Option<String>,
    pub attempt: Option<i64>,
    pub upstream_request_id: Option<String>,
    pub status_code: Option<u16>,
    pub error_code: Option<String>,
    pub error_type: Option<String>,
    pub content: Option<String>,
    pub latency_ms: Option<i64>,
    pub is_stream: Option<bool>,
    pub prompt_tokens: Option<i64>,
    pub completion_tokens: Option<i64>,
    pub quota: Option<i64>,
    pub channel: Option<String>,
    pub retries: Option<String>,
    pub client_ip: Option<String>,
}

/// Why one record was refused.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Rejection {
    pub field: &'static str,
    pub reason: String,
}

const MAX_FIELD_CHARS: usize = 256;

fn reject(field: &'static str, reason: impl Into<String>) -> Rejection {
    Rejection {
        field,
        reason: reason.into(),
    }
}

/// Reads a time as RFC 3339 or a Unix timestamp (seconds below 10^11, else milliseconds).
pub fn parse_time(v: &serde_json::Value) -> Option<i64> {
    match v {
        serde_json::Value::Number(n) => {
            let x = n.as_f64()?;
            if !(0.0..1e14).contains(&x) {
                return None;
            }
            Some(if x < 1e11 {
                (x * 1000.0) as i64
            } else {
                x as i64
            })
        }
        serde_json::Value::String(s) => chrono::DateTime::parse_from_rfc3339(s.trim())
            .ok()
            .map(|t| t.timestamp_millis())
            .or_else(|| {
                s.trim()
                    .parse::<f64>()
                    .ok()
                    .and_then(|x| parse_time(&serde_json::json!(x)))
            }),
        _ => None,
    }
}

/// A one-line field: control characters removed, secrets masked, at most 256 characters.
fn text(field: &'static str, v: Option<String>) -> Result<String, Rejection> {
    let v = sanitize_field(&v.unwrap_or_default());
    if v.chars().count() > MAX_FIELD_CHARS {
        return Err(reject(
            field,
            format!("longer than {MAX_FIELD_CHARS} characters"),
        ));
    }
    Ok(v)
}

fn opt_text(field: &'static str, v: Option<String>) -> Result<Option<String>, Rejection> {
    text(field, v).map(|s| (!s.is_empty()).then_some(s))
}

/// One record as JSON (an ingest batch's element, an NDJSON line, a CSV row read as JSON).
pub fn prepare_value(v: serde_json::Value) -> Result<NewLog, Rejection> {
    let rec =
        serde_json::from_value::<IngestRecord>(v).map_err(|e| reject("record", e.to_string()))?;
    prepare(rec)
}

/// How far ahead of the server's clock a record's time may be (clocks differ a little).
const MAX_AHEAD_MS: i64 = 86_400_000;
/// How old a record may be: the longest retention (older rows would only be purged, and on
/// PostgreSQL each week of them is a partition).
const MAX_AGE_MS: i64 = MAX_DAYS as i64 * 86_400_000;

/// Validates, masks and classifies one record.
pub fn prepare(rec: IngestRecord) -> Result<NewLog, Rejection> {
    let ts_ms = match &rec.time {
        Some(v) => {
            parse_time(v).ok_or_else(|| reject("time", "not RFC 3339 or a Unix timestamp"))?
        }
        None => return Err(reject("time", "required")),
    };
    let log_type = match rec.log_type.as_deref() {
        None => LogType::Error,
        Some(t) => LogType::parse(t).ok_or_else(|| reject("type", "must be error or consume"))?,
    };
    let now = crate::server::time::now_ms();
    if ts_ms > now + MAX_AHEAD_MS {
        return Err(reject("time", "more than a day in the future"));
    }
    if ts_ms < now - MAX_AGE_MS {
        return Err(reject(
            "time",
            format!("older than the longest retention ({MAX_DAYS} days)"),
        ));
    }
    let user_id = rec.user_id.ok_or_else(|| reject("user_id", "required"))?;
    if user_id <= 0 {
        // An account without a relay user id sees user -1: no stored row may match it.
        return Err(reject("user_id", "must be a relay user id above 0"));
    }
    let request_id = text("request_id", rec.request_id)?;
    if request_id.is_empty() {
        return Err(reject("request_id", "required"));
    }
    if let Some(s) = rec.status_code {
        if !(100..=599).contains(&s) {
            return Err(reject(
                "status_code",
                "must be an HTTP status code (100-599)",
            ));
        }
    }
    let content = sanitize_content(rec.content.as_deref().unwrap_or(""));
    let error_code = opt_text("error_code", rec.error_code)?;
    let (attribution, entry_id) = if log_type == LogType::Error {
        let e = Catalogue::builtin().explain(&Signal {
            status: rec.status_code,
            code: error_code.clone(),
            message: content.clone(),
        });
        (Some(e.base()), e.entry.map(|x| x.id))
    } else {
        (None, None)
    };
    Ok(NewLog {
        id: 0,
        ts_ms,
        log_type,
        user_id,
        username: text("username", rec.username)?,
        token_name: text("token_name", rec.token_name)?,
        group: text("group", rec.group)?,
        model: text("model", rec.model)?,
        request_id,
        attempt: rec.attempt.unwrap_or(0).max(0),
        upstream_request_id: opt_text("upstream_request_id", rec.upstream_request_id)?,
        status_code: rec.status_code,
        error_code,
        error_type: opt_text("error_type", rec.error_type)?,
        content,
        latency_ms: rec.latency_ms,
        is_stream: rec.is_stream.unwrap_or(false),
        prompt_tokens: rec.prompt_tokens.unwrap_or(0),
        completion_tokens: rec.completion_tokens.unwrap_or(0),
        quota: rec.quota.unwrap_or(0),
        attribution,
        entry_id,
        channel: opt_text("channel", rec.channel)?,
        retries: rec.retries.map(|r| sanitize_content(&r)),
        client_ip: opt_text("client_ip", rec.client_ip)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec() -> IngestRecord {
        IngestRecord {
            time: Some(serde_json::json!("2026-11-21T10:20:03Z")),
            user_id: Some(1001),
            request_id: Some("req-1".into()),
            status_code: Some(401),
            content: Some("Incorrect API key provided: sk-proj-AbCdEf1234567890XYZ".into()),
            ..Default::default()
        }
    }

    #[test]
    fn prepares_masks_and_classifies() {
        let row = prepare(rec()).unwrap();
        assert_eq!(row.ts_ms, 1_795_256_403_000);
        assert!(!row.content.contains("1234567890XYZ"));
        assert_eq!(
            row.attribution,
            Some(crate::domain::attribution::Attribution::Usage)
        );
        assert_eq!(row.entry_id.as_deref(), Some("000-status-401"));
    }

    #[test]
    fn reads_unix_seconds_and_milliseconds() {
        assert_eq!(
            parse_time(&serde_json::json!(1_763_720_403)),
            Some(1_763_720_403_000)
        );
        assert_eq!(
            parse_time(&serde_json::json!(1_763_720_403_123_i64)),
            Some(1_763_720_403_123)
        );
        assert_eq!(parse_time(&serde_json::json!("yesterday")), None);
    }

    #[test]
    fn fields_are_stored_without_control_characters_or_secrets() {
        let mut r = rec();
        r.token_name = Some("sk-proj-AbCdEf1234567890XYZ\u{0}".into());
        r.group = Some("vip\u{0}\u{202e}".into());
        r.request_id = Some("req-\u{0}1".into());
        r.content = Some("boom\u{0}".into());
        let row = prepare(r).unwrap();
        assert!(!row.token_name.contains("1234567890XYZ") && !row.token_name.contains('\0'));
        assert_eq!(row.group, "vip");
        assert_eq!(row.request_id, "req-1");
        assert_eq!(row.content, "boom");
    }

    #[test]
    fn rejects_with_the_field_and_reason() {
        let mut r = rec();
        r.request_id = None;
        assert_eq!(prepare(r).unwrap_err().field, "request_id");
        let mut r = rec();
        r.status_code = Some(999);
        assert_eq!(prepare(r).unwrap_err().field, "status_code");
        let mut r = rec();
        r.time = None;
        assert_eq!(prepare(r).unwrap_err().field, "time");
    }

    #[test]
    fn times_far_from_now_and_user_ids_that_no_account_can_hold_are_refused() {
        let now = crate::server::time::now_ms();
        for (t, ok) in [
            (now, true),
            (now + 3_600_000, true),
            (now + 2 * 86_400_000, false),
            (now - 365 * 86_400_000, true),
            (now - 11 * 365 * 86_400_000, false),
            (0, false),
        ] {
            let mut r = rec();
            r.time = Some(serde_json::json!(t));
            assert_eq!(prepare(r).is_ok(), ok, "{t}");
        }
        for (user, ok) in [(1, true), (0, false), (-1, false)] {
            let mut r = rec();
            r.user_id = Some(user);
            assert_eq!(
                prepare(r).map(|_| ()).map_err(|e| e.field),
                if ok { Ok(()) } else { Err("user_id") }
            );
        }
    }
}
