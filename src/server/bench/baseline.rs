//! new-api's query strategy on the same rows, as the baseline: its `logs` schema and indexes,
//! an exact `count(*)` plus `ORDER BY id DESC LIMIT 50 OFFSET n` on every page, and
//! `LIKE '%kw%'` for a keyword (it has no keyword index).
use sqlx::SqlitePool;

pub const SCHEMA: &[&str] = &[
    "DROP TABLE IF EXISTS newapi_logs",
    "CREATE TABLE newapi_logs (
        id INTEGER PRIMARY KEY, user_id INTEGER, created_at INTEGER, type INTEGER,
        content TEXT, username TEXT, token_name TEXT, model_name TEXT, quota INTEGER,
        prompt_tokens INTEGER, completion_tokens INTEGER, use_time INTEGER, is_stream INTEGER,
        channel_id INTEGER, token_id INTEGER, \"group\" TEXT, ip TEXT, request_id TEXT,
        upstream_request_id TEXT, other TEXT)",
];

/// Indexes as new-api declares them (created after the copy, as a migration would have them).
pub const INDEXES: &[&str] = &[
    "CREATE INDEX idx_created_at_id ON newapi_logs (created_at, id)",
    "CREATE INDEX idx_user_id_id ON newapi_logs (user_id, id)",
    "CREATE INDEX idx_created_at_type ON newapi_logs (created_at, type)",
    "CREATE INDEX idx_logs_user_id ON newapi_logs (user_id)",
    "CREATE INDEX idx_logs_token_name ON newapi_logs (token_name)",
    "CREATE INDEX idx_logs_model_name ON newapi_logs (model_name)",
    "CREATE INDEX idx_logs_group ON newapi_logs (\"group\")",
    "CREATE INDEX idx_logs_request_id ON newapi_logs (request_id)",
    "CREATE INDEX idx_logs_username ON newapi_logs (username)",
];

/// Copies errscope's rows into new-api's shape (ids kept, times in seconds).
pub async fn build(pool: &SqlitePool) -> Result<(), sqlx::Error> {
    for s in SCHEMA {
        sqlx::query(s).execute(pool).await?;
    }
    sqlx::query(
        "INSERT INTO newapi_logs (id, user_id, created_at, type, content, username, token_name,
            model_name, quota, prompt_tokens, completion_tokens, use_time, is_stream, channel_id,
            token_id, \"group\", ip, request_id, upstream_request_id, other)
         SELECT id, user_id, ts_ms / 1000, log_type, content, username, token_name, model, quota,
            prompt_tokens, completion_tokens, coalesce(latency_ms, 0) / 1000, is_stream, 0, 0, grp,
            client_ip, request_id, upstream_request_id,
            json_object('status_code', status_code, 'error_code', error_code)
         FROM logs",
    )
    .execute(pool)
    .await?;
    for s in INDEXES {
        sqlx::query(s).execute(pool).await?;
    }
    sqlx::query("ANALYZE newapi_logs").execute(pool).await?;
    Ok(())
}

/// A filter in new-api's terms: equality on columns, a time range in seconds, LIKE for content.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub equal: Vec<(&'static str, String)>,
    pub from_s: Option<i64>,
    pub status: Option<u16>,
    pub like: Option<String>,
    pub offset: u64,
}

fn where_clause(f: &Filter) -> (String, Vec<String>) {
    let mut sql = String::from(" WHERE type = 5");
    let mut binds = Vec::new();
    for (col, v) in &f.equal {
        sql.push_str(&format!(" AND \"{col}\" = ?"));
        binds.push(v.clone());
    }
    if let Some(from) = f.from_s {
        sql.push_str(&format!(" AND created_at >= {from}"));
    }
    if let Some(s) = f.status {
        // new-api keeps the status inside the `other` JSON text.
        sql.push_str(&format!(" AND json_extract(other, '$.status_code') = {s}"));
    }
    if let Some(kw) = &f.like {
        sql.push_str(" AND content LIKE ?");
        binds.push(format!("%{kw}%"));
    }
    (sql, binds)
}

/// One page as new-api serves it: the exact count, then the page at an offset.
pub async fn page(pool: &SqlitePool, f: &Filter) -> Result<(i64, usize), sqlx::Error> {
    let (w, binds) = where_clause(f);
    let count_sql = format!("SELECT count(*) FROM newapi_logs{w}");
    let mut q = sqlx::query_scalar::<_, i64>(&count_sql);
    for b in &binds {
        q = q.bind(b);
    }
    let total = q.fetch_one(pool).await?;
    let page_sql = format!(
        "SELECT * FROM newapi_logs{w} ORDER BY id DESC LIMIT 50 OFFSET {}",
        f.offset
    );
    let mut q = sqlx::query(&page_sql);
    for b in &binds {
        q = q.bind(b);
    }
    Ok((total, q.fetch_all(pool).await?.len()))
}
