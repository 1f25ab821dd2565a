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

fn to_key(r: &DbRow) -> ApiKey {
    ApiKey {
        id: r.int(0),
        name: r.text(1),
        prefix: r.text(2),
        // Written from a KeyScope only; the column's default is `ingest`.
        scope: KeyScope::parse(&r.text(3)).unwrap_or(KeyScope::Ingest),
        relay_user_id: r.opt_int(4),
        created_ms: r.int(5),
        revoked_ms: r.opt_int(6),
    }
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
        Ok(self.run().fetch_all(&q).await?.iter().map(to_key).collect())
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
        Ok(self.run().fetch_optional(&q).await?.map(|r| {
            let k = to_key(&r);
            KeyGrant {
                id: k.id,
                name: k.name,
                scope: k.scope,
                relay_user_id: k.relay_user_id,
            }
        }))
    }
}
