//! The store: every read takes the viewer's `Visibility`, so scoping happens here, not in pages.
mod accounts;
mod audit;
mod health;
mod keys;
mod retention;
pub mod rollup;
mod sqlite;

pub use accounts::{AccountChange, StoredAccount};
pub use health::{Affected, HealthCounts, SignatureScope};
pub use keys::IngestKey;

pub use sqlite::Store;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the database {url}: {source}")]
    Connect { url: String, source: sqlx::Error },
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database URL {0}: use sqlite://path/to/file.db")]
    UnsupportedUrl(String),
    #[error("{0}")]
    Conflict(String),
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
}

/// A non-negative count from column `i` (NULL reads as 0).
pub(crate) fn count_at(r: &sqlx::sqlite::SqliteRow, i: usize) -> u64 {
    use sqlx::Row;
    r.get::<Option<i64>, _>(i).unwrap_or(0).max(0) as u64
}

/// Which rows a viewer may see.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Visibility {
    /// Every row (admin, support).
    All,
    /// Rows of one relay user only.
    User(i64),
}

/// A row ready to be written (validated, masked and classified by `ingest`); `id` is ignored.
pub type NewLog = crate::domain::log::LogRow;

/// What a batch insert did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InsertOutcome {
    pub inserted: u64,
    pub duplicates: u64,
}

pub use crate::domain::filter::Facets;
