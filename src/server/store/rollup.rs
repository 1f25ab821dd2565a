//! Group Health rollups: counts per quarter-hour, group, log type, status, catalogue entry and
//! attribution; the tokens, users and models errors touched; a sample message per signature.
//! Inserts add what they stored and the purge subtracts what it deleted, in the same
//! transaction, from the rows the statement itself returns (`RETURNING`), so duplicates skipped
//! by the insert are never counted.
use std::collections::HashMap;

use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection};

use super::StoreError;
use crate::domain::log::LogType;

pub const QUARTER_MS: i64 = 900_000;

/// The columns an insert or delete returns for the rollups.
pub(super) const RETURNED: &str =
    "ts_ms, grp, log_type, status_code, entry_id, attribution, token_name, user_id, model, content";

/// Where Group Health counts for `[from, to)` come from, as rows of `(t, grp, log_type,
/// status_code, entry_id, attribution, n)`: the rollup when the span and its buckets fall on
/// quarter-hours, else the logs themselves (short windows, where that is cheap).
pub(super) fn counts_source(from: i64, to: i64, bucket_ms: i64) -> String {
    window_source(
        (from, to, bucket_ms),
        "grp, log_type, nullif(status_code, 0) AS status_code, nullif(entry_id, '') AS entry_id, \
         nullif(attribution, '') AS attribution, n FROM health_rollup",
        "grp, log_type, status_code, entry_id, attribution, 1 AS n FROM logs",
    )
}

/// Where Group Health's request totals for `[from, to)` come from, as rows of `(t, grp,
/// log_type, n)`: `health_totals` when aligned to quarter-hours, else the logs.
pub(super) fn totals_source(from: i64, to: i64, bucket_ms: i64) -> String {
    window_source(
        (from, to, bucket_ms),
        "grp, log_type, n FROM health_totals",
        "grp, log_type, 1 AS n FROM logs",
    )
}

/// A subquery of rows in `[from, to)` with their time as `t`: the quarter-hour table's
/// `rollup` columns when the span and buckets are aligned to quarters, else the logs' `logs`
/// columns. The bounds are written into the SQL (they are integers) so each table's own
/// index serves the range.
fn window_source((from, to, bucket_ms): (i64, i64, i64), rollup: &str, logs: &str) -> String {
    if aligned(from, to, bucket_ms) {
        format!(
            "(SELECT quarter * {QUARTER_MS} AS t, {rollup} WHERE quarter >= {} AND quarter < {})",
            from / QUARTER_MS,
            to / QUARTER_MS
        )
    } else {
        format!("(SELECT ts_ms AS t, {logs} WHERE ts_ms >= {from} AND ts_ms < {to})")
    }
}

/// True when a span and its buckets fall on quarter-hour boundaries.
pub(super) fn aligned(from: i64, to: i64, bucket_ms: i64) -> bool {
    from % QUARTER_MS == 0 && to % QUARTER_MS == 0 && bucket_ms % QUARTER_MS == 0
}

/// One stored or deleted row, as the rollups need it.
pub(super) struct Counted {
    ts_ms: i64,
    grp: String,
    log_type: i64,
    status_code: i64,
    entry_id: String,
    attribution: String,
    token_name: String,
    user_id: i64,
    model: String,
    content: String,
}

impl Counted {
    /// Reads a row of `RETURNED`.
    pub(super) fn from_row(r: &SqliteRow) -> Counted {
        Counted {
            ts_ms: r.get(0),
            grp: r.get(1),
            log_type: r.get(2),
            status_code: r.get::<Option<i64>, _>(3).unwrap_or(0),
            entry_id: r.get::<Option<String>, _>(4).unwrap_or_default(),
            attribution: r.get::<Option<String>, _>(5).unwrap_or_default(),
            token_name: r.get(6),
            user_id: r.get(7),
            model: r.get(8),
            content: r.get(9),
        }
    }
}

type CountKey<'a> = (i64, &'a str, i64, i64, &'a str, &'a str);
type MemberKey<'a> = (i64, &'a str, i64, String);

/// Adds (`sign` 1) or subtracts (`sign` -1) rows from the rollups; drops rows that reach zero.
pub(super) async fn apply(
    tx: &mut SqliteConnection,
    rows: &[Counted],
    sign: i64,
) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut counts: HashMap<CountKey, i64> = HashMap::new();
    let mut totals: HashMap<(i64, &str, i64), i64> = HashMap::new();
    let mut members: HashMap<MemberKey, i64> = HashMap::new();
    let mut samples: HashMap<(i64, &str), (i64, &str)> = HashMap::new();
    for r in rows {
        let q = r.ts_ms.div_euclid(QUARTER_MS);
        *counts
            .entry((
                q,
                &r.grp,
                r.log_type,
                r.status_code,
                &r.entry_id,
                &r.attribution,
            ))
            .or_default() += sign;
        *totals.entry((q, &r.grp, r.log_type)).or_default() += sign;
        if r.log_type != LogType::Error.as_i64() {
            continue;
        }
        for (kind, value) in [
            (0, r.token_name.clone()),
            (1, r.user_id.to_string()),
            (2, r.model.clone()),
        ] {
            *members.entry((q, &r.grp, kind, value)).or_default() += sign;
        }
        let newest = samples
            .entry((r.status_code, &r.entry_id))
            .or_insert((r.ts_ms, &r.content));
        if r.ts_ms >= newest.0 {
            *newest = (r.ts_ms, &r.content);
        }
    }
    let counts: Vec<_> = counts.into_iter().collect();
    for chunk in counts.chunks(4_000) {
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO health_rollup (quarter, grp, log_type, status_code, entry_id, attribution, n) ",
        );
        qb.push_values(chunk, |mut b, ((q, g, t, s, e, a), n)| {
            b.push_bind(*q)
                .push_bind(*g)
                .push_bind(*t)
                .push_bind(*s)
                .push_bind(*e)
                .push_bind(*a)
                .push_bind(*n);
        });
        qb.push(
            " ON CONFLICT (quarter, grp, log_type, status_code, entry_id, attribution) \
             DO UPDATE SET n = n + excluded.n",
        );
        qb.build().execute(&mut *tx).await?;
    }
    let totals: Vec<_> = totals.into_iter().collect();
    for chunk in totals.chunks(8_000) {
        let mut qb: QueryBuilder<Sqlite> =
            QueryBuilder::new("INSERT INTO health_totals (quarter, grp, log_type, n) ");
        qb.push_values(chunk, |mut b, ((q, g, t), n)| {
            b.push_bind(*q).push_bind(*g).push_bind(*t).push_bind(*n);
        });
        qb.push(" ON CONFLICT (quarter, grp, log_type) DO UPDATE SET n = n + excluded.n");
        qb.build().execute(&mut *tx).await?;
    }
    let members: Vec<_> = members.into_iter().collect();
    for chunk in members.chunks(6_000) {
        let mut qb: QueryBuilder<Sqlite> =
            QueryBuilder::new("INSERT INTO health_members (quarter, grp, kind, value, n) ");
        qb.push_values(chunk, |mut b, ((q, g, k, v), n)| {
            b.push_bind(*q)
                .push_bind(*g)
                .push_bind(*k)
                .push_bind(v.as_str())
                .push_bind(*n);
        });
        qb.push(" ON CONFLICT (quarter, grp, kind, value) DO UPDATE SET n = n + excluded.n");
        qb.build().execute(&mut *tx).await?;
    }
    if sign > 0 {
        for ((status, entry), (ts, content)) in samples {
            sqlx::query(
                "INSERT INTO signature_samples (status_code, entry_id, ts_ms, content) VALUES (?, ?, ?, ?) \
                 ON CONFLICT (status_code, entry_id) DO UPDATE SET ts_ms = excluded.ts_ms, \
                 content = excluded.content WHERE excluded.ts_ms >= ts_ms",
            )
            .bind(status)
            .bind(entry)
            .bind(ts)
            .bind(content)
            .execute(&mut *tx)
            .await?;
        }
    } else {
        let mut quarters: Vec<i64> = counts.iter().map(|((q, ..), _)| *q).collect();
        quarters.sort_unstable();
        quarters.dedup();
        for table in ["health_rollup", "health_totals", "health_members"] {
            let mut qb: QueryBuilder<Sqlite> =
                QueryBuilder::new(format!("DELETE FROM {table} WHERE n <= 0 AND quarter IN ("));
            let mut list = qb.separated(", ");
            for q in &quarters {
                list.push_bind(*q);
            }
            qb.push(")");
            qb.build().execute(&mut *tx).await?;
        }
        // A sample whose row is gone must not outlive the retention.
        let newest_deleted = rows.iter().map(|r| r.ts_ms).max().unwrap_or(0);
        sqlx::query("DELETE FROM signature_samples WHERE ts_ms <= ?")
            .bind(newest_deleted)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}
