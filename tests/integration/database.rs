//! Opening a database: clear errors (never a panic) for an unreachable server, wrong
//! credentials, an unknown scheme and a schema newer than this binary; `errscope migrate`.
use crate::common;

use std::process::Command;

use errscope::server::store::{Backend, Store, StoreError};

#[tokio::test]
async fn a_database_written_by_a_newer_errscope_is_refused() {
    let (store, db) = common::store().await;
    let blob = match store.backend() {
        Backend::Sqlite => "X'00'",
        Backend::Postgres => "'\\x00'::bytea",
    };
    store
        .query_int(&format!(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (99990101000000, 'from the future', TRUE, {blob}, 0) RETURNING 0"
        ))
        .await
        .unwrap();
    drop(store);
    let again = Store::connect(&db.url).await.unwrap();
    let e = again.migrate().await.unwrap_err();
    assert!(matches!(e, StoreError::SchemaNewer { .. }), "{e:?}");
    assert!(e.to_string().contains("newer errscope"), "{e}");
}

#[test]
fn migrate_reports_unreachable_servers_and_bad_urls_clearly() {
    let run = |url: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_errscope"))
            .args([
                "migrate",
                "--database-url",
                url,
                "--db-connect-timeout-ms",
                "3000",
            ])
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, err) = run("postgres://someone:hunter2@127.0.0.1:1/logs");
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("cannot open the database"), "{err}");
    assert!(
        !err.contains("hunter2"),
        "the password is never printed: {err}"
    );
    assert!(!err.contains("panicked"), "{err}");

    let (code, err) = run("oracle://x@y/z");
    assert_eq!(code, Some(1));
    assert!(err.contains("unsupported database URL"), "{err}");

    let db = common::TestDb::new();
    let (code, err) = run(&db.url);
    assert_eq!(code, Some(0), "{err}");
}
