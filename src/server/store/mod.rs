//! The store: every read takes the viewer's `Visibility`, so scoping happens here, not in pages.
mod health;
mod keys;
mod sqlite;

pub use health::{GroupTotals, SignatureScope};
pub use keys::IngestKey;

pub use sqlite::Store;

use crate::domain::log::LogType;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the database {url}: {source}")]
    Connect { url: String, source: sqlx::Error },
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database URL {0}: use sqlite://path/to/file.db")]
    UnsupportedUrl(String),
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

/// A row ready to be written: validated, masked and classified by `ingest`.
#[derive(Clone, Debug, Default)]
pub struct NewLog {
    pub ts_ms: i64,
    pub log_type: LogType,
    pub user_id: i64,
    pub username: String,
    pub token_name: String,
    pub group: String,
    pub model: String,
    pub request_id: String,
    pub attempt: i64,
    pub upstream_request_id: Option<String>,
    pub status_code: Option<u16>,
    pub error_code: Option<String>,
    pub error_type: Option<String>,
    pub content: String,
    pub latency_ms: Option<i64>,
    pub is_stream: bool,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    pub quota: i64,
    pub attribution: Option<String>,
    pub entry_id: Option<String>,
    pub channel: Option<String>,
    pub retries: Option<String>,
    pub client_ip: Option<String>,
}

/// What a batch insert did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InsertOutcome {
    pub inserted: u64,
    pub duplicates: u64,
}

pub use crate::domain::filter::Facets;
