//! `errscope import new-api --from <url>`: reads new-api's `logs` table (on SQLite, PostgreSQL
//! or MySQL) and imports its error
//! rows (type 5) and, with `--consume`, its consume rows (type 2). Incremental: it resumes after
//! the last id imported from the same source, so re-running imports only what is new.
use serde_json::Value;
use sqlx::mysql::MySqlPool;
use sqlx::postgres::PgPool;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};
use sqlx::{ColumnIndex, Decode, Row, Type};

use crate::server::ingest::{prepare, IngestRecord, Rejection};
use crate::server::store::{NewLog, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("unsupported source {0}: give new-api's database as sqlite://path/to/one-api.db, postgres://user@host/db or mysql://user@host/db")]
    UnsupportedSource(String),
    #[error("cannot read new-api's database {url}: {source}")]
    Source { url: String, source: sqlx::Error },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What one run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub read: u64,
    pub inserted: u64,
    pub duplicates: u64,
    pub rejected: u64,
    /// (new-api id, why) of the first rejections.
    pub examples: Vec<(i64, Rejection)>,
    pub last_id: i64,
}

/// One row of new-api's `logs` table, as read.
#[derive(Clone, Debug, Default)]
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
    pub is_stream: bool,
    pub group: String,
    pub ip: String,
    pub request_id: String,
    pub upstream_request_id: String,
    pub other: String,
}

fn text(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn non_empty(s: &str) -> Option<String> {
    (!s.trim().is_empty()).then(|| s.to_string())
}

/// Maps new-api's row onto errscope's ingest record; `other` carries the status code, error
/// type and code, the channel and the retry chain (`admin_info.use_channel`).
pub fn to_record(l: &NewApiLog) -> IngestRecord {
    let other: Value = serde_json::from_str(&l.other).unwrap_or(Value::Null);
    let retries = other
        .pointer("/admin_info/use_channel")
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
        .map(|a| {
            a.iter()
                .map(|c| match c {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect::<Vec<_>>()
                .join(" → ")
        });
    let channel = text(&other, "channel_name").or_else(|| text(&other, "channel_id"));
    IngestRecord {
        time: Some(Value::from(l.created_at)),
        log_type: Some(if l.log_type == 2 { "consume" } else { "error" }.into()),
        user_id: Some(l.user_id),
        username: non_empty(&l.username),
        token_name: non_empty(&l.token_name),
        group: non_empty(&l.group),
        model: non_empty(&l.model_name),
        // new-api rows from before request ids existed get a stable one from their id.
        request_id: Some(non_empty(&l.request_id).unwrap_or_else(|| format!("newapi-{}", l.id))),
        attempt: Some(0),
        upstream_request_id: non_empty(&l.upstream_request_id),
        status_code: other
            .get("status_code")
            .and_then(Value::as_u64)
            .and_then(|s| u16::try_from(s).ok())
            .filter(|s| *s > 0),
        error_code: text(&other, "error_code"),
        error_type: text(&other, "error_type"),
        content: Some(l.content.clone()),
        latency_ms: Some(l.use_time.saturating_mul(1000)),
        is_stream: Some(l.is_stream),
        prompt_tokens: Some(l.prompt_tokens),
        completion_tokens: Some(l.completion_tokens),
        quota: Some(l.quota),
        channel,
        retries,
        client_ip: non_empty(&l.ip),
    }
}

/// new-api's database: it runs on SQLite, PostgreSQL or MySQL, whose SQL differs in quoting,
/// placeholders and integer types.
enum Source {
    Sqlite(SqlitePool),
    Postgres(PgPool),
    MySql(MySqlPool),
}

async fn open_source(url: &str) -> Result<Source, ImportError> {
    let err = |source| ImportError::Source {
        url: url.into(),
        source,
    };
    if url.starts_with("sqlite:") {
        let options = url
            .parse::<SqliteConnectOptions>()
            .map_err(err)?
            .read_only(true);
        Ok(Source::Sqlite(
            SqlitePool::connect_with(options).await.map_err(err)?,
        ))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Source::Postgres(PgPool::connect(url).await.map_err(err)?))
    } else if url.starts_with("mysql://") || url.starts_with("mariadb://") {
        let url = url.replacen("mariadb://", "mysql://", 1);
        Ok(Source::MySql(MySqlPool::connect(&url).await.map_err(err)?))
    } else {
        Err(ImportError::UnsupportedSource(url.to_string()))
    }
}

/// The columns read, in `to_log`'s order, as one dialect spells them: `int` casts to a 64-bit
/// integer, `group` is the quoted column name.
fn select_columns(int: fn(&str) -> String, group: &str) -> String {
    format!(
        "{}, {}, {}, {}, coalesce(content, ''), coalesce(username, ''), coalesce(token_name, ''), \
         coalesce(model_name, ''), {}, {}, {}, {}, {}, coalesce({group}, ''), coalesce(ip, ''), \
         coalesce(request_id, ''), coalesce(upstream_request_id, ''), coalesce(other, '')",
        int("id"),
        int("user_id"),
        int("created_at"),
        int("type"),
        int("coalesce(quota, 0)"),
        int("coalesce(prompt_tokens, 0)"),
        int("coalesce(completion_tokens, 0)"),
        int("coalesce(use_time, 0)"),
        int("coalesce(is_stream, 0)"),
    )
}

fn to_log<R: Row>(r: &R) -> NewApiLog
where
    usize: ColumnIndex<R>,
    for<'a> i64: Decode<'a, R::Database> + Type<R::Database>,
    for<'a> String: Decode<'a, R::Database> + Type<R::Database>,
{
    NewApiLog {
        id: r.get(0),
        user_id: r.get(1),
        created_at: r.get(2),
        log_type: r.get(3),
        content: r.get(4),
        username: r.get(5),
        token_name: r.get(6),
        model_name: r.get(7),
        quota: r.get(8),
        prompt_tokens: r.get(9),
        completion_tokens: r.get(10),
        use_time: r.get(11),
        is_stream: r.get::<i64, _>(12) != 0,
        group: r.get(13),
        ip: r.get(14),
        request_id: r.get(15),
        upstream_request_id: r.get(16),
        other: r.get(17),
    }
}

/// Runs a SELECT of `select_columns` with two bound integers on any of the pools.
macro_rules! fetch_logs {
    ($pool:expr, $sql:expr, $a:expr, $b:expr) => {
        sqlx::query(&$sql)
            .bind($a)
            .bind($b)
            .fetch_all($pool)
            .await?
            .iter()
            .map(to_log)
            .collect()
    };
}

impl Source {
    /// How this dialect casts to a 64-bit integer, quotes `group`, and numbers placeholders.
    fn dialect(&self) -> (fn(&str) -> String, &'static str, [&'static str; 2]) {
        match self {
            Source::Sqlite(_) => (|c| c.to_string(), "\"group\"", ["?", "?"]),
            // is_stream is a boolean there: compare instead of casting.
            Source::Postgres(_) => (
                |c| match c {
                    "coalesce(is_stream, 0)" => {
                        "CAST(CASE WHEN is_stream THEN 1 ELSE 0 END AS BIGINT)".into()
                    }
                    c => format!("CAST({c} AS BIGINT)"),
                },
                "\"group\"",
                ["$1", "$2"],
            ),
            Source::MySql(_) => (|c| format!("CAST({c} AS SIGNED)"), "`group`", ["?", "?"]),
        }
    }

    async fn read_batch(
        &self,
        after: i64,
        types: &str,
        limit: i64,
    ) -> Result<Vec<NewApiLog>, sqlx::Error> {
        let (int, group, [p1, p2]) = self.dialect();
        let sql = format!(
            "SELECT {} FROM logs WHERE id > {p1} AND type IN ({types}) ORDER BY id LIMIT {p2}",
            select_columns(int, group)
        );
        Ok(match self {
            Source::Sqlite(pool) => fetch_logs!(pool, sql, after, limit),
            Source::Postgres(pool) => fetch_logs!(pool, sql, after, limit),
            Source::MySql(pool) => fetch_logs!(pool, sql, after, limit),
        })
    }

    async fn count_after(&self, after: i64, types: &str) -> Result<u64, sqlx::Error> {
        let (int, _, [p1, _]) = self.dialect();
        let sql = format!(
            "SELECT {} FROM logs WHERE id > {p1} AND type IN ({types})",
            int("count(*)")
        );
        let n: i64 = match self {
            Source::Sqlite(pool) => sqlx::query_scalar(&sql).bind(after).fetch_one(pool).await?,
            Source::Postgres(pool) => sqlx::query_scalar(&sql).bind(after).fetch_one(pool).await?,
            Source::MySql(pool) => sqlx::query_scalar(&sql).bind(after).fetch_one(pool).await?,
        };
        Ok(n.max(0) as u64)
    }
}

/// The source's name in the import bookmark: its URL without credentials or options.
fn source_key(url: &str) -> String {
    let no_query = url.split('?').next().unwrap_or(url);
    match no_query.split_once('@') {
        Some((scheme_user, host)) => {
            let scheme = scheme_user.split("://").next().unwrap_or("");
            format!("new-api:{scheme}://{host}")
        }
        None => format!("new-api:{no_query}"),
    }
}

/// Imports what is new since the last run; `progress` hears (done, total) after each batch.
pub async fn import(
    store: &Store,
    url: &str,
    with_consume: bool,
    batch: i64,
    mut progress: impl FnMut(u64, u64),
) -> Result<ImportReport, ImportError> {
    let source = open_source(url).await?;
    let source_err = |source| ImportError::Source {
        url: url.into(),
        source,
    };
    // One bookmark per selection: turning --consume on later still brings the older
    // consume rows (the error rows already here are skipped as duplicates).
    let (types, selection) = if with_consume {
        ("5, 2", "error+consume")
    } else {
        ("5", "error")
    };
    let key = format!("{}#{selection}", source_key(url));
    let mut report = ImportReport {
        last_id: store.import_bookmark(&key).await?,
        ..Default::default()
    };
    let total = source
        .count_after(report.last_id, types)
        .await
        .map_err(source_err)?;
    loop {
        let logs = source
            .read_batch(report.last_id, types, batch.max(1))
            .await
            .map_err(source_err)?;
        let Some(last) = logs.last() else { break };
        let last_id = last.id;
        let mut rows: Vec<NewLog> = Vec::with_capacity(logs.len());
        for l in &logs {
            match prepare(to_record(l)) {
                Ok(row) => rows.push(row),
                Err(why) => {
                    report.rejected += 1;
                    if report.examples.len() < 5 {
                        report.examples.push((l.id, why));
                    }
                }
            }
        }
        let done = store
            .insert_batch_and_bookmark(&rows, &key, last_id)
            .await?;
        report.read += logs.len() as u64;
        report.inserted += done.inserted;
        report.duplicates += done.duplicates;
        report.last_id = last_id;
        progress(report.read, total);
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_api_rows_map_onto_ingest_records() {
        let l = NewApiLog {
            id: 42,
            user_id: 7,
            created_at: 1_763_700_000,
            log_type: 5,
            content: "bad response status code 502".into(),
            token_name: "prod".into(),
            group: "vip".into(),
            model_name: "gpt-4o".into(),
            use_time: 3,
            ip: "203.0.113.9".into(),
            other: r#"{"status_code":502,"error_type":"upstream_error","error_code":"bad_response_status_code","channel_name":"azure-east","admin_info":{"use_channel":["3","5"]}}"#.into(),
            ..Default::default()
        };
        let r = prepare(to_record(&l)).unwrap();
        assert_eq!(r.ts_ms, 1_763_700_000_000);
        assert_eq!(r.request_id, "newapi-42");
        assert_eq!(r.status_code, Some(502));
        assert_eq!(r.error_code.as_deref(), Some("bad_response_status_code"));
        assert_eq!(r.channel.as_deref(), Some("azure-east"));
        assert_eq!(r.retries.as_deref(), Some("3 → 5"));
        assert_eq!(r.latency_ms, Some(3000));
        assert_eq!(r.group, "vip");
    }

    #[test]
    fn bookmarks_never_hold_credentials() {
        assert_eq!(
            source_key("postgres://u:secret@db:5432/newapi?sslmode=require"),
            "new-api:postgres://db:5432/newapi"
        );
        assert_eq!(
            source_key("sqlite://one-api.db"),
            "new-api:sqlite://one-api.db"
        );
    }
}
