//! Writing logs: batched multi-row inserts in one transaction, idempotent on (request_id,
//! attempt), with the rollups, pick lists and import bookmark moved in the same transaction.
use std::collections::HashSet;

use sqlx::{Postgres, Transaction};

use super::sql::{Arg, Tx};
use super::{rollup, DbRow, InsertOutcome, NewLog, Sql, Store, StoreError};

/// Rows per INSERT statement (a row binds 24 values on SQLite, which allows 32,766).
const INSERT_CHUNK: usize = 1_000;

const INSERTED: &str = "ts_ms, log_type, user_id, username, token_name, grp, model, request_id, \
    attempt, upstream_request_id, status_code, error_code, error_type, content, latency_ms, \
    is_stream, prompt_tokens, completion_tokens, quota, attribution, entry_id, channel, retries, \
    client_ip";

fn values(r: &NewLog) -> Vec<Arg> {
    vec![
        r.ts_ms.into(),
        r.log_type.as_i64().into(),
        r.user_id.into(),
        (&r.username).into(),
        (&r.token_name).into(),
        (&r.group).into(),
        (&r.model).into(),
        (&r.request_id).into(),
        r.attempt.into(),
        (&r.upstream_request_id).into(),
        r.status_code.map(i64::from).into(),
        (&r.error_code).into(),
        (&r.error_type).into(),
        (&r.content).into(),
        r.latency_ms.into(),
        r.is_stream.into(),
        r.prompt_tokens.into(),
        r.completion_tokens.into(),
        r.quota.into(),
        r.attribution.map(|a| a.as_str()).into(),
        (&r.entry_id).into(),
        (&r.channel).into(),
        (&r.retries).into(),
        (&r.client_ip).into(),
    ]
}

/// SQLite: multi-row inserts whose unique index skips known keys. When every row was new
/// (the usual case), the rollups count the batch itself; else the rows stored are read back:
/// their ids follow the largest id before the batch, as SQLite gives a new row the next id.
async fn insert_sqlite<'a>(
    tx: &mut Tx,
    rows: &[&'a NewLog],
) -> Result<Vec<rollup::Counted<'a>>, StoreError> {
    let before = tx
        .fetch_one(&Sql::new("SELECT coalesce(max(id), 0) FROM logs"))
        .await?
        .int(0);
    let mut stored = 0;
    for chunk in rows.chunks(INSERT_CHUNK) {
        let mut q = Sql::new(format!("INSERT INTO logs ({INSERTED}) "));
        q.push_values(chunk.iter().copied(), values);
        q.push(" ON CONFLICT (request_id, attempt) DO NOTHING");
        stored += tx.execute(&q).await?;
    }
    if stored == rows.len() as u64 {
        return Ok(rows.iter().map(|r| rollup::Counted::from_new(r)).collect());
    }
    let q = Sql::new(format!(
        "SELECT {} FROM logs WHERE id > $1",
        rollup::RETURNED
    ))
    .bind(before);
    Ok(tx
        .fetch_all(&q)
        .await?
        .iter()
        .map(rollup::Counted::from_row)
        .collect())
}

/// PostgreSQL: one array per column, unnested into rows. The logs are partitioned by time, so
/// a unique index there would have to include the time: the keys live in `log_keys`, and
/// only the rows whose key was new go on into `logs`.
async fn insert_unnest(
    tx: &mut Transaction<'static, Postgres>,
    chunk: &[&NewLog],
) -> Result<Vec<DbRow>, sqlx::Error> {
    macro_rules! column {
        (|$r:ident| $e:expr) => {
            chunk.iter().map(|$r| $e).collect::<Vec<_>>()
        };
    }
    let sql = format!(
        "WITH v AS (SELECT * FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], \
         $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[], $10::text[], $11::bigint[], \
         $12::text[], $13::text[], $14::text[], $15::bigint[], $16::boolean[], $17::bigint[], \
         $18::bigint[], $19::bigint[], $20::text[], $21::text[], $22::text[], $23::text[], \
         $24::text[]) AS v ({INSERTED})), \
         k AS (INSERT INTO log_keys (request_id, attempt, ts_ms) \
         SELECT request_id, attempt, ts_ms FROM v ON CONFLICT DO NOTHING \
         RETURNING request_id, attempt) \
         INSERT INTO logs ({INSERTED}) SELECT v.* FROM v JOIN k USING (request_id, attempt) \
         RETURNING {}",
        rollup::RETURNED
    );
    let rows = sqlx::query(&sql)
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
        .bind(column!(|r| r.client_ip.as_deref()))
        .fetch_all(&mut **tx)
        .await?;
    Ok(rows.into_iter().map(DbRow::Postgres).collect())
}

impl Store {
    /// Inserts a batch in one transaction; rows whose (request_id, attempt) exist are skipped.
    pub async fn insert_batch(&self, rows: &[NewLog]) -> Result<InsertOutcome, StoreError> {
        self.insert_batch_with(rows, None).await
    }

    /// Inserts a batch and moves an import source's bookmark in the same transaction, so an
    /// interrupted import resumes exactly after what was committed.
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
        let mut seen = HashSet::with_capacity(rows.len());
        let unique: Vec<&NewLog> = rows
            .iter()
            .filter(|r| seen.insert((r.request_id.as_str(), r.attempt)))
            .collect();
        self.ensure_partitions(unique.iter().map(|r| r.ts_ms))
            .await?;
        let mut tx = self.begin().await?;
        let counted = match &mut tx {
            Tx::Postgres(t) => {
                let mut counted = Vec::with_capacity(unique.len());
                for chunk in unique.chunks(INSERT_CHUNK) {
                    let stored = insert_unnest(t, chunk).await?;
                    counted.extend(stored.iter().map(rollup::Counted::from_row));
                }
                counted
            }
            other => insert_sqlite(other, &unique).await?,
        };
        let inserted = counted.len() as u64;
        rollup::apply(&mut tx, &counted, 1).await?;
        write_pick_lists(&mut tx, &unique).await?;
        if let Some((source, last_id)) = bookmark {
            let q = Sql::new(
                "INSERT INTO import_bookmarks (source, last_id) VALUES ($1, $2) \
                 ON CONFLICT (source) DO UPDATE SET last_id = excluded.last_id",
            );
            tx.execute(&q.bind(source).bind(last_id)).await?;
        }
        tx.commit().await?;
        Ok(InsertOutcome {
            inserted,
            duplicates: rows.len() as u64 - inserted,
        })
    }
}

/// The filter form's pick lists (models, tokens, groups per user) and the status codes seen.
async fn write_pick_lists(tx: &mut Tx, rows: &[&NewLog]) -> Result<(), StoreError> {
    let mut facets: Vec<(&str, &str, i64)> = Vec::new();
    for r in rows {
        for (kind, value) in [
            ("model", &r.model),
            ("token", &r.token_name),
            ("group", &r.group),
        ] {
            if !value.is_empty() {
                facets.push((kind, value.as_str(), r.user_id));
            }
        }
    }
    facets.sort_unstable();
    facets.dedup();
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
