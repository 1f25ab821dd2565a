//! The store and the HTTP app against a real SQLite file: scoping, keyset pagination, the
//! capped count, keyword search (ASCII and Chinese), and pages that never answer 500.
use axum::body::{to_bytes, Body};
use axum::http::{Request, StatusCode};
use tower::ServiceExt;

use errscope::domain::filter::{Cursor, LogFilter, COUNT_CAP};
use errscope::domain::log::{LogRow, LogType};
use errscope::server::ingest::prepare;
use errscope::server::store::Visibility;

use crate::common;
use common::{get_as, record, router, seed, sign_in_as, store};

#[tokio::test]
async fn keyset_pages_cover_every_row_once_even_while_rows_arrive() {
    let (store, _dir) = store().await;
    seed(&store, 250).await;
    let mut f = LogFilter {
        page_size: 20,
        ..Default::default()
    };
    let mut seen = std::collections::HashSet::new();
    let mut pages = 0;
    loop {
        let mut rows = store.list(&f, Visibility::All).await.unwrap();
        let more = rows.len() > 20;
        rows.truncate(20);
        for r in &rows {
            assert!(seen.insert(r.id), "row {} seen twice", r.id);
        }
        if pages == 2 {
            // Newer rows arrive mid-way: the cursor still walks the older ones exactly once.
            let newer: Vec<_> = (1000..1010)
                .map(|i| prepare(record(i, 1000, 502, "late")).unwrap())
                .collect();
            store.insert_batch(&newer).await.unwrap();
        }
        pages += 1;
        if !more {
            break;
        }
        let last = rows.last().unwrap();
        f.cursor = Some(Cursor::Time {
            ts_ms: last.ts_ms,
            id: last.id,
        });
    }
    assert_eq!(seen.len(), 250);
}

#[tokio::test]
async fn common_and_rare_keywords_page_the_same_rows_as_a_plain_scan() {
    let (store, _dir) = store().await;
    seed(&store, 600).await;
    // Late arrivals: higher ids but older times than most rows, for both kinds of keyword,
    // and consume rows whose text holds the same words (the count of one log type must not
    // include them).
    let late: Vec<_> = (0..45)
        .map(|i| {
            let content = match i % 3 {
                0 => "Invalid token (late)",
                1 => "zebra-marker 斑马",
                _ => "consume note: invalid token 请求失败 zebra-marker 斑马",
            };
            let mut r = record(5_000 + i, 1002, 401, content);
            r.time = Some(serde_json::json!(1_763_700_000_000_i64 + i * 17_000));
            if i % 3 == 2 {
                r.log_type = Some("consume".into());
            }
            prepare(r).unwrap()
        })
        .collect();
    store.insert_batch(&late).await.unwrap();
    let everything = common::walk_pages(
        &store,
        LogFilter {
            page_size: 50,
            log_type: None,
            ..Default::default()
        },
        Visibility::All,
    )
    .await;
    // A common word (a third of the rows), a Chinese one, two rare ones, and the words the
    // index uses for the log types (which no content here holds).
    for k in [
        "invalid TOKEN",
        "请求失败",
        "zebra-marker",
        "斑马",
        "ty5",
        "ty2",
    ] {
        for log_type in [None, Some(LogType::Error), Some(LogType::Consume)] {
            let f = LogFilter {
                keyword: Some(k.into()),
                log_type,
                page_size: 20,
                ..Default::default()
            };
            let counted = store.count(&f, Visibility::All).await.unwrap();
            let got: Vec<i64> = common::walk_pages(&store, f.clone(), Visibility::All)
                .await
                .iter()
                .map(|r| r.id)
                .collect();
            let expected: Vec<i64> = everything
                .iter()
                .filter(|r| log_type.is_none_or(|t| r.log_type == t))
                .filter(|r| r.content.to_lowercase().contains(&k.to_lowercase()))
                .map(|r| r.id)
                .collect();
            assert_eq!(expected.is_empty(), k.starts_with("ty"), "{k} {log_type:?}");
            assert_eq!(got, expected, "{k} {log_type:?}");
            assert_eq!(counted, expected.len() as u64, "{k} {log_type:?}");
            // The page read with its count: the same rows, every page counting every match,
            // and a page past the last match too.
            let (paged, counts) =
                common::walk_counted_pages(&store, f.clone(), Visibility::All).await;
            let paged: Vec<i64> = paged.iter().map(|r| r.id).collect();
            assert_eq!(paged, expected, "{k} {log_type:?} by page");
            assert!(
                counts.iter().all(|c| *c == counted),
                "{k} {log_type:?}: {counts:?}"
            );
            if let Some(last) = everything.iter().find(|r| Some(&r.id) == expected.last()) {
                let past = LogFilter {
                    cursor: Some(Cursor::after(f.sort, last)),
                    ..f.clone()
                };
                let (rows, count) = store.page(&past, Visibility::All).await.unwrap();
                assert!(rows.is_empty(), "{k} {log_type:?} past the end");
                assert_eq!(count, counted, "{k} {log_type:?} past the end");
            }
        }
    }
}

#[tokio::test]
async fn users_see_only_their_rows_and_others_ids_are_not_found() {
    let (store, _dir) = store().await;
    seed(&store, 40).await;
    let f = LogFilter::default();
    let mine = store.list(&f, Visibility::User(1001)).await.unwrap();
    assert!(!mine.is_empty());
    assert!(mine.iter().all(|r| r.user_id == 1001));
    let theirs = store.list(&f, Visibility::User(1002)).await.unwrap();
    let other = &theirs[0];
    assert!(store
        .get(other.id, Visibility::User(1001))
        .await
        .unwrap()
        .is_none());
    assert!(store
        .get(other.id, Visibility::All)
        .await
        .unwrap()
        .is_some());
    assert_eq!(
        store
            .find_request(&other.request_id, Visibility::User(1001))
            .await
            .unwrap(),
        None
    );
    let facets = store.facets(Visibility::User(1001)).await.unwrap();
    assert_eq!(facets.tokens, vec!["tok-1001".to_string()]);
}

#[tokio::test]
async fn keyword_search_is_indexed_case_insensitive_and_never_sees_secrets() {
    let (store, _dir) = store().await;
    seed(&store, 30).await;
    let find = |k: &str| LogFilter {
        keyword: Some(k.into()),
        log_type: Some(LogType::Error),
        ..Default::default()
    };
    assert_eq!(
        store
            .count(&find("请求失败"), Visibility::All)
            .await
            .unwrap(),
        10
    );
    assert_eq!(
        store
            .count(&find("INVALID TOKEN"), Visibility::All)
            .await
            .unwrap(),
        10
    );
    assert_eq!(
        store.count(&find("失败"), Visibility::All).await.unwrap(),
        10,
        "short keywords too"
    );
    assert_eq!(
        store
            .count(&find("1234567890XYZ"), Visibility::All)
            .await
            .unwrap(),
        0,
        "masked before indexing"
    );
}

/// Two writers sending overlapping batches at once (two relays, or a sync beside an import):
/// each key is stored once, neither fails, and the counts of both add up.
#[tokio::test]
async fn overlapping_batches_written_at_once_store_each_row_once() {
    let (store, _dir) = store().await;
    let rows = |from: i64| -> Vec<_> {
        (from..from + 1_500)
            .map(|i| prepare(record(i, 1 + i % 3, 502, "overlap")).unwrap())
            .collect()
    };
    let (a, b) = (rows(0), rows(1_000));
    let mut stored = 0;
    for _ in 0..3 {
        let (x, y) = tokio::join!(store.insert_batch(&a), store.insert_batch(&b));
        let (x, y) = (x.unwrap(), y.unwrap());
        assert_eq!(x.inserted + x.duplicates, 1_500);
        assert_eq!(y.inserted + y.duplicates, 1_500);
        stored += x.inserted + y.inserted;
    }
    assert_eq!(stored, 2_500, "each row counted as stored once");
    assert_eq!(
        store.query_int("SELECT count(*) FROM logs").await.unwrap(),
        2_500
    );
    assert_eq!(
        store
            .query_int("SELECT count(DISTINCT request_id) FROM logs")
            .await
            .unwrap(),
        2_500
    );
}

#[tokio::test]
async fn count_is_capped_and_resending_a_batch_adds_nothing() {
    let (store, _dir) = store().await;
    let rows: Vec<_> = (0..(COUNT_CAP as i64 + 50))
        .map(|i| prepare(record(i, 1, 502, "capped x")).unwrap())
        .collect();
    let first = store.insert_batch(&rows).await.unwrap();
    assert_eq!(first.inserted, COUNT_CAP + 50);
    let again = store.insert_batch(&rows[..100]).await.unwrap();
    assert_eq!((again.inserted, again.duplicates), (0, 100));
    assert_eq!(
        store
            .count(&LogFilter::default(), Visibility::All)
            .await
            .unwrap(),
        COUNT_CAP + 1
    );
    // A keyword in every row: past the cap its matches cannot give the page, the newest can.
    let f = LogFilter {
        keyword: Some("capped".into()),
        ..Default::default()
    };
    let (page, count) = store.page(&f, Visibility::All).await.unwrap();
    assert_eq!(count, COUNT_CAP + 1);
    let ids = |rows: &[LogRow]| rows.iter().map(|r| r.id).collect::<Vec<_>>();
    let listed = store
        .list(&LogFilter::default(), Visibility::All)
        .await
        .unwrap();
    assert_eq!(ids(&page), ids(&listed));
}

#[tokio::test]
async fn impact_scope_counts_the_same_failure_in_group_and_elsewhere() {
    let (store, _dir) = store().await;
    seed(&store, 60).await;
    let rows = store
        .list(
            &LogFilter {
                status: vec![errscope::domain::status::StatusRange::exact(502)],
                ..Default::default()
            },
            Visibility::All,
        )
        .await
        .unwrap();
    let row = &rows[10];
    let scope = store
        .impact_scope(row, 10, Visibility::All)
        .await
        .unwrap()
        .shown;
    // 20 rows with 502 in 60 s; half are in each group.
    assert_eq!(scope.in_group + scope.other_group_failures, 20);
    assert_eq!(scope.other_groups, 1);
    assert!(scope.tokens >= 1 && scope.first_ms <= row.ts_ms && scope.last_ms >= row.ts_ms);
}

/// Seeds `n` rows and reads every one back, newest first.
async fn seeded_rows(store: &errscope::server::store::Store, n: i64) -> Vec<LogRow> {
    seed(store, n).await;
    common::walk_pages(
        store,
        LogFilter {
            page_size: 100,
            ..Default::default()
        },
        Visibility::All,
    )
    .await
}

#[tokio::test]
async fn impact_scopes_of_a_page_match_a_count_over_every_row() {
    let (store, _dir) = store().await;
    let everything = seeded_rows(&store, 300).await;
    // Rows a second apart, windows of ±1 minute: the windows of the picked rows overlap.
    let page: Vec<_> = everything.iter().step_by(7).collect();
    let scopes: Vec<_> = store
        .impact_scopes(&page, 1, Visibility::All)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.shown)
        .collect();
    assert_eq!(scopes.len(), page.len());
    for (row, scope) in page.iter().zip(&scopes) {
        let near: Vec<_> = everything
            .iter()
            .filter(|r| (r.ts_ms - row.ts_ms).abs() <= 60_000)
            .filter(|r| r.status_code == row.status_code && r.entry_id == row.entry_id)
            .collect();
        let (mine, others): (Vec<&LogRow>, Vec<&LogRow>) =
            near.into_iter().partition(|r| r.group == row.group);
        let distinct = |values: Vec<String>| {
            values
                .into_iter()
                .collect::<std::collections::HashSet<_>>()
                .len() as u64
        };
        let expected = errscope::domain::scope::ImpactScope {
            window_minutes: 1,
            in_group: mine.len() as u64,
            tokens: distinct(mine.iter().map(|r| r.token_name.clone()).collect()),
            users: distinct(mine.iter().map(|r| r.user_id.to_string()).collect()),
            models: distinct(mine.iter().map(|r| r.model.clone()).collect()),
            same_token: mine
                .iter()
                .filter(|r| r.token_name == row.token_name)
                .count() as u64,
            other_groups: distinct(others.iter().map(|r| r.group.clone()).collect()),
            other_group_failures: others.len() as u64,
            first_ms: mine.iter().map(|r| r.ts_ms).min().unwrap_or(0),
            last_ms: mine.iter().map(|r| r.ts_ms).max().unwrap_or(0),
            ..Default::default()
        };
        assert!(expected.in_group >= 1 && expected.other_group_failures >= 1);
        assert_eq!(scope, &expected, "row {}", row.id);
        let one = store.impact_scope(row, 1, Visibility::All).await.unwrap();
        assert_eq!(&one.shown, scope);
    }
}

#[tokio::test]
async fn a_relay_user_is_given_scope_counts_of_their_own_rows_only() {
    let (store, _dir) = store().await;
    let everything = seeded_rows(&store, 300).await;
    let mut checked = 0;
    for row in everything.iter().step_by(5) {
        let user = row.user_id;
        let all = store.impact_scope(row, 1, Visibility::All).await.unwrap();
        let own = store
            .impact_scope(row, 1, Visibility::User(user))
            .await
            .unwrap();
        let near = |r: &&LogRow| {
            (r.ts_ms - row.ts_ms).abs() <= 60_000
                && r.status_code == row.status_code
                && r.entry_id == row.entry_id
        };
        let mine_in_group = everything
            .iter()
            .filter(near)
            .filter(|r| r.group == row.group && r.user_id == user)
            .count() as u64;
        let others_in_group = everything
            .iter()
            .filter(near)
            .any(|r| r.group == row.group && r.user_id != user);
        assert!(own.shown.own_only && !all.shown.own_only);
        assert_eq!(own.shown.in_group, mine_in_group, "row {}", row.id);
        assert!(own.shown.users <= 1);
        assert_eq!(own.shown.others_in_group, others_in_group);
        // The attribution is decided on everyone's failures either way.
        let e = errscope::domain::catalogue::Catalogue::builtin().explain(
            &errscope::domain::signal::Signal {
                status: row.status_code,
                code: row.error_code.clone(),
                message: row.content.clone(),
            },
        );
        assert_eq!(own.resolve(&e), all.resolve(&e));
        if others_in_group {
            assert!(all.shown.in_group > own.shown.in_group);
            checked += 1;
        }
    }
    assert!(checked > 0, "the seed shares groups between users");
}

/// A page as an admin sees it.
async fn get(path: &str) -> (StatusCode, String) {
    let (store, _dir) = store().await;
    seed(&store, 30).await;
    let router = router(&store).await;
    let cookie = sign_in_as(&router, &store, "root", "admin", None).await;
    let (status, _, body) = get_as(&router, Some(&cookie), path).await;
    (status, body)
}

#[tokio::test]
async fn the_logs_page_renders_rows_on_the_server_and_escapes_them() {
    let (status, html) = get("/logs?range=&status=502").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("data-row-id"), "rows rendered on the server");
    assert!(html.contains("bad response status code 502"));
    assert!(
        !html.contains("1234567890XYZ"),
        "secrets never reach the page"
    );
}

#[tokio::test]
async fn the_home_page_leads_to_the_logs() {
    let (status, _) = get("/").await;
    assert!(status.is_redirection());
}

#[tokio::test]
async fn the_favicon_is_found_without_signing_in() {
    let (store, _dir) = store().await;
    let router = router(&store).await;
    let (status, headers, _) = get_as(&router, None, "/favicon.ico").await;
    assert_eq!(status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(headers["location"], "/favicon.svg");
}

#[tokio::test]
async fn bad_input_is_a_message_not_a_500() {
    for path in [
        "/logs?status=abc",
        "/logs?attribution=x&size=7&cursor=zz",
        "/logs?from=yesterday",
        &format!("/logs?q={}", "x".repeat(5000)),
    ] {
        let (status, html) = get(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(html.contains("role=\"alert\""), "{path} explains itself");
    }
    for path in ["/logs/424242", "/logs/notanumber"] {
        let (status, html) = get(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(html.contains("role=\"alert\""), "{path} explains itself");
    }
}

#[tokio::test]
async fn explain_api_and_health() {
    let (store, _dir) = store().await;
    let router = router(&store).await;
    let explain = |body: &'static str, key: Option<&str>| {
        let mut req = Request::post("/api/v1/explain");
        if let Some(k) = key {
            req = req.header("authorization", format!("Bearer {k}"));
        }
        req.body(Body::from(body)).unwrap()
    };
    let asked = r#"{"status":503,"message":"system disk overloaded"}"#;
    let res = router.clone().oneshot(explain(asked, None)).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "a key or a session");
    let key = store.create_ingest_key("explain", 0).await.unwrap();
    let res = router
        .clone()
        .oneshot(explain(asked, Some(&key)))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let v: serde_json::Value =
        serde_json::from_slice(&to_bytes(res.into_body(), 1 << 20).await.unwrap()).unwrap();
    assert_eq!(v["attribution"], "platform");
    assert_eq!(v["entry"], "000-msg-503-disk-overloaded");
    let res = router
        .clone()
        .oneshot(explain("{", Some(&key)))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let v: serde_json::Value =
        serde_json::from_slice(&to_bytes(res.into_body(), 1 << 20).await.unwrap()).unwrap();
    assert_eq!(v["error"]["code"], "bad_request_body");
    let res = router
        .oneshot(Request::get("/healthz").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn csv_export_streams_every_matching_row_with_a_bom() {
    let (store, _dir) = store().await;
    let rows: Vec<_> = (0..2_500)
        .map(|i| {
            prepare(record(
                i,
                1001,
                502,
                "bad response status code 502, \"quoted\", 请求失败",
            ))
            .unwrap()
        })
        .chain((0..10).map(|i| prepare(record(10_000 + i, 1002, 401, "Invalid token")).unwrap()))
        .collect();
    store.insert_batch(&rows).await.unwrap();
    let router = router(&store).await;
    let cookie = sign_in_as(&router, &store, "root", "admin", None).await;
    // Through the compression layer, as browsers ask for it.
    let gz = router
        .clone()
        .oneshot(
            Request::get("/logs.csv?status=502")
                .header("cookie", &cookie)
                .header("accept-encoding", "gzip")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let gz = to_bytes(gz.into_body(), 64 << 20).await.unwrap();
    let mut unzipped = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut unzipped).unwrap();
    let res = router
        .oneshot(
            Request::get("/logs.csv?status=502")
                .header("cookie", &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let body = to_bytes(res.into_body(), 64 << 20).await.unwrap();
    assert!(body.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM");
    assert_eq!(
        unzipped,
        body.to_vec(),
        "the gzip stream carries the whole export"
    );
    let mut reader = csv::Reader::from_reader(&body[3..]);
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "time");
    let status = headers.iter().position(|h| h == "status_code").unwrap();
    let content = headers.iter().position(|h| h == "content").unwrap();
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(
        records.len(),
        2_500,
        "every row across keyset pages, none twice"
    );
    assert!(records.iter().all(|r| &r[status] == "502"));
    assert_eq!(
        &records[0][content],
        "bad response status code 502, \"quoted\", 请求失败"
    );
}

#[tokio::test]
async fn a_status_class_or_list_pages_newest_first_exactly_like_one_scan() {
    use errscope::domain::status::parse_status_list;
    let (store, _dir) = store().await;
    seed(&store, 300).await; // 500, 502, 401 in turn; times interleave the codes
    let late: Vec<_> = [(900, 503), (901, 418), (902, 599)]
        .into_iter()
        .map(|(i, s)| prepare(record(i, 1001, s, "late")).unwrap())
        .collect();
    store.insert_batch(&late).await.unwrap();
    for (input, expected) in [("5xx", 202), ("401,502", 200), ("4xx", 101), ("301,302", 0)] {
        let status = parse_status_list(input).unwrap();
        // Every row of the filter, by the plain range query (large page) ...
        let all = LogFilter {
            status: status.clone(),
            page_size: 100_000,
            keyword: None,
            ..Default::default()
        };
        let mut want: Vec<_> = (0..300)
            .filter(|i| status.iter().any(|r| r.contains([500, 502, 401][i % 3])))
            .collect();
        want.extend(
            [(900, 503), (901, 418), (902, 599)]
                .iter()
                .filter(|(_, s)| status.iter().any(|r| r.contains(*s)))
                .map(|(i, _)| *i as usize),
        );
        assert_eq!(want.len(), expected, "{input}");
        // ... equals walking it 7 rows a page through the merged per-code pages.
        let f = LogFilter {
            status: status.clone(),
            page_size: 7,
            ..Default::default()
        };
        let got: Vec<_> = common::walk_pages(&store, f, Visibility::All)
            .await
            .into_iter()
            .map(|r| (r.ts_ms, r.id, r.request_id))
            .collect();
        let mut sorted = got.clone();
        sorted.sort_by_key(|g| std::cmp::Reverse((g.0, g.1)));
        assert_eq!(got, sorted, "{input}: newest first across pages");
        let mut ids: Vec<String> = got.into_iter().map(|g| g.2).collect();
        ids.sort();
        let mut want_ids: Vec<String> = want.iter().map(|i| format!("req-{i:06}")).collect();
        want_ids.sort();
        assert_eq!(ids, want_ids, "{input}");
        assert_eq!(
            store.count(&all, Visibility::All).await.unwrap(),
            expected as u64
        );
        // A user's view merges only their rows.
        let mine = store
            .list(
                &LogFilter {
                    status,
                    ..Default::default()
                },
                Visibility::User(1001),
            )
            .await
            .unwrap();
        assert!(mine.iter().all(|r| r.user_id == 1001), "{input}");
    }
}

#[tokio::test]
async fn slowest_first_pages_cover_every_row_once_with_unmeasured_rows_last() {
    use errscope::domain::filter::Sort;
    use errscope::domain::status::parse_status_list;
    let (store, _dir) = store().await;
    // Latencies with ties, and rows that recorded none (or 0, as new-api's error rows do).
    let rows: Vec<_> = (0..90)
        .map(|i| {
            let mut r = record(
                i,
                1000 + i % 3,
                [500, 502, 429][(i % 3) as usize],
                "slow upstream",
            );
            r.latency_ms = match i % 10 {
                0 => None,
                1 => Some(0),
                k => Some((k * 700) % 4_000),
            };
            prepare(r).unwrap()
        })
        .collect();
    store.insert_batch(&rows).await.unwrap();
    let key = |r: &LogRow| (r.latency_ms.unwrap_or(0), r.id);
    for (status, keyword, vis) in [
        ("", None, Visibility::All),
        ("5xx", None, Visibility::All),
        ("", Some("upstream"), Visibility::All),
        ("", None, Visibility::User(1001)),
    ] {
        let f = LogFilter {
            status: parse_status_list(status).unwrap_or_default(),
            keyword: keyword.map(str::to_string),
            sort: Sort::Slowest,
            page_size: 7,
            ..Default::default()
        };
        let got = common::walk_pages(&store, f.clone(), vis).await;
        let newest = common::walk_pages(
            &store,
            LogFilter {
                sort: Sort::Newest,
                ..f.clone()
            },
            vis,
        )
        .await;
        let mut want = newest.clone();
        want.sort_by_key(|r| std::cmp::Reverse(key(r)));
        assert!(!want.is_empty(), "{status} {keyword:?}");
        assert_eq!(
            got.iter().map(key).collect::<Vec<_>>(),
            want.iter().map(key).collect::<Vec<_>>(),
            "{status} {keyword:?} {vis:?}: every row once, slowest first"
        );
        assert!(got.last().is_some_and(|r| r.latency_ms.unwrap_or(0) == 0));
    }
}

/// Pages rendered side by side on several threads: each answers whole, with its own title and
/// its page CSP. A page title that read a signal while the response head was written used to
/// panic now and then under concurrency ("no Arena is active" / "already been disposed"), which
/// dropped the connection.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pages_rendered_concurrently_all_answer_whole() {
    let (store, _dir) = store().await;
    seed(&store, 200).await;
    let app = router(&store).await;
    let cookie = sign_in_as(&app, &store, "conc-admin", "admin", None).await;
    let paths = [
        "/logs",
        "/health",
        "/reference",
        "/logs?status=5xx",
        "/login",
    ];
    let tasks: Vec<_> = (0..160)
        .map(|i| {
            let (app, cookie) = (app.clone(), cookie.clone());
            let path = paths[i % paths.len()];
            tokio::spawn(async move { (path, get_as(&app, Some(&cookie), path).await) })
        })
        .collect();
    for task in tasks {
        let (path, (status, headers, body)) = task.await.expect("the page did not panic");
        assert!(
            status.is_success() || status.is_redirection(),
            "{path}: {status}"
        );
        if status.is_success() {
            let csp = headers["content-security-policy"].to_str().unwrap();
            assert!(csp.contains("script-src 'nonce-"), "{path}: {csp}");
            assert!(body.contains("· errscope</title>"), "{path}: no page title");
        }
    }
}
