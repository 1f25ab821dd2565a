//! PostgreSQL's daily log partitions: created ahead of time (a week ahead at start and on every
//! retention run) and on demand for the days a batch brings, and dropped whole by retention
//! when every row in them has expired. SQLite has one table and nothing to do here.
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use super::sql::Tx;
use super::{rollup, Backend, Sql, Store, StoreError};
use crate::domain::log::LogType;

pub const DAY_MS: i64 = 86_400_000;
const DAYS_AHEAD: i64 = 7;
/// Serialises partition DDL between errscope processes sharing a database.
const DDL_LOCK: i64 = 0x6572_7273_636f_7065;

/// The partitions this process has seen exist.
#[derive(Clone, Default)]
pub(super) struct Known(Arc<Mutex<HashSet<i64>>>);

impl Known {
    fn missing(&self, days: &mut Vec<i64>) {
        let known = self.0.lock().unwrap_or_else(|e| e.into_inner());
        days.retain(|d| !known.contains(d));
    }

    fn add(&self, days: &[i64]) {
        let mut known = self.0.lock().unwrap_or_else(|e| e.into_inner());
        known.extend(days.iter().copied());
    }

    fn forget(&self, day: i64) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&day);
    }
}

/// The partition holding day `day` (days since the Unix epoch, UTC).
fn name(day: i64) -> String {
    format!("logs_d{}", day).replace('-', "m")
}

fn day_of(name: &str) -> Option<i64> {
    name.strip_prefix("logs_d")?.replace('m', "-").parse().ok()
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
        let mut days: Vec<i64> = times.map(|t| t.div_euclid(DAY_MS)).collect();
        days.sort_unstable();
        days.dedup();
        self.partitions.missing(&mut days);
        if days.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin().await?;
        tx.execute(&Sql::new("SELECT pg_advisory_xact_lock($1)").bind(DDL_LOCK))
            .await?;
        for &day in &days {
            tx.execute(&Sql::new(format!(
                "CREATE TABLE IF NOT EXISTS {} PARTITION OF logs FOR VALUES FROM ({}) TO ({})",
                name(day),
                day * DAY_MS,
                (day + 1) * DAY_MS
            )))
            .await?;
        }
        tx.commit().await?;
        self.partitions.add(&days);
        Ok(())
    }

    /// Creates the partitions from yesterday to a week ahead.
    pub async fn ensure_partitions_ahead(&self, now_ms: i64) -> Result<(), StoreError> {
        self.ensure_partitions((-1..=DAYS_AHEAD).map(|d| now_ms + d * DAY_MS))
            .await
    }

    /// Drops every partition that ends at or before `cutoff_ms` and holds rows of `log_type`
    /// only, with its rollups (a day's quarters come from that day's partition alone), its
    /// idempotency keys and the signature samples of that age. Returns the rows removed.
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
        let mut days: Vec<i64> = partitions
            .iter()
            .filter_map(|r| day_of(&r.text(0)))
            .filter(|d| (d + 1) * DAY_MS <= cutoff_ms)
            .collect();
        days.sort_unstable();
        let mut removed = 0;
        for day in days {
            let mut tx = self.begin().await?;
            tx.execute(&Sql::new("SELECT pg_advisory_xact_lock($1)").bind(DDL_LOCK))
                .await?;
            let table = name(day);
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
            removed += drop_partition(&mut tx, day).await?;
            tx.commit().await?;
            self.partitions.forget(day);
        }
        Ok(removed)
    }
}

async fn drop_partition(tx: &mut Tx, day: i64) -> Result<u64, StoreError> {
    let table = name(day);
    let (lo, hi) = (day * DAY_MS, (day + 1) * DAY_MS);
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
    fn partition_names_round_trip_with_negative_days() {
        for day in [-3, 0, 20_415] {
            assert_eq!(day_of(&name(day)), Some(day));
        }
        assert_eq!(name(20_415), "logs_d20415");
        assert_eq!(day_of("logs_default"), None);
    }
}
