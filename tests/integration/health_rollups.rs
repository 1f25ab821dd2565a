//! The Group Health rollups always equal a fresh count of the logs: after inserts, after a
//! re-sent batch (duplicates are not counted twice), and after a retention purge.
use crate::common;

use errscope::domain::latency::{bucket_of, bucket_sql, Dimension, Histograms};
use errscope::domain::log::LogType;
use errscope::domain::retention::Retention;
use errscope::server::ingest::prepare;
use errscope::server::retention::purge_expired;
use errscope::server::store::{Backend, Store, Visibility};
use errscope::server::time::now_ms;

const DAY: i64 = 86_400_000;

/// (what the rollup tables hold, what the logs say they should hold), sorted.
async fn rollups_and_truth(store: &Store) -> [(Vec<String>, Vec<String>); 6] {
    let rows = |sql: &str| {
        let sql = sql.to_string();
        async move {
            let mut v = store.query_texts(&sql).await.unwrap();
            v.sort();
            v
        }
    };
    let measured = "FROM logs WHERE log_type IN (2, 5) AND latency_ms > 0";
    let bucket = bucket_sql();
    [
        (
            rows("SELECT concat_ws('|', quarter, grp, log_type, status_code, entry_id, attribution, n) FROM health_rollup").await,
            rows("SELECT concat_ws('|', ts_ms / 900000, grp, log_type, coalesce(status_code, 0), coalesce(entry_id, ''), \
                  coalesce(attribution, ''), count(*)) FROM logs GROUP BY ts_ms / 900000, grp, log_type, status_code, entry_id, attribution").await,
        ),
        (
            rows("SELECT concat_ws('|', quarter, grp, kind, value, n) FROM health_members").await,
            rows("SELECT concat_ws('|', q, grp, kind, value, count(*)) FROM ( \
                  SELECT ts_ms / 900000 AS q, grp, 0 AS kind, token_name AS value FROM logs WHERE log_type = 5 \
                  UNION ALL SELECT ts_ms / 900000, grp, 1, CAST(user_id AS TEXT) FROM logs WHERE log_type = 5 \
                  UNION ALL SELECT ts_ms / 900000, grp, 2, model FROM logs WHERE log_type = 5) m GROUP BY q, grp, kind, value").await,
        ),
        (
            rows("SELECT concat_ws('|', quarter, grp, log_type, n) FROM health_totals").await,
            rows("SELECT concat_ws('|', ts_ms / 900000, grp, log_type, count(*)) FROM logs \
                  GROUP BY ts_ms / 900000, grp, log_type").await,
        ),
        (
            rows("SELECT concat_ws('|', status_code, entry_id) FROM signature_samples").await,
            rows("SELECT DISTINCT concat_ws('|', coalesce(status_code, 0), coalesce(entry_id, '')) FROM logs WHERE log_type = 5").await,
        ),
        (
            rows("SELECT concat_ws('|', quarter, kind, value, bucket, n) FROM latency_rollup").await,
            rows(&format!("SELECT concat_ws('|', q, kind, value, b, count(*)) FROM ( \
                  SELECT ts_ms / 900000 AS q, 0 AS kind, grp AS value, {bucket} AS b {measured} \
                  UNION ALL SELECT ts_ms / 900000, 1, model, {bucket} {measured} \
                  UNION ALL SELECT ts_ms / 900000, 2, channel, {bucket} {measured} AND channel <> '') m \
                  GROUP BY q, kind, value, b")).await,
        ),
        (
            rows("SELECT concat_ws('|', day, kind, value, bucket, n) FROM latency_daily").await,
            rows(&format!("SELECT concat_ws('|', d, kind, value, b, count(*)) FROM ( \
                  SELECT ts_ms / {DAY} AS d, 0 AS kind, grp AS value, {bucket} AS b {measured} \
                  UNION ALL SELECT ts_ms / {DAY}, 1, model, {bucket} {measured} \
                  UNION ALL SELECT ts_ms / {DAY}, 2, channel, {bucket} {measured} AND channel <> '') m \
                  GROUP BY d, kind, value, b")).await,
        ),
    ]
}

async fn assert_in_step(store: &Store, when: &str) {
    for (held, truth) in rollups_and_truth(store).await {
        assert!(!truth.is_empty(), "{when}: the test has data");
        assert_eq!(held, truth, "{when}");
    }
    assert_health_reads_in_step(store, when).await;
}

/// What the 7-day Group Health window reads (through its bucket caches, which survive from
/// one call to the next) equals a fresh count of the logs: errors and requests per group in
/// the window, requests in the window before, and the tokens the errors touched.
async fn assert_health_reads_in_step(store: &Store, when: &str) {
    let hour = 3_600_000;
    let to = (now_ms() / hour + 1) * hour;
    let (from, prev_from) = (to - 7 * DAY, to - 14 * DAY);
    let counts = store
        .health_counts(prev_from, from, to, hour, Visibility::All)
        .await
        .unwrap();
    let mut held: Vec<String> = Vec::new();
    let mut sums: std::collections::BTreeMap<(String, &str), u64> = Default::default();
    for c in counts.errors() {
        *sums.entry((c.group.clone(), "errors")).or_default() += c.n;
    }
    for c in counts.totals() {
        let what = if c.t_ms < from { "before" } else { "requests" };
        *sums.entry((c.group.clone(), what)).or_default() += c.n;
    }
    held.extend(
        sums.into_iter()
            .map(|((g, what), n)| format!("{g}|{what}|{n}")),
    );
    held.extend(
        counts
            .affected
            .iter()
            .map(|a| format!("{}|tokens|{}", a.group, a.tokens)),
    );
    held.sort();
    let truth_sql = format!(
        "SELECT concat_ws('|', grp, 'errors', count(*)) FROM logs WHERE log_type = 5 AND ts_ms >= {from} AND ts_ms < {to} GROUP BY grp \
         UNION ALL SELECT concat_ws('|', grp, 'requests', count(*)) FROM logs WHERE ts_ms >= {from} AND ts_ms < {to} GROUP BY grp \
         UNION ALL SELECT concat_ws('|', grp, 'before', count(*)) FROM logs WHERE ts_ms >= {prev_from} AND ts_ms < {from} GROUP BY grp \
         UNION ALL SELECT concat_ws('|', grp, 'tokens', count(DISTINCT token_name)) FROM logs WHERE log_type = 5 AND ts_ms >= {from} AND ts_ms < {to} GROUP BY grp"
    );
    let mut truth = store.query_texts(&truth_sql).await.unwrap();
    truth.sort();
    assert_eq!(held, truth, "{when}: Group Health's 7-day reads");

    // Latency: the 7-day window in hours (whole days from the daily rollup, the hours around
    // them from the quarter rollup), 24 hours in quarters, an hour in minutes ending off the
    // quarter-hours (its ends from the logs), and one relay user's own rows.
    let (minute, quarter) = (60_000, 900_000);
    let odd_to = now_ms() / minute * minute + minute;
    let quarter_to = (now_ms() / quarter + 1) * quarter;
    for (prev_from, from, to, bucket, vis) in [
        (prev_from, from, to, hour, Visibility::All),
        (
            quarter_to - 2 * DAY,
            quarter_to - DAY,
            quarter_to,
            quarter,
            Visibility::All,
        ),
        (
            odd_to - 2 * hour,
            odd_to - hour,
            odd_to,
            minute,
            Visibility::All,
        ),
        (prev_from, from, to, hour, Visibility::User(1002)),
    ] {
        let held = store
            .latency_histograms(prev_from, from, to, bucket, vis)
            .await
            .unwrap();
        let truth = latency_truth(store, (prev_from, from, to), vis).await;
        for dim in Dimension::ALL {
            let values = truth.values(dim);
            assert_eq!(held.values(dim), values, "{when}: {dim:?} {vis:?} {bucket}");
            for v in values {
                assert_eq!(
                    held.latency(dim, v),
                    truth.latency(dim, v),
                    "{when}: {v} {vis:?}"
                );
            }
        }
    }
}

/// The latency histograms of a window and the one before, counted row by row from the logs.
async fn latency_truth(
    store: &Store,
    (prev_from, from, to): (i64, i64, i64),
    vis: Visibility,
) -> Histograms {
    let whose = vis
        .user()
        .map(|u| format!(" AND user_id = {u}"))
        .unwrap_or_default();
    let rows = store
        .query_texts(&format!(
            "SELECT concat_ws('|', ts_ms, coalesce(latency_ms, 0), grp, model, coalesce(channel, '')) FROM logs \
             WHERE log_type IN (2, 5) AND ts_ms >= {prev_from} AND ts_ms < {to}{whose}"
        ))
        .await
        .unwrap();
    let mut out = Histograms::default();
    for row in rows {
        let f: Vec<&str> = row.split('|').collect();
        let ts: i64 = f[0].parse().unwrap();
        let Some(bucket) = bucket_of(f[1].parse().ok()) else {
            continue;
        };
        let current = ts >= from;
        out.add(Dimension::Group, f[2], current, bucket, 1);
        out.add(Dimension::Model, f[3], current, bucket, 1);
        // concat_ws may drop a trailing empty value.
        let channel = f.get(4).copied().unwrap_or_default();
        if !channel.is_empty() && vis == Visibility::All {
            out.add(Dimension::Channel, channel, current, bucket, 1);
        }
    }
    out
}

#[tokio::test]
async fn rollups_follow_inserts_duplicates_and_purges() {
    let (store, _dir) = common::store().await;
    let now = now_ms();
    let batch = |first: i64| {
        (first..first + 300)
            .map(|i| {
                let status = [500, 502, 401, 429][(i % 4) as usize];
                let mut r = common::record(
                    i,
                    1000 + i % 5,
                    status,
                    ["Invalid token", "bad response status code 502", "请求失败"][(i % 3) as usize],
                );
                // Spread over 12 days, a few minutes apart, some of them consume rows.
                r.time = Some(serde_json::json!(now - i * 3_456_000));
                if i % 7 == 0 {
                    r.log_type = Some("consume".into());
                }
                // Most rows timed, some with new-api's 0 or none; three channels and none.
                r.latency_ms = match i % 5 {
                    0 => Some(0),
                    1 => None,
                    _ => Some(40 + i * 811 % 90_000),
                };
                r.channel = (i % 4 != 0).then(|| format!("ch-{}", i % 3));
                r.model = Some(["gpt-4o", "claude-3", "qwen-max"][(i % 3) as usize].into());
                prepare(r).unwrap()
            })
            .collect::<Vec<_>>()
    };
    store.insert_batch(&batch(0)).await.unwrap();
    assert_in_step(&store, "after the first batch").await;

    // Half of this batch was stored before.
    let outcome = store.insert_batch(&batch(150)).await.unwrap();
    assert_eq!((outcome.inserted, outcome.duplicates), (150, 150));
    assert_in_step(&store, "after a partly re-sent batch").await;

    store
        .set_retention(Retention {
            log_type: LogType::Error,
            days: Some(5),
        })
        .await
        .unwrap();
    let purged = purge_expired(&store, now, 37).await.unwrap();
    assert!(purged.iter().map(|p| p.removed).sum::<u64>() > 100);
    assert_in_step(&store, "after purging error rows older than 5 days").await;

    let oldest_sample = store
        .query_int("SELECT min(ts_ms) FROM signature_samples")
        .await
        .unwrap();
    assert!(
        oldest_sample >= now - 5 * DAY,
        "no message outlives the retention"
    );

    // Then the consume rows. The older days now hold consume rows only, so on PostgreSQL
    // the expired weeks go as whole partitions (with their keys and rollups); SQLite deletes row by row.
    let partitions_before = partitions(&store).await;
    store
        .set_retention(Retention {
            log_type: LogType::Consume,
            days: Some(5),
        })
        .await
        .unwrap();
    let purged = purge_expired(&store, now, 37).await.unwrap();
    let consume = purged
        .iter()
        .find(|p| p.log_type == LogType::Consume)
        .unwrap();
    assert!(consume.removed > 10, "{consume:?}");
    assert_in_step(&store, "after purging consume rows older than 5 days").await;
    let cutoff = errscope::domain::retention::cutoff_ms(now, 5);
    let expired = format!("SELECT count(*) FROM logs WHERE ts_ms < {cutoff}");
    assert_eq!(store.query_int(&expired).await.unwrap(), 0);
    if store.backend() == Backend::Postgres {
        assert!(
            partitions(&store).await < partitions_before,
            "a whole week dropped"
        );
        assert_eq!(
            store
                .query_int("SELECT count(*) FROM log_keys")
                .await
                .unwrap(),
            store.query_int("SELECT count(*) FROM logs").await.unwrap(),
            "every key belongs to a stored row"
        );
    }
    // A purged row sent again is a new row (its key went with it), and is counted once.
    let outcome = store.insert_batch(&batch(0)).await.unwrap();
    assert!(
        outcome.inserted > 100 && outcome.duplicates > 10,
        "{outcome:?}"
    );
    assert_in_step(&store, "after re-sending purged rows").await;
}

/// PostgreSQL's log partitions (0 on SQLite).
async fn partitions(store: &Store) -> i64 {
    if store.backend() != Backend::Postgres {
        return 0;
    }
    store
        .query_int("SELECT count(*) FROM pg_inherits WHERE inhparent = 'logs'::regclass")
        .await
        .unwrap()
}

#[tokio::test]
async fn the_database_buckets_latencies_as_the_code_does() {
    let (store, _dir) = common::store().await;
    let latencies: Vec<i64> = (1..3000).chain((3000..4_000_000).step_by(7919)).collect();
    let got = store.latency_buckets_in_sql(&latencies).await.unwrap();
    assert_eq!(got.len(), latencies.len());
    for (ms, bucket) in got {
        assert_eq!(Some(bucket), bucket_of(Some(ms)), "{ms} ms");
    }
}

/// What `serve` reads ahead at a start: the 24-hour and 7-day windows' buckets (each with the
/// window before it) are kept for the first page, and they hold the logs' counts.
#[tokio::test]
async fn a_start_reads_group_health_ahead() {
    let (store, _dir) = common::store().await;
    common::seed(&store, 60).await;
    store.forget_health_buckets();
    let (hour, quarter) = (3_600_000, 900_000);
    assert_eq!(store.kept_health_buckets(hour), 0);
    errscope::server::views::health::warm(&store).await.unwrap();
    assert_eq!(store.kept_health_buckets(hour), 2 * 7 * 24);
    assert_eq!(store.kept_health_buckets(quarter), 2 * 24 * 4);
    assert_health_reads_in_step(&store, "after reading ahead").await;
}
