//! One row of new-api's `logs` table and how it becomes an errscope ingest record, whatever
//! release wrote it: `other` absent, NULL, empty, not an object or not JSON; status codes as
//! numbers or strings, or only in a `status_code=NNN, ` prefix of the content; error codes as
//! strings or numbers; channel names from `other`, from the `channels` table, or only an id;
//! consume rows whose stream failed midway (`other.stream_status.status = "error"`).
use serde_json::{Map, Value};

use crate::server::ingest::IngestRecord;

/// new-api's log types (model/log.go): errscope keeps consume (2) and error (5) rows.
pub const TYPE_CONSUME: i64 = 2;
pub const TYPE_ERROR: i64 = 5;

/// The `error_type` errscope gives a consume row whose stream ended in an error.
pub const STREAM_ERROR_TYPE: &str = "stream_error";

/// One row as read; absent columns of older releases read as empty or zero.
#[derive(Clone, Debug, Default, sqlx::FromRow)]
pub struct NewApiLog {
    pub id: i64,
    pub user_id: i64,
    pub created_at: i64,
    pub log_type: i64,
    pub content: String,
    pub username: String,
    pub token_name: String,
    pub model_name: String,
    pub quota: i64,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    pub use_time: i64,
    pub is_stream: i64,
    pub channel_id: i64,
    pub grp: String,
    pub ip: String,
    pub request_id: String,
    pub upstream_request_id: String,
    pub other: String,
}

/// A scalar of `other` as text: strings as they are, numbers printed; empty and null are none.
fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn non_empty(s: &str) -> Option<String> {
    (!s.trim().is_empty()).then(|| s.trim().to_string())
}

/// An HTTP status from a number or a numeric string.
fn status(v: Option<&Value>) -> Option<u16> {
    let n = match v? {
        Value::Number(n) => n.as_u64()?,
        Value::String(s) => s.trim().parse().ok()?,
        _ => return None,
    };
    u16::try_from(n).ok().filter(|s| (100..=599).contains(s))
}

/// Newer releases write an error's content as `status_code=NNN, message` (or just
/// `status_code=NNN`): the code, and the message without the prefix.
pub fn split_status_prefix(content: &str) -> (Option<u16>, &str) {
    let Some(rest) = content.strip_prefix("status_code=") else {
        return (None, content);
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let Some(code) = rest[..digits]
        .parse::<u16>()
        .ok()
        .filter(|s| (100..=599).contains(s))
    else {
        return (None, content);
    };
    let after = &rest[digits..];
    match after.strip_prefix(", ") {
        Some(message) => (Some(code), message),
        None if after.is_empty() => (Some(code), ""),
        None => (None, content),
    }
}

/// `other` as an object; anything else (absent, NULL, `''`, an array, invalid JSON) is empty.
fn other_object(raw: &str) -> Map<String, Value> {
    match serde_json::from_str::<Value>(raw) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    }
}

/// The channel as admins read it: its name and id when both are known.
fn channel(
    other: &Map<String, Value>,
    column_id: i64,
    names: &dyn Fn(i64) -> Option<String>,
) -> Option<String> {
    let id = Some(column_id)
        .filter(|i| *i > 0)
        .or_else(|| text(other.get("channel_id")).and_then(|s| s.parse().ok()))
        .filter(|i: &i64| *i > 0);
    let name = text(other.get("channel_name")).or_else(|| id.and_then(names));
    match (name, id) {
        (Some(n), Some(i)) => Some(format!("{n} (#{i})")),
        (Some(n), None) => Some(n),
        (None, Some(i)) => Some(format!("#{i}")),
        (None, None) => None,
    }
}

/// The channels a request went through (`admin_info.use_channel`), in order.
fn retries(other: &Map<String, Value>) -> Option<String> {
    let list = other
        .get("admin_info")?
        .get("use_channel")?
        .as_array()
        .filter(|a| !a.is_empty())?;
    Some(
        list.iter()
            .map(|c| match c {
                Value::String(s) => s.clone(),
                v => v.to_string(),
            })
            .collect::<Vec<_>>()
            .join(" → "),
    )
}

/// A stream that failed midway: (end reason, the text that says what happened).
fn stream_failure(other: &Map<String, Value>) -> Option<(Option<String>, String)> {
    let s = other.get("stream_status")?.as_object()?;
    if text(s.get("status")).as_deref() != Some("error") {
        return None;
    }
    let reason = text(s.get("end_reason"));
    let mut said = vec![format!(
        "stream ended abnormally ({})",
        reason.as_deref().unwrap_or("unknown reason")
    )];
    said.extend(text(s.get("end_error")));
    if let Some(errors) = s.get("errors").and_then(Value::as_array) {
        said.extend(errors.iter().filter_map(|e| text(Some(e))));
    }
    Some((reason, said.join(": ")))
}

/// new-api's row as an ingest record. Its identity is (request id, new-api id): retries that
/// share a request id and the consume row that finally succeeded stay separate rows, and a
/// re-read row is recognised. Rows from before request ids existed get `newapi-<id>`.
pub fn to_record(l: &NewApiLog, channel_names: &dyn Fn(i64) -> Option<String>) -> IngestRecord {
    let other = other_object(&l.other);
    let (prefixed_status, message) = split_status_prefix(&l.content);
    let failed_stream = (l.log_type == TYPE_CONSUME)
        .then(|| stream_failure(&other))
        .flatten();
    let is_error = l.log_type == TYPE_ERROR || failed_stream.is_some();
    let (content, error_type, error_code) = match failed_stream {
        Some((reason, said)) => (said, Some(STREAM_ERROR_TYPE.to_string()), reason),
        None => (
            message.to_string(),
            text(other.get("error_type")),
            text(other.get("error_code")),
        ),
    };
    IngestRecord {
        time: Some(Value::from(l.created_at)),
        log_type: Some(if is_error { "error" } else { "consume" }.into()),
        user_id: Some(l.user_id),
        username: non_empty(&l.username),
        token_name: non_empty(&l.token_name),
        group: non_empty(&l.grp),
        model: non_empty(&l.model_name),
        request_id: Some(non_empty(&l.request_id).unwrap_or_else(|| format!("newapi-{}", l.id))),
        attempt: Some(l.id),
        upstream_request_id: non_empty(&l.upstream_request_id),
        status_code: status(other.get("status_code")).or(prefixed_status),
        error_code,
        error_type,
        content: Some(content),
        latency_ms: Some(l.use_time.saturating_mul(1000)),
        is_stream: Some(l.is_stream != 0),
        prompt_tokens: Some(l.prompt_tokens),
        completion_tokens: Some(l.completion_tokens),
        quota: Some(l.quota),
        channel: channel(&other, l.channel_id, channel_names),
        retries: retries(&other),
        client_ip: non_empty(&l.ip),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::ingest::prepare;

    fn no_names(_: i64) -> Option<String> {
        None
    }

    fn error_row(content: &str, other: &str) -> NewApiLog {
        NewApiLog {
            id: 42,
            user_id: 7,
            created_at: 1_763_700_000,
            log_type: TYPE_ERROR,
            content: content.into(),
            other: other.into(),
            ..Default::default()
        }
    }

    #[test]
    fn the_status_prefix_of_newer_releases_is_read_and_removed() {
        assert_eq!(
            split_status_prefix("status_code=502, bad gateway"),
            (Some(502), "bad gateway")
        );
        assert_eq!(split_status_prefix("status_code=429"), (Some(429), ""));
        assert_eq!(
            split_status_prefix("status_code=abc, x"),
            (None, "status_code=abc, x")
        );
        assert_eq!(
            split_status_prefix("status_code=9999, x"),
            (None, "status_code=9999, x")
        );
        assert_eq!(split_status_prefix("plain text"), (None, "plain text"));
    }

    #[test]
    fn every_shape_of_other_is_read() {
        let cases = [
            ("", None, None),
            ("null", None, None),
            ("not json {", None, None),
            ("[1,2]", None, None),
            ("{}", None, None),
            (
                r#"{"status_code":502,"error_code":"bad_response"}"#,
                Some(502),
                Some("bad_response"),
            ),
            (
                r#"{"status_code":"429","error_code":1004}"#,
                Some(429),
                Some("1004"),
            ),
            (r#"{"status_code":0,"error_code":""}"#, None, None),
            (r#"{"status_code":null,"error_code":null}"#, None, None),
        ];
        for (other, want_status, want_code) in cases {
            let r = to_record(&error_row("boom", other), &no_names);
            assert_eq!(r.status_code, want_status, "{other}");
            assert_eq!(r.error_code.as_deref(), want_code, "{other}");
            assert!(prepare(r).is_ok(), "{other}");
        }
    }

    #[test]
    fn other_wins_over_the_content_prefix_and_the_prefix_fills_in() {
        let r = to_record(&error_row("status_code=503, overloaded", "{}"), &no_names);
        assert_eq!(r.status_code, Some(503));
        assert_eq!(r.content.as_deref(), Some("overloaded"));
        let r = to_record(
            &error_row("status_code=503, overloaded", r#"{"status_code":500}"#),
            &no_names,
        );
        assert_eq!(r.status_code, Some(500));
    }

    #[test]
    fn channels_are_named_from_other_then_the_channels_table_then_the_id() {
        let names = |id: i64| (id == 3).then(|| "azure-east".to_string());
        let mut l = error_row("x", r#"{"channel_name":"openai-main"}"#);
        l.channel_id = 8;
        assert_eq!(
            to_record(&l, &names).channel.as_deref(),
            Some("openai-main (#8)")
        );
        l.other = r#"{"channel_name":null}"#.into();
        l.channel_id = 3;
        assert_eq!(
            to_record(&l, &names).channel.as_deref(),
            Some("azure-east (#3)")
        );
        l.channel_id = 17;
        assert_eq!(to_record(&l, &names).channel.as_deref(), Some("#17"));
        l.channel_id = 0;
        assert_eq!(to_record(&l, &names).channel, None);
    }

    #[test]
    fn retries_share_a_request_id_and_stay_apart() {
        let mut a = error_row("x", r#"{"admin_info":{"use_channel":["8","17"]}}"#);
        a.request_id = "20261205abcdefgh".into();
        let mut b = a.clone();
        b.id = 43;
        let (ra, rb) = (
            prepare(to_record(&a, &no_names)).unwrap(),
            prepare(to_record(&b, &no_names)).unwrap(),
        );
        assert_eq!(ra.request_id, rb.request_id);
        assert_ne!(ra.attempt, rb.attempt);
        assert_eq!(ra.retries.as_deref(), Some("8 → 17"));
        let mut old = a.clone();
        old.request_id = String::new();
        assert_eq!(
            to_record(&old, &no_names).request_id.as_deref(),
            Some("newapi-42")
        );
    }

    #[test]
    fn a_stream_that_failed_midway_is_a_failure() {
        let l = NewApiLog {
            id: 9,
            log_type: TYPE_CONSUME,
            user_id: 7,
            created_at: 1_763_700_000,
            content: "模型倍率 2.5，分组倍率 1".into(),
            prompt_tokens: 120,
            completion_tokens: 40,
            is_stream: 1,
            other: r#"{"stream_status":{"status":"error","end_reason":"timeout","end_error":"stream read timeout","error_count":1,"errors":["upstream closed"]}}"#.into(),
            ..Default::default()
        };
        let r = prepare(to_record(&l, &no_names)).unwrap();
        assert_eq!(r.log_type, crate::domain::log::LogType::Error);
        assert_eq!(r.error_type.as_deref(), Some(STREAM_ERROR_TYPE));
        assert_eq!(r.error_code.as_deref(), Some("timeout"));
        assert!(r.content.contains("stream read timeout") && r.content.contains("upstream closed"));
        assert_eq!((r.prompt_tokens, r.completion_tokens), (120, 40));
        let mut ok = l.clone();
        ok.other = r#"{"stream_status":{"status":"ok","end_reason":"done"}}"#.into();
        let r = prepare(to_record(&ok, &no_names)).unwrap();
        assert_eq!(r.log_type, crate::domain::log::LogType::Consume);
    }
}
