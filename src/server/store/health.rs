//! Group Health reads: the counts of a window, who the errors touched, signature samples and scope.
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use super::health_cache::{by_bucket, BucketCache};
use super::{rollup, DbRow, Sql, Store, StoreError, Visibility, ERROR_ROWS};
use crate::domain::attribution::Attribution;
use crate::domain::health::{aggregate, Count, GroupStatus, Signature};
use crate::domain::log::LogType;

/// Group Health's counts of a window: see `Store::health_counts`. The counts come in lists
/// (one per bucket when read through the bucket caches).
pub struct HealthCounts {
    pub totals: Vec<Arc<Vec<Count>>>,
    pub errors: Vec<Arc<Vec<Count>>>,
    pub affected: Vec<Affected>,
}

impl HealthCounts {
    pub fn totals(&self) -> impl Iterator<Item = &Count> {
        self.totals.iter().flat_map(|list| list.iter())
    }

    pub fn errors(&self) -> impl Iterator<Item = &Count> {
        self.errors.iter().flat_map(|list| list.iter())
    }
}

/// A token (kind 0), user id (1) or model (2) that errors touched in a group.
pub(super) type Member = (String, i64, String);

/// What Group Health keeps of past buckets (see `health_cache`).
#[derive(Clone, Default)]
pub(super) struct HealthCaches {
    totals: BucketCache<Count>,
    errors: BucketCache<Count>,
    members: BucketCache<Member>,
    pub(super) latency: BucketCache<super::latency::LatencyCount>,
}

/// Distinct tokens, users and models that errors touched in one group.
#[derive(Clone, Debug, Default)]
pub struct Affected {
    pub group: String,
    pub tokens: u64,
    pub users: u64,
    pub models: u64,
}

/// Who and when, for the failures of one signature in some groups and a time span.
#[derive(Clone, Debug, Default)]
pub struct SignatureScope {
    pub count: u64,
    pub tokens: u64,
    pub users: u64,
    pub first_ms: i64,
    pub last_ms: i64,
    /// The token with the most of these failures, and how many.
    pub top_token: String,
    pub top_token_count: u64,
}

/// The (status code, entry id) signature in columns `i` and `i + 1`.
fn signature_at(r: &DbRow, i: usize) -> Signature {
    Signature {
        status: r.opt_int(i).and_then(|s| u16::try_from(s).ok()),
        entry_id: r.opt_text(i + 1),
    }
}

impl HealthCaches {
    fn clear(&self) {
        self.totals.clear();
        self.errors.clear();
        self.members.clear();
        self.latency.clear();
    }
}

/// A count of a rollup read: the bucket's start, group, log type, signature, attribution, n.
fn count_at(r: &DbRow) -> Count {
    Count {
        t_ms: r.int(0),
        group: r.text(1),
        error: r.int(2) == LogType::Error.as_i64(),
        signature: signature_at(r, 3),
        attribution: r.opt_text(5).as_deref().and_then(Attribution::parse),
        n: r.count(6),
    }
}

/// Who errors touched, per group, from member lists.
fn affected_from<'a>(members: impl Iterator<Item = &'a Member>) -> Vec<Affected> {
    let mut seen: HashMap<&str, [HashSet<&str>; 3]> = HashMap::new();
    for (group, kind, value) in members {
        if let Some(set) = usize::try_from(*kind)
            .ok()
            .and_then(|k| seen.entry(group.as_str()).or_default().get_mut(k))
        {
            set.insert(value.as_str());
        }
    }
    let mut out: Vec<Affected> = seen
        .into_iter()
        .map(|(group, [tokens, users, models])| Affected {
            group: group.to_string(),
            tokens: tokens.len() as u64,
            users: users.len() as u64,
            models: models.len() as u64,
        })
        .collect();
    out.sort_by(|a, b| a.group.cmp(&b.group));
    out
}

impl Store {
    /// Forgets every bucket Group Health kept, so the next window is read from the rollups
    /// (the benchmark's first-load case).
    pub fn forget_health_buckets(&self) {
        self.health.clear();
    }

    /// How many buckets of `bucket_ms` Group Health keeps of its request totals (for tests).
    #[doc(hidden)]
    pub fn kept_health_buckets(&self, bucket_ms: i64) -> usize {
        self.health.totals.kept(bucket_ms)
    }

    /// What Group Health counts for the window `[from, to)` in buckets of `bucket_ms` from
    /// `from`, and for the window before it from `prev_from`: requests per group and log type,
    /// errors per group, signature and attribution, and who the errors touched. When the
    /// windows fall on quarter-hours: per bucket, from the rollups through the bucket caches
    /// (each count's time is its bucket's start). Else summed from the logs, the window before
    /// as one bucket at `prev_from`.
    /// A relay user's counts are of their own rows only, always read from the logs (through
    /// the index on user, type and time); everyone else's go through the rollups.
    pub async fn health_counts(
        &self,
        prev_from: i64,
        from: i64,
        to: i64,
        bucket_ms: i64,
        vis: Visibility,
    ) -> Result<HealthCounts, StoreError> {
        let aligned =
            rollup::aligned(prev_from, to, bucket_ms) && (from - prev_from) % bucket_ms == 0;
        if !aligned || vis != Visibility::All {
            return self
                .health_counts_from_logs(prev_from, from, to, bucket_ms, vis)
                .await;
        }
        let stamps = self.bucket_stamps(prev_from, to, bucket_ms).await?;
        let current = &stamps[((from - prev_from) / bucket_ms) as usize..];
        let errors_tail = format!(" AND {ERROR_ROWS} GROUP BY 1, 2, 3, 4, 5, 6");
        let (totals, errors, members) = tokio::try_join!(
            self.health.totals.buckets(
                (prev_from, to),
                (prev_from, to),
                bucket_ms,
                &stamps,
                |a, b| {
                    self.bucket_rows(
                    "grp, log_type, CAST(NULL AS BIGINT), CAST(NULL AS TEXT), CAST(NULL AS TEXT), \
                     CAST(sum(n) AS BIGINT) FROM health_totals",
                    " GROUP BY 1, 2, 3",
                    (a, b),
                    bucket_ms,
                    count_at,
                )
                }
            ),
            self.health
                .errors
                .buckets((from, to), (from, to), bucket_ms, current, |a, b| {
                    self.bucket_rows(
                        "grp, log_type, nullif(status_code, 0), nullif(entry_id, ''), \
                     nullif(attribution, ''), CAST(sum(n) AS BIGINT) FROM health_rollup",
                        &errors_tail,
                        (a, b),
                        bucket_ms,
                        count_at,
                    )
                }),
            self.health
                .members
                .buckets((from, to), (from, to), bucket_ms, current, |a, b| {
                    self.bucket_rows(
                        "grp, kind, value FROM health_members",
                        " GROUP BY 1, 2, 3, 4",
                        (a, b),
                        bucket_ms,
                        |r| (r.text(1), r.int(2), r.text(3)),
                    )
                }),
        )?;
        let affected = affected_from(members.iter().flat_map(|list| list.iter()));
        Ok(HealthCounts {
            totals,
            errors,
            affected,
        })
    }

    /// `SELECT <bucket start>, <select_from> WHERE <the quarters of [from, to)><tail>`, each
    /// quarter counted in the bucket of `bucket_ms` (from `from`) it falls in, read by `row`
    /// into one list per bucket. The quarter bounds are written into the SQL so the table's key
    /// serves them.
    pub(super) async fn bucket_rows<T>(
        &self,
        select_from: &str,
        tail: &str,
        span: (i64, i64),
        bucket_ms: i64,
        row: fn(&DbRow) -> T,
    ) -> Result<Vec<Vec<T>>, StoreError> {
        self.bucket_rows_by(
            ("quarter", rollup::QUARTER_MS),
            select_from,
            tail,
            span,
            bucket_ms,
            row,
        )
        .await
    }

    /// `bucket_rows` of a table whose time column `unit.0` counts steps of `unit.1` ms.
    pub(super) async fn bucket_rows_by<T>(
        &self,
        (column, unit_ms): (&str, i64),
        select_from: &str,
        tail: &str,
        (from, to): (i64, i64),
        bucket_ms: i64,
        row: fn(&DbRow) -> T,
    ) -> Result<Vec<Vec<T>>, StoreError> {
        let q = Sql::new(format!(
            "SELECT $1 + ({column} * {unit_ms} - $1) / $2 * $2, {select_from} \
             WHERE {column} >= {} AND {column} < {}{tail}",
            from / unit_ms,
            to / unit_ms,
        ))
        .bind(from)
        .bind(bucket_ms);
        let rows = self.run().fetch_all(&q).await?;
        let rows = rows.iter().map(|r| (r.int(0), row(r)));
        Ok(by_bucket(rows, from, to, bucket_ms))
    }

    /// `health_counts` for windows off the quarter-hours (the short ones), from the logs.
    async fn health_counts_from_logs(
        &self,
        prev_from: i64,
        from: i64,
        to: i64,
        bucket_ms: i64,
        vis: Visibility,
    ) -> Result<HealthCounts, StoreError> {
        let bucket = "CASE WHEN ts_ms < $1 THEN $2 ELSE $1 + (ts_ms - $1) / $3 * $3 END";
        // A user id is a number: written into the SQL, it keeps the three reads' binds alike.
        let whose = vis
            .user()
            .map(|u| format!(" AND user_id = {u}"))
            .unwrap_or_default();
        let totals_sql = format!(
            "SELECT {bucket}, grp, log_type, CAST(NULL AS BIGINT), CAST(NULL AS TEXT), \
             CAST(NULL AS TEXT), CAST(count(*) AS BIGINT) FROM logs \
             WHERE ts_ms >= {prev_from} AND ts_ms < {to}{whose} GROUP BY 1, 2, 3"
        );
        let errors_sql = format!(
            "SELECT {bucket}, grp, log_type, status_code, entry_id, attribution, \
             CAST(count(*) AS BIGINT) FROM logs \
             WHERE {ERROR_ROWS} AND ts_ms >= {from} AND ts_ms < {to}{whose} \
             GROUP BY 1, 2, 3, 4, 5, 6"
        );
        let read = |sql: String| async move {
            let q = Sql::new(sql)
                .bind(from)
                .bind(prev_from)
                .bind(bucket_ms.max(1));
            let rows = self.run().fetch_all(&q).await?;
            Ok::<_, StoreError>(Arc::new(rows.iter().map(count_at).collect::<Vec<Count>>()))
        };
        let (totals, errors, affected) = tokio::try_join!(
            read(totals_sql),
            read(errors_sql),
            self.affected_from_logs(from, to, &whose)
        )?;
        Ok(HealthCounts {
            totals: vec![totals],
            errors: vec![errors],
            affected,
        })
    }

    /// Distinct tokens, users and models that errors touched, per group, from the logs.
    async fn affected_from_logs(
        &self,
        from: i64,
        to: i64,
        whose: &str,
    ) -> Result<Vec<Affected>, StoreError> {
        let q = Sql::new(format!(
            "SELECT grp, count(DISTINCT token_name), count(DISTINCT user_id), count(DISTINCT model) \
             FROM logs WHERE {ERROR_ROWS} AND ts_ms >= $1 AND ts_ms < $2{whose} GROUP BY grp"
        ))
        .bind(from)
        .bind(to);
        Ok(self
            .run()
            .fetch_all(&q)
            .await?
            .iter()
            .map(|r| Affected {
                group: r.text(0),
                tokens: r.count(1),
                users: r.count(2),
                models: r.count(3),
            })
            .collect())
    }

    /// How each group the relay user `user` has rows in is doing as a whole, in words only
    /// (other customers' numbers are not the user's to know).
    pub async fn shared_group_status(
        &self,
        from: i64,
        to: i64,
        bucket_ms: i64,
        user: i64,
    ) -> Result<Vec<(String, GroupStatus)>, StoreError> {
        let (counts, own) = tokio::try_join!(
            self.health_counts(from, from, to, bucket_ms, Visibility::All),
            self.facets(Visibility::User(user)),
        )?;
        let window = aggregate(
            counts.totals(),
            std::iter::empty(),
            from,
            from,
            to,
            bucket_ms,
        );
        Ok(window
            .totals
            .into_iter()
            .filter(|(g, _)| own.groups.contains(g))
            .map(|(g, t)| (g, GroupStatus::of(t.requests, t.errors)))
            .collect())
    }

    /// The newest message of each error signature (kept by ingest in `signature_samples`).
    pub async fn signature_messages(&self) -> Result<Vec<(Signature, String)>, StoreError> {
        let q = Sql::new(
            "SELECT nullif(status_code, 0), nullif(entry_id, ''), content FROM signature_samples",
        );
        let rows = self.run().fetch_all(&q).await?;
        Ok(rows
            .iter()
            .map(|r| (signature_at(r, 0), r.text(2)))
            .collect())
    }

    pub async fn signature_scope(
        &self,
        sig: &Signature,
        groups: &[String],
        from: i64,
        to: i64,
    ) -> Result<SignatureScope, StoreError> {
        if groups.is_empty() {
            return Ok(SignatureScope::default());
        }
        let totals = Store::signature_query(
            sig,
            groups,
            (from, to),
            "count(*), count(DISTINCT token_name), count(DISTINCT user_id), min(ts_ms), max(ts_ms)",
            "",
        );
        let top = Store::signature_query(
            sig,
            groups,
            (from, to),
            "token_name, count(*)",
            " GROUP BY token_name ORDER BY 2 DESC LIMIT 1",
        );
        let totals = self.run().fetch_one(&totals).await?;
        let top = self.run().fetch_optional(&top).await?;
        Ok(SignatureScope {
            count: totals.count(0),
            tokens: totals.count(1),
            users: totals.count(2),
            first_ms: totals.opt_int(3).unwrap_or(0),
            last_ms: totals.opt_int(4).unwrap_or(0),
            top_token: top.as_ref().and_then(|t| t.opt_text(0)).unwrap_or_default(),
            top_token_count: top.as_ref().map_or(0, |t| t.count(1)),
        })
    }

    /// `SELECT select FROM logs` for one signature's errors in `groups` and `[from, to)`.
    fn signature_query(
        sig: &Signature,
        groups: &[String],
        (from, to): (i64, i64),
        select: &str,
        tail: &str,
    ) -> Sql {
        let mut q = Sql::new(format!("SELECT {select} FROM logs WHERE {ERROR_ROWS}"));
        super::logs::push_signature(&mut q, sig.status, sig.entry_id.as_deref());
        q.push(" AND ts_ms >= ")
            .push_bind(from)
            .push(" AND ts_ms < ")
            .push_bind(to)
            .push(" AND grp IN ")
            .push_tuple(groups.iter().map(String::as_str));
        q.push(tail);
        q
    }
}
