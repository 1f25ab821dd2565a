//! Writing logs: batched multi-row inserts in one transaction, idempotent on (request_id,
//! attempt), with the rollups, pick lists and import bookmark moved in the same transaction.
use std::borrow::Cow;
use std::sync::OnceLock;

use rustc_hash::FxHashSet;
use sqlx::query::Query;
use sqlx::sqlite::SqliteArguments;
use sqlx::{Postgres, Sqlite, Transaction};

use super::sql::Tx;
use super::{rollup, DbRow, InsertOutcome, NewLog, Sql, Store, StoreError};

/// Rows per INSERT statement (a row binds 24 values on SQLite, which allows 32,766).
const INSERT_CHUNK: usize = 1_000;

const INSERTED: &str = "ts_ms, log_type, user_id, username, token_name, grp, model, request_id, \
    attempt, upstream_request_id, status_code, error_code, error_type, content, latency_ms, \
    is_stream, prompt_tokens, completion_tokens, quota, attribution, entry_id, channel, retries, \
    client_ip";

/// SQLite's insert of `rows` rows, with bare `?` placeholders (see `sql::sqlite_text`). The
/// text of a full chunk is built once per process: it is 100 KB and the same every time.
fn sqlite_insert_text(rows: usize) -> Cow<'static, str> {
    static FULL_CHUNK: OnceLock<String> = OnceLock::new();
    let build = |rows: usize| {
        let columns = INSERTED.split(',').count();
        let tuple = format!("({})", vec!["?"; columns].join(", "));
        format!(
            "INSERT INTO logs ({INSERTED}) VALUES {} ON CONFLICT (request_id, attempt) DO NOTHING",
            vec![tuple; rows].join(", ")
        )
    };
    if rows == INSERT_CHUNK {
        Cow::Borrowed(FULL_CHUNK.get_or_init(|| build(INSERT_CHUNK)))
    } else {
        Cow::Owned(build(rows))
    }
}

type SqliteQuery<'q> = Query<'q, Sqlite, SqliteArguments<'q>>;

/// One chunk's insert, its values bound from the rows as they are (in `INSERTED` order).
fn sqlite_insert<'q>(text: &'q str, chunk: &[&'q NewLog]) -> SqliteQuery<'q> {
    chunk.iter().fold(sqlx::query(text), |q, r| {
        q.bind(r.ts_ms)
            .bind(r.log_type.as_i64())
            .bind(r.user_id)
            .bind(r.username.as_str())
            .bind(r.token_name.as_str())
            .bind(r.group.as_str())
            .bind(r.model.as_str())
            .bind(r.request_id.as_str())
            .bind(r.attempt)
            .bind(r.upstream_request_id.as_deref())
            .bind(r.status_code.map(i64::from))
            .bind(r.error_code.as_deref())
            .bind(r.error_type.as_deref())
            .bind(r.content.as_str())
            .bind(r.latency_ms)
            .bind(r.is_stream)
            .bind(r.prompt_tokens)
            .bind(r.completion_tokens)
            .bind(r.quota)
            .bind(r.attribution.map(|a| a.as_str()))
            .bind(r.entry_id.as_deref())
            .bind(r.channel.as_deref())
            .bind(r.retries.as_deref())
            .bind(r.client_ip.as_deref())
    })
}

/// SQLite: multi-row inserts whose unique index skips known keys. The next chunk's statement
/// is bound while SQLite runs the current one (binding is a fifth of an insert's time). When
/// every row was new (the usual case), the rollups count the batch itself; else the rows
/// stored are read back: their ids follow the largest id before the batch, as SQLite gives a
/// new row the next id.
async fn insert_sqlite<'a>(
    tx: &mut Transaction<'static, Sqlite>,
    rows: &[&'a NewLog],
) -> Result<Vec<rollup::Counted<'a>>, StoreError> {
    let before: i64 = sqlx::query_scalar("SELECT coalesce(max(id), 0) FROM logs")
        .fetch_one(&mut **tx)
        .await?;
    let texts: Vec<_> = rows
        .chunks(INSERT_CHUNK)
        .map(|c| sqlite_insert_text(c.len()))
        .collect();
    let mut chunks = rows.chunks(INSERT_CHUNK).zip(&texts);
    let mut next = chunks.next().map(|(c, t)| sqlite_insert(t, c));
    let mut stored = 0;
    while let Some(q) = next.take() {
        // `join!` polls the insert first, which hands it to SQLite's thread, then binds the next.
        let (done, following) = tokio::join!(q.execute(&mut **tx), async {
            chunks.next().map(|(c, t)| sqlite_insert(t, c))
        });
        stored += done?.rows_affected();
        next = following;
    }
    if stored == rows.len() as u64 {
        return Ok(rows.iter().map(|r| rollup::Counted::from_new(r)).collect());
    }
    let rows = sqlx::query(&format!(
        "SELECT {} FROM logs WHERE id > $1",
        rollup::RETURNED
    ))
    .bind(before)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| rollup::Counted::from_row(&DbRow::Sqlite(r)))
        .collect())
}

/// How a PostgreSQL insert treats keys that may be stored already.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Keys {
    /// Every key is taken to be new (the usual case): both tables take every row and nothing
    /// comes back. A key already stored fails the statement with a unique violation on
    /// `log_keys`, and the batch is sent again as `SkipKnown`.
    ExpectNew,
    /// Keys already stored are skipped; the rows that went in come back for the rollups.
    SkipKnown,
}

/// True when `e` is an `ExpectNew` insert meeting a key already stored.
fn key_already_stored(e: &StoreError) -> bool {
    matches!(e, StoreError::Db(sqlx::Error::Database(d))
        if d.is_unique_violation() && d.constraint() == Some("log_keys_pkey"))
}

/// PostgreSQL's statement for `keys`: one array per column, unnested into rows. The logs are
/// partitioned by time, so a unique index there would have to include the time: the keys
/// live in `log_keys`. Skipping known keys costs a speculative insert per key and a join
/// (timed on the server with the primary key alone: 62-68k rows/s, against 105-112k for keys
/// inserted plainly), which is why new keys are assumed.
fn unnest_insert_text(keys: Keys) -> &'static str {
    static TEXTS: OnceLock<[String; 2]> = OnceLock::new();
    let [expect_new, skip_known] = TEXTS.get_or_init(|| {
        let v = format!(
            "WITH v AS (SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], \
             $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[], \
             $10::text[], $11::bigint[], $12::text[], $13::text[], $14::text[], $15::bigint[], \
             $16::boolean[], $17::bigint[], $18::bigint[], $19::bigint[], $20::text[], \
             $21::text[], $22::text[], $23::text[], $24::text[]) AS v ({INSERTED}))"
        );
        [
            format!(
                "{v}, k AS (INSERT INTO log_keys (request_id, attempt, ts_ms) \
                 SELECT request_id, attempt, ts_ms FROM v) \
                 INSERT INTO logs ({INSERTED}) SELECT * FROM v"
            ),
            format!(
                "{v}, k AS (INSERT INTO log_keys (request_id, attempt, ts_ms) \
                 SELECT request_id, attempt, ts_ms FROM v ON CONFLICT DO NOTHING \
                 RETURNING request_id, attempt) \
                 INSERT INTO logs ({INSERTED}) SELECT v.* FROM v JOIN k USING (request_id, attempt) \
                 RETURNING {}",
                rollup::RETURNED
            ),
        ]
    });
    match keys {
        Keys::ExpectNew => expect_new,
        Keys::SkipKnown => skip_known,
    }
}

/// One chunk's PostgreSQL insert: the rows stored when skipping known keys (none asked for
/// otherwise: every row went in).
async fn insert_unnest(
    tx: &mut Transaction<'static, Postgres>,
    chunk: &[&NewLog],
    keys: Keys,
) -> Result<Vec<DbRow>, sqlx::Error> {
    macro_rules! column {
        (|$r:ident| $e:expr) => {
            chunk.iter().map(|$r| $e).collect::<Vec<_>>()
        };
    }
    let q = sqlx::query(unnest_insert_text(keys))
        .bind(column!(|r| r.ts_ms))
        .bind(column!(|r| r.log_type.as_i64()))
        .bind(column!(|r| r.user_id))
        .bind(column!(|r| r.username.as_str()))
        .bind(column!(|r| r.token_name.as_str()))
        .bind(column!(|r| r.group.as_str()))
        .bind(column!(|r| r.model.as_str()))
        .bind(column!(|r| r.request_id.as_str()))
        .bind(column!(|r| r.attempt))
        .bind(column!(|r| r.upstream_request_id.as_deref()))
        .bind(column!(|r| r.status_code.map(i64::from)))
        .bind(column!(|r| r.error_code.as_deref()))
        .bind(column!(|r| r.error_type.as_deref()))
        .bind(column!(|r| r.content.as_str()))
        .bind(column!(|r| r.latency_ms))
        .bind(column!(|r| r.is_stream))
        .bind(column!(|r| r.prompt_tokens))
        .bind(column!(|r| r.completion_tokens))
        .bind(column!(|r| r.quota))
        .bind(column!(|r| r.attribution.map(|a| a.as_str())))
        .bind(column!(|r| r.entry_id.as_deref()))
        .bind(column!(|r| r.channel.as_deref()))
        .bind(column!(|r| r.retries.as_deref()))
        .bind(column!(|r| r.client_ip.as_deref()));
    match keys {
        Keys::ExpectNew => q.execute(&mut **tx).await.map(|_| Vec::new()),
        Keys::SkipKnown => Ok(q
            .fetch_all(&mut **tx)
            .await?
            .into_iter()
            .map(DbRow::Postgres)
            .collect()),
    }
}

impl Store {
    /// Inserts a batch in one transaction; rows whose (request_id, attempt) exist are skipped.
    pub async fn insert_batch(&self, rows: &[NewLog]) -> Result<InsertOutcome, StoreError> {
        self.insert_batch_with(rows, None).await
    }

    /// Inserts a batch and moves an import source's bookmark forward (never back) in the same
    /// transaction, so an interrupted import resumes exactly after what was committed.
    pub async fn insert_batch_and_bookmark(
        &self,
        rows: &[NewLog],
        source: &str,
        last_id: i64,
    ) -> Result<InsertOutcome, StoreError> {
        self.insert_batch_with(rows, Some((source, last_id))).await
    }

    /// The last source id imported from `source` (0 before the first import).
    pub async fn import_bookmark(&self, source: &str) -> Result<i64, StoreError> {
        let q = Sql::new("SELECT last_id FROM import_bookmarks WHERE source = $1").bind(source);
        Ok(self.run().fetch_optional(&q).await?.map_or(0, |r| r.int(0)))
    }

    async fn insert_batch_with(
        &self,
        rows: &[NewLog],
        bookmark: Option<(&str, i64)>,
    ) -> Result<InsertOutcome, StoreError> {
        // The first of several rows with one key wins, as a re-sent row loses to the stored one.
        let mut seen = FxHashSet::with_capacity_and_hasher(rows.len(), Default::default());
        let unique: Vec<&NewLog> = rows
            .iter()
            .filter(|r| seen.insert((r.request_id.as_str(), r.attempt)))
            .collect();
        self.ensure_partitions(unique.iter().map(|r| r.ts_ms))
            .await?;
        let inserted = match self.insert_in_tx(&unique, bookmark, Keys::ExpectNew).await {
            Err(e) if key_already_stored(&e) => {
                self.insert_in_tx(&unique, bookmark, Keys::SkipKnown)
                    .await?
            }
            done => done?,
        };
        Ok(InsertOutcome {
            inserted,
            duplicates: rows.len() as u64 - inserted,
        })
    }

    /// One transaction: the rows (`keys` says how PostgreSQL meets known keys; SQLite always
    /// skips them), their rollups and pick lists, and the bookmark. Returns the rows stored.
    async fn insert_in_tx(
        &self,
        unique: &[&NewLog],
        bookmark: Option<(&str, i64)>,
        keys: Keys,
    ) -> Result<u64, StoreError> {
        let mut tx = self.begin().await?;
        let counted = match &mut tx {
            Tx::Postgres(t) => {
                let mut counted = Vec::with_capacity(unique.len());
                for chunk in unique.chunks(INSERT_CHUNK) {
                    let stored = insert_unnest(t, chunk, keys).await?;
                    match keys {
                        Keys::ExpectNew => {
                            counted.extend(chunk.iter().copied().map(rollup::Counted::from_new))
                        }
                        // Read back rows are owned: `'static` narrowed to the batch's lifetime.
                        Keys::SkipKnown => counted.extend(stored.iter().map(|row| {
                            let c: rollup::Counted<'_> = rollup::Counted::from_row(row);
                            c
                        })),
                    }
                }
                counted
            }
            Tx::Sqlite(t) => insert_sqlite(t, unique).await?,
        };
        let inserted = counted.len() as u64;
        rollup::apply(&mut tx, &counted, 1).await?;
        write_pick_lists(&mut tx, unique).await?;
        if let Some((source, last_id)) = bookmark {
            let q = Sql::new(
                "INSERT INTO import_bookmarks (source, last_id) VALUES ($1, $2) \
                 ON CONFLICT (source) DO UPDATE SET last_id = CASE \
                 WHEN excluded.last_id > import_bookmarks.last_id THEN excluded.last_id \
                 ELSE import_bookmarks.last_id END",
            );
            tx.execute(&q.bind(source).bind(last_id)).await?;
        }
        tx.commit().await?;
        Ok(inserted)
    }
}

/// The filter form's pick lists (models, tokens, groups per user) and the status codes seen.
async fn write_pick_lists(tx: &mut Tx, rows: &[&NewLog]) -> Result<(), StoreError> {
    let mut facets: FxHashSet<(&str, &str, i64)> = FxHashSet::default();
    for r in rows {
        for (kind, value) in [
            ("model", &r.model),
            ("token", &r.token_name),
            ("group", &r.group),
        ] {
            if !value.is_empty() {
                facets.insert((kind, value.as_str(), r.user_id));
            }
        }
    }
    let mut facets: Vec<_> = facets.into_iter().collect();
    facets.sort_unstable();
    for chunk in facets.chunks(INSERT_CHUNK) {
        let mut q = Sql::new("INSERT INTO facets (kind, value, user_id) ");
        q.push_values(chunk, |(k, v, u)| {
            vec![(*k).into(), (*v).into(), (*u).into()]
        });
        q.push(" ON CONFLICT DO NOTHING");
        tx.execute(&q).await?;
    }
    let mut codes: Vec<i64> = rows
        .iter()
        .filter_map(|r| r.status_code.map(i64::from))
        .collect();
    codes.sort_unstable();
    codes.dedup();
    if !codes.is_empty() {
        let mut q = Sql::new("INSERT INTO status_codes (code) ");
        q.push_values(codes, |c| vec![c.into()]);
        q.push(" ON CONFLICT DO NOTHING");
        tx.execute(&q).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sqlite_insert_has_one_placeholder_per_column_of_each_row() {
        for rows in [1, 7, INSERT_CHUNK] {
            let text = sqlite_insert_text(rows);
            assert_eq!(text.matches('?').count(), rows * 24, "{rows} rows");
            assert!(text.starts_with(&format!("INSERT INTO logs ({INSERTED}) VALUES (?, ?")));
            assert!(text.ends_with("?) ON CONFLICT (request_id, attempt) DO NOTHING"));
        }
        // The full chunk's text is built once and shared.
        assert!(matches!(sqlite_insert_text(INSERT_CHUNK), Cow::Borrowed(_)));
        assert!(matches!(sqlite_insert_text(7), Cow::Owned(_)));
    }
}
