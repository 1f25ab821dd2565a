//! How fresh a page's rows are when it reads from a replica that has fallen behind.
use crate::domain::notice::Notice;
use crate::server::store::{Store, StoreError};

/// Lag a page mentions: below it, a replica counts as up to date.
pub const LAG_SHOWN_SECONDS: u64 = 5;

/// The notice for a page read from `reads`, when its replica is `LAG_SHOWN_SECONDS` or more
/// behind the primary.
pub async fn lag_notice(reads: &Store) -> Result<Option<Notice>, StoreError> {
    Ok(reads
        .replication_lag()
        .await?
        .map(|lag| lag.as_secs())
        .filter(|s| *s >= LAG_SHOWN_SECONDS)
        .map(|seconds| Notice::BehindPrimary { seconds }))
}
