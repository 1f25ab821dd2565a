//! Group Health reads: the counts of a window, who the errors touched, signature samples and scope.
use sqlx::Row;

use super::{rollup, Store, StoreError};
use crate::domain::attribution::Attribution;
use crate::domain::health::{Count, Signature};
use crate::domain::log::LogType;

/// Group Health's counts of a window: see `Store::health_counts`.
pub struct HealthCounts {
    pub totals: Vec<Count>,
    pub errors: Vec<Count>,
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

use super::count_at as n;

/// The (status code, entry id) signature in columns `i` and `i + 1`.
fn signature_at(r: &sqlx::sqlite::SqliteRow, i: usize) -> Signature {
    Signature {
        status: r
            .get::<Option<i64>, _>(i)
            .and_then(|s| u16::try_from(s).ok()),
        entry_id: r.get(i + 1),
    }
}

impl Store {
    /// What Group Health counts, summed by SQLite per bucket of `[from, to)` (the window
    /// before, from `prev_from`, as one bucket): requests per group and log type, and errors
    /// per group, signature and attribution in the window. From the quarter-hour tables when
    /// the span and buckets are aligned to them, else from the logs. Each count's time is its
    /// bucket's start.
    pub async fn health_counts(
        &self,
        prev_from: i64,
        from: i64,
        to: i64,
        bucket_ms: i64,
    ) -> Result<HealthCounts, StoreError> {
        let bucket = "iif(t < ?1, ?2, ?1 + (t - ?1) / ?3 * ?3)";
        let totals_sql = format!(
            "SELECT {bucket}, grp, log_type, NULL, NULL, NULL, sum(n) FROM {} GROUP BY 1, 2, 3",
            rollup::totals_source(prev_from, to, bucket_ms)
        );
        let errors_sql = format!(
            "SELECT {bucket}, grp, log_type, status_code, entry_id, attribution, sum(n) FROM {} \
             WHERE log_type = 5 GROUP BY 1, 2, 3, 4, 5, 6",
            rollup::counts_source(from, to, bucket_ms)
        );
        let read = |sql: String| async move {
            let rows = sqlx::query(&sql)
                .bind(from)
                .bind(prev_from)
                .bind(bucket_ms.max(1))
                .fetch_all(self.pool())
                .await?;
            Ok::<_, StoreError>(
                rows.iter()
                    .map(|r| Count {
                        t_ms: r.get(0),
                        group: r.get(1),
                        error: r.get::<i64, _>(2) == LogType::Error.as_i64(),
                        signature: signature_at(r, 3),
                        attribution: r.get::<Option<&str>, _>(5).and_then(Attribution::parse),
                        n: n(r, 6),
                    })
                    .collect::<Vec<Count>>(),
            )
        };
        let (totals, errors) = tokio::try_join!(read(totals_sql), read(errors_sql))?;
        Ok(HealthCounts { totals, errors })
    }

    /// Distinct tokens, users and models that errors touched, per group.
    pub async fn health_affected(&self, from: i64, to: i64) -> Result<Vec<Affected>, StoreError> {
        let rows = if rollup::aligned(from, to, rollup::QUARTER_MS) {
            sqlx::query(
                "SELECT grp, count(DISTINCT iif(kind = 0, value, NULL)), \
                 count(DISTINCT iif(kind = 1, value, NULL)), count(DISTINCT iif(kind = 2, value, NULL)) \
                 FROM health_members WHERE quarter >= ? AND quarter < ? GROUP BY grp",
            )
            .bind(from / rollup::QUARTER_MS)
            .bind(to / rollup::QUARTER_MS)
        } else {
            sqlx::query(
                "SELECT grp, count(DISTINCT token_name), count(DISTINCT user_id), count(DISTINCT model) \
                 FROM logs WHERE log_type = 5 AND ts_ms >= ? AND ts_ms < ? GROUP BY grp",
            )
            .bind(from)
            .bind(to)
        }
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| Affected {
                group: r.get(0),
                tokens: n(r, 1),
                users: n(r, 2),
                models: n(r, 3),
            })
            .collect())
    }

    /// The newest message of each error signature (kept by ingest in `signature_samples`).
    pub async fn signature_messages(&self) -> Result<Vec<(Signature, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT nullif(status_code, 0), nullif(entry_id, ''), content FROM signature_samples",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| (signature_at(r, 0), r.get::<String, _>(2)))
            .collect())
    }

    pub async fn signature_scope(
        &self,
        sig: &Signature,
        groups: &[String],
        from: i64,
        to: i64,
    ) -> Result<SignatureScope, StoreError> {
        let totals = self
            .signature_query(sig, groups, from, to, "count(*), count(DISTINCT token_name), count(DISTINCT user_id), min(ts_ms), max(ts_ms)", "")
            .await?;
        let top = self
            .signature_query(
                sig,
                groups,
                from,
                to,
                "token_name, count(*)",
                " GROUP BY token_name ORDER BY 2 DESC LIMIT 1",
            )
            .await?;
        Ok(SignatureScope {
            count: n(&totals, 0),
            tokens: n(&totals, 1),
            users: n(&totals, 2),
            first_ms: totals.get::<Option<i64>, _>(3).unwrap_or(0),
            last_ms: totals.get::<Option<i64>, _>(4).unwrap_or(0),
            top_token: top.get::<Option<String>, _>(0).unwrap_or_default(),
            top_token_count: n(&top, 1),
        })
    }

    async fn signature_query(
        &self,
        sig: &Signature,
        groups: &[String],
        from: i64,
        to: i64,
        select: &str,
        tail: &str,
    ) -> Result<sqlx::sqlite::SqliteRow, StoreError> {
        let mut qb = sqlx::QueryBuilder::<sqlx::Sqlite>::new(format!(
            "SELECT {select} FROM logs WHERE log_type = 5 AND status_code IS "
        ));
        qb.push_bind(sig.status.map(i64::from))
            .push(" AND entry_id IS ")
            .push_bind(sig.entry_id.clone())
            .push(" AND ts_ms >= ")
            .push_bind(from)
            .push(" AND ts_ms < ")
            .push_bind(to)
            .push(" AND grp IN (");
        let mut sep = qb.separated(", ");
        for g in groups {
            sep.push_bind(g.clone());
        }
        qb.push(")");
        qb.push(tail);
        Ok(qb.build().fetch_one(self.pool()).await?)
    }
}
