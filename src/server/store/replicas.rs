//! Read replicas: PostgreSQL standbys that the pages of logs and Group Health read from, in
//! turn, while ingest, sync, retention, sessions and the admin pages use the primary.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::connect::{postgres_pool, StoreOptions};
use super::sql::Db;
use super::{Backend, Sql, Store, StoreError};

#[derive(Clone, Default)]
pub(super) struct Replicas {
    pools: Arc<Vec<Db>>,
    next: Arc<AtomicUsize>,
    /// This store reads from a replica (it is one of `pools`, not the primary).
    pub(super) reading_replica: bool,
}

impl Store {
    /// The same store with these PostgreSQL read replicas for its pages' reads. A replica is
    /// read-only: nothing is created or migrated on it.
    pub async fn with_replicas(
        mut self,
        urls: &[String],
        opts: &StoreOptions,
    ) -> Result<Store, StoreError> {
        if urls.is_empty() {
            return Ok(self);
        }
        if self.backend() != Backend::Postgres {
            return Err(StoreError::ReplicaNeedsPostgres);
        }
        let mut pools = Vec::with_capacity(urls.len());
        for url in urls {
            pools.push(Db::Postgres(postgres_pool(url, opts).await?));
        }
        self.replicas = Replicas {
            pools: Arc::new(pools),
            next: Arc::default(),
            reading_replica: false,
        };
        Ok(self)
    }

    /// What one page reads from: the next replica in turn, or this store when it has none.
    /// Only reads go through it (a replica refuses writes); a page's reads all go to the one
    /// replica, so its rows and counts agree.
    pub fn for_reads(&self) -> Store {
        let pools = &self.replicas.pools;
        if pools.is_empty() {
            return self.clone();
        }
        let i = self.replicas.next.fetch_add(1, Ordering::Relaxed) % pools.len();
        Store {
            db: pools[i].clone(),
            replicas: Replicas {
                reading_replica: true,
                ..Replicas::default()
            },
            partitions: self.partitions.clone(),
            health: self.health.clone(),
        }
    }

    /// How far this store's reads are behind the primary: `None` on the primary, zero when
    /// the replica has replayed everything it received, else the time since the last
    /// transaction it replayed was committed.
    pub async fn replication_lag(&self) -> Result<Option<Duration>, StoreError> {
        if !self.replicas.reading_replica {
            return Ok(None);
        }
        let q = Sql::new(
            "SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 \
             ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) \
             * 1000 END::bigint",
        );
        let ms = self.run().fetch_one(&q).await?.int(0);
        Ok(Some(Duration::from_millis(ms.max(0) as u64)))
    }
}
