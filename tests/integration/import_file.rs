//! `errscope import file`: an admin's CSV export imports again into an empty database with
//! every field intact; NDJSON lines that cannot be stored are reported with line, field and
//! reason while the rest are stored; re-running stores nothing twice.
use crate::common;

use errscope::domain::filter::LogFilter;
use errscope::domain::log::LogRow;
use errscope::server::import::file::import;
use errscope::server::store::{Store, Visibility};

async fn every_row(store: &Store) -> Vec<LogRow> {
    let f = LogFilter {
        log_type: None,
        page_size: 1000,
        ..Default::default()
    };
    store.list(&f, Visibility::All).await.unwrap()
}

/// The fields an export carries (ids are the database's own).
fn exported(r: &LogRow) -> String {
    let mut r = r.clone();
    r.id = 0;
    format!("{r:?}")
}

#[tokio::test]
async fn an_admin_export_imports_again_with_every_field() {
    let (source, _d1) = common::store().await;
    common::seed(&source, 30).await;
    let router = common::router(&source).await;
    let admin = common::sign_in_as(&router, &source, "root", "admin", None).await;
    let (status, _, csv) = common::get_as(&router, Some(&admin), "/logs.csv?range=").await;
    assert_eq!(status, 200);

    let (target, dir) = common::store().await;
    let path = dir.dir.0.join("export.csv");
    std::fs::write(&path, csv).unwrap();
    let mut last = (0, 0);
    let report = import(&target, &path, 7, |done, total| last = (done, total))
        .await
        .unwrap();
    assert_eq!((report.read, report.inserted, report.rejected), (30, 30, 0));
    assert_eq!(last.0, last.1, "the progress reaches the file's size");

    let before: Vec<String> = every_row(&source).await.iter().map(exported).collect();
    let after: Vec<String> = every_row(&target).await.iter().map(exported).collect();
    assert_eq!(before.len(), 30);
    assert_eq!(before, after);

    let again = import(&target, &path, 100, |_, _| {}).await.unwrap();
    assert_eq!((again.inserted, again.duplicates), (0, 30));
}

#[tokio::test]
async fn ndjson_lines_that_cannot_be_stored_are_reported_and_the_rest_stored() {
    let (store, dir) = common::store().await;
    let path = dir.dir.0.join("logs.ndjson");
    let lines = [
        r#"{"time":"2026-11-21T10:00:00Z","user_id":1,"request_id":"a","status_code":401,"content":"Invalid token sk-abcdefghijklmnopqrstuvwx"}"#,
        "",
        r#"{"time":"2026-11-21T10:00:01Z","user_id":1,"request_id":"b","status_code":999}"#,
        r#"{"time":"2026-11-21T10:00:02Z","user_id":1,"request_id":"c","colour":"red"}"#,
        r#"not json"#,
        r#"{"time":1763719203,"user_id":2,"request_id":"d","status_code":502,"content":"请求失败"}"#,
    ];
    std::fs::write(&path, lines.join("\n")).unwrap();
    let report = import(&store, &path, 2, |_, _| {}).await.unwrap();
    assert_eq!((report.read, report.inserted, report.rejected), (5, 2, 3));
    let why: Vec<(u64, &str)> = report
        .examples
        .iter()
        .map(|r| (r.line, r.why.field))
        .collect();
    assert_eq!(why, vec![(3, "status_code"), (4, "record"), (5, "record")]);
    assert!(report.examples[1].why.reason.contains("colour"));

    let rows = every_row(&store).await;
    assert_eq!(rows.len(), 2);
    assert!(
        rows.iter().all(|r| !r.content.contains("abcdefghijklmnop")),
        "secrets are masked"
    );
}

#[tokio::test]
async fn a_csv_with_unknown_columns_is_refused_before_anything_is_stored() {
    let (store, dir) = common::store().await;
    let path = dir.dir.0.join("odd.csv");
    std::fs::write(
        &path,
        "time,user_id,request_id,colour\n2026-11-21T10:00:00Z,1,a,red\n",
    )
    .unwrap();
    let e = import(&store, &path, 10, |_, _| {}).await.unwrap_err();
    assert!(e.to_string().contains("colour"), "{e}");
    assert!(every_row(&store).await.is_empty());

    let bad = dir.dir.0.join("bad.csv");
    std::fs::write(&bad, "time,user_id,request_id,status_code\n2026-11-21T10:00:00Z,1,a,5o2\n2026-11-21T10:00:00Z,1,b,502\n").unwrap();
    let report = import(&store, &bad, 10, |_, _| {}).await.unwrap();
    assert_eq!((report.inserted, report.rejected), (1, 1));
    assert_eq!(report.examples[0].line, 2);
    assert_eq!(report.examples[0].why.field, "status_code");

    let missing = import(&store, &dir.dir.0.join("nope.csv"), 10, |_, _| {})
        .await
        .unwrap_err();
    assert!(missing.to_string().contains("cannot read"), "{missing}");
}
