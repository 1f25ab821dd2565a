//! Retention settings, the batched purge of expired rows, and the record of each purge.
use sqlx::Row;

use super::{rollup, Store, StoreError};
use crate::domain::log::LogType;
use crate::domain::retention::{PurgeReport, Retention};

const TYPES: [LogType; 2] = [LogType::Error, LogType::Consume];

impl Store {
    /// Both log types' retention, error rows first.
    pub async fn retention(&self) -> Result<Vec<Retention>, StoreError> {
        let rows = sqlx::query("SELECT log_type, days FROM retention")
            .fetch_all(self.pool())
            .await?;
        let days_of = |t: LogType| {
            rows.iter()
                .find(|r| r.get::<i64, _>(0) == t.as_i64())
                .and_then(|r| u32::try_from(r.get::<i64, _>(1)).ok())
        };
        Ok(TYPES
            .into_iter()
            .map(|log_type| Retention {
                log_type,
                days: days_of(log_type),
            })
            .collect())
    }

    pub async fn set_retention(&self, r: Retention) -> Result<(), StoreError> {
        let q = match r.days {
            Some(days) => sqlx::query(
                "INSERT INTO retention (log_type, days) VALUES (?, ?) \
                 ON CONFLICT (log_type) DO UPDATE SET days = excluded.days",
            )
            .bind(r.log_type.as_i64())
            .bind(i64::from(days)),
            None => {
                sqlx::query("DELETE FROM retention WHERE log_type = ?").bind(r.log_type.as_i64())
            }
        };
        q.execute(self.pool()).await?;
        Ok(())
    }

    /// Deletes up to `limit` of the oldest rows of `log_type` older than `cutoff_ms`, in one
    /// short transaction (the keyword index follows through its trigger, the Group Health
    /// rollups through `rollup::apply`). Returns how many.
    pub async fn purge_batch(
        &self,
        log_type: LogType,
        cutoff_ms: i64,
        limit: u32,
    ) -> Result<u64, StoreError> {
        let mut tx = self.pool().begin().await?;
        let deleted = sqlx::query(&format!(
            "DELETE FROM logs WHERE id IN (SELECT id FROM logs \
             WHERE log_type = ? AND ts_ms < ? ORDER BY ts_ms LIMIT ?) RETURNING {}",
            rollup::RETURNED
        ))
        .bind(log_type.as_i64())
        .bind(cutoff_ms)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        let counted: Vec<rollup::Counted> = deleted.iter().map(rollup::Counted::from_row).collect();
        rollup::apply(&mut tx, &counted, -1).await?;
        tx.commit().await?;
        Ok(counted.len() as u64)
    }

    pub async fn record_purge(&self, r: &PurgeReport) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO retention_runs (started_ms, finished_ms, log_type, days, cutoff_ms, removed) \
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(r.started_ms)
        .bind(r.finished_ms)
        .bind(r.log_type.as_i64())
        .bind(i64::from(r.days))
        .bind(r.cutoff_ms)
        .bind(i64::try_from(r.removed).unwrap_or(i64::MAX))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The newest purges first.
    pub async fn purge_reports(&self, limit: u32) -> Result<Vec<PurgeReport>, StoreError> {
        let rows = sqlx::query(
            "SELECT log_type, days, cutoff_ms, removed, started_ms, finished_ms \
             FROM retention_runs ORDER BY id DESC LIMIT ?",
        )
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| PurgeReport {
                log_type: LogType::from_i64(r.get(0)).unwrap_or(LogType::Error),
                days: u32::try_from(r.get::<i64, _>(1)).unwrap_or(0),
                cutoff_ms: r.get(2),
                removed: u64::try_from(r.get::<i64, _>(3)).unwrap_or(0),
                started_ms: r.get(4),
                finished_ms: r.get(5),
            })
            .collect())
    }
}
