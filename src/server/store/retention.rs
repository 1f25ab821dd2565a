//! Retention settings, the batched purge of expired rows, and the record of each purge.
use super::{rollup, Backend, DbRow, Sql, Store, StoreError};
use crate::domain::log::LogType;
use crate::domain::retention::{PurgeReport, Retention};

const TYPES: [LogType; 2] = [LogType::Error, LogType::Consume];

/// A row of `retention` (a log type without one keeps its rows forever).
#[derive(sqlx::FromRow)]
struct RetentionRecord {
    log_type: i64,
    days: i64,
}

/// A row of `retention_runs` as `purge_reports` reads it.
#[derive(sqlx::FromRow)]
struct PurgeRecord {
    log_type: i64,
    days: i64,
    cutoff_ms: i64,
    removed: i64,
    started_ms: i64,
    finished_ms: i64,
}

impl Store {
    /// Both log types' retention, error rows first.
    pub async fn retention(&self) -> Result<Vec<Retention>, StoreError> {
        let rows = self
            .run()
            .fetch_all(&Sql::new("SELECT log_type, days FROM retention"))
            .await?
            .iter()
            .map(|r| r.record())
            .collect::<Result<Vec<RetentionRecord>, _>>()?;
        let days_of = |t: LogType| {
            rows.iter()
                .find(|r| r.log_type == t.as_i64())
                .and_then(|r| u32::try_from(r.days).ok())
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
            Some(days) => Sql::new(
                "INSERT INTO retention (log_type, days) VALUES ($1, $2) \
                 ON CONFLICT (log_type) DO UPDATE SET days = excluded.days",
            )
            .bind(r.log_type.as_i64())
            .bind(i64::from(days)),
            None => Sql::new("DELETE FROM retention WHERE log_type = $1").bind(r.log_type.as_i64()),
        };
        self.run().execute(&q).await?;
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
        let mut tx = self.begin().await?;
        let returned = rollup::RETURNED;
        let sql = match self.backend() {
            Backend::Sqlite => format!(
                "DELETE FROM logs WHERE id IN (SELECT id FROM logs \
                 WHERE log_type = $1 AND ts_ms < $2 ORDER BY ts_ms LIMIT $3) RETURNING {returned}"
            ),
            // The idempotency keys go with their rows; (ts_ms, id) finds each in its partition.
            Backend::Postgres => format!(
                "WITH d AS (DELETE FROM logs WHERE (ts_ms, id) IN (SELECT ts_ms, id FROM logs \
                 WHERE log_type = $1 AND ts_ms < $2 ORDER BY ts_ms LIMIT $3) \
                 RETURNING request_id, attempt, {returned}), \
                 k AS (DELETE FROM log_keys USING d \
                 WHERE log_keys.request_id = d.request_id AND log_keys.attempt = d.attempt) \
                 SELECT {returned} FROM d"
            ),
        };
        let q = Sql::new(sql)
            .bind(log_type.as_i64())
            .bind(cutoff_ms)
            .bind(i64::from(limit));
        let deleted = tx.fetch_all(&q).await?;
        let counted: Vec<rollup::Counted> = deleted.iter().map(rollup::Counted::from_row).collect();
        rollup::apply(&mut tx, &counted, -1).await?;
        tx.commit().await?;
        Ok(counted.len() as u64)
    }

    pub async fn record_purge(&self, r: &PurgeReport) -> Result<(), StoreError> {
        let q = Sql::new(
            "INSERT INTO retention_runs (started_ms, finished_ms, log_type, days, cutoff_ms, removed) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(r.started_ms)
        .bind(r.finished_ms)
        .bind(r.log_type.as_i64())
        .bind(i64::from(r.days))
        .bind(r.cutoff_ms)
        .bind(i64::try_from(r.removed).unwrap_or(i64::MAX));
        self.run().execute(&q).await?;
        Ok(())
    }

    /// The newest purges first.
    pub async fn purge_reports(&self, limit: u32) -> Result<Vec<PurgeReport>, StoreError> {
        let q = Sql::new(
            "SELECT log_type, days, cutoff_ms, removed, started_ms, finished_ms \
             FROM retention_runs ORDER BY id DESC LIMIT $1",
        )
        .bind(limit);
        let report = |r: &DbRow| -> Result<PurgeReport, sqlx::Error> {
            let p: PurgeRecord = r.record()?;
            Ok(PurgeReport {
                log_type: LogType::from_i64(p.log_type).unwrap_or(LogType::Error),
                days: u32::try_from(p.days).unwrap_or(0),
                cutoff_ms: p.cutoff_ms,
                removed: p.removed.max(0) as u64,
                started_ms: p.started_ms,
                finished_ms: p.finished_ms,
            })
        };
        let rows = self.run().fetch_all(&q).await?;
        Ok(rows.iter().map(report).collect::<Result<_, _>>()?)
    }
}
