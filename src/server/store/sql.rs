//! One query text for both backends: SQL with `$n` placeholders (SQLite and PostgreSQL both
//! read them), its arguments, and rows read by column name (or position). Where the dialects differ,
//! the caller asks `Store::backend()` and writes each form; everything else is shared.
use std::borrow::Cow;

use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{PgPool, Postgres, Row, Sqlite, SqlitePool, Transaction};

/// Which database a store runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// The condition on an error row (`LogType::Error`, new-api's type 5), written into query texts
/// as a literal: SQLite uses the error-only indexes only for a query naming the same constant.
pub(crate) const ERROR_ROWS: &str = "log_type = 5";

/// An argument: the handful of types errscope stores.
#[derive(Clone, Debug)]
pub(crate) enum Arg {
    Int(Option<i64>),
    Text(Option<String>),
    Bool(bool),
}

impl From<i64> for Arg {
    fn from(v: i64) -> Arg {
        Arg::Int(Some(v))
    }
}
impl From<Option<i64>> for Arg {
    fn from(v: Option<i64>) -> Arg {
        Arg::Int(v)
    }
}
impl From<u32> for Arg {
    fn from(v: u32) -> Arg {
        Arg::Int(Some(i64::from(v)))
    }
}
impl From<bool> for Arg {
    fn from(v: bool) -> Arg {
        Arg::Bool(v)
    }
}
impl From<&str> for Arg {
    fn from(v: &str) -> Arg {
        Arg::Text(Some(v.to_string()))
    }
}
impl From<String> for Arg {
    fn from(v: String) -> Arg {
        Arg::Text(Some(v))
    }
}
impl From<&String> for Arg {
    fn from(v: &String) -> Arg {
        Arg::Text(Some(v.clone()))
    }
}
impl From<Option<String>> for Arg {
    fn from(v: Option<String>) -> Arg {
        Arg::Text(v)
    }
}
impl From<&Option<String>> for Arg {
    fn from(v: &Option<String>) -> Arg {
        Arg::Text(v.clone())
    }
}
impl From<Option<&str>> for Arg {
    fn from(v: Option<&str>) -> Arg {
        Arg::Text(v.map(str::to_string))
    }
}

/// A statement and its arguments. `push_bind` writes the next `$n` and keeps the value;
/// `bind` keeps a value for a `$n` already written in the text.
#[derive(Clone, Debug, Default)]
pub(crate) struct Sql {
    pub text: String,
    pub args: Vec<Arg>,
}

impl Sql {
    pub fn new(text: impl Into<String>) -> Sql {
        Sql {
            text: text.into(),
            args: Vec::new(),
        }
    }

    pub fn push(&mut self, text: &str) -> &mut Sql {
        self.text.push_str(text);
        self
    }

    pub fn push_bind(&mut self, v: impl Into<Arg>) -> &mut Sql {
        self.args.push(v.into());
        self.text.push('$');
        self.text.push_str(&self.args.len().to_string());
        self
    }

    /// `($a, $b, ...)` for an `IN` list or one row of `VALUES`.
    pub fn push_tuple<A: Into<Arg>>(&mut self, values: impl IntoIterator<Item = A>) -> &mut Sql {
        self.text.push('(');
        for (i, v) in values.into_iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            self.push_bind(v);
        }
        self.text.push(')');
        self
    }

    /// `VALUES (..), (..)`, one tuple per row.
    pub fn push_values<R>(
        &mut self,
        rows: impl IntoIterator<Item = R>,
        row: impl Fn(R) -> Vec<Arg>,
    ) -> &mut Sql {
        self.text.push_str("VALUES ");
        for (i, r) in rows.into_iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            self.push_tuple(row(r));
        }
        self
    }

    pub fn bind(mut self, v: impl Into<Arg>) -> Sql {
        self.args.push(v.into());
        self
    }
}

/// The statement as SQLite should get it: when its `$n` placeholders are `$1, $2, ...` each
/// once and in order (every multi-row insert), as bare `?`. SQLite looks up a numbered
/// placeholder's name by walking a list of all of them, once per bound value, so a
/// 24,000-value insert spent most of its time there; bare `?` have no names.
pub(super) fn sqlite_text(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut copied, mut expected, mut in_quote) = (0, 1usize, false);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\'' => in_quote = !in_quote,
            b'$' if !in_quote => {
                let digits = bytes[i + 1..]
                    .iter()
                    .take_while(|b| b.is_ascii_digit())
                    .count();
                let number = text[i + 1..i + 1 + digits].parse::<usize>().ok();
                if number != Some(expected) {
                    return Cow::Borrowed(text);
                }
                out.push_str(&text[copied..i]);
                out.push('?');
                expected += 1;
                i += 1 + digits;
                copied = i;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    if expected == 1 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// Binds every argument of `$sql` to `sqlx::query` of whichever database the arm is for
/// (over `$text` when given: SQLite's form of the statement).
macro_rules! query {
    ($sql:expr) => {
        query!($sql, &$sql.text)
    };
    ($sql:expr, $text:expr) => {{
        let mut q = sqlx::query($text);
        for a in &$sql.args {
            q = match a {
                Arg::Int(v) => q.bind(*v),
                Arg::Text(v) => q.bind(v.as_deref()),
                Arg::Bool(v) => q.bind(*v),
            };
        }
        q
    }};
}

/// A row of either backend, read by column position.
pub(crate) enum DbRow {
    Sqlite(SqliteRow),
    Postgres(PgRow),
}

macro_rules! get {
    ($row:expr, $i:expr, $t:ty) => {
        match $row {
            DbRow::Sqlite(r) => r.get::<$t, _>($i),
            DbRow::Postgres(r) => r.get::<$t, _>($i),
        }
    };
}

/// A column: its position, or its name (`int_of("min_errors")`).
pub(crate) trait Col:
    sqlx::ColumnIndex<SqliteRow> + sqlx::ColumnIndex<PgRow> + Copy
{
}
impl<T: sqlx::ColumnIndex<SqliteRow> + sqlx::ColumnIndex<PgRow> + Copy> Col for T {}

impl DbRow {
    pub fn int(&self, i: usize) -> i64 {
        self.int_of(i)
    }
    /// An integer column; PostgreSQL's 4-byte integers (literals, `count` of a small type)
    /// widen to i64 as SQLite's always are.
    pub fn opt_int(&self, i: usize) -> Option<i64> {
        self.opt_int_of(i)
    }
    /// A non-negative count (NULL reads as 0).
    pub fn count(&self, i: usize) -> u64 {
        self.count_of(i)
    }
    pub fn text(&self, i: usize) -> String {
        self.text_of(i)
    }
    pub fn opt_text(&self, i: usize) -> Option<String> {
        self.opt_text_of(i)
    }

    /// The row as a typed record: a `#[derive(sqlx::FromRow)]` struct whose fields are named
    /// as the query's columns.
    pub fn record<T>(&self) -> Result<T, sqlx::Error>
    where
        T: for<'r> sqlx::FromRow<'r, SqliteRow> + for<'r> sqlx::FromRow<'r, PgRow>,
    {
        match self {
            DbRow::Sqlite(r) => <T as sqlx::FromRow<'_, SqliteRow>>::from_row(r),
            DbRow::Postgres(r) => <T as sqlx::FromRow<'_, PgRow>>::from_row(r),
        }
    }

    pub fn int_of(&self, c: impl Col) -> i64 {
        self.opt_int_of(c).unwrap_or_else(|| get!(self, c, i64))
    }
    pub fn opt_int_of(&self, c: impl Col) -> Option<i64> {
        match self {
            DbRow::Sqlite(r) => r.get(c),
            DbRow::Postgres(r) => r
                .try_get::<Option<i32>, _>(c)
                .map(|v| v.map(i64::from))
                .unwrap_or_else(|_| r.get(c)),
        }
    }
    /// A non-negative count (NULL reads as 0).
    pub fn count_of(&self, c: impl Col) -> u64 {
        self.opt_int_of(c).unwrap_or(0).max(0) as u64
    }
    pub fn text_of(&self, c: impl Col) -> String {
        get!(self, c, String)
    }
    pub fn opt_text_of(&self, c: impl Col) -> Option<String> {
        get!(self, c, Option<String>)
    }
    pub fn flag_of(&self, c: impl Col) -> bool {
        get!(self, c, bool)
    }
}

/// The pool of either backend.
#[derive(Clone)]
pub(crate) enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// An open transaction of either backend.
pub(crate) enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// The four ways to run a statement, on a pool or in a transaction.
macro_rules! runners {
    ($t:ty, $on:ident) => {
        impl $t {
            pub async fn fetch_all(&mut self, sql: &Sql) -> Result<Vec<DbRow>, sqlx::Error> {
                // SQLite's form of the text, which the query borrows until it is done.
                let text;
                Ok(match $on!(self) {
                    Either::Sqlite(e) => {
                        text = sqlite_text(&sql.text);
                        query!(sql, &text)
                            .fetch_all(e)
                            .await?
                            .into_iter()
                            .map(DbRow::Sqlite)
                            .collect()
                    }
                    Either::Postgres(e) => query!(sql)
                        .fetch_all(e)
                        .await?
                        .into_iter()
                        .map(DbRow::Postgres)
                        .collect(),
                })
            }

            #[allow(dead_code)] // not every runner needs every method
            pub async fn fetch_optional(
                &mut self,
                sql: &Sql,
            ) -> Result<Option<DbRow>, sqlx::Error> {
                // SQLite's form of the text, which the query borrows until it is done.
                let text;
                Ok(match $on!(self) {
                    Either::Sqlite(e) => {
                        text = sqlite_text(&sql.text);
                        query!(sql, &text)
                            .fetch_optional(e)
                            .await?
                            .map(DbRow::Sqlite)
                    }
                    Either::Postgres(e) => {
                        query!(sql).fetch_optional(e).await?.map(DbRow::Postgres)
                    }
                })
            }

            pub async fn fetch_one(&mut self, sql: &Sql) -> Result<DbRow, sqlx::Error> {
                // SQLite's form of the text, which the query borrows until it is done.
                let text;
                Ok(match $on!(self) {
                    Either::Sqlite(e) => {
                        text = sqlite_text(&sql.text);
                        DbRow::Sqlite(query!(sql, &text).fetch_one(e).await?)
                    }
                    Either::Postgres(e) => DbRow::Postgres(query!(sql).fetch_one(e).await?),
                })
            }

            /// Runs a statement; returns the rows it changed.
            pub async fn execute(&mut self, sql: &Sql) -> Result<u64, sqlx::Error> {
                // SQLite's form of the text, which the query borrows until it is done.
                let text;
                Ok(match $on!(self) {
                    Either::Sqlite(e) => {
                        text = sqlite_text(&sql.text);
                        query!(sql, &text).execute(e).await?.rows_affected()
                    }
                    Either::Postgres(e) => query!(sql).execute(e).await?.rows_affected(),
                })
            }
        }
    };
}

/// An executor of either backend, borrowed for one statement.
enum Either<S, P> {
    Sqlite(S),
    Postgres(P),
}

/// A pool handle that runs one statement (pools are cheap clones of an `Arc`).
pub(crate) struct OnPool<'a>(pub &'a Db);

macro_rules! pool_exec {
    ($self:ident) => {
        match $self.0 {
            Db::Sqlite(p) => Either::Sqlite(p),
            Db::Postgres(p) => Either::Postgres(p),
        }
    };
}

macro_rules! tx_exec {
    ($self:ident) => {
        match $self {
            Tx::Sqlite(t) => Either::Sqlite(&mut **t),
            Tx::Postgres(t) => Either::Postgres(&mut **t),
        }
    };
}

runners!(OnPool<'_>, pool_exec);
runners!(Tx, tx_exec);

impl Db {
    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// A write transaction. SQLite's takes the write lock as it begins (`BEGIN IMMEDIATE`): a
    /// deferred one that reads first cannot wait for another writer when it comes to write
    /// (SQLite answers "database is locked" at once), so two batches sent together failed.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }
}

impl Tx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(t) => t.commit().await,
            Tx::Postgres(t) => t.commit().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_error_row_condition_names_the_error_type() {
        let error = crate::domain::log::LogType::Error.as_i64();
        assert_eq!(ERROR_ROWS, format!("log_type = {error}"));
    }

    #[test]
    fn push_bind_numbers_placeholders_in_order() {
        let mut q = Sql::new("SELECT 1 FROM logs WHERE a = ");
        q.push_bind(5_i64).push(" AND b IN ").push_tuple(["x", "y"]);
        assert_eq!(q.text, "SELECT 1 FROM logs WHERE a = $1 AND b IN ($2, $3)");
        assert_eq!(q.args.len(), 3);
    }

    #[test]
    fn sqlite_gets_bare_placeholders_when_they_run_in_order() {
        assert_eq!(
            sqlite_text("INSERT INTO t VALUES ($1, $2), ($3, '$9', $4)"),
            "INSERT INTO t VALUES (?, ?), (?, '$9', ?)"
        );
        // A placeholder used twice, or out of order, keeps its number.
        for kept in [
            "SELECT $1 + (q - $1) / $2",
            "SELECT $2, $1",
            "SELECT 1",
            "SELECT '$1'",
        ] {
            assert_eq!(sqlite_text(kept), kept);
        }
    }
}
