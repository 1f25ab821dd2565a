//! Following running new-api databases: each source is polled from its bookmark every
//! interval (at once again while rows are waiting), its error and consume rows going through
//! the same validation and masking as the ingest API. A source that fails is retried with
//! backoff; it never stops the server or the other sources. Sources come from
//! `--follow-newapi` and from admins (`/admin/sources`); both live in `sync_sources`.
pub mod admin;

use std::collections::HashMap;
use std::time::Duration;

use tokio::task::JoinHandle;

use crate::server::metrics;
use crate::server::newapi::{display_name, pull, NewApiSource, Selection, SourceError};
use crate::server::store::{PollOutcome, Store, StoreError, SyncSource};
use crate::server::time::now_ms;

/// How the sync runs.
#[derive(Clone, Copy, Debug)]
pub struct SyncSettings {
    pub interval: Duration,
    /// Rows per transaction.
    pub batch: i64,
    /// Batches per poll: a source far behind reports progress between polls.
    pub batches_per_poll: u64,
}

impl SyncSettings {
    pub fn every(interval: Duration) -> SyncSettings {
        SyncSettings {
            interval: interval.max(Duration::from_millis(100)),
            batch: 5_000,
            batches_per_poll: 20,
        }
    }
}

/// Longest wait before retrying a failing source.
const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// Every this many polls, the sync reads again the ids just below its bookmark: on MySQL and
/// PostgreSQL a row can commit after rows with higher ids were read. Re-read rows are known.
const REWIND_EVERY: u64 = 12;
const REWIND_IDS: i64 = 1_000;

/// Registers the sources given on the command line (each a database URL).
pub async fn register_flag_sources(store: &Store, urls: &[String]) -> Result<(), StoreError> {
    for url in urls.iter().map(|u| u.trim()).filter(|u| !u.is_empty()) {
        store
            .upsert_flag_source(&display_name(url), url, now_ms())
            .await?;
    }
    Ok(())
}

/// Adds a source for an admin, after checking that it is new-api's database and readable.
pub async fn add_source(store: &Store, url: &str) -> Result<String, SourceError> {
    let url = url.trim();
    NewApiSource::open(url).await?;
    let name = display_name(url);
    store.add_sync_source(&name, url, now_ms()).await?;
    Ok(name)
}

/// Starts the sync: one task per source, started and stopped as sources come and go.
pub fn spawn(store: Store, settings: SyncSettings) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut running: HashMap<i64, JoinHandle<()>> = HashMap::new();
        loop {
            match store.sync_sources().await {
                Ok(sources) => {
                    running.retain(|id, task| {
                        let keep = sources.iter().any(|s| s.id == *id) && !task.is_finished();
                        if !keep {
                            task.abort();
                        }
                        keep
                    });
                    for s in sources {
                        running
                            .entry(s.id)
                            .or_insert_with(|| tokio::spawn(follow(store.clone(), s.id, settings)));
                    }
                }
                Err(e) => tracing::warn!("sync: cannot read the sources: {e}"),
            }
            tokio::time::sleep(settings.interval).await;
        }
    })
}

/// Follows one source until it is removed.
async fn follow(store: Store, id: i64, settings: SyncSettings) {
    let mut open: Option<(String, NewApiSource)> = None;
    let mut failures = 0u32;
    let mut polls = 0u64;
    loop {
        let source = match store.sync_sources().await {
            Ok(all) => all.into_iter().find(|s| s.id == id),
            Err(e) => {
                tracing::warn!("sync: cannot read source {id}: {e}");
                tokio::time::sleep(settings.interval).await;
                continue;
            }
        };
        let Some(source) = source else { return };
        if source.paused {
            open = None;
            tokio::time::sleep(settings.interval).await;
            continue;
        }
        if open.as_ref().is_some_and(|(url, _)| *url != source.url) {
            open = None;
        }
        let rewind = if polls.is_multiple_of(REWIND_EVERY) {
            REWIND_IDS
        } else {
            0
        };
        polls += 1;
        let wait = match poll(&store, &source, &mut open, rewind, settings).await {
            Ok(outcome) => {
                failures = 0;
                let now = now_ms();
                let count = |n: i64| u64::try_from(n).unwrap_or(0);
                metrics::rows("sync", count(outcome.inserted), count(outcome.rejected));
                metrics::sync_polled(&source.name, outcome.pending, now);
                let _ = store.record_poll(id, Ok(&outcome), now).await;
                if outcome.pending > 0 {
                    Duration::ZERO
                } else {
                    settings.interval
                }
            }
            Err(e) => {
                failures += 1;
                open = None;
                let why = e.to_string();
                tracing::warn!(source = %source.name, "sync: {why}");
                metrics::sync_failed(&source.name);
                let _ = store.record_poll(id, Err(&why), now_ms()).await;
                backoff(settings.interval, failures)
            }
        };
        tokio::time::sleep(wait).await;
    }
}

/// The interval doubled per failure in a row, up to `MAX_BACKOFF`.
pub fn backoff(interval: Duration, failures: u32) -> Duration {
    interval
        .saturating_mul(1u32 << failures.min(16))
        .min(MAX_BACKOFF)
        .max(interval)
}

async fn poll(
    store: &Store,
    source: &SyncSource,
    open: &mut Option<(String, NewApiSource)>,
    rewind: i64,
    settings: SyncSettings,
) -> Result<PollOutcome, SourceError> {
    let reopened = match open.take() {
        Some(o) => o,
        None => (source.url.clone(), NewApiSource::open(&source.url).await?),
    };
    let reader = &open.insert(reopened).1;
    let mut total = 0;
    let report = pull(
        store,
        reader,
        &source.name,
        Selection::ErrorsAndConsume,
        rewind,
        settings.batch,
        Some(settings.batches_per_poll),
        |_, t| total = t,
    )
    .await?;
    Ok(PollOutcome {
        inserted: report.inserted as i64,
        rejected: report.rejected as i64,
        skipped: report.skipped_types as i64,
        pending: total.saturating_sub(report.read) as i64,
        last_id: report.last_id,
        newest_error_ms: report.newest_error_ms,
        newest_consume_ms: report.newest_consume_ms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_five_minutes() {
        let i = Duration::from_secs(5);
        assert_eq!(backoff(i, 1), Duration::from_secs(10));
        assert_eq!(backoff(i, 3), Duration::from_secs(40));
        assert_eq!(backoff(i, 30), MAX_BACKOFF);
    }
}
