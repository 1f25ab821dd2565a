//! API keys as admins manage them on the Keys page (the CLI calls the store directly).
use super::viewer::Viewer;
use super::AdminError;
use crate::domain::access::{KeyScope, Role};
use crate::domain::refusal::Refusal;
use crate::server::store::{ApiKey, Store};
use crate::server::time::now_ms;

/// A key's name says which relay uses it: 1 to 64 visible characters.
fn valid_name(name: &str) -> Result<&str, AdminError> {
    let name = name.trim();
    if (1..=64).contains(&name.chars().count()) && !name.chars().any(char::is_control) {
        Ok(name)
    } else {
        Err(Refusal::BadKeyName.into())
    }
}

pub async fn list(store: &Store) -> Result<Vec<ApiKey>, AdminError> {
    Viewer::current_with(Role::manages_accounts)?;
    Ok(store.list_keys().await?)
}

/// A key's scope and, for a read key, the relay user it is limited to (empty: none), as typed
/// on the Keys page or the command line.
pub fn valid_scope(
    scope: &str,
    relay_user_id: &str,
) -> Result<(KeyScope, Option<i64>), AdminError> {
    let scope = KeyScope::parse(scope).ok_or(Refusal::UnknownScope)?;
    let user = match relay_user_id.trim() {
        "" => None,
        id => Some(
            id.parse::<i64>()
                .ok()
                .filter(|id| *id >= 0)
                .ok_or(Refusal::RelayUserNotNumber)?,
        ),
    };
    if user.is_some() && scope != KeyScope::Read {
        return Err(Refusal::OnlyReadKeyPerUser.into());
    }
    Ok((scope, user))
}

/// Creates a key and returns it in plain text, the only time anyone sees it.
pub async fn create(
    store: &Store,
    name: &str,
    scope: &str,
    relay_user_id: &str,
) -> Result<String, AdminError> {
    let admin = Viewer::current_with(Role::manages_accounts)?;
    let name = valid_name(name)?;
    let (scope, user) = valid_scope(scope, relay_user_id)?;
    let key = store.create_key(name, scope, user, now_ms()).await?;
    tracing::info!(by = %admin.account.username, name, scope = scope.as_str(), "API key created");
    Ok(key)
}

pub async fn revoke(store: &Store, id: i64) -> Result<(), AdminError> {
    let admin = Viewer::current_with(Role::manages_accounts)?;
    if store.revoke_key(id, now_ms()).await? {
        tracing::info!(by = %admin.account.username, key = id, "API key revoked");
        Ok(())
    } else {
        Err(Refusal::NoSuchKey.into())
    }
}
