//! Group Health rollups: counts per quarter-hour, group, log type, status, catalogue entry and
//! attribution; the tokens, users and models errors touched; a sample message per signature;
//! latency histograms per group, model and channel.
//! Inserts add what they stored and the purge subtracts what it deleted, in the same
//! transaction, from the rows that really went in or out (`insert.rs` says how it knows which),
//! so duplicates skipped by the insert are never counted. Every change stamps its quarters in
//! `rollup_versions`, which Group Health's bucket caches check.
use rustc_hash::FxHashMap as HashMap;
use std::borrow::Cow;

use super::sql::Tx;
use super::{DbRow, NewLog, Sql, StoreError};
use crate::domain::latency::{bucket_of, Dimension};
use crate::domain::log::LogType;

pub const QUARTER_MS: i64 = 900_000;
/// A UTC day: `latency_daily`'s unit.
pub const DAY_MS: i64 = 96 * QUARTER_MS;

/// A latency rollup: its table, its time column and the milliseconds one step of it spans.
#[derive(Clone, Copy)]
pub(super) struct LatencyTable {
    pub table: &'static str,
    pub column: &'static str,
    pub unit_ms: i64,
}

pub(super) const LATENCY_BY_QUARTER: LatencyTable = LatencyTable {
    table: "latency_rollup",
    column: "quarter",
    unit_ms: QUARTER_MS,
};
pub(super) const LATENCY_BY_DAY: LatencyTable = LatencyTable {
    table: "latency_daily",
    column: "day",
    unit_ms: DAY_MS,
};

/// The day a quarter-hour falls in.
fn day_of(quarter: i64) -> i64 {
    quarter.div_euclid(DAY_MS / QUARTER_MS)
}

/// The columns an insert or delete returns for the rollups.
pub(super) const RETURNED: &str = "ts_ms, grp, log_type, status_code, entry_id, attribution, \
     token_name, user_id, model, content, latency_ms, channel";

/// True when a span and its buckets fall on quarter-hour boundaries.
pub(super) fn aligned(from: i64, to: i64, bucket_ms: i64) -> bool {
    from % QUARTER_MS == 0 && to % QUARTER_MS == 0 && bucket_ms % QUARTER_MS == 0
}

/// One stored or deleted row, as the rollups need it: borrowed from the batch that was
/// stored, or read back from the database.
pub(super) struct Counted<'a> {
    ts_ms: i64,
    grp: Cow<'a, str>,
    log_type: i64,
    status_code: i64,
    entry_id: Cow<'a, str>,
    attribution: Cow<'a, str>,
    token_name: Cow<'a, str>,
    user_id: i64,
    model: Cow<'a, str>,
    content: Cow<'a, str>,
    latency_ms: Option<i64>,
    channel: Cow<'a, str>,
}

impl Counted<'static> {
    /// Reads a row of `RETURNED`.
    pub(super) fn from_row(r: &DbRow) -> Counted<'static> {
        Counted {
            ts_ms: r.int_of("ts_ms"),
            grp: r.text_of("grp").into(),
            log_type: r.int_of("log_type"),
            status_code: r.opt_int_of("status_code").unwrap_or(0),
            entry_id: r.opt_text_of("entry_id").unwrap_or_default().into(),
            attribution: r.opt_text_of("attribution").unwrap_or_default().into(),
            token_name: r.text_of("token_name").into(),
            user_id: r.int_of("user_id"),
            model: r.text_of("model").into(),
            content: r.text_of("content").into(),
            latency_ms: r.opt_int_of("latency_ms"),
            channel: r.opt_text_of("channel").unwrap_or_default().into(),
        }
    }
}

impl<'a> Counted<'a> {
    /// A row of a batch, as it was stored.
    pub(super) fn from_new(r: &'a NewLog) -> Counted<'a> {
        Counted {
            ts_ms: r.ts_ms,
            grp: r.group.as_str().into(),
            log_type: r.log_type.as_i64(),
            status_code: r.status_code.map_or(0, i64::from),
            entry_id: r.entry_id.as_deref().unwrap_or_default().into(),
            attribution: r.attribution.map_or("", |a| a.as_str()).into(),
            token_name: r.token_name.as_str().into(),
            user_id: r.user_id,
            model: r.model.as_str().into(),
            content: r.content.as_str().into(),
            latency_ms: r.latency_ms,
            channel: r.channel.as_deref().unwrap_or_default().into(),
        }
    }
}

const ROLLUP_TABLES: [&str; 4] = [
    "health_rollup",
    "health_totals",
    "health_members",
    "latency_rollup",
];

/// Forgets every rollup of `[lo, hi)` (whole days), their stamps and the samples up to `hi`:
/// what a dropped partition held.
pub(super) async fn forget_span(tx: &mut Tx, lo: i64, hi: i64) -> Result<(), StoreError> {
    tx.execute(
        &Sql::new("DELETE FROM latency_daily WHERE day >= $1 AND day < $2")
            .bind(lo.div_euclid(DAY_MS))
            .bind(hi.div_euclid(DAY_MS)),
    )
    .await?;
    for table in ROLLUP_TABLES.into_iter().chain(["rollup_versions"]) {
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

/// Gives each of `quarters` a new stamp in `rollup_versions`: the time in microseconds, or one
/// more than its last stamp when a clock is behind, so a quarter's stamp only ever grows.
async fn touch(tx: &mut Tx, quarters: &[i64]) -> Result<(), StoreError> {
    let stamp = chrono::Utc::now().timestamp_micros();
    for chunk in quarters.chunks(8_000) {
        let mut q = Sql::new("INSERT INTO rollup_versions (quarter, changed) ");
        q.push_values(chunk, |quarter| vec![(*quarter).into(), stamp.into()]);
        q.push(
            " ON CONFLICT (quarter) DO UPDATE SET changed = CASE \
             WHEN excluded.changed > rollup_versions.changed THEN excluded.changed \
             ELSE rollup_versions.changed + 1 END",
        );
        tx.execute(&q).await?;
    }
    Ok(())
}

type CountKey<'a> = (i64, &'a str, i64, i64, &'a str, &'a str);
type MemberKey<'a> = (i64, &'a str, i64, Cow<'a, str>);
type LatencyKey<'a> = (i64, i64, &'a str, i64);

/// The relay's own rows, which can carry a time to answer and a channel: consume and error.
const RELAY_TYPES: [LogType; 2] = [LogType::Consume, LogType::Error];

fn measured(log_type: i64) -> bool {
    RELAY_TYPES.iter().any(|t| t.as_i64() == log_type)
}

/// `log_type IN (...)` of the relay's own rows.
pub(super) fn relay_types() -> String {
    let codes: Vec<String> = RELAY_TYPES.iter().map(|t| t.as_i64().to_string()).collect();
    format!("log_type IN ({})", codes.join(", "))
}

/// Adds (`sign` 1) or subtracts (`sign` -1) rows from the rollups; drops rows that reach zero.
pub(super) async fn apply(tx: &mut Tx, rows: &[Counted<'_>], sign: i64) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut counts: HashMap<CountKey, i64> = HashMap::default();
    let mut totals: HashMap<(i64, &str, i64), i64> = HashMap::default();
    let mut members: HashMap<MemberKey, i64> = HashMap::default();
    let mut samples: HashMap<(i64, &str), (i64, &str)> = HashMap::default();
    let mut latencies: HashMap<LatencyKey, i64> = HashMap::default();
    for r in rows {
        let q = r.ts_ms.div_euclid(QUARTER_MS);
        if let Some(bucket) = bucket_of(r.latency_ms).filter(|_| measured(r.log_type)) {
            let values = [&*r.grp, &*r.model, &*r.channel];
            for (dim, value) in Dimension::ALL.into_iter().zip(values) {
                if !value.is_empty() || dim != Dimension::Channel {
                    *latencies.entry((q, dim.code(), value, bucket)).or_default() += sign;
                }
            }
        }
        *counts
            .entry((
                q,
                &*r.grp,
                r.log_type,
                r.status_code,
                &*r.entry_id,
                &*r.attribution,
            ))
            .or_default() += sign;
        *totals.entry((q, &*r.grp, r.log_type)).or_default() += sign;
        if r.log_type != LogType::Error.as_i64() {
            continue;
        }
        for (kind, value) in [
            (0, Cow::Borrowed(&*r.token_name)),
            (1, Cow::Owned(r.user_id.to_string())),
            (2, Cow::Borrowed(&*r.model)),
        ] {
            *members.entry((q, &*r.grp, kind, value)).or_default() += sign;
        }
        let newest = samples
            .entry((r.status_code, &*r.entry_id))
            .or_insert((r.ts_ms, &*r.content));
        if r.ts_ms >= newest.0 {
            *newest = (r.ts_ms, &*r.content);
        }
    }
    let counts: Vec<_> = counts.into_iter().collect();
    let mut quarters: Vec<i64> = counts.iter().map(|((q, ..), _)| *q).collect();
    quarters.sort_unstable();
    quarters.dedup();
    touch(tx, &quarters).await?;
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
                v.as_ref().into(),
                (*n).into(),
            ]
        });
        q.push(
            " ON CONFLICT (quarter, grp, kind, value) DO UPDATE SET n = health_members.n + excluded.n",
        );
        tx.execute(&q).await?;
    }
    let mut daily: HashMap<LatencyKey, i64> = HashMap::default();
    for ((q, k, v, b), n) in &latencies {
        *daily.entry((day_of(*q), *k, *v, *b)).or_default() += n;
    }
    add_latencies(tx, LATENCY_BY_QUARTER, latencies).await?;
    add_latencies(tx, LATENCY_BY_DAY, daily).await?;
    if sign > 0 {
        let samples: Vec<_> = samples.into_iter().collect();
        for chunk in samples.chunks(4_000) {
            let mut q =
                Sql::new("INSERT INTO signature_samples (status_code, entry_id, ts_ms, content) ");
            q.push_values(chunk, |((status, entry), (ts, content))| {
                vec![
                    (*status).into(),
                    (*entry).into(),
                    (*ts).into(),
                    (*content).into(),
                ]
            });
            q.push(
                " ON CONFLICT (status_code, entry_id) DO UPDATE SET ts_ms = excluded.ts_ms, \
                 content = excluded.content WHERE excluded.ts_ms >= signature_samples.ts_ms",
            );
            tx.execute(&q).await?;
        }
    } else {
        for table in ROLLUP_TABLES {
            let mut q = Sql::new(format!("DELETE FROM {table} WHERE n <= 0 AND quarter IN "));
            q.push_tuple(quarters.iter().copied());
            tx.execute(&q).await?;
        }
        let mut days: Vec<i64> = quarters.iter().copied().map(day_of).collect();
        days.dedup();
        let mut q = Sql::new("DELETE FROM latency_daily WHERE n <= 0 AND day IN ");
        q.push_tuple(days);
        tx.execute(&q).await?;
        // A sample whose row is gone must not outlive the retention.
        let newest_deleted = rows.iter().map(|r| r.ts_ms).max().unwrap_or(0);
        tx.execute(
            &Sql::new("DELETE FROM signature_samples WHERE ts_ms <= $1").bind(newest_deleted),
        )
        .await?;
    }
    Ok(())
}

/// Adds latency counts to a latency rollup.
async fn add_latencies(
    tx: &mut Tx,
    LatencyTable { table, column, .. }: LatencyTable,
    counts: HashMap<LatencyKey<'_>, i64>,
) -> Result<(), StoreError> {
    let counts: Vec<_> = counts.into_iter().collect();
    for chunk in counts.chunks(6_000) {
        let mut q = Sql::new(format!(
            "INSERT INTO {table} ({column}, kind, value, bucket, n) "
        ));
        q.push_values(chunk, |((t, k, v, b), n)| {
            vec![
                (*t).into(),
                (*k).into(),
                (*v).into(),
                (*b).into(),
                (*n).into(),
            ]
        });
        q.push(&format!(
            " ON CONFLICT ({column}, kind, value, bucket) DO UPDATE SET n = {table}.n + excluded.n"
        ));
        tx.execute(&q).await?;
    }
    Ok(())
}
