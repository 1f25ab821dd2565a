//! Account management: the first admin, the demo accounts, and what admins change.
use super::password::{self, PasswordError};
use super::viewer::{AccessError, Viewer};
use crate::domain::access::{Account, Role};
use crate::domain::refusal::Refusal;
use crate::server::store::{AccountChange, Store, StoreError};
use crate::server::time::now_ms;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error(transparent)]
    Access(#[from] AccessError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Invalid(#[from] Refusal),
    /// The password could not be hashed (the worker task failed): not the input's fault.
    #[error("password hashing failed: {0}")]
    Unavailable(String),
}

impl From<PasswordError> for AccountError {
    fn from(e: PasswordError) -> AccountError {
        match e {
            PasswordError::TooShort => Refusal::PasswordTooShort {
                min: password::MIN_LENGTH,
            }
            .into(),
            PasswordError::Hash(why) => AccountError::Unavailable(why),
        }
    }
}

/// A new account as an admin (or the command line) describes it.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct NewAccount {
    pub username: String,
    pub password: String,
    pub role: String,
    /// The relay user id this account owns: required for role `user`.
    pub relay_user_id: Option<i64>,
}

pub fn valid_username(u: &str) -> bool {
    (2..=64).contains(&u.chars().count())
        && u.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '@'))
}

/// Creates an account (hashing the password); no permission check: callers check.
pub async fn create(store: &Store, new: &NewAccount) -> Result<i64, AccountError> {
    let username = new.username.trim();
    if !valid_username(username) {
        return Err(Refusal::BadUsername.into());
    }
    let role = Role::parse(&new.role).ok_or(Refusal::UnknownRole)?;
    if role == Role::User && new.relay_user_id.is_none() {
        return Err(Refusal::UserNeedsRelayUser.into());
    }
    let pw = new.password.clone();
    let hash = tokio::task::spawn_blocking(move || password::hash(&pw))
        .await
        .map_err(|e| AccountError::Unavailable(e.to_string()))??;
    Ok(store
        .create_account(username, &hash, role, new.relay_user_id, now_ms())
        .await?)
}

/// On first start with no accounts, creates the admin named by the environment
/// (`ERRSCOPE_ADMIN_USERNAME`, default `admin`, and `ERRSCOPE_ADMIN_PASSWORD`).
pub async fn bootstrap_admin(
    store: &Store,
    username: &str,
    password: Option<&str>,
) -> Result<bool, AccountError> {
    let Some(password) = password.filter(|p| !p.is_empty()) else {
        return Ok(false);
    };
    if store.count_accounts().await? > 0 {
        return Ok(false);
    }
    let new = NewAccount {
        username: username.into(),
        password: password.into(),
        role: "admin".into(),
        relay_user_id: None,
    };
    create(store, &new).await?;
    Ok(true)
}

/// The accounts an admin sees on the Users page.
pub async fn list(store: &Store) -> Result<Vec<Account>, AccountError> {
    Viewer::current_with(Role::manages_accounts)?;
    Ok(store.accounts().await?)
}

pub async fn add(store: &Store, new: &NewAccount) -> Result<i64, AccountError> {
    Viewer::current_with(Role::manages_accounts)?;
    create(store, new).await
}

/// Applies an admin's change, `action` being one of role, relay_user_id, disable, enable,
/// password, sign_out. An admin cannot lock themselves out (demote or disable their account).
pub async fn change(store: &Store, id: i64, action: &str, value: &str) -> Result<(), AccountError> {
    let admin = Viewer::current_with(Role::manages_accounts)?;
    let own = admin.account.id == id;
    let change = match action {
        "role" => {
            let role = Role::parse(value).ok_or(Refusal::UnknownRole)?;
            if own && role != Role::Admin {
                return Err(Refusal::OwnRole.into());
            }
            AccountChange::Role(role)
        }
        "relay_user_id" => AccountChange::RelayUserId(match value.trim() {
            "" => None,
            v => Some(
                v.parse::<i64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or(Refusal::RelayUserNotNumber)?,
            ),
        }),
        "disable" if own => return Err(Refusal::OwnDisable.into()),
        "disable" => AccountChange::Disabled(true),
        "enable" => AccountChange::Disabled(false),
        "password" if own => return Err(Refusal::OwnPasswordHere.into()),
        "password" => {
            let pw = value.to_string();
            let hash = tokio::task::spawn_blocking(move || password::hash(&pw))
                .await
                .map_err(|e| AccountError::Unavailable(e.to_string()))??;
            AccountChange::PasswordHash(hash)
        }
        "sign_out" => AccountChange::SignOutEverywhere,
        other => {
            return Err(Refusal::UnknownAction {
                action: other.to_string(),
            }
            .into())
        }
    };
    if store.change_account(id, &change).await? {
        tracing::info!(by = %admin.account.username, account = id, action, "account changed");
        Ok(())
    } else {
        Err(Refusal::NoSuchAccount.into())
    }
}

/// The signed-in account changes its own password, proving it knows the current one. Every
/// session of the account ends; the caller signs this one in again with the answered epoch.
pub async fn change_own_password(
    store: &Store,
    current: &str,
    new: &str,
) -> Result<(i64, i64), AccountError> {
    let viewer = Viewer::current()?;
    let id = viewer.account.id;
    let stored = store
        .account(id)
        .await?
        .ok_or(AccountError::Access(AccessError::SignedOut))?;
    let (current, hash) = (current.to_string(), stored.password_hash.clone());
    let known = tokio::task::spawn_blocking(move || password::verify(&current, &hash))
        .await
        .unwrap_or(false);
    if !known {
        tracing::warn!(
            account = id,
            "own password change with a wrong current password"
        );
        return Err(Refusal::WrongCurrentPassword.into());
    }
    let pw = new.to_string();
    let hash = tokio::task::spawn_blocking(move || password::hash(&pw))
        .await
        .map_err(|e| AccountError::Unavailable(e.to_string()))??;
    store
        .change_account(id, &AccountChange::PasswordHash(hash))
        .await?;
    store
        .change_account(id, &AccountChange::SignOutEverywhere)
        .await?;
    let epoch = store.account(id).await?.map_or(0, |s| s.session_epoch);
    tracing::info!(account = id, "own password changed; other sessions ended");
    Ok((id, epoch))
}

/// The signed-in account picks its own time zone (empty: follow the browser's).
pub async fn set_own_time_zone(store: &Store, zone: &str) -> Result<(), AccountError> {
    let viewer = Viewer::current()?;
    let zone = zone.trim();
    let zone = if zone.is_empty() {
        None
    } else {
        let tz: chrono_tz::Tz = zone.parse().map_err(|_| Refusal::UnknownTimeZone {
            zone: zone.to_string(),
        })?;
        Some(tz.name().to_string())
    };
    store
        .set_account_pref(
            viewer.account.id,
            &crate::server::store::AccountPref::TimeZone(zone),
        )
        .await?;
    Ok(())
}
