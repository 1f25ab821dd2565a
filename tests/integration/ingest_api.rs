//! The ingest API against the running server: good, bad and mixed batches, keys, duplicates,
//! and durability across a killed process.
use crate::common;

use common::server::{create_key, Server};
use errscope::server::store::Visibility;

fn db() -> (String, common::TestDb) {
    let db = common::TestDb::new();
    (db.url.clone(), db)
}

/// Runs `f` on a store over the database file the server writes, rows of every log type.
fn with_store<T>(
    db: &str,
    f: impl AsyncFnOnce(errscope::server::store::Store, errscope::domain::filter::LogFilter) -> T,
) -> T {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = errscope::server::store::Store::connect(db).await.unwrap();
        let every_type = errscope::domain::filter::LogFilter {
            log_type: None,
            ..Default::default()
        };
        f(store, every_type).await
    })
}

fn count(db: &str) -> u64 {
    with_store(db, async |store, f| {
        store.count(&f, Visibility::All).await.unwrap()
    })
}

/// The stored content of the rows whose content contains `keyword` (through the keyword index).
fn contents_matching(db: &str, keyword: &str) -> Vec<String> {
    with_store(db, async |store, mut f| {
        f.keyword = Some(keyword.to_string());
        let rows = store.list(&f, Visibility::All).await.unwrap();
        rows.into_iter().map(|r| r.content).collect()
    })
}

const GOOD: &str = r#"{"time":"2026-11-21T10:20:03Z","user_id":7,"request_id":"r-1","status_code":502,"group":"vip","content":"bad response status code 502"}
{"time":1795256404,"user_id":7,"request_id":"r-2","status_code":401,"content":"Invalid token sk-proj-AbCdEf1234567890XYZ"}"#;

#[test]
fn batches_are_validated_record_by_record_and_committed_once() {
    let (url, dir) = db();
    let key = create_key(&url);
    let server = Server::start(&url, 3211);

    let (status, v) = server.post("", GOOD);
    assert_eq!(status, 401);
    assert_eq!(v["error"]["code"], "invalid_api_key");
    let (status, _) = server.post("esk_wrong", GOOD);
    assert_eq!(status, 401);

    let (status, v) = server.post(&key, GOOD);
    assert_eq!(status, 200, "{v}");
    assert_eq!(
        (v["accepted"].as_u64(), v["inserted"].as_u64()),
        (Some(2), Some(2))
    );

    // Re-sending the same batch stores nothing twice.
    let (_, v) = server.post(&key, GOOD);
    assert_eq!(
        (v["inserted"].as_u64(), v["duplicates"].as_u64()),
        (Some(0), Some(2))
    );

    // A mixed JSON array: the bad records are named with their number, field and reason.
    let mixed = r#"[
        {"time":"2026-11-21T10:21:00Z","user_id":8,"request_id":"r-3","status_code":429,"content":"Account RPM limit exceeded"},
        {"time":"not a time","user_id":8,"request_id":"r-4"},
        {"time":"2026-11-21T10:21:00Z","user_id":8,"status_code":503},
        {"time":"2026-11-21T10:21:00Z","user_id":8,"request_id":"r-5","status_code":9999},
        {"time":"2026-11-21T10:21:00Z","user_id":8,"request_id":"r-6","colour":"blue"}
    ]"#;
    let (status, v) = server.post(&key, mixed);
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["accepted"], 1);
    let rejected: Vec<(u64, String)> = v["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["field"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        rejected,
        vec![
            (2, "time".into()),
            (3, "request_id".into()),
            (4, "status_code".into()),
            (5, "record".into())
        ]
    );

    // Nothing valid at all: 422. Not JSON: 400.
    assert_eq!(server.post(&key, r#"[{"user_id":1}]"#).0, 422);
    assert_eq!(server.post(&key, "[oops").0, 400);
    assert_eq!(count(&url), 3);

    // The secret in the content never reached the store.
    let stored = contents_matching(&url, "Invalid");
    assert!(!stored.is_empty());
    assert!(stored
        .iter()
        .all(|c| c.contains("sk-proj-AbCd****") && !c.contains("1234567890XYZ")));
    assert!(
        contents_matching(&url, "1234567890XYZ").is_empty(),
        "the keyword index never saw it"
    );
    drop(server);
    drop(dir);
}

#[test]
fn an_acknowledged_batch_survives_a_killed_server() {
    let (url, dir) = db();
    let key = create_key(&url);
    let server = Server::start(&url, 3212);
    let batch: String = (0..500)
        .map(|i| format!(r#"{{"time":{},"user_id":9,"request_id":"k-{i}","status_code":503,"content":"system disk overloaded"}}"#, 1_795_256_403 + i))
        .collect::<Vec<_>>()
        .join("\n");
    let (status, v) = server.post(&key, &batch);
    assert_eq!((status, v["inserted"].as_u64()), (200, Some(500)));
    let mut server = server;
    server.child.kill().unwrap(); // SIGKILL: no graceful shutdown
    server.child.wait().unwrap();
    drop(server);
    let server = Server::start(&url, 3213);
    assert_eq!(count(&url), 500);
    drop(server);
    drop(dir);
}
