//! Latency histograms of a window and the window before it, per group, model and channel: the
//! whole quarter-hours from `latency_rollup` (through a bucket cache, like Group Health's
//! counts), the ragged ends from the logs. A relay user's are of their own rows only, from the
//! logs, without channels (admins only).
use std::sync::Arc;

use super::rollup::{relay_types, QUARTER_MS};
use super::{DbRow, Sql, Store, StoreError, Visibility};
use crate::domain::latency::{bucket_sql, Dimension, Histograms};

/// One rollup read of a bucket: dimension code, value, latency bucket, rows.
pub(super) type LatencyCount = (i64, String, i64, u64);

/// `[from, to)` spans read from the logs, and the whole quarters between them.
#[derive(Debug, PartialEq, Eq)]
struct Split {
    /// Buckets of `grain` in `[lo, hi)` read from the rollup.
    rolled: Option<(i64, i64)>,
    grain: i64,
    /// What the rollup cannot answer: the ends off the quarter-hours, and the bucket that
    /// `from` cuts in two.
    from_logs: Vec<(i64, i64)>,
}

/// How `[prev_from, to)`, split at `from`, is read: in buckets of the page's size when that is
/// whole quarter-hours, else of a quarter-hour.
fn split(prev_from: i64, from: i64, to: i64, bucket_ms: i64) -> Split {
    let grain = if bucket_ms > 0 && bucket_ms % QUARTER_MS == 0 {
        bucket_ms
    } else {
        QUARTER_MS
    };
    let up = |t: i64| (t + grain - 1).div_euclid(grain) * grain;
    let down = |t: i64| t.div_euclid(grain) * grain;
    let (lo, hi) = (up(prev_from), down(to));
    if lo >= hi {
        return Split {
            rolled: None,
            grain,
            from_logs: vec![(prev_from, to)],
        };
    }
    let mut from_logs = vec![(prev_from, lo), (hi, to)];
    if from % grain != 0 && (lo..hi).contains(&from) {
        from_logs.push((down(from), up(from)));
    }
    from_logs.retain(|(a, b)| a < b);
    Split {
        rolled: Some((lo, hi)),
        grain,
        from_logs,
    }
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

impl Store {
    /// The latency histograms of `[from, to)` and of `[prev_from, from)` that `vis` may see.
    /// The reads from the logs and the rollup run side by side.
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
        let Split {
            rolled,
            grain,
            from_logs,
        } = split(prev_from, from, to, bucket_ms);
        let logs = futures::future::try_join_all(
            from_logs
                .iter()
                .map(|&span| self.latency_log_rows(span, from, None)),
        );
        let rollup = async {
            match rolled {
                Some((lo, hi)) => self.latency_rolled(lo, hi, grain).await.map(Some),
                None => Ok(None),
            }
        };
        let (logs, rollup) = tokio::try_join!(logs, rollup)?;
        for rows in &logs {
            add_log_rows(&mut out, rows, true);
        }
        let Some((lo, buckets)) = rollup else {
            return Ok(out);
        };
        for (i, rows) in buckets.iter().enumerate() {
            let start = lo + i as i64 * grain;
            // The bucket `from` cuts was read from the logs.
            let current = match (start >= from, start + grain <= from) {
                (true, _) => true,
                (_, true) => false,
                _ => continue,
            };
            for (code, value, bucket, n) in rows.iter() {
                if let Some(dim) = Dimension::from_code(*code) {
                    out.add(dim, value, current, *bucket, *n);
                }
            }
        }
        Ok(out)
    }

    /// The rollup's buckets of `grain` in `[lo, hi)`, through the bucket cache, with `lo`.
    async fn latency_rolled(
        &self,
        lo: i64,
        hi: i64,
        grain: i64,
    ) -> Result<(i64, Vec<Arc<Vec<LatencyCount>>>), StoreError> {
        let stamps = self.bucket_stamps(lo, hi, grain).await?;
        let buckets = self
            .health
            .latency
            .buckets((lo, hi), grain, &stamps, |a, b| {
                self.bucket_rows(
                    "kind, value, bucket, CAST(sum(n) AS BIGINT) FROM latency_rollup",
                    " GROUP BY 1, 2, 3, 4",
                    (a, b),
                    grain,
                    |r| (r.int(1), r.text(2), r.int(3), r.count(4)),
                )
            })
            .await?;
        Ok((lo, buckets))
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

    #[test]
    fn whole_quarters_come_from_the_rollup_and_the_ends_from_the_logs() {
        // 7 days in hours: all from the rollup.
        let h = 4 * Q;
        assert_eq!(
            split(0, 168 * h, 336 * h, h),
            Split {
                rolled: Some((0, 336 * h)),
                grain: h,
                from_logs: vec![]
            }
        );
        // An hour in minutes, ending 5 minutes into a quarter: the ragged ends and the
        // quarter that the window's start cuts come from the logs.
        let m = 60_000;
        let to = 100 * Q + 5 * m;
        let split = split(to - 120 * m, to - 60 * m, to, m);
        assert_eq!(split.grain, Q);
        assert_eq!(split.rolled, Some((93 * Q, 100 * Q)));
        assert_eq!(
            split.from_logs,
            vec![(to - 120 * m, 93 * Q), (100 * Q, to), (96 * Q, 97 * Q)]
        );
        // Too short for a whole quarter.
        assert_eq!(
            super::split(0, 5 * m, 10 * m, m).from_logs,
            vec![(0, 10 * m)]
        );
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
