//! `errscope import new-api --from <url>`: one pull of new-api's `logs` table (on SQLite,
//! PostgreSQL or MySQL): its error rows (type 5) and, with `--consume`, its consume rows
//! (type 2). Resumes after the last id imported from the same source, so re-running imports
//! only what is new; the continuous sync (`serve --follow-newapi`) shares the bookmark.
use crate::server::newapi::{display_name, pull, NewApiSource, PullReport, Selection, SourceError};
use crate::server::store::Store;

pub type ImportError = SourceError;
pub type ImportReport = PullReport;

/// Imports what is new since the last run; `progress` hears (done, total) after each batch.
pub async fn import(
    store: &Store,
    url: &str,
    with_consume: bool,
    batch: i64,
    progress: impl FnMut(u64, u64),
) -> Result<ImportReport, ImportError> {
    let source = NewApiSource::open(url).await?;
    let selection = if with_consume {
        Selection::ErrorsAndConsume
    } else {
        Selection::Errors
    };
    pull(
        store,
        &source,
        &display_name(url),
        selection,
        0,
        batch,
        None,
        progress,
    )
    .await
}
