//! Console accounts: who signs in, their role and the relay user id they own.
use super::{DbRow, Sql, Store, StoreError};
use crate::domain::access::{Account, Role};
use crate::domain::lang::Lang;
use crate::domain::prefs::Theme;
use crate::domain::refusal::Refusal;

/// An account with what sign-in needs (never sent to the browser).
#[derive(Clone, Debug)]
pub struct StoredAccount {
    pub account: Account,
    pub password_hash: String,
    pub session_epoch: i64,
}

/// A preference an account sets for itself (None: the browser's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AccountPref {
    Lang(Option<Lang>),
    /// An IANA zone name, checked by the caller.
    TimeZone(Option<String>),
    Theme(Option<Theme>),
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
    "id, username, role, relay_user_id, disabled, password_hash, session_epoch, lang, time_zone, theme \
     FROM accounts";

/// A row of `accounts` as `COLUMNS` reads it.
#[derive(sqlx::FromRow)]
struct AccountRecord {
    id: i64,
    username: String,
    role: String,
    relay_user_id: Option<i64>,
    disabled: i64,
    password_hash: String,
    session_epoch: i64,
    lang: Option<String>,
    time_zone: Option<String>,
    theme: Option<String>,
}

fn to_stored(r: &DbRow) -> Result<StoredAccount, sqlx::Error> {
    let a: AccountRecord = r.record()?;
    Ok(StoredAccount {
        account: Account {
            id: a.id,
            username: a.username,
            // The CHECK constraint admits only the three names.
            role: Role::parse(&a.role).unwrap_or(Role::User),
            relay_user_id: a.relay_user_id,
            disabled: a.disabled != 0,
            lang: a.lang.as_deref().and_then(Lang::from_code),
            time_zone: a.time_zone,
            theme: a.theme.as_deref().and_then(Theme::parse),
        },
        password_hash: a.password_hash,
        session_epoch: a.session_epoch,
    })
}

/// Unique-constraint failures become a message the admin can act on.
fn conflict(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            StoreError::Conflict(if d.message().contains("relay_user_id") {
                Refusal::RelayUserTaken
            } else {
                Refusal::UsernameTaken
            })
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
        let q = Sql::new(
            "INSERT INTO accounts (username, password_hash, role, relay_user_id, created_ms) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(username)
        .bind(password_hash)
        .bind(role.as_str())
        .bind(relay_user_id)
        .bind(now_ms);
        Ok(self.run().fetch_one(&q).await.map_err(conflict)?.int(0))
    }

    pub async fn account_by_username(
        &self,
        username: &str,
    ) -> Result<Option<StoredAccount>, StoreError> {
        // Usernames are unique whatever their case (a lower() index on PostgreSQL, NOCASE on SQLite).
        let q = Sql::new(format!(
            "SELECT {COLUMNS} WHERE lower(username) = lower($1)"
        ))
        .bind(username);
        self.stored_account(&q).await
    }

    async fn stored_account(&self, q: &Sql) -> Result<Option<StoredAccount>, StoreError> {
        let row = self.run().fetch_optional(q).await?;
        Ok(row.as_ref().map(to_stored).transpose()?)
    }

    pub async fn account(&self, id: i64) -> Result<Option<StoredAccount>, StoreError> {
        let q = Sql::new(format!("SELECT {COLUMNS} WHERE id = $1")).bind(id);
        self.stored_account(&q).await
    }

    pub async fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        let q = Sql::new(format!("SELECT {COLUMNS} ORDER BY username"));
        let rows = self.run().fetch_all(&q).await?;
        Ok(rows
            .iter()
            .map(|r| to_stored(r).map(|s| s.account))
            .collect::<Result<_, _>>()?)
    }

    pub async fn count_accounts(&self) -> Result<u64, StoreError> {
        let q = Sql::new("SELECT count(*) FROM accounts");
        Ok(self.run().fetch_one(&q).await?.count(0))
    }

    /// Stores what an account picked for itself (it leaves the sessions alone).
    pub async fn set_account_pref(&self, id: i64, pref: &AccountPref) -> Result<(), StoreError> {
        let (column, value) = match pref {
            AccountPref::Lang(l) => ("lang", l.map(|l| l.code().to_string())),
            AccountPref::TimeZone(z) => ("time_zone", z.clone()),
            AccountPref::Theme(t) => ("theme", t.map(|t| t.as_str().to_string())),
        };
        let q = Sql::new(format!("UPDATE accounts SET {column} = $2 WHERE id = $1"))
            .bind(id)
            .bind(value);
        self.run().execute(&q).await?;
        Ok(())
    }

    /// Applies a change; false when there is no such account. Changes that lower what an
    /// account may do (role, disable, password, relay id) also end its sessions.
    pub async fn change_account(
        &self,
        id: i64,
        change: &AccountChange,
    ) -> Result<bool, StoreError> {
        let set = |column: &str| {
            Sql::new(format!(
                "UPDATE accounts SET {column} = $2, session_epoch = session_epoch + 1 WHERE id = $1"
            ))
            .bind(id)
        };
        let q = match change {
            AccountChange::Role(r) => set("role").bind(r.as_str()),
            AccountChange::RelayUserId(u) => set("relay_user_id").bind(*u),
            AccountChange::Disabled(d) => set("disabled").bind(i64::from(*d)),
            AccountChange::PasswordHash(h) => set("password_hash").bind(h),
            AccountChange::SignOutEverywhere => {
                Sql::new("UPDATE accounts SET session_epoch = session_epoch + 1 WHERE id = $1")
                    .bind(id)
            }
        };
        Ok(self.run().execute(&q).await.map_err(conflict)? == 1)
    }
}
