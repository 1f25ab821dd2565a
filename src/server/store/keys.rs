//! Ingest keys: created once (the plain key is shown once), stored hashed, revocable.
use rand::distr::{Alphanumeric, SampleString};
use sha2::{Digest, Sha256};
use sqlx::Row;

use super::{Store, StoreError};

#[derive(Clone, Debug, serde::Serialize)]
pub struct IngestKey {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    pub created_ms: i64,
    pub revoked_ms: Option<i64>,
}

pub fn hash_key(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

impl Store {
    /// Creates a key and returns it in plain text: this is the only time it is visible.
    pub async fn create_ingest_key(&self, name: &str, now_ms: i64) -> Result<String, StoreError> {
        let key = format!("esk_{}", Alphanumeric.sample_string(&mut rand::rng(), 32));
        sqlx::query("INSERT INTO ingest_keys (name, prefix, hash, created_ms) VALUES (?, ?, ?, ?)")
            .bind(name)
            .bind(&key[..8])
            .bind(hash_key(&key))
            .bind(now_ms)
            .execute(self.pool())
            .await?;
        Ok(key)
    }

    pub async fn list_ingest_keys(&self) -> Result<Vec<IngestKey>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, name, prefix, created_ms, revoked_ms FROM ingest_keys ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .iter()
            .map(|r| IngestKey {
                id: r.get(0),
                name: r.get(1),
                prefix: r.get(2),
                created_ms: r.get(3),
                revoked_ms: r.get(4),
            })
            .collect())
    }

    pub async fn revoke_ingest_key(&self, id: i64, now_ms: i64) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE ingest_keys SET revoked_ms = ? WHERE id = ? AND revoked_ms IS NULL",
        )
        .bind(now_ms)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// True when the key exists and is not revoked.
    pub async fn check_ingest_key(&self, key: &str) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT 1 FROM ingest_keys WHERE hash = ? AND revoked_ms IS NULL")
            .bind(hash_key(key))
            .fetch_optional(self.pool())
            .await?;
        Ok(row.is_some())
    }
}
