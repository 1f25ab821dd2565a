//! The lookup audit: support and admin reads of other users' requests.
use super::{DbRow, Sql, Store, StoreError};
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
        let rows = self.run().fetch_all(&q).await?;
        let lookup = |r: &DbRow| -> Result<Lookup, sqlx::Error> {
            let l: LookupRecord = r.record()?;
            Ok(Lookup {
                ts_ms: l.ts_ms,
                username: l.username,
                // Written from a Role and a LookupKind only.
                role: Role::parse(&l.role).unwrap_or(Role::Support),
                log_id: l.log_id,
                request_id: l.request_id,
                relay_user_id: l.relay_user_id,
                how: LookupKind::parse(&l.how).unwrap_or(LookupKind::Details),
                detail: l.detail,
            })
        };
        Ok(rows.iter().map(lookup).collect::<Result<_, _>>()?)
    }
}

/// A row of `lookup_audit` as `lookups` reads it.
#[derive(sqlx::FromRow)]
struct LookupRecord {
    ts_ms: i64,
    username: String,
    role: String,
    log_id: i64,
    request_id: String,
    relay_user_id: i64,
    how: String,
    detail: String,
}
