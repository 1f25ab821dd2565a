//! The CSV shape of a log row, both ways: the export writes it and `import file` reads it, so
//! an export can be imported again. The columns are the ingest record's fields.
use serde_json::{Map, Value};

use crate::domain::attribution::Attribution;
use crate::domain::catalogue::Catalogue;
use crate::domain::log::LogRow;
use crate::server::ingest::Rejection;

pub const COLUMNS: [&str; 20] = [
    "time",
    "type",
    "user_id",
    "username",
    "token_name",
    "group",
    "model",
    "request_id",
    "attempt",
    "upstream_request_id",
    "status_code",
    "error_code",
    "error_type",
    "content",
    "latency_ms",
    "is_stream",
    "prompt_tokens",
    "completion_tokens",
    "quota",
    "attribution",
];
/// Only admins' exports carry these.
pub const ADMIN_COLUMNS: [&str; 3] = ["channel", "retries", "client_ip"];
/// Read back as numbers.
const WHOLE_NUMBERS: [&str; 7] = [
    "user_id",
    "status_code",
    "latency_ms",
    "prompt_tokens",
    "completion_tokens",
    "quota",
    "attempt",
];
/// Exported for people, recomputed on import.
const DERIVED: [&str; 1] = ["attribution"];

/// The header row of an export.
pub fn header(admin: bool) -> Vec<String> {
    let mut h: Vec<String> = COLUMNS.iter().map(|c| c.to_string()).collect();
    if admin {
        h.extend(ADMIN_COLUMNS.iter().map(|c| c.to_string()));
    }
    h
}

/// What a spreadsheet reads as the start of a formula (and their full-width forms).
const FORMULA_STARTS: [char; 10] = ['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠'];

/// A text cell a spreadsheet will not run: one starting like a formula (or with the quote
/// itself, so that reading it back is exact) gets a leading `'`.
pub fn neutralise(text: &str) -> String {
    match text.chars().next() {
        Some(c) if FORMULA_STARTS.contains(&c) || c == '\'' => format!("'{text}"),
        _ => text.to_string(),
    }
}

/// The text `neutralise` was given.
pub fn restore(cell: &str) -> &str {
    cell.strip_prefix('\'').unwrap_or(cell)
}

/// One row as CSV fields, in `header`'s order. Text cells are neutralised; numbers stay
/// numbers.
pub fn record(row: &LogRow, admin: bool) -> Vec<String> {
    let opt = |v: &Option<String>| neutralise(v.as_deref().unwrap_or_default());
    let time = chrono::DateTime::from_timestamp_millis(row.ts_ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default();
    let mut r = vec![
        time,
        row.log_type.as_str().into(),
        row.user_id.to_string(),
        neutralise(&row.username),
        neutralise(&row.token_name),
        neutralise(&row.group),
        neutralise(&row.model),
        neutralise(&row.request_id),
        row.attempt.to_string(),
        opt(&row.upstream_request_id),
        row.status_code.map(|s| s.to_string()).unwrap_or_default(),
        opt(&row.error_code),
        opt(&row.error_type),
        neutralise(&row.content),
        row.latency_ms.map(|l| l.to_string()).unwrap_or_default(),
        row.is_stream.to_string(),
        row.prompt_tokens.to_string(),
        row.completion_tokens.to_string(),
        row.quota.to_string(),
        one_row_answer(row),
    ];
    if admin {
        r.extend([opt(&row.channel), opt(&row.retries), opt(&row.client_ip)]);
    }
    r
}

/// The attribution one row gets without its impact scope: the stored one, or the seed's
/// two-way pair ("usage_or_upstream") when its catalogue entry has one.
fn one_row_answer(row: &LogRow) -> String {
    let pair = row
        .entry_id
        .as_deref()
        .filter(|_| row.attribution == Some(Attribution::NeedsContext))
        .and_then(|id| Catalogue::builtin().entry(id))
        .and_then(|e| e.two_way);
    match (pair, row.attribution) {
        (Some(p), _) => p.as_str().to_string(),
        (None, Some(a)) => a.as_str().to_string(),
        (None, None) => String::new(),
    }
}

/// Checks a CSV header: every column must be one errscope reads (in any order).
pub fn check_header(names: &[String]) -> Result<(), String> {
    let known = |n: &str| COLUMNS.contains(&n) || ADMIN_COLUMNS.contains(&n);
    let unknown: Vec<&str> = names
        .iter()
        .map(String::as_str)
        .filter(|n| !known(n))
        .collect();
    if !unknown.is_empty() {
        return Err(format!(
            "unknown column(s) {}: the header must use the export's column names ({})",
            unknown.join(", "),
            COLUMNS.join(",")
        ));
    }
    for required in ["time", "user_id", "request_id"] {
        if !names.iter().any(|n| n == required) {
            return Err(format!("the header has no {required} column"));
        }
    }
    Ok(())
}

/// One CSV record as the JSON record the ingest API takes. Empty cells are absent fields.
pub fn to_ingest_value(names: &[String], fields: &csv::StringRecord) -> Result<Value, Rejection> {
    let mut obj = Map::new();
    for (name, cell) in names.iter().zip(fields.iter()) {
        let name = name.as_str();
        if cell.is_empty() || DERIVED.contains(&name) {
            continue;
        }
        let value = if WHOLE_NUMBERS.contains(&name) {
            let n: i64 = cell.trim().parse().map_err(|_| Rejection {
                field: static_name(name),
                reason: format!("{cell:?} is not a whole number"),
            })?;
            Value::from(n)
        } else if name == "is_stream" {
            match cell.trim() {
                "true" | "1" => Value::Bool(true),
                "false" | "0" => Value::Bool(false),
                _ => {
                    return Err(Rejection {
                        field: "is_stream",
                        reason: format!("{cell:?} is not true or false"),
                    })
                }
            }
        } else {
            Value::from(restore(cell))
        };
        obj.insert(name.to_string(), value);
    }
    Ok(Value::Object(obj))
}

fn static_name(name: &str) -> &'static str {
    WHOLE_NUMBERS
        .iter()
        .find(|n| **n == name)
        .copied()
        .unwrap_or("record")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(h: &[&str]) -> Vec<String> {
        h.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn reads_numbers_booleans_and_skips_empty_and_derived_cells() {
        let n = names(&[
            "time",
            "user_id",
            "request_id",
            "status_code",
            "is_stream",
            "attribution",
            "model",
        ]);
        let rec = csv::StringRecord::from(vec![
            "2026-11-21T10:00:00Z",
            "1003",
            "r-1",
            "502",
            "true",
            "upstream",
            "",
        ]);
        let v = to_ingest_value(&n, &rec).unwrap();
        assert_eq!(v["user_id"], 1003);
        assert_eq!(v["status_code"], 502);
        assert_eq!(v["is_stream"], true);
        assert!(v.get("attribution").is_none());
        assert!(v.get("model").is_none());
    }

    #[test]
    fn formula_cells_are_neutralised_and_read_back_exactly() {
        for text in [
            "=HYPERLINK(\"https://evil.example\",\"x\")",
            "=1+1",
            "+1",
            "-cmd",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "＝1+1",
            "'=1+1",
            "'",
            "plain",
            "",
        ] {
            let cell = neutralise(text);
            assert!(
                !cell.starts_with(FORMULA_STARTS),
                "{text:?} exported as {cell:?}"
            );
            assert_eq!(restore(&cell), text);
        }
        let row = LogRow {
            token_name: "=HYPERLINK(\"https://evil.example\",\"x\")".into(),
            quota: -5,
            content: "@cmd".into(),
            ..Default::default()
        };
        let r = record(&row, true);
        let names: Vec<String> = header(true);
        let at = |n: &str| &r[names.iter().position(|h| h == n).unwrap()];
        assert_eq!(
            at("token_name"),
            "'=HYPERLINK(\"https://evil.example\",\"x\")"
        );
        assert_eq!(at("content"), "'@cmd");
        assert_eq!(at("quota"), "-5", "numbers stay numbers");
    }

    #[test]
    fn names_the_field_that_is_not_a_number() {
        let n = names(&["time", "user_id", "request_id", "status_code"]);
        let rec = csv::StringRecord::from(vec!["2026-11-21T10:00:00Z", "1003", "r-1", "5o2"]);
        let e = to_ingest_value(&n, &rec).unwrap_err();
        assert_eq!(e.field, "status_code");
        assert!(e.reason.contains("5o2"));
    }

    #[test]
    fn the_header_must_use_known_columns_and_carry_the_required_ones() {
        assert!(check_header(&header(true)).is_ok());
        let e = check_header(&names(&["time", "user_id", "request_id", "colour"])).unwrap_err();
        assert!(e.contains("colour"));
        let e = check_header(&names(&["time", "user_id"])).unwrap_err();
        assert!(e.contains("request_id"));
    }
}
