//! The store: every read takes the viewer's `Visibility`, so scoping happens here, not in pages.
//! One `Store` over SQLite or PostgreSQL, chosen by the database URL; queries are written once
//! in `sql::Sql` and each dialect's own SQL appears only where the two differ.
mod accounts;
mod alerts;
mod audit;
mod channels;
mod connect;
mod health;
mod health_cache;
mod insert;
mod keys;
mod latency;
mod logs;
mod partitions;
mod replicas;
mod retention;
pub mod rollup;
mod sources;
mod sql;

pub use accounts::{AccountChange, AccountPref, StoredAccount};
pub use alerts::{Attempted, Delivery, Queued};
pub use channels::ChannelPoint;
pub use connect::StoreOptions;
pub use health::{Affected, HealthCounts, SignatureScope};
pub use keys::{ApiKey, KeyGrant};
pub use sources::{PollOutcome, SyncSource};
pub use sql::Backend;

use sql::{Db, OnPool};
pub(crate) use sql::{DbRow, Sql, ERROR_ROWS};

#[derive(Clone)]
pub struct Store {
    db: Db,
    /// Read replicas for the pages' reads (PostgreSQL).
    replicas: replicas::Replicas,
    /// PostgreSQL: the daily log partitions known to exist.
    partitions: partitions::Known,
    /// Group Health's reads of past buckets.
    health: health::HealthCaches,
}

/// A store's pool, by backend.
pub enum Pool<'a> {
    Sqlite(&'a sqlx::SqlitePool),
    Postgres(&'a sqlx::PgPool),
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the database {url}: {reason}")]
    Connect { url: String, reason: String },
    #[error(
        "the database {url} holds migration {version}, which this errscope does not know: \
         it was written by a newer errscope; run that version or a newer one"
    )]
    SchemaNewer { url: String, version: i64 },
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(
        "unsupported database URL {0}: use sqlite://path/to/file.db or postgres://user@host/db"
    )]
    UnsupportedUrl(String),
    #[error("{0}")]
    Conflict(crate::domain::refusal::Refusal),
    #[error("read replicas are PostgreSQL standbys of a PostgreSQL primary: give --database-url postgres://...")]
    ReplicaNeedsPostgres,
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
}

/// Which rows a viewer may see.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Visibility {
    /// Every row (admin, support).
    All,
    /// Rows of one relay user only.
    User(i64),
}

impl Visibility {
    /// The relay user the rows are limited to.
    pub fn user(self) -> Option<i64> {
        match self {
            Visibility::All => None,
            Visibility::User(u) => Some(u),
        }
    }
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

impl Store {
    pub fn backend(&self) -> Backend {
        self.db.backend()
    }

    /// Runs one statement on the pool.
    pub(crate) fn run(&self) -> OnPool<'_> {
        OnPool(&self.db)
    }

    pub(crate) async fn begin(&self) -> Result<sql::Tx, StoreError> {
        Ok(self.db.begin().await?)
    }

    /// The backend's own pool, for what shares the database (sessions, the benchmark's baseline).
    pub fn pool(&self) -> Pool<'_> {
        match &self.db {
            Db::Sqlite(p) => Pool::Sqlite(p),
            Db::Postgres(p) => Pool::Postgres(p),
        }
    }

    /// Raw SQL for tests that check the tables from outside: one integer (NULL reads as 0).
    #[doc(hidden)]
    pub async fn query_int(&self, sql: &str) -> Result<i64, StoreError> {
        Ok(self
            .run()
            .fetch_one(&Sql::new(sql))
            .await?
            .opt_int(0)
            .unwrap_or(0))
    }

    /// Raw SQL for tests that change the tables from outside; answers the rows affected.
    #[doc(hidden)]
    pub async fn execute_raw(&self, sql: &str) -> Result<u64, StoreError> {
        Ok(self.run().execute(&Sql::new(sql)).await?)
    }

    /// Raw SQL for tests: the first column of every row, as text.
    #[doc(hidden)]
    pub async fn query_texts(&self, sql: &str) -> Result<Vec<String>, StoreError> {
        let rows = self.run().fetch_all(&Sql::new(sql)).await?;
        Ok(rows.iter().map(|r| r.text(0)).collect())
    }
}
