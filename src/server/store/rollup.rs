//! Group Health rollups: counts per quarter-hour, group, log type, status, catalogue entry and
//! attribution; the tokens, users and models errors touched; a sample message per signature.
//! Inserts add what they stored and the purge subtracts what it deleted, in the same
//! transaction, from the rows the statement itself returns (`RETURNING`), so duplicates skipped
//! by the insert are never counted.
use std::collections::HashMap;

use super::sql::Tx;
use super::{DbRow, Sql, StoreError};
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
        "grp, log_type, status_code, entry_id, attribution, CAST(1 AS BIGINT) AS n FROM logs",
    )
}

/// Where Group Health's request totals for `[from, to)` come from, as rows of `(t, grp,
/// log_type, n)`: `health_totals` when aligned to quarter-hours, else the logs.
pub(super) fn totals_source(from: i64, to: i64, bucket_ms: i64) -> String {
    window_source(
        (from, to, bucket_ms),
        "grp, log_type, n FROM health_totals",
        "grp, log_type, CAST(1 AS BIGINT) AS n FROM logs",
    )
}

/// A subquery of rows in `[from, to)` with their time as `t`: the quarter-hour table's
/// `rollup` columns when the span and buckets are aligned to quarters, else the logs' `logs`
/// columns. The bounds are written into the SQL (they are integers) so each table's own
/// index serves the range.
fn window_source((from, to, bucket_ms): (i64, i64, i64), rollup: &str, logs: &str) -> String {
    if aligned(from, to, bucket_ms) {
        format!(
            "(SELECT quarter * {QUARTER_MS} AS t, {rollup} WHERE quarter >= {} AND quarter < {}) src",
            from / QUARTER_MS,
            to / QUARTER_MS
        )
    } else {
        format!("(SELECT ts_ms AS t, {logs} WHERE ts_ms >= {from} AND ts_ms < {to}) src")
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
    pub(super) fn from_row(r: &DbRow) -> Counted {
        Counted {
            ts_ms: r.int(0),
            grp: r.text(1),
            log_type: r.int(2),
            status_code: r.opt_int(3).unwrap_or(0),
            entry_id: r.opt_text(4).unwrap_or_default(),
            attribution: r.opt_text(5).unwrap_or_default(),
            token_name: r.text(6),
            user_id: r.int(7),
            model: r.text(8),
            content: r.text(9),
        }
    }
}

const ROLLUP_TABLES: [&str; 3] = ["health_rollup", "health_totals", "health_members"];

/// Forgets every rollup of `[lo, hi)` (whole quarters) and the samples up to `hi`: what a
/// dropped partition held.
pub(super) async fn forget_span(tx: &mut Tx, lo: i64, hi: i64) -> Result<(), StoreError> {
    for table in ROLLUP_TABLES {
        let q = Sql::new(format!(
            "DELETE FROM {table} WHERE quarter >= $1 AND quarter < $2"
        ));
        tx.execute(
            &q.bind(lo.div_euclid(QUARTER_MS))
                .bind(hi.div_euclid(QUARTER_MS)),
        )
        .await?;
    }
    tx.execute(&Sql::new("DELETE FROM signature_samples WHERE ts_ms < $1").bind(hi))
        .await?;
    Ok(())
}

type CountKey<'a> = (i64, &'a str, i64, i64, &'a str, &'a str);
type MemberKey<'a> = (i64, &'a str, i64, String);

/// Adds (`sign` 1) or subtracts (`sign` -1) rows from the rollups; drops rows that reach zero.
pub(super) async fn apply(tx: &mut Tx, rows: &[Counted], sign: i64) -> Result<(), StoreError> {
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
        let mut q = Sql::new(
            "INSERT INTO health_rollup (quarter, grp, log_type, status_code, entry_id, attribution, n) ",
        );
        q.push_values(chunk, |((qr, g, t, s, e, a), n)| {
            vec![
                (*qr).into(),
                (*g).into(),
                (*t).into(),
                (*s).into(),
                (*e).into(),
                (*a).into(),
                (*n).into(),
            ]
        });
        q.push(
            " ON CONFLICT (quarter, grp, log_type, status_code, entry_id, attribution) \
             DO UPDATE SET n = health_rollup.n + excluded.n",
        );
        tx.execute(&q).await?;
    }
    let totals: Vec<_> = totals.into_iter().collect();
    for chunk in totals.chunks(8_000) {
        let mut q = Sql::new("INSERT INTO health_totals (quarter, grp, log_type, n) ");
        q.push_values(chunk, |((qr, g, t), n)| {
            vec![(*qr).into(), (*g).into(), (*t).into(), (*n).into()]
        });
        q.push(
            " ON CONFLICT (quarter, grp, log_type) DO UPDATE SET n = health_totals.n + excluded.n",
        );
        tx.execute(&q).await?;
    }
    let members: Vec<_> = members.into_iter().collect();
    for chunk in members.chunks(6_000) {
        let mut q = Sql::new("INSERT INTO health_members (quarter, grp, kind, value, n) ");
        q.push_values(chunk, |((qr, g, k, v), n)| {
            vec![
                (*qr).into(),
                (*g).into(),
                (*k).into(),
                v.as_str().into(),
                (*n).into(),
            ]
        });
        q.push(
            " ON CONFLICT (quarter, grp, kind, value) DO UPDATE SET n = health_members.n + excluded.n",
        );
        tx.execute(&q).await?;
    }
    if sign > 0 {
        for ((status, entry), (ts, content)) in samples {
            let q = Sql::new(
                "INSERT INTO signature_samples (status_code, entry_id, ts_ms, content) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (status_code, entry_id) DO UPDATE SET ts_ms = excluded.ts_ms, \
                 content = excluded.content WHERE excluded.ts_ms >= signature_samples.ts_ms",
            );
            tx.execute(&q.bind(status).bind(entry).bind(ts).bind(content))
                .await?;
        }
    } else {
        let mut quarters: Vec<i64> = counts.iter().map(|((q, ..), _)| *q).collect();
        quarters.sort_unstable();
        quarters.dedup();
        for table in ROLLUP_TABLES {
            let mut q = Sql::new(format!("DELETE FROM {table} WHERE n <= 0 AND quarter IN "));
            q.push_tuple(quarters.iter().copied());
            tx.execute(&q).await?;
        }
        // A sample whose row is gone must not outlive the retention.
        let newest_deleted = rows.iter().map(|r| r.ts_ms).max().unwrap_or(0);
        tx.execute(
            &Sql::new("DELETE FROM signature_samples WHERE ts_ms <= $1").bind(newest_deleted),
        )
        .await?;
    }
    Ok(())
}
