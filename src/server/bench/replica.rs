//! The query mix read from a streaming replica: the store with the replica as its read
//! replica, once the replica holds every row the primary does.
use std::time::{Duration, Instant};

use crate::server::store::{Sql, Store, StoreOptions};

use super::BoxError;

/// How long the replica may take to replay the load.
const CATCH_UP: Duration = Duration::from_secs(900);

pub async fn caught_up(
    store: &Store,
    server: &str,
    options: &StoreOptions,
) -> Result<Store, BoxError> {
    let url = format!("{}/errscope_bench", server.trim_end_matches('/'));
    let count = Sql::new("SELECT count(*) FROM logs");
    let rows = store.run().fetch_one(&count).await?.count(0);
    let started = Instant::now();
    eprintln!("waiting for the replica to hold the {rows} rows");
    loop {
        // The database exists on the replica once its creation is replayed.
        if let Ok(with) = store
            .clone()
            .with_replicas(std::slice::from_ref(&url), options)
            .await
        {
            let on_replica = with.for_reads().run().fetch_one(&count).await;
            if on_replica.is_ok_and(|r| r.count(0) == rows) {
                eprintln!("  the replica caught up in {:.1?}", started.elapsed());
                return Ok(with);
            }
        }
        if started.elapsed() > CATCH_UP {
            return Err(format!("the replica at {server} did not catch up in {CATCH_UP:?}").into());
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}
