//! The new-api databases the sync follows, and what it last did with each.
use super::{DbRow, Sql, Store, StoreError};

/// One followed source. `url` may hold credentials: only the sync reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncSource {
    pub id: i64,
    pub name: String,
    pub url: String,
    /// Given with `--follow-newapi` (it comes back on every start).
    pub from_flag: bool,
    pub paused: bool,
    pub created_ms: i64,
    pub imported: i64,
    pub rejected: i64,
    pub skipped: i64,
    /// Rows waiting in the source after the last poll.
    pub pending: i64,
    pub last_id: i64,
    pub last_row_ms: Option<i64>,
    pub last_poll_ms: Option<i64>,
    pub last_success_ms: Option<i64>,
    pub last_error: Option<String>,
    pub newest_error_ms: Option<i64>,
    pub newest_consume_ms: Option<i64>,
}

const COLUMNS: &str = "id, name, url, from_flag, paused, created_ms, imported, rejected, skipped, \
    pending, last_id, last_row_ms, last_poll_ms, last_success_ms, last_error, newest_error_ms, \
    newest_consume_ms";

/// A row of `sync_sources` as `COLUMNS` reads it (flags are 0 or 1 on both backends).
#[derive(sqlx::FromRow)]
struct SourceRecord {
    id: i64,
    name: String,
    url: String,
    from_flag: i64,
    paused: i64,
    created_ms: i64,
    imported: i64,
    rejected: i64,
    skipped: i64,
    pending: i64,
    last_id: i64,
    last_row_ms: Option<i64>,
    last_poll_ms: Option<i64>,
    last_success_ms: Option<i64>,
    last_error: Option<String>,
    newest_error_ms: Option<i64>,
    newest_consume_ms: Option<i64>,
}

impl SyncSource {
    fn from_row(r: &DbRow) -> Result<SyncSource, sqlx::Error> {
        let s: SourceRecord = r.record()?;
        Ok(SyncSource {
            id: s.id,
            name: s.name,
            url: s.url,
            from_flag: s.from_flag != 0,
            paused: s.paused != 0,
            created_ms: s.created_ms,
            imported: s.imported,
            rejected: s.rejected,
            skipped: s.skipped,
            pending: s.pending,
            last_id: s.last_id,
            last_row_ms: s.last_row_ms,
            last_poll_ms: s.last_poll_ms,
            last_success_ms: s.last_success_ms,
            last_error: s.last_error,
            newest_error_ms: s.newest_error_ms,
            newest_consume_ms: s.newest_consume_ms,
        })
    }
}

/// What one poll of a source did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PollOutcome {
    pub inserted: i64,
    pub rejected: i64,
    pub skipped: i64,
    pub pending: i64,
    pub last_id: i64,
    pub newest_error_ms: Option<i64>,
    pub newest_consume_ms: Option<i64>,
}

impl Store {
    pub async fn sync_sources(&self) -> Result<Vec<SyncSource>, StoreError> {
        let q = Sql::new(format!("SELECT {COLUMNS} FROM sync_sources ORDER BY id"));
        let rows = self.run().fetch_all(&q).await?;
        Ok(rows
            .iter()
            .map(SyncSource::from_row)
            .collect::<Result<_, _>>()?)
    }

    /// A source given on the command line: added, or its URL brought up to date (its
    /// credentials may have changed); it stays paused if an admin paused it.
    pub async fn upsert_flag_source(
        &self,
        name: &str,
        url: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let q = Sql::new(
            "INSERT INTO sync_sources (name, url, from_flag, created_ms) VALUES ($1, $2, 1, $3) \
             ON CONFLICT (name) DO UPDATE SET url = excluded.url, from_flag = 1",
        )
        .bind(name)
        .bind(url)
        .bind(now_ms);
        self.run().execute(&q).await?;
        Ok(())
    }

    /// A source an admin adds; a source of that name already followed is a conflict.
    pub async fn add_sync_source(
        &self,
        name: &str,
        url: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let q = Sql::new(
            "INSERT INTO sync_sources (name, url, created_ms) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(url)
        .bind(now_ms);
        match self.run().execute(&q).await? {
            0 => Err(StoreError::Conflict(
                crate::domain::refusal::Refusal::AlreadyFollowed {
                    name: name.to_string(),
                },
            )),
            _ => Ok(()),
        }
    }

    pub async fn set_sync_source_paused(&self, id: i64, paused: bool) -> Result<bool, StoreError> {
        let q = Sql::new("UPDATE sync_sources SET paused = $1 WHERE id = $2")
            .bind(i64::from(paused))
            .bind(id);
        Ok(self.run().execute(&q).await? == 1)
    }

    /// Stops following a source. Its rows and bookmark stay: adding it again resumes.
    pub async fn remove_sync_source(&self, id: i64) -> Result<bool, StoreError> {
        let q = Sql::new("DELETE FROM sync_sources WHERE id = $1").bind(id);
        Ok(self.run().execute(&q).await? == 1)
    }

    /// Records a poll: its figures, or why it failed (the figures stay as they were).
    pub async fn record_poll(
        &self,
        id: i64,
        outcome: Result<&PollOutcome, &str>,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let q = match outcome {
            Ok(o) => Sql::new(
                "UPDATE sync_sources SET imported = imported + $1, rejected = rejected + $2, \
                 skipped = skipped + $3, pending = $4, \
                 last_row_ms = CASE WHEN $5 > last_id THEN $6 ELSE last_row_ms END, \
                 last_id = CASE WHEN $5 > last_id THEN $5 ELSE last_id END, \
                 newest_error_ms = coalesce($7, newest_error_ms), \
                 newest_consume_ms = coalesce($8, newest_consume_ms), \
                 last_poll_ms = $9, last_success_ms = $9, last_error = NULL WHERE id = $10",
            )
            .bind(o.inserted)
            .bind(o.rejected)
            .bind(o.skipped)
            .bind(o.pending)
            .bind(o.last_id)
            .bind(o.newest_error_ms.max(o.newest_consume_ms))
            .bind(o.newest_error_ms)
            .bind(o.newest_consume_ms)
            .bind(now_ms)
            .bind(id),
            Err(why) => {
                Sql::new("UPDATE sync_sources SET last_poll_ms = $1, last_error = $2 WHERE id = $3")
                    .bind(now_ms)
                    .bind(why)
                    .bind(id)
            }
        };
        self.run().execute(&q).await?;
        Ok(())
    }
}
