//! The lookup audit: support and admin reads of other users' requests.
use super::{Sql, Store, StoreError};
use crate::domain::access::{Lookup, LookupKind, Role};

impl Store {
    pub async fn record_lookup(&self, lookup: &Lookup, account_id: i64) -> Result<(), StoreError> {
        let q = Sql::new(
            "INSERT INTO lookup_audit (ts_ms, account_id, username, role, log_id, request_id, \
             relay_user_id, how, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(lookup.ts_ms)
        .bind(account_id)
        .bind(&lookup.username)
        .bind(lookup.role.as_str())
        .bind(lookup.log_id)
        .bind(&lookup.request_id)
        .bind(lookup.relay_user_id)
        .bind(lookup.how.as_str())
        .bind(&lookup.detail);
        self.run().execute(&q).await?;
        Ok(())
    }

    /// The newest lookups first.
    pub async fn lookups(&self, limit: u32) -> Result<Vec<Lookup>, StoreError> {
        let q = Sql::new(
            "SELECT ts_ms, username, role, log_id, request_id, relay_user_id, how, detail \
             FROM lookup_audit ORDER BY ts_ms DESC, id DESC LIMIT $1",
        )
        .bind(limit);
        Ok(self
            .run()
            .fetch_all(&q)
            .await?
            .iter()
            .map(|r| Lookup {
                ts_ms: r.int(0),
                username: r.text(1),
                // Written from a Role and a LookupKind only.
                role: Role::parse(&r.text(2)).unwrap_or(Role::Support),
                log_id: r.int(3),
                request_id: r.text(4),
                relay_user_id: r.int(5),
                how: LookupKind::parse(&r.text(6)).unwrap_or(LookupKind::Details),
                detail: r.text(7),
            })
            .collect())
    }
}
