//! Ingest keys as admins manage them on the Keys page (the CLI calls the store directly).
use super::viewer::Viewer;
use super::AdminError;
use crate::domain::access::Role;
use crate::server::store::{IngestKey, Store};
use crate::server::time::now_ms;

/// A key's name says which relay uses it: 1 to 64 visible characters.
fn valid_name(name: &str) -> Result<&str, AdminError> {
    let name = name.trim();
    if (1..=64).contains(&name.chars().count()) && !name.chars().any(char::is_control) {
        Ok(name)
    } else {
        Err(AdminError::Invalid(
            "name the key after the relay that uses it (1 to 64 characters)".into(),
        ))
    }
}

pub async fn list(store: &Store) -> Result<Vec<IngestKey>, AdminError> {
    Viewer::current_with(Role::manages_accounts)?;
    Ok(store.list_ingest_keys().await?)
}

/// Creates a key and returns it in plain text, the only time anyone sees it.
pub async fn create(store: &Store, name: &str) -> Result<String, AdminError> {
    let admin = Viewer::current_with(Role::manages_accounts)?;
    let name = valid_name(name)?;
    let key = store.create_ingest_key(name, now_ms()).await?;
    tracing::info!(by = %admin.account.username, name, "ingest key created");
    Ok(key)
}

pub async fn revoke(store: &Store, id: i64) -> Result<(), AdminError> {
    let admin = Viewer::current_with(Role::manages_accounts)?;
    if store.revoke_ingest_key(id, now_ms()).await? {
        tracing::info!(by = %admin.account.username, key = id, "ingest key revoked");
        Ok(())
    } else {
        Err(AdminError::Invalid("no active key with that id".into()))
    }
}
