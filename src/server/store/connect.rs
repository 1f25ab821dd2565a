//! Opening a store: the URL scheme picks the backend; pool size, statement timeout and TLS
//! come from the options and the URL; migrations for each backend live in their own folder.
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::{MigrateDatabase, MigrateError};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use super::sql::Db;
use super::{partitions, Backend, Sql, Store, StoreError};

/// Connection settings beyond the URL (TLS is in the URL: `?sslmode=require`, `sslrootcert=`).
#[derive(Clone, Debug)]
pub struct StoreOptions {
    pub max_connections: u32,
    /// PostgreSQL: statements running longer are cancelled (0: no limit).
    pub statement_timeout_ms: u64,
    /// How long to wait for a connection from a busy pool, or for the server to answer.
    pub acquire_timeout_ms: u64,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            max_connections: 8,
            statement_timeout_ms: 30_000,
            acquire_timeout_ms: 10_000,
        }
    }
}

impl Store {
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        Store::connect_with(url, &StoreOptions::default()).await
    }

    pub async fn connect_with(url: &str, opts: &StoreOptions) -> Result<Store, StoreError> {
        let db = if url.starts_with("sqlite:") {
            Db::Sqlite(sqlite(url, opts).await?)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Db::Postgres(postgres(url, opts).await?)
        } else {
            return Err(StoreError::UnsupportedUrl(redact(url)));
        };
        Ok(Store {
            db,
            replicas: Default::default(),
            partitions: partitions::Known::default(),
            health: Default::default(),
        })
    }

    /// Applies the backend's migrations; a database written by a newer errscope is refused.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let result = match &self.db {
            Db::Sqlite(p) => sqlx::migrate!("migrations/sqlite").run(p).await,
            Db::Postgres(p) => sqlx::migrate!("migrations/postgres").run(p).await,
        };
        match result {
            Err(MigrateError::VersionMissing(version)) => {
                return Err(StoreError::SchemaNewer {
                    url: self.backend().as_str().into(),
                    version,
                })
            }
            other => other?,
        }
        if self.backend() == Backend::Postgres {
            self.ensure_partitions_ahead(crate::server::time::now_ms())
                .await?;
            self.warn_on_c_ctype().await?;
        }
        Ok(())
    }

    /// pg_trgm finds Chinese keywords through its index only in a database whose character
    /// classification knows them; with the `C` ctype it falls back to scanning. Said once.
    async fn warn_on_c_ctype(&self) -> Result<(), StoreError> {
        let ctype = self
            .run()
            .fetch_one(&Sql::new(
                "SELECT datctype FROM pg_database WHERE datname = current_database()",
            ))
            .await?
            .text(0);
        if ctype == "C" || ctype == "POSIX" {
            tracing::warn!(
                "this PostgreSQL database has ctype {ctype}: keyword search stays correct, but \
                 Chinese keywords cannot use the trigram index and scan instead. Create the \
                 database with a UTF-8 ctype (CREATE DATABASE ... LC_CTYPE 'C.UTF-8' TEMPLATE template0) \
                 for fast Chinese search"
            );
        }
        Ok(())
    }

    /// Refreshes the query planner's statistics after a bulk load. A full pass on SQLite: a
    /// sampled one (`analysis_limit`) rated every index alike, and the planner chose poorly.
    /// PostgreSQL also vacuums, which moves the trigram index's pending entries into the index
    /// proper (until then the planner shuns it and a keyword scans; autovacuum does the same
    /// in a running server).
    pub async fn analyze(&self) -> Result<(), StoreError> {
        let sql = match self.backend() {
            Backend::Sqlite => "ANALYZE",
            Backend::Postgres => "VACUUM ANALYZE",
        };
        self.run().execute(&Sql::new(sql)).await?;
        Ok(())
    }

    pub async fn ping(&self) -> Result<(), StoreError> {
        self.run().execute(&Sql::new("SELECT 1")).await?;
        Ok(())
    }
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => match url[s + 3..at].find(':') {
            Some(colon) => format!("{}:***{}", &url[..s + 3 + colon], &url[at..]),
            None => url.to_string(),
        },
        _ => url.to_string(),
    }
}

fn connect_error(url: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Connect {
        url: redact(url),
        reason: e.to_string(),
    }
}

async fn sqlite(url: &str, opts: &StoreOptions) -> Result<sqlx::SqlitePool, StoreError> {
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let path = path.split('?').next().unwrap_or(path);
    if let Some(dir) = std::path::Path::new(path).parent() {
        if !dir.as_os_str().is_empty() && path != ":memory:" {
            std::fs::create_dir_all(dir).map_err(|e| connect_error(url, e))?;
        }
    }
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|e| connect_error(url, e))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_millis(opts.acquire_timeout_ms))
        .pragma("cache_size", "-65536")
        // Checkpoint every 32 MiB of WAL instead of 4 MiB: the pages every insert touches (the
        // newest edge of each index) are copied to the database once per checkpoint, not per
        // batch. Checkpoints were a tenth of a bulk load's writer time.
        .pragma("wal_autocheckpoint", "8192")
        .pragma("temp_store", "memory");
    SqlitePoolOptions::new()
        .max_connections(opts.max_connections.max(1))
        .acquire_timeout(Duration::from_millis(opts.acquire_timeout_ms))
        .connect_with(options)
        .await
        .map_err(|e| connect_error(url, e))
}

/// Creates the database when it does not exist yet (as SQLite creates its file), then opens a
/// pool whose sessions carry the statement timeout.
async fn postgres(url: &str, opts: &StoreOptions) -> Result<sqlx::PgPool, StoreError> {
    let exists = tokio::time::timeout(
        Duration::from_millis(opts.acquire_timeout_ms),
        sqlx::Postgres::database_exists(url),
    )
    .await
    .map_err(|_| connect_error(url, "no answer from the server in time"))?
    .map_err(|e| connect_error(url, e))?;
    if !exists {
        sqlx::Postgres::create_database(url)
            .await
            .map_err(|e| connect_error(url, e))?;
        tracing::info!("created the PostgreSQL database {}", redact(url));
    }
    postgres_pool(url, opts).await
}

/// A pool on an existing PostgreSQL database whose sessions carry the statement timeout.
pub(super) async fn postgres_pool(
    url: &str,
    opts: &StoreOptions,
) -> Result<sqlx::PgPool, StoreError> {
    let mut options = PgConnectOptions::from_str(url).map_err(|e| connect_error(url, e))?;
    if opts.statement_timeout_ms > 0 {
        options = options.options([(
            "statement_timeout",
            format!("{}ms", opts.statement_timeout_ms),
        )]);
    }
    PgPoolOptions::new()
        .max_connections(opts.max_connections.max(1))
        .acquire_timeout(Duration::from_millis(opts.acquire_timeout_ms))
        .connect_with(options)
        .await
        .map_err(|e| connect_error(url, e))
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn messages_never_show_the_password() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/logs"),
            "postgres://app:***@db:5432/logs"
        );
        assert_eq!(redact("postgres://app@db/logs"), "postgres://app@db/logs");
        assert_eq!(redact("sqlite://data/e.db"), "sqlite://data/e.db");
    }
}
