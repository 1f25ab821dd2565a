//! The retention task: deletes expired rows in small batches so readers are never blocked
//! for long, records what each purge removed, and runs on a timer while the server is up.
use std::time::Duration;

use crate::domain::access::Role;
use crate::domain::log::LogType;
use crate::domain::refusal::Refusal;
use crate::domain::retention::{cutoff_ms, parse_days, PurgeReport, Retention};
use crate::server::auth::{AdminError, Viewer};
use crate::server::store::{Store, StoreError};
use crate::server::time::now_ms;

/// Rows deleted per transaction: each batch holds the write lock for a few milliseconds.
pub const BATCH: u32 = 2_000;
/// Pause between batches, so ingest and readers get their turn.
const PAUSE: Duration = Duration::from_millis(5);

/// Purges every log type that has a retention, as of `now`, and records each purge.
pub async fn purge_expired(
    store: &Store,
    now: i64,
    batch: u32,
) -> Result<Vec<PurgeReport>, StoreError> {
    let mut reports = Vec::new();
    for rule in store.retention().await? {
        let Some(days) = rule.days else { continue };
        let cutoff = cutoff_ms(now, days);
        let started_ms = now_ms();
        // Whole days first (PostgreSQL's partitions), then the rest row by row.
        let mut removed = store.drop_expired_partitions(rule.log_type, cutoff).await?;
        loop {
            let n = store.purge_batch(rule.log_type, cutoff, batch).await?;
            removed += n;
            if n < u64::from(batch) {
                break;
            }
            tokio::time::sleep(PAUSE).await;
        }
        let report = PurgeReport {
            log_type: rule.log_type,
            days,
            cutoff_ms: cutoff,
            removed,
            started_ms,
            finished_ms: now_ms(),
        };
        store.record_purge(&report).await?;
        crate::server::metrics::retention_ran(removed);
        tracing::info!(
            log_type = rule.log_type.as_str(),
            days,
            removed,
            "retention: removed {removed} {} rows older than {days} days",
            rule.log_type.as_str()
        );
        reports.push(report);
    }
    Ok(reports)
}

/// Runs `purge_expired` every `every` for as long as the server runs.
pub fn spawn(store: Store, every: Duration) {
    tokio::spawn(async move {
        let mut timer = tokio::time::interval(every);
        loop {
            timer.tick().await;
            if let Err(e) = store.ensure_partitions_ahead(now_ms()).await {
                tracing::error!("creating the coming days' partitions failed: {e}");
            }
            if let Err(e) = purge_expired(&store, now_ms(), BATCH).await {
                tracing::error!("retention purge failed: {e}");
            }
        }
    });
}

/// The settings and the latest purges, for admins.
pub async fn status(store: &Store) -> Result<(Vec<Retention>, Vec<PurgeReport>), AdminError> {
    Viewer::current_with(Role::manages_accounts)?;
    Ok((store.retention().await?, store.purge_reports(20).await?))
}

/// An admin's change of one log type's retention (`days` as typed in the form).
pub async fn set(store: &Store, log_type: &str, days: &str) -> Result<Retention, AdminError> {
    let admin = Viewer::current_with(Role::manages_accounts)?;
    let log_type =
        LogType::parse(log_type).ok_or(AdminError::Invalid(Refusal::UnknownRetentionType))?;
    let days = parse_days(days).map_err(AdminError::Invalid)?;
    let rule = Retention { log_type, days };
    store.set_retention(rule).await?;
    tracing::info!(by = %admin.account.username, log_type = log_type.as_str(), ?days, "retention changed");
    Ok(rule)
}

/// "Purge now", for admins.
pub async fn run_now(store: &Store) -> Result<Vec<PurgeReport>, AdminError> {
    Viewer::current_with(Role::manages_accounts)?;
    Ok(purge_expired(store, now_ms(), BATCH).await?)
}
