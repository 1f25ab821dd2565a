//! Importing and following new-api databases made the way new-api makes them
//! (`server::demo::newapi`: its gorm schema of each release and its row shapes), on SQLite,
//! PostgreSQL and MariaDB sources: every error and consume row arrives exactly once, retries
//! stay separate attempts of one request, re-runs and resumed runs store nothing twice, and
//! the sync follows a database being written to.
use std::time::Duration;

use errscope::domain::attempts::Outcome;
use errscope::server::demo::newapi::{NewApiDemo, Release, Written};
use errscope::server::import::newapi::import;
use errscope::server::newapi::{display_name, pull, NewApiSource, Selection};
use errscope::server::store::{Store, Visibility};
use errscope::server::sync;

use crate::common;

const NOW_S: i64 = 1_764_900_000;

async fn count(store: &Store, sql: &str) -> u64 {
    store.query_int(sql).await.unwrap() as u64
}

/// errscope's rows (errors, consume) against what the source holds by type: a stream that
/// failed midway is an error in errscope.
async fn assert_counts_match(store: &Store, w: &Written) {
    let errors = count(store, "SELECT count(*) FROM logs WHERE log_type = 5").await;
    let consume = count(store, "SELECT count(*) FROM logs WHERE log_type = 2").await;
    assert_eq!(
        (errors, consume),
        (w.errors + w.stream_failures, w.consume - w.stream_failures),
        "errscope's rows by type for {w:?}"
    );
}

fn add(a: Written, b: Written) -> Written {
    Written {
        errors: a.errors + b.errors,
        consume: a.consume + b.consume,
        stream_failures: a.stream_failures + b.stream_failures,
        other_types: a.other_types + b.other_types,
        retried_then_succeeded: a.retried_then_succeeded + b.retried_then_succeeded,
    }
}

/// The whole story on one source URL of one release.
async fn imports_every_row_once(url: &str, release: Release) {
    let (store, _dir) = common::store().await;
    let demo = NewApiDemo::open(url, release).await.unwrap();
    let w = demo.append(0, 40, 7, NOW_S).await.unwrap();

    let report = import(&store, url, true, 25, |_, _| {}).await.unwrap();
    assert_eq!(report.read, w.errors + w.consume, "{release:?}");
    assert_eq!(
        (report.inserted, report.duplicates, report.rejected),
        (w.errors + w.consume, 0, 0),
        "{release:?}: {:?}",
        report.examples
    );
    assert_eq!(report.skipped_types, w.other_types, "{release:?}");
    assert_counts_match(&store, &w).await;

    // Status codes from `other` (numbers and strings) and from the content's prefix, which
    // is removed from the text.
    for (code, stories) in [(502, 4), (503, 4), (401, 4), (429, 4), (500, 12)] {
        let n = count(
            &store,
            &format!("SELECT count(*) FROM logs WHERE status_code = {code}"),
        )
        .await;
        assert_eq!(n, stories, "{release:?}: rows with status {code}");
    }
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM logs WHERE content LIKE 'status_code=%'"
        )
        .await,
        0
    );
    // Keys masked; channels named from `other`, else from the channels table.
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM logs WHERE content LIKE '%1234567890XyZ%'"
        )
        .await,
        0
    );
    let channels = store
        .query_texts("SELECT DISTINCT channel FROM logs WHERE channel IS NOT NULL ORDER BY channel")
        .await
        .unwrap();
    for want in [
        "openai-main (#8)",
        "claude-relay (#21)",
        "openai-backup (#17)",
    ] {
        assert!(channels.iter().any(|c| c == want), "{want} in {channels:?}");
    }
    // A stream that failed midway is a failure with its reason.
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM logs WHERE log_type = 5 AND error_type = 'stream_error' \
             AND error_code = 'timeout' AND content LIKE '%stream read timeout%'"
        )
        .await,
        w.stream_failures
    );

    // Retries share a request id (releases that have the column): every attempt is kept.
    if release >= Release::RequestId {
        let ids = store
            .query_texts("SELECT request_id FROM logs WHERE status_code = 502 ORDER BY request_id")
            .await
            .unwrap();
        assert_eq!(ids.len() as u64, w.retried_then_succeeded);
        for id in &ids {
            let attempts = store.request_attempts(id, Visibility::All).await.unwrap();
            assert_eq!(attempts.len(), 3, "{id}");
            assert_eq!(
                Outcome::of(&attempts),
                Some(Outcome::Succeeded {
                    on_attempt: 3,
                    failed: 2
                })
            );
        }
    } else {
        assert_eq!(
            count(
                &store,
                "SELECT count(*) FROM logs WHERE request_id NOT LIKE 'newapi-%'"
            )
            .await,
            0
        );
    }

    // Re-running finds nothing new; rows appended later arrive, once.
    let again = import(&store, url, true, 25, |_, _| {}).await.unwrap();
    assert_eq!((again.read, again.inserted), (0, 0));
    let more = demo.append(40, 15, 8, NOW_S + 600).await.unwrap();
    let later = import(&store, url, true, 1_000, |_, _| {}).await.unwrap();
    assert_eq!(later.inserted, more.errors + more.consume);
    assert_counts_match(&store, &add(w, more)).await;
}

#[tokio::test]
async fn every_release_on_sqlite_imports_every_row_once() {
    for release in Release::ALL {
        let dir = common::Dir::new();
        let url = format!("sqlite://{}/one-api.db", dir.0.display());
        imports_every_row_once(&url, release).await;
    }
}

#[tokio::test]
async fn an_interrupted_import_resumes_without_doubling() {
    let (store, _dir) = common::store().await;
    let dir = common::Dir::new();
    let url = format!("sqlite://{}/one-api.db", dir.0.display());
    let demo = NewApiDemo::open(&url, Release::Current).await.unwrap();
    let w = demo.append(0, 60, 3, NOW_S).await.unwrap();
    let source = NewApiSource::open(&url).await.unwrap();
    let name = display_name(&url);
    // Two batches of 9 rows, then the run stops (as a killed import would).
    let first = pull(
        &store,
        &source,
        &name,
        Selection::ErrorsAndConsume,
        0,
        9,
        Some(2),
        |_, _| {},
    )
    .await
    .unwrap();
    assert_eq!(first.inserted, 18);
    let rest = import(&store, &url, true, 9, |_, _| {}).await.unwrap();
    assert_eq!(rest.duplicates, 0);
    assert_eq!(first.inserted + rest.inserted, w.errors + w.consume);
    assert_counts_match(&store, &w).await;
    // Reading again from far below the bookmark recognises every row and keeps the bookmark.
    let rewound = pull(
        &store,
        &source,
        &name,
        Selection::ErrorsAndConsume,
        1_000,
        50,
        None,
        |_, _| {},
    )
    .await
    .unwrap();
    assert_eq!(rewound.inserted, 0);
    assert_eq!(rewound.duplicates, w.errors + w.consume);
    assert_eq!(rewound.last_id, rest.last_id);
    // Error rows only, then consume rows too: the error rows already here are recognised.
    let (store2, _dir2) = common::store().await;
    let errors_only = import(&store2, &url, false, 100, |_, _| {}).await.unwrap();
    assert_eq!(errors_only.inserted, w.errors);
    let both = import(&store2, &url, true, 100, |_, _| {}).await.unwrap();
    assert_eq!((both.inserted, both.duplicates), (w.consume, w.errors));
    assert_counts_match(&store2, &w).await;
}

/// A database name no other test run uses.
fn test_database_name() -> String {
    format!(
        "errscope_newapi_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    )
}

/// Runs the story for each release in a fresh database on a server (`$env`, else this
/// machine's), dropped afterwards; says so and passes when no server answers there.
macro_rules! on_a_server {
    ($pool:ty, $env:literal, $default:literal, $admin_db:literal, $drop:literal) => {{
        let server = std::env::var($env).unwrap_or_else(|_| $default.into());
        let Ok(admin) = <$pool>::connect(&format!("{server}/{}", $admin_db)).await else {
            eprintln!("skipped: no server at {server} (set {})", $env);
            return;
        };
        for release in Release::ALL {
            let name = test_database_name();
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&admin)
                .await
                .unwrap();
            imports_every_row_once(&format!("{server}/{name}"), release).await;
            sqlx::query(&format!("DROP DATABASE {name}{}", $drop))
                .execute(&admin)
                .await
                .unwrap();
        }
    }};
}

#[tokio::test]
async fn every_release_on_postgresql_imports_every_row_once() {
    on_a_server!(
        sqlx::PgPool,
        "ERRSCOPE_TEST_POSTGRES",
        "postgres://postgres@127.0.0.1:5432",
        "postgres",
        " WITH (FORCE)"
    );
}

#[tokio::test]
async fn every_release_on_mariadb_imports_every_row_once() {
    on_a_server!(
        sqlx::MySqlPool,
        "ERRSCOPE_TEST_MYSQL",
        "mysql://root@127.0.0.1:3306",
        "mysql",
        ""
    );
}

#[tokio::test]
async fn an_unsupported_or_missing_source_is_a_clear_error() {
    let (store, _dir) = common::store().await;
    let e = import(
        &store,
        "oracle://root@127.0.0.1/newapi",
        false,
        10,
        |_, _| {},
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("unsupported source"), "{e}");
    let e = import(
        &store,
        "sqlite:///nonexistent/dir/one-api.db",
        false,
        10,
        |_, _| {},
    )
    .await
    .unwrap_err();
    assert!(
        e.to_string().contains("cannot read new-api's database"),
        "{e}"
    );
    // A database without new-api's tables says so.
    let dir = common::Dir::new();
    let empty = format!("sqlite://{}/empty.db?mode=rwc", dir.0.display());
    sqlx::SqlitePool::connect(&empty).await.unwrap();
    let e = import(&store, &empty, false, 10, |_, _| {})
        .await
        .unwrap_err();
    assert!(e.to_string().contains("has no `logs` table"), "{e}");
}

/// Waits until `check` holds, up to `limit`.
async fn eventually(limit: Duration, mut check: impl AsyncFnMut() -> bool) -> bool {
    let start = std::time::Instant::now();
    while start.elapsed() < limit {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

#[tokio::test]
async fn the_sync_follows_a_database_being_written_and_survives_a_source_that_is_down() {
    let (store, _dir) = common::store().await;
    let dir = common::Dir::new();
    let url = format!("sqlite://{}/one-api.db", dir.0.display());
    let demo = NewApiDemo::open(&url, Release::Current).await.unwrap();
    let mut w = demo.append(0, 30, 5, NOW_S).await.unwrap();
    let missing = format!("sqlite://{}/no-such-dir/one-api.db", dir.0.display());
    sync::register_flag_sources(&store, &[url.clone(), missing.clone()])
        .await
        .unwrap();
    let interval = Duration::from_millis(300);
    let task = sync::spawn(store.clone(), sync::SyncSettings::every(interval));

    let expected = |w: &Written| w.errors + w.consume;
    let rows = || async { count(&store, "SELECT count(*) FROM logs").await };
    let want = expected(&w);
    assert!(
        eventually(Duration::from_secs(10), async || rows().await == want).await,
        "the first rows arrive"
    );
    // Rows appended while it runs arrive within a few intervals, none twice.
    for round in 0..3u64 {
        let more = demo
            .append(100 + round * 20, 20, 9 + round, NOW_S + 60 * round as i64)
            .await
            .unwrap();
        w = add(w, more);
        let want = expected(&w);
        assert!(
            eventually(Duration::from_secs(10), async || rows().await == want).await,
            "round {round}: {} rows, want {want}",
            rows().await
        );
    }
    assert_counts_match(&store, &w).await;

    let sources = store.sync_sources().await.unwrap();
    let followed = sources.iter().find(|s| s.url == url).unwrap();
    assert_eq!(followed.imported as u64, expected(&w));
    assert_eq!(followed.skipped as u64, w.other_types);
    assert_eq!(
        (followed.pending, followed.last_error.as_deref()),
        (0, None)
    );
    assert!(followed.newest_error_ms.is_some() && followed.newest_consume_ms.is_some());
    assert!(followed.from_flag && !followed.paused);
    assert_eq!(followed.name, display_name(&url));
    // The missing one reports why, and kept nobody waiting.
    let down = sources.iter().find(|s| s.url == missing).unwrap();
    assert!(
        down.last_error
            .as_deref()
            .is_some_and(|e| e.contains("cannot read new-api's database")),
        "{down:?}"
    );

    // Paused: new rows wait; resumed: they arrive.
    store
        .set_sync_source_paused(followed.id, true)
        .await
        .unwrap();
    tokio::time::sleep(interval * 3).await;
    let more = demo.append(500, 10, 21, NOW_S + 900).await.unwrap();
    tokio::time::sleep(interval * 4).await;
    assert_eq!(rows().await, expected(&w), "nothing arrives while paused");
    w = add(w, more);
    store
        .set_sync_source_paused(followed.id, false)
        .await
        .unwrap();
    let want = expected(&w);
    assert!(eventually(Duration::from_secs(10), async || rows().await == want).await);
    task.abort();
}
