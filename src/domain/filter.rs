//! The Usage Logs filter: the URL query as typed (`LogQuery`) and its validated form (`LogFilter`).
use serde::{Deserialize, Serialize};

use super::attribution::Attribution;
pub use super::field_error::{FieldError, FieldProblem};
use super::log::{LogRow, LogType};
use super::status::{parse_status_list, StatusRange};

pub const MAX_KEYWORD_CHARS: usize = 200;
pub const MAX_VALUE_CHARS: usize = 128;
pub const PAGE_SIZES: [u32; 3] = [20, 50, 100];
pub const DEFAULT_PAGE_SIZE: u32 = 50;
/// The longest "slower than" a filter takes: an hour, in milliseconds.
pub const MAX_LATENCY_MS: i64 = 3_600_000;
/// The count is exact up to this many rows, then shown as "10,000+".
pub const COUNT_CAP: u64 = 10_000;

/// Time presets of the filter form, in minutes.
pub const RANGE_PRESETS: [(&str, i64); 5] = [
    ("15m", 15),
    ("1h", 60),
    ("24h", 24 * 60),
    ("7d", 7 * 24 * 60),
    ("30d", 30 * 24 * 60),
];

/// The time preset from the viewer's midnight.
pub const TODAY: &str = "today";

/// The filter exactly as it appears in the URL query string.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct LogQuery {
    /// `error` (default), `consume` or `all`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", param(pattern = r"^(error|consume|all)$"))]
    pub log_type: Option<String>,
    /// A preset: `15m`, `1h`, `24h`, `7d`, `30d`, `today` (from midnight in `tz`), `all` or `custom`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "ssr",
        param(pattern = r"^(15m|1h|24h|7d|30d|today|all|custom)$")
    )]
    pub range: Option<String>,
    /// Start of a custom range, a local time in `tz` such as `2026-12-01T08:00`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// End of a custom range, in the same form as `from`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Model name, exact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Token name, exact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// Group, exact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Request id, exact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// A word or phrase in the error message (Chinese works).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// Status codes or classes, comma separated: `429,5xx`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// `usage`, `upstream`, `platform` or `needs_context`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "ssr",
        param(pattern = r"^(usage|upstream|platform|needs_context)$")
    )]
    pub attribution: Option<String>,
    /// Relay user id (staff only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", param(pattern = r"^[0-9]{1,18}$"))]
    pub user: Option<String>,
    /// A catalogue entry id: the failures of one signature (Group Health drill-down).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
    /// The upstream channel (admins only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// Only rows that took at least this many milliseconds (rows without a latency never match).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", param(pattern = r"^[1-9][0-9]{0,6}$"))]
    pub slower: Option<String>,
    /// `1`: one row per request (its newest attempt), with the attempt count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", param(pattern = r"^[01]$"))]
    pub collapse: Option<String>,
    /// `latency`: slowest first (rows without a latency last), for up to 10,000 matching rows;
    /// newest first when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", param(pattern = r"^latency$"))]
    pub sort: Option<String>,
    /// `next_cursor` of the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Rows per page: 20, 50 (default) or 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", param(pattern = r"^(20|50|100)$"))]
    pub size: Option<String>,
    /// The viewer's IANA time zone, when chosen in the URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tz: Option<String>,
}

/// The order of a page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    /// By (time, id), descending.
    #[default]
    Newest,
    /// By (latency, id), descending; a row without a latency counts as 0.
    Slowest,
}

/// Position after the last row of a page, in the page's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cursor {
    Time { ts_ms: i64, id: i64 },
    Latency { ms: i64, id: i64 },
}

impl Cursor {
    /// The position after `row` in a page of `sort`.
    pub fn after(sort: Sort, row: &LogRow) -> Cursor {
        match sort {
            Sort::Newest => Cursor::Time {
                ts_ms: row.ts_ms,
                id: row.id,
            },
            Sort::Slowest => Cursor::Latency {
                ms: row.latency_ms.unwrap_or(0).max(0),
                id: row.id,
            },
        }
    }

    /// The order this position belongs to.
    pub fn sort(self) -> Sort {
        match self {
            Cursor::Time { .. } => Sort::Newest,
            Cursor::Latency { .. } => Sort::Slowest,
        }
    }

    pub fn encode(self) -> String {
        match self {
            Cursor::Time { ts_ms, id } => format!("{ts_ms}_{id}"),
            Cursor::Latency { ms, id } => format!("l{ms}_{id}"),
        }
    }

    pub fn decode(s: &str) -> Option<Cursor> {
        let (key, id) = s.split_once('_')?;
        let id = id.parse().ok()?;
        Some(match key.strip_prefix('l') {
            Some(ms) => Cursor::Latency {
                ms: ms.parse().ok()?,
                id,
            },
            None => Cursor::Time {
                ts_ms: key.parse().ok()?,
                id,
            },
        })
    }
}

/// A validated filter, ready for the store.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LogFilter {
    /// None: every log type.
    pub log_type: Option<LogType>,
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
    pub model: Option<String>,
    pub token: Option<String>,
    pub group: Option<String>,
    pub request_id: Option<String>,
    pub keyword: Option<String>,
    pub status: Vec<StatusRange>,
    pub attribution: Option<Attribution>,
    pub user_id: Option<i64>,
    pub entry_id: Option<String>,
    /// The upstream channel (admins only: the viewer checks it before the store sees it).
    pub channel: Option<String>,
    /// Rows that took at least this long; rows with no latency recorded never match.
    pub min_latency_ms: Option<i64>,
    /// One row per request id: only the newest matching row of each request.
    pub collapse: bool,
    pub sort: Sort,
    pub cursor: Option<Cursor>,
    pub page_size: u32,
}

impl Default for LogFilter {
    fn default() -> Self {
        LogFilter {
            log_type: Some(LogType::Error),
            from_ms: None,
            to_ms: None,
            model: None,
            token: None,
            group: None,
            request_id: None,
            keyword: None,
            status: vec![],
            attribution: None,
            user_id: None,
            entry_id: None,
            channel: None,
            min_latency_ms: None,
            collapse: false,
            sort: Sort::Newest,
            cursor: None,
            page_size: DEFAULT_PAGE_SIZE,
        }
    }
}

/// Distinct values a viewer can pick in the filter form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facets {
    pub models: Vec<String>,
    pub tokens: Vec<String>,
    pub groups: Vec<String>,
}

/// Splits text into (segment, is_match) parts around case-insensitive keyword matches.
/// Lowercasing can change a character's length (`İ` grows, the Kelvin sign `K` shrinks), so
/// each lowercased byte remembers the original character it came from, and the parts are cut
/// at the original characters' edges.
pub fn highlight(text: &str, keyword: &str) -> Vec<(String, bool)> {
    let kw = keyword.trim().to_lowercase();
    if kw.is_empty() {
        return vec![(text.to_string(), false)];
    }
    let mut lower = String::with_capacity(text.len());
    // For each byte of `lower`: the (start, end) of the character of `text` it came from.
    let mut origin: Vec<(usize, usize)> = Vec::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        let span = (i, i + c.len_utf8());
        for l in c.to_lowercase() {
            lower.push(l);
            origin.extend(std::iter::repeat_n(span, l.len_utf8()));
        }
    }
    let mut out = Vec::new();
    let mut at = 0;
    for (start, _) in lower.match_indices(&kw) {
        let (from, to) = (origin[start].0, origin[start + kw.len() - 1].1);
        if from < at {
            continue;
        }
        if from > at {
            out.push((text[at..from].to_string(), false));
        }
        out.push((text[from..to].to_string(), true));
        at = to;
    }
    if at < text.len() || out.is_empty() {
        out.push((text[at..].to_string(), false));
    }
    out
}

fn clean(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

impl LogQuery {
    /// Validates the query. Invalid fields are reported and left out of the filter, so the
    /// rest of the page still works. `local_to_utc_ms` reads a `YYYY-MM-DDTHH:MM` time in the
    /// viewer's time zone.
    pub fn validate(
        &self,
        now_ms: i64,
        local_to_utc_ms: impl Fn(&str) -> Option<i64>,
    ) -> (LogFilter, Vec<FieldError>) {
        self.validate_on(
            now_ms,
            now_ms - now_ms.rem_euclid(86_400_000),
            local_to_utc_ms,
        )
    }

    /// `validate`, with the start of the viewer's day for the `today` range.
    pub fn validate_on(
        &self,
        now_ms: i64,
        today_start_ms: i64,
        local_to_utc_ms: impl Fn(&str) -> Option<i64>,
    ) -> (LogFilter, Vec<FieldError>) {
        let mut errors = Vec::new();
        let mut err = |field: &str, problem: FieldProblem| {
            errors.push(FieldError {
                field: field.to_string(),
                problem,
            })
        };
        let mut f = LogFilter::default();
        match clean(&self.log_type).as_deref() {
            None | Some("error") => f.log_type = Some(LogType::Error),
            Some("all") => f.log_type = None,
            Some("consume") => f.log_type = Some(LogType::Consume),
            Some(other) => err("type", FieldProblem::UnknownLogType(other.to_string())),
        }
        for (field, value, slot) in [
            ("model", &self.model, &mut f.model),
            ("token", &self.token, &mut f.token),
            ("group", &self.group, &mut f.group),
            ("request_id", &self.request_id, &mut f.request_id),
            ("entry", &self.entry, &mut f.entry_id),
            ("channel", &self.channel, &mut f.channel),
        ] {
            if let Some(v) = clean(value) {
                if v.chars().count() > MAX_VALUE_CHARS {
                    err(field, FieldProblem::TooLong(MAX_VALUE_CHARS));
                } else if v.chars().any(char::is_control) {
                    err(field, FieldProblem::ControlCharacters);
                } else if field == "request_id" && v.contains(char::is_whitespace) {
                    err(field, FieldProblem::SpaceInside);
                } else {
                    *slot = Some(v);
                }
            }
        }
        if let Some(q) = clean(&self.q) {
            if q.chars().count() > MAX_KEYWORD_CHARS {
                err("q", FieldProblem::TooLong(MAX_KEYWORD_CHARS));
            } else if q.chars().any(char::is_control) {
                err("q", FieldProblem::ControlCharacters);
            } else {
                f.keyword = Some(q);
            }
        }
        if let Some(s) = clean(&self.status) {
            match parse_status_list(&s) {
                Ok(list) => f.status = list,
                Err(e) => err("status", e.into()),
            }
        }
        if let Some(a) = clean(&self.attribution) {
            match Attribution::parse(&a) {
                Some(a) => f.attribution = Some(a),
                None => err("attribution", FieldProblem::UnknownAttribution(a)),
            }
        }
        if let Some(u) = clean(&self.user) {
            match u.parse::<i64>() {
                Ok(id) if id >= 0 => f.user_id = Some(id),
                _ => err("user", FieldProblem::NotUserId(u)),
            }
        }
        if let Some(ms) = clean(&self.slower) {
            match ms.parse::<i64>() {
                Ok(n) if (1..=MAX_LATENCY_MS).contains(&n) => f.min_latency_ms = Some(n),
                _ => err("slower", FieldProblem::NotMilliseconds(ms)),
            }
        }
        let from = clean(&self.from);
        let to = clean(&self.to);
        match clean(&self.range).as_deref() {
            Some("custom") | None if from.is_some() || to.is_some() => {
                let mut parse = |field: &str, v: &Option<String>| -> Option<i64> {
                    let v = v.as_deref()?;
                    let parsed = local_to_utc_ms(v);
                    if parsed.is_none() {
                        err(field, FieldProblem::NotDateTime(v.to_string()));
                    }
                    parsed
                };
                f.from_ms = parse("from", &from);
                f.to_ms = parse("to", &to);
                if let (Some(a), Some(b)) = (f.from_ms, f.to_ms) {
                    if a > b {
                        err("to", FieldProblem::EndBeforeStart);
                        f.to_ms = None;
                    }
                }
            }
            None | Some("custom") | Some("all") => {}
            Some(TODAY) => f.from_ms = Some(today_start_ms),
            Some(preset) => match RANGE_PRESETS.iter().find(|(name, _)| *name == preset) {
                Some((_, minutes)) => f.from_ms = Some(now_ms - minutes * 60_000),
                None => err("range", FieldProblem::UnknownRange(preset.to_string())),
            },
        }
        match clean(&self.collapse).as_deref() {
            None | Some("0") => {}
            Some("1") => f.collapse = true,
            Some(_) => err("collapse", FieldProblem::BadCollapse),
        }
        match clean(&self.sort).as_deref() {
            None => {}
            Some("latency") => f.sort = Sort::Slowest,
            Some(other) => err("sort", FieldProblem::UnknownSort(other.to_string())),
        }
        if let Some(c) = clean(&self.cursor) {
            match Cursor::decode(&c).filter(|c| c.sort() == f.sort) {
                Some(c) => f.cursor = Some(c),
                None => err("cursor", FieldProblem::BadCursor),
            }
        }
        if let Some(s) = clean(&self.size) {
            match s.parse::<u32>() {
                Ok(n) if PAGE_SIZES.contains(&n) => f.page_size = n,
                _ => err("size", FieldProblem::BadPageSize),
            }
        }
        (f, errors)
    }

    /// Active filters as (URL key, shown value) pairs, for the removable chips.
    pub fn active(&self) -> Vec<(&'static str, String)> {
        [
            ("range", &self.range),
            ("from", &self.from),
            ("to", &self.to),
            ("model", &self.model),
            ("token", &self.token),
            ("group", &self.group),
            ("request_id", &self.request_id),
            ("q", &self.q),
            ("status", &self.status),
            ("attribution", &self.attribution),
            ("user", &self.user),
            ("entry", &self.entry),
            ("channel", &self.channel),
            ("slower", &self.slower),
            ("collapse", &self.collapse),
        ]
        .into_iter()
        .filter_map(|(k, v)| clean(v).map(|v| (k, v)))
        .collect()
    }

    /// Every URL key of the query.
    pub const KEYS: [&'static str; 20] = [
        "type",
        "range",
        "from",
        "to",
        "model",
        "token",
        "group",
        "request_id",
        "q",
        "status",
        "attribution",
        "user",
        "entry",
        "channel",
        "slower",
        "collapse",
        "sort",
        "cursor",
        "size",
        "tz",
    ];

    /// The field behind a URL key.
    fn slot(&mut self, key: &str) -> Option<&mut Option<String>> {
        Some(match key {
            "type" => &mut self.log_type,
            "range" => &mut self.range,
            "from" => &mut self.from,
            "to" => &mut self.to,
            "model" => &mut self.model,
            "token" => &mut self.token,
            "group" => &mut self.group,
            "request_id" => &mut self.request_id,
            "q" => &mut self.q,
            "status" => &mut self.status,
            "attribution" => &mut self.attribution,
            "user" => &mut self.user,
            "entry" => &mut self.entry,
            "channel" => &mut self.channel,
            "slower" => &mut self.slower,
            "collapse" => &mut self.collapse,
            "sort" => &mut self.sort,
            "cursor" => &mut self.cursor,
            "size" => &mut self.size,
            "tz" => &mut self.tz,
            _ => return None,
        })
    }

    /// Sets the field behind a URL key (an unknown key changes nothing).
    pub fn set(&mut self, key: &str, value: Option<String>) {
        if let Some(slot) = self.slot(key) {
            *slot = value;
        }
    }

    /// The same query without one field, and back on the first page.
    pub fn without(&self, key: &str) -> LogQuery {
        let mut q = self.clone();
        q.cursor = None;
        q.set(key, None);
        q
    }

    /// The Usage Logs page showing exactly these rows: every link to the logs is built here.
    pub fn href(&self) -> String {
        format!("/logs{}", self.to_query_string())
    }

    /// The CSV export of these rows.
    pub fn csv_href(&self) -> String {
        format!("/logs.csv{}", self.to_query_string())
    }

    /// The URL query string (`?a=b&...`), empty fields left out.
    pub fn to_query_string(&self) -> String {
        // Group Health builds a thousand of these per page: field by field, not through a
        // serialized value. Keys in alphabetical order, as links have always been written.
        let mut fields = self.clone();
        let mut pairs: Vec<(&str, String)> = Self::KEYS
            .iter()
            .filter_map(|&key| {
                let value = fields.slot(key)?.take()?;
                let value = value.trim();
                (!value.is_empty()).then(|| (key, url_encode(value)))
            })
            .collect();
        if pairs.is_empty() {
            return String::new();
        }
        pairs.sort_unstable_by_key(|&(key, _)| key);
        let pairs: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!("?{}", pairs.join("&"))
    }
}

/// Percent-encodes a query value (RFC 3986 unreserved characters pass).
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_to_the_logs_carry_the_query() {
        let q = LogQuery {
            status: Some("502".into()),
            q: Some("a b".into()),
            ..LogQuery::default()
        };
        assert_eq!(q.href(), "/logs?q=a%20b&status=502");
        assert_eq!(q.csv_href(), "/logs.csv?q=a%20b&status=502");
        assert_eq!(LogQuery::default().href(), "/logs");
    }

    #[test]
    fn a_query_string_lists_its_keys_alphabetically() {
        let mut q = LogQuery::default();
        for key in LogQuery::KEYS {
            q.set(key, Some(format!(" {key} ")));
        }
        let mut keys = LogQuery::KEYS;
        keys.sort_unstable();
        let expected: Vec<String> = keys.iter().map(|k| format!("{k}={k}")).collect();
        assert_eq!(q.to_query_string(), format!("?{}", expected.join("&")));
    }

    #[test]
    fn every_url_key_names_its_own_field() {
        for key in LogQuery::KEYS {
            let mut q = LogQuery::default();
            q.set(key, Some("v".into()));
            assert_eq!(q.to_query_string(), format!("?{key}=v"), "{key}");
            assert_eq!(q.without(key), LogQuery::default(), "{key}");
        }
    }

    fn utc(s: &str) -> Option<i64> {
        chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
            .ok()
            .map(|t| t.and_utc().timestamp_millis())
    }

    #[test]
    fn slower_than_takes_whole_milliseconds_up_to_an_hour() {
        let check = |v: &str| {
            let q = LogQuery {
                slower: Some(v.into()),
                ..Default::default()
            };
            let (f, errors) = q.validate(0, utc);
            (f.min_latency_ms, errors.first().map(|e| e.field.clone()))
        };
        assert_eq!(check(" 3000 "), (Some(3000), None));
        assert_eq!(check("3600000"), (Some(MAX_LATENCY_MS), None));
        for bad in ["0", "-1", "3600001", "1e3", "fast"] {
            assert_eq!(check(bad), (None, Some("slower".to_string())), "{bad}");
        }
    }

    #[test]
    fn a_full_query_validates() {
        let q = LogQuery {
            range: Some("1h".into()),
            model: Some(" gpt-4o ".into()),
            status: Some("429,5xx".into()),
            attribution: Some("upstream".into()),
            q: Some("请求失败".into()),
            size: Some("20".into()),
            ..Default::default()
        };
        let (f, errors) = q.validate(3_600_000 * 10, utc);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(f.from_ms, Some(3_600_000 * 9));
        assert_eq!(f.model.as_deref(), Some("gpt-4o"));
        assert_eq!(f.status.len(), 2);
        assert_eq!(f.attribution, Some(Attribution::Upstream));
        assert_eq!(f.keyword.as_deref(), Some("请求失败"));
        assert_eq!(f.page_size, 20);
        assert_eq!(f.log_type, Some(LogType::Error));
    }

    #[test]
    fn control_characters_in_a_filter_are_a_field_problem() {
        let q = LogQuery {
            q: Some("bad\u{0}word".into()),
            token: Some("tok\u{1b}[31m".into()),
            ..Default::default()
        };
        let (f, errors) = q.validate(3_600_000, utc);
        assert!(f.keyword.is_none() && f.token.is_none());
        let fields: Vec<_> = errors
            .iter()
            .map(|e| (e.field.as_str(), &e.problem))
            .collect();
        assert!(fields.contains(&("q", &FieldProblem::ControlCharacters)));
        assert!(fields.contains(&("token", &FieldProblem::ControlCharacters)));
    }

    #[test]
    fn today_starts_at_the_viewers_midnight_and_collapse_takes_1() {
        let q = LogQuery {
            range: Some("today".into()),
            collapse: Some("1".into()),
            ..Default::default()
        };
        let (f, errors) = q.validate_on(50_000_000, 28_800_000, utc);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(f.from_ms, Some(28_800_000));
        assert!(f.collapse);
        let q = LogQuery {
            collapse: Some("yes".into()),
            ..Default::default()
        };
        let (f, errors) = q.validate(0, utc);
        assert!(!f.collapse);
        assert_eq!(errors[0].problem, FieldProblem::BadCollapse);
    }

    #[test]
    fn a_request_id_with_a_space_inside_is_refused_and_only_a_stale_cursor_lets_rows_through() {
        let q = LogQuery {
            request_id: Some(" 2026120611 0000 ".into()),
            cursor: Some("garbage".into()),
            ..Default::default()
        };
        let (f, errors) = q.validate(0, utc);
        assert_eq!(f.request_id, None);
        let problems: Vec<_> = errors
            .iter()
            .map(|e| (&e.problem, e.blocks_results()))
            .collect();
        assert_eq!(
            problems,
            [
                (&FieldProblem::SpaceInside, true),
                (&FieldProblem::BadCursor, false)
            ]
        );
        let trimmed = LogQuery {
            request_id: Some(" 20261206110000 ".into()),
            ..Default::default()
        };
        assert_eq!(
            trimmed.validate(0, utc).0.request_id.as_deref(),
            Some("20261206110000")
        );
    }

    #[test]
    fn bad_fields_are_reported_and_dropped() {
        let q = LogQuery {
            status: Some("4o4".into()),
            attribution: Some("aliens".into()),
            from: Some("2026-11-02T10:00".into()),
            to: Some("2026-11-01T10:00".into()),
            q: Some("x".repeat(MAX_KEYWORD_CHARS + 1)),
            model: Some("gpt".into()),
            ..Default::default()
        };
        let (f, errors) = q.validate(0, utc);
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["q", "status", "attribution", "to"]);
        assert_eq!(errors[0].problem, FieldProblem::TooLong(MAX_KEYWORD_CHARS));
        assert_eq!(
            errors[1].problem,
            FieldProblem::Status(crate::domain::status::StatusParseError::Invalid(
                "4o4".into()
            ))
        );
        assert_eq!(errors[3].problem, FieldProblem::EndBeforeStart);
        assert_eq!(
            errors[1].problem.to_string(),
            "“4o4” is not a status code: use a code such as 429, a list such as 429,502, or a class such as 5xx"
        );
        assert!(f.status.is_empty() && f.attribution.is_none() && f.keyword.is_none());
        assert_eq!(f.model.as_deref(), Some("gpt"), "valid fields still apply");
        assert!(f.from_ms.is_some() && f.to_ms.is_none());
    }

    #[test]
    fn highlighting_survives_characters_whose_lowercase_changes_length() {
        let text = "model \u{0130}error\u{212a}\u{0130} does not exist";
        for kw in [
            "error", "ERRORk", "i", "k", "\u{0130}", "does", "exist", "t",
        ] {
            let parts = highlight(text, kw);
            let joined: String = parts.iter().map(|(p, _)| p.as_str()).collect();
            assert_eq!(joined, text, "{kw}");
        }
        assert!(highlight(text, "error")
            .iter()
            .any(|(p, m)| *m && p == "error"));
        assert_eq!(highlight("", "x"), vec![(String::new(), false)]);
    }

    #[test]
    fn highlights_case_insensitively_in_ascii_and_chinese() {
        assert_eq!(
            highlight("Invalid Token here", "token"),
            vec![
                ("Invalid ".into(), false),
                ("Token".into(), true),
                (" here".into(), false)
            ]
        );
        assert_eq!(
            highlight("请求失败 [429]", "失败"),
            vec![
                ("请求".into(), false),
                ("失败".into(), true),
                (" [429]".into(), false)
            ]
        );
    }

    #[test]
    fn query_string_round_trip_and_chips() {
        let q = LogQuery {
            group: Some("vip".into()),
            q: Some("a b&c".into()),
            ..Default::default()
        };
        assert_eq!(q.to_query_string(), "?group=vip&q=a%20b%26c");
        assert_eq!(
            q.active(),
            vec![("group", "vip".to_string()), ("q", "a b&c".to_string())]
        );
        assert_eq!(q.without("group").to_query_string(), "?q=a%20b%26c");
        for c in [
            Cursor::Time {
                ts_ms: 1_700_000_000_000,
                id: 42,
            },
            Cursor::Latency { ms: 0, id: 7 },
        ] {
            assert_eq!(Cursor::decode(&c.encode()), Some(c));
        }
        assert_eq!(Cursor::decode("nonsense"), None);
        assert_eq!(Cursor::decode("lx_1"), None);
    }

    #[test]
    fn sorting_by_latency_takes_only_its_own_cursors() {
        let at = |sort: Option<&str>, cursor: &str| {
            let q = LogQuery {
                sort: sort.map(str::to_string),
                cursor: Some(cursor.to_string()),
                ..Default::default()
            };
            let (f, errors) = q.validate(0, |_| None);
            let problems: Vec<FieldProblem> = errors.into_iter().map(|e| e.problem).collect();
            (f.sort, f.cursor, problems)
        };
        assert_eq!(
            at(Some("latency"), "l1500_9"),
            (
                Sort::Slowest,
                Some(Cursor::Latency { ms: 1500, id: 9 }),
                vec![]
            )
        );
        // A page position of the other order is stale: the first page of this one.
        assert_eq!(
            at(Some("latency"), "1700_9"),
            (Sort::Slowest, None, vec![FieldProblem::BadCursor])
        );
        assert_eq!(
            at(None, "l1500_9"),
            (Sort::Newest, None, vec![FieldProblem::BadCursor])
        );
        assert_eq!(
            at(Some("fastest"), "1700_9").2,
            vec![FieldProblem::UnknownSort("fastest".into())]
        );
        let row = LogRow {
            id: 3,
            ts_ms: 10,
            latency_ms: None,
            ..Default::default()
        };
        assert_eq!(
            Cursor::after(Sort::Slowest, &row),
            Cursor::Latency { ms: 0, id: 3 }
        );
        assert_eq!(
            Cursor::after(Sort::Newest, &row),
            Cursor::Time { ts_ms: 10, id: 3 }
        );
    }
}
