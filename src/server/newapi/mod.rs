//! new-api's own database as a source of logs: reading it as each release wrote it
//! (`source`), mapping its rows (`row`), and pulling what is new into the store (`pull`),
//! which both `errscope import new-api` and the continuous sync use.
pub mod engine;
pub mod row;
pub mod source;

pub use row::{NewApiLog, TYPE_CONSUME, TYPE_ERROR};
pub use source::{display_name, NewApiSource};

use crate::server::ingest::{prepare, Rejection};
use crate::server::store::{NewLog, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("unsupported source {0}: give new-api's database as sqlite://path/to/one-api.db, postgres://user@host/db or mysql://user@host/db")]
    Unsupported(String),
    #[error("cannot read new-api's database {name}: {reason}")]
    Unreachable { name: String, reason: String },
    #[error(
        "{0} has no `logs` table: is it new-api's database (or its LOG_SQL_DSN log database)?"
    )]
    NoLogsTable(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl SourceError {
    fn read(source: &str, e: sqlx::Error) -> SourceError {
        SourceError::Unreachable {
            name: source.to_string(),
            reason: e.to_string(),
        }
    }
}

/// What one pull did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PullReport {
    /// Rows of the kept types read from the source.
    pub read: u64,
    pub inserted: u64,
    /// Rows already in errscope (an earlier run, or a re-read).
    pub duplicates: u64,
    pub rejected: u64,
    /// Rows of the types errscope does not keep (top-up, manage, system, refund, login).
    pub skipped_types: u64,
    /// (new-api id, why) of the first rejections.
    pub examples: Vec<(i64, Rejection)>,
    pub last_id: i64,
    /// The newest `created_at` (ms) of the error and of the consume rows read.
    pub newest_error_ms: Option<i64>,
    pub newest_consume_ms: Option<i64>,
}

/// Which of new-api's rows to take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Selection {
    Errors,
    ErrorsAndConsume,
}

impl Selection {
    pub fn types(self) -> &'static [i64] {
        match self {
            Selection::Errors => &[TYPE_ERROR],
            Selection::ErrorsAndConsume => &[TYPE_ERROR, TYPE_CONSUME],
        }
    }

    /// The bookmark's name for a source: one per selection, so that turning consume rows on
    /// later still brings the older ones (the error rows already here are recognised).
    pub fn bookmark(self, source_name: &str) -> String {
        let which = match self {
            Selection::Errors => "error",
            Selection::ErrorsAndConsume => "error+consume",
        };
        format!("new-api:{source_name}#{which}")
    }
}

/// Pulls the rows after the source's bookmark into the store, `batch` rows per transaction,
/// at most `max_batches` batches (None: until caught up); `rewind` ids below the bookmark are
/// read again first (rows already stored are recognised, and the bookmark never moves back).
/// `progress` hears (rows read, rows to read).
#[allow(clippy::too_many_arguments)]
pub async fn pull(
    store: &Store,
    source: &NewApiSource,
    name: &str,
    selection: Selection,
    rewind: i64,
    batch: i64,
    max_batches: Option<u64>,
    mut progress: impl FnMut(u64, u64),
) -> Result<PullReport, SourceError> {
    let key = selection.bookmark(name);
    let types = selection.types();
    let bookmark = store.import_bookmark(&key).await?;
    let mut after = bookmark.saturating_sub(rewind.max(0)).max(0);
    let mut report = PullReport {
        last_id: bookmark,
        ..Default::default()
    };
    let total = source
        .count_after(after, types)
        .await
        .map_err(|e| SourceError::read(name, e))?;
    let names = source.channel_names().await;
    let lookup = |id: i64| names.get(&id).cloned();
    let read = |after: i64| async move {
        source
            .read_after(after, types, batch.max(1))
            .await
            .map_err(|e| SourceError::read(name, e))
    };
    let mut batches = 0;
    let mut logs = if max_batches == Some(0) {
        Vec::new()
    } else {
        read(after).await?
    };
    while let Some(last) = logs.last() {
        after = last.id;
        let rows = prepare_batch(&logs, &lookup, &mut report);
        batches += 1;
        let more = max_batches.is_none_or(|m| batches < m);
        // The next batch is read (and its rows mapped) while this one is written.
        let (done, next) =
            tokio::join!(store.insert_batch_and_bookmark(&rows, &key, after), async {
                match more {
                    true => read(after).await,
                    false => Ok(Vec::new()),
                }
            });
        let done = done?;
        report.read += logs.len() as u64;
        report.inserted += done.inserted;
        report.duplicates += done.duplicates;
        report.last_id = report.last_id.max(after);
        progress(report.read, total);
        logs = next?;
    }
    if report.last_id > bookmark {
        report.skipped_types = source
            .count_others_between(bookmark, report.last_id, types)
            .await
            .map_err(|e| SourceError::read(name, e))?;
    }
    Ok(report)
}

/// A batch of new-api rows as rows to store; rejections are counted in the report.
fn prepare_batch(
    logs: &[NewApiLog],
    channel_names: &dyn Fn(i64) -> Option<String>,
    report: &mut PullReport,
) -> Vec<NewLog> {
    let mut rows = Vec::with_capacity(logs.len());
    for l in logs {
        let newest = match l.log_type {
            TYPE_CONSUME => &mut report.newest_consume_ms,
            _ => &mut report.newest_error_ms,
        };
        *newest = (*newest).max(Some(l.created_at.saturating_mul(1000)));
        match prepare(row::to_record(l, channel_names)) {
            Ok(row) => rows.push(row),
            Err(why) => {
                report.rejected += 1;
                if report.examples.len() < 5 {
                    report.examples.push((l.id, why));
                }
            }
        }
    }
    rows
}
