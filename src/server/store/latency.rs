//! Latency histograms of a window and the window before it, per group, model and channel: whole
//! days from `latency_daily`, whole buckets of the page around them from `latency_rollup` (both
//! through bucket caches, like Group Health's counts), the ragged ends from the logs. A relay
//! user's are of their own rows only, from the logs, without channels (admins only).
use std::sync::Arc;

use super::rollup::{
    relay_types, LatencyTable, DAY_MS, LATENCY_BY_DAY, LATENCY_BY_QUARTER, QUARTER_MS,
};
use super::{DbRow, Sql, Store, StoreError, Visibility};
use crate::domain::latency::{bucket_sql, Dimension, Histograms};

/// Days the cache keeps before a window's end: the longest window and the one before it.
const DAYS_KEPT: i64 = 15;

/// One rollup read of a bucket: dimension code, value, latency bucket, rows.
pub(super) type LatencyCount = (i64, String, i64, u64);

/// A span `[lo, hi)` of one side of the window and where it is read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Piece {
    /// Whole days, from `latency_daily`.
    Days(i64, i64),
    /// Whole buckets of the grain, from `latency_rollup`.
    Grains(i64, i64),
    /// What no rollup answers: from the logs.
    Logs(i64, i64),
}

/// What a piece read: log rows (each knows its side), or rollup buckets of one side.
enum Part {
    Logs(Vec<DbRow>),
    Rolled(Vec<Arc<Vec<LatencyCount>>>, bool),
}

/// The rollup grain of a page: its bucket when that is whole quarter-hours, else a quarter.
fn grain_of(bucket_ms: i64) -> i64 {
    if bucket_ms > 0 && bucket_ms % QUARTER_MS == 0 && DAY_MS % bucket_ms == 0 {
        bucket_ms
    } else {
        QUARTER_MS
    }
}

/// `[a, b)` cut into the fewest reads: whole days, whole grains around them, logs at the ends.
fn pieces(a: i64, b: i64, grain: i64) -> Vec<Piece> {
    let up = |t: i64, unit: i64| (t + unit - 1).div_euclid(unit) * unit;
    let down = |t: i64, unit: i64| t.div_euclid(unit) * unit;
    let grains = |a: i64, b: i64, out: &mut Vec<Piece>| {
        let (lo, hi) = (up(a, grain), down(b, grain));
        if lo < hi {
            out.extend([
                Piece::Logs(a, lo),
                Piece::Grains(lo, hi),
                Piece::Logs(hi, b),
            ]);
        } else {
            out.push(Piece::Logs(a, b));
        }
    };
    let mut out = Vec::new();
    let (lo, hi) = (up(a, DAY_MS), down(b, DAY_MS));
    if lo < hi {
        grains(a, lo, &mut out);
        out.push(Piece::Days(lo, hi));
        grains(hi, b, &mut out);
    } else {
        grains(a, b, &mut out);
    }
    out.retain(|p| match *p {
        Piece::Days(lo, hi) | Piece::Grains(lo, hi) | Piece::Logs(lo, hi) => lo < hi,
    });
    out
}

/// Adds rows of `latency_log_rows` (channels only when `with_channels`).
fn add_log_rows(out: &mut Histograms, rows: &[DbRow], with_channels: bool) {
    for r in rows {
        let (current, bucket, n) = (r.int_of("cur") == 1, r.int_of("bucket"), r.count_of("n"));
        out.add(Dimension::Group, &r.text_of("grp"), current, bucket, n);
        out.add(Dimension::Model, &r.text_of("model"), current, bucket, n);
        let channel = r.text_of("channel");
        if with_channels && !channel.is_empty() {
            out.add(Dimension::Channel, &channel, current, bucket, n);
        }
    }
}

/// Adds a rollup read's buckets to one side of the window.
fn add_rolled(out: &mut Histograms, buckets: &[Arc<Vec<LatencyCount>>], current: bool) {
    for (code, value, bucket, n) in buckets.iter().flat_map(|b| b.iter()) {
        if let Some(dim) = Dimension::from_code(*code) {
            out.add(dim, value, current, *bucket, *n);
        }
    }
}

impl Store {
    /// The latency histograms of `[from, to)` and of `[prev_from, from)` that `vis` may see.
    /// Every piece of both sides is read side by side.
    pub async fn latency_histograms(
        &self,
        prev_from: i64,
        from: i64,
        to: i64,
        bucket_ms: i64,
        vis: Visibility,
    ) -> Result<Histograms, StoreError> {
        let mut out = Histograms::default();
        if let Some(user) = vis.user() {
            let rows = self
                .latency_log_rows((prev_from, to), from, Some(user))
                .await?;
            add_log_rows(&mut out, &rows, false);
            return Ok(out);
        }
        let grain = grain_of(bucket_ms);
        let keep = (prev_from, to);
        // Days stay cached for every window (a 24-hour page must not drop the 7-day page's).
        let days_kept = (to - DAYS_KEPT * DAY_MS, to);
        let sides = [(prev_from, from, false), (from, to, true)];
        let reads = sides.iter().flat_map(|&(a, b, current)| {
            pieces(a, b, grain).into_iter().map(move |p| (p, current))
        });
        let read = futures::future::try_join_all(reads.map(|(piece, current)| async move {
            Ok::<_, StoreError>(match piece {
                Piece::Logs(a, b) => Part::Logs(self.latency_log_rows((a, b), from, None).await?),
                Piece::Grains(lo, hi) => Part::Rolled(
                    self.latency_rolled(LATENCY_BY_QUARTER, (lo, hi), keep, grain)
                        .await?,
                    current,
                ),
                Piece::Days(lo, hi) => Part::Rolled(
                    self.latency_rolled(LATENCY_BY_DAY, (lo, hi), days_kept, DAY_MS)
                        .await?,
                    current,
                ),
            })
        }));
        for part in read.await? {
            match part {
                Part::Logs(rows) => add_log_rows(&mut out, &rows, true),
                Part::Rolled(buckets, current) => add_rolled(&mut out, &buckets, current),
            }
        }
        Ok(out)
    }

    /// A rollup's buckets of `size` in `span`, through the bucket cache (which keeps the
    /// window `keep`).
    async fn latency_rolled(
        &self,
        rollup: LatencyTable,
        (lo, hi): (i64, i64),
        keep: (i64, i64),
        size: i64,
    ) -> Result<Vec<Arc<Vec<LatencyCount>>>, StoreError> {
        let stamps = self.bucket_stamps(lo, hi, size).await?;
        let select_from = format!(
            "kind, value, bucket, CAST(sum(n) AS BIGINT) FROM {}",
            rollup.table
        );
        self.health
            .latency
            .buckets((lo, hi), keep, size, &stamps, |a, b| async move {
                self.bucket_rows_by(
                    (rollup.column, rollup.unit_ms),
                    &select_from,
                    " GROUP BY 1, 2, 3, 4",
                    (a, b),
                    size,
                    |r| (r.int(1), r.text(2), r.int(3), r.count(4)),
                )
                .await
            })
            .await
    }

    /// The latencies of `[a, b)` from the logs, counted per window side, group, model, channel
    /// and bucket (of `user` only, when given).
    async fn latency_log_rows(
        &self,
        (a, b): (i64, i64),
        from: i64,
        user: Option<i64>,
    ) -> Result<Vec<DbRow>, StoreError> {
        let whose = user
            .map(|u| format!(" AND user_id = {u}"))
            .unwrap_or_default();
        let q = Sql::new(format!(
            "SELECT CASE WHEN ts_ms >= $1 THEN 1 ELSE 0 END AS cur, grp, model, \
             coalesce(channel, '') AS channel, {} AS bucket, count(*) AS n FROM logs \
             WHERE ts_ms >= $2 AND ts_ms < $3 AND {} AND latency_ms > 0{whose} \
             GROUP BY 1, 2, 3, 4, 5",
            bucket_sql(),
            relay_types(),
        ))
        .bind(from)
        .bind(a)
        .bind(b);
        Ok(self.run().fetch_all(&q).await?)
    }

    /// The bucket `bucket_sql` gives each latency, as the database computes it (for the test
    /// that holds it equal to `bucket_of`).
    pub async fn latency_buckets_in_sql(
        &self,
        latencies: &[i64],
    ) -> Result<Vec<(i64, i64)>, StoreError> {
        let mut q = Sql::new("WITH given (latency_ms) AS (");
        q.push_values(latencies, |ms| vec![(*ms).into()]);
        q.push(&format!(
            ") SELECT latency_ms, {} AS bucket FROM given",
            bucket_sql()
        ));
        let rows = self.run().fetch_all(&q).await?;
        Ok(rows
            .iter()
            .map(|r: &DbRow| (r.int_of("latency_ms"), r.int_of("bucket")))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const Q: i64 = QUARTER_MS;
    const H: i64 = 4 * Q;

    #[test]
    fn whole_days_then_whole_grains_then_the_logs() {
        // A 7-day side in hours, ending 5 hours into a day: its whole days from the daily
        // rollup, the hours around them from the quarter rollup.
        let to = 100 * DAY_MS + 5 * H;
        assert_eq!(
            pieces(to - 7 * DAY_MS, to, H),
            vec![
                Piece::Grains(93 * DAY_MS + 5 * H, 94 * DAY_MS),
                Piece::Days(94 * DAY_MS, 100 * DAY_MS),
                Piece::Grains(100 * DAY_MS, to),
            ]
        );
        // An hour in minutes, ending 5 minutes into a quarter: the ragged ends from the logs.
        let m = 60_000;
        let to = 100 * Q + 5 * m;
        assert_eq!(grain_of(m), Q);
        assert_eq!(
            pieces(to - 60 * m, to, Q),
            vec![
                Piece::Logs(to - 60 * m, 97 * Q),
                Piece::Grains(97 * Q, 100 * Q),
                Piece::Logs(100 * Q, to),
            ]
        );
        // Too short for a whole quarter; a day exactly.
        assert_eq!(pieces(0, 5 * m, Q), vec![Piece::Logs(0, 5 * m)]);
        assert_eq!(
            pieces(DAY_MS, 2 * DAY_MS, H),
            vec![Piece::Days(DAY_MS, 2 * DAY_MS)]
        );
        assert_eq!(grain_of(H), H);
    }
}

#[cfg(test)]
mod migration_tests {
    use crate::domain::latency::bucket_sql;

    #[test]
    fn the_migrations_backfill_with_the_codes_buckets() {
        for migration in [
            include_str!("../../../migrations/sqlite/0021_latency_rollup.sql"),
            include_str!("../../../migrations/postgres/0010_latency_rollup.sql"),
        ] {
            assert_eq!(migration.matches(&bucket_sql()).count(), 3);
        }
    }
}
