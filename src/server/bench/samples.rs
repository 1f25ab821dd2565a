//! What the benchmark's cases start from: the deep page's cursor and request ids to look up.
//! Benchmark-only reads, on the backend's pool, outside the console's store.
use crate::domain::filter::Cursor;
use crate::domain::log::LogType;
use crate::server::store::{Pool, Store};

use super::BoxError;

/// How deep the deep page is (half of the error rows, at most 100,000, down the newest-first
/// order), and the cursor that opens it.
pub async fn deep_cursor(store: &Store) -> Result<(u64, Cursor), BoxError> {
    let error = LogType::Error.as_i64();
    let count = "SELECT count(*) FROM logs WHERE log_type = $1";
    let errors: i64 = match store.pool() {
        Pool::Sqlite(p) => sqlx::query_scalar(count).bind(error).fetch_one(p).await?,
        Pool::Postgres(p) => sqlx::query_scalar(count).bind(error).fetch_one(p).await?,
    };
    let depth = (errors.max(0) as u64 / 2).min(100_000);
    let at = "SELECT ts_ms, id FROM logs WHERE log_type = $1 \
              ORDER BY ts_ms DESC, id DESC LIMIT 1 OFFSET $2";
    let offset = depth.saturating_sub(1) as i64;
    let row: Option<(i64, i64)> = match store.pool() {
        Pool::Sqlite(p) => {
            sqlx::query_as(at)
                .bind(error)
                .bind(offset)
                .fetch_optional(p)
                .await?
        }
        Pool::Postgres(p) => {
            sqlx::query_as(at)
                .bind(error)
                .bind(offset)
                .fetch_optional(p)
                .await?
        }
    };
    let (ts_ms, id) = row.unwrap_or((0, 0));
    Ok((depth, Cursor::Time { ts_ms, id }))
}

/// Up to `n` request ids spread evenly over the table.
pub async fn request_ids(store: &Store, n: i64) -> Result<Vec<String>, BoxError> {
    let max = "SELECT coalesce(max(id), 0) FROM logs";
    let max: i64 = match store.pool() {
        Pool::Sqlite(p) => sqlx::query_scalar(max).fetch_one(p).await?,
        Pool::Postgres(p) => sqlx::query_scalar(max).fetch_one(p).await?,
    };
    let step = (max / n.max(1)).max(1);
    let spread = "WITH RECURSIVE k(v) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT v + 1 FROM k WHERE v < $1) \
                  SELECT request_id FROM logs WHERE id IN (SELECT v * $2 FROM k)";
    Ok(match store.pool() {
        Pool::Sqlite(p) => {
            sqlx::query_scalar(spread)
                .bind(n)
                .bind(step)
                .fetch_all(p)
                .await?
        }
        Pool::Postgres(p) => {
            sqlx::query_scalar(spread)
                .bind(n)
                .bind(step)
                .fetch_all(p)
                .await?
        }
    })
}
