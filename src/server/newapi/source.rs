//! new-api's database, read-only, on any engine it runs on (SQLite, PostgreSQL, MySQL or
//! MariaDB), whichever release created it: the columns a release lacks read as empty.
use std::collections::HashMap;

use super::engine::{on_engine, Engine};
use super::row::NewApiLog;
use super::SourceError;

/// An open new-api database.
pub struct NewApiSource {
    pool: Engine,
    /// The `logs` columns this release has (lower case).
    columns: Vec<String>,
}

/// Columns that came with later releases (ALTER TABLE added them last): read as '' when absent.
const LATER_TEXT_COLUMNS: [&str; 3] = ["ip", "request_id", "upstream_request_id"];

/// The source's name in bookmarks and on the admin page: its URL without credentials or
/// options.
pub fn display_name(url: &str) -> String {
    let no_query = url.split('?').next().unwrap_or(url);
    match no_query.split_once('@') {
        Some((scheme_user, host)) => {
            let scheme = scheme_user.split("://").next().unwrap_or("");
            format!("{scheme}://{host}")
        }
        None => no_query.to_string(),
    }
}

impl NewApiSource {
    pub async fn open(url: &str) -> Result<NewApiSource, SourceError> {
        let err = |e: sqlx::Error| SourceError::Unreachable {
            name: display_name(url),
            reason: e.to_string(),
        };
        if !Engine::supports(url) {
            return Err(SourceError::Unsupported(display_name(url)));
        }
        let pool = Engine::connect(url, false).await.map_err(err)?;
        let columns = log_columns(&pool).await.map_err(err)?;
        if !columns.iter().any(|c| c == "id") {
            return Err(SourceError::NoLogsTable(display_name(url)));
        }
        Ok(NewApiSource { pool, columns })
    }

    fn has(&self, column: &str) -> bool {
        self.columns.iter().any(|c| c == column)
    }

    /// How this engine casts to a 64-bit integer and to text, and quotes `group`.
    fn int(&self, expr: &str) -> String {
        match self.pool {
            Engine::Sqlite(_) => format!("CAST(coalesce({expr}, 0) AS INTEGER)"),
            Engine::Postgres(_) => format!("CAST(coalesce({expr}, 0) AS BIGINT)"),
            Engine::MySql(_) => format!("CAST(coalesce({expr}, 0) AS SIGNED)"),
        }
    }

    fn text(&self, expr: &str) -> String {
        match self.pool {
            Engine::MySql(_) => format!("coalesce(CAST({expr} AS CHAR), '')"),
            _ => format!("coalesce(CAST({expr} AS TEXT), '')"),
        }
    }

    fn quoted(&self, column: &str) -> String {
        match self.pool {
            Engine::MySql(_) => format!("`{column}`"),
            _ => format!("\"{column}\""),
        }
    }

    /// The SELECT list, one alias per `NewApiLog` field; missing columns read as '' or 0.
    fn select_list(&self) -> String {
        let is_stream = match self.pool {
            // A boolean there: compare instead of casting.
            Engine::Postgres(_) => "CAST(CASE WHEN is_stream THEN 1 ELSE 0 END AS BIGINT)".into(),
            _ => self.int("is_stream"),
        };
        let mut list = vec![
            format!("{} AS id", self.int("id")),
            format!("{} AS user_id", self.int("user_id")),
            format!("{} AS created_at", self.int("created_at")),
            format!("{} AS log_type", self.int("type")),
            format!("{} AS content", self.text("content")),
            format!("{} AS username", self.text("username")),
            format!("{} AS token_name", self.text("token_name")),
            format!("{} AS model_name", self.text("model_name")),
            format!("{} AS quota", self.int("quota")),
            format!("{} AS prompt_tokens", self.int("prompt_tokens")),
            format!("{} AS completion_tokens", self.int("completion_tokens")),
            format!("{} AS use_time", self.int("use_time")),
            format!("{is_stream} AS is_stream"),
            format!("{} AS grp", self.text(&self.quoted("group"))),
            format!("{} AS other", self.text("other")),
        ];
        list.push(if self.has("channel_id") {
            format!("{} AS channel_id", self.int("channel_id"))
        } else {
            format!("{} AS channel_id", self.int("NULL"))
        });
        for c in LATER_TEXT_COLUMNS {
            list.push(if self.has(c) {
                format!("{} AS {c}", self.text(c))
            } else {
                format!("'' AS {c}")
            });
        }
        list.join(", ")
    }

    fn placeholders(&self) -> [&'static str; 2] {
        match self.pool {
            Engine::Postgres(_) => ["$1", "$2"],
            _ => ["?", "?"],
        }
    }

    /// Up to `limit` rows of the given types after id `after`, in id order.
    pub async fn read_after(
        &self,
        after: i64,
        types: &[i64],
        limit: i64,
    ) -> Result<Vec<NewApiLog>, sqlx::Error> {
        let [p1, p2] = self.placeholders();
        let sql = format!(
            // `logs.id`, not `id`: ORDER BY would take the SELECT list's cast alias and sort
            // every remaining row instead of walking the primary key.
            "SELECT {} FROM logs WHERE logs.id > {p1} AND logs.type IN ({}) \
             ORDER BY logs.id LIMIT {p2}",
            self.select_list(),
            join_ints(types)
        );
        on_engine!(&self.pool, p => {
            sqlx::query_as::<_, NewApiLog>(&sql).bind(after).bind(limit).fetch_all(p).await
        })
    }

    /// Rows of the given types after id `after`.
    pub async fn count_after(&self, after: i64, types: &[i64]) -> Result<u64, sqlx::Error> {
        self.count_between(after, i64::MAX, "IN", types).await
    }

    /// Rows of every other type with ids in (`after`, `up_to`].
    pub async fn count_others_between(
        &self,
        after: i64,
        up_to: i64,
        types: &[i64],
    ) -> Result<u64, sqlx::Error> {
        self.count_between(after, up_to, "NOT IN", types).await
    }

    /// Rows with ids in (`after`, `up_to`] whose type is `IN` / `NOT IN` `types`.
    async fn count_between(
        &self,
        after: i64,
        up_to: i64,
        in_or_not: &str,
        types: &[i64],
    ) -> Result<u64, sqlx::Error> {
        let [p1, p2] = self.placeholders();
        let sql = format!(
            "SELECT {} FROM logs WHERE id > {p1} AND id <= {p2} AND type {in_or_not} ({})",
            self.int("count(*)"),
            join_ints(types)
        );
        let (n,): (i64,) = on_engine!(&self.pool, p => {
            sqlx::query_as(&sql).bind(after).bind(up_to).fetch_one(p).await?
        });
        Ok(n.max(0) as u64)
    }

    /// Channel names by id, from the `channels` table when this database has it (new-api's
    /// separate log database, `LOG_SQL_DSN`, does not): empty otherwise.
    pub async fn channel_names(&self) -> HashMap<i64, String> {
        let sql = format!(
            "SELECT {} AS id, {} AS name FROM channels",
            self.int("id"),
            self.text("name")
        );
        let rows: Result<Vec<(i64, String)>, sqlx::Error> = on_engine!(&self.pool, p => {
            sqlx::query_as(&sql).fetch_all(p).await
        });
        rows.map(|r| r.into_iter().filter(|(_, n)| !n.is_empty()).collect())
            .unwrap_or_default()
    }
}

fn join_ints(v: &[i64]) -> String {
    v.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
}

/// The `logs` table's columns, lower case (none when there is no such table).
async fn log_columns(pool: &Engine) -> Result<Vec<String>, sqlx::Error> {
    let names: Vec<(String,)> = match pool {
        Engine::Sqlite(p) => {
            sqlx::query_as("SELECT name FROM pragma_table_info('logs')")
                .fetch_all(p)
                .await?
        }
        Engine::Postgres(p) => {
            sqlx::query_as(
                "SELECT CAST(column_name AS TEXT) FROM information_schema.columns \
                 WHERE table_name = 'logs' AND table_schema = current_schema()",
            )
            .fetch_all(p)
            .await?
        }
        Engine::MySql(p) => {
            sqlx::query_as(
                "SELECT CAST(column_name AS CHAR) FROM information_schema.columns \
                 WHERE table_name = 'logs' AND table_schema = DATABASE()",
            )
            .fetch_all(p)
            .await?
        }
    };
    Ok(names.into_iter().map(|(n,)| n.to_lowercase()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_never_hold_credentials() {
        assert_eq!(
            display_name("postgres://u:secret@db:5432/newapi?sslmode=require"),
            "postgres://db:5432/newapi"
        );
        assert_eq!(display_name("sqlite://one-api.db"), "sqlite://one-api.db");
        assert_eq!(
            display_name("mysql://root:pw@127.0.0.1:3306/new-api?parseTime=true"),
            "mysql://127.0.0.1:3306/new-api"
        );
    }
}
