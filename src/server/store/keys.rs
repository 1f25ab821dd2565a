//! Ingest keys: created once (the plain key is shown once), stored hashed, revocable.
use super::{Sql, Store, StoreError};
use rand::distr::{Alphanumeric, SampleString};
use sha2::{Digest, Sha256};

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
        let q = Sql::new(
            "INSERT INTO ingest_keys (name, prefix, hash, created_ms) VALUES ($1, $2, $3, $4)",
        )
        .bind(name)
        .bind(&key[..8])
        .bind(hash_key(&key))
        .bind(now_ms);
        self.run().execute(&q).await?;
        Ok(key)
    }

    pub async fn list_ingest_keys(&self) -> Result<Vec<IngestKey>, StoreError> {
        let q = Sql::new(
            "SELECT id, name, prefix, created_ms, revoked_ms FROM ingest_keys ORDER BY id",
        );
        Ok(self
            .run()
            .fetch_all(&q)
            .await?
            .iter()
            .map(|r| IngestKey {
                id: r.int(0),
                name: r.text(1),
                prefix: r.text(2),
                created_ms: r.int(3),
                revoked_ms: r.opt_int(4),
            })
            .collect())
    }

    pub async fn revoke_ingest_key(&self, id: i64, now_ms: i64) -> Result<bool, StoreError> {
        let q =
            Sql::new("UPDATE ingest_keys SET revoked_ms = $1 WHERE id = $2 AND revoked_ms IS NULL")
                .bind(now_ms)
                .bind(id);
        Ok(self.run().execute(&q).await? == 1)
    }

    /// True when the key exists and is not revoked.
    pub async fn check_ingest_key(&self, key: &str) -> Result<bool, StoreError> {
        let q = Sql::new("SELECT 1 FROM ingest_keys WHERE hash = $1 AND revoked_ms IS NULL")
            .bind(hash_key(key));
        Ok(self.run().fetch_optional(&q).await?.is_some())
    }
}
