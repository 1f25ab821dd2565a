//! Records support and admin reads of requests that belong to another relay user, and lists
//! them for admins.
use super::viewer::Viewer;
use super::AdminError;
use crate::domain::access::{Lookup, LookupKind, Role};
use crate::domain::log::LogRow;
use crate::server::store::{Store, StoreError};
use crate::server::time::now_ms;

/// Records `row` as looked up by `viewer` when it is someone else's request. A failed write
/// fails the lookup: a read that could not be audited is not served.
pub async fn record_lookup(
    store: &Store,
    viewer: &Viewer,
    row: &LogRow,
    how: LookupKind,
) -> Result<(), StoreError> {
    let own = viewer.account.relay_user_id == Some(row.user_id);
    if !viewer.role().sees_every_user() || own {
        return Ok(());
    }
    let lookup = Lookup {
        ts_ms: now_ms(),
        username: viewer.account.username.clone(),
        role: viewer.role(),
        log_id: row.id,
        request_id: row.request_id.clone(),
        relay_user_id: row.user_id,
        how,
        detail: String::new(),
    };
    store.record_lookup(&lookup, viewer.account.id).await
}

/// Records an export by support or an admin (a user's export holds only their own rows):
/// the filter and how many rows were sent.
pub async fn record_export(
    store: &Store,
    viewer: &Viewer,
    filter: &str,
    rows: u64,
) -> Result<(), StoreError> {
    if !viewer.role().sees_every_user() {
        return Ok(());
    }
    let lookup = Lookup {
        ts_ms: now_ms(),
        username: viewer.account.username.clone(),
        role: viewer.role(),
        log_id: 0,
        request_id: String::new(),
        relay_user_id: 0,
        how: LookupKind::Export,
        detail: format!("{filter} · {rows} rows"),
    };
    store.record_lookup(&lookup, viewer.account.id).await
}

/// Records a failed sign-in: the name tried (already checked to be a possible account name)
/// and the client's address.
pub async fn record_failed_sign_in(
    store: &Store,
    username: &str,
    address: &str,
) -> Result<(), StoreError> {
    let lookup = Lookup {
        ts_ms: now_ms(),
        username: username.to_string(),
        role: Role::User,
        log_id: 0,
        request_id: String::new(),
        relay_user_id: 0,
        how: LookupKind::FailedSignIn,
        detail: address.to_string(),
    };
    store.record_lookup(&lookup, 0).await
}

/// The newest lookups, for admins only.
pub async fn recent(store: &Store, limit: u32) -> Result<Vec<Lookup>, AdminError> {
    Viewer::current_with(Role::manages_accounts)?;
    Ok(store.lookups(limit).await?)
}
