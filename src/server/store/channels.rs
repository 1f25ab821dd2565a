//! Channel health's reads: rows per channel, group, model and failure signature over a window
//! and the window before it, and errors and requests per channel and time bucket. Admins only
//! (the caller checks): channel names are never shown to anyone else.
use super::rollup::relay_types;
use super::{Sql, Store, StoreError};
use crate::domain::channels::ChannelCount;
use crate::domain::health::Signature;
use crate::domain::log::LogType;

/// Requests and errors of one channel in one bucket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChannelPoint {
    pub channel: String,
    pub bucket: i64,
    pub requests: u64,
    pub errors: u64,
}

impl Store {
    /// Rows per channel, group, model, type and signature in `[prev_from, to)`, marked as in
    /// `[from, to)` or before it.
    pub async fn channel_counts(
        &self,
        prev_from: i64,
        from: i64,
        to: i64,
    ) -> Result<Vec<ChannelCount>, StoreError> {
        let error = LogType::Error.as_i64();
        let q = Sql::new(format!(
            "SELECT channel, grp, model, log_type = {error} AS failed, status_code, entry_id, \
             CASE WHEN ts_ms >= $1 THEN 1 ELSE 0 END AS cur, count(*) AS n FROM logs \
             WHERE ts_ms >= $2 AND ts_ms < $3 AND {} AND channel IS NOT NULL AND channel <> '' \
             GROUP BY channel, grp, model, log_type, status_code, entry_id, cur",
            relay_types()
        ))
        .bind(from)
        .bind(prev_from)
        .bind(to);
        Ok(self
            .run()
            .fetch_all(&q)
            .await?
            .iter()
            .map(|r| {
                let error = r.flag_of("failed");
                ChannelCount {
                    channel: r.text_of("channel"),
                    group: r.text_of("grp"),
                    model: r.text_of("model"),
                    error,
                    signature: if error {
                        Signature {
                            status: r
                                .opt_int_of("status_code")
                                .and_then(|s| u16::try_from(s).ok()),
                            entry_id: r.opt_text_of("entry_id"),
                        }
                    } else {
                        Signature {
                            status: None,
                            entry_id: None,
                        }
                    },
                    current: r.int_of("cur") == 1,
                    n: r.count_of("n"),
                }
            })
            .collect())
    }

    /// Requests and errors per channel and bucket of `bucket_ms` from `from`, in `[from, to)`.
    pub async fn channel_series(
        &self,
        from: i64,
        to: i64,
        bucket_ms: i64,
    ) -> Result<Vec<ChannelPoint>, StoreError> {
        let error = LogType::Error.as_i64();
        let q = Sql::new(format!(
            "SELECT channel, (ts_ms - $1) / $2 AS bucket, count(*) AS requests, \
             sum(CASE WHEN log_type = {error} THEN 1 ELSE 0 END) AS errors FROM logs \
             WHERE ts_ms >= $1 AND ts_ms < $3 AND {} AND channel IS NOT NULL AND channel <> '' \
             GROUP BY channel, bucket",
            relay_types()
        ))
        .bind(from)
        .bind(bucket_ms.max(1))
        .bind(to);
        Ok(self
            .run()
            .fetch_all(&q)
            .await?
            .iter()
            .map(|r| ChannelPoint {
                channel: r.text_of("channel"),
                bucket: r.int_of("bucket"),
                requests: r.count_of("requests"),
                errors: r.count_of("errors"),
            })
            .collect())
    }
}
