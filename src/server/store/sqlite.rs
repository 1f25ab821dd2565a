use std::str::FromStr;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{QueryBuilder, Row, Sqlite, SqlitePool};

use super::{rollup, Facets, InsertOutcome, NewLog, StoreError, Visibility};
use crate::domain::attribution::Attribution;
use crate::domain::filter::{LogFilter, COUNT_CAP};
use crate::domain::log::{LogRow, LogType};
use crate::domain::scope::ImpactScope;
use crate::domain::status::StatusRange;

/// Rows per INSERT statement (SQLite allows 32,766 bound parameters; a row binds 24).
const INSERT_CHUNK: usize = 1_000;

#[derive(Clone)]
pub struct Store {
    pool: SqlitePool,
}

const COLUMNS: &str =
    "id, ts_ms, log_type, user_id, username, token_name, grp, model, request_id, \
    attempt, upstream_request_id, status_code, error_code, error_type, content, latency_ms, is_stream, \
    prompt_tokens, completion_tokens, quota, attribution, entry_id, channel, retries, client_ip";

impl Store {
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .ok_or_else(|| StoreError::UnsupportedUrl(url.to_string()))?;
        let path = path.split('?').next().unwrap_or(path);
        if let Some(dir) = std::path::Path::new(path).parent() {
            if !dir.as_os_str().is_empty() && path != ":memory:" {
                std::fs::create_dir_all(dir).map_err(|e| StoreError::Connect {
                    url: url.to_string(),
                    source: sqlx::Error::Io(e),
                })?;
            }
        }
        let connect_err = |source| StoreError::Connect {
            url: url.to_string(),
            source,
        };
        let options = SqliteConnectOptions::from_str(url)
            .map_err(connect_err)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(std::time::Duration::from_secs(10))
            .pragma("cache_size", "-65536")
            .pragma("temp_store", "memory");
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await
            .map_err(connect_err)?;
        Ok(Store { pool })
    }

    /// The pool, for the session store that shares the database.
    pub fn sqlite_pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub(super) fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub async fn migrate(&self) -> Result<(), StoreError> {
        sqlx::migrate!("migrations/sqlite").run(&self.pool).await?;
        Ok(())
    }

    /// Refreshes the query planner's statistics after a bulk load. A full pass: a sampled one
    /// (`analysis_limit`) rated every index alike, and the planner then chose poorly.
    pub async fn analyze(&self) -> Result<(), StoreError> {
        sqlx::query("ANALYZE").execute(&self.pool).await?;
        Ok(())
    }

    /// Error rows in all, uncapped (for the benchmark's deep page).
    pub async fn count_exact_errors(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM logs WHERE log_type = 5")
            .fetch_one(&self.pool)
            .await?;
        Ok(n.max(0) as u64)
    }

    /// The keyset position after `depth` error rows, newest first.
    pub async fn cursor_at_depth(
        &self,
        depth: u64,
    ) -> Result<Option<crate::domain::filter::Cursor>, StoreError> {
        let row = sqlx::query(
            "SELECT ts_ms, id FROM logs WHERE log_type = 5 ORDER BY ts_ms DESC, id DESC LIMIT 1 OFFSET ?",
        )
        .bind(depth.saturating_sub(1) as i64)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| crate::domain::filter::Cursor {
            ts_ms: r.get(0),
            id: r.get(1),
        }))
    }

    /// Up to `n` request ids spread evenly over the table.
    pub async fn sample_request_ids(&self, n: i64) -> Result<Vec<String>, StoreError> {
        let max: i64 = sqlx::query_scalar("SELECT coalesce(max(id), 0) FROM logs")
            .fetch_one(&self.pool)
            .await?;
        let step = (max / n.max(1)).max(1);
        Ok(sqlx::query_scalar(
            "WITH RECURSIVE k(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM k WHERE v < ?) \
             SELECT request_id FROM logs WHERE id IN (SELECT v * ? FROM k)",
        )
        .bind(n)
        .bind(step)
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn is_empty(&self) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT EXISTS (SELECT 1 FROM logs)")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.get::<i64, _>(0) == 0)
    }

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
        let id: Option<i64> =
            sqlx::query_scalar("SELECT last_id FROM import_bookmarks WHERE source = ?")
                .bind(source)
                .fetch_optional(&self.pool)
                .await?;
        Ok(id.unwrap_or(0))
    }

    async fn insert_batch_with(
        &self,
        rows: &[NewLog],
        bookmark: Option<(&str, i64)>,
    ) -> Result<InsertOutcome, StoreError> {
        let mut tx = self.pool.begin().await?;
        let mut inserted = 0;
        let mut counted = Vec::with_capacity(rows.len());
        for chunk in rows.chunks(INSERT_CHUNK) {
            let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(
                "INSERT INTO logs (ts_ms, log_type, user_id, username, token_name, grp, model, \
                 request_id, attempt, upstream_request_id, status_code, error_code, error_type, content, \
                 latency_ms, is_stream, prompt_tokens, completion_tokens, quota, attribution, entry_id, \
                 channel, retries, client_ip) ",
            );
            qb.push_values(chunk, |mut b, r| {
                b.push_bind(r.ts_ms)
                    .push_bind(r.log_type.as_i64())
                    .push_bind(r.user_id)
                    .push_bind(&r.username)
                    .push_bind(&r.token_name)
                    .push_bind(&r.group)
                    .push_bind(&r.model)
                    .push_bind(&r.request_id)
                    .push_bind(r.attempt)
                    .push_bind(&r.upstream_request_id)
                    .push_bind(r.status_code.map(i64::from))
                    .push_bind(&r.error_code)
                    .push_bind(&r.error_type)
                    .push_bind(&r.content)
                    .push_bind(r.latency_ms)
                    .push_bind(r.is_stream)
                    .push_bind(r.prompt_tokens)
                    .push_bind(r.completion_tokens)
                    .push_bind(r.quota)
                    .push_bind(r.attribution.map(|a| a.as_str()))
                    .push_bind(&r.entry_id)
                    .push_bind(&r.channel)
                    .push_bind(&r.retries)
                    .push_bind(&r.client_ip);
            });
            qb.push(" ON CONFLICT (request_id, attempt) DO NOTHING RETURNING ");
            qb.push(rollup::RETURNED);
            let stored = qb.build().fetch_all(&mut *tx).await?;
            inserted += stored.len() as u64;
            counted.extend(stored.iter().map(rollup::Counted::from_row));
        }
        rollup::apply(&mut tx, &counted, 1).await?;
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
            let mut qb: QueryBuilder<Sqlite> =
                QueryBuilder::new("INSERT OR IGNORE INTO facets (kind, value, user_id) ");
            qb.push_values(chunk, |mut b, (k, v, u)| {
                b.push_bind(*k).push_bind(*v).push_bind(*u);
            });
            qb.build().execute(&mut *tx).await?;
        }
        let mut codes: Vec<i64> = rows
            .iter()
            .filter_map(|r| r.status_code.map(i64::from))
            .collect();
        codes.sort_unstable();
        codes.dedup();
        if !codes.is_empty() {
            let mut qb: QueryBuilder<Sqlite> =
                QueryBuilder::new("INSERT OR IGNORE INTO status_codes (code) ");
            qb.push_values(&codes, |mut b, c| {
                b.push_bind(*c);
            });
            qb.build().execute(&mut *tx).await?;
        }
        if let Some((source, last_id)) = bookmark {
            sqlx::query(
                "INSERT INTO import_bookmarks (source, last_id) VALUES (?, ?) \
                 ON CONFLICT (source) DO UPDATE SET last_id = excluded.last_id",
            )
            .bind(source)
            .bind(last_id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(InsertOutcome {
            inserted,
            duplicates: rows.len() as u64 - inserted,
        })
    }

    /// One page of rows, newest first, after the filter's cursor.
    pub async fn list(&self, f: &LogFilter, vis: Visibility) -> Result<Vec<LogRow>, StoreError> {
        let mut qb: QueryBuilder<Sqlite> = QueryBuilder::new(format!("SELECT {COLUMNS} FROM "));
        match self.status_branches(f).await? {
            // A class or list of codes: one keyset-ordered page per code, merged. A range on
            // the status index would sort every matching row instead.
            Some(codes) if codes.is_empty() => return Ok(Vec::new()),
            Some(codes) => {
                qb.push("(");
                for (i, code) in codes.into_iter().enumerate() {
                    if i > 0 {
                        qb.push(" UNION ALL ");
                    }
                    let one = LogFilter {
                        status: vec![StatusRange::exact(code)],
                        ..f.clone()
                    };
                    qb.push(format!("SELECT * FROM (SELECT {COLUMNS} FROM logs"));
                    push_where(&mut qb, &one, vis, true, KeywordPlan::ByMatches);
                    push_page_order(&mut qb, f);
                    qb.push(")");
                }
                qb.push(")");
            }
            None => {
                qb.push("logs");
                let plan = self.keyword_plan(f, vis).await?;
                push_where(&mut qb, f, vis, true, plan);
            }
        }
        push_page_order(&mut qb, f);
        let rows = qb.build().fetch_all(&self.pool).await?;
        Ok(rows.iter().map(to_log_row).collect())
    }

    /// Walks the time index when the keyword is the only narrowing filter and its matches are
    /// common enough that the walk to a page (about `page * rows / matches` index entries) is
    /// shorter than fetching and sorting every match (`matches` row reads, ~10x an entry).
    async fn keyword_plan(
        &self,
        f: &LogFilter,
        vis: Visibility,
    ) -> Result<KeywordPlan, StoreError> {
        const MATCHES_CAP: i64 = 100_000;
        const ROW_READ_COST: f64 = 10.0;
        let Some(k) = f.keyword.as_deref().filter(|k| k.chars().count() >= 3) else {
            return Ok(KeywordPlan::ByMatches);
        };
        let narrowed = vis != Visibility::All
            || f.user_id.is_some()
            || f.model.is_some()
            || f.token.is_some()
            || f.group.is_some()
            || f.request_id.is_some()
            || f.entry_id.is_some()
            || f.attribution.is_some()
            || !f.status.is_empty();
        if narrowed {
            return Ok(KeywordPlan::ByMatches);
        }
        let row = sqlx::query(
            "SELECT (SELECT count(*) FROM (SELECT 1 FROM logs_fts WHERE logs_fts MATCH ? LIMIT ?)), \
                    (SELECT coalesce(max(id), 0) FROM logs)",
        )
        .bind(fts_phrase(k))
        .bind(MATCHES_CAP)
        .fetch_one(&self.pool)
        .await?;
        let (matches, rows): (i64, i64) = (row.get(0), row.get(1));
        let walk = f64::from(f.page_size + 1) * rows as f64 / matches.max(1) as f64;
        Ok(if walk < ROW_READ_COST * matches as f64 {
            KeywordPlan::ByTime
        } else {
            KeywordPlan::ByMatches
        })
    }

    /// The codes to page through one by one, when the filter names several (a class or a
    /// list) and no keyword drives the query; None to run it as one query.
    async fn status_branches(&self, f: &LogFilter) -> Result<Option<Vec<u16>>, StoreError> {
        const MAX_BRANCHES: usize = 64;
        let several = f.status.len() > 1 || f.status.iter().any(|r| !r.is_exact());
        if !several || f.keyword.is_some() {
            return Ok(None);
        }
        let known: Vec<i64> = sqlx::query_scalar("SELECT code FROM status_codes ORDER BY code")
            .fetch_all(&self.pool)
            .await?;
        let codes: Vec<u16> = known
            .into_iter()
            .filter_map(|c| u16::try_from(c).ok())
            .filter(|c| f.status.iter().any(|r| r.contains(*c)))
            .collect();
        Ok((codes.len() <= MAX_BRANCHES).then_some(codes))
    }

    /// Matching rows, counted exactly up to `COUNT_CAP` (then `COUNT_CAP + 1`).
    pub async fn count(&self, f: &LogFilter, vis: Visibility) -> Result<u64, StoreError> {
        let mut qb: QueryBuilder<Sqlite> =
            QueryBuilder::new("SELECT count(*) FROM (SELECT 1 FROM logs");
        push_where(&mut qb, f, vis, false, KeywordPlan::ByMatches);
        qb.push(" LIMIT ");
        qb.push_bind(COUNT_CAP as i64 + 1);
        qb.push(")");
        let n: i64 = qb.build().fetch_one(&self.pool).await?.get(0);
        Ok(n as u64)
    }

    pub async fn get(&self, id: i64, vis: Visibility) -> Result<Option<LogRow>, StoreError> {
        let mut qb: QueryBuilder<Sqlite> =
            QueryBuilder::new(format!("SELECT {COLUMNS} FROM logs WHERE id = "));
        qb.push_bind(id);
        if let Visibility::User(u) = vis {
            qb.push(" AND user_id = ").push_bind(u);
        }
        Ok(qb
            .build()
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(to_log_row))
    }

    /// The newest row with this request_id that the viewer may see.
    pub async fn find_request(
        &self,
        request_id: &str,
        vis: Visibility,
    ) -> Result<Option<i64>, StoreError> {
        let mut qb: QueryBuilder<Sqlite> =
            QueryBuilder::new("SELECT id FROM logs WHERE request_id = ");
        qb.push_bind(request_id);
        if let Visibility::User(u) = vis {
            qb.push(" AND user_id = ").push_bind(u);
        }
        qb.push(" ORDER BY attempt DESC LIMIT 1");
        Ok(qb
            .build()
            .fetch_optional(&self.pool)
            .await?
            .map(|r| r.get(0)))
    }

    /// Same-signature failures (status code and catalogue entry) around a row: in its group,
    /// and in other groups. Counts only; rows of other users are never returned.
    pub async fn impact_scope(
        &self,
        row: &LogRow,
        window_minutes: i64,
    ) -> Result<ImpactScope, StoreError> {
        let (lo, hi) = (
            row.ts_ms - window_minutes * 60_000,
            row.ts_ms + window_minutes * 60_000,
        );
        let status = row.status_code.map(i64::from);
        // One scan of the window: this group's figures and the other groups' side by side.
        let r = sqlx::query(
            "SELECT sum(grp = ?1), count(DISTINCT CASE WHEN grp = ?1 THEN token_name END), \
                    count(DISTINCT CASE WHEN grp = ?1 THEN user_id END), \
                    count(DISTINCT CASE WHEN grp = ?1 THEN model END), \
                    min(CASE WHEN grp = ?1 THEN ts_ms END), max(CASE WHEN grp = ?1 THEN ts_ms END), \
                    sum(grp = ?1 AND token_name = ?2), \
                    count(DISTINCT CASE WHEN grp <> ?1 THEN grp END), sum(grp <> ?1) \
             FROM logs WHERE status_code IS ?3 AND log_type = 5 AND ts_ms BETWEEN ?4 AND ?5 \
               AND entry_id IS ?6",
        )
        .bind(&row.group)
        .bind(&row.token_name)
        .bind(status)
        .bind(lo)
        .bind(hi)
        .bind(&row.entry_id)
        .fetch_one(&self.pool)
        .await?;
        let n = super::count_at;
        Ok(ImpactScope {
            window_minutes,
            in_group: n(&r, 0),
            tokens: n(&r, 1),
            users: n(&r, 2),
            models: n(&r, 3),
            first_ms: r.get::<Option<i64>, _>(4).unwrap_or(0),
            last_ms: r.get::<Option<i64>, _>(5).unwrap_or(0),
            same_token: n(&r, 6),
            other_groups: n(&r, 7),
            other_group_failures: n(&r, 8),
        })
    }

    pub async fn facets(&self, vis: Visibility) -> Result<Facets, StoreError> {
        let mut qb: QueryBuilder<Sqlite> =
            QueryBuilder::new("SELECT DISTINCT kind, value FROM facets");
        if let Visibility::User(u) = vis {
            qb.push(" WHERE user_id = ").push_bind(u);
        }
        qb.push(" ORDER BY kind, value LIMIT 3000");
        let mut f = Facets::default();
        for r in qb.build().fetch_all(&self.pool).await? {
            let value: String = r.get(1);
            match r.get::<&str, _>(0) {
                "model" => f.models.push(value),
                "token" => f.tokens.push(value),
                _ => f.groups.push(value),
            }
        }
        Ok(f)
    }
}

fn push_page_order(qb: &mut QueryBuilder<Sqlite>, f: &LogFilter) {
    qb.push(" ORDER BY ts_ms DESC, id DESC LIMIT ");
    qb.push_bind(i64::from(f.page_size) + 1);
}

/// A keyword as an FTS5 phrase: with the trigram index, a case-insensitive substring.
fn fts_phrase(k: &str) -> String {
    format!("\"{}\"", k.replace('"', "\"\""))
}

/// How a keyword narrows a page: fetch every match by id and sort them (rare words), or walk
/// the time index newest first and test each row against the matches (common words, whose
/// first page is near the top; the unary `+` keeps SQLite from driving the query by id).
#[derive(Clone, Copy, PartialEq, Eq)]
enum KeywordPlan {
    ByMatches,
    ByTime,
}

/// The WHERE clause every list and count shares.
fn push_where(
    qb: &mut QueryBuilder<Sqlite>,
    f: &LogFilter,
    vis: Visibility,
    with_cursor: bool,
    plan: KeywordPlan,
) {
    qb.push(" WHERE 1 = 1");
    if let Visibility::User(u) = vis {
        qb.push(" AND user_id = ").push_bind(u);
    }
    if let Some(t) = f.log_type {
        qb.push(" AND log_type = ").push_bind(t.as_i64());
    }
    if let Some(u) = f.user_id {
        qb.push(" AND user_id = ").push_bind(u);
    }
    if let Some(v) = f.from_ms {
        qb.push(" AND ts_ms >= ").push_bind(v);
    }
    if let Some(v) = f.to_ms {
        qb.push(" AND ts_ms <= ").push_bind(v);
    }
    for (col, value) in [
        ("model", &f.model),
        ("token_name", &f.token),
        ("grp", &f.group),
        ("request_id", &f.request_id),
        ("entry_id", &f.entry_id),
    ] {
        if let Some(v) = value {
            qb.push(format!(" AND {col} = ")).push_bind(v.clone());
        }
    }
    if !f.status.is_empty() {
        qb.push(" AND (");
        for (i, r) in f.status.iter().enumerate() {
            if i > 0 {
                qb.push(" OR ");
            }
            if r.is_exact() {
                qb.push("status_code = ").push_bind(i64::from(r.lo));
            } else {
                qb.push("status_code BETWEEN ")
                    .push_bind(i64::from(r.lo))
                    .push(" AND ")
                    .push_bind(i64::from(r.hi));
            }
        }
        qb.push(")");
    }
    if let Some(a) = f.attribution {
        qb.push(" AND attribution = ").push_bind(a.as_str());
    }
    if let Some(k) = &f.keyword {
        if k.chars().count() >= 3 {
            // Trigram index: a quoted phrase matches a case-insensitive substring.
            qb.push(if plan == KeywordPlan::ByTime {
                " AND +id IN (SELECT rowid FROM logs_fts WHERE logs_fts MATCH "
            } else {
                " AND id IN (SELECT rowid FROM logs_fts WHERE logs_fts MATCH "
            })
            .push_bind(fts_phrase(k))
            .push(")");
        } else {
            qb.push(" AND instr(lower(content), lower(")
                .push_bind(k.clone())
                .push(")) > 0");
        }
    }
    if with_cursor {
        if let Some(c) = f.cursor {
            qb.push(" AND (ts_ms < ")
                .push_bind(c.ts_ms)
                .push(" OR (ts_ms = ")
                .push_bind(c.ts_ms)
                .push(" AND id < ")
                .push_bind(c.id)
                .push("))");
        }
    }
}

fn to_log_row(r: &sqlx::sqlite::SqliteRow) -> LogRow {
    LogRow {
        id: r.get("id"),
        ts_ms: r.get("ts_ms"),
        log_type: LogType::from_i64(r.get("log_type")).unwrap_or_default(),
        user_id: r.get("user_id"),
        username: r.get("username"),
        token_name: r.get("token_name"),
        group: r.get("grp"),
        model: r.get("model"),
        request_id: r.get("request_id"),
        attempt: r.get("attempt"),
        upstream_request_id: r.get("upstream_request_id"),
        status_code: r
            .get::<Option<i64>, _>("status_code")
            .and_then(|s| u16::try_from(s).ok()),
        error_code: r.get("error_code"),
        error_type: r.get("error_type"),
        content: r.get("content"),
        latency_ms: r.get("latency_ms"),
        is_stream: r.get("is_stream"),
        prompt_tokens: r.get("prompt_tokens"),
        completion_tokens: r.get("completion_tokens"),
        quota: r.get("quota"),
        attribution: r
            .get::<Option<String>, _>("attribution")
            .as_deref()
            .and_then(Attribution::parse),
        entry_id: r.get("entry_id"),
        channel: r.get("channel"),
        retries: r.get("retries"),
        client_ip: r.get("client_ip"),
    }
}
