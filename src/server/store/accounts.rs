//! Console accounts: who signs in, their role and the relay user id they own.
use sqlx::Row;

use super::{Store, StoreError};
use crate::domain::access::{Account, Role};

/// An account with what sign-in needs (never sent to the browser).
#[derive(Clone, Debug)]
pub struct StoredAccount {
    pub account: Account,
    pub password_hash: String,
    pub session_epoch: i64,
}

/// One change an admin makes to an account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AccountChange {
    Role(Role),
    RelayUserId(Option<i64>),
    Disabled(bool),
    PasswordHash(String),
    /// Signs the account out of every session.
    SignOutEverywhere,
}

const COLUMNS: &str =
    "id, username, role, relay_user_id, disabled, password_hash, session_epoch FROM accounts";

fn to_stored(r: &sqlx::sqlite::SqliteRow) -> StoredAccount {
    let role: String = r.get(2);
    StoredAccount {
        account: Account {
            id: r.get(0),
            username: r.get(1),
            // The CHECK constraint admits only the three names.
            role: Role::parse(&role).unwrap_or(Role::User),
            relay_user_id: r.get(3),
            disabled: r.get::<i64, _>(4) != 0,
        },
        password_hash: r.get(5),
        session_epoch: r.get(6),
    }
}

/// Unique-constraint failures become a message the admin can act on.
fn conflict(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            let what = if d.message().contains("relay_user_id") {
                "that relay user id already belongs to another account"
            } else {
                "that username is taken"
            };
            StoreError::Conflict(what.into())
        }
        _ => StoreError::Db(e),
    }
}

impl Store {
    pub async fn create_account(
        &self,
        username: &str,
        password_hash: &str,
        role: Role,
        relay_user_id: Option<i64>,
        now_ms: i64,
    ) -> Result<i64, StoreError> {
        let done = sqlx::query(
            "INSERT INTO accounts (username, password_hash, role, relay_user_id, created_ms) \
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(username)
        .bind(password_hash)
        .bind(role.as_str())
        .bind(relay_user_id)
        .bind(now_ms)
        .execute(self.pool())
        .await
        .map_err(conflict)?;
        Ok(done.last_insert_rowid())
    }

    pub async fn account_by_username(
        &self,
        username: &str,
    ) -> Result<Option<StoredAccount>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} WHERE username = ?"))
            .bind(username)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.as_ref().map(to_stored))
    }

    pub async fn account(&self, id: i64) -> Result<Option<StoredAccount>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} WHERE id = ?"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.as_ref().map(to_stored))
    }

    pub async fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        let rows = sqlx::query(&format!("SELECT {COLUMNS} ORDER BY username"))
            .fetch_all(self.pool())
            .await?;
        Ok(rows.iter().map(|r| to_stored(r).account).collect())
    }

    pub async fn count_accounts(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM accounts")
            .fetch_one(self.pool())
            .await?;
        Ok(n.max(0) as u64)
    }

    /// Applies a change; false when there is no such account. Changes that lower what an
    /// account may do (role, disable, password, relay id) also end its sessions.
    pub async fn change_account(
        &self,
        id: i64,
        change: &AccountChange,
    ) -> Result<bool, StoreError> {
        let q = match change {
            AccountChange::Role(r) => sqlx::query(
                "UPDATE accounts SET role = ?, session_epoch = session_epoch + 1 WHERE id = ?",
            )
            .bind(r.as_str()),
            AccountChange::RelayUserId(u) => sqlx::query(
                "UPDATE accounts SET relay_user_id = ?, session_epoch = session_epoch + 1 WHERE id = ?",
            )
            .bind(*u),
            AccountChange::Disabled(d) => sqlx::query(
                "UPDATE accounts SET disabled = ?, session_epoch = session_epoch + 1 WHERE id = ?",
            )
            .bind(*d as i64),
            AccountChange::PasswordHash(h) => sqlx::query(
                "UPDATE accounts SET password_hash = ?, session_epoch = session_epoch + 1 WHERE id = ?",
            )
            .bind(h),
            AccountChange::SignOutEverywhere => {
                sqlx::query("UPDATE accounts SET session_epoch = session_epoch + 1 WHERE id = ?")
            }
        };
        let done = q.bind(id).execute(self.pool()).await.map_err(conflict)?;
        Ok(done.rows_affected() == 1)
    }
}
