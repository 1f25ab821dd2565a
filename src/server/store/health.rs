//! Group Health reads: the counts of a window, who the errors touched, signature samples and scope.
use super::{rollup, DbRow, Sql, Store, StoreError};
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

/// The (status code, entry id) signature in columns `i` and `i + 1`.
fn signature_at(r: &DbRow, i: usize) -> Signature {
    Signature {
        status: r.opt_int(i).and_then(|s| u16::try_from(s).ok()),
        entry_id: r.opt_text(i + 1),
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
        let bucket = "CASE WHEN t < $1 THEN $2 ELSE $1 + (t - $1) / $3 * $3 END";
        let totals_sql = format!(
            "SELECT {bucket}, grp, log_type, CAST(NULL AS BIGINT), CAST(NULL AS TEXT), \
             CAST(NULL AS TEXT), CAST(sum(n) AS BIGINT) FROM {} GROUP BY 1, 2, 3",
            rollup::totals_source(prev_from, to, bucket_ms)
        );
        let errors_sql = format!(
            "SELECT {bucket}, grp, log_type, status_code, entry_id, attribution, CAST(sum(n) AS BIGINT) \
             FROM {} WHERE log_type = 5 GROUP BY 1, 2, 3, 4, 5, 6",
            rollup::counts_source(from, to, bucket_ms)
        );
        let read = |sql: String| async move {
            let q = Sql::new(sql)
                .bind(from)
                .bind(prev_from)
                .bind(bucket_ms.max(1));
            let rows = self.run().fetch_all(&q).await?;
            Ok::<_, StoreError>(
                rows.iter()
                    .map(|r| Count {
                        t_ms: r.int(0),
                        group: r.text(1),
                        error: r.int(2) == LogType::Error.as_i64(),
                        signature: signature_at(r, 3),
                        attribution: r.opt_text(5).as_deref().and_then(Attribution::parse),
                        n: r.count(6),
                    })
                    .collect::<Vec<Count>>(),
            )
        };
        let (totals, errors) = tokio::try_join!(read(totals_sql), read(errors_sql))?;
        Ok(HealthCounts { totals, errors })
    }

    /// Distinct tokens, users and models that errors touched, per group.
    pub async fn health_affected(&self, from: i64, to: i64) -> Result<Vec<Affected>, StoreError> {
        let q = if rollup::aligned(from, to, rollup::QUARTER_MS) {
            Sql::new(
                "SELECT grp, count(DISTINCT CASE WHEN kind = 0 THEN value END), \
                 count(DISTINCT CASE WHEN kind = 1 THEN value END), \
                 count(DISTINCT CASE WHEN kind = 2 THEN value END) \
                 FROM health_members WHERE quarter >= $1 AND quarter < $2 GROUP BY grp",
            )
            .bind(from / rollup::QUARTER_MS)
            .bind(to / rollup::QUARTER_MS)
        } else {
            Sql::new(
                "SELECT grp, count(DISTINCT token_name), count(DISTINCT user_id), count(DISTINCT model) \
                 FROM logs WHERE log_type = 5 AND ts_ms >= $1 AND ts_ms < $2 GROUP BY grp",
            )
            .bind(from)
            .bind(to)
        };
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
        let mut q = Sql::new(format!("SELECT {select} FROM logs WHERE log_type = 5"));
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
