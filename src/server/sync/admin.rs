//! The sources as admins manage them on `/admin/sources`.
use crate::domain::access::Role;
use crate::domain::refusal::Refusal;
use crate::server::auth::{AdminError, Viewer};
use crate::server::newapi::SourceError;
use crate::server::store::{Store, SyncSource};

impl From<SourceError> for AdminError {
    fn from(e: SourceError) -> AdminError {
        match e {
            SourceError::Store(e) => AdminError::Store(e),
            SourceError::Unsupported(source) => Refusal::SourceUnsupported { source }.into(),
            SourceError::Unreachable { name, reason } => {
                Refusal::SourceUnreachable { name, reason }.into()
            }
            SourceError::NoLogsTable(name) => Refusal::SourceWithoutLogs { name }.into(),
        }
    }
}

pub async fn list(store: &Store) -> Result<Vec<SyncSource>, AdminError> {
    Viewer::current_with(Role::manages_accounts)?;
    Ok(store.sync_sources().await?)
}

/// Follows a new-api database once it answered as one; answers the name it is listed under.
pub async fn add(store: &Store, url: &str) -> Result<String, AdminError> {
    let admin = Viewer::current_with(Role::manages_accounts)?;
    if url.trim().is_empty() || url.chars().any(char::is_control) || url.len() > 2048 {
        return Err(Refusal::BadSourceUrl.into());
    }
    let name = super::add_source(store, url).await?;
    tracing::info!(by = %admin.account.username, source = %name, "new-api source added");
    Ok(name)
}

/// `pause`, `resume` or `remove` one source.
pub async fn change(store: &Store, id: i64, action: &str) -> Result<(), AdminError> {
    let admin = Viewer::current_with(Role::manages_accounts)?;
    let done = match action {
        "pause" => store.set_sync_source_paused(id, true).await?,
        "resume" => store.set_sync_source_paused(id, false).await?,
        "remove" => store.remove_sync_source(id).await?,
        other => {
            return Err(Refusal::UnknownAction {
                action: other.to_string(),
            }
            .into())
        }
    };
    if !done {
        return Err(Refusal::NoSuchSource.into());
    }
    tracing::info!(by = %admin.account.username, source = id, action, "new-api source changed");
    Ok(())
}
