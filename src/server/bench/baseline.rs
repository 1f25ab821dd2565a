//! new-api's query strategy on the same rows, as the baseline: its `logs` schema and indexes,
//! an exact `count(*)` plus `ORDER BY id DESC LIMIT 50 OFFSET n` on every page, and
//! `LIKE '%kw%'` for a keyword (it has no keyword index).
use crate::server::store::{Backend, Sql, Store, StoreError};

pub const SCHEMA: &[&str] = &[
    "DROP TABLE IF EXISTS newapi_logs",
    "CREATE TABLE newapi_logs (
        id BIGINT PRIMARY KEY, user_id BIGINT, created_at BIGINT, type BIGINT,
        content TEXT, username TEXT, token_name TEXT, model_name TEXT, quota BIGINT,
        prompt_tokens BIGINT, completion_tokens BIGINT, use_time BIGINT, is_stream BOOLEAN,
        channel_id BIGINT, token_id BIGINT, \"group\" TEXT, ip TEXT, request_id TEXT,
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
pub async fn build(store: &Store) -> Result<(), StoreError> {
    for s in SCHEMA {
        store.run().execute(&Sql::new(*s)).await?;
    }
    let other = match store.backend() {
        Backend::Sqlite => "json_object('status_code', status_code, 'error_code', error_code)",
        Backend::Postgres => {
            "json_build_object('status_code', status_code, 'error_code', error_code)::text"
        }
    };
    let copy = format!(
        "INSERT INTO newapi_logs (id, user_id, created_at, type, content, username, token_name,
            model_name, quota, prompt_tokens, completion_tokens, use_time, is_stream, channel_id,
            token_id, \"group\", ip, request_id, upstream_request_id, other)
         SELECT id, user_id, ts_ms / 1000, log_type, content, username, token_name, model, quota,
            prompt_tokens, completion_tokens, coalesce(latency_ms, 0) / 1000, is_stream, 0, 0, grp,
            client_ip, request_id, upstream_request_id, {other}
         FROM logs"
    );
    store.run().execute(&Sql::new(copy)).await?;
    for s in INDEXES {
        store.run().execute(&Sql::new(*s)).await?;
    }
    // On PostgreSQL, VACUUM too: else autovacuum takes the fresh table on while the queries are
    // being timed, and new-api's count(*) could not use an index-only scan.
    let analyze = match store.backend() {
        Backend::Sqlite => "ANALYZE newapi_logs",
        Backend::Postgres => "VACUUM ANALYZE newapi_logs",
    };
    store.run().execute(&Sql::new(analyze)).await?;
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

fn where_clause(backend: Backend, f: &Filter) -> Sql {
    let mut q = Sql::new(" WHERE type = 5");
    for (col, v) in &f.equal {
        q.push(&format!(" AND \"{col}\" = "));
        match v.parse::<i64>() {
            Ok(n) if *col == "user_id" => q.push_bind(n),
            _ => q.push_bind(v),
        };
    }
    if let Some(from) = f.from_s {
        q.push(&format!(" AND created_at >= {from}"));
    }
    if let Some(s) = f.status {
        // new-api keeps the status inside the `other` JSON text.
        q.push(&match backend {
            Backend::Sqlite => format!(" AND json_extract(other, '$.status_code') = {s}"),
            Backend::Postgres => format!(" AND (other::json ->> 'status_code')::int = {s}"),
        });
    }
    if let Some(kw) = &f.like {
        q.push(" AND content LIKE ").push_bind(format!("%{kw}%"));
    }
    q
}

/// One page as new-api serves it: the exact count, then the page at an offset.
pub async fn page(store: &Store, f: &Filter) -> Result<(u64, usize), StoreError> {
    let w = where_clause(store.backend(), f);
    let count = Sql {
        text: format!("SELECT count(*) FROM newapi_logs{}", w.text),
        args: w.args.clone(),
    };
    let total = store.run().fetch_one(&count).await?.count(0);
    let page = Sql {
        text: format!(
            "SELECT * FROM newapi_logs{} ORDER BY id DESC LIMIT 50 OFFSET {}",
            w.text, f.offset
        ),
        args: w.args,
    };
    Ok((total, store.run().fetch_all(&page).await?.len()))
}
