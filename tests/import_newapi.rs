//! `import new-api` against real SQLite, PostgreSQL and MySQL databases built with new-api's
//! `logs` schema:
//! error rows (and consume rows on request) arrive mapped, re-runs add nothing, and a later
//! run imports only what is new.
#![cfg(feature = "ssr")]
#![recursion_limit = "256"]
use sqlx::sqlite::SqliteConnectOptions;

use errscope::domain::filter::LogFilter;
use errscope::domain::log::LogType;
use errscope::server::import::newapi::import;
use errscope::server::store::Visibility;

mod common;

/// new-api's `logs` table as it creates it on each database (`group` quoted, `is_stream` a
/// boolean on PostgreSQL).
fn new_api_schema(group: &str, is_stream: &str, id: &str) -> String {
    format!(
        "CREATE TABLE logs (
        id {id}, user_id integer, created_at bigint, type integer,
        content text, username text, token_name text, model_name text,
        quota integer DEFAULT 0, prompt_tokens integer DEFAULT 0, completion_tokens integer DEFAULT 0,
        use_time integer DEFAULT 0, is_stream {is_stream}, channel_id integer, channel_name text,
        token_id integer DEFAULT 0, {group} text, ip text, request_id text, upstream_request_id text,
        other text, user_agent text)"
    )
}

/// A new-api database on one of the engines it runs on.
enum NewApiDb {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
    MySql(sqlx::MySqlPool),
}

impl NewApiDb {
    async fn exec(&self, sql: &str) {
        match self {
            NewApiDb::Sqlite(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
            NewApiDb::Postgres(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
            NewApiDb::MySql(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
        }
        .unwrap();
    }

    fn group_column(&self) -> &'static str {
        match self {
            NewApiDb::MySql(_) => "`group`",
            _ => "\"group\"",
        }
    }

    fn is_stream(&self, on: bool) -> &'static str {
        match (self, on) {
            (NewApiDb::Postgres(_), true) => "true",
            (NewApiDb::Postgres(_), false) => "false",
            (_, true) => "1",
            (_, false) => "0",
        }
    }
}

/// Rows `first..first + n` of new-api's log: every third a consume row, the rest 502s (with a
/// channel and a retry chain) and 401s (with a key in the text); every fifth without request id.
async fn add(db: &NewApiDb, first: i64, n: i64) {
    for i in first..first + n {
        let (kind, content, other) = match i % 3 {
            0 => (2, "", r#"{"admin_info":{"use_channel":["1"]}}"#),
            1 => (
                5,
                "bad response status code 502",
                r#"{"status_code":502,"error_type":"upstream_error","error_code":"bad_response_status_code","channel_name":"azure-east","admin_info":{"use_channel":["3","5"]}}"#,
            ),
            _ => (
                5,
                "Invalid token sk-proj-SECRETSECRET1234567890",
                r#"{"status_code":401}"#,
            ),
        };
        let request_id = if i % 5 == 0 {
            String::new()
        } else {
            format!("na-{i}")
        };
        db.exec(&format!(
            "INSERT INTO logs (id, user_id, created_at, type, content, username, token_name, model_name,
             use_time, is_stream, {}, ip, request_id, other)
             VALUES ({i}, {}, {}, {kind}, '{content}', 'alice', 'alice-key', 'gpt-4o', 2, {}, 'vip',
             '198.51.100.7', '{request_id}', '{other}')",
            db.group_column(),
            1000 + i % 2,
            1_763_700_000 + i,
            db.is_stream(i % 4 == 0),
        ))
        .await;
    }
}

/// The same story on every engine: error rows arrive mapped, re-runs add nothing, a later
/// run imports only what is new, and turning consume rows on brings the older ones too.
async fn imports_incrementally_and_safely_re_runs(db: &NewApiDb, url: &str) {
    let (store, _dir) = common::store().await;
    add(db, 1, 30).await; // 20 error rows, 10 consume rows

    let first = import(&store, url, false, 7, |_, _| {}).await.unwrap();
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
    assert_eq!(r502.latency_ms, Some(2000));
    assert!(rows.iter().any(|r| r.is_stream) && rows.iter().any(|r| !r.is_stream));
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
    let again = import(&store, url, false, 7, |_, _| {}).await.unwrap();
    assert_eq!(again.read, 0);
    add(db, 31, 6).await;
    let mut seen = (0, 0);
    let newer = import(&store, url, false, 100, |_, _| {}).await.unwrap();
    assert_eq!(
        (newer.read, newer.inserted),
        (4, 4),
        "only error rows after the bookmark"
    );
    // Turning consume rows on brings the older ones too; errors already here are skipped.
    let later = import(&store, url, true, 100, |done, total| seen = (done, total))
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
async fn imports_from_new_api_on_sqlite() {
    let dir = common::Dir::new();
    let path = dir.0.join("one-api.db");
    let pool = sqlx::SqlitePool::connect_with(
        SqliteConnectOptions::new()
            .filename(&path)
            .create_if_missing(true),
    )
    .await
    .unwrap();
    let db = NewApiDb::Sqlite(pool);
    db.exec(&new_api_schema(
        "`group`",
        "numeric",
        "integer PRIMARY KEY AUTOINCREMENT",
    ))
    .await;
    imports_incrementally_and_safely_re_runs(&db, &format!("sqlite://{}", path.display())).await;
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

/// Runs the story in a fresh database on a server (`$env`, else this machine's), dropped
/// afterwards; says so and passes when no server answers there.
macro_rules! on_a_server {
    ($pool:ty, $variant:ident, $env:literal, $default:literal, $admin_db:literal, $schema:expr, $drop:literal) => {{
        let server = std::env::var($env).unwrap_or_else(|_| $default.into());
        let Ok(admin) = <$pool>::connect(&format!("{server}/{}", $admin_db)).await else {
            eprintln!("skipped: no server at {server} (set {})", $env);
            return;
        };
        let name = test_database_name();
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&admin)
            .await
            .unwrap();
        let url = format!("{server}/{name}");
        let db = NewApiDb::$variant(<$pool>::connect(&url).await.unwrap());
        db.exec(&$schema).await;
        imports_incrementally_and_safely_re_runs(&db, &url).await;
        if let NewApiDb::$variant(p) = db {
            p.close().await;
        }
        sqlx::query(&format!("DROP DATABASE {name}{}", $drop))
            .execute(&admin)
            .await
            .unwrap();
    }};
}

#[tokio::test]
async fn imports_from_new_api_on_postgresql() {
    on_a_server!(
        sqlx::PgPool,
        Postgres,
        "ERRSCOPE_TEST_POSTGRES",
        "postgres://postgres@127.0.0.1:5432",
        "postgres",
        new_api_schema("\"group\"", "boolean", "bigserial PRIMARY KEY"),
        " WITH (FORCE)"
    );
}

#[tokio::test]
async fn imports_from_new_api_on_mysql() {
    on_a_server!(
        sqlx::MySqlPool,
        MySql,
        "ERRSCOPE_TEST_MYSQL",
        "mysql://root@127.0.0.1:3306",
        "mysql",
        new_api_schema("`group`", "tinyint(1)", "bigint AUTO_INCREMENT PRIMARY KEY"),
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
}
