//! Retention: expired rows of the configured log type go, in batches, with their keyword-index
//! entries; other types and recent rows stay; each purge is recorded; only admins change it.
use axum::http::StatusCode;

use errscope::domain::filter::LogFilter;
use errscope::domain::log::LogType;
use errscope::domain::retention::Retention;
use errscope::server::ingest::prepare;
use errscope::server::retention::purge_expired;
use errscope::server::store::Visibility;
use errscope::server::time::now_ms;

use crate::common;
use common::{get_as, post_text, record, router, sign_in_as, store};

const DAY: i64 = 86_400_000;

#[tokio::test]
async fn expired_rows_of_one_type_are_purged_in_batches_with_their_index_entries() {
    let (store, _dir) = store().await;
    let now = now_ms();
    let mut rows = Vec::new();
    // Error rows 1..=10 days old (plus an hour, off the boundary), each with its own word.
    for age in 1..=10 {
        let mut r = record(age, 1001, 502, &format!("upstream said marker{age:02}x"));
        r.time = Some(serde_json::json!(now - age * DAY - 3_600_000));
        rows.push(prepare(r).unwrap());
    }
    // Consume rows 20 days old: no retention for that type, so they stay.
    for i in 0..5 {
        let mut r = record(100 + i, 1001, 200, "");
        r.log_type = Some("consume".into());
        r.time = Some(serde_json::json!(now - 20 * DAY));
        rows.push(prepare(r).unwrap());
    }
    store.insert_batch(&rows).await.unwrap();
    store
        .set_retention(Retention {
            log_type: LogType::Error,
            days: Some(5),
        })
        .await
        .unwrap();

    let reports = purge_expired(&store, now, 2).await.unwrap();
    assert_eq!(reports.len(), 1, "only error rows have a retention");
    assert_eq!(
        (reports[0].log_type, reports[0].days, reports[0].removed),
        (LogType::Error, 5, 6)
    );

    let count = |f: LogFilter| {
        let store = store.clone();
        async move { store.count(&f, Visibility::All).await.unwrap() }
    };
    assert_eq!(
        count(LogFilter::default()).await,
        4,
        "error rows 1-4 days old remain"
    );
    let consume = LogFilter {
        log_type: Some(LogType::Consume),
        ..LogFilter::default()
    };
    assert_eq!(count(consume).await, 5);
    for (age, left) in [(3, 1), (8, 0)] {
        let f = LogFilter {
            keyword: Some(format!("marker{age:02}x")),
            ..LogFilter::default()
        };
        assert_eq!(
            count(f).await,
            left,
            "keyword index for the {age}-day-old row"
        );
    }
    assert_eq!(store.purge_reports(5).await.unwrap(), reports);
    // A second purge finds nothing more and says so.
    let again = purge_expired(&store, now, 2).await.unwrap();
    assert_eq!(again[0].removed, 0);
}

#[tokio::test]
async fn only_admins_set_retention_and_bad_days_are_refused_with_a_message() {
    let (store, _dir) = store().await;
    let router = router(&store).await;
    let support = sign_in_as(&router, &store, "helpdesk", "support", None).await;
    let (_, _, body) = post_text(
        &router,
        Some(&support),
        "/api/set_retention",
        "log_type=error&days=7",
    )
    .await;
    assert!(body.contains("role may not"), "{body}");
    assert_eq!(store.retention().await.unwrap()[0].days, None);

    let admin = sign_in_as(&router, &store, "root", "admin", None).await;
    for bad in ["0", "99999", "seven"] {
        let path = "/api/set_retention";
        let (_, _, body) = post_text(
            &router,
            Some(&admin),
            path,
            &format!("log_type=error&days={bad}"),
        )
        .await;
        assert!(body.contains("whole number of days"), "{bad}: {body}");
    }
    let (status, _, _) = post_text(
        &router,
        Some(&admin),
        "/api/set_retention",
        "log_type=consume&days=30",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let rules = store.retention().await.unwrap();
    assert_eq!(
        (rules[0].days, rules[1].log_type, rules[1].days),
        (None, LogType::Consume, Some(30))
    );
    let (_, _, page) = get_as(&router, Some(&admin), "/admin/retention").await;
    assert!(
        page.contains("value=\"30\""),
        "the form shows the saved days"
    );
    let (status, _, page) = get_as(&router, Some(&support), "/admin/retention").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("role may not") && !page.contains("value=\"30\""));
}
