//! The lookup audit: support and admin reads of other users' requests.
use sqlx::Row;

use super::{Store, StoreError};
use crate::domain::access::{Lookup, LookupKind, Role};

impl Store {
    pub async fn record_lookup(&self, lookup: &Lookup, account_id: i64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO lookup_audit (ts_ms, account_id, username, role, log_id, request_id, \
             relay_user_id, how) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(lookup.ts_ms)
        .bind(account_id)
        .bind(&lookup.username)
        .bind(lookup.role.as_str())
        .bind(lookup.log_id)
        .bind(&lookup.request_id)
        .bind(lookup.relay_user_id)
        .bind(lookup.how.as_str())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The newest lookups first.
    pub async fn lookups(&self, limit: u32) -> Result<Vec<Lookup>, StoreError> {
        let rows = sqlx::query(
            "SELECT ts_ms, username, role, log_id, request_id, relay_user_id, how \
             FROM lookup_audit ORDER BY ts_ms DESC, id DESC LIMIT ?",
        )
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| Lookup {
                ts_ms: r.get(0),
                username: r.get(1),
                // Written from a Role and a LookupKind only.
                role: Role::parse(r.get(2)).unwrap_or(Role::Support),
                log_id: r.get(3),
                request_id: r.get(4),
                relay_user_id: r.get(5),
                how: LookupKind::parse(r.get(6)).unwrap_or(LookupKind::Details),
            })
            .collect())
    }
}
