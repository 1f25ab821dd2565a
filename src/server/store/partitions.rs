//! PostgreSQL's weekly log partitions: created ahead of time (two weeks ahead at start and on
//! every retention run) and on demand for the weeks a batch brings, and dropped whole by
//! retention when every row in them has expired. Weeks, not days: the planner weighs every
//! partition's indexes for each query, and a month of daily partitions cost more to plan
//! than to run. SQLite has one table and nothing to do here.
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use super::sql::Tx;
use super::{rollup, Backend, Sql, Store, StoreError};
use crate::domain::log::LogType;

pub const WEEK_MS: i64 = 7 * 86_400_000;
const WEEKS_AHEAD: i64 = 2;
/// Serialises partition DDL between errscope processes sharing a database.
const DDL_LOCK: i64 = 0x6572_7273_636f_7065;

/// The partitions this process has seen exist.
#[derive(Clone, Default)]
pub(super) struct Known(Arc<Mutex<HashSet<i64>>>);

impl Known {
    fn missing(&self, weeks: &mut Vec<i64>) {
        let known = self.0.lock().unwrap_or_else(|e| e.into_inner());
        weeks.retain(|w| !known.contains(w));
    }

    fn add(&self, weeks: &[i64]) {
        let mut known = self.0.lock().unwrap_or_else(|e| e.into_inner());
        known.extend(weeks.iter().copied());
    }

    fn forget(&self, week: i64) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&week);
    }
}

/// The partition holding week `week` (whole weeks since the Unix epoch, UTC).
fn name(week: i64) -> String {
    format!("logs_w{}", week).replace('-', "m")
}

fn week_of(name: &str) -> Option<i64> {
    name.strip_prefix("logs_w")?.replace('m', "-").parse().ok()
}

impl Store {
    /// Makes sure the partitions for these times exist (PostgreSQL).
    pub(super) async fn ensure_partitions(
        &self,
        times: impl Iterator<Item = i64>,
    ) -> Result<(), StoreError> {
        if self.backend() != Backend::Postgres {
            return Ok(());
        }
        let mut weeks: Vec<i64> = times.map(|t| t.div_euclid(WEEK_MS)).collect();
        weeks.sort_unstable();
        weeks.dedup();
        self.partitions.missing(&mut weeks);
        if weeks.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin().await?;
        tx.execute(&Sql::new("SELECT pg_advisory_xact_lock($1)").bind(DDL_LOCK))
            .await?;
        for &week in &weeks {
            tx.execute(&Sql::new(format!(
                "CREATE TABLE IF NOT EXISTS {} PARTITION OF logs FOR VALUES FROM ({}) TO ({})",
                name(week),
                week * WEEK_MS,
                (week + 1) * WEEK_MS
            )))
            .await?;
        }
        tx.commit().await?;
        self.partitions.add(&weeks);
        Ok(())
    }

    /// Creates the partitions from this week to two weeks ahead.
    pub async fn ensure_partitions_ahead(&self, now_ms: i64) -> Result<(), StoreError> {
        self.ensure_partitions((0..=WEEKS_AHEAD).map(|w| now_ms + w * WEEK_MS))
            .await
    }

    /// Drops every week partition that ends at or before `cutoff_ms` and holds rows of `log_type`
    /// only, with its rollups (a week's quarter-hours come from that week's partition alone),
    /// its idempotency keys and the signature samples of that age. Returns the rows removed.
    /// Partitions that mix log types are left to the batched delete.
    pub async fn drop_expired_partitions(
        &self,
        log_type: LogType,
        cutoff_ms: i64,
    ) -> Result<u64, StoreError> {
        if self.backend() != Backend::Postgres {
            return Ok(0);
        }
        let partitions = self
            .run()
            .fetch_all(&Sql::new(
                "SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid \
                 WHERE i.inhparent = 'logs'::regclass",
            ))
            .await?;
        let mut weeks: Vec<i64> = partitions
            .iter()
            .filter_map(|r| week_of(&r.text(0)))
            .filter(|w| (w + 1) * WEEK_MS <= cutoff_ms)
            .collect();
        weeks.sort_unstable();
        let mut removed = 0;
        for week in weeks {
            let mut tx = self.begin().await?;
            tx.execute(&Sql::new("SELECT pg_advisory_xact_lock($1)").bind(DDL_LOCK))
                .await?;
            let table = name(week);
            let mixed = tx
                .fetch_one(
                    &Sql::new(format!(
                        "SELECT count(*) FROM (SELECT 1 FROM {table} WHERE log_type <> $1 LIMIT 1) x"
                    ))
                    .bind(log_type.as_i64()),
                )
                .await?
                .int(0);
            if mixed > 0 {
                continue;
            }
            removed += drop_partition(&mut tx, week).await?;
            tx.commit().await?;
            self.partitions.forget(week);
        }
        Ok(removed)
    }
}

async fn drop_partition(tx: &mut Tx, week: i64) -> Result<u64, StoreError> {
    let table = name(week);
    let (lo, hi) = (week * WEEK_MS, (week + 1) * WEEK_MS);
    let rows = tx
        .fetch_one(&Sql::new(format!("SELECT count(*) FROM {table}")))
        .await?
        .count(0);
    tx.execute(&Sql::new(format!(
        "DELETE FROM log_keys k USING {table} p WHERE k.request_id = p.request_id AND k.attempt = p.attempt"
    )))
    .await?;
    rollup::forget_span(tx, lo, hi).await?;
    tx.execute(&Sql::new(format!("DROP TABLE {table}"))).await?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_names_round_trip_with_negative_weeks() {
        for week in [-3, 0, 2_965] {
            assert_eq!(week_of(&name(week)), Some(week));
        }
        assert_eq!(name(2_965), "logs_w2965");
        assert_eq!(week_of("logs_default"), None);
    }
}
