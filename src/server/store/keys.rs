//! API keys: created once (the plain key is shown once), stored hashed, revocable. A key
//! either pushes logs (`ingest`) or reads them (`read`), a read key possibly as one relay user.
use super::{DbRow, Sql, Store, StoreError};
use crate::domain::access::KeyScope;
use rand::distr::{Alphanumeric, SampleString};
use sha2::{Digest, Sha256};

#[derive(Clone, Debug, serde::Serialize)]
pub struct ApiKey {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub scope: KeyScope,
    /// A read key limited to this relay user's rows.
    pub relay_user_id: Option<i64>,
    pub created_ms: i64,
    pub revoked_ms: Option<i64>,
}

/// What an active key presented with a request may do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyGrant {
    pub id: i64,
    pub name: String,
    pub scope: KeyScope,
    pub relay_user_id: Option<i64>,
}

pub fn hash_key(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

const COLUMNS: &str = "id, name, prefix, scope, relay_user_id, created_ms, revoked_ms";

/// A row of `ingest_keys` as `COLUMNS` reads it.
#[derive(sqlx::FromRow)]
struct KeyRecord {
    id: i64,
    name: String,
    prefix: String,
    scope: String,
    relay_user_id: Option<i64>,
    created_ms: i64,
    revoked_ms: Option<i64>,
}

fn to_key(r: &DbRow) -> Result<ApiKey, sqlx::Error> {
    let k: KeyRecord = r.record()?;
    Ok(ApiKey {
        id: k.id,
        name: k.name,
        prefix: k.prefix,
        // Written from a KeyScope only; the column's default is `ingest`.
        scope: KeyScope::parse(&k.scope).unwrap_or(KeyScope::Ingest),
        relay_user_id: k.relay_user_id,
        created_ms: k.created_ms,
        revoked_ms: k.revoked_ms,
    })
}

impl Store {
    /// Creates a key and returns it in plain text: this is the only time it is visible.
    pub async fn create_key(
        &self,
        name: &str,
        scope: KeyScope,
        relay_user_id: Option<i64>,
        now_ms: i64,
    ) -> Result<String, StoreError> {
        let key = format!("esk_{}", Alphanumeric.sample_string(&mut rand::rng(), 32));
        let q = Sql::new(
            "INSERT INTO ingest_keys (name, prefix, hash, created_ms, scope, relay_user_id) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(name)
        .bind(&key[..8])
        .bind(hash_key(&key))
        .bind(now_ms)
        .bind(scope.as_str())
        .bind(relay_user_id);
        self.run().execute(&q).await?;
        Ok(key)
    }

    /// An ingest key (the relays' push), as `create_key` makes it.
    pub async fn create_ingest_key(&self, name: &str, now_ms: i64) -> Result<String, StoreError> {
        self.create_key(name, KeyScope::Ingest, None, now_ms).await
    }

    pub async fn list_keys(&self) -> Result<Vec<ApiKey>, StoreError> {
        let q = Sql::new(format!("SELECT {COLUMNS} FROM ingest_keys ORDER BY id"));
        let rows = self.run().fetch_all(&q).await?;
        Ok(rows.iter().map(to_key).collect::<Result<_, _>>()?)
    }

    pub async fn revoke_key(&self, id: i64, now_ms: i64) -> Result<bool, StoreError> {
        let q =
            Sql::new("UPDATE ingest_keys SET revoked_ms = $1 WHERE id = $2 AND revoked_ms IS NULL")
                .bind(now_ms)
                .bind(id);
        Ok(self.run().execute(&q).await? == 1)
    }

    /// What the key may do, when it exists and is not revoked.
    pub async fn key_grant(&self, key: &str) -> Result<Option<KeyGrant>, StoreError> {
        let q = Sql::new(format!(
            "SELECT {COLUMNS} FROM ingest_keys WHERE hash = $1 AND revoked_ms IS NULL"
        ))
        .bind(hash_key(key));
        let Some(row) = self.run().fetch_optional(&q).await? else {
            return Ok(None);
        };
        let k = to_key(&row)?;
        Ok(Some(KeyGrant {
            id: k.id,
            name: k.name,
            scope: k.scope,
            relay_user_id: k.relay_user_id,
        }))
    }
}
