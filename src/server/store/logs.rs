//! Reading logs: keyset pages, capped counts, single rows, request lookups, the impact scope
//! of a row and the pick lists. The keyword filter is each backend's own: SQLite's FTS5
//! trigram index, PostgreSQL's pg_trgm index under ILIKE.
use super::{Backend, DbRow, Facets, Sql, Store, StoreError, Visibility, ERROR_ROWS};
use crate::domain::attribution::Attribution;
use crate::domain::filter::{Cursor, LogFilter, Sort, COUNT_CAP};
use crate::domain::log::{LogRow, LogType};
use crate::domain::scope::{scope_window, Failure, ScopeReading};
use crate::domain::status::StatusRange;

/// The most attempts of one request the details page lists.
pub const MAX_ATTEMPTS: usize = 100;

const COLUMNS: &str =
    "id, ts_ms, log_type, user_id, username, token_name, grp, model, request_id, \
    attempt, upstream_request_id, status_code, error_code, error_type, content, latency_ms, is_stream, \
    prompt_tokens, completion_tokens, quota, attribution, entry_id, channel, retries, client_ip";

impl Store {
    /// True for a database that has never held rows, accounts, keys, sources or purges: the
    /// only kind demo data and demo accounts may go into.
    pub async fn never_used(&self) -> Result<bool, StoreError> {
        let q = Sql::new(
            "SELECT (SELECT count(*) FROM (SELECT 1 FROM logs LIMIT 1) a) \
             + (SELECT count(*) FROM accounts) + (SELECT count(*) FROM ingest_keys) \
             + (SELECT count(*) FROM import_bookmarks) + (SELECT count(*) FROM sync_sources) \
             + (SELECT count(*) FROM retention_runs)",
        );
        Ok(self.run().fetch_one(&q).await?.int(0) == 0)
    }

    pub async fn is_empty(&self) -> Result<bool, StoreError> {
        let q = Sql::new("SELECT count(*) FROM (SELECT 1 FROM logs LIMIT 1) x");
        Ok(self.run().fetch_one(&q).await?.int(0) == 0)
    }

    /// One page of rows, newest first, after the filter's cursor.
    pub async fn list(&self, f: &LogFilter, vis: Visibility) -> Result<Vec<LogRow>, StoreError> {
        let plan = self.keyword_plan(f, vis).await?;
        self.list_planned(f, vis, plan).await
    }

    /// Matching rows, counted exactly up to `COUNT_CAP` (then `COUNT_CAP + 1`).
    pub async fn count(&self, f: &LogFilter, vis: Visibility) -> Result<u64, StoreError> {
        let plan = self.keyword_plan(f, vis).await?;
        self.count_planned(f, vis, plan).await
    }

    /// One page and the capped count of the rows it pages through. With a keyword, every
    /// match (up to the cap) is read once for both: the count is their number, the page the
    /// newest of them. Otherwise, or past the cap, the list and the count run side by side.
    pub async fn page(
        &self,
        f: &LogFilter,
        vis: Visibility,
    ) -> Result<(Vec<LogRow>, u64), StoreError> {
        let plan = self.keyword_plan(f, vis).await?;
        if !matches!(plan, KeywordPlan::ByIds(_) | KeywordPlan::NewestFirst) {
            return tokio::try_join!(
                self.list_planned(f, vis, plan.clone()),
                self.count_planned(f, vis, plan)
            );
        }
        // PostgreSQL: a common word's page is among the newest rows, while its matches (past
        // the cap) cannot give it.
        let newest = async {
            if plan == KeywordPlan::NewestFirst && f.sort == Sort::Newest {
                self.keyword_in_newest(f, vis).await
            } else {
                Ok(None)
            }
        };
        let (walked, matched) = tokio::try_join!(newest, self.page_of_matches(f, vis, &plan))?;
        Ok(match (matched, walked) {
            (Some(page), _) => page,
            (None, Some(rows)) => (rows, COUNT_CAP + 1),
            (None, None) => {
                let plan = match plan {
                    KeywordPlan::NewestFirst => KeywordPlan::ByMatches,
                    other => other,
                };
                (self.list_planned(f, vis, plan).await?, COUNT_CAP + 1)
            }
        })
    }

    /// Every match of the filter but its cursor read once (`m`): their count, and the page
    /// after the cursor fetched by id. None past `COUNT_CAP` matches, where the page is not
    /// among those read.
    async fn page_of_matches(
        &self,
        f: &LogFilter,
        vis: Visibility,
        plan: &KeywordPlan,
    ) -> Result<Option<(Vec<LogRow>, u64)>, StoreError> {
        let every = LogFilter {
            cursor: None,
            ..f.clone()
        };
        // The order keys only: a match's whole row is read for the page alone (reading every
        // match's row took SQLite 28 ms for 6,600 matches at 10M rows, their keys 16).
        let mut q = Sql::new("WITH m AS MATERIALIZED (SELECT id, ts_ms, latency_ms FROM logs");
        push_where(&mut q, self.backend(), &every, vis, false, plan);
        q.push(" LIMIT ")
            .push_bind(COUNT_CAP as i64 + 1)
            .push(&format!(
                ") SELECT {COLUMNS}, (SELECT count(*) FROM m) AS total FROM logs \
                 WHERE id IN (SELECT id FROM m WHERE 1 = 1"
            ));
        push_cursor(&mut q, f, "");
        push_page_order(&mut q, f);
        q.push(")");
        push_page_order(&mut q, f);
        let rows = self.run().fetch_all(&q).await?;
        let count = match rows.first() {
            Some(r) => r.count_of("total"),
            None if f.cursor.is_none() => 0,
            // Past the last match: the count is of every match all the same.
            None => self.count_planned(f, vis, plan.clone()).await?,
        };
        if count > COUNT_CAP {
            return Ok(None);
        }
        Ok(Some((log_rows(&rows)?, count)))
    }

    async fn list_planned(
        &self,
        f: &LogFilter,
        vis: Visibility,
        mut plan: KeywordPlan,
    ) -> Result<Vec<LogRow>, StoreError> {
        let mut q = Sql::new(format!("SELECT {COLUMNS} FROM "));
        let backend = self.backend();
        match self.status_branches(f).await? {
            // A class or list of codes: one keyset-ordered page per code, merged. A range on
            // the status index would sort every matching row instead.
            Some(codes) if codes.is_empty() => return Ok(Vec::new()),
            // PostgreSQL plans a UNION of one branch per code across every partition's indexes
            // (15 ms for eight codes on seven partitions, to run in 1): a lateral page per code
            // is planned once.
            Some(codes) if backend == Backend::Postgres => {
                let codes: Vec<String> = codes.iter().map(u16::to_string).collect();
                q.push(&format!(
                    "(VALUES ({})) AS c(code) CROSS JOIN LATERAL (SELECT {COLUMNS} FROM logs",
                    codes.join("), (")
                ));
                let any_code = LogFilter {
                    status: Vec::new(),
                    ..f.clone()
                };
                push_where(
                    &mut q,
                    backend,
                    &any_code,
                    vis,
                    true,
                    &KeywordPlan::ByMatches,
                );
                q.push(" AND status_code = c.code");
                push_page_order(&mut q, f);
                q.push(") u");
            }
            Some(codes) => {
                q.push("(");
                for (i, code) in codes.into_iter().enumerate() {
                    if i > 0 {
                        q.push(" UNION ALL ");
                    }
                    let one = LogFilter {
                        status: vec![StatusRange::exact(code)],
                        ..f.clone()
                    };
                    q.push(&format!("SELECT * FROM (SELECT {COLUMNS} FROM logs"));
                    push_where(&mut q, backend, &one, vis, true, &KeywordPlan::ByMatches);
                    push_page_order(&mut q, f);
                    q.push(&format!(") b{i}"));
                }
                q.push(") u");
            }
            None => {
                if plan == KeywordPlan::NewestFirst && f.sort == Sort::Newest {
                    if let Some(page) = self.keyword_in_newest(f, vis).await? {
                        return Ok(page);
                    }
                    plan = KeywordPlan::ByMatches;
                }
                q.push("logs");
                push_where(&mut q, backend, f, vis, true, &plan);
            }
        }
        push_page_order(&mut q, f);
        let rows = self.run().fetch_all(&q).await?;
        Ok(log_rows(&rows)?)
    }

    /// Walks the time index when the keyword is the only narrowing filter and its matches are
    /// common enough that the walk to a page (about `page * rows / matches` index entries) is
    /// shorter than fetching and sorting every match (`matches` row reads, ~10x an entry).
    /// That holds from `sqrt(page * rows / 10)` matches on, so the matches are counted only
    /// that far (a few thousand on 10M rows); fewer matches are kept and fetched by id.
    async fn keyword_plan(
        &self,
        f: &LogFilter,
        vis: Visibility,
    ) -> Result<KeywordPlan, StoreError> {
        const ROW_READ_COST: f64 = 10.0;
        let Some(k) = f.keyword.as_deref().filter(|k| k.chars().count() >= 3) else {
            return Ok(KeywordPlan::ByMatches);
        };
        if self.backend() == Backend::Postgres {
            return Ok(KeywordPlan::NewestFirst);
        }
        let narrowed = vis != Visibility::All
            || f.user_id.is_some()
            || f.model.is_some()
            || f.token.is_some()
            || f.group.is_some()
            || f.request_id.is_some()
            || f.entry_id.is_some()
            || f.channel.is_some()
            || f.min_latency_ms.is_some()
            || f.attribution.is_some()
            || f.collapse
            || !f.status.is_empty();
        if narrowed {
            return Ok(KeywordPlan::ByMatches);
        }
        let rows = self
            .run()
            .fetch_one(&Sql::new("SELECT coalesce(max(id), 0) FROM logs"))
            .await?
            .int(0);
        let enough = (f64::from(f.page_size + 1) * rows as f64 / ROW_READ_COST).sqrt() as i64 + 1;
        // The content alone: with the type too, FTS5 walks the type's long list past each
        // match of a rare word (2.5x slower at 10M rows); the page tests the type itself.
        let q = Sql::new("SELECT rowid FROM logs_fts WHERE logs_fts MATCH $1 LIMIT $2")
            .bind(fts_phrase(k))
            .bind(enough);
        let ids: Vec<i64> = self
            .run()
            .fetch_all(&q)
            .await?
            .iter()
            .map(|r| r.int(0))
            .collect();
        Ok(if ids.len() as i64 >= enough {
            KeywordPlan::ByTime
        } else {
            KeywordPlan::ByIds(serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into()))
        })
    }

    /// PostgreSQL: the newest `WALK` rows the other filters match, tested for the keyword. A
    /// full page among them is the page: a common word, whose every match the trigram index
    /// would have the server fetch and sort (the planner cannot tell, as pg_trgm estimates a
    /// pattern's matches poorly). None when they hold less than a page.
    async fn keyword_in_newest(
        &self,
        f: &LogFilter,
        vis: Visibility,
    ) -> Result<Option<Vec<LogRow>>, StoreError> {
        const WALK: i64 = 2_000;
        let Some(k) = &f.keyword else {
            return Ok(None);
        };
        let others = LogFilter {
            keyword: None,
            ..f.clone()
        };
        let mut q = Sql::new(format!("SELECT * FROM (SELECT {COLUMNS} FROM logs"));
        push_where(
            &mut q,
            self.backend(),
            &others,
            vis,
            true,
            &KeywordPlan::ByMatches,
        );
        q.push(" ORDER BY ts_ms DESC, id DESC LIMIT ")
            .push_bind(WALK)
            .push(") w WHERE 1 = 1");
        push_keyword(&mut q, self.backend(), k, &KeywordPlan::NewestFirst);
        push_page_order(&mut q, f);
        let rows = self.run().fetch_all(&q).await?;
        if rows.len() <= f.page_size as usize {
            return Ok(None);
        }
        Ok(Some(log_rows(&rows)?))
    }

    /// The codes to page through one by one, when the filter names several (a class or a
    /// list) and no keyword drives the query; None to run it as one query.
    async fn status_branches(&self, f: &LogFilter) -> Result<Option<Vec<u16>>, StoreError> {
        const MAX_BRANCHES: usize = 64;
        let several = f.status.len() > 1 || f.status.iter().any(|r| !r.is_exact());
        if !several || f.keyword.is_some() {
            return Ok(None);
        }
        let known = self
            .run()
            .fetch_all(&Sql::new("SELECT code FROM status_codes ORDER BY code"))
            .await?;
        let codes: Vec<u16> = known
            .iter()
            .filter_map(|r| u16::try_from(r.int(0)).ok())
            .filter(|c| f.status.iter().any(|r| r.contains(*c)))
            .collect();
        Ok((codes.len() <= MAX_BRANCHES).then_some(codes))
    }

    /// A common keyword over all time, with no filter but the log type, is counted in the
    /// keyword index alone (it holds each row's type); otherwise the rows are walked and tested
    /// against the matches.
    async fn count_planned(
        &self,
        f: &LogFilter,
        vis: Visibility,
        plan: KeywordPlan,
    ) -> Result<u64, StoreError> {
        let plan = match plan {
            KeywordPlan::ByTime if f.from_ms.is_none() && f.to_ms.is_none() => {
                KeywordPlan::FromIndex
            }
            ids @ KeywordPlan::ByIds(_) => ids,
            _ => KeywordPlan::ByMatches,
        };
        let mut q = Sql::new("SELECT count(*) FROM (SELECT 1 FROM ");
        match (&plan, &f.keyword) {
            (KeywordPlan::FromIndex, Some(k)) => {
                q.push("logs_fts WHERE logs_fts MATCH ")
                    .push_bind(fts_query(k, f.log_type));
            }
            _ => {
                q.push("logs");
                push_where(&mut q, self.backend(), f, vis, false, &plan);
            }
        }
        q.push(" LIMIT ")
            .push_bind(COUNT_CAP as i64 + 1)
            .push(") x");
        Ok(self.run().fetch_one(&q).await?.count(0))
    }

    pub async fn get(&self, id: i64, vis: Visibility) -> Result<Option<LogRow>, StoreError> {
        let mut q = Sql::new(format!("SELECT {COLUMNS} FROM logs WHERE id = "));
        q.push_bind(id);
        if let Visibility::User(u) = vis {
            q.push(" AND user_id = ").push_bind(u);
        }
        Ok(self
            .run()
            .fetch_optional(&q)
            .await?
            .as_ref()
            .map(to_log_row)
            .transpose()?)
    }

    /// Every row of one request the viewer may see (its attempts), oldest first; at most
    /// `MAX_ATTEMPTS`.
    pub async fn request_attempts(
        &self,
        request_id: &str,
        vis: Visibility,
    ) -> Result<Vec<LogRow>, StoreError> {
        let mut q = Sql::new(format!("SELECT {COLUMNS} FROM logs WHERE request_id = "));
        q.push_bind(request_id);
        if let Visibility::User(u) = vis {
            q.push(" AND user_id = ").push_bind(u);
        }
        q.push(&format!(
            " ORDER BY ts_ms, attempt, id LIMIT {MAX_ATTEMPTS}"
        ));
        let rows = self.run().fetch_all(&q).await?;
        Ok(log_rows(&rows)?)
    }

    /// How many rows (attempts) each of these request ids has that the viewer may see.
    pub async fn attempt_counts(
        &self,
        request_ids: &[&str],
        vis: Visibility,
    ) -> Result<Vec<(String, u64)>, StoreError> {
        if request_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = Sql::new("SELECT request_id, count(*) FROM logs WHERE request_id IN ");
        q.push_tuple(request_ids.iter().copied());
        if let Visibility::User(u) = vis {
            q.push(" AND user_id = ").push_bind(u);
        }
        q.push(" GROUP BY request_id");
        let rows = self.run().fetch_all(&q).await?;
        Ok(rows.iter().map(|r| (r.text(0), r.count(1))).collect())
    }

    /// The newest row with this request_id that the viewer may see.
    pub async fn find_request(
        &self,
        request_id: &str,
        vis: Visibility,
    ) -> Result<Option<i64>, StoreError> {
        let mut q = Sql::new("SELECT id FROM logs WHERE request_id = ");
        q.push_bind(request_id);
        if let Visibility::User(u) = vis {
            q.push(" AND user_id = ").push_bind(u);
        }
        q.push(" ORDER BY attempt DESC LIMIT 1");
        Ok(self.run().fetch_optional(&q).await?.map(|r| r.int(0)))
    }

    /// Same-signature failures (status code and catalogue entry) around a row: in its group,
    /// and in other groups. Counts only; rows of other users are never returned, and a relay
    /// user is given counts of their own rows only (see `ScopeReading`).
    pub async fn impact_scope(
        &self,
        row: &LogRow,
        window_minutes: i64,
        vis: Visibility,
    ) -> Result<ScopeReading, StoreError> {
        let mut scopes = self.impact_scopes(&[row], window_minutes, vis).await?;
        Ok(scopes.pop().unwrap_or_default())
    }

    /// The impact scope of each row, from one read of the failures with the rows' signatures
    /// in their windows (an OR of index ranges, one per row; overlapping windows read a failure
    /// once).
    pub async fn impact_scopes(
        &self,
        rows: &[&LogRow],
        window_minutes: i64,
        vis: Visibility,
    ) -> Result<Vec<ScopeReading>, StoreError> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = Sql::new(format!(
            "SELECT ts_ms, grp, token_name, user_id, model, status_code, entry_id FROM logs \
             WHERE {ERROR_ROWS} AND (",
        ));
        for (i, row) in rows.iter().enumerate() {
            if i > 0 {
                q.push(" OR ");
            }
            let (lo, hi) = scope_window(row.ts_ms, window_minutes);
            q.push("(ts_ms BETWEEN ")
                .push_bind(lo)
                .push(" AND ")
                .push_bind(hi);
            push_signature(&mut q, row.status_code, row.entry_id.as_deref());
            q.push(")");
        }
        q.push(")");
        let failure = |r: &DbRow| -> Result<Failure, sqlx::Error> {
            let f: FailureRecord = r.record()?;
            Ok(Failure {
                ts_ms: f.ts_ms,
                group: f.grp,
                token: f.token_name,
                user_id: f.user_id,
                model: f.model,
                status: f.status_code.and_then(|s| u16::try_from(s).ok()),
                entry_id: f.entry_id,
            })
        };
        let rows_read = self.run().fetch_all(&q).await?;
        let failures = rows_read
            .iter()
            .map(failure)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows
            .iter()
            .map(|row| ScopeReading::around(row, window_minutes, &failures, vis.user()))
            .collect())
    }

    pub async fn facets(&self, vis: Visibility) -> Result<Facets, StoreError> {
        let mut q = Sql::new("SELECT DISTINCT kind, value FROM facets");
        if let Visibility::User(u) = vis {
            q.push(" WHERE user_id = ").push_bind(u);
        }
        q.push(" ORDER BY kind, value LIMIT 3000");
        let mut f = Facets::default();
        for r in self.run().fetch_all(&q).await? {
            let value = r.text(1);
            match r.text(0).as_str() {
                "model" => f.models.push(value),
                "token" => f.tokens.push(value),
                _ => f.groups.push(value),
            }
        }
        Ok(f)
    }
}

/// A latency as slowest-first pages order it: none recorded counts as 0.
const LATENCY_KEY: &str = "coalesce(latency_ms, 0)";

fn push_page_order(q: &mut Sql, f: &LogFilter) {
    match f.sort {
        Sort::Newest => q.push(" ORDER BY ts_ms DESC, id DESC LIMIT "),
        Sort::Slowest => q.push(&format!(" ORDER BY {LATENCY_KEY} DESC, id DESC LIMIT ")),
    };
    q.push_bind(i64::from(f.page_size) + 1);
}

/// A status code and catalogue entry as conditions that each column's index can serve
/// (`IS NULL` for none, never `IS NOT DISTINCT FROM`, which PostgreSQL cannot index).
pub(super) fn push_signature(q: &mut Sql, status: Option<u16>, entry_id: Option<&str>) {
    match status {
        Some(s) => q.push(" AND status_code = ").push_bind(i64::from(s)),
        None => q.push(" AND status_code IS NULL"),
    };
    match entry_id {
        Some(e) => q.push(" AND entry_id = ").push_bind(e),
        None => q.push(" AND entry_id IS NULL"),
    };
}

/// A keyword as an FTS5 phrase in the content column: with the trigram index, a
/// case-insensitive substring.
fn fts_phrase(k: &str) -> String {
    format!("content:\"{}\"", k.replace('"', "\"\""))
}

/// The keyword in the content of rows of one log type (the index's `fts_type` column holds
/// `ty` and the type's number: one trigram), or of every type.
fn fts_query(k: &str, log_type: Option<LogType>) -> String {
    match log_type {
        Some(t) => format!("{} AND fts_type:\"ty{}\"", fts_phrase(k), t.as_i64()),
        None => fts_phrase(k),
    }
}

/// A keyword as an ILIKE pattern for a case-insensitive substring (`\` escapes).
fn like_pattern(k: &str) -> String {
    let escaped = k
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// How a keyword narrows a page on SQLite: fetch every match by id and sort them (rare
/// words), or walk the time index newest first and test each row (common words, whose first
/// page is near the top); a count of a common word can instead be driven by the keyword index.
#[derive(Clone, PartialEq, Eq)]
enum KeywordPlan {
    /// Other filters narrow the rows too: SQLite's planner picks between them and the matches.
    ByMatches,
    /// Rare matches and no other narrowing filter: the ids of every match (a JSON array), whose
    /// rows are fetched by id (the unary `+` keeps SQLite from walking the log-type or time
    /// index and testing every row instead).
    ByIds(String),
    ByTime,
    /// PostgreSQL: the newest rows of the other filters first (`keyword_in_newest`), then the
    /// planner's choice.
    NewestFirst,
    /// Count only: the matches of the keyword and log type, in the index alone.
    FromIndex,
}

/// The WHERE clause every list and count shares.
fn push_where(
    q: &mut Sql,
    backend: Backend,
    f: &LogFilter,
    vis: Visibility,
    with_cursor: bool,
    plan: &KeywordPlan,
) {
    q.push(" WHERE 1 = 1");
    if let Visibility::User(u) = vis {
        q.push(" AND user_id = ").push_bind(u);
    }
    let by_ids = if matches!(plan, KeywordPlan::ByIds(_)) {
        "+"
    } else {
        ""
    };
    // A literal, not a bound value: SQLite uses an index with `WHERE log_type = 5` (the
    // error-only pair indexes) only for a query that names the same constant.
    if let Some(t) = f.log_type {
        q.push(&format!(" AND {by_ids}log_type = {}", t.as_i64()));
    }
    if let Some(u) = f.user_id {
        q.push(" AND user_id = ").push_bind(u);
    }
    if let Some(v) = f.from_ms {
        q.push(&format!(" AND {by_ids}ts_ms >= ")).push_bind(v);
    }
    if let Some(v) = f.to_ms {
        q.push(&format!(" AND {by_ids}ts_ms <= ")).push_bind(v);
    }
    for (col, value) in [
        ("model", &f.model),
        ("token_name", &f.token),
        ("grp", &f.group),
        ("request_id", &f.request_id),
        ("entry_id", &f.entry_id),
        ("channel", &f.channel),
    ] {
        if let Some(v) = value {
            q.push(&format!(" AND {col} = ")).push_bind(v);
        }
    }
    if !f.status.is_empty() {
        q.push(" AND (");
        for (i, r) in f.status.iter().enumerate() {
            if i > 0 {
                q.push(" OR ");
            }
            if r.is_exact() {
                q.push("status_code = ").push_bind(i64::from(r.lo));
            } else {
                q.push("status_code BETWEEN ")
                    .push_bind(i64::from(r.lo))
                    .push(" AND ")
                    .push_bind(i64::from(r.hi));
            }
        }
        q.push(")");
    }
    if let Some(a) = f.attribution {
        q.push(" AND attribution = ").push_bind(a.as_str());
    }
    if let Some(ms) = f.min_latency_ms {
        q.push(" AND latency_ms >= ").push_bind(ms);
    }
    if let Some(k) = &f.keyword {
        push_keyword(q, backend, k, plan);
    }
    if f.collapse {
        push_newest_of_request(q, f, vis);
    }
    if with_cursor {
        push_cursor(q, f, by_ids);
    }
}

/// The rows after the filter's cursor, in its sort order. `prefix` is `+` to keep SQLite
/// from walking the time index for it.
fn push_cursor(q: &mut Sql, f: &LogFilter, prefix: &str) {
    match f.cursor {
        // The bare `ts_ms <=` is what an index range can end at: without it neither
        // backend can seek past the OR, and a page 100,000 rows down walks 100,000 entries.
        Some(Cursor::Time { ts_ms, id }) => {
            q.push(&format!(" AND {prefix}ts_ms <= "))
                .push_bind(ts_ms)
                .push(" AND (ts_ms < ")
                .push_bind(ts_ms)
                .push(" OR (ts_ms = ")
                .push_bind(ts_ms)
                .push(" AND id < ")
                .push_bind(id)
                .push("))");
        }
        Some(Cursor::Latency { ms, id }) => {
            q.push(&format!(" AND ({LATENCY_KEY} < "))
                .push_bind(ms)
                .push(&format!(" OR ({LATENCY_KEY} = "))
                .push_bind(ms)
                .push(" AND id < ")
                .push_bind(id)
                .push("))");
        }
        None => {}
    }
}

/// One row per request: no newer row of the same request id (of the filter's log type, that
/// the viewer may see) exists.
fn push_newest_of_request(q: &mut Sql, f: &LogFilter, vis: Visibility) {
    q.push(
        " AND NOT EXISTS (SELECT 1 FROM logs newer \
         WHERE newer.request_id = logs.request_id \
         AND (newer.ts_ms > logs.ts_ms OR (newer.ts_ms = logs.ts_ms AND newer.id > logs.id))",
    );
    if let Some(t) = f.log_type {
        q.push(&format!(" AND newer.log_type = {}", t.as_i64()));
    }
    if let Visibility::User(u) = vis {
        q.push(" AND newer.user_id = ").push_bind(u);
    }
    q.push(")");
}

/// A case-insensitive substring of the content, through each backend's trigram index.
fn push_keyword(q: &mut Sql, backend: Backend, k: &str, plan: &KeywordPlan) {
    match backend {
        Backend::Postgres => {
            // `content <> ''` is the trigram index's WHERE clause (consume rows have none).
            q.push(" AND content <> '' AND content ILIKE ")
                .push_bind(like_pattern(k));
        }
        Backend::Sqlite if k.chars().count() < 3 => {
            q.push(" AND instr(lower(content), lower(")
                .push_bind(k)
                .push(")) > 0");
        }
        // Trigram index: a quoted phrase matches a case-insensitive substring.
        Backend::Sqlite => match plan {
            // Testing each walked row's text is cheaper than collecting every match first;
            // LIKE folds ASCII case only, as the index does for keywords without other cased
            // letters (Chinese has none).
            KeywordPlan::ByTime if k.chars().all(|c| c.is_ascii() || !has_case(c)) => {
                q.push(" AND content LIKE ")
                    .push_bind(like_pattern(k))
                    .push(" ESCAPE '\\'");
            }
            // The unary `+` keeps SQLite from driving the walk by id.
            KeywordPlan::ByTime => {
                q.push(" AND +id IN (SELECT rowid FROM logs_fts WHERE logs_fts MATCH ")
                    .push_bind(fts_phrase(k))
                    .push(")");
            }
            KeywordPlan::ByIds(ids) => {
                q.push(" AND id IN (SELECT value FROM json_each(")
                    .push_bind(ids.as_str())
                    .push("))");
            }
            KeywordPlan::ByMatches | KeywordPlan::NewestFirst | KeywordPlan::FromIndex => {
                q.push(" AND id IN (SELECT rowid FROM logs_fts WHERE logs_fts MATCH ")
                    .push_bind(fts_phrase(k))
                    .push(")");
            }
        },
    }
}

/// Whether a letter has an upper- or lower-case form (Latin, Greek, Cyrillic... but not CJK).
fn has_case(c: char) -> bool {
    c.is_lowercase() || c.is_uppercase()
}

/// A row of `COLUMNS`.
/// An error row as the impact scope reads it.
#[derive(sqlx::FromRow)]
struct FailureRecord {
    ts_ms: i64,
    grp: String,
    token_name: String,
    user_id: i64,
    model: String,
    status_code: Option<i64>,
    entry_id: Option<String>,
}

/// A row of `logs` as `COLUMNS` reads it.
#[derive(sqlx::FromRow)]
struct LogRecord {
    id: i64,
    ts_ms: i64,
    log_type: i64,
    user_id: i64,
    username: String,
    token_name: String,
    grp: String,
    model: String,
    request_id: String,
    attempt: i64,
    upstream_request_id: Option<String>,
    status_code: Option<i64>,
    error_code: Option<String>,
    error_type: Option<String>,
    content: String,
    latency_ms: Option<i64>,
    is_stream: bool,
    prompt_tokens: i64,
    completion_tokens: i64,
    quota: i64,
    attribution: Option<String>,
    entry_id: Option<String>,
    channel: Option<String>,
    retries: Option<String>,
    client_ip: Option<String>,
}

fn to_log_row(r: &DbRow) -> Result<LogRow, sqlx::Error> {
    let l: LogRecord = r.record()?;
    Ok(LogRow {
        id: l.id,
        ts_ms: l.ts_ms,
        log_type: LogType::from_i64(l.log_type).unwrap_or_default(),
        user_id: l.user_id,
        username: l.username,
        token_name: l.token_name,
        group: l.grp,
        model: l.model,
        request_id: l.request_id,
        attempt: l.attempt,
        upstream_request_id: l.upstream_request_id,
        status_code: l.status_code.and_then(|s| u16::try_from(s).ok()),
        error_code: l.error_code,
        error_type: l.error_type,
        content: l.content,
        latency_ms: l.latency_ms,
        is_stream: l.is_stream,
        prompt_tokens: l.prompt_tokens,
        completion_tokens: l.completion_tokens,
        quota: l.quota,
        attribution: l.attribution.as_deref().and_then(Attribution::parse),
        entry_id: l.entry_id,
        channel: l.channel,
        retries: l.retries,
        client_ip: l.client_ip,
    })
}

fn log_rows(rows: &[DbRow]) -> Result<Vec<LogRow>, sqlx::Error> {
    rows.iter().map(to_log_row).collect()
}

#[cfg(test)]
mod tests {
    use super::like_pattern;

    #[test]
    fn like_patterns_match_wildcards_literally() {
        assert_eq!(like_pattern("50%_off"), "%50\\%\\_off%");
        assert_eq!(like_pattern("a\\b"), "%a\\\\b%");
    }
}
