//! Group Health reads: per-group totals, error cells per signature and bucket, series, scope.
use sqlx::Row;

use super::{rollup, Store, StoreError};
use crate::domain::attribution::Attribution;
use crate::domain::health::{Cell, Signature};

#[derive(Clone, Debug, Default)]
pub struct GroupTotals {
    pub group: String,
    pub requests: u64,
    pub errors: u64,
    pub prev_requests: u64,
    pub prev_errors: u64,
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
    pub async fn health_totals(
        &self,
        prev_from: i64,
        from: i64,
        to: i64,
    ) -> Result<Vec<GroupTotals>, StoreError> {
        let source = rollup::counts_source(rollup::aligned(prev_from, to, from - prev_from));
        let rows = sqlx::query(&format!(
            "SELECT grp, sum(iif(t >= ?2, n, 0)), sum(iif(t >= ?2 AND log_type = 5, n, 0)), \
             sum(iif(t < ?2, n, 0)), sum(iif(t < ?2 AND log_type = 5, n, 0)) \
             FROM {source} WHERE t >= ?1 AND t < ?3 GROUP BY grp"
        ))
        .bind(prev_from)
        .bind(from)
        .bind(to)
        .fetch_all(self.pool())
        .await?;
        let mut out: Vec<GroupTotals> = rows
            .iter()
            .map(|r| GroupTotals {
                group: r.get(0),
                requests: n(r, 1),
                errors: n(r, 2),
                prev_requests: n(r, 3),
                prev_errors: n(r, 4),
                ..Default::default()
            })
            .collect();
        let affected = if rollup::aligned(from, to, rollup::QUARTER_MS) {
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
        for r in &affected {
            let g: String = r.get(0);
            if let Some(t) = out.iter_mut().find(|t| t.group == g) {
                (t.tokens, t.users, t.models) = (n(r, 1), n(r, 2), n(r, 3));
            }
        }
        Ok(out)
    }

    pub async fn health_cells(
        &self,
        from: i64,
        to: i64,
        bucket_ms: i64,
    ) -> Result<Vec<Cell>, StoreError> {
        let source = rollup::counts_source(rollup::aligned(from, to, bucket_ms));
        let rows = sqlx::query(&format!(
            "SELECT grp, status_code, entry_id, (t - ?1) / ?3, sum(n) FROM {source} \
             WHERE log_type = 5 AND t >= ?1 AND t < ?2 GROUP BY 1, 2, 3, 4"
        ))
        .bind(from)
        .bind(to)
        .bind(bucket_ms)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| Cell {
                group: r.get(0),
                signature: signature_at(r, 1),
                bucket: r.get(3),
                count: n(r, 4),
            })
            .collect())
    }

    /// Requests and errors per group and bucket.
    pub async fn health_series(
        &self,
        from: i64,
        to: i64,
        bucket_ms: i64,
    ) -> Result<Vec<(String, i64, u64, u64)>, StoreError> {
        let source = rollup::counts_source(rollup::aligned(from, to, bucket_ms));
        let rows = sqlx::query(&format!(
            "SELECT grp, (t - ?1) / ?3, sum(n), sum(iif(log_type = 5, n, 0)) FROM {source} \
             WHERE t >= ?1 AND t < ?2 GROUP BY 1, 2"
        ))
        .bind(from)
        .bind(to)
        .bind(bucket_ms)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| (r.get(0), r.get(1), n(r, 2), n(r, 3)))
            .collect())
    }

    /// Errors per group and stored attribution.
    pub async fn attribution_mix(
        &self,
        from: i64,
        to: i64,
    ) -> Result<Vec<(String, Attribution, u64)>, StoreError> {
        let source = rollup::counts_source(rollup::aligned(from, to, rollup::QUARTER_MS));
        let rows = sqlx::query(&format!(
            "SELECT grp, attribution, sum(n) FROM {source} WHERE log_type = 5 AND t >= ? AND t < ? GROUP BY 1, 2"
        ))
        .bind(from)
        .bind(to)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                let a = Attribution::parse(r.get::<Option<&str>, _>(1).unwrap_or(""))?;
                Some((r.get(0), a, n(r, 2)))
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
