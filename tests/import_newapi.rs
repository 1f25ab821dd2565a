//! `import new-api` against a real SQLite database built with new-api's `logs` schema:
//! error rows (and consume rows on request) arrive mapped, re-runs add nothing, and a later
//! run imports only what is new.
#![cfg(feature = "ssr")]
#![recursion_limit = "256"]
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::SqlitePool;

use errscope::domain::filter::LogFilter;
use errscope::domain::log::LogType;
use errscope::server::import::newapi::import;
use errscope::server::store::Visibility;

mod common;

const NEW_API_SCHEMA: &str = "CREATE TABLE logs (
    id integer PRIMARY KEY AUTOINCREMENT, user_id integer, created_at bigint, type integer,
    content text, username text DEFAULT '', token_name text DEFAULT '', model_name text DEFAULT '',
    quota integer DEFAULT 0, prompt_tokens integer DEFAULT 0, completion_tokens integer DEFAULT 0,
    use_time integer DEFAULT 0, is_stream numeric, channel_id integer, channel_name text,
    token_id integer DEFAULT 0, `group` text, ip text, request_id text, upstream_request_id text,
    other text, user_agent text)";

async fn new_api_db(dir: &common::Dir) -> (SqlitePool, String) {
    let path = dir.0.join("one-api.db");
    let pool = SqlitePool::connect_with(
        SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true),
    )
    .await
    .unwrap();
    sqlx::query(NEW_API_SCHEMA).execute(&pool).await.unwrap();
    (pool, format!("sqlite://{}", path.display()))
}

async fn add(pool: &SqlitePool, first: i64, n: i64) {
    for i in first..first + n {
        let (kind, content, other) = match i % 3 {
            0 => (2, "", r#"{"admin_info":{"use_channel":["1"]}}"#.to_string()),
            1 => (
                5,
                "bad response status code 502",
                r#"{"status_code":502,"error_type":"upstream_error","error_code":"bad_response_status_code","channel_name":"azure-east","admin_info":{"use_channel":["3","5"]}}"#.to_string(),
            ),
            _ => (5, "Invalid token sk-proj-SECRETSECRET1234567890", r#"{"status_code":401}"#.to_string()),
        };
        sqlx::query(
            "INSERT INTO logs (id, user_id, created_at, type, content, username, token_name, model_name,
             use_time, is_stream, `group`, ip, request_id, other)
             VALUES (?, ?, ?, ?, ?, 'alice', 'alice-key', 'gpt-4o', 2, 0, 'vip', '198.51.100.7', ?, ?)",
        )
        .bind(i)
        .bind(1000 + i % 2)
        .bind(1_763_700_000 + i)
        .bind(kind)
        .bind(content)
        .bind(if i % 5 == 0 { String::new() } else { format!("na-{i}") })
        .bind(other)
        .execute(pool)
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn imports_error_rows_incrementally_and_safely_re_runs() {
    let (store, dir) = common::store().await;
    let (source, url) = new_api_db(&dir).await;
    add(&source, 1, 30).await; // 20 error rows, 10 consume rows

    let first = import(&store, &url, false, 7, |_, _| {}).await.unwrap();
    assert_eq!((first.read, first.inserted, first.rejected), (20, 20, 0));
    let all = LogFilter {
        log_type: None,
        page_size: 100,
        ..Default::default()
    };
    let rows = store.list(&all, Visibility::All).await.unwrap();
    assert_eq!(rows.len(), 20);
    assert!(rows.iter().all(|r| r.log_type == LogType::Error));
    let r502 = rows.iter().find(|r| r.status_code == Some(502)).unwrap();
    assert_eq!(r502.channel.as_deref(), Some("azure-east"));
    assert_eq!(r502.retries.as_deref(), Some("3 → 5"));
    assert_eq!(r502.error_code.as_deref(), Some("bad_response_status_code"));
    assert_eq!(r502.group, "vip");
    let r401 = rows.iter().find(|r| r.status_code == Some(401)).unwrap();
    assert!(
        !r401.content.contains("SECRETSECRET"),
        "secrets masked on import"
    );
    assert!(
        rows.iter().any(|r| r.request_id.starts_with("newapi-")),
        "ids for rows without one"
    );

    // A re-run finds nothing new; new rows in the source are picked up next time.
    let again = import(&store, &url, false, 7, |_, _| {}).await.unwrap();
    assert_eq!(again.read, 0);
    add(&source, 31, 6).await;
    let mut seen = (0, 0);
    let newer = import(&store, &url, false, 100, |_, _| {}).await.unwrap();
    assert_eq!(
        (newer.read, newer.inserted),
        (4, 4),
        "only error rows after the bookmark"
    );
    // Turning consume rows on brings the older ones too; errors already here are skipped.
    let later = import(&store, &url, true, 100, |done, total| seen = (done, total))
        .await
        .unwrap();
    assert_eq!((later.read, later.inserted, later.duplicates), (36, 12, 24));
    assert_eq!(seen, (36, 36));
    let rows = store.list(&all, Visibility::All).await.unwrap();
    assert_eq!(rows.len(), 36);
    assert_eq!(
        rows.iter()
            .filter(|r| r.log_type == LogType::Consume)
            .count(),
        12
    );
}

#[tokio::test]
async fn an_unsupported_or_missing_source_is_a_clear_error() {
    let (store, _dir) = common::store().await;
    let e = import(
        &store,
        "mysql://root@127.0.0.1/newapi",
        false,
        10,
        |_, _| {},
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("not supported yet"), "{e}");
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
}
