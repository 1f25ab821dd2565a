//! The engines new-api runs on (SQLite, PostgreSQL, MySQL or MariaDB), as one pool type: the
//! sync reads through it and the demo writer writes through it.
use sqlx::mysql::MySqlPool;
use sqlx::postgres::PgPool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool};

pub enum Engine {
    Sqlite(SqlitePool),
    Postgres(PgPool),
    MySql(MySqlPool),
}

/// Runs `$body` with `$p` bound to whichever pool `$engine` holds.
macro_rules! on_engine {
    ($engine:expr, $p:ident => $body:expr) => {
        match $engine {
            $crate::server::newapi::engine::Engine::Sqlite($p) => $body,
            $crate::server::newapi::engine::Engine::Postgres($p) => $body,
            $crate::server::newapi::engine::Engine::MySql($p) => $body,
        }
    };
}
pub(crate) use on_engine;

impl Engine {
    /// True for the URL schemes new-api's engines answer to.
    pub fn supports(url: &str) -> bool {
        [
            "sqlite:",
            "postgres://",
            "postgresql://",
            "mysql://",
            "mariadb://",
        ]
        .iter()
        .any(|s| url.starts_with(s))
    }

    /// Connects to a supported URL (see `supports`). SQLite is opened read-only for reading,
    /// else created if missing, in WAL mode (as new-api runs it).
    pub async fn connect(url: &str, write: bool) -> Result<Engine, sqlx::Error> {
        Ok(if url.starts_with("sqlite:") {
            let o = url.parse::<SqliteConnectOptions>()?;
            let o = if write {
                o.create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
            } else {
                o.read_only(true)
            };
            Engine::Sqlite(SqlitePool::connect_with(o).await?)
        } else if url.starts_with("postgres") {
            Engine::Postgres(PgPool::connect(url).await?)
        } else {
            Engine::MySql(MySqlPool::connect(&url.replacen("mariadb://", "mysql://", 1)).await?)
        })
    }
}
