//! Read replicas, against a real streaming standby: `scripts/test` starts a primary and its
//! replica on loopback (`scripts/replica-pair`) and runs this module with
//! `ERRSCOPE_TEST_REPLICA` set; elsewhere it has nothing to run against and says so.
use std::time::Duration;

use axum::http::StatusCode;
use sqlx::Connection;

use errscope::server::ingest::prepare;
use errscope::server::store::{Store, StoreOptions};

use crate::common::{get_as, post_text, record, router, sign_in_as, store, TestDb};

/// A page of the logs with only the 418 rows, and the text of the marker row's error.
const TEAPOTS: &str = "/logs?range=&status=418";
const MARKER: &str = "the teapot written on the primary";

fn replica_server() -> Option<String> {
    let server = std::env::var("ERRSCOPE_TEST_REPLICA").ok();
    if server.is_none() {
        eprintln!(
            "no replica: run scripts/test (or set ERRSCOPE_TEST_REPLICA, see scripts/replica-pair)"
        );
    }
    server
}

/// The replica's copy of the test database, once the replica has it.
async fn replica_of(db: &TestDb, server: &str) -> String {
    let name = db.url.rsplit('/').next().unwrap_or_default();
    let url = format!("{server}/{name}");
    for _ in 0..100 {
        if let Ok(mut c) = sqlx::PgConnection::connect(&url).await {
            let migrated: Result<i64, _> =
                sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations")
                    .fetch_one(&mut c)
                    .await;
            if migrated.is_ok_and(|n| n > 0) {
                return url;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the replica never received {name}");
}

async fn on_replica(server: &str, sql: &str) {
    let mut c = sqlx::PgConnection::connect(&format!("{server}/postgres"))
        .await
        .unwrap();
    sqlx::query(sql).execute(&mut c).await.unwrap();
}

#[tokio::test]
async fn pages_read_the_replica_admin_pages_the_primary_and_lag_is_shown() {
    let Some(server) = replica_server() else {
        return;
    };
    let (primary, db) = store().await;
    let rows: Vec<_> = (0..5)
        .map(|i| prepare(record(i, 1001, 502, "upstream error")).unwrap())
        .collect();
    primary.insert_batch(&rows).await.unwrap();
    let replica = replica_of(&db, &server).await;
    let store: Store = primary
        .clone()
        .with_replicas(&[replica], &StoreOptions::default())
        .await
        .unwrap();
    let router = router(&store).await;
    let admin = sign_in_as(&router, &store, "root", "admin", None).await;

    // Replay stops: what the primary writes now reaches the replica but is not applied.
    on_replica(&server, "SELECT pg_wal_replay_pause()").await;
    let marker = prepare(record(99, 1001, 418, MARKER)).unwrap();
    primary.insert_batch(&[marker]).await.unwrap();
    // An admin action and the page that shows it: both on the primary.
    let (status, _, body) = post_text(
        &router,
        Some(&admin),
        "/api/add_ingest_key",
        "name=relay-during-pause",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, _, keys) = get_as(&router, Some(&admin), "/admin/keys").await;
    assert!(
        keys.contains("relay-during-pause"),
        "the admin page reads the primary"
    );
    tokio::time::sleep(Duration::from_secs(6)).await;

    // The logs page reads the replica: the new row is not there yet, and the page says why.
    let (status, _, page) = get_as(&router, Some(&admin), TEAPOTS).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains(MARKER), "read from the paused replica");
    assert!(page.contains("behind the primary"), "{page}");
    let (_, _, health) = get_as(&router, Some(&admin), "/health").await;
    assert!(health.contains("behind the primary"));

    on_replica(&server, "SELECT pg_wal_replay_resume()").await;
    let mut caught_up = false;
    for _ in 0..100 {
        let (_, _, page) = get_as(&router, Some(&admin), TEAPOTS).await;
        if page.contains(MARKER) {
            assert!(!page.contains("behind the primary"), "{page}");
            caught_up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        caught_up,
        "the replica caught up and the page shows the row"
    );
    // Without replicas the same store reads the primary and is never behind.
    assert_eq!(primary.for_reads().replication_lag().await.unwrap(), None);
}

#[tokio::test]
async fn replicas_need_a_postgresql_primary() {
    let dir = crate::common::Dir::new();
    let sqlite = Store::connect(&format!("sqlite://{}/t.db", dir.0.display()))
        .await
        .unwrap();
    let refused = sqlite
        .with_replicas(
            &["postgres://postgres@127.0.0.1:1/none".into()],
            &StoreOptions::default(),
        )
        .await;
    assert!(refused.is_err());
}
