//! What the benchmark's cases start from: the deep page's cursor and request ids to look up.
//! Benchmark-only reads, kept out of the console's store.
use crate::domain::filter::Cursor;
use crate::server::store::{Sql, Store, ERROR_ROWS};

use super::BoxError;

/// How deep the deep page is (half of the error rows, at most 100,000, down the newest-first
/// order), and the cursor that opens it.
pub async fn deep_cursor(store: &Store) -> Result<(u64, Cursor), BoxError> {
    let count = Sql::new(format!("SELECT count(*) FROM logs WHERE {ERROR_ROWS}"));
    let depth = (store.run().fetch_one(&count).await?.count(0) / 2).min(100_000);
    let at = Sql::new(format!(
        "SELECT ts_ms, id FROM logs WHERE {ERROR_ROWS} \
         ORDER BY ts_ms DESC, id DESC LIMIT 1 OFFSET $1"
    ))
    .bind(depth.saturating_sub(1) as i64);
    let row = store.run().fetch_optional(&at).await?;
    let (ts_ms, id) = row.map(|r| (r.int(0), r.int(1))).unwrap_or((0, 0));
    Ok((depth, Cursor::Time { ts_ms, id }))
}

/// Up to `n` request ids spread evenly over the table.
pub async fn request_ids(store: &Store, n: i64) -> Result<Vec<String>, BoxError> {
    let max = Sql::new("SELECT coalesce(max(id), 0) FROM logs");
    let step = (store.run().fetch_one(&max).await?.int(0) / n.max(1)).max(1);
    let spread = Sql::new(
        "WITH RECURSIVE k(v) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT v + 1 FROM k WHERE v < $1) \
         SELECT request_id FROM logs WHERE id IN (SELECT v * $2 FROM k)",
    )
    .bind(n)
    .bind(step);
    let rows = store.run().fetch_all(&spread).await?;
    Ok(rows.iter().map(|r| r.text(0)).collect())
}
