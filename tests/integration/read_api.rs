//! The read API with read keys: the Usage Logs query over HTTP, paged by cursor, a request
//! with its attempts, Group Health; scopes, per-user keys, bad input, the rate limit.
use axum::body::Body;
use axum::http::{Request, StatusCode};
use errscope::domain::access::KeyScope;
use tower::ServiceExt;

use crate::common;
use common::{get_with_key as get, record, router, seed, store};
use errscope::server::ingest::prepare;

#[tokio::test]
async fn a_read_key_pages_through_exactly_the_rows_of_a_query() {
    let (store, _db) = store().await;
    seed(&store, 90).await;
    let router = router(&store).await;
    let key = store
        .create_key("grafana", KeyScope::Read, None, 0)
        .await
        .unwrap();

    // 30 of the 90 seeded rows are 502s; 15 of those are in vip. Pages of 20: 20 + 0 more.
    let mut path = "/api/v1/logs?status=502&size=20".to_string();
    let mut seen = Vec::new();
    let mut count = None;
    loop {
        let (status, page) = get(&router, Some(&key), &path).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        count.get_or_insert(page["count"].as_u64().unwrap());
        for row in page["rows"].as_array().unwrap() {
            assert_eq!(row["status_code"], 502);
            // Support-level reading: every user, never the admin-only fields.
            assert!(
                row["channel"].is_null() && row["client_ip"].is_null(),
                "{row}"
            );
            assert!(row["resolution"]["attribution"].is_string(), "{row}");
            seen.push(row["request_id"].as_str().unwrap().to_string());
        }
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/logs?status=502&size=20&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(count, Some(30));
    assert_eq!(seen.len(), 30);
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 30, "no row twice across pages");

    let (status, vip) = get(&router, Some(&key), "/api/v1/logs?status=502&group=vip").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(vip["count"], 15);

    // Bad input is refused in the ingest API's error shape, naming the field.
    let (status, bad) = get(&router, Some(&key), "/api/v1/logs?status=abc").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(bad["error"]["code"], "invalid_filter");
    assert_eq!(bad["error"]["param"], "status");
    let (status, bad) = get(&router, Some(&key), "/api/v1/logs?tz=Mars%2FBase").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(bad["error"]["param"], "tz");
}

#[tokio::test]
async fn keys_read_only_what_their_scope_and_user_allow() {
    let (store, _db) = store().await;
    seed(&store, 40).await;
    let router = router(&store).await;
    let ingest = store.create_ingest_key("relay", 0).await.unwrap();
    let mine = store
        .create_key("alice's tool", KeyScope::Read, Some(1001), 0)
        .await
        .unwrap();
    let reader = store
        .create_key("support tool", KeyScope::Read, None, 0)
        .await
        .unwrap();

    let (status, none) = get(&router, None, "/api/v1/logs").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(none["error"]["code"], "invalid_api_key");
    let (status, wrong) = get(&router, Some(&ingest), "/api/v1/logs").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(wrong["error"]["code"], "insufficient_scope");
    // A read key does not push.
    let res = router
        .clone()
        .oneshot(
            Request::post("/api/v1/logs")
                .header("authorization", format!("Bearer {reader}"))
                .header("content-type", "application/json")
                .body(Body::from("[]"))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // Limited to relay user 1001: their 10 rows, counts included, and nobody else's request.
    let (status, own) = get(&router, Some(&mine), "/api/v1/logs?size=100").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(own["count"], 10);
    let users: Vec<_> = own["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["user_id"].clone())
        .collect();
    assert!(users.iter().all(|u| u == 1001), "{users:?}");
    let (status, _) = get(&router, Some(&mine), "/api/v1/logs/req-000000").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "user 1000's request");
    let (status, theirs) = get(&router, Some(&reader), "/api/v1/logs/req-000000").await;
    assert_eq!(status, StatusCode::OK, "{theirs}");

    // Revoked: refused from then on.
    let id = store
        .list_keys()
        .await
        .unwrap()
        .iter()
        .find(|k| k.name == "support tool")
        .unwrap()
        .id;
    store.revoke_key(id, 1).await.unwrap();
    let (status, _) = get(&router, Some(&reader), "/api/v1/logs").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_request_comes_with_its_attempts_attribution_and_scope_and_health_with_its_figures() {
    let (store, _db) = store().await;
    seed(&store, 30).await;
    // A request that failed twice: two error rows sharing its id.
    let mut retry = record(100, 1000, 502, "bad response status code 502");
    retry.request_id = Some("req-retried".into());
    let mut again = record(101, 1000, 502, "bad response status code 502");
    again.request_id = Some("req-retried".into());
    again.attempt = Some(1);
    store
        .insert_batch(&[prepare(retry).unwrap(), prepare(again).unwrap()])
        .await
        .unwrap();
    let router = router(&store).await;
    let key = store
        .create_key("support tool", KeyScope::Read, None, 0)
        .await
        .unwrap();

    let (status, req) = get(&router, Some(&key), "/api/v1/logs/req-retried?lang=zh").await;
    assert_eq!(status, StatusCode::OK, "{req}");
    assert_eq!(req["rows"].as_array().unwrap().len(), 2);
    assert_eq!(req["details"]["attempts"].as_array().unwrap().len(), 2);
    assert!(
        req["details"]["resolution"]["attribution"].is_string(),
        "{req}"
    );
    assert!(
        req["details"]["support_message"]
            .as_str()
            .unwrap()
            .contains("请求 ID"),
        "{req}"
    );
    let (status, missing) = get(&router, Some(&key), "/api/v1/logs/req-none").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(missing["error"]["code"], "request_not_found");

    // The looked-up request of another user is in the audit, under the key's name.
    let audit = store.lookups(10).await.unwrap();
    assert!(audit
        .iter()
        .any(|l| l.username == "key:support tool" && l.request_id == "req-retried"));

    let (status, health) = get(&router, Some(&key), "/api/v1/health?window=7d").await;
    assert_eq!(status, StatusCode::OK, "{health}");
    assert_eq!(health["window"], "7d");
    assert!(health["groups"].is_array());
    let (status, bad) = get(&router, Some(&key), "/api/v1/health?window=99y").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(bad["error"]["param"], "window");
}

#[tokio::test]
async fn a_key_that_calls_too_often_is_told_to_wait() {
    let (store, _db) = store().await;
    let router = router(&store).await;
    let key = store
        .create_key("busy", KeyScope::Read, None, 0)
        .await
        .unwrap();
    let mut limited = 0;
    for _ in 0..100 {
        let (status, _) = get(&router, Some(&key), "/api/v1/health?window=1h").await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            limited += 1;
        }
    }
    assert!(
        limited > 0,
        "100 calls at once pass a burst of 60 only with refusals"
    );
    // Another key has its own allowance.
    let other = store
        .create_key("calm", KeyScope::Read, None, 0)
        .await
        .unwrap();
    let (status, _) = get(&router, Some(&other), "/api/v1/health?window=1h").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn slower_than_keeps_rows_at_or_over_the_threshold_and_never_rows_without_latency() {
    let (store, _db) = store().await;
    // Latencies 0 (new-api's error rows), none, 999, 1000 and 4000 ms.
    let rows: Vec<_> = [Some(0), None, Some(999), Some(1000), Some(4000)]
        .into_iter()
        .enumerate()
        .map(|(i, latency_ms)| {
            let mut r = record(i as i64, 1000, 502, "bad response status code 502");
            r.latency_ms = latency_ms;
            prepare(r).unwrap()
        })
        .collect();
    store.insert_batch(&rows).await.unwrap();
    let router = router(&store).await;
    let key = store
        .create_key("slow", KeyScope::Read, None, 0)
        .await
        .unwrap();

    let (status, page) = get(&router, Some(&key), "/api/v1/logs?slower=1000").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let mut latencies: Vec<i64> = page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["latency_ms"].as_i64().unwrap())
        .collect();
    latencies.sort();
    assert_eq!(latencies, [1000, 4000]);
    assert_eq!(page["count"], 2);

    let (_, one) = get(&router, Some(&key), "/api/v1/logs?slower=1").await;
    assert_eq!(
        one["count"], 3,
        "0 ms and no latency are not 'slower than 1 ms'"
    );

    for bad in ["fast", "0", "-5", "3600001", "1.5"] {
        let (status, refused) =
            get(&router, Some(&key), &format!("/api/v1/logs?slower={bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(refused["error"]["param"], "slower", "{bad}");
    }
}
