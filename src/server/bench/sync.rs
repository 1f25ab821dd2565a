//! The new-api sync's sustained rate: a new-api SQLite database of about N rows, written in
//! new-api's own shapes, pulled into a fresh errscope database on the bench's backend.
use std::time::Instant;

use sqlx::migrate::MigrateDatabase;

use super::report::Outcome;
use super::BoxError;
use crate::server::demo::newapi::{NewApiDemo, Release};
use crate::server::newapi::{display_name, pull, NewApiSource, Selection};
use crate::server::store::{Store, StoreOptions};
use crate::server::time::now_ms;

/// A relay's error and consume rows arrive at tens to hundreds a second; the sync must keep
/// up with the busiest many times over, and catch up on a backlog in minutes.
const FLOOR_ROWS_PER_S: f64 = 5_000.0;

/// Rows of new-api's per story of the demo generator, on average (every shape in turn).
const ROWS_PER_STORY: f64 = 2.2;

pub async fn measure(rows: u64, postgres: Option<&str>) -> Result<Outcome, BoxError> {
    let dir = std::env::temp_dir().join(format!("errscope-bench-sync-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let source_url = format!("sqlite://{}/one-api.db", dir.display());
    let target_url = match postgres {
        Some(server) => {
            let url = format!("{}/errscope_bench_sync", server.trim_end_matches('/'));
            let _ = sqlx::Postgres::force_drop_database(&url).await;
            url
        }
        None => format!("sqlite://{}/errscope.db", dir.display()),
    };
    eprintln!("writing a new-api SQLite database of about {rows} rows");
    let t = Instant::now();
    let demo = NewApiDemo::open(&source_url, Release::Current).await?;
    let stories = (rows as f64 / ROWS_PER_STORY).ceil() as u64;
    let written = demo.append(0, stories, 11, now_ms() / 1000).await?;
    drop(demo);
    eprintln!("  {} rows in {:.1?}", written.rows(), t.elapsed());

    let store = Store::connect_with(
        &target_url,
        &StoreOptions {
            statement_timeout_ms: 0,
            ..StoreOptions::default()
        },
    )
    .await?;
    store.migrate().await?;
    let source = NewApiSource::open(&source_url).await?;
    let t = Instant::now();
    let report = pull(
        &store,
        &source,
        &display_name(&source_url),
        Selection::ErrorsAndConsume,
        0,
        5_000,
        None,
        |_, _| {},
    )
    .await?;
    let took = t.elapsed();
    eprintln!(
        "  synced {} rows ({} skipped of other types) in {took:.1?}",
        report.inserted, report.skipped_types
    );
    if report.inserted != written.errors + written.consume {
        return Err(format!(
            "the sync stored {} rows of {} error and consume rows",
            report.inserted,
            written.errors + written.consume
        )
        .into());
    }
    drop(source);
    drop(store);
    if postgres.is_some() {
        let _ = sqlx::Postgres::force_drop_database(&target_url).await;
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(Outcome::throughput(
        "new-api sync (from a new-api SQLite database)",
        report.read as f64 / took.as_secs_f64(),
        FLOOR_ROWS_PER_S,
    ))
}
